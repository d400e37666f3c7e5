import { parseFrame, PARSE_KEEP_FLAGS } from '../../../dataplane/wire/parse';
import { PacketPool } from '../../../dataplane/buf/pool';
import { PktFlag, metaColumns, type MetaColumns } from '../../../dataplane/buf/meta';
import { DROP_NAMES, Drop } from '../../../dataplane/drop';
import { frame, fragmentIpv4, fragmentIpv6, type FrameBuilder } from '../../../pcap/fixture';
import { corpusFrames, framesOf } from './corpus';

const F = PktFlag;

interface Seen {
  drop: number;
  flags: number;
  etherType: number;
  vlanOuter: number;
  vlanInner: number;
  l3Off: number;
  l3Len: number;
  l4Proto: number;
  l4Off: number;
}

const m: MetaColumns = metaColumns(4).cols;

function parse(f: Uint8Array, linkType = 1, opts: { verify?: boolean; len?: number; snapped?: boolean; flags?: number } = {}): Seen {
  m.flags[1] = (opts.flags ?? 0) | (opts.snapped ? F.SNAPPED : 0);
  const drop = parseFrame(f, 0, opts.len ?? f.length, linkType, m, 1, opts.verify ?? false);
  expect(m.drop[1]).toBe(drop);
  return {
    drop,
    flags: m.flags[1]!,
    etherType: m.etherType[1]!,
    vlanOuter: m.vlanOuter[1]!,
    vlanInner: m.vlanInner[1]!,
    l3Off: m.l3Off[1]!,
    l3Len: m.l3Len[1]!,
    l4Proto: m.l4Proto[1]!,
    l4Off: m.l4Off[1]!,
  };
}

const eth = (): FrameBuilder => frame().eth({ src: '02:00:00:00:00:01', dst: '02:00:00:00:00:02' });
const v4 = { src: '10.0.0.1', dst: '10.0.0.2' };
const v6 = { src: '2001:db8::1', dst: '2001:db8::2' };

