/**
 * arp-input: ARP packets addressed to the router's interfaces (Linux arp_process, RouterOS `/ip arp`).
 *
 * Per packet, on interface `if` with mode `arp=` (generation.ts ARP_MODE):
 * - `disabled`: ignored (`arp-ignored`; Linux IFF_NOARP).
 * - Learning (modes other than disabled/reply-only; reply-only resolves through static entries only): the
 *   sender (SPA, SHA) is confirmed in the ArpTable when the target is one of our addresses on `if` —
 *   REACHABLE for a reply, STALE for a request (Linux neigh_event_ns) — and an existing entry is updated by
 *   any other ARP (gratuitous ARP); SPA 0.0.0.0 (address probes) teaches nothing. An entry that was
 *   INCOMPLETE releases its queued packets: they get the MAC and go to ip4-rewrite, in arrival order.
 * - A request for one of our addresses on `if` (or for a `published=yes` static entry) is answered in place
 *   (arpMakeReply, Ethernet src = our MAC, dst = the asker) and leaves through interface-tx on `if`.
 *   RouterOS/Linux (arp_ignore=0) would also answer for addresses on other interfaces: flowplane answers
 *   only for addresses of the receiving interface (**UNCONFIRMED** which RouterOS does). proxy-arp and
 *   local-proxy-arp answering are not implemented yet (they behave as enabled).
 * - Every other ARP packet is consumed: a reply is "delivered to the router" (local-in, whether it taught
 *   something or not); a request for somebody else is `arp-ignored` (after updating a known sender).
 */
import type { StageContext } from '../graph';
import { NEXT_DROP } from '../graph';
import { Drop } from '../drop';
import { ARP_SHA, ArpOp, arpMakeReply, arpOper, arpSpa, arpTpa } from '../wire/arp';
import { macCopy } from '../wire/ethernet';
import { FlowStage, dropIn, rec, EV, NH, ArpMode, Fate, type FlowState } from './state';

const NEXT_TX = 0;
const NEXT_LOCAL = 1;

export class ArpInput extends FlowStage {
  constructor(st: FlowState) {
    super('arp-input', ['interface-tx', 'local-in'], st);
  }

  /** Is `ip` one of the router's own addresses on interface `ifi` (a local next-hop group on it)? */
  private ours(ip: number, ifi: number): boolean {
    const t = this.st.tables;
    const fib = t.fibs[t.fibOfIf[ifi]!];
    if (!fib) return false;
    const id = fib.lookup(ip);
    const nh = t.nextHops;
    return id !== 0 && nh.kind[id] === NH.LOCAL && nh.hopIfIndex[nh.hopStart[id]!] === ifi;
  }

  process(slots: Uint32Array, n: number, next: Uint8Array, ctx: StageContext): void {
    const st = this.st;
    const pool = st.pool;
    const m = pool.meta;
    const b = pool.bytes;
    const t = st.tables;
    const arp = st.arp;
    const trace = ctx.trace;
    const now = st.now;
    for (let i = 0; i < n; i++) {
      const slot = slots[i]!;
      const ifi = st.inIf[slot]!;
      const f = pool.frameOffset(slot);
      const a = f + m.l3Off[slot]!;
      const mode = t.arpMode[ifi]!;
      const op = arpOper(b, a);
      if (mode === ArpMode.DISABLED || (op !== ArpOp.REQUEST && op !== ArpOp.REPLY)) {
        dropIn(st, slot, Drop.ARP_IGNORED, this.index, trace);
        next[i] = NEXT_DROP;
        continue;
      }
      const spa = arpSpa(b, a);
      const tpa = arpTpa(b, a);
      const forUs = this.ours(tpa, ifi);
      if (spa !== 0 && mode !== ArpMode.REPLY_ONLY) {
        const shaHi = (b[a + ARP_SHA]! << 8) | b[a + ARP_SHA + 1]!;
        const shaLo = ((b[a + ARP_SHA + 2]! << 24) | (b[a + ARP_SHA + 3]! << 16) | (b[a + ARP_SHA + 4]! << 8) | b[a + ARP_SHA + 5]!) >>> 0;
        if (forUs || arp.lookup(spa, ifi) >= 0) {
          const k = arp.confirm(spa, ifi, shaHi, shaLo, now, st.released, forUs && op === ArpOp.REPLY);
          if (trace !== null) rec(trace, m.flags, slot, this.index, EV.ARP_LEARN, spa);
          if (k > 0) this.release(k, shaHi, shaLo, spa, ctx);
        }
      }
      let answer = op === ArpOp.REQUEST && forUs;
      if (op === ArpOp.REQUEST && !answer) {
        const e = arp.lookup(tpa, ifi);
        answer = e >= 0 && arp.published(e);
      }
      if (answer) {
        arpMakeReply(b, a, t.macs, ifi * 6);
        macCopy(b, f, b, f + 6);
        macCopy(b, f + 6, t.macs, ifi * 6);
        m.outPort[slot] = m.inPort[slot]!;
        st.outIf[slot] = ifi;
        if (trace !== null) rec(trace, m.flags, slot, this.index, EV.ARP_REPLY, tpa);
        next[i] = NEXT_TX;
      } else if (op === ArpOp.REPLY) {
        next[i] = NEXT_LOCAL;
      } else {
        dropIn(st, slot, Drop.ARP_IGNORED, this.index, trace);
        next[i] = NEXT_DROP;
      }
    }
  }

  /** Send the packets that waited for `ip`: they get its MAC and go to ip4-rewrite. */
  private release(k: number, hi: number, lo: number, ip: number, ctx: StageContext): void {
    const st = this.st;
    const out = st.released;
    const flags = st.pool.meta.flags;
    for (let j = 0; j < k; j++) {
      const s = out[j]!;
      st.dstHi[s] = hi;
      st.dstLo[s] = lo;
      st.fate[s] = Fate.NONE;
      if (ctx.trace !== null) rec(ctx.trace, flags, s, this.index, EV.ARP_RELEASED, ip);
    }
    st.waiting -= k;
    st.arp.use(st.arp.lastEntry, st.now);
    st.graph.inject(st.at.ip4Rewrite, out, k);
  }
}
