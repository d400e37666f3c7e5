/**
 * Evaluator for the RouterOS scripting subset used by configuration scripts: variables (`:local`,
 * `:global`, `:set`), control flow (`:if`, `:foreach`, `:for`, `:while`, `:do ... on-error=`), functions
 * (`:global f do={...}` called as `$f a b name=c`), expressions, string interpolation, `[ ... ]`
 * substitution and the common conversion commands (`:len :pick :find :tostr :tonum :toip :toip6 :tobool
 * :totime :toid :toarray :typeof`).
 *
 * Menu commands come out flat, with variables expanded and their original source positions, through
 * `ScriptHost.execute`. `[ find ... ]` selectors stay symbolic (the host resolves them against its items);
 * `where` expressions are handed over with their variables bound to constants. A `[ ... ]` used as a value
 * is executed through the host and its result used.
 *
 * Errors: a failing command (the host says no, `:error`, a type error) is recorded as a ConfigError at the
 * command's position and evaluation continues with the next statement, so a load reports all its errors;
 * inside `:do { } on-error={ }` the error goes to the handler instead, as in RouterOS. Loops and calls are
 * bounded (steps, call depth) so a script cannot hang the loader. `:delay` does not wait.
 */
import type { Expr, MenuCommand, Prop, Script, ScriptCommand, Selector, Statement, Value } from './ast';
import { ConfigError } from './errors';
import type { Pos } from './source';
import {
  type ArrayEntry,
  NOTHING,
  type ScriptValue,
  bool,
  compare,
  looseEquals,
  num,
  numericOf,
  str,
  toArrayValue,
  toNum,
  toPropText,
  toStr,
  truthy,
  typeName,
  typedLiteral,
} from './script-values';
import { formatIpv4, parseIpv4, parseIpv4Prefix, parseIpv6, parseIpv6Prefix, parseTime, ipv4Mask } from './values';

export type { ScriptValue } from './script-values';

export interface ResolvedArg {
  readonly value: string;
  readonly pos: Pos;
}

export interface ResolvedProp {
  readonly name: string;
  /** null for an unset (`!name`). */
  readonly value: string | null;
  /** Position of the property name. */
  readonly pos: Pos;
  /** Position of the value as written (for a computed value, where its expression starts). */
  readonly valuePos: Pos | undefined;
}

export type ResolvedSelector =
  | { readonly kind: 'items'; readonly value: string; readonly pos: Pos }
  | { readonly kind: 'find'; readonly find: ResolvedCommand; readonly pos: Pos }
  /** `where` with variables, substitutions and interpolated strings replaced by `const` nodes. */
  | { readonly kind: 'where'; readonly expr: Expr; readonly raw: string; readonly pos: Pos };

/** A menu command after evaluation: everything is text, positions are those of the source. */
export interface ResolvedCommand {
  readonly file: string;
  readonly pos: Pos;
  readonly path: readonly string[];
  readonly verb: string;
  readonly args: readonly ResolvedArg[];
  readonly props: readonly ResolvedProp[];
  readonly selector: ResolvedSelector | undefined;
}

export type ExecResult = { readonly ok: true; readonly value?: ScriptValue } | { readonly ok: false; readonly message: string };

/** What the evaluator needs from the router (the config store later; a recorder in tests). */
export interface ScriptHost {
  /** Run a menu command; `find`/`get`/`print` results are used when the command is a `[ ... ]` value. */
  execute(cmd: ResolvedCommand): ExecResult;
  put?(text: string, pos: Pos): void;
  log?(topic: string, message: string, pos: Pos): void;
}

export interface EvalOptions {
  /** Statement and loop-iteration budget (default 1,000,000). */
  maxSteps?: number;
  /** Function call depth (default 64). */
  maxCallDepth?: number;
  /** Stop at the first error instead of recording it and going on (default false). */
  stopOnError?: boolean;
  /** Global variables shared between runs (default: a new map). */
  globals?: Map<string, ScriptValue>;
}

export interface EvalResult {
  readonly errors: ConfigError[];
  readonly warnings: ConfigError[];
  readonly globals: Map<string, ScriptValue>;
  /** Why evaluation ended early, if it did. */
  readonly stopped: 'quit' | 'error' | 'limit' | undefined;
}

