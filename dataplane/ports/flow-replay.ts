/**
 * Replaying captures through a Flow on the capture clock (what `flowplane replay` and the scenario tests
 * run).
 *
 * Frames are taken from a ReplaySource (inputs merged by timestamp) and run through the flow **one at a
 * time**: the clock is set to the frame's timestamp (running ARP timers due by then), the frame is
 * received, and the graph runs until nothing is pending. So causality follows the capture exactly (an ARP
 * reply that arrives after a packet is queued releases it then, not before) at the price of vectors of one;
 * throughput runs (bench/) use full vectors. At the end `Flow.finish()` lets the clock run on until no
 * packet waits for ARP, so every frame ends with a fate.
 *
 * Every frame transmitted is reported to `onTransmit` with the flow clock as its timestamp (a forwarded
 * frame leaves at its arrival time; a frame released by an ARP reply leaves when the reply arrived); the
 * callee copies what it keeps. Per input frame `onInput` says its fate (Fate in stages/state.ts) and
 * argument (port for TX, drop reason for DROP, IP protocol for LOCAL, next hop for QUEUED).
 *
 * The source is given the ports' MACs, so Linux cooked (SLL/SLL2) records become Ethernet frames at the port
 * (ports/replay.ts says how). With `trace`, every input is traced under its serial (`TraceBuffer.beginInput`,
 * so the packets the router makes because of it are traced under it), a converted cooked record starts with
 * a `port: sll-converted` step, and the phase marks say which input was being processed when a step
 * happened. Without it, nothing of the trace is touched per frame.
 */
import { PacketVector } from '../buf/vector';
import { PktFlag } from '../buf/meta';
import { Fate, type Flow } from '../flow';
import { TRACE_PORT_STAGE } from '../trace';
import { EV_SLL_CONVERTED, type ReplaySource } from './replay';

export interface TransmitRecord {
  port: number;
  tsSec: number;
  tsNsec: number;
  frame: Uint8Array;
  /** Serial of the input frame during whose processing it left (0: during finish()). */
  cause: number;
}

export interface InputRecord {
  /** 1-based serial of the input frame. */
  serial: number;
  port: number;
  tsSec: number;
  tsNsec: number;
  wireLen: number;
  /** Copy of the frame as received. */
  frame: Uint8Array;
  linkType: number;
  /** Link type (113 / 276) of a Linux cooked record converted to Ethernet at the port, else 0. */
  cookedFrom: number;
  /** Fate when its own run ended (Fate.QUEUED: waiting for ARP; its final fate comes in `onFinal`). */
  fate: number;
  fateArg: number;
}

export interface FlowReplayOptions {
  onTransmit?: (t: TransmitRecord) => void;
  /** After each input frame's own run. */
  onInput?: (r: InputRecord) => void;
  /** The final fate of every input frame (TX, LOCAL or DROP), when it happens (possibly later). */
  onFinal?: (serial: number, fate: number, arg: number) => void;
  /** Flag every input for tracing (the flow needs a TraceBuffer). */
  trace?: boolean;
  /** Called with each input slot before it is received (tests rewrite frames here). */
  prepare?: (slot: number) => void;
}

/** Run every frame of `src` through `flow` (see the module comment). Returns the number of input frames. */
export function replayThroughFlow(flow: Flow, src: ReplaySource, opts: FlowReplayOptions = {}): number {
  const pool = flow.pool;
  const m = pool.meta;
  const st = flow.state;
  const vec = new PacketVector(1);
  let serial = 0;
  let cause = 0;
  const one = new Uint32Array(1);
  const trace = opts.trace ? flow.ctx.trace : null;
  const onInput = opts.onInput;
  // The ports' own MACs, so cooked captures can be turned into frames for them.
  const t = flow.tables;
  const ports = t.portNames.length;
  const macs = new Uint8Array(ports * 6);
  for (let p = 0; p < ports; p++) {
    const ifi = t.portIf[p]!;
    if (ifi >= 0) macs.set(t.macs.subarray(ifi * 6, ifi * 6 + 6), p * 6);
  }
  src.setPortMacs(macs, ports);
  st.transmit = (slot, port) => {
    if (opts.onTransmit) {
      opts.onTransmit({ port, tsSec: flow.ctx.nowSec, tsNsec: flow.ctx.nowNsec, frame: pool.frameCopy(slot), cause });
    }
    pool.free(slot);
  };
  st.onFate = (s, fate, arg) => {
    if (fate < Fate.QUEUED) opts.onFinal?.(s, fate, arg);
  };
  try {
    for (;;) {
      vec.clear();
      if (src.fill(vec) === 0) break;
      const slot = vec.slots[0]!;
      serial++;
      cause = serial;
      // The record (a copy of the frame) is made only for a caller that listens.
      const rec: InputRecord | null = onInput === undefined ? null : {
        serial,
        port: m.inPort[slot]!,
        tsSec: m.tsSec[slot]!,
        tsNsec: m.tsNsec[slot]!,
        wireLen: m.wireLen[slot]!,
        frame: pool.frameCopy(slot),
        linkType: m.linkType[slot]!,
        cookedFrom: src.cookedFrom[slot]!,
        fate: 0,
        fateArg: 0,
      };
      if (trace !== null) {
        m.flags[slot]! |= PktFlag.TRACE;
        trace.beginInput(slot, serial);
        const cooked = src.cookedFrom[slot]!;
        if (cooked !== 0) trace.record(slot, TRACE_PORT_STAGE, EV_SLL_CONVERTED, cooked, src.cookedType[slot]!);
      }
      opts.prepare?.(slot);
      flow.setClock(m.tsSec[slot]!, m.tsNsec[slot]!);
      st.fate[slot] = 0;
      st.serial[slot] = serial;
      one[0] = slot;
      flow.receive(one, 1);
      if (rec !== null) {
        rec.fate = st.fate[slot]!;
        rec.fateArg = st.fateArg[slot]!;
        onInput!(rec);
      }
    }
    cause = 0;
    trace?.phase(0);
    flow.finish();
  } finally {
    st.onFate = null;
  }
  return serial;
}
