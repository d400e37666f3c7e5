/**
 * ICMPv4 messages the router itself sends: echo replies and errors, and the rate limit on errors.
 *
 * RouterOS documents only the rate settings (`/ip settings icmp-rate-limit`, `icmp-rate-mask`,
 * `icmp-errors-use-inbound-interface-address`); which errors are sent and what they look like is
 * UNCONFIRMED for RouterOS (ROUTEROS-FLOW.md §5), so everything here follows the Linux kernel RouterOS v7
 * runs on (net/ipv4/icmp.c, inetpeer.c). Each Linux-derived choice is named where it is made.
 *
 * Hot-path rules: no allocation per packet (a new packet is a slot from `pool.alloc()`), time comes from
 * the caller as (sec, nsec) (the capture clock in replay), nothing throws whatever the frame holds.
 *
 * Return conventions:
 * - `icmpEchoReplyInPlace` → 0, or a drop code for the request (the slot is untouched then).
 * - `icmpError` → the new slot (>= 0), or a negative drop code (`-Drop.X`) saying why no error was sent:
 *   `icmp-error-suppressed`, `icmp-rate-limited`, `pool-exhausted`. The offending slot is never changed
 *   or freed; the caller drops it under its own reason (`ttl-exceeded`, `fragmentation-needed`...).
 */
import type { PacketPool } from '../buf/pool';
import { PktFlag } from '../buf/meta';
import { Drop } from '../drop';
import { csumReplace16, icmpChecksum, inetChecksumOk, ipv4FillChecksum } from '../wire/checksum';

/** TTL of packets the router originates: Linux `net.ipv4.ip_default_ttl` = 64 (RouterOS replies carry 64 too). */
export const ICMP_TTL = 64;
/** RFC 1812 4.3.2.3 / Linux icmp_send: an error is at most 576 bytes of IP, quote included. */
export const ICMP_ERROR_MAX_LEN = 576;
/** Linux icmp_send: errors get TOS = (offending TOS & IPTOS_TOS_MASK) | IPTOS_PREC_INTERNETCONTROL. */
export const IPTOS_PREC_INTERNETCONTROL = 0xc0;
const IPTOS_TOS_MASK = 0x1e;
/** Linux NR_ICMP_TYPES: types above are "unknown" (treated as errors when quoted, never rate limited). */
export const NR_ICMP_TYPES = 18;

/** Default `/ip settings icmp-rate-limit` (ms between errors to one destination). Linux's own default is 1000. */
export const ROUTEROS_ICMP_RATE_LIMIT_MS = 10;
/** Default `/ip settings icmp-rate-mask`: types 3, 4, 11, 12 (bits 3, 4, 11, 12), same as Linux icmp_ratemask. */
export const ROUTEROS_ICMP_RATE_MASK = 0x1818;
/** Linux `net.ipv4.icmp_msgs_per_sec` and `icmp_msgs_burst` (the host-wide limit; RouterOS has no setting). */
export const LINUX_ICMP_MSGS_PER_SEC = 1000;
export const LINUX_ICMP_MSGS_BURST = 50;
/** Linux XRLIM_BURST_FACTOR: a destination's bucket holds 6 intervals' worth of tokens. */
export const XRLIM_BURST_FACTOR = 6;

/** ICMP error types (Linux icmp_pointers[].error): never answered with another error. */
export function icmpTypeIsError(type: number): boolean {
  return type === 3 || type === 4 || type === 5 || type === 11 || type === 12;
}

/**
 * An address that is not one host, so no ICMP is sent to or about it: 0.0.0.0/8, 127.0.0.0/8,
 * 224.0.0.0/4 (multicast), 255.255.255.255. These are the Linux "martian" checks of ip_route_input (such
 * packets never reach icmp_send there); RFC 1812 4.3.2.7 also lists class E (240/4), which Linux routes
 * and so does this. Subnet-directed broadcasts need the routing tables: the caller must not ask.
 */
export function ipv4NotOneHost(a: number): boolean {
  const o = a >>> 24;
  return o === 0 || o === 127 || (o >= 224 && o < 240) || a >>> 0 === 0xffffffff;
}

/** The `extra` word of a parameter problem (type 12) pointing at byte `pointer` of the offending header. */
export function icmpParamPointer(pointer: number): number {
  return ((pointer & 0xff) << 24) >>> 0;
}

// ---- echo reply ---------------------------------------------------------------------------------

