/**
 * Opening a capture: `openCapture(fileOrBytes)` looks at the first 4 bytes and returns a classic pcap reader
 * (magics a1b2c3d4 / a1b23c4d in either byte order) or a pcapng reader (0a0d0d0a). Both are zero-allocation
 * cursors implementing CaptureReader (see capture.ts); the returned union is discriminated by `format`.
 *
 * Input that is not a capture (fewer than 4 bytes, unknown magic) gives a PcapReader already in the error
 * state (error at offset 0, `next()` false) — bad contents never throw. A path that cannot be opened throws
 * Node's own error (ENOENT, EACCES, EISDIR...), as does an invalid chunkSize.
 */
import { CaptureError, type CaptureReader } from './capture';
import { BT_SHB } from './format';
import { PcapReader } from './pcap-reader';
import { PcapngReader } from './pcapng-reader';
import { ByteSource, DEFAULT_CHUNK } from './source';

export { CaptureError, type CaptureReader } from './capture';
export { PcapReader } from './pcap-reader';
export {
  PcapngReader, BLOCK_END, BLOCK_SECTION, BLOCK_INTERFACE, BLOCK_OTHER, BLOCK_EPB, BLOCK_SPB, BLOCK_PB,
  type PcapngSection, type PcapngInterface,
} from './pcapng-reader';

export interface OpenOptions {
  /** File reads: initial chunk size in bytes (default 1 MiB; grows for larger records). Ignored for bytes. */
  chunkSize?: number;
}

export type AnyCaptureReader = PcapReader | PcapngReader;

export function openCapture(source: string | Uint8Array, opts?: OpenOptions): AnyCaptureReader {
  const src = typeof source === 'string' ? ByteSource.fromFile(source, opts?.chunkSize ?? DEFAULT_CHUNK) : ByteSource.fromBytes(source);
  if (src.fill(4) && src.view.getUint32(src.pos, false) === BT_SHB) return new PcapngReader(src);
  return new PcapReader(src);
}

/** Read a whole capture and return how many packet records it has, and the error that stopped it (if any). */
export function countRecords(source: string | Uint8Array, opts?: OpenOptions): { records: number; error: CaptureError | null } {
  const r: CaptureReader = openCapture(source, opts);
  let n = 0;
  while (r.next()) n++;
  r.close();
  return { records: n, error: r.error };
}
