/**
 * `flowplane export FILE.rsc`: load a configuration into a fresh router and print it the way RouterOS
 * `/export` does (control/store/export.ts): menu header lines, `add`/`set` lines with what differs from the
 * defaults (everything with --verbose), 80-column `\` wrapping (one line per command with --terse).
 *
 * The header's date is the time the configuration was last changed, as RouterOS prints the time of the
 * export: the file's modification time, or SOURCE_DATE_EPOCH (seconds) when set, so the same file gives
 * the same bytes. Times are UTC.
 */
import * as fs from 'node:fs';
import { parseArgs } from 'node:util';
import type { Command, Io } from '../cli';
import { packageVersion } from '../paths';
import { RouterInstance } from '../../control/instance/router';
import { exportConfig } from '../../control/store/export';

const USAGE = `usage: flowplane export FILE.rsc [--verbose] [--terse] [--show-sensitive] [--strict] [--fragment] [--ethernet-ports N]

Loads a RouterOS configuration script into a fresh router and prints it as RouterOS /export does:
a header, then per menu its header line and the add/set commands that differ from the defaults.
Commands in menus flowplane does not model are kept and printed back as they were written.

options:
  --verbose            every property, defaults included (export verbose)
  --terse              the menu path on every line, no wrapping (export terse)
  --show-sensitive     print passwords and keys (hidden by default, as in RouterOS v7)
  --strict             commands in menus flowplane does not model are errors
  --fragment           the file is a snippet for a router configured elsewhere: names it does not
                       define (interfaces, interface lists, routing tables) are warnings, not errors
  --ethernet-ports N   the router has ethernet ports ether1..etherN (default 8)
  -h, --help           this help

The header date is the file's modification time (UTC), or SOURCE_DATE_EPOCH when set.

exit status: 0 printed, 1 the configuration has errors (reported as FILE:LINE:COL: error: ...;
nothing printed), 2 usage error.
`;

/** The export header's date: SOURCE_DATE_EPOCH when set, else the file's modification time. */
export function exportDate(file: string | undefined, env: NodeJS.ProcessEnv = process.env): Date {
  const epoch = env.SOURCE_DATE_EPOCH;
  if (epoch !== undefined && /^\d+$/.test(epoch)) return new Date(Number(epoch) * 1000);
  if (file !== undefined) {
    try {
      return fs.statSync(file).mtime;
    } catch {
      // fall through
    }
  }
  return new Date();
}

/** Parse `--ethernet-ports N`; a message when it is not a port count. */
export function parsePorts(v: string | undefined): number | undefined | string {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!/^\d+$/.test(v) || n < 1 || n > 1024) return `--ethernet-ports expects a number 1..1024, found '${v}'`;
  return n;
}

async function run(args: string[], io: Io): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args,
      allowPositionals: true,
      options: {
        verbose: { type: 'boolean' },
        terse: { type: 'boolean' },
        'show-sensitive': { type: 'boolean' },
        strict: { type: 'boolean' },
        fragment: { type: 'boolean' },
        'ethernet-ports': { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (e) {
    io.err(`flowplane export: ${e instanceof Error ? e.message : String(e)}\n${USAGE}`);
    return 2;
  }
  const { values, positionals } = parsed;
  if (values.help) {
    io.out(USAGE);
    return 0;
  }
  if (positionals.length !== 1) {
    io.err(`flowplane export: ${positionals.length === 0 ? 'name the file to export' : 'one file at a time'}\n${USAGE}`);
    return 2;
  }
  const ports = parsePorts(values['ethernet-ports']);
  if (typeof ports === 'string') {
    io.err(`flowplane export: ${ports}\n`);
    return 2;
  }
  const file = positionals[0]!;
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    io.err(`flowplane export: cannot read ${file}: ${code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a folder' : (e as Error).message}\n`);
    return 2;
  }
  const router = new RouterInstance(ports !== undefined ? { ethernetPorts: ports } : {});
  const r = router.load(text, file, { ...(values.strict ? { strict: true } : {}), ...(values.fragment ? { fragment: true } : {}) });
  if (!r.ok) {
    let err = '';
    for (const e of r.errors) err += `${e.file}:${e.line}:${e.col}: error: ${e.message}\n`;
    err += `flowplane export: ${file} has ${r.errors.length} error${r.errors.length === 1 ? '' : 's'}; nothing exported\n`;
    io.err(err);
    return 1;
  }
  io.out(
    exportConfig(router.store, {
      verbose: values.verbose ?? false,
      terse: values.terse ?? false,
      showSensitive: values['show-sensitive'] ?? false,
      date: exportDate(file),
      version: packageVersion(),
    }),
  );
  return 0;
}

export const exportCommand: Command = {
  name: 'export',
  summary: 'print a config the way RouterOS /export does',
  usage: 'flowplane export FILE.rsc [--verbose] [--terse] [--show-sensitive] [--strict] [--fragment] [--ethernet-ports N]',
  run,
};
