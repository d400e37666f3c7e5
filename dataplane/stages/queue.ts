/**
 * Queue stages: `queue-global` (queue trees with parent=global, "HTB global"), `simple-queues`, and
 * `interface-queue` (the interface HTB of the egress port: its queue trees), in the packet-flow positions
 * of ROUTEROS-FLOW.md §1: global tree, then simple queues after srcnat; the interface queue last, after the
 * frame is rewritten for its port.
 *
 * Each packet is classified (by packet mark for trees, by SimpleQueueSet for simple queues); a packet no
 * queue takes goes on at once. A classified one is handed to its scheduler (a QueueScheduler, one per
 * scheduler spec) and the stage keeps nothing: the scheduler owns the slot until it releases it. Releases
 * happen (a) right after each vector, for packets whose tokens allow them now, and (b) from the flow's
 * timers when the clock advances (`release`), one departure time after the other, with the flow clock set
 * to each departure — so a replay's output capture carries the departure times and shaping is visible in it.
 * Released packets continue to the stage's next; packets a scheduler drops at dequeue (CoDel) are dropped
 * with their reason then.
 *
 * Addresses the classifiers see: simple queues and the global tree see the packet as filter forward does —
 * after dst-nat, before src-nat — taken from the connection's tuples when the packet has one (so a LAN
 * host's target still matches its masqueraded uploads; UNCONFIRMED in RouterOS's documentation, but what
 * every masquerading simple-queue config relies on); interface queues see the packet as it leaves (after
 * src-nat, ROUTEROS-FLOW.md §7 "interface trees see post-srcnat addresses"). Lengths are frame lengths (the
 * Ethernet header included, no FCS), as Linux's qdiscs count on an Ethernet device.
 */
import { NEXT_CONSUMED, NEXT_DROP, type StageContext } from '../graph';
import { PktFlag } from '../buf/meta';
import { Drop } from '../drop';
import { QDrop, type QueueScheduler } from '../queue/spec';
import type { MarkClassifier } from '../queue/tables';
import type { SimpleQueueSet } from '../queue/simple-classify';
import type { FirewallState } from '../firewall/state';
import { EV, Fate, FlowStage, dropIn, setFate, type FlowState } from './state';

/** Scheduler codes in traces: 0 global tree, 1 simple queues, 2 + port an interface HTB. */
export const QSCHED_GLOBAL = 0;
export const QSCHED_SIMPLE = 1;
export const QSCHED_PORT = 2;

const RELEASE_BATCH = 256;

const DROP_OF_QDROP = [Drop.NONE, Drop.QUEUE_FULL, Drop.QUEUE_RED, Drop.QUEUE_CODEL, Drop.QUEUE_MEMORY, Drop.QUEUE_INVALID];

export type SchedulerFactory = (spec: { classes: MarkClassifier['sched']['classes'] }, sched: number) => QueueScheduler;

export class QueueStage extends FlowStage {
  /** Schedulers by code (QSCHED_*); null where none. */
  readonly schedulers: (QueueScheduler | null)[];
  /** The schedulers that exist, for the release loop. */
  readonly active: number[];
  private readonly outSlot = new Uint32Array(RELEASE_BATCH);
  private readonly outTime = new Float64Array(RELEASE_BATCH);
  private readonly outCode = new Uint8Array(RELEASE_BATCH);
  private readonly one = new Uint32Array(1);
  /** Per slot: when it was queued (queue clock), for traces. */
  private readonly enqueuedAt: Float64Array;
  /**
   * Per slot: the graph index of the queue stage that handed it to the scheduler. With use-ip-firewall the
   * bridged path's bridge-ip-queue-global / bridge-ip-simple-queues share the routed stage's schedulers (one
   * global HTB, as in RouterOS), and a released packet goes on from the stage it came through.
   */
  private readonly origin: Int32Array;
  private readonly kind: number;

  constructor(
    st: FlowState,
    name: string,
    onward: string,
    private readonly fw: FirewallState | null,
    private readonly global: MarkClassifier | null,
    private readonly simple: SimpleQueueSet | null,
    private readonly ports: readonly (MarkClassifier | null)[],
    make: SchedulerFactory | QueueStage,
  ) {
    super(name, [onward], st);
    this.kind = name.endsWith('queue-global') ? QSCHED_GLOBAL : name.endsWith('simple-queues') ? QSCHED_SIMPLE : QSCHED_PORT;
    if (make instanceof QueueStage) {
      // a second entry to the same schedulers (the bridged path's); the flow's timers release through the owner
      this.schedulers = make.schedulers;
      this.active = make.active;
      this.enqueuedAt = make.enqueuedAt;
      this.origin = make.origin;
      return;
    }
    this.schedulers = [];
    if (this.kind === QSCHED_GLOBAL) this.schedulers[QSCHED_GLOBAL] = global === null ? null : make(global.sched, QSCHED_GLOBAL);
    else if (this.kind === QSCHED_SIMPLE) this.schedulers[QSCHED_SIMPLE] = simple === null ? null : make(simple.sched, QSCHED_SIMPLE);
    else ports.forEach((p, k) => (this.schedulers[QSCHED_PORT + k] = p === null ? null : make(p.sched, QSCHED_PORT + k)));
    this.active = [];
    this.schedulers.forEach((s, k) => {
      if (s !== null && s !== undefined) this.active.push(k);
    });
    this.enqueuedAt = new Float64Array(st.pool.slots);
    this.origin = new Int32Array(st.pool.slots);
  }

  /** The flow clock as the schedulers count it (FlowState.queueEpoch). */
  clock(ctx: StageContext): number {
    const st = this.st;
    if (st.queueEpoch < 0) st.queueEpoch = ctx.nowSec;
    return ctx.nowSec - st.queueEpoch + ctx.nowNsec / 1e9;
  }

