/**
 * The connection-tracking table (RouterOS `/ip firewall connection`): one entry per connection, found from a
 * packet's 5-tuple in either direction. Typed arrays only: no object per connection.
 *
 * ## Entries and tuples
 * An entry `id` (0..maxEntries-1) holds two tuples: the original direction (as the first packet arrived,
 * before any NAT) and the reply direction (what a reply looks like on the wire, after NAT: a srcnat'ed
 * connection's reply goes to the translated address). A tuple is `(src, dst, ports, proto)`: addresses as
 * int32 bit patterns, `ports = sport << 16 | dport` (ICMP echo: `id << 16`, 0; other protocols: 0), stored as
 * four words at `tup[ref * 4]` with `ref = id * 2 + dir` (dir 0 original, 1 reply), so a lookup answers with
 * the ref: the entry and the direction the packet travels in at once.
 *
 * ## Lifecycle (Linux nf_conntrack's, which RouterOS runs)
 * `alloc` takes a free entry for a packet that matched nothing: it is *unconfirmed* — not in the hash,
 * invisible to other packets — while the packet walks the firewall and NAT (which may rewrite the reply
 * tuple). If the packet survives, `confirm` inserts both tuples into the hash; if it is dropped, `release`
 * returns the entry. A confirm can clash (another entry already holds one of the tuples: the same flow raced
 * twice, or two NAT mappings collided): it returns false and the caller drops the packet, as Linux does when
 * `nf_ct_resolve_clash` cannot merge.
 *
 * ## Hash
 * Open addressing with linear probing over a power-of-two slot array (at least 4 slots per entry: two tuples
 * each, load <= 0.5). A slot is two int32 words `[hash | 1, ref + 1]` (0 = empty), so most probes that miss are
 * rejected by the stored hash without touching the tuple columns. Deletion shifts the rest of the cluster back
 * (no tombstones). The hash is seeded (`seed`): deterministic for replay, different per router if wanted.
 * The slot array starts small (`HASH_MIN_SLOTS`) and doubles (a rehash, at a confirm) whenever the confirmed
 * entries would exceed load 0.5, up to 4 slots per `maxEntries`: a table of 10k connections probes a 512 KB
 * array that stays in the CPU's cache, not the 8 MB one its maximum needs (a lookup's cost was mostly that
 * cache miss). Lookups answer the same whatever the size.
 *
 * ## Time and expiry
 * `expires[id]` is a time on the router's clock (float seconds: the capture clock in replay). An entry past it
 * is dead: `lookup(…, now)` treats it as absent and removes it; `gc(now, budget)` sweeps a bounded number of
 * entries per call from a cycling cursor (Linux's gc worker), so the table never needs a full scan on the hot
 * path. Nothing reads the wall clock.
 *
 * ## Full table
 * At `maxEntries` confirmed+unconfirmed entries, `alloc` first tries to free room: it checks up to
 * `EVICT_SCAN` entries from a cursor for one that is expired or not assured (Linux `early_drop` looks for a
 * non-assured entry; assured ones — TCP established both ways, UDP stream — are spared) and removes the first
 * found. If there is none it returns -1 and the caller drops the packet (`conntrack-full`).
 *
 * ## Memory
 * About 194 bytes per entry (64 of them TCP window tracking; the matcher columns add 37) plus 32 per
 * entry of hash (`bytesUsed()`): 1M entries fit in ~220 MB, ~256 MB with the matcher columns (allocated only
 * when connection-rate or layer7-protocol rules exist). Helper state (FTP line tracking, sequence
 * adjustment) lives in a small extension pool only connections with a helper use.
 *
 * ## Threads
 * One thread owns a table. [workers] gives each worker its own table for the flows its RSS hash sends it.
 */

import { Expectations } from './expect';

