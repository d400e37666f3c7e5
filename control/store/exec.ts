/**
 * The command executor: a `ScriptHost` (control/routeros/script.ts) that applies evaluated menu commands
 * to a ConfigStore, checked against the menu schemas.
 *
 * Per command:
 * - the menu: a schema (`/ip firewall filter`), `/interface` (the union of the interface kinds), an
 *   unsupported RouterOS menu (recorded in `store.unsupported` and reported as a warning; an error with
 *   `strict`), or unknown (error, with the closest menu name);
 * - the verb: the standard verbs of the menu's kind (schema.ts) plus its own `verbs`;
 * - properties: exact names or unambiguous prefixes (RouterOS abbreviations); a positional word that is the
 *   name of a boolean property means `prop=yes` (`/routing table add fib name=x`); `!prop` unsets;
 * - values: canonical text (canonical.ts), errors at the value's position;
 * - items: numbers (print order), ids (`*1A`), names (the key property), `[ find ... ]`, `where`.
 *
 * Errors are ConfigErrors at the exact position (the property, the value, the selector). The evaluator only
 * knows that a command failed (`ExecResult.message`, reported at the command); `settle()` swaps those
 * reports for the positioned errors, and drops nothing the evaluator caught with `:do { } on-error={ }`.
 *
 * A command is all-or-nothing: every check runs before the store changes. The executor keeps indexes
 * (select.ts) so a 100k-line load stays linear; it must be the only writer of the store while it lives.
 */
import { INTERFACE_KINDS, type MenuRegistry, menuRegistry } from '../menus/registry';
import { FIXED_VERBS, LIST_VERBS, LIVE_VERBS, type PropSpec, SINGLE_VERBS } from '../menus/schema';
import { ConfigError } from '../routeros/errors';
import type { ExecResult, ResolvedArg, ResolvedCommand, ResolvedProp, ScriptHost } from '../routeros/script';
import { type ScriptValue, NOTHING, num, str } from '../routeros/script-values';
import { printResolvedCommand } from '../routeros/printer';
import type { Pos } from '../routeros/source';
import { canonical } from './canonical';
import { type MenuRef, MenuResolver, closest, pathText } from './paths';
import { type Filter, Indexes, MenuView, PSEUDO_PROPS, type Row, matchesFilters, propType, readProp, uniqueKey, whereMatches } from './select';
import { type ConfigStore, type Item, type MenuTable, type Origin, idText } from './store';
import { needsOrigin } from './validate';
import { reconcileMetarouterLinks } from './metarouter-links';
import { derivedMac as derivedMacOf } from '../compile/generation';

/** What `print`/`export` inside a command see (the console formats them; scripts get nothing back). */
export interface QueryRequest {
  readonly verb: 'print' | 'export';
  /** The resolved menu (its `path` is the full menu path). */
  readonly menu: MenuRef;
  /** The selected rows (all rows without `where`/selector), in print order; empty outside modelled menus. */
  readonly rows: readonly Row[];
  /** Positional words (`detail`, `terse`, `count-only`, `verbose`...). */
  readonly args: readonly string[];
  /** Named arguments (`file=`, `proplist=`, `interval=`...), as written. */
  readonly props: ReadonlyMap<string, string>;
  readonly cmd: ResolvedCommand;
  readonly store: ConfigStore;
}

export interface ExecHooks {
  /** `print`: the console prints the rows; the returned value (if any) is the command's value. */
  print?(req: QueryRequest): ScriptValue | void;
  export?(req: QueryRequest): ScriptValue | void;
  /** `:put` output. */
  put?(text: string, pos: Pos): void;
  /** `:log` output. */
  log?(topic: string, message: string, pos: Pos): void;
  /**
   * A menu's own verb that acts on the running router rather than the configuration (`/metarouter start 0`,
   * `shut-down`, `reboot`, `reset-counters` and `reset-counters-all` of the rule menus): the menu, the verb, the
   * key values and the ids of the selected items (`reset-counters-all`: every item). Called once the
   * selection resolved; the RouterInstance applies it after the line (or file) committed.
   */
  action?(path: string, verb: string, keys: string[], pos: Pos, ids: number[]): void;
  /**
   * A password value was written: the text and the hash it is stored as (the router keeps the text in
   * memory for the API's old challenge login once the change commits; control/instance/password-memory.ts).
   */
  password?(text: string, stored: string): void;
}

export interface ExecOptions {
  /** Menu schemas (default: menuRegistry()). Must be the registry the store was built from. */
  registry?: MenuRegistry;
  /** Commands in unsupported menus are errors, not warnings. */
  strict?: boolean;
  hooks?: ExecHooks;
}

/** What became of the commands on one source line (for load statistics): 0 accepted, 1 warned. */
export type LineState = 0 | 1;
const ACCEPTED: LineState = 0;
const WARNED: LineState = 1;

/** Standard verbs per menu kind; `/interface` (the union of the interface kinds) has its own set. */
const VERBS: Readonly<Record<'list' | 'single' | 'fixed' | 'interfaces', readonly string[]>> = {
  list: LIST_VERBS,
  single: SINGLE_VERBS,
  fixed: FIXED_VERBS,
  interfaces: ['set', 'enable', 'disable', 'comment', 'remove', 'print', 'export', 'find', 'get', 'edit', 'unset', 'reset'],
};

/** Verbs that only read: harmless anywhere, never recorded as unsupported configuration. */
const QUERY_VERBS = new Set(['print', 'export', 'find', 'get', 'monitor', 'monitor-traffic', 'edit']);

/**
 * Properties RouterOS requires in a few unsupported menus, so a known mistake there is still named (the
 * command stays a warning: flowplane does not model the menu).
 */
const UNSUPPORTED_REQUIRED: Readonly<Record<string, readonly string[]>> = {
  '/routing ospf network': ['network'],
  '/ip dhcp-server network': ['address'],
};

/** Arguments some verbs take besides properties. */
const ADD_ARGS = ['place-before', 'copy-from'];
const MOVE_ARGS = ['destination'];
const UNSET_ARGS = ['value-name'];

class CommandFailed {
  constructor(readonly errors: ConfigError[]) {}
}

