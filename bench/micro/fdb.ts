/**
 * FDB micro-benchmarks: a bridge table holding 10k learned MACs (random, pre-generated, one VLAN).
 *
 * - lookup: destination lookups of known MACs, taken in random order from a pre-generated array of 64k
 *   indices (the bridging decision's hot path); `lookupFresh` adds the ageing check.
 * - learn, known: source learning of known MACs (refresh; the common case on a busy bridge).
 * - learn, churn: a rolling window over 20k MACs — every item removes the oldest MAC and learns a new one, so
 *   the table keeps 10k entries while its clusters are shifted back on every removal.
 * - age: the incremental sweep when nothing has expired (the per-vector call), and a full sweep of 10k live
 *   entries that removes nothing.
 */
import { sink, type AddBench } from '../harness';
import { Fdb } from '../../dataplane/tables/fdb';

const MACS = 10_000;
const QUERIES = 1 << 16;
const VEC = 256;

/** xorshift32: deterministic inputs. */
function prng(seed: number): () => number {
  let x = seed | 0 || 1;
  return () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return x >>> 0;
  };
}

interface Macs {
  hi: Uint16Array;
  lo: Uint32Array;
}

function randomMacs(n: number, seed: number): Macs {
  const r = prng(seed);
  const hi = new Uint16Array(n);
  const lo = new Uint32Array(n);
  const seen = new Set<string>();
  for (let i = 0; i < n; ) {
    const h = (r() & 0xfeff) | 0x0200; // unicast, locally administered
    const l = r();
    const k = `${h}:${l}`;
    if (seen.has(k)) continue;
    seen.add(k);
    hi[i] = h;
    lo[i] = l;
    i++;
  }
  return { hi, lo };
}

/** A table with `MACS` learned entries on 8 ports, plus a random query order over them. */
function learned(): { fdb: Fdb; macs: Macs; qHi: Uint16Array; qLo: Uint32Array } {
  const macs = randomMacs(MACS, 0x5eed);
  const fdb = new Fdb({ maxEntries: 16384 });
  for (let i = 0; i < MACS; i++) fdb.learn(macs.hi[i]!, macs.lo[i]!, 1, i & 7, 0);
  const r = prng(42);
  const qHi = new Uint16Array(QUERIES);
  const qLo = new Uint32Array(QUERIES);
  for (let i = 0; i < QUERIES; i++) {
    const k = r() % MACS;
    qHi[i] = macs.hi[k]!;
    qLo[i] = macs.lo[k]!;
  }
  return { fdb, macs, qHi, qLo };
}

export function register(add: AddBench): void {
  const { fdb, qHi, qLo } = learned();
  const mask = QUERIES - 1;
  {
    let k = 0;
    add(`lookup, ${MACS / 1000}k learned MACs x${VEC}`, () => {
      let acc = 0;
      const base = k;
      for (let i = 0; i < VEC; i++) {
        const j = (base + i) & mask;
        acc += fdb.lookup(qHi[j]!, qLo[j]!, 1);
      }
      k = (base + VEC) & mask;
      sink.n += acc;
    }, VEC, 'lookups', 50e6);
  }
  {
    let k = 0;
    add(`lookupFresh (with ageing check), ${MACS / 1000}k learned x${VEC}`, () => {
      let acc = 0;
      const base = k;
      for (let i = 0; i < VEC; i++) {
        const j = (base + i) & mask;
        acc += fdb.lookupFresh(qHi[j]!, qLo[j]!, 1, 100, 300);
      }
      k = (base + VEC) & mask;
      sink.n += acc;
    }, VEC, 'lookups');
  }
  {
    let k = 0;
    let now = 1;
    add(`learn known MACs (refresh), ${MACS / 1000}k learned x${VEC}`, () => {
      let acc = 0;
      const base = k;
      now += 1e-3;
      for (let i = 0; i < VEC; i++) {
        const j = (base + i) & mask;
        acc += fdb.learn(qHi[j]!, qLo[j]!, 1, j & 7, now);
      }
      k = (base + VEC) & mask;
      sink.n += acc;
    }, VEC, 'learns');
  }
  {
    const pool = randomMacs(2 * MACS, 0xc0ffee);
    const churn = new Fdb({ maxEntries: 16384 });
    for (let i = 0; i < MACS; i++) churn.learn(pool.hi[i]!, pool.lo[i]!, 1, i & 7, 0);
    const n = 2 * MACS;
    let oldest = 0; // window = [oldest, oldest + MACS) mod 2*MACS
    add(`learn with churn (remove oldest + learn new), ${MACS / 1000}k live x${VEC}`, () => {
      let acc = 0;
      for (let i = 0; i < VEC; i++) {
        const young = oldest + MACS >= n ? oldest + MACS - n : oldest + MACS;
        churn.remove(pool.hi[oldest]!, pool.lo[oldest]!, 1);
        acc += churn.learn(pool.hi[young]!, pool.lo[young]!, 1, young & 7, 0);
        oldest = oldest + 1 === n ? 0 : oldest + 1;
      }
      sink.n += acc;
    }, VEC, 'learns');
  }
  {
    let now = 0;
    add(`age() incremental, nothing expired, ${MACS / 1000}k learned`, () => {
      now += 1e-3;
      sink.n += fdb.age(now, 1e9);
    }, 1, 'calls');
    const sweep = new Fdb({ maxEntries: 16384 });
    const macs = randomMacs(MACS, 7);
    for (let i = 0; i < MACS; i++) sweep.learn(macs.hi[i]!, macs.lo[i]!, 1, i & 7, i === 0 ? 0 : 100);
    let t = 400;
    add(`ageAll() full sweep of 16k slots, removes 0-1, ${MACS / 1000}k learned`, () => {
      // entry 0 expires; re-learning it keeps the sweep from short-cutting (oldestSeen + ageing <= now)
      t += 1;
      sink.n += sweep.ageAll(t, 300);
      sweep.learn(macs.hi[0]!, macs.lo[0]!, 1, 0, t - 300);
    }, 1, 'sweeps');
  }
}
