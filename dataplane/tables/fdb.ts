/**
 * The bridge forwarding database (FDB): MAC + VLAN → port, one table per bridge (RouterOS `/interface bridge
 * host`).
 *
 * ## Keys and values
 * - Key: the MAC as `hi` (bytes 0-1, 0..0xffff) and `lo` (bytes 2-5, a uint32 — `macHi16`/`macLo32` from
 *   wire/ethernet.ts) plus a VLAN id 0..4095. With `vlan-filtering=no` the bridge learns shared (pass vid 0);
 *   with `vlan-filtering=yes` it passes the frame's VID, so one MAC on two VLANs is two entries.
 * - Value: a port (int16, the caller's port index; -1 is "not found" so real ports are >= 0), flags
 *   (`FdbFlag`: DYNAMIC learned / STATIC configured / LOCAL the bridge's own or a port's MAC) and the time the
 *   MAC was last seen as source.
 *
 * ## Layout: open addressing, linear probing, backward-shift deletion
 * A power-of-two number of slots, at least twice `maxEntries` (load <= 0.5), in parallel typed arrays:
 * `keys` (Int32Array, two words per slot, interleaved so one probe touches one cache line:
 * `[TAG | hi << 12 | vid, lo]`, word 0 = 0 marks an empty slot), `ports` (Int16Array), `flags` (Uint8Array),
 * `seen` (Float64Array). Keys are stored signed: every value the hot path reads is then a small integer for V8.
 * Deletion shifts the rest of the probe cluster back (no tombstones), so lookups never slow down with churn
 * and there is nothing to rebuild. Slot indices returned by `find`/`addStatic` are valid until the next removal.
 *
 * ## Time
 * Times are float seconds on the caller's clock (`tsSec + tsNsec * 1e-9` of the packet being processed; replay
 * passes the capture clock). The table never reads the wall clock. Float64 holds a Unix time to ~0.24 µs,
 * plenty for ageing counted in seconds. `learn` never moves an entry's last-seen time backwards.
 *
 * ## Ageing boundary
 * A dynamic entry last seen at `t` is expired at `now` when `t + ageingTime <= now` (>=: an entry seen at 0
 * with ageing-time 300 is gone at 300.000 exactly). Linux does the same (`has_expired`: `time_before_eq(updated
 * + hold_time, jiffies)`). STATIC and LOCAL entries never age.
 *
 * ## Ageing work
 * - `lookup` is pure: it returns whatever the table holds. `lookupFresh(…, now, ageing)` also treats an expired
 *   dynamic entry as absent, so forwarding decisions do not depend on when garbage collection ran (replay stays
 *   deterministic whatever the vector boundaries or worker count).
 * - `age(now, ageing, budget)` is the incremental collector: it checks `budget` slots from a cursor that
 *   cycles over the table and returns at once (O(1)) while `oldestSeen + ageing > now` — `oldestSeen` is a lower
 *   bound of every dynamic entry's last-seen time, tightened each time the cursor completes a cycle.
 * - `ageAll(now, ageing)` is the full sweep (exact, and it makes `oldestSeen` exact); it is O(1) too when
 *   nothing can have expired.
 *
 * ## Full table
 * Linux behaviour (`fdb_max_learned`, Linux 6.8): when the limit is hit, new MACs are not learned any more
 * (their frames are still forwarded — flooded, as unknown unicast); known MACs still refresh and move, nothing
 * is evicted. `learn` returns `FdbLearn.FULL`. Two limits: `maxLearned` (dynamic entries only, 0 = none, Linux's
 * default) and `maxEntries` (all entries, the table's physical size). Static and local entries do not count
 * against `maxLearned` and are refused (`addStatic` returns -1) only when the table is physically full. A bridge
 * that wants expired entries to make room first calls `ageAll(now, ageing)` on FULL and learns again (cheap:
 * O(1) unless something has expired).
 *
 * ## Learning rules
 * Learning refreshes a dynamic entry's time and moves it to the new port (the MAC moved); it never changes a
 * STATIC or LOCAL entry (`FdbLearn.LOCKED`; Linux also refuses to learn over a local entry — "received packet
 * with own address as source address"). `addStatic` overwrites anything.
 *
 * ## Threads
 * One thread owns a table (the worker running the bridge, or the control plane while building).
 */

