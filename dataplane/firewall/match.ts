/**
 * Does rule `r` of a compiled table match the packet described by the field vector `f` (rules.ts PF)?
 * Returns 0 on a match, else the bit of the first matcher that failed (traces name it).
 *
 * Matchers are tested in the order of their bits (rules.ts M): interfaces, protocol and addresses first,
 * address lists and types later, the stateful ones (random, nth, limit) last — they change state only when
 * every other matcher passed, as RouterOS's manual asks. A negated matcher (`!`) inverts its own test.
 *
 * Linux-derived details (ROUTEROS-FLOW.md leaves them open):
 * - `tcp-flags=a,!b`: the listed flags form a mask, the non-negated ones must be set and the negated ones
 *   clear (xt_tcp `--tcp-flags mask comp`). A non-TCP packet never matches.
 * - Port matchers match only packets that carry ports (TCP, UDP, UDP-Lite, SCTP, DCCP first fragments); a
 *   negated port matcher still needs ports (xt_tcpudp).
 * - `nth=every,packet`: the rule counts the packets that reach the matcher; the k-th (1-based) matches when
 *   `(k - 1) % every + 1 === packet` (so `nth=3,1`, `3,2`, `3,3` split traffic in three).
 * - `limit=rate/time,burst:packet|bit`: a token bucket (xt_limit): it fills at `rate` per `time` up to
 *   `burst`, starts full, and a packet takes one token (or its size in bits).
 * - `random=N`: a seeded xorshift32 draw per packet reaching it, matched when below N %.
 *
 * Rare matchers (rules.ts R, behind the one summary bit M.RARE so that rules without them pay nothing) are
 * in `matchRare` (stateless ones, after the common matchers) and `matchRareStateful` (dst-limit and psd, after
 * limit: they change state only for packets every other matcher accepted):
 * - in-/out-bridge-port(-list): the bridge port interface the flow recorded for the packet (PF.IN_BPORT /
 *   OUT_BPORT, -1 when the packet did not come from / go to a bridge port: then only a negated matcher can
 *   match, as Linux xt_physdev).
 * - `tos=v[/mask]`: (TOS byte & mask) === v (mask default 0xff). `dscp`/`tos` see the byte as it is now.
 * - `ipv4-options`: any = some option present, none = no options, x / no-x = option x present / absent.
 * - `priority`: the packet priority (set-priority, else 0); `ingress-priority`: the VLAN PCP the frame
 *   arrived with when its tag is still in the frame, else 0 (tags popped by a VLAN interface lose theirs).
 * - `ipsec-policy=in|out,none` always matches and `...,ipsec` never: flowplane has no IPsec.
 * - `time=from-to[,days]`: on the router clock (`now`, the capture clock in replay) as UTC — `/system clock`
 *   (time-zone-name, gmt-offset) is not modelled. Seconds of the day, both ends included (Linux xt_time);
 *   from > to wraps midnight (the part after midnight counts for the day it started on only as xt_time does
 *   without --contiguous: the weekday is the packet's own). No days = every day.
 * - `connection-bytes=from-to`: the connection's bytes in both directions (IP lengths, as /ip firewall
 *   connection shows them), from <= bytes <= to, to 0 = no upper bound (xt_connbytes). Untracked: no match.
 * - `connection-rate`, `connection-limit`, `layer7-protocol`: conn-extra.ts.
 * - `content=text`: the text occurs in the L4 payload (TCP/UDP/… after its header; other protocols after the
 *   IP header), case-sensitive, within this one packet (Linux xt_string searches the whole packet from the IP
 *   header; RouterOS says payload — flowplane takes RouterOS's word).
 * - `tls-host=glob`: the server_name of a TLS ClientHello that starts in this TCP segment's payload (a hello
 *   split over segments is not reassembled: RouterOS's manual says the same of its matcher); `*` any run,
 *   `?` one character, compared case-insensitively.
 * - `dst-limit`, `psd`: flow-limits.ts.
 * - `connection-type=ftp`: the packet's connection is related to a master using that helper (xt_helper:
 *   the FTP data connection, not the control connection itself; the manual: "packets from related
 *   connections based on information from their connection tracking helpers").
 * - `per-connection-classifier=fields:den/rem`: RouterOS's own hash is not published (and Linux has no PCC);
 *   flowplane's is `pccHash` below — murmur3 (32-bit) over the chosen fields as the packet carries them
 *   (source address, destination address, source port, destination port, in that order, unsigned; a packet
 *   without ports hashes 0 for them), matched when `hash % den === rem`. Deterministic, so a connection's
 *   packets in one direction always land in the same class; the two directions are hashed as they appear
 *   (not made symmetric), which is why configs mark the connection on its first packet from the LAN.
 */
