/**
 * A streaming byte source for the capture readers: a window `buf[pos .. end)` over the file, where
 * `buf[i]` is file byte `base + i`.
 *
 * - `ByteSource.fromBytes(u8)`: the window is the caller's array itself (zero copy, never refilled).
 * - `ByteSource.fromFile(path, chunkSize)`: `fs.readSync` into one reusable chunk (default 1 MiB). When a record
 *   runs past the chunk's end the unread tail is moved to the front and the rest is read after it; a record
 *   larger than the chunk grows the chunk (doubling, never past MAX_BUFFERED). A whole file is never loaded
 *   unless it is smaller than the chunk. For regular files the size at open bounds the growth, so a corrupt
 *   length field near the end of a small file cannot make the source allocate hundreds of MiB.
 *
 * Readers call `fill(n)` before touching n bytes at `pos`, then advance `pos` themselves. Bytes they have
 * handed out stay valid until their next `fill`/`skip` (only those move or overwrite the window).
 */
import * as fs from 'node:fs';
import { MAX_BLOCK } from './format';

export const DEFAULT_CHUNK = 1 << 20;
/** The chunk never grows past this (one maximal pcapng block). */
export const MAX_BUFFERED = MAX_BLOCK;

export class ByteSource {
  buf: Uint8Array;
  view: DataView;
  /** Index in `buf` of the first unread byte. */
  pos = 0;
  /** Index in `buf` one past the last valid byte. */
  end: number;
  /** File offset of `buf[0]`. */
  base = 0;
  private fd: number;
  private eof: boolean;
  /** Bytes in the file at open (Infinity when unknown, e.g. a pipe). */
  private readonly size: number;

  private constructor(buf: Uint8Array, end: number, fd: number, size: number) {
    this.buf = buf;
    this.view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
    this.end = end;
    this.fd = fd;
    this.eof = fd < 0;
    this.size = size;
  }

  /** A source over bytes already in memory; nothing is copied. */
  static fromBytes(bytes: Uint8Array): ByteSource {
    return new ByteSource(bytes, bytes.length, -1, bytes.length);
  }

  /** A source reading a file in chunks. Throws (Node's ENOENT/EACCES error) when the file cannot be opened. */
  static fromFile(path: string, chunkSize: number = DEFAULT_CHUNK): ByteSource {
    if (!Number.isInteger(chunkSize) || chunkSize < 1 || chunkSize > MAX_BUFFERED) {
      throw new RangeError(`chunkSize must be an integer in 1..${MAX_BUFFERED}, got ${chunkSize}`);
    }
    const fd = fs.openSync(path, 'r');
    let size = Infinity;
    try {
      const st = fs.fstatSync(fd);
      if (st.isFile()) size = st.size;
    } catch {
      // unknown size: read until EOF
    }
    // A file smaller than the chunk gets a buffer of its own size.
    const len = size < chunkSize ? Math.max(size, 1) : chunkSize;
    return new ByteSource(new Uint8Array(len), 0, fd, size);
  }

  /** File offset of the read cursor. */
  get offset(): number {
    return this.base + this.pos;
  }

  /**
   * Make at least n bytes available at `pos` (n ≤ MAX_BUFFERED). Returns false when the file ends first; the
   * window then holds everything that was left (`end - pos` bytes). May move the window (`buf`, `view`, `pos`).
   */
  fill(n: number): boolean {
    const have = this.end - this.pos;
    if (have >= n) return true;
    if (this.eof) return false;
    if (n > MAX_BUFFERED) throw new RangeError(`ByteSource.fill(${n}): larger than the ${MAX_BUFFERED}-byte limit`);
    // Never buffer past what the file holds (known size) — the request then fails after reading the rest.
    let want = n;
    const left = this.size - (this.base + this.pos);
    if (left < want) want = left;
    if (have === 0) {
      this.base += this.pos;
      this.pos = 0;
      this.end = 0;
    }
    if (want > this.buf.length) {
      let len = this.buf.length * 2;
      if (len > MAX_BUFFERED) len = MAX_BUFFERED;
      if (len > left) len = left;
      if (len < want) len = want;
      const nb = new Uint8Array(len);
      nb.set(this.buf.subarray(this.pos, this.end), 0);
      this.buf = nb;
      this.view = new DataView(nb.buffer, 0, len);
      this.base += this.pos;
      this.end = have;
      this.pos = 0;
    } else if (this.pos + want > this.buf.length) {
      this.buf.copyWithin(0, this.pos, this.end);
      this.base += this.pos;
      this.end = have;
      this.pos = 0;
    }
    while (this.end - this.pos < want) {
      const r = fs.readSync(this.fd, this.buf, this.end, this.buf.length - this.end, null);
      if (r === 0) {
        this.eof = true;
        this.closeFd();
        break;
      }
      this.end += r;
    }
    return this.end - this.pos >= n;
  }

  /** Advance the cursor by n bytes without keeping them (reads through for files). Returns the bytes skipped. */
  skip(n: number): number {
    const have = this.end - this.pos;
    if (have >= n) {
      this.pos += n;
      return n;
    }
    this.base += this.end;
    this.pos = 0;
    this.end = 0;
    let rest = n - have;
    while (rest > 0 && !this.eof) {
      const r = fs.readSync(this.fd, this.buf, 0, rest < this.buf.length ? rest : this.buf.length, null);
      if (r === 0) {
        this.eof = true;
        this.closeFd();
        break;
      }
      rest -= r;
      this.base += r;
    }
    return n - rest;
  }

  /** Close the file (idempotent). Buffered bytes stay readable. */
  close(): void {
    this.eof = true;
    this.closeFd();
  }

  private closeFd(): void {
    if (this.fd >= 0) {
      const fd = this.fd;
      this.fd = -1;
      fs.closeSync(fd);
    }
  }
}
