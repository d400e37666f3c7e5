/**
 * A vector: a batch of slot indices that travels through the pipeline (and between threads) as a unit.
 *
 * Stages process a whole vector per call, as VPP's graph nodes do. The object is created once and reused;
 * `count` says how many entries of `slots` are live. Its storage may sit on a SharedArrayBuffer so the
 * same vector can be handed to another thread without copying.
 */
export const VECTOR_SIZE = 256;

export class PacketVector {
  readonly slots: Uint32Array;
  count = 0;

  constructor(capacity: number = VECTOR_SIZE, buffer?: SharedArrayBuffer, byteOffset = 0) {
    this.slots = buffer ? new Uint32Array(buffer, byteOffset, capacity) : new Uint32Array(capacity);
  }

  get capacity(): number {
    return this.slots.length;
  }

  get full(): boolean {
    return this.count === this.slots.length;
  }

  /** Append a slot; returns false (appending nothing) when full. */
  push(slot: number): boolean {
    if (this.count === this.slots.length) return false;
    this.slots[this.count++] = slot;
    return true;
  }

  clear(): void {
    this.count = 0;
  }
}
