/**
 * Streaming capture writers, to a file (buffered, `fs.writeSync` in 1 MiB chunks) or to memory (`bytes()`).
 *
 * PcapWriter writes classic pcap (draft-ietf-opsawg-pcap): the 24-byte header from PcapWriterOptions, then
 * one 16-byte record header + data per `writeRecord`. PcapngWriter writes pcapng (draft-ietf-opsawg-pcapng):
 * a Section Header Block at creation (and at each `newSection`), Interface Description Blocks from
 * `addInterface`, Enhanced Packet Blocks from `writePacket`, Simple Packet Blocks, and raw blocks.
 *
 * Field values come from the caller; wrong arguments (out-of-range integers, a slice past the end of `data`,
 * an unknown interface, writing after close) are programmer errors and throw RangeError/Error.
 *
 * `writeRecord`/`writePacket` take (sec, nsec) and cut capLen to the snaplen (origLen kept). The `...Raw`
 * variants take the stored timestamp words (CaptureReader.rawTsHigh/rawTsLow) and write capLen as given:
 * they are what byte-exact rewrites use (see copy.ts).
 *
 * "Raw options" arguments are complete options areas written verbatim (including an opt_endofopt if
 * wanted), zero-padded to a multiple of 4 — exactly what the reader exposes as `options`/`optionsOffset`.
 */
import {
  BT_EPB, BT_IDB, BT_SHB, BT_SPB, IF_NAME, IF_TSOFFSET, IF_TSRESOL, MAX_RECORD, OPT_ENDOFOPT,
  PCAP_MAGIC_NSEC, PCAP_MAGIC_USEC, PCAPNG_BOM, pad4,
} from './format';
import { LINKTYPE_ETHERNET } from './linktype';
import { ByteSink } from './sink';
import { tsResolution, type TsResolution } from './ts';

const P32 = 4294967296;
const TWO63 = 9223372036854775808;
const TWO64 = 18446744073709551616;
const EMPTY = new Uint8Array(0);

function isU32(n: number): boolean {
  return n >>> 0 === n;
}

function checkSlice(data: Uint8Array, off: number, len: number): void {
  if (!Number.isInteger(off) || off < 0 || !Number.isInteger(len) || len < 0 || off + len > data.length) {
    throw new RangeError(`data slice [${off}, ${off}+${len}) is outside the ${data.length}-byte array`);
  }
  if (len > MAX_RECORD) throw new RangeError(`record of ${len} bytes exceeds the ${MAX_RECORD}-byte limit`);
}

function checkU32(name: string, n: number): void {
  if (!isU32(n)) throw new RangeError(`${name} must be an integer in 0..2^32-1, got ${n}`);
}

export interface PcapWriterOptions {
  /** The whole 32-bit LinkType field (LINKTYPE_*; upper bits = FCS info). Default 1 (Ethernet). */
  linkType?: number;
  /** Default 262144; 0 = no limit (records are then never cut). */
  snaplen?: number;
  /** Nanosecond timestamps (magic a1b23c4d) instead of microseconds. Default false. */
  nanosecond?: boolean;
  /** Write big-endian integers. Default false (little-endian). */
  bigEndian?: boolean;
  /** Default 2. */
  versionMajor?: number;
  /** Default 4. */
  versionMinor?: number;
  /** Signed GMT offset field. Default 0. */
  thiszone?: number;
  /** Default 0. */
  sigfigs?: number;
}

export class PcapWriter {
  readonly snaplen: number;
  readonly nanosecond: boolean;
  readonly bigEndian: boolean;
  private readonly sink: ByteSink;
  private readonly le: boolean;
  private closed = false;

