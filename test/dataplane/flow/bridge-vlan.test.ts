/**
 * Bridge VLAN filtering (stages/bridge-vlan.ts helpers, bridge-input and bridge-output with
 * vlan-filtering=yes), frame by frame through a whole Flow: the bridge interface as a port (its pvid, the
 * 7.16 dynamic membership for a VLAN interface), ingress-filtering=no, egress to a non-member, a bridge with
 * ether-type 0x88a8, static hosts with a VID, no headroom; and the tag helpers against parseFrame.
 */
import { generationFrom, harness } from './helpers';
import { frame } from '../../../pcap/fixture';
import { macToString } from '../../../dataplane/wire/ethernet';
import { PacketPool } from '../../../dataplane/buf/pool';
import { metaColumns } from '../../../dataplane/buf/meta';
import { parseFrame } from '../../../dataplane/wire/parse';
import { popOuterTag, pushTag, egressTag, VlanMember } from '../../../dataplane/stages/bridge-vlan';

const BR = '02:00:00:00:bb:01';
const A = '02:00:00:0a:00:0a';
const B = '02:00:00:0b:00:0b';
const X = '02:00:00:0e:00:0e';
const BC = 'ff:ff:ff:ff:ff:ff';

const udp = (src: string, dst: string, vid?: number, tpid?: number) => {
  const f = frame().eth({ src, dst });
  if (vid !== undefined) f.vlan(vid, tpid !== undefined ? { tpid } : {});
  return f.ipv4({ src: '10.0.0.1', dst: '10.0.0.2' }).udp({ sport: 1, dport: 2 }).payload('vlan').build();
};
const tagOf = (f: Uint8Array) => ({ tpid: (f[12]! << 8) | f[13]!, vid: ((f[14]! & 0xf) << 8) | f[15]! });

describe('the bridge interface is a port of its VLAN-filtering bridge', () => {
  const cfg = (extra = '') => `/interface bridge
add name=br1 admin-mac=${BR} auto-mac=no vlan-filtering=yes
/interface bridge port
add bridge=br1 interface=ether2
add bridge=br1 interface=ether3 pvid=10
add bridge=br1 interface=ether4 frame-types=admit-only-vlan-tagged
/interface bridge vlan
add bridge=br1 vlan-ids=10 tagged=ether4
/ip address
add address=192.168.1.1/24 interface=br1
${extra}`;
  const arp = (src: string, tpa: string) => frame().eth({ src, dst: BC }).arp({ op: 'request', senderMac: src, senderIp: '192.168.1.10', targetIp: tpa }).pad().build();

  test('untagged member of its pvid (1): a host in VLAN 1 reaches the router; a host in VLAN 10 does not', () => {
    const h = harness(generationFrom(cfg()));
    expect(h.feed('ether2', arp(A, '192.168.1.1'))).toBe('tx ether2'); // answered
    expect(h.sent.map((s) => s.port)).toEqual(['ether2']); // VLAN 1 has no other member port
    expect(macToString(h.sent[0]!.frame, 6)).toBe(BR);
    h.sent.length = 0;
    // from the pvid-10 port: flooded in VLAN 10 (ether4 tagged), not up: the bridge is no member of 10
    expect(h.feed('ether3', arp(B, '192.168.1.1'), 1)).toBe('tx ether4');
    expect(tagOf(h.sent[0]!.frame)).toEqual({ tpid: 0x8100, vid: 10 });
    // a unicast to the bridge's MAC from VLAN 10: the bridge interface is not a member
    const ping = frame().eth({ src: B, dst: BR }).ipv4({ src: '192.168.1.20', dst: '192.168.1.1' }).icmp({ type: 'echo-request', id: 1, seq: 1 }).build();
    expect(h.feed('ether3', ping, 2)).toBe('drop bridge-vlan-egress');
  });

  test('RouterOS 7.16+: an /interface vlan on the bridge makes it a tagged member without a bridge vlan entry', () => {
    const g = generationFrom(cfg('/interface vlan\nadd interface=br1 name=v10 vlan-id=10\n/ip address\nadd address=10.10.0.1/24 interface=v10\n'));
    const h = harness(g);
    const req = frame().eth({ src: B, dst: BC }).arp({ op: 'request', senderMac: B, senderIp: '10.10.0.20', targetIp: '10.10.0.1' }).pad().build();
    expect(h.feed('ether3', req)).toBe('tx ether3');
    const reply = h.sent.find((s) => s.port === 'ether3')!.frame;
    expect([macToString(reply, 0), (reply[12]! << 8) | reply[13]!, reply[21]]).toEqual([B, 0x0806, 2]); // untagged ARP reply
    expect(tagOf(h.sent.find((s) => s.port === 'ether4')!.frame)).toEqual({ tpid: 0x8100, vid: 10 });
  });
});

