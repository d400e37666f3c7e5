/**
 * routing: the routing decision (RouterOS flow (a)/(b) "routing decision"; (c) for router-made packets:
 * `routing-output`, the same stage in output mode).
 *
 * ## The decision (RouterOS `/routing settings policy-rules` default `mangle,vrf-lookup,vrf-unreach,local,user,main`)
 * 1. **mangle**: a packet with a routing mark (meta.routingMark = 1 + table index, FlowTables) is looked up in
 *    that table first; a route decides. On a miss: a mark naming a VRF's table ("steered to a VRF") is
 *    rejected (step 3); otherwise the decision goes on (UNCONFIRMED what RouterOS does on a miss in a marked
 *    table; Linux's `fwmark lookup` rule falls through, and so does this).
 * 2. **vrf-lookup**: a packet of a VRF (its in-interface is in an `/ip vrf`; router-made packets: the VRF of the
 *    packet that caused them) is looked up in the VRF's table. Its local addresses and subnet broadcasts are
 *    /32 entries there, so they are local only in their VRF.
 * 3. **vrf-unreach**: a VRF packet that found no route is rejected: `no-route`, ICMP 3/0 net unreachable.
 * 4. **local**: main's FIB holds main's local addresses and broadcasts as /32s: a hit on one of them delivers
 *    to the router (next 1: the input path). The same lookup is main's answer in step 6.
 * 5. **user**: `/routing rule` items in order (FlowRules; absent matchers match anything; `interface=` never
 *    matches router-made packets, Linux's iif is lo for them): `lookup` → a route in its table decides, a
 *    miss (or a route hidden by `min-prefix`: Linux suppress_prefixlength) goes on to the next rule;
 *    `lookup-only-in-table` → a miss fails (`rule-table-miss`, ICMP 3/0: UNCONFIRMED, Linux's answer for an
 *    unreachable rule); `drop` → `rule-drop` (silent); `unreachable` → `rule-unreachable`, ICMP 3/0 to the
 *    sender. Rules with `chain=<step>` run right after that step.
 * 6. **main**: main's lookup (from step 4) decides; no route → `no-route`, ICMP 3/0.
 * 255.255.255.255 and multicast destinations go to the router before all this (flowplane does not route
 * multicast). Input mode first drops a packet whose source is one of the router's addresses in its VRF
 * (`martian-source`, Linux fib_validate_source).
 *
 * ## The route (next-hop group kinds)
 * - local / broadcast → to the router (next 1).
 * - forward → one hop of the group: ECMP picks hop `fmix32(src ^ dst ^ l4) % hops` (murmur3's 32-bit
 *   finaliser; `/ip settings ipv4-multipath-hash-policy=l3`, the default: l4 = 0; `l4`: l4 = protocol ^
 *   (source port << 16 | destination port), ports only for TCP/UDP packets that are not fragments, so all
 *   fragments of a datagram take one path). The hop's gateway, or the destination itself for an on-link
 *   hop, is what arp-resolve resolves; out-interface and out-port are set (next 0). Bridges and VLANs have
 *   virtual ports (control/compile/generation.ts) that bridge-output / vlan-output map to real ones.
 * - lookup (`gateway=<vrf>` leaks) → one more lookup in that table; a second leak is `route-loop`.
 * - blackhole → `route-blackhole` (silent); unreachable → `route-unreachable` + ICMP 3/1; prohibit →
 *   `route-prohibit` + ICMP 3/13 (Linux's RTN_UNREACHABLE / RTN_PROHIBIT answers).
 * ICMP errors go from the receiving interface's address, routed in the sender's VRF (FlowState.vrfTable).
 * Output mode never sends ICMP, and routes a router-made packet in its VRF's table (FlowState.vrfTable, else
 * the VRF holding its source address, else main).
 *
 * ## Cost
 * Per table generation `prepare` lays out, per next-hop group, the port / interface / gateway of groups
 * with one hop through a routed port, and a 4096-bit filter of the router's addresses.
 * - `fast` (no `/routing rule` items, no VRFs, no marked packet in the vector): one batched lookup in main
 *   (Dir24Fib.lookupVector), then three loads and three stores for a one-hop group — the path the 1M-prefix
 *   benchmark measures (~13–15 ns per packet; ~22 before policy routing, with one lookup as now).
 * - otherwise pass 1 finds each packet's first table (mark, VRF, main) and batches the lookups when the
 *   vector shares one; without rules an unmarked one-hop packet is still forwarded inline; the rest goes
 *   through `one` and, with rules or a mark, `decide` (a scan of the rules' typed arrays: ~40 ns more
 *   per packet with four rules that do not match).
 *
 * Not implemented: `/routing settings policy-rules` other than the default order, `action=mangle` rules,
 * `table=local`, IPv6, pref-src for router-made packets, routing adjustment after mangle output / nat output.
 */
