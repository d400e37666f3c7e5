/**
 * A worker thread of `flowplane run --workers N` (a piscina task; piscina starts the thread from the built
 * file dist/control/instance/worker-entry.js). One task is one worker for the router's whole life:
 *
 * - it attaches to the router's shared packet pool (slots below `work` are the dispatcher's, `own` its own
 *   for packets it makes: ARP requests, ICMP errors), compiles the config text itself and builds its Flow
 *   with sharded NAT (docs/workers.md);
 * - it pops vectors of slot indices from its input ring and runs them through the whole flow; every slot
 *   the flow transmits goes back through its output ring tagged with the port (control.ts `outTx`), every
 *   dispatcher slot it drops goes back untagged, and the doorbell word is rung so the port thread writes
 *   them at once;
 * - its own slots come back from the port thread (after they were written) through the return ring;
 * - the flow clock follows the dispatcher's published clock (timers, queue departures, ARP retries run even
 *   when no frame arrives: the worker looks at least every `IDLE_MS`);
 * - when the STATS word changes it copies its rule counters into its stats buffer and stores the request's
 *   number in its ack word (the console's `print stats` sums the workers');
 * - when the generation word changes it takes the new config text from its message port, builds the new
 *   flow carrying the old one's connections (FlowOptions.replaces) and the rule and queue counters the message's
 *   `carry` maps name (dataplane/counter-carry.ts), gives back the dispatcher's slots the
 *   old flow still held (ARP queue, queues, reassembly: abandoned with it, as the one-thread reload does) and
 *   acknowledges. That happens between vectors, so no packet sees a mix of generations.
 */
import { receiveMessageOnPort, type MessagePort } from 'node:worker_threads';
import { Flow } from '../../dataplane/flow';
import { PacketPool, type PoolShared } from '../../dataplane/buf/pool';
import { VectorRing } from '../../dataplane/worker/ring';
import { COUNTER_TABLES, CTL, counterColumns, counterCounts, counterLayout, outTx, readClock } from '../../dataplane/worker/control';
import { carryCounters, type CounterCarry } from '../../dataplane/counter-carry';
import type { Generation } from '../compile/generation';
import { compileConfig } from './compile-text';

export interface LiveWorkerTask {
  index: number;
  pool: PoolShared;
  /** Slots [0, work) belong to the dispatcher. */
  work: number;
  own: [number, number];
  config: string;
  file: string;
  ethernetPorts: number;
  vectorSize: number;
  inRing: SharedArrayBuffer;
  inCapacity: number;
  outRing: SharedArrayBuffer;
  outCapacity: number;
  retRing: SharedArrayBuffer;
  retCapacity: number;
  control: SharedArrayBuffer;
  /** Where the config texts of later generations arrive (one message per generation, with its stats buffer). */
  port: MessagePort;
  /** Rule counters written on request (control.ts counterLayout), and per worker the request answered. */
  stats: SharedArrayBuffer;
  statsAck: SharedArrayBuffer;
}

export interface LiveWorkerResult {
  packets: number;
  reloads: number;
}

/** Longest sleep while idle: the flow clock (timers, queues) is looked at least this often. */
const IDLE_MS = 5;

