import fc from 'fast-check';
import { Address6 } from 'ip-address';
import {
  IPV6_MAX_EXT, Ipv6ExtWalk, emitIpv6, emitIpv6Ext, emitIpv6Frag, ipv6AddrCopy, ipv6AddrEquals, ipv6AddrIsLinkLocal, ipv6AddrIsMulticast,
  ipv6AddrIsUnspecified, ipv6DstWord, ipv6ExtLen, ipv6FlowLabel, ipv6FragIdent, ipv6FragMore, ipv6FragOffset, ipv6HopLimit,
  ipv6IsExtHeader, ipv6NextHeader, ipv6Parse, ipv6PayloadLen, ipv6SetHopLimit, ipv6SetNextHeader, ipv6SetPayloadLen,
  ipv6SetTrafficClass, ipv6SrcWord, ipv6ToString, ipv6TrafficClass, ipv6Version, ipv6WalkExt, parseIpv6, parseIpv6Ext,
  parseIpv6Frag, parseIpv6Options, type Ipv6ExtRepr, type Ipv6FragRepr, type Ipv6Repr,
} from '../../../dataplane/wire/ipv6';
import { ethPayloadOffset } from '../../../dataplane/wire/ethernet';
import { isWireError } from '../../../dataplane/wire/error';
import { Drop } from '../../../dataplane/drop';
import { frame, ip6 } from '../../../pcap/fixture';
import { corpusFrames, framesOf } from './corpus';

describe('IPv6 accessors', () => {
  const p = frame().ipv6({ src: '2001:db8::1', dst: 'ff02::1:ff00:2', hopLimit: 255, trafficClass: 0xe0, flowLabel: 0xabcde }).udp({ sport: 1, dport: 2 }).payload(4).build();

  test('every field', () => {
    expect(ipv6Version(p, 0)).toBe(6);
    expect(ipv6TrafficClass(p, 0)).toBe(0xe0);
    expect(ipv6FlowLabel(p, 0)).toBe(0xabcde);
    expect(ipv6PayloadLen(p, 0)).toBe(12);
    expect(ipv6NextHeader(p, 0)).toBe(17);
    expect(ipv6HopLimit(p, 0)).toBe(255);
    expect([0, 1, 2, 3].map((i) => ipv6SrcWord(p, 0, i))).toEqual([0x20010db8, 0, 0, 1]);
    expect([0, 1, 2, 3].map((i) => ipv6DstWord(p, 0, i))).toEqual([0xff020000, 0, 1, 0xff000002]);
    expect(ipv6AddrIsMulticast(p, 24)).toBe(true);
    expect(ipv6AddrIsMulticast(p, 8)).toBe(false);
    expect(ipv6AddrIsLinkLocal(ip6('fe80::1'), 0)).toBe(true);
    expect(ipv6AddrIsLinkLocal(ip6('fec0::1'), 0)).toBe(false);
    expect(ipv6AddrIsUnspecified(ip6('::'), 0)).toBe(true);
    expect(ipv6AddrIsUnspecified(ip6('::1'), 0)).toBe(false);
  });

  test('setters and address helpers', () => {
    const g = p.slice();
    ipv6SetHopLimit(g, 0, 1);
    ipv6SetPayloadLen(g, 0, 0x1234);
    ipv6SetNextHeader(g, 0, 59);
    ipv6SetTrafficClass(g, 0, 0x2b);
    expect([ipv6HopLimit(g, 0), ipv6PayloadLen(g, 0), ipv6NextHeader(g, 0), ipv6TrafficClass(g, 0), ipv6FlowLabel(g, 0)]).toEqual([1, 0x1234, 59, 0x2b, 0xabcde]);
    ipv6AddrCopy(g, 8, g, 24);
    expect(ipv6AddrEquals(g, 8, g, 24)).toBe(true);
    expect(ipv6AddrEquals(g, 8, p, 8)).toBe(false);
  });
});

