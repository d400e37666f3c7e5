/**
 * Named drop reasons.
 *
 * Every stage that discards a frame writes one of these codes into the packet's `drop` metadata column
 * (see buf/meta.ts) instead of throwing. Counters are kept per reason, and traces print the name.
 * Codes are small integers so they fit a Uint8Array column; `DROP_NAMES[code]` is the printable name.
 *
 * Add new reasons at the end of the table: codes are positions, and the names are what users see.
 */

const TABLE = [
  ['none', 'not dropped'],
  // capture / port level
  ['snaplen-truncated', 'the capture kept fewer bytes than the frame had on the wire'],
  ['unsupported-link-type', 'the port or capture delivers a link type flowplane cannot process'],
  ['frame-too-large', 'the frame does not fit a packet slot'],
  // layer 2
  ['ethernet-truncated', 'shorter than an Ethernet II header (14 bytes)'],
  ['sll-truncated', 'shorter than a Linux cooked-capture header (16 bytes)'],
  ['vlan-truncated', 'an 802.1Q/802.1ad tag is cut off'],
  ['vlan-too-deep', 'more stacked VLAN tags than flowplane parses (4)'],
  ['arp-truncated', 'shorter than an Ethernet/IPv4 ARP packet (28 bytes)'],
  ['arp-unsupported', 'ARP for a hardware/protocol pair other than Ethernet/IPv4'],
  // IPv4
  ['ipv4-truncated', 'shorter than a 20-byte IPv4 header'],
  ['ipv4-bad-version', 'IPv4 ethertype but the version field is not 4'],
  ['ipv4-bad-ihl', 'IPv4 header length below 5 words or beyond the frame'],
  ['ipv4-bad-total-length', 'IPv4 total length below the header length or beyond the frame'],
  ['ipv4-bad-checksum', 'IPv4 header checksum does not verify'],
  // IPv6
  ['ipv6-truncated', 'shorter than a 40-byte IPv6 header'],
  ['ipv6-bad-version', 'IPv6 ethertype but the version field is not 6'],
  ['ipv6-bad-payload-length', 'IPv6 payload length beyond the frame'],
  ['ipv6-ext-truncated', 'an IPv6 extension header runs past the packet'],
  ['ipv6-ext-too-many', 'more IPv6 extension headers than flowplane walks (8)'],
  // layer 4
  ['tcp-truncated', 'shorter than a 20-byte TCP header, or data offset beyond the packet'],
  ['tcp-bad-data-offset', 'TCP data offset below 5 words'],
  ['udp-truncated', 'shorter than an 8-byte UDP header'],
  ['udp-bad-length', 'UDP length below 8 or beyond the IP payload'],
  ['icmp-truncated', 'shorter than an 8-byte ICMP header'],
  ['icmpv6-truncated', 'shorter than an 8-byte ICMPv6 header'],
  // added by wire/ (checked Repr parsers; stages may use them too)
  ['ipv4-bad-option', 'an IPv4 option has a bad length or runs past the header'],
  ['tcp-bad-option', 'a TCP option has a bad length or runs past the header'],
  ['icmpv6-bad-option', 'an ICMPv6 Neighbor Discovery option has length 0 or runs past the message'],
  ['l4-bad-checksum', 'the TCP/UDP/ICMP/ICMPv6 checksum does not verify'],
  // added by ip4/ (ICMP generation, fragmentation, reassembly; see dataplane/ip4/README.md)
  ['ttl-exceeded', 'the TTL ran out while forwarding (ICMP time exceeded is sent, rate limit permitting)'],
  ['fragmentation-needed', 'larger than the egress MTU with DF set (ICMP fragmentation needed is sent)'],
  ['fragmentation-failed', 'could not fragment: MTU below header + 8 bytes, output array too small, or bytes missing'],
  ['pool-exhausted', 'no free packet slot for a generated packet or a fragment'],
  ['reassembly-timeout', 'the fragments of a datagram did not all arrive within the reassembly time (30 s)'],
  ['reassembly-overlap', 'a fragment partly overlaps data already received: the whole datagram is discarded'],
  ['reassembly-duplicate', 'a fragment lies wholly inside data already received (dropped, the datagram is kept)'],
  ['reassembly-invalid', 'fragments disagree on the end of the datagram, a fragment is empty, or it exceeds 65535 bytes'],
  ['reassembly-too-large', 'the reassembled datagram does not fit a packet slot'],
  ['reassembly-table-full', 'the reassembly memory or queue limit is reached'],
  ['icmp-rate-limited', 'an ICMP error was not sent: icmp-rate-limit (per destination) or the global ICMP limit'],
  ['icmp-error-suppressed', 'no ICMP error may be sent about this packet (RFC 1812 4.3.2.7: an ICMP error, a later fragment, broadcast/multicast, bad source)'],
  ['icmp-echo-ignored', 'not answered: echo request to a broadcast/multicast address, from an invalid source, or not a whole echo request'],
  // added by the packet flow (dataplane/flow.ts, dataplane/stages/)
  ['no-interface', 'arrived on a port with no enabled ethernet interface of that name in the config'],
  ['bridge-not-implemented', 'arrived on a bridge port: bridging is not implemented yet (routed ethernet ports only)'],
  ['vlan-not-implemented', 'an 802.1Q/802.1ad tagged frame: /interface vlan is not implemented yet'],
  ['ipv6-not-implemented', 'an IPv6 packet: IPv6 forwarding is not implemented yet'],
  ['unknown-ethertype', 'an ethertype the router has no protocol for (Linux: no packet handler)'],
  ['not-for-router', 'unicast frame addressed to another MAC (Linux PACKET_OTHERHOST)'],
  ['arp-ignored', 'ARP packet needing no answer: a request for an address the router does not own on that interface, arp=disabled, or an ARP op other than request/reply'],
  ['martian-source', 'source address 0.0.0.0/8 (except to 255.255.255.255), 127.0.0.0/8, multicast or 255.255.255.255 (Linux ip_route_input martian checks)'],
  ['martian-destination', 'destination address 0.0.0.0/8 or 127.0.0.0/8 (Linux ip_route_input martian checks)'],
  ['no-route', 'no route to the destination in the routing table (ICMP net unreachable is sent)'],
  ['route-blackhole', 'the route to the destination is a blackhole'],
  ['route-unreachable', 'the route to the destination is unreachable (ICMP host unreachable is sent)'],
  ['route-prohibit', 'the route to the destination is prohibit (ICMP administratively prohibited is sent)'],
  ['route-loop', 'a VRF leak (gateway=vrf) led to another leak: not followed'],
  ['arp-queue-overflow', 'pushed out of the queue of packets waiting for ARP resolution (3 per neighbour) by a newer packet'],
  ['arp-failed', 'ARP resolution of the next hop failed (no reply to 3 requests): ICMP host unreachable is sent'],
  ['arp-table-full', 'no room in the ARP table for a new neighbour (max-neighbor-entries)'],
  ['arp-resolve-disabled', 'the egress interface has arp=disabled or reply-only and no static ARP entry for the next hop'],
  // added by bridging (dataplane/stages/bridge-input.ts, bridge-output.ts)
  ['bridge-same-port', 'bridged frame whose destination MAC was learned on the port it arrived on (Linux br_forward: not sent back)'],
  ['bridge-horizon', 'bridged frame whose destination port has the same horizon value as the ingress port'],
  ['bridge-no-flood-port', 'broadcast/multicast/unknown-unicast frame with no port to flood to (all excluded by ingress, horizon or flood switches)'],
  // added by VLAN interfaces (dataplane/stages/vlan-input.ts, vlan-output.ts)
  ['vlan-unknown', 'a tagged frame whose tag (TPID + VLAN ID) matches no /interface vlan on the interface it arrived on (Linux: no VLAN device)'],
  ['vlan-no-headroom', 'no room in front of the frame to push a VLAN tag (slot headroom used up)'],
  // added by bridge VLAN filtering and the bridge firewall (dataplane/stages/bridge-*.ts)
  ['bridge-frame-type', 'vlan-filtering bridge: the port\'s frame-types does not admit this frame (untagged/priority-tagged on admit-only-vlan-tagged, tagged on admit-only-untagged-and-priority-tagged)'],
  ['bridge-vlan-ingress-filter', 'vlan-filtering bridge with ingress-filtering: the frame\'s VLAN is not one the receiving port (or the bridge interface, for frames the router sends) is a member of'],
  ['bridge-vlan-egress', 'vlan-filtering bridge: the destination port (or the bridge interface, for frames going up to the router) is not a member of the frame\'s VLAN'],
  ['bridge-filter-drop', 'dropped by an /interface bridge filter rule (action=drop)'],
  ['bridge-nat-drop', 'dropped by an /interface bridge nat rule (action=drop)'],
  // added by local delivery (dataplane/stages/local-in.ts)
  ['udp-port-unreachable', 'UDP datagram to a port of the router with no service (ICMP port unreachable is sent, rate limit and RFC 1122 permitting)'],
  ['tcp-no-listener', 'TCP segment to a port of the router with no service that gets no reset: it is a reset itself, or it was sent to a broadcast/multicast address'],
  // added by the firewall (dataplane/stages/conntrack.ts, firewall-hook.ts, nat.ts)
  ['conntrack-full', 'a new connection found the connection table full and nothing could be evicted (all entries assured)'],
  ['conntrack-clash', 'a new connection clashed at confirm with a different connection holding one of its tuples'],
  ['firewall-drop', 'dropped by a firewall rule (action=drop; the trace names the rule)'],
  ['firewall-reject', 'rejected by a firewall rule (action=reject: the reject-with answer was sent)'],
  ['firewall-tarpit', 'taken by a firewall rule with action=tarpit (a SYN is answered with a window-0 SYN/ACK; the rest is dropped)'],
  ['nat-no-port', 'no free port in the NAT rule\'s range for a new connection'],
  // added by policy routing (dataplane/stages/routing.ts)
  ['rule-drop', 'a /routing rule with action=drop matched'],
  ['rule-unreachable', 'a /routing rule with action=unreachable matched (ICMP net unreachable is sent)'],
  ['rule-table-miss', 'a /routing rule with action=lookup-only-in-table found no route in its table (ICMP net unreachable is sent)'],
  // added by connection-tracking helpers (dataplane/conntrack/ftp.ts)
  ['conntrack-helper', 'a helper (FTP) dropped the segment: a command cut short or malformed, or its NAT rewrite did not fit'],
  // queues
  ['queue-full', 'the queue (pfifo/bfifo limit, pcq-limit or pcq-total-limit, sfq, fq-codel limit) was full'],
  ['queue-red', 'RED dropped it early (average queue between the thresholds) or above red-max-threshold'],
  ['queue-codel', 'CoDel / fq-codel dropped it at dequeue: it waited longer than the target for an interval'],
  ['queue-memory', 'fq-codel memory limit reached'],
  ['queue-invalid', 'a queue refused the packet as bad input (zero length, unknown class): a flowplane bug if seen'],
  // added by the bridged IP firewall (use-ip-firewall; dataplane/stages/bridged-dnat.ts)
  ['bridge-dnat-unresolved', 'use-ip-firewall: a bridged frame dst-NATed to a neighbour on the same bridge whose MAC is not in the ARP table (Linux queues it and sends ARP; flowplane drops it)'],
  // MetaRouter links between routers of one lab (dataplane/lab.ts)
  ['metarouter-down', 'sent over a MetaRouter link whose other end is a guest that is not running (shut down or disabled)'],
  ['metarouter-loop', 'frames kept crossing MetaRouter links (a bridging loop through guests): the crossings of one input passed the lab\'s limit'],
  ['metarouter-unlinked', 'a guest sent it out of a port with no link (the host gave the guest no interface there)'],
] as const;

