/**
 * FQ-CoDel (`kind=fq-codel`; `cake` is compiled to it): Linux sch_fq_codel.
 *
 * Packets are hashed (addresses and ports, salted from the seed) into `fq-codel-flows` flows, each a FIFO
 * with its own CoDel state (codel.ts). Flows are served by deficit round robin with `fq-codel-quantum` bytes;
 * a flow that turns active joins the *new* list (served first, with a full quantum), moves to the *old* list
 * when its quantum is spent, and leaves when it runs empty on the old list (an empty new flow first goes to the
 * old list, so one flow cannot stay "new" by sending one packet at a time). That keeps sparse flows (a ping, a
 * DNS query, a TCP ACK stream) ahead of bulk ones.
 *
 * Overflow: above `fq-codel-limit` packets or `fq-codel-memlimit` bytes (wire lengths stand in for Linux's
 * truesize), the flow with the most bytes loses packets from its head until the queue fits again (Linux drops
 * up to half of the fattest flow in one batch; flowplane drops only what is needed). Head drops of held
 * packets go to the sink as FULL (packet limit) or MEMORY (memlimit); the arriving packet is kept.
 */
import { QDrop } from './spec';
import type { DropSink, LeafQueue, LeafQueueEnv } from './leaf-queue';
import { CodelVars, codelDequeue } from './codel';
import { flowHash, type Rng } from '../rng';
import { SlotLists } from './slot-list';

export class FqCodelQueue implements LeafQueue {
  private readonly q: SlotLists;
  private readonly v: CodelVars;
  private readonly sink: DropSink;
  private readonly deficit: Float64Array;
  /** 0 = in no list, 1 = new, 2 = old */
  private readonly where: Uint8Array;
  private readonly link: Int32Array;
  private newHead = -1;
  private newTail = -1;
  private oldHead = -1;
  private oldTail = -1;
  private readonly salt: number;
  private total = 0;
  private totalBytes = 0;
  private readonly nflows: number;
  private readonly limit: number;
  private readonly memlimit: number;
  private readonly quantum: number;
  constructor(
    env: LeafQueueEnv,
    limit: number,
    flows: number,
    quantum: number,
    memlimit: number,
    private readonly target: number,
    private readonly interval: number,
    rng: Rng,
  ) {
    this.nflows = Math.max(1, Math.min(65536, flows | 0));
    this.q = new SlotLists(env.pool, this.nflows);
    this.v = new CodelVars(this.nflows);
    this.sink = env.sink;
    this.deficit = new Float64Array(this.nflows);
    this.where = new Uint8Array(this.nflows);
    this.link = new Int32Array(this.nflows).fill(-1);
    this.salt = rng.next();
    this.limit = Math.max(1, limit);
    this.memlimit = memlimit > 0 ? memlimit : Infinity;
    this.quantum = quantum > 0 ? quantum : 1514;
  }
  get packets(): number {
    return this.total;
  }
  get bytes(): number {
    return this.totalBytes;
  }
  get codelDrops(): number {
    return this.v.drops;
  }
  /** which flow a packet hashes to */
  flowOf(src: number, dst: number, sport: number, dport: number): number {
    return flowHash(src, dst, sport, dport, this.salt) % this.nflows;
  }

  enqueue(slot: number, len: number, now: number, src: number, dst: number, sport: number, dport: number): number {
    const f = this.flowOf(src, dst, sport, dport);
    this.q.push(f, slot);
    this.total++;
    this.totalBytes += len;
    if (this.where[f] === 0) {
      this.where[f] = 1;
      this.deficit[f] = this.quantum;
      this.append(true, f);
    }
    while (this.total > this.limit || this.totalBytes > this.memlimit) {
      const code = this.total > this.limit ? QDrop.FULL : QDrop.MEMORY;
      let fat = f;
      for (let i = 0; i < this.nflows; i++) if (this.q.bytes[i]! > this.q.bytes[fat]!) fat = i;
      const s = this.q.shift(fat);
      this.total--;
      this.totalBytes -= this.q.pool.len[s]!;
      if (s === slot) return code; // the arrival itself was the one to go: refused, not held
      this.sink.dropHeld(s, now, code);
    }
    return QDrop.NONE;
  }

  readyAt(): number {
    return this.total > 0 ? -Infinity : Infinity;
  }

  dequeue(now: number): number {
    const q = this.q;
    for (;;) {
      const isNew = this.newHead >= 0;
      const f = isNew ? this.newHead : this.oldHead;
      if (f < 0) return -1;
      if (this.deficit[f]! <= 0) {
        this.deficit[f]! += this.quantum;
        this.removeHead(isNew);
        this.where[f] = 2;
        this.append(false, f);
        continue;
      }
      const before = q.count[f]!;
      const beforeBytes = q.bytes[f]!;
      const s = codelDequeue(this.v, q, f, now, this.target, this.interval, this.sink);
      // CoDel may have dropped packets: keep the totals in step
      this.total -= before - q.count[f]! - (s >= 0 ? 1 : 0);
      this.totalBytes -= beforeBytes - q.bytes[f]! - (s >= 0 ? q.pool.len[s]! : 0);
      if (s < 0) {
        this.removeHead(isNew);
        if (isNew && this.oldHead >= 0) {
          this.where[f] = 2;
          this.append(false, f);
        } else this.where[f] = 0;
        continue;
      }
      this.total--;
      this.totalBytes -= q.pool.len[s]!;
      this.deficit[f]! -= q.pool.len[s]!;
      return s;
    }
  }

  private append(toNew: boolean, f: number): void {
    this.link[f] = -1;
    if (toNew) {
      if (this.newTail < 0) this.newHead = f;
      else this.link[this.newTail] = f;
      this.newTail = f;
    } else {
      if (this.oldTail < 0) this.oldHead = f;
      else this.link[this.oldTail] = f;
      this.oldTail = f;
    }
  }
  private removeHead(fromNew: boolean): void {
    if (fromNew) {
      const f = this.newHead;
      this.newHead = this.link[f]!;
      if (this.newHead < 0) this.newTail = -1;
    } else {
      const f = this.oldHead;
      this.oldHead = this.link[f]!;
      if (this.oldHead < 0) this.oldTail = -1;
    }
  }
}
