/**
 * A router instance: everything one emulated RouterOS router owns. Today that is its configuration store and
 * the script globals of its console session; dataplane tables, connection tracking, queues and counters hang
 * off the same object as they arrive. Nothing is module-level: several instances (MetaRouter guests, tests,
 * a lab of routers) live in one process without seeing each other.
 *
 * Configuration changes are atomic: `load` applies a whole file or nothing; `runConsoleLine` applies one
 * console line (all of its commands) or nothing. Both work on a clone of the store and swap it in when
 * there was no error.
 *
 * ```ts
 * const r = new RouterInstance({ name: 'r1', ethernetPorts: 4 });
 * const res = r.load(text, 'config.rsc');            // res.ok, res.errors (file:line:col), res.stats
 * const out = r.runConsoleLine('add chain=input action=drop', ['ip', 'firewall', 'filter']);
 * out.ok; out.errors; out.output; out.menu;          // menu after the line (`..`, `/ip address` change it)
 * ```
 */
import { INTERFACE_KINDS, type MenuRegistry, menuRegistry } from '../menus/registry';
import { ConfigError } from '../routeros/errors';
import { parseScript } from '../routeros/parser';
import { type ScriptValue, runScript } from '../routeros/script';
import { type ExecHooks, Executor, sortErrors } from '../store/exec';
import { type LoadOptions, type LoadResult, commandOracle, loadConfig } from '../store/load';
import { menuChangeErrors } from '../store/paths';
import { ConfigStore } from '../store/store';
import { validateStore } from '../store/validate';
import { RouterLog } from './log';
import { MetaRouter } from './metarouter';
import type { Pos } from '../routeros/source';

export interface RouterOptions {
  /** Router name (identity in prompts and logs). Default `MikroTik`, as RouterOS names a fresh router. */
  name?: string;
  /** Number of ethernet ports (ether1..N). Default 8. */
  ethernetPorts?: number;
  /** Menu schemas (default: menuRegistry(), immutable and shared). */
  registry?: MenuRegistry;
  /** MetaRouter guests this router may run (default 8; a guest itself runs none). */
  maxGuests?: number;
}

/**
 * What one console line did. Positions of the line's own problems are within the line (`<console>`, line 1,
 * the column as typed); a check that fails on an item loaded from a file points into that file.
 */
export interface ConsoleLineResult {
  /** True when the line applied (or changed nothing); false when it had errors and applied nothing. */
  readonly ok: boolean;
  /** What the line printed (`:put`, `print`/`export` through hooks), one entry per output line. */
  readonly output: string[];
  readonly errors: ConfigError[];
  readonly warnings: ConfigError[];
  /** The current menu after the line (`/ip address`, `..` and `/` change it; commands keep it). */
  readonly menu: string[];
}

export interface ConsoleLineOptions {
  /** Commands in unsupported menus fail instead of being kept with a warning. */
  strict?: boolean;
  /** `print`/`export` handlers (the console formats them); `:put` is collected into `output` besides. */
  hooks?: ExecHooks;
}

/** The file name console lines are reported under. */
export const CONSOLE_FILE = '<console>';

export class RouterInstance {
  readonly name: string;
  readonly store: ConfigStore;
  readonly registry: MenuRegistry;
  /** `:global` variables of this router's console session (shared by console lines, not by loads). */
  readonly globals = new Map<string, ScriptValue>();
  /** `/log` (memory logging, control/instance/log.ts): config loads, script `:log`, and the flow's firewall lines. */
  readonly log = new RouterLog();
  /** The time log lines written outside the flow get (seconds; the driver sets it, e.g. a capture's start). */
  logTime = 0;
  /** MetaRouter guests (control/instance/metarouter.ts): RouterInstances of their own, owned by this one. */
  readonly metarouter: MetaRouter;

  constructor(opts: RouterOptions = {}) {
    this.name = opts.name ?? 'MikroTik';
    this.registry = opts.registry ?? menuRegistry();
    this.store = new ConfigStore(this.registry.specs, {
      ...(opts.ethernetPorts !== undefined ? { ethernetPorts: opts.ethernetPorts } : {}),
      sharedIds: [INTERFACE_KINDS],
    });
    // A guest starts with no ports: the host hot-adds one per link (etherN), and runs no guests itself.
    this.metarouter = new MetaRouter(this, (name) => new RouterInstance({ name, ethernetPorts: 0, registry: this.registry, maxGuests: 0 }), {
      maxGuests: opts.maxGuests ?? 8,
    });
  }

  /** `/metarouter console NAME`: the guest's own router, for the console (control/console/console.ts). */
  guestConsole(name: string): RouterInstance | undefined {
    return this.metarouter.get(name)?.router as RouterInstance | undefined;
  }

  /** The router's `/system identity` (prompts); the instance name when none is set. */
  identity(): string {
    const id = this.store.single('/system identity');
    return id?.table.value(id.item, 'name') ?? this.name;
  }

  /** Checks of the router's own limits on a store about to commit (MetaRouter guests). */
  private limits(work: ConfigStore, file: string): ConfigError[] {
    const n = work.table('/metarouter')?.items.length ?? 0;
    const max = this.metarouter.maxGuests;
    if (n <= max) return [];
    const msg = max === 0 ? 'a MetaRouter guest cannot run guests of its own' : `/metarouter: at most ${max} guests (${n} configured)`;
    return [new ConfigError(file, 1, 1, msg)];
  }

