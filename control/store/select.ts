/**
 * Item selection: which items a command acts on.
 *
 * - `MenuView` is one menu as commands see it: one table, or for `/interface` the union of the interface
 *   kinds (names and ids are unique across them). Items are addressed by print number (position in print
 *   order), internal id (`*1A`), key name (`ether1`), `[ find ... ]` or `where`.
 * - `Indexes` keeps the lookups a big load needs in O(1): ids, key names (shared by the interface kinds),
 *   and one map per `unique` combination of a schema. Built lazily per table, kept up to date by the
 *   executor (the only writer during a load or a console command).
 * - `where` expressions and `find prop=value` filters compare canonical text: a filter value is
 *   canonicalised with the property's type (`find timeout=00:01:00` finds `1m`, `dynamic=false` finds `no`).
 *   Besides schema properties they know the flags every item has: `dynamic`, `default` (an item the router
 *   had before any configuration: ethernet ports, settings), `disabled`, `invalid`, `running`, `.id`, and
 *   `type` in `/interface` (ether, bridge, vlan...).
 */
import type { Expr } from '../routeros/ast';
import { type ScriptValue, NOTHING, compare, looseEquals, str, toStr, truthy, typedLiteral } from '../routeros/script-values';
import { parseIpv4, parseIpv4Prefix, parseIpv4Range, ipv4Mask } from '../routeros/values';
import type { PropSpec, ValueType } from '../menus/schema';
import { canonical } from './canonical';
import { type ConfigStore, type Item, type MenuTable, idText, parseIdText } from './store';

export interface Row {
  readonly table: MenuTable;
  readonly item: Item;
}

const BOOL: ValueType = { t: 'bool' };
const STR: ValueType = { t: 'str' };

/** Flags and read-only facts every item has, whether or not its schema lists them. */
export const PSEUDO_PROPS: ReadonlyMap<string, ValueType> = new Map<string, ValueType>([
  ['dynamic', BOOL],
  ['default', BOOL],
  ['disabled', BOOL],
  ['invalid', BOOL],
  ['running', BOOL],
  ['.id', STR],
  ['type', STR],
]);

/** The `type` RouterOS shows in `/interface` for an interface kind menu. */
export function interfaceType(menuPath: string): string {
  const last = menuPath.slice(menuPath.lastIndexOf(' ') + 1);
  return last === 'ethernet' ? 'ether' : last;
}

/** A property's value as `find`/`where`/`get` see it: explicit, default, or a pseudo property. */
export function readProp(row: Row, name: string): string | undefined {
  const { table, item } = row;
  if (table.prop(name)) return table.value(item, name);
  switch (name) {
    case 'dynamic':
      return item.dynamic ? 'yes' : 'no';
    case 'default':
      return item.origin === undefined && !item.dynamic ? 'yes' : 'no';
    case 'disabled':
      return table.disabled(item) ? 'yes' : 'no';
    case 'invalid':
      return 'no';
    case 'running':
      return table.disabled(item) ? 'no' : 'yes';
    case '.id':
      return idText(item.id);
    case 'type':
      return item.values.get('type') ?? interfaceType(table.spec.path);
    default:
      return item.values.get(name);
  }
}

/** The type of a property or pseudo property, if known. */
export function propType(table: MenuTable, name: string): PropSpec | { readonly name: string; readonly type: ValueType; readonly negatable?: boolean } | undefined {
  const p = table.prop(name);
  if (p) return p;
  const t = PSEUDO_PROPS.get(name);
  return t ? { name, type: t } : undefined;
}

// -------------------------------------------------------------------------------------------------------------
// Indexes

export class Indexes {
  private readonly ids = new Map<MenuTable, Map<number, Item>>();
  private readonly keys = new Map<MenuTable, Map<string, Row>>();
  private readonly uniques = new Map<MenuTable, Map<string, Item>[]>();
  /** The interface kinds share one key map (interface names are unique across them). */
  private sharedKeys: Map<string, Row> | undefined;

