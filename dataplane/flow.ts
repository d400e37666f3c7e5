/**
 * The packet flow: RouterOS's packet-flow diagram (shared/ROUTEROS-FLOW.md §1) as a stage graph.
 *
 * ```
 *  port ─► ethernet-input ─┬─► arp-input ─┬─► interface-tx                          (ARP reply)
 *            │  (bridge     │              └─► local-in                              (ARP consumed)
 *            │   ports)     ├─► ip4-input ...
 *            │              └─► vlan-input ─► arp-input / ip4-input (tagged: in-interface = the VLAN, tags popped)
 *            └─► bridge-dstnat ─► [bridge-ip-raw-prerouting ─► bridge-ip-conntrack ─► bridge-ip-mangle-prerouting
 *                 ─► bridge-ip-dstnat] ─► bridge-input ─┬─► bridge-filter-forward ─► [bridge-ip-mangle-forward
 *                 ─► bridge-ip-filter-forward] ─► bridge-srcnat ─► [bridge-ip-mangle-postrouting ─► bridge-ip-srcnat
 *                 ─► bridge-ip-queue-global ─► bridge-ip-simple-queues] ─► interface-tx       (d) bridged, per copy
 *                                                       └─► [bridge-filter-input] ─► arp-input / ip4-input / vlan-input
 *                                                            up to the router: in-interface = the bridge (or its VLAN)
 *  ethernet-input (routed port) ─► ip4-input ─► [fasttrack] ─► raw-prerouting ─► conntrack ─► mangle-prerouting ─► dstnat
 *                                 ─► routing ─┬─► ip4-forward ─► mangle-forward ─► filter-forward ─┐  (a) forward
 *                                             └─► ip4-reassembly ─► mangle-input ─► filter-input ─► nat-input ─► local-in   (b) input
 *                                                  └─► reassembly-wait (fragments held until their datagram completes)
 *  local-in (echo reply, ICMP errors) ─► routing-output ─► raw-output ─► mangle-output ─► nat-output
 *                                 ─► filter-output ─┐                                                  (c) output
 *            ┌──────────────────────────────────────┴───────────────────────────────────────────────┘
 *            └─► mangle-postrouting ─► srcnat ─► queue-global ─► simple-queues ─► ip4-fragment
 *                 ─► arp-resolve ─┬─► ip4-rewrite ─► interface-queue ─► [vlan-output] ─► [bridge-output] ─► interface-tx ─► port
 *                                 └─► arp-wait   (queued until the neighbour answers; released to ip4-rewrite)
 *  [bridge-output] ─► bridge-filter-output ─► bridge-srcnat ─► interface-tx             (d) bridge output, per copy
 *  [fasttrack] (only when a rule fasttracks) ─► ip4-fragment   packets of fasttracked connections: stored NAT,
 *  main-table route, TTL, then straight to the neighbour stages (stages/fasttrack.ts); the rest go on as drawn.
 *  [vlan-output] is in the graph only when the config has VLAN interfaces: frames for a VLAN interface (its
 *  virtual port) get its tag pushed (QinQ: the parent VLAN's tag too) and move to the parent's port.
 *  [bridge-output] is in the graph only when the config has bridges: frames for a bridge interface (its
 *  virtual port) get their real port from the bridge's FDB, or are flooded to its ports.
 *  [bridge-ip-*] are in the graph only with `/interface bridge settings use-ip-firewall=yes`, and only
 *  bridged IPv4 frames (tagged ones with use-ip-firewall-for-vlan) are sent through them.
 *  [bridge-filter-input] is used only when the bridge filter input chain has rules. Bridge firewall stages
 *  whose chain is empty are pass-through: the graph skips them.
 * ```
 *
 * Real stages (dataplane/stages/, one per file, each file's comment says what it decides): ethernet-input,
 * arp-input, ip4-input, routing, ip4-forward, ip4-reassembly, ip4-fragment, arp-resolve, ip4-rewrite, interface-tx,
 * local-in, routing-output (the routing stage in output mode), arp-wait, bridge-dstnat, bridge-input,
 * bridge-filter-input, bridge-filter-forward, bridge-filter-output, bridge-srcnat, bridge-output, vlan-input,
 * vlan-output.
 *
 * Firewall flow points (raw-prerouting, conntrack, mangle-prerouting, dstnat, mangle-forward, filter-forward,
 * mangle-input, filter-input, nat-input, raw-output, conntrack-output, mangle-output, nat-output,
 * filter-output, mangle-postrouting, srcnat) are real stages where the configuration uses them
 * (stages/firewall-stages.ts) and named pass-through placeholders (stages/passthrough.ts) otherwise. The
 * bridged path's IP hooks (use-ip-firewall) are the same stages under bridge-ip-* names: bridge-ip-raw-prerouting,
 * bridge-ip-conntrack, bridge-ip-mangle-prerouting, bridge-ip-dstnat, bridge-ip-mangle-forward,
 * bridge-ip-filter-forward, bridge-ip-mangle-postrouting, bridge-ip-srcnat. A frame they tracked that goes up
 * to the router skips the routed prerouting (ip4-input → routing, PktFlag.BRIDGE_IP: Linux br_netfilter's
 * ip_sabotage_in), so nothing is tracked or NATed twice; a bridged dst-nat re-decides the frame's way
 * (stages/bridged-dnat.ts).
 * Queue flow points (queue-global, simple-queues, interface-queue) are real stages (stages/queue.ts) when the
 * configuration has queue trees with parent=global, simple queues, or interface trees; they hold packets in
 * HTB schedulers and release them as the clock advances (`setClock` runs the departures in time order, with
 * the clock set to each). With use-ip-firewall, bridge-ip-queue-global and bridge-ip-simple-queues enter the
 * same schedulers (RouterOS has one global HTB), and a released frame goes on along the path it came by.
 * Placeholders are present so traces and `show runtime` read in
 * RouterOS order; they declare themselves pass-through, so the graph routes packets past them at no cost.
 * `placeholders: false` leaves them out (the benchmark measures both).
 *
 * Bridging: learning, forwarding, flooding, horizon, flood switches, static hosts, vlan-filtering (tags
 * pushed/popped at the bridging decision), bridge filter and nat, the IP firewall on bridged frames (use-ip-firewall); not STP (every port
 * forwards whatever protocol-mode says), IGMP/DHCP snooping, tag-stacking, and bridged frames pass no interface
 * queue stage yet. VLAN interfaces on ports, bridges and VLANs (QinQ); a tag no VLAN interface claims is
 * `vlan-unknown`. Not yet in the flow: IPv6.
 *
 * Time: the flow's clock is set by its driver (`setClock`: the capture clock in replay). ARP timers
 * (retransmissions, failed resolutions), reassembly timeouts and queue departures run when the clock
 * advances; `finish()` runs them until no packet waits for ARP, reassembly or a queue any more, so every
 * packet ends with a fate.
 */
