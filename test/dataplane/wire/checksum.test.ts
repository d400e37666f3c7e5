import fc from 'fast-check';
import {
  csumAdd, csumFinish, csumFold, csumReplace16, csumReplace32, icmpChecksum, icmpRewriteEchoId, inetChecksum, inetChecksumOk,
  ipv4ChecksumOk, ipv4DecTtl, ipv4FillChecksum, ipv4HeaderChecksum, ipv4RewriteDscp, ipv4RewriteDst, ipv4RewriteSrc, ipv4RewriteTos,
  ipv4RewriteTtl, ipv6RewriteAddr, l4Checksum4, l4Checksum6, l4ChecksumFieldOffset, l4ChecksumOk4, l4ChecksumOk6, l4FillChecksum4,
  l4FillChecksum6, l4RewriteDstPort, l4RewriteSrcPort, pseudoSum4, pseudoSum6,
} from '../../../dataplane/wire/checksum';
import { metaColumns } from '../../../dataplane/buf/meta';
import { parseFrame } from '../../../dataplane/wire/parse';
import { PktFlag } from '../../../dataplane/buf/meta';
import { ipv4Src, ipv4Ttl, ipv4Dst } from '../../../dataplane/wire/ipv4';
import { frame, ip6 } from '../../../pcap/fixture';
import { corpusFrames } from './corpus';

/** Straightforward RFC 1071 reference. */
function reference(b: Uint8Array, o: number, len: number): number {
  let s = 0;
  for (let i = 0; i < len; i += 2) s += (b[o + i]! << 8) + (i + 1 < len ? b[o + i + 1]! : 0);
  while (s > 0xffff) s = (s & 0xffff) + Math.floor(s / 65536);
  return ~s & 0xffff;
}

const rd16 = (b: Uint8Array, o: number): number => (b[o]! << 8) | b[o + 1]!;

describe('RFC 1071 checksum', () => {
  test('the RFC 1071 example', () => {
    const b = Uint8Array.of(0x00, 0x01, 0xf2, 0x03, 0xf4, 0xf5, 0xf6, 0xf7);
    expect(csumFold(csumAdd(b, 0, 8, 0))).toBe(0xddf2);
    expect(inetChecksum(b, 0, 8)).toBe(0x220d);
    expect(inetChecksum(b, 0, 0)).toBe(0xffff);
    expect(inetChecksum(Uint8Array.of(0xab), 0, 1)).toBe(~0xab00 & 0xffff);
  });

  test('matches the reference on random data, offsets and odd lengths (incl. > 32 KiB chunks)', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 0, maxLength: 600 }), fc.nat(7), (data, skip) => {
        const o = Math.min(skip, data.length);
        expect(inetChecksum(data, o, data.length - o)).toBe(reference(data, o, data.length - o));
      }),
      { numRuns: 2000 },
    );
    const big = new Uint8Array(70001).map((_, i) => (i * 7919) & 255);
    expect(inetChecksum(big, 3, 69998)).toBe(reference(big, 3, 69998));
    expect(inetChecksum(new Uint8Array(70000).fill(0xff), 0, 70000)).toBe(0);
    // a continued sum equals one pass
    expect(csumFinish(csumAdd(big, 1000, 500, csumAdd(big, 0, 1000, 0)))).toBe(inetChecksum(big, 0, 1500));
  });
});