/**
 * The checks every in-place answer makes of the IPv4 packet in `slot` before touching it: the frame fits
 * its slot, version 4, a header length of at least 20 within the frame, a total length between the header
 * length and the frame's end. Returns 0, or the drop code of the first failed check.
 */
export function ipv4InSlotBad(pool: PacketPool, slot: number): number {
  const m = pool.meta;
  const b = pool.bytes;
  const len = m.len[slot]!;
  const l3 = m.l3Off[slot]!;
  if (len > pool.slotSize - m.start[slot]! || l3 + 20 > len) return Drop.IPV4_TRUNCATED;
  const ip = pool.frameOffset(slot) + l3;
  const v = b[ip]!;
  if ((v & 0xf0) !== 0x40) return Drop.IPV4_BAD_VERSION;
  const hl = (v & 15) << 2;
  if (hl < 20 || l3 + hl > len) return Drop.IPV4_BAD_IHL;
  const tl = (b[ip + 2]! << 8) | b[ip + 3]!;
  if (tl < hl || l3 + tl > len) return Drop.IPV4_BAD_TOTAL_LENGTH;
  return 0;
}

/**
 * Turn an Ethernet frame around in place (an answer on the link the question came from): MACs swapped, and
 * the router's MAC as source when given (`routerMacHi` >= 0). Frames of other link types are left alone.
 */
export function answerEthernetInPlace(pool: PacketPool, slot: number, routerMacHi: number, routerMacLo: number): void {
  const m = pool.meta;
  if (m.linkType[slot] !== 1 || m.l3Off[slot]! < 14) return;
  const b = pool.bytes;
  const f = pool.frameOffset(slot);
  for (let i = 0; i < 6; i++) {
    const t = b[f + i]!;
    b[f + i] = b[f + 6 + i]!;
    b[f + 6 + i] = t;
  }
  if (routerMacHi >= 0) {
    b[f + 6] = routerMacHi >>> 8;
    b[f + 7] = routerMacHi;
    b[f + 8] = routerMacLo >>> 24;
    b[f + 9] = routerMacLo >>> 16;
    b[f + 10] = routerMacLo >>> 8;
    b[f + 11] = routerMacLo;
  }
}

/**
 * Turn the echo request in `slot` (addressed to the router, already classified by parseFrame) into the
 * echo reply, in the same slot. Returns 0, or a drop code with the slot untouched:
 * `icmp-echo-ignored` (not a whole ICMP echo request: another protocol or type, a fragment — reassemble
 * first; destination 255.255.255.255 or multicast, as Linux with `icmp_echo_ignore_broadcasts=1`; source
 * not one host), `l4-bad-checksum` (Linux icmp_rcv drops those), `ipv4-*` / `icmp-truncated` for a frame
 * that is not a sound IPv4 packet.
 *
 * The reply, as Linux's icmp_reply builds it:
 * - IP: source and destination swapped, TTL 64, TOS kept, DF clear (Linux's ICMP socket uses
 *   IP_PMTUDISC_DONT), identification kept (Linux draws a fresh one, ip_select_ident; keeping the
 *   request's keeps replay deterministic), IP options removed (Linux echoes record-route/timestamp and
 *   reverses source routes, ip_options_echo; flowplane sends none), header checksum recomputed.
 * - ICMP: type 0, code, identifier, sequence and data kept; checksum updated incrementally (RFC 1624)
 *   after it was verified.
 * - Ethernet (link type 1 only): destination = the request's source MAC; source = the router MAC given as
 *   `routerMacHi`/`routerMacLo` (macHi16/macLo32 form), or the request's destination MAC when
 *   `routerMacHi` < 0. VLAN tags stay. This is a direct answer on the link; the output path may rewrite
 *   L2 after its routing decision. Other link types keep their link header as it is.
 * - Metadata: len trimmed to the IP packet (no Ethernet padding), l3Len, l4Off; flags lose IP_OPTIONS,
 *   BROADCAST, MULTICAST; inPort = outPort = -1 (router-originated, routed by the output path); packet,
 *   connection and routing marks cleared (Linux: a reply's mark is 0 unless fwmark_reflect). The
 *   timestamp stays the request's.
 */
