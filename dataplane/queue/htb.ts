/**
 * The HTB scheduler (shared/ROUTEROS-FLOW.md §7; RouterOS manual "HTB (Hierarchical Token Bucket)", "Queue
 * Burst", "Queue Size"; Linux net/sched/sch_htb.c for the mechanics RouterOS's modified HTB keeps).
 *
 * A forest of classes. Leaves hold packets in their queue type (fifo.ts, red.ts, sfq.ts, pcq.ts, codel.ts,
 * fq-codel.ts); inner classes only distribute. Every class has two token buckets, as in Linux:
 * - the *rate* bucket fills at limit-at (CIR), the *ceil* bucket at the active max-limit (MIR: the highest of
 *   limit-at, max-limit and, while burst is allowed, burst-limit — burst.ts). max-limit 0 = no ceil bucket.
 * - capacity = bucket-size × rate (the manual's "bucket capacity = bucket-size × max-limit", per bucket).
 * - Tokens may go negative: a class may send while its tokens are ≥ 0 and is charged the packet's length
 *   afterwards (Linux's deficit form; long-run rates are exact regardless of packet sizes). Each send is
 *   charged to the leaf and every ancestor.
 * - Colours as Linux and the manual: red (ceil tokens < 0) cannot send, yellow (rate tokens < 0) may borrow,
 *   green sends on its own CIR. A leaf may send when it is green, or when it is not red and some ancestor is
 *   green with every class between them not red (borrowing from the nearest such ancestor).
 * - A root class (no parent) is the hard bound of its tree: its rate is its ceil (max-limit, or limit-at if
 *   higher), and nothing in the tree leaves while it is red — not even a green leaf. Below the root a green
 *   leaf sends regardless of its ancestors, so limit-at is granted "even beyond the parent's max-limit" (the
 *   inner parent runs into debt); when the root is the bottleneck, all leaves are green and share it by DRR with
 *   quanta proportional to limit-at, so oversubscribed CIRs (6:2:12 of 10M) come out in CIR ratio (3:1:6), as
 *   the manual's example shows. A root with max-limit 0 is unlimited (packets leave at once).
 * - Who goes when several leaves may send at the same instant: Linux's order — green leaves first, then leaves
 *   borrowing from a nearer ancestor before a farther one; within that, priority 1 before 8; within that,
 *   deficit round robin with quantum = limit-at / 8 / 10 bytes (Linux r2q = 10) clamped to 1000..200000 bytes
 *   (1000 for limit-at 0, so leaves without CIR share spare capacity equally).
 *
 * Event-driven on the caller's clock: a leaf's eligibility time follows from the buckets' state
 * (a class turns green/not-red at `tokAt + (-tokens)/rate`), so the scheduler simulates forward from event to
 * event — next eligible leaf, burst tick — and releases each packet at its exact departure time. Departures (and
 * drops of held packets) go to an internal ring in time order; `dequeue(now)` runs the simulation up to `now`
 * and drains the ring; `enqueue(now)` first runs it up to `now`, so departures never depend on how often the
 * caller polls.
 *
 * Choices (docs/unconfirmed.md, UNCONFIRMED): buckets start empty, not full as in Linux (a new queue does not
 * begin with a bucket-size burst); the link is infinitely fast — departure is decided by tokens alone, the
 * interface's own speed is not modelled; the root is a hard bound even for limit-at (from the manual's 6:2:12
 * example); DRR quanta from limit-at as Linux r2q.
 *
 * Bad input (a slot out of range or already held, an unknown or inner class, a length ≤ 0 or not finite, a time
 * that is not a number) is refused with QDrop.INVALID and never throws.
 */
import { QDrop, QKind, type HtbClassSpec, type HtbStats, type QueueScheduler, type QueueTypeSpec } from './spec';
import type { DropSink, LeafQueue, LeafQueueEnv } from './leaf-queue';
import { SlotLists, SlotPool } from './slot-list';
import { Rng } from '../rng';
import { BurstMeters } from './burst';
import { FifoQueue } from './fifo';
import { RedQueue } from './red';
import { SfqQueue } from './sfq';
import { PcqQueue } from './pcq';
import { CodelQueue } from './codel';
import { FqCodelQueue } from './fq-codel';

