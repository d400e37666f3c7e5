/**
 * RouterOS script parser: statements and commands (values in parse-values.ts, expressions in
 * parse-expressions.ts, shared plumbing in parse-base.ts).
 *
 * - Menu paths are resolved while parsing (see ast.ts). `/path` alone changes the current menu for the rest of
 *   the enclosing block; `/path { ... }` runs the block in that menu and restores the outer one.
 * - Recovery is per command: after an error the parser skips to the end of the command (balancing brackets)
 *   and carries on, so one file yields all its errors. Commands with errors are left out of the tree.
 * - It never throws on input; nesting is capped so hostile input cannot exhaust the stack.
 */
import type { Comment, MenuBlock, MenuChange, MenuCommand, Prop, Script, ScriptCommand, Selector, Statement, Value, VarValue } from './ast';
import { Diagnostics } from './errors';
import { Lexer, type Token } from './lexer';
import { type Ctx, MAX_TREE, type ParseOptions, describeToken, isTerminator, isValueStart, treeDepth } from './parse-base';
import { ExpressionParser } from './parse-expressions';
import { type Pos, SourceText } from './source';
import {
  BARE_GLOBALS_ANYWHERE,
  BARE_GLOBALS_AT_ROOT,
  CODE_PROPS,
  CONTROL_PROPS,
  DEFAULT_VERBS,
  ITEM_VERBS,
  SCRIPT_COMMANDS,
  UNSET_VERBS,
} from './vocabulary';

export { describeToken, type ParseOptions } from './parse-base';

/** Parse a whole script. Never throws; errors are in `script.errors`. */
export function parseScript(text: string, options: ParseOptions | string = {}): Script {
  const opts: ParseOptions = typeof options === 'string' ? { file: options } : options;
  const file = opts.file ?? '<input>';
  const src = new SourceText(text, file, opts.start);
  const diag = new Diagnostics(src, opts.maxErrors ?? 1000);
  const comments: Comment[] = [];
  let statements: Statement[] = [];
  try {
    const p = new Parser(src, diag, new Lexer(src, diag), opts, comments, { brackets: 0 });
    statements = p.parseList({ menu: [], closer: 'eof', subst: false }, undefined);
  } catch (e) {
    diag.error(0, `internal parser error: ${e instanceof Error ? e.message : String(e)}`);
  }
  return { file, statements, comments, errors: diag.errors, warnings: diag.warnings };
}

