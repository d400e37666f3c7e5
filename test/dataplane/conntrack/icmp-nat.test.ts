/**
 * ICMP errors about NATed connections (conntrack/nat.ts icmpErrorNat, Linux nf_nat_icmp_reply_translation),
 * end to end through the flow: the quoted header is parsed back and every field checked.
 * - A remote host answers a masqueraded UDP datagram with port unreachable: the client must get it from the
 *   remote, addressed to itself, quoting its own datagram (its address and port, the inner IP checksum valid,
 *   the inner UDP checksum equal to the one it sent), with a valid ICMP checksum.
 * - A remote router's time exceeded and fragmentation needed for a masqueraded TCP connection: same.
 * - The router's own time exceeded for a packet of a dst-nat'ed (port-forwarded) connection: the visitor must
 *   see its packet quoted as it sent it (to the public address and port), not the internal server's. (For
 *   the connection's very first packet the entry is not confirmed yet and dies with the packet, so, as in
 *   Linux, the error is not related to anything and is not translated.)
 */
import { officeRouter } from '../../dataplane/flow/helpers';
import { generationFrom, harness } from '../flow/helpers';
import { frame } from '../../../pcap/fixture';
import { inetChecksumOk, ipv4ChecksumOk } from '../../../dataplane/wire/checksum';

const CONFIG = `${officeRouter({ wanLen: 24 })}/ip firewall filter
add chain=forward action=accept connection-state=established,related
add chain=forward action=drop connection-state=invalid
/ip firewall nat
add chain=srcnat action=masquerade out-interface=ether1
add chain=dstnat action=dst-nat in-interface=ether1 protocol=tcp dst-port=8080 to-addresses=192.168.88.10 to-ports=80
`;

const R_WAN = '02:f1:00:00:00:01';
const R_LAN = '02:f1:00:00:00:02';
const ISP = '02:00:5e:00:00:01';
const HOST = '02:00:00:00:88:0a';

const ip = (b: Uint8Array, o: number): string => `${b[o]}.${b[o + 1]}.${b[o + 2]}.${b[o + 3]}`;
const u16 = (b: Uint8Array, o: number): number => b[o]! * 256 + b[o + 1]!;

/** Parse an Ethernet+IPv4+ICMP error frame: outer and quoted header fields. */
function icmpError(f: Uint8Array) {
  const l3 = 14;
  expect(u16(f, 12)).toBe(0x0800);
  expect(f[l3 + 9]).toBe(1);
  const tl = u16(f, l3 + 2);
  const l4 = l3 + (f[l3]! & 15) * 4;
  const q = l4 + 8;
  const ql4 = q + (f[q]! & 15) * 4;
  return {
    outerSrc: ip(f, l3 + 12),
    outerDst: ip(f, l3 + 16),
    outerCsumOk: ipv4ChecksumOk(f, l3),
    type: f[l4]!,
    code: f[l4 + 1]!,
    mtu: u16(f, l4 + 6),
    icmpCsumOk: inetChecksumOk(f, l4, tl - (l4 - l3)),
    innerSrc: ip(f, q + 12),
    innerDst: ip(f, q + 16),
    innerCsumOk: ipv4ChecksumOk(f, q),
    innerProto: f[q + 9]!,
    innerSport: u16(f, ql4),
    innerDport: u16(f, ql4 + 2),
    innerUdpCsum: u16(f, ql4 + 6),
  };
}

test('port unreachable for a masqueraded UDP datagram reaches the client quoting its own datagram', () => {
  const gen = generationFrom(CONFIG);
  const h = harness(gen);
  const dgram = frame().eth({ src: HOST, dst: R_LAN }).ipv4({ src: '192.168.88.10', dst: '198.51.100.53', id: 7 }).udp({ sport: 40000, dport: 53 }).payload('query').build();
  const sentUdpCsum = u16(dgram, 14 + 20 + 6);
  expect(h.feed('ether2', dgram, 0)).toBe('tx ether1');
  const out = h.sent.pop()!.frame;
  expect(ip(out, 14 + 12)).toBe('203.0.113.2');
  // The remote answers what it received: 203.0.113.2:40000 -> 198.51.100.53:53, quoted (IP header + 8).
  const quote = out.subarray(14);
  const err = frame().eth({ src: ISP, dst: R_WAN }).ipv4({ src: '198.51.100.53', dst: '203.0.113.2', id: 99 }).icmp({ type: 'dest-unreachable', code: 3, quote }).build();
  expect(h.feed('ether1', err, 10)).toBe('tx ether2');
  const e = icmpError(h.sent.pop()!.frame);
  expect(e).toEqual({
    outerSrc: '198.51.100.53',
    outerDst: '192.168.88.10',
    outerCsumOk: true,
    type: 3,
    code: 3,
    mtu: 0,
    icmpCsumOk: true,
    innerSrc: '192.168.88.10',
    innerDst: '198.51.100.53',
    innerCsumOk: true,
    innerProto: 17,
    innerSport: 40000,
    innerDport: 53,
    // The quoted UDP checksum patched back: what the client computed.
    innerUdpCsum: sentUdpCsum,
  });
});

