/**
 * The ARP table (RouterOS `/ip arp`): IPv4 neighbour → MAC, one table per router, entries keyed by
 * (IPv4 address, interface index). The state machine is Linux's neighbour cache (RouterOS v7 runs it; the
 * `status` column of `/ip arp print` shows its states), simplified to what ARP uses.
 *
 * ## States (`ArpState`) and transitions
 * Every timer below fires when `now >= start + duration` (the same >= boundary as the FDB's ageing; Linux
 * differs by at most one jiffy). Durations come from `ArpTimeouts`, given to every `expire` call.
 *
 * | from | event | to |
 * | --- | --- | --- |
 * | (none) / FAILED | `resolveStart` (a packet needs the MAC) | INCOMPLETE, first request counted (the caller sends it) |
 * | INCOMPLETE | `retransmit` elapsed, fewer than `maxRequests` requests sent | INCOMPLETE, entry listed in `requests` (broadcast) |
 * | INCOMPLETE | `retransmit` elapsed after `maxRequests` requests | FAILED, queued packets listed in `drops` |
 * | any but PERMANENT | `confirm` (reply to us) | REACHABLE, `confirmed = now`; from INCOMPLETE the queue is returned to send |
 * | any but PERMANENT | `confirm(…, reachable=false)` (request from it, gratuitous ARP) | STALE — unless it already had this MAC (state kept); new or INCOMPLETE entries get the MAC |
 * | REACHABLE | `confirmed + reachable` elapsed, used within `delayFirstProbe` | DELAY |
 * | REACHABLE | `confirmed + reachable` elapsed, not used lately | STALE |
 * | STALE | `use` (a packet is sent with the cached MAC) | DELAY |
 * | STALE | `used + staleTime` elapsed (Linux gc_staletime) | removed |
 * | DELAY | `delayFirstProbe` elapsed | PROBE, first unicast request listed in `requests` |
 * | PROBE | `retransmit` elapsed, fewer than `maxProbes` sent | PROBE, entry listed in `requests` (unicast to the cached MAC) |
 * | PROBE | `retransmit` elapsed after `maxProbes` | FAILED |
 * | FAILED | `failedHold` elapsed | removed |
 * | PERMANENT | — (`addStatic`; only `remove` ends it) | — |
 *
 * REACHABLE, STALE, DELAY, PROBE and PERMANENT have a MAC ("complete", flag C): packets go out with it.
 * INCOMPLETE queues packets (`enqueue`); FAILED has neither — the next packet restarts resolution, as Linux.
 *
 * Defaults (`ARP_DEFAULT_TIMEOUTS`): reachable 30 s (RouterOS `/ip settings arp-timeout`; RouterOS/Linux pick
 * the real value at random in [t/2, 3t/2] — the router does that with its seeded generator and passes the
 * result, the table takes it as given; `setReachableTimes` gives one per interface, as Linux keeps
 * reachable_time per device), retransmit 1 s, 3 broadcast requests then FAILED (Linux mcast_probes),
 * delay 5 s, 3 unicast probes (ucast_probes), stale entries removed 60 s after last use (gc_staletime), failed
 * entries shown for 15 s (Linux drops them at the next periodic gc, which runs every reachable/2 = 15 s).
 * Linux's locktime (ignore a different MAC within 1 s) is not modelled: the newest answer wins.
 *
 * ## Timers without per-entry timer objects
 * Each entry keeps timestamps (`confirmed`, `used`, `timerAt`); its next deadline is computed from them and
 * the timeouts. `expire(now, …)` processes every event due by `now` at the event's own time (catch-up), so
 * the outcome does not depend on how often `expire` runs, only on `now`. It is O(1) until the earliest
 * deadline (`nextDeadline`), so the routing stage may call it per vector or even per packet; a replay loop can
 * call it exactly at `nextDeadline` to emit retransmissions on time. An entry owing several retransmissions
 * when `expire` finally runs is listed once.
 *
 * ## Queue of packets waiting for resolution
 * Per entry a FIFO of packet slots, bounded as Linux (since 3.3; RouterOS v7's 5.6 included) bounds
 * `arp_queue`: by bytes, `unres_qlen_bytes` = SK_WMEM_MAX = 212992, each packet counting its skb truesize
 * (`skbTruesize(len)` = len + 576 on x86-64: SKB_TRUESIZE) — so about 101 full-size frames, Linux's
 * displayed `unres_qlen`. A packet that would exceed the bound pushes out the oldest packets until it fits
 * (it is queued even alone over the bound, as Linux's loop stops at an empty queue); `enqueue` lists the
 * pushed-out slots in `pushed` so the caller counts and frees them. `queueLen` optionally caps the packet
 * count too (flowplane; default none). The FIFO is linked through a per-slot column (a slot waits in at most
 * one queue), so the table needs the slot capacity (`slots`). On resolution the queue comes back in arrival
 * order; on failure its slots go to `ArpEvents.drops` (ICMP host unreachable + drop count).
 *
 * ## Indices, size, full table
 * Entries live in fixed columns indexed by an entry number that stays valid for the entry's life (a packet can
 * be queued on it); a hash index (open addressing, linear probing, backward-shift deletion) maps
 * (ip, ifIndex) to it. At `maxEntries` (RouterOS max-neighbor-entries; 16384 by default) creating an entry
 * first runs a forced gc — at most once per second of clock — that removes FAILED and STALE entries not
 * updated for 5 s (Linux `neigh_forced_gc`); if nothing can go, creation fails (-1) and the caller drops the
 * packet ("neighbour table overflow").
 *
 * ## Not here
 * Interface `arp=` modes (disabled, proxy-arp, local-proxy-arp, reply-only) are decisions of the ARP stage: it
 * simply does not call `resolveStart`/`confirm` where the mode forbids learning. Published entries are
 * answered by the stage (`published(e)`).
 */