/** RouterOS allows 8 levels of queues. */
export const HTB_MAX_DEPTH = 8;
const TIERS = HTB_MAX_DEPTH + 1;
const GROUPS = TIERS * 8;
const R2Q = 10;

export interface HtbOptions {
  /** max slot index + 1 of the packet pool */
  slots: number;
  seed: number;
}

function newStats(n: number): HtbStats {
  return {
    bytes: new Float64Array(n),
    packets: new Float64Array(n),
    dropped: new Float64Array(n),
    queuedPackets: new Uint32Array(n),
    queuedBytes: new Float64Array(n),
    borrows: new Float64Array(n),
    lends: new Float64Array(n),
  };
}

function num(x: unknown, dflt: number): number {
  return typeof x === 'number' && Number.isFinite(x) && x >= 0 ? x : dflt;
}

export class HtbScheduler implements QueueScheduler, DropSink {
  readonly stats: HtbStats;
  queued = 0;
  readonly classes: number;
  private readonly pool: SlotPool;
  private readonly slots: number;

  // tree shape
  private readonly parent: Int32Array;
  private readonly rootOf: Int32Array;
  private readonly depth: Uint8Array;
  private readonly isLeaf: Uint8Array;
  private readonly prio: Uint8Array;
  private readonly quantum: Float64Array;
  private readonly deficit: Float64Array;

  // rate (limit-at) bucket, bytes and bytes/s
  private readonly rate: Float64Array;
  private readonly tok: Float64Array;
  private readonly tokAt: Float64Array;
  private readonly greenAt: Float64Array;
  // ceil (max-limit / burst-limit) bucket
  private readonly ceil: Float64Array;
  private readonly baseCeil: Float64Array;
  private readonly burstCeil: Float64Array;
  private readonly ctok: Float64Array;
  private readonly ctokAt: Float64Array;
  private readonly notRedAt: Float64Array;
  private readonly bucketSize: Float64Array;
  private readonly burst: BurstMeters;
  private readonly burstApplied: Uint8Array;

  // leaves
  private readonly queues: (LeafQueue | null)[];
  private readonly eligAt: Float64Array;
  private readonly group: Int32Array;

  // trees (by root class): leaves and burst classes as CSR lists, backlog, next events
  private readonly treeLeafStart: Int32Array;
  private readonly treeLeaves: Int32Array;
  private readonly leafPos: Int32Array;
  private readonly treeBurstStart: Int32Array;
  private readonly treeBurst: Int32Array;
  private readonly treeBacklog: Uint32Array;
  private readonly treeDep: Float64Array;
  private readonly treeTick: Float64Array;
  private readonly drrPtr: Int32Array;
  /**
   * Busy trees in a binary min-heap on their next event (min of departure and burst tick; ties by root
   * index), so finding the next event costs O(log busy trees), not a scan: 10k simple queues are 20k roots.
   */
  private readonly activeRoots: Int32Array;
  private readonly activePos: Int32Array;
  private activeCount = 0;

  /** per class: the whole second of the clock being counted, its bits so far, and the second before's */
  private readonly winSec: Float64Array;
  private readonly winBits: Float64Array;
  private readonly prevBits: Float64Array;

  /** the time the simulation has run to */
  private simTime = -Infinity;

  // departures and drops, in time order, waiting for dequeue()
  private readonly ringSlot: Int32Array;
  private readonly ringTime: Float64Array;
  private readonly ringCode: Uint8Array;
  private ringHead = 0;
  private ringCount = 0;

