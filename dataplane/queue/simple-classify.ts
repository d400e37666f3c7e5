/**
 * Simple-queue classification without a linear scan.
 *
 * RouterOS walks `/queue simple` in order and the first queue whose target (and dst, packet-marks, time)
 * matches takes the packet: source in the target = upload, destination in the target = download, both =
 * download (ROUTEROS-FLOW.md §7). That costs one compare per queue per packet; ISPs run thousands.
 *
 * Here the targets are compiled once per generation into:
 * - an **interval map** of the IPv4 space: the sorted start addresses of the elementary intervals that the
 *   targets' ranges cut it into, and per interval the ascending list of queues whose target covers it (CSR
 *   arrays). A packet's source and destination each cost one binary search (log2 of twice the number of
 *   targets: about 15 steps for 10k queues) and give the upload and download candidates in queue order;
 * - per interface index, the queues that name it in their target (upload = packets that came in on it,
 *   download = packets that leave by it).
 *
 * The candidate lists are merged in queue order and the first candidate whose remaining conditions hold
 * (dst, packet-marks, time) wins, so the result is exactly RouterOS's first match. With one /32 target per
 * queue (the ISP shape) each list holds at most one queue. Nested targets make intervals carry several
 * queues; the build cost is the sum over targets of the intervals each spans (a /0 target spans them all).
 */
import { timeMatch } from '../firewall/match';
import type { SchedulerSpec } from './tables';

/** One enabled simple queue as the compiler hands it over, in `/queue simple` order. */
export interface SimpleQueueEntry {
  /** Target addresses as inclusive unsigned ranges [lo, hi] (a prefix is one range). */
  readonly ranges: readonly (readonly [number, number])[];
  /** Target interfaces (interface indexes). */
  readonly ifaces: readonly number[];
  /** dst: ranges and/or interfaces; both empty = any. */
  readonly dstRanges: readonly (readonly [number, number])[];
  readonly dstIfaces: readonly number[];
  /** packet-marks ids; empty = any. */
  readonly marks: readonly number[];
  /** `time=`: seconds of the day from/to and weekday bits, or null = always. */
  readonly time: { from: number; to: number; days: number } | null;
  /** Class indexes in the simple-queue scheduler. */
  readonly up: number;
  readonly down: number;
}

const C_DST = 1;
const C_MARKS = 2;
const C_TIME = 4;

export class SimpleQueueSet {
  readonly n: number;
  readonly upCls: Int32Array;
  readonly downCls: Int32Array;
  /** Start address of each elementary interval (unsigned, ascending, first 0). */
  private readonly bounds: Uint32Array;
  /** Per /16 (top 16 bits h): how many bounds lie below h << 16, so a search only looks inside h's bucket. */
  private readonly top: Int32Array;
  private readonly ivStart: Int32Array;
  private readonly ivQ: Int32Array;
  private readonly ifStart: Int32Array;
  private readonly ifQ: Int32Array;
  private readonly cond: Uint8Array;
  private readonly dstStart: Int32Array;
  private readonly dstLo: Uint32Array;
  private readonly dstHi: Uint32Array;
  private readonly dstIfStart: Int32Array;
  private readonly dstIf: Int32Array;
  private readonly markStart: Int32Array;
  private readonly markId: Uint16Array;
  private readonly timeFrom: Int32Array;
  private readonly timeTo: Int32Array;
  private readonly timeDays: Uint8Array;

