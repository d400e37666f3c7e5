/**
 * Route resolution: `/ip address`, `/ip route`, `/routing table`, `/routing rule` and `/ip vrf` → the active
 * IPv4 routes of every table, laid out for the dataplane FIB, plus what `/ip route print` needs to say
 * which routes are active and why the others are not.
 *
 * A pure function of the configuration and the interfaces' running state: nothing global, nothing kept.
 * Control plane only; the dataplane builds its FIB from the flat arrays of each table (prefix, length,
 * next-hop group id) and reads next-hop groups from one shared table (control/compile/nexthops.ts).
 *
 * The semantics (RouterOS v7, with the Linux kernel's behaviour where RouterOS documents none) are listed
 * in control/compile/README.md; the short version:
 *
 * - Connected routes: one per enabled address (network/len, or the peer `network=` of a /32), distance 0,
 *   scope 10, gateway = the actual interface (the bridge for a bridge port), pref-src = the address, in the
 *   table of the interface's VRF; active while the interface runs. Local addresses and subnet broadcasts
 *   go to a per-VRF local table.
 * - Static routes: distance (default 1), scope (30), target-scope (10); gateways `IP` (resolved recursively
 *   in main, or in `@table`, through reachable routes whose scope ≤ target-scope: longest prefix, then
 *   lowest distance), `IP%iface` (on that interface, no recursion), `iface` (on-link), a VRF name (look the
 *   destination up in that VRF's table), several = ECMP; `blackhole` and v6 `type=` drop/reject kinds.
 * - Per table and prefix the reachable route with the lowest distance wins; routes with a gateway at that
 *   distance merge into one ECMP group. Unreachable routes stay, inactive, with the reason.
 */
import { formatIpv4, formatIpv4Prefix, ipv4Mask, parseIpv4, parseIpv4Prefix } from '../routeros/values';
import type { ConfigStore } from '../store/store';
import { idText } from '../store/store';
import { type InterfaceIndex, indexInterfaces, runningInterfaces, whyNoInterface } from './interfaces';
import { ECMP_MAX_HOPS, type NextHop, type NextHopTable, NextHopTableBuilder } from './nexthops';

export { ECMP_MAX_HOPS, NH_KIND, type NextHop, type NextHopGroup, type NextHopKind, type NextHopTable } from './nexthops';
export type { InterfaceIndex } from './interfaces';

// ---------------------------------------------------------------------------------------------------------
// API

/** Running state the compiler cannot read from the configuration. */
export interface RouteState {
  /** Link state of an interface by name (default: every interface up). */
  interfaceUp?: (name: string) => boolean;
  /**
   * Result of `check-gateway` probing for a gateway address (dotted) reached over `iface`. Asked only for
   * routes with `check-gateway` set, and only when given (default: every gateway answers). The probes
   * themselves (ARP/ping every 10 s, two misses) are not built yet.
   */
  gatewayReachable?: (gateway: string, iface: string) => boolean;
}

export type RouteKind = 'forward' | 'blackhole' | 'unreachable' | 'prohibit' | 'lookup';

/** Where a route comes from. */
export type RouteOrigin =
  /** An `/ip route` item (`id` = `*N`). */
  | { readonly kind: 'static'; readonly id: string }
  /** A dynamic `/ip route` item the router made (DHCP and the like), not a connected route. */
  | { readonly kind: 'dynamic'; readonly id: string }
  /** The connected route of an `/ip address` item (`address` = its id). */
  | { readonly kind: 'connected'; readonly address: string };

export type GatewayForm = 'address' | 'interface' | 'address%interface' | 'vrf';

export interface GatewayState {
  /** The gateway as written (`10.0.0.1`, `ether1`, `10.0.0.1%ether1`, `10.0.0.1@main`, `vrf1`). */
  readonly text: string;
  readonly form: GatewayForm;
  /** Table an address gateway is resolved in, or the VRF of a VRF gateway. */
  readonly table?: string;
  readonly reachable: boolean;
  /** Immediate next hops this gateway gives (empty when unreachable). */
  readonly hops: readonly NextHop[];
  /** How it resolved (`via 10.0.0.0/24 in main (connected *1)`), or why it did not. */
  readonly note: string;
}

export interface RouteEntry {
  readonly table: string;
  /** Destination network (uint32, host bits clear) and prefix length. */
  readonly dst: number;
  readonly length: number;
  readonly origin: RouteOrigin;
  readonly comment?: string;
  readonly kind: RouteKind;
  /** `gateway` as RouterOS prints it (the interface name for connected routes, empty for blackholes). */
  readonly gateway: string;
  readonly distance: number;
  readonly scope: number;
  readonly targetScope: number;
  /** pref-src (uint32; connected routes: the address), 0 = none. */
  readonly prefSrc: number;
  /** check-gateway as configured (empty = none). */
  readonly checkGateway: string;
  /** Per configured gateway: how it resolved. */
  readonly gateways: readonly GatewayState[];
  /** Immediate next hops of the route (all reachable gateways, at most ECMP_MAX_HOPS). */
  readonly hops: readonly NextHop[];
  /** Kind 'lookup': the table the destination is looked up in next. */
  readonly lookupTable?: string;
  /** Connected routes: `address%interface`. */
  readonly localAddress?: string;
  /** Has a usable next hop (or needs none): a candidate for selection. */
  readonly reachable: boolean;
  /** Selected for its prefix (flag A). In a table without `fib` this is RIB state only. */
  readonly active: boolean;
  /** Active and sharing its prefix's group with other hops (flag +). */
  readonly ecmp: boolean;
  /** Next-hop group of the prefix while active, else 0. */
  readonly nextHop: number;
  /** Why the route is not active. */
  readonly reason?: string;
}