/** Entry status bits (`status` column): RouterOS's connection flags. */
export const CtStatus = {
  /** In the hash (C confirmed). */
  CONFIRMED: 1 << 0,
  /** A reply was seen (S seen-reply). */
  SEEN_REPLY: 1 << 1,
  /** Spared by eviction (A assured): TCP established both ways, UDP stream, ICMP echo answered. */
  ASSURED: 1 << 2,
  /** Source translated (s srcnat). */
  SRCNAT: 1 << 3,
  /** Destination translated (d dstnat). */
  DSTNAT: 1 << 4,
  /** FastTracked (F fasttrack). */
  FASTTRACK: 1 << 5,
  /** Expected by a helper, not yet seen (E expected). */
  EXPECTED: 1 << 6,
  /** Uses a helper (h uses-helper). */
  HELPER: 1 << 7,
  /** Endpoint-independent SNAT mapping (connection-nat-state ein-snat). */
  EIN_SNAT: 1 << 8,
  /** Endpoint-independent DNAT (ein-dnat). */
  EIN_DNAT: 1 << 9,
  /** Being torn down (D dying): TCP close seen, kept only for its last timeout. */
  DYING: 1 << 10,
  /** Related to a master connection (a helper's data connection). */
  RELATED: 1 << 11,
  /** NAT was set up outside the nat chains (a helper's expectation): the chains are not walked for it. */
  NAT_DONE: 1 << 12,
  /** Sequence numbers are adjusted (a helper changed a payload's length: seqadj.ts). */
  SEQ_ADJUST: 1 << 13,
} as const;

/** Words of `track` per entry (TCP window tracking: conntrack/tcp-window.ts). */
export const TRACK_WORDS = 16;
/** Words per helper extension (`ext`): seqadj per direction (3 + 3), the FTP helper's line state (4). */
export const EXT_WORDS = 10;

/** Helper codes (`helper` column; connection-type=): 0 none. */
export const Helper = { NONE: 0, FTP: 1, TFTP: 2 } as const;
export const HELPER_NAMES = ['', 'ftp', 'tftp'] as const;

/** connection-type of a packet of connection `ref` (-1 none): the helper of its master, 0 when not related. */
export function connectionType(ct: ConnTable, ref: number): number {
  if (ref < 0) return 0;
  const id = ref >> 1;
  // The master column only for related connections (one cache line less per packet for the others).
  if ((ct.status[id]! & CtStatus.RELATED) === 0) return 0;
  const m = ct.master[id]!;
  return m >= 0 ? ct.helper[m]! : 0;
}

/** Entries `alloc` inspects when the table is full. */
export const EVICT_SCAN = 64;
/** Entries `gc` inspects per call by default. */
export const GC_BUDGET = 64;

export interface ConnTableOptions {
  /** Most entries (RouterOS max-entries; default 65536). */
  maxEntries?: number;
  /** Hash seed (slot layout only). Default 0. */
  seed?: number;
  /**
   * Allocate the connection-rate and layer7 columns (about 37 bytes per entry): only when some rule uses those
   * matchers (default false). Without them the columns are empty and never touched.
   */
  matcherColumns?: boolean;
}

/** Pack two ports into a tuple's port word. */
export function ctPorts(sport: number, dport: number): number {
  return ((sport & 0xffff) << 16) | (dport & 0xffff);
}

/** murmur3-style mix of a tuple; never 0 after `| 1`. */
export function tupleHash(src: number, dst: number, ports: number, proto: number, seed: number): number {
  let h = Math.imul(src ^ seed, 0xcc9e2d51);
  h = Math.imul((h << 15) | (h >>> 17), 0x1b873593);
  h ^= dst;
  h = Math.imul((h << 13) | (h >>> 19), 5) + 0xe6546b64;
  h ^= Math.imul(ports, 0x9e3779b1);
  h = Math.imul((h << 13) | (h >>> 19), 5) + 0xe6546b64;
  h ^= proto;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  return (h ^ (h >>> 16)) | 1;
}

/**
 * Told when an entry is confirmed and when an entry is freed (firewall/conn-extra.ts: connection-limit counts
 * and layer7 buffers). `confirmed` says whether the freed entry had been confirmed.
 */
