/**
 * Parser plumbing shared by the layers (values, expressions, statements): token access, error reporting
 * with one error per token, nesting limits and recovery to the end of a command.
 */
import type { Comment, Statement } from './ast';
import type { Diagnostics } from './errors';
import type { LexMode, Lexer, Token } from './lexer';
import type { Pos, SourceText } from './source';

export interface ParseOptions {
  /** File name used in errors. */
  file?: string;
  /**
   * Menu knowledge (from menu schemas): true when `word` is a command of `menu`, false when it is a submenu,
   * undefined to fall back to the built-in verb list.
   */
  isCommand?: (menu: readonly string[], word: string) => boolean | undefined;
  /** Stop recording after this many errors (default 1000). */
  maxErrors?: number;
  /**
   * The text is a piece of a bigger file that starts at this line (1-based) and UTF-8 byte offset: positions
   * are reported in the file's terms (the loader parses big files a chunk at a time).
   */
  start?: { readonly line: number; readonly offset: number };
}

/** Where a statement list is being parsed. */
export interface Ctx {
  /** Current menu; replaced by menu-change lines. */
  menu: string[];
  closer: '}' | ']' | 'eof';
  /** Inside `[ ... ]`: a head without a known verb is still a command (its last word is the verb). */
  subst: boolean;
}

/** Bracket nesting limit: `[`, `(`, `{` and string interpolations. */
export const MAX_DEPTH = 64;
/**
 * Limit on the depth of a statement's syntax tree. Operator chains (`1 + 1 + ...`) parse iteratively but
 * nest left-deep; the limit keeps every recursive tree walker (evaluator, printer) well within the stack.
 */
export const MAX_TREE = 1000;

/** Bracket nesting shared by a parser and the sub-parsers of its string interpolations. */
export interface Nesting {
  brackets: number;
}

/** Depth of a syntax tree (objects and arrays, positions excluded), measured without recursion; stops past `limit`. */
export function treeDepth(root: object, limit: number): number {
  const stack: [object, number][] = [[root, 1]];
  let max = 0;
  while (stack.length > 0) {
    const [node, d] = stack.pop()!;
    if (d > max) {
      max = d;
      if (max > limit) return max;
    }
    for (const [k, c] of Object.entries(node)) {
      if (c !== null && typeof c === 'object' && k !== 'pos' && k !== 'end') stack.push([c as object, d + 1]);
    }
  }
  return max;
}

export function isTerminator(t: Token): boolean {
  return t.kind === 'newline' || t.kind === ';' || t.kind === 'eof' || t.kind === '}' || t.kind === ']';
}

export function isValueStart(t: Token): boolean {
  switch (t.kind) {
    case 'word':
    case 'path':
    case 'string':
    case 'var':
    case 'placeholder':
    case '[':
    case '(':
    case '{':
      return true;
    default:
      return false;
  }
}

/** Human description of a token for "expected X, found Y" messages. */
export function describeToken(t: Token): string {
  switch (t.kind) {
    case 'eof':
      return 'end of input';
    case 'newline':
      return 'end of line';
    case 'comment':
      return 'a comment';
    case 'string':
      return 'a quoted string';
    case 'var':
      return `variable $${t.quoted ? `"${t.text}"` : t.text}`;
    case 'placeholder':
      return `placeholder $${t.text}$`;
    case 'prop':
      return `property '${t.text}='`;
    case 'word':
    case 'path':
      return `'${t.text.length > 40 ? `${t.text.slice(0, 40)}...` : t.text}'`;
    default:
      return `'${t.text}'`;
  }
}

export abstract class ParserBase {
  protected prevEnd: number;
  protected lastErrorAt = -1;

  constructor(
    protected readonly src: SourceText,
    protected readonly diag: Diagnostics,
    protected readonly lex: Lexer,
    protected readonly opts: ParseOptions,
    protected readonly comments: Comment[],
    protected readonly nest: Nesting,
  ) {
    this.prevEnd = lex.begin;
  }

  /** Parse statements until the context's closer (consumed) or the end of input (parser.ts). */
  abstract parseList(ctx: Ctx, open: Token | undefined): Statement[];

  protected peek(mode: LexMode = 'command'): Token {
    return this.lex.peek(mode);
  }

  protected take(mode: LexMode = 'command'): Token {
    const t = this.lex.next(mode);
    if (t.kind !== 'eof') this.prevEnd = t.end;
    return t;
  }

  protected pos(index: number): Pos {
    return this.src.pos(index);
  }

  protected endPos(): Pos {
    return this.src.pos(this.prevEnd);
  }

  /** Report an error; a second error at the same token is suppressed (it is a consequence of the first). */
  protected error(at: Token | number, message: string): void {
    const index = typeof at === 'number' ? at : at.start;
    if (index === this.lastErrorAt) return;
    this.lastErrorAt = index;
    this.diag.error(index, message);
  }

  /** Enter a bracket level; false (after reporting) when nesting is too deep. */
  protected enter(at: Token | number): boolean {
    if (this.nest.brackets >= MAX_DEPTH) {
      this.error(at, `nesting too deep (more than ${MAX_DEPTH} levels of brackets)`);
      return false;
    }
    this.nest.brackets++;
    return true;
  }

  protected leave(): void {
    this.nest.brackets--;
  }

  /** Skip the rest of a command: up to (not including) the line end, ';' or a closing bracket at depth 0. */
  protected skipCommand(): void {
    let depth = 0;
    for (;;) {
      const t = this.peek();
      if (t.kind === 'eof') return;
      if (depth === 0 && (t.kind === 'newline' || t.kind === ';' || t.kind === '}' || t.kind === ']' || t.kind === ')')) return;
      if (t.kind === '{' || t.kind === '[' || t.kind === '(') depth++;
      else if (t.kind === '}' || t.kind === ']' || t.kind === ')') depth--;
      this.take();
    }
  }

  protected expectEndOfCommand(what: string): void {
    const t = this.peek();
    if (isTerminator(t)) return;
    this.error(t, `expected end of command (new line or ';') after ${what}, found ${describeToken(t)}`);
    this.skipCommand();
  }

  /** Skip to the closing bracket (consumed) after a nesting-limit error. */
  protected skipBracket(close: '}' | ']' | ')'): void {
    let depth = 0;
    for (;;) {
      const t = this.take();
      if (t.kind === 'eof') return;
      if (t.kind === '{' || t.kind === '[' || t.kind === '(') depth++;
      else if (t.kind === '}' || t.kind === ']' || t.kind === ')') {
        if (depth === 0) {
          if (t.kind !== close) this.error(t, `expected '${close}', found '${t.kind}'`);
          return;
        }
        depth--;
      }
    }
  }
}
