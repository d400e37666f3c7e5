/**
 * Bridge VLAN filtering helpers (ROUTEROS-FLOW.md §6 "VLAN filtering"; Linux br_vlan.c), used by
 * bridge-input (frames from ports) and bridge-output (frames the router sends through the bridge).
 *
 * A bridge with `vlan-filtering=yes` gives every frame a VLAN (VID) when it enters a bridge port — a real
 * port, or the bridge interface itself for frames the router sends ("the bridge is a port too"):
 * - the outer tag, when its TPID is the bridge's `ether-type` (default 0x8100) and its VID is not 0;
 *   a tag with another TPID is payload: the frame counts as untagged (Linux br_allowed_ingress);
 * - else (untagged, or priority-tagged: VID 0) the port's `pvid`;
 * - `frame-types=admit-only-vlan-tagged` drops untagged and priority-tagged frames,
 *   `admit-only-untagged-and-priority-tagged` drops tagged ones (`bridge-frame-type`);
 * - `ingress-filtering=yes` drops a VID the port is not a member of (`bridge-vlan-ingress-filter`).
 * On egress a port must be a member of the VID (FlowTables.bridgeVlanMember): an untagged member gets the
 * frame without its tag (popped), a tagged member with it (pushed when the frame came untagged, TPID = the
 * bridge's ether-type, PCP 0; a priority tag gets the VID written into it, keeping its PCP).
 *
 * Tags are pushed and popped in place: the 12 MAC bytes move over the slot's headroom (push) or forward
 * over the tag (pop); `start`, `len`, `l3Off`, `l4Off` follow, and the VLAN columns and flag bits are read
 * back from the frame (`retagMeta`). Nothing allocates.
 */
import type { PacketPool } from '../buf/pool';
import { Drop } from '../drop';
import type { FlowTables } from './state';

/** `frame-types` codes (FlowTables.bridgeFrameTypes). */
export const FrameTypes = { ADMIT_ALL: 0, ADMIT_ONLY_UNTAGGED_AND_PRIORITY_TAGGED: 1, ADMIT_ONLY_VLAN_TAGGED: 2 } as const;
/** Membership codes (FlowTables.bridgeVlanMember). */
export const VlanMember = { NONE: 0, TAGGED: 1, UNTAGGED: 2 } as const;
/** Row length of FlowTables.bridgeVlanMember (one entry per VID 0..4095). */
export const VIDS = 4096;

/** Read the tags at the front of the frame back into the slot's VLAN columns and flag bits. */
export function retagMeta(pool: PacketPool, slot: number): void {
  const m = pool.meta;
  const b = pool.bytes;
  const off = slot * pool.slotSize + m.start[slot]!;
  const len = m.len[slot]!;
  let f = m.flags[slot]! & ~0x7;
  let outer = 0;
  let inner = 0;
  const t0 = len >= 18 ? (b[off + 12]! << 8) | b[off + 13]! : 0;
  if (t0 === 0x8100 || t0 === 0x88a8 || t0 === 0x9100) {
    f |= t0 === 0x8100 ? 0x1 : 0x5;
    outer = ((b[off + 14]! & 0x0f) << 8) | b[off + 15]!;
    const t1 = len >= 22 ? (b[off + 16]! << 8) | b[off + 17]! : 0;
    if (t1 === 0x8100 || t1 === 0x88a8 || t1 === 0x9100) {
      f |= 0x2;
      inner = ((b[off + 18]! & 0x0f) << 8) | b[off + 19]!;
    }
  }
  m.flags[slot] = f;
  m.vlanOuter[slot] = outer;
  m.vlanInner[slot] = inner;
}

/** Remove the outer tag (the caller checked there is one). */
export function popOuterTag(pool: PacketPool, slot: number): void {
  const m = pool.meta;
  const dv = pool.view;
  const off = slot * pool.slotSize + m.start[slot]!;
  // The MACs move forward over the tag (three 32-bit loads, then stores; copyWithin costs ~20 ns a call).
  const w0 = dv.getUint32(off);
  const w1 = dv.getUint32(off + 4);
  const w2 = dv.getUint32(off + 8);
  dv.setUint32(off + 4, w0);
  dv.setUint32(off + 8, w1);
  dv.setUint32(off + 12, w2);
  m.start[slot] = m.start[slot]! + 4;
  m.len[slot] = m.len[slot]! - 4;
  m.l3Off[slot] = m.l3Off[slot]! - 4;
  m.l4Off[slot] = m.l4Off[slot]! - 4;
  retagMeta(pool, slot);
}

