/**
 * What the stages of the packet flow share: the compiled tables they read (`FlowTables`, the shape a
 * control/compile Generation has — the dataplane imports nothing from the control plane), the router's
 * mutable dataplane state (ARP table, ICMP rate limiter, counters), per-slot columns the flow adds to the
 * packet metadata, and the trace events every stage records.
 *
 * Per-slot columns here (`inIf`, `outIf`, `nextHop`, `dstHi`, `dstLo`) belong to one flow on one thread;
 * when [workers] share a pool between threads they move into buf/meta.ts.
 */
import type { PacketPool } from '../buf/pool';
import type { StageGraph, StageContext } from '../graph';
import { DROP_COUNT, DROP_NAMES } from '../drop';
import { traceEvent, type TraceBuffer, type TraceNames } from '../trace';
import type { FirewallTables } from '../firewall/tables';
import type { QueueTables } from '../queue/tables';
import { ArpEvents, ArpTable } from '../tables/arp-table';
import { Fdb } from '../tables/fdb';
import { BrWalk, type BridgeRules } from './bridge-rules';
import type { Dir24Fib } from '../tables/lpm-dir24';
import { ipv4ToString } from '../wire/ipv4';
import { IcmpRateLimiter } from '../ip4/icmp-gen';
import { Ipv4Reassembly } from '../ip4/reassembly';

/** Next-hop groups as typed arrays (control/compile/nexthops.ts NextHopTable). */
export interface FlowNextHops {
  readonly kind: Uint8Array;
  readonly hopStart: Uint32Array;
  readonly hopCount: Uint8Array;
  readonly lookupTable: Int32Array;
  readonly hopIfIndex: Int32Array;
  readonly hopGateway: Uint32Array;
}

/** Next-hop kinds (control/compile/nexthops.ts NH_KIND). */
export const NH = { NONE: 0, FORWARD: 1, BLACKHOLE: 2, UNREACHABLE: 3, PROHIBIT: 4, LOCAL: 5, BROADCAST: 6, LOOKUP: 7 } as const;

/** Interface `arp=` modes (control/compile/generation.ts ARP_MODE). */
export const ArpMode = { ENABLED: 0, DISABLED: 1, PROXY_ARP: 2, REPLY_ONLY: 3, LOCAL_PROXY_ARP: 4 } as const;

