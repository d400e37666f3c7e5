/**
 * Counters a flow takes over from the flow it replaces (a configuration change on a live router): firewall
 * rule counters (raw, filter, mangle, nat), bridge filter/nat rule counters and queue class counters.
 *
 * Which old rule a new rule continues is the control plane's decision (control/instance/counter-carry.ts:
 * by store id after a console/API edit, by identical chain and properties after a reload of the file); here
 * it arrives as plain index maps, so the same maps serve the port thread's flow and every worker's
 * (`run --workers`: the maps travel with the new configuration text). Off the hot path: runs once per
 * generation switch.
 */
import type { Flow } from './flow';
import type { QueueScheduler } from './queue/spec';

/** Per table, per new rule (row): the old rule's index, -1 when the rule is new (its counters start at 0). */
export interface CounterCarry {
  raw: Int32Array;
  filter: Int32Array;
  mangle: Int32Array;
  nat: Int32Array;
  /** Bridge filter and nat rows (dataplane/stages/bridge-rules.ts BridgeRules order). */
  bridge: Int32Array;
  /**
   * Queue classes, per scheduler code of the new flow (0 global tree, 1 simple queues, 2 + port an interface
   * HTB; null: no scheduler): per class `oldCode << 16 | oldClass`, -1 when new.
   */
  queues: (Int32Array | null)[];
}

const FW = ['raw', 'filter', 'mangle', 'nat'] as const;

/** Copy into `next` the counters of `old`'s rules and queue classes that `carry` says `next`'s continue. */
export function carryCounters(old: Flow, next: Flow, carry: CounterCarry): void {
  const of = old.firewall;
  const nf = next.firewall;
  if (of !== null && nf !== null) {
    for (const t of FW) {
      const map = carry[t];
      const o = of[t];
      const n = nf[t];
      for (let r = 0; r < map.length && r < n.packets.length; r++) {
        const k = map[r]!;
        if (k < 0 || k >= o.packets.length) continue;
        n.packets[r] = o.packets[k]!;
        n.bytes[r] = o.bytes[k]!;
      }
    }
  }
  const ob = old.state.bridgeWalk;
  const nb = next.state.bridgeWalk;
  for (let r = 0; r < carry.bridge.length && r < nb.packets.length; r++) {
    const k = carry.bridge[r]!;
    if (k < 0 || k >= ob.packets.length) continue;
    nb.packets[r] = ob.packets[k]!;
    nb.bytes[r] = ob.bytes[k]!;
  }
  carry.queues.forEach((map, code) => {
    const ns = map === null ? null : next.queueScheduler(code);
    if (map === null || ns === null) return;
    for (let c = 0; c < map.length; c++) {
      const e = map[c]!;
      if (e < 0) continue;
      const os = old.queueScheduler(e >>> 16);
      if (os !== null) copyClass(os, e & 0xffff, ns, c);
    }
  });
}

/** The counters of queue class `oc` of `os` into class `nc` of `ns` (not what it holds: those packets are gone). */
function copyClass(os: QueueScheduler, oc: number, ns: QueueScheduler, nc: number): void {
  const a = os.stats;
  const b = ns.stats;
  if (oc >= a.bytes.length || nc >= b.bytes.length) return;
  b.bytes[nc] = a.bytes[oc]!;
  b.packets[nc] = a.packets[oc]!;
  b.dropped[nc] = a.dropped[oc]!;
  b.borrows[nc] = a.borrows[oc]!;
  b.lends[nc] = a.lends[oc]!;
}

/** Zero the counters of firewall table `table`'s rules `rules` (RouterOS `reset-counters`; null: all). */
export function resetRuleCounters(flow: Flow, table: (typeof FW)[number] | 'bridge', rules: readonly number[] | null): void {
  let c: { packets: Float64Array; bytes: Float64Array } | null;
  if (table === 'bridge') c = flow.state.bridgeWalk;
  else c = flow.firewall === null ? null : flow.firewall[table];
  if (c === null) return;
  if (rules === null) {
    c.packets.fill(0);
    c.bytes.fill(0);
    return;
  }
  for (const r of rules) {
    if (r < 0 || r >= c.packets.length) continue;
    c.packets[r] = 0;
    c.bytes[r] = 0;
  }
}
