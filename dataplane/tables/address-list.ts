/**
 * Firewall address lists (RouterOS `/ip firewall address-list`): named sets of IPv4 addresses, prefixes and
 * ranges, some with timeouts, tested by `src-address-list` / `dst-address-list` and filled by
 * `add-src-to-address-list` / `add-dst-to-address-list` actions. A match is containment in any live entry of
 * the list.
 *
 * ## Layout
 * Entries are rows of typed arrays (`list`, `lo`, `hi`, `expires`, `flags`), with a free list. Two indexes
 * answer `contains(list, ip, now)`:
 * - single addresses (`lo === hi`, what rules add and most lists hold) sit in an open-addressing hash keyed by
 *   (list, address): one probe sequence per lookup;
 * - prefixes and ranges of a list are merged into sorted disjoint intervals, binary-searched; with more than
 *   `DIR_MIN` intervals a 65536-bucket directory on the top 16 address bits narrows the search to the
 *   intervals of one /16. The intervals are rebuilt lazily (on the first lookup after a change), off the
 *   per-packet path in any steady state.
 *
 * ## Time
 * `expires` is on the router's clock (float seconds, the capture clock in replay); Infinity = no timeout
 * (static entries and `address-list-timeout=none-dynamic`/`none-static`). An entry is dead from `expires` on: a
 * lookup that meets a dead single address removes it; dead prefixes/ranges are dropped at the next rebuild,
 * which the earliest range expiry of the list triggers. `sweep(now)` removes everything dead (console print).
 *
 * ## Adding again
 * RouterOS refuses a duplicate (same list and address): `add` of an address already in the list returns the
 * existing entry; for dynamic entries the timeout is refreshed to the later of the two (a rule firing again
 * keeps a host listed — what port-knocking and brute-force staging configs rely on).
 *
 * ## Peers (workers)
 * A router run with workers holds one AddressLists per worker. `onDynamicAdd`, when set, hears every
 * dynamic entry a rule adds here and every timeout a rule extends by at least PUBLISH_STEP_S beyond what was
 * last told (so a rule firing per packet does not flood the peers); `addFromPeer` applies what another
 * worker added without telling it back. control/instance/worker-engine.ts relays between the workers.
 */

/** A refreshed dynamic entry is told to peers again once its expiry moved this far (seconds). */
export const PUBLISH_STEP_S = 1;

export const AddrFlag = {
  /** Added by a rule (RouterOS flag D): not exported. */
  DYNAMIC: 1,
} as const;

/** Lists with more merged intervals than this get the /16 directory. */
const DIR_MIN = 256;

export interface AddressListEntry {
  id: number;
  list: number;
  lo: number;
  hi: number;
  expires: number;
  dynamic: boolean;
}

