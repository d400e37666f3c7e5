/**
 * endpoint-independent-nat (ROUTEROS-FLOW.md §4): a LAN host's UDP endpoint keeps one public endpoint for
 * every remote (ein-snat), and with the matching dstnat rule any remote can reach it there (ein-dnat);
 * without the mapping, or for TCP, nothing is admitted.
 */
import { frame } from '../../../pcap/fixture';
import { describeFrame } from '../../../dataplane/wire/describe';
import { generationFrom, harness } from './helpers';

const CONFIG = `/interface ethernet
set [ find default-name=ether1 ] mac-address=02:00:00:00:01:01
set [ find default-name=ether2 ] mac-address=02:00:00:00:02:01
/ip address
add address=203.0.113.2/30 interface=ether1 network=203.0.113.0
add address=192.168.88.1/24 interface=ether2 network=192.168.88.0
/ip route
add dst-address=0.0.0.0/0 gateway=203.0.113.1
/ip arp
add address=203.0.113.1 interface=ether1 mac-address=02:00:00:00:11:01
add address=192.168.88.10 interface=ether2 mac-address=02:00:00:00:88:0a
add address=192.168.88.11 interface=ether2 mac-address=02:00:00:00:88:0b
/ip firewall nat
add chain=srcnat action=endpoint-independent-nat out-interface=ether1 protocol=udp
add chain=dstnat action=endpoint-independent-nat in-interface=ether1 protocol=udp
add chain=srcnat action=masquerade out-interface=ether1
`;

const H = '02:00:00:00:88:0a';
const H2 = '02:00:00:00:88:0b';
const GW = '02:00:00:00:11:01';
const lanUdp = (mac: string, src: string, sport: number, dst: string, dport: number) =>
  frame().eth({ src: mac, dst: '02:00:00:00:02:01' }).ipv4({ src, dst }).udp({ sport, dport }).payload('hi').build();
const wanUdp = (src: string, sport: number, dport: number) =>
  frame().eth({ src: GW, dst: '02:00:00:00:01:01' }).ipv4({ src, dst: '203.0.113.2' }).udp({ sport, dport }).payload('yo').build();

describe('endpoint-independent-nat', () => {
  const gen = generationFrom(CONFIG);
  const last = (h: ReturnType<typeof harness>) => {
    const f = h.sent[h.sent.length - 1]!.frame;
    return describeFrame(f, 0, f.length, 1);
  };

  test('one public endpoint for every remote; any remote reaches the host through it', () => {
    expect(gen.firewall.problems).toEqual([]);
    const h = harness(gen);
    expect(h.feed('ether2', lanUdp(H, '192.168.88.10', 5000, '198.51.100.1', 3478), 0)).toBe('tx ether1');
    expect(last(h)).toBe('IP 203.0.113.2.5000 > 198.51.100.1.3478: UDP, length 2');
    // A remote the host never talked to sends to the public endpoint: admitted, to the host.
    expect(h.feed('ether1', wanUdp('198.51.100.99', 7777, 5000), 100)).toBe('tx ether2');
    expect(last(h)).toBe('IP 198.51.100.99.7777 > 192.168.88.10.5000: UDP, length 2');
    // The host's answer to it leaves from the same public endpoint.
    expect(h.feed('ether2', lanUdp(H, '192.168.88.10', 5000, '198.51.100.99', 7777), 200)).toBe('tx ether1');
    expect(last(h)).toBe('IP 203.0.113.2.5000 > 198.51.100.99.7777: UDP, length 2');
    // A second host using the same private port gets another public port, reused for its remotes too.
    expect(h.feed('ether2', lanUdp(H2, '192.168.88.11', 5000, '198.51.100.1', 3478), 300)).toBe('tx ether1');
    const p2 = /^IP 203\.0\.113\.2\.(\d+) > /.exec(last(h))![1]!;
    expect(p2).not.toBe('5000');
    expect(h.feed('ether2', lanUdp(H2, '192.168.88.11', 5000, '198.51.100.2', 3478), 400)).toBe('tx ether1');
    expect(last(h)).toBe(`IP 203.0.113.2.${p2} > 198.51.100.2.3478: UDP, length 2`);
  });

  test('a public port without a mapping admits nothing', () => {
    const h = harness(gen);
    expect(h.feed('ether1', wanUdp('198.51.100.99', 7777, 6000), 0)).not.toBe('tx ether2');
  });

  test('the mapping expires with udp-stream-timeout after its last use', () => {
    const h = harness(gen);
    expect(h.feed('ether2', lanUdp(H, '192.168.88.10', 5001, '198.51.100.1', 3478), 0)).toBe('tx ether1');
    expect(h.feed('ether1', wanUdp('198.51.100.98', 1, 5001), 179_000)).toBe('tx ether2');
    // 180 s after that use (and after the connections' own timeouts), nothing is admitted any more.
    expect(h.feed('ether1', wanUdp('198.51.100.97', 2, 5001), 179_000 + 181_000)).not.toBe('tx ether2');
  });
});
