/**
 * Menu schemas of layers 2 and 3: interface.ts, ip.ts, routing.ts, system.ts and the unsupported-menu list.
 *
 * 1. Every declaration is well formed: paths and properties unique, defaults valid under their own type,
 *    references to menus that exist, columns/keys/unique sets naming real properties, fixed items ether1..N.
 * 2. The corpus (../shared/corpus/rsc) fits: every property an `add`/`set` uses in these menus exists (or is an
 *    unambiguous abbreviation of one), literal values parse, and every menu path in the corpus is modelled or
 *    listed as unsupported. Exceptions are listed with their reasons and must all still occur.
 */
import { listCommands, staticText, type MenuCommand } from '../../../control/routeros/ast';
import { parseScript } from '../../../control/routeros/parser';
import * as V from '../../../control/routeros/values';
import { MENUS as INTERFACE_MENUS } from '../../../control/menus/interface';
import { MENUS as IP_MENUS } from '../../../control/menus/ip';
import { MENUS as ROUTING_MENUS } from '../../../control/menus/routing';
import { MENUS as SYSTEM_MENUS } from '../../../control/menus/system';
import { UNSUPPORTED_MENUS } from '../../../control/menus/unsupported';
import { EXPORT_ORDER, INTERFACE_KINDS, menuRegistry } from '../../../control/menus/registry';
import type { MenuSpec, PropSpec, ValueType } from '../../../control/menus/schema';
import { corpusFiles, readCorpus } from '../routeros/corpus';

const MINE: MenuSpec[] = [...INTERFACE_MENUS, ...IP_MENUS, ...ROUTING_MENUS, ...SYSTEM_MENUS];
const registry = menuRegistry();

// ---------------------------------------------------------------------------------------------------------
// A local validator: does `text` parse under `type`? (undefined = yes, else the reason)

function validate(type: ValueType, text: string): string | undefined {
  const r = (p: V.Parsed<unknown>) => (p.ok ? undefined : p.error);
  switch (type.t) {
    case 'str':
      return undefined;
    case 'bool':
      return r(V.parseBool(text));
    case 'int':
      return r(V.parseInteger(text, type));
    case 'enum':
      return type.values.includes(text) ? undefined : `${text} is not one of ${type.values.join(', ')}`;
    case 'flags':
      for (const f of V.splitList(text)) {
        const w = type.negItems && f.startsWith('!') ? f.slice(1) : f;
        if (!type.values.includes(w)) return `${f} is not one of ${type.values.join(', ')}`;
      }
      return undefined;
    case 'time':
      return type.orNone && text === 'none' ? undefined : r(V.parseTime(text));
    case 'rate':
      return r(V.parseRate(text));
    case 'rate-pair':
      return r(V.parseRatePair(text));
    case 'size':
      return r(V.parseSize(text));
    case 'ip4':
      return r(V.parseIpv4(text));
    case 'ip4-prefix':
      return r(V.parseIpv4Prefix(text, { bareIsHost: type.bareIsHost ?? false }));
    case 'ip4-spec':
      return r(V.parseIpv4Spec(text));
    case 'ip6':
      return r(V.parseIpv6(text));
    case 'ip6-prefix':
      return r(V.parseIpv6Prefix(text));
    case 'ip6-spec':
      return text.includes('-') ? r(V.parseIpv6Range(text)) : r(V.parseIpv6Prefix(text, { bareIsHost: true }));
    case 'address-entry':
      return V.parseIpv4Spec(text).ok || V.parseIpv6Prefix(text, { bareIsHost: true }).ok || /^[a-z0-9.-]+$/i.test(text) ? undefined : `bad address entry ${text}`;
    case 'mac':
      return r(V.parseMac(text));
    case 'ports':
      return r(V.parsePortList(text));
    case 'int-range':
      return r(V.parseIntRange(text, type));
    case 'ref':
      return text !== '' && !/[\s,]/.test(text) ? undefined : `bad name ${JSON.stringify(text)}`;
    case 'list':
      return r(V.parseList(text, (s) => (validate(type.of, s) === undefined ? V.ok(s) : V.fail(validate(type.of, s)!))));
    case 'raw':
      return type.pattern === undefined || type.pattern.test(text) ? undefined : `expected ${type.expect ?? type.pattern.source}, found ${text}`;
  }
}

