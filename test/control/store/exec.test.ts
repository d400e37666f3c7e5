import { errs, freshStore, load, rows } from './fixture';
import { idText } from '../../../control/store/store';

describe('add', () => {
  test('values are stored canonical; defaults are not stored', () => {
    const { store, r } = load('/ip firewall address-list\nadd list=a address=10.0.0.5/24 timeout=00:01:00\n');
    expect(errs(r)).toEqual([]);
    expect(rows(store, '/ip firewall address-list')).toEqual([{ list: 'a', address: '10.0.0.0/24', timeout: '1m' }]);
  });

  test('a bad value is reported at the value, with what was expected', () => {
    const { store, r } = load('/ip firewall filter\nadd chain=input action=dorp dst-port=http\n');
    expect(errs(r)).toEqual([
      "2:24: action: expected one of accept, drop, jump, return, add-src-to-address-list, found 'dorp'",
      "2:38: dst-port: expected a port, a port range or a comma-separated list of them (80,443,8000-8080), found 'http'",
    ]);
    expect(store.table('/ip firewall filter')!.items).toHaveLength(0);
  });

  test('required properties', () => {
    const { r } = load('/ip firewall address-list add address=1.2.3.4\n');
    expect(errs(r)).toEqual(['1:1: /ip firewall address-list add: missing list= (required)']);
  });

  test('unique combinations and key names are checked through indexes', () => {
    const { r } = load('/ip firewall address-list\nadd list=a address=1.2.3.4\nadd list=b address=1.2.3.4\nadd list=a address=1.2.3.4/32\n');
    expect(errs(r)).toEqual(['4:12: /ip firewall address-list already has an entry with list=a address=1.2.3.4 (added at t.rsc:2)']);
    const b = load('/interface bridge add name=br\n/interface vlan add name=br vlan-id=5 interface=ether1\n');
    expect(errs(b.r)).toEqual([
      "2:21: name=br: /interface vlan already has an item named 'br' (in /interface bridge; interface names are unique across /interface) (added at t.rsc:1)",
    ]);
  });

  test('positional words naming boolean properties mean prop=yes (add fib name=x)', () => {
    const { store, r } = load('/routing table add fib name=x\n/ip route add blackhole dst-address=10.0.0.0/8\n');
    expect(errs(r)).toEqual([]);
    expect(rows(store, '/routing table')).toEqual([{ fib: 'yes', name: 'x' }]);
    expect(rows(store, '/ip route')).toEqual([{ blackhole: 'yes', 'dst-address': '10.0.0.0/8' }]);
    const bad = load('/routing table add fibb name=x\n');
    expect(errs(bad.r)).toEqual(["1:20: unexpected argument 'fibb' to add in /routing table (properties are written name=value)"]);
  });

  test('place-before puts the new rule before an item (number, id, or [find]->0)', () => {
    const { store, r } = load(
      [
        '/ip firewall filter',
        'add chain=a',
        'add chain=b',
        'add chain=c place-before=0',
        'add chain=d place-before=([find where chain=b]->0)',
        'add chain=e place-before=*1',
        'add chain=f place-before=""',
      ].join('\n'),
    );
    expect(errs(r)).toEqual([]);
    expect(rows(store, '/ip firewall filter').map((x) => x.chain)).toEqual(['c', 'e', 'a', 'd', 'b', 'f']);
  });

  test('copy-from copies the values of an item', () => {
    const { store, r } = load('/ip firewall filter\nadd chain=input action=drop protocol=tcp\nadd copy-from=0 protocol=udp\n');
    expect(errs(r)).toEqual([]);
    expect(rows(store, '/ip firewall filter')[1]).toEqual({ chain: 'input', action: 'drop', protocol: 'udp' });
  });

  test('unnamed interfaces are named like RouterOS (bridge1, bridge2) and get an interface queue', () => {
    const { store, r } = load('/interface bridge add\n/interface bridge add\n');
    expect(errs(r)).toEqual([]);
    expect(rows(store, '/interface bridge').map((x) => x.name)).toEqual(['bridge1', 'bridge2']);
    expect(rows(store, '/queue interface').map((x) => x.interface)).toEqual(['ether1', 'ether2', 'ether3', 'ether4', 'bridge1', 'bridge2']);
  });

  test('add returns the new id; ids are shared across the interface kinds', () => {
    const { store, r } = load(':global id [/interface bridge add name=br]\n/interface vlan add name=v vlan-id=2 interface=br\n');
    expect(errs(r)).toEqual([]);
    const br = store.table('/interface bridge')!.items[0]!;
    const v = store.table('/interface vlan')!.items[0]!;
    expect(idText(br.id)).toBe('*5'); // after ether1..ether4
    expect(v.id).toBe(6);
  });
});