/** Entry flags (the `flags` column; 0 = empty slot). Exactly one of them is set. */
export const FdbFlag = {
  /** Learned from a frame's source MAC (RouterOS flag D). Ages. */
  DYNAMIC: 1,
  /** Configured by `/interface bridge host add` (no flag letter in RouterOS). Never ages. */
  STATIC: 2,
  /** The bridge's own MAC or a port's MAC: frames to it go up to the router (RouterOS flags D L). Never ages. */
  LOCAL: 4,
} as const;

/** What `learn` did. */
export const FdbLearn = {
  /** Known MAC, same port: last-seen refreshed. */
  REFRESHED: 0,
  /** New dynamic entry. */
  NEW: 1,
  /** Known dynamic MAC seen on another port: moved there (and refreshed). */
  MOVED: 2,
  /** A STATIC or LOCAL entry holds this MAC/VID: nothing changed. */
  LOCKED: 3,
  /** New MAC but the table is at `maxLearned` or `maxEntries`: not learned. */
  FULL: 4,
} as const;

export const FDB_LEARN_NAMES = ['refreshed', 'new', 'moved', 'locked', 'full'] as const;

/** RouterOS `ageing-time` default (5m). */
export const FDB_DEFAULT_AGEING = 300;
export const FDB_DEFAULT_MAX_ENTRIES = 16384;
/** Slots `age()` checks per call by default. */
export const FDB_AGE_BUDGET = 256;

export interface FdbOptions {
  /** Most entries of any kind (physical size). Default 16384. */
  maxEntries?: number;
  /** Most dynamic (learned) entries; 0 = no limit beyond `maxEntries` (Linux `fdb_max_learned`, default 0). */
  maxLearned?: number;
  /** Hash seed (slot layout only; nothing observable depends on it except `forEach` order). Default 0. */
  seed?: number;
}

/** One entry as `forEach` reports it (off the hot path). */
export interface FdbEntry {
  /** The entry's slot (stable while the entry lives). */
  slot: number;
  hi: number;
  lo: number;
  vid: number;
  port: number;
  flags: number;
  /** Last time the MAC was seen as source (seconds); for STATIC/LOCAL the time it was added. */
  lastSeen: number;
}

/** Occupied-slot bit in key word 0 (hi << 12 | vid uses bits 0..27). */
const TAG = 1 << 28;
const DYNAMIC = FdbFlag.DYNAMIC;

function keyWord(hi: number, vid: number): number {
  return TAG | ((hi & 0xffff) << 12) | (vid & 0xfff);
}

/** murmur3 fmix32 over (key word * golden + lo): every input bit reaches every output bit. */
function hashKey(kw: number, lo: number, seed: number): number {
  let h = (Math.imul(kw ^ seed, 0x9e3779b1) + lo) | 0;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  return h ^ (h >>> 16);
}

export class Fdb {
  /** Most entries of any kind. */
  readonly maxEntries: number;
  /** Most dynamic entries (0 = only `maxEntries` limits). May be changed at any time; nothing is evicted. */
  maxLearned: number;
  /** Number of slots (power of two, >= 2 * maxEntries). */
  readonly slots: number;
  readonly mask: number;
  /** Two words per slot: `[TAG | hi << 12 | vid, lo | 0]`; word 0 === 0 means empty. */
  readonly keys: Int32Array;
  readonly ports: Int16Array;
  readonly flags: Uint8Array;
  readonly seen: Float64Array;
  private readonly seed: number;
  private count: number;
  private dynCount: number;
  /** Lower bound of `seen` over all dynamic entries (Infinity when there are none). */
  private minSeen: number;
  /** Incremental sweep: next slot to check, min `seen` over the cycle so far, cycle not disturbed. */
  private cursor: number;
  private cycleMin: number;
  private cycleClean: boolean;

