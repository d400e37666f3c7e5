/**
 * A host router and its MetaRouter guests as one lab (dataplane/lab.ts): each router's configuration is
 * compiled into its own generation and flow, all on one packet pool, and the host's links are wired:
 *
 * - a dynamic link joins the host's `vifN` port and the guest's `etherN` port;
 * - a static link hands a host port to the guest: frames arriving at that host port go to the guest's port
 *   (`inputs`), and what the guest sends there leaves through the host port (`outputName`); the host's own
 *   flow never sees that port's traffic.
 * A guest's flow respects its memory budget (control/instance/budget.ts): connection table, ARP table and
 * learned bridge hosts are sized by `memory-size`; `poll()` writes one log line to the guest's log (and the
 * host's) the first time a table is full, as RouterOS logs a full connection table.
 *
 * Ports the lab does not link — the host's real ports — are its outputs; a guest's port without a link drops
 * what is sent there (`metarouter-unlinked`). Stopped and disabled guests drop frames sent to them
 * (`metarouter-down`). `refresh()` rebuilds the flow of a guest whose epoch moved (started again, rebooted,
 * new port): a reboot forgets connections, ARP and bridge hosts.
 */
import { PacketPool } from '../../dataplane/buf/pool';
import { Drop } from '../../dataplane/drop';
import { Flow } from '../../dataplane/flow';
import { Lab } from '../../dataplane/lab';
import type { TraceBuffer, TraceNames } from '../../dataplane/trace';
import { compileGeneration, type Generation } from '../compile/generation';
import type { Guest } from './metarouter';
import type { RouterInstance } from './router';

export interface LabRouter {
  /** Trace label: `host` or the guest's name. */
  readonly label: string;
  readonly router: RouterInstance;
  gen: Generation;
  guest: Guest | null;
  epoch: number;
  /** Table-full conditions already logged (per flow). */
  logged: Set<string>;
}

export interface MetaLabOptions {
  pool?: PacketPool;
  trace?: TraceBuffer | null;
  seed?: number;
  /** The host's label in traces (default `host`). */
  hostLabel?: string;
}

export class MetaLab {
  readonly lab: Lab;
  readonly pool: PacketPool;
  readonly routers: LabRouter[] = [];
  /** Host interface name → the router and port its incoming frames go to (static links move a port). */
  readonly inputs = new Map<string, [number, number]>();
  /** Output name of (router, port) for frames leaving the lab, or null (a guest port without a link). */
  private readonly outName: (string | null)[][] = [];
  private readonly trace: TraceBuffer | null;
  private readonly seed: number;

  constructor(
    readonly host: RouterInstance,
    opts: MetaLabOptions = {},
  ) {
    this.pool = opts.pool ?? new PacketPool({ slots: 4096 });
    this.trace = opts.trace ?? null;
    this.seed = opts.seed ?? 1;
    this.lab = new Lab(this.pool, { trace: this.trace });
    const hostGen = compileGeneration(host.store);
    this.addRouter(opts.hostLabel ?? 'host', host, hostGen, null);
    for (const g of host.metarouter.list()) {
      const r = g.router as RouterInstance;
      this.addRouter(g.name, r, this.guestGeneration(g), g);
    }
    // Outputs: the host's ports by name; guest ports none until a static link names one.
    hostGen.portNames.forEach((n, p) => this.inputs.set(n, [0, p]));
    for (const link of host.metarouter.links()) {
      const k = this.routers.findIndex((r) => r.guest?.name === link.guest);
      if (k < 0) continue;
      const gp = this.routers[k]!.gen.portNames.indexOf(this.portName(k, link.guestPort));
      const hp = hostGen.portNames.indexOf(link.hostInterface);
      if (gp < 0 || hp < 0) continue;
      if (link.kind === 'dynamic') this.lab.link(0, hp, k, gp);
      else {
        this.inputs.set(link.hostInterface, [k, gp]);
        this.outName[k]![gp] = link.hostInterface;
        this.outName[0]![hp] = null;
      }
    }
    for (let k = 1; k < this.routers.length; k++) this.lab.setUp(k, this.routers[k]!.guest!.state === 'running');
  }