describe('property names', () => {
  test('a unique prefix is the property (RouterOS abbreviations)', () => {
    const { store, r } = load('/ip firewall filter add ch=input act=drop dst-address=10.0.0.1 dst-p=22\n');
    expect(errs(r)).toEqual([]);
    expect(rows(store, '/ip firewall filter')).toEqual([{ chain: 'input', action: 'drop', 'dst-address': '10.0.0.1', 'dst-port': '22' }]);
    // dst-address is exact, so not ambiguous with dst-address-list; dst-addr is.
    expect(errs(load('/ip firewall filter add chain=input dst-addr=1.1.1.1\n').r)).toEqual([
      "1:37: ambiguous property 'dst-addr' in /ip firewall filter: could be dst-address, dst-address-list",
    ]);
  });

  test('an ambiguous prefix names the candidates; an unknown name the likely one', () => {
    const { r } = load('/ip firewall filter add chain=input dst=1.2.3.4 actoin=drop\n');
    expect(errs(r)).toEqual([
      "1:37: ambiguous property 'dst' in /ip firewall filter: could be dst-address, dst-address-list, dst-port",
      "1:49: unknown property 'actoin' in /ip firewall filter (did you mean action?)",
    ]);
  });

  test('read-only properties cannot be set', () => {
    const { r } = load('/interface ethernet set ether1 default-name=x\n');
    expect(errs(r)).toEqual(['1:32: default-name is read-only in /interface ethernet']);
  });
});

describe('menus and verbs', () => {
  test('unsupported menus are kept and warned; strict makes them errors', () => {
    const text = '/ip dhcp-server\nadd name=d1 interface=ether2\n/routing ospf instance set 0 router-id=1.1.1.1\n';
    const { store, r } = load(text);
    expect(r.ok).toBe(true);
    expect(r.warnings.map((w) => `${w.line}:${w.col}: ${w.message}`)).toEqual([
      '2:1: menu /ip dhcp-server is not modelled by flowplane: kept, not applied',
      '3:1: menu /routing ospf instance is not modelled by flowplane: kept, not applied',
    ]);
    expect(store.unsupported.map((u) => [u.menu, u.text, u.origin.line])).toEqual([
      ['/ip dhcp-server', '/ip dhcp-server add name=d1 interface=ether2', 2],
      ['/routing ospf instance', '/routing ospf instance set 0 router-id=1.1.1.1', 3],
    ]);
    expect(r.stats).toEqual({ file: 't.rsc', commands: 2, accepted: 0, warned: 2, errored: 0 });
    const s = load(text, { strict: true });
    expect(errs(s.r)).toEqual(['2:1: menu /ip dhcp-server is not modelled by flowplane (--strict)', '3:1: menu /routing ospf instance is not modelled by flowplane (--strict)']);
  });

  test('an unknown menu is an error naming the closest one', () => {
    const { r } = load('/ip dhcp-serverr add name=x\n/interface bridgee add name=x\n');
    expect(errs(r)).toEqual(['1:1: no such menu /ip dhcp-serverr (did you mean /ip dhcp-server?)', '2:1: no such menu /interface bridgee (did you mean /interface bridge?)']);
  });

  test('menu names may be abbreviated', () => {
    const { store, r } = load('/ip fire filter add chain=x\n/int bri add name=b\n');
    expect(errs(r)).toEqual([]);
    expect(rows(store, '/ip firewall filter')).toHaveLength(1);
    expect(rows(store, '/interface bridge')).toHaveLength(1);
  });

  test('unknown verbs list the valid ones; menu verbs are accepted', () => {
    const { r } = load('/ip firewall filter frobnicate\n/ip firewall filter reset-counters\n');
    expect(errs(r)).toEqual([
      "1:1: no command 'frobnicate' in /ip firewall filter; commands: add, set, remove, enable, disable, comment, move, print, export, find, get, edit, unset, reset, reset-counters",
    ]);
    const s = load('/system identity add name=x\n');
    expect(errs(s.r)[0]).toMatch(/^1:1: no command 'add' in \/system identity/);
  });
});