  constructor(
    readonly sched: SchedulerSpec,
    queues: readonly SimpleQueueEntry[],
    ifCount: number,
  ) {
    const n = queues.length;
    this.n = n;
    this.upCls = Int32Array.from(queues, (q) => q.up);
    this.downCls = Int32Array.from(queues, (q) => q.down);
    // Interval map: every range [lo, hi] starts an interval at lo and ends one at hi + 1.
    const cuts = new Set<number>([0]);
    for (const q of queues) {
      for (const [lo, hi] of q.ranges) {
        cuts.add(lo >>> 0);
        if (hi >>> 0 < 0xffffffff) cuts.add((hi >>> 0) + 1);
      }
    }
    const bounds = Uint32Array.from([...cuts].sort((a, b) => a - b));
    this.bounds = bounds;
    this.top = new Int32Array(65537);
    for (let h = 0, i = 0; h <= 65536; h++) {
      while (i < bounds.length && bounds[i]! < h * 65536) i++;
      this.top[h] = i;
    }
    const spans: [number, number, number][] = []; // [first interval, last interval + 1, queue]
    for (let k = 0; k < n; k++) {
      for (const [lo, hi] of queues[k]!.ranges) {
        const a = findInterval(bounds, lo >>> 0);
        const z = hi >>> 0 === 0xffffffff ? bounds.length : findInterval(bounds, (hi >>> 0) + 1);
        spans.push([a, z, k]);
      }
    }
    // CSR: count, then fill in queue order (spans are in queue order, so each list comes out ascending).
    const count = new Int32Array(bounds.length + 1);
    const last = new Int32Array(bounds.length).fill(-1);
    for (const [a, z, k] of spans) {
      for (let i = a; i < z; i++) {
        if (last[i] === k) continue; // two targets of one queue covering the same interval
        last[i] = k;
        count[i + 1]!++;
      }
    }
    for (let i = 0; i < bounds.length; i++) count[i + 1]! += count[i]!;
    this.ivStart = count;
    this.ivQ = new Int32Array(count[bounds.length]!);
    const fill = count.slice(0, bounds.length);
    last.fill(-1);
    for (const [a, z, k] of spans) {
      for (let i = a; i < z; i++) {
        if (last[i] === k) continue;
        last[i] = k;
        this.ivQ[fill[i]!++] = k;
      }
    }
    const csr = (lists: (readonly number[])[], size: number): [Int32Array, Int32Array] => {
      const start = new Int32Array(size + 1);
      const per: number[][] = Array.from({ length: size }, () => []);
      lists.forEach((l, k) => {
        for (const i of new Set(l)) if (i >= 0 && i < size) per[i]!.push(k);
      });
      for (let i = 0; i < size; i++) start[i + 1] = start[i]! + per[i]!.length;
      return [start, Int32Array.from(per.flat())];
    };
    [this.ifStart, this.ifQ] = csr(queues.map((q) => q.ifaces), ifCount);
    // Remaining conditions, per queue.
    this.cond = Uint8Array.from(queues, (q) => (q.dstRanges.length + q.dstIfaces.length > 0 ? C_DST : 0) | (q.marks.length > 0 ? C_MARKS : 0) | (q.time !== null ? C_TIME : 0));
    const flat = <T>(get: (q: SimpleQueueEntry) => readonly T[]): [Int32Array, T[]] => {
      const start = new Int32Array(n + 1);
      const all: T[] = [];
      queues.forEach((q, k) => {
        all.push(...get(q));
        start[k + 1] = all.length;
      });
      return [start, all];
    };
    const [ds, dr] = flat((q) => q.dstRanges);
    this.dstStart = ds;
    this.dstLo = Uint32Array.from(dr, (r) => r[0] >>> 0);
    this.dstHi = Uint32Array.from(dr, (r) => r[1] >>> 0);
    const [dis, di] = flat((q) => q.dstIfaces);
    this.dstIfStart = dis;
    this.dstIf = Int32Array.from(di);
    const [ms, mi] = flat((q) => q.marks);
    this.markStart = ms;
    this.markId = Uint16Array.from(mi);
    this.timeFrom = Int32Array.from(queues, (q) => q.time?.from ?? 0);
    this.timeTo = Int32Array.from(queues, (q) => q.time?.to ?? 0);
    this.timeDays = Uint8Array.from(queues, (q) => q.time?.days ?? 0);
  }

