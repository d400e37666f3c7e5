/**
 * A router running live: its configuration (RouterInstance), the flow compiled from it, and the live driver
 * that moves frames between the flow and real ports (dataplane/ports/live.ts).
 *
 * Why a class of its own: a live router changes its configuration while traffic flows — SIGHUP reloads the
 * file, the console edits the store — and each change is the same step: compile the store into a new
 * generation, build a new Flow that carries the old one's connections (FlowOptions.replaces), and swap it
 * into the driver between two vectors. A config that does not load is not applied: the old one keeps
 * running and the log says why. Counters per interface live in the driver and survive the swap; firewall
 * rule counters restart with the new flow (RouterOS keeps those of unchanged rules: not done yet).
 */
import { compileGeneration, type Generation } from '../compile/generation';
import { addressEntry } from '../compile/firewall';
import { exportConfig } from '../store/export';
import type { ConsoleBackend } from '../console/console';
import type { CounterSource } from '../console/print';
import type { ExecHooks } from '../store/exec';
import { RouterInstance, type StoreChange } from './router';
import { ConfigError } from '../routeros/errors';
import { Flow } from '../../dataplane/flow';
import { PacketPool } from '../../dataplane/buf/pool';
import { LC, LiveDriver, flowEngine, type LiveBinding, type LiveDriverOptions, type LiveEngine } from '../../dataplane/ports/live';
import { MetaLab } from './lab';
import { QUEUE_STAT_COLUMNS, queueItemStats } from '../../dataplane/queue/report';
import { WorkerEngine, type WorkerReload } from './worker-engine';

export interface LiveRouterOptions {
  /** Slots per flow's packet pool (default 8192). */
  slots?: number;
  /** Bytes per slot (default the pool's 2048; 64 KiB + headroom for TAPs with offloads: super-frames). */
  slotSize?: number;
  /** Log sink (topics like `system,info`, message). */
  log: (topics: string, message: string) => void;
  driver?: Omit<LiveDriverOptions, 'log'>;
  /**
   * Run the flow in this many worker threads (control/instance/worker-engine.ts); 0 or absent: in the port
   * thread. Not with MetaRouter guests.
   */
  workers?: number;
}

/** Interface counter columns of `/interface print stats` (RouterOS's names), from the driver's LC columns. */
export const INTERFACE_STAT_COLUMNS = ['rx-byte', 'tx-byte', 'rx-packet', 'tx-packet', 'tx-drop', 'rx-error'] as const;
const STAT_LC = [LC.RX_BYTES, LC.TX_BYTES, LC.RX_PACKETS, LC.TX_PACKETS, LC.TX_DROPS, LC.RX_ERRORS];

export class LiveRouter {
  router: RouterInstance;
  gen!: Generation;
  /** The router's flow (with MetaRouter guests: the host's, inside `lab`). */
  flow!: Flow;
  /** With MetaRouter guests: the host and its guests on one pool and clock (control/instance/lab.ts). */
  lab: MetaLab | null = null;
  /**
   * With `workers`: the threads that run the flow. `flow` is then the port thread's copy of the running
   * generation (what the console describes; it carries no traffic: rule counters are the workers', summed).
   */
  workerEngine: WorkerEngine | null = null;
  /** What the last reload did in the workers. */
  private workerReload: WorkerReload | null = null;
  readonly driver: LiveDriver;
  private readonly opts: LiveRouterOptions;
  /**
   * The store as exported when the running flow was compiled (to tell whether a console line changed it);
   * null when address-list entries were added to the running flow since (followChanges): it matches the
   * store then, but the export is taken only once the adds pause.
   */
  private applied: string | null;
  /** Address-list entries added to the running flow without a recompile (followChanges). */
  addedInPlace = 0;

  constructor(router: RouterInstance, bindings: LiveBinding[], opts: LiveRouterOptions) {
    this.router = router;
    this.opts = opts;
    this.applied = fingerprint(router);
    this.driver = new LiveDriver(this.build(null), bindings, { ...opts.driver, log: opts.log });
    for (const p of this.gen.firewall.problems) opts.log('firewall,warning', `${p.table} ${p.id}: ${p.message}`);
    router.counters = this.counterSource();
  }

  private newPool(): PacketPool {
    return new PacketPool({ slots: this.opts.slots ?? 8192, ...(this.opts.slotSize !== undefined ? { slotSize: this.opts.slotSize } : {}) });
  }

