/**
 * Replaying captures through a lab of routers (dataplane/lab.ts) — replayThroughFlow (flow-replay.ts) for a
 * MetaRouter host and its guests. The same rules: one input frame at a time on the capture clock, the lab's
 * clock set to its timestamp first, everything it causes (in every router, over every link) run before the
 * next input; at the end every router's timers run until nothing waits.
 *
 * Inputs are numbered by the source's ports; `route[p]` says which router and port source port p feeds
 * (the host's port, or a guest's for a port the host handed over with a static link). Frames leaving the lab
 * are reported to `onTransmit` with the output's name; the callee copies what it keeps. Fates come from the
 * router where the packet's journey ended (a frame crossing a link carries its serial into the next router).
 */
import { PacketVector } from '../buf/vector';
import { PktFlag } from '../buf/meta';
import { Fate } from '../flow';
import { Drop } from '../drop';
import type { Lab } from '../lab';
import { TRACE_PORT_STAGE } from '../trace';
import { EV_SLL_CONVERTED, type ReplaySource } from './replay';

export interface LabTransmitRecord {
  /** The output's name (a host interface). */
  name: string;
  router: number;
  port: number;
  tsSec: number;
  tsNsec: number;
  frame: Uint8Array;
  /** Serial of the input frame during whose processing it left (0: during finish()). */
  cause: number;
}

export interface LabInputRecord {
  serial: number;
  /** Source port (the input's interface). */
  srcPort: number;
  router: number;
  tsSec: number;
  tsNsec: number;
  wireLen: number;
  frame: Uint8Array;
  linkType: number;
  /** The fate known when its own run ended (QUEUED/HELD: waiting; the final one comes in `onFinal`). */
  fate: number;
  fateArg: number;
  /** The router of that fate. */
  fateRouter: number;
}

export interface LabReplayOptions {
  /** Source port → [router, port]. */
  route: ReadonlyArray<readonly [number, number]>;
  /** Output name of a frame leaving the lab at (router, port), or null to drop it. */
  output: (router: number, port: number) => string | null;
  onTransmit?: (t: LabTransmitRecord) => void;
  onInput?: (r: LabInputRecord) => void;
  onFinal?: (serial: number, router: number, fate: number, arg: number) => void;
  /** Flag every input for tracing (the lab needs a TraceBuffer: lab.flows[0].ctx.trace). */
  trace?: boolean;
}

/** Run every frame of `src` through `lab`. Returns the number of input frames. */
export function replayThroughLab(lab: Lab, src: ReplaySource, opts: LabReplayOptions): number {
  const pool = lab.pool;
  const m = pool.meta;
  const vec = new PacketVector(1);
  const one = new Uint32Array(1);
  const route = opts.route;
  let serial = 0;
  let cause = 0;
  const trace = opts.trace ? (lab.flows[0]!.ctx.trace ?? null) : null;
  // The MAC each source port's frames are for (cooked captures become Ethernet frames for it).
  const macs = new Uint8Array(route.length * 6);
  route.forEach(([k, p], i) => {
    const t = lab.flows[k]!.tables;
    const ifi = t.portIf[p] ?? -1;
    if (ifi >= 0) macs.set(t.macs.subarray(ifi * 6, ifi * 6 + 6), i * 6);
  });
  src.setPortMacs(macs, route.length);
  let fate = 0;
  let fateArg = 0;
  let fateRouter = 0;
  lab.onOutput = (k, port, slot) => {
    const name = opts.output(k, port);
    if (name === null) lab.drops[Drop.METAROUTER_UNLINKED]!++;
    else if (opts.onTransmit) {
      const flow = lab.flows[k]!;
      opts.onTransmit({ name, router: k, port, tsSec: flow.ctx.nowSec, tsNsec: flow.ctx.nowNsec, frame: pool.frameCopy(slot), cause });
    }
    pool.free(slot);
  };
  lab.onFate = (s, k, f, arg) => {
    if (s === serial) {
      fate = f;
      fateArg = arg;
      fateRouter = k;
    }
    if (f < Fate.QUEUED) opts.onFinal?.(s, k, f, arg);
  };
  try {
    for (;;) {
      vec.clear();
      if (src.fill(vec) === 0) break;
      const slot = vec.slots[0]!;
      serial++;
      cause = serial;
      const srcPort = m.inPort[slot]!;
      const [k, port] = route[srcPort] ?? [0, srcPort];
      const rec: LabInputRecord | null = opts.onInput === undefined ? null : {
        serial,
        srcPort,
        router: k,
        tsSec: m.tsSec[slot]!,
        tsNsec: m.tsNsec[slot]!,
        wireLen: m.wireLen[slot]!,
        frame: pool.frameCopy(slot),
        linkType: m.linkType[slot]!,
        fate: 0,
        fateArg: 0,
        fateRouter: k,
      };
      m.inPort[slot] = port;
      if (trace !== null) {
        m.flags[slot]! |= PktFlag.TRACE;
        trace.instance = k;
        trace.beginInput(slot, serial);
        const cooked = src.cookedFrom[slot]!;
        if (cooked !== 0) trace.record(slot, TRACE_PORT_STAGE, EV_SLL_CONVERTED, cooked, src.cookedType[slot]!);
      }
      lab.setClock(m.tsSec[slot]!, m.tsNsec[slot]!);
      const st = lab.flows[k]!.state;
      st.fate[slot] = 0;
      st.serial[slot] = serial;
      fate = 0;
      fateArg = 0;
      fateRouter = k;
      one[0] = slot;
      lab.inject(k, one, 1);
      if (rec !== null) {
        rec.fate = fate;
        rec.fateArg = fateArg;
        rec.fateRouter = fateRouter;
        opts.onInput!(rec);
      }
    }
    cause = 0;
    trace?.phase(0);
    lab.finish();
  } finally {
    lab.onFate = null;
  }
  return serial;
}