class ScriptError {
  constructor(
    readonly message: string,
    readonly pos: Pos,
  ) {}
}
class ReturnSignal {
  constructor(readonly value: ScriptValue) {}
}
class QuitSignal {}
class LimitSignal {
  constructor(
    readonly message: string,
    readonly pos: Pos,
  ) {}
}

class Scope {
  readonly vars = new Map<string, ScriptValue>();
  constructor(readonly parent: Scope | null) {}

  find(name: string): Scope | null {
    for (let s: Scope | null = this; s !== null; s = s.parent) if (s.vars.has(name)) return s;
    return null;
  }
}

/** Run a parsed script. Never throws; errors are returned. Statements the parser dropped are not run. */
export function runScript(script: Script, host: ScriptHost, options: EvalOptions = {}): EvalResult {
  const ev = new Evaluator(script.file, host, options);
  let stopped: EvalResult['stopped'];
  try {
    ev.runList(script.statements, new Scope(null));
  } catch (e) {
    if (e instanceof QuitSignal) stopped = 'quit';
    else if (e instanceof ReturnSignal) stopped = undefined;
    else if (e instanceof LimitSignal) {
      stopped = 'limit';
      ev.error(e.pos, e.message);
    } else if (e instanceof ScriptError) {
      stopped = 'error';
      ev.error(e.pos, e.message);
    } else {
      stopped = 'error';
      ev.error({ line: 1, col: 1, offset: 0 }, `internal evaluator error: ${e instanceof Error ? e.message : String(e)}`);
    }
  }
  return { errors: ev.errors, warnings: ev.warnings, globals: ev.globals, stopped };
}

class Evaluator {
  readonly errors: ConfigError[] = [];
  readonly warnings: ConfigError[] = [];
  readonly globals: Map<string, ScriptValue>;
  private steps = 0;
  private callDepth = 0;
  private catchDepth = 0;
  private readonly maxSteps: number;
  private readonly maxCallDepth: number;

  constructor(
    private readonly file: string,
    private readonly host: ScriptHost,
    private readonly opts: EvalOptions,
  ) {
    this.globals = opts.globals ?? new Map();
    this.maxSteps = opts.maxSteps ?? 1_000_000;
    this.maxCallDepth = opts.maxCallDepth ?? 64;
  }

  error(pos: Pos, message: string): void {
    this.errors.push(ConfigError.at(this.file, pos, message));
  }

  private readonly warned = new Set<string>();

  /** A warning, once per position and message (a loop would repeat it). */
  private warn(pos: Pos, message: string): void {
    const key = `${pos.offset}:${message}`;
    if (this.warned.has(key) || this.warnings.length >= 1000) return;
    this.warned.add(key);
    this.warnings.push(ConfigError.at(this.file, pos, message, 'warning'));
  }

  private step(pos: Pos): void {
    if (++this.steps > this.maxSteps) throw new LimitSignal(`script stopped after ${this.maxSteps} steps (endless loop?)`, pos);
  }

  // ---------------------------------------------------------------------------------------------------------
  // Statements

  /** Run statements; returns the value of the last one (for substitutions). */
  runList(list: readonly Statement[], scope: Scope): ScriptValue {
    let last: ScriptValue = NOTHING;
    for (const s of list) {
      try {
        last = this.runStatement(s, scope);
      } catch (e) {
        if (e instanceof ScriptError && this.catchDepth === 0 && !this.opts.stopOnError) {
          this.error(e.pos, e.message);
          last = NOTHING;
          continue;
        }
        throw e;
      }
    }
    return last;
  }

  private runStatement(s: Statement, scope: Scope): ScriptValue {
    this.step(s.pos);
    switch (s.kind) {
      case 'command':
        return this.runMenuCommand(s, scope);
      case 'menu':
        return NOTHING;
      case 'menu-block':
      case 'block':
        return this.runList(s.body, new Scope(scope));
      case 'expr':
        return this.evalValue(s.value, scope);
      case 'call': {
        const f = this.lookup(s.callee.name, scope, s.callee.pos);
        if (f.type !== 'code') throw new ScriptError(`$${s.callee.name} is not a function (it is ${typeName(f)})`, s.pos);
        return this.call(f, s.callee.name, s.args, s.props, scope, s.pos);
      }
      case 'script':
        return this.runScriptCommand(s, scope);
    }
  }