  /** The current name of a guest's port by its default name (etherN; the guest may have renamed it). */
  private portName(k: number, defaultName: string): string {
    const eth = this.routers[k]!.router.store.table('/interface ethernet');
    const item = eth?.items.find((i) => eth.value(i, 'default-name') === defaultName);
    return (item !== undefined ? eth!.value(item, 'name') : undefined) ?? defaultName;
  }

  private guestGeneration(g: Guest): Generation {
    const gen = compileGeneration((g.router as RouterInstance).store);
    const b = g.budget;
    return {
      ...gen,
      arpMaxEntries: Math.min(gen.arpMaxEntries, b.arpEntries),
      fdbMaxLearned: b.fdbEntries,
      firewall: { ...gen.firewall, conntrack: { ...gen.firewall.conntrack, maxEntries: Math.min(gen.firewall.conntrack.maxEntries, b.connections) } },
    };
  }

  private newFlow(k: number, gen: Generation, router: RouterInstance): Flow {
    return new Flow(gen, { pool: this.pool, trace: this.trace, log: router.log, seed: this.seed + k });
  }

  private addRouter(label: string, router: RouterInstance, gen: Generation, guest: Guest | null): void {
    const k = this.routers.length;
    this.routers.push({ label, router, gen, guest, epoch: guest?.epoch ?? 0, logged: new Set() });
    this.lab.add(label, this.newFlow(k, gen, router));
    this.outName.push(gen.portNames.map((n) => (guest === null ? n : null)));
  }

  /** The name of output (router, port) — a host interface — or null for a guest port without a link. */
  outputName(k: number, port: number): string | null {
    return this.outName[k]?.[port] ?? null;
  }

  /** Guests whose state or epoch moved: rebuilt (fresh tables) and set up or down. */
  refresh(): void {
    for (let k = 1; k < this.routers.length; k++) {
      const r = this.routers[k]!;
      const g = r.guest!;
      if (g.epoch !== r.epoch) {
        r.epoch = g.epoch;
        r.gen = this.guestGeneration(g);
        r.logged.clear();
        this.lab.replace(k, this.newFlow(k, r.gen, r.router));
      }
      this.lab.setUp(k, g.state === 'running');
    }
  }

  /** Log (once per condition and flow) guest tables that reached their memory budget. */
  poll(): void {
    for (let k = 1; k < this.routers.length; k++) {
      const r = this.routers[k]!;
      const flow = this.lab.flows[k]!;
      const b = r.guest!.budget;
      const now = flow.state.now;
      const say = (key: string, text: string) => {
        if (r.logged.has(key)) return;
        r.logged.add(key);
        r.router.log.log(now, 'firewall,warning', text);
        this.host.log.log(now, 'system,warning', `metarouter ${r.label}: ${text}`);
      };
      const fw = flow.firewall;
      if (fw !== null && fw.tracking && (fw.ct.size >= fw.ct.maxEntries || flow.graph.drops[Drop.CONNTRACK_FULL]! > 0)) {
        say('conntrack', `connection table full (${fw.ct.maxEntries} entries for memory-size ${b.mib}MiB): oldest unreplied connections are evicted, new ones dropped when none can be`);
      }
      if (flow.state.arp.size >= flow.state.arp.maxEntries) say('arp', `ARP table full (${flow.state.arp.maxEntries} entries for memory-size ${b.mib}MiB)`);
      if (flow.state.fdbs.some((f) => f.maxLearned > 0 && f.learned >= f.maxLearned)) say('fdb', `bridge host table full (${b.fdbEntries} learned hosts for memory-size ${b.mib}MiB): new hosts are flooded to, not learned`);
    }
  }

  /** Names for traces: each step prefixed with its router's label, named with that router's flow. */
  traceNames(): TraceNames {
    const per = this.lab.flows.map((f, k) => ({ label: this.routers[k]!.label, names: f.traceNames() }));
    const host = per[0]!.names;
    return { ...host, instance: (k: number) => per[k] ?? per[0]! };
  }
}
