import fc from 'fast-check';
import { PacketPool } from '../../../dataplane/buf/pool';
import { PktFlag } from '../../../dataplane/buf/meta';
import { Drop, DROP_NAMES } from '../../../dataplane/drop';
import { fragmentCount, fragmentIpv4, needsFragmentation, nopUncopiedOptions } from '../../../dataplane/ip4/fragment';
import { Ipv4Reassembly } from '../../../dataplane/ip4/reassembly';
import { parseIpv4, type Ipv4Repr } from '../../../dataplane/wire/ipv4';
import { l4ChecksumOk4 } from '../../../dataplane/wire/checksum';
import { isWireError } from '../../../dataplane/wire/error';
import { frame } from '../../../pcap/fixture';
import { MAC_A, MAC_R, bytesOf, ipOf, load } from './helpers';

function ipRepr(p: Uint8Array): Ipv4Repr {
  const r = parseIpv4(p, 0, p.length, true);
  if (isWireError(r)) throw new Error(r.message);
  return r;
}

function udpFrame(n: number, o: { df?: boolean; options?: number[]; vlan?: number; mf?: boolean; fragOffset?: number; tos?: number } = {}): Uint8Array {
  let f = frame().eth({ src: MAC_A, dst: MAC_R });
  if (o.vlan !== undefined) f = f.vlan(o.vlan);
  return f
    .ipv4({ src: '10.0.0.1', dst: '10.1.0.1', id: 0x5151, ttl: 17, tos: o.tos ?? 0, df: o.df ?? false, mf: o.mf ?? false, fragOffset: o.fragOffset ?? 0, ...(o.options ? { options: o.options } : {}) })
    .udp({ sport: 4000, dport: 5000 })
    .payload(new Uint8Array(n).map((_, i) => (i * 7 + 3) & 255))
    .build();
}

describe('needsFragmentation', () => {
  test('fits / fragment / DF', () => {
    const pool = new PacketPool({ slots: 8 });
    const s = load(pool, udpFrame(1472));
    expect([needsFragmentation(pool, s, 1500), needsFragmentation(pool, s, 1499), needsFragmentation(pool, s, 576)]).toEqual([0, 1, 1]);
    const d = load(pool, udpFrame(1472, { df: true }));
    expect([needsFragmentation(pool, d, 1500), needsFragmentation(pool, d, 1400)]).toEqual([0, 2]);
    expect(needsFragmentation(pool, -1, 1)).toBe(0);
  });
});