export type TableKind = 'main' | 'table' | 'vrf';

/** FIB arrays: parallel, sorted by (prefix, length), one entry per active prefix. */
export interface FibArrays {
  readonly prefixes: Uint32Array;
  readonly lengths: Uint8Array;
  /** Next-hop group ids (≥ 1). */
  readonly nextHops: Uint32Array;
}

export interface RouteTable extends FibArrays {
  readonly name: string;
  /** Position in `RouteTables.tables` (tables sorted by name): what rules, marks and groups refer to. */
  readonly index: number;
  readonly kind: TableKind;
  /**
   * Routes are installed for forwarding (`/routing table ... fib`; main and VRF tables always). A table
   * without it keeps its routes (and their active state) but its FIB arrays are empty: a lookup in it
   * finds nothing, as in RouterOS where such a table only feeds routing protocols.
   */
  readonly fib: boolean;
  /** Made implicitly by a v6-style `routing-mark=` on a route (RouterOS v6 created tables that way). */
  readonly implicit: boolean;
  /** Index in `routes` of the route that decided each FIB entry (the first of an ECMP set): for traces. */
  readonly routeIndex: Uint32Array;
  /** Every route of the table, active or not, sorted by (prefix, length, distance, origin). */
  readonly routes: readonly RouteEntry[];
}

export interface LocalEntry {
  readonly address: number;
  readonly kind: 'local' | 'broadcast';
  readonly ifIndex: number;
  /** The `/ip address` item. */
  readonly origin: string;
}

/** What is "to the router" in one VRF: its addresses (kind local) and subnet broadcasts, as /32 FIB arrays. */
export interface LocalTable extends FibArrays {
  /** VRF name (`main` for interfaces in no VRF). */
  readonly vrf: string;
  /** Index of the VRF's route table. */
  readonly table: number;
  readonly entries: readonly LocalEntry[];
}

export type RuleAction = 'lookup' | 'lookup-only-in-table' | 'drop' | 'unreachable';

/** One `/routing rule`, in rule order. Absent matchers match everything. */
export interface CompiledRule {
  readonly id: string;
  readonly comment?: string;
  /** Routing decision chain (default `user`; see DEFAULT_POLICY_RULES). */
  readonly chain: string;
  readonly srcNetwork: number;
  /** -1 = any source. */
  readonly srcLength: number;
  readonly dstNetwork: number;
  /** -1 = any destination. */
  readonly dstLength: number;
  /** Table index named by routing-mark=, -1 = any (marked or not). */
  readonly routingMark: number;
  /** Incoming interface index, -1 = any. */
  readonly ifIndex: number;
  /** Action ('mangle' and unknown actions make the rule inactive). */
  readonly action: RuleAction;
  /** Table index to look up, -1 for drop/unreachable. */
  readonly table: number;
  /** min-prefix: hide routes with prefix length ≤ N (Linux suppress_prefixlength), -1 = none. */
  readonly minPrefix: number;
  /** Usable: all names resolve. Inactive rules never match (flag I). */
  readonly active: boolean;
  readonly reason?: string;
}

export interface RouteTables {
  readonly interfaces: InterfaceIndex;
  /** Running state by interface index (1 = running), as the routes were computed with it. */
  readonly running: Uint8Array;
  /** Tables sorted by name. */
  readonly tables: readonly RouteTable[];
  readonly byName: ReadonlyMap<string, RouteTable>;
  /** Table index of the VRF each interface belongs to (main's index when none). */
  readonly vrfOfInterface: Int32Array;
  /** Local tables: main and each enabled VRF, sorted by name. */
  readonly locals: readonly LocalTable[];
  readonly nextHops: NextHopTable;
  /** `/routing rule` items (enabled ones), in order. */
  readonly rules: readonly CompiledRule[];
}

/**
 * RouterOS's routing decision order (`/routing settings policy-rules` default): the mangle routing mark's
 * table, the in-interface's VRF table, reject when that lookup failed, local delivery, user rules, main.
 */
export const DEFAULT_POLICY_RULES: readonly string[] = ['mangle', 'vrf-lookup', 'vrf-unreach', 'local', 'user', 'main'];

/** Default target-scope cap: RouterOS fixes a nexthop scope of 255 to 254. */
const MAX_TARGET_SCOPE = 254;

// ---------------------------------------------------------------------------------------------------------
// Working state

interface GatewaySpec {
  readonly text: string;
  readonly address?: number;
  readonly iface?: string;
  readonly table?: string;
  /** The name part (no `%`, not an address): an interface or a VRF. */
  readonly name?: string;
}

interface Work {
  readonly table: string;
  readonly dst: number;
  readonly length: number;
  readonly origin: RouteOrigin;
  /** Order among routes: connected (address order) first, then `/ip route` order. */
  readonly rank: number;
  readonly comment?: string;
  kind: RouteKind;
  readonly gatewayText: string;
  readonly distance: number;
  readonly scope: number;
  readonly targetScope: number;
  /** Scope used for resolution order and eligibility (RouterOS raises it above target-scope). */
  readonly effScope: number;
  readonly prefSrc: number;
  readonly checkGateway: string;
  readonly specs: readonly GatewaySpec[];
  gateways: GatewayState[];
  hops: NextHop[];
  lookupTable?: string;
  localAddress?: string;
  reachable: boolean;
  /** A configuration problem that keeps the route out of selection (unknown table, no gateway...). */
  problem?: string;
  active: boolean;
  ecmp: boolean;
  nextHop: number;
  reason?: string;
}

