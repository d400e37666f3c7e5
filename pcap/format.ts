/**
 * On-disk constants of the two capture formats.
 *
 * Classic pcap (draft-ietf-opsawg-pcap): a 24-byte file header — magic, version major/minor (2.4), thiszone,
 * sigfigs, snaplen, LinkType — then records of a 16-byte header (ts seconds, ts fraction, captured length,
 * original length) followed by the captured bytes. The magic's byte order gives the file's byte order and
 * its value the fraction unit (a1b2c3d4 = microseconds, a1b23c4d = nanoseconds).
 *
 * pcapng (draft-ietf-opsawg-pcapng): a sequence of blocks `type(4) length(4) body length(4)`, length a
 * multiple of 4 that counts the whole block and is repeated at its end. A Section Header Block starts each
 * section and fixes its byte order; Interface Description Blocks define the section's interfaces (ids 0, 1, ...);
 * Enhanced/Simple/(obsolete) Packet Blocks carry packets. Options are `code(2) length(2) value` padded to 4.
 */

export const PCAP_MAGIC_USEC = 0xa1b2c3d4;
export const PCAP_MAGIC_NSEC = 0xa1b23c4d;
/** The same two magics read in the other byte order. */
export const PCAP_MAGIC_USEC_SWAPPED = 0xd4c3b2a1;
export const PCAP_MAGIC_NSEC_SWAPPED = 0x4d3cb2a1;
export const PCAP_FILE_HEADER_LEN = 24;
export const PCAP_RECORD_HEADER_LEN = 16;

/** Section Header Block type; a palindrome, so it reads the same in both byte orders. */
export const BT_SHB = 0x0a0d0d0a;
export const BT_IDB = 0x00000001;
/** Obsolete Packet Block (16-bit interface id and drops count). */
export const BT_PB = 0x00000002;
export const BT_SPB = 0x00000003;
export const BT_NRB = 0x00000004;
export const BT_ISB = 0x00000005;
export const BT_EPB = 0x00000006;
/** Byte-order magic inside the SHB. */
export const PCAPNG_BOM = 0x1a2b3c4d;

export const OPT_ENDOFOPT = 0;
export const OPT_COMMENT = 1;
export const IF_NAME = 2;
export const IF_TSRESOL = 9;
export const IF_TSOFFSET = 14;

/** Largest record (captured bytes) or packet block accepted; a bigger one is treated as corruption. */
export const MAX_RECORD = 256 * 1024 * 1024;
/** Largest block the pcapng reader buffers whole (packet blocks, SHB, IDB, and other blocks in nextBlock()). */
export const MAX_BLOCK = MAX_RECORD + 64 * 1024;

/** Bytes to add to n to reach a multiple of 4 (works for any n up to 2^53). */
export function pad4(n: number): number {
  return (4 - (n & 3)) & 3;
}

export function hex32(n: number): string {
  return '0x' + (n >>> 0).toString(16).padStart(8, '0');
}

export function blockTypeName(t: number): string {
  switch (t) {
    case BT_SHB: return 'section header block';
    case BT_IDB: return 'interface description block';
    case BT_PB: return 'packet block';
    case BT_SPB: return 'simple packet block';
    case BT_NRB: return 'name resolution block';
    case BT_ISB: return 'interface statistics block';
    case BT_EPB: return 'enhanced packet block';
    default: return `block (type ${hex32(t)})`;
  }
}
