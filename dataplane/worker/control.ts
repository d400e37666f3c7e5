/**
 * The words the dispatcher and its workers share besides the rings: a control block (readiness, doorbell,
 * failure, configuration generation and its acknowledgements), the flow clock as a seqlock, and the encoding
 * of a worker's output ring entries. `flowplane bench` (bench/) and `flowplane run --workers`
 * (control/instance/worker-engine.ts) use the same block, so the handshakes read alike in both.
 *
 * Everything is an Int32Array over a SharedArrayBuffer, touched with Atomics; nothing allocates after
 * construction.
 */

import type { Flow, FlowTables } from '../flow';

/** Words of the control block. READY..ACK: bench and live; CLOCK_*, KEPT, REFUSED, STATS, REQ: live. */
export const CTL = {
  /** Workers that are built and waiting for vectors. */
  READY: 0,
  /** Bench: bumped at the end of warm-up (workers zero their counters). */
  EPOCH: 1,
  /** Bumped (and notified) by a worker when it has handed something back. */
  DOORBELL: 2,
  /** Set by a worker that threw. */
  FAILED: 3,
  /** The configuration generation the dispatcher wants (workers switch between vectors when it changes). */
  GEN: 4,
  /** Workers that switched, summed over generations (all switched to generation g when ACK = g × workers). */
  ACK: 5,
  /** The flow clock: a sequence word (odd while written), seconds, nanoseconds. */
  CLOCK_SEQ: 6,
  CLOCK_SEC: 7,
  CLOCK_NSEC: 8,
  /** Connections carried by the last reload, summed over workers; workers whose table was not carried. */
  KEPT: 9,
  REFUSED: 10,
  /** Live: a request for rule counters (a sequence number; each worker answers in its own ack word). */
  STATS: 11,
  /**
   * Live: bumped when a request waits on the workers' message ports (rows of `/ip firewall connection`, a
   * remove, queue counters): a worker seeing it change reads its port and answers there.
   */
  REQ: 12,
  WORDS: 13,
} as const;

export function controlBlock(): Int32Array {
  return new Int32Array(new SharedArrayBuffer(4 * CTL.WORDS));
}

/** Dispatcher: publish the flow clock (one writer). */
export function publishClock(ctl: Int32Array, sec: number, nsec: number): void {
  const seq = Atomics.load(ctl, CTL.CLOCK_SEQ);
  Atomics.store(ctl, CTL.CLOCK_SEQ, (seq + 1) | 0);
  Atomics.store(ctl, CTL.CLOCK_SEC, sec | 0);
  Atomics.store(ctl, CTL.CLOCK_NSEC, nsec | 0);
  Atomics.store(ctl, CTL.CLOCK_SEQ, (seq + 2) | 0);
}

/**
 * Worker: the published clock into `out` ([sec, nsec]) when its sequence differs from `last`; returns the
 * sequence read (the caller keeps it as `last`), or `last` when nothing new (or a write is in progress).
 */
export function readClock(ctl: Int32Array, last: number, out: Int32Array): number {
  const s1 = Atomics.load(ctl, CTL.CLOCK_SEQ);
  if (s1 === last || (s1 & 1) !== 0) return last;
  const sec = Atomics.load(ctl, CTL.CLOCK_SEC);
  const nsec = Atomics.load(ctl, CTL.CLOCK_NSEC);
  if (Atomics.load(ctl, CTL.CLOCK_SEQ) !== s1) return last;
  out[0] = sec;
  out[1] = nsec;
  return s1;
}

/**
 * Output ring entries of a live worker: a slot it is done with (`slot`, to be freed by the dispatcher) or
 * a slot to transmit by port `port` (`TX | port << 24 | slot`). Slots fit 24 bits, ports 7.
 */
export const OUT_TX = 0x8000_0000;
export const OUT_MAX_SLOTS = 1 << 24;
export const OUT_MAX_PORTS = 128;

export function outTx(slot: number, port: number): number {
  return (OUT_TX | (port << 24) | slot) >>> 0;
}
export function outSlot(e: number): number {
  return e & 0xff_ffff;
}
export function outPort(e: number): number {
  return (e >>> 24) & 0x7f;
}
export function outIsTx(e: number): boolean {
  return (e & OUT_TX) !== 0;
}

/**
 * The rule tables whose counters live workers report, in the order of their stats buffer: the IPv4 firewall's
 * four, then the bridge filter/nat rows.
 */
export const COUNTER_TABLES = ['raw', 'filter', 'mangle', 'nat', 'bridge'] as const;
export type CounterTable = (typeof COUNTER_TABLES)[number];

/** Rules per COUNTER_TABLES table of a generation (counterLayout's `ruleCounts`). */
export function counterCounts(t: FlowTables): number[] {
  return COUNTER_TABLES.map((k) => (k === 'bridge' ? t.bridgeRules.count : (t.firewall?.[k].n ?? 0)));
}

/** A flow's packet and byte counters of table `t` (null: the flow has no firewall state). */
export function counterColumns(f: Flow, t: CounterTable): { packets: Float64Array; bytes: Float64Array } | null {
  if (t === 'bridge') return f.state.bridgeWalk;
  return f.firewall === null ? null : f.firewall[t];
}

/**
 * A worker's rule counters buffer: per table of COUNTER_TABLES with `n` rules, `n` packet counts then `n`
 * byte counts (Float64). `ruleCounts` gives `n` per table; returns the offset of each table and the length.
 */
export function counterLayout(ruleCounts: readonly number[]): { offsets: number[]; length: number } {
  const offsets: number[] = [];
  let o = 0;
  for (const n of ruleCounts) {
    offsets.push(o);
    o += 2 * n;
  }
  return { offsets, length: Math.max(1, o) };
}
