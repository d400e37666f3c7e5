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
import type { Command, Io } from '../cli';
import { packageVersion } from '../paths';
import { exportConfig } from '../../control/store/export';
import { CONFIG_OPTIONS_HELP, loadRouter, parseConfigArgs, readConfigFile, reportLoadErrors } from './config-args';

const USAGE = `usage: flowplane export FILE.rsc [--verbose] [--terse] [--show-sensitive] [--strict] [--fragment] [--ethernet-ports N]

Loads a RouterOS configuration script into a fresh router and prints it as RouterOS /export does:
a header, then per menu its header line and the add/set commands that differ from the defaults.
Commands in menus flowplane does not model are kept and printed back as they were written.

options:
  --verbose            every property, defaults included (export verbose)
  --terse              the menu path on every line, no wrapping (export terse)
  --show-sensitive     print passwords and keys (hidden by default, as in RouterOS v7)
${CONFIG_OPTIONS_HELP}

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

async function run(args: string[], io: Io): Promise<number> {
  const a = parseConfigArgs('export', args, USAGE, io, {
    verbose: { type: 'boolean' },
    terse: { type: 'boolean' },
    'show-sensitive': { type: 'boolean' },
  });
  if (typeof a === 'number') return a;
  if (a.positionals.length !== 1) {
    io.err(`flowplane export: ${a.positionals.length === 0 ? 'name the file to export' : 'one file at a time'}\n${USAGE}`);
    return 2;
  }
  const file = a.positionals[0]!;
  const text = readConfigFile('export', file, io);
  if (typeof text === 'number') return text;
  const { router, result } = loadRouter(a, text, file);
  if (!result.ok) return reportLoadErrors('export', file, result, 'nothing exported', io);
  io.out(
    exportConfig(router.store, {
      verbose: a.values.verbose === true,
      terse: a.values.terse === true,
      showSensitive: a.values['show-sensitive'] === true,
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