  constructor(classes: readonly HtbClassSpec[], types: readonly QueueTypeSpec[], opts: HtbOptions) {
    const n = classes.length;
    this.classes = n;
    this.slots = Math.max(1, Math.floor(num(opts.slots, 1)));
    this.pool = new SlotPool(this.slots);
    const rng = new Rng(opts.seed);
    this.stats = newStats(n);
    this.winSec = new Float64Array(n).fill(-Infinity);
    this.winBits = new Float64Array(n);
    this.prevBits = new Float64Array(n);
    this.parent = new Int32Array(n);
    this.rootOf = new Int32Array(n);
    this.depth = new Uint8Array(n);
    this.isLeaf = new Uint8Array(n).fill(1);
    this.prio = new Uint8Array(n);
    this.quantum = new Float64Array(n);
    this.deficit = new Float64Array(n);
    this.rate = new Float64Array(n);
    this.tok = new Float64Array(n);
    this.tokAt = new Float64Array(n);
    this.greenAt = new Float64Array(n);
    this.ceil = new Float64Array(n);
    this.baseCeil = new Float64Array(n);
    this.burstCeil = new Float64Array(n);
    this.ctok = new Float64Array(n);
    this.ctokAt = new Float64Array(n);
    this.notRedAt = new Float64Array(n);
    this.bucketSize = new Float64Array(n);
    this.burst = new BurstMeters(n);
    this.burstApplied = new Uint8Array(n);
    this.eligAt = new Float64Array(n).fill(Infinity);
    this.group = new Int32Array(n);
    this.leafPos = new Int32Array(n);

    // parents: out-of-range or cyclic parents make a class a root
    for (let c = 0; c < n; c++) {
      const p = classes[c]!.parent;
      this.parent[c] = Number.isInteger(p) && p >= 0 && p < n && p !== c ? p : -1;
    }
    for (let c = 0; c < n; c++) {
      let d = 0;
      let a = c;
      while (this.parent[a]! >= 0 && d <= HTB_MAX_DEPTH) {
        a = this.parent[a]!;
        d++;
      }
      if (d > HTB_MAX_DEPTH - 1) {
        this.parent[c] = -1; // too deep or a cycle
      }
    }
    for (let c = 0; c < n; c++) {
      let d = 0;
      let a = c;
      while (this.parent[a]! >= 0) {
        a = this.parent[a]!;
        d++;
      }
      this.depth[c] = d;
      this.rootOf[c] = a;
      if (this.parent[c]! >= 0) this.isLeaf[this.parent[c]!] = 0;
    }

    // buckets
    for (let c = 0; c < n; c++) {
      const k = classes[c]!;
      const limitAt = num(k.limitAt, 0) / 8;
      const maxLimit = num(k.maxLimit, 0) / 8;
      const pr = Math.floor(num(k.priority, 8));
      this.prio[c] = pr < 1 ? 1 : pr > 8 ? 8 : pr;
      this.bucketSize[c] = Math.min(10, num(k.bucketSize, 0.1));
      const base = maxLimit > 0 ? Math.max(maxLimit, limitAt) : Infinity;
      this.baseCeil[c] = base;
      const burstLimit = num(k.burstLimit, 0) / 8;
      const burstTime = num(k.burstTime, 0);
      this.burstCeil[c] = base;
      if (base !== Infinity && burstLimit > base && burstTime > 0) {
        this.burstCeil[c] = burstLimit;
        this.burst.enable(c, num(k.burstThreshold, 0), burstTime);
      }
      this.burstApplied[c] = this.burst.on[c]!;
      this.ceil[c] = this.burstApplied[c] ? this.burstCeil[c]! : base;
      this.rate[c] = this.parent[c]! < 0 ? this.ceil[c]! : limitAt;
      this.quantum[c] = Math.min(200000, Math.max(1000, limitAt / R2Q));
      this.greenAt[c] = this.rate[c]! > 0 ? -Infinity : Infinity;
      this.notRedAt[c] = -Infinity;
    }

    // leaf queues
    const env: LeafQueueEnv = { pool: this.pool, sink: this, fifos: new SlotLists(this.pool, n) };
    this.queues = new Array<LeafQueue | null>(n).fill(null);
    for (let c = 0; c < n; c++) if (this.isLeaf[c]) this.queues[c] = makeQueue(env, types[classes[c]!.queueType], this.slots, rng, c);

    // trees
    let roots = 0;
    for (let c = 0; c < n; c++) if (this.parent[c]! < 0) roots++;
    const leafCount = new Int32Array(n + 1);
    const burstCount = new Int32Array(n + 1);
    for (let c = 0; c < n; c++) {
      if (this.isLeaf[c]) leafCount[this.rootOf[c]! + 1]!++;
      if (this.burst.enabled[c]) burstCount[this.rootOf[c]! + 1]!++;
    }
    for (let c = 0; c < n; c++) {
      leafCount[c + 1]! += leafCount[c]!;
      burstCount[c + 1]! += burstCount[c]!;
    }
    this.treeLeafStart = leafCount;
    this.treeBurstStart = burstCount;
    this.treeLeaves = new Int32Array(leafCount[n]!);
    this.treeBurst = new Int32Array(burstCount[n]!);
    const lf = leafCount.slice();
    const bf = burstCount.slice();
    for (let c = 0; c < n; c++) {
      const r = this.rootOf[c]!;
      if (this.isLeaf[c]) {
        this.leafPos[c] = lf[r]! - leafCount[r]!;
        this.treeLeaves[lf[r]!++] = c;
      }
      if (this.burst.enabled[c]) this.treeBurst[bf[r]!++] = c;
    }
    this.treeBacklog = new Uint32Array(n);
    this.treeDep = new Float64Array(n).fill(Infinity);
    this.treeTick = new Float64Array(n).fill(Infinity);
    this.drrPtr = new Int32Array(n * GROUPS);
    this.activeRoots = new Int32Array(Math.max(1, roots));
    this.activePos = new Int32Array(n).fill(-1);

    this.ringSlot = new Int32Array(this.slots);
    this.ringTime = new Float64Array(this.slots);
    this.ringCode = new Uint8Array(this.slots);
  }

