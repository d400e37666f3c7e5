/**
 * A lab: several routers' flows (a MetaRouter host and its guests, or any routers wired together) run in one
 * thread on one clock, joined by links between their ports (MetaRouter's vif ↔ guest etherN veth pairs,
 * ROUTEROS-FLOW.md §10).
 *
 * ```
 *  inject(k, slots) ─► flow k ─► interface-tx ─► transmit(slot, port) ─┬─ port linked: queue of the peer flow
 *                                                                      └─ not linked: onOutput(k, port, slot)
 *  drain: for each flow in index order, its queued slots in arrival order, as full vectors ─► flow.receive
 *         ... until no queue holds a slot
 * ```
 *
 * **Frames are not copied.** Every flow of a lab is built on the lab's one PacketPool, so a frame crossing a
 * link stays in its slot: the link resets the slot's metadata as a port would for a new frame (keeping the
 * bytes, length and timestamp; `inPort` = the peer port; the TRACE flag kept, so the trace follows the packet
 * into the next router) and queues the slot for the peer flow. Per-slot state inside a flow (connection
 * reference, fate, VRF) is set by each flow's stages on ingress, as for any reused slot.
 *
 * Ordering is deterministic: a frame sent over a link is received by the peer when the sending flow's run
 * has ended, peers in index order, each queue FIFO. The lab never delivers to a flow from inside another
 * flow's run (no re-entrancy).
 *
 * A frame sent to a router that is not running (`setUp(k, false)`: a guest shut down or disabled) is dropped
 * (`metarouter-down`). Bridging loops through routers would never end: one `run` moves at most
 * `maxCrossings` frames over links, the rest is dropped (`metarouter-loop`).
 *
 * Fates: each flow reports fates of slots that carry a serial (replay inputs). A TX onto a link is not final:
 * the serial rides along (`serialOf`) and the peer flow takes it over; `onFate(serial, router, fate, arg)`
 * gets the fate where the packet's journey ended. Traces: every flow shares the lab's TraceBuffer; the lab
 * sets `trace.instance` to the router whose flow runs, so each step says which router took it.
 *
 * Guests' clocks follow the host's (`setClock` sets every flow's); `finish()` lets every flow run its
 * timers until nothing waits anywhere.
 */
import { PacketPool } from './buf/pool';
import { PktFlag } from './buf/meta';
import { Drop, DROP_COUNT } from './drop';
import { Fate, type Flow } from './flow';
import type { TraceBuffer } from './trace';

export interface LabOptions {
  /** Frames one `run` may move over links before the rest is dropped as a loop (default 64 x pool slots). */
  maxCrossings?: number;
  trace?: TraceBuffer | null;
}

export class Lab {
  readonly flows: Flow[] = [];
  readonly names: string[] = [];
  /** Per router: port → peer (router << 16 | port), -1 = not linked. */
  private peers: Int32Array[] = [];
  private up: boolean[] = [];
  // One FIFO of slots per router.
  private qSlots: Uint32Array[] = [];
  private qHead: number[] = [];
  private qLen: number[] = [];
  private readonly vec: Uint32Array;
  /** The serial of a slot that left over a link (its flow's TX fate cleared it there). */
  private readonly serialOf: Uint32Array;
  private readonly maxCrossings: number;
  private crossings = 0;
  private readonly trace: TraceBuffer | null;
  /** Frames moved over links; frames dropped at a link, by reason (`metarouter-*`). */
  crossed = 0;
  readonly drops = new Float64Array(DROP_COUNT);
  /** Frames a router sent out of a port without a link (the lab's outputs: a host's real ports). */
  onOutput: (router: number, port: number, slot: number) => void;
  /** Fates of packets with a serial (final ones where the journey ended; QUEUED/HELD on the way); not a TX onto a link. */
  onFate: ((serial: number, router: number, fate: number, arg: number) => void) | null = null;

