/**
 * Walking a firewall chain: RouterOS's rule evaluation (ROUTEROS-FLOW.md §2). Rules are tried top-down; the
 * first whose matchers all pass acts. Terminal actions end the walk (accept, drop, reject, tarpit, and in nat
 * the translations); `jump` walks the target chain and comes back when it falls off its end or hits
 * `return`; `passthrough`, `log`, `add-*-to-address-list` and the mangle actions with `passthrough=yes`
 * count, act and go on. Falling off a built-in chain accepts. A mangle action with `passthrough=no` acts and
 * then ends the table's walk as accept does.
 *
 * Long chains use their bit-vector classifier (rules.ts FwClassifier): the packet's field values select a
 * bitset of candidate rules, and only those are tested, in order — so rules that cannot match the packet's
 * protocol, interface, addresses or destination port cost nothing beyond their share of the bitset AND.
 * A traced packet takes the plain path (every rule tested) so the trace can say why each one did not match;
 * the outcome is the same.
 *
 * Effects on the packet (change-ttl/dscp/mss, clear-df, fasttrack, notrack, NAT) are handed to the caller's
 * `FwEffects` (the stage owns the packet bytes and the connection); marks go into the field vector
 * (PF.PMARK / CMARK / RMARK), which the stage writes back.
 *
 * Jumps nest at most `MAX_DEPTH` deep; deeper jumps are treated as `return` and counted in `depthExceeded`
 * (Linux refuses jump loops at load time; RouterOS's own limit is UNCONFIRMED).
 */
import type { AddressLists } from '../tables/address-list';
import { A, PF, type FwTable } from './rules';
import { matchRule, type FwState } from './match';

/** What the walk decided. */
export const V = {
  /** Accepted: by a rule or by falling off the built-in chain (`rule` = -1). */
  ACCEPT: 0,
  DROP: 1,
  REJECT: 2,
  TARPIT: 3,
  /** A nat translation rule matched: the caller translates (`rule` says how). */
  NAT: 4,
} as const;

export const MAX_DEPTH = 16;

/** The stage's side of the walk: packet effects and (for traced packets) the rule-by-rule record. */
export interface FwEffects {
  /** A non-terminal modifying action (change-ttl/dscp/mss, clear-df, fasttrack, notrack, set-priority...). */
  effect(rule: number, action: number): void;
}

export interface FwTracer {
  /** Rule `rule` was tested: `failed` = the matcher bit that failed (0: matched, then `action` acted). */
  rule(rule: number, failed: number): void;
}

export class FwWalker {
  /** The rule that decided (-1: fell off the built-in chain). */
  rule = -1;
  depthExceeded = 0;
  private readonly stackChain = new Int32Array(MAX_DEPTH);
  private readonly stackPos = new Int32Array(MAX_DEPTH);
  /** Candidate bitsets per depth (classifier path), grown to the widest chain. */
  private cand = new Int32Array(0);
  private words = 0;

  constructor(
    readonly t: FwTable,
    readonly s: FwState,
    readonly ifLists: Uint8Array,
    readonly ifCount: number,
  ) {
    let w = 0;
    for (const ix of t.chainIndex) if (ix !== null && ix.words > w) w = ix.words;
    this.words = w;
    this.cand = new Int32Array(w * MAX_DEPTH);
  }

