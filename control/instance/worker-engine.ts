/**
 * `flowplane run --workers N`: the live driver's engine (dataplane/ports/live.ts `LiveEngine`) backed by N
 * worker threads (piscina) instead of one Flow in the port thread.
 *
 * ```
 *  port thread (the driver + this dispatcher)                 worker k (control/instance/worker-entry.ts)
 *  ports read into work slots ─ receive(): frameShard ─► ring in[k] ─► its own Flow (sharded NAT)
 *  transmit(slot, port) ◄─ drainOut() ◄─ ring out[k] (tx | port | slot, or freed) ◄┘
 *   └ after the device write, a worker's own slot ─► ring ret[k] ─► its free list
 *  setClock(): the clock words (seqlock) ────────────────────────► each worker's flow clock
 *  reload(): config text by message port, generation word ───────► new Flow carrying connections, ack
 * ```
 *
 * Why this shape: the ports stay on the event loop thread (TAP fds, libpcap), which becomes the dispatcher —
 * the same pieces as `flowplane bench --workers` (dataplane/worker/shard.ts for the symmetric hash and NAT
 * port steering, ring.ts for vectors of slot indices, control.ts for the control block). Frames never cross
 * threads as data: a vector of slot indices does, per read vector per worker, never a message per packet.
 * Transmitted slots come back through rings too, and a worker rings the doorbell word when it handed some
 * back; the port thread waits for it with `Atomics.waitAsync` (it never blocks in the event loop), drains
 * the rings and has the driver write them. Rings are also drained after every dispatch and on every clock
 * tick.
 *
 * Pool layout: slots [0, work) are the port thread's (reads), then `OWN` per worker for packets a worker
 * makes (ARP requests, ICMP errors, echo replies in new slots). A reload is synchronous (the port thread
 * waits for every worker's acknowledgement, draining their output meanwhile so nobody waits on a full
 * ring): frames arriving during the compile wait in the device, as in the one-thread reload.
 *
 * Neighbours: each worker keeps its own ARP table (docs/workers.md), so every ARP reply is copied to every
 * worker (the one that asked may not be the one the reply hashes to); requests go to one worker.
 *
 * Shared rule state: `limit` buckets and `nth` counters live in one SharedArrayBuffer per firewall table
 * and generation that every worker uses (dataplane/firewall/shared-rules.ts); dynamic address-list entries
 * are relayed between the workers' journals here (dataplane/worker/list-journal.ts).
 *
 * When an input ring stays full (a worker slower than the port for long), frames for it are dropped and
 * counted (`ringDrops`), as a NIC drops on a full RX queue; the port thread never blocks for long.
 */
import * as path from 'node:path';
import { MessageChannel, type MessagePort, receiveMessageOnPort } from 'node:worker_threads';
import { Piscina } from 'piscina';
import { PacketPool } from '../../dataplane/buf/pool';
import type { LiveEngine } from '../../dataplane/ports/live';
import { sharedRuleBuffers, type SharedRuleBuffers } from '../../dataplane/firewall/shared-rules';
import { M, R, type FwTable } from '../../dataplane/firewall/rules';
import { ListJournal, REMOVED } from '../../dataplane/worker/list-journal';
import { VectorRing } from '../../dataplane/worker/ring';
import { frameShard, isArpReply, shardWorker, SHARDS, type RouterAddrs } from '../../dataplane/worker/shard';
import { COUNTER_TABLES, CTL, OUT_MAX_PORTS, OUT_MAX_SLOTS, OUT_TX, controlBlock, counterCounts, counterLayout, publishClock, type CounterTable } from '../../dataplane/worker/control';
import type { CounterCarry } from '../../dataplane/counter-carry';
import type { Generation } from '../compile/generation';
import { routerAddrs } from './compile-text';
import type { LogSink } from '../../dataplane/log-sink';
import { type QueueCounters, sumQueueCounters } from '../../dataplane/queue/report';
import type { ArpReport, FdbReport } from './live-rows';
import type { FromWorker, LiveWorkerResult, LiveWorkerTask, ToWorker, WorkerAnswer, WorkerAsk } from './worker-entry';