describe('checksums present in the corpus captures verify', () => {
  test('every IPv4 header, every unfragmented, complete TCP/UDP/ICMP/ICMPv6 packet', () => {
    const m = metaColumns(1).cols;
    const counts: Record<string, number> = { ipv4: 0, tcp: 0, udp: 0, icmp: 0, icmpv6: 0 };
    for (const c of corpusFrames()) {
      m.flags[0] = 0;
      expect(parseFrame(c.frame, 0, c.frame.length, c.linkType, m, 0, true)).toBe(0);
      const fl = m.flags[0]!;
      const ip = m.l3Off[0]!;
      if (fl & PktFlag.IPV4) {
        expect(ipv4ChecksumOk(c.frame, ip)).toBe(true);
        expect(ipv4HeaderChecksum(c.frame, ip)).toBe(rd16(c.frame, ip + 10));
        counts.ipv4!++;
      }
      if (!(fl & PktFlag.L4) || fl & PktFlag.FRAGMENT || c.origLen > c.frame.length) continue;
      const l4 = m.l4Off[0]!;
      const len = ip + m.l3Len[0]! - l4;
      const proto = m.l4Proto[0]!;
      const field = rd16(c.frame, l4 + l4ChecksumFieldOffset(proto));
      if (fl & PktFlag.IPV4) {
        expect(l4ChecksumOk4(c.frame, ip, l4, len, proto)).toBe(true);
        expect(l4Checksum4(c.frame, ip, l4, len, proto)).toBe(field);
      } else {
        expect(l4ChecksumOk6(c.frame, ip, l4, len, proto)).toBe(true);
        expect(l4Checksum6(c.frame, ip, l4, len, proto)).toBe(field);
      }
      counts[{ 6: 'tcp', 17: 'udp', 1: 'icmp', 58: 'icmpv6' }[proto]!]!++;
    }
    // all IPv4 frames; every L4 packet but the IPv4 fragments (3) and the IPv6 fragments (4)
    expect(counts).toEqual({ ipv4: 45, tcp: 17, udp: 8, icmp: 21, icmpv6: 21 });
  });
});

