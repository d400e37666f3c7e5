/**
 * The bundled demo's captures are produced by code (demo/captures.ts); the committed files must stay
 * exactly what that code builds, so the demo a user runs is the one the source describes.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { demoCaptureBytes, captureFile } from './demo/captures';
import { openCapture } from '../../pcap/reader';
import { parseFrame } from '../../dataplane/wire/parse';
import { PacketPool } from '../../dataplane/buf/pool';
import { Drop } from '../../dataplane/drop';
import { ipv4ChecksumOk, l4ChecksumOk4 } from '../../dataplane/wire/checksum';

const DIR = path.join(__dirname, 'demo');

test('committed demo captures equal what captures.ts builds', () => {
  const built = demoCaptureBytes();
  const onDisk = fs.readdirSync(DIR).filter((f) => /^in-.*\.pcap$/.test(f)).sort();
  expect(onDisk).toEqual(Object.keys(built).map(captureFile).sort());
  for (const [iface, bytes] of Object.entries(built)) {
    const file = fs.readFileSync(path.join(DIR, captureFile(iface)));
    expect({ iface, same: Buffer.compare(file, Buffer.from(bytes)) === 0 }).toEqual({ iface, same: true });
  }
});

test('demo frames parse as intended: good ones with valid checksums, the two broken ones with their reasons', () => {
  const pool = new PacketPool({ slots: 1 });
  const drops: number[] = [];
  let good = 0;
  for (const [, bytes] of Object.entries(demoCaptureBytes())) {
    const r = openCapture(bytes);
    while (r.next()) {
      const s = pool.alloc();
      pool.write(s, r.data, r.dataOffset, r.capLen);
      const off = pool.frameOffset(s);
      const d = parseFrame(pool.bytes, off, r.capLen, r.linkType, pool.meta, s);
      if (d !== 0) drops.push(d);
      else {
        good++;
        const l3 = off + pool.meta.l3Off[s]!;
        if (pool.meta.etherType[s] === 0x0800) {
          const m = pool.meta;
          expect(ipv4ChecksumOk(pool.bytes, l3)).toBe(true);
          const l4Len = m.l3Len[s]! - (m.l4Off[s]! - m.l3Off[s]!);
          expect(l4ChecksumOk4(pool.bytes, l3, off + m.l4Off[s]!, l4Len, m.l4Proto[s]!)).toBe(true);
        }
      }
      pool.free(s);
    }
    expect(r.error).toBeNull();
  }
  expect(good).toBe(15);
  expect(drops.sort()).toEqual([Drop.IPV4_BAD_IHL, Drop.TCP_TRUNCATED].sort());
});
