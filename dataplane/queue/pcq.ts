/**
 * PCQ (`kind=pcq`): MikroTik's Per Connection Queue, as the RouterOS manual describes it (no Linux source).
 *
 * - Classification is exact (no hashing): the substream key is the chosen classifier fields, addresses masked
 *   to `pcq-src-address-mask` / `pcq-dst-address-mask`; fields not in the classifier are ignored. Keys live in
 *   an open-addressing table; a substream exists while it holds packets (idle ones are swept when the table
 *   needs room).
 * - Each substream is a FIFO bounded by `pcq-limit` (bytes, as the compiled spec gives it), all of them together
 *   by `pcq-total-limit` (bytes); an arrival that does not fit is refused (FULL).
 * - `pcq-rate` = 0: backlogged substreams share the class's departures equally, round robin by bytes (deficit
 *   round robin, quantum 1514 bytes). `pcq-rate` > 0: additionally every substream has its own token bucket of
 *   that rate (eligible while its tokens are ≥ 0, charged per packet, bucket capacity 0.1 s of rate like an HTB
 *   class's default bucket-size), so `readyAt` is the earliest time some backlogged substream may send.
 * - Not modelled (UNCONFIRMED, docs/unconfirmed.md): pcq-burst-rate/-threshold/-time per substream, and IPv6
 *   masks; the substream bucket capacity (0.1 s of pcq-rate) and the round-robin quantum are flowplane's.
 */
import { PcqBy, QDrop } from './spec';
import type { LeafQueue, LeafQueueEnv } from './leaf-queue';
import { SlotLists } from './slot-list';

const QUANTUM = 1514;
/** bucket capacity in seconds of rate, as HTB's default bucket-size */
const PCQ_BUCKET = 0.1;

function maskOf(prefix: number): number {
  const p = prefix | 0;
  return p <= 0 ? 0 : p >= 32 ? 0xffffffff : (0xffffffff << (32 - p)) >>> 0;
}

export class PcqQueue implements LeafQueue {
  private readonly q: SlotLists;
  private readonly cap: number;
  private readonly tableMask: number;
  /** hash table: substream index + 1, 0 = empty */
  private readonly table: Int32Array;
  private readonly k0: Uint32Array;
  private readonly k1: Uint32Array;
  private readonly k2: Uint32Array;
  private readonly used: Uint8Array;
  private live = 0;
  private readonly freeList: Int32Array;
  private freeTop = 0;
  private readonly deficit: Float64Array;
  /** round robin ring of backlogged substreams */
  private readonly ringNext: Int32Array;
  private readonly ringPrev: Int32Array;
  private ringHead = -1;
  private readonly tok: Float64Array;
  private readonly tokAt: Float64Array;
  private readonly rateB: number;
  private readonly tokCap: number;
  private readonly srcMask: number;
  private readonly dstMask: number;
  private total = 0;
  private totalBytes = 0;
  constructor(
    env: LeafQueueEnv,
    private readonly classifier: number,
    rate: number,
    private readonly limit: number,
    private readonly totalLimit: number,
    srcMask: number,
    dstMask: number,
  ) {
    const cap = Math.max(1, env.pool.slots);
    this.cap = cap;
    let size = 2;
    while (size < cap * 2) size <<= 1;
    this.tableMask = size - 1;
    this.table = new Int32Array(size);
    this.k0 = new Uint32Array(cap);
    this.k1 = new Uint32Array(cap);
    this.k2 = new Uint32Array(cap);
    this.used = new Uint8Array(cap);
    this.freeList = new Int32Array(cap);
    for (let i = 0; i < cap; i++) this.freeList[i] = cap - 1 - i;
    this.freeTop = cap;
    this.q = new SlotLists(env.pool, cap);
    this.deficit = new Float64Array(cap);
    this.ringNext = new Int32Array(cap).fill(-1);
    this.ringPrev = new Int32Array(cap).fill(-1);
    this.tok = new Float64Array(cap);
    this.tokAt = new Float64Array(cap);
    this.rateB = rate > 0 ? rate / 8 : 0;
    this.tokCap = this.rateB * PCQ_BUCKET;
    this.srcMask = maskOf(srcMask);
    this.dstMask = maskOf(dstMask);
  }
  get packets(): number {
    return this.total;
  }
  get bytes(): number {
    return this.totalBytes;
  }
  /** substreams known (backlogged ones and idle ones not swept yet) */
  get substreams(): number {
    return this.live;
  }

  enqueue(slot: number, len: number, now: number, src: number, dst: number, sport: number, dport: number): number {
    const c = this.classifier;
    const a = c & PcqBy.SRC_ADDRESS ? (src & this.srcMask) >>> 0 : 0;
    const b = c & PcqBy.DST_ADDRESS ? (dst & this.dstMask) >>> 0 : 0;
    const p = ((c & PcqBy.SRC_PORT ? sport & 0xffff : 0) * 65536 + (c & PcqBy.DST_PORT ? dport & 0xffff : 0)) >>> 0;
    if (this.totalBytes + len > this.totalLimit) return QDrop.FULL;
    let sub = this.find(a, b, p);
    if (sub < 0) {
      if (this.freeTop === 0) this.sweep();
      if (this.freeTop === 0) return QDrop.FULL;
      sub = this.insert(a, b, p, now);
    }
    const q = this.q;
    if (q.bytes[sub]! + len > this.limit) return QDrop.FULL;
    if (q.count[sub] === 0) {
      this.deficit[sub] = QUANTUM;
      this.ringAdd(sub);
    }
    q.push(sub, slot);
    this.total++;
    this.totalBytes += len;
    return QDrop.NONE;
  }

