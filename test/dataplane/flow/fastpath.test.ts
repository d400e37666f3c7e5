/**
 * The routed fast paths give exactly what the general code gives: ethernet-input's routedIpv4
 * (stages/ethernet-routed.ts) writes the same metadata columns as parseFrame for every frame it accepts
 * and accepts nothing parseFrame would treat differently; ip4-forward's inline TTL decrement writes the
 * checksum wire/checksum.ts ipv4DecTtl writes; ip4-input's word-wise checksum agrees with ipv4ChecksumOk.
 */
import { frame } from '../../../pcap/fixture';
import { PacketPool } from '../../../dataplane/buf/pool';
import { parseFrame } from '../../../dataplane/wire/parse';
import { routedIpv4 } from '../../../dataplane/stages/ethernet-routed';
import { ipv4DecTtl, ipv4ChecksumOk } from '../../../dataplane/wire/checksum';
import { generationFrom, harness } from './helpers';

const R1 = '02:00:00:00:01:01';
const HI = 0x0200;
const LO = 0x00000101;
const COLS = ['flags', 'etherType', 'vlanOuter', 'vlanInner', 'l3Off', 'l3Len', 'l4Proto', 'l4Off', 'drop'] as const;

function frames(): { name: string; f: Uint8Array }[] {
  const e = (dst = R1) => frame().eth({ src: '02:00:00:0a:00:0a', dst });
  const ip = (o: Partial<Parameters<ReturnType<typeof frame>['ipv4']>[0]> = {}) => e().ipv4({ src: '10.0.1.10', dst: '8.8.8.8', ...o });
  return [
    { name: 'udp', f: ip().udp({ sport: 1, dport: 2 }).payload('hello').build() },
    { name: 'udp df', f: ip({ df: true }).udp({ sport: 1, dport: 2 }).payload('hello').build() },
    { name: 'udp short length field', f: ip().udp({ sport: 1, dport: 2, length: 7 }).payload('hello').build() },
    { name: 'udp long length field', f: ip().udp({ sport: 1, dport: 2, length: 200 }).payload('hello').build() },
    { name: 'tcp', f: ip().tcp({ sport: 1, dport: 2 }).build() },
    { name: 'tcp bad offset', f: ip().tcp({ sport: 1, dport: 2, dataOffset: 4 }).build() },
    { name: 'tcp offset past packet', f: ip().tcp({ sport: 1, dport: 2, dataOffset: 15 }).build() },
    { name: 'icmp', f: ip().icmp({ type: 'echo-request', id: 1, seq: 1 }).build() },
    { name: 'gre (other protocol)', f: ip({ proto: 47 }).payload('xxxxxxxx').build() },
    { name: 'fragment', f: ip({ mf: true }).udp({ sport: 1, dport: 2 }).payload('hello').build() },
    { name: 'later fragment', f: ip({ fragOffset: 8 }).payload('hellohello').build() },
    { name: 'options', f: ip({ options: [1, 1, 1, 0] }).udp({ sport: 1, dport: 2 }).payload('x').build() },
    { name: 'broadcast', f: frame().eth({ src: '02:00:00:0a:00:0a', dst: 'ff:ff:ff:ff:ff:ff' }).ipv4({ src: '10.0.1.10', dst: '10.0.1.255' }).udp({ sport: 1, dport: 2 }).build() },
    { name: 'other MAC', f: e('02:00:00:00:99:99').ipv4({ src: '10.0.1.10', dst: '8.8.8.8' }).udp({ sport: 1, dport: 2 }).build() },
    { name: 'vlan', f: e().vlan(10).ipv4({ src: '10.0.1.10', dst: '8.8.8.8' }).udp({ sport: 1, dport: 2 }).build() },
    { name: 'arp', f: frame().eth({ src: '02:00:00:0a:00:0a', dst: R1 }).arp({ op: 'request', senderMac: '02:00:00:0a:00:0a', senderIp: '10.0.1.10', targetIp: '10.0.1.1' }).build() },
    { name: 'truncated ipv4', f: ip().udp({ sport: 1, dport: 2 }).payload('hello').build().slice(0, 30) },
    { name: 'total length past frame', f: ip({ totalLen: 200 }).udp({ sport: 1, dport: 2 }).build() },
    { name: 'total length below header', f: ip({ totalLen: 12 }).udp({ sport: 1, dport: 2 }).build() },
    { name: 'padded (total length < frame)', f: ip().udp({ sport: 1, dport: 2 }).pad().build() },
  ];
}

