/**
 * What `flowplane replay` does once its arguments are parsed: open the inputs, run them through the router
 * (or only describe them when there is no config), print a line per frame and a summary, write the output
 * captures (`--out-dir`) and the trace (`--trace`, text or JSON Lines). bin/commands/replay.ts parses the
 * command line into a ReplayPlan and ReplayRunOptions and calls `executeReplay`; the scenario runner
 * (test/scenarios/runner.test.ts) calls the very same function with a scenario folder's plan, so what the
 * golden files hold is what the command writes.
 *
 * Output captures: one nanosecond pcap per interface that transmitted, `<out-dir>/<interface>.pcap`, records
 * in transmit order with the flow clock as timestamp (a forwarded frame leaves at its arrival time), each
 * frame exactly as the router built it (captured length = wire length: a capture taken on the router itself;
 * a frame shorter than 60 bytes is not padded here, as the NIC would pad it on the wire).
 *
 * Traces (`--trace FILE`), one entry per input frame in serial order, with the steps of the frame and of the
 * packets the router made because of it (ARP requests, ICMP errors, flooded copies, fragments: `[3.1]`):
 * - text (default): `packet N  time  interface  frame (tcpdump -e style)`, the steps (`stage: event details`,
 *   `(during packet M)` when a later input's processing moved it on), and `=> fate`;
 * - json: JSON Lines, one object per input frame:
 *   `{"serial","time","tsSec","tsNsec","interface","length","ethSrc","ethDst","frame","steps":[{"stage",
 *   "event","detail", "packet"?, "during"?, ...the event's named fields}],"fate":{"kind":"tx"|"local"|"drop"|
 *   "queued", "interface"|"protocol"|"ethertype"|"reason"|"nextHop"}}`; when the trace buffer overflowed, a
 *   last line `{"lostRecords":N}`.
 * Tracing off costs nothing per packet beyond the replay itself: no trace buffer exists, inputs are not
 * flagged, and no per-input trace data is kept.
 *
 * A truncated or corrupt input stops only that input: everything before it is replayed, written (captures,
 * trace) and summarised, the summary and stderr name the byte offset, and the exit status is 1.
 */
import { compileProblems, formatCompileProblem } from '../../control/compile/problems';
import { ReplayTally } from './replay-tally';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Io } from '../cli';
import { PacketPool } from '../../dataplane/buf/pool';
import { PacketVector } from '../../dataplane/buf/vector';
import { ReplaySource, type ReplayInput } from '../../dataplane/ports/replay';
import { parseFrame } from '../../dataplane/wire/parse';
import { describeFrame } from '../../dataplane/wire/describe';
import { macToString } from '../../dataplane/wire/ethernet';
import { DROP_NAMES } from '../../dataplane/drop';
import { openCapture, type AnyCaptureReader } from '../../pcap/reader';
import { PcapWriter } from '../../pcap/writer';
import { formatConnections, formatRuleStats } from '../../dataplane/firewall/report';
import { RouterInstance } from '../../control/instance/router';
import { formatConfigError } from './config-args';
import { compileGeneration } from '../../control/compile/generation';
import { Flow, Fate } from '../../dataplane/flow';
import { replayThroughFlow } from '../../dataplane/ports/flow-replay';
import { TraceBuffer, type TraceNames } from '../../dataplane/trace';
import { ipv4ToString } from '../../dataplane/wire/ipv4';
import { runLab } from './replay-lab';

/** One input capture and the interface it arrives on. */
export interface ReplayInputSpec {
  iface: string;
  file: string;
}

/** What to replay: the inputs, and the config (none: frames are only described). */
export interface ReplayPlan {
  title: string;
  config?: string;
  inputs: ReplayInputSpec[];
  /** MetaRouter guests' configurations (`--guest NAME=FILE`; a scenario folder's `guest-NAME.rsc`). */
  guests?: { name: string; file: string }[];
}

export type TraceFormat = 'text' | 'json';

