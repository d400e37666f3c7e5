/**
 * Scenario bogons (test/scenarios/bogons/): an address list of bogon prefixes (some entries disabled) used
 * by raw prerouting (WAN sources), filter input (sources) and filter forward (sources and destinations).
 * Expectations are worked out from config.rsc and the story in bogons/captures.ts.
 */
import * as path from 'node:path';
import { bogonCaptureBytes, R1, R2, ISP, H_MAC } from './bogons/captures';
import { committedCapturesMatch, replayScenario, badChecksums } from './fw-scenario';
import { macToString } from '../../dataplane/wire/ethernet';

const DIR = path.join(__dirname, 'bogons');

test('committed captures equal what captures.ts builds', () => {
  expect(committedCapturesMatch(DIR, bogonCaptureBytes())).toEqual({ files: ['in-ether1.pcap', 'in-ether2.pcap'], same: { ether1: true, ether2: true } });
});

describe('bogons', () => {
  const s = replayScenario(DIR);
  const fw = s.run.flow.firewall!;

  test('the list compiles with its 8 enabled entries (disabled ones left out)', () => {
    expect(s.gen.firewall.problems).toEqual([]);
    expect(s.gen.firewall.staticAddresses).toHaveLength(8);
  });

  test('fates: bogon sources die in raw (WAN) or on input/forward (LAN), bogon destinations on forward', () => {
    expect(s.fates()).toEqual([
      '0 ether1 drop firewall-drop', // raw
      '10 ether1 drop firewall-drop', // raw
      '20 ether1 tx ether2', // 10/8 disabled
      '30 ether1 tx ether1', // delivered; the echo reply is made in place and leaves ether1
      '40 ether2 drop firewall-drop', // forward: to a bogon
      '45 ether2 tx ether1', // 10/8 disabled
      '50 ether2 tx ether1',
      '60 ether2 drop firewall-drop', // input: bogon source
      '70 ether2 drop firewall-drop', // forward: bogon source
      '80 ether1 tx ether2',
    ]);
  });

  test('what went out: the router answers the real ping; LAN traffic masqueraded; the answer de-NATed', () => {
    expect(s.lines('ether1')).toEqual([
      'IP 100.64.0.2 > 8.8.8.8: ICMP echo reply, id 2, seq 1, length 12',
      'IP 100.64.0.2.7001 > 10.1.2.3.53: UDP, length 9',
      'IP 100.64.0.2.7002 > 8.8.8.8.53: UDP, length 6',
    ]);
    expect(s.lines('ether2')).toEqual(['IP 10.9.9.9.5000 > 192.168.88.10.6000: UDP, length 7', 'IP 8.8.8.8.53 > 192.168.88.10.7002: UDP, length 6']);
    for (const o of s.out('ether1')) expect([macToString(o.frame, 6), macToString(o.frame, 0)]).toEqual([R1, ISP]);
    for (const o of s.out('ether2')) expect([macToString(o.frame, 6), macToString(o.frame, 0)]).toEqual([R2, H_MAC]);
    expect(badChecksums(s.run.outputs)).toEqual([]);
  });

  test('rule counters: raw 2, input 1, forward sources 1, forward destinations 1', () => {
    expect(fw.raw.packets[0]).toBe(2);
    const f = s.gen.firewall.filter;
    const hit = (c: string) => fw.filter.packets[f.comments.indexOf(c)];
    expect(hit('drop bogon sources to the router')).toBe(1);
    expect(hit('drop bogon sources')).toBe(1);
    expect(hit('Drop to bogon list')).toBe(1);
  });

  test('raw drops leave no connection behind; the others are tracked', () => {
    // tracked: 10.9.9.9 -> H, the real ping, H -> 10.1.2.3, H -> 8.8.8.8 (dropped packets' entries released)
    expect(fw.ct.confirmed).toBe(4);
  });
});
