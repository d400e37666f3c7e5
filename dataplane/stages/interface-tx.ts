/**
 * interface-tx: where frames leave the router (RouterOS "out-interface", after the interface queue).
 * A sink: counts tx packets/bytes per port and hands each slot to the flow's transmit callback, which owns
 * it from then on (writes it to a capture, a TAP device... and frees it).
 */
import type { StageContext } from '../graph';
import { Drop } from '../drop';
import { FlowStage, rec, setFate, EV, Fate, type FlowState } from './state';

export class InterfaceTx extends FlowStage {
  constructor(st: FlowState) {
    super('interface-tx', [], st);
  }

  process(slots: Uint32Array, n: number, _next: Uint8Array, ctx: StageContext): void {
    const st = this.st;
    const m = st.pool.meta;
    const c = st.counters;
    const trace = ctx.trace;
    const ports = c.txPackets.length;
    const outPort = m.outPort;
    const lenCol = m.len;
    const txPackets = c.txPackets;
    const txBytes = c.txBytes;
    const transmit = st.transmit;
    const fate = st.fate;
    const fateArg = st.fateArg;
    const serial = st.serial;
    let cPort = -1;
    let cPk = 0;
    let cBy = 0;
    for (let i = 0; i < n; i++) {
      const slot = slots[i]!;
      const port = outPort[slot]!;
      if (port < 0 || port >= ports) {
        // Routing always sets a port; this would be a bug in a stage: count it rather than lose the slot.
        st.dropSlot(slot, Drop.NO_INTERFACE, this.index, trace);
        continue;
      }
      // Summed in locals while the port stays the same (see ethernet-input).
      if (port !== cPort) {
        if (cPort >= 0) {
          txPackets[cPort]! += cPk;
          txBytes[cPort]! += cBy;
        }
        cPort = port;
        cPk = 0;
        cBy = 0;
      }
      cPk++;
      cBy += lenCol[slot]!;
      if (serial[slot] !== 0) setFate(st, slot, Fate.TX, port);
      else {
        fate[slot] = Fate.TX;
        fateArg[slot] = port;
      }
      if (trace !== null) rec(trace, m.flags, slot, this.index, EV.TX, port);
      transmit(slot, port);
    }
    if (cPort >= 0) {
      txPackets[cPort]! += cPk;
      txBytes[cPort]! += cBy;
    }
  }
}
