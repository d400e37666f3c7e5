/** Capture writers and rewriting: write → read → write byte stability. */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { openCapture, BLOCK_END, BLOCK_SECTION, type PcapngReader, type PcapReader } from '../../pcap/reader';
import { PcapngWriter, PcapWriter } from '../../pcap/writer';
import { copyCapture, copyPcapngBlocks, copyPcapRecords, pcapngSectionOptions, pcapWriterOptions, rewriteCapture } from '../../pcap/copy';
import { B, block, collect, concat, corpusEntries, epb, idb, options, pcapFile, seq, shb, spb, twoSections } from './build';

let tmp: string;
beforeAll(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'flowplane-pcapw-'));
});
afterAll(() => {
  fs.rmSync(tmp, { recursive: true, force: true });
});

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');

describe('PcapWriter', () => {
  test('default header and a record, byte for byte', () => {
    const w = PcapWriter.toMemory();
    w.writeRecord(Uint8Array.of(9, 1, 2, 3, 9), 1, 3, 60, 0x01020304, 5_999);
    w.close();
    expect(hex(w.bytes())).toBe(
      'd4c3b2a1' + '0200' + '0400' + '00000000' + '00000000' + '00000400' + '01000000' + // header
        '04030201' + '05000000' + '03000000' + '3c000000' + '010203',
    );
  });

  test('every header option, big-endian, nanoseconds', () => {
    const w = PcapWriter.toMemory({ linkType: 113, snaplen: 1500, nanosecond: true, bigEndian: true, versionMajor: 2, versionMinor: 3, thiszone: -7200, sigfigs: 4 });
    w.writeRecord(seq(8), 0, 8, 8, 7, 123_456_789);
    const r = openCapture(w.bytes()) as PcapReader;
    expect([r.bigEndian, r.nanosecond, r.versionMajor, r.versionMinor, r.thiszone, r.sigfigs, r.snaplen, r.linkType]).toEqual([true, true, 2, 3, -7200, 4, 1500, 113]);
    const { recs } = collect(r);
    expect(recs.map((x) => [x.sec, x.nsec, x.cap])).toEqual([[7, 123_456_789, 8]]);
    expect(hex(w.bytes().subarray(0, 4))).toBe('a1b23c4d');
  });

  test('writeRecord cuts to the snaplen and keeps origLen; microsecond writers round down', () => {
    const w = PcapWriter.toMemory({ snaplen: 10 });
    w.writeRecord(seq(100), 0, 100, 100, 1, 999_999_999);
    w.writeRecord(seq(5), 0, 5, 5, 2, 1_000);
    const { recs, error } = collect(openCapture(w.bytes()));
    expect(error).toBeNull();
    expect(recs.map((x) => [x.cap, x.orig, x.sec, x.nsec])).toEqual([[10, 100, 1, 999_999_000], [5, 5, 2, 1_000]]);
  });

  test('programmer errors throw', () => {
    const w = PcapWriter.toMemory();
    expect(() => w.writeRecord(seq(4), 2, 4, 4, 0, 0)).toThrow(RangeError);
    expect(() => w.writeRecord(seq(4), 0, 4, 4, -1, 0)).toThrow(RangeError);
    expect(() => w.writeRecord(seq(4), 0, 4, 4, 2 ** 32, 0)).toThrow(RangeError);
    expect(() => w.writeRecord(seq(4), 0, 4, 4, 0, 1e9)).toThrow(RangeError);
    expect(() => PcapWriter.toMemory({ thiszone: 2 ** 31 })).toThrow(RangeError);
    w.close();
    w.close();
    expect(() => w.writeRecord(seq(4), 0, 4, 4, 0, 0)).toThrow(/closed/);
    const f = PcapWriter.toFile(path.join(tmp, 'x.pcap'));
    expect(() => f.bytes()).toThrow(/in-memory/);
    f.close();
  });

  test('file and memory writers produce the same bytes (records larger than the 1 MiB chunk too)', () => {
    const p = path.join(tmp, 'big.pcap');
    const f = PcapWriter.toFile(p, { snaplen: 0 });
    const m = PcapWriter.toMemory({ snaplen: 0 });
    const big = seq(3 << 20);
    for (let i = 0; i < 300; i++) {
      const len = i === 150 ? big.length - i : (i * 37) % 1600;
      for (const w of [f, m]) w.writeRecord(big, i, len, len + 4, 1_600_000_000 + i, i * 1000);
    }
    f.close();
    m.close();
    expect(f.length).toBe(m.bytes().length);
    expect(Buffer.compare(fs.readFileSync(p), Buffer.from(m.bytes()))).toBe(0);
  });
});

