/**
 * `flowplane check FILE.rsc`: load a RouterOS configuration into a fresh router and report what is wrong,
 * as `file:line:col: error: message` and `file:line:col: warning: message`, then one summary line.
 * Nothing is run and nothing is written: it is the loader's verdict (control/store/load.ts).
 */
import type { Command, Io } from '../cli';
import { compileGeneration } from '../../control/compile/generation';
import { compileProblems, formatCompileProblem } from '../../control/compile/problems';
import { CONFIG_OPTIONS_HELP, formatConfigError, loadRouter, parseConfigArgs, readConfigFile } from './config-args';

const USAGE = `usage: flowplane check FILE.rsc [--strict] [--fragment] [--ethernet-ports N]

Loads a RouterOS configuration script (an /export, or a hand-written .rsc) into a fresh router and
reports every problem with its position:

  FILE:LINE:COL: error: MESSAGE
  FILE:LINE:COL: warning: MESSAGE

then a summary: how many command lines were accepted, kept with a warning (menus flowplane does not
model, such as /ip dhcp-server or /routing ospf: kept, not applied) and refused. A config that loads is
also compiled, and what the dataplane cannot apply is reported as warnings at the item's line: firewall
rules with a matcher flowplane does not evaluate (they never match), queue items it leaves out.

options:
  -q, --quiet          print only errors and the summary
${CONFIG_OPTIONS_HELP}

exit status: 0 the configuration loads (warnings allowed), 1 it has errors, 2 usage error.
`;


async function run(args: string[], io: Io): Promise<number> {
  const a = parseConfigArgs('check', args, USAGE, io, { quiet: { type: 'boolean', short: 'q' } });
  if (typeof a === 'number') return a;
  if (a.positionals.length !== 1) {
    io.err(`flowplane check: ${a.positionals.length === 0 ? 'name the file to check' : 'one file at a time'}\n${USAGE}`);
    return 2;
  }
  const file = a.positionals[0]!;
  const text = readConfigFile('check', file, io);
  if (typeof text === 'number') return text;
  const { router, result: r } = loadRouter(a, text, file);
  const all = a.values.quiet ? r.errors : [...r.errors, ...r.warnings].sort((x, y) => x.line - y.line || x.col - y.col);
  let out = '';
  for (const e of all) out += formatConfigError(e);
  // A config that loads is compiled too: what the dataplane cannot apply is reported as warnings.
  if (r.ok && !a.values.quiet) {
    for (const p of compileProblems(router.store, compileGeneration(router.store, { fib: false }))) out += formatCompileProblem(p, file);
  }
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
