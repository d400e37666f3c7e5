/**
 * Scenario bridge-vlan-filtering (test/scenarios/bridge-vlan-filtering/: config.rsc, captures built by
 * captures.ts): a VLAN-filtering bridge with a trunk (ether1: VLAN 10 and 20 tagged), two access ports
 * (ether2 pvid 10, ether3 pvid 20) and the router on vlan10 (on the bridge). Every expected output is read
 * back from the transmitted frames (ports, MACs, tags and their PCP, IP fields, checksums), per input
 * frame with its fate, as the story in captures.ts tells it.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { vlanCaptureBytes, captureFile, BR, A, B, T1, T2, A_IP, T1_IP, ROUTER_IP } from './bridge-vlan-filtering/captures';
import { generationFrom, replay } from '../dataplane/flow/helpers';
import { Fate } from '../../dataplane/flow';
import { DROP_NAMES } from '../../dataplane/drop';
import { describeFrame } from '../../dataplane/wire/describe';
import { parseArp } from '../../dataplane/wire/arp';
import { parseIpv4, ipv4Parse } from '../../dataplane/wire/ipv4';
import { ipv4ChecksumOk, l4ChecksumOk4 } from '../../dataplane/wire/checksum';
import { macToString } from '../../dataplane/wire/ethernet';
import { isWireError } from '../../dataplane/wire/error';
import { TraceBuffer } from '../../dataplane/trace';
import { expectCommittedCaptures } from './lib';

const DIR = path.join(__dirname, 'bridge-vlan-filtering');
const config = fs.readFileSync(path.join(DIR, 'config.rsc'), 'utf8');

/** Link header: MACs, the tag (VID, PCP) if any, the ethertype inside, and where L3 starts. */
function link(f: Uint8Array) {
  const t = (f[12]! << 8) | f[13]!;
  const tagged = t === 0x8100;
  return {
    dst: macToString(f, 0),
    src: macToString(f, 6),
    vid: tagged ? ((f[14]! & 0x0f) << 8) | f[15]! : null,
    pcp: tagged ? f[14]! >>> 5 : null,
    type: tagged ? (f[16]! << 8) | f[17]! : t,
    l3: tagged ? 18 : 14,
  };
}
function ip(f: Uint8Array) {
  const l = link(f).l3;
  const r = parseIpv4(f, l, f.length - l, true);
  if (isWireError(r)) throw new Error(r.message);
  return r;
}
const ms = (o: { tsSec: number; tsNsec: number }) => Math.round((o.tsSec % 60) * 1000 + o.tsNsec / 1e6);
const ipNum = (s: string) => ipv4Parse(s) >>> 0;

test('committed captures equal what captures.ts builds', () => expectCommittedCaptures(DIR, vlanCaptureBytes(), captureFile));

