import { HtbScheduler } from '../../../dataplane/queue/htb';
import { PcqBy, QDrop, QKind, type QueueTypeSpec } from '../../../dataplane/queue/spec';
import { cls, drive, rateOf, type Trace } from './drive';

const M = 1_000_000;
const SLOTS = 8192;

function within(x: number, want: number, frac: number): void {
  expect(Math.abs(x - want) / want).toBeLessThanOrEqual(frac);
}

/** one root leaf of `max` bit/s with the given queue type */
function leaf(type: QueueTypeSpec, max = 10 * M, seed = 1): HtbScheduler {
  return new HtbScheduler([cls({ maxLimit: max })], [type], { slots: SLOTS, seed });
}

function maxDelay(tr: Trace, f: number, from: number): number {
  let m = 0;
  for (let i = 0; i < tr.flow.length; i++) if (tr.flow[i] === f && tr.code[i] === 0 && tr.arrival[i]! >= from) m = Math.max(m, tr.time[i]! - tr.arrival[i]!);
  return m;
}

function count(tr: Trace, code: number): number {
  return tr.code.filter((c) => c === code).length;
}

const pcq = (classifier: number, rate = 0): QueueTypeSpec => ({
  name: 'pcq',
  kind: QKind.PCQ,
  limit: 0,
  pcq: { classifier, rate, limit: 50 * 1024, totalLimit: 2000 * 1024, burstRate: 0, burstThreshold: 0, burstTime: 10, srcMask: 32, dstMask: 32 },
});

describe('pcq', () => {
  test('4 substreams share equally; a fifth joining gets its share', () => {
    const s = leaf(pcq(PcqBy.DST_ADDRESS));
    const flows = [0, 1, 2, 3, 4].map((i) => ({ cls: 0, rate: 5 * M, len: 1500, dst: 0x0a000001 + i, start: i === 4 ? 5 : 0 }));
    const tr = drive(s, flows, 10, SLOTS);
    for (let f = 0; f < 4; f++) within(rateOf(tr, f, 1, 5), 2.5 * M, 0.05);
    for (let f = 0; f < 5; f++) within(rateOf(tr, f, 6, 10), 2 * M, 0.05);
  });

  test('the classifier is exact: flows differing only in an unclassified field share one substream', () => {
    const s = leaf(pcq(PcqBy.DST_ADDRESS));
    // flows 0 and 1 go to one address (one substream), flow 2 to another
    const flows = [0, 0, 1].map((d, i) => ({ cls: 0, rate: 10 * M, len: 1500, dst: 0x0a000001 + d, sport: 1000 + i }));
    const tr = drive(s, flows, 5, SLOTS);
    within(rateOf(tr, 0, 1, 5) + rateOf(tr, 1, 1, 5), 5 * M, 0.05);
    within(rateOf(tr, 2, 1, 5), 5 * M, 0.05);
  });

  test('masks group addresses into one substream', () => {
    const t = pcq(PcqBy.SRC_ADDRESS);
    t.pcq!.srcMask = 24;
    const s = leaf(t);
    const flows = [0x0a000001, 0x0a000002, 0x0a000101].map((src) => ({ cls: 0, rate: 10 * M, len: 1500, src }));
    const tr = drive(s, flows, 5, SLOTS);
    within(rateOf(tr, 0, 1, 5) + rateOf(tr, 1, 1, 5), 5 * M, 0.05);
    within(rateOf(tr, 2, 1, 5), 5 * M, 0.05);
  });

  test('pcq-rate limits every substream on its own; pcq-limit refuses beyond it', () => {
    const s = leaf(pcq(PcqBy.DST_ADDRESS, 1 * M), 10 * M);
    const flows = [0, 1, 2].map((i) => ({ cls: 0, rate: 3 * M, len: 1000, dst: 0x0a000001 + i }));
    const tr = drive(s, flows, 6, SLOTS);
    for (let f = 0; f < 3; f++) within(rateOf(tr, f, 1, 6), 1 * M, 0.03);
    for (let f = 0; f < 3; f++) expect(tr.refused[f]).toBeGreaterThan(0);
    // at most pcq-limit (50 KiB) queued per substream: 51 packets of 1000 bytes
    expect(s.stats.queuedBytes[0]).toBeLessThanOrEqual(3 * 50 * 1024);
  });
});

