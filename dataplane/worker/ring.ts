/**
 * A single-producer single-consumer ring of packet vectors over a SharedArrayBuffer: how vectors of slot
 * indices cross threads (dispatcher → worker, worker → dispatcher) without a message per packet.
 *
 * Each entry is a count and up to `vectorSize` slot indices. The producer writes an entry and then publishes
 * it with an `Atomics.store` of the tail (a release: the entry is visible before the new tail); the consumer
 * reads the tail with `Atomics.load`, copies the entry out and stores the head. A side that finds the ring
 * empty (or full) may sleep in `Atomics.wait` on the word it needs to change; the other side `notify`s after
 * each publish — a futex wake per vector, never per packet. Nothing allocates after construction.
 *
 * Frames are never copied through the ring: only slot indices. The slots themselves (frames and metadata)
 * are in the PacketPool's SharedArrayBuffers, owned by whichever thread holds their index.
 */

const HEAD = 0;
const TAIL = 1;
const CLOSED = 2;
const HDR_WORDS = 4;

export class VectorRing {
  readonly sab: SharedArrayBuffer;
  readonly capacity: number;
  readonly vectorSize: number;
  private readonly hdr: Int32Array;
  private readonly data: Uint32Array;
  private readonly stride: number;
  private readonly mask: number;

  /** A new ring of `capacity` (a power of two) entries of up to `vectorSize` slots, or one over `sab`. */
  constructor(capacity: number, vectorSize: number, sab?: SharedArrayBuffer) {
    if (!Number.isInteger(capacity) || capacity < 2 || (capacity & (capacity - 1)) !== 0) throw new RangeError(`ring capacity must be a power of two >= 2, got ${capacity}`);
    if (!Number.isInteger(vectorSize) || vectorSize < 1) throw new RangeError(`ring vector size must be a positive integer, got ${vectorSize}`);
    this.capacity = capacity;
    this.vectorSize = vectorSize;
    this.stride = vectorSize + 1;
    this.mask = capacity - 1;
    const bytes = HDR_WORDS * 4 + capacity * this.stride * 4;
    this.sab = sab ?? new SharedArrayBuffer(bytes);
    if (this.sab.byteLength < bytes) throw new RangeError(`ring buffer holds ${this.sab.byteLength} bytes, need ${bytes}`);
    this.hdr = new Int32Array(this.sab, 0, HDR_WORDS);
    this.data = new Uint32Array(this.sab, HDR_WORDS * 4, capacity * this.stride);
  }

  /** Entries waiting to be popped. */
  get size(): number {
    return (Atomics.load(this.hdr, TAIL) - Atomics.load(this.hdr, HEAD)) | 0;
  }

  get closed(): boolean {
    return Atomics.load(this.hdr, CLOSED) !== 0;
  }

  /** Producer: publish `slots[from .. from + n)` as one entry. False (nothing written) when the ring is full. */
  push(slots: Uint32Array, n: number, from = 0): boolean {
    if (n > this.vectorSize) throw new RangeError(`vector of ${n} exceeds the ring's ${this.vectorSize}`);
    const tail = Atomics.load(this.hdr, TAIL);
    if (((tail - Atomics.load(this.hdr, HEAD)) | 0) >= this.capacity) return false;
    const o = (tail & this.mask) * this.stride;
    const d = this.data;
    d[o] = n;
    for (let i = 0; i < n; i++) d[o + 1 + i] = slots[from + i]!;
    Atomics.store(this.hdr, TAIL, (tail + 1) | 0);
    Atomics.notify(this.hdr, TAIL);
    return true;
  }

  /** Producer: push, sleeping while the ring is full (up to `timeoutMs` per wait). False when closed. */
  pushWait(slots: Uint32Array, n: number, timeoutMs = 50, from = 0): boolean {
    for (;;) {
      if (this.push(slots, n, from)) return true;
      if (this.closed) return false;
      const head = Atomics.load(this.hdr, HEAD);
      if (((Atomics.load(this.hdr, TAIL) - head) | 0) >= this.capacity) Atomics.wait(this.hdr, HEAD, head, timeoutMs);
    }
  }

  /** Consumer: copy the oldest entry into `out` and return its count, or -1 when the ring is empty. */
  pop(out: Uint32Array): number {
    const head = Atomics.load(this.hdr, HEAD);
    if (head === Atomics.load(this.hdr, TAIL)) return -1;
    const o = (head & this.mask) * this.stride;
    const d = this.data;
    const n = d[o]!;
    for (let i = 0; i < n; i++) out[i] = d[o + 1 + i]!;
    Atomics.store(this.hdr, HEAD, (head + 1) | 0);
    Atomics.notify(this.hdr, HEAD);
    return n;
  }

  /**
   * Consumer: pop, sleeping while the ring is empty (up to `timeoutMs` per wait). Returns -1 once the ring is
   * closed and drained.
   */
  popWait(out: Uint32Array, timeoutMs = 50, once = false): number {
    for (;;) {
      const n = this.pop(out);
      if (n >= 0) return n;
      if (this.closed) return this.pop(out);
      const tail = Atomics.load(this.hdr, TAIL);
      if (tail === Atomics.load(this.hdr, HEAD)) Atomics.wait(this.hdr, TAIL, tail, timeoutMs);
      // `once`: one wait only (the consumer has other things to look at: -1 then means "still empty")
      if (once) return this.pop(out);
    }
  }

  /** Wake a consumer sleeping in popWait without publishing anything (it has something else to see). */
  wake(): void {
    Atomics.notify(this.hdr, TAIL);
  }

  /** No more entries will be pushed: a waiting consumer wakes and sees the end once it has drained the ring. */
  close(): void {
    Atomics.store(this.hdr, CLOSED, 1);
    Atomics.notify(this.hdr, TAIL);
    Atomics.notify(this.hdr, HEAD);
  }
}
