/**
 * TAP port: a Linux TAP device (IFF_TAP | IFF_NO_PI) that frames move through in batches, read straight into
 * packet-pool slots and written straight from them (native/tap, the project's own N-API addon).
 *
 * Why an addon and not `fs.read`: one async read per frame was 5-10x slower (measured on this machine kind),
 * and TUNSETIFF is an ioctl Node cannot make. Readiness comes from a libuv poll handle on the device's fd, so
 * the JavaScript thread sleeps in the event loop until frames arrive and then drains them with `readBatch`:
 * no busy polling, no thread hop, and timers (the flow clock) run on the same loop.
 *
 * A TAP created here lives as long as its fd unless `persist` is set (then `ip tuntap del` or `close` with
 * persist cleared removes it). It keeps working after `ip link set DEV netns NS` (the fd stays in this
 * namespace's process; the netdev moves), which the end-to-end tests rely on.
 *
 * With `offload` the TAP is opened with IFF_VNET_HDR and TUNSETOFFLOAD (checksum, TSO4, TSO-ECN): the
 * kernel then passes 64 KiB TCP super-frames both ways. Reading completes their partial checksums (in the
 * addon) and marks them PktFlag.GSO with their segment size in the driver's table; writing puts a
 * virtio_net_hdr before every frame (dataplane/ports/gso.ts says what each field carries).
 *
 * With `queues: N` (> 1) the device is opened N times with IFF_MULTI_QUEUE: N fds, one queue each. Every
 * queue is watched and read (a round robin per read: each call starts at the next queue, so a busy queue
 * cannot starve the others); a frame is written on the queue its symmetric flow hash names
 * (dataplane/worker/shard.ts frameShard), so a flow's frames keep to one queue and tun's flow table sends
 * the flow's frames from the kernel to that queue too. Frames of one write are grouped by queue, in order.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { PacketPool } from '../buf/pool';
import type { LivePort } from './live';
import { PktFlag } from '../buf/meta';
import { fillVnetHdr, gsoSegmentSize, TunOffload, VNET_HDR_LEN, VnetGso, vnetGsoSize, vnetGsoType } from './gso';
import { frameShard } from '../worker/shard';

/** The addon's functions (native/tap/src/tap.c says what each does). */
export interface TapAddon {
  open(name: string, opts?: { vnetHdr?: boolean; multiQueue?: boolean; persist?: boolean; noUp?: boolean }): { fd: number; name: string };
  readBatch(fd: number, bytes: Uint8Array, offsets: Int32Array, cap: number, lengths: Int32Array, max: number): number;
  writeBatch(fd: number, bytes: Uint8Array, offsets: Int32Array, lengths: Int32Array, n: number): number;
  setOffload(fd: number, flags: number): number;
  readBatchV(fd: number, bytes: Uint8Array, offsets: Int32Array, cap: number, lengths: Int32Array, max: number, hdrs: Uint8Array): number;
  writeBatchV(fd: number, bytes: Uint8Array, offsets: Int32Array, lengths: Int32Array, n: number, hdrs: Uint8Array): number;
  checksum(bytes: Uint8Array, off: number, len: number, seed: number): number;
  watch(fd: number, callback: (status: number) => void): unknown;
  unwatch(handle: unknown): void;
  setPersist(fd: number, on: boolean): number;
  setUp(name: string, up: boolean): number;
  close(fd: number): number;
  features(): number;
  strerror(errno: number): string;
}

let addon: TapAddon | null = null;
let addonError: string | null = null;

/** The built addon, found from the source tree or from dist/ (the package root holds native/). */
export function loadTapAddon(): TapAddon {
  if (addon !== null) return addon;
  if (addonError !== null) throw new Error(addonError);
  let dir = __dirname;
  for (let i = 0; i < 6; i++) {
    const p = path.join(dir, 'native', 'tap', 'build', 'Release', 'fptap.node');
    if (fs.existsSync(p)) {
      addon = require(p) as TapAddon;
      return addon;
    }
    dir = path.dirname(dir);
  }
  addonError = 'the TAP addon is not built (native/tap/build/Release/fptap.node): run `npm run build` (needs g++, make, python3)';
  throw new Error(addonError);
}

/** TUNGETFEATURES bits (linux/if_tun.h). */
export const TunFeature = { TAP: 0x0002, NO_PI: 0x1000, VNET_HDR: 0x4000, MULTI_QUEUE: 0x0100 } as const;

export interface TapOptions {
  /** Keep the device when the port closes (TUNSETPERSIST). */
  persist?: boolean;
  /** Open with IFF_MULTI_QUEUE (one of several queues of the device). */
  multiQueue?: boolean;
  /** Open this many queues of the device (IFF_MULTI_QUEUE when > 1; default 1). */
  queues?: number;
  /** Frames per readBatch call (default 64). */
  batch?: number;
  /** Open with vnet headers and TSO/checksum offloads (super-frames; the pool needs 64 KiB slots). */
  offload?: boolean;
}

