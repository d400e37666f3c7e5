/**
 * `flowplane bench`'s runner: one measurement of a profile in the main thread (the in-thread figure, as the
 * micro-benchmarks measure) or with N worker threads behind a dispatcher, and the scaling table over them.
 *
 * With workers (managed by piscina: a fixed pool of N threads, one long task each), the main thread is the
 * dispatcher — what a port's receive loop will be live. The template frames sit in the shared packet pool;
 * each template's worker is chosen once by the dispatch hash (dataplane/worker/shard.ts: the generator knows
 * its flows' hashes, as a NIC's RSS does per queue). Per vector the dispatcher takes free work slots, writes
 * which template each carries, and pushes the vector of slot indices into the worker's input ring; workers
 * copy the frames in (the port's receive), run their flow, and hand every slot back through their output
 * ring. Nothing but vectors of indices crosses threads; the dispatcher sleeps on a doorbell word when it has
 * nothing to do.
 *
 * Counters are zeroed after a warm-up (a quarter of the run, at most 1 s), so the rates and the per-stage
 * table are of the timed part only.
 */
import * as path from 'node:path';
import { Piscina } from 'piscina';
import { PacketPool } from '../dataplane/buf/pool';
import { VectorRing } from '../dataplane/worker/ring';
import { frameShard, shardWorker } from '../dataplane/worker/shard';
import { BenchEngine, compileConfig, routerAddrs, type BenchShared, type EngineStats } from './engine';
import { profile as profileByName, type Traffic } from './profiles';
import type { WorkerTask } from './worker-entry';
import { CTL } from '../dataplane/worker/control';
import type { StageRuntime } from '../dataplane/graph';
import { openCapture } from '../pcap/reader';

export interface BenchOptions {
  profile: string;
  /** Config text replacing the profile's (`--config`). */
  config?: string;
  /** Captures to replay instead of the profile's traffic: port name and file. */
  pcaps?: { port: string; file: string }[];
  seconds: number;
  vectorSize?: number;
  /**
   * With workers: switch configuration generation every so many seconds of the timed run, alternating
   * between the config and the config with one more filter rule that matches nothing (`RELOAD_RULE`).
   */
  reloadEvery?: number;
  /** Progress line (called about once a second with the run's state). */
  progress?: (line: string) => void;
}

export interface RunResult {
  /** 0: in the main thread, no workers. */
  workers: number;
  packets: number;
  sent: number;
  seconds: number;
  mpps: number;
  gbps: number;
  nsPerPacket: number;
  /** Mpps per worker (the in-thread run: the same as mpps). */
  perWorker: number;
  drops: Record<string, number>;
  runtime: StageRuntime[];
  misSteered: number;
  /** Mean frame size on the wire (with FCS), bytes. */
  frameBytes: number;
  /** Configuration reloads during the timed run, the longest pause one caused (ms), and per reload the connections the workers' new generations took over (summed). */
  reloads: number;
  reloadPauseMs: number;
  carried: number[];
}

/** What a reload adds to the config (and the next one takes away): a filter rule no bench packet matches. */
export const RELOAD_RULE = '\n/ip firewall filter\nadd chain=forward action=drop src-address=192.0.2.123 comment="bench reload"\n';

interface Prepared {
  shared: BenchShared;
  traffic: Traffic;
  pool: PacketPool;
  workSlots: number;
  ownSize: number;
  frameBytes: number;
}

const OWN = 1024;
const RING = 8;

function readPcaps(pcaps: { port: string; file: string }[]): Traffic {
  const frames: Uint8Array[] = [];
  const ports: string[] = [];
  for (const p of pcaps) {
    const r = openCapture(p.file);
    while (r.next()) {
      frames.push(r.data.slice(r.dataOffset, r.dataOffset + r.capLen));
      ports.push(p.port);
    }
    const err = r.error;
    r.close();
    if (err !== null) throw new Error(`${p.file}: ${err.message}`);
  }
  if (frames.length === 0) throw new Error('the captures hold no frames');
  return { frames, ports };
}

