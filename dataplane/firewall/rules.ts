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
  /** per-connection-classifier (stateless; tested after UNSUPPORTED, before the stateful ones). Bit 31: negative as int32. */
  PCC: 1 << 31,
} as const;

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
  'per-connection-classifier',
] as const;

/** Name of the lowest set matcher bit of `bit`. */
export function matcherName(bit: number): string {
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
  COUNT: 25,
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
  /** change-ttl: op (0 set, 1 increment, 2 decrement) and value; change-dscp value; change-mss value (0 = clamp-to-pmtu). */
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
