/**
 * Rewriting captures: read a capture and write it back through the writers, in the same format.
 *
 * What is preserved, so that a rewrite reproduces the original byte for byte:
 * - classic pcap: byte order, micro/nanosecond magic, version, thiszone, sigfigs, snaplen, the whole
 *   LinkType field, and every record's timestamp fields, lengths and bytes.
 * - pcapng: every section (byte order, version, section length, SHB options verbatim), every IDB (link
 *   type, reserved field, snaplen, options verbatim), EPBs (interface, raw timestamp, lengths, data, options
 *   verbatim), SPBs as SPBs, and every other block (obsolete Packet Blocks, name resolution, interface
 *   statistics, custom and unknown blocks) copied verbatim, in file order.
 * What is not: padding bytes after packet data and options are written as zeros (an SPB that does not
 * follow the min(origLen, snaplen) rule is copied verbatim, padding included). A copy stops at the first truncated or corrupt
 * part: everything before it is written and the error is returned.
 */
import type { CaptureError } from './capture';
import {
  BLOCK_END, BLOCK_EPB, BLOCK_INTERFACE, BLOCK_SECTION, BLOCK_SPB, openCapture, type OpenOptions,
  type PcapngReader, type PcapReader,
} from './reader';
import { PcapngWriter, PcapWriter, type PcapngSectionOptions, type PcapWriterOptions } from './writer';

export interface CopyResult {
  format: 'pcap' | 'pcapng';
  /** Packet records copied. */
  records: number;
  /** What stopped the copy early (null after a clean end). */
  error: CaptureError | null;
}

export interface RewriteResult extends CopyResult {
  /** The rewritten file (empty when not even a file header could be read). */
  bytes: Uint8Array;
}

/** The writer options that reproduce a classic pcap reader's file header. */
export function pcapWriterOptions(r: PcapReader): PcapWriterOptions {
  return {
    linkType: r.linkTypeField,
    snaplen: r.snaplen,
    nanosecond: r.nanosecond,
    bigEndian: r.bigEndian,
    versionMajor: r.versionMajor,
    versionMinor: r.versionMinor,
    thiszone: r.thiszone,
    sigfigs: r.sigfigs,
  };
}

/** The section options that reproduce the pcapng reader's current section header. */
export function pcapngSectionOptions(r: PcapngReader): PcapngSectionOptions {
  const s = r.section;
  if (s === null) throw new Error('pcapngSectionOptions: no section has been read yet');
  return {
    bigEndian: s.bigEndian,
    shbOptions: s.options,
    versionMajor: s.versionMajor,
    versionMinor: s.versionMinor,
    sectionLength: s.sectionLength,
  };
}

/** Copy every remaining record of `r` into `w` with raw timestamps. Returns the number of records. */
export function copyPcapRecords(r: PcapReader, w: PcapWriter): number {
  let n = 0;
  while (r.next()) {
    w.writeRecordRaw(r.data, r.dataOffset, r.capLen, r.origLen, r.rawTsHigh, r.rawTsLow);
    n++;
  }
  return n;
}

/**
 * Copy every remaining block of `r` into `w` (the writer has already written the reader's current section
 * header — e.g. it was created with pcapngSectionOptions after the first nextBlock()). Returns the number of
 * packet records.
 */
export function copyPcapngBlocks(r: PcapngReader, w: PcapngWriter): number {
  let n = 0;
  for (;;) {
    const k = r.nextBlock();
    if (k === BLOCK_END) break;
    if (k === BLOCK_SECTION) {
      w.newSection(pcapngSectionOptions(r));
    } else if (k === BLOCK_INTERFACE) {
      const i = r.interfaces[r.interfaces.length - 1]!;
      w.addInterface({ linkType: i.linkType, snaplen: i.snaplen, reserved: i.reserved, rawOptions: i.options });
    } else if (k === BLOCK_EPB) {
      const opts = r.optionsLength > 0 ? r.data.subarray(r.optionsOffset, r.optionsOffset + r.optionsLength) : undefined;
      w.writePacketRaw(r.ifIndex, r.data, r.dataOffset, r.capLen, r.origLen, r.rawTsHigh, r.rawTsLow, opts);
      n++;
    } else if (k === BLOCK_SPB && spbIsPlain(r)) {
      w.writeSimplePacket(r.data, r.dataOffset, r.capLen, r.origLen);
      n++;
    } else {
      // obsolete Packet Blocks and every other block: verbatim (same byte order as the section being written)
      w.writeBlock(r.blockType, r.data, r.bodyOffset, r.bodyLength);
      if (k >= BLOCK_EPB) n++;
    }
  }
  return n;
}

/** An SPB that writeSimplePacket reproduces exactly: body = padded data, capLen = min(origLen, snaplen). */
function spbIsPlain(r: PcapngReader): boolean {
  const snaplen = r.interfaces[0]!.snaplen;
  const implied = snaplen !== 0 && snaplen < r.origLen ? snaplen : r.origLen;
  return r.capLen === implied && r.bodyLength === 4 + r.capLen + ((4 - (r.capLen & 3)) & 3);
}

type Sinks = { pcap: (o: PcapWriterOptions) => PcapWriter; pcapng: (o: PcapngSectionOptions) => PcapngWriter };

function copyWith(src: string | Uint8Array, sinks: Sinks, opts?: OpenOptions): CopyResult & { writer: PcapWriter | PcapngWriter | null } {
  const r = openCapture(src, opts);
  try {
    if (r.format === 'pcap') {
      if (r.error !== null) return { format: 'pcap', records: 0, error: r.error, writer: null };
      const w = sinks.pcap(pcapWriterOptions(r));
      const records = copyPcapRecords(r, w);
      w.close();
      return { format: 'pcap', records, error: r.error, writer: w };
    }
    if (r.nextBlock() !== BLOCK_SECTION) return { format: 'pcapng', records: 0, error: r.error, writer: null };
    const w = sinks.pcapng(pcapngSectionOptions(r));
    const records = copyPcapngBlocks(r, w);
    w.close();
    return { format: 'pcapng', records, error: r.error, writer: w };
  } finally {
    r.close();
  }
}

/** Read a capture (path or bytes) and write it back to memory in the same format. */
export function rewriteCapture(src: string | Uint8Array, opts?: OpenOptions): RewriteResult {
  const res = copyWith(src, { pcap: (o) => PcapWriter.toMemory(o), pcapng: (o) => PcapngWriter.toMemory(o) }, opts);
  return { format: res.format, records: res.records, error: res.error, bytes: res.writer ? res.writer.bytes() : new Uint8Array(0) };
}

/**
 * Read a capture (path or bytes) and write it to `dstPath` in the same format. When not even a file header
 * can be read, nothing is created.
 */
export function copyCapture(src: string | Uint8Array, dstPath: string, opts?: OpenOptions): CopyResult {
  const res = copyWith(src, { pcap: (o) => PcapWriter.toFile(dstPath, o), pcapng: (o) => PcapngWriter.toFile(dstPath, o) }, opts);
  return { format: res.format, records: res.records, error: res.error };
}
