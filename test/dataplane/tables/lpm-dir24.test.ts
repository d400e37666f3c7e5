/**
 * Dir24Fib against a naive longest-prefix match (a linear scan over the route list), on random tables built
 * by random sequences of inserts and removals over nested/overlapping prefixes, plus the edges: /0, /32,
 * 0.0.0.0 and 255.255.255.255, signed inputs, tbl8 recycling and exhaustion, bulk build.
 *
 * The DIR-24 table is real (64 MB tbl24), so the file reuses a few instances instead of making one per case.
 */
import fc from 'fast-check';
import { Dir24Fib, DIR24_MAX_NEXT_HOP } from '../../../dataplane/tables/lpm-dir24';
import { internetPrefixes, addressesInPrefixes, randomAddresses, Prng } from '../../../bench/gen/internet-prefixes';

const ip = (s: string): number => s.split('.').reduce((a, o) => a * 256 + Number(o), 0);
const maskOf = (len: number): number => (len === 0 ? 0 : (0xffffffff << (32 - len)) >>> 0);
const netOf = (addr: number, len: number): number => (addr & maskOf(len)) >>> 0;
const lastOf = (net: number, len: number): number => (net | ~maskOf(len)) >>> 0;

/** The reference: routes in a Map, lookup by scanning all of them. */
class NaiveLpm {
  readonly routes = new Map<string, { net: number; len: number; hop: number }>();
  insert(addr: number, len: number, hop: number): void {
    const net = netOf(addr, len);
    this.routes.set(`${net}/${len}`, { net, len, hop });
  }
  remove(addr: number, len: number): boolean {
    return this.routes.delete(`${netOf(addr, len)}/${len}`);
  }
  /** [hop, len] of the longest match, [0, -1] when none. */
  match(addr: number): [number, number] {
    let best = -1;
    let hop = 0;
    for (const r of this.routes.values()) {
      if (r.len > best && netOf(addr, r.len) === r.net) {
        best = r.len;
        hop = r.hop;
      }
    }
    return [hop, best];
  }
}

/** The reference for big tables: one Map per length, probed from /32 down. */
class PerLengthLpm {
  private readonly maps: Map<number, number>[] = Array.from({ length: 33 }, () => new Map());
  insert(addr: number, len: number, hop: number): void {
    this.maps[len]!.set(netOf(addr, len), hop);
  }
  remove(addr: number, len: number): boolean {
    return this.maps[len]!.delete(netOf(addr, len));
  }
  lookup(addr: number): number {
    for (let l = 32; l >= 0; l--) {
      const h = this.maps[l]!.get(netOf(addr, l));
      if (h !== undefined) return h;
    }
    return 0;
  }
}

/** Addresses that probe every route's edges (first, last, one outside each end, one inside) plus the ends of the space. */
function probeAddresses(prefixes: ReadonlyArray<{ net: number; len: number }>, extra: readonly number[]): number[] {
  const out = [0, 0xffffffff, 1, 0xfffffffe, 0x80000000, 0x7fffffff, ...extra];
  for (const { net, len } of prefixes) {
    const last = lastOf(net, len);
    out.push(net, last, (net - 1) >>> 0, (last + 1) >>> 0, (net + ((last - net) >>> 1)) >>> 0);
  }
  return out;
}

function checkAgainst(fib: Dir24Fib, ref: NaiveLpm, addrs: readonly number[]): void {
  const a = Uint32Array.from(addrs);
  const out = new Uint32Array(a.length);
  fib.lookupVector(a, out, a.length);
  for (let i = 0; i < a.length; i++) {
    const [hop, len] = ref.match(a[i]!);
    const got = fib.lookup(a[i]!);
    if (got !== hop || out[i] !== hop || fib.matchLength(a[i]!) !== len) {
      throw new Error(`addr ${a[i]} (0x${a[i]!.toString(16)}): lookup ${got}, vector ${out[i]}, matchLength ${fib.matchLength(a[i]!)}; expected ${hop} (/${len})`);
    }
  }
  expect(fib.size).toBe(ref.routes.size);
}

