/**
 * Schemas of the firewall, queue and IPv6 menus (control/menus/firewall.ts, firewall-props.ts, queue.ts,
 * ipv6.ts): internal consistency, per-table action sets, item checks, and coverage of the real configs in
 * ../shared/corpus/rsc (every property they use in these menus must exist, values must parse).
 */
import { listCommands, staticText, type MenuCommand } from '../../../control/routeros/ast';
import { parseScript } from '../../../control/routeros/parser';
import * as V from '../../../control/routeros/values';
import { MENUS as FIREWALL_MENUS } from '../../../control/menus/firewall';
import { MENUS as QUEUE_MENUS, BUILTIN_QUEUE_TYPES } from '../../../control/menus/queue';
import { MENUS as IPV6_MENUS } from '../../../control/menus/ipv6';
import { TABLE_ACTIONS, TABLE_PROPS, BUILTIN_CHAINS } from '../../../control/menus/firewall-props';
import { EXPORT_ORDER, MenuRegistry } from '../../../control/menus/registry';
import type { MenuSpec, PropSpec, ValueType } from '../../../control/menus/schema';
import { ConfigStore } from '../../../control/store/store';
import { corpusFiles, readCorpus } from '../routeros/corpus';

const SPECS: MenuSpec[] = [...FIREWALL_MENUS, ...QUEUE_MENUS, ...IPV6_MENUS];
const BY_PATH = new Map(SPECS.map((s) => [s.path, s]));

function spec(path: string): MenuSpec {
  const s = BY_PATH.get(path);
  if (s === undefined) throw new Error(`no schema for ${path}`);
  return s;
}

function prop(s: MenuSpec, name: string): PropSpec {
  const p = s.props.find((x) => x.name === name);
  if (p === undefined) throw new Error(`${s.path} has no property ${name}`);
  return p;
}

function enumValues(type: ValueType): readonly string[] {
  if (type.t !== 'enum') throw new Error(`expected an enum, found ${type.t}`);
  return type.values;
}

// ---------------------------------------------------------------------------------------------------------
// A small validator: does `text` parse under `type` (control/routeros/values.ts)? Returns an error or undefined.

const DNS_NAME = /^(?=.{1,253}$)[A-Za-z0-9_](?:[A-Za-z0-9_-]{0,62})(?:\.[A-Za-z0-9_](?:[A-Za-z0-9_-]{0,62}))*\.?$/;

function err<T>(r: V.Parsed<T>): string | undefined {
  return r.ok ? undefined : r.error;
}

function ip6Spec(text: string): string | undefined {
  if (text.includes('-')) return err(V.parseIpv6Range(text));
  return err(V.parseIpv6Prefix(text, { bareIsHost: true }));
}

function validate(type: ValueType, text: string): string | undefined {
  switch (type.t) {
    case 'str':
      return undefined;
    case 'bool':
      return err(V.parseBool(text));
    case 'int':
      return err(V.parseInteger(text, type));
    case 'enum':
      return type.values.includes(text) ? undefined : `'${text}' is not one of ${type.values.join(', ')}`;
    case 'flags':
      for (const part of V.splitList(text)) {
        const word = type.negItems && part.startsWith('!') ? part.slice(1) : part;
        if (!type.values.includes(word)) return `'${part}' is not one of ${type.values.join(', ')}`;
      }
      return undefined;
    case 'time':
      return type.orNone && text === 'none' ? undefined : err(V.parseTime(text));
    case 'rate':
      return err(V.parseRate(text));
    case 'rate-pair':
      return err(V.parseRatePair(text));
    case 'size':
      return err(V.parseSize(text));
    case 'ip4':
      return err(V.parseIpv4(text));
    case 'ip4-prefix':
      return err(V.parseIpv4Prefix(text, type.bareIsHost ? { bareIsHost: true } : {}));
    case 'ip4-spec':
      return err(V.parseIpv4Spec(text));
    case 'ip6':
      return err(V.parseIpv6(text));
    case 'ip6-prefix':
      return err(V.parseIpv6Prefix(text));
    case 'ip6-spec':
      return ip6Spec(text);
    case 'address-entry':
      if (V.parseIpv4Spec(text).ok || ip6Spec(text) === undefined) return undefined;
      return /^[\d./-]+$/.test(text) || !DNS_NAME.test(text) ? `'${text}' is no address, prefix, range or DNS name` : undefined;
    case 'mac':
      return err(V.parseMac(text));
    case 'ports':
      return err(V.parsePortList(text));
    case 'int-range':
      return err(V.parseIntRange(text, type));
    case 'ref':
      return text !== '' ? undefined : 'empty reference';
    case 'list':
      for (const part of V.splitList(text)) {
        const e = validate(type.of, part);
        if (e !== undefined) return e;
      }
      return undefined;
    case 'raw':
      return type.pattern === undefined || type.pattern.test(text) ? undefined : `'${text}' does not match ${type.expect ?? String(type.pattern)}`;
  }
}

