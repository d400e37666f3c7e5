/**
 * A small open-addressing hash over typed arrays for the firewall's per-flow matcher state (dst-limit
 * buckets, psd source hosts, connection-limit counts): keys are up to three int32 words, values live in the
 * caller's own columns indexed by the entry id this table hands out. Keys are compared as int32: pass
 * unsigned values through `| 0`. No object per entry, no allocation
 * after construction.
 *
 * Layout as conntrack/table.ts: entries `0..max-1` with a free list; hash slots (a power of two, at least
 * twice `max`) hold `[hash | 1, id + 1]` (0 = empty), linear probing, backward-shift deletion (no tombstones).
 * The hash is seeded, so replays are deterministic. When the table is full `insert` returns -1: the caller
 * decides what to evict (dst-limit: an expired or the oldest-scanned entry; psd: round robin, as xt_psd).
 *
 * A table can live in a SharedArrayBuffer (`KeyTable.shared`: every column and the free-list head in it), so
 * several worker threads can hold views of one table; they must take turns (the caller's lock: a dst-limit
 * rule's spin lock, dataplane/firewall/shared-rules.ts).
 */

function mix3(a: number, b: number, c: number, seed: number): number {
  let h = Math.imul(a ^ seed, 0xcc9e2d51);
  h = Math.imul((h << 15) | (h >>> 17), 0x1b873593) ^ b;
  h = Math.imul((h << 13) | (h >>> 19), 5) + 0xe6546b64;
  h ^= Math.imul(c, 0x9e3779b1);
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  return (h ^ (h >>> 16)) | 1;
}

export class KeyTable {
  readonly max: number;
  /** Key words per entry. */
  readonly k0: Int32Array;
  readonly k1: Int32Array;
  readonly k2: Int32Array;
  private readonly eh: Int32Array;
  private readonly slots: Int32Array;
  private readonly mask: number;
  private readonly nextFree: Int32Array;
  /** [free-list head, entries in use] (in the shared buffer for a shared table). */
  private readonly st: Int32Array;

  /** Bytes of a shared table of `max` entries (KeyTable.shared). */
  static bytes(max: number): number {
    return 4 * (2 + slotCount(max) * 2 + 5 * max);
  }

  /**
   * A table whose columns are in `sab` (KeyTable.bytes(max) bytes at `offset`); `init`: this is the thread
   * that makes it (the others attach to it as it is).
   */
  static shared(max: number, sab: SharedArrayBuffer, offset: number, init: boolean, seed = 0x9747b28c): KeyTable {
    return new KeyTable(max, seed, { sab, offset, init });
  }

  constructor(max: number, private readonly seed = 0x9747b28c, shared?: { sab: SharedArrayBuffer; offset: number; init: boolean }) {
    if (!Number.isInteger(max) || max < 1) throw new RangeError(`KeyTable: max must be >= 1, got ${max}`);
    const n = slotCount(max);
    this.max = max;
    this.mask = n - 1;
    const buf = shared?.sab ?? new ArrayBuffer(KeyTable.bytes(max));
    let o = shared?.offset ?? 0;
    const take = (len: number): Int32Array => {
      const a = new Int32Array(buf, o, len);
      o += 4 * len;
      return a;
    };
    this.st = take(2);
    this.slots = take(n * 2);
    this.k0 = take(max);
    this.k1 = take(max);
    this.k2 = take(max);
    this.eh = take(max);
    this.nextFree = take(max);
    if (shared === undefined || shared.init) this.clear();
  }

  get size(): number {
    return this.st[1]!;
  }

  /** Is entry `id` in use. */
  live(id: number): boolean {
    return id >= 0 && id < this.max && this.nextFree[id] === -2;
  }

  /** The entry holding key (a, b, c), or -1. */
  find(a: number, b: number, c: number): number {
    const h = mix3(a, b, c, this.seed);
    const s = this.slots;
    let i = h & this.mask;
    for (;;) {
      const w = s[i * 2]!;
      if (w === 0) return -1;
      if (w === h) {
        const id = s[i * 2 + 1]! - 1;
        if (this.k0[id] === a && this.k1[id] === b && this.k2[id] === c) return id;
      }
      i = (i + 1) & this.mask;
    }
  }

  /** A new entry for key (a, b, c) (the caller checked `find` first), or -1 when the table is full. */
  insert(a: number, b: number, c: number): number {
    const st = this.st;
    const id = st[0]!;
    if (id < 0) return -1;
    st[0] = this.nextFree[id]!;
    this.nextFree[id] = -2;
    st[1] = st[1]! + 1;
    this.k0[id] = a;
    this.k1[id] = b;
    this.k2[id] = c;
    const h = mix3(a, b, c, this.seed);
    this.eh[id] = h;
    const s = this.slots;
    let i = h & this.mask;
    while (s[i * 2] !== 0) i = (i + 1) & this.mask;
    s[i * 2] = h;
    s[i * 2 + 1] = id + 1;
    return id;
  }

  /** Remove entry `id` (no-op when not in use). */
  remove(id: number): void {
    if (!this.live(id)) return;
    const s = this.slots;
    const mask = this.mask;
    let i = this.eh[id]! & mask;
    while (s[i * 2 + 1] !== id + 1) {
      if (s[i * 2] === 0) return;
      i = (i + 1) & mask;
    }
    let j = i;
    for (;;) {
      s[i * 2] = 0;
      s[i * 2 + 1] = 0;
      for (;;) {
        j = (j + 1) & mask;
        const w = s[j * 2]!;
        if (w === 0) {
          const st = this.st;
          this.nextFree[id] = st[0]!;
          st[0] = id;
          st[1] = st[1]! - 1;
          return;
        }
        const home = w & mask;
        if (i <= j ? home <= i || home > j : home <= i && home > j) break;
      }
      s[i * 2] = s[j * 2]!;
      s[i * 2 + 1] = s[j * 2 + 1]!;
      i = j;
    }
  }

  /** Remove every entry. */
  clear(): void {
    this.slots.fill(0);
    for (let i = 0; i < this.max; i++) this.nextFree[i] = i + 1 < this.max ? i + 1 : -1;
    this.st[0] = 0;
    this.st[1] = 0;
  }
}

/** Hash slots for `max` entries: a power of two, at least twice `max` (and 8). */
function slotCount(max: number): number {
  let n = 8;
  while (n < max * 2) n *= 2;
  return n;
}
