import fc from 'fast-check';
import { PacketPool } from '../../../dataplane/buf/pool';
import { PktFlag } from '../../../dataplane/buf/meta';
import { Drop, DROP_NAMES } from '../../../dataplane/drop';
import {
  ICMP_ERROR_MAX_LEN, IcmpRateLimiter, icmpEchoReplyInPlace, icmpError, icmpParamPointer, ipv4NotOneHost,
} from '../../../dataplane/ip4/icmp-gen';
import { parseIpv4, type Ipv4Repr } from '../../../dataplane/wire/ipv4';
import { parseIcmp, type IcmpRepr } from '../../../dataplane/wire/icmp';
import { parseEthernet, macToString, type EthernetRepr } from '../../../dataplane/wire/ethernet';
import { isWireError } from '../../../dataplane/wire/error';
import { frame, ip4 } from '../../../pcap/fixture';
import { MAC_A, MAC_R, bytesOf, ipOf, load, macNum } from './helpers';

const T0 = 1_700_000_000;

/** The Repr of a checked parse, or a thrown error naming the drop reason. */
function ok<T>(r: unknown): T {
  if (isWireError(r)) throw new Error(`${DROP_NAMES[r.drop]}: ${r.message}`);
  return r as T;
}

function echoRequest(o: { src?: string; dst?: string; id?: number; seq?: number; data?: Uint8Array | string; tos?: number; ttl?: number; options?: number[]; vlan?: number; pad?: boolean; ethDst?: string; df?: boolean; ipId?: number } = {}): Uint8Array {
  let f = frame().eth({ src: MAC_A, dst: o.ethDst ?? MAC_R });
  if (o.vlan !== undefined) f = f.vlan(o.vlan);
  f = f
    .ipv4({ src: o.src ?? '10.0.0.1', dst: o.dst ?? '10.0.0.254', ttl: o.ttl ?? 63, tos: o.tos ?? 0, id: o.ipId ?? 0x1234, df: o.df ?? true, ...(o.options ? { options: o.options } : {}) })
    .icmp({ type: 'echo-request', id: o.id ?? 0x4242, seq: o.seq ?? 7 })
    .payload(o.data ?? 'abcdefghijklmnop');
  if (o.pad) f = f.pad();
  return f.build();
}