/** Collects the errors of one command. */
class Ctx {
  readonly errors: ConfigError[] = [];
  constructor(readonly cmd: ResolvedCommand) {}
  error(pos: Pos | undefined, message: string): void {
    this.errors.push(ConfigError.at(this.cmd.file, pos ?? this.cmd.pos, message));
  }
  /** Stop the command when something failed. */
  check(): void {
    if (this.errors.length > 0) throw new CommandFailed(this.errors);
  }
}

export class Executor implements ScriptHost {
  /** Warnings (unsupported menus), in execution order. */
  readonly warnings: ConfigError[] = [];
  /**
   * Per source line where a command starts (of `file`s seen, failed commands included): accepted or warned.
   * Errors are counted from the final error list, each on the command line at or before it.
   */
  readonly lines = new Map<string, Map<number, LineState>>();
  readonly registry: MenuRegistry;
  private readonly resolver: MenuResolver;
  private readonly idx: Indexes;
  private readonly pending = new Map<string, ConfigError[]>();
  private readonly warned = new Set<string>();
  private readonly propCache = new Map<MenuTable, Map<string, PropSpec | string>>();
  private readonly info = new Map<MenuTable, TableInfo>();

  constructor(
    readonly store: ConfigStore,
    private readonly opts: ExecOptions = {},
  ) {
    this.registry = opts.registry ?? menuRegistry();
    this.resolver = new MenuResolver(this.registry, store);
    this.idx = new Indexes(store, new Set(INTERFACE_KINDS));
  }

  /** The menu resolver (abbreviations, unsupported and unknown menus). */
  get menus(): MenuResolver {
    return this.resolver;
  }

  put(text: string, pos: Pos): void {
    this.opts.hooks?.put?.(text, pos);
  }

  log(topic: string, message: string, pos: Pos): void {
    this.opts.hooks?.log?.(topic, message, pos);
  }

  execute(cmd: ResolvedCommand): ExecResult {
    const c = new Ctx(cmd);
    try {
      const value = this.run(cmd, c);
      this.mark(cmd, ACCEPTED);
      return value === undefined ? { ok: true } : { ok: true, value };
    } catch (err) {
      // A bug here must not take the loader down: it becomes an error at the command.
      // The line still holds a command: lineStats (load.ts) counts it errored from the error list.
      this.mark(cmd, ACCEPTED);
      const e = err instanceof CommandFailed ? err : new CommandFailed([ConfigError.at(cmd.file, cmd.pos, `internal error in flowplane while running this command: ${err instanceof Error ? err.message : String(err)}`)]);
      const first = e.errors[0]!;
      const key = `${cmd.pos.offset}\u0000${first.message}`;
      const list = this.pending.get(key);
      if (list === undefined) this.pending.set(key, [...e.errors]);
      return { ok: false, message: first.message };
    }
  }

  /**
   * The evaluator's errors with each failed command's report replaced by the positioned errors behind it
   * (several per command when several properties were wrong). Sorted by position, duplicates removed.
   * Call once per `runScript` (it forgets the failures it has matched up).
   */
  settle(evalErrors: readonly ConfigError[]): ConfigError[] {
    const out: ConfigError[] = [];
    for (const e of evalErrors) {
      const list = this.pending.get(`${e.offset}\u0000${e.message}`);
      if (list !== undefined && e.file === list[0]!.file) out.push(...list);
      else out.push(e);
    }
    this.pending.clear();
    return sortErrors(out);
  }

  private lastLines: { file: string; map: Map<number, LineState> } | undefined;

  private mark(cmd: ResolvedCommand, state: LineState): void {
    let m = this.lastLines?.file === cmd.file ? this.lastLines.map : this.lines.get(cmd.file);
    if (m === undefined) this.lines.set(cmd.file, (m = new Map()));
    if (this.lastLines?.map !== m) this.lastLines = { file: cmd.file, map: m };
    const had = m.get(cmd.pos.line);
    if (had === undefined || state > had) m.set(cmd.pos.line, state);
  }

  // -----------------------------------------------------------------------------------------------------------
  // Dispatch

  private run(cmd: ResolvedCommand, c: Ctx): ScriptValue | undefined {
    const ref = this.resolver.resolve(cmd.path);
    switch (ref.kind) {
      case 'unknown':
        c.error(cmd.pos, `no such menu ${ref.path}${ref.hint !== undefined ? ` (${ref.hint})` : ''}`);
        c.check();
        return undefined;
      case 'unsupported':
      case 'pending':
      case 'command':
        return this.unsupported(ref, cmd, c);
      case 'table':
        return this.inMenu(ref, new MenuView(ref.path, [ref.table], this.idx), cmd, c);
      case 'interfaces':
        return this.inMenu(ref, new MenuView(ref.path, ref.tables, this.idx), cmd, c);
    }
  }

  private unsupported(ref: MenuRef, cmd: ResolvedCommand, c: Ctx): ScriptValue | undefined {
    if (QUERY_VERBS.has(cmd.verb)) {
      if (cmd.verb === 'find') return { type: 'array', items: [] };
      if (cmd.verb === 'print' || cmd.verb === 'export') return this.query(cmd.verb, ref, [], cmd);
      return undefined;
    }
    const what = ref.kind === 'command' ? `command ${ref.path === '/' ? '/' : ref.path + ' '}${cmd.verb}` : `menu ${ref.path}`;
    const why = ref.kind === 'pending' ? 'has no schema in flowplane yet' : 'is not modelled by flowplane';
    const missing = cmd.verb === 'add' ? (UNSUPPORTED_REQUIRED[ref.path] ?? []).filter((p) => !cmd.props.some((q) => q.name === p && q.value !== null)) : [];
    const message = `${what} ${why}: kept, not applied${missing.length > 0 ? `; RouterOS would refuse this add: ${missing.map((p) => `${p}=`).join(', ')} missing (required)` : ''}`;
    if (this.opts.strict) {
      c.error(cmd.pos, `${what} ${why} (--strict)`);
      c.check();
    }
    this.store.unsupported.push({ menu: ref.path, text: printResolvedCommand(cmd), origin: { file: cmd.file, line: cmd.pos.line, col: cmd.pos.col } });
    const key = `${cmd.file}\u0000${cmd.pos.line}\u0000${cmd.pos.col}`;
    if (!this.warned.has(key)) {
      this.warned.add(key);
      this.warnings.push(ConfigError.at(cmd.file, cmd.pos, message, 'warning'));
    }
    this.mark(cmd, WARNED);
    return undefined;
  }

