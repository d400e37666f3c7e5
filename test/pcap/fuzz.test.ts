/**
 * Property tests (fast-check): random bytes behind valid headers, random block soups, and mutated corpus
 * captures. The reader must never throw, must terminate, and must never report a record outside the buffer;
 * rewriting whatever it read must not throw either and must be stable (rewrite(rewrite(x)) = rewrite(x)).
 * About 52,000 cases per run.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import fc from 'fast-check';
import { openCapture } from '../../pcap/reader';
import { rewriteCapture } from '../../pcap/copy';
import { B, block, concat, corpusEntries, pcapFile, shb, twoSections } from './build';

const MAX_RECORD = 256 * 1024 * 1024;

/** Read everything; check the invariants; return a summary of the records. */
function check(bytes: Uint8Array): string[] {
  const r = openCapture(bytes);
  const out: string[] = [];
  let lastOff = -1;
  while (r.next()) {
    if (out.length > bytes.length) throw new Error('reader does not terminate');
    if (r.data !== bytes) throw new Error('in-memory record not served from the caller array');
    if (!(r.dataOffset >= 0 && r.capLen >= 0 && r.capLen <= MAX_RECORD && r.dataOffset + r.capLen <= bytes.length)) {
      throw new Error(`record [${r.dataOffset}, +${r.capLen}) outside the ${bytes.length}-byte buffer`);
    }
    if (!(r.recordOffset > lastOff && r.recordOffset < r.dataOffset + (r.capLen === 0 ? 1 : 0) + r.capLen)) {
      throw new Error(`bad record offset ${r.recordOffset} (last ${lastOff}, data at ${r.dataOffset})`);
    }
    if (!(Number.isInteger(r.tsNsec) && r.tsNsec >= 0 && r.tsNsec < 1e9 && Number.isFinite(r.tsSec))) {
      throw new Error(`bad timestamp ${r.tsSec}.${r.tsNsec}`);
    }
    lastOff = r.recordOffset;
    out.push(`${r.capLen}:${r.origLen}:${r.tsSec}.${r.tsNsec}:${r.hasTimestamp}:${r.ifIndex}:${r.linkType}:${r.sectionIndex}:` +
      Buffer.from(r.data.buffer, r.data.byteOffset + r.dataOffset, Math.min(r.capLen, 64)).toString('hex'));
  }
  const e = r.error;
  if (e !== null) {
    if (!(e.offset >= 0 && e.offset <= bytes.length && e.offset > lastOff)) throw new Error(`bad error offset ${e.offset}`);
    if (!e.message.includes(`byte ${e.offset}`)) throw new Error(`message does not name the offset: ${e.message}`);
  }
  return out;
}

/** check() plus: the rewrite reads back to the same records, cleanly, and rewriting it again changes nothing. */
function checkRewrite(bytes: Uint8Array): number {
  const recs = check(bytes);
  const once = rewriteCapture(bytes);
  if (once.bytes.length === 0) return 0; // not even a header
  if (once.records !== recs.length) throw new Error(`rewrite copied ${once.records} of ${recs.length} records`);
  const again = check(once.bytes);
  if (again.join('\n') !== recs.join('\n')) throw new Error('rewrite reads back differently');
  const twice = rewriteCapture(once.bytes);
  if (twice.error !== null) throw new Error(`rewrite is not clean: ${twice.error.message}`);
  if (Buffer.compare(Buffer.from(twice.bytes), Buffer.from(once.bytes)) !== 0) throw new Error('rewrite is not stable');
  return recs.length;
}

const corpus: Uint8Array[] = corpusEntries().map((e) => new Uint8Array(fs.readFileSync(e.path)));
corpus.push(twoSections().bytes);

/** null most of the time (n-1 of n), else a value from arb. */
function rarely<T>(arb: fc.Arbitrary<T>, n: number): fc.Arbitrary<T | null> {
  return fc.oneof({ arbitrary: fc.constant(null), weight: n - 1 }, { arbitrary: arb, weight: 1 });
}

const interesting = fc.constantFrom(0, 1, 3, 4, 11, 12, 16, 20, 24, 28, 32, 0x7fffffff, 0x80000000, 0xffffffff, 0x0a0d0d0a, 0x1a2b3c4d, 65535, 262144, 0x10000001);

type Mut =
  | { k: 'flip'; pos: number; bit: number }
  | { k: 'set'; pos: number; val: number }
  | { k: 'u32'; pos: number; val: number; le: boolean }
  | { k: 'ins'; pos: number; bytes: Uint8Array }
  | { k: 'del'; pos: number; len: number }
  | { k: 'cut'; pos: number };

