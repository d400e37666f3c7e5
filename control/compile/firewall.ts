/**
 * Compile `/ip firewall raw|filter|mangle|nat`, `/ip firewall address-list` and `/interface list` into the
 * dataplane's firewall tables (dataplane/firewall/rules.ts FwTable): typed-array rule rows, chains as rule
 * index lists, a bit-vector classifier per long chain, interface-list membership, interned marks and address
 * lists. Done once per config generation; the stages never parse text.
 *
 * What a rule cannot be compiled into (a matcher flowplane does not evaluate yet, a name that resolves to
 * nothing) is reported in `problems` with the rule's `.id`; such a rule keeps its place but never matches
 * (matcher bit UNSUPPORTED), so it cannot act on a packet it would not have matched in RouterOS — the price is
 * that a drop rule with an unsupported matcher lets traffic through. `flowplane check` prints the problems.
 *
 * Disabled rules are left out (as RouterOS skips them), so rule indices are not `print` numbers: traces name
 * rules by `.id` and comment.
 */
import type { ConfigStore, Item, MenuTable } from '../store/store';
import { idText } from '../store/store';
import { parseIpv4Spec, parseIntRange, parsePortList, parseTime, parseMac, parseRate, type Ipv4Spec } from '../routeros/values';
import { BUILTIN_CHAINS, type Table } from '../menus/firewall-props';
import type { InterfaceIndex } from './interfaces';
import { A, ACTION_NAMES, AT, CN, CS, DL_MODE, IPOPT, M, PCC_F, PRIO_FROM, R, TCP_RESET, TTL_OP, biasIp, type FwTable } from '../../dataplane/firewall/rules';
import { buildClassifier } from '../../dataplane/firewall/classify';
import { l7RegExp } from '../../dataplane/firewall/conn-extra';
import { AddressLists } from '../../dataplane/tables/address-list';
import { CtEnabled, type ConntrackSettings } from '../../dataplane/firewall/tables';
import { TCP_TIMEOUT_DEFAULTS, tcpTimeoutTable } from '../../dataplane/conntrack/tcp-state';
import { HELPER_NAMES } from '../../dataplane/conntrack/table';

/** IP protocol numbers by RouterOS name (`protocol=`). */
export const IP_PROTOCOLS: Readonly<Record<string, number>> = {
  icmp: 1,
  igmp: 2,
  ggp: 3,
  'ip-encap': 4,
  st: 5,
  tcp: 6,
  egp: 8,
  pup: 12,
  udp: 17,
  hmp: 20,
  'xns-idp': 22,
  rdp: 27,
  'iso-tp4': 29,
  dccp: 33,
  xtp: 36,
  ddp: 37,
  'idpr-cmtp': 38,
  ipv6: 41,
  'ipv6-route': 43,
  'ipv6-frag': 44,
  idrp: 45,
  rsvp: 46,
  gre: 47,
  'ipsec-esp': 50,
  'ipsec-ah': 51,
  icmpv6: 58,
  'ipv6-nonxt': 59,
  'ipv6-opts': 60,
  rspf: 73,
  vmtp: 81,
  ospf: 89,
  ipip: 94,
  etherip: 97,
  encap: 98,
  pim: 103,
  vrrp: 112,
  l2tp: 115,
  sctp: 132,
  'udp-lite': 136,
};

const PORT_PROTOS = new Set([6, 17, 33, 132, 136]);

const TCP_FLAG_BITS: Readonly<Record<string, number>> = { fin: 0x01, syn: 0x02, rst: 0x04, psh: 0x08, ack: 0x10, urg: 0x20, ece: 0x40, cwr: 0x80 };
const CSTATE_BITS: Readonly<Record<string, number>> = { new: CS.NEW, established: CS.ESTABLISHED, related: CS.RELATED, invalid: CS.INVALID, untracked: CS.UNTRACKED };
const CNAT_BITS: Readonly<Record<string, number>> = { srcnat: CN.SRCNAT, dstnat: CN.DSTNAT, 'ein-snat': CN.EIN_SNAT, 'ein-dnat': CN.EIN_DNAT };
const ATYPE_BITS: Readonly<Record<string, number>> = {
  unicast: AT.UNICAST,
  local: AT.LOCAL,
  broadcast: AT.BROADCAST,
  multicast: AT.MULTICAST,
  blackhole: AT.BLACKHOLE,
  unreachable: AT.UNREACHABLE,
  prohibit: AT.PROHIBIT,
};
/** per-connection-classifier field names → PCC_F bits. */
const PCC_FIELDS: Readonly<Record<string, number>> = {
  'src-address': PCC_F.SRC_ADDR,
  'dst-address': PCC_F.DST_ADDR,
  'both-addresses': PCC_F.SRC_ADDR | PCC_F.DST_ADDR,
  'src-port': PCC_F.SRC_PORT,
  'dst-port': PCC_F.DST_PORT,
  'both-ports': PCC_F.SRC_PORT | PCC_F.DST_PORT,
  'src-address-and-port': PCC_F.SRC_ADDR | PCC_F.SRC_PORT,
  'dst-address-and-port': PCC_F.DST_ADDR | PCC_F.DST_PORT,
  'both-addresses-and-ports': PCC_F.SRC_ADDR | PCC_F.DST_ADDR | PCC_F.SRC_PORT | PCC_F.DST_PORT,
};

const REJECT_CODES: Readonly<Record<string, number>> = {
  'icmp-network-unreachable': (3 << 8) | 0,
  'icmp-net-unreachable': (3 << 8) | 0,
  'icmp-host-unreachable': (3 << 8) | 1,
  'icmp-protocol-unreachable': (3 << 8) | 2,
  'icmp-port-unreachable': (3 << 8) | 3,
  'icmp-net-prohibited': (3 << 8) | 9,
  'icmp-host-prohibited': (3 << 8) | 10,
  'icmp-admin-prohibited': (3 << 8) | 13,
  'tcp-reset': TCP_RESET,
};

/**
 * Matchers evaluated elsewhere or not yet: a rule using one is reported and never matches. hotspot (no
 * HotSpot in flowplane), realm (no routing realms) and p2p (RouterOS's own deprecated classifier) stay here.
 */
const NOT_YET = ['hotspot', 'realm', 'p2p', 'routing-table'];

export interface FirewallProblem {
  readonly table: Table;
  readonly id: string;
  readonly message: string;
}