  /** Action hooks (`/metarouter start`...) collected while a line or file runs, applied once it commits. */
  private actionHook(into: Array<[string, string[]]>, outer?: ExecHooks['action']): ExecHooks['action'] {
    return (path: string, verb: string, keys: string[], pos: Pos) => {
      if (path === '/metarouter') into.push([verb, keys]);
      outer?.(path, verb, keys, pos);
    };
  }

  /** After a committed change: guests follow the host's `/metarouter` items, then queued actions run. */
  private afterCommit(actions: Array<[string, string[]]>): void {
    this.metarouter.sync();
    for (const [verb, keys] of actions) this.metarouter.action(verb, keys);
  }

  /** Load a configuration script: all of it, or nothing when anything is wrong (see control/store/load.ts). */
  load(text: string, file: string, opts: LoadOptions = {}): LoadResult {
    const actions: Array<[string, string[]]> = [];
    const hooks: ExecHooks = {
      ...opts.hooks,
      log: (topic, message, pos) => {
        this.log.log(this.logTime, `script,${topic}`, message);
        opts.hooks?.log?.(topic, message, pos);
      },
      action: this.actionHook(actions, opts.hooks?.action),
    };
    const r = loadConfig(this.store, text, file, { registry: this.registry, ...opts, hooks, check: (w, f) => this.limits(w, f) });
    if (r.ok) this.afterCommit(actions);
    // What the load said, as RouterOS logs a script's problems: warnings, then the outcome.
    for (const w of r.warnings) this.log.log(this.logTime, 'system,warning', `${file}:${w.line}:${w.col}: ${w.message}`);
    for (const e of r.errors) this.log.log(this.logTime, 'system,error', `${file}:${e.line}:${e.col}: ${e.message}`);
    this.log.log(this.logTime, r.ok ? 'system,info' : 'system,error', r.ok ? `configuration ${file} loaded` : `configuration ${file} not loaded`);
    return r;
  }

  /**
   * Run one console line in the context of menu `menu` (`['ip','firewall','filter']`): parse, execute on a
   * clone, validate, and commit only when there was no error.
   */
  runConsoleLine(line: string, menu: readonly string[], opts: ConsoleLineOptions = {}): ConsoleLineResult {
    // The line is parsed after a menu-change line, so relative paths, `..` and bare verbs resolve in `menu`.
    // That line is numbered 0: positions in the user's line are line 1, column as typed, offset from 0.
    const prefix = menu.length === 0 ? '/' : '/' + menu.join(' ');
    const script = parseScript(`${prefix}\n${line}`, {
      file: CONSOLE_FILE,
      isCommand: commandOracle(this.registry, this.store),
      start: { line: 0, offset: -(Buffer.byteLength(prefix) + 1) },
    });
    const output: string[] = [];
    const actions: Array<[string, string[]]> = [];
    const hooks: ExecHooks = {
      ...opts.hooks,
      action: this.actionHook(actions, opts.hooks?.action),
      put: (text, pos) => {
        output.push(text);
        opts.hooks?.put?.(text, pos);
      },
      log: (topic, message, pos) => {
        this.log.log(this.logTime, `script,${topic}`, message);
        opts.hooks?.log?.(topic, message, pos);
      },
    };
    let nextMenu = [...menu];
    for (const s of script.statements.slice(1)) if (s.kind === 'menu') nextMenu = [...s.path];
    if (script.errors.length > 0) {
      return { ok: false, output, errors: script.errors, warnings: script.warnings, menu: [...menu] };
    }
    const work = this.store.clone();
    const ex = new Executor(work, { registry: this.registry, ...(opts.strict ? { strict: true } : {}), hooks });
    const run = runScript(script, ex, { globals: this.globals });
    const v = validateStore(work, this.registry);
    const errors = sortErrors([...menuChangeErrors(script.statements.slice(1), ex.menus, CONSOLE_FILE), ...ex.settle(run.errors), ...v.errors]);
    if (errors.length === 0) errors.push(...this.limits(work, CONSOLE_FILE));
    const warnings = sortErrors([...script.warnings, ...run.warnings, ...ex.warnings, ...v.warnings]);
    if (errors.length > 0) return { ok: false, output, errors, warnings, menu: [...menu] };
    this.store.replaceWith(work);
    this.afterCommit(actions);
    return { ok: true, output, errors, warnings, menu: nextMenu };
  }

  /**
   * The console's backend interface (control/console/console.ts `ConsoleBackend`): one line, atomically,
   * errors as RouterOS-style text (`message (line 1 column 5)`).
   */
  runLine(line: string, menu: readonly string[]): { ok: boolean; output?: string; error?: string } {
    const r = this.runConsoleLine(line, menu);
    const output = r.output.join('\n');
    if (r.ok) return output === '' ? { ok: true } : { ok: true, output };
    const error = r.errors.map((x) => `${x.message} (line ${x.line} column ${x.col})`).join('\n');
    return output === '' ? { ok: false, error } : { ok: false, output, error };
  }
}
