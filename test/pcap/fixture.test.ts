import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import {
  fixtureBytes, fragmentIpv4, fragmentIpv6, frame, ip4, ip6, mac, tcpFlagBits, tcpOptionList, writeFixture, type FrameBuilder,
} from '../../pcap/fixture';
import { openCapture } from '../../pcap/reader';
import { metaColumns, PktFlag } from '../../dataplane/buf/meta';
import { parseFrame } from '../../dataplane/wire/parse';
import { describeFrame } from '../../dataplane/wire/describe';
import { parseIpv4, type Ipv4Repr } from '../../dataplane/wire/ipv4';
import { parseIpv6, type Ipv6Repr } from '../../dataplane/wire/ipv6';
import { parseTcp, type TcpRepr } from '../../dataplane/wire/tcp';
import { macToString } from '../../dataplane/wire/ethernet';
import { ipv4ChecksumOk, l4ChecksumOk4, l4ChecksumOk6 } from '../../dataplane/wire/checksum';
import { isWireError } from '../../dataplane/wire/error';
import { Drop } from '../../dataplane/drop';
import { corpusFrames, framesOf } from '../dataplane/wire/corpus';

const m = metaColumns(1).cols;
function drop(f: Uint8Array, link = 1, verify = true): number {
  m.flags[0] = 0;
  return parseFrame(f, 0, f.length, link, m, 0, verify);
}

describe('frame builder reproduces real captures byte for byte', () => {
  test('ARP who-has (zeek) and the QinQ ARP request (tcpdump, padded to 64)', () => {
    const who = frame()
      .eth({ src: '78:31:c1:c6:3f:c2', dst: 'ff:ff:ff:ff:ff:ff' })
      .arp({ op: 'request', senderMac: '78:31:c1:c6:3f:c2', senderIp: '10.0.0.2', targetIp: '10.0.0.1' })
      .build();
    expect(who).toEqual(framesOf('zeek__arp-who-has.pcap')[0]!.frame);
    const qinq = frame()
      .eth({ src: '00:20:d2:5a:fb:3f', dst: 'ff:ff:ff:ff:ff:ff' })
      .qinq(200, 2001)
      .arp({ senderMac: '00:20:d2:5a:fb:3f', senderIp: '172.21.79.97', targetIp: '172.21.79.100' })
      .pad(64)
      .build();
    expect(qinq).toEqual(framesOf('tcpdump__802.1ad_QinQ.pcap')[0]!.frame);
  });

  test('the SLL SYN (PPP link, Linux TCP options)', () => {
    const syn = frame()
      .sll({ packetType: 4, haType: 512, addr: new Uint8Array(0) })
      .ipv4({ src: '131.155.215.69', dst: '137.116.81.94', id: 0x29a9, df: true, ttl: 64 })
      .tcp({ sport: 46656, dport: 80, flags: 'S', seq: 797190859, window: 27200, options: { mss: 1360, sackOk: true, ts: [1131021154, 0], wscale: 7 } })
      .build();
    expect(syn).toEqual(framesOf('tcpdump__tcp-handshake-nano.pcap')[0]!.frame);
  });

  test('ICMPv6 packet too big quoting an IPv6/UDP packet', () => {
    const c = framesOf('zeek__icmp6-toobig.pcap')[0]!.frame;
    const quote = c.subarray(14 + 48);
    const f = frame()
      .eth({ src: '00:00:00:00:00:00', dst: 'ff:ff:ff:ff:ff:ff' })
      .ipv6({ src: 'fe80::dead', dst: 'fe80::beef', hopLimit: 64 })
      .icmpv6({ type: 'packet-too-big', mtu: 1280, quote })
      .build();
    expect(f).toEqual(c);
  });

  test('every IPv4/IPv6 TCP, UDP and ICMP echo frame, rebuilt from its parsed fields and payload', () => {
    let n = 0;
    for (const c of corpusFrames()) {
      if (c.linkType !== 1) continue;
      m.flags[0] = 0;
      if (parseFrame(c.frame, 0, c.frame.length, 1, m, 0, false) !== 0) continue;
      const fl = m.flags[0]!;
      if (!(fl & PktFlag.L4) || fl & (PktFlag.FRAGMENT | PktFlag.VLAN)) continue;
      const l3 = m.l3Off[0]!;
      const l4 = m.l4Off[0]!;
      const end = l3 + m.l3Len[0]!;
      const proto = m.l4Proto[0]!;
      if (fl & PktFlag.IPV6 && l4 !== l3 + 40) continue; // extension headers: covered by the ND tests
      const f = c.frame;
      let b: FrameBuilder = frame().eth({ src: f.subarray(6, 12), dst: f.subarray(0, 6) });
      if (fl & PktFlag.IPV4) {
        const r = parseIpv4(f, l3, end - l3) as Ipv4Repr;
        b = b.ipv4({ src: r.src, dst: r.dst, ttl: r.ttl, tos: r.tos, id: r.id, df: r.dontFrag, mf: r.moreFrags, options: r.options });
      } else {
        const r = parseIpv6(f, l3, end - l3) as Ipv6Repr;
        b = b.ipv6({ src: r.src, dst: r.dst, hopLimit: r.hopLimit, trafficClass: r.trafficClass, flowLabel: r.flowLabel });
      }
      let hl: number;
      if (proto === 6) {
        const t = parseTcp(f, l4, end - l4) as TcpRepr;
        b = b.tcp({ sport: t.srcPort, dport: t.dstPort, seq: t.seq, ack: t.ack, flags: t.flags, window: t.window, urgent: t.urgent, options: t.options });
        hl = (f[l4 + 12]! >> 4) * 4;
      } else if (proto === 17) {
        b = b.udp({ sport: (f[l4]! << 8) | f[l4 + 1]!, dport: (f[l4 + 2]! << 8) | f[l4 + 3]! });
        hl = 8;
      } else if (proto === 1 && (f[l4] === 8 || f[l4] === 0)) {
        b = b.icmp({ type: f[l4] === 8 ? 'echo-request' : 'echo-reply', id: (f[l4 + 4]! << 8) | f[l4 + 5]!, seq: (f[l4 + 6]! << 8) | f[l4 + 7]! });
        hl = 8;
      } else continue;
      const built = b.payload(f.subarray(l4 + hl, end)).build();
      expect({ at: `${c.file}#${c.index}`, bytes: built }).toEqual({ at: `${c.file}#${c.index}`, bytes: f.subarray(0, end) });
      n++;
    }
    expect(n).toBe(14 + 10 + 2 + 2 + 4); // http, pings, dns, dhcp, ipv6 dns
  });
});

