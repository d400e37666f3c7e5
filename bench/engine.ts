/**
 * One bench flow: what `flowplane bench` runs in the main thread (the in-thread figure) and in every worker
 * thread (bench/worker-entry.ts). It attaches to the shared packet pool, compiles the profile's config itself
 * (compilation is deterministic, so every worker holds the same generation: docs/workers.md), builds its Flow,
 * primes its share of the connections, and then runs vectors of slot indices it is handed:
 *
 * - **receive**: each slot names a template (`tmplOf[slot]`); the frame is copied from the template slot into
 *   the slot (the port's single receive copy, within the shared pool) and its metadata set, then the vector
 *   runs through the flow. Frames never cross threads: only slot indices do.
 * - **done**: every slot the flow lets go of that belongs to the dispatcher (transmitted or dropped) is
 *   collected in `done` for the caller to hand back in vectors; slots of the engine's own range (router-made
 *   packets: ARP requests, ICMP errors) go back to its own free list.
 */
import type { Generation } from '../control/compile/generation';
import { compileConfig, routerAddrs } from '../control/instance/compile-text';
import { Flow } from '../dataplane/flow';
import { PacketPool, type PoolShared } from '../dataplane/buf/pool';
import { resetMeta } from '../dataplane/buf/meta';
import { frameShard, shardWorker } from '../dataplane/worker/shard';
import type { StageRuntime } from '../dataplane/graph';
import { profile as profileByName, type Profile } from './profiles';

export { compileConfig, routerAddrs };

/** What every thread of a bench run shares (structured-clonable: buffers and numbers). */
export interface BenchShared {
  pool: PoolShared;
  profile: string;
  config: string;
  /** The config came from the user (--config): the profile's extra tables are not filled in. */
  custom: boolean;
  /** Template frames live in slots [tmplFirst, tmplFirst + tmplCount). */
  tmplFirst: number;
  tmplCount: number;
  /** Int32 per slot: the template a work slot carries. */
  tmplOf: SharedArrayBuffer;
  /** Int32 per template: the port it arrives on. */
  tmplPort: SharedArrayBuffer;
  vectorSize: number;
  workers: number;
}

export interface EngineStats {
  packets: number;
  sent: number;
  drops: Record<string, number>;
  runtime: StageRuntime[];
  /** Answers (priming) that the dispatcher would have steered to another worker (0 when NAT steering holds). */
  misSteered: number;
  /** Per configuration reload: the connections the new generation took over. */
  carried: number[];
}

export class BenchEngine {
  readonly pool: PacketPool;
  flow: Flow;
  gen: Generation;
  /** Connections the flow of each new generation took over (`reload`). */
  readonly carried: number[] = [];
  readonly profile: Profile;
  /** Dispatcher slots the flow let go of since the last `clearDone()`. */
  readonly done: Uint32Array;
  doneCount = 0;
  packets = 0;
  sent = 0;
  misSteered = 0;
  private readonly tmplOf: Int32Array;
  private readonly tmplPort: Int32Array;
  private readonly tmplOff: Uint32Array;
  private readonly tmplLen: Uint32Array;
  private usec = 0;

  /**
   * `own`: the slots this engine allocates from ([lo, hi); null: the whole pool, the in-thread run).
   * `index` of `workers` (for the steering check while priming).
   */
  constructor(readonly shared: BenchShared, own: [number, number] | null, readonly index: number) {
    this.pool = new PacketPool(own === null ? { shared: shared.pool } : { shared: shared.pool, own });
    const pool = this.pool;
    this.done = new Uint32Array(pool.slots);
    if (own !== null && own[0] > 0) pool.onForeignFree = (slot) => void (this.done[this.doneCount++] = slot);
    this.profile = profileByName(shared.profile);
    this.gen = compileConfig(shared.config);
    this.flow = new Flow(this.gen, {
      pool,
      natShards: true,
      transmit: (slot) => {
        this.sent++;
        pool.free(slot);
      },
    });
    if (!shared.custom) this.profile.prepare?.(this.flow, this.gen);
    this.flow.setClock(1000, 0);
    this.tmplOf = new Int32Array(shared.tmplOf);
    this.tmplPort = new Int32Array(shared.tmplPort);
    this.tmplOff = new Uint32Array(shared.tmplCount);
    this.tmplLen = new Uint32Array(shared.tmplCount);
    for (let t = 0; t < shared.tmplCount; t++) {
      const s = shared.tmplFirst + t;
      this.tmplOff[t] = pool.frameOffset(s);
      this.tmplLen[t] = pool.meta.len[s]!;
    }
  }