describe('RFC 1624 incremental updates', () => {
  test('csumReplace16/32 equal recomputation on random words', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 8, maxLength: 64 }), fc.nat(), fc.integer({ min: 0, max: 0xffffffff }), (data, at, nv) => {
        const b = data.length & 1 ? data.subarray(0, data.length - 1) : data;
        const p = (at % ((b.length - 4) >> 1)) * 2;
        const c = inetChecksum(b, 0, b.length);
        const old16 = rd16(b, p);
        const c16 = csumReplace16(c, old16, nv & 0xffff);
        const g = b.slice();
        g[p] = (nv >> 8) & 255;
        g[p + 1] = nv & 255;
        // equal, up to the one's-complement zero (0x0000 vs 0xffff) of an all-zero sum
        const same = (x: number, y: number): boolean => x === y || (x === 0 && y === 0xffff) || (x === 0xffff && y === 0);
        expect(same(c16, inetChecksum(g, 0, g.length))).toBe(true);
        const old32 = ((b[p]! << 24) | (b[p + 1]! << 16) | (b[p + 2]! << 8) | b[p + 3]!) >>> 0;
        const c32 = csumReplace32(c, old32, nv);
        const h = b.slice();
        h[p] = nv >>> 24;
        h[p + 1] = (nv >>> 16) & 255;
        h[p + 2] = (nv >>> 8) & 255;
        h[p + 3] = nv & 255;
        const full = inetChecksum(h, 0, h.length);
        expect(same(c32, full)).toBe(true);
      }),
      { numRuns: 3000 },
    );
  });

  const addr = fc.integer({ min: 0, max: 0xffffffff });
  const port = fc.integer({ min: 0, max: 0xffff });
  const proto = fc.constantFrom<'tcp' | 'udp' | 'udp0' | 'icmp'>('tcp', 'udp', 'udp0', 'icmp');

  function packet(kind: 'tcp' | 'udp' | 'udp0' | 'icmp', src: number, dst: number, sport: number, dport: number, ttl: number, payload: Uint8Array): Uint8Array {
    const b = frame().eth({}).ipv4({ src, dst, ttl, id: sport, options: sport & 1 ? [1, 1, 1, 1] : undefined });
    if (kind === 'tcp') b.tcp({ sport, dport, flags: 'PA', seq: src, ack: dst, options: { ts: [1, 2] } });
    else if (kind === 'icmp') b.icmp({ type: 'echo-request', id: sport, seq: dport });
    else b.udp({ sport, dport, checksum: kind === 'udp0' ? 0 : undefined });
    return b.payload(payload).build();
  }

  test('NAT/TTL/TOS rewrites equal full recomputation of every checksum (property)', () => {
    fc.assert(
      fc.property(
        proto, addr, addr, port, port, fc.integer({ min: 1, max: 255 }), fc.uint8Array({ maxLength: 80 }), addr, addr, port, port, fc.integer({ min: 0, max: 255 }), fc.integer({ min: 0, max: 255 }),
        (kind, src, dst, sport, dport, ttl, payload, nsrc, ndst, nsport, ndport, nttl, tos) => {
          const f = packet(kind, src, dst, sport, dport, ttl, payload);
          const m = metaColumns(1).cols;
          expect(parseFrame(f, 0, f.length, 1, m, 0, true)).toBe(0);
          const ip = 14;
          const l4 = m.l4Off[0]!;
          const p = m.l4Proto[0]!;
          const len = f.length - l4;
          const udpNone = kind === 'udp0';
          ipv4RewriteSrc(f, ip, l4, nsrc);
          ipv4RewriteDst(f, ip, l4, ndst);
          if (kind === 'icmp') icmpRewriteEchoId(f, l4, p, nsport);
          else {
            l4RewriteSrcPort(f, l4, p, nsport);
            l4RewriteDstPort(f, l4, p, ndport);
          }
          ipv4RewriteTtl(f, ip, nttl);
          ipv4RewriteTos(f, ip, tos);
          expect(ipv4Src(f, ip)).toBe(nsrc >>> 0);
          expect(ipv4Dst(f, ip)).toBe(ndst >>> 0);
          expect(ipv4Ttl(f, ip)).toBe(nttl);
          // the incremental results are exactly what a full computation gives
          expect(rd16(f, ip + 10)).toBe(ipv4HeaderChecksum(f, ip));
          const field = rd16(f, l4 + l4ChecksumFieldOffset(p));
          if (udpNone) expect(field).toBe(0);
          else expect(field).toBe(l4Checksum4(f, ip, l4, len, p));
          expect(l4ChecksumOk4(f, ip, l4, len, p)).toBe(true);
          // decrementing keeps it exact too
          const before = ipv4Ttl(f, ip);
          const after = ipv4DecTtl(f, ip);
          expect(after).toBe(before === 0 ? -1 : before - 1);
          expect(ipv4ChecksumOk(f, ip)).toBe(true);
          expect(rd16(f, ip + 10)).toBe(ipv4HeaderChecksum(f, ip));
        },
      ),
      { numRuns: 3000 },
    );
  });

  test('a UDP checksum that computes to 0 is sent as 0xffff, fills and rewrites keep that rule', () => {
    // search a payload word that makes the sum come out at 0
    const f = frame().ipv4({ src: '10.0.0.1', dst: '10.0.0.2' }).udp({ sport: 1000, dport: 2000 }).payload(2).build();
    let found = -1;
    for (let w = 0; w < 0x10000 && found < 0; w++) {
      f[28] = w >> 8;
      f[29] = w & 255;
      if (l4Checksum4(f, 0, 20, 10, 17) === 0xffff) found = w;
    }
    expect(found).toBeGreaterThanOrEqual(0);
    expect(l4FillChecksum4(f, 0, 20, 10, 17)).toBe(true);
    expect(rd16(f, 26)).toBe(0xffff);
    expect(l4ChecksumOk4(f, 0, 20, 10, 17)).toBe(true);
    // rewriting the port and back keeps 0xffff (never 0, which would mean "no checksum")
    l4RewriteSrcPort(f, 20, 17, 1001);
    expect(rd16(f, 26)).toBe(l4Checksum4(f, 0, 20, 10, 17));
    l4RewriteSrcPort(f, 20, 17, 1000);
    expect(rd16(f, 26)).toBe(0xffff);
  });

  test('IPv6 address rewrite patches TCP/UDP/ICMPv6 checksums exactly (property)', () => {
    fc.assert(
      fc.property(fc.constantFrom(6, 17, 58), fc.uint8Array({ minLength: 16, maxLength: 16 }), fc.uint8Array({ minLength: 16, maxLength: 16 }), fc.uint8Array({ maxLength: 40 }), (p, a, n, payload) => {
        let b = frame().ipv6({ src: a, dst: '2001:db8::1' });
        b = p === 6 ? b.tcp({ sport: 1, dport: 2 }) : p === 17 ? b.udp({ sport: 1, dport: 2 }) : b.icmpv6({ type: 'echo-request', id: 1 });
        const f = b.payload(payload).build();
        ipv6RewriteAddr(f, 0, 8, 40, p, n, 0);
        ipv6RewriteAddr(f, 0, 24, 40, p, a, 0);
        expect(f.subarray(8, 24)).toEqual(n);
        expect(rd16(f, 40 + l4ChecksumFieldOffset(p))).toBe(l4Checksum6(f, 0, 40, f.length - 40, p));
      }),
      { numRuns: 1000 },
    );
  });
});

