/**
 * The compiled form of one firewall table (`/ip firewall raw|filter|mangle|nat`, and `/interface bridge
 * filter|nat` later): what control/compile/firewall.ts produces once per config generation and what the
 * firewall stages read per packet. Rules are rows of typed arrays (struct of arrays); a rule's matchers are
 * bits of `has` (and `neg` for the negated ones), each with its own columns.
 *
 * The packet side is a small field vector (`PF`, an Int32Array the stage fills once per packet per hook:
 * addresses, ports, interfaces, marks, connection state...). Matching reads rule columns and that vector only.
 *
 * Semantics: shared/ROUTEROS-FLOW.md §2. Where a detail is UNCONFIRMED there, the Linux (iptables/xtables)
 * behaviour RouterOS builds on is used and said so in match.ts.
 */

/** Matcher bits of `FwTable.has` / `FwTable.neg`, in the order match.ts tests them (cheap first). */
export const M = {
  PROTO: 1 << 0,
  IN_IF: 1 << 1,
  OUT_IF: 1 << 2,
  IN_LIST: 1 << 3,
  OUT_LIST: 1 << 4,
  SRC: 1 << 5,
  DST: 1 << 6,
  SPORT: 1 << 7,
  DPORT: 1 << 8,
  PORT: 1 << 9,
  CSTATE: 1 << 10,
  CNAT: 1 << 11,
  PMARK: 1 << 12,
  CMARK: 1 << 13,
  RMARK: 1 << 14,
  TCP_FLAGS: 1 << 15,
  ICMP: 1 << 16,
  SIZE: 1 << 17,
  TTL: 1 << 18,
  DSCP: 1 << 19,
  SRC_MAC: 1 << 20,
  FRAGMENT: 1 << 21,
  SRC_LIST: 1 << 22,
  DST_LIST: 1 << 23,
  SRC_TYPE: 1 << 24,
  DST_TYPE: 1 << 25,
  MSS: 1 << 26,
  // Stateful matchers last: they change state only when everything before them matched.
  RANDOM: 1 << 27,
  NTH: 1 << 28,
  LIMIT: 1 << 29,
  /** A matcher flowplane does not evaluate yet: the rule never matches (reported by the compiler). */
  UNSUPPORTED: 1 << 30,
  /**
   * Summary bit: the rule uses a rare matcher (its bits are in the second word `has2` / `neg2`, `R.*`). Rules
   * without it pay one bit test for all of them. A failed rare matcher is reported as `M.RARE | R.bit`.
   */
  RARE: 1 << 31,
} as const;

/**
 * Rare matcher bits of `FwTable.has2` / `FwTable.neg2` (only looked at when `has & M.RARE`). The first group is
 * stateless and tested after the common matchers; the last (`DST_LIMIT`, `PSD`) changes per-rule state and is
 * tested after limit, only when everything else matched.
 */
export const R = {
  IN_BPORT: 1 << 0,
  OUT_BPORT: 1 << 1,
  IN_BLIST: 1 << 2,
  OUT_BLIST: 1 << 3,
  TOS: 1 << 4,
  IPV4_OPTIONS: 1 << 5,
  PRIORITY: 1 << 6,
  INGRESS_PRIORITY: 1 << 7,
  IPSEC: 1 << 8,
  TIME: 1 << 9,
  CONN_BYTES: 1 << 10,
  CONN_RATE: 1 << 11,
  CONN_LIMIT: 1 << 12,
  CONTENT: 1 << 13,
  TLS_HOST: 1 << 14,
  LAYER7: 1 << 15,
  // Stateful (per-rule state), last.
  DST_LIMIT: 1 << 16,
  PSD: 1 << 17,
  /** connection-type (stateless; checked with the stateless rare matchers). */
  CTYPE: 1 << 18,
  /** per-connection-classifier (stateless). */
  PCC: 1 << 19,
} as const;

/** Rare matcher names by bit position of R. */
export const RARE_NAMES = [
  'in-bridge-port',
  'out-bridge-port',
  'in-bridge-port-list',
  'out-bridge-port-list',
  'tos',
  'ipv4-options',
  'priority',
  'ingress-priority',
  'ipsec-policy',
  'time',
  'connection-bytes',
  'connection-rate',
  'connection-limit',
  'content',
  'tls-host',
  'layer7-protocol',
  'dst-limit',
  'psd',
  'connection-type',
  'per-connection-classifier',
] as const;