/** Names the firewall shares with the rest of the generation: marks, lists. */
export class Interner {
  private readonly ids = new Map<string, number>();
  readonly names: string[] = [''];
  constructor(private readonly max = 0xffff) {}
  /** Id of `name` (1..), allocating one; `no-mark` is 0. */
  id(name: string): number {
    if (name === 'no-mark' || name === '') return 0;
    let i = this.ids.get(name);
    if (i === undefined) {
      if (this.names.length > this.max) throw new RangeError(`more than ${this.max} names`);
      i = this.names.length;
      this.ids.set(name, i);
      this.names.push(name);
    }
    return i;
  }
  has(name: string): boolean {
    return this.ids.has(name);
  }
}

export interface CompiledFirewall {
  readonly raw: FwTable;
  readonly filter: FwTable;
  readonly mangle: FwTable;
  readonly nat: FwTable;
  /** Interface-list membership `[list * ifCount + ifIndex]` and the list names by id. */
  readonly ifLists: Uint8Array;
  readonly ifCount: number;
  readonly ifListNames: readonly string[];
  /** Address-list names by id (index = id). */
  readonly addressListNames: readonly string[];
  /** Packet and connection mark names by id (0 = no-mark). */
  readonly markNames: readonly string[];
  /** The configured (static) address-list entries, loaded into a fresh AddressLists per router. */
  readonly staticAddresses: readonly { list: number; lo: number; hi: number; timeout: number }[];
  /** `/ip firewall layer7-protocol` regexps by index (rules' `l7` column). */
  readonly layer7: readonly string[];
  /** Any rule in any table (conntrack `enabled=auto` turns on with the first rule). */
  readonly anyRule: boolean;
  readonly conntrack: ConntrackSettings;
  readonly problems: readonly FirewallProblem[];
}

/** Conntrack table size: RouterOS sizes it from RAM (max 1048576); flowplane uses a fixed default. */
export const CONNTRACK_MAX_ENTRIES = 262144;

function seconds(store: ConfigStore, path: string, prop: string, fallback: number): number {
  const t = store.table(path);
  const item = t?.items[0];
  const text = item !== undefined ? t!.value(item, prop) : undefined;
  if (text === undefined) return fallback;
  const p = parseTime(text);
  return p.ok ? p.value / 1000 : fallback;
}

/** `/ip firewall connection tracking` → settings (defaults for whatever is not set). */
export function compileConntrackSettings(store: ConfigStore): ConntrackSettings {
  const path = '/ip firewall connection tracking';
  const t = store.table(path);
  const item = t?.items[0];
  const v = (k: string): string | undefined => (item !== undefined ? t!.value(item, k) : undefined);
  const d = TCP_TIMEOUT_DEFAULTS;
  const s = (prop: string, fallback: number): number => seconds(store, path, prop, fallback);
  const enabled = v('enabled') ?? 'auto';
  return {
    enabled: enabled === 'yes' ? CtEnabled.YES : enabled === 'no' ? CtEnabled.NO : CtEnabled.AUTO,
    tcpTimeouts: tcpTimeoutTable({
      synSent: s('tcp-syn-sent-timeout', d.synSent),
      synReceived: s('tcp-syn-received-timeout', d.synReceived),
      established: s('tcp-established-timeout', d.established),
      finWait: s('tcp-fin-wait-timeout', d.finWait),
      closeWait: s('tcp-close-wait-timeout', d.closeWait),
      lastAck: s('tcp-last-ack-timeout', d.lastAck),
      timeWait: s('tcp-time-wait-timeout', d.timeWait),
      close: s('tcp-close-timeout', d.close),
    }),
    udpTimeout: s('udp-timeout', 30),
    udpStreamTimeout: s('udp-stream-timeout', 180),
    icmpTimeout: s('icmp-timeout', 10),
    genericTimeout: s('generic-timeout', 600),
    looseTcp: (v('loose-tcp-tracking') ?? 'yes') !== 'no',
    liberalTcp: v('liberal-tcp-tracking') === 'yes',
    tcpMaxRetransTimeout: s('tcp-max-retrans-timeout', 300),
    tcpUnackedTimeout: s('tcp-unacked-timeout', 300),
    ftpPorts: helperPorts(store, 'ftp', 21),
    tftpPorts: helperPorts(store, 'tftp', 69),
    maxEntries: CONNTRACK_MAX_ENTRIES,
  };
}

/** `/ip firewall service-port NAME`: its ports as lo, hi pairs, `dflt` unless the config says otherwise; empty when disabled. */
function helperPorts(store: ConfigStore, name: string, dflt: number): Uint16Array {
  const sp = store.table('/ip firewall service-port');
  const it = sp?.items.find((i) => sp.value(i, 'name') === name);
  if (it !== undefined && (sp!.disabled(it) || sp!.value(it, 'disabled') === 'yes')) return new Uint16Array(0);
  const text = (it !== undefined ? sp!.value(it, 'ports') : undefined) ?? String(dflt);
  const p = parsePortList(text);
  return p.ok ? Uint16Array.from(p.value.flatMap((r) => [r.from, r.to])) : Uint16Array.of(dflt, dflt);
}

export interface FirewallOptions {
  /** Routing-mark code for a routing table name (mark-routing, routing-mark=); undefined = unknown table. */
  routingMark?: (name: string) => number | undefined;
}

// ---------------------------------------------------------------------------------------------------------
// Interface lists

function compileInterfaceLists(store: ConfigStore, ifs: InterfaceIndex): { names: string[]; member: Uint8Array } {
  const n = ifs.names.length;
  const names = ['all', 'none', 'dynamic', 'static'];
  const lt = store.table('/interface list');
  for (const item of lt?.items ?? []) {
    const name = lt!.value(item, 'name');
    if (name !== undefined && !names.includes(name)) names.push(name);
  }
  const L = names.length;
  const direct: Set<number>[] = names.map(() => new Set());
  for (let i = 0; i < n; i++) {
    direct[0]!.add(i);
    direct[3]!.add(i);
  }
  const mt = store.table('/interface list member');
  for (const item of mt?.items ?? []) {
    if (mt!.disabled(item)) continue;
    const l = names.indexOf(mt!.value(item, 'list') ?? '');
    const i = ifs.byName.get(mt!.value(item, 'interface') ?? '');
    if (l >= 0 && i !== undefined) direct[l]!.add(i);
  }
  // include / exclude (one level of other lists, applied in list order; cycles are ignored).
  const member = new Uint8Array(L * n);
  const resolved: Set<number>[] = direct.map((s) => new Set(s));
  for (const item of lt?.items ?? []) {
    const l = names.indexOf(lt!.value(item, 'name') ?? '');
    if (l < 0) continue;
    for (const inc of (lt!.value(item, 'include') ?? '').split(',').filter(Boolean)) {
      const o = names.indexOf(inc);
      if (o >= 0 && o !== l) for (const i of direct[o]!) resolved[l]!.add(i);
    }
    for (const exc of (lt!.value(item, 'exclude') ?? '').split(',').filter(Boolean)) {
      const o = names.indexOf(exc);
      if (o >= 0 && o !== l) for (const i of direct[o]!) resolved[l]!.delete(i);
    }
  }
  resolved.forEach((s, l) => {
    for (const i of s) member[l * n + i] = 1;
  });
  return { names, member };
}