  /**
   * Load `text` as the whole configuration (SIGHUP). On success the new flow runs, carrying connections;
   * on failure nothing changes and the errors are logged. Returns whether it was applied.
   */
  reload(text: string, file: string, guests: readonly { name: string; text: string; file: string }[] = []): boolean {
    const next = new RouterInstance({ name: this.router.name });
    const res = next.load(text, file);
    const errors = [...res.errors];
    // MetaRouter guests' configurations (`run --guest`), loaded into the new host's guests
    for (const g of res.ok ? guests : []) {
      const r = next.guestConsole(g.name)?.load(g.text, g.file);
      if (r === undefined) errors.push(ConfigError.at(file, { line: 1, col: 1, offset: 0 }, `no /metarouter item named ${g.name} for ${g.file}`));
      else errors.push(...r.errors);
    }
    if (errors.length > 0) {
      this.opts.log('system,error', `configuration ${file} not applied, the running one is kept:`);
      for (const e of errors) this.opts.log('system,error', `${e.file}:${e.line}:${e.col}: ${e.message}`);
      return false;
    }
    this.router.counters = null;
    this.router = next;
    next.counters = this.counterSource();
    this.apply(`configuration reloaded from ${file}`);
    return true;
  }

  /**
   * Compile the router (and its MetaRouter guests) into what the driver runs: one Flow carrying `replaces`'s
   * connections, or, with guests, a MetaLab (a new lab starts its routers' connection tables afresh).
   */
  private build(replaces: Flow | null): LiveEngine {
    const pool = this.newPool();
    if (this.router.metarouter.guests.size > 0) {
      const ml = new MetaLab(this.router, { pool });
      this.lab = ml;
      this.gen = ml.routers[0]!.gen;
      this.flow = ml.lab.flows[0]!;
      return labEngine(ml);
    }
    this.lab = null;
    this.gen = compileGeneration(this.router.store);
    const workers = this.opts.workers ?? 0;
    if (workers > 0) return this.buildWorkers(workers, replaces);
    this.flow = new Flow(this.gen, { pool, ...(replaces !== null ? { replaces } : {}) });
    return flowEngine(this.flow);
  }

  /**
   * The worker engine: started with the store's export as its config text (each worker compiles it), or,
   * when it runs already, switched to the new text (every worker between two vectors, carrying connections).
   */
  private buildWorkers(workers: number, replaces: Flow | null): LiveEngine {
    if (this.router.metarouter.guests.size > 0) throw new Error('MetaRouter guests do not run with workers');
    this.flow = new Flow(this.gen, { pool: new PacketPool({ slots: 256 }), ...(replaces !== null ? { replaces } : {}) });
    const config = fingerprint(this.router);
    const fastClock = this.flow.queueStages.length > 0;
    if (this.workerEngine === null) {
      this.workerEngine = new WorkerEngine({
        workers,
        config,
        file: 'running.rsc',
        ethernetPorts: this.router.store.table('/interface ethernet')?.items.length ?? 8,
        gen: this.gen,
        fastClock,
        ...(this.opts.slots !== undefined ? { slots: this.opts.slots } : {}),
        ...(this.opts.slotSize !== undefined ? { slotSize: this.opts.slotSize } : {}),
        log: this.opts.log,
      });
    } else {
      this.workerReload = this.workerEngine.reload(config, this.gen, fastClock);
    }
    return this.workerEngine;
  }

  /** Resolves when the dataplane can take frames (workers started); rejects when a worker failed to start. */
  async ready(): Promise<void> {
    await this.workerEngine?.ready();
  }

  /** Stop the worker threads (after driver.stop()). */
  async close(): Promise<void> {
    await this.workerEngine?.close();
  }

  /** Compile the current store and swap the new flow in, carrying connections. */
  apply(what: string): void {
    const old = this.flow;
    this.driver.swap(this.build(old));
    const gen = this.gen;
    const flow = this.flow;
    this.applied = fingerprint(this.router);
    const fw = flow.firewall;
    const wr = this.workerReload;
    this.workerReload = null;
    const kept = wr !== null ? (wr.refused > 0 ? `, connections dropped in ${wr.refused} workers` : fw !== null ? `, ${wr.kept} connections kept` : '') : fw !== null && fw.carried ? `, ${fw.ct.confirmed} connections kept` : fw?.carryRefused ? `, connections dropped: ${fw.carryRefused}` : '';
    this.opts.log('system,info', `${what}${kept}`);
    for (const p of gen.firewall.problems) this.opts.log('firewall,warning', `${p.table} ${p.id}: ${p.message}`);
    const lost = this.driver.unboundInterfaces();
    if (lost.length > 0) this.opts.log('interface,warning', `no such interface in the configuration: ${lost.join(', ')} (frames from it are dropped)`);
  }