const mutation: fc.Arbitrary<Mut> = fc.oneof(
  fc.record({ k: fc.constant('flip' as const), pos: fc.nat(), bit: fc.integer({ min: 0, max: 7 }) }),
  fc.record({ k: fc.constant('set' as const), pos: fc.nat(), val: fc.integer({ min: 0, max: 255 }) }),
  fc.record({ k: fc.constant('u32' as const), pos: fc.nat(), val: interesting, le: fc.boolean() }),
  fc.record({ k: fc.constant('ins' as const), pos: fc.nat(), bytes: fc.uint8Array({ minLength: 1, maxLength: 16 }) }),
  fc.record({ k: fc.constant('del' as const), pos: fc.nat(), len: fc.integer({ min: 1, max: 16 }) }),
  fc.record({ k: fc.constant('cut' as const), pos: fc.nat() }),
);

function mutate(src: Uint8Array, muts: Mut[]): Uint8Array {
  let b = Buffer.from(src);
  for (const m of muts) {
    if (b.length === 0) break;
    const pos = m.pos % b.length;
    switch (m.k) {
      case 'flip': b[pos] = b[pos]! ^ (1 << m.bit); break;
      case 'set': b[pos] = m.val; break;
      case 'u32':
        if (pos + 4 <= b.length) {
          if (m.le) b.writeUInt32LE(m.val, pos);
          else b.writeUInt32BE(m.val, pos);
        }
        break;
      case 'ins': b = Buffer.concat([b.subarray(0, pos), m.bytes, b.subarray(pos)]); break;
      case 'del': b = Buffer.concat([b.subarray(0, pos), b.subarray(pos + m.len)]); break;
      case 'cut': b = b.subarray(0, pos); break;
    }
  }
  return new Uint8Array(b);
}

