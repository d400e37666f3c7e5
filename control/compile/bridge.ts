/**
 * Bridges: the bridge block of FlowTables (dataplane/stages/state.ts), compiled from `/interface bridge`,
 * `bridge port`, `bridge vlan`, `bridge host` and `bridge settings` (ROUTEROS-FLOW.md §6).
 *
 * - **Bridges** (enabled `/interface bridge`, bridge number = order of the bridge's interface index):
 *   `bridgeIf`, `bridgeAgeing` (`ageing-time`, default 5m), `bridgeVlanFiltering`, `bridgeTpid`
 *   (`ether-type`, default 0x8100). `protocol-mode` (STP/RSTP/MSTP) is accepted and ignored: every port
 *   forwards (no BPDUs are sent or processed; a BPDU is bridged like any multicast frame).
 * - **Ports**: enabled `/interface bridge port` items whose interface is an ethernet port: `bridgePorts`,
 *   and per port `portBridge`, `portHorizon` (-1 = none), `portFlags` (learn, unknown-unicast-flood,
 *   unknown-multicast-flood, broadcast-flood; `learn=auto` counts as yes). The first item for a port wins.
 * - **VLAN ports** (a port number, or `portNames.length + bridge number` for the bridge interface itself):
 *   `bridgePvid`, `bridgeFrameTypes`, `bridgeIngressFiltering` from the port item / the bridge item.
 * - **VLAN membership** `bridgeVlanMember[vlanPort * 4096 + vid]` (only when some bridge has vlan-filtering):
 *   enabled `/interface bridge vlan` items (`vlan-ids` lists and ranges; `tagged`/`untagged` name ports and the
 *   bridge itself; an interface-list name is expanded too, though the menu schema takes interfaces only); then the dynamic entries RouterOS adds: each port (and the bridge)
 *   whose frame-types admits untagged frames is an untagged member of its pvid unless an entry already
 *   makes it a member there; and (RouterOS 7.16+) the bridge is a tagged member of the VID of each
 *   `/interface vlan` whose parent is the bridge, unless already a member.
 * - **Static hosts** (`/interface bridge host`, enabled): MAC, port (`interface`, or `on-interface`), VID
 *   (`vid`; on a VLAN-filtering bridge an entry without vid takes the port's pvid — **UNCONFIRMED**, RouterOS
 *   documents vid only as "VLAN ID for the entry"; without vlan-filtering the VID is 0, shared learning).
 *   Entries whose interface is not a port of that bridge are left out.
 * - **Settings**: `bridgeIpFirewall` bits from `/interface bridge settings` use-ip-firewall,
 *   use-ip-firewall-for-vlan, use-ip-firewall-for-pppoe (the last is compiled but not acted on: PPPoE
 *   frames never take the IP hooks yet).
 *
 * Interface lists (`/interface list` + `member`, include/exclude, built-ins all/none/static/dynamic) are
 * resolved here too (`resolveInterfaceLists`), for `/interface bridge vlan` and the bridge firewall.
 */
import type { ConfigStore, Item, MenuTable } from '../store/store';
import { macParse } from '../../dataplane/wire/ethernet';
import { isWireError } from '../../dataplane/wire/error';
import { BridgeIpFirewall, BridgePortFlag, type BridgeHost } from '../../dataplane/stages/state';
import { FrameTypes, VlanMember, VIDS } from '../../dataplane/stages/bridge-vlan';
import type { InterfaceIndex } from './interfaces';

/** `5m`, `1h30m`, `300`, `00:05:00` → seconds (undefined when unreadable). */
export function durationSeconds(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const hms = /^(\d+):(\d+):(\d+)$/.exec(text);
  if (hms) return Number(hms[1]) * 3600 + Number(hms[2]) * 60 + Number(hms[3]);
  if (/^\d+(\.\d+)?$/.test(text)) return Number(text);
  const re = /(\d+(?:\.\d+)?)(w|d|h|ms|m|s)/g;
  const unit: Record<string, number> = { w: 604800, d: 86400, h: 3600, m: 60, s: 1, ms: 0.001 };
  let total = 0;
  let used = 0;
  for (let r = re.exec(text); r !== null; r = re.exec(text)) {
    total += Number(r[1]) * unit[r[2]!]!;
    used += r[0].length;
  }
  return used === text.length && used > 0 ? total : undefined;
}

const FRAME_TYPE_CODES: Record<string, number> = {
  'admit-all': FrameTypes.ADMIT_ALL,
  'admit-only-untagged-and-priority-tagged': FrameTypes.ADMIT_ONLY_UNTAGGED_AND_PRIORITY_TAGGED,
  'admit-only-vlan-tagged': FrameTypes.ADMIT_ONLY_VLAN_TAGGED,
};