function validateProp(p: PropSpec, text: string): string | undefined {
  return validate(p.type, p.negatable && text.startsWith('!') ? text.slice(1) : text);
}

/** RouterOS accepts a property name or an unambiguous prefix of one (`dst-addr` = `dst-address`). */
function resolveProp(s: MenuSpec, name: string): PropSpec | string {
  const exact = s.props.find((p) => p.name === name);
  if (exact) return exact;
  const matches = s.props.filter((p) => p.name.startsWith(name));
  if (matches.length === 1) return matches[0]!;
  return matches.length === 0 ? `no property '${name}'` : `'${name}' is ambiguous (${matches.map((p) => p.name).join(', ')})`;
}

// ---------------------------------------------------------------------------------------------------------

describe('menu schemas: firewall, queue, ipv6', () => {
  test('the expected menus are declared, each once', () => {
    expect(SPECS.map((s) => s.path).sort()).toEqual(
      [
        '/ip firewall filter',
        '/ip firewall nat',
        '/ip firewall mangle',
        '/ip firewall raw',
        '/ip firewall address-list',
        '/ip firewall connection',
        '/ip firewall connection tracking',
        '/ip firewall service-port',
        '/ip firewall layer7-protocol',
        '/queue type',
        '/queue interface',
        '/queue simple',
        '/queue tree',
        '/ipv6 address',
        '/ipv6 route',
        '/ipv6 settings',
        '/ipv6 firewall address-list',
        '/ipv6 firewall filter',
        '/ipv6 firewall nat',
        '/ipv6 firewall mangle',
        '/ipv6 firewall raw',
      ].sort(),
    );
    expect(new Set(SPECS.map((s) => s.path)).size).toBe(SPECS.length);
    expect(() => new MenuRegistry(SPECS, [])).not.toThrow();
  });

  test('every menu has an EXPORT_ORDER position, /ipv6 settings right after /ip settings', () => {
    expect(SPECS.map((s) => s.path).filter((p) => !EXPORT_ORDER.includes(p))).toEqual([]);
    expect(EXPORT_ORDER.indexOf('/ipv6 settings')).toBe(EXPORT_ORDER.indexOf('/ip settings') + 1);
  });

  test.each(SPECS.map((s) => [s.path, s] as const))('%s: names, defaults, columns, keys and fixed items are consistent', (_path, s) => {
    const names = s.props.map((p) => p.name);
    expect(new Set(names).size).toBe(names.length);
    for (const p of s.props) {
      expect(p.name).toMatch(/^[a-z0-9][a-z0-9-]*$/);
      if (p.default !== undefined) expect([p.name, validateProp(p, p.default)]).toEqual([p.name, undefined]);
      if (p.required) expect([p.name, p.default, p.readOnly]).toEqual([p.name, undefined, undefined]);
    }
    for (const c of s.columns) expect(names).toContain(c);
    for (const u of s.unique) for (const n of u) expect(names).toContain(n);
    if (s.key !== undefined) expect(names).toContain(s.key);
    if (s.fixedKey !== undefined) expect(names).toContain(s.fixedKey);
    if (s.kind === 'single') {
      expect(names).not.toContain('disabled');
      expect(s.key).toBeUndefined();
    }
    if (s.kind !== 'single') expect(s.check?.(() => undefined) ?? []).toBeInstanceOf(Array);
    for (const item of s.fixedItems?.(4) ?? []) {
      for (const [k, v] of Object.entries(item)) {
        const p = prop(s, k);
        expect([s.path, k, validateProp(p, v)]).toEqual([s.path, k, undefined]);
      }
      if (s.fixedKey !== undefined) expect(item[s.fixedKey]).toBeDefined();
    }
  });

  test('defaults and built-in values are written the way RouterOS prints them (export compares text)', () => {
    const printed = (type: ValueType, text: string): string | undefined => {
      switch (type.t) {
        case 'time':
          return V.formatTime((V.parseTime(text) as { value: number }).value);
        case 'rate':
          return V.formatRate((V.parseRate(text) as { value: number }).value);
        case 'rate-pair':
          return V.formatRatePair((V.parseRatePair(text) as { value: V.RatePair }).value);
        case 'size':
          return V.formatSize((V.parseSize(text) as { value: number }).value);
        case 'int':
          return String((V.parseInteger(text) as { value: number }).value);
        case 'bool':
          return V.formatBool((V.parseBool(text) as { value: boolean }).value);
        case 'ports':
          return V.formatPortList((V.parsePortList(text) as { value: V.IntRange[] }).value);
        case 'ip6-prefix':
          return V.formatIpv6Prefix((V.parseIpv6Prefix(text) as { value: V.Ipv6Prefix }).value);
        default:
          return text;
      }
    };
    for (const s of SPECS) {
      for (const p of s.props) if (p.default !== undefined) expect([s.path, p.name, printed(p.type, p.default)]).toEqual([s.path, p.name, p.default]);
      for (const item of s.fixedItems?.(2) ?? []) {
        for (const [k, v] of Object.entries(item)) expect([s.path, k, printed(prop(s, k).type, v)]).toEqual([s.path, k, v]);
      }
    }
  });

  test('the store creates the built-in items', () => {
    const store = new ConfigStore(SPECS, { ethernetPorts: 3 });
    const types = store.table('/queue type')!;
    expect(types.items.map((i) => types.value(i, 'name'))).toEqual([
      'default',
      'ethernet-default',
      'wireless-default',
      'synchronous-default',
      'hotspot-default',
      'pcq-upload-default',
      'pcq-download-default',
      'only-hardware-queue',
      'multi-queue-ethernet-default',
      'default-small',
    ]);
    expect(types.items.every((i) => types.value(i, 'default') === 'yes')).toBe(true);
    const pcq = types.byKey('pcq-download-default')!;
    expect([types.value(pcq, 'kind'), types.value(pcq, 'pcq-classifier'), types.value(pcq, 'pcq-limit'), types.value(pcq, 'pcq-total-limit')]).toEqual([
      'pcq',
      'dst-address',
      '50KiB',
      '2000KiB',
    ]);
    expect(types.value(types.byKey('default-small')!, 'pfifo-limit')).toBe('10');

    const sp = store.table('/ip firewall service-port')!;
    expect(sp.items.map((i) => `${sp.value(i, 'name')}:${sp.value(i, 'ports') ?? ''}:${sp.value(i, 'disabled')}`)).toEqual([
      'ftp:21:no',
      'tftp:69:no',
      'irc:6667:yes',
      'h323::no',
      'sip:5060,5061:no',
      'pptp::no',
      'rtsp:554:yes',
      'udplite::no',
      'dccp::no',
      'sctp::no',
    ]);
    const qi = store.table('/queue interface')!;
    expect(qi.items.map((i) => `${qi.value(i, 'interface')}=${qi.value(i, 'queue')}`)).toEqual([
      'ether1=ethernet-default',
      'ether2=ethernet-default',
      'ether3=ethernet-default',
    ]);
    const ct = store.single('/ip firewall connection tracking')!;
    expect(['enabled', 'udp-timeout', 'udp-stream-timeout', 'tcp-established-timeout', 'loose-tcp-tracking', 'liberal-tcp-tracking'].map((n) => ct.table.value(ct.item, n))).toEqual([
      'auto',
      '30s',
      '3m',
      '1d',
      'yes',
      'no',
    ]);
    expect(store.single('/ipv6 settings')!.table.value(store.single('/ipv6 settings')!.item, 'accept-router-advertisements')).toBe('yes-if-forwarding-disabled');
    expect(BUILTIN_QUEUE_TYPES).toHaveLength(10);
  });
});

