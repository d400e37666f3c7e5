import { HtbScheduler } from '../../../dataplane/queue/htb';
import { QDrop } from '../../../dataplane/queue/spec';
import { cls, drive, rateOf, PFIFO_50 } from './drive';

const M = 1_000_000;
const SLOTS = 4096;

function within(x: number, want: number, frac: number): void {
  expect(Math.abs(x - want) / want).toBeLessThanOrEqual(frac);
}

describe('HtbScheduler shaping', () => {
  test('a 10 Mbit/s max-limit holds within ±2% in every 1 s window of a 10 s flood, ±0.1% overall', () => {
    const s = new HtbScheduler([cls({ maxLimit: 10 * M })], [PFIFO_50], { slots: SLOTS, seed: 1 });
    const tr = drive(s, [{ cls: 0, rate: 20 * M, len: 1500 }], 10, SLOTS);
    for (let w = 0; w < 10; w++) within(rateOf(tr, 0, w, w + 1), 10 * M, 0.02);
    within(rateOf(tr, 0, 0, 10), 10 * M, 0.001);
    expect(tr.refused[0]).toBeGreaterThan(0);
    // departures leave in time order
    for (let i = 1; i < tr.time.length; i++) expect(tr.time[i]!).toBeGreaterThanOrEqual(tr.time[i - 1]!);
  });

  test('a root with max-limit 0 is unlimited: packets leave at their arrival time', () => {
    const s = new HtbScheduler([cls({})], [PFIFO_50], { slots: SLOTS, seed: 1 });
    const tr = drive(s, [{ cls: 0, rate: 100 * M, len: 1000 }], 0.1, SLOTS);
    expect(tr.time.length).toBeGreaterThan(1000);
    for (let i = 0; i < tr.time.length; i++) expect(tr.time[i]).toBe(tr.arrival[i]);
  });

  test('limit-at is granted beyond the parent max-limit; a sibling without limit-at gets nothing', () => {
    const s = new HtbScheduler(
      [cls({}), cls({ parent: 0, maxLimit: 10 * M }), cls({ parent: 1, limitAt: 12 * M, maxLimit: 20 * M }), cls({ parent: 1, maxLimit: 10 * M })],
      [PFIFO_50],
      { slots: SLOTS, seed: 1 },
    );
    const tr = drive(s, [{ cls: 2, rate: 30 * M, len: 1500 }, { cls: 3, rate: 30 * M, len: 1500 }], 5, SLOTS);
    within(rateOf(tr, 0, 1, 5), 12 * M, 0.02);
    expect(rateOf(tr, 1, 1, 5)).toBeLessThan(0.05 * M);
  });

  test('oversubscribed limit-at 6:2:12 under a 10 Mbit/s parent is shared 3:1:6', () => {
    const s = new HtbScheduler(
      [cls({ maxLimit: 10 * M }), cls({ parent: 0, limitAt: 6 * M, maxLimit: 20 * M }), cls({ parent: 0, limitAt: 2 * M, maxLimit: 20 * M }), cls({ parent: 0, limitAt: 12 * M, maxLimit: 20 * M })],
      [PFIFO_50],
      { slots: SLOTS, seed: 1 },
    );
    const flows = [1, 2, 3].map((c) => ({ cls: c, rate: 20 * M, len: 1500 }));
    const tr = drive(s, flows, 10, SLOTS);
    within(rateOf(tr, 0, 1, 10), 3 * M, 0.05);
    within(rateOf(tr, 1, 1, 10), 1 * M, 0.05);
    within(rateOf(tr, 2, 1, 10), 6 * M, 0.05);
  });

  test('priority 1 takes spare capacity before priority 8; 8 gets what 1 cannot use', () => {
    const mk = (max1: number) =>
      new HtbScheduler([cls({ maxLimit: 10 * M }), cls({ parent: 0, priority: 8, maxLimit: 10 * M }), cls({ parent: 0, priority: 1, maxLimit: max1 })], [PFIFO_50], { slots: SLOTS, seed: 1 });
    const flows = [{ cls: 1, rate: 20 * M, len: 1500 }, { cls: 2, rate: 20 * M, len: 1500 }];
    let tr = drive(mk(10 * M), flows, 5, SLOTS);
    within(rateOf(tr, 1, 1, 5), 10 * M, 0.02);
    expect(rateOf(tr, 0, 1, 5)).toBeLessThan(0.1 * M);
    tr = drive(mk(6 * M), flows, 5, SLOTS);
    within(rateOf(tr, 1, 1, 5), 6 * M, 0.02);
    within(rateOf(tr, 0, 1, 5), 4 * M, 0.03);
  });

  test('equal leaves without limit-at share spare capacity equally; stats count borrows and lends', () => {
    const s = new HtbScheduler([cls({ maxLimit: 10 * M }), cls({ parent: 0 }), cls({ parent: 0 })], [PFIFO_50], { slots: SLOTS, seed: 1 });
    const tr = drive(s, [{ cls: 1, rate: 20 * M, len: 1500 }, { cls: 2, rate: 20 * M, len: 500 }], 5, SLOTS);
    within(rateOf(tr, 0, 1, 5), 5 * M, 0.03);
    within(rateOf(tr, 1, 1, 5), 5 * M, 0.03);
    expect(s.stats.borrows[1]).toBe(s.stats.packets[1]);
    expect(s.stats.lends[0]).toBe(s.stats.packets[1]! + s.stats.packets[2]!);
    expect(s.stats.bytes[0]).toBe(s.stats.bytes[1]! + s.stats.bytes[2]!);
    expect(s.stats.dropped[1]).toBe(tr.refused[0]);
    expect(s.stats.queuedPackets[0]).toBe(s.stats.queuedPackets[1]! + s.stats.queuedPackets[2]!);
    expect(s.stats.queuedPackets[0]).toBe(s.queued);
  });

  test('an inner limit-at reserves capacity for its subtree ahead of priority elsewhere', () => {
    const s = new HtbScheduler(
      [cls({ maxLimit: 10 * M }), cls({ parent: 0, limitAt: 6 * M, maxLimit: 10 * M }), cls({ parent: 1, priority: 8 }), cls({ parent: 0 }), cls({ parent: 3, priority: 1 })],
      [PFIFO_50],
      { slots: SLOTS, seed: 1 },
    );
    const tr = drive(s, [{ cls: 2, rate: 20 * M, len: 1500 }, { cls: 4, rate: 20 * M, len: 1500 }], 5, SLOTS);
    within(rateOf(tr, 0, 1, 5), 6 * M, 0.03);
    within(rateOf(tr, 1, 1, 5), 4 * M, 0.03);
  });

  test('a small parent bucket caps the burst of a child with a big bucket', () => {
    const big = { name: 'big', kind: 0, limit: 10000 } as const;
    const burstOf = (tree: boolean): number => {
      const classes = tree ? [cls({ maxLimit: 10 * M, bucketSize: 0.1 }), cls({ parent: 0, maxLimit: 10 * M, bucketSize: 10 })] : [cls({ maxLimit: 10 * M, bucketSize: 10 })];
      const s = new HtbScheduler(classes, [big], { slots: SLOTS, seed: 1 });
      // 20 s idle fills the buckets, then 4 MB arrive at once
      const tr = drive(s, [{ cls: classes.length - 1, rate: 1e12, len: 1000, start: 20, stop: 20 + 3999.5 * 8e-9 }], 30, 8192);
      expect(tr.time.length).toBe(4000);
      return Math.max(...tr.time) - 20;
    };
    expect(burstOf(false)).toBeLessThan(0.01);
    // 4 MB less the parent's 125 kB bucket at 1.25 MB/s
    within(burstOf(true), (4e6 - 125e3) / 1.25e6, 0.02);
  });

  test('burst: max-limit is replaced by burst-limit for threshold × burst-time / burst-limit', () => {
    const s = new HtbScheduler([cls({ maxLimit: 2 * M, burstLimit: 4 * M, burstThreshold: 1.49 * M, burstTime: 16 })], [PFIFO_50], { slots: SLOTS, seed: 1 });
    const tr = drive(s, [{ cls: 0, rate: 8 * M, len: 1500 }], 20, SLOTS);
    within(rateOf(tr, 0, 0.5, 5.5), 4 * M, 0.02);
    within(rateOf(tr, 0, 8, 20), 2 * M, 0.02);
    let end = 0;
    for (let w = 0; w < 200; w++) {
      if (rateOf(tr, 0, w * 0.1, w * 0.1 + 0.1) < 3 * M) {
        end = w * 0.1;
        break;
      }
    }
    within(end, (1.49 * 16) / 4, 0.03);
  });
});

