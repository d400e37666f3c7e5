/**
 * pcapng reader (draft-ietf-opsawg-pcapng).
 *
 * Every block is `type(4) total_length(4) body total_length(4)`; total_length is a multiple of 4, at least
 * 12, and repeated at the end (both copies are checked). Blocks read here:
 * - Section Header Block (0x0A0D0D0A): byte-order magic 0x1A2B3C4D (either byte order; each section may
 *   change it), version 1.x, 64-bit section length (-1 = unspecified), options. Starts a new section: the
 *   interface list restarts and `sectionIndex` increments.
 * - Interface Description Block (1): LinkType(2) reserved(2) SnapLen(4) options; if_tsresol (9) and
 *   if_tsoffset (14) set how its packets' timestamps are read, if_name (2) is kept for display.
 * - Enhanced Packet Block (6): interface id, 64-bit timestamp (high, low), captured and original length,
 *   data padded to 4, options.
 * - Simple Packet Block (3): original length and data only. Belongs to interface 0; no timestamp
 *   (`hasTimestamp` false, tsSec = tsNsec = 0); caplen = min(original length, interface snaplen, body).
 * - obsolete Packet Block (2): like an EPB with a 16-bit interface id and a 16-bit drops count.
 * Any other block type is skipped by its length by `next()` (and delivered as BLOCK_OTHER by `nextBlock()`).
 *
 * Corruption (stops reading, error at the block's offset): bad lengths, mismatched trailing length, a bad
 * byte-order magic, an unsupported major version, a packet naming an interface the section has not described,
 * data or an IDB option overrunning its block, a block over MAX_BLOCK. Truncation: a cut anywhere inside a
 * block is an error at that block's offset (a cut inside the first SHB is an error at 0); a file that ends
 * exactly after a block ends cleanly.
 */
import { CaptureError, type CaptureReader } from './capture';
import {
  BT_EPB, BT_IDB, BT_PB, BT_SHB, BT_SPB, IF_NAME, IF_TSOFFSET, IF_TSRESOL, MAX_BLOCK, OPT_ENDOFOPT,
  PCAPNG_BOM, blockTypeName, hex32, pad4,
} from './format';
import type { ByteSource } from './source';
import { tsResolution, type TsResolution } from './ts';

/** Kinds returned by `PcapngReader.nextBlock()`. Packet kinds are >= BLOCK_EPB. */
export const BLOCK_END = 0;
export const BLOCK_SECTION = 1;
export const BLOCK_INTERFACE = 2;
export const BLOCK_OTHER = 3;
export const BLOCK_EPB = 4;
export const BLOCK_SPB = 5;
export const BLOCK_PB = 6;

export interface PcapngSection {
  /** 0-based index of the section in the file. */
  index: number;
  /** Byte offset of its SHB. */
  offset: number;
  bigEndian: boolean;
  versionMajor: number;
  versionMinor: number;
  /** Section length from the SHB; -1 when unspecified. Exact below 2^53. */
  sectionLength: number;
  /** The SHB's options area, verbatim (a copy). */
  options: Uint8Array;
}

export interface PcapngInterface {
  /** Interface id within its section (0, 1, ...). */
  id: number;
  /** Byte offset of its IDB. */
  offset: number;
  linkType: number;
  /** The IDB's reserved 16-bit field (should be 0). */
  reserved: number;
  /** 0 = no limit. */
  snaplen: number;
  /** The if_tsresol byte; 6 (microseconds) when the option is absent. */
  tsresol: number;
  /** if_tsoffset in seconds (added to every timestamp); 0 when absent. */
  tsoffset: number;
  /** if_name, or null. */
  name: string | null;
  /** The IDB's options area, verbatim (a copy). */
  options: Uint8Array;
  /** Timestamp converter for `tsresol`. */
  ts: TsResolution;
}

const EMPTY = new Uint8Array(0);
const utf8 = new TextDecoder('utf-8');
const P32 = 4294967296;

export class PcapngReader implements CaptureReader {
  readonly format = 'pcapng' as const;
  data: Uint8Array = EMPTY;
  dataOffset = 0;
  capLen = 0;
  origLen = 0;
  tsSec = 0;
  tsNsec = 0;
  hasTimestamp = false;
  rawTsHigh = 0;
  rawTsLow = 0;
  ifIndex = 0;
  linkType = 0;
  /** Index of the current section; -1 before the first SHB has been read. */
  sectionIndex = -1;
  recordOffset = 0;
  error: CaptureError | null = null;

