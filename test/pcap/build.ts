/**
 * Test helpers: hand-built capture bytes (independent of pcap/writer.ts, so the reader is not only checked
 * against our own writer), the corpus location, and a record collector.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { CaptureReader } from '../../pcap/reader';
import { CORPUS_PCAP } from '../corpus-path';

export const CORPUS = CORPUS_PCAP;

export interface CorpusEntry {
  file: string;
  path: string;
  format: string;
  packets: number;
}

/** The corpus captures with the packet counts from INDEX.tsv ("14 pkts: ..."). */
export function corpusEntries(): CorpusEntry[] {
  const lines = fs.readFileSync(path.join(CORPUS, 'INDEX.tsv'), 'utf8').trim().split('\n').slice(1);
  return lines.map((l) => {
    const cols = l.split('\t');
    const m = /^(\d+) pkts?\b/.exec(cols[4]!);
    if (!m) throw new Error(`INDEX.tsv: no packet count in ${cols[0]}`);
    return { file: cols[0]!, path: path.join(CORPUS, cols[0]!), format: cols[3]!, packets: Number(m[1]) };
  });
}

export interface Rec {
  off: number;
  cap: number;
  orig: number;
  sec: number;
  nsec: number;
  hasTs: boolean;
  hi: number;
  lo: number;
  ifIndex: number;
  linkType: number;
  section: number;
  bytes: string;
}

/** Read every record (copying the bytes as hex) and return them with the final error. */
export function collect(r: CaptureReader): { recs: Rec[]; error: { offset: number; message: string } | null } {
  const recs: Rec[] = [];
  while (r.next()) {
    recs.push({
      off: r.recordOffset,
      cap: r.capLen,
      orig: r.origLen,
      sec: r.tsSec,
      nsec: r.tsNsec,
      hasTs: r.hasTimestamp,
      hi: r.rawTsHigh,
      lo: r.rawTsLow,
      ifIndex: r.ifIndex,
      linkType: r.linkType,
      section: r.sectionIndex,
      bytes: Buffer.from(r.data.buffer, r.data.byteOffset + r.dataOffset, r.capLen).toString('hex'),
    });
  }
  r.close();
  return { recs, error: r.error ? { offset: r.error.offset, message: r.error.message } : null };
}

/** A little-/big-endian byte builder. */
export class B {
  private readonly out: number[] = [];
  constructor(readonly le = true) {}
  u8(v: number): this {
    this.out.push(v & 0xff);
    return this;
  }
  u16(v: number): this {
    return this.le ? this.u8(v).u8(v >>> 8) : this.u8(v >>> 8).u8(v);
  }
  u32(v: number): this {
    return this.le ? this.u16(v & 0xffff).u16(v >>> 16) : this.u16(v >>> 16).u16(v & 0xffff);
  }
  bytes(b: ArrayLike<number>): this {
    for (let i = 0; i < b.length; i++) this.out.push(b[i]!);
    return this;
  }
  pad4(): this {
    while (this.out.length % 4) this.out.push(0);
    return this;
  }
  get length(): number {
    return this.out.length;
  }
  build(): Uint8Array {
    return Uint8Array.from(this.out);
  }
}

export function seq(n: number, start = 0): Uint8Array {
  const a = new Uint8Array(n);
  for (let i = 0; i < n; i++) a[i] = (start + i) & 0xff;
  return a;
}

export function concat(...parts: Uint8Array[]): Uint8Array {
  return Uint8Array.from(Buffer.concat(parts));
}

// ---- classic pcap ----

export interface PcapRec {
  sec: number;
  frac: number;
  data: Uint8Array;
  orig?: number;
  /** Override the stored caplen (to build corrupt files). */
  cap?: number;
}

export function pcapFile(o: { le?: boolean; nano?: boolean; snaplen?: number; linkType?: number; thiszone?: number; sigfigs?: number; major?: number; minor?: number; records: PcapRec[] }): Uint8Array {
  const b = new B(o.le ?? true);
  b.u32(o.nano ? 0xa1b23c4d : 0xa1b2c3d4).u16(o.major ?? 2).u16(o.minor ?? 4).u32((o.thiszone ?? 0) >>> 0).u32(o.sigfigs ?? 0);
  b.u32(o.snaplen ?? 65535).u32(o.linkType ?? 1);
  for (const r of o.records) b.u32(r.sec).u32(r.frac).u32(r.cap ?? r.data.length).u32(r.orig ?? r.data.length).bytes(r.data);
  return b.build();
}

// ---- pcapng ----