const PATH_WORD = /^[A-Za-z0-9_.\-/]+$/;
const UNSET_WORD = /^![A-Za-z0-9_.-]+$/;
const PROP_NAME = /^[^\s!="$[\]{}()]+$/;

class Parser extends ExpressionParser {
  private isVerb(menu: readonly string[], word: string): boolean {
    const known = this.opts.isCommand?.(menu, word);
    return known ?? DEFAULT_VERBS.has(word);
  }

  /** Parse statements until the context's closer (consumed) or the end of input. */
  parseList(ctx: Ctx, open: Token | undefined): Statement[] {
    const out: Statement[] = [];
    for (;;) {
      const t = this.peek();
      if (t.kind === 'eof') {
        if (ctx.closer !== 'eof' && open !== undefined) {
          this.diag.error(open.start, `'${open.text}' is never closed: expected '${ctx.closer}' before the end of input`);
        }
        return out;
      }
      if (t.kind === ctx.closer) {
        this.take();
        return out;
      }
      const before = this.lex.index;
      const s = this.parseStatement(ctx);
      // A tree deeper than MAX_TREE needs a long statement (a level costs at least one character, brackets
      // are capped at 64): short statements, nearly all of them, skip the walk.
      if (s !== null && this.nest.brackets === 0 && ctx.closer === 'eof' && s.end.offset - s.pos.offset >= 200 && treeDepth(s, MAX_TREE) > MAX_TREE) {
        this.diag.errorAt(s.pos, `statement too complex (its syntax tree is nested more than ${MAX_TREE} levels deep)`);
      } else if (s !== null) out.push(s);
      if (this.lex.index === before && this.peek() === t) this.take();
    }
  }

  private parseStatement(ctx: Ctx): Statement | null {
    const t = this.peek();
    switch (t.kind) {
      case 'newline':
      case ';':
        this.take();
        return null;
      case 'comment':
        this.take();
        this.comments.push({ text: t.text, pos: t.pos });
        return null;
      case '}':
      case ']':
      case ')':
        this.take();
        this.error(
          t,
          ctx.closer === 'eof'
            ? `unbalanced '${t.kind}' (no matching opening bracket)`
            : `unbalanced '${t.kind}' (expected '${ctx.closer}' or a command)`,
        );
        return null;
      case '{': {
        this.take();
        if (!this.enter(t)) {
          this.skipCommand();
          return null;
        }
        const body = this.parseList({ menu: [...ctx.menu], closer: '}', subst: false }, t);
        this.leave();
        const end = this.endPos();
        this.expectEndOfCommand("'}'");
        return { kind: 'block', body, pos: t.pos, end };
      }
      case '[':
      case '(': {
        const v = this.parsePieces(ctx, false);
        if (v === null) return null;
        this.expectEndOfCommand(t.kind === '[' ? 'a command substitution' : 'an expression');
        return { kind: 'expr', value: v.value, pos: t.pos, end: this.pos(v.end) };
      }
      case 'string':
        this.take();
        this.error(t, 'expected a command, found a quoted string');
        this.skipCommand();
        return null;
      case 'var': {
        this.take();
        const callee: VarValue = { kind: 'var', name: t.text, raw: this.src.logical(t.start, t.end), pos: t.pos, end: this.pos(t.end) };
        const a = this.parseArgs(ctx, { where: false, codeArg: () => false });
        if (a === null) return null;
        return { kind: 'call', callee, args: a.args, props: a.props, pos: t.pos, end: this.endPos() };
      }
      case 'placeholder':
        this.take();
        this.reportPlaceholder(t.text, t.start);
        this.skipCommand();
        return null;
      case 'prop':
        this.take();
        this.error(t, `expected a command, found property '${t.text}='`);
        this.skipCommand();
        return null;
      case 'word':
      case 'path':
        return this.parseCommand(ctx);
      default:
        this.take();
        this.error(t, `expected a command, found ${describeToken(t)}`);
        this.skipCommand();
        return null;
    }
  }

  private parseCommand(ctx: Ctx): Statement | null {
    const first = this.peek();
    const text = first.text;
    if (text.startsWith('#')) {
      this.take();
      this.error(first, "'#' starts a comment only at the beginning of a line (not after other text or ';')");
      this.skipCommand();
      return null;
    }
    if (first.kind === 'word' && text.startsWith(':')) {
      this.take();
      return this.parseScriptCommand(ctx, first, text.slice(1));
    }
    if (first.kind === 'word' && (BARE_GLOBALS_ANYWHERE.has(text) || (ctx.menu.length === 0 && BARE_GLOBALS_AT_ROOT.has(text)))) {
      this.take();
      return this.parseScriptCommand(ctx, first, text);
    }
    return this.parseMenuCommand(ctx);
  }

  private parseScriptCommand(ctx: Ctx, head: Token, name: string): ScriptCommand | null {
    const known = SCRIPT_COMMANDS.has(name);
    if (name === '') this.error(head, "expected a command name after ':'");
    else if (!known) this.error(head, `unknown script command ':${name}'`);
    const codeArg = (prop: string | null, index: number): boolean =>
      prop === null ? name === 'do' && index === 0 : CODE_PROPS.has(prop);
    const a = this.parseArgs(ctx, { where: false, codeArg });
    if (a === null || name === '' || !known) return null;
    const cmd: ScriptCommand = { kind: 'script', name, args: a.args, props: a.props, pos: head.pos, end: this.endPos() };
    return this.checkScriptCommand(cmd) ? cmd : null;
  }

  /** Check the shape of control-flow commands; returns false (after reporting) when unusable. */
  private checkScriptCommand(cmd: ScriptCommand): boolean {
    const allowed = CONTROL_PROPS[cmd.name];
    if (allowed === undefined) return true;
    let ok = true;
    const fail = (at: Pos, message: string): void => {
      this.diag.errorAt(at, message);
      ok = false;
    };
    for (const p of cmd.props) {
      if (!allowed.includes(p.name)) {
        fail(p.pos, `unknown argument '${p.name}' for ':${cmd.name}'${allowed.length ? ` (expected ${allowed.join(', ')})` : ''}`);
      }
    }
    const has = (n: string): boolean => cmd.props.some((p) => p.name === n);
    const needs = (n: string, example: string): void => {
      if (!has(n)) fail(cmd.pos, `':${cmd.name}' needs ${n}=, e.g. ${example}`);
    };
    switch (cmd.name) {
      case 'if':
        if (cmd.args.length === 0) fail(cmd.pos, "':if' needs a condition, e.g. :if ($a = 1) do={ :put yes }");
        needs('do', ':if ($a = 1) do={ :put yes }');
        break;
      case 'while':
        if (cmd.args.length === 0) fail(cmd.pos, "':while' needs a condition, e.g. :while ($i < 3) do={ :set i ($i + 1) }");
        needs('do', ':while ($i < 3) do={ ... }');
        break;
      case 'foreach':
        if (cmd.args.length === 0) fail(cmd.pos, "':foreach' needs a loop variable, e.g. :foreach i in=$list do={ :put $i }");
        needs('in', ':foreach i in=$list do={ ... }');
        needs('do', ':foreach i in=$list do={ ... }');
        break;
      case 'for':
        if (cmd.args.length === 0) fail(cmd.pos, "':for' needs a loop variable, e.g. :for i from=1 to=10 do={ :put $i }");
        needs('from', ':for i from=1 to=10 do={ ... }');
        needs('to', ':for i from=1 to=10 do={ ... }');
        needs('do', ':for i from=1 to=10 do={ ... }');
        break;
      case 'do':
        if (!(cmd.args[0]?.kind === 'block' || has('do'))) fail(cmd.pos, "':do' needs a code block, e.g. :do { ... } on-error={ ... }");
        break;
      case 'local':
      case 'global':
      case 'set': {
        const n = cmd.args[0];
        if (n === undefined || !(n.kind === 'word' || (n.kind === 'quoted' && n.text !== undefined))) {
          fail(cmd.pos, `':${cmd.name}' needs a variable name, e.g. :${cmd.name} count 0`);
        } else if (cmd.args.length > 2) {
          fail(cmd.args[2]!.pos, `':${cmd.name}' takes a name and one value; quote values that contain spaces`);
        }
        break;
      }
      default:
        break;
    }
    return ok;
  }

  private parseMenuCommand(ctx: Ctx): Statement | null {
    const head: Token[] = [];
    let glued = -1;
    for (;;) {
      const t = this.peek();
      if (t.kind !== 'word' && t.kind !== 'path') break;
      if (!PATH_WORD.test(t.text)) break;
      if (head.length > 0 && (t.text === 'where' || t.text.startsWith('/'))) break;
      this.take();
      head.push(t);
      const n = this.peek();
      if (!n.spaceBefore && isValueStart(n) && n.kind !== '{') {
        glued = head.length - 1;
        break;
      }
    }
    const first = head[0] ?? this.peek();
    if (head.length === 0) {
      this.take();
      this.error(first, `expected a command or a menu path, found ${describeToken(first)}`);
      this.skipCommand();
      return null;
    }

    // Split the head into path components, find the verb.
    const absolute = head[0]!.text.startsWith('/');
    const comps: { text: string; tok: number }[] = [];
    head.forEach((t, k) => {
      for (const c of t.text.split('/')) if (c !== '' && c !== '.') comps.push({ text: c, tok: k });
    });
    let menu: string[] = absolute ? [] : [...ctx.menu];
    const walk = (upto: number): string[] => {
      const m: string[] = absolute ? [] : [...ctx.menu];
      for (let k = 0; k < upto; k++) {
        const c = comps[k]!.text;
        if (c === '..') {
          if (m.length === 0) this.diag.warning(head[comps[k]!.tok]!.start, "'..' at the root menu stays at the root");
          m.pop();
        } else m.push(c);
      }
      return m;
    };
    let verbAt = -1;
    for (let k = 0; k < comps.length; k++) {
      const c = comps[k]!.text;
      if (c === '..') {
        menu.pop();
        continue;
      }
      if (this.isVerb(menu, c)) {
        verbAt = k;
        break;
      }
      menu.push(c);
    }
    const next = this.peek();
    if (verbAt < 0) {
      if (next.kind === '{' && glued < 0) {
        const path = walk(comps.length);
        this.take();
        if (!this.enter(next)) {
          this.skipCommand();
          return null;
        }
        const body = this.parseList({ menu: [...path], closer: '}', subst: false }, next);
        this.leave();
        const end = this.endPos();
        this.expectEndOfCommand("'}'");
        const block: MenuBlock = { kind: 'menu-block', path, body, pos: first.pos, end };
        return block;
      }
      if (isTerminator(next) && glued < 0 && !ctx.subst) {
        const path = walk(comps.length);
        ctx.menu = [...path];
        const change: MenuChange = { kind: 'menu', path, pos: first.pos, end: this.endPos() };
        this.expectEndOfCommand('a menu path');
        return change;
      }
      verbAt = comps.length - 1;
      if (verbAt < 0 || comps[verbAt]!.text === '..') {
        this.error(next, `expected a command after the menu path, found ${describeToken(next)}`);
        this.skipCommand();
        return null;
      }
    }
    const path = walk(verbAt);
    const verbComp = comps[verbAt]!;
    const verb = verbComp.text;
    // `[ find ]` in the arguments runs in the command's menu.
    const argCtx: Ctx = { menu: [...path], closer: ctx.closer, subst: ctx.subst };

    // Positional words that followed the verb in the head.
    const args: Value[] = [];
    for (let k = verbAt + 1; k < comps.length; k++) {
      if (comps[k]!.tok === verbComp.tok) {
        const t = head[verbComp.tok]!;
        this.error(t, `unexpected '/${comps[k]!.text}' after the command '${verb}'`);
      }
    }
    for (let k = verbComp.tok + 1; k < head.length; k++) {
      const t = head[k]!;
      if (k === glued) {
        const v = this.parsePiecesFrom(argCtx, t, false);
        if (v === null) return null;
        args.push(v.value);
      } else {
        args.push(this.wordValue(t));
      }
    }
    const rest = this.parseArgs(argCtx, { where: true, codeArg: (p) => p !== null && CODE_PROPS.has(p) });
    if (rest === null) return null;
    const positional = [...args, ...rest.args];
    return this.buildCommand(path, verb, positional, rest.props, rest.where, first.pos);
  }

  private buildCommand(
    path: string[],
    verb: string,
    positional: Value[],
    props: Prop[],
    where: Selector | undefined,
    pos: Pos,
  ): MenuCommand {
    const allProps: Prop[] = [...props];
    let args = positional;
    if (UNSET_VERBS.has(verb)) {
      // `!name` words unset properties; keep source order by position.
      args = [];
      for (const v of positional) {
        if (v.kind === 'word' && UNSET_WORD.test(v.text)) {
          allProps.push({ name: v.text.slice(1), value: null, unset: true, pos: v.pos, end: v.end });
        } else args.push(v);
      }
      allProps.sort((a, b) => a.pos.offset - b.pos.offset);
    }
    let selector: Selector | undefined = where;
    if (selector === undefined && ITEM_VERBS.has(verb)) {
      const k = allProps.findIndex((p) => p.name === 'numbers' && p.value !== null);
      if (k >= 0) {
        const p = allProps[k]!;
        allProps.splice(k, 1);
        selector = { kind: 'items', value: p.value!, pos: p.pos, end: p.end };
      } else if (args.length > 0) {
        const v = args[0]!;
        args = args.slice(1);
        const find = v.kind === 'subst' && v.body.length === 1 && v.body[0]!.kind === 'command' && v.body[0]!.verb === 'find' ? v.body[0]! : undefined;
        selector = find !== undefined ? { kind: 'find', find, pos: v.pos, end: v.end } : { kind: 'items', value: v, pos: v.pos, end: v.end };
      }
    }
    return { kind: 'command', path, verb, args, props: allProps, selector, pos, end: this.endPos() };
  }

  /**
   * Parse arguments up to the end of the command: `name=value`, positional values, and (when allowed) a
   * `where` expression that runs to the end of the command. Returns null after an unrecoverable error
   * (the rest of the command has been skipped).
   */
  private parseArgs(
    ctx: Ctx,
    o: { where: boolean; codeArg: (prop: string | null, index: number) => boolean },
  ): { args: Value[]; props: Prop[]; where: Selector | undefined } | null {
    const args: Value[] = [];
    const props: Prop[] = [];
    let where: Selector | undefined;
    let ok = true;
    for (;;) {
      const t = this.peek();
      if (isTerminator(t)) break;
      if (t.kind === ')') {
        this.take();
        this.error(t, "unbalanced ')' (no matching '(')");
        ok = false;
        continue;
      }
      if (t.kind === 'prop') {
        this.take();
        const name = t.text;
        if (name === '') {
          this.error(t, "expected a property name before '='");
          ok = false;
        } else if (!PROP_NAME.test(name)) {
          this.error(t, `invalid property name '${name}'`);
          ok = false;
        }
        const n = this.peek();
        let value: Value;
        if (!n.spaceBefore && isValueStart(n)) {
          const v = this.parsePieces(ctx, o.codeArg(name, -1));
          if (v === null) return null;
          value = v.value;
        } else {
          const at = this.pos(t.end);
          value = { kind: 'word', text: '', negated: false, raw: '', pos: at, end: at };
        }
        props.push({ name, value, unset: false, pos: t.pos, end: this.endPos() });
        continue;
      }
      if (o.where && t.kind === 'word' && t.text === 'where') {
        this.take();
        const start = this.peek('expression');
        if (isTerminator(start)) {
          this.error(start, `expected an expression after 'where', found ${describeToken(start)}`);
          return null;
        }
        const expr = this.parseExpr(0, { paren: false }, ctx);
        if (expr === null) {
          this.skipCommand();
          return null;
        }
        const after = this.peek('expression');
        if (!isTerminator(after)) {
          this.error(after, `expected an operator or the end of the command in the 'where' expression, found ${describeToken(after)}`);
          this.skipCommand();
          return null;
        }
        where = { kind: 'where', expr, raw: this.src.logical(start.start, this.prevEnd), pos: t.pos, end: this.endPos() };
        break;
      }
      if (isValueStart(t)) {
        const v = this.parsePieces(ctx, o.codeArg(null, args.length));
        if (v === null) return null;
        args.push(v.value);
        continue;
      }
      this.take();
      this.error(t, `unexpected ${describeToken(t)}`);
      ok = false;
    }
    if (!ok) {
      this.skipCommand();
      return null;
    }
    return { args, props, where };
  }

  protected subParser(start: number, end: number): Parser {
    return new Parser(this.src, this.diag, new Lexer(this.src, this.diag, start, end), this.opts, this.comments, this.nest);
  }

}