describe('IPv6 text', () => {
  test('RFC 5952 examples', () => {
    const cases: Array<[string, string]> = [
      ['::', '::'],
      ['::1', '::1'],
      ['2001:db8:0:0:0:0:2:1', '2001:db8::2:1'],
      ['2001:db8:0:1:1:1:1:1', '2001:db8:0:1:1:1:1:1'],
      ['2001:0:0:1:0:0:0:1', '2001:0:0:1::1'],
      ['2001:db8:0:0:1:0:0:1', '2001:db8::1:0:0:1'],
      ['2001:DB8::AAAA', '2001:db8::aaaa'],
      ['fe80::c000:54ff:fef5:0', 'fe80::c000:54ff:fef5:0'],
      ['1::', '1::'],
      ['::ffff:192.0.2.1', '::ffff:192.0.2.1'],
      ['ff02::1:ff0e:4c67', 'ff02::1:ff0e:4c67'],
    ];
    for (const [input, want] of cases) expect(ipv6ToString(ipv6Parse(input)!, 0)).toBe(want);
    for (const bad of ['', ':', '1:2:3:4:5:6:7', '1::2::3', 'g::1', '1:2:3:4:5:6:7:8:9', '12345::', '::1.2.3.256']) expect(ipv6Parse(bad)).toBeNull();
  });

  test('ipv6ToString matches ip-address correctForm and parses back (property)', () => {
    const word = fc.oneof(fc.constant(0), fc.constant(0), fc.integer({ min: 0, max: 0xffff }));
    fc.assert(
      fc.property(fc.array(word, { minLength: 8, maxLength: 8 }), (w) => {
        const b = new Uint8Array(16);
        w.forEach((x, i) => {
          b[2 * i] = x >> 8;
          b[2 * i + 1] = x & 255;
        });
        const s = ipv6ToString(b, 0);
        expect(ipv6Parse(s)).toEqual(b);
        const isMapped = w.slice(0, 5).every((x) => x === 0) && w[5] === 0xffff;
        if (!isMapped) expect(s).toBe(Address6.fromUnsignedByteArray([...b]).correctForm());
      }),
      { numRuns: 3000 },
    );
  });
});

describe('extension headers', () => {
  test('hop-by-hop + destination options + routing + fragment chain walk', () => {
    const p = frame()
      .ipv6({ src: '2001:db8::1', dst: '2001:db8::2' })
      .hopByHop({ data: [5, 2, 0, 0, 1, 0] })
      .destOpts()
      .routing({ data: [4, 0, 0, 0, 0, 0, ...new Array<number>(16).fill(0)] })
      .fragment6({ offset: 0, more: true, ident: 0xdeadbeef })
      .tcp({ sport: 1, dport: 2 })
      .build();
    const w = new Ipv6ExtWalk();
    expect(ipv6WalkExt(p, 0, p.length, w)).toBe(0);
    expect(w.count).toBe(4);
    expect(w.proto).toBe(6);
    expect(w.l4).toBe(40 + 8 + 8 + 24 + 8);
    expect(w.frag).toBe(40 + 8 + 8 + 24);
    expect(w.fragOffset).toBe(0);
    expect(ipv6FragIdent(p, w.frag)).toBe(0xdeadbeef);
    expect(ipv6FragMore(p, w.frag)).toBe(true);
    expect(ipv6IsExtHeader(0) && ipv6IsExtHeader(43) && ipv6IsExtHeader(44) && ipv6IsExtHeader(51) && ipv6IsExtHeader(60)).toBe(true);
    expect(ipv6IsExtHeader(6) || ipv6IsExtHeader(50) || ipv6IsExtHeader(59)).toBe(false);
    // each header parses and re-emits
    const hbh = parseIpv6Ext(p, 40, p.length - 40, 0) as Ipv6ExtRepr;
    expect(hbh).toEqual({ type: 0, nextHeader: 60, data: Uint8Array.of(5, 2, 0, 0, 1, 0) });
    expect(parseIpv6Options(hbh.data)).toEqual([
      { type: 5, data: Uint8Array.of(0, 0) },
      { type: 1, data: new Uint8Array(0) },
    ]);
    const out = new Uint8Array(8);
    emitIpv6Ext(hbh, out, 0);
    expect(out).toEqual(p.subarray(40, 48));
    const rt = parseIpv6Ext(p, 56, p.length - 56, 43) as Ipv6ExtRepr;
    expect(ipv6ExtLen(p, 56, 43)).toBe(24);
    expect(rt.nextHeader).toBe(44);
    const fr = parseIpv6Frag(p, w.frag, 8) as Ipv6FragRepr;
    expect(fr).toEqual({ nextHeader: 6, offset: 0, more: true, ident: 0xdeadbeef, reserved: 0 });
    emitIpv6Frag(fr, out, 0);
    expect(out).toEqual(p.subarray(w.frag, w.frag + 8));
  });

  test('AH length is in 4-byte units + 2; ESP and no-next-header stop the walk', () => {
    const p = frame().ipv6({ src: '::1', dst: '::2', nextHeader: 51 }).payload(Uint8Array.of(17, 4, 0, 0, ...new Array<number>(20).fill(0))).udp({ sport: 1, dport: 2 }).build();
    const w = new Ipv6ExtWalk();
    expect(ipv6WalkExt(p, 0, p.length, w)).toBe(0);
    expect(ipv6ExtLen(p, 40, 51)).toBe(24);
    expect([w.proto, w.l4, w.count]).toEqual([17, 64, 1]);
    const esp = frame().ipv6({ src: '::1', dst: '::2', nextHeader: 0 }).payload(Uint8Array.of(50, 0, 1, 4, 0, 0, 0, 0)).payload(16).build();
    expect(ipv6WalkExt(esp, 0, esp.length, w)).toBe(0);
    expect([w.proto, w.l4]).toEqual([50, 48]);
    const none = frame().ipv6({ src: '::1', dst: '::2' }).build();
    expect(ipv6WalkExt(none, 0, none.length, w)).toBe(0);
    expect([w.proto, w.l4, w.count]).toEqual([59, 40, 0]);
  });

  test('later fragment stops the walk at the fragment data', () => {
    const p = frame().ipv6({ src: '::1', dst: '::2' }).fragment6({ offset: 1232, nextHeader: 0 }).payload(16).build();
    const w = new Ipv6ExtWalk();
    expect(ipv6WalkExt(p, 0, p.length, w)).toBe(0);
    expect([w.proto, w.l4, w.frag, w.fragOffset]).toEqual([0, 48, 40, 1232]);
    expect(ipv6FragOffset(p, 40)).toBe(1232);
  });

  test('truncated and too long chains', () => {
    const w = new Ipv6ExtWalk();
    const p = frame().ipv6({ src: '::1', dst: '::2' }).hopByHop({ data: new Array<number>(14).fill(0) }).tcp({ sport: 1, dport: 2 }).build();
    expect(ipv6WalkExt(p, 0, 40 + 8, w)).toBe(Drop.IPV6_EXT_TRUNCATED);
    expect(ipv6WalkExt(p, 0, 40 + 7, w)).toBe(Drop.IPV6_EXT_TRUNCATED);
    let b = frame().ipv6({ src: '::1', dst: '::2' });
    for (let i = 0; i <= IPV6_MAX_EXT; i++) b = b.destOpts();
    const deep = b.udp({ sport: 1, dport: 2 }).build();
    expect(ipv6WalkExt(deep, 0, deep.length, w)).toBe(Drop.IPV6_EXT_TOO_MANY);
    expect(isWireError(parseIpv6Ext(p, 40, 8, 0))).toBe(true);
    expect(isWireError(parseIpv6Frag(p, 40, 7))).toBe(true);
    expect(isWireError(parseIpv6Options(Uint8Array.of(1, 5, 0)))).toBe(true);
  });
});

