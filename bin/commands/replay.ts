/**
 * `flowplane replay`: push captured frames through a router and say what happened to each one.
 *
 * It merges the input captures on the capture clock and prints one tcpdump-like line per frame. With a
 * config (`--config`, or a scenario folder's config.rsc) every frame goes through the router's packet flow
 * (dataplane/flow.ts, one frame at a time on the capture clock: dataplane/ports/flow-replay.ts) and the
 * line ends with its fate — sent out an interface, delivered to the router, dropped with a reason, or
 * waiting for ARP — followed by the frames the router sent meanwhile (`-> ether2 ...`). `--out-dir` writes
 * one capture per interface that transmitted, `--trace` the steps of every packet. Without a config
 * frames are only parsed and described, as before.
 *
 * Implemented in the flow so far: routed ethernet ports, bridges (learning, forwarding, flooding, the
 * bridge's own IP interface), /interface vlan (802.1Q, 802.1ad, QinQ), ARP, IPv4 forwarding, ICMP echo
 * and errors, fragmentation on egress. IPv6, firewall/NAT and queues are not applied yet: IPv6 frames are
 * dropped with a named reason (ipv6-not-implemented); the others pass the placeholder stages unchanged.
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
import { DROP_NAMES, Drop } from '../../dataplane/drop';
import { openCapture } from '../../pcap/reader';
import { PcapWriter } from '../../pcap/writer';
import { RouterInstance } from '../../control/instance/router';
import { formatConfigError } from './config-args';
import { compileGeneration } from '../../control/compile/generation';
import { Flow, Fate } from '../../dataplane/flow';
import { replayThroughFlow } from '../../dataplane/ports/flow-replay';
import { TraceBuffer } from '../../dataplane/trace';
import { ipv4ToString } from '../../dataplane/wire/ipv4';

const USAGE = `usage: flowplane replay [SCENARIO_DIR | CAPTURE...] [options]

Replays captures through a router and prints what happened to each frame. With no inputs it runs
the bundled demo scenario (test/scenarios/demo). A scenario folder holds config.rsc and one input
capture per interface, named in-<interface>.pcap or in-<interface>.pcapng.

options:
  --in IFACE=FILE    a capture arriving on interface IFACE (repeatable; plain CAPTURE arguments
                     arrive on ether1, ether2, ... in order)
  --config FILE      the RouterOS config (.rsc) of the router (default: the scenario's config.rsc)
  --out-dir DIR      write what each interface transmitted to DIR/<interface>.pcap (with a config);
                     timestamps are the capture clock (a forwarded frame leaves at its arrival time)
  --trace FILE       write the steps every packet took (stage: decision) to FILE (with a config)
  --macs             print link-level headers (MAC addresses, ethertype), like tcpdump -e
  --summary          print only the closing summary
  -h, --help         this help

With a config, frames go through the router: routed ethernet ports, bridges (learning, forwarding,
flooding), VLAN interfaces, ARP, IPv4 forwarding, ICMP and fragmentation are applied; IPv6, firewall,
NAT and queues are not yet (IPv6 frames are dropped with a named reason; the others pass the
firewall/queue stages unchanged). Without a config frames are parsed and described only.

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
        'out-dir': { type: 'string' },
        trace: { type: 'string' },
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

  if (plan.config) return runFlow(plan, inputs, ifaces, o, io);
  if (o['out-dir'] !== undefined || o.trace !== undefined) {
    io.err('flowplane replay: --out-dir and --trace need a config (--config FILE or a scenario folder)\n');
    for (const r of inputs) r.reader.close();
    return 2;
  }

  io.out(`flowplane replay: ${plan.title}\n`);
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

interface FlowOpts {
  macs?: boolean | undefined;
  summary?: boolean | undefined;
  'out-dir'?: string | undefined;
  trace?: string | undefined;
}

/** The replay through the router's packet flow (a config was given). */
function runFlow(plan: Plan, inputs: ReplayInput[], ifaces: string[], o: FlowOpts, io: Io): number {
  const closeAll = () => {
    for (const r of inputs) r.reader.close();
  };
  const file = plan.config!;
  const router = new RouterInstance();
  const res = router.load(fs.readFileSync(file, 'utf8'), rel(file));
  if (!res.ok) {
    for (const e of res.errors) io.err(formatConfigError(e));
    io.err(`flowplane replay: ${rel(file)}: the config does not load (${res.errors.length} problem${res.errors.length === 1 ? '' : 's'})\n`);
    closeAll();
    return 2;
  }
  const gen = compileGeneration(router.store);
  // Bind each input to the router's port of that name.
  for (const inp of inputs) {
    const name = ifaces[inp.port]!;
    const port = gen.portNames.indexOf(name);
    if (port < 0) {
      io.err(`flowplane replay: ${name}: not an ethernet interface of the config (ports: ${gen.portNames.join(', ')})\n`);
      closeAll();
      return 2;
    }
    inp.port = port;
  }
  const outDir = o['out-dir'];
  if (outDir !== undefined) fs.mkdirSync(outDir, { recursive: true });

  io.out(`flowplane replay: ${plan.title}\n`);
  io.out(`  config  ${rel(file)}  (applied: ports, bridges, VLANs, ARP, IPv4 forwarding, ICMP, fragmentation; not yet: IPv6, firewall, NAT, queues)\n`);
  plan.inputs.forEach((inp, i) => io.out(`  ${inp.iface.padEnd(7)} <- ${rel(inp.file)} (${inputs[i]!.reader.format})\n`));
  io.out('\n');

  const pool = new PacketPool({ slots: 1024 });
  const trace = o.trace !== undefined ? new TraceBuffer(pool.slots, 1 << 20) : null;
  const flow = new Flow(gen, { pool, trace });
  const src = new ReplaySource(pool, inputs);
  const names = gen.portNames;
  const width = Math.max(...plan.inputs.map((i) => i.iface.length), 6);
  const writers = new Map<number, PcapWriter>();
  const perIn = new Map<string, number>();
  const perOut = new Map<string, number>();
  const finals = { tx: 0, local: 0, drop: 0 };
  const dropReasons = new Map<string, number>();
  let malformed = 0;
  const malformedReasons = new Map<string, number>();
  const pendingOut: string[] = [];
  const scratch = new PacketPool({ slots: 1 });
  scratch.alloc();
  const n = replayThroughFlow(flow, src, {
    trace: trace !== null,
    onTransmit: (t) => {
      const name = names[t.port]!;
      perOut.set(name, (perOut.get(name) ?? 0) + 1);
      if (outDir !== undefined) {
        let w = writers.get(t.port);
        if (!w) writers.set(t.port, (w = PcapWriter.toFile(path.join(outDir, `${name}.pcap`), { nanosecond: true })));
        w.writeRecord(t.frame, 0, t.frame.length, Math.max(t.frame.length, 60), t.tsSec, t.tsNsec);
      }
      if (!o.summary) {
        const line = `${' '.repeat(7)}-> ${name.padEnd(width)}  ${describeFrame(t.frame, 0, t.frame.length, 1, { macs: !!o.macs })}`;
        if (t.cause === 0) io.out(`${line}  (${formatTime(t.tsSec, t.tsNsec)})\n`);
        else pendingOut.push(line);
      }
    },
    onInput: (r) => {
      const inName = names[r.port]!;
      perIn.set(inName, (perIn.get(inName) ?? 0) + 1);
      // Malformed or not, whatever the flow did with it (a frame dropped early is never parsed there).
      const bad = r.frame.length > 0 ? parseFrame(r.frame, 0, r.frame.length, r.linkType, scratch.meta, 0) : Drop.FRAME_TOO_LARGE;
      if (bad !== 0) {
        malformed++;
        const k = DROP_NAMES[bad]!;
        malformedReasons.set(k, (malformedReasons.get(k) ?? 0) + 1);
      }
      if (!o.summary) {
        const what = r.frame.length > 0 ? describeFrame(r.frame, 0, r.frame.length, r.linkType, { macs: !!o.macs }) : '';
        let verdict: string;
        if (r.fate === Fate.TX) verdict = `sent out ${names[r.fateArg]}`;
        else if (r.fate === Fate.LOCAL) verdict = 'delivered to the router';
        else if (r.fate === Fate.DROP) verdict = `dropped: ${DROP_NAMES[r.fateArg]}`;
        else if (r.fate === Fate.QUEUED) verdict = `waiting for ARP of ${ipv4ToString(r.fateArg >>> 0)}`;
        else verdict = 'no fate (bug)';
        io.out(`${String(r.serial).padStart(5)}  ${formatTime(r.tsSec, r.tsNsec)}  ${inName.padEnd(width)}  ${String(r.wireLen).padStart(5)}  ${what}  => ${verdict}\n`);
        for (const l of pendingOut) io.out(l + '\n');
      }
      pendingOut.length = 0;
    },
    onFinal: (_s, fate, arg) => {
      if (fate === Fate.TX) finals.tx++;
      else if (fate === Fate.LOCAL) finals.local++;
      else if (fate === Fate.DROP) {
        finals.drop++;
        const k = DROP_NAMES[arg] ?? String(arg);
        dropReasons.set(k, (dropReasons.get(k) ?? 0) + 1);
      }
    },
  });
  for (const w of writers.values()) w.close();

  const per = plan.inputs.map((i) => i.iface).filter((v, i, a) => a.indexOf(v) === i).map((k) => `${k} ${perIn.get(k) ?? 0}`).join(', ');
  const malText = malformed ? ` (${[...malformedReasons].map(([k, v]) => `${k} ${v}`).join(', ')})` : '';
  io.out(`\n${n} frames (${per}); ${n - malformed} parsed, ${malformed} malformed${malText}\n`);
  const dropText = finals.drop ? ` (${[...dropReasons].sort((a, b) => b[1] - a[1]).map(([k, v]) => `${k} ${v}`).join(', ')})` : '';
  io.out(`fates: ${finals.tx} sent out, ${finals.local} delivered to the router, ${finals.drop} dropped${dropText}\n`);
  const outs = [...perOut].map(([k, v]) => `${k} ${v}`).join(', ');
  io.out(`transmitted: ${outs || 'nothing'}${outDir !== undefined && perOut.size > 0 ? ` (written to ${rel(outDir)}/<interface>.pcap)` : ''}\n`);
  io.out(`\n${flow.formatInterfaceStats()}\n`);
  if (trace !== null) {
    fs.writeFileSync(o.trace!, trace.format(flow.traceNames()) + '\n');
    io.out(`trace: ${rel(o.trace!)}\n`);
  }
  for (const e of src.errors) {
    const f = plan.inputs.find((_inp, i) => inputs[i]!.port === e.port && inputs[i]!.reader.error === e.error)?.file;
    io.err(`flowplane replay: ${names[e.port]}: ${f ? rel(f) : '?'}: ${e.error.message}\n`);
  }
  closeAll();
  return src.errors.length > 0 ? 1 : 0;
}

export const replayCommand: Command = {
  name: 'replay',
  summary: 'replay captures through a router config and print what happened to each packet',
  usage: USAGE,
  run,
};