describe('firewall rule menus', () => {
  const actions = (path: string) => enumValues(prop(spec(path), 'action').type);
  const has = (path: string, name: string) => spec(path).props.some((p) => p.name === name);

  test('per-table action sets', () => {
    expect(actions('/ip firewall raw')).toContain('notrack');
    expect(actions('/ip firewall raw')).not.toContain('reject');
    expect(actions('/ip firewall raw')).not.toContain('fasttrack-connection');
    expect(actions('/ip firewall filter')).toEqual(expect.arrayContaining(['reject', 'tarpit', 'fasttrack-connection', 'drop', 'jump', 'return']));
    expect(actions('/ip firewall filter')).not.toContain('masquerade');
    expect(actions('/ip firewall nat')).toEqual(
      expect.arrayContaining(['masquerade', 'src-nat', 'dst-nat', 'redirect', 'netmap', 'same', 'endpoint-independent-nat', 'accept', 'jump', 'return']),
    );
    expect(actions('/ip firewall nat')).not.toContain('drop');
    expect(actions('/ip firewall mangle')).toEqual(
      expect.arrayContaining(['mark-connection', 'mark-packet', 'mark-routing', 'change-mss', 'change-ttl', 'change-dscp', 'route', 'strip-ipv4-options', 'clear-df', 'set-priority', 'sniff-tzsp', 'sniff-pc']),
    );
    expect(actions('/ipv6 firewall mangle')).toContain('change-hop-limit');
    expect(actions('/ipv6 firewall mangle')).not.toContain('change-ttl');
    expect(actions('/ipv6 firewall nat')).not.toContain('same');
    expect(actions('/ipv6 firewall filter')).not.toContain('tarpit');
    for (const [family, tables] of Object.entries(TABLE_ACTIONS)) {
      for (const [table, list] of Object.entries(tables)) {
        expect(new Set(list).size).toBe(list.length);
        expect(actions(`/${family} firewall ${table}`)).toEqual(list);
        expect(prop(spec(`/${family} firewall ${table}`), 'action').default).toBe('accept');
      }
    }
  });

  test('per-table properties', () => {
    for (const c of ['connection-state', 'connection-mark', 'connection-bytes', 'layer7-protocol', 'connection-limit']) expect(has('/ip firewall raw', c)).toBe(false);
    expect(has('/ip firewall raw', 'tcp-flags')).toBe(true);
    expect(has('/ip firewall nat', 'to-addresses')).toBe(true);
    expect(has('/ip firewall filter', 'to-addresses')).toBe(false);
    expect(has('/ip firewall filter', 'reject-with')).toBe(true);
    expect(has('/ip firewall mangle', 'reject-with')).toBe(false);
    expect(has('/ip firewall mangle', 'passthrough')).toBe(true);
    expect(has('/ip firewall filter', 'passthrough')).toBe(false);
    expect(has('/ip firewall filter', 'hw-offload')).toBe(true);
    expect(has('/ipv6 firewall filter', 'hop-limit')).toBe(true);
    expect(has('/ipv6 firewall filter', 'ttl')).toBe(false);
    expect(has('/ipv6 firewall filter', 'psd')).toBe(false);
    expect(prop(spec('/ip firewall filter'), 'src-address').type).toEqual({ t: 'ip4-spec' });
    expect(prop(spec('/ipv6 firewall filter'), 'src-address').type).toEqual({ t: 'ip6-spec' });
    expect(prop(spec('/ip firewall filter'), 'reject-with').default).toBe('icmp-network-unreachable');
    expect(prop(spec('/ip firewall mangle'), 'passthrough').default).toBe('yes');
    expect(prop(spec('/ip firewall filter'), 'address-list-timeout').default).toBe('none-dynamic');
    expect(prop(spec('/ip firewall filter'), 'chain').required).toBe(true);
    for (const s of SPECS.filter((x) => / firewall (filter|nat|mangle|raw)$/.test(x.path))) {
      expect([s.path, s.kind, s.ordered, s.key]).toEqual([s.path, 'list', true, undefined]);
      expect(s.columns.slice(0, 2)).toEqual(['chain', 'action']);
      expect(s.props.map((p) => p.name)).toEqual([...TABLE_PROPS[s.path.startsWith('/ipv6') ? 'ipv6' : 'ip'][s.path.split(' ')[2] as 'filter'], 'disabled', 'comment']);
    }
    expect(BUILTIN_CHAINS.nat).toEqual(['srcnat', 'dstnat', 'input', 'output']);
  });

  test('negation: matchers take !value, parameters and a few matchers do not', () => {
    const f = spec('/ip firewall filter');
    for (const n of ['src-address', 'dst-address', 'in-interface-list', 'connection-state', 'protocol', 'dst-port', 'src-mac-address', 'layer7-protocol', 'connection-nat-state']) {
      expect([n, prop(f, n).negatable]).toEqual([n, true]);
    }
    for (const n of ['chain', 'action', 'jump-target', 'log', 'fragment', 'psd', 'ttl', 'connection-bytes', 'random', 'tcp-flags', 'ipsec-policy']) {
      expect([n, prop(f, n).negatable ?? false]).toEqual([n, false]);
    }
    expect(prop(f, 'tcp-flags').type).toMatchObject({ t: 'flags', negItems: true });
    expect(validateProp(prop(f, 'tcp-flags'), 'fin,!syn,!rst,!psh,!ack,!urg')).toBeUndefined();
    expect(validateProp(prop(f, 'tcp-flags'), 'syn,!bogus')).toBeDefined();
    expect(validateProp(prop(f, 'in-interface-list'), '!LAN')).toBeUndefined();
    expect(validateProp(prop(f, 'dst-address'), '!10.0.0.0/8')).toBeUndefined();
  });

  test('raw value syntaxes accept RouterOS forms and reject typos', () => {
    const f = spec('/ip firewall filter');
    const mg = spec('/ip firewall mangle');
    const ok: [MenuSpec, string, string][] = [
      [f, 'limit', '50/5s,2:packet'],
      [f, 'limit', '1,5'],
      [f, 'limit', '10M/1s,1M:bit'],
      [f, 'dst-limit', '10/1m,20,src-address/1m'],
      [f, 'psd', '21,3s,3,1'],
      [f, 'time', '8h-17h,mon,tue'],
      [f, 'nth', '2,1'],
      [f, 'icmp-options', '3:0-255'],
      [f, 'ttl', 'less-than:2'],
      [f, 'connection-limit', '100,32'],
      [f, 'ipsec-policy', 'out,none'],
      [f, 'address-list-timeout', 'none-static'],
      [f, 'address-list-timeout', '4w2d'],
      [f, 'protocol', 'ipsec-esp'],
      [f, 'protocol', '139'],
      [mg, 'per-connection-classifier', 'both-addresses-and-ports:3/2'],
      [mg, 'connection-bytes', '2M-0'],
      [mg, 'connection-rate', '0-100k'],
      [mg, 'new-ttl', 'decrement:1'],
      [mg, 'new-mss', 'clamp-to-pmtu'],
      [mg, 'new-dscp', '46'],
      [mg, 'new-priority', 'from-dscp'],
      [spec('/ip firewall nat'), 'to-addresses', '10.0.0.1-10.0.0.9'],
      [spec('/ip firewall nat'), 'to-ports', '8000-8080'],
    ];
    for (const [s, n, v] of ok) expect([n, v, validateProp(prop(s, n), v)]).toEqual([n, v, undefined]);
    const bad: [MenuSpec, string, string][] = [
      [f, 'ttl', 'equals:1'],
      [f, 'protocol', '256'],
      [f, 'ipsec-policy', 'in,maybe'],
      [f, 'random', '100'],
      [mg, 'per-connection-classifier', 'both-addresses:2'],
      [mg, 'new-ttl', 'set=1'],
      [f, 'connection-state', 'established,fresh'],
    ];
    for (const [s, n, v] of bad) expect([n, v, validateProp(prop(s, n), v)]).not.toEqual([n, v, undefined]);
  });

  const run = (path: string, values: Record<string, string>) => {
    const s = spec(path);
    return s.check!((n) => values[n] ?? s.props.find((p) => p.name === n)?.default);
  };

  test('checks: action parameters', () => {
    expect(run('/ip firewall filter', { chain: 'input', action: 'jump' })).toEqual(['action=jump requires jump-target']);
    expect(run('/ip firewall filter', { chain: 'input', action: 'jump', 'jump-target': 'mychain' })).toEqual([]);
    expect(run('/ip firewall filter', { chain: 'forward' })).toEqual([]);
    expect(run('/ip firewall filter', { chain: ' ' })).toEqual(['chain must not be empty']);
    expect(run('/ip firewall filter', { chain: 'input', action: 'add-src-to-address-list' })).toEqual(['action=add-src-to-address-list requires address-list']);
    expect(run('/ip firewall mangle', { chain: 'forward', action: 'change-mss' })).toEqual(['action=change-mss requires new-mss']);
    expect(run('/ip firewall mangle', { chain: 'forward', action: 'change-mss', 'new-mss': 'clamp-to-pmtu' })).toEqual([]);
    expect(run('/ip firewall mangle', { chain: 'prerouting', action: 'mark-routing' })).toEqual(['action=mark-routing requires new-routing-mark']);
    expect(run('/ip firewall mangle', { chain: 'prerouting', action: 'mark-connection' })).toEqual(['action=mark-connection requires new-connection-mark']);
    expect(run('/ip firewall mangle', { chain: 'prerouting', action: 'mark-packet' })).toEqual(['action=mark-packet requires new-packet-mark']);
    expect(run('/ip firewall mangle', { chain: 'prerouting', action: 'change-ttl' })).toEqual(['action=change-ttl requires new-ttl']);
    expect(run('/ip firewall mangle', { chain: 'prerouting', action: 'route' })).toEqual(['action=route requires route-dst']);
    expect(run('/ipv6 firewall mangle', { chain: 'forward', action: 'change-hop-limit' })).toEqual(['action=change-hop-limit requires new-hop-limit']);
    expect(run('/ip firewall nat', { chain: 'dstnat', action: 'dst-nat' })).toEqual(['action=dst-nat requires to-addresses or to-ports']);
    expect(run('/ip firewall nat', { chain: 'dstnat', action: 'dst-nat', 'to-ports': '8080' })).toEqual([]);
    expect(run('/ip firewall nat', { chain: 'dstnat', action: 'dst-nat', 'to-addresses': '10.0.0.2' })).toEqual([]);
    expect(run('/ip firewall nat', { chain: 'srcnat', action: 'masquerade' })).toEqual([]);
    expect(run('/ip firewall nat', { chain: 'dstnat', action: 'redirect' })).toEqual([]);
    expect(run('/ip firewall nat', { chain: 'srcnat', action: 'netmap' })).toEqual(['action=netmap requires to-addresses']);
    expect(run('/ip firewall raw', { chain: 'prerouting', action: 'notrack' })).toEqual([]);
    expect(run('/queue tree', { parent: '' })).toEqual(['parent must be global, an interface or a queue tree name']);
    expect(run('/queue tree', { parent: 'global' })).toEqual([]);
  });
});