  // ---------------------------------------------------------------- the contract

  enqueue(slot: number, cls: number, len: number, now: number, src: number, dst: number, sport: number, dport: number): number {
    if (!(slot >= 0 && slot < this.slots && (slot | 0) === slot)) return QDrop.INVALID;
    if (!(cls >= 0 && cls < this.classes && (cls | 0) === cls) || !this.isLeaf[cls]) return QDrop.INVALID;
    if (!(len > 0 && len < 4294967296) || now !== now) return QDrop.INVALID;
    const pool = this.pool;
    if (pool.owner[slot]! >= 0) return QDrop.INVALID;
    if (now < this.simTime) now = this.simTime;
    this.advance(now);
    const r = this.rootOf[cls]!;
    if (this.treeBacklog[r] === 0) this.wakeTree(r, now);
    pool.len[slot] = len;
    pool.stamp[slot] = now;
    const q = this.queues[cls]!;
    const wasReady = q.readyAt();
    const code = q.enqueue(slot, len, now, src | 0, dst | 0, sport | 0, dport | 0);
    if (code !== QDrop.NONE) {
      this.stats.dropped[cls]!++;
      return code;
    }
    pool.owner[slot] = cls;
    this.queued++;
    if (this.treeBacklog[r]++ === 0) this.activate(r);
    for (let a = cls; a >= 0; a = this.parent[a]!) {
      this.stats.queuedPackets[a]!++;
      this.stats.queuedBytes[a]! += len;
    }
    if (wasReady !== q.readyAt()) {
      const e = this.elig(cls);
      this.eligAt[cls] = e;
      if (e < this.treeDep[r]!) {
        this.treeDep[r] = e;
        this.sift(r);
      }
    }
    return QDrop.NONE;
  }

