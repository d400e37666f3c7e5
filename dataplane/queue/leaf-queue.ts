/**
 * What a leaf class's queue (`/queue type`) offers the HTB scheduler.
 *
 * HTB decides *when* a leaf may send (its tokens and its ancestors'); the leaf queue decides *which* of its
 * packets goes and which it refuses or drops. A queue may also hold a packet back on its own (a pcq substream
 * with `pcq-rate` waits for its tokens: `readyAt`), and may drop packets it already holds (sfq and fq-codel drop
 * from their longest flow to make room, CoDel drops at dequeue): those go to the `DropSink`, which reports them
 * to the caller in time order with the departures.
 *
 * The scheduler writes the packet's length into `pool.len[slot]` before `enqueue`.
 */
import type { SlotLists, SlotPool } from './slot-list';

export interface DropSink {
  /** A held packet was dropped at `time` for `code` (a QDrop). */
  dropHeld(slot: number, time: number, code: number): void;
}

export interface LeafQueue {
  /** packets held */
  readonly packets: number;
  /** bytes held */
  readonly bytes: number;
  /** Hold `slot` (QDrop.NONE) or refuse it (the QDrop why). May drop held packets into the sink. */
  enqueue(slot: number, len: number, now: number, src: number, dst: number, sport: number, dport: number): number;
  /** The earliest time `dequeue` can give a packet: -Infinity when one is ready at any time, Infinity when empty. */
  readyAt(): number;
  /** Take the next packet to send at `now`, -1 when none (all held ones may have been dropped into the sink). */
  dequeue(now: number): number;
}

/** The pool and sink every leaf queue of one scheduler shares. */
export interface LeafQueueEnv {
  pool: SlotPool;
  sink: DropSink;
  /**
   * FIFO lists shared by a scheduler's FIFO leaves (one list per class, index = class): thousands of simple
   * queues then share four typed arrays instead of owning four each, which keeps their heads in cache.
   */
  fifos?: SlotLists;
}
