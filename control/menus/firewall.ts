/**
 * Menu schemas: `/ip firewall` (filter, nat, mangle, raw, address-list, connection tracking, service-port,
 * layer7-protocol). Semantics: shared/ROUTEROS-FLOW.md §2 (matchers, actions), §3 (connection tracking).
 * The rule property catalogue shared with `/ipv6 firewall` lives in firewall-props.ts.
 */
import type { MenuSpec } from './schema';
import { bool, menu, oneOf, str, time } from './schema';
import { addressListMenu, ruleMenu } from './firewall-props';

/**
 * `/ip firewall connection tracking`. Defaults are RouterOS v7 (7.17+): udp-timeout is 30s from 7.17 on
 * (10s in v6 and v7 up to 7.15.x; 7.16 unchecked); liberal-tcp-tracking exists from 7.20.
 */
const CONNECTION_TRACKING = menu({
  path: '/ip firewall connection tracking',
  kind: 'single',
  props: [
    { name: 'enabled', type: oneOf('auto', 'yes', 'no'), default: 'auto', doc: 'auto = on once any firewall rule exists' },
    { name: 'tcp-syn-sent-timeout', type: time(), default: '5s' },
    { name: 'tcp-syn-received-timeout', type: time(), default: '5s' },
    { name: 'tcp-established-timeout', type: time(), default: '1d' },
    { name: 'tcp-fin-wait-timeout', type: time(), default: '10s' },
    { name: 'tcp-close-wait-timeout', type: time(), default: '10s' },
    { name: 'tcp-last-ack-timeout', type: time(), default: '10s' },
    { name: 'tcp-time-wait-timeout', type: time(), default: '10s' },
    { name: 'tcp-close-timeout', type: time(), default: '10s' },
    { name: 'tcp-max-retrans-timeout', type: time(), default: '5m' },
    { name: 'tcp-unacked-timeout', type: time(), default: '5m' },
    { name: 'loose-tcp-tracking', type: bool(), default: 'yes', doc: 'pick up TCP connections whose SYN was not seen' },
    { name: 'liberal-tcp-tracking', type: bool(), default: 'no', doc: 'only out-of-window RST is invalid (7.20+)' },
    { name: 'udp-timeout', type: time(), default: '30s', doc: 'UDP without replies (30s from 7.17; 10s before)' },
    { name: 'udp-stream-timeout', type: time(), default: '3m', doc: 'UDP that has seen replies' },
    { name: 'icmp-timeout', type: time(), default: '10s' },
    { name: 'generic-timeout', type: time(), default: '10m' },
    { name: 'max-entries', type: { t: 'int', min: 0 }, readOnly: true, doc: 'table size (RAM based)' },
    { name: 'total-entries', type: { t: 'int', min: 0 }, readOnly: true },
    { name: 'total-ip4-entries', type: { t: 'int', min: 0 }, readOnly: true },
    { name: 'total-ip6-entries', type: { t: 'int', min: 0 }, readOnly: true },
    { name: 'active-ipv4', type: bool(), readOnly: true },
    { name: 'active-ipv6', type: bool(), readOnly: true },
  ],
  columns: ['enabled', 'tcp-established-timeout', 'udp-timeout', 'udp-stream-timeout', 'icmp-timeout', 'generic-timeout'],
  doc: 'connection tracking switch and timeouts',
});

/**
 * The connection tracking helpers, current v7 defaults: irc and rtsp disabled, the rest enabled; udplite,
 * dccp and sctp are protocol trackers with no ports. Initial values are explicit item values, so `export`
 * must compare fixed items against these, not against the property defaults.
 */
export const SERVICE_PORTS: ReadonlyArray<Readonly<Record<string, string>>> = [
  { name: 'ftp', ports: '21' },
  { name: 'tftp', ports: '69' },
  { name: 'irc', ports: '6667', disabled: 'yes' },
  { name: 'h323' },
  { name: 'sip', ports: '5060,5061', 'sip-direct-media': 'yes', 'sip-timeout': '1h' },
  { name: 'pptp' },
  { name: 'rtsp', ports: '554', disabled: 'yes' },
  { name: 'udplite' },
  { name: 'dccp' },
  { name: 'sctp' },
];

