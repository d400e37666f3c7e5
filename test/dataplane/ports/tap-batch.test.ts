/**
 * The addon's batched reads and writes (native/tap readBatch/readBatchV, writeBatch/writeBatchV) on a plain
 * pipe, no TUN needed: frames go out from their slots and come back into other slots with their lengths;
 * the V forms carry a 10-byte header before each frame; wrong arguments and slots outside the buffer are
 * thrown as the addon words them, nothing is read or written past the buffer.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { execFileSync } from 'node:child_process';
import { loadTapAddon } from '../../../dataplane/ports/tap';

const tap = loadTapAddon();

/** The addon's RangeError with exactly `message` (the addon's errors come from another realm: matched by name). */
const range = (message: string) => expect.objectContaining({ name: 'RangeError', message });

/** A FIFO opened both ways (non-blocking read end): writes land whole, reads take them back one at a time. */
function fifo(): { r: number; w: number; done: () => void } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fp-batch-'));
  const p = path.join(dir, 'f');
  execFileSync('mkfifo', [p]);
  const r = fs.openSync(p, fs.constants.O_RDONLY | fs.constants.O_NONBLOCK);
  const w = fs.openSync(p, fs.constants.O_WRONLY);
  return { r, w, done: () => (fs.closeSync(r), fs.closeSync(w), fs.rmSync(dir, { recursive: true })) };
}

test('writeBatch then readBatch: the frames, from and into their slots', () => {
  const { r, w, done } = fifo();
  try {
    const out = new Uint8Array(256);
    out.set([1, 2, 3], 10);
    out.set([4, 5, 6, 7], 100);
    expect(tap.writeBatch(w, out, Int32Array.of(10, 100), Int32Array.of(3, 4), 2)).toBe(2);
    const back = new Uint8Array(256);
    const lens = new Int32Array(4);
    // a pipe has no frame boundaries: one read takes what is there, up to the slot's capacity
    const n = tap.readBatch(r, back, Int32Array.of(0, 64, 128, 192), 64, lens, 4);
    expect(n).toBe(1);
    expect(lens[0]).toBe(7);
    expect([...back.subarray(0, 7)]).toEqual([1, 2, 3, 4, 5, 6, 7]);
    // nothing left: EAGAIN on the first read is 0 frames, not an error
    expect(tap.readBatch(r, back, Int32Array.of(0), 64, lens, 1)).toBe(0);
  } finally {
    done();
  }
});

test('the V forms put each frame after its 10-byte header and take it back apart', () => {
  const { r, w, done } = fifo();
  try {
    const out = new Uint8Array(64);
    out.set([9, 8, 7], 5);
    const hdrs = new Uint8Array(10).fill(0);
    hdrs[1] = 0xaa; // gso type byte, not a checksum request: passed through
    expect(tap.writeBatchV(w, out, Int32Array.of(5), Int32Array.of(3), 1, hdrs)).toBe(1);
    const back = new Uint8Array(64);
    const lens = new Int32Array(1);
    const hin = new Uint8Array(10);
    expect(tap.readBatchV(r, back, Int32Array.of(20), 32, lens, 1, hin)).toBe(1);
    expect(lens[0]).toBe(3);
    expect([...back.subarray(20, 23)]).toEqual([9, 8, 7]);
    expect(hin[1]).toBe(0xaa);
  } finally {
    done();
  }
});

test('wrong arguments and slots outside the buffer are errors in the addon`s words', () => {
  const { r, w, done } = fifo();
  try {
    const buf = new Uint8Array(100);
    const lens = new Int32Array(2);
    expect(() => tap.readBatch(r, buf, Int32Array.of(90), 64, lens, 1)).toThrow(range('fptap.readBatch: a slot lies outside the buffer'));
    expect(() => tap.readBatchV(r, buf, Int32Array.of(90), 64, lens, 1, new Uint8Array(10))).toThrow(range('fptap.readBatchV: a slot lies outside the buffer'));
    expect(() => tap.writeBatch(w, buf, Int32Array.of(95), Int32Array.of(10), 1)).toThrow(range('fptap.writeBatch: a frame lies outside the buffer'));
    expect(() => tap.writeBatchV(w, buf, Int32Array.of(-1), Int32Array.of(1), 1, new Uint8Array(10))).toThrow(range('fptap.writeBatchV: a frame lies outside the buffer'));
    const anyTap = tap as unknown as Record<string, (...a: unknown[]) => number>;
    expect(() => anyTap['readBatchV']!(r, buf, Int32Array.of(0), 64, lens, 1)).toThrow(/^fptap\.readBatchV\(fd, bytes, offsets, cap, lengths, max, hdrs\)$/);
    expect(() => anyTap['writeBatch']!(w, buf, Int32Array.of(0), lens)).toThrow(/^fptap\.writeBatch\(fd, bytes, offsets, lengths, n\)$/);
    expect(() => anyTap['readBatch']!(r, buf, new Uint8Array(1), 64, lens, 1)).toThrow(/^fptap\.readBatch: bytes must be a Uint8Array, offsets and lengths Int32Arrays$/);
    expect(() => anyTap['writeBatchV']!(w, buf, Int32Array.of(0), lens, 1, new Int32Array(3))).toThrow(/^fptap\.writeBatchV: bytes and hdrs must be Uint8Arrays/);
    // the V forms never take more frames than headers fit in hdrs
    expect(tap.writeBatchV(w, buf, Int32Array.of(0, 10), Int32Array.of(1, 1), 2, new Uint8Array(10))).toBe(1);
  } finally {
    done();
  }
});