/** The R bits whose matcher changes per-rule state (tested last). */
export const R_STATEFUL = R.DST_LIMIT | R.PSD;

/** `ipv4-options=` codes (FwTable.ipOpts): any, none, or an option present/absent. */
export const IPOPT = {
  ANY: 0,
  NONE: 1,
  STRICT_SOURCE_ROUTING: 2,
  LOOSE_SOURCE_ROUTING: 3,
  NO_SOURCE_ROUTING: 4,
  RECORD_ROUTE: 5,
  NO_RECORD_ROUTE: 6,
  TIMESTAMP: 7,
  NO_TIMESTAMP: 8,
  ROUTER_ALERT: 9,
  NO_ROUTER_ALERT: 10,
} as const;

/** Option-present bits in PF.IPV4_OPTS. */
export const OPT_BIT = { ANY: 1, SSRR: 2, LSRR: 4, RR: 8, TS: 16, RA: 32 } as const;

/** `dst-limit` modes (FwTable.dlMode): which fields key a flow's bucket. */
export const DL_MODE = {
  SRC_ADDRESS: 0,
  DST_ADDRESS: 1,
  SRC_AND_DST_ADDRESSES: 2,
  DST_ADDRESS_AND_PORT: 3,
  ADDRESSES_AND_DST_PORT: 4,
} as const;

/** `new-priority=` specials for set-priority (FwTable.modVal); 0..63 set the value. */
export const PRIO_FROM = { DSCP: -1, INGRESS: -2, DSCP_HIGH_3_BITS: -3 } as const;

/** Matcher names by bit position (traces: "failed at dst-port"). */
export const MATCHER_NAMES = [
  'protocol',
  'in-interface',
  'out-interface',
  'in-interface-list',
  'out-interface-list',
  'src-address',
  'dst-address',
  'src-port',
  'dst-port',
  'port',
  'connection-state',
  'connection-nat-state',
  'packet-mark',
  'connection-mark',
  'routing-mark',
  'tcp-flags',
  'icmp-options',
  'packet-size',
  'ttl',
  'dscp',
  'src-mac-address',
  'fragment',
  'src-address-list',
  'dst-address-list',
  'src-address-type',
  'dst-address-type',
  'tcp-mss',
  'random',
  'nth',
  'limit',
  'unsupported matcher',
] as const;

/** Name of the lowest set matcher bit of `bit` (`M.RARE | R.x`: the rare matcher's name). */
export function matcherName(bit: number): string {
  if (bit < 0) {
    const r = bit & 0x7fffffff;
    if (r === 0) return 'rare matcher';
    return RARE_NAMES[31 - Math.clz32(r & -r)] ?? `rare matcher ${r}`;
  }
  return MATCHER_NAMES[31 - Math.clz32(bit & -bit)] ?? `matcher ${bit}`;
}

/** Action codes (`FwTable.action`). */
export const A = {
  ACCEPT: 0,
  DROP: 1,
  REJECT: 2,
  TARPIT: 3,
  JUMP: 4,
  RETURN: 5,
  PASSTHROUGH: 6,
  LOG: 7,
  ADD_SRC_LIST: 8,
  ADD_DST_LIST: 9,
  FASTTRACK: 10,
  NOTRACK: 11,
  MARK_CONNECTION: 12,
  MARK_PACKET: 13,
  MARK_ROUTING: 14,
  CHANGE_TTL: 15,
  CHANGE_DSCP: 16,
  CHANGE_MSS: 17,
  CLEAR_DF: 18,
  SET_PRIORITY: 19,
  STRIP_IPV4_OPTIONS: 20,
  ROUTE: 21,
  SNIFF: 22,
  SRC_NAT: 23,
  DST_NAT: 24,
  MASQUERADE: 25,
  REDIRECT: 26,
  NETMAP: 27,
  SAME: 28,
  ENDPOINT_INDEPENDENT_NAT: 29,
  SOCKSIFY: 30,
} as const;

