/**
 * RouterOS script lexer (`.rsc` files, `/export` output, console lines).
 *
 * The lexer is a cursor the parser drives with a mode, because RouterOS tokenizes differently in two places:
 *
 * - `command` mode (commands and their arguments): words, `name=` property tokens (the first `=` of a word
 *   splits it; in the value that follows, `=` is an ordinary character), `/path` words, quoted strings,
 *   `$var` / `$"var"`, brackets, `;`, line ends, `#` comments.
 * - `expression` mode (inside `( ... )` and after `where`): the same plus operators
 *   (`= != < > <= >= ~ ! && || + - * / % . , -> & | ^ << >>`); words stop at operator characters.
 *
 * Both modes share the line rules:
 * - A line continuation is `\` at the end of a line (trailing blanks allowed): the backslash, the line break
 *   and the next line's leading blanks are removed, everywhere except in comments. That is how RouterOS joins
 *   the 80-column wrapping of `/export` (which breaks inside quoted strings too and indents the continuation
 *   by 4 spaces that are not part of the value).
 * - `#` starts a comment only as the first non-blank character of a line (not after `;`, not on a
 *   continuation line); a comment ends at the line break, a trailing `\` does not continue it.
 * - Quoted strings end at the line break if unterminated (reported), decode the escapes
 *   `\" \\ \$ \? \_ \n \r \t \a \b \f \v \XX` (two upper-case hex digits; consecutive hex bytes are decoded
 *   as UTF-8, else Latin-1) and keep `$name`, `$"name"`, `$( expr )` and `$[ cmd ]` as interpolation parts.
 * - `$NAME$` / `$ISP1-GATEWAY$` (an upper-case name of letters, digits, `_`, `-` closed by `$` and not
 *   followed by another variable) is a template placeholder, not a RouterOS variable: it is its own token
 *   kind so the parser reports it.
 *
 * Positions: tokens carry UTF-16 `start`/`end` indices and a `Pos` (line, code-point column, byte offset).
 */
import { Diagnostics } from './errors';
import { type Pos, SourceText, formatPos } from './source';

export type LexMode = 'command' | 'expression';

export type TokenKind =
  | 'word'
  | 'path'
  | 'prop'
  | 'string'
  | 'var'
  | 'placeholder'
  | 'op'
  | '{'
  | '}'
  | '['
  | ']'
  | '('
  | ')'
  | ';'
  | 'newline'
  | 'comment'
  | 'eof';

/** One piece of a quoted string. Indices are UTF-16 indices into the source. */
export type StrPart =
  | { readonly kind: 'text'; readonly text: string; readonly start: number; readonly end: number }
  | { readonly kind: 'var'; readonly name: string; readonly quoted: boolean; readonly start: number; readonly end: number }
  /** `$( ... )`: start/end delimit the inner expression text. */
  | { readonly kind: 'expr'; readonly start: number; readonly end: number }
  /** `$[ ... ]`: start/end delimit the inner command text. */
  | { readonly kind: 'cmd'; readonly start: number; readonly end: number }
  | { readonly kind: 'placeholder'; readonly name: string; readonly start: number; readonly end: number };

export interface Token {
  readonly kind: TokenKind;
  /**
   * word/path: the logical text (continuations removed); prop: the property name (without `=`);
   * string: decoded text of its literal parts; var/placeholder: the name; op: the operator;
   * comment: the text after `#`; punctuation: the character.
   */
  readonly text: string;
  /** UTF-16 index of the first character. */
  readonly start: number;
  /** UTF-16 index after the last character. */
  readonly end: number;
  readonly pos: Pos;
  /** Blank space, a line start or the start of input precede the token (so it is not glued to the previous one). */
  readonly spaceBefore: boolean;
  /** string: its parts. */
  readonly parts?: readonly StrPart[];
  /** string / quoted var: whether the closing quote was found. */
  readonly closed?: boolean;
  /** var: written as `$"name"`. */
  readonly quoted?: boolean;
}

const TWO_CHAR_OPS = ['->', '!=', '<=', '>=', '<<', '>>', '&&', '||'];
const ONE_CHAR_OPS = '=<>!~+-*/%.,&|^';

