/**
 * MetaRouter guests of one host router (ROUTEROS-FLOW.md §10): each `/metarouter` item of the host's
 * configuration is a guest, a RouterInstance of its own (store, console globals, log; the lab gives it its
 * own flow: tables, connection tracking, FDB, ARP, queues, counters). The host owns its guests; nothing is
 * module-level, so several hosts with guests share a process without seeing each other.
 *
 * - A guest exists while its item does (`sync()` after every configuration change makes and drops them).
 *   Its ports are `ether1..N`, one per `/metarouter interface` of the guest in the host's item order (the
 *   NICs the host hot-adds): a guest sees exactly the links it was given. A port's factory MAC is the
 *   link's `vm-mac-address`, else a MAC derived from the guest's and the link's names (two guests never
 *   share one by default). Ports are only added, never taken away while the guest lives (RouterOS hot-removes
 *   them; flowplane keeps the port, unlinked: UNCONFIRMED).
 * - State: `disabled` for a disabled item, else `running` or `stopped` (`shut-down`; `start`, `reboot`,
 *   `enable` make it run). Booting is instant here (RouterOS shows `booting` for a while: UNCONFIRMED).
 *   The state and `used-disk` (the size of the guest's exported configuration, KiB) are written into the
 *   host's items as read-only values, so `/metarouter print` shows them.
 * - A reboot keeps the guest's configuration and clears what it learned: the lab rebuilds its flow (the
 *   `epoch` counter tells it to).
 * - At most `maxGuests` (default 8, as RouterOS documents) guests: items beyond are refused when added.
 * - `memory-size` (MiB, default 24: UNCONFIRMED) becomes the guest's table budget (control/instance/budget.ts).
 */
import { derivedMac } from '../compile/generation';
import type { ConfigStore } from '../store/store';
import { exportConfig } from '../store/export';
import { memoryBudget, type MemoryBudget } from './budget';
import type { RouterLog } from './log';

/** The part of a RouterInstance the manager needs of a guest (router.ts builds them; no import cycle). */
export interface GuestRouter {
  readonly name: string;
  readonly store: ConfigStore;
  readonly log: RouterLog;
  logTime: number;
}

export type GuestState = 'running' | 'stopped' | 'disabled';

export interface Guest {
  readonly name: string;
  readonly router: GuestRouter;
  state: GuestState;
  /** Bumped by every start/reboot: a flow built for an older epoch is stale. */
  epoch: number;
  budget: MemoryBudget;
  /** Guest port number (0 = ether1) → the host's link item id text, in link order. */
  readonly links: string[];
}

/** One host-side link as the lab wires it. */
export interface LinkPlan {
  guest: string;
  /** The guest's port (its ethernet item's default-name, `etherN`). */
  guestPort: string;
  kind: 'dynamic' | 'static';
  /** dynamic: the host vif; static: the host interface handed over. */
  hostInterface: string;
}

export const DEFAULT_MAX_GUESTS = 8;
export const DEFAULT_MEMORY_MIB = 24;

export interface MetaRouterOptions {
  maxGuests?: number;
}

export class MetaRouter {
  readonly guests = new Map<string, Guest>();
  maxGuests: number;

  constructor(
    private readonly host: { readonly store: ConfigStore; readonly log: RouterLog; logTime: number },
    private readonly makeRouter: (name: string) => GuestRouter,
    opts: MetaRouterOptions = {},
  ) {
    this.maxGuests = opts.maxGuests ?? DEFAULT_MAX_GUESTS;
  }

  /** Guests in the host's item order. */
  list(): Guest[] {
    return [...this.guests.values()];
  }

  get(name: string): Guest | undefined {
    return this.guests.get(name);
  }

  /** The links of the host's configuration, in item order (what the lab wires). */
  links(): LinkPlan[] {
    const t = this.host.store.table('/metarouter interface');
    const out: LinkPlan[] = [];
    const perGuest = new Map<string, number>();
    for (const item of t?.items ?? []) {
      const guest = t!.value(item, 'virtual-machine') ?? '';
      const g = this.guests.get(guest);
      if (g === undefined) continue;
      const k = (perGuest.get(guest) ?? 0) + 1;
      perGuest.set(guest, k);
      const kind = (t!.value(item, 'type') ?? 'dynamic') as 'dynamic' | 'static';
      const hostInterface = kind === 'dynamic' ? item.values.get('interface') : t!.value(item, 'static-interface');
      if (hostInterface === undefined) continue;
      out.push({ guest, guestPort: `ether${k}`, kind, hostInterface });
    }
    return out;
  }

  /** Too many guests? (checked before a configuration commits: the error text, or undefined). */
  static check(store: ConfigStore, maxGuests: number): string | undefined {
    const n = store.table('/metarouter')?.items.length ?? 0;
    return n > maxGuests ? `/metarouter: at most ${maxGuests} guests (${n} configured)` : undefined;
  }

