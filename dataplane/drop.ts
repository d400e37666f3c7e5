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
} as const;
