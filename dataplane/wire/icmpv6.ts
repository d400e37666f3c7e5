/**
 * ICMPv6 (RFC 4443) and Neighbor Discovery (RFC 4861).
 *
 * ```
 *  0      1      2          4                   8
 * | type | code | checksum | message body ...
 * ```
 * Errors: destination unreachable (1), packet too big (2, MTU at 4), time exceeded (3), parameter problem
 * (4, pointer at 4); each quotes as much of the offending packet as fits from byte 8.
 * Echo (128/129): identifier at 4, sequence at 6.
 * ND: router solicitation (133, options at 8), router advertisement (134: cur hop limit 4, M/O flags 5,
 * router lifetime 6, reachable time 8, retrans timer 12, options at 16), neighbor solicitation (135,
 * target at 8, options at 24), neighbor advertisement (136, R/S/O flags at 4, target at 8, options at 24),
 * redirect (137, target 8, destination 24, options at 40).
 * ND options are TLVs with the length in 8-byte units (0 is invalid).
 * The checksum covers an IPv6 pseudo header: fill/verify with checksum.ts `l4*Checksum6`.
 */
import { Drop } from '../drop';
import { WireError, wireError } from './error';
import { u32, setU32 } from './bytes';

export const ICMPV6_TYPE = 0;
export const ICMPV6_CODE = 1;
export const ICMPV6_CHECKSUM = 2;
export const ICMPV6_ECHO_ID = 4;
export const ICMPV6_ECHO_SEQ = 6;
export const ICMPV6_MTU = 4;
export const ICMPV6_POINTER = 4;
export const ICMPV6_HEADER_LEN = 8;
/** NS/NA target address; redirect target. */
export const ND_TARGET = 8;
/** Redirect destination. */
export const ND_REDIRECT_DEST = 24;
export const ND_RS_OPTIONS = 8;
export const ND_RA_OPTIONS = 16;
export const ND_NS_OPTIONS = 24;
export const ND_NA_OPTIONS = 24;
export const ND_REDIRECT_OPTIONS = 40;

export const Icmpv6Type = {
  DEST_UNREACHABLE: 1,
  PACKET_TOO_BIG: 2,
  TIME_EXCEEDED: 3,
  PARAM_PROBLEM: 4,
  ECHO_REQUEST: 128,
  ECHO_REPLY: 129,
  MLD_QUERY: 130,
  MLD_REPORT: 131,
  MLD_DONE: 132,
  ROUTER_SOLICIT: 133,
  ROUTER_ADVERT: 134,
  NEIGHBOR_SOLICIT: 135,
  NEIGHBOR_ADVERT: 136,
  REDIRECT: 137,
  MLDV2_REPORT: 143,
} as const;

/** Codes of destination unreachable. */
export const Icmpv6Unreach = {
  NO_ROUTE: 0,
  ADMIN_PROHIBITED: 1,
  BEYOND_SCOPE: 2,
  ADDRESS: 3,
  PORT: 4,
  SOURCE_POLICY: 5,
  REJECT_ROUTE: 6,
} as const;

/** ND option types. */
export const NdOpt = {
  SOURCE_LL_ADDR: 1,
  TARGET_LL_ADDR: 2,
  PREFIX_INFO: 3,
  REDIRECTED_HEADER: 4,
  MTU: 5,
  RDNSS: 25,
  DNSSL: 31,
} as const;

/** Neighbor advertisement flag bits (byte 4). */
export const ND_NA_ROUTER = 0x80;
export const ND_NA_SOLICITED = 0x40;
export const ND_NA_OVERRIDE = 0x20;
/** Router advertisement flag bits (byte 5). */
export const ND_RA_MANAGED = 0x80;
export const ND_RA_OTHER = 0x40;
/** Prefix information flag bits. */
export const ND_PREFIX_ONLINK = 0x80;
export const ND_PREFIX_AUTONOMOUS = 0x40;

export function icmpv6IsError(type: number): boolean {
  return type < 128;
}