export interface WorkerEngineOptions {
  workers: number;
  /** The config text every worker compiles (the store's export), and the name its errors carry. */
  config: string;
  file: string;
  ethernetPorts: number;
  /** The same configuration compiled in the port thread: port names, MTUs, the router's addresses. */
  gen: Generation;
  /** The flow has queues: tick the clock every 1 ms. */
  fastClock: boolean;
  /** Port-thread slots (default 8192). */
  slots?: number;
  slotSize?: number;
  log: (topics: string, message: string) => void;
  /** The built worker file (default: dist/control/instance/worker-entry.js). */
  workerFile?: string;
  /** Where the workers' flows' log lines go (firewall `log=yes`): the router's `/log`. */
  flowLog?: LogSink;
}

/** What a reload did in the workers. */
export interface WorkerReload {
  /** Connections the new generation took over, summed over workers. */
  kept: number;
  /** Workers whose connection table could not be carried. */
  refused: number;
}

/** Slots each worker owns for packets it makes. */
const OWN = 512;
/** Slot indices per ring entry (the driver reads vectors of 64). */
const V = 64;
const IN_CAP = 256;
const OUT_CAP = 1024;
const RET_CAP = 64;
/** Records per address-list journal (dataplane/worker/list-journal.ts). */
const LISTS_CAP = 4096;
/** How long receive() waits for room in a full input ring before dropping (ms, in 1 ms steps). */
const FULL_WAIT_MS = 20;
/** Longest wait for every worker to switch generations. */
const RELOAD_WAIT_MS = 60_000;
/** Rule counters read within this long of the last collection are served from it (a print reads many). */
const STATS_FRESH_MS = 100;
/** Longest wait for the workers' counters (an idle worker looks every few ms). */
const STATS_WAIT_MS = 200;
/** Longest wait for the workers' answers to a request (connection rows, removes, queue counters). */
const ASK_WAIT_MS = 1000;

/** Where the built worker entry is (workers run built JavaScript, as bench's do). */
export function liveWorkerFile(): string {
  const here = __filename.endsWith('.ts') ? path.join(__dirname, '..', '..', 'dist', 'control', 'instance') : __dirname;
  return path.join(here, 'worker-entry.js');
}

export class WorkerEngine implements LiveEngine {
  readonly pool: PacketPool;
  portNames: readonly string[];
  fastClock: boolean;
  readonly workers: number;
  /** Frames dispatched to each worker. */
  readonly dispatched: Float64Array;
  /** Frames dropped because their worker's input ring stayed full. */
  ringDrops = 0;
  /** Frames received after a worker failed (dropped). */
  failedDrops = 0;
  private gen: Generation;
  private router: RouterAddrs;
  private readonly work: number;
  private readonly ctl: Int32Array;
  private readonly inRings: VectorRing[];
  private readonly outRings: VectorRing[];
  private readonly retRings: VectorRing[];
  private readonly ports: MessagePort[];
  /** Per worker: the address-list entries its rules add, and those relayed to it. */
  private readonly listsOut: ListJournal[] = [];
  private readonly listsIn: ListJournal[] = [];
  private readonly rec = new Float64Array(4);
  /** Hears every dynamic address-list entry a worker's rule adds (the router keeps its own copy). */
  onListAdd: ((list: number, lo: number, hi: number, expires: number) => void) | null = null;
  /** Per worker: slots to dispatch (filled per receive) and own slots to give back. */
  private readonly batch: Uint32Array[];
  private readonly batchN: Int32Array;
  private readonly ret: Uint32Array[];
  private readonly retN: Int32Array;
  private readonly back = new Uint32Array(V);
  private readonly sleepWord = new Int32Array(new SharedArrayBuffer(4));
  private transmit: (slot: number, port: number) => void;
  private flushFn: (() => void) | null = null;
  private readonly piscina: Piscina;
  private readonly tasks: Promise<LiveWorkerResult | null>[];
  private generation = 0;
  private closed = false;
  private failure: Error | null = null;
  private readonly log: (topics: string, message: string) => void;
  /** Per worker: its rule counters buffer (control.ts counterLayout) for the running generation. */
  private stats: Float64Array[] = [];
  /** The running generation's rule state all workers share (`limit` buckets, `nth` counters). */
  private rules: SharedRuleBuffers;
  private readonly statsAck: Int32Array;
  private statsSeq = 0;
  /** The workers' counters summed, and when. */
  private snap = new Float64Array(1);
  private snapAt = -Infinity;
  /** The last request's number (WorkerAsk over the message ports, CTL.REQ). */
  private askSeq = 0;
  /** The workers' queue counters summed, and when (a print reads them once per queue). */
  private queues: Map<number, QueueCounters> | null = null;
  private queuesAt = -Infinity;
  private readonly flowLog: LogSink | null;
  /**
   * What `reset-counters` zeroed: the summed counters at that moment, subtracted from what the workers count
   * (the workers' own counters go on; so do their `limit`/`nth` states). Same layout as a stats buffer.
   */
  private base: Float64Array = new Float64Array(1);

