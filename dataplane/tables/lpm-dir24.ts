/**
 * The IPv4 FIB: longest-prefix match with DIR-24-8 over typed arrays (Gupta, Lin, McKeown, "Routing lookups
 * in hardware at memory access speeds", 1998 — the scheme behind DPDK's rte_lpm; VPP's ip4_mtrie is the
 * 16-8-8 cousin).
 *
 * ## Encoding
 * - `tbl24`: Int32Array of 2^24 entries, indexed by the top 24 bits of the address (64 MB).
 *   An entry ≥ 0 is a next-hop id (0 = no route). An entry < 0 (sign bit set) is "extended": its low 31 bits
 *   are a tbl8 group index.
 * - `tbl8`: Int32Array of groups of 256 entries, indexed by `group << 8 | (addr & 0xff)`; entries are next-hop
 *   ids (never extended). It starts small and doubles as needed up to `maxTbl8Groups` groups.
 * - `depth24` / `depth8`: Uint8Array mirrors holding, for every entry, the length + 1 of the prefix that wrote it
 *   (0 = none). Control plane only (insert/remove decide by them which entries a prefix owns); the lookup path
 *   never reads them, `matchLength` does.
 * - A tbl8 group exists for a /24 exactly while some prefix longer than /24 lies inside it. When the last such
 *   prefix is removed, every entry of the group holds the same ≤ /24 route, so the group folds back into its
 *   tbl24 entry and goes on a free list for reuse.
 * - The routes themselves (prefix, length → next hop) live in an open-addressing hash over typed arrays, so a
 *   removal can find the next-shorter covering prefix and repaint the removed prefix's entries with it.
 *
 * Signed Int32Array rather than Uint32Array: "extended" is then a sign test, and every value read on the hot
 * path is a small integer for V8 (a Uint32Array read above 2^31 is not).
 *
 * ## Next hops
 * A next hop is a uint31 id (1..2^31-1) of an entry the caller owns — typically an index into the routing
 * stage's table of resolved routes (gateway, interface, ECMP group, blackhole...). 0 is reserved for "no
 * route". The FIB does not store the matched prefix length on the lookup path: give every route its own id and
 * the id says which route matched (what recursive resolution and traces need). `matchLength` returns the
 * length from the control-plane mirror when a caller needs it without its own table.
 *
 * ## Threads
 * The table is built and changed by one thread. Lookups read one tbl24 entry and, for extended entries, one
 * tbl8 entry.
 */

/** Length + 1 stored in the depth mirrors for "this entry belongs to no prefix". */
const NO_DEPTH = 0;
const TBL24_ENTRIES = 1 << 24;
/** Upper bound for `maxTbl8Groups`: group << 8 must stay a positive int32. */
export const DIR24_MAX_TBL8_GROUPS = 1 << 23;
/** Default `maxTbl8Groups`: 65536 groups = 16M tbl8 entries (80 MB at most, allocated as needed). */
export const DIR24_DEFAULT_TBL8_GROUPS = 1 << 16;
const INITIAL_TBL8_GROUPS = 256;
/** Largest next-hop id (ids are uint31; 0 means "no route"). */
export const DIR24_MAX_NEXT_HOP = 0x7fffffff;

export interface Dir24Options {
  /**
   * Most tbl8 groups the table may use (one per /24 that holds prefixes longer than /24). Default 65536;
   * 1..2^23. Memory for them is allocated as needed (5 bytes per entry, 1280 bytes per group).
   */
  maxTbl8Groups?: number;
}

/** Network mask of a prefix length 0..32 as an int32 (JS shifts count mod 32, hence the special case). */
function maskOf(len: number): number {
  return len === 0 ? 0 : -1 << (32 - len);
}

function checkLen(len: number): void {
  if (!(Number.isInteger(len) && len >= 0 && len <= 32)) throw new RangeError(`prefix length must be an integer 0..32, got ${len}`);
}

function checkNextHop(nextHop: number): void {
  if (!(Number.isInteger(nextHop) && nextHop >= 1 && nextHop <= DIR24_MAX_NEXT_HOP)) {
    throw new RangeError(`next-hop id must be an integer 1..${DIR24_MAX_NEXT_HOP} (0 means "no route"), got ${nextHop}`);
  }
}

/** murmur3's 32-bit finaliser over (network, length). */
function hashKey(net: number, len: number): number {
  let h = net ^ Math.imul(len + 1, 0x9e3779b1);
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return h ^ (h >>> 16);
}