/** Entry state (`state` column). */
export const ArpState = {
  NONE: 0,
  INCOMPLETE: 1,
  REACHABLE: 2,
  STALE: 3,
  DELAY: 4,
  PROBE: 5,
  FAILED: 6,
  PERMANENT: 7,
} as const;

/** RouterOS `status` names by state. */
export const ARP_STATE_NAMES = ['', 'incomplete', 'reachable', 'stale', 'delay', 'probe', 'failed', 'permanent'] as const;

/** Entry flags (`flags` column). */
export const ArpFlag = {
  /** Answer ARP requests for this address with the router's MAC (RouterOS `published=yes`, flag P). */
  PUBLISHED: 1,
} as const;

/** Bit set of the states that hold a usable MAC. */
export const COMPLETE_MASK = (1 << 2) | (1 << 3) | (1 << 4) | (1 << 5) | (1 << 7);

export interface ArpTimeouts {
  /** Seconds an entry stays REACHABLE after a confirmation (RouterOS arp-timeout). */
  reachable: number;
  /** Seconds between requests while INCOMPLETE or PROBE (Linux retrans_time). */
  retransmit: number;
  /** Broadcast requests sent while INCOMPLETE before FAILED (Linux mcast_probes). */
  maxRequests: number;
  /** Seconds in DELAY before probing (Linux delay_first_probe_time). */
  delayFirstProbe: number;
  /** Unicast probes sent in PROBE before FAILED (Linux ucast_probes). */
  maxProbes: number;
  /** Seconds after its last use that a STALE entry is removed (Linux gc_staletime). */
  staleTime: number;
  /** Seconds a FAILED entry stays visible before removal. */
  failedHold: number;
}

export const ARP_DEFAULT_TIMEOUTS: Readonly<ArpTimeouts> = Object.freeze({
  reachable: 30,
  retransmit: 1,
  maxRequests: 3,
  delayFirstProbe: 5,
  maxProbes: 3,
  staleTime: 60,
  failedHold: 15,
});

export const ARP_DEFAULT_MAX_ENTRIES = 16384;
/** No packet-count cap by default: the byte bound decides (Linux). */
export const ARP_DEFAULT_QUEUE_LEN = 65535;
/** Linux `unres_qlen_bytes` default: SK_WMEM_MAX (x86-64) = 212992. */
export const ARP_DEFAULT_QUEUE_BYTES = 212992;
/** Linux SKB_TRUESIZE overhead on x86-64: SKB_DATA_ALIGN(sizeof(sk_buff)) 256 + SKB_DATA_ALIGN(skb_shared_info) 320. */
export const SKB_OVERHEAD = 576;

/** What a queued packet of `len` bytes counts against `queueBytes` (Linux SKB_TRUESIZE(len)). */
export function skbTruesize(len: number): number {
  return len + SKB_OVERHEAD;
}

/** Output of `expire`, allocated once by the caller and reused (counts are reset by every call). */
export class ArpEvents {
  /** Packet slots whose resolution failed: count them, send ICMP host unreachable, free them. */
  readonly drops: Uint32Array;
  dropCount: number;
  /** Entries needing a request now: broadcast if `state(e)` is INCOMPLETE, unicast to `mac(e)` if PROBE. */
  readonly requests: Int32Array;
  requestCount: number;

