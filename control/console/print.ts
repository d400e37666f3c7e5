/**
 * `print`: a menu's items as the RouterOS v7 console shows them.
 *
 * Table form (menus with columns; `/ip address print`):
 * ```
 * Flags: X - DISABLED; D - DYNAMIC
 * Columns: ADDRESS, NETWORK, INTERFACE
 * #   ADDRESS          NETWORK       INTERFACE
 * ;;; defconf
 * 0   192.168.88.1/24  192.168.88.0  bridge
 * 1 X 10.0.0.1/24      10.0.0.0      ether2
 * ```
 * v7 lists only the flags that appear in the output and says which columns follow. Numbers are the items'
 * positions in the menu (what `set 0`, `move 1 0` refer to), so they stay the same under `where`.
 *
 * Property form (`print detail`; plain `print` of rules, which RouterOS v7 prints this way: ordered menus
 * with a `chain`, i.e. firewall and bridge filter/nat):
 * ```
 * Flags: X - disabled, I - invalid; D - dynamic
 *  0    ;;; defconf: accept ICMP
 *       chain=input action=accept protocol=icmp
 *
 *  1 X  chain=forward action=drop
 * ```
 * Plain property form shows the properties that were given; `detail` every property that has a value,
 * defaults included, in schema order, wrapped to the width with continuation lines under the first
 * property, items separated by a blank line; the menu key and empty text are quoted (`name="ether1"`,
 * `log-prefix=""`). Like RouterOS, plain `print` of rules leaves out dynamic ones (`print all` shows them);
 * `print brief` gives rules the table form.
 *
 * Single menus (`/ip settings print`) print `name: value` pairs with the names right-aligned.
 *
 * `count-only` prints the number of matching items, `stats` the rule counters (bytes, packets; digits
 * grouped by three) from a `CounterSource` (the dataplane provides one; zeros without it), `terse` one
 * line per item with every property as `name=value`, `value-list` one `name: v1 v2 ...` line per
 * property, `proplist=a,b` chooses the columns (or properties).
 */
import type { PropSpec } from '../menus/schema';
import { quoteString, quoteValue } from '../routeros/printer';
import { type Row, readProp } from '../store/select';
import type { Item, MenuTable } from '../store/store';

export interface Counters {
  bytes: number;
  packets: number;
}

/**
 * Where rule counters come from (the dataplane): per menu and item id. A source may give a menu its own
 * counter columns (`/interface print stats`: RX-BYTE, TX-BYTE, ...): `statColumns` names them for the menu
 * (undefined: bytes and packets), `statValues` gives an item's values in that order.
 */
export interface CounterSource {
  counters(menu: string, id: number): Counters | undefined;
  statColumns?(menu: string): readonly string[] | undefined;
  statValues?(menu: string, id: number): readonly (number | string)[] | undefined;
  /** `reset-counters` / `reset-counters-all`: the counters of items `ids` of `menu` start from zero. */
  reset?(menu: string, ids: readonly number[]): void;
}

/**
 * What `print` lists: one menu table, or a view over several (`/interface`: the interface kinds, in id
 * order). `MenuView` (control/store/select.ts) is one.
 */
export interface PrintSource {
  readonly path: string;
  readonly tables: readonly MenuTable[];
  rows(): Row[];
}

/** Columns of `/interface print` (the union of the interface kinds). */
export const INTERFACE_COLUMNS: readonly string[] = ['name', 'type', 'mtu', 'mac-address'];

export interface PrintTableOptions {
  /** Every property with a value, one item per paragraph (`print detail`). */
  detail?: boolean;
  /** One line per item, every property as `name=value` (`print terse`). */
  terse?: boolean;
  /** Only items for which this is true (`print where ...`). */
  where?: (item: Item, table: MenuTable) => boolean;
  /** Table form even for menus that print rules in property form (`print brief`). */
  brief?: boolean;
  /** Print the number of matching items only (`print count-only`). */
  countOnly?: boolean;
  /** Rule counters: bytes and packets per item (`print stats`). */
  stats?: boolean;
  /** Properties to show, in this order (`print proplist=a,b`). */
  proplist?: readonly string[];
  /** `name: value value ...` per property (`print value-list`). */
  valueList?: boolean;
  /** Terminal width for wrapping (default 80). */
  width?: number;
  /** Counters for `stats`; zeros when absent. */
  counters?: CounterSource;
  /** Which items: `static`, `dynamic` or `all` (default: `static` for rules, as RouterOS, else all). */
  show?: 'all' | 'static' | 'dynamic';
}

