/**
 * Simple-queue classification ([queues] target: 10k queues, >= 10 M lookups/s; RouterOS itself walks the
 * list): 10k queues of one /32 target each (the ISP shape) plus a /24 catch-all after them, probed with a
 * pre-generated mix of subscriber uploads, downloads and unmatched traffic.
 */
import { sink, type AddBench } from '../harness';
import { SimpleQueueSet, type SimpleQueueEntry } from '../../dataplane/queue/simple-classify';

const Q = 1 << 16;
const VEC = 256;

export function register(add: AddBench): void {
  for (const count of [10, 10_000]) {
    const base = (100 << 24) | (64 << 16);
    const qs: SimpleQueueEntry[] = [];
    for (let k = 0; k < count; k++) {
      const a = (base + k) >>> 0;
      qs.push({ ranges: [[a, a]], ifaces: [], dstRanges: [], dstIfaces: [], marks: [], time: null, up: 2 * k, down: 2 * k + 1 });
    }
    const set = new SimpleQueueSet({ classes: [], itemIds: [] }, qs, 8);
    let x = 77;
    const rnd = (): number => ((x = (Math.imul(x, 1103515245) + 12345) >>> 0), x);
    const src = new Int32Array(Q);
    const dst = new Int32Array(Q);
    for (let k = 0; k < Q; k++) {
      const host = (base + (rnd() % (count + count / 10))) | 0; // ~9% not in any queue
      const far = rnd() | 0;
      if (k % 2 === 0) {
        src[k] = host;
        dst[k] = far;
      } else {
        src[k] = far;
        dst[k] = host;
      }
    }
    let q = 0;
    add(`simple-queue classify, ${count} queues x${VEC}`, () => {
      let hit = 0;
      for (let k = 0; k < VEC; k++) {
        hit += set.classify(src[q]!, dst[q]!, 1, 2, 0, 0);
        q = (q + 1) & (Q - 1);
      }
      sink.n += hit;
    }, VEC, 'lookups', 10e6);
  }
}
