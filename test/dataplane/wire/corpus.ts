/**
 * Test helper: every frame of the shared corpus captures (read in place, never copied into the repo),
 * through the project's capture reader.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { openCapture } from '../../../pcap/reader';
import { CORPUS_PCAP } from '../../corpus-path';

export const CORPUS_DIR = CORPUS_PCAP;

export interface CorpusFrame {
  file: string;
  /** 0-based record index in its file. */
  index: number;
  linkType: number;
  /** A copy of the record's bytes. */
  frame: Uint8Array;
  origLen: number;
}

let cache: CorpusFrame[] | undefined;

export function corpusFiles(): string[] {
  return fs
    .readdirSync(CORPUS_DIR)
    .filter((f) => f.endsWith('.pcap') || f.endsWith('.pcapng'))
    .sort();
}

export function corpusFrames(): CorpusFrame[] {
  if (cache) return cache;
  const out: CorpusFrame[] = [];
  for (const file of corpusFiles()) {
    const r = openCapture(path.join(CORPUS_DIR, file));
    let i = 0;
    while (r.next()) {
      out.push({ file, index: i++, linkType: r.linkType, frame: r.data.slice(r.dataOffset, r.dataOffset + r.capLen), origLen: r.origLen });
    }
    if (r.error) throw new Error(`${file}: ${r.error.message}`);
    r.close();
  }
  cache = out;
  return out;
}

export function framesOf(file: string): CorpusFrame[] {
  return corpusFrames().filter((f) => f.file === file);
}
