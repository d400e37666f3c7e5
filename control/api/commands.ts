/**
 * The management APIs' command layer: one API command (a menu path, a verb, `name=value` attributes, query
 * words) run through the router's command layer (`RouterInstance.runCommand`, the console's executor), and
 * its result as API replies: rows of attributes, a `ret` value, or a trap (category and message).
 *
 * Both servers use it: the binary API (server.ts) turns the result into `!re`/`!done`/`!trap`/`!empty`,
 * REST (rest.ts) into JSON. Values are printed as the API prints them: RouterOS text, but booleans
 * `true`/`false`; passwords never. Items are named by `.id` (or `numbers`): an id `*1A`, a name, or a
 * comma-separated list of them.
 *
 * UNCONFIRMED: which executor errors become which trap category (0 unknown item or command, 1 bad argument,
 * 4 missing rights with RouterOS's `not enough permissions (9)`), and that print lists `dynamic` and
 * `invalid` for every list item.
 *
 * Rights: commands that only read need the `read` policy; anything else needs `write` (checked here, before
 * the command runs, so a read-only user changes nothing).
 */
import type { CounterSource } from '../console/print';
import type { RouterInstance } from '../instance/router';
import type { ConfigError } from '../routeros/errors';
import type { ResolvedCommand, ResolvedProp, ResolvedSelector, ScriptValue } from '../routeros/script';
import type { Pos } from '../routeros/source';
import type { Row } from '../store/select';
import { idText } from '../store/store';
import { executeCommand } from './execute';
import { type Query, compileQuery, queryMatches } from './query';

/** A logged-in user: name and the policies of their group. */
export interface ApiUser {
  readonly name: string;
  readonly policies: ReadonlySet<string>;
}

/** Printed attributes of one item, in print order. */
export type ApiRow = Map<string, string>;

export type ApiResult =
  | { readonly ok: true; readonly rows: ApiRow[]; readonly ret?: string; readonly listed: boolean }
  | { readonly ok: false; readonly category: number; readonly message: string; readonly notFound?: boolean };

const POS: Pos = { line: 1, col: 1, offset: 0 };
export const API_FILE = '<api>';

/** Verbs that change nothing. */
export const READ_ONLY_VERBS = new Set(['print', 'getall', 'get', 'find', 'export', 'listen', 'monitor', 'monitor-traffic']);

/** Print arguments the API accepts and flowplane ignores (there is no terminal to page or refresh). */
const PRINT_IGNORED = new Set(['detail', 'stats', 'without-paging', 'terse', 'brief', 'interval', 'follow', 'follow-only', 'file', 'append', 'as-value', 'show-ids', 'value-list']);

/** `/ip/firewall/filter/print` → path words and verb; undefined when it is not a command word. */
export function splitCommand(word: string): { path: string[]; verb: string } | undefined {
  if (!word.startsWith('/')) return undefined;
  const parts = word.split('/').filter((p) => p !== '');
  if (parts.length === 0) return undefined;
  const verb = parts.pop()!;
  return { path: parts, verb };
}

/** A trap from executor errors: the first message, in the API's words where RouterOS's are known. */
function trapOf(errors: readonly ConfigError[]): { ok: false; category: number; message: string; notFound?: boolean } {
  const m = errors[0]?.message ?? 'failure';
  if (m.startsWith('no such menu')) return { ok: false, category: 0, message: 'no such command prefix' };
  if (m.startsWith('no command ') || m.endsWith('cannot be removed (they belong to the router)')) return { ok: false, category: 0, message: 'no such command' };
  const unknown = /^unknown property '([^']*)'/.exec(m);
  if (unknown) return { ok: false, category: 1, message: `unknown parameter ${unknown[1]}` };
  if (/^no item with id|^no such item|^no item number|is not an item of|: no such item/.test(m)) return { ok: false, category: 0, message: 'no such item', notFound: true };
  return { ok: false, category: 1, message: m };
}

/** API text of a stored value: booleans true/false. */
function apiValue(type: string, v: string): string {
  if (type === 'bool') return v === 'yes' ? 'true' : v === 'no' ? 'false' : v;
  return v;
}