  private constructor(sink: ByteSink, o: PcapWriterOptions) {
    this.sink = sink;
    this.snaplen = o.snaplen ?? 262144;
    this.nanosecond = o.nanosecond ?? false;
    this.bigEndian = o.bigEndian ?? false;
    this.le = !this.bigEndian;
    const linkType = o.linkType ?? LINKTYPE_ETHERNET;
    const major = o.versionMajor ?? 2;
    const minor = o.versionMinor ?? 4;
    const thiszone = o.thiszone ?? 0;
    const sigfigs = o.sigfigs ?? 0;
    checkU32('snaplen', this.snaplen);
    checkU32('linkType', linkType);
    checkU32('sigfigs', sigfigs);
    if (!Number.isInteger(major) || major < 0 || major > 0xffff) throw new RangeError(`versionMajor must be 0..65535, got ${major}`);
    if (!Number.isInteger(minor) || minor < 0 || minor > 0xffff) throw new RangeError(`versionMinor must be 0..65535, got ${minor}`);
    if (!Number.isInteger(thiszone) || thiszone < -0x80000000 || thiszone > 0x7fffffff) {
      throw new RangeError(`thiszone must be a signed 32-bit integer, got ${thiszone}`);
    }
    sink.reserve(24);
    const v = sink.view;
    const p = sink.pos;
    const le = this.le;
    v.setUint32(p, this.nanosecond ? PCAP_MAGIC_NSEC : PCAP_MAGIC_USEC, le);
    v.setUint16(p + 4, major, le);
    v.setUint16(p + 6, minor, le);
    v.setInt32(p + 8, thiszone, le);
    v.setUint32(p + 12, sigfigs, le);
    v.setUint32(p + 16, this.snaplen, le);
    v.setUint32(p + 20, linkType, le);
    sink.pos = p + 24;
  }

  /** Create (or truncate) `path` and write the file header. */
  static toFile(path: string, opts: PcapWriterOptions = {}): PcapWriter {
    const sink = ByteSink.toFile(path);
    try {
      return new PcapWriter(sink, opts);
    } catch (e) {
      sink.close();
      throw e;
    }
  }

  static toMemory(opts: PcapWriterOptions = {}): PcapWriter {
    return new PcapWriter(ByteSink.toMemory(), opts);
  }

  /**
   * Append a record: `capLen` bytes of `data` from `off`, cut to the snaplen; `origLen` is the wire length.
   * tsNsec is rounded down to microseconds unless the writer is nanosecond.
   */
  writeRecord(data: Uint8Array, off: number, capLen: number, origLen: number, tsSec: number, tsNsec: number): void {
    if (!Number.isInteger(tsNsec) || tsNsec < 0 || tsNsec >= 1e9) {
      throw new RangeError(`tsNsec must be an integer in 0..999999999, got ${tsNsec}`);
    }
    const cap = this.snaplen !== 0 && capLen > this.snaplen ? this.snaplen : capLen;
    this.writeRecordRaw(data, off, cap, origLen, tsSec, this.nanosecond ? tsNsec : Math.floor(tsNsec / 1000));
  }

  /** Append a record with the timestamp fields as stored (seconds, fraction in the file's unit); no cut. */
  writeRecordRaw(data: Uint8Array, off: number, capLen: number, origLen: number, tsHigh: number, tsLow: number): void {
    if (this.closed) throw new Error('PcapWriter is closed');
    checkSlice(data, off, capLen);
    checkU32('origLen', origLen);
    checkU32('timestamp seconds', tsHigh);
    checkU32('timestamp fraction', tsLow);
    const sink = this.sink;
    sink.reserve(16);
    const v = sink.view;
    const p = sink.pos;
    const le = this.le;
    v.setUint32(p, tsHigh, le);
    v.setUint32(p + 4, tsLow, le);
    v.setUint32(p + 8, capLen, le);
    v.setUint32(p + 12, origLen, le);
    sink.pos = p + 16;
    sink.put(data, off, capLen);
  }

  /** Total bytes written so far. */
  get length(): number {
    return this.sink.length;
  }

  /** In-memory writers: the file so far (a view of the writer's buffer, valid until the next write). */
  bytes(): Uint8Array {
    return this.sink.bytes();
  }

  /** Flush; file writers close their file. Idempotent. */
  close(): void {
    this.closed = true;
    this.sink.close();
  }
}

export interface PcapngSectionOptions {
  /** Write this section big-endian. Default false. */
  bigEndian?: boolean;
  /** The SHB's complete options area, verbatim. Default: none. */
  shbOptions?: Uint8Array;
  /** Default 1. */
  versionMajor?: number;
  /** Default 0. */
  versionMinor?: number;
  /** Section length field; default -1 (unspecified). Any integer in -2^63..2^64-1 (stored modulo 2^64). */
  sectionLength?: number;
}

export interface PcapngInterfaceOptions {
  linkType: number;
  /** Default 0 (no limit). */
  snaplen?: number;
  /** if_tsresol byte (default 6 = microseconds); written as an option when given. */
  tsresol?: number;
  /** if_tsoffset in seconds; written as an option when given. */
  tsoffset?: number;
  /** if_name; written as an option when given. */
  name?: string;
  /** The IDB's reserved 16-bit field. Default 0. */
  reserved?: number;
  /**
   * Option bytes written verbatim after the name/tsresol/tsoffset options (if any); they end the options
   * area, so include an opt_endofopt if you want one (without rawOptions the writer adds it). For a byte-exact
   * copy pass the reader's `options` alone. Unless tsresol/tsoffset are given, the writer takes if_tsresol
   * and if_tsoffset from here to convert `writePacket` timestamps.
   */
  rawOptions?: Uint8Array;
}