/** What the flow reads from a compiled configuration (see control/compile/generation.ts). */
export interface FlowTables {
  /** Interface names by interface index. */
  readonly ifNames: readonly string[];
  /** Port number → interface name (every ethernet interface, store order). */
  readonly portNames: readonly string[];
  /** Port number → interface index (-1: the interface is disabled). */
  readonly portIf: Int32Array;
  /** Interface index → port number (-1: not an ethernet port). */
  readonly ifPort: Int32Array;
  /** 1 routed ethernet port, 2 bridge port, 0 not a port. */
  readonly ifMode: Uint8Array;
  /** Interface MACs, 6 bytes per interface index (also as hi16/lo32 numbers below). */
  readonly macs: Uint8Array;
  readonly macHi: Uint16Array;
  readonly macLo: Uint32Array;
  /** Interface index → primary IPv4 address (0 = none). */
  readonly ifAddr: Uint32Array;
  /** Interface index → ArpMode code (`arp=`). */
  readonly arpMode: Uint8Array;
  /** Interface index → IP MTU (`mtu`, default 1500). */
  readonly mtu: Uint16Array;
  readonly fibs: readonly (Dir24Fib | null)[];
  /** Interface index → table index of its VRF's FIB (main when none). */
  readonly fibOfIf: Int32Array;
  /** Every address of the router (all VRFs), for the martian-source check without a FIB lookup. */
  readonly localAddrs: Uint32Array;
  /** Table index of `main`. */
  readonly mainTable: number;
  readonly nextHops: FlowNextHops;
  readonly staticArp: readonly { ip: number; ifIndex: number; macHi: number; macLo: number; published: boolean }[];
  // ---- bridges (control/compile/generation.ts; stages/bridge-input.ts, bridge-output.ts) ----
  /** Bridge number → the bridge's interface index (enabled `/interface bridge` items, interface order). */
  readonly bridgeIf: Int32Array;
  /** Bridge number → `ageing-time` in seconds (default 300). */
  readonly bridgeAgeing: Float64Array;
  /**
   * Bridge number → its ports (port numbers, `/interface bridge port` order). A bridge's interface has the
   * virtual port number `portNames.length + bridge number` in `ifPort` (and ifMode 1: a routed L3 interface),
   * so routing and arp-resolve treat it like any routed port; bridge-output turns it into real ports.
   */
  readonly bridgePorts: readonly Int32Array[];
  /** Port number → bridge number (-1: not a bridge port, or the port item is disabled). */
  readonly portBridge: Int32Array;
  /** Port number → `horizon` (-1 = none). */
  readonly portHorizon: Int32Array;
  /** Port number → BridgePortFlag bits (learn, unknown-unicast-flood, unknown-multicast-flood, broadcast-flood). */
  readonly portFlags: Uint8Array;
  /** Bridge number → 1 with `vlan-filtering=yes` (stages/bridge-vlan.ts). */
  readonly bridgeVlanFiltering: Uint8Array;
  /** Bridge number → `ether-type`: the TPID of the tags a VLAN-filtering bridge handles (default 0x8100). */
  readonly bridgeTpid: Uint16Array;
  /**
   * Bridge "VLAN port" → `pvid`, `frame-types` (bridge-vlan.ts FrameTypes) and `ingress-filtering` (1 = yes).
   * A VLAN port is a port number, or a bridge's virtual port (`portNames.length + bridge number`) for the
   * bridge interface itself (its own pvid / frame-types / ingress-filtering).
   */
  readonly bridgePvid: Uint16Array;
  readonly bridgeFrameTypes: Uint8Array;
  readonly bridgeIngressFiltering: Uint8Array;
  /**
   * VLAN membership `[vlanPort * 4096 + vid]` (bridge-vlan.ts VlanMember: 0 none, 1 tagged, 2 untagged) from
   * `/interface bridge vlan`, plus the dynamic ones RouterOS adds: untagged membership of its pvid for a
   * port (or bridge) whose frame-types admits untagged frames, and (7.16+) tagged membership of the bridge
   * itself in the VID of each `/interface vlan` on it. Empty when no bridge has vlan-filtering.
   */
  readonly bridgeVlanMember: Uint8Array;
  /** Static `/interface bridge host` entries (FDB STATIC entries: never age, not moved by learning). */
  readonly bridgeHosts: readonly BridgeHost[];
  /** `/interface bridge settings`: BridgeIpFirewall bits (use-ip-firewall, -for-vlan, -for-pppoe). */
  readonly bridgeIpFirewall: number;
  /** Compiled `/interface bridge filter` and `/interface bridge nat` rules (stages/bridge-rules.ts). */
  readonly bridgeRules: BridgeRules;
  // ---- VLAN interfaces (control/compile/generation.ts; stages/vlan-input.ts, vlan-output.ts) ----
  /**
   * VLAN number → the VLAN's interface index (enabled `/interface vlan` items whose parent is indexed,
   * interface order). A VLAN interface has the virtual port number `portNames.length + bridgeIf.length +
   * VLAN number` in `ifPort` (ifMode 1), so routing and arp-resolve treat it like a routed port; vlan-output
   * pushes its tag and moves the frame to its parent's port.
   */
  readonly vlanIf: Int32Array;
  /** VLAN number → parent interface index (an ethernet port, a bridge, or another VLAN for QinQ). */
  readonly vlanParent: Int32Array;
  /** VLAN number → `vlan-id` (1..4094). */
  readonly vlanId: Uint16Array;
  /** VLAN number → TPID: 0x88a8 with `use-service-tag=yes` (802.1ad), else 0x8100 (802.1Q). */
  readonly vlanTpid: Uint16Array;
  /** Interface index → VLAN number (-1: not a VLAN interface). */
  readonly ifVlan: Int32Array;
  // ---- ARP, ICMP and local delivery (control/compile/ip-settings.ts; stages arp-input, arp-resolve,
  //      ip4-reassembly, local-in, ip4-fragment) ----
  /**
   * Interface index → base ARP reachable time in seconds: the interface's `arp-timeout`, `auto` = `/ip settings
   * arp-timeout` (30). Entries stay REACHABLE for a random time in [t/2, 3t/2] (drawn per interface, seeded).
   */
  readonly arpTimeout: Float64Array;
  /** ARP table size (`/ip settings max-neighbor-entries`, 16384). */
  readonly arpMaxEntries: number;
  /** Learned MACs per bridge FDB (0 or absent: no limit but the table's size; a MetaRouter guest's memory budget sets it). */
  readonly fdbMaxLearned?: number;
  /** `/ip settings icmp-rate-limit` in ms (10) and `icmp-rate-mask` (0x1818): the IcmpRateLimiter's settings. */
  readonly icmpRateLimitMs: number;
  readonly icmpRateMask: number;
  /** `/ip settings icmp-errors-use-inbound-interface-address=yes`: errors come from the receiving interface's address. */
  readonly icmpErrorsUseInbound: boolean;
  /** Reassembly of datagrams for the router: seconds to complete (`ipv4-fragment-time`, 30) and memory (4 MiB). */
  readonly reassemblyTimeout: number;
  readonly reassemblyMemLimit: number;
  /** Ports the router listens on, as bitmaps of 65536 bits (bit p of byte p >> 3): TCP and UDP (see `listening`). */
  readonly listenTcp: Uint8Array;
  readonly listenUdp: Uint8Array;
  // ---- routing: tables, policy rules, routing marks, ECMP (control/compile/policy.ts; stages/routing.ts) ----
  /**
   * Routing tables by table index (control/compile/routes.ts sorts them by name): `fibs[i]` is the FIB of
   * every table packets can be routed in (main, each VRF, each `/routing table` with `fib`; null for a table
   * without `fib`, where a lookup finds nothing). `tableNames[i]` names it in traces.
   */
  readonly tableNames: readonly string[];
  /** Table index → 1 for the table of an `/ip vrf` (lookups that miss there are rejected: vrf-unreach). */
  readonly tableVrf: Uint8Array;
  // Routing marks: `meta.routingMark` holds 0 for "no mark", else **1 + the table index** of the routing
  // table the mark names (`new-routing-mark=isp2` → 1 + index of table isp2 in `tableNames`; RouterOS v7
  // requires a mark to name a `/routing table`, and `main` is one): see `routingMarkOf`. Whoever sets marks
  // (mangle `mark-routing`) writes that value; the routing stage looks the destination up in that table
  // first (policy step `mangle`).
  /** `/routing rule` items compiled for the routing stage (control/compile/policy.ts). */
  readonly rules: FlowRules;
  /** `/ip settings ipv4-multipath-hash-policy`: EcmpHash code (l3-inner is hashed as l3: no tunnels are parsed). */
  readonly ecmpHash: number;
  /**
   * Every local address of the router with the table index of its VRF (main's for interfaces in no VRF),
   * VRF order: main first. A router-made packet whose VRF is not known from its cause (FlowState.vrfTable
   * -1) is routed in the VRF of its source address (the first pair with that address), and the routing
   * stage's martian-source check looks for (source, in-interface's VRF) here.
   */
  readonly localAddr: Int32Array;
  readonly localTable: Int32Array;
  // ---- firewall (control/compile/firewall.ts; stages conntrack, firewall-hook, nat) ----
  /** The IPv4 firewall tables and connection-tracking settings; absent = no firewall (tables built by hand). */
  readonly firewall?: FirewallTables;
  // ---- queues (control/compile/queues.ts; stages/queue.ts) ----
  /** Simple queues, queue trees and interface queues; absent = no queues (every queue stage passes). */
  readonly queues?: QueueTables;
}

