/**
 * Scenario vrf-leak (test/scenarios/vrf-leak/: config.rsc, captures built by captures.ts): VRF cust with two
 * interfaces and its own connected routes; leaks into cust (interface gateway, gateway@main) and into main
 * (interface gateway, gateway@cust); local addresses local only in their VRF, router-made packets (echo
 * replies, ICMP errors) routed in the VRF they belong to. Outputs are parsed back and checked against the
 * story in captures.ts.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { vrfCaptureBytes, captureFile, R1, R2, R3, R4, A, S, U, C, D, R } from './vrf-leak/captures';
import { generationFrom, replay } from '../dataplane/flow/helpers';
import { Fate } from '../../dataplane/flow';
import { DROP_NAMES } from '../../dataplane/drop';
import { describeFrame } from '../../dataplane/wire/describe';
import { ipv4ChecksumOk, l4ChecksumOk4 } from '../../dataplane/wire/checksum';
import { macToString } from '../../dataplane/wire/ethernet';
import { formatIpv4, formatIpv4Prefix } from '../../control/routeros/values';
import { immediateGateways, routeFlags } from '../../control/compile/routes';
import { TraceBuffer } from '../../dataplane/trace';
import type { TransmitRecord } from '../../dataplane/ports/flow-replay';
import { expectCommittedCaptures, ip } from './lib';

const DIR = path.join(__dirname, 'vrf-leak');
const config = fs.readFileSync(path.join(DIR, 'config.rsc'), 'utf8');

test('committed captures equal what captures.ts builds', () => expectCommittedCaptures(DIR, vrfCaptureBytes(), captureFile));

describe('vrf-leak', () => {
  const gen = generationFrom(config);
  const trace = new TraceBuffer(512);
  const run = replay(
    gen,
    { ether1: path.join(DIR, 'in-ether1.pcap'), ether2: path.join(DIR, 'in-ether2.pcap'), ether3: path.join(DIR, 'in-ether3.pcap') },
    { trace },
  );
  const out = (port: string): TransmitRecord[] => run.outputs.filter((o) => gen.portNames[o.port] === port);
  const lines = (port: string) => out(port).map((o) => describeFrame(o.frame, 0, o.frame.length, 1));
  const macs = (port: string) => out(port).map((o) => [macToString(o.frame, 0), macToString(o.frame, 6)]);

  test('tables: cust holds its connected networks and the leaks into it; main the leaks back; locals per VRF', () => {
    const rows = (table: string) =>
      gen.routes.byName.get(table)!.routes.map((r) => `${routeFlags(r).trim()} ${formatIpv4Prefix({ address: r.dst, length: r.length })} -> ${immediateGateways(r, gen.routes.interfaces)}`);
    expect(rows('cust')).toEqual(['As 10.0.2.0/24 -> ether2', 'DAc 10.3.0.0/24 -> ether3', 'DAc 10.4.0.0/24 -> ether4', 'As 198.51.100.0/24 -> 10.0.2.254%ether2']);
    expect(rows('main')).toEqual(['DAc 10.0.1.0/24 -> ether1', 'DAc 10.0.2.0/24 -> ether2', 'As 10.3.0.0/24 -> ether3', 'As 172.20.0.0/16 -> 10.4.0.254%ether4']);
    const local = (vrf: string) => gen.routes.locals.find((l) => l.vrf === vrf)!.entries.filter((e) => e.kind === 'local').map((e) => formatIpv4(e.address));
    expect(local('cust')).toEqual(['10.3.0.1', '10.4.0.1']);
    expect(local('main')).toEqual(['10.0.1.1', '10.0.2.1']);
  });

  test('fates per input frame', () => {
    const fate = (serial: number) => {
      const [f, a] = run.finals.get(serial)!;
      return f === Fate.DROP ? `drop ${DROP_NAMES[a]}` : f === Fate.TX ? `tx ${gen.portNames[a]}` : f === Fate.LOCAL ? 'local' : `fate ${f}`;
    };
    expect(run.inputs.map((r) => `${r.tsNsec / 1e6} ${gen.portNames[r.port]} ${fate(r.serial)}`)).toEqual([
      '0 ether3 tx ether2', // C -> S through the leak into cust
      '10 ether2 tx ether3', // S -> C through the leak into main
      '20 ether3 tx ether4', // C -> D inside cust
      '30 ether3 tx ether2', // C -> 198.51.100.5 via U (gateway@main)
      '40 ether3 tx ether3', // C pings 10.3.0.1: echo reply
      '50 ether3 tx ether3', // C pings 10.4.0.1: echo reply
      '60 ether3 drop no-route', // C -> main's 10.0.1.1
      '70 ether1 tx ether4', // A -> 172.20.1.1 via R (gateway@cust)
      '80 ether1 drop no-route', // A pings cust's 10.4.0.1
      '90 ether1 tx ether1', // A pings main's 10.0.1.1: echo reply
    ]);
  });

  test('ether2 (main): C\'s ping to S and C\'s UDP to U, forwarded from cust', () => {
    expect(lines('ether2')).toEqual(['IP 10.3.0.10 > 10.0.2.20: ICMP echo request, id 119, seq 0, length 11', 'IP 10.3.0.10.7030 > 198.51.100.5.9: UDP, length 4']);
    expect(macs('ether2')).toEqual([
      [S, R2],
      [U, R2],
    ]);
  });

  test('ether3 (cust): S\'s reply from main, the echo replies from both cust addresses, the net unreachable for main\'s address', () => {
    expect(lines('ether3')).toEqual([
      'IP 10.0.2.20 > 10.3.0.10: ICMP echo reply, id 119, seq 10, length 12',
      'IP 10.3.0.1 > 10.3.0.10: ICMP echo reply, id 119, seq 40, length 12',
      'IP 10.4.0.1 > 10.3.0.10: ICMP echo reply, id 119, seq 50, length 12',
      'IP 10.3.0.1 > 10.3.0.10: ICMP net 10.0.1.1 unreachable, length 40',
    ]);
    for (const m of macs('ether3')) expect(m).toEqual([C, R3]);
  });

  test('ether4 (cust): C\'s UDP to D, and A\'s UDP to R leaked from main', () => {
    expect(lines('ether4')).toEqual(['IP 10.3.0.10.7020 > 10.4.0.10.9: UDP, length 4', 'IP 10.0.1.10.7070 > 172.20.1.1.9: UDP, length 4']);
    expect(macs('ether4')).toEqual([
      [D, R4],
      [R, R4],
    ]);
  });

  test('ether1 (main): cust\'s address is unreachable from main; main\'s own address answers', () => {
    expect(lines('ether1')).toEqual([
      'IP 10.0.1.1 > 10.0.1.10: ICMP net 10.4.0.1 unreachable, length 40',
      'IP 10.0.1.1 > 10.0.1.10: ICMP echo reply, id 119, seq 90, length 12',
    ]);
    for (const m of macs('ether1')) expect(m).toEqual([A, R1]);
  });

  test('forwarded frames have TTL 63, router-made ones 64; all checksums valid', () => {
    for (const o of run.outputs) {
      const h = ip(o.frame);
      const routerMade = [0x0a000101, 0x0a030001, 0x0a040001].includes(h.src);
      expect([formatIpv4(h.src), h.ttl]).toEqual([formatIpv4(h.src), routerMade ? 64 : 63]);
      expect(ipv4ChecksumOk(o.frame, 14)).toBe(true);
      expect(l4ChecksumOk4(o.frame, 14, 34, h.payloadLen, h.proto)).toBe(true);
    }
  });

  test('the trace shows each decision\'s table: cust for C\'s packets, main for A\'s, the leak lookups resolved', () => {
    const text = trace.format(run.flow.traceNames());
    expect(text).toContain('routing: route-table table cust (vrf-lookup)');
    expect(text).toContain('routing: route-table table main (main)');
    expect(text).toContain('routing: route-table table main (local)');
    expect(text).toContain('routing-output: route-table table cust (vrf-lookup)');
  });
});
