/**
 * Fdb: learning, moves, static/local entries, VLAN separation, the ageing boundary (expired at
 * last-seen + ageing-time exactly), full-table policy (learning stops, nothing is evicted), flushPort, and a
 * fast-check property test of random operation sequences against a Map, on tiny tables so probe clusters
 * collide, wrap around and get shifted back on every removal.
 */
import fc from 'fast-check';
import { Fdb, FdbFlag, FdbLearn, type FdbEntry } from '../../../dataplane/tables/fdb';
import { macHi16, macLo32 } from '../../../dataplane/wire/ethernet';

const mac = (s: string): [number, number] => {
  const b = Uint8Array.from(s.split(':').map((x) => parseInt(x, 16)));
  return [macHi16(b, 0), macLo32(b, 0)];
};
/** The entries without their slot (where an entry sits in the hash is not what these tests are about). */
const entries = (f: Fdb): Omit<FdbEntry, 'slot'>[] => {
  const out: Omit<FdbEntry, 'slot'>[] = [];
  f.forEach(({ slot, ...e }) => {
    // the slot an entry reports is where find() finds it
    expect(f.find(e.hi, e.lo, e.vid)).toBe(slot);
    out.push(e);
  });
  return out;
};

describe('Fdb', () => {
  const [aHi, aLo] = mac('02:00:00:00:00:0a');
  const [bHi, bLo] = mac('ff:ee:dd:cc:bb:aa'); // lo >= 2^31

  test('learn, lookup, refresh and move', () => {
    const f = new Fdb({ maxEntries: 64 });
    expect(f.lookup(aHi, aLo, 0)).toBe(-1);
    expect(f.learn(aHi, aLo, 0, 3, 10)).toBe(FdbLearn.NEW);
    expect(f.learn(bHi, bLo, 0, 4, 10)).toBe(FdbLearn.NEW);
    expect(f.lookup(aHi, aLo, 0)).toBe(3);
    expect(f.lookup(bHi, bLo, 0)).toBe(4);
    expect(f.lookup(bHi, bLo | 0, 0)).toBe(4); // signed or unsigned lo: same key
    expect(f.size).toBe(2);
    expect(f.learned).toBe(2);

    expect(f.learn(aHi, aLo, 0, 3, 20)).toBe(FdbLearn.REFRESHED);
    expect(f.seen[f.find(aHi, aLo, 0)]).toBe(20);
    expect(f.learn(aHi, aLo, 0, 3, 15)).toBe(FdbLearn.REFRESHED); // an earlier time does not make it older
    expect(f.seen[f.find(aHi, aLo, 0)]).toBe(20);

    expect(f.learn(aHi, aLo, 0, 7, 21)).toBe(FdbLearn.MOVED);
    expect(f.lookup(aHi, aLo, 0)).toBe(7);
    expect(f.seen[f.find(aHi, aLo, 0)]).toBe(21);
    expect(f.size).toBe(2);

    const list = entries(f).sort((x, y) => x.port - y.port);
    expect(list).toEqual([
      { hi: bHi, lo: bLo, vid: 0, port: 4, flags: FdbFlag.DYNAMIC, lastSeen: 10 },
      { hi: aHi, lo: aLo, vid: 0, port: 7, flags: FdbFlag.DYNAMIC, lastSeen: 21 },
    ]);
    expect(bLo).toBe(0xddccbbaa);
  });

  test('static and local entries are never overwritten by learning and never age', () => {
    const f = new Fdb({ maxEntries: 64 });
    expect(f.addStatic(aHi, aLo, 1, 2)).toBeGreaterThanOrEqual(0);
    expect(f.addStatic(bHi, bLo, 1, 0, true)).toBeGreaterThanOrEqual(0);
    expect(f.learn(aHi, aLo, 1, 5, 1)).toBe(FdbLearn.LOCKED);
    expect(f.learn(bHi, bLo, 1, 5, 1)).toBe(FdbLearn.LOCKED);
    expect(f.lookup(aHi, aLo, 1)).toBe(2);
    expect(f.lookup(bHi, bLo, 1)).toBe(0);
    expect(f.flags[f.find(aHi, aLo, 1)]).toBe(FdbFlag.STATIC);
    expect(f.flags[f.find(bHi, bLo, 1)]).toBe(FdbFlag.LOCAL);
    expect(f.learned).toBe(0);
    expect(f.ageAll(1e9, 300)).toBe(0);
    expect(f.age(1e9, 300, 1000)).toBe(0);
    expect(f.lookupFresh(aHi, aLo, 1, 1e9, 300)).toBe(2);
    expect(f.size).toBe(2);
  });

  test('addStatic over a learned entry converts it (and frees a learned place)', () => {
    const f = new Fdb({ maxEntries: 8, maxLearned: 1 });
    expect(f.learn(aHi, aLo, 0, 1, 0)).toBe(FdbLearn.NEW);
    expect(f.learn(bHi, bLo, 0, 1, 0)).toBe(FdbLearn.FULL);
    f.addStatic(aHi, aLo, 0, 6);
    expect(f.learned).toBe(0);
    expect(f.lookup(aHi, aLo, 0)).toBe(6);
    expect(f.learn(bHi, bLo, 0, 1, 0)).toBe(FdbLearn.NEW);
  });

  test('one MAC on two VLANs is two entries', () => {
    const f = new Fdb({ maxEntries: 64 });
    f.learn(aHi, aLo, 10, 1, 0);
    f.learn(aHi, aLo, 20, 2, 0);
    expect(f.lookup(aHi, aLo, 10)).toBe(1);
    expect(f.lookup(aHi, aLo, 20)).toBe(2);
    expect(f.lookup(aHi, aLo, 0)).toBe(-1);
    expect(f.lookup(aHi, aLo, 4095)).toBe(-1);
    expect(f.size).toBe(2);
    expect(f.remove(aHi, aLo, 10)).toBe(true);
    expect(f.lookup(aHi, aLo, 10)).toBe(-1);
    expect(f.lookup(aHi, aLo, 20)).toBe(2);
    expect(f.remove(aHi, aLo, 10)).toBe(false);
  });

  test('ageing boundary: seen at t, expired at exactly t + ageing-time (>=)', () => {
    for (const mode of ['all', 'incremental'] as const) {
      const f = new Fdb({ maxEntries: 64 });
      f.learn(aHi, aLo, 0, 1, 100);
      f.learn(bHi, bLo, 0, 2, 150);
      const age = (now: number): number => (mode === 'all' ? f.ageAll(now, 300) : f.age(now, 300, 1000));
      expect(f.lookupFresh(aHi, aLo, 0, 399.999, 300)).toBe(1);
      expect(age(399.999)).toBe(0);
      expect(f.lookup(aHi, aLo, 0)).toBe(1);
      expect(f.lookupFresh(aHi, aLo, 0, 400, 300)).toBe(-1);
      expect(f.lookup(aHi, aLo, 0)).toBe(1); // lookup is pure: still there until a sweep
      expect(age(400)).toBe(1);
      expect(f.lookup(aHi, aLo, 0)).toBe(-1);
      expect(f.lookup(bHi, bLo, 0)).toBe(2);
      expect(age(449.9)).toBe(0);
      expect(age(450)).toBe(1);
      expect(f.size).toBe(0);
    }
  });

  test('a refresh keeps an entry alive; ageing-time shorter than the gap removes it', () => {
    const f = new Fdb({ maxEntries: 64 });
    f.learn(aHi, aLo, 0, 1, 0);
    f.learn(aHi, aLo, 0, 1, 250);
    expect(f.ageAll(300, 300)).toBe(0);
    expect(f.ageAll(549, 300)).toBe(0);
    expect(f.ageAll(300, 10)).toBe(1); // ageing-time changed by config: applies at once
  });

  test('incremental ageing visits the whole table over enough calls, budget slots per call', () => {
    const f = new Fdb({ maxEntries: 1024 }); // 2048 slots
    for (let i = 0; i < 1000; i++) f.learn(1, i * 7919, 1, i & 3, i < 500 ? 0 : 100);
    let removed = 0;
    let calls = 0;
    while (removed < 500 && calls < 100) {
      removed += f.age(300, 300, 64);
      calls++;
    }
    expect(removed).toBe(500);
    expect(calls).toBeGreaterThanOrEqual(2048 / 64);
    expect(calls).toBeLessThanOrEqual((2048 + 500) / 64 + 1); // a removal uses budget too
    expect(f.size).toBe(500);
    // after a full cycle the bound is exact again: nothing else can expire before 400
    for (let k = 0; k < 40; k++) f.age(300, 300, 64);
    expect(f.oldestSeen).toBe(100);
    expect(f.age(399, 300, 64)).toBe(0);
    for (let i = 500; i < 1000; i++) expect(f.lookup(1, i * 7919, 1)).toBe(i & 3);
  });

  test('a removal that shifts an unvisited entry behind the sweep cursor does not let it escape ageing', () => {
    // 8 slots: find keys A and B with the same home slot h, and C with a home slot after h + 1
    const home = (lo: number): number => {
      const t = new Fdb({ maxEntries: 4 });
      t.learn(0, lo, 0, 0, 0);
      return t.find(0, lo, 0);
    };
    const homes = Array.from({ length: 200 }, (_, lo) => home(lo));
    let a = -1;
    let b = -1;
    let c = -1;
    for (let i = 0; i < 200 && c < 0; i++) {
      for (let j = i + 1; j < 200 && c < 0; j++) {
        if (homes[i] !== homes[j] || homes[i]! > 4) continue;
        const k = homes.findIndex((h) => h > homes[i]! + 1);
        if (k >= 0) [a, b, c] = [i, j, k];
      }
    }
    expect(c).toBeGreaterThanOrEqual(0);
    const h = homes[a]!;
    const f = new Fdb({ maxEntries: 4 });
    f.learn(0, a, 0, 1, 50); // slot h
    f.learn(0, b, 0, 1, 5); // slot h + 1
    f.learn(0, c, 0, 1, 0); // its home, after h + 1
    expect([f.find(0, a, 0), f.find(0, b, 0)]).toEqual([h, h + 1]);
    // an entry learned and removed again leaves the bound at -100, so sweeps run; one full clean cycle first
    f.learn(0, 1000, 0, 1, -100);
    f.remove(0, 1000, 0);
    expect(f.age(9, 10, 8)).toBe(0);
    expect(f.age(9, 10, h + 1)).toBe(0); // a new cycle: slots 0..h visited (A), cursor at h + 1 (B not)
    expect(f.remove(0, a, 0)).toBe(true); // B shifts back into slot h, behind the cursor
    expect(f.find(0, b, 0)).toBe(h);
    expect(f.age(12, 10, 8 - h - 1)).toBe(1); // C expires; the cycle completes without having seen B
    expect(f.oldestSeen).toBeLessThanOrEqual(5);
    expect(f.age(15, 10, 100)).toBe(1); // B, seen at 5, expires at 15
    expect(f.size).toBe(0);
  });

  test('full table: learning stops (no eviction), refresh and move still work, static refused only when physically full', () => {
    const f = new Fdb({ maxEntries: 4 });
    for (let i = 0; i < 4; i++) expect(f.learn(0, i, 0, i, i)).toBe(FdbLearn.NEW);
    expect(f.learn(0, 99, 0, 0, 10)).toBe(FdbLearn.FULL);
    expect(f.lookup(0, 99, 0)).toBe(-1);
    for (let i = 0; i < 4; i++) expect(f.lookup(0, i, 0)).toBe(i);
    expect(f.learn(0, 2, 0, 2, 11)).toBe(FdbLearn.REFRESHED);
    expect(f.learn(0, 3, 0, 0, 11)).toBe(FdbLearn.MOVED);
    expect(f.addStatic(0, 100, 0, 1)).toBe(-1);
    expect(f.addStatic(0, 1, 0, 1)).toBeGreaterThanOrEqual(0); // overwriting needs no room
    // the documented pattern: on FULL, collect expired entries and learn again
    expect(f.learn(0, 99, 0, 0, 300)).toBe(FdbLearn.FULL);
    expect(f.ageAll(300, 300)).toBe(1); // entry 0 (seen at 0); the others were seen later or are static
    expect(f.learn(0, 99, 0, 0, 300)).toBe(FdbLearn.NEW);
  });

  test('maxLearned limits dynamic entries only (Linux fdb_max_learned)', () => {
    const f = new Fdb({ maxEntries: 16, maxLearned: 2 });
    expect(f.addStatic(0, 50, 0, 0)).toBeGreaterThanOrEqual(0);
    expect(f.learn(0, 1, 0, 1, 0)).toBe(FdbLearn.NEW);
    expect(f.learn(0, 2, 0, 1, 0)).toBe(FdbLearn.NEW);
    expect(f.learn(0, 3, 0, 1, 0)).toBe(FdbLearn.FULL);
    expect(f.addStatic(0, 51, 0, 0, true)).toBeGreaterThanOrEqual(0);
    expect(f.remove(0, 1, 0)).toBe(true);
    expect(f.learn(0, 3, 0, 1, 0)).toBe(FdbLearn.NEW);
    f.maxLearned = 0;
    expect(f.learn(0, 4, 0, 1, 0)).toBe(FdbLearn.NEW);
  });

  test('flushPort removes the dynamic entries of a port, or all of them', () => {
    const f = new Fdb({ maxEntries: 64 });
    for (let i = 0; i < 20; i++) f.learn(2, i, 0, i % 3, 0);
    f.addStatic(3, 1, 0, 1);
    f.addStatic(3, 2, 0, 2);
    expect(f.flushPort(1)).toBe(7);
    expect(f.lookup(3, 1, 0)).toBe(1);
    for (let i = 0; i < 20; i++) expect(f.lookup(2, i, 0)).toBe(i % 3 === 1 ? -1 : i % 3);
    expect(f.flushPort(1, true)).toBe(1);
    expect(f.lookup(3, 1, 0)).toBe(-1);
    expect(f.size).toBe(14);
    expect(f.flush()).toBe(13);
    expect(f.lookup(3, 2, 0)).toBe(2);
    expect(f.flush(true)).toBe(1);
    expect(f.size).toBe(0);
    expect(f.learned).toBe(0);
  });

  test('heavy churn on a full table keeps every key findable (vs Map)', () => {
    const f = new Fdb({ maxEntries: 512, seed: 7 }); // 1024 slots at 50% load: long clusters
    const ref = new Map<number, number>();
    let x = 12345;
    const rnd = (): number => (x = (Math.imul(x, 1103515245) + 12345) >>> 0);
    let bad = 0;
    for (let step = 0; step < 60000; step++) {
      const k = rnd() % 600;
      if (rnd() % 2 === 0) {
        const r = f.learn(k >> 8, Math.imul(k, 0x9e3779b1), k & 7, step & 15, step);
        if (r === FdbLearn.FULL) {
          if (ref.size !== 512 || ref.has(k)) bad++;
        } else ref.set(k, step & 15);
      } else if (f.remove(k >> 8, Math.imul(k, 0x9e3779b1), k & 7) !== ref.delete(k)) bad++;
      if (step % 1000 === 0) {
        for (let q = 0; q < 600; q++) if (f.lookup(q >> 8, Math.imul(q, 0x9e3779b1), q & 7) !== (ref.get(q) ?? -1)) bad++;
      }
    }
    expect(bad).toBe(0);
    expect(f.size).toBe(ref.size);
  });

  test('bad options are refused', () => {
    expect(() => new Fdb({ maxEntries: 0 })).toThrow(RangeError);
    expect(() => new Fdb({ maxLearned: -1 })).toThrow(RangeError);
  });
});