/**
 * The routes (network, length) → next hop: linear-probing hash over typed arrays, load ≤ 1/2, deletion by
 * backward shift (no tombstones). Control plane; 9 bytes per slot.
 */
class RouteSet {
  private nets!: Int32Array;
  /** length + 1; 0 = empty slot */
  private lens!: Uint8Array;
  private hops!: Int32Array;
  private mask = 0;
  count = 0;

  constructor(capacity = 1024) {
    this.alloc(capacity);
  }

  private alloc(capacity: number): void {
    let cap = 16;
    while (cap < capacity) cap *= 2;
    this.nets = new Int32Array(cap);
    this.lens = new Uint8Array(cap);
    this.hops = new Int32Array(cap);
    this.mask = cap - 1;
    this.count = 0;
  }

  /** Make room for `n` routes without rehashing on the way. */
  reserve(n: number): void {
    if (n * 2 <= this.mask + 1) return;
    this.rehash(n * 2);
  }

  private rehash(capacity: number): void {
    const { nets, lens, hops } = this;
    const count = this.count;
    this.alloc(capacity);
    for (let i = 0; i < lens.length; i++) if (lens[i] !== 0) this.place(nets[i]!, lens[i]!, hops[i]!);
    this.count = count;
  }

  private place(net: number, l1: number, hop: number): void {
    const mask = this.mask;
    let i = hashKey(net, l1 - 1) & mask;
    while (this.lens[i] !== 0) i = (i + 1) & mask;
    this.nets[i] = net;
    this.lens[i] = l1;
    this.hops[i] = hop;
  }

  private find(net: number, len: number): number {
    const mask = this.mask;
    const l1 = len + 1;
    const nets = this.nets;
    const lens = this.lens;
    let i = hashKey(net, len) & mask;
    for (;;) {
      const l = lens[i]!;
      if (l === 0) return -1;
      if (l === l1 && nets[i] === net) return i;
      i = (i + 1) & mask;
    }
  }

  /** Next hop of (net, len), or 0. `net` is an int32 with host bits clear. */
  get(net: number, len: number): number {
    const i = this.find(net, len);
    return i < 0 ? 0 : this.hops[i]!;
  }

  /** Set (net, len) → hop; returns the previous hop or 0 when the route is new. */
  set(net: number, len: number, hop: number): number {
    const i = this.find(net, len);
    if (i >= 0) {
      const prev = this.hops[i]!;
      this.hops[i] = hop;
      return prev;
    }
    if ((this.count + 1) * 2 > this.mask + 1) this.rehash((this.mask + 1) * 2);
    this.place(net, len + 1, hop);
    this.count++;
    return 0;
  }

  delete(net: number, len: number): boolean {
    let i = this.find(net, len);
    if (i < 0) return false;
    const { nets, lens, hops, mask } = this;
    // backward-shift deletion: pull later members of the probe run into the hole
    let j = i;
    for (;;) {
      j = (j + 1) & mask;
      const l = lens[j]!;
      if (l === 0) break;
      const home = hashKey(nets[j]!, l - 1) & mask;
      // can the entry at j move to i? yes unless its home lies cyclically in (i, j]
      const inside = i <= j ? home > i && home <= j : home > i || home <= j;
      if (inside) continue;
      nets[i] = nets[j]!;
      lens[i] = l;
      hops[i] = hops[j]!;
      i = j;
    }
    lens[i] = 0;
    nets[i] = 0;
    hops[i] = 0;
    this.count--;
    return true;
  }

  /** Visit every route (network as uint32). */
  forEach(fn: (net: number, len: number, hop: number) => void): void {
    const { nets, lens, hops } = this;
    for (let i = 0; i < lens.length; i++) if (lens[i] !== 0) fn(nets[i]! >>> 0, lens[i]! - 1, hops[i]!);
  }

  clear(): void {
    if (this.mask + 1 > 1024) this.alloc(1024);
    else {
      this.lens.fill(0);
      this.count = 0;
    }
  }

  memoryBytes(): number {
    return this.nets.byteLength + this.lens.byteLength + this.hops.byteLength;
  }
}