  /** `capacity` bounds both lists; `expire` stops early (and resumes next call) rather than overflow. */
  constructor(capacity: number = 1024) {
    this.drops = new Uint32Array(capacity);
    this.dropCount = 0;
    this.requests = new Int32Array(capacity);
    this.requestCount = 0;
  }
}

export interface ArpTableOptions {
  /** Most entries (RouterOS max-neighbor-entries). Default 16384. */
  maxEntries?: number;
  /** Most packets queued per unresolved entry (flowplane's cap; Linux has none). Default 65535; 0 = queue nothing. */
  queueLen?: number;
  /** Bytes (skb truesize) queued per unresolved entry (Linux unres_qlen_bytes). Default 212992. */
  queueBytes?: number;
  /** Slot numbers that can be queued are 0 .. slots-1 (the packet pool's size). Default 65536. */
  slots?: number;
  /** Hash seed (layout only). Default 0. */
  seed?: number;
}

/** One entry as `forEach` reports it (off the hot path). */
export interface ArpEntry {
  index: number;
  ip: number;
  ifIndex: number;
  macHi: number;
  macLo: number;
  state: number;
  flags: number;
  /** RouterOS print flags: D dynamic, P published, C complete (e.g. "DC", "PC"). */
  printFlags: string;
  status: string;
  confirmed: number;
  updated: number;
  used: number;
  probes: number;
  queued: number;
}

function hashKey(ip: number, ifTag: number, seed: number): number {
  let h = (Math.imul(ifTag ^ seed, 0x9e3779b1) + ip) | 0;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  return h ^ (h >>> 16);
}

const INCOMPLETE = ArpState.INCOMPLETE;
const REACHABLE = ArpState.REACHABLE;
const STALE = ArpState.STALE;
const DELAY = ArpState.DELAY;
const PROBE = ArpState.PROBE;
const FAILED = ArpState.FAILED;
const PERMANENT = ArpState.PERMANENT;

/** Forced gc removes STALE entries not updated for this long (Linux: 5 s). */
const FORCED_GC_AGE = 5;
/** Forced gc runs at most once per this many seconds of clock. */
const FORCED_GC_INTERVAL = 1;

export class ArpTable {
  readonly maxEntries: number;
  readonly queueLen: number;
  readonly queueBytes: number;
  /** Slots `enqueue` pushed out (valid until the next `enqueue`). */
  readonly pushed: Uint32Array;
  /** Hash slots: four words per slot `[ip, ifIndex + 1, entry, 0]`; word 1 === 0 means empty. */
  private readonly index: Int32Array;
  private readonly mask: number;
  private readonly seed: number;
  // Entry columns (indexed by entry number).
  private readonly ipCol: Int32Array;
  private readonly ifCol: Int32Array;
  private readonly macHiCol: Uint16Array;
  private readonly macLoCol: Int32Array;
  private readonly stateCol: Uint8Array;
  private readonly flagCol: Uint8Array;
  private readonly probeCol: Uint8Array;
  private readonly confirmedCol: Float64Array;
  private readonly updatedCol: Float64Array;
  private readonly usedCol: Float64Array;
  /** Start of the running timer (INCOMPLETE/PROBE: last request; DELAY: entered; FAILED: failed at). */
  private readonly timerCol: Float64Array;
  private readonly qHead: Int32Array;
  private readonly qTail: Int32Array;
  private readonly qLen: Int32Array;
  private readonly qBytes: Float64Array;
  /** Per slot: the next slot in its queue (-1: last), and what it counts against queueBytes. */
  private readonly qNext: Int32Array;
  private readonly qSize: Int32Array;
  /** Interface index → reachable time (seconds) overriding `ArpTimeouts.reachable`; NaN/absent = use it. */
  private reachOf: Float64Array = new Float64Array(0);
  private readonly free: Int32Array;
  private freeTop: number;
  /** Entries [0, highWater) have been used at least once: `expire` scans only those. */
  private highWater: number;
  private count: number;
  /** Timeouts of the last `expire` (deadlines set by other calls use them). */
  private readonly t: ArpTimeouts;
  /** No event is due before this time (a lower bound; -Infinity forces the next `expire` to scan). */
  private due: number;
  private lastForcedGc: number;
  /** Entry touched by the last `confirm` (-1 if it could not be created). */
  lastEntry: number;