  constructor(opts: WorkerEngineOptions) {
    const N = opts.workers;
    if (!Number.isInteger(N) || N < 1 || N > SHARDS) throw new RangeError(`workers must be 1..${SHARDS}, got ${N}`);
    if (opts.gen.portNames.length > OUT_MAX_PORTS) throw new RangeError(`a router with workers has at most ${OUT_MAX_PORTS} ports`);
    this.workers = N;
    this.log = opts.log;
    this.flowLog = opts.flowLog ?? null;
    this.work = opts.slots ?? 8192;
    const total = this.work + N * OWN;
    if (total > OUT_MAX_SLOTS) throw new RangeError(`too many slots for workers (${total} > ${OUT_MAX_SLOTS})`);
    this.pool = new PacketPool({ slots: total, own: [0, this.work], ...(opts.slotSize !== undefined ? { slotSize: opts.slotSize } : {}) });
    this.gen = opts.gen;
    this.portNames = opts.gen.portNames;
    this.fastClock = opts.fastClock;
    this.router = routerAddrs(opts.gen);
    this.ctl = controlBlock();
    this.dispatched = new Float64Array(N);
    this.inRings = [];
    this.outRings = [];
    this.retRings = [];
    this.ports = [];
    this.batch = [];
    this.ret = [];
    this.batchN = new Int32Array(N);
    this.retN = new Int32Array(N);
    this.statsAck = new Int32Array(new SharedArrayBuffer(4 * N));
    this.stats = this.statsBuffers(opts.gen);
    this.rules = rulesBuffers(opts.gen);
    const pool = this.pool;
    this.transmit = (slot) => pool.free(slot);
    // A worker's own slot, written to its device: back to that worker.
    pool.onForeignFree = (slot) => {
      const k = ((slot - this.work) / OWN) | 0;
      this.ret[k]![this.retN[k]!++] = slot;
    };
    this.piscina = new Piscina({
      filename: opts.workerFile ?? liveWorkerFile(),
      minThreads: N,
      maxThreads: N,
      concurrentTasksPerWorker: 1,
      idleTimeout: 1000,
      maxQueue: N,
    });
    this.tasks = [];
    for (let k = 0; k < N; k++) {
      const inRing = new VectorRing(IN_CAP, V);
      const outRing = new VectorRing(OUT_CAP, V);
      const retRing = new VectorRing(RET_CAP, V);
      const ch = new MessageChannel();
      this.listsOut.push(new ListJournal(LISTS_CAP));
      this.listsIn.push(new ListJournal(LISTS_CAP));
      this.inRings.push(inRing);
      this.outRings.push(outRing);
      this.retRings.push(retRing);
      this.ports.push(ch.port1);
      // log lines arrive between requests; answers are read synchronously by ask()
      ch.port1.on('message', (m: FromWorker) => this.fromWorker(k, m));
      ch.port1.unref();
      this.batch.push(new Uint32Array(this.work));
      this.ret.push(new Uint32Array(OWN));
      const own0 = this.work + k * OWN;
      const task: LiveWorkerTask = {
        index: k,
        pool: pool.shared(),
        work: this.work,
        own: [own0, own0 + OWN],
        config: opts.config,
        file: opts.file,
        ethernetPorts: opts.ethernetPorts,
        vectorSize: V,
        inRing: inRing.sab,
        inCapacity: IN_CAP,
        outRing: outRing.sab,
        outCapacity: OUT_CAP,
        retRing: retRing.sab,
        retCapacity: RET_CAP,
        control: this.ctl.buffer as SharedArrayBuffer,
        port: ch.port2,
        stats: this.stats[k]!.buffer as SharedArrayBuffer,
        statsAck: this.statsAck.buffer as SharedArrayBuffer,
        rules: this.rules,
        listsOut: this.listsOut[k]!.sab,
        listsIn: this.listsIn[k]!.sab,
        listsCapacity: LISTS_CAP,
      };
      this.tasks.push(
        (this.piscina.run(task, { transferList: [ch.port2] }) as Promise<LiveWorkerResult>).catch((e: unknown) => {
          const err = e instanceof Error ? e : new Error(String(e));
          if (this.failure === null) {
            this.failure = err;
            if (!this.closed) this.log('system,critical', `worker ${k} stopped: ${err.message}; its frames are dropped`);
          }
          Atomics.store(this.ctl, CTL.FAILED, 1);
          return null;
        }),
      );
    }
    this.armDoorbell();
  }