  constructor(opts: FdbOptions = {}) {
    const maxEntries = opts.maxEntries ?? FDB_DEFAULT_MAX_ENTRIES;
    if (!Number.isInteger(maxEntries) || maxEntries < 1 || maxEntries > 1 << 26) {
      throw new RangeError(`Fdb: maxEntries must be an integer 1..2^26, got ${maxEntries}`);
    }
    const maxLearned = opts.maxLearned ?? 0;
    if (!Number.isInteger(maxLearned) || maxLearned < 0) throw new RangeError(`Fdb: bad maxLearned ${maxLearned}`);
    let slots = 8;
    while (slots < maxEntries * 2) slots *= 2;
    this.maxEntries = maxEntries;
    this.maxLearned = maxLearned;
    this.slots = slots;
    this.mask = slots - 1;
    this.keys = new Int32Array(slots * 2);
    this.ports = new Int16Array(slots);
    this.flags = new Uint8Array(slots);
    this.seen = new Float64Array(slots);
    this.seed = (opts.seed ?? 0) | 0;
    this.count = 0;
    this.dynCount = 0;
    this.minSeen = Infinity;
    this.cursor = 0;
    this.cycleMin = Infinity;
    this.cycleClean = true;
  }

  /** Entries of any kind. */
  get size(): number {
    return this.count;
  }
  /** Dynamic (learned) entries. */
  get learned(): number {
    return this.dynCount;
  }
  /**
   * A lower bound of every dynamic entry's last-seen time (Infinity if none): nothing expires before
   * `oldestSeen + ageingTime`. A replay loop can use it to schedule the next `ageAll`.
   */
  get oldestSeen(): number {
    return this.minSeen;
  }

  /** Port for MAC/VID, or -1. The bridge's hot path (destination lookup). */
  lookup(hi: number, lo: number, vid: number): number {
    const kw = TAG | ((hi & 0xffff) << 12) | (vid & 0xfff);
    const l = lo | 0;
    const keys = this.keys;
    const mask = this.mask;
    let i = hashKey(kw, l, this.seed) & mask;
    for (;;) {
      const k = keys[i << 1]!;
      if (k === kw && keys[(i << 1) + 1] === l) return this.ports[i]!;
      if (k === 0) return -1;
      i = (i + 1) & mask;
    }
  }

  /**
   * Like `lookup`, but a dynamic entry that has expired at `now` (last seen + ageing <= now) counts as absent
   * even if no sweep has removed it yet.
   */
  lookupFresh(hi: number, lo: number, vid: number, now: number, ageingTime: number): number {
    const kw = TAG | ((hi & 0xffff) << 12) | (vid & 0xfff);
    const l = lo | 0;
    const keys = this.keys;
    const mask = this.mask;
    let i = hashKey(kw, l, this.seed) & mask;
    for (;;) {
      const k = keys[i << 1]!;
      if (k === kw && keys[(i << 1) + 1] === l) {
        if (this.flags[i] === DYNAMIC && this.seen[i]! + ageingTime <= now) return -1;
        return this.ports[i]!;
      }
      if (k === 0) return -1;
      i = (i + 1) & mask;
    }
  }

  /** Slot index of MAC/VID, or -1 (valid until the next removal; read `ports`/`flags`/`seen` with it). */
  find(hi: number, lo: number, vid: number): number {
    const kw = keyWord(hi, vid);
    const l = lo | 0;
    const keys = this.keys;
    const mask = this.mask;
    let i = hashKey(kw, l, this.seed) & mask;
    for (;;) {
      const k = keys[i << 1]!;
      if (k === kw && keys[(i << 1) + 1] === l) return i;
      if (k === 0) return -1;
      i = (i + 1) & mask;
    }
  }

