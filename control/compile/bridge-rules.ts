/**
 * `/interface bridge filter` and `/interface bridge nat` → BridgeRules (dataplane/stages/bridge-rules.ts:
 * typed-array columns, one row per rule, rows of a chain contiguous), once per configuration.
 *
 * - Enabled rules in table order. filter's built-in chains are input, forward, output; nat's are dstnat and
 *   srcnat; any other `chain=` (and any `jump-target`) is a user chain of its own table (`filter:x`,
 *   `nat:x`): a chain name used as a jump target but holding no rule is an empty chain (a jump to it returns
 *   at once).
 * - Interfaces: `in-/out-interface` name a bridge port (its port number) — an interface that is no port
 *   never matches; `in-/out-bridge` a bridge. Interface lists become rows of `listMember` over ports and
 *   bridges (control/compile/bridge.ts resolveInterfaceLists).
 * - Values: MACs with optional `/MASK`; mac-protocol names (ip, arp, ipv6, vlan, service-vlan, pppoe,
 *   pppoe-discovery, rarp, ipx, lldp, mpls-unicast, mpls-multicast, homeplug-av, loop-protect) or numbers;
 *   `length` and `802.2` match an 802.3 length field; IP protocol names or numbers; ports `n` or `a-b`;
 *   ARP opcode names or numbers; packet marks interned (`no-mark` = 0).
 * - A rule with something flowplane does not evaluate (limit, stp-*, 802.3-*, src-/dst-address6,
 *   ingress-priority, tls-host, arp-hardware-type, arp-packet-type, mac-protocol packing-compr /
 *   packing-simple, an unknown name) is compiled INACTIVE (never matches) and named in `warnings`; so is
 *   action set-priority's priority (the rule still counts and passes through).
 */
import type { ConfigStore, Item, MenuTable } from '../store/store';
import { idText } from '../store/store';
import { ipv4Parse } from '../../dataplane/wire/ipv4';
import {
  BR_CHAIN_BUILTIN,
  BrAction,
  BrMac,
  BrMatch,
  BrPacketType,
  BrRuleFlag,
  MAC_PROTO_LENGTH,
  type BridgeRules,
} from '../../dataplane/stages/bridge-rules';
import type { InterfaceIndex } from './interfaces';
import { macWords } from './bridge';

export const MAC_PROTOCOL_NUMBERS: Readonly<Record<string, number>> = {
  ip: 0x0800,
  arp: 0x0806,
  rarp: 0x8035,
  ipv6: 0x86dd,
  ipx: 0x8137,
  vlan: 0x8100,
  'service-vlan': 0x88a8,
  pppoe: 0x8864,
  'pppoe-discovery': 0x8863,
  lldp: 0x88cc,
  'mpls-unicast': 0x8847,
  'mpls-multicast': 0x8848,
  'homeplug-av': 0x88e1,
  'loop-protect': 0x9003,
  length: MAC_PROTO_LENGTH,
  '802.2': MAC_PROTO_LENGTH,
};

const IP_PROTOCOLS: Readonly<Record<string, number>> = {
  icmp: 1, igmp: 2, ggp: 3, 'ip-encap': 4, st: 5, tcp: 6, egp: 8, pup: 12, udp: 17, hmp: 20, 'xns-idp': 22, rdp: 27,
  'iso-tp4': 29, dccp: 33, xtp: 36, ddp: 37, 'idpr-cmtp': 38, ipv6: 41, 'ipv6-route': 43, 'ipv6-frag': 44, rsvp: 46,
  gre: 47, 'ipsec-esp': 50, 'ipsec-ah': 51, 'icmpv6': 58, 'ipv6-nonxt': 59, 'ipv6-opts': 60, rspf: 73, vmtp: 81, ospf: 89,
  ipip: 94, etherip: 97, encap: 98, pim: 103, vrrp: 112, l2tp: 115, sctp: 132, 'udp-lite': 136,
};

const ARP_OPCODES: Readonly<Record<string, number>> = {
  request: 1, reply: 2, 'request-reverse': 3, 'reply-reverse': 4, 'drarp-request': 5, 'drarp-reply': 6, 'drarp-error': 7,
  'inarp-request': 8, 'inarp-reply': 9, 'arp-nak': 10,
};

