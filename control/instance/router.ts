/**
 * A router instance: everything one emulated RouterOS router owns. Today that is its configuration store and
 * the script globals of its console session; dataplane tables, connection tracking, queues and counters hang
 * off the same object as they arrive. Nothing is module-level: several instances (MetaRouter guests, tests,
 * a lab of routers) live in one process without seeing each other.
 *
 * Configuration changes are atomic: `load` applies a whole file or nothing; `runConsoleLine` applies one
 * console line (all of its commands) or nothing. Both work on a clone of the store and swap it in when
 * there was no error. `runCommand` is the command layer of the management APIs (control/api): one
 * resolved command, through the same executor, all of it or nothing. After every change that applied,
 * `onChange` listeners hear which menus changed (the APIs' `listen`; the live dataplane recompiles on it).
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
import type { ResolvedCommand } from '../routeros/script';
import { type ExecHooks, type QueryRequest, Executor, sortErrors } from '../store/exec';
import { type LoadOptions, type LoadResult, commandOracle, loadConfig } from '../store/load';
import { type Filled, type LiveTables, fillLive, liveMenuOfPath, liveMenusOfLine, stripLive } from '../store/live';
import { menuChangeErrors } from '../store/paths';
import { ConfigStore } from '../store/store';
import { validateItems, validateStore } from '../store/validate';
import type { IdSpace, Item, MenuTable } from '../store/store';
import { RouterLog } from './log';
import type { CounterSource } from '../console/print';
import type { TrafficSource } from './traffic-monitor';
import { MetaRouter } from './metarouter';
import { PasswordMemory } from './password-memory';
import { ScriptJobs } from './script-jobs';
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

/** A change that applied to the store: which menus changed (all may have when `menus` is absent). */
export interface StoreChange {
  readonly source: 'load' | 'console' | 'api';
  /** Full menu paths of the tables the change touched; absent after a load or a console line. */
  readonly menus?: readonly string[];
  /**
   * When the change only added items (an API `add`): the items, per menu. A running dataplane may take
   * them in without recompiling (the live router does for address lists).
   */
  readonly added?: readonly { readonly path: string; readonly items: readonly Item[] }[];
}

/** What one API command did: its value (`add` → the new id) and, for print/export, what it selected. */
export type CommandOutcome =
  | { readonly ok: true; readonly value?: ScriptValue; readonly query?: QueryRequest }
  | { readonly ok: false; readonly errors: ConfigError[] };

/** Verbs that read only: they run on the live store, never on a clone. */
const READ_VERBS = new Set(['print', 'export', 'find', 'get', 'monitor', 'monitor-traffic']);

/** The file name console lines are reported under. */
export const CONSOLE_FILE = '<console>';

export class RouterInstance {
  readonly name: string;
  readonly store: ConfigStore;
  readonly registry: MenuRegistry;
  /** `:global` variables of this router's console session (shared by console lines, not by loads). */
  readonly globals = new Map<string, ScriptValue>();
  /**
   * Live counters of the dataplane running this router (rule bytes/packets, interface rx/tx), set by the live
   * router; prints through the APIs include them. Null when nothing runs the config.
   */
  counters: CounterSource | null = null;
  /** Interface rates of the dataplane running this router (`/interface monitor-traffic`); null when none runs. */
  traffic: TrafficSource | null = null;
  /**
   * Rows the running dataplane makes (`/ip firewall connection`, learned ARP and bridge hosts), set by the
   * live router; commands see them for their length (control/store/live.ts). Null when nothing runs.
   */
  liveTables: LiveTables | null = null;
  /** `/log` (memory logging, control/instance/log.ts): config loads, script `:log`, and the flow's firewall lines. */
  readonly log = new RouterLog();
  /** The time log lines written outside the flow get (seconds; the driver sets it, e.g. a capture's start). */
  logTime = 0;
  /** MetaRouter guests (control/instance/metarouter.ts): RouterInstances of their own, owned by this one. */
  readonly metarouter: MetaRouter;
  /** Passwords as written, in memory only, for the API's old challenge login (password-memory.ts). */
  readonly passwords = new PasswordMemory();
  /** Scripts running in the background (`/execute` without `as-string`; script-jobs.ts). */
  readonly jobs = new ScriptJobs();

