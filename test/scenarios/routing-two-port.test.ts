/**
 * Scenario routing-two-port (test/scenarios/routing-two-port/: config.rsc, captures built by captures.ts).
 * The expected output is checked by parsing every transmitted frame back (parseIpv4/parseArp/parseIcmp,
 * ipv4ChecksumOk, describeFrame), not by comparing with recorded bytes.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { routingCaptureBytes, captureFile, R1, R2, A, B, A_IP, B_IP } from './routing-two-port/captures';
import { generationFrom, replay } from '../dataplane/flow/helpers';
import { Fate } from '../../dataplane/flow';
import { DROP_NAMES } from '../../dataplane/drop';
import { describeFrame } from '../../dataplane/wire/describe';
import { parseArp } from '../../dataplane/wire/arp';
import { ipv4ToString } from '../../dataplane/wire/ipv4';
import { ipv4ChecksumOk, l4ChecksumOk4 } from '../../dataplane/wire/checksum';
import { macToString } from '../../dataplane/wire/ethernet';
import { isWireError } from '../../dataplane/wire/error';
import { TraceBuffer } from '../../dataplane/trace';
import type { TransmitRecord } from '../../dataplane/ports/flow-replay';
import { expectCommittedCaptures, ip, eth, icmp } from './lib';

const DIR = path.join(__dirname, 'routing-two-port');
const config = fs.readFileSync(path.join(DIR, 'config.rsc'), 'utf8');

test('committed captures equal what captures.ts builds', () => expectCommittedCaptures(DIR, routingCaptureBytes(), captureFile));

describe('routing-two-port', () => {
  const gen = generationFrom(config);
  const trace = new TraceBuffer(512);
  const run = replay(gen, { ether1: path.join(DIR, 'in-ether1.pcap'), ether2: path.join(DIR, 'in-ether2.pcap') }, { trace });
  const out = (port: string): TransmitRecord[] => run.outputs.filter((o) => gen.portNames[o.port] === port);
  const e1 = out('ether1');
  const e2 = out('ether2');

  test('the router MACs come from the config', () => {
    expect(macToString(gen.macs, 0)).toBe(R1);
    expect(macToString(gen.macs, 6)).toBe(R2);
  });

  test('every frame transmitted has a valid IPv4 header checksum (and L4 checksum)', () => {
    for (const o of run.outputs) {
      if (eth(o.frame).type !== 0x0800) continue;
      expect(ipv4ChecksumOk(o.frame, 14)).toBe(true);
      const r = ip(o.frame);
      expect(l4ChecksumOk4(o.frame, 14, 14 + 20, r.payloadLen, r.proto)).toBe(true);
    }
  });

  test('ether1 output, in order: ARP reply, B\'s echo reply, net unreachable, time exceeded, echo reply from the router', () => {
    expect(e1.map((o) => describeFrame(o.frame, 0, o.frame.length, 1))).toEqual([
      'ARP, Reply 10.0.1.1 is-at 02:00:00:00:01:01, length 46',
      'IP 10.0.2.20 > 10.0.1.10: ICMP echo reply, id 119, seq 1, length 21',
      'IP 10.0.1.1 > 10.0.1.10: ICMP net 10.0.9.9 unreachable, length 43',
      'IP 10.0.1.1 > 10.0.1.10: ICMP time exceeded in-transit, length 43',
      'IP 10.0.1.1 > 10.0.1.10: ICMP echo reply, id 120, seq 1, length 19',
    ]);
    // All go to A from the router's ether1 MAC.
    for (const o of e1) expect(eth(o.frame)).toMatchObject({ src: R1, dst: A });
    const arp = parseArp(e1[0]!.frame, 14, 28);
    if (isWireError(arp)) throw new Error(arp.message);
    expect({ op: arp.op, sha: macToString(arp.senderMac), spa: ipv4ToString(arp.senderIp), tha: macToString(arp.targetMac), tpa: ipv4ToString(arp.targetIp) })
      .toEqual({ op: 2, sha: R1, spa: '10.0.1.1', tha: A, tpa: A_IP });
    // B's echo reply forwarded: TTL 64 -> 63.
    expect(ip(e1[1]!.frame)).toMatchObject({ ttl: 63, src: 0x0a000214, dst: 0x0a00010a });
    // ICMP errors: from 10.0.1.1, TTL 64, quoting the offending packet (TTL as received).
    const unreach = icmp(e1[2]!.frame);
    expect(unreach).toMatchObject({ kind: 'dest-unreachable', code: 0 });
    const tx = icmp(e1[3]!.frame);
    expect(tx).toMatchObject({ kind: 'time-exceeded', code: 0 });
    expect(ip(e1[3]!.frame).ttl).toBe(64);
    expect(e1[3]!.frame[14 + 28 + 8]).toBe(1); // quoted IPv4 header's TTL byte
    // Echo reply from the router.
    expect(ip(e1[4]!.frame)).toMatchObject({ src: 0x0a000101, dst: 0x0a00010a, ttl: 64 });
    expect(icmp(e1[4]!.frame).kind).toBe('echo-reply');
  });

  test('ether2 output: the router ARPs for B, then the queued ping leaves with TTL 63 and B\'s MAC', () => {
    expect(e2.map((o) => describeFrame(o.frame, 0, o.frame.length, 1))).toEqual([
      'ARP, Request who-has 10.0.2.20 tell 10.0.2.1, length 46',
      'IP 10.0.1.10 > 10.0.2.20: ICMP echo request, id 119, seq 1, length 21',
    ]);
    expect(eth(e2[0]!.frame)).toEqual({ src: R2, dst: 'ff:ff:ff:ff:ff:ff', type: 0x0806 });
    expect(e2[0]!.frame.length).toBe(60);
    expect(eth(e2[1]!.frame)).toEqual({ src: R2, dst: B, type: 0x0800 });
    expect(ip(e2[1]!.frame)).toMatchObject({ ttl: 63, src: 0x0a00010a, dst: 0x0a000214 });
    // The ping left when B's ARP reply arrived (t = 20 ms), the ARP request when the ping arrived (10 ms).
    expect(e2.map((o) => o.tsNsec / 1e6)).toEqual([10, 20]);
  });

  test('every input frame ends with the fate the story says', () => {
    const fate = (serial: number) => {
      const [f, a] = run.finals.get(serial)!;
      return f === Fate.DROP ? `drop ${DROP_NAMES[a]}` : f === Fate.TX ? `tx ${gen.portNames[a]}` : f === Fate.LOCAL ? 'local' : `fate ${f}`;
    };
    expect(run.inputs.map((r) => `${gen.portNames[r.port]} ${fate(r.serial)}`)).toEqual([
      'ether1 tx ether1', // ARP request -> answered in place
      'ether1 tx ether2', // ping to B, queued then released
      'ether2 local', // B's ARP reply consumed by the router
      'ether2 tx ether1', // B's echo reply forwarded
      'ether1 drop no-route',
      'ether1 drop ttl-exceeded',
      'ether1 tx ether1', // ping to the router -> echo reply
      'ether1 drop ipv4-bad-checksum',
      'ether1 drop not-for-router',
    ]);
    expect(run.inputs[1]!.fate).toBe(Fate.QUEUED);
    expect(run.flow.state.waiting).toBe(0);
  });

  test('the ARP table learned A (from its request) and B (from its reply)', () => {
    const arp = run.flow.state.arp;
    const a = arp.lookup(0x0a00010a, 0);
    const b = arp.lookup(0x0a000214, 1);
    expect(a).toBeGreaterThanOrEqual(0);
    expect(b).toBeGreaterThanOrEqual(0);
    expect(arp.complete(a) && arp.complete(b)).toBe(true);
    expect(arp.macLo(b)).toBe(0x000b0014);
  });

  test('counters and trace', () => {
    const c = run.flow.state.counters;
    expect(Array.from(c.rxPackets.slice(0, 2))).toEqual([7, 2]);
    expect(Array.from(c.txPackets.slice(0, 2))).toEqual([5, 2]);
    expect(run.flow.formatInterfaceStats().split('\n')).toEqual([
      '#  NAME    RX-BYTE  TX-BYTE  RX-PACKET  TX-PACKET  RX-DROP',
      '0  ether1      363      322          7          5        4', // tx: 60 + 55 + 77 + 77 + 53
      '1  ether2      115      115          2          2        0',
      '  ether1 rx drops: ipv4-bad-checksum 1, ttl-exceeded 1, not-for-router 1, no-route 1',
    ]);
    const text = trace.format(run.flow.traceNames());
    expect(text).toContain('arp-resolve: arp-queued waiting for ARP of 10.0.2.20');
    expect(text).toContain('arp-input: arp-released resolved 10.0.2.20');
    expect(text).toContain('ip4-forward: drop ttl-exceeded');
    expect(text).toContain('routing: drop no-route');
  });
});

test('an unanswered ARP: the queued packet is dropped arp-failed after 3 requests, ICMP host unreachable to the sender', () => {
  const gen = generationFrom(config);
  const bytes = routingCaptureBytes();
  // Only ether1's input: nobody answers on ether2.
  const run = replay(gen, { ether1: bytes.ether1! });
  const reqs = run.outputs.filter((o) => gen.portNames[o.port] === 'ether2');
  expect(reqs.length).toBe(3);
  expect(reqs.map((o) => o.tsSec * 1000 + o.tsNsec / 1e6 - reqs[0]!.tsSec * 1000 - reqs[0]!.tsNsec / 1e6)).toEqual([0, 1000, 2000]);
  expect(run.finals.get(2)).toEqual([Fate.DROP, DROP_NAMES.indexOf('arp-failed')]);
  const unreach = run.outputs.filter((o) => gen.portNames[o.port] === 'ether1' && describeFrame(o.frame, 0, o.frame.length, 1).includes('host 10.0.2.20 unreachable'));
  expect(unreach.length).toBe(1);
  expect(run.flow.state.waiting).toBe(0);
  // Unused import guard: B is B's MAC.
  expect(B).toBe('02:00:00:0b:00:14');
  expect(B_IP).toBe('10.0.2.20');
});
