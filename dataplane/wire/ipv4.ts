/**
 * IPv4 (RFC 791).
 *
 * ```
 *  0        1        2                 4                 6                  8       9       10         12        16        20
 * | ver|ihl |  tos   |   total length  |  identification | flags|frag offset | ttl  | proto | checksum | src     | dst     | options...
 * ```
 * flags: bit 0x8000 reserved ("evil"), 0x4000 DF, 0x2000 MF; fragment offset in 8-byte units (13 bits).
 * Addresses are uint32 numbers (`>>> 0`). `o` is the offset of the IPv4 header in `b`.
 */
import { Drop } from '../drop';
import { WireError, wireError } from './error';
import { ipv4FillChecksum, ipv4ChecksumOk } from './checksum';
import { u32, setU32 } from './bytes';

export const IPV4_VER_IHL = 0;
export const IPV4_TOS = 1;
export const IPV4_TOTAL_LEN = 2;
export const IPV4_ID = 4;
export const IPV4_FLAGS_FRAG = 6;
export const IPV4_TTL = 8;
export const IPV4_PROTO = 9;
export const IPV4_CHECKSUM = 10;
export const IPV4_SRC = 12;
export const IPV4_DST = 16;
export const IPV4_OPTIONS = 20;
export const IPV4_MIN_HEADER_LEN = 20;
export const IPV4_MAX_HEADER_LEN = 60;

/** Bits of the 16-bit flags/fragment-offset word. */
export const IPV4_FLAG_RESERVED = 0x8000;
export const IPV4_FLAG_DF = 0x4000;
export const IPV4_FLAG_MF = 0x2000;
export const IPV4_FRAG_OFFSET_MASK = 0x1fff;

/** IPv4 option types (copied flag included). */
export const Ipv4Option = {
  EOL: 0,
  NOP: 1,
  RECORD_ROUTE: 7,
  TIMESTAMP: 68,
  SECURITY: 130,
  LSRR: 131,
  STREAM_ID: 136,
  SSRR: 137,
  ROUTER_ALERT: 148,
} as const;

// ---- hot-path accessors -------------------------------------------------------------------------

export function ipv4Version(b: Uint8Array, o: number): number {
  return b[o]! >>> 4;
}
/** IHL in 32-bit words. */
export function ipv4Ihl(b: Uint8Array, o: number): number {
  return b[o]! & 15;
}
/** Header length in bytes (IHL * 4). */
export function ipv4HeaderLen(b: Uint8Array, o: number): number {
  return (b[o]! & 15) << 2;
}
export function ipv4Tos(b: Uint8Array, o: number): number {
  return b[o + 1]!;
}
export function ipv4Dscp(b: Uint8Array, o: number): number {
  return b[o + 1]! >>> 2;
}
export function ipv4Ecn(b: Uint8Array, o: number): number {
  return b[o + 1]! & 3;
}
export function ipv4TotalLen(b: Uint8Array, o: number): number {
  return (b[o + 2]! << 8) | b[o + 3]!;
}
export function ipv4Id(b: Uint8Array, o: number): number {
  return (b[o + 4]! << 8) | b[o + 5]!;
}
/** The whole flags + fragment-offset word. */
export function ipv4FlagsFrag(b: Uint8Array, o: number): number {
  return (b[o + 6]! << 8) | b[o + 7]!;
}
export function ipv4DontFrag(b: Uint8Array, o: number): boolean {
  return (b[o + 6]! & 0x40) !== 0;
}
export function ipv4MoreFrags(b: Uint8Array, o: number): boolean {
  return (b[o + 6]! & 0x20) !== 0;
}
/** Fragment offset in bytes (the field is in 8-byte units). */
export function ipv4FragOffset(b: Uint8Array, o: number): number {
  return (((b[o + 6]! & 0x1f) << 8) | b[o + 7]!) << 3;
}
/** MF set or offset non-zero. */
export function ipv4IsFragment(b: Uint8Array, o: number): boolean {
  return (((b[o + 6]! & 0x3f) << 8) | b[o + 7]!) !== 0;
}
export function ipv4Ttl(b: Uint8Array, o: number): number {
  return b[o + 8]!;
}
export function ipv4Proto(b: Uint8Array, o: number): number {
  return b[o + 9]!;
}
export function ipv4Checksum(b: Uint8Array, o: number): number {
  return (b[o + 10]! << 8) | b[o + 11]!;
}
export function ipv4Src(b: Uint8Array, o: number): number {
  return u32(b, o + 12);
}
export function ipv4Dst(b: Uint8Array, o: number): number {
  return u32(b, o + 16);
}