/** Push a tag (TPID, TCI) in front of the ethertype. False when the slot has no headroom left. */
export function pushTag(pool: PacketPool, slot: number, tpid: number, tci: number): boolean {
  const m = pool.meta;
  const s = m.start[slot]!;
  if (s < 4) return false;
  const dv = pool.view;
  const b = pool.bytes;
  const off = slot * pool.slotSize + s;
  const w0 = dv.getUint32(off);
  const w1 = dv.getUint32(off + 4);
  const w2 = dv.getUint32(off + 8);
  dv.setUint32(off - 4, w0);
  dv.setUint32(off, w1);
  dv.setUint32(off + 4, w2);
  b[off + 8] = tpid >>> 8;
  b[off + 9] = tpid & 0xff;
  b[off + 10] = (tci >>> 8) & 0xff;
  b[off + 11] = tci & 0xff;
  m.start[slot] = s - 4;
  m.len[slot] = m.len[slot]! + 4;
  m.l3Off[slot] = m.l3Off[slot]! + 4;
  m.l4Off[slot] = m.l4Off[slot]! + 4;
  retagMeta(pool, slot);
  return true;
}

/** Does the frame at `off` carry an outer tag with TPID `tpid`? */
export function hasBridgeTag(b: Uint8Array, off: number, len: number, tpid: number): boolean {
  return len >= 18 && ((b[off + 12]! << 8) | b[off + 13]!) === tpid;
}

/**
 * Ingress classification of the frame at `off` arriving on bridge port `vp` (a port number, or a bridge's
 * virtual port for frames the router sends): its VID, or minus a drop code (bridge-frame-type,
 * bridge-vlan-ingress-filter).
 */
export function ingressVid(t: FlowTables, b: Uint8Array, off: number, len: number, vp: number, tpid: number): number {
  let vid = 0;
  if (len >= 18 && ((b[off + 12]! << 8) | b[off + 13]!) === tpid) vid = ((b[off + 14]! & 0x0f) << 8) | b[off + 15]!;
  const ft = t.bridgeFrameTypes[vp]!;
  if (vid === 0) {
    if (ft === FrameTypes.ADMIT_ONLY_VLAN_TAGGED) return -Drop.BRIDGE_FRAME_TYPE;
    vid = t.bridgePvid[vp]!;
  } else if (ft === FrameTypes.ADMIT_ONLY_UNTAGGED_AND_PRIORITY_TAGGED) return -Drop.BRIDGE_FRAME_TYPE;
  if (t.bridgeIngressFiltering[vp] === 1 && t.bridgeVlanMember[vp * VIDS + vid] === VlanMember.NONE) return -Drop.BRIDGE_VLAN_INGRESS_FILTER;
  return vid;
}

/**
 * Make the frame in `slot` leave as member kind `mem` (VlanMember.TAGGED / UNTAGGED) of VLAN `vid`:
 * pop, push or rewrite the outer tag. False when a push found no headroom.
 */
export function egressTag(pool: PacketPool, slot: number, tpid: number, vid: number, mem: number): boolean {
  const m = pool.meta;
  const b = pool.bytes;
  const off = slot * pool.slotSize + m.start[slot]!;
  const tagged = hasBridgeTag(b, off, m.len[slot]!, tpid);
  if (mem === VlanMember.UNTAGGED) {
    if (tagged) popOuterTag(pool, slot);
    return true;
  }
  if (tagged) {
    b[off + 14] = (b[off + 14]! & 0xf0) | (vid >>> 8);
    b[off + 15] = vid & 0xff;
    m.vlanOuter[slot] = vid;
    return true;
  }
  return pushTag(pool, slot, tpid, vid);
}