function mix(list: number, ip: number): number {
  let h = Math.imul(ip ^ Math.imul(list + 1, 0x9e3779b1), 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  return h ^ (h >>> 16);
}

/** Merged intervals of one list (sorted, disjoint, non-adjacent), and the optional /16 directory. */
interface Ranges {
  lo: Float64Array;
  hi: Float64Array;
  n: number;
  /** dir[b] = first interval whose hi >= b << 16; dir[65536] = n. Null below DIR_MIN intervals. */
  dir: Int32Array | null;
  /** Earliest expiry among the list's range entries (rebuild then). */
  nextExpiry: number;
}

export class AddressLists {
  private cap: number;
  private listOf: Int32Array;
  private loA: Float64Array;
  private hiA: Float64Array;
  private exp: Float64Array;
  private flg: Uint8Array;
  /** Free-list link per entry; -2 = in use. */
  private nextFree: Int32Array;
  private freeHead: number;
  private count = 0;
  /** Host hash: two words per slot [list + 1, ip | 0] and the entry id; list word 0 = empty. */
  private hkeys: Int32Array;
  private hval: Int32Array;
  private hmask: number;
  /** Per list: range structure, dirty flag (rebuild before the next lookup), range entry count. */
  private ranges: (Ranges | null)[] = [];
  private dirty: Uint8Array = new Uint8Array(0);
  private rangeCount: Int32Array = new Int32Array(0);
  /** Range entries by `list:lo:hi` (duplicate check when adding; ranges are added by config, not per packet). */
  private readonly rangeIds = new Map<string, number>();

  /** Hears dynamic adds and timeout extensions made here (not those from addFromPeer); null: nobody. */
  onDynamicAdd: ((list: number, lo: number, hi: number, expires: number) => void) | null = null;
  /** Per entry: the expiry last told to onDynamicAdd (or heard from a peer). */
  private told: Float64Array = new Float64Array(0);
  private fromPeer = false;

  constructor(initialCapacity = 1024) {
    this.cap = 0;
    this.listOf = new Int32Array(0);
    this.loA = new Float64Array(0);
    this.hiA = new Float64Array(0);
    this.exp = new Float64Array(0);
    this.flg = new Uint8Array(0);
    this.nextFree = new Int32Array(0);
    this.freeHead = -1;
    this.hkeys = new Int32Array(0);
    this.hval = new Int32Array(0);
    this.hmask = 0;
    this.grow(Math.max(16, initialCapacity));
  }

  /** Live entries (dead ones not yet swept included). */
  get size(): number {
    return this.count;
  }

  /**
   * Add `lo..hi` (unsigned 32-bit numbers; a prefix is its first..last address) to `list`. `expires` on the
   * router clock (Infinity = never). Returns the entry id (an existing one for a duplicate).
   */
  add(list: number, lo: number, hi: number, expires: number, dynamic: boolean): number {
    lo >>>= 0;
    hi >>>= 0;
    if (hi < lo) throw new RangeError('address-list: range end before start');
    this.ensureList(list);
    const dup = lo === hi ? this.findHost(list, lo) : this.findRange(list, lo, hi);
    if (dup >= 0) {
      if (this.flg[dup]! & AddrFlag.DYNAMIC && expires > this.exp[dup]!) {
        this.exp[dup] = expires;
        if (lo !== hi) this.dirty[list] = 1;
        if (this.onDynamicAdd !== null && expires - this.told[dup]! >= PUBLISH_STEP_S) this.tell(dup, list, lo, hi, expires);
      }
      return dup;
    }
    if (this.freeHead < 0) this.grow(this.cap * 2);
    const id = this.freeHead;
    this.freeHead = this.nextFree[id]!;
    this.nextFree[id] = -2;
    this.count++;
    this.listOf[id] = list;
    this.loA[id] = lo;
    this.hiA[id] = hi;
    this.exp[id] = expires;
    this.flg[id] = dynamic ? AddrFlag.DYNAMIC : 0;
    this.told[id] = -Infinity;
    if (dynamic && this.onDynamicAdd !== null) this.tell(id, list, lo, hi, expires);
    if (lo === hi) this.hashInsert(list, lo, id);
    else {
      this.rangeCount[list] = this.rangeCount[list]! + 1;
      this.dirty[list] = 1;
      this.rangeIds.set(`${list}:${lo}:${hi}`, id);
    }
    return id;
  }

  private tell(id: number, list: number, lo: number, hi: number, expires: number): void {
    this.told[id] = expires;
    if (!this.fromPeer) this.onDynamicAdd!(list, lo, hi, expires);
  }

  /** A dynamic entry another worker added or refreshed: added here, not told back. */
  addFromPeer(list: number, lo: number, hi: number, expires: number): void {
    this.fromPeer = true;
    try {
      const id = this.add(list, lo, hi, expires, true);
      if (expires > this.told[id]!) this.told[id] = expires;
    } finally {
      this.fromPeer = false;
    }
  }

  /** Remove the entry `lo..hi` of `list` if there is one (a peer or the console removed it); true if found. */
  removeMatching(list: number, lo: number, hi: number): boolean {
    if (list < 0 || list >= this.dirty.length) return false;
    const id = lo === hi ? this.findHost(list, lo >>> 0) : this.findRange(list, lo >>> 0, hi >>> 0);
    if (id < 0) return false;
    this.remove(id);
    return true;
  }

  /** Remove entry `id`. */
  remove(id: number): void {
    if (id < 0 || id >= this.cap || this.nextFree[id] !== -2) return;
    const list = this.listOf[id]!;
    const lo = this.loA[id]!;
    if (lo === this.hiA[id]) this.hashDelete(list, lo);
    else {
      this.rangeCount[list] = this.rangeCount[list]! - 1;
      this.dirty[list] = 1;
      this.rangeIds.delete(`${list}:${lo}:${this.hiA[id]}`);
    }
    this.nextFree[id] = this.freeHead;
    this.freeHead = id;
    this.count--;
  }

  /** Is `ip` (uint32 or int32 bits) in a live entry of `list` at `now`? The matchers' hot path. */
  contains(list: number, ip: number, now: number): boolean {
    if (list < 0 || list >= this.dirty.length) return false;
    const a = ip | 0;
    // Single addresses.
    const keys = this.hkeys;
    const mask = this.hmask;
    const lw = list + 1;
    let i = mix(list, a) & mask;
    for (;;) {
      const k = keys[i * 2]!;
      if (k === 0) break;
      if (k === lw && keys[i * 2 + 1] === a) {
        const id = this.hval[i]!;
        if (this.exp[id]! > now) return true;
        this.remove(id);
        break;
      }
      i = (i + 1) & mask;
    }
    if (this.rangeCount[list] === 0) return false;
    // Prefixes and ranges.
    let r = this.ranges[list]!;
    if (this.dirty[list] || now >= r.nextExpiry) r = this.rebuild(list, now);
    const u = ip >>> 0;
    let lo = 0;
    let hi = r.n;
    const dir = r.dir;
    if (dir !== null) {
      const b = u >>> 16;
      lo = dir[b]!;
      hi = dir[b + 1]! + 1;
      if (hi > r.n) hi = r.n;
    }
    // First interval with hi >= u.
    const H = r.hi;
    while (lo < hi) {
      const m = (lo + hi) >>> 1;
      if (H[m]! < u) lo = m + 1;
      else hi = m;
    }
    return lo < r.n && r.lo[lo]! <= u;
  }

  /** Remove every dead entry. Returns how many went. */
  sweep(now: number): number {
    let n = 0;
    for (let id = 0; id < this.cap; id++) {
      if (this.nextFree[id] === -2 && this.exp[id]! <= now) {
        this.remove(id);
        n++;
      }
    }
    return n;
  }

  /** Live entries in id order (off the hot path: console print, export). */
  entries(now: number): AddressListEntry[] {
    const out: AddressListEntry[] = [];
    for (let id = 0; id < this.cap; id++) {
      if (this.nextFree[id] !== -2 || this.exp[id]! <= now) continue;
      out.push({ id, list: this.listOf[id]!, lo: this.loA[id]!, hi: this.hiA[id]!, expires: this.exp[id]!, dynamic: (this.flg[id]! & AddrFlag.DYNAMIC) !== 0 });
    }
    return out;
  }

  /** Bytes held by the arrays (the benchmark reports it). */
  bytesUsed(): number {
    let n = this.listOf.byteLength + this.loA.byteLength + this.hiA.byteLength + this.exp.byteLength + this.flg.byteLength + this.nextFree.byteLength;
    n += this.hkeys.byteLength + this.hval.byteLength;
    for (const r of this.ranges) if (r) n += r.lo.byteLength + r.hi.byteLength + (r.dir?.byteLength ?? 0);
    return n;
  }

  // ---- internals ----

  private ensureList(list: number): void {
    if (!Number.isInteger(list) || list < 0 || list > 0xffff) throw new RangeError(`address-list: bad list id ${list}`);
    if (list < this.dirty.length) return;
    const n = list + 1;
    const d = new Uint8Array(n);
    d.set(this.dirty);
    this.dirty = d;
    const c = new Int32Array(n);
    c.set(this.rangeCount);
    this.rangeCount = c;
    while (this.ranges.length < n) this.ranges.push({ lo: new Float64Array(0), hi: new Float64Array(0), n: 0, dir: null, nextExpiry: Infinity });
  }

  private findHost(list: number, ip: number): number {
    const a = ip | 0;
    let i = mix(list, a) & this.hmask;
    for (;;) {
      const k = this.hkeys[i * 2]!;
      if (k === 0) return -1;
      if (k === list + 1 && this.hkeys[i * 2 + 1] === a) return this.hval[i]!;
      i = (i + 1) & this.hmask;
    }
  }

  private findRange(list: number, lo: number, hi: number): number {
    return this.rangeIds.get(`${list}:${lo}:${hi}`) ?? -1;
  }

  private hashInsert(list: number, ip: number, id: number): void {
    const a = ip | 0;
    let i = mix(list, a) & this.hmask;
    while (this.hkeys[i * 2] !== 0) i = (i + 1) & this.hmask;
    this.hkeys[i * 2] = list + 1;
    this.hkeys[i * 2 + 1] = a;
    this.hval[i] = id;
  }

  private hashDelete(list: number, ip: number): void {
    const keys = this.hkeys;
    const mask = this.hmask;
    const a = ip | 0;
    let i = mix(list, a) & mask;
    for (;;) {
      if (keys[i * 2] === 0) return;
      if (keys[i * 2] === list + 1 && keys[i * 2 + 1] === a) break;
      i = (i + 1) & mask;
    }
    let j = i;
    for (;;) {
      keys[i * 2] = 0;
      keys[i * 2 + 1] = 0;
      for (;;) {
        j = (j + 1) & mask;
        if (keys[j * 2] === 0) return;
        const home = mix(keys[j * 2]! - 1, keys[j * 2 + 1]!) & mask;
        if (i <= j ? home <= i || home > j : home <= i && home > j) break;
      }
      keys[i * 2] = keys[j * 2]!;
      keys[i * 2 + 1] = keys[j * 2 + 1]!;
      this.hval[i] = this.hval[j]!;
      i = j;
    }
  }

  /** Merge the live ranges of `list` into sorted disjoint intervals. */
  private rebuild(list: number, now: number): Ranges {
    const ids: number[] = [];
    let nextExpiry = Infinity;
    for (let id = 0; id < this.cap; id++) {
      if (this.nextFree[id] !== -2 || this.listOf[id] !== list || this.loA[id] === this.hiA[id]) continue;
      if (this.exp[id]! <= now) {
        this.remove(id);
        continue;
      }
      ids.push(id);
      if (this.exp[id]! < nextExpiry) nextExpiry = this.exp[id]!;
    }
    ids.sort((x, y) => this.loA[x]! - this.loA[y]!);
    const lo = new Float64Array(ids.length);
    const hi = new Float64Array(ids.length);
    let n = 0;
    for (const id of ids) {
      const l = this.loA[id]!;
      const h = this.hiA[id]!;
      if (n > 0 && l <= hi[n - 1]! + 1) {
        if (h > hi[n - 1]!) hi[n - 1] = h;
      } else {
        lo[n] = l;
        hi[n] = h;
        n++;
      }
    }
    let dir: Int32Array | null = null;
    if (n > DIR_MIN) {
      dir = new Int32Array(65537);
      let k = 0;
      for (let b = 0; b < 65536; b++) {
        const base = b * 65536;
        while (k < n && hi[k]! < base) k++;
        dir[b] = k;
      }
      dir[65536] = n;
    }
    const r: Ranges = { lo, hi, n, dir, nextExpiry };
    this.ranges[list] = r;
    this.dirty[list] = 0;
    return r;
  }

  private grow(cap: number): void {
    const old = this.cap;
    const copy = <T extends Int32Array | Float64Array | Uint8Array>(a: T, make: (n: number) => T): T => {
      const b = make(cap);
      b.set(a);
      return b;
    };
    this.listOf = copy(this.listOf, (n) => new Int32Array(n));
    this.loA = copy(this.loA, (n) => new Float64Array(n));
    this.hiA = copy(this.hiA, (n) => new Float64Array(n));
    this.exp = copy(this.exp, (n) => new Float64Array(n));
    this.flg = copy(this.flg, (n) => new Uint8Array(n));
    this.told = copy(this.told, (n) => new Float64Array(n));
    this.nextFree = copy(this.nextFree, (n) => new Int32Array(n));
    for (let i = cap - 1; i >= old; i--) {
      this.nextFree[i] = this.freeHead;
      this.freeHead = i;
    }
    this.cap = cap;
    // Rehash hosts into a table of at least 2 slots per entry.
    let slots = 16;
    while (slots < cap * 2) slots *= 2;
    this.hkeys = new Int32Array(slots * 2);
    this.hval = new Int32Array(slots);
    this.hmask = slots - 1;
    for (let id = 0; id < old; id++) {
      if (this.nextFree[id] === -2 && this.loA[id] === this.hiA[id]) this.hashInsert(this.listOf[id]!, this.loA[id]!, id);
    }
  }
}