/**
 * The routing decision's steps in RouterOS's default order (`/routing settings policy-rules`
 * `mangle,vrf-lookup,vrf-unreach,local,user,main`); rules with `chain=<step>` run right after that step,
 * the `user` chain's at step `user`.
 */
export const PolicyStep = { MANGLE: 0, VRF_LOOKUP: 1, VRF_UNREACH: 2, LOCAL: 3, USER: 4, MAIN: 5 } as const;
export const POLICY_STEP_NAMES = ['mangle', 'vrf-lookup', 'vrf-unreach', 'local', 'user', 'main'] as const;

/** The meta.routingMark value of a mark naming table `tableIndex` (0 is "no mark"). */
export function routingMarkOf(tableIndex: number): number {
  return tableIndex + 1;
}

/** `/routing rule` actions as FlowRules.action codes. */
export const RuleAction = { LOOKUP: 0, LOOKUP_ONLY_IN_TABLE: 1, DROP: 2, UNREACHABLE: 3 } as const;

/** `ipv4-multipath-hash-policy` codes. */
export const EcmpHash = { L3: 0, L4: 1 } as const;

/**
 * Active `/routing rule` items as typed arrays, in the order the routing decision reads them: grouped by
 * the policy step they follow (`stepStart[k] .. stepStart[k + 1]` are the rules after step k), in
 * configuration order within a step. Inactive and disabled rules are left out. A matcher that is absent
 * matches everything: mask 0, mark -1, inIf -1.
 */
export interface FlowRules {
  /** Number of rules (0: the routing stage takes its fast path). */
  readonly count: number;
  /** Length 7: rules after policy step k are [stepStart[k], stepStart[k + 1]). */
  readonly stepStart: Int32Array;
  /** Source / destination prefix as int32 network and mask (`(a & mask) === net`). */
  readonly srcNet: Int32Array;
  readonly srcMask: Int32Array;
  readonly dstNet: Int32Array;
  readonly dstMask: Int32Array;
  /** `routing-mark=`: the meta.routingMark value to match (1 + table index), -1 = any. */
  readonly mark: Int32Array;
  /** `interface=`: incoming interface index, -1 = any (never matches router-made packets: Linux iif lo). */
  readonly inIf: Int32Array;
  /** RuleAction code. */
  readonly action: Uint8Array;
  /** Table index for lookup / lookup-only-in-table, -1 otherwise. */
  readonly table: Int32Array;
  /** `min-prefix=N`: routes of prefix length <= N are hidden from this rule's lookup; -1 = none. */
  readonly minPrefix: Int32Array;
  /** For traces: `*3 "comment"` (the rule's `.id` and comment). */
  readonly labels: readonly string[];
}

