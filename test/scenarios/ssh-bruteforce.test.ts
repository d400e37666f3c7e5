/**
 * Scenario ssh-bruteforce (test/scenarios/ssh-bruteforce/): staged SSH brute-force detection with address
 * lists that time out on the capture clock, and a blacklist drop that spares one MAC. Expectations are
 * worked out from config.rsc and the story in ssh-bruteforce/captures.ts.
 */
import * as path from 'node:path';
import { bruteCaptureBytes } from './ssh-bruteforce/captures';
import { committedCapturesMatch, replayScenario, T0 } from './fw-scenario';
import { ipv4ToString } from '../../dataplane/wire/ipv4';

const DIR = path.join(__dirname, 'ssh-bruteforce');

test('committed captures equal what captures.ts builds', () => {
  expect(committedCapturesMatch(DIR, bruteCaptureBytes())).toEqual({ files: ['in-ether2.pcap'], same: { ether2: true } });
});

describe('ssh-bruteforce', () => {
  const s = replayScenario(DIR);
  const fw = s.run.flow.firewall!;
  const filter = s.gen.firewall.filter;
  const hits = (c: string): number => fw.filter.packets[filter.comments.indexOf(c)]!;

  test('the rules compile without problems', () => {
    expect(s.gen.firewall.problems).toEqual([]);
    expect(filter.n).toBe(10);
  });

  test('fates: A is dropped from its 5th connection on; B and the admin never are', () => {
    expect(s.fates()).toEqual([
      '0 ether2 local',
      '5000 ether2 local',
      '10000 ether2 local',
      '15000 ether2 local', // the 4th: blacklisted now, but the drop rule was already passed
      '20000 ether2 drop firewall-drop',
      '30000 ether2 local',
      '40000 ether2 local',
      '41000 ether2 local',
      '42000 ether2 local',
      '43000 ether2 local', // the admin is on bl_ssh from here on ...
      '44000 ether2 local', // ... and spared by src-mac-address=!AA:BB:CC:EE:DD:FF
      '100000 ether2 local',
      '170000 ether2 local',
      '200000 ether2 drop firewall-drop',
    ]);
    expect(s.run.outputs).toEqual([]);
  });

  test('rule counters follow the stages', () => {
    expect(hits('Drop anyone in Black List (SSH).')).toBe(2); // A at 20 s and 200 s
    expect(hits('Jump to Black List (SSH) chain.')).toBe(12); // every SYN not dropped first
    expect(hits('Transfer repeated attempts from Black List (SSH) Stage 3 to Black List (SSH).')).toBe(3); // A's 4th, the admin's 4th and 5th
    expect(hits('Add successive attempts to Black List (SSH) Stage 3.')).toBe(5); // A 3rd-4th, admin 3rd-5th
    expect(hits('Add successive attempts to Black List (SSH) Stage 2.')).toBe(7); // A 2nd-4th, admin 2nd-5th; never B
    expect(hits('Add initial attempt to Black List (SSH) Stage 1.')).toBe(12);
    expect(hits('Return From Black List (SSH) chain.')).toBe(12);
    expect(hits('allow SSH')).toBe(12);
    expect(hits('drop everything else')).toBe(0);
  });

  test('the lists at the end: A and the admin blacklisted for 4w2d, B only on stage 1 (from 170 s), the static entry kept', () => {
    const now = s.run.flow.state.now;
    const names = s.gen.firewall.addressListNames;
    const rows = fw.lists.entries(now).map((e) => `${names[e.list]} ${ipv4ToString(e.lo)} ${e.expires === Infinity ? 'static' : Math.round(e.expires - T0)}`);
    expect(rows.sort()).toEqual([
      `bl_ssh 192.0.2.1 static`,
      `bl_ssh 192.168.88.2 ${44 + 30 * 86400}`,
      `bl_ssh 192.168.88.66 ${15 + 30 * 86400}`,
      'bl_ssh_stage1 192.168.88.77 230',
    ]);
  });

  test('the two drops are logged with the rule\'s prefix, from A', () => {
    expect(fw.log.map((l) => [Math.round(l.time - T0), l.text.split(' ')[0], l.text.includes('192.168.88.66:')])).toEqual([
      [20, 'bl_ssh', true],
      [200, 'bl_ssh', true],
    ]);
  });
});
