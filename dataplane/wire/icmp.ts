/**
 * ICMP for IPv4 (RFC 792, RFC 1191 for the next-hop MTU).
 *
 * ```
 *  0      1      2          4                     8
 * | type | code | checksum | rest of header (4)   | data ...
 * ```
 * rest of header: echo → identifier (2) + sequence (2); destination unreachable code 4 → unused (2) +
 * next-hop MTU (2); redirect → gateway address; parameter problem → pointer (1). Error messages quote
 * the offending IPv4 header and at least 8 bytes of its payload as their data.
 * The checksum covers the whole ICMP message (no pseudo header).
 */
import { Drop } from '../drop';
import { WireError, wireError } from './error';
import { icmpChecksum, inetChecksumOk } from './checksum';

export const ICMP_TYPE = 0;
export const ICMP_CODE = 1;
export const ICMP_CHECKSUM = 2;
export const ICMP_ECHO_ID = 4;
export const ICMP_ECHO_SEQ = 6;
export const ICMP_POINTER = 4;
export const ICMP_GATEWAY = 4;
export const ICMP_NEXT_HOP_MTU = 6;
/** Where the data (echo payload or quoted packet) starts. */
export const ICMP_DATA = 8;
export const ICMP_HEADER_LEN = 8;

export const IcmpType = {
  ECHO_REPLY: 0,
  DEST_UNREACHABLE: 3,
  SOURCE_QUENCH: 4,
  REDIRECT: 5,
  ECHO_REQUEST: 8,
  ROUTER_ADVERT: 9,
  ROUTER_SOLICIT: 10,
  TIME_EXCEEDED: 11,
  PARAM_PROBLEM: 12,
  TIMESTAMP: 13,
  TIMESTAMP_REPLY: 14,
} as const;

/** Codes of destination unreachable (type 3). */
export const IcmpUnreach = {
  NET: 0,
  HOST: 1,
  PROTOCOL: 2,
  PORT: 3,
  NEED_FRAG: 4,
  SOURCE_ROUTE_FAILED: 5,
  NET_UNKNOWN: 6,
  HOST_UNKNOWN: 7,
  SOURCE_HOST_ISOLATED: 8,
  NET_PROHIBITED: 9,
  HOST_PROHIBITED: 10,
  NET_TOS: 11,
  HOST_TOS: 12,
  ADMIN_PROHIBITED: 13,
  HOST_PRECEDENCE: 14,
  PRECEDENCE_CUTOFF: 15,
} as const;

/** Codes of time exceeded (type 11). */
export const IcmpTimeExceeded = {
  TTL: 0,
  REASSEMBLY: 1,
} as const;

/** Error messages (they quote a packet and must never be answered with another error). */
export function icmpIsError(type: number): boolean {
  return type === 3 || type === 4 || type === 5 || type === 11 || type === 12;
}

export function icmpType(b: Uint8Array, o: number): number {
  return b[o]!;
}
export function icmpCode(b: Uint8Array, o: number): number {
  return b[o + 1]!;
}
export function icmpChecksumField(b: Uint8Array, o: number): number {
  return (b[o + 2]! << 8) | b[o + 3]!;
}
export function icmpEchoId(b: Uint8Array, o: number): number {
  return (b[o + 4]! << 8) | b[o + 5]!;
}
export function icmpEchoSeq(b: Uint8Array, o: number): number {
  return (b[o + 6]! << 8) | b[o + 7]!;
}
export function icmpNextHopMtu(b: Uint8Array, o: number): number {
  return (b[o + 6]! << 8) | b[o + 7]!;
}
export function icmpPointer(b: Uint8Array, o: number): number {
  return b[o + 4]!;
}
export function icmpGateway(b: Uint8Array, o: number): number {
  return ((b[o + 4]! << 24) | (b[o + 5]! << 16) | (b[o + 6]! << 8) | b[o + 7]!) >>> 0;
}
export function icmpSetType(b: Uint8Array, o: number, t: number): void {
  b[o] = t;
}
export function icmpSetChecksum(b: Uint8Array, o: number, c: number): void {
  b[o + 2] = c >>> 8;
  b[o + 3] = c;
}

/** The message kinds a Repr distinguishes; anything else is `other` with its raw 4-byte rest. */
export type IcmpRepr =
  | { kind: 'echo-request' | 'echo-reply'; id: number; seq: number; data: Uint8Array }
  | { kind: 'dest-unreachable'; code: number; /** next-hop MTU (code 4), else 0 */ mtu: number; /** the rest-of-header bytes 4-5 */ unused: number; quoted: Uint8Array }
  | { kind: 'time-exceeded'; code: number; unused: number; quoted: Uint8Array }
  | { kind: 'param-problem'; code: number; pointer: number; unused: number; quoted: Uint8Array }
  | { kind: 'redirect'; code: number; gateway: number; quoted: Uint8Array }
  | { kind: 'other'; type: number; code: number; rest: number; data: Uint8Array };