// ---- property test against a Map ------------------------------------------------------------------------

interface RefEntry {
  port: number;
  flags: number;
  seen: number;
}
const AGEING = 10;
const HIS = [0, 0x0200, 0xffff];
const LOS = [0, 1, 5, 0x7fffffff, 0x80000000, 0xffffffff];
const VIDS = [0, 1, 4095];
const KEYS = HIS.length * LOS.length * VIDS.length;
const keyOf = (k: number): [number, number, number] => [HIS[k % 3]!, LOS[Math.floor(k / 3) % 6]!, VIDS[Math.floor(k / 18)]!];

type Op =
  | { op: 'learn'; k: number; port: number; dt: number }
  | { op: 'static'; k: number; port: number; local: boolean }
  | { op: 'remove'; k: number }
  | { op: 'age'; dt: number; budget: number }
  | { op: 'ageAll'; dt: number }
  | { op: 'flushPort'; port: number; all: boolean };

const key = fc.integer({ min: 0, max: KEYS - 1 });
const port = fc.integer({ min: 0, max: 3 });
const dt = fc.oneof(fc.constant(0), fc.constant(AGEING), fc.integer({ min: 0, max: 4 }), fc.double({ min: 0, max: 3, noNaN: true }));
const opArb: fc.Arbitrary<Op> = fc.oneof(
  { weight: 8, arbitrary: fc.record({ op: fc.constant('learn' as const), k: key, port, dt }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant('static' as const), k: key, port, local: fc.boolean() }) },
  { weight: 3, arbitrary: fc.record({ op: fc.constant('remove' as const), k: key }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant('age' as const), dt, budget: fc.integer({ min: 1, max: 20 }) }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('ageAll' as const), dt }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('flushPort' as const), port, all: fc.boolean() }) },
);

