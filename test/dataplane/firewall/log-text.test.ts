/**
 * Firewall log lines (dataplane/firewall/log-text.ts) as a replay writes them to the flow's log sink: the
 * exact RouterOS text for TCP (flags), UDP, ICMP (type, code), a prefix, and NATed connections (state
 * suffix and the `NAT (..)->..` annotation), each stamped with the capture clock. The expected lines are
 * written from the story: the forward chain sees a packet after dstnat and before srcnat, so a connection's
 * first packet out through masquerade is not NATed yet, its later ones are; a port forward is from the start.
 */
import { officeRouter } from '../../dataplane/flow/helpers';
import { frame, fixtureBytes, type FixtureFrame } from '../../../pcap/fixture';
import { generationFrom, replay } from '../flow/helpers';
import type { LogSink } from '../../../dataplane/log-sink';

const CONFIG = `${officeRouter()}add address=192.168.88.50 interface=ether2 mac-address=02:00:00:00:88:32
/ip firewall filter
add chain=forward action=log log-prefix=fwd protocol=tcp
add chain=forward action=accept log=yes protocol=udp
add chain=forward action=log protocol=icmp
/ip firewall nat
add chain=dstnat action=dst-nat dst-address=203.0.113.2 protocol=tcp dst-port=8080 to-addresses=192.168.88.50 to-ports=80
add chain=srcnat action=masquerade out-interface=ether1
`;

const T0 = 1_767_261_600; // 2026-01-01 10:00:00 UTC
const at = (ms: number, f: Uint8Array): FixtureFrame => ({ frame: f, tsSec: T0 + Math.floor(ms / 1000), tsNsec: (ms % 1000) * 1_000_000 });
const fromLan = () => frame().eth({ src: '02:00:00:00:88:0a', dst: '02:f1:00:00:00:02' });
const fromWan = () => frame().eth({ src: '02:00:5e:00:00:01', dst: '02:f1:00:00:00:01' });
const A = '192.168.88.10';
const WEB = '198.51.100.80';

test('log lines: TCP flags, UDP, ICMP type and code, prefix, NAT annotations, capture-clock times', () => {
  const lines: [number, string, string][] = [];
  const sink: LogSink = { log: (time, topics, message) => lines.push([Math.round((time - T0) * 1000), topics, message]) };
  const ether2 = [
    at(0, fromLan().ipv4({ src: A, dst: WEB, id: 1 }).tcp({ sport: 51000, dport: 80, flags: 'S', seq: 1 }).build()),
    at(200, fromLan().ipv4({ src: A, dst: WEB, id: 2 }).tcp({ sport: 51000, dport: 80, flags: 'A', seq: 2, ack: 101 }).build()),
    at(300, fromLan().ipv4({ src: A, dst: '198.51.100.53', id: 3 }).udp({ sport: 40000, dport: 53 }).payload('query').build()),
    at(400, fromLan().ipv4({ src: A, dst: WEB, id: 4 }).icmp({ type: 'echo-request', id: 0x1234, seq: 1 }).payload('ping').build()),
  ];
  const ether1 = [
    at(100, fromWan().ipv4({ src: WEB, dst: '203.0.113.2', id: 9 }).tcp({ sport: 80, dport: 51000, flags: 'SA', seq: 100, ack: 2 }).build()),
    at(500, fromWan().ipv4({ src: '198.51.100.23', dst: '203.0.113.2', id: 10 }).tcp({ sport: 33000, dport: 8080, flags: 'S', seq: 7 }).build()),
  ];
  replay(generationFrom(CONFIG), { ether1: fixtureBytes(ether1), ether2: fixtureBytes(ether2) }, { log: sink });
  const lanMac = 'src-mac 02:00:00:00:88:0a';
  const wanMac = 'src-mac 02:00:5e:00:00:01';
  expect(lines).toEqual([
    [0, 'firewall,info', `fwd forward: in:ether2 out:ether1, connection-state:new ${lanMac}, proto TCP (SYN), ${A}:51000->${WEB}:80, len 40`],
    [100, 'firewall,info', `fwd forward: in:ether1 out:ether2, connection-state:established,snat ${wanMac}, proto TCP (SYN,ACK), ${WEB}:80->${A}:51000, len 40`],
    [200, 'firewall,info', `fwd forward: in:ether2 out:ether1, connection-state:established,snat ${lanMac}, proto TCP (ACK), ${A}:51000->${WEB}:80, NAT (${A}:51000->203.0.113.2:51000)->${WEB}:80, len 40`],
    [300, 'firewall,info', `forward: in:ether2 out:ether1, connection-state:new ${lanMac}, proto UDP, ${A}:40000->198.51.100.53:53, len 33`],
    [400, 'firewall,info', `forward: in:ether2 out:ether1, connection-state:new ${lanMac}, proto ICMP (type 8, code 0), ${A}->${WEB}, len 32`],
    [500, 'firewall,info', `fwd forward: in:ether1 out:ether2, connection-state:new,dnat ${wanMac}, proto TCP (SYN), 198.51.100.23:33000->192.168.88.50:80, NAT 198.51.100.23:33000->(203.0.113.2:8080->192.168.88.50:80), len 40`],
  ]);
});