import type { SharedRuleBuffers } from './firewall/shared-rules';
import { PacketPool } from './buf/pool';
import { StageGraph, type Stage, type StageContext } from './graph';
import { DROP_COUNT, DROP_NAMES } from './drop';
import type { TraceBuffer } from './trace';
import type { LogSink } from './log-sink';
import { FlowState, type FlowStage, type FlowTables, type RoutingTraceNames, type TransmitFn } from './stages/state';
import { EthernetInput } from './stages/ethernet-input';
import { ArpInput } from './stages/arp-input';
import { Ip4Input } from './stages/ip4-input';
import { Routing } from './stages/routing';
import { Ip4Forward } from './stages/ip4-forward';
import { ArpResolve } from './stages/arp-resolve';
import { Ip4Rewrite } from './stages/ip4-rewrite';
import { Ip4Fragment } from './stages/ip4-fragment';
import { InterfaceTx } from './stages/interface-tx';
import { BridgeInput } from './stages/bridge-input';
import { BridgeOutput } from './stages/bridge-output';
import { BridgeFilter } from './stages/bridge-filter';
import { BridgeDstNat, BridgeSrcNat } from './stages/bridge-nat';
import { BrChain, chainLength, type BridgeTraceNames } from './stages/bridge-rules';
import { BridgeIpFirewall } from './stages/state';
import { LocalIn } from './stages/local-in';
import { Ip4Reassembly } from './stages/ip4-reassembly';
import { VlanInput } from './stages/vlan-input';
import { VlanOutput } from './stages/vlan-output';
import { passThrough, holdSink } from './stages/passthrough';
import { firewallStage } from './stages/firewall-stages';
import { FastTrack, fasttrackUsed } from './stages/fasttrack';
import { FirewallState } from './firewall/state';
import { conntrackOn } from './firewall/tables';
import { FW_TABLE_NAMES } from './firewall/events';
import { A } from './firewall/rules';
import { QueueStage, type SchedulerFactory } from './stages/queue';
import { HtbScheduler } from './queue/htb';
import { formatQueueStats } from './queue/report';
import type { QueueScheduler } from './queue/spec';