/** Value types with references inside (list elements included). */
function refsOf(type: ValueType): { menu: string; also: readonly string[] }[] {
  if (type.t === 'ref') return [{ menu: type.menu, also: type.also ?? [] }];
  if (type.t === 'list') return refsOf(type.of);
  return [];
}

/** Resolve a property name as RouterOS does: exact, else the one settable property it is a prefix of. */
function resolveProp(spec: MenuSpec, name: string): PropSpec | string {
  const settable = spec.props.filter((p) => !p.readOnly);
  const exact = settable.find((p) => p.name === name);
  if (exact) return exact;
  if (spec.props.some((p) => p.name === name)) return `${name} is read-only`;
  const cands = settable.filter((p) => p.name.startsWith(name));
  if (cands.length === 1) return cands[0]!;
  return cands.length === 0 ? `unknown property ${name}` : `ambiguous ${name}: ${cands.map((p) => p.name).join(', ')}`;
}

// ---------------------------------------------------------------------------------------------------------
// 1. Declarations

describe('l2/l3 menu declarations', () => {
  test('the menus expected here are all declared, each once, and all are in EXPORT_ORDER', () => {
    const paths = MINE.map((s) => s.path);
    expect(new Set(paths).size).toBe(paths.length);
    expect([...paths].sort()).toEqual(
      [
        '/interface bridge',
        '/interface bridge filter',
        '/interface bridge host',
        '/interface bridge nat',
        '/interface bridge port',
        '/interface bridge settings',
        '/interface bridge vlan',
        '/interface ethernet',
        '/interface list',
        '/interface list member',
        '/interface vlan',
        '/ip address',
        '/ip arp',
        '/ip dns',
        '/ip neighbor discovery-settings',
        '/ip route',
        '/ip service',
        '/ip settings',
        '/ip vrf',
        '/metarouter',
        '/metarouter interface',
        '/routing rule',
        '/routing table',
        '/system identity',
        '/tool sniffer',
        '/tool traffic-generator',
      ].sort(),
    );
    for (const p of paths) expect(EXPORT_ORDER).toContain(p);
    for (const k of INTERFACE_KINDS) expect(paths).toContain(k);
    // the registry takes them (it throws on two schemas for one path)
    for (const s of MINE) expect(registry.spec(s.path)).toBe(s);
  });

  test.each(MINE.map((s) => [s.path, s] as const))('%s: well formed', (_path, spec) => {
    const names = spec.props.map((p) => p.name);
    expect(new Set(names).size).toBe(names.length);
    expect(spec.doc).toBeTruthy();
    expect(spec.path).toMatch(/^\/[a-z0-9-]+( [a-z0-9-]+)*$/);
    for (const p of spec.props) {
      expect(p.name).toMatch(/^[a-z0-9][a-z0-9.-]*$/);
      if (p.default !== undefined) expect([p.name, validate(p.type, p.default)]).toEqual([p.name, undefined]);
      if (p.readOnly) expect([p.name, p.required ?? false, p.default]).toEqual([p.name, false, undefined]);
      if (p.required) expect([p.name, p.default]).toEqual([p.name, undefined]);
      if (p.type.t === 'raw') expect([p.name, p.type.pattern !== undefined && p.type.expect !== undefined]).toEqual([p.name, true]);
    }
    if (spec.key !== undefined) expect(names).toContain(spec.key);
    if (spec.fixedKey !== undefined) expect(names).toContain(spec.fixedKey);
    for (const c of spec.columns) expect(names).toContain(c);
    expect(spec.columns.length).toBeGreaterThan(spec.kind === 'single' ? -1 : 0);
    for (const u of spec.unique) for (const n of u) expect(names).toContain(n);
    if (spec.kind === 'single') {
      expect(spec.props.filter((p) => p.required)).toEqual([]);
      expect(spec.key).toBeUndefined();
    }
    if (spec.kind === 'list' || spec.kind === 'fixed') {
      // `disabled`/`comment` come from menu() unless the menu has none (/interface list has no disabled)
      expect(names).toContain('comment');
    }
  });

  test('references point to modelled menus that have a key (or to /interface, the union of INTERFACE_KINDS)', () => {
    const seen = new Set<string>();
    for (const spec of MINE) {
      for (const p of spec.props) {
        for (const r of refsOf(p.type)) {
          seen.add(r.menu);
          if (r.menu === '/interface') {
            for (const k of INTERFACE_KINDS) expect(registry.spec(k)?.key).toBe('name');
            continue;
          }
          const target = registry.spec(r.menu);
          expect([spec.path, p.name, r.menu, target?.key !== undefined]).toEqual([spec.path, p.name, r.menu, true]);
          expect(registry.isUnsupported(r.menu)).toBe(false);
        }
      }
    }
    // the menus referred to by these schemas (a change here is worth a look)
    expect([...seen].sort()).toEqual(['/interface', '/interface bridge', '/interface list', '/metarouter', '/routing table']);
  });

  test('literal words accepted besides names: built-in interface lists, main table', () => {
    const alsoOf = (path: string, prop: string) => {
      const t = registry.spec(path)!.props.find((p) => p.name === prop)!.type;
      return refsOf(t)[0]!.also;
    };
    expect(alsoOf('/interface bridge filter', 'in-interface-list')).toEqual(['all', 'none', 'dynamic', 'static']);
    expect(alsoOf('/interface list', 'include')).toEqual(['all', 'none', 'dynamic', 'static']);
    expect(alsoOf('/interface list member', 'list')).toEqual([]);
    expect(alsoOf('/ip route', 'routing-table')).toEqual(['main']);
    expect(alsoOf('/routing rule', 'table')).toEqual(['main', 'local']);
  });

  test('/interface ethernet: fixed items ether1..N selected by default-name', () => {
    const eth = registry.spec('/interface ethernet')!;
    expect(eth.kind).toBe('fixed');
    expect(eth.key).toBe('name');
    expect(eth.fixedKey).toBe('default-name');
    expect(eth.fixedItems!(3)).toEqual([
      { name: 'ether1', 'default-name': 'ether1' },
      { name: 'ether2', 'default-name': 'ether2' },
      { name: 'ether3', 'default-name': 'ether3' },
    ]);
    expect(eth.fixedItems!(8).map((i) => i.name)).toEqual(['ether1', 'ether2', 'ether3', 'ether4', 'ether5', 'ether6', 'ether7', 'ether8']);
    expect(eth.fixedItems!(0)).toEqual([]);
    expect(eth.props.find((p) => p.name === 'default-name')!.readOnly).toBe(true);
  });

  test('ordered menus: bridge filter, bridge nat, routing rule', () => {
    expect(MINE.filter((s) => s.ordered).map((s) => s.path).sort()).toEqual(['/interface bridge filter', '/interface bridge nat', '/routing rule']);
  });

  test('defaults that matter (ROUTEROS-FLOW §5, §6, §11)', () => {
    const d = (path: string, prop: string) => registry.spec(path)!.props.find((p) => p.name === prop)?.default;
    expect(d('/interface bridge', 'protocol-mode')).toBe('rstp');
    expect(d('/interface bridge', 'ageing-time')).toBe('5m');
    expect(d('/interface bridge', 'vlan-filtering')).toBe('no');
    expect(d('/interface bridge', 'priority')).toBe('0x8000');
    expect(d('/interface bridge port', 'pvid')).toBe('1');
    expect(d('/interface bridge port', 'frame-types')).toBe('admit-all');
    expect(d('/interface bridge port', 'ingress-filtering')).toBe('yes');
    expect(d('/interface bridge port', 'horizon')).toBe('none');
    expect(d('/interface bridge port', 'learn')).toBe('auto');
    expect(d('/interface bridge port', 'unknown-unicast-flood')).toBe('yes');
    expect(d('/interface bridge settings', 'use-ip-firewall')).toBe('no');
    expect(d('/interface bridge settings', 'allow-fast-path')).toBe('yes');
    expect(d('/interface vlan', 'mtu')).toBe('1500');
    expect(d('/interface ethernet', 'arp')).toBe('enabled');
    expect(d('/ip route', 'dst-address')).toBe('0.0.0.0/0');
    expect(d('/ip route', 'distance')).toBe('1');
    expect(d('/ip route', 'scope')).toBe('30');
    expect(d('/ip route', 'target-scope')).toBe('10');
    expect(d('/ip route', 'routing-table')).toBe('main');
    expect(d('/ip settings', 'ip-forward')).toBe('yes');
    expect(d('/ip settings', 'rp-filter')).toBe('no');
    expect(d('/ip settings', 'arp-timeout')).toBe('30s');
    expect(d('/ip settings', 'icmp-rate-mask')).toBe('0x1818');
    expect(d('/system identity', 'name')).toBe('MikroTik');
    expect(d('/tool sniffer', 'file-limit')).toBe('1000KiB');
    expect(d('/tool sniffer', 'memory-limit')).toBe('100KiB');
  });

  test('cross-property checks', () => {
    const check = (path: string, values: Record<string, string>) => registry.spec(path)!.check!((p) => values[p]);
    expect(check('/interface bridge filter', { chain: 'forward', action: 'jump' })).toEqual(['action=jump needs jump-target']);
    expect(check('/interface bridge filter', { chain: 'forward', action: 'jump', 'jump-target': 'x' })).toEqual([]);
    expect(check('/interface bridge filter', { chain: 'forward', 'jump-target': 'x' })).toEqual(['jump-target is only meaningful with action=jump (action=accept)']);
    expect(check('/interface bridge filter', { chain: 'forward', action: 'mark-packet' })).toEqual(['action=mark-packet needs new-packet-mark']);
    expect(check('/interface bridge nat', { chain: 'dstnat', action: 'dst-nat' })).toEqual(['action=dst-nat needs to-dst-mac-address']);
    expect(check('/interface bridge nat', { chain: 'dstnat', action: 'dst-nat', 'to-dst-mac-address': '00:11:22:33:44:55' })).toEqual([]);
    expect(check('/interface bridge vlan', { bridge: 'br', 'vlan-ids': '10', tagged: 'br,ether2', untagged: 'ether2' })).toEqual([
      'ether2: an interface cannot be both tagged and untagged in one VLAN entry',
    ]);
    expect(check('/interface bridge vlan', { bridge: 'br', 'vlan-ids': '10', tagged: 'br', untagged: 'ether2' })).toEqual([]);
    expect(check('/interface bridge port', { bridge: 'br', interface: 'br' })).toHaveLength(1);
    expect(check('/interface vlan', { name: 'v', interface: 'v', 'vlan-id': '10' })).toHaveLength(1);
    expect(check('/interface list', { name: 'all' })).toEqual(['interface list all already exists (built-in list)']);
    expect(check('/interface list', { name: 'LAN' })).toEqual([]);
    expect(check('/ip address', { address: '192.168.88.1/24', interface: 'ether1' })).toEqual([]);
    expect(check('/ip address', { address: '192.170.0.1', interface: 'ether1' })).toEqual([]);
    expect(check('/ip address', { address: '10.0.0.1/33', interface: 'ether1' })).toHaveLength(1);
    expect(check('/ip route', { 'routing-mark': 'a', 'routing-table': 'b' })).toHaveLength(1);
    expect(check('/ip vrf', { name: 'main', interfaces: 'ether1' })).toHaveLength(1);
    expect(check('/routing table', { name: 'main' })).toHaveLength(1);
    expect(check('/metarouter interface', { 'virtual-machine': 'mr', type: 'static' })).toEqual(['type=static needs static-interface']);
    expect(check('/metarouter interface', { 'virtual-machine': 'mr', type: 'dynamic', 'dynamic-bridge': 'bridge' })).toEqual([]);
  });

  test('value types accept RouterOS spellings and reject typos', () => {
    const t = (path: string, prop: string) => registry.spec(path)!.props.find((p) => p.name === prop)!.type;
    const ok = (path: string, prop: string, text: string) => expect([prop, text, validate(t(path, prop), text)]).toEqual([prop, text, undefined]);
    const bad = (path: string, prop: string, text: string) => expect([prop, text, validate(t(path, prop), text)]).not.toEqual([prop, text, undefined]);
    ok('/ip address', 'address', '192.168.88.1/24');
    ok('/ip address', 'address', '6.6.6.6');
    bad('/ip address', 'address', '162.250.60.0/22l');
    ok('/ip route', 'gateway', '172.16.0.2@CE1');
    ok('/ip route', 'gateway', 'CE1@CE1');
    ok('/ip route', 'gateway', '10.0.0.1%ether1,10.0.0.2');
    ok('/ip route', 'dst-address', '8.8.8.8');
    ok('/ip route', 'pref-src', '');
    ok('/ip route', 'pref-src', '10.0.0.1');
    bad('/ip route', 'pref-src', 'ether1');
    ok('/interface bridge vlan', 'vlan-ids', '10,20-29,4094');
    bad('/interface bridge vlan', 'vlan-ids', '0');
    bad('/interface bridge vlan', 'vlan-ids', '4095');
    ok('/interface bridge', 'mtu', 'auto');
    ok('/interface bridge', 'mtu', '1500');
    ok('/interface bridge port', 'horizon', '1');
    ok('/interface bridge port', 'priority', '0x80');
    ok('/interface ethernet', 'arp-timeout', '1m30s');
    ok('/interface ethernet', 'arp-timeout', 'auto');
    bad('/interface ethernet', 'arp-timeout', 'sometimes');
    ok('/interface bridge filter', 'src-mac-address', '01:80:C2:00:00:00/FF:FF:FF:FF:FF:F0');
    ok('/interface bridge filter', 'mac-protocol', '0x88cc');
    ok('/interface bridge filter', 'mac-protocol', 'ip');
    bad('/interface bridge filter', 'mac-protocol', 'ipv5');
    ok('/interface bridge filter', 'limit', '10/1m,5:packet');
    ok('/interface vlan', 'vlan-id', '4094');
    bad('/interface vlan', 'vlan-id', '4095');
    bad('/interface vlan', 'vlan-id', '0');
    ok('/routing rule', 'src-address', '10.0.0.0/8');
    ok('/routing rule', 'dst-address', '2001:db8::/32');
    ok('/tool sniffer', 'filter-ip-address', '10.0.0.1/32,!192.168.0.0/16');
    ok('/tool sniffer', 'filter-port', 'http,!53,8000-8080');
    ok('/tool sniffer', 'streaming-server', '10.0.0.5:37008');
    ok('/metarouter', 'memory-size', '32');
    ok('/metarouter', 'disk-size', '0kiB');
  });
});

