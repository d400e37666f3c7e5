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
  private readonly limit: number;
  constructor(
    env: LeafQueueEnv,
    limit: number,
    private readonly inBytes: boolean,
  ) {
    this.q = new SlotLists(env.pool, 1);
    this.limit = Math.max(1, limit);
  }
  get packets(): number {
    return this.q.count[0]!;
  }
  get bytes(): number {
    return this.q.bytes[0]!;
  }
  enqueue(slot: number, len: number): number {
    const q = this.q;
    if (this.inBytes ? q.bytes[0]! + len > this.limit : q.count[0]! >= this.limit) return QDrop.FULL;
    q.push(0, slot);
    return QDrop.NONE;
  }
  readyAt(): number {
    return this.q.count[0]! > 0 ? -Infinity : Infinity;
  }
  dequeue(): number {
    return this.q.shift(0);
  }
}
