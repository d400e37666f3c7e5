/**
 * UDP (RFC 768).
 *
 * ```
 *  0          2          4        6          8
 * | src port | dst port | length | checksum | payload...
 * ```
 * `length` covers header + payload. Over IPv4 a checksum of 0 means "none"; a computed 0 is sent as
 * 0xffff. The checksum covers an IP pseudo header: fill/verify it with checksum.ts `l4*Checksum4/6`.
 */
import { Drop } from '../drop';
import { WireError, wireError } from './error';

export const UDP_SRC_PORT = 0;
export const UDP_DST_PORT = 2;
export const UDP_LENGTH = 4;
export const UDP_CHECKSUM = 6;
export const UDP_HEADER_LEN = 8;

export function udpSrcPort(b: Uint8Array, o: number): number {
  return (b[o]! << 8) | b[o + 1]!;
}
export function udpDstPort(b: Uint8Array, o: number): number {
  return (b[o + 2]! << 8) | b[o + 3]!;
}
export function udpLength(b: Uint8Array, o: number): number {
  return (b[o + 4]! << 8) | b[o + 5]!;
}
export function udpChecksumField(b: Uint8Array, o: number): number {
  return (b[o + 6]! << 8) | b[o + 7]!;
}
// Raw setters (no checksum patching; see checksum.ts l4Rewrite* for ports).
export function udpSetSrcPort(b: Uint8Array, o: number, v: number): void {
  b[o] = v >>> 8;
  b[o + 1] = v;
}
export function udpSetDstPort(b: Uint8Array, o: number, v: number): void {
  b[o + 2] = v >>> 8;
  b[o + 3] = v;
}
export function udpSetLength(b: Uint8Array, o: number, v: number): void {
  b[o + 4] = v >>> 8;
  b[o + 5] = v;
}
export function udpSetChecksum(b: Uint8Array, o: number, v: number): void {
  b[o + 6] = v >>> 8;
  b[o + 7] = v;
}

export interface UdpRepr {
  srcPort: number;
  dstPort: number;
  /** Header + payload. */
  length: number;
  /** As read / to write; fill the real value with checksum.ts after emitting the payload. */
  checksum: number;
}

/**
 * Checked parse; `len` = bytes of IP payload available from `o`. The length field must be 8..len
 * (pass `allowLonger` for a first fragment, whose datagram continues in later fragments).
 */
export function parseUdp(b: Uint8Array, o: number, len: number, allowLonger: boolean = false): UdpRepr | WireError {
  if (o < 0 || len < 0 || o + len > b.length) return wireError(Drop.UDP_TRUNCATED, `range ${o}+${len} outside the buffer`);
  if (len < UDP_HEADER_LEN) return wireError(Drop.UDP_TRUNCATED, `${len} bytes, need 8`);
  const l = udpLength(b, o);
  if (l < UDP_HEADER_LEN || (!allowLonger && l > len)) return wireError(Drop.UDP_BAD_LENGTH, `length ${l} with ${len} bytes of IP payload`);
  return { srcPort: udpSrcPort(b, o), dstPort: udpDstPort(b, o), length: l, checksum: udpChecksumField(b, o) };
}

/** Write the header; returns 8. */
export function emitUdp(r: UdpRepr, b: Uint8Array, o: number): number {
  udpSetSrcPort(b, o, r.srcPort);
  udpSetDstPort(b, o, r.dstPort);
  udpSetLength(b, o, r.length);
  udpSetChecksum(b, o, r.checksum);
  return UDP_HEADER_LEN;
}
