/**
 * bridge-input: the bridging decision for frames received on a bridge port (ROUTEROS-FLOW.md §1 (d), §6;
 * Linux br_handle_frame_finish). Frames from a bridge port arrive here from ethernet-input (tagged or not),
 * after bridge-dstnat (bridge nat chain dstnat, which may have rewritten the destination MAC) and, with
 * use-ip-firewall, the bridged IP prerouting hooks. Per frame:
 * - **VLAN** (only on a bridge with `vlan-filtering=yes`, see bridge-vlan.ts): the frame's VID from its tag or
 *   the port's pvid; `frame-types` (`bridge-frame-type`) and `ingress-filtering` (`bridge-vlan-ingress-filter`)
 *   drop what the port does not admit. Without vlan-filtering the VID is 0 (shared learning) and tags are
 *   just payload: tagged frames are bridged unchanged.
 * - **Learn** the source MAC (+VID) on the ingress port, unless the port has `learn=no` or the source is
 *   multicast (Linux br_fdb_update ignores those). Static (`/interface bridge host`) and local entries are
 *   never moved by learning (FdbLearn.LOCKED).
 * - Destination = a LOCAL FDB entry (the bridge's MAC or one of its ports' MACs; RouterOS host flags D L)
 *   → **up** to the router as received on the bridge interface (inIf = the bridge; ARP → arp-input, IPv4 →
 *   ip4-input, IPv6 → `ipv6-not-implemented`, else `unknown-ethertype`; a tagged frame → vlan-input, for a
 *   VLAN interface on the bridge). With vlan-filtering the bridge interface is itself a port: it must be a
 *   member of the VID (`bridge-vlan-egress`); as an untagged member the frame goes up on the bridge, as a
 *   tagged member on the `/interface vlan` of that VID on the bridge (none: `vlan-unknown`). IPv4 loses its
 *   tag on the way up; ARP keeps its bytes as received (arp-input answers in place out of the ingress port,
 *   so the reply leaves with the ingress port's own tagging). Up frames pass bridge-filter-input first
 *   when that chain has rules.
 * - **Known unicast** (`lookupFresh`, so forwarding does not depend on when ageing ran) on another port →
 *   that port; on the ingress port → `bridge-same-port` (Linux drops it); on a port with the ingress port's
 *   horizon → `bridge-horizon`; with vlan-filtering, a port that is not a member of the VID →
 *   `bridge-vlan-egress`.
 * - **Flood** broadcast, multicast, unknown unicast: one copy per eligible port (every port of the bridge but
 *   the ingress port and ports sharing its horizon, only ports whose `broadcast-flood` /
 *   `unknown-multicast-flood` / `unknown-unicast-flood` switch allows this kind of frame, and with
 *   vlan-filtering only members of the VID), plus, for broadcast and multicast, one copy up to the bridge
 *   (the original slot; with vlan-filtering only when the bridge is a member of the VID). Copies are new
 *   slots (pool exhaustion: `pool-exhausted`, FlowState.bridgeCopyFailed); the original goes to the last
 *   port when nothing goes up. Nothing eligible → `bridge-no-flood-port`.
 * - With vlan-filtering each frame leaving for a port is tagged for it here (egress: untagged members get
 *   the tag popped, tagged members get it pushed; `vlan-no-headroom` if a push finds no room).
 * Frames for ports go to bridge-filter-forward (per copy: bridge filter forward, [IP forward], bridge nat
 *   srcnat, [IP postrouting], out): flooded copies are injected there too.
 * Ageing: `age()` with a small budget per vector per bridge (the exact answer comes from lookupFresh anyway).
 * Not implemented: STP (protocol-mode is ignored: every port forwards), fast-forward (no observable
 * difference), IGMP snooping, DHCP snooping, tag-stacking, MVRP.
 */
import type { StageContext } from '../graph';
import { NEXT_DROP } from '../graph';
import { Drop } from '../drop';
import type { TraceBuffer } from '../trace';
import { FlowStage, dropIn, rec, EV, BridgePortFlag, type FlowState } from './state';
import { VIDS, VlanMember, egressTag, hasBridgeTag, ingressVid, popOuterTag } from './bridge-vlan';

