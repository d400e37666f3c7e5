/**
 * `flowplane console [FILE.rsc]`: a RouterOS-style console on a router, loaded from FILE when given
 * (control/console/console.ts). With a terminal: a prompt `[admin@MikroTik] >`, line editing, history,
 * Tab completion and `?` help; with piped input: each command's output in order and nothing else, so a
 * script of console lines can be fed to it.
 */
import { Writable } from 'node:stream';
import type { Command, Io } from '../cli';
import { packageVersion } from '../paths';
import { exportDate } from './export';
import { CONFIG_OPTIONS_HELP, loadRouter, parseConfigArgs, readConfigFile, reportLoadErrors } from './config-args';
import { runConsole } from '../../control/console/console';
import { RouterInstance } from '../../control/instance/router';
import { ROUTEROS_SYNTAX_VERSION } from '../../control/store/export';

const USAGE = `usage: flowplane console [FILE.rsc] [--guest NAME=FILE.rsc]... [--strict] [--fragment] [--ethernet-ports N]

Opens a RouterOS-style console on a router (loaded from FILE.rsc when given). Menus are entered by
name (/ip firewall filter, .., /); print, export, add, set, remove, enable, disable, move, comment
work as in RouterOS, each command applied whole or not at all. ? lists what can be typed at the cursor,
Tab completes menu, command and property names, quit (or Ctrl-D) leaves.

With piped input there is no prompt: every command's output is printed in order.

MetaRouter: /metarouter console NAME enters guest NAME's own console (its prompt shows the guest's
/system identity; export prints only the guest's configuration); Ctrl-A then Q returns to the host
(piped: a line holding the two characters \\x01 and q).

  --guest NAME=FILE    load FILE.rsc into MetaRouter guest NAME (a /metarouter item of FILE.rsc;
                       repeatable)

options (--strict and --fragment apply to loading FILE):
${CONFIG_OPTIONS_HELP}

The export header date is the current time (UTC), or SOURCE_DATE_EPOCH when set.

exit status: 0 the console ended, 1 FILE has errors (reported as FILE:LINE:COL: error: ...), 2 usage error.
`;

async function run(args: string[], io: Io): Promise<number> {
  const a = parseConfigArgs('console', args, USAGE, io, { guest: { type: 'string', multiple: true } });
  if (typeof a === 'number') return a;
  if (a.positionals.length > 1) {
    io.err(`flowplane console: one file at a time\n${USAGE}`);
    return 2;
  }
  const file = a.positionals[0];
  let router = new RouterInstance(a.ports !== undefined ? { ethernetPorts: a.ports } : {});
  if (file !== undefined) {
    const text = readConfigFile('console', file, io);
    if (typeof text === 'number') return text;
    const loaded = loadRouter(a, text, file);
    if (!loaded.result.ok) return reportLoadErrors('console', file, loaded.result, 'not loaded', io);
    router = loaded.router;
  }
  for (const spec of (a.values as unknown as { guest?: string[] }).guest ?? []) {
    const eq = spec.indexOf('=');
    const name = spec.slice(0, eq);
    const guest = eq > 0 ? router.guestConsole(name) : undefined;
    if (eq <= 0 || eq === spec.length - 1) {
      io.err(`flowplane console: --guest expects NAME=FILE, got '${spec}'\n`);
      return 2;
    }
    if (guest === undefined) {
      io.err(`flowplane console: --guest ${name}: no /metarouter named ${name}${file !== undefined ? ` in ${file}` : ''}\n`);
      return 2;
    }
    const gfile = spec.slice(eq + 1);
    const text = readConfigFile('console', gfile, io);
    if (typeof text === 'number') return text;
    const res = guest.load(text, gfile);
    if (!res.ok) return reportLoadErrors('console', gfile, res, 'not loaded', io);
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
  usage: 'flowplane console [FILE.rsc] [--guest NAME=FILE.rsc]... [--strict] [--fragment] [--ethernet-ports N]',
  run,
};
