/**
 * The RouterOS API wire format: words and sentences (ROUTEROS-FLOW §9).
 *
 * A word is a length then that many bytes; a sentence is words ended by an empty word. The length is
 * big-endian in one to five bytes, told apart by the leading bits of the first byte: `0xxxxxxx` (< 0x80),
 * `10xxxxxx` +1 byte (< 0x4000), `110xxxxx` +2 (< 0x200000), `1110xxxx` +3 (< 0x10000000), `11110000` +4.
 * A first byte of 0xF8 or more is a reserved control byte: a reader that meets one stops with a fatal
 * error (RouterOS aborts the connection), as it does for a word or sentence beyond its limits.
 *
 * The reader is incremental (TCP delivers any split) and bounded: it never buffers more than the current
 * sentence, and the caller chooses the limits (small before login).
 */

/** Bytes of the length prefix of a word of `n` bytes. */
function lengthSize(n: number): number {
  return n < 0x80 ? 1 : n < 0x4000 ? 2 : n < 0x200000 ? 3 : n < 0x10000000 ? 4 : 5;
}

/** Write the length prefix of `n` at `at`; returns the offset after it. */
export function writeLength(buf: Buffer, at: number, n: number): number {
  if (n < 0x80) {
    buf[at] = n;
    return at + 1;
  }
  if (n < 0x4000) {
    buf.writeUInt16BE(n | 0x8000, at);
    return at + 2;
  }
  if (n < 0x200000) {
    buf[at] = (n >>> 16) | 0xc0;
    buf.writeUInt16BE(n & 0xffff, at + 1);
    return at + 3;
  }
  if (n < 0x10000000) {
    buf.writeUInt32BE((n | 0xe0000000) >>> 0, at);
    return at + 4;
  }
  buf[at] = 0xf0;
  buf.writeUInt32BE(n >>> 0, at + 1);
  return at + 5;
}

/** The length prefix of a word of `n` bytes. */
export function encodeLength(n: number): Buffer {
  const b = Buffer.alloc(lengthSize(n));
  writeLength(b, 0, n);
  return b;
}

/** A whole sentence (words then the empty word), UTF-8. */
export function encodeSentence(words: readonly string[]): Buffer {
  let size = 1;
  const bytes = words.map((w) => Buffer.from(w, 'utf8'));
  for (const b of bytes) size += lengthSize(b.length) + b.length;
  const out = Buffer.allocUnsafe(size);
  let at = 0;
  for (const b of bytes) {
    at = writeLength(out, at, b.length);
    at += b.copy(out, at);
  }
  out[at] = 0;
  return out;
}

export interface ReaderLimits {
  /** Largest word accepted, in bytes. */
  maxWord: number;
  /** Largest sentence accepted (its words and length prefixes), in bytes. */
  maxSentence: number;
  /** Most words in one sentence. */
  maxWords: number;
}

/** What the reader found: a sentence, or a reason to close the connection. */
export type ReadEvent = { readonly kind: 'sentence'; readonly words: string[] } | { readonly kind: 'fatal'; readonly message: string };

/** Incremental sentence reader with limits; after a fatal event it reads nothing more. */
export class SentenceReader {
  private buf: Buffer = Buffer.alloc(0);
  private words: string[] = [];
  private sentenceBytes = 0;
  private dead = false;

  constructor(public limits: ReaderLimits) {}

  /** Bytes held for the sentence being read. */
  get buffered(): number {
    return this.buf.length + this.sentenceBytes;
  }

  /** Feed bytes; returns the sentences completed (empty sentences are skipped) and at most one fatal event. */
  push(chunk: Buffer): ReadEvent[] {
    if (this.dead) return [];
    this.buf = this.buf.length === 0 ? chunk : Buffer.concat([this.buf, chunk]);
    const out: ReadEvent[] = [];
    let at = 0;
    const b = this.buf;
    for (;;) {
      if (at >= b.length) break;
      const c = b[at]!;
      let len: number;
      let head: number;
      if (c < 0x80) {
        len = c;
        head = 1;
      } else if (c < 0xc0) {
        if (at + 2 > b.length) break;
        len = ((c & 0x3f) << 8) | b[at + 1]!;
        head = 2;
      } else if (c < 0xe0) {
        if (at + 3 > b.length) break;
        len = ((c & 0x1f) << 16) | (b[at + 1]! << 8) | b[at + 2]!;
        head = 3;
      } else if (c < 0xf0) {
        if (at + 4 > b.length) break;
        len = (c & 0x0f) * 0x1000000 + ((b[at + 1]! << 16) | (b[at + 2]! << 8) | b[at + 3]!);
        head = 4;
      } else if (c === 0xf0) {
        if (at + 5 > b.length) break;
        len = b.readUInt32BE(at + 1);
        head = 5;
      } else {
        return this.fatal(out, c >= 0xf8 ? `reserved control byte 0x${c.toString(16)}` : `bad word length byte 0x${c.toString(16)}`);
      }
      if (len > this.limits.maxWord) return this.fatal(out, `word of ${len} bytes is too long`);
      if (this.sentenceBytes + head + len > this.limits.maxSentence) return this.fatal(out, 'sentence is too long');
      if (at + head + len > b.length) break;
      if (len === 0) {
        at += head;
        if (this.words.length > 0) out.push({ kind: 'sentence', words: this.words });
        this.words = [];
        this.sentenceBytes = 0;
        continue;
      }
      if (this.words.length >= this.limits.maxWords) return this.fatal(out, 'too many words in a sentence');
      this.words.push(b.toString('utf8', at + head, at + head + len));
      this.sentenceBytes += head + len;
      at += head + len;
    }
    this.buf = at === b.length ? Buffer.alloc(0) : b.subarray(at);
    // A partial word held here is bounded by the checks above (its length is known before its bytes).
    return out;
  }

  private fatal(out: ReadEvent[], message: string): ReadEvent[] {
    this.dead = true;
    this.buf = Buffer.alloc(0);
    this.words = [];
    out.push({ kind: 'fatal', message });
    return out;
  }
}
