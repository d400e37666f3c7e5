/**
 * Checks across menus, run after a whole load (or a console command), so forward references work as in a
 * RouterOS import of an export (where `/ip firewall filter` may name a list that `/interface list` defines
 * further down only in hand-written files).
 *
 * Errors:
 * - a `ref` property names an item of its menu (`/interface`: any interface kind, or an interface that an
 *   unsupported menu such as `/interface wireguard` creates), or one of the schema's `also` words;
 * - a firewall `jump-target` names a chain that some rule of the same table uses (or a built-in chain);
 * - a route's `routing-table` (and `/routing rule table=`, mangle `new-routing-mark=`) is in `/routing table`,
 *   is a VRF (each VRF has a table of its name) or `main`, whatever type the schema gives those properties.
 *
 * Warnings (legal in RouterOS, but likely mistakes):
 * - a firewall rule matches an address list that nothing fills (no static entry, no `add-*-to-address-list`
 *   rule), and a list whose name differs only in case exists: RouterOS list names are case-sensitive
 *   (`Bogons` is not `bogons`), so the rule matches nothing.
 *
 * Errors point at the property (`Item.propOrigins`, recorded by the executor for the properties checked
 * here), else at the item.
 */
import { type MenuRegistry, INTERFACE_KINDS } from '../menus/registry';
import type { MenuSpec, PropSpec, ValueType } from '../menus/schema';
import { ConfigError } from '../routeros/errors';
import { parseScript } from '../routeros/parser';
import type { Selector } from '../routeros/ast';
import { staticText } from '../routeros/ast';
import { closest } from './paths';
import type { ConfigStore, Item, MenuTable, Origin } from './store';

/** Properties checked by name whatever their schema type. */
const NAMED_CHECKS = new Set(['jump-target', 'routing-table', 'table', 'new-routing-mark', 'src-address-list', 'dst-address-list']);

/** Does validation read this property (so the executor keeps where its value was written)? */
export function needsOrigin(prop: PropSpec): boolean {
  return isRef(prop.type) || NAMED_CHECKS.has(prop.name);
}

function isRef(t: ValueType): boolean {
  return t.t === 'ref' || (t.t === 'list' && t.of.t === 'ref');
}

/** Chains that exist without a rule naming them. */
const BUILTIN_CHAINS: Readonly<Record<string, readonly string[]>> = {
  filter: ['input', 'forward', 'output'],
  nat: ['srcnat', 'dstnat', 'input', 'output'],
  mangle: ['prerouting', 'input', 'forward', 'output', 'postrouting'],
  raw: ['prerouting', 'output'],
};

/** Properties naming a routing table, by menu. */
const ROUTING_TABLE_PROPS: Readonly<Record<string, string>> = {
  '/ip route': 'routing-table',
  '/ipv6 route': 'routing-table',
  '/routing rule': 'table',
  '/ip firewall mangle': 'new-routing-mark',
  '/ipv6 firewall mangle': 'new-routing-mark',
};

export interface Validation {
  readonly errors: ConfigError[];
  readonly warnings: ConfigError[];
}

/** Check every static item of the store. */
export interface ValidateOptions {
  /**
   * The config is a fragment meant for a router configured elsewhere (a firewall snippet naming the
   * `LAN`/`WAN` lists of the router's default configuration): names it does not define are warnings that
   * say so, not errors. A full import on RouterOS would reject them.
   */
  fragment?: boolean;
}

export function validateStore(store: ConfigStore, registry: MenuRegistry, opts: ValidateOptions = {}): Validation {
  return new Validator(store, registry, opts.fragment === true).run();
}

/**
 * The per-item checks for items just added to `table` (an `add` through the API): adding an item can only
 * break its own references, never another item's, so checking it alone is checking the store.
 */
export function validateItems(store: ConfigStore, registry: MenuRegistry, table: MenuTable, items: readonly Item[]): Validation {
  return new Validator(store, registry, false).runItems(table, items);
}

/** Suffix of the warning a dangling name gets in fragment mode. */
export const FRAGMENT_NOTE = 'assumed to exist on the router this fragment is for';

class Validator {
  readonly errors: ConfigError[] = [];
  readonly warnings: ConfigError[] = [];
  private readonly names = new Map<string, Set<string>>();
  private interfaceNames: Set<string> | undefined;

  constructor(
    private readonly store: ConfigStore,
    readonly registry: MenuRegistry,
    private readonly fragment: boolean,
  ) {}

  run(): Validation {
    for (const table of this.store.tables.values()) this.checkTable(table, table.items);
    return { errors: this.errors, warnings: this.warnings };
  }

