/**
 * Printing RouterOS syntax: values with RouterOS quoting, parsed commands, and `/export`-style 80-column
 * wrapping with `\` continuations.
 *
 * Round-trip contract (tested as a property): parse(printCommand(parse(x))) equals parse(x) up to source
 * positions and the choice between quoted and unquoted spelling of the same text.
 */
import type { Expr, MenuCommand, Selector, Value } from './ast';
import type { ResolvedCommand } from './script';
import { UNSET_VERBS } from './vocabulary';

export interface PrintOptions {
  /** Escape non-ASCII characters as `\XX` UTF-8 bytes, as RouterOS `/export` does (default false). */
  asciiOnly?: boolean;
}

/** Characters that may appear in an unquoted value. */
const SAFE = /^[A-Za-z0-9_.,:/@*+!%-]+$/;

/** The text inside double quotes, escaped: `"` `\` `$` `?` and control characters. */
export function escapeString(text: string, opts: PrintOptions = {}): string {
  let out = '';
  for (const ch of text) {
    const c = ch.codePointAt(0)!;
    switch (ch) {
      case '"':
        out += '\\"';
        continue;
      case '\\':
        out += '\\\\';
        continue;
      case '$':
        out += '\\$';
        continue;
      case '?':
        out += '\\?';
        continue;
      case '\n':
        out += '\\n';
        continue;
      case '\r':
        out += '\\r';
        continue;
      case '\t':
        out += '\\t';
        continue;
      default:
        break;
    }
    if (c < 0x20 || c === 0x7f) out += `\\${hex2(c)}`;
    else if (c > 0x7f && opts.asciiOnly) for (const b of Buffer.from(ch, 'utf8')) out += `\\${hex2(b)}`;
    else out += ch;
  }
  return out;
}

function hex2(n: number): string {
  return n.toString(16).toUpperCase().padStart(2, '0');
}

/** A double-quoted RouterOS string literal. */
export function quoteString(text: string, opts: PrintOptions = {}): string {
  return `"${escapeString(text, opts)}"`;
}

/**
 * A value as RouterOS prints it: unquoted when it only has safe characters (`ether1`, `!LAN`, `10.0.0.0/8`,
 * `established,related`), quoted otherwise (spaces, quotes, `$`, `?`, `;`, `=`, `#`, brackets, control or
 * non-ASCII characters, empty text).
 */
export function quoteValue(text: string, opts: PrintOptions = {}): string {
  return SAFE.test(text) ? text : quoteString(text, opts);
}

/** Print a parsed value: static text with RouterOS quoting, anything computed exactly as written. */
export function printValue(v: Value, opts: PrintOptions = {}): string {
  switch (v.kind) {
    case 'word':
      return v.text === '' ? '""' : v.text;
    case 'quoted':
      if (v.text === undefined) return v.raw;
      // A quoted "!x" is not a negation: keep the quotes so it does not turn into one.
      return v.text.startsWith('!') ? quoteString(v.text, opts) : quoteValue(v.text, opts);
    default:
      return v.raw;
  }
}

/** Print an unnamed argument; `where` and (in set/add) `!name` must stay quoted to keep their meaning. */
function printPositional(v: Value, verb: string, opts: PrintOptions): string {
  const s = printValue(v, opts);
  if (s === 'where' || (UNSET_VERBS.has(verb) && s.startsWith('!'))) return quoteString(s, opts);
  return s;
}

function printSelector(sel: Selector, cmd: MenuCommand, opts: PrintOptions): string {
  switch (sel.kind) {
    case 'find': {
      const f = sel.find;
      const samePath = f.path.length === cmd.path.length && f.path.every((p, k) => p === cmd.path[k]);
      return `[ ${printCommandBody(f, samePath ? undefined : f.path, opts)} ]`;
    }
    case 'items':
      return printPositional(sel.value, cmd.verb, opts);
    case 'where':
      return `where ${sel.raw}`;
  }
}