describe('parseFrame classifies', () => {
  test('Ethernet + IPv4 + TCP: every column', () => {
    const f = eth().ipv4(v4).tcp({ sport: 1, dport: 80, options: { mss: 1460 } }).payload(10).build();
    expect(parse(f)).toEqual({ drop: 0, flags: F.IPV4 | F.L4, etherType: 0x0800, vlanOuter: 0, vlanInner: 0, l3Off: 14, l3Len: 54, l4Proto: 6, l4Off: 34 });
  });

  test('broadcast / multicast destination', () => {
    const b = frame().eth({ dst: 'ff:ff:ff:ff:ff:ff' }).arp({ senderMac: '02:00:00:00:00:01', senderIp: '10.0.0.1', targetIp: '10.0.0.2' }).pad().build();
    expect(parse(b)).toEqual({ drop: 0, flags: F.ARP | F.BROADCAST | F.MULTICAST, etherType: 0x0806, vlanOuter: 0, vlanInner: 0, l3Off: 14, l3Len: 28, l4Proto: 0, l4Off: 0 });
    const mc = frame().eth({ dst: '01:00:5e:00:00:01' }).ipv4({ src: '10.0.0.1', dst: '224.0.0.1' }).udp({ sport: 1, dport: 2 }).build();
    expect(parse(mc).flags).toBe(F.IPV4 | F.L4 | F.MULTICAST);
    const almost = frame().eth({ dst: 'ff:ff:ff:ff:ff:fe' }).ipv4(v4).build();
    expect(parse(almost).flags).toBe(F.IPV4 | F.MULTICAST);
  });

  test('802.1Q, 802.1ad QinQ, 0x9100 and four tags', () => {
    const q = eth().vlan(123, { pcp: 7 }).ipv4(v4).udp({ sport: 1, dport: 2 }).build();
    expect(parse(q)).toMatchObject({ drop: 0, flags: F.VLAN | F.IPV4 | F.L4, vlanOuter: 123, vlanInner: 0, l3Off: 18, l4Off: 38, l4Proto: 17 });
    const qq = eth().qinq(200, 2001).arp({ senderMac: '02:00:00:00:00:01', senderIp: '1.1.1.1', targetIp: '1.1.1.2' }).build();
    expect(parse(qq)).toMatchObject({ drop: 0, flags: F.VLAN | F.QINQ | F.STAG | F.ARP, vlanOuter: 200, vlanInner: 2001, l3Off: 22, etherType: 0x0806 });
    const s91 = eth().vlan(5, { tpid: 0x9100 }).vlan(6).ipv6(v6).build();
    expect(parse(s91)).toMatchObject({ drop: 0, flags: F.VLAN | F.QINQ | F.STAG | F.IPV6, vlanOuter: 5, vlanInner: 6, l3Off: 22, l4Proto: 59 });
    const four = eth().vlan(1).vlan(2).vlan(3).vlan(4).ipv4(v4).icmp({ type: 'echo-request' }).build();
    expect(parse(four)).toMatchObject({ drop: 0, flags: F.VLAN | F.QINQ | F.IPV4 | F.L4, vlanOuter: 1, vlanInner: 2, l3Off: 30, l4Off: 50, l4Proto: 1 });
  });

  test('IPv4 options, fragments', () => {
    const o = eth().ipv4({ ...v4, options: [148, 4, 0, 0] }).tcp({ sport: 1, dport: 2 }).build();
    expect(parse(o)).toMatchObject({ drop: 0, flags: F.IPV4 | F.IP_OPTIONS | F.L4, l4Off: 38 });
    const pkt = frame().ipv4({ ...v4, id: 7 }).udp({ sport: 1, dport: 2 }).payload(100).build();
    const [first, mid, last] = fragmentIpv4(pkt, 48).map((x) => eth().ipPacket(x).build());
    expect(parse(first!)).toMatchObject({ drop: 0, flags: F.IPV4 | F.FRAGMENT | F.L4, l4Proto: 17, l4Off: 34, l3Len: 68 });
    expect(parse(mid!)).toMatchObject({ drop: 0, flags: F.IPV4 | F.FRAGMENT | F.LATER_FRAGMENT, l4Proto: 17, l4Off: 34 });
    expect(parse(last!)).toMatchObject({ drop: 0, flags: F.IPV4 | F.FRAGMENT | F.LATER_FRAGMENT, l3Len: 32 });
    // a later fragment's data is never checked as a header
    const junk = eth().ipv4({ ...v4, fragOffset: 8, proto: 6 }).payload(2).build();
    expect(parse(junk).drop).toBe(0);
  });

  test('IPv6 extension chain, fragments', () => {
    const hbh = eth().ipv6(v6).hopByHop().destOpts().icmpv6({ type: 'echo-request' }).build();
    expect(parse(hbh)).toMatchObject({ drop: 0, flags: F.IPV6 | F.L4, l4Proto: 58, l4Off: 14 + 56, l3Len: hbh.length - 14 });
    const pkt = frame().ipv6(v6).udp({ sport: 1, dport: 2 }).payload(100).build();
    const frags = fragmentIpv6(pkt, 64, 42).map((x) => eth().ipPacket(x).build());
    expect(parse(frags[0]!)).toMatchObject({ drop: 0, flags: F.IPV6 | F.FRAGMENT | F.L4, l4Proto: 17, l4Off: 62 });
    expect(parse(frags[1]!)).toMatchObject({ drop: 0, flags: F.IPV6 | F.FRAGMENT | F.LATER_FRAGMENT, l4Proto: 17, l4Off: 62 });
    const ah = eth().ipv6({ ...v6, nextHeader: 51 }).payload(Uint8Array.of(6, 4, 0, 0, ...new Array<number>(20).fill(0))).tcp({ sport: 1, dport: 2 }).build();
    expect(parse(ah)).toMatchObject({ drop: 0, flags: F.IPV6 | F.L4, l4Proto: 6, l4Off: 14 + 64 });
    const esp = eth().ipv6({ ...v6, nextHeader: 50 }).payload(24).build();
    expect(parse(esp)).toMatchObject({ drop: 0, flags: F.IPV6, l4Proto: 50, l4Off: 54 });
  });

  test('non-IP ethertypes are classified, not dropped', () => {
    const ppp = eth().pppoe(0x17, 0xc021).payload(12).build();
    expect(parse(ppp)).toMatchObject({ drop: 0, flags: 0, etherType: 0x8864, l3Off: 14, l3Len: ppp.length - 14 });
    const lldp = frame().eth({ dst: '01:80:c2:00:00:0e', type: 0x88cc }).payload(46).build();
    expect(parse(lldp)).toMatchObject({ drop: 0, flags: F.MULTICAST, etherType: 0x88cc });
    const bpdu = frame().eth({ dst: '01:80:c2:00:00:00', type: 38 }).payload(Uint8Array.of(0x42, 0x42, 3)).pad().build();
    expect(parse(bpdu)).toMatchObject({ drop: 0, flags: F.MULTICAST, etherType: 38, l3Off: 14, l3Len: 46 });
    const tagged = eth().vlan(9).payload(30, 0x8847).build();
    expect(parse(tagged)).toMatchObject({ drop: 0, flags: F.VLAN, etherType: 0x8847, vlanOuter: 9, l3Off: 18 });
  });

  test('Ethernet padding: l3Len is the IP length, UDP/TCP bounded by it', () => {
    const f = eth().ipv4(v4).udp({ sport: 1, dport: 2 }).payload(2).pad().build();
    expect(f.length).toBe(60);
    expect(parse(f)).toMatchObject({ drop: 0, l3Len: 30, flags: F.IPV4 | F.L4 });
    const v6p = eth().ipv6(v6).payload(0).pad(80).build();
    expect(parse(v6p)).toMatchObject({ drop: 0, l3Len: 40 });
  });

  test('Linux SLL, SLL2 and raw IP link types', () => {
    const s = frame().sll({ packetType: 4 }).ipv4(v4).tcp({ sport: 1, dport: 2 }).build();
    expect(parse(s, 113)).toMatchObject({ drop: 0, flags: F.IPV4 | F.L4, l3Off: 16, l4Off: 36 });
    const sb = frame().sll({ packetType: 1 }).arp({ senderMac: '02:00:00:00:00:01', senderIp: '1.1.1.1', targetIp: '1.1.1.2' }).build();
    expect(parse(sb, 113)).toMatchObject({ drop: 0, flags: F.ARP | F.BROADCAST | F.MULTICAST });
    const sv = frame().sll({ packetType: 2 }).vlan(44).ipv6(v6).build();
    expect(parse(sv, 113)).toMatchObject({ drop: 0, flags: F.IPV6 | F.VLAN | F.MULTICAST, vlanOuter: 44, l3Off: 20 });
    const s2 = frame().sll({ version: 2 }).ipv6(v6).udp({ sport: 1, dport: 2 }).build();
    expect(parse(s2, 276)).toMatchObject({ drop: 0, flags: F.IPV6 | F.L4, l3Off: 20, l4Off: 60 });
    const raw4 = frame().ipv4(v4).icmp({ type: 'echo-reply' }).build();
    expect(parse(raw4, 101)).toMatchObject({ drop: 0, flags: F.IPV4 | F.L4, l3Off: 0, l4Off: 20, etherType: 0x0800 });
    const raw6 = frame().ipv6(v6).tcp({ sport: 1, dport: 2 }).build();
    expect(parse(raw6, 101)).toMatchObject({ drop: 0, flags: F.IPV6 | F.L4, l4Off: 40, etherType: 0x86dd });
  });

  test('port-set SNAPPED and TRACE bits are kept, stale bits are cleared', () => {
    const f = eth().ipv4(v4).tcp({ sport: 1, dport: 2 }).build();
    expect(PARSE_KEEP_FLAGS).toBe(F.SNAPPED | F.TRACE | F.GSO);
    expect(parse(f, 1, { flags: F.TRACE | F.VLAN | F.ARP | F.LATER_FRAGMENT }).flags).toBe(F.TRACE | F.IPV4 | F.L4);
  });

  test('frames at any offset inside a PacketPool', () => {
    const pool = new PacketPool({ slots: 3, slotSize: 256, headroom: 64 });
    const f = eth().vlan(3).ipv4(v4).udp({ sport: 5, dport: 6 }).payload(9).build();
    for (let i = 0; i < 3; i++) {
      const s = pool.alloc();
      pool.write(s, f, 0, f.length);
      expect(parseFrame(pool.bytes, pool.frameOffset(s), pool.meta.len[s]!, 1, pool.meta, s, true)).toBe(0);
      expect([pool.meta.l3Off[s], pool.meta.l4Off[s], pool.meta.vlanOuter[s], pool.meta.l4Proto[s]]).toEqual([18, 38, 3, 17]);
    }
  });
});

