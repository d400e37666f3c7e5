/**
 * The interactive console: a RouterOS-style prompt over a router's configuration.
 *
 * ```
 * [admin@MikroTik] > /ip firewall filter
 * [admin@MikroTik] /ip firewall filter> add chain=input action=drop protocol=icmp
 * [admin@MikroTik] /ip firewall filter> print
 * Flags: X - disabled, I - invalid; D - dynamic
 *  0    chain=input action=drop protocol=icmp
 * ```
 *
 * Every line goes to a `ConsoleBackend` (`RouterInstance`, control/instance/router.ts), which parses it in
 * the current menu, applies it atomically (all of the line or none of it) and says where the line leaves
 * the current menu. `print` and `export` reach the console back through executor hooks with the rows the
 * executor selected (`where`, `[ find ]`, names, numbers), and are formatted here (print.ts, export.ts).
 * The console itself handles `?` help, Tab completion and `quit`, and words errors as RouterOS does
 * (`bad command name foo (line 1 column 1)`, `input does not match any value of action`).
 *
 * Input is read with Node's readline: with a terminal, a prompt, line editing, history and Tab completion;
 * with piped input, no prompt and no echo: only what the commands print, in order.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as readline from 'node:readline';
import type { Readable, Writable } from 'node:stream';
import { FIXED_VERBS, LIST_VERBS, LIVE_VERBS, SINGLE_VERBS, type MenuSpec, type PropSpec, type ValueType } from '../menus/schema';
import { INTERFACE_KINDS, menuRegistry, type MenuRegistry } from '../menus/registry';
import type { ConfigError } from '../routeros/errors';
import type { ScriptValue } from '../routeros/script';
import { num, str } from '../routeros/script-values';
import type { Pos } from '../routeros/source';
import { describeType } from '../store/canonical';
import type { ExecHooks, QueryRequest } from '../store/exec';
import { type ExportOptions, exportConfig } from '../store/export';
import { type MenuRef, MenuResolver } from '../store/paths';
import type { Row } from '../store/select';
import type { ConfigStore, MenuTable } from '../store/store';
import { type CounterSource, type PrintSource, type PrintTableOptions, printTable } from './print';
import { monitorText, type TrafficSource } from './monitor-traffic';

/**
 * What the console needs from a router: its store, and running one console line atomically in a menu,
 * with `print`/`export`/`:put` handed to hooks. `RouterInstance` (control/instance/router.ts) is one.
 */
export interface ConsoleBackend {
  readonly store: ConfigStore;
  runConsoleLine(
    line: string,
    menu: readonly string[],
    opts?: { hooks?: ExecHooks },
  ): { readonly ok: boolean; readonly errors: readonly ConfigError[]; readonly menu: readonly string[] };
  /** The router's `/log` (control/instance/log.ts), for `/log print`. */
  readonly log?: { format(topics?: RegExp): string };
  /** A MetaRouter guest's own console backend (`/metarouter console NAME`), or undefined when there is none. */
  guestConsole?(name: string): ConsoleBackend | undefined;
  /** Interface rates of the dataplane running this router (`/interface monitor-traffic`); null when none runs. */
  readonly traffic?: TrafficSource | null;
}

export interface ConsoleOptions {
  /** User name in the prompt (default admin). */
  user?: string;
  registry?: MenuRegistry;
  /** Rule counters for `print stats` (zeros without). */
  counters?: CounterSource;
  /** Terminal width for `print` (default 80). */
  width?: () => number;
  /** Clock for the export header (default: now). */
  now?: () => Date;
  /** flowplane's version for the export header. */
  version?: string;
  /** Folder `export file=NAME` writes NAME.rsc to (default: the working folder). */
  fileDir?: string;
}

export interface ConsoleOutput {
  /** Text to print (ends with a newline when not empty). */
  readonly text: string;
  /** The line asked to leave (`quit`, `/quit`). */
  readonly quit: boolean;
  /** `/metarouter console NAME`: the guest whose console the line entered. */
  readonly enter?: ConsoleBackend;
  /**
   * A command RouterOS keeps showing (`monitor-traffic` without `once`): on a terminal the text is redrawn
   * from this every second until a key is pressed; piped, it is printed once.
   */
  readonly refresh?: () => string;
}

/** Ctrl-A then Q (or q): leave a MetaRouter guest's console for the host's, as RouterOS does. */
export const GUEST_ESCAPE = /^\x01[qQ]$/;