export function icmpEchoReplyInPlace(pool: PacketPool, slot: number, routerMacHi: number = -1, routerMacLo: number = 0): number {
  if (!(slot >= 0 && slot < pool.slots)) return Drop.ICMP_ECHO_IGNORED;
  const m = pool.meta;
  const b = pool.bytes;
  const f = pool.frameOffset(slot);
  const bad = ipv4InSlotBad(pool, slot);
  if (bad !== 0) return bad;
  const l3 = m.l3Off[slot]!;
  const ip = f + l3;
  const hl = (b[ip]! & 15) << 2;
  const tl = (b[ip + 2]! << 8) | b[ip + 3]!;
  if (b[ip + 9] !== 1) return Drop.ICMP_ECHO_IGNORED;
  if ((((b[ip + 6]! & 0x3f) << 8) | b[ip + 7]!) !== 0) return Drop.ICMP_ECHO_IGNORED;
  const icmpLen = tl - hl;
  if (icmpLen < 8) return Drop.ICMP_TRUNCATED;
  const ic = ip + hl;
  if (b[ic] !== 8) return Drop.ICMP_ECHO_IGNORED;
  const src = ((b[ip + 12]! << 24) | (b[ip + 13]! << 16) | (b[ip + 14]! << 8) | b[ip + 15]!) >>> 0;
  const dst = ((b[ip + 16]! << 24) | (b[ip + 17]! << 16) | (b[ip + 18]! << 8) | b[ip + 19]!) >>> 0;
  if (ipv4NotOneHost(dst) || ipv4NotOneHost(src)) return Drop.ICMP_ECHO_IGNORED;
  if (!inetChecksumOk(b, ic, icmpLen)) return Drop.L4_BAD_CHECKSUM;

  // ICMP: type 8 -> 0 (checksum patched for the changed type/code word)
  const code = b[ic + 1]!;
  const c = csumReplace16((b[ic + 2]! << 8) | b[ic + 3]!, (8 << 8) | code, code);
  b[ic] = 0;
  b[ic + 2] = c >>> 8;
  b[ic + 3] = c;
  // IP options out: move the ICMP message down to right after a 20-byte header
  let ntl = tl;
  if (hl > 20) {
    b.copyWithin(ip + 20, ic, ip + tl);
    ntl = tl - (hl - 20);
  }
  b[ip] = 0x45;
  b[ip + 2] = ntl >>> 8;
  b[ip + 3] = ntl;
  b[ip + 6] = 0;
  b[ip + 7] = 0;
  b[ip + 8] = ICMP_TTL;
  for (let i = 0; i < 4; i++) {
    const t = b[ip + 12 + i]!;
    b[ip + 12 + i] = b[ip + 16 + i]!;
    b[ip + 16 + i] = t;
  }
  ipv4FillChecksum(b, ip);
  answerEthernetInPlace(pool, slot, routerMacHi, routerMacLo);
  m.len[slot] = l3 + ntl;
  m.wireLen[slot] = l3 + ntl;
  m.l3Len[slot] = ntl;
  m.l4Off[slot] = l3 + 20;
  m.l4Proto[slot] = 1;
  m.flags[slot] = (m.flags[slot]! & ~(PktFlag.IP_OPTIONS | PktFlag.BROADCAST | PktFlag.MULTICAST | PktFlag.SNAPPED | PktFlag.GSO)) | PktFlag.IPV4 | PktFlag.L4;
  m.inPort[slot] = -1;
  m.outPort[slot] = -1;
  m.packetMark[slot] = 0;
  m.connMark[slot] = 0;
  m.routingMark[slot] = 0;
  m.drop[slot] = 0;
  return 0;
}

// ---- errors -------------------------------------------------------------------------------------

