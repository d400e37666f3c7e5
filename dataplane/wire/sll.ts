/**
 * Linux "cooked" capture headers (what `tcpdump -i any` writes) and the pcap link types flowplane reads.
 *
 * SLL v1 (LINKTYPE_LINUX_SLL = 113), 16 bytes:
 * ```
 *  0       2        4        6                14       16
 * | ptype | ARPHRD | addrlen | address (8, padded) | protocol |
 * ```
 * SLL v2 (LINKTYPE_LINUX_SLL2 = 276), 20 bytes:
 * ```
 *  0          2          4           8        10      11       12               20
 * | protocol | reserved | ifindex    | ARPHRD | ptype | addrlen | address (8)   |
 * ```
 * `protocol` is an ethertype for ARPHRD_ETHER-like devices (it can also be a VLAN TPID when the tag was
 * left in the packet data: then TCI and the inner type follow, as after an Ethernet header).
 */
import { Drop } from '../drop';
import { WireError, wireError } from './error';

/** pcap/pcapng link types (LINKTYPE_*). */
export const LinkType = {
  /** DLT_EN10MB: Ethernet II. */
  ETHERNET: 1,
  /** Raw IPv4/IPv6, version nibble decides. */
  RAW: 101,
  LINUX_SLL: 113,
  LINUX_SLL2: 276,
} as const;

export const SLL_PKTTYPE = 0;
export const SLL_HATYPE = 2;
export const SLL_HALEN = 4;
export const SLL_ADDR = 6;
export const SLL_PROTOCOL = 14;
export const SLL_HEADER_LEN = 16;

export const SLL2_PROTOCOL = 0;
export const SLL2_RESERVED = 2;
export const SLL2_IFINDEX = 4;
export const SLL2_HATYPE = 8;
export const SLL2_PKTTYPE = 10;
export const SLL2_HALEN = 11;
export const SLL2_ADDR = 12;
export const SLL2_HEADER_LEN = 20;

/** Packet type field values (linux/if_packet.h PACKET_*). */
export const SllPacketType = {
  HOST: 0,
  BROADCAST: 1,
  MULTICAST: 2,
  OTHERHOST: 3,
  OUTGOING: 4,
} as const;

/** ARPHRD_* values seen in captures. */
export const Arphrd = {
  ETHER: 1,
  PPP: 512,
  LOOPBACK: 772,
  NONE: 0xfffe,
} as const;

export function sllPacketType(b: Uint8Array, o: number): number {
  return (b[o]! << 8) | b[o + 1]!;
}
export function sllHaType(b: Uint8Array, o: number): number {
  return (b[o + 2]! << 8) | b[o + 3]!;
}
export function sllHaLen(b: Uint8Array, o: number): number {
  return (b[o + 4]! << 8) | b[o + 5]!;
}
export function sllProtocol(b: Uint8Array, o: number): number {
  return (b[o + 14]! << 8) | b[o + 15]!;
}
export function sll2Protocol(b: Uint8Array, o: number): number {
  return (b[o]! << 8) | b[o + 1]!;
}
export function sll2IfIndex(b: Uint8Array, o: number): number {
  return ((b[o + 4]! << 24) | (b[o + 5]! << 16) | (b[o + 6]! << 8) | b[o + 7]!) >>> 0;
}
export function sll2HaType(b: Uint8Array, o: number): number {
  return (b[o + 8]! << 8) | b[o + 9]!;
}
export function sll2PacketType(b: Uint8Array, o: number): number {
  return b[o + 10]!;
}
export function sll2HaLen(b: Uint8Array, o: number): number {
  return b[o + 11]!;
}

/** Both versions share one Repr; `version` tells which was parsed / is emitted. */
export interface SllRepr {
  version: 1 | 2;
  packetType: number;
  haType: number;
  /** The link-layer address (`halen` bytes, at most 8 are stored in the header). */
  addr: Uint8Array;
  /** Address length field as written (may exceed 8 for long addresses, only 8 are kept). */
  addrLen: number;
  protocol: number;
  /** SLL2 only (0 for v1). */
  ifIndex: number;
}

export function parseSll(b: Uint8Array, o: number, len: number): SllRepr | WireError {
  if (len < SLL_HEADER_LEN || o < 0 || o + len > b.length) return wireError(Drop.SLL_TRUNCATED, `${len} bytes, need ${SLL_HEADER_LEN}`);
  const addrLen = sllHaLen(b, o);
  return {
    version: 1,
    packetType: sllPacketType(b, o),
    haType: sllHaType(b, o),
    addrLen,
    addr: b.slice(o + SLL_ADDR, o + SLL_ADDR + Math.min(addrLen, 8)),
    protocol: sllProtocol(b, o),
    ifIndex: 0,
  };
}

export function parseSll2(b: Uint8Array, o: number, len: number): SllRepr | WireError {
  if (len < SLL2_HEADER_LEN || o < 0 || o + len > b.length) return wireError(Drop.SLL_TRUNCATED, `${len} bytes, need ${SLL2_HEADER_LEN}`);
  const addrLen = sll2HaLen(b, o);
  return {
    version: 2,
    packetType: sll2PacketType(b, o),
    haType: sll2HaType(b, o),
    addrLen,
    addr: b.slice(o + SLL2_ADDR, o + SLL2_ADDR + Math.min(addrLen, 8)),
    protocol: sll2Protocol(b, o),
    ifIndex: sll2IfIndex(b, o),
  };
}

/** Header length of a repr (16 or 20). */
export function sllHeaderLen(r: SllRepr): number {
  return r.version === 2 ? SLL2_HEADER_LEN : SLL_HEADER_LEN;
}

/** Write an SLL (v1 or v2 per `r.version`) header; returns its length. */
export function emitSll(r: SllRepr, b: Uint8Array, o: number): number {
  if (r.version === 2) {
    b.fill(0, o, o + SLL2_HEADER_LEN);
    b[o] = r.protocol >>> 8;
    b[o + 1] = r.protocol;
    b[o + 4] = r.ifIndex >>> 24;
    b[o + 5] = r.ifIndex >>> 16;
    b[o + 6] = r.ifIndex >>> 8;
    b[o + 7] = r.ifIndex;
    b[o + 8] = r.haType >>> 8;
    b[o + 9] = r.haType;
    b[o + 10] = r.packetType;
    b[o + 11] = r.addrLen;
    b.set(r.addr.subarray(0, 8), o + SLL2_ADDR);
    return SLL2_HEADER_LEN;
  }
  b.fill(0, o, o + SLL_HEADER_LEN);
  b[o] = r.packetType >>> 8;
  b[o + 1] = r.packetType;
  b[o + 2] = r.haType >>> 8;
  b[o + 3] = r.haType;
  b[o + 4] = r.addrLen >>> 8;
  b[o + 5] = r.addrLen;
  b.set(r.addr.subarray(0, 8), o + SLL_ADDR);
  b[o + 14] = r.protocol >>> 8;
  b[o + 15] = r.protocol;
  return SLL_HEADER_LEN;
}
