/**
 * Fixture builder: compose test frames from typed fields, with every length and checksum computed.
 *
 * ```ts
 * const f = frame()
 *   .eth({ src: '02:00:00:00:00:01', dst: 'ff:ff:ff:ff:ff:ff' })
 *   .vlan(10)
 *   .ipv4({ src: '10.0.0.1', dst: '10.0.0.2', ttl: 64 })
 *   .tcp({ sport: 1234, dport: 80, flags: 'S', seq: 1, options: { mss: 1460 } })
 *   .payload('GET /')
 *   .build();
 * writeFixture('/tmp/x.pcap', [{ frame: f }]);
 * ```
 * Layers are written outer to inner; a layer's type/protocol field follows the next layer (ethertype,
 * IPv4 protocol, IPv6 next header) unless given. A builder without `.eth()` builds a bare IP packet (use it
 * as the `quote` of an ICMP error, or with `linkType: 101`).
 *
 * Negative tests: every header takes overrides that are written after lengths and checksums are computed
 * (`checksum`, `badChecksum`, `totalLen`, `ihl`, `version`, `length`, `dataOffset`, `payloadLen`), and
 * `.truncate(n)` cuts the built frame. `.pad()` adds Ethernet padding up to 60 bytes.
 *
 * Addresses are text (parsed with the ip-address package), numbers (IPv4) or bytes. Building throws on bad
 * input: this is test tooling, not the dataplane.
 */
import { Address4, Address6 } from 'ip-address';
import { macParse } from '../dataplane/wire/ethernet';
import { isWireError } from '../dataplane/wire/error';
import { emitTcpOptions, tcpOptionsLen, type TcpOptionRepr } from '../dataplane/wire/tcp';
import { emitNdOptions, ndOptionLen, type NdOptionRepr } from '../dataplane/wire/icmpv6';
import { emitIpv4Options, type Ipv4OptionRepr } from '../dataplane/wire/ipv4';
import { ipv4FillChecksum, l4FillChecksum4, l4FillChecksum6, icmpChecksum } from '../dataplane/wire/checksum';
import { PcapWriter, PcapngWriter } from './writer';

// ---- address parsing ----------------------------------------------------------------------------

export type Mac = string | Uint8Array | readonly number[];
export type Ip4 = string | number | Uint8Array | readonly number[];
export type Ip6 = string | Uint8Array | readonly number[];

export function mac(m: Mac): Uint8Array {
  if (typeof m !== 'string') {
    if (m.length !== 6) throw new Error(`MAC needs 6 bytes, got ${m.length}`);
    return Uint8Array.from(m);
  }
  const r = macParse(m);
  if (isWireError(r)) throw new Error(r.message);
  return r;
}

/** IPv4 address as a uint32. */
export function ip4(a: Ip4): number {
  if (typeof a === 'number') return a >>> 0;
  if (typeof a !== 'string') {
    if (a.length !== 4) throw new Error(`IPv4 address needs 4 bytes, got ${a.length}`);
    return ((a[0]! << 24) | (a[1]! << 16) | (a[2]! << 8) | a[3]!) >>> 0;
  }
  if (!Address4.isValid(a)) throw new Error(`not an IPv4 address: ${a}`);
  const bytes = new Address4(a).toArray();
  return ((bytes[0]! << 24) | (bytes[1]! << 16) | (bytes[2]! << 8) | bytes[3]!) >>> 0;
}

/** IPv6 address as 16 bytes. */
export function ip6(a: Ip6): Uint8Array {
  if (typeof a !== 'string') {
    if (a.length !== 16) throw new Error(`IPv6 address needs 16 bytes, got ${a.length}`);
    return Uint8Array.from(a);
  }
  if (!Address6.isValid(a)) throw new Error(`not an IPv6 address: ${a}`);
  const bytes = new Address6(a).toUnsignedByteArray();
  const out = new Uint8Array(16);
  out.set(bytes.slice(-16), 16 - Math.min(16, bytes.length));
  return out;
}

function toBytes(d: string | Uint8Array | readonly number[] | number): Uint8Array {
  if (typeof d === 'number') return new Uint8Array(d);
  if (typeof d === 'string') return new TextEncoder().encode(d);
  return Uint8Array.from(d);
}

// ---- layer options ------------------------------------------------------------------------------

export interface EthOpts {
  src?: Mac;
  dst?: Mac;
  /** Ethertype; default from the next layer. */
  type?: number;
}

export interface SllOpts {
  /** 0 host, 1 broadcast, 2 multicast, 3 other host, 4 outgoing (default 0). */
  packetType?: number;
  /** ARPHRD type (default 1, Ethernet). */
  haType?: number;
  /** Link-layer address: MAC text, or raw bytes (0..8, e.g. none for a PPP link). Default 02:00:00:00:00:01. */
  addr?: Mac;
  /** Protocol (ethertype); default from the next layer. */
  protocol?: number;
  /** 2 for SLL2 (20-byte header), default 1. */
  version?: 1 | 2;
  ifIndex?: number;
}

