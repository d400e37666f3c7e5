/**
 * pfifo, bfifo, mq-pfifo and none (`/queue type kind=`): one tail-drop FIFO, bounded in packets (pfifo,
 * mq-pfifo: flowplane has one transmit queue per port, so mq-pfifo is pfifo) or bytes (bfifo), like Linux
 * sch_fifo. `none` (only-hardware-queue) holds without a bound of its own: its packets leave as soon as the
 * class's tokens let them (an interface queue's class is unlimited, so at once).
 *
 * A limit of 0 would make a pure shaper (RouterOS: "size 0 = drop what cannot leave now"); flowplane holds at
 * least one packet instead, because departures are decided by the scheduler after the enqueue (UNCONFIRMED).
 */
import { QDrop } from './spec';
import type { LeafQueue, LeafQueueEnv } from './leaf-queue';
import { SlotLists } from './slot-list';

export class FifoQueue implements LeafQueue {
  private readonly q: SlotLists;
  /** This queue's list in `q` (its class index when the scheduler shares one SlotLists among its FIFOs). */
  private readonly i: number;
  private readonly limit: number;
  constructor(
    env: LeafQueueEnv,
    limit: number,
    private readonly inBytes: boolean,
    list = -1,
  ) {
    if (env.fifos !== undefined && list >= 0) {
      this.q = env.fifos;
      this.i = list;
    } else {
      this.q = new SlotLists(env.pool, 1);
      this.i = 0;
    }
    this.limit = Math.max(1, limit);
  }
  get packets(): number {
    return this.q.count[this.i]!;
  }
  get bytes(): number {
    return this.q.bytes[this.i]!;
  }
  enqueue(slot: number, len: number): number {
    const q = this.q;
    const i = this.i;
    if (this.inBytes ? q.bytes[i]! + len > this.limit : q.count[i]! >= this.limit) return QDrop.FULL;
    q.push(i, slot);
    return QDrop.NONE;
  }
  readyAt(): number {
    return this.q.count[this.i]! > 0 ? -Infinity : Infinity;
  }
  dequeue(): number {
    return this.q.shift(this.i);
  }
}