export class Dir24Fib {
  /** Most tbl8 groups this table may use. */
  readonly maxTbl8Groups: number;
  private readonly tbl24 = new Int32Array(TBL24_ENTRIES);
  private readonly depth24 = new Uint8Array(TBL24_ENTRIES);
  private tbl8: Int32Array;
  private depth8: Uint8Array;
  /** Groups the tbl8 arrays have room for. */
  private tbl8Cap: number;
  /** Groups handed out at least once (those below the mark that are not in use are on the free list). */
  private tbl8Mark = 0;
  private freeGroups: Int32Array;
  private freeTop = 0;
  private readonly routes = new RouteSet();
  /** Sum of 2^(24 - len) over routes ≤ /24: how much of tbl24 `clear` has to wipe. */
  private painted = 0;

  constructor(opts: Dir24Options = {}) {
    const max = opts.maxTbl8Groups ?? DIR24_DEFAULT_TBL8_GROUPS;
    if (!(Number.isInteger(max) && max >= 1 && max <= DIR24_MAX_TBL8_GROUPS)) {
      throw new RangeError(`maxTbl8Groups must be an integer 1..${DIR24_MAX_TBL8_GROUPS}, got ${max}`);
    }
    this.maxTbl8Groups = max;
    this.tbl8Cap = Math.min(INITIAL_TBL8_GROUPS, max);
    this.tbl8 = new Int32Array(this.tbl8Cap << 8);
    this.depth8 = new Uint8Array(this.tbl8Cap << 8);
    this.freeGroups = new Int32Array(this.tbl8Cap);
  }

  /** Number of prefixes in the table. */
  get size(): number {
    return this.routes.count;
  }

  /** tbl8 groups in use (one per /24 holding prefixes longer than /24). */
  get tbl8GroupsInUse(): number {
    return this.tbl8Mark - this.freeTop;
  }

  /** Bytes held by the table's typed arrays (tbl24, tbl8, their depth mirrors, the route hash, free list). */
  memoryBytes(): number {
    return (
      this.tbl24.byteLength +
      this.depth24.byteLength +
      this.tbl8.byteLength +
      this.depth8.byteLength +
      this.freeGroups.byteLength +
      this.routes.memoryBytes()
    );
  }

  /**
   * The next-hop id of the longest prefix containing `addr` (uint32 or int32 — only the bits count),
   * or 0 when no prefix does. The hot path: one tbl24 read, plus one tbl8 read for extended entries.
   */
  lookup(addr: number): number {
    const e = this.tbl24[addr >>> 8]!;
    return e >= 0 ? e : this.tbl8[((e & 0x7fffffff) << 8) | (addr & 0xff)]!;
  }

  /** `out[i] = lookup(addrs[i])` for i < n: the batch form for a pipeline stage. */
  lookupVector(addrs: Uint32Array, out: Uint32Array, n: number): void {
    const t24 = this.tbl24;
    const t8 = this.tbl8;
    for (let i = 0; i < n; i++) {
      const a = addrs[i]!;
      const e = t24[a >>> 8]!;
      out[i] = e >= 0 ? e : t8[((e & 0x7fffffff) << 8) | (a & 0xff)]!;
    }
  }

  /** Length of the longest prefix containing `addr`, or -1 when none does (control plane, traces). */
  matchLength(addr: number): number {
    const i = addr >>> 8;
    const e = this.tbl24[i]!;
    const d = e >= 0 ? this.depth24[i]! : this.depth8[((e & 0x7fffffff) << 8) | (addr & 0xff)]!;
    return d - 1;
  }

  /** Next-hop id of exactly (prefix, len), or 0 when that prefix is not in the table. Host bits are ignored. */
  get(prefix: number, len: number): number {
    checkLen(len);
    return this.routes.get(prefix & maskOf(len), len);
  }

  /**
   * Add the route prefix/len → nextHop, or change the next hop of an existing one. Host bits of `prefix`
   * are ignored (10.1.2.3/8 is 10.0.0.0/8).
   * @throws RangeError for a length outside 0..32, a next hop outside 1..2^31-1, or when the prefix is longer
   *   than /24, needs a new tbl8 group and all `maxTbl8Groups` are in use. The table is unchanged then.
   */
  insert(prefix: number, len: number, nextHop: number): void {
    checkLen(len);
    checkNextHop(nextHop);
    const net = prefix & maskOf(len);
    if (len > 24) this.extend(net >>> 8);
    if (this.routes.set(net, len, nextHop) === 0 && len <= 24) this.painted += 1 << (24 - len);
    this.paint(net, len, nextHop, len + 1);
  }

