/**
 * Menu schemas: what a RouterOS menu holds, declared as data.
 *
 * One file per menu (or per small family of menus) under control/menus/ exports a `MenuSpec` built with
 * `menu(...)`. The registry (registry.ts) collects them in RouterOS `/export` order. The config store, the
 * loader, `check`, `export`, the console and the APIs all read these declarations; none of them knows a menu
 * by heart.
 *
 * Values are kept as canonical text (what RouterOS prints). A `ValueType` says how to parse and
 * canonicalise a value written by a user (`1h` stays `1h`; `00:01:00` becomes `1m`; `yes` stays `yes`),
 * using control/routeros/values.ts. Compilers ([l2l3] and later) turn canonical text into dataplane tables.
 */

/** How a property's value is written and checked. */
export type ValueType =
  /** Free text (comments, names of things flowplane does not track). */
  | { readonly t: 'str' }
  /** yes/no. */
  | { readonly t: 'bool' }
  /** Integer in [min, max]; `hex`: RouterOS prints it in hex (`priority=0x8000`), either form is accepted. */
  | { readonly t: 'int'; readonly min?: number; readonly max?: number; readonly hex?: boolean }
  /** One of the listed words. */
  | { readonly t: 'enum'; readonly values: readonly string[] }
  /** Comma-separated subset of the listed words (connection-state=established,related; days=mon,tue). */
  | { readonly t: 'flags'; readonly values: readonly string[]; readonly negItems?: boolean }
  /** Time interval: `1d2h3m`, `500ms`, `00:01:00`, plain seconds. `none` allowed where `orNone`. */
  | { readonly t: 'time'; readonly orNone?: boolean }
  /** Bit rate: `10M`, `512k`, `0` (unlimited). */
  | { readonly t: 'rate' }
  /** `upload/download` rate pair (simple queues: max-limit=10M/5M). */
  | { readonly t: 'rate-pair' }
  /** Size in bytes: `50KiB`, `1MiB`, `1000`. */
  | { readonly t: 'size' }
  /** IPv4 address. */
  | { readonly t: 'ip4' }
  /** IPv4 prefix `a.b.c.d/len` (a bare address means /32 where `bareIsHost`). */
  | { readonly t: 'ip4-prefix'; readonly bareIsHost?: boolean }
  /** IPv4 address, prefix or range `a-b` (firewall src-address/dst-address). */
  | { readonly t: 'ip4-spec' }
  /** IPv6 address. */
  | { readonly t: 'ip6' }
  /** IPv6 prefix. */
  | { readonly t: 'ip6-prefix' }
  /** IPv6 address, prefix or range. */
  | { readonly t: 'ip6-spec' }
  /** An address-list entry: IPv4/IPv6 address, prefix, range, or a DNS name. */
  | { readonly t: 'address-entry' }
  /** MAC address `00:11:22:33:44:55`. */
  | { readonly t: 'mac' }
  /** Port list `80,443,8000-8080`. */
  | { readonly t: 'ports' }
  /** Integer range `n` or `n-m` (packet-size, tcp-mss, connection-bytes). */
  | { readonly t: 'int-range'; readonly min?: number; readonly max?: number }
  /**
   * The name of an item in another menu (`/interface`, `/interface list`, `/routing table`...). `also` lists
   * literal words accepted besides names (`all`, `none`, `main`, `dynamic`). Existence is checked after a
   * whole file is loaded, so forward references work as they do in an import.
   */
  | { readonly t: 'ref'; readonly menu: string; readonly also?: readonly string[] }
  /** A comma-separated list of values of one type (interface lists in `/tool sniffer`, addresses in dns). */
  | { readonly t: 'list'; readonly of: ValueType }
  /**
   * Text with a syntax of its own that a compiler checks (tcp-flags, icmp-options, limit, dst-limit,
   * per-connection-classifier, time, nth, psd, ttl, to-addresses ranges...). `pattern`, when given, is a
   * first check here so a typo gets file:line:col at load time.
   */
  | { readonly t: 'raw'; readonly pattern?: RegExp; readonly expect?: string }
  /** A password: stored as a salted hash (control/store/password.ts), hidden from exports and prints. */
  | { readonly t: 'password' };