/** Is bit `port` set in a listen bitmap (FlowTables.listenTcp / listenUdp)? */
export function listening(bits: Uint8Array, port: number): boolean {
  return ((bits[port >>> 3]! >>> (port & 7)) & 1) === 1;
}

/** `/interface bridge port` switches as bits of FlowTables.portFlags. */
export const BridgePortFlag = { LEARN: 1, UNKNOWN_UNICAST_FLOOD: 2, UNKNOWN_MULTICAST_FLOOD: 4, BROADCAST_FLOOD: 8 } as const;

/** `/interface bridge settings` switches as bits of FlowTables.bridgeIpFirewall. */
export const BridgeIpFirewall = { USE_IP_FIREWALL: 1, FOR_VLAN: 2, FOR_PPPOE: 4 } as const;

/** A static `/interface bridge host` entry (its VID is 0 on a bridge without vlan-filtering). */
export interface BridgeHost {
  readonly bridge: number;
  readonly macHi: number;
  readonly macLo: number;
  readonly vid: number;
  readonly port: number;
}

/** Called by interface-tx for every frame leaving a port; the callee owns the slot (must free it). */
export type TransmitFn = (slot: number, port: number) => void;

// ---- trace events ---------------------------------------------------------------------------------------

export const EV = {
  RX: traceEvent('rx', (a, _b, n) => `on ${n.port(a)}`),
  DROP: traceEvent('drop', (a) => DROP_NAMES[a] ?? `reason ${a}`),
  ROUTE: traceEvent('route', (a, b) => `next-hop group ${a} via ${b === 0 ? 'on-link' : ipv4ToString(b >>> 0)}`),
  /** The routing decision: table `a` decided (hit or miss) at policy step `b` (POLICY_STEP_NAMES), or leak (6). */
  ROUTE_TABLE: traceEvent('route-table', (a, b, n) => `${tableName(n, a)} (${b === 6 ? 'leak' : (POLICY_STEP_NAMES[b] ?? `step ${b}`)})`),
  /** `/routing rule` number `a` (FlowRules order) matched; `b`: RuleOutcome. */
  ROUTE_RULE: traceEvent('route-rule', (a, b, n) => `${ruleName(n, a)} ${RULE_OUTCOME_TEXT[b] ?? `outcome ${b}`}`),
  LOCAL: traceEvent('local', (a) => `to the router (next-hop group ${a})`),
  TTL: traceEvent('ttl', (a) => `decremented to ${a}`),
  ARP_HIT: traceEvent('arp-hit', (a) => `neighbour ${ipv4ToString(a >>> 0)}`),
  ARP_QUEUED: traceEvent('arp-queued', (a) => `waiting for ARP of ${ipv4ToString(a >>> 0)}`),
  ARP_REQUEST: traceEvent('arp-request', (a, _b, n) => `sent out ${n.port(a)}`),
  ARP_REPLY: traceEvent('arp-reply', (a) => `answered who-has ${ipv4ToString(a >>> 0)}`),
  ARP_LEARN: traceEvent('arp-learn', (a) => `learned ${ipv4ToString(a >>> 0)}`),
  ARP_RELEASED: traceEvent('arp-released', (a) => `resolved ${ipv4ToString(a >>> 0)}`),
  REWRITE: traceEvent('rewrite', (a, _b, n) => `ethernet for ${n.port(a)}`),
  TX: traceEvent('tx', (a, _b, n) => `out ${n.port(a)}`),
  DELIVERED: traceEvent('delivered', (a, b) => (b === 0x0800 ? `IP protocol ${a}` : `ethertype 0x${b.toString(16).padStart(4, '0')}`)),
  ICMP: traceEvent('icmp', (a, b) => `sent type ${a} code ${b}`),
  ECHO_REPLY: traceEvent('echo-reply', () => 'answered'),
  FRAGMENTED: traceEvent('fragmented', (a, b) => `into ${a} fragments for MTU ${b}`),
  BRIDGE_LEARN: traceEvent('bridge-learn', (a, b, n) =>
    b === 3 ? `source MAC not learned on ${n.port(a)}: a static or local entry holds it` : `source MAC ${b === 1 ? 'learned' : b === 2 ? 'moved' : b === 4 ? 'not learned (FDB full)' : 'refreshed'} on ${n.port(a)}`),
  BRIDGE_VLAN: traceEvent('bridge-vlan', (a, b, n) => `in VLAN ${b} on ${n.port(a)}`),
  BRIDGE_TAG: traceEvent('bridge-tag', (a, b, n) => (b === 0 ? `untagged out ${n.port(a)}` : `tagged ${b} out ${n.port(a)}`)),
  BRIDGE_FORWARD: traceEvent('bridge-forward', (a, _b, n) => `known unicast to ${n.port(a)}`),
  BRIDGE_FLOOD: traceEvent('bridge-flood', (a, b) => `flooded ${a} copies${b === 1 ? ' and up to the bridge' : ''}`),
  BRIDGE_COPY: traceEvent('bridge-copy', (a, _b, n) => `flooded copy for ${n.port(a)}`),
  BRIDGE_LOCAL: traceEvent('bridge-local', (a, _b, n) => `to the router on ${n.port(a)}`),
  VLAN_POP: traceEvent('vlan-pop', (a, b, n) => `tag ${b} popped: received on ${n.port(a)}`),
  VLAN_PUSH: traceEvent('vlan-push', (a, b, n) => `tag ${b} pushed: out ${n.port(a)}`),
  // ARP, ICMP and local delivery
  ARP_PROXY: traceEvent('arp-proxy', (a, b) => `answered who-has ${ipv4ToString(a >>> 0)} with the router's MAC (${b === 1 ? 'proxy-arp' : b === 2 ? 'local-proxy-arp' : 'published'})`),
  REASM_HELD: traceEvent('reassembly', (a) => `fragment held (${a} fragments held)`),
  REASSEMBLED: traceEvent('reassembled', (a) => `datagram of ${a} bytes`),
  LISTENING: traceEvent('listening', (a, b) => `${a === 6 ? 'TCP' : 'UDP'} port ${b} has a service`),
  TCP_RESET: traceEvent('tcp-reset', (a) => `TCP port ${a} closed: reset sent`),
  // queues (stages/queue.ts): a = scheduler (0 global tree, 1 simple queues, 2 + port interface HTB), b = class
  QUEUE_HELD: traceEvent('queue', (a, b, n) => `held by ${n.queueClass?.(a, b) ?? `class ${b}`}`),
  QUEUE_PASS: traceEvent('no-queue', () => 'not shaped: no queue matches'),
  QUEUE_LEFT: traceEvent('queue-left', (a, b) => `left after ${a} µs (${b} packets still queued)`),
} as const;

