import * as path from 'node:path';
import { PacketPool } from '../../../dataplane/buf/pool';
import { PktFlag } from '../../../dataplane/buf/meta';
import { Drop, DROP_NAMES } from '../../../dataplane/drop';
import { Ipv4Reassembly, REASM_DROP, REASM_HELD } from '../../../dataplane/ip4/reassembly';
import { icmpError } from '../../../dataplane/ip4/icmp-gen';
import { parseIpv4, type Ipv4Repr } from '../../../dataplane/wire/ipv4';
import { parseIcmp, type IcmpRepr } from '../../../dataplane/wire/icmp';
import { l4ChecksumOk4 } from '../../../dataplane/wire/checksum';
import { parseUdp, type UdpRepr } from '../../../dataplane/wire/udp';
import { isWireError } from '../../../dataplane/wire/error';
import { openCapture } from '../../../pcap/reader';
import { frame, ip4, fragmentIpv4 as fragmentIpv4Fixture } from '../../../pcap/fixture';
import { MAC_A, MAC_R, bytesOf, ipOf, load } from './helpers';
import { CORPUS_DIR } from '../wire/corpus';

const T = 1_700_000_000;

/** One fragment frame: `data` at byte `offset` of the datagram's payload. */
function frag(offset: number, data: Uint8Array | number, o: { mf?: boolean; id?: number; df?: boolean; tos?: number; ttl?: number; options?: number[]; src?: string; proto?: number } = {}): Uint8Array {
  const d = typeof data === 'number' ? new Uint8Array(data).map((_, i) => (offset + i) & 255) : data;
  return frame()
    .eth({ src: MAC_A, dst: MAC_R })
    .ipv4({ src: o.src ?? '10.0.0.1', dst: '10.0.0.2', id: o.id ?? 99, proto: o.proto ?? 253, mf: o.mf ?? true, fragOffset: offset, df: o.df ?? false, tos: o.tos ?? 0, ttl: o.ttl ?? 64, ...(o.options ? { options: o.options } : {}) })
    .payload(d)
    .build();
}

/** Payload bytes of the reassembled datagram in `slot`. */
function payloadOf(pool: PacketPool, slot: number): Uint8Array {
  const ip = ipOf(pool, slot);
  return ip.subarray((ip[0]! & 15) * 4);
}

const pattern = (n: number) => new Uint8Array(n).map((_, i) => i & 255);

function setup(o: ConstructorParameters<typeof Ipv4Reassembly>[0] = {}, pool = new PacketPool({ slots: 64 })) {
  const ra = new Ipv4Reassembly(o);
  const add = (f: Uint8Array, sec = T, nsec = 0, inPort = 1) => {
    const s = load(pool, f, { tsSec: sec, tsNsec: nsec, inPort });
    const r = ra.add(pool, s, sec, nsec);
    if (r === REASM_DROP) {
      const name = DROP_NAMES[pool.meta.drop[s]!];
      pool.free(s);
      return name;
    }
    return r;
  };
  return { pool, ra, add };
}