export default function run(task: LiveWorkerTask): LiveWorkerResult {
  const ctl = new Int32Array(task.control);
  try {
    const V = task.vectorSize;
    const pool = new PacketPool({ shared: task.pool, own: task.own });
    const work = task.work;
    // Dispatcher slots this worker holds (popped, neither transmitted nor freed yet): what a reload gives back.
    const held = new Uint8Array(work);
    const out = new Uint32Array(pool.slots);
    let outN = 0;
    pool.onForeignFree = (slot) => {
      if (slot < work) held[slot] = 0;
      out[outN++] = slot;
    };
    const transmit = (slot: number, port: number): void => {
      if (slot < work) held[slot] = 0;
      out[outN++] = outTx(slot, port);
    };
    const opts = { ethernetPorts: task.ethernetPorts };
    let gen = compileConfig(task.config, task.file, opts);
    let flow = new Flow(gen, { pool, natShards: true, transmit });
    let stats = new Float64Array(task.stats);
    const statsAck = new Int32Array(task.statsAck);
    let statsSeq = 0;
    const writeStats = (g: Generation, f: Flow): void => {
      const ns = counterCounts(g);
      const { offsets } = counterLayout(ns);
      stats.fill(0);
      COUNTER_TABLES.forEach((t, i) => {
        const c = counterColumns(f, t);
        const n = ns[i]!;
        if (c === null) return;
        stats.set(c.packets.subarray(0, n), offsets[i]!);
        stats.set(c.bytes.subarray(0, n), offsets[i]! + n);
      });
    };
    const inRing = new VectorRing(task.inCapacity, V, task.inRing);
    const outRing = new VectorRing(task.outCapacity, V, task.outRing);
    const retRing = new VectorRing(task.retCapacity, V, task.retRing);
    const vec = new Uint32Array(V);
    const clock = new Int32Array(2);
    let clockSeq = readClock(ctl, -1, clock);
    if (clockSeq !== -1) flow.setClock(clock[0]!, clock[1]!);
    let generation = Atomics.load(ctl, CTL.GEN);
    let packets = 0;
    let reloads = 0;

    const handBack = (): void => {
      if (outN === 0) return;
      for (let i = 0; i < outN; i += V) outRing.pushWait(out, Math.min(V, outN - i), 20, i);
      outN = 0;
      Atomics.add(ctl, CTL.DOORBELL, 1);
      Atomics.notify(ctl, CTL.DOORBELL);
    };

    Atomics.add(ctl, CTL.READY, 1);
    Atomics.notify(ctl, CTL.READY);
    for (;;) {
      // own slots the port thread has written
      for (let n = retRing.pop(vec); n >= 0; n = retRing.pop(vec)) for (let i = 0; i < n; i++) pool.free(vec[i]!);
      const seq = readClock(ctl, clockSeq, clock);
      if (seq !== clockSeq) {
        clockSeq = seq;
        flow.setClock(clock[0]!, clock[1]!);
      }
      const sq = Atomics.load(ctl, CTL.STATS);
      if (sq !== statsSeq) {
        statsSeq = sq;
        writeStats(gen, flow);
        Atomics.store(statsAck, task.index, sq);
        Atomics.notify(statsAck, task.index);
      }
      const g = Atomics.load(ctl, CTL.GEN);
      if (g !== generation) {
        const msg = receiveMessageOnPort(task.port);
        if (msg === undefined) {
          // the text is posted before the word is bumped; wait for it to be delivered
          Atomics.wait(ctl, CTL.GEN, g, 1);
          continue;
        }
        generation = g;
        const m = msg.message as { config: string; stats: SharedArrayBuffer; carry?: CounterCarry };
        gen = compileConfig(m.config, task.file, opts);
        const prev = flow;
        flow = new Flow(gen, { pool, natShards: true, transmit, replaces: prev });
        if (m.carry !== undefined) carryCounters(prev, flow, m.carry);
        stats = new Float64Array(m.stats);
        reloads++;
        for (let s = 0; s < work; s++) {
          if (held[s] === 1) {
            held[s] = 0;
            out[outN++] = s;
          }
        }
        if (clockSeq !== -1) flow.setClock(clock[0]!, clock[1]!);
        const fw = flow.firewall;
        Atomics.add(ctl, CTL.KEPT, fw !== null && fw.carried ? fw.ct.confirmed : 0);
        if (fw?.carryRefused) Atomics.add(ctl, CTL.REFUSED, 1);
        handBack();
        Atomics.add(ctl, CTL.ACK, 1);
        Atomics.notify(ctl, CTL.ACK);
        continue;
      }
      let n = inRing.pop(vec);
      if (n < 0) {
        handBack();
        if (inRing.closed) break;
        n = inRing.popWait(vec, IDLE_MS, true);
        if (n < 0) continue;
      }
      for (let i = 0; i < n; i++) held[vec[i]!] = 1;
      // the dispatcher published the clock of this vector before pushing it
      const vs = readClock(ctl, clockSeq, clock);
      if (vs !== clockSeq) {
        clockSeq = vs;
        flow.setClock(clock[0]!, clock[1]!);
      }
      flow.receive(vec, n);
      packets += n;
      handBack();
    }
    return { packets, reloads };
  } catch (e) {
    Atomics.store(ctl, CTL.FAILED, 1);
    Atomics.notify(ctl, CTL.READY);
    Atomics.notify(ctl, CTL.ACK);
    Atomics.notify(ctl, CTL.DOORBELL);
    throw e;
  }
}