const VERB_DOCS: Readonly<Record<string, string>> = {
  add: 'create a new item',
  set: 'change item properties',
  remove: 'remove items',
  enable: 'enable items',
  disable: 'disable items',
  comment: 'set the comment of items',
  move: 'move items (move 3 0: put item 3 before item 0)',
  print: 'print values of item properties',
  export: 'print the configuration as a script',
  find: 'find items by value',
  get: 'get the value of an item property',
  edit: 'edit a value in an editor (not in flowplane)',
  unset: 'unset properties of items',
  reset: 'reset properties to their defaults',
  'reset-counters': 'reset the rule counters',
  'reset-counters-all': 'reset the counters of all rules',
};

/** `print` arguments that are single words. */
const PRINT_WORDS = ['detail', 'terse', 'brief', 'count-only', 'stats', 'value-list', 'without-paging', 'static', 'dynamic', 'all', 'as-value', 'follow', 'follow-only'];
const PRINT_PROPS = ['proplist', 'where', 'file', 'interval', 'follow'];
const EXPORT_WORDS = ['verbose', 'terse', 'compact', 'show-sensitive', 'hide-sensitive'];
const EXPORT_PROPS = ['file'];

const GLOBAL_COMMANDS = ['quit', 'export', 'print'];

/** Split a line into blank-separated words with their start columns (0-based), quotes kept whole. */
function words(line: string): Array<{ text: string; at: number }> {
  const out: Array<{ text: string; at: number }> = [];
  let k = 0;
  while (k < line.length) {
    while (k < line.length && /\s/.test(line[k]!)) k++;
    if (k >= line.length) break;
    const at = k;
    let quoted = false;
    while (k < line.length && (quoted || !/\s/.test(line[k]!))) {
      if (line[k] === '\\' && quoted) k++;
      else if (line[k] === '"') quoted = !quoted;
      k++;
    }
    out.push({ text: line.slice(at, k), at });
  }
  return out;
}

function pathOf(words: readonly string[]): string {
  return words.length === 0 ? '/' : '/' + words.join(' ');
}

/** Where a line's head leads: the menu it names and the command word after it (if any). */
interface Head {
  /** Menu the command runs in (absolute words). */
  menu: string[];
  /** The command word, or undefined when the line only changes menu. */
  verb: string | undefined;
  /** Column (0-based) of the verb, or of the first word that is not a menu. */
  verbAt: number;
  /** Everything after the verb. */
  rest: string;
}

export class Console {
  /** The current menu, as words (`['ip','firewall','filter']`); empty at the root. */
  menu: string[] = [];
  private readonly registry: MenuRegistry;
  private readonly user: string;

  constructor(
    readonly backend: ConsoleBackend,
    private readonly opts: ConsoleOptions = {},
  ) {
    this.registry = opts.registry ?? menuRegistry();
    this.user = opts.user ?? 'admin';
  }

  private get store(): ConfigStore {
    return this.backend.store;
  }

  private resolver(): MenuResolver {
    return new MenuResolver(this.registry, this.store);
  }

  /** The router's name, from `/system identity`. */
  identity(): string {
    const s = this.store.single('/system identity');
    return (s && s.table.value(s.item, 'name')) || 'MikroTik';
  }

  /** `[admin@MikroTik] /ip firewall filter> `, `[admin@MikroTik] > ` at the root. */
  prompt(): string {
    return `[${this.user}@${this.identity()}] ${this.menu.length ? pathOf(this.menu) : ''}> `;
  }

  /** Submenus of a menu (schemas, unsupported menus, menus in export order). */
  children(menu: readonly string[]): string[] {
    return this.resolver().children(pathOf(menu));
  }

  /** Commands of a menu: the standard verbs of its kind and its own, or the global ones in other menus. */
  verbs(menu: readonly string[]): string[] {
    const path = pathOf(menu);
    const spec = this.registry.spec(path);
    if (spec?.live === 'table') return [...new Set([...LIVE_VERBS, ...GLOBAL_COMMANDS])].sort();
    if (spec) {
      const std = spec.kind === 'single' ? SINGLE_VERBS : spec.kind === 'fixed' ? FIXED_VERBS : LIST_VERBS;
      return [...new Set([...std, ...spec.verbs, ...GLOBAL_COMMANDS])].sort();
    }
    if (path === '/interface') return [...new Set([...FIXED_VERBS, ...GLOBAL_COMMANDS])].sort();
    return [...GLOBAL_COMMANDS].sort();
  }

