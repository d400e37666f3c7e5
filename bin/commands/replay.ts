/**
 * `flowplane replay`: push captured frames through a router and say what happened to each one.
 *
 * Today (the [foundation] stage) it merges the input captures on the capture clock, lands every frame in a
 * packet slot, parses its headers into the metadata columns and prints one tcpdump-like line per frame,
 * with the named drop reason of malformed frames. The RouterOS packet flow (bridge, firewall, NAT,
 * routing, queues) and output captures come with the [l2l3] issue and those after it.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import type { Command, Io } from '../cli';
import { demoScenario, projectRoot } from '../paths';
import { PacketPool } from '../../dataplane/buf/pool';
import { PacketVector } from '../../dataplane/buf/vector';
import { ReplaySource, type ReplayInput } from '../../dataplane/ports/replay';
import { parseFrame } from '../../dataplane/wire/parse';
import { describeFrame } from '../../dataplane/wire/describe';
import { DROP_NAMES } from '../../dataplane/drop';
import { openCapture } from '../../pcap/reader';

const USAGE = `usage: flowplane replay [SCENARIO_DIR | CAPTURE...] [options]

Replays captures through a router and prints what happened to each frame. With no inputs it runs
the bundled demo scenario (test/scenarios/demo). A scenario folder holds config.rsc and one input
capture per interface, named in-<interface>.pcap or in-<interface>.pcapng.

options:
  --in IFACE=FILE    a capture arriving on interface IFACE (repeatable; plain CAPTURE arguments
                     arrive on ether1, ether2, ... in order)
  --config FILE      the RouterOS config (.rsc) of the router (default: the scenario's config.rsc)
  --macs             print link-level headers (MAC addresses, ethertype), like tcpdump -e
  --summary          print only the closing summary
  -h, --help         this help

The RouterOS packet flow itself (bridge, firewall, NAT, routing, queues) arrives with [l2l3]: for now
frames are parsed and described, and the config is read but not applied.

exit status: 0 all inputs read, 1 an input is truncated or corrupt (frames before the fault are still
replayed and printed), 2 usage error.
`;

interface Input {
  iface: string;
  file: string;
}

interface Plan {
  title: string;
  config?: string;
  inputs: Input[];
}

function planFromScenario(dir: string): Plan | string {
  if (!fs.existsSync(dir) || !fs.statSync(dir).isDirectory()) return `${dir}: not a scenario folder`;
  const inputs: Input[] = [];
  for (const f of fs.readdirSync(dir).sort()) {
    const m = /^in-(.+)\.(pcap|pcapng)$/.exec(f);
    if (m) inputs.push({ iface: m[1]!, file: path.join(dir, f) });
  }
  if (inputs.length === 0) return `${dir}: no input captures (in-<interface>.pcap) in the scenario folder`;
  const cfg = path.join(dir, 'config.rsc');
  const plan: Plan = { title: dir, inputs };
  if (fs.existsSync(cfg)) plan.config = cfg;
  return plan;
}

function rel(p: string): string {
  const r = path.relative(process.cwd(), p);
  return r && !r.startsWith('..') ? r : p;
}

/** `HH:MM:SS.ffffff` (UTC), with nanoseconds when the capture has sub-microsecond precision. */
export function formatTime(sec: number, nsec: number): string {
  const d = new Date(sec * 1000);
  const hms = d.toISOString().slice(11, 19);
  const frac = nsec % 1000 === 0 ? String(nsec / 1000).padStart(6, '0') : String(nsec).padStart(9, '0');
  return `${hms}.${frac}`;
}

