/**
 * The micro-benchmark contract: each file in bench/micro/ exports `register(add)` and calls
 * `add(name, fn, itemsPerCall, unit, target?)` for every case. `bench/run.ts` runs them all with
 * benchmark.js and prints items per second (and the target, when one is given, with PASS/BELOW).
 *
 * Keep `fn` allocation-free: it runs millions of times and what it measures is the hot path.
 */
export interface BenchCase {
  name: string;
  fn: () => void;
  /** How many items (frames, records, lookups) one call of `fn` processes. */
  itemsPerCall: number;
  /** What an item is, for the printout ("frames", "records"). */
  unit: string;
  /** Target rate in items per second, if the project has set one. */
  target?: number;
  /** Sampling for slow cases (one call takes a large fraction of a second): fewer samples, longer budget. */
  sampling?: BenchSampling;
}

export interface BenchSampling {
  minSamples?: number;
  /** Seconds benchmark.js may spend on the case. */
  maxTime?: number;
}

export type AddBench = (name: string, fn: () => void, itemsPerCall: number, unit: string, target?: number, sampling?: BenchSampling) => void;

/** A sink that keeps results alive so the JIT cannot drop the measured work. */
export const sink = { n: 0 };