interface WriterInterface {
  snaplen: number;
  ts: TsResolution;
  tsoffset: number;
}

export class PcapngWriter {
  private readonly sink: ByteSink;
  private le = true;
  private interfaces: WriterInterface[] = [];
  private closed = false;

  private constructor(sink: ByteSink, section: PcapngSectionOptions) {
    this.sink = sink;
    this.newSection(section);
  }

  /** Create (or truncate) `path` and write the first Section Header Block. */
  static toFile(path: string, opts: PcapngSectionOptions = {}): PcapngWriter {
    const sink = ByteSink.toFile(path);
    try {
      return new PcapngWriter(sink, opts);
    } catch (e) {
      sink.close();
      throw e;
    }
  }

  static toMemory(opts: PcapngSectionOptions = {}): PcapngWriter {
    return new PcapngWriter(ByteSink.toMemory(), opts);
  }

  /** Number of interfaces in the current section. */
  get interfaceCount(): number {
    return this.interfaces.length;
  }

  /** Start a new section (new SHB; possibly another byte order). Interface ids restart at 0. */
  newSection(o: PcapngSectionOptions = {}): void {
    this.checkOpen();
    const opts = o.shbOptions ?? EMPTY;
    const major = o.versionMajor ?? 1;
    const minor = o.versionMinor ?? 0;
    const slen = o.sectionLength ?? -1;
    if (!Number.isInteger(major) || major < 0 || major > 0xffff) throw new RangeError(`versionMajor must be 0..65535, got ${major}`);
    if (!Number.isInteger(minor) || minor < 0 || minor > 0xffff) throw new RangeError(`versionMinor must be 0..65535, got ${minor}`);
    if (!Number.isInteger(slen) || slen < -TWO63 || slen >= TWO64) {
      throw new RangeError(`sectionLength must be an integer in -2^63..2^64-1, got ${slen}`);
    }
    this.le = !(o.bigEndian ?? false);
    this.interfaces = [];
    const le = this.le;
    const len = 28 + opts.length + pad4(opts.length);
    const sink = this.sink;
    sink.reserve(24);
    const v = sink.view;
    const p = sink.pos;
    v.setUint32(p, BT_SHB, le);
    v.setUint32(p + 4, len, le);
    v.setUint32(p + 8, PCAPNG_BOM, le);
    v.setUint16(p + 12, major, le);
    v.setUint16(p + 14, minor, le);
    // two's complement modulo 2^64
    const hi = Math.floor(slen / P32);
    const lo = slen - hi * P32;
    v.setUint32(p + (le ? 20 : 16), (hi < 0 ? hi + P32 : hi) >>> 0, le);
    v.setUint32(p + (le ? 16 : 20), lo, le);
    sink.pos = p + 24;
    this.finishBlock(opts, len);
  }

  /** Write an Interface Description Block; returns the interface id (0, 1, ... within the section). */
  addInterface(i: PcapngInterfaceOptions): number {
    this.checkOpen();
    const le = this.le;
    const snaplen = i.snaplen ?? 0;
    const reserved = i.reserved ?? 0;
    if (!Number.isInteger(i.linkType) || i.linkType < 0 || i.linkType > 0xffff) throw new RangeError(`linkType must be 0..65535, got ${i.linkType}`);
    if (!Number.isInteger(reserved) || reserved < 0 || reserved > 0xffff) throw new RangeError(`reserved must be 0..65535, got ${reserved}`);
    checkU32('snaplen', snaplen);
    // conversion parameters: the explicit ones, else those found in rawOptions, else the defaults
    let tsresol = i.tsresol;
    let tsoffset = i.tsoffset;
    const raw = i.rawOptions;
    if (raw !== undefined) {
      const dv = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
      for (let o = 0; o + 4 <= raw.length; ) {
        const code = dv.getUint16(o, le);
        const olen = dv.getUint16(o + 2, le);
        if (code === OPT_ENDOFOPT || o + 4 + olen > raw.length) break;
        if (code === IF_TSRESOL && olen >= 1 && i.tsresol === undefined) tsresol = raw[o + 4];
        else if (code === IF_TSOFFSET && olen >= 8 && i.tsoffset === undefined) {
          tsoffset = le ? dv.getInt32(o + 8, le) * P32 + dv.getUint32(o + 4, le) : dv.getInt32(o + 4, le) * P32 + dv.getUint32(o + 8, le);
        }
        o += 4 + olen + pad4(olen);
      }
    }
    const opts = this.buildInterfaceOptions(i);
    const ts = tsResolution(tsresol ?? 6);
    const len = 20 + opts.length + pad4(opts.length);
    const sink = this.sink;
    sink.reserve(16);
    const v = sink.view;
    const p = sink.pos;
    v.setUint32(p, BT_IDB, le);
    v.setUint32(p + 4, len, le);
    v.setUint16(p + 8, i.linkType, le);
    v.setUint16(p + 10, reserved, le);
    v.setUint32(p + 12, snaplen, le);
    sink.pos = p + 16;
    this.finishBlock(opts, len);
    return this.interfaces.push({ snaplen, ts, tsoffset: tsoffset ?? 0 }) - 1;
  }