  /** Make and drop guests, hot-add their ports and refresh the state columns after a host config change. */
  sync(): void {
    const t = this.host.store.table('/metarouter');
    const lt = this.host.store.table('/metarouter interface');
    if (t === undefined) return;
    const seen = new Set<string>();
    for (const item of t.items) {
      const name = t.value(item, 'name');
      if (name === undefined) continue;
      seen.add(name);
      let g = this.guests.get(name);
      const disabled = t.disabled(item);
      const budget = memoryBudget(parseInt(t.value(item, 'memory-size') ?? '', 10) || DEFAULT_MEMORY_MIB);
      if (g === undefined) {
        g = { name, router: this.makeRouter(name), state: disabled ? 'disabled' : 'running', epoch: 1, budget, links: [] };
        this.guests.set(name, g);
        this.host.log.log(this.host.logTime, 'system,info', `metarouter ${name} ${disabled ? 'added (disabled)' : 'started'}, memory ${budget.mib}MiB: ${budget.text}`);
      } else {
        if (disabled && g.state !== 'disabled') this.setState(g, 'disabled');
        else if (!disabled && g.state === 'disabled') this.setState(g, 'running');
        if (budget.mib !== g.budget.mib) {
          g.budget = budget;
          g.epoch++;
        }
      }
      // Hot-add a port per link (in the host's link order).
      for (const link of lt?.items ?? []) {
        if (lt!.value(link, 'virtual-machine') !== name) continue;
        const id = String(link.id);
        if (g.links.includes(id)) continue;
        g.links.push(id);
        addGuestPort(g.router.store, g.links.length, lt!.value(link, 'vm-mac-address') ?? macText(derivedMac(`metarouter:${name}:ether${g.links.length}`)));
        g.epoch++;
      }
    }
    for (const name of [...this.guests.keys()]) {
      if (seen.has(name)) continue;
      this.guests.delete(name);
      this.host.log.log(this.host.logTime, 'system,info', `metarouter ${name} removed`);
    }
    this.writeColumns();
  }

  /** `start`, `shut-down`, `reboot` on guests by name (ExecHooks.action). Unknown names are ignored. */
  action(verb: string, names: string[]): void {
    for (const n of names) {
      const g = this.guests.get(n);
      if (g === undefined || g.state === 'disabled') continue;
      if (verb === 'start' && g.state === 'stopped') this.setState(g, 'running');
      else if (verb === 'shut-down' && g.state === 'running') this.setState(g, 'stopped');
      else if (verb === 'reboot') {
        this.host.log.log(this.host.logTime, 'system,info', `metarouter ${n} rebooting`);
        this.setState(g, 'running');
        g.epoch++;
      }
    }
    this.writeColumns();
  }

  private setState(g: Guest, s: GuestState): void {
    if (g.state === s) return;
    g.state = s;
    if (s === 'running') g.epoch++;
    this.host.log.log(this.host.logTime, 'system,info', `metarouter ${g.name} ${s === 'running' ? 'started' : s === 'stopped' ? 'shut down' : 'disabled'}`);
  }

  /** `state` and `used-disk` (KiB of the guest's exported config) into the host's items, for print. */
  writeColumns(): void {
    const t = this.host.store.table('/metarouter');
    for (const item of t?.items ?? []) {
      const g = this.guests.get(t!.value(item, 'name') ?? '');
      if (g === undefined) continue;
      item.values.set('state', g.state);
      const bytes = Buffer.byteLength(exportConfig(g.router.store, {}));
      item.values.set('used-disk', `${Math.ceil(bytes / 1024)}KiB`);
    }
  }
}

function macText(b: Uint8Array): string {
  return Array.from(b, (x) => x.toString(16).padStart(2, '0').toUpperCase()).join(':');
}

/** Give a guest store its `n`-th port (`etherN`) with its factory MAC and interface queue. */
export function addGuestPort(store: ConfigStore, n: number, mac: string): void {
  const eth = store.table('/interface ethernet');
  if (eth === undefined) return;
  const name = `ether${n}`;
  if (eth.items.some((i) => eth.value(i, 'default-name') === name)) return;
  const init = eth.spec.fixedItems?.(n)[n - 1] ?? { name, 'default-name': name };
  eth.add(new Map(Object.entries({ ...init, 'orig-mac-address': mac })));
  const q = store.table('/queue interface');
  if (q !== undefined && !q.items.some((i) => i.values.get('interface') === name)) {
    const qi = q.spec.fixedItems?.(n)[n - 1] ?? { interface: name };
    q.add(new Map(Object.entries(qi)));
  }
}