describe('fragmentIpv4', () => {
  test('1500 bytes to MTU 576: three fragments, every header field and metadata column', () => {
    const pool = new PacketPool({ slots: 16 });
    const orig = udpFrame(1472, { tos: 0x28 });
    const s = load(pool, orig, { inPort: 3, tsSec: 42, tsNsec: 7 });
    const m = pool.meta;
    m.outPort[s] = 2;
    m.packetMark[s] = 5;
    m.connMark[s] = 6;
    m.routingMark[s] = 7;
    m.hash[s] = 0xabcdef;
    const out = new Uint32Array(8);
    expect(fragmentCount(1500, 20, 576)).toBe(3);
    const n = fragmentIpv4(pool, s, 576, out);
    expect(n).toBe(3);
    expect(out[0]).toBe(s); // the packet's slot is the first fragment
    const sizes: number[] = [];
    const payload = orig.subarray(34);
    for (let k = 0; k < n; k++) {
      const f = out[k]!;
      const ip = ipOf(pool, f);
      const r = ipRepr(ip);
      sizes.push(ip.length);
      expect(ip.length).toBeLessThanOrEqual(576);
      expect(r).toMatchObject({ id: 0x5151, ttl: 17, tos: 0x28, proto: 17, dontFrag: false, reservedFlag: false, moreFrags: k < 2, fragOffset: k * 552 });
      expect(ip.subarray(20)).toEqual(payload.subarray(k * 552, k * 552 + r.payloadLen));
      expect(bytesOf(pool, f).subarray(0, 14)).toEqual(orig.subarray(0, 14));
      expect([m.len[f], m.wireLen[f], m.l3Off[f], m.l3Len[f], m.l4Proto[f], m.inPort[f], m.outPort[f], m.packetMark[f], m.connMark[f], m.routingMark[f], m.tsSec[f], m.tsNsec[f], m.hash[f], m.linkType[f], m.etherType[f]]).toEqual([
        14 + ip.length, 14 + ip.length, 14, ip.length, 17, 3, 2, 5, 6, 7, 42, 7, 0xabcdef, 1, 0x0800,
      ]);
      const fl = m.flags[f]!;
      expect(fl & PktFlag.FRAGMENT).toBe(PktFlag.FRAGMENT);
      expect(fl & PktFlag.LATER_FRAGMENT).toBe(k > 0 ? PktFlag.LATER_FRAGMENT : 0);
      expect(fl & PktFlag.L4).toBe(k === 0 ? PktFlag.L4 : 0);
      if (k > 0) expect(m.l4Off[f]).toBe(34);
    }
    expect(sizes).toEqual([572, 572, 396]);
  });

  test('options: the first fragment keeps all, later ones NOP the uncopied (Linux ip_options_fragment)', () => {
    const pool = new PacketPool({ slots: 16 });
    // record route (7, not copied), router alert (148, copied), timestamp (68, not copied), LSRR (131, copied)
    const opts = [7, 7, 4, 0, 0, 0, 0, 0x94, 4, 0, 0, 68, 4, 5, 0, 131, 7, 4, 10, 0, 0, 9, 0, 0];
    const orig = udpFrame(1000, { options: opts });
    const s = load(pool, orig);
    const out = new Uint32Array(8);
    const n = fragmentIpv4(pool, s, 400, out);
    expect(n).toBe(fragmentCount(1008 + 44, 44, 400));
    const later = [1, 1, 1, 1, 1, 1, 1, 0x94, 4, 0, 0, 1, 1, 1, 1, 131, 7, 4, 10, 0, 0, 9, 0, 0];
    for (let k = 0; k < n; k++) {
      const ip = ipOf(pool, out[k]!);
      const r = ipRepr(ip);
      expect(Array.from(r.options)).toEqual(k === 0 ? opts : later);
      expect(ip.length).toBeLessThanOrEqual(400);
      expect(r.fragOffset % 8).toBe(0);
      expect(r.fragOffset).toBe(k * 352);
      expect(pool.meta.flags[out[k]!]! & PktFlag.IP_OPTIONS).toBe(PktFlag.IP_OPTIONS);
    }
    // a malformed option stops the walk and leaves the rest
    const b = Uint8Array.of(7, 3, 0, 68, 0, 9, 9, 9);
    nopUncopiedOptions(b, 0, b.length);
    expect(Array.from(b)).toEqual([1, 1, 1, 68, 0, 9, 9, 9]);
  });

  test('a fragment of a fragment keeps its offset and MF', () => {
    const pool = new PacketPool({ slots: 16 });
    const s = load(pool, udpFrame(992, { mf: true, fragOffset: 800 }));
    const out = new Uint32Array(8);
    expect(fragmentIpv4(pool, s, 524, out)).toBe(2);
    const [a, b] = [ipRepr(ipOf(pool, out[0]!)), ipRepr(ipOf(pool, out[1]!))];
    expect([a.fragOffset, a.moreFrags, a.payloadLen, b.fragOffset, b.moreFrags, b.payloadLen]).toEqual([800, true, 504, 1304, true, 1000 - 504]);
    expect(pool.meta.flags[out[0]!]! & PktFlag.LATER_FRAGMENT).toBe(PktFlag.LATER_FRAGMENT);
  });

  test('a packet that fits is left alone; DF, tiny MTU, short output array, missing bytes', () => {
    const pool = new PacketPool({ slots: 16 });
    const out = new Uint32Array(2);
    const f = udpFrame(100);
    const s = load(pool, f);
    expect(fragmentIpv4(pool, s, 1500, out)).toBe(1);
    expect(out[0]).toBe(s);
    expect(bytesOf(pool, s)).toEqual(f);
    const cases: [Uint8Array, number, string, { wireLen?: number }?][] = [
      [udpFrame(1472, { df: true }), 1400, 'fragmentation-needed'],
      [udpFrame(1472), 27, 'fragmentation-failed'],
      [udpFrame(1472), 576, 'fragmentation-failed'], // needs 3 slots in `out`, has 2
      [udpFrame(1472).slice(0, 800), 576, 'fragmentation-failed', { wireLen: 1514 }],
    ];
    for (const [fr, mtu, name, o] of cases) {
      const t = load(pool, fr, o);
      const before = bytesOf(pool, t);
      const avail = pool.available;
      expect(DROP_NAMES[-fragmentIpv4(pool, t, mtu, out)]).toBe(name);
      expect(pool.available).toBe(avail);
      expect(bytesOf(pool, t)).toEqual(before);
      pool.free(t);
    }
  });

  test('pool exhaustion frees what was taken and leaves the packet whole', () => {
    const pool = new PacketPool({ slots: 3 });
    const f = udpFrame(3000);
    const big = new PacketPool({ slots: 3, slotSize: 4096 });
    const s = load(big, f);
    const out = new Uint32Array(16);
    expect(fragmentIpv4(big, s, 576, out)).toBe(-Drop.POOL_EXHAUSTED);
    expect(big.available).toBe(2);
    expect(bytesOf(big, s)).toEqual(f);
    expect(pool.available).toBe(3);
  });

  test('the first fragment loses L4 when its TCP header no longer fits', () => {
    const pool = new PacketPool({ slots: 16 });
    const f = frame().eth({ src: MAC_A, dst: MAC_R }).ipv4({ src: '10.0.0.1', dst: '10.0.0.2' }).tcp({ sport: 1, dport: 2, options: { mss: 1460, ts: [1, 2], sackOk: true, wscale: 3 } }).payload(200).build();
    const s = load(pool, f);
    const out = new Uint32Array(64);
    const n = fragmentIpv4(pool, s, 36, out);
    expect(n).toBe(Math.ceil((f.length - 34) / 16));
    expect(pool.meta.flags[s]! & PktFlag.L4).toBe(0);
    for (let k = 0; k < n; k++) pool.free(out[k]!);
  });

  test('property: random sizes and MTUs reassemble (in any order) to the original bytes', () => {
    const pool = new PacketPool({ slots: 1024, slotSize: 8192 });
    const out = new Uint32Array(1024);
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 6000 }),
        fc.integer({ min: 68, max: 2000 }),
        fc.constantFrom<number[] | undefined>(undefined, [148, 4, 0, 0], [7, 11, 4, 0, 0, 0, 0, 0, 0, 0, 0, 0], [131, 7, 4, 1, 2, 3, 4, 68, 8, 5, 0, 0, 0, 0, 0, 0]),
        fc.boolean(),
        fc.integer(),
        (n, mtu, options, vlan, seed) => {
          const f = udpFrame(n, { ...(options ? { options } : {}), ...(vlan ? { vlan: 9 } : {}) });
          const l3 = vlan ? 18 : 14;
          const hl = 20 + (options?.length ?? 0);
          fc.pre(mtu >= hl + 8);
          const s = load(pool, f, { inPort: 4, tsSec: 100, tsNsec: 5 });
          const cnt = fragmentIpv4(pool, s, mtu, out);
          expect(cnt).toBe(fragmentCount(f.length - l3, hl, mtu));
          const slots = Array.from(out.subarray(0, cnt));
          const laterOpts = Uint8Array.from(options ?? []);
          nopUncopiedOptions(laterOpts, 0, laterOpts.length);
          let covered = 0;
          for (const [k, fs] of slots.entries()) {
            const ip = ipOf(pool, fs);
            const r = ipRepr(ip);
            expect(Array.from(r.options)).toEqual(k === 0 ? (options ?? []) : Array.from(laterOpts));
            expect(ip.length).toBeLessThanOrEqual(Math.max(mtu, f.length - l3));
            expect(r.fragOffset % 8).toBe(0);
            expect(r.fragOffset).toBe(covered);
            if (k < cnt - 1) expect(r.payloadLen % 8).toBe(0);
            expect(r.moreFrags).toBe(k < cnt - 1);
            covered += r.payloadLen;
          }
          expect(covered).toBe(f.length - l3 - hl);
          // shuffle deterministically and reassemble
          let x = seed >>> 0;
          for (let i = slots.length - 1; i > 0; i--) {
            x = (Math.imul(x, 1103515245) + 12345) >>> 0;
            const j = x % (i + 1);
            [slots[i], slots[j]] = [slots[j]!, slots[i]!];
          }
          const ra = new Ipv4Reassembly();
          let res = -1;
          for (const [i, fs] of slots.entries()) {
            pool.meta.tsNsec[fs] = i;
            res = ra.add(pool, fs, 100, i);
            if (i < slots.length - 1 || cnt === 1) {
              if (cnt > 1) expect(res).toBe(-1);
            }
          }
          expect(res).toBeGreaterThanOrEqual(0);
          expect(bytesOf(pool, res)).toEqual(f);
          const m = pool.meta;
          expect([m.l3Len[res], m.inPort[res], m.tsNsec[res], m.drop[res], m.flags[res]! & (PktFlag.FRAGMENT | PktFlag.LATER_FRAGMENT), m.flags[res]! & PktFlag.L4]).toEqual([
            f.length - l3, 4, slots.length - 1, 0, 0, PktFlag.L4,
          ]);
          const ipo = pool.frameOffset(res) + l3;
          expect(l4ChecksumOk4(pool.bytes, ipo, ipo + hl, f.length - l3 - hl, 17)).toBe(true);
          expect([ra.held, ra.queues, ra.memUsed]).toEqual([0, 0, 0]);
          pool.free(res);
          expect(pool.available).toBe(1024);
        },
      ),
      { numRuns: 120 },
    );
  });
});
