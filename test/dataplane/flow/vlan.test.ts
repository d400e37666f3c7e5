/**
 * VLAN interfaces: generation (VLAN tables, virtual ports, MACs), vlan-input (match, pop, QinQ, vlan-unknown,
 * not-for-router, VLAN on a bridge) and vlan-output (push, QinQ push), one frame at a time through a whole
 * Flow; outputs compared byte for byte with frames built by the fixture builder, and parsed back.
 */
import { generationFrom, harness } from './helpers';
import { frame } from '../../../pcap/fixture';
import { macToString } from '../../../dataplane/wire/ethernet';
import { parseFrame } from '../../../dataplane/wire/parse';
import { metaColumns } from '../../../dataplane/buf/meta';
import { ipv4ChecksumOk } from '../../../dataplane/wire/checksum';
import { PacketPool } from '../../../dataplane/buf/pool';

const R1 = '02:00:00:00:01:01';
const R2 = '02:00:00:00:02:01';
const A = '02:00:00:0a:00:0a';
const B = '02:00:00:0b:00:0b';
const C = '02:00:00:0c:00:0c';
const Q = '02:00:00:0e:00:0e';
const BC = 'ff:ff:ff:ff:ff:ff';
const CONFIG = `/interface ethernet
set [ find default-name=ether1 ] mac-address=${R1}
set [ find default-name=ether2 ] mac-address=${R2}
/interface vlan
add name=vlan10 interface=ether1 vlan-id=10
add name=vlan20 interface=ether1 vlan-id=20 mtu=1400
add name=svlan100 interface=ether2 vlan-id=100 use-service-tag=yes
add name=cvlan30 interface=svlan100 vlan-id=30
/ip address
add address=10.0.10.1/24 interface=vlan10
add address=10.0.20.1/24 interface=vlan20
add address=10.0.30.1/24 interface=cvlan30
add address=10.0.1.1/24 interface=ether1
/ip arp
add address=10.0.10.9 mac-address=${C} interface=vlan10
add address=10.0.30.9 mac-address=${Q} interface=cvlan30
`;

const bytes = (f: Uint8Array) => Array.from(f);
/** parseFrame on a copy: the columns it fills. */
function parsed(f: Uint8Array) {
  const m = metaColumns(1).cols;
  const drop = parseFrame(f, 0, f.length, 1, m, 0, true);
  return { drop, flags: m.flags[0]!, outer: m.vlanOuter[0]!, inner: m.vlanInner[0]!, l3Off: m.l3Off[0]!, etherType: m.etherType[0]! };
}

describe('generation: VLAN interfaces', () => {
  test('VLAN tables, virtual ports after the bridges, parent MAC, mtu', () => {
    const gen = generationFrom(CONFIG);
    const ix = (n: string) => gen.routes.interfaces.byName.get(n)!;
    expect(Array.from(gen.vlanIf)).toEqual([ix('vlan10'), ix('vlan20'), ix('svlan100'), ix('cvlan30')]);
    expect(Array.from(gen.vlanParent)).toEqual([ix('ether1'), ix('ether1'), ix('ether2'), ix('svlan100')]);
    expect(Array.from(gen.vlanId)).toEqual([10, 20, 100, 30]);
    expect(Array.from(gen.vlanTpid)).toEqual([0x8100, 0x8100, 0x88a8, 0x8100]);
    expect(gen.ifVlan[ix('cvlan30')]).toBe(3);
    expect(gen.ifVlan[ix('ether1')]).toBe(-1);
    expect(gen.ifPort[ix('vlan10')]).toBe(gen.portNames.length + gen.bridgeIf.length);
    expect(gen.ifMode[ix('vlan20')]).toBe(1);
    expect(macToString(gen.macs, ix('vlan20') * 6)).toBe(R1);
    expect(macToString(gen.macs, ix('cvlan30') * 6)).toBe(R2);
    expect(gen.mtu[ix('vlan20')]).toBe(1400);
    expect(gen.mtu[ix('vlan10')]).toBe(1500);
  });
  test('a VLAN on a disabled parent, or disabled itself, is left out', () => {
    const gen = generationFrom(CONFIG + '/interface ethernet\nset [ find default-name=ether2 ] disabled=yes\n/interface vlan\nset [ find name=vlan20 ] disabled=yes\n');
    expect(Array.from(gen.vlanId)).toEqual([10]);
  });
});