export { Fate, type FlowTables, type TransmitFn } from './stages/state';

export interface FlowOptions {
  /** Packet pool (default: a new one with 4096 slots). */
  pool?: PacketPool;
  /** Packets per stage call (default 256). */
  vectorSize?: number;
  /** Where transmitted frames go (default: freed). The callee owns the slot. */
  transmit?: TransmitFn;
  /** Include the placeholder stages (default true). */
  placeholders?: boolean;
  /** Send ICMP errors and echo replies (default true). */
  icmp?: boolean;
  /** Seed of the flow's deterministic choices (firewall `random`, hashes). Default 1. */
  seed?: number;
  /** Trace buffer (packets flagged PktFlag.TRACE are traced while it is set). */
  trace?: TraceBuffer | null;
  /** Where log lines go (firewall `log=yes` / action=log: topics firewall,info). */
  log?: LogSink;
  /**
   * The flow this one replaces (a config reload on a live router): its connection table is carried over
   * when it fits (FirewallState's `carry`; `firewall.carried` / `carryRefused` say whether), so established
   * connections and their NAT go on. The old flow must not receive packets afterwards.
   */
  replaces?: Flow | null;
  /**
   * Sharded NAT (ConnTable.natShards): source-NAT ports congruent to the connection's shard, so replies can be
   * steered to their worker by port (docs/workers.md). Set for every flow of a router run with workers.
   */
  natShards?: boolean;
  /**
   * Rule state shared with the other workers of the router (dataplane/firewall/shared-rules.ts: `limit`
   * buckets and `nth` counters), one buffer per firewall table of this generation. Absent: the flow's own.
   */
  sharedRules?: SharedRuleBuffers | null;
}

export class Flow {
  readonly pool: PacketPool;
  readonly state: FlowState;
  readonly graph: StageGraph;
  readonly ctx: StageContext;
  private readonly entry: number;
  private readonly arpResolve: ArpResolve;
  private readonly reassembly: Ip4Reassembly;
  /** The firewall's state (connections, address lists, rule counters); null when the config has no firewall. */
  readonly firewall: FirewallState | null;
  /** The real queue stages (queue-global, simple-queues, interface-queue), in flow order; empty without queues. */
  readonly queueStages: QueueStage[] = [];

