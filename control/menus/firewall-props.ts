/**
 * The firewall rule property catalogue shared by `/ip firewall {filter,nat,mangle,raw}` and
 * `/ipv6 firewall {filter,nat,mangle,raw}`, plus the address-list menu both families have.
 *
 * A rule menu is one chain-ordered list whose properties are: `chain`, `action`, the parameters of the
 * table's actions, the matchers the table supports, and `log`/`log-prefix`. Which of them a table has
 * follows the RouterOS v7 CLI reference (manual.mikrotik.com/docs/cli-reference/ip/firewall/*) cross-checked
 * with `/export verbose` field lists (ansible community.routeros `_api_data.py`); where the two disagree the
 * property is kept (accepting a property RouterOS might not is the smaller error for an emulator).
 * Semantics: shared/ROUTEROS-FLOW.md §2.
 *
 * Negation: a matcher is `negatable` when the CLI reference types it `super { !, ... }` (the whole value may
 * be written `!value`). `fragment`, `psd`, `ttl`/`hop-limit`, `ipv4-options`, `connection-bytes`, `random`,
 * `dst-limit` and `ipsec-policy` are not. `tcp-flags` and `hotspot` negate item by item (`syn,!ack`), which
 * is a `flags` type with `negItems`.
 */
import type { ItemCheck, MenuSpec, PropSpec, ValueType } from './schema';
import { bool, flags, int, menu, oneOf, raw, ref, str } from './schema';

export type Family = 'ip' | 'ipv6';
export type Table = 'filter' | 'nat' | 'mangle' | 'raw';

export const TABLES: readonly Table[] = ['filter', 'nat', 'mangle', 'raw'];

/** Built-in chains per table (v7: nat has input/output too). Any other chain name is a user chain. */
export const BUILTIN_CHAINS: Readonly<Record<Table, readonly string[]>> = {
  filter: ['input', 'forward', 'output'],
  nat: ['srcnat', 'dstnat', 'input', 'output'],
  mangle: ['prerouting', 'input', 'forward', 'output', 'postrouting'],
  raw: ['prerouting', 'output'],
};

const COMMON_ACTIONS = ['accept', 'add-dst-to-address-list', 'add-src-to-address-list', 'jump', 'log', 'passthrough', 'return'] as const;

/** The actions each table accepts (CLI reference `action` enum per menu). */
export const TABLE_ACTIONS: Readonly<Record<Family, Readonly<Record<Table, readonly string[]>>>> = {
  ip: {
    filter: [...COMMON_ACTIONS, 'drop', 'fasttrack-connection', 'reject', 'tarpit'],
    nat: [...COMMON_ACTIONS, 'dst-nat', 'endpoint-independent-nat', 'masquerade', 'netmap', 'redirect', 'same', 'socksify', 'src-nat'],
    mangle: [
      ...COMMON_ACTIONS,
      'change-dscp',
      'change-mss',
      'change-ttl',
      'clear-df',
      'drop',
      'fasttrack-connection',
      'mark-connection',
      'mark-packet',
      'mark-routing',
      'route',
      'set-priority',
      'sniff-pc',
      'sniff-tzsp',
      'strip-ipv4-options',
    ],
    raw: [...COMMON_ACTIONS, 'drop', 'notrack'],
  },
  ipv6: {
    filter: [...COMMON_ACTIONS, 'drop', 'fasttrack-connection', 'reject'],
    nat: [...COMMON_ACTIONS, 'dst-nat', 'masquerade', 'netmap', 'redirect', 'src-nat'],
    mangle: [
      ...COMMON_ACTIONS,
      'change-dscp',
      'change-hop-limit',
      'change-mss',
      'dnpt',
      'drop',
      'mark-connection',
      'mark-packet',
      'mark-routing',
      'set-priority',
      'sniff-pc',
      'sniff-tzsp',
      'snpt',
    ],
    raw: [...COMMON_ACTIONS, 'drop', 'notrack'],
  },
};