  /** Resolves once every worker has compiled its config and waits for vectors (rejects when one failed). */
  async ready(): Promise<void> {
    while (Atomics.load(this.ctl, CTL.READY) < this.workers) {
      if (this.failure !== null) throw this.failure;
      if (Atomics.load(this.ctl, CTL.FAILED) !== 0) {
        await Promise.all(this.tasks);
        throw this.failure ?? new Error('a worker failed');
      }
      await new Promise((r) => setTimeout(r, 5));
    }
  }

  portMtu(p: number): number {
    const t = this.gen;
    const ifi = t.portIf[p] ?? -1;
    return ifi >= 0 ? (t.mtu[ifi] ?? 1500) : 1500;
  }

  setTransmit(fn: (slot: number, port: number) => void): void {
    this.transmit = fn;
  }

  setFlush(fn: () => void): void {
    this.flushFn = fn;
  }

  /** Received frames (all from one port): each to its shard's worker, one ring entry per worker. */
  receive(slots: Uint32Array, n: number): void {
    const pool = this.pool;
    const bytes = pool.bytes;
    const m = pool.meta;
    const N = this.workers;
    if (Atomics.load(this.ctl, CTL.FAILED) !== 0) {
      for (let i = 0; i < n; i++) pool.free(slots[i]!);
      this.failedDrops += n;
      return;
    }
    const bn = this.batchN;
    for (let i = 0; i < n; i++) {
      const s = slots[i]!;
      const off = s * pool.slotSize + m.start[s]!;
      const k = N === 1 ? 0 : shardWorker(frameShard(bytes, off, m.len[s]!, this.router), N);
      this.batch[k]![bn[k]!++] = s;
      if (N > 1 && isArpReply(bytes, off, m.len[s]!)) this.arpCopies(s, k);
    }
    for (let k = 0; k < N; k++) {
      const c = bn[k]!;
      if (c === 0) continue;
      const b = this.batch[k]!;
      for (let i = 0; i < c; i += V) this.push(k, b, Math.min(V, c - i), i);
      this.dispatched[k] = this.dispatched[k]! + c;
      bn[k] = 0;
    }
    this.drainOut();
  }

  /**
   * An ARP reply: a copy for every worker but `k` (each keeps its own neighbour table, and the one that
   * asked may not be the one the reply hashes to). ARP is rare next to traffic: a copy per worker is cheap.
   */
  private arpCopies(s: number, k: number): void {
    const pool = this.pool;
    const m = pool.meta;
    for (let w = 0; w < this.workers; w++) {
      if (w === k) continue;
      const c = pool.alloc();
      if (c < 0) return;
      pool.write(c, pool.bytes, s * pool.slotSize + m.start[s]!, m.len[s]!, m.wireLen[s]!);
      m.inPort[c] = m.inPort[s]!;
      m.linkType[c] = m.linkType[s]!;
      m.tsSec[c] = m.tsSec[s]!;
      m.tsNsec[c] = m.tsNsec[s]!;
      this.batch[w]![this.batchN[w]!++] = c;
    }
  }

