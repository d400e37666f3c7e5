/**
 * Route selection seen end to end through the flow: routes whose gateway is down (check-gateway probes
 * failing, the interface not running) are inactive and their traffic takes the next route; an ECMP group
 * loses the hops that are down; recursive routes forward to the immediate gateway.
 */
import { RouterInstance } from '../../../control/instance/router';
import { compileGeneration, type GenerationOptions } from '../../../control/compile/generation';
import { frame } from '../../../pcap/fixture';
import { macToString } from '../../../dataplane/wire/ethernet';
import { harness } from './helpers';

const R1 = '02:00:00:00:01:01';
const G1 = '02:00:00:00:02:54';
const G2 = '02:00:00:00:03:54';
const BASE = `/interface ethernet
set [ find default-name=ether1 ] mac-address=${R1}
/ip address
add address=10.0.1.1/24 interface=ether1
add address=10.0.2.1/24 interface=ether2
add address=10.0.3.1/24 interface=ether3
/ip arp
add address=10.0.2.254 mac-address=${G1} interface=ether2
add address=10.0.3.254 mac-address=${G2} interface=ether3
`;

function gen(config: string, opts: GenerationOptions = {}) {
  const r = new RouterInstance();
  const res = r.load(BASE + config, 'test.rsc');
  if (!res.ok) throw new Error(res.errors.map((e) => e.message).join('\n'));
  return compileGeneration(r.store, opts);
}

/** Where a UDP packet from the LAN to `dst` goes: `tx ether2 02:..:54` or the drop. */
function route(g: ReturnType<typeof gen>, dst: string, src = '10.0.1.10'): string {
  const h = harness(g, { icmp: false });
  const fate = h.feed('ether1', frame().eth({ src: '02:00:00:0a:00:0a', dst: R1 }).ipv4({ src, dst }).udp({ sport: 1, dport: 2 }).build());
  return fate.startsWith('tx') ? `${fate} ${macToString(h.sent[0]!.frame, 0)}` : fate;
}

test('check-gateway: while the probes fail the route is inactive and the backup route carries the traffic', () => {
  const config = '/ip route\nadd gateway=10.0.2.254 check-gateway=ping\nadd gateway=10.0.3.254 distance=2\n';
  expect(route(gen(config), '8.8.8.8')).toBe(`tx ether2 ${G1}`);
  const down = gen(config, { gatewayReachable: (gw) => gw !== '10.0.2.254' });
  expect(route(down, '8.8.8.8')).toBe(`tx ether3 ${G2}`);
  const r = down.routes.byName.get('main')!.routes.find((x) => x.gateway === '10.0.2.254')!;
  expect([r.active, r.reason]).toEqual([false, 'gateway unreachable: 10.0.2.254 (check-gateway=ping: 10.0.2.254 does not answer on ether2)']);
});

test('an interface that is not running takes its connected route and the routes through it out', () => {
  const config = '/ip route\nadd gateway=10.0.2.254\nadd gateway=10.0.3.254 distance=5\n';
  const down = gen(config, { interfaceUp: (n) => n !== 'ether2' });
  expect(route(down, '8.8.8.8')).toBe(`tx ether3 ${G2}`);
  expect(route(down, '10.0.2.77')).toBe(`tx ether3 ${G2}`); // 10.0.2.0/24 is gone too: the default takes it
});

test('ECMP: a hop whose gateway is down leaves the group; all flows take the other', () => {
  const config = '/ip route\nadd gateway=10.0.2.254,10.0.3.254 check-gateway=arp\n';
  const both = gen(config);
  const seen = new Set<string>();
  for (let k = 1; k < 40; k++) seen.add(route(both, `198.51.100.${k}`));
  expect(seen).toEqual(new Set([`tx ether2 ${G1}`, `tx ether3 ${G2}`]));
  const one = gen(config, { gatewayReachable: (gw) => gw === '10.0.3.254' });
  for (let k = 1; k < 40; k++) expect(route(one, `198.51.100.${k}`)).toBe(`tx ether3 ${G2}`);
});

test('a recursive route forwards to its immediate gateway; more specific blackholes win over it', () => {
  const config =
    '/ip route\nadd dst-address=192.0.2.1/32 gateway=10.0.3.254 scope=10\nadd gateway=192.0.2.1 target-scope=11\n' +
    'add dst-address=203.0.113.0/24 blackhole\n';
  const g = gen(config);
  expect(route(g, '8.8.8.8')).toBe(`tx ether3 ${G2}`);
  expect(route(g, '203.0.113.5')).toBe('drop route-blackhole');
  // without the raised target-scope the default cannot resolve: no route at all
  const low = gen('/ip route\nadd dst-address=192.0.2.1/32 gateway=10.0.3.254 scope=10\nadd gateway=192.0.2.1\n');
  expect(route(low, '8.8.8.8')).toBe('drop no-route');
});

test('a route in a table without fib is never used for forwarding, with fib it is', () => {
  const rule = '/routing rule\nadd src-address=10.0.1.10 action=lookup-only-in-table table=t\n';
  const route2 = '/ip route\nadd gateway=10.0.3.254 routing-table=t\n';
  expect(route(gen('/routing table\nadd name=t\n' + route2 + rule), '8.8.8.8')).toBe('drop rule-table-miss');
  expect(route(gen('/routing table\nadd name=t fib\n' + route2 + rule), '8.8.8.8')).toBe(`tx ether3 ${G2}`);
});
