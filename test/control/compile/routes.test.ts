/**
 * Route resolution (control/compile/routes.ts): configs loaded through a RouterInstance, compiled, and the
 * tables asserted exactly — the FIB as the dataplane reads it (flat arrays decoded through the next-hop
 * group arrays), the routes as `/ip route print` would list them, local tables and rules.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { RouterInstance } from '../../../control/instance/router';
import {
  type RouteState,
  type RouteTables,
  ECMP_MAX_HOPS,
  NH_KIND,
  compileRoutes,
  formatRouteTables,
  immediateGateways,
  routeFlags,
} from '../../../control/compile/routes';
import { formatIpv4, formatIpv4Prefix } from '../../../control/routeros/values';
import { CORPUS_RSC } from '../../corpus-path';

function router(text: string, ports = 4): RouterInstance {
  const r = new RouterInstance({ ethernetPorts: ports });
  const res = r.load(text, 'test.rsc');
  expect(res.errors.map((e) => `${e.line}:${e.col}: ${e.message}`)).toEqual([]);
  return r;
}

const compile = (text: string, state?: RouteState, ports = 4): RouteTables => compileRoutes(router(text, ports).store, state);

const KIND_NAME = Object.fromEntries(Object.entries(NH_KIND).map(([k, v]) => [v, k]));

/** A next-hop group read from the flat arrays: `forward 10.0.0.1%ether1,ether2 src=10.0.0.2`. */
function group(rt: RouteTables, id: number): string {
  const nh = rt.nextHops;
  const kind = KIND_NAME[nh.kind[id]!]!;
  const hops: string[] = [];
  for (let h = nh.hopStart[id]!; h < nh.hopStart[id]! + nh.hopCount[id]!; h++) {
    const name = rt.interfaces.names[nh.hopIfIndex[h]!]!;
    hops.push(nh.hopGateway[h] === 0 ? name : `${formatIpv4(nh.hopGateway[h]!)}%${name}`);
  }
  const parts = [kind];
  if (hops.length > 0) parts.push(hops.join(','));
  if (nh.lookupTable[id]! >= 0) parts.push(`table=${rt.tables[nh.lookupTable[id]!]!.name}`);
  if (nh.prefSrc[id] !== 0) parts.push(`src=${formatIpv4(nh.prefSrc[id]!)}`);
  return parts.join(' ');
}

/** The FIB of a table as the dataplane would build it: `prefix/len group`. */
function fib(rt: RouteTables, table: string): string[] {
  const t = rt.byName.get(table)!;
  return Array.from(t.prefixes, (p, k) => `${formatIpv4Prefix({ address: p, length: t.lengths[k]! })} ${group(rt, t.nextHops[k]!)}`);
}

/** The routes of a table: `flags dst gateway -> immediate-gw origin [-- reason]`. */
function routes(rt: RouteTables, table: string): string[] {
  return rt.byName.get(table)!.routes.map((r) => {
    const origin = r.origin.kind === 'connected' ? `addr${r.origin.address}` : r.origin.id;
    const gw = r.kind === 'forward' || r.kind === 'lookup' ? r.gateway : r.kind;
    return `${routeFlags(r).trim()} ${formatIpv4Prefix({ address: r.dst, length: r.length })} ${gw} -> ${immediateGateways(r, rt.interfaces)} ${origin}${r.reason ? ` -- ${r.reason}` : ''}`;
  });
}

function locals(rt: RouteTables, vrf: string): string[] {
  const l = rt.locals.find((x) => x.vrf === vrf)!;
  return Array.from(l.prefixes, (p, k) => `${formatIpv4(p)}/${l.lengths[k]} ${group(rt, l.nextHops[k]!)}`);
}

// ---------------------------------------------------------------------------------------------------------

test('interfaces: enabled ethernet, bridges and VLANs indexed in store order; VLANs run with their parent', () => {
  const rt = compile(
    `/interface bridge add name=br1
/interface vlan add name=v10 interface=ether2 vlan-id=10
/interface bridge add name=br2 disabled=yes
/interface ethernet set ether4 disabled=yes
/interface vlan add name=v20 interface=v10 vlan-id=20`,
    { interfaceUp: (n) => n !== 'ether2' },
  );
  expect(rt.interfaces.names).toEqual(['ether1', 'ether2', 'ether3', 'br1', 'v10', 'v20']);
  expect(rt.interfaces.ids).toEqual(['*1', '*2', '*3', '*5', '*6', '*8']);
  expect([...rt.interfaces.disabled]).toEqual(['ether4', 'br2']);
  expect(Array.from(rt.running)).toEqual([1, 0, 1, 1, 0, 0]);
});