// Raw setters: they do NOT patch the checksum (see checksum.ts ipv4Rewrite* for that).
export function ipv4SetTos(b: Uint8Array, o: number, v: number): void {
  b[o + 1] = v;
}
export function ipv4SetTotalLen(b: Uint8Array, o: number, v: number): void {
  b[o + 2] = v >>> 8;
  b[o + 3] = v;
}
export function ipv4SetId(b: Uint8Array, o: number, v: number): void {
  b[o + 4] = v >>> 8;
  b[o + 5] = v;
}
export function ipv4SetFlagsFrag(b: Uint8Array, o: number, v: number): void {
  b[o + 6] = v >>> 8;
  b[o + 7] = v;
}
export function ipv4SetTtl(b: Uint8Array, o: number, v: number): void {
  b[o + 8] = v;
}
export function ipv4SetProto(b: Uint8Array, o: number, v: number): void {
  b[o + 9] = v;
}
export function ipv4SetChecksum(b: Uint8Array, o: number, v: number): void {
  b[o + 10] = v >>> 8;
  b[o + 11] = v;
}
export function ipv4SetSrc(b: Uint8Array, o: number, a: number): void {
  setU32(b, o + 12, a);
}
export function ipv4SetDst(b: Uint8Array, o: number, a: number): void {
  setU32(b, o + 16, a);
}

// ---- address helpers ----------------------------------------------------------------------------

/** `a.b.c.d` of a uint32. */
export function ipv4ToString(a: number): string {
  return `${a >>> 24}.${(a >>> 16) & 255}.${(a >>> 8) & 255}.${a & 255}`;
}

/** Parse dotted-quad text to a uint32, or -1 when it is not one. */
export function ipv4Parse(s: string): number {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(s.trim());
  if (!m) return -1;
  let v = 0;
  for (let i = 1; i <= 4; i++) {
    const n = Number(m[i]);
    if (n > 255) return -1;
    v = v * 256 + n;
  }
  return v;
}

/** Multicast 224.0.0.0/4. */
export function ipv4IsMulticast(a: number): boolean {
  return a >>> 28 === 0xe;
}

// ---- options ------------------------------------------------------------------------------------

export interface Ipv4OptionRepr {
  /** Option type byte (copied flag, class, number). */
  type: number;
  /** Bytes after type and length (empty for EOL / NOP). */
  data: Uint8Array;
}

/**
 * Split IPv4 option bytes into options (stops after EOL; the rest is padding). Errors on a length below
 * 2 or past the end.
 */
export function parseIpv4Options(b: Uint8Array, o: number, len: number): Ipv4OptionRepr[] | WireError {
  if (o < 0 || len < 0 || o + len > b.length) return wireError(Drop.IPV4_BAD_OPTION, `range ${o}+${len} outside the buffer`);
  const out: Ipv4OptionRepr[] = [];
  let i = 0;
  while (i < len) {
    const t = b[o + i]!;
    if (t === Ipv4Option.EOL) {
      out.push({ type: t, data: new Uint8Array(0) });
      break;
    }
    if (t === Ipv4Option.NOP) {
      out.push({ type: t, data: new Uint8Array(0) });
      i++;
      continue;
    }
    if (i + 2 > len) return wireError(Drop.IPV4_BAD_OPTION, `option ${t} at ${i} has no length byte`);
    const l = b[o + i + 1]!;
    if (l < 2 || i + l > len) return wireError(Drop.IPV4_BAD_OPTION, `option ${t} at ${i} has length ${l} (${len - i} bytes left)`);
    out.push({ type: t, data: b.slice(o + i + 2, o + i + l) });
    i += l;
  }
  return out;
}

/** Encoded length of options (before padding). */
export function ipv4OptionsLen(opts: readonly Ipv4OptionRepr[]): number {
  let n = 0;
  for (const op of opts) n += op.type === Ipv4Option.EOL || op.type === Ipv4Option.NOP ? 1 : 2 + op.data.length;
  return n;
}

/** Write options, pad with zeros (EOL) to a multiple of 4; returns bytes written. */
export function emitIpv4Options(opts: readonly Ipv4OptionRepr[], b: Uint8Array, o: number): number {
  let i = o;
  for (const op of opts) {
    b[i++] = op.type;
    if (op.type === Ipv4Option.EOL || op.type === Ipv4Option.NOP) continue;
    b[i++] = 2 + op.data.length;
    b.set(op.data, i);
    i += op.data.length;
  }
  while ((i - o) & 3) b[i++] = 0;
  return i - o;
}