/** What a matching `/routing rule` did (the `b` of EV.ROUTE_RULE). */
export const RuleOutcome = { FOUND: 0, MISSED: 1, HIDDEN: 2, FAILED: 3, DROP: 4, UNREACHABLE: 5 } as const;
const RULE_OUTCOME_TEXT = [
  'matched: lookup found a route',
  'matched: no route in its table, next rule',
  'matched: the route found is hidden by min-prefix, next rule',
  'matched: lookup-only-in-table found no route',
  'matched: drop',
  'matched: unreachable',
];

/**
 * Names routing traces print: tables and rules by index. Flow.traceNames supplies them (from
 * FlowTables.tableNames / rules.labels); without them the numbers are printed.
 */
export interface RoutingTraceNames extends TraceNames {
  table?(i: number): string;
  rule?(i: number): string;
}

function tableName(n: TraceNames, i: number): string {
  const f = (n as RoutingTraceNames).table;
  return f ? `table ${f(i)}` : `table #${i}`;
}

function ruleName(n: TraceNames, i: number): string {
  const f = (n as RoutingTraceNames).rule;
  return f ? `rule ${f(i)}` : `rule #${i}`;
}

/** Fate of a packet as the replay reports it. */
/**
 * What became of a packet. TX, LOCAL and DROP are final; QUEUED (waiting for ARP or reassembly) and HELD
 * (held by a queue: simple queue, queue tree, interface HTB; its argument is the stage index) are not.
 */
export const Fate = { NONE: 0, TX: 1, LOCAL: 2, DROP: 3, QUEUED: 4, HELD: 5 } as const;

// ---- state ----------------------------------------------------------------------------------------------

export interface FlowCounters {
  rxPackets: Float64Array;
  rxBytes: Float64Array;
  txPackets: Float64Array;
  txBytes: Float64Array;
  /** Packets delivered to the router (local-in), by port they arrived on. */
  delivered: Float64Array;
  /** Packets dropped, by port they arrived on and reason: `[port * DROP_COUNT + reason]`. */
  rxDrops: Float64Array;
}