test('connected routes: network/len, distance 0, scope 10, gateway = interface (bridge for a port), pref-src; local and broadcast addresses', () => {
  const rt = compile(`/interface bridge add name=lo
/interface bridge add name=br-lan
/interface bridge port add bridge=br-lan interface=ether3
/ip address
add address=192.168.88.1/24 interface=ether1
add address=192.168.88.7/24 interface=ether1
add address=10.0.0.1/30 interface=ether2
add address=10.255.0.1 interface=lo
add address=100.64.0.1/32 interface=ether4 network=100.64.0.2
add address=172.16.5.1/24 interface=ether3
add address=10.1.1.1/31 interface=ether2`);
  expect(routes(rt, 'main')).toEqual([
    'DAc 10.0.0.0/30 ether2 -> ether2 addr*3',
    'DAc 10.1.1.0/31 ether2 -> ether2 addr*7',
    'DAc 10.255.0.1/32 lo -> lo addr*4',
    'DAc 100.64.0.2/32 ether4 -> ether4 addr*5',
    'DAc 172.16.5.0/24 br-lan -> br-lan addr*6',
    'DAc 192.168.88.0/24 ether1 -> ether1 addr*1',
  ]);
  const r0 = rt.byName.get('main')!.routes[0]!;
  expect({ distance: r0.distance, scope: r0.scope, prefSrc: formatIpv4(r0.prefSrc), localAddress: r0.localAddress }).toEqual({
    distance: 0,
    scope: 10,
    prefSrc: '10.0.0.1',
    localAddress: '10.0.0.1%ether2',
  });
  expect(fib(rt, 'main')).toEqual([
    '10.0.0.0/30 forward ether2 src=10.0.0.1',
    '10.1.1.0/31 forward ether2 src=10.1.1.1',
    '10.255.0.1/32 forward lo src=10.255.0.1',
    '100.64.0.2/32 forward ether4 src=100.64.0.1',
    '172.16.5.0/24 forward br-lan src=172.16.5.1',
    '192.168.88.0/24 forward ether1 src=192.168.88.1',
  ]);
  // Every address is local; /30 and longer prefixes but /31 and /32 have a subnet broadcast.
  expect(locals(rt, 'main')).toEqual([
    '10.0.0.1/32 local ether2',
    '10.0.0.3/32 broadcast ether2',
    '10.1.1.1/32 local ether2',
    '10.255.0.1/32 local lo',
    '100.64.0.1/32 local ether4',
    '172.16.5.1/32 local br-lan',
    '172.16.5.255/32 broadcast br-lan',
    '192.168.88.1/32 local ether1',
    '192.168.88.7/32 local ether1',
    '192.168.88.255/32 broadcast ether1',
  ]);
  expect(rt.tables.map((t) => t.name)).toEqual(['main']);
});

test('a connected route of a down interface is inactive; its address stays local (Linux keeps local routes on carrier loss)', () => {
  const rt = compile('/ip address add address=10.0.0.1/24 interface=ether1\n', { interfaceUp: () => false });
  expect(routes(rt, 'main')).toEqual(['DIc 10.0.0.0/24 ether1 ->  addr*1 -- interface ether1 not running']);
  expect(fib(rt, 'main')).toEqual([]);
  expect(locals(rt, 'main')).toEqual(['10.0.0.1/32 local ether1', '10.0.0.255/32 broadcast ether1']);
});

test('a default route via a gateway on a connected network resolves directly', () => {
  const rt = compile(`/ip address add address=203.0.113.2/29 interface=ether1
/ip route add gateway=203.0.113.1`);
  expect(routes(rt, 'main')).toEqual(['As 0.0.0.0/0 203.0.113.1 -> 203.0.113.1%ether1 *1', 'DAc 203.0.113.0/29 ether1 -> ether1 addr*1']);
  expect(fib(rt, 'main')).toEqual(['0.0.0.0/0 forward 203.0.113.1%ether1', '203.0.113.0/29 forward ether1 src=203.0.113.2']);
  const r = rt.byName.get('main')!.routes[0]!;
  expect(r.gateways).toEqual([{ text: '203.0.113.1', form: 'address', table: 'main', reachable: true, hops: [{ ifIndex: 0, gateway: 0xcb007101 }], note: 'via 203.0.113.0/29 in main (connected (address *1))' }]);
  expect({ scope: r.scope, targetScope: r.targetScope, distance: r.distance }).toEqual({ scope: 30, targetScope: 10, distance: 1 });
});

