/**
 * What the config commands (`check`, `export`, `console`) share: their common options (`--strict`,
 * `--fragment`, `--ethernet-ports N`, `--help`), reading the file, loading it into a fresh router, and
 * printing loader errors as `FILE:LINE:COL: severity: message`.
 *
 * Each helper either returns its result or writes the message itself and returns an exit code (a number),
 * so a command reads as a short sequence of steps.
 */
import * as fs from 'node:fs';
import { parseArgs, type ParseArgsConfig } from 'node:util';
import type { Io } from '../cli';
import { RouterInstance } from '../../control/instance/router';
import type { LoadResult } from '../../control/store/load';
import type { ConfigError } from '../../control/routeros/errors';

type Options = NonNullable<ParseArgsConfig['options']>;

/** The options every config command takes, merged with the command's own. */
export const CONFIG_OPTIONS = {
  strict: { type: 'boolean' },
  fragment: { type: 'boolean' },
  'ethernet-ports': { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const satisfies Options;

/** Option help lines for the common options, for each command's usage text. */
export const CONFIG_OPTIONS_HELP = `  --strict             commands in menus flowplane does not model are errors, not warnings
  --fragment           the file is a snippet for a router configured elsewhere: names it does not
                       define (interfaces, interface lists, routing tables) are warnings, not errors
  --ethernet-ports N   the router has ethernet ports ether1..etherN (default 8)
  -h, --help           this help`;

export interface ConfigArgs {
  values: { strict?: boolean; fragment?: boolean; 'ethernet-ports'?: string; help?: boolean; [k: string]: string | boolean | undefined };
  positionals: string[];
  ports: number | undefined;
}

/**
 * Parse `args` with the common options plus `extra`. Returns the parsed arguments, or an exit code after
 * printing usage (0 for --help, 2 for a usage error).
 */
export function parseConfigArgs(name: string, args: string[], usage: string, io: Io, extra: Options = {}): ConfigArgs | number {
  let parsed;
  try {
    parsed = parseArgs({ args, allowPositionals: true, options: { ...CONFIG_OPTIONS, ...extra } });
  } catch (e) {
    io.err(`flowplane ${name}: ${e instanceof Error ? e.message : String(e)}\n${usage}`);
    return 2;
  }
  const values = parsed.values as ConfigArgs['values'];
  if (values.help) {
    io.out(usage);
    return 0;
  }
  const v = values['ethernet-ports'];
  let ports: number | undefined;
  if (v !== undefined) {
    ports = Number(v);
    if (!/^\d+$/.test(v) || ports < 1 || ports > 1024) {
      io.err(`flowplane ${name}: --ethernet-ports expects a number 1..1024, found '${v}'\n`);
      return 2;
    }
  }
  return { values, positionals: parsed.positionals, ports };
}

/** Read a config file; on failure print why and return exit code 2. */
export function readConfigFile(name: string, file: string, io: Io): string | number {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    io.err(`flowplane ${name}: cannot read ${file}: ${code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a folder' : (e as Error).message}\n`);
    return 2;
  }
}

/** A fresh router with the ports asked for, and the result of loading `text` into it. */
export function loadRouter(a: ConfigArgs, text: string, file: string): { router: RouterInstance; result: LoadResult } {
  const router = new RouterInstance(a.ports !== undefined ? { ethernetPorts: a.ports } : {});
  const result = router.load(text, file, { ...(a.values.strict ? { strict: true } : {}), ...(a.values.fragment ? { fragment: true } : {}) });
  return { router, result };
}

/** `FILE:LINE:COL: severity: message` (one line, with its newline). */
export function formatConfigError(e: ConfigError): string {
  return `${e.file}:${e.line}:${e.col}: ${e.severity}: ${e.message}\n`;
}

/** Print a failed load's errors and a closing line saying what was not done; returns exit code 1. */
export function reportLoadErrors(name: string, file: string, r: LoadResult, notDone: string, io: Io): number {
  let err = '';
  for (const e of r.errors) err += formatConfigError(e);
  err += `flowplane ${name}: ${file} has ${r.errors.length} error${r.errors.length === 1 ? '' : 's'}; ${notDone}\n`;
  io.err(err);
  return 1;
}