describe('queue and ipv6 menus', () => {
  test('queue defaults (spec §7)', () => {
    const sq = spec('/queue simple');
    expect(['priority', 'queue', 'limit-at', 'max-limit', 'burst-time', 'bucket-size', 'parent'].map((n) => prop(sq, n).default)).toEqual([
      '8/8',
      'default-small/default-small',
      '0/0',
      '0/0',
      '0s/0s',
      '0.1/0.1',
      'none',
    ]);
    expect([sq.ordered, sq.key, prop(sq, 'target').required]).toEqual([true, 'name', true]);
    const qt = spec('/queue tree');
    expect(['priority', 'queue', 'bucket-size', 'max-limit'].map((n) => prop(qt, n).default)).toEqual(['8', 'default-small', '0.1', '0']);
    expect([qt.ordered, prop(qt, 'parent').required]).toEqual([false, true]);
    const ty = spec('/queue type');
    expect(enumValues(prop(ty, 'kind').type)).toEqual(['pfifo', 'bfifo', 'mq-pfifo', 'red', 'sfq', 'pcq', 'codel', 'fq-codel', 'cake', 'none']);
    expect(['pfifo-limit', 'bfifo-limit', 'sfq-perturb', 'sfq-allot', 'pcq-src-address-mask', 'pcq-dst-address6-mask', 'fq-codel-ecn'].map((n) => prop(ty, n).default)).toEqual([
      '50',
      '15000',
      '5',
      '1514',
      '32',
      '128',
      'yes',
    ]);
    expect(prop(ty, 'default').readOnly).toBe(true);
    expect(validateProp(prop(sq, 'max-limit'), '10M/5M')).toBeUndefined();
    expect(validateProp(prop(sq, 'priority'), '1/1')).toBeUndefined();
    expect(validateProp(prop(sq, 'priority'), '9/1')).toBeDefined();
    expect(validateProp(prop(sq, 'target'), '192.168.88.0/24,ether2')).toBeUndefined();
  });

  test('ipv6 defaults', () => {
    const a = spec('/ipv6 address');
    expect(['advertise', 'eui-64', 'no-dad'].map((n) => prop(a, n).default)).toEqual(['yes', 'no', 'no']);
    expect(prop(a, 'interface').required).toBe(true);
    const s = spec('/ipv6 settings');
    expect(['disable-ipv6', 'forward', 'accept-redirects', 'accept-router-advertisements'].map((n) => prop(s, n).default)).toEqual([
      'no',
      'yes',
      'yes-if-forwarding-disabled',
      'yes-if-forwarding-disabled',
    ]);
    expect(prop(spec('/ipv6 firewall filter'), 'reject-with').type).toMatchObject({ values: expect.arrayContaining(['icmp-no-route', 'icmp-admin-prohibited', 'tcp-reset']) });
    expect(prop(spec('/ipv6 route'), 'routing-table').default).toBe('main');
  });
});