  /** One entry into worker k's input ring, waiting a little (and draining its output) while it is full. */
  private push(k: number, b: Uint32Array, c: number, from: number): void {
    const ring = this.inRings[k]!;
    for (let waited = 0; ; waited++) {
      if (ring.push(b, c, from)) return;
      if (waited >= FULL_WAIT_MS) break;
      this.drainOut();
      Atomics.wait(this.sleepWord, 0, 0, 1);
    }
    for (let i = 0; i < c; i++) this.pool.free(b[from + i]!);
    this.ringDrops += c;
  }

  /** Take what the workers handed back: transmit what they sent, free what they dropped. */
  drainOut(): number {
    const back = this.back;
    const pool = this.pool;
    const tx = this.transmit;
    let got = 0;
    for (let k = 0; k < this.workers; k++) {
      const r = this.outRings[k]!;
      for (let n = r.pop(back); n >= 0; n = r.pop(back)) {
        got += n;
        for (let i = 0; i < n; i++) {
          const e = back[i]!;
          if ((e & OUT_TX) !== 0) tx(e & 0xff_ffff, (e >>> 24) & 0x7f);
          else pool.free(e);
        }
      }
    }
    this.pushReturns();
    this.relayLists();
    return got;
  }

  /** LiveEngine.poll: what the workers handed back since (a busy-polling driver asks every round). */
  poll(): number {
    return this.drainOut();
  }

  /**
   * Dynamic address-list entries: what each worker's rules added goes to every other worker and to the
   * router's own copy (onListAdd). A journal that is full drops (ListJournal.lost): the relay runs after
   * every dispatch, doorbell and clock tick, so that takes thousands of adds between two of those.
   */
  private relayLists(): void {
    const rec = this.rec;
    for (let k = 0; k < this.workers; k++) {
      const out = this.listsOut[k]!;
      while (out.pop(rec)) {
        this.onListAdd?.(rec[0]!, rec[1]!, rec[2]!, rec[3]!);
        for (let j = 0; j < this.workers; j++) if (j !== k) this.listsIn[j]!.push(rec[0]!, rec[1]!, rec[2]!, rec[3]!);
      }
    }
  }

  /** Address-list records lost to full journals, over all workers. */
  get listsLost(): number {
    let n = 0;
    for (const j of [...this.listsOut, ...this.listsIn]) n += j.lost;
    return n;
  }

  /** Own slots of the workers written (or dropped) since the last call: back to their owners. */
  private pushReturns(): void {
    for (let k = 0; k < this.workers; k++) {
      const c = this.retN[k]!;
      if (c === 0) continue;
      const r = this.ret[k]!;
      let i = 0;
      while (i < c && this.retRings[k]!.push(r, Math.min(V, c - i), i)) i += V;
      if (i >= c) this.retN[k] = 0;
      else {
        r.copyWithin(0, i, c); // the ring is full: the rest goes next time
        this.retN[k] = c - i;
      }
    }
  }

  /** The flow clock of every worker (they read it before their next vector, or within a few ms when idle). */
  setClock(sec: number, nsec: number): void {
    publishClock(this.ctl, sec, nsec);
    if (this.fastClock) for (const r of this.inRings) r.wake();
    this.drainOut();
  }

  /** Wait (without blocking the event loop) for a worker's doorbell, then hand its output to the driver. */
  private armDoorbell(): void {
    if (this.closed) return;
    const v = Atomics.load(this.ctl, CTL.DOORBELL);
    const w = waitAsync(this.ctl, CTL.DOORBELL, v);
    if (w.async) void w.value.then(() => this.rung());
    else setImmediate(() => this.rung());
  }

  private rung(): void {
    if (this.closed) return;
    this.drainOut();
    this.flushFn?.();
    this.armDoorbell();
  }