  /** Apply the store if it differs from what the running flow was compiled from (API changes). */
  applyIfChanged(what: string): void {
    if (fingerprint(this.router) !== this.applied) this.apply(what);
  }

  /**
   * Bring changes made outside the console backend (the APIs) to the running dataplane: address-list
   * entries an `add` made go straight into the running flow's address lists (addInPlace); any other change
   * is applied whole (applyIfChanged), once per burst of changes (`delayMs` after the first). Returns the
   * unsubscribe function. Follows the router of the moment: after a reload, follow again. `settleMs`: how
   * long adds must pause before the store's export is taken again (what tells later changes apart).
   */
  followChanges(delayMs = 50, settleMs = 1000): () => void {
    let pending: NodeJS.Timeout | null = null;
    let settle: NodeJS.Timeout | null = null;
    const off = this.router.onChange((change) => {
      // In place only when no whole apply waits: that one would be compiled from a store that has them anyway.
      if (pending === null && this.addInPlace(change)) {
        // The export that says what runs is taken once the adds pause (not per add: it is linear in the store).
        if (settle !== null) clearTimeout(settle);
        settle = setTimeout(() => {
          settle = null;
          if (pending === null && this.applied === null) this.applied = fingerprint(this.router);
        }, settleMs);
        return;
      }
      pending ??= setTimeout(() => {
        pending = null;
        this.applyIfChanged('configuration changed through the API');
      }, delayMs);
    });
    return () => {
      off();
      if (pending !== null) clearTimeout(pending);
      if (settle !== null) clearTimeout(settle);
    };
  }

  /**
   * Take the address-list entries of an `add` into the running flow's address lists, without compiling a
   * new generation: what makes 100k entries added through the API cost microseconds each instead of a
   * recompile per burst. Only plain cases (one flow in this thread, entries of lists the running generation
   * knows, addresses and prefixes, a timeout once the clock runs); anything else returns false and is
   * applied whole. Disabled entries have nothing to add.
   */
  addInPlace(change: StoreChange): boolean {
    if (change.added === undefined || this.lab !== null || this.workerEngine !== null) return false;
    const t = this.router.store.table('/ip firewall address-list');
    if (t === undefined || !change.added.every((a) => a.path === '/ip firewall address-list')) return false;
    const fw = this.flow.firewall;
    const names = this.gen.firewall.addressListNames;
    const now = this.flow.state.now;
    const entries: { list: number; lo: number; hi: number; timeout: number }[] = [];
    for (const a of change.added) {
      for (const item of a.items) {
        if (t.disabled(item) || item.dynamic) continue;
        const list = names.indexOf(t.value(item, 'list') ?? '');
        if (list < 0) return false;
        const e = addressEntry(list, t.value(item, 'address') ?? '', item.values.get('timeout'));
        if (e === null || (e.timeout !== Infinity && now === 0)) return false;
        entries.push(e);
      }
    }
    // Without a firewall state (no rule, no connection tracking) nothing reads the lists.
    if (fw !== null) for (const e of entries) fw.lists.add(e.list, e.lo, e.hi, now + e.timeout, false);
    this.addedInPlace += entries.length;
    this.applied = null;
    return true;
  }

  /** The console's backend: lines run on the router's store; a line that changed it is applied at once. */
  consoleBackend(): ConsoleBackend {
    const self = this;
    return {
      get store() {
        return self.router.store;
      },
      runConsoleLine(line: string, menu: readonly string[], opts?: { hooks?: ExecHooks }) {
        const r = self.router.runConsoleLine(line, menu, opts ?? {});
        if (r.ok && fingerprint(self.router) !== self.applied) self.apply('configuration changed from the console');
        return r;
      },
    };
  }

