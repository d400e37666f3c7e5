/**
 * pcap port: an existing Linux interface (a veth end, a NIC) used as a router port through libpcap, with the
 * npm package `cap`.
 *
 * `cap` hands over one frame per JavaScript call, in one shared buffer that the next frame overwrites, so
 * each frame is copied once, into a pool slot, while its 'packet' event runs (the driver's `ready` reads it
 * at once). Capture is inbound-only (the `inbound` filter: PACKET_OUTGOING frames are not delivered), so the
 * frames this port injects with `send` are not read back as if they had arrived. Sending copies the frame
 * from its slot into one reusable buffer (`cap.send` starts at byte 0 of a buffer).
 *
 * The interface must not change frames on their way up or down, or the router sees what the wire never
 * carried: turn off offloads that merge or split frames (`ethtool -K IF gro off gso off tso off lro off`)
 * and, on veth, transmit checksum offload (`tx off`; otherwise the peer's frames arrive with partial
 * checksums). README "Live" lists the commands.
 */
import type { PacketPool } from '../buf/pool';
import type { LivePort } from './live';

/** Node's native Buffer copy on plain Uint8Arrays: one range, no view object per frame (as buf/pool.ts). */
const copyBytes = Buffer.prototype.copy as (this: Uint8Array, target: Uint8Array, targetStart: number, sourceStart: number, sourceEnd: number) => number;

interface CapSession {
  open(device: string, filter: string, bufSize: number, buffer: Buffer): string;
  on(event: 'packet', fn: (nbytes: number, truncated: boolean) => void): void;
  send(buffer: Buffer, nbytes?: number): void;
  close(): void;
}

let capModule: { Cap: new () => CapSession } | null = null;

/** The `cap` binding (a dependency; it needs libpcap-dev to build). */
function loadCap(): { Cap: new () => CapSession } {
  if (capModule === null) {
    try {
      capModule = require('cap') as { Cap: new () => CapSession };
    } catch (e) {
      throw new Error(`the cap package (libpcap binding) is not available: ${(e as Error).message}`);
    }
  }
  return capModule;
}

const LINK_ETHERNET = 'ETHERNET';

export interface PcapPortOptions {
  /** libpcap's kernel buffer (default 8 MiB). */
  bufferSize?: number;
}

export class PcapPort implements LivePort {
  readonly kind = 'pcap';
  readonly device: string;
  private readonly cap: CapSession;
  private readonly rxBuf: Buffer;
  private readonly txBuf: Buffer;
  /** Bytes of the frame in rxBuf while its 'packet' event runs (-1: none waiting). */
  private pending = -1;
  private pendingTruncated = false;
  private ready: (() => void) | null = null;
  private closed = false;
  lastError: string | null = null;
  /** Frames that did not fit the capture buffer (counted, not delivered). */
  truncated = 0;

  constructor(device: string, opts: PcapPortOptions = {}) {
    const { Cap } = loadCap();
    this.device = device;
    this.cap = new Cap();
    this.rxBuf = Buffer.alloc(65536);
    this.txBuf = Buffer.alloc(65536);
    const link = this.cap.open(device, 'inbound', opts.bufferSize ?? 8 << 20, this.rxBuf);
    if (link !== LINK_ETHERNET) {
      this.cap.close();
      throw new Error(`${device}: link type ${link}, not Ethernet`);
    }
    this.cap.on('packet', (nbytes, truncated) => {
      if (this.closed) return;
      this.pending = nbytes;
      this.pendingTruncated = truncated;
      this.ready?.();
      this.pending = -1;
    });
  }

  watch(ready: () => void): void {
    this.ready = ready;
  }

  /** The frame of the 'packet' event being handled, copied into a fresh slot; 0 when none is waiting. */
  read(pool: PacketPool, out: Uint32Array, at: number, max: number): number {
    const n = this.pending;
    if (n < 0 || max <= 0) return 0;
    this.pending = -1;
    if (this.pendingTruncated || n > pool.maxFrame) {
      this.truncated++;
      return 0;
    }
    const slot = pool.alloc();
    if (slot < 0) return 0;
    pool.write(slot, this.rxBuf, 0, n);
    out[at] = slot;
    return 1;
  }

  write(pool: PacketPool, slots: Uint32Array, n: number): number {
    let sent = 0;
    const m = pool.meta;
    for (; sent < n; sent++) {
      const slot = slots[sent]!;
      const off = pool.frameOffset(slot);
      const len = m.len[slot]!;
      copyBytes.call(pool.bytes, this.txBuf, 0, off, off + len);
      try {
        this.cap.send(this.txBuf, len);
      } catch (e) {
        this.lastError = (e as Error).message;
        break;
      }
    }
    return sent;
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.ready = null;
    this.cap.close();
  }
}