export class TapPort implements LivePort {
  readonly kind = 'tap';
  readonly device: string;
  /** The first queue's fd. */
  readonly fd: number;
  /** Every queue's fd (one without `queues`). */
  readonly fds: readonly number[];
  private readonly tap: TapAddon;
  /** The queue the next read starts at (round robin). */
  private rxNext = 0;
  /** Per frame of a write: its queue; and the slots regrouped by queue (multi-queue only). */
  private txQueue: Uint8Array;
  private txSlots: Uint32Array;
  private txLeft: Uint32Array;
  private readonly batch: number;
  private readonly offsets: Int32Array;
  private readonly lengths: Int32Array;
  private readonly txOffsets: Int32Array;
  private readonly txLengths: Int32Array;
  private watchHandles: unknown[] = [];
  private closed = false;
  readonly persist: boolean;
  /** The last read/write error (errno text), for the log; cleared by the caller. */
  lastError: string | null = null;
  /** Takes and gives GSO super-frames (opened with vnet headers and offloads). */
  readonly offload: boolean;
  /** gso_size per pool slot (the driver's table, set when it installs a flow). */
  gsoTable: Uint16Array | null = null;
  /** IP MTU of the router interface on this port (segment sizes are clamped to it). */
  mtu = 1500;
  private readonly rxHdrs: Uint8Array;
  private readonly txHdrs: Uint8Array;

  constructor(name: string, opts: TapOptions = {}) {
    this.tap = loadTapAddon();
    this.persist = opts.persist === true;
    this.offload = opts.offload === true;
    const queues = opts.queues ?? 1;
    if (!Number.isInteger(queues) || queues < 1 || queues > 256) throw new RangeError(`queues must be 1..256, got ${queues}`);
    const multiQueue = opts.multiQueue === true || queues > 1;
    const fds: number[] = [];
    let device = name;
    try {
      for (let q = 0; q < queues; q++) {
        // the first open makes (or attaches to) the device; the others attach further queues to it by name
        const r = this.tap.open(q === 0 ? name : device, { persist: this.persist, multiQueue, vnetHdr: this.offload, ...(q > 0 ? { noUp: true } : {}) });
        fds.push(r.fd);
        device = r.name;
        if (this.offload) {
          const rc = this.tap.setOffload(r.fd, TunOffload.CSUM | TunOffload.TSO4 | TunOffload.TSO_ECN);
          if (rc < 0) throw new Error(`TUNSETOFFLOAD ${device}: ${this.tap.strerror(rc)}`);
        }
      }
    } catch (e) {
      for (const fd of fds) this.tap.close(fd);
      throw e;
    }
    this.fds = fds;
    this.fd = fds[0]!;
    this.device = device;
    this.batch = opts.batch ?? 64;
    this.txQueue = new Uint8Array(queues > 1 ? 256 : 0);
    this.txSlots = new Uint32Array(queues > 1 ? 256 : 0);
    this.txLeft = new Uint32Array(queues > 1 ? 256 : 0);
    this.rxHdrs = new Uint8Array(this.offload ? this.batch * VNET_HDR_LEN : 0);
    this.txHdrs = new Uint8Array(this.offload ? 256 * VNET_HDR_LEN : 0);
    this.offsets = new Int32Array(this.batch);
    this.lengths = new Int32Array(this.batch);
    this.txOffsets = new Int32Array(256);
    this.txLengths = new Int32Array(256);
  }

  watch(ready: () => void): void {
    if (this.watchHandles.length === 0 && !this.closed) this.watchHandles = this.fds.map((fd) => this.tap.watch(fd, () => ready()));
  }

  /**
   * Read up to `max` waiting frames into fresh pool slots (their numbers into `out` from `at`): len and
   * wireLen are set, the rest of the metadata is the caller's. Returns how many; 0 when none waits (or the
   * pool has no free slot), -1 on a device error (in `lastError`).
   */
  read(pool: PacketPool, out: Uint32Array, at: number, max: number): number {
    const fds = this.fds;
    if (fds.length === 1) return this.readQueue(fds[0]!, pool, out, at, max);
    // several queues: from the next one round, each read filling what the previous left
    const first = this.rxNext;
    this.rxNext = first + 1 === fds.length ? 0 : first + 1;
    let got = 0;
    for (let i = 0; i < fds.length && got < max; i++) {
      const q = first + i < fds.length ? first + i : first + i - fds.length;
      const n = this.readQueue(fds[q]!, pool, out, at + got, max - got);
      if (n < 0) return got > 0 ? got : -1;
      got += n;
    }
    return got;
  }

