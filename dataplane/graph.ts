/**
 * The stage graph: how vectors of packets move between the named stages of the packet flow.
 *
 * A stage (VPP's graph node) has a name after a RouterOS flow point (`raw-prerouting`, `routing`,
 * `filter-forward`...), the names of the stages it can hand packets to (`next`), and a `process` function
 * that works on a vector of slot indices. For each packet it writes a next code: an index into its `next`
 * list, or NEXT_DROP after setting the packet's drop reason. The graph then moves each packet into the
 * pending input of the stage it chose, and dispatches stages until nothing is pending.
 *
 * Packets leave the graph in sink stages (`next` empty: transmit, local delivery...), which own the slots
 * they are given, or in the built-in drop, which counts the packet under its drop reason and frees the slot.
 *
 * Per stage the graph counts calls, vectors, packets and time, like VPP's `show runtime`. Nothing here
 * allocates per packet; the only per-vector costs are the copy into the next stages' inputs and a clock
 * read.
 */
import type { PacketPool } from './buf/pool';
import { DROP_COUNT } from './drop';
import type { TraceBuffer } from './trace';

/** Next code meaning "drop this packet" (its reason is in `meta.drop`). */
export const NEXT_DROP = 255;
/**
 * Next code meaning "the stage kept the slot": it re-injected it elsewhere (a reject answered in place) or
 * holds it; the graph leaves it alone.
 */
export const NEXT_CONSUMED = 254;

/** What a stage sees besides its vector. */
export interface StageContext {
  readonly pool: PacketPool;
  /** The flow's clock (capture time in replay, wall time live): whole seconds and nanoseconds. */
  nowSec: number;
  nowNsec: number;
  /** Set while tracing is on; stages record decisions of packets flagged PktFlag.TRACE. */
  trace: TraceBuffer | null;
}

export interface Stage {
  /** RouterOS flow point, e.g. `filter-forward`. Unique in a graph. */
  readonly name: string;
  /** Stages this one hands packets to; next code i means next[i]. Empty for sinks. */
  readonly next: readonly string[];
  /**
   * The stage hands every packet to next[0] untouched (a flow point that does nothing yet). The graph then
   * sends packets straight past it: it stays in the graph by name and costs nothing.
   */
  readonly passThrough?: boolean;
  /**
   * Process packets `slots[0 .. n)`. Non-sink stages write each packet's next code to `next[i]`. Sinks take
   * ownership of the slots (transmit, deliver, free) and leave `next` alone.
   */
  process(slots: Uint32Array, n: number, next: Uint8Array, ctx: StageContext): void;
}

/** Per-stage runtime counters (VPP `show runtime`). */
export interface StageRuntime {
  readonly name: string;
  calls: number;
  vectors: number;
  packets: number;
  /** Time spent in process(), nanoseconds. */
  ns: number;
}

/** Something that must know when a packet dies (state it keeps per slot). */
export interface DropListener {
  dropped(slot: number): void;
}

export interface GraphOptions {
  /** Packets per process() call at most (default 256). */
  vectorSize?: number;
}

export class StageGraph {
  readonly stages: readonly Stage[];
  readonly runtime: readonly StageRuntime[];
  /** Packets dropped, per drop reason code (dataplane/drop.ts). */
  readonly drops: Float64Array;
  /** Told of every packet the graph drops, before its slot is freed (the firewall releases its entry). */
  onDrop: DropListener | null = null;
  private readonly vectorSize: number;
  private readonly index = new Map<string, number>();
  /** Per stage: for each next code, the stage index it leads to. */
  private nextStage: Int32Array[];
  /** Per stage: the stage packets injected into it really go to (itself, unless it is pass-through). */
  private readonly entryOf: Int32Array;
  /** Per stage: the packets waiting for it. */
  private readonly pending: Uint32Array[];
  private readonly pendingCount: Int32Array;
  private readonly nextScratch: Uint8Array;
  private readonly vecScratch: Uint32Array;

  constructor(
    stages: readonly Stage[],
    private readonly pool: PacketPool,
    opts: GraphOptions = {},
  ) {
    this.stages = stages;
    this.vectorSize = opts.vectorSize ?? 256;
    stages.forEach((s, i) => {
      if (this.index.has(s.name)) throw new Error(`stage graph: two stages named ${s.name}`);
      this.index.set(s.name, i);
    });
    this.nextStage = stages.map((s) => {
      if (s.next.length >= NEXT_DROP) throw new Error(`stage ${s.name}: too many next stages`);
      return Int32Array.from(s.next, (n) => {
        const k = this.index.get(n);
        if (k === undefined) throw new Error(`stage ${s.name}: next stage ${n} is not in the graph`);
        // A stage never hands packets to itself: run() drains each queue once per sweep and relies on it.
        if (n === s.name) throw new Error(`stage ${s.name}: a stage cannot be its own next stage`);
        return k;
      });
    });
    // Packets bound for a pass-through stage go straight to where it would send them.
    const skip = (k: number): number => {
      for (let hops = 0; stages[k]!.passThrough === true && stages[k]!.next.length === 1; hops++) {
        if (hops > stages.length) throw new Error(`stage graph: pass-through stages form a loop at ${stages[k]!.name}`);
        k = this.index.get(stages[k]!.next[0]!)!;
      }
      return k;
    };
    this.nextStage = this.nextStage.map((targets) => targets.map(skip));
    this.entryOf = Int32Array.from(stages, (_s, k) => skip(k));
    // Every packet in flight occupies a slot, so a pending queue never needs more entries than the pool.
    this.pending = stages.map(() => new Uint32Array(pool.slots));
    this.pendingCount = new Int32Array(stages.length);
    this.runtime = stages.map((s) => ({ name: s.name, calls: 0, vectors: 0, packets: 0, ns: 0 }));
    this.drops = new Float64Array(DROP_COUNT);
    this.nextScratch = new Uint8Array(this.vectorSize);
    this.vecScratch = new Uint32Array(this.vectorSize);
  }