export interface ConnListener {
  confirmed(id: number): void;
  freed(id: number, confirmed: boolean): void;
}

/** Hash slots a table starts with (32 KB; it grows as connections are confirmed). */
const HASH_MIN_SLOTS = 4096;

export class ConnTable {
  readonly maxEntries: number;
  /** Connections helpers expect (FTP data connections): expect.ts. */
  readonly expect = new Expectations();
  /** Hash slots now (a power of two; grows up to `maxSlots`). */
  private nSlots: number;
  /** Hash slots at most: at least 4 per entry. */
  private readonly maxSlots: number;
  private mask: number;
  private readonly seed: number;
  /** Hash slots, two words each: `[hash | 1, ref + 1]`. */
  private hash: Int32Array;

  // ---- per tuple (index ref = id * 2 + dir) ----
  /**
   * Tuples, four int32 words per ref — `[src, dst, ports, proto]` at `ref * 4` — so the compare after a hash
   * hit reads one cache line.
   */
  readonly tup: Int32Array;
  /** Tuple hashes, kept so removal finds the slots without rehashing. */
  private readonly tupleH: Int32Array;
  /** Packets and bytes seen in each direction (RouterOS orig-/repl-packets, -bytes). */
  readonly packets: Float64Array;
  readonly bytes: Float64Array;

  // ---- per entry ----
  readonly proto: Uint8Array;
  readonly status: Uint16Array;
  /** Protocol state (TCP: conntrack/tcp-state.ts codes; others unused). */
  readonly pstate: Uint8Array;
  /** Connection mark (mark id, 0 = no-mark). */
  readonly mark: Uint16Array;
  /** Dies at this time (router clock, float seconds). */
  readonly expires: Float64Array;
  /** Created at (router clock). */
  readonly created: Float64Array;
  /**
   * A number per connection, new at every alloc (wrapping at 2^32, never 0): what `/ip firewall connection`
   * names an entry by while it lives (`.id`), since entry ids are reused. Read off the hot path only.
   */
  readonly serial: Uint32Array;
  private nextSerial = 1;
  /** Master connection of a related one (-1 none). */
  readonly master: Int32Array;
  /** Protocol scratch for the state machines: TCP window tracking, TRACK_WORDS per entry (tcp-window.ts). */
  readonly track: Uint32Array;
  /** Helper of the connection (Helper code; a related connection's master has it). */
  readonly helper: Uint8Array;
  /** Helper extension index (-1 none): seqadj and helper state live in `extWords` (few connections have one). */
  readonly ext: Int32Array;
  /** Helper extensions, EXT_WORDS each; grown (doubled) when full, off the common path. */
  extWords: Int32Array;
  private extFree: number[] = [];
  private extNext = 0;
  /** FastTracked packets/bytes (both directions). */
  readonly ftPackets: Float64Array;
  readonly ftBytes: Float64Array;

  // ---- per entry, for the firewall's connection matchers (dataplane/firewall/conn-extra.ts) ----
  /**
   * connection-rate: the whole second (router clock) the current one-second window began (-1: none yet), the
   * connection's total bytes (both directions) before that window, and the bits counted in the last whole
   * second (RouterOS "per-second delta of connection-bytes").
   */
  readonly rateSec: Float64Array;
  readonly rateBase: Float64Array;
  readonly rateBits: Float64Array;
  /**
   * layer7-protocol: the payload buffer the entry uses (index into ConnExtra's pool, -1 none), the set of
   * layer7 protocols its payload matched (bit = protocol index), the packet count at the last append (one
   * append per packet, whichever hook sees it first), and 1 once inspection ended (10 packets or 2 KB seen).
   */
  readonly l7Buf: Int32Array;
  readonly l7Match: Int32Array;
  readonly l7Seen: Int32Array;
  readonly l7Done: Uint8Array;
  /** Told of confirms and frees (null: nobody needs them). */
  listener: ConnListener | null = null;
  /**
   * Sharded NAT (nat.ts, docs/workers.md): source-NAT ports are chosen congruent to the connection's shard so
   * replies can be steered to its worker by port. Set for routers run with workers; off by default.
   */
  natShards = false;

