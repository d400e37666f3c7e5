/**
 * local-in: packets for the router itself (RouterOS flow (b) "local process").
 * A sink. An ICMP echo request is answered in place (dataplane/ip4 icmpEchoReplyInPlace: addresses swapped,
 * TTL 64) and the reply re-enters the flow at routing-output as a router-made packet; one it must not
 * answer (broadcast, bad checksum...) is dropped with icmp-gen's reason. Everything else (ARP replies the
 * ARP stage consumed, other protocols) is delivered: counted per port and freed — the router has no
 * sockets yet (UDP port unreachable, TCP reset and routing protocols come later).
 */
import type { StageContext } from '../graph';
import { icmpEchoReplyInPlace } from '../ip4/icmp-gen';
import { FlowStage, rec, setFate, EV, Fate, type FlowState } from './state';

export class LocalIn extends FlowStage {
  constructor(st: FlowState) {
    super('local-in', [], st);
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
      if (st.icmp && ifi >= 0 && m.etherType[slot] === 0x0800 && m.l4Proto[slot] === 1 && (m.flags[slot]! & 0x200) !== 0 &&
          b[pool.frameOffset(slot) + m.l4Off[slot]!] === 8) {
        const r = icmpEchoReplyInPlace(pool, slot, t.macHi[ifi]!, t.macLo[ifi]!);
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
      if (port >= 0 && port < st.counters.delivered.length) st.counters.delivered[port]!++;
      setFate(st, slot, Fate.LOCAL, m.etherType[slot] === 0x0800 ? m.l4Proto[slot]! : -1);
      if (trace !== null) rec(trace, m.flags, slot, this.index, EV.DELIVERED, m.l4Proto[slot]!, m.etherType[slot]!);
      pool.free(slot);
    }
  }
}