  /**
   * Remove the route prefix/len; addresses it covered fall back to the next-shorter covering prefix (or to
   * no route). Returns false when the prefix was not in the table. Host bits of `prefix` are ignored.
   */
  remove(prefix: number, len: number): boolean {
    checkLen(len);
    const net = prefix & maskOf(len);
    if (!this.routes.delete(net, len)) return false;
    if (len <= 24) this.painted -= 1 << (24 - len);
    // the next-shorter prefix covering this one takes its entries back
    let hop = 0;
    let depth = NO_DEPTH;
    for (let l = len - 1; l >= 0; l--) {
      const h = this.routes.get(net & maskOf(l), l);
      if (h !== 0) {
        hop = h;
        depth = l + 1;
        break;
      }
    }
    this.unpaint(net, len, len + 1, hop, depth);
    if (len > 24) this.maybeFold(net >>> 8);
    return true;
  }

  /** Remove every route. Cost follows what the table holds (a small table clears in microseconds). */
  clear(): void {
    if (this.painted >= TBL24_ENTRIES >>> 3) {
      this.tbl24.fill(0);
      this.depth24.fill(0);
    } else {
      // wipe only the ranges the routes painted (extended entries sit inside /24s of long routes)
      const t24 = this.tbl24;
      const d24 = this.depth24;
      this.routes.forEach((net, len) => {
        const start = net >>> 8;
        const end = len <= 24 ? start + (1 << (24 - len)) : start + 1;
        t24.fill(0, start, end);
        d24.fill(0, start, end);
      });
    }
    this.routes.clear();
    this.painted = 0;
    if (this.tbl8Cap > INITIAL_TBL8_GROUPS) {
      this.tbl8Cap = Math.min(INITIAL_TBL8_GROUPS, this.maxTbl8Groups);
      this.tbl8 = new Int32Array(this.tbl8Cap << 8);
      this.depth8 = new Uint8Array(this.tbl8Cap << 8);
      this.freeGroups = new Int32Array(this.tbl8Cap);
    }
    // groups are refilled when handed out, so their stale contents do not matter
    this.tbl8Mark = 0;
    this.freeTop = 0;
  }

  /**
   * Replace the table's contents with `n` routes (prefixes[i]/lens[i] → nextHops[i]); later duplicates of a
   * prefix win, as with repeated `insert`. The bulk path: routes are painted shortest first, so each write
   * simply overwrites (no per-entry length checks for ≤ /24), and the route hash is sized once.
   * @throws RangeError as `insert` does (checked before anything changes, except tbl8 exhaustion, after which
   *   the table is left empty).
   */
  build(prefixes: ArrayLike<number>, lens: ArrayLike<number>, nextHops: ArrayLike<number>, n: number = prefixes.length): void {
    if (!(Number.isInteger(n) && n >= 0 && n <= prefixes.length && n <= lens.length && n <= nextHops.length)) {
      throw new RangeError(`build: n = ${n} does not fit the arrays given`);
    }
    // counting sort of route indices by length
    const counts = new Int32Array(34);
    for (let i = 0; i < n; i++) {
      const len = lens[i]!;
      checkLen(len);
      checkNextHop(nextHops[i]!);
      counts[len + 1]++;
    }
    for (let l = 1; l < 34; l++) counts[l] += counts[l - 1]!;
    const order = new Int32Array(n);
    for (let i = 0; i < n; i++) order[counts[lens[i]!]!++] = i;

    this.clear();
    this.routes.reserve(n);
    try {
      const t24 = this.tbl24;
      const d24 = this.depth24;
      for (let k = 0; k < n; k++) {
        const i = order[k]!;
        const len = lens[i]!;
        const hop = nextHops[i]!;
        const net = prefixes[i]! & maskOf(len);
        if (len <= 24) {
          // nothing longer than `len` is in the table yet, so every entry in range is ours to overwrite
          if (this.routes.set(net, len, hop) === 0) this.painted += 1 << (24 - len);
          const start = net >>> 8;
          if (len === 24) {
            t24[start] = hop;
            d24[start] = 25;
          } else {
            const end = start + (1 << (24 - len));
            t24.fill(hop, start, end);
            d24.fill(len + 1, start, end);
          }
        } else {
          this.extend(net >>> 8);
          this.routes.set(net, len, hop);
          this.paint(net, len, hop, len + 1);
        }
      }
    } catch (e) {
      this.clear();
      throw e;
    }
  }

  /** Visit every route: (network as uint32, length, next hop). Control plane. */
  forEachRoute(fn: (prefix: number, len: number, nextHop: number) => void): void {
    this.routes.forEach(fn);
  }

  // ---- internals ----