test('recursive routes: a gateway behind a static route needs target-scope >= that route\'s scope', () => {
  const rt = compile(`/ip address add address=10.0.0.2/24 interface=ether1
/ip route
add dst-address=192.0.2.0/24 gateway=10.0.0.1
add dst-address=198.51.100.0/24 gateway=192.0.2.1
add dst-address=198.51.101.0/24 gateway=192.0.2.1 target-scope=30
add dst-address=192.0.2.9/32 gateway=10.0.0.9 scope=10
add dst-address=198.51.102.0/24 gateway=192.0.2.9 target-scope=11
add dst-address=198.51.103.0/24 gateway=192.0.2.9 target-scope=10`);
  expect(routes(rt, 'main')).toEqual([
    'DAc 10.0.0.0/24 ether1 -> ether1 addr*1',
    'As 192.0.2.0/24 10.0.0.1 -> 10.0.0.1%ether1 *1',
    'As 192.0.2.9/32 10.0.0.9 -> 10.0.0.9%ether1 *4',
    'Is 198.51.100.0/24 192.0.2.1 ->  *2 -- gateway unreachable: 192.0.2.1 (no route to 192.0.2.1 in main with scope <= 10)',
    'As 198.51.101.0/24 192.0.2.1 -> 10.0.0.1%ether1 *3',
    // The manual's example: a host route with scope=10 (raised to target-scope + 1 = 11) and a recursive
    // route with target-scope=11 through it; target-scope=10 does not reach it.
    'As 198.51.102.0/24 192.0.2.9 -> 10.0.0.9%ether1 *5',
    'Is 198.51.103.0/24 192.0.2.9 ->  *6 -- gateway unreachable: 192.0.2.9 (no route to 192.0.2.9 in main with scope <= 10)',
  ]);
  expect(rt.byName.get('main')!.routes[4]!.gateways[0]!.note).toBe('via 192.0.2.0/24 in main (*1)');
  expect(fib(rt, 'main')).toEqual([
    '10.0.0.0/24 forward ether1 src=10.0.0.2',
    '192.0.2.0/24 forward 10.0.0.1%ether1',
    '192.0.2.9/32 forward 10.0.0.9%ether1',
    '198.51.101.0/24 forward 10.0.0.1%ether1',
    '198.51.102.0/24 forward 10.0.0.9%ether1',
  ]);
});

test('resolution picks the longest prefix among routes within target-scope, not the longest overall', () => {
  const rt = compile(`/ip address add address=10.0.0.2/24 interface=ether1
/ip address add address=10.1.0.2/24 interface=ether2
/ip route
add dst-address=10.0.0.128/25 gateway=10.1.0.1
add dst-address=8.8.8.8 gateway=10.0.0.200
add dst-address=8.8.4.4 gateway=10.0.0.200 target-scope=30`);
  expect(routes(rt, 'main')).toEqual([
    'As 8.8.4.4/32 10.0.0.200 -> 10.1.0.1%ether2 *3',
    'As 8.8.8.8/32 10.0.0.200 -> 10.0.0.200%ether1 *2',
    'DAc 10.0.0.0/24 ether1 -> ether1 addr*1',
    'As 10.0.0.128/25 10.1.0.1 -> 10.1.0.1%ether2 *1',
    'DAc 10.1.0.0/24 ether2 -> ether2 addr*2',
  ]);
});

test('IP%iface: the gateway is on that interface, no recursion and no connected route needed', () => {
  const text = `/ip route add dst-address=10.20.0.0/16 gateway=172.31.0.1%ether2
/ip route add dst-address=10.21.0.0/16 gateway=172.31.0.1%ether3`;
  let rt = compile(text);
  expect(routes(rt, 'main')).toEqual(['As 10.20.0.0/16 172.31.0.1%ether2 -> 172.31.0.1%ether2 *1', 'As 10.21.0.0/16 172.31.0.1%ether3 -> 172.31.0.1%ether3 *2']);
  expect(fib(rt, 'main')).toEqual(['10.20.0.0/16 forward 172.31.0.1%ether2', '10.21.0.0/16 forward 172.31.0.1%ether3']);
  rt = compile(text, { interfaceUp: (n) => n !== 'ether3' });
  expect(routes(rt, 'main')[1]).toBe('Is 10.21.0.0/16 172.31.0.1%ether3 ->  *2 -- gateway unreachable: 172.31.0.1%ether3 (interface ether3 not running)');
  expect(fib(rt, 'main')).toEqual(['10.20.0.0/16 forward 172.31.0.1%ether2']);
});

test('an interface gateway sends on-link (ARP for the destination itself); unknown and unmodelled interfaces make it inactive', () => {
  const rt = compile(`/interface wireguard add name=wg0 listen-port=13231
/ip route
add dst-address=10.30.0.0/16 gateway=ether2
add dst-address=10.31.0.0/16 gateway=wg0
add dst-address=10.32.0.0/16 gateway=ether2 disabled=yes`);
  expect(routes(rt, 'main')).toEqual([
    'As 10.30.0.0/16 ether2 -> ether2 *1',
    'Is 10.31.0.0/16 wg0 ->  *2 -- gateway unreachable: wg0 (interface wg0 is not modelled by flowplane (no port))',
  ]);
  expect(fib(rt, 'main')).toEqual(['10.30.0.0/16 forward ether2']);
  // Interface routes have scope 30: a default-target-scope gateway does not resolve through them.
  const rt2 = compile(`/ip route
add dst-address=10.30.0.0/16 gateway=ether2
add dst-address=10.40.0.0/16 gateway=10.30.0.1
add dst-address=10.41.0.0/16 gateway=10.30.0.1 target-scope=30`);
  expect(routes(rt2, 'main').slice(1)).toEqual([
    'Is 10.40.0.0/16 10.30.0.1 ->  *2 -- gateway unreachable: 10.30.0.1 (no route to 10.30.0.1 in main with scope <= 10)',
    'As 10.41.0.0/16 10.30.0.1 -> 10.30.0.1%ether2 *3',
  ]);
});

