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
 * - `per-connection-classifier=fields:den/rem`: RouterOS's own hash is not published (and Linux has no PCC);
 *   flowplane's is `pccHash` below — murmur3 (32-bit) over the chosen fields as the packet carries them
 *   (source address, destination address, source port, destination port, in that order, unsigned; a packet
 *   without ports hashes 0 for them), matched when `hash % den === rem`. Deterministic, so a connection's
 *   packets in one direction always land in the same class; the two directions are hashed as they appear
 *   (not made symmetric), which is why configs mark the connection on its first packet from the LAN.
 */
import type { AddressLists } from '../tables/address-list';
import { M, PF, PCC_F, TTL_OP, type FwTable } from './rules';

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
  /** xorshift32 state (seeded; deterministic replay). */
  rng: number;

  constructor(readonly table: FwTable, seed = 0x2545f491) {
    const n = table.n;
    this.packets = new Float64Array(n);
    this.bytes = new Float64Array(n);
    this.limitTokens = new Float64Array(n);
    this.limitLast = new Float64Array(n).fill(-1);
    this.nthCount = new Float64Array(n);
    this.rng = seed | 0 || 1;
  }

  /** Next PRNG value in 0..2^32-1. */
  draw(): number {
    let x = this.rng;
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    this.rng = x;
    return x >>> 0;
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
  if (h & M.UNSUPPORTED) return M.UNSUPPORTED;
  if (h & M.PCC) {
    const hv = pccHash(t.pccFields[r]!, f[PF.SRC]! ^ 0x80000000, f[PF.DST]! ^ 0x80000000, f[PF.SPORT]!, f[PF.DPORT]!);
    ok = hv % t.pccDen[r]! === t.pccRem[r];
    if (ok === ((ng & M.PCC) !== 0)) return M.PCC;
  }
  if (h & M.RANDOM) {
    ok = s.draw() % 100 < t.randomPct[r]!;
    if (!ok) return M.RANDOM;
  }
  if (h & M.NTH) {
    const k = s.nthCount[r]!;
    s.nthCount[r] = k + 1;
    ok = (k % t.nthEvery[r]!) + 1 === t.nthPacket[r];
    if (ok === ((ng & M.NTH) !== 0)) return M.NTH;
  }
  if (h & M.LIMIT) {
    const rate = t.limitRate[r]!;
    const burst = t.limitBurst[r]!;
    let tokens = s.limitTokens[r]!;
    const last = s.limitLast[r]!;
    tokens = last < 0 ? burst : Math.min(burst, tokens + (now - last) * rate);
    s.limitLast[r] = now;
    const cost = t.limitBits[r] ? f[PF.BYTES]! * 8 : 1;
    ok = tokens >= cost;
    s.limitTokens[r] = ok ? tokens - cost : tokens;
    if (ok === ((ng & M.LIMIT) !== 0)) return M.LIMIT;
  }
  return 0;
}