export interface ReplayRunOptions {
  /** Print link-level headers in the per-frame lines (`--macs`). */
  macs?: boolean | undefined;
  /** Print only the closing summary (`--summary`). */
  summary?: boolean | undefined;
  /** Write one capture per transmitting interface here (`--out-dir`). */
  outDir?: string | undefined;
  /** Write the trace here (`--trace`). */
  trace?: string | undefined;
  /** `--trace-format` (default text). */
  traceFormat?: TraceFormat | undefined;
  /** After the summary, print the connection table like `/ip firewall connection print` (`--connections`). */
  connections?: boolean | undefined;
  /** After the summary, print per-rule counters like `/ip firewall filter print stats` (`--rule-stats`). */
  ruleStats?: boolean | undefined;
  /** After the summary, print queue counters like `/queue simple print stats` (`--queue-stats`). */
  queueStats?: boolean | undefined;
  /** After the summary, print the router's log like `/log print` (`--log`). */
  log?: boolean | undefined;
  /**
   * `--workers N`: replay as a router run with N workers does (docs/workers.md). The replay is the causal
   * schedule — every frame runs to completion on the capture clock before the next, shared tables updated
   * in input order — so the outputs are byte-identical for every N; what a worker count changes in the
   * router (NAT ports congruent to the connection's shard, ConnTable.natShards) is the same for all N.
   */
  workers?: number | undefined;
}

/** An input that stopped early. */
export interface ReplayInputFault {
  iface: string;
  file: string;
  offset: number;
  message: string;
}

export interface ReplayResult {
  /** Exit status: 0 all inputs read, 1 an input is truncated or corrupt, 2 usage error. */
  code: number;
  /** Input frames replayed. */
  frames: number;
  /**
   * The closing summary as printed (frames per interface, fates, drops by reason, what each interface
   * transmitted, `/interface print stats`-style counters, inputs that stopped early), without file paths:
   * the same for the same inputs wherever the files are.
   */
  summary: string;
  faults: ReplayInputFault[];
}

/** The plan for a scenario folder: its config.rsc and its `in-<interface>.pcap[ng]` captures (name order). */
export function planFromScenario(dir: string): ReplayPlan | string {
  if (!fs.existsSync(dir) || !fs.statSync(dir).isDirectory()) return `${dir}: not a scenario folder`;
  const inputs: ReplayInputSpec[] = [];
  for (const f of fs.readdirSync(dir).sort()) {
    const m = /^in-(.+)\.(pcap|pcapng)$/.exec(f);
    if (m) inputs.push({ iface: m[1]!, file: path.join(dir, f) });
  }
  if (inputs.length === 0) return `${dir}: no input captures (in-<interface>.pcap) in the scenario folder`;
  const cfg = path.join(dir, 'config.rsc');
  const plan: ReplayPlan = { title: dir, inputs };
  if (fs.existsSync(cfg)) plan.config = cfg;
  const guests: { name: string; file: string }[] = [];
  for (const f of fs.readdirSync(dir).sort()) {
    const m = /^guest-(.+)\.rsc$/.exec(f);
    if (m) guests.push({ name: m[1]!, file: path.join(dir, f) });
  }
  if (guests.length > 0) plan.guests = guests;
  return plan;
}

