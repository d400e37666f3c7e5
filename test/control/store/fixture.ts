/**
 * A small menu registry for executor tests, independent of the real schema files: one menu of each kind
 * and each feature the executor handles (fixed ethernet ports, interface kinds, ordered rules, unique
 * combinations, references, a single settings menu, an unsupported menu).
 */
import { MenuRegistry } from '../../../control/menus/registry';
import { bool, flags, int, menu, oneOf, ref, str, time, type MenuSpec } from '../../../control/menus/schema';
import { INTERFACE_KINDS } from '../../../control/menus/registry';
import { ConfigStore } from '../../../control/store/store';
import { loadConfig, type LoadOptions, type LoadResult } from '../../../control/store/load';

export const SPECS: MenuSpec[] = [
  menu({
    path: '/interface ethernet',
    kind: 'fixed',
    key: 'name',
    fixedKey: 'default-name',
    fixedItems: (n) => Array.from({ length: n }, (_, i) => ({ name: `ether${i + 1}`, 'default-name': `ether${i + 1}` })),
    props: [
      { name: 'name', type: str() },
      { name: 'default-name', type: str(), readOnly: true },
      { name: 'mtu', type: int(0, 65535), default: '1500' },
      { name: 'mac-address', type: { t: 'mac' } },
    ],
  }),
  menu({
    path: '/interface bridge',
    key: 'name',
    props: [
      { name: 'name', type: str() },
      { name: 'mtu', type: int(0, 65535), default: '1500' },
      { name: 'vlan-filtering', type: bool(), default: 'no' },
      { name: 'ageing-time', type: time(), default: '5m' },
      { name: 'priority', type: int(0, 65535), default: '0x8000' },
    ],
  }),
  menu({
    path: '/interface vlan',
    key: 'name',
    props: [
      { name: 'name', type: str() },
      { name: 'vlan-id', type: int(1, 4094), required: true },
      { name: 'interface', type: ref('/interface'), required: true },
    ],
  }),
  menu({ path: '/interface list', key: 'name', props: [{ name: 'name', type: str(), required: true }] }),
  menu({
    path: '/interface list member',
    props: [
      { name: 'list', type: ref('/interface list', 'all'), required: true },
      { name: 'interface', type: ref('/interface'), required: true },
    ],
    unique: [['list', 'interface']],
  }),
  menu({
    path: '/interface bridge port',
    props: [
      { name: 'bridge', type: ref('/interface bridge'), required: true },
      { name: 'interface', type: ref('/interface'), required: true },
      { name: 'pvid', type: int(1, 4094), default: '1' },
    ],
    unique: [['interface']],
  }),
  menu({
    path: '/ip firewall address-list',
    props: [
      { name: 'list', type: str(), required: true },
      { name: 'address', type: { t: 'address-entry' } },
      { name: 'timeout', type: time() },
    ],
    unique: [['list', 'address']],
  }),
  menu({
    path: '/ip firewall filter',
    ordered: true,
    props: [
      { name: 'chain', type: str(), required: true },
      { name: 'action', type: oneOf('accept', 'drop', 'jump', 'return', 'add-src-to-address-list'), default: 'accept' },
      { name: 'jump-target', type: str() },
      { name: 'address-list', type: str() },
      { name: 'src-address', type: { t: 'ip4-spec' }, negatable: true },
      { name: 'dst-address', type: { t: 'ip4-spec' }, negatable: true },
      { name: 'src-address-list', type: str(), negatable: true },
      { name: 'dst-address-list', type: str(), negatable: true },
      { name: 'dst-port', type: { t: 'ports' }, negatable: true },
      { name: 'protocol', type: str(), negatable: true },
      { name: 'connection-state', type: flags('established', 'related', 'new', 'invalid', 'untracked'), negatable: true },
      { name: 'in-interface', type: ref('/interface', 'all'), negatable: true },
      { name: 'in-interface-list', type: ref('/interface list', 'all', 'none'), negatable: true },
      { name: 'out-interface', type: ref('/interface', 'all'), negatable: true },
      { name: 'log', type: bool(), default: 'no' },
      { name: 'log-prefix', type: str() },
    ],
    verbs: ['reset-counters'],
  }),
  menu({
    path: '/routing table',
    key: 'name',
    props: [
      { name: 'name', type: str(), required: true },
      { name: 'fib', type: bool(), default: 'no' },
    ],
  }),
  menu({
    path: '/ip route',
    props: [
      { name: 'dst-address', type: { t: 'ip4-prefix', bareIsHost: true }, default: '0.0.0.0/0' },
      { name: 'gateway', type: str() },
      { name: 'distance', type: int(0, 255), default: '1' },
      { name: 'routing-table', type: ref('/routing table', 'main'), default: 'main' },
      { name: 'blackhole', type: bool(), default: 'no' },
    ],
  }),
  menu({
    path: '/ip address',
    props: [
      { name: 'address', type: { t: 'ip4-prefix', bareIsHost: true }, required: true },
      { name: 'interface', type: ref('/interface'), required: true },
      { name: 'network', type: { t: 'ip4' } },
    ],
    unique: [['address', 'interface']],
  }),
  menu({
    path: '/queue simple',
    ordered: true,
    key: 'name',
    props: [
      { name: 'name', type: str() },
      { name: 'target', type: str(), required: true },
      { name: 'max-limit', type: { t: 'rate-pair' }, default: '0/0' },
    ],
  }),
  menu({
    path: '/queue interface',
    kind: 'fixed',
    key: 'interface',
    fixedKey: 'interface',
    noCommon: true,
    fixedItems: (n) => Array.from({ length: n }, (_, k) => ({ interface: `ether${k + 1}`, queue: 'ethernet-default', 'default-queue': 'ethernet-default' })),
    props: [
      { name: 'interface', type: ref('/interface'), readOnly: true },
      { name: 'queue', type: str() },
      { name: 'default-queue', type: str(), readOnly: true },
    ],
  }),
  menu({
    path: '/system identity',
    kind: 'single',
    props: [{ name: 'name', type: str(), default: 'MikroTik' }],
  }),
  menu({
    path: '/ip settings',
    kind: 'single',
    props: [
      { name: 'ip-forward', type: bool(), default: 'yes' },
      { name: 'rp-filter', type: oneOf('no', 'strict', 'loose'), default: 'no' },
      { name: 'arp-timeout', type: time(), default: '30s' },
    ],
  }),
];

export const UNSUPPORTED = ['/ip dhcp-server', '/ip pool', '/routing ospf', '/interface wireguard', '/system scheduler'];

export function testRegistry(): MenuRegistry {
  return new MenuRegistry(SPECS, UNSUPPORTED);
}

export function freshStore(ethernetPorts = 4): ConfigStore {
  return new ConfigStore(testRegistry().specs, { ethernetPorts, sharedIds: [INTERFACE_KINDS] });
}

/** Load into a fresh test store; returns the store and the result. */
export function load(text: string, opts: LoadOptions & { store?: ConfigStore } = {}): { store: ConfigStore; r: LoadResult } {
  const store = opts.store ?? freshStore();
  const r = loadConfig(store, text, 't.rsc', { registry: testRegistry(), ...opts });
  return { store, r };
}

/** Errors as `line:col: message` strings. */
export function errs(r: LoadResult): string[] {
  return r.errors.map((e) => `${e.line}:${e.col}: ${e.message}`);
}

/** Values of a table's items (explicit values only), in order. */
export function rows(store: ConfigStore, path: string): Record<string, string>[] {
  return store.table(path)!.items.map((i) => Object.fromEntries(i.values));
}