/**
 * Checked parse of an ICMP message of `len` bytes (the IP payload). With `verifyChecksum` a bad checksum
 * is Drop.L4_BAD_CHECKSUM. The data/quoted bytes are copied.
 */
export function parseIcmp(b: Uint8Array, o: number, len: number, verifyChecksum: boolean = false): IcmpRepr | WireError {
  if (o < 0 || len < 0 || o + len > b.length) return wireError(Drop.ICMP_TRUNCATED, `range ${o}+${len} outside the buffer`);
  if (len < ICMP_HEADER_LEN) return wireError(Drop.ICMP_TRUNCATED, `${len} bytes, need 8`);
  if (verifyChecksum && !inetChecksumOk(b, o, len)) return wireError(Drop.L4_BAD_CHECKSUM, `ICMP checksum 0x${icmpChecksumField(b, o).toString(16)}`);
  const type = b[o]!;
  const code = b[o + 1]!;
  const data = b.slice(o + 8, o + len);
  const w45 = (b[o + 4]! << 8) | b[o + 5]!;
  const w67 = (b[o + 6]! << 8) | b[o + 7]!;
  switch (type) {
    case IcmpType.ECHO_REQUEST:
    case IcmpType.ECHO_REPLY:
      if (code === 0) return { kind: type === IcmpType.ECHO_REQUEST ? 'echo-request' : 'echo-reply', id: w45, seq: w67, data };
      break;
    case IcmpType.DEST_UNREACHABLE:
      return { kind: 'dest-unreachable', code, mtu: w67, unused: w45, quoted: data };
    case IcmpType.TIME_EXCEEDED:
      return { kind: 'time-exceeded', code, unused: ((w45 << 16) | w67) >>> 0, quoted: data };
    case IcmpType.PARAM_PROBLEM:
      return { kind: 'param-problem', code, pointer: b[o + 4]!, unused: ((b[o + 5]! << 16) | w67) >>> 0, quoted: data };
    case IcmpType.REDIRECT:
      return { kind: 'redirect', code, gateway: icmpGateway(b, o), quoted: data };
  }
  return { kind: 'other', type, code, rest: ((w45 << 16) | w67) >>> 0, data };
}

/** Length the repr encodes to. */
export function icmpReprLen(r: IcmpRepr): number {
  return ICMP_HEADER_LEN + ('data' in r ? r.data.length : r.quoted.length);
}

/** Write the message with its checksum; returns its length. */
export function emitIcmp(r: IcmpRepr, b: Uint8Array, o: number): number {
  let type: number;
  let code = 0;
  let rest: number;
  let data: Uint8Array;
  switch (r.kind) {
    case 'echo-request':
    case 'echo-reply':
      type = r.kind === 'echo-request' ? IcmpType.ECHO_REQUEST : IcmpType.ECHO_REPLY;
      rest = ((r.id << 16) | (r.seq & 0xffff)) >>> 0;
      data = r.data;
      break;
    case 'dest-unreachable':
      type = IcmpType.DEST_UNREACHABLE;
      code = r.code;
      rest = (((r.unused & 0xffff) << 16) | (r.mtu & 0xffff)) >>> 0;
      data = r.quoted;
      break;
    case 'time-exceeded':
      type = IcmpType.TIME_EXCEEDED;
      code = r.code;
      rest = r.unused >>> 0;
      data = r.quoted;
      break;
    case 'param-problem':
      type = IcmpType.PARAM_PROBLEM;
      code = r.code;
      rest = (((r.pointer & 0xff) << 24) | (r.unused & 0xffffff)) >>> 0;
      data = r.quoted;
      break;
    case 'redirect':
      type = IcmpType.REDIRECT;
      code = r.code;
      rest = r.gateway >>> 0;
      data = r.quoted;
      break;
    default:
      type = r.type;
      code = r.code;
      rest = r.rest >>> 0;
      data = r.data;
  }
  b[o] = type;
  b[o + 1] = code;
  b[o + 4] = rest >>> 24;
  b[o + 5] = rest >>> 16;
  b[o + 6] = rest >>> 8;
  b[o + 7] = rest;
  b.set(data, o + 8);
  const len = ICMP_HEADER_LEN + data.length;
  icmpSetChecksum(b, o, icmpChecksum(b, o, len));
  return len;
}
