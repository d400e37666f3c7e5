/**
 * Scenario pcc-dual-wan (test/scenarios/pcc-dual-wan/): per-connection-classifier load balancing over two
 * WANs — connection marks from `both-addresses:2/0|1`, routing marks from connection marks, two routing
 * tables, masquerade per WAN. The class of each connection is flowplane's PCC hash (match.ts pccHash, checked
 * against a murmur3 reference in test/dataplane/firewall/pcc.test.ts) modulo 2; the test states the classes
 * the story relies on first, then the outputs worked out from them by hand.
 */
import * as path from 'node:path';
import { pccCaptureBytes, R1, R2, R3, GW1, GW2 } from './pcc-dual-wan/captures';
import { committedCapturesMatch, replayScenario, badChecksums } from './fw-scenario';
import { pccHash } from '../../dataplane/firewall/match';
import { PCC_F } from '../../dataplane/firewall/rules';
import { macToString } from '../../dataplane/wire/ethernet';

const DIR = path.join(__dirname, 'pcc-dual-wan');
const ip = (s: string): number => s.split('.').reduce((a, b) => a * 256 + Number(b), 0);
const cls = (src: string, dst: string): number => pccHash(PCC_F.SRC_ADDR | PCC_F.DST_ADDR, ip(src), ip(dst), 0, 0) % 2;

test('committed captures equal what captures.ts builds', () => {
  expect(committedCapturesMatch(DIR, pccCaptureBytes())).toEqual({
    files: ['in-ether1.pcap', 'in-ether2.pcap', 'in-ether3.pcap'],
    same: { ether1: true, ether2: true, ether3: true },
  });
});

test('the classes the story relies on: both WANs get connections', () => {
  expect(cls('192.168.1.10', '8.8.8.8')).toBe(1); // H1 q1 -> ISP2
  expect(cls('192.168.1.10', '1.1.1.1')).toBe(0); // H1 q2 -> ISP1
  expect(cls('192.168.1.20', '8.8.8.8')).toBe(0); // H2 -> ISP1
  expect(cls('192.168.1.30', '1.1.1.1')).toBe(1); // H3 -> ISP2
});

describe('pcc-dual-wan', () => {
  const s = replayScenario(DIR);
  const fw = s.run.flow.firewall!;

  test('compiles without problems (per-connection-classifier is evaluated)', () => {
    expect(s.gen.firewall.problems).toEqual([]);
  });

  test('fates: LAN connections leave by their class, answers come back to the LAN', () => {
    expect(s.fates()).toEqual([
      '0 ether3 tx ether2',
      '10 ether3 tx ether1',
      '20 ether3 tx ether1',
      '30 ether3 tx ether2',
      '50 ether2 tx ether3',
      '60 ether1 tx ether3',
      '70 ether2 tx ether3',
      '80 ether3 tx ether2', // H3's ACK: its connection's mark, not a new classification
      '90 ether3 tx ether2', // H1's third query on the first connection
    ]);
  });

  test('ISP1 carries class 0, masqueraded to 10.1.0.2; ISP2 class 1, masqueraded to 10.2.0.2', () => {
    expect(s.lines('ether1')).toEqual(['IP 10.1.0.2.5001 > 1.1.1.1.53: UDP, length 5', 'IP 10.1.0.2.5002 > 8.8.8.8.53: UDP, length 5']);
    expect(s.lines('ether2')).toEqual([
      'IP 10.2.0.2.5000 > 8.8.8.8.53: UDP, length 5',
      'IP 10.2.0.2.40000 > 1.1.1.1.443: Flags [S], seq 10, win 64240, length 0',
      'IP 10.2.0.2.40000 > 1.1.1.1.443: Flags [.], ack 501, win 502, length 0',
      'IP 10.2.0.2.5000 > 8.8.8.8.53: UDP, length 5',
    ]);
    for (const o of s.out('ether1')) expect([macToString(o.frame, 6), macToString(o.frame, 0)]).toEqual([R1, GW1]);
    for (const o of s.out('ether2')) expect([macToString(o.frame, 6), macToString(o.frame, 0)]).toEqual([R2, GW2]);
  });

  test('answers are de-NATed and routed by main to the LAN (mark-routing only marks LAN packets)', () => {
    expect(s.lines('ether3')).toEqual([
      'IP 8.8.8.8.53 > 192.168.1.10.5000: UDP, length 9',
      'IP 1.1.1.1.53 > 192.168.1.10.5001: UDP, length 9',
      'IP 1.1.1.1.443 > 192.168.1.30.40000: Flags [S.], seq 500, ack 11, win 65160, length 0',
    ]);
    for (const o of s.out('ether3')) expect(macToString(o.frame, 6)).toBe(R3);
    expect(badChecksums(s.run.outputs)).toEqual([]);
  });

  test('connection marks: two connections per WAN class', () => {
    const marks: string[] = [];
    fw.ct.forEach((id) => marks.push(s.gen.firewall.markNames[fw.ct.mark[id]!]!));
    expect(marks.sort()).toEqual(['ISP1_conn', 'ISP1_conn', 'ISP2_conn', 'ISP2_conn']);
    // each mark-connection rule acted once per connection (connection-mark=no-mark keeps later packets out)
    expect([fw.mangle.packets[0], fw.mangle.packets[1]]).toEqual([2, 2]);
    // mark-routing: every LAN packet of its class (ISP1: 2 packets; ISP2: H1 twice, H3 twice)
    expect([fw.mangle.packets[2], fw.mangle.packets[3]]).toEqual([2, 4]);
  });
});