  private runMenuCommand(cmd: MenuCommand, scope: Scope): ScriptValue {
    if (cmd.path.length === 0 && cmd.verb === 'quit') throw new QuitSignal();
    const resolved = this.resolve(cmd, scope);
    const r = this.host.execute(resolved);
    if (!r.ok) throw new ScriptError(r.message, cmd.pos);
    return r.value ?? NOTHING;
  }

  /** Evaluate a menu command's arguments into a ResolvedCommand. */
  resolve(cmd: MenuCommand, scope: Scope): ResolvedCommand {
    const args = cmd.args.map((a) => ({ value: this.propText(a, scope), pos: a.pos }));
    const props = cmd.props.map((p: Prop) => ({
      name: p.name,
      value: p.unset || p.value === null ? null : this.propText(p.value, scope),
      pos: p.pos,
      valuePos: p.value?.pos,
    }));
    return { file: this.file, pos: cmd.pos, path: cmd.path, verb: cmd.verb, args, props, selector: this.resolveSelector(cmd.selector, scope) };
  }

  private resolveSelector(sel: Selector | undefined, scope: Scope): ResolvedSelector | undefined {
    if (sel === undefined) return undefined;
    switch (sel.kind) {
      case 'items':
        return { kind: 'items', value: this.propText(sel.value, scope), pos: sel.pos };
      case 'find':
        return { kind: 'find', find: this.resolve(sel.find, scope), pos: sel.pos };
      case 'where':
        return { kind: 'where', expr: this.bind(sel.expr, scope), raw: sel.raw, pos: sel.pos };
    }
  }

  /** Text of a value given to a menu command: literal text as written, computed values converted. */
  private propText(v: Value, scope: Scope): string {
    if (v.kind === 'word') return v.text;
    if (v.kind === 'quoted' && v.text !== undefined) return v.text;
    return toPropText(this.evalValue(v, scope));
  }

  /** Replace what depends on the script (variables, substitutions, interpolations) by constants. */
  private bind(e: Expr, scope: Scope): Expr {
    switch (e.kind) {
      case 'value': {
        const v = e.value;
        if (v.kind === 'word' || (v.kind === 'quoted' && v.text !== undefined)) return e;
        const value = this.evalValue(v, scope);
        return { kind: 'const', value, text: toStr(value), pos: e.pos, end: e.end };
      }
      case 'unary':
        return { ...e, operand: this.bind(e.operand, scope) };
      case 'binary':
        return { ...e, left: this.bind(e.left, scope), right: this.bind(e.right, scope) };
      case 'group':
        return { ...e, expr: this.bind(e.expr, scope) };
      case 'const':
        return e;
    }
  }

  // ---------------------------------------------------------------------------------------------------------
  // Variables and functions

  private lookup(name: string, scope: Scope, pos: Pos): ScriptValue {
    const s = scope.find(name);
    if (s !== null) return s.vars.get(name)!;
    const g = this.globals.get(name);
    if (g !== undefined) return g;
    this.warn(pos, `variable '$${name}' is not declared (use :local or :global); its value is nothing`);
    return NOTHING;
  }

  private call(f: Extract<ScriptValue, { type: 'code' }>, name: string, args: readonly Value[], props: readonly Prop[], scope: Scope, pos: Pos): ScriptValue {
    if (this.callDepth >= this.maxCallDepth) throw new LimitSignal(`function calls nested deeper than ${this.maxCallDepth}`, pos);
    const fs = new Scope(null);
    fs.vars.set('0', str(name));
    args.forEach((a, k) => fs.vars.set(String(k + 1), this.evalValue(a, scope)));
    for (const p of props) fs.vars.set(p.name, p.value === null ? NOTHING : this.evalValue(p.value, scope));
    this.callDepth++;
    try {
      return this.runList(f.body, fs);
    } catch (e) {
      if (e instanceof ReturnSignal) return e.value;
      throw e;
    } finally {
      this.callDepth--;
    }
  }

