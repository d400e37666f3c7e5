import fc from 'fast-check';
import { SimpleQueueSet, type SimpleQueueEntry } from '../../../dataplane/queue/simple-classify';

const ip = (s: string): number => s.split('.').reduce((a, o) => a * 256 + Number(o), 0);
const prefix = (s: string): [number, number] => {
  const [a, l] = s.split('/');
  const len = Number(l ?? 32);
  const base = ip(a!) - (ip(a!) % 2 ** (32 - len));
  return [base, base + 2 ** (32 - len) - 1];
};

function entry(k: number, over: Partial<SimpleQueueEntry>): SimpleQueueEntry {
  return { ranges: [], ifaces: [], dstRanges: [], dstIfaces: [], marks: [], time: null, up: 2 * k, down: 2 * k + 1, ...over };
}

const set = (qs: SimpleQueueEntry[], ifCount = 4): SimpleQueueSet => new SimpleQueueSet({ classes: [], itemIds: [] }, qs, ifCount);

/** RouterOS's own algorithm: walk the queues in order, first match wins (both directions = download). */
function linear(qs: SimpleQueueEntry[], src: number, dst: number, inIf: number, outIf: number, mark: number): number {
  const inR = (rs: readonly (readonly [number, number])[], a: number): boolean => rs.some(([lo, hi]) => a >= lo && a <= hi);
  for (const q of qs) {
    const up = inR(q.ranges, src) || q.ifaces.includes(inIf);
    const down = inR(q.ranges, dst) || q.ifaces.includes(outIf);
    if (!up && !down) continue;
    if (q.marks.length > 0 && !q.marks.includes(mark)) continue;
    if (q.dstRanges.length + q.dstIfaces.length > 0) {
      const far = down ? src : dst;
      const farIf = down ? inIf : outIf;
      if (!inR(q.dstRanges, far) && !q.dstIfaces.includes(farIf)) continue;
    }
    return down ? q.down : q.up;
  }
  return -1;
}

describe('SimpleQueueSet', () => {
  it('takes the first queue in order whose target holds the source (upload) or destination (download)', () => {
    const qs = [
      entry(0, { ranges: [prefix('192.168.88.10/32')] }),
      entry(1, { ranges: [prefix('192.168.88.0/24')] }),
      entry(2, { ranges: [prefix('0.0.0.0/0')] }),
    ];
    const s = set(qs);
    expect(s.classify(ip('192.168.88.10'), ip('8.8.8.8'), -1, -1, 0, 0)).toBe(0); // upload of queue 0
    expect(s.classify(ip('8.8.8.8'), ip('192.168.88.10'), -1, -1, 0, 0)).toBe(1); // download of queue 0
    expect(s.classify(ip('192.168.88.11'), ip('8.8.8.8'), -1, -1, 0, 0)).toBe(2); // queue 1 upload
    // both ends inside queue 1's target: download
    expect(s.classify(ip('192.168.88.11'), ip('192.168.88.12'), -1, -1, 0, 0)).toBe(3);
    // neither end in 0 or 1: the catch-all, and 8.8.8.8 is in it as destination => download
    expect(s.classify(ip('10.0.0.1'), ip('8.8.8.8'), -1, -1, 0, 0)).toBe(5);
  });

  it('interfaces as targets: in on it = upload, out by it = download', () => {
    const s = set([entry(0, { ifaces: [2] })]);
    expect(s.classify(1, 2, 2, 0, 0, 0)).toBe(0);
    expect(s.classify(1, 2, 0, 2, 0, 0)).toBe(1);
    expect(s.classify(1, 2, 0, 1, 0, 0)).toBe(-1);
  });

  it('dst, packet-marks and time narrow a queue; a later queue then takes the packet', () => {
    const lan = prefix('10.1.0.0/16');
    const qs = [
      entry(0, { ranges: [lan], dstRanges: [prefix('1.1.1.1/32')] }),
      entry(1, { ranges: [lan], marks: [7] }),
      entry(2, { ranges: [lan], time: { from: 8 * 3600, to: 17 * 3600, days: 0x7f } }),
      entry(3, { ranges: [lan] }),
    ];
    const s = set(qs);
    const host = ip('10.1.2.3');
    expect(s.classify(host, ip('1.1.1.1'), -1, -1, 0, 0)).toBe(0); // dst matches for upload
    expect(s.classify(ip('1.1.1.1'), host, -1, -1, 0, 0)).toBe(1); // download: dst is the source
    expect(s.classify(host, ip('9.9.9.9'), -1, -1, 7, 0)).toBe(2); // mark 7
    const noon = 12 * 3600; // 1970-01-01 12:00 UTC
    const night = 2 * 3600;
    expect(s.classify(host, ip('9.9.9.9'), -1, -1, 0, noon)).toBe(4);
    expect(s.classify(host, ip('9.9.9.9'), -1, -1, 0, night)).toBe(6);
  });

  it('agrees with the linear first-match walk on random configurations', () => {
    const addr = fc.integer({ min: 0, max: 255 }).map((x) => ((10 << 24) >>> 0) + x * 1024 * 64); // a few /16-ish regions
    const range = fc.tuple(addr, fc.integer({ min: 0, max: 22 })).map(([a, bits]) => {
      const size = 2 ** bits;
      const lo = a - (a % size);
      return [lo, lo + size - 1] as [number, number];
    });
    const q = fc.record({
      ranges: fc.array(range, { maxLength: 3 }),
      ifaces: fc.array(fc.integer({ min: 0, max: 3 }), { maxLength: 1 }),
      dstRanges: fc.array(range, { maxLength: 1 }),
      marks: fc.array(fc.integer({ min: 1, max: 3 }), { maxLength: 1 }),
    });
    const probe = fc.record({
      src: fc.oneof(addr, fc.integer({ min: 0, max: 0xffffffff })),
      dst: fc.oneof(addr, fc.integer({ min: 0, max: 0xffffffff })),
      inIf: fc.integer({ min: -1, max: 3 }),
      outIf: fc.integer({ min: -1, max: 3 }),
      mark: fc.integer({ min: 0, max: 3 }),
    });
    fc.assert(
      fc.property(fc.array(q, { maxLength: 12 }), fc.array(probe, { minLength: 1, maxLength: 20 }), (raw, probes) => {
        const qs = raw.map((r, k) => entry(k, r));
        const s = set(qs);
        for (const p of probes) {
          expect(s.classify(p.src, p.dst, p.inIf, p.outIf, p.mark, 0)).toBe(linear(qs, p.src >>> 0, p.dst >>> 0, p.inIf, p.outIf, p.mark));
        }
      }),
      { numRuns: 400 },
    );
  });

  it('10k single-host queues: each host finds its own queue', () => {
    const qs: SimpleQueueEntry[] = [];
    for (let k = 0; k < 10000; k++) qs.push(entry(k, { ranges: [[ip('100.64.0.0') + k, ip('100.64.0.0') + k]] }));
    const s = set(qs);
    for (const k of [0, 1, 4999, 9999]) {
      expect(s.classify(ip('100.64.0.0') + k, ip('8.8.8.8'), -1, -1, 0, 0)).toBe(2 * k);
      expect(s.classify(ip('8.8.4.4'), ip('100.64.0.0') + k, -1, -1, 0, 0)).toBe(2 * k + 1);
    }
    expect(s.classify(ip('100.64.0.0') + 10000, ip('8.8.8.8'), -1, -1, 0, 0)).toBe(-1);
  });
});