  /**
   * Counters for the console's `print stats`: firewall rules from the running flow (by rule id), interfaces
   * from the driver (by interface name).
   */
  counterSource(): CounterSource {
    const tables: Record<string, 'raw' | 'filter' | 'mangle' | 'nat'> = {
      '/ip firewall raw': 'raw',
      '/ip firewall filter': 'filter',
      '/ip firewall mangle': 'mangle',
      '/ip firewall nat': 'nat',
    };
    const ifMenu = (menu: string) => menu === '/interface' || menu.startsWith('/interface ');
    return {
      counters: (menu, id) => {
        const t = tables[menu];
        const fw = this.flow.firewall;
        if (t === undefined || fw === null) return undefined;
        const table = fw.tables[t];
        const r = table.ids.indexOf(`*${id.toString(16).toUpperCase()}`);
        if (r < 0) return undefined;
        // with workers the port thread's flow carries no traffic: the workers' counters, summed
        if (this.workerEngine !== null) return this.workerEngine.ruleCounters(t, r);
        return { bytes: fw[t].bytes[r]!, packets: fw[t].packets[r]! };
      },
      statColumns: (menu) => (ifMenu(menu) ? INTERFACE_STAT_COLUMNS : menu === '/queue simple' || menu === '/queue tree' ? QUEUE_STAT_COLUMNS : undefined),
      statValues: (menu, id) => {
        if (menu === '/queue simple' || menu === '/queue tree') {
          const q = this.gen.queues;
          const f = this.flow;
          return queueItemStats(q, (code) => f.queueScheduler(code), f.queueClock(), menu, `*${id.toString(16).toUpperCase()}`);
        }
        if (!ifMenu(menu)) return undefined;
        const name = this.interfaceName(id);
        const b = this.driver.bindings.findIndex((x) => x.iface === name);
        if (b < 0) return undefined;
        return STAT_LC.map((c) => this.driver.counters[b * LC.COUNT + c]!);
      },
    };
  }

  private interfaceName(id: number): string | undefined {
    for (const path of ['/interface ethernet', '/interface bridge', '/interface vlan']) {
      const t = this.router.store.table(path);
      const item = t?.byId(id);
      if (t !== undefined && item !== undefined) return t.value(item, 'name');
    }
    return undefined;
  }

  /** What `flowplane run` prints at start: each bound interface, its device, MAC and addresses. */
  describe(): string {
    const lines: string[] = [];
    const addr = this.router.store.table('/ip address');
    for (const b of this.driver.bindings) {
      const i = this.gen.ifNames.indexOf(b.iface);
      const mac = i >= 0 ? Array.from(this.gen.macs.subarray(i * 6, i * 6 + 6), (x) => x.toString(16).padStart(2, '0')).join(':').toUpperCase() : '?';
      const addrs = addr === undefined ? [] : addr.items.filter((it) => addr.value(it, 'interface') === b.iface && !addr.disabled(it)).map((it) => addr.value(it, 'address'));
      lines.push(`  ${b.iface.padEnd(8)} ${b.io.kind} ${b.io.device.padEnd(15)} ${mac}  ${addrs.length > 0 ? addrs.join(', ') : '(no address)'}`);
    }
    return lines.join('\n') + '\n';
  }
}

/** The store's full export: equal texts mean nothing to recompile. */
function fingerprint(r: RouterInstance): string {
  return exportConfig(r.store, { verbose: true, showSensitive: true, date: new Date(0) });
}

/**
 * A MetaRouter lab as the live driver's engine: its ports are the host's interfaces (a port handed to a guest
 * by a static link feeds that guest); frames the lab sends out of a host interface go to that port's device.
 */
function labEngine(ml: MetaLab): LiveEngine {
  const portNames = [...ml.inputs.keys()];
  const into = portNames.map((n) => ml.inputs.get(n)!);
  // (router, port) → index in portNames of the device it leaves by, -1 none
  const outIndex = ml.routers.map((r, k) => Int32Array.from(r.gen.portNames, (_n, p) => {
    const name = ml.outputName(k, p);
    return name === null ? -1 : portNames.indexOf(name);
  }));
  const inPort = ml.pool.meta.inPort;
  return {
    pool: ml.pool,
    portNames,
    fastClock: ml.lab.flows.some((f) => f.queueStages.length > 0),
    portMtu: (i) => {
      const [k, p] = into[i]!;
      const t = ml.routers[k]!.gen;
      const ifi = t.portIf[p] ?? -1;
      return ifi >= 0 ? (t.mtu[ifi] ?? 1500) : 1500;
    },
    setTransmit: (fn) => {
      ml.lab.onOutput = (k, port, slot) => {
        const i = outIndex[k]?.[port] ?? -1;
        if (i < 0) ml.pool.free(slot);
        else fn(slot, i);
      };
    },
    receive: (slots, n) => {
      if (n === 0) return;
      const [k, p] = into[inPort[slots[0]!]!]!;
      for (let i = 0; i < n; i++) inPort[slots[i]!] = p;
      ml.lab.inject(k, slots, n);
    },
    setClock: (sec, nsec) => {
      ml.lab.setClock(sec, nsec);
      ml.poll();
    },
  };
}