  // ---------------------------------------------------------------------------------------------------------
  // Global commands

  private arg(cmd: ScriptCommand, k: number, scope: Scope): ScriptValue {
    const v = cmd.args[k];
    return v === undefined ? NOTHING : this.evalValue(v, scope);
  }

  private prop(cmd: ScriptCommand, name: string): Value | undefined {
    return cmd.props.find((p) => p.name === name)?.value ?? undefined;
  }

  private nameArg(cmd: ScriptCommand): string {
    const v = cmd.args[0]!;
    return v.kind === 'word' ? v.text : v.kind === 'quoted' && v.text !== undefined ? v.text : toStr(this.evalValue(v, new Scope(null)));
  }

  private runBody(v: Value | undefined, scope: Scope, pos: Pos): ScriptValue {
    if (v === undefined) return NOTHING;
    if (v.kind === 'block') return this.runList(v.body, new Scope(scope));
    const c = this.evalValue(v, scope);
    if (c.type !== 'code') throw new ScriptError(`expected a code block { ... }, found ${typeName(c)}`, pos);
    return this.runList(c.body, new Scope(scope));
  }

  private runScriptCommand(cmd: ScriptCommand, scope: Scope): ScriptValue {
    const pos = cmd.pos;
    switch (cmd.name) {
      case 'local':
      case 'global': {
        const name = this.nameArg(cmd);
        const doProp = this.prop(cmd, 'do');
        let value: ScriptValue;
        if (doProp !== undefined) value = this.evalValue(doProp, scope);
        else if (cmd.args.length > 1) value = this.arg(cmd, 1, scope);
        else value = cmd.name === 'global' ? (this.globals.get(name) ?? NOTHING) : NOTHING;
        if (cmd.name === 'local') scope.vars.set(name, value);
        else this.globals.set(name, value);
        return NOTHING;
      }
      case 'set': {
        const name = this.nameArg(cmd);
        const doProp = this.prop(cmd, 'do');
        const value = doProp !== undefined ? this.evalValue(doProp, scope) : this.arg(cmd, 1, scope);
        const s = scope.find(name);
        if (s !== null) s.vars.set(name, value);
        else if (this.globals.has(name)) this.globals.set(name, value);
        else throw new ScriptError(`':set ${name}': variable '${name}' is not declared (use :local or :global first)`, pos);
        return NOTHING;
      }
      case 'if': {
        const cond = truthy(this.arg(cmd, 0, scope));
        return this.runBody(this.prop(cmd, cond ? 'do' : 'else'), scope, pos);
      }
      case 'while': {
        let last: ScriptValue = NOTHING;
        while (truthy(this.arg(cmd, 0, scope))) {
          this.step(pos);
          last = this.runBody(this.prop(cmd, 'do'), scope, pos);
        }
        return last;
      }
      case 'do':
        return this.runDo(cmd, scope);
      case 'for': {
        const name = this.nameArg(cmd);
        const from = numericOf(this.evalValue(this.prop(cmd, 'from')!, scope));
        const to = numericOf(this.evalValue(this.prop(cmd, 'to')!, scope));
        const stepV = this.prop(cmd, 'step');
        if (from === undefined || to === undefined) throw new ScriptError("':for' needs numbers for from= and to=", pos);
        const by = stepV !== undefined ? numericOf(this.evalValue(stepV, scope)) : from <= to ? 1 : -1;
        if (by === undefined || by === 0) throw new ScriptError("':for' needs a non-zero number for step=", pos);
        for (let i = from; by > 0 ? i <= to : i >= to; i += by) {
          this.step(pos);
          const ls = new Scope(scope);
          ls.vars.set(name, num(i));
          this.runBody(this.prop(cmd, 'do'), ls, pos);
        }
        return NOTHING;
      }
      case 'foreach': {
        const names = this.nameArg(cmd).split(',');
        const list = toArrayValue(this.evalValue(this.prop(cmd, 'in')!, scope));
        if (list.type !== 'array') return NOTHING;
        list.items.forEach(([key, value], index) => {
          this.step(pos);
          const ls = new Scope(scope);
          if (names.length > 1) {
            ls.vars.set(names[0]!, key !== undefined ? str(key) : num(index));
            ls.vars.set(names[1]!, value);
          } else ls.vars.set(names[0]!, value);
          this.runBody(this.prop(cmd, 'do'), ls, pos);
        });
        return NOTHING;
      }
      case 'put':
        this.host.put?.(toStr(this.arg(cmd, 0, scope)), pos);
        return NOTHING;
      case 'log': {
        const topic = toStr(this.arg(cmd, 0, scope));
        this.host.log?.(topic, toStr(this.arg(cmd, 1, scope)), pos);
        return NOTHING;
      }
      case 'delay':
      case 'beep':
      case 'blink':
      case 'led':
        return NOTHING;
      case 'return':
        throw new ReturnSignal(this.arg(cmd, 0, scope));
      case 'error':
        throw new ScriptError(toStr(this.arg(cmd, 0, scope)), pos);
      case 'nothing':
        return NOTHING;
      case 'len': {
        const v = this.arg(cmd, 0, scope);
        return num(v.type === 'array' ? v.items.length : toStr(v).length);
      }
      case 'pick':
        return this.pick(cmd, scope);
      case 'find':
        return this.findIn(cmd, scope);
      case 'typeof':
        return str(typeName(this.arg(cmd, 0, scope)));
      case 'tostr':
        return str(toStr(this.arg(cmd, 0, scope)));
      case 'tonum':
        return toNum(this.arg(cmd, 0, scope));
      case 'tobool': {
        const v = this.arg(cmd, 0, scope);
        const s = toStr(v);
        if (v.type === 'bool') return v;
        if (s === 'true' || s === 'yes') return bool(true);
        if (s === 'false' || s === 'no') return bool(false);
        if (v.type === 'num') return bool(v.value !== 0);
        return NOTHING;
      }
      case 'toip':
      case 'toip6':
      case 'totime':
      case 'toid':
        return this.convert(cmd.name, this.arg(cmd, 0, scope));
      case 'toarray':
        return toArrayValue(this.arg(cmd, 0, scope));
      default:
        throw new ScriptError(`':${cmd.name}' is not supported by flowplane's script evaluator`, pos);
    }
  }

