/**
 * ARP for Ethernet/IPv4 (RFC 826), the only pair a router needs.
 *
 * ```
 *  0      2      4    5    6      8        14       18       24       28
 * | htype | ptype | hlen | plen | oper | SHA (6) | SPA (4) | THA (6) | TPA (4) |
 * ```
 * Addresses: MACs in place (6 bytes), IPv4 as uint32.
 */
import { Drop } from '../drop';
import { WireError, wireError } from './error';
import { macCopy } from './ethernet';
import { u32, setU32 } from './bytes';

export const ARP_HTYPE = 0;
export const ARP_PTYPE = 2;
export const ARP_HLEN = 4;
export const ARP_PLEN = 5;
export const ARP_OPER = 6;
export const ARP_SHA = 8;
export const ARP_SPA = 14;
export const ARP_THA = 18;
export const ARP_TPA = 24;
/** Length of an Ethernet/IPv4 ARP packet. */
export const ARP_LEN = 28;

export const ARP_HTYPE_ETHERNET = 1;
export const ARP_PTYPE_IPV4 = 0x0800;

export const ArpOp = {
  REQUEST: 1,
  REPLY: 2,
  RARP_REQUEST: 3,
  RARP_REPLY: 4,
} as const;

export function arpHtype(b: Uint8Array, o: number): number {
  return (b[o]! << 8) | b[o + 1]!;
}
export function arpPtype(b: Uint8Array, o: number): number {
  return (b[o + 2]! << 8) | b[o + 3]!;
}
export function arpHlen(b: Uint8Array, o: number): number {
  return b[o + 4]!;
}
export function arpPlen(b: Uint8Array, o: number): number {
  return b[o + 5]!;
}
/** True when htype/ptype/hlen/plen say Ethernet/IPv4 (the only layout the other accessors describe). */
export function arpIsEthIpv4(b: Uint8Array, o: number): boolean {
  return b[o] === 0 && b[o + 1] === 1 && b[o + 2] === 0x08 && b[o + 3] === 0 && b[o + 4] === 6 && b[o + 5] === 4;
}
export function arpOper(b: Uint8Array, o: number): number {
  return (b[o + 6]! << 8) | b[o + 7]!;
}
export function arpSetOper(b: Uint8Array, o: number, op: number): void {
  b[o + 6] = op >>> 8;
  b[o + 7] = op;
}
/** Sender protocol (IPv4) address. */
export function arpSpa(b: Uint8Array, o: number): number {
  return u32(b, o + ARP_SPA);
}
/** Target protocol (IPv4) address. */
export function arpTpa(b: Uint8Array, o: number): number {
  return u32(b, o + ARP_TPA);
}
export function arpSetSpa(b: Uint8Array, o: number, a: number): void {
  setU32(b, o + ARP_SPA, a);
}
export function arpSetTpa(b: Uint8Array, o: number, a: number): void {
  setU32(b, o + ARP_TPA, a);
}

/**
 * Turn a request in place into the reply `myMac` gives for it: op = reply, target = old sender,
 * sender = (myMac, old target IP). The Ethernet header is the caller's business.
 */
export function arpMakeReply(b: Uint8Array, o: number, myMac: Uint8Array, myMacOff: number): void {
  const tpa = arpTpa(b, o);
  arpSetOper(b, o, ArpOp.REPLY);
  macCopy(b, o + ARP_THA, b, o + ARP_SHA);
  setU32(b, o + ARP_TPA, arpSpa(b, o));
  macCopy(b, o + ARP_SHA, myMac, myMacOff);
  setU32(b, o + ARP_SPA, tpa);
}

export interface ArpRepr {
  op: number;
  senderMac: Uint8Array;
  senderIp: number;
  targetMac: Uint8Array;
  targetIp: number;
}

export function parseArp(b: Uint8Array, o: number, len: number): ArpRepr | WireError {
  if (len < 8 || o < 0 || o + len > b.length) return wireError(Drop.ARP_TRUNCATED, `${len} bytes, need ${ARP_LEN}`);
  if (arpHtype(b, o) !== ARP_HTYPE_ETHERNET || arpPtype(b, o) !== ARP_PTYPE_IPV4 || arpHlen(b, o) !== 6 || arpPlen(b, o) !== 4)
    return wireError(Drop.ARP_UNSUPPORTED, `htype ${arpHtype(b, o)} ptype 0x${arpPtype(b, o).toString(16)} hlen ${arpHlen(b, o)} plen ${arpPlen(b, o)}`);
  if (len < ARP_LEN) return wireError(Drop.ARP_TRUNCATED, `${len} bytes, need ${ARP_LEN}`);
  return {
    op: arpOper(b, o),
    senderMac: b.slice(o + ARP_SHA, o + ARP_SHA + 6),
    senderIp: arpSpa(b, o),
    targetMac: b.slice(o + ARP_THA, o + ARP_THA + 6),
    targetIp: arpTpa(b, o),
  };
}

/** Write a 28-byte Ethernet/IPv4 ARP packet; returns 28. */
export function emitArp(r: ArpRepr, b: Uint8Array, o: number): number {
  b[o] = 0;
  b[o + 1] = 1;
  b[o + 2] = 0x08;
  b[o + 3] = 0;
  b[o + 4] = 6;
  b[o + 5] = 4;
  arpSetOper(b, o, r.op);
  macCopy(b, o + ARP_SHA, r.senderMac, 0);
  setU32(b, o + ARP_SPA, r.senderIp);
  macCopy(b, o + ARP_THA, r.targetMac, 0);
  setU32(b, o + ARP_TPA, r.targetIp);
  return ARP_LEN;
}