/** Lay out the shared pool: work slots, then the templates, then each worker's own range. */
function prepare(opts: BenchOptions, workers: number): Prepared {
  const prof = profileByName(opts.profile);
  const config = opts.config ?? prof.config;
  const gen = compileConfig(config);
  const traffic = opts.pcaps?.length ? readPcaps(opts.pcaps) : prof.traffic();
  const V = opts.vectorSize ?? 256;
  const T = traffic.frames.length;
  const threads = Math.max(1, workers);
  const workSlots = V * (RING + 2) * threads + (workers === 0 ? 4 * V : 0);
  const maxLen = traffic.frames.reduce((m, f) => Math.max(m, f.length), 0);
  const headroom = 64;
  const slotSize = maxLen + headroom <= 128 ? 128 : maxLen + headroom <= 2048 ? 2048 : 65536 + headroom;
  const ownSize = workers === 0 ? 0 : OWN;
  const pool = new PacketPool({ slots: workSlots + T + ownSize * threads, slotSize, headroom });
  const tmplPort = new Int32Array(new SharedArrayBuffer(4 * T));
  let bytes = 0;
  for (let t = 0; t < T; t++) {
    const s = workSlots + t;
    const f = traffic.frames[t]!;
    pool.meta.start[s] = headroom;
    if (!pool.write(s, f, 0, f.length)) throw new Error(`frame ${t + 1} (${f.length} bytes) is larger than a slot`);
    const port = gen.portNames.indexOf(traffic.ports[t]!);
    if (port < 0) throw new Error(`the config has no port ${traffic.ports[t]}`);
    tmplPort[t] = port;
    bytes += Math.max(60, f.length) + 4;
  }
  const shared: BenchShared = {
    pool: pool.shared(),
    profile: prof.name,
    config,
    custom: opts.config !== undefined,
    tmplFirst: workSlots,
    tmplCount: T,
    tmplOf: new SharedArrayBuffer(4 * pool.slots),
    tmplPort: tmplPort.buffer as SharedArrayBuffer,
    vectorSize: V,
    workers: threads,
  };
  return { shared, traffic, pool, workSlots, ownSize, frameBytes: bytes / T };
}

function result(workers: number, stats: EngineStats[], seconds: number, frameBytes: number): RunResult {
  const packets = stats.reduce((a, s) => a + s.packets, 0);
  const sent = stats.reduce((a, s) => a + s.sent, 0);
  const drops: Record<string, number> = {};
  for (const s of stats) for (const [k, v] of Object.entries(s.drops)) drops[k] = (drops[k] ?? 0) + v;
  const runtime = stats[0]!.runtime.map((r, i) => {
    const sum = { name: r.name, calls: 0, vectors: 0, packets: 0, ns: 0 };
    for (const s of stats) {
      const x = s.runtime[i]!;
      sum.calls += x.calls;
      sum.vectors += x.vectors;
      sum.packets += x.packets;
      sum.ns += x.ns;
    }
    return sum;
  });
  const mpps = packets / seconds / 1e6;
  return {
    workers,
    packets,
    sent,
    seconds,
    mpps,
    gbps: (packets * frameBytes * 8) / seconds / 1e9,
    nsPerPacket: packets > 0 ? (seconds * 1e9) / packets : 0,
    perWorker: mpps / Math.max(1, workers),
    drops,
    runtime,
    misSteered: stats.reduce((a, s) => a + s.misSteered, 0),
    frameBytes,
    reloads: 0,
    reloadPauseMs: 0,
    carried: stats[0]!.carried.map((_, i) => stats.reduce((a, s) => a + (s.carried[i] ?? 0), 0)),
  };
}

function warmup(seconds: number): number {
  return Math.min(1, seconds / 4);
}