describe('Ipv4Reassembly', () => {
  test('a packet that is not a fragment passes through', () => {
    const { pool, ra } = setup();
    const s = load(pool, frame().eth({}).ipv4({ src: '1.1.1.1', dst: '2.2.2.2', df: true }).udp({ sport: 1, dport: 2 }).build());
    expect(ra.add(pool, s, T, 0)).toBe(s);
    expect(ra.fragments).toBe(0);
  });

  test.each([
    ['in order', [0, 1, 2]],
    ['reversed', [2, 1, 0]],
    ['last first', [2, 0, 1]],
    ['middle first', [1, 2, 0]],
  ])('three fragments %s; the result takes the completing fragment port and time', (_n, order) => {
    const { pool, ra, add } = setup();
    const parts = [frag(0, 16), frag(16, 24), frag(40, 10, { mf: false })];
    const res: (number | string)[] = order.map((i, k) => add(parts[i]!, T + k, k * 10, 10 + k));
    expect(res.slice(0, 2)).toEqual([REASM_HELD, REASM_HELD]);
    const s = res[2] as number;
    expect(s).toBeGreaterThanOrEqual(0);
    expect(payloadOf(pool, s)).toEqual(pattern(50));
    const ip = parseIpv4(ipOf(pool, s), 0, pool.meta.l3Len[s]!, true) as Ipv4Repr;
    expect(isWireError(ip)).toBe(false);
    expect([ip.payloadLen, ip.moreFrags, ip.fragOffset, ip.dontFrag, ip.id]).toEqual([50, false, 0, false, 99]);
    const m = pool.meta;
    expect([m.inPort[s], m.tsSec[s], m.tsNsec[s], m.len[s], m.l3Len[s]]).toEqual([12, T + 2, 20, 14 + 70, 70]);
    expect(m.flags[s]! & (PktFlag.FRAGMENT | PktFlag.LATER_FRAGMENT)).toBe(0);
    expect([ra.reassembled, ra.fragments, ra.held, ra.queues, ra.memUsed]).toEqual([1, 3, 0, 0, 0]);
    pool.free(s);
    expect(pool.available).toBe(64);
  });

  test('a UDP datagram split by the fixture reassembles with a valid checksum and L4 classified', () => {
    const { pool, ra } = setup();
    const dg = frame().ipv4({ src: '10.0.0.1', dst: '10.0.0.2', id: 4242 }).udp({ sport: 53, dport: 5353 }).payload(pattern(1000)).build();
    const frags = fixtureFragments(dg, 296);
    let r = 0;
    for (const f of frags.reverse()) r = ra.add(pool, load(pool, f), T, 0);
    expect(r).toBeGreaterThanOrEqual(0);
    expect(bytesOf(pool, r)).toEqual(withEth(dg));
    const ipo = pool.frameOffset(r) + 14;
    expect(l4ChecksumOk4(pool.bytes, ipo, ipo + 20, 1008, 17)).toBe(true);
    expect(pool.meta.flags[r]! & PktFlag.L4).toBe(PktFlag.L4);
    expect(pool.meta.l4Off[r]).toBe(34);
    expect(ra.lastMaxFragSize).toBe(20 + 296);
  });

  test('an exact duplicate is dropped alone and reassembly goes on (Linux IPFRAG_DUP)', () => {
    const { pool, ra, add } = setup();
    expect(add(frag(0, 16))).toBe(REASM_HELD);
    expect(add(frag(0, 16))).toBe('reassembly-duplicate');
    const s = add(frag(16, 8, { mf: false })) as number;
    expect(payloadOf(pool, s)).toEqual(pattern(24));
    expect(ra.reassembled).toBe(1);
  });

  test('duplicates and overlaps are judged against runs, as Linux rbtree runs', () => {
    // in order: [0,16) and [16,32) form one run, so [8,24) lies inside it: a duplicate
    {
      const { add, ra } = setup();
      expect([add(frag(0, 16)), add(frag(16, 16)), add(frag(8, 16))]).toEqual([REASM_HELD, REASM_HELD, 'reassembly-duplicate']);
      expect(ra.held).toBe(2);
    }
    // out of order: [16,32) then [0,16) are two runs, and [8,24) straddles them: an overlap
    {
      const { add, ra, pool } = setup();
      expect([add(frag(16, 16)), add(frag(0, 16)), add(frag(8, 16))]).toEqual([REASM_HELD, REASM_HELD, 'reassembly-overlap']);
      expect([ra.held, ra.queues, ra.drops[Drop.REASSEMBLY_OVERLAP]]).toEqual([0, 0, 2]);
      expect(pool.available).toBe(64);
    }
  });

  test('a partial overlap discards the whole datagram; later fragments start afresh', () => {
    const { pool, ra, add } = setup();
    expect(add(frag(0, 24))).toBe(REASM_HELD);
    expect(add(frag(32, 16))).toBe(REASM_HELD);
    expect(add(frag(40, 16, { mf: false }))).toBe('reassembly-overlap'); // beyond the tail but starting inside it
    expect([ra.queues, ra.held, pool.available]).toEqual([0, 0, 64]);
    expect(add(frag(16, 16, { mf: false }))).toBe(REASM_HELD);
    expect(add(frag(0, 16))).toBeGreaterThanOrEqual(0);
  });

  test('inconsistent ends and empty fragments discard the datagram (Linux REASMFAILS)', () => {
    const cases: [string, Uint8Array[]][] = [
      ['second last fragment with another end', [frag(0, 16), frag(32, 8, { mf: false }), frag(32, 16, { mf: false })]],
      ['last fragment ending before data seen', [frag(0, 32), frag(8, 8, { mf: false })]],
      ['non-last fragment beyond the end', [frag(24, 8, { mf: false }), frag(32, 8)]],
      ['empty fragment (7 bytes, cut to 0)', [frag(0, 16), frag(16, 7)]],
    ];
    for (const [name, frs] of cases) {
      const { pool, ra, add } = setup();
      const res = frs.map((f) => add(f));
      expect({ name, last: res[res.length - 1] }).toEqual({ name, last: 'reassembly-invalid' });
      expect({ name, q: ra.queues, avail: pool.available }).toEqual({ name, q: 0, avail: 64 });
    }
  });

  test('a non-last fragment is cut to a multiple of 8 (its tail comes from the next fragment)', () => {
    const { pool, add } = setup();
    const a = frag(0, new Uint8Array(18).fill(0xaa));
    const b = frag(16, new Uint8Array(8).fill(0xbb), { mf: false });
    expect(add(a)).toBe(REASM_HELD);
    const s = add(b) as number;
    expect(Array.from(payloadOf(pool, s))).toEqual([...Array(16).fill(0xaa), ...Array(8).fill(0xbb)]);
  });

  test('timeout: 30 s after the first fragment, expire() frees it and hands back the first fragment for ICMP 11/1', () => {
    const { pool, ra, add } = setup();
    expect(add(frag(0, 16, { ttl: 9 }), T, 500)).toBe(REASM_HELD);
    expect(add(frag(16, 16), T + 20, 0)).toBe(REASM_HELD);
    expect(add(frag(0, 16, { id: 7 }), T + 1, 0)).toBe(REASM_HELD); // without the first fragment: no ICMP
    expect(add(frag(8, 8, { id: 8 }), T + 1, 0)).toBe(REASM_HELD);
    const first = new Uint32Array(4);
    expect(ra.expire(pool, T + 30, 499, first)).toBe(0);
    expect(ra.queues).toBe(3);
    expect(ra.expire(pool, T + 30, 500, first)).toBe(1);
    expect(ra.expire(pool, T + 31, 0, first)).toBe(1); // id 7 had its first fragment too
    expect([ra.timeouts, ra.queues, ra.held]).toEqual([3, 0, 0]);
    const s = first[0]!;
    expect(pool.meta.drop[s]).toBe(Drop.REASSEMBLY_TIMEOUT);
    // the caller sends time exceeded / reassembly (11/1) about it, then frees it
    const e = icmpError(pool, s, 11, 1, ip4('10.0.0.2'), 0, T + 30, 500);
    const err = parseIcmp(ipOf(pool, e), 20, pool.meta.l3Len[e]! - 20, true) as IcmpRepr;
    expect(err).toMatchObject({ kind: 'time-exceeded', code: 1 });
    pool.free(e);
    pool.free(s);
    pool.free(first[1]!);
    expect(ra.drops[Drop.REASSEMBLY_TIMEOUT]).toBe(2);
    expect(pool.available).toBe(64);
  });

  test('a datagram past its deadline is discarded when its next fragment arrives, even without expire()', () => {
    const { ra, add } = setup();
    expect(add(frag(0, 16), T)).toBe(REASM_HELD);
    expect(add(frag(16, 8, { mf: false }), T + 31)).toBe(REASM_HELD); // a new datagram
    expect([ra.timeouts, ra.queues]).toEqual([1, 1]);
  });

  test('limits: queues, fragment records, memory', () => {
    {
      const { ra, add } = setup({ maxQueues: 2 });
      expect([add(frag(0, 8, { id: 1 })), add(frag(0, 8, { id: 2 })), add(frag(0, 8, { id: 3 }))]).toEqual([REASM_HELD, REASM_HELD, 'reassembly-table-full']);
      expect(add(frag(0, 8, { id: 3 }), T + 30)).toBe(REASM_HELD); // the others timed out meanwhile
      expect(ra.queues).toBe(1);
    }
    {
      const { add } = setup({ maxFrags: 3 });
      expect([0, 8, 16, 24].map((o) => add(frag(o, 8)))).toEqual([REASM_HELD, REASM_HELD, REASM_HELD, 'reassembly-table-full']);
    }
    {
      // Linux: refuse once the memory held is above the limit (checked before adding)
      const { add, ra } = setup({ memLimit: 2048 * 2 });
      expect([0, 8, 16, 24].map((o) => add(frag(o, 8)))).toEqual([REASM_HELD, REASM_HELD, REASM_HELD, 'reassembly-table-full']);
      expect(ra.memUsed).toBe(3 * 2048);
    }
  });

  test('a datagram larger than a slot, or than 65535 bytes, is discarded when complete', () => {
    {
      const { pool, ra, add } = setup({}, new PacketPool({ slots: 16, slotSize: 2048 }));
      expect(add(frag(0, 1480))).toBe(REASM_HELD);
      expect(add(frag(1480, 1000, { mf: false }))).toBe('reassembly-too-large');
      expect([ra.queues, pool.available]).toEqual([0, 16]);
    }
    {
      const { pool, ra, add } = setup({}, new PacketPool({ slots: 16, slotSize: 2048 }));
      expect(add(frag(0, 8))).toBe(REASM_HELD);
      expect(add(frag(65528, 16, { mf: false }))).toBe(REASM_HELD); // hole in between
      expect(ra.queues).toBe(1);
      ra.clear(pool);
      expect(pool.available).toBe(16);
    }
    {
      // complete but 20 + 65544 > 65535 (Linux "Oversized IP packet")
      const pool = new PacketPool({ slots: 64, slotSize: 70000 });
      const { ra, add } = setup({}, pool);
      let r: number | string = 0;
      for (let o = 0; o < 65528; o += 1480) r = add(frag(o, Math.min(1480, 65528 - o)));
      expect(r).toBe(REASM_HELD);
      expect(add(frag(65528, 16, { mf: false }))).toBe('reassembly-invalid');
      expect([ra.queues, pool.available]).toEqual([0, 64]);
    }
  });

  test('ECN: CE with ECT marks the datagram CE; not-ECT mixed with ECT discards it', () => {
    {
      const { pool, add } = setup();
      add(frag(0, 8, { tos: 0x02 }));
      const s = add(frag(8, 8, { tos: 0x03, mf: false })) as number;
      expect(ipOf(pool, s)[1]! & 3).toBe(3);
    }
    {
      const { add } = setup();
      add(frag(0, 8, { tos: 0x00 }));
      expect(add(frag(8, 8, { tos: 0x02, mf: false }))).toBe('reassembly-invalid');
    }
  });

  test('DF on the reassembled header only when the largest fragments all had DF (Linux IPSKB_FRAG_PMTU)', () => {
    {
      const { pool, add } = setup();
      add(frag(0, 16, { df: true }));
      const s = add(frag(16, 8, { mf: false })) as number;
      expect((parseIpv4(ipOf(pool, s), 0, 44) as Ipv4Repr).dontFrag).toBe(true);
    }
    {
      const { pool, add } = setup();
      add(frag(0, 16));
      const s = add(frag(16, 8, { mf: false, df: true })) as number;
      expect((parseIpv4(ipOf(pool, s), 0, 44) as Ipv4Repr).dontFrag).toBe(false);
    }
  });

  test('the first fragment header (options included) heads the datagram', () => {
    const { pool, add } = setup();
    const opts = [7, 7, 4, 0, 0, 0, 0, 1];
    add(frag(8, 8, { mf: false, options: [1, 1, 1, 1, 1, 1, 1, 1] }));
    const s = add(frag(0, 8, { options: opts })) as number;
    const r = parseIpv4(ipOf(pool, s), 0, 44, true) as Ipv4Repr;
    expect(Array.from(r.options)).toEqual(opts);
    expect(payloadOf(pool, s)).toEqual(pattern(16));
  });

  test('bad input never throws', () => {
    const { pool, ra } = setup();
    expect(ra.add(pool, -5, T, 0)).toBe(REASM_DROP);
    const s = load(pool, frame().eth({ type: 0x0800 }).payload(10).build());
    expect(ra.add(pool, s, T, 0)).toBe(REASM_DROP);
    expect(pool.meta.drop[s]).toBe(Drop.IPV4_TRUNCATED);
    const t = load(pool, frag(0, 100).slice(0, 60), { wireLen: 134 });
    expect(ra.add(pool, t, T, 0)).toBe(REASM_DROP);
    expect(pool.meta.drop[t]).toBe(Drop.SNAPLEN_TRUNCATED);
  });

  test('corpus zeek__ipv4_fragmented-1.pcap: Linux discards the datagram', () => {
    // tcpdump -nn -vv says:
    //  1  (id 242, offset 0, flags [+], proto UDP, length 38)   164.1.123.163.123 > 164.1.123.61.137: NTPv0, length 10
    //  2  (id 242, offset 48, flags [none], proto UDP, length 136) 164.1.123.163 > 164.1.123.61: ip-proto-17
    //  3  (id 242, offset 0, flags [+], proto UDP, length 324)  164.1.123.163.123 > 164.1.123.61.137: NTPv3, length 256
    // Frame 3 is not a copy of frame 1: a second, longer first fragment whose 304 bytes run past the end
    // frame 2 fixed (164). Linux (ip_frag_queue): frame 1 is cut to 16 bytes (non-last, not a multiple of
    // 8), frame 2 sets the end to 164, frame 3 reaches past that end -> the whole datagram is discarded
    // (REASMFAILS). No datagram is delivered. (Wireshark instead reassembles 164 bytes and flags
    // "Fragment overlap, conflicting data".)
    const { pool, ra } = setup();
    const r = openCapture(path.join(CORPUS_DIR, 'zeek__ipv4_fragmented-1.pcap'));
    const results: (number | string)[] = [];
    const slots: number[] = [];
    while (r.next()) {
      const s = load(pool, r.data.subarray(r.dataOffset, r.dataOffset + r.capLen), { tsSec: r.tsSec, tsNsec: r.tsNsec });
      slots.push(s);
      const res = ra.add(pool, s, r.tsSec, r.tsNsec);
      results.push(res === REASM_DROP ? DROP_NAMES[pool.meta.drop[s]!]! : res);
    }
    r.close();
    expect(results).toEqual([REASM_HELD, REASM_HELD, 'reassembly-invalid']);
    expect([ra.reassembled, ra.queues, ra.held, ra.drops[Drop.REASSEMBLY_INVALID]]).toEqual([0, 0, 0, 2]);
    // what is checkable: frame 1 carries a whole 18-byte UDP datagram header + 10 bytes whose checksum
    // verifies (tshark: "Checksum: 0xbfe2 [correct]")
    const f1 = openCapture(path.join(CORPUS_DIR, 'zeek__ipv4_fragmented-1.pcap'));
    f1.next();
    const b = f1.data.slice(f1.dataOffset, f1.dataOffset + f1.capLen);
    f1.close();
    const udp = parseUdp(b, 34, 18) as UdpRepr;
    expect([udp.srcPort, udp.dstPort, udp.length, udp.checksum]).toEqual([123, 137, 18, 0xbfe2]);
    expect(l4ChecksumOk4(b, 14, 34, 18, 17)).toBe(true);
    pool.free(slots[2]!);
    expect(pool.available).toBe(64);
  });
});

// ---- helpers ------------------------------------------------------------------------------------

function withEth(ip: Uint8Array): Uint8Array {
  return frame().eth({ src: MAC_A, dst: MAC_R }).ipPacket(ip).build();
}

/** The fixture builder's fragments (bare IP packets) as Ethernet frames. */
function fixtureFragments(dg: Uint8Array, maxPayload: number): Uint8Array[] {
  return fragmentIpv4Fixture(dg, maxPayload).map(withEth);
}
