/**
 * Robustness: nothing in wire/ throws on any input, and parseFrame never points outside the frame.
 * Inputs: random bytes, every truncation of every corpus frame, mutated corpus frames, and random
 * well-formed frames from the fixture builder (those must parse without a drop).
 */
import fc from 'fast-check';
import * as wire from '../../../dataplane/wire';
import { parseFrame } from '../../../dataplane/wire/parse';
import { describeFrame } from '../../../dataplane/wire/describe';
import { metaColumns, PktFlag } from '../../../dataplane/buf/meta';
import { DROP_NAMES } from '../../../dataplane/drop';
import { frame } from '../../../pcap/fixture';
import { corpusFrames } from './corpus';

const m = metaColumns(2).cols;
const LINKS = [1, 1, 1, 113, 276, 101, 0, 105];

/** Exported functions that take (bytes, offset[, number]) and read or write a header in place. */
const ACCESSORS: Array<[string, (...a: unknown[]) => unknown]> = Object.entries(wire)
  .filter(([, f]) => typeof f === 'function' && !/^class\s/.test(Function.prototype.toString.call(f)))
  .filter(([, f]) => (f as () => void).length >= 2 && (f as () => void).length <= 3)
  .filter(([name]) => !/^(emit|parse|describe|wireError)/.test(name)) as Array<[string, (...a: unknown[]) => unknown]>;

const RUNS = { random: 12000, prefixed: 12000, mutated: 15000, wellFormed: 5000 };

/** Everything a frame can be fed to; throws only if something in wire/ throws. */
function exercise(b: Uint8Array, len: number, linkType: number, seed: number): void {
  m.flags[0] = seed & 1 ? PktFlag.SNAPPED : 0;
  const drop = parseFrame(b, 0, len, linkType, m, 0, (seed & 2) !== 0);
  if (m.drop[0] !== drop || DROP_NAMES[drop] === undefined) throw new Error(`bad drop ${drop}`);
  const l3 = m.l3Off[0]!;
  const l4 = m.l4Off[0]!;
  if (l3 > len || l4 > len) throw new Error(`offset beyond len: l3 ${l3} l4 ${l4} len ${len}`);
  if (drop === 0 && m.flags[0]! & PktFlag.L4) {
    const need = m.l4Proto[0] === 6 ? 20 : 8;
    if (l4 + need > len) throw new Error(`L4 header beyond len: l4 ${l4} len ${len}`);
  }
  const line = describeFrame(b, 0, len, linkType, { macs: (seed & 4) !== 0, checksums: (seed & 8) !== 0, wireLen: seed & 1 ? len + 100 : len });
  if (typeof line !== 'string' || line.startsWith('[describe failed')) throw new Error(`describe: ${line}`);

  // every checked parser at the layer offsets parseFrame found, and at a seed-chosen offset
  const view = b.subarray(0, len);
  const offs = [0, l3, l4, seed % (len + 1)];
  for (const o of offs) {
    const n = len - o;
    const reprs: unknown[] = [
      wire.parseEthernet(view, o, n), wire.parseSll(view, o, n), wire.parseSll2(view, o, n), wire.parseArp(view, o, n),
      wire.parseIpv4(view, o, n, true), wire.parseIpv6(view, o, n), wire.parseIpv6Ext(view, o, n, [0, 43, 51, 60][seed & 3]!),
      wire.parseIpv6Frag(view, o, n), wire.parseIcmp(view, o, n, true), wire.parseIcmpv6(view, o, n), wire.parseTcp(view, o, n),
      wire.parseUdp(view, o, n, (seed & 1) === 1), wire.parseTcpOptions(view, o, n), wire.parseNdOptions(view, o, n),
      wire.parseIpv4Options(view, o, n), wire.parseIpv6Options(view.subarray(o)),
    ];
    const emitters: Array<(r: never, b: Uint8Array, o: number) => number> = [
      wire.emitEthernet, wire.emitSll, wire.emitSll, wire.emitArp, wire.emitIpv4, wire.emitIpv6, wire.emitIpv6Ext, wire.emitIpv6Frag,
      wire.emitIcmp, wire.emitIcmpv6, wire.emitTcp, wire.emitUdp,
    ];
    const out = new Uint8Array(len + 128);
    emitters.forEach((e, i) => {
      const r = reprs[i];
      if (!wire.isWireError(r)) e(r as never, out, 0);
    });
    // a checked parse that accepts a header gives back the same bytes (Ethernet, ARP, IPv6 fixed header, fragment, UDP)
    for (const [i, hl] of [[0, -1], [3, 28], [5, 40], [7, 8], [11, 8]] as Array<[number, number]>) {
      const r = reprs[i];
      if (wire.isWireError(r)) continue;
      const size = hl < 0 ? wire.ethernetHeaderLen(r as wire.EthernetRepr) : hl;
      emitters[i]!(r as never, out, 0);
      for (let k = 0; k < size; k++) if (out[k] !== view[o + k]) throw new Error(`emit(parse(x)) != x for repr ${i} at offset ${o}`);
    }
  }

  // raw accessors and checksum helpers at a few offsets, on a copy (setters write)
  const copy = b.slice(0, len + 8);
  for (const o of [0, l3, l4, seed % (len + 1)]) {
    for (const [, f] of ACCESSORS) f(copy, o, seed & 0x7f);
    wire.inetChecksum(copy, o, len - o);
    wire.l4Checksum4(copy, l3, l4, len - l4, m.l4Proto[0]!);
    wire.l4Checksum6(copy, l3, l4, len - l4, m.l4Proto[0]!);
    wire.l4ChecksumOk4(copy, l3, l4, len - l4, m.l4Proto[0]!);
    wire.l4ChecksumOk6(copy, l3, l4, len - l4, m.l4Proto[0]!);
    wire.ipv4RewriteSrc(copy, l3, l4, seed);
    wire.l4RewriteDstPort(copy, l4, m.l4Proto[0]!, seed);
    wire.tcpClampMss(copy, l4, 1200);
    wire.ndFindOption(copy, l4, len - l4, 1);
    wire.ipv6WalkExt(copy, l3, len, walk);
  }
}
const walk = new wire.Ipv6ExtWalk();