interface TableInfo {
  readonly name: string;
  readonly kind: TableKind;
  readonly fib: boolean;
  readonly implicit: boolean;
}

interface LocalWork extends LocalEntry {
  readonly vrf: string;
}

const num = (text: string | undefined, dflt: number): number => {
  const n = text === undefined ? NaN : Number(text);
  return Number.isFinite(n) ? n : dflt;
};

const prefixText = (w: { dst: number; length: number }) => formatIpv4Prefix({ address: w.dst, length: w.length });

function describeOrigin(o: RouteOrigin): string {
  return o.kind === 'connected' ? `connected (address ${o.address})` : o.id;
}

function hopText(h: NextHop, ifaces: InterfaceIndex): string {
  const name = ifaces.names[h.ifIndex] ?? `#${h.ifIndex}`;
  return h.gateway === 0 ? name : `${formatIpv4(h.gateway)}%${name}`;
}

/** Length of a contiguous netmask, or undefined. */
function maskLength(mask: number): number | undefined {
  for (let len = 0; len <= 32; len++) if (ipv4Mask(len) === mask >>> 0) return len;
  return undefined;
}

/** `10.0.0.1`, `ether1`, `10.0.0.1%ether1`, any of them `@table`. */
function parseGateway(text: string): GatewaySpec {
  const at = text.lastIndexOf('@');
  const table = at > 0 ? text.slice(at + 1) : undefined;
  const body = at > 0 ? text.slice(0, at) : text;
  const pct = body.indexOf('%');
  const head = pct >= 0 ? body.slice(0, pct) : body;
  const iface = pct >= 0 ? body.slice(pct + 1) : undefined;
  const addr = parseIpv4(head);
  const spec: { text: string; address?: number; iface?: string; table?: string; name?: string } = { text };
  if (table !== undefined && table !== '') spec.table = table;
  if (addr.ok) {
    spec.address = addr.value;
    if (iface !== undefined) spec.iface = iface;
  } else {
    spec.name = body;
  }
  return spec;
}

// ---------------------------------------------------------------------------------------------------------
// The compiler

/** Compile the routing configuration of `store` (see the module comment and control/compile/README.md). */
export function compileRoutes(store: ConfigStore, state: RouteState = {}): RouteTables {
  const ifaces = indexInterfaces(store);
  const running = runningInterfaces(ifaces, state.interfaceUp);

  // Tables: main, /routing table, /ip vrf (each VRF has a table of its name).
  const tables = new Map<string, TableInfo>([['main', { name: 'main', kind: 'main', fib: true, implicit: false }]]);
  const disabledTables = new Set<string>();
  const rtab = store.table('/routing table');
  for (const item of rtab?.items ?? []) {
    const name = rtab!.value(item, 'name');
    if (name === undefined || name === 'main') continue;
    if (rtab!.disabled(item)) disabledTables.add(name);
    else tables.set(name, { name, kind: 'table', fib: rtab!.value(item, 'fib') === 'yes', implicit: false });
  }
  const vrfTable = store.table('/ip vrf');
  const vrfOf = new Array<string>(ifaces.names.length).fill('main');
  const vrfNames: string[] = [];
  const claimed = new Uint8Array(ifaces.names.length);
  for (const item of vrfTable?.items ?? []) {
    const name = vrfTable!.value(item, 'name');
    if (name === undefined || name === 'main') continue;
    if (vrfTable!.disabled(item)) {
      if (!tables.has(name)) disabledTables.add(name);
      continue;
    }
    disabledTables.delete(name);
    tables.set(name, { name, kind: 'vrf', fib: true, implicit: false });
    vrfNames.push(name);
    // First VRF listing an interface takes it (RouterOS matches VRFs top-down).
    for (const ifName of (vrfTable!.value(item, 'interfaces') ?? '').split(',')) {
      const i = ifaces.byName.get(ifName);
      if (i !== undefined && claimed[i] === 0) {
        claimed[i] = 1;
        vrfOf[i] = name;
      }
    }
  }
  const vrfSet = new Set(vrfNames);

  const works: Work[] = [];
  const locals: LocalWork[] = [];
  addConnected(store, ifaces, running, vrfOf, works, locals);
  addStatic(store, tables, disabledTables, works);

  resolveAll(works, tables, ifaces, running, vrfSet, state);
  const groups = selectRoutes(works);

  // Output: tables by name, groups interned in table / prefix order.
  const names = [...tables.keys()].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const tableIndex = new Map(names.map((n, i) => [n, i]));
  const nh = new NextHopTableBuilder();
  const byTable = new Map<string, Work[]>(names.map((n) => [n, []]));
  const groupsByTable = new Map<string, FibGroup[]>();
  for (const g of groups) {
    const list = groupsByTable.get(g.table);
    if (list === undefined) groupsByTable.set(g.table, [g]);
    else list.push(g);
  }
  for (const w of works) byTable.get(w.table)?.push(w);
  const outTables: RouteTable[] = names.map((name, index) => {
    const info = tables.get(name)!;
    const ws = byTable.get(name)!.sort(compareWork);
    const position = new Map(ws.map((w, k) => [w, k]));
    const entries = (groupsByTable.get(name) ?? []).sort((a, b) => a.dst - b.dst || a.length - b.length);
    const fibEntries = info.fib ? entries : [];
    const prefixes = new Uint32Array(fibEntries.length);
    const lengths = new Uint8Array(fibEntries.length);
    const nextHops = new Uint32Array(fibEntries.length);
    const routeIndex = new Uint32Array(fibEntries.length);
    for (const g of entries) {
      const lookup = g.lookupTable !== undefined ? (tableIndex.get(g.lookupTable) ?? -1) : -1;
      g.id = nh.intern(g.kind, g.hops, g.prefSrc, lookup);
      for (const w of g.winners) w.nextHop = g.id;
    }
    fibEntries.forEach((g, k) => {
      prefixes[k] = g.dst;
      lengths[k] = g.length;
      nextHops[k] = g.id;
      routeIndex[k] = position.get(g.winners[0]!)!;
    });
    return { name, index, kind: info.kind, fib: info.fib, implicit: info.implicit, prefixes, lengths, nextHops, routeIndex, routes: ws.map((w) => freezeWork(w)) };
  });
  const byName = new Map(outTables.map((t) => [t.name, t]));

  const localNames = ['main', ...vrfNames].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const outLocals: LocalTable[] = localNames.map((vrf) => buildLocal(vrf, tableIndex.get(vrf)!, locals, nh));

  const vrfOfInterface = new Int32Array(ifaces.names.length);
  vrfOf.forEach((v, i) => (vrfOfInterface[i] = tableIndex.get(v) ?? tableIndex.get('main')!));

  return {
    interfaces: ifaces,
    running,
    tables: outTables,
    byName,
    vrfOfInterface,
    locals: outLocals,
    nextHops: nh.finish(),
    rules: compileRules(store, ifaces, tableIndex, disabledTables),
  };
}