/** A block: type, total length, body (zero-padded to 4), total length. */
export function block(le: boolean, type: number, body: Uint8Array, opts?: { trailer?: number; length?: number }): Uint8Array {
  const padded = body.length + ((4 - (body.length & 3)) & 3);
  const len = opts?.length ?? 12 + padded;
  return new B(le).u32(type).u32(len).bytes(body).pad4().u32(opts?.trailer ?? len).build();
}

/** An options area from [code, value] pairs, ended by opt_endofopt. */
export function options(le: boolean, opts: [number, Uint8Array][]): Uint8Array {
  if (opts.length === 0) return new Uint8Array(0);
  const b = new B(le);
  for (const [code, v] of opts) b.u16(code).u16(v.length).bytes(v).pad4();
  return b.u16(0).u16(0).build();
}

export function shb(le: boolean, opts: Uint8Array = new Uint8Array(0), sectionLength: [number, number] = [0xffffffff, 0xffffffff]): Uint8Array {
  const b = new B(le).u32(0x1a2b3c4d).u16(1).u16(0);
  if (le) b.u32(sectionLength[1]).u32(sectionLength[0]);
  else b.u32(sectionLength[0]).u32(sectionLength[1]);
  return block(le, 0x0a0d0d0a, b.bytes(opts).build());
}

export function idb(le: boolean, linkType: number, snaplen: number, opts: Uint8Array = new Uint8Array(0)): Uint8Array {
  return block(le, 1, new B(le).u16(linkType).u16(0).u32(snaplen).bytes(opts).build());
}

export function epb(le: boolean, ifId: number, hi: number, lo: number, data: Uint8Array, orig = data.length, opts: Uint8Array = new Uint8Array(0)): Uint8Array {
  return block(le, 6, new B(le).u32(ifId).u32(hi).u32(lo).u32(data.length).u32(orig).bytes(data).pad4().bytes(opts).build());
}

export function spb(le: boolean, orig: number, data: Uint8Array): Uint8Array {
  return block(le, 3, new B(le).u32(orig).bytes(data).build());
}

/** Obsolete Packet Block (type 2). */
export function pb(le: boolean, ifId: number, drops: number, hi: number, lo: number, data: Uint8Array, orig = data.length): Uint8Array {
  return block(le, 2, new B(le).u16(ifId).u16(drops).u32(hi).u32(lo).u32(data.length).u32(orig).bytes(data).pad4().build());
}

export function u64le(v: bigint): Uint8Array {
  const a = new Uint8Array(8);
  new DataView(a.buffer).setBigUint64(0, BigInt.asUintN(64, v), true);
  return a;
}

export function u64be(v: bigint): Uint8Array {
  const a = new Uint8Array(8);
  new DataView(a.buffer).setBigUint64(0, BigInt.asUintN(64, v), false);
  return a;
}

/** Split a 64-bit unit count into (high, low) words. */
export function words(v: bigint): [number, number] {
  return [Number(v >> 32n), Number(v & 0xffffffffn)];
}

const ns = 1_700_000_000_123_456_789n; // 10^-9 units
const b10 = 1_700_000_000n * 1024n + 513n; // 2^-10 units: .5009765625 s

/** Section 0 little-endian: one Ethernet IDB, EPB, unknown block, SPB. Section 1 big-endian: IDB 10^-9, IDB 2^-10. */
export function twoSections(): { bytes: Uint8Array; offsets: number[] } {
  const parts: Uint8Array[] = [];
  const offsets: number[] = [];
  let at = 0;
  const push = (b: Uint8Array) => {
    offsets.push(at);
    parts.push(b);
    at += b.length;
  };
  push(shb(true, options(true, [[4, new TextEncoder().encode('hand-built')]]), [0, 1234]));
  push(idb(true, 1, 96, options(true, [[2, new TextEncoder().encode('eth0')]])));
  push(epb(true, 0, ...words(1_600_000_000_250_000n), seq(61), 61, options(true, [[1, new TextEncoder().encode('hi')]])));
  push(block(true, 0x0bad, seq(17))); // unknown block type: skipped
  push(block(true, 5, new B(true).u32(0).u32(0).u32(0).build())); // ISB: skipped
  push(spb(true, 200, seq(96))); // SPB: caplen = min(200, snaplen 96)
  push(spb(true, 10, seq(10)));
  push(shb(false));
  push(idb(false, 113, 0, options(false, [[9, Uint8Array.of(9)]])));
  push(idb(false, 276, 0, options(false, [[9, Uint8Array.of(0x8a)], [14, u64be(-10n)]])));
  push(epb(false, 1, ...words(b10), seq(40), 1500));
  push(epb(false, 0, ...words(ns), seq(33)));
  push(pb(false, 1, 7, ...words(b10 + 1024n), seq(5)));
  return { bytes: concat(...parts), offsets };
}