/** RouterOS action names by code. */
export const ACTION_NAMES = [
  'accept',
  'drop',
  'reject',
  'tarpit',
  'jump',
  'return',
  'passthrough',
  'log',
  'add-src-to-address-list',
  'add-dst-to-address-list',
  'fasttrack-connection',
  'notrack',
  'mark-connection',
  'mark-packet',
  'mark-routing',
  'change-ttl',
  'change-dscp',
  'change-mss',
  'clear-df',
  'set-priority',
  'strip-ipv4-options',
  'route',
  'sniff-tzsp',
  'src-nat',
  'dst-nat',
  'masquerade',
  'redirect',
  'netmap',
  'same',
  'endpoint-independent-nat',
  'socksify',
] as const;

/** per-connection-classifier field bits (`FwTable.pccFields`). */
export const PCC_F = { SRC_ADDR: 1, DST_ADDR: 2, SRC_PORT: 4, DST_PORT: 8 } as const;

/** `connection-state` bits (PF.CSTATE holds exactly one). */
export const CS = { NEW: 1, ESTABLISHED: 2, RELATED: 4, INVALID: 8, UNTRACKED: 16 } as const;
export const CS_NAMES = ['new', 'established', 'related', 'invalid', 'untracked'] as const;
/** `connection-nat-state` bits. */
export const CN = { SRCNAT: 1, DSTNAT: 2, EIN_SNAT: 4, EIN_DNAT: 8 } as const;
/** Address-type bits (`src-address-type` / `dst-address-type`). */
export const AT = { UNICAST: 1, LOCAL: 2, BROADCAST: 4, MULTICAST: 8, BLACKHOLE: 16, UNREACHABLE: 32, PROHIBIT: 64 } as const;
/** `ttl=` comparison ops. */
export const TTL_OP = { EQUAL: 0, NOT_EQUAL: 1, LESS_THAN: 2, GREATER_THAN: 3 } as const;
/** `reject-with` codes: ICMP type << 8 | code, or TCP_RESET. */
export const TCP_RESET = 0xffff;

/**
 * The packet field vector: indices into an Int32Array the stage fills per packet. Addresses are stored biased
 * (`ip ^ 0x80000000`, as int32) so signed comparisons order them like unsigned ones; -1 means "absent" for
 * ports, ICMP type/code, MSS, MAC and interfaces.
 */
export const PF = {
  SRC: 0,
  DST: 1,
  PROTO: 2,
  SPORT: 3,
  DPORT: 4,
  TCP_FLAGS: 5,
  ICMP_TYPE: 6,
  ICMP_CODE: 7,
  /** IP total length. */
  SIZE: 8,
  TTL: 9,
  DSCP: 10,
  IN_IF: 11,
  OUT_IF: 12,
  PMARK: 13,
  CMARK: 14,
  RMARK: 15,
  /** One CS bit. */
  CSTATE: 16,
  /** CN bits. */
  CNAT: 17,
  /** 1 when the packet is a fragment (first one included). */
  FRAGMENT: 18,
  /** Source MAC as hi16 / lo32 (-1: none, e.g. router-made packets). */
  MAC_HI: 19,
  MAC_LO: 20,
  /** Address types, filled lazily by the environment (-1: not computed yet). */
  SRC_TYPE: 21,
  DST_TYPE: 22,
  /** TCP MSS option (-1: not computed, -2: absent). */
  MSS: 23,
  /** Bytes of the packet for the rule counters (IP total length). */
  BYTES: 24,
  // ---- read by the rare matchers (R); filled when the table uses one (fields.ts) ----
  /** The whole TOS byte (DSCP is its top six bits). */
  TOS: 25,
  /** The packet's connection ref (`id * 2 + dir`, conntrack/table.ts), -1 none. */
  CT_REF: 26,
  /** Interface index of the bridge port the packet came in on / leaves by (-1: none or not known). */
  IN_BPORT: 27,
  OUT_BPORT: 28,
  /** Packet priority (0..63: set-priority, else 0) and the priority it arrived with (VLAN PCP, else 0). */
  PRIORITY: 29,
  INGRESS_PRIO: 30,
  /** OPT_BIT bits of the IPv4 options present (0 none). */
  IPV4_OPTS: 31,
  /** Absolute offset of the L4 payload in the pool bytes and its length (-1: no payload known). */
  PAYLOAD: 32,
  PAYLOAD_LEN: 33,
  /** TLS SNI host name found in the payload: absolute offset and length (-1: not looked for yet, -2: none). */
  SNI: 34,
  SNI_LEN: 35,
  /** connection-type: helper code of the connection's master (0: not a helper's related connection). */
  CTYPE: 36,
  COUNT: 37,
} as const;