  /** The per-item checks on some items of one table (those of a command that only added items). */
  runItems(table: MenuTable, items: readonly Item[]): Validation {
    this.checkTable(table, items);
    return { errors: this.errors, warnings: this.warnings };
  }

  private checkTable(table: MenuTable, items: readonly Item[]): void {
    {
      const spec = table.spec;
      const refProps = spec.props.filter((p) => isRef(p.type));
      const rtProp = ROUTING_TABLE_PROPS[spec.path];
      const rt = rtProp !== undefined ? table.prop(rtProp) : undefined;
      const checkRt = rt !== undefined && !isRef(rt.type) && this.store.table('/routing table') !== undefined;
      const chains = table.prop('jump-target') && table.prop('chain') ? this.chainsOf(table) : undefined;
      const listProps = this.addressListProps(spec);
      if (refProps.length === 0 && !checkRt && chains === undefined && listProps.length === 0) return;
      for (const item of items) {
        if (item.dynamic) continue;
        for (const p of refProps) this.checkRef(item, p);
        if (checkRt) this.checkRoutingTable(table, item, rt!);
        if (chains !== undefined) this.checkJump(table, item, chains);
        for (const p of listProps) this.checkAddressList(table, item, p);
      }
    }
  }

  private at(item: Item, prop: string): Origin | undefined {
    return item.propOrigins?.get(prop) ?? item.origin;
  }

  /** A name the config refers to but does not define: an error, or in fragment mode a warning. */
  private dangling(item: Item, prop: string, message: string): void {
    if (this.fragment) this.report(item, prop, `${message}: ${FRAGMENT_NOTE}`, 'warning');
    else this.report(item, prop, message);
  }

  private report(item: Item, prop: string, message: string, severity: 'error' | 'warning' = 'error'): void {
    const o = this.at(item, prop);
    if (o === undefined) return; // made by the router itself: nothing to point at
    (severity === 'error' ? this.errors : this.warnings).push(new ConfigError(o.file, o.line, o.col, message, severity));
  }

  // -----------------------------------------------------------------------------------------------------------
  // References by name

  private checkRef(item: Item, p: PropSpec): void {
    const raw = item.values.get(p.name);
    if (raw === undefined || raw === '') return;
    const type = p.type.t === 'list' ? p.type.of : p.type;
    if (type.t !== 'ref') return;
    const known = this.namesOf(type.menu);
    if (known === undefined) return; // target not modelled: cannot check
    const words = p.type.t === 'list' ? raw.split(',') : [raw];
    for (let w of words) {
      if (p.negatable && w.startsWith('!')) w = w.slice(1);
      if (w === '' || known.has(w) || type.also?.includes(w)) continue;
      const what = type.menu === '/interface' ? 'interface' : `item of ${type.menu}`;
      const hint = closest(w, [...known, ...(type.also ?? [])]);
      this.dangling(item, p.name, `${p.name}=${w}: no ${what} named '${w}'${hint !== undefined ? ` (did you mean ${hint}?)` : ''}`);
    }
  }

  /** Names items of a menu go by (its key property), or undefined when they cannot be known. */
  private namesOf(menu: string): Set<string> | undefined {
    if (menu === '/interface') return this.interfaces();
    let s = this.names.get(menu);
    if (s !== undefined) return s;
    const t = this.store.table(menu);
    const key = t?.spec.key;
    if (t === undefined || key === undefined) return undefined;
    s = new Set();
    for (const item of t.items) {
      const k = t.value(item, key);
      if (k !== undefined) s.add(k);
    }
    // Each VRF has a routing table of its name (RouterOS v7).
    if (menu === '/routing table') for (const n of this.namesOf('/ip vrf') ?? []) s.add(n);
    this.names.set(menu, s);
    return s;
  }

  private interfaces(): Set<string> | undefined {
    if (this.interfaceNames !== undefined) return this.interfaceNames;
    const s = new Set<string>();
    let any = false;
    for (const p of INTERFACE_KINDS) {
      const t = this.store.table(p);
      const key = t?.spec.key;
      if (t === undefined || key === undefined) continue;
      any = true;
      for (const item of t.items) {
        const k = t.value(item, key);
        if (k !== undefined) s.add(k);
      }
    }
    if (!any) return undefined;
    for (const n of unsupportedInterfaceNames(this.store)) s.add(n);
    this.interfaceNames = s;
    return s;
  }

  private checkRoutingTable(table: MenuTable, item: Item, p: PropSpec): void {
    const v = item.values.get(p.name);
    if (v === undefined || v === '' || v === 'main') return;
    if (p.name === 'new-routing-mark' && table.value(item, 'action') !== 'mark-routing') return;
    const known = this.namesOf('/routing table');
    if (known === undefined || known.has(v)) return;
    const hint = closest(v, [...known, 'main']);
    this.dangling(item, p.name, `${p.name}=${v}: no routing table named '${v}' (add it in /routing table first${hint !== undefined ? `, or did you mean ${hint}?` : ''})`);
  }