// ---------------------------------------------------------------------------------------------------------
// Rules

/** The typed-array columns of a table (FwTable without what is assembled after the rules: names, chains, pools). */
type FwColumns = Omit<FwTable, 'n' | 'ids' | 'comments' | 'logPrefix' | 'chainNames' | 'chainRules' | 'chainIndex' | 'portLo' | 'portHi' | 'patBytes'>;

/** Every column of an `n`-rule table, with the value a rule that does not set it has. */
function newColumns(n: number): FwColumns {
  return {
    has: new Int32Array(n),
    neg: new Int32Array(n),
    proto: new Uint8Array(n),
    inIf: new Int32Array(n),
    outIf: new Int32Array(n),
    inList: new Int32Array(n),
    outList: new Int32Array(n),
    srcLo: new Int32Array(n),
    srcHi: new Int32Array(n),
    dstLo: new Int32Array(n),
    dstHi: new Int32Array(n),
    sportAt: new Int32Array(n),
    dportAt: new Int32Array(n),
    portAt: new Int32Array(n),
    sportN: new Uint8Array(n),
    dportN: new Uint8Array(n),
    portN: new Uint8Array(n),
    cstate: new Uint8Array(n),
    cnat: new Uint8Array(n),
    pmark: new Uint16Array(n),
    cmark: new Uint16Array(n),
    rmark: new Uint16Array(n),
    tcpMask: new Uint8Array(n),
    tcpVal: new Uint8Array(n),
    icmpType: new Uint8Array(n),
    icmpCodeLo: new Int16Array(n),
    icmpCodeHi: new Int16Array(n),
    sizeLo: new Uint16Array(n),
    sizeHi: new Uint16Array(n),
    ttlOp: new Uint8Array(n),
    ttlVal: new Uint8Array(n),
    dscp: new Uint8Array(n),
    macHi: new Int32Array(n),
    macLo: new Int32Array(n),
    fragment: new Uint8Array(n),
    srcList: new Int32Array(n),
    dstList: new Int32Array(n),
    srcType: new Uint8Array(n),
    dstType: new Uint8Array(n),
    mssLo: new Uint16Array(n),
    mssHi: new Uint16Array(n),
    randomPct: new Uint8Array(n),
    nthEvery: new Int32Array(n).fill(1),
    nthPacket: new Int32Array(n).fill(1),
    limitRate: new Float64Array(n),
    limitBurst: new Float64Array(n),
    limitBits: new Uint8Array(n),
    has2: new Int32Array(n),
    neg2: new Int32Array(n),
    inBport: new Int32Array(n),
    outBport: new Int32Array(n),
    inBlist: new Int32Array(n),
    outBlist: new Int32Array(n),
    tosVal: new Uint8Array(n),
    tosMask: new Uint8Array(n),
    ipOpts: new Uint8Array(n),
    prio: new Uint8Array(n),
    ingressPrio: new Uint8Array(n),
    ipsec: new Uint8Array(n),
    timeFrom: new Int32Array(n),
    timeTo: new Int32Array(n),
    timeDays: new Uint8Array(n),
    cbytesLo: new Float64Array(n),
    cbytesHi: new Float64Array(n),
    crateLo: new Float64Array(n),
    crateHi: new Float64Array(n),
    climCount: new Int32Array(n),
    climLen: new Uint8Array(n),
    contentAt: new Int32Array(n),
    contentLen: new Int32Array(n),
    tlsAt: new Int32Array(n),
    tlsLen: new Int32Array(n),
    l7: new Uint8Array(n),
    dlRate: new Float64Array(n),
    dlBurst: new Float64Array(n),
    dlMode: new Uint8Array(n),
    dlExpire: new Float64Array(n),
    psdWeight: new Int32Array(n),
    psdDelay: new Float64Array(n),
    psdLo: new Int32Array(n),
    psdHi: new Int32Array(n),
    ctype: new Uint8Array(n),
    pccFields: new Uint8Array(n),
    pccDen: new Int32Array(n).fill(1),
    pccRem: new Int32Array(n),
    action: new Uint8Array(n),
    jump: new Int32Array(n).fill(-1),
    passthrough: new Uint8Array(n).fill(1),
    newMark: new Uint16Array(n),
    rejectWith: new Uint16Array(n),
    addList: new Int32Array(n).fill(-1),
    addTimeout: new Float64Array(n).fill(Infinity),
    modOp: new Uint8Array(n),
    modVal: new Int32Array(n),
    log: new Uint8Array(n),
    toAddrLo: new Int32Array(n),
    toAddrHi: new Int32Array(n),
    toPortLo: new Uint16Array(n),
    toPortHi: new Uint16Array(n),
    natFlags: new Uint8Array(n),
  };
}

/** A table being compiled: its columns (as properties, `b.has[r]`), plus the lists that grow per rule. */
interface TableBuilder extends FwColumns {}
class TableBuilder {
  readonly ids: string[] = [];
  readonly comments: string[] = [];
  readonly logPrefix: string[] = [];
  /** Port ranges of all port matchers, flat [lo, hi, ...]. */
  readonly ports: number[] = [];
  /** content / tls-host pattern bytes. */
  readonly pat: number[] = [];
  readonly cols: FwColumns;

  constructor(n: number) {
    this.cols = newColumns(n);
    Object.assign(this, this.cols);
  }
}

function specRange(s: Ipv4Spec): [number, number] {
  if (s.kind === 'range') return [s.range.from, s.range.to];
  const size = 2 ** (32 - s.prefix.length);
  return [s.prefix.network, s.prefix.network + size - 1];
}

