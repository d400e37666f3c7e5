/**
 * Scenario recursive-default (test/scenarios/recursive-default/: config.rsc, captures built by captures.ts):
 * a default route via a gateway that is not on a connected network, resolved through a scope-10 host route
 * with target-scope=11; a route whose gateway cannot resolve with target-scope 10 stays inactive (its
 * distance-2 blackhole backup takes over); a route whose gateway is reachable through nothing stays
 * inactive under a covering blackhole. Outputs are parsed back and checked against the story.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { recursiveCaptureBytes, captureFile, R1, R2, A, I, A_IP } from './recursive-default/captures';
import { generationFrom, replay } from '../dataplane/flow/helpers';
import { Fate } from '../../dataplane/flow';
import { DROP_NAMES } from '../../dataplane/drop';
import { describeFrame } from '../../dataplane/wire/describe';
import { ipv4ChecksumOk, l4ChecksumOk4 } from '../../dataplane/wire/checksum';
import { macToString } from '../../dataplane/wire/ethernet';
import { formatIpv4Prefix } from '../../control/routeros/values';
import { routeFlags, immediateGateways } from '../../control/compile/routes';
import { TraceBuffer } from '../../dataplane/trace';
import type { TransmitRecord } from '../../dataplane/ports/flow-replay';
import { expectCommittedCaptures, ip } from './lib';

const DIR = path.join(__dirname, 'recursive-default');
const config = fs.readFileSync(path.join(DIR, 'config.rsc'), 'utf8');

test('committed captures equal what captures.ts builds', () => expectCommittedCaptures(DIR, recursiveCaptureBytes(), captureFile));

describe('recursive-default', () => {
  const gen = generationFrom(config);
  const trace = new TraceBuffer(512);
  const run = replay(gen, { ether1: path.join(DIR, 'in-ether1.pcap'), ether2: path.join(DIR, 'in-ether2.pcap') }, { trace });
  const out = (port: string): TransmitRecord[] => run.outputs.filter((o) => gen.portNames[o.port] === port);

  test('routes: the recursive default and its /32 are active via I; the unresolvable ones inactive, with why', () => {
    const main = gen.routes.byName.get('main')!;
    const rows = main.routes
      .filter((r) => r.origin.kind === 'static')
      .map((r) => `${routeFlags(r)} ${formatIpv4Prefix({ address: r.dst, length: r.length })} ${r.kind === 'forward' ? r.gateway : r.kind} -> ${immediateGateways(r, gen.routes.interfaces)}${r.reason ? ` -- ${r.reason}` : ''}`);
    expect(rows).toEqual([
      ' As  0.0.0.0/0 192.0.2.1 -> 10.0.2.254%ether2',
      ' As  192.0.2.1/32 10.0.2.254 -> 10.0.2.254%ether2',
      ' As  198.51.0.0/16 blackhole -> ',
      ' Is  198.51.100.0/24 172.31.0.1 ->  -- gateway unreachable: 172.31.0.1 (no route to 172.31.0.1 in main with scope <= 10)',
      ' Is  203.0.113.0/24 192.0.2.1 ->  -- gateway unreachable: 192.0.2.1 (no route to 192.0.2.1 in main with scope <= 10)',
      ' As  203.0.113.0/24 blackhole -> ',
    ]);
  });

  test('ether2 output: ARP for I (the immediate gateway, not 192.0.2.1), then both packets to I\'s MAC with TTL 63', () => {
    const e2 = out('ether2');
    expect(e2.map((o) => describeFrame(o.frame, 0, o.frame.length, 1))).toEqual([
      'ARP, Request who-has 10.0.2.254 tell 10.0.2.1, length 46',
      'IP 10.0.1.10.5353 > 8.8.8.8.53: UDP, length 15',
      'IP 10.0.1.10 > 192.0.2.1: ICMP echo request, id 66, seq 1, length 19',
    ]);
    for (const o of e2.slice(1)) {
      expect([macToString(o.frame, 0), macToString(o.frame, 6)]).toEqual([I, R2]);
      expect(ip(o.frame).ttl).toBe(63);
    }
    // The UDP packet waited for I's ARP reply (20 ms); the ping found I's MAC already (30 ms).
    expect(e2.map((o) => o.tsNsec / 1e6)).toEqual([10, 20, 30]);
  });

  test('ether1 output: the ARP reply to A, and the far gateway\'s echo reply forwarded with TTL 59', () => {
    const e1 = out('ether1');
    expect(e1.map((o) => describeFrame(o.frame, 0, o.frame.length, 1))).toEqual([
      'ARP, Reply 10.0.1.1 is-at 02:00:00:00:01:01, length 46',
      'IP 192.0.2.1 > 10.0.1.10: ICMP echo reply, id 66, seq 1, length 19',
    ]);
    expect([macToString(e1[1]!.frame, 0), macToString(e1[1]!.frame, 6)]).toEqual([A, R1]);
    expect(ip(e1[1]!.frame).ttl).toBe(59);
  });

  test('checksums of every IPv4 frame sent are valid', () => {
    for (const o of run.outputs) {
      if (o.frame[12] !== 0x08 || o.frame[13] !== 0x00) continue;
      const h = ip(o.frame);
      expect(ipv4ChecksumOk(o.frame, 14)).toBe(true);
      expect(l4ChecksumOk4(o.frame, 14, 34, h.payloadLen, h.proto)).toBe(true);
    }
  });

  test('fates: the blackholes drop silently (no ICMP back to A)', () => {
    const fate = (serial: number) => {
      const [f, a] = run.finals.get(serial)!;
      return f === Fate.DROP ? `drop ${DROP_NAMES[a]}` : f === Fate.TX ? `tx ${gen.portNames[a]}` : f === Fate.LOCAL ? 'local' : `fate ${f}`;
    };
    expect(run.inputs.map((r) => `${gen.portNames[r.port]} ${fate(r.serial)}`)).toEqual([
      'ether1 tx ether1', // ARP request answered in place
      'ether1 tx ether2', // to 8.8.8.8: queued for I's ARP, then sent
      'ether2 local', // I's ARP reply
      'ether1 tx ether2', // ping to 192.0.2.1
      'ether2 tx ether1', // its echo reply, back to A
      'ether1 drop route-blackhole', // 203.0.113.9: backup blackhole
      'ether1 drop route-blackhole', // 198.51.100.7: covering blackhole
    ]);
    expect(out('ether1').length).toBe(2); // nothing but the ARP reply and the forwarded echo reply
    expect(A_IP).toBe('10.0.1.10');
  });

  test('the trace shows the default route\'s group resolving to 10.0.2.254', () => {
    const text = trace.format(run.flow.traceNames());
    expect(text).toMatch(/routing: route next-hop group \d+ via 10\.0\.2\.254/);
    expect(text).not.toContain('via 192.0.2.1');
    expect(text).toContain('routing: drop route-blackhole');
  });
});
