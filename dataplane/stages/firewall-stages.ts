/**
 * Which firewall flow points are real stages for a configuration (flow.ts asks for each by name; null
 * leaves the pass-through placeholder, which costs nothing):
 * - a table hook (raw/mangle/filter, one built-in chain) is real when its chain has rules;
 * - conntrack, conntrack-output and the NAT points (dstnat, srcnat, nat-input, nat-output) are real when
 *   connection tracking is on (`enabled=yes`, or `auto` with any firewall rule): the NAT points also
 *   confirm new connections and apply the stored translation of every NATed connection, even with an empty
 *   nat table.
 * The bridged path's IP hooks (`bridge-ip-raw-prerouting` ... `bridge-ip-srcnat`, with
 * `/interface bridge settings use-ip-firewall=yes`) are the same stages under their bridged names.
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

/** Prefix of the bridged path's IP hooks (use-ip-firewall): `bridge-ip-` + the routed flow point's name. */
export const BRIDGE_IP = 'bridge-ip-';

/**
 * The real stage for flow point `name` (handing packets to `next`), or null for a placeholder. A
 * `bridge-ip-*` name is the same hook on the bridged path (use-ip-firewall): the same stage class and
 * chain, told it is bridged (FastTrack is not applied there; a dst-nat that changes the destination
 * re-decides the frame's way, stages/bridged-dnat.ts).
 */
export function firewallStage(st: FlowState, fw: FirewallState | null, name: string, next: string): Stage | null {
  if (fw === null) return null;
  const bridged = name.startsWith(BRIDGE_IP);
  const point = bridged ? name.slice(BRIDGE_IP.length) : name;
  const hook = HOOKS[point];
  if (hook !== undefined) {
    const h = new FirewallHook(st, fw, name, hook[0], hook[1], next, hook[2], bridged);
    return h.empty ? null : h;
  }
  if (!fw.tracking) return null;
  switch (point) {
    case 'conntrack':
      return new Conntrack(st, fw, false, next, (fw.tables.raw.chainRules[0]?.length ?? 0) > 0, name);
    case 'conntrack-output':
      return new Conntrack(st, fw, true, next, (fw.tables.raw.chainRules[1]?.length ?? 0) > 0);
    case 'dstnat':
    case 'srcnat':
    case 'nat-input':
    case 'nat-output':
      return new NatStage(st, fw, point, next, bridged);
    default:
      return null;
  }
}
