/**
 * routing: the routing decision (RouterOS flow (a)/(b) "routing decision"; (c) for router-made packets).
 *
 * One longest-prefix lookup of the destination in the FIB of the incoming interface's table (main, or its
 * VRF's; generation.ts puts the router's own addresses and subnet broadcasts in the same FIB as /32s), then
 * by the next-hop group's kind:
 * - local / broadcast → to the router (next 1: the input path). 255.255.255.255 and multicast
 *   destinations go there too (flowplane does not route multicast).
 * - forward → one hop of the group (ECMP: a hash of source and destination, RouterOS's default
 *   `ipv4-multipath-hash-policy=l3`); the hop's gateway, or the destination itself for an on-link hop, is
 *   what arp-resolve resolves; out-interface and out-port are set (next 0). A bridge has a virtual port
 *   (control/compile/generation.ts) that bridge-output maps to a real one; a hop out of a VLAN interface
 *   is not routed yet.
 * - lookup (`gateway=<vrf>` leaks) → one more lookup in that table; a second leak is `route-loop`.
 * - no match → `no-route` + ICMP 3/0 net unreachable; blackhole → `route-blackhole` (silent);
 *   unreachable → `route-unreachable` + ICMP 3/1; prohibit → `route-prohibit` + ICMP 3/13 (Linux's
 *   RTN_UNREACHABLE / RTN_PROHIBIT answers).
 * Input mode also drops a packet whose source is one of the router's addresses (`martian-source`, Linux
 * fib_validate_source; any VRF's addresses, scanned in a list when there are at most 16, else looked up). Output mode (`routing-output`, router-made packets: echo replies, ICMP errors)
 * routes in main and never sends ICMP.
 * Policy routing (routing marks, `/routing rule`) comes later.
 */
import { NEXT_DROP as NEXT_DROP_CODE, type StageContext } from '../graph';
import { Drop } from '../drop';
import { icmpError } from '../ip4/icmp-gen';
import { FlowStage, dropIn, rec, EV, type FlowState } from './state';

// Next-hop kinds as module constants (stages/state.ts NH): a literal, not a property chain per packet.
const K_NONE = 0;
const K_FORWARD = 1;
const K_BLACKHOLE = 2;
const K_UNREACHABLE = 3;
const K_PROHIBIT = 4;
const K_LOCAL = 5;
const K_BROADCAST = 6;
const K_LOOKUP = 7;
const DROP_NEXT = NEXT_DROP_CODE; // graph.ts NEXT_DROP

/** `a` among the first `n` entries of `list` (a router has a handful of addresses: a scan beats a FIB miss). */
function inList(list: Int32Array, n: number, a: number): boolean {
  for (let k = 0; k < n; k++) if (list[k] === a) return true;
  return false;
}

export class Routing extends FlowStage {
  constructor(
    st: FlowState,
    private readonly output: boolean,
    forwardStage: string,
    localStage: string,
  ) {
    super(output ? 'routing-output' : 'routing', [forwardStage, localStage], st);
  }

  private localsSrc: Uint32Array | null = null;
  private localsI: Int32Array = new Int32Array(0);
  /** The local addresses as int32 (the same bits), made once per table generation. */
  private localsI32(a: Uint32Array): Int32Array {
    if (this.localsSrc !== a) {
      this.localsSrc = a;
      this.localsI = Int32Array.from(a, (x) => x | 0);
    }
    return this.localsI;
  }

  // Per-vector scratch, grown (rarely: once per larger vector size) when a vector is longer.
  // Addresses as int32 (a Uint32Array read >= 2^31 is a heap number in V8; int32 stays a small integer).
  private dsts = new Int32Array(256);
  private dstsU = new Uint32Array(this.dsts.buffer);
  private srcs = new Int32Array(256);
  private ids = new Uint32Array(256);