/**
 * Build an ICMP error (`type`/`code`) about the packet in `slot`, in a new slot. Returns the new slot,
 * or a negative drop code:
 * - `-Drop.ICMP_ERROR_SUPPRESSED` when no error may be sent about this packet (Linux icmp_send /
 *   RFC 1812 4.3.2.7): it is not a sound IPv4 header; it came in a link-layer broadcast/multicast frame
 *   (PktFlag.MULTICAST; Linux: pkt_type != PACKET_HOST) or, on Ethernet, from a group (multicast) source
 *   MAC (no unicast station to answer; Linux's bridge drops those frames); its destination or source is not one host
 *   (`ipv4NotOneHost`); it is a non-first fragment; or, for an error type, it is itself an ICMP error, an
 *   ICMP message of unknown type (> 18, Linux assumes those are errors) or too short to show its type.
 * - `-Drop.ICMP_RATE_LIMITED` when `limiter` refuses (see IcmpRateLimiter; checked after the rules above,
 *   as Linux does).
 * - `-Drop.POOL_EXHAUSTED` when no slot is free.
 *
 * `srcIp` is the error's source address, chosen by the caller as Linux does: the offending packet's
 * destination when it was addressed to the router; otherwise the address of the interface the error
 * leaves by, or with `icmp-errors-use-inbound-interface-address=yes` the receiving interface's.
 * `extra` is the 32-bit rest-of-header word (Linux's `info`): the next-hop MTU for 3/4 (it lands in bytes
 * 6-7), `icmpParamPointer(p)` for 12, the gateway for 5, 0 otherwise.
 *
 * The error (Linux icmp_send):
 * - quotes the offending IP packet from its first byte, as much as fits in 576 bytes of IP
 *   (576 - 20 - 8 = 548 bytes), never more than the packet's total length nor than the bytes present
 *   (a snapped capture) — the quote is taken as the slot holds it: the caller sends time exceeded before
 *   decrementing the TTL, as Linux's ip_forward does (the quote then shows TTL 1);
 * - IP: 20-byte header, TOS (offending TOS & 0x1e) | 0xc0 for error types (the offending TOS for other
 *   types), TTL 64, DF clear (Linux's ICMP socket uses IP_PMTUDISC_DONT), identification = the offending
 *   packet's (Linux draws one with ip_select_ident; any value is valid and this one is deterministic),
 *   protocol 1, destination = the offending source. No IP options (Linux echoes some, ip_options_echo).
 * - Ethernet (offending link type 1): the offending frame's L2 header with the MACs swapped and its VLAN
 *   tags kept, so the error is a direct answer on the link it came from; the output path may rewrite L2
 *   after routing. Other link types get a 14-byte Ethernet header with zero MACs for the output path.
 * - Metadata: l3Off, l4Off, l3Len, l4Proto 1, etherType, VLAN columns, flags IPV4 | L4 (| the VLAN bits,
 *   | TRACE when the offending packet was traced), inPort = outPort = -1 (router-originated), no marks,
 *   timestamp (nowSec, nowNsec), linkType 1.
 */