  /**
   * Switch every worker to the configuration `config` (its port-thread compilation `gen`), carrying
   * connections: the text goes to each worker's message port, the generation word is bumped, and this
   * waits until all have acknowledged (each between two vectors). Returns what they carried.
   */
  reload(config: string, gen: Generation, fastClock: boolean, carry?: CounterCarry): WorkerReload {
    if (gen.portNames.length > OUT_MAX_PORTS) throw new RangeError(`a router with workers has at most ${OUT_MAX_PORTS} ports`);
    const ctl = this.ctl;
    Atomics.store(ctl, CTL.KEPT, 0);
    Atomics.store(ctl, CTL.REFUSED, 0);
    const g = ++this.generation;
    this.base = carry === undefined ? new Float64Array(1) : carryBase(this.base, counterCounts(this.gen), counterCounts(gen), carry);
    this.stats = this.statsBuffers(gen);
    this.rules = rulesBuffers(gen);
    this.snapAt = -Infinity;
    this.ports.forEach((p, k) => p.postMessage({ kind: 'config', config, stats: this.stats[k]!.buffer as SharedArrayBuffer, rules: this.rules, ...(carry !== undefined ? { carry } : {}) } satisfies ToWorker));
    Atomics.store(ctl, CTL.GEN, g);
    Atomics.notify(ctl, CTL.GEN);
    for (const r of this.inRings) r.wake();
    const until = performance.now() + RELOAD_WAIT_MS;
    while (Atomics.load(ctl, CTL.ACK) < g * this.workers && Atomics.load(ctl, CTL.FAILED) === 0) {
      this.drainOut();
      if (performance.now() > until) {
        this.log('system,error', `workers did not switch to the new configuration within ${RELOAD_WAIT_MS / 1000} s`);
        break;
      }
      const a = Atomics.load(ctl, CTL.ACK);
      if (a < g * this.workers) Atomics.wait(ctl, CTL.ACK, a, 5);
    }
    this.drainOut();
    this.gen = gen;
    this.portNames = gen.portNames;
    this.fastClock = fastClock;
    this.router = routerAddrs(gen);
    return { kept: Atomics.load(ctl, CTL.KEPT), refused: Atomics.load(ctl, CTL.REFUSED) };
  }

  private statsBuffers(gen: Generation): Float64Array[] {
    const { length } = counterLayout(counterCounts(gen));
    return Array.from({ length: this.workers }, () => new Float64Array(new SharedArrayBuffer(8 * length)));
  }

  /**
   * Rule `r` of firewall table `table` counted over all workers (for `print stats`). The workers copy their
   * counters on request (the STATS word); a collection serves reads for STATS_FRESH_MS. A worker that does
   * not answer within STATS_WAIT_MS contributes what it wrote last.
   */
  ruleCounters(table: CounterTable, r: number): { packets: number; bytes: number } {
    const ns = counterCounts(this.gen);
    const { offsets } = counterLayout(ns);
    this.collect(false);
    const i = COUNTER_TABLES.indexOf(table);
    const n = ns[i]!;
    if (r < 0 || r >= n) return { packets: 0, bytes: 0 };
    const p = offsets[i]! + r;
    const b = p + n;
    return { packets: (this.snap[p] ?? 0) - (this.base[p] ?? 0), bytes: (this.snap[b] ?? 0) - (this.base[b] ?? 0) };
  }

  /** RouterOS `reset-counters`: rules `rules` of `table` (null: all of them) count from zero again. */
  resetRuleCounters(table: CounterTable, rules: readonly number[] | null): void {
    const ns = counterCounts(this.gen);
    const { offsets, length } = counterLayout(ns);
    this.collect(true);
    if (this.base.length !== length) this.base = new Float64Array(length);
    const i = COUNTER_TABLES.indexOf(table);
    const n = ns[i]!;
    for (let r = 0; r < n; r++) {
      if (rules !== null && !rules.includes(r)) continue;
      const p = offsets[i]! + r;
      this.base[p] = this.snap[p] ?? 0;
      this.base[p + n] = this.snap[p + n] ?? 0;
    }
  }