// ---------------------------------------------------------------------------------------------------------
// Connected routes and local addresses

function addConnected(store: ConfigStore, ifaces: InterfaceIndex, running: Uint8Array, vrfOf: readonly string[], works: Work[], locals: LocalWork[]): void {
  const t = store.table('/ip address');
  if (t === undefined) return;
  const seen = new Set<string>();
  t.items.forEach((item, rank) => {
    if (t.disabled(item)) return;
    const text = t.value(item, 'address') ?? '';
    const p = parseIpv4Prefix(text, { bareIsHost: true });
    if (!p.ok) return;
    let length = p.value.length;
    if (!text.includes('/')) {
      const m = parseIpv4(t.value(item, 'netmask') ?? '');
      const ml = m.ok ? maskLength(m.value) : undefined;
      if (ml !== undefined) length = ml;
    }
    const address = p.value.address;
    // A /32 may name its point-to-point peer in network=; shorter prefixes use the computed network.
    let network = (address & ipv4Mask(length)) >>> 0;
    if (length === 32) {
      const n = parseIpv4(t.value(item, 'network') ?? '');
      if (n.ok) network = n.value;
    }
    const ifName = t.value(item, 'interface') ?? '';
    const id = idText(item.id);
    const base = {
      dst: network,
      length,
      origin: { kind: 'connected', address: id } as const,
      rank,
      kind: 'forward' as const,
      distance: 0,
      scope: 10,
      targetScope: 5,
      effScope: 10,
      prefSrc: address,
      checkGateway: '',
      specs: [],
      gateways: [],
      active: false,
      ecmp: false,
      nextHop: 0,
    };
    const idx = ifaces.byName.get(ifName);
    if (idx === undefined) {
      works.push({ ...base, table: 'main', gatewayText: ifName, hops: [], reachable: false, problem: whyNoInterface(ifaces, ifName)! });
      return;
    }
    const actual = ifaces.bridgeOf[idx]! >= 0 ? ifaces.bridgeOf[idx]! : idx;
    const actualName = ifaces.names[actual]!;
    const vrf = vrfOf[actual]!;
    locals.push({ vrf, address, kind: 'local', ifIndex: actual, origin: id });
    if (length <= 30) {
      const b = parseIpv4(item.values.get('broadcast') ?? '');
      const broadcast = b.ok ? b.value : (network | ~ipv4Mask(length)) >>> 0;
      locals.push({ vrf, address: broadcast, kind: 'broadcast', ifIndex: actual, origin: id });
    }
    // One connected route per network and interface: further addresses in it only add local entries.
    const key = `${vrf}|${network}|${length}|${actual}`;
    if (seen.has(key)) return;
    seen.add(key);
    const up = running[actual] === 1;
    const hop = { ifIndex: actual, gateway: 0 };
    works.push({
      ...base,
      table: vrf,
      gatewayText: actualName,
      gateways: [{ text: actualName, form: 'interface', reachable: up, hops: up ? [hop] : [], note: up ? `on ${actualName}` : `interface ${actualName} not running` }],
      hops: up ? [hop] : [],
      localAddress: `${formatIpv4(address)}%${actualName}`,
      reachable: up,
      ...(up ? {} : { problem: `interface ${actualName} not running` }),
    });
  });
}

