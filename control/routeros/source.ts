/**
 * Source text with position mapping.
 *
 * Internally everything works on UTF-16 indices into the JavaScript string; positions handed to users are
 * `Pos`: 1-based line, 1-based column counted in Unicode code points, and the 0-based UTF-8 byte offset.
 * Line breaks are `\n`, `\r\n` and a lone `\r`.
 *
 * The lexer registers every line continuation (`\` + line break + the next line's indentation) it removes,
 * so `logical(start, end)` can give the text of a span as RouterOS sees it (continuations joined).
 */

export interface Pos {
  /** 1-based line number. */
  readonly line: number;
  /** 1-based column, counted in Unicode code points. */
  readonly col: number;
  /** 0-based UTF-8 byte offset from the start of the file. */
  readonly offset: number;
}

export class SourceText {
  /** UTF-16 index at which each line starts. */
  private readonly lineStarts: number[] = [0];
  /** UTF-8 byte offset at which each line starts. */
  private readonly lineBytes: number[] = [0];
  /** Sorted, non-overlapping continuation ranges [start, end) removed from the logical text. */
  private readonly contStarts: number[] = [];
  private readonly contEnds: number[] = [];
  /** Per long line: [index, col, bytes] every CHECKPOINT code units, so any position costs O(CHECKPOINT). */
  private readonly checkpoints = new Map<number, number[]>();
  /** One-entry cache for incremental column computation along a line. */
  private cacheIndex = -1;
  private cacheLine = -1;
  private cacheCol = 0;
  private cacheBytes = 0;

  /** Line number of the text's first line minus one, and the byte offset of its start (a piece of a file). */
  private readonly baseLine: number;
  private readonly baseOffset: number;

  constructor(
    readonly text: string,
    readonly file: string,
    base: { readonly line: number; readonly offset: number } = { line: 1, offset: 0 },
  ) {
    this.baseLine = base.line - 1;
    this.baseOffset = base.offset;
    let bytes = 0;
    const n = text.length;
    for (let i = 0; i < n; i++) {
      const c = text.charCodeAt(i);
      if (c === 10 || (c === 13 && text.charCodeAt(i + 1) !== 10)) {
        bytes += 1;
        this.lineStarts.push(i + 1);
        this.lineBytes.push(bytes);
        continue;
      }
      bytes += utf8Units(text, i);
      if (c >= 0xd800 && c <= 0xdbff && i + 1 < n) {
        const d = text.charCodeAt(i + 1);
        if (d >= 0xdc00 && d <= 0xdfff) i++;
      }
    }
  }

  /** Position of a UTF-16 index (clamped to the text). */
  pos(index: number): Pos {
    const i = Math.max(0, Math.min(index, this.text.length));
    // Positions come in order along a line: reuse the line of the previous call when it still holds.
    const cl = this.cacheLine;
    const line = cl >= 0 && this.lineStarts[cl]! <= i && (cl + 1 >= this.lineStarts.length || this.lineStarts[cl + 1]! > i) ? cl : this.lineOf(i);
    let col: number;
    let bytes: number;
    let from: number;
    from = this.lineStarts[line]!;
    col = 1;
    bytes = this.lineBytes[line]!;
    if (i - from > CHECKPOINT) {
      const cp = this.lineCheckpoints(line);
      let lo = 0;
      let hi = cp.length / 3 - 1;
      let best = -1;
      while (lo <= hi) {
        const mid = (lo + hi) >> 1;
        if (cp[3 * mid]! <= i) {
          best = mid;
          lo = mid + 1;
        } else hi = mid - 1;
      }
      if (best >= 0) {
        from = cp[3 * best]!;
        col = cp[3 * best + 1]!;
        bytes = cp[3 * best + 2]!;
      }
    }
    if (this.cacheLine === line && this.cacheIndex <= i && this.cacheIndex >= from) {
      from = this.cacheIndex;
      col = this.cacheCol;
      bytes = this.cacheBytes;
    }
    const t = this.text;
    let j = from;
    while (j < i) {
      const c = t.charCodeAt(j);
      bytes += utf8Units(t, j);
      if (c >= 0xd800 && c <= 0xdbff && j + 1 < i) {
        const d = t.charCodeAt(j + 1);
        if (d >= 0xdc00 && d <= 0xdfff) j++;
      }
      j++;
      col++;
    }
    this.cacheLine = line;
    this.cacheIndex = i;
    this.cacheCol = col;
    this.cacheBytes = bytes;
    return { line: line + 1 + this.baseLine, col, offset: bytes + this.baseOffset };
  }