describe('PcapngWriter', () => {
  test('SHB, IDB, EPB byte for byte', () => {
    const w = PcapngWriter.toMemory();
    expect(w.addInterface({ linkType: 1 })).toBe(0);
    w.writePacket(0, Uint8Array.of(0xaa, 0xbb, 0xcc), 0, 3, 3, 1, 2_000);
    const expected = concat(shb(true), idb(true, 1, 0), epb(true, 0, 0, 1_000_002, Uint8Array.of(0xaa, 0xbb, 0xcc)));
    expect(hex(w.bytes())).toBe(hex(expected));
  });

  test('named interfaces, resolutions, offsets, sections of both byte orders', () => {
    const w = PcapngWriter.toMemory({ shbOptions: options(true, [[4, new TextEncoder().encode('flowplane')]]) });
    expect(w.addInterface({ linkType: 1, snaplen: 64, name: 'ether1', tsresol: 9 })).toBe(0);
    expect(w.addInterface({ linkType: 113, tsresol: 0x8a, tsoffset: 1_000_000 })).toBe(1);
    w.writePacket(0, seq(100), 0, 100, 100, 1_700_000_000, 123_456_789);
    w.writePacket(1, seq(10), 0, 10, 10, 1_700_000_000, 500_976_563); // 513.0000005 units of 2^-10 s → 513
    w.newSection({ bigEndian: true, sectionLength: 4096 });
    expect(w.interfaceCount).toBe(0);
    expect(w.addInterface({ linkType: 276, tsresol: 12 })).toBe(0);
    w.writePacket(0, seq(7), 0, 7, 9, 5, 999_999_999, options(false, [[1, Uint8Array.of(65)]]));
    w.writeSimplePacket(seq(20), 0, 20, 20);
    w.writeBlock(0x0bad, seq(6));
    const r = openCapture(w.bytes()) as PcapngReader;
    const seen: string[] = [];
    for (let k = r.nextBlock(); k !== BLOCK_END; k = r.nextBlock()) {
      if (k === BLOCK_SECTION) seen.push(`S${r.sectionIndex}:${r.section!.bigEndian}:${r.section!.sectionLength}`);
      else if (k >= 4) seen.push(`P${r.ifIndex}:${r.linkType}:${r.capLen}/${r.origLen}:${r.tsSec}.${r.tsNsec}:${r.hasTimestamp}:${r.optionsLength}`);
      else seen.push(`B${r.blockType}`);
    }
    expect(r.error).toBeNull();
    expect(seen).toEqual([
      'S0:false:-1', 'B1', 'B1', 'P0:1:64/100:1700000000.123456789:true:0', 'P1:113:10/10:1700000000.500976562:true:0',
      'S1:true:4096', 'B1', 'P0:276:7/9:5.999999999:true:12', 'P0:276:20/20:0.0:false:0', 'B2989',
    ]);
  });

  test('programmer errors throw', () => {
    const w = PcapngWriter.toMemory();
    expect(() => w.writePacket(0, seq(4), 0, 4, 4, 0, 0)).toThrow(/interface 0 has not been added/);
    expect(() => w.writeSimplePacket(seq(4), 0, 4, 4)).toThrow(RangeError);
    w.addInterface({ linkType: 1, snaplen: 8 });
    expect(() => w.writeSimplePacket(seq(4), 0, 4, 6)).toThrow(/cannot carry 4 of 6 bytes/);
    expect(() => w.addInterface({ linkType: 70000 })).toThrow(RangeError);
    expect(() => w.writeBlock(0x0a0d0d0a, seq(4))).toThrow(/newSection/);
    expect(() => w.writePacket(0, seq(4), 1, 4, 4, 0, 0)).toThrow(RangeError);
    expect(() => w.writePacket(0, seq(4), 0, 4, 4, 2 ** 60, 0)).toThrow(RangeError);
    w.close();
    expect(() => w.addInterface({ linkType: 1 })).toThrow(/closed/);
  });

  test('interface options: generated ones first, then rawOptions verbatim; conversion from either', () => {
    const comment = options(true, [[1, new TextEncoder().encode('uplink')]]);
    const w = PcapngWriter.toMemory();
    expect(w.addInterface({ linkType: 1, name: 'eth0', tsresol: 9, rawOptions: comment })).toBe(0);
    expect(w.addInterface({ linkType: 1, rawOptions: options(true, [[9, Uint8Array.of(3)], [14, new Uint8Array([10, 0, 0, 0, 0, 0, 0, 0])]]) })).toBe(1);
    expect(w.addInterface({ linkType: 1, tsoffset: -5 })).toBe(2);
    w.writePacket(0, seq(4), 0, 4, 4, 100, 123_456_789);
    w.writePacket(1, seq(4), 0, 4, 4, 100, 123_456_789);
    w.writePacket(2, seq(4), 0, 4, 4, 100, 123_456_789);
    const r = openCapture(w.bytes()) as PcapngReader;
    const got: string[] = [];
    while (r.next()) got.push(`${r.ifIndex}:${r.tsSec}.${r.tsNsec}:${r.rawTsLow}`);
    expect(r.error).toBeNull();
    expect(r.interfaces.map((i) => [i.name, i.tsresol, i.tsoffset])).toEqual([['eth0', 9, 0], [null, 3, 10], [null, 6, -5]]);
    expect(hex(r.interfaces[0]!.options)).toBe(hex(concat(options(true, [[2, new TextEncoder().encode('eth0')], [9, Uint8Array.of(9)]]).subarray(0, 16), comment)));
    expect(got).toEqual(['0:100.123456789:' + ((100_123_456_789 % 2 ** 32) >>> 0), '1:100.123000000:90123', '2:100.123456000:105123456']);
  });

  test('file and memory writers produce the same bytes', () => {
    const p = path.join(tmp, 'w.pcapng');
    const f = PcapngWriter.toFile(p, { bigEndian: true });
    const m = PcapngWriter.toMemory({ bigEndian: true });
    const big = seq(2 << 20);
    for (const w of [f, m]) {
      w.addInterface({ linkType: 1, tsresol: 9 });
      for (let i = 0; i < 200; i++) {
        const len = i === 100 ? big.length - i : (i * 53) % 1700;
        w.writePacket(0, big, i, len, len, 1_700_000_000 + i, i * 7);
      }
      w.close();
    }
    expect(Buffer.compare(fs.readFileSync(p), Buffer.from(m.bytes()))).toBe(0);
    expect(collect(openCapture(p, { chunkSize: 100 }))).toEqual(collect(openCapture(m.bytes())));
  });
});