/** Empty the table through `remove` (in the given order) and check it is really empty: no routes, no groups. */
function drain(fib: Dir24Fib, ref: NaiveLpm, probe: readonly number[], seed: number): void {
  const left = [...ref.routes.values()];
  const rng = new Prng(seed);
  for (let i = left.length - 1; i > 0; i--) {
    const j = rng.below(i + 1);
    [left[i], left[j]] = [left[j]!, left[i]!];
  }
  for (const r of left) {
    expect(fib.remove(r.net, r.len)).toBe(true);
    ref.remove(r.net, r.len);
  }
  expect(fib.size).toBe(0);
  expect(fib.tbl8GroupsInUse).toBe(0);
  for (const a of probe) if (fib.lookup(a) !== 0 || fib.matchLength(a) !== -1) throw new Error(`stale entry at ${a} after removing everything`);
}

// ---- arbitraries: prefixes clustered around a few anchors, so nesting and overlap are the rule ----

const lenArb = (short: boolean) =>
  short
    ? fc.oneof({ arbitrary: fc.integer({ min: 0, max: 7 }), weight: 1 }, { arbitrary: fc.integer({ min: 8, max: 32 }), weight: 3 })
    : fc.oneof(
        { arbitrary: fc.integer({ min: 8, max: 16 }), weight: 2 },
        { arbitrary: fc.integer({ min: 17, max: 24 }), weight: 5 },
        { arbitrary: fc.integer({ min: 25, max: 32 }), weight: 5 },
      );

type Op = { remove: boolean; anchor: number; flip: number; len: number; hop: number };

function opsArb(short: boolean, maxOps: number) {
  const op = fc.record({
    remove: fc.boolean(),
    anchor: fc.nat(3),
    flip: fc.integer({ min: 0, max: 31 }), // flips one bit of the anchor: siblings and near-misses
    len: lenArb(short),
    hop: fc.oneof(fc.integer({ min: 1, max: 8 }), fc.constant(DIR24_MAX_NEXT_HOP)),
  });
  return fc.record({
    anchors: fc.array(fc.oneof(fc.nat({ max: 0xffffffff }), fc.constantFrom(0, 0xffffffff, 0x80000000, 0x0a000000)), { minLength: 4, maxLength: 4 }),
    ops: fc.array(op, { minLength: 1, maxLength: maxOps }),
    extra: fc.array(fc.nat({ max: 0xffffffff }), { maxLength: 32 }),
  });
}

function opPrefix(anchors: number[], o: Op): number {
  const a = anchors[o.anchor]!;
  return o.flip < 8 ? (a ^ (1 << (31 - o.flip * 4))) >>> 0 : a;
}

/** Run inserts and removals on both, checking after every removal and at the end; then drain. */
function runOps(fib: Dir24Fib, c: { anchors: number[]; ops: Op[]; extra: number[] }): void {
  fib.clear();
  const ref = new NaiveLpm();
  const seen: { net: number; len: number }[] = [];
  for (const o of c.ops) {
    const p = opPrefix(c.anchors, o);
    seen.push({ net: netOf(p, o.len), len: o.len });
    if (o.remove) {
      // remove an existing route half the time (the interesting case), else whatever the op names
      const existing = [...ref.routes.values()];
      const target = existing.length && o.hop & 1 ? existing[o.hop % existing.length]! : { net: p, len: o.len };
      expect(fib.remove(target.net, target.len)).toBe(ref.remove(target.net, target.len));
    } else {
      fib.insert(p, o.len, o.hop);
      ref.insert(p, o.len, o.hop);
    }
  }
  const probe = probeAddresses(seen, [...c.anchors, ...c.extra]);
  checkAgainst(fib, ref, probe);
  for (const r of ref.routes.values()) expect(fib.get(r.net, r.len)).toBe(r.hop);
  drain(fib, ref, probe, c.ops.length);
}