  constructor(opts: ArpTableOptions = {}) {
    const maxEntries = opts.maxEntries ?? ARP_DEFAULT_MAX_ENTRIES;
    if (!Number.isInteger(maxEntries) || maxEntries < 1 || maxEntries > 1 << 24) {
      throw new RangeError(`ArpTable: maxEntries must be an integer 1..2^24, got ${maxEntries}`);
    }
    const queueLen = opts.queueLen ?? ARP_DEFAULT_QUEUE_LEN;
    if (!Number.isInteger(queueLen) || queueLen < 0 || queueLen > 65535) {
      throw new RangeError(`ArpTable: queueLen must be an integer 0..65535, got ${queueLen}`);
    }
    const queueBytes = opts.queueBytes ?? ARP_DEFAULT_QUEUE_BYTES;
    if (!(queueBytes >= 0)) throw new RangeError(`ArpTable: queueBytes must be >= 0, got ${queueBytes}`);
    const slotCap = opts.slots ?? 65536;
    if (!Number.isInteger(slotCap) || slotCap < 1 || slotCap > 1 << 24) throw new RangeError(`ArpTable: slots must be an integer 1..2^24, got ${slotCap}`);
    let slots = 8;
    while (slots < maxEntries * 2) slots *= 2;
    this.maxEntries = maxEntries;
    this.queueLen = queueLen;
    this.queueBytes = queueBytes;
    this.pushed = new Uint32Array(Math.max(1, Math.min(queueLen, slotCap)));
    this.index = new Int32Array(slots * 4);
    this.mask = slots - 1;
    this.seed = (opts.seed ?? 0) | 0;
    this.ipCol = new Int32Array(maxEntries);
    this.ifCol = new Int32Array(maxEntries);
    this.macHiCol = new Uint16Array(maxEntries);
    this.macLoCol = new Int32Array(maxEntries);
    this.stateCol = new Uint8Array(maxEntries);
    this.flagCol = new Uint8Array(maxEntries);
    this.probeCol = new Uint8Array(maxEntries);
    this.confirmedCol = new Float64Array(maxEntries);
    this.updatedCol = new Float64Array(maxEntries);
    this.usedCol = new Float64Array(maxEntries);
    this.timerCol = new Float64Array(maxEntries);
    this.qHead = new Int32Array(maxEntries).fill(-1);
    this.qTail = new Int32Array(maxEntries).fill(-1);
    this.qLen = new Int32Array(maxEntries);
    this.qBytes = new Float64Array(maxEntries);
    this.qNext = new Int32Array(slotCap).fill(-1);
    this.qSize = new Int32Array(slotCap);
    this.free = new Int32Array(maxEntries);
    for (let i = 0; i < maxEntries; i++) this.free[i] = maxEntries - 1 - i;
    this.freeTop = maxEntries;
    this.highWater = 0;
    this.count = 0;
    this.t = { ...ARP_DEFAULT_TIMEOUTS };
    this.due = Infinity;
    this.lastForcedGc = -Infinity;
    this.lastEntry = -1;
  }

  get size(): number {
    return this.count;
  }
  /** No timer is due before this time (Infinity: none). `expire` before it is O(1) and does nothing. */
  get nextDeadline(): number {
    return this.due;
  }

  // ---- hot path -------------------------------------------------------------------------------------------

  /** Entry number for (ip, ifIndex), or -1. */
  lookup(ip: number, ifIndex: number): number {
    const a = ip | 0;
    const tag = (ifIndex + 1) | 0;
    const idx = this.index;
    const mask = this.mask;
    let i = hashKey(a, tag, this.seed) & mask;
    for (;;) {
      const o = i << 2;
      const t = idx[o + 1]!;
      if (t === tag && idx[o] === a) return idx[o + 2]!;
      if (t === 0) return -1;
      i = (i + 1) & mask;
    }
  }

  state(e: number): number {
    return this.stateCol[e]!;
  }
  /** Whether the entry holds a usable MAC (REACHABLE, STALE, DELAY, PROBE, PERMANENT). */
  complete(e: number): boolean {
    return ((COMPLETE_MASK >> this.stateCol[e]!) & 1) === 1;
  }
  macHi(e: number): number {
    return this.macHiCol[e]!;
  }
  macLo(e: number): number {
    return this.macLoCol[e]! >>> 0;
  }
  published(e: number): boolean {
    return (this.flagCol[e]! & ArpFlag.PUBLISHED) !== 0;
  }
  ip(e: number): number {
    return this.ipCol[e]! >>> 0;
  }
  ifIndex(e: number): number {
    return this.ifCol[e]!;
  }
  flags(e: number): number {
    return this.flagCol[e]!;
  }
  confirmedAt(e: number): number {
    return this.confirmedCol[e]!;
  }
  updatedAt(e: number): number {
    return this.updatedCol[e]!;
  }
  usedAt(e: number): number {
    return this.usedCol[e]!;
  }
  /** Requests sent in the current INCOMPLETE or PROBE phase. */
  probes(e: number): number {
    return this.probeCol[e]!;
  }
  /** Packets waiting in the entry's queue. */
  queued(e: number): number {
    return this.qLen[e]!;
  }

