/**
 * Build the bit-vector classifier of a chain (rules.ts FwClassifier; used by walk.ts).
 *
 * Indexed fields: protocol, in-interface (also through in-interface-list, expanded to its members), source
 * and destination address, destination port. For each field the rules' accepted value sets (a negated
 * matcher accepts the complement; a rule without the matcher accepts everything) cut the int32 value space
 * into elementary intervals; interval k's bitset has bit j set when the chain's j-th rule accepts the values
 * of interval k. A rule's other matchers are not indexed: the candidates are always re-checked in full.
 *
 * Chains shorter than `MIN_RULES` get no classifier (a straight walk is cheaper), and a field no rule of the
 * chain restricts is left out.
 */
import { M, PF, type FwClassifier, type FwFieldIndex, type FwTable } from './rules';

export const MIN_RULES = 16;

const MIN = -0x80000000;
const MAX = 0x7fffffff;

/** A union of closed int32 intervals, as flat [lo, hi, lo, hi, ...]. */
type Set32 = number[];

function complement(s: Set32): Set32 {
  const sorted: [number, number][] = [];
  for (let k = 0; k < s.length; k += 2) sorted.push([s[k]!, s[k + 1]!]);
  sorted.sort((a, b) => a[0] - b[0]);
  const out: Set32 = [];
  let next = MIN;
  for (const [lo, hi] of sorted) {
    if (lo > next) out.push(next, lo - 1);
    if (hi + 1 > next) next = hi + 1;
  }
  if (next <= MAX) out.push(next, MAX);
  return out;
}

/** The values of field `pf` that rule r accepts, or null when the rule does not restrict the field. */
function accepted(t: FwTable, r: number, pf: number, ifLists: Uint8Array, ifCount: number): Set32 | null {
  const h = t.has[r]!;
  const ng = t.neg[r]!;
  const maybeNeg = (bit: number, s: Set32): Set32 => (ng & bit ? complement(s) : s);
  switch (pf) {
    case PF.PROTO: {
      if (h & M.PROTO) return maybeNeg(M.PROTO, [t.proto[r]!, t.proto[r]!]);
      if (h & M.TCP_FLAGS) return [6, 6];
      return null;
    }
    case PF.IN_IF: {
      let s: Set32 | null = null;
      if (h & M.IN_IF) s = maybeNeg(M.IN_IF, [t.inIf[r]!, t.inIf[r]!]);
      if (h & M.IN_LIST) {
        const members: Set32 = [];
        const l = t.inList[r]!;
        for (let i = 0; i < ifCount; i++) if (ifLists[l * ifCount + i] === 1) members.push(i, i);
        const m = maybeNeg(M.IN_LIST, members);
        s = s === null ? m : intersect(s, m);
      }
      return s;
    }
    case PF.SRC:
      return h & M.SRC ? maybeNeg(M.SRC, [t.srcLo[r]!, t.srcHi[r]!]) : null;
    case PF.DST:
      return h & M.DST ? maybeNeg(M.DST, [t.dstLo[r]!, t.dstHi[r]!]) : null;
    case PF.DPORT: {
      if (h & M.DPORT) {
        const s: Set32 = [];
        const at = t.dportAt[r]!;
        for (let k = at; k < at + t.dportN[r]!; k++) s.push(t.portLo[k]!, t.portHi[k]!);
        // Negated or not, a port matcher needs a packet with ports (0..65535).
        return ng & M.DPORT ? intersect(complement(s), [0, 65535]) : s;
      }
      if (h & (M.SPORT | M.PORT)) return [0, 65535];
      return null;
    }
  }
  return null;
}

function intersect(a: Set32, b: Set32): Set32 {
  const out: Set32 = [];
  for (let i = 0; i < a.length; i += 2) {
    for (let j = 0; j < b.length; j += 2) {
      const lo = Math.max(a[i]!, b[j]!);
      const hi = Math.min(a[i + 1]!, b[j + 1]!);
      if (lo <= hi) out.push(lo, hi);
    }
  }
  return out;
}

const FIELDS = [PF.PROTO, PF.IN_IF, PF.SRC, PF.DST, PF.DPORT];

/** The classifier for `rules` (one chain, in order), or null when the chain is short or nothing is indexable. */
export function buildClassifier(t: FwTable, rules: Int32Array, ifLists: Uint8Array, ifCount: number): FwClassifier | null {
  const n = rules.length;
  if (n < MIN_RULES) return null;
  const words = (n + 31) >>> 5;
  const fields: FwFieldIndex[] = [];
  for (const pf of FIELDS) {
    const sets = Array.from(rules, (r) => accepted(t, r, pf, ifLists, ifCount));
    if (sets.every((s) => s === null)) continue;
    const cuts = new Set<number>([MIN]);
    for (const s of sets) {
      if (s === null) continue;
      for (let k = 0; k < s.length; k += 2) {
        cuts.add(s[k]!);
        if (s[k + 1]! < MAX) cuts.add(s[k + 1]! + 1);
      }
    }
    const starts = Int32Array.from([...cuts].sort((a, b) => a - b));
    const bits = new Int32Array(starts.length * words);
    const intervalOf = (v: number): number => {
      let lo = 0;
      let hi = starts.length - 1;
      while (lo < hi) {
        const m = (lo + hi + 1) >>> 1;
        if (starts[m]! <= v) lo = m;
        else hi = m - 1;
      }
      return lo;
    };
    sets.forEach((s, j) => {
      const w = j >>> 5;
      const bit = 1 << (j & 31);
      if (s === null) {
        for (let k = 0; k < starts.length; k++) bits[k * words + w] = bits[k * words + w]! | bit;
        return;
      }
      for (let q = 0; q < s.length; q += 2) {
        const a = intervalOf(s[q]!);
        const b = intervalOf(s[q + 1]!);
        for (let k = a; k <= b; k++) bits[k * words + w] = bits[k * words + w]! | bit;
      }
    });
    fields.push({ pf, starts, bits });
  }
  return fields.length === 0 ? null : { words, fields };
}