function printCommandBody(cmd: MenuCommand, path: readonly string[] | undefined, opts: PrintOptions): string {
  const out: string[] = [];
  if (path !== undefined) out.push(path.length === 0 ? `/${cmd.verb}` : `/${path.join(' ')} ${cmd.verb}`);
  else out.push(cmd.verb);
  const where = cmd.selector?.kind === 'where' ? cmd.selector : undefined;
  if (cmd.selector !== undefined && where === undefined) out.push(printSelector(cmd.selector, cmd, opts));
  for (const a of cmd.args) out.push(printPositional(a, cmd.verb, opts));
  for (const p of cmd.props) {
    if (p.unset || p.value === null) out.push(`!${p.name}`);
    else out.push(`${p.name}=${printValue(p.value, opts)}`);
  }
  if (where !== undefined) out.push(printSelector(where, cmd, opts));
  return out.join(' ');
}

/** One-line RouterOS form of a command with its absolute menu: `/ip firewall filter add chain=input`. */
export function printCommand(cmd: MenuCommand, opts: PrintOptions = {}): string {
  return printCommandBody(cmd, cmd.path, opts);
}

// -------------------------------------------------------------------------------------------------------------
// Export wrapping

interface Unit {
  text: string;
  /** A blank inside a quoted string: a continuation line must not start with it (import strips indentation). */
  blank: boolean;
}

/** Split a token into units that must not be separated by a line break (escape sequences stay whole). */
function units(tok: string): Unit[] {
  const out: Unit[] = [];
  const cps = [...tok];
  for (let k = 0; k < cps.length; k++) {
    const ch = cps[k]!;
    if (ch === '\\' && k + 1 < cps.length) {
      const hex = /^[0-9A-F]$/.test(cps[k + 1]!) && k + 2 < cps.length && /^[0-9A-F]$/.test(cps[k + 2]!);
      const n = hex ? 3 : 2;
      out.push({ text: cps.slice(k, k + n).join(''), blank: false });
      k += n - 1;
    } else out.push({ text: ch, blank: ch === ' ' || ch === '\t' });
  }
  return out;
}

/** Split a line at blanks outside quoted strings, keeping the quoted blanks inside their token. */
function splitTokens(line: string): string[] {
  const out: string[] = [];
  let cur = '';
  let quoted = false;
  for (let k = 0; k < line.length; k++) {
    const ch = line[k]!;
    if (quoted) {
      cur += ch;
      if (ch === '\\' && k + 1 < line.length) cur += line[++k];
      else if (ch === '"') quoted = false;
    } else if (ch === ' ') {
      if (cur !== '') out.push(cur);
      cur = '';
    } else {
      if (ch === '"') quoted = true;
      cur += ch;
    }
  }
  if (cur !== '') out.push(cur);
  return out;
}

function cpLen(s: string): number {
  let n = 0;
  for (const _ of s) n++;
  return n;
}

/**
 * Wrap a long command line the way RouterOS `/export` does (derived from the corpus exports, which it
 * reproduces exactly): a line's content, without its trailing ` \` or `\`, is at most `width - 3` columns
 * (77), the last line included; continuation lines are indented by 4 spaces. An argument that does not fit
 * is split after `name=` when the value fits on a fresh line, else moved to the next line; a value too long
 * for any line is cut at column `width - 2` (inside quoted strings too, never before a quoted blank or
 * inside an escape). Importing joins the lines by removing `\`, the line break and the indentation, which
 * gives back the original line. Comment lines are returned unchanged.
 */