  /**
   * A packet is being sent with entry `e`'s MAC at `now` (call for complete entries): records the use and
   * turns STALE into DELAY (re-verification starts).
   */
  use(e: number, now: number): void {
    this.usedCol[e] = now;
    if (this.stateCol[e] === STALE) {
      this.stateCol[e] = DELAY;
      this.timerCol[e] = now;
      this.updatedCol[e] = now;
      const d = now + this.t.delayFirstProbe;
      if (d < this.due) this.due = d;
    }
  }

  /**
   * Queue packet `slot` (counting `bytes` against `queueBytes`: pass `skbTruesize(frame length)`) on
   * INCOMPLETE entry `e`. Returns the number of older slots pushed out to make room (listed in `pushed`, oldest
   * first: the caller drops them), or -1 when `slot` itself is not queued — `e` is not INCOMPLETE (nothing to
   * wait for), `queueLen` is 0, or the slot number is beyond `slots`: the caller drops it.
   */
  enqueue(e: number, slot: number, bytes: number = 0): number {
    if (this.stateCol[e] !== INCOMPLETE || this.queueLen === 0 || !(slot >= 0 && slot < this.qNext.length)) return -1;
    const size = bytes > 0 ? bytes | 0 : 0;
    let n = 0;
    // Linux __neigh_event_send: drop from the head while the new packet would not fit (never the new one)
    while (this.qLen[e]! > 0 && (this.qLen[e]! + 1 > this.queueLen || this.qBytes[e]! + size > this.queueBytes)) {
      const h = this.qHead[e]!;
      this.qHead[e] = this.qNext[h]!;
      this.qLen[e] = this.qLen[e]! - 1;
      this.qBytes[e] = this.qBytes[e]! - this.qSize[h]!;
      if (this.qLen[e] === 0) this.qTail[e] = -1;
      this.pushed[n++] = h;
    }
    this.qNext[slot] = -1;
    this.qSize[slot] = size;
    const t = this.qTail[e]!;
    if (t >= 0) this.qNext[t] = slot;
    else this.qHead[e] = slot;
    this.qTail[e] = slot;
    this.qLen[e] = this.qLen[e]! + 1;
    this.qBytes[e] = this.qBytes[e]! + size;
    return n;
  }

  /** Bytes queued on entry `e` (sum of the sizes given to `enqueue`). */
  queuedBytes(e: number): number {
    return this.qBytes[e]!;
  }

  /**
   * Per-interface reachable times (seconds, indexed by interface index; NaN or beyond the array = the
   * `ArpTimeouts.reachable` given to `expire`). Linux keeps reachable_time per device (base_reachable_time
   * randomised to [t/2, 3t/2]); the caller draws it. Takes effect at once (deadlines are recomputed).
   */
  setReachableTimes(times: Float64Array): void {
    this.reachOf = Float64Array.from(times);
    this.due = -Infinity;
  }

  /** Seconds entry `e` stays REACHABLE after a confirmation, under `t`. */
  reachableFor(e: number, t: ArpTimeouts = this.t): number {
    const i = this.ifCol[e]!;
    const r = i >= 0 && i < this.reachOf.length ? this.reachOf[i]! : NaN;
    return r === r ? r : t.reachable;
  }

  // ---- state changes --------------------------------------------------------------------------------------

  /**
   * A packet needs the MAC of (ip, ifIndex) and there is no entry, or a FAILED one: create it INCOMPLETE (or
   * restart the FAILED one) with one request counted — the caller sends that broadcast request now. On an
   * entry in any other state this changes nothing. Returns the entry, or -1 when the table is full.
   */
  resolveStart(ip: number, ifIndex: number, now: number): number {
    let e = this.lookup(ip, ifIndex);
    if (e >= 0) {
      if (this.stateCol[e] !== FAILED) return e;
    } else {
      e = this.create(ip, ifIndex, now);
      if (e < 0) return -1;
    }
    this.stateCol[e] = INCOMPLETE;
    this.probeCol[e] = 1;
    this.timerCol[e] = now;
    this.updatedCol[e] = now;
    this.usedCol[e] = now;
    this.macHiCol[e] = 0;
    this.macLoCol[e] = 0;
    const d = now + this.t.retransmit;
    if (d < this.due) this.due = d;
    return e;
  }