  /** Free-list link per entry (-2: in use). */
  private readonly nextFree: Int32Array;
  private freeHead: number;
  private used = 0;
  private confirmedCount = 0;
  private gcCursor = 0;
  private evictCursor = 0;
  /** Entries removed by eviction (table full) and by expiry. */
  evicted = 0;
  expired = 0;

  /** The connection-rate / layer7 columns are present (`matcherColumns`). */
  get hasMatcherColumns(): boolean {
    return this.rateSec.length > 0;
  }

  constructor(opts: ConnTableOptions = {}) {
    const max = opts.maxEntries ?? 65536;
    if (!Number.isInteger(max) || max < 1 || max > 1 << 24) throw new RangeError(`ConnTable: maxEntries must be 1..2^24, got ${max}`);
    let slots = 16;
    while (slots < max * 4) slots *= 2;
    this.maxEntries = max;
    this.maxSlots = slots;
    this.nSlots = Math.min(slots, HASH_MIN_SLOTS);
    this.mask = this.nSlots - 1;
    this.seed = (opts.seed ?? 0) | 0;
    this.hash = new Int32Array(this.nSlots * 2);
    this.tup = new Int32Array(max * 8);
    this.tupleH = new Int32Array(max * 2);
    this.packets = new Float64Array(max * 2);
    this.bytes = new Float64Array(max * 2);
    this.proto = new Uint8Array(max);
    this.status = new Uint16Array(max);
    this.pstate = new Uint8Array(max);
    this.mark = new Uint16Array(max);
    this.expires = new Float64Array(max);
    this.created = new Float64Array(max);
    this.serial = new Uint32Array(max);
    this.master = new Int32Array(max);
    this.track = new Uint32Array(max * TRACK_WORDS);
    this.helper = new Uint8Array(max);
    this.ext = new Int32Array(max).fill(-1);
    this.extWords = new Int32Array(64 * EXT_WORDS);
    this.ftPackets = new Float64Array(max);
    this.ftBytes = new Float64Array(max);
    const mc = opts.matcherColumns === true ? max : 0;
    this.rateSec = new Float64Array(mc);
    this.rateBase = new Float64Array(mc);
    this.rateBits = new Float64Array(mc);
    this.l7Buf = new Int32Array(mc).fill(-1);
    this.l7Match = new Int32Array(mc);
    this.l7Seen = new Int32Array(mc);
    this.l7Done = new Uint8Array(mc);
    this.nextFree = new Int32Array(max);
    for (let i = 0; i < max; i++) this.nextFree[i] = i + 1 < max ? i + 1 : -1;
    this.freeHead = 0;
  }

  /** Hash slots in use now (grows with the confirmed entries, up to 4 per `maxEntries`). */
  get slots(): number {
    return this.nSlots;
  }

  /** Entries in use (confirmed and unconfirmed). */
  get size(): number {
    return this.used;
  }
  /** Confirmed entries (what `/ip firewall connection print` lists). */
  get confirmed(): number {
    return this.confirmedCount;
  }

  /**
   * Bytes the table's arrays hold when it is full: the hash is counted at its largest (4 slots per entry), the
   * size it grows to as connections are confirmed; every other column is allocated at full size up front.
   */
  bytesUsed(): number {
    let n = this.maxSlots * 8 + this.nextFree.byteLength;
    for (const a of [this.tup, this.tupleH, this.packets, this.bytes, this.proto, this.status, this.pstate, this.mark, this.expires, this.created, this.serial, this.master, this.track, this.ftPackets, this.ftBytes, this.rateSec, this.rateBase, this.rateBits, this.l7Buf, this.l7Match, this.l7Seen, this.l7Done, this.helper, this.ext, this.extWords]) {
      n += a.byteLength;
    }
    return n;
  }