  private inMenu(ref: MenuRef, view: MenuView, cmd: ResolvedCommand, c: Ctx): ScriptValue | undefined {
    const r = this.inMenuVerb(ref, view, cmd, c);
    // MetaRouter links make host interfaces (vifN) and bridge ports: kept in step after every change.
    if (view.path.startsWith('/metarouter') && !QUERY_VERBS.has(cmd.verb)) reconcileMetarouterLinks(this.store, (n) => macText(derivedMacOf(n)), this.idx);
    return r;
  }

  private inMenuVerb(ref: MenuRef, view: MenuView, cmd: ResolvedCommand, c: Ctx): ScriptValue | undefined {
    const verbs = this.verbsOf(view, ref.kind === 'interfaces');
    const verb = cmd.verb;
    if (!verbs.includes(verb)) {
      const hint = closest(verb, verbs);
      c.error(cmd.pos, `no command '${verb}' in ${view.path}${hint !== undefined ? ` (did you mean ${hint}?)` : ''}; commands: ${verbs.join(', ')}`);
      c.check();
    }
    const kind = ref.kind === 'interfaces' ? 'fixed' : view.tables[0]!.spec.kind;
    switch (verb) {
      case 'add':
        return this.add(view.tables[0]!, view, cmd, c);
      case 'set':
        return this.set(view, kind, cmd, c);
      case 'remove':
        return this.remove(view, cmd, c);
      case 'enable':
      case 'disable':
        return this.enableDisable(view, cmd, c, verb === 'disable');
      case 'comment':
        return this.comment(view, cmd, c);
      case 'move':
        return this.move(view, cmd, c);
      case 'find':
        return this.find(view, cmd, c);
      case 'get':
        return this.get(view, kind, cmd, c);
      case 'unset':
        return this.unset(view, kind, cmd, c);
      case 'reset':
        return this.reset(view, kind, cmd, c);
      case 'print':
      case 'export':
        return this.query(verb, ref, this.rowsFor(view, cmd, c, true), cmd);
      case 'edit':
        c.error(cmd.pos, `'edit' opens an interactive editor; use set in scripts`);
        c.check();
        return undefined;
      default: {
        // The menu's own verbs (reset-counters, monitor...): accepted, no configuration change; the ones that
        // act on the running router go to the `action` hook with the selected items.
        const hook = this.opts.hooks?.action;
        if (hook !== undefined && ACTION_VERBS.has(`${view.path} ${verb}`)) {
          const table = view.tables[0]!;
          const key = table.spec.key;
          const rows = this.rowsFor(view, cmd, c, verb === 'reset-counters-all');
          c.check();
          hook(
            view.path,
            verb,
            rows.map((r) => (key !== undefined ? (table.value(r.item, key) ?? '') : '')),
            cmd.pos,
            rows.map((r) => r.item.id),
          );
        }
        return undefined;
      }
    }
  }

  private readonly verbCache = new Map<MenuTable | null, readonly string[]>();

  private verbsOf(view: MenuView, union: boolean): readonly string[] {
    const key = union ? null : view.tables[0]!;
    let v = this.verbCache.get(key);
    if (v === undefined) {
      if (union) v = [...new Set([...VERBS.interfaces, ...view.tables.flatMap((t) => t.spec.verbs)])];
      else v = key!.spec.live === 'table' ? [...LIVE_VERBS] : [...VERBS[key!.spec.kind], ...key!.spec.verbs];
      this.verbCache.set(key, v);
    }
    return v;
  }

  // -----------------------------------------------------------------------------------------------------------
  // Properties

  /**
   * A property name (exact, else an unambiguous prefix); `extra` are arguments the verb takes besides
   * properties. Records an error and returns undefined when there is no such property.
   */
  private propName(table: MenuTable, name: string, pos: Pos, c: Ctx, extra: readonly string[] = [], pseudo = false): string | undefined {
    if (table.prop(name) || extra.includes(name) || (pseudo && PSEUDO_PROPS.has(name))) return name;
    let cache = this.propCache.get(table);
    if (cache === undefined) this.propCache.set(table, (cache = new Map()));
    const key = extra.length > 0 || pseudo ? `${name}\u0000${extra.join(',')}\u0000${pseudo}` : name;
    let r = cache.get(key);
    if (r === undefined) {
      r = this.lookupProp(table, name, extra, pseudo);
      cache.set(key, r);
    }
    if (typeof r === 'string') {
      c.error(pos, r);
      return undefined;
    }
    return r.name;
  }

  private lookupProp(table: MenuTable, name: string, extra: readonly string[], pseudo: boolean): PropSpec | string {
    const names = [...table.spec.props.map((p) => p.name), ...extra, ...(pseudo ? [...PSEUDO_PROPS.keys()] : [])];
    const cands = [...new Set(names.filter((n) => n.startsWith(name)))];
    if (cands.length === 1 && name !== '') {
      return table.prop(cands[0]!) ?? { name: cands[0]!, type: { t: 'str' } };
    }
    const path = table.spec.path;
    if (cands.length > 1) return `ambiguous property '${name}' in ${path}: could be ${cands.sort().join(', ')}`;
    const hint = closest(name, names);
    return `unknown property '${name}' in ${path}${hint !== undefined ? ` (did you mean ${hint}?)` : ''}`;
  }

  /** Canonical value of a property, or an error at the value's position. */
  private value(ps: PropSpec, p: ResolvedProp, c: Ctx): string | undefined {
    const r = canonical(ps.type, p.value!, ps.negatable ?? false);
    if (r.ok) {
      if (ps.type.t === 'password') this.opts.hooks?.password?.(p.value!, r.value);
      return r.value;
    }
    c.error(p.valuePos ?? p.pos, `${ps.name}: ${r.expected}`);
    return undefined;
  }

