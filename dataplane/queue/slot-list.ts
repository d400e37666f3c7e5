/**
 * Packet FIFOs threaded through the packet pool's slots.
 *
 * A held packet belongs to exactly one queue at a time, so every queue of a scheduler (a leaf's FIFO, an sfq
 * or pcq substream, an fq-codel flow) is a doubly linked list whose links live in per-slot typed arrays
 * (`SlotPool`), and whose heads, tails and counters live in per-list typed arrays (`SlotLists`). Enqueue,
 * dequeue and tail drop are O(1), nothing is allocated per packet, and no queue needs a capacity of its own:
 * the pool's slot count bounds them all.
 */

/** Per-slot facts a scheduler keeps while it holds a packet. */
export class SlotPool {
  readonly next: Int32Array;
  readonly prev: Int32Array;
  /** wire length in bytes */
  readonly len: Uint32Array;
  /** enqueue time (CoDel sojourn time) */
  readonly stamp: Float64Array;
  /** the leaf class holding the slot, -1 when free */
  readonly owner: Int32Array;
  constructor(readonly slots: number) {
    this.next = new Int32Array(slots);
    this.prev = new Int32Array(slots);
    this.len = new Uint32Array(slots);
    this.stamp = new Float64Array(slots);
    this.owner = new Int32Array(slots).fill(-1);
  }
}

/** `n` FIFO lists of pool slots, with packet and byte counts. */
export class SlotLists {
  readonly head: Int32Array;
  readonly tail: Int32Array;
  readonly count: Uint32Array;
  readonly bytes: Float64Array;
  constructor(
    readonly pool: SlotPool,
    n: number,
  ) {
    this.head = new Int32Array(n).fill(-1);
    this.tail = new Int32Array(n).fill(-1);
    this.count = new Uint32Array(n);
    this.bytes = new Float64Array(n);
  }

  push(list: number, slot: number): void {
    const p = this.pool;
    const t = this.tail[list]!;
    p.next[slot] = -1;
    p.prev[slot] = t;
    if (t < 0) this.head[list] = slot;
    else p.next[t] = slot;
    this.tail[list] = slot;
    this.count[list]!++;
    this.bytes[list]! += p.len[slot]!;
  }

  /** Remove and return the oldest slot, -1 when empty. */
  shift(list: number): number {
    const s = this.head[list]!;
    if (s < 0) return -1;
    const p = this.pool;
    const n = p.next[s]!;
    this.head[list] = n;
    if (n < 0) this.tail[list] = -1;
    else p.prev[n] = -1;
    this.count[list]!--;
    this.bytes[list]! -= p.len[s]!;
    return s;
  }

  /** Remove and return the newest slot, -1 when empty. */
  pop(list: number): number {
    const s = this.tail[list]!;
    if (s < 0) return -1;
    const p = this.pool;
    const q = p.prev[s]!;
    this.tail[list] = q;
    if (q < 0) this.head[list] = -1;
    else p.next[q] = -1;
    this.count[list]!--;
    this.bytes[list]! -= p.len[s]!;
    return s;
  }
}
