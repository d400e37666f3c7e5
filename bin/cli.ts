/**
 * The `flowplane` command line: a table of commands, each with a one-line summary and its own help.
 * `bin/flowplane` (the installed command) loads the built copy of this file and calls `main`.
 *
 * Exit codes: 0 success, 1 the input had errors (bad config, truncated capture...), 2 usage error or a
 * command that is not built yet, 70 internal error.
 */
import { checkCommand } from './commands/check';
import { consoleCommand } from './commands/console';
import { exportCommand } from './commands/export';
import { replayCommand } from './commands/replay';
import { runCommand } from './commands/run';
import { packageVersion } from './paths';

export interface Command {
  name: string;
  summary: string;
  usage: string;
  /** Runs the command; returns the exit code. Absent for commands not built yet. */
  run?: (args: string[], io: Io) => Promise<number>;
  /** For commands not built yet: the issue tag that builds them. */
  comingIn?: string;
}

/** Where a command writes; tests pass their own. */
export interface Io {
  out: (s: string) => void;
  err: (s: string) => void;
}

const processIo: Io = {
  out: (s) => process.stdout.write(s),
  err: (s) => process.stderr.write(s),
};

export const COMMANDS: Command[] = [
  replayCommand,
  runCommand,
  checkCommand,
  consoleCommand,
  exportCommand,
  {
    name: 'bench',
    summary: 'measure dataplane throughput (Mpps, Gbit/s, ns per packet per stage)',
    usage: 'flowplane bench [--config FILE] [--profile NAME] [--workers N] [--pcap FILE] [--seconds S]',
    comingIn: '[workers]',
  },
];

export function helpText(): string {
  const w = Math.max(...COMMANDS.map((c) => c.name.length));
  const lines = [
    'flowplane: a userspace dataplane that behaves like a MikroTik RouterOS router',
    '',
    'usage: flowplane <command> [options]      flowplane <command> --help',
    '',
    'commands:',
    ...COMMANDS.map((c) => `  ${c.name.padEnd(w)}  ${c.summary}${c.run ? '' : `  (not built yet: ${c.comingIn})`}`),
    '',
    'Micro-benchmarks of single stages and tables: npm run bench',
    '',
  ];
  return lines.join('\n');
}

export async function main(argv: string[], io: Io = processIo): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    io.out(helpText());
    return name === undefined ? 2 : 0;
  }
  if (name === '--version' || name === '-V') {
    io.out(`flowplane ${packageVersion()}\n`);
    return 0;
  }
  const cmd = COMMANDS.find((c) => c.name === name);
  if (!cmd) {
    io.err(`flowplane: unknown command '${name}'\n\n${helpText()}`);
    return 2;
  }
  if (!cmd.run) {
    io.err(`flowplane ${cmd.name}: not built yet (coming with ${cmd.comingIn})\nusage: ${cmd.usage}\n`);
    return 2;
  }
  return cmd.run(rest, io);
}