describe('vlan-input / vlan-output', () => {
  const gen = generationFrom(CONFIG);

  test('ARP request tagged VID 10 for the VLAN gateway: answered with a reply tagged VID 10', () => {
    const h = harness(gen);
    const req = frame().eth({ src: A, dst: BC }).vlan(10).arp({ op: 'request', senderMac: A, senderIp: '10.0.10.5', targetIp: '10.0.10.1' }).pad().build();
    expect(h.feed('ether1', req)).toBe('tx ether1');
    const want = frame().eth({ src: R1, dst: A }).vlan(10).arp({ op: 'reply', senderMac: R1, senderIp: '10.0.10.1', targetMac: A, targetIp: '10.0.10.5' }).pad().build();
    expect(bytes(h.sent[0]!.frame)).toEqual(bytes(want));
    // The same request untagged, or tagged for the other VLAN, is not answered (the address is on vlan10).
    const untagged = frame().eth({ src: A, dst: BC }).arp({ op: 'request', senderMac: A, senderIp: '10.0.10.5', targetIp: '10.0.10.1' }).pad().build();
    expect(h.feed('ether1', untagged)).toBe('drop arp-ignored');
    const on20 = frame().eth({ src: A, dst: BC }).vlan(20).arp({ op: 'request', senderMac: A, senderIp: '10.0.10.5', targetIp: '10.0.10.1' }).pad().build();
    expect(h.feed('ether1', on20)).toBe('drop arp-ignored');
  });

  test('routed VLAN 10 → VLAN 20: tagged ARP request on VID 20, then the packet leaves tagged VID 20, TTL 63', () => {
    const h = harness(gen);
    const mk = (ttl: number, src: string, dst: string, vid: number) =>
      frame().eth({ src, dst }).vlan(vid).ipv4({ src: '10.0.10.5', dst: '10.0.20.7', ttl, id: 7 }).udp({ sport: 1000, dport: 2000 }).payload('hello').build();
    expect(h.feed('ether1', mk(64, A, R1, 10))).toBe('queued');
    expect(h.sent).toHaveLength(1);
    const arpReq = h.sent[0]!.frame;
    expect(h.sent[0]!.port).toBe('ether1');
    const wantReq = frame().eth({ src: R1, dst: BC }).vlan(20).arp({ op: 'request', senderMac: R1, senderIp: '10.0.20.1', targetIp: '10.0.20.7' }).build();
    expect(arpReq.length).toBe(64); // the 60-byte request plus the tag
    expect(bytes(arpReq.subarray(0, wantReq.length))).toEqual(bytes(wantReq));
    expect(parsed(arpReq)).toMatchObject({ drop: 0, outer: 20, etherType: 0x0806, l3Off: 18 });
    h.sent.length = 0;
    const reply = frame().eth({ src: B, dst: R1 }).vlan(20).arp({ op: 'reply', senderMac: B, senderIp: '10.0.20.7', targetMac: R1, targetIp: '10.0.20.1' }).pad().build();
    expect(h.feed('ether1', reply, 5)).toBe('local');
    expect(h.finals.get(1)).toBe('tx ether1');
    const out = h.sent[0]!.frame;
    expect(bytes(out)).toEqual(bytes(mk(63, R1, B, 20)));
    const p = parsed(out);
    expect(p).toMatchObject({ drop: 0, outer: 20, inner: 0, l3Off: 18, etherType: 0x0800 });
    expect(p.flags & 0x7).toBe(0x1);
    expect(ipv4ChecksumOk(out, 18)).toBe(true);
  });

  test('QinQ: 802.1ad 100 + 802.1Q 30 in, popped both; out of vlan10 tagged 10; and back pushed both', () => {
    const h = harness(gen);
    const inQ = frame().eth({ src: Q, dst: R2 }).qinq(100, 30).ipv4({ src: '10.0.30.9', dst: '10.0.10.9', ttl: 64, id: 9 }).udp({ sport: 1, dport: 2 }).payload('qinq').build();
    expect(h.feed('ether2', inQ)).toBe('tx ether1');
    const want10 = frame().eth({ src: R1, dst: C }).vlan(10).ipv4({ src: '10.0.30.9', dst: '10.0.10.9', ttl: 63, id: 9 }).udp({ sport: 1, dport: 2 }).payload('qinq').build();
    expect(bytes(h.sent[0]!.frame)).toEqual(bytes(want10));
    h.sent.length = 0;
    const back = frame().eth({ src: C, dst: R1 }).vlan(10).ipv4({ src: '10.0.10.9', dst: '10.0.30.9', ttl: 64, id: 10 }).udp({ sport: 2, dport: 1 }).payload('back').build();
    expect(h.feed('ether1', back)).toBe('tx ether2');
    const out = h.sent[0]!.frame;
    const wantQ = frame().eth({ src: R2, dst: Q }).qinq(100, 30).ipv4({ src: '10.0.10.9', dst: '10.0.30.9', ttl: 63, id: 10 }).udp({ sport: 2, dport: 1 }).payload('back').build();
    expect(bytes(out)).toEqual(bytes(wantQ));
    expect(out[12]).toBe(0x88);
    expect(out[13]).toBe(0xa8);
    const p = parsed(out);
    expect(p).toMatchObject({ drop: 0, outer: 100, inner: 30, l3Off: 22 });
    expect(p.flags & 0x7).toBe(0x7); // VLAN | QINQ | STAG
  });

  test('unknown tags: vlan-unknown (VID, TPID, inner VID, a second tag on a plain VLAN)', () => {
    const h = harness(gen);
    const udp = (src: string, dst: string) => ({ src, dst, ttl: 64 });
    const base = () => frame().eth({ src: A, dst: R1 });
    const tail = (f: ReturnType<typeof frame>) => f.ipv4(udp('10.0.10.5', '10.0.20.7')).udp({ sport: 1, dport: 2 }).build();
    expect(h.feed('ether1', tail(base().vlan(99)))).toBe('drop vlan-unknown');
    expect(h.feed('ether1', tail(base().vlan(10, { tpid: 0x88a8 })))).toBe('drop vlan-unknown');
    expect(h.feed('ether1', tail(base().vlan(10).vlan(5)))).toBe('drop vlan-unknown');
    expect(h.feed('ether2', tail(frame().eth({ src: A, dst: R2 }).qinq(100, 31)))).toBe('drop vlan-unknown');
    expect(h.feed('ether2', tail(frame().eth({ src: A, dst: R2 }).vlan(100)))).toBe('drop vlan-unknown');
    expect(h.feed('ether3', tail(frame().eth({ src: A, dst: R1 }).vlan(10)))).toBe('drop vlan-unknown');
    expect(h.flow.dropCounts().get('vlan-unknown')).toBe(6);
  });

  test('a tagged frame for another MAC is not-for-router; untagged frames keep their behaviour', () => {
    const h = harness(gen);
    const f = frame().eth({ src: A, dst: B }).vlan(10).ipv4({ src: '10.0.10.5', dst: '10.0.20.7' }).udp({ sport: 1, dport: 2 }).build();
    expect(h.feed('ether1', f)).toBe('drop not-for-router');
    const ping = frame().eth({ src: A, dst: R1 }).ipv4({ src: '10.0.1.5', dst: '10.0.1.1' }).icmp({ type: 'echo-request', id: 1, seq: 1 }).build();
    expect(h.feed('ether1', ping)).toBe('queued'); // the echo reply waits for ARP of 10.0.1.5
    expect(bytes(h.sent[0]!.frame.subarray(12, 14))).toEqual([0x08, 0x06]); // an untagged ARP request
  });

  test('a priority tag (VID 0) counts as untagged on the port; VID 0 under VID 10 as received on vlan10', () => {
    const h = harness(generationFrom(CONFIG + '/ip arp\nadd address=10.0.20.7 mac-address=' + B + ' interface=vlan20\n'));
    const f = frame().eth({ src: C, dst: R1 }).vlan(0).ipv4({ src: '10.0.1.5', dst: '10.0.20.7', id: 4 }).udp({ sport: 1, dport: 2 }).build();
    expect(h.feed('ether1', f)).toBe('tx ether1');
    const g = frame().eth({ src: A, dst: R1 }).vlan(10).vlan(0).ipv4({ src: '10.0.10.5', dst: '10.0.20.7', id: 5 }).udp({ sport: 1, dport: 2 }).build();
    expect(h.feed('ether1', g)).toBe('tx ether1');
    const want = frame().eth({ src: R1, dst: B }).vlan(20).ipv4({ src: '10.0.10.5', dst: '10.0.20.7', id: 5, ttl: 63 }).udp({ sport: 1, dport: 2 }).build();
    expect(bytes(h.sent[1]!.frame)).toEqual(bytes(want));
  });

  test('echo request to the VLAN address: the reply is tagged', () => {
    const h = harness(generationFrom(CONFIG + '/ip arp\nadd address=10.0.10.5 mac-address=' + A + ' interface=vlan10\n'));
    const ping = frame().eth({ src: A, dst: R1 }).vlan(10).ipv4({ src: '10.0.10.5', dst: '10.0.10.1', id: 3 }).icmp({ type: 'echo-request', id: 1, seq: 1 }).payload('p').build();
    expect(h.feed('ether1', ping)).toBe('tx ether1');
    const out = h.sent[0]!.frame;
    expect(parsed(out)).toMatchObject({ drop: 0, outer: 10, l3Off: 18 });
    expect(macToString(out, 0)).toBe(A);
    expect(ipv4ChecksumOk(out, 18)).toBe(true);
  });

  test('ICMP errors about a packet from a VLAN go back tagged, from the VLAN address', () => {
    const h = harness(generationFrom(CONFIG + '/ip arp\nadd address=10.0.10.5 mac-address=' + A + ' interface=vlan10\n'));
    const f = frame().eth({ src: A, dst: R1 }).vlan(10).ipv4({ src: '10.0.10.5', dst: '192.0.2.1', ttl: 64 }).udp({ sport: 1, dport: 2 }).build();
    expect(h.feed('ether1', f)).toBe('drop no-route');
    expect(h.sent).toHaveLength(1);
    const out = h.sent[0]!.frame;
    expect(parsed(out)).toMatchObject({ drop: 0, outer: 10, l3Off: 18 });
    expect(out[18 + 9]).toBe(1); // ICMP
    expect(Array.from(out.subarray(18 + 12, 18 + 16))).toEqual([10, 0, 10, 1]);
    expect(out[18 + 20]).toBe(3); // destination unreachable
    expect(ipv4ChecksumOk(out, 18)).toBe(true);
  });

  test('no headroom: vlan-no-headroom', () => {
    const pool = new PacketPool({ slots: 64, headroom: 0 });
    const h = harness(gen, { pool });
    const f = frame().eth({ src: C, dst: R1 }).ipv4({ src: '10.0.1.5', dst: '10.0.10.9' }).udp({ sport: 1, dport: 2 }).build();
    expect(h.feed('ether1', f)).toBe('drop vlan-no-headroom');
  });
});

