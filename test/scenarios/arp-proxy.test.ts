/**
 * Scenario arp-proxy (test/scenarios/arp-proxy/: config.rsc, captures built by captures.ts): interface ARP
 * modes (proxy-arp, local-proxy-arp, reply-only), static and published entries, resolution with the queued
 * packet released on the reply, and a failed resolution on the capture clock. Expected outputs are reasoned
 * from the story in captures.ts (RouterOS manual ARP page, Linux arp_process / neighbour timers) and read
 * back field by field.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { arpCaptureBytes, captureFile, R, A, B, C, D, F } from './arp-proxy/captures';
import { generationFrom, replay } from '../dataplane/flow/helpers';
import { Fate } from '../../dataplane/flow';
import { DROP_NAMES } from '../../dataplane/drop';
import { describeFrame } from '../../dataplane/wire/describe';
import { parseArp } from '../../dataplane/wire/arp';
import { ipv4Parse, ipv4ToString } from '../../dataplane/wire/ipv4';
import { ipv4ChecksumOk, l4ChecksumOk4 } from '../../dataplane/wire/checksum';
import { macToString } from '../../dataplane/wire/ethernet';
import { isWireError } from '../../dataplane/wire/error';
import { ArpState } from '../../dataplane/tables/arp-table';
import { TraceBuffer } from '../../dataplane/trace';
import type { TransmitRecord } from '../../dataplane/ports/flow-replay';
import { expectCommittedCaptures, ip, eth } from './lib';

const DIR = path.join(__dirname, 'arp-proxy');
const config = fs.readFileSync(path.join(DIR, 'config.rsc'), 'utf8');
const describe1 = (f: Uint8Array) => describeFrame(f, 0, f.length, 1);
function arp(f: Uint8Array) {
  const r = parseArp(f, 14, 28);
  if (isWireError(r)) throw new Error(r.message);
  return { op: r.op, sha: macToString(r.senderMac), spa: ipv4ToString(r.senderIp), tha: macToString(r.targetMac), tpa: ipv4ToString(r.targetIp) };
}
const ms = (o: { tsSec: number; tsNsec: number }) => Math.round((o.tsSec % 60) * 1000 + o.tsNsec / 1e6);

test('committed captures equal what captures.ts builds', () => expectCommittedCaptures(DIR, arpCaptureBytes(), captureFile));

describe('arp-proxy', () => {
  const gen = generationFrom(config);
  const trace = new TraceBuffer(2048);
  const run = replay(
    gen,
    Object.fromEntries(['ether1', 'ether2', 'ether3', 'ether4'].map((p) => [p, path.join(DIR, captureFile(p))])),
    { trace },
  );
  const out = (port: string): TransmitRecord[] => run.outputs.filter((o) => gen.portNames[o.port] === port);
  const lines = (port: string) => out(port).map((o) => `${ms(o)} ${describe1(o.frame)}`);

  test('ether1: the router\'s own answer, the proxy answer for C, and host unreachable when 10.0.2.77 never answers', () => {
    expect(lines('ether1')).toEqual([
      '0 ARP, Reply 10.0.1.1 is-at 02:00:00:00:01:01, length 46',
      '10 ARP, Reply 10.0.1.200 is-at 02:00:00:00:01:01, length 46',
      '3070 IP 10.0.1.1 > 10.0.1.10: ICMP host 10.0.2.77 unreachable, length 48',
    ]);
    const [own, proxy, unreach] = out('ether1');
    expect(arp(own!.frame)).toEqual({ op: 2, sha: R[0], spa: '10.0.1.1', tha: A, tpa: '10.0.1.10' });
    expect(arp(proxy!.frame)).toEqual({ op: 2, sha: R[0], spa: '10.0.1.200', tha: A, tpa: '10.0.1.10' });
    for (const o of out('ether1')) expect(eth(o.frame)).toMatchObject({ src: R[0], dst: A });
    // ICMP 3/1 from the address of the interface back to A, quoting the datagram as it was queued (TTL 63).
    const f = unreach!.frame;
    expect(ipv4ChecksumOk(f, 14)).toBe(true);
    expect(ip(f)).toMatchObject({ src: ipv4Parse('10.0.1.1'), dst: ipv4Parse('10.0.1.10'), ttl: 64, proto: 1 });
    expect([f[34], f[35]]).toEqual([3, 1]);
    expect(l4ChecksumOk4(f, 14, 34, ip(f).payloadLen, 1)).toBe(true);
    expect(f[42 + 8]).toBe(63);
    expect(ipv4ToString(((f[42 + 16]! << 24) | (f[42 + 17]! << 16) | (f[42 + 18]! << 8) | f[42 + 19]!) >>> 0)).toBe('10.0.2.77');
  });

  test('ether2: resolution of C releasing the queued datagram, the published answer, three requests for 10.0.2.77', () => {
    expect(lines('ether2')).toEqual([
      '30 ARP, Request who-has 10.0.1.200 tell 10.0.2.1, length 46',
      '40 IP 10.0.1.10.6000 > 10.0.1.200.7000: UDP, length 13',
      '70 ARP, Request who-has 10.0.2.77 tell 10.0.2.1, length 46',
      '80 ARP, Reply 10.0.2.99 is-at 02:00:00:00:02:01, length 46',
      '1070 ARP, Request who-has 10.0.2.77 tell 10.0.2.1, length 46',
      '2070 ARP, Request who-has 10.0.2.77 tell 10.0.2.1, length 46',
    ]);
    const o = out('ether2');
    for (const k of [0, 2, 4, 5]) expect(eth(o[k]!.frame)).toEqual({ src: R[1], dst: 'ff:ff:ff:ff:ff:ff', type: 0x0806 });
    expect(eth(o[1]!.frame)).toEqual({ src: R[1], dst: C, type: 0x0800 });
    expect(ip(o[1]!.frame)).toMatchObject({ ttl: 63, id: 0x30, src: ipv4Parse('10.0.1.10'), dst: ipv4Parse('10.0.1.200') });
    expect(ipv4ChecksumOk(o[1]!.frame, 14)).toBe(true);
    expect(arp(o[3]!.frame)).toEqual({ op: 2, sha: R[1], spa: '10.0.2.99', tha: B, tpa: '10.0.2.20' });
    expect(eth(o[3]!.frame)).toMatchObject({ src: R[1], dst: B });
  });

  test('ether3: local-proxy-arp answers D for E with the router\'s MAC, not D\'s check of its own address', () => {
    expect(lines('ether3')).toEqual(['90 ARP, Reply 10.0.3.20 is-at 02:00:00:00:03:01, length 46']);
    expect(arp(out('ether3')[0]!.frame)).toEqual({ op: 2, sha: R[2], spa: '10.0.3.20', tha: D, tpa: '10.0.3.10' });
  });

  test('ether4 (reply-only): F reached through its static entry without a request; both askers answered', () => {
    expect(lines('ether4')).toEqual([
      '50 IP 10.0.1.10.6000 > 10.0.4.40.7000: UDP, length 12',
      '110 ARP, Reply 10.0.4.1 is-at 02:00:00:00:04:01, length 46',
      '120 ARP, Reply 10.0.4.1 is-at 02:00:00:00:04:01, length 46',
    ]);
    expect(eth(out('ether4')[0]!.frame)).toEqual({ src: R[3], dst: F, type: 0x0800 });
    expect(out('ether4').filter((o) => describe1(o.frame).includes('Request')).length).toBe(0);
  });

  test('every input frame ends with the fate the story says', () => {
    const fate = (serial: number) => {
      const [f, a] = run.finals.get(serial)!;
      return f === Fate.DROP ? `drop ${DROP_NAMES[a]}` : f === Fate.TX ? `tx ${gen.portNames[a]}` : f === Fate.LOCAL ? 'local' : `fate ${f}`;
    };
    expect(run.inputs.map((r) => `${ms(r)} ${gen.portNames[r.port]} ${fate(r.serial)}`)).toEqual([
      '0 ether1 tx ether1',
      '10 ether1 tx ether1', // proxy answer
      '20 ether1 drop arp-ignored', // same segment: proxy-arp stays quiet
      '30 ether1 tx ether2', // queued, released by C's reply
      '40 ether2 local', // C's reply consumed
      '50 ether1 tx ether4',
      '60 ether1 drop arp-resolve-disabled',
      '70 ether1 drop arp-failed',
      '80 ether2 tx ether2', // published
      '90 ether3 tx ether3', // local-proxy-arp
      '100 ether3 drop arp-ignored',
      '110 ether4 tx ether4',
      '120 ether4 tx ether4',
    ]);
    expect(run.inputs[3]!.fate).toBe(Fate.QUEUED);
    expect(run.inputs[7]!.fate).toBe(Fate.QUEUED);
    expect(run.flow.state.waiting).toBe(0);
  });

  test('the ARP table: who was learned where, in which state', () => {
    const t = run.flow.state.arp;
    const ifx = (n: string) => gen.routes.interfaces.byName.get(n)!;
    const st = (a: string, i: string) => {
      const e = t.lookup(ipv4Parse(a), ifx(i));
      return e < 0 ? 'none' : `${['', 'incomplete', 'reachable', 'stale', 'delay', 'probe', 'failed', 'permanent'][t.state(e)]} ${t.complete(e) ? macToString(Uint8Array.of(t.macHi(e) >> 8, t.macHi(e) & 255, t.macLo(e) >>> 24, (t.macLo(e) >>> 16) & 255, (t.macLo(e) >>> 8) & 255, t.macLo(e) & 255)) : '-'}`;
    };
    expect({
      A: st('10.0.1.10', 'ether1'), // learned from its request (STALE), used for the error at 3070 (DELAY)
      C: st('10.0.1.200', 'ether2'), // answered our request
      gone: st('10.0.2.77', 'ether2'),
      B: st('10.0.2.20', 'ether2'), // the published entry was asked for: its asker is learned
      D: st('10.0.3.10', 'ether3'),
      F: st('10.0.4.40', 'ether4'),
      G: st('10.0.4.50', 'ether4'), // reply-only learns nothing
      published: st('10.0.2.99', 'ether2'),
    }).toEqual({
      A: `delay ${A}`,
      C: `reachable ${C}`,
      gone: 'failed -',
      B: `stale ${B}`,
      D: `stale ${D}`,
      F: `permanent ${F}`,
      G: 'none',
      published: 'permanent 00:00:00:00:00:00',
    });
    expect(t.state(t.lookup(ipv4Parse('10.0.2.77'), ifx('ether2')))).toBe(ArpState.FAILED);
  });

  test('trace names the proxy modes', () => {
    const text = trace.format(run.flow.traceNames());
    expect(text).toContain("arp-input: arp-proxy answered who-has 10.0.1.200 with the router's MAC (proxy-arp)");
    expect(text).toContain("arp-input: arp-proxy answered who-has 10.0.3.20 with the router's MAC (local-proxy-arp)");
    expect(text).toContain("arp-input: arp-proxy answered who-has 10.0.2.99 with the router's MAC (published)");
    expect(text).toContain('arp-resolve: drop arp-resolve-disabled');
  });
});