export function icmpv6Type(b: Uint8Array, o: number): number {
  return b[o]!;
}
export function icmpv6Code(b: Uint8Array, o: number): number {
  return b[o + 1]!;
}
export function icmpv6ChecksumField(b: Uint8Array, o: number): number {
  return (b[o + 2]! << 8) | b[o + 3]!;
}
export function icmpv6EchoId(b: Uint8Array, o: number): number {
  return (b[o + 4]! << 8) | b[o + 5]!;
}
export function icmpv6EchoSeq(b: Uint8Array, o: number): number {
  return (b[o + 6]! << 8) | b[o + 7]!;
}
/** Packet Too Big MTU. */
export function icmpv6Mtu(b: Uint8Array, o: number): number {
  return u32(b, o + 4);
}
export function icmpv6Pointer(b: Uint8Array, o: number): number {
  return u32(b, o + 4);
}
export function ndNaFlags(b: Uint8Array, o: number): number {
  return b[o + 4]!;
}
export function ndRaCurHopLimit(b: Uint8Array, o: number): number {
  return b[o + 4]!;
}
export function ndRaFlags(b: Uint8Array, o: number): number {
  return b[o + 5]!;
}
export function ndRaRouterLifetime(b: Uint8Array, o: number): number {
  return (b[o + 6]! << 8) | b[o + 7]!;
}
export function ndRaReachableTime(b: Uint8Array, o: number): number {
  return u32(b, o + 8);
}
export function ndRaRetransTimer(b: Uint8Array, o: number): number {
  return u32(b, o + 12);
}
/** Offset (relative to the message) where ND options start for this type, -1 for a non-ND type. */
export function ndOptionsOffset(type: number): number {
  switch (type) {
    case 133:
      return ND_RS_OPTIONS;
    case 134:
      return ND_RA_OPTIONS;
    case 135:
      return ND_NS_OPTIONS;
    case 136:
      return ND_NA_OPTIONS;
    case 137:
      return ND_REDIRECT_OPTIONS;
  }
  return -1;
}

/**
 * Find ND option `type` in the message at `o` of `len` bytes: returns the option's absolute offset, -1
 * when absent, -2 when the option list is malformed (length 0 or past the end).
 */
export function ndFindOption(b: Uint8Array, o: number, len: number, optType: number): number {
  const start = ndOptionsOffset(b[o]!);
  if (start < 0 || start > len) return -1;
  let i = o + start;
  const end = o + len;
  while (i + 2 <= end) {
    const l = b[i + 1]! << 3;
    if (l === 0 || i + l > end) return -2;
    if (b[i] === optType) return i;
    i += l;
  }
  return i === end ? -1 : -2;
}

// ---- Repr ---------------------------------------------------------------------------------------

export type NdOptionRepr =
  | { type: 'source-ll' | 'target-ll'; /** usually 6 bytes, longer with padding for other links */ addr: Uint8Array }
  | { type: 'prefix-info'; prefixLen: number; flags: number; validLifetime: number; preferredLifetime: number; reserved2: number; prefix: Uint8Array }
  | { type: 'mtu'; reserved: number; mtu: number }
  | { type: 'unknown'; code: number; /** bytes after type and length */ data: Uint8Array };

export function parseNdOptions(b: Uint8Array, o: number, len: number): NdOptionRepr[] | WireError {
  if (o < 0 || len < 0 || o + len > b.length) return wireError(Drop.ICMPV6_BAD_OPTION, `range ${o}+${len} outside the buffer`);
  const out: NdOptionRepr[] = [];
  let i = 0;
  while (i < len) {
    if (i + 2 > len) return wireError(Drop.ICMPV6_BAD_OPTION, `option at ${i} cut off`);
    const t = b[o + i]!;
    const l = b[o + i + 1]! << 3;
    if (l === 0) return wireError(Drop.ICMPV6_BAD_OPTION, `option ${t} at ${i} has length 0`);
    if (i + l > len) return wireError(Drop.ICMPV6_BAD_OPTION, `option ${t} at ${i} (${l} bytes) runs past the message`);
    const p = o + i;
    if ((t === NdOpt.SOURCE_LL_ADDR || t === NdOpt.TARGET_LL_ADDR) && l >= 8) {
      out.push({ type: t === NdOpt.SOURCE_LL_ADDR ? 'source-ll' : 'target-ll', addr: b.slice(p + 2, p + l) });
    } else if (t === NdOpt.PREFIX_INFO && l === 32) {
      out.push({
        type: 'prefix-info',
        prefixLen: b[p + 2]!,
        flags: b[p + 3]!,
        validLifetime: u32(b, p + 4),
        preferredLifetime: u32(b, p + 8),
        reserved2: u32(b, p + 12),
        prefix: b.slice(p + 16, p + 32),
      });
    } else if (t === NdOpt.MTU && l === 8) {
      out.push({ type: 'mtu', reserved: (b[p + 2]! << 8) | b[p + 3]!, mtu: u32(b, p + 4) });
    } else {
      out.push({ type: 'unknown', code: t, data: b.slice(p + 2, p + l) });
    }
    i += l;
  }
  return out;
}