import { NEXT_DROP as NEXT_DROP_CODE, type StageContext } from '../graph';
import { Drop } from '../drop';
import { icmpError } from '../ip4/icmp-gen';
import type { Dir24Fib } from '../tables/lpm-dir24';
import { FlowStage, dropIn, rec, EV, RuleOutcome, type FlowState, type FlowTables } from './state';

// Next-hop kinds as module constants (stages/state.ts NH): a literal, not a property chain per packet.
const K_FORWARD = 1;
const K_BLACKHOLE = 2;
const K_UNREACHABLE = 3;
const K_PROHIBIT = 4;
const K_LOCAL = 5;
const K_BROADCAST = 6;
const K_LOOKUP = 7;
const DROP_NEXT = NEXT_DROP_CODE; // graph.ts NEXT_DROP
/** FirewallState slot flag SF.ROUTE (dataplane/firewall/state.ts). */
const ROUTE_FLAG = 16;

// PolicyStep codes (state.ts) as literals; step 6 marks a leak lookup in traces.
const S_MANGLE = 0;
const S_VRF_LOOKUP = 1;
const S_VRF_UNREACH = 2;
const S_LOCAL = 3;
const S_MAIN = 5;
const S_LEAK = 6;
// RuleAction codes.
const A_LOOKUP = 0;
const A_ONLY = 1;
const A_DROP = 2;

/**
 * ECMP hop index: murmur3's fmix32 over `src ^ dst ^ l4`, modulo the hop count (see the module comment).
 * Exported so tests can work out by hand which hop a flow must take.
 */
export function ecmpHop(src: number, dst: number, l4: number, hops: number): number {
  let h = src ^ dst ^ l4;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return (h >>> 0) % hops;
}

export class Routing extends FlowStage {
  /**
   * mangle `action=route` (prerouting): per slot, bit ROUTE_FLAG of `routeFlags` set means "route to
   * `routeDst[slot]`" (FirewallState's columns); null when no rule of the config uses the action.
   */
  private readonly routeFlags: Uint8Array | null;
  private readonly routeDst: Uint32Array | null;

  constructor(
    st: FlowState,
    private readonly output: boolean,
    forwardStage: string,
    localStage: string,
    route: { flags: Uint8Array; dst: Uint32Array } | null = null,
  ) {
    super(output ? 'routing-output' : 'routing', [forwardStage, localStage], st);
    this.routeFlags = output ? null : (route?.flags ?? null);
    this.routeDst = output ? null : (route?.dst ?? null);
  }

  // Made once per table generation (`prepare`): per next-hop group id, the out-port, out-interface and
  // gateway of a group with one forward hop through a routed port (port -1: any other group, decided by
  // kind below); a 4096-bit filter of the router's addresses for the martian-source check.
  private prepared: FlowTables | null = null;
  private fastPort = new Int32Array(0);
  private fastOif = new Int32Array(0);
  private fastGw = new Int32Array(0);
  private localBits = new Uint8Array(4096);

  /** No `/routing rule` items and no VRFs: input packets without a mark take `fast`. */
  private simple = false;

  private prepare(t: FlowTables): void {
    this.prepared = t;
    this.simple = t.rules.count === 0 && t.tableVrf.indexOf(1) < 0;
    const nh = t.nextHops;
    const n = nh.kind.length;
    this.fastPort = new Int32Array(n).fill(-1);
    this.fastOif = new Int32Array(n);
    this.fastGw = new Int32Array(n);
    for (let id = 0; id < n; id++) {
      if (nh.kind[id] !== K_FORWARD || nh.hopCount[id] !== 1) continue;
      const h = nh.hopStart[id]!;
      const oif = nh.hopIfIndex[h]!;
      const port = t.ifPort[oif]!;
      if (port < 0 || t.ifMode[oif] !== 1) continue;
      this.fastPort[id] = port;
      this.fastOif[id] = oif;
      this.fastGw[id] = nh.hopGateway[h]! | 0;
    }
    this.localBits.fill(0);
    for (const a of t.localAddr) this.localBits[localKey(a)] = 1;
  }

