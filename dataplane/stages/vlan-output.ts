/**
 * vlan-output: frames the router sends out of a VLAN interface (routed packets after ip4-rewrite, the
 * router's ARP requests) get their tag here (Linux vlan_dev_hard_start_xmit: push the tag, hand the frame
 * to the lower device). Only in the flow when the configuration has VLAN interfaces; it sits in front of
 * bridge-output / interface-tx and passes frames whose out-port is not a VLAN's virtual port
 * (`portNames.length + bridgeIf.length + VLAN number`, see FlowTables.vlanIf) straight on. For a VLAN frame:
 * - the tag is pushed in place into the slot's headroom: `start` moves back 4 bytes, the 12 MAC bytes move
 *   with it, TPID (0x8100, or 0x88a8 with `use-service-tag=yes`) and TCI (PCP 0, DEI 0, the VLAN ID) are
 *   written after them; length, offsets, VLAN columns and flags follow (`vlan-push` event);
 * - the frame moves to the parent: a VLAN parent (QinQ) pushes its own tag outside the first one (loop);
 *   an ethernet port or a bridge sets the out-port (a bridge's virtual port: bridge-output picks the real
 *   port). No headroom left → `vlan-no-headroom`.
 */
import type { StageContext } from '../graph';
import { NEXT_DROP } from '../graph';
import { Drop } from '../drop';
import { FlowStage, dropIn, rec, EV, type FlowState } from './state';

export class VlanOutput extends FlowStage {
  constructor(st: FlowState, nextStage: string) {
    super('vlan-output', [nextStage], st);
  }

  process(slots: Uint32Array, n: number, next: Uint8Array, ctx: StageContext): void {
    const st = this.st;
    const pool = st.pool;
    const m = pool.meta;
    const b = pool.bytes;
    const t = st.tables;
    const trace = ctx.trace;
    const start = m.start;
    const lenCol = m.len;
    const flags = m.flags;
    const l3Off = m.l3Off;
    const l4Off = m.l4Off;
    const outPort = m.outPort;
    const vlanOuter = m.vlanOuter;
    const vlanInner = m.vlanInner;
    const dv = pool.view;
    const slotSize = pool.slotSize;
    const vlanParent = t.vlanParent;
    const vlanId = t.vlanId;
    const vlanTpid = t.vlanTpid;
    const ifVlan = t.ifVlan;
    const ifPort = t.ifPort;
    const vBase = t.portNames.length + t.bridgeIf.length;
    const nVlans = t.vlanIf.length;
    for (let i = 0; i < n; i++) {
      const slot = slots[i]!;
      next[i] = 0;
      let v = outPort[slot]! - vBase;
      if (v < 0 || v >= nVlans) continue;
      const base = slot * slotSize;
      let s = start[slot]!;
      let pushed = 0;
      let inner = 0;
      let vid = 0;
      let tpid = 0x8100;
      for (;;) {
        if (s < 4) {
          start[slot] = s;
          dropIn(st, slot, Drop.VLAN_NO_HEADROOM, this.index, trace);
          next[i] = NEXT_DROP;
          break;
        }
        const o = base + s;
        // The MACs move back 4 bytes (three 32-bit loads and stores: copyWithin costs ~20 ns per call here).
        const w0 = dv.getUint32(o);
        const w1 = dv.getUint32(o + 4);
        const w2 = dv.getUint32(o + 8);
        dv.setUint32(o - 4, w0);
        dv.setUint32(o, w1);
        dv.setUint32(o + 4, w2);
        s -= 4;
        inner = vid;
        vid = vlanId[v]!;
        tpid = vlanTpid[v]!;
        const tag = o + 8;
        b[tag] = tpid >>> 8;
        b[tag + 1] = tpid & 0xff;
        b[tag + 2] = vid >>> 8;
        b[tag + 3] = vid & 0xff;
        pushed++;
        const par = vlanParent[v]!;
        const pv = ifVlan[par]!;
        if (trace !== null) rec(trace, flags, slot, this.index, EV.VLAN_PUSH, ifPort[par]!, vid);
        if (pv >= 0) {
          v = pv;
          continue;
        }
        start[slot] = s;
        outPort[slot] = ifPort[par]!;
        break;
      }
      const k = pushed * 4;
      lenCol[slot] = lenCol[slot]! + k;
      l3Off[slot] = l3Off[slot]! + k;
      l4Off[slot] = l4Off[slot]! + k;
      let f = flags[slot]! | 0x1;
      if (pushed > 1) {
        f |= 0x2;
        vlanInner[slot] = inner;
      }
      if (tpid !== 0x8100) f |= 0x4;
      flags[slot] = f;
      vlanOuter[slot] = vid;
    }
  }
}
