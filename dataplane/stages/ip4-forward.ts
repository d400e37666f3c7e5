/**
 * ip4-forward: RouterOS's "TTL check/decrement" on the forward path (flow (a), right after the routing
 * decision, before mangle forward). As Linux's ip_forward: a packet with TTL <= 1 cannot be forwarded —
 * ICMP 11/0 time exceeded goes back to the sender (from the receiving interface's address, quoting the
 * packet as received, rate limited: dataplane/ip4) and the packet is dropped as `ttl-exceeded`; otherwise
 * the TTL is decremented with an incremental checksum update (RFC 1624; the same result as wire/checksum.ts
 * ipv4DecTtl, written out in the loop).
 */
import type { StageContext } from '../graph';
import { NEXT_DROP } from '../graph';
import { Drop } from '../drop';
import { icmpError } from '../ip4/icmp-gen';
import { FlowStage, dropIn, rec, icmpErrorSource, EV, type FlowState } from './state';

export class Ip4Forward extends FlowStage {
  constructor(st: FlowState, nextStage: string) {
    super('ip4-forward', [nextStage], st);
  }

  process(slots: Uint32Array, n: number, next: Uint8Array, ctx: StageContext): void {
    const st = this.st;
    const pool = st.pool;
    const m = pool.meta;
    const b = pool.bytes;
    const v = pool.view;
    const trace = ctx.trace;
    const start = m.start;
    const l3Off = m.l3Off;
    const slotSize = pool.slotSize;
    for (let i = 0; i < n; i++) {
      const slot = slots[i]!;
      const ip = slot * slotSize + start[slot]! + l3Off[slot]!;
      if (b[ip + 8]! <= 1) {
        const ifi = st.inIf[slot]!;
        if (st.icmp && ifi >= 0) {
          const s = icmpError(pool, slot, 11, 0, icmpErrorSource(st, slot, ifi), 0, ctx.nowSec, ctx.nowNsec, st.icmpLimiter);
          if (s >= 0) {
            st.inIf[s] = -1;
            if (trace !== null) rec(trace, m.flags, slot, this.index, EV.ICMP, 11, 0);
            st.injectNew(st.at.routingOutput, s, trace);
            st.vrfTable[s] = st.vrfTable[slot]!; // routed back in the sender's VRF
          }
        }
        dropIn(st, slot, Drop.TTL_EXCEEDED, this.index, trace);
        next[i] = NEXT_DROP;
        continue;
      }
      // TTL - 1 and the checksum patched for it (RFC 1624 eqn. 3: HC' = ~(~HC + ~m + m'), and ~m + m' is
      // 0xfeff when only the TTL byte of word m drops by one): what wire/checksum.ts ipv4DecTtl computes.
      const ttl = b[ip + 8]! - 1;
      b[ip + 8] = ttl;
      const sum = (~v.getUint16(ip + 10) & 0xffff) + 0xfeff;
      v.setUint16(ip + 10, ~((sum & 0xffff) + (sum >>> 16)));
      if (trace !== null) rec(trace, m.flags, slot, this.index, EV.TTL, ttl);
      next[i] = 0;
    }
  }
}