  /**
   * The class that takes a packet (its upload or download class), or -1 when no queue matches.
   * `src`/`dst` are the addresses as filter forward sees them (after dst-nat, before src-nat), `inIf`/`outIf`
   * interface indexes (-1 none), `mark` the packet-mark id, `now` the router clock (float seconds since the
   * epoch, for `time=`).
   */
  classify(src: number, dst: number, inIf: number, outIf: number, mark: number, now: number): number {
    const st = this.ivStart;
    const is = this.find(src >>> 0);
    const id = this.find(dst >>> 0);
    let a = st[is]!;
    const ae = st[is + 1]!;
    let b = st[id]!;
    const be = st[id + 1]!;
    const fs = this.ifStart;
    const ifs = this.ifQ.length > 0;
    let c = ifs && inIf >= 0 && inIf < fs.length - 1 ? fs[inIf]! : 0;
    const ce = ifs && inIf >= 0 && inIf < fs.length - 1 ? fs[inIf + 1]! : 0;
    let d = ifs && outIf >= 0 && outIf < fs.length - 1 ? fs[outIf]! : 0;
    const de = ifs && outIf >= 0 && outIf < fs.length - 1 ? fs[outIf + 1]! : 0;
    const iv = this.ivQ;
    const iq = this.ifQ;
    const BIG = 0x7fffffff;
    for (;;) {
      const qa = a < ae ? iv[a]! : BIG;
      const qb = b < be ? iv[b]! : BIG;
      const qc = c < ce ? iq[c]! : BIG;
      const qd = d < de ? iq[d]! : BIG;
      let q = qa < qb ? qa : qb;
      if (qc < q) q = qc;
      if (qd < q) q = qd;
      if (q === BIG) return -1;
      const down = qb === q || qd === q;
      if (qa === q) a++;
      if (qb === q) b++;
      if (qc === q) c++;
      if (qd === q) d++;
      const cond = this.cond[q]!;
      if (cond === 0 || this.conditions(q, cond, down, src, dst, inIf, outIf, mark, now)) return down ? this.downCls[q]! : this.upCls[q]!;
    }
  }

  /** Index of the interval holding `addr`: a binary search inside its /16's bounds only. */
  private find(addr: number): number {
    const b = this.bounds;
    const h = addr >>> 16;
    let lo = this.top[h]!;
    let hi = this.top[h + 1]! - 1;
    // no bound in this /16 above addr's start: the interval began in an earlier bucket
    if (lo > hi || b[lo]! > addr) return lo - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >>> 1;
      if (b[mid]! <= addr) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }

  private conditions(q: number, cond: number, down: boolean, src: number, dst: number, inIf: number, outIf: number, mark: number, now: number): boolean {
    if ((cond & C_MARKS) !== 0) {
      let ok = false;
      for (let i = this.markStart[q]!; i < this.markStart[q + 1]! && !ok; i++) ok = this.markId[i] === mark;
      if (!ok) return false;
    }
    if ((cond & C_DST) !== 0) {
      // dst is the far side: the destination of upload packets, the source of download packets.
      const far = (down ? src : dst) >>> 0;
      const farIf = down ? inIf : outIf;
      let ok = false;
      for (let i = this.dstStart[q]!; i < this.dstStart[q + 1]! && !ok; i++) ok = far >= this.dstLo[i]! && far <= this.dstHi[i]!;
      for (let i = this.dstIfStart[q]!; i < this.dstIfStart[q + 1]! && !ok; i++) ok = this.dstIf[i] === farIf;
      if (!ok) return false;
    }
    if ((cond & C_TIME) !== 0 && !timeMatch(this.timeFrom[q]!, this.timeTo[q]!, this.timeDays[q]!, now)) return false;
    return true;
  }
}

/** Index of the interval holding `addr` (the last bound ≤ addr; bounds[0] is 0). */
function findInterval(bounds: Uint32Array, addr: number): number {
  let lo = 0;
  let hi = bounds.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >>> 1;
    if (bounds[mid]! <= addr) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}
