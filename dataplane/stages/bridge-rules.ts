/**
 * The bridge firewall's rules as the dataplane reads them, and the chain walk the bridge firewall stages
 * share (bridge-filter.ts: chains input, forward, output; bridge-nat.ts: dstnat, srcnat).
 *
 * `/interface bridge filter` and `/interface bridge nat` are compiled once per configuration
 * (control/compile/bridge-rules.ts) into `BridgeRules`: one typed-array column per matcher and action field,
 * one row per rule. Rules of a chain are contiguous rows (`chainStart[c] .. chainStart[c + 1]`); chains 0-4
 * are the built-in ones (BrChain), user chains follow (filter's and nat's user chains are separate chains:
 * a jump never crosses tables). Nothing here allocates per packet.
 *
 * Walk (ROUTEROS-FLOW.md §2/§6, Linux ebtables): rules top-down, matchers ANDed, each matcher negatable
 * (`in-interface=!ether2`). A matching rule counts the frame (`packets`, `bytes` in FlowState) and acts:
 * - accept: leave the chain, the frame continues (in nat: no more translation);
 * - drop: the frame is dropped (`bridge-filter-drop` / `bridge-nat-drop`);
 * - jump: walk `jump-target` (a return, or falling off its end, comes back); return: back to the caller
 *   (in a built-in chain: accept);
 * - passthrough, log: count (log: a `bridge-log` trace event) and continue; `log=yes` logs for any action;
 * - mark-packet: set the packet mark (`new-packet-mark`), continue unless `passthrough=no`;
 * - set-priority: counted and passed through; flowplane keeps no priority column (**not implemented**);
 * - nat dst-nat / src-nat: rewrite the destination / source MAC (`to-dst-mac-address`, `to-src-mac-address`),
 *   then accept (ebtables' dnat/snat default target; RouterOS states no other);
 * - nat redirect: the destination MAC becomes the bridge's own MAC, so the bridging decision sends the frame
 *   up to the router (ebtables redirect); then accept;
 * - nat arp-reply: an ARP request is answered with `to-arp-reply-mac-address`: turned into the reply in place
 *   and sent out of the port it came in on (ebtables arpreply; the request itself goes no further). A frame
 *   that is not an ARP request is accepted unchanged.
 * Falling off the end of a built-in chain = accept. Jumps nest up to 16 deep; deeper jumps are ignored (a
 * loop in the configuration must not hang the dataplane).
 *
 * What the matchers look at (the frame as it is at that point of the flow):
 * - in-/out-interface(-list): the receiving / sending bridge port (none in chain output / input); a
 *   positive matcher fails when there is none, a negated one passes. in-/out-bridge(-list): their bridge.
 * - src-/dst-mac-address `MAC/MASK`; mac-protocol: the outer ethertype in the frame (a tagged frame is
 *   `vlan`; `length`/`802.2`: an 802.3 length field below 0x600); packet-type: broadcast, multicast, host
 *   (the destination is the bridge's or one of its ports' MACs) or other-host.
 * - vlan-id / vlan-priority / vlan-encap: the outer tag in the frame (untagged frames never match). With
 *   vlan-filtering the tag is added or removed at the bridging decision, so chain forward sees each copy as
 *   it will leave its port, dstnat sees it as received.
 * - ip-protocol, src-/dst-address (prefix), src-/dst-port (port or range): an IPv4 packet (tagged or not);
 *   ports need TCP or UDP and no later fragment. arp-opcode, arp-src-/dst-address, arp-src-/dst-mac-address,
 *   arp-gratuitous: an Ethernet/IPv4 ARP packet. A frame without the header never matches such a matcher,
 *   negated or not (ebtables' -p requirement).
 * - packet-mark (`no-mark` = unmarked): the packet mark (shared with the IP firewall's mangle).
 * Rules with a matcher or action flowplane does not evaluate (limit, stp-*, 802.3-*, IPv6 addresses,
 * ingress-priority, tls-host, arp-hardware-/packet-type, an unknown mac-protocol name) are compiled as
 * inactive (never match) and reported by the compile step.
 */
import type { TraceBuffer, TraceNames } from '../trace';
import { traceEvent } from '../trace';

/** Built-in chains (chain numbers). */
export const BrChain = { INPUT: 0, FORWARD: 1, OUTPUT: 2, DSTNAT: 3, SRCNAT: 4 } as const;
export const BR_CHAIN_BUILTIN = ['input', 'forward', 'output', 'dstnat', 'srcnat'] as const;