/** `reject-with` values and default per family. */
export const REJECT_WITH: Readonly<Record<Family, { readonly values: readonly string[]; readonly default: string }>> = {
  ip: {
    values: [
      'icmp-network-unreachable',
      'icmp-host-unreachable',
      'icmp-protocol-unreachable',
      'icmp-port-unreachable',
      'icmp-net-prohibited',
      'icmp-host-prohibited',
      'icmp-admin-prohibited',
      'tcp-reset',
    ],
    default: 'icmp-network-unreachable',
  },
  ipv6: {
    values: [
      'icmp-no-route',
      'icmp-admin-prohibited',
      'icmp-not-neighbour',
      'icmp-address-unreachable',
      'icmp-port-unreachable',
      'tcp-reset',
      'icmp-err-src-routing-header',
      'icmp-headers-too-long',
    ],
    // UNCONFIRMED: the manual gives no IPv6 default; the ICMPv6 analogue of the IPv4 default (type 1 code 0).
    default: 'icmp-no-route',
  },
};

// ---------------------------------------------------------------------------------------------------------
// Value syntaxes (first checks; the compiler parses them fully)

const TIME_TEXT = '[0-9][0-9wdhms:.]*';
const RATE_NUM = '\\d+(?:\\.\\d+)?[kKMGT]?';

const P = {
  protocol: /^(?:[a-z][a-z0-9.-]*|25[0-5]|2[0-4]\d|1\d\d|\d?\d)$/,
  icmpOptions: /^\d{1,3}(?::\d{1,3}(?:-\d{1,3})?)?$/,
  connectionBytes: new RegExp(`^${RATE_NUM}(?:-${RATE_NUM})?$`),
  connectionRate: new RegExp(`^${RATE_NUM}(?:-${RATE_NUM})?$`),
  connectionLimit: /^\d+,\d{1,3}$/,
  limit: new RegExp(`^${RATE_NUM}(?:/${TIME_TEXT})?,\\d+[kKMG]?(?::(?:packet|bit))?$`),
  dstLimit: new RegExp(
    `^\\d+(?:/${TIME_TEXT})?,\\d+,(?:dst-address|dst-address-and-port|src-address|src-and-dst-addresses|addresses-and-dst-port)(?:/${TIME_TEXT})?$`,
  ),
  pcc: /^(?:src-address|dst-address|both-addresses|src-port|src-address-and-port|dst-port|dst-address-and-port|both-ports|both-addresses-and-ports):\d+\/\d+$/,
  ttl: /^(?:equal|not-equal|less-than|greater-than):\d{1,3}$/,
  tos: /^\d{1,3}(?:\/\d{1,3})?$/,
  time: new RegExp(`^${TIME_TEXT}-${TIME_TEXT}(?:,(?:sun|mon|tue|wed|thu|fri|sat))*$`),
  nth: /^\d+(?:,\d+)?$/,
  psd: new RegExp(`^\\d+,${TIME_TEXT},\\d+,\\d+$`),
  ipsecPolicy: /^(?:in|out),(?:ipsec|none)$/,
  headers: /^(?:hop|dst|route|frag|ah|esp|none|proto)(?:,(?:hop|dst|route|frag|ah|esp|none|proto))*(?::(?:exact|contains))?$/,
  addressListTimeout: new RegExp(`^(?:none-dynamic|none-static|${TIME_TEXT})$`),
  newTtl: /^(?:set|increment|decrement):\d{1,3}$/,
  newDscp: /^(?:\d{1,2}|from-priority|from-priority-to-high-3-bits)$/,
  newMss: /^(?:\d{1,5}|clamp-to-pmtu)$/,
  newPriority: /^(?:\d{1,2}|from-dscp|from-ingress|from-dscp-high-3-bits)$/,
  ipAny: /^[0-9A-Fa-f.:]+$/,
} as const;

const TCP_FLAGS = ['fin', 'syn', 'rst', 'psh', 'ack', 'urg', 'ece', 'cwr'];
const HOTSPOT = ['from-client', 'auth', 'local-dst', 'to-client', 'http'];
const IPV4_OPTIONS = [
  'any',
  'none',
  'strict-source-routing',
  'loose-source-routing',
  'no-source-routing',
  'record-route',
  'no-record-route',
  'timestamp',
  'no-timestamp',
  'router-alert',
  'no-router-alert',
];
const P2P = ['all-p2p', 'bit-torrent', 'blubster', 'direct-connect', 'edonkey', 'fasttrack', 'gnutella', 'soulseek', 'warez', 'winmx'];
/** Address types. IPv4 keeps v6-era route types (unreachable, prohibit) that old configs still carry. */
const ADDRESS_TYPES: Readonly<Record<Family, readonly string[]>> = {
  ip: ['unicast', 'local', 'broadcast', 'multicast', 'blackhole', 'unreachable', 'prohibit'],
  ipv6: ['unicast', 'local', 'anycast', 'multicast', 'unreachable'],
};
const NAT_STATES: Readonly<Record<Family, readonly string[]>> = {
  ip: ['srcnat', 'dstnat', 'ein-snat', 'ein-dnat'],
  ipv6: ['srcnat', 'dstnat'],
};
const INTERFACE_LIST_ALSO = ['all', 'none', 'dynamic', 'static'];

