/**
 * bridge-input: the bridging decision for frames received on a bridge port (ROUTEROS-FLOW.md §1 (d); Linux
 * br_handle_frame / br_handle_frame_finish). ethernet-input hands over every parsed frame (tagged or not) from a
 * port whose interface is a bridge port. Per frame:
 * - learn the source MAC on the ingress port in the bridge's FDB (VID 0: no vlan-filtering yet), unless the
 *   port has `learn=no` or the source is multicast (Linux br_fdb_update ignores those);
 * - destination = a LOCAL FDB entry (the bridge's MAC or one of its ports' MACs, added by FlowState; RouterOS
 *   `/interface bridge host` flags D L) → up to the router: the frame enters the IP stack as received on the
 *   bridge interface (inIf = the bridge; ARP → arp-input, IPv4 → ip4-input, IPv6 → `ipv6-not-implemented`,
 *   anything else `unknown-ethertype`; a tagged frame goes to vlan-input, for a VLAN interface on the bridge);
 *   tagged frames are otherwise bridged unchanged (no vlan-filtering: the FDB is VID 0);
 * - known unicast (`lookupFresh`, so forwarding does not depend on when ageing ran) on another port →
 *   out that port (interface-tx); on the ingress port → `bridge-same-port` (Linux drops it); on a port with the
 *   ingress port's horizon → `bridge-horizon`;
 * - broadcast, multicast, unknown unicast → flood: one copy per eligible port (every port of the bridge but
 *   the ingress port and ports sharing its horizon, and only ports whose `broadcast-flood` /
 *   `unknown-multicast-flood` / `unknown-unicast-flood` switch allows this kind of frame), plus, for broadcast
 *   and multicast, one copy up to the bridge (the original slot). Copies are new slots (pool exhaustion is
 *   counted as `pool-exhausted` and in FlowState.bridgeCopyFailed); the original goes to the last port when
 *   nothing goes up. Nothing eligible → `bridge-no-flood-port`.
 * Ageing: `age()` with a small budget per vector per bridge (the exact answer comes from lookupFresh anyway).
 * Not yet: bridge filter/nat, vlan-filtering, STP states, static hosts, fast-forward.
 */
import type { StageContext } from '../graph';
import { NEXT_DROP } from '../graph';
import { Drop } from '../drop';
import type { TraceBuffer } from '../trace';
import { FlowStage, dropIn, rec, EV, BridgePortFlag, type FlowState } from './state';

export const BR_NEXT_ARP = 0;
export const BR_NEXT_IP4 = 1;
export const BR_NEXT_TX = 2;
export const BR_NEXT_VLAN = 3;

/** Slots the incremental FDB collector checks per vector and bridge. */
const AGE_BUDGET = 32;

/** A copy of `slot`'s frame and metadata in a new slot for port `port` (-1 when the pool is exhausted). */
export function bridgeCopy(st: FlowState, slot: number, port: number, cols: readonly { [i: number]: number }[]): number {
  const pool = st.pool;
  const s = pool.alloc();
  if (s < 0) {
    st.bridgeCopyFailed++;
    st.graph.drops[Drop.POOL_EXHAUSTED]!++;
    return -1;
  }
  for (let k = 0; k < cols.length; k++) cols[k]![s] = cols[k]![slot]!;
  const from = slot * pool.slotSize + pool.meta.start[slot]!;
  pool.bytes.copyWithin(s * pool.slotSize + pool.meta.start[s]!, from, from + pool.meta.len[slot]!);
  pool.meta.outPort[s] = port;
  st.inIf[s] = st.inIf[slot]!;
  st.outIf[s] = st.outIf[slot]!;
  st.serial[s] = 0;
  return s;
}

/** The metadata columns a copy carries over (all of them). */
export function metaColumnList(st: FlowState): { [i: number]: number }[] {
  return Object.values(st.pool.meta) as { [i: number]: number }[];
}

export class BridgeInput extends FlowStage {
  private readonly cols: { [i: number]: number }[];