describe('fuzz', () => {
  test('plans at least 60,000 cases per run', () => {
    const truncations = corpusFrames().reduce((n, c) => n + c.frame.length + 1, 0);
    expect(RUNS.random + RUNS.prefixed + RUNS.mutated + RUNS.wellFormed + truncations).toBeGreaterThan(60000);
  });

  test('the accessor list covers the protocol files', () => {
    const names = ACCESSORS.map(([n]) => n);
    for (const n of ['ipv4Src', 'ipv4SetTtl', 'tcpFlags', 'tcpFindOption', 'udpLength', 'icmpEchoId', 'icmpv6Mtu', 'ndRaFlags', 'arpSpa', 'vlanVid', 'macLo32', 'sllProtocol', 'ipv6SrcWord', 'ipv6FragOffset'])
      expect(names).toContain(n);
    expect(names.length).toBeGreaterThan(100);
  });

  test('random bytes never throw', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 0, maxLength: 160 }), fc.constantFrom(...LINKS), fc.nat(), (b, link, seed) => {
        exercise(b, b.length, link, seed);
      }),
      { numRuns: RUNS.random },
    );
  });

  test('random bytes behind a valid Ethernet/IP prefix never throw', () => {
    const prefixes = [
      frame().eth({}).ipv4({ src: '1.1.1.1', dst: '2.2.2.2', proto: 6 }).build().subarray(0, 34),
      frame().eth({}).vlan(5).ipv6({ src: '::1', dst: '::2', nextHeader: 0 }).build().subarray(0, 58),
      frame().eth({}).ipv4({ src: '1.1.1.1', dst: '2.2.2.2', proto: 1 }).build().subarray(0, 34),
      frame().eth({}).ipv6({ src: '::1', dst: '::2', nextHeader: 58 }).build().subarray(0, 54),
      frame().eth({}).ipv6({ src: '::1', dst: '::2', nextHeader: 44 }).build().subarray(0, 54),
    ];
    fc.assert(
      fc.property(fc.constantFrom(...prefixes), fc.uint8Array({ minLength: 0, maxLength: 120 }), fc.nat(), (pre, tail, seed) => {
        const b = new Uint8Array(pre.length + tail.length);
        b.set(pre);
        b.set(tail, pre.length);
        // make the IP length fields cover what is there so the parsers get past them
        if (b[12] === 0x08) {
          b[16] = (b.length - 14) >> 8;
          b[17] = (b.length - 14) & 255;
        } else {
          const ip = b[12] === 0x81 ? 18 : 14;
          const pl = Math.max(0, b.length - ip - 40);
          b[ip + 4] = pl >> 8;
          b[ip + 5] = pl & 255;
        }
        exercise(b, b.length, 1, seed);
      }),
      { numRuns: RUNS.prefixed },
    );
  });

  test('every truncation of every corpus frame', () => {
    let k = 0;
    for (const c of corpusFrames()) {
      for (let len = 0; len <= c.frame.length; len++) exercise(c.frame, len, c.linkType, k++);
    }
    expect(k).toBeGreaterThan(17000);
  });

  test('mutated corpus frames never throw', () => {
    const frames = corpusFrames();
    fc.assert(
      fc.property(
        fc.nat(frames.length - 1),
        fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 6 }),
        fc.nat(),
        (i, muts, seed) => {
          const c = frames[i]!;
          const b = c.frame.slice(0, Math.min(c.frame.length, 200));
          // mutate mostly the headers, where the parsers look
          for (const [at, v] of muts) b[at % Math.min(b.length, 80)] = v;
          exercise(b, b.length, c.linkType, seed);
        },
      ),
      { numRuns: RUNS.mutated },
    );
  });

  test('random well-formed frames parse without a drop and describe without "malformed"', () => {
    const arb = fc.record({
      tags: fc.array(fc.integer({ min: 0, max: 4095 }), { maxLength: 3 }),
      v6: fc.boolean(),
      l4: fc.constantFrom('tcp', 'udp', 'icmp'),
      a: fc.uint8Array({ minLength: 16, maxLength: 16 }),
      port: fc.integer({ min: 0, max: 65535 }),
      payload: fc.nat(300),
      opts: fc.boolean(),
      pad: fc.boolean(),
    });
    fc.assert(
      fc.property(arb, fc.nat(), (r, seed) => {
        let b = frame().eth({});
        for (const t of r.tags) b = b.vlan(t);
        b = r.v6 ? b.ipv6({ src: r.a, dst: '2001:db8::1' }) : b.ipv4({ src: r.a.subarray(0, 4), dst: '10.0.0.1', options: r.opts ? [1, 1, 1, 1] : undefined });
        if (r.l4 === 'tcp') b = b.tcp({ sport: r.port, dport: 80, options: r.opts ? { mss: 1400, sackOk: true, ts: [1, 2], wscale: 3 } : undefined });
        else if (r.l4 === 'udp') b = b.udp({ sport: r.port, dport: 53 });
        else b = r.v6 ? b.icmpv6({ type: 'echo-request', id: r.port }) : b.icmp({ type: 'echo-request', id: r.port });
        const f = b.payload(r.payload).pad(r.pad ? 60 : 0).build();
        m.flags[1] = 0;
        expect(parseFrame(f, 0, f.length, 1, m, 1, true)).toBe(0);
        expect(m.flags[1]! & PktFlag.L4).toBe(PktFlag.L4);
        expect(describeFrame(f, 0, f.length, 1, { checksums: true })).not.toMatch(/malformed|\[bad /);
        exercise(f, f.length, 1, seed);
      }),
      { numRuns: RUNS.wellFormed },
    );
  });
});
