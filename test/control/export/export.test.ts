/** `/export` of stores built directly (hand-made schemas, canonical values). */
import { exportConfig, exportHeader, exportValue, normalizeMenuPath } from '../../../control/store/export';
import { wrapExportLine } from '../../../control/routeros/printer';
import { menu, str } from '../../../control/menus/schema';
import { ConfigStore } from '../../../control/store/store';
import { ADDRESS, FILTER, store, vals } from './specs';

const DATE = new Date(Date.UTC(2026, 0, 1, 10, 0, 0));
const body = (text: string): string => text.split('\n').slice(3).join('\n');

test('header: date in v7 format, flowplane named honestly, RouterOS syntax version', () => {
  expect(exportHeader({ date: DATE, version: '0.1.0' })).toEqual(['# 2026-01-01 10:00:00 by flowplane 0.1.0 (RouterOS 7.19 syntax)', '# software id = ', '#']);
  const s = store();
  expect(exportConfig(s, { date: DATE, version: '0.1.0' })).toBe(exportHeader({ date: DATE, version: '0.1.0' }).join('\n') + '\n');
  expect(exportConfig(s, { header: false })).toBe('');
});

test('list menu: add lines in item order, defaults omitted (firewall action always shown), properties alphabetical, disabled and comment', () => {
  const s = store();
  const f = s.table('/ip firewall filter')!;
  f.add(vals({ chain: 'input', action: 'accept', 'connection-state': 'established,related', comment: 'defconf' }));
  f.add(vals({ chain: 'input', action: 'drop', 'in-interface-list': '!LAN', log: 'no', disabled: 'yes' }));
  f.add(vals({ chain: 'forward', protocol: 'tcp', 'dst-port': '80,443', 'log-prefix': '' }));
  expect(body(exportConfig(s, { date: DATE }))).toBe(
    [
      '/ip firewall filter',
      'add action=accept chain=input comment=defconf connection-state=\\',
      '    established,related',
      'add action=drop chain=input disabled=yes in-interface-list=!LAN',
      'add action=accept chain=forward dst-port=80,443 protocol=tcp',
      '',
    ].join('\n'),
  );
});

test('verbose: every property with a value, defaults included; read-only never', () => {
  const s = store();
  s.table('/ip firewall filter')!.add(vals({ chain: 'input', bytes: '12' }));
  const out = exportConfig(s, { date: DATE, verbose: true });
  expect(out).toContain('/ip firewall filter\nadd action=accept chain=input disabled=no log=no log-prefix=""\n');
  expect(out).not.toContain('bytes=');
  // Fixed and single menus print every item and property that has a value in verbose.
  expect(out).toContain('/interface ethernet\nset [ find default-name=ether1 ] arp=enabled disabled=no mtu=1500 name=ether1\n');
  expect(out).toContain('/ip firewall service-port\nset ftp disabled=no ports=21\nset sip disabled=no ports=5060,5061\n');
  expect(out).toContain('/ip settings\nset ip-forward=yes rp-filter=no tcp-syncookies=no\n');
  expect(out).toContain('/system identity\nset name=MikroTik\n');
  // compact wins nothing over verbose; compact alone is the default.
  expect(exportConfig(s, { date: DATE, compact: true })).toBe(exportConfig(s, { date: DATE }));
});

test('fixed menu: set [ find default-name=... ] only for changed items', () => {
  const s = store(4);
  const eth = s.table('/interface ethernet')!;
  eth.items[1]!.values.set('name', 'wan');
  eth.items[3]!.values.set('mtu', '9000');
  eth.items[0]!.values.set('mtu', '1500'); // the default: nothing to say
  expect(body(exportConfig(s, { date: DATE }))).toBe(
    ['/interface ethernet', 'set [ find default-name=ether2 ] name=wan', 'set [ find default-name=ether4 ] mtu=9000', ''].join('\n'),
  );
});

test('built-in items of list menus and fixed menus without default-name: set <name> when changed', () => {
  const s = store();
  const sp = s.table('/ip firewall service-port')!;
  sp.items[1]!.values.set('disabled', 'yes');
  const qt = s.table('/queue type')!;
  qt.items[1]!.values.set('pfifo-limit', '100');
  qt.add(vals({ name: 'pcq-down', kind: 'pcq' }));
  expect(body(exportConfig(s, { date: DATE }))).toBe(
    ['/queue type', 'set ethernet-default pfifo-limit=100', 'add kind=pcq name=pcq-down', '/ip firewall service-port', 'set sip disabled=yes', ''].join('\n'),
  );
});

