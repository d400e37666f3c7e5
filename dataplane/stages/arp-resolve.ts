/**
 * arp-resolve: the next hop's MAC (Linux neigh_output; RouterOS `/ip arp`), on the output side of the flow.
 *
 * Per packet: look up (next hop, out-interface) in the ArpTable. A complete entry gives the destination MAC
 * (next 0: ip4-rewrite) and counts as a use (STALE → DELAY). Otherwise:
 * - interface `arp=disabled` or `reply-only`: only static entries resolve → `arp-resolve-disabled`;
 * - start resolution (no entry or FAILED → INCOMPLETE; `arp-table-full` when there is no room) and, when
 *   it was not already in progress, send a broadcast ARP request out of the egress interface in a new slot
 *   (sender = the interface's MAC and primary address, straight to interface-tx);
 * - queue the packet on the entry, bounded as Linux bounds it (unres_qlen_bytes 212992 of skb truesize,
 *   about 101 full-size frames; tables/arp-table.ts): next 1 is `arp-wait`, a sink that leaves the slot with
 *   the ArpTable. A packet that does not fit pushes out the oldest ones (`arp-queue-overflow`).
 * The reply (arp-input) releases the queue to ip4-rewrite. Retransmissions and failures run on the flow's
 * clock in `timers` (flow.ts calls it as time advances), Linux's defaults: 3 broadcast requests 1 s apart
 * (mcast_solicit 3, retrans_time 1 s), failure 1 s after the third — failed resolutions drop their queue as
 * `arp-failed` and send ICMP 3/1 host unreachable to each packet's sender (Linux arp_error_report; source
 * address: stages/state.ts icmpErrorSource, rate limited) — the packet is quoted as queued, after srcnat,
 * and an error about a NATed connection is translated back to the real sender (stages/router-error.ts). Reachable times come from the interfaces'
 * `arp-timeout` (FlowState.drawArpReachable, redrawn every 300 s of flow time as Linux does).
 */
import type { StageContext } from '../graph';
import { NEXT_DROP } from '../graph';
import { Drop } from '../drop';
import type { TraceBuffer } from '../trace';
import { ArpState, ARP_DEFAULT_TIMEOUTS, skbTruesize } from '../tables/arp-table';
import { emitArpRequest } from './arp-request';
import { FlowStage, dropIn, rec, setFate, icmpErrorSource, EV, ArpMode, Fate, type FlowState } from './state';
import { icmpError } from '../ip4/icmp-gen';
import type { FirewallState } from '../firewall/state';
import { relateRouterError } from './router-error';

/**
 * The ArpTable's timers (Linux defaults). `reachable` is only the fallback: every interface has its own
 * reachable time from its `arp-timeout` (FlowState.drawArpReachable → ArpTable.setReachableTimes).
 */
const ARP_TIMEOUTS = { ...ARP_DEFAULT_TIMEOUTS };

export class ArpResolve extends FlowStage {
  constructor(
    st: FlowState,
    private readonly fw: FirewallState | null = null,
  ) {
    super('arp-resolve', ['ip4-rewrite', 'arp-wait'], st);
  }