  constructor(
    private readonly store: ConfigStore,
    private readonly interfaceKinds: ReadonlySet<string>,
  ) {}

  idMap(table: MenuTable): Map<number, Item> {
    let m = this.ids.get(table);
    if (m === undefined) {
      m = new Map();
      for (const i of table.items) m.set(i.id, i);
      this.ids.set(table, m);
    }
    return m;
  }

  /** Key name → row, or undefined when the menu has no key property. */
  keyMap(table: MenuTable): Map<string, Row> | undefined {
    const key = table.spec.key;
    if (key === undefined) return undefined;
    let m = this.keys.get(table);
    if (m !== undefined) return m;
    if (this.interfaceKinds.has(table.spec.path)) {
      if (this.sharedKeys === undefined) {
        this.sharedKeys = new Map();
        for (const p of this.interfaceKinds) {
          const t = this.store.table(p);
          if (t === undefined || t.spec.key === undefined) continue;
          for (const item of t.items) this.indexKey(this.sharedKeys, t, item);
          this.keys.set(t, this.sharedKeys);
        }
      }
      return this.sharedKeys;
    }
    m = new Map();
    for (const item of table.items) this.indexKey(m, table, item);
    this.keys.set(table, m);
    return m;
  }

  private indexKey(m: Map<string, Row>, table: MenuTable, item: Item): void {
    const k = table.value(item, table.spec.key!);
    if (k !== undefined && k !== '' && !m.has(k)) m.set(k, { table, item });
  }

  /** One map per `unique` combination of the schema: joined values → item. */
  uniqueMaps(table: MenuTable): Map<string, Item>[] {
    let ms = this.uniques.get(table);
    if (ms === undefined) {
      ms = table.spec.unique.map(() => new Map<string, Item>());
      for (const item of table.items) {
        table.spec.unique.forEach((combo, k) => {
          const key = uniqueKey(combo, (p) => table.value(item, p));
          if (key !== undefined && !ms![k]!.has(key)) ms![k]!.set(key, item);
        });
      }
      this.uniques.set(table, ms);
    }
    return ms;
  }

  /** Record a new item (call after table.add). */
  added(table: MenuTable, item: Item): void {
    this.ids.get(table)?.set(item.id, item);
    this.indexAll(table, item);
  }

  /** Forget an item's keys before it changes or goes away. */
  unindex(table: MenuTable, item: Item): void {
    const key = table.spec.key;
    const km = this.keys.get(table);
    if (key !== undefined && km !== undefined) {
      const k = table.value(item, key);
      if (k !== undefined && km.get(k)?.item === item) km.delete(k);
    }
    const ms = this.uniques.get(table);
    if (ms !== undefined) {
      table.spec.unique.forEach((combo, n) => {
        const k = uniqueKey(combo, (p) => table.value(item, p));
        if (k !== undefined && ms[n]!.get(k) === item) ms[n]!.delete(k);
      });
    }
  }

  /** Index an item's keys again after a change. */
  reindex(table: MenuTable, item: Item): void {
    this.indexAll(table, item);
  }

  removed(table: MenuTable, item: Item): void {
    this.unindex(table, item);
    this.ids.get(table)?.delete(item.id);
  }

  private indexAll(table: MenuTable, item: Item): void {
    const km = this.keys.get(table);
    if (km !== undefined) this.indexKey(km, table, item);
    const ms = this.uniques.get(table);
    if (ms !== undefined) {
      table.spec.unique.forEach((combo, n) => {
        const k = uniqueKey(combo, (p) => table.value(item, p));
        if (k !== undefined && !ms[n]!.has(k)) ms[n]!.set(k, item);
      });
    }
  }
}