  /**
   * The ref (`id * 2 + dir`) of the live entry holding this tuple, or -1. An expired entry found on the way is
   * removed and reported absent.
   */
  lookup(src: number, dst: number, ports: number, proto: number, now: number): number {
    const h = tupleHash(src, dst, ports, proto, this.seed);
    const hash = this.hash;
    const mask = this.mask;
    let i = h & mask;
    for (;;) {
      const w = hash[i * 2]!;
      if (w === 0) return -1;
      if (w === h) {
        const ref = hash[i * 2 + 1]! - 1;
        const t = this.tup;
        const q = ref * 4;
        if (t[q] === src && t[q + 1] === dst && t[q + 2] === ports && t[q + 3] === proto) {
          const id = ref >> 1;
          if (this.expires[id]! <= now) {
            this.expired++;
            this.remove(id);
            return -1;
          }
          return ref;
        }
      }
      i = (i + 1) & mask;
    }
  }

  /**
   * A new unconfirmed entry for the original tuple `(src, dst, ports, proto)`, with the reply tuple its
   * inverse (NAT may change it before `confirm`). Returns the id, or -1 when the table is full and nothing
   * could be evicted.
   */
  alloc(src: number, dst: number, ports: number, proto: number, now: number, timeout: number): number {
    if (this.freeHead < 0 && !this.evictOne(now)) return -1;
    const id = this.freeHead;
    this.freeHead = this.nextFree[id]!;
    this.nextFree[id] = -2;
    this.used++;
    const o = id * 2;
    const r = o + 1;
    const t = this.tup;
    t[o * 4] = src;
    t[o * 4 + 1] = dst;
    t[o * 4 + 2] = ports;
    t[o * 4 + 3] = proto;
    t[r * 4] = dst;
    t[r * 4 + 1] = src;
    t[r * 4 + 2] = ((ports & 0xffff) << 16) | (ports >>> 16);
    t[r * 4 + 3] = proto;
    this.packets[o] = 0;
    this.packets[r] = 0;
    this.bytes[o] = 0;
    this.bytes[r] = 0;
    this.proto[id] = proto;
    this.status[id] = 0;
    this.pstate[id] = 0;
    this.mark[id] = 0;
    this.expires[id] = now + timeout;
    this.created[id] = now;
    this.serial[id] = this.nextSerial;
    this.nextSerial = (this.nextSerial + 1) >>> 0 || 1;
    this.master[id] = -1;
    this.track.fill(0, id * TRACK_WORDS, id * TRACK_WORDS + TRACK_WORDS);
    this.helper[id] = 0;
    this.ftPackets[id] = 0;
    this.ftBytes[id] = 0;
    this.resetMatcherColumns(id);
    return id;
  }

  /** Set the reply tuple of an unconfirmed entry (NAT: what replies will look like). */
  setReply(id: number, src: number, dst: number, ports: number): void {
    const q = (id * 2 + 1) * 4;
    this.tup[q] = src;
    this.tup[q + 1] = dst;
    this.tup[q + 2] = ports;
  }

  /** Is this tuple held by a confirmed live entry other than `except` (NAT port choice asks before taking one). */
  inUse(src: number, dst: number, ports: number, proto: number, now: number, except = -1): boolean {
    const ref = this.lookup(src, dst, ports, proto, now);
    return ref >= 0 && ref >> 1 !== except;
  }

  /** Insert both tuples of an unconfirmed entry into the hash. False (nothing inserted) on a clash. */
  confirm(id: number): boolean {
    if (this.status[id]! & CtStatus.CONFIRMED) return true;
    const o = id * 2;
    const t = this.tup;
    const ho = tupleHash(t[o * 4]!, t[o * 4 + 1]!, t[o * 4 + 2]!, this.proto[id]!, this.seed);
    const hr = tupleHash(t[o * 4 + 4]!, t[o * 4 + 5]!, t[o * 4 + 6]!, this.proto[id]!, this.seed);
    if (this.findSlot(o, ho) >= 0 || this.findSlot(o + 1, hr) >= 0) return false;
    if ((this.confirmedCount + 1) * 4 > this.nSlots && this.nSlots < this.maxSlots) this.grow();
    this.tupleH[o] = ho;
    this.tupleH[o + 1] = hr;
    this.insertSlot(o, ho);
    this.insertSlot(o + 1, hr);
    this.status[id] = this.status[id]! | CtStatus.CONFIRMED;
    this.confirmedCount++;
    if (this.listener !== null) this.listener.confirmed(id);
    return true;
  }