  dequeue(now: number, outSlot: Uint32Array, outTime: Float64Array, outCode: Uint8Array): number {
    if (now === now) this.advance(now < this.simTime ? this.simTime : now);
    const max = Math.min(outSlot.length, outTime.length, outCode.length);
    let k = 0;
    while (k < max && this.ringCount > 0) {
      const i = this.ringHead;
      outSlot[k] = this.ringSlot[i]!;
      outTime[k] = this.ringTime[i]!;
      outCode[k] = this.ringCode[i]!;
      k++;
      this.ringHead = i + 1 === this.slots ? 0 : i + 1;
      this.ringCount--;
    }
    return k;
  }

  nextEvent(): number {
    if (this.ringCount > 0) return this.ringTime[this.ringHead]!;
    return this.activeCount > 0 ? this.key(this.activeRoots[0]!) : Infinity;
  }

  /**
   * Class `cls`'s rate at `now` as RouterOS's `rate` column shows it: bits sent during the last whole second
   * of the clock before `now` (0 when it sent nothing then).
   */
  rateAt(cls: number, now: number): number {
    const sec = Math.floor(now);
    const w = this.winSec[cls]!;
    if (w === sec) return this.prevBits[cls]!;
    if (w === sec - 1) return this.winBits[cls]!;
    return 0;
  }

  /** DropSink: a leaf queue dropped a packet it held. */
  dropHeld(slot: number, time: number, code: number): void {
    const cls = this.pool.owner[slot]!;
    if (cls < 0) return;
    const len = this.pool.len[slot]!;
    this.pool.owner[slot] = -1;
    this.queued--;
    this.stats.dropped[cls]!++;
    for (let a = cls; a >= 0; a = this.parent[a]!) {
      this.stats.queuedPackets[a]!--;
      this.stats.queuedBytes[a]! -= len;
    }
    const r = this.rootOf[cls]!;
    if (--this.treeBacklog[r]! === 0) this.deactivate(r);
    this.emit(slot, time, code);
  }

  // ---------------------------------------------------------------- simulation

  /** Run every event (departure, burst tick) at or before `until`. */
  private advance(until: number): void {
    while (this.activeCount > 0) {
      const r = this.activeRoots[0]!;
      const best = this.key(r);
      if (best > until) break;
      if (best > this.simTime) this.simTime = best;
      if (this.treeTick[r]! <= this.treeDep[r]!) this.runTicks(r, best);
      else this.depart(r, best);
    }
    if (until > this.simTime) this.simTime = until;
  }

  /** One departure from tree `r` at time `t`. */
  private depart(r: number, t: number): void {
    const leaf = this.pick(r, t);
    if (leaf < 0) {
      this.refresh(r);
      return;
    }
    const q = this.queues[leaf]!;
    const slot = q.dequeue(t);
    if (slot < 0) {
      // the queue dropped all it held (CoDel) or holds a packet back (pcq-rate): never spin on the same instant
      this.refresh(r);
      if (this.treeDep[r]! <= t && q.packets > 0) {
        this.treeDep[r] = t + 1e-9;
        this.sift(r);
      }
      return;
    }
    const len = this.pool.len[slot]!;
    const borrowedFrom = this.group[leaf]! >= 8 ? this.lender(leaf, t) : -1;
    this.charge(leaf, t, len);
    this.deficit[leaf]! -= len;
    const st = this.stats;
    st.bytes[leaf]! += len;
    st.packets[leaf]!++;
    if (borrowedFrom >= 0) {
      st.borrows[leaf]!++;
      st.lends[borrowedFrom]!++;
    }
    const sec = Math.floor(t);
    for (let a = leaf; a >= 0; a = this.parent[a]!) {
      st.queuedPackets[a]!--;
      st.queuedBytes[a]! -= len;
      if (a !== leaf) {
        st.bytes[a]! += len;
        st.packets[a]!++;
      }
      // the rate RouterOS prints: bits sent in the last whole second
      const w = this.winSec[a]!;
      if (w !== sec) {
        this.prevBits[a] = w === sec - 1 ? this.winBits[a]! : 0;
        this.winSec[a] = sec;
        this.winBits[a] = 0;
      }
      this.winBits[a]! += len * 8;
    }
    this.pool.owner[slot] = -1;
    this.queued--;
    if (--this.treeBacklog[r]! === 0) this.deactivate(r);
    this.emit(slot, t, QDrop.NONE);
    this.refresh(r);
  }