test('single menu: set with what differs from the defaults', () => {
  const s = store();
  const { item } = s.single('/ip settings')!;
  item.values.set('rp-filter', 'loose');
  item.values.set('ip-forward', 'yes');
  s.single('/system identity')!.item.values.set('name', 'R1 core');
  expect(body(exportConfig(s, { date: DATE }))).toBe(['/ip settings', 'set rp-filter=loose', '/system identity', 'set name="R1 core"', ''].join('\n'));
});

test('dynamic items are not exported', () => {
  const s = store();
  const a = s.table('/ip address')!;
  a.add(vals({ address: '10.0.0.1/24', interface: 'ether1', network: '10.0.0.0' }));
  a.add(vals({ address: '192.168.1.5/24', interface: 'ether2', network: '192.168.1.0' }), { dynamic: true });
  expect(body(exportConfig(s, { date: DATE }))).toBe(['/ip address', 'add address=10.0.0.1/24 interface=ether1 network=10.0.0.0', ''].join('\n'));
});

test('terse: the menu path on every line, no menu header lines, no wrapping', () => {
  const s = store();
  const long = 'x'.repeat(120);
  s.table('/ip address')!.add(vals({ address: '10.0.0.1/24', interface: 'ether1', network: '10.0.0.0', comment: long }));
  s.single('/system identity')!.item.values.set('name', 'R1');
  expect(body(exportConfig(s, { date: DATE, terse: true }))).toBe(
    [`/ip address add address=10.0.0.1/24 comment=${long} interface=ether1 network=10.0.0.0`, '/system identity set name=R1', ''].join('\n'),
  );
});

test('quoting as RouterOS: blanks, quotes, $, ?, empty text, non-ASCII as \\XX, text starting with !', () => {
  expect(exportValue(undefined, 'ether1')).toBe('ether1');
  expect(exportValue(undefined, 'a b')).toBe('"a b"');
  expect(exportValue(undefined, '')).toBe('""');
  expect(exportValue(undefined, 'say "hi" $x?')).toBe('"say \\"hi\\" \\$x\\?"');
  expect(exportValue(undefined, 'tráfico')).toBe('"tr\\C3\\A1fico"');
  expect(exportValue(FILTER.props.find((p) => p.name === 'src-address'), '!10.0.0.0/8')).toBe('!10.0.0.0/8');
  expect(exportValue(ADDRESS.props.find((p) => p.name === 'comment'), '!not negated')).toBe('"!not negated"');
  expect(exportValue(FILTER.props.find((p) => p.name === 'protocol'), '!a b')).toBe('!"a b"');
});

test('long lines wrap at 80 columns exactly as wrapExportLine does, and join back', () => {
  const s = store();
  const comment = 'Outbound to the upstream provider, primary link with a long description text';
  s.table('/ip firewall filter')!.add(vals({ chain: 'forward', action: 'drop', comment, 'src-address': '192.168.100.0/24', 'dst-port': '1000-2000,3000', protocol: 'udp' }));
  const out = body(exportConfig(s, { date: DATE }));
  const line = `add action=drop chain=forward comment="${comment}" dst-port=1000-2000,3000 protocol=udp src-address=192.168.100.0/24`;
  expect(out).toBe(`/ip firewall filter\n${wrapExportLine(line)}\n`);
  const lines = out.trimEnd().split('\n');
  expect(lines.length).toBeGreaterThan(2);
  for (const l of lines) expect(l.length).toBeLessThanOrEqual(80);
  for (const l of lines.slice(1, -1)) expect(l.endsWith('\\')).toBe(true);
  expect(lines.slice(1).map((l, k) => (k === 0 ? l : l.replace(/^ {4}/, ''))).join('').replace(/\\/g, '')).toBe(line);
});

test('unsupported lines: kept as written, after the modelled menus, under their menu header, in file order', () => {
  const s = store();
  s.table('/ip address')!.add(vals({ address: '10.0.0.1/24', interface: 'ether1', network: '10.0.0.0' }));
  const origin = { file: 'f.rsc', line: 1, col: 1 };
  s.unsupported.push({ menu: '/ip pool', text: 'add name=dhcp ranges=192.168.88.10-192.168.88.254', origin });
  s.unsupported.push({ menu: '/ip pool', text: '/ip pool add name=two ranges=10.0.0.10-10.0.0.20', origin });
  s.unsupported.push({ menu: '/ip dhcp-server', text: '/ip/dhcp-server/add address-pool=dhcp interface=bridge name=defconf', origin });
  s.unsupported.push({ menu: '/ip pool', text: 'add name=three ranges=10.0.1.10-10.0.1.20', origin });
  expect(body(exportConfig(s, { date: DATE }))).toBe(
    [
      '/ip address',
      'add address=10.0.0.1/24 interface=ether1 network=10.0.0.0',
      '/ip pool',
      'add name=dhcp ranges=192.168.88.10-192.168.88.254',
      'add name=two ranges=10.0.0.10-10.0.0.20',
      '/ip dhcp-server',
      'add address-pool=dhcp interface=bridge name=defconf',
      '/ip pool',
      'add name=three ranges=10.0.1.10-10.0.1.20',
      '',
    ].join('\n'),
  );
  expect(body(exportConfig(s, { date: DATE, terse: true }))).toContain('/ip dhcp-server add address-pool=dhcp interface=bridge name=defconf\n');
});

