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
 * - `limit` buckets and `nth` counters are shared with the other workers (task.rules, per generation), so a
 *   rule's rate is the router's, not N times it;
 * - dynamic address-list entries its rules add go out through its list journal; those the other workers
 *   added come in through another and are applied before the next vector (dataplane/worker/list-journal.ts);
 * - when the STATS word changes it copies its rule counters into its stats buffer and stores the request's
 *   number in its ack word (the console's `print stats` sums the workers');
 * - when the REQ word changes it reads its message port and answers each request there (`WorkerAsk`: its
 *   connections for `/ip firewall connection`, removing some, its queue counters for `/queue ... print
 *   stats`): structured messages, on the slow path only;
 * - its flow's log lines (firewall `log=yes`) are batched and posted to the port thread (at most every
 *   LOG_FLUSH_MS, at most LOG_MAX lines waiting; more are counted and reported as dropped), which writes
 *   them to the router's `/log`;
 * - when the generation word changes it takes the new config text from its message port, builds the new
 *   flow carrying the old one's connections (FlowOptions.replaces) and the rule and queue counters the message's
 *   `carry` maps name (dataplane/counter-carry.ts), gives back the dispatcher's slots the
 *   old flow still held (ARP queue, queues, reassembly: abandoned with it, as the one-thread reload does) and
 *   acknowledges. That happens between vectors, so no packet sees a mix of generations.
 */
import { receiveMessageOnPort, type MessagePort } from 'node:worker_threads';
import { connSnapshot, removeConnection } from '../../dataplane/conntrack/snapshot';
import { Flow } from '../../dataplane/flow';
import type { LogSink } from '../../dataplane/log-sink';
import { copyQueueCounters, type QueueCounterCopy } from '../../dataplane/queue/report';
import { PacketPool, type PoolShared } from '../../dataplane/buf/pool';
import type { SharedRuleBuffers } from '../../dataplane/firewall/shared-rules';
import { ListJournal, REMOVED } from '../../dataplane/worker/list-journal';
import { VectorRing } from '../../dataplane/worker/ring';
import { COUNTER_TABLES, CTL, counterColumns, counterCounts, counterLayout, outTx, readClock } from '../../dataplane/worker/control';
import { carryCounters, type CounterCarry } from '../../dataplane/counter-carry';
import type { Generation } from '../compile/generation';
import { compileConfig } from './compile-text';
import { arpReports, fdbReports, forgetHost, forgetNeighbour, type ArpReport, type FdbReport } from './live-rows';

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
  /** Rule state shared by all workers (`limit` buckets, `nth` counters: dataplane/firewall/shared-rules.ts). */
  rules: SharedRuleBuffers;
  /** Dynamic address-list entries this worker's rules add (to the port thread), and those of the others. */
  listsOut: SharedArrayBuffer;
  listsIn: SharedArrayBuffer;
  listsCapacity: number;
}

/** A request the port thread sends a worker on its message port (answered with a `WorkerAnswer`). */
export type WorkerAsk =
  | { readonly what: 'connections'; readonly workers: number }
  | { readonly what: 'remove-connections'; readonly ids: readonly number[]; readonly workers: number }
  | { readonly what: 'queues' }
  | { readonly what: 'arp' }
  | { readonly what: 'remove-arp'; readonly keys: readonly (readonly [number, number])[] }
  | { readonly what: 'fdb' }
  | { readonly what: 'remove-fdb'; readonly keys: readonly (readonly [number, number, number, number])[] };

export type WorkerAnswer = { readonly connections: Float64Array } | { readonly removed: number } | { readonly queues: QueueCounterCopy[] } | { readonly arp: ArpReport[] } | { readonly fdb: FdbReport[] };

/** Messages on a worker's port: from the port thread, and back. */
export type ToWorker = { kind: 'config'; config: string; stats: SharedArrayBuffer; rules: SharedRuleBuffers; carry?: CounterCarry } | { kind: 'ask'; seq: number; ask: WorkerAsk };
export type FromWorker = { kind: 'answer'; seq: number; answer: WorkerAnswer } | { kind: 'log'; lines: [number, string, string][]; dropped: number };

/** Log lines a worker holds at most before the port thread has them (more are dropped and counted). */
export const LOG_MAX = 1000;
/** A worker posts its log lines at most this often (ms). */
export const LOG_FLUSH_MS = 20;

