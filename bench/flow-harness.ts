/**
 * What the end-to-end flow benchmarks (bench/micro/flow-*.ts) share: a router compiled from a config
 * text, a Flow whose transmit callback collects the frames it sends, and the standalone runner that
 * prints packets/s and the per-stage `show runtime` table (`node dist/bench/micro/flow-routed.js`).
 */
import { RouterInstance } from '../control/instance/router';
import { compileGeneration, type Generation } from '../control/compile/generation';
import { Flow } from '../dataplane/flow';
import type { PacketPool } from '../dataplane/buf/pool';

/** Load a bench config (it must load cleanly) and compile it. */
export function compileBenchConfig(text: string): Generation {
  const r = new RouterInstance();
  const res = r.load(text, 'bench.rsc');
  if (!res.ok) throw new Error(res.errors.map((e) => e.message).join('; '));
  return compileGeneration(r.store);
}

export interface FlowRig {
  flow: Flow;
  /** Slots transmitted since the last `clearOut()`, in order. */
  out: Uint32Array;
  outCount(): number;
  clearOut(): void;
}

/** A flow over `pool` whose transmitted frames land in `out` (the bench checks and reuses them). */
export function flowRig(gen: Generation, pool: PacketPool, placeholders: boolean, capacity: number): FlowRig {
  const out = new Uint32Array(capacity);
  let n = 0;
  const flow = new Flow(gen, {
    pool,
    placeholders,
    transmit: (slot) => {
      out[n++] = slot;
    },
  });
  flow.setClock(1000, 0);
  return { flow, out, outCount: () => n, clearOut: () => void (n = 0) };
}

/** Warm up, then run `round` for ~2 s and print packets/s and the per-stage table. */
export function timeRounds(label: string, b: { flow: Flow; round: () => void }, packetsPerRound: number): void {
  for (let i = 0; i < 2000; i++) b.round();
  for (const r of b.flow.graph.runtime) {
    r.calls = r.vectors = r.packets = 0;
    r.ns = 0;
  }
  const start = performance.now();
  let n = 0;
  while (performance.now() - start < 2000) {
    for (let i = 0; i < 100; i++) b.round();
    n += 100 * packetsPerRound;
  }
  const secs = (performance.now() - start) / 1000;
  console.log(`\n${label}: ${(n / secs / 1e6).toFixed(2)} M packets/s (${((secs * 1e9) / n).toFixed(1)} ns/packet)`);
  console.log(b.flow.graph.formatRuntime());
}
