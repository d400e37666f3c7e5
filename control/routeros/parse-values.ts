/**
 * Values: words, quoted strings (with their interpolations parsed), variables, `[ ... ]` substitutions,
 * `( ... )` expressions, `{ ... }` code blocks and arrays, and glued pieces (`abc$x`).
 */
import type { ArrayItem, Expr, QuotedValue, StringPiece, Value } from './ast';
import type { Token } from './lexer';
import { type Ctx, ParserBase, describeToken, isValueStart } from './parse-base';
import { BARE_GLOBALS_ANYWHERE, DEFAULT_VERBS } from './vocabulary';

export interface ExprMode {
  /** Inside parentheses (line breaks may continue the expression) rather than after `where`. */
  readonly paren: boolean;
}

export interface Piece {
  value: Value;
  start: number;
  end: number;
}

export abstract class ValueParser extends ParserBase {
  /** A parser for an interpolation inside a quoted string (its own range of the source). */
  protected abstract subParser(start: number, end: number): ValueParser;
  /** After '(' was taken: the expression and its ')' (parse-expressions.ts). */
  protected abstract parseParenRest(open: Token, ctx: Ctx): Expr | null;
  abstract parseExpr(minPrec: number, mode: ExprMode, ctx: Ctx): Expr | null;

  protected reportPlaceholder(name: string, index: number): void {
    this.error(
      index,
      `template placeholder '$${name}$' is not a RouterOS variable: substitute it before loading this file`,
    );
  }

  protected wordValue(t: Token): Value {
    return {
      kind: 'word',
      text: t.text,
      negated: t.kind === 'word' && t.text.length > 1 && t.text.startsWith('!'),
      raw: this.src.logical(t.start, t.end),
      pos: t.pos,
      end: this.pos(t.end),
    };
  }

  /** Parse one value made of glued pieces (no blanks between them). Null after an error (command skipped). */
  protected parsePieces(ctx: Ctx, code: boolean): Piece | null {
    const pieces: Piece[] = [];
    for (;;) {
      const t = this.peek();
      if (pieces.length > 0 && t.spaceBefore) break;
      if (!isValueStart(t)) break;
      const p = this.parsePiece(ctx, code);
      if (p === null) return null;
      pieces.push(p);
    }
    return this.joinPieces(pieces);
  }

  /** Like parsePieces, when the first piece is a word already taken. */
  protected parsePiecesFrom(ctx: Ctx, first: Token, code: boolean): Piece | null {
    const pieces: Piece[] = [{ value: this.wordValue(first), start: first.start, end: first.end }];
    for (;;) {
      const t = this.peek();
      if (t.spaceBefore || !isValueStart(t)) break;
      const p = this.parsePiece(ctx, code);
      if (p === null) return null;
      pieces.push(p);
    }
    return this.joinPieces(pieces);
  }

  protected joinPieces(pieces: Piece[]): Piece | null {
    if (pieces.length === 0) return null;
    if (pieces.length === 1) return pieces[0]!;
    const start = pieces[0]!.start;
    const end = pieces[pieces.length - 1]!.end;
    return {
      value: { kind: 'concat', parts: pieces.map((p) => p.value), raw: this.src.logical(start, end), pos: this.pos(start), end: this.pos(end) },
      start,
      end,
    };
  }

  protected parsePiece(ctx: Ctx, code: boolean): Piece | null {
    const t = this.take();
    const piece = (value: Value): Piece => ({ value, start: t.start, end: this.prevEnd });
    switch (t.kind) {
      case 'word':
      case 'path':
        return piece(this.wordValue(t));
      case 'string':
        return piece(this.quotedValue(t, ctx));
      case 'var':
        return piece({ kind: 'var', name: t.text, raw: this.src.logical(t.start, t.end), pos: t.pos, end: this.pos(t.end) });
      case 'placeholder':
        this.reportPlaceholder(t.text, t.start);
        return piece({ kind: 'placeholder', name: t.text, raw: this.src.logical(t.start, t.end), pos: t.pos, end: this.pos(t.end) });
      case '[': {
        if (!this.enter(t)) {
          this.skipBracket(']');
          return null;
        }
        const body = this.parseList({ menu: [...ctx.menu], closer: ']', subst: true }, t);
        this.leave();
        return piece({ kind: 'subst', body, raw: this.src.logical(t.start, this.prevEnd), pos: t.pos, end: this.endPos() });
      }
      case '(': {
        if (!this.enter(t)) {
          this.skipBracket(')');
          return null;
        }
        const expr = this.parseParenRest(t, ctx);
        this.leave();
        if (expr === null) return null;
        return piece({ kind: 'expr', expr, raw: this.src.logical(t.start, this.prevEnd), pos: t.pos, end: this.endPos() });
      }
      case '{': {
        if (!this.enter(t)) {
          this.skipBracket('}');
          return null;
        }
        const v = this.parseBraceValue(t, ctx, code);
        this.leave();
        return piece(v);
      }
      default:
        this.error(t, `expected a value, found ${describeToken(t)}`);
        return null;
    }
  }