export function icmpError(
  pool: PacketPool,
  slot: number,
  type: number,
  code: number,
  srcIp: number,
  extra: number,
  nowSec: number,
  nowNsec: number,
  limiter: IcmpRateLimiter | null = null,
): number {
  if (!(slot >= 0 && slot < pool.slots)) return -Drop.ICMP_ERROR_SUPPRESSED;
  const m = pool.meta;
  const b = pool.bytes;
  const f = pool.frameOffset(slot);
  let len = m.len[slot]!;
  const cap = pool.slotSize - m.start[slot]!;
  if (len > cap) len = cap;
  const l3 = m.l3Off[slot]!;
  const avail = len - l3;
  if (avail < 20) return -Drop.ICMP_ERROR_SUPPRESSED;
  const ip = f + l3;
  const v = b[ip]!;
  const hl = (v & 15) << 2;
  if ((v & 0xf0) !== 0x40 || hl < 20 || hl > avail) return -Drop.ICMP_ERROR_SUPPRESSED;
  const flags = m.flags[slot]!;
  if ((flags & PktFlag.MULTICAST) !== 0) return -Drop.ICMP_ERROR_SUPPRESSED;
  const eth = m.linkType[slot] === 1 && l3 >= 14;
  if (eth && (b[f + 6]! & 1) !== 0) return -Drop.ICMP_ERROR_SUPPRESSED;
  const osrc = ((b[ip + 12]! << 24) | (b[ip + 13]! << 16) | (b[ip + 14]! << 8) | b[ip + 15]!) >>> 0;
  const odst = ((b[ip + 16]! << 24) | (b[ip + 17]! << 16) | (b[ip + 18]! << 8) | b[ip + 19]!) >>> 0;
  if (ipv4NotOneHost(odst) || ipv4NotOneHost(osrc)) return -Drop.ICMP_ERROR_SUPPRESSED;
  if ((((b[ip + 6]! & 0x1f) << 8) | b[ip + 7]!) !== 0) return -Drop.ICMP_ERROR_SUPPRESSED;
  const isErr = icmpTypeIsError(type);
  if (isErr && b[ip + 9] === 1) {
    if (hl + 1 > avail) return -Drop.ICMP_ERROR_SUPPRESSED;
    const it = b[ip + hl]!;
    if (it > NR_ICMP_TYPES || icmpTypeIsError(it)) return -Drop.ICMP_ERROR_SUPPRESSED;
  }
  if (limiter !== null && !limiter.allow(osrc, type, code, nowSec, nowNsec)) return -Drop.ICMP_RATE_LIMITED;
  const ns = pool.alloc();
  if (ns < 0) return -Drop.POOL_EXHAUSTED;

  const l2 = eth ? l3 : 14;
  const nf = pool.frameOffset(ns);
  // quote: the packet's own length, cut to the bytes present, to 576 bytes of IP and to the slot
  const tl = (b[ip + 2]! << 8) | b[ip + 3]!;
  let q = tl >= hl ? tl : hl;
  if (q > avail) q = avail;
  let room = ICMP_ERROR_MAX_LEN - 28;
  const slotRoom = pool.slotSize - m.start[ns]! - l2 - 28;
  if (slotRoom < room) room = slotRoom;
  if (room < 20) {
    pool.free(ns);
    return -Drop.POOL_EXHAUSTED; // a slot too small to hold even the quoted header
  }
  if (q > room) q = room;

  // L2
  if (eth) {
    b.copyWithin(nf, f, f + l3);
    for (let i = 0; i < 6; i++) {
      const t = b[nf + i]!;
      b[nf + i] = b[nf + 6 + i]!;
      b[nf + 6 + i] = t;
    }
  } else {
    b.fill(0, nf, nf + 12);
    b[nf + 12] = 0x08;
    b[nf + 13] = 0x00;
  }
  // IP header
  const nip = nf + l2;
  const ntl = 28 + q;
  b[nip] = 0x45;
  b[nip + 1] = isErr ? (b[ip + 1]! & IPTOS_TOS_MASK) | IPTOS_PREC_INTERNETCONTROL : b[ip + 1]!;
  b[nip + 2] = ntl >>> 8;
  b[nip + 3] = ntl;
  b[nip + 4] = b[ip + 4]!;
  b[nip + 5] = b[ip + 5]!;
  b[nip + 6] = 0;
  b[nip + 7] = 0;
  b[nip + 8] = ICMP_TTL;
  b[nip + 9] = 1;
  b[nip + 12] = srcIp >>> 24;
  b[nip + 13] = srcIp >>> 16;
  b[nip + 14] = srcIp >>> 8;
  b[nip + 15] = srcIp;
  b[nip + 16] = b[ip + 12]!;
  b[nip + 17] = b[ip + 13]!;
  b[nip + 18] = b[ip + 14]!;
  b[nip + 19] = b[ip + 15]!;
  ipv4FillChecksum(b, nip);
  // ICMP header + quote
  const ic = nip + 20;
  b[ic] = type;
  b[ic + 1] = code;
  b[ic + 4] = extra >>> 24;
  b[ic + 5] = extra >>> 16;
  b[ic + 6] = extra >>> 8;
  b[ic + 7] = extra;
  b.copyWithin(ic + 8, ip, ip + q);
  const c = icmpChecksum(b, ic, 8 + q);
  b[ic + 2] = c >>> 8;
  b[ic + 3] = c;
  // metadata (alloc reset the rest: ports -1, marks 0, drop 0)
  const flen = l2 + ntl;
  m.len[ns] = flen;
  m.wireLen[ns] = flen;
  m.l3Off[ns] = l2;
  m.l4Off[ns] = l2 + 20;
  m.l3Len[ns] = ntl;
  m.l4Proto[ns] = 1;
  m.etherType[ns] = 0x0800;
  m.linkType[ns] = 1;
  if (eth) {
    m.vlanOuter[ns] = m.vlanOuter[slot]!;
    m.vlanInner[ns] = m.vlanInner[slot]!;
  }
  m.flags[ns] = PktFlag.IPV4 | PktFlag.L4 | (flags & PktFlag.TRACE) | (eth ? flags & (PktFlag.VLAN | PktFlag.QINQ | PktFlag.STAG) : 0);
  m.tsSec[ns] = nowSec;
  m.tsNsec[ns] = nowNsec;
  return ns;
}

// ---- rate limiting ------------------------------------------------------------------------------

