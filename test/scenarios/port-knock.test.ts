/**
 * Scenario port-knock (test/scenarios/port-knock/): SSH opened by a four-knock sequence whose stages are
 * address lists with timeouts on the capture clock. Expectations are worked out from config.rsc and the story
 * in port-knock/captures.ts.
 */
import * as path from 'node:path';
import { knockCaptureBytes, T0_KNOCK } from './port-knock/captures';
import { committedCapturesMatch, replayScenario } from './fw-scenario';

const DIR = path.join(__dirname, 'port-knock');

test('committed captures equal what captures.ts builds', () => {
  expect(committedCapturesMatch(DIR, knockCaptureBytes())).toEqual({ files: ['in-ether1.pcap'], same: { ether1: true } });
});

describe('port-knock', () => {
  const s = replayScenario(DIR, { trace: true });
  const fw = s.run.flow.firewall!;
  const filter = s.gen.firewall.filter;
  const byComment = (c: string): number => fw.filter.packets[filter.comments.indexOf(c)]!;

  test('the rules compile without problems (a jump into a user chain with a return)', () => {
    expect(s.gen.firewall.problems).toEqual([]);
    expect(filter.chainNames).toEqual(['input', 'forward', 'output', 'ssh_portKnocking']);
  });

  test('fates: only SSH SYNs within 20 s of a correct, timely sequence reach the router', () => {
    expect(s.fates()).toEqual([
      '0 ether1 drop firewall-drop', // SSH before knocking
      '1000 ether1 drop firewall-drop', // knock 1 (the knocks themselves are always dropped)
      '2000 ether1 drop firewall-drop', // knock 2
      '9000 ether1 drop firewall-drop', // knock 3, 2 s after pk_stage2 expired
      '9500 ether1 drop firewall-drop', // knock 4 without stage 3
      '10000 ether1 drop firewall-drop', // SSH: still closed
      '20000 ether1 drop firewall-drop',
      '21000 ether1 drop firewall-drop',
      '22000 ether1 drop firewall-drop',
      '23000 ether1 drop firewall-drop',
      '24000 ether1 local', // KnockedSuccessfully
      '24500 ether1 local', // retransmitted SYN: still new, still allowed
      '25000 ether1 drop firewall-drop', // X never knocked
      '42000 ether1 local', // 1 s before pk_sshAllow ends
      '44000 ether1 drop firewall-drop', // pk_sshAllow expired at 43 s
    ]);
    // The router answers nothing: the knocks are dropped before local delivery, SSH listens.
    expect(s.run.outputs).toEqual([]);
  });

  test('rule counters: which knock rule fired how often', () => {
    expect(byComment('SSH Port Knocking')).toBe(15);
    expect(byComment('#KnockKnock:10685')).toBe(2);
    expect(byComment('#KnockKnock:6845')).toBe(2);
    expect(byComment('#KnockKnock:6738')).toBe(1); // the late one (9000) found U off pk_stage2
    expect(byComment('#KnockKnock:9835')).toBe(1); // 9500 found U off pk_stage3
    expect(byComment('KnockedSuccessfully')).toBe(3);
    expect(byComment('Return from SSH Port Knocking')).toBe(12);
    expect(byComment('Deny All Other Incoming Traffic')).toBe(12);
    expect(byComment('accept established,related')).toBe(0);
  });

  test('the walks say why: the late knock and the expired entry fail at src-address-list', () => {
    const packets = s.traceText().split(/\n(?=packet )/);
    // packets are numbered in capture order: 4 = the late knock at 9000, 11 = SSH at 24000, 15 = SSH at 44000.
    // (KnockedSuccessfully and the 9835 rule fail earlier for the knock, at dst-port: ports are tested first)
    const walk = (k: number): string[] =>
      packets
        .find((p) => p.startsWith(`packet ${k}\n`))!
        .split('\n')
        .filter((l) => l.includes('fw-rule') && l.includes('no match (src-address-list)'))
        .map((l) => l.replace(/.*"(.*)".*/, '$1'));
    expect(walk(4)).toEqual(['#KnockKnock:6738']);
    expect(walk(15)).toEqual(['KnockedSuccessfully']);
    expect(walk(11)).toEqual([]);
  });

  test('the successful logins are logged with the rule\'s prefix; every list entry has timed out at the end', () => {
    // (the chain word after the prefix is left out: flowplane writes the hook's chain, `input`; whether RouterOS
    // writes the user chain the rule is in is unconfirmed)
    expect(fw.log.map((l) => [Math.round((l.time - T0_KNOCK) * 1000), l.text.split(' ')[0], l.text.split(', ')[0]!.replace(/^\S+ \S+ /, '')])).toEqual([
      [24000, 'ssh_login', 'in:ether1 out:(unknown 0)'],
      [24500, 'ssh_login', 'in:ether1 out:(unknown 0)'],
      [42000, 'ssh_login', 'in:ether1 out:(unknown 0)'],
    ]);
    expect(fw.log[0]!.text).toContain('198.51.100.7:40002->203.0.113.2:22');
    expect(fw.lists.entries(s.run.flow.state.now)).toEqual([]);
    expect([...filter.addTimeout.slice(3, 7)]).toEqual([20, 5, 5, 5]);
  });
});
