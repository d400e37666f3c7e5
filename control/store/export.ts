/**
 * `/export`: a config store printed back as a RouterOS v7 script, in the layout RouterOS itself uses.
 *
 * ```
 * # 2026-01-01 10:00:00 by flowplane 0.1.0 (RouterOS 7.19 syntax)
 * # software id =
 * #
 * /interface bridge
 * add name=bridge1
 * /interface ethernet
 * set [ find default-name=ether1 ] name=wan
 * /ip firewall filter
 * add action=accept chain=input comment="defconf: accept ICMP" protocol=icmp
 * /system identity
 * set name=R1
 * ```
 *
 * - Menus come in registry (export) order, each with its header line when it has something to say.
 * - `list` menus: one `add` per static item, in item order (`place-before` is never printed: the order is
 *   the item order). Dynamic items are skipped. Built-in items (the `fixedItems` of a list menu: predefined
 *   queue types, service ports) are printed as `set <name> ...` only when they were changed.
 * - `fixed` menus: `set [ find default-name=ether1 ] ...` for the items that differ from how they started.
 * - `single` menus: `set ...` when a property differs from its default.
 * - Properties are those that differ from the default (all of them with `verbose`), in **alphabetical
 *   order**: that is what RouterOS does in every corpus export (`add action=accept chain=input
 *   comment=... connection-state=...`), whatever order its menus print in. `print` uses the schema order.
 * - Values are quoted as RouterOS quotes them, non-ASCII text escaped as `\XX` bytes; lines are wrapped at
 *   80 columns with `\` continuations (`wrapExportLine`), except with `terse`, which instead puts the menu
 *   path on every line and prints no header lines for menus.
 * - Commands of menus flowplane does not model (`store.unsupported`) are printed as they were written,
 *   under their own menu header lines, in file order: a later load keeps them again. Other interface kinds
 *   (`/interface wireguard`) follow the modelled interface menus, everything else comes last.
 */
import { EXPORT_ORDER, INTERFACE_KINDS } from '../menus/registry';
import type { PropSpec } from '../menus/schema';
import { quoteString, quoteValue, wrapExportLine } from '../routeros/printer';
import { DEFAULT_VERBS } from '../routeros/vocabulary';
import type { ConfigStore, Item, MenuTable, UnsupportedLine } from './store';

/** The RouterOS version whose syntax and export layout flowplane reproduces (named in the header). */
export const ROUTEROS_SYNTAX_VERSION = '7.19';

export interface ExportOptions {
  /** Every property, defaults included (`export verbose`). */
  verbose?: boolean;
  /** The menu path on every line, no wrapping (`export terse`). */
  terse?: boolean;
  /** Only properties that differ from defaults (RouterOS v7 default; `verbose` wins when both are given). */
  compact?: boolean;
  /** Print passwords and keys (`export show-sensitive`); hidden by default as in RouterOS v7. */
  showSensitive?: boolean;
  /** Date in the header, printed in UTC. Default: now. */
  date?: Date;
  /** flowplane's version for the header (`by flowplane 0.1.0`). */
  version?: string;
  /** Only menus at or below this path (`/ip firewall`, `/ip/firewall`), as `export` in a console menu. */
  path?: string;
  /** Print the `# ... by flowplane` header lines (default true). */
  header?: boolean;
  /** Wrapping width (default 80). */
  width?: number;
}

const QUOTE_OPTS = { asciiOnly: true } as const;

/** Properties RouterOS hides from exports unless `show-sensitive` is given. */
const SENSITIVE = /(^|-)(password|secret|passphrase|private-key|pre-shared-key|preshared-key|psk)$/;

/**
 * Properties RouterOS prints even at their default: firewall rules always show `action` (`add action=accept
 * chain=forward ...` in the v6.40 and v7.16 corpus exports). A schema can say so with `exportAlways: true`.
 */
