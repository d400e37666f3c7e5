/**
 * Menu schemas: `/ipv6 address`, `/ipv6 route`, `/ipv6 settings`, `/ipv6 firewall` (filter, nat, mangle,
 * raw, address-list). Schemas only for now: the dataplane forwards IPv4 first. The firewall tables share the
 * rule catalogue of firewall-props.ts (IPv6 addresses, ICMPv6 options, hop-limit, headers, IPv6 reject-with).
 * Sources: manual.mikrotik.com/docs/cli-reference/ipv6/*, spec §5 (IPv6 paragraph).
 */
import type { MenuSpec } from './schema';
import { bool, int, menu, oneOf, raw, ref, str } from './schema';
import { addressListMenu, ruleMenu } from './firewall-props';

const ADDRESS = menu({
  path: '/ipv6 address',
  props: [
    { name: 'address', type: { t: 'ip6-prefix' }, doc: 'address/prefix-length (host bits kept); with from-pool only the host part counts' },
    { name: 'interface', type: ref('/interface'), required: true, doc: 'interface the address is on' },
    { name: 'advertise', type: bool(), default: 'yes', doc: 'advertise the prefix in router advertisements (SLAAC)' },
    { name: 'eui-64', type: bool(), default: 'no', doc: 'derive the last 64 bits from the interface MAC' },
    { name: 'from-pool', type: str(), doc: 'IPv6 pool the prefix is taken from' },
    { name: 'from-pool-policy', type: oneOf('recommended', 'strict', 'without-acquire'), doc: 'how the prefix is taken from the pool' },
    { name: 'no-dad', type: bool(), default: 'no', doc: 'skip duplicate address detection' },
    { name: 'auto-link-local', type: bool(), doc: 'keep the automatic link-local address' },
    { name: 'actual-interface', type: ref('/interface'), readOnly: true, doc: 'interface the address really sits on (the bridge for a bridge port)' },
    { name: 'vrf', type: str(), readOnly: true, doc: 'VRF of the interface' },
  ],
  columns: ['address', 'interface', 'advertise'],
  doc: 'IPv6 addresses',
});

const ROUTE = menu({
  path: '/ipv6 route',
  props: [
    { name: 'dst-address', type: { t: 'ip6-prefix' }, default: '::/0', doc: 'destination prefix' },
    {
      name: 'gateway',
      type: raw(/^[^\s]+$/, 'an IPv6 address, address%interface or interface'),
      doc: 'next hop: address, link-local address%interface, or interface',
    },
    { name: 'blackhole', type: bool(), doc: 'drop silently (exported as the bare word blackhole)' },
    { name: 'check-gateway', type: oneOf('none', 'arp', 'ping', 'bfd'), doc: 'gateway reachability probe' },
    { name: 'distance', type: int(1, 255), default: '1', doc: 'administrative distance' },
    { name: 'scope', type: int(0, 255), default: '30', doc: 'scope used when other routes resolve through this one' },
    { name: 'target-scope', type: int(0, 255), default: '10', doc: 'maximum scope of routes the gateway may resolve through' },
    { name: 'routing-table', type: ref('/routing table', 'main'), default: 'main', doc: 'routing table' },
    { name: 'pref-src', type: { t: 'ip6' }, doc: 'preferred source address' },
    { name: 'vrf-interface', type: ref('/interface'), doc: 'resolve the gateway through this interface VRF' },
    { name: 'suppress-hw-offload', type: bool(), default: 'no', doc: 'keep the route out of hardware' },
    { name: 'immediate-gw', type: str(), readOnly: true, doc: 'resolved next hop (address%interface)' },
  ],
  columns: ['dst-address', 'gateway', 'routing-table', 'distance'],
  doc: 'IPv6 static routes',
});

const SETTINGS = menu({
  path: '/ipv6 settings',
  kind: 'single',
  props: [
    { name: 'disable-ipv6', type: bool(), default: 'no', doc: 'turn IPv6 off system-wide' },
    { name: 'forward', type: bool(), default: 'yes', doc: 'route IPv6 between interfaces' },
    { name: 'accept-redirects', type: oneOf('no', 'yes', 'yes-if-forwarding-disabled'), default: 'yes-if-forwarding-disabled', doc: 'accept ICMPv6 redirects' },
    {
      name: 'accept-router-advertisements',
      type: oneOf('no', 'yes', 'yes-if-forwarding-disabled'),
      default: 'yes-if-forwarding-disabled',
      doc: 'configure addresses from router advertisements (SLAAC)',
    },
    { name: 'accept-router-advertisements-on', type: str(), doc: 'interface list on which RAs are accepted' },
    { name: 'multipath-hash-policy', type: oneOf('l3', 'l4', 'l3-inner'), default: 'l3', doc: 'ECMP hash (l3: addresses, flow label, protocol)' },
    { name: 'disable-link-local-address', type: bool(), default: 'no', doc: 'no automatic link-local addresses' },
    { name: 'stale-neighbor-timeout', type: int(0), default: '60', doc: 'seconds before stale neighbours are purged' },
    { name: 'stale-neighbor-detect-interval', type: int(0), doc: 'seconds between stale neighbour probes' },
    { name: 'min-neighbor-entries', type: int(0), doc: 'neighbour entries always allocated' },
    { name: 'soft-max-neighbor-entries', type: int(0), doc: 'expected maximum neighbour entries' },
    { name: 'max-neighbor-entries', type: int(0), doc: 'hard maximum of neighbour entries (RAM based)' },
    { name: 'allow-fast-path', type: bool(), default: 'yes', doc: 'IPv6 FastPath allowed' },
    { name: 'ipv6-fast-path-active', type: bool(), readOnly: true },
    { name: 'ipv6-fasttrack-active', type: bool(), readOnly: true },
  ],
  columns: ['disable-ipv6', 'forward', 'accept-router-advertisements'],
  doc: 'system-wide IPv6 settings',
});

export const MENUS: MenuSpec[] = [
  ADDRESS,
  ROUTE,
  SETTINGS,
  addressListMenu('ipv6'),
  ruleMenu('ipv6', 'filter'),
  ruleMenu('ipv6', 'nat'),
  ruleMenu('ipv6', 'mangle'),
  ruleMenu('ipv6', 'raw'),
];
