/**
 * What the control plane hands the queue schedulers (shared/ROUTEROS-FLOW.md §7): queue types and HTB classes
 * as plain numbers, compiled once per config generation from `/queue type`, `/queue simple`, `/queue tree` and
 * `/queue interface`. Rates are bits per second, sizes bytes, times seconds (float), as RouterOS prints them
 * after unit conversion (`10M` = 10 000 000 bit/s, `50KiB` = 51 200 bytes).
 *
 * One scheduler (an HTB, htb.ts) holds a forest of classes: the global one holds every simple queue's
 * upload and download classes and the queue trees with parent=global; each interface's holds its queue trees
 * with parent=<interface>, or one leaf of its `/queue interface` type.
 */

/** Queueing disciplines (`/queue type kind=`). `cake` is compiled as FQ_CODEL (documented). */
export const enum QKind {
  PFIFO = 0,
  BFIFO = 1,
  MQ_PFIFO = 2,
  RED = 3,
  SFQ = 4,
  PCQ = 5,
  CODEL = 6,
  FQ_CODEL = 7,
  /** No queue: packets leave at once (only-hardware-queue, kind=none). */
  NONE = 8,
}

/** `pcq-classifier` bits. */
export const enum PcqBy {
  SRC_ADDRESS = 1,
  DST_ADDRESS = 2,
  SRC_PORT = 4,
  DST_PORT = 8,
}

export interface QueueTypeSpec {
  name: string;
  kind: QKind;
  /** pfifo / mq-pfifo: packets; bfifo: bytes; red: red-limit packets; codel: packets; fq-codel: packets. */
  limit: number;
  red?: { minThreshold: number; maxThreshold: number; burst: number; avgPacket: number };
  sfq?: { perturb: number; allot: number };
  pcq?: {
    /** PcqBy bits. */
    classifier: number;
    /** bit/s per substream; 0 = substreams share equally. */
    rate: number;
    /** bytes per substream. */
    limit: number;
    /** bytes over all substreams. */
    totalLimit: number;
    burstRate: number;
    burstThreshold: number;
    burstTime: number;
    /** Prefix lengths applied to the addresses before classifying (IPv4). */
    srcMask: number;
    dstMask: number;
  };
  codel?: { interval: number; target: number; ecn: boolean };
  fqCodel?: { flows: number; quantum: number; memlimit: number; interval: number; target: number; ecn: boolean };
}

export interface HtbClassSpec {
  /** For stats and traces: the simple queue / queue tree name (simple queues: `name` + direction). */
  name: string;
  /** Index of the parent class in the same scheduler, -1 for a root. */
  parent: number;
  /** limit-at (CIR), bit/s; 0 = none. */
  limitAt: number;
  /** max-limit (MIR), bit/s; 0 = unlimited (bounded by the parent). */
  maxLimit: number;
  /** 1 (first) .. 8. */
  priority: number;
  /** bucket-size ratio (0..10, default 0.1): token bucket = bucketSize × rate. */
  bucketSize: number;
  burstLimit: number;
  burstThreshold: number;
  /** seconds */
  burstTime: number;
  /** Index into the scheduler's queue types; used by leaves only. */
  queueType: number;
}

/** Why a scheduler refused or dropped a packet (the flow maps them to drop reasons). */
export const enum QDrop {
  NONE = 0,
  /** the leaf's queue (pfifo/bfifo limit, pcq-limit, pcq-total-limit, sfq 128 packets, fq-codel limit) is full */
  FULL = 1,
  /** RED early drop between the thresholds, or forced drop above max-threshold */
  RED = 2,
  /** CoDel / fq-codel dropped it at dequeue (sojourn time above target for an interval) */
  CODEL = 3,
  /** fq-codel memory limit */
  MEMORY = 4,
  /** refused as bad input: slot out of range or already held, unknown or inner class, length ≤ 0, time NaN */
  INVALID = 5,
}

/** Per-class counters (`/queue simple print stats`, `/queue tree print stats`), struct of arrays by class. */
export interface HtbStats {
  bytes: Float64Array;
  packets: Float64Array;
  dropped: Float64Array;
  queuedPackets: Uint32Array;
  queuedBytes: Float64Array;
  /** packets sent on borrowed (parent) tokens / lent to children */
  borrows: Float64Array;
  lends: Float64Array;
}

/**
 * The contract between the flow's queue stages and a scheduler. Time is float seconds on the flow's clock
 * (the capture clock in replay); a scheduler never reads a wall clock and takes randomness from its seed.
 */
export interface QueueScheduler {
  /** Number of packets held. */
  readonly queued: number;
  readonly stats: HtbStats;
  /**
   * Queue packet `slot` of `len` bytes (wire length, as RouterOS counts) at leaf class `cls`, at time `now`.
   * `src`/`dst` (IPv4 as uint32) and `sport`/`dport` feed pcq classification and sfq/fq-codel hashing.
   * Returns QDrop.NONE when held (the scheduler now owns the slot), else why it was refused (the caller drops it).
   */
  enqueue(slot: number, cls: number, len: number, now: number, src: number, dst: number, sport: number, dport: number): number;
  /**
   * Release packets whose departure time is ≤ `now`, in departure order: fills `outSlot`, `outTime` (the
   * departure time) and `outCode` (QDrop.NONE = leaves, else dropped while held: CoDel at dequeue, or sfq /
   * fq-codel making room for an arrival — the slot is the caller's again either way); returns how many (at most
   * outSlot.length; call again while it returns a full buffer).
   */
  dequeue(now: number, outSlot: Uint32Array, outTime: Float64Array, outCode: Uint8Array): number;
  /**
   * The earliest time a held packet can leave (Infinity when empty). HtbScheduler may also name a burst tick
   * (burst-time/16) at which a class's ceil changes; a dequeue then may release nothing.
   */
  nextEvent(): number;
  /** Bits class `cls` sent during the last whole second of the clock before `now` (RouterOS's `rate`). */
  rateAt(cls: number, now: number): number;
}
