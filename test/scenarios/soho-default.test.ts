/**
 * Scenario soho-default (test/scenarios/soho-default/): RouterOS v7's default firewall with FastTrack and
 * masquerade on a home router. Every expectation below is worked out from the config and the story in
 * soho-default/captures.ts by RouterOS's rules (ROUTEROS-FLOW.md §1–§4), not copied from a run.
 */
import * as path from 'node:path';
import { sohoCaptureBytes, R_WAN, R_LAN, ISP, H_MAC } from './soho-default/captures';
import { committedCapturesMatch, replayScenario, badChecksums } from './fw-scenario';
import { macToString } from '../../dataplane/wire/ethernet';
import { CtStatus } from '../../dataplane/conntrack/table';
import { Tcp } from '../../dataplane/conntrack/tcp-state';

const DIR = path.join(__dirname, 'soho-default');

test('committed captures equal what captures.ts builds', () => {
  const c = committedCapturesMatch(DIR, sohoCaptureBytes());
  expect(c).toEqual({ files: ['in-ether1.pcap', 'in-ether2.pcap'], same: { ether1: true, ether2: true } });
});

describe('soho-default', () => {
  const s = replayScenario(DIR, { trace: true });
  const fw = s.run.flow.firewall!;
  const filter = s.gen.firewall.filter;
  /** Packet counter of the filter rule of `chain` with comment `c`. */
  const hits = (chain: 'input' | 'forward', c: string): number => {
    const rules = [...filter.chainRules[filter.chainNames.indexOf(chain)]!];
    const r = rules.find((k) => filter.comments[k] === c);
    if (r === undefined) throw new Error(`no rule ${c}`);
    return fw.filter.packets[r]!;
  };

  test('the default firewall compiles without problems, with the fasttrack stage in the flow', () => {
    expect(s.gen.firewall.problems).toEqual([]);
    expect(filter.n).toBe(9);
    expect(s.gen.firewall.nat.n).toBe(1);
    const names = s.run.flow.graph.stages.map((st) => st.name);
    expect(names.indexOf('fasttrack')).toBe(names.indexOf('ip4-input') + 1);
  });

  test('fates: everything from H and its answers pass; the scanner and the stray segment are dropped', () => {
    expect(s.fates()).toEqual([
      '0 ether2 tx ether1',
      '20 ether1 tx ether2',
      '100 ether2 tx ether1',
      '130 ether1 tx ether2',
      '131 ether2 tx ether1',
      '132 ether2 tx ether1',
      '160 ether1 tx ether2',
      '161 ether2 tx ether1',
      '300 ether2 tx ether1',
      '330 ether1 tx ether2',
      '331 ether2 tx ether1',
      '400 ether2 tx ether1',
      '420 ether1 tx ether2',
      '500 ether1 drop firewall-drop', // input: drop all not coming from LAN
      '510 ether1 drop firewall-drop', // forward: drop all from WAN not DSTNATed
      '600 ether2 drop firewall-drop', // forward: drop invalid
      '1200 ether2 tx ether1',
      '1210 ether1 tx ether2',
    ]);
  });

  test('the WAN sees H only as 203.0.113.2 (masquerade), ports and ICMP id kept, TTL decremented', () => {
    expect(s.lines('ether1')).toEqual([
      'IP 203.0.113.2.40000 > 198.51.100.53.53: UDP, length 19',
      'IP 203.0.113.2.51000 > 198.51.100.80.80: Flags [S], seq 1000, win 64240, length 0',
      'IP 203.0.113.2.51000 > 198.51.100.80.80: Flags [.], ack 5001, win 502, length 0',
      'IP 203.0.113.2.51000 > 198.51.100.80.80: Flags [P.], seq 1001:1041, ack 5001, win 502, length 40',
      'IP 203.0.113.2.51000 > 198.51.100.80.80: Flags [.], ack 5101, win 502, length 0',
      'IP 203.0.113.2.51000 > 198.51.100.80.80: Flags [F.], seq 1041, ack 5101, win 502, length 0',
      'IP 203.0.113.2.51000 > 198.51.100.80.80: Flags [.], ack 5102, win 502, length 0',
      'IP 203.0.113.2 > 198.51.100.80: ICMP echo request, id 77, seq 1, length 19',
      'IP 203.0.113.2.40000 > 198.51.100.53.53: UDP, length 19',
    ]);
    for (const o of s.out('ether1')) {
      expect([macToString(o.frame, 6), macToString(o.frame, 0), o.frame[22]]).toEqual([R_WAN, ISP, 63]);
    }
  });

  test('H gets every answer de-NATed to 192.168.88.10, through the bridge port it was learned on', () => {
    expect(s.lines('ether2')).toEqual([
      'IP 198.51.100.53.53 > 192.168.88.10.40000: UDP, length 34',
      'IP 198.51.100.80.80 > 192.168.88.10.51000: Flags [S.], seq 5000, ack 1001, win 65160, length 0',
      'IP 198.51.100.80.80 > 192.168.88.10.51000: Flags [P.], seq 5001:5101, ack 1041, win 509, length 100',
      'IP 198.51.100.80.80 > 192.168.88.10.51000: Flags [F.], seq 5101, ack 1042, win 509, length 0',
      'IP 198.51.100.80 > 192.168.88.10: ICMP echo reply, id 77, seq 1, length 19',
      'IP 198.51.100.53.53 > 192.168.88.10.40000: UDP, length 34',
    ]);
    for (const o of s.out('ether2')) {
      expect([macToString(o.frame, 6), macToString(o.frame, 0), o.frame[22]]).toEqual([R_LAN, H_MAC, 63]);
    }
    expect(s.out('ether3')).toEqual([]);
  });

  test('every frame sent has valid checksums, fast path (incremental NAT + TTL) included', () => {
    expect(badChecksums(s.run.outputs)).toEqual([]);
  });

  test('fasttracked packets never reach the filter: rule counters count only slow-path packets', () => {
    // fasttrack rule and the accept after it: the slow-path established packets — DNS answer (20), SYN/ACK
    // (130), ACK (131), both FINs (300, 330), the last ACK (331), the echo reply (420), the refresh (1200).
    expect(hits('forward', 'defconf: fasttrack')).toBe(8);
    expect(hits('forward', 'defconf: accept established,related, untracked')).toBe(8);
    expect(hits('forward', 'defconf: drop invalid')).toBe(1);
    expect(hits('forward', 'defconf: drop all from WAN not DSTNATed')).toBe(1);
    expect(hits('input', 'defconf: drop all not coming from LAN')).toBe(1);
    expect(hits('input', 'defconf: drop invalid')).toBe(0);
    expect(hits('input', 'defconf: accept ICMP')).toBe(0);
    // masquerade: the first packet of each of the three connections H opened
    expect(fw.nat.packets[0]).toBe(3);
  });

  test('fasttrack counters: 3 TCP packets (132, 160, 161) and 1 UDP packet (1210), also on the dummy rule', () => {
    const per: string[] = [];
    fw.ct.forEach((id) => {
      if (fw.ct.status[id]! & CtStatus.FASTTRACK) per.push(`${fw.ct.proto[id]}: ${fw.ct.ftPackets[id]} packets, ${fw.ct.ftBytes[id]} bytes`);
    });
    // UDP answer: 20 + 8 + 34; TCP: GET 20 + 20 + 40, page 20 + 20 + 100, ACK 40
    expect(per.sort()).toEqual(['17: 1 packets, 62 bytes', '6: 3 packets, 260 bytes']);
    expect([fw.ftMarked, fw.ftPackets, fw.ftBytes]).toEqual([2, 4, 322]);
    expect(fw.fasttrackDummy(s.run.flow.state.now)).toEqual({
      chain: 'forward',
      action: 'passthrough',
      comment: 'special dummy rule to show fasttrack counters',
      packets: 4,
      bytes: 322,
    });
    // once every fasttracked connection has timed out, the dummy rule is gone
    expect(fw.fasttrackDummy(s.run.flow.state.now + 86400 * 2)).toBeNull();
  });

  test('the connection table: three connections (DNS, web, ping); the dropped ones left nothing', () => {
    const rows: string[] = [];
    fw.ct.forEach((id) => {
      const st = fw.ct.status[id]!;
      rows.push(`${fw.ct.proto[id]} ${st & CtStatus.SRCNAT ? 's' : '-'}${st & CtStatus.FASTTRACK ? 'F' : '-'}${st & CtStatus.ASSURED ? 'A' : '-'}`);
    });
    expect(rows.sort()).toEqual(['1 s-A', '17 sFA', '6 sFA']);
    let tcp = -1;
    fw.ct.forEach((id) => {
      if (fw.ct.proto[id] === 6) tcp = fw.ct.pstate[id]!;
    });
    expect(tcp).toBe(Tcp.TIME_WAIT);
  });

  test('the trace shows the shortcut and why the other packets of fasttracked connections took the slow path', () => {
    const text = s.traceText();
    const fast = text.split('\n').filter((l) => l.includes('fasttrack: fasttrack connection'));
    expect(fast).toHaveLength(4);
    const slow = text
      .split('\n')
      .filter((l) => l.includes('fasttrack-slow'))
      .map((l) => l.replace(/.*slow path \((.*)\)$/, '$1'));
    expect(slow).toEqual(['TCP state not established', 'TCP SYN/FIN/RST', 'TCP SYN/FIN/RST', 'TCP state not established', 'conntrack refresh due']);
  });
});
