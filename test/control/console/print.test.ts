/** `print` formatting on hand-made schemas. */
import { groupDigits, printTable } from '../../../control/console/print';
import { store, vals } from '../export/specs';

function addresses() {
  const s = store();
  const t = s.table('/ip address')!;
  t.add(vals({ address: '192.168.88.1/24', network: '192.168.88.0', interface: 'bridge', comment: 'defconf' }));
  t.add(vals({ address: '10.0.0.1/30', network: '10.0.0.0', interface: 'ether2', disabled: 'yes' }));
  t.add(vals({ address: '100.64.3.7/24', network: '100.64.3.0', interface: 'ether1' }), { dynamic: true });
  return t;
}

test('table form: present flags, v7 Columns line, numbers, ;;; comments above their item', () => {
  expect(printTable(addresses())).toBe(
    [
      'Flags: X - DISABLED; D - DYNAMIC',
      'Columns: ADDRESS, NETWORK, INTERFACE',
      '#   ADDRESS          NETWORK       INTERFACE',
      ';;; defconf',
      '0   192.168.88.1/24  192.168.88.0  bridge',
      '1 X 10.0.0.1/30      10.0.0.0      ether2',
      '2 D 100.64.3.7/24    100.64.3.0    ether1',
      '',
    ].join('\n'),
  );
});

test('no flags line when no item has a flag; integer columns right-aligned', () => {
  const s = store(10);
  const out = printTable(s.table('/interface ethernet')!);
  expect(out.split('\n').slice(0, 4)).toEqual(['Columns: NAME, MTU', '#  NAME      MTU', '0  ether1   1500', '1  ether2   1500']);
  expect(out).toContain('\n9  ether10  1500\n');
});

test('where keeps the item numbers; static/dynamic selection; count-only', () => {
  const t = addresses();
  const out = printTable(t, { where: (i) => t.value(i, 'interface') !== 'bridge' });
  expect(out).toContain('\n1 X 10.0.0.1/30');
  expect(out).toContain('\n2 D 100.64.3.7/24');
  expect(out).not.toContain('192.168.88.1');
  expect(printTable(t, { countOnly: true })).toBe('3\n');
  expect(printTable(t, { countOnly: true, show: 'static' })).toBe('2\n');
  expect(printTable(t, { countOnly: true, where: (i) => t.disabled(i) })).toBe('1\n');
  expect(printTable(t, { show: 'dynamic' })).toContain('Flags: D - DYNAMIC\n');
});

test('detail: every property with a value, text quoted, comment line, blank line between items, wrapped', () => {
  const t = addresses();
  const out = printTable(t, { detail: true });
  expect(out).toBe(
    [
      'Flags: X - disabled; D - dynamic',
      ' 0    ;;; defconf',
      '      address=192.168.88.1/24 network=192.168.88.0 interface=bridge',
      '',
      ' 1 X  address=10.0.0.1/30 network=10.0.0.0 interface=ether2',
      '',
      ' 2  D address=100.64.3.7/24 network=100.64.3.0 interface=ether1',
      '',
    ].join('\n'),
  );
  const narrow = printTable(t, { detail: true, width: 40 });
  expect(narrow).toContain(' 1 X  address=10.0.0.1/30\n      network=10.0.0.0 interface=ether2\n');
  for (const l of narrow.split('\n')) expect(l.length).toBeLessThanOrEqual(40);
});

test('menus without columns (firewall rules) print in property form: given properties, I flag in the legend', () => {
  const s = store();
  const f = s.table('/ip firewall filter')!;
  f.add(vals({ chain: 'input', action: 'accept', protocol: 'icmp', comment: 'defconf: accept ICMP' }));
  f.add(vals({ chain: 'forward', action: 'drop', 'src-address': '!10.0.0.0/8', disabled: 'yes' }));
  expect(printTable(f)).toBe(
    [
      'Flags: X - disabled, I - invalid; D - dynamic',
      ' 0    ;;; defconf: accept ICMP',
      '      chain=input action=accept protocol=icmp',
      ' 1 X  chain=forward action=drop src-address=!10.0.0.0/8',
      '',
    ].join('\n'),
  );
  // detail adds the defaults (log=no log-prefix="")
  expect(printTable(f, { detail: true })).toContain('      chain=input action=accept protocol=icmp log=no log-prefix=""\n');
});

