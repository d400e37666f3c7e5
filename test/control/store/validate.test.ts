import { errs, load } from './fixture';

test('references must name existing items; forward references work', () => {
  const { r } = load(
    [
      '/interface bridge port add bridge=br interface=ether2',
      '/interface bridge add name=br',
      '/ip address add address=10.0.0.1/24 interface=ether9',
      '/ip firewall filter add chain=input in-interface-list=!LAN in-interface=all',
      '/ip firewall filter add chain=input out-interface=brr',
    ].join('\n'),
  );
  expect(errs(r)).toEqual([
    "3:37: interface=ether9: no interface named 'ether9' (did you mean ether1?)",
    "4:37: in-interface-list=LAN: no item of /interface list named 'LAN'",
    "5:37: out-interface=brr: no interface named 'brr' (did you mean br?)",
  ]);
});

test('interfaces made in unsupported menus can be referenced', () => {
  const { r } = load('/interface wireguard add name=wg0 listen-port=13231\n/ip address add address=10.9.0.1/24 interface=wg0\n');
  expect(errs(r)).toEqual([]);
  expect(r.warnings.map((w) => w.line)).toEqual([1]);
});

test('jump-target must name a chain some rule uses (disabled jumps are not checked)', () => {
  const { r } = load(
    [
      '/ip firewall filter',
      'add chain=input action=jump jump-target=tcp-in',
      'add chain=tcp-in action=accept',
      'add chain=input action=jump jump-target=udp-in',
      'add chain=input action=jump jump-target=nowhere disabled=yes',
    ].join('\n'),
  );
  expect(errs(r)).toEqual(['4:29: jump-target=udp-in: no rule in /ip firewall filter has chain=udp-in (did you mean tcp-in?)']);
});

test("a route's routing-table must be in /routing table (or main)", () => {
  const { r } = load('/ip route add gateway=1.1.1.1 routing-table=vpn\n/ip route add gateway=1.1.1.1 routing-table=main\n/routing table add name=vpm fib\n');
  expect(errs(r)).toEqual(["1:31: routing-table=vpn: no item of /routing table named 'vpn' (did you mean vpm?)"]);
});

test('an address list differing only in case is a warning at the rule', () => {
  const { r } = load('/ip firewall filter add chain=forward dst-address-list=Bogons action=drop\n/ip firewall address-list add list=bogons address=0.0.0.0/8\n');
  expect(r.ok).toBe(true);
  expect(r.warnings.map((w) => `${w.line}:${w.col}: ${w.message}`)).toEqual([
    "1:39: dst-address-list=Bogons: no address list 'Bogons' exists, but 'bogons' does (list names are case-sensitive, so this rule matches nothing)",
  ]);
});

test('a menu change to a menu that does not exist is an error', () => {
  const { r } = load('/ip firewol\n/interface bridge\nfrobnicate\n');
  expect(errs(r)).toEqual([
    '1:1: no such menu /ip firewol (did you mean /ip firewall?)',
    "3:1: no command 'frobnicate' in /interface bridge; commands: add, set, remove, enable, disable, comment, move, print, export, find, get, edit, unset, reset",
  ]);
});