describe('VLAN-filtering details', () => {
  const cfg = (extra = '', bridge = '') => `/interface bridge
add name=br1 admin-mac=${BR} auto-mac=no vlan-filtering=yes${bridge}
/interface bridge port
add bridge=br1 interface=ether2 pvid=10
add bridge=br1 interface=ether3 pvid=20
add bridge=br1 interface=ether4 ingress-filtering=no
/interface bridge vlan
add bridge=br1 vlan-ids=10,20 tagged=ether4
${extra}`;

  test('ingress-filtering=no admits a VID the port is no member of; it reaches that VID\'s members', () => {
    const h = harness(generationFrom(cfg('add bridge=br1 vlan-ids=30 untagged=ether2\n')));
    expect(h.feed('ether4', udp(A, B, 30))).toBe('tx ether2');
    expect((h.sent[0]!.frame[12]! << 8) | h.sent[0]!.frame[13]!).toBe(0x0800); // untagged member of 30
    expect(h.feed('ether4', udp(A, B, 99), 1)).toBe('drop bridge-no-flood-port'); // nobody in 99
  });

  test('a known destination on a port outside the VLAN: bridge-vlan-egress (static host with a vid)', () => {
    const g = generationFrom(cfg(`/interface bridge host\nadd bridge=br1 interface=ether3 mac-address=${X} vid=10\nadd bridge=br1 interface=ether4 mac-address=${B} vid=20\n`));
    const h = harness(g);
    expect(h.feed('ether2', udp(A, X))).toBe('drop bridge-vlan-egress');
    expect(h.feed('ether3', udp(A, B), 1)).toBe('tx ether4'); // static B in VLAN 20 on the trunk
    expect(tagOf(h.sent[0]!.frame)).toEqual({ tpid: 0x8100, vid: 20 });
    // B in VLAN 10 is another entry: unknown there, flooded to VLAN 10's members (ether4)
    h.sent.length = 0;
    expect(h.feed('ether2', udp(A, B), 2)).toBe('tx ether4');
    expect(tagOf(h.sent[0]!.frame).vid).toBe(10);
  });

  test('ether-type=0x88a8: an 802.1Q-tagged frame counts as untagged (pvid); tags pushed are 0x88a8', () => {
    const h = harness(generationFrom(cfg('', ' ether-type=0x88a8')));
    expect(h.feed('ether2', udp(A, B, 77))).toBe('tx ether4');
    const f = h.sent[0]!.frame;
    expect(tagOf(f)).toEqual({ tpid: 0x88a8, vid: 10 });
    expect([(f[16]! << 8) | f[17]!, ((f[18]! & 0xf) << 8) | f[19]!]).toEqual([0x8100, 77]); // the C-tag rides inside
  });

  test('no headroom to push the tag: vlan-no-headroom', () => {
    const pool = new PacketPool({ slots: 64, headroom: 0 });
    const h = harness(generationFrom(cfg()), { pool });
    expect(h.feed('ether2', udp(A, B))).toBe('drop vlan-no-headroom');
  });
});

