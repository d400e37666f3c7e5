/**
 * arp-input: ARP packets arriving on the router's interfaces (Linux arp_process, RouterOS `/ip arp` and the
 * interfaces' `arp=` mode, ROUTEROS-FLOW.md §5 and the manual's ARP page).
 *
 * Per packet, on interface `if` with mode `arp=` (generation.ts ARP_MODE):
 * - `disabled`: ignored (`arp-ignored`; Linux IFF_NOARP). Neither answered nor learned.
 * - **Answering a request** (every mode but disabled), in place (arpMakeReply: Ethernet src = our MAC,
 *   dst = the asker; out through interface-tx on `if`), when the target address (TPA) is
 *   - one of our addresses on `if` (Linux would answer for addresses of other interfaces too, arp_ignore=0:
 *     which RouterOS does is **UNCONFIRMED**; flowplane answers only for the receiving interface's);
 *   - or, in modes enabled/proxy-arp/local-proxy-arp, routed (a forward route in the interface's table;
 *     the first hop of an ECMP group decides) and (Linux arp_process → arp_fwd_proxy / arp_fwd_pvlan):
 *     `proxy-arp` — the route leaves by another interface ("replies for hosts behind other interfaces");
 *     `local-proxy-arp` — the route leaves by `if` itself and the asker is not asking for its own address
 *     (Linux proxy_arp_pvlan: "proxy ARP to/from this interface only");
 *     or a `published=yes` static `/ip arp` entry on `if` names TPA (RouterOS: "respond with its own MAC
 *     ... only when the device has an active route towards the destination"; Linux's pneigh also wants the
 *     route to leave by another interface — RouterOS users publish NAT addresses of the same subnet, so
 *     flowplane does not ask for that).
 *   Linux answers proxied *broadcast* requests after a random delay (proxy_delay, up to 0.8 s); RouterOS's
 *   setting is **UNCONFIRMED**; flowplane answers at once (deterministic replay).
 * - **Learning** (not in reply-only or disabled: reply-only resolves through static entries only; SPA
 *   0.0.0.0, address probes, teaches nothing): as Linux (arp_accept=0), the sender (SPA, SHA) is learned
 *   when the router answers its request, and an existing entry for it is updated by any ARP it sends —
 *   REACHABLE for a unicast reply, STALE otherwise (neigh_update: requests and broadcast replies do not
 *   assert reachability). An unsolicited reply creates nothing. An entry that was INCOMPLETE releases its
 *   queued packets: they get the MAC and go to ip4-rewrite, in arrival order.
 * - Every other ARP packet is consumed: a reply is "delivered to the router" (local-in, whether it taught
 *   something or not); a request nobody answers is `arp-ignored` (after updating a known sender).
 */
import type { StageContext } from '../graph';
import { NEXT_DROP } from '../graph';
import { Drop } from '../drop';
import { ARP_SHA, ArpOp, arpMakeReply, arpOper, arpSpa, arpTpa } from '../wire/arp';
import { macCopy } from '../wire/ethernet';
import { FlowStage, dropIn, rec, EV, NH, ArpMode, Fate, type FlowState } from './state';
import { PktFlag } from '../buf/meta';

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

  /**
   * Should a request for `tpa` from `spa` on `ifi` (mode `mode`) be answered with our MAC although `tpa` is
   * not ours? 0 = no, 1 = proxy-arp, 2 = local-proxy-arp, 3 = a published entry (the ARP_PROXY trace codes).
   */
  private proxied(tpa: number, spa: number, ifi: number, mode: number): number {
    if (mode === ArpMode.REPLY_ONLY || mode === ArpMode.DISABLED) return 0;
    const o = tpa >>> 24;
    if (o === 0 || o === 127 || o >= 224) return 0; // Linux: no ARP for multicast/loopback targets
    const t = this.st.tables;
    const fib = t.fibs[t.fibOfIf[ifi]!];
    if (!fib) return 0;
    const id = fib.lookup(tpa);
    const nh = t.nextHops;
    if (id === 0 || nh.kind[id] !== NH.FORWARD || nh.hopCount[id] === 0) return 0;
    const oif = nh.hopIfIndex[nh.hopStart[id]!]!;
    if (mode === ArpMode.PROXY_ARP && oif !== ifi) return 1;
    if (mode === ArpMode.LOCAL_PROXY_ARP && oif === ifi && spa !== tpa) return 2;
    const e = this.st.arp.lookup(tpa, ifi);
    return e >= 0 && this.st.arp.published(e) ? 3 : 0;
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
      const mode = ifi >= 0 ? t.arpMode[ifi]! : ArpMode.DISABLED;
      const op = arpOper(b, a);
      if (mode === ArpMode.DISABLED || (op !== ArpOp.REQUEST && op !== ArpOp.REPLY)) {
        dropIn(st, slot, Drop.ARP_IGNORED, this.index, trace);
        next[i] = NEXT_DROP;
        continue;
      }
      const spa = arpSpa(b, a);
      const tpa = arpTpa(b, a);
      let answer = false;
      let proxy = 0;
      if (op === ArpOp.REQUEST) {
        answer = this.ours(tpa, ifi);
        if (!answer && spa !== 0) {
          proxy = this.proxied(tpa, spa, ifi, mode);
          answer = proxy !== 0;
        }
      }
      if (spa !== 0 && mode !== ArpMode.REPLY_ONLY && (answer || arp.lookup(spa, ifi) >= 0)) {
        const shaHi = (b[a + ARP_SHA]! << 8) | b[a + ARP_SHA + 1]!;
        const shaLo = ((b[a + ARP_SHA + 2]! << 24) | (b[a + ARP_SHA + 3]! << 16) | (b[a + ARP_SHA + 4]! << 8) | b[a + ARP_SHA + 5]!) >>> 0;
        const reachable = op === ArpOp.REPLY && (m.flags[slot]! & PktFlag.MULTICAST) === 0;
        const k = arp.confirm(spa, ifi, shaHi, shaLo, now, st.released, reachable);
        if (trace !== null) rec(trace, m.flags, slot, this.index, EV.ARP_LEARN, spa);
        if (k > 0) this.release(k, shaHi, shaLo, spa, ctx);
      }
      if (answer) {
        arpMakeReply(b, a, t.macs, ifi * 6);
        macCopy(b, f, b, f + 6);
        macCopy(b, f + 6, t.macs, ifi * 6);
        m.outPort[slot] = m.inPort[slot]!;
        st.outIf[slot] = ifi;
        if (trace !== null) rec(trace, m.flags, slot, this.index, proxy === 0 ? EV.ARP_REPLY : EV.ARP_PROXY, tpa, proxy);
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