/** Actions (the `action` column). */
export const BrAction = {
  ACCEPT: 0,
  DROP: 1,
  JUMP: 2,
  RETURN: 3,
  PASSTHROUGH: 4,
  LOG: 5,
  MARK_PACKET: 6,
  SET_PRIORITY: 7,
  DST_NAT: 8,
  SRC_NAT: 9,
  REDIRECT: 10,
  ARP_REPLY: 11,
} as const;
export const BR_ACTION_NAMES = ['accept', 'drop', 'jump', 'return', 'passthrough', 'log', 'mark-packet', 'set-priority', 'dst-nat', 'src-nat', 'redirect', 'arp-reply'] as const;

/** Per-rule flags (the `flags` column). */
export const BrRuleFlag = {
  /** `log=yes`: a bridge-log event whatever the action. */
  LOG: 1,
  /** mark-packet with passthrough=no: stop the chain after marking. */
  STOP: 2,
  /** A matcher or action flowplane does not evaluate: the rule never matches. */
  INACTIVE: 4,
} as const;

/** Matcher bits (the `match` and `neg` columns). */
export const BrMatch = {
  IN_IF: 1 << 0,
  OUT_IF: 1 << 1,
  IN_LIST: 1 << 2,
  OUT_LIST: 1 << 3,
  IN_BRIDGE: 1 << 4,
  OUT_BRIDGE: 1 << 5,
  IN_BRIDGE_LIST: 1 << 6,
  OUT_BRIDGE_LIST: 1 << 7,
  SRC_MAC: 1 << 8,
  DST_MAC: 1 << 9,
  MAC_PROTO: 1 << 10,
  PACKET_TYPE: 1 << 11,
  VLAN_ID: 1 << 12,
  VLAN_PRIO: 1 << 13,
  VLAN_ENCAP: 1 << 14,
  IP_PROTO: 1 << 15,
  SRC_ADDR: 1 << 16,
  DST_ADDR: 1 << 17,
  SRC_PORT: 1 << 18,
  DST_PORT: 1 << 19,
  ARP_OP: 1 << 20,
  ARP_SRC: 1 << 21,
  ARP_DST: 1 << 22,
  ARP_SRC_MAC: 1 << 23,
  ARP_DST_MAC: 1 << 24,
  ARP_GRATUITOUS: 1 << 25,
  PACKET_MARK: 1 << 26,
} as const;

/** packet-type codes. */
export const BrPacketType = { HOST: 0, BROADCAST: 1, MULTICAST: 2, OTHER_HOST: 3 } as const;
/** mac-protocol value meaning "an 802.3 length field" (`length`, `802.2`). */
export const MAC_PROTO_LENGTH = -1;

/** MAC matcher slots in the mac columns (4 per rule). */
export const BrMac = { SRC: 0, DST: 1, ARP_SRC: 2, ARP_DST: 3 } as const;

/** Compiled `/interface bridge filter` + `/interface bridge nat` (control/compile/bridge-rules.ts). */
export interface BridgeRules {
  /** Rows (rules of every chain). */
  readonly count: number;
  /** Chain c holds rows `chainStart[c] .. chainStart[c + 1]` (length: chains + 1). */
  readonly chainStart: Int32Array;
  /** Chain names (built-in first; user chains `filter:name` / `nat:name`). */
  readonly chainNames: readonly string[];
  /** Per row: the store item id (`*3` = 3), for counters and traces. */
  readonly id: Int32Array;
  readonly action: Uint8Array;
  readonly flags: Uint8Array;
  /** Chain number for jump. */
  readonly jump: Int32Array;
  readonly match: Int32Array;
  readonly neg: Int32Array;
  /** Port number / bridge virtual port (-2: an interface that is no bridge port: never equal). */
  readonly inIf: Int32Array;
  readonly outIf: Int32Array;
  /** Bridge virtual port (portNames.length + bridge number). */
  readonly inBridge: Int32Array;
  readonly outBridge: Int32Array;
  /** Interface list number (rows of listMember) for in-/out-interface-list, in-/out-bridge-list. */
  readonly inList: Int32Array;
  readonly outList: Int32Array;
  readonly inBridgeList: Int32Array;
  readonly outBridgeList: Int32Array;
  /** `[list * vports + vport]` = 1 when the port (or bridge) is a member of the list. */
  readonly listMember: Uint8Array;
  /** Ports + bridges (the row length of listMember). */
  readonly vports: number;
  /** 4 MAC matchers per rule (BrMac order): value and mask, hi 16 bits and lo 32 bits (lo as int32). */
  readonly macHi: Int32Array;
  readonly macLo: Int32Array;
  readonly maskHi: Int32Array;
  readonly maskLo: Int32Array;
  /** Ethertype, or MAC_PROTO_LENGTH. */
  readonly macProto: Int32Array;
  readonly packetType: Uint8Array;
  readonly vlanId: Uint16Array;
  readonly vlanPrio: Uint8Array;
  readonly vlanEncap: Uint16Array;
  readonly ipProto: Uint8Array;
  /** IPv4 prefixes as int32 address and mask. */
  readonly srcAddr: Int32Array;
  readonly srcMask: Int32Array;
  readonly dstAddr: Int32Array;
  readonly dstMask: Int32Array;
  readonly srcPortLo: Uint16Array;
  readonly srcPortHi: Uint16Array;
  readonly dstPortLo: Uint16Array;
  readonly dstPortHi: Uint16Array;
  readonly arpOp: Uint16Array;
  readonly arpSrc: Int32Array;
  readonly arpSrcMask: Int32Array;
  readonly arpDst: Int32Array;
  readonly arpDstMask: Int32Array;
  /** packet-mark to match (interned id, 0 = no-mark), new-packet-mark to set. */
  readonly packetMark: Uint16Array;
  readonly newMark: Uint16Array;
  /** nat target MAC (to-dst-/to-src-/to-arp-reply-mac-address): 6 bytes per rule. */
  readonly toMac: Uint8Array;
  /** Some rule matches packet-type (the stage then looks the destination up in the FDB). */
  readonly usesPacketType: boolean;
  /**
   * Union of the BrMatch bits of all rules (plus ARP_OP when a rule has action arp-reply): fillFields reads
   * the VLAN, IP and ARP fields only when some rule looks at them.
   */
  readonly needs: number;
  /** Per row, for traces: `*3 "comment"` (or just `*3`). */
  readonly text: readonly string[];
  /** Per row: log-prefix ('' = none). */
  readonly logPrefix: readonly string[];
  /** Packet mark names by interned id (0 = no-mark). */
  readonly markNames: readonly string[];
}