  readyAt(): number {
    if (this.total === 0) return Infinity;
    if (this.rateB === 0) return -Infinity;
    let best = Infinity;
    let i = this.ringHead;
    do {
      const t = this.tok[i]! >= 0 ? -Infinity : this.tokAt[i]! - this.tok[i]! / this.rateB;
      if (t < best) best = t;
      i = this.ringNext[i]!;
    } while (i !== this.ringHead);
    return best;
  }

  dequeue(now: number): number {
    if (this.total === 0) return -1;
    const q = this.q;
    // with pcq-rate, skip substreams whose tokens are not back yet (at most one lap)
    let start = this.ringHead;
    let guard = 0;
    for (;;) {
      const s = this.ringHead;
      if (this.rateB > 0 && this.tokens(s, now) < -1e-6) {
        this.ringHead = this.ringNext[s]!;
        if (this.ringHead === start && ++guard > 1) return -1;
        continue;
      }
      if (this.deficit[s]! <= 0) {
        this.deficit[s]! += QUANTUM;
        this.ringHead = this.ringNext[s]!;
        start = this.ringHead;
        guard = 0;
        continue;
      }
      const slot = q.shift(s);
      const len = q.pool.len[slot]!;
      this.deficit[s]! -= len;
      this.total--;
      this.totalBytes -= len;
      if (this.rateB > 0) {
        this.tok[s] = this.tokens(s, now) - len;
        this.tokAt[s] = now;
      }
      if (q.count[s] === 0) this.ringRemove(s);
      return slot;
    }
  }

  private tokens(s: number, now: number): number {
    const t = this.tok[s]! + (now - this.tokAt[s]!) * this.rateB;
    return t > this.tokCap ? this.tokCap : t;
  }

  private hash(a: number, b: number, p: number): number {
    let h = Math.imul(a ^ 0x9e3779b9, 0x85ebca6b) ^ Math.imul(b ^ 0x7f4a7c15, 0xc2b2ae35) ^ Math.imul(p ^ 0x165667b1, 0x27d4eb2f);
    h ^= h >>> 15;
    h = Math.imul(h, 0x2c1b3c6d);
    h ^= h >>> 12;
    return h & this.tableMask;
  }
  private find(a: number, b: number, p: number): number {
    for (let h = this.hash(a, b, p); ; h = (h + 1) & this.tableMask) {
      const e = this.table[h]!;
      if (e === 0) return -1;
      const i = e - 1;
      if (this.k0[i] === a && this.k1[i] === b && this.k2[i] === p) return i;
    }
  }
  private insert(a: number, b: number, p: number, now: number): number {
    const i = this.freeList[--this.freeTop]!;
    this.k0[i] = a;
    this.k1[i] = b;
    this.k2[i] = p;
    this.used[i] = 1;
    this.tok[i] = 0;
    this.tokAt[i] = now;
    this.live++;
    let h = this.hash(a, b, p);
    while (this.table[h] !== 0) h = (h + 1) & this.tableMask;
    this.table[h] = i + 1;
    return i;
  }
  /** Forget every substream that holds no packet, and rebuild the table. */
  private sweep(): void {
    this.table.fill(0);
    this.freeTop = 0;
    this.live = 0;
    for (let i = this.cap - 1; i >= 0; i--) {
      if (this.used[i] && this.q.count[i]! > 0) {
        this.live++;
        let h = this.hash(this.k0[i]!, this.k1[i]!, this.k2[i]!);
        while (this.table[h] !== 0) h = (h + 1) & this.tableMask;
        this.table[h] = i + 1;
      } else {
        this.used[i] = 0;
        this.freeList[this.freeTop++] = i;
      }
    }
  }
  private ringAdd(s: number): void {
    if (this.ringHead < 0) {
      this.ringHead = s;
      this.ringNext[s] = s;
      this.ringPrev[s] = s;
      return;
    }
    // join at the tail (just before the head)
    const h = this.ringHead;
    const t = this.ringPrev[h]!;
    this.ringNext[t] = s;
    this.ringPrev[s] = t;
    this.ringNext[s] = h;
    this.ringPrev[h] = s;
  }
  private ringRemove(s: number): void {
    const n = this.ringNext[s]!;
    if (n === s) {
      this.ringHead = -1;
    } else {
      const p = this.ringPrev[s]!;
      this.ringNext[p] = n;
      this.ringPrev[n] = p;
      if (this.ringHead === s) this.ringHead = n;
    }
    this.ringNext[s] = -1;
    this.ringPrev[s] = -1;
  }
}