  private lineCheckpoints(line: number): number[] {
    let cp = this.checkpoints.get(line);
    if (cp !== undefined) return cp;
    cp = [];
    const t = this.text;
    const start = this.lineStarts[line]!;
    const end = line + 1 < this.lineStarts.length ? this.lineStarts[line + 1]! : t.length;
    let col = 1;
    let bytes = this.lineBytes[line]!;
    let next = start + CHECKPOINT;
    for (let j = start; j < end; ) {
      if (j >= next) {
        cp.push(j, col, bytes);
        next = j + CHECKPOINT;
      }
      const c = t.charCodeAt(j);
      bytes += utf8Units(t, j);
      const d = t.charCodeAt(j + 1);
      j += c >= 0xd800 && c <= 0xdbff && j + 1 < end && d >= 0xdc00 && d <= 0xdfff ? 2 : 1;
      col++;
    }
    this.checkpoints.set(line, cp);
    return cp;
  }

  /** 0-based line index containing a UTF-16 index. */
  private lineOf(i: number): number {
    const ls = this.lineStarts;
    let lo = 0;
    let hi = ls.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (ls[mid]! <= i) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }

  /** Record a continuation range [start, end) (idempotent). */
  addContinuation(start: number, end: number): void {
    const s = this.contStarts;
    let lo = 0;
    let hi = s.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (s[mid]! < start) lo = mid + 1;
      else hi = mid;
    }
    if (s[lo] === start) return;
    s.splice(lo, 0, start);
    this.contEnds.splice(lo, 0, end);
  }

  /** True when index lies inside a recorded continuation range. */
  inContinuation(index: number): boolean {
    const s = this.contStarts;
    let lo = 0;
    let hi = s.length - 1;
    let found = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (s[mid]! <= index) {
        found = mid;
        lo = mid + 1;
      } else hi = mid - 1;
    }
    return found >= 0 && index < this.contEnds[found]!;
  }

  /** Text of [start, end) with recorded continuations removed. */
  logical(start: number, end: number): string {
    const s = this.contStarts;
    const e = this.contEnds;
    let out = '';
    let at = start;
    let lo = 0;
    let hi = s.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (e[mid]! <= start) lo = mid + 1;
      else hi = mid;
    }
    for (let k = lo; k < s.length && s[k]! < end; k++) {
      const cs = Math.max(s[k]!, start);
      if (cs > at) out += this.text.slice(at, cs);
      at = Math.max(at, Math.min(e[k]!, end));
    }
    if (at < end) out += this.text.slice(at, end);
    return out;
  }
}

const CHECKPOINT = 256;

/** Number of UTF-8 bytes for the code unit(s) at index i (a surrogate pair counts 4 at its high half). */
function utf8Units(t: string, i: number): number {
  const c = t.charCodeAt(i);
  if (c < 0x80) return 1;
  if (c < 0x800) return 2;
  if (c >= 0xd800 && c <= 0xdbff) {
    const d = t.charCodeAt(i + 1);
    if (d >= 0xdc00 && d <= 0xdfff) return 4;
    return 3;
  }
  return 3;
}

/** Format a position as `line:col`. */
export function formatPos(p: Pos): string {
  return `${p.line}:${p.col}`;
}