test('routedIpv4 accepts plain IPv4 for the port MAC and then writes exactly parseFrame\'s columns', () => {
  const pool = new PacketPool({ slots: 4 });
  const m = pool.meta;
  const accepted: string[] = [];
  for (const { name, f } of frames()) {
    const a = pool.alloc();
    const g = pool.alloc();
    for (const s of [a, g]) {
      pool.write(s, f, 0, f.length);
      m.flags[s] = 0x2000; // a TRACE bit set by the port is kept
    }
    const ok = routedIpv4(pool.bytes, pool.view, pool.frameOffset(a), f.length, HI, LO, m, a);
    const drop = parseFrame(pool.bytes, pool.frameOffset(g), f.length, 1, m, g, false);
    if (ok) {
      accepted.push(name);
      expect({ name, drop }).toEqual({ name, drop: 0 });
      for (const c of COLS) expect({ name, c, v: m[c][a] }).toEqual({ name, c, v: m[c][g] });
    } else {
      // nothing written: the frame's columns are still what alloc and the port left
      expect({ name, flags: m.flags[a], l3Off: m.l3Off[a], etherType: m.etherType[a] }).toEqual({ name, flags: 0x2000, l3Off: 0, etherType: 0 });
    }
    pool.free(a);
    pool.free(g);
  }
  expect(accepted).toEqual(['udp', 'udp df', 'tcp', 'icmp', 'padded (total length < frame)']);
});

test('forwarding decrements the TTL with the checksum ipv4DecTtl writes, for many TTLs and checksums', () => {
  const gen = generationFrom(`/interface ethernet
set [ find default-name=ether1 ] mac-address=${R1}
/ip address
add address=10.0.1.1/24 interface=ether1
add address=10.0.2.1/24 interface=ether2
/ip arp
add address=10.0.2.20 mac-address=02:00:00:0b:00:14 interface=ether2
`);
  const h = harness(gen, { icmp: false });
  for (let k = 0; k < 300; k++) {
    const ttl = 2 + (k % 254);
    const f = frame().eth({ src: '02:00:00:0a:00:0a', dst: R1 }).ipv4({ src: '10.0.1.10', dst: '10.0.2.20', ttl, id: k * 211, tos: k & 0xfc }).udp({ sport: k, dport: 9 }).build();
    expect(h.feed('ether1', f)).toBe('tx ether2');
    const got = h.sent[h.sent.length - 1]!.frame;
    const want = f.slice();
    ipv4DecTtl(want, 14);
    expect([k, got[22], got[24], got[25]]).toEqual([k, want[22], want[24], want[25]]);
    expect(ipv4ChecksumOk(got, 14)).toBe(true);
  }
});

test('ip4-input: a header with a wrong checksum is dropped whatever the offset parity; a right one passes', () => {
  const gen = generationFrom(`/interface ethernet
set [ find default-name=ether1 ] mac-address=${R1}
/ip address
add address=10.0.1.1/24 interface=ether1
add address=10.0.2.1/24 interface=ether2
/ip arp
add address=10.0.2.20 mac-address=02:00:00:0b:00:14 interface=ether2
`);
  for (const headroom of [64, 63]) {
    const h = harness(gen, { icmp: false, pool: new PacketPool({ slots: 64, headroom }) });
    for (let k = 0; k < 40; k++) {
      const good = frame().eth({ src: '02:00:00:0a:00:0a', dst: R1 }).ipv4({ src: '10.0.1.10', dst: '10.0.2.20', id: k * 7919 }).udp({ sport: k, dport: 9 }).build();
      const bad = frame().eth({ src: '02:00:00:0a:00:0a', dst: R1 }).ipv4({ src: '10.0.1.10', dst: '10.0.2.20', id: k * 7919, badChecksum: true }).udp({ sport: k, dport: 9 }).build();
      expect([headroom, k, h.feed('ether1', good)]).toEqual([headroom, k, 'tx ether2']);
      expect([headroom, k, h.feed('ether1', bad)]).toEqual([headroom, k, 'drop ipv4-bad-checksum']);
    }
  }
});