export interface VlanOpts {
  pcp?: number;
  dei?: number;
  /** TPID of this tag (default 0x8100). */
  tpid?: number;
  /** Inner ethertype; default from the next layer. */
  type?: number;
}

export interface ArpOpts {
  op?: 'request' | 'reply' | number;
  senderMac: Mac;
  senderIp: Ip4;
  targetMac?: Mac;
  targetIp: Ip4;
}

export interface Ipv4Opts {
  src: Ip4;
  dst: Ip4;
  ttl?: number;
  tos?: number;
  id?: number;
  df?: boolean;
  mf?: boolean;
  /** The reserved ("evil") flag bit. */
  reservedFlag?: boolean;
  /** Fragment offset in bytes (multiple of 8). */
  fragOffset?: number;
  /** Protocol; default from the next layer (253 = experimental when only payload follows). */
  proto?: number;
  /** Option bytes (padded to a multiple of 4) or option reprs. */
  options?: Uint8Array | readonly number[] | readonly Ipv4OptionRepr[];
  // overrides for negative tests (written after the checksum unless noted)
  checksum?: number;
  badChecksum?: boolean;
  /** Total length field (checksum computed with it). */
  totalLen?: number;
  /** IHL field in words (checksum computed with it). */
  ihl?: number;
  /** Version nibble (checksum computed with it). */
  version?: number;
}

export interface Ipv6Opts {
  src: Ip6;
  dst: Ip6;
  hopLimit?: number;
  trafficClass?: number;
  flowLabel?: number;
  /** Next header; default from the next layer (59 = no next header when nothing follows). */
  nextHeader?: number;
  /** Override the payload length field. */
  payloadLen?: number;
  version?: number;
}

export interface Ipv6ExtOpts {
  /** Option area bytes after next-header and length (default: padding to 8 bytes). */
  data?: Uint8Array | readonly number[];
  nextHeader?: number;
}

export interface Frag6Opts {
  /** Offset in bytes (multiple of 8). */
  offset?: number;
  more?: boolean;
  ident?: number;
  nextHeader?: number;
}

export interface TcpOptionsShort {
  mss?: number;
  wscale?: number;
  sackOk?: boolean;
  /** Timestamps: [val, ecr] or { val, ecr }. */
  ts?: readonly [number, number] | { val: number; ecr: number };
  sack?: ReadonlyArray<readonly [number, number]>;
}

export interface TcpOpts {
  sport: number;
  dport: number;
  seq?: number;
  ack?: number;
  /** Letters F S R P A (or .) U E W (or C) N, or the 9-bit number. Default 'S' without ack, else 'A'. */
  flags?: string | number;
  window?: number;
  urgent?: number;
  /** Linux-ordered shorthand, or the exact option list. */
  options?: TcpOptionsShort | readonly TcpOptionRepr[];
  checksum?: number;
  badChecksum?: boolean;
  /** Data offset field in words (written after the checksum). */
  dataOffset?: number;
}

export interface UdpOpts {
  sport: number;
  dport: number;
  /** Length field override (checksum computed with it). */
  length?: number;
  /** Checksum override (0 = none). */
  checksum?: number;
  badChecksum?: boolean;
}

export type IcmpKind = 'echo-request' | 'echo-reply' | 'dest-unreachable' | 'time-exceeded' | 'param-problem' | 'redirect' | 'source-quench';

export interface IcmpOpts {
  type: IcmpKind | number;
  code?: number;
  id?: number;
  seq?: number;
  /** Next-hop MTU (dest-unreachable code 4). */
  mtu?: number;
  pointer?: number;
  gateway?: Ip4;
  /** The offending IP packet (bytes of a built packet without link header) to quote after the header. */
  quote?: Uint8Array;
  /** Cut the quote to this many bytes (default: the IP header + 8, as RFC 792 routers do; `Infinity` = all). */
  quoteLen?: number;
  checksum?: number;
  badChecksum?: boolean;
}

export type Icmpv6Kind =
  | 'echo-request'
  | 'echo-reply'
  | 'dest-unreachable'
  | 'packet-too-big'
  | 'time-exceeded'
  | 'param-problem'
  | 'rs'
  | 'ra'
  | 'ns'
  | 'na'
  | 'redirect';

export interface Icmpv6Opts {
  type: Icmpv6Kind | number;
  code?: number;
  id?: number;
  seq?: number;
  /** Packet Too Big MTU. */
  mtu?: number;
  pointer?: number;
  /** NS/NA/redirect target. */
  target?: Ip6;
  /** Redirect destination. */
  dest?: Ip6;
  /** NA flags. */
  router?: boolean;
  solicited?: boolean;
  override?: boolean;
  /** RA fields. */
  curHopLimit?: number;
  managed?: boolean;
  other?: boolean;
  routerLifetime?: number;
  reachableTime?: number;
  retransTimer?: number;
  /** ND option shorthands (added in this order) and/or exact options appended after them. */
  sourceLL?: Mac;
  targetLL?: Mac;
  mtuOption?: number;
  prefix?: { prefix: Ip6; len: number; onLink?: boolean; autonomous?: boolean; valid?: number; preferred?: number };
  options?: readonly NdOptionRepr[];
  /** Offending packet for errors (cut to keep the whole message within 1280 bytes of IPv6, per RFC 4443). */
  quote?: Uint8Array;
  checksum?: number;
  badChecksum?: boolean;
}

