/**
 * Capture reading and writing rates: 100k small (60-byte) records, counted with the cursor API, from memory
 * and (classic pcap) from a file. The captures are built with the writers on first use, so listing or
 * filtering benches costs nothing.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { sink, type AddBench } from '../harness';
import { openCapture } from '../../pcap/reader';
import { PcapngWriter, PcapWriter } from '../../pcap/writer';

const N = 100_000;
const FRAME = new Uint8Array(64).map((_, i) => i);

function buildPcap(): Uint8Array {
  const w = PcapWriter.toMemory();
  for (let i = 0; i < N; i++) w.writeRecord(FRAME, 0, 60, 60, 1_700_000_000 + Math.floor(i / 1000), (i % 1000) * 1000);
  w.close();
  return w.bytes().slice();
}

function buildPcapng(tsresol: number): Uint8Array {
  const w = PcapngWriter.toMemory();
  w.addInterface({ linkType: 1, tsresol });
  for (let i = 0; i < N; i++) w.writePacket(0, FRAME, 0, 60, 60, 1_700_000_000 + Math.floor(i / 1000), (i % 1000) * 1000);
  w.close();
  return w.bytes().slice();
}

let pcap: Uint8Array | null = null;
let ngUs: Uint8Array | null = null;
let ngNs: Uint8Array | null = null;
let pcapFile: string | null = null;

/** The classic capture written to a temporary file (removed when the process exits). */
function tempPcap(): string {
  const p = path.join(os.tmpdir(), `flowplane-bench-${process.pid}.pcap`);
  fs.writeFileSync(p, pcap ??= buildPcap());
  process.on('exit', () => fs.rmSync(p, { force: true }));
  return p;
}

/** Read every record; sum lengths and timestamps so the work cannot be dropped. */
function readAll(src: Uint8Array | string): void {
  const r = openCapture(src);
  let n = 0;
  while (r.next()) n += r.capLen + r.tsNsec;
  if (r.error !== null) throw new Error(r.error.message);
  sink.n += n;
}

export function register(add: AddBench): void {
  add('read classic pcap (memory, 60-byte records)', () => readAll(pcap ??= buildPcap()), N, 'records', 5e6);
  add('read pcapng EPB, microseconds (memory)', () => readAll(ngUs ??= buildPcapng(6)), N, 'records', 5e6);
  add('read pcapng EPB, nanoseconds (memory)', () => readAll(ngNs ??= buildPcapng(9)), N, 'records', 5e6);
  add('read classic pcap (file, 1 MiB chunks)', () => readAll(pcapFile ??= tempPcap()), N, 'records', 5e6);
  add('write classic pcap (memory)', () => {
    const w = PcapWriter.toMemory();
    for (let i = 0; i < N; i++) w.writeRecord(FRAME, 0, 60, 60, 1_700_000_000, i);
    sink.n += w.length;
  }, N, 'records');
  add('write pcapng EPB, nanoseconds (memory)', () => {
    const w = PcapngWriter.toMemory();
    w.addInterface({ linkType: 1, tsresol: 9 });
    for (let i = 0; i < N; i++) w.writePacket(0, FRAME, 0, 60, 60, 1_700_000_000, i);
    sink.n += w.length;
  }, N, 'records');
}
