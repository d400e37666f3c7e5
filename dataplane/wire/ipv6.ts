/**
 * IPv6 (RFC 8200) and its extension header chain.
 *
 * ```
 *  0                     4                6        7           8            24           40
 * | ver|tclass|flow label | payload length | next hdr | hop limit | src (16)   | dst (16)   | ext headers... upper layer
 * ```
 * Extension headers walked: hop-by-hop (0), routing (43), destination options (60) — length
 * `(hdrExtLen + 1) * 8`; fragment (44) — 8 bytes; AH (51) — `(payloadLen + 2) * 4`. The walk stops at ESP
 * (50), no-next-header (59), any upper-layer protocol, or after a fragment header with a non-zero offset
 * (what follows is not a header). At most IPV6_MAX_EXT headers are walked.
 *
 * Addresses are read as four uint32 words (`ipv6SrcWord(b, o, i)`) or compared bytewise.
 */
import { Drop } from '../drop';
import { WireError, wireError } from './error';
import { u32 } from './bytes';

export const IPV6_VTC_FLOW = 0;
export const IPV6_PAYLOAD_LEN = 4;
export const IPV6_NEXT_HEADER = 6;
export const IPV6_HOP_LIMIT = 7;
export const IPV6_SRC = 8;
export const IPV6_DST = 24;
export const IPV6_HEADER_LEN = 40;
/** Longest extension chain walked (more is Drop.IPV6_EXT_TOO_MANY). */
export const IPV6_MAX_EXT = 8;

/** Fragment header fields (offsets inside it). */
export const IPV6_FRAG_NEXT = 0;
export const IPV6_FRAG_OFFSET = 2;
export const IPV6_FRAG_IDENT = 4;
export const IPV6_FRAG_LEN = 8;

// ---- hot-path accessors -------------------------------------------------------------------------

export function ipv6Version(b: Uint8Array, o: number): number {
  return b[o]! >>> 4;
}
export function ipv6TrafficClass(b: Uint8Array, o: number): number {
  return ((b[o]! & 15) << 4) | (b[o + 1]! >>> 4);
}
export function ipv6FlowLabel(b: Uint8Array, o: number): number {
  return ((b[o + 1]! & 15) << 16) | (b[o + 2]! << 8) | b[o + 3]!;
}
export function ipv6PayloadLen(b: Uint8Array, o: number): number {
  return (b[o + 4]! << 8) | b[o + 5]!;
}
export function ipv6NextHeader(b: Uint8Array, o: number): number {
  return b[o + 6]!;
}
export function ipv6HopLimit(b: Uint8Array, o: number): number {
  return b[o + 7]!;
}
export function ipv6SetHopLimit(b: Uint8Array, o: number, v: number): void {
  b[o + 7] = v;
}
export function ipv6SetPayloadLen(b: Uint8Array, o: number, v: number): void {
  b[o + 4] = v >>> 8;
  b[o + 5] = v;
}
export function ipv6SetNextHeader(b: Uint8Array, o: number, v: number): void {
  b[o + 6] = v;
}
export function ipv6SetTrafficClass(b: Uint8Array, o: number, tc: number): void {
  b[o] = 0x60 | ((tc >>> 4) & 15);
  b[o + 1] = ((tc & 15) << 4) | (b[o + 1]! & 15);
}
/** Word `i` (0..3) of the source address as a uint32. */
export function ipv6SrcWord(b: Uint8Array, o: number, i: number): number {
  return u32(b, o + 8 + 4 * i);
}
/** Word `i` (0..3) of the destination address as a uint32. */
export function ipv6DstWord(b: Uint8Array, o: number, i: number): number {
  return u32(b, o + 24 + 4 * i);
}
/** Compare two 16-byte addresses in place. */
export function ipv6AddrEquals(a: Uint8Array, aOff: number, b: Uint8Array, bOff: number): boolean {
  for (let i = 0; i < 16; i++) if (a[aOff + i] !== b[bOff + i]) return false;
  return true;
}
export function ipv6AddrCopy(dst: Uint8Array, dOff: number, src: Uint8Array, sOff: number): void {
  for (let i = 0; i < 16; i++) dst[dOff + i] = src[sOff + i]!;
}
/** ff00::/8. */
export function ipv6AddrIsMulticast(b: Uint8Array, a: number): boolean {
  return b[a] === 0xff;
}
/** fe80::/10. */
export function ipv6AddrIsLinkLocal(b: Uint8Array, a: number): boolean {
  return b[a] === 0xfe && (b[a + 1]! & 0xc0) === 0x80;
}
/** :: */
export function ipv6AddrIsUnspecified(b: Uint8Array, a: number): boolean {
  for (let i = 0; i < 16; i++) if (b[a + i] !== 0) return false;
  return true;
}