  /** Follow the menu words at the start of a line from the current menu. */
  private head(line: string): Head {
    const ws = words(line);
    let menu = [...this.menu];
    for (let k = 0; k < ws.length; k++) {
      const w = ws[k]!;
      let parts: string[];
      if (w.text.startsWith('/')) {
        menu = [];
        parts = w.text.split('/').filter((p) => p !== '');
      } else if (w.text.includes('/') && !w.text.includes('=')) parts = w.text.split('/').filter((p) => p !== '');
      else parts = [w.text];
      for (let j = 0; j < parts.length; j++) {
        const p = parts[j]!;
        if (p === '..') {
          menu.pop();
          continue;
        }
        const kids = this.children(menu);
        const hit = kids.includes(p) ? p : kids.filter((c) => c.startsWith(p)).length === 1 ? kids.find((c) => c.startsWith(p)) : undefined;
        // A word that is a command of this menu is the command even when a submenu starts with it.
        if (hit !== undefined && !(hit !== p && this.verbs(menu).includes(p))) {
          menu.push(hit);
          continue;
        }
        const offset = w.text.startsWith('/') || parts.length > 1 ? w.text.indexOf(p) : 0;
        const rest = [...parts.slice(j + 1), line.slice(w.at + w.text.length).trim()].filter((x) => x !== '').join(' ');
        return { menu, verb: p, verbAt: w.at + offset, rest };
      }
    }
    return { menu, verb: undefined, verbAt: line.length, rest: '' };
  }

  /** Run one line and say what it prints. */
  execute(input: string): ConsoleOutput {
    const line = input.replace(/\r$/, '');
    const trimmed = line.trim();
    if (trimmed === '' || trimmed.startsWith('#')) return { text: '', quit: false };
    if (endsWithHelp(trimmed)) return { text: this.help(trimmed.slice(0, -1)), quit: false };
    if (/^\/?quit$/.test(trimmed)) return { text: '', quit: true };
    const logText = this.logPrint(trimmed);
    if (logText !== null) return { text: logText, quit: false };
    const mon = this.monitorTraffic(trimmed);
    if (mon !== null) return { text: mon.text, quit: false, ...(mon.again !== undefined ? { refresh: mon.again } : {}) };
    const h = this.head(trimmed);
    if (h.menu.join(' ') === 'metarouter' && h.verb === 'console') {
      const name = h.rest.replace(/^numbers=/, '').replace(/^"(.*)"$/, '$1').trim();
      const guest = name === '' ? undefined : this.backend.guestConsole?.(name);
      if (guest === undefined) return { text: `no such item (${name === '' ? 'console needs a guest name' : name})\n`, quit: false };
      return { text: `[Ctrl-A Q returns to the host]\n`, quit: false, enter: guest };
    }
    let text = '';
    const out = (s: string): void => {
      if (s === '') return;
      text += s.endsWith('\n') ? s : s + '\n';
    };
    // `print` and `export` show their text, except inside `[ ... ]` where they are values (`:put [print count-only]`).
    const shown = (req: QueryRequest): boolean => lineOf(req.cmd.pos) !== 1 || !insideSubstitution(line, req.cmd.pos);
    const hooks: ExecHooks = {
      print: (req) => {
        const r = this.print(req);
        if (shown(req)) out(r.text);
        return r.value;
      },
      export: (req) => {
        const t = this.export(req);
        if (shown(req)) out(t);
        else return str(t);
        return undefined;
      },
      put: (s) => out(s),
    };
    const r = this.backend.runConsoleLine(line, this.menu, { hooks });
    for (const e of r.errors) out(consoleError(e));
    if (r.ok && r.menu.join(' ') !== this.menu.join(' ')) {
      // A menu change: only to a menu RouterOS has (abbreviations expanded); `foo` alone is a bad command.
      const e = this.resolver().expand(r.menu);
      if (e.failed === undefined) this.menu = pathWordsOf(e.path);
      else if (e.path !== '/' && this.registry.isUnsupported(e.path)) this.menu = [...pathWordsOf(e.path), ...e.rest];
      else out(`bad command name ${e.failed} (line 1 column ${wordColumn(line, e.failed)})`);
    }
    return { text, quit: false };
  }

