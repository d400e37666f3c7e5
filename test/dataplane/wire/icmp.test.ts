import {
  ICMP_DATA, IcmpType, IcmpUnreach, emitIcmp, icmpChecksumField, icmpCode, icmpEchoId, icmpEchoSeq, icmpGateway, icmpIsError,
  icmpNextHopMtu, icmpPointer, icmpReprLen, icmpType, parseIcmp, type IcmpRepr,
} from '../../../dataplane/wire/icmp';
import { inetChecksumOk } from '../../../dataplane/wire/checksum';
import { ipv4Dst, ipv4Proto, ipv4Src, ipv4TotalLen, parseIpv4, type Ipv4Repr } from '../../../dataplane/wire/ipv4';
import { isWireError } from '../../../dataplane/wire/error';
import { Drop } from '../../../dataplane/drop';
import { frame } from '../../../pcap/fixture';
import { framesOf } from './corpus';

const icmpOf = (f: Uint8Array): Uint8Array => f.subarray(20);

describe('ICMP', () => {
  test('echo request accessors and Repr', () => {
    const m = icmpOf(frame().ipv4({ src: '1.2.3.4', dst: '5.6.7.8' }).icmp({ type: 'echo-request', id: 1, seq: 2 }).payload('abcdefgh').build());
    expect([icmpType(m, 0), icmpCode(m, 0), icmpEchoId(m, 0), icmpEchoSeq(m, 0)]).toEqual([IcmpType.ECHO_REQUEST, 0, 1, 2]);
    expect(inetChecksumOk(m, 0, m.length)).toBe(true);
    expect(icmpIsError(8)).toBe(false);
    const r = parseIcmp(m, 0, m.length, true) as IcmpRepr;
    expect(r).toEqual({ kind: 'echo-request', id: 1, seq: 2, data: new TextEncoder().encode('abcdefgh') });
    expect(icmpReprLen(r)).toBe(16);
    const out = new Uint8Array(16);
    expect(emitIcmp(r, out, 0)).toBe(16);
    expect(out).toEqual(m);
  });

  test('destination unreachable quotes the offending packet (header + 8 bytes)', () => {
    const quoted = frame().ipv4({ src: '192.168.1.102', dst: '192.168.1.1', ttl: 1 }).udp({ sport: 59207, dport: 53 }).payload(100).build();
    const m = icmpOf(frame().ipv4({ src: '192.168.1.1', dst: '192.168.1.102' }).icmp({ type: 'dest-unreachable', code: IcmpUnreach.NEED_FRAG, mtu: 1400, quote: quoted }).build());
    expect(icmpIsError(icmpType(m, 0))).toBe(true);
    expect(icmpNextHopMtu(m, 0)).toBe(1400);
    expect(m.length).toBe(8 + 28);
    const r = parseIcmp(m, 0, m.length, true) as Extract<IcmpRepr, { kind: 'dest-unreachable' }>;
    expect(r.kind).toBe('dest-unreachable');
    expect(r.code).toBe(4);
    expect(r.mtu).toBe(1400);
    expect(r.quoted).toEqual(quoted.subarray(0, 28));
    const inner = parseIpv4(r.quoted, 0, r.quoted.length);
    // the quote is cut, so the checked parse sees total length 128 > 28 bytes
    expect(isWireError(inner) && inner.drop).toBe(Drop.IPV4_BAD_TOTAL_LENGTH);
    const out = new Uint8Array(m.length);
    emitIcmp(r, out, 0);
    expect(out).toEqual(m);
  });

  test('time exceeded, parameter problem, redirect, other', () => {
    const q = frame().ipv4({ src: '10.0.0.2', dst: '10.0.0.1' }).udp({ sport: 30000, dport: 13000 }).payload(4).build();
    const te = icmpOf(frame().ipv4({ src: '10.0.0.1', dst: '10.0.0.2' }).icmp({ type: 'time-exceeded', quote: q, quoteLen: Infinity }).build());
    expect(parseIcmp(te, 0, te.length, true)).toEqual({ kind: 'time-exceeded', code: 0, unused: 0, quoted: q });
    const pp = icmpOf(frame().ipv4({ src: '10.0.0.1', dst: '10.0.0.2' }).icmp({ type: 'param-problem', pointer: 9, quote: q }).build());
    expect(icmpPointer(pp, 0)).toBe(9);
    expect((parseIcmp(pp, 0, pp.length) as { pointer: number }).pointer).toBe(9);
    const rd = icmpOf(frame().ipv4({ src: '10.0.0.1', dst: '10.0.0.2' }).icmp({ type: 'redirect', code: 1, gateway: '10.0.0.254', quote: q }).build());
    expect(icmpGateway(rd, 0)).toBe(0x0a0000fe);
    const rr = parseIcmp(rd, 0, rd.length) as Extract<IcmpRepr, { kind: 'redirect' }>;
    expect([rr.kind, rr.code, rr.gateway]).toEqual(['redirect', 1, 0x0a0000fe]);
    const ts = icmpOf(frame().ipv4({ src: '10.0.0.1', dst: '10.0.0.2' }).icmp({ type: 13, id: 3, seq: 4 }).payload(12).build());
    const tr = parseIcmp(ts, 0, ts.length, true) as Extract<IcmpRepr, { kind: 'other' }>;
    expect([tr.kind, tr.type, tr.rest]).toEqual(['other', 13, (3 << 16) | 4]);
    for (const m of [te, pp, rd, ts]) {
      const r = parseIcmp(m, 0, m.length) as IcmpRepr;
      const out = new Uint8Array(m.length);
      emitIcmp(r, out, 0);
      expect(out).toEqual(m);
    }
  });

  test('errors', () => {
    const m = icmpOf(frame().ipv4({ src: '1.1.1.1', dst: '2.2.2.2' }).icmp({ type: 'echo-reply', badChecksum: true }).build());
    expect((parseIcmp(m, 0, 7) as { drop: number }).drop).toBe(Drop.ICMP_TRUNCATED);
    expect((parseIcmp(m, 0, 8, true) as { drop: number }).drop).toBe(Drop.L4_BAD_CHECKSUM);
    expect(isWireError(parseIcmp(m, 0, 8, false))).toBe(false);
    expect(icmpChecksumField(m, 0)).not.toBe(0);
  });

  test('corpus: pings, port unreachable, time exceeded round-trip with valid checksums', () => {
    const all = [...framesOf('zeek__icmp_5-pings.pcap'), ...framesOf('zeek__icmp-destunreach-udp.pcap'), ...framesOf('zeek__icmp-timeexceeded.pcap')];
    const kinds: string[] = [];
    for (const c of all) {
      const ip = parseIpv4(c.frame, 14, c.frame.length - 14, true) as Ipv4Repr;
      const o = 14 + 20;
      const r = parseIcmp(c.frame, o, ip.payloadLen, true);
      if (isWireError(r)) throw new Error(`${c.file}#${c.index}: ${r}`);
      kinds.push(r.kind);
      const out = new Uint8Array(ip.payloadLen);
      emitIcmp(r, out, 0);
      expect(out).toEqual(c.frame.subarray(o, o + ip.payloadLen));
    }
    expect(kinds).toEqual([...Array.from({ length: 5 }, () => ['echo-request', 'echo-reply']).flat(), 'dest-unreachable', 'time-exceeded']);
    const un = framesOf('zeek__icmp-destunreach-udp.pcap')[0]!.frame;
    const r = parseIcmp(un, 34, 156) as Extract<IcmpRepr, { kind: 'dest-unreachable' }>;
    expect(r.code).toBe(IcmpUnreach.PORT);
    // the quoted IPv4/UDP packet: 192.168.1.1.53 > 192.168.1.102.59207
    // (the quote is cut: total length 163 > 148 bytes quoted, so read it with the accessors)
    expect(r.quoted.length).toBe(148);
    expect((parseIpv4(r.quoted, 0, r.quoted.length) as { drop: number }).drop).toBe(Drop.IPV4_BAD_TOTAL_LENGTH);
    expect([ipv4Src(r.quoted, 0), ipv4Dst(r.quoted, 0), ipv4Proto(r.quoted, 0), ipv4TotalLen(r.quoted, 0)]).toEqual([0xc0a80101, 0xc0a80166, 17, 163]);
    expect((r.quoted[22]! << 8) | r.quoted[23]!).toBe(59207);
    expect(ICMP_DATA).toBe(8);
  });
});
