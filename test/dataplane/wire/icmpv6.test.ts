import {
  Icmpv6Type, ND_NA_OVERRIDE, ND_NA_ROUTER, ND_PREFIX_AUTONOMOUS, ND_PREFIX_ONLINK, NdOpt, emitIcmpv6, emitNdOptions, icmpv6Code,
  icmpv6EchoId, icmpv6EchoSeq, icmpv6IsError, icmpv6Mtu, icmpv6ReprLen, icmpv6Type, ndFindOption, ndNaFlags, ndOptionsOffset,
  ndRaCurHopLimit, ndRaFlags, ndRaReachableTime, ndRaRetransTimer, ndRaRouterLifetime, parseIcmpv6, parseNdOptions,
  type Icmpv6Repr, type NdOptionRepr,
} from '../../../dataplane/wire/icmpv6';
import { l4ChecksumOk6 } from '../../../dataplane/wire/checksum';
import { Ipv6ExtWalk, ipv6ToString, ipv6WalkExt } from '../../../dataplane/wire/ipv6';
import { macToString } from '../../../dataplane/wire/ethernet';
import { isWireError } from '../../../dataplane/wire/error';
import { Drop } from '../../../dataplane/drop';
import { frame, ip6, mac } from '../../../pcap/fixture';
import { framesOf } from './corpus';

const msg = (p: Uint8Array): Uint8Array => p.subarray(40);

function roundTrip(m: Uint8Array): Icmpv6Repr {
  const r = parseIcmpv6(m, 0, m.length);
  if (isWireError(r)) throw new Error(String(r));
  expect(icmpv6ReprLen(r)).toBe(m.length);
  const out = new Uint8Array(m.length);
  expect(emitIcmpv6(r, out, 0)).toBe(m.length);
  expect(out).toEqual(m);
  return r;
}

