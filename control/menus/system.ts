/**
 * Menu schemas: `/system identity`, MetaRouter (`/metarouter`, `/metarouter interface`) and the tools flowplane
 * models (`/tool sniffer`, `/tool traffic-generator` settings).
 *
 * MetaRouter is a RouterOS v3/v4 feature (ROUTEROS-FLOW §10): each `/metarouter` item is an isolated guest
 * router; `type=dynamic` interfaces create host `vifN` links (optionally joined to dynamic-bridge).
 */
import { IFACE, list, mac, size } from './interface';
import { bool, int, menu, oneOf, raw, ref, str, time, type MenuSpec, type PropSpec, type ValueType } from './schema';

const identity = menu({
  path: '/system identity',
  kind: 'single',
  doc: 'The router name (prompt, neighbour discovery)',
  props: [{ name: 'name', type: str(), default: 'MikroTik', doc: 'router identity' }],
});

// ---------------------------------------------------------------------------------------------------------
// MetaRouter

const metarouter = menu({
  path: '/metarouter',
  key: 'name',
  doc: 'MetaRouter guests: isolated router instances on this host',
  props: [
    { name: 'name', type: str(), required: true, doc: 'guest name' },
    { name: 'memory-size', type: raw(/^\d+(?:MiB)?$/, 'a memory size in MiB like 32 or 32MiB'), doc: 'guest RAM in MiB' },
    { name: 'disk-size', type: raw(/^\d+(?:[kK]iB)?$/, 'a disk size in KiB like 32000 or 0kiB'), default: '0', doc: 'guest disk in KiB; 0 = grows as needed' },
    { name: 'used-disk', type: str(), readOnly: true, doc: 'disk space the guest uses' },
    { name: 'state', type: str(), readOnly: true, doc: 'running when enabled' },
  ],
  columns: ['name', 'memory-size', 'disk-size', 'used-disk', 'state'],
  unique: [['name']],
  verbs: ['console', 'start', 'shut-down', 'reboot', 'import-image', 'export-image'],
});

const metarouterInterface = menu({
  path: '/metarouter interface',
  doc: 'Links between the host and MetaRouter guests (dynamic = host vifN interface)',
  props: [
    { name: 'virtual-machine', type: ref('/metarouter'), required: true, doc: 'the guest' },
    { name: 'type', type: oneOf('static', 'dynamic'), default: 'dynamic', doc: 'static = a host interface handed to the guest; dynamic = a new vifN link' },
    { name: 'static-interface', type: IFACE(), doc: 'host interface given to the guest (type=static)' },
    { name: 'dynamic-bridge', type: ref('/interface bridge'), doc: 'bridge the host end (vifN) of a dynamic link joins' },
    { name: 'vm-mac-address', type: mac(), doc: 'MAC address inside the guest' },
    { name: 'dynamic-mac-address', type: mac(), doc: 'MAC address of the host end (vifN)' },
    { name: 'interface', type: str(), readOnly: true, doc: 'the host end of a dynamic link (vifN)' },
  ],
  columns: ['virtual-machine', 'type', 'interface', 'static-interface', 'dynamic-bridge'],
  check: (get) => {
    const errs: string[] = [];
    if (get('type') === 'static' && !get('static-interface')) errs.push('type=static needs static-interface');
    if (get('type') === 'dynamic' && get('static-interface')) errs.push('static-interface is only used with type=static');
    return errs;
  },
});

// ---------------------------------------------------------------------------------------------------------
// /tool sniffer

/** A filter entry, optionally negated with `!` (the sniffer's filter-* lists). */
const notOr = (src: string, expect: string): ValueType => raw(new RegExp(`^!?(?:${src})$`), `${expect}, optionally negated with !`);
const IP4 = String.raw`\d{1,3}(?:\.\d{1,3}){3}(?:\/\d{1,2})?`;
const IP6 = String.raw`[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*(?:\/\d{1,3})?`;
const MAC = String.raw`[0-9A-Fa-f]{1,2}(?::[0-9A-Fa-f]{1,2}){5}(?:\/[0-9A-Fa-f]{1,2}(?::[0-9A-Fa-f]{1,2}){5})?`;
const NAME_OR_NUM = String.raw`[a-z][a-z0-9.-]*|0x[0-9a-fA-F]+|\d+`;
const RANGE = String.raw`\d+(?:-\d+)?`;