  /** Positional words that name boolean properties: `fib` means `fib=yes`. Others are errors. */
  private flagArgs(table: MenuTable, args: readonly ResolvedArg[], c: Ctx, into: Map<string, string>, verb: string): void {
    for (const a of args) {
      const ps = table.prop(a.value);
      if (ps && ps.type.t === 'bool' && !ps.readOnly) into.set(ps.name, 'yes');
      else c.error(a.pos, `unexpected argument '${a.value}' to ${verb} in ${table.spec.path} (properties are written name=value)`);
    }
  }

  private origin(cmd: ResolvedCommand, pos: Pos): Origin {
    return { file: cmd.file, line: pos.line, col: pos.col };
  }

  /** Parse `name=value` / `!name` props of add/set into changes (null = unset). */
  private changes(table: MenuTable, cmd: ResolvedCommand, c: Ctx, extra: readonly string[], skip: (name: string, p: ResolvedProp) => boolean): {
    values: Map<string, string | null>;
    at: Map<string, ResolvedProp>;
  } {
    const values = new Map<string, string | null>();
    const at = new Map<string, ResolvedProp>();
    for (const p of cmd.props) {
      const name = this.propName(table, p.name, p.pos, c, extra);
      if (name === undefined || skip(name, p)) continue;
      const ps = table.prop(name)!;
      if (ps.readOnly) {
        c.error(p.pos, `${name} is read-only in ${table.spec.path}`);
        continue;
      }
      at.set(name, p);
      if (p.value === null) {
        values.set(name, null);
        continue;
      }
      const v = this.value(ps, p, c);
      if (v !== undefined) values.set(name, v);
    }
    return { values, at };
  }

  // -----------------------------------------------------------------------------------------------------------
  // add

  private tableInfo(table: MenuTable): TableInfo {
    let i = this.info.get(table);
    if (i === undefined) {
      i = {
        required: table.spec.props.filter((p) => p.required),
        autoName: table.spec.key !== undefined && !table.prop(table.spec.key)?.required ? autoNameBase(table.spec.path) : undefined,
        isInterface: INTERFACE_KINDS.includes(table.spec.path),
      };
      this.info.set(table, i);
    }
    return i;
  }

  private add(table: MenuTable, view: MenuView, cmd: ResolvedCommand, c: Ctx): ScriptValue {
    const spec = table.spec;
    const info = this.tableInfo(table);
    let before: Item | undefined;
    const values = new Map<string, string>();
    let copyFrom: ResolvedProp | undefined;
    for (const p of cmd.props) if (p.name.length >= 2 && p.name.charCodeAt(0) === 99 && 'copy-from'.startsWith(p.name) && !table.prop(p.name)) copyFrom = p;
    if (copyFrom && copyFrom.value !== null && copyFrom.value !== '') {
      const r = view.lookup(copyFrom.value);
      if (typeof r === 'string') c.error(copyFrom.valuePos ?? copyFrom.pos, `copy-from: ${r}`);
      else for (const [k, v] of r.item.values) if (!r.table.prop(k)?.readOnly) values.set(k, v);
    }
    const flags = new Map<string, string>();
    this.flagArgs(table, cmd.args, c, flags, 'add');
    for (const [k, v] of flags) values.set(k, v);
    const { values: changes, at } = this.changes(table, cmd, c, ADD_ARGS, (name, p) => {
      if (name === 'copy-from') return true;
      if (name !== 'place-before') return false;
      if (p.value === null || p.value === '') return true;
      if (!spec.ordered) {
        c.error(p.pos, `place-before: items of ${spec.path} have no order`);
        return true;
      }
      const r = view.lookup(p.value);
      if (typeof r === 'string') c.error(p.valuePos ?? p.pos, `place-before: ${r}`);
      else before = r.item;
      return true;
    });
    for (const [k, v] of changes) {
      if (v === null) values.delete(k);
      else values.set(k, v);
    }
    if (info.autoName !== undefined && !values.has(spec.key!)) values.set(spec.key!, this.freeName(table, info.autoName));
    for (const d of spec.derived) {
      if (values.has(d.prop)) continue;
      const v = d.compute((p) => values.get(p));
      if (v !== undefined) values.set(d.prop, v);
    }
    for (const p of info.required) {
      if (!values.has(p.name)) c.error(cmd.pos, `${spec.path} add: missing ${p.name}= (required)`);
    }
    c.check();
    if (spec.check) for (const m of spec.check((p) => values.get(p))) c.error(cmd.pos, m);
    const get = (p: string) => values.get(p) ?? table.prop(p)?.default;
    this.checkKeys(table, null, get, (prop) => at.get(prop)?.pos ?? cmd.pos, c);
    c.check();
    const item = table.add(values, before ? { before, origin: this.origin(cmd, cmd.pos) } : { origin: this.origin(cmd, cmd.pos) });
    this.recordOrigins(table, item, at, cmd);
    this.idx.added(table, item);
    if (info.isInterface) this.interfaceAdded(table, item);
    return { type: 'id', text: idText(item.id) };
  }

  /** `bridge1`, `bridge2`...: the first free name (RouterOS names unnamed interfaces and queues so). */
  private freeName(table: MenuTable, base: string): string {
    const m = this.idx.keyMap(table);
    for (let n = 1; ; n++) if (!m?.has(`${base}${n}`)) return `${base}${n}`;
  }

  // -----------------------------------------------------------------------------------------------------------
  // What follows from a change elsewhere: interface queues, renames

  /** A new bridge/VLAN gets its `/queue interface` item (an ethernet port has one from the start). */
  private interfaceAdded(table: MenuTable, item: Item): void {
    if (!INTERFACE_KINDS.includes(table.spec.path) || table.spec.kind !== 'list') return;
    const q = this.store.table('/queue interface');
    const name = table.spec.key !== undefined ? table.value(item, table.spec.key) : undefined;
    if (q === undefined || !q.prop('interface') || name === undefined) return;
    const values = new Map([['interface', name]]);
    if (q.prop('queue')) values.set('queue', 'no-queue');
    if (q.prop('default-queue')) values.set('default-queue', 'no-queue');
    this.idx.added(q, q.add(values));
  }

  /** An interface went away: so does its `/queue interface` item. */
  private interfaceRemoved(table: MenuTable, item: Item): void {
    if (!INTERFACE_KINDS.includes(table.spec.path)) return;
    const q = this.store.table('/queue interface');
    const name = table.spec.key !== undefined ? table.value(item, table.spec.key) : undefined;
    if (q === undefined || name === undefined) return;
    for (const qi of q.items.filter((i) => i.values.get('interface') === name)) {
      this.idx.removed(q, qi);
      q.remove(qi);
    }
  }

