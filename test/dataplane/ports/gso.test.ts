/**
 * Offload helpers (dataplane/ports/gso.ts) on a real TCP/IPv4 super-frame: software segmentation gives
 * valid wire segments carrying the payload in order, the vnet header written for a super-frame promises a
 * pseudo-header sum that completes to the right checksum, and segment sizes are clamped to the MTU.
 */
import { frame } from '../../../pcap/fixture';
import { PacketPool } from '../../../dataplane/buf/pool';
import { PktFlag } from '../../../dataplane/buf/meta';
import { parseFrame } from '../../../dataplane/wire/parse';
import { csumAdd, csumFold, ipv4ChecksumOk, l4ChecksumOk4 } from '../../../dataplane/wire/checksum';
import { needsFragmentation } from '../../../dataplane/ip4/fragment';
import { fillVnetHdr, gsoSegmentSize, segmentTcp4, VNET_HDR_LEN, VnetFlag, VnetGso } from '../../../dataplane/ports/gso';

const PAYLOAD = Uint8Array.from({ length: 5000 }, (_, i) => (i * 7 + 3) & 0xff);

function superFrame(pool: PacketPool, flags = 'PA', payload: Uint8Array = PAYLOAD): number {
  const f = frame()
    .eth({ src: '02:00:00:00:11:02', dst: '02:00:00:00:01:01' })
    .ipv4({ src: '10.1.0.2', dst: '10.2.0.2', ttl: 64, id: 0xfffe })
    .tcp({ sport: 40000, dport: 5201, flags, seq: 0xfffff000, ack: 77 })
    .payload(payload)
    .build();
  const s = pool.alloc();
  pool.write(s, f, 0, f.length);
  expect(parseFrame(pool.bytes, pool.frameOffset(s), f.length, 1, pool.meta, s)).toBe(0);
  pool.meta.flags[s] = pool.meta.flags[s]! | PktFlag.GSO;
  return s;
}

const rd16 = (b: Uint8Array, o: number) => (b[o]! << 8) | b[o + 1]!;
const rd32 = (b: Uint8Array, o: number) => ((b[o]! << 24) | (b[o + 1]! << 16) | (b[o + 2]! << 8) | b[o + 3]!) >>> 0;

describe('segmentTcp4', () => {
  test('cuts 5000 bytes into 1448-byte segments that are valid TCP/IPv4 on their own', () => {
    const pool = new PacketPool({ slots: 16, slotSize: 65536 + 512 });
    const s = superFrame(pool, 'FPA');
    const out = new Uint32Array(16);
    const n = segmentTcp4(pool, s, 1448, out, 0);
    expect(n).toBe(4);
    const b = pool.bytes;
    const got: number[] = [];
    for (let i = 0; i < n; i++) {
      const o = pool.frameOffset(out[i]!);
      const len = pool.meta.len[out[i]!]!;
      const chunk = i < 3 ? 1448 : 5000 - 3 * 1448;
      expect(len).toBe(14 + 20 + 20 + chunk);
      expect(rd16(b, o + 14 + 2)).toBe(20 + 20 + chunk); // IP total length
      expect(rd16(b, o + 14 + 4)).toBe((0xfffe + i) & 0xffff); // IP id +1 per segment, wrapping
      expect(ipv4ChecksumOk(b, o + 14)).toBe(true);
      expect(l4ChecksumOk4(b, o + 14, o + 34, 20 + chunk, 6)).toBe(true);
      expect(rd32(b, o + 34 + 4)).toBe((0xfffff000 + i * 1448) >>> 0); // sequence number, wrapping
      expect(b[o + 34 + 13]! & 0x09).toBe(i === n - 1 ? 0x09 : 0); // FIN, PSH on the last only
      got.push(...b.subarray(o + 54, o + 54 + chunk));
    }
    expect(Uint8Array.from(got)).toEqual(PAYLOAD);
    expect(pool.available).toBe(16 - 1 - 4);
  });

  test('CWR only on the first segment; -1 without room in the pool; 0 for a frame without payload', () => {
    const pool = new PacketPool({ slots: 4, slotSize: 65536 + 512 });
    const s = superFrame(pool, 'WA'); // CWR + ACK
    const out = new Uint32Array(8);
    expect(segmentTcp4(pool, s, 1448, out, 0)).toBe(-1); // 4 segments, 3 free slots
    expect(pool.available).toBe(3);
    expect(segmentTcp4(pool, s, 2000, out, 0)).toBe(3);
    const b = pool.bytes;
    expect([0, 1, 2].map((i) => b[pool.frameOffset(out[i]!) + 34 + 13]! & 0x80)).toEqual([0x80, 0, 0]);
    const pool2 = new PacketPool({ slots: 4, slotSize: 4096 });
    const bare = superFrame(pool2, 'A', new Uint8Array(0));
    expect(segmentTcp4(pool2, bare, 1448, out, 0)).toBe(0);
  });
});