  /** The workers' counters summed into `snap` (unless a collection is fresh enough and `force` is not set). */
  private collect(force: boolean): void {
    const { length } = counterLayout(counterCounts(this.gen));
    const now = performance.now();
    if ((force || now - this.snapAt > STATS_FRESH_MS) && !this.closed && Atomics.load(this.ctl, CTL.FAILED) === 0) {
      const seq = ++this.statsSeq;
      Atomics.store(this.ctl, CTL.STATS, seq);
      for (const ring of this.inRings) ring.wake();
      const until = now + STATS_WAIT_MS;
      for (let k = 0; k < this.workers; k++) {
        while (Atomics.load(this.statsAck, k) !== seq && performance.now() < until) {
          this.drainOut();
          Atomics.wait(this.statsAck, k, Atomics.load(this.statsAck, k), 2);
        }
      }
      const snap = new Float64Array(length);
      for (const a of this.stats) for (let i = 0; i < length && i < a.length; i++) snap[i] = snap[i]! + a[i]!;
      this.snap = snap;
      this.snapAt = performance.now();
    }
  }

  /** A message a worker posted: its log lines (answers to an abandoned request are dropped). */
  private fromWorker(k: number, m: FromWorker): void {
    if (m.kind !== 'log' || this.flowLog === null) return;
    for (const [time, topics, message] of m.lines) this.flowLog.log(time, topics, message);
    if (m.dropped > 0) this.flowLog.log(m.lines[m.lines.length - 1]?.[0] ?? 0, 'system,warning', `worker ${k}: ${m.dropped} log lines dropped (too many waiting)`);
  }

  /**
   * Ask every worker (the console's and the APIs' prints: the slow path): the request goes to each port, the
   * REQ word wakes them, and this waits (up to ASK_WAIT_MS, draining their output meanwhile) for each answer
   * on its port. Answers in worker order; undefined for a worker that did not answer in time.
   */
  private ask(ask: WorkerAsk): (WorkerAnswer | undefined)[] {
    const answers: (WorkerAnswer | undefined)[] = new Array(this.workers).fill(undefined);
    if (this.closed || Atomics.load(this.ctl, CTL.FAILED) !== 0) return answers;
    const seq = ++this.askSeq;
    for (const p of this.ports) p.postMessage({ kind: 'ask', seq, ask } satisfies ToWorker);
    Atomics.store(this.ctl, CTL.REQ, seq);
    for (const ring of this.inRings) ring.wake();
    const until = performance.now() + ASK_WAIT_MS;
    for (let k = 0; k < this.workers; k++) {
      while (answers[k] === undefined && performance.now() < until && Atomics.load(this.ctl, CTL.FAILED) === 0) {
        const m = receiveMessageOnPort(this.ports[k]!);
        if (m === undefined) {
          this.drainOut();
          Atomics.wait(this.sleepWord, 0, 0, 1);
          continue;
        }
        const msg = m.message as FromWorker;
        if (msg.kind === 'answer' && msg.seq === seq) answers[k] = msg.answer;
        else this.fromWorker(k, msg);
      }
    }
    return answers;
  }

  /** Every worker's connections (dataplane/conntrack/snapshot.ts rows; ids unique across workers). */
  connections(): Float64Array[] {
    return this.ask({ what: 'connections', workers: this.workers }).flatMap((a) => (a !== undefined && 'connections' in a ? [a.connections] : []));
  }

  /** Remove connections by row id in whichever worker holds them; returns how many were found. */
  removeConnections(ids: readonly number[]): number {
    return this.removed({ what: 'remove-connections', ids, workers: this.workers });
  }

  /** A removal asked of every worker: how many entries went, over all of them. */
  private removed(ask: WorkerAsk): number {
    return this.ask(ask).reduce((n, a) => n + (a !== undefined && 'removed' in a ? a.removed : 0), 0);
  }

  /** Every worker's ARP table (each learns on its own: docs/workers.md). */
  arp(): ArpReport[] {
    return this.ask({ what: 'arp' }).flatMap((a) => (a !== undefined && 'arp' in a ? a.arp : []));
  }