type Layer =
  | { t: 'eth'; o: EthOpts }
  | { t: 'sll'; o: SllOpts }
  | { t: 'vlan'; vid: number; o: VlanOpts }
  | { t: 'arp'; o: ArpOpts }
  | { t: 'ipv4'; o: Ipv4Opts }
  | { t: 'ipv6'; o: Ipv6Opts }
  | { t: 'ext6'; kind: 0 | 43 | 60; o: Ipv6ExtOpts }
  | { t: 'frag6'; o: Frag6Opts }
  | { t: 'tcp'; o: TcpOpts }
  | { t: 'udp'; o: UdpOpts }
  | { t: 'icmp'; o: IcmpOpts }
  | { t: 'icmpv6'; o: Icmpv6Opts }
  | { t: 'pppoe'; session: number; code: number }
  | { t: 'bytes'; data: Uint8Array; type?: number };

const ICMP_TYPES: Record<IcmpKind, number> = {
  'echo-reply': 0,
  'dest-unreachable': 3,
  'source-quench': 4,
  redirect: 5,
  'echo-request': 8,
  'time-exceeded': 11,
  'param-problem': 12,
};
const ICMPV6_TYPES: Record<Icmpv6Kind, number> = {
  'dest-unreachable': 1,
  'packet-too-big': 2,
  'time-exceeded': 3,
  'param-problem': 4,
  'echo-request': 128,
  'echo-reply': 129,
  rs: 133,
  ra: 134,
  ns: 135,
  na: 136,
  redirect: 137,
};

const TCP_FLAG_LETTERS: Record<string, number> = { F: 0x01, S: 0x02, R: 0x04, P: 0x08, A: 0x10, '.': 0x10, U: 0x20, E: 0x40, W: 0x80, C: 0x80, N: 0x100 };

/** Parse TCP flag letters into the 9-bit value. */
export function tcpFlagBits(f: string | number): number {
  if (typeof f === 'number') return f;
  let v = 0;
  for (const c of f) {
    const bit = TCP_FLAG_LETTERS[c.toUpperCase()];
    if (bit === undefined) throw new Error(`unknown TCP flag ${JSON.stringify(c)} in ${JSON.stringify(f)}`);
    v |= bit;
  }
  return v;
}

/** Expand the TCP option shorthand in the order Linux sends them. */
export function tcpOptionList(o: TcpOptionsShort | readonly TcpOptionRepr[] | undefined): TcpOptionRepr[] {
  if (o === undefined) return [];
  if (Array.isArray(o)) return [...(o as readonly TcpOptionRepr[])];
  const s = o as TcpOptionsShort;
  const out: TcpOptionRepr[] = [];
  if (s.mss !== undefined) out.push({ kind: 'mss', value: s.mss });
  const ts = s.ts === undefined ? undefined : Array.isArray(s.ts) ? { val: s.ts[0] as number, ecr: s.ts[1] as number } : (s.ts as { val: number; ecr: number });
  if (ts && s.sackOk) out.push({ kind: 'sack-permitted' }, { kind: 'timestamp', ...ts });
  else if (ts) out.push({ kind: 'nop' }, { kind: 'nop' }, { kind: 'timestamp', ...ts });
  else if (s.sackOk) out.push({ kind: 'nop' }, { kind: 'nop' }, { kind: 'sack-permitted' });
  if (s.wscale !== undefined) out.push({ kind: 'nop' }, { kind: 'wscale', shift: s.wscale });
  if (s.sack && s.sack.length) out.push({ kind: 'nop' }, { kind: 'nop' }, { kind: 'sack', blocks: s.sack.map(([l, r]) => [l, r] as [number, number]) });
  return out;
}

function ipv4OptionBytes(o: Ipv4Opts['options']): Uint8Array {
  if (o === undefined) return new Uint8Array(0);
  if (o instanceof Uint8Array || (o.length > 0 && typeof o[0] === 'number')) {
    const raw = Uint8Array.from(o as readonly number[]);
    const out = new Uint8Array((raw.length + 3) & ~3);
    out.set(raw);
    return out;
  }
  const tmp = new Uint8Array(64);
  const n = emitIpv4Options(o as readonly Ipv4OptionRepr[], tmp, 0);
  return tmp.slice(0, n);
}

function ndOptions(o: Icmpv6Opts): NdOptionRepr[] {
  const out: NdOptionRepr[] = [];
  if (o.sourceLL !== undefined) out.push({ type: 'source-ll', addr: mac(o.sourceLL) });
  if (o.targetLL !== undefined) out.push({ type: 'target-ll', addr: mac(o.targetLL) });
  if (o.mtuOption !== undefined) out.push({ type: 'mtu', reserved: 0, mtu: o.mtuOption });
  if (o.prefix !== undefined) {
    const p = o.prefix;
    out.push({
      type: 'prefix-info',
      prefixLen: p.len,
      flags: (p.onLink ?? true ? 0x80 : 0) | (p.autonomous ?? true ? 0x40 : 0),
      validLifetime: p.valid ?? 2592000,
      preferredLifetime: p.preferred ?? 604800,
      reserved2: 0,
      prefix: ip6(p.prefix),
    });
  }
  if (o.options) out.push(...o.options);
  return out;
}

