/**
 * The config store: a router's configuration as RouterOS holds it, menu by menu.
 *
 * Each menu (a `MenuTable`) keeps its items in order with stable internal ids (`*1`, `*2`, ... per menu, as
 * RouterOS numbers them; ids are never reused). An item stores only the properties that were given, as
 * canonical text (schema.ts); a property that was never set reads as the schema default. Dynamic items
 * (connected routes, rule-added address-list entries) live in the same tables, flagged `dynamic`, and are
 * never exported.
 *
 * The store knows nothing of the syntax: control/store/exec.ts turns parsed commands into calls here, and
 * printers read it. Loading a file works on a `clone()` and swaps it in only when the whole file applied
 * without errors ("a failed load applies nothing"). A store belongs to one router instance; nothing here is
 * global.
 */
import type { MenuSpec, PropSpec } from '../menus/schema';

/** Where an item or value came from, for messages. */
export interface Origin {
  readonly file: string;
  readonly line: number;
  readonly col: number;
}

export interface Item {
  /** Internal id, printed `*` + hex (`*1A`). */
  readonly id: number;
  /** Properties given explicitly (canonical text); absent = schema default. */
  readonly values: Map<string, string>;
  /** Made by the router (connected routes, dynamic address-list entries): never exported. */
  dynamic: boolean;
  /** Where the item was added (absent for items the router made itself). */
  origin?: Origin;
  /**
   * Where individual values were written, for checks that run after a whole load (references to other
   * menus): kept only for the properties those checks read (see control/store/validate.ts).
   */
  propOrigins?: Map<string, Origin>;
}

/**
 * A source of item ids. Menus whose items share one id space in RouterOS (the interface kinds: ether1 is
 * `*1`, the first bridge `*9`) share one counter, so an id names one interface across `/interface`.
 */
export interface IdSpace {
  next: number;
}

/** RouterOS id text: `*1`, `*1A`. */
export function idText(id: number): string {
  return '*' + id.toString(16).toUpperCase();
}

/** Parse `*1A` to 26; undefined when it is not an id. */
export function parseIdText(s: string): number | undefined {
  return /^\*[0-9A-Fa-f]{1,8}$/.test(s) ? parseInt(s.slice(1), 16) : undefined;
}

export class MenuTable {
  readonly spec: MenuSpec;
  /** Items in order (print order; rule order for ordered menus). */
  readonly items: Item[] = [];
  private readonly ids: IdSpace;
  private readonly propIndex: Map<string, PropSpec>;

  constructor(spec: MenuSpec, ids: IdSpace = { next: 1 }) {
    this.spec = spec;
    this.ids = ids;
    this.propIndex = new Map(spec.props.map((p) => [p.name, p]));
  }

  /** The id counter (shared by the interface kinds). */
  get idSpace(): IdSpace {
    return this.ids;
  }

  /** The schema of a property, by its full name. */
  prop(name: string): PropSpec | undefined {
    return this.propIndex.get(name);
  }

  /** A property's value: explicit, else the schema default, else undefined. */
  value(item: Item, name: string): string | undefined {
    return item.values.get(name) ?? this.propIndex.get(name)?.default;
  }

  /** Is the item disabled (`disabled=yes`)? */
  disabled(item: Item): boolean {
    return item.values.get('disabled') === 'yes';
  }

  byId(id: number): Item | undefined {
    return this.items.find((i) => i.id === id);
  }

  /** Items whose key property (`name`, or `fixedKey`) equals `name`. */
  byKey(name: string): Item | undefined {
    const key = this.spec.key;
    if (key === undefined) return undefined;
    return this.items.find((i) => this.value(i, key) === name);
  }

  /** Add an item at the end, or before `before`. Values must already be canonical and checked. */
  add(values: Map<string, string>, opts: { before?: Item; dynamic?: boolean; origin?: Origin } = {}): Item {
    const item: Item = { id: this.ids.next++, values, dynamic: opts.dynamic ?? false };
    if (opts.origin) item.origin = opts.origin;
    const at = opts.before ? this.items.indexOf(opts.before) : -1;
    if (at < 0) this.items.push(item);
    else this.items.splice(at, 0, item);
    return item;
  }