const PACKET_TYPES: Readonly<Record<string, number>> = {
  host: BrPacketType.HOST,
  broadcast: BrPacketType.BROADCAST,
  multicast: BrPacketType.MULTICAST,
  'other-host': BrPacketType.OTHER_HOST,
};

const ACTIONS: Readonly<Record<string, number>> = {
  accept: BrAction.ACCEPT,
  drop: BrAction.DROP,
  jump: BrAction.JUMP,
  return: BrAction.RETURN,
  passthrough: BrAction.PASSTHROUGH,
  log: BrAction.LOG,
  'mark-packet': BrAction.MARK_PACKET,
  'set-priority': BrAction.SET_PRIORITY,
  'dst-nat': BrAction.DST_NAT,
  'src-nat': BrAction.SRC_NAT,
  redirect: BrAction.REDIRECT,
  'arp-reply': BrAction.ARP_REPLY,
};

/** Matchers flowplane does not evaluate: a rule using one is inactive. */
const UNSUPPORTED = [
  'limit', 'src-address6', 'dst-address6', 'ingress-priority', 'tls-host', 'arp-hardware-type', 'arp-packet-type',
  '802.3-sap', '802.3-type', 'stp-type', 'stp-flags', 'stp-root-priority', 'stp-root-address', 'stp-root-cost',
  'stp-sender-priority', 'stp-sender-address', 'stp-port', 'stp-msg-age', 'stp-max-age', 'stp-hello-time', 'stp-forward-delay',
];

export interface BridgeRuleContext {
  readonly ifs: InterfaceIndex;
  readonly portIf: Int32Array;
  readonly nPorts: number;
  readonly bridgeIf: Int32Array;
  readonly lists: Map<string, Set<number>>;
}

export interface CompiledBridgeRules {
  readonly rules: BridgeRules;
  /** Rules compiled inactive or partly (`filter *3: limit is not evaluated ...`). */
  readonly warnings: string[];
}

interface Row {
  table: 'filter' | 'nat';
  item: Item;
  t: MenuTable;
  chain: number;
}

