/**
 * Connection-tracking table micro-benchmarks ([stateful] target: 1M entries in <= 256 MB).
 *
 * - lookup: 1M confirmed TCP connections; lookups of existing tuples, both directions, in a pre-generated
 *   random order (the conntrack stage's per-packet work before the state machine).
 * - alloc+confirm+remove: a rolling window of new connections on a table holding 100k (connection churn).
 * The case names carry the table's memory.
 */
import { sink, type AddBench } from '../harness';
import { ConnTable, ctPorts } from '../../dataplane/conntrack/table';

const N = 1 << 20;
const Q = 1 << 16;
const VEC = 256;

export function register(add: AddBench): void {
  const t = new ConnTable({ maxEntries: N, seed: 7 });
  // Clients 10.x.y.z:port to servers 198.18.0.0/15:443.
  for (let i = 0; i < N; i++) {
    const id = t.alloc((0x0a000000 + (i >>> 4)) | 0, (0xc6120000 + (i & 0xffff)) | 0, ctPorts(1024 + (i & 15) * 1000, 443), 6, 0, 1e9);
    t.confirm(id);
  }
  const qs = new Int32Array(Q * 3);
  let x = 99;
  for (let k = 0; k < Q; k++) {
    x = (Math.imul(x, 1103515245) + 12345) >>> 0;
    const i = x % N;
    const src = (0x0a000000 + (i >>> 4)) | 0;
    const dst = (0xc6120000 + (i & 0xffff)) | 0;
    const p = ctPorts(1024 + (i & 15) * 1000, 443);
    if (k & 1) {
      qs[k * 3] = dst;
      qs[k * 3 + 1] = src;
      qs[k * 3 + 2] = ((p & 0xffff) << 16) | (p >>> 16);
    } else {
      qs[k * 3] = src;
      qs[k * 3 + 1] = dst;
      qs[k * 3 + 2] = p;
    }
  }
  const mb = (t.bytesUsed() / 1048576).toFixed(0);
  let q = 0;
  add(`lookup, 1M connections (${mb} MB) x${VEC}`, () => {
    let hit = 0;
    for (let k = 0; k < VEC; k++) {
      const o = q * 3;
      hit += t.lookup(qs[o]!, qs[o + 1]!, qs[o + 2]!, 6, 1) >= 0 ? 1 : 0;
      q = (q + 1) & (Q - 1);
    }
    sink.n += hit;
  }, VEC, 'lookups');

  const c = new ConnTable({ maxEntries: 131072, seed: 3 });
  const W = 100_000;
  const ring = new Int32Array(W);
  let next = 0;
  for (; next < W; next++) {
    const id = c.alloc(0x0a000000 | 0, (0x0b000000 + next) | 0, ctPorts(next & 0xffff, 53), 17, 0, 1e9);
    c.confirm(id);
    ring[next % W] = id;
  }
  add(`alloc+confirm+remove, 100k live x${VEC}`, () => {
    for (let k = 0; k < VEC; k++) {
      const slot = next % W;
      c.remove(ring[slot]!);
      const id = c.alloc(0x0a000000 | 0, (0x0b000000 + next) | 0, ctPorts(next & 0xffff, 53), 17, 0, 1e9);
      c.confirm(id);
      ring[slot] = id;
      next++;
    }
    sink.n += c.size;
  }, VEC, 'connections');
}