/** `limit=rate[/time],burst[:packet|bit]` → tokens per second, burst, bits mode. */
function parseLimit(text: string): { rate: number; burst: number; bits: boolean } | string {
  const m = /^(\d+(?:\.\d+)?[kKMGT]?)(?:\/([^,]+))?,(\d+[kKMG]?)(?::(packet|bit))?$/.exec(text);
  if (m === null) return `limit=${text}: expected rate[/time],burst[:packet|bit]`;
  const rate = parseRate(m[1]!);
  const per = m[2] === undefined ? { ok: true as const, value: 1000 } : parseTime(m[2]);
  const burst = parseRate(m[3]!);
  if (!rate.ok || !per.ok || !burst.ok || per.value <= 0) return `limit=${text}: bad number`;
  return { rate: rate.value / (per.value / 1000), burst: Math.max(1, burst.value), bits: m[4] === 'bit' };
}

/** `time=from-to[,day...]` → seconds of the day (inclusive) and weekday bits (bit 0 = Sunday; none = all). */
export function parseTimeWindow(text: string): { from: number; to: number; days: number } | string {
  const parts = text.split(',');
  const m = /^([^-]+)-([^-]+)$/.exec(parts[0]!);
  const a = m === null ? undefined : parseTime(m[1]!);
  const z = m === null ? undefined : parseTime(m[2]!);
  if (a === undefined || z === undefined || !a.ok || !z.ok) return 'expected from-to[,days], e.g. 8h-17h,mon,tue';
  const from = Math.floor(a.value / 1000);
  const to = Math.floor(z.value / 1000);
  if (from > 86400 || to > 86400) return 'times are within one day (0s..1d)';
  let days = 0;
  for (const d of parts.slice(1)) {
    const k = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'].indexOf(d);
    if (k < 0) return `unknown day ${d}`;
    days |= 1 << k;
  }
  return { from, to: Math.min(to, 86399), days: days === 0 ? 0x7f : days };
}

/** `from-to` counts with k/M/G suffixes (decimal); to 0 = no upper bound. A single value is from = to. */
function parseCountRange(text: string): [number, number] | string {
  const m = /^([^-]+)(?:-([^-]+))?$/.exec(text);
  const a = m === null ? undefined : parseRate(m[1]!);
  const z = m === null ? undefined : m[2] === undefined ? a : parseRate(m[2]);
  if (a === undefined || z === undefined || !a.ok || !z.ok) return 'expected from-to';
  const hi = m![2] !== undefined && z.value === 0 ? Infinity : z.value;
  if (hi < a.value) return 'from is above to';
  return [a.value, hi];
}

/** `dst-limit=rate[/time],burst,mode[/expire]` (expire default: Linux hashlimit's 10 s; RouterOS's UNCONFIRMED). */
function parseDstLimit(text: string): { rate: number; burst: number; mode: number; expire: number } | string {
  const m = /^(\d+(?:\.\d+)?[kKMG]?)(?:\/([^,]+))?,(\d+),([a-z-]+)(?:\/(.+))?$/.exec(text);
  if (m === null) return 'expected rate[/time],burst,mode[/expire]';
  const rate = parseRate(m[1]!);
  const per = m[2] === undefined ? { ok: true as const, value: 1000 } : parseTime(m[2]);
  const expire = m[5] === undefined ? { ok: true as const, value: 10000 } : parseTime(m[5]);
  const mode = (DL_MODE as Record<string, number>)[m[4]!.toUpperCase().replace(/-/g, '_')];
  if (!rate.ok || !per.ok || !expire.ok || per.value <= 0) return 'bad number';
  if (mode === undefined) return `unknown mode ${m[4]}`;
  return { rate: rate.value / (per.value / 1000), burst: Math.max(1, Number(m[3])), mode, expire: expire.value / 1000 };
}

interface Ctx {
  readonly layer7Names: readonly string[];
  readonly ifs: InterfaceIndex;
  readonly ifListNames: string[];
  readonly lists: Interner;
  readonly marks: Interner;
  readonly routingMarks: Interner;
  readonly opts: FirewallOptions;
  readonly problems: FirewallProblem[];
}

