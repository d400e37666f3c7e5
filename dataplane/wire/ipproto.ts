/**
 * IP protocol numbers / IPv6 next-header values (IANA "Assigned Internet Protocol Numbers").
 * Kept in their own file so every protocol module can import them without import cycles.
 */
export const IpProto = {
  /** IPv6 hop-by-hop options header. */
  HOPOPTS: 0,
  ICMP: 1,
  IGMP: 2,
  IPIP: 4,
  TCP: 6,
  UDP: 17,
  /** IPv6-in-IP (6in4). */
  IPV6: 41,
  /** IPv6 routing header. */
  ROUTING: 43,
  /** IPv6 fragment header. */
  FRAGMENT: 44,
  GRE: 47,
  ESP: 50,
  AH: 51,
  ICMPV6: 58,
  /** IPv6 "no next header". */
  NONE: 59,
  /** IPv6 destination options header. */
  DSTOPTS: 60,
  OSPF: 89,
  PIM: 103,
  VRRP: 112,
  L2TP: 115,
  SCTP: 132,
  UDPLITE: 136,
} as const;

const NAMES: Record<number, string> = {
  0: 'HBH', 1: 'ICMP', 2: 'IGMP', 4: 'IPIP', 6: 'TCP', 17: 'UDP', 41: 'IPv6', 43: 'routing', 44: 'frag',
  47: 'GREv0', 50: 'ESP', 51: 'AH', 58: 'ICMPv6', 59: 'no-next', 60: 'DSTOPT', 89: 'OSPF', 103: 'PIM',
  112: 'VRRP', 115: 'L2TP', 132: 'SCTP', 136: 'UDPLite',
};

/** Short protocol name for display (`ip-proto-N` when unknown). */
export function ipProtoName(p: number): string {
  return NAMES[p] ?? `ip-proto-${p}`;
}