  /**
   * Walk built-in chain `chain` for the packet `f`. Returns a verdict (V); `this.rule` is the deciding rule.
   * `lists` and `now` serve address-list matchers and actions; `fx` receives packet effects; `tr` (null
   * unless the packet is traced) sees every rule tested.
   */
  walk(chain: number, f: Int32Array, lists: AddressLists | null, now: number, fx: FwEffects, tr: FwTracer | null): number {
    const t = this.t;
    const s = this.s;
    let depth = 0;
    let c = chain;
    let pos = 0;
    let rules = t.chainRules[c]!;
    let ix = tr === null ? t.chainIndex[c]! : null;
    if (ix !== null) this.select(c, 0, f);
    for (;;) {
      // Next rule to test in chain c from position pos (or -1 at the chain's end).
      let k = -1;
      if (ix !== null) k = this.nextCandidate(depth, pos, rules.length);
      else if (pos < rules.length) k = pos;
      if (k < 0) {
        // Fell off chain c: a built-in chain accepts, a user chain returns to its caller.
        if (depth === 0) {
          this.rule = -1;
          return V.ACCEPT;
        }
        depth--;
        c = this.stackChain[depth]!;
        pos = this.stackPos[depth]!;
        rules = t.chainRules[c]!;
        ix = tr === null ? t.chainIndex[c]! : null;
        continue;
      }
      pos = k + 1;
      const r = rules[k]!;
      const failed = matchRule(t, s, r, f, lists, this.ifLists, this.ifCount, now);
      if (tr !== null) tr.rule(r, failed);
      if (failed !== 0) continue;
      s.packets[r] = s.packets[r]! + 1;
      s.bytes[r] = s.bytes[r]! + f[PF.BYTES]!;
      const act = t.action[r]!;
      if (t.log[r]) fx.effect(r, A.LOG);
      switch (act) {
        case A.ACCEPT:
          this.rule = r;
          return V.ACCEPT;
        case A.DROP:
          this.rule = r;
          return V.DROP;
        case A.REJECT:
          this.rule = r;
          return V.REJECT;
        case A.TARPIT:
          this.rule = r;
          return V.TARPIT;
        case A.JUMP: {
          const target = t.jump[r]!;
          if (target < 0) continue;
          if (depth + 1 >= MAX_DEPTH) {
            this.depthExceeded++;
            continue;
          }
          this.stackChain[depth] = c;
          this.stackPos[depth] = pos;
          depth++;
          c = target;
          pos = 0;
          rules = t.chainRules[c]!;
          ix = tr === null ? t.chainIndex[c]! : null;
          if (ix !== null) this.select(c, depth, f);
          continue;
        }
        case A.RETURN:
          if (depth === 0) {
            // `return` in a built-in chain ends it like falling off (Linux: the chain's policy).
            this.rule = r;
            return V.ACCEPT;
          }
          // Back to the caller: the same as falling off this user chain's end.
          pos = rules.length;
          continue;
        case A.PASSTHROUGH:
        case A.LOG:
          continue;
        case A.ADD_SRC_LIST:
        case A.ADD_DST_LIST:
          if (lists !== null) {
            const ip = (act === A.ADD_SRC_LIST ? f[PF.SRC]! : f[PF.DST]!) ^ 0x80000000;
            lists.add(t.addList[r]!, ip >>> 0, ip >>> 0, now + t.addTimeout[r]!, true);
          }
          continue;
        case A.MARK_CONNECTION:
          f[PF.CMARK] = t.newMark[r]!;
          break;
        case A.MARK_PACKET:
          f[PF.PMARK] = t.newMark[r]!;
          break;
        case A.MARK_ROUTING:
          f[PF.RMARK] = t.newMark[r]!;
          break;
        case A.SRC_NAT:
        case A.DST_NAT:
        case A.MASQUERADE:
        case A.REDIRECT:
        case A.NETMAP:
        case A.SAME:
        case A.ENDPOINT_INDEPENDENT_NAT:
        case A.SOCKSIFY:
          this.rule = r;
          return V.NAT;
        default:
          // fasttrack-connection, notrack, change-*, clear-df, set-priority, strip-ipv4-options, route, sniff.
          fx.effect(r, act);
          if (act === A.FASTTRACK || act === A.NOTRACK) continue;
          break;
      }
      // A mangle action: go on unless passthrough=no.
      if (t.passthrough[r] === 0) {
        this.rule = r;
        return V.ACCEPT;
      }
    }
  }

  /** AND the packet's per-field bitsets of chain c's classifier into the candidate set of `depth`. */
  private select(c: number, depth: number, f: Int32Array): void {
    const ix = this.t.chainIndex[c]!;
    const words = ix.words;
    const cand = this.cand;
    const base = depth * this.words;
    cand.fill(-1, base, base + words);
    const fields = ix.fields;
    for (let fi = 0; fi < fields.length; fi++) {
      const fd = fields[fi]!;
      const v = f[fd.pf]!;
      // Last interval start <= v.
      const st = fd.starts;
      let lo = 0;
      let hi = st.length - 1;
      while (lo < hi) {
        const m = (lo + hi + 1) >>> 1;
        if (st[m]! <= v) lo = m;
        else hi = m - 1;
      }
      const bits = fd.bits;
      const row = lo * words;
      for (let w = 0; w < words; w++) cand[base + w] = cand[base + w]! & bits[row + w]!;
    }
  }

  /** First candidate position >= pos in the bitset of `depth`, or -1. */
  private nextCandidate(depth: number, pos: number, n: number): number {
    const cand = this.cand;
    const base = depth * this.words;
    let w = pos >>> 5;
    if (pos >= n) return -1;
    let word = cand[base + w]! & (-1 << (pos & 31));
    const last = (n - 1) >>> 5;
    for (;;) {
      if (word !== 0) {
        const k = (w << 5) + (31 - Math.clz32(word & -word));
        return k < n ? k : -1;
      }
      if (++w > last) return -1;
      word = cand[base + w]!;
    }
  }
}
