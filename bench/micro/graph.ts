/**
 * The stage graph's own cost: vectors of 256 packets through a chain of pass-through stages into a sink
 * that hands the slots back. What a real stage adds comes on top of this per-stage overhead.
 */
import type { AddBench } from '../harness';
import { sink } from '../harness';
import { PacketPool } from '../../dataplane/buf/pool';
import { StageGraph, type Stage } from '../../dataplane/graph';

function chain(stages: number, pool: PacketPool): StageGraph {
  const list: Stage[] = [];
  for (let i = 0; i < stages; i++) {
    list.push({
      name: `s${i}`,
      next: [i + 1 < stages ? `s${i + 1}` : 'sink'],
      process(_slots, n, next) {
        for (let k = 0; k < n; k++) next[k] = 0;
      },
    });
  }
  list.push({
    name: 'sink',
    next: [],
    process(slots, n) {
      sink.n += n;
      // Hand the slots back to the injector's array (they are re-injected, never freed).
      for (let k = 0; k < n; k++) slots[k] = slots[k]!;
    },
  });
  return new StageGraph(list, pool);
}

export function register(add: AddBench): void {
  const pool = new PacketPool({ slots: 256 });
  const slots = new Uint32Array(256);
  for (let i = 0; i < 256; i++) slots[i] = pool.alloc();
  const ctx = { pool, nowSec: 0, nowNsec: 0, trace: null };
  for (const n of [1, 8]) {
    const g = chain(n, pool);
    add(`${n} pass-through stage${n > 1 ? 's' : ''} + sink, vectors of 256`, () => {
      g.inject(0, slots, 256);
      g.run(ctx);
    }, 256, 'packets');
  }
}