  /**
   * `/interface monitor-traffic NAME[,NAME...] [once]` (also `monitor-traffic ...` inside `/interface`): the
   * running dataplane's rates over the last second (monitor-traffic.ts). Without `once` the console redraws
   * it every second until a key is pressed (on a terminal; piped, one sample). Null when the line is
   * something else.
   */
  private monitorTraffic(line: string): { text: string; again?: () => string } | null {
    const inIf = this.menu.length === 1 && this.menu[0] === 'interface';
    const m = /^(?:\/interface\s+|(?=monitor-traffic))monitor-traffic(?:\s+(?:interface=)?("[^"]*"|[^\s]+))?((?:\s+[a-z-]+(?:=\S*)?)*)\s*$/.exec(line);
    if (m === null || (!inIf && !line.startsWith('/interface'))) return null;
    const names = (m[1] ?? '').replace(/^"(.*)"$/, '$1').split(',').filter((n) => n !== '');
    if (names.length === 0) return { text: 'expected interface name (monitor-traffic needs an interface)\n' };
    let once = false;
    for (const w of (m[2] ?? '').trim().split(/\s+/).filter((x) => x !== '')) {
      if (w === 'once') once = true;
      else if (!/^(duration=\S+|interval=\S+|without-paging|as-value|do=.*)$/.test(w)) return { text: `expected end of command (line 1 column ${line.indexOf(w) + 1})\n` };
    }
    const src = this.backend.traffic;
    if (src === undefined || src === null) return { text: 'no traffic to monitor: no dataplane runs this router (flowplane run --console)\n' };
    const show = (): string => {
      const r = src.monitor(names);
      return r.ok ? monitorText(r.rows) : `no such item (${r.unknown})\n`;
    };
    const text = show();
    return once || text.startsWith('no such item') ? { text } : { text, again: show };
  }

  /**
   * `/log print` (also `print` inside `/log`), optionally `where topics~"REGEX"`: the router's memory log.
   * `/log` is not a configuration menu (the store has no rows for it), so the console answers it itself.
   * Null when the line is something else.
   */
  private logPrint(line: string): string | null {
    const inLog = this.menu.length === 1 && this.menu[0] === 'log';
    const m = /^(?:\/log\s+|(?=print))print(?:\s+where\s+topics\s*~\s*"([^"]*)")?\s*$/.exec(line);
    if (m === null || (!inLog && !line.startsWith('/log'))) return null;
    const log = this.backend.log;
    if (log === undefined) return 'no log\n';
    let re: RegExp | undefined;
    if (m[1] !== undefined) {
      try {
        re = new RegExp(m[1]);
      } catch {
        return `invalid regular expression: ${m[1]}\n`;
      }
    }
    return `${log.format(re)}\n`;
  }

  /** `print` of a command: its arguments turned into options for printTable. */
  private print(req: QueryRequest): { text: string; value?: ScriptValue } {
    const src = sourceOf(req.menu);
    if (src === undefined) {
      if (req.menu.kind === 'unsupported') return { text: `failure: flowplane does not model ${req.menu.path}: its commands are kept for export, not applied` };
      return { text: `bad command name print (line ${lineOf(req.cmd.pos)} column ${req.cmd.pos.col})` };
    }
    const opts: PrintTableOptions = { width: this.opts.width?.() ?? 80 };
    if (this.opts.counters) opts.counters = this.opts.counters;
    let asValue = false;
    for (const a of req.cmd.args) {
      switch (a.value) {
        case 'detail':
          opts.detail = true;
          break;
        case 'terse':
          opts.terse = true;
          break;
        case 'brief':
          opts.brief = true;
          break;
        case 'count-only':
          opts.countOnly = true;
          break;
        case 'stats':
          opts.stats = true;
          break;
        case 'value-list':
          opts.valueList = true;
          break;
        case 'static':
        case 'dynamic':
        case 'all':
          opts.show = a.value;
          break;
        case 'as-value':
          asValue = true;
          break;
        case 'without-paging':
        case 'follow':
        case 'follow-only':
          break;
        default:
          return { text: `expected end of command (line ${lineOf(a.pos)} column ${a.pos.col})` };
      }
    }
    for (const p of req.cmd.props) {
      if (p.name === 'proplist' && p.value !== null) opts.proplist = p.value.split(',').filter((x) => x !== '');
      else if (['without-paging', 'interval', 'follow', 'follow-only', 'file'].includes(p.name)) continue;
      else return { text: `expected end of command (line ${lineOf(p.pos)} column ${p.pos.col})` };
    }
    // The executor selected the rows (where, [ find ], names, numbers); print keeps their numbers.
    if (req.cmd.selector !== undefined) {
      const chosen = new Set(req.rows.map((r) => r.item));
      opts.where = (item) => chosen.has(item);
    }
    if (asValue) return { text: '' };
    const text = printTable(src, opts);
    return opts.countOnly ? { text, value: num(Number(text.trim())) } : { text };
  }

