/**
 * local-in: packets for the router itself (RouterOS flow (b) "local process"), after the input chains.
 * A sink. What happens by protocol (Linux ip_local_deliver_finish and the protocol handlers; RouterOS
 * documents only that ICMP echo is answered and TCP gets a reset, ROUTEROS-FLOW §5 — the rest is
 * Linux-derived, UNCONFIRMED for RouterOS):
 *
 * - **ICMP echo request** to a unicast address of the router: answered in place (dataplane/ip4
 *   icmpEchoReplyInPlace: addresses swapped, TTL 64) and the reply re-enters the flow at routing-output as a
 *   router-made packet (ip4-fragment splits it if it is larger than the egress MTU). To a broadcast or
 *   multicast address (link or IP, subnet broadcast included): ignored (`icmp-echo-ignored`, Linux
 *   icmp_echo_ignore_broadcasts=1). With bit 0 in `icmp-rate-mask` replies are rate limited too
 *   (`icmp-rate-limited`). Fragmented pings arrive whole: ip4-reassembly runs before the input chains.
 *   Other ICMP (replies, errors, timestamp...) is delivered (Linux would answer a timestamp request; not
 *   done).
 * - **UDP / TCP**: the checksum must verify (`l4-bad-checksum`, Linux drops silently). The destination port
 *   decides, from the config's listening ports (FlowTables.listenTcp / listenUdp, control/compile/ip-settings.ts:
 *   enabled `/ip service` items, DNS with allow-remote-requests, MNDP, bandwidth-server):
 *   - listening → delivered (fate `local`);
 *   - UDP, closed → dropped `udp-port-unreachable` with ICMP 3/3 port unreachable to the sender (Linux
 *     __udp4_lib_rcv), from the address the datagram was sent to, rate limited — but never for a
 *     broadcast/multicast destination (RFC 1122 3.2.2; Linux delivers those to sockets or drops them
 *     silently);
 *   - TCP, closed → the segment becomes a reset in place (dataplane/ip4/tcp-reset.ts, Linux
 *     tcp_v4_send_reset: RST|ACK acking seq+len for a segment without ACK, RST with seq = its ack
 *     otherwise), sent back through routing-output; a reset is never answered, nor a segment to a
 *     broadcast/multicast address (Linux tcp_v4_rcv discards pkt_type != PACKET_HOST): `tcp-no-listener`.
 * - **Anything else** (ARP replies the ARP stage consumed, GRE, OSPF, other protocols): delivered, counted
 *   per port and freed. Linux would answer a protocol without a handler with ICMP 3/2; which handlers a
 *   RouterOS kernel has loaded is not known (UNCONFIRMED), so flowplane sends nothing.
 * Errors are never sent about ICMP errors, fragments or broadcasts (icmpError's RFC 1812/1122 checks).
 */
import type { StageContext } from '../graph';
import { Drop } from '../drop';
import { PktFlag } from '../buf/meta';
import { icmpEchoReplyInPlace, icmpError } from '../ip4/icmp-gen';
import { tcpResetInPlace } from '../ip4/tcp-reset';
import { l4ChecksumOk4 } from '../wire/checksum';
import { FlowStage, listening, rec, setFate, EV, Fate, NH, type FlowState } from './state';

export class LocalIn extends FlowStage {
  constructor(st: FlowState) {
    super('local-in', [], st);
  }

  /**
   * Was the packet sent to a group rather than to one of the router's addresses: a link-layer
   * broadcast/multicast frame, an IP multicast or limited broadcast, or a subnet broadcast of the router?
   */
  private cast(slot: number, dst: number): boolean {
    const st = this.st;
    if ((st.pool.meta.flags[slot]! & PktFlag.MULTICAST) !== 0) return true;
    if (dst >>> 0 === 0xffffffff || (dst >>> 28) === 0xe) return true;
    const t = st.tables;
    const ifi = st.inIf[slot]!;
    const fib = t.fibs[ifi >= 0 ? t.fibOfIf[ifi]! : t.mainTable];
    return fib !== null && fib !== undefined && t.nextHops.kind[fib.lookup(dst >>> 0)] === NH.BROADCAST;
  }

  /** Count a delivery and free the slot (fate `local`, argument = IP protocol, -1 for non-IP). */
  private deliver(slot: number, port: number, ctx: StageContext): void {
    const st = this.st;
    const m = st.pool.meta;
    if (port >= 0 && port < st.counters.delivered.length) st.counters.delivered[port]!++;
    setFate(st, slot, Fate.LOCAL, m.etherType[slot] === 0x0800 ? m.l4Proto[slot]! : -1);
    if (ctx.trace !== null) rec(ctx.trace, m.flags, slot, this.index, EV.DELIVERED, m.l4Proto[slot]!, m.etherType[slot]!);
    st.pool.free(slot);
  }