/** True for the next-header values the walk steps over (0, 43, 44, 51, 60). */
export function ipv6IsExtHeader(nh: number): boolean {
  return nh === 0 || nh === 43 || nh === 44 || nh === 60 || nh === 51;
}

/** Fragment header accessors (`f` = offset of the fragment header). Offset in bytes. */
export function ipv6FragOffset(b: Uint8Array, f: number): number {
  return ((b[f + 2]! << 8) | b[f + 3]!) & 0xfff8;
}
export function ipv6FragMore(b: Uint8Array, f: number): boolean {
  return (b[f + 3]! & 1) !== 0;
}
export function ipv6FragIdent(b: Uint8Array, f: number): number {
  return u32(b, f + 4);
}

/** Result of ipv6WalkExt; allocate one per worker and reuse it (no per-packet objects). */
export class Ipv6ExtWalk {
  /** Upper-layer protocol where the walk stopped (for a later fragment: the fragment's next header). */
  proto = 0;
  /** Absolute offset where that protocol's header starts (for a later fragment: its data). */
  l4 = 0;
  /** Absolute offset of the fragment header, -1 when there is none. */
  frag = -1;
  /** Fragment offset in bytes (0 without a fragment header). */
  fragOffset = 0;
  /** Extension headers walked. */
  count = 0;
}

/**
 * Walk the extension chain of the IPv6 header at `ip6`, whose packet ends at absolute offset `end`
 * (ip6 + 40 + payload length, or less when the capture is shorter). Fills `w`; returns 0 or a drop code
 * (IPV6_EXT_TRUNCATED, IPV6_EXT_TOO_MANY).
 */
export function ipv6WalkExt(b: Uint8Array, ip6: number, end: number, w: Ipv6ExtWalk): number {
  let nh = b[ip6 + 6]!;
  let h = ip6 + 40;
  let n = 0;
  w.frag = -1;
  w.fragOffset = 0;
  while (nh === 0 || nh === 43 || nh === 60 || nh === 44 || nh === 51) {
    if (++n > IPV6_MAX_EXT) {
      w.count = n - 1;
      w.proto = nh;
      w.l4 = h;
      return Drop.IPV6_EXT_TOO_MANY;
    }
    if (h + 8 > end) {
      w.count = n;
      w.proto = nh;
      w.l4 = h;
      return Drop.IPV6_EXT_TRUNCATED;
    }
    if (nh === 44) {
      const fo = ((b[h + 2]! << 8) | b[h + 3]!) & 0xfff8;
      w.frag = h;
      w.fragOffset = fo;
      nh = b[h]!;
      h += 8;
      if (fo !== 0) break;
      continue;
    }
    const l = nh === 51 ? (b[h + 1]! + 2) << 2 : (b[h + 1]! + 1) << 3;
    nh = b[h]!;
    h += l;
    if (h > end) {
      w.count = n;
      w.proto = nh;
      w.l4 = h;
      return Drop.IPV6_EXT_TRUNCATED;
    }
  }
  w.count = n;
  w.proto = nh;
  w.l4 = h;
  return 0;
}

// ---- text ---------------------------------------------------------------------------------------