  private runDo(cmd: ScriptCommand, scope: Scope): ScriptValue {
    const body = cmd.args[0]?.kind === 'block' ? cmd.args[0] : this.prop(cmd, 'do');
    const whileCond = this.prop(cmd, 'while');
    const onError = this.prop(cmd, 'on-error');
    const once = (): ScriptValue => {
      if (onError === undefined) return this.runBody(body, scope, cmd.pos);
      this.catchDepth++;
      try {
        return this.runBody(body, scope, cmd.pos);
      } catch (e) {
        if (!(e instanceof ScriptError)) throw e;
        this.catchDepth--;
        try {
          return this.runBody(onError, scope, cmd.pos);
        } finally {
          this.catchDepth++;
        }
      } finally {
        this.catchDepth--;
      }
    };
    let last = once();
    if (whileCond !== undefined) {
      while (truthy(this.evalValue(whileCond, scope))) {
        this.step(cmd.pos);
        last = once();
      }
    }
    return last;
  }

  private pick(cmd: ScriptCommand, scope: Scope): ScriptValue {
    const v = this.arg(cmd, 0, scope);
    const start = numericOf(this.arg(cmd, 1, scope)) ?? 0;
    const endV = cmd.args.length > 2 ? numericOf(this.arg(cmd, 2, scope)) : undefined;
    if (v.type === 'array') {
      if (endV === undefined) return v.items[start]?.[1] ?? NOTHING;
      return { type: 'array', items: v.items.slice(start, endV) };
    }
    const s = toStr(v);
    return str(endV === undefined ? s.slice(start, start + 1) : s.slice(start, endV));
  }

