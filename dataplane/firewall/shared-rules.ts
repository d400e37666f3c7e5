/**
 * Rule state that several worker threads of one router must see as one: the `limit` token bucket, the
 * `nth` packet counter and the `dst-limit` buckets of each rule. With `flowplane run --workers N` every worker runs its own Flow; kept
 * per worker, a `limit=100/1s` rule would let N × 100 packets through and `nth=2,1` would count each
 * worker's packets apart. Given a SharedRules buffer (one per firewall table and configuration generation,
 * made by the thread that owns the workers: control/instance/worker-engine.ts), the workers' FwStates use
 * it instead of their own arrays (dataplane/firewall/match.ts):
 *
 * - `nth`: one Int32 counter per rule, taken with `Atomics.add` (each packet gets a distinct number: exactly
 *   one in every `every` packets matches, whichever worker counts it);
 * - `limit`: tokens and the last refill time (Float64, not atomically writable) behind a spin lock per rule
 *   (`Atomics.compareExchange` on an Int32 word). The critical section is a dozen arithmetic operations,
 *   so a waiter spins for nanoseconds; only rules with `limit` ever take it.
 *
 * The workers' flow clocks follow one published clock but are read at slightly different moments, so a
 * worker may find a refill time a little ahead of its own clock: the bucket never refills backwards
 * (elapsed time is clamped at zero and the later time kept).
 *
 * - `dst-limit`: each such rule's table of per-flow buckets (flow-limits.ts DstLimit) in a buffer of its
 *   own, under the same kind of spin lock, held for one lookup-or-insert and refill (~100 ns).
 *
 * Layout of one table's buffer for n rules: Float64 tokens[n], Float64 last[n], Int32 lock[n], Int32 nth[n].
 */

import { DstLimit } from './flow-limits';

export interface SharedRules {
  readonly tokens: Float64Array;
  readonly last: Float64Array;
  readonly lock: Int32Array;
  readonly nth: Int32Array;
}

/** A buffer for a table of `n` rules (last refill times start at -1: a bucket starts full). */
export function sharedRulesBuffer(n: number): SharedArrayBuffer {
  const sab = new SharedArrayBuffer(Math.max(1, n) * 24);
  sharedRules(sab, n).last.fill(-1);
  return sab;
}

/** Views over a buffer made by sharedRulesBuffer(n). */
export function sharedRules(sab: SharedArrayBuffer, n: number): SharedRules {
  const m = Math.max(1, n);
  if (sab.byteLength < m * 24) throw new RangeError(`shared rule state: buffer of ${sab.byteLength} bytes for ${n} rules`);
  return {
    tokens: new Float64Array(sab, 0, m),
    last: new Float64Array(sab, 8 * m, m),
    lock: new Int32Array(sab, 16 * m, m),
    nth: new Int32Array(sab, 20 * m, m),
  };
}

/** The four firewall tables' shared buffers (what a worker is given per generation). */
export interface SharedRuleBuffers {
  raw: SharedArrayBuffer;
  filter: SharedArrayBuffer;
  mangle: SharedArrayBuffer;
  nat: SharedArrayBuffer;
  /** Per table and rule: the rule's dst-limit table (flow-limits.ts DstLimit.sharedBuffer), null for others. */
  dstLimit?: { raw: (SharedArrayBuffer | null)[]; filter: (SharedArrayBuffer | null)[]; mangle: (SharedArrayBuffer | null)[]; nat: (SharedArrayBuffer | null)[] };
}

type Tables<T> = { raw: T; filter: T; mangle: T; nat: T };

/**
 * Buffers for tables of `n` rules each; `dstLimit` (per table, per rule: does it use dst-limit) adds a shared
 * dst-limit table for each such rule (its buckets, keyed by the mode's fields, behind a spin lock).
 */
export function sharedRuleBuffers(n: Tables<number>, dstLimit?: Tables<readonly boolean[]>): SharedRuleBuffers {
  const out: SharedRuleBuffers = { raw: sharedRulesBuffer(n.raw), filter: sharedRulesBuffer(n.filter), mangle: sharedRulesBuffer(n.mangle), nat: sharedRulesBuffer(n.nat) };
  if (dstLimit !== undefined) {
    const per = (uses: readonly boolean[]) => uses.map((u) => (u ? DstLimit.sharedBuffer() : null));
    out.dstLimit = { raw: per(dstLimit.raw), filter: per(dstLimit.filter), mangle: per(dstLimit.mangle), nat: per(dstLimit.nat) };
  }
  return out;
}
