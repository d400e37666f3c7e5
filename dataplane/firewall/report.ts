/**
 * What a user reads about the firewall after a run, formatted like RouterOS prints it (off the hot path):
 *
 * - `formatConnections`: `/ip firewall connection print` — the flags line, one row per connection
 *   (`#`, flags, PROTOCOL, SRC-ADDRESS and DST-ADDRESS as `ip:port`, TCP-STATE, TIMEOUT), then the same
 *   connections in detail form (`print detail`: reply tuple, connection-mark, connection-type, the master of a
 *   related connection, orig-/repl-packets and -bytes, fasttrack counters).
 *   Flags: E expected, S seen-reply, A assured, C confirmed, D dying, F fasttrack, s srcnat, d dstnat,
 *   h uses-helper (H hw-offload never: there is no hardware).
 * - `formatRuleStats`: `/ip firewall <table> print stats` for raw, filter, mangle and nat — per rule its
 *   number, chain, action, bytes and packets, with its comment as a `;;;` line. Numbers count the rules the
 *   generation compiled (disabled rules are left out, as RouterOS's counters skip them too). With any
 *   FastTracked connection, filter starts with RouterOS's dynamic dummy rule showing the FastTrack counters.
 *
 * Timeouts print as RouterOS does (`23h59m58s`, `1d`, `4m59s`); a timeout already past prints `0s`.
 */
import { CtStatus, HELPER_NAMES } from '../conntrack/table';
import { TCP_STATE_NAMES } from '../conntrack/tcp-state';
import { ACTION_NAMES, type FwTable } from './rules';
import type { FirewallState } from './state';
import type { FwState } from './match';
import { ipv4ToString } from '../wire/ipv4';

/** RouterOS duration text: `1d2h3m4s`, zero parts left out, `0s` for nothing. Whole seconds (rounded up). */
export function formatDuration(seconds: number): string {
  let s = Math.max(0, Math.ceil(seconds - 1e-9));
  if (!Number.isFinite(s)) return 'never';
  const w = Math.floor(s / 604800);
  s -= w * 604800;
  const d = Math.floor(s / 86400);
  s -= d * 86400;
  const h = Math.floor(s / 3600);
  s -= h * 3600;
  const m = Math.floor(s / 60);
  s -= m * 60;
  const out = `${w ? `${w}w` : ''}${d ? `${d}d` : ''}${h ? `${h}h` : ''}${m ? `${m}m` : ''}${s ? `${s}s` : ''}`;
  return out || '0s';
}

const PROTO_NAMES: Readonly<Record<number, string>> = { 1: 'icmp', 6: 'tcp', 17: 'udp', 47: 'gre', 50: 'ipsec-esp', 51: 'ipsec-ah', 132: 'sctp', 33: 'dccp', 136: 'udp-lite', 89: 'ospf' };

function hasPorts(p: number): boolean {
  return p === 6 || p === 17 || p === 132 || p === 33 || p === 136;
}

/** `ip:port` (or `ip` for protocols without ports) of tuple word triple src/dst/ports. */
function endpoint(addr: number, port: number, proto: number): string {
  return hasPorts(proto) ? `${ipv4ToString(addr >>> 0)}:${port}` : ipv4ToString(addr >>> 0);
}

function flagsOf(st: number): string {
  let f = '';
  f += st & CtStatus.EXPECTED ? 'E' : '';
  f += st & CtStatus.SEEN_REPLY ? 'S' : '';
  f += st & CtStatus.ASSURED ? 'A' : '';
  f += st & CtStatus.CONFIRMED ? 'C' : '';
  f += st & CtStatus.DYING ? 'D' : '';
  f += st & CtStatus.FASTTRACK ? 'F' : '';
  f += st & CtStatus.SRCNAT ? 's' : '';
  f += st & CtStatus.DSTNAT ? 'd' : '';
  f += st & CtStatus.HELPER ? 'h' : '';
  return f;
}

function table(rows: string[][], right: Set<number>): string[] {
  const w = rows[0]!.map((_, k) => Math.max(...rows.map((r) => (r[k] ?? '').length)));
  return rows.map((r) => r.map((v, k) => (right.has(k) ? v.padStart(w[k]!) : v.padEnd(w[k]!))).join(' ').trimEnd());
}

export interface ConnectionReportNames {
  /** Connection mark names by id (0 = no-mark). */
  markNames?: readonly string[];
}

/**
 * `/ip firewall connection print` then `print detail` of the live confirmed connections at time `now`
 * (expired ones are left out, as RouterOS has removed them by then).
 */