export class FlowState {
  readonly arp: ArpTable;
  readonly arpEvents: ArpEvents;
  /** ICMP error rate limit (`/ip settings icmp-rate-limit`, `icmp-rate-mask`). */
  readonly icmpLimiter: IcmpRateLimiter;
  /** Datagrams for the router being reassembled (stages/ip4-reassembly.ts). */
  readonly reassembly: Ipv4Reassembly;
  /** Seeded generator state (xorshift32) for the flow's random choices: ARP reachable times. */
  private rand = 0x2545f491;
  /** Flow time (s) at which the ARP reachable times are drawn again (Linux: every 300 s). */
  arpRedrawAt = 0;
  /** Per slot: incoming interface index (-1 router-originated). */
  readonly inIf: Int32Array;
  /** Per slot: outgoing interface index chosen by routing. */
  readonly outIf: Int32Array;
  /** Per slot: IPv4 address to resolve (the gateway, or the destination when on-link). */
  readonly nextHop: Uint32Array;
  /**
   * Per slot: table index of the VRF a packet belongs to, for routing-output (RouterOS: a router-made packet
   * routes in its VRF's table; Linux icmp_send/icmp_reply take the l3mdev of the packet that caused it). The
   * routing stage sets it for every packet it routes (the in-interface's VRF, main's table outside VRFs),
   * so an echo reply made in place inherits it, and stages that make ICMP errors copy it to the new slot;
   * `injectNew` resets it to -1 for new packets: routing-output then takes the VRF of the source address.
   */
  readonly vrfTable: Int32Array;
  /** Per slot: destination MAC chosen by arp-resolve. */
  readonly dstHi: Uint16Array;
  readonly dstLo: Uint32Array;
  /** Per slot: last fate and its argument (port / reason), for the replay's per-packet report. */
  readonly fate: Uint8Array;
  readonly fateArg: Int32Array;
  readonly counters: FlowCounters;
  /** Per slot: serial of the input frame it carries (0 = none/router-made); set by drivers that report fates. */
  readonly serial: Uint32Array;
  /** Told the final fate (TX, LOCAL, DROP) or QUEUED of every slot with a serial (replay reports). */
  onFate: ((serial: number, fate: number, arg: number, slot: number) => void) | null = null;
  /** Packets currently waiting in ARP queues. */
  waiting = 0;
  /** Packets held by queue schedulers (stages/queue.ts). */
  held = 0;
  /**
   * Whole second the queue schedulers count time from (set by the first queue stage that runs): their float
   * clock is `nowSec - queueEpoch + nowNsec / 1e9`, which keeps nanoseconds exact where absolute epoch
   * seconds in a double would not.
   */
  queueEpoch = -1;
  /** Drops the stages count outside the graph's own drop path (ARP queue overflow, failed resolution). */
  graph!: StageGraph;
  ctx!: StageContext;
  /** Scratch for ARP queue releases. */
  readonly released: Uint32Array;
  /**
   * Stage indices the stages inject into (filled by flow.ts once the graph exists). `interfaceTx` is where
   * router-made frames for an interface go (vlan-output when the config has VLAN interfaces, else bridge-output
   * when it has bridges: a frame for a VLAN needs its tag, one for a bridge interface still needs its port);
   * `portTx` is interface-tx itself (frames whose port is known). `bridgeForward` / `bridgeOutput` are
   * where flooded copies go after the bridging decision (bridge-filter-forward / bridge-filter-output; the
   * graph skips them when they are pass-through).
   */
  readonly at = { ip4Rewrite: -1, interfaceTx: -1, routingOutput: -1, arpResolve: -1, ip4Fragment: -1, portTx: -1, bridgeForward: -1, bridgeOutput: -1 };
  /** One FDB per bridge (FlowTables.bridgeIf order); learned by bridge-input, read by bridge-output. */
  readonly fdbs: Fdb[];
  /** Interface index → 1 when a VLAN interface has it as parent (ethernet-input: a bridge port's VLANs). */
  readonly ifHasVlan: Uint8Array;
  /** Bridge copies that could not be made (pool exhausted; also counted as pool-exhausted drops). */
  bridgeCopyFailed = 0;
  /** Bridge filter/nat rule walk: per-rule packet and byte counters, jump stack (stages/bridge-rules.ts). */
  readonly bridgeWalk: BrWalk;
  /**
   * Per slot: 1 when the bridged frame takes the IP firewall hooks of the bridged path (use-ip-firewall;
   * set by bridge-dstnat for every frame from a bridge port, cleared by bridge-output for router frames).
   * A frame that went through the bridged IP prerouting and then up to the router does not walk the IP
   * prerouting chains a second time: PktFlag.BRIDGE_IP sends it from ip4-input straight to routing.
   */
  readonly bridgeIpfw: Uint8Array;
  /** Per slot: where bridge-filter-input sends a frame going up (bridge-input's BR_NEXT_* code minus BR_UP_BASE). */
  readonly bridgeUp: Uint8Array;
  /** Per slot: 1 for a frame the router sends through a bridge (bridge-output), 0 for a bridged one (bridge-input). */
  readonly bridgeOut: Uint8Array;
  /**
   * Copies the firewall's per-slot columns to a bridge's flooded copy (FirewallState.copySlot; null when
   * the flow has no firewall): each copy carries the packet's connection, as Linux clones share skb->_nfct.
   */
  slotCopier: { copySlot(slot: number, copy: number): void } | null = null;
  /** Time as float seconds (ARP table clock). */
  now = 0;
  /** Send ICMP errors and echo replies (dataplane/ip4/icmp-gen.ts). */
  icmp = true;