/** bridge-input's next stages. */
export const BR_NEXT_FWD = 0;
export const BR_NEXT_FILTER_IN = 1;
export const BR_NEXT_ARP = 2;
export const BR_NEXT_IP4 = 3;
export const BR_NEXT_VLAN = 4;
/** Where an up frame goes after bridge-filter-input (FlowState.bridgeUp): BR_NEXT_* minus 2. */
export const BR_UP_BASE = BR_NEXT_ARP;

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
  st.bridgeIpfw[s] = st.bridgeIpfw[slot]!;
  st.bridgeOut[s] = st.bridgeOut[slot]!;
  st.serial[s] = 0;
  if (st.slotCopier !== null) st.slotCopier.copySlot(slot, s);
  return s;
}

/** The metadata columns a copy carries over (all of them). */
export function metaColumnList(st: FlowState): { [i: number]: number }[] {
  return Object.values(st.pool.meta) as { [i: number]: number }[];
}

/**
 * Make and send one flooded copy of `slot` for port `p` (injected at stage `to`): with `vid` > 0 (a
 * VLAN-filtering bridge) tagged for p's membership. Returns whether a copy left.
 */
export function floodCopy(
  st: FlowState,
  slot: number,
  p: number,
  cols: readonly { [i: number]: number }[],
  to: number,
  tpid: number,
  vid: number,
  stage: number,
  trace: TraceBuffer | null,
): boolean {
  const s = bridgeCopy(st, slot, p, cols);
  if (s < 0) return false;
  const flags = st.pool.meta.flags;
  if (vid > 0) {
    const mem = st.tables.bridgeVlanMember[p * VIDS + vid]!;
    if (!egressTag(st.pool, s, tpid, vid, mem)) {
      st.dropSlot(s, Drop.VLAN_NO_HEADROOM, stage, null);
      return false;
    }
  }
  st.injectNew(to, s, trace);
  if (trace !== null) {
    rec(trace, flags, s, stage, EV.BRIDGE_COPY, p);
    if (vid > 0) rec(trace, flags, s, stage, EV.BRIDGE_TAG, p, st.tables.bridgeVlanMember[p * VIDS + vid] === VlanMember.TAGGED ? vid : 0);
  }
  return true;
}

export class BridgeInput extends FlowStage {
  private readonly cols: { [i: number]: number }[];

  /** `filterInput`: bridge filter chain input has rules, so up frames go to bridge-filter-input first. */
  constructor(
    st: FlowState,
    private readonly filterInput: boolean,
  ) {
    super('bridge-input', ['bridge-filter-forward', 'bridge-filter-input', 'arp-input', 'ip4-input', 'vlan-input'], st);
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
    const vlanFiltering = t.bridgeVlanFiltering;
    const nPorts = t.portNames.length;
    const inIf = st.inIf;
    const fwd = st.at.bridgeForward;
    const bridgeOut = st.bridgeOut;
    for (let k = 0; k < fdbs.length; k++) fdbs[k]!.age(now, ageing[k]!, AGE_BUDGET);
    for (let i = 0; i < n; i++) {
      const slot = slots[i]!;
      const port = inPort[slot]!;
      bridgeOut[slot] = 0;
      const br = portBridge[port]!;
      if (br < 0) {
        // ethernet-input only sends bridge ports (ifMode 2), which generation gives a bridge: defensive.
        dropIn(st, slot, Drop.NO_INTERFACE, this.index, trace);
        next[i] = NEXT_DROP;
        continue;
      }
      if (vlanFiltering[br] === 1) {
        next[i] = this.vlanFiltered(slot, port, br, trace);
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
            next[i] = BR_NEXT_FWD;
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
        if (last >= 0 && floodCopy(st, slot, last, this.cols, fwd, 0, 0, this.index, trace)) copies++;
        last = p;
      }
      if (group) {
        // The original goes up to the bridge; the last port gets a copy too.
        if (last >= 0 && floodCopy(st, slot, last, this.cols, fwd, 0, 0, this.index, trace)) copies++;
        if (trace !== null) rec(trace, flags, slot, this.index, EV.BRIDGE_FLOOD, copies, 1);
        inIf[slot] = bif;
        next[i] = this.up(slot, trace);
      } else if (last >= 0) {
        outPort[slot] = last;
        if (trace !== null) rec(trace, flags, slot, this.index, EV.BRIDGE_FLOOD, copies + 1, 0);
        next[i] = BR_NEXT_FWD;
      } else {
        dropIn(st, slot, Drop.BRIDGE_NO_FLOOD_PORT, this.index, trace);
        next[i] = NEXT_DROP;
      }
    }
  }

