/**
 * What every scenario's captures.ts shares: the story clock (milliseconds from 2026-01-01 10:00:00 UTC), the
 * input file names (`in-<iface>.pcap`), the capture bytes a story builds, and `--write`, which writes them
 * into the scenario folder. A captures.ts keeps only its story: the frames, built from typed fields.
 */
import * as path from 'node:path';
import { fixtureBytes, writeFixture, type FixtureFrame } from '../../pcap/fixture';

/** The stories' epoch: 2026-01-01 10:00:00 UTC, in seconds. */
export const T0 = Date.UTC(2026, 0, 1, 10, 0, 0) / 1000;

/** A frame at `ms` milliseconds into the story. */
export function at(ms: number, f: Uint8Array): FixtureFrame {
  const t = T0 * 1000 + ms;
  return { frame: f, tsSec: Math.floor(t / 1000), tsNsec: Math.round((t % 1000) * 1_000_000) };
}

/** The input capture of interface `iface` in a scenario folder. */
export function captureFile(iface: string): string {
  return `in-${iface}.pcap`;
}

/** The capture bytes of a story, by interface. */
export function storyBytes(captures: Record<string, FixtureFrame[]>): Record<string, Uint8Array> {
  const out: Record<string, Uint8Array> = {};
  for (const [iface, frames] of Object.entries(captures)) out[iface] = fixtureBytes(frames);
  return out;
}

/**
 * `node dist/test/scenarios/<name>/captures.js --write`: write the story's captures into the scenario's
 * source folder (test/scenarios/<name>, found from the compiled file's place under dist/).
 */
export function writeStoryIfAsked(mod: NodeJS.Module, name: string, captures: () => Record<string, FixtureFrame[]>): void {
  if (require.main !== mod || !process.argv.includes('--write')) return;
  const dir = path.resolve(__dirname, '../../../test/scenarios', name);
  for (const [iface, frames] of Object.entries(captures())) {
    writeFixture(path.join(dir, captureFile(iface)), frames);
    console.log(`wrote ${path.join(dir, captureFile(iface))} (${frames.length} frames)`);
  }
}
