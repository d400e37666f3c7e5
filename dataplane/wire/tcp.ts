/**
 * TCP (RFC 9293) header and options.
 *
 * ```
 *  0          2          4       8       12            13     14       16         18        20
 * | src port | dst port | seq   | ack   | doff|rsv|NS | flags | window | checksum | urgent | options...
 * ```
 * Flags byte: CWR ECE URG ACK PSH RST SYN FIN (0x80..0x01); NS/AE is the low bit of byte 12.
 * Options: EOL (0), NOP (1), MSS (2, len 4), window scale (3, len 3), SACK permitted (4, len 2),
 * SACK (5, len 2 + 8n), timestamps (8, len 10); others are TLVs. The checksum covers an IP pseudo header:
 * fill/verify it with checksum.ts `l4*Checksum4/6`.
 */
import { Drop } from '../drop';
import { WireError, wireError } from './error';
import { csumReplace16 } from './checksum';
import { u32, setU32 } from './bytes';

export const TCP_SRC_PORT = 0;
export const TCP_DST_PORT = 2;
export const TCP_SEQ = 4;
export const TCP_ACK = 8;
export const TCP_DATA_OFF = 12;
export const TCP_FLAGS = 13;
export const TCP_WINDOW = 14;
export const TCP_CHECKSUM = 16;
export const TCP_URGENT = 18;
export const TCP_OPTIONS = 20;
export const TCP_MIN_HEADER_LEN = 20;
export const TCP_MAX_HEADER_LEN = 60;

export const TcpFlag = {
  FIN: 0x01,
  SYN: 0x02,
  RST: 0x04,
  PSH: 0x08,
  ACK: 0x10,
  URG: 0x20,
  ECE: 0x40,
  CWR: 0x80,
  /** Bit 8 of tcpFlags9 (the NS / AE bit in byte 12). */
  NS: 0x100,
} as const;

export const TcpOpt = {
  EOL: 0,
  NOP: 1,
  MSS: 2,
  WSCALE: 3,
  SACK_PERMITTED: 4,
  SACK: 5,
  TIMESTAMP: 8,
  MD5: 19,
  USER_TIMEOUT: 28,
  AUTH: 29,
  MPTCP: 30,
  FASTOPEN: 34,
} as const;

// ---- hot-path accessors -------------------------------------------------------------------------

export function tcpSrcPort(b: Uint8Array, o: number): number {
  return (b[o]! << 8) | b[o + 1]!;
}
export function tcpDstPort(b: Uint8Array, o: number): number {
  return (b[o + 2]! << 8) | b[o + 3]!;
}
export function tcpSeq(b: Uint8Array, o: number): number {
  return u32(b, o + 4);
}
export function tcpAck(b: Uint8Array, o: number): number {
  return u32(b, o + 8);
}
/** Header length in bytes (data offset * 4). */
export function tcpHeaderLen(b: Uint8Array, o: number): number {
  return (b[o + 12]! >>> 4) << 2;
}
/** The 8 classic flag bits. */
export function tcpFlags(b: Uint8Array, o: number): number {
  return b[o + 13]!;
}
/** The 9 flag bits including NS (TcpFlag.NS). */
export function tcpFlags9(b: Uint8Array, o: number): number {
  return ((b[o + 12]! & 1) << 8) | b[o + 13]!;
}
export function tcpWindow(b: Uint8Array, o: number): number {
  return (b[o + 14]! << 8) | b[o + 15]!;
}
export function tcpChecksumField(b: Uint8Array, o: number): number {
  return (b[o + 16]! << 8) | b[o + 17]!;
}
export function tcpUrgent(b: Uint8Array, o: number): number {
  return (b[o + 18]! << 8) | b[o + 19]!;
}
// Raw setters (no checksum patching; see checksum.ts l4Rewrite* for ports).
export function tcpSetSrcPort(b: Uint8Array, o: number, v: number): void {
  b[o] = v >>> 8;
  b[o + 1] = v;
}
export function tcpSetDstPort(b: Uint8Array, o: number, v: number): void {
  b[o + 2] = v >>> 8;
  b[o + 3] = v;
}
export function tcpSetSeq(b: Uint8Array, o: number, v: number): void {
  setU32(b, o + 4, v);
}
export function tcpSetAck(b: Uint8Array, o: number, v: number): void {
  setU32(b, o + 8, v);
}
export function tcpSetFlags(b: Uint8Array, o: number, v: number): void {
  b[o + 13] = v;
}
export function tcpSetWindow(b: Uint8Array, o: number, v: number): void {
  b[o + 14] = v >>> 8;
  b[o + 15] = v;
}
export function tcpSetChecksum(b: Uint8Array, o: number, v: number): void {
  b[o + 16] = v >>> 8;
  b[o + 17] = v;
}

