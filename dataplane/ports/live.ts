/**
 * The live driver: one router's Flow wired to real ports (TAP devices, pcap interfaces), on the wall clock.
 *
 * ```
 *  port readable ─► read a vector into pool slots ─► Flow.receive ─► transmit callback queues per port
 *                    (inPort, link type, timestamp)                     └─► after the run: one writeBatch per port
 *  every tick (1 ms with queues, 10 ms without) ─► Flow.setClock(wall clock) ─► timers, queue departures ─► flush
 * ```
 *
 * Why this shape: everything runs on the JavaScript thread's event loop. A port says when it is readable (TAP:
 * a libuv poll on its fd; pcap: cap's own), the driver drains it in vectors of up to 64 frames read straight
 * into pool slots and runs them through the flow at once, so a burst costs one flow run per vector; the
 * frames the flow transmits are queued per port and written in one batch after the run (one syscall-crossing
 * per vector, not per frame). Between packets, a timer moves the flow clock to the wall clock so ARP
 * retries, connection timeouts and queued packets (HTB departures) happen on time even without traffic.
 *
 * Counters per binding (rx/tx packets and bytes, tx drops when a device refused a frame, rx errors, frames
 * left in the device because the pool was empty) outlive a config swap; the flow's own counters do not.
 *
 * Offloads: a port with `offload` (a TAP opened with vnet headers) reads TCP super-frames (PktFlag.GSO, their
 * segment size in `gsoSize`, a table per pool indexed by slot) and writes them whole; for a port without,
 * `flush` cuts each super-frame into MSS-sized segments first (dataplane/ports/gso.ts), clamped to the
 * router interface's MTU.
 *
 * A config swap (`swap`) replaces the flow between two vectors: the old flow's waiting packets (ARP queue,
 * queues) are abandoned, its connection table is carried by the new flow (FlowOptions.replaces), and the
 * bindings are re-resolved by interface name. One driver serves one router; nothing here is global.
 */
import { Flow } from '../flow';
import type { PacketPool } from '../buf/pool';
import { PktFlag } from '../buf/meta';
import { gsoSegmentSize, segmentTcp4 } from './gso';

/**
 * What the driver runs frames through: one router's Flow (`flowEngine`), several routers wired together
 * (a MetaRouter lab: control/instance/live-router.ts), or worker threads each running the router's flow
 * (`run --workers`: control/instance/worker-engine.ts). The driver only needs these few things.
 */
export interface LiveEngine {
  readonly pool: PacketPool;
  /** Interface names frames arrive on and leave by; a binding's frames get its index here as `inPort`. */
  readonly portNames: readonly string[];
  /** Something waits on the clock at short notice (queues): the driver ticks every 1 ms instead of 10. */
  readonly fastClock: boolean;
  /** The MTU of port `port` (an index into portNames): super-frames are segmented to it. */
  portMtu(port: number): number;
  /** Where frames leaving by port `port` (an index into portNames) go; the callee owns the slot. */
  setTransmit(fn: (slot: number, port: number) => void): void;
  /** Received frames, all from one port (meta.inPort set). */
  receive(slots: Uint32Array, n: number): void;
  setClock(sec: number, nsec: number): void;
  /**
   * Engines whose frames also leave outside receive/setClock (worker threads handing transmitted frames
   * back: control/instance/worker-engine.ts) call `fn` after queueing them, and the driver writes them.
   */
  setFlush?(fn: () => void): void;
  /**
   * Such engines also hand frames back when polled: a busy-polling driver calls this every round (the event
   * loop that would deliver their doorbell is held by the polling); returns the frames handed back.
   */
  poll?(): number;
}

/** One router's flow as the driver's engine. */
export function flowEngine(flow: Flow): LiveEngine {
  return {
    pool: flow.pool,
    portNames: flow.tables.portNames,
    fastClock: flow.queueStages.length > 0,
    portMtu: (p) => {
      const t = flow.tables;
      const ifi = t.portIf[p] ?? -1;
      return ifi >= 0 ? (t.mtu[ifi] ?? 1500) : 1500;
    },
    setTransmit: (fn) => {
      flow.state.transmit = fn;
    },
    receive: (slots, n) => flow.receive(slots, n),
    setClock: (sec, nsec) => flow.setClock(sec, nsec),
  };
}

const engineOf = (e: LiveEngine | Flow): LiveEngine => (e instanceof Flow ? flowEngine(e) : e);

