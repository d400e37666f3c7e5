import { RouterInstance } from '../../../control/instance/router';
import { testRegistry } from '../store/fixture';

const values = (r: RouterInstance, path: string) => r.store.table(path)!.items.map((i) => Object.fromEntries(i.values));

test('two routers in one process do not see each other', () => {
  const a = new RouterInstance({ name: 'a', ethernetPorts: 2 });
  const b = new RouterInstance({ name: 'b' });
  expect(a.load('/interface bridge add name=br-a\n/ip firewall filter add chain=input action=drop\n/system identity set name=A\n', 'a.rsc').ok).toBe(true);
  expect(b.load('/interface bridge add name=br-b\n/system identity set name=B\n', 'b.rsc').ok).toBe(true);
  expect(values(a, '/interface bridge').map((x) => x.name)).toEqual(['br-a']);
  expect(values(b, '/interface bridge').map((x) => x.name)).toEqual(['br-b']);
  expect(values(a, '/ip firewall filter')).toHaveLength(1);
  expect(values(b, '/ip firewall filter')).toHaveLength(0);
  expect(values(a, '/system identity')).toEqual([{ name: 'A' }]);
  expect(values(b, '/system identity')).toEqual([{ name: 'B' }]);
  expect(values(a, '/interface ethernet').map((x) => x.name)).toEqual(['ether1', 'ether2']);
  expect(values(b, '/interface ethernet')).toHaveLength(8);
  // Console globals are per router too.
  a.runConsoleLine(':global g "a"', []);
  expect(a.globals.has('g')).toBe(true);
  expect(b.globals.has('g')).toBe(false);
  // Items ids are per router: each starts after its own ethernet ports.
  expect(a.store.table('/interface bridge')!.items[0]!.id).toBe(3);
  expect(b.store.table('/interface bridge')!.items[0]!.id).toBe(9);
});

test('a console line runs in the current menu and applies atomically', () => {
  const r = new RouterInstance({ registry: testRegistry(), ethernetPorts: 2 });
  const fw = ['ip', 'firewall', 'filter'];
  let out = r.runConsoleLine('add chain=input action=drop', fw);
  expect(out).toMatchObject({ ok: true, errors: [], menu: fw });
  out = r.runConsoleLine('add chain=forward; add chain=x action=nope', fw);
  expect(out.ok).toBe(false);
  expect(out.errors.map((e) => `${e.file}:${e.line}:${e.col}: ${e.message}`)).toEqual([
    "<console>:1:39: action: expected one of accept, drop, jump, return, add-src-to-address-list, found 'nope'",
  ]);
  expect(values(r, '/ip firewall filter')).toEqual([{ chain: 'input', action: 'drop' }]);
  // Menu navigation and relative paths.
  expect(r.runConsoleLine('..', fw).menu).toEqual(['ip', 'firewall']);
  expect(r.runConsoleLine('/interface bridge', fw).menu).toEqual(['interface', 'bridge']);
  expect(r.runConsoleLine('nat', ['ip', 'firewall']).errors.map((e) => e.message)).toEqual([]);
  out = r.runConsoleLine(':put [:len [find]]', fw);
  expect(out.output).toEqual(['1']);
  // Syntax errors point into the line.
  out = r.runConsoleLine('add chain="x', fw);
  expect(out.ok).toBe(false);
  expect(out.errors[0]!.line).toBe(1);
});

test('runLine is the console backend: errors as RouterOS-style text', () => {
  const r = new RouterInstance({ registry: testRegistry() });
  expect(r.runLine('/interface bridge add name=b1', [])).toEqual({ ok: true });
  expect(r.runLine(':put "hi"', [])).toEqual({ ok: true, output: 'hi' });
  expect(r.runLine('set b1 mtu=x', ['interface', 'bridge'])).toEqual({ ok: false, error: "mtu: expected an integer 0..65535, found 'x' (line 1 column 12)" });
});

describe('derived properties (the real registry)', () => {
  test('/ip address network= is computed on add, kept when given, recomputed when address changes', () => {
    const r = new RouterInstance();
    const res = r.load(
      '/ip address\nadd address=10.1.2.3/22 interface=ether1\nadd address=192.168.1.1/24 network=192.168.1.0 interface=ether2\nadd address=10.9.9.9 interface=ether3\n',
      'a.rsc',
    );
    expect(res.errors).toEqual([]);
    const nets = () => r.store.table('/ip address')!.items.map((i) => [i.values.get('address'), i.values.get('network')]);
    expect(nets()).toEqual([
      ['10.1.2.3/22', '10.1.0.0'],
      ['192.168.1.1/24', '192.168.1.0'],
      ['10.9.9.9', '10.9.9.9'],
    ]);
    expect(r.runConsoleLine('set 0 address=172.16.5.9/16', ['ip', 'address']).ok).toBe(true);
    expect(nets()[0]).toEqual(['172.16.5.9/16', '172.16.0.0']);
    // A set that gives network= itself keeps what it says (RouterOS accepts a network that disagrees).
    expect(r.runConsoleLine('set 0 address=172.16.5.9/24 network=172.16.0.0', ['ip', 'address']).ok).toBe(true);
    expect(nets()[0]).toEqual(['172.16.5.9/24', '172.16.0.0']);
  });
});