test('blackhole (v7 switch) and the v6 types unreachable/prohibit need no gateway', () => {
  const rt = compile(`/ip route
add blackhole dst-address=10.0.0.0/8
add dst-address=172.16.0.0/12 type=unreachable
add dst-address=192.168.0.0/16 type=prohibit
add dst-address=100.64.0.0/10 type=blackhole comment="cgnat"`);
  expect(routes(rt, 'main')).toEqual([
    'As 10.0.0.0/8 blackhole ->  *1',
    'As 100.64.0.0/10 blackhole ->  *4',
    'As 172.16.0.0/12 unreachable ->  *2',
    'As 192.168.0.0/16 prohibit ->  *3',
  ]);
  expect(fib(rt, 'main')).toEqual(['10.0.0.0/8 blackhole', '100.64.0.0/10 blackhole', '172.16.0.0/12 unreachable', '192.168.0.0/16 prohibit']);
  expect(rt.byName.get('main')!.routes[1]!.comment).toBe('cgnat');
  // Identical groups are shared: both blackholes point at one group.
  const t = rt.byName.get('main')!;
  expect(t.nextHops[0]).toBe(t.nextHops[1]);
});

test('distance: the lowest wins; failover when the better route\'s interface goes down', () => {
  const text = `/ip address add address=10.1.0.2/24 interface=ether1
/ip address add address=10.2.0.2/24 interface=ether2
/ip route add gateway=10.1.0.1 distance=1 comment=primary
/ip route add gateway=10.2.0.1 distance=2 comment=backup`;
  let rt = compile(text);
  expect(routes(rt, 'main').slice(0, 2)).toEqual(['As 0.0.0.0/0 10.1.0.1 -> 10.1.0.1%ether1 *1', 's 0.0.0.0/0 10.2.0.1 -> 10.2.0.1%ether2 *2 -- not selected: *1 (distance 1) is preferred']);
  expect(fib(rt, 'main')[0]).toBe('0.0.0.0/0 forward 10.1.0.1%ether1');
  rt = compile(text, { interfaceUp: (n) => n !== 'ether1' });
  expect(routes(rt, 'main')).toEqual([
    'Is 0.0.0.0/0 10.1.0.1 ->  *1 -- gateway unreachable: 10.1.0.1 (no route to 10.1.0.1 in main with scope <= 10)',
    'As 0.0.0.0/0 10.2.0.1 -> 10.2.0.1%ether2 *2',
    'DIc 10.1.0.0/24 ether1 ->  addr*1 -- interface ether1 not running',
    'DAc 10.2.0.0/24 ether2 -> ether2 addr*2',
  ]);
  expect(fib(rt, 'main')).toEqual(['0.0.0.0/0 forward 10.2.0.1%ether2', '10.2.0.0/24 forward ether2 src=10.2.0.2']);
});

test('ECMP: several gateways in one route, or several routes with the same dst and distance', () => {
  const rt = compile(`/ip address add address=10.1.0.2/24 interface=ether1
/ip address add address=10.2.0.2/24 interface=ether2
/ip address add address=10.3.0.2/24 interface=ether3
/ip route
add gateway=10.1.0.1,10.2.0.1
add dst-address=8.8.8.0/24 gateway=10.1.0.1
add dst-address=8.8.8.0/24 gateway=10.2.0.1
add dst-address=8.8.8.0/24 gateway=10.3.0.1 distance=2
add dst-address=9.9.9.0/24 gateway=10.1.0.1,10.9.9.9`);
  expect(routes(rt, 'main').slice(0, 5)).toEqual([
    'As+ 0.0.0.0/0 10.1.0.1,10.2.0.1 -> 10.1.0.1%ether1,10.2.0.1%ether2 *1',
    'As+ 8.8.8.0/24 10.1.0.1 -> 10.1.0.1%ether1 *2',
    'As+ 8.8.8.0/24 10.2.0.1 -> 10.2.0.1%ether2 *3',
    's 8.8.8.0/24 10.3.0.1 -> 10.3.0.1%ether3 *4 -- not selected: *2 (distance 1) is preferred',
    // One reachable gateway of two: active, not ECMP.
    'As 9.9.9.0/24 10.1.0.1,10.9.9.9 -> 10.1.0.1%ether1 *5',
  ]);
  expect(fib(rt, 'main').slice(0, 3)).toEqual([
    '0.0.0.0/0 forward 10.1.0.1%ether1,10.2.0.1%ether2',
    '8.8.8.0/24 forward 10.1.0.1%ether1,10.2.0.1%ether2',
    '9.9.9.0/24 forward 10.1.0.1%ether1',
  ]);
  // Both ECMP forms give the same group.
  const t = rt.byName.get('main')!;
  expect(t.nextHops[0]).toBe(t.nextHops[1]);
  // A recursive route through an ECMP route inherits all its hops.
  const rt2 = compile(`/ip address add address=10.1.0.2/24 interface=ether1
/ip address add address=10.2.0.2/24 interface=ether2
/ip route add dst-address=192.0.2.0/24 gateway=10.1.0.1,10.2.0.1
/ip route add dst-address=198.51.100.0/24 gateway=192.0.2.1 target-scope=30`);
  expect(fib(rt2, 'main')[3]).toBe('198.51.100.0/24 forward 10.1.0.1%ether1,10.2.0.1%ether2');
});

