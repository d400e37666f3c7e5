/**
 * ip4-fragment: the egress MTU check (Linux ip_finish_output → ip_fragment), after postrouting and before
 * neighbour resolution. A packet that fits the out-interface's `mtu` passes. A larger one:
 * - DF clear: split into fragments (dataplane/ip4 fragmentIpv4: Linux ip_do_fragment); the packet's own slot
 *   becomes the first fragment, the others (new slots) get the same out-interface and next hop and follow
 *   it to arp-resolve in order (in a vector holding such a packet every packet is handed on in order by
 *   the stage itself, so none overtakes another);
 * - DF set: dropped as `fragmentation-needed`, with ICMP 3/4 carrying the MTU to the sender (never rate
 *   limited, as Linux) — only for forwarded packets; the router's own packets are never that large here.
 *   The error quotes the packet as it arrived: Linux's ip_forward checks the MTU before it decrements the
 *   TTL, so the TTL ip4-forward took off is put back in the (dropped) packet first — and before srcnat, so
 *   a source translation is undone too (stages/router-error.ts: the error goes to the real sender, quoting
 *   its own packet; a dst-nat is translated back on the error's way out). Its source address is
 *   stages/state.ts icmpErrorSource's.
 * A fragmentation that fails (`fragmentation-failed`, `pool-exhausted`) drops the packet with that reason.
 */
import type { StageContext } from '../graph';
import { NEXT_DROP } from '../graph';
import { Drop } from '../drop';
import { PktFlag } from '../buf/meta';
import { needsFragmentation, fragmentIpv4 } from '../ip4/fragment';
import { icmpError } from '../ip4/icmp-gen';
import { ipv4RewriteTtl } from '../wire/checksum';
import { FlowStage, dropIn, rec, icmpErrorSource, EV, type FlowState } from './state';
import type { FirewallState } from '../firewall/state';
import { quotePreSnat, relateRouterError } from './router-error';

export class Ip4Fragment extends FlowStage {
  /** Fragments of one packet (a 64 KiB packet into MTU 68 needs 1366: such packets fail as fragmentation-failed). */
  private readonly frags = new Uint32Array(64);
  private out = new Uint32Array(0);

  constructor(
    st: FlowState,
    nextStage: string,
    private readonly fw: FirewallState | null = null,
  ) {
    super('ip4-fragment', [nextStage, 'arp-wait'], st);
  }

  process(slots: Uint32Array, n: number, next: Uint8Array, ctx: StageContext): void {
    const st = this.st;
    const pool = st.pool;
    const m = pool.meta;
    const mtuOf = st.tables.mtu;
    const l3Len = m.l3Len;
    const outIf = st.outIf;
    const flags = m.flags;
    // Fast path: nothing in the vector is larger than its out-interface's MTU (GSO super-frames are cut
    // into fitting segments at the port: PktFlag.GSO).
    let big = false;
    for (let i = 0; i < n; i++) {
      const slot = slots[i]!;
      next[i] = 0;
      if (l3Len[slot]! > mtuOf[outIf[slot]!]! && (flags[slot]! & PktFlag.GSO) === 0) big = true;
    }
    if (big) this.slow(slots, n, next, ctx);
  }

  /**
   * Some packet needs fragmenting: every surviving packet and fragment is handed to arp-resolve here, in
   * vector order (fragments right behind their first), and the vector itself goes to `arp-wait` (next 1),
   * which holds nothing — so no packet overtakes another.
   */
  private slow(slots: Uint32Array, n: number, next: Uint8Array, ctx: StageContext): void {
    const st = this.st;
    const pool = st.pool;
    const m = pool.meta;
    const trace = ctx.trace;
    const frags = this.frags;
    let outN = 0;
    const out = this.out.length >= n * frags.length ? this.out : (this.out = new Uint32Array(n * frags.length));
    for (let i = 0; i < n; i++) {
      const slot = slots[i]!;
      const oif = st.outIf[slot]!;
      const mtu = st.tables.mtu[oif]!;
      const need = m.etherType[slot] === 0x0800 ? needsFragmentation(pool, slot, mtu) : 0;
      if (need === 0) {
        out[outN++] = slot;
        next[i] = 1;
        continue;
      }
      if (need === 2) {
        const ifi = st.inIf[slot]!;
        if (st.icmp && ifi >= 0) {
          const ip = pool.frameOffset(slot) + m.l3Off[slot]!;
          const ttl = pool.bytes[ip + 8]!;
          if (ttl < 255) ipv4RewriteTtl(pool.bytes, ip, ttl + 1);
          quotePreSnat(st, this.fw, slot);
          const s = icmpError(pool, slot, 3, 4, icmpErrorSource(st, slot, ifi), mtu, ctx.nowSec, ctx.nowNsec, st.icmpLimiter);
          if (s >= 0) {
            st.inIf[s] = -1;
            relateRouterError(st, this.fw, s);
            if (trace !== null) rec(trace, m.flags, slot, this.index, EV.ICMP, 3, 4);
            st.injectNew(st.at.routingOutput, s, trace);
            st.vrfTable[s] = st.vrfTable[slot]!; // routed back in the sender's VRF
          }
        }
        dropIn(st, slot, Drop.FRAGMENTATION_NEEDED, this.index, trace);
        next[i] = NEXT_DROP;
        continue;
      }
      const k = fragmentIpv4(pool, slot, mtu, frags);
      if (k < 0) {
        dropIn(st, slot, -k, this.index, trace);
        next[i] = NEXT_DROP;
        continue;
      }
      if (trace !== null) rec(trace, m.flags, slot, this.index, EV.FRAGMENTED, k, mtu);
      out[outN++] = slot;
      next[i] = 1;
      for (let j = 1; j < k; j++) {
        const f = frags[j]!;
        st.outIf[f] = oif;
        st.inIf[f] = st.inIf[slot]!;
        st.nextHop[f] = st.nextHop[slot]!;
        st.serial[f] = 0;
        st.fate[f] = 0;
        if (trace !== null && (m.flags[f]! & 0x2000) !== 0) trace.begin(f);
        out[outN++] = f;
      }
    }
    st.graph.inject(st.at.arpResolve, out, outN);
  }
}