  process(slots: Uint32Array, n: number, next: Uint8Array, ctx: StageContext): void {
    const st = this.st;
    const m = st.pool.meta;
    const arp = st.arp;
    const t = st.tables;
    const trace = ctx.trace;
    const now = st.now;
    const nextHop = st.nextHop;
    const outIf = st.outIf;
    const dstHi = st.dstHi;
    const dstLo = st.dstLo;
    for (let i = 0; i < n; i++) {
      const slot = slots[i]!;
      const ip = nextHop[slot]!;
      const oif = outIf[slot]!;
      let e = arp.lookup(ip, oif);
      if (e >= 0 && arp.complete(e)) {
        dstHi[slot] = arp.macHi(e);
        dstLo[slot] = arp.macLo(e);
        arp.use(e, now);
        if (trace !== null) rec(trace, m.flags, slot, this.index, EV.ARP_HIT, ip);
        next[i] = 0;
        continue;
      }
      const mode = t.arpMode[oif]!;
      if (mode === ArpMode.DISABLED || mode === ArpMode.REPLY_ONLY) {
        dropIn(st, slot, Drop.ARP_RESOLVE_DISABLED, this.index, trace);
        next[i] = NEXT_DROP;
        continue;
      }
      const inProgress = e >= 0 && arp.state(e) === ArpState.INCOMPLETE;
      if (!inProgress) {
        e = arp.resolveStart(ip, oif, now);
        if (e < 0) {
          dropIn(st, slot, Drop.ARP_TABLE_FULL, this.index, trace);
          next[i] = NEXT_DROP;
          continue;
        }
        this.request(oif, ip, -1, 0, slot, trace);
      }
      const out = arp.enqueue(e, slot, skbTruesize(m.len[slot]!));
      if (out < 0) {
        // nothing to wait in (a slot number the table cannot link)
        dropIn(st, slot, Drop.ARP_QUEUE_OVERFLOW, this.index, trace);
        next[i] = NEXT_DROP;
        continue;
      }
      st.waiting++;
      for (let k = 0; k < out; k++) {
        st.waiting--;
        st.dropSlot(arp.pushed[k]!, Drop.ARP_QUEUE_OVERFLOW, this.index, trace);
      }
      setFate(st, slot, Fate.QUEUED, ip);
      if (trace !== null) rec(trace, m.flags, slot, this.index, EV.ARP_QUEUED, ip);
      next[i] = 1;
    }
  }

  /** Send an ARP request for `ip` out of `oif` (broadcast when hi < 0, else unicast to hi/lo: a probe). */
  request(oif: number, ip: number, hi: number, lo: number, cause: number, trace: TraceBuffer | null): void {
    const st = this.st;
    const s = emitArpRequest(st, oif, ip, hi, lo);
    if (s < 0) return;
    if (cause >= 0) m0(st, s, cause);
    if (trace !== null) {
      if (cause >= 0) rec(trace, st.pool.meta.flags, cause, this.index, EV.ARP_REQUEST, st.tables.ifPort[oif]!);
    }
    st.injectNew(st.at.interfaceTx, s, trace);
  }

  /**
   * Run the ARP table's timers up to the flow clock: retransmit requests (broadcast while INCOMPLETE,
   * unicast probes), drop the queues of failed resolutions as `arp-failed` with ICMP 3/1 to their senders.
   */
  timers(ctx: StageContext): void {
    const st = this.st;
    const arp = st.arp;
    if (st.now >= st.arpRedrawAt) st.drawArpReachable();
    if (st.now < arp.nextDeadline) return;
    const ev = st.arpEvents;
    arp.expire(st.now, ARP_TIMEOUTS, ev);
    for (let k = 0; k < ev.requestCount; k++) {
      const e = ev.requests[k]!;
      const probe = arp.state(e) === ArpState.PROBE;
      this.request(arp.ifIndex(e), arp.ip(e), probe ? arp.macHi(e) : -1, probe ? arp.macLo(e) : 0, -1, ctx.trace);
    }
    for (let k = 0; k < ev.dropCount; k++) {
      const slot = ev.drops[k]!;
      st.waiting--;
      const ifi = st.inIf[slot]!;
      if (st.icmp && ifi >= 0) {
        const s = icmpError(st.pool, slot, 3, 1, icmpErrorSource(st, slot, ifi), 0, ctx.nowSec, ctx.nowNsec, st.icmpLimiter);
        if (s >= 0) {
          st.inIf[s] = -1;
          relateRouterError(st, this.fw, s);
          if (ctx.trace !== null) rec(ctx.trace, st.pool.meta.flags, slot, this.index, EV.ICMP, 3, 1);
          st.injectNew(st.at.routingOutput, s, ctx.trace);
        }
      }
      st.dropSlot(slot, Drop.ARP_FAILED, this.index, ctx.trace);
    }
  }
}

/** A request made for a traced packet is traced too. */
function m0(st: FlowState, s: number, cause: number): void {
  const f = st.pool.meta.flags;
  if ((f[cause]! & 0x2000) !== 0) f[s]! |= 0x2000;
}