describe('gsoSegmentSize', () => {
  test('the frame gso_size, clamped to what the MTU carries with these headers', () => {
    const pool = new PacketPool({ slots: 4, slotSize: 65536 + 512 });
    const s = superFrame(pool);
    expect(gsoSegmentSize(pool, s, 1000, 1500)).toBe(1000);
    expect(gsoSegmentSize(pool, s, 9000, 1500)).toBe(1460);
    expect(gsoSegmentSize(pool, s, 0, 1400)).toBe(1360);
  });
});

describe('fillVnetHdr', () => {
  test('a super-frame: NEEDS_CSUM at the TCP header, TCPV4 with its size; the field completes to a valid checksum', () => {
    const pool = new PacketPool({ slots: 4, slotSize: 65536 + 512 });
    const s = superFrame(pool);
    const h = new Uint8Array(VNET_HDR_LEN);
    fillVnetHdr(pool, s, 1448, h, 0);
    const dv = new DataView(h.buffer);
    expect(h[0]).toBe(VnetFlag.NEEDS_CSUM);
    expect(h[1]).toBe(VnetGso.TCPV4);
    expect([dv.getUint16(2, true), dv.getUint16(4, true), dv.getUint16(6, true), dv.getUint16(8, true)]).toEqual([54, 1448, 34, 16]);
    // What the kernel (or a NIC) does with it: sum from csum_start to the end, store the complement.
    const b = pool.bytes;
    const o = pool.frameOffset(s);
    const len = pool.meta.len[s]!;
    const c = ~csumFold(csumAdd(b, o + 34, len - 34, 0)) & 0xffff;
    b[o + 34 + 16] = c >>> 8;
    b[o + 34 + 17] = c & 0xff;
    expect(l4ChecksumOk4(b, o + 14, o + 34, len - 34, 6)).toBe(true);
  });

  test('an ordinary frame gets an all-zero header and its checksum untouched', () => {
    const pool = new PacketPool({ slots: 4, slotSize: 4096 });
    const s = superFrame(pool, 'PA', PAYLOAD.subarray(0, 100));
    pool.meta.flags[s] = pool.meta.flags[s]! & ~PktFlag.GSO;
    const o = pool.frameOffset(s);
    const before = pool.bytes.slice(o, o + pool.meta.len[s]!);
    const h = new Uint8Array(VNET_HDR_LEN).fill(0xee);
    fillVnetHdr(pool, s, 1448, h, 0);
    expect(h).toEqual(new Uint8Array(VNET_HDR_LEN));
    expect(pool.bytes.slice(o, o + pool.meta.len[s]!)).toEqual(before);
  });
});

describe('needsFragmentation and super-frames', () => {
  test('a DF super-frame over the MTU fits when marked GSO, and needs an ICMP error when not', () => {
    const pool = new PacketPool({ slots: 4, slotSize: 65536 + 512 });
    const s = superFrame(pool);
    pool.bytes[pool.frameOffset(s) + 14 + 6] |= 0x40; // DF
    expect(needsFragmentation(pool, s, 1500)).toBe(0);
    pool.meta.flags[s] = pool.meta.flags[s]! & ~PktFlag.GSO;
    expect(needsFragmentation(pool, s, 1500)).toBe(2);
  });
});