  /** `export` of a command: the menu and those below it. */
  private export(req: QueryRequest): string {
    const opts: ExportOptions = { path: req.menu.path, date: (this.opts.now ?? (() => new Date()))() };
    if (this.opts.version) opts.version = this.opts.version;
    for (const a of req.cmd.args) {
      switch (a.value) {
        case 'verbose':
          opts.verbose = true;
          break;
        case 'terse':
          opts.terse = true;
          break;
        case 'compact':
          opts.compact = true;
          break;
        case 'show-sensitive':
          opts.showSensitive = true;
          break;
        case 'hide-sensitive':
          opts.showSensitive = false;
          break;
        default:
          return `expected end of command (line ${lineOf(a.pos)} column ${a.pos.col})`;
      }
    }
    let file: string | undefined;
    for (const p of req.cmd.props) {
      if (p.name === 'file' && p.value) file = p.value;
      else return `expected end of command (line ${lineOf(p.pos)} column ${p.pos.col})`;
    }
    const text = exportConfig(req.store, opts);
    if (file === undefined) return text;
    const name = file.endsWith('.rsc') ? file : `${file}.rsc`;
    if (/[/\\]/.test(name)) return 'failure: the file name must not name a folder';
    fs.writeFileSync(path.join(this.opts.fileDir ?? '.', name), text);
    return '';
  }

  // -----------------------------------------------------------------------------------------------------------
  // `?` help

  /** Help for the text typed before `?`: the menu's commands and submenus, or a command's arguments. */
  help(before: string): string {
    const h = this.head(before);
    const path = pathOf(h.menu);
    const spec = this.registry.spec(path);
    const out: string[] = [];
    if (h.verb === undefined) {
      out.push(spec?.doc ?? (this.registry.isUnsupported(path) ? `${path}: not modelled by flowplane (commands are kept for export, not applied)` : path === '/' ? 'RouterOS configuration (flowplane)' : `${path}`));
      out.push('');
      const entries: Array<[string, string]> = [];
      if (h.menu.length > 0) entries.push(['..', `go up to ${h.menu.length > 1 ? h.menu[h.menu.length - 2] : 'root'}`]);
      for (const c of this.children(h.menu)) {
        const sub = this.registry.spec(path === '/' ? `/${c}` : `${path} ${c}`);
        const full = path === '/' ? `/${c}` : `${path} ${c}`;
        entries.push([c, sub?.doc ?? (this.registry.isUnsupported(full) ? '(not modelled: commands are kept, not applied)' : '(menu)')]);
      }
      for (const v of this.verbs(h.menu)) entries.push([v, v === 'quit' ? 'leave the console' : (VERB_DOCS[v] ?? '')]);
      out.push(...helpRows(entries));
      return out.join('\n') + '\n';
    }
    // Arguments of a command.
    const ws = words(h.rest);
    const last = ws[ws.length - 1]?.text ?? '';
    const eq = last.indexOf('=');
    if (spec && eq > 0 && eq === last.length - 1) {
      const p = findProp(spec, last.slice(0, -1));
      if (p) return `${p.name} -- ${describeValue(p.type)}${p.default !== undefined ? ` (default ${p.default === '' ? '""' : p.default})` : ''}${p.doc ? `; ${p.doc}` : ''}\n`;
    }
    const entries = this.argumentHelp(h.menu, h.verb);
    if (entries === undefined) return `bad command name ${h.verb} (line 1 column ${h.verbAt + 1})\n`;
    out.push(`${h.verb} -- ${VERB_DOCS[h.verb] ?? ''}`.trimEnd());
    out.push('');
    out.push(...helpRows(entries));
    return out.join('\n') + '\n';
  }

