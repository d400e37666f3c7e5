/**
 * Menu schemas: IPv4 layer 3 — `/ip address`, `/ip arp`, `/ip route`, `/ip vrf`, `/ip settings`, and the
 * router's own services as far as the packet flow needs them (which ports it listens on, compiled by
 * control/compile/ip-settings.ts): `/ip service`, `/ip dns` (settings only; `static`, `cache`... are
 * unsupported submenus) and `/ip neighbor discovery-settings`.
 *
 * RouterOS v7 names and defaults (CLI reference, `/export verbose` of 7.2x). `/ip route` also accepts the v6
 * spellings real configs still carry (`routing-mark`, `type=blackhole|unreachable|prohibit`, `route-cache`
 * in `/ip settings`); the executor decides how to map them (see the property docs).
 */
import { formatIpv4, parseIpv4Prefix } from '../routeros/values';
import { IFACE, ip4, ip4Prefix, list, mac, orEmpty, size, timeOr } from './interface';
import { bool, flags, int, intHex, menu, oneOf, raw, ref, str, time, type MenuSpec, type ValueType } from './schema';

const IP4_SRC = String.raw`\d{1,3}(?:\.\d{1,3}){3}`;

// ---------------------------------------------------------------------------------------------------------
// /ip address

/** `192.168.88.1/24` (host part kept) or a bare address (= /32). Checked further by the menu check. */
const ifaceAddress = (): ValueType => raw(new RegExp(`^${IP4_SRC}(?:/\\d{1,2})?$`), 'an IPv4 address with prefix length like 192.168.88.1/24 (bare address = /32)');

const address = menu({
  path: '/ip address',
  doc: 'IPv4 addresses of interfaces (each gives a connected route)',
  props: [
    { name: 'address', type: ifaceAddress(), required: true, doc: 'address/prefix-length of the interface, e.g. 192.168.88.1/24' },
    { name: 'network', type: ip4(), doc: 'network address (computed from address when not given)' },
    { name: 'netmask', type: ip4(), doc: 'netmask as an address (alternative to the /length of address)' },
    { name: 'broadcast', type: ip4(), doc: 'broadcast address (computed when not given)' },
    { name: 'interface', type: IFACE(), required: true, doc: 'interface the address is on' },
    { name: 'actual-interface', type: IFACE(), readOnly: true, doc: 'interface in effect (the bridge when interface is a bridge port)' },
    { name: 'vrf', type: str(), readOnly: true, doc: 'VRF of the interface' },
    { name: 'dynamic', type: bool(), readOnly: true },
    { name: 'invalid', type: bool(), readOnly: true },
  ],
  columns: ['address', 'network', 'interface'],
  unique: [['address', 'interface']],
  // RouterOS fills in network= (and prints it in exports) when it is not given.
  derived: [
    {
      prop: 'network',
      from: ['address'],
      compute: (get) => {
        const a = get('address');
        const r = a === undefined ? undefined : parseIpv4Prefix(a, { bareIsHost: true });
        return r?.ok ? formatIpv4(r.value.network) : undefined;
      },
    },
  ],
  check: (get) => {
    const a = get('address');
    if (a === undefined) return [];
    const r = parseIpv4Prefix(a, { bareIsHost: true });
    return r.ok ? [] : [`address: ${r.error}`];
  },
});

// ---------------------------------------------------------------------------------------------------------
// /ip arp

const arp = menu({
  path: '/ip arp',
  doc: 'ARP table; static entries are added here (a running router also lists what it learned, flag D)',
  live: 'dynamic',
  props: [
    { name: 'address', type: ip4(), doc: 'IPv4 address' },
    { name: 'mac-address', type: mac(), doc: 'MAC address of the host' },
    { name: 'interface', type: IFACE(), required: true, doc: 'interface the host is on' },
    { name: 'published', type: bool(), default: 'no', doc: 'answer ARP requests for this address (proxy with the router MAC)' },
    { name: 'status', type: oneOf('delay', 'failed', 'incomplete', 'permanent', 'probe', 'reachable', 'stale'), readOnly: true },
    { name: 'vrf', type: str(), readOnly: true },
    { name: 'dynamic', type: bool(), readOnly: true },
    { name: 'complete', type: bool(), readOnly: true },
  ],
  columns: ['address', 'mac-address', 'interface'],
});