describe('icmpEchoReplyInPlace', () => {
  test('turns a request into the reply a Linux host sends (byte for byte)', () => {
    const pool = new PacketPool({ slots: 8 });
    const s = load(pool, echoRequest({ tos: 0x10, data: 'hello, router' }));
    const [hi, lo] = macNum(MAC_R);
    expect(icmpEchoReplyInPlace(pool, s, hi, lo)).toBe(0);
    const expected = frame()
      .eth({ src: MAC_R, dst: MAC_A })
      .ipv4({ src: '10.0.0.254', dst: '10.0.0.1', ttl: 64, tos: 0x10, id: 0x1234 })
      .icmp({ type: 'echo-reply', id: 0x4242, seq: 7 })
      .payload('hello, router')
      .build();
    expect(bytesOf(pool, s)).toEqual(expected);
    // parse it back field by field
    const eth = ok<EthernetRepr>(parseEthernet(bytesOf(pool, s), 0, pool.meta.len[s]!));
    expect([macToString(eth.src), macToString(eth.dst)]).toEqual([MAC_R, MAC_A]);
    const ip = ok<Ipv4Repr>(parseIpv4(ipOf(pool, s), 0, pool.meta.l3Len[s]!, true));
    expect(ip).toMatchObject({ src: ip4('10.0.0.254'), dst: ip4('10.0.0.1'), ttl: 64, tos: 0x10, id: 0x1234, dontFrag: false, moreFrags: false, fragOffset: 0, proto: 1 });
    expect(ip.options.length).toBe(0);
    const icmp = ok<IcmpRepr>(parseIcmp(ipOf(pool, s), 20, pool.meta.l3Len[s]! - 20, true));
    expect(icmp).toEqual({ kind: 'echo-reply', id: 0x4242, seq: 7, data: new TextEncoder().encode('hello, router') });
    const m = pool.meta;
    expect([m.len[s], m.wireLen[s], m.l3Off[s], m.l4Off[s], m.l3Len[s], m.l4Proto[s], m.inPort[s], m.outPort[s], m.drop[s]]).toEqual([
      expected.length, expected.length, 14, 34, expected.length - 14, 1, -1, -1, 0,
    ]);
    expect(m.flags[s]! & (PktFlag.IPV4 | PktFlag.L4)).toBe(PktFlag.IPV4 | PktFlag.L4);
  });

  test('without a router MAC the MACs are swapped; VLAN tags stay; padding is trimmed', () => {
    const pool = new PacketPool({ slots: 8 });
    const req = echoRequest({ vlan: 10, data: 'x', pad: true, ethDst: '02:00:00:00:00:77' });
    expect(req.length).toBe(60);
    const s = load(pool, req);
    expect(icmpEchoReplyInPlace(pool, s)).toBe(0);
    const expected = frame().eth({ src: '02:00:00:00:00:77', dst: MAC_A }).vlan(10)
      .ipv4({ src: '10.0.0.254', dst: '10.0.0.1', ttl: 64, id: 0x1234 }).icmp({ type: 'echo-reply', id: 0x4242, seq: 7 }).payload('x').build();
    expect(bytesOf(pool, s)).toEqual(expected);
    expect(pool.meta.l3Off[s]).toBe(18);
    expect(pool.meta.vlanOuter[s]).toBe(10);
  });

  test('IP options are removed and the message moves down', () => {
    const pool = new PacketPool({ slots: 8 });
    // record route (not echoed by flowplane) + router alert
    const rr = [7, 7, 4, 0, 0, 0, 0, 0x94, 4, 0, 0, 0];
    const s = load(pool, echoRequest({ options: rr, data: 'opt' }));
    expect(pool.meta.flags[s]! & PktFlag.IP_OPTIONS).toBe(PktFlag.IP_OPTIONS);
    expect(icmpEchoReplyInPlace(pool, s)).toBe(0);
    const expected = frame().eth({ src: MAC_R, dst: MAC_A }).ipv4({ src: '10.0.0.254', dst: '10.0.0.1', ttl: 64, id: 0x1234 })
      .icmp({ type: 'echo-reply', id: 0x4242, seq: 7 }).payload('opt').build();
    expect(bytesOf(pool, s)).toEqual(expected);
    expect(pool.meta.flags[s]! & PktFlag.IP_OPTIONS).toBe(0);
    expect(pool.meta.l3Len[s]).toBe(20 + 8 + 3);
  });

  test.each<[string, Uint8Array, number]>([
    ['an echo reply', frame().eth({ src: MAC_A, dst: MAC_R }).ipv4({ src: '10.0.0.1', dst: '10.0.0.254' }).icmp({ type: 'echo-reply', id: 1, seq: 1 }).build(), Drop.ICMP_ECHO_IGNORED],
    ['UDP', frame().eth({ src: MAC_A, dst: MAC_R }).ipv4({ src: '10.0.0.1', dst: '10.0.0.254' }).udp({ sport: 1, dport: 7 }).payload('x').build(), Drop.ICMP_ECHO_IGNORED],
    ['a broadcast destination', echoRequest({ dst: '255.255.255.255' }), Drop.ICMP_ECHO_IGNORED],
    ['a multicast destination', echoRequest({ dst: '224.0.0.1' }), Drop.ICMP_ECHO_IGNORED],
    ['source 0.0.0.0', echoRequest({ src: '0.0.0.0' }), Drop.ICMP_ECHO_IGNORED],
    ['a loopback source', echoRequest({ src: '127.0.0.1' }), Drop.ICMP_ECHO_IGNORED],
    ['a fragment', frame().eth({ src: MAC_A, dst: MAC_R }).ipv4({ src: '10.0.0.1', dst: '10.0.0.254', mf: true }).icmp({ type: 'echo-request', id: 1, seq: 1 }).payload(16).build(), Drop.ICMP_ECHO_IGNORED],
    ['a bad ICMP checksum', frame().eth({ src: MAC_A, dst: MAC_R }).ipv4({ src: '10.0.0.1', dst: '10.0.0.254' }).icmp({ type: 'echo-request', id: 1, seq: 1, badChecksum: true }).build(), Drop.L4_BAD_CHECKSUM],
    ['a short ICMP header', frame().eth({ src: MAC_A, dst: MAC_R }).ipv4({ src: '10.0.0.1', dst: '10.0.0.254', proto: 1 }).payload(4).build(), Drop.ICMP_TRUNCATED],
    ['a truncated IPv4 header', frame().eth({ src: MAC_A, dst: MAC_R, type: 0x0800 }).payload(10).build(), Drop.IPV4_TRUNCATED],
  ])('refuses %s and leaves the slot alone', (_n, f, code) => {
    const pool = new PacketPool({ slots: 8 });
    const s = load(pool, f);
    const before = bytesOf(pool, s);
    const meta = [pool.meta.len[s], pool.meta.flags[s], pool.meta.inPort[s]];
    expect(DROP_NAMES[icmpEchoReplyInPlace(pool, s)]).toBe(DROP_NAMES[code]);
    expect(bytesOf(pool, s)).toEqual(before);
    expect([pool.meta.len[s], pool.meta.flags[s], pool.meta.inPort[s]]).toEqual(meta);
  });

  test('property: any request gives exactly the fixture-built reply', () => {
    const pool = new PacketPool({ slots: 4 });
    fc.assert(
      fc.property(
        fc.uint8Array({ maxLength: 1400 }),
        fc.integer({ min: 0, max: 0xffff }),
        fc.integer({ min: 0, max: 0xffff }),
        fc.integer({ min: 0, max: 255 }),
        fc.integer({ min: 0, max: 0xffff }),
        fc.integer({ min: 1, max: 0xdfffffff }),
        fc.boolean(),
        (data, id, seq, tos, ipId, srcN, vlan) => {
          fc.pre(!ipv4NotOneHost(srcN));
          let f = frame().eth({ src: MAC_A, dst: MAC_R });
          if (vlan) f = f.vlan(5);
          const req = f.ipv4({ src: srcN, dst: '192.0.2.1', tos, id: ipId, ttl: 9 }).icmp({ type: 'echo-request', id, seq }).payload(data).build();
          const s = load(pool, req);
          try {
            expect(icmpEchoReplyInPlace(pool, s, ...macNum('02:aa:bb:cc:dd:ee'))).toBe(0);
            let e = frame().eth({ src: '02:aa:bb:cc:dd:ee', dst: MAC_A });
            if (vlan) e = e.vlan(5);
            const exp = e.ipv4({ src: '192.0.2.1', dst: srcN, tos, id: ipId, ttl: 64 }).icmp({ type: 'echo-reply', id, seq }).payload(data).build();
            expect(bytesOf(pool, s)).toEqual(exp);
          } finally {
            pool.free(s);
          }
        },
      ),
      { numRuns: 150 },
    );
  });
});