// ---------------------------------------------------------------------------------------------------------
// Unsupported menus

describe('unsupported menus', () => {
  const modelled = new Set([...EXPORT_ORDER, ...registry.specs.map((s) => s.path)]);

  test('well-formed, unique paths', () => {
    expect(new Set(UNSUPPORTED_MENUS).size).toBe(UNSUPPORTED_MENUS.length);
    for (const p of UNSUPPORTED_MENUS) expect(p).toMatch(/^\/[a-z0-9-]+( [a-z0-9-]+)*$/);
  });

  test('never a modelled menu nor a parent of one', () => {
    for (const p of modelled) expect([p, registry.isUnsupported(p)]).toEqual([p, false]);
  });

  test('children and the menus seen in the corpus are covered', () => {
    for (const p of ['/ip dhcp-server network', '/interface wireguard peers', '/routing ospf interface-template', '/routing bgp connection', '/interface ethernet switch port', '/tool mac-server mac-winbox', '/mpls ldp interface', '/system lcd page', '/ip neighbor discovery', '/ip dns static']) {
      expect([p, registry.isUnsupported(p)]).toEqual([p, true]);
    }
    for (const p of ['/interface', '/ip', '/ip firewall', '/system', '/tool', '/routing', '/interface brige', '/ip adress']) expect([p, registry.isUnsupported(p)]).toEqual([p, false]);
  });
});