function compileTable(store: ConfigStore, table: Table, cx: Ctx, ifMember: Uint8Array): FwTable {
  const t: MenuTable | undefined = store.table(`/ip firewall ${table}`);
  const items: Item[] = (t?.items ?? []).filter((i) => !t!.disabled(i));
  const n = items.length;
  const b = new TableBuilder(n);
  // Chains: built-ins first, then user chains in order of first appearance (as chain= or jump-target=).
  const chainNames = [...BUILTIN_CHAINS[table]];
  const chainOf = (name: string): number => {
    let c = chainNames.indexOf(name);
    if (c < 0) {
      c = chainNames.length;
      chainNames.push(name);
    }
    return c;
  };
  const ruleChain = new Int32Array(n);
  items.forEach((item, r) => {
    const v = (k: string): string | undefined => t!.value(item, k);
    const given = (k: string): string | undefined => item.values.get(k);
    const problem = (message: string): void => {
      cx.problems.push({ table, id: idText(item.id), message });
      b.has[r] = b.has[r]! | M.UNSUPPORTED;
    };
    b.ids.push(idText(item.id));
    b.comments.push(given('comment') ?? '');
    b.logPrefix.push(given('log-prefix') ?? '');
    ruleChain[r] = chainOf(v('chain') ?? '');
    /** Set matcher `bit` from `text` (possibly `!`-negated) with `fill(valueWithoutBang)` → error text or undefined. */
    const matcher = (prop: string, bit: number, fill: (s: string) => string | undefined): void => {
      const text = given(prop);
      if (text === undefined) return;
      const negated = text.startsWith('!');
      const err = fill(negated ? text.slice(1) : text);
      if (err !== undefined) return problem(`${prop}=${text}: ${err}`);
      b.has[r] = b.has[r]! | bit;
      if (negated) b.neg[r] = b.neg[r]! | bit;
    };
    matcher('protocol', M.PROTO, (s) => {
      const p = IP_PROTOCOLS[s] ?? (/^\d{1,3}$/.test(s) && Number(s) <= 255 ? Number(s) : undefined);
      if (p === undefined) return 'unknown protocol';
      b.proto[r] = p;
      return undefined;
    });
    const iface = (s: string): number | string => cx.ifs.byName.get(s) ?? `no interface named ${s}`;
    matcher('in-interface', M.IN_IF, (s) => {
      const i = iface(s);
      if (typeof i === 'string') return i;
      b.inIf[r] = i;
      return undefined;
    });
    matcher('out-interface', M.OUT_IF, (s) => {
      const i = iface(s);
      if (typeof i === 'string') return i;
      b.outIf[r] = i;
      return undefined;
    });
    matcher('in-interface-list', M.IN_LIST, (s) => {
      const l = cx.ifListNames.indexOf(s);
      if (l < 0) return `no interface list named ${s}`;
      b.inList[r] = l;
      return undefined;
    });
    matcher('out-interface-list', M.OUT_LIST, (s) => {
      const l = cx.ifListNames.indexOf(s);
      if (l < 0) return `no interface list named ${s}`;
      b.outList[r] = l;
      return undefined;
    });
    for (const [prop, bit, lo, hi] of [
      ['src-address', M.SRC, b.srcLo, b.srcHi],
      ['dst-address', M.DST, b.dstLo, b.dstHi],
    ] as const) {
      matcher(prop, bit, (s) => {
        const p = parseIpv4Spec(s);
        if (!p.ok) return p.error;
        const [a, z] = specRange(p.value);
        lo[r] = biasIp(a);
        hi[r] = biasIp(z);
        return undefined;
      });
    }
    for (const [prop, bit, at, cnt] of [
      ['src-port', M.SPORT, b.sportAt, b.sportN],
      ['dst-port', M.DPORT, b.dportAt, b.dportN],
      ['port', M.PORT, b.portAt, b.portN],
    ] as const) {
      matcher(prop, bit, (s) => {
        const p = parsePortList(s);
        if (!p.ok) return p.error;
        if (p.value.length > 255) return 'too many port ranges';
        at[r] = b.ports.length / 2;
        cnt[r] = p.value.length;
        for (const x of p.value) b.ports.push(x.from, x.to);
        return undefined;
      });
    }
    if (b.has[r]! & (M.SPORT | M.DPORT | M.PORT) && !(b.has[r]! & M.PROTO && PORT_PROTOS.has(b.proto[r]!) && !(b.neg[r]! & M.PROTO))) {
      problem('a port matcher needs protocol=tcp, udp, udp-lite, sctp or dccp');
    }
    const bitsOf = (map: Readonly<Record<string, number>>, s: string): number | string => {
      let bits = 0;
      for (const w of s.split(',')) {
        const x = map[w];
        if (x === undefined) return `unknown value ${w}`;
        bits |= x;
      }
      return bits;
    };
    matcher('connection-state', M.CSTATE, (s) => {
      const x = bitsOf(CSTATE_BITS, s);
      if (typeof x === 'string') return x;
      b.cstate[r] = x;
      return undefined;
    });
    matcher('connection-nat-state', M.CNAT, (s) => {
      const x = bitsOf(CNAT_BITS, s);
      if (typeof x === 'string') return x;
      b.cnat[r] = x;
      return undefined;
    });
    matcher('packet-mark', M.PMARK, (s) => void (b.pmark[r] = cx.marks.id(s)));
    matcher('connection-mark', M.CMARK, (s) => void (b.cmark[r] = cx.marks.id(s)));
    matcher('routing-mark', M.RMARK, (s) => {
      const code = s === 'no-mark' ? 0 : (cx.opts.routingMark?.(s) ?? cx.routingMarks.id(s));
      b.rmark[r] = code;
      return undefined;
    });
    const flagsText = given('tcp-flags');
    if (flagsText !== undefined) {
      let mask = 0;
      let val = 0;
      let bad = '';
      for (const w of flagsText.split(',')) {
        const neg = w.startsWith('!');
        const bit = TCP_FLAG_BITS[neg ? w.slice(1) : w];
        if (bit === undefined) bad = w;
        else {
          mask |= bit;
          if (!neg) val |= bit;
        }
      }
      if (bad) problem(`tcp-flags=${flagsText}: unknown flag ${bad}`);
      else {
        b.has[r] = b.has[r]! | M.TCP_FLAGS;
        b.tcpMask[r] = mask;
        b.tcpVal[r] = val;
      }
    }
    matcher('icmp-options', M.ICMP, (s) => {
      const m = /^(\d{1,3})(?::(\d{1,3})(?:-(\d{1,3}))?)?$/.exec(s);
      if (m === null || Number(m[1]) > 255) return 'expected type[:code[-code]]';
      b.icmpType[r] = Number(m[1]);
      b.icmpCodeLo[r] = m[2] === undefined ? -1 : Number(m[2]);
      b.icmpCodeHi[r] = m[3] === undefined ? (m[2] === undefined ? -1 : Number(m[2])) : Number(m[3]);
      return undefined;
    });
    matcher('packet-size', M.SIZE, (s) => {
      const p = parseIntRange(s, { min: 0, max: 65535 });
      if (!p.ok) return p.error;
      b.sizeLo[r] = p.value.from;
      b.sizeHi[r] = p.value.to;
      return undefined;
    });
    matcher('tcp-mss', M.MSS, (s) => {
      const p = parseIntRange(s, { min: 0, max: 65535 });
      if (!p.ok) return p.error;
      b.mssLo[r] = p.value.from;
      b.mssHi[r] = p.value.to;
      return undefined;
    });
    matcher('ttl', M.TTL, (s) => {
      const m = /^(equal|not-equal|less-than|greater-than):(\d{1,3})$/.exec(s);
      if (m === null || Number(m[2]) > 255) return 'expected equal|not-equal|less-than|greater-than:N';
      b.ttlOp[r] = TTL_OP[m[1]!.toUpperCase().replace('-', '_') as keyof typeof TTL_OP];
      b.ttlVal[r] = Number(m[2]);
      return undefined;
    });
    matcher('dscp', M.DSCP, (s) => {
      if (!/^\d{1,2}$/.test(s) || Number(s) > 63) return 'expected 0..63';
      b.dscp[r] = Number(s);
      return undefined;
    });
    matcher('src-mac-address', M.SRC_MAC, (s) => {
      const p = parseMac(s);
      if (!p.ok) return p.error;
      const mac = p.value;
      b.macHi[r] = (mac[0]! << 8) | mac[1]!;
      b.macLo[r] = (mac[2]! << 24) | (mac[3]! << 16) | (mac[4]! << 8) | mac[5]!;
      return undefined;
    });
    const frag = given('fragment');
    if (frag !== undefined) {
      b.has[r] = b.has[r]! | M.FRAGMENT;
      b.fragment[r] = frag === 'yes' ? 1 : 0;
    }
    matcher('src-address-list', M.SRC_LIST, (s) => void (b.srcList[r] = cx.lists.id(s) - 1));
    matcher('dst-address-list', M.DST_LIST, (s) => void (b.dstList[r] = cx.lists.id(s) - 1));
    matcher('src-address-type', M.SRC_TYPE, (s) => {
      const x = bitsOf(ATYPE_BITS, s);
      if (typeof x === 'string') return x;
      b.srcType[r] = x;
      return undefined;
    });
    matcher('dst-address-type', M.DST_TYPE, (s) => {
      const x = bitsOf(ATYPE_BITS, s);
      if (typeof x === 'string') return x;
      b.dstType[r] = x;
      return undefined;
    });
    const rnd = given('random');
    if (rnd !== undefined) {
      if (!/^\d{1,2}$/.test(rnd) || Number(rnd) < 1) problem(`random=${rnd}: expected 1..99`);
      else {
        b.has[r] = b.has[r]! | M.RANDOM;
        b.randomPct[r] = Number(rnd);
      }
    }
    matcher('nth', M.NTH, (s) => {
      const m = /^(\d+)(?:,(\d+))?$/.exec(s);
      if (m === null) return 'expected every,packet';
      const every = Number(m[1]);
      const packet = m[2] === undefined ? every : Number(m[2]);
      if (every < 1 || packet < 1 || packet > every) return 'expected 1 <= packet <= every';
      b.nthEvery[r] = every;
      b.nthPacket[r] = packet;
      return undefined;
    });
    matcher('limit', M.LIMIT, (s) => {
      const l = parseLimit(s);
      if (typeof l === 'string') return l;
      b.limitRate[r] = l.rate;
      b.limitBurst[r] = l.bits ? l.burst : l.burst;
      b.limitBits[r] = l.bits ? 1 : 0;
      return undefined;
    });
    // ---- rare matchers (second word; M.RARE marks the rule) ----
    const rare = (prop: string, bit: number, fill: (s: string) => string | undefined, negatable = true): void => {
      const text = given(prop);
      if (text === undefined) return;
      const negated = negatable && text.startsWith('!');
      const err = fill(negated ? text.slice(1) : text);
      if (err !== undefined) return problem(`${prop}=${text}: ${err}`);
      b.has[r] = b.has[r]! | M.RARE;
      b.has2[r] = b.has2[r]! | bit;
      if (negated) b.neg2[r] = b.neg2[r]! | bit;
    };
    for (const [prop, bit, col] of [
      ['in-bridge-port', R.IN_BPORT, b.inBport],
      ['out-bridge-port', R.OUT_BPORT, b.outBport],
    ] as const) {
      rare(prop, bit, (s) => {
        const i = iface(s);
        if (typeof i === 'string') return i;
        col[r] = i;
        return undefined;
      });
    }
    for (const [prop, bit, col] of [
      ['in-bridge-port-list', R.IN_BLIST, b.inBlist],
      ['out-bridge-port-list', R.OUT_BLIST, b.outBlist],
    ] as const) {
      rare(prop, bit, (s) => {
        const l = cx.ifListNames.indexOf(s);
        if (l < 0) return `no interface list named ${s}`;
        col[r] = l;
        return undefined;
      });
    }
    rare('tos', R.TOS, (s) => {
      const m = /^(\d{1,3})(?:\/(\d{1,3}))?$/.exec(s);
      const val = Number(m?.[1]);
      const mask = m?.[2] === undefined ? 255 : Number(m[2]);
      if (m === null || val > 255 || mask > 255) return 'expected value[/mask], 0..255';
      b.tosVal[r] = val & mask;
      b.tosMask[r] = mask;
      return undefined;
    });
    rare(
      'ipv4-options',
      R.IPV4_OPTIONS,
      (s) => {
        const code = (IPOPT as Record<string, number>)[s.toUpperCase().replace(/-/g, '_')];
        if (code === undefined) return 'unknown option';
        b.ipOpts[r] = code;
        return undefined;
      },
      false,
    );
    for (const [prop, bit, col] of [
      ['priority', R.PRIORITY, b.prio],
      ['ingress-priority', R.INGRESS_PRIORITY, b.ingressPrio],
    ] as const) {
      rare(prop, bit, (s) => {
        if (!/^\d{1,2}$/.test(s) || Number(s) > 63) return 'expected 0..63';
        col[r] = Number(s);
        return undefined;
      });
    }
    rare(
      'ipsec-policy',
      R.IPSEC,
      (s) => {
        const m = /^(in|out),(ipsec|none)$/.exec(s);
        if (m === null) return 'expected in|out,ipsec|none';
        b.ipsec[r] = m[2] === 'ipsec' ? 1 : 0;
        return undefined;
      },
      false,
    );
    rare('time', R.TIME, (s) => {
      const t = parseTimeWindow(s);
      if (typeof t === 'string') return t;
      b.timeFrom[r] = t.from;
      b.timeTo[r] = t.to;
      b.timeDays[r] = t.days;
      return undefined;
    });
    rare(
      'connection-bytes',
      R.CONN_BYTES,
      (s) => {
        const x = parseCountRange(s);
        if (typeof x === 'string') return x;
        b.cbytesLo[r] = x[0];
        b.cbytesHi[r] = x[1];
        return undefined;
      },
      false,
    );
    rare('connection-rate', R.CONN_RATE, (s) => {
      const x = parseCountRange(s);
      if (typeof x === 'string') return x;
      if (x[0] > 4294967295 || (x[1] !== Infinity && x[1] > 4294967295)) return 'bounds are 0..4294967295';
      b.crateLo[r] = x[0];
      b.crateHi[r] = x[1];
      return undefined;
    });
    rare('connection-limit', R.CONN_LIMIT, (s) => {
      const m = /^(\d+),(\d{1,2})$/.exec(s);
      if (m === null || Number(m[2]) > 32) return 'expected count,prefix-length (0..32)';
      b.climCount[r] = Number(m[1]);
      b.climLen[r] = Number(m[2]);
      return undefined;
    });
    rare('content', R.CONTENT, (s) => {
      const bytes = new TextEncoder().encode(s);
      b.contentAt[r] = b.pat.length;
      b.contentLen[r] = bytes.length;
      for (const x of bytes) b.pat.push(x);
      return undefined;
    });
    rare('tls-host', R.TLS_HOST, (s) => {
      const bytes = new TextEncoder().encode(s.toLowerCase());
      b.tlsAt[r] = b.pat.length;
      b.tlsLen[r] = bytes.length;
      for (const x of bytes) b.pat.push(x);
      return undefined;
    });
    rare('layer7-protocol', R.LAYER7, (s) => {
      const k = cx.layer7Names.indexOf(s);
      if (k < 0) return `no layer7-protocol named ${s}`;
      if (k > 30) return 'flowplane evaluates at most 31 layer7 protocols';
      b.l7[r] = k;
      return undefined;
    });
    rare(
      'dst-limit',
      R.DST_LIMIT,
      (s) => {
        const d = parseDstLimit(s);
        if (typeof d === 'string') return d;
        b.dlRate[r] = d.rate;
        b.dlBurst[r] = d.burst;
        b.dlMode[r] = d.mode;
        b.dlExpire[r] = d.expire;
        return undefined;
      },
      false,
    );
    rare(
      'psd',
      R.PSD,
      (s) => {
        const m = /^(\d+),([^,]+),(\d+),(\d+)$/.exec(s);
        const delay = m === null ? undefined : parseTime(m[2]!);
        if (m === null || delay === undefined || !delay.ok) return 'expected WeightThreshold,DelayThreshold,LowPortWeight,HighPortWeight';
        b.psdWeight[r] = Number(m[1]);
        b.psdDelay[r] = delay.value / 1000;
        b.psdLo[r] = Number(m[3]);
        b.psdHi[r] = Number(m[4]);
        return undefined;
      },
      false,
    );
    rare('connection-type', R.CTYPE, (s) => {
      // Helpers flowplane runs (conntrack/table.ts HELPER_NAMES); the others are reported.
      const code = (HELPER_NAMES as readonly string[]).indexOf(s);
      if (code <= 0) return `the ${s} helper is not implemented yet`;
      b.ctype[r] = code;
      return undefined;
    });
    rare('per-connection-classifier', R.PCC, (s) => {
      const m = /^([a-z-]+):(\d{1,10})\/(\d{1,10})$/.exec(s);
      const fields = m === null ? undefined : PCC_FIELDS[m[1]!];
      if (m === null || fields === undefined) return 'expected fields:denominator/remainder';
      const den = Number(m[2]);
      const rem = Number(m[3]);
      if (den < 1 || den > 0x7fffffff || rem >= den) return 'expected 1 <= denominator and remainder < denominator';
      b.pccFields[r] = fields;
      b.pccDen[r] = den;
      b.pccRem[r] = rem;
      return undefined;
    });
    for (const prop of NOT_YET) if (given(prop) !== undefined) problem(`${prop} is not evaluated by flowplane yet`);

    // ---- action ----
    const actionName = v('action') ?? 'accept';
    const code = (ACTION_NAMES as readonly string[]).indexOf(actionName === 'sniff-pc' ? 'sniff-tzsp' : actionName);
    if (code < 0) problem(`action=${actionName} is not known`);
    b.action[r] = code < 0 ? A.PASSTHROUGH : code;
    if ((v('log') ?? 'no') === 'yes' || code === A.LOG) b.log[r] = 1;
    if (v('passthrough') === 'no') b.passthrough[r] = 0;
    if (code === A.JUMP) {
      const target = given('jump-target');
      if (target === undefined) problem('action=jump needs jump-target');
      else b.jump[r] = chainOf(target);
    }
    if (code === A.REJECT) b.rejectWith[r] = REJECT_CODES[v('reject-with') ?? 'icmp-network-unreachable'] ?? REJECT_CODES['icmp-network-unreachable']!;
    if (code === A.ADD_SRC_LIST || code === A.ADD_DST_LIST) {
      const list = given('address-list');
      if (list === undefined) problem(`action=${actionName} needs address-list`);
      else b.addList[r] = cx.lists.id(list) - 1;
      const to = v('address-list-timeout') ?? 'none-dynamic';
      if (to === 'none-dynamic' || to === 'none-static') b.addTimeout[r] = Infinity;
      else {
        const p = parseTime(to);
        if (p.ok) b.addTimeout[r] = p.value / 1000;
        else problem(`address-list-timeout=${to}: ${p.error}`);
      }
    }
    if (code === A.MARK_CONNECTION) b.newMark[r] = cx.marks.id(given('new-connection-mark') ?? '');
    if (code === A.MARK_PACKET) b.newMark[r] = cx.marks.id(given('new-packet-mark') ?? '');
    if (code === A.MARK_ROUTING) {
      const name = given('new-routing-mark') ?? '';
      const c = cx.opts.routingMark ? cx.opts.routingMark(name) : cx.routingMarks.id(name);
      if (c === undefined) problem(`new-routing-mark=${name}: no such routing table`);
      else b.newMark[r] = c;
    }
    if (code === A.CHANGE_TTL) {
      const m = /^(set|increment|decrement):(\d{1,3})$/.exec(given('new-ttl') ?? '');
      if (m === null) problem('action=change-ttl needs new-ttl=set|increment|decrement:N');
      else {
        b.modOp[r] = m[1] === 'set' ? 0 : m[1] === 'increment' ? 1 : 2;
        b.modVal[r] = Number(m[2]);
      }
    }
    if (code === A.CHANGE_DSCP) {
      const d = given('new-dscp') ?? '';
      if (!/^\d{1,2}$/.test(d) || Number(d) > 63) problem(`new-dscp=${d}: only 0..63 is evaluated`);
      else b.modVal[r] = Number(d);
    }
    if (code === A.CHANGE_MSS) {
      const s = given('new-mss') ?? '';
      if (s === 'clamp-to-pmtu') b.modVal[r] = 0;
      else if (/^\d{1,5}$/.test(s) && Number(s) <= 65535) b.modVal[r] = Number(s);
      else problem(`new-mss=${s}: expected a number or clamp-to-pmtu`);
    }
    if (code === A.SET_PRIORITY) {
      const s = given('new-priority') ?? '';
      const from = { 'from-dscp': PRIO_FROM.DSCP, 'from-ingress': PRIO_FROM.INGRESS, 'from-dscp-high-3-bits': PRIO_FROM.DSCP_HIGH_3_BITS }[s];
      if (from !== undefined) b.modVal[r] = from;
      else if (/^\d{1,2}$/.test(s) && Number(s) <= 63) b.modVal[r] = Number(s);
      else problem(`new-priority=${s}: expected 0..63, from-dscp, from-ingress or from-dscp-high-3-bits`);
    }
    if (code === A.ROUTE) {
      const s = given('route-dst') ?? '';
      const p = parseIpv4Spec(s);
      if (!p.ok || p.value.kind !== 'prefix' || p.value.prefix.length !== 32) problem(`route-dst=${s}: expected an IPv4 address`);
      else b.modVal[r] = p.value.prefix.network | 0;
      const ch = v('chain') ?? '';
      if (BUILTIN_CHAINS[table].includes(ch) && ch !== 'prerouting') problem('action=route works in the prerouting chain only');
    }
    if (code >= A.SRC_NAT) {
      const to = given('to-addresses');
      if (to !== undefined) {
        const p = parseIpv4Spec(to);
        if (!p.ok) problem(`to-addresses=${to}: ${p.error}`);
        else {
          const [a, z] = specRange(p.value);
          b.toAddrLo[r] = biasIp(a);
          b.toAddrHi[r] = biasIp(z);
        }
      }
      const tp = given('to-ports');
      if (tp !== undefined) {
        const p = parseIntRange(tp, { min: 0, max: 65535 });
        if (!p.ok) problem(`to-ports=${tp}: ${p.error}`);
        else {
          b.toPortLo[r] = p.value.from;
          b.toPortHi[r] = p.value.to;
        }
      }
      b.natFlags[r] = (v('randomise-ports') === 'yes' ? 1 : 0) | (v('same-not-by-dst') === 'yes' ? 2 : 0);
    }
  });
  // Chain rule lists (after every chain name is known: jump targets may name chains with no rules).
  const chainLists: number[][] = chainNames.map(() => []);
  for (let r = 0; r < n; r++) chainLists[ruleChain[r]!]!.push(r);
  const chainRules = chainLists.map((l) => Int32Array.from(l));
  const table0 = {
    ...b.cols,
    n,
    ids: b.ids,
    comments: b.comments,
    chainNames,
    chainRules,
    chainIndex: [] as FwTable['chainIndex'],
    portLo: Uint16Array.from(b.ports.filter((_, k) => k % 2 === 0)),
    portHi: Uint16Array.from(b.ports.filter((_, k) => k % 2 === 1)),
    patBytes: Uint8Array.from(b.pat),
    logPrefix: b.logPrefix,
  };
  const ifCount = cx.ifs.names.length;
  const chainIndex = chainRules.map((rules) => buildClassifier(table0, rules, ifMember, ifCount));
  return { ...table0, chainIndex };
}