interface FlagDef {
  letter: string;
  name: string;
  /** Flags of one group are joined by `, `; groups by `; ` (RouterOS legend layout). */
  group: number;
  has: (row: Row) => boolean;
}

/** The flags a menu shows, in legend order. */
function flagDefs(tables: readonly MenuTable[]): FlagDef[] {
  // A menu with flags of its own (`/ip firewall connection`: S - seen-reply, A - assured, ...).
  const own = tables.length === 1 ? tables[0]!.spec.flags : undefined;
  if (own !== undefined) return own.map((f) => ({ letter: f.letter, name: f.prop, group: f.group, has: (r) => r.item.values.get(f.prop) === 'yes' }));
  const defs: FlagDef[] = [];
  if (tables.some((t) => t.prop('disabled') !== undefined)) defs.push({ letter: 'X', name: 'disabled', group: 0, has: (r) => r.table.disabled(r.item) });
  // RouterOS shows an "invalid" flag on rules whose references do not resolve; flowplane rejects those at load.
  if (tables.some((t) => t.spec.ordered && t.prop('disabled') !== undefined)) defs.push({ letter: 'I', name: 'invalid', group: 0, has: () => false });
  defs.push({ letter: 'D', name: 'dynamic', group: 1, has: (r) => r.item.dynamic });
  return defs;
}

function legend(defs: readonly FlagDef[], upper: boolean): string {
  const groups: string[][] = [];
  for (const d of defs) (groups[d.group] ??= []).push(`${d.letter} - ${upper ? d.name.toUpperCase() : d.name}`);
  return 'Flags: ' + groups.filter((g) => g.length > 0).map((g) => g.join(', ')).join('; ');
}

function flagsOf(defs: readonly FlagDef[], row: Row): string {
  let s = '';
  for (const d of defs) if (d.has(row)) s += d.letter;
  return s;
}

/** Property-form flags: one column per legend group (` 0 X  ...`, ` 0  D ...`), as RouterOS aligns them. */
function flagColumns(defs: readonly FlagDef[], row: Row): string {
  if (defs.length === 0) return '';
  const groups = Math.max(...defs.map((d) => d.group)) + 1;
  let s = '';
  for (let g = 0; g < groups; g++) s += defs.find((d) => d.group === g && d.has(row))?.letter ?? ' ';
  return s;
}

interface Numbered extends Row {
  readonly n: number;
}

/** The items `print` lists, with their numbers (positions in the menu, whatever the filter). */
function selectRows(src: PrintSource, opts: PrintTableOptions): Numbered[] {
  const show = opts.show ?? (printsAsRules(src) ? 'static' : 'all');
  const out: Numbered[] = [];
  src.rows().forEach((row, n) => {
    if (show === 'static' && row.item.dynamic) return;
    if (show === 'dynamic' && !row.item.dynamic) return;
    if (opts.where && !opts.where(row.item, row.table)) return;
    out.push({ ...row, n });
  });
  return out;
}

/** `50 507 925`: RouterOS groups digits of counters by three with blanks. */
export function groupDigits(n: number): string {
  const s = String(Math.trunc(n));
  return s.replace(/\B(?=(\d{3})+(?!\d))/g, ' ');
}

function isNumeric(p: PropSpec | undefined): boolean {
  return p !== undefined && (p.type.t === 'int' || p.type.t === 'size');
}

function propOf(tables: readonly MenuTable[], name: string): PropSpec | undefined {
  for (const t of tables) {
    const p = t.prop(name);
    if (p) return p;
  }
  return undefined;
}

/**
 * A value in `name=value` form. In detail RouterOS quotes text values such as names (`name="ether1"`) and
 * empty text (`log-prefix=""`); flowplane quotes the menu's key and empty text, others only when needed.
 */
function propValue(table: MenuTable, p: PropSpec | undefined, v: string, detail: boolean): string {
  if (detail && p?.type.t === 'str' && (v === '' || p.name === table.spec.key)) return quoteString(v);
  return quoteValue(v);
}

/** Passwords (stored as hashes) are never printed, as RouterOS never prints them. */
function shown(p: PropSpec): boolean {
  return p.type.t !== 'password';
}