/** A port the driver can read and write (TapPort, PcapPort, or a test double). */
export interface LivePort {
  readonly kind: string;
  /** The Linux device name. */
  readonly device: string;
  /** Start calling `ready` whenever frames may be waiting. */
  watch(ready: () => void): void;
  /**
   * Read up to `max` waiting frames into fresh pool slots (slot numbers into `out` from `at`, len/wireLen set).
   * Returns how many; 0 when none waits; -1 on a device error (text in `lastError`).
   */
  read(pool: PacketPool, out: Uint32Array, at: number, max: number): number;
  /** Write the frames in `slots[0..n)`; returns how many were taken. The slots stay the caller's. */
  write(pool: PacketPool, slots: Uint32Array, n: number): number;
  close(): void;
  lastError: string | null;
  /** Takes GSO super-frames as they are (else the driver segments them before `write`). */
  readonly offload?: boolean;
  /** Set by the driver: gso_size per pool slot, for a port that reads super-frames. */
  gsoTable?: Uint16Array | null;
  /** Set by the driver: the IP MTU of the router interface on this port. */
  mtu?: number;
}

/** A router interface and the port behind it. */
export interface LiveBinding {
  /** The router's interface name (`ether1`). */
  iface: string;
  io: LivePort;
}

/** Counter columns per binding (`LiveDriver.counters[b * LC.COUNT + LC.X]`). */
export const LC = {
  RX_PACKETS: 0,
  RX_BYTES: 1,
  TX_PACKETS: 2,
  TX_BYTES: 3,
  /** Frames the device did not take (full or down). */
  TX_DROPS: 4,
  /** Read errors reported by the device. */
  RX_ERRORS: 5,
  /** Times frames were left waiting because the pool had no free slot. */
  RX_NO_BUFFER: 6,
  COUNT: 7,
} as const;

export interface LiveDriverOptions {
  /** Wall clock as [sec, nsec] (tests pass their own). */
  clock?: () => [number, number];
  /** Clock tick in ms (default: 1 when the flow has queues, else 10). */
  tickMs?: number;
  /** Frames per vector (default 64). */
  vector?: number;
  /** Log sink: topics (`interface,info`) and message, like RouterOS /log. */
  log?: (topics: string, message: string) => void;
  /**
   * After handling a readiness callback, keep polling every port until this many microseconds pass without
   * a frame, before going back to sleep in the event loop (default 0: never). A window longer than the gap
   * between packets keeps the router awake through light traffic. An idle process takes tens to hundreds of
   * microseconds to wake (more in a VM), twice per round trip through the router; polling a little
   * longer catches the answer that is already on its way, at the price of that much CPU per burst.
   */
  busyPollUs?: number;
}

/** Longest stretch a busy-poll keeps the event loop (ms) before letting it run once. */
const SPIN_SLICE_MS = 1;

const wallClock = (): [number, number] => {
  const ms = performance.timeOrigin + performance.now();
  const sec = Math.floor(ms / 1000);
  return [sec, Math.min(999_999_999, Math.round((ms - sec * 1000) * 1e6))];
};

export class LiveDriver {
  private engineNow: LiveEngine;
  readonly bindings: readonly LiveBinding[];
  /** Per binding, LC columns. */
  readonly counters: Float64Array;
  /** Frames transmitted to router ports no binding serves (freed). */
  unbound = 0;
  private readonly clock: () => [number, number];
  private readonly vector: number;
  private readonly log: (topics: string, message: string) => void;
  private readonly tickMs: number | undefined;
  /** Flow port number -> binding index (-1: not bound). */
  private portToBinding = new Int32Array(0);
  /** Binding index -> flow port number (-1: the config has no such interface). */
  private bindingPort: Int32Array;
  private rx: Uint32Array;
  /** Per binding: queued transmit slots. */
  private txq: Uint32Array[] = [];
  private txn: Int32Array;
  private timer: ReturnType<typeof setInterval> | null = null;
  private running = false;
  /** Errors already logged per binding (so a failing device logs once, not per frame). */
  private readonly errLogged: boolean[];
  private readonly busyPollMs: number;
  private spinning = false;
  /** performance.now() of the last frame a busy-poll round found. */
  private lastFrameMs = 0;
  /** gso_size per pool slot of the running flow (valid for slots flagged PktFlag.GSO). */
  private gsoSize = new Uint16Array(0);
  /** Per binding: the interface's IP MTU (segment size limit). */
  private mtu: Int32Array;
  /** Transmit list with super-frames replaced by their segments (ports without offloads). */
  private segq = new Uint32Array(0);
  /** Super-frames segmented in software, and ones dropped because the pool had no room for the segments. */
  segmented = 0;
  segmentDrops = 0;

  constructor(engine: LiveEngine | Flow, bindings: LiveBinding[], opts: LiveDriverOptions = {}) {
    const flow = engineOf(engine);
    this.engineNow = flow;
    this.bindings = bindings;
    this.counters = new Float64Array(bindings.length * LC.COUNT);
    this.clock = opts.clock ?? wallClock;
    this.vector = opts.vector ?? 64;
    this.log = opts.log ?? (() => {});
    this.tickMs = opts.tickMs;
    this.busyPollMs = (opts.busyPollUs ?? 0) / 1000;
    this.bindingPort = new Int32Array(bindings.length);
    this.txn = new Int32Array(bindings.length);
    this.mtu = new Int32Array(bindings.length).fill(1500);
    this.rx = new Uint32Array(this.vector);
    this.errLogged = bindings.map(() => false);
    this.install(flow);
  }

