/**
 * SFQ (`kind=sfq`): Stochastic Fairness Queueing as RouterOS documents it and Linux sch_sfq runs it.
 *
 * Packets are hashed on src/dst address and ports (with a salt) into 1024 substreams; backlogged substreams are
 * served round robin, each sending up to `sfq-allot` bytes per turn (deficit round robin: a substream whose
 * allowance went negative gets `allot` more and goes to the back of the ring). The queue holds 128 packets in
 * all; when a packet arrives to a full queue, the longest substream loses its newest packet (Linux
 * sfq_drop: tail of the longest slot) — if that is the arriving packet's own substream, the arrival is refused.
 * Every `sfq-perturb` seconds the salt is redrawn from the scheduler's seeded generator, so colliding flows are
 * separated again; packets already queued stay in their substreams (Linux re-hashes them; the difference is
 * only which queue a handful of held packets drain from).
 */
import { QDrop } from './spec';
import type { DropSink, LeafQueue, LeafQueueEnv } from './leaf-queue';
import { flowHash, type Rng } from '../rng';
import { SlotLists } from './slot-list';

export const SFQ_BUCKETS = 1024;
export const SFQ_LIMIT = 128;

export class SfqQueue implements LeafQueue {
  private readonly q: SlotLists;
  private readonly sink: DropSink;
  private readonly deficit = new Float64Array(SFQ_BUCKETS);
  /** round-robin ring of backlogged buckets (linked by `ringNext`) */
  private readonly ringNext = new Int32Array(SFQ_BUCKETS).fill(-1);
  private ringHead = -1;
  private ringTail = -1;
  private salt: number;
  private nextPerturb: number;
  private total = 0;
  private totalBytes = 0;
  constructor(
    env: LeafQueueEnv,
    private readonly perturb: number,
    private readonly allot: number,
    private readonly rng: Rng,
  ) {
    this.q = new SlotLists(env.pool, SFQ_BUCKETS);
    this.sink = env.sink;
    this.salt = rng.next();
    this.nextPerturb = perturb > 0 ? perturb : Infinity;
    if (!(this.allot > 0)) this.allot = 1514;
  }
  get packets(): number {
    return this.total;
  }
  get bytes(): number {
    return this.totalBytes;
  }
  enqueue(slot: number, len: number, now: number, src: number, dst: number, sport: number, dport: number): number {
    if (now >= this.nextPerturb) {
      this.salt = this.rng.next();
      this.nextPerturb = now + this.perturb;
    }
    const b = flowHash(src, dst, sport, dport, this.salt) & (SFQ_BUCKETS - 1);
    const q = this.q;
    if (this.total >= SFQ_LIMIT) {
      // the longest substream pays
      let longest = b;
      for (let i = this.ringHead; i >= 0; i = this.ringNext[i]!) if (q.count[i]! > q.count[longest]!) longest = i;
      if (longest === b) return QDrop.FULL;
      const victim = q.pop(longest);
      this.total--;
      this.totalBytes -= this.q.pool.len[victim]!;
      if (q.count[longest] === 0) this.unlink(longest);
      this.sink.dropHeld(victim, now, QDrop.FULL);
    }
    if (q.count[b] === 0) {
      this.deficit[b] = this.allot;
      this.ringNext[b] = -1;
      if (this.ringTail < 0) this.ringHead = b;
      else this.ringNext[this.ringTail] = b;
      this.ringTail = b;
    }
    q.push(b, slot);
    this.total++;
    this.totalBytes += len;
    return QDrop.NONE;
  }
  readyAt(): number {
    return this.total > 0 ? -Infinity : Infinity;
  }
  dequeue(): number {
    const q = this.q;
    for (;;) {
      const b = this.ringHead;
      if (b < 0) return -1;
      if (this.deficit[b]! <= 0) {
        this.deficit[b]! += this.allot;
        this.rotate();
        continue;
      }
      const s = q.shift(b);
      const len = q.pool.len[s]!;
      this.deficit[b]! -= len;
      this.total--;
      this.totalBytes -= len;
      if (q.count[b] === 0) this.unlink(b);
      return s;
    }
  }
  /** head of the ring to its tail */
  private rotate(): void {
    const b = this.ringHead;
    if (b === this.ringTail) return;
    this.ringHead = this.ringNext[b]!;
    this.ringNext[b] = -1;
    this.ringNext[this.ringTail] = b;
    this.ringTail = b;
  }
  private unlink(b: number): void {
    let prev = -1;
    for (let i = this.ringHead; i >= 0; prev = i, i = this.ringNext[i]!) {
      if (i !== b) continue;
      const n = this.ringNext[i]!;
      if (prev < 0) this.ringHead = n;
      else this.ringNext[prev] = n;
      if (this.ringTail === b) this.ringTail = prev;
      this.ringNext[b] = -1;
      return;
    }
  }
}