  /** `read` on one queue's fd. */
  private readQueue(fd: number, pool: PacketPool, out: Uint32Array, at: number, max: number): number {
    const k = Math.min(max, this.batch, pool.available);
    if (k <= 0) return 0;
    const offs = this.offsets;
    for (let i = 0; i < k; i++) {
      const slot = pool.alloc();
      out[at + i] = slot;
      offs[i] = pool.frameOffset(slot);
    }
    const n = this.offload
      ? this.tap.readBatchV(fd, pool.bytes, offs, pool.maxFrame, this.lengths, k, this.rxHdrs)
      : this.tap.readBatch(fd, pool.bytes, offs, pool.maxFrame, this.lengths, k);
    const got = n < 0 ? 0 : n;
    const m = pool.meta;
    for (let i = 0; i < got; i++) {
      const slot = out[at + i]!;
      m.len[slot] = this.lengths[i]!;
      m.wireLen[slot] = this.lengths[i]!;
    }
    if (this.offload) {
      // Checksums are complete (readBatchV); TCPv4 super-frames are marked with their segment size.
      const h = this.rxHdrs;
      const table = this.gsoTable;
      for (let i = 0; i < got; i++) {
        if ((vnetGsoType(h, i * VNET_HDR_LEN) & ~VnetGso.ECN) !== VnetGso.TCPV4) continue;
        const slot = out[at + i]!;
        m.flags[slot] = m.flags[slot]! | PktFlag.GSO;
        if (table !== null) table[slot] = vnetGsoSize(h, i * VNET_HDR_LEN);
      }
    }
    // Slots not filled go back, newest first, so the free list is as it was.
    for (let i = k - 1; i >= got; i--) pool.free(out[at + i]!);
    if (n < 0) {
      this.lastError = this.tap.strerror(n);
      return -1;
    }
    return got;
  }

  /**
   * Write the frames in `slots[0..n)`; returns how many the device took (the rest: the device is full or
   * down, the caller counts them as tx drops). The slots stay the caller's.
   */
  write(pool: PacketPool, slots: Uint32Array, n: number): number {
    const fds = this.fds;
    if (fds.length === 1) return this.writeQueue(fds[0]!, pool, slots, 0, n);
    // several queues: each frame on its flow's queue; the frames taken are moved to the front of `slots`
    // (the caller counts slots[0..taken) as sent), the rest after them
    if (this.txQueue.length < n) this.growTx(n);
    const qOf = this.txQueue;
    const m = pool.meta;
    for (let i = 0; i < n; i++) {
      const s = slots[i]!;
      qOf[i] = frameShard(pool.bytes, pool.frameOffset(s), m.len[s]!) % fds.length;
    }
    const grouped = this.txSlots;
    const left = this.txLeft;
    let taken = 0;
    let nLeft = 0;
    let at = 0;
    for (let q = 0; q < fds.length; q++) {
      let c = 0;
      for (let i = 0; i < n; i++) if (qOf[i] === q) grouped[at + c++] = slots[i]!;
      if (c === 0) continue;
      const w = this.writeQueue(fds[q]!, pool, grouped, at, c);
      taken += w;
      for (let i = w; i < c; i++) left[nLeft++] = grouped[at + i]!;
      // the taken ones stay in grouped[at .. at + w): pack them
      at += w;
    }
    slots.set(grouped.subarray(0, taken), 0);
    slots.set(left.subarray(0, nLeft), taken);
    return taken;
  }

  /** Room for a write of `n` frames on several queues (grown rarely: the driver's queues are pool-sized). */
  private growTx(n: number): void {
    const size = Math.max(n, this.txQueue.length * 2, 256);
    this.txQueue = new Uint8Array(size);
    this.txSlots = new Uint32Array(size);
    this.txLeft = new Uint32Array(size);
  }

  /** `write` on one queue's fd, of `slots[from .. from + n)`. */
  private writeQueue(fd: number, pool: PacketPool, slots: Uint32Array, from: number, n: number): number {
    let sent = 0;
    const m = pool.meta;
    while (sent < n) {
      const k = Math.min(n - sent, this.txOffsets.length);
      for (let i = 0; i < k; i++) {
        const slot = slots[from + sent + i]!;
        this.txOffsets[i] = pool.frameOffset(slot);
        this.txLengths[i] = m.len[slot]!;
      }
      let w: number;
      if (this.offload) {
        const table = this.gsoTable;
        for (let i = 0; i < k; i++) {
          const slot = slots[from + sent + i]!;
          const mss = (m.flags[slot]! & PktFlag.GSO) !== 0 ? gsoSegmentSize(pool, slot, table !== null ? table[slot]! : 0, this.mtu) : 0;
          fillVnetHdr(pool, slot, mss, this.txHdrs, i * VNET_HDR_LEN);
        }
        w = this.tap.writeBatchV(fd, pool.bytes, this.txOffsets, this.txLengths, k, this.txHdrs);
      } else w = this.tap.writeBatch(fd, pool.bytes, this.txOffsets, this.txLengths, k);
      if (w < 0) {
        this.lastError = this.tap.strerror(w);
        break;
      }
      sent += w;
      if (w < k) break;
    }
    return sent;
  }

  /**
   * Stop watching and close the fd: a device this port created goes away, unless it was opened `persist`
   * (or existed already as a persistent device: that one is the user's and stays).
   */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    for (const h of this.watchHandles) this.tap.unwatch(h);
    this.watchHandles = [];
    for (const fd of this.fds) this.tap.close(fd);
  }
}