describe('bridge-vlan-filtering', () => {
  const gen = generationFrom(config);
  const trace = new TraceBuffer(512);
  const files = Object.fromEntries(['ether1', 'ether2', 'ether3'].map((p) => [p, path.join(DIR, captureFile(p))]));
  const run = replay(gen, files, { trace });
  const at = (t: number) => run.outputs.filter((o) => ms(o) === t).map((o) => ({ port: gen.portNames[o.port]!, frame: o.frame }));
  const portsAt = (t: number) => at(t).map((o) => o.port).sort();
  const one = (t: number, port: string) => {
    const o = at(t).filter((x) => x.port === port);
    expect(o).toHaveLength(1);
    return o[0]!.frame;
  };

  test('every IPv4 frame transmitted has valid IPv4 and L4 checksums', () => {
    let n = 0;
    for (const o of run.outputs) {
      const l = link(o.frame);
      if (l.type !== 0x0800) continue;
      n++;
      expect(ipv4ChecksumOk(o.frame, l.l3)).toBe(true);
      const r = ip(o.frame);
      expect(l4ChecksumOk4(o.frame, l.l3, l.l3 + 20 + r.options.length, r.payloadLen, r.proto)).toBe(true);
    }
    expect(n).toBe(9); // 10, 20, 30, 40, 70, 80, 90, 100, 130 ms
  });

  test('0 ms: A\'s ARP broadcast is flooded in VLAN 10 only (ether1 tagged 10); vlan10 answers untagged out ether2', () => {
    expect(portsAt(0)).toEqual(['ether1', 'ether2']);
    expect(link(one(0, 'ether1'))).toEqual({ dst: 'ff:ff:ff:ff:ff:ff', src: A, vid: 10, pcp: 0, type: 0x0806, l3: 18 });
    const reply = one(0, 'ether2');
    expect(link(reply)).toEqual({ dst: A, src: BR, vid: null, pcp: null, type: 0x0806, l3: 14 });
    const arp = parseArp(reply, 14, 28);
    if (isWireError(arp)) throw new Error(arp.message);
    expect({ op: arp.op, sha: macToString(arp.senderMac), spa: arp.senderIp >>> 0, tha: macToString(arp.targetMac), tpa: arp.targetIp >>> 0 }).toEqual({
      op: 2,
      sha: BR,
      spa: ipNum(ROUTER_IP),
      tha: A,
      tpa: ipNum(A_IP),
    });
  });

  test('10 ms: A\'s ping to the router\'s vlan10 address is answered, the tag stripped for the access port', () => {
    const r = one(10, 'ether2');
    expect(portsAt(10)).toEqual(['ether2']);
    expect(link(r)).toMatchObject({ dst: A, src: BR, vid: null, type: 0x0800 });
    expect(describeFrame(r, 0, r.length, 1)).toBe('IP 192.168.10.1 > 192.168.10.10: ICMP echo reply, id 16, seq 1, length 19');
  });

  test('20-40 ms: unknown T1 flooded to the trunk only (tagged 10); T1\'s tagged answer leaves ether2 untagged; then A to T1 goes tagged to ether1 only', () => {
    expect(portsAt(20)).toEqual(['ether1']);
    expect(link(one(20, 'ether1'))).toEqual({ dst: T1, src: A, vid: 10, pcp: 0, type: 0x0800, l3: 18 });
    expect(ip(one(20, 'ether1'))).toMatchObject({ src: ipNum(A_IP), dst: ipNum(T1_IP), ttl: 64, id: 3 });
    expect(portsAt(30)).toEqual(['ether2']);
    expect(link(one(30, 'ether2'))).toEqual({ dst: A, src: T1, vid: null, pcp: null, type: 0x0800, l3: 14 });
    expect(ip(one(30, 'ether2'))).toMatchObject({ src: ipNum(T1_IP), dst: ipNum(A_IP), id: 4 });
    expect(portsAt(40)).toEqual(['ether1']);
    const f = one(40, 'ether1');
    expect(link(f)).toEqual({ dst: T1, src: A, vid: 10, pcp: 0, type: 0x0800, l3: 18 });
    expect(describeFrame(f, 0, f.length, 1)).toBe('vlan 10, p 0, IP 192.168.10.10.4000 > 192.168.10.101.5000: UDP, length 13');
  });

  test('70-90 ms: VLAN 20 broadcast to the trunk only; T2 to B untagged out ether3; B\'s MAC in VLAN 10 is unknown, flooded to ether2', () => {
    expect(portsAt(70)).toEqual(['ether1']);
    expect(link(one(70, 'ether1'))).toEqual({ dst: 'ff:ff:ff:ff:ff:ff', src: B, vid: 20, pcp: 0, type: 0x0800, l3: 18 });
    expect(portsAt(80)).toEqual(['ether3']);
    expect(link(one(80, 'ether3'))).toEqual({ dst: B, src: T2, vid: null, pcp: null, type: 0x0800, l3: 14 });
    expect(portsAt(90)).toEqual(['ether2']);
    expect(link(one(90, 'ether2'))).toEqual({ dst: B, src: T1, vid: null, pcp: null, type: 0x0800, l3: 14 });
  });

  test('100 ms: a priority-tagged frame on the access port leaves the trunk in VLAN 10 with its PCP 5', () => {
    expect(portsAt(100)).toEqual(['ether1']);
    expect(link(one(100, 'ether1'))).toEqual({ dst: T1, src: A, vid: 10, pcp: 5, type: 0x0800, l3: 18 });
  });

  test('120-130 ms: T1\'s tagged ARP is flooded untagged to ether2 and answered tagged 10; its ping is answered tagged 10', () => {
    expect(portsAt(120)).toEqual(['ether1', 'ether2']);
    expect(link(one(120, 'ether2'))).toEqual({ dst: 'ff:ff:ff:ff:ff:ff', src: T1, vid: null, pcp: null, type: 0x0806, l3: 14 });
    const reply = one(120, 'ether1');
    expect(link(reply)).toEqual({ dst: T1, src: BR, vid: 10, pcp: 0, type: 0x0806, l3: 18 });
    const arp = parseArp(reply, 18, 28);
    if (isWireError(arp)) throw new Error(arp.message);
    expect([arp.op, macToString(arp.senderMac), arp.senderIp >>> 0, arp.targetIp >>> 0]).toEqual([2, BR, ipNum(ROUTER_IP), ipNum(T1_IP)]);
    expect(portsAt(130)).toEqual(['ether1']);
    const echo = one(130, 'ether1');
    expect(link(echo)).toMatchObject({ dst: T1, src: BR, vid: 10, type: 0x0800 });
    expect(describeFrame(echo, 0, echo.length, 1)).toBe('vlan 10, p 0, IP 192.168.10.1 > 192.168.10.101: ICMP echo reply, id 17, seq 1, length 20');
  });

  test('every input frame ends with the fate the story says', () => {
    const fate = (serial: number) => {
      const [f, a] = run.finals.get(serial)!;
      return f === Fate.DROP ? `drop ${DROP_NAMES[a]}` : f === Fate.TX ? `tx ${gen.portNames[a]}` : f === Fate.LOCAL ? 'local' : `fate ${f}`;
    };
    expect(run.inputs.map((r) => `${ms(r)} ${gen.portNames[r.port]} ${fate(r.serial)}`)).toEqual([
      '0 ether2 tx ether2', // ARP request: flooded copy, the original answered in place
      '10 ether2 tx ether2', // echo request answered
      '20 ether2 tx ether1',
      '30 ether1 tx ether2',
      '40 ether2 tx ether1',
      '50 ether1 drop bridge-vlan-ingress-filter',
      '60 ether1 drop bridge-frame-type',
      '70 ether3 tx ether1',
      '80 ether1 tx ether3',
      '90 ether1 tx ether2',
      '100 ether2 tx ether1',
      '110 ether2 drop bridge-frame-type',
      '120 ether1 tx ether1',
      '130 ether1 tx ether1',
    ]);
    expect(run.flow.state.waiting).toBe(0);
    expect(run.outputs).toHaveLength(13); // two at 0 and at 120 ms, one per other forwarded frame
  });

  test('the FDB is keyed by MAC and VLAN; trace shows the VLAN decisions', () => {
    const fdb = run.flow.state.fdbs[0]!;
    const p = (n: string) => gen.portNames.indexOf(n);
    const mac = (s: string) => [parseInt(s.slice(0, 2) + s.slice(3, 5), 16), parseInt(s.slice(6).replace(/:/g, ''), 16)] as const;
    expect(fdb.lookup(...mac(A), 10)).toBe(p('ether2'));
    expect(fdb.lookup(...mac(T1), 10)).toBe(p('ether1'));
    expect(fdb.lookup(...mac(B), 20)).toBe(p('ether3'));
    expect(fdb.lookup(...mac(T2), 20)).toBe(p('ether1'));
    expect(fdb.lookup(...mac(B), 10)).toBe(-1);
    expect(fdb.lookup(...mac(A), 0)).toBe(-1);
    expect(fdb.learned).toBe(4);
    const text = trace.format(run.flow.traceNames());
    expect(text).toContain('bridge-input: bridge-vlan in VLAN 10 on ether2');
    expect(text).toContain('bridge-input: bridge-tag tagged 10 out ether1');
    expect(text).toContain('bridge-input: bridge-tag untagged out ether2');
    expect(text).toContain('bridge-input: drop bridge-vlan-ingress-filter');
    expect(text).toContain('bridge-output: bridge-vlan in VLAN 10 on bridge1');
    expect(text).toContain('bridge-input: vlan-pop tag 10 popped: received on vlan10');
  });
});
