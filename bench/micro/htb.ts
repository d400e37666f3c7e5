/**
 * HTB scheduler micro-benchmarks (dataplane/queue/htb.ts): a 2-level tree — a 10 Gbit/s root with 4 pfifo
 * leaves (limit-at 1G each, max-limit 10G, priorities 1,1,8,8) — fed 64-byte packets round robin over the
 * leaves. Each item is one enqueue plus its dequeue.
 *
 * - paced: arrivals spaced at the root's rate (51.2 ns apart), each dequeue poll releasing what is due: the
 *   steady state of a shaped port.
 * - burst: a vector of 256 packets arrives at one instant and drains at the root's rate, so every departure is
 *   a step of the event simulation (eligibility across the leaves, DRR, charging two levels).
 */
import { sink, type AddBench } from '../harness';
import { HtbScheduler } from '../../dataplane/queue/htb';
import { QKind, type HtbClassSpec } from '../../dataplane/queue/spec';

const VEC = 256;
const LEN = 64;
const ROOT = 10e9;
const GAP = (LEN * 8) / ROOT;

function tree(): HtbScheduler {
  const c = (parent: number, limitAt: number, maxLimit: number, priority: number): HtbClassSpec => ({
    name: 'q',
    parent,
    limitAt,
    maxLimit,
    priority,
    bucketSize: 0.1,
    burstLimit: 0,
    burstThreshold: 0,
    burstTime: 0,
    queueType: 0,
  });
  return new HtbScheduler([c(-1, 0, ROOT, 8), c(0, 1e9, ROOT, 1), c(0, 1e9, ROOT, 1), c(0, 1e9, ROOT, 8), c(0, 1e9, ROOT, 8)], [{ name: 'default', kind: QKind.PFIFO, limit: 1000 }], {
    slots: 4096,
    seed: 1,
  });
}

export function register(add: AddBench): void {
  const outSlot = new Uint32Array(VEC);
  const outTime = new Float64Array(VEC);
  const outCode = new Uint8Array(VEC);
  {
    const s = tree();
    let now = 0;
    add(`htb paced, 2 levels, 4 leaves, ${LEN} B x${VEC}`, () => {
      let acc = 0;
      for (let i = 0; i < VEC; i++) {
        now += GAP;
        acc += s.enqueue(i, 1 + (i & 3), LEN, now, i, 0x0a000001, 1000, 80);
        if ((i & 31) === 31) acc += s.dequeue(now, outSlot, outTime, outCode);
      }
      now += GAP * 4;
      acc += s.dequeue(now, outSlot, outTime, outCode);
      sink.n += acc;
    }, VEC, 'packets', 5e6);
  }
  {
    const s = tree();
    let now = 0;
    add(`htb burst drain, 2 levels, 4 leaves, ${LEN} B x${VEC}`, () => {
      let acc = 0;
      for (let i = 0; i < VEC; i++) acc += s.enqueue(i, 1 + (i & 3), LEN, now, i, 0x0a000001, 1000, 80);
      now += GAP * (VEC + 4);
      acc += s.dequeue(now, outSlot, outTime, outCode);
      sink.n += acc;
    }, VEC, 'packets', 5e6);
  }
}
