/**
 * Expressions inside `( ... )`, `$( ... )` and after `where`: precedence climbing over
 * `, || && | ^ & = != < > <= >= ~ in << >> . + - * / %`, unary `! not - ~`, postfix `->`.
 */
import type { BinaryOp, Expr, UnaryOp, Value } from './ast';
import type { Token } from './lexer';
import { type Ctx, describeToken } from './parse-base';
import { type ExprMode, ValueParser } from './parse-values';
import { formatPos } from './source';

const BINARY_PREC: Readonly<Record<string, number>> = {
  ',': 1,
  '||': 2,
  or: 2,
  '&&': 3,
  and: 3,
  '|': 4,
  '^': 5,
  '&': 6,
  '=': 7,
  '!=': 7,
  '<': 7,
  '>': 7,
  '<=': 7,
  '>=': 7,
  '~': 7,
  in: 7,
  '<<': 8,
  '>>': 8,
  '.': 9,
  '+': 10,
  '-': 10,
  '*': 11,
  '/': 11,
  '%': 11,
};

export abstract class ExpressionParser extends ValueParser {
  /** After '(' was taken: the expression and its ')'. Null after an error (recovered past ')' or to the line end). */
  protected parseParenRest(open: Token, ctx: Ctx): Expr | null {
    const expr = this.parseExpr(0, { paren: true }, ctx);
    const t = this.peekExpr({ paren: true }, false);
    if (expr !== null && t.kind === ')') {
      this.take('expression');
      return expr;
    }
    this.error(t, `expected ')' to close '(' opened at ${formatPos(open.pos)}, found ${describeToken(t)}`);
    this.recoverParen();
    return null;
  }

  /** Skip to the matching ')' (consumed) or stop before the end of the line. */
  protected recoverParen(): void {
    let depth = 0;
    for (;;) {
      const t = this.peek('expression');
      if (t.kind === 'eof' || t.kind === 'newline') return;
      if (t.kind === ';' && depth === 0) return;
      this.take('expression');
      if (t.kind === '(' || t.kind === '[' || t.kind === '{') depth++;
      else if (t.kind === ')' || t.kind === ']' || t.kind === '}') {
        if (depth === 0) return;
        depth--;
      }
    }
  }

  /**
   * Next expression token. Inside parentheses line breaks are skipped where an operand is expected, and
   * where an operator is expected only if the next line continues the expression (an operator or ')').
   */
  protected peekExpr(mode: ExprMode, wantOperand: boolean): Token {
    const t = this.peek('expression');
    if (!mode.paren || (t.kind !== 'newline' && t.kind !== 'comment')) return t;
    const saved = this.lex.save();
    let n = t;
    while (n.kind === 'newline' || n.kind === 'comment') {
      this.lex.next('expression');
      n = this.peek('expression');
    }
    if (wantOperand || n.kind === 'op' || n.kind === ')' || (n.kind === 'word' && (n.text === 'and' || n.text === 'or' || n.text === 'in'))) return n;
    this.lex.restore(saved);
    return t;
  }

  protected binaryOp(t: Token): BinaryOp | null {
    if (t.kind === 'op') {
      if (t.text === '!' || t.text === '->') return null;
      return t.text in BINARY_PREC ? (t.text as BinaryOp) : null;
    }
    if (t.kind === 'word' && (t.text === 'and' || t.text === 'or' || t.text === 'in')) return t.text;
    return null;
  }

  /** Precedence climbing. Null after an error (reported; the caller recovers). */
  parseExpr(minPrec: number, mode: ExprMode, ctx: Ctx): Expr | null {
    let left = this.parseUnary(mode, ctx);
    if (left === null) return null;
    for (;;) {
      const t = this.peekExpr(mode, false);
      const op = this.binaryOp(t);
      if (op === null) return left;
      const prec = BINARY_PREC[op]!;
      if (prec < minPrec) return left;
      this.take('expression');
      const right = this.parseExpr(prec + 1, mode, ctx);
      if (right === null) return null;
      left = { kind: 'binary', op, left, right, pos: left.pos, end: right.end };
    }
  }

  protected parseUnary(mode: ExprMode, ctx: Ctx): Expr | null {
    const t = this.peekExpr(mode, true);
    const isUnary = (t.kind === 'op' && (t.text === '!' || t.text === '-' || t.text === '~')) || (t.kind === 'word' && t.text === 'not');
    if (isUnary) {
      this.take('expression');
      if (!this.enter(t)) return null;
      const operand = this.parseUnary(mode, ctx);
      this.leave();
      if (operand === null) return null;
      return { kind: 'unary', op: t.text as UnaryOp, operand, pos: t.pos, end: operand.end };
    }
    let e = this.parsePrimary(mode, ctx);
    if (e === null) return null;
    for (;;) {
      const n = this.peek('expression');
      if (n.kind !== 'op' || n.text !== '->') return e;
      this.take('expression');
      const key = this.parsePrimary(mode, ctx);
      if (key === null) return null;
      e = { kind: 'binary', op: '->', left: e, right: key, pos: e.pos, end: key.end };
    }
  }

  protected parsePrimary(mode: ExprMode, ctx: Ctx): Expr | null {
    const t = this.peekExpr(mode, true);
    const wrap = (value: Value): Expr => ({ kind: 'value', value, pos: value.pos, end: value.end });
    switch (t.kind) {
      case 'word':
      case 'path':
        this.take('expression');
        return wrap(this.wordValue(t));
      case 'string':
        this.take('expression');
        return wrap(this.quotedValue(t, ctx));
      case 'var':
        this.take('expression');
        return wrap({ kind: 'var', name: t.text, raw: this.src.logical(t.start, t.end), pos: t.pos, end: this.pos(t.end) });
      case 'placeholder':
        this.take('expression');
        this.reportPlaceholder(t.text, t.start);
        return wrap({ kind: 'placeholder', name: t.text, raw: this.src.logical(t.start, t.end), pos: t.pos, end: this.pos(t.end) });
      case '(': {
        this.take('expression');
        if (!this.enter(t)) {
          this.skipBracket(')');
          return null;
        }
        const inner = this.parseParenRest(t, ctx);
        this.leave();
        if (inner === null) return null;
        return { kind: 'group', expr: inner, pos: t.pos, end: this.endPos() };
      }
      case '[':
      case '{': {
        const p = this.parsePiece(ctx, false);
        if (p === null) return null;
        return wrap(p.value);
      }
      default:
        this.error(t, `expected a value (word, number, "string", $variable, [command] or (expression)), found ${describeToken(t)}`);
        return null;
    }
  }
}