/** Lay out columns: numbers and flags, then cells separated by two blanks; trailing blanks trimmed. */
function layoutTable(head: string[], rows: Array<{ n: string; flags: string; cells: string[]; comment?: string }>, right: boolean[]): string[] {
  const nw = Math.max(1, ...rows.map((r) => r.n.length));
  const fw = Math.max(0, ...rows.map((r) => r.flags.length));
  const widths = head.map((h, k) => Math.max(h.length, ...rows.map((r) => r.cells[k]!.length)));
  const line = (n: string, flags: string, cells: string[]): string => {
    // `0 X 10.0.0.1/24` with flags, `0  ether1` without: the number is a column like the others.
    const lead = fw > 0 ? `${n.padEnd(nw)} ${flags.padEnd(fw)} ` : `${n.padEnd(nw)}  `;
    const body = cells.map((c, k) => (right[k] ? c.padStart(widths[k]!) : c.padEnd(widths[k]!))).join('  ');
    return `${lead}${body}`.trimEnd();
  };
  const out = [line('#', '', head)];
  for (const r of rows) {
    if (r.comment !== undefined) out.push(`;;; ${r.comment}`);
    out.push(line(r.n, r.flags, r.cells));
  }
  return out;
}

/** Fill words into lines of `width` columns: the first after `first`, the others after `indent`. */
function wrapWords(first: string, indent: string, words: readonly string[], width: number): string[] {
  const out: string[] = [];
  let cur = first;
  let fresh = true;
  for (const w of words) {
    if (!fresh && cur.length + 1 + w.length > width) {
      out.push(cur);
      cur = indent + w;
    } else cur += (fresh ? '' : ' ') + w;
    fresh = false;
  }
  out.push(cur);
  return out.map((l) => l.trimEnd());
}

function printSingle(table: MenuTable, opts: PrintTableOptions): string {
  const item = table.items[0];
  if (item === undefined) return '';
  const names = opts.proplist ?? table.spec.props.filter(shown).map((p) => p.name);
  const pairs: Array<[string, string]> = [];
  for (const name of names) {
    const v = readProp({ table, item }, name);
    if (v === undefined) continue;
    pairs.push([name, v]);
  }
  if (pairs.length === 0) return '';
  const w = Math.max(...pairs.map(([n]) => n.length)) + 2;
  return pairs.map(([n, v]) => `${n.padStart(w)}: ${v}`.trimEnd()).join('\n') + '\n';
}

/** Properties a property-form line shows (disabled and comment are shown as the X flag and `;;;`). */
function rowProps(row: Row, opts: PrintTableOptions, detail: boolean): string[] {
  const { table, item } = row;
  const names = opts.proplist ?? table.spec.props.filter(shown).map((p) => p.name);
  const out: string[] = [];
  for (const name of names) {
    if (!opts.proplist && (name === 'disabled' || name === 'comment')) continue;
    const p = table.prop(name);
    const v = detail || opts.proplist ? readProp(row, name) : item.values.get(name);
    if (v === undefined) continue;
    out.push(`${name}=${propValue(table, p, v, detail)}`);
  }
  return out;
}

/**
 * Whether a menu prints in property form without `detail`: RouterOS v7 prints rules (firewall, bridge
 * filter/nat: ordered menus with a `chain`) that way; everything else as a table.
 */
export function printsAsRules(src: PrintSource): boolean {
  return src.tables.length === 1 && src.tables[0]!.spec.ordered && src.tables[0]!.prop('chain') !== undefined;
}

function asSource(t: MenuTable | PrintSource): PrintSource {
  if (!('spec' in t)) return t;
  return { path: t.spec.path, tables: [t], rows: () => t.items.map((item) => ({ table: t, item })) };
}