test(`ECMP groups hold at most ${ECMP_MAX_HOPS} hops`, () => {
  const gws = Array.from({ length: 20 }, (_, i) => `10.0.0.${i + 1}`).join(',');
  const rt = compile(`/ip address add address=10.0.0.254/24 interface=ether1\n/ip route add gateway=${gws}`);
  const t = rt.byName.get('main')!;
  expect(rt.nextHops.hopCount[t.nextHops[0]!]).toBe(ECMP_MAX_HOPS);
  expect(t.routes[0]!.hops).toHaveLength(ECMP_MAX_HOPS);
});

test('check-gateway is not probed yet: the gatewayReachable hook decides, only for routes that ask for it', () => {
  const text = `/ip address add address=10.1.0.2/24 interface=ether1
/ip route add gateway=10.1.0.1,10.1.0.3 check-gateway=ping
/ip route add dst-address=8.8.8.8 gateway=10.1.0.3`;
  const down = (gw: string) => gw !== '10.1.0.3';
  expect(fib(compile(text), 'main').slice(0, 2)).toEqual(['0.0.0.0/0 forward 10.1.0.1%ether1,10.1.0.3%ether1', '8.8.8.8/32 forward 10.1.0.3%ether1']);
  const rt = compile(text, { gatewayReachable: down });
  expect(fib(rt, 'main').slice(0, 2)).toEqual(['0.0.0.0/0 forward 10.1.0.1%ether1', '8.8.8.8/32 forward 10.1.0.3%ether1']);
  expect(rt.byName.get('main')!.routes[0]!.gateways[1]!.note).toBe('check-gateway=ping: 10.1.0.3 does not answer on ether1');
});

test('disabled routes, addresses and interfaces are ignored', () => {
  const rt = compile(`/ip address
add address=10.1.0.2/24 interface=ether1
add address=10.2.0.2/24 interface=ether2 disabled=yes
add address=10.3.0.2/24 interface=ether3
/interface ethernet set ether3 disabled=yes
/ip route
add gateway=10.1.0.1 disabled=yes
add gateway=10.2.0.1
add dst-address=10.9.0.0/16 gateway=ether3`);
  expect(routes(rt, 'main')).toEqual([
    'Is 0.0.0.0/0 10.2.0.1 ->  *2 -- gateway unreachable: 10.2.0.1 (no route to 10.2.0.1 in main with scope <= 10)',
    'DIc 10.3.0.0/24 ether3 ->  addr*3 -- interface ether3 is disabled',
    'Is 10.9.0.0/16 ether3 ->  *3 -- gateway unreachable: ether3 (interface ether3 is disabled)',
    'DAc 10.1.0.0/24 ether1 -> ether1 addr*1',
  ].sort(byPrefix));
  expect(fib(rt, 'main')).toEqual(['10.1.0.0/24 forward ether1 src=10.1.0.2']);
  expect(locals(rt, 'main')).toEqual(['10.1.0.2/32 local ether1', '10.1.0.255/32 broadcast ether1']);
});

function byPrefix(a: string, b: string): number {
  const key = (s: string) => {
    const [ip, len] = s.split(' ')[1]!.split('/');
    return ip!.split('.').reduce((n, o) => n * 256 + Number(o), 0) * 64 + Number(len);
  };
  return key(a) - key(b);
}

