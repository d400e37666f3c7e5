/**
 * What a loaded configuration asks for that the dataplane cannot do, with where it was written: firewall
 * rules compiled inactive (a matcher flowplane does not evaluate, a bad value only the compiler sees) and
 * queue items left out or narrowed (a tree parent that names nothing, a target that is neither an
 * interface nor an address). The loader has already accepted these lines (they are valid RouterOS); the
 * compiler's verdict comes after, and `check` and `replay` print it as `file:line:col: warning: ...`.
 */
import { parseIdText, type ConfigStore, type Origin } from '../store/store';
import type { Generation } from './generation';

export interface CompileProblem {
  /** Where the item was written (absent for items without a source line). */
  readonly origin: Origin | undefined;
  /** The menu and the problem, e.g. `/ip firewall filter: hotspot=auth: not evaluated...`. */
  readonly message: string;
}

export function compileProblems(store: ConfigStore, gen: Generation): CompileProblem[] {
  const out: CompileProblem[] = [];
  const at = (menu: string, id: string, message: string): void => {
    const n = parseIdText(id);
    const item = n === undefined ? undefined : store.table(menu)?.byId(n);
    out.push({ origin: item?.origin, message: `${menu}: ${message}` });
  };
  for (const p of gen.firewall.problems) at(`/ip firewall ${p.table}`, p.id, `${p.message} (the rule never matches)`);
  for (const w of gen.queues.warnings) at(w.menu, w.id, w.message);
  for (const w of gen.bridgeRuleWarnings) out.push({ origin: undefined, message: `/interface bridge filter|nat: ${w}` });
  return out.sort((a, b) => (a.origin?.line ?? 0) - (b.origin?.line ?? 0) || (a.origin?.col ?? 0) - (b.origin?.col ?? 0));
}

/** `file:line:col: warning: message` (or `file: warning: message` without a line). */
export function formatCompileProblem(p: CompileProblem, file: string): string {
  const o = p.origin;
  return o === undefined ? `${file}: warning: ${p.message}\n` : `${o.file}:${o.line}:${o.col}: warning: ${p.message}\n`;
}