  get engine(): LiveEngine {
    return this.engineNow;
  }

  /** Bind the flow: transmit callback, port numbers by interface name, transmit queues sized to its pool. */
  private install(flow: LiveEngine): void {
    const names = flow.portNames;
    this.portToBinding = new Int32Array(names.length).fill(-1);
    for (let b = 0; b < this.bindings.length; b++) {
      const p = names.indexOf(this.bindings[b]!.iface);
      this.bindingPort[b] = p;
      if (p >= 0) this.portToBinding[p] = b;
    }
    this.txq = this.bindings.map(() => new Uint32Array(flow.pool.slots));
    this.txn.fill(0);
    const pool = flow.pool;
    this.gsoSize = new Uint16Array(pool.slots);
    this.segq = new Uint32Array(pool.slots);
    for (let b = 0; b < this.bindings.length; b++) {
      const p = this.bindingPort[b]!;
      this.mtu[b] = p >= 0 ? flow.portMtu(p) : 1500;
      const io = this.bindings[b]!.io;
      if ('gsoTable' in io) io.gsoTable = this.gsoSize;
      io.mtu = this.mtu[b]!;
    }
    const ptb = this.portToBinding;
    flow.setTransmit((slot, port) => {
      const b = port < ptb.length ? ptb[port]! : -1;
      if (b < 0) {
        this.unbound++;
        pool.free(slot);
        return;
      }
      this.txq[b]![this.txn[b]!++] = slot;
    });
    flow.setFlush?.(() => {
      if (this.running) this.flush();
    });
  }

  /** Interfaces of the bindings that the flow's config does not have (frames from them are dropped). */
  unboundInterfaces(): string[] {
    return this.bindings.filter((_, b) => this.bindingPort[b]! < 0).map((x) => x.iface);
  }

  /** Start reading the ports and ticking the clock. */
  start(): void {
    if (this.running) return;
    this.running = true;
    this.tick();
    for (let b = 0; b < this.bindings.length; b++) this.bindings[b]!.io.watch(() => this.ready(b));
    this.armTimer();
  }

  private armTimer(): void {
    if (this.timer !== null) clearInterval(this.timer);
    const ms = this.tickMs ?? (this.engineNow.fastClock ? 1 : 10);
    this.timer = setInterval(() => this.tick(), ms);
  }

  /** Move the flow clock to the wall clock (timers, queue departures) and send what that released. */
  tick(): void {
    const [sec, nsec] = this.clock();
    this.engineNow.setClock(sec, nsec);
    this.flush();
  }

  /** Port `b` may have frames: drain it in vectors through the flow (then busy-poll, when asked to). */
  ready(b: number): void {
    if (!this.running) return;
    this.drain(b);
    if (this.busyPollMs > 0 && !this.spinning) this.spin();
  }

  /**
   * Poll every port while frames keep coming: until `busyPollUs` pass without one. The polling runs in
   * slices of at most SPIN_SLICE_MS; between slices the event loop runs (timers, the console, the APIs,
   * signals), then `setImmediate` resumes it, so a busy-polling router still answers everything else.
   */
  private readonly spinSlice = (): void => {
    const sliceEnd = performance.now() + SPIN_SLICE_MS;
    let now = 0;
    while (this.running) {
      let n = 0;
      for (let b = 0; b < this.bindings.length; b++) n += this.drain(b);
      const eng = this.engineNow;
      if (eng.poll !== undefined && eng.poll() > 0) {
        this.flush();
        n++;
      }
      now = performance.now();
      if (n > 0) this.lastFrameMs = now;
      else if (now - this.lastFrameMs >= this.busyPollMs) break;
      if (now >= sliceEnd) {
        setImmediate(this.spinSlice);
        return;
      }
    }
    this.spinning = false;
  };

  private spin(): void {
    this.spinning = true;
    this.lastFrameMs = performance.now();
    this.spinSlice();
  }