/** Protocols a port matcher applies to (by name and number). */
export const PORT_PROTOCOLS: readonly string[] = ['tcp', 'udp', 'udp-lite', 'sctp', 'dccp', '6', '17', '136', '132', '33'];

function negFlags(values: readonly string[]): ValueType {
  return { t: 'flags', values, negItems: true };
}

function m(name: string, type: ValueType, doc: string, extra: Partial<PropSpec> = {}): PropSpec {
  return { name, type, doc, negatable: true, ...extra };
}

function p(name: string, type: ValueType, doc: string, extra: Partial<PropSpec> = {}): PropSpec {
  return { name, type, doc, ...extra };
}

/** Every rule property of one family, by name (a table picks its subset). */
function catalogue(family: Family): ReadonlyMap<string, PropSpec> {
  const v6 = family === 'ipv6';
  const addr: ValueType = { t: v6 ? 'ip6-spec' : 'ip4-spec' };
  const list: PropSpec[] = [
    // Rule identity
    p('chain', str(), 'chain the rule belongs to: a built-in chain or a user chain reached by jump', { required: true }),
    p('action', oneOf(...TABLE_ACTIONS[family].filter), 'what to do with a matching packet (set per table)', { default: 'accept' }),

    // Action parameters
    p('jump-target', str(), 'chain to jump to (action=jump)'),
    p('reject-with', oneOf(...REJECT_WITH[family].values), 'ICMP error or TCP reset sent by action=reject', { default: REJECT_WITH[family].default }),
    p('address-list', str(), 'address list filled by add-src-/add-dst-to-address-list'),
    p('address-list-timeout', raw(P.addressListTimeout, 'none-dynamic, none-static or a time'), 'lifetime of added entries', { default: 'none-dynamic' }),
    p('hw-offload', bool(), 'offload fasttracked connections to switch hardware (action=fasttrack-connection)'),
    p('new-connection-mark', str(), 'connection mark set by action=mark-connection'),
    p('new-packet-mark', str(), 'packet mark set by action=mark-packet'),
    p('new-routing-mark', ref('/routing table', 'main'), 'routing table set by action=mark-routing'),
    p('passthrough', bool(), 'continue with the next rule after a mangle action', { default: 'yes' }),
    p('new-ttl', raw(P.newTtl, 'set:N, increment:N or decrement:N'), 'TTL change for action=change-ttl'),
    p('new-hop-limit', raw(P.newTtl, 'set:N, increment:N or decrement:N'), 'hop limit change for action=change-hop-limit'),
    p('new-dscp', raw(P.newDscp, '0..63, from-priority or from-priority-to-high-3-bits'), 'DSCP for action=change-dscp'),
    p('new-mss', raw(P.newMss, 'an MSS (40..65534) or clamp-to-pmtu'), 'MSS for action=change-mss'),
    p('new-priority', raw(P.newPriority, '0..63, from-dscp, from-ingress or from-dscp-high-3-bits'), 'priority for action=set-priority'),
    p('route-dst', { t: 'ip4' }, 'gateway for action=route (prerouting only)'),
    p('sniff-target', v6 ? raw(P.ipAny, 'an IP address') : { t: 'ip4' }, 'TZSP receiver for action=sniff-tzsp'),
    p('sniff-target-port', int(0, 65535), 'TZSP receiver port (37008 is customary)'),
    p('sniff-id', int(0), 'sniffer session id for action=sniff-pc'),
    p('src-prefix', { t: 'ip6-prefix' }, 'inside prefix for action=snpt/dnpt'),
    p('dst-prefix', { t: 'ip6-prefix' }, 'outside prefix for action=snpt/dnpt'),
    p('to-addresses', addr, 'translated address, range or prefix (src-nat, dst-nat, netmap, same)'),
    p('to-ports', { t: 'int-range', min: 0, max: 65535 }, 'translated port or port range'),
    p('same-not-by-dst', bool(), 'action=same: ignore the destination when choosing the address'),
    p('randomise-ports', bool(), 'pick translated ports at random'),
    p('socksify-service', str(), 'SOCKS service for action=socksify'),
    p('socks5-server', { t: 'ip4' }, 'SOCKS5 server for action=socksify'),
    p('socks5-port', int(0, 65535), 'SOCKS5 server port for action=socksify'),

    // Matchers: addresses and interfaces
    m('src-address', addr, 'source address, prefix or range'),
    m('dst-address', addr, 'destination address, prefix or range'),
    m('src-address-list', str(), 'source address is in this address list'),
    m('dst-address-list', str(), 'destination address is in this address list'),
    m('src-address-type', flags(...ADDRESS_TYPES[family]), 'source address type'),
    m('dst-address-type', flags(...ADDRESS_TYPES[family]), 'destination address type'),
    m('protocol', raw(P.protocol, 'a protocol name (tcp, udp, icmp...) or number 0..255'), 'IP protocol'),
    m('src-port', { t: 'ports' }, 'source ports (needs a port protocol)'),
    m('dst-port', { t: 'ports' }, 'destination ports (needs a port protocol)'),
    m('port', { t: 'ports' }, 'either source or destination port (needs a port protocol)'),
    m('in-interface', ref('/interface', 'all'), 'interface the packet came in on'),
    m('out-interface', ref('/interface', 'all'), 'interface the packet leaves by'),
    m('in-interface-list', ref('/interface list', ...INTERFACE_LIST_ALSO), 'interface list the in-interface belongs to'),
    m('out-interface-list', ref('/interface list', ...INTERFACE_LIST_ALSO), 'interface list the out-interface belongs to'),
    m('in-bridge-port', ref('/interface', 'all'), 'bridge port the packet came in on (use-ip-firewall)'),
    m('out-bridge-port', ref('/interface', 'all'), 'bridge port the packet leaves by (use-ip-firewall)'),
    m('in-bridge-port-list', ref('/interface list', ...INTERFACE_LIST_ALSO), 'interface list of the in bridge port'),
    m('out-bridge-port-list', ref('/interface list', ...INTERFACE_LIST_ALSO), 'interface list of the out bridge port'),
    m('src-mac-address', { t: 'mac' }, 'source MAC address'),

    // Matchers: connection tracking
    m('connection-state', flags('established', 'invalid', 'new', 'related', 'untracked'), 'connection tracking state'),
    m('connection-nat-state', flags(...NAT_STATES[family]), 'connection was source- or destination-NATed'),
    m('connection-mark', str(), 'connection mark (no-mark = unmarked)'),
    m('connection-type', oneOf('ftp', 'pptp', 'h323', 'sip', 'irc', 'quake3', 'tftp'), 'related connection of this helper'),
    p('connection-bytes', raw(P.connectionBytes, 'from-to bytes, 0 as upper bound = no limit'), 'bytes transferred by the connection'),
    m('connection-rate', raw(P.connectionRate, 'from-to in bits/s (k/M/G suffixes)'), 'current connection speed'),
    m('connection-limit', raw(P.connectionLimit, 'count,prefix-length'), 'more than count connections per address block'),
    m('layer7-protocol', ref('/ip firewall layer7-protocol'), 'layer 7 pattern from /ip firewall layer7-protocol'),

    // Matchers: marks and routing
    m('packet-mark', str(), 'packet mark (no-mark = unmarked)'),
    m('routing-mark', str(), 'routing mark (no-mark = unmarked)'),
    m('routing-table', ref('/routing table', 'main'), 'routing table the packet was marked for'),
    m('realm', str(), 'routing realm'),

    // Matchers: header fields
    p('tcp-flags', negFlags(TCP_FLAGS), 'TCP flags, each may be negated: syn,!ack'),
    m('tcp-mss', { t: 'int-range', min: 0, max: 65535 }, 'TCP MSS option value or range'),
    m('packet-size', { t: 'int-range', min: 0, max: 65535 }, 'whole IP packet size or range'),
    m('icmp-options', raw(P.icmpOptions, 'type[:code[-code]]'), v6 ? 'ICMPv6 type and code' : 'ICMP type and code'),
    p('ttl', raw(P.ttl, 'equal|not-equal|less-than|greater-than:N'), 'IPv4 TTL comparison'),
    p('hop-limit', raw(P.ttl, 'equal|not-equal|less-than|greater-than:N'), 'IPv6 hop limit comparison'),
    m('headers', raw(P.headers, 'header list with optional :exact or :contains'), 'IPv6 extension headers'),
    m('dscp', int(0, 63), 'DSCP field'),
    m('tos', raw(P.tos, 'value[/mask]'), 'TOS byte'),
    p('fragment', bool(), 'non-first fragment'),
    p('ipv4-options', oneOf(...IPV4_OPTIONS), 'IPv4 header options'),
    m('priority', int(0, 63), 'packet priority (after set-priority)'),
    m('ingress-priority', int(0, 63), 'priority the packet arrived with'),

    // Matchers: payload, rate and misc
    m('content', str(), 'payload contains this text'),
    m('tls-host', str(), 'TLS SNI host name (glob)'),
    m('limit', raw(P.limit, 'rate[/time],burst[:packet|bit]'), 'match up to a rate'),
    p('dst-limit', raw(P.dstLimit, 'rate[/time],burst,mode[/expire]'), 'match up to a rate per flow'),
    m('per-connection-classifier', raw(P.pcc, 'fields:denominator/remainder'), 'hash of the chosen fields modulo denominator equals remainder'),
    m('time', raw(P.time, 'from-to[,day...], e.g. 8h-17h,mon,tue'), 'router local time window'),
    m('nth', raw(P.nth, 'every[,packet]'), 'every nth packet'),
    p('random', int(1, 99), 'match with this probability in percent'),
    p('psd', raw(P.psd, 'WeightThreshold,DelayThreshold,LowPortWeight,HighPortWeight'), 'port scan detection'),
    p('ipsec-policy', raw(P.ipsecPolicy, 'in|out,ipsec|none'), 'whether the packet is subject to IPsec'),
    p('hotspot', negFlags(HOTSPOT), 'HotSpot client matchers'),
    m('p2p', oneOf(...P2P), 'unencrypted P2P protocol (deprecated)'),

    // Logging
    p('log', bool(), 'log matching packets (topic firewall,info) whatever the action', { default: 'no' }),
    p('log-prefix', str(), 'text put in front of log messages', { default: '' }),
  ];
  return new Map(list.map((s) => [s.name, s]));
}

