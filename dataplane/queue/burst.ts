/**
 * RouterOS queue burst (manual "Queue Burst"; shared/ROUTEROS-FLOW.md §7), per HTB class, struct of arrays.
 *
 * Every burst-time/16 the class's average rate over the last burst-time is computed from 16 sub-interval byte
 * counters (a sliding window); average < burst-threshold => burst allowed (the class's max-limit is replaced by
 * burst-limit until the next tick), otherwise denied. So a class idle for a while may send at burst-limit until
 * its window average reaches the threshold: the longest burst is threshold × burst-time / burst-limit.
 *
 * Ticks fall on multiples of burst-time/16 of the flow's clock (computed as k × step, never accumulated, so
 * they stay exact). A class whose tree is idle is caught up lazily: more than 16 missed ticks means an empty
 * window.
 */
export const BURST_WINDOWS = 16;

export class BurstMeters {
  /** byte counters, 16 per class */
  readonly hist: Float64Array;
  readonly pos: Uint8Array;
  /** index of the next tick (its time is tickIdx × step) */
  readonly tickIdx: Float64Array;
  readonly step: Float64Array;
  /** bit/s */
  readonly threshold: Float64Array;
  readonly time: Float64Array;
  readonly on: Uint8Array;
  readonly enabled: Uint8Array;
  constructor(n: number) {
    this.hist = new Float64Array(n * BURST_WINDOWS);
    this.pos = new Uint8Array(n);
    this.tickIdx = new Float64Array(n);
    this.step = new Float64Array(n);
    this.threshold = new Float64Array(n);
    this.time = new Float64Array(n);
    this.on = new Uint8Array(n);
    this.enabled = new Uint8Array(n);
  }

  enable(c: number, threshold: number, time: number): void {
    this.enabled[c] = 1;
    this.threshold[c] = threshold;
    this.time[c] = time;
    this.step[c] = time / BURST_WINDOWS;
    this.tickIdx[c] = 1;
    // an empty history averages 0: burst allowed from the start
    this.on[c] = threshold > 0 ? 1 : 0;
  }

  nextTick(c: number): number {
    return this.tickIdx[c]! * this.step[c]!;
  }

  count(c: number, len: number): void {
    this.hist[c * BURST_WINDOWS + this.pos[c]!]! += len;
  }

  /** Run class c's tick due at nextTick(c). */
  tick(c: number): void {
    const base = c * BURST_WINDOWS;
    let sum = 0;
    for (let i = 0; i < BURST_WINDOWS; i++) sum += this.hist[base + i]!;
    this.on[c] = (sum * 8) / this.time[c]! < this.threshold[c]! ? 1 : 0;
    const p = (this.pos[c]! + 1) % BURST_WINDOWS;
    this.pos[c] = p;
    this.hist[base + p] = 0;
    this.tickIdx[c]!++;
  }

  /** Bring an idle class's ticks up to `now` (its counters see no bytes meanwhile). */
  catchUp(c: number, now: number): void {
    const step = this.step[c]!;
    const due = Math.floor(now / step);
    if (due - this.tickIdx[c]! >= BURST_WINDOWS) {
      this.hist.fill(0, c * BURST_WINDOWS, (c + 1) * BURST_WINDOWS);
      this.on[c] = this.threshold[c]! > 0 ? 1 : 0;
      this.tickIdx[c] = due + 1;
      return;
    }
    while (this.tickIdx[c]! * step <= now) this.tick(c);
  }
}