  // Per-vector scratch, grown (rarely: once per larger vector size) when a vector is longer.
  // Addresses as int32 (a Uint32Array read >= 2^31 is a heap number in V8; int32 stays a small integer).
  private dsts = new Int32Array(256);
  private dstsU = new Uint32Array(this.dsts.buffer);
  private srcs = new Int32Array(256);
  private ids = new Uint32Array(256);
  private tbls = new Int32Array(256);

  process(slots: Uint32Array, n: number, next: Uint8Array, ctx: StageContext): void {
    const st = this.st;
    const t = st.tables;
    if (this.prepared !== t) this.prepare(t);
    if (n > this.dsts.length) {
      this.dsts = new Int32Array(n);
      this.dstsU = new Uint32Array(this.dsts.buffer);
      this.srcs = new Int32Array(n);
      this.ids = new Uint32Array(n);
      this.tbls = new Int32Array(n);
    }
    if (this.simple && !this.output && this.routeFlags === null && this.fast(slots, n, next, ctx)) return;
    const pool = st.pool;
    const m = pool.meta;
    const view = pool.view;
    const start = m.start;
    const l3Off = m.l3Off;
    const marks = m.routingMark;
    const slotSize = pool.slotSize;
    const inIf = st.inIf;
    const vrfTable = st.vrfTable;
    const fibs = t.fibs;
    const fibOfIf = t.fibOfIf;
    const mainTable = t.mainTable;
    const nTables = fibs.length;
    const output = this.output;
    // Pass 1: addresses, the packet's VRF, the table of its first lookup. When the whole vector is looked
    // up in one table, the destinations are looked up as a batch (Dir24Fib.lookupVector).
    const dsts = this.dsts;
    const srcs = this.srcs;
    const ids = this.ids;
    const tbls = this.tbls;
    let first = -2;
    let uniform = true;
    for (let i = 0; i < n; i++) {
      const slot = slots[i]!;
      const ip = slot * slotSize + start[slot]! + l3Off[slot]!;
      srcs[i] = view.getInt32(ip + 12);
      dsts[i] = view.getInt32(ip + 16);
      let v: number;
      if (output) {
        v = vrfTable[slot]!;
        if (v < 0) vrfTable[slot] = v = this.vrfOfSource(srcs[i]!);
      } else {
        const ifi = inIf[slot]!;
        vrfTable[slot] = v = ifi >= 0 ? fibOfIf[ifi]! : mainTable;
      }
      // The first lookup: the marked table (policy step mangle), else the VRF's table, else main. A mark
      // naming no table is ignored.
      const mk = marks[slot]!;
      const table = mk !== 0 && mk <= nTables ? mk - 1 : v;
      tbls[i] = table;
      if (first === -2) first = table;
      else if (table !== first) uniform = false;
    }
    const batchFib = uniform && first >= 0 ? fibs[first] : null;
    if (batchFib) batchFib.lookupVector(this.dstsU, ids, n);
    // Pass 2. Without rules, an unmarked packet whose group is one hop through a routed port is forwarded
    // here as in `fast` (VRF configurations keep most of the fast path); everything else goes through `one`.
    const trace = ctx.trace;
    const flags = m.flags;
    const plain = t.rules.count === 0 && !output;
    const fastPort = this.fastPort;
    const localBits = this.localBits;
    const routeFlags = this.routeFlags;
    for (let i = 0; i < n; i++) {
      const slot = slots[i]!;
      const t0 = tbls[i]!;
      const dst = dsts[i]!;
      let id: number;
      if (batchFib) id = ids[i]!;
      else {
        const f = fibs[t0];
        id = f ? f.lookup(dst) : 0;
      }
      const fp = fastPort[id]!;
      if (plain && fp >= 0 && marks[slot] === 0 && dst >>> 28 < 14 && localBits[localKey(srcs[i]!)] === 0 && (routeFlags === null || (routeFlags[slot]! & ROUTE_FLAG) === 0)) {
        const gw = this.fastGw[id]!;
        st.outIf[slot] = this.fastOif[id]!;
        st.nextHop[slot] = gw === 0 ? dst : gw;
        m.outPort[slot] = fp;
        next[i] = 0;
        if (trace !== null && (flags[slot]! & 0x2000) !== 0) {
          trace.record(slot, this.index, EV.ROUTE_TABLE, t0, t.tableVrf[t0] === 1 ? S_VRF_LOOKUP : S_MAIN);
          trace.record(slot, this.index, EV.ROUTE, id, gw);
        }
        continue;
      }
      next[i] = this.one(slot, srcs[i]!, dst, t0, id, ctx);
    }
  }