  process(slots: Uint32Array, n: number, _next: Uint8Array, ctx: StageContext): void {
    const st = this.st;
    const pool = st.pool;
    const m = pool.meta;
    const b = pool.bytes;
    const t = st.tables;
    const trace = ctx.trace;
    for (let i = 0; i < n; i++) {
      const slot = slots[i]!;
      const port = m.inPort[slot]!;
      const ifi = st.inIf[slot]!;
      if (m.etherType[slot] !== 0x0800 || ifi < 0 || (m.flags[slot]! & PktFlag.L4) === 0) {
        this.deliver(slot, port, ctx);
        continue;
      }
      const proto = m.l4Proto[slot]!;
      const f = pool.frameOffset(slot);
      const ip = f + m.l3Off[slot]!;
      const l4 = f + m.l4Off[slot]!;
      const dst = ((b[ip + 16]! << 24) | (b[ip + 17]! << 16) | (b[ip + 18]! << 8) | b[ip + 19]!) >>> 0;
      if (proto === 1) {
        if (!st.icmp || b[l4] !== 8) {
          this.deliver(slot, port, ctx);
          continue;
        }
        let r = this.cast(slot, dst) ? Drop.ICMP_ECHO_IGNORED : 0;
        if (r === 0 && st.icmpLimiter.limits(0, 0)) {
          const src = ((b[ip + 12]! << 24) | (b[ip + 13]! << 16) | (b[ip + 14]! << 8) | b[ip + 15]!) >>> 0;
          if (!st.icmpLimiter.allow(src, 0, 0, ctx.nowSec, ctx.nowNsec)) r = Drop.ICMP_RATE_LIMITED;
        }
        if (r === 0) r = icmpEchoReplyInPlace(pool, slot, t.macHi[ifi]!, t.macLo[ifi]!);
        if (r === 0) {
          if (trace !== null) rec(trace, m.flags, slot, this.index, EV.ECHO_REPLY);
          st.inIf[slot] = -1;
          if (port >= 0 && port < st.counters.delivered.length) st.counters.delivered[port]!++;
          st.injectNew(st.at.routingOutput, slot, null, true);
          continue;
        }
        st.dropSlot(slot, r, this.index, trace);
        continue;
      }
      if (proto !== 6 && proto !== 17) {
        this.deliver(slot, port, ctx);
        continue;
      }
      const l4Len = m.l3Len[slot]! - (m.l4Off[slot]! - m.l3Off[slot]!);
      if (!l4ChecksumOk4(b, ip, l4, l4Len, proto)) {
        st.dropSlot(slot, Drop.L4_BAD_CHECKSUM, this.index, trace);
        continue;
      }
      const dport = (b[l4 + 2]! << 8) | b[l4 + 3]!;
      const cast = this.cast(slot, dst);
      if (proto === 6) {
        if (cast) {
          st.dropSlot(slot, Drop.TCP_NO_LISTENER, this.index, trace);
          continue;
        }
        if (listening(t.listenTcp, dport)) {
          if (trace !== null) rec(trace, m.flags, slot, this.index, EV.LISTENING, 6, dport);
          this.deliver(slot, port, ctx);
          continue;
        }
        const r = st.icmp ? tcpResetInPlace(pool, slot, t.macHi[ifi]!, t.macLo[ifi]!) : Drop.TCP_NO_LISTENER;
        if (r !== 0) {
          st.dropSlot(slot, r, this.index, trace);
          continue;
        }
        if (trace !== null) rec(trace, m.flags, slot, this.index, EV.TCP_RESET, dport);
        st.inIf[slot] = -1;
        if (port >= 0 && port < st.counters.delivered.length) st.counters.delivered[port]!++;
        st.injectNew(st.at.routingOutput, slot, null, true);
        continue;
      }
      // UDP
      if (listening(t.listenUdp, dport)) {
        if (trace !== null) rec(trace, m.flags, slot, this.index, EV.LISTENING, 17, dport);
        this.deliver(slot, port, ctx);
        continue;
      }
      if (!cast && st.icmp) {
        const e = icmpError(pool, slot, 3, 3, dst, 0, ctx.nowSec, ctx.nowNsec, st.icmpLimiter);
        if (e >= 0) {
          st.inIf[e] = -1;
          if (trace !== null) rec(trace, m.flags, slot, this.index, EV.ICMP, 3, 3);
          st.injectNew(st.at.routingOutput, e, trace);
        }
      }
      st.dropSlot(slot, Drop.UDP_PORT_UNREACHABLE, this.index, trace);
    }
  }
}