  constructor(st: FlowState) {
    super('bridge-input', ['arp-input', 'ip4-input', 'interface-tx', 'vlan-input'], st);
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
    const fdbs = st.fdbs;
    const inPort = m.inPort;
    const start = m.start;
    const flags = m.flags;
    const outPort = m.outPort;
    const slotSize = pool.slotSize;
    const portBridge = t.portBridge;
    const portHorizon = t.portHorizon;
    const portFlags = t.portFlags;
    const bridgeIf = t.bridgeIf;
    const ageing = t.bridgeAgeing;
    const nPorts = t.portNames.length;
    const inIf = st.inIf;
    for (let k = 0; k < fdbs.length; k++) fdbs[k]!.age(now, ageing[k]!, AGE_BUDGET);
    for (let i = 0; i < n; i++) {
      const slot = slots[i]!;
      const port = inPort[slot]!;
      const br = portBridge[port]!;
      if (br < 0) {
        // ethernet-input only sends bridge ports (ifMode 2), which generation gives a bridge: defensive.
        dropIn(st, slot, Drop.NO_INTERFACE, this.index, trace);
        next[i] = NEXT_DROP;
        continue;
      }
      const fdb = fdbs[br]!;
      const age = ageing[br]!;
      const off = slot * slotSize + start[slot]!;
      const dHi = (b[off]! << 8) | b[off + 1]!;
      const dLo = ((b[off + 2]! << 24) | (b[off + 3]! << 16) | (b[off + 4]! << 8) | b[off + 5]!) >>> 0;
      // Learn the source (unicast sources only; learn=no ports never learn).
      if ((portFlags[port]! & BridgePortFlag.LEARN) !== 0 && (b[off + 6]! & 1) === 0) {
        const sHi = (b[off + 6]! << 8) | b[off + 7]!;
        const sLo = ((b[off + 8]! << 24) | (b[off + 9]! << 16) | (b[off + 10]! << 8) | b[off + 11]!) >>> 0;
        const r = fdb.learn(sHi, sLo, 0, port, now);
        if (trace !== null) rec(trace, flags, slot, this.index, EV.BRIDGE_LEARN, port, r);
      }
      const bif = bridgeIf[br]!;
      const group = (b[off]! & 1) !== 0;
      if (!group) {
        const to = fdb.lookupFresh(dHi, dLo, 0, now, age);
        if (to >= nPorts) {
          // A LOCAL entry: the bridge's or one of its ports' MACs.
          inIf[slot] = bif;
          if (trace !== null) rec(trace, flags, slot, this.index, EV.BRIDGE_LOCAL, port);
          next[i] = this.up(slot, trace);
          continue;
        }
        if (to >= 0) {
          let drop = 0;
          if (to === port) drop = Drop.BRIDGE_SAME_PORT;
          else if (portHorizon[port]! >= 0 && portHorizon[to] === portHorizon[port]) drop = Drop.BRIDGE_HORIZON;
          if (drop !== 0) {
            dropIn(st, slot, drop, this.index, trace);
            next[i] = NEXT_DROP;
          } else {
            outPort[slot] = to;
            if (trace !== null) rec(trace, flags, slot, this.index, EV.BRIDGE_FORWARD, to);
            next[i] = BR_NEXT_TX;
          }
          continue;
        }
      }
      // Flood.
      const bcast = dHi === 0xffff && dLo === 0xffffffff;
      const need = bcast ? BridgePortFlag.BROADCAST_FLOOD : group ? BridgePortFlag.UNKNOWN_MULTICAST_FLOOD : BridgePortFlag.UNKNOWN_UNICAST_FLOOD;
      const ports = t.bridgePorts[br]!;
      const hz = portHorizon[port]!;
      let last = -1;
      let copies = 0;
      for (let k = 0; k < ports.length; k++) {
        const p = ports[k]!;
        if (p === port || (portFlags[p]! & need) === 0 || (hz >= 0 && portHorizon[p] === hz)) continue;
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
      if (group) {
        // The original goes up to the bridge; the last port gets a copy too.
        if (last >= 0) {
          const s = bridgeCopy(st, slot, last, this.cols);
          if (s >= 0) {
            st.injectNew(st.at.portTx, s, trace);
            if (trace !== null) rec(trace, flags, s, this.index, EV.BRIDGE_COPY, outPort[s]!);
            copies++;
          }
        }
        if (trace !== null) rec(trace, flags, slot, this.index, EV.BRIDGE_FLOOD, copies, 1);
        inIf[slot] = bif;
        next[i] = this.up(slot, trace);
      } else if (last >= 0) {
        outPort[slot] = last;
        if (trace !== null) rec(trace, flags, slot, this.index, EV.BRIDGE_FLOOD, copies + 1, 0);
        next[i] = BR_NEXT_TX;
      } else {
        dropIn(st, slot, Drop.BRIDGE_NO_FLOOD_PORT, this.index, trace);
        next[i] = NEXT_DROP;
      }
    }
  }

  /** Up to the router as received on the bridge: tagged → vlan-input (a VLAN on the bridge), else by ethertype. */
  private up(slot: number, trace: TraceBuffer | null): number {
    if ((this.st.pool.meta.flags[slot]! & 0x1) !== 0) return BR_NEXT_VLAN;
    const et = this.st.pool.meta.etherType[slot]!;
    if (et === 0x0800) return BR_NEXT_IP4;
    if (et === 0x0806) return BR_NEXT_ARP;
    dropIn(this.st, slot, et === 0x86dd ? Drop.IPV6_NOT_IMPLEMENTED : Drop.UNKNOWN_ETHERTYPE, this.index, trace);
    return NEXT_DROP;
  }
}
