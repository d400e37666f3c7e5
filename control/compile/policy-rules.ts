/**
 * Policy routing for the dataplane: the compiled routes (routes.ts) → the routing block of FlowTables
 * (dataplane/stages/state.ts) that the routing stage (dataplane/stages/routing.ts) reads per packet.
 *
 * - **FIBs** (`buildFibs`): one Dir24Fib per table packets can be routed in: `main`, every `/ip vrf`'s table
 *   and every `/routing table` with `fib` (v6-style implicit mark tables count as fib tables). The tables of
 *   `main` and of each VRF get that VRF's local addresses and subnet broadcasts on top as /32 entries (kind
 *   local/broadcast), so one lookup decides local delivery and forwarding in them. A `/routing table` without
 *   `fib` gets no FIB (null): a lookup there finds nothing, as in RouterOS where such a table only feeds
 *   routing protocols. A FIB reserves ~80 MB of address space (DIR-24-8's tbl24 and its depth mirror); only
 *   the pages its routes paint are touched.
 * - **Rules** (`compilePolicy`): the active `/routing rule` items as FlowRules typed arrays, grouped by the
 *   policy step their `chain` follows (RouterOS's default `policy-rules` order `mangle, vrf-lookup,
 *   vrf-unreach, local, user, main`; `/routing settings` is not modelled, so the order is always the
 *   default), prefixes as int32 network/mask pairs, `routing-mark=` as the meta.routingMark value it
 *   matches (1 + table index), with a `*N "comment"` label per rule for traces.
 * - **Tables**: names (traces), which are VRF tables (a miss there is final: vrf-unreach).
 * - **ECMP hash**: `/ip settings ipv4-multipath-hash-policy` (l3 default; l4; l3-inner hashes as l3 since
 *   flowplane parses no tunnels — RouterOS: "same as L3 if inner is not present").
 * - **Local addresses with their VRF** (localAddr/localTable), main's first: routing-output finds the VRF of
 *   a router-made packet from its source when its cause did not say, and routing checks martian sources
 *   against the in-interface's VRF only.
 *
 * Pure functions of the compiled routes (and `/ip settings`); nothing kept between calls.
 */
import { Dir24Fib } from '../../dataplane/tables/lpm-dir24';
import { EcmpHash, POLICY_STEP_NAMES, RuleAction, routingMarkOf, type FlowRules } from '../../dataplane/stages/state';
import { ipv4Mask } from '../routeros/values';
import type { ConfigStore } from '../store/store';
import type { RouteTables } from './routes';

/** What compilePolicy adds to a generation (the routing block of FlowTables, FIBs aside). */
export interface PolicyTables {
  readonly tableNames: readonly string[];
  readonly tableVrf: Uint8Array;
  readonly rules: FlowRules;
  readonly ecmpHash: number;
  readonly localAddr: Int32Array;
  readonly localTable: Int32Array;
}

const ACTION_CODE = {
  lookup: RuleAction.LOOKUP,
  'lookup-only-in-table': RuleAction.LOOKUP_ONLY_IN_TABLE,
  drop: RuleAction.DROP,
  unreachable: RuleAction.UNREACHABLE,
} as const;

/** Does a table get a FIB? main, VRFs, and `/routing table`s with `fib`. */
export function tableHasFib(t: RouteTables['tables'][number]): boolean {
  return t.kind !== 'table' || t.fib;
}

/** One FIB per routed table (see the module comment); null for tables without `fib`. */
export function buildFibs(routes: RouteTables): (Dir24Fib | null)[] {
  return routes.tables.map((table) => {
    if (!tableHasFib(table)) return null;
    const fib = new Dir24Fib();
    fib.build(table.prefixes, table.lengths, table.nextHops);
    for (const lt of routes.locals) {
      if (lt.table !== table.index) continue;
      for (let k = 0; k < lt.prefixes.length; k++) fib.insert(lt.prefixes[k]!, lt.lengths[k]!, lt.nextHops[k]!);
    }
    return fib;
  });
}

/** The active rules of `routes` as FlowRules (see the module comment). */
export function flowRules(routes: RouteTables): FlowRules {
  const byStep: number[][] = POLICY_STEP_NAMES.map(() => []);
  routes.rules.forEach((r, i) => {
    if (!r.active) return;
    const step = (POLICY_STEP_NAMES as readonly string[]).indexOf(r.chain);
    if (step >= 0) byStep[step]!.push(i);
  });
  const order = byStep.flat();
  const n = order.length;
  const stepStart = new Int32Array(POLICY_STEP_NAMES.length + 1);
  let at = 0;
  byStep.forEach((list, k) => {
    stepStart[k] = at;
    at += list.length;
  });
  stepStart[POLICY_STEP_NAMES.length] = at;
  const out = {
    count: n,
    stepStart,
    srcNet: new Int32Array(n),
    srcMask: new Int32Array(n),
    dstNet: new Int32Array(n),
    dstMask: new Int32Array(n),
    mark: new Int32Array(n),
    inIf: new Int32Array(n),
    action: new Uint8Array(n),
    table: new Int32Array(n),
    minPrefix: new Int32Array(n),
    labels: [] as string[],
  };
  order.forEach((ri, k) => {
    const r = routes.rules[ri]!;
    const sm = r.srcLength >= 0 ? ipv4Mask(r.srcLength) | 0 : 0;
    const dm = r.dstLength >= 0 ? ipv4Mask(r.dstLength) | 0 : 0;
    out.srcMask[k] = sm;
    out.srcNet[k] = r.srcNetwork & sm;
    out.dstMask[k] = dm;
    out.dstNet[k] = r.dstNetwork & dm;
    out.mark[k] = r.routingMark >= 0 ? routingMarkOf(r.routingMark) : -1;
    out.inIf[k] = r.ifIndex;
    out.action[k] = ACTION_CODE[r.action];
    out.table[k] = r.table;
    out.minPrefix[k] = r.minPrefix;
    out.labels.push(r.comment !== undefined ? `${r.id} "${r.comment}"` : r.id);
  });
  return out;
}

/** The routing block of FlowTables (FIBs aside: buildFibs). */
export function compilePolicy(store: ConfigStore, routes: RouteTables): PolicyTables {
  const settings = store.table('/ip settings');
  const item = settings?.items[0];
  const hash = item !== undefined ? settings!.value(item, 'ipv4-multipath-hash-policy') : undefined;
  const mainIndex = routes.byName.get('main')?.index ?? 0;
  const addrs: number[] = [];
  const tables: number[] = [];
  const locals = [...routes.locals].sort((a, b) => (a.table === mainIndex ? -1 : b.table === mainIndex ? 1 : 0));
  for (const lt of locals) {
    for (const e of lt.entries) {
      if (e.kind !== 'local') continue;
      addrs.push(e.address | 0);
      tables.push(lt.table);
    }
  }
  return {
    tableNames: routes.tables.map((t) => t.name),
    tableVrf: Uint8Array.from(routes.tables, (t) => (t.kind === 'vrf' ? 1 : 0)),
    rules: flowRules(routes),
    ecmpHash: hash === 'l4' ? EcmpHash.L4 : EcmpHash.L3,
    localAddr: Int32Array.from(addrs),
    localTable: Int32Array.from(tables),
  };
}