/** Bias an IPv4 address for signed compares. */
export function biasIp(ip: number): number {
  return (ip ^ 0x80000000) | 0;
}

/** One compiled table. Chains are by index; `chainRules[c]` lists the chain's rules in order. */
export interface FwTable {
  /** Rule count. */
  readonly n: number;
  /** Per rule: the store `.id` (`*3`) and comment, for traces and counters (off the hot path). */
  readonly ids: readonly string[];
  readonly comments: readonly string[];
  /** Chain names by index (built-ins first, in BUILTIN_CHAINS order, then user chains). */
  readonly chainNames: readonly string[];
  readonly chainRules: readonly Int32Array[];
  /** Per chain: a bit-vector classifier over its rules (classify.ts), or null for short chains. */
  readonly chainIndex: readonly (FwClassifier | null)[];

  // ---- matchers ----
  readonly has: Int32Array;
  readonly neg: Int32Array;
  readonly proto: Uint8Array;
  readonly inIf: Int32Array;
  readonly outIf: Int32Array;
  readonly inList: Int32Array;
  readonly outList: Int32Array;
  /** Biased address ranges (a prefix is its first..last address). */
  readonly srcLo: Int32Array;
  readonly srcHi: Int32Array;
  readonly dstLo: Int32Array;
  readonly dstHi: Int32Array;
  /** Port lists: `[start, count)` into portLo/portHi, per matcher (sport, dport, port). */
  readonly sportAt: Int32Array;
  readonly dportAt: Int32Array;
  readonly portAt: Int32Array;
  readonly portN: Uint8Array;
  readonly sportN: Uint8Array;
  readonly dportN: Uint8Array;
  readonly portLo: Uint16Array;
  readonly portHi: Uint16Array;
  readonly cstate: Uint8Array;
  readonly cnat: Uint8Array;
  readonly pmark: Uint16Array;
  readonly cmark: Uint16Array;
  readonly rmark: Uint16Array;
  readonly tcpMask: Uint8Array;
  readonly tcpVal: Uint8Array;
  readonly icmpType: Uint8Array;
  /** -1 any code. */
  readonly icmpCodeLo: Int16Array;
  readonly icmpCodeHi: Int16Array;
  readonly sizeLo: Uint16Array;
  readonly sizeHi: Uint16Array;
  readonly ttlOp: Uint8Array;
  readonly ttlVal: Uint8Array;
  readonly dscp: Uint8Array;
  readonly macHi: Int32Array;
  readonly macLo: Int32Array;
  /** 1 fragment=yes, 0 fragment=no. */
  readonly fragment: Uint8Array;
  readonly srcList: Int32Array;
  readonly dstList: Int32Array;
  readonly srcType: Uint8Array;
  readonly dstType: Uint8Array;
  readonly mssLo: Uint16Array;
  readonly mssHi: Uint16Array;
  readonly randomPct: Uint8Array;
  readonly nthEvery: Int32Array;
  readonly nthPacket: Int32Array;
  /** limit: tokens per second, burst (tokens), and 1 when counted in bits instead of packets. */
  readonly limitRate: Float64Array;
  readonly limitBurst: Float64Array;
  readonly limitBits: Uint8Array;
  /** connection-type helper code (conntrack/table.ts Helper). */
  readonly ctype: Uint8Array;