export function rel(p: string): string {
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

/** `YYYY-MM-DDTHH:MM:SS.nnnnnnnnnZ` (UTC, always nanoseconds). */
export function formatIsoTime(sec: number, nsec: number): string {
  return `${new Date(sec * 1000).toISOString().slice(0, 19)}.${String(nsec).padStart(9, '0')}Z`;
}

/** Names of the link types the replay header mentions. */
function linkTypeName(t: number): string {
  return t === 1 ? 'ethernet' : t === 113 ? 'linux-sll' : t === 276 ? 'linux-sll2' : t === 101 ? 'raw-ip' : `link type ${t}`;
}

/**
 * Run a plan: open the inputs (a missing file is a usage error, before anything is printed), then replay
 * them through the config's router, or describe them when the plan has no config.
 */
export function executeReplay(plan: ReplayPlan, o: ReplayRunOptions, io: Io): ReplayResult {
  const usage = (msg: string): ReplayResult => {
    io.err(`flowplane replay: ${msg}\n`);
    return { code: 2, frames: 0, summary: '', faults: [] };
  };
  for (const inp of plan.inputs) if (!fs.existsSync(inp.file)) return usage(`${inp.file}: no such file`);
  if (plan.config && !fs.existsSync(plan.config)) return usage(`${plan.config}: no such file`);
  if (!plan.config && (o.outDir !== undefined || o.trace !== undefined)) {
    return usage('--out-dir and --trace need a config (--config FILE or a scenario folder)');
  }
  // One port per distinct interface name, in order of appearance.
  const ifaces: string[] = [];
  const inputs: ReplayInput[] = [];
  const readers: AnyCaptureReader[] = [];
  for (const inp of plan.inputs) {
    let port = ifaces.indexOf(inp.iface);
    if (port < 0) port = ifaces.push(inp.iface) - 1;
    const reader = openCapture(inp.file);
    readers.push(reader);
    inputs.push({ port, reader });
  }
  try {
    return plan.config ? runFlow(plan, inputs, ifaces, o, io) : describeOnly(plan, inputs, ifaces, o, io);
  } finally {
    for (const r of readers) r.close();
  }
}

/** Inputs that stopped early, matched back to their files. */
export function faultsOf(src: ReplaySource, plan: ReplayPlan, inputs: ReplayInput[], portName: (p: number) => string): ReplayInputFault[] {
  return src.errors.map((e) => {
    const i = inputs.findIndex((inp) => inp.port === e.port && inp.reader.error === e.error);
    return { iface: portName(e.port), file: i >= 0 ? plan.inputs[i]!.file : '?', offset: e.error.offset, message: e.error.message };
  });
}

export function reportFaults(faults: ReplayInputFault[], io: Io): void {
  for (const f of faults) io.err(`flowplane replay: ${f.iface}: ${rel(f.file)}: ${f.message}\n`);
}

export function faultLines(faults: ReplayInputFault[]): string[] {
  return faults.map((f) => `input stopped early: ${f.iface} (${path.basename(f.file)}) at byte ${f.offset}: ${f.message}`);
}

export function inputHeader(plan: ReplayPlan, inputs: ReplayInput[], io: Io): void {
  plan.inputs.forEach((inp, i) => {
    const r = inputs[i]!.reader;
    const lt = r.linkType ? `, ${linkTypeName(r.linkType)}${r.linkType === 113 || r.linkType === 276 ? ' converted to ethernet' : ''}` : '';
    io.out(`  ${inp.iface.padEnd(7)} <- ${rel(inp.file)} (${r.format}${lt})\n`);
  });
}

/** No config: parse and describe every frame. */
function describeOnly(plan: ReplayPlan, inputs: ReplayInput[], ifaces: string[], o: ReplayRunOptions, io: Io): ReplayResult {
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
  const faults = faultsOf(src, plan, inputs, (p) => ifaces[p]!);
  const summary = [`${total} frames (${per}); ${total - malformed} parsed, ${malformed} malformed${dropText}`, ...faultLines(faults)].join('\n');
  io.out(`\n${summary}\n`);
  reportFaults(faults, io);
  return { code: faults.length > 0 ? 1 : 0, frames: total, summary, faults };
}

/** What the trace keeps per input frame (only when tracing). */
export interface TracedInput {
  serial: number;
  tsSec: number;
  tsNsec: number;
  iface: string;
  wireLen: number;
  frame: Uint8Array;
}

export function fateText(fate: number, arg: number, names: readonly string[]): string {
  if (fate === Fate.TX) return `sent out ${names[arg]}`;
  if (fate === Fate.LOCAL) return 'delivered to the router';
  if (fate === Fate.DROP) return `dropped: ${DROP_NAMES[arg] ?? `reason ${arg}`}`;
  if (fate === Fate.QUEUED) return `waiting for ARP of ${ipv4ToString(arg >>> 0)}`;
  if (fate === Fate.HELD) return 'held by a queue';
  return 'no fate (bug)';
}

function fateObject(fate: number, arg: number, names: readonly string[]): Record<string, string | number> {
  if (fate === Fate.TX) return { kind: 'tx', interface: names[arg] ?? `port ${arg}` };
  if (fate === Fate.LOCAL) return arg >= 0 ? { kind: 'local', protocol: arg } : { kind: 'local' };
  if (fate === Fate.DROP) return { kind: 'drop', reason: DROP_NAMES[arg] ?? `reason-${arg}` };
  if (fate === Fate.QUEUED) return { kind: 'queued', nextHop: ipv4ToString(arg >>> 0) };
  if (fate === Fate.HELD) return { kind: 'held' };
  return { kind: 'none' };
}

/** The trace file's text: see the module comment. */
export function traceFile(
  format: TraceFormat,
  trace: TraceBuffer,
  names: TraceNames,
  traced: TracedInput[],
  fateOf: (serial: number) => [number, number],
  portNames: readonly string[],
): string {
  const bySerial = new Map(trace.packets().map((p) => [p.id, p.steps]));
  const out: string[] = [];
  for (const t of traced) {
    const steps = bySerial.get(t.serial) ?? [];
    const [fate, arg] = fateOf(t.serial);
    const eth = t.frame.length >= 14;
    if (format === 'json') {
      out.push(
        JSON.stringify({
          serial: t.serial,
          time: formatIsoTime(t.tsSec, t.tsNsec),
          tsSec: t.tsSec,
          tsNsec: t.tsNsec,
          interface: t.iface,
          length: t.wireLen,
          ethSrc: eth ? macToString(t.frame, 6) : null,
          ethDst: eth ? macToString(t.frame, 0) : null,
          frame: t.frame.length > 0 ? describeFrame(t.frame, 0, t.frame.length, 1) : '',
          steps: steps.map((s) => trace.stepObject(t.serial, s, names)),
          fate: fateObject(fate, arg, portNames),
        }),
      );
      continue;
    }
    const what = t.frame.length > 0 ? describeFrame(t.frame, 0, t.frame.length, 1, { macs: true }) : '(no bytes)';
    out.push(`packet ${t.serial}  ${formatTime(t.tsSec, t.tsNsec)}  ${t.iface}  ${what}`);
    for (const s of steps) out.push(`  ${trace.stepLine(t.serial, s, names)}`);
    out.push(`  => ${fateText(fate, arg, portNames)}`);
  }
  if (trace.lost > 0) {
    out.push(format === 'json' ? JSON.stringify({ lostRecords: trace.lost }) : `(${trace.lost} trace records lost: the trace buffer was full)`);
  }
  return out.length > 0 ? out.join('\n') + '\n' : '';
}

/** The replay through the router's packet flow (a config was given). */
function runFlow(plan: ReplayPlan, inputs: ReplayInput[], ifaces: string[], o: ReplayRunOptions, io: Io): ReplayResult {
  const fail = (msg: string): ReplayResult => {
    io.err(`flowplane replay: ${msg}\n`);
    return { code: 2, frames: 0, summary: '', faults: [] };
  };
  const file = plan.config!;
  const router = new RouterInstance();
  const res = router.load(fs.readFileSync(file, 'utf8'), rel(file));
  if (!res.ok) {
    for (const e of res.errors) io.err(formatConfigError(e));
    return fail(`${rel(file)}: the config does not load (${res.errors.length} problem${res.errors.length === 1 ? '' : 's'})`);
  }
  // MetaRouter guests: their configurations, then the whole lab runs (bin/commands/replay-lab.ts).
  for (const g of plan.guests ?? []) {
    const guest = router.metarouter.get(g.name);
    if (guest === undefined) return fail(`--guest ${g.name}: no /metarouter named ${g.name} in ${rel(file)} (guests: ${router.metarouter.list().map((x) => x.name).join(', ') || 'none'})`);
    if (!fs.existsSync(g.file)) return fail(`${g.file}: no such file`);
    const gr = guest.router as RouterInstance;
    const gres = gr.load(fs.readFileSync(g.file, 'utf8'), rel(g.file));
    if (!gres.ok) {
      for (const e of gres.errors) io.err(formatConfigError(e));
      return fail(`${rel(g.file)}: the config of guest ${g.name} does not load (${gres.errors.length} problem${gres.errors.length === 1 ? '' : 's'})`);
    }
  }
  if (router.metarouter.guests.size > 0) return runLab(plan, inputs, ifaces, o, io, router);
  const gen = compileGeneration(router.store);
  // What the flow cannot apply (rules compiled inactive, queues left out): warnings, the replay goes on.
  for (const p of compileProblems(router.store, gen)) io.err(formatCompileProblem(p, rel(file)));
  // Bind each input to the router's port of that name.
  for (const inp of inputs) {
    const name = ifaces[inp.port]!;
    const port = gen.portNames.indexOf(name);
    if (port < 0) return fail(`${name}: not an ethernet interface of the config (ports: ${gen.portNames.join(', ')})`);
    inp.port = port;
  }
  const outDir = o.outDir;
  if (outDir !== undefined) fs.mkdirSync(outDir, { recursive: true });

  // Queues hold packets while they wait (a pcq's default total limit is ~1400 full frames): room for them.
  const pool = new PacketPool({ slots: 4096 });
  const tracing = o.trace !== undefined;
  const trace = tracing ? new TraceBuffer(pool.slots, 1 << 20) : null;
  const flow = new Flow(gen, { pool, trace, log: router.log, natShards: o.workers !== undefined });
  const src = new ReplaySource(pool, inputs); // reads each input's first record: link types are known

  io.out(`flowplane replay: ${plan.title}\n`);
  io.out(`  config  ${rel(file)}  (applied: ports, bridges, VLANs, ARP, IPv4 routing, ICMP, fragmentation, firewall, connection tracking, NAT, queues; not yet: IPv6)\n`);
  inputHeader(plan, inputs, io);
  io.out('\n');
  const names = gen.portNames;
  const width = Math.max(...plan.inputs.map((i) => i.iface.length), 6);
  const writers = new Map<number, PcapWriter>();
  const tally = new ReplayTally();
  const pendingOut: string[] = [];
  const traced: TracedInput[] = [];
  let n = 0;
  try {
    n = replayThroughFlow(flow, src, {
      trace: tracing,
      onTransmit: (t) => {
        tally.output(names[t.port]!);
        if (outDir !== undefined) {
          let w = writers.get(t.port);
          if (!w) writers.set(t.port, (w = PcapWriter.toFile(path.join(outDir, `${names[t.port]}.pcap`), { nanosecond: true })));
          w.writeRecord(t.frame, 0, t.frame.length, t.frame.length, t.tsSec, t.tsNsec);
        }
        if (!o.summary) {
          const line = `${' '.repeat(7)}-> ${names[t.port]!.padEnd(width)}  ${describeFrame(t.frame, 0, t.frame.length, 1, { macs: !!o.macs })}`;
          if (t.cause === 0) io.out(`${line}  (${formatTime(t.tsSec, t.tsNsec)})\n`);
          else pendingOut.push(line);
        }
      },
      onInput: (r) => {
        const inName = names[r.port]!;
        tally.input(inName, r.serial, r.fate, r.fateArg, r.frame, r.linkType);
        if (tracing) traced.push({ serial: r.serial, tsSec: r.tsSec, tsNsec: r.tsNsec, iface: inName, wireLen: r.wireLen, frame: r.frame });
        if (!o.summary) {
          const what = r.frame.length > 0 ? describeFrame(r.frame, 0, r.frame.length, r.linkType, { macs: !!o.macs }) : '';
          const verdict = fateText(r.fate, r.fateArg, names);
          io.out(`${String(r.serial).padStart(5)}  ${formatTime(r.tsSec, r.tsNsec)}  ${inName.padEnd(width)}  ${String(r.wireLen).padStart(5)}  ${what}  => ${verdict}\n`);
          for (const l of pendingOut) io.out(l + '\n');
        }
        pendingOut.length = 0;
      },
      onFinal: (s, fate, arg) => tally.final(s, fate, arg),
    });
  } finally {
    // Whatever happened, what was transmitted and traced so far is written.
    for (const w of writers.values()) w.close();
    if (trace !== null) {
      fs.writeFileSync(o.trace!, traceFile(o.traceFormat ?? 'text', trace, flow.traceNames(), traced, (s) => tally.fateOf(s), names));
    }
  }

  const faults = faultsOf(src, plan, inputs, (p) => names[p]!);
  const byPort = (a: string, b: string): number => names.indexOf(a) - names.indexOf(b);
  const summary = [
    ...tally.headLines(n, plan.inputs.map((i) => i.iface), 'the router', byPort, false),
    '',
    flow.formatInterfaceStats(),
    ...(faults.length > 0 ? ['', ...faultLines(faults)] : []),
  ].join('\n');
  io.out(`\n${summary}\n`);
  if (o.connections) {
    io.out(`\n/ip firewall connection print (at the capture clock's end)\n`);
    io.out(flow.firewall !== null && flow.firewall.tracking ? formatConnections(flow.firewall, flow.state.now, { markNames: gen.firewall.markNames }) : 'connection tracking is off for this config (no firewall rules, enabled=auto)\n');
  }
  if (o.queueStats) io.out(`\n${flow.formatQueueStats()}\n`);
  if (o.ruleStats) io.out(`\n${flow.firewall !== null ? formatRuleStats(flow.firewall) : 'no firewall rules in this config\n'}`);
  if (o.log) io.out(`\n/log print\n${router.log.format()}\n`);
  if (outDir !== undefined && tally.perOut.size > 0) io.out(`captures: ${tally.outputs(byPort).map((p) => rel(path.join(outDir, `${p}.pcap`))).join(', ')}\n`);
  if (trace !== null) io.out(`trace: ${rel(o.trace!)}${o.traceFormat === 'json' ? ' (JSON Lines)' : ''}\n`);
  reportFaults(faults, io);
  return { code: faults.length > 0 ? 1 : 0, frames: n, summary, faults };
}
