/**
 * A tiny in-memory ScriptHost for evaluator tests: items per menu with add/set/remove/find/get/print,
 * `find` by property equality or a simple `where` (=, !=, ~, &&, ||, !, bare flag), plus a log of every
 * executed command. Not the config store: no schemas, no defaults.
 */
import type { Expr } from '../../../control/routeros/ast';
import type { ExecResult, ResolvedCommand, ScriptHost, ScriptValue } from '../../../control/routeros/script';
import { printResolvedCommand } from '../../../control/routeros/printer';

interface Item {
  id: string;
  props: Map<string, string>;
}

export class MiniHost implements ScriptHost {
  readonly menus = new Map<string, Item[]>();
  readonly executed: ResolvedCommand[] = [];
  readonly output: string[] = [];
  private next = 1;
  /** Fail commands whose printed form matches. */
  failOn: RegExp | undefined;

  seed(path: string, props: Record<string, string>): void {
    this.items(path).push({ id: `*${(this.next++).toString(16).toUpperCase()}`, props: new Map(Object.entries(props)) });
  }

  items(path: string): Item[] {
    let l = this.menus.get(path);
    if (l === undefined) this.menus.set(path, (l = []));
    return l;
  }

  /** Commands that change configuration, printed. */
  changes(): string[] {
    return this.executed.filter((c) => ['add', 'set', 'remove', 'enable', 'disable'].includes(c.verb)).map((c) => printResolvedCommand(c));
  }

  put(text: string): void {
    this.output.push(text);
  }

  log(topic: string, message: string): void {
    this.output.push(`[${topic}] ${message}`);
  }

  execute(cmd: ResolvedCommand): ExecResult {
    this.executed.push(cmd);
    const printed = printResolvedCommand(cmd);
    if (this.failOn?.test(printed)) return { ok: false, message: `failure: ${printed}` };
    const items = this.items(cmd.path.join(' '));
    switch (cmd.verb) {
      case 'add': {
        const it: Item = { id: `*${(this.next++).toString(16).toUpperCase()}`, props: new Map([['dynamic', 'no']]) };
        for (const p of cmd.props) if (p.value !== null) it.props.set(p.name, p.value);
        items.push(it);
        return { ok: true, value: { type: 'id', text: it.id } };
      }
      case 'find':
        return { ok: true, value: { type: 'array', items: this.select(cmd, items).map((i) => [undefined, { type: 'id', text: i.id }] as const) } };
      case 'get': {
        const it = this.select(cmd, items)[0];
        const name = cmd.args[0]?.value ?? '';
        return { ok: true, value: it?.props.has(name) ? { type: 'str', value: it.props.get(name)! } : { type: 'nothing' } };
      }
      case 'set':
        for (const it of this.select(cmd, items)) for (const p of cmd.props) p.value === null ? it.props.delete(p.name) : it.props.set(p.name, p.value);
        return { ok: true };
      case 'remove':
        for (const it of this.select(cmd, items)) items.splice(items.indexOf(it), 1);
        return { ok: true };
      default:
        return { ok: true };
    }
  }

  private select(cmd: ResolvedCommand, items: Item[]): Item[] {
    const sel = cmd.selector;
    if (sel === undefined) return cmd.verb === 'find' ? items.filter((i) => cmd.props.every((p) => i.props.get(p.name) === p.value)) : items;
    if (sel.kind === 'items') {
      const names = sel.value.split(',');
      return items.filter((i) => names.includes(i.id) || names.includes(i.props.get('name') ?? '\u0000'));
    }
    if (sel.kind === 'where') return items.filter((i) => truthy(evalWhere(sel.expr, i)));
    const f = sel.find;
    return this.select({ ...f, verb: 'find' }, items);
  }
}

function truthy(v: string): boolean {
  return v === 'true' || v === 'yes';
}

function evalWhere(e: Expr, it: Item): string {
  switch (e.kind) {
    case 'value':
      if (e.value.kind === 'word') return it.props.get(e.value.text) ?? e.value.text;
      return e.value.kind === 'quoted' && e.value.text !== undefined ? e.value.text : '';
    case 'const':
      return (e as { text: string }).text;
    case 'group':
      return evalWhere(e.expr, it);
    case 'unary':
      return truthy(evalWhere(e.operand, it)) ? 'false' : 'true';
    case 'binary': {
      const a = evalWhere(e.left, it);
      const b = evalWhere(e.right, it);
      switch (e.op) {
        case '=':
          return String(a === b);
        case '!=':
          return String(a !== b);
        case '~':
          return String(new RegExp(b).test(a));
        case '&&':
        case 'and':
          return String(truthy(a) && truthy(b));
        case '||':
        case 'or':
          return String(truthy(a) || truthy(b));
        default:
          return 'false';
      }
    }
  }
}

export type { ScriptValue };
