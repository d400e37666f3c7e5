/**
 * nat rules see the same packet fields as filter rules: `dst-address-type=local` (the usual way to write a
 * port forward on whatever address the WAN has), tcp-mss, and rare matchers.
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
/ip arp
add address=192.168.88.10 interface=ether2 mac-address=02:00:00:00:88:0a
/ip firewall nat
add chain=dstnat action=dst-nat dst-address-type=local protocol=tcp dst-port=8080 to-addresses=192.168.88.10 to-ports=80 comment=fwd
add chain=dstnat action=dst-nat protocol=tcp dst-port=8081 tcp-mss=1400-1460 to-addresses=192.168.88.10 to-ports=81 comment=mss
add chain=dstnat action=dst-nat protocol=tcp dst-port=8082 content=knock to-addresses=192.168.88.10 to-ports=82 comment=content
`;

const W = '02:00:00:00:00:99';
const R1 = '02:00:00:00:01:01';
let sport = 40000;
// Each SYN opens its own connection (a new source port): only a connection's first packet walks the nat chains.
const syn = (dst: string, dport: number, mss?: number, payload?: string) => {
  const f = frame().eth({ src: W, dst: R1 }).ipv4({ src: '198.51.100.7', dst }).tcp({ sport: sport++, dport, flags: 'S', seq: 1, ...(mss ? { options: { mss } } : {}) });
  return (payload ? f.payload(payload) : f).build();
};

describe('nat rules read every field', () => {
  const gen = generationFrom(CONFIG);

  test('dst-address-type=local forwards a port of the router, not of an address beyond it', () => {
    const h = harness(gen);
    expect(gen.firewall.problems).toEqual([]);
    expect(h.feed('ether1', syn('203.0.113.2', 8080))).toBe('tx ether2');
    const out = h.sent[h.sent.length - 1]!.frame;
    expect(describeFrame(out, 0, out.length, 1)).toMatch(/^IP 198\.51\.100\.7\.\d+ > 192\.168\.88\.10\.80: /);
  });

  test('tcp-mss and content are evaluated in dstnat', () => {
    const h = harness(gen);
    expect(h.feed('ether1', syn('203.0.113.2', 8081, 1460))).toBe('tx ether2');
    expect(h.feed('ether1', syn('203.0.113.2', 8081, 536))).not.toBe('tx ether2');
    expect(h.feed('ether1', syn('203.0.113.2', 8082, undefined, 'please knock'))).toBe('tx ether2');
    expect(h.feed('ether1', syn('203.0.113.2', 8082, undefined, 'hello'))).not.toBe('tx ether2');
  });
});