describe('parseFrame drops malformed frames with a named reason', () => {
  const cases: Array<[string, () => { f: Uint8Array; link?: number; len?: number; verify?: boolean; snapped?: boolean }, number]> = [
    ['short Ethernet', () => ({ f: new Uint8Array(13) }), Drop.ETHERNET_TRUNCATED],
    ['short SLL', () => ({ f: new Uint8Array(15), link: 113 }), Drop.SLL_TRUNCATED],
    ['short SLL2', () => ({ f: new Uint8Array(19), link: 276 }), Drop.SLL_TRUNCATED],
    ['empty raw IP', () => ({ f: new Uint8Array(0), link: 101 }), Drop.IPV4_TRUNCATED],
    ['unknown link type', () => ({ f: new Uint8Array(64), link: 105 }), Drop.UNSUPPORTED_LINK_TYPE],
    ['VLAN tag cut off', () => ({ f: eth().vlan(1).ipv4(v4).build(), len: 17 }), Drop.VLAN_TRUNCATED],
    ['inner VLAN tag cut off', () => ({ f: eth().qinq(1, 2).ipv4(v4).build(), len: 21 }), Drop.VLAN_TRUNCATED],
    ['third VLAN tag cut off', () => ({ f: eth().vlan(1).vlan(2).vlan(3).ipv4(v4).build(), len: 25 }), Drop.VLAN_TRUNCATED],
    ['five VLAN tags', () => ({ f: eth().vlan(1).vlan(2).vlan(3).vlan(4).vlan(5).ipv4(v4).build() }), Drop.VLAN_TOO_DEEP],
    ['ARP cut off', () => ({ f: eth().arp({ senderMac: '02:00:00:00:00:01', senderIp: '1.1.1.1', targetIp: '1.1.1.2' }).build(), len: 41 }), Drop.ARP_TRUNCATED],
    ['ARP header cut off', () => ({ f: eth().arp({ senderMac: '02:00:00:00:00:01', senderIp: '1.1.1.1', targetIp: '1.1.1.2' }).build(), len: 20 }), Drop.ARP_TRUNCATED],
    ['ARP for IEEE 802 hardware', () => { const f = eth().arp({ senderMac: '02:00:00:00:00:01', senderIp: '1.1.1.1', targetIp: '1.1.1.2' }).build(); f[15] = 6; return { f }; }, Drop.ARP_UNSUPPORTED],
    ['IPv4 shorter than 20 bytes', () => ({ f: eth().ipv4(v4).build(), len: 33 }), Drop.IPV4_TRUNCATED],
    ['IPv4 version 6 in an IPv4 frame', () => ({ f: eth().ipv4({ ...v4, version: 6 }).build() }), Drop.IPV4_BAD_VERSION],
    ['IPv4 IHL 4', () => ({ f: eth().ipv4({ ...v4, ihl: 4 }).payload(8).build() }), Drop.IPV4_BAD_IHL],
    ['IPv4 IHL beyond the frame', () => ({ f: eth().ipv4({ ...v4, ihl: 15 }).payload(8).build() }), Drop.IPV4_BAD_IHL],
    ['IPv4 total length beyond the frame', () => ({ f: eth().ipv4({ ...v4, totalLen: 100 }).payload(8).build() }), Drop.IPV4_BAD_TOTAL_LENGTH],
    ['IPv4 total length below the header', () => ({ f: eth().ipv4({ ...v4, totalLen: 19 }).payload(8).build() }), Drop.IPV4_BAD_TOTAL_LENGTH],
    ['IPv4 bad header checksum (verify on)', () => ({ f: eth().ipv4({ ...v4, badChecksum: true }).udp({ sport: 1, dport: 2 }).build(), verify: true }), Drop.IPV4_BAD_CHECKSUM],
    ['IPv6 shorter than 40 bytes', () => ({ f: eth().ipv6(v6).build(), len: 53 }), Drop.IPV6_TRUNCATED],
    ['IPv6 version 4 in an IPv6 frame', () => ({ f: eth().ipv6({ ...v6, version: 4 }).build() }), Drop.IPV6_BAD_VERSION],
    ['IPv6 payload length beyond the frame', () => ({ f: eth().ipv6({ ...v6, payloadLen: 9 }).payload(8).build() }), Drop.IPV6_BAD_PAYLOAD_LENGTH],
    ['IPv6 extension header cut off', () => ({ f: eth().ipv6({ ...v6, nextHeader: 0, payloadLen: 4 }).payload(4).build() }), Drop.IPV6_EXT_TRUNCATED],
    ['IPv6 extension length past the packet', () => ({ f: eth().ipv6(v6).hopByHop({ data: [0, 0, 0, 0, 0, 0] }).payload(8).build().map((x, i) => (i === 55 ? 3 : x)) }), Drop.IPV6_EXT_TRUNCATED],
    ['nine IPv6 extension headers', () => { let b = eth().ipv6(v6); for (let i = 0; i < 9; i++) b = b.destOpts(); return { f: b.udp({ sport: 1, dport: 2 }).build() }; }, Drop.IPV6_EXT_TOO_MANY],
    ['TCP shorter than 20 bytes', () => ({ f: eth().ipv4({ ...v4, proto: 6 }).payload(19).build() }), Drop.TCP_TRUNCATED],
    ['TCP data offset 4', () => ({ f: eth().ipv4(v4).tcp({ sport: 1, dport: 2, dataOffset: 4 }).build() }), Drop.TCP_BAD_DATA_OFFSET],
    ['TCP data offset beyond the packet', () => ({ f: eth().ipv4(v4).tcp({ sport: 1, dport: 2, dataOffset: 15 }).payload(20).build() }), Drop.TCP_TRUNCATED],
    ['TCP over IPv6 data offset beyond the packet', () => ({ f: eth().ipv6(v6).tcp({ sport: 1, dport: 2, dataOffset: 6 }).build() }), Drop.TCP_TRUNCATED],
    ['UDP shorter than 8 bytes', () => ({ f: eth().ipv4({ ...v4, proto: 17 }).payload(7).build() }), Drop.UDP_TRUNCATED],
    ['UDP length below 8', () => ({ f: eth().ipv4(v4).udp({ sport: 1, dport: 2, length: 7 }).build() }), Drop.UDP_BAD_LENGTH],
    ['UDP length beyond the IP payload', () => ({ f: eth().ipv4(v4).udp({ sport: 1, dport: 2, length: 9 }).pad().build() }), Drop.UDP_BAD_LENGTH],
    ['UDP over IPv6 length beyond the payload', () => ({ f: eth().ipv6(v6).udp({ sport: 1, dport: 2, length: 20 }).payload(4).build() }), Drop.UDP_BAD_LENGTH],
    ['ICMP shorter than 8 bytes', () => ({ f: eth().ipv4({ ...v4, proto: 1 }).payload(7).build() }), Drop.ICMP_TRUNCATED],
    ['ICMPv6 shorter than 8 bytes', () => ({ f: eth().ipv6({ ...v6, nextHeader: 58 }).payload(7).build() }), Drop.ICMPV6_TRUNCATED],
    ['snapped frame whose TCP header is cut', () => ({ f: eth().ipv4(v4).tcp({ sport: 1, dport: 2 }).payload(100).build(), len: 50, snapped: true }), Drop.SNAPLEN_TRUNCATED],
  ];
  test.each(cases)('%s', (_name, make, want) => {
    const c = make();
    const s = parse(c.f, c.link ?? 1, { len: c.len ?? c.f.length, verify: c.verify ?? false, snapped: c.snapped ?? false });
    expect(DROP_NAMES[s.drop]).toBe(DROP_NAMES[want]);
    expect(s.l3Off).toBeLessThanOrEqual(c.len ?? c.f.length);
    expect(s.l4Off).toBeLessThanOrEqual(c.len ?? c.f.length);
  });

  test('a first fragment may carry a UDP length beyond the fragment; a bad checksum passes unless asked', () => {
    const first = eth().ipv4({ ...v4, mf: true }).udp({ sport: 1, dport: 2, length: 3000 }).payload(100).build();
    expect(parse(first).drop).toBe(0);
    expect(parse(eth().ipv4({ ...v4, badChecksum: true }).build()).drop).toBe(0);
  });

  test('a snapped frame (capture snaplen) is classified as far as its bytes go', () => {
    const f = eth().ipv4(v4).tcp({ sport: 1, dport: 2 }).payload(1000).build();
    const s = parse(f, 1, { len: 96, snapped: true });
    expect(s).toMatchObject({ drop: 0, flags: F.IPV4 | F.L4 | F.SNAPPED, l3Len: 1040, l4Off: 34 });
    expect(parse(f, 1, { len: 96 }).drop).toBe(Drop.IPV4_BAD_TOTAL_LENGTH);
    const g = eth().ipv6(v6).udp({ sport: 1, dport: 2 }).payload(1000).build();
    expect(parse(g, 1, { len: 70, snapped: true })).toMatchObject({ drop: 0, l3Len: 1048, l4Off: 54 });
    expect(parse(g, 1, { len: 60, snapped: true }).drop).toBe(Drop.SNAPLEN_TRUNCATED);
  });
});

