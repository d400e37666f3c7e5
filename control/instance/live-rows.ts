/**
 * The running router's tables as RouterOS words them: a connection-table snapshot (dataplane/conntrack/
 * snapshot.ts, numbers) becomes `/ip firewall connection` rows of canonical text — `ip:port` addresses,
 * `tcp-state`, `timeout` as a RouterOS duration, counters, and the flags as yes/no properties (the APIs print
 * them true/false, the console as flag letters); the learned ARP neighbours (`/ip arp`, flag D) and the
 * address-list entries rules added (`/ip firewall address-list`, flag D) likewise. Control plane only: it
 * runs when somebody prints.
 */
import { CS } from '../../dataplane/conntrack/snapshot';
import { CtStatus, HELPER_NAMES } from '../../dataplane/conntrack/table';
import { TCP_STATE_NAMES } from '../../dataplane/conntrack/tcp-state';
import { formatIpv4, formatTime } from '../routeros/values';
import type { LiveRow } from '../store/live';
import { ArpFlag, ArpState, COMPLETE_MASK as COMPLETE_STATES, type ArpTable } from '../../dataplane/tables/arp-table';
import type { AddressListEntry } from '../../dataplane/tables/address-list';
import { FdbFlag, type Fdb } from '../../dataplane/tables/fdb';


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

/** Live rows of learned tables get ids from here up, clear of configured items' ids. */
export const LIVE_ID_BASE = 0x10_0000;

/** `XX:XX:XX:XX:XX:XX` of a MAC kept as 16 high and 32 low bits. */
function macText(hi: number, lo: number): string {
  const b = [(hi >>> 8) & 0xff, hi & 0xff, (lo >>> 24) & 0xff, (lo >>> 16) & 0xff, (lo >>> 8) & 0xff, lo & 0xff];
  return b.map((x) => x.toString(16).padStart(2, '0').toUpperCase()).join(':');
}

/** A learned ARP entry as a worker (or the port thread) reports it: its table entry and where it lives. */
export interface ArpReport {
  readonly worker: number;
  readonly index: number;
  readonly ip: number;
  readonly ifIndex: number;
  readonly macHi: number;
  readonly macLo: number;
  readonly state: number;
  readonly flags: number;
  readonly status: string;
  readonly updated: number;
}

/** What one ARP table holds, as ArpReports of worker `worker` (0 for the port thread). */
export function arpReports(arp: ArpTable, worker: number): ArpReport[] {
  const out: ArpReport[] = [];
  arp.forEach((e) => out.push({ worker, index: e.index, ip: e.ip, ifIndex: e.ifIndex, macHi: e.macHi, macLo: e.macLo, state: e.state, flags: e.flags, status: e.status, updated: e.updated }));
  return out;
}

/**
 * `remove` of a learned neighbour: the entry goes (the next packet to it resolves afresh). An entry still
 * resolving, with packets waiting on it, is left to finish (it is seconds from REACHABLE or FAILED).
 */
export function forgetNeighbour(arp: ArpTable, ip: number, ifIndex: number): boolean {
  const e = arp.lookup(ip, ifIndex);
  if (e < 0 || arp.queued(e) > 0 || arp.state(e) === ArpState.PERMANENT) return false;
  arp.remove(ip, ifIndex);
  return true;
}

/**
 * `/ip arp` rows of the learned (non-permanent) neighbours. With workers every worker keeps its own table
 * (docs/workers.md): one row per (address, interface), from the worker whose entry has a MAC and changed
 * last. Returns the rows and, per row id, the key `remove` needs.
 */
export function arpRows(reports: readonly ArpReport[], ifNames: readonly string[], workers: number): { rows: LiveRow[]; keys: Map<number, [number, number]> } {
  const best = new Map<string, ArpReport>();
  for (const r of reports) {
    if (r.state === ArpState.PERMANENT || r.state === ArpState.NONE) continue; // configured entries are items already
    const k = `${r.ip}/${r.ifIndex}`;
    const b = best.get(k);
    const has = (x: ArpReport) => ((COMPLETE_STATES >> x.state) & 1) === 1;
    if (b === undefined || (has(r) && !has(b)) || (has(r) === has(b) && r.updated > b.updated)) best.set(k, r);
  }
  const rows: LiveRow[] = [];
  const keys = new Map<number, [number, number]>();
  for (const r of [...best.values()].sort((a, b) => a.ifIndex - b.ifIndex || (a.ip >>> 0) - (b.ip >>> 0))) {
    const complete = ((COMPLETE_STATES >> r.state) & 1) === 1;
    const v = new Map<string, string>();
    v.set('address', formatIpv4(r.ip >>> 0));
    if (complete) v.set('mac-address', macText(r.macHi, r.macLo));
    v.set('interface', ifNames[r.ifIndex] ?? String(r.ifIndex));
    v.set('published', (r.flags & ArpFlag.PUBLISHED) !== 0 ? 'yes' : 'no');
    v.set('status', r.status);
    v.set('dynamic', 'yes');
    v.set('complete', complete ? 'yes' : 'no');
    const id = LIVE_ID_BASE + r.index * workers + r.worker;
    keys.set(id, [r.ip, r.ifIndex]);
    rows.push({ id, values: v });
  }
  return { rows, keys };
}

