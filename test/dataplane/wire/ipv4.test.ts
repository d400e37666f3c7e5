import fc from 'fast-check';
import {
  IPV4_FLAG_DF, emitIpv4, emitIpv4Options, ipv4Checksum, ipv4Dscp, ipv4DontFrag, ipv4Ecn, ipv4FlagsFrag, ipv4FragOffset, ipv4HeaderLen,
  ipv4Id, ipv4Ihl, ipv4IsFragment, ipv4IsMulticast, ipv4MoreFrags, ipv4OptionsLen, ipv4Parse, ipv4Proto, ipv4ReprHeaderLen,
  ipv4SetDst, ipv4SetFlagsFrag, ipv4SetId, ipv4SetProto, ipv4SetSrc, ipv4SetTos, ipv4SetTotalLen, ipv4SetTtl, ipv4Src, ipv4Dst,
  ipv4ToString, ipv4TotalLen, ipv4Tos, ipv4Ttl, ipv4Version, parseIpv4, parseIpv4Options, type Ipv4OptionRepr, type Ipv4Repr,
} from '../../../dataplane/wire/ipv4';
import { IpProto, ipProtoName } from '../../../dataplane/wire/ipproto';
import { ipv4ChecksumOk } from '../../../dataplane/wire/checksum';
import { ethPayloadOffset } from '../../../dataplane/wire/ethernet';
import { isWireError } from '../../../dataplane/wire/error';
import { Drop } from '../../../dataplane/drop';
import { frame } from '../../../pcap/fixture';
import { corpusFrames } from './corpus';

function ip(o: Parameters<ReturnType<typeof frame>['ipv4']>[0], payload = 8): Uint8Array {
  return frame().ipv4(o).payload(payload).build();
}

describe('IPv4 accessors', () => {
  test('every field of a built header', () => {
    const p = ip({ src: '192.168.1.11', dst: '209.87.249.18', ttl: 63, tos: 0xb9, id: 0x1234, df: true, proto: 17 }, 12);
    expect(ipv4Version(p, 0)).toBe(4);
    expect(ipv4Ihl(p, 0)).toBe(5);
    expect(ipv4HeaderLen(p, 0)).toBe(20);
    expect(ipv4Tos(p, 0)).toBe(0xb9);
    expect(ipv4Dscp(p, 0)).toBe(0xb9 >> 2);
    expect(ipv4Ecn(p, 0)).toBe(1);
    expect(ipv4TotalLen(p, 0)).toBe(32);
    expect(ipv4Id(p, 0)).toBe(0x1234);
    expect(ipv4FlagsFrag(p, 0)).toBe(IPV4_FLAG_DF);
    expect(ipv4DontFrag(p, 0)).toBe(true);
    expect(ipv4MoreFrags(p, 0)).toBe(false);
    expect(ipv4FragOffset(p, 0)).toBe(0);
    expect(ipv4IsFragment(p, 0)).toBe(false);
    expect(ipv4Ttl(p, 0)).toBe(63);
    expect(ipv4Proto(p, 0)).toBe(IpProto.UDP);
    expect(ipv4ChecksumOk(p, 0)).toBe(true);
    expect(ipv4Src(p, 0)).toBe(0xc0a8010b);
    expect(ipv4Dst(p, 0)).toBe(0xd157f912);
    expect(ipv4ToString(ipv4Dst(p, 0))).toBe('209.87.249.18');
    expect(ipv4Src(ip({ src: '255.255.255.255', dst: '0.0.0.0' }), 0)).toBe(0xffffffff);
  });

  test('fragment fields', () => {
    const p = ip({ src: '1.1.1.1', dst: '2.2.2.2', mf: true, fragOffset: 1480, id: 9 });
    expect(ipv4MoreFrags(p, 0)).toBe(true);
    expect(ipv4FragOffset(p, 0)).toBe(1480);
    expect(ipv4IsFragment(p, 0)).toBe(true);
    const last = ip({ src: '1.1.1.1', dst: '2.2.2.2', fragOffset: 8 });
    expect(ipv4IsFragment(last, 0)).toBe(true);
    expect(ipv4MoreFrags(last, 0)).toBe(false);
  });

  test('raw setters', () => {
    const p = ip({ src: '1.1.1.1', dst: '2.2.2.2' });
    ipv4SetTos(p, 0, 4);
    ipv4SetTotalLen(p, 0, 99);
    ipv4SetId(p, 0, 0xfffe);
    ipv4SetFlagsFrag(p, 0, 0x2003);
    ipv4SetTtl(p, 0, 1);
    ipv4SetProto(p, 0, 6);
    ipv4SetSrc(p, 0, 0x0a000001);
    ipv4SetDst(p, 0, 0xe0000005);
    expect([ipv4Tos(p, 0), ipv4TotalLen(p, 0), ipv4Id(p, 0), ipv4FragOffset(p, 0), ipv4MoreFrags(p, 0), ipv4Ttl(p, 0), ipv4Proto(p, 0)]).toEqual([
      4, 99, 0xfffe, 24, true, 1, 6,
    ]);
    expect(ipv4ToString(ipv4Src(p, 0))).toBe('10.0.0.1');
    expect(ipv4IsMulticast(ipv4Dst(p, 0))).toBe(true);
    expect(ipv4ChecksumOk(p, 0)).toBe(false); // raw setters leave the checksum alone
  });

  test('text helpers', () => {
    expect(ipv4Parse('10.1.2.3')).toBe(0x0a010203);
    expect(ipv4Parse('255.255.255.255')).toBe(0xffffffff);
    expect(ipv4Parse('256.1.1.1')).toBe(-1);
    expect(ipv4Parse('1.2.3')).toBe(-1);
    fc.assert(fc.property(fc.integer({ min: 0, max: 0xffffffff }), (a) => ipv4Parse(ipv4ToString(a)) === a));
    expect(ipProtoName(6)).toBe('TCP');
    expect(ipProtoName(250)).toBe('ip-proto-250');
  });
});

