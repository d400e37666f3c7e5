/**
 * A buffered byte sink for the capture writers: writers `reserve(n)` then put bytes at `pos` through `buf`
 * and `view`, and advance `pos`.
 *
 * - `ByteSink.toFile(path)`: one reusable chunk (default 1 MiB) flushed with `fs.writeSync` when full and on
 *   close; a write bigger than the chunk goes straight to the file.
 * - `ByteSink.toMemory()`: a growing buffer (doubling); `bytes()` is a view of what was written.
 */
import * as fs from 'node:fs';

const DEFAULT_FILE_CHUNK = 1 << 20;
const DEFAULT_MEMORY_START = 4096;

export class ByteSink {
  buf: Uint8Array;
  view: DataView;
  pos = 0;
  private fd: number;
  private readonly memory: boolean;
  private closed = false;
  /** Bytes already written to the file. */
  private flushed = 0;

  private constructor(size: number, fd: number) {
    this.buf = new Uint8Array(size);
    this.view = new DataView(this.buf.buffer);
    this.fd = fd;
    this.memory = fd < 0;
  }

  /** Opens (creates or truncates) `path`. Throws Node's error if it cannot. */
  static toFile(path: string, chunkSize = DEFAULT_FILE_CHUNK): ByteSink {
    if (!Number.isInteger(chunkSize) || chunkSize < 64) throw new RangeError(`chunkSize must be an integer >= 64, got ${chunkSize}`);
    return new ByteSink(chunkSize, fs.openSync(path, 'w'));
  }

  static toMemory(initialSize = DEFAULT_MEMORY_START): ByteSink {
    return new ByteSink(Math.max(64, initialSize), -1);
  }

  /** Total bytes written so far (flushed and buffered). */
  get length(): number {
    return this.flushed + this.pos;
  }

  /** Make room for n bytes at `pos` (may flush, grow, and replace `buf`/`view`). */
  reserve(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    if (this.closed) throw new Error('capture writer is closed');
    if (!this.memory) {
      this.flush();
      if (n <= this.buf.length) return;
    }
    let len = this.buf.length * 2;
    while (len < this.pos + n) len *= 2;
    const nb = new Uint8Array(len);
    nb.set(this.buf.subarray(0, this.pos));
    this.buf = nb;
    this.view = new DataView(nb.buffer);
  }

  /** Append `len` bytes of `src` from `off` (large blocks bypass the chunk when writing to a file). */
  put(src: Uint8Array, off: number, len: number): void {
    if (!this.memory && len > this.buf.length) {
      this.flush();
      this.writeAll(src, off, len);
      this.flushed += len;
      return;
    }
    this.reserve(len);
    this.buf.set(src.subarray(off, off + len), this.pos);
    this.pos += len;
  }

  /** Append n zero bytes (n ≤ 3 in practice: padding). */
  zeros(n: number): void {
    this.reserve(n);
    const b = this.buf;
    for (let i = 0; i < n; i++) b[this.pos++] = 0;
  }

  /** Memory sinks: the bytes written so far (a view, valid until the next write). */
  bytes(): Uint8Array {
    if (!this.memory) throw new Error('bytes() is only available on in-memory capture writers');
    return this.buf.subarray(0, this.pos);
  }

  /** Write buffered bytes to the file (no-op for memory sinks). */
  flush(): void {
    if (this.memory || this.pos === 0) return;
    this.writeAll(this.buf, 0, this.pos);
    this.flushed += this.pos;
    this.pos = 0;
  }

  /** Flush and close the file (idempotent). Memory sinks keep their bytes. */
  close(): void {
    if (this.closed) return;
    if (!this.memory) {
      this.flush();
      fs.closeSync(this.fd);
      this.fd = -1;
    }
    this.closed = true;
  }

  private writeAll(src: Uint8Array, off: number, len: number): void {
    let done = 0;
    while (done < len) done += fs.writeSync(this.fd, src, off + done, len - done);
  }
}