describe('icmpError', () => {
  const SRC = ip4('10.0.0.254');

  function offending(o: { len?: number; ttl?: number; tos?: number; ethDst?: string; vlan?: number; src?: string; dst?: string; frag?: number; mf?: boolean; id?: number } = {}): Uint8Array {
    let f = frame().eth({ src: MAC_A, dst: o.ethDst ?? MAC_R });
    if (o.vlan !== undefined) f = f.vlan(o.vlan);
    return f
      .ipv4({ src: o.src ?? '10.0.0.1', dst: o.dst ?? '192.0.2.9', ttl: o.ttl ?? 1, tos: o.tos ?? 0, id: o.id ?? 0xbeef, fragOffset: o.frag ?? 0, mf: o.mf ?? false })
      .udp({ sport: 33434, dport: 33435 })
      .payload(new Uint8Array(o.len ?? 100).map((_, i) => i))
      .build();
  }

  test('time exceeded quotes the whole short packet; every field as Linux sends it', () => {
    const pool = new PacketPool({ slots: 8 });
    const orig = offending({ tos: 0x2f });
    const s = load(pool, orig);
    const e = icmpError(pool, s, 11, 0, SRC, 0, T0 + 5, 123);
    expect(e).toBeGreaterThanOrEqual(0);
    expect(bytesOf(pool, s)).toEqual(orig); // the offending packet is untouched
    const quote = orig.subarray(14);
    const expected = frame().eth({ src: MAC_R, dst: MAC_A })
      .ipv4({ src: '10.0.0.254', dst: '10.0.0.1', ttl: 64, tos: (0x2f & 0x1e) | 0xc0, id: 0xbeef })
      .icmp({ type: 'time-exceeded', code: 0, quote, quoteLen: Infinity }).build();
    expect(bytesOf(pool, e)).toEqual(expected);
    const ip = ok<Ipv4Repr>(parseIpv4(ipOf(pool, e), 0, pool.meta.l3Len[e]!, true));
    expect(ip).toMatchObject({ tos: 0xce, ttl: 64, proto: 1, dontFrag: false, src: SRC, dst: ip4('10.0.0.1'), payloadLen: 8 + quote.length });
    const icmp = ok<IcmpRepr>(parseIcmp(ipOf(pool, e), 20, pool.meta.l3Len[e]! - 20, true));
    expect(icmp).toEqual({ kind: 'time-exceeded', code: 0, unused: 0, quoted: quote });
    const m = pool.meta;
    expect([m.l3Off[e], m.l4Off[e], m.l3Len[e], m.l4Proto[e], m.etherType[e], m.inPort[e], m.outPort[e], m.tsSec[e], m.tsNsec[e], m.linkType[e], m.drop[e]]).toEqual([
      14, 34, 28 + quote.length, 1, 0x0800, -1, -1, T0 + 5, 123, 1, 0,
    ]);
    expect(m.flags[e]).toBe(PktFlag.IPV4 | PktFlag.L4);
  });

  test('a large packet is quoted up to 576 bytes of IP; 3/4 carries the next-hop MTU', () => {
    const pool = new PacketPool({ slots: 8 });
    const orig = offending({ len: 1472, ttl: 64 });
    const s = load(pool, orig);
    const e = icmpError(pool, s, 3, 4, SRC, 1400, T0, 0);
    expect(pool.meta.l3Len[e]).toBe(ICMP_ERROR_MAX_LEN);
    const icmp = ok<Extract<IcmpRepr, { kind: 'dest-unreachable' }>>(parseIcmp(ipOf(pool, e), 20, 556, true));
    expect(icmp.kind).toBe('dest-unreachable');
    expect([icmp.code, icmp.mtu, icmp.unused]).toEqual([4, 1400, 0]);
    expect(icmp.quoted).toEqual(orig.subarray(14, 14 + 548));
  });

  test('parameter problem pointer, port unreachable, VLAN tags and SLL input', () => {
    const pool = new PacketPool({ slots: 8 });
    const s = load(pool, offending({ vlan: 20 }));
    const e = icmpError(pool, s, 12, 0, SRC, icmpParamPointer(20), T0, 0);
    const ip = ipOf(pool, e);
    expect((ok<IcmpRepr>(parseIcmp(ip, 20, ip.length - 20, true)) as { pointer: number }).pointer).toBe(20);
    expect([pool.meta.l3Off[e], pool.meta.vlanOuter[e], pool.meta.flags[e]! & PktFlag.VLAN]).toEqual([18, 20, PktFlag.VLAN]);
    const eth = ok<EthernetRepr>(parseEthernet(bytesOf(pool, e), 0, pool.meta.len[e]!));
    expect(eth.tags.map((t) => t.vid)).toEqual([20]);
    const pu = icmpError(pool, s, 3, 3, ip4('192.0.2.9'), 0, T0, 0);
    expect(ipOf(pool, pu).subarray(12, 16)).toEqual(Uint8Array.of(192, 0, 2, 9));
    // Linux cooked capture in: a plain Ethernet header for the output path to fill
    const sll = frame().sll({ packetType: 0 }).ipv4({ src: '10.0.0.1', dst: '192.0.2.9', ttl: 1 }).udp({ sport: 1, dport: 2 }).build();
    const t = load(pool, sll, { linkType: 113 });
    const e2 = icmpError(pool, t, 11, 0, SRC, 0, T0, 0);
    expect(bytesOf(pool, e2).subarray(0, 14)).toEqual(Uint8Array.of(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 8, 0));
    expect(ipOf(pool, e2).subarray(28)).toEqual(sll.subarray(16));
  });

  test('a snapped capture is quoted as far as its bytes go', () => {
    const pool = new PacketPool({ slots: 8 });
    const full = offending({ len: 400 });
    const s = load(pool, full.slice(0, 96), { wireLen: full.length });
    const e = icmpError(pool, s, 11, 0, SRC, 0, T0, 0);
    expect(pool.meta.l3Len[e]).toBe(28 + 82);
    const ip = ipOf(pool, e);
    expect(ip.subarray(28)).toEqual(full.subarray(14, 96));
  });

  const icmpErrPacket = frame().ipv4({ src: '10.0.0.1', dst: '192.0.2.9' }).udp({ sport: 1, dport: 2 }).build();
  test.each<[string, Uint8Array]>([
    ['an ICMP error', frame().eth({ src: MAC_A, dst: MAC_R }).ipv4({ src: '10.0.0.1', dst: '192.0.2.9', ttl: 1 }).icmp({ type: 'dest-unreachable', code: 3, quote: icmpErrPacket }).build()],
    ['an ICMP message of unknown type', frame().eth({ src: MAC_A, dst: MAC_R }).ipv4({ src: '10.0.0.1', dst: '192.0.2.9', ttl: 1 }).icmp({ type: 42 }).build()],
    ['ICMP too short to show its type', frame().eth({ src: MAC_A, dst: MAC_R }).ipv4({ src: '10.0.0.1', dst: '192.0.2.9', ttl: 1, proto: 1 }).build()],
    ['a non-first fragment', offending({ frag: 1480 })],
    ['a link-layer broadcast', offending({ ethDst: 'ff:ff:ff:ff:ff:ff' })],
    ['a link-layer multicast', offending({ ethDst: '01:00:5e:00:00:05' })],
    ['a frame from a multicast source MAC', frame().eth({ src: '03:00:00:00:00:01', dst: MAC_R }).ipv4({ src: '10.0.0.1', dst: '192.0.2.9', ttl: 1 }).udp({ sport: 1, dport: 2 }).build()],
    ['destination 255.255.255.255', offending({ dst: '255.255.255.255' })],
    ['a multicast destination', offending({ dst: '224.0.0.5' })],
    ['source 0.0.0.0', offending({ src: '0.0.0.0' })],
    ['a loopback source', offending({ src: '127.0.0.1' })],
    ['a multicast source', offending({ src: '239.1.1.1' })],
    ['source 255.255.255.255', offending({ src: '255.255.255.255' })],
    ['a non-IPv4 header', frame().eth({ src: MAC_A, dst: MAC_R, type: 0x0800 }).payload(Uint8Array.of(0x65, ...new Uint8Array(30))).build()],
  ])('no error about %s', (_n, f) => {
    const pool = new PacketPool({ slots: 8 });
    const s = load(pool, f);
    const before = bytesOf(pool, s);
    expect(DROP_NAMES[-icmpError(pool, s, 11, 0, SRC, 0, T0, 0)]).toBe('icmp-error-suppressed');
    expect(pool.available).toBe(7);
    expect(bytesOf(pool, s)).toEqual(before);
  });

  test('errors are allowed about echo requests and first fragments; non-error types skip the ICMP rule', () => {
    const pool = new PacketPool({ slots: 8 });
    const echo = load(pool, frame().eth({ src: MAC_A, dst: MAC_R }).ipv4({ src: '10.0.0.1', dst: '192.0.2.9', ttl: 1 }).icmp({ type: 'echo-request', id: 1, seq: 1 }).build());
    expect(icmpError(pool, echo, 11, 0, SRC, 0, T0, 0)).toBeGreaterThanOrEqual(0);
    const first = load(pool, offending({ mf: true }));
    expect(icmpError(pool, first, 11, 0, SRC, 0, T0, 0)).toBeGreaterThanOrEqual(0);
    const err = load(pool, frame().eth({ src: MAC_A, dst: MAC_R }).ipv4({ src: '10.0.0.1', dst: '192.0.2.9', ttl: 1 }).icmp({ type: 'time-exceeded', quote: icmpErrPacket }).build());
    const e = icmpError(pool, err, 0, 0, SRC, 0, T0, 0);
    expect(e).toBeGreaterThanOrEqual(0);
    expect(ipOf(pool, e)[1]).toBe(0); // non-error types keep the offending TOS (0)
  });

  test('rate limited and pool exhausted', () => {
    const pool = new PacketPool({ slots: 3 });
    const s = load(pool, offending());
    const rl = new IcmpRateLimiter({ msgsBurst: 1000 });
    const got: number[] = [];
    for (let i = 0; i < 8; i++) {
      const e = icmpError(pool, s, 11, 0, SRC, 0, T0, 0, rl);
      got.push(e);
      if (e >= 0) pool.free(e);
    }
    expect(got.map((e) => (e >= 0 ? 'sent' : DROP_NAMES[-e]))).toEqual([...Array(6).fill('sent'), 'icmp-rate-limited', 'icmp-rate-limited']);
    // 3/4 is never limited
    const e = icmpError(pool, s, 3, 4, SRC, 1400, T0, 0, rl);
    expect(e).toBeGreaterThanOrEqual(0);
    const x = pool.alloc();
    expect(pool.available).toBe(0);
    expect(icmpError(pool, s, 3, 4, SRC, 1400, T0, 0)).toBe(-Drop.POOL_EXHAUSTED);
    expect([e, x].every((v) => v >= 0)).toBe(true);
  });

  test('property: the quote, lengths and checksums of errors about random packets', () => {
    const pool = new PacketPool({ slots: 4 });
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 1900 }),
        fc.constantFrom<'udp' | 'tcp' | 'raw'>('udp', 'tcp', 'raw'),
        fc.integer({ min: 0, max: 255 }),
        fc.integer({ min: 0, max: 10 }),
        fc.constantFrom(0, 1, 2),
        fc.integer({ min: 0, max: 0xffff }),
        (n, kind, tos, optWords, tags, mtu) => {
          let f = frame().eth({ src: MAC_A, dst: MAC_R });
          for (let i = 0; i < tags; i++) f = f.vlan(100 + i);
          const opts = optWords ? Array(optWords * 4).fill(1) : undefined;
          f = f.ipv4({ src: '198.51.100.7', dst: '203.0.113.1', tos, ttl: 1, id: 77, ...(opts ? { options: opts } : {}) });
          if (kind === 'udp') f = f.udp({ sport: 5, dport: 6 });
          if (kind === 'tcp') f = f.tcp({ sport: 5, dport: 6, flags: 'A' });
          const fr = f.payload(new Uint8Array(n).fill(0xa5)).build();
          fc.pre(fr.length <= pool.maxFrame);
          const s = load(pool, fr);
          try {
            const e = icmpError(pool, s, 3, 4, SRC, mtu, T0, 0);
            expect(e).toBeGreaterThanOrEqual(0);
            const l3 = 14 + 4 * tags;
            const tl = fr.length - l3;
            const q = Math.min(tl, 548);
            const ip = ipOf(pool, e);
            expect(pool.meta.l3Off[e]).toBe(l3);
            expect(ip.length).toBe(28 + q);
            const r = ok<Ipv4Repr>(parseIpv4(ip, 0, ip.length, true));
            expect([r.tos, r.ttl, r.dontFrag, r.id, r.dst]).toEqual([(tos & 0x1e) | 0xc0, 64, false, 77, ip4('198.51.100.7')]);
            const icmp = ok<Extract<IcmpRepr, { kind: 'dest-unreachable' }>>(parseIcmp(ip, 20, ip.length - 20, true));
            expect(icmp.mtu).toBe(mtu);
            expect(icmp.quoted).toEqual(fr.subarray(l3, l3 + q));
            pool.free(e);
          } finally {
            pool.free(s);
          }
        },
      ),
      { numRuns: 150 },
    );
  });
});