  /**
   * A frame from MAC/VID arrived on `port` at `now`: insert a dynamic entry or refresh/move the existing one.
   * Returns an `FdbLearn` code.
   */
  learn(hi: number, lo: number, vid: number, port: number, now: number): number {
    const kw = TAG | ((hi & 0xffff) << 12) | (vid & 0xfff);
    const l = lo | 0;
    const keys = this.keys;
    const mask = this.mask;
    let i = hashKey(kw, l, this.seed) & mask;
    for (;;) {
      const k = keys[i << 1]!;
      if (k === kw && keys[(i << 1) + 1] === l) {
        if (this.flags[i] !== DYNAMIC) return FdbLearn.LOCKED;
        if (now > this.seen[i]!) this.seen[i] = now;
        if (this.ports[i] !== port) {
          this.ports[i] = port;
          return FdbLearn.MOVED;
        }
        return FdbLearn.REFRESHED;
      }
      if (k === 0) break;
      i = (i + 1) & mask;
    }
    if (this.count >= this.maxEntries || (this.maxLearned > 0 && this.dynCount >= this.maxLearned)) {
      return FdbLearn.FULL;
    }
    keys[i << 1] = kw;
    keys[(i << 1) + 1] = l;
    this.ports[i] = port;
    this.flags[i] = DYNAMIC;
    this.seen[i] = now;
    this.count++;
    this.dynCount++;
    if (now < this.minSeen) this.minSeen = now;
    if (now < this.cycleMin) this.cycleMin = now;
    return FdbLearn.NEW;
  }

  /**
   * Add or overwrite a STATIC entry (or a LOCAL one with `local`), e.g. from `/interface bridge host add`.
   * `now` is recorded as its time (shown as age only). Returns the slot, or -1 if the table is full.
   */
  addStatic(hi: number, lo: number, vid: number, port: number, local: boolean = false, now: number = 0): number {
    const kw = keyWord(hi, vid);
    const l = lo | 0;
    const keys = this.keys;
    const mask = this.mask;
    const flag = local ? FdbFlag.LOCAL : FdbFlag.STATIC;
    let i = hashKey(kw, l, this.seed) & mask;
    for (;;) {
      const k = keys[i << 1]!;
      if (k === kw && keys[(i << 1) + 1] === l) {
        if (this.flags[i] === DYNAMIC) this.dynCount--;
        this.flags[i] = flag;
        this.ports[i] = port;
        this.seen[i] = now;
        return i;
      }
      if (k === 0) break;
      i = (i + 1) & mask;
    }
    if (this.count >= this.maxEntries) return -1;
    keys[i << 1] = kw;
    keys[(i << 1) + 1] = l;
    this.ports[i] = port;
    this.flags[i] = flag;
    this.seen[i] = now;
    this.count++;
    return i;
  }

  /** Remove MAC/VID whatever its kind. Returns whether it was there. */
  remove(hi: number, lo: number, vid: number): boolean {
    const i = this.find(hi, lo, vid);
    if (i < 0) return false;
    this.cycleClean = false;
    this.deleteSlot(i);
    return true;
  }

  /**
   * Incremental ageing: check up to `budget` slots from the sweep cursor and remove dynamic entries expired at
   * `now` (a removal counts as a check: the slot is checked again after the shift). O(1) while nothing can
   * have expired. Returns the number removed.
   */
  age(now: number, ageingTime: number, budget: number = FDB_AGE_BUDGET): number {
    if (this.minSeen + ageingTime > now) return 0;
    const keys = this.keys;
    const flags = this.flags;
    const seen = this.seen;
    const slots = this.slots;
    let i = this.cursor;
    let removed = 0;
    while (budget-- > 0) {
      if (i >= slots) {
        // A whole cycle: every dynamic entry was visited (or inserted, which lowered cycleMin) unless a removal
        // outside the sweep shifted an unvisited entry into the visited part; then keep the old bound.
        if (this.cycleClean) this.minSeen = this.cycleMin;
        this.cycleMin = Infinity;
        this.cycleClean = true;
        i = 0;
        if (this.minSeen + ageingTime > now) break;
      }
      if (keys[i << 1] !== 0 && flags[i] === DYNAMIC) {
        const s = seen[i]!;
        if (s + ageingTime <= now) {
          // the backward shift may pull a later entry of the cluster into slot i: check i again
          this.deleteSlot(i);
          removed++;
          continue;
        }
        if (s < this.cycleMin) this.cycleMin = s;
      }
      i++;
    }
    this.cursor = i;
    return removed;
  }

