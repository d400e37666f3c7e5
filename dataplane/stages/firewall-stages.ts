/**
 * Which firewall flow points are real stages for a configuration (flow.ts asks for each by name; null
 * leaves the pass-through placeholder, which costs nothing):
 * - a table hook (raw/mangle/filter, one built-in chain) is real when its chain has rules;
 * - conntrack, conntrack-output and the NAT points (dstnat, srcnat, nat-input, nat-output) are real when
 *   connection tracking is on (`enabled=yes`, or `auto` with any firewall rule): the NAT points also
 *   confirm new connections and apply the stored translation of every NATed connection, even with an empty
 *   nat table.
 */
import type { Stage } from '../graph';
import type { FirewallState } from '../firewall/state';
import type { FlowState } from './state';
import { Conntrack } from './conntrack';
import { FirewallHook, type HookTable } from './firewall-hook';
import { NatStage } from './nat';

const HOOKS: Readonly<Record<string, readonly [HookTable, string, boolean]>> = {
  'raw-prerouting': ['raw', 'prerouting', false],
  'mangle-prerouting': ['mangle', 'prerouting', false],
  'mangle-forward': ['mangle', 'forward', true],
  'filter-forward': ['filter', 'forward', true],
  'mangle-input': ['mangle', 'input', false],
  'filter-input': ['filter', 'input', false],
  'raw-output': ['raw', 'output', true],
  'mangle-output': ['mangle', 'output', true],
  'filter-output': ['filter', 'output', true],
  'mangle-postrouting': ['mangle', 'postrouting', true],
};

/** The real stage for flow point `name` (handing packets to `next`), or null for a placeholder. */
export function firewallStage(st: FlowState, fw: FirewallState | null, name: string, next: string): Stage | null {
  if (fw === null) return null;
  const hook = HOOKS[name];
  if (hook !== undefined) {
    const h = new FirewallHook(st, fw, name, hook[0], hook[1], next, hook[2]);
    return h.empty ? null : h;
  }
  if (!fw.tracking) return null;
  switch (name) {
    case 'conntrack':
      return new Conntrack(st, fw, false, next, (fw.tables.raw.chainRules[0]?.length ?? 0) > 0);
    case 'conntrack-output':
      return new Conntrack(st, fw, true, next, (fw.tables.raw.chainRules[1]?.length ?? 0) > 0);
    case 'dstnat':
    case 'srcnat':
    case 'nat-input':
    case 'nat-output':
      return new NatStage(st, fw, name, next);
    default:
      return null;
  }
}
