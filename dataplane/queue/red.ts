/**
 * RED (`kind=red`): Random Early Detection as Linux sch_red / include/net/red.h runs it, with RouterOS's
 * parameters in packets (red-limit, red-min-threshold, red-max-threshold, red-burst) and bytes (red-avg-packet).
 *
 * - The average queue length is an EWMA of the instantaneous length (in packets) taken at every enqueue, with
 *   weight W = 2^-Wlog; Wlog is chosen from the burst as iproute2's tc_red_eval_ewma does: the smallest Wlog
 *   for which `burst` back-to-back packets starting from an empty queue keep the average below min-threshold
 *   (burst + 1 - min ≤ (1 - (1-W)^burst) / W).
 * - average < min: enqueue. average ≥ max: drop (forced). In between: drop probability
 *   pb = maxP × (avg - min) / (max - min), spread out by Linux's count: a drop happens once
 *   count × pb ≥ R, where R is a fresh uniform draw after every drop (so drops are evenly spaced rather than
 *   clustered); maxP = 0.02, iproute2's default `probability` (RouterOS exposes none: UNCONFIRMED).
 * - red-limit is the hard queue bound (FULL).
 * Linux decays the average over idle periods from the link bandwidth; flowplane models no link speed, so the
 * average is only updated at arrivals, with an empty queue pulling it down as a zero sample (UNCONFIRMED).
 */
import { QDrop } from './spec';
import type { LeafQueue, LeafQueueEnv } from './leaf-queue';
import type { Rng } from '../rng';
import { SlotLists } from './slot-list';

export const RED_MAX_P = 0.02;

/** iproute2 tc_red_eval_ewma: the EWMA weight's log2 from min-threshold and burst (both in packets). */
export function redWlog(minTh: number, burst: number): number {
  const a = burst + 1 - minTh;
  if (a < 1 || burst <= 0) return 9; // iproute2 falls back to its default weight when the burst is out of range
  let w = 0.5;
  for (let wlog = 1; wlog < 32; wlog++, w /= 2) if (a <= (1 - Math.pow(1 - w, burst)) / w) return wlog;
  return 31;
}

export class RedQueue implements LeafQueue {
  private readonly q: SlotLists;
  private readonly w: number;
  private readonly limit: number;
  /** the EWMA average queue length in packets */
  avg = 0;
  private count = -1;
  private r = 0;
  constructor(
    env: LeafQueueEnv,
    limit: number,
    private readonly minTh: number,
    private readonly maxTh: number,
    burst: number,
    private readonly rng: Rng,
  ) {
    this.q = new SlotLists(env.pool, 1);
    this.limit = Math.max(1, limit);
    this.w = Math.pow(2, -redWlog(minTh, burst));
    this.r = rng.unit();
  }
  get packets(): number {
    return this.q.count[0]!;
  }
  get bytes(): number {
    return this.q.bytes[0]!;
  }
  enqueue(slot: number): number {
    const n = this.q.count[0]!;
    this.avg += (n - this.avg) * this.w;
    const avg = this.avg;
    if (avg >= this.minTh) {
      if (avg >= this.maxTh || this.maxTh <= this.minTh) {
        this.count = -1;
        return QDrop.RED;
      }
      this.count++;
      const pb = (RED_MAX_P * (avg - this.minTh)) / (this.maxTh - this.minTh);
      if (this.count > 0 && pb * this.count >= this.r) {
        this.count = 0;
        this.r = this.rng.unit();
        return QDrop.RED;
      }
    } else this.count = -1;
    if (n >= this.limit) return QDrop.FULL;
    this.q.push(0, slot);
    return QDrop.NONE;
  }
  readyAt(): number {
    return this.q.count[0]! > 0 ? -Infinity : Infinity;
  }
  dequeue(): number {
    return this.q.shift(0);
  }
}