// ---------------------------------------------------------------------------------------------------------
// Corpus coverage

/** Arguments of add/set that are not item properties. */
const NOT_PROPS = new Set(['place-before', 'copy-from', 'numbers']);

/** Property names in the corpus that are not (prefixes of) properties, with the reason. */
const NAME_EXCEPTIONS: Record<string, string> = {
  'cameronm77__mikrotik__scripts_gotoqos.rsc:4:ist': 'upstream typo: `address=162.250.60.0/22l ist=gtc-all` (a missing space in "22 list=")',
};

/** Static values in the corpus that do not parse under the schema type, with the reason. */
const VALUE_EXCEPTIONS: Record<string, string> = {
  'cameronm77__mikrotik__scripts_gotoqos.rsc:4:address': 'upstream typo: 162.250.60.0/22l (see ist= above)',
};
/** Files whose author anonymised addresses and ports (172.16.1.X, XXXX): values with an X are skipped there. */
const ANONYMISED = new Set(['cameronm77__mikrotik__scripts_firewall.rsc', 'cameronm77__mikrotik__scripts_nat.rsc']);

/** `add` commands that miss a required property or fail the item check, with the reason. */
const ADD_EXCEPTIONS: Record<string, string> = {
  'cameronm77__mikrotik__scripts_gotoqos.rsc:4': 'the `ist=` typo leaves the entry without list=',
};