/** The index key of a `unique` combination; undefined when one of its properties has no value. */
export function uniqueKey(combo: readonly string[], get: (p: string) => string | undefined): string | undefined {
  if (combo.length === 1) return get(combo[0]!);
  let out = '';
  for (let k = 0; k < combo.length; k++) {
    const v = get(combo[k]!);
    if (v === undefined) return undefined;
    out += k === 0 ? v : '\u0000' + v;
  }
  return out;
}

// -------------------------------------------------------------------------------------------------------------
// Menu views

export class MenuView {
  constructor(
    readonly path: string,
    readonly tables: readonly MenuTable[],
    private readonly idx: Indexes,
  ) {}

  /** Rows in print order (the interface union: by id, as RouterOS lists `/interface`). */
  rows(): Row[] {
    if (this.tables.length === 1) {
      const t = this.tables[0]!;
      return t.items.map((item) => ({ table: t, item }));
    }
    const out: Row[] = [];
    for (const t of this.tables) for (const item of t.items) out.push({ table: t, item });
    return out.sort((a, b) => a.item.id - b.item.id);
  }

  count(): number {
    let n = 0;
    for (const t of this.tables) n += t.items.length;
    return n;
  }

  byId(id: number): Row | undefined {
    for (const t of this.tables) {
      const item = this.idx.idMap(t).get(id);
      if (item) return { table: t, item };
    }
    return undefined;
  }

  byKey(name: string): Row | undefined {
    for (const t of this.tables) {
      const r = this.idx.keyMap(t)?.get(name);
      if (r && this.tables.includes(r.table)) return r;
    }
    return undefined;
  }

  /** An item by print number, id or name; a message when there is none. */
  lookup(word: string): Row | string {
    const id = parseIdText(word);
    if (id !== undefined) return this.byId(id) ?? `no item with id ${word} in ${this.path}`;
    if (/^\d+$/.test(word)) {
      const n = Number(word);
      const r = this.tables.length === 1 ? this.byIndex(n) : this.rows()[n];
      if (r) return r;
      const count = this.count();
      return `no item number ${n} in ${this.path} (${count === 0 ? 'it has no items' : `numbers are 0..${count - 1}`})`;
    }
    const r = this.byKey(word);
    if (r) return r;
    const keyed = this.tables.some((t) => t.spec.key !== undefined);
    return keyed ? `no such item '${word}' in ${this.path}` : `'${word}' is not an item of ${this.path} (give a number, an id like *1A or [ find ... ])`;
  }

  private byIndex(n: number): Row | undefined {
    const t = this.tables[0]!;
    const item = t.items[n];
    return item ? { table: t, item } : undefined;
  }
}

// -------------------------------------------------------------------------------------------------------------
// `find` filters and `where`

/** A resolved `prop=value` filter of `find`. */
export interface Filter {
  readonly name: string;
  readonly value: string;
}

/** Does the row match every filter (values compared in canonical form)? */
export function matchesFilters(row: Row, filters: readonly Filter[]): boolean {
  for (const f of filters) {
    const have = readProp(row, f.name);
    if (have === f.value) continue;
    const p = propType(row.table, f.name);
    if (p && have !== undefined) {
      const c = canonical(p.type, f.value, true);
      if (c.ok && c.value === have) continue;
    }
    if (have === undefined && f.value === '') continue;
    return false;
  }
  return true;
}

interface WVal {
  readonly v: ScriptValue;
  /** Set when the value is a property of the item: compare in its type's canonical form. */
  readonly type?: ValueType;
  readonly text?: string;
}

/** Evaluate a bound `where` expression for one row. Unknown words are literals. */
export function whereMatches(expr: Expr, row: Row): boolean {
  return truthyW(evalWhere(expr, row));
}

function truthyW(w: WVal): boolean {
  if (w.type !== undefined) {
    if (w.type.t === 'bool') return w.text === 'yes';
    return w.text !== undefined && w.text !== '';
  }
  return truthy(w.v);
}