  private findIn(cmd: ScriptCommand, scope: Scope): ScriptValue {
    const v = this.arg(cmd, 0, scope);
    const needle = this.arg(cmd, 1, scope);
    const from = cmd.args.length > 2 ? (numericOf(this.arg(cmd, 2, scope)) ?? -1) + 1 : 0;
    if (v.type === 'array') {
      for (let k = Math.max(0, from); k < v.items.length; k++) if (looseEquals(v.items[k]![1], needle)) return num(k);
      return { type: 'nil' };
    }
    const k = toStr(v).indexOf(toStr(needle), Math.max(0, from));
    return k < 0 ? { type: 'nil' } : num(k);
  }

  private convert(name: string, v: ScriptValue): ScriptValue {
    const s = toStr(v);
    switch (name) {
      case 'toip':
        if (parseIpv4(s).ok) return { type: 'ip', text: s };
        if (parseIpv4Prefix(s).ok) return { type: 'ip-prefix', text: s };
        return NOTHING;
      case 'toip6':
        if (parseIpv6(s).ok) return { type: 'ip6', text: s };
        if (parseIpv6Prefix(s).ok) return { type: 'ip6-prefix', text: s };
        return NOTHING;
      case 'totime':
        return parseTime(s).ok ? { type: 'time', text: s } : NOTHING;
      default:
        return /^\*[0-9A-Fa-f]+$/.test(s) ? { type: 'id', text: s } : NOTHING;
    }
  }

  // ---------------------------------------------------------------------------------------------------------
  // Values and expressions

  evalValue(v: Value, scope: Scope): ScriptValue {
    switch (v.kind) {
      case 'word':
        return typedLiteral(v.text);
      case 'quoted': {
        if (v.text !== undefined) return str(v.text);
        let out = '';
        for (const p of v.pieces) {
          switch (p.kind) {
            case 'text':
              out += p.text;
              break;
            case 'var':
              out += toStr(this.lookup(p.name, scope, p.pos));
              break;
            case 'expr':
              out += toStr(this.evalExpr(p.expr, scope));
              break;
            case 'cmd':
              out += toStr(this.runList(p.body, new Scope(scope)));
              break;
            case 'placeholder':
              throw new ScriptError(`template placeholder '$${p.name}$' has no value`, p.pos);
          }
        }
        return str(out);
      }
      case 'var':
        return this.lookup(v.name, scope, v.pos);
      case 'subst':
        return this.runList(v.body, new Scope(scope));
      case 'expr':
        return this.evalExpr(v.expr, scope);
      case 'block':
        return { type: 'code', body: v.body, pos: v.pos };
      case 'array': {
        const items: ArrayEntry[] = v.items.map((it) => [it.key, this.evalValue(it.value, scope)] as const);
        return { type: 'array', items };
      }
      case 'concat':
        return str(v.parts.map((p) => toStr(this.evalValue(p, scope))).join(''));
      case 'placeholder':
        throw new ScriptError(`template placeholder '$${v.name}$' has no value`, v.pos);
    }
  }

  evalExpr(e: Expr, scope: Scope): ScriptValue {
    switch (e.kind) {
      case 'value':
        return this.evalValue(e.value, scope);
      case 'group':
        return this.evalExpr(e.expr, scope);
      case 'const':
        return e.value as ScriptValue;
      case 'unary': {
        const v = this.evalExpr(e.operand, scope);
        if (e.op === '!' || e.op === 'not') return bool(!truthy(v));
        const n = numericOf(v);
        if (e.op === '-') {
          if (n === undefined) throw new ScriptError(`cannot negate ${typeName(v)} '${toStr(v)}'`, e.pos);
          return num(-n);
        }
        if (v.type === 'ip' && n !== undefined) return { type: 'ip', text: formatIpv4(~n >>> 0) };
        if (n === undefined) throw new ScriptError(`cannot invert ${typeName(v)} '${toStr(v)}'`, e.pos);
        return num(~n);
      }
      case 'binary':
        return this.binary(e, scope);
    }
  }