describe('selectors', () => {
  const base = [
    '/interface bridge add name=br1',
    '/ip firewall filter',
    'add chain=input action=accept comment=one',
    'add chain=forward action=drop comment=two',
    'add chain=input action=drop comment=three disabled=yes',
  ].join('\n');

  test('set [ find default-name=ether1 ] on the fixed ethernet menu and through /interface', () => {
    const { store, r } = load('/interface ethernet set [ find default-name=ether1 ] name=wan\n/interface set [ find default-name=ether2 ] mtu=1400\n');
    expect(errs(r)).toEqual([]);
    expect(rows(store, '/interface ethernet').slice(0, 2)).toEqual([
      { name: 'wan', 'default-name': 'ether1' },
      { name: 'ether2', 'default-name': 'ether2', mtu: '1400' },
    ]);
  });

  test('/interface find knows the properties of every interface kind, and type', () => {
    const { store, r } = load(
      [
        '/interface bridge add name=br',
        '/interface vlan add name=v10 vlan-id=10 interface=br',
        '/interface set [find vlan-id=10] comment=ten',
        '/interface set [find type=bridge] comment=bridge',
        '/interface disable [find where type=ether && name!=ether1]',
      ].join('\n'),
    );
    expect(errs(r)).toEqual([]);
    expect(rows(store, '/interface vlan')[0]!.comment).toBe('ten');
    expect(rows(store, '/interface bridge')[0]!.comment).toBe('bridge');
    expect(rows(store, '/interface ethernet').map((x) => x.disabled ?? 'no')).toEqual(['no', 'yes', 'yes', 'yes']);
  });

  test('renaming an interface carries its references along', () => {
    const { store, r } = load('/interface vlan add name=v10 vlan-id=10 interface=ether2\n/interface ethernet set ether2 name=lan\n');
    expect(errs(r)).toEqual([]);
    expect(rows(store, '/interface vlan')[0]!.interface).toBe('lan');
    expect(rows(store, '/queue interface')[1]!.interface).toBe('lan');
  });

  test('where expressions, prop filters, numbers, ids and names', () => {
    const { store, r } = load(
      base +
        '\n' +
        [
          'set [find where chain=input && !disabled] log=yes',
          'set [find comment=two] log-prefix=T',
          'set 2 log-prefix=N',
          'set *2 protocol=tcp',
          'set [find dynamic=no action=drop] dst-port=22',
          'set [find where comment~"^t"] src-address=1.1.1.1',
        ].join('\n'),
    );
    expect(errs(r)).toEqual([]);
    expect(rows(store, '/ip firewall filter')).toEqual([
      { chain: 'input', action: 'accept', comment: 'one', log: 'yes' },
      { chain: 'forward', action: 'drop', comment: 'two', 'log-prefix': 'T', protocol: 'tcp', 'dst-port': '22', 'src-address': '1.1.1.1' },
      { chain: 'input', action: 'drop', comment: 'three', disabled: 'yes', 'log-prefix': 'N', 'dst-port': '22', 'src-address': '1.1.1.1' },
    ]);
  });

  test('filters compare canonical values (00:01:00 finds 1m, false finds no)', () => {
    const { store, r } = load('/interface bridge add name=a ageing-time=1m\n/interface bridge set [find ageing-time=00:01:00 vlan-filtering=false] mtu=1000\n');
    expect(errs(r)).toEqual([]);
    expect(rows(store, '/interface bridge')[0]!.mtu).toBe('1000');
  });

  test('selectors that name nothing are errors; [find] that matches nothing is not', () => {
    const { r } = load(base + '\nset 7 log=yes\nset *99 log=yes\nset [find comment=none] log=yes\n/interface bridge set nosuch mtu=1\n');
    expect(errs(r)).toEqual([
      '6:5: no item number 7 in /ip firewall filter (numbers are 0..2)',
      '7:5: no item with id *99 in /ip firewall filter',
      "9:23: no such item 'nosuch' in /interface bridge",
    ]);
  });

  test('find returns ids to scripts: :foreach, ->0, :len', () => {
    const { store, r } = load(
      base +
        '\n' +
        [
          ':foreach i in=[find where chain=input] do={ set $i comment=("in-" . [get $i comment]) }',
          ':global n [:len [find]]',
          'set ([find]->0) log-prefix=first',
          '/system identity set name=("r" . $n)',
        ].join('\n'),
    );
    expect(errs(r)).toEqual([]);
    expect(rows(store, '/ip firewall filter').map((x) => x.comment)).toEqual(['in-one', 'two', 'in-three']);
    expect(rows(store, '/ip firewall filter')[0]!['log-prefix']).toBe('first');
    expect(rows(store, '/system identity')).toEqual([{ name: 'r3' }]);
  });

  test('get returns typed values (bool, int, text)', () => {
    const { store, r } = load(
      [
        '/interface bridge add name=b mtu=1400',
        ':if ([/interface bridge get b vlan-filtering] = false) do={ /interface bridge set b comment=vf-off }',
        ':if ([/interface bridge get b mtu] > 1000) do={ /interface bridge set b ageing-time=1m }',
        '/system identity set name=[/interface get [find name=b] name]',
      ].join('\n'),
    );
    expect(errs(r)).toEqual([]);
    expect(rows(store, '/interface bridge')[0]).toEqual({ name: 'b', mtu: '1400', comment: 'vf-off', 'ageing-time': '1m' });
    expect(rows(store, '/system identity')[0]).toEqual({ name: 'b' });
  });
});