  private readonly listeners = new Set<(change: StoreChange) => void>();
  /** The executor API commands run through while nothing else wrote the store (it keeps its indexes). */
  private live: { ex: Executor; captured: { query: QueryRequest | undefined; written: Array<[string, string]> } } | undefined;

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

  /**
   * Action hooks (`/metarouter start`..., `reset-counters`) collected while a line or file runs, applied once
   * it commits.
   */
  private actionHook(into: Action[], outer?: ExecHooks['action']): ExecHooks['action'] {
    return (path: string, verb: string, keys: string[], pos: Pos, ids: number[]) => {
      into.push({ path, verb, keys, ids });
      outer?.(path, verb, keys, pos, ids);
    };
  }

  /** Collects the passwords a line, file or command writes (remembered only once it commits). */
  private passwordHook(into: Array<[string, string]>, outer?: ExecHooks['password']): ExecHooks['password'] {
    return (text: string, stored: string) => {
      into.push([text, stored]);
      outer?.(text, stored);
    };
  }

  private remember(written: Array<[string, string]>): void {
    for (const [text, stored] of written) this.passwords.remember(text, stored);
    written.length = 0;
  }

  /**
   * After a committed change: guests follow the host's `/metarouter` items, then queued actions run (counter
   * resets go to the running dataplane's `counters`; without one there is nothing to reset).
   */
  private afterCommit(actions: Action[]): void {
    this.metarouter.sync();
    for (const a of actions) {
      if (a.path === '/metarouter') this.metarouter.action(a.verb, a.keys);
      else if (a.verb === 'reset-counters' || a.verb === 'reset-counters-all') this.counters?.reset?.(a.path, a.ids);
    }
  }

  /** Load a configuration script: all of it, or nothing when anything is wrong (see control/store/load.ts). */
  load(text: string, file: string, opts: LoadOptions = {}): LoadResult {
    const actions: Action[] = [];
    const written: Array<[string, string]> = [];
    const hooks: ExecHooks = {
      ...opts.hooks,
      log: (topic, message, pos) => {
        this.log.log(this.logTime, `script,${topic}`, message);
        opts.hooks?.log?.(topic, message, pos);
      },
      action: this.actionHook(actions, opts.hooks?.action),
      password: this.passwordHook(written, opts.hooks?.password),
    };
    const r = loadConfig(this.store, text, file, { registry: this.registry, ...opts, hooks, check: (w, f) => this.limits(w, f) });
    if (r.ok) {
      this.remember(written);
      this.afterCommit(actions);
      this.changed({ source: 'load' });
    }
    // What the load said, as RouterOS logs a script's problems: warnings, then the outcome.
    for (const w of r.warnings) this.log.log(this.logTime, 'system,warning', `${file}:${w.line}:${w.col}: ${w.message}`);
    for (const e of r.errors) this.log.log(this.logTime, 'system,error', `${file}:${e.line}:${e.col}: ${e.message}`);
    this.log.log(this.logTime, r.ok ? 'system,info' : 'system,error', r.ok ? `configuration ${file} loaded` : `configuration ${file} not loaded`);
    return r;
  }

