/**
 * A generation: everything the packet flow (dataplane/flow.ts) reads, compiled from one configuration.
 *
 * `compileGeneration(store)` = `compileRoutes(store)` plus what the L2/L3 stages need, as typed arrays
 * indexed by interface index (control/compile/interfaces.ts) or port number:
 *
 * - **Ports**: every `/interface ethernet` item in store order is a port (port 0 = the first ethernet
 *   interface, normally ether1). A port whose interface is disabled has `portIf = -1` (frames arriving
 *   there are dropped as `no-interface`). Bridges and VLANs are interfaces but not ports.
 * - **Routed ports**: `ifMode` 1 for an ethernet interface that is not a bridge port, 2 for a bridge port
 *   (its frames go to bridge-input), 1 for a bridge (a routed L3 interface reached through a virtual port,
 *   below), 1 for VLANs (also reached through a virtual port, below).
 * - **Bridges** (enabled `/interface bridge`, bridge number = order of interface index): the bridge block of
 *   FlowTables — ports, flood switches, horizons, ageing, VLAN filtering and membership, static hosts,
 *   use-ip-firewall, and the bridge filter/nat rules — is compiled by control/compile/bridge.ts and
 *   bridge-rules.ts (rules they cannot evaluate are listed in `bridgeRuleWarnings`). A bridge's
 *   interface gets `ifPort` = `portNames.length + bridge number` (a virtual port: routing and arp-resolve treat
 *   it as a routed port; bridge-output maps it to real ports). Its MAC: `admin-mac` when `auto-mac=no`, else
 *   the MAC of its first port (RouterOS auto-mac picks a port's MAC; we take the first in port order), else,
 *   with no port, the MAC derived from the bridge's name.
 * - **VLANs** (enabled `/interface vlan` with an indexed parent, VLAN number = order of interface index):
 *   `vlanIf`, `vlanParent` (ethernet, bridge or VLAN), `vlanId`, `vlanTpid` (0x88a8 with
 *   `use-service-tag=yes`, else 0x8100), `ifVlan`. A VLAN interface gets `ifPort` = `portNames.length +
 *   bridgeIf.length + VLAN number` (a virtual port; vlan-output pushes the tag and moves the frame to the
 *   parent). Its MAC is its parent's (RouterOS `mac-address` is read-only on VLANs).
 * - **MAC per interface** (`macs`, 6 bytes per interface index, and `macHi`/`macLo`): `mac-address` from
 *   the config when set, else a stable address derived from the interface name: `02` (locally
 *   administered, unicast) followed by 5 bytes of two FNV-1a 32-bit hashes of the name (`02:` + low byte
 *   of fnv1a("mac:" + name) + the 4 bytes of fnv1a(name)). The same name always gives the same MAC, so
 *   replays are reproducible; RouterOS itself uses the factory MAC, which a config cannot know.
 * - **Primary IPv4 address** per interface (`ifAddr`, 0 = none): the first `/ip address` on it (source of
 *   the router's ARP requests and ICMP errors).
 * - **MTU** per interface (`mtu`, default 1500): IPv4 packets larger than it are fragmented on egress,
 *   or dropped with ICMP 3/4 when DF is set (stages/ip4-fragment.ts).
 * - **ARP mode** per interface (`arpMode`, ARP_MODE codes): the `arp=` property of ethernet, bridge and
 *   VLAN interfaces (default enabled).
 * - **FIBs**: one `Dir24Fib` per table a packet can be routed in — `main` and each VRF table — built from
 *   compileRoutes' FIB arrays, with the VRF's local addresses and subnet broadcasts inserted as /32
 *   entries on top (their next-hop groups have kind local/broadcast). So one longest-prefix lookup decides
 *   local delivery and forwarding at once: a local /32 is longer than any covering route (Linux consults
 *   its local table first; the only difference is a configured /32 route to one of the router's own
 *   addresses, where the local entry wins here as it does in Linux). `fibOfIf` maps an interface index to
 *   the table index of its VRF. `/routing table`s with `fib` get a FIB too (routing marks and rules look
 *   there); tables without `fib` get none. Each FIB reserves ~80 MB (DIR-24-8's tbl24).
 * - **Policy routing** (control/compile/policy-rules.ts): table names, VRF tables, `/routing rule` items as
 *   typed arrays, the ECMP hash policy, local addresses with their VRF.
 * - **Static ARP entries** (`/ip arp` items with a MAC, enabled), added to the ARP table as PERMANENT.
 * - **ARP timeouts, ICMP settings, reassembly limits, listening ports**: control/compile/ip-settings.ts.
 * - **Queues** (simple queues, queue trees, interface queues, queue types): control/compile/queues.ts.
 *
 * Pure function of the store; the dataplane imports nothing from here (stages/state.ts declares the shape it
 * reads, `FlowTables`, and a Generation satisfies it).
 */
