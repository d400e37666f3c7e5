/**
 * fasttrack: RouterOS FastTrack's shortcut (ROUTEROS-FLOW.md §1 "FastTrack", §4 "FastTrack still applies the
 * stored mapping"). In the graph right after ip4-input, only when connection tracking is on and some filter or
 * mangle rule has `action=fasttrack-connection`.
 *
 * A packet of a connection that a rule marked fasttracked (conntrack flag F, CtStatus.FASTTRACK) skips the
 * whole slow path — raw, conntrack's state machine and accounting, mangle, the nat chains, the filter, the
 * global queue trees and simple queues, VRF assignment — and takes this way instead:
 *   1. one conntrack lookup of its tuple (the only conntrack work);
 *   2. the routing decision in the **main table only** (marks and VRFs are ignored, as RouterOS says), on the
 *      destination the stored NAT gives it;
 *   3. the stored NAT applied to both sides (conntrack/nat.ts rewriteDst / rewriteSrc, incremental checksums);
 *   4. TTL decremented (checksum patched, as ip4-forward does);
 *   5. on to ip4-fragment → arp-resolve → ip4-rewrite → interface-queue (interface queues still apply) → out.
 * It counts in the connection's fasttrack counters (ConnTable.ftPackets / ftBytes, both directions together)
 * and in the router's (FirewallState.ftPackets / ftBytes: the counters of the dynamic "special dummy rule to
 * show fasttrack counters", FirewallState.fasttrackDummy). The conntrack entry's own packet/byte counters
 * count only slow-path packets.
 *
 * **Which packets still take the slow path** (RouterOS: "some packets still take the slow path to refresh
 * conntrack", details unpublished; what is done here, Linux nf_flow_table-like):
 * - TCP segments with SYN, FIN or RST, and every segment of a connection whose TCP state is not established
 *   (so the state machine sees the close; Linux's flowtable tears the offload down on FIN/RST the same way);
 * - the first packet of a connection at least `FT_REFRESH` (1 s) after conntrack last refreshed the entry:
 *   it walks the slow path, which restarts the entry's timeout (the fast path never touches it, so an idle
 *   fasttracked connection times out as any other), at most one such packet per connection per second;
 * - anything the shortcut does not handle: fragments, a TTL of 1 or less (ip4-forward answers time
 *   exceeded), a main-table route other than one hop through a routed port, bridge or VLAN interface (local,
 *   ECMP, blackhole, unreachable, no route), multicast and broadcast destinations.
 * A slow-path packet of a fasttracked connection is an ordinary packet: conntrack accounts it, the hooks walk
 * it (the default rules fasttrack it again and the `accept` after the fasttrack rule counts it).
 *
 * Not here: FastTrack's preconditions beyond the config (sniffer/torch/MetaRouter, `allow-fast-path`, bridge
 * FastPath when crossing a bridge) — flowplane has none of those blockers running, so the shortcut is always on
 * when a fasttrack rule exists; hardware offload (`hw-offload=yes`) is read as plain FastTrack.
 */
import type { StageContext } from '../graph';
import { traceEvent } from '../trace';
import { CtStatus } from '../conntrack/table';
import { Tcp } from '../conntrack/tcp-state';
import { rewriteDst, rewriteSrc } from '../conntrack/nat';
import { A, CS } from '../firewall/rules';
import type { FirewallState } from '../firewall/state';
import type { FirewallTables } from '../firewall/tables';
import { FlowStage, rec, type FlowState, type FlowTables } from './state';

/** Seconds after conntrack's last refresh of a fasttracked entry when one packet takes the slow path again. */
export const FT_REFRESH = 1;

/** Why a fasttracked connection's packet took the slow path (trace `fasttrack-slow` argument). */
export const FtSlow = { TCP_FLAGS: 1, TCP_STATE: 2, REFRESH: 3, TTL: 4, ROUTE: 5 } as const;
const FT_SLOW_NAMES = ['', 'TCP SYN/FIN/RST', 'TCP state not established', 'conntrack refresh due', 'TTL <= 1', 'route needs the slow path'];

export const FT_EV = {
  /** a = connection id, b = direction (0 original, 1 reply). */
  FAST: traceEvent('fasttrack', (a, b) => `connection ${a} (${b ? 'reply' : 'original'} direction): fast path, main table`, {
    a: ['connection', 'int'],
    b: ['direction', (v) => (v ? 'reply' : 'original')],
  }),
  /** a = connection id, b = FtSlow reason. */
  SLOW: traceEvent('fasttrack-slow', (a, b) => `connection ${a} is fasttracked; this packet takes the slow path (${FT_SLOW_NAMES[b] ?? b})`, {
    a: ['connection', 'int'],
    b: ['reason', (v) => FT_SLOW_NAMES[v] ?? v],
  }),
};

/** Does this configuration fasttrack anything (a filter or mangle rule with action=fasttrack-connection)? */
export function fasttrackUsed(fw: FirewallTables): boolean {
  for (const t of [fw.filter, fw.mangle]) for (let r = 0; r < t.n; r++) if (t.action[r] === A.FASTTRACK) return true;
  return false;
}

// Next-hop kind "forward" (stages/state.ts NH.FORWARD) as a literal.
const K_FORWARD = 1;

export class FastTrack extends FlowStage {
  // Per next-hop group of the main table (made once per table generation, as the routing stage does): the
  // out-port, out-interface and gateway of a group with one forward hop through a routed port; port -1 for
  // every other group (the slow path decides those).
  private prepared: FlowTables | null = null;
  private fastPort = new Int32Array(0);
  private fastOif = new Int32Array(0);
  private fastGw = new Int32Array(0);