/** The attributes of one row as the API prints them (`.id` first, passwords never). */
export function rowAttrs(row: Row, proplist?: ReadonlySet<string>, counters?: CounterSource | null): ApiRow {
  const { table, item } = row;
  const spec = table.spec;
  const out: ApiRow = new Map();
  const want = (n: string) => proplist === undefined || proplist.has(n);
  if (spec.kind !== 'single' && want('.id')) out.set('.id', idText(item.id));
  for (const p of spec.props) {
    if (p.type.t === 'password' || !want(p.name)) continue;
    const v = table.value(item, p.name);
    if (v !== undefined) out.set(p.name, apiValue(p.type.t, v));
  }
  // Live counters of a running router: rule bytes/packets, interface rx/tx (RouterOS prints them too).
  if (counters !== undefined && counters !== null) {
    const c = counters.counters(spec.path, item.id);
    if (c !== undefined) {
      if (want('bytes')) out.set('bytes', String(c.bytes));
      if (want('packets')) out.set('packets', String(c.packets));
    }
    const cols = counters.statColumns?.(spec.path);
    const vals = cols === undefined ? undefined : counters.statValues?.(spec.path, item.id);
    if (cols !== undefined && vals !== undefined) cols.forEach((k, i) => want(k) && out.set(k, String(vals[i] ?? 0)));
  }
  // a live table's rows (`/ip firewall connection`) are all the router's: RouterOS prints no dynamic/invalid there
  if (spec.kind !== 'single' && spec.live !== 'table') {
    if (!table.prop('dynamic') && want('dynamic')) out.set('dynamic', item.dynamic ? 'true' : 'false');
    if (!table.prop('invalid') && want('invalid')) out.set('invalid', 'false');
  }
  if (proplist !== undefined) {
    // The order the client asked for.
    const ordered: ApiRow = new Map();
    for (const n of proplist) {
      const v = out.get(n);
      if (v !== undefined) ordered.set(n, v);
    }
    return ordered;
  }
  return out;
}

function selector(value: string): ResolvedSelector {
  return { kind: 'items', value, pos: POS };
}

function prop(name: string, value: string | null): ResolvedProp {
  return { name, value, pos: POS, valuePos: POS };
}

export interface ApiCommand {
  readonly path: readonly string[];
  readonly verb: string;
  /** `=name=value` attributes (`.id`, `numbers`, `.proplist` included), in order. */
  readonly attrs: ReadonlyArray<readonly [string, string]>;
  /** Query words, without or with the leading `?`. */
  readonly queries: readonly string[];
}

/** The rows of a menu (print), filtered by a query; the selection `.id`/`numbers` narrows it further. */
export function printRows(router: RouterInstance, path: readonly string[], sel: string | undefined, q: Query | undefined, proplist: ReadonlySet<string> | undefined): ApiResult {
  const cmd: ResolvedCommand = { file: API_FILE, pos: POS, path, verb: 'print', args: [], props: [], selector: sel !== undefined ? selector(sel) : undefined };
  const r = router.runCommand(cmd);
  if (!r.ok) return trapOf(r.errors);
  const rows: ApiRow[] = [];
  const stack: boolean[] = [];
  for (const row of r.query?.rows ?? []) {
    if (q !== undefined) {
      const all = rowAttrs(row, undefined, router.counters);
      if (!queryMatches(q, all, stack)) continue;
      rows.push(proplist === undefined ? all : rowAttrs(row, proplist, router.counters));
    } else rows.push(rowAttrs(row, proplist, router.counters));
  }
  return { ok: true, rows, listed: true };
}

/** Parse `.proplist` (comma list; REST also sends an array, joined by the caller). */
export function parseProplist(v: string | undefined): Set<string> | undefined {
  if (v === undefined) return undefined;
  return new Set(v.split(',').filter((x) => x !== ''));
}