  /**
   * The fast path (`simple` configurations: no rules, no VRFs; input mode): one batched lookup in main, and
   * for a packet whose group has one hop through a routed port, three loads and three stores. Anything
   * else (multicast, a source that may be the router's, another kind of group) goes through `one`.
   * Returns false, having changed nothing, when a packet of the vector carries a routing mark.
   * FlowState.vrfTable is written only for packets that go through `one` (the ones that can become an echo
   * reply or an ICMP error here): without VRFs every value it can hold (-1 or main) routes in main anyway.
   */
  private fast(slots: Uint32Array, n: number, next: Uint8Array, ctx: StageContext): boolean {
    const st = this.st;
    const t = st.tables;
    const pool = st.pool;
    const m = pool.meta;
    const view = pool.view;
    const start = m.start;
    const l3Off = m.l3Off;
    const marks = m.routingMark;
    const slotSize = pool.slotSize;
    const dsts = this.dsts;
    const srcs = this.srcs;
    const ids = this.ids;
    let anyMark = 0;
    for (let i = 0; i < n; i++) {
      const slot = slots[i]!;
      const ip = slot * slotSize + start[slot]! + l3Off[slot]!;
      srcs[i] = view.getInt32(ip + 12);
      dsts[i] = view.getInt32(ip + 16);
      anyMark |= marks[slot]!;
    }
    const main = t.mainTable;
    const fib = t.fibs[main];
    if (anyMark !== 0 || !fib) return false;
    fib.lookupVector(this.dstsU, ids, n);
    const trace = ctx.trace;
    const flags = m.flags;
    const outPort = m.outPort;
    const outIf = st.outIf;
    const nextHop = st.nextHop;
    const vrfTable = st.vrfTable;
    const fastPort = this.fastPort;
    const fastOif = this.fastOif;
    const fastGw = this.fastGw;
    const localBits = this.localBits;
    for (let i = 0; i < n; i++) {
      const slot = slots[i]!;
      const src = srcs[i]!;
      const dst = dsts[i]!;
      const id = ids[i]!;
      const fp = fastPort[id]!;
      // (dst >>> 28) < 14: not multicast (224/4) nor 255.255.255.255 (both go to the router)
      if (fp >= 0 && dst >>> 28 < 14 && localBits[localKey(src)] === 0) {
        const gw = fastGw[id]!;
        outIf[slot] = fastOif[id]!;
        nextHop[slot] = gw === 0 ? dst : gw;
        outPort[slot] = fp;
        next[i] = 0;
        if (trace !== null && (flags[slot]! & 0x2000) !== 0) {
          trace.record(slot, this.index, EV.ROUTE_TABLE, main, S_MAIN);
          trace.record(slot, this.index, EV.ROUTE, id, gw);
        }
        continue;
      }
      vrfTable[slot] = main;
      next[i] = this.one(slot, src, dst, main, id, ctx);
    }
    return true;
  }