// ---------------------------------------------------------------------------------------------------------
// /ip route

/** One gateway: `10.0.0.1`, `ether1`, `10.0.0.1%ether1`, `10.0.0.1@vrf1`, `CE1@CE1` (resolve in that table). */
const gatewayItem = (): ValueType => raw(/^[^\s,%@]+(?:%[^\s,%@]+)?(?:@[^\s,%@]+)?$/, 'a gateway: an address, an interface, address%interface or gateway@table');

const route = menu({
  path: '/ip route',
  doc: 'Static IPv4 routes (connected and dynamic routes appear here too)',
  props: [
    { name: 'dst-address', type: ip4Prefix(true), default: '0.0.0.0/0', doc: 'destination prefix' },
    { name: 'gateway', type: list(gatewayItem()), doc: 'next hop(s): address, interface or address%interface; several = ECMP' },
    { name: 'distance', type: int(0, 255), default: '1', doc: 'preference among routes to the same prefix (lower wins)' },
    { name: 'scope', type: int(0, 255), default: '30', doc: 'scope of this route (for resolving other routes through it)' },
    { name: 'target-scope', type: int(0, 255), default: '10', doc: 'highest scope of routes the gateway may be resolved through' },
    { name: 'routing-table', type: ref('/routing table', 'main'), default: 'main', doc: 'routing table (see /routing table)' },
    { name: 'pref-src', type: orEmpty(new RegExp(IP4_SRC), 'an IPv4 address'), doc: 'preferred source address for packets the router sends' },
    { name: 'blackhole', type: bool(), default: 'no', doc: 'switch (written bare, `add blackhole ...`): silently drop matching packets' },
    { name: 'check-gateway', type: oneOf('none', 'arp', 'ping', 'bfd', 'bfd-multihop'), doc: 'probe the gateway every 10s; inactive after 2 failures' },
    { name: 'vrf-interface', type: IFACE(), doc: 'resolve the gateway through this interface of another VRF' },
    { name: 'suppress-hw-offload', type: bool(), default: 'no', doc: 'keep this route out of hardware offloading' },
    { name: 'routing-mark', type: str(), doc: 'v6 spelling of routing-table (v6 created the table implicitly)' },
    { name: 'type', type: oneOf('unicast', 'blackhole', 'unreachable', 'prohibit'), doc: 'v6 route type; v7 keeps only the blackhole switch' },
    { name: 'immediate-gw', type: str(), readOnly: true, doc: 'resolved next hop, address%interface' },
    { name: 'local-address', type: str(), readOnly: true },
    { name: 'active', type: bool(), readOnly: true },
    { name: 'dynamic', type: bool(), readOnly: true },
    { name: 'connect', type: bool(), readOnly: true },
    { name: 'static', type: bool(), readOnly: true },
    { name: 'ecmp', type: bool(), readOnly: true },
  ],
  columns: ['dst-address', 'gateway', 'routing-table', 'distance'],
  check: (get) => {
    const errs: string[] = [];
    const mark = get('routing-mark');
    const table = get('routing-table');
    // routing-mark is the v6 name of routing-table; `routing-table=main` is the default (a verbose export
    // prints it), so only a different non-default table contradicts the mark.
    if (mark !== undefined && table !== undefined && table !== 'main' && mark !== table) errs.push(`routing-mark=${mark} and routing-table=${table} name different tables`);
    return errs;
  },
  verbs: ['check'],
});

// ---------------------------------------------------------------------------------------------------------
// /ip vrf

const vrf = menu({
  path: '/ip vrf',
  key: 'name',
  doc: 'Virtual routing and forwarding instances (each has a same-named routing table)',
  props: [
    { name: 'name', type: str(), required: true, doc: 'VRF name (also the name of its routing table)' },
    { name: 'interfaces', type: list(IFACE()), required: true, doc: 'interfaces that belong to this VRF' },
    { name: 'builtin', type: bool(), readOnly: true },
  ],
  columns: ['name', 'interfaces'],
  unique: [['name']],
  check: (get) => (get('name') === 'main' ? ['VRF main already exists (built-in)'] : []),
});

// ---------------------------------------------------------------------------------------------------------
// /ip settings

