/**
 * Ethernet II frames, MAC addresses and 802.1Q / 802.1ad VLAN tags.
 *
 * ```
 *  0                   6                   12      14
 * +-------------------+-------------------+-------+---------
 * | destination MAC   | source MAC        | type  | payload
 * +-------------------+-------------------+-------+---------
 * with tags:  ... source MAC | TPID | TCI | TPID | TCI | type | payload      (up to MAX_VLAN_TAGS tags)
 * ```
 * TPIDs recognised as tags: 0x8100 (802.1Q C-tag), 0x88a8 (802.1ad S-tag) and 0x9100 (pre-standard
 * S-tag). TCI = PCP (3 bits) | DEI (1 bit) | VID (12 bits).
 *
 * Hot-path accessors take `(b, o)` where `o` is the offset of the frame (or, for tag accessors, of the
 * tag's TPID). MACs are six bytes in place, or two numbers: `hi16` (bytes 0-1) and `lo32` (bytes 2-5).
 */
import { Drop } from '../drop';
import { WireError, wireError } from './error';

export const ETH_DST = 0;
export const ETH_SRC = 6;
export const ETH_TYPE = 12;
export const ETH_HEADER_LEN = 14;
/** Shortest frame on the wire without FCS (what Ethernet padding fills up to). */
export const ETH_MIN_FRAME = 60;

/** A VLAN tag is 4 bytes: TPID (2) and TCI (2). Offsets inside a tag. */
export const VLAN_TPID = 0;
export const VLAN_TCI = 2;
export const VLAN_TAG_LEN = 4;
/** Deepest tag stack the dataplane parses (more is Drop.VLAN_TOO_DEEP). */
export const MAX_VLAN_TAGS = 4;

export const EtherType = {
  IPV4: 0x0800,
  ARP: 0x0806,
  WOL: 0x0842,
  RARP: 0x8035,
  VLAN: 0x8100,
  IPV6: 0x86dd,
  MPLS: 0x8847,
  MPLS_MCAST: 0x8848,
  PPPOE_DISCOVERY: 0x8863,
  PPPOE_SESSION: 0x8864,
  EAPOL: 0x888e,
  QINQ: 0x88a8,
  LLDP: 0x88cc,
  MACSEC: 0x88e5,
  QINQ_9100: 0x9100,
} as const;

/** True for a TPID that starts a VLAN tag (0x8100, 0x88a8, 0x9100). */
export function isVlanTpid(t: number): boolean {
  return t === 0x8100 || t === 0x88a8 || t === 0x9100;
}

// ---- hot-path accessors -------------------------------------------------------------------------

export function ethEtherType(b: Uint8Array, o: number): number {
  return (b[o + 12]! << 8) | b[o + 13]!;
}
export function ethSetEtherType(b: Uint8Array, o: number, t: number): void {
  b[o + 12] = t >>> 8;
  b[o + 13] = t;
}
/** Group bit of the destination MAC (multicast, including broadcast). */
export function ethDstIsMulticast(b: Uint8Array, o: number): boolean {
  return (b[o]! & 1) !== 0;
}
export function ethDstIsBroadcast(b: Uint8Array, o: number): boolean {
  return (b[o]! & b[o + 1]! & b[o + 2]! & b[o + 3]! & b[o + 4]! & b[o + 5]!) === 0xff;
}
/** Bytes 0-1 of the MAC at `o`. */
export function macHi16(b: Uint8Array, o: number): number {
  return (b[o]! << 8) | b[o + 1]!;
}
/** Bytes 2-5 of the MAC at `o` as a uint32. */
export function macLo32(b: Uint8Array, o: number): number {
  return ((b[o + 2]! << 24) | (b[o + 3]! << 16) | (b[o + 4]! << 8) | b[o + 5]!) >>> 0;
}
export function macSet(b: Uint8Array, o: number, hi16: number, lo32: number): void {
  b[o] = hi16 >>> 8;
  b[o + 1] = hi16;
  b[o + 2] = lo32 >>> 24;
  b[o + 3] = lo32 >>> 16;
  b[o + 4] = lo32 >>> 8;
  b[o + 5] = lo32;
}
export function macCopy(dst: Uint8Array, dOff: number, src: Uint8Array, sOff: number): void {
  dst[dOff] = src[sOff]!;
  dst[dOff + 1] = src[sOff + 1]!;
  dst[dOff + 2] = src[sOff + 2]!;
  dst[dOff + 3] = src[sOff + 3]!;
  dst[dOff + 4] = src[sOff + 4]!;
  dst[dOff + 5] = src[sOff + 5]!;
}
export function macEquals(a: Uint8Array, aOff: number, b: Uint8Array, bOff: number): boolean {
  return (
    a[aOff] === b[bOff] &&
    a[aOff + 1] === b[bOff + 1] &&
    a[aOff + 2] === b[bOff + 2] &&
    a[aOff + 3] === b[bOff + 3] &&
    a[aOff + 4] === b[bOff + 4] &&
    a[aOff + 5] === b[bOff + 5]
  );
}
/** Swap source and destination MAC in place (for replies). */
export function ethSwapMacs(b: Uint8Array, o: number): void {
  for (let i = 0; i < 6; i++) {
    const t = b[o + i]!;
    b[o + i] = b[o + 6 + i]!;
    b[o + 6 + i] = t;
  }
}