test('property: random learn/static/remove/age/flush sequences agree with a Map (1000 sequences)', () => {
  fc.assert(
    fc.property(
      fc.integer({ min: 1, max: 14 }),
      fc.integer({ min: 0, max: 6 }),
      fc.integer(),
      fc.array(opArb, { minLength: 1, maxLength: 80 }),
      (maxEntries, maxLearned, seed, ops) => {
        const f = new Fdb({ maxEntries, maxLearned, seed });
        const ref = new Map<number, RefEntry>();
        let now = 1000;
        const dyn = (): number => [...ref.values()].filter((e) => e.flags === FdbFlag.DYNAMIC).length;
        const expired = (e: RefEntry): boolean => e.flags === FdbFlag.DYNAMIC && e.seen + AGEING <= now;
        for (const o of ops) {
          switch (o.op) {
            case 'learn': {
              now += o.dt;
              const [hi, lo, vid] = keyOf(o.k);
              const e = ref.get(o.k);
              let want: number;
              if (e) {
                if (e.flags !== FdbFlag.DYNAMIC) want = FdbLearn.LOCKED;
                else {
                  want = e.port === o.port ? FdbLearn.REFRESHED : FdbLearn.MOVED;
                  e.port = o.port;
                  e.seen = Math.max(e.seen, now);
                }
              } else if (ref.size >= maxEntries || (maxLearned > 0 && dyn() >= maxLearned)) {
                want = FdbLearn.FULL;
              } else {
                want = FdbLearn.NEW;
                ref.set(o.k, { port: o.port, flags: FdbFlag.DYNAMIC, seen: now });
              }
              expect(f.learn(hi, lo, vid, o.port, now)).toBe(want);
              break;
            }
            case 'static': {
              const [hi, lo, vid] = keyOf(o.k);
              const full = !ref.has(o.k) && ref.size >= maxEntries;
              const got = f.addStatic(hi, lo, vid, o.port, o.local, now);
              if (full) expect(got).toBe(-1);
              else {
                expect(got).toBeGreaterThanOrEqual(0);
                ref.set(o.k, { port: o.port, flags: o.local ? FdbFlag.LOCAL : FdbFlag.STATIC, seen: now });
              }
              break;
            }
            case 'remove': {
              const [hi, lo, vid] = keyOf(o.k);
              expect(f.remove(hi, lo, vid)).toBe(ref.delete(o.k));
              break;
            }
            case 'ageAll': {
              now += o.dt;
              let n = 0;
              for (const [k, e] of ref) if (expired(e)) (ref.delete(k), n++);
              expect(f.ageAll(now, AGEING)).toBe(n);
              break;
            }
            case 'age': {
              now += o.dt;
              const got = f.age(now, AGEING, o.budget);
              // the sweep removes some of the expired entries, never a live one
              let n = 0;
              for (const [k, e] of ref) {
                const [hi, lo, vid] = keyOf(k);
                if (f.find(hi, lo, vid) < 0) {
                  expect(expired(e)).toBe(true);
                  ref.delete(k);
                  n++;
                }
              }
              expect(got).toBe(n);
              break;
            }
            case 'flushPort': {
              let n = 0;
              for (const [k, e] of ref) if (e.port === o.port && (o.all || e.flags === FdbFlag.DYNAMIC)) (ref.delete(k), n++);
              expect(f.flushPort(o.port, o.all)).toBe(n);
              break;
            }
          }
          // the whole key space, after every operation (plain compares: expect() per key is too slow here)
          const bad: string[] = [];
          if (f.size !== ref.size) bad.push(`size ${f.size} != ${ref.size}`);
          if (f.learned !== dyn()) bad.push(`learned ${f.learned} != ${dyn()}`);
          for (let k = 0; k < KEYS; k++) {
            const [hi, lo, vid] = keyOf(k);
            const e = ref.get(k);
            const p = f.lookup(hi, lo, vid);
            if (p !== (e ? e.port : -1)) bad.push(`lookup key ${k}: ${p}`);
            const q = f.lookupFresh(hi, lo, vid, now, AGEING);
            if (q !== (e && !expired(e) ? e.port : -1)) bad.push(`lookupFresh key ${k}: ${q}`);
            if (e && e.flags === FdbFlag.DYNAMIC && f.oldestSeen > e.seen) bad.push(`oldestSeen ${f.oldestSeen} > ${e.seen}`);
          }
          expect(bad).toEqual([]);
        }
        const got = entries(f)
          .map((e) => `${e.hi}:${e.lo}:${e.vid}=${e.port}/${e.flags}@${e.lastSeen}`)
          .sort();
        const want = [...ref]
          .map(([k, e]) => {
            const [hi, lo, vid] = keyOf(k);
            return `${hi}:${lo}:${vid}=${e.port}/${e.flags}@${e.seen}`;
          })
          .sort();
        expect(got).toEqual(want);
      },
    ),
    { numRuns: 1000 },
  );
});