function buildLocal(vrf: string, table: number, locals: readonly LocalWork[], nh: NextHopTableBuilder): LocalTable {
  // One entry per address: a local address wins over a broadcast of the same value; first address wins.
  const chosen = new Map<number, LocalWork>();
  for (const l of locals) {
    if (l.vrf !== vrf) continue;
    const had = chosen.get(l.address);
    if (had === undefined || (had.kind === 'broadcast' && l.kind === 'local')) chosen.set(l.address, l);
  }
  const entries = [...chosen.values()].sort((a, b) => a.address - b.address);
  const prefixes = new Uint32Array(entries.length);
  const lengths = new Uint8Array(entries.length).fill(32);
  const nextHops = new Uint32Array(entries.length);
  entries.forEach((e, k) => {
    prefixes[k] = e.address;
    nextHops[k] = nh.intern(e.kind, [{ ifIndex: e.ifIndex, gateway: 0 }]);
  });
  return { vrf, table, prefixes, lengths, nextHops, entries: entries.map(({ address, kind, ifIndex, origin }) => ({ address, kind, ifIndex, origin })) };
}

// ---------------------------------------------------------------------------------------------------------
// Static routes

function addStatic(store: ConfigStore, tables: Map<string, TableInfo>, disabledTables: ReadonlySet<string>, works: Work[]): void {
  const t = store.table('/ip route');
  if (t === undefined) return;
  t.items.forEach((item, i) => {
    if (t.disabled(item) || t.value(item, 'connect') === 'yes') return;
    const dstText = t.value(item, 'dst-address') ?? '0.0.0.0/0';
    const d = parseIpv4Prefix(dstText, { bareIsHost: true });
    if (!d.ok) return;
    // v7 routing-table; a v6 config's routing-mark names the table (v6 made it implicitly).
    const explicitTable = item.values.get('routing-table');
    const mark = t.value(item, 'routing-mark');
    let table = explicitTable !== undefined && explicitTable !== 'main' ? explicitTable : (mark ?? 'main');
    if (table === '') table = 'main';
    let problem: string | undefined;
    if (!tables.has(table)) {
      if (disabledTables.has(table)) problem = `routing table ${table} is disabled`;
      else if (table === mark) tables.set(table, { name: table, kind: 'table', fib: true, implicit: true });
      else problem = `no routing table ${table}`;
    }
    const type = t.value(item, 'type');
    const kind: RouteKind = t.value(item, 'blackhole') === 'yes' ? 'blackhole' : type === 'blackhole' || type === 'unreachable' || type === 'prohibit' ? type : 'forward';
    const gatewayText = kind === 'forward' ? (t.value(item, 'gateway') ?? '') : '';
    const specs = gatewayText.split(',').filter((g) => g !== '').map(parseGateway);
    if (kind === 'forward' && specs.length === 0) problem ??= 'no gateway';
    const scope = num(t.value(item, 'scope'), 30);
    const targetScope = Math.min(num(t.value(item, 'target-scope'), 10), MAX_TARGET_SCOPE);
    const recursive = specs.some((s) => s.address !== undefined && s.iface === undefined);
    // RouterOS: a route whose scope is not above its target-scope resolves with scope target-scope + 1.
    const effScope = recursive ? Math.max(scope, targetScope + 1) : scope;
    const pref = parseIpv4(t.value(item, 'pref-src') ?? '');
    const comment = t.value(item, 'comment');
    const check = t.value(item, 'check-gateway');
    works.push({
      table,
      dst: d.value.network,
      length: d.value.length,
      origin: item.dynamic ? { kind: 'dynamic', id: idText(item.id) } : { kind: 'static', id: idText(item.id) },
      rank: 1_000_000 + i,
      ...(comment !== undefined && comment !== '' ? { comment } : {}),
      kind,
      gatewayText,
      distance: num(t.value(item, 'distance'), 1),
      scope,
      targetScope,
      effScope,
      prefSrc: pref.ok ? pref.value : 0,
      checkGateway: check === undefined || check === 'none' ? '' : check,
      specs,
      gateways: [],
      hops: [],
      reachable: false,
      ...(problem !== undefined ? { problem } : {}),
      active: false,
      ecmp: false,
      nextHop: 0,
    });
  });
}

// ---------------------------------------------------------------------------------------------------------
// Next-hop resolution

/** Reachable routes by table, prefix length and network, for gateway lookups. */
class ResolverIndex {
  private readonly byTable = new Map<string, Map<number, Work[]>[]>();

  add(w: Work): void {
    let lens = this.byTable.get(w.table);
    if (lens === undefined) {
      lens = Array.from({ length: 33 }, () => new Map<number, Work[]>());
      this.byTable.set(w.table, lens);
    }
    const m = lens[w.length]!;
    const list = m.get(w.dst);
    if (list === undefined) m.set(w.dst, [w]);
    else {
      list.push(w);
      list.sort(byPreference);
    }
  }

  /**
   * The routes a gateway address resolves through in `table`: the longest prefix holding a route with
   * scope ≤ `maxScope`, and there the most preferred of those routes (merged as selection merges them).
   */
  lookup(table: string, addr: number, maxScope: number): Work[] | undefined {
    const lens = this.byTable.get(table);
    if (lens === undefined) return undefined;
    for (let len = 32; len >= 0; len--) {
      const list = lens[len]!.get((addr & ipv4Mask(len)) >>> 0);
      if (list === undefined) continue;
      const eligible = list.filter((w) => w.effScope <= maxScope);
      if (eligible.length > 0) return mergeable(eligible);
    }
    return undefined;
  }
}

/** Lower distance first, then connected before static, then configuration order. */
function byPreference(a: Work, b: Work): number {
  return a.distance - b.distance || a.rank - b.rank;
}

