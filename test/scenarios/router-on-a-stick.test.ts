/**
 * Scenario router-on-a-stick (test/scenarios/router-on-a-stick/: config.rsc, capture built by captures.ts):
 * one trunk port, ether1, with /interface vlan vlan10 and vlan20 on it, routed between each other. Outputs
 * are read back (tags, MACs, ARP, TTL, checksums, describeFrame, parseFrame), not compared with recorded
 * bytes.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { stickCaptureBytes, captureFile, R1, A, B, A_IP, B_IP } from './router-on-a-stick/captures';
import { generationFrom, replay } from '../dataplane/flow/helpers';
import { Fate } from '../../dataplane/flow';
import { DROP_NAMES } from '../../dataplane/drop';
import { describeFrame } from '../../dataplane/wire/describe';
import { parseArp } from '../../dataplane/wire/arp';
import { parseIpv4, ipv4Parse } from '../../dataplane/wire/ipv4';
import { ipv4ChecksumOk, l4ChecksumOk4 } from '../../dataplane/wire/checksum';
import { macToString } from '../../dataplane/wire/ethernet';
import { parseFrame } from '../../dataplane/wire/parse';
import { metaColumns } from '../../dataplane/buf/meta';
import { isWireError } from '../../dataplane/wire/error';
import { TraceBuffer } from '../../dataplane/trace';
import { expectCommittedCaptures } from './lib';

const DIR = path.join(__dirname, 'router-on-a-stick');
const config = fs.readFileSync(path.join(DIR, 'config.rsc'), 'utf8');

/** Ethernet header of a frame with one 802.1Q tag. */
const eth = (f: Uint8Array) => ({ dst: macToString(f, 0), src: macToString(f, 6), tpid: (f[12]! << 8) | f[13]!, vid: ((f[14]! & 0x0f) << 8) | f[15]!, type: (f[16]! << 8) | f[17]! });
function ip(f: Uint8Array) {
  const r = parseIpv4(f, 18, f.length - 18, true);
  if (isWireError(r)) throw new Error(r.message);
  return r;
}
function parsed(f: Uint8Array) {
  const m = metaColumns(1).cols;
  const drop = parseFrame(f, 0, f.length, 1, m, 0, true);
  return { drop, vlan: (m.flags[0]! & 0x1) !== 0, outer: m.vlanOuter[0]!, l3Off: m.l3Off[0]!, etherType: m.etherType[0]! };
}
const ms = (o: { tsSec: number; tsNsec: number }) => Math.round((o.tsSec % 60) * 1000 + o.tsNsec / 1e6);

test('committed captures equal what captures.ts builds', () => expectCommittedCaptures(DIR, stickCaptureBytes(), captureFile));