describe('IPv4 options', () => {
  test('parse NOP / EOL / TLVs, emit pads to 4', () => {
    const raw = Uint8Array.of(1, 148, 4, 0, 0, 7, 7, 4, 0, 0, 0, 0, 0, 0, 0, 0);
    const o = parseIpv4Options(raw, 0, raw.length) as Ipv4OptionRepr[];
    expect(o.map((x) => [x.type, x.data.length])).toEqual([
      [1, 0],
      [148, 2],
      [7, 5],
      [0, 0],
    ]);
    expect(ipv4OptionsLen(o)).toBe(13);
    const out = new Uint8Array(16);
    expect(emitIpv4Options(o, out, 0)).toBe(16);
    expect(out).toEqual(raw);
  });
  test('bad lengths are errors', () => {
    for (const raw of [Uint8Array.of(148), Uint8Array.of(148, 1, 0, 0), Uint8Array.of(148, 9, 0, 0), Uint8Array.of(1, 1, 7, 0)]) {
      const r = parseIpv4Options(raw, 0, raw.length);
      expect(isWireError(r) && r.drop).toBe(Drop.IPV4_BAD_OPTION);
    }
  });
});

describe('Ipv4Repr', () => {
  test('build with options and fragment bits, parse, assert every field, emit equals input', () => {
    const p = ip({ src: '10.0.0.1', dst: '10.0.0.2', ttl: 5, tos: 0x10, id: 77, mf: true, fragOffset: 64, reservedFlag: true, proto: 6, options: [148, 4, 0, 0] }, 24);
    const r = parseIpv4(p, 0, p.length, true) as Ipv4Repr;
    expect(r).toEqual({
      tos: 0x10,
      payloadLen: 24,
      id: 77,
      reservedFlag: true,
      dontFrag: false,
      moreFrags: true,
      fragOffset: 64,
      ttl: 5,
      proto: 6,
      src: 0x0a000001,
      dst: 0x0a000002,
      options: Uint8Array.of(148, 4, 0, 0),
    });
    expect(ipv4ReprHeaderLen(r)).toBe(24);
    const out = new Uint8Array(24);
    expect(emitIpv4(r, out, 0)).toBe(24);
    expect(out).toEqual(p.subarray(0, 24));
    expect(ipv4Checksum(out, 0)).toBe(ipv4Checksum(p, 0));
  });

  test('checked parse errors', () => {
    const p = ip({ src: '1.1.1.1', dst: '2.2.2.2' }, 8);
    const code = (b: Uint8Array, len = b.length, v = false): number => {
      const r = parseIpv4(b, 0, len, v);
      return isWireError(r) ? r.drop : 0;
    };
    expect(code(p)).toBe(0);
    expect(code(p, 19)).toBe(Drop.IPV4_TRUNCATED);
    expect(code(p, 27)).toBe(Drop.IPV4_BAD_TOTAL_LENGTH);
    expect(code(ip({ src: '1.1.1.1', dst: '2.2.2.2', version: 6 }))).toBe(Drop.IPV4_BAD_VERSION);
    expect(code(ip({ src: '1.1.1.1', dst: '2.2.2.2', ihl: 4 }))).toBe(Drop.IPV4_BAD_IHL);
    expect(code(ip({ src: '1.1.1.1', dst: '2.2.2.2', ihl: 15 }))).toBe(Drop.IPV4_BAD_IHL);
    expect(code(ip({ src: '1.1.1.1', dst: '2.2.2.2', totalLen: 19 }))).toBe(Drop.IPV4_BAD_TOTAL_LENGTH);
    expect(code(ip({ src: '1.1.1.1', dst: '2.2.2.2', badChecksum: true }), 28, true)).toBe(Drop.IPV4_BAD_CHECKSUM);
    expect(code(ip({ src: '1.1.1.1', dst: '2.2.2.2', badChecksum: true }), 28, false)).toBe(0);
    expect(code(ip({ src: '1.1.1.1', dst: '2.2.2.2', options: [148, 9, 0, 0] }))).toBe(Drop.IPV4_BAD_OPTION);
    // trailing bytes (Ethernet padding) are fine
    const padded = new Uint8Array(60);
    padded.set(p);
    expect(code(padded)).toBe(0);
    expect((parseIpv4(padded, 0, 60) as Ipv4Repr).payloadLen).toBe(8);
    // ranges outside the buffer never throw
    expect(code(p, 1000)).toBe(Drop.IPV4_TRUNCATED);
    expect(isWireError(parseIpv4(p, -1, 10))).toBe(true);
  });

  test('emit(parse(x)) == x for every IPv4 header in the corpus (checksums verify)', () => {
    let n = 0;
    for (const c of corpusFrames()) {
      let p: number;
      if (c.linkType === 113) p = 16;
      else {
        p = ethPayloadOffset(c.frame, 0, c.frame.length);
        if (p < 0 || ((c.frame[p - 2]! << 8) | c.frame[p - 1]!) !== 0x0800) continue;
      }
      const r = parseIpv4(c.frame, p, c.frame.length - p, true);
      if (isWireError(r)) throw new Error(`${c.file}#${c.index}: ${r}`);
      const hl = ipv4ReprHeaderLen(r);
      const out = new Uint8Array(hl);
      emitIpv4(r, out, 0);
      expect(out).toEqual(c.frame.subarray(p, p + hl));
      n++;
    }
    expect(n).toBe(45); // every IPv4 frame of the corpus
  });
});