/** A worker's answer to one request, from its running flow. */
export function answerAsk(ask: WorkerAsk, flow: Flow, index: number): WorkerAnswer {
  const ct = flow.firewall?.ct;
  switch (ask.what) {
    case 'connections':
      return { connections: ct === undefined ? new Float64Array(0) : connSnapshot(ct, flow.state.now, ask.workers, index) };
    case 'remove-connections': {
      let removed = 0;
      if (ct !== undefined) for (const id of ask.ids) if (removeConnection(ct, id, ask.workers, index)) removed++;
      return { removed };
    }
    case 'arp':
      return { arp: arpReports(flow.state.arp, index) };
    case 'remove-arp': {
      let removed = 0;
      for (const [ip, ifIndex] of ask.keys) if (forgetNeighbour(flow.state.arp, ip, ifIndex)) removed++;
      return { removed };
    }
    case 'fdb':
      return { fdb: fdbReports(flow.state.fdbs, index) };
    case 'remove-fdb': {
      let removed = 0;
      for (const [br, hi, lo, vid] of ask.keys) if (forgetHost(flow.state.fdbs, br, hi, lo, vid)) removed++;
      return { removed };
    }
    case 'queues':
      return { queues: copyQueueCounters((code) => flow.queueScheduler(code), 2 + flow.tables.portNames.length, flow.queueClock()) };
  }
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
    const listsOut = new ListJournal(task.listsCapacity, task.listsOut);
    const listsIn = new ListJournal(task.listsCapacity, task.listsIn);
    const rec = new Float64Array(4);
    const tellLists = (f: Flow): void => {
      if (f.firewall !== null) f.firewall.lists.onDynamicAdd = (list, lo, hi, expires) => void listsOut.push(list, lo, hi, expires);
    };
    // the flow's log lines, batched for the port thread (bounded: a flood of log=yes lines costs a count)
    let logLines: [number, string, string][] = [];
    let logDropped = 0;
    let logAt = 0;
    const log: LogSink = {
      log(time, topics, message) {
        if (logLines.length >= LOG_MAX) logDropped++;
        else logLines.push([time, topics, message]);
      },
    };
    const flushLog = (): void => {
      const now = performance.now();
      if (now - logAt < LOG_FLUSH_MS && logLines.length < LOG_MAX) return;
      logAt = now;
      const m: FromWorker = { kind: 'log', lines: logLines, dropped: logDropped };
      task.port.postMessage(m);
      logLines = [];
      logDropped = 0;
    };
    let gen = compileConfig(task.config, task.file, opts);
    let flow = new Flow(gen, { pool, natShards: true, transmit, log, sharedRules: task.rules });
    tellLists(flow);
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
    // the last request answered (the REQ word may be bumped before its message can be read: look until it is)
    let reqAnswered = Atomics.load(ctl, CTL.REQ);
    // configuration texts read from the port while looking for requests (and the other way round)
    const configs: Extract<ToWorker, { kind: 'config' }>[] = [];
    const readPort = (): void => {
      for (let m = receiveMessageOnPort(task.port); m !== undefined; m = receiveMessageOnPort(task.port)) {
        const msg = m.message as ToWorker;
        if (msg.kind === 'config') configs.push(msg);
        else {
          const answer: FromWorker = { kind: 'answer', seq: msg.seq, answer: answerAsk(msg.ask, flow, task.index) };
          task.port.postMessage(answer);
          if (msg.seq > reqAnswered) reqAnswered = msg.seq;
        }
      }
    };
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
      // address-list entries the other workers' rules added
      if (flow.firewall !== null) {
        const lists = flow.firewall.lists;
        while (listsIn.pop(rec)) {
          if (rec[3]! === REMOVED) lists.removeMatching(rec[0]!, rec[1]!, rec[2]!);
          else lists.addFromPeer(rec[0]!, rec[1]!, rec[2]!, rec[3]!);
        }
      }
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
      if (Atomics.load(ctl, CTL.REQ) !== reqAnswered) readPort();
      if (logLines.length > 0 || logDropped > 0) flushLog();
      const g = Atomics.load(ctl, CTL.GEN);
      if (g !== generation) {
        readPort();
        const m = configs.shift();
        if (m === undefined) {
          // the text is posted before the word is bumped; wait for it to be delivered
          Atomics.wait(ctl, CTL.GEN, g, 1);
          continue;
        }
        generation = g;
        gen = compileConfig(m.config, task.file, opts);
        const prev = flow;
        flow = new Flow(gen, { pool, natShards: true, transmit, replaces: prev, log, sharedRules: m.rules });
        tellLists(flow);
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
    if (logLines.length > 0 || logDropped > 0) {
      logAt = -Infinity;
      flushLog();
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