  private argumentHelp(menu: readonly string[], verb: string): Array<[string, string]> | undefined {
    const spec = this.registry.spec(pathOf(menu));
    if (verb === 'print') return [...PRINT_WORDS.map((w): [string, string] => [w, '']), ...PRINT_PROPS.map((w): [string, string] => [w, ''])];
    if (verb === 'export') return [...EXPORT_WORDS.map((w): [string, string] => [w, '']), ...EXPORT_PROPS.map((w): [string, string] => [w, ''])];
    if (!this.verbs(menu).includes(verb)) return undefined;
    if (!spec) return [];
    const props = spec.props.filter((p) => !p.readOnly);
    const entries: Array<[string, string]> = [];
    if (['set', 'remove', 'enable', 'disable', 'comment', 'move', 'get', 'unset', 'reset'].includes(verb) && spec.kind !== 'single')
      entries.push(['numbers', 'items: numbers from print, ids like *1A, names or [ find ... ]']);
    if (verb === 'add' || verb === 'set' || verb === 'find')
      for (const p of props) entries.push([p.name, [p.doc, describeValue(p.type)].filter(Boolean).join('; ')]);
    if (verb === 'add' && spec.ordered) entries.push(['place-before', 'put the new item before this one']);
    if (verb === 'move') entries.push(['destination', 'the item to move before (end of the list when absent)']);
    return entries;
  }

  // -----------------------------------------------------------------------------------------------------------
  // Tab completion

  /** readline completer: candidates for the word under the cursor and that word. */
  complete(line: string): [string[], string] {
    const ws = words(line);
    const endsBlank = line === '' || /\s$/.test(line);
    const cur = endsBlank ? '' : (ws[ws.length - 1]?.text ?? '');
    const before = endsBlank ? line : line.slice(0, line.length - cur.length);
    const h = this.head(before);
    if (h.verb === undefined) {
      // Menu or command words; a slash path completes its last segment.
      const slash = cur.lastIndexOf('/');
      let menu = h.menu;
      let prefix = cur;
      let lead = '';
      if (slash >= 0) {
        const hs = this.head(cur.slice(0, slash + 1));
        menu = hs.verb !== undefined ? [] : hs.menu;
        if (cur.startsWith('/') && slash === 0) menu = [];
        lead = cur.slice(0, slash + 1);
        prefix = cur.slice(slash + 1);
      }
      const subs = this.children(menu).filter((c) => c.startsWith(prefix));
      const verbs = this.verbs(menu).filter((v) => v.startsWith(prefix));
      const hits = [...subs.map((s) => lead + s + (slash >= 0 ? '/' : ' ')), ...verbs.map((v) => lead + v + ' ')];
      if (prefix === '' && slash < 0 && menu.length > 0) hits.unshift('.. ');
      return [hits.length === 1 ? hits : hits.map((x) => x.trimEnd()), cur];
    }
    const spec = this.registry.spec(pathOf(h.menu));
    const eq = cur.indexOf('=');
    if (eq > 0 && spec) {
      const p = findProp(spec, cur.slice(0, eq));
      if (!p) return [[], cur];
      const vp = cur.slice(eq + 1);
      const neg = p.negatable && vp.startsWith('!') ? '!' : '';
      const vals = this.valueCandidates(p.type).filter((v) => v.startsWith(vp.slice(neg.length)));
      const hits = vals.map((v) => `${cur.slice(0, eq + 1)}${neg}${v}`);
      return [hits.length === 1 ? [hits[0]! + ' '] : hits, cur];
    }
    let names: string[];
    if (h.verb === 'print') names = [...PRINT_WORDS, ...PRINT_PROPS.map((p) => p + '=')];
    else if (h.verb === 'export') names = [...EXPORT_WORDS, ...EXPORT_PROPS.map((p) => p + '=')];
    else names = (this.argumentHelp(h.menu, h.verb) ?? []).filter(([n]) => n !== 'numbers' && n !== 'destination').map(([n]) => n + '=');
    const hits = names.filter((n) => n.startsWith(cur));
    return [hits, cur];
  }

  private valueCandidates(type: ValueType): string[] {
    switch (type.t) {
      case 'bool':
        return ['no', 'yes'];
      case 'enum':
        return [...type.values];
      case 'flags':
        return [...type.values];
      case 'ref': {
        const out = new Set<string>(type.also ?? []);
        const tables = type.menu === '/interface' ? INTERFACE_KINDS : [type.menu];
        for (const path of tables) {
          const t = this.store.table(path);
          const key = t?.spec.key;
          if (!t || !key) continue;
          for (const item of t.items) {
            const v = t.value(item, key);
            if (v) out.add(v);
          }
        }
        return [...out].sort();
      }
      default:
        return [];
    }
  }
}