/** The in-thread run: the profile's flow in this thread, vectors of `vectorSize` fresh slots. */
export function runInThread(opts: BenchOptions): RunResult {
  const p = prepare(opts, 0);
  // The engine allocates only work slots (the templates follow them in the pool).
  const engine = new BenchEngine(p.shared, [0, p.workSlots], 0);
  const pool = engine.pool;
  const all = Int32Array.from({ length: p.shared.tmplCount }, (_, i) => i);
  engine.prime(all);
  const V = p.shared.vectorSize;
  const tmplOf = new Int32Array(p.shared.tmplOf);
  const vec = new Uint32Array(V);
  let cursor = 0;
  const T = p.shared.tmplCount;
  const round = (): void => {
    for (let k = 0; k < V; k++) {
      const s = pool.alloc();
      if (s < 0) throw new Error('bench: pool exhausted (the flow keeps packets)');
      tmplOf[s] = cursor;
      cursor = cursor + 1 === T ? 0 : cursor + 1;
      vec[k] = s;
    }
    engine.receive(vec, V, false);
  };
  const start = performance.now();
  const warm = warmup(opts.seconds) * 1000;
  while (performance.now() - start < warm) for (let i = 0; i < 16; i++) round();
  engine.resetCounters();
  const t0 = performance.now();
  let nextReport = t0 + 1000;
  for (;;) {
    for (let i = 0; i < 16; i++) round();
    const now = performance.now();
    if (now - t0 >= opts.seconds * 1000) break;
    if (now >= nextReport && opts.progress) {
      opts.progress(`in-thread: ${((now - t0) / 1000).toFixed(0)}/${opts.seconds} s, ${(engine.packets / (now - t0) / 1e3).toFixed(2)} Mpps`);
      nextReport += 1000;
    }
  }
  const secs = (performance.now() - t0) / 1000;
  return result(0, [engine.stats()], secs, p.frameBytes);
}

