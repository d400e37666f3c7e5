/**
 * Menu schemas: interfaces and layer 2 — `/interface ethernet`, `/interface bridge` (+ port, vlan, host, filter,
 * nat, settings), `/interface vlan`, `/interface list` (+ member).
 *
 * Property names, types and defaults follow RouterOS v7 (`/export verbose` of 7.2x routers and the CLI
 * reference). Hardware-only properties (PoE, SFP, switch chip) are left out: a command that uses one fails as an
 * unknown property, as it does on a RouterOS device without that hardware (CHR/x86).
 *
 * Interface names are one namespace across the interface menus (registry INTERFACE_KINDS): `ref('/interface')`
 * names any of them. The built-in interface lists `all`, `none`, `dynamic` and `static` are dynamic items in
 * RouterOS, never exported; here they are literal words accepted where a list is named (`LIST_REF`).
 *
 * The small value-type helpers at the top are shared with ip.ts, routing.ts and system.ts.
 */
import { bool, int, intHex, menu, oneOf, raw, ref, str, time, type ItemCheck, type MenuSpec, type PropSpec, type ValueType } from './schema';

// ---------------------------------------------------------------------------------------------------------
// Value-type helpers (shared with the other l2/l3 schema files)

export const mac = (): ValueType => ({ t: 'mac' });
export const ip4 = (): ValueType => ({ t: 'ip4' });
export const ip4Prefix = (bareIsHost = false): ValueType => ({ t: 'ip4-prefix', ...(bareIsHost ? { bareIsHost } : {}) });
export const ip6Prefix = (): ValueType => ({ t: 'ip6-prefix' });
export const size = (): ValueType => ({ t: 'size' });
export const intRange = (min?: number, max?: number): ValueType => ({ t: 'int-range', ...(min !== undefined ? { min } : {}), ...(max !== undefined ? { max } : {}) });
export const list = (of: ValueType): ValueType => ({ t: 'list', of });