async function run(args: string[], io: Io): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args,
      allowPositionals: true,
      options: {
        in: { type: 'string', multiple: true },
        config: { type: 'string' },
        macs: { type: 'boolean' },
        summary: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (e) {
    io.err(`flowplane replay: ${(e as Error).message}\n\n${USAGE}`);
    return 2;
  }
  const o = parsed.values;
  if (o.help) {
    io.out(USAGE);
    return 0;
  }

  // Work out the inputs: explicit --in, positional captures, a scenario folder, or the demo.
  let plan: Plan;
  const pos = parsed.positionals;
  const explicit: Input[] = [];
  for (const spec of o.in ?? []) {
    const eq = spec.indexOf('=');
    if (eq <= 0 || eq === spec.length - 1) {
      io.err(`flowplane replay: --in expects IFACE=FILE, got '${spec}'\n`);
      return 2;
    }
    explicit.push({ iface: spec.slice(0, eq), file: spec.slice(eq + 1) });
  }
  if (pos.length === 1 && fs.existsSync(pos[0]!) && fs.statSync(pos[0]!).isDirectory()) {
    const p = planFromScenario(pos[0]!);
    if (typeof p === 'string') {
      io.err(`flowplane replay: ${p}\n`);
      return 2;
    }
    plan = p;
    plan.inputs.push(...explicit);
  } else if (pos.length > 0 || explicit.length > 0) {
    const inputs = [...explicit];
    pos.forEach((f, i) => inputs.push({ iface: `ether${i + 1}`, file: f }));
    plan = { title: inputs.map((i) => rel(i.file)).join(', '), inputs };
  } else {
    const p = planFromScenario(demoScenario());
    if (typeof p === 'string') {
      io.err(`flowplane replay: bundled demo is missing: ${p}\n`);
      return 2;
    }
    plan = p;
    plan.title = `bundled demo (${path.relative(projectRoot(), demoScenario())})`;
  }
  if (o.config) plan.config = o.config;

  // Open everything before printing a frame, so a missing file is a usage error and nothing is half done.
  const ifaces: string[] = [];
  const inputs: ReplayInput[] = [];
  for (const inp of plan.inputs) {
    if (!fs.existsSync(inp.file)) {
      io.err(`flowplane replay: ${inp.file}: no such file\n`);
      return 2;
    }
    let port = ifaces.indexOf(inp.iface);
    if (port < 0) port = ifaces.push(inp.iface) - 1;
    inputs.push({ port, reader: openCapture(inp.file) });
  }
  if (plan.config && !fs.existsSync(plan.config)) {
    io.err(`flowplane replay: ${plan.config}: no such file\n`);
    return 2;
  }

  io.out(`flowplane replay: ${plan.title}\n`);
  if (plan.config) io.out(`  config  ${rel(plan.config)}  (read, not applied yet: the RouterOS packet flow arrives with [l2l3])\n`);
  plan.inputs.forEach((inp, i) => io.out(`  ${inp.iface.padEnd(7)} <- ${rel(inp.file)} (${inputs[i]!.reader.format})\n`));
  io.out('\n');

  const pool = new PacketPool({ slots: 1024 });
  const vec = new PacketVector();
  const src = new ReplaySource(pool, inputs);
  const m = pool.meta;
  const perIface = ifaces.map(() => 0);
  const drops = new Map<string, number>();
  let total = 0;
  const width = Math.max(...ifaces.map((s) => s.length));
  while (src.fill(vec) > 0) {
    for (let i = 0; i < vec.count; i++) {
      const slot = vec.slots[i]!;
      const off = pool.frameOffset(slot);
      const len = m.len[slot]!;
      let drop = m.drop[slot]!;
      if (drop === 0) drop = parseFrame(pool.bytes, off, len, m.linkType[slot]!, m, slot);
      total++;
      perIface[m.inPort[slot]!]!++;
      if (drop !== 0) drops.set(DROP_NAMES[drop]!, (drops.get(DROP_NAMES[drop]!) ?? 0) + 1);
      if (!o.summary) {
        const what = len > 0 ? describeFrame(pool.bytes, off, len, m.linkType[slot]!, { macs: !!o.macs }) : '';
        const verdict = drop !== 0 ? `  => dropped: ${DROP_NAMES[drop]}` : '';
        io.out(
          `${String(total).padStart(5)}  ${formatTime(m.tsSec[slot]!, m.tsNsec[slot]!)}  ${ifaces[m.inPort[slot]!]!.padEnd(width)}  ` +
            `${String(m.wireLen[slot]).padStart(5)}  ${what}${verdict}\n`,
        );
      }
      pool.free(slot);
    }
    vec.clear();
  }

  const per = ifaces.map((n, i) => `${n} ${perIface[i]}`).join(', ');
  const malformed = [...drops.values()].reduce((a, b) => a + b, 0);
  const dropText = malformed ? ` (${[...drops].map(([k, v]) => `${k} ${v}`).join(', ')})` : '';
  io.out(`\n${total} frames (${per}); ${total - malformed} parsed, ${malformed} malformed${dropText}\n`);
  for (const e of src.errors) {
    const file = plan.inputs.find((_inp, i) => inputs[i]!.port === e.port && inputs[i]!.reader.error === e.error)?.file;
    io.err(`flowplane replay: ${ifaces[e.port]}: ${file ? rel(file) : '?'}: ${e.error.message}\n`);
  }
  for (const r of inputs) r.reader.close();
  return src.errors.length > 0 ? 1 : 0;
}

export const replayCommand: Command = {
  name: 'replay',
  summary: 'replay captures through a router config and print what happened to each packet',
  usage: USAGE,
  run,
};