/** An empty rule set (no bridge filter/nat rules). */
export function emptyBridgeRules(vports = 0): BridgeRules {
  return {
    count: 0,
    chainStart: new Int32Array(BR_CHAIN_BUILTIN.length + 1),
    chainNames: [...BR_CHAIN_BUILTIN],
    id: new Int32Array(0),
    action: new Uint8Array(0),
    flags: new Uint8Array(0),
    jump: new Int32Array(0),
    match: new Int32Array(0),
    neg: new Int32Array(0),
    inIf: new Int32Array(0),
    outIf: new Int32Array(0),
    inBridge: new Int32Array(0),
    outBridge: new Int32Array(0),
    inList: new Int32Array(0),
    outList: new Int32Array(0),
    inBridgeList: new Int32Array(0),
    outBridgeList: new Int32Array(0),
    listMember: new Uint8Array(0),
    vports,
    macHi: new Int32Array(0),
    macLo: new Int32Array(0),
    maskHi: new Int32Array(0),
    maskLo: new Int32Array(0),
    macProto: new Int32Array(0),
    packetType: new Uint8Array(0),
    vlanId: new Uint16Array(0),
    vlanPrio: new Uint8Array(0),
    vlanEncap: new Uint16Array(0),
    ipProto: new Uint8Array(0),
    srcAddr: new Int32Array(0),
    srcMask: new Int32Array(0),
    dstAddr: new Int32Array(0),
    dstMask: new Int32Array(0),
    srcPortLo: new Uint16Array(0),
    srcPortHi: new Uint16Array(0),
    dstPortLo: new Uint16Array(0),
    dstPortHi: new Uint16Array(0),
    arpOp: new Uint16Array(0),
    arpSrc: new Int32Array(0),
    arpSrcMask: new Int32Array(0),
    arpDst: new Int32Array(0),
    arpDstMask: new Int32Array(0),
    packetMark: new Uint16Array(0),
    newMark: new Uint16Array(0),
    toMac: new Uint8Array(0),
    usesPacketType: false,
    needs: 0,
    text: [],
    logPrefix: [],
    markNames: ['no-mark'],
  };
}

/** Rules in chain `c`. */
export function chainLength(r: BridgeRules, c: number): number {
  return r.chainStart[c + 1]! - r.chainStart[c]!;
}

// ---- trace events ---------------------------------------------------------------------------------------

/** TraceNames of a flow with bridge rules: the text of rule row `i` (Flow.traceNames provides it). */
export interface BridgeTraceNames extends TraceNames {
  bridgeRule?(i: number): string;
}
const ruleText = (i: number, n: TraceNames) => (n as BridgeTraceNames).bridgeRule?.(i) ?? `rule ${i}`;

export const BR_EV = {
  /** A rule matched: a = row, b = action. */
  RULE: traceEvent('bridge-rule', (a, b, n) => `${ruleText(a, n)} matched: ${BR_ACTION_NAMES[b] ?? b}`),
  /** action=log or log=yes: a = row. */
  LOG: traceEvent('bridge-log', (a, _b, n) => `logged by ${ruleText(a, n)}`),
  /** A nat rule rewrote a MAC: a = row, b = 0 destination, 1 source, 2 ARP reply sent. */
  NAT: traceEvent('bridge-nat', (a, b, n) => `${ruleText(a, n)}: ${b === 0 ? 'destination MAC rewritten' : b === 1 ? 'source MAC rewritten' : 'ARP request answered'}`),
} as const;