/** Encoded length of one option (a multiple of 8 for well-formed reprs). */
export function ndOptionLen(op: NdOptionRepr): number {
  switch (op.type) {
    case 'source-ll':
    case 'target-ll':
      return (2 + op.addr.length + 7) & ~7;
    case 'prefix-info':
      return 32;
    case 'mtu':
      return 8;
    default:
      return (2 + op.data.length + 7) & ~7;
  }
}

export function emitNdOptions(opts: readonly NdOptionRepr[], b: Uint8Array, o: number): number {
  let p = o;
  for (const op of opts) {
    const l = ndOptionLen(op);
    b.fill(0, p, p + l);
    b[p + 1] = l >>> 3;
    switch (op.type) {
      case 'source-ll':
      case 'target-ll':
        b[p] = op.type === 'source-ll' ? NdOpt.SOURCE_LL_ADDR : NdOpt.TARGET_LL_ADDR;
        b.set(op.addr, p + 2);
        break;
      case 'prefix-info':
        b[p] = NdOpt.PREFIX_INFO;
        b[p + 2] = op.prefixLen;
        b[p + 3] = op.flags;
        setU32(b, p + 4, op.validLifetime);
        setU32(b, p + 8, op.preferredLifetime);
        setU32(b, p + 12, op.reserved2);
        b.set(op.prefix.subarray(0, 16), p + 16);
        break;
      case 'mtu':
        b[p] = NdOpt.MTU;
        b[p + 2] = op.reserved >>> 8;
        b[p + 3] = op.reserved;
        setU32(b, p + 4, op.mtu);
        break;
      default:
        b[p] = op.code;
        b.set(op.data, p + 2);
    }
    p += l;
  }
  return p - o;
}

export type Icmpv6Repr =
  | { kind: 'echo-request' | 'echo-reply'; checksum: number; id: number; seq: number; data: Uint8Array }
  | { kind: 'dest-unreachable' | 'time-exceeded'; checksum: number; code: number; unused: number; quoted: Uint8Array }
  | { kind: 'packet-too-big'; checksum: number; code: number; mtu: number; quoted: Uint8Array }
  | { kind: 'param-problem'; checksum: number; code: number; pointer: number; quoted: Uint8Array }
  | { kind: 'router-solicit'; checksum: number; reserved: number; options: NdOptionRepr[] }
  | {
      kind: 'router-advert';
      checksum: number;
      curHopLimit: number;
      /** M (0x80), O (0x40) and the other flag bits as one byte. */
      flags: number;
      routerLifetime: number;
      reachableTime: number;
      retransTimer: number;
      options: NdOptionRepr[];
    }
  | { kind: 'neighbor-solicit'; checksum: number; reserved: number; target: Uint8Array; options: NdOptionRepr[] }
  | {
      kind: 'neighbor-advert';
      checksum: number;
      router: boolean;
      solicited: boolean;
      override: boolean;
      /** The other 29 bits, normally 0. */
      reserved: number;
      target: Uint8Array;
      options: NdOptionRepr[];
    }
  | { kind: 'redirect'; checksum: number; reserved: number; target: Uint8Array; dest: Uint8Array; options: NdOptionRepr[] }
  | { kind: 'other'; checksum: number; type: number; code: number; /** bytes 4.. */ body: Uint8Array };

/**
 * Checked parse of an ICMPv6 message of `len` bytes (the upper-layer payload). ND messages need code 0
 * and well-formed options. The checksum is carried as read (verify it with checksum.ts l4ChecksumOk6).
 */