const ALWAYS_EXPORTED: ReadonlyArray<readonly [RegExp, readonly string[]]> = [[/^\/(ip|ipv6) firewall (filter|nat|mangle|raw)$/, ['action']]];

function alwaysExported(menu: string, p: PropSpec): boolean {
  if ((p as PropSpec & { exportAlways?: boolean }).exportAlways === true) return true;
  return ALWAYS_EXPORTED.some(([re, names]) => re.test(menu) && names.includes(p.name));
}

function isSensitive(p: PropSpec): boolean {
  return (p as PropSpec & { sensitive?: boolean }).sensitive === true || SENSITIVE.test(p.name);
}

/** `2026-01-01 10:00:00` (UTC), the v7 export date format. */
export function formatExportDate(d: Date): string {
  return d.toISOString().slice(0, 19).replace('T', ' ');
}

/** The header comment lines of an export. */
export function exportHeader(opts: Pick<ExportOptions, 'date' | 'version'> = {}): string[] {
  const who = opts.version ? `flowplane ${opts.version}` : 'flowplane';
  return [`# ${formatExportDate(opts.date ?? new Date())} by ${who} (RouterOS ${ROUTEROS_SYNTAX_VERSION} syntax)`, '# software id = ', '#'];
}

/** Normalise a menu path written with slashes or blanks: `/ip/firewall` and `ip firewall` → `/ip firewall`. */
export function normalizeMenuPath(path: string): string {
  const words = path.split(/[\s/]+/).filter((w) => w !== '');
  return '/' + words.join(' ');
}

function under(path: string, root: string): boolean {
  return root === '/' || path === root || path.startsWith(root + ' ');
}

/** A value as an export prints it. Text starting with `!` is quoted unless the property takes negations. */
export function exportValue(prop: PropSpec | undefined, v: string): string {
  if (v.startsWith('!')) {
    if (prop?.negatable && v.length > 1) return '!' + quoteValue(v.slice(1), QUOTE_OPTS);
    return quoteString(v, QUOTE_OPTS);
  }
  return quoteValue(v, QUOTE_OPTS);
}

function byName(a: PropSpec, b: PropSpec): number {
  return a.name < b.name ? -1 : a.name > b.name ? 1 : 0;
}

interface MenuContext {
  readonly table: MenuTable;
  readonly verbose: boolean;
  readonly showSensitive: boolean;
  /** Initial values of built-in items (the schema's `fixedItems`). */
  readonly builtins: ReadonlyArray<Record<string, string>>;
  /** Exportable properties in alphabetical order. */
  readonly props: readonly PropSpec[];
}

function menuContext(store: ConfigStore, table: MenuTable, opts: ExportOptions): MenuContext {
  const spec = table.spec;
  const builtins = spec.kind === 'single' ? [] : (spec.fixedItems?.(store.ethernetPorts) ?? []);
  const showSensitive = opts.showSensitive ?? false;
  const props = spec.props.filter((p) => !p.readOnly && (showSensitive || !isSensitive(p))).sort(byName);
  return { table, verbose: (opts.verbose ?? false) === true, showSensitive, builtins, props };
}

/** `name=value` arguments of an `add`: what differs from the defaults (everything that has a value if verbose). */
function addArgs(ctx: MenuContext, item: Item): string[] {
  const out: string[] = [];
  for (const p of ctx.props) {
    const always = alwaysExported(ctx.table.spec.path, p);
    const given = item.values.get(p.name);
    const v = given ?? (ctx.verbose || always ? p.default : undefined);
    if (v === undefined) continue;
    if (!ctx.verbose && !always && p.default !== undefined && v === p.default) continue;
    out.push(`${p.name}=${exportValue(p, v)}`);
  }
  return out;
}

/**
 * `name=value` arguments of a `set` on an item that existed before the config (a fixed or built-in item, a
 * single menu's settings): what differs from how it started (`base`, or the item's read-only
 * `default-<prop>`: `default-name`, `default-queue`), or every property that has a value if verbose. A property that had a value and no longer has one prints as `!name`.
 */