  constructor(
    readonly pool: PacketPool,
    opts: LabOptions = {},
  ) {
    this.vec = new Uint32Array(256);
    this.serialOf = new Uint32Array(pool.slots);
    this.maxCrossings = opts.maxCrossings ?? 64 * pool.slots;
    this.trace = opts.trace ?? null;
    this.onOutput = (_r, _p, slot) => pool.free(slot);
  }

  /** Add a router's flow (built on this lab's pool). Returns its index. */
  add(name: string, flow: Flow): number {
    if (flow.pool !== this.pool) throw new Error(`lab: the flow of ${name} must use the lab's packet pool`);
    if (this.flows.length >= 256) throw new Error('lab: at most 256 routers');
    const k = this.flows.length;
    this.flows.push(flow);
    this.names.push(name);
    this.peers.push(new Int32Array(flow.tables.portNames.length).fill(-1));
    this.up.push(true);
    this.qSlots.push(new Uint32Array(this.pool.slots));
    this.qHead.push(0);
    this.qLen.push(0);
    this.attach(k);
    return k;
  }

  /** Put a new flow in router `k`'s place (a reboot: same links, fresh state). */
  replace(k: number, flow: Flow): void {
    if (flow.pool !== this.pool) throw new Error(`lab: the flow of ${this.names[k]} must use the lab's packet pool`);
    this.flows[k] = flow;
    const old = this.peers[k]!;
    const p = new Int32Array(flow.tables.portNames.length).fill(-1);
    p.set(old.subarray(0, Math.min(old.length, p.length)));
    this.peers[k] = p;
    this.attach(k);
  }

  private attach(k: number): void {
    const flow = this.flows[k]!;
    const st = flow.state;
    st.transmit = (slot, port) => this.transmit(k, slot, port);
    st.onFate = (serial, fate, arg, slot) => {
      if (fate === Fate.TX && this.peers[k]![arg]! >= 0) {
        this.serialOf[slot] = serial;
        return;
      }
      this.onFate?.(serial, k, fate, arg);
    };
    flow.ctx.trace = this.trace;
  }

  /** Join router a's port pa and router b's port pb (both ways). */
  link(a: number, pa: number, b: number, pb: number): void {
    if (pa < 0 || pa >= this.peers[a]!.length || pb < 0 || pb >= this.peers[b]!.length) throw new RangeError('lab: link to a port the router does not have');
    this.peers[a]![pa] = (b << 16) | pb;
    this.peers[b]![pb] = (a << 16) | pa;
  }

  /** The peer of router k's port p: [router, port], or null. */
  peer(k: number, p: number): [number, number] | null {
    const v = this.peers[k]![p] ?? -1;
    return v < 0 ? null : [v >>> 16, v & 0xffff];
  }

  /** A router that is not up drops what reaches it over links (`metarouter-down`) and gets no clock. */
  setUp(k: number, up: boolean): void {
    this.up[k] = up;
  }

  isUp(k: number): boolean {
    return this.up[k]!;
  }