  process(slots: Uint32Array, n: number, next: Uint8Array, ctx: StageContext): void {
    const st = this.st;
    const m = st.pool.meta;
    const view = st.pool.view;
    const slotSize = st.pool.slotSize;
    const trace = ctx.trace;
    const now = this.clock(ctx);
    const fw = this.fw;
    const kind = this.kind;
    for (let i = 0; i < n; i++) {
      const slot = slots[i]!;
      next[i] = 0;
      if (m.etherType[slot] !== 0x0800) continue;
      const ip = slot * slotSize + m.start[slot]! + m.l3Off[slot]!;
      let src = view.getInt32(ip + 12);
      let dst = view.getInt32(ip + 16);
      if (kind !== QSCHED_PORT && fw !== null) {
        // The view between dst-nat and src-nat (module comment): from the connection's tuples.
        const ref = fw.ctRef[slot]!;
        if (ref >= 0) {
          const id = ref >> 1;
          const tup = fw.ct.tup;
          const origSrc = tup[id * 8]!;
          const replySrc = tup[id * 8 + 4]!;
          if ((ref & 1) === 0) {
            src = origSrc;
            dst = replySrc;
          } else {
            src = replySrc;
            dst = origSrc;
          }
        }
      }
      let sched: number;
      let cls: number;
      if (kind === QSCHED_SIMPLE) {
        sched = QSCHED_SIMPLE;
        cls = this.simple!.classify(src, dst, st.inIf[slot]!, st.outIf[slot]!, m.packetMark[slot]!, st.now);
      } else {
        const mc = kind === QSCHED_GLOBAL ? this.global : (this.ports[m.outPort[slot]!] ?? null);
        sched = kind === QSCHED_GLOBAL ? QSCHED_GLOBAL : QSCHED_PORT + m.outPort[slot]!;
        if (mc === null) continue;
        const mark = m.packetMark[slot]!;
        cls = mark < mc.leafOfMark.length ? mc.leafOfMark[mark]! : -1;
        if (cls < 0) cls = mc.defaultLeaf;
      }
      const traced = trace !== null && (m.flags[slot]! & PktFlag.TRACE) !== 0;
      if (cls < 0) {
        if (traced) trace.record(slot, this.index, EV.QUEUE_PASS);
        continue;
      }
      let sport = 0;
      let dport = 0;
      const proto = m.l4Proto[slot]!;
      if ((m.flags[slot]! & PktFlag.L4) !== 0 && (proto === 6 || proto === 17)) {
        const l4 = slot * slotSize + m.start[slot]! + m.l4Off[slot]!;
        sport = view.getUint16(l4);
        dport = view.getUint16(l4 + 2);
      }
      const code = this.schedulers[sched]!.enqueue(slot, cls, m.len[slot]!, now, src, dst, sport, dport);
      if (code !== QDrop.NONE) {
        dropIn(st, slot, DROP_OF_QDROP[code] ?? Drop.QUEUE_FULL, this.index, trace);
        next[i] = NEXT_DROP;
        continue;
      }
      if (traced) trace.record(slot, this.index, EV.QUEUE_HELD, sched, cls);
      this.enqueuedAt[slot] = now;
      this.origin[slot] = this.index;
      st.held++;
      setFate(st, slot, Fate.HELD, this.index);
      next[i] = NEXT_CONSUMED;
    }
    this.releaseDue(now + 1e-9, ctx, false);
  }

  /** The earliest departure among this stage's schedulers (queue clock; Infinity when none holds a packet). */
  nextEvent(): number {
    let t = Infinity;
    for (const k of this.active) {
      const e = this.schedulers[k]!.nextEvent();
      if (e < t) t = e;
    }
    return t;
  }

  /**
   * Release what is due by `now` (queue clock) into the next stage. With `stamp`, the flow clock is set to
   * each batch's departure time first (timer-driven releases; the caller restores the clock).
   */
  releaseDue(now: number, ctx: StageContext, stamp: boolean): void {
    const st = this.st;
    const graph = st.graph;
    const target = this.index;
    const origin = this.origin;
    const m = st.pool.meta;
    const trace = ctx.trace;
    for (const k of this.active) {
      const s = this.schedulers[k]!;
      for (;;) {
        const got = s.dequeue(now, this.outSlot, this.outTime, this.outCode);
        for (let i = 0; i < got; i++) {
          const slot = this.outSlot[i]!;
          st.held--;
          if (stamp) {
            const t = this.outTime[i]!;
            const sec = Math.floor(t);
            ctx.nowSec = st.queueEpoch + sec;
            ctx.nowNsec = Math.min(999_999_999, Math.round((t - sec) * 1e9));
          }
          const code = this.outCode[i]!;
          if (code !== QDrop.NONE) {
            st.dropSlot(slot, DROP_OF_QDROP[code] ?? Drop.QUEUE_FULL, target, trace);
            continue;
          }
          if (trace !== null && (m.flags[slot]! & PktFlag.TRACE) !== 0) {
            trace.record(slot, target, EV.QUEUE_LEFT, Math.round((this.outTime[i]! - this.enqueuedAt[slot]!) * 1e6), s.queued);
          }
          st.fate[slot] = Fate.NONE;
          this.one[0] = slot;
          // Into the stage after the queue stage it came through, skipping pass-through stages.
          graph.injectNext(origin[slot]!, 0, this.one, 1);
          if (stamp) graph.run(ctx);
        }
        if (got < RELEASE_BATCH) break;
      }
    }
  }
}

export { NEXT_DROP };