function setArgs(ctx: MenuContext, item: Item, base: Record<string, string>, skip: string | undefined): string[] {
  const out: string[] = [];
  for (const p of ctx.props) {
    if (p.name === skip) continue;
    const v = item.values.get(p.name) ?? p.default;
    // RouterOS keeps what an item started with in read-only `default-<prop>` (default-name, default-queue).
    const started = ctx.table.prop(`default-${p.name}`) !== undefined ? item.values.get(`default-${p.name}`) : undefined;
    const was = base[p.name] ?? started ?? p.default;
    if (!ctx.verbose && v === was) continue;
    if (v === undefined) {
      if (was !== undefined) out.push(`!${p.name}`);
      continue;
    }
    out.push(`${p.name}=${exportValue(p, v)}`);
  }
  return out;
}

/**
 * The initial values of a built-in item, found by the property that names it (`default-name`, `name`), or
 * undefined for an item the configuration added.
 */
function builtinBase(ctx: MenuContext, item: Item): Record<string, string> | undefined {
  if (ctx.builtins.length === 0) return undefined;
  const spec = ctx.table.spec;
  const key = spec.fixedKey ?? spec.key;
  if (key !== undefined) {
    const v = item.values.get(key);
    return v === undefined ? undefined : ctx.builtins.find((b) => b[key] === v);
  }
  // No naming property: built-in items are the first ones, in their initial order.
  const k = ctx.table.items.indexOf(item);
  return k < ctx.builtins.length ? ctx.builtins[k] : undefined;
}

/**
 * How `set` names a built-in item: `[ find default-name=ether1 ]` when it is selected by a property other
 * than its (changeable) name, else by its name (`set sip ...`, `set ether1 queue=...`), else its number.
 */
function builtinSelector(ctx: MenuContext, item: Item): string {
  const spec = ctx.table.spec;
  if (spec.fixedKey !== undefined && spec.fixedKey !== spec.key) {
    const v = ctx.table.value(item, spec.fixedKey);
    if (v !== undefined) return `[ find ${spec.fixedKey}=${exportValue(undefined, v)} ]`;
  }
  const key = spec.key ?? spec.fixedKey;
  if (key !== undefined) {
    const v = ctx.table.value(item, key);
    if (v !== undefined && v !== '') return exportValue(undefined, v);
  }
  return String(ctx.table.indexOf(item));
}

/**
 * The commands of one menu, without the menu header line (`add ...`, `set ...`), unwrapped. Empty when the
 * menu has nothing to say.
 */
export function exportMenuCommands(store: ConfigStore, table: MenuTable, opts: ExportOptions = {}): string[] {
  const ctx = menuContext(store, table, opts);
  const spec = table.spec;
  const out: string[] = [];
  if (spec.kind === 'single') {
    const item = table.items[0];
    if (item === undefined) return out;
    const args = setArgs(ctx, item, {}, undefined);
    if (args.length > 0) out.push(['set', ...args].join(' '));
    return out;
  }
  for (const item of table.items) {
    if (item.dynamic) continue;
    const base = builtinBase(ctx, item);
    if (base !== undefined || spec.kind === 'fixed') {
      const sel = builtinSelector(ctx, item);
      // The property the selector names the item by is not repeated (`set sip disabled=yes`).
      const named = !sel.startsWith('[') && !/^\d+$/.test(sel);
      const skip = sel.startsWith('[') ? spec.fixedKey : named ? (spec.key ?? spec.fixedKey) : undefined;
      const args = setArgs(ctx, item, base ?? {}, skip);
      if (args.length > 0) out.push(['set', sel, ...args].join(' '));
      continue;
    }
    out.push(['add', ...addArgs(ctx, item)].join(' '));
  }
  return out;
}