export function wrapExportLine(line: string, width = 80): string {
  const maxContent = width - 3;
  if (cpLen(line) <= maxContent || line.startsWith('#')) return line;
  const indent = '    ';
  const tokens = splitTokens(line);
  const out: string[] = [];
  let cur = '';
  const fresh = (): boolean => cur === '' || cur === indent;
  const flow = (s: string): void => {
    const us = units(s);
    let k = 0;
    while (k < us.length) {
      // Fill the line up to width-2 columns, never starting the next line with a quoted blank.
      let len = cpLen(cur);
      let take = k;
      while (take < us.length && len + cpLen(us[take]!.text) <= width - 2) {
        len += cpLen(us[take]!.text);
        take++;
      }
      if (take === us.length) {
        cur += us.slice(k).map((u) => u.text).join('');
        return;
      }
      let cut = take;
      while (cut > k && us[cut]!.blank) cut--;
      if (cut === k) {
        if (!fresh()) {
          out.push(`${cur}\\`);
          cur = indent;
          continue;
        }
        cut = Math.max(take, k + 1);
      }
      cur += us.slice(k, cut).map((u) => u.text).join('');
      out.push(`${cur}\\`);
      cur = indent;
      k = cut;
    }
  };
  for (const tok of tokens) {
    const sep = fresh() ? '' : ' ';
    if (cpLen(cur) + cpLen(sep) + cpLen(tok) <= maxContent) {
      cur += sep + tok;
      continue;
    }
    const eq = tok.indexOf('=');
    const name = eq > 0 && !tok.slice(0, eq).includes('"') ? tok.slice(0, eq + 1) : undefined;
    const value = name !== undefined ? tok.slice(eq + 1) : '';
    if (name !== undefined && value !== '' && indent.length + cpLen(value) <= maxContent) {
      if (cpLen(cur) + cpLen(sep) + cpLen(name) > maxContent) {
        out.push(`${cur} \\`);
        cur = indent;
        if (indent.length + cpLen(tok) <= maxContent) {
          cur += tok;
          continue;
        }
      }
      out.push(`${cur}${fresh() ? '' : ' '}${name}\\`);
      cur = indent + value;
      continue;
    }
    if (name === undefined && !fresh() && indent.length + cpLen(tok) <= maxContent) {
      out.push(`${cur} \\`);
      cur = indent + tok;
      continue;
    }
    flow(sep + tok);
  }
  out.push(cur);
  return out.join('\n');
}

// -------------------------------------------------------------------------------------------------------------
// Resolved (evaluated) commands

/** Print an expression; constants bound by the evaluator print as literals. */
export function printExpr(e: Expr, opts: PrintOptions = {}): string {
  switch (e.kind) {
    case 'value':
      return e.value.kind === 'quoted' && e.value.text !== undefined ? quoteString(e.value.text, opts) : e.value.raw;
    case 'const':
      return /^(-?\d+|[A-Za-z_][A-Za-z0-9_]*)$/.test(e.text) ? e.text : quoteString(e.text, opts);
    case 'group':
      return `(${printExpr(e.expr, opts)})`;
    case 'unary':
      return e.op === 'not' ? `not ${printExpr(e.operand, opts)}` : `${e.op}${printExpr(e.operand, opts)}`;
    case 'binary':
      return e.op === '->' ? `${printExpr(e.left, opts)}->${printExpr(e.right, opts)}` : `${printExpr(e.left, opts)} ${e.op} ${printExpr(e.right, opts)}`;
  }
}

function printResolvedBody(cmd: ResolvedCommand, withPath: boolean, opts: PrintOptions): string {
  const out: string[] = [];
  if (withPath) out.push(cmd.path.length === 0 ? `/${cmd.verb}` : `/${cmd.path.join(' ')} ${cmd.verb}`);
  else out.push(cmd.verb);
  const positional = (s: string): string =>
    s === 'where' || (UNSET_VERBS.has(cmd.verb) && s.startsWith('!')) ? quoteString(s, opts) : quoteValue(s, opts);
  const sel = cmd.selector;
  if (sel?.kind === 'items') out.push(positional(sel.value));
  else if (sel?.kind === 'find') {
    const same = sel.find.path.length === cmd.path.length && sel.find.path.every((p, k) => p === cmd.path[k]);
    out.push(`[ ${printResolvedBody(sel.find, !same, opts)} ]`);
  }
  for (const a of cmd.args) out.push(positional(a.value));
  for (const p of cmd.props) out.push(p.value === null ? `!${p.name}` : `${p.name}=${quoteValue(p.value, opts)}`);
  if (sel?.kind === 'where') out.push(`where ${printExpr(sel.expr, opts)}`);
  return out.join(' ');
}

/** One-line RouterOS form of an evaluated command (values quoted as RouterOS does). */
export function printResolvedCommand(cmd: ResolvedCommand, opts: PrintOptions = {}): string {
  return printResolvedBody(cmd, true, opts);
}
