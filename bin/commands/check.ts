/**
 * `flowplane check FILE.rsc`: load a RouterOS configuration into a fresh router and report what is wrong,
 * as `file:line:col: error: message` and `file:line:col: warning: message`, then one summary line.
 * Nothing is run and nothing is written: it is the loader's verdict (control/store/load.ts).
 */
import * as fs from 'node:fs';
import { parseArgs } from 'node:util';
import type { Command, Io } from '../cli';
import { RouterInstance } from '../../control/instance/router';
import type { ConfigError } from '../../control/routeros/errors';

const USAGE = `usage: flowplane check FILE.rsc [--strict] [--fragment] [--ethernet-ports N]

Loads a RouterOS configuration script (an /export, or a hand-written .rsc) into a fresh router and
reports every problem with its position:

  FILE:LINE:COL: error: MESSAGE
  FILE:LINE:COL: warning: MESSAGE

then a summary: how many command lines were accepted, kept with a warning (menus flowplane does not
model, such as /ip dhcp-server or /routing ospf: kept, not applied) and refused.

options:
  --strict             commands in menus flowplane does not model are errors, not warnings
  --fragment           the file is a snippet for a router configured elsewhere: names it does not
                       define (interfaces, interface lists, routing tables) are warnings, not errors
  --ethernet-ports N   the router has ethernet ports ether1..etherN (default 8)
  -q, --quiet          print only errors and the summary
  -h, --help           this help

exit status: 0 the configuration loads (warnings allowed), 1 it has errors, 2 usage error.
`;

function line(e: ConfigError): string {
  return `${e.file}:${e.line}:${e.col}: ${e.severity}: ${e.message}\n`;
}

async function run(args: string[], io: Io): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args,
      allowPositionals: true,
      options: {
        strict: { type: 'boolean' },
        fragment: { type: 'boolean' },
        'ethernet-ports': { type: 'string' },
        quiet: { type: 'boolean', short: 'q' },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (e) {
    io.err(`flowplane check: ${e instanceof Error ? e.message : String(e)}\n${USAGE}`);
    return 2;
  }
  const { values, positionals } = parsed;
  if (values.help) {
    io.out(USAGE);
    return 0;
  }
  if (positionals.length !== 1) {
    io.err(`flowplane check: ${positionals.length === 0 ? 'name the file to check' : 'one file at a time'}\n${USAGE}`);
    return 2;
  }
  let ports: number | undefined;
  if (values['ethernet-ports'] !== undefined) {
    ports = Number(values['ethernet-ports']);
    if (!/^\d+$/.test(values['ethernet-ports']) || ports < 1 || ports > 1024) {
      io.err(`flowplane check: --ethernet-ports expects a number 1..1024, found '${values['ethernet-ports']}'\n`);
      return 2;
    }
  }
  const file = positionals[0]!;
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    io.err(`flowplane check: cannot read ${file}: ${code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a folder' : (e as Error).message}\n`);
    return 2;
  }
  const router = new RouterInstance(ports !== undefined ? { ethernetPorts: ports } : {});
  const r = router.load(text, file, { ...(values.strict ? { strict: true } : {}), ...(values.fragment ? { fragment: true } : {}) });
  const all = values.quiet ? r.errors : [...r.errors, ...r.warnings].sort((a, b) => a.line - b.line || a.col - b.col);
  let out = '';
  for (const e of all) out += line(e);
  const s = r.stats;
  out += `${s.commands} command${s.commands === 1 ? '' : 's'}: ${s.accepted} accepted, ${s.warned} warned (unsupported menu), ${s.errored} error${s.errored === 1 ? '' : 's'}`;
  out += r.errors.length > 0 ? ` (${r.errors.length} problem${r.errors.length === 1 ? '' : 's'}; nothing applied)\n` : '\n';
  io.out(out);
  return r.ok ? 0 : 1;
}

export const checkCommand: Command = {
  name: 'check',
  summary: 'check a RouterOS config (.rsc) and report errors as file:line:col',
  usage: 'flowplane check FILE.rsc [--strict] [--fragment] [--ethernet-ports N]',
  run,
};