/**
 * Of candidates sorted by preference, the ones that share the winner's place: every gateway route at the
 * winner's distance (ECMP), or the winner alone (connected, blackhole and other non-forwarding routes).
 */
function mergeable(sorted: readonly Work[]): Work[] {
  const first = sorted[0]!;
  if (first.kind !== 'forward' || first.origin.kind === 'connected') return [first];
  return sorted.filter((w) => w.distance === first.distance && w.kind === 'forward' && w.origin.kind !== 'connected');
}

function resolveAll(works: Work[], tables: ReadonlyMap<string, TableInfo>, ifaces: InterfaceIndex, running: Uint8Array, vrfs: ReadonlySet<string>, state: RouteState): void {
  // Routes are resolved in scope order: a route only resolves through routes with scope ≤ its target-scope
  // < its own (effective) scope, so every route it can use is final before its level is reached.
  const index = new ResolverIndex();
  const pending = works.filter((w) => w.problem === undefined).sort((a, b) => a.effScope - b.effScope || a.rank - b.rank);
  for (let i = 0; i < pending.length; ) {
    let j = i;
    while (j < pending.length && pending[j]!.effScope === pending[i]!.effScope) j++;
    for (let k = i; k < j; k++) resolveRoute(pending[k]!, index, tables, ifaces, running, vrfs, state);
    for (let k = i; k < j; k++) if (pending[k]!.reachable && pending[k]!.problem === undefined) index.add(pending[k]!);
    i = j;
  }
}

function resolveRoute(w: Work, index: ResolverIndex, tables: ReadonlyMap<string, TableInfo>, ifaces: InterfaceIndex, running: Uint8Array, vrfs: ReadonlySet<string>, state: RouteState): void {
  if (w.origin.kind === 'connected') return; // made reachable (or not) with its interface
  if (w.kind !== 'forward') {
    w.reachable = true; // blackhole, unreachable, prohibit: nothing to resolve
    return;
  }
  const isVrf = (s: GatewaySpec) => s.name !== undefined && !ifaces.byName.has(s.name) && vrfs.has(s.name);
  const onlyVrf = w.specs.length === 1 && isVrf(w.specs[0]!);
  w.gateways = w.specs.map((s): GatewayState => {
    if (isVrf(s)) {
      if (!onlyVrf) return { text: s.text, form: 'vrf', table: s.name!, reachable: false, hops: [], note: 'a VRF gateway mixed with other gateways is not modelled' };
      return { text: s.text, form: 'vrf', table: s.name!, reachable: true, hops: [], note: `look up in VRF ${s.name}` };
    }
    if (s.name !== undefined) {
      const why = whyNoInterface(ifaces, s.name);
      if (why !== undefined) return { text: s.text, form: 'interface', reachable: false, hops: [], note: why };
      const i = ifaces.byName.get(s.name)!;
      if (running[i] !== 1) return { text: s.text, form: 'interface', reachable: false, hops: [], note: `interface ${s.name} not running` };
      return { text: s.text, form: 'interface', reachable: true, hops: [{ ifIndex: i, gateway: 0 }], note: `on ${s.name}` };
    }
    const addr = s.address!;
    if (s.iface !== undefined) {
      const why = whyNoInterface(ifaces, s.iface);
      if (why !== undefined) return { text: s.text, form: 'address%interface', reachable: false, hops: [], note: why };
      const i = ifaces.byName.get(s.iface)!;
      if (running[i] !== 1) return { text: s.text, form: 'address%interface', reachable: false, hops: [], note: `interface ${s.iface} not running` };
      return checked(w, { text: s.text, form: 'address%interface', reachable: true, hops: [{ ifIndex: i, gateway: addr }], note: `on ${s.iface}` }, addr, ifaces, state);
    }
    const table = s.table ?? 'main';
    if (!tables.has(table)) return { text: s.text, form: 'address', table, reachable: false, hops: [], note: `no routing table ${table}` };
    const via = index.lookup(table, addr, w.targetScope);
    if (via === undefined) {
      return { text: s.text, form: 'address', table, reachable: false, hops: [], note: `no route to ${formatIpv4(addr)} in ${table} with scope <= ${w.targetScope}` };
    }
    const first = via[0]!;
    if (first.kind !== 'forward') {
      return { text: s.text, form: 'address', table, reachable: false, hops: [], note: `${formatIpv4(addr)} resolves to ${first.kind} route ${prefixText(first)} in ${table}` };
    }
    const hops: NextHop[] = [];
    for (const r of via) for (const h of r.hops) hops.push(h.gateway === 0 ? { ifIndex: h.ifIndex, gateway: addr } : h);
    const note = `via ${prefixText(first)} in ${table} (${via.map((r) => describeOrigin(r.origin)).join(', ')})`;
    return checked(w, { text: s.text, form: 'address', table, reachable: true, hops: hops.slice(0, ECMP_MAX_HOPS), note }, addr, ifaces, state);
  });
  if (onlyVrf) {
    w.kind = 'lookup';
    w.lookupTable = w.specs[0]!.name!;
    w.reachable = true;
    return;
  }
  w.hops = w.gateways.flatMap((g) => g.hops).slice(0, ECMP_MAX_HOPS);
  w.reachable = w.hops.length > 0;
}

/** Apply check-gateway: a gateway the probes say is down makes no hops. */
function checked(w: Work, g: GatewayState, addr: number, ifaces: InterfaceIndex, state: RouteState): GatewayState {
  if (w.checkGateway === '' || state.gatewayReachable === undefined) return g;
  const iface = ifaces.names[g.hops[0]!.ifIndex]!;
  if (state.gatewayReachable(formatIpv4(addr), iface)) return g;
  return { ...g, reachable: false, hops: [], note: `check-gateway=${w.checkGateway}: ${formatIpv4(addr)} does not answer on ${iface}` };
}