  /** The next code for an up frame: bridge-filter-input when it has rules (remembering where to), else direct. */
  private upCode(slot: number, code: number): number {
    if (!this.filterInput) return code;
    this.st.bridgeUp[slot] = code - BR_UP_BASE;
    return BR_NEXT_FILTER_IN;
  }

  /** Up to the router as received on the bridge: tagged → vlan-input (a VLAN on the bridge), else by ethertype. */
  private up(slot: number, trace: TraceBuffer | null): number {
    if ((this.st.pool.meta.flags[slot]! & 0x1) !== 0) return this.upCode(slot, BR_NEXT_VLAN);
    const et = this.st.pool.meta.etherType[slot]!;
    if (et === 0x0800) return this.upCode(slot, BR_NEXT_IP4);
    if (et === 0x0806) return this.upCode(slot, BR_NEXT_ARP);
    dropIn(this.st, slot, et === 0x86dd ? Drop.IPV6_NOT_IMPLEMENTED : Drop.UNKNOWN_ETHERTYPE, this.index, trace);
    return NEXT_DROP;
  }

  /** The whole decision for a frame on a bridge with vlan-filtering (see the module comment). */
  private vlanFiltered(slot: number, port: number, br: number, trace: TraceBuffer | null): number {
    const st = this.st;
    const t = st.tables;
    const pool = st.pool;
    const m = pool.meta;
    const b = pool.bytes;
    const flags = m.flags;
    const now = st.now;
    const nPorts = t.portNames.length;
    const off = slot * pool.slotSize + m.start[slot]!;
    const tpid = t.bridgeTpid[br]!;
    const vid = ingressVid(t, b, off, m.len[slot]!, port, tpid);
    if (vid < 0) {
      dropIn(st, slot, -vid, this.index, trace);
      return NEXT_DROP;
    }
    if (trace !== null) rec(trace, flags, slot, this.index, EV.BRIDGE_VLAN, port, vid);
    const fdb = st.fdbs[br]!;
    const age = t.bridgeAgeing[br]!;
    const member = t.bridgeVlanMember;
    if ((t.portFlags[port]! & BridgePortFlag.LEARN) !== 0 && (b[off + 6]! & 1) === 0) {
      const sHi = (b[off + 6]! << 8) | b[off + 7]!;
      const sLo = ((b[off + 8]! << 24) | (b[off + 9]! << 16) | (b[off + 10]! << 8) | b[off + 11]!) >>> 0;
      const r = fdb.learn(sHi, sLo, vid, port, now);
      if (trace !== null) rec(trace, flags, slot, this.index, EV.BRIDGE_LEARN, port, r);
    }
    const dHi = (b[off]! << 8) | b[off + 1]!;
    const dLo = ((b[off + 2]! << 24) | (b[off + 3]! << 16) | (b[off + 4]! << 8) | b[off + 5]!) >>> 0;
    const group = (b[off]! & 1) !== 0;
    const horizon = t.portHorizon;
    if (!group) {
      let to = fdb.lookupFresh(dHi, dLo, vid, now, age);
      if (to < 0) {
        // The bridge's and its ports' own MACs are LOCAL entries at VID 0.
        const l = fdb.lookupFresh(dHi, dLo, 0, now, age);
        if (l >= nPorts) to = l;
      }
      if (to >= nPorts) {
        if (trace !== null) rec(trace, flags, slot, this.index, EV.BRIDGE_LOCAL, port);
        return this.upVlan(slot, br, vid, trace);
      }
      if (to >= 0) {
        let drop = 0;
        if (to === port) drop = Drop.BRIDGE_SAME_PORT;
        else if (horizon[port]! >= 0 && horizon[to] === horizon[port]) drop = Drop.BRIDGE_HORIZON;
        else if (member[to * VIDS + vid] === VlanMember.NONE) drop = Drop.BRIDGE_VLAN_EGRESS;
        else if (!egressTag(pool, slot, tpid, vid, member[to * VIDS + vid]!)) drop = Drop.VLAN_NO_HEADROOM;
        if (drop !== 0) {
          dropIn(st, slot, drop, this.index, trace);
          return NEXT_DROP;
        }
        m.outPort[slot] = to;
        if (trace !== null) {
          rec(trace, flags, slot, this.index, EV.BRIDGE_FORWARD, to);
          rec(trace, flags, slot, this.index, EV.BRIDGE_TAG, to, member[to * VIDS + vid] === VlanMember.TAGGED ? vid : 0);
        }
        return BR_NEXT_FWD;
      }
    }
    const bcast = dHi === 0xffff && dLo === 0xffffffff;
    const need = bcast ? BridgePortFlag.BROADCAST_FLOOD : group ? BridgePortFlag.UNKNOWN_MULTICAST_FLOOD : BridgePortFlag.UNKNOWN_UNICAST_FLOOD;
    const ports = t.bridgePorts[br]!;
    const pf = t.portFlags;
    const hz = horizon[port]!;
    const fwd = st.at.bridgeForward;
    let last = -1;
    let copies = 0;
    for (let k = 0; k < ports.length; k++) {
      const p = ports[k]!;
      if (p === port || (pf[p]! & need) === 0 || (hz >= 0 && horizon[p] === hz) || member[p * VIDS + vid] === VlanMember.NONE) continue;
      if (last >= 0 && floodCopy(st, slot, last, this.cols, fwd, tpid, vid, this.index, trace)) copies++;
      last = p;
    }
    const up = group && member[(nPorts + br) * VIDS + vid] !== VlanMember.NONE;
    if (up) {
      if (last >= 0 && floodCopy(st, slot, last, this.cols, fwd, tpid, vid, this.index, trace)) copies++;
      if (trace !== null) rec(trace, flags, slot, this.index, EV.BRIDGE_FLOOD, copies, 1);
      return this.upVlan(slot, br, vid, trace);
    }
    if (last < 0) {
      dropIn(st, slot, Drop.BRIDGE_NO_FLOOD_PORT, this.index, trace);
      return NEXT_DROP;
    }
    if (!egressTag(pool, slot, tpid, vid, member[last * VIDS + vid]!)) {
      dropIn(st, slot, Drop.VLAN_NO_HEADROOM, this.index, trace);
      return NEXT_DROP;
    }
    m.outPort[slot] = last;
    if (trace !== null) {
      rec(trace, flags, slot, this.index, EV.BRIDGE_FLOOD, copies + 1, 0);
      rec(trace, flags, slot, this.index, EV.BRIDGE_TAG, last, member[last * VIDS + vid] === VlanMember.TAGGED ? vid : 0);
    }
    return BR_NEXT_FWD;
  }

