/**
 * Menu paths: which menu a command's path names, with RouterOS abbreviations (`/ip fire filter`,
 * `/int bridge port`: a unique prefix of a submenu name is that submenu).
 *
 * A path resolves to one of:
 * - `table`: a modelled menu with a schema and a table in the store;
 * - `interfaces`: `/interface` itself, the union of the interface kinds (ethernet, bridge, vlan...);
 * - `unsupported`: a RouterOS menu flowplane recognises but does not model (or a submenu of one);
 * - `pending`: a modelled menu (listed in EXPORT_ORDER) whose schema is not written yet;
 * - `command`: a command of a menu that only holds submenus (`/system reboot`, `/import`, `/ip firewall print`);
 * - `unknown`: not a RouterOS menu flowplane knows, with the closest known name when there is one.
 */
import { EXPORT_ORDER, INTERFACE_KINDS, type MenuRegistry } from '../menus/registry';
import type { Statement, Value } from '../routeros/ast';
import { ConfigError } from '../routeros/errors';
import type { ConfigStore, MenuTable } from './store';

export type MenuRef =
  | { readonly kind: 'table'; readonly path: string; readonly table: MenuTable }
  | { readonly kind: 'interfaces'; readonly path: string; readonly tables: readonly MenuTable[] }
  | { readonly kind: 'unsupported'; readonly path: string }
  | { readonly kind: 'pending'; readonly path: string }
  | { readonly kind: 'command'; readonly path: string }
  | { readonly kind: 'unknown'; readonly path: string; readonly hint: string | undefined };

/** `['ip','firewall','filter']` → `/ip firewall filter`; the root is `/`. */
export function pathText(words: readonly string[]): string {
  return words.length === 0 ? '/' : '/' + words.join(' ');
}

/** Resolves menu paths against a registry (and the tables of one store); caches per path. */
export class MenuResolver {
  private readonly cache = new Map<string, MenuRef>();
  private readonly childCache = new Map<string, string[]>();
  private readonly known = new Set<string>(EXPORT_ORDER);

  constructor(
    readonly registry: MenuRegistry,
    private readonly store: ConfigStore,
  ) {
    for (const s of registry.specs) this.known.add(s.path);
  }

  /** Submenu names directly below `path` (`/` for the root): schemas, unsupported menus, EXPORT_ORDER. */
  children(path: string): string[] {
    let c = this.childCache.get(path);
    if (c !== undefined) return c;
    const out = new Set(this.registry.children(path));
    const prefix = path === '/' ? '/' : path + ' ';
    for (const p of this.known) if (p.startsWith(prefix)) out.add(p.slice(prefix.length).split(' ')[0]!);
    c = [...out].sort();
    this.childCache.set(path, c);
    return c;
  }

  /** Expand abbreviated words; undefined when a word matches no submenu (or several). */
  expand(words: readonly string[]): { path: string; rest: string[]; failed: string | undefined; hint: string | undefined } {
    let path = '/';
    for (let k = 0; k < words.length; k++) {
      const w = words[k]!;
      const kids = this.children(path);
      let next: string | undefined = kids.includes(w) ? w : undefined;
      if (next === undefined) {
        const cands = kids.filter((c) => c.startsWith(w));
        if (cands.length === 1) next = cands[0];
        else {
          const hint = cands.length > 1 ? `ambiguous: ${cands.join(', ')}` : closest(w, kids);
          return { path, rest: words.slice(k), failed: w, hint };
        }
      }
      path = path === '/' ? `/${next}` : `${path} ${next}`;
    }
    return { path, rest: [], failed: undefined, hint: undefined };
  }

  private lastWords: readonly string[] | undefined;
  private lastRef: MenuRef | undefined;

  resolve(words: readonly string[]): MenuRef {
    if (words === this.lastWords) return this.lastRef!;
    const r = this.resolveKey(words);
    this.lastWords = words;
    this.lastRef = r;
    return r;
  }

  private resolveKey(words: readonly string[]): MenuRef {
    const key = words.join(' ');
    let r = this.cache.get(key);
    if (r === undefined) {
      r = this.compute(words);
      this.cache.set(key, r);
    }
    return r;
  }

  private compute(words: readonly string[]): MenuRef {
    const e = this.expand(words);
    if (e.failed !== undefined) {
      const full = e.path === '/' ? `/${e.rest.join(' ')}` : `${e.path} ${e.rest.join(' ')}`;
      if (e.path !== '/' && this.registry.isUnsupported(e.path)) return { kind: 'unsupported', path: full };
      const hint = e.hint === undefined ? undefined : e.hint.startsWith('ambiguous') ? e.hint : `did you mean ${e.path === '/' ? '/' : e.path + ' '}${e.hint}?`;
      return { kind: 'unknown', path: pathText(words), hint };
    }
    const path = e.path;
    if (path === '/interface' && !this.registry.spec(path)) {
      const tables = INTERFACE_KINDS.map((p) => this.store.table(p)).filter((t): t is MenuTable => t !== undefined);
      return tables.length > 0 ? { kind: 'interfaces', path, tables } : { kind: 'pending', path };
    }
    const spec = this.registry.spec(path);
    if (spec) {
      const table = this.store.table(path);
      return table ? { kind: 'table', path, table } : { kind: 'pending', path };
    }
    if (this.registry.isUnsupported(path)) return { kind: 'unsupported', path };
    if (this.known.has(path)) return { kind: 'pending', path };
    return { kind: 'command', path };
  }
}

/** The closest word by edit distance (at most 2, or a third of the word), for "did you mean". */
export function closest(word: string, candidates: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestD = Infinity;
  // One edit per three letters (at least one): "brige" finds bridge, "foo" finds nothing rather than "iot".
  const limit = Math.max(1, Math.floor(word.length / 3));
  for (const c of candidates) {
    const d = editDistance(word, c, limit);
    if (d < bestD) {
      bestD = d;
      best = c;
    }
  }
  return bestD <= limit ? best : undefined;
}

/** Levenshtein distance, giving up (returning limit + 1) once it exceeds `limit`. */
export function editDistance(a: string, b: string, limit = Infinity): number {
  if (Math.abs(a.length - b.length) > limit) return limit + 1;
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    let rowMin = i;
    for (let j = 1; j <= b.length; j++) {
      const d = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
      cur.push(d);
      if (d < rowMin) rowMin = d;
    }
    if (rowMin > limit) return limit + 1;
    prev = cur;
  }
  return prev[b.length]!;
}

/** Menu changes (`/ip dhcp-serverr` alone on a line, `/foo { ... }`) to menus that do not exist. */
export function menuChangeErrors(statements: readonly Statement[], menus: MenuResolver, file: string): ConfigError[] {
  const out: ConfigError[] = [];
  const visitValue = (v: Value | null): void => {
    if (v !== null && v.kind === 'block') walk(v.body);
  };
  const walk = (list: readonly Statement[]): void => {
    for (const s of list) {
      if (s.kind === 'menu' || s.kind === 'menu-block') {
        const ref = menus.resolve(s.path);
        if (ref.kind === 'unknown') out.push(ConfigError.at(file, s.pos, `no such menu ${ref.path}${ref.hint !== undefined ? ` (${ref.hint})` : ''}`));
      }
      if (s.kind === 'menu-block' || s.kind === 'block') walk(s.body);
      if (s.kind === 'script' || s.kind === 'call') {
        for (const a of s.args) visitValue(a);
        for (const p of s.props) visitValue(p.value);
      }
    }
  };
  walk(statements);
  return out;
}