// ---- packet fields --------------------------------------------------------------------------------------

/** Indices into the field scratch (Int32Array(F_SIZE)) a stage fills once per frame before walking. */
export const F = {
  IN: 0,
  OUT: 1,
  IN_BR: 2,
  OUT_BR: 3,
  DHI: 4,
  DLO: 5,
  SHI: 6,
  SLO: 7,
  TYPE: 8,
  PKT_TYPE: 9,
  TAGGED: 10,
  VID: 11,
  PRIO: 12,
  ENCAP: 13,
  IP: 14,
  PROTO: 15,
  SRC: 16,
  DST: 17,
  L4: 18,
  SPORT: 19,
  DPORT: 20,
  ARP: 21,
  AOP: 22,
  ASPA: 23,
  ATPA: 24,
  ASHA_HI: 25,
  ASHA_LO: 26,
  ATHA_HI: 27,
  ATHA_LO: 28,
  MARK: 29,
} as const;
export const F_SIZE = 30;

// The hot functions below use the values of F, BrMatch, BrAction... as numeric literals (named in comments):
// compiled to CommonJS, `F.IN` would be a property load through `exports` at every use.

/**
 * Fill `f` for the frame at `off` (`len` bytes) with the slot's metadata. `inPort`/`outPort` are bridge
 * ports (-1 none), `inBr`/`outBr` bridge virtual ports (-1 none), `host` = the destination is one of the
 * bridge's own MACs (only read when a rule matches packet-type). `needs` (BridgeRules.needs) skips the
 * VLAN, IP and ARP fields no rule reads.
 */
export function fillFields(
  f: Int32Array,
  b: Uint8Array,
  off: number,
  len: number,
  flags: number,
  etherType: number,
  l3Off: number,
  l4Off: number,
  l4Proto: number,
  mark: number,
  inPort: number,
  outPort: number,
  inBr: number,
  outBr: number,
  host: boolean,
  needs: number,
): void {
  f[0 /* F.IN */] = inPort;
  f[1 /* F.OUT */] = outPort;
  f[2 /* F.IN_BR */] = inBr;
  f[3 /* F.OUT_BR */] = outBr;
  const dHi = (b[off]! << 8) | b[off + 1]!;
  const dLo = (b[off + 2]! << 24) | (b[off + 3]! << 16) | (b[off + 4]! << 8) | b[off + 5]!;
  f[4 /* F.DHI */] = dHi;
  f[5 /* F.DLO */] = dLo;
  f[6 /* F.SHI */] = (b[off + 6]! << 8) | b[off + 7]!;
  f[7 /* F.SLO */] = (b[off + 8]! << 24) | (b[off + 9]! << 16) | (b[off + 10]! << 8) | b[off + 11]!;
  const type = (b[off + 12]! << 8) | b[off + 13]!;
  f[8 /* F.TYPE */] = type;
  f[9 /* F.PKT_TYPE */] = (b[off]! & 1) !== 0 ? (dHi === 0xffff && dLo === -1 ? 1 /* BrPacketType.BROADCAST */ : 2 /* BrPacketType.MULTICAST */) : host ? 0 /* BrPacketType.HOST */ : 3 /* BrPacketType.OTHER_HOST */;
  f[29 /* F.MARK */] = mark;
  if ((needs & (4096 /* BrMatch.VLAN_ID */ | 8192 /* BrMatch.VLAN_PRIO */ | 16384 /* BrMatch.VLAN_ENCAP */)) !== 0) {
    const tagged = (type === 0x8100 || type === 0x88a8 || type === 0x9100) && len >= 18;
    f[10 /* F.TAGGED */] = tagged ? 1 : 0;
    f[11 /* F.VID */] = tagged ? ((b[off + 14]! & 0x0f) << 8) | b[off + 15]! : 0;
    f[12 /* F.PRIO */] = tagged ? b[off + 14]! >>> 5 : 0;
    f[13 /* F.ENCAP */] = tagged ? (b[off + 16]! << 8) | b[off + 17]! : 0;
  }
  if ((needs & IP_BITS) !== 0) fillIp(f, b, off, flags, etherType, l3Off, l4Off, l4Proto);
  if ((needs & ARP_BITS) !== 0) fillArp(f, b, off, flags, etherType, l3Off);
}