  private refIndex: Map<string, { table: MenuTable; prop: PropSpec }[]> | undefined;

  /**
   * An item's name changed: references to it follow (RouterOS refers to items by id, so a renamed
   * interface, list or table keeps its users). `target` is the referenced menu (`/interface` for the kinds).
   */
  private renamed(table: MenuTable, from: string, to: string): void {
    if (this.refIndex === undefined) {
      this.refIndex = new Map();
      for (const t of this.store.tables.values()) {
        for (const p of t.spec.props) {
          const type = p.type.t === 'list' ? p.type.of : p.type;
          if (type.t !== 'ref') continue;
          let l = this.refIndex.get(type.menu);
          if (l === undefined) this.refIndex.set(type.menu, (l = []));
          l.push({ table: t, prop: p });
        }
      }
    }
    const target = INTERFACE_KINDS.includes(table.spec.path) ? '/interface' : table.spec.path;
    for (const { table: t, prop } of this.refIndex.get(target) ?? []) {
      const isList = prop.type.t === 'list';
      for (const item of t.items) {
        const v = item.values.get(prop.name);
        if (v === undefined) continue;
        const words = isList ? v.split(',') : [v];
        let changed = false;
        for (let k = 0; k < words.length; k++) {
          const w = words[k]!;
          if (w === from) words[k] = to;
          else if (prop.negatable && w === '!' + from) words[k] = '!' + to;
          else continue;
          changed = true;
        }
        if (!changed) continue;
        this.idx.unindex(t, item);
        item.values.set(prop.name, words.join(','));
        this.idx.reindex(t, item);
      }
    }
  }

  private recordOrigins(table: MenuTable, item: Item, at: Map<string, ResolvedProp>, cmd: ResolvedCommand): void {
    for (const [name, p] of at) {
      const ps = table.prop(name);
      if (ps === undefined || !needsOrigin(ps)) continue;
      if (p.value === null) {
        item.propOrigins?.delete(name);
        continue;
      }
      (item.propOrigins ??= new Map()).set(name, this.origin(cmd, p.pos));
    }
  }

  /** Key (name) and `unique` checks for an item about to get these values (`self`: the item being set). */
  private checkKeys(table: MenuTable, self: Item | null, get: (p: string) => string | undefined, at: (prop: string) => Pos, c: Ctx): void {
    const spec = table.spec;
    const key = spec.key;
    if (key !== undefined && spec.kind !== 'single') {
      const k = get(key);
      const m = k !== undefined && k !== '' ? this.idx.keyMap(table) : undefined;
      const other = m?.get(k!);
      if (other !== undefined && other.item !== self) {
        const where = other.table === table ? spec.path : `${other.table.spec.path}; interface names are unique across /interface`;
        c.error(at(key), `${key}=${k}: ${spec.path} already has an item named '${k}'${other.table !== table ? ` (in ${where})` : ''}${lineOf(other.item)}`);
      }
    }
    if (spec.unique.length > 0) {
      const maps = this.idx.uniqueMaps(table);
      spec.unique.forEach((combo, n) => {
        if (combo.length === 1 && combo[0] === key) return; // the key check above says it better
        const k = uniqueKey(combo, get);
        if (k === undefined) return;
        const other = maps[n]!.get(k);
        if (other !== undefined && other !== self) {
          c.error(at(combo[combo.length - 1]!), `${spec.path} already has an entry with ${combo.map((p) => `${p}=${get(p)}`).join(' ')}${lineOf(other)}`);
        }
      });
    }
  }

  // -----------------------------------------------------------------------------------------------------------
  // Selection

  /** The rows a command's selector names; `all`: no selector means every row (print/export). */
  private rowsFor(view: MenuView, cmd: ResolvedCommand, c: Ctx, all = false): Row[] {
    const sel = cmd.selector;
    if (sel === undefined) {
      if (all) return view.rows();
      c.error(cmd.pos, `${cmd.verb} in ${view.path} needs items: a name, a number, an id like *1A or [ find ... ]`);
      c.check();
      return [];
    }
    switch (sel.kind) {
      case 'items':
        return this.lookupList(view, sel.value, sel.pos, c);
      case 'where':
        return view.rows().filter((r) => whereMatches(sel.expr, r));
      case 'find': {
        const f = sel.find;
        const fref = this.resolver.resolve(f.path);
        if (fref.kind === 'table' || fref.kind === 'interfaces') {
          const fview = fref.kind === 'table' ? new MenuView(fref.path, [fref.table], this.idx) : new MenuView(fref.path, fref.tables, this.idx);
          const rows = this.findRows(fview, f, c);
          if (fview.path === view.path) return rows;
          // A find in another menu returns ids; use them here.
          return rows.map((r) => view.byId(r.item.id)).filter((r): r is Row => r !== undefined);
        }
        c.error(sel.pos, `find in ${pathText(f.path)} cannot select items of ${view.path}`);
        c.check();
        return [];
      }
    }
  }

  private lookupList(view: MenuView, text: string, pos: Pos, c: Ctx): Row[] {
    if (text === '') return [];
    const out: Row[] = [];
    const seen = new Set<Item>();
    for (const w of text.split(',')) {
      const r = view.lookup(w);
      if (typeof r === 'string') c.error(pos, r);
      else if (!seen.has(r.item)) {
        seen.add(r.item);
        out.push(r);
      }
    }
    c.check();
    return out;
  }

  /** Rows matching a `find` command's filters, flags and `where`. */
  private findRows(view: MenuView, f: ResolvedCommand, c: Ctx): Row[] {
    const filters: Filter[] = [];
    for (const p of f.props) {
      const name = this.filterName(view, p.name, p.pos, c);
      if (name !== undefined) filters.push({ name, value: p.value ?? '' });
    }
    for (const a of f.args) {
      const name = this.filterName(view, a.value, a.pos, c);
      if (name !== undefined) filters.push({ name, value: 'yes' });
    }
    c.check();
    const where = f.selector?.kind === 'where' ? f.selector.expr : undefined;
    const items = f.selector?.kind === 'items' ? this.lookupList(view, f.selector.value, f.selector.pos, c) : view.rows();
    const out: Row[] = [];
    for (const r of items) {
      if (filters.length > 0 && !matchesFilters(r, filters)) continue;
      if (where !== undefined && !whereMatches(where, r)) continue;
      out.push(r);
    }
    return out;
  }