function endsWithHelp(line: string): boolean {
  if (!line.endsWith('?')) return false;
  // A `?` inside a quoted string is text.
  let quoted = false;
  for (let k = 0; k < line.length - 1; k++) {
    if (line[k] === '\\' && quoted) k++;
    else if (line[k] === '"') quoted = !quoted;
  }
  return !quoted;
}

function pathWordsOf(path: string): string[] {
  return path === '/' ? [] : path.slice(1).split(' ');
}

/** 1-based column of a word in a line (of the last occurrence: menu words come before commands). */
function wordColumn(line: string, word: string): number {
  const re = new RegExp(`(^|[\\s/])${word.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(?=$|[\\s/])`, 'g');
  let at = -1;
  for (let m = re.exec(line); m !== null; m = re.exec(line)) at = m.index + m[1]!.length;
  return at < 0 ? 1 : at + 1;
}

/** Is a command at `pos` inside `[ ... ]` of the line (a value, not something to show)? */
function insideSubstitution(line: string, pos: Pos): boolean {
  const before = line.slice(0, Math.max(0, pos.col - 1));
  let depth = 0;
  let quoted = false;
  for (let k = 0; k < before.length; k++) {
    const ch = before[k];
    if (quoted) {
      if (ch === '\\') k++;
      else if (ch === '"') quoted = false;
    } else if (ch === '"') quoted = true;
    else if (ch === '[') depth++;
    else if (ch === ']') depth = Math.max(0, depth - 1);
  }
  return depth > 0;
}

/** Error positions of a console line: RouterInstance parses the line after a menu line (line 2). */
function lineOf(pos: Pos): number {
  return Math.max(1, pos.line - 1);
}

/**
 * A console error as RouterOS prints it: `message (line 1 column 5)`, with RouterOS's own wording for the
 * messages it has one for (`bad command name foo`, `input does not match any value of action`).
 */
export function consoleError(e: Pick<ConfigError, 'message' | 'line' | 'col'>): string {
  let m = e.message;
  const noCommand = /^no command '([^']+)' in /.exec(m);
  if (noCommand) m = `bad command name ${noCommand[1]}`;
  const notOneOf = /^([\w.-]+): expected one of .*, found '.*'$/.exec(m);
  if (notOneOf) m = `input does not match any value of ${notOneOf[1]}`;
  return `${m} (line ${e.line} column ${e.col})`;
}

/** What print lists for a resolved menu: one table, or the interface kinds in id order. */
function sourceOf(ref: MenuRef): MenuTable | PrintSource | undefined {
  if (ref.kind === 'table') return ref.table;
  if (ref.kind === 'interfaces') {
    const tables = ref.tables;
    return {
      path: ref.path,
      tables,
      rows: () => {
        const out: Row[] = [];
        for (const table of tables) for (const item of table.items) out.push({ table, item });
        return out.sort((a, b) => a.item.id - b.item.id);
      },
    };
  }
  return undefined;
}

function findProp(spec: MenuSpec, name: string): PropSpec | undefined {
  const exact = spec.props.find((p) => p.name === name);
  if (exact) return exact;
  const cands = spec.props.filter((p) => p.name.startsWith(name));
  return cands.length === 1 ? cands[0] : undefined;
}

function describeValue(t: ValueType): string {
  if (t.t === 'enum') return t.values.join(' | ');
  if (t.t === 'flags') return `comma list of ${t.values.join(', ')}`;
  return describeType(t);
}

/** `name -- text` rows, names padded to one column. */
function helpRows(entries: ReadonlyArray<readonly [string, string]>): string[] {
  const w = Math.max(0, ...entries.map(([n]) => n.length));
  return entries.map(([n, d]) => (d ? `${n.padEnd(w)} -- ${d}` : n));
}

export interface RunConsoleOptions extends ConsoleOptions {
  /** Use terminal features (prompt, line editing, completion). Default: whether `input` is a TTY. */
  terminal?: boolean;
}

/**
 * Run the console on streams until `quit` or the end of input. With a terminal: a prompt, history, Tab
 * completion, `?` shown at once; with piped input: every command's output in order, nothing else.
 */