export function formatConnections(fw: FirewallState, now: number, names: ConnectionReportNames = {}): string {
  const ct = fw.ct;
  const t = ct.tup;
  const ids: number[] = [];
  ct.forEach((id) => {
    if (ct.expires[id]! > now) ids.push(id);
  });
  const head = 'Flags: E - expected, S - seen-reply, A - assured, C - confirmed, D - dying, F - fasttrack, H - hw-offload, s - srcnat, d - dstnat, h - uses-helper';
  if (ids.length === 0) return `${head}\n (no connections)\n`;
  const rows: string[][] = [['#', '', 'PROTOCOL', 'SRC-ADDRESS', 'DST-ADDRESS', 'TCP-STATE', 'TIMEOUT']];
  const detail: string[] = [];
  ids.forEach((id, n) => {
    const o = id * 8;
    const proto = ct.proto[id]!;
    const pname = PROTO_NAMES[proto] ?? String(proto);
    const st = ct.status[id]!;
    const src = endpoint(t[o]!, t[o + 2]! >>> 16, proto);
    const dst = endpoint(t[o + 1]!, t[o + 2]! & 0xffff, proto);
    const rsrc = endpoint(t[o + 4]!, t[o + 6]! >>> 16, proto);
    const rdst = endpoint(t[o + 5]!, t[o + 6]! & 0xffff, proto);
    const tcpState = proto === 6 ? (TCP_STATE_NAMES[ct.pstate[id]!] ?? '') : '';
    const timeout = formatDuration(ct.expires[id]! - now);
    const flags = flagsOf(st);
    rows.push([String(n), flags, pname, src, dst, tcpState, timeout]);
    const parts = [`protocol=${pname}`, `src-address=${src}`, `dst-address=${dst}`, `reply-src-address=${rsrc}`, `reply-dst-address=${rdst}`];
    if (proto === 6) parts.push(`tcp-state=${tcpState}`);
    if (proto === 1) parts.push(`icmp-id=${t[o + 2]! >>> 16}`);
    parts.push(`timeout=${timeout}`);
    const mark = ct.mark[id]!;
    if (mark !== 0) parts.push(`connection-mark=${names.markNames?.[mark] ?? mark}`);
    const helper = ct.helper[id]!;
    const master = ct.master[id]!;
    const ctype = helper !== 0 ? helper : st & CtStatus.RELATED && master >= 0 && ct.live(master) ? ct.helper[master]! : 0;
    if (ctype !== 0) parts.push(`connection-type=${HELPER_NAMES[ctype] ?? ctype}`);
    if (st & CtStatus.RELATED && master >= 0 && ct.live(master)) {
      const mo = master * 8;
      parts.push(`master=${endpoint(t[mo]!, t[mo + 2]! >>> 16, ct.proto[master]!)}->${endpoint(t[mo + 1]!, t[mo + 2]! & 0xffff, ct.proto[master]!)}`);
    }
    parts.push(`orig-packets=${ct.packets[id * 2]}`, `orig-bytes=${ct.bytes[id * 2]}`, `repl-packets=${ct.packets[id * 2 + 1]}`, `repl-bytes=${ct.bytes[id * 2 + 1]}`);
    if (st & CtStatus.FASTTRACK) parts.push(`fasttrack-packets=${ct.ftPackets[id]}`, `fasttrack-bytes=${ct.ftBytes[id]}`); // both directions together
    detail.push(` ${String(n).padStart(2)} ${flags.padEnd(5)} ${parts.join(' ')}`);
  });
  return [head, ...table(rows, new Set([0])).map((l) => ` ${l}`), '', 'detail:', ...detail, ''].join('\n');
}

/** Each rule's chain name (FwTable keeps rules per chain). */
function chainOfRules(t: FwTable): string[] {
  const out: string[] = new Array<string>(t.n).fill('');
  t.chainRules.forEach((rules, c) => {
    for (const r of rules) out[r] = t.chainNames[c]!;
  });
  return out;
}

/**
 * `/ip firewall raw|filter|mangle|nat print stats`: per table, every compiled rule with its chain, action,
 * comment, bytes and packets. Tables without rules are named and left empty.
 */
export function formatRuleStats(fw: FirewallState): string {
  const out: string[] = [];
  const ct = fw.ct;
  let ftPackets = 0;
  let ftBytes = 0;
  let anyFt = false;
  ct.forEach((id) => {
    if (ct.status[id]! & CtStatus.FASTTRACK) {
      anyFt = true;
      ftPackets += ct.ftPackets[id]!;
      ftBytes += ct.ftBytes[id]!;
    }
  });
  const tables: [string, FwTable, FwState][] = [
    ['raw', fw.tables.raw, fw.raw],
    ['filter', fw.tables.filter, fw.filter],
    ['mangle', fw.tables.mangle, fw.mangle],
    ['nat', fw.tables.nat, fw.nat],
  ];
  for (const [name, t, s] of tables) {
    out.push(`/ip firewall ${name} print stats`);
    const dummy = name === 'filter' && anyFt;
    if (t.n === 0 && !dummy) {
      out.push(' (no rules)', '');
      continue;
    }
    out.push('Flags: X - disabled, I - invalid; D - dynamic');
    const chains = chainOfRules(t);
    const rows: string[][] = [['#', '', 'CHAIN', 'ACTION', 'BYTES', 'PACKETS']];
    const comments = new Map<number, string>();
    if (dummy) {
      comments.set(1, 'special dummy rule to show fasttrack counters');
      rows.push(['0', 'D', 'forward', 'passthrough', String(ftBytes), String(ftPackets)]);
    }
    for (let r = 0; r < t.n; r++) {
      const n = r + (dummy ? 1 : 0);
      if (t.comments[r]) comments.set(rows.length, t.comments[r]!);
      rows.push([String(n), '', chains[r]!, ACTION_NAMES[t.action[r]!] ?? String(t.action[r]), String(s.bytes[r]), String(s.packets[r])]);
    }
    const lines = table(rows, new Set([0, 4, 5]));
    lines.forEach((l, k) => {
      const c = comments.get(k);
      if (c !== undefined) out.push(`    ;;; ${c}`);
      out.push(` ${l}`);
    });
    out.push('');
  }
  return out.join('\n');
}