  /** Forget learned neighbours (address, interface index) in every worker; returns how many entries went. */
  removeArp(keys: readonly (readonly [number, number])[]): number {
    return this.removed({ what: 'remove-arp', keys });
  }

  /** Every worker's bridge forwarding databases (each learns on its own). */
  fdb(): FdbReport[] {
    return this.ask({ what: 'fdb' }).flatMap((a) => (a !== undefined && 'fdb' in a ? a.fdb : []));
  }

  /** Forget learned hosts ([bridge, hi, lo, vid]) in every worker; returns how many entries went. */
  removeFdb(keys: readonly (readonly [number, number, number, number])[]): number {
    return this.removed({ what: 'remove-fdb', keys });
  }

  /** Take address-list entries out of every worker's lists (the router's copy removed them: console, API). */
  removeListEntries(entries: readonly { list: number; lo: number; hi: number }[]): void {
    for (const e of entries) for (const j of this.listsIn) j.push(e.list, e.lo, e.hi, REMOVED);
    for (const r of this.inRings) r.wake();
  }

  /** The workers' queue counters summed per scheduler code (each worker shapes its own copy of the queues). */
  queueCounters(): Map<number, QueueCounters> {
    const now = performance.now();
    if (this.queues === null || now - this.queuesAt > STATS_FRESH_MS) {
      this.queues = sumQueueCounters(this.ask({ what: 'queues' }).map((a) => (a !== undefined && 'queues' in a ? a.queues : [])));
      this.queuesAt = performance.now();
    }
    return this.queues;
  }

  /** Stop the workers (their rings close; they finish the vectors they have) and the thread pool. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    // out and ret too: a worker waiting for room in its output ring gives up instead of waiting forever
    for (const r of [...this.inRings, ...this.outRings, ...this.retRings]) r.close();
    Atomics.notify(this.ctl, CTL.DOORBELL);
    await Promise.all(this.tasks);
    for (const p of this.ports) p.close();
    await this.piscina.destroy();
  }
}

/** One generation's shared rule state (dataplane/firewall/shared-rules.ts), sized by its rule tables. */
function rulesBuffers(gen: Generation): SharedRuleBuffers {
  const f = gen.firewall;
  const dst = (t: FwTable): boolean[] => Array.from({ length: t.n }, (_, r) => (t.has[r]! & M.RARE) !== 0 && (t.has2[r]! & R.DST_LIMIT) !== 0);
  return sharedRuleBuffers({ raw: f.raw.n, filter: f.filter.n, mangle: f.mangle.n, nat: f.nat.n }, { raw: dst(f.raw), filter: dst(f.filter), mangle: dst(f.mangle), nat: dst(f.nat) });
}

/**
 * The reset baselines (`base`, laid out for rule counts `oldNs`) moved to the new generation's rules
 * (`newNs`) as the counters themselves are carried: a carried rule keeps its baseline, a new one has none.
 */
function carryBase(base: Float64Array, oldNs: readonly number[], newNs: readonly number[], carry: CounterCarry): Float64Array {
  const o = counterLayout(oldNs);
  const n = counterLayout(newNs);
  const out = new Float64Array(n.length);
  if (base.length !== o.length) return out;
  COUNTER_TABLES.forEach((t, i) => {
    const map = carry[t];
    for (let r = 0; r < newNs[i]! && r < map.length; r++) {
      const k = map[r]!;
      if (k < 0 || k >= oldNs[i]!) continue;
      out[n.offsets[i]! + r] = base[o.offsets[i]! + k]!;
      out[n.offsets[i]! + newNs[i]! + r] = base[o.offsets[i]! + oldNs[i]! + k]!;
    }
  });
  return out;
}

/** Atomics.waitAsync (Node 16+, ES2024: not in this project's lib). */
function waitAsync(a: Int32Array, index: number, value: number): { async: true; value: Promise<string> } | { async: false; value: string } {
  return (Atomics as unknown as { waitAsync: typeof waitAsync }).waitAsync(a, index, value);
}