describe('HtbScheduler robustness', () => {
  test('bad input is refused, never thrown, and leaves no trace', () => {
    const s = new HtbScheduler([cls({ maxLimit: 10 * M }), cls({ parent: 0 })], [PFIFO_50], { slots: 8, seed: 1 });
    expect(s.enqueue(-1, 1, 100, 0, 0, 0, 0, 0)).toBe(QDrop.INVALID);
    expect(s.enqueue(8, 1, 100, 0, 0, 0, 0, 0)).toBe(QDrop.INVALID);
    expect(s.enqueue(1.5, 1, 100, 0, 0, 0, 0, 0)).toBe(QDrop.INVALID);
    expect(s.enqueue(0, 0, 100, 0, 0, 0, 0, 0)).toBe(QDrop.INVALID); // inner class
    expect(s.enqueue(0, 7, 100, 0, 0, 0, 0, 0)).toBe(QDrop.INVALID);
    expect(s.enqueue(0, 1, 0, 0, 0, 0, 0, 0)).toBe(QDrop.INVALID);
    expect(s.enqueue(0, 1, -5, 0, 0, 0, 0, 0)).toBe(QDrop.INVALID);
    expect(s.enqueue(0, 1, NaN, 0, 0, 0, 0, 0)).toBe(QDrop.INVALID);
    expect(s.enqueue(0, 1, 100, NaN, 0, 0, 0, 0)).toBe(QDrop.INVALID);
    expect(s.queued).toBe(0);
    expect(s.nextEvent()).toBe(Infinity);
    expect(s.enqueue(0, 1, 100, 0, 0, 0, 0, 0)).toBe(QDrop.NONE);
    expect(s.enqueue(0, 1, 100, 0, 0, 0, 0, 0)).toBe(QDrop.INVALID); // already held
    expect(s.queued).toBe(1);
    const out = new Uint32Array(4);
    expect(s.dequeue(NaN, out, new Float64Array(4), new Uint8Array(4))).toBe(0);
    expect(s.dequeue(1, out, new Float64Array(4), new Uint8Array(4))).toBe(1);
    expect(out[0]).toBe(0);
  });

  test('a class tree with bad parents and unknown queue types still schedules', () => {
    const s = new HtbScheduler(
      [cls({ parent: 5, maxLimit: 1 * M }), cls({ parent: 1, maxLimit: 1 * M }), cls({ parent: 3 }), cls({ parent: 2, queueType: 9 })],
      [PFIFO_50],
      { slots: 64, seed: 1 },
    );
    // 0 (parent out of range) and 1 (its own parent) are roots; the 2 <-> 3 cycle is cut, leaving 2 inner
    expect([0, 1, 2, 3].map((c) => s.enqueue(c, c, 100, 0, 0, 0, 0, 0))).toEqual([QDrop.NONE, QDrop.NONE, QDrop.INVALID, QDrop.NONE]);
    expect(s.dequeue(10, new Uint32Array(8), new Float64Array(8), new Uint8Array(8))).toBe(3);
    expect(s.queued).toBe(0);
  });

  test('same inputs give identical departure lists', () => {
    const run = () => {
      const s = new HtbScheduler(
        [cls({ maxLimit: 10 * M }), cls({ parent: 0, limitAt: 2 * M, maxLimit: 8 * M, priority: 3 }), cls({ parent: 0, maxLimit: 6 * M, burstLimit: 9 * M, burstThreshold: 4 * M, burstTime: 4 })],
        [PFIFO_50],
        { slots: SLOTS, seed: 7 },
      );
      return drive(s, [{ cls: 1, rate: 9 * M, len: 1200 }, { cls: 2, rate: 11 * M, len: 700, start: 0.3 }], 3, SLOTS);
    };
    const a = run();
    const b = run();
    expect(a.time.length).toBeGreaterThan(1000);
    expect(b.time).toEqual(a.time);
    expect(b.flow).toEqual(a.flow);
    expect(b.code).toEqual(a.code);
  });
});