  /** Drain port `b` in vectors through the flow; returns the frames read. */
  private drain(b: number): number {
    const bd = this.bindings[b]!;
    const flow = this.engineNow;
    const pool = flow.pool;
    const m = pool.meta;
    const port = this.bindingPort[b]!;
    const c = this.counters;
    const base = b * LC.COUNT;
    let total = 0;
    // The clock is read once frames are there (a busy-poll round that finds none costs no allocation).
    let sec = 0;
    let nsec = 0;
    for (let guard = 0; guard < 64; guard++) {
      const n = bd.io.read(pool, this.rx, 0, this.vector);
      if (n < 0) {
        c[base + LC.RX_ERRORS]!++;
        if (!this.errLogged[b]) {
          this.errLogged[b] = true;
          this.log('interface,warning', `${bd.iface} (${bd.io.device}): read failed: ${bd.io.lastError ?? 'error'}`);
        }
        break;
      }
      if (n === 0) {
        if (pool.available === 0) c[base + LC.RX_NO_BUFFER]!++;
        break;
      }
      if (total === 0) {
        const t = this.clock();
        sec = t[0];
        nsec = t[1];
        flow.setClock(sec, nsec);
      }
      let bytes = 0;
      for (let i = 0; i < n; i++) {
        const s = this.rx[i]!;
        m.inPort[s] = port;
        m.linkType[s] = 1;
        m.tsSec[s] = sec;
        m.tsNsec[s] = nsec;
        bytes += m.len[s]!;
      }
      total += n;
      c[base + LC.RX_PACKETS] = c[base + LC.RX_PACKETS]! + n;
      c[base + LC.RX_BYTES] = c[base + LC.RX_BYTES]! + bytes;
      if (port < 0) {
        for (let i = 0; i < n; i++) pool.free(this.rx[i]!);
      } else {
        flow.receive(this.rx, n);
        this.flush();
      }
      if (n < this.vector) break;
    }
    return total;
  }

  /** Write every port's queued frames, count what the devices refused, free the slots. */
  flush(): void {
    const pool = this.engineNow.pool;
    const m = pool.meta;
    const c = this.counters;
    for (let b = 0; b < this.txn.length; b++) {
      let n = this.txn[b]!;
      if (n === 0) continue;
      let q = this.txq[b]!;
      const io = this.bindings[b]!.io;
      if (io.offload !== true) {
        let gso = false;
        for (let i = 0; i < n; i++) if ((m.flags[q[i]!]! & PktFlag.GSO) !== 0) gso = true;
        if (gso) {
          n = this.segment(pool, q, n, this.mtu[b]!);
          q = this.segq;
        }
      }
      const sent = io.write(pool, q, n);
      let bytes = 0;
      for (let i = 0; i < sent; i++) bytes += m.len[q[i]!]!;
      const base = b * LC.COUNT;
      c[base + LC.TX_PACKETS] = c[base + LC.TX_PACKETS]! + sent;
      c[base + LC.TX_BYTES] = c[base + LC.TX_BYTES]! + bytes;
      if (sent < n) {
        c[base + LC.TX_DROPS] = c[base + LC.TX_DROPS]! + (n - sent);
        if (io.lastError !== null && !this.errLogged[b]) {
          this.errLogged[b] = true;
          this.log('interface,warning', `${this.bindings[b]!.iface} (${io.device}): write failed: ${io.lastError}`);
        }
      }
      for (let i = 0; i < n; i++) pool.free(q[i]!);
      this.txn[b] = 0;
    }
  }

  /**
   * Replace each super-frame of `q[0..n)` by its segments (in `segq`, in order; the super-frame's slot is
   * freed). Returns the new count. A super-frame whose segments find no room in the pool is dropped.
   */
  private segment(pool: PacketPool, q: Uint32Array, n: number, mtu: number): number {
    const out = this.segq;
    const m = pool.meta;
    let k = 0;
    for (let i = 0; i < n; i++) {
      const slot = q[i]!;
      if ((m.flags[slot]! & PktFlag.GSO) === 0) {
        out[k++] = slot;
        continue;
      }
      const c = segmentTcp4(pool, slot, gsoSegmentSize(pool, slot, this.gsoSize[slot]!, mtu), out, k);
      if (c === 0) {
        out[k++] = slot; // not TCP/IPv4 with payload: it goes as it is
        continue;
      }
      pool.free(slot);
      if (c < 0) {
        this.segmentDrops++;
        continue;
      }
      this.segmented++;
      k += c;
    }
    return k;
  }

  /**
   * Run `next` from now on (a reload: built with `replaces: this.flow`). What the old flow still transmits
   * is sent first; packets it holds (ARP, queues) are abandoned with its pool.
   */
  swap(nextEngine: LiveEngine | Flow): void {
    this.flush();
    const next = engineOf(nextEngine);
    this.engineNow = next;
    this.install(next);
    const [sec, nsec] = this.clock();
    next.setClock(sec, nsec);
    if (this.running) this.armTimer();
  }

  /** Stop ticking and close every port (TAPs go away unless persistent). */
  stop(): void {
    if (this.timer !== null) clearInterval(this.timer);
    this.timer = null;
    if (this.running) this.flush();
    this.running = false;
    for (const b of this.bindings) b.io.close();
  }
}