function filterProps(): PropSpec[] {
  const f = (name: string, of: ValueType, doc?: string): PropSpec => ({ name, type: list(of), default: '', ...(doc ? { doc } : {}) });
  const ip4 = notOr(IP4, 'an IPv4 address or prefix');
  const ip6 = notOr(IP6, 'an IPv6 address or prefix');
  const macs = notOr(MAC, 'a MAC address (or MAC/MASK)');
  const port = notOr(`${NAME_OR_NUM}|${RANGE}`, 'a port or service name');
  return [
    f('filter-interface', ref('/interface', 'all'), 'capture only on these interfaces'),
    f('filter-ip-address', ip4, 'source or destination IPv4 address/prefix'),
    f('filter-src-ip-address', ip4),
    f('filter-dst-ip-address', ip4),
    f('filter-ipv6-address', ip6, 'source or destination IPv6 address/prefix'),
    f('filter-src-ipv6-address', ip6),
    f('filter-dst-ipv6-address', ip6),
    f('filter-mac-address', macs, 'source or destination MAC'),
    f('filter-src-mac-address', macs),
    f('filter-dst-mac-address', macs),
    f('filter-mac-protocol', notOr(NAME_OR_NUM, 'an ethertype name or number'), 'ethertype (ip, arp, ipv6, vlan...)'),
    f('filter-ip-protocol', notOr(NAME_OR_NUM, 'an IP protocol name or number'), 'IP protocol (tcp, udp, icmp...)'),
    f('filter-port', port, 'source or destination port'),
    f('filter-src-port', port),
    f('filter-dst-port', port),
    f('filter-vlan', notOr(String.raw`\d{1,4}`, 'a VLAN ID'), 'VLAN ID'),
    f('filter-cpu', notOr(String.raw`\d+`, 'a CPU number')),
    f('filter-size', notOr(RANGE, 'a frame size or range'), 'frame size or range'),
  ];
}

const sniffer = menu({
  path: '/tool sniffer',
  kind: 'single',
  doc: 'Packet sniffer settings (start, stop, save, quick)',
  props: [
    { name: 'file-name', type: str(), default: '', doc: 'save captured packets to this file (pcap)' },
    { name: 'file-limit', type: size(), default: '1000KiB', doc: 'maximum file size' },
    { name: 'memory-limit', type: size(), default: '100KiB', doc: 'memory buffer for captured packets' },
    { name: 'memory-scroll', type: bool(), default: 'yes', doc: 'overwrite the oldest packets when the buffer is full' },
    { name: 'only-headers', type: bool(), default: 'no', doc: 'keep only packet headers' },
    { name: 'max-packet-size', type: int(0, 65535), default: '2048', doc: 'bytes kept of each packet' },
    { name: 'streaming-enabled', type: bool(), default: 'no', doc: 'stream packets to streaming-server (TZSP)' },
    { name: 'streaming-server', type: raw(/^(?:\d{1,3}(?:\.\d{1,3}){3}|[0-9A-Fa-f:]*:[0-9A-Fa-f:]*)(?::\d{1,5})?$/, 'an address, optionally :port'), default: '0.0.0.0:37008', doc: 'TZSP receiver address[:port]' },
    { name: 'filter-stream', type: bool(), default: 'no', doc: 'leave the stream to streaming-server out of the capture' },
    ...filterProps(),
    { name: 'filter-direction', type: oneOf('any', 'rx', 'tx'), default: 'any', doc: 'capture received, sent or both' },
    { name: 'filter-operator-between-entries', type: oneOf('or', 'and'), default: 'or', doc: 'how entries of one filter list combine' },
    { name: 'quick-rows', type: int(1, 1000), default: '20' },
    { name: 'quick-show-frame', type: bool(), default: 'no' },
    { name: 'running', type: bool(), readOnly: true },
  ],
  verbs: ['start', 'stop', 'save', 'quick'],
});

const trafficGenerator = menu({
  path: '/tool traffic-generator',
  kind: 'single',
  doc: 'Traffic generator settings (streams, ports and templates are in submenus)',
  props: [
    { name: 'test-id', type: int(0, 255), default: '0', doc: 'id carried in generated packets to tell tests apart' },
    { name: 'measure-out-of-order', type: bool(), default: 'no', doc: 'count out-of-order received packets' },
    { name: 'latency-distribution-max', type: time(), default: '100us', doc: 'upper bound of the latency histogram' },
    { name: 'stats-samples-to-keep', type: int(1, 10000), default: '100', doc: 'statistics history length' },
    { name: 'running', type: bool(), readOnly: true },
  ],
  verbs: ['start', 'stop', 'quick', 'inject', 'inject-pcap'],
});

export const MENUS: MenuSpec[] = [identity, metarouter, metarouterInterface, sniffer, trafficGenerator];