const CATALOGUE: Readonly<Record<Family, ReadonlyMap<string, PropSpec>>> = { ip: catalogue('ip'), ipv6: catalogue('ipv6') };

// ---------------------------------------------------------------------------------------------------------
// Which properties each table has

const ADDRESS_LIST_PARAMS = ['address-list', 'address-list-timeout'];
const LOG = ['log', 'log-prefix'];

/** Matchers every IPv4 table has (raw included: no connection tracking needed). */
const BASE4 = [
  'src-address',
  'dst-address',
  'src-address-list',
  'dst-address-list',
  'src-address-type',
  'dst-address-type',
  'protocol',
  'src-port',
  'dst-port',
  'port',
  'in-interface',
  'out-interface',
  'in-interface-list',
  'out-interface-list',
  'in-bridge-port',
  'out-bridge-port',
  'in-bridge-port-list',
  'out-bridge-port-list',
  'src-mac-address',
  'packet-mark',
  'tcp-mss',
  'packet-size',
  'icmp-options',
  'ttl',
  'dscp',
  'tos',
  'fragment',
  'ipv4-options',
  'priority',
  'ingress-priority',
  'content',
  'tls-host',
  'limit',
  'dst-limit',
  'per-connection-classifier',
  'time',
  'nth',
  'random',
  'psd',
  'ipsec-policy',
  'hotspot',
];
/** Matchers that need connection tracking (not in raw). */
const CONNTRACK4 = ['connection-mark', 'connection-type', 'connection-bytes', 'connection-rate', 'connection-limit', 'layer7-protocol', 'routing-mark', 'realm'];
/** Only where the whole connection is seen (filter, mangle; nat sees only new connections). */
const STATEFUL4 = ['connection-state', 'connection-nat-state', 'routing-table', 'p2p'];