  /**
   * Append an Enhanced Packet Block: `capLen` bytes of `data` from `off` (cut to the interface's snaplen),
   * timestamp converted to the interface's if_tsresol (rounded down) after subtracting its if_tsoffset.
   */
  writePacket(
    ifIndex: number, data: Uint8Array, off: number, capLen: number, origLen: number, tsSec: number, tsNsec: number,
    rawOptions?: Uint8Array,
  ): void {
    const ifc = this.iface(ifIndex);
    ifc.ts.encode(tsSec - ifc.tsoffset, tsNsec);
    const cap = ifc.snaplen !== 0 && capLen > ifc.snaplen ? ifc.snaplen : capLen;
    this.writePacketRaw(ifIndex, data, off, cap, origLen, ifc.ts.hi, ifc.ts.lo, rawOptions);
  }

  /** Append an Enhanced Packet Block with the timestamp as stored (high, low words of the unit count); no cut. */
  writePacketRaw(
    ifIndex: number, data: Uint8Array, off: number, capLen: number, origLen: number, tsHigh: number, tsLow: number,
    rawOptions?: Uint8Array,
  ): void {
    this.iface(ifIndex);
    checkSlice(data, off, capLen);
    checkU32('origLen', origLen);
    checkU32('timestamp high', tsHigh);
    checkU32('timestamp low', tsLow);
    const opts = rawOptions ?? EMPTY;
    const dpad = pad4(capLen);
    const len = 32 + capLen + dpad + opts.length + pad4(opts.length);
    const sink = this.sink;
    sink.reserve(28);
    const v = sink.view;
    const p = sink.pos;
    const le = this.le;
    v.setUint32(p, BT_EPB, le);
    v.setUint32(p + 4, len, le);
    v.setUint32(p + 8, ifIndex, le);
    v.setUint32(p + 12, tsHigh, le);
    v.setUint32(p + 16, tsLow, le);
    v.setUint32(p + 20, capLen, le);
    v.setUint32(p + 24, origLen, le);
    sink.pos = p + 28;
    sink.put(data, off, capLen);
    sink.zeros(dpad);
    this.finishBlock(opts, len);
  }

  /**
   * Append a Simple Packet Block (interface 0, no timestamp). Readers take its captured length to be
   * min(origLen, snaplen of interface 0), so capLen (after the cut to that snaplen) must equal it.
   */
  writeSimplePacket(data: Uint8Array, off: number, capLen: number, origLen: number): void {
    const ifc = this.iface(0);
    checkSlice(data, off, capLen);
    checkU32('origLen', origLen);
    const cap = ifc.snaplen !== 0 && capLen > ifc.snaplen ? ifc.snaplen : capLen;
    const implied = ifc.snaplen !== 0 && ifc.snaplen < origLen ? ifc.snaplen : origLen;
    if (cap !== implied) {
      throw new RangeError(`a simple packet block cannot carry ${cap} of ${origLen} bytes (readers would take ${implied})`);
    }
    const len = 16 + cap + pad4(cap);
    const sink = this.sink;
    sink.reserve(12);
    const v = sink.view;
    const p = sink.pos;
    const le = this.le;
    v.setUint32(p, BT_SPB, le);
    v.setUint32(p + 4, len, le);
    v.setUint32(p + 8, origLen, le);
    sink.pos = p + 12;
    sink.put(data, off, cap);
    sink.zeros(pad4(cap));
    this.finishBlock(EMPTY, len);
  }