export type DropName = (typeof TABLE)[number][0];

/** Printable name of each code, indexed by code. */
export const DROP_NAMES: readonly DropName[] = TABLE.map((r) => r[0]);
/** One-line explanation of each code, indexed by code. */
export const DROP_HELP: readonly string[] = TABLE.map((r) => r[1]);
/** Number of defined reasons (size counters arrays with this). */
export const DROP_COUNT = TABLE.length;

const CODES: Record<string, number> = Object.create(null);
TABLE.forEach((r, i) => (CODES[r[0]] = i));

/** Code of a named reason; throws on a misspelt name (control-plane use only, never per packet). */
export function dropCode(name: DropName): number {
  const c = CODES[name];
  if (c === undefined) throw new Error(`unknown drop reason ${name}`);
  return c;
}

/** The codes as constants for hot paths (plain numbers, inlined by the JIT). */
export const Drop = {
  NONE: 0,
  SNAPLEN_TRUNCATED: dropCode('snaplen-truncated'),
  UNSUPPORTED_LINK_TYPE: dropCode('unsupported-link-type'),
  FRAME_TOO_LARGE: dropCode('frame-too-large'),
  ETHERNET_TRUNCATED: dropCode('ethernet-truncated'),
  SLL_TRUNCATED: dropCode('sll-truncated'),
  VLAN_TRUNCATED: dropCode('vlan-truncated'),
  VLAN_TOO_DEEP: dropCode('vlan-too-deep'),
  ARP_TRUNCATED: dropCode('arp-truncated'),
  ARP_UNSUPPORTED: dropCode('arp-unsupported'),
  IPV4_TRUNCATED: dropCode('ipv4-truncated'),
  IPV4_BAD_VERSION: dropCode('ipv4-bad-version'),
  IPV4_BAD_IHL: dropCode('ipv4-bad-ihl'),
  IPV4_BAD_TOTAL_LENGTH: dropCode('ipv4-bad-total-length'),
  IPV4_BAD_CHECKSUM: dropCode('ipv4-bad-checksum'),
  IPV6_TRUNCATED: dropCode('ipv6-truncated'),
  IPV6_BAD_VERSION: dropCode('ipv6-bad-version'),
  IPV6_BAD_PAYLOAD_LENGTH: dropCode('ipv6-bad-payload-length'),
  IPV6_EXT_TRUNCATED: dropCode('ipv6-ext-truncated'),
  IPV6_EXT_TOO_MANY: dropCode('ipv6-ext-too-many'),
  TCP_TRUNCATED: dropCode('tcp-truncated'),
  TCP_BAD_DATA_OFFSET: dropCode('tcp-bad-data-offset'),
  UDP_TRUNCATED: dropCode('udp-truncated'),
  UDP_BAD_LENGTH: dropCode('udp-bad-length'),
  ICMP_TRUNCATED: dropCode('icmp-truncated'),
  ICMPV6_TRUNCATED: dropCode('icmpv6-truncated'),
  IPV4_BAD_OPTION: dropCode('ipv4-bad-option'),
  TCP_BAD_OPTION: dropCode('tcp-bad-option'),
  ICMPV6_BAD_OPTION: dropCode('icmpv6-bad-option'),
  L4_BAD_CHECKSUM: dropCode('l4-bad-checksum'),
  TTL_EXCEEDED: dropCode('ttl-exceeded'),
  FRAGMENTATION_NEEDED: dropCode('fragmentation-needed'),
  FRAGMENTATION_FAILED: dropCode('fragmentation-failed'),
  POOL_EXHAUSTED: dropCode('pool-exhausted'),
  REASSEMBLY_TIMEOUT: dropCode('reassembly-timeout'),
  REASSEMBLY_OVERLAP: dropCode('reassembly-overlap'),
  REASSEMBLY_DUPLICATE: dropCode('reassembly-duplicate'),
  REASSEMBLY_INVALID: dropCode('reassembly-invalid'),
  REASSEMBLY_TOO_LARGE: dropCode('reassembly-too-large'),
  REASSEMBLY_TABLE_FULL: dropCode('reassembly-table-full'),
  ICMP_RATE_LIMITED: dropCode('icmp-rate-limited'),
  ICMP_ERROR_SUPPRESSED: dropCode('icmp-error-suppressed'),
  ICMP_ECHO_IGNORED: dropCode('icmp-echo-ignored'),
  NO_INTERFACE: dropCode('no-interface'),
  BRIDGE_NOT_IMPLEMENTED: dropCode('bridge-not-implemented'),
  VLAN_NOT_IMPLEMENTED: dropCode('vlan-not-implemented'),
  IPV6_NOT_IMPLEMENTED: dropCode('ipv6-not-implemented'),
  UNKNOWN_ETHERTYPE: dropCode('unknown-ethertype'),
  NOT_FOR_ROUTER: dropCode('not-for-router'),
  ARP_IGNORED: dropCode('arp-ignored'),
  MARTIAN_SOURCE: dropCode('martian-source'),
  MARTIAN_DESTINATION: dropCode('martian-destination'),
  NO_ROUTE: dropCode('no-route'),
  ROUTE_BLACKHOLE: dropCode('route-blackhole'),
  ROUTE_UNREACHABLE: dropCode('route-unreachable'),
  ROUTE_PROHIBIT: dropCode('route-prohibit'),
  ROUTE_LOOP: dropCode('route-loop'),
  ARP_QUEUE_OVERFLOW: dropCode('arp-queue-overflow'),
  ARP_FAILED: dropCode('arp-failed'),
  ARP_TABLE_FULL: dropCode('arp-table-full'),
  ARP_RESOLVE_DISABLED: dropCode('arp-resolve-disabled'),
  BRIDGE_SAME_PORT: dropCode('bridge-same-port'),
  BRIDGE_HORIZON: dropCode('bridge-horizon'),
  BRIDGE_NO_FLOOD_PORT: dropCode('bridge-no-flood-port'),
  VLAN_UNKNOWN: dropCode('vlan-unknown'),
  VLAN_NO_HEADROOM: dropCode('vlan-no-headroom'),
  BRIDGE_FRAME_TYPE: dropCode('bridge-frame-type'),
  BRIDGE_VLAN_INGRESS_FILTER: dropCode('bridge-vlan-ingress-filter'),
  BRIDGE_VLAN_EGRESS: dropCode('bridge-vlan-egress'),
  BRIDGE_FILTER_DROP: dropCode('bridge-filter-drop'),
  BRIDGE_NAT_DROP: dropCode('bridge-nat-drop'),
  UDP_PORT_UNREACHABLE: dropCode('udp-port-unreachable'),
  TCP_NO_LISTENER: dropCode('tcp-no-listener'),
  CONNTRACK_FULL: dropCode('conntrack-full'),
  CONNTRACK_CLASH: dropCode('conntrack-clash'),
  FIREWALL_DROP: dropCode('firewall-drop'),
  FIREWALL_REJECT: dropCode('firewall-reject'),
  FIREWALL_TARPIT: dropCode('firewall-tarpit'),
  NAT_NO_PORT: dropCode('nat-no-port'),
  RULE_DROP: dropCode('rule-drop'),
  RULE_UNREACHABLE: dropCode('rule-unreachable'),
  RULE_TABLE_MISS: dropCode('rule-table-miss'),
  CONNTRACK_HELPER: dropCode('conntrack-helper'),
  QUEUE_FULL: dropCode('queue-full'),
  QUEUE_RED: dropCode('queue-red'),
  QUEUE_CODEL: dropCode('queue-codel'),
  QUEUE_MEMORY: dropCode('queue-memory'),
  QUEUE_INVALID: dropCode('queue-invalid'),
  BRIDGE_DNAT_UNRESOLVED: dropCode('bridge-dnat-unresolved'),
  METAROUTER_DOWN: dropCode('metarouter-down'),
  METAROUTER_LOOP: dropCode('metarouter-loop'),
  METAROUTER_UNLINKED: dropCode('metarouter-unlinked'),
} as const;
