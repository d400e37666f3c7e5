/**
 * Where the third-party corpus is (real RouterOS configs and captures, read in place, never copied into the
 * repository): `$FLOWPLANE_CORPUS`, else `shared/corpus` beside the repository (how CI and the workspace
 * lay it out). Every test that reads the corpus takes its folders from here.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

export const CORPUS_ROOT = process.env.FLOWPLANE_CORPUS !== undefined && process.env.FLOWPLANE_CORPUS !== '' ? path.resolve(process.env.FLOWPLANE_CORPUS) : path.resolve(__dirname, '../../shared/corpus');

if (!fs.existsSync(CORPUS_ROOT)) {
  throw new Error(`the shared corpus is not at ${CORPUS_ROOT}: clone flowplane beside shared/ or set FLOWPLANE_CORPUS to the corpus folder`);
}

/** RouterOS configs (.rsc). */
export const CORPUS_RSC = path.join(CORPUS_ROOT, 'rsc');
/** Captures (.pcap, .pcapng). */
export const CORPUS_PCAP = path.join(CORPUS_ROOT, 'pcap');