  /**
   * Append any other block verbatim: `type`, then the body `body[off .. off+len)` (zero-padded to 4), in the
   * current section's byte order. The body must already be in that byte order. SHB and IDB are refused
   * (use newSection/addInterface, which keep the writer's interface table right).
   */
  writeBlock(type: number, body: Uint8Array, off = 0, len = body.length - off): void {
    this.checkOpen();
    checkU32('block type', type);
    if (type === BT_SHB || type === BT_IDB) throw new Error('writeBlock: use newSection()/addInterface() for SHB and IDB blocks');
    if (!Number.isInteger(off) || off < 0 || !Number.isInteger(len) || len < 0 || off + len > body.length) {
      throw new RangeError(`body slice [${off}, ${off}+${len}) is outside the ${body.length}-byte array`);
    }
    const total = 12 + len + pad4(len);
    const sink = this.sink;
    sink.reserve(8);
    const v = sink.view;
    const p = sink.pos;
    v.setUint32(p, type, this.le);
    v.setUint32(p + 4, total, this.le);
    sink.pos = p + 8;
    this.finishBlock(body.subarray(off, off + len), total);
  }

  /** Total bytes written so far. */
  get length(): number {
    return this.sink.length;
  }

  /** In-memory writers: the file so far (a view of the writer's buffer, valid until the next write). */
  bytes(): Uint8Array {
    return this.sink.bytes();
  }

  /** Flush; file writers close their file. Idempotent. */
  close(): void {
    this.closed = true;
    this.sink.close();
  }

  private checkOpen(): void {
    if (this.closed) throw new Error('PcapngWriter is closed');
  }

  private iface(ifIndex: number): WriterInterface {
    this.checkOpen();
    const ifc = this.interfaces[ifIndex];
    if (ifc === undefined || !Number.isInteger(ifIndex)) {
      throw new RangeError(`interface ${ifIndex} has not been added in this section (${this.interfaces.length} interface(s))`);
    }
    return ifc;
  }

  /** Append the options area (padded) and the trailing length. */
  private finishBlock(opts: Uint8Array, len: number): void {
    const sink = this.sink;
    if (opts.length > 0) {
      sink.put(opts, 0, opts.length);
      sink.zeros(pad4(opts.length));
    }
    sink.reserve(4);
    sink.view.setUint32(sink.pos, len, this.le);
    sink.pos += 4;
  }

  /** name, tsresol, tsoffset options, then rawOptions verbatim or opt_endofopt. */
  private buildInterfaceOptions(i: PcapngInterfaceOptions): Uint8Array {
    const name = i.name !== undefined ? new TextEncoder().encode(i.name) : null;
    if (name !== null && name.length > 0xffff) throw new RangeError('interface name longer than 65535 bytes');
    if (i.tsresol !== undefined && (!Number.isInteger(i.tsresol) || i.tsresol < 0 || i.tsresol > 255)) {
      throw new RangeError(`tsresol must be a byte, got ${i.tsresol}`);
    }
    if (i.tsoffset !== undefined && !Number.isSafeInteger(i.tsoffset)) throw new RangeError(`tsoffset must be a safe integer, got ${i.tsoffset}`);
    const raw = i.rawOptions;
    let size = 0;
    if (name !== null) size += 4 + name.length + pad4(name.length);
    if (i.tsresol !== undefined) size += 8;
    if (i.tsoffset !== undefined) size += 12;
    if (size === 0) return raw ?? EMPTY;
    const tail = raw !== undefined ? raw.length + pad4(raw.length) : 4;
    const out = new Uint8Array(size + tail);
    const v = new DataView(out.buffer);
    const le = this.le;
    let o = 0;
    if (name !== null) {
      v.setUint16(o, IF_NAME, le);
      v.setUint16(o + 2, name.length, le);
      out.set(name, o + 4);
      o += 4 + name.length + pad4(name.length);
    }
    if (i.tsresol !== undefined) {
      v.setUint16(o, IF_TSRESOL, le);
      v.setUint16(o + 2, 1, le);
      out[o + 4] = i.tsresol;
      o += 8;
    }
    if (i.tsoffset !== undefined) {
      const t = i.tsoffset;
      const hi = Math.floor(t / P32);
      const lo = t - hi * P32;
      v.setUint16(o, IF_TSOFFSET, le);
      v.setUint16(o + 2, 8, le);
      v.setUint32(o + (le ? 8 : 4), hi >>> 0, le);
      v.setUint32(o + (le ? 4 : 8), lo, le);
      o += 12;
    }
    if (raw !== undefined) out.set(raw, o); // else the zeroed tail is opt_endofopt
    return out;
  }
}