  /**
   * Switch to a new configuration generation between vectors (the flow must be quiescent): compile `config`,
   * build its flow taking over the connection table (FlowOptions.replaces), fill the profile's extra tables.
   */
  reload(config: string): void {
    const old = this.flow;
    const gen = compileConfig(config);
    const flow = new Flow(gen, {
      pool: this.pool,
      natShards: true,
      transmit: old.state.transmit,
      replaces: old,
    });
    if (!this.shared.custom) this.profile.prepare?.(flow, gen);
    this.gen = gen;
    this.flow = flow;
    this.carried.push(flow.firewall?.ct.confirmed ?? 0);
  }

  clearDone(): void {
    this.doneCount = 0;
  }

  /** The port's receive: template `t` into `slot` (metadata reset unless the slot was just allocated). */
  restore(slot: number, t: number, reset: boolean): void {
    const pool = this.pool;
    const m = pool.meta;
    if (reset) resetMeta(m, slot, pool.headroom);
    const len = this.tmplLen[t]!;
    const o = this.tmplOff[t]!;
    pool.bytes.copyWithin(slot * pool.slotSize + m.start[slot]!, o, o + len);
    m.len[slot] = len;
    m.wireLen[slot] = len;
    m.inPort[slot] = this.tmplPort[t]!;
  }

  /** Run a vector of work slots (their templates in `tmplOf`) through the flow. */
  receive(slots: Uint32Array, n: number, reset = true): void {
    const tmplOf = this.tmplOf;
    for (let i = 0; i < n; i++) {
      const s = slots[i]!;
      this.restore(s, tmplOf[s]!, reset);
    }
    if (this.profile.clock === true) {
      const u = ++this.usec;
      this.flow.setClock(1000 + Math.floor(u / 1e6), (u % 1e6) * 1000);
    }
    this.flow.receive(slots, n);
    this.packets += n;
  }

  /**
   * Establish state before timing: every template in `mine` once through the flow (in own slots), then the
   * profile's answers to what went out. Answers the dispatcher would steer elsewhere are counted in
   * `misSteered` (and still fed here, so the numbers stay comparable).
   */
  prime(mine: Int32Array): void {
    const pool = this.pool;
    const V = this.shared.vectorSize;
    const vec = new Uint32Array(V);
    const answers: Uint8Array[] = [];
    const answer = this.profile.answer;
    const transmit = this.flow.state.transmit;
    if (answer !== undefined) {
      this.flow.state.transmit = (slot) => {
        const a = answer(pool.frameCopy(slot));
        if (a !== null) answers.push(a);
        pool.free(slot);
      };
    }
    const router = routerAddrs(this.gen);
    for (let i = 0; i < mine.length; i += V) {
      const n = Math.min(V, mine.length - i);
      for (let k = 0; k < n; k++) {
        const s = pool.alloc();
        if (s < 0) throw new Error('bench: pool exhausted while priming');
        this.restore(s, mine[i + k]!, false);
        vec[k] = s;
      }
      this.flow.receive(vec, n);
    }
    const ports = this.gen.portNames;
    for (let i = 0; i < answers.length; i += V) {
      const n = Math.min(V, answers.length - i);
      for (let k = 0; k < n; k++) {
        const a = answers[i + k]!;
        if (shardWorker(frameShard(a, 0, a.length, router), this.shared.workers) !== this.index) this.misSteered++;
        const s = pool.alloc();
        if (s < 0) throw new Error('bench: pool exhausted while priming');
        pool.write(s, a, 0, a.length);
        pool.meta.inPort[s] = ports.indexOf(this.profile.answerPort ?? ports[0]!);
        vec[k] = s;
      }
      this.flow.receive(vec, n);
    }
    this.flow.state.transmit = transmit;
    this.sent = 0;
  }

  /** Zero the counters (after warm-up). */
  resetCounters(): void {
    for (const r of this.flow.graph.runtime) {
      r.calls = r.vectors = r.packets = 0;
      r.ns = 0;
    }
    this.flow.graph.drops.fill(0);
    this.packets = 0;
    this.sent = 0;
  }

  stats(): EngineStats {
    const drops: Record<string, number> = {};
    for (const [k, v] of this.flow.dropCounts()) drops[k] = v;
    return {
      packets: this.packets,
      sent: this.sent,
      drops,
      runtime: this.flow.graph.runtime.map((r) => ({ name: r.name, calls: r.calls, vectors: r.vectors, packets: r.packets, ns: r.ns })),
      misSteered: this.misSteered,
      carried: this.carried,
    };
  }
}