export interface IcmpRateOptions {
  /**
   * `/ip settings icmp-rate-limit`: milliseconds between errors to one destination, as Linux's
   * `net.ipv4.icmp_ratelimit` (which it maps to). Default 10 (RouterOS); 0 = no per-destination limit.
   */
  rateLimitMs?: number;
  /** `/ip settings icmp-rate-mask`: bit n set = type n is limited. Default 0x1818 (types 3, 4, 11, 12). */
  rateMask?: number;
  /** Linux `net.ipv4.icmp_msgs_per_sec` (default 1000): host-wide refill rate. */
  msgsPerSec?: number;
  /** Linux `net.ipv4.icmp_msgs_burst` (default 50): host-wide bucket size. */
  msgsBurst?: number;
  /** Destinations remembered at once (rounded up to a power of two; default 65536). */
  capacity?: number;
}

/** Slots probed per destination (the table is open addressing with a bounded window). */
const PROBE = 8;

/**
 * The ICMP error rate limit, as Linux implements the sysctls RouterOS exposes (Linux-derived; RouterOS
 * documents the settings only and defers to Linux icmp(7)):
 *
 * - Only types whose bit is set in `rateMask` are limited, never type 3 code 4 (Linux: "don't limit PMTU
 *   discovery") and never types above 18. Everything else is always allowed and consumes nothing.
 * - Host-wide bucket (Linux 5.6 icmp_global_allow; RouterOS v7 is reported to run a 5.6 kernel,
 *   UNCONFIRMED; Linux of 2024, "icmp: change the order of rate limits", takes the credit only after the
 *   per-destination check): `msgsBurst` credits,
 *   refilled by `msgsPerSec * elapsed` but only once at least 20 ms (HZ/50) have passed, elapsed capped at
 *   1 s; each limited message takes one credit when it passes this check, even if the per-destination
 *   check below then refuses it (5.6 order). Linux ≥ 5.10 takes a random 0-2 credits instead of 1
 *   (CVE-2020-25705); the mean is kept here so replay stays deterministic.
 * - Per-destination bucket (inet_peer_xrlim_allow): a new destination starts full; tokens are
 *   milliseconds, +1 per elapsed ms, capped at XRLIM_BURST_FACTOR (6) × `rateLimitMs`; a message costs
 *   `rateLimitMs` tokens. So 6 errors pass at once, then one per `rateLimitMs`.
 * - Time is counted in whole milliseconds (Linux jiffies with HZ = 1000). A clock that goes backwards is
 *   treated as Linux's unsigned jiffies arithmetic would: as a long gap (buckets refill).
 *
 * Destinations live in an open-addressing table over typed arrays (Linux keeps inet_peer entries in a
 * tree and ages them out after 2-10 minutes). A destination whose bucket has refilled completely is the
 * same as a new one, so its entry is reused first; when all `PROBE` (8) candidate entries are busy the
 * least recently used one is evicted (`evictions` counts them; the evicted destination restarts full).
 * Linux also keys on the VRF (l3mdev); keep one limiter per VRF for that.
 */
export class IcmpRateLimiter {
  rateLimitMs: number;
  rateMask: number;
  msgsPerSec: number;
  msgsBurst: number;
  /** Messages refused by the host-wide limit (Linux ICMP_MIB_RATELIMITGLOBAL). */
  limitedGlobal = 0;
  /** Messages refused by a destination's bucket (Linux ICMP_MIB_RATELIMITHOST). */
  limitedHost = 0;
  /** Live destination entries overwritten for lack of room. */
  evictions = 0;
  private readonly mask: number;
  private readonly keys: Uint32Array;
  private readonly used: Uint8Array;
  private readonly tokens: Float64Array;
  private readonly last: Float64Array;
  private credit: number;
  private stamp: number;

  constructor(o: IcmpRateOptions = {}) {
    this.rateLimitMs = ROUTEROS_ICMP_RATE_LIMIT_MS;
    this.rateMask = ROUTEROS_ICMP_RATE_MASK;
    this.msgsPerSec = LINUX_ICMP_MSGS_PER_SEC;
    this.msgsBurst = LINUX_ICMP_MSGS_BURST;
    this.configure(o);
    let cap = PROBE;
    const want = o.capacity ?? 65536;
    while (cap < want && cap < 1 << 24) cap *= 2;
    this.mask = cap - 1;
    this.keys = new Uint32Array(cap);
    this.used = new Uint8Array(cap);
    this.tokens = new Float64Array(cap);
    this.last = new Float64Array(cap);
    this.credit = this.msgsBurst;
    this.stamp = -1e15;
  }