  /** Index of a stage by name (for callers that inject packets). */
  stageIndex(name: string): number {
    const k = this.index.get(name);
    if (k === undefined) throw new Error(`no stage named ${name}`);
    return k;
  }

  /** Queue packets for a stage (ports inject received frames at the flow's entry stage). */
  inject(stage: number, slots: Uint32Array, n: number): void {
    stage = this.entryOf[stage]!;
    const q = this.pending[stage]!;
    let c = this.pendingCount[stage]!;
    for (let i = 0; i < n; i++) q[c++] = slots[i]!;
    this.pendingCount[stage] = c;
  }

  /**
   * Queue packets for where stage `stage` sends next code `code` (a stage that held packets — a queue —
   * releases them there; pass-through stages in between are skipped as for any hand-over).
   */
  injectNext(stage: number, code: number, slots: Uint32Array, n: number): void {
    const t = this.nextStage[stage]![code]!;
    const q = this.pending[t]!;
    let c = this.pendingCount[t]!;
    for (let i = 0; i < n; i++) q[c++] = slots[i]!;
    this.pendingCount[t] = c;
  }

  /** Packets waiting anywhere in the graph. */
  get inFlight(): number {
    let n = 0;
    for (let i = 0; i < this.pendingCount.length; i++) n += this.pendingCount[i]!;
    return n;
  }

  /**
   * Dispatch until no stage has pending packets: stages are visited in the order given (the flow's order),
   * and the sweep repeats while packets were handed backwards (e.g. a reply the router makes re-enters the
   * output path).
   */
  run(ctx: StageContext): void {
    const vs = this.vectorSize;
    const vec = this.vecScratch;
    const next = this.nextScratch;
    for (let more = true; more; ) {
      more = false;
      for (let s = 0; s < this.stages.length; s++) {
        const total = this.pendingCount[s]!;
        if (total === 0) continue;
        more = true;
        // Drain what is queued now, one vector at a time, in arrival order. (No stage is its own next, so
        // nothing is appended to this queue while it drains.)
        const q = this.pending[s]!;
        for (let start = 0; start < total; start += vs) {
          const n = total - start < vs ? total - start : vs;
          for (let i = 0; i < n; i++) vec[i] = q[start + i]!;
          this.dispatch(s, vec, n, next, ctx);
        }
        this.pendingCount[s] = 0;
      }
    }
  }

  private dispatch(s: number, vec: Uint32Array, n: number, next: Uint8Array, ctx: StageContext): void {
    const stage = this.stages[s]!;
    const rt = this.runtime[s]!;
    const t0 = performance.now();
    stage.process(vec, n, next, ctx);
    rt.ns += (performance.now() - t0) * 1e6;
    rt.calls++;
    rt.vectors++;
    rt.packets += n;
    const targets = this.nextStage[s]!;
    if (targets.length === 0) return; // a sink: it owns the slots now
    // Common case: the whole vector goes to one next stage (VPP's speculative enqueue): copy it over.
    const first = next[0]!;
    let same = first < targets.length;
    for (let i = 1; same && i < n; i++) same = next[i] === first;
    if (same) {
      const t = targets[first]!;
      const q = this.pending[t]!;
      const c = this.pendingCount[t]!;
      // A full vector in one native copy (~5 ns per packet less than the loop on the routed benchmark); a
      // short one by the loop (a subarray view would be an allocation per call).
      if (n === vec.length) q.set(vec, c);
      else for (let i = 0; i < n; i++) q[c + i] = vec[i]!;
      this.pendingCount[t] = c + n;
      return;
    }
    const drop = this.pool.meta.drop;
    const pending = this.pending;
    const counts = this.pendingCount;
    for (let i = 0; i < n; i++) {
      const slot = vec[i]!;
      const code = next[i]!;
      if (code >= targets.length) {
        if (code === NEXT_CONSUMED) continue;
        // NEXT_DROP, or a next code the stage does not declare (a bug in the stage: counted under reason
        // `none` rather than losing the slot).
        this.drops[code === NEXT_DROP ? drop[slot]! : 0]!++;
        if (this.onDrop !== null) this.onDrop.dropped(slot);
        this.pool.free(slot);
        continue;
      }
      const t = targets[code]!;
      pending[t]![counts[t]!++] = slot;
    }
  }

  /** `show runtime`-style table: calls, vectors, packets, ns per packet per stage. */
  formatRuntime(): string {
    return formatRuntime(this.runtime);
  }
}

/** `show runtime`-style table of runtime counters (a graph's, or several workers' added up). */
export function formatRuntime(runtime: readonly StageRuntime[]): string {
  const rows = runtime.filter((r) => r.calls > 0);
  const w = Math.max(5, ...rows.map((r) => r.name.length));
  const lines = [`${'stage'.padEnd(w)}  ${'calls'.padStart(9)}  ${'vectors'.padStart(9)}  ${'packets'.padStart(11)}  ${'pkts/vec'.padStart(8)}  ${'ns/pkt'.padStart(8)}`];
  for (const r of rows) {
    lines.push(
      `${r.name.padEnd(w)}  ${String(r.calls).padStart(9)}  ${String(r.vectors).padStart(9)}  ${String(r.packets).padStart(11)}  ` +
        `${(r.packets / r.vectors).toFixed(1).padStart(8)}  ${(r.packets ? r.ns / r.packets : 0).toFixed(1).padStart(8)}`,
    );
  }
  return lines.join('\n');
}