  /** `slowStage`: the normal prerouting path (raw-prerouting or conntrack); `fastStage`: ip4-fragment. */
  constructor(
    st: FlowState,
    private readonly fw: FirewallState,
    slowStage: string,
    fastStage: string,
  ) {
    super('fasttrack', [slowStage, fastStage], st);
  }

  private prepare(t: FlowTables): void {
    this.prepared = t;
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
  }

  process(slots: Uint32Array, n: number, next: Uint8Array, ctx: StageContext): void {
    const fw = this.fw;
    // Nothing fasttracked yet: everything takes the slow path, at the cost of this loop.
    if (fw.ftMarked === 0) {
      next.fill(0, 0, n);
      return;
    }
    const st = this.st;
    const t = st.tables;
    if (this.prepared !== t) this.prepare(t);
    const fib = t.fibs[t.mainTable];
    const pool = st.pool;
    const m = pool.meta;
    const b = pool.bytes;
    const v = pool.view;
    const flags = m.flags;
    const start = m.start;
    const l3Off = m.l3Off;
    const l4Off = m.l4Off;
    const slotSize = pool.slotSize;
    const ct = fw.ct;
    const tup = ct.tup;
    const status = ct.status;
    const pstate = ct.pstate;
    const expires = ct.expires;
    const cs = fw.tables.conntrack;
    const tcpEst = cs.tcpTimeouts[Tcp.ESTABLISHED]!;
    const udpTo = cs.udpTimeout;
    const udpStream = cs.udpStreamTimeout;
    const fastPort = this.fastPort;
    const fastOif = this.fastOif;
    const fastGw = this.fastGw;
    const main = t.mainTable;
    const trace = ctx.trace;
    const now = st.now;
    let ftPackets = 0;
    let ftBytes = 0;
    for (let i = 0; i < n; i++) {
      const slot = slots[i]!;
      next[i] = 0;
      const fl = flags[slot]!;
      // PktFlag.L4 0x200 set, FRAGMENT 0x40 clear: a whole TCP/UDP datagram.
      if ((fl & 0x240) !== 0x200) continue;
      const frame = slot * slotSize + start[slot]!;
      const ip = frame + l3Off[slot]!;
      const proto = b[ip + 9]!;
      if (proto !== 6 && proto !== 17) continue;
      const l4 = frame + l4Off[slot]!;
      const ref = ct.lookup(v.getInt32(ip + 12), v.getInt32(ip + 16), v.getInt32(l4), proto, now);
      if (ref < 0) continue;
      const id = ref >> 1;
      const s = status[id]!;
      if ((s & CtStatus.FASTTRACK) === 0) continue;
      // The slow-path exceptions (module comment).
      let slow = 0;
      let timeout: number;
      if (proto === 6) {
        if ((b[l4 + 13]! & 0x07) !== 0) slow = FtSlow.TCP_FLAGS;
        else if (pstate[id] !== Tcp.ESTABLISHED) slow = FtSlow.TCP_STATE;
        timeout = tcpEst;
      } else timeout = s & CtStatus.SEEN_REPLY ? udpStream : udpTo;
      if (slow === 0 && now - (expires[id]! - timeout) >= FT_REFRESH) slow = FtSlow.REFRESH;
      if (slow === 0 && b[ip + 8]! <= 1) slow = FtSlow.TTL;
      // Route in main on the destination the stored NAT gives the packet (the other tuple's source).
      const dst = tup[(ref ^ 1) * 4]!;
      let gid = 0;
      if (slow === 0) {
        gid = fib && dst >>> 28 < 14 ? fib.lookup(dst) : 0;
        if (fastPort[gid]! < 0) slow = FtSlow.ROUTE;
      }
      if (slow !== 0) {
        if (trace !== null) rec(trace, flags, slot, this.index, FT_EV.SLOW, id, slow);
        continue;
      }
      if ((s & (CtStatus.SRCNAT | CtStatus.DSTNAT)) !== 0) {
        rewriteDst(ct, ref, b, ip, l4);
        rewriteSrc(ct, ref, b, ip, l4);
      }
      // TTL - 1 with the checksum patched (RFC 1624; as ip4-forward).
      b[ip + 8] = b[ip + 8]! - 1;
      const sum = (~v.getUint16(ip + 10) & 0xffff) + 0xfeff;
      v.setUint16(ip + 10, ~((sum & 0xffff) + (sum >>> 16)));
      const gw = fastGw[gid]!;
      st.outIf[slot] = fastOif[gid]!;
      st.nextHop[slot] = gw === 0 ? dst : gw;
      m.outPort[slot] = fastPort[gid]!;
      st.vrfTable[slot] = main;
      m.connMark[slot] = ct.mark[id]!;
      fw.ctRef[slot] = ref;
      fw.ctInfo[slot] = CS.ESTABLISHED;
      fw.slotFlags[slot] = 0;
      const len = (b[ip + 2]! << 8) | b[ip + 3]!;
      ct.ftPackets[id] = ct.ftPackets[id]! + 1;
      ct.ftBytes[id] = ct.ftBytes[id]! + len;
      ftPackets++;
      ftBytes += len;
      next[i] = 1;
      if (trace !== null) rec(trace, flags, slot, this.index, FT_EV.FAST, id, ref & 1);
    }
    fw.ftPackets += ftPackets;
    fw.ftBytes += ftBytes;
  }
}