  constructor(readonly tables: FlowTables, opts: FlowOptions = {}) {
    this.pool = opts.pool ?? new PacketPool({ slots: 4096 });
    const pool = this.pool;
    const st = new FlowState(tables, pool, opts.transmit ?? ((slot) => pool.free(slot)));
    st.icmp = opts.icmp !== false;
    this.state = st;
    const ph = opts.placeholders !== false;
    const stages: Stage[] = [];
    // The firewall: real stages for the flow points its configuration uses (stages/firewall-stages.ts).
    const fwt = tables.firewall;
    const fw = fwt !== undefined && (fwt.anyRule || conntrackOn(fwt)) ? new FirewallState(fwt, pool.slots, opts.seed ?? 1, opts.replaces?.firewall ?? null, opts.sharedRules ?? null) : null;
    this.firewall = fw;
    if (fw !== null && opts.log !== undefined) fw.sink = opts.log;
    if (fw !== null && opts.natShards === true) fw.ct.natShards = true;
    // The queues: a real stage for each kind of scheduler the configuration has (stages/queue.ts).
    const qt = tables.queues;
    const seed = opts.seed ?? 1;
    const makeScheduler: SchedulerFactory = (spec, code) => new HtbScheduler(spec.classes, qt!.types, { slots: pool.slots, seed: seed * 7919 + code });
    const queueStage = (name: string, to: string): QueueStage | null => {
      if (qt === undefined) return null;
      // The bridged path (use-ip-firewall) enters the routed stage's schedulers: one global HTB.
      const bridged = name.startsWith('bridge-ip-');
      const kind = bridged ? name.slice('bridge-ip-'.length) : name;
      const has = kind === 'queue-global' ? qt.global !== null : kind === 'simple-queues' ? qt.simple !== null : kind === 'interface-queue' ? qt.ports.some((p) => p !== null) : false;
      if (!has) return null;
      const owner = bridged ? this.queueStages.find((q) => q.name === kind) : undefined;
      if (bridged && owner === undefined) return null;
      const q = new QueueStage(st, name, to, fw, qt.global, qt.simple, qt.ports, owner ?? makeScheduler);
      if (!bridged) this.queueStages.push(q);
      return q;
    };
    /**
     * Add the flow points `names` in order, ending at `to`: a real firewall stage where the configuration
     * needs one, else a pass-through placeholder (left out entirely with `placeholders: false`). Returns the
     * name packets should be sent to.
     */
    const build = (names: string[], to: string): { first: string; made: Stage[] } => {
      let first = to;
      const made: Stage[] = [];
      for (let i = names.length - 1; i >= 0; i--) {
        const real = firewallStage(st, fw, names[i]!, first) ?? queueStage(names[i]!, first);
        if (real !== null) made.unshift(real);
        else if (ph) made.unshift(passThrough(names[i]!, first));
        else continue;
        first = names[i]!;
      }
      return { first, made };
    };
    this.arpResolve = new ArpResolve(st, fw);
    const post = build(['mangle-postrouting', 'srcnat', 'queue-global', 'simple-queues'], 'ip4-fragment');
    const toPost = post.first;

    stages.push(new EthernetInput(st));
    // (d) bridged: bridge nat dstnat, [IP prerouting], bridging decision, then per copy bridge filter forward,
    // [IP forward], bridge nat srcnat, [IP postrouting]; up frames through bridge filter input. The IP hooks
    // are in the graph only with use-ip-firewall=yes.
    // The hooks are the routed path's stages under bridged names (stages/firewall-stages.ts); a group whose
    // stages are all left out (no rules, placeholders: false) is not entered.
    const ipfw = tables.bridgeIf.length > 0 && (tables.bridgeIpFirewall & BridgeIpFirewall.USE_IP_FIREWALL) !== 0;
    const brGroup = (names: string[], to: string) => {
      const g = ipfw ? build(names, to) : { first: to, made: [] };
      return { first: g.first !== to ? g.first : undefined, made: g.made };
    };
    const brPre = brGroup(['bridge-ip-raw-prerouting', 'bridge-ip-conntrack', 'bridge-ip-mangle-prerouting', 'bridge-ip-dstnat'], 'bridge-input');
    const brFwd = brGroup(['bridge-ip-mangle-forward', 'bridge-ip-filter-forward'], 'bridge-srcnat');
    const brPost = brGroup(['bridge-ip-mangle-postrouting', 'bridge-ip-srcnat', 'bridge-ip-queue-global', 'bridge-ip-simple-queues'], 'interface-tx');
    stages.push(new BridgeDstNat(st, brPre.first, ipfw), ...brPre.made);
    stages.push(new BridgeInput(st, chainLength(tables.bridgeRules, BrChain.INPUT) > 0));
    stages.push(new BridgeFilter(st, 'input'), new BridgeFilter(st, 'forward', brFwd.first), ...brFwd.made);
    stages.push(new BridgeSrcNat(st, brPost.first), ...brPost.made);
    // Flooded copies carry the packet's connection (FirewallState.copySlot).
    if (fw !== null && ipfw) st.slotCopier = fw;
    stages.push(new VlanInput(st), new ArpInput(st));
    // (a)/(b) prerouting
    const pre = build(['raw-prerouting', 'conntrack', 'mangle-prerouting', 'dstnat'], 'routing');
    // FastTrack's shortcut (stages/fasttrack.ts): packets of fasttracked connections go from here straight to
    // ip4-fragment; the rest take the prerouting path. In the graph only when some rule fasttracks.
    const ft = fw !== null && fw.tracking && fasttrackUsed(fw.tables) ? new FastTrack(st, fw, pre.first, 'ip4-fragment') : null;
    // With use-ip-firewall, frames up from a bridge whose IP prerouting ran on the bridged path go
    // straight to routing (stages/ip4-input.ts).
    stages.push(new Ip4Input(st, ft !== null ? ft.name : pre.first, ipfw ? 'routing' : undefined));
    if (ft !== null) stages.push(ft);
    stages.push(...pre.made);
    const fwd = build(['mangle-forward', 'filter-forward'], toPost);
    const input = build(['mangle-input', 'filter-input', 'nat-input'], 'local-in');
    // mangle action=route: the routing stage reads the firewall's per-slot route-dst (only when a rule uses it).
    const routeRule = fw !== null && fwt !== undefined && fwt.mangle.action.includes(A.ROUTE);
    stages.push(new Routing(st, false, 'ip4-forward', 'ip4-reassembly', routeRule ? { flags: fw!.slotFlags, dst: fw!.routeDst } : null));
    this.reassembly = new Ip4Reassembly(st, input.first);
    stages.push(this.reassembly, holdSink('reassembly-wait'));
    // (a) forward, (b) input
    stages.push(new Ip4Forward(st, fwd.first), ...fwd.made);
    stages.push(...input.made, new LocalIn(st));
    // (c) output: connection tracking runs after raw output (conntrack-output).
    const out = build(['raw-output', 'conntrack-output', 'mangle-output', 'nat-output', 'filter-output'], toPost);
    stages.push(new Routing(st, true, out.first, 'local-in'), ...out.made);
    // postrouting, neighbour, egress
    stages.push(...post.made);
    stages.push(new Ip4Fragment(st, 'arp-resolve', fw));
    stages.push(this.arpResolve, holdSink('arp-wait'));
    // bridge-output (only with bridges) picks the port of frames for a bridge interface.
    // vlan-output (only with VLAN interfaces) pushes the tags of frames for a VLAN interface first.
    const bridges = tables.bridgeIf.length > 0;
    const vlans = tables.vlanIf.length > 0;
    const toPort = bridges ? 'bridge-output' : 'interface-tx';
    const tx = vlans ? 'vlan-output' : toPort;
    const ifq = build(['interface-queue'], tx);
    stages.push(new Ip4Rewrite(st, ifq.first), ...ifq.made);
    if (vlans) stages.push(new VlanOutput(st, toPort));
    if (bridges) stages.push(new BridgeOutput(st));
    stages.push(new BridgeFilter(st, 'output'));
    stages.push(new InterfaceTx(st));

    this.graph = new StageGraph(stages, pool, opts.vectorSize !== undefined ? { vectorSize: opts.vectorSize } : {});
    st.graph = this.graph;
    if (fw !== null) this.graph.onDrop = fw;
    for (const s of stages) if ('index' in s) (s as FlowStage).index = this.graph.stageIndex(s.name);
    st.at.ip4Rewrite = this.graph.stageIndex('ip4-rewrite');
    st.at.portTx = this.graph.stageIndex('interface-tx');
    st.at.interfaceTx = this.graph.stageIndex(tx);
    st.at.routingOutput = this.graph.stageIndex('routing-output');
    st.at.arpResolve = this.graph.stageIndex('arp-resolve');
    st.at.ip4Fragment = this.graph.stageIndex('ip4-fragment');
    st.at.bridgeForward = this.graph.stageIndex('bridge-filter-forward');
    st.at.bridgeOutput = this.graph.stageIndex('bridge-filter-output');
    this.entry = this.graph.stageIndex('ethernet-input');
    this.ctx = { pool, nowSec: 0, nowNsec: 0, trace: opts.trace ?? null };
    st.ctx = this.ctx;
    const prev = opts.replaces;
    if (prev !== undefined && prev !== null) {
      // the clock goes on where the previous generation left it (connection timeouts count on)
      this.ctx.nowSec = prev.ctx.nowSec;
      this.ctx.nowNsec = prev.ctx.nowNsec;
      st.now = prev.state.now;
    }
  }