describe('set, unset, remove, enable, disable, comment, move', () => {
  const rules = '/ip firewall filter\nadd chain=a\nadd chain=b\nadd chain=c\nadd chain=d\n';

  test('!prop unsets; unsetting a required property is an error', () => {
    const { store, r } = load('/ip firewall filter\nadd chain=a log=yes protocol=tcp\nset 0 !log !protocol\n');
    expect(errs(r)).toEqual([]);
    expect(rows(store, '/ip firewall filter')).toEqual([{ chain: 'a' }]);
    const bad = load('/ip firewall filter\nadd chain=a\nset 0 !chain\n');
    expect(errs(bad.r)).toEqual(['3:7: chain is required in /ip firewall filter and cannot be unset']);
  });

  test('unset value-name=', () => {
    const { store, r } = load('/ip firewall filter\nadd chain=a log=yes comment=x\nunset 0 value-name=log,comment\n');
    expect(errs(r)).toEqual([]);
    expect(rows(store, '/ip firewall filter')).toEqual([{ chain: 'a' }]);
  });

  test('remove by find and by numbers; fixed items cannot be removed', () => {
    const { store, r } = load(rules + 'remove [find where chain~"^[bc]\\$"]\nremove 0\n');
    expect(errs(r)).toEqual([]);
    expect(rows(store, '/ip firewall filter')).toEqual([{ chain: 'd' }]);
    const bad = load('/interface remove ether1\n/interface ethernet remove ether2\n');
    expect(errs(bad.r)).toEqual([
      '1:19: /interface ethernet items cannot be removed (they belong to the router)',
      "2:1: no command 'remove' in /interface ethernet; commands: set, enable, disable, comment, print, export, find, get, edit, unset, reset",
    ]);
  });

  test('removing an interface removes its interface queue', () => {
    const { store, r } = load('/interface bridge add name=b\n/interface remove b\n');
    expect(errs(r)).toEqual([]);
    expect(rows(store, '/interface bridge')).toEqual([]);
    expect(rows(store, '/queue interface').map((x) => x.interface)).toEqual(['ether1', 'ether2', 'ether3', 'ether4']);
  });

  test('enable, disable, comment', () => {
    const { store, r } = load(rules + 'disable 0,1\nenable 1\ncomment 2 comment="hello"\n');
    expect(errs(r)).toEqual([]);
    expect(rows(store, '/ip firewall filter')).toEqual([{ chain: 'a', disabled: 'yes' }, { chain: 'b', disabled: 'no' }, { chain: 'c', comment: 'hello' }, { chain: 'd' }]);
  });

  test('move N M puts N before M; move [find] destination=; move without destination goes to the end', () => {
    const a = load(rules + 'move 3 0\n');
    expect(rows(a.store, '/ip firewall filter').map((x) => x.chain)).toEqual(['d', 'a', 'b', 'c']);
    const b = load(rules + 'move [find chain=a] destination=3\n');
    expect(rows(b.store, '/ip firewall filter').map((x) => x.chain)).toEqual(['b', 'c', 'a', 'd']);
    const c = load(rules + 'move 0\n');
    expect(rows(c.store, '/ip firewall filter').map((x) => x.chain)).toEqual(['b', 'c', 'd', 'a']);
    const d = load(rules + 'move 0 9\n');
    expect(errs(d.r)).toEqual(['6:8: destination: no item number 9 in /ip firewall filter (numbers are 0..3)']);
  });

  test('single menus: set without an item', () => {
    const { store, r } = load('/ip settings set rp-filter=loose arp-timeout=00:00:45\n/system identity set name=gw\n');
    expect(errs(r)).toEqual([]);
    expect(rows(store, '/ip settings')).toEqual([{ 'rp-filter': 'loose', 'arp-timeout': '45s' }]);
    expect(rows(store, '/system identity')).toEqual([{ name: 'gw' }]);
  });

  test('renaming onto an existing name is refused', () => {
    const { r } = load('/interface bridge add name=a\n/interface bridge add name=b\n/interface bridge set b name=a\n/interface ethernet set ether1 name=ether2\n');
    expect(errs(r)).toEqual([
      "3:25: name=a: /interface bridge already has an item named 'a' (added at t.rsc:1)",
      "4:32: name=ether2: /interface ethernet already has an item named 'ether2'",
    ]);
  });
});

