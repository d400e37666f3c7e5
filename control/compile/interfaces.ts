/**
 * The interface index: a small integer per interface the dataplane can send through, for tables that hold
 * interfaces as numbers (next hops, VRF membership, routing rules).
 *
 * Indexed: every item of the interface kinds flowplane models (`/interface ethernet`, `bridge`, `vlan`:
 * registry INTERFACE_KINDS) that is not disabled, in the order of the store (item ids share one counter
 * across the kinds, so ascending id = the order the router created them: ether1..N first). Indexes are
 * 0-based and stable for a given configuration.
 *
 * Not indexed, but known by name so that messages can say why a route through them is unusable: disabled
 * interfaces, and interfaces created in menus flowplane does not model (`/interface wireguard`, `pppoe-client`:
 * they have no port to send through).
 *
 * Running state: an indexed interface runs unless `interfaceUp(name)` says otherwise (default: all up);
 * a VLAN runs only while its parent runs (Linux: a VLAN's carrier follows its lower device). A bridge runs
 * by its own state, not by its ports (RouterOS keeps a portless bridge running: the usual loopback).
 */
import { INTERFACE_KINDS } from '../menus/registry';
import type { ConfigStore } from '../store/store';
import { idText } from '../store/store';
import { unsupportedInterfaceNames } from '../store/validate';

export type InterfaceKind = 'ethernet' | 'bridge' | 'vlan';

export interface InterfaceIndex {
  /** Interface names by index. */
  readonly names: readonly string[];
  /** Kind by index. */
  readonly kinds: readonly InterfaceKind[];
  /** Store item ids (`*1`) by index. */
  readonly ids: readonly string[];
  /** Index by name. */
  readonly byName: ReadonlyMap<string, number>;
  /** VLAN parent index by index (-1: not a VLAN, or its parent is not indexed). */
  readonly parent: Int32Array;
  /** Bridge an interface is a port of (an enabled `/interface bridge port` item), -1 when none. */
  readonly bridgeOf: Int32Array;
  /** Interfaces that exist but are disabled. */
  readonly disabled: ReadonlySet<string>;
  /** Interfaces created in menus flowplane does not model (no port to send through). */
  readonly unmodelled: ReadonlySet<string>;
}

const KIND_OF: Readonly<Record<string, InterfaceKind>> = {
  '/interface ethernet': 'ethernet',
  '/interface bridge': 'bridge',
  '/interface vlan': 'vlan',
};

/** Index the interfaces of a store (see the module comment). */
export function indexInterfaces(store: ConfigStore): InterfaceIndex {
  const found: { id: number; name: string; kind: InterfaceKind; parent?: string }[] = [];
  const disabled = new Set<string>();
  for (const path of INTERFACE_KINDS) {
    const table = store.table(path);
    if (table === undefined) continue;
    for (const item of table.items) {
      const name = table.value(item, 'name');
      if (name === undefined) continue;
      if (table.disabled(item)) {
        disabled.add(name);
        continue;
      }
      const kind = KIND_OF[path]!;
      const parent = kind === 'vlan' ? table.value(item, 'interface') : undefined;
      found.push({ id: item.id, name, kind, ...(parent !== undefined ? { parent } : {}) });
    }
  }
  found.sort((a, b) => a.id - b.id);
  const byName = new Map(found.map((f, i) => [f.name, i]));
  const parent = new Int32Array(found.length).fill(-1);
  found.forEach((f, i) => {
    if (f.parent !== undefined) parent[i] = byName.get(f.parent) ?? -1;
  });
  const bridgeOf = new Int32Array(found.length).fill(-1);
  const ports = store.table('/interface bridge port');
  if (ports) {
    for (const item of ports.items) {
      if (ports.disabled(item)) continue;
      const port = byName.get(ports.value(item, 'interface') ?? '');
      const bridge = byName.get(ports.value(item, 'bridge') ?? '');
      if (port !== undefined && bridge !== undefined && found[bridge]!.kind === 'bridge') bridgeOf[port] = bridge;
    }
  }
  const unmodelled = new Set([...unsupportedInterfaceNames(store)].filter((n) => !byName.has(n) && !disabled.has(n)));
  return {
    names: found.map((f) => f.name),
    kinds: found.map((f) => f.kind),
    ids: found.map((f) => idText(f.id)),
    byName,
    parent,
    bridgeOf,
    disabled,
    unmodelled,
  };
}

/**
 * Which indexed interfaces run: 1 = running. `interfaceUp` (default: every interface up) gives the link
 * state of each; a VLAN also needs its parent running (and a VLAN whose parent is not indexed never runs).
 */
export function runningInterfaces(ifaces: InterfaceIndex, interfaceUp?: (name: string) => boolean): Uint8Array {
  const n = ifaces.names.length;
  const own = new Uint8Array(n);
  for (let i = 0; i < n; i++) own[i] = interfaceUp === undefined || interfaceUp(ifaces.names[i]!) ? 1 : 0;
  const running = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    // Walk up the VLAN chain (Q-in-Q stacks); the depth bound guards against a parent cycle.
    let j = i;
    let up = 1;
    for (let depth = 0; depth <= n; depth++) {
      if (own[j] === 0) {
        up = 0;
        break;
      }
      if (ifaces.kinds[j] !== 'vlan') break;
      const p = ifaces.parent[j]!;
      if (p < 0 || depth === n) {
        up = 0;
        break;
      }
      j = p;
    }
    running[i] = up;
  }
  return running;
}

/** Why an interface name cannot carry traffic, or undefined when it is indexed. */
export function whyNoInterface(ifaces: InterfaceIndex, name: string): string | undefined {
  if (ifaces.byName.has(name)) return undefined;
  if (ifaces.disabled.has(name)) return `interface ${name} is disabled`;
  if (ifaces.unmodelled.has(name)) return `interface ${name} is not modelled by flowplane (no port)`;
  return `no interface ${name}`;
}