  /**
   * The decision for one packet, every case: `t0` is the table of its first lookup and `id` that lookup's
   * result. Sets out-interface, next hop and out-port of a forwarded packet, drops (with ICMP where the
   * module comment says) the others; returns the packet's next code.
   */
  private one(slot: number, src: number, dst: number, t0: number, id: number, ctx: StageContext): number {
    const st = this.st;
    const t = st.tables;
    const m = st.pool.meta;
    const nh = t.nextHops;
    const kinds = nh.kind;
    const trace = ctx.trace;
    const output = this.output;
    const ifi = st.inIf[slot]!;
    const v = st.vrfTable[slot]!;
    let drop = 0;
    let icmpCode = -1;
    let code = DROP_NEXT;
    if (dst === -1 || (dst & 0xf0000000) === (0xe0000000 | 0)) {
      code = 1;
      if (trace !== null) rec(trace, m.flags, slot, this.index, EV.LOCAL, 0);
    } else if (!output && this.localBits[localKey(src)] === 1 && (t.localAddr.length <= 16 ? localIn(t.localAddr, t.localTable, t.localAddr.length, src, v) : this.localByFib(v, src))) {
      drop = Drop.MARTIAN_SOURCE;
    } else {
      const mk = m.routingMark[slot]!;
      if (t.rules.count > 0 || mk !== 0) {
        id = this.decide(slot, src, dst, output ? -1 : ifi, mk, v, t0, id, trace);
        if (id < 0) {
          drop = -id;
          if (drop === Drop.RULE_UNREACHABLE || drop === Drop.RULE_TABLE_MISS) icmpCode = 0;
          id = 0;
        }
      } else if (trace !== null) {
        const k0 = kinds[id]!;
        rec(trace, m.flags, slot, this.index, EV.ROUTE_TABLE, t0, t.tableVrf[t0] === 1 ? S_VRF_LOOKUP : k0 === K_LOCAL || k0 === K_BROADCAST ? S_LOCAL : S_MAIN);
      }
      let k = kinds[id]!;
      const rf = this.routeFlags;
      if (rf !== null && (rf[slot]! & ROUTE_FLAG) !== 0 && k !== K_LOCAL && k !== K_BROADCAST && this.routeTo(slot, t0, trace)) return 0;
      if (k === K_LOOKUP) {
        const lt = nh.lookupTable[id]!;
        const f2 = lt >= 0 && lt < t.fibs.length ? t.fibs[lt] : null;
        id = f2 ? f2.lookup(dst) : 0;
        k = kinds[id]!;
        if (trace !== null) rec(trace, m.flags, slot, this.index, EV.ROUTE_TABLE, lt, S_LEAK);
        if (k === K_LOOKUP) drop = Drop.ROUTE_LOOP;
      }
      if (drop !== 0) {
        // decided above: a rule's drop / unreachable / table miss, or a leak loop
      } else if (k === K_FORWARD) {
        const cnt = nh.hopCount[id]!;
        let h = nh.hopStart[id]!;
        if (cnt > 1) h += ecmpHop(src, dst, t.ecmpHash === 1 ? this.l4Word(slot) : 0, cnt);
        const oif = nh.hopIfIndex[h]!;
        const gw = nh.hopGateway[h]!;
        const port = t.ifPort[oif]!;
        if (port < 0 || t.ifMode[oif] !== 1) drop = Drop.BRIDGE_NOT_IMPLEMENTED;
        else {
          st.outIf[slot] = oif;
          st.nextHop[slot] = gw === 0 ? dst : gw;
          m.outPort[slot] = port;
          code = 0;
          if (trace !== null) rec(trace, m.flags, slot, this.index, EV.ROUTE, id, gw);
        }
      } else if (k === K_LOCAL || k === K_BROADCAST) {
        code = 1;
        if (trace !== null) rec(trace, m.flags, slot, this.index, EV.LOCAL, id);
      } else if (k === K_BLACKHOLE) drop = Drop.ROUTE_BLACKHOLE;
      else if (k === K_UNREACHABLE) {
        drop = Drop.ROUTE_UNREACHABLE;
        icmpCode = 1;
      } else if (k === K_PROHIBIT) {
        drop = Drop.ROUTE_PROHIBIT;
        icmpCode = 13;
      } else {
        drop = Drop.NO_ROUTE;
        icmpCode = 0;
      }
    }
    if (drop !== 0) {
      if (icmpCode >= 0 && !output && ifi >= 0 && st.icmp) this.sendUnreachable(slot, icmpCode, ifi, v, ctx);
      dropIn(st, slot, drop, this.index, trace);
    }
    return code;
  }

