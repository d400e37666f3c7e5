/**
 * Scenario policy-rule (test/scenarios/policy-rule/: config.rsc, captures built by captures.ts): /routing
 * rule items by src-address and by in-interface into other tables, `lookup` falling through to main vs
 * `lookup-only-in-table` failing, `drop`, `unreachable` answering ICMP, and local delivery before the rules.
 * Outputs are parsed back and checked against the story in captures.ts.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { policyCaptureBytes, captureFile, R1, R2, R3, R4, A, C, D, G1, G2 } from './policy-rule/captures';
import { generationFrom, replay } from '../dataplane/flow/helpers';
import { Fate } from '../../dataplane/flow';
import { DROP_NAMES } from '../../dataplane/drop';
import { describeFrame } from '../../dataplane/wire/describe';
import { parseIcmp } from '../../dataplane/wire/icmp';
import { ipv4ChecksumOk, l4ChecksumOk4 } from '../../dataplane/wire/checksum';
import { macToString } from '../../dataplane/wire/ethernet';
import { isWireError } from '../../dataplane/wire/error';
import { TraceBuffer } from '../../dataplane/trace';
import type { TransmitRecord } from '../../dataplane/ports/flow-replay';
import { expectCommittedCaptures, ip } from './lib';

const DIR = path.join(__dirname, 'policy-rule');
const config = fs.readFileSync(path.join(DIR, 'config.rsc'), 'utf8');

test('committed captures equal what captures.ts builds', () => expectCommittedCaptures(DIR, policyCaptureBytes(), captureFile));

describe('policy-rule', () => {
  const gen = generationFrom(config);
  const trace = new TraceBuffer(512);
  const run = replay(gen, { ether1: path.join(DIR, 'in-ether1.pcap'), ether4: path.join(DIR, 'in-ether4.pcap') }, { trace });
  const out = (port: string): TransmitRecord[] => run.outputs.filter((o) => gen.portNames[o.port] === port);
  const lines = (port: string) => out(port).map((o) => describeFrame(o.frame, 0, o.frame.length, 1));

  test('the five rules compile active, in order, into the user step', () => {
    expect(gen.routes.rules.map((r) => [r.id, r.active, r.action])).toEqual([
      ['*1', true, 'drop'],
      ['*2', true, 'unreachable'],
      ['*3', true, 'lookup'],
      ['*4', true, 'lookup-only-in-table'],
      ['*5', true, 'lookup'],
    ]);
    expect(gen.rules.count).toBe(5);
    expect(Array.from(gen.rules.stepStart)).toEqual([0, 0, 0, 0, 0, 5, 5]); // all after step user
  });

  test('fates per input frame', () => {
    const fate = (serial: number) => {
      const [f, a] = run.finals.get(serial)!;
      return f === Fate.DROP ? `drop ${DROP_NAMES[a]}` : f === Fate.TX ? `tx ${gen.portNames[a]}` : f === Fate.LOCAL ? 'local' : `fate ${f}`;
    };
    expect(run.inputs.map((r) => `${gen.portNames[r.port]} ${fate(r.serial)}`)).toEqual([
      'ether1 tx ether2', // A -> 8.8.8.8: main
      'ether1 tx ether3', // B -> partner network: rule *3
      'ether1 tx ether2', // B -> 8.8.8.8: *3 misses, main
      'ether1 tx ether3', // D -> partner network: rule *4
      'ether1 drop rule-table-miss', // D -> 8.8.8.8: *4 fails
      'ether1 drop rule-drop', // A -> blocked network
      'ether1 drop rule-unreachable', // A -> benchmark network
      'ether1 tx ether1', // D pings the router: echo reply
      'ether4 tx ether3', // C -> 8.8.8.8: rule *5, isp2
      'ether4 drop rule-unreachable', // C -> benchmark network: *2 before *5
    ]);
  });

  test('ISP1 (ether2) carries what main routes: A\'s packet and B\'s fall-through', () => {
    expect(lines('ether2')).toEqual(['IP 10.0.1.10.7000 > 8.8.8.8.9: UDP, length 3', 'IP 10.0.1.20.7020 > 8.8.8.8.9: UDP, length 4']);
    for (const o of out('ether2')) expect([macToString(o.frame, 0), macToString(o.frame, 6), ip(o.frame).ttl]).toEqual([G1, R2, 63]);
  });

  test('ISP2 (ether3) carries the partner network for B and D, and everything from LAN2', () => {
    expect(lines('ether3')).toEqual([
      'IP 10.0.1.20.7010 > 172.16.5.5.9: UDP, length 4',
      'IP 10.0.1.30.7030 > 172.16.5.5.9: UDP, length 4',
      'IP 10.0.4.10.7080 > 8.8.8.8.9: UDP, length 4',
    ]);
    for (const o of out('ether3')) expect([macToString(o.frame, 0), macToString(o.frame, 6), ip(o.frame).ttl]).toEqual([G2, R3, 63]);
  });

  test('back to LAN1: net unreachable to D (table miss) and to A (rule unreachable), then the echo reply to D', () => {
    expect(lines('ether1')).toEqual([
      'IP 10.0.1.1 > 10.0.1.30: ICMP net 8.8.8.8 unreachable, length 40',
      'IP 10.0.1.1 > 10.0.1.10: ICMP net 198.18.0.1 unreachable, length 40',
      'IP 10.0.1.1 > 10.0.1.30: ICMP echo reply, id 48, seq 1, length 15',
    ]);
    const e1 = out('ether1');
    expect(e1.map((o) => [macToString(o.frame, 0), macToString(o.frame, 6)])).toEqual([
      [D, R1],
      [A, R1],
      [D, R1],
    ]);
    for (const o of e1.slice(0, 2)) {
      const h = ip(o.frame);
      const icmp = parseIcmp(o.frame, 34, h.payloadLen, true);
      if (isWireError(icmp)) throw new Error(icmp.message);
      expect(icmp).toMatchObject({ kind: 'dest-unreachable', code: 0 });
      expect(h.ttl).toBe(64);
    }
  });

  test('back to LAN2: C\'s net unreachable leaves ether4 from 10.0.4.1 (the router-made packet is routed by main, not by rule *5)', () => {
    expect(lines('ether4')).toEqual(['IP 10.0.4.1 > 10.0.4.10: ICMP net 198.18.0.1 unreachable, length 40']);
    expect([macToString(out('ether4')[0]!.frame, 0), macToString(out('ether4')[0]!.frame, 6)]).toEqual([C, R4]);
  });

  test('nothing is sent about the silently dropped packet; every IPv4 frame has valid checksums', () => {
    expect(run.outputs.length).toBe(2 + 3 + 3 + 1);
    expect(run.outputs.some((o) => describeFrame(o.frame, 0, o.frame.length, 1).includes('192.0.2.9'))).toBe(false);
    for (const o of run.outputs) {
      const h = ip(o.frame);
      expect(ipv4ChecksumOk(o.frame, 14)).toBe(true);
      expect(l4ChecksumOk4(o.frame, 14, 34, h.payloadLen, h.proto)).toBe(true);
    }
  });

  test('the trace says which rule (id and comment) or table decided', () => {
    const text = trace.format(run.flow.traceNames());
    expect(text).toContain('routing: route-rule rule *3 "B: partner first, then main" matched: lookup found a route');
    expect(text).toContain('routing: route-rule rule *3 "B: partner first, then main" matched: no route in its table, next rule');
    expect(text).toContain('routing: route-rule rule *4 "D: partner only" matched: lookup-only-in-table found no route');
    expect(text).toContain('routing: route-rule rule *1 "blocked network" matched: drop');
    expect(text).toContain('routing: route-rule rule *2 "benchmark network: reject" matched: unreachable');
    expect(text).toContain('routing: route-rule rule *5 "LAN2 leaves by ISP2" matched: lookup found a route');
    expect(text).toContain('routing: route-table table partner (user)');
    expect(text).toContain('routing: route-table table isp2 (user)');
    expect(text).toContain('routing: route-table table main (local)'); // D's ping to the router
    expect(text).toContain('routing: drop rule-table-miss');
  });
});