test('a table without connected routes: plain gateways resolve in main, `@table` in that table', () => {
  const rt = compile(`/ip address add address=10.1.0.2/24 interface=ether1
/ip address add address=10.2.0.2/24 interface=ether2
/routing table add name=isp2 fib
/routing table add name=bgp-only
/ip route
add gateway=10.2.0.1 routing-table=isp2
add dst-address=8.8.8.0/24 gateway=10.2.0.1@isp2 routing-table=isp2
add dst-address=10.2.0.1/32 gateway=ether2 routing-table=isp2
add dst-address=9.9.9.0/24 gateway=10.2.0.1@isp2 routing-table=isp2 target-scope=30
add dst-address=1.1.1.0/24 gateway=10.1.0.1@main routing-table=isp2
add dst-address=4.4.4.0/24 gateway=10.1.0.1 routing-table=bgp-only`);
  expect(routes(rt, 'isp2')).toEqual([
    'As 0.0.0.0/0 10.2.0.1 -> 10.2.0.1%ether2 *1',
    'As 1.1.1.0/24 10.1.0.1@main -> 10.1.0.1%ether1 *5',
    'Is 8.8.8.0/24 10.2.0.1@isp2 ->  *2 -- gateway unreachable: 10.2.0.1@isp2 (no route to 10.2.0.1 in isp2 with scope <= 10)',
    'As 9.9.9.0/24 10.2.0.1@isp2 -> 10.2.0.1%ether2 *4',
    'As 10.2.0.1/32 ether2 -> ether2 *3',
  ]);
  expect(fib(rt, 'isp2')).toEqual([
    '0.0.0.0/0 forward 10.2.0.1%ether2',
    '1.1.1.0/24 forward 10.1.0.1%ether1',
    '9.9.9.0/24 forward 10.2.0.1%ether2',
    '10.2.0.1/32 forward ether2',
  ]);
  // A table without fib keeps its routes but forwards nothing.
  const bgp = rt.byName.get('bgp-only')!;
  expect({ fib: bgp.fib, routes: routes(rt, 'bgp-only'), entries: bgp.prefixes.length }).toEqual({ fib: false, routes: ['As 4.4.4.0/24 10.1.0.1 -> 10.1.0.1%ether1 *6'], entries: 0 });
  expect(rt.tables.map((t) => `${t.index}:${t.name}:${t.kind}`)).toEqual(['0:bgp-only:table', '1:isp2:table', '2:main:main']);
});

test('v6-style routing-mark on a route names its table (made implicitly, as v6 did)', () => {
  const rt = compile(`/ip address add address=1.1.1.2/30 interface=ether1
/ip route add check-gateway=ping gateway=1.1.1.1 routing-mark=to_ISP1`);
  expect(rt.tables.map((t) => `${t.name}:${t.implicit}`)).toEqual(['main:false', 'to_ISP1:true']);
  expect(fib(rt, 'to_ISP1')).toEqual(['0.0.0.0/0 forward 1.1.1.1%ether1']);
});

test('VRF: member interfaces\' connected routes and local addresses go to the VRF table; leaking with @ both ways and via the VRF name', () => {
  const rt = compile(`/interface bridge add name=lo-cust
/ip vrf add name=cust interfaces=ether2,lo-cust
/ip address
add address=203.0.113.2/30 interface=ether1
add address=192.168.1.1/24 interface=ether2
add address=10.99.0.1/32 interface=lo-cust
/ip route
add gateway=203.0.113.1
add gateway=203.0.113.1@main routing-table=cust
add dst-address=192.168.50.0/24 gateway=192.168.1.254@cust routing-table=cust
add dst-address=192.168.60.0/24 gateway=192.168.1.254 routing-table=cust
add dst-address=192.168.50.0/24 gateway=192.168.1.254@cust
add dst-address=192.168.1.0/24 gateway=cust`);
  expect(routes(rt, 'cust')).toEqual([
    'As 0.0.0.0/0 203.0.113.1@main -> 203.0.113.1%ether1 *2',
    'DAc 10.99.0.1/32 lo-cust -> lo-cust addr*3',
    'DAc 192.168.1.0/24 ether2 -> ether2 addr*2',
    'As 192.168.50.0/24 192.168.1.254@cust -> 192.168.1.254%ether2 *3',
    // Without @, a gateway resolves in main (manual, VRF page), where 192.168.1.0/24 is not connected.
    'Is 192.168.60.0/24 192.168.1.254 ->  *4 -- gateway unreachable: 192.168.1.254 (no route to 192.168.1.254 in main with scope <= 10)',
  ]);
  expect(routes(rt, 'main')).toEqual([
    'As 0.0.0.0/0 203.0.113.1 -> 203.0.113.1%ether1 *1',
    'As 192.168.1.0/24 cust -> cust *6',
    'As 192.168.50.0/24 192.168.1.254@cust -> 192.168.1.254%ether2 *5',
    'DAc 203.0.113.0/30 ether1 -> ether1 addr*1',
  ]);
  expect(fib(rt, 'main')).toEqual([
    '0.0.0.0/0 forward 203.0.113.1%ether1',
    '192.168.1.0/24 lookup table=cust',
    '192.168.50.0/24 forward 192.168.1.254%ether2',
    '203.0.113.0/30 forward ether1 src=203.0.113.2',
  ]);
  expect(locals(rt, 'main')).toEqual(['203.0.113.2/32 local ether1', '203.0.113.3/32 broadcast ether1']);
  expect(locals(rt, 'cust')).toEqual(['10.99.0.1/32 local lo-cust', '192.168.1.1/32 local ether2', '192.168.1.255/32 broadcast ether2']);
  expect(rt.locals.map((l) => `${l.vrf}:${rt.tables[l.table]!.name}`)).toEqual(['cust:cust', 'main:main']);
  const vrfOf = Object.fromEntries(rt.interfaces.names.map((n, i) => [n, rt.tables[rt.vrfOfInterface[i]!]!.name]));
  expect(vrfOf).toEqual({ ether1: 'main', ether2: 'cust', ether3: 'main', ether4: 'main', 'lo-cust': 'cust' });
});