describe('Dir24Fib', () => {
  const fib = new Dir24Fib();
  afterEach(() => fib.clear());

  test('empty table: no route anywhere, including 0.0.0.0 and 255.255.255.255', () => {
    expect(fib.size).toBe(0);
    for (const a of [0, 1, 0x7fffffff, 0x80000000, 0xffffffff, -1]) {
      expect(fib.lookup(a)).toBe(0);
      expect(fib.matchLength(a)).toBe(-1);
    }
  });

  test('default route, /32s at both ends of the space, signed and unsigned addresses', () => {
    fib.insert(0, 0, 1);
    fib.insert(0, 32, 7);
    fib.insert(0xffffffff, 32, 9);
    expect(fib.lookup(0)).toBe(7);
    expect(fib.lookup(1)).toBe(1);
    expect(fib.lookup(0xffffffff)).toBe(9);
    expect(fib.lookup(-1)).toBe(9); // the same 32 bits
    expect(fib.lookup(0xfffffffe)).toBe(1);
    expect(fib.matchLength(0xffffffff)).toBe(32);
    expect(fib.matchLength(0x12345678)).toBe(0);
    const out = new Uint32Array(4);
    fib.lookupVector(Uint32Array.of(0, 1, 0xfffffffe, 0xffffffff), out, 4);
    expect([...out]).toEqual([7, 1, 1, 9]);
    // a signed prefix is the same prefix
    fib.insert(-256, 24, 4); // 255.255.255.0/24
    expect(fib.get(0xffffff00, 24)).toBe(4);
    expect(fib.lookup(0xffffff80)).toBe(4);
    expect(fib.remove(0xffffffff, 32)).toBe(true);
    expect(fib.lookup(0xffffffff)).toBe(4);
    expect(fib.remove(0xffffff00, 24)).toBe(true);
    expect(fib.lookup(0xffffffff)).toBe(1);
    expect(fib.remove(0, 0)).toBe(true);
    expect(fib.lookup(0xffffffff)).toBe(0);
    expect(fib.lookup(0)).toBe(7);
    expect(fib.size).toBe(1);
    expect(fib.tbl8GroupsInUse).toBe(1);
    expect(fib.remove(0, 32)).toBe(true);
    expect(fib.tbl8GroupsInUse).toBe(0);
    expect(fib.lookup(0)).toBe(0);
  });

  test('host bits are ignored; insert on an existing prefix changes its next hop', () => {
    fib.insert(ip('10.1.2.3'), 8, 5);
    expect(fib.get(ip('10.0.0.0'), 8)).toBe(5);
    expect(fib.get(ip('10.9.9.9'), 8)).toBe(5);
    expect(fib.size).toBe(1);
    fib.insert(ip('10.0.0.0'), 8, 6);
    expect(fib.size).toBe(1);
    expect(fib.lookup(ip('10.200.1.1'))).toBe(6);
    fib.insert(ip('10.1.1.77'), 30, 8);
    fib.insert(ip('10.1.1.76'), 30, 9);
    expect(fib.size).toBe(2);
    expect(fib.lookup(ip('10.1.1.79'))).toBe(9);
    expect(fib.lookup(ip('10.1.1.80'))).toBe(6);
    expect(fib.remove(ip('10.1.1.78'), 30)).toBe(true);
    expect(fib.remove(ip('10.1.1.78'), 30)).toBe(false);
    expect(fib.lookup(ip('10.1.1.79'))).toBe(6);
    const seen: string[] = [];
    fib.forEachRoute((p, l, h) => seen.push(`${p}/${l}>${h}`));
    expect(seen).toEqual([`${ip('10.0.0.0')}/8>6`]);
  });

  test('removing a prefix restores the next-shorter covering one, at every level of a nest', () => {
    const nest: [string, number, number][] = [
      ['0.0.0.0', 0, 1], ['10.0.0.0', 8, 2], ['10.1.0.0', 16, 3], ['10.1.2.0', 23, 4],
      ['10.1.2.0', 24, 5], ['10.1.2.128', 25, 6], ['10.1.2.192', 27, 7], ['10.1.2.200', 32, 8],
    ];
    const addr = ip('10.1.2.200');
    // insert longest first (the order in which shorter ones must not overwrite)
    for (const [p, l, h] of [...nest].reverse()) fib.insert(ip(p), l, h);
    expect(fib.lookup(addr)).toBe(8);
    // remove from the longest: each removal falls back exactly one level
    for (let k = nest.length - 1; k > 0; k--) {
      fib.remove(ip(nest[k]![0]), nest[k]![1]);
      expect(fib.lookup(addr)).toBe(nest[k - 1]![2]);
      expect(fib.matchLength(addr)).toBe(nest[k - 1]![1]);
    }
    expect(fib.tbl8GroupsInUse).toBe(0);
    // and removing a middle level leaves the longer ones alone
    for (const [p, l, h] of nest) fib.insert(ip(p), l, h);
    fib.remove(ip('10.1.0.0'), 16);
    expect(fib.lookup(addr)).toBe(8);
    expect(fib.lookup(ip('10.1.3.1'))).toBe(4);
    expect(fib.lookup(ip('10.1.4.1'))).toBe(2);
    expect(fib.lookup(ip('10.1.2.1'))).toBe(5);
    fib.remove(ip('10.1.2.0'), 24);
    expect(fib.lookup(ip('10.1.2.1'))).toBe(4);
    expect(fib.lookup(ip('10.1.2.129'))).toBe(6);
  });

  test('tbl8 groups are recycled: inserting and removing the same long prefixes does not grow memory', () => {
    fib.insert(ip('192.0.2.0'), 24, 1);
    const bases = Array.from({ length: 300 }, (_, i) => ip('100.0.0.0') + i * 256);
    const round = () => {
      for (const b of bases) {
        fib.insert(b + 64, 26, 2);
        fib.insert(b + 65, 32, 3);
      }
      fib.insert(ip('192.0.2.7'), 32, 4);
      expect(fib.tbl8GroupsInUse).toBe(301);
      expect(fib.lookup(ip('192.0.2.7'))).toBe(4);
      expect(fib.lookup(bases[299]! + 65)).toBe(3);
      for (const b of bases) {
        fib.remove(b + 65, 32);
        fib.remove(b + 64, 26);
      }
      fib.remove(ip('192.0.2.7'), 32);
      expect(fib.tbl8GroupsInUse).toBe(0);
      expect(fib.lookup(ip('192.0.2.7'))).toBe(1);
      expect(fib.lookup(bases[0]! + 65)).toBe(0);
    };
    round(); // grows tbl8 past its initial 256 groups
    const mem = fib.memoryBytes();
    for (let r = 0; r < 20; r++) round();
    expect(fib.memoryBytes()).toBe(mem);
    expect(fib.size).toBe(1);
    fib.clear();
    expect(fib.memoryBytes()).toBeLessThan(mem); // clear gives the grown tbl8 back
  });

  test('clear empties the table whatever it held (small and large tables)', () => {
    fib.insert(0, 0, 1);
    fib.insert(ip('10.0.0.0'), 8, 2);
    fib.insert(ip('10.0.0.1'), 32, 3);
    fib.clear();
    for (const a of [0, ip('10.0.0.1'), ip('10.5.5.5'), 0xffffffff]) expect(fib.lookup(a)).toBe(0);
    expect(fib.tbl8GroupsInUse).toBe(0);
    fib.insert(ip('10.0.0.0'), 8, 2);
    fib.insert(ip('10.0.0.1'), 32, 3);
    fib.insert(ip('172.16.5.0'), 24, 4);
    fib.clear();
    for (const a of [ip('10.0.0.1'), ip('10.5.5.5'), ip('172.16.5.9')]) expect(fib.lookup(a)).toBe(0);
    expect(fib.size).toBe(0);
  });

  test('arguments out of range are RangeErrors and change nothing', () => {
    for (const len of [-1, 33, 1.5, NaN]) expect(() => fib.insert(0, len, 1)).toThrow(RangeError);
    for (const hop of [0, -1, DIR24_MAX_NEXT_HOP + 1, 2.5, NaN]) expect(() => fib.insert(0, 8, hop)).toThrow(RangeError);
    expect(() => fib.remove(0, 40)).toThrow(RangeError);
    expect(() => new Dir24Fib({ maxTbl8Groups: 0 })).toThrow(RangeError);
    expect(() => new Dir24Fib({ maxTbl8Groups: 2 ** 23 + 1 })).toThrow(RangeError);
    expect(() => fib.build([0], [8], [0])).toThrow(RangeError);
    expect(() => fib.build([0], [8], [1], 2)).toThrow(RangeError);
    expect(fib.size).toBe(0);
    fib.insert(ip('10.0.0.0'), 8, DIR24_MAX_NEXT_HOP);
    expect(fib.lookup(ip('10.1.1.1'))).toBe(DIR24_MAX_NEXT_HOP);
  });

  test('property: random inserts/removals over nested prefixes match a naive LPM (lengths 8..32)', () => {
    fc.assert(fc.property(opsArb(false, 24), (c) => runOps(fib, c)), { numRuns: 3000, seed: 0x5eed1 });
  });

  test('property: with short prefixes and the default route (lengths 0..32)', () => {
    fc.assert(fc.property(opsArb(true, 6), (c) => runOps(fib, c)), { numRuns: 150, seed: 0x5eed2 });
  });

  test('property: build() equals inserting in any order, and both equal the naive LPM', () => {
    const route = fc.record({ anchor: fc.nat(3), flip: fc.integer({ min: 0, max: 31 }), len: lenArb(false), hop: fc.integer({ min: 1, max: 1000 }) });
    const arb = fc.record({
      anchors: fc.array(fc.nat({ max: 0xffffffff }), { minLength: 4, maxLength: 4 }),
      routes: fc.array(route, { minLength: 0, maxLength: 40 }),
      seed: fc.nat(),
    });
    fc.assert(
      fc.property(arb, ({ anchors, routes, seed }) => {
        const ref = new NaiveLpm();
        const nets = routes.map((r) => opPrefix(anchors, { ...r, remove: false }));
        routes.forEach((r, i) => ref.insert(nets[i]!, r.len, r.hop));
        const probe = probeAddresses(nets.map((n, i) => ({ net: netOf(n, routes[i]!.len), len: routes[i]!.len })), anchors);
        fib.build(Uint32Array.from(nets), Uint8Array.from(routes.map((r) => r.len)), Uint32Array.from(routes.map((r) => r.hop)));
        checkAgainst(fib, ref, probe);
        // the same final routes, inserted one by one in a shuffled order
        const finals = [...ref.routes.values()];
        const rng = new Prng(seed);
        for (let i = finals.length - 1; i > 0; i--) {
          const j = rng.below(i + 1);
          [finals[i], finals[j]] = [finals[j]!, finals[i]!];
        }
        fib.clear();
        for (const r of finals) fib.insert(r.net, r.len, r.hop);
        checkAgainst(fib, ref, probe);
        drain(fib, ref, probe, seed);
      }),
      { numRuns: 500, seed: 0x5eed3 },
    );
  });

  test('route bookkeeping survives heavy churn (hash growth, deletions across the wrap of probe runs)', () => {
    const rng = new Prng(11);
    const universe = Array.from({ length: 900 }, () => {
      const len = 16 + rng.below(17);
      return { net: netOf(rng.u32(), len), len };
    });
    const ref = new Map<string, number>();
    for (let round = 0; round < 40; round++) {
      for (let k = 0; k < 500; k++) {
        const u = universe[rng.below(universe.length)]!;
        const key = `${u.net}/${u.len}`;
        if (rng.below(2) === 0) {
          const hop = 1 + rng.below(1000);
          fib.insert(u.net, u.len, hop);
          ref.set(key, hop);
        } else {
          expect(fib.remove(u.net, u.len)).toBe(ref.delete(key));
        }
      }
      expect(fib.size).toBe(ref.size);
      for (const u of universe) if (fib.get(u.net, u.len) !== (ref.get(`${u.net}/${u.len}`) ?? 0)) throw new Error(`round ${round}: ${u.net}/${u.len}`);
    }
    let visited = 0;
    fib.forEachRoute((p, l, h) => {
      visited++;
      expect(ref.get(`${p}/${l}`)).toBe(h);
    });
    expect(visited).toBe(ref.size);
  });

  test('an Internet-like table of 50k prefixes: build, insert in random order, remove half', () => {
    const n = 50_000;
    const { nets, lens } = internetPrefixes(n, 7);
    const hops = Uint32Array.from({ length: n }, (_, i) => i + 1);
    const ref = new PerLengthLpm();
    for (let i = 0; i < n; i++) ref.insert(nets[i]!, lens[i]!, hops[i]!);
    const addrs = [...addressesInPrefixes(nets, lens, 20_000, 8), ...randomAddresses(5_000, 9)];
    const check = () => {
      for (const a of addrs) if (fib.lookup(a) !== ref.lookup(a)) throw new Error(`addr ${a}: ${fib.lookup(a)} vs ${ref.lookup(a)}`);
    };
    fib.build(nets, lens, hops);
    expect(fib.size).toBe(n);
    check();
    fib.clear();
    for (let i = 0; i < n; i++) fib.insert(nets[i]!, lens[i]!, hops[i]!);
    check();
    for (let i = 0; i < n; i += 2) {
      expect(fib.remove(nets[i]!, lens[i]!)).toBe(true);
      ref.remove(nets[i]!, lens[i]!);
    }
    expect(fib.size).toBe(n / 2);
    check();
  });
});