// ---------------------------------------------------------------------------------------------------------
// 2. Corpus coverage

interface Finding {
  readonly file: string;
  readonly path: string;
  readonly what: string;
}

const corpus = corpusFiles().map((name) => ({ name, commands: listCommands(parseScript(readCorpus(name), name).statements) }));
const pathOf = (c: MenuCommand) => '/' + c.path.join(' ');
const mineByPath = new Map(MINE.map((s) => [s.path, s]));

/** Property findings that are not schema gaps, with the reason. */
const PROPERTY_EXCEPTIONS: (Finding & { reason: string })[] = [
  {
    file: 'GuilloOme__routerOS-isolated-Vlan-config__ethernet_quick_set_default_config.rsc',
    path: '/interface ethernet',
    what: 'unknown property master-port',
    reason: 'RouterOS v6 switch-chip master port (removed in 6.41, replaced by bridge hw offload); v7 rejects it, so flowplane reports it',
  },
];

/** Corpus menu paths that are neither modelled nor unsupported menus, with the reason. */
const PATH_EXCEPTIONS: { path: string; reason: string }[] = [{ path: '/', reason: '`/quit` inside a script: a root console command, not a menu' }];

describe('corpus fits the l2/l3 schemas', () => {
  test('every property of add/set in these menus exists (or abbreviates exactly one); bare words are switches', () => {
    const found: Finding[] = [];
    let checked = 0;
    for (const { name, commands } of corpus) {
      for (const c of commands) {
        const spec = mineByPath.get(pathOf(c));
        if (!spec || (c.verb !== 'add' && c.verb !== 'set')) continue;
        for (const p of c.props) {
          checked++;
          const r = resolveProp(spec, p.name);
          if (typeof r === 'string') found.push({ file: name, path: spec.path, what: r });
        }
        for (const a of c.args) {
          const w = a.kind === 'word' ? a.text : a.raw;
          const prop = spec.props.find((p) => p.name === w && !p.readOnly);
          if (!prop || prop.type.t !== 'bool') found.push({ file: name, path: spec.path, what: `positional argument ${w}` });
        }
      }
    }
    expect(checked).toBeGreaterThanOrEqual(300);
    const key = (f: Finding) => `${f.file} ${f.path}: ${f.what}`;
    expect([...new Set(found.map(key))].sort()).toEqual(PROPERTY_EXCEPTIONS.map(key).sort());
  });

  test('`add fib name=x` in /routing table is a bare switch the executor maps to fib=yes', () => {
    const c = corpus
      .find((f) => f.name === 'AmirArsalanTaqavi__Mikrotik-Config-Examples__scenarios_pbr-selective-vpn.rsc')!
      .commands.find((x) => pathOf(x) === '/routing table')!;
    expect(c.args.map((a) => (a.kind === 'word' ? a.text : a.raw))).toEqual(['fib']);
    expect(registry.spec('/routing table')!.props.find((p) => p.name === 'fib')!.type).toEqual({ t: 'bool' });
  });

  test('literal values given to these menus parse under the property types', () => {
    const bad: string[] = [];
    let checked = 0;
    for (const { name, commands } of corpus) {
      for (const c of commands) {
        const spec = mineByPath.get(pathOf(c));
        if (!spec || (c.verb !== 'add' && c.verb !== 'set')) continue;
        for (const p of c.props) {
          const prop = resolveProp(spec, p.name);
          const text = p.value ? staticText(p.value) : undefined;
          if (typeof prop === 'string' || text === undefined || text.includes('$')) continue;
          checked++;
          const negated = p.value?.kind === 'word' && p.value.negated;
          if (negated && !prop.negatable) bad.push(`${name} ${spec.path} ${p.name}=${text}: not negatable`);
          const err = validate(prop.type, negated ? text.slice(1) : text);
          if (err !== undefined) bad.push(`${name} ${spec.path} ${p.name}=${text}: ${err}`);
        }
      }
    }
    expect(checked).toBeGreaterThanOrEqual(250);
    expect(bad).toEqual([]);
  });

  test('every menu path in the corpus is modelled or a known unsupported menu', () => {
    const modelled = new Set([...EXPORT_ORDER, ...registry.specs.map((s) => s.path)]);
    const unknown = new Set<string>();
    const unsupportedSeen = new Set<string>();
    for (const { commands } of corpus) {
      for (const c of commands) {
        const p = pathOf(c);
        if (modelled.has(p)) continue;
        if (registry.isUnsupported(p)) unsupportedSeen.add(p);
        else unknown.add(p);
      }
    }
    expect([...unknown].sort()).toEqual(PATH_EXCEPTIONS.map((e) => e.path).sort());
    // the unsupported menus the corpus uses: what loading the corpus warns about ("kept, not applied")
    expect([...unsupportedSeen].sort()).toEqual(
      [
        '/interface bonding', '/interface ethernet switch port', '/interface ethernet switch vlan', '/interface vpls', '/interface vrrp',
        '/interface wireguard', '/interface wireguard peers', '/interface wireless security-profiles',
        '/ip dhcp-client', '/ip dhcp-relay', '/ip dhcp-server', '/ip dhcp-server network', '/ip dhcp-server option', '/ip dns static',
        '/ip neighbor discovery', '/ip pool', '/ip route vrf',
        '/ipv6 dhcp-relay', '/ipv6 nd', '/mpls ldp', '/mpls ldp interface', '/mpls settings', '/port',
        '/routing bgp connection', '/routing bgp instance', '/routing bgp instance vrf', '/routing bgp network', '/routing bgp peer', '/routing bgp template', '/routing bgp vpn',
        '/routing ospf area', '/routing ospf instance', '/routing ospf interface-template', '/routing ospf network',
        '/system backup', '/system lcd page', '/system note', '/tool mac-server', '/tool mac-server mac-winbox', '/tool user-manager customer', '/tool user-manager database',
      ].sort(),
    );
  });
});