  /** The leaf of tree `r` that sends at `t`: lowest (tier, priority) group, deficit round robin within. */
  private pick(r: number, t: number): number {
    const lo = this.treeLeafStart[r]!;
    const hi = this.treeLeafStart[r + 1]!;
    let bestG = GROUPS;
    for (let i = lo; i < hi; i++) {
      const c = this.treeLeaves[i]!;
      if (this.eligAt[c]! > t) continue;
      const g = this.tier(c, t) * 8 + this.prio[c]! - 1;
      this.group[c] = g;
      if (g < bestG) bestG = g;
    }
    if (bestG === GROUPS) return -1;
    const count = hi - lo;
    const ptrIdx = r * GROUPS + bestG;
    let p = this.drrPtr[ptrIdx]!;
    for (let guard = 0; guard < 1000000; guard++) {
      // first candidate of the group at or after the pointer, cyclically
      let c = -1;
      for (let k = 0; k < count; k++) {
        let j = p + k;
        if (j >= count) j -= count;
        const x = this.treeLeaves[lo + j]!;
        if (this.eligAt[x]! <= t && this.group[x] === bestG) {
          c = x;
          p = j;
          break;
        }
      }
      if (c < 0) return -1;
      if (this.deficit[c]! > 0) {
        this.drrPtr[ptrIdx] = p;
        return c;
      }
      this.deficit[c]! += this.quantum[c]!;
      p = p + 1 === count ? 0 : p + 1;
    }
    return -1;
  }

  /** 0 when the leaf sends on its own CIR at `t`, else 9 - depth of the ancestor it borrows from. */
  private tier(c: number, t: number): number {
    if (this.greenAt[c]! <= t) return 0;
    const l = this.lender(c, t);
    return l < 0 ? TIERS - 1 : HTB_MAX_DEPTH - this.depth[l]!;
  }

  /** The nearest ancestor leaf `c` can borrow from at `t` (green, with every class between not red). */
  private lender(c: number, t: number): number {
    let run = this.notRedAt[c]!;
    for (let a = this.parent[c]!; a >= 0; a = this.parent[a]!) {
      if (run > t) return -1;
      if (this.greenAt[a]! <= t) return a;
      const nr = this.notRedAt[a]!;
      if (nr > run) run = nr;
    }
    return -1;
  }

  /** When leaf `c` may next send, from its buckets, its ancestors', its root's and its queue's. */
  private elig(c: number): number {
    const q = this.queues[c]!;
    if (q.packets === 0) return Infinity;
    let best = this.greenAt[c]!;
    let run = this.notRedAt[c]!;
    for (let a = this.parent[c]!; a >= 0; a = this.parent[a]!) {
      const g = this.greenAt[a]!;
      const cand = g > run ? g : run;
      if (cand < best) best = cand;
      const nr = this.notRedAt[a]!;
      if (nr > run) run = nr;
    }
    const root = this.notRedAt[this.rootOf[c]!]!;
    if (root > best) best = root;
    const own = this.notRedAt[c]!;
    if (own > best) best = own;
    const ready = q.readyAt();
    if (ready > best) best = ready;
    return best > this.simTime ? best : this.simTime;
  }

