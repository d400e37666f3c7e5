import fc from 'fast-check';
import { AddressLists } from '../../../dataplane/tables/address-list';

const ip = (s: string): number => s.split('.').reduce((a, b) => a * 256 + Number(b), 0);
const prefix = (s: string): [number, number] => {
  const [a, l] = s.split('/');
  const len = Number(l);
  const base = ip(a!) - (ip(a!) % 2 ** (32 - len));
  return [base, base + 2 ** (32 - len) - 1];
};

describe('AddressLists', () => {
  test('hosts, prefixes and ranges; lists are separate', () => {
    const al = new AddressLists();
    al.add(0, ip('10.0.0.1'), ip('10.0.0.1'), Infinity, false);
    al.add(0, ...prefix('192.168.0.0/16'), Infinity, false);
    al.add(1, ip('172.16.0.5'), ip('172.16.0.9'), Infinity, false);
    expect(al.contains(0, ip('10.0.0.1'), 0)).toBe(true);
    expect(al.contains(0, ip('10.0.0.2'), 0)).toBe(false);
    expect(al.contains(0, ip('192.168.255.255'), 0)).toBe(true);
    expect(al.contains(0, ip('192.169.0.0'), 0)).toBe(false);
    expect(al.contains(1, ip('172.16.0.5'), 0)).toBe(true);
    expect(al.contains(1, ip('172.16.0.10'), 0)).toBe(false);
    expect(al.contains(1, ip('10.0.0.1'), 0)).toBe(false);
    expect(al.contains(7, ip('10.0.0.1'), 0)).toBe(false);
    // int32 bit patterns work like uint32 numbers.
    expect(al.contains(0, ip('192.168.1.1') | 0, 0)).toBe(true);
  });

  test('timeouts: an entry is gone from its expiry time on; re-adding a dynamic entry extends it', () => {
    const al = new AddressLists();
    al.add(0, ip('1.2.3.4'), ip('1.2.3.4'), 100, true);
    al.add(0, ...prefix('5.5.0.0/24'), 50, true);
    expect(al.contains(0, ip('1.2.3.4'), 99.9)).toBe(true);
    expect(al.contains(0, ip('5.5.0.7'), 49)).toBe(true);
    expect(al.contains(0, ip('5.5.0.7'), 50)).toBe(false);
    al.add(0, ip('1.2.3.4'), ip('1.2.3.4'), 200, true);
    expect(al.contains(0, ip('1.2.3.4'), 150)).toBe(true);
    expect(al.contains(0, ip('1.2.3.4'), 200)).toBe(false);
    expect(al.size).toBe(0);
  });

  test('a duplicate add returns the existing entry; remove takes it out', () => {
    const al = new AddressLists();
    const a = al.add(3, ip('9.9.9.9'), ip('9.9.9.9'), Infinity, false);
    expect(al.add(3, ip('9.9.9.9'), ip('9.9.9.9'), Infinity, false)).toBe(a);
    const r = al.add(3, ...prefix('8.0.0.0/8'), Infinity, false);
    expect(al.add(3, ...prefix('8.0.0.0/8'), Infinity, false)).toBe(r);
    expect(al.size).toBe(2);
    al.remove(r);
    expect(al.contains(3, ip('8.8.8.8'), 0)).toBe(false);
    expect(al.contains(3, ip('9.9.9.9'), 0)).toBe(true);
  });

  test('property: membership equals a linear scan of the entries (with the /16 directory and growth)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.integer({ min: 0, max: 2 }), fc.integer({ min: 0, max: 0xffff }), fc.integer({ min: 0, max: 24 }), fc.boolean()), { minLength: 0, maxLength: 700 }),
        fc.array(fc.integer({ min: 0, max: 0xffffff }), { minLength: 50, maxLength: 50 }),
        (adds, probes) => {
          const al = new AddressLists(16);
          const model: [number, number, number][] = [];
          for (const [list, top, bits, host] of adds) {
            // Addresses within 10.0.0.0/8 so hits are common.
            const base = 0x0a000000 + ((top << 8) >>> 0);
            const size = host ? 1 : 2 ** (bits % 12);
            const lo = base - (base % size);
            const hi = lo + size - 1;
            al.add(list, lo, hi, Infinity, false);
            model.push([list, lo, hi]);
          }
          for (const p of probes) {
            const a = 0x0a000000 + p;
            for (let list = 0; list < 3; list++) {
              const want = model.some(([l, lo, hi]) => l === list && lo <= a && a <= hi);
              if (al.contains(list, a, 0) !== want) return false;
            }
          }
          return true;
        },
      ),
      { numRuns: 60 },
    );
  });

  test('a large list (the /16 directory in use) agrees with a linear scan', () => {
    let x = 12345;
    const rnd = () => ((x = (Math.imul(x, 1103515245) + 12345) >>> 0), x);
    const al = new AddressLists();
    const model: [number, number][] = [];
    for (let k = 0; k < 5000; k++) {
      const size = 2 ** (rnd() % 10);
      const lo = (rnd() & 0x0fffffff) + 0x40000000;
      const base = lo - (lo % size);
      al.add(0, base, base + size - 1, Infinity, false);
      model.push([base, base + size - 1]);
    }
    for (let k = 0; k < 20000; k++) {
      const a = k % 2 ? (rnd() & 0x0fffffff) + 0x40000000 : model[k % model.length]![0] + (k % 3);
      expect(al.contains(0, a, 0)).toBe(model.some(([lo, hi]) => lo <= a && a <= hi));
    }
  });
});
