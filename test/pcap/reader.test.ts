/** Capture readers: the corpus, hand-built files, chunked file reading, corruption. */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import {
  BLOCK_END, BLOCK_EPB, BLOCK_INTERFACE, BLOCK_OTHER, BLOCK_PB, BLOCK_SECTION, BLOCK_SPB, countRecords, openCapture,
  type PcapngReader, type PcapReader,
} from '../../pcap/reader';
import { LINKTYPE_ETHERNET, LINKTYPE_LINUX_SLL, LINKTYPE_LINUX_SLL2, linkTypeName } from '../../pcap/linktype';
import {
  B, CORPUS, block, collect, concat, corpusEntries, epb, idb, options, pcapFile, seq, shb, spb, twoSections, u64le,
} from './build';

let tmp: string;
beforeAll(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'flowplane-pcap-'));
});
afterAll(() => {
  fs.rmSync(tmp, { recursive: true, force: true });
});

function tmpFile(name: string, bytes: Uint8Array): string {
  const p = path.join(tmp, name);
  fs.writeFileSync(p, bytes);
  return p;
}

const ts = (r: { sec: number; nsec: number }) => `${r.sec}.${String(r.nsec).padStart(9, '0')}`;

describe('linktype', () => {
  test('constants and names', () => {
    expect([LINKTYPE_ETHERNET, LINKTYPE_LINUX_SLL, LINKTYPE_LINUX_SLL2]).toEqual([1, 113, 276]);
    expect(linkTypeName(1)).toBe('ETHERNET');
    expect(linkTypeName(113)).toBe('LINUX_SLL');
    expect(linkTypeName(276)).toBe('LINUX_SLL2');
    expect(linkTypeName(4242)).toBe('LINKTYPE_4242');
  });
});