test('kept commands of other interface kinds follow the modelled interface menus; EXPORT_ORDER menus keep their place', () => {
  const s = store();
  s.table('/interface bridge')!.add(vals({ name: 'br1' }));
  s.table('/ip address')!.add(vals({ address: '10.9.0.1/24', interface: 'wg0' }));
  s.table('/ip firewall service-port')!.items[0]!.values.set('disabled', 'yes');
  const origin = { file: 'f.rsc', line: 1, col: 1 };
  s.unsupported.push({ menu: '/ip dhcp-client', text: '/ip dhcp-client add interface=ether1', origin });
  s.unsupported.push({ menu: '/interface wireguard', text: '/interface wireguard add listen-port=13231 name=wg0', origin });
  s.unsupported.push({ menu: '/ip route', text: '/ip route add gateway=10.0.0.1', origin });
  s.unsupported.push({ menu: '/system', text: '/system reboot', origin });
  s.unsupported.push({ menu: '/system', text: '/system frobnicate', origin });
  expect(body(exportConfig(s, { date: DATE }))).toBe(
    [
      '/interface bridge',
      'add name=br1',
      '/interface wireguard',
      'add listen-port=13231 name=wg0',
      '/ip address',
      'add address=10.9.0.1/24 interface=wg0',
      '/ip firewall service-port',
      'set ftp disabled=yes',
      '/ip route',
      'add gateway=10.0.0.1',
      '/ip dhcp-client',
      'add interface=ether1',
      '/system',
      'reboot',
      '/system frobnicate',
      '',
    ].join('\n'),
  );
});

test('an item that started with default-<prop> is compared with it (default-queue, default-name)', () => {
  const qi = menu({
    path: '/queue interface',
    kind: 'fixed',
    key: 'interface',
    fixedKey: 'interface',
    noCommon: true,
    props: [
      { name: 'interface', type: str(), readOnly: true },
      { name: 'queue', type: str() },
      { name: 'default-queue', type: str(), readOnly: true },
    ],
    fixedItems: () => [{ interface: 'ether1', queue: 'ethernet-default', 'default-queue': 'ethernet-default' }],
  });
  const s = new ConfigStore([qi]);
  const t = s.table('/queue interface')!;
  // Made by the router for a new bridge: not in fixedItems, started with no-queue.
  t.add(vals({ interface: 'br1', queue: 'no-queue', 'default-queue': 'no-queue' }));
  t.add(vals({ interface: 'br2', queue: 'pcq-download-default', 'default-queue': 'no-queue' }));
  t.items[0]!.values.set('queue', 'no-queue');
  expect(body(exportConfig(s, { date: DATE }))).toBe('/queue interface\nset ether1 queue=no-queue\nset br2 queue=pcq-download-default\n');
});

test('path: only menus at or below it (console export in a menu)', () => {
  const s = store();
  s.table('/ip address')!.add(vals({ address: '10.0.0.1/24', interface: 'ether1' }));
  s.table('/ip firewall filter')!.add(vals({ chain: 'input' }));
  s.single('/system identity')!.item.values.set('name', 'R1');
  expect(normalizeMenuPath('ip/firewall/')).toBe('/ip firewall');
  expect(body(exportConfig(s, { date: DATE, path: '/ip/firewall' }))).toBe('/ip firewall filter\nadd action=accept chain=input\n');
  expect(body(exportConfig(s, { date: DATE, path: '/ip' }))).toBe('/ip address\nadd address=10.0.0.1/24 interface=ether1\n/ip firewall filter\nadd action=accept chain=input\n');
  expect(body(exportConfig(s, { date: DATE, path: '/ip fire' }))).toBe('');
});

test('sensitive properties are hidden unless show-sensitive', () => {
  const users = menu({ path: '/user', key: 'name', props: [{ name: 'name', type: str() }, { name: 'password', type: str() }] });
  const s = new ConfigStore([users]);
  s.table('/user')!.add(vals({ name: 'ops', password: 's3cret' }));
  expect(body(exportConfig(s, { date: DATE }))).toBe('/user\nadd name=ops\n');
  expect(body(exportConfig(s, { date: DATE, showSensitive: true }))).toBe('/user\nadd name=ops password=s3cret\n');
});
