/**
 * The menu registry: every menu flowplane models, in RouterOS `/export` order, plus the RouterOS menus it
 * recognises but does not model (kept and reported as warnings, never silently dropped).
 *
 * Export order matters: RouterOS prints menus so that a menu comes after the ones its items refer to
 * (bridges before bridge ports, interface lists before their members, routing tables before routes),
 * which is what lets an export be imported again.
 */
import type { MenuSpec } from './schema';
import { MENUS as INTERFACE_MENUS } from './interface';
import { MENUS as IP_MENUS } from './ip';
import { MENUS as FIREWALL_MENUS } from './firewall';
import { MENUS as QUEUE_MENUS } from './queue';
import { MENUS as IPV6_MENUS } from './ipv6';
import { MENUS as ROUTING_MENUS } from './routing';
import { MENUS as SYSTEM_MENUS } from './system';
import { MENUS as USER_MENUS } from './user';
import { UNSUPPORTED_MENUS } from './unsupported';

/** Export order of the modelled menus. A menu missing here is exported after these, in registration order. */
export const EXPORT_ORDER: readonly string[] = [
  '/interface bridge',
  '/interface ethernet',
  '/interface vlan',
  '/interface list',
  '/ip firewall layer7-protocol',
  '/queue type',
  '/queue interface',
  '/queue simple',
  '/queue tree',
  '/routing table',
  '/ip vrf',
  '/interface bridge port',
  '/ip neighbor discovery-settings',
  '/interface bridge settings',
  '/ip settings',
  '/ipv6 settings',
  '/interface bridge vlan',
  '/interface bridge host',
  '/interface bridge filter',
  '/interface bridge nat',
  '/interface list member',
  '/ip address',
  '/ip arp',
  '/ip dns',
  '/ip firewall address-list',
  '/ip firewall connection',
  '/ip firewall connection tracking',
  '/ip firewall filter',
  '/ip firewall mangle',
  '/ip firewall nat',
  '/ip firewall raw',
  '/ip firewall service-port',
  '/ip route',
  '/ip service',
  '/ipv6 address',
  '/ipv6 route',
  '/ipv6 firewall address-list',
  '/ipv6 firewall filter',
  '/ipv6 firewall mangle',
  '/ipv6 firewall nat',
  '/ipv6 firewall raw',
  '/routing rule',
  '/system identity',
  '/user group',
  '/user',
  '/metarouter',
  '/metarouter interface',
  '/tool sniffer',
  '/tool traffic-generator',
];

/**
 * Menus whose items are interfaces: together they form `/interface` (names are unique across them), which
 * `ref('/interface')` properties refer to.
 */
export const INTERFACE_KINDS: readonly string[] = ['/interface ethernet', '/interface bridge', '/interface vlan'];

export class MenuRegistry {
  /** Modelled menus in export order. */
  readonly specs: readonly MenuSpec[];
  private readonly byPath: Map<string, MenuSpec>;
  private readonly unsupported: readonly string[];

  constructor(specs: readonly MenuSpec[], unsupported: readonly string[]) {
    const rank = (p: string) => {
      const i = EXPORT_ORDER.indexOf(p);
      return i < 0 ? EXPORT_ORDER.length : i;
    };
    this.specs = [...specs].sort((a, b) => rank(a.path) - rank(b.path));
    this.byPath = new Map(this.specs.map((s) => [s.path, s]));
    if (this.byPath.size !== specs.length) throw new Error('menu registry: two schemas for one path');
    this.unsupported = unsupported;
  }

  /** The schema of a menu path (`/ip firewall filter`). */
  spec(path: string): MenuSpec | undefined {
    return this.byPath.get(path);
  }

  /** A RouterOS menu flowplane recognises but does not model (the path or one of its parents is listed). */
  isUnsupported(path: string): boolean {
    return this.unsupported.some((u) => path === u || path.startsWith(u + ' '));
  }

  /** Known submenus directly below `path` (for menu navigation and completion). */
  children(path: string): string[] {
    const prefix = path === '/' ? '/' : path + ' ';
    const out = new Set<string>();
    for (const p of [...this.byPath.keys(), ...this.unsupported]) {
      if (!p.startsWith(prefix)) continue;
      const rest = p.slice(prefix.length).split(' ')[0]!;
      if (rest) out.add(rest);
    }
    return [...out].sort();
  }
}

let defaultRegistry: MenuRegistry | undefined;

/** The registry of all modelled menus (built once; immutable, so sharing it between routers is safe). */
export function menuRegistry(): MenuRegistry {
  defaultRegistry ??= new MenuRegistry(
    [...INTERFACE_MENUS, ...IP_MENUS, ...FIREWALL_MENUS, ...QUEUE_MENUS, ...IPV6_MENUS, ...ROUTING_MENUS, ...SYSTEM_MENUS, ...USER_MENUS],
    UNSUPPORTED_MENUS,
  );
  return defaultRegistry;
}