describe('corpus', () => {
  const entries = corpusEntries();

  test('INDEX.tsv lists 15 captures', () => {
    expect(entries).toHaveLength(15);
  });

  test.each(entries.map((e) => [e.file, e] as const))('%s: record count, link type, plausible timestamps', (_f, e) => {
    const r = openCapture(e.path);
    expect(r.format).toBe(e.file.endsWith('.pcapng') ? 'pcapng' : 'pcap');
    const { recs, error } = collect(r);
    expect(error).toBeNull();
    expect(recs).toHaveLength(e.packets);
    const lt = e.format.includes('LINUX_SLL') ? LINKTYPE_LINUX_SLL : LINKTYPE_ETHERNET;
    const size = fs.statSync(e.path).size;
    let prevEnd = 0;
    for (const x of recs) {
      expect(x.linkType).toBe(lt);
      expect(x.hasTs).toBe(true);
      // 2000-01-01 .. 2030-01-01
      expect(x.sec).toBeGreaterThan(946684800 - 86400 * 365);
      expect(x.sec).toBeLessThan(1893456000);
      expect(x.nsec).toBeGreaterThanOrEqual(0);
      expect(x.nsec).toBeLessThan(1e9);
      if (!e.format.includes('NANO')) expect(x.nsec % 1000).toBe(0);
      expect(x.cap).toBeGreaterThan(0);
      expect(x.cap).toBeLessThanOrEqual(x.orig);
      expect(x.off).toBeGreaterThanOrEqual(prevEnd);
      prevEnd = x.off + x.cap;
      expect(prevEnd).toBeLessThanOrEqual(size);
    }
    expect(countRecords(e.path)).toEqual({ records: e.packets, error: null });
  });

  test('zeek__http_get.pcap: timestamps, lengths and offsets as tcpdump prints them', () => {
    const r = openCapture(path.join(CORPUS, 'zeek__http_get.pcap')) as PcapReader;
    expect(r.format).toBe('pcap');
    expect([r.bigEndian, r.nanosecond, r.versionMajor, r.versionMinor, r.snaplen, r.linkType]).toEqual([false, false, 2, 4, 65535, 1]);
    const { recs } = collect(r);
    expect(recs.map(ts)).toEqual([
      '1362692526.869344000', '1362692526.939084000', '1362692526.939378000', '1362692526.939527000',
      '1362692527.008509000', '1362692527.009512000', '1362692527.009721000', '1362692527.009765000',
      '1362692527.009775000', '1362692527.009855000', '1362692527.009887000', '1362692527.011846000',
      '1362692527.080828000', '1362692527.080972000',
    ]);
    expect(recs.map((x) => x.orig)).toEqual([78, 74, 66, 202, 66, 1514, 1514, 1514, 729, 66, 66, 66, 66, 66]);
    expect(recs.slice(0, 4).map((x) => x.off)).toEqual([24, 118, 208, 290]);
    expect(recs[0]!.bytes.slice(0, 28)).toBe('0010db88d2efc8bcc896d2a00800'); // dst MAC, src MAC, ethertype IPv4
  });

  test('tcpdump__tcp-handshake-nano.pcap: nanosecond timestamps, Linux SLL', () => {
    const r = openCapture(path.join(CORPUS, 'tcpdump__tcp-handshake-nano.pcap')) as PcapReader;
    expect([r.nanosecond, r.snaplen, r.linkType]).toEqual([true, 262144, LINKTYPE_LINUX_SLL]);
    const { recs } = collect(r);
    expect(recs.map(ts)).toEqual(['1418145369.924505488', '1418145370.052027262', '1418145370.052115157']);
    expect(recs.map((x) => x.orig)).toEqual([76, 76, 68]);
    expect(recs[0]!.hi).toBe(1418145369);
    expect(recs[0]!.lo).toBe(924505488);
  });

  test('tcpdump__dhcp-option-108.pcapng: section, interface and packets', () => {
    const r = openCapture(path.join(CORPUS, 'tcpdump__dhcp-option-108.pcapng')) as PcapngReader;
    expect(r.format).toBe('pcapng');
    const kinds: number[] = [];
    for (let k = r.nextBlock(); k !== BLOCK_END; k = r.nextBlock()) kinds.push(k);
    expect(r.error).toBeNull();
    expect(kinds[0]).toBe(BLOCK_SECTION);
    expect(kinds[1]).toBe(BLOCK_INTERFACE);
    expect(kinds.filter((k) => k === BLOCK_EPB)).toHaveLength(2);
    expect(r.section).toMatchObject({ index: 0, offset: 0, bigEndian: false, versionMajor: 1, versionMinor: 0, sectionLength: -1 });
    expect(r.interfaces).toHaveLength(1);
    expect(r.interfaces[0]).toMatchObject({ id: 0, linkType: 1, snaplen: 524288, tsresol: 6, tsoffset: 0, name: 'en0' });
    const { recs } = collect(openCapture(path.join(CORPUS, 'tcpdump__dhcp-option-108.pcapng')));
    expect(recs.map(ts)).toEqual(['1742291025.393317000', '1742291025.399056000']);
    expect(recs.map((x) => [x.cap, x.orig, x.ifIndex, x.section])).toEqual([[342, 342, 0, 0], [365, 365, 0, 0]]);
    expect(recs[0]!.off).toBe(196 + 140); // after the SHB and the IDB
  });

  test.each([1, 7, 16, 64, 333])('file reads with a %i-byte chunk give the same records as in-memory reads', (chunk) => {
    for (const e of entries) {
      const mem = collect(openCapture(fs.readFileSync(e.path)));
      const file = collect(openCapture(e.path, { chunkSize: chunk }));
      expect(file).toEqual(mem);
    }
  });

  test('in-memory reads are zero-copy: data is the caller array', () => {
    const bytes = fs.readFileSync(path.join(CORPUS, 'zeek__icmp_5-pings.pcap'));
    const r = openCapture(bytes);
    while (r.next()) {
      expect(r.data).toBe(bytes);
      expect(r.dataOffset).toBe(r.recordOffset + 16);
    }
  });
});