// ---- rate limiter -------------------------------------------------------------------------------

/** Linux 5.6 icmp.c/inetpeer.c, transcribed with Maps (the reference the typed-array limiter must match). */
class LinuxModel {
  peers = new Map<number, { tokens: number; last: number }>();
  credit: number;
  stamp = -1e15;
  constructor(public ratelimit: number, public mask: number, public perSec: number, public burst: number) {
    this.credit = burst;
  }
  allow(dst: number, type: number, code: number, ms: number): boolean {
    if (type > 18 || (type === 3 && code === 4) || !((1 << type) & this.mask)) return true;
    // icmp_global_allow
    let delta = Math.min(ms - this.stamp, 1000);
    if (delta < 0) delta = 1000;
    if (this.credit === 0 && delta < 20) return false;
    let incr = 0;
    if (delta >= 20) {
      incr = Math.floor((this.perSec * delta) / 1000);
      if (incr) this.stamp = ms;
    }
    let credit = Math.min(this.credit + incr, this.burst);
    let g = false;
    if (credit) {
      credit--;
      g = true;
    }
    this.credit = credit;
    if (!g) return false;
    // inet_peer_xrlim_allow
    let p = this.peers.get(dst);
    if (!p) this.peers.set(dst, (p = { tokens: 0, last: ms - 60000 }));
    let token = p.tokens;
    const d = ms - p.last;
    if (d) {
      p.last = ms;
      token = d < 0 ? 6 * this.ratelimit : token + d;
      if (token > 6 * this.ratelimit) token = 6 * this.ratelimit;
    }
    let rc = false;
    if (token >= this.ratelimit) {
      token -= this.ratelimit;
      rc = true;
    }
    p.tokens = token;
    return rc;
  }
}