  /** Return an unconfirmed entry (its packet was dropped before confirm). */
  release(id: number): void {
    if (this.nextFree[id] !== -2) return;
    if (this.status[id]! & CtStatus.CONFIRMED) {
      this.remove(id);
      return;
    }
    this.freeEntry(id);
  }

  /** Remove a confirmed entry (expired, evicted, flushed) and free it. */
  remove(id: number): void {
    if (this.nextFree[id] !== -2) return;
    if (this.status[id]! & CtStatus.CONFIRMED) {
      this.deleteSlot(id * 2, this.tupleH[id * 2]!);
      this.deleteSlot(id * 2 + 1, this.tupleH[id * 2 + 1]!);
      this.confirmedCount--;
    }
    this.freeEntry(id);
  }

  /** Is entry `id` in use (confirmed or not). */
  live(id: number): boolean {
    return id >= 0 && id < this.maxEntries && this.nextFree[id] === -2;
  }

  /**
   * Remove up to `budget` checked entries' worth of expired ones, continuing from where the last call stopped.
   * Returns how many were removed.
   */
  gc(now: number, budget = GC_BUDGET): number {
    let removed = 0;
    const max = this.maxEntries;
    let c = this.gcCursor;
    for (let k = 0; k < budget && this.confirmedCount > 0; k++) {
      if (this.nextFree[c] === -2 && this.status[c]! & CtStatus.CONFIRMED && this.expires[c]! <= now) {
        this.remove(c);
        this.expired++;
        removed++;
      }
      c = c + 1 === max ? 0 : c + 1;
    }
    this.gcCursor = c;
    return removed;
  }

  /** Remove every expired entry now (console `print`, tests). */
  gcAll(now: number): number {
    let removed = 0;
    for (let id = 0; id < this.maxEntries; id++) {
      if (this.nextFree[id] === -2 && this.status[id]! & CtStatus.CONFIRMED && this.expires[id]! <= now) {
        this.remove(id);
        this.expired++;
        removed++;
      }
    }
    return removed;
  }

  /** Remove every entry (`/ip firewall connection remove [find]`). */
  flush(): void {
    for (let id = 0; id < this.maxEntries; id++) if (this.nextFree[id] === -2) this.remove(id);
  }

  /** Call `fn(id)` for every confirmed entry, in id order (off the hot path). */
  forEach(fn: (id: number) => void): void {
    for (let id = 0; id < this.maxEntries; id++) if (this.nextFree[id] === -2 && this.status[id]! & CtStatus.CONFIRMED) fn(id);
  }

  // ---- internals ----

  /** Fresh firewall-matcher columns for a new entry (the block above the free list). */
  private resetMatcherColumns(id: number): void {
    if (this.rateSec.length === 0) return;
    this.rateSec[id] = -1;
    this.rateBase[id] = 0;
    this.rateBits[id] = 0;
    this.l7Buf[id] = -1;
    this.l7Match[id] = 0;
    this.l7Seen[id] = 0;
    this.l7Done[id] = 0;
  }

  /** Free one confirmed entry that is expired or not assured, scanning from the eviction cursor. */
  private evictOne(now: number): boolean {
    const max = this.maxEntries;
    let c = this.evictCursor;
    for (let k = 0; k < EVICT_SCAN; k++) {
      const st = this.status[c]!;
      if (this.nextFree[c] === -2 && st & CtStatus.CONFIRMED && (this.expires[c]! <= now || !(st & CtStatus.ASSURED))) {
        this.evictCursor = c + 1 === max ? 0 : c + 1;
        if (this.expires[c]! <= now) this.expired++;
        else this.evicted++;
        this.remove(c);
        return true;
      }
      c = c + 1 === max ? 0 : c + 1;
    }
    this.evictCursor = c;
    return false;
  }