describe('VLAN on a bridge', () => {
  const BR = '02:00:00:00:bb:01';
  const gen = generationFrom(`/interface ethernet
set [ find default-name=ether1 ] mac-address=${R1}
/interface bridge
add name=br1 admin-mac=${BR} auto-mac=no
/interface bridge port
add bridge=br1 interface=ether3
add bridge=br1 interface=ether4
/interface vlan
add name=vlan50 interface=br1 vlan-id=50
/ip address
add address=10.0.1.1/24 interface=ether1
add address=10.0.50.1/24 interface=vlan50
/ip arp
add address=10.0.1.9 mac-address=${C} interface=ether1
`);
  test('tagged ARP broadcast: flooded unchanged and answered tagged; routed traffic leaves tagged on the learned port', () => {
    const h = harness(gen);
    expect(macToString(gen.macs, gen.routes.interfaces.byName.get('vlan50')! * 6)).toBe(BR);
    const req = frame().eth({ src: A, dst: BC }).vlan(50).arp({ op: 'request', senderMac: A, senderIp: '10.0.50.5', targetIp: '10.0.50.1' }).pad().build();
    h.feed('ether3', req);
    const byPort = Object.fromEntries(h.sent.map((s) => [s.port, s.frame]));
    expect(Object.keys(byPort).sort()).toEqual(['ether3', 'ether4']);
    expect(bytes(byPort['ether4']!)).toEqual(bytes(req));
    const want = frame().eth({ src: BR, dst: A }).vlan(50).arp({ op: 'reply', senderMac: BR, senderIp: '10.0.50.1', targetMac: A, targetIp: '10.0.50.5' }).pad().build();
    expect(bytes(byPort['ether3']!)).toEqual(bytes(want));
    h.sent.length = 0;
    // A (learned on ether3, ARP entry from its request) pings through to 10.0.1.9 and back.
    const up = frame().eth({ src: A, dst: BR }).vlan(50).ipv4({ src: '10.0.50.5', dst: '10.0.1.9', id: 1 }).udp({ sport: 1, dport: 2 }).build();
    expect(h.feed('ether3', up, 1)).toBe('tx ether1');
    expect(h.sent[0]!.frame[12]).toBe(0x08);
    h.sent.length = 0;
    const down = frame().eth({ src: C, dst: R1 }).ipv4({ src: '10.0.1.9', dst: '10.0.50.5', id: 2 }).udp({ sport: 2, dport: 1 }).build();
    expect(h.feed('ether1', down, 2)).toBe('tx ether3');
    const want2 = frame().eth({ src: BR, dst: A }).vlan(50).ipv4({ src: '10.0.1.9', dst: '10.0.50.5', id: 2, ttl: 63 }).udp({ sport: 2, dport: 1 }).build();
    expect(bytes(h.sent[0]!.frame)).toEqual(bytes(want2));
  });

  test('a VLAN on a bridge port takes its tagged frames before the bridge; other tags are bridged', () => {
    const g = generationFrom(`/interface ethernet
set [ find default-name=ether1 ] mac-address=${R1}
set [ find default-name=ether3 ] mac-address=02:00:00:00:03:01
/interface bridge
add name=br1 admin-mac=${BR} auto-mac=no
/interface bridge port
add bridge=br1 interface=ether3
add bridge=br1 interface=ether4
/interface vlan
add name=vlan60 interface=ether3 vlan-id=60
/ip address
add address=10.0.60.1/24 interface=vlan60
`);
    const h = harness(g);
    const req = (vid: number) => frame().eth({ src: A, dst: BC }).vlan(vid).arp({ op: 'request', senderMac: A, senderIp: '10.0.60.5', targetIp: '10.0.60.1' }).pad().build();
    expect(h.feed('ether3', req(60))).toBe('tx ether3');
    expect(h.sent.map((s) => s.port)).toEqual(['ether3']); // answered, not flooded
    expect(macToString(h.sent[0]!.frame, 6)).toBe('02:00:00:00:03:01');
    h.sent.length = 0;
    // No VLAN 61 on ether3: bridged (flooded unchanged to ether4); the broadcast's copy up to br1 finds no
    // VLAN 61 there either.
    expect(h.feed('ether3', req(61))).toBe('drop vlan-unknown');
    expect(h.sent.map((s) => s.port)).toEqual(['ether4']);
    expect(bytes(h.sent[0]!.frame)).toEqual(bytes(req(61)));
  });
});
