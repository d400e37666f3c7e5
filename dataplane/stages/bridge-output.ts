/**
 * bridge-output: frames the router sends out of a bridge interface (routed packets after ip4-rewrite, ARP
 * requests, echo replies...) pick their port here (RouterOS "bridge output": bridging decision; Linux
 * br_dev_xmit). Only in the flow when the configuration has bridges; it sits in front of interface-tx and
 * passes frames whose out-port is already a real port straight on. A frame for a bridge (out-port = the
 * bridge's virtual port, `portNames.length + bridge number`, see FlowTables.bridgePorts) then goes on to
 * bridge-filter-output (bridge filter chain output, bridge nat srcnat) for each port it leaves by:
 * - with `vlan-filtering=yes` the bridge interface is the ingress port (bridge-vlan.ts): the frame's VID is
 *   its tag (a VLAN interface on the bridge pushed it) or the bridge's pvid, the bridge's frame-types and
 *   ingress-filtering apply (`bridge-frame-type`, `bridge-vlan-ingress-filter`), only ports that are
 *   members of the VID are candidates and each copy is tagged for its port (`bridge-vlan-egress` for a
 *   known destination on a port outside the VLAN);
 * - destination MAC known in the bridge's FDB (`lookupFresh`, MAC + VID) → that port (`bridge-forward`); a
 *   LOCAL entry (the router's own MAC: not a station on a port) counts as unknown;
 * - broadcast, multicast or unknown unicast → flooded to every port of the bridge whose flood switch allows
 *   this kind of frame (Linux br_flood for locally originated frames; no ingress port, no horizon): one copy
 *   per port in new slots, the original to the last port; no port at all → `bridge-no-flood-port`.
 * Router frames never take the bridged IP firewall hooks (FlowState.bridgeIpfw is cleared): they went
 * through the IP output/postrouting path already (Linux br_netfilter runs them only for bridged frames).
 */
import type { StageContext } from '../graph';
import { NEXT_DROP } from '../graph';
import { Drop } from '../drop';
import type { TraceBuffer } from '../trace';
import { FlowStage, dropIn, rec, EV, BridgePortFlag, type FlowState } from './state';
import { floodCopy, metaColumnList } from './bridge-input';
import { VIDS, VlanMember, egressTag, ingressVid } from './bridge-vlan';

const OUT_TX = 0;
const OUT_BRIDGE = 1;

export class BridgeOutput extends FlowStage {
  private readonly cols: { [i: number]: number }[];

  constructor(st: FlowState) {
    super('bridge-output', ['interface-tx', 'bridge-filter-output'], st);
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
    const to1 = st.at.bridgeOutput;
    for (let i = 0; i < n; i++) {
      const slot = slots[i]!;
      const op = outPort[slot]!;
      const br = op - nPorts;
      if (br < 0 || br >= nBridges) {
        next[i] = OUT_TX;
        continue;
      }
      st.bridgeIpfw[slot] = 0;
      st.bridgeOut[slot] = 1;
      if (t.bridgeVlanFiltering[br] === 1) {
        next[i] = this.vlanFiltered(slot, br, trace);
        continue;
      }
      next[i] = OUT_BRIDGE;
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
        if (last >= 0 && floodCopy(st, slot, last, this.cols, to1, 0, 0, this.index, trace)) copies++;
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

  /** A router frame out of a VLAN-filtering bridge (see the module comment). */
  private vlanFiltered(slot: number, br: number, trace: TraceBuffer | null): number {
    const st = this.st;
    const t = st.tables;
    const pool = st.pool;
    const m = pool.meta;
    const b = pool.bytes;
    const flags = m.flags;
    const nPorts = t.portNames.length;
    const bvp = nPorts + br;
    const off = slot * pool.slotSize + m.start[slot]!;
    const tpid = t.bridgeTpid[br]!;
    const vid = ingressVid(t, b, off, m.len[slot]!, bvp, tpid);
    if (vid < 0) {
      dropIn(st, slot, -vid, this.index, trace);
      return NEXT_DROP;
    }
    if (trace !== null) rec(trace, flags, slot, this.index, EV.BRIDGE_VLAN, bvp, vid);
    const member = t.bridgeVlanMember;
    const group = (b[off]! & 1) !== 0;
    const dHi = (b[off]! << 8) | b[off + 1]!;
    const dLo = ((b[off + 2]! << 24) | (b[off + 3]! << 16) | (b[off + 4]! << 8) | b[off + 5]!) >>> 0;
    if (!group) {
      const to = st.fdbs[br]!.lookupFresh(dHi, dLo, vid, st.now, t.bridgeAgeing[br]!);
      if (to >= 0 && to < nPorts) {
        const mem = member[to * VIDS + vid]!;
        const drop = mem === VlanMember.NONE ? Drop.BRIDGE_VLAN_EGRESS : !egressTag(pool, slot, tpid, vid, mem) ? Drop.VLAN_NO_HEADROOM : 0;
        if (drop !== 0) {
          dropIn(st, slot, drop, this.index, trace);
          return NEXT_DROP;
        }
        m.outPort[slot] = to;
        if (trace !== null) {
          rec(trace, flags, slot, this.index, EV.BRIDGE_FORWARD, to);
          rec(trace, flags, slot, this.index, EV.BRIDGE_TAG, to, mem === VlanMember.TAGGED ? vid : 0);
        }
        return OUT_BRIDGE;
      }
    }
    const bcast = dHi === 0xffff && dLo === 0xffffffff;
    const need = bcast ? BridgePortFlag.BROADCAST_FLOOD : group ? BridgePortFlag.UNKNOWN_MULTICAST_FLOOD : BridgePortFlag.UNKNOWN_UNICAST_FLOOD;
    const ports = t.bridgePorts[br]!;
    let last = -1;
    let copies = 0;
    for (let k = 0; k < ports.length; k++) {
      const p = ports[k]!;
      if ((t.portFlags[p]! & need) === 0 || member[p * VIDS + vid] === VlanMember.NONE) continue;
      if (last >= 0 && floodCopy(st, slot, last, this.cols, st.at.bridgeOutput, tpid, vid, this.index, trace)) copies++;
      last = p;
    }
    if (last < 0) {
      dropIn(st, slot, Drop.BRIDGE_NO_FLOOD_PORT, this.index, trace);
      return NEXT_DROP;
    }
    const mem = member[last * VIDS + vid]!;
    if (!egressTag(pool, slot, tpid, vid, mem)) {
      dropIn(st, slot, Drop.VLAN_NO_HEADROOM, this.index, trace);
      return NEXT_DROP;
    }
    m.outPort[slot] = last;
    if (trace !== null) {
      rec(trace, flags, slot, this.index, EV.BRIDGE_FLOOD, copies + 1, 0);
      rec(trace, flags, slot, this.index, EV.BRIDGE_TAG, last, mem === VlanMember.TAGGED ? vid : 0);
    }
    return OUT_BRIDGE;
  }
}