export interface PropSpec {
  /** Property name as RouterOS prints it (`dst-address`). */
  readonly name: string;
  readonly type: ValueType;
  /** RouterOS default, as printed; absent = no default (the property is unset until given). */
  readonly default?: string;
  /** `add` fails without it. */
  readonly required?: boolean;
  /** Shown by print, never set by the user (`dynamic`, `running`, counters). */
  readonly readOnly?: boolean;
  /** The value may be written `!value` (firewall matchers): stored with the `!`. */
  readonly negatable?: boolean;
  /** One line for the console's `?` help. */
  readonly doc?: string;
}

export type MenuKind =
  /** Items are added and removed (`/ip address`, `/ip firewall filter`). */
  | 'list'
  /** One settings object, changed with `set` (`/ip settings`, `/system identity`). */
  | 'single'
  /** Items exist by themselves and are only `set` (`/interface ethernet`: ether1..N). */
  | 'fixed';

/** Whether an item passes the checks that involve several properties; returns error messages. */
export type ItemCheck = (get: (prop: string) => string | undefined) => string[];

/**
 * A property RouterOS computes from others when it is not given (`/ip address network` from `address`):
 * filled on `add`, and recomputed on `set` when one of `from` changes and the command does not set `prop`.
 */
export interface DerivedProp {
  readonly prop: string;
  readonly from: readonly string[];
  /** The value from the item's explicit values (canonical text), or undefined to leave it unset. */
  readonly compute: (get: (prop: string) => string | undefined) => string | undefined;
}

export interface MenuSpec {
  /** Menu path as RouterOS prints it in exports: `/ip firewall filter`. */
  readonly path: string;
  readonly kind: MenuKind;
  /** Item order is meaningful: `move`, `place-before` (firewall rules, simple queues, routing rules). */
  readonly ordered: boolean;
  /** Property that names an item, for `[ find name=x ]`, `set x ...` and references from other menus. */
  readonly key?: string;
  /** Properties, including the common `disabled` and `comment` of list menus (added by `menu()`). */
  readonly props: readonly PropSpec[];
  /** Columns of `print` (table form), in order. Defaults to the key and the first few properties. */
  readonly columns: readonly string[];
  /** Combinations that must be unique among items (e.g. [['list', 'address']] for address lists). */
  readonly unique: readonly (readonly string[])[];
  /** Cross-property checks run on add and set. */
  readonly check?: ItemCheck;
  /** Properties computed from others when not given. */
  readonly derived: readonly DerivedProp[];
  /** For 'fixed' menus: the items that exist before any config (ether1..ether8 by default-name). */
  readonly fixedItems?: (count: number) => Array<Record<string, string>>;
  /** Property that fixed items are selected by in exports: `set [ find default-name=ether1 ] ...`. */
  readonly fixedKey?: string;
  /** Extra verbs this menu accepts beyond the standard ones (e.g. `reset-counters`, `start`, `stop`). */
  readonly verbs: readonly string[];
  /** One line for the console's `?` help. */
  readonly doc?: string;
  /**
   * Rows the running router makes (control/store/live.ts): `table` — every row is the dataplane's (`/ip
   * firewall connection`; only LIVE_VERBS, no configuration); `dynamic` — learned entries shown beside the
   * configured ones as dynamic items (`/ip arp`, `/interface bridge host`), which `remove` may drop.
   */
  readonly live?: 'table' | 'dynamic';
  /** Flags `print` shows for this menu instead of disabled/dynamic: a letter per yes/no property, legend order. */
  readonly flags?: readonly FlagSpec[];
}

/** A print flag (`S - SEEN-REPLY`): shown when the boolean property is `yes`; `group` joins legends with `; `. */
export interface FlagSpec {
  readonly letter: string;
  readonly prop: string;
  readonly group: number;
}

