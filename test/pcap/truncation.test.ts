/**
 * Truncation at every byte: a capture cut at any length never throws, delivers exactly the records wholly
 * before the cut, and reports the offset where the cut unit (file header, record or block) starts. A cut on a
 * unit boundary is a clean end; a cut inside the file header (or the first SHB), including length 0, is an
 * error at offset 0.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { BLOCK_END, openCapture } from '../../pcap/reader';
import { corpusEntries, twoSections } from './build';

interface Got {
  recs: string[];
  error: { offset: number; message: string } | null;
}

/** A compact record summary (with a byte checksum), cheap enough to take at every cut. */
function light(src: string | Uint8Array, chunkSize?: number): Got {
  const r = openCapture(src, chunkSize === undefined ? undefined : { chunkSize });
  const recs: string[] = [];
  while (r.next()) {
    let sum = 0;
    for (let i = r.dataOffset, e = r.dataOffset + r.capLen; i < e; i++) sum = (sum * 31 + r.data[i]!) | 0;
    recs.push(`${r.recordOffset}:${r.capLen}:${r.origLen}:${r.tsSec}.${r.tsNsec}:${r.ifIndex}:${r.sectionIndex}:${sum}`);
  }
  r.close();
  return { recs, error: r.error };
}

interface Unit {
  start: number;
  end: number;
  packet: boolean;
}

/** The file's units in order: header + records (pcap) or blocks (pcapng). */
function units(bytes: Uint8Array): Unit[] {
  const r = openCapture(bytes);
  const out: Unit[] = [];
  if (r.format === 'pcap') {
    out.push({ start: 0, end: 24, packet: false });
    while (r.next()) out.push({ start: r.recordOffset, end: r.dataOffset + r.capLen, packet: true });
  } else {
    const starts: [number, boolean][] = [];
    for (let k = r.nextBlock(); k !== BLOCK_END; k = r.nextBlock()) starts.push([r.blockOffset, k >= 4]);
    starts.forEach(([s, p], i) => out.push({ start: s, end: i + 1 < starts.length ? starts[i + 1]![0] : bytes.length, packet: p }));
  }
  expect(r.error).toBeNull();
  expect(out[out.length - 1]!.end).toBe(bytes.length);
  return out;
}

function expectCut(full: string[], us: Unit[], cut: number, got: Got): void {
  const whole = us.filter((u) => u.packet && u.end <= cut).length;
  if (got.recs.join('|') !== full.slice(0, whole).join('|')) expect(got.recs).toEqual(full.slice(0, whole));
  const boundary = us.some((u) => u.end === cut);
  if (boundary) {
    expect(got.error).toBeNull();
  } else {
    const u = us.find((x) => x.start <= cut && cut < x.end) ?? us[0]!;
    const want = cut === 0 ? 0 : u.start;
    if (got.error === null || got.error.offset !== want || !got.error.message.includes(`at byte ${want}`)) {
      expect([cut, got.error]).toEqual([cut, { offset: want, message: expect.stringContaining(`at byte ${want}`) }]);
    }
  }
}

const inputs: [string, Uint8Array][] = [
  ...corpusEntries().map((e) => [e.file, new Uint8Array(fs.readFileSync(e.path))] as [string, Uint8Array]),
  ['hand-built two-section pcapng', twoSections().bytes],
];

describe('truncation at every byte (in memory)', () => {
  test.each(inputs)('%s', (_name, bytes) => {
    const us = units(bytes);
    const full = light(bytes).recs;
    for (let cut = 0; cut <= bytes.length; cut++) {
      const got = light(bytes.subarray(0, cut));
      expectCut(full, us, cut, got);
    }
  });
});

describe('truncation at every byte (files, 16-byte chunks)', () => {
  let tmp: string;
  beforeAll(() => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'flowplane-pcapt-'));
  });
  afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

  test.each(inputs.filter(([n]) => n === 'tcpdump__tcp-handshake-nano.pcap' || n === 'tcpdump__dhcp-option-108.pcapng' || n.startsWith('hand-built')))(
    '%s',
    (name, bytes) => {
      const us = units(bytes);
      const full = light(bytes).recs;
      const p = path.join(tmp, name.replace(/\W/g, '_'));
      for (let cut = 0; cut <= bytes.length; cut++) {
        fs.writeFileSync(p, bytes.subarray(0, cut));
        const got = light(p, 16);
        expectCut(full, us, cut, got);
      }
    },
  );
});