describe('IcmpRateLimiter', () => {
  const at = (ms: number): [number, number] => [T0 + Math.floor(ms / 1000), (ms % 1000) * 1e6];

  test('RouterOS defaults: a burst of 6 per destination, then one per 10 ms', () => {
    const rl = new IcmpRateLimiter();
    expect([rl.rateLimitMs, rl.rateMask, rl.msgsPerSec, rl.msgsBurst]).toEqual([10, 0x1818, 1000, 50]);
    const a = ip4('10.0.0.1');
    const seq = (ms: number, n: number) => Array.from({ length: n }, () => rl.allow(a, 11, 0, ...at(ms)));
    expect(seq(0, 8)).toEqual([true, true, true, true, true, true, false, false]);
    expect(seq(9, 1)).toEqual([false]);
    expect(seq(10, 2)).toEqual([true, false]);
    expect(seq(25, 2)).toEqual([true, false]); // 15 tokens: one message, 5 left
    expect(seq(30, 1)).toEqual([true]);
    expect(rl.limitedHost).toBe(5);
    // another destination has its own bucket
    expect(Array.from({ length: 7 }, () => rl.allow(ip4('10.0.0.2'), 3, 1, ...at(30)))).toEqual([...Array(6).fill(true), false]);
    // a long pause refills to 6, not more
    expect(seq(100000, 7).filter(Boolean).length).toBe(6);
  });

  test('types outside the mask, 3/4 and unknown types are never limited', () => {
    const rl = new IcmpRateLimiter({ msgsBurst: 5 });
    const a = ip4('10.0.0.1');
    for (const [type, code] of [[0, 0], [8, 0], [5, 1], [3, 4], [19, 0], [40, 0]] as const) {
      expect(Array.from({ length: 100 }, () => rl.allow(a, type, code, T0, 0)).every(Boolean)).toBe(true);
    }
    expect([rl.limitedGlobal, rl.limitedHost]).toEqual([0, 0]);
    rl.configure({ rateMask: 1 << 8 }); // limit echo requests instead
    expect(rl.limits(8, 0)).toBe(true);
    expect(rl.limits(11, 0)).toBe(false);
  });

  test('Linux default 1000 ms; 0 turns the per-destination limit off', () => {
    const rl = new IcmpRateLimiter({ rateLimitMs: 1000 });
    const a = ip4('10.9.9.9');
    expect(Array.from({ length: 7 }, () => rl.allow(a, 3, 3, ...at(0))).filter(Boolean).length).toBe(6);
    expect(rl.allow(a, 3, 3, ...at(999))).toBe(false);
    expect(rl.allow(a, 3, 3, ...at(2000))).toBe(true);
    const off = new IcmpRateLimiter({ rateLimitMs: 0, msgsBurst: 1000 });
    expect(Array.from({ length: 500 }, () => off.allow(a, 11, 0, T0, 0)).every(Boolean)).toBe(true);
  });

  test('the host-wide bucket: 50 at once, then 1000/s refilled in steps of at least 20 ms', () => {
    const rl = new IcmpRateLimiter({ rateLimitMs: 0 });
    const n = (ms: number, k: number) => Array.from({ length: k }, (_, i) => rl.allow(ip4('10.1.0.0') + i, 11, 0, ...at(ms))).filter(Boolean).length;
    expect(n(0, 100)).toBe(50);
    expect(n(19, 10)).toBe(0);
    expect(n(20, 100)).toBe(20);
    expect(n(5000, 100)).toBe(50);
    expect(rl.limitedGlobal).toBe(50 + 10 + 80 + 50);
  });

  test('time going backwards refills (Linux unsigned jiffies)', () => {
    const rl = new IcmpRateLimiter();
    const a = ip4('10.0.0.1');
    for (let i = 0; i < 6; i++) rl.allow(a, 11, 0, ...at(5000));
    expect(rl.allow(a, 11, 0, ...at(5000))).toBe(false);
    expect(rl.allow(a, 11, 0, ...at(4000))).toBe(true);
  });

  test('property: matches a transcription of the Linux code on random event sequences', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 200 }),
        fc.integer({ min: 1, max: 60 }),
        fc.integer({ min: 1, max: 2000 }),
        fc.array(fc.tuple(fc.integer({ min: 0, max: 7 }), fc.constantFrom(3, 4, 11, 12, 0, 8), fc.integer({ min: 0, max: 4 }), fc.integer({ min: 0, max: 60 })), { minLength: 1, maxLength: 300 }),
        (ratelimit, burst, perSec, events) => {
          const rl = new IcmpRateLimiter({ rateLimitMs: ratelimit, msgsBurst: burst, msgsPerSec: perSec, capacity: 64 });
          const ref = new LinuxModel(ratelimit, 0x1818, perSec, burst);
          let ms = 123456;
          for (const [d, type, code, dt] of events) {
            ms += dt;
            const dst = 0x0a000000 + d;
            expect(rl.allow(dst, type, code, ...at(ms))).toBe(ref.allow(dst, type, code, ms));
          }
        },
      ),
      { numRuns: 300 },
    );
  });

  test('a small table reuses refilled entries and evicts the least recently used', () => {
    const rl = new IcmpRateLimiter({ capacity: 8, msgsBurst: 1e6, msgsPerSec: 1e6 });
    for (let i = 0; i < 100; i++) expect(rl.allow(0x0a000000 + i, 11, 0, ...at(0))).toBe(true);
    expect(rl.evictions).toBe(92);
    // 60 ms later every bucket is full again: entries are reused without eviction
    const ev = rl.evictions;
    for (let i = 0; i < 8; i++) rl.allow(0x0b000000 + i, 11, 0, ...at(60));
    expect(rl.evictions).toBe(ev);
    rl.reset();
    expect(rl.allow(0x0a000001, 11, 0, ...at(61))).toBe(true);
  });
});