import { Rng } from '../rng';
import type { AddressLists } from '../tables/address-list';
import { DL_MODE, IPOPT, M, OPT_BIT, PCC_F, PF, R, TTL_OP, type FwTable } from './rules';
import { DstLimit, Psd } from './flow-limits';
import type { SharedRules } from './shared-rules';
import type { ConnExtra } from './conn-extra';

function pccMix(h: number, k: number): number {
  k = Math.imul(k, 0xcc9e2d51);
  k = (k << 15) | (k >>> 17);
  h ^= Math.imul(k, 0x1b873593);
  h = (h << 13) | (h >>> 19);
  return (Math.imul(h, 5) + 0xe6546b64) | 0;
}

/**
 * The per-connection-classifier hash (module comment): murmur3_32 (seed 0) over the PCC_F-selected fields
 * `src`, `dst` (addresses, any int form), `sport`, `dport` (-1 = the packet has no ports: hashed as 0).
 * Returns an unsigned 32-bit value. Exported so tests can work out a packet's class by hand.
 */
export function pccHash(fields: number, src: number, dst: number, sport: number, dport: number): number {
  let h = 0;
  let len = 0;
  if (fields & PCC_F.SRC_ADDR) (h = pccMix(h, src | 0)), (len += 4);
  if (fields & PCC_F.DST_ADDR) (h = pccMix(h, dst | 0)), (len += 4);
  if (fields & PCC_F.SRC_PORT) (h = pccMix(h, sport < 0 ? 0 : sport)), (len += 4);
  if (fields & PCC_F.DST_PORT) (h = pccMix(h, dport < 0 ? 0 : dport)), (len += 4);
  h ^= len;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** Mutable per-rule state of one table in one router (counters, buckets, nth counters, the PRNG). */
export class FwState {
  readonly packets: Float64Array;
  readonly bytes: Float64Array;
  readonly limitTokens: Float64Array;
  readonly limitLast: Float64Array;
  readonly nthCount: Float64Array;
  /** Shared with other workers (shared-rules.ts): the limit buckets' spin locks and the nth counters; else null. */
  readonly limitLock: Int32Array | null;
  readonly nthShared: Int32Array | null;
  /** The `random` matcher's numbers (seeded; deterministic replay). */
  readonly rng: Rng;
  /** Per rule: dst-limit buckets and psd hosts (null for rules without the matcher). */
  readonly dstLimit: (DstLimit | null)[];
  readonly psd: (Psd | null)[];
  /**
   * What the payload and connection matchers read, given by the router's firewall state: the packet bytes
   * (the pool's buffer; PF.PAYLOAD / PF.SNI are offsets into it) and the connection extras. Until given,
   * those matchers do not match.
   */
  pkt: Uint8Array = new Uint8Array(0);
  extra: ConnExtra | null = null;

  constructor(readonly table: FwTable, seed = 0x2545f491, shared: SharedRules | null = null, sharedDst: readonly (SharedArrayBuffer | null)[] | null = null) {
    const n = table.n;
    this.packets = new Float64Array(n);
    this.bytes = new Float64Array(n);
    this.limitTokens = shared !== null ? shared.tokens : new Float64Array(n);
    this.limitLast = shared !== null ? shared.last : new Float64Array(n).fill(-1);
    this.limitLock = shared !== null ? shared.lock : null;
    this.nthShared = shared !== null ? shared.nth : null;
    this.nthCount = new Float64Array(n);
    this.rng = new Rng(seed | 0 || 1);
    this.dstLimit = [];
    this.psd = [];
    for (let r = 0; r < n; r++) {
      const rare = (table.has[r]! & M.RARE) !== 0 ? table.has2[r]! : 0;
      const sd = sharedDst?.[r] ?? null;
      this.dstLimit.push(rare & R.DST_LIMIT ? (sd !== null ? new DstLimit(undefined, { sab: sd, init: false }) : new DstLimit()) : null);
      this.psd.push(rare & R.PSD ? new Psd() : null);
    }
  }

  /** Next PRNG value in 0..2^32-1. */
  draw(): number {
    return this.rng.next();
  }
}

/** Is port value `p` in the `n` ranges at `at` (portLo/portHi)? */
function inPorts(t: FwTable, at: number, n: number, p: number): boolean {
  for (let k = at; k < at + n; k++) if (p >= t.portLo[k]! && p <= t.portHi[k]!) return true;
  return false;
}

/**
 * Match rule `r` against `f`. `lists` answers address-list matchers, `now` is the router clock (seconds)
 * for lists and limit, `ifLists` is the interface-list membership `[list * ifCount + ifIndex]`.
 */
export function matchRule(t: FwTable, s: FwState, r: number, f: Int32Array, lists: AddressLists | null, ifLists: Uint8Array, ifCount: number, now: number): number {
  const h = t.has[r]!;
  if (h === 0) return 0;
  const ng = t.neg[r]!;
  let ok: boolean;
  if (h & M.PROTO) {
    ok = f[PF.PROTO] === t.proto[r];
    if (ok === ((ng & M.PROTO) !== 0)) return M.PROTO;
  }
  if (h & M.IN_IF) {
    ok = f[PF.IN_IF] === t.inIf[r];
    if (ok === ((ng & M.IN_IF) !== 0)) return M.IN_IF;
  }
  if (h & M.OUT_IF) {
    ok = f[PF.OUT_IF] === t.outIf[r];
    if (ok === ((ng & M.OUT_IF) !== 0)) return M.OUT_IF;
  }
  if (h & M.IN_LIST) {
    const i = f[PF.IN_IF]!;
    ok = i >= 0 && ifLists[t.inList[r]! * ifCount + i] === 1;
    if (ok === ((ng & M.IN_LIST) !== 0)) return M.IN_LIST;
  }
  if (h & M.OUT_LIST) {
    const i = f[PF.OUT_IF]!;
    ok = i >= 0 && ifLists[t.outList[r]! * ifCount + i] === 1;
    if (ok === ((ng & M.OUT_LIST) !== 0)) return M.OUT_LIST;
  }
  if (h & M.SRC) {
    const a = f[PF.SRC]!;
    ok = a >= t.srcLo[r]! && a <= t.srcHi[r]!;
    if (ok === ((ng & M.SRC) !== 0)) return M.SRC;
  }
  if (h & M.DST) {
    const a = f[PF.DST]!;
    ok = a >= t.dstLo[r]! && a <= t.dstHi[r]!;
    if (ok === ((ng & M.DST) !== 0)) return M.DST;
  }
  if (h & (M.SPORT | M.DPORT | M.PORT)) {
    const sp = f[PF.SPORT]!;
    const dp = f[PF.DPORT]!;
    if (sp < 0) return h & M.SPORT ? M.SPORT : h & M.DPORT ? M.DPORT : M.PORT;
    if (h & M.SPORT) {
      ok = inPorts(t, t.sportAt[r]!, t.sportN[r]!, sp);
      if (ok === ((ng & M.SPORT) !== 0)) return M.SPORT;
    }
    if (h & M.DPORT) {
      ok = inPorts(t, t.dportAt[r]!, t.dportN[r]!, dp);
      if (ok === ((ng & M.DPORT) !== 0)) return M.DPORT;
    }
    if (h & M.PORT) {
      const at = t.portAt[r]!;
      const n = t.portN[r]!;
      ok = inPorts(t, at, n, sp) || inPorts(t, at, n, dp);
      if (ok === ((ng & M.PORT) !== 0)) return M.PORT;
    }
  }
  if (h & M.CSTATE) {
    ok = (f[PF.CSTATE]! & t.cstate[r]!) !== 0;
    if (ok === ((ng & M.CSTATE) !== 0)) return M.CSTATE;
  }
  if (h & M.CNAT) {
    ok = (f[PF.CNAT]! & t.cnat[r]!) !== 0;
    if (ok === ((ng & M.CNAT) !== 0)) return M.CNAT;
  }
  if (h & M.PMARK) {
    ok = f[PF.PMARK] === t.pmark[r];
    if (ok === ((ng & M.PMARK) !== 0)) return M.PMARK;
  }
  if (h & M.CMARK) {
    ok = f[PF.CMARK] === t.cmark[r];
    if (ok === ((ng & M.CMARK) !== 0)) return M.CMARK;
  }
  if (h & M.RMARK) {
    ok = f[PF.RMARK] === t.rmark[r];
    if (ok === ((ng & M.RMARK) !== 0)) return M.RMARK;
  }
  if (h & M.TCP_FLAGS) {
    // Item-negated only: `neg` is unused; non-TCP packets never match.
    if (f[PF.PROTO] !== 6 || (f[PF.TCP_FLAGS]! & t.tcpMask[r]!) !== t.tcpVal[r]) return M.TCP_FLAGS;
  }
  if (h & M.ICMP) {
    const ty = f[PF.ICMP_TYPE]!;
    const code = f[PF.ICMP_CODE]!;
    const lo = t.icmpCodeLo[r]!;
    ok = ty >= 0 && ty === t.icmpType[r] && (lo < 0 || (code >= lo && code <= t.icmpCodeHi[r]!));
    if (ok === ((ng & M.ICMP) !== 0)) return M.ICMP;
  }
  if (h & M.SIZE) {
    const z = f[PF.SIZE]!;
    ok = z >= t.sizeLo[r]! && z <= t.sizeHi[r]!;
    if (ok === ((ng & M.SIZE) !== 0)) return M.SIZE;
  }
  if (h & M.TTL) {
    const v = f[PF.TTL]!;
    const w = t.ttlVal[r]!;
    const op = t.ttlOp[r]!;
    ok = op === TTL_OP.EQUAL ? v === w : op === TTL_OP.NOT_EQUAL ? v !== w : op === TTL_OP.LESS_THAN ? v < w : v > w;
    if (!ok) return M.TTL;
  }
  if (h & M.DSCP) {
    ok = f[PF.DSCP] === t.dscp[r];
    if (ok === ((ng & M.DSCP) !== 0)) return M.DSCP;
  }
  if (h & M.SRC_MAC) {
    ok = f[PF.MAC_LO] === t.macLo[r] && f[PF.MAC_HI] === t.macHi[r];
    if (ok === ((ng & M.SRC_MAC) !== 0)) return M.SRC_MAC;
  }
  if (h & M.FRAGMENT) {
    if (f[PF.FRAGMENT] !== t.fragment[r]) return M.FRAGMENT;
  }
  if (h & M.SRC_LIST) {
    ok = lists !== null && lists.contains(t.srcList[r]!, f[PF.SRC]! ^ 0x80000000, now);
    if (ok === ((ng & M.SRC_LIST) !== 0)) return M.SRC_LIST;
  }
  if (h & M.DST_LIST) {
    ok = lists !== null && lists.contains(t.dstList[r]!, f[PF.DST]! ^ 0x80000000, now);
    if (ok === ((ng & M.DST_LIST) !== 0)) return M.DST_LIST;
  }
  if (h & M.SRC_TYPE) {
    ok = (f[PF.SRC_TYPE]! & t.srcType[r]!) !== 0;
    if (ok === ((ng & M.SRC_TYPE) !== 0)) return M.SRC_TYPE;
  }
  if (h & M.DST_TYPE) {
    ok = (f[PF.DST_TYPE]! & t.dstType[r]!) !== 0;
    if (ok === ((ng & M.DST_TYPE) !== 0)) return M.DST_TYPE;
  }
  if (h & M.MSS) {
    const v = f[PF.MSS]!;
    ok = v >= 0 && v >= t.mssLo[r]! && v <= t.mssHi[r]!;
    if (ok === ((ng & M.MSS) !== 0)) return M.MSS;
  }
  if (h & M.RARE) {
    const x = matchRare(t, s, r, f, ifLists, ifCount, now);
    if (x !== 0) return x;
  }
  if (h & M.UNSUPPORTED) return M.UNSUPPORTED;
  if (h & M.RANDOM) {
    ok = s.draw() % 100 < t.randomPct[r]!;
    if (!ok) return M.RANDOM;
  }
  if (h & M.NTH) {
    let k: number;
    if (s.nthShared !== null) k = Atomics.add(s.nthShared, r, 1) >>> 0;
    else {
      k = s.nthCount[r]!;
      s.nthCount[r] = k + 1;
    }
    ok = (k % t.nthEvery[r]!) + 1 === t.nthPacket[r];
    if (ok === ((ng & M.NTH) !== 0)) return M.NTH;
  }
  if (h & M.LIMIT) {
    const rate = t.limitRate[r]!;
    const burst = t.limitBurst[r]!;
    const lock = s.limitLock;
    if (lock !== null) while (Atomics.compareExchange(lock, r, 0, 1) !== 0);
    let tokens = s.limitTokens[r]!;
    const last = s.limitLast[r]!;
    // (workers' clocks are read at slightly different moments: never refill backwards)
    tokens = last < 0 ? burst : Math.min(burst, tokens + (now > last ? now - last : 0) * rate);
    s.limitLast[r] = now > last ? now : last;
    const cost = t.limitBits[r] ? f[PF.BYTES]! * 8 : 1;
    ok = tokens >= cost;
    s.limitTokens[r] = ok ? tokens - cost : tokens;
    if (lock !== null) Atomics.store(lock, r, 0);
    if (ok === ((ng & M.LIMIT) !== 0)) return M.LIMIT;
  }
  if (h & M.RARE && t.has2[r]! & (R.DST_LIMIT | R.PSD)) return matchRareStateful(t, s, r, f, now);
  return 0;
}

const RARE_FAIL = M.RARE;

/** The stateless rare matchers of rule r (rules.ts R): 0 or `M.RARE | R.bit` of the first that failed. */
function matchRare(t: FwTable, s: FwState, r: number, f: Int32Array, ifLists: Uint8Array, ifCount: number, now: number): number {
  const h = t.has2[r]!;
  const ng = t.neg2[r]!;
  let ok: boolean;
  if (h & (R.IN_BPORT | R.OUT_BPORT | R.IN_BLIST | R.OUT_BLIST)) {
    const ip = f[PF.IN_BPORT]!;
    const op = f[PF.OUT_BPORT]!;
    if (h & R.IN_BPORT) {
      ok = ip >= 0 && ip === t.inBport[r];
      if (ok === ((ng & R.IN_BPORT) !== 0)) return RARE_FAIL | R.IN_BPORT;
    }
    if (h & R.OUT_BPORT) {
      ok = op >= 0 && op === t.outBport[r];
      if (ok === ((ng & R.OUT_BPORT) !== 0)) return RARE_FAIL | R.OUT_BPORT;
    }
    if (h & R.IN_BLIST) {
      ok = ip >= 0 && ifLists[t.inBlist[r]! * ifCount + ip] === 1;
      if (ok === ((ng & R.IN_BLIST) !== 0)) return RARE_FAIL | R.IN_BLIST;
    }
    if (h & R.OUT_BLIST) {
      ok = op >= 0 && ifLists[t.outBlist[r]! * ifCount + op] === 1;
      if (ok === ((ng & R.OUT_BLIST) !== 0)) return RARE_FAIL | R.OUT_BLIST;
    }
  }
  if (h & R.TOS) {
    ok = (f[PF.TOS]! & t.tosMask[r]!) === t.tosVal[r];
    if (ok === ((ng & R.TOS) !== 0)) return RARE_FAIL | R.TOS;
  }
  if (h & R.IPV4_OPTIONS) {
    if (!ipv4OptionsMatch(t.ipOpts[r]!, f[PF.IPV4_OPTS]!)) return RARE_FAIL | R.IPV4_OPTIONS;
  }
  if (h & R.PRIORITY) {
    ok = f[PF.PRIORITY] === t.prio[r];
    if (ok === ((ng & R.PRIORITY) !== 0)) return RARE_FAIL | R.PRIORITY;
  }
  if (h & R.INGRESS_PRIORITY) {
    ok = f[PF.INGRESS_PRIO] === t.ingressPrio[r];
    if (ok === ((ng & R.INGRESS_PRIORITY) !== 0)) return RARE_FAIL | R.INGRESS_PRIORITY;
  }
  if (h & R.IPSEC) {
    // No IPsec in flowplane: no packet is subject to a policy.
    if (t.ipsec[r] !== 0) return RARE_FAIL | R.IPSEC;
  }
  if (h & R.TIME) {
    ok = timeMatch(t.timeFrom[r]!, t.timeTo[r]!, t.timeDays[r]!, now);
    if (ok === ((ng & R.TIME) !== 0)) return RARE_FAIL | R.TIME;
  }
  const ref = f[PF.CT_REF]!;
  const x = s.extra;
  if (h & R.CONN_BYTES) {
    if (ref < 0 || x === null) return RARE_FAIL | R.CONN_BYTES;
    const id = ref >> 1;
    const total = x.ct.bytes[id * 2]! + x.ct.bytes[id * 2 + 1]!;
    if (total < t.cbytesLo[r]! || total > t.cbytesHi[r]!) return RARE_FAIL | R.CONN_BYTES;
  }
  if (h & R.CONN_RATE) {
    let v = -1;
    if (ref >= 0 && x !== null) v = x.rate(ref >> 1, now);
    ok = v >= t.crateLo[r]! && v <= t.crateHi[r]!;
    if (ok === ((ng & R.CONN_RATE) !== 0)) return RARE_FAIL | R.CONN_RATE;
  }
  if (h & R.CONN_LIMIT) {
    ok = x !== null && x.connections(f[PF.SRC]! ^ 0x80000000, t.climLen[r]!, ref) > t.climCount[r]!;
    if (ok === ((ng & R.CONN_LIMIT) !== 0)) return RARE_FAIL | R.CONN_LIMIT;
  }
  if (h & R.CONTENT) {
    const at = f[PF.PAYLOAD]!;
    ok = at >= 0 && contains(s.pkt, at, f[PF.PAYLOAD_LEN]!, t.patBytes, t.contentAt[r]!, t.contentLen[r]!);
    if (ok === ((ng & R.CONTENT) !== 0)) return RARE_FAIL | R.CONTENT;
  }
  if (h & R.TLS_HOST) {
    if (f[PF.SNI] === -1) findSni(s.pkt, f);
    const at = f[PF.SNI]!;
    ok = at >= 0 && globMatch(s.pkt, at, f[PF.SNI_LEN]!, t.patBytes, t.tlsAt[r]!, t.tlsLen[r]!);
    if (ok === ((ng & R.TLS_HOST) !== 0)) return RARE_FAIL | R.TLS_HOST;
  }
  if (h & R.LAYER7) {
    ok = ref >= 0 && x !== null && ((x.ct.l7Match[ref >> 1]! >>> t.l7[r]!) & 1) === 1;
    if (ok === ((ng & R.LAYER7) !== 0)) return RARE_FAIL | R.LAYER7;
  }
  if (h & R.CTYPE) {
    ok = f[PF.CTYPE] === t.ctype[r];
    if (ok === ((ng & R.CTYPE) !== 0)) return RARE_FAIL | R.CTYPE;
  }
  if (h & R.PCC) {
    const hv = pccHash(t.pccFields[r]!, f[PF.SRC]! ^ 0x80000000, f[PF.DST]! ^ 0x80000000, f[PF.SPORT]!, f[PF.DPORT]!);
    ok = hv % t.pccDen[r]! === t.pccRem[r];
    if (ok === ((ng & R.PCC) !== 0)) return RARE_FAIL | R.PCC;
  }
  return 0;
}

/** dst-limit and psd (they change per-rule state): 0 or `M.RARE | R.bit`. Not negatable. */
function matchRareStateful(t: FwTable, s: FwState, r: number, f: Int32Array, now: number): number {
  const h = t.has2[r]!;
  if (h & R.DST_LIMIT) {
    const mode = t.dlMode[r]!;
    const src = f[PF.SRC]!;
    const dst = f[PF.DST]!;
    const dp = f[PF.DPORT]!;
    const a = mode === DL_MODE.DST_ADDRESS || mode === DL_MODE.DST_ADDRESS_AND_PORT ? dst : src;
    const b = mode === DL_MODE.SRC_AND_DST_ADDRESSES || mode === DL_MODE.ADDRESSES_AND_DST_PORT ? dst : mode === DL_MODE.DST_ADDRESS_AND_PORT ? dp : 0;
    const c = mode === DL_MODE.ADDRESSES_AND_DST_PORT ? dp : 0;
    if (!s.dstLimit[r]!.take(a, b, c, now, t.dlRate[r]!, t.dlBurst[r]!, t.dlExpire[r]!)) return RARE_FAIL | R.DST_LIMIT;
  }
  if (h & R.PSD) {
    const hit = s.psd[r]!.seen((f[PF.SRC]! ^ 0x80000000) >>> 0, f[PF.PROTO]!, f[PF.DPORT]!, f[PF.TCP_FLAGS]!, now, t.psdWeight[r]!, t.psdDelay[r]!, t.psdLo[r]!, t.psdHi[r]!);
    if (!hit) return RARE_FAIL | R.PSD;
  }
  return 0;
}

function ipv4OptionsMatch(code: number, opts: number): boolean {
  switch (code) {
    case IPOPT.ANY:
      return opts !== 0;
    case IPOPT.NONE:
      return opts === 0;
    case IPOPT.STRICT_SOURCE_ROUTING:
      return (opts & OPT_BIT.SSRR) !== 0;
    case IPOPT.LOOSE_SOURCE_ROUTING:
      return (opts & OPT_BIT.LSRR) !== 0;
    case IPOPT.NO_SOURCE_ROUTING:
      return (opts & (OPT_BIT.SSRR | OPT_BIT.LSRR)) === 0;
    case IPOPT.RECORD_ROUTE:
      return (opts & OPT_BIT.RR) !== 0;
    case IPOPT.NO_RECORD_ROUTE:
      return (opts & OPT_BIT.RR) === 0;
    case IPOPT.TIMESTAMP:
      return (opts & OPT_BIT.TS) !== 0;
    case IPOPT.NO_TIMESTAMP:
      return (opts & OPT_BIT.TS) === 0;
    case IPOPT.ROUTER_ALERT:
      return (opts & OPT_BIT.RA) !== 0;
    case IPOPT.NO_ROUTER_ALERT:
      return (opts & OPT_BIT.RA) === 0;
  }
  return false;
}

/** `time=` on the router clock (UTC seconds since the epoch). */
export function timeMatch(from: number, to: number, days: number, now: number): boolean {
  const t = Math.floor(now);
  const day = Math.floor(t / 86400);
  const sec = t - day * 86400;
  const weekday = (((day + 4) % 7) + 7) % 7; // 1970-01-01 was a Thursday; bit 0 = Sunday
  if ((days & (1 << weekday)) === 0) return false;
  return from <= to ? sec >= from && sec <= to : sec >= from || sec <= to;
}

/** Does `b[at, at + len)` contain `p[pAt, pAt + pLen)`? */
export function contains(b: Uint8Array, at: number, len: number, p: Uint8Array, pAt: number, pLen: number): boolean {
  if (pLen === 0) return true;
  const first = p[pAt]!;
  const end = at + len - pLen;
  for (let i = at; i <= end; i++) {
    if (b[i] !== first) continue;
    let k = 1;
    while (k < pLen && b[i + k] === p[pAt + k]) k++;
    if (k === pLen) return true;
  }
  return false;
}

/**
 * Find the SNI host name of a TLS ClientHello at the start of the payload (PF.PAYLOAD): sets PF.SNI /
 * PF.SNI_LEN, or PF.SNI = -2 when there is none (not a hello, no server_name, cut short).
 */
export function findSni(b: Uint8Array, f: Int32Array): void {
  f[PF.SNI] = -2;
  f[PF.SNI_LEN] = 0;
  const at = f[PF.PAYLOAD]!;
  if (at < 0 || f[PF.PROTO] !== 6) return;
  const end = at + f[PF.PAYLOAD_LEN]!;
  // TLS record: handshake (22), version 3.x; handshake: client_hello (1).
  if (at + 43 > end || b[at] !== 22 || b[at + 1] !== 3 || b[at + 5] !== 1) return;
  let o = at + 9 + 2 + 32; // record 5, handshake header 4, client_version 2, random 32
  o += 1 + b[o]!; // session id
  if (o + 2 > end) return;
  o += 2 + ((b[o]! << 8) | b[o + 1]!); // cipher suites
  if (o + 1 > end) return;
  o += 1 + b[o]!; // compression methods
  if (o + 2 > end) return;
  const extEnd = Math.min(end, o + 2 + ((b[o]! << 8) | b[o + 1]!));
  o += 2;
  while (o + 4 <= extEnd) {
    const type = (b[o]! << 8) | b[o + 1]!;
    const len = (b[o + 2]! << 8) | b[o + 3]!;
    o += 4;
    if (type === 0) {
      // server_name_list: length, then entries (type 0 host_name, length, name).
      let q = o + 2;
      const listEnd = Math.min(extEnd, o + len);
      while (q + 3 <= listEnd) {
        const nt = b[q]!;
        const nl = (b[q + 1]! << 8) | b[q + 2]!;
        if (q + 3 + nl > listEnd) return;
        if (nt === 0) {
          f[PF.SNI] = q + 3;
          f[PF.SNI_LEN] = nl;
          return;
        }
        q += 3 + nl;
      }
      return;
    }
    o += len;
  }
}

/** Glob `p[pAt, pAt + pLen)` (lower case; `*`, `?`) against `b[at, at + len)` compared case-insensitively. */
export function globMatch(b: Uint8Array, at: number, len: number, p: Uint8Array, pAt: number, pLen: number): boolean {
  let i = 0;
  let j = 0;
  let star = -1;
  let mark = 0;
  while (i < len) {
    let c = b[at + i]!;
    if (c >= 0x41 && c <= 0x5a) c |= 0x20;
    if (j < pLen && (p[pAt + j] === 0x3f || p[pAt + j] === c)) {
      i++;
      j++;
    } else if (j < pLen && p[pAt + j] === 0x2a) {
      star = j++;
      mark = i;
    } else if (star >= 0) {
      j = star + 1;
      i = ++mark;
    } else return false;
  }
  while (j < pLen && p[pAt + j] === 0x2a) j++;
  return j === pLen;
}
