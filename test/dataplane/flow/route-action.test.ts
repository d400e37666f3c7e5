/**
 * mangle `action=route route-dst=G`: the packet goes to gateway G out the interface of G's connected network,
 * ignoring the routing table; a G that is not directly reachable leaves routing as it is; packets for the
 * router stay local.
 */
import { frame } from '../../../pcap/fixture';
import { macToString } from '../../../dataplane/wire/ethernet';
import { generationFrom, harness } from './helpers';

const CONFIG = `/interface ethernet
set [ find default-name=ether1 ] mac-address=02:00:00:00:01:01
set [ find default-name=ether2 ] mac-address=02:00:00:00:02:01
set [ find default-name=ether3 ] mac-address=02:00:00:00:03:01
/ip address
add address=192.168.1.1/24 interface=ether1 network=192.168.1.0
add address=10.2.0.2/30 interface=ether2 network=10.2.0.0
add address=10.3.0.2/30 interface=ether3 network=10.3.0.0
/ip route
add dst-address=0.0.0.0/0 gateway=10.2.0.1
/ip arp
add address=10.2.0.1 interface=ether2 mac-address=02:00:00:00:22:01
add address=10.3.0.1 interface=ether3 mac-address=02:00:00:00:33:01
/ip firewall mangle
add chain=prerouting action=route route-dst=10.3.0.1 src-address=192.168.1.50 comment="server goes via ISP3"
add chain=prerouting action=route route-dst=172.16.9.9 src-address=192.168.1.60 comment="unreachable gateway"
`;

const A = '02:00:00:00:00:0a';
const R1 = '02:00:00:00:01:01';
const udp = (src: string, dst: string, dport = 53) => frame().eth({ src: A, dst: R1 }).ipv4({ src, dst }).udp({ sport: 1000, dport }).payload('x').build();

describe('mangle action=route', () => {
  const gen = generationFrom(CONFIG);

  test('the rule compiles without problems', () => {
    expect(gen.firewall.problems).toEqual([]);
  });

  test('a matching packet leaves for route-dst through its connected interface; others follow the table', () => {
    const h = harness(gen);
    expect(h.feed('ether1', udp('192.168.1.10', '8.8.8.8'))).toBe('tx ether2');
    expect(h.feed('ether1', udp('192.168.1.50', '8.8.8.8'))).toBe('tx ether3');
    const out = h.sent[h.sent.length - 1]!;
    expect([out.port, macToString(out.frame, 0), macToString(out.frame, 6)]).toEqual(['ether3', '02:00:00:00:33:01', '02:00:00:00:03:01']);
  });

  test('a route-dst that is not on a connected network leaves the routing decision alone', () => {
    const h = harness(gen);
    expect(h.feed('ether1', udp('192.168.1.60', '8.8.8.8'))).toBe('tx ether2');
  });

  test('a packet for the router itself is delivered, not routed away', () => {
    const h = harness(gen);
    expect(h.feed('ether1', udp('192.168.1.50', '192.168.1.1', 5678))).toBe('local');
  });
});
