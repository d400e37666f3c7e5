/**
 * Which counters survive a configuration change on a live router: the maps (dataplane/counter-carry.ts
 * `CounterCarry`) from the rules and queue classes of the new generation to those of the running one.
 *
 * - After a console or API edit (`by: 'id'`) the store's items keep their ids, so a rule continues the rule
 *   with its id: moved, or edited in place (UNCONFIRMED: RouterOS keeps an edited rule's counters; flowplane
 *   does too, as the brief for item ids says, rather than guessing which properties reset them).
 * - After a reload of the file (`by: 'rule'`, SIGHUP) every item has a new id. A rule continues an old rule of
 *   the same menu with the same chain and the same properties, paired in order (the k-th of several
 *   identical rules continues the k-th): first rules identical comment included, then rules that differ only
 *   by their comment (it changes nothing the rule does). A rule that
 *   changed, or is new, starts at zero — as a careful engineer expects (RouterOS itself resets everything
 *   when a file is imported after a reset, since every rule is removed and added).
 * - Queues continue by name (a simple queue's upload/download/total classes, a tree queue by its name
 *   whatever its parent), in both cases.
 *
 * Control plane: ordinary TypeScript, run once per change.
 */
import type { CounterCarry } from '../../dataplane/counter-carry';
import type { BridgeRules } from '../../dataplane/stages/bridge-rules';
import type { QueueTables } from '../../dataplane/queue/tables';
import type { ConfigStore } from '../store/store';
import type { Generation } from '../compile/generation';

/** A generation and the store it was compiled from (the store's ids are the generation's). */
export interface CompiledConfig {
  gen: Generation;
  store: ConfigStore;
}

const FW = ['raw', 'filter', 'mangle', 'nat'] as const;

/**
 * The counter maps from `next` to `old`: by store id (`'id'`: the same store edited) or by identical rule
 * (`'rule'`: a new store, e.g. the file reloaded).
 */
export function counterCarry(old: CompiledConfig, next: CompiledConfig, by: 'id' | 'rule'): CounterCarry {
  const fw = {} as Record<(typeof FW)[number], Int32Array>;
  for (const t of FW) {
    const menu = `/ip firewall ${t}`;
    const o = old.gen.firewall[t].ids.map((id) => `${menu} ${id}`);
    const n = next.gen.firewall[t].ids.map((id) => `${menu} ${id}`);
    fw[t] = by === 'id' ? pairEqual(o, n) : sameRules(old.store, o, next.store, n);
  }
  const ob = bridgeRowKeys(old.gen.bridgeRules);
  const nb = bridgeRowKeys(next.gen.bridgeRules);
  const bridge = by === 'id' ? pairEqual(ob, nb) : sameRules(old.store, ob, next.store, nb);
  return { ...fw, bridge, queues: queueCarry(old.gen.queues, next.gen.queues) };
}

/**
 * Rules `next` (refs into `nextStore`) paired with identical rules `old` (refs into `oldStore`): first those
 * identical comment included, then, among the rest, those that differ only by their comment.
 */
function sameRules(oldStore: ConfigStore, old: readonly string[], nextStore: ConfigStore, next: readonly string[]): Int32Array {
  const exact = pairEqual(old.map((k) => ruleKey(oldStore, k, true)), next.map((k) => ruleKey(nextStore, k, true)));
  const used = new Set(exact);
  const rest = pairEqual(
    old.map((k, i) => (used.has(i) ? null : ruleKey(oldStore, k, false))),
    next.map((k, r) => (exact[r]! >= 0 ? null : ruleKey(nextStore, k, false))),
  );
  return exact.map((k, r) => (k >= 0 ? k : rest[r]!));
}

/**
 * Per element of `next`, the index of an equal element of `old` (-1 none): each old element used once, equal
 * ones paired in order. Null keys (an item not found) never pair.
 */
export function pairEqual(old: readonly (string | null)[], next: readonly (string | null)[]): Int32Array {
  const free = new Map<string, number[]>();
  old.forEach((k, i) => {
    if (k === null) return;
    const l = free.get(k);
    if (l === undefined) free.set(k, [i]);
    else l.push(i);
  });
  const out = new Int32Array(next.length).fill(-1);
  next.forEach((k, r) => {
    const l = k === null ? undefined : free.get(k);
    if (l !== undefined && l.length > 0) out[r] = l.shift()!;
  });
  return out;
}

/**
 * What makes two rules the same rule across a reload: its menu and every property given (chain, matchers,
 * action and its arguments, log settings), the comment only with `comment`. `ref` is `<menu> *<hex id>`.
 */
function ruleKey(store: ConfigStore, ref: string, comment: boolean): string | null {
  const at = ref.lastIndexOf(' *');
  const menu = ref.slice(0, at);
  const item = store.table(menu)?.byId(parseInt(ref.slice(at + 2), 16));
  if (item === undefined) return null;
  const props = [...item.values].filter(([k]) => (comment || k !== 'comment') && k !== 'disabled').sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `${menu} ${props.map(([k, v]) => `${k}=${JSON.stringify(v)}`).join(' ')}`;
}

/** Each bridge rule row as `<menu> *<hex id>` (its menu from its chain: filter or nat). */
function bridgeRowKeys(R: BridgeRules): string[] {
  const out: string[] = [];
  for (let c = 0; c + 1 < R.chainStart.length; c++) {
    const name = R.chainNames[c] ?? '';
    const table = c < 3 ? 'filter' : c < 5 ? 'nat' : name.slice(0, name.indexOf(':'));
    for (let r = R.chainStart[c]!; r < R.chainStart[c + 1]!; r++) out[r] = `/interface bridge ${table} *${R.id[r]!.toString(16).toUpperCase()}`;
  }
  for (let r = 0; r < R.count; r++) out[r] ??= `/interface bridge ? *${r}`;
  return out;
}

/** Queue classes by name: simple queues' among simple queues, tree queues' among every tree. */
function queueCarry(old: QueueTables, next: QueueTables): (Int32Array | null)[] {
  const trees = (q: QueueTables): [number, readonly { name: string }[]][] => {
    const l: [number, readonly { name: string }[]][] = [];
    if (q.global !== null) l.push([0, q.global.sched.classes]);
    q.ports.forEach((p, k) => {
      if (p !== null) l.push([2 + k, p.sched.classes]);
    });
    return l;
  };
  const oldTree = new Map<string, number>();
  for (const [code, cls] of trees(old)) cls.forEach((c, i) => oldTree.set(c.name, (code << 16) | i));
  const oldSimple = new Map<string, number>();
  old.simple?.sched.classes.forEach((c, i) => oldSimple.set(c.name, (1 << 16) | i));
  const out: (Int32Array | null)[] = [];
  const mapOf = (cls: readonly { name: string }[], from: Map<string, number>) => Int32Array.from(cls, (c) => from.get(c.name) ?? -1);
  for (const [code, cls] of trees(next)) out[code] = mapOf(cls, oldTree);
  if (next.simple !== null) out[1] = mapOf(next.simple.sched.classes, oldSimple);
  for (let i = 0; i < out.length; i++) out[i] ??= null;
  return out;
}