  /** Type of the last block returned by nextBlock()/next(). */
  blockType = 0;
  /** Byte offset in the file of that block. */
  blockOffset = 0;
  /** The last block's body (between the two length fields) is `data[bodyOffset .. bodyOffset + bodyLength)`. */
  bodyOffset = 0;
  bodyLength = 0;
  /** Packet blocks: the options area after the padded data, `data[optionsOffset .. + optionsLength)`. */
  optionsOffset = 0;
  optionsLength = 0;
  /** Obsolete Packet Block: its drops count (else 0). */
  dropsCount = 0;
  /** The current section, null before the first SHB. */
  section: PcapngSection | null = null;
  /** The current section's interfaces, by id. A new array per section. */
  interfaces: PcapngInterface[] = [];

  private readonly src: ByteSource;
  private le = true;
  private done = false;

  constructor(src: ByteSource) {
    this.src = src;
  }

  /** Advance to the next packet (EPB, SPB or PB), reading SHBs and IDBs on the way and skipping other blocks. */
  next(): boolean {
    for (;;) {
      const k = this.step(false);
      if (k >= BLOCK_EPB) return true;
      if (k === BLOCK_END) return false;
    }
  }

  /**
   * Advance one block and return its kind (BLOCK_*). Packet blocks fill the record fields as `next()` does;
   * BLOCK_SECTION updates `section` (and empties `interfaces`); BLOCK_INTERFACE appends to `interfaces`;
   * BLOCK_OTHER only sets `blockType` and the body range. BLOCK_END at the end or on error.
   */
  nextBlock(): number {
    return this.step(true);
  }

  close(): void {
    this.done = true;
    this.src.close();
  }

  private step(whole: boolean): number {
    if (this.done) return BLOCK_END;
    const src = this.src;
    let p = src.pos;
    if (src.end - p < 12) {
      if (!src.fill(12)) {
        const left = src.end - src.pos;
        const off = src.base + src.pos;
        if (left === 0 && this.sectionIndex >= 0) {
          this.close();
          return BLOCK_END;
        }
        return this.fail(off, `truncated block at byte ${off} (need at least 12 bytes, ${left} left)`);
      }
      p = src.pos;
    }
    const off = src.base + p;
    let v = src.view;
    const le = this.le;
    const type = v.getUint32(p, le);
    if (type === BT_SHB) return this.readSection(off);
    if (this.sectionIndex < 0) {
      return this.fail(off, `corrupt file at byte ${off}: expected a section header block, found ${blockTypeName(type)}`);
    }
    const len = v.getUint32(p + 4, le);
    if (len < 12 || (len & 3) !== 0) {
      return this.fail(off, `corrupt ${blockTypeName(type)} at byte ${off}: block length ${len} is not a multiple of 4 of at least 12`);
    }
    const known = type === BT_EPB || type === BT_SPB || type === BT_IDB || type === BT_PB;
    if (!known && !whole) return this.skipBlock(off, type, len);
    if (len > MAX_BLOCK) {
      return this.fail(off, `corrupt ${blockTypeName(type)} at byte ${off}: block length ${len} exceeds the ${MAX_BLOCK}-byte limit`);
    }
    if (src.end - p < len) {
      if (!src.fill(len)) {
        return this.fail(off, `truncated ${blockTypeName(type)} at byte ${off} (need ${len} bytes, ${src.end - src.pos} left)`);
      }
      p = src.pos;
      v = src.view;
    }
    const trailer = v.getUint32(p + len - 4, le);
    if (trailer !== len) {
      return this.fail(off, `corrupt ${blockTypeName(type)} at byte ${off}: trailing length ${trailer} does not match block length ${len}`);
    }
    this.blockType = type;
    this.blockOffset = off;
    this.data = src.buf;
    this.bodyOffset = p + 8;
    this.bodyLength = len - 12;
    let kind: number;
    if (type === BT_EPB) kind = this.readEpb(off, p, len, v, le);
    else if (type === BT_SPB) kind = this.readSpb(off, p, len, v, le);
    else if (type === BT_IDB) kind = this.readIdb(off, p, len, v, le);
    else if (type === BT_PB) kind = this.readPb(off, p, len, v, le);
    else kind = BLOCK_OTHER;
    if (kind !== BLOCK_END) src.pos = p + len;
    return kind;
  }