  private binary(e: Extract<Expr, { kind: 'binary' }>, scope: Scope): ScriptValue {
    const op = e.op;
    if (op === '&&' || op === 'and') return bool(truthy(this.evalExpr(e.left, scope)) && truthy(this.evalExpr(e.right, scope)));
    if (op === '||' || op === 'or') return bool(truthy(this.evalExpr(e.left, scope)) || truthy(this.evalExpr(e.right, scope)));
    const a = this.evalExpr(e.left, scope);
    if (op === '->') {
      const key = e.right.kind === 'value' && e.right.value.kind === 'word' ? typedLiteral(e.right.value.text) : this.evalExpr(e.right, scope);
      if (a.type !== 'array') return NOTHING;
      if (key.type === 'num') return a.items[key.value]?.[1] ?? NOTHING;
      const k = toStr(key);
      return a.items.find(([name]) => name === k)?.[1] ?? NOTHING;
    }
    const b = this.evalExpr(e.right, scope);
    switch (op) {
      case '.':
        return str(toStr(a) + toStr(b));
      case ',':
        return { type: 'array', items: [...(toArrayValue(a) as { items: readonly ArrayEntry[] }).items, ...(toArrayValue(b) as { items: readonly ArrayEntry[] }).items] };
      case '=':
        return bool(looseEquals(a, b));
      case '!=':
        return bool(!looseEquals(a, b));
      case '<':
        return bool(compare(a, b) < 0);
      case '>':
        return bool(compare(a, b) > 0);
      case '<=':
        return bool(compare(a, b) <= 0);
      case '>=':
        return bool(compare(a, b) >= 0);
      case '~': {
        let re: RegExp;
        try {
          re = new RegExp(toStr(b));
        } catch {
          throw new ScriptError(`invalid regular expression '${toStr(b)}'`, e.right.pos);
        }
        return bool(re.test(toStr(a)));
      }
      case 'in':
        return bool(this.inPrefix(a, b, e.pos));
      default:
        return this.arith(op, a, b, e.pos);
    }
  }

  private inPrefix(a: ScriptValue, b: ScriptValue, pos: Pos): boolean {
    const ip = parseIpv4(toStr(a));
    const p = parseIpv4Prefix(toStr(b), { bareIsHost: true });
    if (!ip.ok || !p.ok) throw new ScriptError(`'in' needs an IPv4 address and prefix, found '${toStr(a)}' in '${toStr(b)}'`, pos);
    return ((ip.value & ipv4Mask(p.value.length)) >>> 0) === p.value.network;
  }

  private arith(op: string, a: ScriptValue, b: ScriptValue, pos: Pos): ScriptValue {
    const x = numericOf(a);
    const y = numericOf(b);
    if (x === undefined || y === undefined) throw new ScriptError(`cannot apply '${op}' to ${typeName(a)} '${toStr(a)}' and ${typeName(b)} '${toStr(b)}'`, pos);
    let r: number;
    switch (op) {
      case '+':
        r = x + y;
        break;
      case '-':
        r = x - y;
        break;
      case '*':
        r = x * y;
        break;
      case '/':
        if (y === 0) throw new ScriptError('division by zero', pos);
        r = Math.trunc(x / y);
        break;
      case '%':
        if (y === 0) throw new ScriptError('division by zero', pos);
        r = x % y;
        break;
      case '&':
        r = Number(BigInt.asUintN(64, BigInt(Math.trunc(x)) & BigInt(Math.trunc(y))));
        break;
      case '|':
        r = Number(BigInt.asUintN(64, BigInt(Math.trunc(x)) | BigInt(Math.trunc(y))));
        break;
      case '^':
        r = Number(BigInt.asUintN(64, BigInt(Math.trunc(x)) ^ BigInt(Math.trunc(y))));
        break;
      case '<<':
        r = x * 2 ** y;
        break;
      case '>>':
        r = Math.floor(x / 2 ** y);
        break;
      default:
        throw new ScriptError(`unknown operator '${op}'`, pos);
    }
    if (a.type === 'ip' && (op === '+' || op === '-' || op === '&' || op === '|' || op === '^')) return { type: 'ip', text: formatIpv4(r >>> 0) };
    if (a.type === 'time' || b.type === 'time') return { type: 'time', text: `${Math.max(0, r) / 1000}` };
    return num(r);
  }
}