/** The bridge tables that do not depend on VLAN interfaces. */
export interface BridgeTables {
  readonly bridgeIf: Int32Array;
  readonly bridgeAgeing: Float64Array;
  readonly bridgePorts: readonly Int32Array[];
  readonly portBridge: Int32Array;
  readonly portHorizon: Int32Array;
  readonly portFlags: Uint8Array;
  readonly bridgeVlanFiltering: Uint8Array;
  readonly bridgeTpid: Uint16Array;
  readonly bridgePvid: Uint16Array;
  readonly bridgeFrameTypes: Uint8Array;
  readonly bridgeIngressFiltering: Uint8Array;
  readonly bridgeIpFirewall: number;
}

/** Bridges, their ports and per-port settings (see the module comment). */
export function compileBridges(store: ConfigStore, ifs: InterfaceIndex, portNames: readonly string[], portIf: Int32Array): BridgeTables {
  const n = ifs.names.length;
  const nPorts = portNames.length;
  const bridgeIfList: number[] = [];
  for (let i = 0; i < n; i++) if (ifs.kinds[i] === 'bridge') bridgeIfList.push(i);
  const nb = bridgeIfList.length;
  const bridgeIf = Int32Array.from(bridgeIfList);
  const bridgeNo = new Map(bridgeIfList.map((i, b) => [i, b]));
  const bridgeAgeing = new Float64Array(nb).fill(300);
  const bridgeVlanFiltering = new Uint8Array(nb);
  const bridgeTpid = new Uint16Array(nb).fill(0x8100);
  const vports = nPorts + nb;
  const bridgePvid = new Uint16Array(vports).fill(1);
  const bridgeFrameTypes = new Uint8Array(vports);
  const bridgeIngressFiltering = new Uint8Array(vports).fill(1);
  const settings = (t: MenuTable, item: Item, vp: number) => {
    const pvid = Number(t.value(item, 'pvid') ?? '1');
    if (Number.isInteger(pvid) && pvid >= 1 && pvid <= 4094) bridgePvid[vp] = pvid;
    bridgeFrameTypes[vp] = FRAME_TYPE_CODES[t.value(item, 'frame-types') ?? 'admit-all'] ?? FrameTypes.ADMIT_ALL;
    bridgeIngressFiltering[vp] = t.value(item, 'ingress-filtering') === 'no' ? 0 : 1;
  };
  const bt = store.table('/interface bridge');
  for (const item of bt?.items ?? []) {
    const b = bridgeNo.get(ifs.byName.get(bt!.value(item, 'name') ?? '') ?? -1);
    if (b === undefined) continue;
    const a = durationSeconds(bt!.value(item, 'ageing-time'));
    if (a !== undefined && a > 0) bridgeAgeing[b] = a;
    bridgeVlanFiltering[b] = bt!.value(item, 'vlan-filtering') === 'yes' ? 1 : 0;
    const et = parseInt(bt!.value(item, 'ether-type') ?? '0x8100', 16);
    if (et === 0x8100 || et === 0x88a8 || et === 0x9100) bridgeTpid[b] = et;
    settings(bt!, item, nPorts + b);
  }
  const portBridge = new Int32Array(nPorts).fill(-1);
  const portHorizon = new Int32Array(nPorts).fill(-1);
  const portFlags = new Uint8Array(nPorts);
  const portLists: number[][] = bridgeIfList.map(() => []);
  const bp = store.table('/interface bridge port');
  for (const item of bp?.items ?? []) {
    if (bp!.disabled(item)) continue;
    const p = portIf.indexOf(ifs.byName.get(bp!.value(item, 'interface') ?? '') ?? -2);
    const b = bridgeNo.get(ifs.byName.get(bp!.value(item, 'bridge') ?? '') ?? -1);
    if (p < 0 || b === undefined || portBridge[p]! >= 0) continue;
    portBridge[p] = b;
    portLists[b]!.push(p);
    const h = Number(bp!.value(item, 'horizon') ?? 'none');
    if (Number.isInteger(h) && h >= 0) portHorizon[p] = h;
    const on = (k: string) => (bp!.value(item, k) ?? 'yes') !== 'no';
    portFlags[p] =
      (on('learn') ? BridgePortFlag.LEARN : 0) |
      (on('unknown-unicast-flood') ? BridgePortFlag.UNKNOWN_UNICAST_FLOOD : 0) |
      (on('unknown-multicast-flood') ? BridgePortFlag.UNKNOWN_MULTICAST_FLOOD : 0) |
      (on('broadcast-flood') ? BridgePortFlag.BROADCAST_FLOOD : 0);
    settings(bp!, item, p);
  }
  const s = store.single('/interface bridge settings');
  const yes = (k: string) => s !== undefined && s.table.value(s.item, k) === 'yes';
  const bridgeIpFirewall =
    (yes('use-ip-firewall') ? BridgeIpFirewall.USE_IP_FIREWALL : 0) |
    (yes('use-ip-firewall-for-vlan') ? BridgeIpFirewall.FOR_VLAN : 0) |
    (yes('use-ip-firewall-for-pppoe') ? BridgeIpFirewall.FOR_PPPOE : 0);
  return {
    bridgeIf,
    bridgeAgeing,
    bridgePorts: portLists.map((l) => Int32Array.from(l)),
    portBridge,
    portHorizon,
    portFlags,
    bridgeVlanFiltering,
    bridgeTpid,
    bridgePvid,
    bridgeFrameTypes,
    bridgeIngressFiltering,
    bridgeIpFirewall,
  };
}