function wr16(b: Uint8Array, o: number, v: number): void {
  b[o] = v >>> 8;
  b[o + 1] = v;
}
function wr32(b: Uint8Array, o: number, v: number): void {
  b[o] = v >>> 24;
  b[o + 1] = v >>> 16;
  b[o + 2] = v >>> 8;
  b[o + 3] = v;
}

/** The value a layer's predecessor puts in its type/protocol field for this layer, or undefined. */
function etherTypeOf(l: Layer | undefined): number | undefined {
  if (!l) return undefined;
  switch (l.t) {
    case 'vlan':
      return l.o.tpid ?? 0x8100;
    case 'arp':
      return 0x0806;
    case 'ipv4':
      return 0x0800;
    case 'ipv6':
      return 0x86dd;
    case 'pppoe':
      return l.code === 0 ? 0x8864 : 0x8863;
    case 'bytes':
      return l.type;
  }
  return undefined;
}
function ipProtoOf(l: Layer | undefined): number | undefined {
  if (!l) return undefined;
  switch (l.t) {
    case 'ipv4':
      return 4;
    case 'ipv6':
      return 41;
    case 'ext6':
      return l.kind;
    case 'frag6':
      return 44;
    case 'tcp':
      return 6;
    case 'udp':
      return 17;
    case 'icmp':
      return 1;
    case 'icmpv6':
      return 58;
    case 'bytes':
      return l.type;
  }
  return undefined;
}

function icmpQuote(o: IcmpOpts): Uint8Array {
  if (!o.quote) return new Uint8Array(0);
  const q = o.quote;
  let n = o.quoteLen;
  if (n === undefined) n = q.length >= 20 && q[0]! >>> 4 === 4 ? ((q[0]! & 15) << 2) + 8 : q.length;
  return q.slice(0, Math.min(q.length, n));
}

function icmpv6Quote(o: Icmpv6Opts, before: number): Uint8Array {
  if (!o.quote) return new Uint8Array(0);
  // RFC 4443: as much of the invoking packet as fits without the error exceeding the minimum MTU.
  const room = Math.max(0, 1280 - before - 8);
  return o.quote.slice(0, Math.min(o.quote.length, room));
}

/** Fixed-part length of an ICMPv6 message (before options / data). */
function icmpv6FixedLen(type: number): number {
  switch (type) {
    case 133:
      return 8;
    case 134:
      return 16;
    case 135:
    case 136:
      return 24;
    case 137:
      return 40;
  }
  return 8;
}

export class FrameBuilder {
  private readonly layers: Layer[] = [];
  private padTo = 0;
  private cutTo = -1;

  eth(o: EthOpts = {}): this {
    this.layers.push({ t: 'eth', o });
    return this;
  }
  /** Linux cooked capture header (link type 113, or 276 with `version: 2`). */
  sll(o: SllOpts = {}): this {
    this.layers.push({ t: 'sll', o });
    return this;
  }
  /** An 802.1Q tag (or `tpid: 0x88a8` for an S-tag). */
  vlan(vid: number, o: VlanOpts = {}): this {
    this.layers.push({ t: 'vlan', vid, o });
    return this;
  }
  /** 802.1ad S-tag + 802.1Q C-tag. */
  qinq(outer: number, inner: number, o: { outerTpid?: number } = {}): this {
    return this.vlan(outer, { tpid: o.outerTpid ?? 0x88a8 }).vlan(inner);
  }
  arp(o: ArpOpts): this {
    this.layers.push({ t: 'arp', o });
    return this;
  }
  /** PPPoE session header (code 0) carrying PPP; `ppp` is the PPP protocol (0x0021 IPv4, 0x0057 IPv6, 0xc021 LCP). */
  pppoe(session: number, ppp?: number): this {
    this.layers.push({ t: 'pppoe', session, code: 0 });
    if (ppp !== undefined) this.layers.push({ t: 'bytes', data: Uint8Array.of(ppp >>> 8, ppp & 0xff) });
    return this;
  }
  ipv4(o: Ipv4Opts): this {
    this.layers.push({ t: 'ipv4', o });
    return this;
  }
  ipv6(o: Ipv6Opts): this {
    this.layers.push({ t: 'ipv6', o });
    return this;
  }
  hopByHop(o: Ipv6ExtOpts = {}): this {
    this.layers.push({ t: 'ext6', kind: 0, o });
    return this;
  }
  destOpts(o: Ipv6ExtOpts = {}): this {
    this.layers.push({ t: 'ext6', kind: 60, o });
    return this;
  }
  /** Routing header; `data` must hold routing type, segments left and the type-specific data. */
  routing(o: Ipv6ExtOpts = {}): this {
    this.layers.push({ t: 'ext6', kind: 43, o });
    return this;
  }
  fragment6(o: Frag6Opts = {}): this {
    this.layers.push({ t: 'frag6', o });
    return this;
  }
  tcp(o: TcpOpts): this {
    this.layers.push({ t: 'tcp', o });
    return this;
  }
  udp(o: UdpOpts): this {
    this.layers.push({ t: 'udp', o });
    return this;
  }
  icmp(o: IcmpOpts): this {
    this.layers.push({ t: 'icmp', o });
    return this;
  }
  icmpv6(o: Icmpv6Opts): this {
    this.layers.push({ t: 'icmpv6', o });
    return this;
  }
  /** Raw bytes: a string (UTF-8), bytes, or a count of zero bytes. `type` is what the layer before names it. */
  payload(d: string | Uint8Array | readonly number[] | number, type?: number): this {
    const l: Layer = { t: 'bytes', data: toBytes(d) };
    if (type !== undefined) l.type = type;
    this.layers.push(l);
    return this;
  }
  /** A complete IP packet as payload (ethertype from its version nibble). */
  ipPacket(p: Uint8Array): this {
    return this.payload(p, p.length && p[0]! >>> 4 === 6 ? 0x86dd : 0x0800);
  }
  /** Pad the frame with zeros up to `min` bytes (Ethernet minimum 60 without FCS). */
  pad(min: number = 60): this {
    this.padTo = min;
    return this;
  }
  /** Cut the built frame to `n` bytes (after padding). */
  truncate(n: number): this {
    this.cutTo = n;
    return this;
  }