test('VRF order: the first VRF listing an interface takes it', () => {
  const rt = compile(`/ip vrf add name=a interfaces=ether1
/ip vrf add name=b interfaces=ether1,ether2
/ip address add address=10.0.1.1/24 interface=ether1
/ip address add address=10.0.2.1/24 interface=ether2`);
  expect(fib(rt, 'a')).toEqual(['10.0.1.0/24 forward ether1 src=10.0.1.1']);
  expect(fib(rt, 'b')).toEqual(['10.0.2.0/24 forward ether2 src=10.0.2.1']);
  expect(fib(rt, 'main')).toEqual([]);
});

test('routing rules compile in order with table indexes; names that do not resolve make a rule inactive', () => {
  const rt = compile(`/interface wireguard add name=wg0 listen-port=13231
/routing table add name=isp1 fib
/routing table add name=isp2 fib
/routing rule
add src-address=192.168.10.0/24 action=lookup table=isp1 comment="lan10 via isp1"
add dst-address=8.8.8.8 action=lookup-only-in-table table=isp2 interface=ether3
add routing-mark=isp2 action=lookup table=isp2 min-prefix=0
add dst-address=10.66.0.0/16 action=drop
add src-address=10.0.0.0/8 action=unreachable disabled=yes
add interface=wg0 action=unreachable
add src-address=2001:db8::/32 action=lookup table=main
add dst-address=1.2.3.4 action=lookup table=main chain=mangle`);
  const idx = (n: string) => rt.byName.get(n)!.index;
  expect(rt.rules).toEqual([
    { id: '*1', comment: 'lan10 via isp1', chain: 'user', srcNetwork: 0xc0a80a00, srcLength: 24, dstNetwork: 0, dstLength: -1, routingMark: -1, ifIndex: -1, action: 'lookup', table: idx('isp1'), minPrefix: -1, active: true },
    { id: '*2', chain: 'user', srcNetwork: 0, srcLength: -1, dstNetwork: 0x08080808, dstLength: 32, routingMark: -1, ifIndex: 2, action: 'lookup-only-in-table', table: idx('isp2'), minPrefix: -1, active: true },
    { id: '*3', chain: 'user', srcNetwork: 0, srcLength: -1, dstNetwork: 0, dstLength: -1, routingMark: idx('isp2'), ifIndex: -1, action: 'lookup', table: idx('isp2'), minPrefix: 0, active: true },
    { id: '*4', chain: 'user', srcNetwork: 0, srcLength: -1, dstNetwork: 0x0a420000, dstLength: 16, routingMark: -1, ifIndex: -1, action: 'drop', table: -1, minPrefix: -1, active: true },
    { id: '*6', chain: 'user', srcNetwork: 0, srcLength: -1, dstNetwork: 0, dstLength: -1, routingMark: -1, ifIndex: -1, action: 'unreachable', table: -1, minPrefix: -1, active: false, reason: 'interface wg0 is not modelled by flowplane (no port)' },
    { id: '*7', chain: 'user', srcNetwork: 0, srcLength: -1, dstNetwork: 0, dstLength: -1, routingMark: -1, ifIndex: -1, action: 'lookup', table: idx('main'), minPrefix: -1, active: false, reason: 'src-address=2001:db8::/32 is IPv6 (IPv6 rules are not compiled here)' },
    { id: '*8', chain: 'mangle', srcNetwork: 0, srcLength: -1, dstNetwork: 0x01020304, dstLength: 32, routingMark: -1, ifIndex: -1, action: 'lookup', table: idx('main'), minPrefix: -1, active: true },
  ]);
});