describe('HtbScheduler events', () => {
  test('nextEvent names the next departure; dequeue before it releases nothing', () => {
    // 8000 bit/s = 1000 bytes/s: 100-byte packets leave 0.1 s apart (the bucket starts empty at time 0)
    const s = new HtbScheduler([cls({ maxLimit: 8000 })], [PFIFO_50], { slots: 8, seed: 1 });
    for (let i = 0; i < 3; i++) expect(s.enqueue(i, 0, 100, 0, 0, 0, 0, 0)).toBe(QDrop.NONE);
    const slot = new Uint32Array(8);
    const time = new Float64Array(8);
    const code = new Uint8Array(8);
    expect(s.nextEvent()).toBe(0);
    expect(s.dequeue(0, slot, time, code)).toBe(1);
    expect(time[0]).toBe(0);
    expect(s.nextEvent()).toBeCloseTo(0.1, 12);
    expect(s.dequeue(0.05, slot, time, code)).toBe(0);
    expect(s.dequeue(5, slot, time, code)).toBe(2);
    expect(time[0]).toBeCloseTo(0.1, 12);
    expect(time[1]).toBeCloseTo(0.2, 12);
    expect(Array.from(slot.subarray(0, 2))).toEqual([1, 2]);
    expect(s.nextEvent()).toBe(Infinity);
  });

  test('a full output buffer is continued by the next call', () => {
    const s = new HtbScheduler([cls({})], [{ name: 'none', kind: 8, limit: 0 }], { slots: 100, seed: 1 });
    for (let i = 0; i < 100; i++) expect(s.enqueue(i, 0, 60, 0, 0, 0, 0, 0)).toBe(QDrop.NONE);
    const slot = new Uint32Array(64);
    const t = new Float64Array(64);
    const c = new Uint8Array(64);
    expect(s.dequeue(0, slot, t, c)).toBe(64);
    expect(slot[63]).toBe(63);
    expect(s.dequeue(0, slot, t, c)).toBe(36);
    expect(slot[35]).toBe(99);
  });
});