  /** Length a layer's header occupies (the part written by the layer itself). */
  private headerLen(i: number, offsets: number[]): number {
    const l = this.layers[i]!;
    switch (l.t) {
      case 'eth':
        return 14;
      case 'sll':
        return l.o.version === 2 ? 20 : 16;
      case 'vlan':
        return 4;
      case 'arp':
        return 28;
      case 'pppoe':
        return 6;
      case 'ipv4':
        return 20 + ipv4OptionBytes(l.o.options).length;
      case 'ipv6':
        return 40;
      case 'ext6': {
        const d = l.o.data ? l.o.data.length : 6;
        if ((2 + d) % 8 !== 0) throw new Error(`IPv6 extension header data must make the header a multiple of 8 bytes, got ${2 + d}`);
        return 2 + d;
      }
      case 'frag6':
        return 8;
      case 'tcp':
        return 20 + ((tcpOptionsLen(tcpOptionList(l.o.options)) + 3) & ~3);
      case 'udp':
        return 8;
      case 'icmp':
        return 8 + icmpQuote(l.o).length;
      case 'icmpv6': {
        const type = typeof l.o.type === 'number' ? l.o.type : ICMPV6_TYPES[l.o.type];
        const fixed = icmpv6FixedLen(type) + ndOptions(l.o).reduce((s, op) => s + ndOptionLen(op), 0);
        return fixed + icmpv6Quote(l.o, (offsets[i] ?? 0) - this.ipStart(i, offsets)).length;
      }
      case 'bytes':
        return l.data.length;
    }
  }

  /** Offset of the nearest IP header before layer i (for the ICMPv6 quote budget). */
  private ipStart(i: number, offsets: number[]): number {
    for (let j = i - 1; j >= 0; j--) {
      const t = this.layers[j]!.t;
      if (t === 'ipv6' || t === 'ipv4') return offsets[j] ?? 0;
    }
    return 0;
  }

  /** Build the frame (or bare packet when there is no link layer). */
  build(): Uint8Array {
    const n = this.layers.length;
    const offsets: number[] = [];
    let total = 0;
    for (let i = 0; i < n; i++) {
      offsets.push(total);
      total += this.headerLen(i, offsets);
    }
    const size = Math.max(total, this.padTo);
    const b = new Uint8Array(size);
    // 1. headers, outer to inner
    for (let i = 0; i < n; i++) this.write(i, b, offsets[i]!, total - offsets[i]!, offsets);
    // 2. checksums, inner to outer
    for (let i = n - 1; i >= 0; i--) this.checksum(i, b, offsets, total);
    // 3. overrides that must not be covered by checksums
    for (let i = 0; i < n; i++) this.override(i, b, offsets[i]!);
    return this.cutTo >= 0 ? b.slice(0, Math.min(this.cutTo, b.length)) : b;
  }