  /**
   * mangle `action=route route-dst=G` (RouterOS: "forces packets to a specific gateway by ignoring normal
   * routing decision"): G must be on a connected network of the packet's table (a route to G whose hop is
   * on-link through a routed port); the packet then leaves that hop's interface for G. When G is not
   * directly reachable the packet is routed normally (UNCONFIRMED for RouterOS; Linux's old xt_ROUTE --gw
   * did the same). Packets for the router itself are delivered as usual.
   */
  private routeTo(slot: number, table: number, trace: StageContext['trace']): boolean {
    const st = this.st;
    const t = st.tables;
    const nh = t.nextHops;
    const g = this.routeDst![slot]!;
    const f = t.fibs[table];
    const id = f ? f.lookup(g) : 0;
    if (nh.kind[id] !== K_FORWARD) return false;
    const h = nh.hopStart[id]!;
    const oif = nh.hopIfIndex[h]!;
    const port = t.ifPort[oif]!;
    if (nh.hopGateway[h] !== 0 || port < 0 || t.ifMode[oif] !== 1) return false;
    st.outIf[slot] = oif;
    st.nextHop[slot] = g;
    st.pool.meta.outPort[slot] = port;
    if (trace !== null) rec(trace, st.pool.meta.flags, slot, this.index, EV.ROUTE, id, g | 0);
    return true;
  }

  /**
   * The policy decision for one packet (module comment, steps 1–6) when there are rules or a mark.
   * `t0`/`id0`: the table of pass 1's lookup and its result (reused, not looked up again). Returns a
   * next-hop group id (0 = no route), or minus a drop reason (a rule's drop, unreachable, table miss).
   */
  private decide(slot: number, src: number, dst: number, ifi: number, mk: number, v: number, t0: number, id0: number, trace: StageContext['trace']): number {
    const t = this.st.tables;
    const fibs = t.fibs;
    const kinds = t.nextHops.kind;
    const R = t.rules;
    const ss = R.stepStart;
    const srcMask = R.srcMask;
    const srcNet = R.srcNet;
    const dstMask = R.dstMask;
    const dstNet = R.dstNet;
    const ruleMark = R.mark;
    const ruleIf = R.inIf;
    const action = R.action;
    const flags = this.st.pool.meta.flags;
    const main = t.mainTable;
    const inVrf = v >= 0 && t.tableVrf[v] === 1;
    let idMain = -1;
    for (let step = 0; step < 6; step++) {
      // The step's own action.
      if (step === S_MANGLE) {
        if (mk !== 0 && mk <= fibs.length) {
          const T = mk - 1;
          const id = T === t0 ? id0 : lookupIn(fibs[T], dst);
          if (trace !== null) rec(trace, flags, slot, this.index, EV.ROUTE_TABLE, T, S_MANGLE);
          if (id !== 0) return id;
          if (t.tableVrf[T] === 1) return 0; // steered into a VRF: vrf-unreach
        }
      } else if (step === S_VRF_LOOKUP) {
        if (inVrf) {
          const id = v === t0 ? id0 : lookupIn(fibs[v], dst);
          if (trace !== null) rec(trace, flags, slot, this.index, EV.ROUTE_TABLE, v, S_VRF_LOOKUP);
          if (id !== 0) return id;
        }
      } else if (step === S_VRF_UNREACH) {
        if (inVrf) return 0;
      } else if (step === S_LOCAL) {
        idMain = main === t0 ? id0 : lookupIn(fibs[main], dst);
        const k = kinds[idMain]!;
        if (k === K_LOCAL || k === K_BROADCAST) {
          if (trace !== null) rec(trace, flags, slot, this.index, EV.ROUTE_TABLE, main, S_LOCAL);
          return idMain;
        }
      } else if (step === S_MAIN) {
        if (trace !== null) rec(trace, flags, slot, this.index, EV.ROUTE_TABLE, main, S_MAIN);
        if (idMain !== 0) return idMain;
      }
      // The rules that follow the step.
      const end = ss[step + 1]!;
      for (let r = ss[step]!; r < end; r++) {
        if ((src & srcMask[r]!) !== srcNet[r] || (dst & dstMask[r]!) !== dstNet[r]) continue;
        const rm = ruleMark[r]!;
        if (rm !== -1 && rm !== mk) continue;
        const ri = ruleIf[r]!;
        if (ri !== -1 && ri !== ifi) continue;
        const a = action[r]!;
        if (a === A_LOOKUP || a === A_ONLY) {
          const T = R.table[r]!;
          const fib = T >= 0 ? fibs[T] : null;
          let id = lookupIn(fib, dst);
          let outcome: number = RuleOutcome.FOUND;
          if (id !== 0 && R.minPrefix[r]! >= 0 && fib!.matchLength(dst) <= R.minPrefix[r]!) {
            id = 0;
            outcome = RuleOutcome.HIDDEN;
          } else if (id === 0) outcome = a === A_ONLY ? RuleOutcome.FAILED : RuleOutcome.MISSED;
          if (trace !== null) rec(trace, flags, slot, this.index, EV.ROUTE_RULE, r, outcome);
          if (id !== 0) {
            if (trace !== null) rec(trace, flags, slot, this.index, EV.ROUTE_TABLE, T, step);
            return id;
          }
          if (a === A_ONLY) return -Drop.RULE_TABLE_MISS;
        } else if (a === A_DROP) {
          if (trace !== null) rec(trace, flags, slot, this.index, EV.ROUTE_RULE, r, RuleOutcome.DROP);
          return -Drop.RULE_DROP;
        } else {
          if (trace !== null) rec(trace, flags, slot, this.index, EV.ROUTE_RULE, r, RuleOutcome.UNREACHABLE);
          return -Drop.RULE_UNREACHABLE;
        }
      }
    }
    return 0;
  }