test('the next-hop table: id 0 reserved, groups shared across tables, flat arrays agree with the objects', () => {
  const rt = compile(`/routing table add name=t2 fib
/ip address add address=10.1.0.2/24 interface=ether1
/ip route add gateway=10.1.0.1
/ip route add gateway=10.1.0.1 routing-table=t2`);
  const nh = rt.nextHops;
  expect(nh.groups[0]).toEqual({ id: 0, kind: 'none', hops: [], prefSrc: 0, table: -1 });
  expect(rt.byName.get('main')!.nextHops[0]).toBe(rt.byName.get('t2')!.nextHops[0]);
  expect(nh.groups.map((g) => `${g.id} ${group(rt, g.id)}`)).toEqual([
    '0 none',
    '1 forward 10.1.0.1%ether1',
    '2 forward ether1 src=10.1.0.2',
    '3 local ether1',
    '4 broadcast ether1',
  ]);
  for (const g of nh.groups) {
    expect(nh.kind[g.id]).toBe(NH_KIND[g.kind]);
    expect(nh.hopCount[g.id]).toBe(g.hops.length);
    g.hops.forEach((h, k) => {
      expect(nh.hopIfIndex[nh.hopStart[g.id]! + k]).toBe(h.ifIndex);
      expect(nh.hopGateway[nh.hopStart[g.id]! + k]).toBe(h.gateway);
    });
  }
  // routeIndex names the route behind each FIB entry.
  const main = rt.byName.get('main')!;
  expect(Array.from(main.routeIndex, (i) => main.routes[i]!.origin)).toEqual([{ kind: 'static', id: '*1' }, { kind: 'connected', address: '*1' }]);
});

test('deterministic: the same config compiles to the same tables; the summary prints', () => {
  const text = `/ip vrf add name=v interfaces=ether3
/ip address add address=10.1.0.2/24 interface=ether1
/ip address add address=10.3.0.2/24 interface=ether3
/ip route add gateway=10.1.0.1
/ip route add gateway=10.3.0.1@v routing-table=v
/ip route add dst-address=10.9.0.0/16 gateway=10.77.0.1`;
  const a = compile(text);
  const b = compile(text);
  expect(b).toEqual(a);
  expect(formatRouteTables(a).split('\n')).toEqual([
    'table main (main, fib): 3 routes, 2 FIB entries',
    '   As  0.0.0.0/0          10.1.0.1               10.1.0.1%ether1          d=1   *1 nh=1',
    '  DAc  10.1.0.0/24        ether1                                          d=0   address *1 nh=2',
    '   Is  10.9.0.0/16        10.77.0.1                                       d=1   *3  -- gateway unreachable: 10.77.0.1 (no route to 10.77.0.1 in main with scope <= 10)',
    'table v (vrf, fib): 2 routes, 2 FIB entries',
    '   As  0.0.0.0/0          10.3.0.1@v             10.3.0.1%ether3          d=1   *2 nh=3',
    '  DAc  10.3.0.0/24        ether3                                          d=0   address *2 nh=4',
    'local main: 10.1.0.2%ether1 10.1.0.255 (broadcast)%ether1',
    'local v: 10.3.0.2%ether3 10.3.0.255 (broadcast)%ether3',
  ]);
});

// ---------------------------------------------------------------------------------------------------------
// Corpus smoke test: real configs with routes compile without throwing.

const CORPUS = CORPUS_RSC;

test('corpus configs with routes compile; summaries printed', () => {
  const files = fs.existsSync(CORPUS) ? fs.readdirSync(CORPUS).filter((f) => f.endsWith('.rsc') && /^(y0rikkk|feichay10|AmirArsalanTaqavi)__/.test(f)) : [];
  expect(files.length).toBeGreaterThanOrEqual(7);
  const out: string[] = [];
  let routesSeen = 0;
  for (const f of files.sort()) {
    const r = new RouterInstance();
    // Several files are fragments for a router configured elsewhere (interface lists defined there).
    const res = r.load(fs.readFileSync(path.join(CORPUS, f), 'utf8'), f, { fragment: true });
    expect(res.errors).toEqual([]);
    const rt = compileRoutes(r.store);
    routesSeen += rt.tables.reduce((s, t) => s + t.routes.length, 0);
    out.push(`== ${f}`, formatRouteTables(rt));
  }
  console.log(out.join('\n'));
  expect(routesSeen).toBeGreaterThan(20);
});

test('corpus PE1 (MPLS VPN): VRF CE1 with its connected route, a gateway @CE1, and a VRF-name gateway leaking into it', () => {
  const f = path.join(CORPUS, 'feichay10__Final-Degree-Project__config_devices_L3_MPLS_VPN_Internet_PE1.rsc');
  const r = new RouterInstance();
  expect(r.load(fs.readFileSync(f, 'utf8'), 'PE1.rsc').ok).toBe(true);
  const rt = compileRoutes(r.store);
  expect(routes(rt, 'CE1')).toEqual(['As 0.0.0.0/0 172.16.0.2@CE1 -> 172.16.0.2%ether2 *1', 'DAc 172.16.0.0/30 ether2 -> ether2 addr*3']);
  expect(routes(rt, 'main')).toEqual([
    'As 0.0.0.0/0 10.0.0.14 -> 10.0.0.14%ether3 *2',
    'DAc 1.1.1.11/32 lo0 -> lo0 addr*1',
    'DAc 10.0.0.0/30 ether1 -> ether1 addr*2',
    'DAc 10.0.0.12/30 ether3 -> ether3 addr*4',
    'As 172.16.0.0/30 CE1@CE1 -> CE1 *3',
  ]);
});
