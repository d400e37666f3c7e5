/**
 * The loader's fast path for plain configuration text (exports, generated configs): lines of the form
 * `[/path] verb name=value ...` go straight to the executor without a syntax tree, and everything else is
 * parsed by the full parser a group of lines at a time. Same results as one parse of the whole file
 * (checked by tests over the corpus), several times less memory and time on a 100k-line file.
 *
 * A file qualifies when no scripting state can span statements: no `{ }` (blocks, functions, arrays) and no
 * `:` command at the start of a line. A line takes the fast path when it is ASCII, not part of a `\`
 * continuation, and free of everything that needs the parser (`[ ] ( ) { } $ ; \ ?`, quotes other than a
 * whole `name="value"`, `where`, scripting words, `..`); anything else goes to the parser, with the menu
 * the lines before it left current.
 */
import { BARE_GLOBALS_ANYWHERE, BARE_GLOBALS_AT_ROOT, DEFAULT_VERBS, ITEM_VERBS, UNSET_VERBS } from '../routeros/vocabulary';
import { ConfigError } from '../routeros/errors';
import { parseScript } from '../routeros/parser';
import { runScript, type ResolvedArg, type ResolvedCommand, type ResolvedProp, type ResolvedSelector, type ScriptValue } from '../routeros/script';
import type { Pos } from '../routeros/source';
import type { Executor } from './exec';
import { menuChangeErrors } from './paths';

/** Does the text qualify for line-by-line loading (no scripting state across statements)? */
export function isPlain(text: string): boolean {
  if (text.includes('{') || text.includes('}') || /\r(?!\n)/.test(text)) return false;
  let prevContinues = false;
  let at = 0;
  while (at < text.length) {
    let nl = text.indexOf('\n', at);
    if (nl < 0) nl = text.length;
    if (!prevContinues) {
      let k = at;
      while (k < nl && (text.charCodeAt(k) === 32 || text.charCodeAt(k) === 9)) k++;
      if (text.charCodeAt(k) === 58) return false;
    }
    prevContinues = endsWithBackslash(text, at, nl);
    at = nl + 1;
  }
  return true;
}

function endsWithBackslash(text: string, at: number, nl: number): boolean {
  let e = nl;
  while (e > at && (text.charCodeAt(e - 1) === 13 || text.charCodeAt(e - 1) === 32 || text.charCodeAt(e - 1) === 9)) e--;
  return e > at && text.charCodeAt(e - 1) === 92;
}

export interface PlainRun {
  readonly errors: ConfigError[];
  readonly warnings: ConfigError[];
}

/**
 * Lines that need the parser start a group; the group takes the lines after it (simple or not) until it
 * has this many, so an export whose lines are often `\`-wrapped costs few parser runs.
 */
const MIN_GROUP = 16;

