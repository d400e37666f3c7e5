/**
 * Loading a configuration script into a store, atomically.
 *
 * `loadConfig` parses the text (syntax errors), runs it through the executor on a clone of the store,
 * validates the references of the result (validate.ts), and replaces the store's contents with the clone
 * only when there was no error at all: a failed load applies nothing. Every error is reported (the parser
 * and the evaluator recover, so one run lists all of a file's problems), sorted by position.
 *
 * Statistics count source lines that hold menu commands (a line with `;`-separated commands counts once):
 * accepted, warned (an unsupported menu: kept, not applied) or errored (any error on that line, from the
 * parser, the evaluator, the executor or validation). Lines with only scripting (`:local`...) count when
 * they have an error.
 */
import { type MenuRegistry, menuRegistry } from '../menus/registry';
import type { ConfigError } from '../routeros/errors';
import { parseScript } from '../routeros/parser';
import { DEFAULT_VERBS } from '../routeros/vocabulary';
import { type ScriptValue, runScript } from '../routeros/script';
import { type ExecHooks, Executor, sortErrors } from './exec';
import { MenuResolver, menuChangeErrors } from './paths';
import { isPlain, runPlain } from './fastpath';
import type { ConfigStore } from './store';
import { validateStore } from './validate';

export interface LoadOptions {
  /** Commands in unsupported menus are errors, not warnings. */
  strict?: boolean;
  /** A fragment for a router configured elsewhere: names it does not define are warnings (validate.ts). */
  fragment?: boolean;
  /** Menu schemas (default: menuRegistry()); must be the registry the store was built from. */
  registry?: MenuRegistry;
  /** Script globals shared with other runs (a console session). */
  globals?: Map<string, ScriptValue>;
  /** `:put`, `:log`, `print`, `export` hooks. */
  hooks?: ExecHooks;
  /** Statement budget of the script evaluator (default 1,000,000 + 2 per line). */
  maxSteps?: number;
  /**
   * Plain files (no scripting state across statements) run line by line without a syntax tree of the whole
   * file (fastpath.ts). Default true; tests turn it off to compare.
   */
  fastPath?: boolean;
  /** A last check of the whole loaded store before it commits (the router's own limits): errors stop the load. */
  check?: (work: ConfigStore, file: string) => ConfigError[];
}

export interface LoadStats {
  readonly file: string;
  /** Source lines with commands. */
  readonly commands: number;
  readonly accepted: number;
  /** Lines whose commands are in unsupported menus (kept, not applied). */
  readonly warned: number;
  readonly errored: number;
}

export interface LoadResult {
  /** True when the store now holds the loaded configuration (no errors). */
  readonly ok: boolean;
  /** Errors, sorted by position. Empty when `ok`. */
  readonly errors: ConfigError[];
  readonly warnings: ConfigError[];
  readonly stats: LoadStats;
}

/** Parse options that let menu schemas decide whether a word after a path is a command or a submenu. */
export function commandOracle(registry: MenuRegistry, store: ConfigStore): (menu: readonly string[], word: string) => boolean | undefined {
  const menus = new MenuResolver(registry, store);
  const cache = new Map<string, boolean | undefined>();
  const decide = (menu: readonly string[], word: string): boolean | undefined => {
    const e = menus.expand(menu);
    if (e.failed !== undefined) return undefined;
    const kids = menus.children(e.path);
    if (kids.includes(word)) return false;
    const spec = registry.spec(e.path);
    if (spec !== undefined && spec.verbs.includes(word)) return true;
    if (DEFAULT_VERBS.has(word)) return true; // `set` before the `settings` submenu it abbreviates
    if (kids.filter((k) => k.startsWith(word)).length === 1) return false;
    // In a modelled menu any other word is a command (an unknown one is then reported as such).
    if (spec !== undefined) return true;
    return undefined;
  };
  return (menu, word) => {
    const key = menu.length === 0 ? word : `${menu.join(' ')}\u0000${word}`;
    if (cache.has(key)) return cache.get(key);
    const r = decide(menu, word);
    cache.set(key, r);
    return r;
  };
}

/** Load `text` (named `file` in messages) into `store`: all of it, or nothing when anything is wrong. */
export function loadConfig(store: ConfigStore, text: string, file: string, opts: LoadOptions = {}): LoadResult {
  const registry = opts.registry ?? menuRegistry();
  const work = store.clone();
  const ex = new Executor(work, { registry, ...(opts.strict ? { strict: true } : {}), ...(opts.hooks ? { hooks: opts.hooks } : {}) });
  const isCommand = commandOracle(registry, store);
  const globals = opts.globals ?? new Map<string, ScriptValue>();
  const maxSteps = opts.maxSteps ?? 1_000_000 + 2 * countLines(text);
  const errors: ConfigError[] = [];
  const warnings: ConfigError[] = [];
  if (opts.fastPath !== false && isPlain(text)) {
    const r = runPlain(text, file, ex, isCommand, globals, maxSteps);
    errors.push(...r.errors);
    warnings.push(...r.warnings);
  } else {
    const script = parseScript(text, { file, isCommand });
    const run = runScript(script, ex, { globals, maxSteps });
    errors.push(...script.errors, ...menuChangeErrors(script.statements, ex.menus, file), ...ex.settle(run.errors));
    warnings.push(...script.warnings, ...run.warnings, ...ex.warnings.splice(0));
  }
  const v = validateStore(work, registry, { fragment: opts.fragment === true });
  errors.push(...v.errors);
  warnings.push(...v.warnings);
  if (opts.check !== undefined && errors.length === 0) errors.push(...opts.check(work, file));
  const sortedErrors = sortErrors(errors);
  const sortedWarnings = sortErrors(warnings);
  const stats = lineStats(file, ex, sortedErrors);
  if (sortedErrors.length === 0) store.replaceWith(work);
  return { ok: sortedErrors.length === 0, errors: sortedErrors, warnings: sortedWarnings, stats };
}

function countLines(text: string): number {
  let n = 1;
  for (let k = text.indexOf('\n'); k >= 0; k = text.indexOf('\n', k + 1)) n++;
  return n;
}

function lineStats(file: string, ex: Executor, errors: readonly ConfigError[]): LoadStats {
  const lines = ex.lines.get(file) ?? new Map<number, number>();
  // An error may sit on a continuation line of its command: count it on the line the command starts on
  // (the last command line at or before it), so a wrapped command is one line however many errors it has.
  // A syntax error on a line that never ran as a command is counted on the command before it (or on its
  // own line when none precedes it): the totals stay per command, the attribution may be off by one line.
  const starts = [...lines.keys()].sort((a, b) => a - b);
  const bad = new Set<number>();
  for (const e of errors) {
    if (e.file !== file) continue;
    let lo = 0;
    let hi = starts.length - 1;
    let at = e.line;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (starts[mid]! <= e.line) {
        at = starts[mid]!;
        lo = mid + 1;
      } else hi = mid - 1;
    }
    bad.add(at);
  }
  let accepted = 0;
  let warned = 0;
  for (const [line, s] of lines) {
    if (bad.has(line)) continue;
    if (s === 0) accepted++;
    else warned++;
  }
  const errored = bad.size;
  return { file, commands: accepted + warned + errored, accepted, warned, errored };
}