  /** Full sweep: remove every dynamic entry expired at `now`. O(1) when nothing can have expired. */
  ageAll(now: number, ageingTime: number): number {
    if (this.minSeen + ageingTime > now) return 0;
    const keys = this.keys;
    const flags = this.flags;
    const seen = this.seen;
    let min = Infinity;
    let removed = 0;
    for (let i = 0; i < this.slots; ) {
      if (keys[i << 1] !== 0 && flags[i] === DYNAMIC) {
        const s = seen[i]!;
        if (s + ageingTime <= now) {
          this.deleteSlot(i);
          removed++;
          continue;
        }
        if (s < min) min = s;
      }
      i++;
    }
    this.minSeen = min;
    this.restartCycle();
    return removed;
  }

  /**
   * Remove the entries on `port`: dynamic ones only (a port went down), or all kinds with `includeStatic`
   * (the port left the bridge). Returns the number removed.
   */
  flushPort(port: number, includeStatic: boolean = false): number {
    const keys = this.keys;
    let removed = 0;
    for (let i = 0; i < this.slots; ) {
      if (keys[i << 1] !== 0 && this.ports[i] === port && (includeStatic || this.flags[i] === DYNAMIC)) {
        this.deleteSlot(i);
        removed++;
        continue;
      }
      i++;
    }
    if (removed > 0) this.restartCycle();
    return removed;
  }

  /** Remove every dynamic entry (or everything with `includeStatic`). */
  flush(includeStatic: boolean = false): number {
    if (includeStatic) {
      const n = this.count;
      this.keys.fill(0);
      this.flags.fill(0);
      this.count = 0;
      this.dynCount = 0;
      this.minSeen = Infinity;
      this.restartCycle();
      return n;
    }
    let removed = 0;
    for (let i = 0; i < this.slots; ) {
      if (this.keys[i << 1] !== 0 && this.flags[i] === DYNAMIC) {
        this.deleteSlot(i);
        removed++;
        continue;
      }
      i++;
    }
    this.minSeen = Infinity;
    this.restartCycle();
    return removed;
  }

  /**
   * Every entry, in slot order, for `/interface bridge host print` (allocates; off the hot path). Age for the
   * printout is `now - lastSeen`. Do not change the table from `fn`.
   */
  forEach(fn: (e: FdbEntry) => void): void {
    const keys = this.keys;
    for (let i = 0; i < this.slots; i++) {
      const kw = keys[i << 1]!;
      if (kw === 0) continue;
      fn({
        slot: i,
        hi: (kw >>> 12) & 0xffff,
        lo: keys[(i << 1) + 1]! >>> 0,
        vid: kw & 0xfff,
        port: this.ports[i]!,
        flags: this.flags[i]!,
        lastSeen: this.seen[i]!,
      });
    }
  }

  private restartCycle(): void {
    this.cursor = 0;
    this.cycleMin = Infinity;
    this.cycleClean = true;
  }

  /** Empty slot `i` and shift the rest of its probe cluster back (linear-probing deletion, no tombstones). */
  private deleteSlot(i: number): void {
    const keys = this.keys;
    const ports = this.ports;
    const flags = this.flags;
    const seen = this.seen;
    const mask = this.mask;
    if (flags[i] === DYNAMIC) this.dynCount--;
    this.count--;
    let hole = i;
    let j = i;
    for (;;) {
      j = (j + 1) & mask;
      const kw = keys[j << 1]!;
      if (kw === 0) break;
      const home = hashKey(kw, keys[(j << 1) + 1]!, this.seed) & mask;
      // The entry at j may fill the hole iff its home is not cyclically inside (hole, j].
      if (((j - home) & mask) >= ((j - hole) & mask)) {
        keys[hole << 1] = kw;
        keys[(hole << 1) + 1] = keys[(j << 1) + 1]!;
        ports[hole] = ports[j]!;
        flags[hole] = flags[j]!;
        seen[hole] = seen[j]!;
        hole = j;
      }
    }
    keys[hole << 1] = 0;
    keys[(hole << 1) + 1] = 0;
    flags[hole] = 0;
  }
}