export function parseIcmpv6(b: Uint8Array, o: number, len: number): Icmpv6Repr | WireError {
  if (o < 0 || len < 0 || o + len > b.length) return wireError(Drop.ICMPV6_TRUNCATED, `range ${o}+${len} outside the buffer`);
  if (len < ICMPV6_HEADER_LEN) return wireError(Drop.ICMPV6_TRUNCATED, `${len} bytes, need 8`);
  const type = b[o]!;
  const code = b[o + 1]!;
  const checksum = icmpv6ChecksumField(b, o);
  const w4 = u32(b, o + 4);
  const rest = b.slice(o + 8, o + len);
  const opts = (at: number): NdOptionRepr[] | WireError => {
    if (len < at) return wireError(Drop.ICMPV6_TRUNCATED, `ND type ${type} needs ${at} bytes, has ${len}`);
    return parseNdOptions(b, o + at, len - at);
  };
  switch (type) {
    case Icmpv6Type.ECHO_REQUEST:
    case Icmpv6Type.ECHO_REPLY:
      if (code !== 0) break;
      return { kind: type === Icmpv6Type.ECHO_REQUEST ? 'echo-request' : 'echo-reply', checksum, id: w4 >>> 16, seq: w4 & 0xffff, data: rest };
    case Icmpv6Type.DEST_UNREACHABLE:
      return { kind: 'dest-unreachable', checksum, code, unused: w4, quoted: rest };
    case Icmpv6Type.TIME_EXCEEDED:
      return { kind: 'time-exceeded', checksum, code, unused: w4, quoted: rest };
    case Icmpv6Type.PACKET_TOO_BIG:
      return { kind: 'packet-too-big', checksum, code, mtu: w4, quoted: rest };
    case Icmpv6Type.PARAM_PROBLEM:
      return { kind: 'param-problem', checksum, code, pointer: w4, quoted: rest };
    case Icmpv6Type.ROUTER_SOLICIT: {
      if (code !== 0) break;
      const options = opts(ND_RS_OPTIONS);
      if (options instanceof WireError) return options;
      return { kind: 'router-solicit', checksum, reserved: w4, options };
    }
    case Icmpv6Type.ROUTER_ADVERT: {
      if (code !== 0) break;
      const options = opts(ND_RA_OPTIONS);
      if (options instanceof WireError) return options;
      return {
        kind: 'router-advert',
        checksum,
        curHopLimit: b[o + 4]!,
        flags: b[o + 5]!,
        routerLifetime: (b[o + 6]! << 8) | b[o + 7]!,
        reachableTime: u32(b, o + 8),
        retransTimer: u32(b, o + 12),
        options,
      };
    }
    case Icmpv6Type.NEIGHBOR_SOLICIT: {
      if (code !== 0) break;
      const options = opts(ND_NS_OPTIONS);
      if (options instanceof WireError) return options;
      return { kind: 'neighbor-solicit', checksum, reserved: w4, target: b.slice(o + 8, o + 24), options };
    }
    case Icmpv6Type.NEIGHBOR_ADVERT: {
      if (code !== 0) break;
      const options = opts(ND_NA_OPTIONS);
      if (options instanceof WireError) return options;
      return {
        kind: 'neighbor-advert',
        checksum,
        router: (w4 & 0x80000000) !== 0,
        solicited: (w4 & 0x40000000) !== 0,
        override: (w4 & 0x20000000) !== 0,
        reserved: w4 & 0x1fffffff,
        target: b.slice(o + 8, o + 24),
        options,
      };
    }
    case Icmpv6Type.REDIRECT: {
      if (code !== 0) break;
      const options = opts(ND_REDIRECT_OPTIONS);
      if (options instanceof WireError) return options;
      return { kind: 'redirect', checksum, reserved: w4, target: b.slice(o + 8, o + 24), dest: b.slice(o + 24, o + 40), options };
    }
  }
  return { kind: 'other', checksum, type, code, body: b.slice(o + 4, o + len) };
}