  /** The helper extension of entry `id`, allocated (zeroed) on first use. Returns its word offset. */
  extOf(id: number): number {
    let x = this.ext[id]!;
    if (x < 0) {
      if (this.extFree.length > 0) x = this.extFree.pop()!;
      else {
        x = this.extNext++;
        if ((x + 1) * EXT_WORDS > this.extWords.length) {
          const grown = new Int32Array(this.extWords.length * 2);
          grown.set(this.extWords);
          this.extWords = grown;
        }
      }
      this.extWords.fill(0, x * EXT_WORDS, x * EXT_WORDS + EXT_WORDS);
      this.ext[id] = x;
    }
    return x * EXT_WORDS;
  }

  private freeEntry(id: number): void {
    if (this.listener !== null) this.listener.freed(id, (this.status[id]! & CtStatus.CONFIRMED) !== 0);
    const x = this.ext[id]!;
    if (x >= 0) {
      this.extFree.push(x);
      this.ext[id] = -1;
    }
    this.helper[id] = 0;
    this.status[id] = 0;
    this.nextFree[id] = this.freeHead;
    this.freeHead = id;
    this.used--;
  }

  /** The slot of a tuple equal to ref's (any entry), or -1. */
  private findSlot(ref: number, h: number): number {
    const hash = this.hash;
    const mask = this.mask;
    const t = this.tup;
    const s = t[ref * 4]!;
    const d = t[ref * 4 + 1]!;
    const p = t[ref * 4 + 2]!;
    const pr = t[ref * 4 + 3]!;
    let i = h & mask;
    for (;;) {
      const w = hash[i * 2]!;
      if (w === 0) return -1;
      if (w === h) {
        const q = (hash[i * 2 + 1]! - 1) * 4;
        if (t[q] === s && t[q + 1] === d && t[q + 2] === p && t[q + 3] === pr) return i;
      }
      i = (i + 1) & mask;
    }
  }

  /** Double the slot array and put every tuple back (load stays <= 0.5; off the per-packet path: amortised). */
  private grow(): void {
    const old = this.hash;
    const n = this.nSlots * 2;
    this.nSlots = n;
    this.mask = n - 1;
    this.hash = new Int32Array(n * 2);
    for (let i = 0; i < old.length; i += 2) {
      const w = old[i]!;
      if (w !== 0) this.insertSlot(old[i + 1]! - 1, w);
    }
  }

  private insertSlot(ref: number, h: number): void {
    const hash = this.hash;
    const mask = this.mask;
    let i = h & mask;
    while (hash[i * 2] !== 0) i = (i + 1) & mask;
    hash[i * 2] = h;
    hash[i * 2 + 1] = ref + 1;
  }

  /** Delete ref's slot and shift the rest of its cluster back (no tombstones). */
  private deleteSlot(ref: number, h: number): void {
    const hash = this.hash;
    const mask = this.mask;
    let i = h & mask;
    while (hash[i * 2 + 1] !== ref + 1) {
      if (hash[i * 2] === 0) return; // not present (cannot happen for a confirmed entry)
      i = (i + 1) & mask;
    }
    // Backward-shift deletion (Knuth 6.4 algorithm R).
    let j = i;
    for (;;) {
      hash[i * 2] = 0;
      hash[i * 2 + 1] = 0;
      for (;;) {
        j = (j + 1) & mask;
        const w = hash[j * 2]!;
        if (w === 0) return;
        const home = w & mask;
        // Move j's entry to i unless its home lies cyclically in (i, j].
        if (i <= j ? home <= i || home > j : home <= i && home > j) break;
      }
      hash[i * 2] = hash[j * 2]!;
      hash[i * 2 + 1] = hash[j * 2 + 1]!;
      i = j;
    }
  }
}