  /** Recompute the eligibility of tree `r`'s backlogged leaves and its next burst tick. */
  private refresh(r: number): void {
    let dep = Infinity;
    if (this.treeBacklog[r]! > 0) {
      for (let i = this.treeLeafStart[r]!, hi = this.treeLeafStart[r + 1]!; i < hi; i++) {
        const c = this.treeLeaves[i]!;
        const e = this.elig(c);
        this.eligAt[c] = e;
        if (e < dep) dep = e;
      }
    }
    this.treeDep[r] = dep;
    let tick = Infinity;
    if (this.treeBacklog[r]! > 0) {
      for (let i = this.treeBurstStart[r]!, hi = this.treeBurstStart[r + 1]!; i < hi; i++) {
        const x = this.burst.nextTick(this.treeBurst[i]!);
        if (x < tick) tick = x;
      }
    }
    this.treeTick[r] = tick;
    if (this.activePos[r]! >= 0) this.sift(r);
  }

  /** Charge `len` bytes sent at `t` to leaf `c` and its ancestors. */
  private charge(c: number, t: number, len: number): void {
    for (let a = c; a >= 0; a = this.parent[a]!) {
      const isRoot = this.parent[a]! < 0;
      const ceil = this.ceil[a]!;
      if (ceil !== Infinity) {
        let ct = this.ctok[a]! + (t - this.ctokAt[a]!) * ceil;
        const cap = this.bucketSize[a]! * ceil;
        if (ct > cap) ct = cap;
        ct -= len;
        this.ctok[a] = ct;
        this.ctokAt[a] = t;
        this.notRedAt[a] = ct >= 0 ? -Infinity : t - ct / ceil;
      }
      if (isRoot) this.greenAt[a] = this.notRedAt[a]!;
      else {
        const rate = this.rate[a]!;
        if (rate > 0) {
          let tk = this.tok[a]! + (t - this.tokAt[a]!) * rate;
          const cap = this.bucketSize[a]! * rate;
          if (tk > cap) tk = cap;
          tk -= len;
          this.tok[a] = tk;
          this.tokAt[a] = t;
          this.greenAt[a] = tk >= 0 ? -Infinity : t - tk / rate;
        }
      }
      if (this.burst.enabled[a]) this.burst.count(a, len);
    }
  }

  /** Burst ticks of tree `r` due at `t`. */
  private runTicks(r: number, t: number): void {
    for (let i = this.treeBurstStart[r]!, hi = this.treeBurstStart[r + 1]!; i < hi; i++) {
      const c = this.treeBurst[i]!;
      while (this.burst.nextTick(c) <= t) this.burst.tick(c);
      this.applyBurst(c, t);
    }
    this.refresh(r);
  }

  /** Switch class `c`'s ceil between max-limit and burst-limit at `t` when its burst state changed. */
  private applyBurst(c: number, t: number): void {
    const on = this.burst.on[c]!;
    if (on === this.burstApplied[c]) return;
    this.burstApplied[c] = on;
    const old = this.ceil[c]!;
    let ct = this.ctok[c]! + (t - this.ctokAt[c]!) * old;
    const next = on ? this.burstCeil[c]! : this.baseCeil[c]!;
    const cap = this.bucketSize[c]! * next;
    if (ct > cap) ct = cap;
    this.ctok[c] = ct;
    this.ctokAt[c] = t;
    this.ceil[c] = next;
    this.notRedAt[c] = ct >= 0 ? -Infinity : t - ct / next;
    if (this.parent[c]! < 0) {
      this.rate[c] = next;
      this.greenAt[c] = this.notRedAt[c]!;
    }
  }

  /** A tree turns busy at `now`: catch its burst meters up over the idle time. */
  private wakeTree(r: number, now: number): void {
    for (let i = this.treeBurstStart[r]!, hi = this.treeBurstStart[r + 1]!; i < hi; i++) {
      const c = this.treeBurst[i]!;
      this.burst.catchUp(c, now);
      this.applyBurst(c, now);
    }
  }

  private activate(r: number): void {
    this.activePos[r] = this.activeCount;
    this.activeRoots[this.activeCount++] = r;
    this.refresh(r);
  }