describe('every corpus frame', () => {
  test('parses without a drop, with IPv4 checksum verification on', () => {
    for (const c of corpusFrames()) {
      const s = parse(c.frame, c.linkType, { verify: true });
      if (s.drop) throw new Error(`${c.file}#${c.index}: ${DROP_NAMES[s.drop]}`);
      expect(s.l3Off).toBeLessThanOrEqual(c.frame.length);
      expect(s.l4Off).toBeLessThanOrEqual(c.frame.length);
    }
  });

  test('per-file classification', () => {
    const sum = (file: string): Seen[] => framesOf(file).map((c) => parse(c.frame, c.linkType));
    const http = sum('zeek__http_get.pcap');
    expect(http.every((s) => s.flags === (F.IPV4 | F.L4) && s.l4Proto === 6 && s.l3Off === 14 && s.l4Off === 34)).toBe(true);
    expect(http.map((s) => s.l3Len)).toEqual([64, 60, 52, 188, 52, 1500, 1500, 1500, 715, 52, 52, 52, 52, 52]);
    const sll = sum('tcpdump__tcp-handshake-nano.pcap');
    expect(sll.map((s) => [s.flags, s.l3Off, s.l4Off])).toEqual([
      [F.IPV4 | F.L4, 16, 36],
      [F.IPV4 | F.L4, 16, 36],
      [F.IPV4 | F.L4, 16, 36],
    ]);
    expect(sum('tcpdump__802.1ad_QinQ.pcap').map((s) => [s.flags, s.vlanOuter, s.vlanInner, s.etherType, s.l3Off])).toEqual([
      [F.VLAN | F.QINQ | F.STAG | F.ARP | F.BROADCAST | F.MULTICAST, 200, 2001, 0x0806, 22],
      [F.VLAN | F.QINQ | F.STAG | F.ARP, 200, 2001, 0x0806, 22],
    ]);
    const dot1q = sum('zeek__icmp_dot1q.pcap');
    expect(dot1q.every((s) => s.flags & F.VLAN && s.vlanOuter === 123 && s.l3Off === 18)).toBe(true);
    expect(dot1q.filter((s) => s.flags & F.ARP).length).toBe(6);
    expect(dot1q.filter((s) => s.l4Proto === 1 && s.flags & F.L4).length).toBe(9);
    expect(sum('zeek__ipv4_fragmented-1.pcap').map((s) => s.flags)).toEqual([
      F.IPV4 | F.FRAGMENT | F.L4,
      F.IPV4 | F.FRAGMENT | F.LATER_FRAGMENT,
      F.IPV4 | F.FRAGMENT | F.L4,
    ]);
    expect(sum('zeek__ipv6-fragmented-dns.pcap').map((s) => s.flags & (F.FRAGMENT | F.LATER_FRAGMENT | F.L4))).toEqual([
      F.L4, F.L4, F.L4, F.FRAGMENT | F.LATER_FRAGMENT, F.L4, F.FRAGMENT | F.L4, F.FRAGMENT | F.LATER_FRAGMENT, F.FRAGMENT | F.LATER_FRAGMENT,
    ]);
    const nd = sum('zeek__icmp6-nd-options.pcap');
    expect(nd.every((s) => s.flags === (F.IPV6 | F.L4 | F.MULTICAST) && s.l4Proto === 58)).toBe(true);
    expect(nd.filter((s) => s.l4Off === 14 + 48).length).toBe(8); // behind a hop-by-hop header
    expect(sum('tcpdump__pppoes.pcap').map((s) => [s.drop, s.etherType, s.flags])).toEqual([
      [0, 0x8864, 0],
      [0, 0x8864, 0],
    ]);
    const arp = sum('zeek__arp-who-has.pcap');
    expect(arp.map((s) => [s.flags, s.l3Len])).toEqual([
      [F.ARP | F.BROADCAST | F.MULTICAST, 28],
      [F.ARP, 28],
    ]);
    expect(sum('tcpdump__dhcp-option-108.pcapng').map((s) => s.flags)).toEqual([F.IPV4 | F.L4 | F.BROADCAST | F.MULTICAST, F.IPV4 | F.L4]);
    expect(sum('zeek__icmp6-toobig.pcap')[0]).toMatchObject({ flags: F.IPV6 | F.L4 | F.BROADCAST | F.MULTICAST, l4Proto: 58, l4Off: 54 });
  });
});