/** Compile the bridge firewall (see the module comment). */
export function compileBridgeRules(store: ConfigStore, cx: BridgeRuleContext): CompiledBridgeRules {
  const warnings: string[] = [];
  const chainNames: string[] = [...BR_CHAIN_BUILTIN];
  const chainNo = new Map<string, number>(BR_CHAIN_BUILTIN.map((c, i) => [(i < 3 ? 'filter:' : 'nat:') + c, i]));
  const chainOf = (table: 'filter' | 'nat', name: string): number => {
    const key = `${table}:${name}`;
    let c = chainNo.get(key);
    if (c === undefined) {
      c = chainNames.length;
      chainNames.push(key);
      chainNo.set(key, c);
    }
    return c;
  };
  const rows: Row[] = [];
  for (const table of ['filter', 'nat'] as const) {
    const t = store.table(`/interface bridge ${table}`);
    for (const item of t?.items ?? []) {
      if (t!.disabled(item)) continue;
      rows.push({ table, item, t: t!, chain: chainOf(table, t!.value(item, 'chain') ?? '') });
    }
  }
  // Jump targets name chains too (possibly empty ones).
  for (const r of rows) if (r.t.value(r.item, 'action') === 'jump') chainOf(r.table, r.t.value(r.item, 'jump-target') ?? '');
  // Stable sort by chain: rows of a chain stay in table order.
  const order = rows.map((r, i) => ({ r, i })).sort((a, b) => a.r.chain - b.r.chain || a.i - b.i).map((x) => x.r);
  const nChains = chainNames.length;
  const chainStart = new Int32Array(nChains + 1);
  for (const r of order) chainStart[r.chain + 1]!++;
  for (let c = 0; c < nChains; c++) chainStart[c + 1]! += chainStart[c]!;

  const n = order.length;
  const nb = cx.bridgeIf.length;
  const vports = cx.nPorts + nb;
  const portOfIf = new Map<number, number>();
  cx.portIf.forEach((i, p) => {
    if (i >= 0) portOfIf.set(i, p);
  });
  cx.bridgeIf.forEach((i, b) => portOfIf.set(i, cx.nPorts + b));
  const bridgeVport = new Map<number, number>(Array.from(cx.bridgeIf, (i, b) => [i, cx.nPorts + b]));
  const listNo = new Map<string, number>();
  const listRows: Uint8Array[] = [];
  const listOf = (name: string): number => {
    let l = listNo.get(name);
    if (l === undefined) {
      l = listRows.length;
      const row = new Uint8Array(vports);
      for (const i of cx.lists.get(name) ?? []) {
        const vp = portOfIf.get(i);
        if (vp !== undefined) row[vp] = 1;
      }
      listRows.push(row);
      listNo.set(name, l);
    }
    return l;
  };
  const markNo = new Map<string, number>([['no-mark', 0]]);
  const markNames = ['no-mark'];
  const mark = (name: string): number => {
    let k = markNo.get(name);
    if (k === undefined) {
      k = markNames.length;
      markNames.push(name);
      markNo.set(name, k);
    }
    return k;
  };

  const R = {
    id: new Int32Array(n),
    action: new Uint8Array(n),
    flags: new Uint8Array(n),
    jump: new Int32Array(n).fill(-1),
    match: new Int32Array(n),
    neg: new Int32Array(n),
    inIf: new Int32Array(n),
    outIf: new Int32Array(n),
    inBridge: new Int32Array(n),
    outBridge: new Int32Array(n),
    inList: new Int32Array(n),
    outList: new Int32Array(n),
    inBridgeList: new Int32Array(n),
    outBridgeList: new Int32Array(n),
    macHi: new Int32Array(n * 4),
    macLo: new Int32Array(n * 4),
    maskHi: new Int32Array(n * 4),
    maskLo: new Int32Array(n * 4),
    macProto: new Int32Array(n),
    packetType: new Uint8Array(n),
    vlanId: new Uint16Array(n),
    vlanPrio: new Uint8Array(n),
    vlanEncap: new Uint16Array(n),
    ipProto: new Uint8Array(n),
    srcAddr: new Int32Array(n),
    srcMask: new Int32Array(n),
    dstAddr: new Int32Array(n),
    dstMask: new Int32Array(n),
    srcPortLo: new Uint16Array(n),
    srcPortHi: new Uint16Array(n),
    dstPortLo: new Uint16Array(n),
    dstPortHi: new Uint16Array(n),
    arpOp: new Uint16Array(n),
    arpSrc: new Int32Array(n),
    arpSrcMask: new Int32Array(n),
    arpDst: new Int32Array(n),
    arpDstMask: new Int32Array(n),
    packetMark: new Uint16Array(n),
    newMark: new Uint16Array(n),
    toMac: new Uint8Array(n * 6),
  };
  const text: string[] = [];
  const logPrefix: string[] = [];
  let usesPacketType = false;

  order.forEach((row, r) => {
    const { item, t, table } = row;
    const v = (k: string) => t.value(item, k);
    const comment = item.values.get('comment');
    const name = `${table} ${idText(item.id)}`;
    text.push(`${name}${comment ? ` "${comment}"` : ''}`);
    logPrefix.push(v('log-prefix') ?? '');
    R.id[r] = item.id;
    let inactive = false;
    const warn = (why: string) => {
      warnings.push(`${name}: ${why}`);
    };
    const action = ACTIONS[v('action') ?? 'accept'];
    if (action === undefined) {
      warn(`action ${v('action')} is not evaluated: the rule never matches`);
      inactive = true;
    } else R.action[r] = action;
    if (action === BrAction.JUMP) R.jump[r] = chainOf(table, v('jump-target') ?? '');
    if (action === BrAction.MARK_PACKET) {
      R.newMark[r] = mark(v('new-packet-mark') ?? 'no-mark');
      if (v('passthrough') === 'no') R.flags[r]! |= BrRuleFlag.STOP;
    }
    if (action === BrAction.SET_PRIORITY) warn('set-priority: flowplane keeps no priority, the rule only counts and passes through');
    if (v('log') === 'yes') R.flags[r]! |= BrRuleFlag.LOG;
    const macTarget = action === BrAction.DST_NAT ? 'to-dst-mac-address' : action === BrAction.SRC_NAT ? 'to-src-mac-address' : action === BrAction.ARP_REPLY ? 'to-arp-reply-mac-address' : undefined;
    if (macTarget !== undefined) {
      const w = macWords(v(macTarget) ?? '');
      if (w === undefined) {
        warn(`${macTarget} missing or unreadable: the rule never matches`);
        inactive = true;
      } else {
        const o = r * 6;
        R.toMac[o] = w[0] >>> 8;
        R.toMac[o + 1] = w[0] & 0xff;
        R.toMac[o + 2] = w[1] >>> 24;
        R.toMac[o + 3] = (w[1] >>> 16) & 0xff;
        R.toMac[o + 4] = (w[1] >>> 8) & 0xff;
        R.toMac[o + 5] = w[1] & 0xff;
      }
    }
    for (const k of UNSUPPORTED) {
      if (item.values.has(k)) {
        warn(`${k} is not evaluated: the rule never matches`);
        inactive = true;
      }
    }
    if (item.values.has('arp-gratuitous')) {
      R.match[r]! |= BrMatch.ARP_GRATUITOUS;
      if (item.values.get('arp-gratuitous') === 'no') R.neg[r]! |= BrMatch.ARP_GRATUITOUS;
    }

    /** Each present matcher: its bit, its negation, and the value parsed by `set` (false: unreadable). */
    const m = (prop: string, bit: number, set: (val: string) => boolean) => {
      const raw = item.values.get(prop);
      if (raw === undefined) return;
      const negated = raw.startsWith('!');
      const val = negated ? raw.slice(1) : raw;
      if (!set(val)) {
        warn(`${prop}=${raw} is not understood: the rule never matches`);
        inactive = true;
        return;
      }
      R.match[r]! |= bit;
      if (negated) R.neg[r]! |= bit;
    };
    const port = (name: string) => {
      const i = cx.ifs.byName.get(name);
      return i === undefined ? -2 : (portOfIf.get(i) ?? -2);
    };
    const bridge = (name: string) => {
      const i = cx.ifs.byName.get(name);
      return i === undefined ? -2 : (bridgeVport.get(i) ?? -2);
    };
    m('in-interface', BrMatch.IN_IF, (x) => ((R.inIf[r] = port(x)), true));
    m('out-interface', BrMatch.OUT_IF, (x) => ((R.outIf[r] = port(x)), true));
    m('in-bridge', BrMatch.IN_BRIDGE, (x) => ((R.inBridge[r] = bridge(x)), true));
    m('out-bridge', BrMatch.OUT_BRIDGE, (x) => ((R.outBridge[r] = bridge(x)), true));
    m('in-interface-list', BrMatch.IN_LIST, (x) => ((R.inList[r] = listOf(x)), true));
    m('out-interface-list', BrMatch.OUT_LIST, (x) => ((R.outList[r] = listOf(x)), true));
    m('in-bridge-list', BrMatch.IN_BRIDGE_LIST, (x) => ((R.inBridgeList[r] = listOf(x)), true));
    m('out-bridge-list', BrMatch.OUT_BRIDGE_LIST, (x) => ((R.outBridgeList[r] = listOf(x)), true));
    const macMatch = (slot: number) => (x: string) => {
      const [a, mk] = x.split('/');
      const w = macWords(a ?? '');
      const k = mk === undefined ? ([0xffff, 0xffffffff] as [number, number]) : macWords(mk);
      if (w === undefined || k === undefined) return false;
      const j = r * 4 + slot;
      R.maskHi[j] = k[0];
      R.maskLo[j] = k[1] | 0;
      R.macHi[j] = w[0] & k[0];
      R.macLo[j] = (w[1] & k[1]) | 0;
      return true;
    };
    m('src-mac-address', BrMatch.SRC_MAC, macMatch(BrMac.SRC));
    m('dst-mac-address', BrMatch.DST_MAC, macMatch(BrMac.DST));
    m('arp-src-mac-address', BrMatch.ARP_SRC_MAC, macMatch(BrMac.ARP_SRC));
    m('arp-dst-mac-address', BrMatch.ARP_DST_MAC, macMatch(BrMac.ARP_DST));
    const ethertype = (x: string): number | undefined => {
      const k = MAC_PROTOCOL_NUMBERS[x.toLowerCase()];
      if (k !== undefined) return k;
      const num = /^0x[0-9a-f]{1,4}$/i.test(x) ? parseInt(x, 16) : /^\d{1,5}$/.test(x) ? Number(x) : NaN;
      return Number.isInteger(num) && num >= 0 && num <= 0xffff ? num : undefined;
    };
    m('mac-protocol', BrMatch.MAC_PROTO, (x) => {
      const e = ethertype(x);
      if (e === undefined) return false;
      R.macProto[r] = e;
      return true;
    });
    m('vlan-encap', BrMatch.VLAN_ENCAP, (x) => {
      const e = ethertype(x);
      if (e === undefined || e < 0) return false;
      R.vlanEncap[r] = e;
      return true;
    });
    m('packet-type', BrMatch.PACKET_TYPE, (x) => {
      const k = PACKET_TYPES[x];
      if (k === undefined) return false;
      R.packetType[r] = k;
      usesPacketType = true;
      return true;
    });
    const int = (x: string, max: number) => (/^\d+$/.test(x) && Number(x) <= max ? Number(x) : undefined);
    m('vlan-id', BrMatch.VLAN_ID, (x) => {
      const k = int(x, 4095);
      if (k !== undefined) R.vlanId[r] = k;
      return k !== undefined;
    });
    m('vlan-priority', BrMatch.VLAN_PRIO, (x) => {
      const k = int(x, 7);
      if (k !== undefined) R.vlanPrio[r] = k;
      return k !== undefined;
    });
    m('ip-protocol', BrMatch.IP_PROTO, (x) => {
      const k = IP_PROTOCOLS[x] ?? int(x, 255);
      if (k !== undefined) R.ipProto[r] = k;
      return k !== undefined;
    });
    const prefix = (x: string): [number, number] | undefined => {
      const [a, l] = x.split('/');
      const ip = ipv4Parse(a ?? '');
      const len = l === undefined ? 32 : Number(l);
      if (ip < 0 || !Number.isInteger(len) || len < 0 || len > 32) return undefined;
      const mask = len === 0 ? 0 : (0xffffffff << (32 - len)) | 0;
      return [ip & mask, mask];
    };
    const addr = (a: Int32Array, mk: Int32Array) => (x: string) => {
      const p = prefix(x);
      if (p === undefined) return false;
      a[r] = p[0];
      mk[r] = p[1];
      return true;
    };
    m('src-address', BrMatch.SRC_ADDR, addr(R.srcAddr, R.srcMask));
    m('dst-address', BrMatch.DST_ADDR, addr(R.dstAddr, R.dstMask));
    m('arp-src-address', BrMatch.ARP_SRC, addr(R.arpSrc, R.arpSrcMask));
    m('arp-dst-address', BrMatch.ARP_DST, addr(R.arpDst, R.arpDstMask));
    const ports = (lo: Uint16Array, hi: Uint16Array) => (x: string) => {
      const p = /^(\d+)(?:-(\d+))?$/.exec(x);
      if (!p) return false;
      const a = Number(p[1]);
      const b = p[2] === undefined ? a : Number(p[2]);
      if (a > 65535 || b > 65535 || a > b) return false;
      lo[r] = a;
      hi[r] = b;
      return true;
    };
    m('src-port', BrMatch.SRC_PORT, ports(R.srcPortLo, R.srcPortHi));
    m('dst-port', BrMatch.DST_PORT, ports(R.dstPortLo, R.dstPortHi));
    m('arp-opcode', BrMatch.ARP_OP, (x) => {
      const k = ARP_OPCODES[x] ?? int(x, 65535);
      if (k !== undefined) R.arpOp[r] = k;
      return k !== undefined;
    });
    m('packet-mark', BrMatch.PACKET_MARK, (x) => ((R.packetMark[r] = mark(x)), true));
    if (inactive) R.flags[r]! |= BrRuleFlag.INACTIVE;
  });

  let needs = 0;
  for (let r = 0; r < n; r++) {
    needs |= R.match[r]!;
    if (R.action[r] === BrAction.ARP_REPLY) needs |= BrMatch.ARP_OP;
  }
  const listMember = new Uint8Array(listRows.length * vports);
  listRows.forEach((row, l) => listMember.set(row, l * vports));
  return {
    rules: { count: n, chainStart, chainNames, ...R, listMember, vports, usesPacketType, needs, text, logPrefix, markNames },
    warnings,
  };
}
