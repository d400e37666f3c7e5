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
 * **Placeholders until [stateful] / [queues]**: raw-prerouting, conntrack, mangle-prerouting, dstnat,
 * mangle-forward, filter-forward, mangle-input, filter-input, nat-input, raw-output, mangle-output,
 * nat-output, filter-output, mangle-postrouting, srcnat, queue-global, simple-queues, interface-queue, and the
 * bridged path's IP hooks bridge-ip-* (use-ip-firewall) are named pass-through stages (stages/passthrough.ts):
 * present so traces and `show runtime` read in RouterOS order, doing nothing yet; they declare themselves pass-through, so the graph routes packets past them at
 * no cost. `placeholders: false` leaves them out (the benchmark measures both).
 *
 * Bridging: learning, forwarding, flooding, horizon, flood switches, static hosts, vlan-filtering (tags
 * pushed/popped at the bridging decision), bridge filter and nat, use-ip-firewall hooks; not STP (every port
 * forwards whatever protocol-mode says), IGMP/DHCP snooping, tag-stacking, and bridged frames pass no interface
 * queue stage yet. VLAN interfaces on ports, bridges and VLANs (QinQ); a tag no VLAN interface claims is
 * `vlan-unknown`. Not yet in the flow: IPv6.
 *
 * Time: the flow's clock is set by its driver (`setClock`: the capture clock in replay). ARP timers
 * (retransmissions, failed resolutions) and reassembly timeouts run when the clock advances; `finish()` runs
 * them until no packet waits for ARP or reassembly any more, so every packet ends with a fate.
 */
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
    const fw = fwt !== undefined && (fwt.anyRule || conntrackOn(fwt)) ? new FirewallState(fwt, pool.slots, opts.seed ?? 1) : null;
    this.firewall = fw;
    if (fw !== null && opts.log !== undefined) fw.sink = opts.log;
    /**
     * Add the flow points `names` in order, ending at `to`: a real firewall stage where the configuration
     * needs one, else a pass-through placeholder (left out entirely with `placeholders: false`). Returns the
     * name packets should be sent to.
     */
    const build = (names: string[], to: string): { first: string; made: Stage[] } => {
      let first = to;
      const made: Stage[] = [];
      for (let i = names.length - 1; i >= 0; i--) {
        const real = firewallStage(st, fw, names[i]!, first);
        if (real !== null) made.unshift(real);
        else if (ph) made.unshift(passThrough(names[i]!, first));
        else continue;
        first = names[i]!;
      }
      return { first, made };
    };
    // Stages go into the graph in flow order (the graph drains them in array order: one sweep per vector).
    const chain = (names: string[], to: string): string => {
      const c = build(names, to);
      stages.push(...c.made);
      return c.first;
    };
    this.arpResolve = new ArpResolve(st, fw);
    const post = build(['mangle-postrouting', 'srcnat', 'queue-global', 'simple-queues'], 'ip4-fragment');
    const toPost = post.first;

    stages.push(new EthernetInput(st));
    // (d) bridged: bridge nat dstnat, [IP prerouting], bridging decision, then per copy bridge filter forward,
    // [IP forward], bridge nat srcnat, [IP postrouting]; up frames through bridge filter input. The IP hooks
    // (placeholders until [stateful]) are in the graph only with use-ip-firewall=yes.
    const ipfw = ph && tables.bridgeIf.length > 0 && (tables.bridgeIpFirewall & BridgeIpFirewall.USE_IP_FIREWALL) !== 0;
    const brPre = ['bridge-ip-raw-prerouting', 'bridge-ip-conntrack', 'bridge-ip-mangle-prerouting', 'bridge-ip-dstnat'];
    const brFwd = ['bridge-ip-mangle-forward', 'bridge-ip-filter-forward'];
    const brPost = ['bridge-ip-mangle-postrouting', 'bridge-ip-srcnat', 'bridge-ip-queue-global', 'bridge-ip-simple-queues'];
    stages.push(new BridgeDstNat(st, ipfw ? brPre[0] : undefined));
    if (ipfw) chain(brPre, 'bridge-input');
    stages.push(new BridgeInput(st, chainLength(tables.bridgeRules, BrChain.INPUT) > 0));
    stages.push(new BridgeFilter(st, 'input'), new BridgeFilter(st, 'forward', ipfw ? brFwd[0] : undefined));
    if (ipfw) chain(brFwd, 'bridge-srcnat');
    stages.push(new BridgeSrcNat(st, ipfw ? brPost[0] : undefined));
    if (ipfw) chain(brPost, 'interface-tx');
    stages.push(new VlanInput(st), new ArpInput(st));
    // (a)/(b) prerouting
    const pre = build(['raw-prerouting', 'conntrack', 'mangle-prerouting', 'dstnat'], 'routing');
    // FastTrack's shortcut (stages/fasttrack.ts): packets of fasttracked connections go from here straight to
    // ip4-fragment; the rest take the prerouting path. In the graph only when some rule fasttracks.
    const ft = fw !== null && fw.tracking && fasttrackUsed(fw.tables) ? new FastTrack(st, fw, pre.first, 'ip4-fragment') : null;
    stages.push(new Ip4Input(st, ft !== null ? ft.name : pre.first));
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
    stages.push(new Ip4Rewrite(st, ph ? 'interface-queue' : tx));
    chain(['interface-queue'], tx);
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
    this.arpResolve.timers(this.ctx);
    this.reassembly.timers(this.ctx);
    if (this.graph.inFlight > 0) this.graph.run(this.ctx);
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
    for (let guard = 0; (st.waiting > 0 || st.reassembly.queues > 0) && guard < 1000; guard++) {
      const da = st.waiting > 0 ? st.arp.nextDeadline : Infinity;
      const dr = st.reassembly.nextDeadline;
      const d = Math.max(st.now, Math.min(da, dr));
      if (!Number.isFinite(d)) break;
      const sec = Math.floor(d);
      st.now = d;
      this.ctx.nowSec = sec;
      this.ctx.nowNsec = Math.min(999_999_999, Math.round((d - sec) * 1e9));
      if (dr <= da && st.reassembly.nextDeadlineSec >= 0) {
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

  /** Drop counts by reason name (non-zero only). */
  dropCounts(): Map<string, number> {
    const out = new Map<string, number>();
    this.graph.drops.forEach((v, i) => {
      if (v > 0) out.set(DROP_NAMES[i] ?? `reason ${i}`, v);
    });
    return out;
  }
}