const IP_BITS = 32768 /* BrMatch.IP_PROTO */ | 65536 /* BrMatch.SRC_ADDR */ | 131072 /* BrMatch.DST_ADDR */ | 262144 /* BrMatch.SRC_PORT */ | 524288 /* BrMatch.DST_PORT */;
const ARP_BITS = 1048576 /* BrMatch.ARP_OP */ | 2097152 /* BrMatch.ARP_SRC */ | 4194304 /* BrMatch.ARP_DST */ | 8388608 /* BrMatch.ARP_SRC_MAC */ | 16777216 /* BrMatch.ARP_DST_MAC */ | 33554432 /* BrMatch.ARP_GRATUITOUS */;

function fillIp(f: Int32Array, b: Uint8Array, off: number, flags: number, etherType: number, l3Off: number, l4Off: number, l4Proto: number): void {
  const ip = etherType === 0x0800 && (flags & 0x10) !== 0;
  f[14 /* F.IP */] = ip ? 1 : 0;
  if (ip) {
    const o = off + l3Off;
    f[15 /* F.PROTO */] = l4Proto;
    f[16 /* F.SRC */] = (b[o + 12]! << 24) | (b[o + 13]! << 16) | (b[o + 14]! << 8) | b[o + 15]!;
    f[17 /* F.DST */] = (b[o + 16]! << 24) | (b[o + 17]! << 16) | (b[o + 18]! << 8) | b[o + 19]!;
    const l4 = (flags & 0x280) === 0x200 && (l4Proto === 6 || l4Proto === 17);
    f[18 /* F.L4 */] = l4 ? 1 : 0;
    if (l4) {
      const p = off + l4Off;
      f[19 /* F.SPORT */] = (b[p]! << 8) | b[p + 1]!;
      f[20 /* F.DPORT */] = (b[p + 2]! << 8) | b[p + 3]!;
    }
  } else f[18 /* F.L4 */] = 0;
}

function fillArp(f: Int32Array, b: Uint8Array, off: number, flags: number, etherType: number, l3Off: number): void {
  const arp = etherType === 0x0806 && (flags & 0x8) !== 0;
  f[21 /* F.ARP */] = arp ? 1 : 0;
  if (arp) {
    const a = off + l3Off;
    f[22 /* F.AOP */] = (b[a + 6]! << 8) | b[a + 7]!;
    f[25 /* F.ASHA_HI */] = (b[a + 8]! << 8) | b[a + 9]!;
    f[26 /* F.ASHA_LO */] = (b[a + 10]! << 24) | (b[a + 11]! << 16) | (b[a + 12]! << 8) | b[a + 13]!;
    f[23 /* F.ASPA */] = (b[a + 14]! << 24) | (b[a + 15]! << 16) | (b[a + 16]! << 8) | b[a + 17]!;
    f[27 /* F.ATHA_HI */] = (b[a + 18]! << 8) | b[a + 19]!;
    f[28 /* F.ATHA_LO */] = (b[a + 20]! << 24) | (b[a + 21]! << 16) | (b[a + 22]! << 8) | b[a + 23]!;
    f[24 /* F.ATPA */] = (b[a + 24]! << 24) | (b[a + 25]! << 16) | (b[a + 26]! << 8) | b[a + 27]!;
  }
}

/** Is port / bridge virtual port `p` (-1: none) a member of interface list `l`? */
function inList(R: BridgeRules, l: number, p: number): boolean {
  return p >= 0 && l >= 0 && R.listMember[l * R.vports + p] === 1;
}

