/**
 * What `/metarouter interface` items make on the host, kept in step with them (ROUTEROS-FLOW.md §10).
 *
 * A `type=dynamic` link gives the host an interface `vifN` (RouterOS flags it D R, type vif). Here it is a
 * **dynamic item of `/interface ethernet`**: ethernet-like in every way the host config can use it (a bridge
 * port, an `in-interface`/`out-interface` of firewall rules, an interface queue), a port of the compiled
 * generation like ether1..N, never exported (dynamic items are not) and not removable by hand. Its MAC is
 * the link's `dynamic-mac-address`, else the MAC derived from its name, kept as the port's
 * `orig-mac-address` (the factory MAC: `mac-address` still overrides it).
 *
 * - N is the lowest number no interface uses, host-wide; a link keeps its vif while it exists (the name is
 *   kept in the link's read-only `interface`), so removing vif1's link does not rename vif2. Which numbers
 *   RouterOS reuses is UNCONFIRMED (docs/unconfirmed.md).
 * - `dynamic-bridge=BRIDGE` adds a dynamic `/interface bridge port` (vif in BRIDGE), as RouterOS does.
 * - A vif gets its `/queue interface` item, like any port.
 * - A link whose guest is gone (or that is not dynamic) has no vif; a vif nobody claims is removed with its
 *   bridge port and queue item.
 *
 * `reconcileMetarouterLinks` runs after every command on `/metarouter` or `/metarouter interface` (the
 * executor calls it with its index hooks), so the store is always consistent before it is validated.
 */
import type { Item, MenuTable, ConfigStore } from './store';

/** The index callbacks of the executor (control/store/select.ts Indexes). */
export interface IndexHooks {
  added(table: MenuTable, item: Item): void;
  removed(table: MenuTable, item: Item): void;
  unindex(table: MenuTable, item: Item): void;
  reindex(table: MenuTable, item: Item): void;
}

const NO_HOOKS: IndexHooks = { added: () => {}, removed: () => {}, unindex: () => {}, reindex: () => {} };

const VIF = /^vif(\d+)$/;

/** Is this `/interface ethernet` item a host vif made for a MetaRouter link? */
export function isVifItem(eth: MenuTable, item: Item): boolean {
  return item.dynamic && VIF.test(eth.value(item, 'name') ?? '');
}

/** Every interface name of the store (all interface kinds). */
function interfaceNames(store: ConfigStore): Set<string> {
  const out = new Set<string>();
  for (const p of ['/interface ethernet', '/interface bridge', '/interface vlan']) {
    const t = store.table(p);
    for (const item of t?.items ?? []) {
      const n = t!.value(item, 'name');
      if (n !== undefined) out.add(n);
    }
  }
  return out;
}

/** The MAC a vif gets without `dynamic-mac-address` (`derive` is generation.ts derivedMac, as text). */
export type MacOf = (name: string) => string;

/** Bring the store's vifs, their bridge ports and queue items in line with `/metarouter interface`. */
export function reconcileMetarouterLinks(store: ConfigStore, macOf: MacOf, hooks: IndexHooks = NO_HOOKS): void {
  const links = store.table('/metarouter interface');
  const guests = store.table('/metarouter');
  const eth = store.table('/interface ethernet');
  if (links === undefined || guests === undefined || eth === undefined) return;
  const guestNames = new Set(guests.items.map((g) => guests.value(g, 'name')));
  const vifs = new Map<string, Item>();
  for (const item of eth.items) if (isVifItem(eth, item)) vifs.set(eth.value(item, 'name')!, item);
  const taken = interfaceNames(store);
  const claimed = new Set<string>();
  const setValue = (t: MenuTable, item: Item, prop: string, v: string | undefined) => {
    if (item.values.get(prop) === v) return;
    hooks.unindex(t, item);
    if (v === undefined) item.values.delete(prop);
    else item.values.set(prop, v);
    hooks.reindex(t, item);
  };
  // Links keep the vif they have; then, in id order, links without one get the lowest free number.
  const sorted = [...links.items].sort((a, b) => a.id - b.id);
  const active = sorted.filter((l) => (links.value(l, 'type') ?? 'dynamic') === 'dynamic' && guestNames.has(links.value(l, 'virtual-machine')));
  for (const link of sorted) if (!active.includes(link)) setValue(links, link, 'interface', undefined);
  for (const link of active) {
    const name = link.values.get('interface');
    if (name !== undefined && vifs.has(name) && !claimed.has(name)) claimed.add(name);
    else setValue(links, link, 'interface', undefined);
  }
  for (const name of vifs.keys()) if (!claimed.has(name)) taken.delete(name);
  for (const link of active) {
    let name = link.values.get('interface');
    if (name === undefined) {
      let n = 1;
      while (taken.has(`vif${n}`)) n++;
      name = `vif${n}`;
      setValue(links, link, 'interface', name);
      claimed.add(name);
      taken.add(name);
    }
    const mac = links.value(link, 'dynamic-mac-address') ?? macOf(name);
    const vif = vifs.get(name);
    if (vif === undefined) {
      const item = eth.add(new Map([['name', name], ['default-name', name], ['orig-mac-address', mac]]), { dynamic: true });
      hooks.added(eth, item);
      vifs.set(name, item);
    } else setValue(eth, vif, 'orig-mac-address', mac);
  }
  // vifs nobody claims go, with their queue items.
  const queues = store.table('/queue interface');
  for (const [name, vif] of vifs) {
    if (claimed.has(name)) continue;
    hooks.removed(eth, vif);
    eth.remove(vif);
    for (const q of queues?.items.filter((i) => i.values.get('interface') === name) ?? []) {
      hooks.removed(queues!, q);
      queues!.remove(q);
    }
  }
  // Queue items for the vifs (a port has one from the start).
  if (queues !== undefined) {
    for (const name of claimed) {
      if (queues.items.some((i) => i.values.get('interface') === name)) continue;
      const init = queues.spec.fixedItems?.(1)[0] ?? { interface: name };
      const q = queues.add(new Map(Object.entries({ ...init, interface: name })));
      hooks.added(queues, q);
    }
  }
  // Dynamic bridge ports: exactly one per vif whose link names a dynamic-bridge.
  const ports = store.table('/interface bridge port');
  if (ports === undefined) return;
  const want = new Map<string, string>();
  for (const link of links.items) {
    const vif = link.values.get('interface');
    const br = links.value(link, 'dynamic-bridge');
    if (vif !== undefined && br !== undefined && br !== '') want.set(vif, br);
  }
  for (const p of [...ports.items]) {
    if (!p.dynamic) continue;
    const ifn = ports.value(p, 'interface') ?? '';
    if (!VIF.test(ifn)) continue;
    if (want.get(ifn) === ports.value(p, 'bridge')) {
      want.delete(ifn);
      continue;
    }
    hooks.removed(ports, p);
    ports.remove(p);
  }
  for (const [vif, br] of want) {
    const p = ports.add(new Map([['bridge', br], ['interface', vif]]), { dynamic: true });
    hooks.added(ports, p);
  }
}