/** RouterOS time text (`1d2h`, `500ms`, `30`, `00:05:00`), as a regexp source for `raw` patterns. */
export const TIME_SRC = String.raw`(?:\d+(?:\.\d+)?(?:ms|us|w|d|h|m|s))+|\d+(?:\.\d+)?|(?:\d+[wd])*\s?\d+:\d{1,2}(?::\d{1,2})?`;
const escapeWords = (words: string[]) => words.map((w) => w.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|');

/** An integer (decimal or 0x hex) or one of the words (`mtu=auto`, `horizon=none`). Range is not checked. */
export const intOr = (...words: string[]): ValueType => raw(new RegExp(`^(?:${escapeWords(words)}|0x[0-9a-fA-F]+|\\d+)$`), `an integer or ${words.join(', ')}`);
/** A time or one of the words (`arp-timeout=auto`). */
export const timeOr = (...words: string[]): ValueType => raw(new RegExp(`^(?:${escapeWords(words)}|${TIME_SRC})$`), `a time (like 30s or 5m) or ${words.join(', ')}`);
/** Words RouterOS accepts as a name token (interface-like names without blanks or commas). */
export const word = (expect = 'a name'): ValueType => raw(/^[^\s,]+$/, expect);
/** A value that may also be empty (`pref-src=""` as `/export verbose` prints an unset address). */
export const orEmpty = (pattern: RegExp, expect: string): ValueType => raw(new RegExp(`^(?:${pattern.source})?$`), `${expect} (or empty)`);

const MAC_SRC = String.raw`[0-9A-Fa-f]{1,2}(?::[0-9A-Fa-f]{1,2}){5}`;
/** `MAC` or `MAC/MASK` (bridge firewall matchers). */
export const macMask = (): ValueType => raw(new RegExp(`^${MAC_SRC}(?:/${MAC_SRC})?$`), 'a MAC address or MAC/MASK like 01:80:C2:00:00:00/FF:FF:FF:FF:FF:F0');

/** Any interface (ethernet, bridge, vlan... names are unique across `/interface`). */
export const IFACE = (): ValueType => ref('/interface');
/** An interface list, including the built-in dynamic lists. */
export const LIST_REF = (): ValueType => ref('/interface list', ...BUILTIN_LISTS);
export const BUILTIN_LISTS = ['all', 'none', 'dynamic', 'static'];

/** Pick the value of a property as a list (empty when unset). */
const listOf = (v: string | undefined): string[] => (v === undefined || v === '' ? [] : v.split(','));

// ---------------------------------------------------------------------------------------------------------
// Properties shared by the interface kinds

const ARP_MODES = ['enabled', 'disabled', 'proxy-arp', 'reply-only', 'local-proxy-arp'];

/** arp, arp-timeout. */
export function arpProps(): PropSpec[] {
  return [
    { name: 'arp', type: oneOf(...ARP_MODES), default: 'enabled', doc: 'ARP mode: enabled, disabled, proxy-arp, reply-only, local-proxy-arp' },
    { name: 'arp-timeout', type: timeOr('auto'), default: 'auto', doc: 'ARP entry timeout; auto = /ip settings arp-timeout' },
  ];
}

/** loop-protect, loop-protect-disable-time, loop-protect-send-interval (ethernet, vlan). */
function loopProtectProps(): PropSpec[] {
  return [
    { name: 'loop-protect', type: oneOf('default', 'on', 'off'), default: 'default', doc: 'loop protection (default = off except on some port kinds)' },
    { name: 'loop-protect-disable-time', type: time(), default: '5m', doc: 'how long the interface stays disabled after a loop is detected' },
    { name: 'loop-protect-send-interval', type: time(), default: '5s', doc: 'interval of loop-protect frames' },
    { name: 'loop-protect-status', type: oneOf('off', 'on', 'disabled'), readOnly: true },
  ];
}

/** Interface names are unique across all interface menus; RouterOS picks one when add leaves it out. */
const NAME: PropSpec = { name: 'name', type: str() };

// ---------------------------------------------------------------------------------------------------------
// /interface ethernet

const ethernet = menu({
  path: '/interface ethernet',
  kind: 'fixed',
  key: 'name',
  fixedKey: 'default-name',
  doc: 'Ethernet ports (ether1..N exist by themselves; renamed and tuned with set)',
  fixedItems: (count) => Array.from({ length: count }, (_, i) => ({ name: `ether${i + 1}`, 'default-name': `ether${i + 1}` })),
  props: [
    { ...NAME, doc: 'interface name (defaults to default-name)' },
    { name: 'default-name', type: str(), readOnly: true, doc: 'the name the port had at first boot (etherN)' },
    { name: 'mtu', type: int(0, 65535), default: '1500', doc: 'layer 3 MTU in bytes' },
    { name: 'l2mtu', type: int(0, 65535), doc: 'layer 2 MTU (hardware dependent)' },
    { name: 'mac-address', type: mac(), doc: 'MAC address the port uses (defaults to orig-mac-address)' },
    { name: 'orig-mac-address', type: mac(), readOnly: true, doc: 'factory MAC address' },
    ...arpProps(),
    { name: 'auto-negotiation', type: bool(), default: 'yes', doc: 'negotiate speed and duplex with the link partner' },
    { name: 'advertise', type: list(word('a link mode like 1G-baseT-full')), doc: 'link modes advertised when auto-negotiating' },
    { name: 'speed', type: word('a link speed like 100Mbps or 1G-baseT-full'), doc: 'forced speed when auto-negotiation=no' },
    { name: 'full-duplex', type: bool(), default: 'yes', doc: 'forced duplex when auto-negotiation=no' },
    { name: 'rx-flow-control', type: oneOf('off', 'on', 'auto'), default: 'off', doc: 'honour received pause frames' },
    { name: 'tx-flow-control', type: oneOf('off', 'on', 'auto'), default: 'off', doc: 'send pause frames' },
    { name: 'bandwidth', type: raw(/^(?:unlimited|\d+(?:\.\d+)?[kKMG]?)\/(?:unlimited|\d+(?:\.\d+)?[kKMG]?)$/, 'rx/tx rates like unlimited/unlimited or 100M/100M'), default: 'unlimited/unlimited', doc: 'port rate limit rx/tx (switch ports)' },
    ...loopProtectProps(),
    { name: 'disable-running-check', type: bool(), default: 'yes', doc: 'x86: report the port running regardless of link state' },
    { name: 'running', type: bool(), readOnly: true },
    { name: 'slave', type: bool(), readOnly: true },
  ],
  columns: ['name', 'mtu', 'mac-address', 'arp'],
  unique: [['name']],
  verbs: ['monitor', 'reset-counters', 'reset-mac-address', 'blink', 'cable-test'],
});

// ---------------------------------------------------------------------------------------------------------
// /interface bridge

const FRAME_TYPES = ['admit-all', 'admit-only-untagged-and-priority-tagged', 'admit-only-vlan-tagged'];

const bridge = menu({
  path: '/interface bridge',
  key: 'name',
  doc: 'Software bridges (MAC learning, STP, VLAN filtering)',
  props: [
    { ...NAME, doc: 'interface name (RouterOS names an unnamed bridge bridge1, bridge2...)' },
    { name: 'mtu', type: intOr('auto'), default: 'auto', doc: 'layer 3 MTU; auto = lowest MTU of the ports' },
    ...arpProps(),
    { name: 'admin-mac', type: mac(), doc: 'static bridge MAC, used when auto-mac=no' },
    { name: 'auto-mac', type: bool(), default: 'yes', doc: 'take the MAC of a port (first ethernet) as the bridge MAC' },
    { name: 'ageing-time', type: time(), default: '5m', doc: 'how long a learned host stays in the FDB' },
    { name: 'protocol-mode', type: oneOf('none', 'stp', 'rstp', 'mstp'), default: 'rstp', doc: 'spanning tree protocol (flowplane accepts it and runs no STP: every port forwards)' },
    { name: 'priority', type: intHex(0, 65535), default: '0x8000', doc: 'STP bridge priority' },
    { name: 'max-message-age', type: time(), default: '20s', doc: 'STP max age' },
    { name: 'forward-delay', type: time(), default: '15s', doc: 'STP forward delay' },
    { name: 'transmit-hold-count', type: int(1, 10), default: '6', doc: 'STP BPDU transmit hold count' },
    { name: 'region-name', type: str(), doc: 'MSTP region name' },
    { name: 'region-revision', type: int(0, 65535), default: '0', doc: 'MSTP region revision' },
    { name: 'max-hops', type: int(6, 40), default: '20', doc: 'MSTP max hops' },
    { name: 'port-cost-mode', type: oneOf('long', 'short'), default: 'long', doc: 'STP path cost convention' },
    { name: 'vlan-filtering', type: bool(), default: 'no', doc: 'enable VLAN-aware forwarding (/interface bridge vlan)' },
    { name: 'ether-type', type: oneOf('0x8100', '0x88a8', '0x9100'), default: '0x8100', doc: 'TPID of the tags the bridge handles' },
    { name: 'pvid', type: int(1, 4094), default: '1', doc: "the bridge interface's own untagged VLAN" },
    { name: 'frame-types', type: oneOf(...FRAME_TYPES), default: 'admit-all', doc: 'frames the bridge interface accepts from the bridge' },
    { name: 'ingress-filtering', type: bool(), default: 'yes', doc: 'drop frames of VLANs the bridge interface is not a member of' },
    { name: 'fast-forward', type: bool(), default: 'yes', doc: 'fast forwarding between exactly two ports' },
    { name: 'igmp-snooping', type: bool(), default: 'no', doc: 'IGMP/MLD snooping' },
    { name: 'igmp-version', type: oneOf('2', '3'), default: '2' },
    { name: 'mld-version', type: oneOf('1', '2'), default: '1' },
    { name: 'multicast-router', type: oneOf('disabled', 'temporary-query', 'permanent'), default: 'temporary-query' },
    { name: 'multicast-querier', type: bool(), default: 'no' },
    { name: 'dhcp-snooping', type: bool(), default: 'no', doc: 'DHCP snooping (trusted ports only answer)' },
    { name: 'add-dhcp-option82', type: bool(), default: 'no', doc: 'add DHCP option 82 when snooping' },
    { name: 'dhcp-agent-circuit-id', type: str() },
    { name: 'dhcp-agent-remote-id', type: str() },
    { name: 'dhcpv6-snooping', type: bool(), default: 'no' },
    { name: 'ra-guard', type: bool(), default: 'no' },
    { name: 'mvrp', type: bool(), default: 'no', doc: 'Multiple VLAN Registration Protocol' },
    { name: 'max-learned-entries', type: intOr('auto', 'unlimited'), default: 'auto', doc: 'FDB size limit' },
    { name: 'mac-address', type: mac(), readOnly: true, doc: 'current bridge MAC' },
    { name: 'actual-mtu', type: int(), readOnly: true },
    { name: 'l2mtu', type: int(), readOnly: true },
    { name: 'running', type: bool(), readOnly: true },
  ],
  columns: ['name', 'mtu', 'mac-address', 'protocol-mode', 'vlan-filtering'],
  unique: [['name']],
  verbs: ['monitor'],
});

// ---------------------------------------------------------------------------------------------------------
// /interface bridge port

const bridgePortCheck: ItemCheck = (get) => {
  const errs: string[] = [];
  if (get('interface') !== undefined && get('interface') === get('bridge')) errs.push(`a bridge cannot be a port of itself (interface=${get('interface')})`);
  return errs;
};

const bridgePort = menu({
  path: '/interface bridge port',
  doc: 'Interfaces enslaved to a bridge, with per-port VLAN and flooding settings',
  props: [
    { name: 'bridge', type: ref('/interface bridge'), required: true, doc: 'the bridge this port belongs to' },
    { name: 'interface', type: IFACE(), required: true, doc: 'the port (an interface; RouterOS also accepts an interface list)' },
    { name: 'horizon', type: intOr('none'), default: 'none', doc: 'split horizon group: ports with the same number never forward to each other' },
    { name: 'pvid', type: int(1, 4094), default: '1', doc: 'VLAN given to untagged and priority-tagged frames received' },
    { name: 'frame-types', type: oneOf(...FRAME_TYPES), default: 'admit-all', doc: 'which frames the port accepts (vlan-filtering=yes)' },
    { name: 'ingress-filtering', type: bool(), default: 'yes', doc: 'drop received frames of VLANs the port is not a member of' },
    { name: 'tag-stacking', type: bool(), default: 'no', doc: 'always add a pvid tag, even to tagged frames (Q-in-Q)' },
    { name: 'learn', type: oneOf('auto', 'yes', 'no'), default: 'auto', doc: 'learn source MACs on this port' },
    { name: 'unknown-unicast-flood', type: bool(), default: 'yes', doc: 'send unknown unicast out of this port' },
    { name: 'unknown-multicast-flood', type: bool(), default: 'yes', doc: 'send unknown multicast out of this port' },
    { name: 'broadcast-flood', type: bool(), default: 'yes', doc: 'send broadcast out of this port' },
    { name: 'edge', type: oneOf('auto', 'yes', 'no', 'yes-discover', 'no-discover'), default: 'auto', doc: 'STP edge port' },
    { name: 'point-to-point', type: oneOf('auto', 'yes', 'no'), default: 'auto', doc: 'STP point-to-point link' },
    { name: 'path-cost', type: int(1, 200000000), doc: 'STP path cost (unset = computed from link speed)' },
    { name: 'internal-path-cost', type: int(1, 200000000), doc: 'MSTP internal path cost (unset = computed)' },
    { name: 'priority', type: intHex(0, 240), default: '0x80', doc: 'STP port priority' },
    { name: 'hw', type: bool(), default: 'yes', doc: 'allow hardware offloading' },
    { name: 'trusted', type: bool(), default: 'no', doc: 'DHCP snooping: trust DHCP servers on this port' },
    { name: 'trusted-ra', type: bool(), default: 'no' },
    { name: 'trusted-dhcpv6', type: bool(), default: 'no' },
    { name: 'auto-isolate', type: bool(), default: 'no' },
    { name: 'bpdu-guard', type: bool(), default: 'no' },
    { name: 'restricted-role', type: bool(), default: 'no' },
    { name: 'restricted-tcn', type: bool(), default: 'no' },
    { name: 'fast-leave', type: bool(), default: 'no' },
    { name: 'multicast-router', type: oneOf('disabled', 'temporary-query', 'permanent'), default: 'temporary-query' },
    { name: 'mvrp-applicant-state', type: oneOf('normal-participant', 'non-participant'), default: 'normal-participant' },
    { name: 'mvrp-registrar-state', type: oneOf('normal', 'fixed'), default: 'normal' },
    { name: 'status', type: oneOf('inactive', 'in-bridge', 'disabled'), readOnly: true },
    { name: 'role', type: oneOf('disabled-port', 'root-port', 'designated-port', 'alternate-port', 'backup-port'), readOnly: true },
    { name: 'hw-offload', type: bool(), readOnly: true },
  ],
  columns: ['interface', 'bridge', 'hw', 'pvid', 'priority', 'path-cost', 'horizon'],
  unique: [['interface']],
  check: bridgePortCheck,
  verbs: ['monitor'],
});

// ---------------------------------------------------------------------------------------------------------
// /interface bridge settings

const bridgeSettings = menu({
  path: '/interface bridge settings',
  kind: 'single',
  doc: 'Global bridge settings (IP firewall for bridged traffic, fast path)',
  props: [
    { name: 'use-ip-firewall', type: bool(), default: 'no', doc: 'pass bridged IPv4 through the IP firewall' },
    { name: 'use-ip-firewall-for-vlan', type: bool(), default: 'no', doc: 'also for VLAN-tagged frames' },
    { name: 'use-ip-firewall-for-pppoe', type: bool(), default: 'no', doc: 'also for PPPoE frames' },
    { name: 'allow-fast-path', type: bool(), default: 'yes', doc: 'allow bridge fast path' },
    { name: 'bridge-fast-path-active', type: bool(), readOnly: true },
    { name: 'bridge-fast-path-packets', type: int(), readOnly: true },
    { name: 'bridge-fast-path-bytes', type: int(), readOnly: true },
    { name: 'bridge-fast-forward-packets', type: int(), readOnly: true },
    { name: 'bridge-fast-forward-bytes', type: int(), readOnly: true },
  ],
});

// ---------------------------------------------------------------------------------------------------------
// /interface bridge vlan

const bridgeVlanCheck: ItemCheck = (get) => {
  const tagged = new Set(listOf(get('tagged')));
  const both = listOf(get('untagged')).filter((i) => tagged.has(i));
  return both.length ? [`${both.join(',')}: an interface cannot be both tagged and untagged in one VLAN entry`] : [];
};

const bridgeVlan = menu({
  path: '/interface bridge vlan',
  doc: 'VLAN membership of bridge ports (vlan-filtering=yes)',
  props: [
    { name: 'bridge', type: ref('/interface bridge'), required: true, doc: 'the bridge' },
    { name: 'vlan-ids', type: list(intRange(1, 4094)), required: true, doc: 'VLAN IDs and ranges: 10,20-29' },
    { name: 'tagged', type: list(IFACE()), doc: 'ports (and the bridge itself) that send these VLANs tagged' },
    { name: 'untagged', type: list(IFACE()), doc: 'ports that send these VLANs untagged' },
    { name: 'mvrp-forbidden', type: list(IFACE()), doc: 'ports where MVRP must not register these VLANs' },
    { name: 'current-tagged', type: list(IFACE()), readOnly: true, doc: 'tagged members in effect (incl. dynamic)' },
    { name: 'current-untagged', type: list(IFACE()), readOnly: true, doc: 'untagged members in effect (incl. dynamic pvid members)' },
  ],
  columns: ['bridge', 'vlan-ids', 'current-tagged', 'current-untagged'],
  check: bridgeVlanCheck,
});

// ---------------------------------------------------------------------------------------------------------
// /interface bridge host

const bridgeHost = menu({
  path: '/interface bridge host',
  doc: 'Bridge forwarding database; static entries are added here (a running router also lists what it learned, flag D)',
  live: 'dynamic',
  props: [
    { name: 'mac-address', type: mac(), required: true, doc: 'host MAC address' },
    { name: 'bridge', type: ref('/interface bridge'), required: true, doc: 'the bridge' },
    { name: 'interface', type: IFACE(), required: true, doc: 'the port the host is reached through' },
    { name: 'vid', type: int(1, 4094), doc: 'VLAN ID (vlan-filtering=yes)' },
    { name: 'on-interface', type: IFACE(), readOnly: true, doc: 'port the entry is on now' },
    { name: 'local', type: bool(), readOnly: true },
    { name: 'external', type: bool(), readOnly: true },
  ],
  columns: ['mac-address', 'vid', 'on-interface', 'bridge'],
  unique: [['bridge', 'mac-address', 'vid']],
});

// ---------------------------------------------------------------------------------------------------------
// /interface bridge filter, /interface bridge nat

const MAC_PROTOCOLS = [
  '802.2', 'arp', 'homeplug-av', 'ip', 'ipv6', 'ipx', 'length', 'lldp', 'loop-protect', 'mpls-multicast', 'mpls-unicast',
  'packing-compr', 'packing-simple', 'pppoe', 'pppoe-discovery', 'rarp', 'service-vlan', 'vlan',
];
const macProtocol = (): ValueType => raw(new RegExp(`^(?:${escapeWords(MAC_PROTOCOLS)}|0x[0-9a-fA-F]{1,4}|\\d{1,5})$`), `an ethertype name (${MAC_PROTOCOLS.join(', ')}) or number like 0x88cc`);
const ARP_OPCODES = ['request', 'reply', 'request-reverse', 'reply-reverse', 'drarp-request', 'drarp-reply', 'drarp-error', 'inarp-request', 'inarp-reply', 'arp-nak'];
const ipProtocol = (): ValueType => raw(/^(?:[a-z][a-z0-9-]*|\d{1,3})$/, 'an IP protocol name (tcp, udp, icmp...) or number');
const n16 = (): ValueType => intRange(0, 65535);

/** Matchers of bridge filter and nat rules (all negatable with `!`). */
function bridgeMatchers(): PropSpec[] {
  const m = (name: string, type: ValueType, doc?: string): PropSpec => ({ name, type, negatable: true, ...(doc ? { doc } : {}) });
  return [
    m('in-interface', IFACE(), 'bridge port the frame came in on'),
    m('out-interface', IFACE(), 'bridge port the frame goes out of'),
    m('in-interface-list', LIST_REF(), 'in-interface is a member of this list'),
    m('out-interface-list', LIST_REF(), 'out-interface is a member of this list'),
    m('in-bridge', ref('/interface bridge'), 'bridge the frame came in through'),
    m('out-bridge', ref('/interface bridge'), 'bridge the frame goes out through'),
    m('in-bridge-list', LIST_REF()),
    m('out-bridge-list', LIST_REF()),
    m('src-mac-address', macMask(), 'source MAC (MAC/MASK)'),
    m('dst-mac-address', macMask(), 'destination MAC (MAC/MASK)'),
    m('mac-protocol', macProtocol(), 'ethertype (ip, arp, ipv6, vlan, 0x88cc...)'),
    m('packet-type', oneOf('host', 'broadcast', 'multicast', 'other-host'), 'destination MAC class'),
    m('src-address', ip4Prefix(true), 'IPv4 source (mac-protocol=ip)'),
    m('dst-address', ip4Prefix(true), 'IPv4 destination (mac-protocol=ip)'),
    m('src-address6', ip6Prefix(), 'IPv6 source (mac-protocol=ipv6)'),
    m('dst-address6', ip6Prefix(), 'IPv6 destination (mac-protocol=ipv6)'),
    m('ip-protocol', ipProtocol(), 'IP protocol (mac-protocol=ip or ipv6)'),
    m('src-port', n16(), 'TCP/UDP source port or range'),
    m('dst-port', n16(), 'TCP/UDP destination port or range'),
    m('packet-mark', str(), 'packet mark set by bridge or IP firewall'),
    m('ingress-priority', int(0, 63)),
    m('vlan-id', int(0, 4095), 'VLAN ID (mac-protocol=vlan)'),
    m('vlan-priority', int(0, 7), 'VLAN priority (mac-protocol=vlan)'),
    m('vlan-encap', macProtocol(), 'ethertype inside the VLAN tag'),
    m('arp-opcode', raw(new RegExp(`^(?:${escapeWords(ARP_OPCODES)}|\\d{1,5})$`), `an ARP opcode (${ARP_OPCODES.join(', ')}) or number`), 'ARP opcode (mac-protocol=arp)'),
    m('arp-hardware-type', int(0, 65535)),
    m('arp-packet-type', int(0, 65535)),
    m('arp-src-address', ip4Prefix(true), 'ARP sender IP'),
    m('arp-dst-address', ip4Prefix(true), 'ARP target IP'),
    m('arp-src-mac-address', macMask(), 'ARP sender MAC'),
    m('arp-dst-mac-address', macMask(), 'ARP target MAC'),
    { name: 'arp-gratuitous', type: bool(), doc: 'match gratuitous ARP' },
    m('802.3-sap', int(0, 0xff)),
    m('802.3-type', int(0, 0xffff)),
    m('stp-type', raw(/^(?:config|tcn|\d{1,3})$/, 'config, tcn or a number')),
    m('stp-flags', raw(/^(?:topology-change|topology-change-ack|\d{1,3})$/, 'topology-change, topology-change-ack or a number')),
    m('stp-root-priority', n16()),
    m('stp-root-address', macMask()),
    m('stp-root-cost', n16()),
    m('stp-sender-priority', n16()),
    m('stp-sender-address', macMask()),
    m('stp-port', n16()),
    m('stp-msg-age', n16()),
    m('stp-max-age', n16()),
    m('stp-hello-time', n16()),
    m('stp-forward-delay', n16()),
    m('tls-host', str(), 'TLS SNI host (glob)'),
    { name: 'limit', type: raw(/^\d+(?:\/[0-9a-z.:]+)?(?:,\d+)?(?::(?:packet|bit))?$/, 'rate[/time],burst[:mode] like 10/1s,5'), doc: 'match up to a rate' },
  ];
}

/** Action-side properties shared by filter and nat. */
function bridgeActionProps(actions: string[]): PropSpec[] {
  return [
    { name: 'chain', type: word('a chain name'), required: true, doc: 'chain of the rule (built-in or user chain)' },
    { name: 'action', type: oneOf(...actions), default: 'accept', doc: `what to do with a matching frame: ${actions.join(', ')}` },
    { name: 'jump-target', type: word('a chain name'), doc: 'chain to jump to (action=jump)' },
    { name: 'new-packet-mark', type: str(), doc: 'packet mark to set (action=mark-packet)' },
    { name: 'new-priority', type: int(0, 63), doc: 'priority to set (action=set-priority)' },
    { name: 'passthrough', type: bool(), doc: 'continue with the next rule after marking' },
    { name: 'log', type: bool(), default: 'no', doc: 'log matching frames' },
    { name: 'log-prefix', type: str(), doc: 'text at the start of log lines' },
  ];
}

const COUNTERS: PropSpec[] = [
  { name: 'bytes', type: int(), readOnly: true },
  { name: 'packets', type: int(), readOnly: true },
];

const FILTER_ACTIONS = ['accept', 'drop', 'jump', 'return', 'passthrough', 'log', 'mark-packet', 'set-priority'];
const NAT_ACTIONS = [...FILTER_ACTIONS, 'arp-reply', 'dst-nat', 'redirect', 'src-nat'];

/** Checks common to bridge filter and nat rules. */
function bridgeRuleCheck(extra?: ItemCheck): ItemCheck {
  return (get) => {
    const errs: string[] = [];
    const action = get('action') ?? 'accept';
    if (action === 'jump' && !get('jump-target')) errs.push('action=jump needs jump-target');
    if (action !== 'jump' && get('jump-target')) errs.push(`jump-target is only meaningful with action=jump (action=${action})`);
    if (action === 'mark-packet' && !get('new-packet-mark')) errs.push('action=mark-packet needs new-packet-mark');
    if (action === 'set-priority' && get('new-priority') === undefined) errs.push('action=set-priority needs new-priority');
    return extra ? [...errs, ...extra(get)] : errs;
  };
}

const bridgeFilter = menu({
  path: '/interface bridge filter',
  ordered: true,
  doc: 'Bridge firewall filter (chains input, forward, output and user chains)',
  props: [...bridgeActionProps(FILTER_ACTIONS), ...bridgeMatchers(), ...COUNTERS],
  columns: ['chain', 'action', 'in-interface', 'out-interface', 'mac-protocol'],
  check: bridgeRuleCheck(),
  verbs: ['reset-counters', 'reset-counters-all'],
});

const bridgeNat = menu({
  path: '/interface bridge nat',
  ordered: true,
  doc: 'Bridge MAC NAT (chains srcnat, dstnat and user chains)',
  props: [
    ...bridgeActionProps(NAT_ACTIONS),
    { name: 'to-src-mac-address', type: mac(), doc: 'new source MAC (action=src-nat)' },
    { name: 'to-dst-mac-address', type: mac(), doc: 'new destination MAC (action=dst-nat)' },
    { name: 'to-arp-reply-mac-address', type: mac(), doc: 'MAC to answer ARP requests with (action=arp-reply)' },
    ...bridgeMatchers(),
    ...COUNTERS,
  ],
  columns: ['chain', 'action', 'in-interface', 'out-interface', 'mac-protocol'],
  check: bridgeRuleCheck((get) => {
    const a = get('action');
    const need: Record<string, string> = { 'src-nat': 'to-src-mac-address', 'dst-nat': 'to-dst-mac-address', 'arp-reply': 'to-arp-reply-mac-address' };
    const p = a === undefined ? undefined : need[a];
    return p !== undefined && !get(p) ? [`action=${a} needs ${p}`] : [];
  }),
  verbs: ['reset-counters', 'reset-counters-all'],
});

// ---------------------------------------------------------------------------------------------------------
// /interface vlan

const vlan = menu({
  path: '/interface vlan',
  key: 'name',
  doc: '802.1Q (or 802.1ad) VLAN interfaces on a parent interface',
  props: [
    { ...NAME, doc: 'interface name (RouterOS names an unnamed VLAN vlan1, vlan2...)' },
    { name: 'interface', type: IFACE(), required: true, doc: 'parent interface (ethernet, bridge, another VLAN for Q-in-Q)' },
    { name: 'vlan-id', type: int(1, 4094), required: true, doc: 'VLAN ID 1..4094' },
    { name: 'mtu', type: int(0, 65535), default: '1500', doc: 'layer 3 MTU' },
    ...arpProps(),
    { name: 'use-service-tag', type: bool(), default: 'no', doc: 'use an 802.1ad service tag (0x88a8)' },
    { name: 'mvrp', type: bool(), default: 'no', doc: 'declare this VLAN with MVRP' },
    ...loopProtectProps(),
    { name: 'l2mtu', type: int(), readOnly: true },
    { name: 'mac-address', type: mac(), readOnly: true, doc: 'MAC of the parent interface' },
    { name: 'running', type: bool(), readOnly: true },
  ],
  columns: ['name', 'mtu', 'arp', 'vlan-id', 'interface'],
  unique: [['name']],
  check: (get) => (get('interface') !== undefined && get('interface') === get('name') ? [`a VLAN interface cannot be its own parent (${get('name')})`] : []),
});

// ---------------------------------------------------------------------------------------------------------
// /interface list, /interface list member

const interfaceList = menu({
  path: '/interface list',
  key: 'name',
  noCommon: true,
  doc: 'Named interface lists (all, none, dynamic, static are built in)',
  props: [
    { name: 'name', type: str(), required: true, doc: 'list name' },
    { name: 'include', type: list(LIST_REF()), doc: 'lists whose members are members of this list' },
    { name: 'exclude', type: list(LIST_REF()), doc: 'lists whose members are removed from this list' },
    { name: 'comment', type: str(), doc: 'free-form description' },
    { name: 'builtin', type: bool(), readOnly: true },
    { name: 'dynamic', type: bool(), readOnly: true },
  ],
  columns: ['name', 'include', 'exclude'],
  unique: [['name']],
  check: (get) => {
    const n = get('name');
    return n !== undefined && BUILTIN_LISTS.includes(n) ? [`interface list ${n} already exists (built-in list)`] : [];
  },
});

const interfaceListMember = menu({
  path: '/interface list member',
  doc: 'Static members of interface lists',
  props: [
    { name: 'list', type: ref('/interface list'), required: true, doc: 'the list' },
    { name: 'interface', type: IFACE(), required: true, doc: 'the member interface' },
    { name: 'dynamic', type: bool(), readOnly: true },
  ],
  columns: ['list', 'interface'],
  unique: [['list', 'interface']],
});

export const MENUS: MenuSpec[] = [
  bridge,
  ethernet,
  vlan,
  interfaceList,
  bridgePort,
  bridgeSettings,
  bridgeVlan,
  bridgeHost,
  bridgeFilter,
  bridgeNat,
  interfaceListMember,
];