describe('fuzz', () => {
  test('random bytes behind a valid classic pcap header (12,000 cases)', () => {
    fc.assert(
      fc.property(
        fc.boolean(), fc.boolean(), fc.constantFrom(0, 16, 64, 1500, 65535, 262144, 0xffffffff), fc.uint8Array({ maxLength: 300 }),
        (le, nano, snaplen, tail) => {
          checkRewrite(concat(pcapFile({ le, nano, snaplen, records: [] }), tail));
        },
      ),
      { numRuns: 12000 },
    );
  });

  test('random bytes behind a valid SHB (10,000 cases)', () => {
    fc.assert(
      fc.property(fc.boolean(), fc.uint8Array({ maxLength: 300 }), (le, tail) => {
        checkRewrite(concat(shb(le), tail));
      }),
      { numRuns: 10000 },
    );
  });

  test('block soups: pcapng blocks with random fields, options, lengths and trailers (10,000 cases)', () => {
    const u32 = fc.integer({ min: 0, max: 0xffffffff });
    const small = fc.oneof(fc.integer({ min: 0, max: 100 }), u32);
    const opt = fc.record({
      code: fc.oneof(fc.constantFrom(0, 1, 2, 9, 14), fc.integer({ min: 0, max: 0xffff })),
      value: fc.uint8Array({ maxLength: 12 }),
      badLen: rarely(fc.integer({ min: 0, max: 0xffff }), 10),
    });
    const opts = fc.option(fc.array(opt, { maxLength: 4 }), { freq: 3 });
    const idbArb = fc.record({ t: fc.constant(1), lt: fc.integer({ min: 0, max: 300 }), snap: fc.constantFrom(0, 8, 64, 65535), opts });
    const blk = fc.oneof(
      idbArb,
      fc.record({ t: fc.constant(6), id: fc.integer({ min: 0, max: 2 }), hi: u32, lo: u32, data: fc.uint8Array({ maxLength: 70 }), cap: rarely(small, 8), orig: small, opts }),
      fc.record({ t: fc.constant(2), id: fc.integer({ min: 0, max: 2 }), hi: u32, lo: u32, data: fc.uint8Array({ maxLength: 70 }), cap: rarely(small, 8), orig: small, opts }),
      fc.record({ t: fc.constant(3), data: fc.uint8Array({ maxLength: 70 }), orig: small }),
      fc.record({ t: fc.constant(0x0a0d0d0a), le: fc.boolean(), opts }),
      fc.record({ t: fc.oneof(fc.constantFrom(4, 5, 0x0bad, 0x80000001), u32), data: fc.uint8Array({ maxLength: 40 }) }),
    );
    let withPackets = 0;
    const damage = fc.record({ len: rarely(interesting, 12), trailer: rarely(interesting, 12) });

    function optionArea(le: boolean, list: { code: number; value: Uint8Array; badLen: number | null }[] | null): Uint8Array {
      if (list === null) return new Uint8Array(0);
      const b = new B(le);
      for (const o of list) b.u16(o.code).u16(o.badLen ?? o.value.length).bytes(o.value).pad4();
      return b.build();
    }

    fc.assert(
      fc.property(fc.boolean(), fc.array(fc.tuple(idbArb, damage), { minLength: 1, maxLength: 2 }), fc.array(fc.tuple(blk, damage), { maxLength: 12 }), (le0, first, rest) => {
        const blocks = [...first, ...rest];
        let le = le0;
        const parts = [shb(le)];
        for (const [x, d] of blocks) {
          const o: { length?: number; trailer?: number } = {};
          if (d.len !== null) o.length = d.len;
          if (d.trailer !== null) o.trailer = d.trailer;
          let body: Uint8Array;
          if (x.t === 0x0a0d0d0a && 'le' in x) {
            le = x.le;
            body = concat(new B(le).u32(0x1a2b3c4d).u16(1).u16(0).u32(0xffffffff).u32(0xffffffff).build(), optionArea(le, x.opts));
          } else if (x.t === 1 && 'lt' in x) {
            body = concat(new B(le).u16(x.lt).u16(0).u32(x.snap).build(), optionArea(le, x.opts));
          } else if ((x.t === 6 || x.t === 2) && 'hi' in x) {
            const h = new B(le);
            if (x.t === 6) h.u32(x.id);
            else h.u16(x.id).u16(0);
            h.u32(x.hi).u32(x.lo).u32(x.cap ?? x.data.length).u32(x.orig).bytes(x.data).pad4();
            body = concat(h.build(), optionArea(le, x.opts));
          } else if (x.t === 3 && 'orig' in x) {
            body = concat(new B(le).u32(x.orig).build(), x.data);
          } else {
            body = (x as { data: Uint8Array }).data;
          }
          parts.push(block(le, x.t, body, o));
        }
        if (checkRewrite(concat(...parts)) > 0) withPackets++;
      }),
      { numRuns: 10000 },
    );
    // the generator is only useful if it gets past the framing checks often enough
    expect(withPackets).toBeGreaterThan(1000);
  });

  test('mutated corpus captures: flips, overwrites, insertions, deletions, cuts (20,000 cases)', () => {
    let withPackets = 0;
    fc.assert(
      fc.property(fc.integer({ min: 0, max: corpus.length - 1 }), fc.array(mutation, { minLength: 1, maxLength: 8 }), (i, muts) => {
        if (checkRewrite(mutate(corpus[i]!, muts)) > 0) withPackets++;
      }),
      { numRuns: 20000 },
    );
    expect(withPackets).toBeGreaterThan(5000);
  });

  test('file reads with random chunk sizes equal in-memory reads on mutated captures (500 cases)', () => {
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'flowplane-pcapf-'));
    const p = path.join(tmp, 'm.cap');
    try {
      fc.assert(
        fc.property(
          fc.integer({ min: 0, max: corpus.length - 1 }), fc.array(mutation, { minLength: 1, maxLength: 4 }), fc.integer({ min: 1, max: 200 }),
          (i, muts, chunk) => {
            const bytes = mutate(corpus[i]!, muts);
            fs.writeFileSync(p, bytes);
            const mem = openCapture(bytes);
            const file = openCapture(p, { chunkSize: chunk });
            for (;;) {
              const a = mem.next();
              const b = file.next();
              if (a !== b) throw new Error('record counts differ');
              if (!a) break;
              const same = mem.recordOffset === file.recordOffset && mem.capLen === file.capLen && mem.origLen === file.origLen &&
                mem.tsSec === file.tsSec && mem.tsNsec === file.tsNsec && mem.linkType === file.linkType &&
                Buffer.compare(Buffer.from(mem.data.subarray(mem.dataOffset, mem.dataOffset + mem.capLen)),
                  Buffer.from(file.data.subarray(file.dataOffset, file.dataOffset + file.capLen))) === 0;
              if (!same) throw new Error('records differ');
            }
            if ((mem.error === null) !== (file.error === null) || mem.error?.offset !== file.error?.offset) {
              throw new Error(`errors differ: ${mem.error?.message} / ${file.error?.message}`);
            }
            file.close();
          },
        ),
        { numRuns: 500 },
      );
    } finally {
      fs.rmSync(tmp, { recursive: true, force: true });
    }
  });
});