  /**
   * An ARP packet from (ip, ifIndex) with sender MAC hi/lo was received at `now`. `reachable` (default): a
   * reply addressed to us — the entry becomes REACHABLE. `reachable=false`: a request or gratuitous ARP — the
   * entry becomes STALE unless it already had this MAC. Creates the entry if absent; PERMANENT entries are not
   * touched. If the entry was INCOMPLETE, its queued slots are written to `out` in arrival order (`out.length`
   * must be >= queueLen) and their count returned — send them to the MAC now (sending is a use: call
   * `use(lastEntry, now)`, which turns a STALE entry into DELAY as Linux does). `lastEntry` is set to the entry
   * (-1 if the table was full).
   */
  confirm(ip: number, ifIndex: number, hi: number, lo: number, now: number, out: Uint32Array, reachable: boolean = true): number {
    let e = this.lookup(ip, ifIndex);
    if (e < 0) {
      e = this.create(ip, ifIndex, now);
      this.lastEntry = e;
      if (e < 0) return 0;
    }
    this.lastEntry = e;
    const s = this.stateCol[e]!;
    if (s === PERMANENT) return 0;
    const h = hi & 0xffff;
    const l = lo | 0;
    const wasComplete = ((COMPLETE_MASK >> s) & 1) === 1;
    const sameMac = wasComplete && this.macHiCol[e] === h && this.macLoCol[e] === l;
    let ns: number;
    if (reachable) {
      ns = REACHABLE;
      this.confirmedCol[e] = now;
    } else {
      ns = sameMac ? s : STALE;
    }
    if (ns !== s || !sameMac) this.updatedCol[e] = now;
    this.stateCol[e] = ns;
    this.macHiCol[e] = h;
    this.macLoCol[e] = l;
    if (ns !== s) this.probeCol[e] = 0;
    const d = this.deadline(e, this.t);
    if (d < this.due) this.due = d;
    if (!wasComplete && this.qLen[e]! > 0) return this.drain(e, out, 0);
    return 0;
  }

  /**
   * Add (or overwrite) a static entry: PERMANENT, never expires, `published` answers requests for `ip`.
   * Returns the entry, or -1 when the table is full. If the entry was INCOMPLETE its queued packets stay
   * queued: take them with `takeQueued` and send them.
   */
  addStatic(ip: number, ifIndex: number, hi: number, lo: number, published: boolean = false, now: number = 0): number {
    let e = this.lookup(ip, ifIndex);
    if (e < 0) {
      e = this.create(ip, ifIndex, now);
      if (e < 0) return -1;
    }
    this.stateCol[e] = PERMANENT;
    this.flagCol[e] = published ? ArpFlag.PUBLISHED : 0;
    this.macHiCol[e] = hi & 0xffff;
    this.macLoCol[e] = lo | 0;
    this.probeCol[e] = 0;
    this.updatedCol[e] = now;
    return e;
  }

  /** Move entry `e`'s queued slots to `out` (from `at`, arrival order) and empty its queue. Returns the count. */
  takeQueued(e: number, out: Uint32Array, at: number = 0): number {
    return this.drain(e, out, at);
  }

  /**
   * Remove (ip, ifIndex) whatever its state. Returns -1 if absent, else the number of queued slots it held,
   * written to `out` when given (the caller frees them).
   */
  remove(ip: number, ifIndex: number, out: Uint32Array | null = null): number {
    const e = this.lookup(ip, ifIndex);
    if (e < 0) return -1;
    const n = this.qLen[e]!;
    if (out !== null) this.drain(e, out, 0);
    this.removeEntry(e);
    return n;
  }