/** TPID of the tag at `t` (offset of the tag's first byte). */
export function vlanTpid(b: Uint8Array, t: number): number {
  return (b[t]! << 8) | b[t + 1]!;
}
export function vlanTci(b: Uint8Array, t: number): number {
  return (b[t + 2]! << 8) | b[t + 3]!;
}
export function vlanVid(b: Uint8Array, t: number): number {
  return ((b[t + 2]! & 0x0f) << 8) | b[t + 3]!;
}
export function vlanPcp(b: Uint8Array, t: number): number {
  return b[t + 2]! >>> 5;
}
export function vlanDei(b: Uint8Array, t: number): number {
  return (b[t + 2]! >>> 4) & 1;
}
export function vlanSetVid(b: Uint8Array, t: number, vid: number): void {
  b[t + 2] = (b[t + 2]! & 0xf0) | ((vid >>> 8) & 0x0f);
  b[t + 3] = vid;
}
export function vlanSetPcp(b: Uint8Array, t: number, pcp: number): void {
  b[t + 2] = (b[t + 2]! & 0x1f) | ((pcp & 7) << 5);
}

/**
 * Offset (relative to `o`) of the L3 payload after any VLAN tags, or -1 when the header or a tag is cut
 * off or the stack is deeper than MAX_VLAN_TAGS. `len` is the bytes available from `o`.
 */
export function ethPayloadOffset(b: Uint8Array, o: number, len: number): number {
  if (len < ETH_HEADER_LEN) return -1;
  let p = ETH_TYPE;
  let n = 0;
  let t = (b[o + p]! << 8) | b[o + p + 1]!;
  while (t === 0x8100 || t === 0x88a8 || t === 0x9100) {
    if (++n > MAX_VLAN_TAGS || p + 6 > len) return -1;
    p += 4;
    t = (b[o + p]! << 8) | b[o + p + 1]!;
  }
  return p + 2;
}

// ---- text helpers (off the hot path) ------------------------------------------------------------

const HEX = '0123456789abcdef';

/** `00:11:22:33:44:55` for the MAC at `o`. */
export function macToString(b: Uint8Array, o: number = 0): string {
  let s = '';
  for (let i = 0; i < 6; i++) {
    const v = b[o + i] ?? 0;
    if (i) s += ':';
    s += HEX[v >>> 4]! + HEX[v & 15]!;
  }
  return s;
}

/** Parse `00:11:22:33:44:55` (also `-` or `.`-separated Cisco `0011.2233.4455`, or 12 bare hex digits). */
export function macParse(s: string): Uint8Array | WireError {
  const hex = s.trim().replace(/[:\-.]/g, '');
  if (!/^[0-9a-fA-F]{12}$/.test(hex)) {
    // also accept single-digit groups like 2:0:0:0:0:1
    const parts = s.trim().split(/[:-]/);
    if (parts.length === 6 && parts.every((p) => /^[0-9a-fA-F]{1,2}$/.test(p))) return Uint8Array.from(parts.map((p) => parseInt(p, 16)));
    return wireError(Drop.NONE, `not a MAC address: ${JSON.stringify(s)}`);
  }
  const out = new Uint8Array(6);
  for (let i = 0; i < 6; i++) out[i] = parseInt(hex.slice(i * 2, i * 2 + 2), 16);
  return out;
}

// ---- Repr ---------------------------------------------------------------------------------------

export interface VlanTagRepr {
  /** 0x8100, 0x88a8 or 0x9100. */
  tpid: number;
  pcp: number;
  dei: number;
  vid: number;
}

export interface EthernetRepr {
  dst: Uint8Array;
  src: Uint8Array;
  /** Outermost first. */
  tags: VlanTagRepr[];
  /** Ethertype after the tags. */
  etherType: number;
}

/** Header length of a repr (14 + 4 per tag): where the payload starts. */
export function ethernetHeaderLen(r: EthernetRepr): number {
  return ETH_HEADER_LEN + VLAN_TAG_LEN * r.tags.length;
}

/** Checked parse of the Ethernet header and its tags; `len` = bytes available from `o`. */
export function parseEthernet(b: Uint8Array, o: number, len: number): EthernetRepr | WireError {
  if (len < ETH_HEADER_LEN || o < 0 || o + len > b.length) return wireError(Drop.ETHERNET_TRUNCATED, `${len} bytes, need ${ETH_HEADER_LEN}`);
  const tags: VlanTagRepr[] = [];
  let p = ETH_TYPE;
  let t = (b[o + p]! << 8) | b[o + p + 1]!;
  while (isVlanTpid(t)) {
    if (tags.length >= MAX_VLAN_TAGS) return wireError(Drop.VLAN_TOO_DEEP, `more than ${MAX_VLAN_TAGS} VLAN tags`);
    if (p + 6 > len) return wireError(Drop.VLAN_TRUNCATED, `tag ${tags.length + 1} cut off at ${len} bytes`);
    tags.push({ tpid: t, pcp: vlanPcp(b, o + p), dei: vlanDei(b, o + p), vid: vlanVid(b, o + p) });
    p += 4;
    t = (b[o + p]! << 8) | b[o + p + 1]!;
  }
  return { dst: b.slice(o, o + 6), src: b.slice(o + 6, o + 12), tags, etherType: t };
}

/** Write the header; returns its length. */
export function emitEthernet(r: EthernetRepr, b: Uint8Array, o: number): number {
  macCopy(b, o, r.dst, 0);
  macCopy(b, o + 6, r.src, 0);
  let p = o + ETH_TYPE;
  for (const tag of r.tags) {
    b[p] = tag.tpid >>> 8;
    b[p + 1] = tag.tpid;
    b[p + 2] = ((tag.pcp & 7) << 5) | ((tag.dei & 1) << 4) | ((tag.vid >>> 8) & 0x0f);
    b[p + 3] = tag.vid;
    p += 4;
  }
  b[p] = r.etherType >>> 8;
  b[p + 1] = r.etherType;
  return p + 2 - o;
}