  private write(i: number, b: Uint8Array, o: number, rest: number, offsets: number[]): void {
    const l = this.layers[i]!;
    const next = this.layers[i + 1];
    const hl = this.headerLen(i, offsets);
    switch (l.t) {
      case 'eth': {
        b.set(mac(l.o.dst ?? 'ff:ff:ff:ff:ff:ff'), o);
        b.set(mac(l.o.src ?? '02:00:00:00:00:01'), o + 6);
        wr16(b, o + 12, l.o.type ?? etherTypeOf(next) ?? 0x88b5);
        return;
      }
      case 'sll': {
        const s = l.o;
        const proto = s.protocol ?? etherTypeOf(next) ?? 0x0800;
        // a Uint8Array address is taken as is (0..8 bytes: PPP links have none); text is a MAC
        const addr = s.addr instanceof Uint8Array ? s.addr.subarray(0, 8) : s.addr !== undefined ? mac(s.addr) : mac('02:00:00:00:00:01');
        if (s.version === 2) {
          wr16(b, o, proto);
          wr32(b, o + 4, s.ifIndex ?? 1);
          wr16(b, o + 8, s.haType ?? 1);
          b[o + 10] = s.packetType ?? 0;
          b[o + 11] = addr.length;
          b.set(addr, o + 12);
        } else {
          wr16(b, o, s.packetType ?? 0);
          wr16(b, o + 2, s.haType ?? 1);
          wr16(b, o + 4, addr.length);
          b.set(addr, o + 6);
          wr16(b, o + 14, proto);
        }
        return;
      }
      case 'vlan': {
        const v = l.o;
        wr16(b, o, ((v.pcp ?? 0) << 13) | ((v.dei ?? 0) << 12) | (l.vid & 0xfff));
        wr16(b, o + 2, v.type ?? etherTypeOf(next) ?? 0x88b5);
        // the TPID of this tag is the type field written by the previous layer (see etherTypeOf)
        // so the tag here is TCI + inner type, and `o` points at the TCI.
        return;
      }
      case 'arp': {
        const a = l.o;
        wr16(b, o, 1);
        wr16(b, o + 2, 0x0800);
        b[o + 4] = 6;
        b[o + 5] = 4;
        wr16(b, o + 6, a.op === undefined || a.op === 'request' ? 1 : a.op === 'reply' ? 2 : a.op);
        b.set(mac(a.senderMac), o + 8);
        wr32(b, o + 14, ip4(a.senderIp));
        b.set(a.targetMac !== undefined ? mac(a.targetMac) : new Uint8Array(6), o + 18);
        wr32(b, o + 24, ip4(a.targetIp));
        return;
      }
      case 'pppoe': {
        b[o] = 0x11;
        b[o + 1] = l.code;
        wr16(b, o + 2, l.session);
        wr16(b, o + 4, rest - 6);
        return;
      }
      case 'ipv4': {
        const p = l.o;
        const opts = ipv4OptionBytes(p.options);
        b[o] = ((p.version ?? 4) << 4) | ((p.ihl ?? hl >>> 2) & 15);
        b[o + 1] = p.tos ?? 0;
        wr16(b, o + 2, p.totalLen ?? rest);
        wr16(b, o + 4, p.id ?? 0);
        wr16(
          b,
          o + 6,
          (p.reservedFlag ? 0x8000 : 0) | (p.df ? 0x4000 : 0) | (p.mf ? 0x2000 : 0) | (((p.fragOffset ?? 0) >>> 3) & 0x1fff),
        );
        b[o + 8] = p.ttl ?? 64;
        b[o + 9] = p.proto ?? ipProtoOf(next) ?? 253;
        wr32(b, o + 12, ip4(p.src));
        wr32(b, o + 16, ip4(p.dst));
        b.set(opts, o + 20);
        return;
      }
      case 'ipv6': {
        const p = l.o;
        const tc = p.trafficClass ?? 0;
        const fl = p.flowLabel ?? 0;
        b[o] = ((p.version ?? 6) << 4) | ((tc >>> 4) & 15);
        b[o + 1] = ((tc & 15) << 4) | ((fl >>> 16) & 15);
        wr16(b, o + 2, fl & 0xffff);
        wr16(b, o + 4, p.payloadLen ?? rest - 40);
        b[o + 6] = p.nextHeader ?? ipProtoOf(next) ?? 59;
        b[o + 7] = p.hopLimit ?? 64;
        b.set(ip6(p.src), o + 8);
        b.set(ip6(p.dst), o + 24);
        return;
      }
      case 'ext6': {
        b[o] = l.o.nextHeader ?? ipProtoOf(next) ?? 59;
        b[o + 1] = (hl >>> 3) - 1;
        if (l.o.data) b.set(Uint8Array.from(l.o.data), o + 2);
        else {
          // PadN filling the 6 bytes
          b[o + 2] = 1;
          b[o + 3] = 4;
        }
        return;
      }
      case 'frag6': {
        const f = l.o;
        b[o] = f.nextHeader ?? ipProtoOf(next) ?? 59;
        wr16(b, o + 2, ((f.offset ?? 0) & 0xfff8) | (f.more ? 1 : 0));
        wr32(b, o + 4, f.ident ?? 0);
        return;
      }
      case 'tcp': {
        const t = l.o;
        const flags = tcpFlagBits(t.flags ?? (t.ack !== undefined ? 'A' : 'S'));
        wr16(b, o, t.sport);
        wr16(b, o + 2, t.dport);
        wr32(b, o + 4, t.seq ?? 0);
        wr32(b, o + 8, t.ack ?? 0);
        b[o + 12] = ((hl >>> 2) << 4) | ((flags >>> 8) & 1);
        b[o + 13] = flags;
        wr16(b, o + 14, t.window ?? 65535);
        wr16(b, o + 18, t.urgent ?? 0);
        emitTcpOptions(tcpOptionList(t.options), b, o + 20);
        return;
      }
      case 'udp': {
        wr16(b, o, l.o.sport);
        wr16(b, o + 2, l.o.dport);
        wr16(b, o + 4, l.o.length ?? rest);
        return;
      }
      case 'icmp': {
        const c = l.o;
        const type = typeof c.type === 'number' ? c.type : ICMP_TYPES[c.type];
        b[o] = type;
        b[o + 1] = c.code ?? 0;
        if (type === 0 || type === 8 || type === 13 || type === 14) {
          wr16(b, o + 4, c.id ?? 0);
          wr16(b, o + 6, c.seq ?? 0);
        } else if (type === 3) wr16(b, o + 6, c.mtu ?? 0);
        else if (type === 12) b[o + 4] = c.pointer ?? 0;
        else if (type === 5) wr32(b, o + 4, ip4(c.gateway ?? 0));
        b.set(icmpQuote(c), o + 8);
        return;
      }
      case 'icmpv6': {
        const c = l.o;
        const type = typeof c.type === 'number' ? c.type : ICMPV6_TYPES[c.type];
        b[o] = type;
        b[o + 1] = c.code ?? 0;
        switch (type) {
          case 128:
          case 129:
            wr16(b, o + 4, c.id ?? 0);
            wr16(b, o + 6, c.seq ?? 0);
            break;
          case 2:
            wr32(b, o + 4, c.mtu ?? 1280);
            break;
          case 4:
            wr32(b, o + 4, c.pointer ?? 0);
            break;
          case 134:
            b[o + 4] = c.curHopLimit ?? 64;
            b[o + 5] = (c.managed ? 0x80 : 0) | (c.other ? 0x40 : 0);
            wr16(b, o + 6, c.routerLifetime ?? 1800);
            wr32(b, o + 8, c.reachableTime ?? 0);
            wr32(b, o + 12, c.retransTimer ?? 0);
            break;
          case 135:
            b.set(ip6(c.target ?? '::'), o + 8);
            break;
          case 136:
            b[o + 4] = (c.router ? 0x80 : 0) | (c.solicited ? 0x40 : 0) | (c.override ? 0x20 : 0);
            b.set(ip6(c.target ?? '::'), o + 8);
            break;
          case 137:
            b.set(ip6(c.target ?? '::'), o + 8);
            b.set(ip6(c.dest ?? '::'), o + 24);
            break;
        }
        const fixed = icmpv6FixedLen(type);
        const ol = emitNdOptions(ndOptions(c), b, o + fixed);
        b.set(icmpv6Quote(c, o - this.ipStart(i, offsets)), o + fixed + ol);
        return;
      }
      case 'bytes':
        b.set(l.data, o);
        return;
    }
  }

