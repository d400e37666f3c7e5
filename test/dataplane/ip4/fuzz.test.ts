/**
 * Whatever the frame holds, dataplane/ip4 never throws and never loses or double-frees a slot.
 */
import fc from 'fast-check';
import { PacketPool } from '../../../dataplane/buf/pool';
import { DROP_COUNT } from '../../../dataplane/drop';
import { IcmpRateLimiter, icmpEchoReplyInPlace, icmpError } from '../../../dataplane/ip4/icmp-gen';
import { fragmentIpv4 } from '../../../dataplane/ip4/fragment';
import { Ipv4Reassembly, REASM_DROP, REASM_HELD } from '../../../dataplane/ip4/reassembly';
import { parseFrame } from '../../../dataplane/wire/parse';
import { frame } from '../../../pcap/fixture';

/** A plausible IPv4 frame (often a fragment or ICMP) with some bytes then overwritten at random. */
const frames = fc
  .record({
    proto: fc.constantFrom(1, 6, 17, 253),
    mf: fc.boolean(),
    off: fc.constantFrom(0, 0, 8, 16, 24, 1480, 65528),
    id: fc.integer({ min: 0, max: 3 }),
    df: fc.boolean(),
    len: fc.integer({ min: 0, max: 1600 }),
    opts: fc.constantFrom(0, 4, 12),
    type: fc.constantFrom(0, 3, 8, 11, 42),
    cut: fc.integer({ min: 0, max: 1700 }),
    mut: fc.array(fc.tuple(fc.integer({ min: 0, max: 80 }), fc.integer({ min: 0, max: 255 })), { maxLength: 6 }),
  })
  .map((o) => {
    let f = frame().eth({ src: '02:00:00:00:00:0a', dst: '02:00:00:00:00:01' })
      .ipv4({ src: '10.0.0.1', dst: '10.0.0.2', id: o.id, mf: o.mf, fragOffset: o.off, df: o.df, proto: o.proto, ...(o.opts ? { options: Array(o.opts).fill(1) } : {}) });
    if (o.proto === 1) f = f.icmp({ type: o.type, id: 1, seq: 1 });
    const b = f.payload(o.len).build();
    for (const [i, v] of o.mut) if (i < b.length) b[i] = v;
    return o.cut < b.length && o.cut > 0 ? b.slice(0, o.cut) : b;
  });

test('random frames through every function: no throw, no slot lost', () => {
  fc.assert(
    fc.property(fc.array(frames, { minLength: 1, maxLength: 40 }), fc.integer({ min: 60, max: 1600 }), (list, mtu) => {
      const pool = new PacketPool({ slots: 256, slotSize: 2048 });
      const ra = new Ipv4Reassembly({ maxQueues: 4, maxFrags: 16 });
      const rl = new IcmpRateLimiter({ capacity: 8 });
      const out = new Uint32Array(64);
      const owned: number[] = [];
      let t = 1000;
      for (const f of list) {
        const s = pool.alloc();
        pool.write(s, f, 0, f.length);
        parseFrame(pool.bytes, pool.frameOffset(s), f.length, 1, pool.meta, s);
        const e = icmpError(pool, s, 11, 0, 0x0a0000fe, 0, t, 0, rl);
        if (e >= 0) owned.push(e);
        else expect(-e).toBeLessThan(DROP_COUNT);
        const n = fragmentIpv4(pool, s, mtu, out);
        const pieces = n > 0 ? Array.from(out.subarray(0, n)) : [s];
        for (const p of pieces) {
          const r = ra.add(pool, p, t, 0);
          if (r >= 0) {
            expect(icmpEchoReplyInPlace(pool, r)).toBeLessThan(DROP_COUNT);
            owned.push(r);
          } else if (r === REASM_DROP) owned.push(p);
          else expect(r).toBe(REASM_HELD);
        }
        t += 3;
      }
      ra.expire(pool, t + 60, 0);
      expect([ra.held, ra.queues, ra.memUsed]).toEqual([0, 0, 0]);
      expect(new Set(owned).size).toBe(owned.length);
      for (const s of owned) pool.free(s);
      expect(pool.available).toBe(256);
      // every slot exactly once on the free list (a double free would show as a repeat here)
      const all = new Set<number>();
      for (let i = 0; i < 256; i++) all.add(pool.alloc());
      expect(all.size).toBe(256);
      expect(all.has(-1)).toBe(false);
    }),
    { numRuns: 200 },
  );
});