import type { Dir24Fib } from '../../dataplane/tables/lpm-dir24';
import { macParse } from '../../dataplane/wire/ethernet';
import { ipv4Parse } from '../../dataplane/wire/ipv4';
import { isWireError } from '../../dataplane/wire/error';
import type { ConfigStore } from '../store/store';
import { ArpMode, routingMarkOf, type FlowTables } from '../../dataplane/stages/state';
import { compileRoutes, type RouteState, type RouteTables } from './routes';
import { buildFibs, compilePolicy } from './policy-rules';
import { compileBridges, compileBridgeVlans, resolveInterfaceLists } from './bridge';
import { compileBridgeRules } from './bridge-rules';
import { compileIpSettings } from './ip-settings';
import { compileFirewall, type CompiledFirewall } from './firewall';
import { compileQueues } from './queues';
import type { QueueTables } from '../../dataplane/queue/tables';

/** `arp=` modes as the dataplane's codes (`arpMode` column). */
export const ARP_MODE = {
  enabled: ArpMode.ENABLED,
  disabled: ArpMode.DISABLED,
  'proxy-arp': ArpMode.PROXY_ARP,
  'reply-only': ArpMode.REPLY_ONLY,
  'local-proxy-arp': ArpMode.LOCAL_PROXY_ARP,
} as const;

export interface StaticArp {
  readonly ip: number;
  readonly ifIndex: number;
  readonly macHi: number;
  readonly macLo: number;
  readonly published: boolean;
}

/**
 * A compiled configuration: the tables the dataplane flow reads (FlowTables, declared by the dataplane in
 * stages/state.ts, documented there) plus what the control plane keeps for printing and traces.
 */
export interface Generation extends FlowTables {
  readonly routes: RouteTables;
  /** Table index → FIB (null for tables packets are not routed in yet). */
  readonly fibs: readonly (Dir24Fib | null)[];
  readonly nextHops: RouteTables['nextHops'];
  readonly staticArp: readonly StaticArp[];
  /** Bridge filter/nat rules compiled inactive or partly, with why (control/compile/bridge-rules.ts). */
  readonly bridgeRuleWarnings: readonly string[];
  /** The IPv4 firewall (control/compile/firewall.ts), with what could not be compiled in `problems`. */
  readonly firewall: CompiledFirewall;
  /** Queues (control/compile/queues.ts), with config warnings in `warnings`. */
  readonly queues: QueueTables;
}