describe('Dir24Fib tbl8 exhaustion', () => {
  const small = new Dir24Fib({ maxTbl8Groups: 4 });

  test('a long prefix needing a fifth group is a RangeError and leaves the table as it was', () => {
    small.insert(ip('10.0.0.0'), 8, 1);
    for (let i = 0; i < 4; i++) small.insert(ip('10.0.0.128') + i * 256, 25, 10 + i);
    expect(small.tbl8GroupsInUse).toBe(4);
    expect(() => small.insert(ip('10.0.9.64'), 26, 99)).toThrow(/tbl8 groups exhausted/);
    expect(() => small.insert(ip('10.0.9.64'), 26, 99)).toThrow(RangeError);
    expect(small.size).toBe(5);
    expect(small.get(ip('10.0.9.64'), 26)).toBe(0);
    expect(small.lookup(ip('10.0.9.65'))).toBe(1);
    // room inside an existing group is still fine, as are short prefixes
    small.insert(ip('10.0.1.200'), 30, 20);
    small.insert(ip('11.0.0.0'), 16, 21);
    expect(small.lookup(ip('10.0.1.201'))).toBe(20);
    // free a group, then the insert goes through
    small.remove(ip('10.0.3.128'), 25);
    expect(small.tbl8GroupsInUse).toBe(3);
    small.insert(ip('10.0.9.64'), 26, 99);
    expect(small.lookup(ip('10.0.9.65'))).toBe(99);
    expect(small.lookup(ip('10.0.3.129'))).toBe(1);
  });

  test('build() that runs out of groups throws and leaves the table empty', () => {
    const nets = Uint32Array.from({ length: 5 }, (_, i) => ip('20.0.0.0') + i * 256);
    expect(() => small.build(nets, new Uint8Array(5).fill(32), new Uint32Array(5).fill(3))).toThrow(RangeError);
    expect(small.size).toBe(0);
    expect(small.tbl8GroupsInUse).toBe(0);
    expect(small.lookup(ip('10.0.0.1'))).toBe(0);
    small.build(nets, new Uint8Array(5).fill(24), new Uint32Array(5).fill(3));
    expect(small.lookup(ip('20.0.4.4'))).toBe(3);
  });
});