  private transmit(k: number, slot: number, port: number): void {
    const v = this.peers[k]![port]!;
    if (v < 0) {
      this.onOutput(k, port, slot);
      return;
    }
    const to = v >>> 16;
    const serial = this.serialOf[slot]!;
    this.serialOf[slot] = 0;
    if (!this.up[to] || this.crossings >= this.maxCrossings) {
      const reason = !this.up[to] ? Drop.METAROUTER_DOWN : Drop.METAROUTER_LOOP;
      this.drops[reason]!++;
      if (serial !== 0) this.onFate?.(serial, k, Fate.DROP, reason);
      this.pool.free(slot);
      return;
    }
    this.crossings++;
    this.crossed++;
    // A new frame at the peer's port: metadata as a port leaves it, the bytes where they are.
    const m = this.pool.meta;
    const start = m.start[slot]!;
    const len = m.len[slot]!;
    const wire = m.wireLen[slot]!;
    const sec = m.tsSec[slot]!;
    const nsec = m.tsNsec[slot]!;
    const traced = m.flags[slot]! & PktFlag.TRACE;
    m.outPort[slot] = -1;
    m.vlanOuter[slot] = 0;
    m.vlanInner[slot] = 0;
    m.etherType[slot] = 0;
    m.l3Off[slot] = 0;
    m.l4Off[slot] = 0;
    m.l3Len[slot] = 0;
    m.l4Proto[slot] = 0;
    m.flags[slot] = traced;
    m.packetMark[slot] = 0;
    m.connMark[slot] = 0;
    m.routingMark[slot] = 0;
    m.hash[slot] = 0;
    m.linkType[slot] = 1;
    m.drop[slot] = 0;
    m.start[slot] = start;
    m.len[slot] = len;
    m.wireLen[slot] = wire;
    m.tsSec[slot] = sec;
    m.tsNsec[slot] = nsec;
    m.inPort[slot] = v & 0xffff;
    const st = this.flows[to]!.state;
    st.serial[slot] = serial;
    st.fate[slot] = Fate.NONE;
    const q = this.qSlots[to]!;
    q[(this.qHead[to]! + this.qLen[to]!) % q.length] = slot;
    this.qLen[to]!++;
  }

  /** Frames that arrived at router k's ports (slots with inPort, len, timestamp set): run them, then the links. */
  inject(k: number, slots: Uint32Array, n: number): void {
    this.crossings = 0;
    if (!this.up[k]) {
      const serial = this.flows[k]!.state.serial;
      for (let i = 0; i < n; i++) {
        this.drops[Drop.METAROUTER_DOWN]!++;
        const s = serial[slots[i]!]!;
        if (s !== 0) this.onFate?.(s, k, Fate.DROP, Drop.METAROUTER_DOWN);
        this.pool.free(slots[i]!);
      }
      return;
    }
    if (this.trace !== null) this.trace.instance = k;
    this.flows[k]!.receive(slots, n);
    this.drain();
  }

  /** Deliver queued frames until no queue holds one (flows in index order, each FIFO, full vectors). */
  drain(): void {
    const vec = this.vec;
    for (let again = true; again; ) {
      again = false;
      for (let k = 0; k < this.flows.length; k++) {
        const q = this.qSlots[k]!;
        while (this.qLen[k]! > 0) {
          let n = 0;
          let h = this.qHead[k]!;
          const take = Math.min(this.qLen[k]!, vec.length);
          for (; n < take; n++) {
            vec[n] = q[h]!;
            h = h + 1 === q.length ? 0 : h + 1;
          }
          this.qHead[k] = h;
          this.qLen[k]! -= n;
          if (this.trace !== null) this.trace.instance = k;
          this.flows[k]!.receive(vec, n);
          again = true;
        }
      }
    }
  }

  /** Set every running router's clock (timers may send frames over links: delivered before returning). */
  setClock(sec: number, nsec: number): void {
    this.crossings = 0;
    for (let k = 0; k < this.flows.length; k++) {
      if (!this.up[k]) continue;
      if (this.trace !== null) this.trace.instance = k;
      this.flows[k]!.setClock(sec, nsec);
    }
    this.drain();
  }

  /** Let every router's timers run until no packet waits anywhere (Flow.finish per router, links between). */
  finish(): void {
    for (let round = 0; round < 64; round++) {
      let busy = false;
      for (let k = 0; k < this.flows.length; k++) {
        if (!this.up[k]) continue;
        const st = this.flows[k]!.state;
        if (st.waiting > 0 || st.reassembly.queues > 0 || st.held > 0) busy = true;
        if (this.trace !== null) this.trace.instance = k;
        this.crossings = 0;
        this.flows[k]!.finish();
        if (this.qLen.some((l) => l > 0)) busy = true;
        this.drain();
      }
      if (!busy) return;
    }
  }
}
