/**
 * The running router's tables as RouterOS words them: a connection-table snapshot (dataplane/conntrack/
 * snapshot.ts, numbers) becomes `/ip firewall connection` rows of canonical text — `ip:port` addresses,
 * `tcp-state`, `timeout` as a RouterOS duration, counters, and the flags as yes/no properties (the APIs print
 * them true/false, the console as flag letters). Control plane only: it runs when somebody prints.
 */
import { CS } from '../../dataplane/conntrack/snapshot';
import { CtStatus, HELPER_NAMES } from '../../dataplane/conntrack/table';
import { TCP_STATE_NAMES } from '../../dataplane/conntrack/tcp-state';
import { formatIpv4, formatTime } from '../routeros/values';
import type { LiveRow } from '../store/live';

/** Protocol names `/ip firewall connection` prints (others print as their number). */
const PROTOCOL_NAMES: Readonly<Record<number, string>> = { 1: 'icmp', 6: 'tcp', 17: 'udp', 33: 'dccp', 47: 'gre', 132: 'sctp', 136: 'udp-lite' };
/** Protocols whose addresses carry ports (`ip:port`). */
const WITH_PORTS = new Set([6, 17, 33, 132, 136]);

/** Connection flags as properties, in the menu's order (control/menus/firewall.ts). */
const FLAG_PROPS: ReadonlyArray<readonly [string, number]> = [
  ['expected', CtStatus.EXPECTED],
  ['seen-reply', CtStatus.SEEN_REPLY],
  ['assured', CtStatus.ASSURED],
  ['confirmed', CtStatus.CONFIRMED],
  ['dying', CtStatus.DYING],
  ['fasttrack', CtStatus.FASTTRACK],
  ['srcnat', CtStatus.SRCNAT],
  ['dstnat', CtStatus.DSTNAT],
];

function endpoint(addr: number, port: number, ports: boolean): string {
  return ports ? `${formatIpv4(addr)}:${port}` : formatIpv4(addr);
}

/**
 * `/ip firewall connection` rows of one snapshot (`markNames`: the generation's connection marks, index 0 =
 * no mark). The timeout is shown in whole seconds, rounded down, as RouterOS counts it down.
 */
export function connectionRows(snap: Float64Array, markNames: readonly string[]): LiveRow[] {
  const rows: LiveRow[] = [];
  for (let o = 0; o + CS.COUNT <= snap.length; o += CS.COUNT) {
    const proto = snap[o + CS.PROTO]!;
    const status = snap[o + CS.STATUS]!;
    const ports = WITH_PORTS.has(proto);
    const op = snap[o + CS.O_PORTS]!;
    const rp = snap[o + CS.R_PORTS]!;
    const v = new Map<string, string>();
    v.set('protocol', PROTOCOL_NAMES[proto] ?? String(proto));
    v.set('src-address', endpoint(snap[o + CS.O_SRC]!, Math.floor(op / 65536), ports));
    v.set('dst-address', endpoint(snap[o + CS.O_DST]!, op % 65536, ports));
    v.set('reply-src-address', endpoint(snap[o + CS.R_SRC]!, Math.floor(rp / 65536), ports));
    v.set('reply-dst-address', endpoint(snap[o + CS.R_DST]!, rp % 65536, ports));
    if (proto === 6) v.set('tcp-state', TCP_STATE_NAMES[snap[o + CS.PSTATE]!] ?? 'none');
    v.set('timeout', formatTime(Math.floor(Math.max(0, snap[o + CS.TIMEOUT]!)) * 1000));
    if (proto === 1) v.set('icmp-id', String(Math.floor(op / 65536)));
    const type = snap[o + CS.TYPE]!;
    if (type > 0) v.set('connection-type', HELPER_NAMES[type] ?? String(type));
    const mark = snap[o + CS.MARK]!;
    if (mark > 0) v.set('connection-mark', markNames[mark] ?? String(mark));
    v.set('orig-packets', String(snap[o + CS.O_PACKETS]!));
    v.set('orig-bytes', String(snap[o + CS.O_BYTES]!));
    v.set('repl-packets', String(snap[o + CS.R_PACKETS]!));
    v.set('repl-bytes', String(snap[o + CS.R_BYTES]!));
    for (const [name, bit] of FLAG_PROPS) v.set(name, (status & bit) !== 0 ? 'yes' : 'no');
    rows.push({ id: snap[o + CS.ID]!, values: v });
  }
  return rows;
}