describe('sfq and fq-codel keep a light flow fast next to a heavy one', () => {
  const heavyAndLight = (type: QueueTypeSpec): Trace =>
    drive(
      leaf(type),
      [
        { cls: 0, rate: 20 * M, len: 1500, src: 1, sport: 5000 },
        { cls: 0, rate: 64 * 8 * 20, len: 64, src: 2, sport: 6000, start: 0.0005 },
      ],
      5,
      SLOTS,
    );

  test('pfifo (control): the light flow waits behind the heavy flow', () => {
    const tr = heavyAndLight({ name: 'fifo', kind: QKind.PFIFO, limit: 128 });
    expect(maxDelay(tr, 1, 1)).toBeGreaterThan(0.1);
  });
  test('sfq', () => {
    const tr = heavyAndLight({ name: 'sfq', kind: QKind.SFQ, limit: 0, sfq: { perturb: 5, allot: 1514 } });
    expect(maxDelay(tr, 1, 1)).toBeLessThan(0.005);
    expect(count(tr, QDrop.NONE)).toBeGreaterThan(1000);
  });
  test('fq-codel', () => {
    const tr = heavyAndLight({ name: 'fq', kind: QKind.FQ_CODEL, limit: 10240, fqCodel: { flows: 1024, quantum: 1514, memlimit: 32 << 20, interval: 0.1, target: 0.005, ecn: true } });
    expect(maxDelay(tr, 1, 1)).toBeLessThan(0.005);
    // CoDel keeps the heavy flow's standing queue short too
    expect(count(tr, QDrop.CODEL)).toBeGreaterThan(0);
  });
  test('sfq holds 128 packets and drops from the longest substream', () => {
    const tr = heavyAndLight({ name: 'sfq', kind: QKind.SFQ, limit: 0, sfq: { perturb: 5, allot: 1514 } });
    expect(tr.refused[0]).toBeGreaterThan(0);
    expect(tr.refused[1]).toBe(0);
  });
});

describe('codel', () => {
  const codel: QueueTypeSpec = { name: 'codel', kind: QKind.CODEL, limit: 1000, codel: { interval: 0.1, target: 0.005, ecn: false } };
  test('drops at dequeue under a standing queue and keeps the delay near target', () => {
    const flood = [{ cls: 0, rate: 11 * M, len: 1500 }];
    const tr = drive(leaf(codel), flood, 10, SLOTS);
    const fifo = drive(leaf({ name: 'fifo', kind: QKind.PFIFO, limit: 1000 }), flood, 10, SLOTS);
    expect(count(tr, QDrop.CODEL)).toBeGreaterThan(10);
    expect(count(fifo, QDrop.CODEL)).toBe(0);
    // the 1000-packet FIFO at 10% overload builds most of a second of delay by t = 8 s; CoDel holds it far lower
    expect(maxDelay(fifo, 0, 8)).toBeGreaterThan(0.5);
    expect(maxDelay(tr, 0, 5)).toBeLessThan(0.05);
    within(rateOf(tr, 0, 1, 10), 10 * M, 0.02);
  });
  test('no drops without a standing queue', () => {
    const tr = drive(leaf(codel), [{ cls: 0, rate: 8 * M, len: 1500 }], 5, SLOTS);
    expect(count(tr, QDrop.CODEL)).toBe(0);
  });
});

describe('red', () => {
  const red: QueueTypeSpec = { name: 'red', kind: QKind.RED, limit: 60, red: { minThreshold: 10, maxThreshold: 50, burst: 20, avgPacket: 1000 } };
  const run = (seed: number, rate: number) => drive(leaf(red, 10 * M, seed), [{ cls: 0, rate, len: 1000 }], 5, SLOTS);
  test('drops early and at random between the thresholds, deterministic per seed', () => {
    const a = run(1, 10.5 * M);
    const b = run(1, 10.5 * M);
    const c = run(2, 10.5 * M);
    expect(a.refused[0]).toBeGreaterThan(0);
    expect(b.refused).toEqual(a.refused);
    expect(b.time).toEqual(a.time);
    expect(c.arrival).not.toEqual(a.arrival);
    expect(b.arrival).toEqual(a.arrival);
  });
  test('no drops while the average stays below min-threshold', () => {
    const a = run(1, 9 * M);
    expect(a.refused[0]).toBe(0);
  });
});

describe('bfifo', () => {
  test('bounded in bytes', () => {
    const s = new HtbScheduler([cls({ maxLimit: 1 * M })], [{ name: 'b', kind: QKind.BFIFO, limit: 10000 }], { slots: 64, seed: 1 });
    let held = 0;
    for (let i = 0; i < 20; i++) if (s.enqueue(i, 0, 1000, 0, 0, 0, 0, 0) === QDrop.NONE) held++;
    // the first leaves at once (empty bucket, tokens ≥ 0), then 10 fit in 10000 bytes
    expect(held).toBe(11);
    expect(s.stats.dropped[0]).toBe(9);
  });
});

describe('fq-codel limits', () => {
  test('memlimit drops from the fattest flow with MEMORY', () => {
    const s = new HtbScheduler([cls({ maxLimit: 1 * M })], [{ name: 'fq', kind: QKind.FQ_CODEL, limit: 10240, fqCodel: { flows: 1024, quantum: 1514, memlimit: 15000, interval: 0.1, target: 0.005, ecn: false } }], { slots: 64, seed: 1 });
    for (let i = 0; i < 12; i++) expect(s.enqueue(i, 0, 1500, 0, 1, 2, 3, 4)).toBe(QDrop.NONE);
    // one left at once; 10 × 1500 fit in 15000 bytes, the oldest held one made room for the 12th
    expect(s.queued).toBe(10);
    const slot = new Uint32Array(16);
    const code = new Uint8Array(16);
    const n = s.dequeue(0, slot, new Float64Array(16), code);
    expect(n).toBe(2);
    expect(Array.from(code.subarray(0, 2))).toEqual([QDrop.NONE, QDrop.MEMORY]);
    expect(slot[1]).toBe(1);
  });
});