  /** Change the settings (a new config generation); destination state is kept. */
  configure(o: IcmpRateOptions): void {
    if (o.rateLimitMs !== undefined) this.rateLimitMs = Math.max(0, Math.floor(o.rateLimitMs));
    if (o.rateMask !== undefined) this.rateMask = o.rateMask >>> 0;
    if (o.msgsPerSec !== undefined) this.msgsPerSec = Math.max(0, Math.floor(o.msgsPerSec));
    if (o.msgsBurst !== undefined) this.msgsBurst = Math.max(0, Math.floor(o.msgsBurst));
  }

  /** Whether messages of this type/code are subject to the limit at all (Linux icmpv4_mask_allow inverted). */
  limits(type: number, code: number): boolean {
    if (type > NR_ICMP_TYPES || type < 0) return false;
    if (type === 3 && code === 4) return false;
    return ((1 << type) & this.rateMask) !== 0;
  }

  /**
   * May an ICMP message of `type`/`code` be sent to `dstIp` now? Counts the message against the buckets
   * when it may (and, as Linux 5.6, against the host-wide bucket even when the destination's refuses).
   */
  allow(dstIp: number, type: number, code: number, nowSec: number, nowNsec: number): boolean {
    if (!this.limits(type, code)) return true;
    const now = nowSec * 1000 + Math.floor(nowNsec / 1e6);
    if (!this.globalAllow(now)) {
      this.limitedGlobal++;
      return false;
    }
    const t = this.rateLimitMs;
    if (t === 0) return true;
    const i = this.entry(dstIp >>> 0, now, t);
    let token = this.tokens[i]!;
    const delta = now - this.last[i]!;
    if (delta !== 0) {
      this.last[i] = now;
      token = delta < 0 ? XRLIM_BURST_FACTOR * t : token + delta;
      if (token > XRLIM_BURST_FACTOR * t) token = XRLIM_BURST_FACTOR * t;
    }
    let ok = false;
    if (token >= t) {
      token -= t;
      ok = true;
    }
    this.tokens[i] = token;
    if (!ok) this.limitedHost++;
    return ok;
  }

  /** Forget every destination and refill the host-wide bucket. */
  reset(): void {
    this.used.fill(0);
    this.credit = this.msgsBurst;
    this.stamp = -1e15;
  }

  /** Linux 5.6 icmp_global_allow with HZ = 1000 and a cost of exactly one credit. */
  private globalAllow(now: number): boolean {
    let delta = now - this.stamp;
    if (delta < 0 || delta > 1000) delta = 1000;
    if (this.credit === 0 && delta < 20) return false;
    let incr = 0;
    if (delta >= 20) {
      incr = Math.floor((this.msgsPerSec * delta) / 1000);
      if (incr !== 0) this.stamp = now;
    }
    let credit = this.credit + incr;
    if (credit > this.msgsBurst) credit = this.msgsBurst;
    let ok = false;
    if (credit > 0) {
      credit--;
      ok = true;
    }
    this.credit = credit;
    return ok;
  }

  /** The entry of `dst`, created (full bucket, Linux: rate_last = now - 60 s) when absent. */
  private entry(dst: number, now: number, t: number): number {
    const mask = this.mask;
    let h = Math.imul(dst ^ (dst >>> 16), 0x45d9f3b);
    h = Math.imul(h ^ (h >>> 16), 0x45d9f3b);
    h ^= h >>> 16;
    const full = XRLIM_BURST_FACTOR * t;
    let free = -1;
    let oldest = -1;
    let oldestLast = Infinity;
    for (let k = 0; k < PROBE; k++) {
      const i = (h + k) & mask;
      if (this.used[i] === 0) {
        if (free < 0) free = i;
        break; // entries are never removed, so dst cannot sit beyond an unused entry
      }
      if (this.keys[i] === dst) return i;
      const l = this.last[i]!;
      if (free < 0 && (now < l || this.tokens[i]! + (now - l) >= full)) free = i; // refilled: same as new
      if (l < oldestLast) {
        oldestLast = l;
        oldest = i;
      }
    }
    let i = free;
    if (i < 0) {
      i = oldest;
      this.evictions++;
    }
    this.used[i] = 1;
    this.keys[i] = dst;
    this.tokens[i] = 0;
    this.last[i] = now - 60000;
    return i;
  }
}