/** Where the built worker entry is (workers run built JavaScript: DESIGN.md, practicalities). */
export function workerFile(): string {
  const here = __filename.endsWith('.ts') ? path.join(__dirname, '..', 'dist', 'bench') : __dirname;
  return path.join(here, 'worker-entry.js');
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A run with `workers` worker threads behind the dispatcher (see the module comment). */
export async function runWorkers(opts: BenchOptions, workers: number): Promise<RunResult> {
  const p = prepare(opts, workers);
  const V = p.shared.vectorSize;
  const T = p.shared.tmplCount;
  const gen = compileConfig(p.shared.config);
  const router = routerAddrs(gen);
  // Dispatch by shard: each template's worker, once.
  const lists: number[][] = Array.from({ length: workers }, () => []);
  for (let t = 0; t < T; t++) {
    const f = p.traffic.frames[t]!;
    lists[shardWorker(frameShard(f, 0, f.length, router), workers)]!.push(t);
  }
  const mine = lists.map((l) => Int32Array.from(l));
  const control = new SharedArrayBuffer(4 * CTL.WORDS);
  const ctl = new Int32Array(control);
  const outCap = 1 << Math.ceil(Math.log2(4 * (RING + 2) * workers));
  const inRings = mine.map(() => new VectorRing(RING, V));
  const outRings = mine.map(() => new VectorRing(outCap, V));
  const piscina = new Piscina({
    filename: workerFile(),
    minThreads: workers,
    maxThreads: workers,
    concurrentTasksPerWorker: 1,
    idleTimeout: 1000,
    maxQueue: workers,
  });
  let failure: unknown = null;
  const tasks = mine.map((m, k) => {
    const own0 = p.workSlots + T + k * p.ownSize;
    const task: WorkerTask = {
      shared: p.shared,
      index: k,
      own: [own0, own0 + p.ownSize],
      mine: m,
      inRing: inRings[k]!.sab,
      outRing: outRings[k]!.sab,
      ringCapacity: RING,
      outCapacity: outCap,
      control,
      configs: [p.shared.config, p.shared.config + RELOAD_RULE],
    };
    return (piscina.run(task) as Promise<EngineStats>).catch((e: unknown) => {
      failure ??= e;
      Atomics.store(ctl, CTL.FAILED, 1);
      for (const r of inRings) r.close();
      return null;
    });
  });
  try {
    while (Atomics.load(ctl, CTL.READY) < workers && failure === null && Atomics.load(ctl, CTL.FAILED) === 0) await sleep(5);
    if (failure !== null || Atomics.load(ctl, CTL.FAILED) !== 0) {
      await Promise.all(tasks);
      throw failure ?? new Error('a bench worker failed');
    }
    // The dispatcher (see the module comment).
    const tmplOf = new Int32Array(p.shared.tmplOf);
    const free = new Int32Array(p.workSlots);
    let top = 0;
    for (let s = p.workSlots - 1; s >= 0; s--) free[top++] = s;
    const cursor = new Int32Array(workers);
    const batch = new Uint32Array(V);
    const back = new Uint32Array(V);
    let returned = 0;
    const active = mine.map((m) => m.length > 0);
    const start = performance.now();
    const warm = warmup(opts.seconds) * 1000;
    let t0 = 0;
    let base = 0;
    let nextReport = 0;
    let timed = false;
    // configuration reloads (see BenchOptions.reloadEvery)
    const every = opts.reloadEvery !== undefined && opts.reloadEvery > 0 ? opts.reloadEvery * 1000 : Infinity;
    let nextReload = Infinity;
    let draining = false;
    let drainStart = 0;
    let gen = 0;
    let reloads = 0;
    let maxPause = 0;
    for (;;) {
      const bell = Atomics.load(ctl, CTL.DOORBELL);
      let moved = false;
      for (let k = 0; k < workers; k++) {
        const r = outRings[k]!;
        for (let n = r.pop(back); n >= 0; n = r.pop(back)) {
          for (let i = 0; i < n; i++) free[top++] = back[i]!;
          returned += n;
          moved = true;
        }
      }
      if (draining && top === p.workSlots) {
        // Every slot is back: all workers are between vectors. Switch them all, then resume.
        gen++;
        Atomics.store(ctl, CTL.GEN, gen);
        for (const r of inRings) r.wake();
        while (Atomics.load(ctl, CTL.ACK) < gen * workers && Atomics.load(ctl, CTL.FAILED) === 0) {
          const a = Atomics.load(ctl, CTL.ACK);
          if (a < gen * workers) Atomics.wait(ctl, CTL.ACK, a, 5);
        }
        maxPause = Math.max(maxPause, performance.now() - drainStart);
        reloads++;
        draining = false;
        nextReload += every;
      }
      for (let k = 0; k < workers; k++) {
        if (draining || !active[k] || top < V) continue;
        const ring = inRings[k]!;
        if (ring.size >= ring.capacity) continue;
        const list = mine[k]!;
        let c = cursor[k]!;
        for (let i = 0; i < V; i++) {
          const s = free[--top]!;
          tmplOf[s] = list[c]!;
          c = c + 1 === list.length ? 0 : c + 1;
          batch[i] = s;
        }
        cursor[k] = c;
        ring.push(batch, V);
        moved = true;
      }
      if (!moved) {
        if (Atomics.load(ctl, CTL.FAILED) !== 0) break;
        Atomics.wait(ctl, CTL.DOORBELL, bell, 2);
      }
      const now = performance.now();
      if (!timed && now - start >= warm) {
        timed = true;
        t0 = now;
        base = returned;
        nextReport = t0 + 1000;
        nextReload = t0 + every;
        Atomics.add(ctl, CTL.EPOCH, 1);
      }
      if (timed && !draining && now >= nextReload) {
        draining = true;
        drainStart = now;
      }
      if (timed) {
        if (now - t0 >= opts.seconds * 1000) break;
        if (now >= nextReport) {
          opts.progress?.(`${workers} worker${workers > 1 ? 's' : ''}: ${((now - t0) / 1000).toFixed(0)}/${opts.seconds} s, ${((returned - base) / (now - t0) / 1e3).toFixed(2)} Mpps`);
          nextReport += 1000;
          // let piscina's messages (a failed worker) through once a second
          await sleep(0);
        }
      }
    }
    const secs = (performance.now() - t0) / 1000;
    for (const r of inRings) r.close();
    const stats = await Promise.all(tasks);
    if (failure !== null) throw failure;
    // Workers count what they ran since the epoch; a vector in flight at the end is in their count, so the
    // rate is from their packets over the timed interval.
    const r = result(workers, stats as EngineStats[], secs, p.frameBytes);
    r.reloads = reloads;
    r.reloadPauseMs = maxPause;
    return r;
  } finally {
    for (const r of inRings) r.close();
    await piscina.destroy();
  }
}