const settings = menu({
  path: '/ip settings',
  kind: 'single',
  doc: 'Global IPv4 settings (forwarding, redirects, rp-filter, ARP, ICMP rate limits)',
  props: [
    { name: 'ip-forward', type: bool(), default: 'yes', doc: 'forward packets between interfaces' },
    { name: 'send-redirects', type: bool(), default: 'yes', doc: 'send ICMP redirects' },
    { name: 'accept-redirects', type: bool(), default: 'no', doc: 'accept ICMP redirects' },
    { name: 'accept-source-route', type: bool(), default: 'no', doc: 'accept packets with source-route options' },
    { name: 'secure-redirects', type: bool(), default: 'yes', doc: 'accept redirects only from default gateways' },
    { name: 'rp-filter', type: oneOf('no', 'strict', 'loose'), default: 'no', doc: 'reverse path filtering (RFC 3704)' },
    { name: 'tcp-syncookies', type: bool(), default: 'no', doc: 'answer SYN floods with syncookies' },
    { name: 'tcp-timestamps', type: oneOf('disabled', 'random-offset', 'enabled'), default: 'random-offset', doc: 'TCP timestamps of router-made connections (7.17+)' },
    { name: 'max-neighbor-entries', type: int(0, 4294967295), default: '16384', doc: 'ARP table size (RouterOS: RAM based, 16384 at 512 MiB or more)' },
    { name: 'arp-timeout', type: time(), default: '30s', doc: 'base reachable time of ARP entries' },
    { name: 'icmp-rate-limit', type: int(0, 4294967295), default: '10', doc: 'minimum ms between ICMP errors to one target (0 = off)' },
    { name: 'icmp-rate-mask', type: intHex(0, 0xffffffff), default: '0x1818', doc: 'bit mask of ICMP types that are rate limited' },
    { name: 'icmp-errors-use-inbound-interface-address', type: bool(), default: 'no', doc: 'source ICMP errors from the receiving interface (7.17+)' },
    { name: 'ipv4-multipath-hash-policy', type: oneOf('l3', 'l4', 'l3-inner'), default: 'l3', doc: 'ECMP hash (7.16+)' },
    { name: 'ipv4-fragment-time', type: int(0, 4294967295), doc: 'seconds a fragment is kept for reassembly' },
    { name: 'ipv4-high-fragment-thresh', type: size(), doc: 'memory for fragment reassembly (RAM based)' },
    { name: 'route-cache', type: bool(), default: 'yes', doc: 'v6/early v7 route cache (gone in 7.15; kept for old configs)' },
    { name: 'allow-fast-path', type: bool(), default: 'yes', doc: 'allow IPv4 FastPath/FastTrack' },
    { name: 'ipv4-fast-path-active', type: bool(), readOnly: true },
    { name: 'ipv4-fast-path-packets', type: int(), readOnly: true },
    { name: 'ipv4-fast-path-bytes', type: int(), readOnly: true },
    { name: 'ipv4-fasttrack-active', type: bool(), readOnly: true },
    { name: 'ipv4-fasttrack-packets', type: int(), readOnly: true },
    { name: 'ipv4-fasttrack-bytes', type: int(), readOnly: true },
  ],
});

// ---------------------------------------------------------------------------------------------------------
// /ip service

/**
 * The built-in services and their RouterOS v7 defaults (ROUTEROS-FLOW §9: www-ssl is the one disabled by
 * default; it needs a certificate). Initial values are explicit item values, as for /ip firewall service-port.
 */
export const IP_SERVICES: ReadonlyArray<Readonly<Record<string, string>>> = [
  { name: 'telnet', port: '23' },
  { name: 'ftp', port: '21' },
  { name: 'www', port: '80' },
  { name: 'ssh', port: '22' },
  { name: 'www-ssl', port: '443', disabled: 'yes' },
  { name: 'api', port: '8728' },
  { name: 'winbox', port: '8291' },
  { name: 'api-ssl', port: '8729' },
];

/** An IPv4 or IPv6 address or prefix (`/ip service address=`, `/user address=`). */
export const IP_ADDRESS_OR_PREFIX: ValueType = raw(/^[0-9A-Fa-f.:]+(?:\/\d{1,3})?$/, 'an IPv4 or IPv6 address or prefix');