describe('internetPrefixes', () => {
  test('deterministic, distinct, host bits clear, DFZ-like length shares', () => {
    const a = internetPrefixes(20_000, 42);
    const b = internetPrefixes(20_000, 42);
    expect(Buffer.from(a.nets.buffer).equals(Buffer.from(b.nets.buffer))).toBe(true);
    expect(Buffer.from(a.lens).equals(Buffer.from(b.lens))).toBe(true);
    expect(Buffer.from(internetPrefixes(20_000, 43).nets.buffer).equals(Buffer.from(a.nets.buffer))).toBe(false);
    const keys = new Set<string>();
    const hist = new Array<number>(33).fill(0);
    for (let i = 0; i < a.nets.length; i++) {
      const net = a.nets[i]!;
      const len = a.lens[i]!;
      expect(netOf(net, len)).toBe(net);
      keys.add(`${net}/${len}`);
      hist[len]!++;
    }
    expect(keys.size).toBe(20_000);
    expect(hist[24]! / 20_000).toBeGreaterThan(0.55);
    expect(hist[24]! / 20_000).toBeLessThan(0.67);
    expect((hist[22]! + hist[23]!) / 20_000).toBeGreaterThan(0.18);
    const long = hist.slice(25).reduce((x, y) => x + y, 0);
    expect(long).toBeGreaterThan(0);
    expect(long / 20_000).toBeLessThan(0.01);
    expect(hist.slice(0, 8).every((c) => c === 0)).toBe(true);
  });
});