  /** Make tbl24[i] extended (a tbl8 group holding what the entry said), unless it already is. */
  private extend(i: number): void {
    const e = this.tbl24[i]!;
    if (e < 0) return;
    const g = this.allocGroup();
    const base = g << 8;
    this.tbl8.fill(e, base, base + 256);
    this.depth8.fill(this.depth24[i]!, base, base + 256);
    this.tbl24[i] = g | 0x80000000;
    // depth24[i] is left as is: the group's entries carry the depths while the entry is extended
  }

  private allocGroup(): number {
    if (this.freeTop > 0) return this.freeGroups[--this.freeTop]!;
    if (this.tbl8Mark === this.tbl8Cap) {
      if (this.tbl8Cap >= this.maxTbl8Groups) {
        throw new RangeError(
          `FIB tbl8 groups exhausted: all ${this.maxTbl8Groups} are in use (one per /24 holding prefixes longer than /24); raise maxTbl8Groups`,
        );
      }
      const cap = Math.min(this.tbl8Cap * 2, this.maxTbl8Groups);
      const t8 = new Int32Array(cap << 8);
      t8.set(this.tbl8);
      const d8 = new Uint8Array(cap << 8);
      d8.set(this.depth8);
      const free = new Int32Array(cap);
      free.set(this.freeGroups.subarray(0, this.freeTop));
      this.tbl8 = t8;
      this.depth8 = d8;
      this.freeGroups = free;
      this.tbl8Cap = cap;
    }
    return this.tbl8Mark++;
  }

  /** Write (hop, depth) into every entry of net/len whose current prefix is not longer than len. */
  private paint(net: number, len: number, hop: number, depth: number): void {
    const t24 = this.tbl24;
    const d24 = this.depth24;
    const t8 = this.tbl8;
    const d8 = this.depth8;
    if (len > 24) {
      const base = ((t24[net >>> 8]! & 0x7fffffff) << 8) | (net & 0xff);
      const end = base + (1 << (32 - len));
      for (let j = base; j < end; j++) {
        if (d8[j]! <= depth) {
          t8[j] = hop;
          d8[j] = depth;
        }
      }
      return;
    }
    const start = net >>> 8;
    const end = start + (1 << (24 - len));
    for (let i = start; i < end; i++) {
      const e = t24[i]!;
      if (e >= 0) {
        if (d24[i]! <= depth) {
          t24[i] = hop;
          d24[i] = depth;
        }
      } else {
        const base = (e & 0x7fffffff) << 8;
        for (let j = base; j < base + 256; j++) {
          if (d8[j]! <= depth) {
            t8[j] = hop;
            d8[j] = depth;
          }
        }
      }
    }
  }

  /** Entries of net/len written by exactly this prefix (depth === own) get (hop, depth) of the covering route. */
  private unpaint(net: number, len: number, own: number, hop: number, depth: number): void {
    const t24 = this.tbl24;
    const d24 = this.depth24;
    const t8 = this.tbl8;
    const d8 = this.depth8;
    if (len > 24) {
      const base = ((t24[net >>> 8]! & 0x7fffffff) << 8) | (net & 0xff);
      const end = base + (1 << (32 - len));
      for (let j = base; j < end; j++) {
        if (d8[j] === own) {
          t8[j] = hop;
          d8[j] = depth;
        }
      }
      return;
    }
    const start = net >>> 8;
    const end = start + (1 << (24 - len));
    for (let i = start; i < end; i++) {
      const e = t24[i]!;
      if (e >= 0) {
        if (d24[i] === own) {
          t24[i] = hop;
          d24[i] = depth;
        }
      } else {
        const base = (e & 0x7fffffff) << 8;
        for (let j = base; j < base + 256; j++) {
          if (d8[j] === own) {
            t8[j] = hop;
            d8[j] = depth;
          }
        }
      }
    }
  }

  /**
   * After removing a prefix longer than /24 from tbl24[i]'s group: if no entry of the group belongs to a
   * prefix longer than /24 any more, all 256 entries hold the same ≤ /24 route — fold it back into tbl24 and
   * free the group.
   */
  private maybeFold(i: number): void {
    const e = this.tbl24[i]!;
    const base = (e & 0x7fffffff) << 8;
    const d8 = this.depth8;
    for (let j = base; j < base + 256; j++) if (d8[j]! > 25) return;
    this.tbl24[i] = this.tbl8[base]!;
    this.depth24[i] = d8[base]!;
    this.freeGroups[this.freeTop++] = e & 0x7fffffff;
  }
}