describe('router-on-a-stick', () => {
  const gen = generationFrom(config);
  const trace = new TraceBuffer(512);
  const run = replay(gen, { ether1: path.join(DIR, captureFile('ether1')) }, { trace });
  const at = (t: number) => run.outputs.filter((o) => ms(o) === t).map((o) => ({ port: gen.portNames[o.port]!, frame: o.frame }));

  test('every frame leaves ether1 tagged, and every IPv4 frame has valid IPv4 and L4 checksums', () => {
    expect(run.outputs.length).toBe(4);
    for (const o of run.outputs) {
      expect(gen.portNames[o.port]).toBe('ether1');
      expect(parsed(o.frame)).toMatchObject({ drop: 0, vlan: true, l3Off: 18 });
      if (eth(o.frame).type !== 0x0800) continue;
      expect(ipv4ChecksumOk(o.frame, 18)).toBe(true);
      const r = ip(o.frame);
      expect(l4ChecksumOk4(o.frame, 18, 38, r.payloadLen, r.proto)).toBe(true);
    }
  });

  test('0 ms: ARP for the VLAN 10 gateway is answered with a reply tagged VID 10', () => {
    const out = at(0);
    expect(out.map((o) => o.port)).toEqual(['ether1']);
    const reply = out[0]!.frame;
    expect(eth(reply)).toEqual({ src: R1, dst: A, tpid: 0x8100, vid: 10, type: 0x0806 });
    const arp = parseArp(reply, 18, 28);
    if (isWireError(arp)) throw new Error(arp.message);
    expect(arp.op).toBe(2);
    expect(macToString(arp.senderMac)).toBe(R1);
    expect(arp.senderIp >>> 0).toBe(ipv4Parse('10.0.10.1') >>> 0);
    expect(arp.targetIp >>> 0).toBe(ipv4Parse(A_IP) >>> 0);
    expect(describeFrame(reply, 0, reply.length, 1)).toContain('Reply 10.0.10.1 is-at 02:00:00:00:01:01');
  });

  test('10-20 ms: the ping from VLAN 10 to VLAN 20 is routed: ARP on VID 20, then out tagged VID 20 with TTL 63', () => {
    const req = at(10);
    expect(req.map((o) => o.port)).toEqual(['ether1']);
    expect(eth(req[0]!.frame)).toEqual({ src: R1, dst: 'ff:ff:ff:ff:ff:ff', tpid: 0x8100, vid: 20, type: 0x0806 });
    expect(describeFrame(req[0]!.frame, 0, req[0]!.frame.length, 1)).toContain(`Request who-has ${B_IP} tell 10.0.20.1`);
    const fwd = at(20);
    expect(fwd.map((o) => o.port)).toEqual(['ether1']);
    const f = fwd[0]!.frame;
    expect(eth(f)).toEqual({ src: R1, dst: B, tpid: 0x8100, vid: 20, type: 0x0800 });
    expect(ip(f)).toMatchObject({ ttl: 63, src: ipv4Parse(A_IP) >>> 0, dst: ipv4Parse(B_IP) >>> 0 });
    expect(parsed(f)).toMatchObject({ outer: 20, etherType: 0x0800 });
    expect(describeFrame(f, 0, f.length, 1)).toContain(`IP ${A_IP} > ${B_IP}: ICMP echo request`);
  });

  test('30 ms: B\'s echo reply is routed back to A tagged VID 10', () => {
    const back = at(30);
    expect(back.map((o) => o.port)).toEqual(['ether1']);
    expect(eth(back[0]!.frame)).toEqual({ src: R1, dst: A, tpid: 0x8100, vid: 10, type: 0x0800 });
    expect(ip(back[0]!.frame)).toMatchObject({ ttl: 63, src: ipv4Parse(B_IP) >>> 0, dst: ipv4Parse(A_IP) >>> 0 });
  });

  test('every input frame ends with the fate the story says', () => {
    const fate = (serial: number) => {
      const [f, a] = run.finals.get(serial)!;
      return f === Fate.DROP ? `drop ${DROP_NAMES[a]}` : f === Fate.TX ? `tx ${gen.portNames[a]}` : f === Fate.LOCAL ? 'local' : `fate ${f}`;
    };
    expect(run.inputs.map((r) => `${ms(r)} ${gen.portNames[r.port]} ${fate(r.serial)}`)).toEqual([
      '0 ether1 tx ether1', // ARP reply in place, tag kept
      '10 ether1 tx ether1', // queued for ARP on vlan20, then released
      '20 ether1 local', // B's ARP reply consumed
      '30 ether1 tx ether1',
      '40 ether1 drop vlan-unknown',
    ]);
    expect(run.flow.state.waiting).toBe(0);
  });

  test('counters and trace', () => {
    const c = run.flow.state.counters;
    expect([c.rxPackets[0], c.txPackets[0]]).toEqual([5, 4]);
    const text = trace.format(run.flow.traceNames());
    expect(text).toContain('vlan-input: vlan-pop tag 10 popped: received on vlan10');
    expect(text).toContain('vlan-input: vlan-pop tag 20 popped: received on vlan20');
    expect(text).toContain('vlan-output: vlan-push tag 20 pushed: out ether1');
    expect(text).toContain('vlan-output: vlan-push tag 10 pushed: out ether1');
    expect(text).toContain('arp-resolve: arp-request sent out vlan20');
    expect(text).toContain('vlan-input: drop vlan-unknown');
  });
});