/** The text of an address-list entry: an address, a prefix when the range is one, else `first-last`. */
function entryText(lo: number, hi: number): string {
  if (lo === hi) return formatIpv4(lo);
  const size = hi - lo + 1;
  const len = 32 - Math.log2(size);
  if (Number.isInteger(len) && lo % size === 0) return `${formatIpv4(lo)}/${len}`;
  return `${formatIpv4(lo)}-${formatIpv4(hi)}`;
}

/**
 * `/ip firewall address-list` rows of the dynamic entries rules added (`add-src-to-address-list`), with the
 * time they have left (`timeout`, whole seconds, as RouterOS counts it down). Ids: LIVE_ID_BASE + the entry.
 */
export function addressListRows(entries: readonly AddressListEntry[], listNames: readonly string[], now: number): LiveRow[] {
  const rows: LiveRow[] = [];
  for (const e of entries) {
    if (!e.dynamic) continue;
    const v = new Map<string, string>();
    v.set('list', listNames[e.list] ?? String(e.list));
    v.set('address', entryText(e.lo >>> 0, e.hi >>> 0));
    if (Number.isFinite(e.expires)) v.set('timeout', formatTime(Math.floor(Math.max(0, e.expires - now)) * 1000));
    v.set('dynamic', 'yes');
    rows.push({ id: LIVE_ID_BASE + e.id, values: v });
  }
  return rows;
}

/** A learned bridge host as a worker (or the port thread) reports it. */
export interface FdbReport {
  readonly worker: number;
  readonly bridge: number;
  readonly slot: number;
  readonly hi: number;
  readonly lo: number;
  readonly vid: number;
  readonly port: number;
  readonly flags: number;
  readonly lastSeen: number;
}

/** What the bridges' forwarding databases hold besides configured hosts, as FdbReports of `worker`. */
export function fdbReports(fdbs: readonly Fdb[], worker: number): FdbReport[] {
  const out: FdbReport[] = [];
  fdbs.forEach((fdb, bridge) =>
    fdb.forEach((e) => {
      if ((e.flags & FdbFlag.STATIC) === 0) out.push({ worker, bridge, slot: e.slot, hi: e.hi, lo: e.lo, vid: e.vid, port: e.port, flags: e.flags, lastSeen: e.lastSeen });
    }),
  );
  return out;
}

/**
 * `/interface bridge host` rows of the learned hosts and the bridges' own MACs (RouterOS flags D, and L for
 * local), one per (bridge, MAC, VLAN): with workers from whichever worker saw the MAC last. `portName` names
 * a flow port (a bridge's own virtual port is the bridge). Returns the rows and, per id, the key `remove`
 * needs: [bridge, hi, lo, vid].
 */
export function bridgeHostRows(
  reports: readonly FdbReport[],
  bridgeNames: readonly string[],
  portName: (port: number) => string,
  workers: number,
): { rows: LiveRow[]; keys: Map<number, [number, number, number, number]> } {
  const best = new Map<string, FdbReport>();
  for (const r of reports) {
    const k = `${r.bridge}/${r.hi}/${r.lo}/${r.vid}`;
    const b = best.get(k);
    if (b === undefined || r.lastSeen > b.lastSeen) best.set(k, r);
  }
  const rows: LiveRow[] = [];
  const keys = new Map<number, [number, number, number, number]>();
  const ordered = [...best.values()].sort((a, b) => a.bridge - b.bridge || a.hi - b.hi || a.lo - b.lo || a.vid - b.vid);
  for (const r of ordered) {
    const v = new Map<string, string>();
    const on = portName(r.port);
    v.set('mac-address', macText(r.hi, r.lo));
    if (r.vid > 0) v.set('vid', String(r.vid));
    v.set('bridge', bridgeNames[r.bridge] ?? String(r.bridge));
    v.set('interface', on);
    v.set('on-interface', on);
    v.set('local', (r.flags & FdbFlag.LOCAL) !== 0 ? 'yes' : 'no');
    v.set('external', 'no');
    const id = LIVE_ID_BASE + (r.slot * Math.max(1, bridgeNames.length) + r.bridge) * workers + r.worker;
    keys.set(id, [r.bridge, r.hi, r.lo, r.vid]);
    rows.push({ id, values: v });
  }
  return { rows, keys };
}

/** `remove` of a learned host: the bridge forgets it (its next frame is flooded, then learned again). */
export function forgetHost(fdbs: readonly Fdb[], bridge: number, hi: number, lo: number, vid: number): boolean {
  const fdb = fdbs[bridge];
  if (fdb === undefined) return false;
  const at = fdb.find(hi, lo, vid);
  if (at < 0 || (fdb.flags[at]! & FdbFlag.DYNAMIC) === 0) return false;
  return fdb.remove(hi, lo, vid);
}