/**
 * Absolute offset of the first option of `kind` in the header at `o`, -1 when absent, -2 when the
 * option list is malformed before reaching it. `kind` must not be EOL or NOP.
 */
export function tcpFindOption(b: Uint8Array, o: number, kind: number): number {
  const end = o + ((b[o + 12]! >>> 4) << 2);
  let i = o + 20;
  while (i < end) {
    const k = b[i]!;
    if (k === 0) return -1;
    if (k === 1) {
      i++;
      continue;
    }
    if (i + 2 > end) return -2;
    const l = b[i + 1]!;
    if (l < 2 || i + l > end) return -2;
    if (k === kind) return i;
    i += l;
  }
  return -1;
}

/** MSS option value, or -1 when there is none (or it is malformed). */
export function tcpMss(b: Uint8Array, o: number): number {
  const p = tcpFindOption(b, o, 2);
  if (p < 0 || b[p + 1] !== 4) return -1;
  return (b[p + 2]! << 8) | b[p + 3]!;
}

/**
 * Clamp the MSS option to `max` (RouterOS `change-mss` / `clamp-to-pmtu`), patching the checksum.
 * Returns true when it changed something.
 */
export function tcpClampMss(b: Uint8Array, o: number, max: number): boolean {
  const p = tcpFindOption(b, o, 2);
  if (p < 0 || b[p + 1] !== 4) return false;
  const old = (b[p + 2]! << 8) | b[p + 3]!;
  if (old <= max) return false;
  b[p + 2] = max >>> 8;
  b[p + 3] = max;
  // The MSS value sits at an even offset from the header start when (p - o) is even; otherwise it straddles
  // two checksum words and both must be patched.
  if (((p - o) & 1) === 0) {
    tcpSetChecksum(b, o, csumReplace16(tcpChecksumField(b, o), old, max & 0xffff));
  } else {
    const w0o = (b[p + 1]! << 8) | (old >>> 8);
    const w1o = ((old & 0xff) << 8) | b[p + 4]!;
    const w0n = (b[p + 1]! << 8) | ((max >>> 8) & 0xff);
    const w1n = ((max & 0xff) << 8) | b[p + 4]!;
    let c = csumReplace16(tcpChecksumField(b, o), w0o, w0n);
    c = csumReplace16(c, w1o, w1n);
    tcpSetChecksum(b, o, c);
  }
  return true;
}

// ---- Repr ---------------------------------------------------------------------------------------

export type TcpOptionRepr =
  | { kind: 'eol' }
  | { kind: 'nop' }
  | { kind: 'mss'; value: number }
  | { kind: 'wscale'; shift: number }
  | { kind: 'sack-permitted' }
  | { kind: 'sack'; blocks: Array<[number, number]> }
  | { kind: 'timestamp'; val: number; ecr: number }
  | { kind: 'unknown'; type: number; data: Uint8Array };

export interface TcpRepr {
  srcPort: number;
  dstPort: number;
  seq: number;
  ack: number;
  /** Nine flag bits (TcpFlag, NS included). */
  flags: number;
  /** The three reserved bits of byte 12, normally 0. */
  reserved: number;
  window: number;
  /** As read / to write; fill the real value with checksum.ts after emitting the payload. */
  checksum: number;
  urgent: number;
  options: TcpOptionRepr[];
}