/**
 * A kept command under its menu header: without the menu path it was recorded with (`/ip pool add ...`
 * under `/ip pool` is `add ...`), unless the rest alone would read as a menu change (a lone word that is
 * not a known verb), in which case it is printed whole.
 */
function unsupportedCommand(u: UnsupportedLine): string {
  const short = stripMenu(u);
  return /^[^\s=]+$/.test(short) && !DEFAULT_VERBS.has(short) ? u.text.trim() : short;
}

function stripMenu(u: UnsupportedLine): string {
  const text = u.text.trim();
  if (!text.startsWith('/')) return text;
  const words = text.split(/\s+/);
  // `/ip/pool/add ...` or `/ip pool add ...`: drop the words that spell the menu path.
  const menuWords = normalizeMenuPath(u.menu).slice(1).split(' ').filter((w) => w !== '');
  const flat = words[0]!.split('/').filter((w) => w !== '');
  const head = [...flat, ...words.slice(1)];
  let k = 0;
  while (k < menuWords.length && head[k] === menuWords[k]) k++;
  if (k < menuWords.length) return text;
  return head.slice(k).join(' ');
}

/**
 * Where the kept commands of an unmodelled menu go: after a modelled menu (`anchor`), or at the end
 * (undefined). Other interface kinds (`/interface wireguard`, `/interface vrrp`) come right after the
 * modelled ones, as in RouterOS exports, because addresses, bridge ports and list members refer to them; a
 * menu that has a place in EXPORT_ORDER but no schema yet keeps that place.
 */
function anchorOf(store: ConfigStore, menu: string): string | undefined {
  const at = EXPORT_ORDER.indexOf(menu);
  if (at >= 0) {
    for (let k = at - 1; k >= 0; k--) if (store.tables.has(EXPORT_ORDER[k]!)) return EXPORT_ORDER[k];
    return START;
  }
  if (menu.startsWith('/interface ')) {
    let last: string | undefined;
    for (const p of store.tables.keys()) if (INTERFACE_KINDS.includes(p)) last = p;
    return last;
  }
  return undefined;
}

/** Anchor of commands that go before every modelled menu. */
const START = '';

/** The whole configuration as `/export` prints it (ends with a newline). */
export function exportConfig(store: ConfigStore, opts: ExportOptions = {}): string {
  const terse = opts.terse ?? false;
  const width = opts.width ?? 80;
  const root = opts.path !== undefined ? normalizeMenuPath(opts.path) : '/';
  const lines: string[] = opts.header === false ? [] : exportHeader(opts);
  const emit = (menu: string, cmds: readonly string[]): void => {
    if (cmds.length === 0) return;
    if (!terse) lines.push(menu);
    for (const c of cmds) lines.push(terse ? `${menu} ${c}` : wrapExportLine(c, width));
  };
  // Kept commands of menus flowplane does not model, by anchor, in file order.
  const kept = new Map<string | undefined, UnsupportedLine[]>();
  for (const u of store.unsupported) {
    const m = normalizeMenuPath(u.menu);
    if (!under(m, root)) continue;
    const a = anchorOf(store, m);
    let list = kept.get(a);
    if (list === undefined) kept.set(a, (list = []));
    list.push(u);
  }
  const emitKept = (anchor: string | undefined): void => {
    let menu: string | undefined;
    let group: string[] = [];
    for (const u of kept.get(anchor) ?? []) {
      const m = normalizeMenuPath(u.menu);
      if (m !== menu) {
        if (menu !== undefined) emit(menu, group);
        menu = m;
        group = [];
      }
      group.push(unsupportedCommand(u));
    }
    if (menu !== undefined) emit(menu, group);
  };
  emitKept(START);
  for (const [path, table] of store.tables) {
    if (under(path, root)) emit(path, exportMenuCommands(store, table, opts));
    emitKept(path);
  }
  emitKept(undefined);
  return lines.length === 0 ? '' : lines.join('\n') + '\n';
}