  process(slots: Uint32Array, n: number, next: Uint8Array, ctx: StageContext): void {
    const st = this.st;
    const pool = st.pool;
    const m = pool.meta;
    const b = pool.bytes;
    const t = st.tables;
    const nh = t.nextHops;
    const kinds = nh.kind;
    const trace = ctx.trace;
    const output = this.output;
    const locals = this.localsI32(t.localAddrs);
    const nLocal = locals.length;
    const start = m.start;
    const l3Off = m.l3Off;
    const outPort = m.outPort;
    const slotSize = pool.slotSize;
    const inIf = st.inIf;
    const outIf = st.outIf;
    const nextHop = st.nextHop;
    const fibs = t.fibs;
    const fibOfIf = t.fibOfIf;
    const hopStart = nh.hopStart;
    const hopCount = nh.hopCount;
    const hopIfIndex = nh.hopIfIndex;
    const hopGateway = nh.hopGateway;
    const ifPort = t.ifPort;
    const ifMode = t.ifMode;
    const mainTable = t.mainTable;
    // Pass 1: addresses and tables. When the whole vector is routed in one table (the common case), the
    // destinations are looked up as a batch (Dir24Fib.lookupVector): independent loads back to back let the
    // CPU overlap their cache/TLB misses in the 64 MB tbl24.
    if (n > this.dsts.length) {
      this.dsts = new Int32Array(n);
      this.dstsU = new Uint32Array(this.dsts.buffer);
      this.srcs = new Int32Array(n);
      this.ids = new Uint32Array(n);
    }
    const dsts = this.dsts;
    const srcs = this.srcs;
    const ids = this.ids;
    let first = -2;
    let uniform = true;
    for (let i = 0; i < n; i++) {
      const slot = slots[i]!;
      const ip = slot * slotSize + start[slot]! + l3Off[slot]!;
      srcs[i] = (b[ip + 12]! << 24) | (b[ip + 13]! << 16) | (b[ip + 14]! << 8) | b[ip + 15]!;
      dsts[i] = (b[ip + 16]! << 24) | (b[ip + 17]! << 16) | (b[ip + 18]! << 8) | b[ip + 19]!;
      const ifi = inIf[slot]!;
      const table = output || ifi < 0 ? mainTable : fibOfIf[ifi]!;
      if (first === -2) first = table;
      else if (table !== first) uniform = false;
    }
    const batchFib = uniform && first >= 0 ? fibs[first] : null;
    if (batchFib) batchFib.lookupVector(this.dstsU, ids, n);
    for (let i = 0; i < n; i++) {
      const slot = slots[i]!;
      const src = srcs[i]!;
      const dst = dsts[i]!;
      const ifi = inIf[slot]!;
      const fib = batchFib ?? fibs[output || ifi < 0 ? mainTable : fibOfIf[ifi]!];
      let drop = 0;
      let icmpCode = -1;
      let code = DROP_NEXT;
      if (fib === null || fib === undefined) {
        drop = Drop.NO_ROUTE;
      } else if (dst === -1 || (dst & 0xf0000000) === (0xe0000000 | 0)) {
        code = 1;
        if (trace !== null) rec(trace, m.flags, slot, this.index, EV.LOCAL, 0);
      } else if (!output && (nLocal <= 16 ? inList(locals, nLocal, src) : kinds[fib.lookup(src)] === K_LOCAL)) {
        drop = Drop.MARTIAN_SOURCE;
      } else {
        let id = batchFib ? ids[i]! : fib.lookup(dst);
        let k = kinds[id]!;
        if (k === K_LOOKUP) {
          const f2 = fibs[nh.lookupTable[id]!];
          id = f2 ? f2.lookup(dst) : 0;
          k = kinds[id]!;
          if (k === K_LOOKUP) {
            k = K_NONE;
            drop = Drop.ROUTE_LOOP;
          }
        }
        if (drop !== 0) {
          // route-loop already set
        } else if (k === K_FORWARD) {
          const cnt = hopCount[id]!;
          let h = hopStart[id]!;
          if (cnt > 1) {
            let x = Math.imul(src ^ dst, 0x9e3779b1);
            x ^= x >>> 15;
            h += (x >>> 0) % cnt;
          }
          const oif = hopIfIndex[h]!;
          const gw = hopGateway[h]!;
          const port = ifPort[oif]!;
          if (port < 0 || ifMode[oif] !== 1) drop = Drop.BRIDGE_NOT_IMPLEMENTED;
          else {
            outIf[slot] = oif;
            nextHop[slot] = gw === 0 ? dst : gw;
            outPort[slot] = port;
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
        if (icmpCode >= 0 && !output && ifi >= 0 && st.icmp) this.sendUnreachable(slot, icmpCode, ifi, ctx);
        dropIn(st, slot, drop, this.index, trace);
      }
      next[i] = code;
    }
  }

  /** ICMP destination unreachable (type 3) about `slot`, from the receiving interface's address. */
  private sendUnreachable(slot: number, code: number, ifi: number, ctx: StageContext): void {
    const st = this.st;
    const s = icmpError(st.pool, slot, 3, code, st.tables.ifAddr[ifi]!, 0, ctx.nowSec, ctx.nowNsec, st.icmpLimiter);
    if (s < 0) return;
    st.inIf[s] = -1;
    if (ctx.trace !== null) rec(ctx.trace, st.pool.meta.flags, slot, this.index, EV.ICMP, 3, code);
    st.injectNew(st.at.routingOutput, s, ctx.trace);
  }
}