/** Parse the option area `b[o .. o+len)`. Errors on bad lengths; stops at EOL (the rest is padding). */
export function parseTcpOptions(b: Uint8Array, o: number, len: number): TcpOptionRepr[] | WireError {
  if (o < 0 || len < 0 || o + len > b.length) return wireError(Drop.TCP_BAD_OPTION, `range ${o}+${len} outside the buffer`);
  const out: TcpOptionRepr[] = [];
  let i = 0;
  while (i < len) {
    const k = b[o + i]!;
    if (k === TcpOpt.EOL) {
      out.push({ kind: 'eol' });
      break;
    }
    if (k === TcpOpt.NOP) {
      out.push({ kind: 'nop' });
      i++;
      continue;
    }
    if (i + 2 > len) return wireError(Drop.TCP_BAD_OPTION, `option ${k} at ${i} has no length byte`);
    const l = b[o + i + 1]!;
    if (l < 2 || i + l > len) return wireError(Drop.TCP_BAD_OPTION, `option ${k} at ${i} has length ${l} (${len - i} bytes left)`);
    const p = o + i;
    const bad = (want: string): WireError => wireError(Drop.TCP_BAD_OPTION, `option ${k} at ${i} has length ${l}, want ${want}`);
    switch (k) {
      case TcpOpt.MSS:
        if (l !== 4) return bad('4');
        out.push({ kind: 'mss', value: (b[p + 2]! << 8) | b[p + 3]! });
        break;
      case TcpOpt.WSCALE:
        if (l !== 3) return bad('3');
        out.push({ kind: 'wscale', shift: b[p + 2]! });
        break;
      case TcpOpt.SACK_PERMITTED:
        if (l !== 2) return bad('2');
        out.push({ kind: 'sack-permitted' });
        break;
      case TcpOpt.SACK: {
        if ((l - 2) % 8 !== 0 || l < 10) return bad('2 + 8n');
        const blocks: Array<[number, number]> = [];
        for (let q = p + 2; q < p + l; q += 8) blocks.push([u32(b, q), u32(b, q + 4)]);
        out.push({ kind: 'sack', blocks });
        break;
      }
      case TcpOpt.TIMESTAMP:
        if (l !== 10) return bad('10');
        out.push({ kind: 'timestamp', val: u32(b, p + 2), ecr: u32(b, p + 6) });
        break;
      default:
        out.push({ kind: 'unknown', type: k, data: b.slice(p + 2, p + l) });
    }
    i += l;
  }
  return out;
}

/** Encoded length of options before padding. */
export function tcpOptionsLen(opts: readonly TcpOptionRepr[]): number {
  let n = 0;
  for (const op of opts) {
    switch (op.kind) {
      case 'eol':
      case 'nop':
        n += 1;
        break;
      case 'mss':
        n += 4;
        break;
      case 'wscale':
        n += 3;
        break;
      case 'sack-permitted':
        n += 2;
        break;
      case 'sack':
        n += 2 + 8 * op.blocks.length;
        break;
      case 'timestamp':
        n += 10;
        break;
      default:
        n += 2 + op.data.length;
    }
  }
  return n;
}

/** Write options and zero (EOL) padding to a multiple of 4; returns bytes written. */
export function emitTcpOptions(opts: readonly TcpOptionRepr[], b: Uint8Array, o: number): number {
  let i = o;
  for (const op of opts) {
    switch (op.kind) {
      case 'eol':
        b[i++] = 0;
        break;
      case 'nop':
        b[i++] = 1;
        break;
      case 'mss':
        b[i] = 2;
        b[i + 1] = 4;
        b[i + 2] = op.value >>> 8;
        b[i + 3] = op.value;
        i += 4;
        break;
      case 'wscale':
        b[i] = 3;
        b[i + 1] = 3;
        b[i + 2] = op.shift;
        i += 3;
        break;
      case 'sack-permitted':
        b[i] = 4;
        b[i + 1] = 2;
        i += 2;
        break;
      case 'sack':
        b[i] = 5;
        b[i + 1] = 2 + 8 * op.blocks.length;
        i += 2;
        for (const [l, r] of op.blocks) {
          setU32(b, i, l);
          setU32(b, i + 4, r);
          i += 8;
        }
        break;
      case 'timestamp':
        b[i] = 8;
        b[i + 1] = 10;
        setU32(b, i + 2, op.val);
        setU32(b, i + 6, op.ecr);
        i += 10;
        break;
      default:
        b[i] = op.type;
        b[i + 1] = 2 + op.data.length;
        b.set(op.data, i + 2);
        i += 2 + op.data.length;
    }
  }
  while ((i - o) & 3) b[i++] = 0;
  return i - o;
}