test('terse: one line per item with every property, comment included', () => {
  const out = printTable(addresses(), { terse: true });
  expect(out.split('\n')[1]).toBe(' 0    comment="defconf" address=192.168.88.1/24 network=192.168.88.0 interface=bridge');
  expect(out.split('\n')[2]).toBe(' 1 X  address=10.0.0.1/30 network=10.0.0.0 interface=ether2');
});

test('proplist chooses the columns; value-list prints one line per property', () => {
  const t = addresses();
  expect(printTable(t, { proplist: ['interface', 'address'], show: 'static' }).split('\n').slice(1, 3)).toEqual(['Columns: INTERFACE, ADDRESS', '#   INTERFACE  ADDRESS']);
  expect(printTable(t, { valueList: true, proplist: ['interface'] })).toBe('  interface: bridge ether2 ether1\n');
});

test('stats: counters from a CounterSource, zeros when absent, digits grouped', () => {
  const s = store();
  const f = s.table('/ip firewall filter')!;
  const a = f.add(vals({ chain: 'input', action: 'accept' }));
  f.add(vals({ chain: 'forward', action: 'drop' }));
  const counters = { counters: (menu: string, id: number) => (menu === '/ip firewall filter' && id === a.id ? { bytes: 1234567, packets: 1042 } : undefined) };
  expect(groupDigits(50507925242)).toBe('50 507 925 242');
  // The hand-made filter has no columns: stats fall back to CHAIN, ACTION from proplist.
  const out = printTable(f, { stats: true, counters, proplist: ['chain', 'action'] });
  expect(out).toBe(
    ['Columns: CHAIN, ACTION, BYTES, PACKETS', '#  CHAIN    ACTION      BYTES  PACKETS', '0  input    accept  1 234 567    1 042', '1  forward  drop            0        0', ''].join('\n'),
  );
});

test('single menus: name: value pairs, names right-aligned', () => {
  const s = store();
  s.single('/ip settings')!.item.values.set('rp-filter', 'loose');
  expect(printTable(s.table('/ip settings')!)).toBe(['      ip-forward: yes', '       rp-filter: loose', '  tcp-syncookies: no', ''].join('\n'));
  expect(printTable(s.table('/system identity')!)).toBe('  name: MikroTik\n');
});

test('rules: plain print leaves out dynamic rules as RouterOS does; all shows them with D; brief gives a table', () => {
  const s = store();
  const f = s.table('/ip firewall filter')!;
  f.add(vals({ chain: 'forward', action: 'accept', comment: 'special dummy rule to show fasttrack counters' }), { dynamic: true });
  f.add(vals({ chain: 'input', action: 'drop' }));
  expect(printTable(f)).toBe(['Flags: X - disabled, I - invalid; D - dynamic', ' 1    chain=input action=drop', ''].join('\n'));
  expect(printTable(f, { show: 'all' })).toContain(' 0  D ;;; special dummy rule to show fasttrack counters\n      chain=forward action=accept\n');
  expect(printTable(f, { brief: true, proplist: ['chain', 'action'], show: 'all' })).toBe(
    ['Flags: D - DYNAMIC', 'Columns: CHAIN, ACTION', '#   CHAIN    ACTION', ';;; special dummy rule to show fasttrack counters', '0 D forward  accept', '1   input    drop', ''].join('\n'),
  );
});

test('stats: a source with its own columns (live interface counters) prints NAME and them, per item', () => {
  const s = store();
  const eth = s.table('/interface ethernet')!;
  const ids = eth.items.map((i) => i.id);
  const counters = {
    counters: () => undefined,
    statColumns: (menu: string) => (menu === '/interface ethernet' ? ['rx-byte', 'tx-byte'] : undefined),
    statValues: (_menu: string, id: number) => (id === ids[0] ? [1500000, 42] : undefined),
  };
  const out = printTable(eth, { stats: true, counters });
  const lines = out.split('\n');
  expect(lines[0]).toBe('Columns: NAME, RX-BYTE, TX-BYTE');
  expect(lines[1]).toMatch(/^#\s+NAME\s+RX-BYTE\s+TX-BYTE$/);
  expect(lines[2]).toMatch(/^0\s+ether1\s+1 500 000\s+42$/);
  expect(lines[3]).toMatch(/^1\s+ether2\s+0\s+0$/);
  // Without own columns for the menu: the usual bytes and packets.
  expect(printTable(s.table('/ip firewall filter')!, { stats: true, counters })).toContain('BYTES');
});