describe('frame builder', () => {
  test('the README example: lengths and checksums computed', () => {
    const f = frame()
      .eth({ src: '02:00:00:00:00:01', dst: 'ff:ff:ff:ff:ff:ff' })
      .vlan(10)
      .ipv4({ src: '10.0.0.1', dst: '10.0.0.2', ttl: 64 })
      .tcp({ sport: 1234, dport: 80, flags: 'S', seq: 1, options: { mss: 1460 } })
      .payload('GET /')
      .build();
    expect(f.length).toBe(18 + 20 + 24 + 5);
    expect(drop(f)).toBe(0);
    expect(ipv4ChecksumOk(f, 18)).toBe(true);
    expect(l4ChecksumOk4(f, 18, 38, 29, 6)).toBe(true);
    expect(describeFrame(f, 0, f.length, 1)).toBe('vlan 10, p 0, IP 10.0.0.1.1234 > 10.0.0.2.80: Flags [S], seq 1:6, win 65535, options [mss 1460], length 5');
  });

  test('IPv6 with extension headers, ICMPv6 ND with options', () => {
    const f = frame().eth({}).ipv6({ src: 'fe80::1', dst: 'ff02::1' }).hopByHop().icmpv6({ type: 'ra', sourceLL: '02:00:00:00:00:01', prefix: { prefix: '2001:db8::', len: 64 } }).build();
    expect(drop(f)).toBe(0);
    expect(m.l4Off[0]).toBe(14 + 48);
    expect(l4ChecksumOk6(f, 14, 62, f.length - 62, 58)).toBe(true);
    expect(describeFrame(f, 0, f.length, 1)).toBe('IP6 fe80::1 > ff02::1: HBH ICMP6, router advertisement, length 56');
  });

  test('ICMP errors quote a built packet (IP header + 8 bytes by default)', () => {
    const inner = frame().ipv4({ src: '10.0.0.2', dst: '8.8.8.8', ttl: 1 }).udp({ sport: 33434, dport: 33435 }).payload(32).build();
    const f = frame().eth({}).ipv4({ src: '10.0.0.1', dst: '10.0.0.2' }).icmp({ type: 'time-exceeded', quote: inner }).build();
    expect(f.length).toBe(14 + 20 + 8 + 28);
    expect(f.subarray(42)).toEqual(inner.subarray(0, 28));
    expect(drop(f)).toBe(0);
    expect(l4ChecksumOk4(f, 14, 34, 36, 1)).toBe(true);
  });

  test('corruption for negative tests', () => {
    const base = { src: '1.1.1.1', dst: '2.2.2.2' };
    expect(drop(frame().eth({}).ipv4({ ...base, badChecksum: true }).build())).toBe(Drop.IPV4_BAD_CHECKSUM);
    expect(drop(frame().eth({}).ipv4({ ...base, checksum: 0 }).build())).toBe(Drop.IPV4_BAD_CHECKSUM);
    expect(drop(frame().eth({}).ipv4({ ...base, totalLen: 200 }).build())).toBe(Drop.IPV4_BAD_TOTAL_LENGTH);
    expect(drop(frame().eth({}).ipv4({ ...base, ihl: 3 }).build())).toBe(Drop.IPV4_BAD_IHL);
    expect(drop(frame().eth({}).ipv4({ ...base, version: 5 }).build())).toBe(Drop.IPV4_BAD_VERSION);
    expect(drop(frame().eth({}).ipv4(base).udp({ sport: 1, dport: 2, length: 4 }).build())).toBe(Drop.UDP_BAD_LENGTH);
    expect(drop(frame().eth({}).ipv4(base).tcp({ sport: 1, dport: 2, dataOffset: 2 }).build())).toBe(Drop.TCP_BAD_DATA_OFFSET);
    expect(drop(frame().eth({}).ipv6({ src: '::1', dst: '::2', payloadLen: 10 }).build())).toBe(Drop.IPV6_BAD_PAYLOAD_LENGTH);
    expect(drop(frame().eth({}).ipv4(base).tcp({ sport: 1, dport: 2 }).truncate(40).build())).toBe(Drop.IPV4_BAD_TOTAL_LENGTH);
    const bad = frame().eth({}).ipv4(base).udp({ sport: 1, dport: 2, badChecksum: true }).payload(3).build();
    expect(drop(bad)).toBe(0);
    expect(l4ChecksumOk4(bad, 14, 34, 11, 17)).toBe(false);
    const none = frame().eth({}).ipv4(base).udp({ sport: 1, dport: 2, checksum: 0 }).build();
    expect([none[40], none[41]]).toEqual([0, 0]);
  });

  test('fragmentation helpers reassemble to the original', () => {
    const pkt = frame().ipv4({ src: '10.0.0.1', dst: '10.0.0.2', id: 99, options: [148, 4, 0, 0] }).udp({ sport: 5, dport: 6 }).payload(333).build();
    const fr = fragmentIpv4(pkt, 100);
    expect(fr.length).toBe(4);
    const data = fr.map((f) => {
      const r = parseIpv4(f, 0, f.length, true) as Ipv4Repr;
      expect(r.id).toBe(99);
      expect(r.options).toEqual(Uint8Array.of(148, 4, 0, 0));
      return { off: r.fragOffset, more: r.moreFrags, data: f.subarray(24) };
    });
    expect(data.map((d) => [d.off, d.more])).toEqual([
      [0, true],
      [96, true],
      [192, true],
      [288, false],
    ]);
    const joined = new Uint8Array(data.reduce((s, d) => s + d.data.length, 0));
    for (const d of data) joined.set(d.data, d.off);
    expect(joined).toEqual(pkt.subarray(24));
    const p6 = frame().ipv6({ src: '2001:db8::1', dst: '2001:db8::2' }).udp({ sport: 5, dport: 6 }).payload(200).build();
    const f6 = fragmentIpv6(p6, 64, 7);
    expect(f6.length).toBe(4);
    const j6 = new Uint8Array(208);
    for (const f of f6) {
      const off = ((f[42]! << 8) | f[43]!) & 0xfff8;
      expect((f[44]! << 24) | (f[45]! << 16) | (f[46]! << 8) | f[47]!).toBe(7);
      expect((f[4]! << 8) | f[5]!).toBe(f.length - 40);
      j6.set(f.subarray(48), off);
    }
    expect(j6).toEqual(p6.subarray(40));
  });

  test('helpers: addresses, flags, option order', () => {
    expect(ip4('192.168.0.1')).toBe(0xc0a80001);
    expect(ip4([10, 0, 0, 1])).toBe(0x0a000001);
    expect(() => ip4('300.1.1.1')).toThrow();
    expect(ip6('::1')[15]).toBe(1);
    expect(ip6('2001:db8::')[1]).toBe(0x01);
    expect(() => ip6('1::2::3')).toThrow();
    expect(macToString(mac('aa-bb-cc-dd-ee-ff'))).toBe('aa:bb:cc:dd:ee:ff');
    expect(() => mac('aa:bb')).toThrow();
    expect(tcpFlagBits('SA')).toBe(0x12);
    expect(tcpFlagBits('FPA.')).toBe(0x19);
    expect(tcpFlagBits('')).toBe(0);
    expect(() => tcpFlagBits('Q')).toThrow();
    expect(tcpOptionList({ mss: 1460, sackOk: true, ts: [1, 0], wscale: 7 }).map((o) => o.kind)).toEqual(['mss', 'sack-permitted', 'timestamp', 'nop', 'wscale']);
    expect(tcpOptionList({ ts: { val: 1, ecr: 2 } }).map((o) => o.kind)).toEqual(['nop', 'nop', 'timestamp']);
    expect(tcpOptionList({ sackOk: true, sack: [[1, 2]] }).map((o) => o.kind)).toEqual(['nop', 'nop', 'sack-permitted', 'nop', 'nop', 'sack']);
    expect(() => frame().ipv6({ src: '::1', dst: '::2' }).hopByHop({ data: [1, 2, 3] }).build()).toThrow();
  });
});

