/**
 * What the firewall scenarios (soho-default, port-knock, ssh-bruteforce, port-forward-hairpin, bogons,
 * pcc-dual-wan) share: frames at capture times, writing and checking the committed captures, replaying a
 * folder, and reading outputs and fates back in a form a test can state by hand.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { writeFixture, fixtureBytes, type FixtureFrame } from '../../pcap/fixture';
import { generationFrom, replay, fateText, type ReplayOutcome } from '../dataplane/flow/helpers';
import { describeFrame } from '../../dataplane/wire/describe';
import { ipv4ChecksumOk, l4ChecksumOk4 } from '../../dataplane/wire/checksum';
import type { Generation } from '../../control/compile/generation';
import type { TransmitRecord } from '../../dataplane/ports/flow-replay';
import { TraceBuffer } from '../../dataplane/trace';

/** Every firewall scenario's clock starts at 2026-01-01 10:00:00 UTC. */
export const T0 = Date.UTC(2026, 0, 1, 10, 0, 0) / 1000;

/** A frame at `ms` milliseconds after T0. */
export function at(ms: number, frame: Uint8Array): FixtureFrame {
  const t = T0 * 1000 + ms;
  return { frame, tsSec: Math.floor(t / 1000), tsNsec: Math.round((t % 1000) * 1_000_000) };
}

export function captureFile(iface: string): string {
  return `in-${iface}.pcap`;
}

export function captureBytes(caps: Record<string, FixtureFrame[]>): Record<string, Uint8Array> {
  const out: Record<string, Uint8Array> = {};
  for (const [iface, frames] of Object.entries(caps)) out[iface] = fixtureBytes(frames);
  return out;
}

/** `--write`: write a scenario's captures into test/scenarios/<name>/ (called from the built captures.js). */
export function writeCaptures(name: string, caps: Record<string, FixtureFrame[]>): void {
  const dir = path.resolve(__dirname, '../../../test/scenarios', name);
  for (const [iface, frames] of Object.entries(caps)) {
    writeFixture(path.join(dir, captureFile(iface)), frames);
    console.log(`wrote ${path.join(dir, captureFile(iface))} (${frames.length} frames)`);
  }
}

/** Do the committed in-*.pcap files of `dir` equal what captures.ts builds? (one entry per interface) */
export function committedCapturesMatch(dir: string, built: Record<string, Uint8Array>): { files: string[]; same: Record<string, boolean> } {
  const files = fs.readdirSync(dir).filter((f) => /^in-.*\.pcap$/.test(f)).sort();
  const same: Record<string, boolean> = {};
  for (const [iface, bytes] of Object.entries(built)) {
    const p = path.join(dir, captureFile(iface));
    same[iface] = fs.existsSync(p) && Buffer.compare(fs.readFileSync(p), Buffer.from(bytes)) === 0;
  }
  return { files, same };
}

export interface ScenarioRun {
  gen: Generation;
  run: ReplayOutcome;
  /** describeFrame lines of what `port` transmitted, in order. */
  lines(port: string): string[];
  out(port: string): TransmitRecord[];
  /** `<ms> <in-port> <fate>` per input frame, in time order (fate as helpers.fateText). */
  fates(): string[];
  /** The trace as text (empty without `trace: true`). */
  traceText(): string;
}

/** Replay the scenario folder `dir` (its config.rsc and in-<iface>.pcap files). */
export function replayScenario(dir: string, opts: { trace?: boolean } = {}): ScenarioRun {
  const gen = generationFrom(fs.readFileSync(path.join(dir, 'config.rsc'), 'utf8'));
  const caps: Record<string, string> = {};
  for (const f of fs.readdirSync(dir).filter((f) => /^in-.*\.pcap$/.test(f))) caps[f.slice(3, -5)] = path.join(dir, f);
  const trace = opts.trace ? new TraceBuffer(1 << 16) : null;
  const run = replay(gen, caps, trace !== null ? { trace } : {});
  const out = (port: string): TransmitRecord[] => run.outputs.filter((o) => gen.portNames[o.port] === port);
  return {
    gen,
    run,
    out,
    traceText: () => (trace === null ? '' : trace.format(run.flow.traceNames())),
    lines: (port) => out(port).map((o) => describeFrame(o.frame, 0, o.frame.length, 1)),
    fates: () =>
      [...run.inputs]
        .sort((a, b) => a.tsSec - b.tsSec || a.tsNsec - b.tsNsec || a.serial - b.serial)
        .map((i) => {
          const fin = run.finals.get(i.serial);
          const ms = Math.round((i.tsSec - T0) * 1000 + i.tsNsec / 1e6);
          return `${ms} ${gen.portNames[i.port]} ${fin ? fateText(gen, fin[0], fin[1]) : 'no fate'}`;
        }),
  };
}

/** IPv4 header and L4 checksums of every transmitted IPv4 frame (untagged Ethernet): the frames that fail. */
export function badChecksums(outputs: TransmitRecord[]): string[] {
  const bad: string[] = [];
  for (const o of outputs) {
    const f = o.frame;
    if (f[12] !== 0x08 || f[13] !== 0x00) continue;
    const ihl = (f[14]! & 15) * 4;
    const len = (f[16]! << 8) | f[17]!;
    const frag = ((f[20]! & 0x1f) << 8) | f[21]!;
    const ok = ipv4ChecksumOk(f, 14) && (frag !== 0 || (f[20]! & 0x20) !== 0 || l4ChecksumOk4(f, 14, 14 + ihl, len - ihl, f[23]!));
    if (!ok) bad.push(describeFrame(f, 0, f.length, 1));
  }
  return bad;
}
