/**
 * ip4-rewrite: the Ethernet header of a routed packet (Linux neigh_hh_output): destination = the next
 * hop's MAC found by arp-resolve, source = the egress interface's MAC. The frame keeps its length
 * (Ethernet padding stays); nothing else changes.
 */
import type { StageContext } from '../graph';
import { FlowStage, rec, EV, type FlowState } from './state';

export class Ip4Rewrite extends FlowStage {
  constructor(st: FlowState, nextStage: string) {
    super('ip4-rewrite', [nextStage], st);
  }

  process(slots: Uint32Array, n: number, next: Uint8Array, ctx: StageContext): void {
    const st = this.st;
    const pool = st.pool;
    const m = pool.meta;
    const v = pool.view;
    const macHi = st.tables.macHi;
    const macLo = st.tables.macLo;
    const trace = ctx.trace;
    const start = m.start;
    const slotSize = pool.slotSize;
    const dstHi = st.dstHi;
    const dstLo = st.dstLo;
    const outIf = st.outIf;
    for (let i = 0; i < n; i++) {
      const slot = slots[i]!;
      const f = slot * slotSize + start[slot]!;
      const hi = dstHi[slot]!;
      const lo = dstLo[slot]!;
      const oif = outIf[slot]!;
      // Three stores instead of twelve: dst hi16, dst lo32, src (from the interface's hi/lo words).
      v.setUint16(f, hi);
      v.setUint32(f + 2, lo);
      v.setUint16(f + 6, macHi[oif]!);
      v.setUint32(f + 8, macLo[oif]!);
      if (trace !== null) rec(trace, m.flags, slot, this.index, EV.REWRITE, m.outPort[slot]!);
      next[i] = 0;
    }
  }
}