  constructor(
    readonly tables: FlowTables,
    readonly pool: PacketPool,
    public transmit: TransmitFn,
  ) {
    this.arp = new ArpTable({ maxEntries: tables.arpMaxEntries, slots: pool.slots });
    this.arpEvents = new ArpEvents(Math.max(1024, pool.slots));
    this.icmpLimiter = new IcmpRateLimiter({ rateLimitMs: tables.icmpRateLimitMs, rateMask: tables.icmpRateMask });
    this.reassembly = new Ipv4Reassembly({ timeoutSec: tables.reassemblyTimeout, memLimit: tables.reassemblyMemLimit });
    this.drawArpReachable();
    const s = pool.slots;
    this.inIf = new Int32Array(s).fill(-1);
    this.outIf = new Int32Array(s).fill(-1);
    this.nextHop = new Uint32Array(s);
    this.vrfTable = new Int32Array(s).fill(-1);
    this.dstHi = new Uint16Array(s);
    this.dstLo = new Uint32Array(s);
    this.fate = new Uint8Array(s);
    this.fateArg = new Int32Array(s);
    this.serial = new Uint32Array(s);
    this.released = new Uint32Array(s);
    const p = tables.portNames.length;
    this.counters = {
      rxPackets: new Float64Array(p),
      rxBytes: new Float64Array(p),
      txPackets: new Float64Array(p),
      txBytes: new Float64Array(p),
      delivered: new Float64Array(p),
      rxDrops: new Float64Array(p * DROP_COUNT),
    };
    // One FDB per bridge, holding LOCAL entries (RouterOS flags D L) for the bridge's MAC and its ports' MACs:
    // frames to them go up to the router, and nothing is learned over them. Their port is the bridge's
    // virtual port (portNames.length + bridge number), which bridge-input reads as "up".
    this.fdbs = Array.from(tables.bridgeIf, (bif, br) => {
      const fdb = new Fdb(tables.fdbMaxLearned !== undefined && tables.fdbMaxLearned > 0 ? { maxLearned: tables.fdbMaxLearned } : {});
      const up = tables.portNames.length + br;
      const local = (ifi: number) => {
        if (ifi >= 0) fdb.addStatic(tables.macHi[ifi]!, tables.macLo[ifi]!, 0, up, true);
      };
      local(bif);
      for (const p of tables.bridgePorts[br]!) local(tables.portIf[p]!);
      for (const h of tables.bridgeHosts) if (h.bridge === br) fdb.addStatic(h.macHi, h.macLo, h.vid, h.port);
      return fdb;
    });
    this.bridgeWalk = new BrWalk(tables.bridgeRules);
    this.bridgeIpfw = new Uint8Array(s);
    this.bridgeUp = new Uint8Array(s);
    this.bridgeOut = new Uint8Array(s);
    this.ifHasVlan = new Uint8Array(tables.ifNames.length);
    for (const p of tables.vlanParent) if (p >= 0) this.ifHasVlan[p] = 1;
    for (const a of tables.staticArp) this.arp.addStatic(a.ip, a.ifIndex, a.macHi, a.macLo, a.published, 0);
  }

  private readonly one = new Uint32Array(1);

  /** Next number in [0, 1) from the flow's seeded generator (xorshift32: replays repeat). */
  random(): number {
    let x = this.rand;
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    this.rand = x;
    return (x >>> 0) / 4294967296;
  }

  /**
   * Draw every interface's ARP reachable time: uniform in [t/2, 3t/2) of its base `arpTimeout` t (RouterOS
   * `arp-timeout` "entry lifetime random in [t/2, 3t/2]"; Linux neigh_rand_reach_time, redrawn every 300 s by
   * neigh_periodic_work). Called at start and by arp-resolve's timers.
   */
  drawArpReachable(): void {
    const base = this.tables.arpTimeout;
    const r = new Float64Array(base.length);
    for (let i = 0; i < base.length; i++) r[i] = base[i]! * (0.5 + this.random());
    this.arp.setReachableTimes(r);
    this.arpRedrawAt = this.now + 300;
  }

  /**
   * Hand a packet the router made (ARP request, echo reply, ICMP error) to stage `stage`: it starts its own
   * trace when tracing is on and it is flagged (icmp-gen copies the offending packet's TRACE flag).
   */
  injectNew(stage: number, slot: number, trace: TraceBuffer | null, samePacket = false): void {
    if (trace !== null && (this.pool.meta.flags[slot]! & 0x2000) !== 0) trace.begin(slot);
    this.fate[slot] = Fate.NONE;
    if (!samePacket) {
      this.serial[slot] = 0;
      this.vrfTable[slot] = -1;
    }
    this.one[0] = slot;
    this.graph.inject(stage, this.one, 1);
  }