  /** A property name in a `find` filter: of any table of the view (`/interface find vlan-id=10`). */
  private filterName(view: MenuView, name: string, pos: Pos, c: Ctx): string | undefined {
    if (view.tables.length > 1) {
      for (const t of view.tables) {
        const probe = new Ctx(c.cmd);
        const n = this.propName(t, name, pos, probe, [], true);
        if (n !== undefined) return n;
      }
    }
    return this.propName(view.tables[0]!, name, pos, c, [], true);
  }

  private find(view: MenuView, cmd: ResolvedCommand, c: Ctx): ScriptValue {
    const rows = this.findRows(view, cmd, c);
    return { type: 'array', items: rows.map((r) => [undefined, { type: 'id', text: idText(r.item.id) }] as const) };
  }

  // -----------------------------------------------------------------------------------------------------------
  // set / unset / reset / enable / disable / comment

  /** Rows of a set-like verb: the settings object of a single menu, else the selector's items. */
  private targets(view: MenuView, kind: string, cmd: ResolvedCommand, c: Ctx): Row[] {
    if (kind === 'single') {
      const t = view.tables[0]!;
      const sel = cmd.selector;
      if (sel !== undefined && !(sel.kind === 'items' && (sel.value === '0' || sel.value === ''))) {
        c.error(sel.pos, `${t.spec.path} has one settings object: ${cmd.verb} takes no item`);
        c.check();
      }
      return [{ table: t, item: t.items[0]! }];
    }
    return this.rowsFor(view, cmd, c);
  }

  private set(view: MenuView, kind: string, cmd: ResolvedCommand, c: Ctx): undefined {
    const rows = this.targets(view, kind, cmd, c);
    // Parse against each table involved (the interface union spans several).
    const perTable = new Map<MenuTable, { values: Map<string, string | null>; at: Map<string, ResolvedProp> }>();
    const t0 = view.tables[0]!;
    const tablesToCheck = rows.length > 0 ? [...new Set(rows.map((r) => r.table))] : [t0];
    for (const t of tablesToCheck) {
      const flags = new Map<string, string>();
      this.flagArgs(t, cmd.args, c, flags, 'set');
      const ch = this.changes(t, cmd, c, [], () => false);
      for (const [k, v] of flags) ch.values.set(k, v);
      perTable.set(t, ch);
    }
    c.check();
    this.apply(rows, perTable, cmd, c);
    return undefined;
  }

  /** Check then apply per-table changes to rows. */
  private apply(rows: readonly Row[], perTable: Map<MenuTable, { values: Map<string, string | null>; at: Map<string, ResolvedProp> }>, cmd: ResolvedCommand, c: Ctx): void {
    // Checks first: required props, item checks, keys (also between the rows themselves).
    const batchKeys = new Map<string, Item>();
    for (const { table, item } of rows) {
      const ch = perTable.get(table)!;
      const get = (p: string): string | undefined => {
        const v = ch.values.get(p);
        if (v === null) return table.prop(p)?.default;
        return v ?? table.value(item, p);
      };
      for (const [name, v] of ch.values) {
        if (v === null && table.prop(name)?.required) c.error(ch.at.get(name)?.pos ?? cmd.pos, `${name} is required in ${table.spec.path} and cannot be unset`);
      }
      if (table.spec.check) {
        // Checks see explicit values (after the change), as on add.
        const explicit = (p: string): string | undefined => {
          const v = ch.values.get(p);
          return v === null ? undefined : (v ?? item.values.get(p));
        };
        for (const m of table.spec.check(explicit)) c.error(cmd.pos, m);
      }
      const at = (p: string) => ch.at.get(p)?.pos ?? cmd.pos;
      this.checkKeys(table, item, get, at, c);
      const key = table.spec.key;
      if (key !== undefined && ch.values.has(key) && table.spec.kind !== 'single') {
        const k = get(key);
        if (k !== undefined) {
          if (batchKeys.has(k) && batchKeys.get(k) !== item) c.error(at(key), `${key}=${k}: would give several items the same name`);
          batchKeys.set(k, item);
        }
      }
    }
    c.check();
    for (const { table, item } of rows) {
      const ch = perTable.get(table)!;
      if (ch.values.size === 0) continue;
      const key = table.spec.key;
      const oldName = key !== undefined && ch.values.has(key) ? table.value(item, key) : undefined;
      this.idx.unindex(table, item);
      for (const [name, v] of ch.values) {
        if (v === null) item.values.delete(name);
        else item.values.set(name, v);
      }
      for (const d of table.spec.derived) {
        if (ch.values.has(d.prop) || !d.from.some((f) => ch.values.has(f))) continue;
        const v = d.compute((p) => item.values.get(p));
        if (v === undefined) item.values.delete(d.prop);
        else item.values.set(d.prop, v);
      }
      this.recordOrigins(table, item, ch.at, cmd);
      this.idx.reindex(table, item);
      const newName = key !== undefined ? table.value(item, key) : undefined;
      if (oldName !== undefined && newName !== undefined && oldName !== newName) this.renamed(table, oldName, newName);
    }
  }

  private enableDisable(view: MenuView, cmd: ResolvedCommand, c: Ctx, disable: boolean): undefined {
    const rows = this.rowsFor(view, cmd, c);
    if (cmd.args.length > 0) this.flagArgs(view.tables[0]!, cmd.args, c, new Map(), cmd.verb);
    if (cmd.props.length > 0) c.error(cmd.props[0]!.pos, `${cmd.verb} takes only items`);
    const perTable = new Map<MenuTable, { values: Map<string, string | null>; at: Map<string, ResolvedProp> }>();
    for (const r of rows) {
      if (!r.table.prop('disabled')) c.error(cmd.pos, `items of ${r.table.spec.path} cannot be disabled`);
      perTable.set(r.table, { values: new Map([['disabled', disable ? 'yes' : 'no']]), at: new Map() });
    }
    c.check();
    this.apply(rows, perTable, cmd, c);
    return undefined;
  }