/** Compile the IPv4 firewall of a store. */
export function compileFirewall(store: ConfigStore, ifs: InterfaceIndex, opts: FirewallOptions = {}): CompiledFirewall {
  const { names: ifListNames, member } = compileInterfaceLists(store, ifs);
  const lists = new Interner();
  const problems: FirewallProblem[] = [];
  // /ip firewall layer7-protocol: names and regexps, by index (rules keep the index).
  const layer7Names: string[] = [];
  const layer7: string[] = [];
  const l7t = store.table('/ip firewall layer7-protocol');
  for (const item of l7t?.items ?? []) {
    const name = l7t!.value(item, 'name');
    if (name === undefined || layer7Names.includes(name)) continue;
    layer7Names.push(name);
    const re = l7t!.value(item, 'regexp') ?? '';
    layer7.push(re);
    try {
      l7RegExp(re);
    } catch {
      problems.push({ table: 'filter', id: idText(item.id), message: `layer7-protocol ${name}: regexp does not compile; rules using it never match` });
    }
  }
  const cx: Ctx = { layer7Names, ifs, ifListNames, lists, marks: new Interner(4095), routingMarks: new Interner(), opts, problems };
  // Static address-list entries (list ids first, so they are stable across rule edits).
  const staticAddresses: { list: number; lo: number; hi: number; timeout: number }[] = [];
  const at = store.table('/ip firewall address-list');
  for (const item of at?.items ?? []) {
    if (at!.disabled(item) || item.dynamic) continue;
    const list = at!.value(item, 'list');
    const addr = at!.value(item, 'address');
    if (list === undefined || addr === undefined) continue;
    const id = lists.id(list) - 1;
    const e = addressEntry(id, addr, item.values.get('timeout'));
    if (e === null) {
      cx.problems.push({ table: 'filter', id: idText(item.id), message: `address-list entry ${addr}: DNS names are not resolved by flowplane` });
      continue;
    }
    staticAddresses.push(e);
  }
  const raw = compileTable(store, 'raw', cx, member);
  const filter = compileTable(store, 'filter', cx, member);
  const mangle = compileTable(store, 'mangle', cx, member);
  const nat = compileTable(store, 'nat', cx, member);
  return {
    raw,
    filter,
    mangle,
    nat,
    ifLists: member,
    ifCount: ifs.names.length,
    ifListNames,
    addressListNames: lists.names.slice(1),
    markNames: cx.marks.names,
    staticAddresses,
    layer7,
    anyRule: raw.n + filter.n + mangle.n + nat.n > 0,
    conntrack: compileConntrackSettings(store),
    problems: cx.problems,
  };
}

/**
 * One configured address-list entry as the dataplane holds it (list id, address range, timeout in seconds
 * or Infinity); null for what flowplane cannot load (a DNS name). Also used to add entries to a running
 * flow without recompiling (control/instance/live-router.ts).
 */
export function addressEntry(list: number, address: string, timeout: string | undefined): { list: number; lo: number; hi: number; timeout: number } | null {
  const p = parseIpv4Spec(address);
  if (!p.ok) return null;
  const [lo, hi] = specRange(p.value);
  const tp = timeout === undefined ? undefined : parseTime(timeout);
  return { list, lo, hi, timeout: tp?.ok ? tp.value / 1000 : Infinity };
}

/** A router's address lists, loaded with the configured entries (timeouts counted from `now`). */
export function loadAddressLists(fw: CompiledFirewall, now: number): AddressLists {
  const al = new AddressLists(Math.max(1024, fw.staticAddresses.length * 2));
  for (const e of fw.staticAddresses) al.add(e.list, e.lo, e.hi, now + e.timeout, false);
  return al;
}