/** Does rule `r` match the fields `f`? (INACTIVE rules never do.) */
export function ruleMatches(R: BridgeRules, r: number, f: Int32Array): boolean {
  if ((R.flags[r]! & 4 /* BrRuleFlag.INACTIVE */) !== 0) return false;
  const mk = R.match[r]!;
  if (mk === 0) return true;
  const ng = R.neg[r]!;
  // Each present matcher: its test XOR its negation must hold. Header matchers first fail when the header
  // is absent (negated or not).
  if ((mk & 1 /* BrMatch.IN_IF */) !== 0 && (f[0 /* F.IN */] === R.inIf[r]) === ((ng & 1 /* BrMatch.IN_IF */) !== 0)) return false;
  if ((mk & 2 /* BrMatch.OUT_IF */) !== 0 && (f[1 /* F.OUT */] === R.outIf[r]) === ((ng & 2 /* BrMatch.OUT_IF */) !== 0)) return false;
  if ((mk & 16 /* BrMatch.IN_BRIDGE */) !== 0 && (f[2 /* F.IN_BR */] === R.inBridge[r]) === ((ng & 16 /* BrMatch.IN_BRIDGE */) !== 0)) return false;
  if ((mk & 32 /* BrMatch.OUT_BRIDGE */) !== 0 && (f[3 /* F.OUT_BR */] === R.outBridge[r]) === ((ng & 32 /* BrMatch.OUT_BRIDGE */) !== 0)) return false;
  if ((mk & (4 /* BrMatch.IN_LIST */ | 8 /* BrMatch.OUT_LIST */ | 64 /* BrMatch.IN_BRIDGE_LIST */ | 128 /* BrMatch.OUT_BRIDGE_LIST */)) !== 0) {
    if ((mk & 4 /* BrMatch.IN_LIST */) !== 0 && inList(R, R.inList[r]!, f[0 /* F.IN */]!) === ((ng & 4 /* BrMatch.IN_LIST */) !== 0)) return false;
    if ((mk & 8 /* BrMatch.OUT_LIST */) !== 0 && inList(R, R.outList[r]!, f[1 /* F.OUT */]!) === ((ng & 8 /* BrMatch.OUT_LIST */) !== 0)) return false;
    if ((mk & 64 /* BrMatch.IN_BRIDGE_LIST */) !== 0 && inList(R, R.inBridgeList[r]!, f[2 /* F.IN_BR */]!) === ((ng & 64 /* BrMatch.IN_BRIDGE_LIST */) !== 0)) return false;
    if ((mk & 128 /* BrMatch.OUT_BRIDGE_LIST */) !== 0 && inList(R, R.outBridgeList[r]!, f[3 /* F.OUT_BR */]!) === ((ng & 128 /* BrMatch.OUT_BRIDGE_LIST */) !== 0)) return false;
  }
  if ((mk & (256 /* BrMatch.SRC_MAC */ | 512 /* BrMatch.DST_MAC */)) !== 0) {
    const k = r * 4;
    if ((mk & 256 /* BrMatch.SRC_MAC */) !== 0) {
      const j = k + 0 /* BrMac.SRC */;
      const hit = ((f[6 /* F.SHI */]! & R.maskHi[j]!) === R.macHi[j] && (f[7 /* F.SLO */]! & R.maskLo[j]!) === R.macLo[j]);
      if (hit === ((ng & 256 /* BrMatch.SRC_MAC */) !== 0)) return false;
    }
    if ((mk & 512 /* BrMatch.DST_MAC */) !== 0) {
      const j = k + 1 /* BrMac.DST */;
      const hit = ((f[4 /* F.DHI */]! & R.maskHi[j]!) === R.macHi[j] && (f[5 /* F.DLO */]! & R.maskLo[j]!) === R.macLo[j]);
      if (hit === ((ng & 512 /* BrMatch.DST_MAC */) !== 0)) return false;
    }
  }
  if ((mk & 1024 /* BrMatch.MAC_PROTO */) !== 0) {
    const want = R.macProto[r]!;
    const hit = want === MAC_PROTO_LENGTH ? f[8 /* F.TYPE */]! < 0x600 : f[8 /* F.TYPE */] === want;
    if (hit === ((ng & 1024 /* BrMatch.MAC_PROTO */) !== 0)) return false;
  }
  if ((mk & 2048 /* BrMatch.PACKET_TYPE */) !== 0 && (f[9 /* F.PKT_TYPE */] === R.packetType[r]) === ((ng & 2048 /* BrMatch.PACKET_TYPE */) !== 0)) return false;
  if ((mk & (4096 /* BrMatch.VLAN_ID */ | 8192 /* BrMatch.VLAN_PRIO */ | 16384 /* BrMatch.VLAN_ENCAP */)) !== 0) {
    if (f[10 /* F.TAGGED */] === 0) return false;
    if ((mk & 4096 /* BrMatch.VLAN_ID */) !== 0 && (f[11 /* F.VID */] === R.vlanId[r]) === ((ng & 4096 /* BrMatch.VLAN_ID */) !== 0)) return false;
    if ((mk & 8192 /* BrMatch.VLAN_PRIO */) !== 0 && (f[12 /* F.PRIO */] === R.vlanPrio[r]) === ((ng & 8192 /* BrMatch.VLAN_PRIO */) !== 0)) return false;
    if ((mk & 16384 /* BrMatch.VLAN_ENCAP */) !== 0 && (f[13 /* F.ENCAP */] === R.vlanEncap[r]) === ((ng & 16384 /* BrMatch.VLAN_ENCAP */) !== 0)) return false;
  }
  if ((mk & (32768 /* BrMatch.IP_PROTO */ | 65536 /* BrMatch.SRC_ADDR */ | 131072 /* BrMatch.DST_ADDR */ | 262144 /* BrMatch.SRC_PORT */ | 524288 /* BrMatch.DST_PORT */)) !== 0) {
    if (f[14 /* F.IP */] === 0) return false;
    if ((mk & 32768 /* BrMatch.IP_PROTO */) !== 0 && (f[15 /* F.PROTO */] === R.ipProto[r]) === ((ng & 32768 /* BrMatch.IP_PROTO */) !== 0)) return false;
    if ((mk & 65536 /* BrMatch.SRC_ADDR */) !== 0 && ((f[16 /* F.SRC */]! & R.srcMask[r]!) === R.srcAddr[r]) === ((ng & 65536 /* BrMatch.SRC_ADDR */) !== 0)) return false;
    if ((mk & 131072 /* BrMatch.DST_ADDR */) !== 0 && ((f[17 /* F.DST */]! & R.dstMask[r]!) === R.dstAddr[r]) === ((ng & 131072 /* BrMatch.DST_ADDR */) !== 0)) return false;
    if ((mk & (262144 /* BrMatch.SRC_PORT */ | 524288 /* BrMatch.DST_PORT */)) !== 0) {
      if (f[18 /* F.L4 */] === 0) return false;
      if ((mk & 262144 /* BrMatch.SRC_PORT */) !== 0) {
        const p = f[19 /* F.SPORT */]!;
        if ((p >= R.srcPortLo[r]! && p <= R.srcPortHi[r]!) === ((ng & 262144 /* BrMatch.SRC_PORT */) !== 0)) return false;
      }
      if ((mk & 524288 /* BrMatch.DST_PORT */) !== 0) {
        const p = f[20 /* F.DPORT */]!;
        if ((p >= R.dstPortLo[r]! && p <= R.dstPortHi[r]!) === ((ng & 524288 /* BrMatch.DST_PORT */) !== 0)) return false;
      }
    }
  }
  if ((mk & (1048576 /* BrMatch.ARP_OP */ | 2097152 /* BrMatch.ARP_SRC */ | 4194304 /* BrMatch.ARP_DST */ | 8388608 /* BrMatch.ARP_SRC_MAC */ | 16777216 /* BrMatch.ARP_DST_MAC */ | 33554432 /* BrMatch.ARP_GRATUITOUS */)) !== 0) {
    if (f[21 /* F.ARP */] === 0) return false;
    if ((mk & 1048576 /* BrMatch.ARP_OP */) !== 0 && (f[22 /* F.AOP */] === R.arpOp[r]) === ((ng & 1048576 /* BrMatch.ARP_OP */) !== 0)) return false;
    if ((mk & 2097152 /* BrMatch.ARP_SRC */) !== 0 && ((f[23 /* F.ASPA */]! & R.arpSrcMask[r]!) === R.arpSrc[r]) === ((ng & 2097152 /* BrMatch.ARP_SRC */) !== 0)) return false;
    if ((mk & 4194304 /* BrMatch.ARP_DST */) !== 0 && ((f[24 /* F.ATPA */]! & R.arpDstMask[r]!) === R.arpDst[r]) === ((ng & 4194304 /* BrMatch.ARP_DST */) !== 0)) return false;
    if ((mk & 8388608 /* BrMatch.ARP_SRC_MAC */) !== 0) {
      const j = r * 4 + 2 /* BrMac.ARP_SRC */;
      const hit = ((f[25 /* F.ASHA_HI */]! & R.maskHi[j]!) === R.macHi[j] && (f[26 /* F.ASHA_LO */]! & R.maskLo[j]!) === R.macLo[j]);
      if (hit === ((ng & 8388608 /* BrMatch.ARP_SRC_MAC */) !== 0)) return false;
    }
    if ((mk & 16777216 /* BrMatch.ARP_DST_MAC */) !== 0) {
      const j = r * 4 + 3 /* BrMac.ARP_DST */;
      const hit = ((f[27 /* F.ATHA_HI */]! & R.maskHi[j]!) === R.macHi[j] && (f[28 /* F.ATHA_LO */]! & R.maskLo[j]!) === R.macLo[j]);
      if (hit === ((ng & 16777216 /* BrMatch.ARP_DST_MAC */) !== 0)) return false;
    }
    if ((mk & 33554432 /* BrMatch.ARP_GRATUITOUS */) !== 0 && (f[23 /* F.ASPA */] === f[24 /* F.ATPA */]) === ((ng & 33554432 /* BrMatch.ARP_GRATUITOUS */) !== 0)) return false;
  }
  if ((mk & 67108864 /* BrMatch.PACKET_MARK */) !== 0 && (f[29 /* F.MARK */] === R.packetMark[r]) === ((ng & 67108864 /* BrMatch.PACKET_MARK */) !== 0)) return false;
  return true;
}