  private readEpb(off: number, p: number, len: number, v: DataView, le: boolean): number {
    if (len < 32) return this.fail(off, `corrupt enhanced packet block at byte ${off}: block length ${len} is below the minimum of 32`);
    const id = v.getUint32(p + 8, le);
    return this.packet(off, p, len, v, le, id, 28, BLOCK_EPB);
  }

  private readPb(off: number, p: number, len: number, v: DataView, le: boolean): number {
    if (len < 32) return this.fail(off, `corrupt packet block at byte ${off}: block length ${len} is below the minimum of 32`);
    const id = v.getUint16(p + 8, le);
    const kind = this.packet(off, p, len, v, le, id, 28, BLOCK_PB);
    if (kind !== BLOCK_END) this.dropsCount = v.getUint16(p + 10, le);
    return kind;
  }

  /** EPB and PB share the layout after the interface id: ts high, ts low, caplen, origlen, data at `dataAt`. */
  private packet(off: number, p: number, len: number, v: DataView, le: boolean, id: number, dataAt: number, kind: number): number {
    const ifs = this.interfaces;
    if (id >= ifs.length) {
      return this.fail(off, `corrupt ${blockTypeName(this.blockType)} at byte ${off}: interface ${id} is not described in section ${this.sectionIndex} (${ifs.length} interface(s))`);
    }
    const capLen = v.getUint32(p + dataAt - 8, le);
    const padded = capLen + pad4(capLen);
    if (padded > len - dataAt - 4) {
      return this.fail(off, `corrupt ${blockTypeName(this.blockType)} at byte ${off}: captured length ${capLen} overruns the ${len}-byte block`);
    }
    const ifc = ifs[id];
    const th = v.getUint32(p + dataAt - 16, le);
    const tl = v.getUint32(p + dataAt - 12, le);
    const ts = ifc.ts;
    ts.decode(th, tl);
    this.tsSec = ts.sec + ifc.tsoffset;
    this.tsNsec = ts.nsec;
    this.hasTimestamp = true;
    this.rawTsHigh = th;
    this.rawTsLow = tl;
    this.capLen = capLen;
    this.origLen = v.getUint32(p + dataAt - 4, le);
    this.ifIndex = id;
    this.linkType = ifc.linkType;
    this.dataOffset = p + dataAt;
    this.optionsOffset = p + dataAt + padded;
    this.optionsLength = len - dataAt - 4 - padded;
    this.dropsCount = 0;
    this.recordOffset = off;
    return kind;
  }

  private readSpb(off: number, p: number, len: number, v: DataView, le: boolean): number {
    if (len < 16) return this.fail(off, `corrupt simple packet block at byte ${off}: block length ${len} is below the minimum of 16`);
    if (this.interfaces.length === 0) {
      return this.fail(off, `corrupt simple packet block at byte ${off}: section ${this.sectionIndex} describes no interface`);
    }
    const ifc = this.interfaces[0];
    const origLen = v.getUint32(p + 8, le);
    let capLen = len - 16;
    if (origLen < capLen) capLen = origLen;
    if (ifc.snaplen !== 0 && ifc.snaplen < capLen) capLen = ifc.snaplen;
    this.tsSec = 0;
    this.tsNsec = 0;
    this.hasTimestamp = false;
    this.rawTsHigh = 0;
    this.rawTsLow = 0;
    this.capLen = capLen;
    this.origLen = origLen;
    this.ifIndex = 0;
    this.linkType = ifc.linkType;
    this.dataOffset = p + 12;
    this.optionsOffset = p + len - 4;
    this.optionsLength = 0;
    this.dropsCount = 0;
    this.recordOffset = off;
    return BLOCK_SPB;
  }