const corpus = corpusFiles().map((name) => ({ name, commands: listCommands(parseScript(readCorpus(name), name).statements) }));

function mine(c: MenuCommand): MenuSpec | undefined {
  return BY_PATH.get('/' + c.path.join(' '));
}

describe('corpus coverage', () => {
  const uses = corpus.flatMap(({ name, commands }) => commands.filter((c) => mine(c) && (c.verb === 'add' || c.verb === 'set')).map((c) => ({ name, c, s: mine(c)! })));

  test('the corpus exercises these menus', () => {
    const paths = new Set(uses.map((u) => u.s.path));
    expect(uses.length).toBeGreaterThan(300);
    expect([...paths].sort()).toEqual(
      expect.arrayContaining([
        '/ip firewall address-list',
        '/ip firewall connection tracking',
        '/ip firewall filter',
        '/ip firewall layer7-protocol',
        '/ip firewall mangle',
        '/ip firewall nat',
        '/ip firewall raw',
        '/ip firewall service-port',
        '/ipv6 address',
        '/ipv6 firewall address-list',
        '/ipv6 firewall filter',
        '/ipv6 firewall raw',
        '/queue simple',
        '/queue tree',
        '/queue type',
      ]),
    );
  });

  test('every property name is a property or an unambiguous prefix of one (exceptions listed)', () => {
    const problems: string[] = [];
    const excepted: string[] = [];
    for (const { name, c, s } of uses) {
      for (const p of c.props) {
        if (NOT_PROPS.has(p.name)) continue;
        const r = resolveProp(s, p.name);
        const where = `${name}:${p.pos.line}:${p.name}`;
        if (typeof r === 'string') (NAME_EXCEPTIONS[where] ? excepted : problems).push(`${where} ${s.path}: ${r}`);
        else if (r.readOnly && !p.unset) problems.push(`${where} ${s.path}: ${r.name} is read-only`);
      }
    }
    expect(problems).toEqual([]);
    expect(excepted.map((e) => e.split(' ')[0])).toEqual(Object.keys(NAME_EXCEPTIONS));
  });

  test('every static value parses under its property type (exceptions listed)', () => {
    const problems: string[] = [];
    const excepted: string[] = [];
    let checked = 0;
    for (const { name, c, s } of uses) {
      for (const p of c.props) {
        if (NOT_PROPS.has(p.name) || p.value === null) continue;
        const r = resolveProp(s, p.name);
        const text = staticText(p.value);
        if (typeof r === 'string' || text === undefined) continue;
        if (ANONYMISED.has(name) && text.includes('X')) continue;
        checked++;
        const e = validateProp(r, text);
        const where = `${name}:${p.pos.line}:${p.name}`;
        if (e !== undefined) (VALUE_EXCEPTIONS[where] ? excepted : problems).push(`${where}=${text}: ${e}`);
      }
    }
    expect(checked).toBeGreaterThan(1500);
    expect(problems).toEqual([]);
    expect(excepted.map((e) => e.split('=')[0])).toEqual(Object.keys(VALUE_EXCEPTIONS));
  });

  test('every add passes the item check and names its required properties', () => {
    const problems: string[] = [];
    const excepted: string[] = [];
    for (const { name, c, s } of uses) {
      if (c.verb !== 'add') continue;
      const given = new Map<string, string>();
      for (const p of c.props) {
        const r = resolveProp(s, p.name);
        if (typeof r !== 'string' && p.value !== null) given.set(r.name, staticText(p.value) ?? '<computed>');
      }
      const where = `${name}:${c.pos.line}`;
      const out = ADD_EXCEPTIONS[where] ? excepted : problems;
      for (const p of s.props) if (p.required && !given.has(p.name)) out.push(`${where} ${s.path}: missing ${p.name}`);
      for (const e of s.check?.((n) => given.get(n) ?? s.props.find((p) => p.name === n)?.default) ?? []) out.push(`${where} ${s.path}: ${e}`);
    }
    expect(problems).toEqual([]);
    expect(excepted.map((e) => e.split(' ')[0])).toEqual(Object.keys(ADD_EXCEPTIONS));
  });

  test('set on fixed and built-in items names items that exist', () => {
    const store = new ConfigStore(SPECS);
    const names: string[] = [];
    for (const { c, s } of uses) {
      if (c.verb !== 'set' || s.kind === 'single') continue;
      const table = store.table(s.path)!;
      if (c.selector?.kind === 'items') {
        const text = staticText(c.selector.value)!;
        for (const n of text.split(',')) {
          names.push(n);
          expect([s.path, n, table.byKey(n) !== undefined]).toEqual([s.path, n, true]);
        }
      } else if (c.selector?.kind === 'find') {
        const m = /name="?([^"\s\]]+)/.exec(c.selector.find.selector?.kind === 'where' ? c.selector.find.selector.raw : '');
        if (m) {
          names.push(m[1]!);
          expect([s.path, m[1], table.byKey(m[1]!) !== undefined]).toEqual([s.path, m[1], true]);
        }
      }
    }
    expect(names.sort()).toEqual(['h323', 'pcq-download-default', 'pcq-upload-default', 'sip', 'sip']);
  });
});
