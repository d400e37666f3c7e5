/**
 * The bench worker (a piscina task; piscina starts the thread from the built file dist/bench/worker-entry.js).
 * One task is one worker for the whole run: it builds its BenchEngine (compiling the config itself), primes
 * its share of the connections, says it is ready, then pops vectors of slot indices from its input ring until
 * the ring is closed, handing every slot it is done with back through its output ring in vectors and ringing
 * the dispatcher's doorbell. Counters are zeroed when the dispatcher bumps the epoch (end of warm-up). When
 * the dispatcher bumps the generation word (it has stopped feeding and has every slot back), the worker
 * switches to the next configuration generation, carrying its connections, and acknowledges.
 */
import { BenchEngine, type BenchShared, type EngineStats } from './engine';
import { VectorRing } from '../dataplane/worker/ring';
import { CTL } from '../dataplane/worker/control';

export interface WorkerTask {
  shared: BenchShared;
  index: number;
  own: [number, number];
  /** Templates this worker's flows use (chosen by the dispatcher's shard hash), for priming. */
  mine: Int32Array;
  inRing: SharedArrayBuffer;
  outRing: SharedArrayBuffer;
  ringCapacity: number;
  outCapacity: number;
  control: SharedArrayBuffer;
  /** Configs of the generations a reload alternates between (generation g runs configs[g % length]). */
  configs: string[];
}

export default function run(task: WorkerTask): EngineStats {
  const ctl = new Int32Array(task.control);
  try {
    const V = task.shared.vectorSize;
    const engine = new BenchEngine(task.shared, task.own, task.index);
    engine.prime(task.mine);
    const inRing = new VectorRing(task.ringCapacity, V, task.inRing);
    const outRing = new VectorRing(task.outCapacity, V, task.outRing);
    const vec = new Uint32Array(V);
    let epoch = Atomics.load(ctl, CTL.EPOCH);
    Atomics.add(ctl, CTL.READY, 1);
    Atomics.notify(ctl, CTL.READY);
    let gen = 0;
    for (;;) {
      let n = inRing.pop(vec);
      if (n < 0) {
        if (inRing.closed) break;
        // A new configuration generation: the dispatcher stopped feeding and every slot came back, so the
        // flow is between vectors and quiescent (docs/workers.md, configuration generations).
        const g = Atomics.load(ctl, CTL.GEN);
        if (g !== gen) {
          gen = g;
          engine.reload(task.configs[g % task.configs.length]!);
          Atomics.add(ctl, CTL.ACK, 1);
          Atomics.notify(ctl, CTL.ACK);
          continue;
        }
        n = inRing.popWait(vec, 20, true);
        if (n < 0) continue;
      }
      const e = Atomics.load(ctl, CTL.EPOCH);
      if (e !== epoch) {
        epoch = e;
        engine.resetCounters();
      }
      engine.receive(vec, n);
      const done = engine.done;
      for (let i = 0; i < engine.doneCount; i += V) {
        const k = Math.min(V, engine.doneCount - i);
        outRing.pushWait(done, k, 20, i);
      }
      engine.clearDone();
      // Ring the doorbell only when running low: the dispatcher then refills several vectors per wake-up
      // instead of waking once per vector (a futex wake costs it microseconds of a shared core).
      if (inRing.size <= task.ringCapacity >> 2) {
        Atomics.add(ctl, CTL.DOORBELL, 1);
        Atomics.notify(ctl, CTL.DOORBELL);
      }
    }
    return engine.stats();
  } catch (e) {
    Atomics.store(ctl, CTL.FAILED, 1);
    Atomics.notify(ctl, CTL.READY);
    Atomics.notify(ctl, CTL.DOORBELL);
    throw e;
  }
}
