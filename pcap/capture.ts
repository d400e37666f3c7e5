/**
 * What every capture reader delivers, whatever the file format: a cursor over packet records, and errors
 * as values.
 *
 * Error policy: the contents of a file never make a reader throw. A truncated or corrupt part stops reading
 * and sets `error` (a CaptureError naming the byte offset where the bad part starts); every record before it
 * has been delivered. Only programmer errors throw (bad arguments, a file that cannot be opened).
 */

/** Why reading stopped early. `offset` is the file offset of the header, record or block that is bad. */
export class CaptureError {
  constructor(
    /** Byte offset in the file where the truncated or corrupt part starts. */
    readonly offset: number,
    /** Human-readable reason that names the offset, e.g. "truncated record header at byte 1234 (need 16 bytes, 7 left)". */
    readonly message: string,
  ) {}

  toString(): string {
    return this.message;
  }
}

/**
 * A cursor over the packet records of a capture. Zero allocation per record: `next()` overwrites the fields
 * below, and `data` is either the caller's own Uint8Array (in-memory captures) or the reader's chunk buffer
 * (files). The current record is `data[dataOffset .. dataOffset + capLen)`, valid until the next `next()`.
 */
export interface CaptureReader {
  readonly format: 'pcap' | 'pcapng';
  /** Advance to the next packet record; false at the end of the file or when an error stopped reading. */
  next(): boolean;
  data: Uint8Array;
  dataOffset: number;
  /** Bytes of the packet present in the capture. */
  capLen: number;
  /** Length of the packet on the wire (>= capLen when the capture was cut by a snaplen). */
  origLen: number;
  /** Timestamp, whole seconds since 1970 (UTC). 0 when `hasTimestamp` is false. */
  tsSec: number;
  /** Timestamp, nanoseconds within the second, 0 ..< 1e9 (finer resolutions are rounded down). */
  tsNsec: number;
  /** False for records that carry no timestamp (pcapng Simple Packet Blocks). */
  hasTimestamp: boolean;
  /**
   * The record's timestamp words as stored: classic pcap = (seconds, fraction) fields; pcapng = high and low
   * 32 bits of the 64-bit count of if_tsresol units. Writers take these back for byte-exact rewrites.
   */
  rawTsHigh: number;
  rawTsLow: number;
  /** pcapng: interface id within the current section. Classic pcap: 0. */
  ifIndex: number;
  /** LINKTYPE_* of the record's interface (classic pcap: the file's). */
  linkType: number;
  /** pcapng: 0-based index of the current section. Classic pcap: 0. */
  sectionIndex: number;
  /** Byte offset in the file of the record (pcap) or block (pcapng). */
  recordOffset: number;
  /** Set when a truncated or corrupt part stopped reading; null after a clean end. */
  error: CaptureError | null;
  /** Release the file (idempotent; readers also close their file by themselves at the end). */
  close(): void;
}