function isBlank(c: number): boolean {
  return c === 32 || c === 9 || c === 12 || c === 11 || c === 0xfeff;
}
function isNameChar(c: number): boolean {
  return (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95;
}
function isPlaceholderChar(c: number): boolean {
  return isNameChar(c) || c === 45;
}
function isUpperHex(c: number): boolean {
  return (c >= 48 && c <= 57) || (c >= 65 && c <= 70);
}
/** Characters that end a word in both modes. */
function isDelimiter(c: number): boolean {
  return (
    c === 10 || c === 13 || c === 59 /* ; */ || c === 34 /* " */ || c === 91 || c === 93 || c === 123 || c === 125 || c === 40 || c === 41
  );
}
/** Characters that end a word in expression mode (operator characters). */
function isExprStop(c: number): boolean {
  return (
    c === 61 /* = */ ||
    c === 33 /* ! */ ||
    c === 60 /* < */ ||
    c === 62 /* > */ ||
    c === 126 /* ~ */ ||
    c === 43 /* + */ ||
    c === 38 /* & */ ||
    c === 124 /* | */ ||
    c === 94 /* ^ */ ||
    c === 37 /* % */ ||
    c === 44 /* , */
  );
}

/**
 * Decode bytes from `\XX` escapes: valid UTF-8 sequences become their characters, any other byte is taken
 * as Latin-1 (older RouterOS exports escape single-byte code pages that way).
 */
function decodeBytes(bytes: readonly number[]): string {
  let out = '';
  let k = 0;
  while (k < bytes.length) {
    const b = bytes[k]!;
    const n = b >= 0xf0 && b <= 0xf4 ? 4 : b >= 0xe0 ? (b <= 0xef ? 3 : 0) : b >= 0xc2 && b <= 0xdf ? 2 : 0;
    if (n > 0 && k + n <= bytes.length) {
      let cp = n === 2 ? b & 0x1f : n === 3 ? b & 0x0f : b & 0x07;
      let valid = true;
      for (let j = 1; j < n; j++) {
        const c = bytes[k + j]!;
        if ((c & 0xc0) !== 0x80) {
          valid = false;
          break;
        }
        cp = (cp << 6) | (c & 0x3f);
      }
      const min = n === 2 ? 0x80 : n === 3 ? 0x800 : 0x10000;
      if (valid && cp >= min && cp <= 0x10ffff && !(cp >= 0xd800 && cp <= 0xdfff)) {
        out += String.fromCodePoint(cp);
        k += n;
        continue;
      }
    }
    out += String.fromCharCode(b);
    k++;
  }
  return out;
}

export interface LexState {
  readonly i: number;
  readonly valueAt: number;
}

interface Snapshot {
  at: number;
  valueAt: number;
  mode: LexMode;
  tok: Token;
  after: number;
  afterValueAt: number;
}

export class Lexer {
  private i: number;
  /** Index at which a property value starts (right after `name=` or glued to a previous value piece). */
  private valueAt = -1;
  private cached: Snapshot | null = null;

  constructor(
    readonly src: SourceText,
    readonly diag: Diagnostics,
    readonly begin = 0,
    readonly limit = src.text.length,
  ) {
    this.i = begin;
  }

  /** UTF-16 index of the cursor. */
  get index(): number {
    return this.i;
  }

  /** Cursor state for lookahead; `restore` rewinds to it (lexing is deterministic, diagnostics deduplicate). */
  save(): LexState {
    return { i: this.i, valueAt: this.valueAt };
  }

  restore(s: LexState): void {
    this.i = s.i;
    this.valueAt = s.valueAt;
  }

  peek(mode: LexMode): Token {
    const c = this.cached;
    if (c !== null && c.at === this.i && c.valueAt === this.valueAt && c.mode === mode) return c.tok;
    const at = this.i;
    const va = this.valueAt;
    const tok = this.scan(mode);
    const snap: Snapshot = { at, valueAt: va, mode, tok, after: this.i, afterValueAt: this.valueAt };
    this.i = at;
    this.valueAt = va;
    this.cached = snap;
    return tok;
  }

  next(mode: LexMode): Token {
    const tok = this.peek(mode);
    const c = this.cached!;
    this.i = c.after;
    this.valueAt = c.afterValueAt;
    return tok;
  }

  /** If a line continuation starts at j, record it and return the index after it; else -1. */
  private cont(j: number): number {
    const t = this.src.text;
    const lim = this.limit;
    if (j >= lim || t.charCodeAt(j) !== 92) return -1;
    let k = j + 1;
    while (k < lim && isBlank(t.charCodeAt(k))) k++;
    if (k < lim) {
      const c = t.charCodeAt(k);
      if (c === 13) k += k + 1 < lim && t.charCodeAt(k + 1) === 10 ? 2 : 1;
      else if (c === 10) k++;
      else return -1;
    }
    while (k < lim && isBlank(t.charCodeAt(k))) k++;
    this.src.addContinuation(j, k);
    return k;
  }

  /** Skip continuations starting at j. */
  private skipCont(j: number): number {
    for (;;) {
      const k = this.cont(j);
      if (k < 0) return j;
      j = k;
    }
  }

  private atLineStart(j: number): boolean {
    const t = this.src.text;
    let k = j - 1;
    while (k >= this.begin && isBlank(t.charCodeAt(k))) k--;
    if (k < this.begin) return this.begin === 0;
    const c = t.charCodeAt(k);
    if (c !== 10 && c !== 13) return false;
    return !this.src.inContinuation(k);
  }

  private tok(kind: TokenKind, text: string, start: number, end: number, space: boolean, extra?: Partial<Token>): Token {
    this.i = end;
    return { kind, text, start, end, pos: this.src.pos(start), spaceBefore: space, ...extra };
  }

  private scan(mode: LexMode): Token {
    const t = this.src.text;
    const lim = this.limit;
    let j = this.i;
    let space = false;
    const valueCandidate = j === this.valueAt;
    for (;;) {
      const k = this.cont(j);
      if (k >= 0) {
        j = k;
        continue;
      }
      if (j < lim && isBlank(t.charCodeAt(j))) {
        j++;
        space = true;
        continue;
      }
      break;
    }
    if (j === this.begin) space = true;
    else if ((t.charCodeAt(j - 1) === 10 || t.charCodeAt(j - 1) === 13) && !this.src.inContinuation(j - 1)) space = true;
    const inValue = valueCandidate && !space && mode === 'command';
    this.valueAt = -1;
    if (j >= lim) return this.tok('eof', '', j, j, space);
    const c = t.charCodeAt(j);
    if (c === 10 || c === 13) {
      const n = c === 13 && j + 1 < lim && t.charCodeAt(j + 1) === 10 ? 2 : 1;
      return this.tok('newline', '\n', j, j + n, space);
    }
    if (c === 35 /* # */ && !inValue && this.atLineStart(j)) {
      let k = j + 1;
      while (k < lim) {
        const d = t.charCodeAt(k);
        if (d === 10 || d === 13) break;
        k++;
      }
      return this.tok('comment', t.slice(j + 1, k), j, k, space);
    }
    switch (c) {
      case 59:
        return this.tok(';', ';', j, j + 1, space);
      case 123:
        return this.tok('{', '{', j, j + 1, space);
      case 125:
        return this.tok('}', '}', j, j + 1, space);
      case 91:
        return this.tok('[', '[', j, j + 1, space);
      case 93:
        return this.tok(']', ']', j, j + 1, space);
      case 40:
        return this.tok('(', '(', j, j + 1, space);
      case 41:
        return this.tok(')', ')', j, j + 1, space);
      default:
        break;
    }
    let tok: Token;
    if (c === 34) tok = this.scanString(j, space);
    else if (c === 36 /* $ */ && this.isVarStart(j + 1, false)) tok = this.scanVar(j, space);
    else if (mode === 'expression') tok = this.scanExpr(j, space);
    else tok = this.scanWord(j, space, inValue);
    if (tok.end <= j) {
      // Never return an empty token: take one character as a word so the cursor always advances.
      this.diag.error(j, `unexpected character '${t[j]}'`);
      tok = this.tok('word', t[j]!, j, j + 1, space);
    }
    if (inValue && tok.kind !== 'prop') this.valueAt = tok.end;
    return tok;
  }

  /** Does a variable name (or `"` of a quoted name) start at k? */
  private isVarStart(k: number, inString: boolean): boolean {
    if (k >= this.limit) return false;
    const c = this.src.text.charCodeAt(k);
    return isNameChar(c) || (!inString && c === 34);
  }

  /** `$NAME$` followed by something that cannot continue a variable reference: returns the index after it, else -1. */
  private placeholderEnd(j: number, inString: boolean): number {
    const t = this.src.text;
    let m = j + 1;
    let letter = false;
    while (m < this.limit && isPlaceholderChar(t.charCodeAt(m))) {
      const c = t.charCodeAt(m);
      if (c >= 97 && c <= 122) return -1;
      if (c >= 65 && c <= 90) letter = true;
      m++;
    }
    if (!letter || m >= this.limit || t.charCodeAt(m) !== 36) return -1;
    const after = m + 1;
    if (after < this.limit) {
      const c = t.charCodeAt(after);
      if (isNameChar(c) || (!inString && c === 34) || (inString && (c === 40 || c === 91))) return -1;
    }
    return after;
  }

  private scanVar(j: number, space: boolean): Token {
    const t = this.src.text;
    if (t.charCodeAt(j + 1) === 34) {
      const r = this.scanQuotedName(j + 1);
      return this.tok('var', r.name, j, r.end, space, { quoted: true, closed: r.closed });
    }
    const ph = this.placeholderEnd(j, false);
    if (ph >= 0) return this.tok('placeholder', t.slice(j + 1, ph - 1), j, ph, space);
    let k = j + 1;
    while (k < this.limit && isNameChar(t.charCodeAt(k))) k++;
    return this.tok('var', t.slice(j + 1, k), j, k, space);
  }

  /** The `"name"` of `$"name"` starting at the quote q; returns the name and the index after the closing quote. */
  private scanQuotedName(q: number): { name: string; end: number; closed: boolean } {
    const t = this.src.text;
    let k = q + 1;
    let name = '';
    for (;;) {
      k = this.skipCont(k);
      if (k >= this.limit) break;
      const c = t.charCodeAt(k);
      if (c === 10 || c === 13) break;
      if (c === 34) return { name, end: k + 1, closed: true };
      if (c === 92 && k + 1 < this.limit && (t.charCodeAt(k + 1) === 34 || t.charCodeAt(k + 1) === 92)) {
        name += t[k + 1];
        k += 2;
        continue;
      }
      name += t[k];
      k++;
    }
    const p = this.src.pos(q);
    this.diag.error(k, `unterminated quoted variable name started at ${formatPos(p)} (expected '"')`);
    return { name, end: k, closed: false };
  }

  private scanWord(j: number, space: boolean, inValue: boolean): Token {
    const t = this.src.text;
    const lim = this.limit;
    let k = j;
    let text = '';
    for (;;) {
      const kc = this.cont(k);
      if (kc >= 0) {
        k = kc;
        continue;
      }
      if (k >= lim) break;
      const c = t.charCodeAt(k);
      if (isBlank(c) || isDelimiter(c)) break;
      if (c === 36 && this.isVarStart(k + 1, false)) break;
      if (c === 92) {
        this.diag.error(k, "unexpected '\\' outside a quoted string (a line continuation '\\' must end the line)");
        k++;
        continue;
      }
      if (c === 61 && !inValue) {
        const tok = this.tok('prop', text, j, k + 1, space);
        this.valueAt = k + 1;
        return tok;
      }
      text += t[k];
      k++;
    }
    const kind: TokenKind = !inValue && (text.startsWith('/') || text === '..' || text.startsWith('../')) ? 'path' : 'word';
    return this.tok(kind, text, j, k, space);
  }

  private scanExpr(j: number, space: boolean): Token {
    const t = this.src.text;
    const lim = this.limit;
    if (j + 1 < lim) {
      const two = t.slice(j, j + 2);
      if (TWO_CHAR_OPS.includes(two)) return this.tok('op', two, j, j + 2, space);
    }
    if (ONE_CHAR_OPS.includes(t[j]!)) return this.tok('op', t[j]!, j, j + 1, space);
    let k = j;
    let text = '';
    let lastEnd = j;
    for (;;) {
      const kc = this.cont(k);
      if (kc >= 0) {
        k = kc;
        continue;
      }
      if (k >= lim) break;
      const d = t.charCodeAt(k);
      if (isBlank(d) || isDelimiter(d) || isExprStop(d)) break;
      if (d === 36 && this.isVarStart(k + 1, false)) break;
      if (d === 36) this.diag.error(k, "expected a variable name after '$'");
      if (d === 45 && k + 1 < lim && t.charCodeAt(k + 1) === 62) break;
      if (d === 92) {
        this.diag.error(k, "unexpected '\\' outside a quoted string (a line continuation '\\' must end the line)");
        k++;
        continue;
      }
      text += t[k];
      k++;
      lastEnd = k;
    }
    // `"a"."b"`, `10-$x`, `$a/$b`: an operator glued to the start of the next value belongs to that operator.
    if (text.length > 1 && k < lim) {
      const n = t.charCodeAt(k);
      const last = text.charCodeAt(text.length - 1);
      if ((n === 36 || n === 34 || n === 40 || n === 91) && (last === 46 || last === 45 || last === 47 || last === 42)) {
        return this.tok('word', text.slice(0, -1), j, lastEnd - 1, space);
      }
    }
    return this.tok('word', text, j, k, space);
  }

  private scanString(j: number, space: boolean): Token {
    const t = this.src.text;
    const lim = this.limit;
    const parts: StrPart[] = [];
    let k = j + 1;
    let buf = '';
    let bufStart = k;
    let bytes: number[] = [];
    let closed = false;
    const flushBytes = (): void => {
      if (bytes.length > 0) {
        buf += decodeBytes(bytes);
        bytes = [];
      }
    };
    const flushText = (end: number): void => {
      flushBytes();
      if (buf.length > 0) parts.push({ kind: 'text', text: buf, start: bufStart, end });
      buf = '';
    };
    for (;;) {
      const kc = this.cont(k);
      if (kc >= 0) {
        k = kc;
        continue;
      }
      if (k >= lim) break;
      const c = t.charCodeAt(k);
      if (c === 10 || c === 13) break;
      if (c === 34) {
        closed = true;
        k++;
        break;
      }
      if (c === 92) {
        if (k + 1 >= lim) {
          k++;
          break;
        }
        const d = t.charCodeAt(k + 1);
        if (isUpperHex(d) && k + 2 < lim && isUpperHex(t.charCodeAt(k + 2))) {
          bytes.push(parseInt(t.slice(k + 1, k + 3), 16));
          k += 3;
          continue;
        }
        flushBytes();
        const e = ESCAPES[t[k + 1]!];
        if (e !== undefined) buf += e;
        else {
          this.diag.warning(k, `unknown escape '\\${t[k + 1]}' in quoted string (kept as '${t[k + 1]}'); escapes are \\" \\\\ \\$ \\? \\_ \\n \\r \\t \\a \\b \\f \\v and \\XX hex`);
          buf += t[k + 1];
        }
        k += 2;
        continue;
      }
      if (c === 36 /* $ */) {
        const d = k + 1 < lim ? t.charCodeAt(k + 1) : -1;
        if (d === 34) {
          flushText(k);
          const r = this.scanQuotedName(k + 1);
          parts.push({ kind: 'var', name: r.name, quoted: true, start: k, end: r.end });
          k = r.end;
          bufStart = k;
          if (!r.closed) break;
          continue;
        }
        if (d === 40 || d === 91) {
          const close = this.scanBalanced(k + 2, d === 40 ? 41 : 93, 0);
          if (close < 0) {
            this.diag.error(k, `unterminated '$${d === 40 ? '(' : '['}' in quoted string: expected '${d === 40 ? ')' : ']'}' on the same line`);
            flushText(k);
            k = this.endOfLine(k);
            break;
          }
          flushText(k);
          parts.push({ kind: d === 40 ? 'expr' : 'cmd', start: k + 2, end: close });
          k = close + 1;
          bufStart = k;
          continue;
        }
        if (d >= 0 && isNameChar(d)) {
          flushText(k);
          const ph = this.placeholderEnd(k, true);
          if (ph >= 0) {
            parts.push({ kind: 'placeholder', name: t.slice(k + 1, ph - 1), start: k, end: ph });
            k = ph;
          } else {
            let m = k + 1;
            while (m < lim && isNameChar(t.charCodeAt(m))) m++;
            parts.push({ kind: 'var', name: t.slice(k + 1, m), quoted: false, start: k, end: m });
            k = m;
          }
          bufStart = k;
          continue;
        }
        this.diag.warning(k, "'$' in a quoted string starts a variable reference; write '\\$' for a literal dollar sign");
        flushBytes();
        buf += '$';
        k++;
        continue;
      }
      flushBytes();
      buf += t[k];
      k++;
    }
    flushText(closed ? k - 1 : k);
    if (!closed) {
      const p = this.src.pos(j);
      this.diag.error(k, `unterminated quoted string started at ${formatPos(p)} (expected '"' before the end of the line)`);
    }
    let text = '';
    for (const p of parts) if (p.kind === 'text') text += p.text;
    return this.tok('string', text, j, k, space, { parts, closed });
  }

  private endOfLine(k: number): number {
    const t = this.src.text;
    while (k < this.limit) {
      const c = t.charCodeAt(k);
      if (c === 10 || c === 13) break;
      k++;
    }
    return k;
  }

  /**
   * Find the closing bracket `close` for an interpolation whose content starts at k, skipping nested
   * brackets and strings. Returns its index, or -1 when the line (or input) ends first.
   */
  private scanBalanced(k: number, close: number, depth: number): number {
    if (depth > 64) return -1;
    const t = this.src.text;
    const lim = this.limit;
    const stack: number[] = [close];
    for (;;) {
      k = this.skipCont(k);
      if (k >= lim) return -1;
      const c = t.charCodeAt(k);
      if (c === 10 || c === 13) return -1;
      if (c === 34) {
        k = this.skipString(k, depth + 1);
        if (k < 0) return -1;
        continue;
      }
      if (c === 92) {
        k += 2;
        continue;
      }
      if (c === 40) stack.push(41);
      else if (c === 91) stack.push(93);
      else if (c === 123) stack.push(125);
      else if (c === 41 || c === 93 || c === 125) {
        if (c !== stack[stack.length - 1]) return -1;
        stack.pop();
        if (stack.length === 0) return k;
      }
      if (stack.length > 256) return -1;
      k++;
    }
  }

  /** Skip a quoted string starting at its opening quote; returns the index after the closing quote or -1. */
  private skipString(k: number, depth: number): number {
    if (depth > 64) return -1;
    const t = this.src.text;
    const lim = this.limit;
    k++;
    for (;;) {
      k = this.skipCont(k);
      if (k >= lim) return -1;
      const c = t.charCodeAt(k);
      if (c === 10 || c === 13) return -1;
      if (c === 34) return k + 1;
      if (c === 92) {
        k += 2;
        continue;
      }
      if (c === 36 && k + 1 < lim) {
        const d = t.charCodeAt(k + 1);
        if (d === 40 || d === 91) {
          const r = this.scanBalanced(k + 2, d === 40 ? 41 : 93, depth + 1);
          if (r < 0) return -1;
          k = r + 1;
          continue;
        }
        if (d === 34) {
          // $"name" inside a string: skip the quoted name
          let m = k + 2;
          while (m < lim && t.charCodeAt(m) !== 34 && t.charCodeAt(m) !== 10 && t.charCodeAt(m) !== 13) m++;
          if (m >= lim || t.charCodeAt(m) !== 34) return -1;
          k = m + 1;
          continue;
        }
      }
      k++;
    }
  }
}

const ESCAPES: Readonly<Record<string, string>> = {
  '"': '"',
  '\\': '\\',
  $: '$',
  '?': '?',
  _: ' ',
  n: '\n',
  r: '\r',
  t: '\t',
  a: '\x07',
  b: '\b',
  f: '\f',
  v: '\v',
};

export interface TokenizeResult {
  readonly tokens: Token[];
  readonly errors: import('./errors').ConfigError[];
  readonly warnings: import('./errors').ConfigError[];
}

/**
 * Tokenize a whole text for inspection and tests. Modes follow the brackets the way the parser uses them:
 * `(` switches to expression mode, `[` and `{` to command mode, the closing bracket restores the outer mode,
 * and a `where` word in command mode switches to expression mode until the end of that command.
 */
export function tokenize(text: string, options: { file?: string; mode?: LexMode } = {}): TokenizeResult {
  const src = new SourceText(text, options.file ?? '<input>');
  const diag = new Diagnostics(src);
  const lex = new Lexer(src, diag);
  const tokens: Token[] = [];
  const stack: { mode: LexMode; where: boolean }[] = [{ mode: options.mode ?? 'command', where: false }];
  for (;;) {
    const top = stack[stack.length - 1]!;
    const mode: LexMode = top.where ? 'expression' : top.mode;
    const tok = lex.next(mode);
    tokens.push(tok);
    if (tok.kind === 'eof') break;
    if (tok.kind === '(') stack.push({ mode: 'expression', where: false });
    else if (tok.kind === '[' || tok.kind === '{') stack.push({ mode: 'command', where: false });
    else if ((tok.kind === ')' || tok.kind === ']' || tok.kind === '}') && stack.length > 1) stack.pop();
    else if (tok.kind === 'newline' || tok.kind === ';') top.where = false;
    else if (tok.kind === 'word' && tok.text === 'where' && tok.spaceBefore && top.mode === 'command') top.where = true;
  }
  return { tokens, errors: diag.errors, warnings: diag.warnings };
}