  remove(item: Item): void {
    const at = this.items.indexOf(item);
    if (at >= 0) this.items.splice(at, 1);
  }

  /** Move items (in the order given) before `before`, or to the end. */
  move(moving: Item[], before?: Item): void {
    if (before && moving.includes(before)) return;
    for (const m of moving) this.remove(m);
    const at = before ? this.items.indexOf(before) : -1;
    if (at < 0) this.items.push(...moving);
    else this.items.splice(at, 0, ...moving);
  }

  /** Numbers as `print` shows them (position among the items print lists). */
  indexOf(item: Item): number {
    return this.items.indexOf(item);
  }

  /** A deep copy for a transaction (`ids`: the copied counter when the id space is shared). */
  clone(ids: IdSpace = { next: this.ids.next }): MenuTable {
    const t = new MenuTable(this.spec, ids);
    for (const i of this.items) {
      const c: Item = { id: i.id, values: new Map(i.values), dynamic: i.dynamic };
      if (i.origin) c.origin = i.origin;
      if (i.propOrigins) c.propOrigins = new Map(i.propOrigins);
      t.items.push(c);
    }
    return t;
  }
}

/** A command in a menu flowplane does not model: kept as written, reported, exported back. */
export interface UnsupportedLine {
  readonly menu: string;
  /** The command as written (continuations joined). */
  readonly text: string;
  readonly origin: Origin;
}

export interface StoreOptions {
  /** How many ethernet interfaces the router has (ether1..N). Default 8. */
  ethernetPorts?: number;
  /** Groups of menu paths whose items share one id space (default: none; the router passes INTERFACE_KINDS). */
  sharedIds?: readonly (readonly string[])[];
}

export class ConfigStore {
  /** Menu path (`/ip firewall filter`) → table, in export order. */
  readonly tables: Map<string, MenuTable>;
  /** Commands in menus flowplane recognises but does not model, in file order. */
  readonly unsupported: UnsupportedLine[] = [];
  readonly ethernetPorts: number;

  constructor(specs: readonly MenuSpec[], opts: StoreOptions = {}) {
    this.ethernetPorts = opts.ethernetPorts ?? 8;
    const spaces = new Map<string, IdSpace>();
    for (const group of opts.sharedIds ?? []) {
      const space: IdSpace = { next: 1 };
      for (const p of group) spaces.set(p, space);
    }
    this.tables = new Map(specs.map((s) => [s.path, new MenuTable(s, spaces.get(s.path))]));
    for (const t of this.tables.values()) {
      if (t.spec.kind === 'single') t.add(new Map());
      for (const init of t.spec.fixedItems?.(this.ethernetPorts) ?? []) t.add(new Map(Object.entries(init)));
    }
  }

  /** The table of a menu path (`/ip firewall filter`), or undefined when flowplane has no schema for it. */
  table(path: string): MenuTable | undefined {
    return this.tables.get(path);
  }

  /** The settings object of a 'single' menu. */
  single(path: string): { table: MenuTable; item: Item } | undefined {
    const table = this.tables.get(path);
    if (!table || table.spec.kind !== 'single') return undefined;
    return { table, item: table.items[0]! };
  }

  /** A deep copy: loads and console commands apply to a clone, then `replaceWith` commits it. */
  clone(): ConfigStore {
    const c = Object.create(ConfigStore.prototype) as ConfigStore;
    const copied = new Map<IdSpace, IdSpace>();
    const copyOf = (s: IdSpace): IdSpace => {
      let c = copied.get(s);
      if (c === undefined) copied.set(s, (c = { next: s.next }));
      return c;
    };
    (c as { tables: Map<string, MenuTable> }).tables = new Map([...this.tables].map(([k, t]) => [k, t.clone(copyOf(t.idSpace))]));
    (c as { unsupported: UnsupportedLine[] }).unsupported = [...this.unsupported];
    (c as { ethernetPorts: number }).ethernetPorts = this.ethernetPorts;
    return c;
  }

  /** Take over the contents of `other` (a clone that applied cleanly). */
  replaceWith(other: ConfigStore): void {
    this.tables.clear();
    for (const [k, t] of other.tables) this.tables.set(k, t);
    this.unsupported.length = 0;
    this.unsupported.push(...other.unsupported);
  }
}
