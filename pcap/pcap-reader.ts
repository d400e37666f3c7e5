/**
 * Classic pcap reader (draft-ietf-opsawg-pcap).
 *
 * File header (24 bytes): magic(4) version_major(2) version_minor(2) thiszone(4, signed) sigfigs(4)
 * snaplen(4) LinkType(4). Each record: ts_sec(4) ts_frac(4) caplen(4) origlen(4) then caplen bytes. All
 * integers are in the byte order the magic was written in; the magic also says whether ts_frac counts
 * microseconds (a1b2c3d4) or nanoseconds (a1b23c4d).
 *
 * Corruption rules: a record whose caplen exceeds the header's snaplen (snaplen 0 means "no limit") or
 * MAX_RECORD (256 MiB) stops reading with an error at the record's offset. caplen > origlen is accepted
 * (some writers produce it). The version is not checked (any version is read with the 2.4 layout; the
 * pre-2.3 swapped-length quirk is not undone). A ts_frac of a second or more is carried into `tsSec`;
 * `rawTsHigh`/`rawTsLow` keep the stored fields.
 *
 * Truncation: a file shorter than its 24-byte header is an error at offset 0; a record cut anywhere (header
 * or data) is an error at the record's offset; a file that ends exactly after a record ends cleanly.
 */
import { CaptureError, type CaptureReader } from './capture';
import {
  MAX_RECORD, PCAP_FILE_HEADER_LEN, PCAP_MAGIC_NSEC, PCAP_MAGIC_NSEC_SWAPPED, PCAP_MAGIC_USEC,
  PCAP_MAGIC_USEC_SWAPPED, PCAP_RECORD_HEADER_LEN, hex32,
} from './format';
import type { ByteSource } from './source';

const EMPTY = new Uint8Array(0);

export class PcapReader implements CaptureReader {
  readonly format = 'pcap' as const;
  data: Uint8Array = EMPTY;
  dataOffset = 0;
  capLen = 0;
  origLen = 0;
  tsSec = 0;
  tsNsec = 0;
  hasTimestamp = true;
  rawTsHigh = 0;
  rawTsLow = 0;
  ifIndex = 0;
  linkType = 0;
  sectionIndex = 0;
  recordOffset = 0;
  error: CaptureError | null = null;

  // file header
  /** The file's integers are big-endian. */
  bigEndian = false;
  /** ts_frac counts nanoseconds (magic a1b23c4d) rather than microseconds. */
  nanosecond = false;
  versionMajor = 0;
  versionMinor = 0;
  /** GMT-to-local correction in seconds as stored (signed; in practice 0). */
  thiszone = 0;
  sigfigs = 0;
  snaplen = 0;
  /** The whole 32-bit LinkType field (upper bits may carry FCS information); `linkType` is its low 26 bits. */
  linkTypeField = 0;

  private readonly src: ByteSource;
  private le = true;
  private done = false;
  /** Largest caplen accepted. */
  private maxCap = 0;
  /** ts_frac units per second, and nanoseconds per unit. */
  private fracUnit = 1e6;
  private fracScale = 1000;

  /** Reads the file header; on a bad header the reader starts in the error state. */
  constructor(src: ByteSource) {
    this.src = src;
    if (!src.fill(4)) {
      this.fail(0, `truncated file header at byte 0 (need ${PCAP_FILE_HEADER_LEN} bytes, ${src.end - src.pos} left)`);
      return;
    }
    const magic = src.view.getUint32(src.pos, false);
    if (magic === PCAP_MAGIC_USEC || magic === PCAP_MAGIC_NSEC) this.le = false;
    else if (magic === PCAP_MAGIC_USEC_SWAPPED || magic === PCAP_MAGIC_NSEC_SWAPPED) this.le = true;
    else {
      this.fail(0, `unknown capture format at byte 0 (magic ${hex32(magic)})`);
      return;
    }
    this.bigEndian = !this.le;
    this.nanosecond = magic === PCAP_MAGIC_NSEC || magic === PCAP_MAGIC_NSEC_SWAPPED;
    if (this.nanosecond) {
      this.fracUnit = 1e9;
      this.fracScale = 1;
    }
    if (!src.fill(PCAP_FILE_HEADER_LEN)) {
      this.fail(0, `truncated file header at byte 0 (need ${PCAP_FILE_HEADER_LEN} bytes, ${src.end - src.pos} left)`);
      return;
    }
    const v = src.view;
    const p = src.pos;
    const le = this.le;
    this.versionMajor = v.getUint16(p + 4, le);
    this.versionMinor = v.getUint16(p + 6, le);
    this.thiszone = v.getInt32(p + 8, le);
    this.sigfigs = v.getUint32(p + 12, le);
    this.snaplen = v.getUint32(p + 16, le);
    this.linkTypeField = v.getUint32(p + 20, le);
    this.linkType = this.linkTypeField & 0x03ffffff;
    this.maxCap = this.snaplen === 0 || this.snaplen > MAX_RECORD ? MAX_RECORD : this.snaplen;
    src.pos = p + PCAP_FILE_HEADER_LEN;
  }

  next(): boolean {
    if (this.done) return false;
    const src = this.src;
    let p = src.pos;
    if (src.end - p < PCAP_RECORD_HEADER_LEN) {
      if (!src.fill(PCAP_RECORD_HEADER_LEN)) return this.endOrTruncated();
      p = src.pos;
    }
    let v = src.view;
    const le = this.le;
    const capLen = v.getUint32(p + 8, le);
    if (capLen > this.maxCap) return this.badCapLen(capLen);
    const need = PCAP_RECORD_HEADER_LEN + capLen;
    if (src.end - p < need) {
      if (!src.fill(need)) {
        const off = src.base + src.pos;
        return this.fail(off, `truncated record at byte ${off} (need ${need} bytes, ${src.end - src.pos} left)`);
      }
      p = src.pos;
      v = src.view;
    }
    const sec = v.getUint32(p, le);
    const frac = v.getUint32(p + 4, le);
    this.rawTsHigh = sec;
    this.rawTsLow = frac;
    if (frac < this.fracUnit) {
      this.tsSec = sec;
      this.tsNsec = frac * this.fracScale;
    } else {
      const carry = Math.floor(frac / this.fracUnit);
      this.tsSec = sec + carry;
      this.tsNsec = (frac - carry * this.fracUnit) * this.fracScale;
    }
    this.capLen = capLen;
    this.origLen = v.getUint32(p + 12, le);
    this.data = src.buf;
    this.dataOffset = p + PCAP_RECORD_HEADER_LEN;
    this.recordOffset = src.base + p;
    src.pos = p + need;
    return true;
  }

  close(): void {
    this.done = true;
    this.src.close();
  }

  private endOrTruncated(): boolean {
    const src = this.src;
    const left = src.end - src.pos;
    if (left === 0) {
      this.close();
      return false;
    }
    const off = src.base + src.pos;
    return this.fail(off, `truncated record header at byte ${off} (need ${PCAP_RECORD_HEADER_LEN} bytes, ${left} left)`);
  }

  private badCapLen(capLen: number): boolean {
    const off = this.src.base + this.src.pos;
    const why = capLen > MAX_RECORD ? `the ${MAX_RECORD}-byte record limit` : `the file's snaplen ${this.snaplen}`;
    return this.fail(off, `corrupt record at byte ${off}: captured length ${capLen} exceeds ${why}`);
  }

  private fail(offset: number, message: string): false {
    this.error = new CaptureError(offset, message);
    this.close();
    return false;
  }
}