// ---- Repr ---------------------------------------------------------------------------------------

export interface Ipv4Repr {
  tos: number;
  /** Bytes after the header (total length - header length). */
  payloadLen: number;
  id: number;
  /** The reserved ("evil") bit. */
  reservedFlag: boolean;
  dontFrag: boolean;
  moreFrags: boolean;
  /** Fragment offset in bytes (a multiple of 8). */
  fragOffset: number;
  ttl: number;
  proto: number;
  src: number;
  dst: number;
  /** Raw option bytes (length a multiple of 4, at most 40); see parseIpv4Options. */
  options: Uint8Array;
}

/** Header length of a repr (20 + options). */
export function ipv4ReprHeaderLen(r: Ipv4Repr): number {
  return IPV4_MIN_HEADER_LEN + r.options.length;
}

/**
 * Checked parse of an IPv4 header; `len` = bytes available from `o` (trailing Ethernet padding allowed).
 * Verifies version, IHL, total length, option syntax and, when asked, the header checksum.
 */
export function parseIpv4(b: Uint8Array, o: number, len: number, verifyChecksum: boolean = false): Ipv4Repr | WireError {
  if (o < 0 || len < 0 || o + len > b.length) return wireError(Drop.IPV4_TRUNCATED, `range ${o}+${len} outside the buffer`);
  if (len < IPV4_MIN_HEADER_LEN) return wireError(Drop.IPV4_TRUNCATED, `${len} bytes, need 20`);
  if (ipv4Version(b, o) !== 4) return wireError(Drop.IPV4_BAD_VERSION, `version ${ipv4Version(b, o)}`);
  const hl = ipv4HeaderLen(b, o);
  if (hl < IPV4_MIN_HEADER_LEN || hl > len) return wireError(Drop.IPV4_BAD_IHL, `header length ${hl} with ${len} bytes`);
  const tl = ipv4TotalLen(b, o);
  if (tl < hl || tl > len) return wireError(Drop.IPV4_BAD_TOTAL_LENGTH, `total length ${tl}, header ${hl}, ${len} bytes available`);
  if (verifyChecksum && !ipv4ChecksumOk(b, o)) return wireError(Drop.IPV4_BAD_CHECKSUM, `checksum 0x${ipv4Checksum(b, o).toString(16)}`);
  if (hl > IPV4_MIN_HEADER_LEN) {
    const opts = parseIpv4Options(b, o + 20, hl - 20);
    if (opts instanceof WireError) return opts;
  }
  const ff = ipv4FlagsFrag(b, o);
  return {
    tos: ipv4Tos(b, o),
    payloadLen: tl - hl,
    id: ipv4Id(b, o),
    reservedFlag: (ff & IPV4_FLAG_RESERVED) !== 0,
    dontFrag: (ff & IPV4_FLAG_DF) !== 0,
    moreFrags: (ff & IPV4_FLAG_MF) !== 0,
    fragOffset: (ff & IPV4_FRAG_OFFSET_MASK) << 3,
    ttl: ipv4Ttl(b, o),
    proto: ipv4Proto(b, o),
    src: ipv4Src(b, o),
    dst: ipv4Dst(b, o),
    options: b.slice(o + 20, o + hl),
  };
}

/** Write the header (options included, checksum computed); returns the header length. */
export function emitIpv4(r: Ipv4Repr, b: Uint8Array, o: number): number {
  const ol = (r.options.length + 3) & ~3;
  const hl = IPV4_MIN_HEADER_LEN + ol;
  b[o] = 0x40 | (hl >>> 2);
  b[o + 1] = r.tos;
  ipv4SetTotalLen(b, o, hl + r.payloadLen);
  ipv4SetId(b, o, r.id);
  ipv4SetFlagsFrag(
    b,
    o,
    (r.reservedFlag ? IPV4_FLAG_RESERVED : 0) | (r.dontFrag ? IPV4_FLAG_DF : 0) | (r.moreFrags ? IPV4_FLAG_MF : 0) | ((r.fragOffset >>> 3) & IPV4_FRAG_OFFSET_MASK),
  );
  b[o + 8] = r.ttl;
  b[o + 9] = r.proto;
  b[o + 10] = 0;
  b[o + 11] = 0;
  setU32(b, o + 12, r.src);
  setU32(b, o + 16, r.dst);
  b.set(r.options, o + 20);
  b.fill(0, o + 20 + r.options.length, o + hl);
  ipv4FillChecksum(b, o);
  return hl;
}
