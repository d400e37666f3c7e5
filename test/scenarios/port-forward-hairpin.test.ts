/**
 * Scenario port-forward-hairpin (test/scenarios/port-forward-hairpin/): dst-nat port forward from the WAN and
 * the hairpin masquerade for LAN clients using the public address; FastTrack keeps both stored translations.
 * Expectations are worked out from config.rsc and the story in port-forward-hairpin/captures.ts.
 */
import * as path from 'node:path';
import { hairpinCaptureBytes, R1, R2, ISP, S_MAC, C_MAC } from './port-forward-hairpin/captures';
import { committedCapturesMatch, replayScenario, badChecksums } from './fw-scenario';
import { macToString } from '../../dataplane/wire/ethernet';
import { CtStatus } from '../../dataplane/conntrack/table';

const DIR = path.join(__dirname, 'port-forward-hairpin');

test('committed captures equal what captures.ts builds', () => {
  expect(committedCapturesMatch(DIR, hairpinCaptureBytes())).toEqual({ files: ['in-ether1.pcap', 'in-ether2.pcap'], same: { ether1: true, ether2: true } });
});

describe('port-forward-hairpin', () => {
  const s = replayScenario(DIR, { trace: true });
  const fw = s.run.flow.firewall!;

  test('compiles without problems; every frame is forwarded', () => {
    expect(s.gen.firewall.problems).toEqual([]);
    expect(s.fates()).toEqual([
      '0 ether1 tx ether2',
      '20 ether2 tx ether1',
      '40 ether1 tx ether2',
      '41 ether1 tx ether2',
      '60 ether2 tx ether1',
      '100 ether2 tx ether2',
      '120 ether2 tx ether2',
      '121 ether2 tx ether2',
      '122 ether2 tx ether2',
      '150 ether2 tx ether2',
    ]);
  });

  test('the visitor talks to 203.0.113.2:8080 only', () => {
    expect(s.lines('ether1')).toEqual([
      'IP 203.0.113.2.8080 > 198.51.100.23.40001: Flags [S.], seq 700, ack 101, win 65160, length 0',
      'IP 203.0.113.2.8080 > 198.51.100.23.40001: Flags [P.], seq 701:731, ack 121, win 509, length 30',
    ]);
    for (const o of s.out('ether1')) expect([macToString(o.frame, 6), macToString(o.frame, 0)]).toEqual([R1, ISP]);
  });

  test('the LAN: S sees the visitor as is and the client as the router; the client sees only the public address', () => {
    expect(s.lines('ether2')).toEqual([
      'IP 198.51.100.23.40001 > 192.168.88.10.80: Flags [S], seq 100, win 64240, length 0',
      'IP 198.51.100.23.40001 > 192.168.88.10.80: Flags [.], ack 701, win 502, length 0',
      'IP 198.51.100.23.40001 > 192.168.88.10.80: Flags [P.], seq 101:121, ack 701, win 502, length 20',
      'IP 192.168.88.1.50000 > 192.168.88.10.80: Flags [S], seq 300, win 64240, length 0',
      'IP 203.0.113.2.8080 > 192.168.88.20.50000: Flags [S.], seq 900, ack 301, win 65160, length 0',
      'IP 192.168.88.1.50000 > 192.168.88.10.80: Flags [.], ack 901, win 502, length 0',
      'IP 192.168.88.1.50000 > 192.168.88.10.80: Flags [P.], seq 301:321, ack 901, win 502, length 20',
      'IP 203.0.113.2.8080 > 192.168.88.20.50000: Flags [P.], seq 901:931, ack 321, win 509, length 30',
    ]);
    const dstMacs = s.out('ether2').map((o) => macToString(o.frame, 0));
    expect(dstMacs).toEqual([S_MAC, S_MAC, S_MAC, S_MAC, C_MAC, S_MAC, S_MAC, C_MAC]);
    for (const o of s.out('ether2')) expect(macToString(o.frame, 6)).toBe(R2);
  });

  test('checksums stay valid through dst-nat, masquerade and both at once, on the fast path too', () => {
    expect(badChecksums(s.run.outputs)).toEqual([]);
  });

  test('two connections: the forward (dstnat) and the hairpin (dstnat + srcnat), both fasttracked', () => {
    const rows: string[] = [];
    fw.ct.forEach((id) => {
      const st = fw.ct.status[id]!;
      rows.push(`${st & CtStatus.SRCNAT ? 's' : '-'}${st & CtStatus.DSTNAT ? 'd' : '-'}${st & CtStatus.FASTTRACK ? 'F' : '-'} ${fw.ct.ftPackets[id]}`);
    });
    expect(rows.sort()).toEqual(['-dF 2', 'sdF 2']); // 41, 60 and 122, 150 took the shortcut
    const nat = s.gen.firewall.nat;
    expect([...fw.nat.packets.slice(0, nat.n)]).toEqual([0, 1, 2]); // Default Masq never (nothing leaves ether1 new), hairpin 1, forward 2
  });

  test('the trace: the fast path carries the hairpin connection\'s packets past every hook', () => {
    const fast = s.traceText().split('\n').filter((l) => l.includes('fast path, main table'));
    expect(fast).toHaveLength(4);
  });
});