describe('tag helpers', () => {
  const pool = new PacketPool({ slots: 4 });
  const load = (f: Uint8Array) => {
    const s = pool.alloc();
    pool.write(s, f, 0, f.length);
    parseFrame(pool.bytes, pool.frameOffset(s), f.length, 1, pool.meta, s, false);
    return s;
  };
  /** The columns parseFrame gives the slot's current bytes. */
  const reparsed = (s: number) => {
    const m = metaColumns(1).cols;
    parseFrame(pool.frameCopy(s), 0, pool.meta.len[s]!, 1, m, 0, false);
    return { flags: m.flags[0]! & 0x7, outer: m.vlanOuter[0], inner: m.vlanInner[0], l3: m.l3Off[0], l4: m.l4Off[0] };
  };
  const cols = (s: number) => ({ flags: pool.meta.flags[s]! & 0x7, outer: pool.meta.vlanOuter[s], inner: pool.meta.vlanInner[s], l3: pool.meta.l3Off[s], l4: pool.meta.l4Off[s] });

  test('push then pop restores the frame; the columns always match a fresh parse', () => {
    const f = udp(A, B, 5);
    const s = load(f);
    expect(pushTag(pool, s, 0x88a8, 100)).toBe(true);
    expect(Array.from(pool.frameCopy(s))).toEqual(Array.from(frame().eth({ src: A, dst: B }).vlan(100, { tpid: 0x88a8 }).vlan(5).ipv4({ src: '10.0.0.1', dst: '10.0.0.2' }).udp({ sport: 1, dport: 2 }).payload('vlan').build()));
    expect(cols(s)).toEqual(reparsed(s));
    popOuterTag(pool, s);
    expect(Array.from(pool.frameCopy(s))).toEqual(Array.from(f));
    expect(cols(s)).toEqual(reparsed(s));
    popOuterTag(pool, s);
    expect(Array.from(pool.frameCopy(s))).toEqual(Array.from(udp(A, B)));
    expect(cols(s)).toEqual(reparsed(s));
  });

  test('egressTag: untagged pops, tagged rewrites the VID of a priority tag keeping its PCP', () => {
    const s = load(frame().eth({ src: A, dst: B }).vlan(0, { pcp: 6 }).ipv4({ src: '10.0.0.1', dst: '10.0.0.2' }).udp({ sport: 1, dport: 2 }).build());
    expect(egressTag(pool, s, 0x8100, 42, VlanMember.TAGGED)).toBe(true);
    const f = pool.frameCopy(s);
    expect([f[14]! >>> 5, ((f[14]! & 0xf) << 8) | f[15]!]).toEqual([6, 42]);
    expect(pool.meta.vlanOuter[s]).toBe(42);
    expect(egressTag(pool, s, 0x8100, 42, VlanMember.UNTAGGED)).toBe(true);
    expect((pool.frameCopy(s)[12]! << 8) | pool.frameCopy(s)[13]!).toBe(0x0800);
  });
});

describe('bad input never crashes the bridged path', () => {
  test('random frames (some tagged, some truncated) through a VLAN-filtering bridge with filter/nat rules each get a fate', () => {
    const g = generationFrom(`/interface bridge
add name=br1 admin-mac=${BR} auto-mac=no vlan-filtering=yes
/interface bridge port
add bridge=br1 interface=ether2 pvid=10
add bridge=br1 interface=ether3 frame-types=admit-only-vlan-tagged
/interface bridge vlan
add bridge=br1 vlan-ids=10,20 tagged=ether3,br1
/interface vlan
add interface=br1 name=v10 vlan-id=10
/ip address
add address=10.0.10.1/24 interface=v10
/interface bridge filter
add chain=forward action=drop mac-protocol=ip ip-protocol=udp dst-port=1-100 src-address=10.0.0.0/8
add chain=input action=accept arp-opcode=request arp-gratuitous=no vlan-id=!5
/interface bridge nat
add chain=dstnat action=arp-reply to-arp-reply-mac-address=02:00:00:00:77:77 arp-dst-address=10.0.10.77
add chain=srcnat action=src-nat to-src-mac-address=02:00:00:00:66:66 packet-type=broadcast
`);
    const h = harness(g);
    let seed = 12345;
    const rnd = (n: number) => {
      seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
      return (seed >>> 8) % n;
    };
    const bases = [
      udp(A, B),
      udp(A, BC, 10),
      udp(B, A, 20),
      frame().eth({ src: A, dst: BC }).arp({ op: 'request', senderMac: A, senderIp: '10.0.10.5', targetIp: '10.0.10.77' }).pad().build(),
      frame().eth({ src: B, dst: BC }).vlan(10).arp({ op: 'request', senderMac: B, senderIp: '10.0.10.6', targetIp: '10.0.10.1' }).pad().build(),
      frame().eth({ src: A, dst: BR }).vlan(0, { pcp: 3 }).ipv4({ src: '10.0.10.5', dst: '10.0.10.1' }).icmp({ type: 'echo-request', id: 1, seq: 1 }).build(),
    ];
    for (let k = 0; k < 400; k++) {
      const f = Uint8Array.from(bases[rnd(bases.length)]!);
      const flips = rnd(4);
      for (let j = 0; j < flips; j++) f[rnd(f.length)] = rnd(256);
      const cut = rnd(3) === 0 ? Math.max(1, rnd(f.length)) : f.length;
      const fate = h.feed(rnd(2) === 0 ? 'ether2' : 'ether3', f.subarray(0, cut), k);
      expect(fate).toMatch(/^(tx ether\d|local|drop [a-z0-9-]+|queued)$/);
    }
    h.flow.finish();
    expect(h.pool.available).toBe(h.pool.slots);
  });
});