  private comment(view: MenuView, cmd: ResolvedCommand, c: Ctx): undefined {
    const rows = this.rowsFor(view, cmd, c);
    const p = cmd.props.find((q) => 'comment'.startsWith(q.name) && q.name.length > 0);
    for (const q of cmd.props) if (q !== p) c.error(q.pos, `comment takes items and comment=`);
    const text = p?.value ?? cmd.args[0]?.value ?? '';
    const perTable = new Map<MenuTable, { values: Map<string, string | null>; at: Map<string, ResolvedProp> }>();
    for (const r of rows) {
      if (!r.table.prop('comment')) c.error(cmd.pos, `items of ${r.table.spec.path} have no comment`);
      perTable.set(r.table, { values: new Map([['comment', text === '' ? null : text]]), at: new Map() });
    }
    c.check();
    this.apply(rows, perTable, cmd, c);
    return undefined;
  }

  /** `unset <items> value-name=prop` or `unset <items> prop` (single menus: `unset prop`). */
  private unset(view: MenuView, kind: string, cmd: ResolvedCommand, c: Ctx): undefined {
    let words: { name: string; pos: Pos }[] = [];
    const t0 = view.tables[0]!;
    let rows: Row[];
    if (kind === 'single') {
      if (cmd.selector?.kind === 'items') words.push({ name: cmd.selector.value, pos: cmd.selector.pos });
      rows = [{ table: t0, item: t0.items[0]! }];
    } else rows = this.rowsFor(view, cmd, c);
    for (const a of cmd.args) words.push({ name: a.value, pos: a.pos });
    for (const p of cmd.props) {
      const n = this.propName(t0, p.name, p.pos, c, UNSET_ARGS);
      if (n === 'value-name' && p.value !== null) words.push(...p.value.split(',').map((name) => ({ name, pos: p.valuePos ?? p.pos })));
      else if (n !== undefined) c.error(p.pos, `unset takes property names (value-name=${n})`);
    }
    words = words.filter((w) => w.name !== '');
    if (words.length === 0) c.error(cmd.pos, `unset needs the properties to unset (value-name=...)`);
    const perTable = new Map<MenuTable, { values: Map<string, string | null>; at: Map<string, ResolvedProp> }>();
    for (const t of new Set(rows.map((r) => r.table))) {
      const values = new Map<string, string | null>();
      for (const w of words) {
        const n = this.propName(t, w.name, w.pos, c);
        if (n === undefined) continue;
        if (t.prop(n)?.readOnly) c.error(w.pos, `${n} is read-only in ${t.spec.path}`);
        values.set(n, null);
      }
      perTable.set(t, { values, at: new Map() });
    }
    c.check();
    this.apply(rows, perTable, cmd, c);
    return undefined;
  }

  /** `reset`: back to defaults (every settable property of the items, or of the settings object). */
  private reset(view: MenuView, kind: string, cmd: ResolvedCommand, c: Ctx): undefined {
    const rows = kind === 'single' ? [{ table: view.tables[0]!, item: view.tables[0]!.items[0]! }] : this.rowsFor(view, cmd, c);
    const perTable = new Map<MenuTable, { values: Map<string, string | null>; at: Map<string, ResolvedProp> }>();
    for (const r of rows) {
      const values = new Map<string, string | null>();
      for (const p of r.table.spec.props) if (!p.readOnly && !p.required && p.name !== (r.table.spec.fixedKey ?? '')) values.set(p.name, null);
      perTable.set(r.table, { values, at: new Map() });
    }
    this.apply(rows, perTable, cmd, c);
    return undefined;
  }

  // -----------------------------------------------------------------------------------------------------------
  // remove / move / get / print

  private remove(view: MenuView, cmd: ResolvedCommand, c: Ctx): undefined {
    const rows = this.rowsFor(view, cmd, c);
    if (cmd.args.length > 0) c.error(cmd.args[0]!.pos, `unexpected argument '${cmd.args[0]!.value}' to remove`);
    for (const r of rows) {
      if (r.table.spec.kind !== 'list') c.error(cmd.selector?.pos ?? cmd.pos, `${r.table.spec.path} items cannot be removed (they belong to the router)`);
      else if (r.item.dynamic && r.table.spec.live === undefined) c.error(cmd.selector?.pos ?? cmd.pos, `${idText(r.item.id)} in ${r.table.spec.path} is dynamic and cannot be removed`);
    }
    c.check();
    const byTable = new Map<MenuTable, Set<Item>>();
    for (const r of rows) {
      let s = byTable.get(r.table);
      if (s === undefined) byTable.set(r.table, (s = new Set()));
      s.add(r.item);
      this.idx.removed(r.table, r.item);
      this.interfaceRemoved(r.table, r.item);
    }
    for (const [t, gone] of byTable) {
      if (gone.size === 1) t.remove([...gone][0]!);
      else {
        let w = 0;
        for (let k = 0; k < t.items.length; k++) {
          const it = t.items[k]!;
          if (!gone.has(it)) t.items[w++] = it;
        }
        t.items.length = w;
      }
    }
    return undefined;
  }

  /** `move 3 1`, `move [find ...] destination=...`: before the destination, or to the end without one. */
  private move(view: MenuView, cmd: ResolvedCommand, c: Ctx): undefined {
    const table = view.tables[0]!;
    const rows = this.rowsFor(view, cmd, c);
    let dest: { text: string; pos: Pos } | undefined;
    if (cmd.args.length > 0) dest = { text: cmd.args[0]!.value, pos: cmd.args[0]!.pos };
    for (const a of cmd.args.slice(1)) c.error(a.pos, `unexpected argument '${a.value}' to move`);
    for (const p of cmd.props) {
      const n = this.propName(table, p.name, p.pos, c, MOVE_ARGS);
      if (n === 'destination' && p.value !== null) dest = { text: p.value, pos: p.valuePos ?? p.pos };
      else if (n !== undefined) c.error(p.pos, `move takes items and destination=`);
    }
    let before: Item | undefined;
    if (dest !== undefined && dest.text !== '') {
      const r = view.lookup(dest.text);
      if (typeof r === 'string') c.error(dest.pos, `destination: ${r}`);
      else before = r.item;
    }
    c.check();
    if (rows.length > 0) table.move(rows.map((r) => r.item), before);
    return undefined;
  }