  /**
   * Run every timer due by `now` with `timeouts`, filling `out` (reset first): failed resolutions' queued
   * slots in `out.drops`, entries owing a request in `out.requests`. Returns the number of entries removed
   * (STALE gc, FAILED hold over). O(1) while `now < nextDeadline` and the timeouts are unchanged.
   */
  expire(now: number, timeouts: ArpTimeouts, out: ArpEvents): number {
    out.dropCount = 0;
    out.requestCount = 0;
    const t = this.t;
    if (
      t.reachable !== timeouts.reachable ||
      t.retransmit !== timeouts.retransmit ||
      t.maxRequests !== timeouts.maxRequests ||
      t.delayFirstProbe !== timeouts.delayFirstProbe ||
      t.maxProbes !== timeouts.maxProbes ||
      t.staleTime !== timeouts.staleTime ||
      t.failedHold !== timeouts.failedHold
    ) {
      checkTimeouts(timeouts);
      t.reachable = timeouts.reachable;
      t.retransmit = timeouts.retransmit;
      t.maxRequests = timeouts.maxRequests;
      t.delayFirstProbe = timeouts.delayFirstProbe;
      t.maxProbes = timeouts.maxProbes;
      t.staleTime = timeouts.staleTime;
      t.failedHold = timeouts.failedHold;
      this.due = -Infinity;
    }
    if (now < this.due) return 0;
    const state = this.stateCol;
    let next = Infinity;
    let removed = 0;
    for (let e = 0; e < this.highWater; e++) {
      const s0 = state[e]!;
      if (s0 === 0 || s0 === PERMANENT) continue;
      let d = this.deadline(e, t);
      if (d > now) {
        if (d < next) next = d;
        continue;
      }
      if (out.dropCount + this.qLen[e]! > out.drops.length || out.requestCount >= out.requests.length) {
        next = -Infinity; // out of room: the next call resumes
        break;
      }
      let request = false;
      let gone = false;
      let T = -Infinity;
      while (d <= now) {
        // events run at their own times, never backwards (DELAY -> REACHABLE can yield a deadline in the past)
        if (d > T) T = d;
        const s = state[e]!;
        if (s === INCOMPLETE || s === PROBE) {
          if (this.probeCol[e]! >= (s === INCOMPLETE ? t.maxRequests : t.maxProbes)) {
            this.fail(e, T, out);
          } else {
            this.probeCol[e]++;
            this.timerCol[e] = T;
            request = true;
          }
        } else if (s === REACHABLE) {
          state[e] = T < this.usedCol[e]! + t.delayFirstProbe ? DELAY : STALE;
          this.timerCol[e] = T;
          this.updatedCol[e] = T;
        } else if (s === DELAY) {
          if (T < this.confirmedCol[e]! + t.delayFirstProbe) {
            state[e] = REACHABLE;
          } else {
            state[e] = PROBE;
            this.probeCol[e] = 1;
            this.timerCol[e] = T;
            request = true;
          }
          this.updatedCol[e] = T;
        } else {
          // STALE past gc_staletime, FAILED past its hold
          this.removeEntry(e);
          removed++;
          gone = true;
          break;
        }
        d = this.deadline(e, t);
      }
      if (gone) continue;
      const s = state[e]!;
      if (request && (s === INCOMPLETE || s === PROBE)) out.requests[out.requestCount++] = e;
      if (d < next) next = d;
    }
    this.due = next;
    return removed;
  }

  /** Every entry in entry order, for `/ip arp print` (allocates; off the hot path). Do not change the table from `fn`. */
  forEach(fn: (e: ArpEntry) => void): void {
    for (let e = 0; e < this.highWater; e++) {
      const s = this.stateCol[e]!;
      if (s === 0) continue;
      const f = this.flagCol[e]!;
      const complete = ((COMPLETE_MASK >> s) & 1) === 1;
      fn({
        index: e,
        ip: this.ipCol[e]! >>> 0,
        ifIndex: this.ifCol[e]!,
        macHi: this.macHiCol[e]!,
        macLo: this.macLoCol[e]! >>> 0,
        state: s,
        flags: f,
        printFlags: (s === PERMANENT ? '' : 'D') + (f & ArpFlag.PUBLISHED ? 'P' : '') + (complete ? 'C' : ''),
        status: ARP_STATE_NAMES[s]!,
        confirmed: this.confirmedCol[e]!,
        updated: this.updatedCol[e]!,
        used: this.usedCol[e]!,
        probes: this.probeCol[e]!,
        queued: this.qLen[e]!,
      });
    }
  }

  // ---- internals ------------------------------------------------------------------------------------------

  /** When entry `e`'s next timer fires under `t` (Infinity: no timer). */
  private deadline(e: number, t: ArpTimeouts): number {
    switch (this.stateCol[e]) {
      case INCOMPLETE:
      case PROBE:
        return this.timerCol[e]! + t.retransmit;
      case REACHABLE:
        return this.confirmedCol[e]! + this.reachableFor(e, t);
      case DELAY:
        return this.timerCol[e]! + t.delayFirstProbe;
      case STALE:
        return this.usedCol[e]! + t.staleTime;
      case FAILED:
        return this.timerCol[e]! + t.failedHold;
      default:
        return Infinity;
    }
  }

  private fail(e: number, T: number, out: ArpEvents): void {
    this.stateCol[e] = FAILED;
    this.timerCol[e] = T;
    this.updatedCol[e] = T;
    this.probeCol[e] = 0;
    out.dropCount += this.drain(e, out.drops, out.dropCount);
  }