describe('atomic loads', () => {
  test('a file with one bad line applies nothing', () => {
    const store = freshStore();
    const good = load('/ip firewall filter add chain=input\n', { store });
    expect(good.r.ok).toBe(true);
    const before = JSON.stringify(rows(store, '/ip firewall filter'));
    const { r } = load('/ip firewall filter add chain=forward\n/interface bridge add name=x\n/ip firewall filter add chain=x action=nope\n', { store });
    expect(r.ok).toBe(false);
    expect(r.stats).toEqual({ file: 't.rsc', commands: 3, accepted: 2, warned: 0, errored: 1 });
    expect(JSON.stringify(rows(store, '/ip firewall filter'))).toBe(before);
    expect(rows(store, '/interface bridge')).toEqual([]);
  });

  test('errors caught by :do on-error do not fail the load', () => {
    const { store, r } = load(':do { /interface bridge set nosuch mtu=1 } on-error={ /system identity set name=caught }\n');
    expect(errs(r)).toEqual([]);
    expect(rows(store, '/system identity')).toEqual([{ name: 'caught' }]);
  });

  test('syntax errors are reported and nothing applies', () => {
    const { store, r } = load('/interface bridge add name=a\n/ip firewall filter add chain=x comment="open\n');
    expect(r.ok).toBe(false);
    expect(r.errors[0]!.line).toBe(2);
    expect(rows(store, '/interface bridge')).toEqual([]);
  });
});
