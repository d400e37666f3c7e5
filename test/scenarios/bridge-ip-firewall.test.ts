/**
 * Scenario bridge-ip-firewall (test/scenarios/bridge-ip-firewall/): a transparent stateful firewall — two
 * bridge ports with `use-ip-firewall=yes` and a small filter. Every expectation below is worked out from
 * the config and the story in bridge-ip-firewall/captures.ts by RouterOS's rules (ROUTEROS-FLOW.md §1 (d),
 * §6), not copied from a run.
 */
import * as path from 'node:path';
import { bridgeIpFirewallCaptureBytes, A, S, BR } from './bridge-ip-firewall/captures';
import { committedCapturesMatch, replayScenario, badChecksums } from './fw-scenario';
import { macToString } from '../../dataplane/wire/ethernet';

const DIR = path.join(__dirname, 'bridge-ip-firewall');

test('committed captures equal what captures.ts builds', () => {
  const c = committedCapturesMatch(DIR, bridgeIpFirewallCaptureBytes());
  expect(c).toEqual({ files: ['in-ether2.pcap', 'in-ether3.pcap'], same: { ether2: true, ether3: true } });
});

describe('bridge-ip-firewall', () => {
  const s = replayScenario(DIR, { trace: true });
  const fw = s.run.flow.firewall!;
  const filter = s.gen.firewall.filter;
  const hits = (c: string): number => fw.filter.packets[filter.comments.indexOf(c)]!;

  test('the bridged IP hooks are real stages; the routed prerouting ones stay out of the way', () => {
    const names = s.run.flow.graph.stages.map((st) => st.name);
    expect(names).toContain('bridge-ip-conntrack');
    expect(names).toContain('bridge-ip-filter-forward');
    expect(names).toContain('bridge-ip-srcnat');
    const seen = (n: string) => s.run.flow.graph.runtime[s.run.flow.graph.stageIndex(n)]!.packets;
    // the nine IPv4 frames (not the ARP) are tracked on the bridged path; the two pings to the router
    // are not tracked again on the routed path
    expect(seen('bridge-ip-conntrack')).toBe(9);
    expect(seen('conntrack')).toBe(0);
    expect(seen('filter-input')).toBe(2);
  });

  test('fates: what A opens passes both ways; new and invalid from ether3 and its ping to the router are dropped', () => {
    expect(s.fates()).toEqual([
      '0 ether2 tx ether2',
      '10 ether2 tx ether3',
      '20 ether3 tx ether2',
      '30 ether3 drop firewall-drop',
      '40 ether2 tx ether3',
      '50 ether3 tx ether2',
      '60 ether2 tx ether3',
      '70 ether3 drop firewall-drop',
      '80 ether2 tx ether2',
      '90 ether3 drop firewall-drop',
    ]);
  });

  test('rule counters: each rule took exactly the packets the story says', () => {
    expect(hits('established')).toBe(3); // 20, 50, 60
    expect(hits('invalid')).toBe(1); // 70
    expect(hits('no new from outside')).toBe(1); // 30
    expect(hits('router from inside')).toBe(1); // 80
    expect(hits('router from outside')).toBe(1); // 90
  });

  test('connections: the UDP exchange, the TCP connection and A\'s ping — each tracked once, none for the dropped', () => {
    expect(fw.ct.confirmed).toBe(3);
    expect(fw.ct.size).toBe(3);
    const counts: number[][] = [];
    fw.ct.forEach((id) => counts.push([fw.ct.proto[id]!, fw.ct.packets[id * 2]!, fw.ct.packets[id * 2 + 1]!]));
    expect(counts.sort((x, y) => x[0]! - y[0]!)).toEqual([
      [1, 1, 1], // A's ping and the router's echo reply
      [6, 2, 1], // SYN, ACK / SYN-ACK
      [17, 1, 1],
    ]);
  });

  test('bridged frames leave unchanged (MACs kept, no TTL change), with valid checksums', () => {
    const fwd = s.out('ether3');
    // the flooded ARP request, then A's three bridged IPv4 frames: MACs as sent, TTL 64 as sent
    expect(fwd.map((o) => [macToString(o.frame, 0), macToString(o.frame, 6)])).toEqual([['ff:ff:ff:ff:ff:ff', A], [S, A], [S, A], [S, A]]);
    expect(fwd.slice(1).map((o) => o.frame[22])).toEqual([64, 64, 64]);
    const back = s.out('ether2');
    expect(back.slice(1, 3).map((o) => [macToString(o.frame, 0), macToString(o.frame, 6), o.frame[22]])).toEqual([
      [A, S, 64],
      [A, S, 64],
    ]);
    expect(macToString(s.out('ether2')[3]!.frame, 6)).toBe(BR); // the router's echo reply
    expect(badChecksums(s.run.outputs)).toEqual([]);
  });
});