/** A menu's items as `print` shows them (ends with a newline unless empty). */
export function printTable(what: MenuTable | PrintSource, opts: PrintTableOptions = {}): string {
  const src = asSource(what);
  const first = src.tables[0];
  if (first === undefined) return opts.countOnly ? '0\n' : '';
  const spec = first.spec;
  if (src.tables.length === 1 && spec.kind === 'single' && !opts.countOnly) return printSingle(first, opts);
  const rows = selectRows(src, opts);
  if (opts.countOnly) return `${rows.length}\n`;
  const defs = flagDefs(src.tables);
  const width = opts.width ?? 80;
  const lines: string[] = [];
  const commentOf = (r: Row): string | undefined => r.item.values.get('comment');

  if (opts.valueList) {
    const names = opts.proplist ?? spec.props.filter((p) => p.name !== 'disabled' && shown(p)).map((p) => p.name);
    const w = Math.max(0, ...names.map((n) => n.length)) + 2;
    for (const name of names) {
      const vals = rows.map((r) => readProp(r, name) ?? '""');
      lines.push(`${name.padStart(w)}: ${vals.join(' ')}`.trimEnd());
    }
    return lines.length ? lines.join('\n') + '\n' : '';
  }

  const tableRows = (columns: readonly string[], extra: (r: Row) => string[]) =>
    rows.map((r) => {
      const row = { n: String(r.n), flags: flagsOf(defs, r), cells: [...columns.map((c) => readProp(r, c) ?? ''), ...extra(r)] };
      const comment = commentOf(r);
      return comment !== undefined ? { ...row, comment } : row;
    });
  const tableHeader = (head: readonly string[]): void => {
    const present = defs.filter((d) => rows.some((r) => d.has(r)));
    if (present.length > 0) lines.push(legend(present, true));
    lines.push(`Columns: ${head.join(', ')}`);
  };

  const own = opts.stats ? opts.counters?.statColumns?.(src.path) : undefined;
  if (own !== undefined) {
    // The source's own counter columns (the live router's interface counters), after the name.
    const cols = opts.proplist ?? ['name'];
    const values = (r: Row): string[] => {
      const v = opts.counters?.statValues?.(r.table.spec.path, r.item.id);
      return own.map((_, i) => {
        const x = v?.[i] ?? 0;
        return typeof x === 'number' ? groupDigits(x) : x;
      });
    };
    const head = [...cols, ...own].map((c) => c.toUpperCase());
    tableHeader(head);
    lines.push(...layoutTable(head, tableRows(cols, values), [...cols.map((c) => isNumeric(propOf(src.tables, c))), ...own.map(() => true)]));
    return lines.join('\n') + '\n';
  }
  if (opts.stats) {
    const cols = (opts.proplist ?? spec.columns.slice(0, 2)).filter((c) => c !== 'bytes' && c !== 'packets');
    const counters = (r: Row): string[] => {
      const c = opts.counters?.counters(r.table.spec.path, r.item.id) ?? { bytes: 0, packets: 0 };
      return [groupDigits(c.bytes), groupDigits(c.packets)];
    };
    const head = [...cols, 'bytes', 'packets'].map((c) => c.toUpperCase());
    tableHeader(head);
    lines.push(...layoutTable(head, tableRows(cols, counters), [...cols.map((c) => isNumeric(propOf(src.tables, c))), true, true]));
    return lines.join('\n') + '\n';
  }

  const columns = opts.proplist ?? (src.tables.length > 1 ? INTERFACE_COLUMNS : spec.columns);
  const propertyForm = opts.detail || opts.terse || columns.length === 0 || (!opts.brief && !opts.proplist && printsAsRules(src));
  if (propertyForm) {
    lines.push(legend(defs, false));
    const nw = Math.max(2, ...rows.map((r) => String(r.n).length));
    const fw = Math.max(2, Math.max(...defs.map((d) => d.group)) + 1);
    const indent = ' '.repeat(nw + fw + 2);
    rows.forEach((r, k) => {
      const lead = `${String(r.n).padStart(nw)} ${flagColumns(defs, r).padEnd(fw)} `;
      const comment = commentOf(r);
      if (opts.terse) {
        const props = rowProps(r, opts, true);
        if (comment !== undefined && !opts.proplist) props.unshift(`comment=${quoteString(comment)}`);
        lines.push(`${lead}${props.join(' ')}`.trimEnd());
        return;
      }
      if (opts.detail && k > 0) lines.push('');
      const props = rowProps(r, opts, opts.detail === true);
      if (comment !== undefined) {
        lines.push(`${lead};;; ${comment}`);
        lines.push(...wrapWords(indent, indent, props, width));
      } else lines.push(...wrapWords(lead, indent, props, width));
    });
    return lines.join('\n') + '\n';
  }

  const head = columns.map((c) => c.toUpperCase());
  tableHeader(head);
  lines.push(...layoutTable(head, tableRows(columns, () => []), columns.map((c) => isNumeric(propOf(src.tables, c)))));
  return lines.join('\n') + '\n';
}