const service = menu({
  path: '/ip service',
  kind: 'fixed',
  key: 'name',
  fixedKey: 'name',
  fixedItems: () => IP_SERVICES.map((s) => ({ ...s })),
  doc: 'Management services of the router (TCP ports it listens on)',
  props: [
    { name: 'name', type: str(), readOnly: true, doc: 'service name' },
    { name: 'port', type: int(1, 65535), doc: 'TCP port the service listens on' },
    { name: 'address', type: list(IP_ADDRESS_OR_PREFIX), default: '', doc: 'prefixes allowed to connect (empty = any)' },
    { name: 'certificate', type: str(), default: 'none', doc: 'TLS certificate (www-ssl, api-ssl)' },
    { name: 'tls-version', type: oneOf('any', 'only-1.2', 'only-1.3'), default: 'any', doc: 'TLS versions accepted (www-ssl, api-ssl)' },
    { name: 'vrf', type: str(), default: 'main', doc: 'VRF the service listens in' },
    { name: 'max-sessions', type: int(1, 1000), default: '20', doc: 'concurrent sessions' },
    { name: 'disabled', type: bool(), default: 'no', doc: 'service off' },
    { name: 'invalid', type: bool(), readOnly: true },
    { name: 'dynamic', type: bool(), readOnly: true },
  ],
  columns: ['name', 'port', 'address', 'certificate', 'vrf'],
});

// ---------------------------------------------------------------------------------------------------------
// /ip dns (the settings; static entries, cache, forwarders and adlists are not modelled)

const dns = menu({
  path: '/ip dns',
  kind: 'single',
  doc: 'DNS client and cache settings; allow-remote-requests makes the router a DNS server (port 53)',
  props: [
    { name: 'servers', type: list(raw(/^[0-9A-Fa-f.:]+$/, 'an IPv4 or IPv6 address')), default: '', doc: 'upstream DNS servers' },
    { name: 'allow-remote-requests', type: bool(), default: 'no', doc: 'answer DNS queries from the network (UDP and TCP port 53)' },
    { name: 'max-udp-packet-size', type: int(50, 65507), default: '4096' },
    { name: 'query-server-timeout', type: time(), default: '2s' },
    { name: 'query-total-timeout', type: time(), default: '10s' },
    { name: 'max-concurrent-queries', type: int(0, 4294967295), default: '100' },
    { name: 'max-concurrent-tcp-sessions', type: int(0, 4294967295), default: '20' },
    { name: 'cache-size', type: size(), default: '2MiB' },
    { name: 'cache-max-ttl', type: time(), default: '1w' },
    { name: 'use-doh-server', type: str(), default: '' },
    { name: 'verify-doh-cert', type: bool(), default: 'no' },
    { name: 'doh-max-server-connections', type: int(0, 4294967295), default: '5' },
    { name: 'doh-max-concurrent-queries', type: int(0, 4294967295), default: '50' },
    { name: 'doh-timeout', type: time(), default: '5s' },
    { name: 'address-list-extra-time', type: time(), default: '0s' },
    { name: 'vrf', type: str(), default: 'main' },
    { name: 'mdns-repeat-ifaces', type: str(), default: '' },
    { name: 'dynamic-servers', type: str(), readOnly: true },
    { name: 'cache-used', type: str(), readOnly: true },
  ],
});

// ---------------------------------------------------------------------------------------------------------
// /ip neighbor discovery-settings

const discovery = menu({
  path: '/ip neighbor discovery-settings',
  kind: 'single',
  doc: 'Neighbour discovery (MNDP on UDP 5678, CDP, LLDP): on which interfaces and with which protocols',
  props: [
    { name: 'discover-interface-list', type: str(), default: 'static', doc: 'interface list discovery runs on (none = off)' },
    { name: 'protocol', type: flags('cdp', 'lldp', 'mndp'), default: 'cdp,lldp,mndp', doc: 'discovery protocols' },
    { name: 'mode', type: oneOf('tx-only', 'rx-only', 'tx-and-rx'), default: 'tx-and-rx' },
    { name: 'discover-interval', type: timeOr('auto'), default: '30s' },
    { name: 'lldp-med-net-policy-vlan', type: str(), default: 'disabled' },
    { name: 'lldp-mac-phy-config', type: bool(), default: 'no' },
    { name: 'lldp-max-frame-size', type: bool(), default: 'no' },
    { name: 'lldp-vlan-info', type: bool(), default: 'no' },
    { name: 'lldp-poe-power', type: bool(), default: 'yes' },
  ],
});

export const MENUS: MenuSpec[] = [vrf, settings, address, arp, route, service, dns, discovery];