  /**
   * Drop a slot outside the graph's dispatch (a stage pushing an older packet out of a queue, a timer):
   * counted in the graph's drop counters like any other drop, traced, freed.
   */
  dropSlot(slot: number, reason: number, stage: number, trace: TraceBuffer | null): void {
    const m = this.pool.meta;
    m.drop[slot] = reason;
    if (trace !== null && (m.flags[slot]! & 0x2000) !== 0) trace.record(slot, stage, EV.DROP, reason);
    setFate(this, slot, Fate.DROP, reason);
    if (reason < DROP_COUNT) this.graph.drops[reason]!++;
    if (this.graph.onDrop !== null) this.graph.onDrop.dropped(slot);
    this.pool.free(slot);
  }
}

/** Record a packet's fate; a final one is reported to `onFate` once and ends the slot's serial. */
export function setFate(st: FlowState, slot: number, fate: number, arg: number): void {
  if (fate === Fate.DROP) {
    const p = st.pool.meta.inPort[slot]!;
    if (p >= 0 && p < st.counters.rxPackets.length && arg < DROP_COUNT) st.counters.rxDrops[p * DROP_COUNT + arg]!++;
  }
  st.fate[slot] = fate;
  st.fateArg[slot] = arg;
  const s = st.serial[slot]!;
  if (s !== 0 && st.onFate !== null) {
    st.onFate(s, fate, arg, slot);
    if (fate < Fate.QUEUED) st.serial[slot] = 0;
  }
}

/** Mark a packet dropped inside a stage (the stage then writes NEXT_DROP for it). */
export function dropIn(st: FlowState, slot: number, reason: number, stage: number, trace: TraceBuffer | null): void {
  const m = st.pool.meta;
  m.drop[slot] = reason;
  setFate(st, slot, Fate.DROP, reason);
  if (trace !== null && (m.flags[slot]! & 0x2000) !== 0) trace.record(slot, stage, EV.DROP, reason);
}

/**
 * The source address of an ICMP error about `slot`, which arrived on interface `ifi` (Linux icmp_send):
 * - `icmp-errors-use-inbound-interface-address=yes`: the receiving interface's primary address;
 * - otherwise (default) the address of the interface the error leaves by: the route back to the
 *   offending packet's source (in the receiving interface's table) names it, and its primary address is
 *   taken (Linux lets the reply route pick — inet_select_addr prefers an address on the destination's
 *   subnet and honours a route's pref-src; flowplane takes the primary and ignores pref-src). No route back,
 *   or no address there: the receiving interface's primary address.
 * - a packet whose source is one of the router's own addresses (a forwarded packet behind masquerade,
 *   queued for ARP after srcnat: stages/router-error.ts): that address — the error goes to the router
 *   itself, and Linux's route to a local destination takes the destination as source.
 * Errors about packets addressed to the router itself take that address instead (the caller passes it).
 */
export function icmpErrorSource(st: FlowState, slot: number, ifi: number): number {
  const t = st.tables;
  const inAddr = ifi >= 0 ? t.ifAddr[ifi]! : 0;
  if (t.icmpErrorsUseInbound || ifi < 0) return inAddr;
  const fib = t.fibs[t.fibOfIf[ifi]!];
  if (!fib) return inAddr;
  const pool = st.pool;
  const b = pool.bytes;
  const ip = pool.frameOffset(slot) + pool.meta.l3Off[slot]!;
  const src = ((b[ip + 12]! << 24) | (b[ip + 13]! << 16) | (b[ip + 14]! << 8) | b[ip + 15]!) >>> 0;
  const nh = t.nextHops;
  const id = fib.lookup(src);
  if (nh.kind[id] === NH.LOCAL) return src | 0;
  if (id === 0 || nh.kind[id] !== NH.FORWARD || nh.hopCount[id] === 0) return inAddr;
  const oif = nh.hopIfIndex[nh.hopStart[id]!]!;
  const a = oif >= 0 ? t.ifAddr[oif]! : 0;
  return a !== 0 ? a : inAddr;
}

/** Record a trace event for a traced packet (one flag test when tracing is on; call only if trace !== null). */
export function rec(trace: TraceBuffer, flags: Uint32Array, slot: number, stage: number, ev: number, a = 0, b = 0): void {
  if ((flags[slot]! & 0x2000) !== 0) trace.record(slot, stage, ev, a, b);
}

/** Base of the flow's stages: name, next stages, shared state, and the stage's own index (for traces). */
export abstract class FlowStage {
  /** Index in the graph (set by flow.ts once the graph exists). */
  index = -1;
  constructor(
    readonly name: string,
    readonly next: readonly string[],
    protected readonly st: FlowState,
  ) {}
  abstract process(slots: Uint32Array, n: number, next: Uint8Array, ctx: StageContext): void;
}
