/**
 * Runs a differential scenario through both routers and lays the results side by side per input frame.
 * flowplane: config.rsc compiled and the story replayed as captures (the path `flowplane replay` takes);
 * Linux: harness/linux.ts.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fixtureBytes } from '../../../../pcap/fixture';
import { generationFrom, replay, fateText } from '../../../dataplane/flow/helpers';
import { LinuxRouter } from './linux';
import { show, type Shown } from './compare';
import { capturesOf, type Scenario } from './story';

export interface FlowplaneResult {
  /** Final fate text per input frame. */
  fates: string[];
  outputs: Shown[][];
  /** Frames sent with no input as cause (e.g. during the final clock run). */
  stray: Shown[];
}

export function runFlowplane(dir: string, sc: Scenario): FlowplaneResult {
  const gen = generationFrom(fs.readFileSync(path.join(dir, 'config.rsc'), 'utf8'));
  const caps: Record<string, Uint8Array> = {};
  for (const [iface, frames] of Object.entries(capturesOf(sc))) if (frames.length) caps[iface] = fixtureBytes(frames);
  const r = replay(gen, caps);
  // Serials are 1-based in merged capture order, which is the story's order (times are distinct).
  const fates = sc.frames.map((f, i) => {
    const rec = r.inputs[i];
    if (!rec || Buffer.compare(Buffer.from(rec.frame), Buffer.from(f.frame)) !== 0) throw new Error(`${sc.name}: replay input ${i + 1} is not story frame ${i}`);
    const fin = r.finals.get(rec.serial);
    return fin ? fateText(gen, fin[0], fin[1]) : 'no final fate';
  });
  const outputs: Shown[][] = sc.frames.map(() => []);
  const stray: Shown[] = [];
  for (const t of r.outputs) {
    const iface = gen.portNames[t.port]!;
    if (t.cause >= 1 && t.cause <= sc.frames.length) outputs[t.cause - 1]!.push(show(iface, t.frame, sc.frames[t.cause - 1]!.frame));
    else stray.push(show(iface, t.frame, new Uint8Array(0)));
  }
  return { fates, outputs, stray };
}

export interface LinuxResult {
  outputs: Shown[][];
  stray: Shown[];
  lateness: number[];
}

export async function runLinux(dir: string, sc: Scenario, tmp: string): Promise<LinuxResult> {
  const lr = new LinuxRouter(sc.ports, tmp);
  try {
    lr.setup(dir);
    const run = await lr.run(sc.frames);
    return {
      outputs: run.outputs.map((list, i) => list.map((o) => show(o.iface, o.frame, sc.frames[i]!.frame))),
      stray: run.stray.map((o) => show(o.iface, o.frame, new Uint8Array(0))),
      lateness: run.lateness,
    };
  } finally {
    lr.destroy();
  }
}