/** Header length a repr encodes to (20 + padded options). */
export function tcpReprHeaderLen(r: TcpRepr): number {
  return TCP_MIN_HEADER_LEN + ((tcpOptionsLen(r.options) + 3) & ~3);
}

/** Checked parse of a TCP header; `len` = bytes of the segment available from `o`. */
export function parseTcp(b: Uint8Array, o: number, len: number): TcpRepr | WireError {
  if (o < 0 || len < 0 || o + len > b.length) return wireError(Drop.TCP_TRUNCATED, `range ${o}+${len} outside the buffer`);
  if (len < TCP_MIN_HEADER_LEN) return wireError(Drop.TCP_TRUNCATED, `${len} bytes, need 20`);
  const hl = tcpHeaderLen(b, o);
  if (hl < TCP_MIN_HEADER_LEN) return wireError(Drop.TCP_BAD_DATA_OFFSET, `data offset ${hl >>> 2}`);
  if (hl > len) return wireError(Drop.TCP_TRUNCATED, `header length ${hl} with ${len} bytes`);
  const options = parseTcpOptions(b, o + 20, hl - 20);
  if (options instanceof WireError) return options;
  return {
    srcPort: tcpSrcPort(b, o),
    dstPort: tcpDstPort(b, o),
    seq: tcpSeq(b, o),
    ack: tcpAck(b, o),
    flags: tcpFlags9(b, o),
    reserved: (b[o + 12]! >>> 1) & 7,
    window: tcpWindow(b, o),
    checksum: tcpChecksumField(b, o),
    urgent: tcpUrgent(b, o),
    options,
  };
}

/** Write the header (checksum field = r.checksum); returns its length. */
export function emitTcp(r: TcpRepr, b: Uint8Array, o: number): number {
  tcpSetSrcPort(b, o, r.srcPort);
  tcpSetDstPort(b, o, r.dstPort);
  setU32(b, o + 4, r.seq);
  setU32(b, o + 8, r.ack);
  const ol = emitTcpOptions(r.options, b, o + 20);
  const hl = 20 + ol;
  b[o + 12] = ((hl >>> 2) << 4) | ((r.reserved & 7) << 1) | ((r.flags >>> 8) & 1);
  b[o + 13] = r.flags;
  tcpSetWindow(b, o, r.window);
  tcpSetChecksum(b, o, r.checksum);
  b[o + 18] = r.urgent >>> 8;
  b[o + 19] = r.urgent;
  return hl;
}

/**
 * Walking TCP options (also IPv4 options, which share the kind/length layout): `optFirst(b, o, end)` is the
 * offset of the first option at or after `o` that is not a NOP, or -1 at end-of-list (kind 0), at `end`, or
 * at a malformed option (no length byte, length < 2, running past `end`); `optNext` moves past the option
 * at `o` the same way. Read kind `b[o]` and length `b[o + 1]`:
 * `for (let o = optFirst(b, l4 + 20, l4 + doff); o >= 0; o = optNext(b, o, l4 + doff)) ...`
 */
export function optFirst(b: Uint8Array, o: number, end: number): number {
  while (o < end) {
    const kind = b[o]!;
    if (kind === 0) return -1;
    if (kind === 1) {
      o++;
      continue;
    }
    if (o + 1 >= end) return -1;
    const len = b[o + 1]!;
    if (len < 2 || o + len > end) return -1;
    return o;
  }
  return -1;
}

export function optNext(b: Uint8Array, o: number, end: number): number {
  return optFirst(b, o + b[o + 1]!, end);
}
