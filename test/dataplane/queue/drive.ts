/**
 * A virtual-clock driver for scheduler tests: flows offer packets at fixed intervals, the driver enqueues
 * them in time order and polls `dequeue` every `step` seconds, recycling slots, and records every departure
 * and drop.
 */
import { HtbScheduler } from '../../../dataplane/queue/htb';
import { QKind, type HtbClassSpec, type QueueTypeSpec } from '../../../dataplane/queue/spec';

export interface Flow {
  cls: number;
  /** offered bit/s */
  rate: number;
  len: number;
  start?: number;
  stop?: number;
  src?: number;
  dst?: number;
  sport?: number;
  dport?: number;
}

export interface Trace {
  /** per event: flow index, time, code, len, arrival time */
  flow: number[];
  time: number[];
  code: number[];
  len: number[];
  arrival: number[];
  /** refused at enqueue, per flow */
  refused: number[];
}

export function cls(p: Partial<HtbClassSpec> & { parent?: number }): HtbClassSpec {
  return {
    name: p.name ?? 'q',
    parent: p.parent ?? -1,
    limitAt: p.limitAt ?? 0,
    maxLimit: p.maxLimit ?? 0,
    priority: p.priority ?? 8,
    bucketSize: p.bucketSize ?? 0.1,
    burstLimit: p.burstLimit ?? 0,
    burstThreshold: p.burstThreshold ?? 0,
    burstTime: p.burstTime ?? 0,
    queueType: p.queueType ?? 0,
  };
}

export const PFIFO_50: QueueTypeSpec = { name: 'default', kind: QKind.PFIFO, limit: 50 };

export function drive(s: HtbScheduler, flows: Flow[], until: number, slots: number, step = 0.001): Trace {
  const tr: Trace = { flow: [], time: [], code: [], len: [], arrival: [], refused: flows.map(() => 0) };
  const free: number[] = [];
  for (let i = slots - 1; i >= 0; i--) free.push(i);
  const slotFlow = new Int32Array(slots);
  const slotArr = new Float64Array(slots);
  const next = flows.map((f) => f.start ?? 0);
  const outSlot = new Uint32Array(64);
  const outTime = new Float64Array(64);
  const outCode = new Uint8Array(64);
  const drain = (now: number): void => {
    for (;;) {
      const n = s.dequeue(now, outSlot, outTime, outCode);
      for (let i = 0; i < n; i++) {
        const slot = outSlot[i]!;
        const f = slotFlow[slot]!;
        tr.flow.push(f);
        tr.time.push(outTime[i]!);
        tr.code.push(outCode[i]!);
        tr.len.push(flows[f]!.len);
        tr.arrival.push(slotArr[slot]!);
        free.push(slot);
      }
      if (n < outSlot.length) return;
    }
  };
  for (let t = step; t <= until + 1e-12; t += step) {
    // arrivals up to t, in time order across flows
    for (;;) {
      let f = -1;
      let best = Infinity;
      for (let i = 0; i < flows.length; i++) {
        const fl = flows[i]!;
        if (next[i]! <= t && next[i]! < (fl.stop ?? Infinity) && next[i]! < best) {
          best = next[i]!;
          f = i;
        }
      }
      if (f < 0) break;
      const fl = flows[f]!;
      next[f] = best + (fl.len * 8) / fl.rate;
      drain(best);
      const slot = free.pop();
      if (slot === undefined) throw new Error('driver ran out of slots');
      slotFlow[slot] = f;
      slotArr[slot] = best;
      const code = s.enqueue(slot, fl.cls, fl.len, best, fl.src ?? f + 1, fl.dst ?? 0x0a000001 + f, fl.sport ?? 1000 + f, fl.dport ?? 80);
      if (code !== 0) {
        tr.refused[f]!++;
        free.push(slot);
      }
    }
    drain(t);
  }
  return tr;
}

/** bit/s of flow `f`'s departures in [from, to). */
export function rateOf(tr: Trace, f: number, from: number, to: number): number {
  let bytes = 0;
  for (let i = 0; i < tr.flow.length; i++) if (tr.flow[i] === f && tr.code[i] === 0 && tr.time[i]! >= from && tr.time[i]! < to) bytes += tr.len[i]!;
  return (bytes * 8) / (to - from);
}