/** Length the repr encodes to. */
export function icmpv6ReprLen(r: Icmpv6Repr): number {
  const ol = (opts: readonly NdOptionRepr[]): number => opts.reduce((s, op) => s + ndOptionLen(op), 0);
  switch (r.kind) {
    case 'echo-request':
    case 'echo-reply':
      return 8 + r.data.length;
    case 'dest-unreachable':
    case 'time-exceeded':
    case 'packet-too-big':
    case 'param-problem':
      return 8 + r.quoted.length;
    case 'router-solicit':
      return ND_RS_OPTIONS + ol(r.options);
    case 'router-advert':
      return ND_RA_OPTIONS + ol(r.options);
    case 'neighbor-solicit':
    case 'neighbor-advert':
      return ND_NS_OPTIONS + ol(r.options);
    case 'redirect':
      return ND_REDIRECT_OPTIONS + ol(r.options);
    default:
      return 4 + r.body.length;
  }
}

const KIND_TYPE: Record<string, number> = {
  'echo-request': 128,
  'echo-reply': 129,
  'dest-unreachable': 1,
  'packet-too-big': 2,
  'time-exceeded': 3,
  'param-problem': 4,
  'router-solicit': 133,
  'router-advert': 134,
  'neighbor-solicit': 135,
  'neighbor-advert': 136,
  redirect: 137,
};

/**
 * Write the message with `r.checksum` in the checksum field (fill the real one afterwards with
 * checksum.ts `l4FillChecksum6`, which needs the IPv6 header); returns its length.
 */
export function emitIcmpv6(r: Icmpv6Repr, b: Uint8Array, o: number): number {
  const type = r.kind === 'other' ? r.type : KIND_TYPE[r.kind]!;
  b[o] = type;
  b[o + 1] = 'code' in r ? r.code : 0;
  b[o + 2] = r.checksum >>> 8;
  b[o + 3] = r.checksum;
  switch (r.kind) {
    case 'echo-request':
    case 'echo-reply':
      b[o + 4] = r.id >>> 8;
      b[o + 5] = r.id;
      b[o + 6] = r.seq >>> 8;
      b[o + 7] = r.seq;
      b.set(r.data, o + 8);
      return 8 + r.data.length;
    case 'dest-unreachable':
    case 'time-exceeded':
      setU32(b, o + 4, r.unused);
      b.set(r.quoted, o + 8);
      return 8 + r.quoted.length;
    case 'packet-too-big':
      setU32(b, o + 4, r.mtu);
      b.set(r.quoted, o + 8);
      return 8 + r.quoted.length;
    case 'param-problem':
      setU32(b, o + 4, r.pointer);
      b.set(r.quoted, o + 8);
      return 8 + r.quoted.length;
    case 'router-solicit':
      setU32(b, o + 4, r.reserved);
      return ND_RS_OPTIONS + emitNdOptions(r.options, b, o + ND_RS_OPTIONS);
    case 'router-advert':
      b[o + 4] = r.curHopLimit;
      b[o + 5] = r.flags;
      b[o + 6] = r.routerLifetime >>> 8;
      b[o + 7] = r.routerLifetime;
      setU32(b, o + 8, r.reachableTime);
      setU32(b, o + 12, r.retransTimer);
      return ND_RA_OPTIONS + emitNdOptions(r.options, b, o + ND_RA_OPTIONS);
    case 'neighbor-solicit':
      setU32(b, o + 4, r.reserved);
      b.set(r.target.subarray(0, 16), o + 8);
      return ND_NS_OPTIONS + emitNdOptions(r.options, b, o + ND_NS_OPTIONS);
    case 'neighbor-advert':
      setU32(b, o + 4, (r.router ? 0x80000000 : 0) | (r.solicited ? 0x40000000 : 0) | (r.override ? 0x20000000 : 0) | (r.reserved & 0x1fffffff));
      b.set(r.target.subarray(0, 16), o + 8);
      return ND_NA_OPTIONS + emitNdOptions(r.options, b, o + ND_NA_OPTIONS);
    case 'redirect':
      setU32(b, o + 4, r.reserved);
      b.set(r.target.subarray(0, 16), o + 8);
      b.set(r.dest.subarray(0, 16), o + 24);
      return ND_REDIRECT_OPTIONS + emitNdOptions(r.options, b, o + ND_REDIRECT_OPTIONS);
    default:
      b.set(r.body, o + 4);
      return 4 + r.body.length;
  }
}