  /** The `l4` word of the ECMP hash (module comment): protocol, plus ports of unfragmented TCP/UDP. */
  private l4Word(slot: number): number {
    const m = this.st.pool.meta;
    const proto = m.l4Proto[slot]!;
    const f = m.flags[slot]!;
    // PktFlag.L4 0x200, PktFlag.FRAGMENT 0x40
    if ((proto === 6 || proto === 17) && (f & 0x240) === 0x200) {
      const o = this.st.pool.frameOffset(slot) + m.l4Off[slot]!;
      return this.st.pool.view.getInt32(o) ^ proto;
    }
    return proto;
  }

  /** The VRF (table index) of a router-made packet whose cause did not say: the VRF holding its source. */
  private vrfOfSource(src: number): number {
    const t = this.st.tables;
    const a = t.localAddr;
    for (let k = 0; k < a.length; k++) if (a[k] === src) return t.localTable[k]!;
    return t.mainTable;
  }

  /** Martian-source check with many addresses: is `src` local in table `v`'s FIB? */
  private localByFib(v: number, src: number): boolean {
    const t = this.st.tables;
    const f = t.fibs[v];
    return f ? t.nextHops.kind[f.lookup(src)] === K_LOCAL : false;
  }

  /** ICMP destination unreachable (type 3) about `slot`, from the receiving interface's address, in VRF `v`. */
  private sendUnreachable(slot: number, code: number, ifi: number, v: number, ctx: StageContext): void {
    const st = this.st;
    const s = icmpError(st.pool, slot, 3, code, st.tables.ifAddr[ifi]!, 0, ctx.nowSec, ctx.nowNsec, st.icmpLimiter);
    if (s < 0) return;
    st.inIf[s] = -1;
    if (ctx.trace !== null) rec(ctx.trace, st.pool.meta.flags, slot, this.index, EV.ICMP, 3, code);
    st.injectNew(st.at.routingOutput, s, ctx.trace);
    st.vrfTable[s] = v;
  }
}

/** Key of an address in the martian-source filter (Routing.localBits). */
function localKey(a: number): number {
  return (a ^ (a >>> 12)) & 0xfff;
}

function lookupIn(fib: Dir24Fib | null | undefined, dst: number): number {
  return fib ? fib.lookup(dst) : 0;
}

/** Is (`a`, table `v`) among the first `n` local address pairs? (a handful of addresses: a scan beats a FIB miss) */
function localIn(addr: Int32Array, table: Int32Array, n: number, a: number, v: number): boolean {
  for (let k = 0; k < n; k++) if (addr[k] === a && table[k] === v) return true;
  return false;
}