describe('classic pcap, hand-built', () => {
  const recs = [
    { sec: 1000, frac: 1, data: seq(60) },
    { sec: 0xfffffffe, frac: 999999, data: seq(3, 7) },
    { sec: 5, frac: 0, data: new Uint8Array(0) },
  ];

  test.each([
    ['little-endian microseconds', true, false],
    ['big-endian microseconds', false, false],
    ['little-endian nanoseconds', true, true],
    ['big-endian nanoseconds', false, true],
  ])('%s', (_name, le, nano) => {
    const bytes = pcapFile({ le, nano, snaplen: 1500, linkType: 113, thiszone: -3600, sigfigs: 3, records: recs });
    const r = openCapture(bytes) as PcapReader;
    expect(r.format).toBe('pcap');
    expect(r.bigEndian).toBe(!le);
    expect(r.nanosecond).toBe(nano);
    expect([r.versionMajor, r.versionMinor, r.thiszone, r.sigfigs, r.snaplen, r.linkType]).toEqual([2, 4, -3600, 3, 1500, 113]);
    const got = collect(r);
    expect(got.error).toBeNull();
    const scale = nano ? 1 : 1000;
    expect(got.recs.map((x) => [x.sec, x.nsec, x.cap, x.orig, x.off, x.bytes])).toEqual([
      [1000, 1 * scale, 60, 60, 24, Buffer.from(seq(60)).toString('hex')],
      [0xfffffffe, 999999 * scale, 3, 3, 24 + 76, '070809'],
      [5, 0, 0, 0, 24 + 76 + 19, ''],
    ]);
  });

  test('snaplen-cut records (capLen < origLen)', () => {
    const bytes = pcapFile({ snaplen: 64, records: [{ sec: 1, frac: 2, data: seq(64), orig: 1514 }, { sec: 1, frac: 3, data: seq(10), orig: 10 }] });
    const { recs, error } = collect(openCapture(bytes));
    expect(error).toBeNull();
    expect(recs.map((x) => [x.cap, x.orig])).toEqual([[64, 1514], [10, 10]]);
  });

  test('a fraction of a second or more is carried into tsSec; raw fields are kept', () => {
    const bytes = pcapFile({ records: [{ sec: 10, frac: 2_500_000, data: seq(4) }] });
    const { recs } = collect(openCapture(bytes));
    expect(recs[0]).toMatchObject({ sec: 12, nsec: 500_000_000, hi: 10, lo: 2_500_000 });
  });

  test('snaplen 0 means no limit', () => {
    const { recs, error } = collect(openCapture(pcapFile({ snaplen: 0, records: [{ sec: 1, frac: 0, data: seq(3000) }] })));
    expect(error).toBeNull();
    expect(recs[0]!.cap).toBe(3000);
  });

  test('caplen above snaplen is a corrupt-file error at the record offset', () => {
    const bytes = pcapFile({ snaplen: 100, records: [{ sec: 1, frac: 0, data: seq(100) }, { sec: 2, frac: 0, data: seq(101) }] });
    const { recs, error } = collect(openCapture(bytes));
    expect(recs).toHaveLength(1);
    expect(error).toEqual({ offset: 140, message: 'corrupt record at byte 140: captured length 101 exceeds the file\'s snaplen 100' });
  });

  test('an absurd caplen (> 256 MiB) is an error, not an allocation', () => {
    const bytes = pcapFile({ snaplen: 0xffffffff, records: [{ sec: 1, frac: 0, data: seq(8), cap: 0x7fffffff }] });
    for (const src of [bytes, tmpFile('absurd.pcap', bytes)]) {
      const { recs, error } = collect(openCapture(src, { chunkSize: 64 }));
      expect(recs).toHaveLength(0);
      expect(error?.offset).toBe(24);
      expect(error?.message).toMatch(/captured length 2147483647 exceeds the 268435456-byte record limit/);
    }
  });

  test('records larger than the chunk grow it (file source)', () => {
    const big = seq(100_000, 3);
    const bytes = pcapFile({ snaplen: 0, records: [{ sec: 1, frac: 0, data: seq(10) }, { sec: 2, frac: 0, data: big }, { sec: 3, frac: 0, data: seq(5) }] });
    const p = tmpFile('big.pcap', bytes);
    const mem = collect(openCapture(bytes));
    expect(mem.recs.map((x) => x.cap)).toEqual([10, 100_000, 5]);
    expect(collect(openCapture(p, { chunkSize: 64 }))).toEqual(mem);
    expect(collect(openCapture(p, { chunkSize: 4096 }))).toEqual(mem);
  });

  test('not a capture: unknown magic, empty, short', () => {
    let r = openCapture(Uint8Array.from([1, 2, 3, 4, 5, 6, 7, 8]));
    expect(r.next()).toBe(false);
    expect(r.error).toMatchObject({ offset: 0, message: 'unknown capture format at byte 0 (magic 0x01020304)' });
    r = openCapture(new Uint8Array(0));
    expect(r.next()).toBe(false);
    expect(r.error).toMatchObject({ offset: 0, message: 'truncated file header at byte 0 (need 24 bytes, 0 left)' });
    r = openCapture(pcapFile({ records: [] }).subarray(0, 7));
    expect(r.next()).toBe(false);
    expect(r.error).toMatchObject({ offset: 0, message: 'truncated file header at byte 0 (need 24 bytes, 7 left)' });
    r = openCapture(pcapFile({ records: [] }));
    expect(r.next()).toBe(false);
    expect(r.error).toBeNull();
  });

  test('truncated record header / data: messages name the offset', () => {
    const bytes = pcapFile({ records: [{ sec: 1, frac: 0, data: seq(20) }, { sec: 2, frac: 0, data: seq(20) }] });
    let got = collect(openCapture(bytes.subarray(0, 24 + 36 + 7)));
    expect(got.recs).toHaveLength(1);
    expect(got.error).toEqual({ offset: 60, message: 'truncated record header at byte 60 (need 16 bytes, 7 left)' });
    got = collect(openCapture(bytes.subarray(0, 24 + 36 + 20)));
    expect(got.error).toEqual({ offset: 60, message: 'truncated record at byte 60 (need 36 bytes, 20 left)' });
  });

  test('a file that cannot be opened throws a clear error', () => {
    expect(() => openCapture(path.join(tmp, 'nope.pcap'))).toThrow(/ENOENT/);
    expect(() => openCapture(path.join(CORPUS, 'zeek__http_get.pcap'), { chunkSize: 0 })).toThrow(RangeError);
  });
});