/** What a chain walk decided (`walkChain`'s result); `BrWalk.row` holds the deciding rule for traces. */
export const BrVerdict = { ACCEPT: 0, DROP: 1, ARP_REPLY: 2 } as const;

/** Per-rule counters and the jump stack of a chain walk (one per FlowState). */
export class BrWalk {
  /** Per row: packets and bytes (RouterOS `print stats`). */
  readonly packets: Float64Array;
  readonly bytes: Float64Array;
  /** The row of the last terminal decision (-1: fell off the end). */
  row = -1;
  private readonly stackChain = new Int32Array(16);
  private readonly stackRow = new Int32Array(16);

  constructor(readonly rules: BridgeRules) {
    this.packets = new Float64Array(rules.count);
    this.bytes = new Float64Array(rules.count);
  }

  /**
   * Walk chain `chain` for the frame in `slot` (fields already in `f`). Applies marks and MAC rewrites to the
   * frame at `off`, counts, traces; `bridgeMacOff` = offset of the bridge's MAC in `macs` (redirect).
   */
  walk(
    chain: number,
    f: Int32Array,
    slot: number,
    b: Uint8Array,
    off: number,
    len: number,
    packetMark: Uint16Array,
    macs: Uint8Array,
    bridgeMacOff: number,
    trace: TraceBuffer | null,
    traced: boolean,
    stage: number,
  ): number {
    const R = this.rules;
    const cs = R.chainStart;
    let c = chain;
    let r = cs[c]!;
    let end = cs[c + 1]!;
    let depth = 0;
    this.row = -1;
    for (;;) {
      if (r >= end) {
        // Fell off a chain: a user chain returns to its caller, a built-in one accepts.
        if (depth === 0) return 0 /* BrVerdict.ACCEPT */;
        depth--;
        c = this.stackChain[depth]!;
        r = this.stackRow[depth]!;
        end = cs[c + 1]!;
        continue;
      }
      if (!ruleMatches(R, r, f)) {
        r++;
        continue;
      }
      this.packets[r]!++;
      this.bytes[r]! += len;
      const act = R.action[r]!;
      if (traced && trace !== null) {
        trace.record(slot, stage, BR_EV.RULE, r, act);
        if (act === 5 /* BrAction.LOG */ || (R.flags[r]! & 1 /* BrRuleFlag.LOG */) !== 0) trace.record(slot, stage, BR_EV.LOG, r, 0);
      }
      switch (act) {
        case 0 /* BrAction.ACCEPT */:
          this.row = r;
          return 0 /* BrVerdict.ACCEPT */;
        case 1 /* BrAction.DROP */:
          this.row = r;
          return 1 /* BrVerdict.DROP */;
        case 2 /* BrAction.JUMP */: {
          const target = R.jump[r]!;
          if (depth < this.stackChain.length && target >= 0) {
            this.stackChain[depth] = c;
            this.stackRow[depth] = r + 1;
            depth++;
            c = target;
            r = cs[c]!;
            end = cs[c + 1]!;
            continue;
          }
          r++;
          continue;
        }
        case 3 /* BrAction.RETURN */:
          if (depth === 0) {
            this.row = r;
            return 0 /* BrVerdict.ACCEPT */;
          }
          depth--;
          c = this.stackChain[depth]!;
          r = this.stackRow[depth]!;
          end = cs[c + 1]!;
          continue;
        case 6 /* BrAction.MARK_PACKET */:
          packetMark[slot] = R.newMark[r]!;
          f[29 /* F.MARK */] = R.newMark[r]!;
          if ((R.flags[r]! & 2 /* BrRuleFlag.STOP */) !== 0) {
            this.row = r;
            return 0 /* BrVerdict.ACCEPT */;
          }
          r++;
          continue;
        case 8 /* BrAction.DST_NAT */:
        case 10 /* BrAction.REDIRECT */: {
          const src = act === 8 /* BrAction.DST_NAT */ ? R.toMac : macs;
          const so = act === 8 /* BrAction.DST_NAT */ ? r * 6 : bridgeMacOff;
          for (let k = 0; k < 6; k++) b[off + k] = src[so + k]!;
          if (traced && trace !== null) trace.record(slot, stage, BR_EV.NAT, r, 0);
          this.row = r;
          return 0 /* BrVerdict.ACCEPT */;
        }
        case 9 /* BrAction.SRC_NAT */: {
          const so = r * 6;
          for (let k = 0; k < 6; k++) b[off + 6 + k] = R.toMac[so + k]!;
          if (traced && trace !== null) trace.record(slot, stage, BR_EV.NAT, r, 1);
          this.row = r;
          return 0 /* BrVerdict.ACCEPT */;
        }
        case 11 /* BrAction.ARP_REPLY */:
          this.row = r;
          return f[21 /* F.ARP */] === 1 && f[22 /* F.AOP */] === 1 ? 2 /* BrVerdict.ARP_REPLY */ : 0 /* BrVerdict.ACCEPT */;
        default:
          // passthrough, log, set-priority: continue.
          r++;
          continue;
      }
    }
  }
}
