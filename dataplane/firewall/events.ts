/**
 * Trace events of the firewall stages. A rule is named through the trace's names (`TraceNames.fwRule`, given
 * by the flow: `.id` and comment of rule `rule` of table `table`), so a trace says which rule decided.
 * Argument `a` packs the table (high 8 bits, FwTableCode) and the rule index (low 24 bits; 0xffffff = the
 * chain's end).
 */
import { traceEvent, type TraceNames } from '../trace';
import { ACTION_NAMES, CS_NAMES, matcherName } from './rules';
import { ipv4ToString } from '../wire/ipv4';

/** Tables as trace codes. */
export const FwTableCode = { RAW: 0, FILTER: 1, MANGLE: 2, NAT: 3 } as const;
export const FW_TABLE_NAMES = ['raw', 'filter', 'mangle', 'nat'] as const;

export const CHAIN_END = 0xffffff;

export function ruleArg(table: number, rule: number): number {
  return (table << 24) | (rule < 0 ? CHAIN_END : rule);
}

function ruleName(a: number, n: TraceNames): string {
  const table = a >>> 24;
  const rule = a & 0xffffff;
  if (rule === CHAIN_END) return `${FW_TABLE_NAMES[table] ?? 'table'} chain end`;
  return n.fwRule ? n.fwRule(table, rule) : `${FW_TABLE_NAMES[table] ?? 'table'} rule ${rule}`;
}

function csName(bit: number): string {
  const k = 31 - Math.clz32(bit & -bit);
  return bit === 0 ? 'none' : (CS_NAMES[k] ?? `state ${bit}`);
}

export const FW_EV = {
  /** A rule was tested: b = the matcher bit that failed, 0 = matched. */
  RULE: traceEvent('fw-rule', (a, b, n) => `${ruleName(a, n)}: ${b === 0 ? 'matched' : `no match (${matcherName(b)})`}`, {
    a: ['rule', (v, n) => ruleName(v, n)],
    b: ['failed', (v) => (v === 0 ? null : matcherName(v))],
  }),
  /** The walk's outcome: b = the action code of the deciding rule (accept at a chain end). */
  VERDICT: traceEvent('fw-verdict', (a, b, n) => `${ACTION_NAMES[b] ?? b} by ${ruleName(a, n)}`, {
    a: ['rule', (v, n) => ruleName(v, n)],
    b: ['action', (v) => ACTION_NAMES[v] ?? v],
  }),
  /** Connection state: a = CS bit, b = connection ref (-1 none). */
  CT: traceEvent('conntrack', (a, b) => `${csName(a)}${b >= 0 ? ` (connection ${b >> 1}, ${b & 1 ? 'reply' : 'original'} direction)` : ''}`, {
    a: ['state', (v) => csName(v)],
    b: ['connection', (v) => (v < 0 ? null : v >> 1)],
  }),
  /** NAT: a = action code, b = the address translated to. */
  NAT: traceEvent('nat', (a, b) => `${ACTION_NAMES[a] ?? a} to ${ipv4ToString(b >>> 0)}`, {
    a: ['action', (v) => ACTION_NAMES[v] ?? v],
    b: ['address', 'ipv4'],
  }),
  /** A NATed connection's packet rewritten: a = 0 destination / 1 source, b = the new address. */
  NAT_REWRITE: traceEvent('nat-rewrite', (a, b) => `${a === 0 ? 'destination' : 'source'} rewritten to ${ipv4ToString(b >>> 0)}`, {
    a: ['side', (v) => (v === 0 ? 'destination' : 'source')],
    b: ['address', 'ipv4'],
  }),
  /** Connection confirmed (visible to later packets). */
  CONFIRM: traceEvent('conntrack-confirm', (a) => `connection ${a} confirmed`, { a: ['connection', 'int'] }),
} as const;