const BASE6 = [
  'src-address',
  'dst-address',
  'src-address-list',
  'dst-address-list',
  'src-address-type',
  'dst-address-type',
  'protocol',
  'src-port',
  'dst-port',
  'port',
  'in-interface',
  'out-interface',
  'in-interface-list',
  'out-interface-list',
  'in-bridge-port',
  'out-bridge-port',
  'in-bridge-port-list',
  'out-bridge-port-list',
  'src-mac-address',
  'packet-mark',
  'tcp-flags',
  'tcp-mss',
  'packet-size',
  'icmp-options',
  'hop-limit',
  'headers',
  'dscp',
  'tos',
  'priority',
  'ingress-priority',
  'content',
  'tls-host',
  'limit',
  'dst-limit',
  'per-connection-classifier',
  'time',
  'nth',
  'random',
  'ipsec-policy',
];
const CONNTRACK6 = ['connection-state', 'connection-mark', 'connection-type', 'connection-bytes', 'connection-rate', 'connection-limit', 'layer7-protocol', 'routing-mark'];

/** Property names per family and table, in print order (chain, action, action parameters, matchers, log). */
export const TABLE_PROPS: Readonly<Record<Family, Readonly<Record<Table, readonly string[]>>>> = {
  ip: {
    filter: ['chain', 'action', 'jump-target', 'reject-with', ...ADDRESS_LIST_PARAMS, 'hw-offload', ...BASE4, 'tcp-flags', ...CONNTRACK4, ...STATEFUL4, ...LOG],
    nat: [
      'chain',
      'action',
      'jump-target',
      'to-addresses',
      'to-ports',
      'same-not-by-dst',
      'randomise-ports',
      'socksify-service',
      'socks5-server',
      'socks5-port',
      ...ADDRESS_LIST_PARAMS,
      ...BASE4,
      ...CONNTRACK4,
      ...LOG,
    ],
    mangle: [
      'chain',
      'action',
      'jump-target',
      'new-connection-mark',
      'new-packet-mark',
      'new-routing-mark',
      'passthrough',
      'new-ttl',
      'new-dscp',
      'new-mss',
      'new-priority',
      'route-dst',
      'sniff-target',
      'sniff-target-port',
      'sniff-id',
      ...ADDRESS_LIST_PARAMS,
      ...BASE4,
      'tcp-flags',
      ...CONNTRACK4,
      ...STATEFUL4,
      ...LOG,
    ],
    raw: ['chain', 'action', 'jump-target', ...ADDRESS_LIST_PARAMS, ...BASE4, 'tcp-flags', ...LOG],
  },
  ipv6: {
    filter: ['chain', 'action', 'jump-target', 'reject-with', ...ADDRESS_LIST_PARAMS, ...BASE6, ...CONNTRACK6, 'connection-nat-state', ...LOG],
    nat: ['chain', 'action', 'jump-target', 'to-addresses', 'to-ports', ...ADDRESS_LIST_PARAMS, ...BASE6, ...CONNTRACK6, ...LOG],
    mangle: [
      'chain',
      'action',
      'jump-target',
      'new-connection-mark',
      'new-packet-mark',
      'new-routing-mark',
      'passthrough',
      'new-hop-limit',
      'new-dscp',
      'new-mss',
      'new-priority',
      'sniff-target',
      'sniff-target-port',
      'sniff-id',
      'src-prefix',
      'dst-prefix',
      ...ADDRESS_LIST_PARAMS,
      ...BASE6,
      ...CONNTRACK6,
      'connection-nat-state',
      ...LOG,
    ],
    raw: ['chain', 'action', 'jump-target', ...ADDRESS_LIST_PARAMS, ...BASE6, ...LOG],
  },
};

