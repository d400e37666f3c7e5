/**
 * `flowplane console [FILE.rsc]`: a RouterOS-style console on a router, loaded from FILE when given
 * (control/console/console.ts). With a terminal: a prompt `[admin@MikroTik] >`, line editing, history,
 * Tab completion and `?` help; with piped input: each command's output in order and nothing else, so a
 * script of console lines can be fed to it.
 */
import * as fs from 'node:fs';
import { Writable } from 'node:stream';
import { parseArgs } from 'node:util';
import type { Command, Io } from '../cli';
import { packageVersion } from '../paths';
import { exportDate, parsePorts } from './export';
import { runConsole } from '../../control/console/console';
import { RouterInstance } from '../../control/instance/router';
import { ROUTEROS_SYNTAX_VERSION } from '../../control/store/export';

const USAGE = `usage: flowplane console [FILE.rsc] [--strict] [--ethernet-ports N]

Opens a RouterOS-style console on a router (loaded from FILE.rsc when given). Menus are entered by
name (/ip firewall filter, .., /); print, export, add, set, remove, enable, disable, move, comment
work as in RouterOS, each command applied whole or not at all. ? lists what can be typed at the cursor,
Tab completes menu, command and property names, quit (or Ctrl-D) leaves.

With piped input there is no prompt: every command's output is printed in order.

options:
  --strict             FILE: commands in menus flowplane does not model are errors
  --ethernet-ports N   the router has ethernet ports ether1..etherN (default 8)
  -h, --help           this help

The export header date is the current time (UTC), or SOURCE_DATE_EPOCH when set.

exit status: 0 the console ended, 1 FILE has errors (reported as FILE:LINE:COL: error: ...), 2 usage error.
`;

async function run(args: string[], io: Io): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args,
      allowPositionals: true,
      options: {
        strict: { type: 'boolean' },
        'ethernet-ports': { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (e) {
    io.err(`flowplane console: ${e instanceof Error ? e.message : String(e)}\n${USAGE}`);
    return 2;
  }
  const { values, positionals } = parsed;
  if (values.help) {
    io.out(USAGE);
    return 0;
  }
  if (positionals.length > 1) {
    io.err(`flowplane console: one file at a time\n${USAGE}`);
    return 2;
  }
  const ports = parsePorts(values['ethernet-ports']);
  if (typeof ports === 'string') {
    io.err(`flowplane console: ${ports}\n`);
    return 2;
  }
  const router = new RouterInstance(ports !== undefined ? { ethernetPorts: ports } : {});
  const file = positionals[0];
  if (file !== undefined) {
    let text: string;
    try {
      text = fs.readFileSync(file, 'utf8');
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      io.err(`flowplane console: cannot read ${file}: ${code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a folder' : (e as Error).message}\n`);
      return 2;
    }
    const r = router.load(text, file, values.strict ? { strict: true } : {});
    if (!r.ok) {
      let err = '';
      for (const e of r.errors) err += `${e.file}:${e.line}:${e.col}: error: ${e.message}\n`;
      err += `flowplane console: ${file} has ${r.errors.length} error${r.errors.length === 1 ? '' : 's'}; not loaded\n`;
      io.err(err);
      return 1;
    }
  }
  const terminal = Boolean(process.stdin.isTTY && process.stdout.isTTY);
  const output = terminal
    ? process.stdout
    : new Writable({
        write(chunk: Buffer | string, _enc, cb) {
          io.out(typeof chunk === 'string' ? chunk : chunk.toString('utf8'));
          cb();
        },
      });
  if (terminal) {
    io.out(`flowplane ${packageVersion()} console (RouterOS ${ROUTEROS_SYNTAX_VERSION} syntax)${file !== undefined ? `: ${file}` : ''}\n`);
    io.out('? lists what can be typed here, Tab completes, quit or Ctrl-D leaves.\n\n');
  }
  await runConsole(router, process.stdin, output, {
    terminal,
    version: packageVersion(),
    now: () => exportDate(undefined),
  });
  return 0;
}

export const consoleCommand: Command = {
  name: 'console',
  summary: 'open a RouterOS-style console on a config',
  usage: 'flowplane console [FILE.rsc] [--strict] [--ethernet-ports N]',
  run,
};
