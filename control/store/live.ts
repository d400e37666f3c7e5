/**
 * Live rows: what a running router shows in menus beside (or instead of) its configuration — the connection
 * table (`/ip firewall connection`), learned ARP entries, the bridges' learned hosts. The dataplane owns them;
 * a `LiveTables` (control/instance/live-router.ts implements one) hands them over as rows of RouterOS text.
 *
 * How a command sees them: for the length of one command (or console line), the live rows of the menus it
 * may touch are put into the store's tables as dynamic items (`fillLive`), so `print`, `where`, `find`,
 * `count-only`, `get`, the API's queries and `.proplist` all work on them as on any item; afterwards they are
 * taken out again (`stripLive`), which also says which of them the command removed, for the dataplane to
 * drop. The store never keeps them: exports, validation and change listeners see configuration only.
 */
import type { MenuRegistry } from '../menus/registry';
import type { ConfigStore, MenuTable } from './store';

/** One live row: its id (unique in its menu while it lives) and its values as canonical RouterOS text. */
export interface LiveRow {
  readonly id: number;
  readonly values: Map<string, string>;
}

/** The running router's live rows, by menu path (`/ip firewall connection`). */
export interface LiveTables {
  /** The rows of a live menu now (`live: 'table'`: all of them; `live: 'dynamic'`: the learned ones). */
  rows(menu: string): readonly LiveRow[];
  /** Drop rows (`remove`): returns how many were still there. */
  remove(menu: string, ids: readonly number[]): number;
}

/** What fillLive put into the tables: per menu path, the ids of the live rows. */
export type Filled = Map<string, Set<number>>;

/**
 * The live menus a command line may touch: those the line (or the menu it runs in) names by their last word
 * (`connection`, `arp`, `host`). Cheap and never misses one; a line that only mentions the word costs a fill.
 */
export function liveMenusOfLine(registry: MenuRegistry, line: string, menu: readonly string[]): string[] {
  const text = `${menu.join(' ')} ${line}`;
  const out: string[] = [];
  for (const s of registry.specs) {
    if (s.live === undefined) continue;
    const last = s.path.slice(s.path.lastIndexOf(' ') + 1);
    if (text.includes(last)) out.push(s.path);
  }
  return out;
}

/** The live menu an API command's path names, if it is one (`['ip','firewall','connection']`). */
export function liveMenuOfPath(registry: MenuRegistry, path: readonly string[]): string[] {
  const p = '/' + path.join(' ');
  return registry.spec(p)?.live !== undefined ? [p] : [];
}

/** Put the live rows of `menus` into `store` as dynamic items after the configured ones. */
export function fillLive(store: ConfigStore, live: LiveTables, menus: readonly string[]): Filled {
  const filled: Filled = new Map();
  for (const path of menus) {
    const table = store.table(path);
    if (table === undefined) continue;
    const ids = new Set<number>();
    const taken = new Set(table.items.map((i) => i.id));
    for (const r of live.rows(path)) {
      // a live id equal to a configured item's would make `remove *N` ambiguous: the configured item wins
      if (taken.has(r.id) || ids.has(r.id)) continue;
      ids.add(r.id);
      table.items.push({ id: r.id, values: r.values, dynamic: true });
    }
    filled.set(path, ids);
  }
  return filled;
}

/** Take the live rows out of `store` again; returns per menu the ids the command removed meanwhile. */
export function stripLive(store: ConfigStore, filled: Filled): Map<string, number[]> {
  const removed = new Map<string, number[]>();
  for (const [path, ids] of filled) {
    const table: MenuTable | undefined = store.table(path);
    if (table === undefined || ids.size === 0) continue;
    const still = new Set<number>();
    let w = 0;
    for (let k = 0; k < table.items.length; k++) {
      const it = table.items[k]!;
      if (it.dynamic && ids.has(it.id)) still.add(it.id);
      else table.items[w++] = it;
    }
    table.items.length = w;
    const gone = [...ids].filter((id) => !still.has(id));
    if (gone.length > 0) removed.set(path, gone);
  }
  return removed;
}
