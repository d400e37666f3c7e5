/**
 * A router running live: its configuration (RouterInstance), the flow compiled from it, and the live driver
 * that moves frames between the flow and real ports (dataplane/ports/live.ts).
 *
 * Why a class of its own: a live router changes its configuration while traffic flows — SIGHUP reloads the
 * file, the console edits the store — and each change is the same step: compile the store into a new
 * generation, build a new Flow that carries the old one's connections (FlowOptions.replaces), and swap it
 * into the driver between two vectors. A config that does not load is not applied: the old one keeps
 * running and the log says why. Counters per interface live in the driver and survive the swap; the new
 * flow takes over the counters of the rules (firewall, bridge filter/nat) and queues that still exist
 * (control/instance/counter-carry.ts says which: by id after an edit, by identical rule after a reload).
 */
import { R } from '../../dataplane/firewall/rules';
import { rareUses } from '../../dataplane/firewall/state';
import { Col as MonCol, TrafficMonitor, type TrafficRates } from './traffic-monitor';
import { compileGeneration, type Generation } from '../compile/generation';
import { addressEntry } from '../compile/firewall';
import { exportConfig } from '../store/export';
import type { ConsoleBackend } from '../console/console';
import type { CounterSource } from '../console/print';
import type { LiveTables } from '../store/live';
import { connSnapshot, removeConnection } from '../../dataplane/conntrack/snapshot';
import type { LogSink } from '../../dataplane/log-sink';
import { LIVE_ID_BASE, addressListRows, arpReports, arpRows, bridgeHostRows, connectionRows, fdbReports, forgetHost, forgetNeighbour } from './live-rows';
import type { ExecHooks } from '../store/exec';
import { RouterInstance, type StoreChange } from './router';
import { ConfigError } from '../routeros/errors';
import { Flow } from '../../dataplane/flow';
import { PacketPool } from '../../dataplane/buf/pool';
import { LC, LiveDriver, flowEngine, type LiveBinding, type LiveDriverOptions, type LiveEngine } from '../../dataplane/ports/live';
import { MetaLab } from './lab';
import { QUEUE_STAT_COLUMNS, queueItemStats } from '../../dataplane/queue/report';
import { WorkerEngine, type WorkerReload } from './worker-engine';
import { counterCarry, type CompiledConfig } from './counter-carry';
import { carryCounters, resetRuleCounters, type CounterCarry } from '../../dataplane/counter-carry';
import type { CounterTable } from '../../dataplane/worker/control';
import type { ConfigStore } from '../store/store';

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
    this.warnPerWorker();
    router.counters = this.counterSource();
    router.traffic = this;
    router.liveTables = this.liveTables();
  }

  /** `/interface monitor-traffic` rates (traffic-monitor.ts), from the driver's counters sampled each second. */
  readonly trafficMonitor = new TrafficMonitor();
  private sampler: ReturnType<typeof setInterval> | null = null;

  /** Sample the interface counters now and then every second (until stopSampling). */
  startSampling(): void {
    this.sampleTraffic();
    if (this.sampler === null) {
      this.sampler = setInterval(() => this.sampleTraffic(), 1000);
      this.sampler.unref();
    }
  }

  stopSampling(): void {
    if (this.sampler !== null) clearInterval(this.sampler);
    this.sampler = null;
  }

  /** One sample of every bound interface's counters (at performance.now(), seconds). */
  sampleTraffic(): void {
    const t = performance.now() / 1000;
    const c = this.driver.counters;
    const v = new Float64Array(MonCol.COUNT);
    this.driver.bindings.forEach((b, i) => {
      const o = i * LC.COUNT;
      v[MonCol.RX_BYTES] = c[o + LC.RX_BYTES]!;
      v[MonCol.TX_BYTES] = c[o + LC.TX_BYTES]!;
      v[MonCol.RX_PACKETS] = c[o + LC.RX_PACKETS]!;
      v[MonCol.TX_PACKETS] = c[o + LC.TX_PACKETS]!;
      v[MonCol.TX_DROPS] = c[o + LC.TX_DROPS]!;
      v[MonCol.RX_ERRORS] = c[o + LC.RX_ERRORS]!;
      v[MonCol.RX_DROPS] = c[o + LC.RX_NO_BUFFER]!;
      this.trafficMonitor.sample(b.iface, t, v);
    });
  }

  /** TrafficSource: rates of the named interfaces (an interface without a device shows zeros). */
  monitor(names: readonly string[]): { ok: true; rows: { name: string; rates: TrafficRates }[] } | { ok: false; unknown: string } {
    const rows: { name: string; rates: TrafficRates }[] = [];
    for (const name of names) {
      if (!this.gen.ifNames.includes(name)) return { ok: false, unknown: name };
      rows.push({ name, rates: this.trafficMonitor.rates(name) });
    }
    return { ok: true, rows };
  }

  /**
   * Where the flow's log lines go (firewall `log=yes`, in the port thread or from the workers): the router's
   * `/log` and the run's log output.
   */
  private readonly flowLog: LogSink = {
    log: (time, topics, message) => {
      this.router.log.log(time, topics, message);
      this.opts.log(topics, message);
    },
  };

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
    const oldStore = this.router.store;
    this.router.traffic = null;
    this.router.liveTables = null;
    this.router = next;
    next.counters = this.counterSource();
    next.traffic = this;
    next.liveTables = this.liveTables();
    this.apply(`configuration reloaded from ${file}`, { by: 'rule', store: oldStore });
    return true;
  }

  /**
   * Compile the router (and its MetaRouter guests) into what the driver runs: one Flow carrying `replaces`'s
   * connections, or, with guests, a MetaLab (a new lab starts its routers' connection tables afresh).
   */
  private build(replaces: Flow | null, carryFrom: { old: CompiledConfig; by: 'id' | 'rule' } | null = null): LiveEngine {
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
    const carry = carryFrom === null ? null : counterCarry(carryFrom.old, { gen: this.gen, store: this.router.store }, carryFrom.by);
    const workers = this.opts.workers ?? 0;
    if (workers > 0) return this.buildWorkers(workers, replaces, carry);
    this.flow = new Flow(this.gen, { pool, log: this.flowLog, ...(replaces !== null ? { replaces } : {}) });
    if (replaces !== null && carry !== null) carryCounters(replaces, this.flow, carry);
    return flowEngine(this.flow);
  }

  /**
   * The worker engine: started with the store's export as its config text (each worker compiles it), or,
   * when it runs already, switched to the new text (every worker between two vectors, carrying connections).
   */
  private buildWorkers(workers: number, replaces: Flow | null, carry: CounterCarry | null): LiveEngine {
    if (this.router.metarouter.guests.size > 0) throw new Error('MetaRouter guests do not run with workers');
    this.flow = new Flow(this.gen, { pool: new PacketPool({ slots: 256 }), ...(replaces !== null ? { replaces } : {}) });
    // its clock (the wall clock, as the workers') loads its address lists, carrying the dynamic entries
    const ms = performance.timeOrigin + performance.now();
    this.flow.setClock(Math.floor(ms / 1000), Math.floor((ms % 1000) * 1e6));
    if (replaces !== null && carry !== null) carryCounters(replaces, this.flow, carry);
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
        flowLog: this.flowLog,
      });
    } else {
      this.workerReload = this.workerEngine.reload(config, this.gen, fastClock, carry ?? undefined);
    }
    // the router's own copy of the workers' dynamic address-list entries (the port thread's flow, which a
    // reload carries like the workers' own)
    this.workerEngine.onListAdd = (list, lo, hi, expires) => this.flow?.firewall?.lists.addFromPeer(list, lo, hi, expires);
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

  /**
   * Compile the current store and swap the new flow in, carrying connections and counters: by item id (the
   * store was edited: console, API), or by identical rule (`from.by: 'rule'`, with the store the running
   * flow was compiled from: the file reloaded).
   */
  apply(what: string, from: { by: 'rule'; store: ConfigStore } | null = null): void {
    const old = this.flow;
    const carryFrom = this.lab !== null ? null : from === null ? { old: { gen: this.gen, store: this.router.store }, by: 'id' as const } : { old: { gen: this.gen, store: from.store }, by: 'rule' as const };
    this.driver.swap(this.build(old, carryFrom));
    const gen = this.gen;
    const flow = this.flow;
    this.applied = fingerprint(this.router);
    const fw = flow.firewall;
    const wr = this.workerReload;
    this.workerReload = null;
    const kept = wr !== null ? (wr.refused > 0 ? `, connections dropped in ${wr.refused} workers` : fw !== null ? `, ${wr.kept} connections kept` : '') : fw !== null && fw.carried ? `, ${fw.ct.confirmed} connections kept` : fw?.carryRefused ? `, connections dropped: ${fw.carryRefused}` : '';
    this.opts.log('system,info', `${what}${kept}`);
    for (const p of gen.firewall.problems) this.opts.log('firewall,warning', `${p.table} ${p.id}: ${p.message}`);
    this.warnPerWorker();
    const lost = this.driver.unboundInterfaces();
    if (lost.length > 0) this.opts.log('interface,warning', `no such interface in the configuration: ${lost.join(', ')} (frames from it are dropped)`);
  }

  /**
   * With workers, say which configured state each worker keeps on its own (docs/workers.md "Who owns
   * what"): queues shape per worker, and psd counts per worker, so their limits apply N times.
   */
  private warnPerWorker(): void {
    const n = this.workerEngine?.workers ?? 1;
    if (n < 2) return;
    if (this.flow.queueStages.length > 0) this.opts.log('system,warning', `queues: each of the ${n} workers shapes its own copy, so a queue's limits apply per worker (docs/workers.md)`);
    const f = this.gen.firewall;
    if ([f.raw, f.filter, f.mangle, f.nat].some((t) => (rareUses(t) & R.PSD) !== 0)) this.opts.log('firewall,warning', `psd rules count per worker: with ${n} workers a scan must be up to ${n} times wider to be seen (docs/workers.md)`);
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
    const statColumns = (menu: string) => (ifMenu(menu) ? INTERFACE_STAT_COLUMNS : isQueueMenu(menu) ? QUEUE_STAT_COLUMNS : undefined);
    const rawStats = (menu: string, id: number) => this.rawStats(menu, id, ifMenu(menu));
    /** The counter table and row of rule `id` of `menu` in the running flow (undefined: none). */
    const ruleOf = (menu: string, id: number): { t: CounterTable; r: number } | undefined => {
      if (menu === '/interface bridge filter' || menu === '/interface bridge nat') {
        const R = this.gen.bridgeRules;
        const table = menu.slice('/interface bridge '.length);
        for (let c = 0; c + 1 < R.chainStart.length; c++) {
          const name = R.chainNames[c] ?? '';
          if ((c < 3 ? 'filter' : c < 5 ? 'nat' : name.slice(0, name.indexOf(':'))) !== table) continue;
          for (let r = R.chainStart[c]!; r < R.chainStart[c + 1]!; r++) if (R.id[r] === id) return { t: 'bridge', r };
        }
        return undefined;
      }
      const t = tables[menu];
      const fw = this.flow.firewall;
      if (t === undefined || fw === null) return undefined;
      const r = fw.tables[t].ids.indexOf(`*${id.toString(16).toUpperCase()}`);
      return r < 0 ? undefined : { t, r };
    };
    return {
      counters: (menu, id) => {
        const at = ruleOf(menu, id);
        if (at === undefined) return undefined;
        // with workers the port thread's flow carries no traffic: the workers' counters, summed
        if (this.workerEngine !== null) return this.workerEngine.ruleCounters(at.t, at.r);
        const c = at.t === 'bridge' ? this.flow.state.bridgeWalk : this.flow.firewall![at.t];
        return { bytes: c.bytes[at.r]!, packets: c.packets[at.r]! };
      },
      reset: (menu, ids) => {
        if (isQueueMenu(menu) || (ifMenu(menu) && !menu.startsWith('/interface bridge '))) {
          // queues and interfaces: what is counted now becomes the zero these counters are shown from
          for (const id of ids) {
            const v = rawStats(menu, id);
            if (v !== undefined) this.statBase.set(this.baseKey(menu, id), v);
          }
          return;
        }
        const t = menu.startsWith('/interface bridge ') ? 'bridge' : tables[menu];
        if (t === undefined) return;
        const rows: number[] = [];
        for (const id of ids) {
          const at = ruleOf(menu, id);
          if (at !== undefined) rows.push(at.r);
        }
        if (this.workerEngine !== null) this.workerEngine.resetRuleCounters(t, rows);
        else resetRuleCounters(this.flow, t, rows);
      },
      statColumns,
      statValues: (menu, id) => {
        const v = rawStats(menu, id);
        const base = this.statBase.get(this.baseKey(menu, id));
        return v === undefined || base === undefined ? v : v.map((x, i) => (COUNTED_COLUMN.test((statColumns(menu) ?? [])[i] ?? '') ? minus(x, base[i]) : x));
      },
    };
  }

  /** Per `menu:id` of a queue or interface: its stat values when `reset-counters` ran (shown minus these). */
  private readonly statBase = new Map<string, readonly (number | string)[]>();

  /** A queue's or (`isInterface`) an interface's stat values as counted (reset-counters not applied). */
  private rawStats(menu: string, id: number, isInterface: boolean): (number | string)[] | undefined {
    if (isQueueMenu(menu)) {
      const f = this.flow;
      // with workers the port thread's flow carries no traffic: the workers' queue counters, summed
      const sums = this.workerEngine?.queueCounters();
      const schedulers = sums !== undefined ? (code: number) => sums.get(code) ?? null : (code: number) => f.queueScheduler(code);
      return queueItemStats(this.gen.queues, schedulers, f.queueClock(), menu, `*${id.toString(16).toUpperCase()}`);
    }
    if (!isInterface) return undefined;
    const name = this.interfaceName(id);
    const b = this.driver.bindings.findIndex((x) => x.iface === name);
    if (b < 0) return undefined;
    return STAT_LC.map((c) => this.driver.counters[b * LC.COUNT + c]!);
  }

  /** Where a reset baseline is kept: an interface by name (every interface menu shows it), a queue by id. */
  private baseKey(menu: string, id: number): string {
    return isQueueMenu(menu) ? `${menu}:${id}` : `if:${this.interfaceName(id) ?? id}`;
  }

  /**
   * Rows of the live menus (control/store/live.ts): `/ip firewall connection` from the running flow's
   * connection table, or from every worker's (asked over their ports).
   */
  liveTables(): LiveTables {
    const CONNECTIONS = '/ip firewall connection';
    const ARP = '/ip arp';
    const LISTS = '/ip firewall address-list';
    const HOSTS = '/interface bridge host';
    const marks = (): readonly string[] => (this.gen.firewall as { markNames?: readonly string[] }).markNames ?? [''];
    const listNames = (): readonly string[] => (this.gen.firewall as { addressListNames?: readonly string[] }).addressListNames ?? [];
    // the live clock is the wall clock (seconds); the port thread's flow does not run it with workers
    const now = (): number => (this.workerEngine !== null ? (performance.timeOrigin + performance.now()) / 1000 : this.flow.state.now);
    /** The keys of the ARP rows printed last (what `remove` of one of them names). */
    let arpKeys = new Map<number, [number, number]>();
    let hostKeys = new Map<number, [number, number, number, number]>();
    return {
      rows: (menu) => {
        if (menu === CONNECTIONS) {
          if (this.workerEngine !== null) return this.workerEngine.connections().flatMap((s) => connectionRows(s, marks()));
          const ct = this.flow.firewall?.ct;
          return ct === undefined ? [] : connectionRows(connSnapshot(ct, this.flow.state.now), marks());
        }
        if (menu === ARP) {
          const reports = this.workerEngine !== null ? this.workerEngine.arp() : arpReports(this.flow.state.arp, 0);
          const r = arpRows(reports, this.gen.ifNames, this.workerEngine?.workers ?? 1);
          arpKeys = r.keys;
          return r.rows;
        }
        if (menu === HOSTS) {
          const g = this.gen;
          const reports = this.workerEngine !== null ? this.workerEngine.fdb() : fdbReports(this.flow.state.fdbs, 0);
          const portName = (p: number) => g.portNames[p] ?? g.ifNames[g.bridgeIf[p - g.portNames.length] ?? -1] ?? `port ${p}`;
          const r = bridgeHostRows(reports, Array.from(g.bridgeIf, (i) => g.ifNames[i] ?? '?'), portName, this.workerEngine?.workers ?? 1);
          hostKeys = r.keys;
          return r.rows;
        }
        if (menu === LISTS) {
          // with workers the port thread's flow holds the router's copy of every worker's entries
          const lists = this.flow.firewall?.lists;
          return lists === undefined ? [] : addressListRows(lists.entries(now()), listNames(), now());
        }
        return [];
      },
      remove: (menu, ids) => {
        if (ids.length === 0) return 0;
        if (menu === CONNECTIONS) {
          if (this.workerEngine !== null) return this.workerEngine.removeConnections(ids);
          const ct = this.flow.firewall?.ct;
          return ct === undefined ? 0 : ids.filter((id) => removeConnection(ct, id)).length;
        }
        if (menu === ARP) {
          const keys = ids.map((id) => arpKeys.get(id)).filter((k): k is [number, number] => k !== undefined);
          if (this.workerEngine !== null) return this.workerEngine.removeArp(keys);
          return keys.filter(([ip, ifIndex]) => forgetNeighbour(this.flow.state.arp, ip, ifIndex)).length;
        }
        if (menu === HOSTS) {
          const keys = ids.map((id) => hostKeys.get(id)).filter((k): k is [number, number, number, number] => k !== undefined);
          if (this.workerEngine !== null) return this.workerEngine.removeFdb(keys);
          return keys.filter(([br, hi, lo, vid]) => forgetHost(this.flow.state.fdbs, br, hi, lo, vid)).length;
        }
        if (menu === LISTS) {
          const lists = this.flow.firewall?.lists;
          if (lists === undefined) return 0;
          const gone = lists.entries(now()).filter((e) => e.dynamic && ids.includes(LIVE_ID_BASE + e.id));
          for (const e of gone) lists.remove(e.id);
          this.workerEngine?.removeListEntries(gone);
          return gone.length;
        }
        return 0;
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

const isQueueMenu = (menu: string): boolean => menu === '/queue simple' || menu === '/queue tree';

/** Stat columns that count up (reset-counters zeroes them); rates and queue lengths are shown as they are. */
const COUNTED_COLUMN = /^(rx-|tx-)|^(bytes|packets|dropped)$/;

/** `x - base` for a counter, or per side for a queue's `upload/download` pair. */
function minus(x: number | string, base: number | string | undefined): number | string {
  if (base === undefined) return x;
  if (typeof x === 'number') return Math.max(0, x - Number(base));
  const b = String(base).split('/');
  return x
    .split('/')
    .map((v, i) => String(Math.max(0, Number(v) - Number(b[i] ?? 0))))
    .join('/');
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