function fnv1a(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** The MAC an interface without `mac-address` gets: `02` + 5 bytes from FNV-1a hashes of its name. */
export function derivedMac(name: string): Uint8Array {
  const h = fnv1a(name);
  const g = fnv1a('mac:' + name);
  return Uint8Array.from([0x02, g & 0xff, h >>> 24, (h >>> 16) & 0xff, (h >>> 8) & 0xff, h & 0xff]);
}

export interface GenerationOptions extends RouteState {
  /** Build FIBs (default true; false leaves `fibs` all null, for tests that only need the port layout). */
  fib?: boolean;
}

/** Compile a store into a generation (see the module comment). */
export function compileGeneration(store: ConfigStore, opts: GenerationOptions = {}): Generation {
  const routes = compileRoutes(store, opts);
  const ifs = routes.interfaces;
  const n = ifs.names.length;

  // Ports: ethernet items in store order.
  const portNames: string[] = [];
  const eth = store.table('/interface ethernet');
  for (const item of eth?.items ?? []) {
    const name = eth!.value(item, 'name');
    if (name !== undefined) portNames.push(name);
  }
  const portIf = Int32Array.from(portNames, (p) => ifs.byName.get(p) ?? -1);
  const ifPort = new Int32Array(n).fill(-1);
  portIf.forEach((i, p) => {
    if (i >= 0) ifPort[i] = p;
  });
  const ifMode = new Uint8Array(n);
  for (let i = 0; i < n; i++) if (ifs.kinds[i] === 'ethernet') ifMode[i] = ifs.bridgeOf[i]! >= 0 ? 2 : 1;

  // MACs and ARP modes from the interface menus.
  const macs = new Uint8Array(n * 6);
  const arpMode = new Uint8Array(n);
  const mtu = new Uint16Array(n).fill(1500);
  const explicitMac = new Map<string, Uint8Array>();
  for (const path of ['/interface ethernet', '/interface bridge', '/interface vlan']) {
    const t = store.table(path);
    for (const item of t?.items ?? []) {
      const name = t!.value(item, 'name');
      if (name === undefined) continue;
      const i = ifs.byName.get(name);
      if (i === undefined) continue;
      // A bridge uses admin-mac only with auto-mac=no (RouterOS ignores it otherwise).
      const macText =
        path === '/interface bridge'
          ? t!.value(item, 'auto-mac') === 'no'
            ? item.values.get('admin-mac')
            : undefined
          : // A port's factory MAC (a MetaRouter vif's or guest port's) unless mac-address overrides it.
            (item.values.get('mac-address') ?? item.values.get('orig-mac-address'));
      if (macText !== undefined) {
        const parsed = macParse(macText);
        if (!isWireError(parsed)) explicitMac.set(name, parsed);
      }
      const m = Number(t!.value(item, 'mtu'));
      if (Number.isInteger(m) && m >= 68 && m <= 65535) mtu[i] = m;
      const mode = t!.value(item, 'arp') ?? 'enabled';
      arpMode[i] = ARP_MODE[mode as keyof typeof ARP_MODE] ?? 0;
    }
  }
  // Bridges and their ports (bridge number = order of the bridge's interface index): control/compile/bridge.ts.
  const br = compileBridges(store, ifs, portNames, portIf);
  const { bridgeIf, bridgePorts } = br;
  const bridgeIfList = Array.from(bridgeIf);
  const bridgeNo = new Map(bridgeIfList.map((i, b) => [i, b]));
  // A bridge interface is a routed L3 interface reached through a virtual port (see FlowTables.bridgePorts).
  bridgeIfList.forEach((i, b) => {
    ifPort[i] = portNames.length + b;
    ifMode[i] = 1;
  });

  // VLAN interfaces (VLAN number = order of interface index): enabled, with an indexed parent (a disabled
  // parent is not indexed). Each gets a virtual port after the bridges' (see FlowTables.vlanIf).
  const vlanIfList: number[] = [];
  for (let i = 0; i < n; i++) if (ifs.kinds[i] === 'vlan' && ifs.parent[i]! >= 0) vlanIfList.push(i);
  // A VLAN whose parent chain does not end at an ethernet port or a bridge (a cycle) is left out.
  const endsWell = (i: number): boolean => {
    let j = i;
    for (let d = 0; d <= n; d++) {
      if (ifs.kinds[j] !== 'vlan') return true;
      j = ifs.parent[j]!;
      if (j < 0) return false;
    }
    return false;
  };
  const vlanList = vlanIfList.filter(endsWell);
  const vlanIf = Int32Array.from(vlanList);
  const vlanParent = Int32Array.from(vlanList, (i) => ifs.parent[i]!);
  const vlanId = new Uint16Array(vlanList.length);
  const vlanTpid = new Uint16Array(vlanList.length).fill(0x8100);
  const ifVlan = new Int32Array(n).fill(-1);
  vlanList.forEach((i, v) => {
    ifVlan[i] = v;
    ifPort[i] = portNames.length + bridgeIfList.length + v;
    ifMode[i] = 1;
  });
  const vt = store.table('/interface vlan');
  for (const item of vt?.items ?? []) {
    const v = ifVlan[ifs.byName.get(vt!.value(item, 'name') ?? '') ?? -1];
    if (v === undefined || v < 0) continue;
    const id = Number(vt!.value(item, 'vlan-id'));
    if (Number.isInteger(id) && id >= 0 && id <= 4095) vlanId[v] = id;
    if (vt!.value(item, 'use-service-tag') === 'yes') vlanTpid[v] = 0x88a8;
  }

  // Bridge VLAN membership, static hosts, filter/nat rules (need the VLAN interfaces and interface lists).
  const lists = resolveInterfaceLists(store, ifs);
  const bv = compileBridgeVlans(store, ifs, br, portNames, portIf, { vlanParent, vlanId }, lists);
  const bridgeRules = compileBridgeRules(store, { ifs, portIf, nPorts: portNames.length, bridgeIf, lists });

  const macHi = new Uint16Array(n);
  const macLo = new Uint32Array(n);
  for (let i = 0; i < n; i++) {
    const name = ifs.names[i]!;
    let m = explicitMac.get(name);
    // A bridge without admin-mac takes its first port's MAC (RouterOS auto-mac; Linux: lowest port MAC),
    // a portless one the MAC derived from its own name.
    const b = bridgeNo.get(i);
    if (m === undefined && b !== undefined && bridgePorts[b]!.length > 0) {
      const pn = portNames[bridgePorts[b]![0]!]!;
      m = explicitMac.get(pn) ?? derivedMac(pn);
    }
    // A VLAN uses its parent's MAC (Linux and RouterOS).
    if (m === undefined && ifs.kinds[i] === 'vlan' && ifs.parent[i]! >= 0) m = explicitMac.get(ifs.names[ifs.parent[i]!]!) ?? derivedMac(ifs.names[ifs.parent[i]!]!);
    if (m === undefined) m = derivedMac(name);
    macs.set(m, i * 6);
    macHi[i] = (m[0]! << 8) | m[1]!;
    macLo[i] = ((m[2]! << 24) | (m[3]! << 16) | (m[4]! << 8) | m[5]!) >>> 0;
  }
  // A VLAN has its parent's MAC, whatever the parent's MAC came from (a bridge's auto-mac, a QinQ stack):
  // copied from the root of its parent chain.
  for (const i of vlanList) {
    let j = i;
    while (ifs.kinds[j] === 'vlan') j = ifs.parent[j]!;
    macs.copyWithin(i * 6, j * 6, j * 6 + 6);
    macHi[i] = macHi[j]!;
    macLo[i] = macLo[j]!;
  }

  // Primary addresses: the first local entry per interface.
  const ifAddr = new Uint32Array(n);
  for (const lt of routes.locals) {
    for (const e of lt.entries) if (e.kind === 'local' && ifAddr[e.ifIndex] === 0) ifAddr[e.ifIndex] = e.address >>> 0;
  }

  const localAddrs = Uint32Array.from(new Set(routes.locals.flatMap((lt) => lt.entries.filter((e) => e.kind === 'local').map((e) => e.address >>> 0))));

  // FIBs: main, each VRF table and each fib table, locals on top (control/compile/policy-rules.ts).
  const mainTable = routes.byName.get('main')?.index ?? 0;
  const fibs: (Dir24Fib | null)[] = opts.fib !== false ? buildFibs(routes) : routes.tables.map(() => null);
  const fibOfIf = Int32Array.from(routes.vrfOfInterface);

  // Static ARP entries.
  const staticArp: StaticArp[] = [];
  const arp = store.table('/ip arp');
  for (const item of arp?.items ?? []) {
    if (arp!.disabled(item)) continue;
    const addr = arp!.value(item, 'address');
    // A published entry needs no MAC of its own (the router answers with its MAC): 00:00:00:00:00:00 then.
    const macText = arp!.value(item, 'mac-address') ?? (arp!.value(item, 'published') === 'yes' ? '00:00:00:00:00:00' : undefined);
    const ifIndex = ifs.byName.get(arp!.value(item, 'interface') ?? '');
    if (addr === undefined || macText === undefined || ifIndex === undefined) continue;
    const m = macParse(macText);
    if (isWireError(m)) continue;
    const ip = ipv4Parse(addr);
    if (ip < 0) continue;
    staticArp.push({
      ip: ip >>> 0,
      ifIndex,
      macHi: (m[0]! << 8) | m[1]!,
      macLo: ((m[2]! << 24) | (m[3]! << 16) | (m[4]! << 8) | m[5]!) >>> 0,
      published: arp!.value(item, 'published') === 'yes',
    });
  }

  // The IPv4 firewall; a routing mark is 1 + the routing table's index (FlowTables routing block).
  const firewall = compileFirewall(store, ifs, {
    routingMark: (name) => {
      const t = routes.byName.get(name);
      return t === undefined ? undefined : routingMarkOf(t.index);
    },
  });
  return {
    routes,
    ifNames: ifs.names,
    portNames,
    portIf,
    ifPort,
    ifMode,
    macs,
    macHi,
    macLo,
    ifAddr,
    arpMode,
    mtu,
    fibs,
    fibOfIf,
    mainTable,
    localAddrs,
    nextHops: routes.nextHops,
    staticArp,
    ...br,
    ...bv,
    bridgeRules: bridgeRules.rules,
    bridgeRuleWarnings: bridgeRules.warnings,
    vlanIf,
    vlanParent,
    vlanId,
    vlanTpid,
    ifVlan,
    ...compilePolicy(store, routes),
    ...compileIpSettings(store, ifs),
    firewall,
    queues: compileQueues(store, { ifs, ifPort, portCount: portNames.length + br.bridgeIf.length + vlanIf.length, markNames: firewall.markNames }),
  };
}