  /** `get <item> <prop>` (single menus: `get <prop>`); without a property, all values as an array. */
  private get(view: MenuView, kind: string, cmd: ResolvedCommand, c: Ctx): ScriptValue {
    let row: Row;
    let propWord: { name: string; pos: Pos } | undefined;
    if (kind === 'single') {
      const t = view.tables[0]!;
      row = { table: t, item: t.items[0]! };
      if (cmd.selector?.kind === 'items') propWord = { name: cmd.selector.value, pos: cmd.selector.pos };
    } else {
      const rows = this.rowsFor(view, cmd, c);
      if (rows.length !== 1) {
        c.error(cmd.selector?.pos ?? cmd.pos, rows.length === 0 ? `get: no such item in ${view.path}` : `get needs one item, ${rows.length} selected`);
        c.check();
      }
      row = rows[0]!;
    }
    if (cmd.args.length > 0) propWord = { name: cmd.args[0]!.value, pos: cmd.args[0]!.pos };
    const vn = cmd.props.find((p) => p.name === 'value-name');
    if (vn && vn.value !== null) propWord = { name: vn.value, pos: vn.valuePos ?? vn.pos };
    if (propWord === undefined) {
      const items: [string, ScriptValue][] = [['.id', { type: 'id', text: idText(row.item.id) }]];
      for (const p of row.table.spec.props) {
        if (p.type.t === 'password') continue; // stored hashed, readable by nobody
        const v = row.table.value(row.item, p.name);
        if (v !== undefined) items.push([p.name, scriptValue(p, v)]);
      }
      return { type: 'array', items };
    }
    const name = this.propName(row.table, propWord.name, propWord.pos, c, [], true);
    if (name !== undefined && row.table.prop(name)?.type.t === 'password') c.error(propWord.pos, `${name} cannot be read (it is stored hashed)`);
    c.check();
    const v = readProp(row, name!);
    if (v === undefined) return NOTHING;
    const ps = propType(row.table, name!);
    return ps ? scriptValue(ps, v) : str(v);
  }

  private query(verb: 'print' | 'export', ref: MenuRef, rows: Row[], cmd: ResolvedCommand): ScriptValue | undefined {
    const args = cmd.args.map((a) => a.value);
    const props = new Map(cmd.props.map((p) => [p.name, p.value ?? '']));
    const hook = verb === 'print' ? this.opts.hooks?.print : this.opts.hooks?.export;
    if (hook) {
      const r = hook({ verb, menu: ref, rows, args, props, cmd, store: this.store });
      return r === undefined ? undefined : r;
    }
    if (verb === 'print' && args.includes('count-only')) return num(rows.length);
    if (verb === 'print' && args.includes('as-value')) {
      return {
        type: 'array',
        items: rows.map((r) => {
          const items: [string, ScriptValue][] = [['.id', { type: 'id', text: idText(r.item.id) }]];
          for (const p of r.table.spec.props) {
            if (p.type.t === 'password') continue;
            const v = r.table.value(r.item, p.name);
            if (v !== undefined) items.push([p.name, scriptValue(p, v)]);
          }
          return [undefined, { type: 'array', items }] as const;
        }),
      };
    }
    return undefined;
  }
}

/** Menu verbs that act on the running router (ExecHooks.action). */
const ACTION_VERBS = new Set([
  '/metarouter start',
  '/metarouter shut-down',
  '/metarouter reboot',
  ...['/ip firewall filter', '/ip firewall nat', '/ip firewall mangle', '/ip firewall raw', '/interface bridge filter', '/interface bridge nat', '/queue simple', '/queue tree'].flatMap((m) => [
    `${m} reset-counters`,
    `${m} reset-counters-all`,
  ]),
  '/interface ethernet reset-counters',
]);

/** The derived MAC of a name as text (control/compile/generation.ts derivedMac, which control/store cannot import). */
function macText(b: Uint8Array): string {
  return Array.from(b, (x) => x.toString(16).padStart(2, '0').toUpperCase()).join(':');
}

/** What the executor looks up about a table on every add. */
interface TableInfo {
  readonly required: readonly PropSpec[];
  /** Base of generated names when the key is not given (`bridge` → bridge1). */
  readonly autoName: string | undefined;
  readonly isInterface: boolean;
}

/** Base of the names RouterOS gives unnamed items (`bridge1`, `vlan1`, `queue1`). */
function autoNameBase(path: string): string | undefined {
  if (INTERFACE_KINDS.includes(path)) return path.slice(path.lastIndexOf(' ') + 1);
  if (path === '/queue simple' || path === '/queue tree') return 'queue';
  return undefined;
}

/** A property value as scripts see it (`get`): booleans, numbers, addresses typed; text otherwise. */
function scriptValue(p: { readonly type: { readonly t: string } }, v: string): ScriptValue {
  switch (p.type.t) {
    case 'bool':
      return { type: 'bool', value: v === 'yes' };
    case 'int':
      return /^-?\d+$/.test(v) ? num(Number(v)) : str(v);
    case 'ip4':
      return { type: 'ip', text: v };
    case 'ip4-prefix':
      return { type: 'ip-prefix', text: v };
    case 'ip6':
      return { type: 'ip6', text: v };
    case 'ip6-prefix':
      return { type: 'ip6-prefix', text: v };
    case 'time':
      return v === 'none' ? str(v) : { type: 'time', text: v };
    default:
      return str(v);
  }
}

function lineOf(item: Item): string {
  return item.origin ? ` (added at ${item.origin.file}:${item.origin.line})` : '';
}

/** Errors in file, line, column order (stable), without exact duplicates. */
export function sortErrors(list: readonly ConfigError[]): ConfigError[] {
  const seen = new Set<string>();
  const out: ConfigError[] = [];
  for (const e of list) {
    const k = `${e.file}\u0000${e.line}\u0000${e.col}\u0000${e.severity}\u0000${e.message}`;
    if (seen.has(k)) continue;
    seen.add(k);
    out.push(e);
  }
  return out.sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : a.line - b.line || a.col - b.col));
}