describe('pseudo headers and fills', () => {
  test('pseudo header sums as the RFCs define them', () => {
    const f = frame().ipv4({ src: '10.0.0.1', dst: '10.0.0.2' }).udp({ sport: 1, dport: 2 }).build();
    expect(pseudoSum4(f, 0, 17, 8)).toBe(0x0a00 + 0x0001 + 0x0a00 + 0x0002 + 17 + 8);
    const g = frame().ipv6({ src: '::1', dst: '::2' }).udp({ sport: 1, dport: 2 }).build();
    expect(pseudoSum6(g, 0, 17, 0x12345)).toBe(1 + 2 + 17 + 1 + 0x2345);
    expect(l4ChecksumFieldOffset(50)).toBe(-1);
    expect(l4Checksum4(f, 0, 20, 8, 50)).toBe(-1);
    expect(l4Checksum6(g, 0, 40, 8, 1)).toBe(-1);
    expect(l4FillChecksum4(f, 0, 20, 8, 47)).toBe(false);
  });

  test('fill after changing payload, ICMP has no pseudo header', () => {
    const f = frame().ipv6({ src: '::1', dst: '::2' }).tcp({ sport: 1, dport: 2 }).payload('abc').build();
    f[f.length - 1] = 0x7a;
    expect(l4ChecksumOk6(f, 0, 40, f.length - 40, 6)).toBe(false);
    expect(l4FillChecksum6(f, 0, 40, f.length - 40, 6)).toBe(true);
    expect(l4ChecksumOk6(f, 0, 40, f.length - 40, 6)).toBe(true);
    const e = frame().ipv4({ src: '1.1.1.1', dst: '2.2.2.2' }).icmp({ type: 'echo-request', id: 3 }).payload(5).build();
    expect(icmpChecksum(e, 20, e.length - 20)).toBe(rd16(e, 22));
    expect(l4Checksum4(e, 0, 20, e.length - 20, 1)).toBe(rd16(e, 22));
    expect(inetChecksumOk(e, 20, e.length - 20)).toBe(true);
    e[8] = 1; // TTL change does not touch the ICMP checksum
    ipv4FillChecksum(e, 0);
    expect(ipv4ChecksumOk(e, 0)).toBe(true);
    expect(l4ChecksumOk4(e, 0, 20, e.length - 20, 1)).toBe(true);
    ipv4RewriteDscp(e, 0, 46);
    expect(e[1]! >> 2).toBe(46);
    expect(ipv4ChecksumOk(e, 0)).toBe(true);
    expect(ip6('::1')[15]).toBe(1);
  });
});