  /** Set the flow's clock (never backwards: an earlier time is ignored) and run the timers due by then. */
  setClock(sec: number, nsec: number): void {
    const t = sec + nsec / 1e9;
    if (t < this.state.now) return;
    this.ctx.nowSec = sec;
    this.ctx.nowNsec = nsec;
    this.state.now = t;
    this.timers();
  }

  private timers(): void {
    const fw = this.firewall;
    if (fw !== null) {
      fw.loadLists(this.state.now);
      fw.ct.gc(this.state.now);
    }
    if (this.queueStages.length > 0) this.releaseQueues();
    this.arpResolve.timers(this.ctx);
    this.reassembly.timers(this.ctx);
    if (this.graph.inFlight > 0) this.graph.run(this.ctx);
  }

  /**
   * Release every queued packet due by the flow clock, earliest departure first across the queue stages, with
   * the clock set to each departure (so transmissions carry it); the clock is restored afterwards.
   */
  private releaseQueues(): void {
    const qs = this.queueStages;
    const ctx = this.ctx;
    const sec = ctx.nowSec;
    const nsec = ctx.nowNsec;
    const now = qs[0]!.clock(ctx);
    for (;;) {
      let best = -1;
      let t = Infinity;
      for (let k = 0; k < qs.length; k++) {
        const e = qs[k]!.nextEvent();
        if (e < t) {
          t = e;
          best = k;
        }
      }
      // 1 ns of tolerance: departure times went through (sec, nsec) and back.
      if (best < 0 || t > now + 1e-9) break;
      qs[best]!.releaseDue(t + 1e-9, ctx, true);
    }
    ctx.nowSec = sec;
    ctx.nowNsec = nsec;
  }