// ---------------------------------------------------------------------------------------------------------
// Selection

interface FibGroup {
  readonly table: string;
  readonly dst: number;
  readonly length: number;
  readonly kind: RouteKind;
  readonly hops: readonly NextHop[];
  readonly prefSrc: number;
  readonly lookupTable?: string;
  /** Active routes of the prefix, most preferred first. */
  readonly winners: readonly Work[];
  id: number;
}

function selectRoutes(works: Work[]): FibGroup[] {
  // Per table, routes by prefix (key dst * 64 + length: exact in a double).
  const byTable = new Map<string, Map<number, Work[]>>();
  for (const w of works) {
    let m = byTable.get(w.table);
    if (m === undefined) byTable.set(w.table, (m = new Map()));
    const key = w.dst * 64 + w.length;
    const list = m.get(key);
    if (list === undefined) m.set(key, [w]);
    else list.push(w);
  }
  const out: FibGroup[] = [];
  for (const list of [...byTable.values()].flatMap((m) => [...m.values()])) {
    const cands = list.filter((w) => w.reachable && w.problem === undefined).sort(byPreference);
    if (cands.length === 0) {
      for (const w of list) w.reason = w.problem ?? unreachableReason(w);
      continue;
    }
    const winners = mergeable(cands);
    const first = winners[0]!;
    const hops = winners.flatMap((w) => w.hops).slice(0, ECMP_MAX_HOPS);
    const ecmp = first.kind === 'forward' && hops.length > 1;
    for (const w of winners) {
      w.active = true;
      w.ecmp = ecmp;
    }
    for (const w of list) {
      if (w.active) continue;
      w.reason = w.problem ?? (w.reachable ? `not selected: ${describeOrigin(first.origin)} (distance ${first.distance}) is preferred` : unreachableReason(w));
    }
    const prefSrc = winners.find((w) => w.prefSrc !== 0)?.prefSrc ?? 0;
    out.push({
      table: first.table,
      dst: first.dst,
      length: first.length,
      kind: first.kind,
      hops: first.kind === 'forward' ? hops : [],
      prefSrc,
      ...(first.lookupTable !== undefined ? { lookupTable: first.lookupTable } : {}),
      winners,
      id: 0,
    });
  }
  return out;
}

function unreachableReason(w: Work): string {
  const bad = w.gateways.filter((g) => !g.reachable);
  if (bad.length === 0) return 'gateway unreachable';
  return `gateway unreachable: ${bad.map((g) => `${g.text} (${g.note})`).join('; ')}`;
}

function compareWork(a: Work, b: Work): number {
  return a.dst - b.dst || a.length - b.length || a.distance - b.distance || a.rank - b.rank;
}

function freezeWork(w: Work): RouteEntry {
  return {
    table: w.table,
    dst: w.dst,
    length: w.length,
    origin: w.origin,
    ...(w.comment !== undefined ? { comment: w.comment } : {}),
    kind: w.kind,
    gateway: w.gatewayText,
    distance: w.distance,
    scope: w.scope,
    targetScope: w.targetScope,
    prefSrc: w.prefSrc,
    checkGateway: w.checkGateway,
    gateways: w.gateways,
    hops: w.hops,
    ...(w.lookupTable !== undefined ? { lookupTable: w.lookupTable } : {}),
    ...(w.localAddress !== undefined ? { localAddress: w.localAddress } : {}),
    reachable: w.reachable && w.problem === undefined,
    active: w.active,
    ecmp: w.ecmp,
    nextHop: w.nextHop,
    ...(w.reason !== undefined ? { reason: w.reason } : {}),
  };
}

// ---------------------------------------------------------------------------------------------------------
// Routing rules