  /** `{ ... }` in value position: code for do=/else=/on-error=, else an array unless it starts like code. */
  protected parseBraceValue(open: Token, ctx: Ctx, code: boolean): Value {
    if (code || this.braceLooksLikeCode()) {
      const body = this.parseList({ menu: [...ctx.menu], closer: '}', subst: false }, open);
      return { kind: 'block', body, raw: this.src.logical(open.start, this.prevEnd), pos: open.pos, end: this.endPos() };
    }
    const items: ArrayItem[] = [];
    let needSep = false;
    for (;;) {
      const t = this.peek();
      if (t.kind === '}') {
        this.take();
        break;
      }
      if (t.kind === 'eof') {
        this.diag.error(open.start, "'{' is never closed: expected '}' before the end of input");
        break;
      }
      if (t.kind === 'newline' || t.kind === ';' || t.kind === 'comment') {
        this.take();
        needSep = false;
        continue;
      }
      if (needSep) {
        this.take();
        this.error(t, `expected ';' or '}' between array elements, found ${describeToken(t)}`);
        continue;
      }
      if (t.kind === 'prop') {
        this.take();
        const n = this.peek();
        let value: Value;
        if (!n.spaceBefore && isValueStart(n)) {
          const v = this.parsePieces(ctx, false);
          if (v === null) continue;
          value = v.value;
        } else {
          const at = this.pos(t.end);
          value = { kind: 'word', text: '', negated: false, raw: '', pos: at, end: at };
        }
        items.push({ key: t.text, value, pos: t.pos });
        needSep = true;
        continue;
      }
      if (isValueStart(t)) {
        const v = this.parsePieces(ctx, false);
        if (v === null) continue;
        items.push({ key: undefined, value: v.value, pos: v.value.pos });
        needSep = true;
        continue;
      }
      this.take();
      this.error(t, `expected an array element, found ${describeToken(t)}`);
    }
    return { kind: 'array', items, raw: this.src.logical(open.start, this.prevEnd), pos: open.pos, end: this.endPos() };
  }

  protected braceLooksLikeCode(): boolean {
    const saved = this.lex.save();
    let t = this.lex.next('command');
    while (t.kind === 'newline' || t.kind === ';' || t.kind === 'comment') t = this.lex.next('command');
    this.lex.restore(saved);
    if (t.kind === 'path' || t.kind === '{') return true;
    if (t.kind === 'word') return t.text.startsWith(':') || BARE_GLOBALS_ANYWHERE.has(t.text) || DEFAULT_VERBS.has(t.text);
    return false;
  }

  protected quotedValue(t: Token, ctx: Ctx): QuotedValue {
    const pieces: StringPiece[] = [];
    let dynamic = false;
    for (const p of t.parts ?? []) {
      switch (p.kind) {
        case 'text':
          pieces.push({ kind: 'text', text: p.text });
          break;
        case 'var':
          dynamic = true;
          pieces.push({ kind: 'var', name: p.name, pos: this.pos(p.start) });
          break;
        case 'placeholder':
          dynamic = true;
          this.reportPlaceholder(p.name, p.start);
          pieces.push({ kind: 'placeholder', name: p.name, pos: this.pos(p.start) });
          break;
        case 'expr': {
          dynamic = true;
          if (!this.enter(p.start)) break;
          const sub = this.subParser(p.start, p.end);
          const expr = sub.parseExpr(0, { paren: true }, ctx);
          if (expr !== null) {
            const rest = sub.peek('expression');
            if (rest.kind !== 'eof') sub.error(rest, `expected ')' to end '$(' in the quoted string, found ${describeToken(rest)}`);
            pieces.push({ kind: 'expr', expr });
          }
          this.leave();
          break;
        }
        case 'cmd': {
          dynamic = true;
          if (!this.enter(p.start)) break;
          const body = this.subParser(p.start, p.end).parseList({ menu: [...ctx.menu], closer: 'eof', subst: true }, undefined);
          pieces.push({ kind: 'cmd', body, pos: this.pos(p.start) });
          this.leave();
          break;
        }
      }
    }
    return {
      kind: 'quoted',
      pieces,
      text: dynamic ? undefined : t.text,
      raw: this.src.logical(t.start, t.end),
      pos: t.pos,
      end: this.pos(t.end),
    };
  }
}