/** Columns of `print` for every rule menu (those a table lacks are dropped). */
const RULE_COLUMNS = [
  'chain',
  'action',
  'src-address',
  'dst-address',
  'protocol',
  'src-port',
  'dst-port',
  'in-interface',
  'out-interface',
  'in-interface-list',
  'out-interface-list',
];

/** Parameters an action cannot do without (RouterOS refuses the rule otherwise). */
const REQUIRED_PARAMS: Readonly<Record<string, readonly string[]>> = {
  jump: ['jump-target'],
  'add-src-to-address-list': ['address-list'],
  'add-dst-to-address-list': ['address-list'],
  'mark-connection': ['new-connection-mark'],
  'mark-packet': ['new-packet-mark'],
  'mark-routing': ['new-routing-mark'],
  'change-ttl': ['new-ttl'],
  'change-hop-limit': ['new-hop-limit'],
  'change-dscp': ['new-dscp'],
  'change-mss': ['new-mss'],
  'set-priority': ['new-priority'],
  route: ['route-dst'],
  'sniff-tzsp': ['sniff-target'],
  netmap: ['to-addresses'],
  same: ['to-addresses'],
  snpt: ['src-prefix', 'dst-prefix'],
  dnpt: ['src-prefix', 'dst-prefix'],
};

