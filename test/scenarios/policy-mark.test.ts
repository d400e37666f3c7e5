/**
 * Scenario policy-mark (test/scenarios/policy-mark/): policy routing by routing mark set by mangle
 * mark-routing — by source with a negated destination, by port, and from a connection mark (answers of a
 * port forward on the second WAN leave through it). Expected outputs are worked out from the config by hand
 * (comments in config.rsc and captures.ts) and checked by parsing the frames back.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { markCaptureBytes, captureFile, R1, R2, R3, GW1, GW2, A, S } from './policy-mark/captures';
import { generationFrom, replay } from '../dataplane/flow/helpers';
import { describeFrame } from '../../dataplane/wire/describe';
import { ipv4ChecksumOk, l4ChecksumOk4 } from '../../dataplane/wire/checksum';
import { macToString } from '../../dataplane/wire/ethernet';
import { Fate } from '../../dataplane/flow';
import type { TransmitRecord } from '../../dataplane/ports/flow-replay';
import { expectCommittedCaptures } from './lib';

const DIR = path.join(__dirname, 'policy-mark');
const config = fs.readFileSync(path.join(DIR, 'config.rsc'), 'utf8');

test('committed captures equal what captures.ts builds', () => expectCommittedCaptures(DIR, markCaptureBytes(), captureFile));

describe('policy-mark', () => {
  const gen = generationFrom(config);
  const run = replay(gen, {
    ether1: path.join(DIR, 'in-ether1.pcap'),
    ether2: path.join(DIR, 'in-ether2.pcap'),
    ether3: path.join(DIR, 'in-ether3.pcap'),
  });
  const out = (port: string): TransmitRecord[] => run.outputs.filter((o) => gen.portNames[o.port] === port);
  const lines = (port: string): string[] => out(port).map((o) => describeFrame(o.frame, 0, o.frame.length, 1));

  test('the firewall compiled without problems', () => {
    expect(gen.firewall.problems).toEqual([]);
    expect(gen.firewall.mangle.n).toBe(4);
  });

  test('ISP1 (main table) carries only the unmarked traffic, masqueraded to 10.1.0.2', () => {
    expect(lines('ether1')).toEqual([
      'IP 10.1.0.2.4000 > 8.8.8.8.53: UDP, length 6',
      'IP 10.1.0.2.40001 > 1.1.1.1.80: Flags [S], seq 200, win 65535, length 0',
    ]);
    for (const o of out('ether1')) expect([macToString(o.frame, 6), macToString(o.frame, 0)]).toEqual([R1, GW1]);
  });

  test('ISP2 (table to-isp2) carries B, HTTPS, and the port-forward answer translated back to 10.2.0.2:8080', () => {
    expect(lines('ether2')).toEqual([
      'IP 10.2.0.2.4001 > 8.8.8.8.53: UDP, length 6',
      'IP 10.2.0.2.40000 > 1.1.1.1.443: Flags [S], seq 100, win 65535, length 0',
      'IP 10.2.0.2.8080 > 203.0.113.9.50000: Flags [S.], seq 900, ack 301, win 65535, length 0',
    ]);
    for (const o of out('ether2')) expect([macToString(o.frame, 6), macToString(o.frame, 0)]).toEqual([R2, GW2]);
  });

  test('the LAN gets B-to-A unmarked (the !dst-address keeps it home), A its DNS answer, S the forwarded SYN', () => {
    expect(lines('ether3')).toEqual([
      'IP 192.168.1.100.4002 > 192.168.1.10.7: UDP, length 6',
      'IP 8.8.8.8.53 > 192.168.1.10.4000: UDP, length 12',
      'IP 203.0.113.9.50000 > 192.168.1.50.80: Flags [S], seq 300, win 65535, length 0',
    ]);
    const [, dns, syn] = out('ether3');
    expect(macToString(dns!.frame, 0)).toBe(A);
    expect(macToString(syn!.frame, 0)).toBe(S);
    for (const o of out('ether3')) expect(macToString(o.frame, 6)).toBe(R3);
  });

  test('every frame sent has valid IPv4 and L4 checksums after NAT; every input was sent somewhere', () => {
    for (const o of run.outputs) {
      const f = o.frame;
      const len = (f[16]! << 8) | f[17]!;
      expect(ipv4ChecksumOk(f, 14)).toBe(true);
      expect(l4ChecksumOk4(f, 14, 34, len - 20, f[23]!)).toBe(true);
    }
    expect([...run.finals.values()].every(([fate]) => fate === Fate.TX)).toBe(true);
    expect(run.finals.size).toBe(8);
  });

  test('the connection table: the port forward is marked from-isp2 and dst-natted; the others are src-natted', () => {
    const fw = run.flow.firewall!;
    const marks: string[] = [];
    fw.ct.forEach((id) => {
      const m = fw.ct.mark[id]!;
      if (m) marks.push(gen.firewall.markNames[m]!);
    });
    expect(marks).toEqual(['from-isp2']);
    expect(fw.ct.confirmed).toBe(6); // A's DNS, B's DNS, B to A, two SYNs from A, the port forward
  });
});
