/**
 * flowplane bugs the differential suite found (Linux and RouterOS agree on the expected behaviour), each
 * reduced to one frame through a small config. A bug still open is a `test.failing` (green while the bug is
 * there, red once it is fixed: then drop `.failing` and the matching entry in the scenario's `differences`
 * and docs/differential.md). Both found so far are fixed; their tests stay as regression tests.
 */
import { frame } from '../../../pcap/fixture';
import { describeFrame } from '../../../dataplane/wire/describe';
import { generationFrom, harness, officeRouter } from '../../dataplane/flow/helpers';

const BASE = officeRouter();
const lan = () => frame().eth({ src: '02:00:00:00:88:0a', dst: '02:f1:00:00:00:02' });
const wan = () => frame().eth({ src: '02:00:5e:00:00:01', dst: '02:f1:00:00:00:01' });

// scenarios/stateful-filter frame #8. Linux nf_conntrack_proto_tcp.c tcp_error(): a segment whose flags
// (ignoring PSH/ECE/CWR) are not in tcp_valid_flags (SYN, SYN|URG, SYN|ACK, RST, RST|ACK, FIN|ACK,
// FIN|ACK|URG, ACK, ACK|URG) is invalid. flowplane now checks tcpValidFlags
// (dataplane/conntrack/tcp-state.ts) in the conntrack stage.
test('conntrack: a SYN+FIN segment is invalid (dropped by connection-state=invalid) (fixed; kept as a regression test)', () => {
  const gen = generationFrom(`${BASE}
/ip firewall filter
add chain=forward action=drop connection-state=invalid
`);
  const h = harness(gen);
  const synFin = lan().ipv4({ src: '192.168.88.10', dst: '198.51.100.80' }).tcp({ sport: 51997, dport: 80, flags: 'SF', seq: 1 }).build();
  expect(h.feed('ether2', synFin, 0)).toBe('drop firewall-drop');
});

// scenarios/masquerade frame #11. An ICMP error from the remote about a masqueraded UDP connection is
// `related`; Linux (nf_nat_icmp_reply_translation) rewrites the outer destination to the LAN host and the
// quoted header back to the LAN host's address and port, fixing both checksums. flowplane's rewriteDst /
// rewriteSrc (dataplane/conntrack/nat.ts), called from dataplane/stages/nat.ts with the error's own ICMP
// header as `l4`, write the connection's ports into the ICMP header (bytes 0-3: type, code, checksum): the
// error leaves as "ICMP echo reply" with a bad checksum (the nat.ts header says the quoted header is not
// translated yet; this is worse: the error itself is destroyed).
test('NAT: an ICMP error about a masqueraded connection is translated back, quote included (fixed; kept as a regression test)', () => {
  const gen = generationFrom(`${BASE}
/ip firewall nat
add chain=srcnat action=masquerade out-interface=ether1
`);
  const h = harness(gen);
  expect(h.feed('ether2', lan().ipv4({ src: '192.168.88.10', dst: '198.51.100.53', id: 1 }).udp({ sport: 40000, dport: 53 }).payload('query').build(), 0)).toBe('tx ether1');
  const quoted = frame().ipv4({ src: '203.0.113.2', dst: '198.51.100.53', id: 1, ttl: 63 }).udp({ sport: 40000, dport: 53 }).payload('query').build();
  const err = wan().ipv4({ src: '198.51.100.53', dst: '203.0.113.2', id: 2 }).icmp({ type: 'dest-unreachable', code: 3, quote: quoted }).build();
  expect(h.feed('ether1', err, 100)).toBe('tx ether2');
  const out = h.sent[h.sent.length - 1]!.frame;
  const line = describeFrame(out, 0, out.length, 1, { checksums: true });
  expect(line).toContain('IP 198.51.100.53 > 192.168.88.10: ICMP 198.51.100.53 udp port 53 unreachable');
  expect(line).not.toContain('bad');
  // The quote: source 192.168.88.10 port 40000 again.
  const q = 14 + 20 + 8;
  expect(Array.from(out.slice(q + 12, q + 16))).toEqual([192, 168, 88, 10]);
  expect((out[q + 20]! << 8) | out[q + 21]!).toBe(40000);
});