/** RFC 5952 text of the 16-byte address at `o` (with `::ffff:a.b.c.d` for IPv4-mapped addresses). */
export function ipv6ToString(b: Uint8Array, o: number = 0): string {
  const w: number[] = [];
  for (let i = 0; i < 8; i++) w.push(((b[o + 2 * i] ?? 0) << 8) | (b[o + 2 * i + 1] ?? 0));
  if (w[0] === 0 && w[1] === 0 && w[2] === 0 && w[3] === 0 && w[4] === 0 && w[5] === 0xffff) {
    return `::ffff:${w[6]! >>> 8}.${w[6]! & 255}.${w[7]! >>> 8}.${w[7]! & 255}`;
  }
  // longest run of zero words (length >= 2), first one on a tie
  let bestStart = -1;
  let bestLen = 0;
  for (let i = 0; i < 8; ) {
    if (w[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && w[j] === 0) j++;
    if (j - i > bestLen) {
      bestStart = i;
      bestLen = j - i;
    }
    i = j;
  }
  if (bestLen < 2) return w.map((x) => x.toString(16)).join(':');
  const head = w.slice(0, bestStart).map((x) => x.toString(16)).join(':');
  const tail = w.slice(bestStart + bestLen).map((x) => x.toString(16)).join(':');
  return `${head}::${tail}`;
}

/** Parse IPv6 text (RFC 4291 forms incl. `::` and an embedded dotted quad) into 16 bytes, or null. */
export function ipv6Parse(text: string): Uint8Array | null {
  let s = text.trim();
  const pct = s.indexOf('%');
  if (pct >= 0) s = s.slice(0, pct);
  const words: number[] = [];
  const dq = /(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(s);
  if (dq) {
    const q = dq.slice(1).map(Number);
    if (q.some((x) => x > 255)) return null;
    s = s.slice(0, dq.index) + `${((q[0]! << 8) | q[1]!).toString(16)}:${((q[2]! << 8) | q[3]!).toString(16)}`;
  }
  const dbl = s.indexOf('::');
  if (dbl !== s.lastIndexOf('::')) return null;
  const parseGroups = (part: string): number[] | null => {
    if (part === '') return [];
    const out: number[] = [];
    for (const g of part.split(':')) {
      if (!/^[0-9a-fA-F]{1,4}$/.test(g)) return null;
      out.push(parseInt(g, 16));
    }
    return out;
  };
  if (dbl >= 0) {
    const a = parseGroups(s.slice(0, dbl));
    const z = parseGroups(s.slice(dbl + 2));
    if (!a || !z || a.length + z.length > 7) return null;
    words.push(...a, ...new Array<number>(8 - a.length - z.length).fill(0), ...z);
  } else {
    const all = parseGroups(s);
    if (!all || all.length !== 8) return null;
    words.push(...all);
  }
  const out = new Uint8Array(16);
  words.forEach((x, i) => {
    out[2 * i] = x >>> 8;
    out[2 * i + 1] = x & 255;
  });
  return out;
}

// ---- Repr ---------------------------------------------------------------------------------------

export interface Ipv6Repr {
  trafficClass: number;
  flowLabel: number;
  /** Bytes after the 40-byte header (extension headers included). */
  payloadLen: number;
  nextHeader: number;
  hopLimit: number;
  src: Uint8Array;
  dst: Uint8Array;
}

/** Checked parse of the fixed header; `len` = bytes available from `o` (trailing padding allowed). */
export function parseIpv6(b: Uint8Array, o: number, len: number): Ipv6Repr | WireError {
  if (o < 0 || len < 0 || o + len > b.length) return wireError(Drop.IPV6_TRUNCATED, `range ${o}+${len} outside the buffer`);
  if (len < IPV6_HEADER_LEN) return wireError(Drop.IPV6_TRUNCATED, `${len} bytes, need 40`);
  if (ipv6Version(b, o) !== 6) return wireError(Drop.IPV6_BAD_VERSION, `version ${ipv6Version(b, o)}`);
  const pl = ipv6PayloadLen(b, o);
  if (IPV6_HEADER_LEN + pl > len) return wireError(Drop.IPV6_BAD_PAYLOAD_LENGTH, `payload length ${pl} with ${len - 40} bytes after the header`);
  return {
    trafficClass: ipv6TrafficClass(b, o),
    flowLabel: ipv6FlowLabel(b, o),
    payloadLen: pl,
    nextHeader: ipv6NextHeader(b, o),
    hopLimit: ipv6HopLimit(b, o),
    src: b.slice(o + 8, o + 24),
    dst: b.slice(o + 24, o + 40),
  };
}

/** Write the fixed header; returns 40. */
export function emitIpv6(r: Ipv6Repr, b: Uint8Array, o: number): number {
  b[o] = 0x60 | ((r.trafficClass >>> 4) & 15);
  b[o + 1] = ((r.trafficClass & 15) << 4) | ((r.flowLabel >>> 16) & 15);
  b[o + 2] = r.flowLabel >>> 8;
  b[o + 3] = r.flowLabel;
  ipv6SetPayloadLen(b, o, r.payloadLen);
  b[o + 6] = r.nextHeader;
  b[o + 7] = r.hopLimit;
  b.set(r.src.subarray(0, 16), o + 8);
  b.set(r.dst.subarray(0, 16), o + 24);
  return IPV6_HEADER_LEN;
}

/** An extension header other than the fragment header: hop-by-hop, routing, destination options, AH. */
export interface Ipv6ExtRepr {
  /** Which header this is (0, 43, 60 or 51). */
  type: number;
  nextHeader: number;
  /** Bytes after the first two (next header, length); for AH the reserved field onwards. */
  data: Uint8Array;
}

export interface Ipv6FragRepr {
  nextHeader: number;
  /** Offset in bytes (multiple of 8). */
  offset: number;
  more: boolean;
  ident: number;
  /** The two reserved bits and the reserved byte, normally 0 (kept so emit(parse(x)) == x). */
  reserved: number;
}

/** Length in bytes of the extension header of type `type` whose first byte is at `h`. */
export function ipv6ExtLen(b: Uint8Array, h: number, type: number): number {
  if (type === 44) return 8;
  if (type === 51) return (b[h + 1]! + 2) << 2;
  return (b[h + 1]! + 1) << 3;
}

/** Checked parse of one extension header of type `type` (not the fragment header). */
export function parseIpv6Ext(b: Uint8Array, o: number, len: number, type: number): Ipv6ExtRepr | WireError {
  if (o < 0 || len < 8 || o + len > b.length) return wireError(Drop.IPV6_EXT_TRUNCATED, `${len} bytes, need 8`);
  const l = ipv6ExtLen(b, o, type);
  if (l > len) return wireError(Drop.IPV6_EXT_TRUNCATED, `header of ${l} bytes, ${len} available`);
  return { type, nextHeader: b[o]!, data: b.slice(o + 2, o + l) };
}

/** Length an extension repr encodes to. Data must make it a multiple of 8 (4 for AH). */
export function ipv6ExtReprLen(r: Ipv6ExtRepr): number {
  return 2 + r.data.length;
}

/** Write an extension header; returns its length. */
export function emitIpv6Ext(r: Ipv6ExtRepr, b: Uint8Array, o: number): number {
  const l = 2 + r.data.length;
  b[o] = r.nextHeader;
  b[o + 1] = r.type === 51 ? (l >>> 2) - 2 : (l >>> 3) - 1;
  b.set(r.data, o + 2);
  return l;
}

export function parseIpv6Frag(b: Uint8Array, o: number, len: number): Ipv6FragRepr | WireError {
  if (o < 0 || len < IPV6_FRAG_LEN || o + len > b.length) return wireError(Drop.IPV6_EXT_TRUNCATED, `${len} bytes, need 8`);
  const w = (b[o + 2]! << 8) | b[o + 3]!;
  return { nextHeader: b[o]!, offset: w & 0xfff8, more: (w & 1) !== 0, ident: u32(b, o + 4), reserved: (b[o + 1]! << 8) | (w & 6) };
}

export function emitIpv6Frag(r: Ipv6FragRepr, b: Uint8Array, o: number): number {
  b[o] = r.nextHeader;
  b[o + 1] = r.reserved >>> 8;
  const w = (r.offset & 0xfff8) | (r.reserved & 6) | (r.more ? 1 : 0);
  b[o + 2] = w >>> 8;
  b[o + 3] = w;
  b[o + 4] = r.ident >>> 24;
  b[o + 5] = r.ident >>> 16;
  b[o + 6] = r.ident >>> 8;
  b[o + 7] = r.ident;
  return IPV6_FRAG_LEN;
}

/** An option inside a hop-by-hop or destination options header. */
export interface Ipv6OptionRepr {
  /** 0 = Pad1, 1 = PadN, 5 = router alert, 0xc2 = jumbo payload, ... */
  type: number;
  data: Uint8Array;
}

/** Split the option area (`data` of a hop-by-hop / destination options repr) into TLVs. */
export function parseIpv6Options(data: Uint8Array): Ipv6OptionRepr[] | WireError {
  const out: Ipv6OptionRepr[] = [];
  let i = 0;
  while (i < data.length) {
    const t = data[i]!;
    if (t === 0) {
      out.push({ type: 0, data: new Uint8Array(0) });
      i++;
      continue;
    }
    if (i + 2 > data.length || i + 2 + data[i + 1]! > data.length)
      return wireError(Drop.IPV6_EXT_TRUNCATED, `option ${t} at ${i} runs past the header`);
    const l = data[i + 1]!;
    out.push({ type: t, data: data.slice(i + 2, i + 2 + l) });
    i += 2 + l;
  }
  return out;
}