/**
 * Cross-property checks of a rule: the chain is named, and the action has its parameters. Whether a
 * `jump-target` chain exists, and whether the chain suits the action (masquerade outside srcnat, route
 * outside prerouting), is left to the executor/compiler: it needs the whole table.
 */
export function ruleCheck(family: Family, table: Table): ItemCheck {
  const has = new Set(TABLE_PROPS[family][table]);
  return (get) => {
    const errors: string[] = [];
    const chain = get('chain');
    if (chain !== undefined && chain.trim() === '') errors.push('chain must not be empty');
    const action = get('action') ?? 'accept';
    for (const param of REQUIRED_PARAMS[action] ?? []) {
      if (has.has(param) && (get(param) ?? '') === '') errors.push(`action=${action} requires ${param}`);
    }
    if ((action === 'dst-nat' || action === 'src-nat') && (get('to-addresses') ?? '') === '' && (get('to-ports') ?? '') === '') {
      errors.push(`action=${action} requires to-addresses or to-ports`);
    }
    return errors;
  };
}

/** The schema of `/ip firewall <table>` or `/ipv6 firewall <table>`. */
export function ruleMenu(family: Family, table: Table): MenuSpec {
  const cat = CATALOGUE[family];
  const names = TABLE_PROPS[family][table];
  const props = names.map((n) => {
    const spec = cat.get(n);
    if (spec === undefined) throw new Error(`firewall catalogue has no property ${n}`);
    if (n === 'action') return { ...spec, type: oneOf(...TABLE_ACTIONS[family][table]) };
    return spec;
  });
  const path = `/${family} firewall ${table}`;
  const chains = BUILTIN_CHAINS[table].join(', ');
  return menu({
    path,
    ordered: true,
    props,
    columns: RULE_COLUMNS.filter((c) => names.includes(c)),
    check: ruleCheck(family, table),
    verbs: ['reset-counters', 'reset-counters-all'],
    doc: `${family === 'ip' ? 'IPv4' : 'IPv6'} firewall ${table} rules (built-in chains ${chains}; other chain names are user chains)`,
  });
}

/** The schema of `/ip firewall address-list` or `/ipv6 firewall address-list`. */
export function addressListMenu(family: Family): MenuSpec {
  return menu({
    path: `/${family} firewall address-list`,
    props: [
      { name: 'list', type: str(), required: true, doc: 'name of the list (lists exist by having entries)' },
      // Not required: RouterOS marks only list= mandatory, and real exports carry entries without an address.
      { name: 'address', type: { t: 'address-entry' }, doc: 'address, prefix, range (IPv4) or DNS name' },
      { name: 'timeout', type: { t: 'time' }, doc: 'remove the entry after this time (entry then lives in RAM only)' },
      { name: 'dynamic', type: bool(), default: 'no', doc: 'yes = RAM-only entry, never exported (rule-added entries are dynamic)' },
      { name: 'creation-time', type: str(), readOnly: true, doc: 'when the entry was created' },
    ],
    columns: ['list', 'address', 'creation-time', 'timeout'],
    unique: [['list', 'address']],
    // a running router also lists the entries its rules added (flag D)
    ...(family === 'ip' ? { live: 'dynamic' as const } : {}),
    doc: `${family === 'ip' ? 'IPv4' : 'IPv6'} firewall address lists`,
  });
}