  private drain(e: number, out: Uint32Array, at: number): number {
    const n = this.qLen[e]!;
    let h = this.qHead[e]!;
    for (let k = 0; k < n; k++) {
      out[at + k] = h;
      h = this.qNext[h]!;
    }
    this.qLen[e] = 0;
    this.qHead[e] = -1;
    this.qTail[e] = -1;
    this.qBytes[e] = 0;
    return n;
  }

  /** New entry (state NONE: the caller sets it), or -1 if full after a forced gc. */
  private create(ip: number, ifIndex: number, now: number): number {
    if (this.count >= this.maxEntries) {
      this.forcedGc(now);
      if (this.count >= this.maxEntries) return -1;
    }
    const e = this.free[--this.freeTop]!;
    if (e >= this.highWater) this.highWater = e + 1;
    const a = ip | 0;
    const tag = (ifIndex + 1) | 0;
    const idx = this.index;
    const mask = this.mask;
    let i = hashKey(a, tag, this.seed) & mask;
    while (idx[(i << 2) + 1] !== 0) i = (i + 1) & mask;
    const o = i << 2;
    idx[o] = a;
    idx[o + 1] = tag;
    idx[o + 2] = e;
    this.ipCol[e] = a;
    this.ifCol[e] = ifIndex;
    this.macHiCol[e] = 0;
    this.macLoCol[e] = 0;
    this.flagCol[e] = 0;
    this.probeCol[e] = 0;
    this.confirmedCol[e] = -Infinity;
    this.updatedCol[e] = now;
    this.usedCol[e] = now;
    this.timerCol[e] = now;
    this.qHead[e] = -1;
    this.qTail[e] = -1;
    this.qLen[e] = 0;
    this.qBytes[e] = 0;
    this.count++;
    return e;
  }

  /** Linux neigh_forced_gc, rate-limited: drop FAILED entries and STALE ones not updated for 5 s. */
  private forcedGc(now: number): void {
    if (now < this.lastForcedGc + FORCED_GC_INTERVAL) return;
    this.lastForcedGc = now;
    for (let e = 0; e < this.highWater; e++) {
      const s = this.stateCol[e]!;
      if (s === FAILED || (s === STALE && this.updatedCol[e]! + FORCED_GC_AGE <= now)) this.removeEntry(e);
    }
  }

  /** Free entry `e` (its queue must have been taken or abandoned) and delete it from the hash index. */
  private removeEntry(e: number): void {
    const a = this.ipCol[e]!;
    const tag = (this.ifCol[e]! + 1) | 0;
    const idx = this.index;
    const mask = this.mask;
    let i = hashKey(a, tag, this.seed) & mask;
    while (idx[(i << 2) + 2] !== e || idx[(i << 2) + 1] === 0) i = (i + 1) & mask;
    let hole = i;
    let j = i;
    for (;;) {
      j = (j + 1) & mask;
      const o = j << 2;
      const t = idx[o + 1]!;
      if (t === 0) break;
      const home = hashKey(idx[o]!, t, this.seed) & mask;
      if (((j - home) & mask) >= ((j - hole) & mask)) {
        const h = hole << 2;
        idx[h] = idx[o]!;
        idx[h + 1] = t;
        idx[h + 2] = idx[o + 2]!;
        hole = j;
      }
    }
    const h = hole << 2;
    idx[h] = 0;
    idx[h + 1] = 0;
    idx[h + 2] = 0;
    this.stateCol[e] = 0;
    this.flagCol[e] = 0;
    this.qLen[e] = 0;
    this.qHead[e] = -1;
    this.qTail[e] = -1;
    this.qBytes[e] = 0;
    this.free[this.freeTop++] = e;
    this.count--;
  }
}

function checkTimeouts(t: ArpTimeouts): void {
  for (const k of ['reachable', 'retransmit', 'delayFirstProbe', 'staleTime', 'failedHold'] as const) {
    if (!(t[k] >= 0)) throw new RangeError(`ArpTimeouts.${k} must be >= 0, got ${t[k]}`);
  }
  if (!(t.retransmit > 0)) throw new RangeError(`ArpTimeouts.retransmit must be > 0, got ${t.retransmit}`);
  for (const k of ['maxRequests', 'maxProbes'] as const) {
    if (!Number.isInteger(t[k]) || t[k] < 1 || t[k] > 255) throw new RangeError(`ArpTimeouts.${k} must be 1..255, got ${t[k]}`);
  }
}
