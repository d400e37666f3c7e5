/**
 * Router-made ICMP errors about packets of NATed connections (dataplane/stages/router-error.ts), the cases the
 * differential suite cannot replay (an ARP resolution that fails takes seconds and retransmits on timers):
 * host-unreachable after a failed ARP quotes the queued packet, after srcnat, and Linux's OUTPUT/POSTROUTING
 * NAT translates the error back (nf_nat_icmp_reply_translation). Expected bytes are worked out from that code:
 * - masquerade: the error goes to the host behind it, from the WAN address (the route to the router's own
 *   address, which the error was first addressed to, takes it as source), quoting the host's own packet
 *   (source address and port put back) with the TTL it had after forwarding;
 * - dst-nat: the error goes to the remote sender, quoting its packet with the destination it used (the public
 *   address and port), from that public address.
 * The fragmentation-needed cases are compared byte for byte with Linux in test/e2e/differential
 * (scenarios/frag-needed-nat).
 */
import { frame, fixtureBytes, type FixtureFrame } from '../../../pcap/fixture';
import { generationFrom, replay } from '../flow/helpers';
import { describeFrame } from '../../../dataplane/wire/describe';
import { ipv4ChecksumOk, inetChecksumOk, l4ChecksumOk4 } from '../../../dataplane/wire/checksum';

const CONFIG = `
/interface ethernet
set [ find default-name=ether1 ] mac-address=02:F1:00:00:00:01
set [ find default-name=ether2 ] mac-address=02:F1:00:00:00:02
/ip address
add address=203.0.113.2/29 interface=ether1 network=203.0.113.0
add address=192.168.88.1/24 interface=ether2 network=192.168.88.0
/ip route
add dst-address=0.0.0.0/0 gateway=203.0.113.1
add dst-address=198.51.100.128/25 gateway=203.0.113.3
/ip arp
add address=203.0.113.1 interface=ether1 mac-address=02:00:5E:00:00:01
add address=192.168.88.10 interface=ether2 mac-address=02:00:00:00:88:0A
/ip firewall nat
add chain=dstnat action=dst-nat dst-address=203.0.113.2 protocol=udp dst-port=5000 to-addresses=192.168.88.77
add chain=srcnat action=masquerade out-interface=ether1
`;

const T0 = 1_767_261_600;
const at = (ms: number, f: Uint8Array): FixtureFrame => ({ frame: f, tsSec: T0 + Math.floor(ms / 1000), tsNsec: (ms % 1000) * 1_000_000 });
const fromLan = () => frame().eth({ src: '02:00:00:00:88:0a', dst: '02:f1:00:00:00:02' });
const fromWan = () => frame().eth({ src: '02:00:5e:00:00:01', dst: '02:f1:00:00:00:01' });

function run(input: FixtureFrame[], port: 'ether1' | 'ether2') {
  const gen = generationFrom(CONFIG);
  const r = replay(gen, { [port]: fixtureBytes(input) });
  const icmp = r.outputs.filter((o) => o.frame.length >= 34 && o.frame[12] === 8 && o.frame[23] === 1);
  return { gen, r, icmp };
}

test('masquerade: host-unreachable after a failed ARP goes to the host behind it, quoting its own packet', () => {
  const sent = fromLan().ipv4({ src: '192.168.88.10', dst: '198.51.100.200', id: 7, ttl: 64 }).udp({ sport: 40000, dport: 53 }).payload('query').build();
  const { gen, icmp } = run([at(0, sent)], 'ether2');
  expect(icmp).toHaveLength(1);
  const o = icmp[0]!;
  expect(gen.portNames[o.port]).toBe('ether2');
  expect(describeFrame(o.frame, 0, o.frame.length, 1)).toBe('IP 203.0.113.2 > 192.168.88.10: ICMP host 198.51.100.200 unreachable, length 41');
  expect(ipv4ChecksumOk(o.frame, 14)).toBe(true);
  expect(inetChecksumOk(o.frame, 34, 41)).toBe(true);
  // The quote: A's packet as forwarded (TTL 63), source address and port put back, both checksums valid.
  const quote = o.frame.subarray(42, 42 + 33);
  const want = Uint8Array.from(sent.subarray(14, 14 + 33));
  want[8] = 63;
  expect(ipv4ChecksumOk(quote, 0)).toBe(true);
  expect(l4ChecksumOk4(quote, 0, 20, 13, 17)).toBe(true);
  quote.subarray(10, 12).fill(0);
  want.subarray(10, 12).fill(0);
  expect(Buffer.from(quote).toString('hex')).toBe(Buffer.from(want).toString('hex'));
});

test('dst-nat: host-unreachable for the unreachable inside host goes to the remote sender, quoting what it sent', () => {
  const sent = fromWan().ipv4({ src: '198.51.100.23', dst: '203.0.113.2', id: 9, ttl: 60 }).udp({ sport: 33000, dport: 5000 }).payload('hello').build();
  const { gen, icmp } = run([at(0, sent)], 'ether1');
  expect(icmp).toHaveLength(1);
  const o = icmp[0]!;
  expect(gen.portNames[o.port]).toBe('ether1');
  expect(describeFrame(o.frame, 0, o.frame.length, 1)).toBe('IP 203.0.113.2 > 198.51.100.23: ICMP host 203.0.113.2 unreachable, length 41');
  expect(inetChecksumOk(o.frame, 34, 41)).toBe(true);
  const quote = o.frame.subarray(42, 42 + 33);
  expect(ipv4ChecksumOk(quote, 0)).toBe(true);
  expect(l4ChecksumOk4(quote, 0, 20, 13, 17)).toBe(true);
  const want = Uint8Array.from(sent.subarray(14, 14 + 33));
  want[8] = 59;
  quote.subarray(10, 12).fill(0);
  want.subarray(10, 12).fill(0);
  expect(Buffer.from(quote).toString('hex')).toBe(Buffer.from(want).toString('hex'));
});