  private enclosingIp(i: number): number {
    for (let j = i - 1; j >= 0; j--) {
      const t = this.layers[j]!.t;
      if (t === 'ipv4' || t === 'ipv6') return j;
    }
    return -1;
  }

  private checksum(i: number, b: Uint8Array, offsets: number[], total: number): void {
    const l = this.layers[i]!;
    const o = offsets[i]!;
    switch (l.t) {
      case 'ipv4':
        ipv4FillChecksum(b, o);
        return;
      case 'tcp':
      case 'udp':
      case 'icmpv6': {
        const j = this.enclosingIp(i);
        const proto = l.t === 'tcp' ? 6 : l.t === 'udp' ? 17 : 58;
        if (j < 0) return;
        const ip = offsets[j]!;
        if (this.layers[j]!.t === 'ipv4') l4FillChecksum4(b, ip, o, total - o, proto);
        else l4FillChecksum6(b, ip, o, total - o, proto);
        return;
      }
      case 'icmp': {
        wr16(b, o + 2, icmpChecksum(b, o, total - o));
        return;
      }
    }
  }

  private override(i: number, b: Uint8Array, o: number): void {
    const l = this.layers[i]!;
    const cs = (at: number, c: { checksum?: number; badChecksum?: boolean }): void => {
      if (c.checksum !== undefined) wr16(b, at, c.checksum);
      if (c.badChecksum) wr16(b, at, ((b[at]! << 8) | b[at + 1]!) ^ 0x5a5a);
    };
    switch (l.t) {
      case 'ipv4':
        cs(o + 10, l.o);
        return;
      case 'tcp':
        cs(o + 16, l.o);
        if (l.o.dataOffset !== undefined) b[o + 12] = (b[o + 12]! & 0x0f) | ((l.o.dataOffset & 15) << 4);
        return;
      case 'udp':
        cs(o + 6, l.o);
        return;
      case 'icmp':
      case 'icmpv6':
        cs(o + 2, l.o);
        return;
    }
  }
}

/** Start a frame (or bare packet). */
export function frame(): FrameBuilder {
  return new FrameBuilder();
}

// ---- fragmentation helpers ----------------------------------------------------------------------