/**
 * Interface lists: name → member interface indexes. Static members (`/interface list member`, enabled),
 * plus the members of `include` lists, minus those of `exclude` lists (RouterOS §6); built-ins: `all` and
 * `static` = every indexed interface (flowplane has no dynamic interfaces), `none` and `dynamic` = none.
 */
export function resolveInterfaceLists(store: ConfigStore, ifs: InterfaceIndex): Map<string, Set<number>> {
  const all = new Set<number>(ifs.names.map((_, i) => i));
  const direct = new Map<string, Set<number>>();
  const spec = new Map<string, { include: string[]; exclude: string[] }>();
  const lt = store.table('/interface list');
  const split = (v: string | undefined) => (v === undefined || v === '' ? [] : v.split(','));
  for (const item of lt?.items ?? []) {
    const name = lt!.value(item, 'name');
    if (name === undefined) continue;
    spec.set(name, { include: split(lt!.value(item, 'include')), exclude: split(lt!.value(item, 'exclude')) });
    direct.set(name, new Set());
  }
  const mt = store.table('/interface list member');
  for (const item of mt?.items ?? []) {
    if (mt!.disabled(item)) continue;
    const l = mt!.value(item, 'list');
    const i = ifs.byName.get(mt!.value(item, 'interface') ?? '');
    if (l === undefined || i === undefined) continue;
    if (!direct.has(l)) direct.set(l, new Set());
    direct.get(l)!.add(i);
  }
  const out = new Map<string, Set<number>>();
  const resolve = (name: string, seen: Set<string>): Set<number> => {
    if (name === 'all' || name === 'static') return all;
    if (name === 'none' || name === 'dynamic') return new Set();
    const done = out.get(name);
    if (done) return done;
    if (seen.has(name)) return new Set(); // an include loop: contributes nothing more
    seen.add(name);
    const r = new Set(direct.get(name) ?? []);
    const sp = spec.get(name);
    for (const inc of sp?.include ?? []) for (const i of resolve(inc, seen)) r.add(i);
    for (const exc of sp?.exclude ?? []) for (const i of resolve(exc, seen)) r.delete(i);
    out.set(name, r);
    return r;
  };
  for (const name of new Set([...spec.keys(), ...direct.keys()])) resolve(name, new Set());
  out.set('all', all);
  out.set('static', all);
  out.set('none', new Set());
  out.set('dynamic', new Set());
  return out;
}

/** Parse `vlan-ids` (`10,20-29`) into VIDs 1..4094. */
export function parseVlanIds(text: string | undefined): number[] {
  const out: number[] = [];
  for (const part of (text ?? '').split(',')) {
    const m = /^(\d+)(?:-(\d+))?$/.exec(part.trim());
    if (!m) continue;
    const lo = Number(m[1]);
    const hi = m[2] === undefined ? lo : Number(m[2]);
    for (let v = Math.max(1, lo); v <= Math.min(4094, hi); v++) out.push(v);
  }
  return out;
}

/** MAC text (`02:00:00:00:00:0A`, one- or two-digit groups) → [hi16, lo32], or undefined. */
export function macWords(text: string): [number, number] | undefined {
  const g = text.split(':');
  if (g.length === 6 && g.every((x) => /^[0-9A-Fa-f]{1,2}$/.test(x))) {
    const v = g.map((x) => parseInt(x, 16));
    return [(v[0]! << 8) | v[1]!, ((v[2]! << 24) | (v[3]! << 16) | (v[4]! << 8) | v[5]!) >>> 0];
  }
  const m = macParse(text);
  if (isWireError(m)) return undefined;
  return [(m[0]! << 8) | m[1]!, ((m[2]! << 24) | (m[3]! << 16) | (m[4]! << 8) | m[5]!) >>> 0];
}

export interface BridgeVlanTables {
  readonly bridgeVlanMember: Uint8Array;
  readonly bridgeHosts: readonly BridgeHost[];
}