function evalWhere(e: Expr, row: Row): WVal {
  switch (e.kind) {
    case 'value': {
      const v = e.value;
      if (v.kind === 'word') {
        const p = propType(row.table, v.text);
        if (p || row.item.values.has(v.text)) {
          const text = readProp(row, v.text);
          return { v: text === undefined ? NOTHING : typedLiteral(text), type: p?.type ?? STR, ...(text !== undefined ? { text } : {}) };
        }
        return { v: typedLiteral(v.text) };
      }
      if (v.kind === 'quoted' && v.text !== undefined) return { v: str(v.text) };
      return { v: NOTHING };
    }
    case 'const':
      return { v: e.value as ScriptValue };
    case 'group':
      return evalWhere(e.expr, row);
    case 'unary': {
      const x = evalWhere(e.operand, row);
      if (e.op === '!' || e.op === 'not') return { v: { type: 'bool', value: !truthyW(x) } };
      return { v: NOTHING };
    }
    case 'binary':
      return { v: { type: 'bool', value: binary(e.op, e.left, e.right, row) } };
  }
}

function binary(op: string, l: Expr, r: Expr, row: Row): boolean {
  switch (op) {
    case '&&':
    case 'and':
      return truthyW(evalWhere(l, row)) && truthyW(evalWhere(r, row));
    case '||':
    case 'or':
      return truthyW(evalWhere(l, row)) || truthyW(evalWhere(r, row));
  }
  const a = evalWhere(l, row);
  // After a property (`chain=input`, `name=comment`), a bare word on the right is a literal value.
  const b = a.type !== undefined && r.kind === 'value' && r.value.kind === 'word' ? { v: typedLiteral(r.value.text), text: r.value.text } : evalWhere(r, row);
  switch (op) {
    case '=':
      return equalW(a, b);
    case '!=':
      return !equalW(a, b);
    case '<':
      return compare(a.v, b.v) < 0;
    case '>':
      return compare(a.v, b.v) > 0;
    case '<=':
      return compare(a.v, b.v) <= 0;
    case '>=':
      return compare(a.v, b.v) >= 0;
    case '~': {
      try {
        return new RegExp(toStr(b.v)).test(a.text ?? toStr(a.v));
      } catch {
        return false;
      }
    }
    case 'in':
      return inPrefix(a.text ?? toStr(a.v), toStr(b.v));
    default:
      return false;
  }
}

function equalW(a: WVal, b: WVal): boolean {
  if (a.type !== undefined && b.type === undefined) return equalTyped(a, b.text !== undefined ? str(b.text) : b.v);
  if (b.type !== undefined && a.type === undefined) return equalTyped(b, a.v);
  if (a.text !== undefined && b.text !== undefined) return a.text === b.text;
  return looseEquals(a.v, b.v);
}

function equalTyped(p: WVal, other: ScriptValue): boolean {
  const text = other.type === 'bool' ? (other.value ? 'yes' : 'no') : toStr(other);
  const have = p.text ?? '';
  if (have === text) return true;
  const c = canonical(p.type!, text, true);
  return c.ok && c.value === have;
}

/** `address in 10.0.0.0/8`: an address, prefix or range inside a prefix. */
function inPrefix(a: string, b: string): boolean {
  const outer = parseIpv4Prefix(b, { bareIsHost: true });
  if (!outer.ok) return false;
  const mask = ipv4Mask(outer.value.length);
  let from: number;
  let to: number;
  const ip = parseIpv4(a);
  if (ip.ok) from = to = ip.value;
  else {
    const p = parseIpv4Prefix(a);
    if (p.ok) {
      from = p.value.network;
      to = (p.value.network | ~ipv4Mask(p.value.length)) >>> 0;
    } else {
      const rg = parseIpv4Range(a);
      if (!rg.ok) return false;
      from = rg.value.from;
      to = rg.value.to;
    }
  }
  return ((from & mask) >>> 0) === outer.value.network && ((to & mask) >>> 0) === outer.value.network;
}
