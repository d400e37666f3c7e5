/**
 * CoDel (`kind=codel`, and per flow inside fq-codel): the controlled-delay AQM of Linux include/net/codel.h
 * and codel_impl.h (RFC 8289), on float seconds.
 *
 * At dequeue the head packet's sojourn time (now − enqueue time) is compared with `target`. Once it has stayed
 * above target for a whole `interval` (and more than one MTU is queued), CoDel enters the dropping state: it
 * drops the head, then drops again at `drop_next = t + interval / sqrt(count)` while the sojourn time stays
 * above target (the control law), leaving when it falls below. Re-entering soon after leaving resumes from the
 * previous count (count − lastcount when within 16 intervals), as Linux does. The inverse square root is
 * computed exactly rather than by Linux's Newton step.
 *
 * ECN: flowplane does not rewrite the held packet's bytes here, so `ecn=yes` drops as well (UNCONFIRMED).
 * Limit: the queue holds `limit` packets (tail drop, FULL).
 *
 * `CodelVars` is struct-of-arrays state for n queues; `codelDequeue` runs the algorithm on one list of a
 * `SlotLists`, reporting drops to the sink with QDrop.CODEL.
 */
import { QDrop } from './spec';
import type { DropSink, LeafQueue, LeafQueueEnv } from './leaf-queue';
import { SlotLists } from './slot-list';

/** Linux's codel mtu: a queue holding at most this many bytes is never dropped from. */
export const CODEL_MTU = 1514;

export class CodelVars {
  readonly count: Uint32Array;
  readonly lastCount: Uint32Array;
  readonly dropping: Uint8Array;
  /** -Infinity = not above target */
  readonly firstAbove: Float64Array;
  readonly dropNext: Float64Array;
  /** dropped packets (stats) */
  drops = 0;
  constructor(n: number) {
    this.count = new Uint32Array(n);
    this.lastCount = new Uint32Array(n);
    this.dropping = new Uint8Array(n);
    this.firstAbove = new Float64Array(n).fill(-Infinity);
    this.dropNext = new Float64Array(n);
  }
}

function shouldDrop(v: CodelVars, i: number, q: SlotLists, slot: number, now: number, target: number, interval: number): boolean {
  if (slot < 0) {
    v.firstAbove[i] = -Infinity;
    return false;
  }
  const sojourn = now - q.pool.stamp[slot]!;
  if (sojourn < target || q.bytes[i]! <= CODEL_MTU) {
    v.firstAbove[i] = -Infinity;
    return false;
  }
  if (v.firstAbove[i] === -Infinity) {
    v.firstAbove[i] = now + interval;
    return false;
  }
  return now >= v.firstAbove[i]!;
}

/**
 * Dequeue the head of list `i` under CoDel state `i` (same index). Returns the slot to send, -1 when the list
 * ran empty; dropped packets go to `sink` at `now` with QDrop.CODEL.
 */
export function codelDequeue(
  v: CodelVars,
  q: SlotLists,
  i: number,
  now: number,
  target: number,
  interval: number,
  sink: DropSink,
): number {
  let s = q.shift(i);
  let drop = shouldDrop(v, i, q, s, now, target, interval);
  if (v.dropping[i]) {
    if (!drop) v.dropping[i] = 0;
    else if (now >= v.dropNext[i]!) {
      while (v.dropping[i] && now >= v.dropNext[i]!) {
        v.count[i]!++;
        sink.dropHeld(s, now, QDrop.CODEL);
        v.drops++;
        s = q.shift(i);
        if (!shouldDrop(v, i, q, s, now, target, interval)) v.dropping[i] = 0;
        else v.dropNext[i] = v.dropNext[i]! + interval / Math.sqrt(v.count[i]!);
      }
    }
  } else if (drop) {
    sink.dropHeld(s, now, QDrop.CODEL);
    v.drops++;
    s = q.shift(i);
    drop = shouldDrop(v, i, q, s, now, target, interval);
    v.dropping[i] = 1;
    const delta = v.count[i]! - v.lastCount[i]!;
    v.count[i] = delta > 1 && now - v.dropNext[i]! < 16 * interval ? delta : 1;
    v.lastCount[i] = v.count[i]!;
    v.dropNext[i] = now + interval / Math.sqrt(v.count[i]!);
  }
  return s;
}

export class CodelQueue implements LeafQueue {
  private readonly q: SlotLists;
  private readonly v = new CodelVars(1);
  private readonly sink: LeafQueueEnv['sink'];
  private readonly limit: number;
  constructor(
    env: LeafQueueEnv,
    limit: number,
    private readonly target: number,
    private readonly interval: number,
  ) {
    this.q = new SlotLists(env.pool, 1);
    this.sink = env.sink;
    this.limit = Math.max(1, limit);
  }
  get packets(): number {
    return this.q.count[0]!;
  }
  get bytes(): number {
    return this.q.bytes[0]!;
  }
  get drops(): number {
    return this.v.drops;
  }
  enqueue(slot: number): number {
    if (this.q.count[0]! >= this.limit) return QDrop.FULL;
    this.q.push(0, slot);
    return QDrop.NONE;
  }
  readyAt(): number {
    return this.q.count[0]! > 0 ? -Infinity : Infinity;
  }
  dequeue(now: number): number {
    return codelDequeue(this.v, this.q, 0, now, this.target, this.interval, this.sink);
  }
}