function compileRules(store: ConfigStore, ifaces: InterfaceIndex, tableIndex: ReadonlyMap<string, number>, disabledTables: ReadonlySet<string>): CompiledRule[] {
  const t = store.table('/routing rule');
  if (t === undefined) return [];
  const out: CompiledRule[] = [];
  for (const item of t.items) {
    if (t.disabled(item)) continue;
    const problems: string[] = [];
    const prefix = (prop: string): { network: number; length: number } => {
      const v = t.value(item, prop);
      if (v === undefined || v === '') return { network: 0, length: -1 };
      if (v.includes(':')) {
        problems.push(`${prop}=${v} is IPv6 (IPv6 rules are not compiled here)`);
        return { network: 0, length: -1 };
      }
      const p = parseIpv4Prefix(v, { bareIsHost: true });
      if (!p.ok) {
        problems.push(`${prop}: ${p.error}`);
        return { network: 0, length: -1 };
      }
      return { network: p.value.network, length: p.value.length };
    };
    const tableRef = (prop: string, name: string | undefined): number => {
      if (name === undefined || name === '') return -1;
      const i = tableIndex.get(name);
      if (i !== undefined) return i;
      problems.push(name === 'local' ? `${prop}=local: the local table is not modelled` : disabledTables.has(name) ? `${prop}=${name}: routing table is disabled` : `${prop}=${name}: no such routing table`);
      return -1;
    };
    const src = prefix('src-address');
    const dst = prefix('dst-address');
    const routingMark = tableRef('routing-mark', t.value(item, 'routing-mark'));
    const ifName = t.value(item, 'interface');
    let ifIndex = -1;
    if (ifName !== undefined && ifName !== '') {
      const why = whyNoInterface(ifaces, ifName);
      if (why !== undefined) problems.push(why);
      else ifIndex = ifaces.byName.get(ifName)!;
    }
    const actionText = t.value(item, 'action') ?? 'lookup';
    let action: RuleAction = 'lookup';
    if (actionText === 'lookup' || actionText === 'lookup-only-in-table' || actionText === 'drop' || actionText === 'unreachable') action = actionText;
    else problems.push(`action=${actionText} is not modelled`);
    let table = -1;
    if (action === 'lookup' || action === 'lookup-only-in-table') {
      const name = t.value(item, 'table');
      if (name === undefined || name === '') problems.push(`action=${action} needs table=`);
      else table = tableRef('table', name);
    }
    const minPrefix = num(t.value(item, 'min-prefix'), -1);
    const comment = t.value(item, 'comment');
    const chain = t.value(item, 'chain') || 'user';
    // Rules of a chain run right after the policy step of that name; /routing settings policy-rules is not
    // modelled (always the default), so a chain named after no step never runs (UNCONFIRMED: RouterOS flag).
    if (!DEFAULT_POLICY_RULES.includes(chain)) problems.push(`chain=${chain} is not a step of /routing settings policy-rules (${DEFAULT_POLICY_RULES.join(',')})`);
    out.push({
      id: idText(item.id),
      ...(comment !== undefined && comment !== '' ? { comment } : {}),
      chain,
      srcNetwork: src.network,
      srcLength: src.length,
      dstNetwork: dst.network,
      dstLength: dst.length,
      routingMark,
      ifIndex,
      action,
      table,
      minPrefix,
      active: problems.length === 0,
      ...(problems.length > 0 ? { reason: problems.join('; ') } : {}),
    });
  }
  return out;
}

// ---------------------------------------------------------------------------------------------------------
// Printing

/** `/ip route print`-style flags: D dynamic, A active / I inactive, c connect / s static / d dynamic, + ecmp. */
export function routeFlags(r: RouteEntry): string {
  const d = r.origin.kind === 'static' ? ' ' : 'D';
  const a = r.active ? 'A' : r.reachable ? ' ' : 'I';
  const o = r.origin.kind === 'connected' ? 'c' : r.origin.kind === 'static' ? 's' : 'd';
  return `${d}${a}${o}${r.ecmp ? '+' : ' '}`;
}

/** Immediate gateways as RouterOS prints `immediate-gw` (`10.0.0.1%ether1`, `ether1`). */
export function immediateGateways(r: RouteEntry, ifaces: InterfaceIndex): string {
  if (r.kind === 'lookup') return r.lookupTable ?? '';
  return r.hops.map((h) => hopText(h, ifaces)).join(',');
}

/**
 * A text summary of compiled tables, one block per table (routes with flags, gateway, immediate gateway,
 * distance, origin and why inactive), then local tables and rules. For traces, tests and the console.
 */
export function formatRouteTables(rt: RouteTables): string {
  const lines: string[] = [];
  for (const t of rt.tables) {
    lines.push(`table ${t.name} (${t.kind}${t.fib ? ', fib' : ', no fib'}${t.implicit ? ', implicit' : ''}): ${t.routes.length} routes, ${t.prefixes.length} FIB entries`);
    for (const r of t.routes) {
      const gw = r.kind === 'forward' || r.kind === 'lookup' ? r.gateway : r.kind;
      const imm = immediateGateways(r, rt.interfaces);
      const origin = r.origin.kind === 'connected' ? `address ${r.origin.address}` : r.origin.id;
      lines.push(
        `  ${routeFlags(r)} ${prefixText(r).padEnd(18)} ${gw.padEnd(22)} ${(imm === gw ? '' : imm).padEnd(24)} d=${String(r.distance).padEnd(3)} ${origin}${r.nextHop ? ` nh=${r.nextHop}` : ''}${r.reason ? `  -- ${r.reason}` : ''}`.trimEnd(),
      );
    }
  }
  for (const l of rt.locals) {
    const items = l.entries.map((e) => `${formatIpv4(e.address)}${e.kind === 'broadcast' ? ' (broadcast)' : ''}%${rt.interfaces.names[e.ifIndex]}`);
    lines.push(`local ${l.vrf}: ${items.length === 0 ? '-' : items.join(' ')}`);
  }
  for (const r of rt.rules) {
    const parts = [
      r.srcLength >= 0 ? `src=${formatIpv4Prefix({ address: r.srcNetwork, length: r.srcLength })}` : '',
      r.dstLength >= 0 ? `dst=${formatIpv4Prefix({ address: r.dstNetwork, length: r.dstLength })}` : '',
      r.routingMark >= 0 ? `mark=${rt.tables[r.routingMark]!.name}` : '',
      r.ifIndex >= 0 ? `in=${rt.interfaces.names[r.ifIndex]}` : '',
      r.action,
      r.table >= 0 ? `table=${rt.tables[r.table]!.name}` : '',
      r.minPrefix >= 0 ? `min-prefix=${r.minPrefix}` : '',
    ].filter((s) => s !== '');
    lines.push(`rule ${r.id}${r.active ? '' : ' I'} ${parts.join(' ')}${r.reason ? `  -- ${r.reason}` : ''}`);
  }
  return lines.join('\n');
}