test('time exceeded and fragmentation needed from a remote router for a masqueraded TCP connection', () => {
  const gen = generationFrom(CONFIG);
  const h = harness(gen);
  const syn = frame().eth({ src: HOST, dst: R_LAN }).ipv4({ src: '192.168.88.10', dst: '198.51.100.80', id: 1, df: true }).tcp({ sport: 51000, dport: 80, flags: 'S', seq: 1000, window: 64240 }).build();
  expect(h.feed('ether2', syn, 0)).toBe('tx ether1');
  const quote = h.sent.pop()!.frame.subarray(14);
  const te = frame().eth({ src: ISP, dst: R_WAN }).ipv4({ src: '203.0.113.1', dst: '203.0.113.2', id: 5 }).icmp({ type: 'time-exceeded', code: 0, quote }).build();
  expect(h.feed('ether1', te, 5)).toBe('tx ether2');
  const a = icmpError(h.sent.pop()!.frame);
  expect([a.outerSrc, a.outerDst, a.type, a.innerSrc, a.innerSport, a.innerDst, a.innerDport, a.innerCsumOk, a.icmpCsumOk]).toEqual(['203.0.113.1', '192.168.88.10', 11, '192.168.88.10', 51000, '198.51.100.80', 80, true, true]);
  const fn = frame().eth({ src: ISP, dst: R_WAN }).ipv4({ src: '203.0.113.1', dst: '203.0.113.2', id: 6 }).icmp({ type: 'dest-unreachable', code: 4, mtu: 1400, quote }).build();
  expect(h.feed('ether1', fn, 6)).toBe('tx ether2');
  const b = icmpError(h.sent.pop()!.frame);
  expect([b.outerDst, b.type, b.code, b.mtu, b.innerSrc, b.innerSport, b.innerCsumOk, b.icmpCsumOk]).toEqual(['192.168.88.10', 3, 4, 1400, '192.168.88.10', 51000, true, true]);
});

test("the router's own time exceeded for a port-forwarded connection quotes the packet as the visitor sent it", () => {
  const gen = generationFrom(CONFIG);
  const h = harness(gen);
  const wan = (ttl: number, flags: string, seq: number, ack?: number) =>
    frame().eth({ src: ISP, dst: R_WAN }).ipv4({ src: '198.51.100.23', dst: '203.0.113.2', id: seq, ttl }).tcp({ sport: 40001, dport: 8080, flags, seq, ...(ack !== undefined ? { ack } : {}), window: 64240 }).build();
  // The connection is set up through the port forward (dst-nat to 192.168.88.10:80) and confirmed.
  expect(h.feed('ether1', wan(64, 'S', 3000), 0)).toBe('tx ether2');
  const synAck = frame().eth({ src: HOST, dst: R_LAN }).ipv4({ src: '192.168.88.10', dst: '198.51.100.23', id: 1 }).tcp({ sport: 80, dport: 40001, flags: 'SA', seq: 8000, ack: 3001, window: 64240 }).build();
  expect(h.feed('ether2', synAck, 1)).toBe('tx ether1');
  h.sent.length = 0;
  // Its next segment arrives with TTL 1: dst-nat'ed, then the router's TTL check answers time exceeded.
  expect(h.feed('ether1', wan(1, 'A', 3001, 8001), 2)).toBe('drop ttl-exceeded');
  expect(h.sent.length).toBe(1);
  const e = icmpError(h.sent.pop()!.frame);
  expect(e.outerDst).toBe('198.51.100.23');
  expect(e.outerSrc).toBe('203.0.113.2');
  expect([e.type, e.code]).toEqual([11, 0]);
  // Quoted as sent: to the public address and port, not the server's 192.168.88.10:80.
  expect([e.innerSrc, e.innerSport, e.innerDst, e.innerDport]).toEqual(['198.51.100.23', 40001, '203.0.113.2', 8080]);
  expect(e.innerCsumOk && e.icmpCsumOk && e.outerCsumOk).toBe(true);
});

test('an ICMP error quoting no known connection is invalid and not forwarded', () => {
  const gen = generationFrom(CONFIG);
  const h = harness(gen);
  const quote = frame().ipv4({ src: '203.0.113.2', dst: '198.51.100.53' }).udp({ sport: 41234, dport: 53 }).build();
  const err = frame().eth({ src: ISP, dst: R_WAN }).ipv4({ src: '198.51.100.53', dst: '203.0.113.2' }).icmp({ type: 'dest-unreachable', code: 3, quote }).build();
  // To the router itself (no connection): delivered locally, not translated anywhere.
  expect(h.feed('ether1', err, 0)).toBe('local');
  expect(h.sent.length).toBe(0);
});