const PATH_WORD = /^[A-Za-z0-9_.\-/]+$/;
const UNSET_WORD = /^![A-Za-z0-9_.-]+$/;
const PROP_NAME = /^[^\s!="$[\]{}()]+$/;

interface Tok {
  /** Word text, or the property name. */
  readonly text: string;
  readonly at: number;
  /** For `name=value`: the value text and where it starts (index of the `"` when quoted). */
  readonly value?: string;
  readonly valueAt?: number;
}

/** Run a plain text (isPlain) through the executor. */
export function runPlain(
  text: string,
  file: string,
  ex: Executor,
  isCommand: (menu: readonly string[], word: string) => boolean | undefined,
  globals: Map<string, ScriptValue>,
  maxSteps: number,
): PlainRun {
  const errors: ConfigError[] = [];
  const warnings: ConfigError[] = [];
  let menu: readonly string[] = [];
  // Lines waiting for the parser: from groupStart (index, line, byte) up to the current line.
  let groupStart = -1;
  let groupLine = 0;
  let groupByte = 0;
  let groupLines = 0;
  /** `/quit` ran: nothing after it runs (as in one parse of the whole file). */
  let quit = false;

  const flush = (end: number): void => {
    if (groupStart < 0) return;
    // The group starts with a line that restores the current menu, numbered as the line before the group.
    const prefix = groupLine === 1 ? '' : (menu.length === 0 ? '/' : '/' + menu.join(' ')) + '\n';
    const start = { line: groupLine === 1 ? 1 : groupLine - 1, offset: groupByte - Buffer.byteLength(prefix) };
    const script = parseScript(prefix + text.slice(groupStart, end), { file, isCommand, start });
    const run = runScript(script, ex, { globals, maxSteps });
    const statements = prefix === '' ? script.statements : script.statements.slice(1);
    errors.push(...script.errors, ...menuChangeErrors(statements, ex.menus, file), ...ex.settle(run.errors));
    warnings.push(...script.warnings, ...run.warnings);
    for (const st of script.statements) if (st.kind === 'menu') setMenu(st.path);
    groupStart = -1;
    groupLines = 0;
    if (run.stopped === 'quit') quit = true;
  };

  // Verb decisions repeat on every line of a menu: cache them by menu and word.
  const verbCache = new Map<string, Map<string, boolean>>();
  const verbsIn = (m: readonly string[]): Map<string, boolean> => {
    const key = m.join(' ');
    let v = verbCache.get(key);
    if (v === undefined) verbCache.set(key, (v = new Map()));
    return v;
  };
  let menuVerbs = verbsIn(menu);
  const isVerb = (m: readonly string[], w: string): boolean => {
    const cache = m === menu ? menuVerbs : verbsIn(m);
    let r = cache.get(w);
    if (r === undefined) cache.set(w, (r = isCommand(m, w) ?? DEFAULT_VERBS.has(w)));
    return r;
  };
  const setMenu = (m: readonly string[]): void => {
    menu = m;
    menuVerbs = verbsIn(m);
  };
  const goodNames = new Set<string>();
  const propName = (name: string): boolean => {
    if (goodNames.has(name)) return true;
    if (name === '' || !PROP_NAME.test(name)) return false;
    goodNames.add(name);
    return true;
  };

  /** Try one physical line; false when it needs the parser. */
  const fast = (at: number, end: number, line: number, byte: number): boolean => {
    const toks: Tok[] = [];
    let k = at;
    while (k < end) {
      const c = text.charCodeAt(k);
      if (c === 32 || c === 9) {
        k++;
        continue;
      }
      const s = k;
      let eq = -1;
      while (k < end) {
        const d = text.charCodeAt(k);
        if (d === 32 || d === 9) break;
        if (d === 34) {
          // Only a whole quoted value: name="...", followed by a blank or the end of the line.
          if (eq < 0 || k !== eq + 1) return false;
          const close = text.indexOf('"', k + 1);
          if (close < 0 || close >= end) return false;
          const after = close + 1;
          if (after < end && text.charCodeAt(after) !== 32 && text.charCodeAt(after) !== 9) return false;
          toks.push({ text: text.slice(s, eq), at: s, value: text.slice(k + 1, close), valueAt: k });
          k = after;
          eq = -2;
          break;
        }
        if (d === 61 && eq === -1) eq = k;
        k++;
      }
      if (eq === -2) continue;
      if (eq >= 0) toks.push({ text: text.slice(s, eq), at: s, value: text.slice(eq + 1, k), valueAt: eq + 1 });
      else toks.push({ text: text.slice(s, k), at: s });
    }
    if (toks.length === 0) return true;
    const pos = (i: number): Pos => ({ line, col: i - at + 1, offset: byte + (i - at) });

    const first = toks[0]!;
    if (first.value !== undefined) return false;
    const ft = first.text;
    if (ft.startsWith('#') || ft.startsWith(':') || BARE_GLOBALS_ANYWHERE.has(ft) || (menu.length === 0 && BARE_GLOBALS_AT_ROOT.has(ft))) return false;

    // The head: path words and the verb.
    let h = 0;
    while (h < toks.length && toks[h]!.value === undefined && PATH_WORD.test(toks[h]!.text) && !(h > 0 && (toks[h]!.text === 'where' || toks[h]!.text.startsWith('/')))) h++;
    if (h === 0) return false;
    const absolute = ft.startsWith('/');
    const comps: { text: string; tok: number }[] = [];
    for (let t = 0; t < h; t++) for (const c of toks[t]!.text.split('/')) if (c !== '' && c !== '.') comps.push({ text: c, tok: t });
    const walked: string[] = absolute ? [] : [...menu];
    let verbAt = -1;
    for (let c = 0; c < comps.length; c++) {
      const w = comps[c]!.text;
      if (w === '..') return false;
      if (isVerb(c === 0 && !absolute ? menu : walked, w)) {
        verbAt = c;
        break;
      }
      walked.push(w);
    }
    if (verbAt < 0) {
      if (h === toks.length) {
        // A menu change.
        const ref = ex.menus.resolve(walked);
        if (ref.kind === 'unknown') errors.push(ConfigError.at(file, pos(first.at), `no such menu ${ref.path}${ref.hint !== undefined ? ` (${ref.hint})` : ''}`));
        setMenu(walked);
        return true;
      }
      if (comps.length === 0) return false;
      verbAt = comps.length - 1;
      walked.pop();
    }
    const verbComp = comps[verbAt]!;
    for (let c = verbAt + 1; c < comps.length; c++) if (comps[c]!.tok === verbComp.tok) return false;
    // The current menu itself when the line has no path words (the common case: one MenuRef lookup).
    const path = !absolute && verbAt === 0 ? menu : walked.slice(0, absolute ? verbAt : menu.length + verbAt);
    const verb = verbComp.text;
    if (path.length === 0 && verb === 'quit') return false;

    const positional: Tok[] = [];
    for (let t = verbComp.tok + 1; t < h; t++) positional.push(toks[t]!);
    const props: ResolvedProp[] = [];
    for (let t = h; t < toks.length; t++) {
      const tk = toks[t]!;
      if (tk.value === undefined) {
        if (tk.text === 'where' || tk.text.startsWith('#')) return false;
        positional.push(tk);
        continue;
      }
      if (!propName(tk.text)) return false;
      props.push({ name: tk.text, value: tk.value, pos: pos(tk.at), valuePos: pos(tk.valueAt!) });
    }
    let args: Tok[] = positional;
    if (UNSET_VERBS.has(verb)) {
      args = [];
      let unsets = false;
      for (const v of positional) {
        if (UNSET_WORD.test(v.text)) {
          props.push({ name: v.text.slice(1), value: null, pos: pos(v.at), valuePos: undefined });
          unsets = true;
        } else args.push(v);
      }
      if (unsets) props.sort((a, b) => a.pos.offset - b.pos.offset);
    }
    let selector: ResolvedSelector | undefined;
    if (ITEM_VERBS.has(verb)) {
      const n = props.findIndex((p) => p.name === 'numbers' && p.value !== null);
      if (n >= 0) {
        const p = props[n]!;
        props.splice(n, 1);
        selector = { kind: 'items', value: p.value!, pos: p.pos };
      } else if (args.length > 0) {
        const v = args[0]!;
        args = args.slice(1);
        selector = { kind: 'items', value: v.text, pos: pos(v.at) };
      }
    }
    const resolvedArgs: ResolvedArg[] = args.map((a) => ({ value: a.text, pos: pos(a.at) }));
    const cmd: ResolvedCommand = { file, pos: pos(first.at), path, verb, args: resolvedArgs, props, selector };
    const r = ex.execute(cmd);
    if (!r.ok) errors.push(...ex.settle([ConfigError.at(file, cmd.pos, r.message)]));
    return true;
  };

  // Brackets and quotes open in the pending group: `[ ... ]` may span lines, so the group only ends when
  // they are closed (an approximation of the lexer that errs on the side of a longer group).
  let depth = 0;
  let inQuote = false;
  const scanBrackets = (from: number, to: number, continues: boolean): void => {
    for (let k = from; k < to; k++) {
      const c = text.charCodeAt(k);
      if (inQuote) {
        if (c === 92) k++;
        else if (c === 34) inQuote = false;
      } else if (c === 34) inQuote = true;
      else if (c === 91 || c === 40) depth++;
      else if ((c === 93 || c === 41) && depth > 0) depth--;
    }
    if (!continues) inQuote = false; // an unterminated string ends at the end of its line
  };

  let at = 0;
  let line = 1;
  let byte = 0;
  let prevContinues = false;
  while (at < text.length && !quit) {
    let nl = text.indexOf('\n', at);
    if (nl < 0) nl = text.length;
    let end = nl;
    if (end > at && text.charCodeAt(end - 1) === 13) end--;
    const continues = endsWithBackslash(text, at, nl);
    let ascii = true;
    let simple = !prevContinues && !continues;
    for (let k = at; k < nl; k++) {
      const c = text.charCodeAt(k);
      if (c >= 128) {
        ascii = simple = false;
        break;
      }
      // [ ] ( ) { } $ ; \ ? and control characters other than tab (the \r of CRLF is not part of the line)
      if (k < end && (c === 91 || c === 93 || c === 40 || c === 41 || c === 123 || c === 125 || c === 36 || c === 59 || c === 92 || c === 63 || (c < 32 && c !== 9))) simple = false;
    }
    const lineBytes = ascii ? nl - at : Buffer.byteLength(text.slice(at, nl));
    let k = at;
    while (k < end && (text.charCodeAt(k) === 32 || text.charCodeAt(k) === 9)) k++;
    const blankOrComment: boolean = !prevContinues && (k === end || text.charCodeAt(k) === 35);
    if (blankOrComment && groupStart < 0) {
      // nothing to run
    } else if (simple && (groupStart < 0 || (groupLines >= MIN_GROUP && depth === 0 && !inQuote)) && (flush(at), fast(at, end, line, byte))) {
      // done
    } else {
      if (groupStart < 0) {
        groupStart = at;
        groupLine = line;
        groupByte = byte;
        depth = 0;
        inQuote = false;
      }
      groupLines++;
      if (!blankOrComment) scanBrackets(at, end, continues);
    }
    prevContinues = continues && !(blankOrComment && !prevContinues && text.charCodeAt(k) === 35);
    byte += lineBytes + (nl < text.length ? 1 : 0);
    at = nl + 1;
    line++;
  }
  if (!quit) flush(text.length);
  warnings.push(...ex.warnings.splice(0));
  return { errors, warnings };
}
