/** pcapng timestamp conversion (pcap/ts.ts) against a BigInt reference. */
import fc from 'fast-check';
import { TsResolution, tsResolution } from '../../pcap/ts';

function unitsPerSec(raw: number): bigint {
  const k = BigInt(raw & 0x7f);
  return raw & 0x80 ? 1n << k : 10n ** k;
}

function refDecode(raw: number, hi: number, lo: number): [number, number] {
  const t = (BigInt(hi) << 32n) | BigInt(lo);
  const u = unitsPerSec(raw);
  return [Number(t / u), Number(((t % u) * 1_000_000_000n) / u)];
}

function refEncode(raw: number, sec: number, nsec: number): [number, number] | null {
  const u = unitsPerSec(raw);
  const t = BigInt(sec) * u + (BigInt(nsec) * u) / 1_000_000_000n;
  if (t >= 1n << 64n) return null;
  return [Number(t >> 32n), Number(t & 0xffffffffn)];
}

const u32 = fc.integer({ min: 0, max: 0xffffffff });
const raw = fc.oneof(fc.integer({ min: 0, max: 255 }), fc.constantFrom(6, 9, 0x8a, 0x80 | 32, 0x80 | 64, 12, 19, 0x80 | 20));

describe('TsResolution', () => {
  test('common resolutions, exact values', () => {
    const us = new TsResolution(6);
    us.decode(0x00060c9a, 0x30bdf9a6 >>> 0); // arbitrary
    const [s, n] = refDecode(6, 0x00060c9a, 0x30bdf9a6);
    expect([us.sec, us.nsec]).toEqual([s, n]);
    // 1742291025.393317 s in microseconds, as in the corpus DHCP capture
    const t = 1742291025393317n;
    us.decode(Number(t >> 32n), Number(t & 0xffffffffn));
    expect([us.sec, us.nsec]).toEqual([1742291025, 393317000]);
    // nanoseconds (T > 2^53: the slow path)
    const ns = tsResolution(9);
    const tn = 1418145369924505488n;
    ns.decode(Number(tn >> 32n), Number(tn & 0xffffffffn));
    expect([ns.sec, ns.nsec]).toEqual([1418145369, 924505488]);
    // 2^-10: 1000.5 s = 1024500 + 512 units
    const b10 = tsResolution(0x8a);
    b10.decode(0, 1000 * 1024 + 512);
    expect([b10.sec, b10.nsec]).toEqual([1000, 500000000]);
    b10.decode(0, 1000 * 1024 + 1); // 1/1024 s = 976562.5 ns → rounds down
    expect([b10.sec, b10.nsec]).toEqual([1000, 976562]);
    // picoseconds round down
    const ps = tsResolution(12);
    ps.decode(0, 1_999_999_999);
    expect([ps.sec, ps.nsec]).toEqual([0, 1_999_999]);
  });

  test('encode: microseconds, nanoseconds, 2^-10', () => {
    const ns = tsResolution(9);
    ns.encode(1418145369, 924505488);
    expect(BigInt(ns.hi) * 2n ** 32n + BigInt(ns.lo)).toBe(1418145369924505488n);
    const us = tsResolution(6);
    us.encode(1742291025, 393317999);
    expect(BigInt(us.hi) * 2n ** 32n + BigInt(us.lo)).toBe(1742291025393317n);
    const b10 = tsResolution(0x8a);
    b10.encode(1000, 500000000);
    expect([b10.hi, b10.lo]).toEqual([0, 1000 * 1024 + 512]);
  });

  test('encode rejects bad arguments and overflow', () => {
    const ns = tsResolution(9);
    expect(() => ns.encode(-1, 0)).toThrow(RangeError);
    expect(() => ns.encode(1.5, 0)).toThrow(RangeError);
    expect(() => ns.encode(0, 1e9)).toThrow(RangeError);
    expect(() => ns.encode(2 ** 40, 0)).toThrow(/does not fit 64 bits/); // 2^40 s in ns > 2^64
    expect(() => new TsResolution(256)).toThrow(RangeError);
  });

  test('decode matches BigInt for every resolution (property)', () => {
    fc.assert(
      fc.property(raw, u32, u32, (r, hi, lo) => {
        const t = tsResolution(r);
        t.decode(hi, lo);
        const [s, n] = refDecode(r, hi, lo);
        return t.sec === s && t.nsec === n;
      }),
      { numRuns: 20000 },
    );
  });

  test('decode of small counts (T < 2^53 fast path and boundaries)', () => {
    fc.assert(
      fc.property(raw, fc.integer({ min: 0, max: 0x1fffff }), u32, (r, hi, lo) => {
        const t = tsResolution(r);
        t.decode(hi, lo);
        const [s, n] = refDecode(r, hi, lo);
        return t.sec === s && t.nsec === n;
      }),
      { numRuns: 5000 },
    );
  });

  test('encode matches BigInt, and decode(encode(x)) rounds x down to the unit (property)', () => {
    fc.assert(
      fc.property(raw, fc.integer({ min: 0, max: 2 ** 36 }), fc.integer({ min: 0, max: 999_999_999 }), (r, sec, nsec) => {
        const t = tsResolution(r);
        const ref = refEncode(r, sec, nsec);
        if (ref === null) {
          expect(() => t.encode(sec, nsec)).toThrow(RangeError);
          return true;
        }
        t.encode(sec, nsec);
        if (t.hi !== ref[0] || t.lo !== ref[1]) return false;
        t.decode(t.hi, t.lo);
        const [s, n] = refDecode(r, ref[0], ref[1]);
        return t.sec === s && t.nsec === n && s <= sec && (s < sec || n <= nsec);
      }),
      { numRuns: 10000 },
    );
  });
});