  /** Up to the router from a VLAN-filtering bridge, in VLAN `vid` (see the module comment). */
  private upVlan(slot: number, br: number, vid: number, trace: TraceBuffer | null): number {
    const st = this.st;
    const t = st.tables;
    const pool = st.pool;
    const m = pool.meta;
    const bvp = t.portNames.length + br;
    const mem = t.bridgeVlanMember[bvp * VIDS + vid]!;
    if (mem === VlanMember.NONE) {
      dropIn(st, slot, Drop.BRIDGE_VLAN_EGRESS, this.index, trace);
      return NEXT_DROP;
    }
    const bif = t.bridgeIf[br]!;
    let target = bif;
    if (mem === VlanMember.TAGGED) {
      target = -1;
      for (let v = 0; v < t.vlanIf.length; v++) {
        if (t.vlanParent[v] === bif && t.vlanId[v] === vid) {
          target = t.vlanIf[v]!;
          break;
        }
      }
      if (target < 0) {
        dropIn(st, slot, Drop.VLAN_UNKNOWN, this.index, trace);
        return NEXT_DROP;
      }
      if (trace !== null) rec(trace, m.flags, slot, this.index, EV.VLAN_POP, t.ifPort[target]!, vid);
    }
    st.inIf[slot] = target;
    const et = m.etherType[slot]!;
    if (et === 0x0800) {
      const off = slot * pool.slotSize + m.start[slot]!;
      if (hasBridgeTag(pool.bytes, off, m.len[slot]!, t.bridgeTpid[br]!)) popOuterTag(pool, slot);
      // A tag left inside (QinQ): a VLAN on the VLAN; vlan-input goes on from `target`.
      return this.upCode(slot, (m.flags[slot]! & 0x1) !== 0 ? BR_NEXT_VLAN : BR_NEXT_IP4);
    }
    if (et === 0x0806) return this.upCode(slot, BR_NEXT_ARP);
    dropIn(st, slot, et === 0x86dd ? Drop.IPV6_NOT_IMPLEMENTED : Drop.UNKNOWN_ETHERTYPE, this.index, trace);
    return NEXT_DROP;
  }
}
