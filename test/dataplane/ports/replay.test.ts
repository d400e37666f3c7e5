import { PacketPool } from '../../../dataplane/buf/pool';
import { PacketVector } from '../../../dataplane/buf/vector';
import { PktFlag } from '../../../dataplane/buf/meta';
import { Drop } from '../../../dataplane/drop';
import { ReplaySource } from '../../../dataplane/ports/replay';
import { openCapture } from '../../../pcap/reader';
import { PcapWriter } from '../../../pcap/writer';

/** A capture whose frames are [tag, n] so a delivered frame says where it came from. */
function capture(tag: number, times: [number, number][], opts: { snap?: number } = {}): Uint8Array {
  const w = PcapWriter.toMemory({ nanosecond: true, snaplen: opts.snap ?? 65535 });
  times.forEach(([s, ns], i) => {
    const f = new Uint8Array(60);
    f[0] = tag;
    f[1] = i;
    w.writeRecord(f, 0, 60, 60, s, ns);
  });
  return w.bytes().slice();
}

function drain(src: ReplaySource, pool: PacketPool, cap = 256): { tag: number; i: number; port: number; s: number; ns: number }[] {
  const out: { tag: number; i: number; port: number; s: number; ns: number }[] = [];
  const vec = new PacketVector(cap);
  while (src.fill(vec) > 0) {
    for (let k = 0; k < vec.count; k++) {
      const slot = vec.slots[k]!;
      const off = pool.frameOffset(slot);
      out.push({ tag: pool.bytes[off]!, i: pool.bytes[off + 1]!, port: pool.meta.inPort[slot]!, s: pool.meta.tsSec[slot]!, ns: pool.meta.tsNsec[slot]! });
      pool.free(slot);
    }
    vec.clear();
  }
  return out;
}

test('inputs merge on the capture clock; ties go to the earlier input', () => {
  const pool = new PacketPool({ slots: 64 });
  const a = openCapture(capture(1, [[10, 0], [10, 500], [12, 0]]));
  const b = openCapture(capture(2, [[10, 500], [11, 999_999_999], [12, 0]]));
  const src = new ReplaySource(pool, [{ port: 0, reader: a }, { port: 5, reader: b }]);
  const got = drain(src, pool, 2); // small vectors: the merge must carry across fills
  expect(got.map((g) => `${g.tag}.${g.i}@${g.s}.${g.ns}:${g.port}`)).toEqual([
    '1.0@10.0:0', '1.1@10.500:0', '2.0@10.500:5', '2.1@11.999999999:5', '1.2@12.0:0', '2.2@12.0:5',
  ]);
  expect(src.done).toBe(true);
  expect(src.delivered).toEqual([3, 3]);
  expect(src.errors).toEqual([]);
});

test('fill stops when the pool has no free slot and resumes after slots are freed', () => {
  const pool = new PacketPool({ slots: 2 });
  const src = new ReplaySource(pool, [{ port: 0, reader: openCapture(capture(1, [[1, 0], [2, 0], [3, 0]])) }]);
  const vec = new PacketVector(8);
  expect(src.fill(vec)).toBe(2);
  expect(src.fill(vec)).toBe(0);
  expect(src.done).toBe(false);
  pool.free(vec.slots[0]!);
  expect(src.fill(vec)).toBe(1);
  expect(src.done).toBe(true);
});

test('a truncated input stops alone, keeping its earlier records; the others go on', () => {
  const pool = new PacketPool({ slots: 16 });
  const good = capture(1, [[1, 0], [3, 0]]);
  const bad = capture(2, [[2, 0], [2, 1], [2, 2]]);
  const cut = bad.subarray(0, 24 + 2 * (16 + 60) + 10); // inside the third record's header
  const src = new ReplaySource(pool, [{ port: 0, reader: openCapture(good) }, { port: 1, reader: openCapture(cut) }]);
  const got = drain(src, pool);
  expect(got.map((g) => `${g.tag}.${g.i}`)).toEqual(['1.0', '2.0', '2.1', '1.1']);
  expect(src.errors.length).toBe(1);
  expect(src.errors[0]!.port).toBe(1);
  expect(src.errors[0]!.error.offset).toBe(24 + 2 * (16 + 60));
});

test('snapped records are flagged; frames larger than a slot are delivered empty with a drop reason', () => {
  const pool = new PacketPool({ slots: 4, slotSize: 128, headroom: 32 });
  const w = PcapWriter.toMemory({ snaplen: 65535 });
  w.writeRecord(new Uint8Array(60), 0, 60, 1514, 1, 0); // snapped: 60 of 1514 bytes kept
  w.writeRecord(new Uint8Array(200), 0, 200, 200, 2, 0); // larger than a 96-byte frame slot
  const src = new ReplaySource(pool, [{ port: 3, reader: openCapture(w.bytes().slice()) }]);
  const vec = new PacketVector();
  expect(src.fill(vec)).toBe(2);
  const [s0, s1] = [vec.slots[0]!, vec.slots[1]!];
  expect(pool.meta.flags[s0]! & PktFlag.SNAPPED).toBe(PktFlag.SNAPPED);
  expect([pool.meta.len[s0], pool.meta.wireLen[s0]]).toEqual([60, 1514]);
  expect(pool.meta.drop[s1]).toBe(Drop.FRAME_TOO_LARGE);
  expect([pool.meta.len[s1], pool.meta.wireLen[s1], pool.meta.inPort[s1]]).toEqual([0, 200, 3]);
});