  /**
   * Listen to changes that applied (loads, console lines, API commands); returns the unsubscribe function.
   * Listeners run synchronously after the store has the change; an exception in one is not the caller's.
   */
  onChange(listener: (change: StoreChange) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Tell the listeners; `live` says the change went through the live executor (its indexes stay right). */
  private changed(change: StoreChange, live = false): void {
    if (!live) this.live = undefined;
    if (this.passwords.size > 0 && (change.menus === undefined || change.menus.includes('/user'))) {
      const users = this.store.table('/user');
      const stored = new Set<string>();
      if (users !== undefined) for (const u of users.items) stored.add(users.value(u, 'password') ?? '');
      this.passwords.prune(stored);
    }
    for (const l of [...this.listeners]) {
      try {
        l(change);
      } catch {
        // A listener's failure must not undo or fail a change that applied.
      }
    }
  }

  private liveExecutor(): { ex: Executor; captured: { query: QueryRequest | undefined; written: Array<[string, string]> } } {
    if (this.live !== undefined) return this.live;
    const captured: { query: QueryRequest | undefined; written: Array<[string, string]> } = { query: undefined, written: [] };
    const hooks: ExecHooks = {
      password: this.passwordHook(captured.written),
      print: (req) => {
        captured.query = req;
      },
      export: (req) => {
        captured.query = req;
      },
    };
    this.live = { ex: new Executor(this.store, { registry: this.registry, hooks }), captured };
    return this.live;
  }

  /**
   * Run one command (the APIs build it from their words: path, verb, `name=value`, the items it names), all
   * of it or nothing. Reads run on the live store; `add` runs there too and checks only the new items (an
   * addition cannot break other items' references), taking them out again when that check fails; every
   * other change runs on a clone that is validated whole and swapped in (as a console line).
   */
  runCommand(cmd: ResolvedCommand, opts: { strict?: boolean } = {}): CommandOutcome {
    // (an `add` needs no live rows: live tables refuse it, learned rows cannot clash with a new item's id)
    const liveMenus = this.liveTables === null || cmd.verb === 'add' ? [] : liveMenuOfPath(this.registry, cmd.path);
    if (READ_VERBS.has(cmd.verb) || (cmd.verb === 'add' && !opts.strict)) {
      if (liveMenus.length === 0) return this.runLive(cmd);
      const filled = fillLive(this.store, this.liveTables!, liveMenus);
      try {
        return this.runLive(cmd);
      } finally {
        stripLive(this.store, filled);
        this.live = undefined; // its indexes may have seen the live rows
      }
    }
    const work = this.store.clone();
    const filled = liveMenus.length === 0 ? null : fillLive(work, this.liveTables!, liveMenus);
    const actions: Action[] = [];
    const written: Array<[string, string]> = [];
    const ex = new Executor(work, { registry: this.registry, ...(opts.strict ? { strict: true } : {}), hooks: { action: this.actionHook(actions), password: this.passwordHook(written) } });
    const r = ex.execute(cmd);
    const removed = filled === null ? null : stripLive(work, filled);
    if (!r.ok) return { ok: false, errors: ex.settle([ConfigError.at(cmd.file, cmd.pos, r.message)]) };
    const v = validateStore(work, this.registry);
    if (v.errors.length > 0) return { ok: false, errors: v.errors };
    this.store.replaceWith(work);
    this.dropLive(removed);
    this.remember(written);
    this.afterCommit(actions);
    const menus = changedMenus(cmd, ex);
    this.changed(menus === undefined ? { source: 'api' } : { source: 'api', menus });
    return r.value === undefined ? { ok: true } : { ok: true, value: r.value };
  }

  /** Rows a committed command removed from live menus: the dataplane drops them (connections, hosts). */
  private dropLive(removed: Map<string, number[]> | null): void {
    if (removed === null || this.liveTables === null) return;
    for (const [menu, ids] of removed) this.liveTables.remove(menu, ids);
  }

  private runLive(cmd: ResolvedCommand): CommandOutcome {
    const live = this.liveExecutor();
    const { ex, captured } = live;
    const adding = cmd.verb === 'add';
    const before = adding ? idCounters(this.store) : undefined;
    captured.query = undefined;
    captured.written.length = 0;
    const r = ex.execute(cmd);
    ex.warnings.length = 0;
    ex.lines.clear();
    if (!r.ok) return { ok: false, errors: ex.settle([ConfigError.at(cmd.file, cmd.pos, r.message)]) };
    if (!adding) {
      const query = captured.query;
      captured.query = undefined;
      return { ok: true, ...(r.value !== undefined ? { value: r.value } : {}), ...(query !== undefined ? { query } : {}) };
    }
    // What the add made: items with ids the counters handed out during the command.
    const made: { path: string; table: MenuTable; items: Item[] }[] = [];
    for (const [path, table] of this.store.tables) {
      const from = before!.get(table.idSpace)!;
      if (table.idSpace.next === from) continue;
      const items: Item[] = [];
      // New items are last unless placed before another (place-before): scan from the end until all are seen.
      // A shared counter (interface kinds) may have handed the ids to another table: each table is looked at.
      const handed = table.idSpace.next - from;
      for (let k = table.items.length - 1; k >= 0 && items.length < handed; k--) if (table.items[k]!.id >= from) items.push(table.items[k]!);
      if (items.length > 0) made.push({ path, table, items });
    }
    const errors: ConfigError[] = [];
    for (const m of made) errors.push(...validateItems(this.store, this.registry, m.table, m.items).errors);
    if (errors.length > 0) {
      for (const m of made) for (const item of m.items) m.table.remove(item);
      for (const [space, next] of before!) space.next = next;
      this.live = undefined; // its indexes saw the items
      return { ok: false, errors: sortErrors(errors) };
    }
    this.remember(captured.written);
    this.changed({ source: 'api', menus: made.map((m) => m.path), added: made.map((m) => ({ path: m.path, items: m.items })) }, true);
    return r.value === undefined ? { ok: true } : { ok: true, value: r.value };
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
    const actions: Action[] = [];
    const written: Array<[string, string]> = [];
    const hooks: ExecHooks = {
      ...opts.hooks,
      action: this.actionHook(actions, opts.hooks?.action),
      password: this.passwordHook(written, opts.hooks?.password),
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
    const liveMenus = this.liveTables === null ? [] : liveMenusOfLine(this.registry, line, menu);
    const filled: Filled | null = liveMenus.length === 0 ? null : fillLive(work, this.liveTables!, liveMenus);
    const ex = new Executor(work, { registry: this.registry, ...(opts.strict ? { strict: true } : {}), hooks });
    const run = runScript(script, ex, { globals: this.globals });
    const removed = filled === null ? null : stripLive(work, filled);
    const v = validateStore(work, this.registry);
    const errors = sortErrors([...menuChangeErrors(script.statements.slice(1), ex.menus, CONSOLE_FILE), ...ex.settle(run.errors), ...v.errors]);
    if (errors.length === 0) errors.push(...this.limits(work, CONSOLE_FILE));
    const warnings = sortErrors([...script.warnings, ...run.warnings, ...ex.warnings, ...v.warnings]);
    if (errors.length > 0) return { ok: false, output, errors, warnings, menu: [...menu] };
    this.store.replaceWith(work);
    this.dropLive(removed);
    this.remember(written);
    this.afterCommit(actions);
    this.changed({ source: 'console' });
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

/** A menu verb that acts on the running router (ExecHooks.action), kept until the change commits. */
interface Action {
  path: string;
  verb: string;
  keys: string[];
  ids: number[];
}

/** The id counters of the store's tables (shared ones once), to see what an add handed out. */
function idCounters(store: ConfigStore): Map<IdSpace, number> {
  const m = new Map<IdSpace, number>();
  for (const t of store.tables.values()) if (!m.has(t.idSpace)) m.set(t.idSpace, t.idSpace.next);
  return m;
}

/**
 * The menus a change on a clone touched: the command's own; undefined (any) for `set` and `remove`, which
 * carry renames into other menus and take interface queues along.
 */
function changedMenus(cmd: ResolvedCommand, ex: Executor): string[] | undefined {
  if (cmd.verb === 'set' || cmd.verb === 'remove') return undefined;
  const ref = ex.menus.resolve(cmd.path);
  if (ref.kind === 'table') return [ref.table.spec.path];
  if (ref.kind === 'interfaces') return ref.tables.map((t) => t.spec.path);
  return undefined;
}