/** Verbs of a `live: 'table'` menu: nothing in it is configuration. */
export const LIVE_VERBS = ['remove', 'print', 'export', 'find', 'get'] as const;

/** Standard verbs every menu understands (by kind: list menus add/remove/move; all set/print/export...). */
export const LIST_VERBS = ['add', 'set', 'remove', 'enable', 'disable', 'comment', 'move', 'print', 'export', 'find', 'get', 'edit', 'unset', 'reset'] as const;
export const SINGLE_VERBS = ['set', 'print', 'export', 'get', 'edit', 'unset', 'reset'] as const;
export const FIXED_VERBS = ['set', 'enable', 'disable', 'comment', 'print', 'export', 'find', 'get', 'edit', 'unset', 'reset'] as const;

export interface MenuInit {
  path: string;
  kind?: MenuKind;
  ordered?: boolean;
  key?: string;
  props: PropSpec[];
  columns?: string[];
  unique?: string[][];
  check?: ItemCheck;
  derived?: DerivedProp[];
  fixedItems?: (count: number) => Array<Record<string, string>>;
  fixedKey?: string;
  verbs?: string[];
  doc?: string;
  /** Leave out the common `disabled`/`comment` properties (menus that have neither, e.g. settings). */
  noCommon?: boolean;
  live?: 'table' | 'dynamic';
  flags?: FlagSpec[];
}

const COMMON: PropSpec[] = [
  { name: 'disabled', type: { t: 'bool' }, default: 'no', doc: 'whether the item is ignored' },
  { name: 'comment', type: { t: 'str' }, doc: 'free-form description' },
];

/** Build a MenuSpec with the defaults filled in (list kind, unordered, common properties for list menus). */
export function menu(init: MenuInit): MenuSpec {
  const kind = init.kind ?? 'list';
  const names = new Set(init.props.map((p) => p.name));
  if (names.size !== init.props.length) throw new Error(`${init.path}: duplicate property names`);
  const common = init.noCommon || kind === 'single' ? [] : COMMON.filter((c) => !names.has(c.name));
  const props = [...init.props, ...common];
  const spec: MenuSpec = {
    path: init.path,
    kind,
    ordered: init.ordered ?? false,
    props,
    columns: init.columns ?? [...(init.key ? [init.key] : []), ...init.props.filter((p) => p.name !== init.key && !p.readOnly).slice(0, 4).map((p) => p.name)],
    unique: init.unique ?? [],
    derived: init.derived ?? [],
    verbs: init.verbs ?? [],
    ...(init.key !== undefined ? { key: init.key } : {}),
    ...(init.check !== undefined ? { check: init.check } : {}),
    ...(init.fixedItems !== undefined ? { fixedItems: init.fixedItems } : {}),
    ...(init.fixedKey !== undefined ? { fixedKey: init.fixedKey } : {}),
    ...(init.doc !== undefined ? { doc: init.doc } : {}),
    ...(init.live !== undefined ? { live: init.live } : {}),
    ...(init.flags !== undefined ? { flags: init.flags } : {}),
  };
  return spec;
}

// Small constructors that keep schema files short and readable.
export const str = (): ValueType => ({ t: 'str' });
export const bool = (): ValueType => ({ t: 'bool' });
export const int = (min?: number, max?: number): ValueType => ({ t: 'int', ...(min !== undefined ? { min } : {}), ...(max !== undefined ? { max } : {}) });
export const intHex = (min?: number, max?: number): ValueType => ({ t: 'int', hex: true, ...(min !== undefined ? { min } : {}), ...(max !== undefined ? { max } : {}) });
export const oneOf = (...values: string[]): ValueType => ({ t: 'enum', values });
export const flags = (...values: string[]): ValueType => ({ t: 'flags', values });
export const time = (orNone = false): ValueType => ({ t: 'time', orNone });
export const ref = (menuPath: string, ...also: string[]): ValueType => ({ t: 'ref', menu: menuPath, also });
export const raw = (pattern?: RegExp, expect?: string): ValueType => ({ t: 'raw', ...(pattern ? { pattern } : {}), ...(expect ? { expect } : {}) });
