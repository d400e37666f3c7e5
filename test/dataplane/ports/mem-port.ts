/** An in-memory live port for tests: `inbox` frames are read, written frames land in `sent`. */
import type { PacketPool } from '../../../dataplane/buf/pool';
import type { LivePort } from '../../../dataplane/ports/live';

export class MemPort implements LivePort {
  readonly kind = 'mem';
  inbox: Uint8Array[] = [];
  sent: Uint8Array[] = [];
  /** How many more frames write() accepts (Infinity: all). */
  room = Infinity;
  ready: (() => void) | null = null;
  closed = false;
  lastError: string | null = null;
  constructor(readonly device: string) {}
  watch(ready: () => void): void {
    this.ready = ready;
  }
  read(pool: PacketPool, out: Uint32Array, at: number, max: number): number {
    let n = 0;
    while (n < max && this.inbox.length > 0) {
      const f = this.inbox.shift()!;
      const s = pool.alloc();
      pool.write(s, f, 0, f.length);
      out[at + n++] = s;
    }
    return n;
  }
  write(pool: PacketPool, slots: Uint32Array, n: number): number {
    let i = 0;
    for (; i < n && this.room > 0; i++, this.room--) this.sent.push(pool.frameCopy(slots[i]!));
    if (i < n) this.lastError = 'No buffer space available';
    return i;
  }
  close(): void {
    this.closed = true;
  }
}