const SERVICE_PORT = menu({
  path: '/ip firewall service-port',
  kind: 'fixed',
  key: 'name',
  fixedKey: 'name',
  fixedItems: () => SERVICE_PORTS.map((s) => ({ ...s })),
  noCommon: true,
  props: [
    { name: 'name', type: str(), readOnly: true, doc: 'helper name' },
    { name: 'ports', type: { t: 'ports' }, doc: 'ports the helper watches' },
    { name: 'sip-direct-media', type: bool(), doc: 'sip: allow media directly between the endpoints' },
    { name: 'sip-timeout', type: time(), doc: 'sip: connection timeout' },
    { name: 'disabled', type: bool(), default: 'no', doc: 'helper off' },
  ],
  columns: ['name', 'ports'],
  doc: 'connection tracking helpers (ALGs); flowplane runs ftp and tftp, the others are kept but do nothing yet',
});

const LAYER7 = menu({
  path: '/ip firewall layer7-protocol',
  key: 'name',
  noCommon: true,
  props: [
    { name: 'name', type: str(), required: true, doc: 'name used by layer7-protocol= in rules' },
    { name: 'regexp', type: str(), doc: 'POSIX regular expression matched against the first packets (case-insensitive)' },
    { name: 'comment', type: str(), doc: 'free-form description' },
  ],
  columns: ['name', 'regexp'],
  unique: [['name']],
  doc: 'layer 7 patterns',
});

/**
 * `/ip firewall connection`: the connection table of the running router (its rows come from the dataplane,
 * control/store/live.ts; without one the menu is empty). Read-only; `remove` drops a connection. Flags as
 * RouterOS v7 prints them; each its own legend group (UNCONFIRMED: v7's grouping of these flags).
 */
const CONNECTION_FLAGS: [string, string][] = [
  ['E', 'expected'],
  ['S', 'seen-reply'],
  ['A', 'assured'],
  ['C', 'confirmed'],
  ['D', 'dying'],
  ['F', 'fasttrack'],
  ['s', 'srcnat'],
  ['d', 'dstnat'],
];
const count = { t: 'int', min: 0 } as const;
const CONNECTION = menu({
  path: '/ip firewall connection',
  noCommon: true,
  live: 'table',
  props: [
    { name: 'protocol', type: str(), readOnly: true, doc: 'IP protocol (tcp, udp, icmp or a number)' },
    { name: 'src-address', type: str(), readOnly: true, doc: 'source address[:port] of the original direction' },
    { name: 'dst-address', type: str(), readOnly: true, doc: 'destination address[:port] of the original direction' },
    { name: 'reply-src-address', type: str(), readOnly: true, doc: 'source address[:port] replies carry (after NAT)' },
    { name: 'reply-dst-address', type: str(), readOnly: true, doc: 'destination address[:port] replies carry (after NAT)' },
    { name: 'tcp-state', type: str(), readOnly: true, doc: 'TCP connection state (established, syn-sent, time-wait, ...)' },
    { name: 'timeout', type: time(), readOnly: true, doc: 'time left before the connection is forgotten' },
    { name: 'icmp-id', type: count, readOnly: true, doc: 'ICMP query identifier' },
    { name: 'connection-type', type: str(), readOnly: true, doc: 'helper of the connection (ftp, tftp)' },
    { name: 'connection-mark', type: str(), readOnly: true, doc: 'mark set by mangle mark-connection' },
    { name: 'orig-packets', type: count, readOnly: true },
    { name: 'orig-bytes', type: count, readOnly: true },
    { name: 'repl-packets', type: count, readOnly: true },
    { name: 'repl-bytes', type: count, readOnly: true },
    ...CONNECTION_FLAGS.map(([, name]) => ({ name, type: bool(), readOnly: true })),
  ],
  columns: ['protocol', 'src-address', 'dst-address', 'tcp-state', 'timeout'],
  flags: CONNECTION_FLAGS.map(([letter, prop], group) => ({ letter, prop, group })),
  doc: 'connections the running router tracks (read-only; remove drops one)',
});

export const MENUS: MenuSpec[] = [
  CONNECTION,
  ruleMenu('ip', 'filter'),
  ruleMenu('ip', 'nat'),
  ruleMenu('ip', 'mangle'),
  ruleMenu('ip', 'raw'),
  addressListMenu('ip'),
  CONNECTION_TRACKING,
  SERVICE_PORT,
  LAYER7,
];