  private readIdb(off: number, p: number, len: number, v: DataView, le: boolean): number {
    if (len < 20) return this.fail(off, `corrupt interface description block at byte ${off}: block length ${len} is below the minimum of 20`);
    const buf = this.src.buf;
    const oend = p + len - 4;
    let tsresol = 6;
    let tsoffset = 0;
    let name: string | null = null;
    for (let o = p + 16; o + 4 <= oend; ) {
      const code = v.getUint16(o, le);
      const olen = v.getUint16(o + 2, le);
      if (code === OPT_ENDOFOPT) break;
      const vend = o + 4 + olen;
      if (vend > oend) {
        return this.fail(off, `corrupt interface description block at byte ${off}: option ${code} at byte ${this.src.base + o} overruns the block`);
      }
      if (code === IF_TSRESOL && olen >= 1) tsresol = buf[o + 4];
      else if (code === IF_TSOFFSET && olen >= 8) {
        tsoffset = le ? v.getInt32(o + 8, le) * P32 + v.getUint32(o + 4, le) : v.getInt32(o + 4, le) * P32 + v.getUint32(o + 8, le);
      } else if (code === IF_NAME) {
        let e = vend;
        while (e > o + 4 && buf[e - 1] === 0) e--;
        name = utf8.decode(buf.subarray(o + 4, e));
      }
      o = vend + pad4(olen);
    }
    this.interfaces.push({
      id: this.interfaces.length,
      offset: off,
      linkType: v.getUint16(p + 8, le),
      reserved: v.getUint16(p + 10, le),
      snaplen: v.getUint32(p + 12, le),
      tsresol,
      tsoffset,
      name,
      options: buf.slice(p + 16, oend),
      ts: tsResolution(tsresol),
    });
    return BLOCK_INTERFACE;
  }

  private readSection(off: number): number {
    const src = this.src;
    let p = src.pos;
    let v = src.view;
    const bom = v.getUint32(p + 8, true);
    let le: boolean;
    if (bom === PCAPNG_BOM) le = true;
    else if (bom === 0x4d3c2b1a) le = false;
    else return this.fail(off, `corrupt section header block at byte ${off}: byte-order magic ${hex32(bom)} is not 0x1a2b3c4d in either byte order`);
    const len = v.getUint32(p + 4, le);
    if (len < 28 || (len & 3) !== 0) {
      return this.fail(off, `corrupt section header block at byte ${off}: block length ${len} is not a multiple of 4 of at least 28`);
    }
    if (len > MAX_BLOCK) {
      return this.fail(off, `corrupt section header block at byte ${off}: block length ${len} exceeds the ${MAX_BLOCK}-byte limit`);
    }
    if (src.end - p < len) {
      if (!src.fill(len)) {
        return this.fail(off, `truncated section header block at byte ${off} (need ${len} bytes, ${src.end - src.pos} left)`);
      }
      p = src.pos;
      v = src.view;
    }
    const trailer = v.getUint32(p + len - 4, le);
    if (trailer !== len) {
      return this.fail(off, `corrupt section header block at byte ${off}: trailing length ${trailer} does not match block length ${len}`);
    }
    const major = v.getUint16(p + 12, le);
    const minor = v.getUint16(p + 14, le);
    if (major !== 1) return this.fail(off, `unsupported pcapng version ${major}.${minor} in section header block at byte ${off}`);
    const w1 = v.getUint32(p + 16, le);
    const w2 = v.getUint32(p + 20, le);
    const hi = le ? w2 : w1;
    const lo = le ? w1 : w2;
    this.le = le;
    this.sectionIndex++;
    this.interfaces = [];
    this.section = {
      index: this.sectionIndex,
      offset: off,
      bigEndian: !le,
      versionMajor: major,
      versionMinor: minor,
      sectionLength: (hi >= 0x80000000 ? hi - P32 : hi) * P32 + lo,
      options: src.buf.slice(p + 24, p + len - 4),
    };
    this.blockType = BT_SHB;
    this.blockOffset = off;
    this.data = src.buf;
    this.bodyOffset = p + 8;
    this.bodyLength = len - 12;
    src.pos = p + len;
    return BLOCK_SECTION;
  }

  /** Stream past a block next() does not deliver, checking its trailing length. */
  private skipBlock(off: number, type: number, len: number): number {
    const src = this.src;
    const body = len - 4;
    const skipped = src.skip(body);
    if (skipped !== body || !src.fill(4)) {
      return this.fail(off, `truncated ${blockTypeName(type)} at byte ${off} (need ${len} bytes, ${skipped + src.end - src.pos} left)`);
    }
    const trailer = src.view.getUint32(src.pos, this.le);
    if (trailer !== len) {
      return this.fail(off, `corrupt ${blockTypeName(type)} at byte ${off}: trailing length ${trailer} does not match block length ${len}`);
    }
    src.pos += 4;
    this.blockType = type;
    this.blockOffset = off;
    this.bodyOffset = 0;
    this.bodyLength = 0;
    return BLOCK_OTHER;
  }

  private fail(offset: number, message: string): number {
    this.error = new CaptureError(offset, message);
    this.close();
    return BLOCK_END;
  }
}