  private deactivate(r: number): void {
    const p = this.activePos[r]!;
    const last = this.activeRoots[--this.activeCount]!;
    this.activePos[r] = -1;
    this.treeDep[r] = Infinity;
    this.treeTick[r] = Infinity;
    if (last !== r) {
      this.activeRoots[p] = last;
      this.activePos[last] = p;
      this.sift(last);
    }
  }

  /** A busy tree's next event. */
  private key(r: number): number {
    const d = this.treeDep[r]!;
    const k = this.treeTick[r]!;
    return d < k ? d : k;
  }

  /** `a` goes before `b` in the heap. */
  private before(a: number, b: number): boolean {
    const ka = this.key(a);
    const kb = this.key(b);
    return ka < kb || (ka === kb && a < b);
  }

  /** Restore the heap order around busy tree `r` after its key changed. */
  private sift(r: number): void {
    const h = this.activeRoots;
    const pos = this.activePos;
    let i = pos[r]!;
    while (i > 0) {
      const up = (i - 1) >> 1;
      const u = h[up]!;
      if (!this.before(r, u)) break;
      h[i] = u;
      pos[u] = i;
      i = up;
    }
    const n = this.activeCount;
    for (;;) {
      const l = 2 * i + 1;
      if (l >= n) break;
      let c = l;
      const rr = l + 1;
      if (rr < n && this.before(h[rr]!, h[l]!)) c = rr;
      const x = h[c]!;
      if (!this.before(x, r)) break;
      h[i] = x;
      pos[x] = i;
      i = c;
    }
    h[i] = r;
    pos[r] = i;
  }

  private emit(slot: number, time: number, code: number): void {
    let i = this.ringHead + this.ringCount;
    if (i >= this.slots) i -= this.slots;
    this.ringSlot[i] = slot;
    this.ringTime[i] = time;
    this.ringCode[i] = code;
    this.ringCount++;
  }
}

/** The leaf queue for a queue type (an unknown type index gets RouterOS's `default`: pfifo 50). */
function makeQueue(env: LeafQueueEnv, t: QueueTypeSpec | undefined, slots: number, rng: Rng, cls: number): LeafQueue {
  if (t === undefined) return new FifoQueue(env, 50, false, cls);
  const limit = num(t.limit, 50);
  switch (t.kind) {
    case QKind.BFIFO:
      return new FifoQueue(env, limit, true, cls);
    case QKind.RED: {
      const r = t.red ?? { minThreshold: 10, maxThreshold: 50, burst: 20, avgPacket: 1000 };
      return new RedQueue(env, limit, num(r.minThreshold, 10), num(r.maxThreshold, 50), num(r.burst, 20), rng);
    }
    case QKind.SFQ: {
      const s = t.sfq ?? { perturb: 5, allot: 1514 };
      return new SfqQueue(env, num(s.perturb, 5), num(s.allot, 1514), rng);
    }
    case QKind.PCQ: {
      const p = t.pcq;
      if (p === undefined) return new PcqQueue(env, 1, 0, 51200, 2048000, 32, 32);
      return new PcqQueue(env, p.classifier | 0, num(p.rate, 0), num(p.limit, 51200), num(p.totalLimit, 2048000), num(p.srcMask, 32), num(p.dstMask, 32));
    }
    case QKind.CODEL: {
      const c = t.codel ?? { interval: 0.1, target: 0.005, ecn: false };
      return new CodelQueue(env, limit, num(c.target, 0.005), num(c.interval, 0.1));
    }
    case QKind.FQ_CODEL: {
      const f = t.fqCodel ?? { flows: 1024, quantum: 1514, memlimit: 32 << 20, interval: 0.1, target: 0.005, ecn: true };
      return new FqCodelQueue(env, limit, num(f.flows, 1024), num(f.quantum, 1514), num(f.memlimit, 32 << 20), num(f.target, 0.005), num(f.interval, 0.1), rng);
    }
    case QKind.NONE:
      return new FifoQueue(env, slots, false, cls);
    default:
      return new FifoQueue(env, limit, false, cls);
  }
}