/** Run one API command for `user`. */
export function runApiCommand(router: RouterInstance, user: ApiUser, c: ApiCommand): ApiResult {
  if (c.path.length === 0 && c.verb === 'execute') return executeCommand(router, user, c.attrs);
  const verb = c.verb === 'getall' ? 'print' : c.verb;
  const reads = READ_ONLY_VERBS.has(verb);
  if (reads ? !user.policies.has('read') : !user.policies.has('write')) {
    return { ok: false, category: 4, message: 'not enough permissions (9)' };
  }
  if (verb === 'monitor-traffic' && c.path.length === 1 && c.path[0] === 'interface') return monitorTraffic(router, c);
  let sel: string | undefined;
  let proplist: Set<string> | undefined;
  const props: ResolvedProp[] = [];
  let countOnly = false;
  for (const [k, v] of c.attrs) {
    if (k === '.id' || k === 'numbers' || (k === 'number' && verb === 'get')) sel = v;
    else if (k === '.proplist') proplist = parseProplist(v);
    else if (k.startsWith('.')) continue; // .tag and other API attributes
    else if (verb === 'print') {
      if (k === 'count-only') countOnly = true;
      else if (!PRINT_IGNORED.has(k)) return { ok: false, category: 1, message: `unknown parameter ${k}` };
    } else props.push(prop(k, v));
  }
  if (verb === 'print') {
    let q: Query | undefined;
    if (c.queries.length > 0) {
      const compiled = compileQuery(c.queries);
      if (typeof compiled === 'string') return { ok: false, category: 1, message: compiled };
      q = compiled;
    }
    const r = printRows(router, c.path, sel, q, countOnly ? new Set(['.id']) : proplist);
    if (!r.ok || !countOnly) return r;
    return { ok: true, rows: [], ret: String(r.rows.length), listed: false };
  }
  if (c.queries.length > 0) return { ok: false, category: 1, message: `queries are only for print` };
  const cmd: ResolvedCommand = { file: API_FILE, pos: POS, path: c.path, verb, args: [], props, selector: sel !== undefined ? selector(sel) : undefined };
  const r = router.runCommand(cmd);
  if (!r.ok) return trapOf(r.errors);
  const v = r.value;
  const ret = v === undefined ? undefined : retText(v);
  return ret === undefined ? { ok: true, rows: [], listed: false } : { ok: true, rows: [], ret, listed: false };
}

/**
 * `/interface/monitor-traffic =interface=ether1,ether2 [=once=]`: one `!re` per interface with its rates
 * over the last second (console/monitor-traffic.ts), plain numbers. RouterOS streams a sample a second
 * until `/cancel` unless `once` is given; flowplane answers one sample either way (UNCONFIRMED that clients
 * accept the early `!done` without `once`: the ones tested send `once`).
 */
function monitorTraffic(router: RouterInstance, c: ApiCommand): ApiResult {
  let names: string[] = [];
  let proplist: Set<string> | undefined;
  for (const [k, v] of c.attrs) {
    if (k === 'interface' || k === 'numbers') names = v.split(',').filter((n) => n !== '');
    else if (k === '.proplist') proplist = parseProplist(v);
    else if (k.startsWith('.') || k === 'once' || k === 'duration' || k === 'interval' || k === 'without-paging') continue;
    else return { ok: false, category: 1, message: `unknown parameter ${k}` };
  }
  if (names.length === 0) return { ok: false, category: 1, message: 'missing value(s) of argument(s) interface' };
  const src = router.traffic;
  if (src === null) return { ok: false, category: 0, message: 'no dataplane runs this router' };
  const r = src.monitor(names);
  if (!r.ok) return { ok: false, category: 0, message: 'no such item', notFound: true };
  const rows: ApiRow[] = r.rows.map(({ name, rates }) => {
    const row: ApiRow = new Map();
    if (proplist === undefined || proplist.has('name')) row.set('name', name);
    for (const [f, v] of rates) if (proplist === undefined || proplist.has(f)) row.set(f, String(v));
    return row;
  });
  return { ok: true, rows, listed: true };
}

/** The `ret` text of a command's value (`add` → `*1A`; `find` → ids joined by `;`, as RouterOS lists them). */
function retText(v: ScriptValue): string | undefined {
  switch (v.type) {
    case 'nothing':
    case 'nil':
    case 'code':
      return undefined;
    case 'str':
      return v.value;
    case 'num':
    case 'bool':
      return String(v.value);
    case 'array':
      return v.items.map(([, x]) => retText(x) ?? '').join(';');
    default:
      return v.text;
  }
}