export function runConsole(backend: ConsoleBackend, input: Readable, output: Writable, opts: RunConsoleOptions = {}): Promise<void> {
  const terminal = opts.terminal ?? Boolean((input as Readable & { isTTY?: boolean }).isTTY);
  const width = opts.width ?? (() => (output as Writable & { columns?: number }).columns || 80);
  const host = new Console(backend, { ...opts, width });
  // MetaRouter guests' consoles entered with `/metarouter console NAME`; Ctrl-A Q leaves the innermost.
  const stack: Console[] = [];
  let con = host;
  const leaveGuest = (): boolean => {
    const outer = stack.pop();
    if (outer === undefined) return false;
    con = outer;
    output.write('\n');
    return true;
  };
  return new Promise((resolve) => {
    const rl = readline.createInterface({
      input,
      output,
      terminal,
      historySize: terminal ? 100 : 0,
      ...(terminal ? { completer: (line: string) => con.complete(line) } : {}),
    });
    let closed = false;
    const finish = (): void => {
      if (closed) return;
      closed = true;
      rl.close();
      resolve();
    };
    const prompt = (): void => {
      if (!terminal || closed) return;
      rl.setPrompt(con.prompt());
      rl.prompt();
    };
    // A refreshing command's redraw (monitor-traffic): every second, until a key is pressed.
    let refreshing: { timer: ReturnType<typeof setInterval> } | null = null;
    const stopRefresh = (): boolean => {
      if (refreshing === null) return false;
      clearInterval(refreshing.timer);
      refreshing = null;
      return true;
    };
    if (terminal) {
      // `?` shows help at once, as RouterOS does, and leaves the line as it was.
      const inner = rl as unknown as { _ttyWrite?: (s: string, key: unknown) => void; line: string; cursor: number };
      const ttyWrite = inner._ttyWrite?.bind(rl);
      if (ttyWrite) {
        let ctrlA = false;
        inner._ttyWrite = (s: string, key: unknown): void => {
          // any key ends a refreshing command (RouterOS: q or Ctrl-C), and is not typed
          if (stopRefresh()) {
            rl.setPrompt(con.prompt());
            rl.prompt();
            return;
          }
          if (ctrlA) {
            ctrlA = false;
            if ((s === 'q' || s === 'Q') && leaveGuest()) {
              inner.line = '';
              inner.cursor = 0;
              rl.setPrompt(con.prompt());
              rl.prompt();
              return;
            }
          }
          if (s === '\x01' && stack.length > 0) {
            ctrlA = true;
            return;
          }
          if (s === '?' && !endsInsideQuotes(inner.line.slice(0, inner.cursor))) {
            const typed = inner.line;
            output.write('?\n' + con.help(typed.slice(0, inner.cursor)));
            rl.setPrompt(con.prompt());
            rl.prompt(true);
            return;
          }
          ttyWrite(s, key);
        };
      }
    }
    rl.on('line', (line) => {
      if (closed) return;
      if (GUEST_ESCAPE.test(line)) {
        leaveGuest();
        prompt();
        return;
      }
      const r = con.execute(line);
      if (r.text) output.write(r.text);
      if (r.quit) {
        finish();
        return;
      }
      if (r.enter !== undefined) {
        stack.push(con);
        con = new Console(r.enter, { ...opts, width });
      }
      if (r.refresh !== undefined && terminal) {
        const again = r.refresh;
        const lines = r.text.split('\n').length - 1;
        output.write('-- [any key quits]\n');
        refreshing = {
          timer: setInterval(() => {
            // back over the block and its footer, and draw it again in place
            const t = again();
            output.write(`\x1b[${lines + 1}A` + t.split('\n').map((l) => (l === '' ? l : `${l}\x1b[K`)).join('\n') + '-- [any key quits]\x1b[K\n');
          }, 1000),
        };
        return;
      }
      prompt();
    });
    rl.on('SIGINT', () => {
      if (stopRefresh()) {
        prompt();
        return;
      }
      // Ctrl-C drops the line being typed.
      output.write('\n');
      (rl as unknown as { line: string }).line = '';
      prompt();
    });
    rl.on('close', () => {
      stopRefresh();
      if (!closed) {
        closed = true;
        if (terminal) output.write('\n');
        resolve();
      }
    });
    prompt();
  });
}

function endsInsideQuotes(s: string): boolean {
  let quoted = false;
  for (let k = 0; k < s.length; k++) {
    if (s[k] === '\\' && quoted) k++;
    else if (s[k] === '"') quoted = !quoted;
  }
  return quoted;
}