describe('rewrite: write → read → write', () => {
  const entries = corpusEntries();

  test.each(entries.map((e) => [e.file, e] as const))('%s is reproduced byte for byte', (_f, e) => {
    const orig = fs.readFileSync(e.path);
    const once = rewriteCapture(e.path);
    expect(once.error).toBeNull();
    expect(once.records).toBe(e.packets);
    expect(Buffer.compare(Buffer.from(once.bytes), orig)).toBe(0);
    const twice = rewriteCapture(once.bytes);
    expect(hex(twice.bytes)).toBe(hex(once.bytes));
    const p = path.join(tmp, e.file);
    expect(copyCapture(orig, p, { chunkSize: 64 })).toEqual({ format: once.format, records: e.packets, error: null });
    expect(Buffer.compare(fs.readFileSync(p), orig)).toBe(0);
  });

  test.each(entries.map((e) => [e.file, e] as const))('%s rewritten through writeRecord/writePacket (sec, nsec) is identical', (_f, e) => {
    const orig = fs.readFileSync(e.path);
    const r = openCapture(orig);
    let out: Uint8Array;
    if (r.format === 'pcap') {
      const w = PcapWriter.toMemory(pcapWriterOptions(r));
      while (r.next()) w.writeRecord(r.data, r.dataOffset, r.capLen, r.origLen, r.tsSec, r.tsNsec);
      w.close();
      out = w.bytes();
    } else {
      expect(r.nextBlock()).toBe(BLOCK_SECTION);
      const w = PcapngWriter.toMemory(pcapngSectionOptions(r));
      for (let k = r.nextBlock(); k !== BLOCK_END; k = r.nextBlock()) {
        if (k === 2) {
          const i = r.interfaces[r.interfaces.length - 1]!;
          w.addInterface({ linkType: i.linkType, snaplen: i.snaplen, rawOptions: i.options });
        } else if (k === 4) {
          w.writePacket(r.ifIndex, r.data, r.dataOffset, r.capLen, r.origLen, r.tsSec, r.tsNsec, r.data.subarray(r.optionsOffset, r.optionsOffset + r.optionsLength));
        } else {
          expect(k).toBe(3); // other blocks (this file ends with an interface statistics block)
          w.writeBlock(r.blockType, r.data, r.bodyOffset, r.bodyLength);
        }
      }
      w.close();
      out = w.bytes();
    }
    expect(r.error).toBeNull();
    expect(Buffer.compare(Buffer.from(out), orig)).toBe(0);
  });

  test('hand-built pcapng (two sections, both byte orders, SPB, PB, unknown blocks) is reproduced byte for byte', () => {
    const { bytes } = twoSections();
    const once = rewriteCapture(bytes);
    expect(once.error).toBeNull();
    expect(once.records).toBe(6);
    expect(hex(once.bytes)).toBe(hex(bytes));
  });

  test('hand-built classic pcaps are reproduced byte for byte (BE, ns, odd header fields, carried fractions)', () => {
    const recs = [{ sec: 1, frac: 2_000_001, data: seq(13) }, { sec: 9, frac: 5, data: seq(64), orig: 9000 }];
    for (const le of [true, false]) {
      for (const nano of [true, false]) {
        const bytes = pcapFile({ le, nano, snaplen: 64, linkType: 0x10000001, thiszone: -1, sigfigs: 7, major: 2, minor: 2, records: recs });
        const once = rewriteCapture(bytes);
        expect(once.error).toBeNull();
        expect(hex(once.bytes)).toBe(hex(bytes));
      }
    }
  });

  test('a truncated or non-capture input: what came before is written, the error is returned', () => {
    const orig = fs.readFileSync(corpusEntries().find((e) => e.file === 'zeek__http_get.pcap')!.path);
    const cut = orig.subarray(0, 300);
    const res = rewriteCapture(cut);
    expect(res.records).toBe(3);
    expect(res.error?.offset).toBe(290);
    expect(hex(res.bytes)).toBe(hex(orig.subarray(0, 290)));
    expect(rewriteCapture(Uint8Array.of(1, 2, 3, 4, 5))).toMatchObject({ records: 0, bytes: new Uint8Array(0) });
    const ng = concat(shb(true), idb(true, 1, 0), epb(true, 0, 0, 0, seq(4)));
    const ngCut = rewriteCapture(ng.subarray(0, ng.length - 1));
    expect(ngCut.error?.offset).toBe(48);
    expect(hex(ngCut.bytes)).toBe(hex(ng.subarray(0, 48)));
  });

  test('an SPB that does not follow the implied-length rule is copied verbatim', () => {
    // body holds 12 bytes but origLen says 6 and snaplen is 0: readers take 6; the 6 extra bytes stay
    const bytes = concat(shb(true), idb(true, 1, 0), block(true, 3, new B(true).u32(6).bytes(seq(12)).build()), spb(true, 4, seq(4)));
    const once = rewriteCapture(bytes);
    expect(once.records).toBe(2);
    expect(hex(once.bytes)).toBe(hex(bytes));
  });

  test('copy helpers work on readers the caller opened', () => {
    const e = corpusEntries().find((x) => x.file === 'tcpdump__dhcp-option-108.pcapng')!;
    const r = openCapture(e.path) as PcapngReader;
    expect(r.nextBlock()).toBe(BLOCK_SECTION);
    const w = PcapngWriter.toMemory(pcapngSectionOptions(r));
    expect(copyPcapngBlocks(r, w)).toBe(2);
    expect(Buffer.compare(Buffer.from(w.bytes()), fs.readFileSync(e.path))).toBe(0);
    const e2 = corpusEntries().find((x) => x.file === 'zeek__icmp_dot1q.pcap')!;
    const r2 = openCapture(e2.path, { chunkSize: 10 }) as PcapReader;
    const w2 = PcapWriter.toMemory(pcapWriterOptions(r2));
    expect(copyPcapRecords(r2, w2)).toBe(15);
    expect(Buffer.compare(Buffer.from(w2.bytes()), fs.readFileSync(e2.path))).toBe(0);
  });
});
