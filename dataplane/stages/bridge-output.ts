/**
 * bridge-output: frames the router sends out of a bridge interface (routed packets after ip4-rewrite, ARP
 * requests, ARP... ) pick their port here (RouterOS "bridge output": bridging decision; Linux br_dev_xmit).
 * Only in the flow when the configuration has bridges; it sits in front of interface-tx and passes frames
 * whose out-port is already a real port straight on. A frame for a bridge (out-port = the bridge's virtual
 * port, `portNames.length + bridge number`, see FlowTables.bridgePorts):
 * - destination MAC known in the bridge's FDB (`lookupFresh`) → that port (`bridge-forward`); a LOCAL entry
 *   (the router's own MAC: not a station on a port) counts as unknown;
 * - broadcast, multicast or unknown unicast → flooded to every port of the bridge whose flood switch allows
 *   this kind of frame (Linux br_flood for locally originated frames; no ingress port, no horizon): one copy
 *   per port in new slots, the original to the last port; no port at all → `bridge-no-flood-port`.
 */
import type { StageContext } from '../graph';
import { NEXT_DROP } from '../graph';
import { Drop } from '../drop';
import { FlowStage, dropIn, rec, EV, BridgePortFlag, type FlowState } from './state';
import { bridgeCopy, metaColumnList } from './bridge-input';

export class BridgeOutput extends FlowStage {
  private readonly cols: { [i: number]: number }[];

  constructor(st: FlowState) {
    super('bridge-output', ['interface-tx'], st);
    this.cols = metaColumnList(st);
  }

  process(slots: Uint32Array, n: number, next: Uint8Array, ctx: StageContext): void {
    const st = this.st;
    const pool = st.pool;
    const m = pool.meta;
    const b = pool.bytes;
    const t = st.tables;
    const trace = ctx.trace;
    const now = st.now;
    const outPort = m.outPort;
    const flags = m.flags;
    const nPorts = t.portNames.length;
    const nBridges = t.bridgeIf.length;
    for (let i = 0; i < n; i++) {
      const slot = slots[i]!;
      const op = outPort[slot]!;
      const br = op - nPorts;
      next[i] = 0;
      if (br < 0 || br >= nBridges) continue;
      const off = slot * pool.slotSize + m.start[slot]!;
      const group = (b[off]! & 1) !== 0;
      if (!group) {
        const dHi = (b[off]! << 8) | b[off + 1]!;
        const dLo = ((b[off + 2]! << 24) | (b[off + 3]! << 16) | (b[off + 4]! << 8) | b[off + 5]!) >>> 0;
        const to = st.fdbs[br]!.lookupFresh(dHi, dLo, 0, now, t.bridgeAgeing[br]!);
        if (to >= 0 && to < nPorts) {
          outPort[slot] = to;
          if (trace !== null) rec(trace, flags, slot, this.index, EV.BRIDGE_FORWARD, to);
          continue;
        }
      }
      const bcast = group && b[off] === 0xff && b[off + 1] === 0xff && b[off + 2] === 0xff && b[off + 3] === 0xff && b[off + 4] === 0xff && b[off + 5] === 0xff;
      const need = bcast ? BridgePortFlag.BROADCAST_FLOOD : group ? BridgePortFlag.UNKNOWN_MULTICAST_FLOOD : BridgePortFlag.UNKNOWN_UNICAST_FLOOD;
      const ports = t.bridgePorts[br]!;
      let last = -1;
      let copies = 0;
      for (let k = 0; k < ports.length; k++) {
        const p = ports[k]!;
        if ((t.portFlags[p]! & need) === 0) continue;
        if (last >= 0) {
          const s = bridgeCopy(st, slot, last, this.cols);
          if (s >= 0) {
            st.injectNew(st.at.portTx, s, trace);
            if (trace !== null) rec(trace, flags, s, this.index, EV.BRIDGE_COPY, outPort[s]!);
            copies++;
          }
        }
        last = p;
      }
      if (last >= 0) {
        outPort[slot] = last;
        if (trace !== null) rec(trace, flags, slot, this.index, EV.BRIDGE_FLOOD, copies + 1, 0);
      } else {
        dropIn(st, slot, Drop.BRIDGE_NO_FLOOD_PORT, this.index, trace);
        next[i] = NEXT_DROP;
      }
    }
  }
}