describe('Ipv6Repr', () => {
  test('parse asserts every field, emit equals input, errors', () => {
    const p = frame().ipv6({ src: 'fe80::dead', dst: 'fe80::beef', hopLimit: 64, trafficClass: 0x12, flowLabel: 0x54321 }).payload(6).build();
    const r = parseIpv6(p, 0, p.length) as Ipv6Repr;
    expect(r).toEqual({ trafficClass: 0x12, flowLabel: 0x54321, payloadLen: 6, nextHeader: 59, hopLimit: 64, src: ip6('fe80::dead'), dst: ip6('fe80::beef') });
    const out = new Uint8Array(40);
    expect(emitIpv6(r, out, 0)).toBe(40);
    expect(out).toEqual(p.subarray(0, 40));
    const code = (b: Uint8Array, len = b.length): number => {
      const x = parseIpv6(b, 0, len);
      return isWireError(x) ? x.drop : 0;
    };
    expect(code(p, 39)).toBe(Drop.IPV6_TRUNCATED);
    expect(code(p, 45)).toBe(Drop.IPV6_BAD_PAYLOAD_LENGTH);
    expect(code(frame().ipv6({ src: '::1', dst: '::2', version: 4 }).build())).toBe(Drop.IPV6_BAD_VERSION);
  });

  test('every IPv6 corpus packet: header round-trips, chain walks; fragment fields as tcpdump shows them', () => {
    const w = new Ipv6ExtWalk();
    let n = 0;
    const frags: string[] = [];
    for (const c of corpusFrames()) {
      if (c.linkType !== 1) continue;
      const p = ethPayloadOffset(c.frame, 0, c.frame.length);
      if (((c.frame[p - 2]! << 8) | c.frame[p - 1]!) !== 0x86dd) continue;
      const r = parseIpv6(c.frame, p, c.frame.length - p);
      if (isWireError(r)) throw new Error(`${c.file}#${c.index}: ${r}`);
      const out = new Uint8Array(40);
      emitIpv6(r, out, 0);
      expect(out).toEqual(c.frame.subarray(p, p + 40));
      expect(ipv6WalkExt(c.frame, p, p + 40 + r.payloadLen, w)).toBe(0);
      if (w.frag >= 0) frags.push(`${w.fragOffset}|${p + 40 + r.payloadLen - w.frag - 8}${ipv6FragMore(c.frame, w.frag) ? '+' : ''}`);
      n++;
    }
    expect(n).toBe(8 + 20 + 1);
    expect(frags).toEqual(['2896|342', '0|1432+', '1432|1432+', '2864|374']);
    const nd = framesOf('zeek__icmp6-nd-options.pcap');
    expect(ipv6WalkExt(nd[3]!.frame, 14, nd[3]!.frame.length, w)).toBe(0);
    expect([w.count, w.proto]).toEqual([1, 58]); // MLDv2 report behind a hop-by-hop header
  });
});