  // ---- rare matchers (R bits of has2 / neg2; rows of rules without M.RARE are unused) ----
  readonly has2: Int32Array;
  readonly neg2: Int32Array;
  /** in-/out-bridge-port: interface index; -list: interface-list id. */
  readonly inBport: Int32Array;
  readonly outBport: Int32Array;
  readonly inBlist: Int32Array;
  readonly outBlist: Int32Array;
  /** tos=v[/mask]: (TOS & mask) === v. */
  readonly tosVal: Uint8Array;
  readonly tosMask: Uint8Array;
  /** ipv4-options: IPOPT code. */
  readonly ipOpts: Uint8Array;
  readonly prio: Uint8Array;
  readonly ingressPrio: Uint8Array;
  /** ipsec-policy: 1 when `ipsec` (the packet would be subject to IPsec), 0 for `none`. */
  readonly ipsec: Uint8Array;
  /** time: seconds of the day (inclusive both ends; from > to wraps midnight) and weekday bits (bit 0 Sunday). */
  readonly timeFrom: Int32Array;
  readonly timeTo: Int32Array;
  readonly timeDays: Uint8Array;
  /** connection-bytes / connection-rate ranges (bytes; bits per second); upper bound Infinity = none. */
  readonly cbytesLo: Float64Array;
  readonly cbytesHi: Float64Array;
  readonly crateLo: Float64Array;
  readonly crateHi: Float64Array;
  /** connection-limit=count,prefixlen. */
  readonly climCount: Int32Array;
  readonly climLen: Uint8Array;
  /** content / tls-host patterns: `[at, at + len)` of `patBytes` (tls-host lower-cased). */
  readonly contentAt: Int32Array;
  readonly contentLen: Int32Array;
  readonly tlsAt: Int32Array;
  readonly tlsLen: Int32Array;
  readonly patBytes: Uint8Array;
  /** layer7-protocol: the protocol's index in FirewallTables.l7 (its bit in the connection's matched set). */
  readonly l7: Uint8Array;
  /** dst-limit: tokens per second, burst, DL_MODE, entry expiry (s). */
  readonly dlRate: Float64Array;
  readonly dlBurst: Float64Array;
  readonly dlMode: Uint8Array;
  readonly dlExpire: Float64Array;
  /** psd=WeightThreshold,DelayThreshold,LowPortWeight,HighPortWeight (delay in seconds). */
  readonly psdWeight: Int32Array;
  readonly psdDelay: Float64Array;
  readonly psdLo: Int32Array;
  readonly psdHi: Int32Array;
  /** per-connection-classifier: PCC_F bits of the hashed fields, denominator (>= 1), remainder. */
  readonly pccFields: Uint8Array;
  readonly pccDen: Int32Array;
  readonly pccRem: Int32Array;

  // ---- actions ----
  readonly action: Uint8Array;
  /** jump-target chain index (-1 none). */
  readonly jump: Int32Array;
  /** Mangle and list actions: 1 = continue after the action (passthrough=yes). */
  readonly passthrough: Uint8Array;
  /** New mark id (mark-connection / mark-packet), routing mark code (mark-routing). */
  readonly newMark: Uint16Array;
  /** reject-with code (ICMP type << 8 | code, or TCP_RESET). */
  readonly rejectWith: Uint16Array;
  /** Address list id for add-src/dst-to-address-list, and the entry lifetime (s; Infinity none). */
  readonly addList: Int32Array;
  readonly addTimeout: Float64Array;
  /**
   * change-ttl: op (0 set, 1 increment, 2 decrement) and value; change-dscp value; change-mss value (0 =
   * clamp-to-pmtu); set-priority value (0..63 or PRIO_FROM); route: route-dst (the gateway's address bits).
   */
  readonly modOp: Uint8Array;
  readonly modVal: Int32Array;
  /** log=yes (or action=log): record a log line; prefix per rule. */
  readonly log: Uint8Array;
  readonly logPrefix: readonly string[];
  /** NAT parameters: to-addresses (biased range) and to-ports (range; 0..0 = keep). */
  readonly toAddrLo: Int32Array;
  readonly toAddrHi: Int32Array;
  readonly toPortLo: Uint16Array;
  readonly toPortHi: Uint16Array;
  /** NAT flags: bit 0 randomise-ports, bit 1 same-not-by-dst. */
  readonly natFlags: Uint8Array;
}

/**
 * A bit-vector classifier for one chain (Lakshman & Stiliadis): for each indexed field, the field's value
 * space is cut into elementary intervals and each interval carries a bitset of the chain's rules whose
 * matcher on that field can accept a value in it. ANDing the packet's bitsets leaves the candidates, which
 * are then checked in order with the full matcher. The cost per packet grows with rules/32, not rules.
 */
export interface FwClassifier {
  /** Words per bitset (ceil(rules / 32)). */
  readonly words: number;
  /** Field → (sorted interval start points, biased/plain per field; bitsets row-major). */
  readonly fields: readonly FwFieldIndex[];
}

export interface FwFieldIndex {
  /** Which PF field this indexes. */
  readonly pf: number;
  /** Sorted interval starts; interval k covers [starts[k], starts[k+1]). starts[0] is the field's minimum. */
  readonly starts: Int32Array;
  /** `bits[k * words + w]`: rules compatible with interval k. */
  readonly bits: Int32Array;
}