/**
 * Split a bare IPv4 packet into fragments whose payloads are at most `maxPayload` bytes (rounded down to
 * a multiple of 8); headers are copied (options included), lengths, flags and checksums fixed.
 */
export function fragmentIpv4(pkt: Uint8Array, maxPayload: number): Uint8Array[] {
  const hl = (pkt[0]! & 15) << 2;
  const tl = (pkt[2]! << 8) | pkt[3]!;
  const step = maxPayload & ~7;
  if (step <= 0) throw new Error('maxPayload must be at least 8');
  const baseOff = (((pkt[6]! & 0x1f) << 8) | pkt[7]!) << 3;
  const baseMf = (pkt[6]! & 0x20) !== 0;
  const out: Uint8Array[] = [];
  for (let p = hl; p < tl; p += step) {
    const n = Math.min(step, tl - p);
    const f = new Uint8Array(hl + n);
    f.set(pkt.subarray(0, hl));
    f.set(pkt.subarray(p, p + n), hl);
    wr16(f, 2, hl + n);
    const more = p + n < tl || baseMf;
    wr16(f, 6, (pkt[6]! & 0x40 ? 0x4000 : 0) | (more ? 0x2000 : 0) | (((baseOff + p - hl) >>> 3) & 0x1fff));
    ipv4FillChecksum(f, 0);
    out.push(f);
  }
  return out;
}

/**
 * Split a bare IPv6 packet (fixed header + upper layer, no extension headers) into fragments carrying at
 * most `maxPayload` bytes each (multiple of 8) with a fragment header of identification `ident`.
 */
export function fragmentIpv6(pkt: Uint8Array, maxPayload: number, ident: number): Uint8Array[] {
  const pl = (pkt[4]! << 8) | pkt[5]!;
  const nh = pkt[6]!;
  const step = maxPayload & ~7;
  if (step <= 0) throw new Error('maxPayload must be at least 8');
  const out: Uint8Array[] = [];
  for (let p = 0; p < pl; p += step) {
    const n = Math.min(step, pl - p);
    const f = new Uint8Array(48 + n);
    f.set(pkt.subarray(0, 40));
    f[6] = 44;
    wr16(f, 4, 8 + n);
    f[40] = nh;
    wr16(f, 42, (p & 0xfff8) | (p + n < pl ? 1 : 0));
    wr32(f, 44, ident);
    f.set(pkt.subarray(40 + p, 40 + p + n), 48);
    out.push(f);
  }
  return out;
}

// ---- writing capture files ----------------------------------------------------------------------

export interface FixtureFrame {
  frame: Uint8Array;
  /** Default: 1_700_000_000 + index. */
  tsSec?: number;
  tsNsec?: number;
  /** Wire length when the frame stands for a longer one cut by a snaplen (default frame.length). */
  origLen?: number;
}

export interface FixtureOptions {
  format?: 'pcap' | 'pcapng';
  nanosecond?: boolean;
  /** LINKTYPE_* (default 1, Ethernet). */
  linkType?: number;
  snaplen?: number;
}

type AnyWriter = { bytes(): Uint8Array; close(): void };

function writeAll(w: PcapWriter | PcapngWriter, frames: readonly FixtureFrame[], opts: FixtureOptions): void {
  const linkType = opts.linkType ?? 1;
  if (w instanceof PcapngWriter) {
    const ifIndex = w.addInterface({ linkType, snaplen: opts.snaplen ?? 0, tsresol: opts.nanosecond ? 9 : 6 });
    frames.forEach((f, i) => {
      w.writePacket(ifIndex, f.frame, 0, f.frame.length, f.origLen ?? f.frame.length, f.tsSec ?? 1_700_000_000 + i, f.tsNsec ?? 0);
    });
  } else {
    frames.forEach((f, i) => {
      w.writeRecord(f.frame, 0, f.frame.length, f.origLen ?? f.frame.length, f.tsSec ?? 1_700_000_000 + i, f.tsNsec ?? 0);
    });
  }
}

/** Write frames to a pcap (default) or pcapng file. */
export function writeFixture(path: string, frames: readonly FixtureFrame[], opts: FixtureOptions = {}): void {
  const w: PcapWriter | PcapngWriter =
    opts.format === 'pcapng'
      ? PcapngWriter.toFile(path)
      : PcapWriter.toFile(path, { linkType: opts.linkType ?? 1, snaplen: opts.snaplen ?? 262144, nanosecond: opts.nanosecond ?? false });
  try {
    writeAll(w, frames, opts);
  } finally {
    w.close();
  }
}

/** The bytes of the capture file writeFixture would write. */
export function fixtureBytes(frames: readonly FixtureFrame[], opts: FixtureOptions = {}): Uint8Array {
  const w: PcapWriter | PcapngWriter =
    opts.format === 'pcapng'
      ? PcapngWriter.toMemory()
      : PcapWriter.toMemory({ linkType: opts.linkType ?? 1, snaplen: opts.snaplen ?? 262144, nanosecond: opts.nanosecond ?? false });
  writeAll(w, frames, opts);
  const out = (w as AnyWriter).bytes().slice();
  w.close();
  return out;
}
