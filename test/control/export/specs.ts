/** Small hand-made menu schemas for export and print tests (independent of the real registry). */
import { bool, int, menu, oneOf, ref, str, type MenuSpec } from '../../../control/menus/schema';
import { ConfigStore } from '../../../control/store/store';

export const ETHERNET: MenuSpec = menu({
  path: '/interface ethernet',
  kind: 'fixed',
  key: 'name',
  fixedKey: 'default-name',
  props: [
    { name: 'name', type: str() },
    { name: 'default-name', type: str(), readOnly: true },
    { name: 'mtu', type: int(0, 65535), default: '1500' },
    { name: 'arp', type: oneOf('enabled', 'disabled', 'proxy-arp'), default: 'enabled' },
  ],
  columns: ['name', 'mtu'],
  fixedItems: (n) => Array.from({ length: n }, (_, k) => ({ name: `ether${k + 1}`, 'default-name': `ether${k + 1}` })),
});

export const BRIDGE: MenuSpec = menu({
  path: '/interface bridge',
  key: 'name',
  props: [
    { name: 'name', type: str(), required: true },
    { name: 'protocol-mode', type: oneOf('none', 'stp', 'rstp', 'mstp'), default: 'rstp' },
    { name: 'vlan-filtering', type: bool(), default: 'no' },
    { name: 'admin-mac', type: { t: 'mac' } },
  ],
});

export const ADDRESS: MenuSpec = menu({
  path: '/ip address',
  props: [
    { name: 'address', type: { t: 'ip4-prefix' }, required: true },
    { name: 'network', type: { t: 'ip4' } },
    { name: 'interface', type: ref('/interface'), required: true },
  ],
  columns: ['address', 'network', 'interface'],
});

export const FILTER: MenuSpec = menu({
  path: '/ip firewall filter',
  ordered: true,
  props: [
    { name: 'chain', type: str(), required: true },
    { name: 'action', type: oneOf('accept', 'drop', 'reject', 'jump', 'log'), default: 'accept' },
    { name: 'protocol', type: str(), negatable: true },
    { name: 'src-address', type: { t: 'ip4-spec' }, negatable: true },
    { name: 'dst-port', type: { t: 'ports' } },
    { name: 'in-interface-list', type: ref('/interface list'), negatable: true },
    { name: 'connection-state', type: { t: 'flags', values: ['established', 'related', 'new', 'invalid', 'untracked'] } },
    { name: 'log', type: bool(), default: 'no' },
    { name: 'log-prefix', type: str(), default: '' },
    { name: 'bytes', type: int(), readOnly: true },
  ],
  columns: [],
});

export const SERVICE_PORT: MenuSpec = menu({
  path: '/ip firewall service-port',
  kind: 'fixed',
  key: 'name',
  fixedKey: 'name',
  props: [
    { name: 'name', type: str(), readOnly: true },
    { name: 'ports', type: { t: 'ports' } },
  ],
  columns: ['name', 'ports'],
  fixedItems: () => [
    { name: 'ftp', ports: '21' },
    { name: 'sip', ports: '5060,5061' },
  ],
});

export const QUEUE_TYPE: MenuSpec = menu({
  path: '/queue type',
  key: 'name',
  props: [
    { name: 'name', type: str(), required: true },
    { name: 'kind', type: oneOf('pfifo', 'bfifo', 'sfq', 'pcq', 'red'), required: true },
    { name: 'pfifo-limit', type: int(1, 4294967295), default: '50' },
  ],
  columns: ['name', 'kind', 'pfifo-limit'],
  fixedItems: () => [
    { name: 'default', kind: 'pfifo' },
    { name: 'ethernet-default', kind: 'pfifo' },
  ],
});

export const SETTINGS: MenuSpec = menu({
  path: '/ip settings',
  kind: 'single',
  props: [
    { name: 'ip-forward', type: bool(), default: 'yes' },
    { name: 'rp-filter', type: oneOf('no', 'strict', 'loose'), default: 'no' },
    { name: 'tcp-syncookies', type: bool(), default: 'no' },
  ],
});

export const IDENTITY: MenuSpec = menu({
  path: '/system identity',
  kind: 'single',
  props: [{ name: 'name', type: str(), default: 'MikroTik' }],
});

export const SPECS: MenuSpec[] = [BRIDGE, ETHERNET, QUEUE_TYPE, SETTINGS, ADDRESS, FILTER, SERVICE_PORT, IDENTITY];

export function store(ports = 3): ConfigStore {
  return new ConfigStore(SPECS, { ethernetPorts: ports });
}

export function vals(o: Record<string, string>): Map<string, string> {
  return new Map(Object.entries(o));
}
