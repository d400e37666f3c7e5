import fc from 'fast-check';
import { ConnTable, CtStatus, ctPorts } from '../../../dataplane/conntrack/table';

const TCP = 6;
const UDP = 17;
const A = 0x0a000001 | 0; // 10.0.0.1
const B = 0x08080808 | 0; // 8.8.8.8
const NAT = 0xc6336401 | 0; // 198.51.100.1

describe('ConnTable', () => {
  test('an unconfirmed entry is invisible; confirmed, it is found from both directions', () => {
    const t = new ConnTable({ maxEntries: 8 });
    const id = t.alloc(A, B, ctPorts(40000, 443), TCP, 0, 120);
    expect(id).toBeGreaterThanOrEqual(0);
    expect(t.lookup(A, B, ctPorts(40000, 443), TCP, 1)).toBe(-1);
    expect(t.confirm(id)).toBe(true);
    expect(t.lookup(A, B, ctPorts(40000, 443), TCP, 1)).toBe(id * 2);
    expect(t.lookup(B, A, ctPorts(443, 40000), TCP, 1)).toBe(id * 2 + 1);
    // Another protocol, or the same ports the other way round from the original side, is another flow.
    expect(t.lookup(A, B, ctPorts(40000, 443), UDP, 1)).toBe(-1);
    expect(t.lookup(A, B, ctPorts(443, 40000), TCP, 1)).toBe(-1);
    expect(t.confirmed).toBe(1);
  });

  test('a NAT reply tuple: replies are found by the translated addresses, the original one no longer answers replies', () => {
    const t = new ConnTable({ maxEntries: 8 });
    const id = t.alloc(A, B, ctPorts(40000, 53), UDP, 0, 30);
    t.setReply(id, B, NAT, ctPorts(53, 1025));
    t.confirm(id);
    expect(t.lookup(B, NAT, ctPorts(53, 1025), UDP, 1)).toBe(id * 2 + 1);
    expect(t.lookup(B, A, ctPorts(53, 40000), UDP, 1)).toBe(-1);
    expect(t.inUse(B, NAT, ctPorts(53, 1025), UDP, 1)).toBe(true);
    expect(t.inUse(B, NAT, ctPorts(53, 1025), UDP, 1, id)).toBe(false);
  });

  test('confirm clashes when another entry holds the tuple; release frees the loser', () => {
    const t = new ConnTable({ maxEntries: 4 });
    const a = t.alloc(A, B, ctPorts(1, 2), UDP, 0, 30);
    const b = t.alloc(A, B, ctPorts(1, 2), UDP, 0, 30);
    expect(t.confirm(a)).toBe(true);
    expect(t.confirm(b)).toBe(false);
    t.release(b);
    expect(t.size).toBe(1);
    expect(t.live(b)).toBe(false);
  });

  test('expiry: a lookup at or after `expires` misses and removes the entry; gc sweeps the rest', () => {
    const t = new ConnTable({ maxEntries: 16 });
    const ids: number[] = [];
    for (let k = 0; k < 10; k++) {
      const id = t.alloc(A, B, ctPorts(1000 + k, 80), TCP, 100, k < 5 ? 10 : 1000);
      t.confirm(id);
      ids.push(id);
    }
    expect(t.lookup(A, B, ctPorts(1000, 80), TCP, 109.999)).toBe(ids[0]! * 2);
    expect(t.lookup(A, B, ctPorts(1000, 80), TCP, 110)).toBe(-1);
    expect(t.confirmed).toBe(9);
    expect(t.gc(110, 16)).toBe(4);
    expect(t.confirmed).toBe(5);
    expect(t.expired).toBe(5);
    for (let k = 5; k < 10; k++) expect(t.lookup(A, B, ctPorts(1000 + k, 80), TCP, 110)).toBe(ids[k]! * 2);
  });

  test('full table: non-assured entries are evicted for new ones, assured ones are spared', () => {
    const t = new ConnTable({ maxEntries: 4 });
    for (let k = 0; k < 4; k++) {
      const id = t.alloc(A, B, ctPorts(k, 80), TCP, 0, 1000);
      t.confirm(id);
      if (k !== 2) t.status[id] = t.status[id]! | CtStatus.ASSURED;
    }
    const n = t.alloc(A, B, ctPorts(9, 80), TCP, 1, 1000);
    expect(n).toBeGreaterThanOrEqual(0);
    t.confirm(n);
    expect(t.evicted).toBe(1);
    expect(t.lookup(A, B, ctPorts(2, 80), TCP, 1)).toBe(-1); // the non-assured one went
    for (const k of [0, 1, 3, 9]) expect(t.lookup(A, B, ctPorts(k, 80), TCP, 1)).toBeGreaterThanOrEqual(0);
    // Now every entry is assured but the new one: it goes next; then nothing can go.
    t.status[n] = t.status[n]! | CtStatus.ASSURED;
    expect(t.alloc(A, B, ctPorts(10, 80), TCP, 1, 1000)).toBe(-1);
  });

  test('property: random inserts and removals agree with a Map model (backward-shift deletion keeps every key findable)', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.boolean(), fc.integer({ min: 0, max: 40 })), { maxLength: 300 }), fc.integer(), (ops, seed) => {
        const t = new ConnTable({ maxEntries: 64, seed });
        const model = new Map<number, number>();
        for (const [add, k] of ops) {
          // Few distinct hosts and ports so clusters form.
          const src = (0x0a000000 + (k % 7)) | 0;
          const ports = ctPorts(k, 80);
          if (add && !model.has(k)) {
            const id = t.alloc(src, B, ports, TCP, 0, 1e9);
            if (id < 0) continue;
            if (!t.confirm(id)) throw new Error('unexpected clash');
            model.set(k, id);
          } else if (!add && model.has(k)) {
            t.remove(model.get(k)!);
            model.delete(k);
          }
        }
        for (let k = 0; k <= 40; k++) {
          const src = (0x0a000000 + (k % 7)) | 0;
          const ref = t.lookup(src, B, ctPorts(k, 80), TCP, 0);
          const rev = t.lookup(B, src, ctPorts(80, k), TCP, 0);
          if (model.has(k)) {
            if (ref !== model.get(k)! * 2 || rev !== model.get(k)! * 2 + 1) return false;
          } else if (ref !== -1 || rev !== -1) return false;
        }
        return t.confirmed === model.size;
      }),
      { numRuns: 300 },
    );
  });

  test('the hash grows as connections are confirmed: every tuple stays findable across each doubling, removals too', () => {
    const t = new ConnTable({ maxEntries: 1 << 16, seed: 11 });
    const first = t.slots;
    expect(first).toBeLessThan(4 << 16);
    const N = 20000;
    const ids: number[] = [];
    for (let k = 0; k < N; k++) {
      const id = t.alloc((0x0a000000 + (k % 251)) | 0, B, ctPorts(1024 + k, 53), UDP, 0, 1e9);
      t.setReply(id, B, NAT, ctPorts(53, 1024 + k));
      expect(t.confirm(id)).toBe(true);
      ids.push(id);
    }
    // Load at most 0.5: 2 tuples per entry, so at least 4 slots per confirmed entry.
    expect(t.slots).toBeGreaterThanOrEqual(4 * N);
    expect(t.slots).toBeLessThanOrEqual(8 * N);
    for (let k = 0; k < N; k += 2) t.remove(ids[k]!);
    for (let k = 0; k < N; k++) {
      const src = (0x0a000000 + (k % 251)) | 0;
      const want = k % 2 === 0 ? -1 : ids[k]! * 2;
      expect(t.lookup(src, B, ctPorts(1024 + k, 53), UDP, 1)).toBe(want);
      expect(t.lookup(B, NAT, ctPorts(53, 1024 + k), UDP, 1)).toBe(want < 0 ? -1 : want + 1);
    }
    expect(t.confirmed).toBe(N / 2);
  });

  test('1M entries stay under 256 MB (connection-rate/layer7 columns, allocated only when rules use them, add ~37 MB)', () => {
    const t = new ConnTable({ maxEntries: 1 << 20 });
    expect(t.bytesUsed()).toBeLessThan(256 * 1024 * 1024);
    const withMatchers = new ConnTable({ maxEntries: 1 << 20, matcherColumns: true });
    expect(withMatchers.bytesUsed() - t.bytesUsed()).toBe(37 * (1 << 20));
  });
});