describe('ICMPv6', () => {
  test('echo', () => {
    const p = frame().ipv6({ src: '2001:db8::1', dst: '2001:db8::2' }).icmpv6({ type: 'echo-request', id: 7, seq: 9 }).payload('ping').build();
    const m = msg(p);
    expect([icmpv6Type(m, 0), icmpv6Code(m, 0), icmpv6EchoId(m, 0), icmpv6EchoSeq(m, 0)]).toEqual([128, 0, 7, 9]);
    expect(l4ChecksumOk6(p, 0, 40, m.length, 58)).toBe(true);
    const r = roundTrip(m);
    expect(r).toMatchObject({ kind: 'echo-request', id: 7, seq: 9, data: new TextEncoder().encode('ping') });
    expect(icmpv6IsError(128)).toBe(false);
  });

  test('packet too big carries the MTU and the quoted packet', () => {
    const inner = frame().ipv6({ src: 'fe80::beef', dst: 'fe80::dead' }).udp({ sport: 1, dport: 2 }).payload(2000).build();
    const p = frame().ipv6({ src: 'fe80::dead', dst: 'fe80::beef' }).icmpv6({ type: 'packet-too-big', mtu: 1280, quote: inner }).build();
    expect(p.length).toBe(1280); // RFC 4443: the error never exceeds the minimum MTU
    const m = msg(p);
    expect(icmpv6Mtu(m, 0)).toBe(1280);
    expect(icmpv6IsError(icmpv6Type(m, 0))).toBe(true);
    const r = roundTrip(m) as Extract<Icmpv6Repr, { kind: 'packet-too-big' }>;
    expect(r.mtu).toBe(1280);
    expect(r.quoted).toEqual(inner.subarray(0, 1280 - 48));
  });

  test('neighbor solicitation / advertisement with link-layer options', () => {
    const ns = msg(frame().ipv6({ src: 'fe80::1', dst: 'ff02::1:ff00:2', hopLimit: 255 }).icmpv6({ type: 'ns', target: 'fe80::2', sourceLL: '00:11:22:33:44:55' }).build());
    const r = roundTrip(ns) as Extract<Icmpv6Repr, { kind: 'neighbor-solicit' }>;
    expect(ipv6ToString(r.target)).toBe('fe80::2');
    expect(r.options).toEqual([{ type: 'source-ll', addr: mac('00:11:22:33:44:55') }]);
    expect(ndOptionsOffset(135)).toBe(24);
    expect(ndFindOption(ns, 0, ns.length, NdOpt.SOURCE_LL_ADDR)).toBe(24);
    expect(ndFindOption(ns, 0, ns.length, NdOpt.TARGET_LL_ADDR)).toBe(-1);
    const na = msg(frame().ipv6({ src: 'fe80::2', dst: 'fe80::1' }).icmpv6({ type: 'na', target: 'fe80::2', router: true, override: true, targetLL: '00:11:22:33:44:66' }).build());
    expect(ndNaFlags(na, 0)).toBe(ND_NA_ROUTER | ND_NA_OVERRIDE);
    const a = roundTrip(na) as Extract<Icmpv6Repr, { kind: 'neighbor-advert' }>;
    expect([a.router, a.solicited, a.override]).toEqual([true, false, true]);
    expect(macToString((a.options[0] as { addr: Uint8Array }).addr)).toBe('00:11:22:33:44:66');
  });

  test('router advertisement with prefix information and MTU, router solicitation, redirect', () => {
    const ra = msg(
      frame()
        .ipv6({ src: 'fe80::1', dst: 'ff02::1', hopLimit: 255 })
        .icmpv6({ type: 'ra', curHopLimit: 64, managed: true, routerLifetime: 1800, reachableTime: 30000, retransTimer: 1000, sourceLL: '02:00:00:00:00:01', mtuOption: 1500, prefix: { prefix: '2001:db8:0:1::', len: 64 } })
        .build(),
    );
    expect([ndRaCurHopLimit(ra, 0), ndRaFlags(ra, 0), ndRaRouterLifetime(ra, 0), ndRaReachableTime(ra, 0), ndRaRetransTimer(ra, 0)]).toEqual([64, 0x80, 1800, 30000, 1000]);
    const r = roundTrip(ra) as Extract<Icmpv6Repr, { kind: 'router-advert' }>;
    expect(r.options.map((o) => o.type)).toEqual(['source-ll', 'mtu', 'prefix-info']);
    expect(r.options[1]).toEqual({ type: 'mtu', reserved: 0, mtu: 1500 });
    expect(r.options[2]).toEqual({
      type: 'prefix-info',
      prefixLen: 64,
      flags: ND_PREFIX_ONLINK | ND_PREFIX_AUTONOMOUS,
      validLifetime: 2592000,
      preferredLifetime: 604800,
      reserved2: 0,
      prefix: ip6('2001:db8:0:1::'),
    });
    expect(ndFindOption(ra, 0, ra.length, NdOpt.PREFIX_INFO)).toBe(16 + 8 + 8);
    const rs = msg(frame().ipv6({ src: '::', dst: 'ff02::2' }).icmpv6({ type: 'rs' }).build());
    expect(roundTrip(rs)).toEqual({ kind: 'router-solicit', checksum: (rs[2]! << 8) | rs[3]!, reserved: 0, options: [] });
    const rd = msg(frame().ipv6({ src: 'fe80::1', dst: 'fe80::2' }).icmpv6({ type: 'redirect', target: 'fe80::3', dest: '2001:db8::9', options: [{ type: 'unknown', code: 4, data: new Uint8Array(6) }] }).build());
    const rr = roundTrip(rd) as Extract<Icmpv6Repr, { kind: 'redirect' }>;
    expect(ipv6ToString(rr.dest)).toBe('2001:db8::9');
  });

  test('errors: short messages, bad ND options', () => {
    const ns = msg(frame().ipv6({ src: '::', dst: 'ff02::1' }).icmpv6({ type: 'ns', target: 'fe80::2', sourceLL: '00:11:22:33:44:55' }).build());
    expect((parseIcmpv6(ns, 0, 7) as { drop: number }).drop).toBe(Drop.ICMPV6_TRUNCATED);
    expect((parseIcmpv6(ns, 0, 20) as { drop: number }).drop).toBe(Drop.ICMPV6_TRUNCATED);
    const zero = ns.slice();
    zero[25] = 0;
    expect((parseIcmpv6(zero, 0, zero.length) as { drop: number }).drop).toBe(Drop.ICMPV6_BAD_OPTION);
    expect(ndFindOption(zero, 0, zero.length, 2)).toBe(-2);
    const long = ns.slice();
    long[25] = 2;
    expect((parseIcmpv6(long, 0, long.length) as { drop: number }).drop).toBe(Drop.ICMPV6_BAD_OPTION);
    expect(isWireError(parseNdOptions(Uint8Array.of(1), 0, 1))).toBe(true);
    // an unknown ND code is not an error: it parses as `other`
    const odd = ns.slice();
    odd[1] = 1;
    expect((parseIcmpv6(odd, 0, odd.length) as { kind: string }).kind).toBe('other');
  });

  test('corpus: every ND / MLD / too-big message round-trips and its checksum verifies', () => {
    const w = new Ipv6ExtWalk();
    const kinds: string[] = [];
    for (const c of [...framesOf('zeek__icmp6-nd-options.pcap'), ...framesOf('zeek__icmp6-toobig.pcap')]) {
      const f = c.frame;
      const end = 14 + 40 + ((f[18]! << 8) | f[19]!);
      expect(ipv6WalkExt(f, 14, end, w)).toBe(0);
      expect(w.proto).toBe(58);
      expect(l4ChecksumOk6(f, 14, w.l4, end - w.l4, 58)).toBe(true);
      const r = roundTrip(f.subarray(w.l4, end));
      kinds.push(r.kind === 'other' ? `other-${r.type}` : r.kind);
      if (r.kind === 'router-advert') {
        expect(r.options.map((o) => o.type)).toEqual(['source-ll', 'mtu', 'prefix-info']);
        expect((r.options[2] as Extract<NdOptionRepr, { type: 'prefix-info' }>).prefixLen).toBe(64);
      }
    }
    const count = (k: string): number => kinds.filter((x) => x === k).length;
    expect([count('neighbor-solicit'), count('neighbor-advert'), count('router-advert'), count('router-solicit')]).toEqual([5, 2, 4, 1]);
    expect(count('other-143') + count('other-131')).toBe(8);
    expect(count('packet-too-big')).toBe(1);
    expect(Icmpv6Type.MLDV2_REPORT).toBe(143);
  });

  test('emitNdOptions pads link-layer addresses to 8 bytes', () => {
    const out = new Uint8Array(8);
    expect(emitNdOptions([{ type: 'target-ll', addr: mac('00:11:22:33:44:55') }], out, 0)).toBe(8);
    expect([...out]).toEqual([2, 1, 0, 0x11, 0x22, 0x33, 0x44, 0x55]);
  });
});