  /** The next queue departure on the queue clock (FlowState.queueEpoch; Infinity when no queue holds a packet). */
  private nextQueueEvent(): number {
    let t = Infinity;
    for (const q of this.queueStages) t = Math.min(t, q.nextEvent());
    return t;
  }

  /**
   * Nothing in flight and nothing held (ARP wait, reassembly, queues): the flow can hand over to a new
   * configuration generation (`FlowOptions.carry`).
   */
  get quiescent(): boolean {
    const st = this.state;
    return this.graph.inFlight === 0 && st.waiting === 0 && st.held === 0 && st.reassembly.queues === 0;
  }

  /** Received frames (slots with inPort, len, linkType, timestamp set by their port): run them through. */
  receive(slots: Uint32Array, n: number): void {
    this.graph.inject(this.entry, slots, n);
    this.graph.run(this.ctx);
  }

  /**
   * Let the clock run until no packet waits for ARP (each resolution fails or is answered) or in reassembly
   * (each datagram times out), so every packet has a fate. Returns the clock's final time (float seconds).
   */
  finish(): number {
    const st = this.state;
    // ARP and reassembly timers run at most ~1000 rounds; queues release one departure time per round.
    for (let guard = 0; (st.waiting > 0 || st.reassembly.queues > 0 || st.held > 0) && guard < 1000 + 4 * this.pool.slots; guard++) {
      const da = st.waiting > 0 ? st.arp.nextDeadline : Infinity;
      const dr = st.reassembly.nextDeadline;
      const tq = st.held > 0 ? this.nextQueueEvent() : Infinity;
      const dq = st.queueEpoch + tq;
      const d = Math.max(st.now, Math.min(da, dr, dq));
      if (!Number.isFinite(d)) break;
      st.now = d;
      if (dq <= da && dq <= dr) {
        // a queue departure: exact from the queue clock, rounded up so the clock is not a hair before it
        const whole = Math.floor(tq);
        this.ctx.nowSec = st.queueEpoch + whole;
        this.ctx.nowNsec = Math.min(999_999_999, Math.ceil((tq - whole) * 1e9));
      } else {
        const sec = Math.floor(d);
        this.ctx.nowSec = sec;
        this.ctx.nowNsec = Math.min(999_999_999, Math.round((d - sec) * 1e9));
      }
      if (dr <= da && dr < dq && st.reassembly.nextDeadlineSec >= 0) {
        // the reassembler compares (sec, nsec) exactly: use its own numbers, not the rounded float
        this.ctx.nowSec = st.reassembly.nextDeadlineSec;
        this.ctx.nowNsec = st.reassembly.nextDeadlineNsec;
      }
      this.timers();
    }
    return st.now;
  }