describe('pcapng, hand-built', () => {
  test('two sections of different byte order, two resolutions, SPB, PB, unknown blocks skipped', () => {
    const { bytes, offsets } = twoSections();
    const { recs, error } = collect(openCapture(bytes));
    expect(error).toBeNull();
    expect(recs.map((x) => [x.section, x.ifIndex, x.linkType, x.off, x.cap, x.orig, x.hasTs, ts(x)])).toEqual([
      [0, 0, 1, offsets[2], 61, 61, true, '1600000000.250000000'],
      [0, 0, 1, offsets[5], 96, 200, false, '0.000000000'],
      [0, 0, 1, offsets[6], 10, 10, false, '0.000000000'],
      [1, 1, 276, offsets[10], 40, 1500, true, '1699999990.500976562'],
      [1, 0, 113, offsets[11], 33, 33, true, '1700000000.123456789'],
      [1, 1, 276, offsets[12], 5, 5, true, '1699999991.500976562'],
    ]);
    expect(recs[1]!.bytes).toBe(Buffer.from(seq(96)).toString('hex'));
    expect(recs[4]!.bytes).toBe(Buffer.from(seq(33)).toString('hex'));
    // the same through a file with tiny chunks (unknown blocks are streamed past)
    const p = tmpFile('two.pcapng', bytes);
    for (const chunk of [1, 5, 64]) expect(collect(openCapture(p, { chunkSize: chunk }))).toEqual({ recs, error });
  });

  test('nextBlock() walks every block and exposes section and interface metadata', () => {
    const { bytes, offsets } = twoSections();
    const r = openCapture(bytes) as PcapngReader;
    const seen: [number, number, number][] = [];
    for (let k = r.nextBlock(); k !== BLOCK_END; k = r.nextBlock()) {
      seen.push([k, r.blockType, r.blockOffset]);
      if (k === BLOCK_SECTION && r.sectionIndex === 0) {
        expect(r.section).toMatchObject({ bigEndian: false, sectionLength: 1234 });
        expect(Buffer.from(r.section!.options).toString('latin1')).toContain('hand-built');
      }
      if (k === BLOCK_SECTION && r.sectionIndex === 1) expect(r.section).toMatchObject({ index: 1, bigEndian: true, sectionLength: -1 });
      if (k === BLOCK_PB) expect(r.dropsCount).toBe(7);
      if (k === BLOCK_OTHER && r.blockType === 0x0bad) expect(r.bodyLength).toBe(20);
      if (k === BLOCK_EPB && r.sectionIndex === 0) {
        expect(r.optionsLength).toBe(12);
        expect(Buffer.from(r.data.subarray(r.optionsOffset + 4, r.optionsOffset + 6)).toString()).toBe('hi');
      }
    }
    expect(r.error).toBeNull();
    expect(seen.map((s) => s[0])).toEqual([
      BLOCK_SECTION, BLOCK_INTERFACE, BLOCK_EPB, BLOCK_OTHER, BLOCK_OTHER, BLOCK_SPB, BLOCK_SPB,
      BLOCK_SECTION, BLOCK_INTERFACE, BLOCK_INTERFACE, BLOCK_EPB, BLOCK_EPB, BLOCK_PB,
    ]);
    expect(seen.map((s) => s[2])).toEqual(offsets);
    expect(r.interfaces.map((i) => [i.id, i.linkType, i.tsresol, i.tsoffset])).toEqual([[0, 113, 9, 0], [1, 276, 0x8a, -10]]);
    expect(r.interfaces[0]!.name).toBeNull();
  });

  test('if_tsoffset and if_tsresol in a little-endian section', () => {
    const bytes = concat(
      shb(true),
      idb(true, 1, 0, options(true, [[9, Uint8Array.of(3)], [14, u64le(1_000_000_000n)]])),
      epb(true, 0, 0, 5_250, seq(4)),
    );
    const { recs } = collect(openCapture(bytes));
    expect(ts(recs[0]!)).toBe('1000000005.250000000');
  });

  test('corruption: each is an error at the bad block, after the good records', () => {
    const head = concat(shb(true), idb(true, 1, 0));
    const good = epb(true, 0, 0, 0, seq(8));
    const at = head.length + good.length;
    const cases: [string, Uint8Array, RegExp][] = [
      ['trailing length mismatch', block(true, 6, new Uint8Array(28), { trailer: 44 }), /trailing length 44 does not match block length 40/],
      ['length not a multiple of 4', block(true, 0x99, new Uint8Array(8), { length: 22 }), /block length 22 is not a multiple of 4/],
      ['length below 12', block(true, 0x99, new Uint8Array(0), { length: 8 }), /block length 8 is not a multiple of 4 of at least 12/],
      ['EPB below minimum', block(true, 6, new Uint8Array(8)), /below the minimum of 32/],
      ['EPB unknown interface', epb(true, 3, 0, 0, seq(4)), /interface 3 is not described in section 0 \(1 interface\(s\)\)/],
      ['EPB caplen overruns', block(true, 6, new B(true).u32(0).u32(0).u32(0).u32(100).u32(100).bytes(seq(8)).build()), /captured length 100 overruns the 40-byte block/],
      ['bad byte-order magic', block(true, 0x0a0d0d0a, new B(true).u32(0x11223344).u32(1).u32(0).u32(0).build()), /byte-order magic 0x11223344/],
      ['unsupported version', block(true, 0x0a0d0d0a, new B(true).u32(0x1a2b3c4d).u16(2).u16(0).u32(0).u32(0).build()), /unsupported pcapng version 2\.0/],
      ['IDB option overrun', block(true, 1, new B(true).u16(1).u16(0).u32(0).u16(2).u16(40).u32(0).build()), /option 2 at byte \d+ overruns the block/],
      ['block larger than the file', new B(true).u32(6).u32(4096).u32(0).build(), /truncated enhanced packet block at byte \d+ \(need 4096 bytes, 52 left\)/],
    ];
    for (const [name, bad, msg] of cases) {
      const bytes = concat(head, good, bad, good);
      for (const src of [bytes, tmpFile('bad.pcapng', bytes)]) {
        const got = collect(openCapture(src, { chunkSize: 16 }));
        expect([name, got.recs.length]).toEqual([name, 1]);
        expect([name, got.error?.offset]).toEqual([name, at]);
        expect(got.error?.message).toMatch(msg);
        expect(got.error?.message).toContain(`at byte ${at}`);
      }
    }
  });

  test('SPB without an interface, file not starting with an SHB', () => {
    let got = collect(openCapture(concat(shb(true), spb(true, 4, seq(4)))));
    expect(got.error?.message).toMatch(/simple packet block at byte 28: section 0 describes no interface/);
    const r = openCapture(concat(shb(true), idb(true, 1, 0)).subarray(0, 20));
    expect(r.next()).toBe(false);
    expect(r.error).toMatchObject({ offset: 0, message: 'truncated section header block at byte 0 (need 28 bytes, 20 left)' });
    got = collect(openCapture(concat(shb(true), idb(true, 1, 0)).subarray(0, 30)));
    expect(got.error).toEqual({ offset: 28, message: 'truncated block at byte 28 (need at least 12 bytes, 2 left)' });
  });

  test('a large unknown block is streamed past with a small chunk', () => {
    const bytes = concat(shb(true), idb(true, 1, 0), block(true, 0x40000bad, seq(50_000)), epb(true, 0, 0, 1, seq(9)));
    const p = tmpFile('skip.pcapng', bytes);
    const got = collect(openCapture(p, { chunkSize: 32 }));
    expect(got.error).toBeNull();
    expect(got.recs.map((x) => [x.cap, x.off])).toEqual([[9, bytes.length - 44]]);
    // cut inside the unknown block
    const cut = tmpFile('skipcut.pcapng', bytes.subarray(0, 10_000));
    expect(collect(openCapture(cut, { chunkSize: 32 })).error?.offset).toBe(48);
  });
});