  // -----------------------------------------------------------------------------------------------------------
  // Firewall chains and address lists

  private chainsOf(table: MenuTable): Set<string> {
    const last = table.spec.path.slice(table.spec.path.lastIndexOf(' ') + 1);
    const s = new Set(BUILTIN_CHAINS[last] ?? []);
    for (const item of table.items) {
      const c = table.value(item, 'chain');
      if (c !== undefined) s.add(c);
    }
    return s;
  }

  private checkJump(table: MenuTable, item: Item, chains: Set<string>): void {
    const v = item.values.get('jump-target');
    if (v === undefined || v === '' || chains.has(v)) return;
    if (table.value(item, 'action') !== undefined && table.value(item, 'action') !== 'jump') return;
    if (table.disabled(item)) return; // a disabled jump goes nowhere; RouterOS makes chains by naming them
    const hint = closest(v, [...chains]);
    this.report(item, 'jump-target', `jump-target=${v}: no rule in ${table.spec.path} has chain=${v}${hint !== undefined ? ` (did you mean ${hint}?)` : ''}`);
  }

  private addressListProps(spec: MenuSpec): PropSpec[] {
    if (!/^\/(ip|ipv6) firewall (filter|nat|mangle|raw)$/.test(spec.path)) return [];
    return spec.props.filter((p) => p.name === 'src-address-list' || p.name === 'dst-address-list');
  }

  private readonly lists = new Map<string, Set<string>>();

  /** Address lists that something fills: static entries and rules that add to lists. */
  private listsOf(family: string): Set<string> {
    let s = this.lists.get(family);
    if (s !== undefined) return s;
    s = new Set();
    const entries = this.store.table(`${family} firewall address-list`);
    if (entries) for (const item of entries.items) {
      const l = entries.value(item, 'list');
      if (l !== undefined) s.add(l);
    }
    for (const t of ['filter', 'nat', 'mangle', 'raw']) {
      const table = this.store.table(`${family} firewall ${t}`);
      if (!table) continue;
      for (const item of table.items) {
        const l = table.value(item, 'address-list');
        if (l !== undefined) s.add(l);
      }
    }
    this.lists.set(family, s);
    return s;
  }

  private checkAddressList(table: MenuTable, item: Item, p: PropSpec): void {
    let v = item.values.get(p.name);
    if (v === undefined || v === '') return;
    if (v.startsWith('!')) v = v.slice(1);
    const family = table.spec.path.startsWith('/ipv6') ? '/ipv6' : '/ip';
    const lists = this.listsOf(family);
    if (lists.has(v)) return;
    const lower = v.toLowerCase();
    const other = [...lists].find((l) => l.toLowerCase() === lower);
    if (other === undefined) return; // may be filled by scripts, DNS or other routers' rules: not reported
    this.report(
      item,
      p.name,
      `${p.name}=${v}: no address list '${v}' exists, but '${other}' does (list names are case-sensitive, so this rule matches nothing)`,
      'warning',
    );
  }
}

/**
 * Interface names that commands in unsupported `/interface ...` menus create or configure
 * (`/interface wireguard add name=wg0`, `/interface wireless set [ find default-name=wlan1 ] ...`), so
 * references to them are not reported as missing.
 */
export function unsupportedInterfaceNames(store: ConfigStore): Set<string> {
  const out = new Set<string>();
  for (const u of store.unsupported) {
    if (!u.menu.startsWith('/interface ')) continue;
    const s = parseScript(u.text, u.origin.file);
    for (const st of s.statements) {
      if (st.kind !== 'command') continue;
      for (const p of st.props) if (p.name === 'name' && p.value) addText(out, staticText(p.value));
      addSelector(out, st.selector);
    }
  }
  return out;
}

function addText(out: Set<string>, t: string | undefined): void {
  if (t !== undefined && t !== '') out.add(t);
}

function addSelector(out: Set<string>, sel: Selector | undefined): void {
  if (sel === undefined) return;
  if (sel.kind === 'items') {
    const t = staticText(sel.value);
    if (t !== undefined && !/^(\d+|\*[0-9A-Fa-f]+)$/.test(t)) for (const w of t.split(',')) addText(out, w);
  } else if (sel.kind === 'find') {
    for (const p of sel.find.props) if ((p.name === 'name' || p.name === 'default-name') && p.value) addText(out, staticText(p.value));
  }
}