  /** Names for TraceBuffer.format: stages by index, ports by number, bridge rules, routing tables and rules. */
  traceNames(): BridgeTraceNames & RoutingTraceNames {
    return {
      bridgeRule: (i) => this.tables.bridgeRules.text[i] ?? `bridge rule ${i}`,
      table: (i: number) => this.tables.tableNames[i] ?? `#${i}`,
      rule: (i: number) => this.tables.rules.labels[i] ?? `#${i}`,
      fwRule: (table: number, r: number) => {
        const fwt = this.tables.firewall;
        const t = fwt === undefined ? undefined : [fwt.raw, fwt.filter, fwt.mangle, fwt.nat][table];
        if (t === undefined || r >= t.n) return `rule ${r}`;
        const c = t.comments[r];
        return `${FW_TABLE_NAMES[table]} ${t.ids[r]}${c ? ` "${c}"` : ''}`;
      },
      queueClass: (sched: number, cls: number) => {
        const q = this.tables.queues;
        const spec = q === undefined ? undefined : sched === 0 ? q.global?.sched : sched === 1 ? q.simple?.sched : q.ports[sched - 2]?.sched;
        const c = spec?.classes[cls];
        if (c === undefined) return `class ${cls}`;
        return `${sched === 1 ? 'simple queue' : sched === 0 ? 'queue tree (global)' : 'queue tree'} ${c.name}`;
      },
      stage: (i) => this.graph.stages[i]?.name ?? `stage ${i}`,
      port: (i) => {
        const t = this.tables;
        const b = i - t.portNames.length;
        return t.portNames[i] ?? t.ifNames[t.bridgeIf[b] ?? t.vlanIf[b - t.bridgeIf.length] ?? -1] ?? `port ${i}`;
      },
    };
  }

  /**
   * Interface counters like RouterOS `/interface print stats` (rx/tx bytes and packets per port), plus the
   * packets each port received that were dropped, by reason. Ports that saw no traffic are left out.
   */
  formatInterfaceStats(): string {
    const c = this.state.counters;
    const names = this.tables.portNames;
    const rows: string[][] = [['#', 'NAME', 'RX-BYTE', 'TX-BYTE', 'RX-PACKET', 'TX-PACKET', 'RX-DROP']];
    const drops: string[] = [];
    for (let p = 0; p < names.length; p++) {
      if (c.rxPackets[p] === 0 && c.txPackets[p] === 0) continue;
      let d = 0;
      const why: string[] = [];
      for (let r = 1; r < DROP_COUNT; r++) {
        const v = c.rxDrops[p * DROP_COUNT + r]!;
        if (v > 0) {
          d += v;
          why.push(`${DROP_NAMES[r]} ${v}`);
        }
      }
      rows.push([String(p), names[p]!, String(c.rxBytes[p]), String(c.txBytes[p]), String(c.rxPackets[p]), String(c.txPackets[p]), String(d)]);
      if (why.length) drops.push(`  ${names[p]} rx drops: ${why.join(', ')}`);
    }
    const w = rows[0]!.map((_, k) => Math.max(...rows.map((r) => r[k]!.length)));
    const lines = rows.map((r) => r.map((v, k) => (k < 2 ? v.padEnd(w[k]!) : v.padStart(w[k]!))).join('  '));
    return [...lines, ...drops].join('\n');
  }

  /** Queue counters like `/queue simple print stats` and `/queue tree print stats` (queue/report.ts). */
  formatQueueStats(): string {
    const q = this.tables.queues;
    if (q === undefined) return 'no queues in this config';
    const port = this.traceNames().port;
    return formatQueueStats(q, port, (code) => this.queueScheduler(code), this.queueClock());
  }

  /** The scheduler of code `code` (0 global tree, 1 simple queues, 2 + port interface HTB), null when none. */
  queueScheduler(code: number): QueueScheduler | null {
    for (const s of this.queueStages) {
      const x = s.schedulers[code];
      if (x !== null && x !== undefined) return x;
    }
    return null;
  }

  /** The flow clock as the queue schedulers count it (0 before any queue ran). */
  queueClock(): number {
    return this.queueStages.length > 0 ? this.queueStages[0]!.clock(this.ctx) : 0;
  }

  /** Drop counts by reason name (non-zero only). */
  dropCounts(): Map<string, number> {
    const out = new Map<string, number>();
    this.graph.drops.forEach((v, i) => {
      if (v > 0) out.set(DROP_NAMES[i] ?? `reason ${i}`, v);
    });
    return out;
  }
}