describe('writing fixture captures', () => {
  const frames = [
    { frame: frame().eth({}).ipv4({ src: '10.0.0.1', dst: '10.0.0.2' }).udp({ sport: 1, dport: 2 }).payload('hi').build(), tsSec: 1700000000, tsNsec: 123456789 },
    { frame: frame().eth({}).arp({ senderMac: '02:00:00:00:00:01', senderIp: '10.0.0.1', targetIp: '10.0.0.2' }).pad().build() },
  ];

  function readAll(src: string | Uint8Array): Array<{ data: Uint8Array; linkType: number; tsSec: number; tsNsec: number; origLen: number }> {
    const r = openCapture(src);
    const out = [];
    while (r.next()) out.push({ data: r.data.slice(r.dataOffset, r.dataOffset + r.capLen), linkType: r.linkType, tsSec: r.tsSec, tsNsec: r.tsNsec, origLen: r.origLen });
    expect(r.error).toBeNull();
    r.close();
    return out;
  }

  test.each([
    ['pcap', {}, 123456000],
    ['pcap nanosecond', { nanosecond: true }, 123456789],
    ['pcapng', { format: 'pcapng' as const }, 123456000],
    ['pcapng nanosecond', { format: 'pcapng' as const, nanosecond: true }, 123456789],
  ])('%s in memory and on disk', (_n, opts, nsec) => {
    const bytes = fixtureBytes(frames, opts);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fixture-'));
    try {
      const file = path.join(dir, 'x.cap');
      writeFixture(file, frames, opts);
      expect(new Uint8Array(fs.readFileSync(file))).toEqual(bytes);
      for (const src of [bytes, file]) {
        const got = readAll(src);
        expect(got.map((g) => g.data)).toEqual(frames.map((f) => f.frame));
        expect(got[0]!.tsSec).toBe(1700000000);
        expect(got[0]!.tsNsec).toBe(nsec);
        expect(got[1]!.tsSec).toBe(1700000001);
        expect(got.every((g) => g.linkType === 1)).toBe(true);
      }
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  test('link type, snapped frames', () => {
    const sll = frame().sll({}).ipv4({ src: '1.1.1.1', dst: '2.2.2.2' }).tcp({ sport: 1, dport: 2 }).payload(100).build();
    const got = readAll(fixtureBytes([{ frame: sll.subarray(0, 60), origLen: sll.length }], { linkType: 113 }));
    expect(got[0]!.linkType).toBe(113);
    expect(got[0]!.origLen).toBe(sll.length);
    expect(got[0]!.data.length).toBe(60);
    const snap = readAll(fixtureBytes([{ frame: sll }], { linkType: 113, snaplen: 50 }));
    expect(snap[0]!.data.length).toBe(50);
    expect(isWireError(parseIpv4(got[0]!.data, 16, 44))).toBe(true);
  });
});