/**
 * VLAN membership and static hosts (see the module comment). `vlans` = the compiled VLAN interfaces
 * (interface index and parent interface index, VLAN ID), for the bridge's dynamic tagged membership.
 */
export function compileBridgeVlans(
  store: ConfigStore,
  ifs: InterfaceIndex,
  br: BridgeTables,
  portNames: readonly string[],
  portIf: Int32Array,
  vlans: { readonly vlanParent: Int32Array; readonly vlanId: Uint16Array },
  lists: Map<string, Set<number>>,
): BridgeVlanTables {
  const nPorts = portNames.length;
  const nb = br.bridgeIf.length;
  const bridgeNo = new Map(Array.from(br.bridgeIf, (i, b) => [i, b]));
  // Interface index → VLAN port (a port of a bridge, or a bridge's virtual port).
  const vportOf = new Map<number, number>();
  portIf.forEach((i, p) => {
    if (i >= 0 && br.portBridge[p]! >= 0) vportOf.set(i, p);
  });
  br.bridgeIf.forEach((i, b) => vportOf.set(i, nPorts + b));
  const bridgeOfVport = (vp: number) => (vp >= nPorts ? vp - nPorts : br.portBridge[vp]!);
  const anyVf = br.bridgeVlanFiltering.some((v) => v === 1);
  const member = new Uint8Array(anyVf ? (nPorts + nb) * VIDS : 0);
  if (anyVf) {
    const vt = store.table('/interface bridge vlan');
    for (const item of vt?.items ?? []) {
      if (vt!.disabled(item)) continue;
      const b = bridgeNo.get(ifs.byName.get(vt!.value(item, 'bridge') ?? '') ?? -1);
      if (b === undefined || br.bridgeVlanFiltering[b] !== 1) continue;
      const vids = parseVlanIds(vt!.value(item, 'vlan-ids'));
      const vportsOf = (prop: string): number[] => {
        const out: number[] = [];
        for (const name of (vt!.value(item, prop) ?? '').split(',')) {
          if (name === '') continue;
          const i = ifs.byName.get(name);
          const set = i !== undefined ? [i] : [...(lists.get(name) ?? [])];
          for (const j of set) {
            const vp = vportOf.get(j);
            if (vp !== undefined && bridgeOfVport(vp) === b) out.push(vp);
          }
        }
        return out;
      };
      for (const vp of vportsOf('tagged')) for (const v of vids) member[vp * VIDS + v] = VlanMember.TAGGED;
      for (const vp of vportsOf('untagged')) for (const v of vids) member[vp * VIDS + v] = VlanMember.UNTAGGED;
    }
    // Dynamic untagged membership of the pvid (ports and the bridges themselves).
    for (let vp = 0; vp < nPorts + nb; vp++) {
      const b = bridgeOfVport(vp);
      if (b < 0 || br.bridgeVlanFiltering[b] !== 1) continue;
      if (br.bridgeFrameTypes[vp] === FrameTypes.ADMIT_ONLY_VLAN_TAGGED) continue;
      const k = vp * VIDS + br.bridgePvid[vp]!;
      if (member[k] === VlanMember.NONE) member[k] = VlanMember.UNTAGGED;
    }
    // RouterOS 7.16+: an /interface vlan on a VLAN-filtering bridge makes the bridge a tagged member.
    for (let v = 0; v < vlans.vlanParent.length; v++) {
      const b = bridgeNo.get(vlans.vlanParent[v]!);
      if (b === undefined || br.bridgeVlanFiltering[b] !== 1) continue;
      const k = (nPorts + b) * VIDS + vlans.vlanId[v]!;
      if (member[k] === VlanMember.NONE) member[k] = VlanMember.TAGGED;
    }
  }

  const hosts: BridgeHost[] = [];
  const ht = store.table('/interface bridge host');
  for (const item of ht?.items ?? []) {
    if (ht!.disabled(item)) continue;
    const b = bridgeNo.get(ifs.byName.get(ht!.value(item, 'bridge') ?? '') ?? -1);
    const p = portIf.indexOf(ifs.byName.get(ht!.value(item, 'interface') ?? ht!.value(item, 'on-interface') ?? '') ?? -2);
    const mac = macWords(ht!.value(item, 'mac-address') ?? '');
    if (b === undefined || p < 0 || br.portBridge[p] !== b || mac === undefined) continue;
    let vid = 0;
    if (br.bridgeVlanFiltering[b] === 1) {
      const v = Number(ht!.value(item, 'vid'));
      vid = Number.isInteger(v) && v >= 1 && v <= 4094 ? v : br.bridgePvid[p]!;
    }
    hosts.push({ bridge: b, macHi: mac[0], macLo: mac[1], vid, port: p });
  }
  return { bridgeVlanMember: member, bridgeHosts: hosts };
}
