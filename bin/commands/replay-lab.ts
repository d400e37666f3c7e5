/**
 * `flowplane replay` for a host with MetaRouter guests: the host and every guest run as one lab
 * (control/instance/lab.ts, dataplane/lab.ts) on the capture clock. Everything else is what replay-run.ts
 * does for one router, so the output reads the same:
 *
 * - per input frame a line with its fate where its journey ended: `sent out ether1` (a host port),
 *   `delivered to the router [mr1]`, `dropped: ... [mr1]` (the router is named when it is a guest);
 * - output captures per host port (`<out-dir>/<interface>.pcap`): what left the lab there, whichever router
 *   sent it (a port handed to a guest with a static link carries the guest's frames);
 * - the trace names the router at every step (`[host] bridge-input: ...`, `[mr1] srcnat: ...`), so one
 *   packet can be followed into a guest and back out;
 * - the summary adds each guest's interface counters under its name, and what the links dropped.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Io } from '../cli';
import { PacketPool } from '../../dataplane/buf/pool';
import { ReplaySource, type ReplayInput } from '../../dataplane/ports/replay';
import { replayThroughLab } from '../../dataplane/ports/lab-replay';
import { describeFrame } from '../../dataplane/wire/describe';
import { DROP_NAMES } from '../../dataplane/drop';
import { PcapWriter } from '../../pcap/writer';
import { formatConnections, formatRuleStats } from '../../dataplane/firewall/report';
import { Fate } from '../../dataplane/flow';
import { TraceBuffer } from '../../dataplane/trace';
import type { RouterInstance } from '../../control/instance/router';
import { MetaLab } from '../../control/instance/lab';
import { compileProblems, formatCompileProblem } from '../../control/compile/problems';
import { ReplayTally } from './replay-tally';
import {
  type ReplayPlan,
  type ReplayResult,
  type ReplayRunOptions,
  type TracedInput,
  faultLines,
  faultsOf,
  fateText,
  formatTime,
  inputHeader,
  rel,
  reportFaults,
  traceFile,
} from './replay-run';

export function runLab(plan: ReplayPlan, inputs: ReplayInput[], ifaces: string[], o: ReplayRunOptions, io: Io, host: RouterInstance): ReplayResult {
  const fail = (msg: string): ReplayResult => {
    io.err(`flowplane replay: ${msg}\n`);
    return { code: 2, frames: 0, summary: '', faults: [] };
  };
  const pool = new PacketPool({ slots: 4096 });
  const tracing = o.trace !== undefined;
  const trace = tracing ? new TraceBuffer(pool.slots, 1 << 20) : null;
  const ml = new MetaLab(host, { pool, trace });
  const lab = ml.lab;
  const file = plan.config!;
  for (const p of compileProblems(host.store, ml.routers[0]!.gen)) io.err(formatCompileProblem(p, rel(file)));
  for (const g of plan.guests ?? []) {
    const r = ml.routers.find((x) => x.label === g.name);
    if (r !== undefined) for (const p of compileProblems(r.router.store, r.gen)) io.err(formatCompileProblem(p, rel(g.file)));
  }
  // Each input interface: a host port, or a guest's (static link).
  const route: [number, number][] = [];
  for (const inp of inputs) {
    const name = ifaces[inp.port]!;
    const to = ml.inputs.get(name);
    if (to === undefined) return fail(`${name}: not an ethernet interface of the config (ports: ${ml.routers[0]!.gen.portNames.join(', ')})`);
    route[inp.port] = to;
  }
  // Names of every (router, port), for fates and captures: host ports by name, guest ports `guest:port`.
  const allNames: string[] = [];
  const nameIndex: number[][] = ml.routers.map((r, k) =>
    r.gen.portNames.map((p, i) => {
      const out = ml.outputName(k, i);
      return allNames.push(out ?? `${r.label}:${p}`) - 1;
    }),
  );
  const label = (k: number) => (k === 0 ? '' : ` [${ml.routers[k]!.label}]`);
  const fateOfLab = (k: number, fate: number, arg: number): [number, number] => (fate === Fate.TX ? [fate, nameIndex[k]![arg] ?? -1] : [fate, arg]);

  const outDir = o.outDir;
  if (outDir !== undefined) fs.mkdirSync(outDir, { recursive: true });
  const src = new ReplaySource(pool, inputs);
  io.out(`flowplane replay: ${plan.title}\n`);
  io.out(`  config  ${rel(file)}  (host; applied: ports, bridges, VLANs, ARP, IPv4 routing, ICMP, fragmentation, firewall, connection tracking, NAT, queues; not yet: IPv6)\n`);
  for (const r of ml.routers.slice(1)) {
    const g = plan.guests?.find((x) => x.name === r.label);
    io.out(`  guest   ${r.label}  ${g !== undefined ? rel(g.file) : '(no configuration)'}  (${r.guest!.state}, memory-size ${r.guest!.budget.mib}MiB)\n`);
  }
  inputHeader(plan, inputs, io);
  io.out('\n');
  const width = Math.max(...plan.inputs.map((i) => i.iface.length), 6);
  const writers = new Map<string, PcapWriter>();
  const tally = new ReplayTally();
  const routerOf = new Map<number, number>();
  const pendingOut: string[] = [];
  const traced: TracedInput[] = [];
  let n = 0;
  try {
    n = replayThroughLab(lab, src, {
      route,
      trace: tracing,
      output: (k, p) => ml.outputName(k, p),
      onTransmit: (t) => {
        tally.output(t.name);
        if (outDir !== undefined) {
          let w = writers.get(t.name);
          if (!w) writers.set(t.name, (w = PcapWriter.toFile(path.join(outDir, `${t.name}.pcap`), { nanosecond: true })));
          w.writeRecord(t.frame, 0, t.frame.length, t.frame.length, t.tsSec, t.tsNsec);
        }
        if (!o.summary) {
          const line = `${' '.repeat(7)}-> ${t.name.padEnd(width)}  ${describeFrame(t.frame, 0, t.frame.length, 1, { macs: !!o.macs })}${label(t.router)}`;
          if (t.cause === 0) io.out(`${line}  (${formatTime(t.tsSec, t.tsNsec)})\n`);
          else pendingOut.push(line);
        }
      },
      onInput: (r) => {
        const inName = ifaces[r.srcPort]!;
        const [f, a] = fateOfLab(r.fateRouter, r.fate, r.fateArg);
        tally.input(inName, r.serial, f, a, r.frame, r.linkType);
        routerOf.set(r.serial, r.fateRouter);
        if (tracing) traced.push({ serial: r.serial, tsSec: r.tsSec, tsNsec: r.tsNsec, iface: inName, wireLen: r.wireLen, frame: r.frame });
        if (!o.summary) {
          const what = r.frame.length > 0 ? describeFrame(r.frame, 0, r.frame.length, r.linkType, { macs: !!o.macs }) : '';
          const where = f === Fate.TX && r.fateRouter !== 0 && ml.outputName(r.fateRouter, r.fateArg) !== null ? '' : label(r.fateRouter);
          io.out(`${String(r.serial).padStart(5)}  ${formatTime(r.tsSec, r.tsNsec)}  ${inName.padEnd(width)}  ${String(r.wireLen).padStart(5)}  ${what}  => ${fateText(f, a, allNames)}${where}\n`);
          for (const l of pendingOut) io.out(l + '\n');
        }
        pendingOut.length = 0;
      },
      onFinal: (s, k, fate, arg) => {
        const [f, a] = fateOfLab(k, fate, arg);
        tally.final(s, f, a, label(k));
        routerOf.set(s, k);
      },
    });
    ml.poll();
  } finally {
    for (const w of writers.values()) w.close();
    if (trace !== null) {
      fs.writeFileSync(o.trace!, traceFile(o.traceFormat ?? 'text', trace, ml.traceNames(), traced, (s) => tally.fateOf(s), allNames));
    }
  }

  const faults = faultsOf(src, plan, inputs, (p) => ifaces[p]!);
  const byName = (a: string, b: string): number => (a < b ? -1 : 1);
  const linkDrops = [...lab.drops].map((v, r) => [DROP_NAMES[r], v] as const).filter(([, v]) => v > 0);
  const routerStats = ml.routers.flatMap((r, k) => {
    const s = lab.flows[k]!.formatInterfaceStats();
    return k === 0 ? [s] : ['', `guest ${r.label} (${r.guest!.state}):`, s];
  });
  const summary = [
    ...tally.headLines(n, plan.inputs.map((i) => i.iface), 'a router', byName, true),
    `metarouter links: ${lab.crossed} frames crossed${linkDrops.length > 0 ? `; dropped ${linkDrops.map(([k, v]) => `${k} ${v}`).join(', ')}` : ''}`,
    '',
    ...routerStats,
    ...(faults.length > 0 ? ['', ...faultLines(faults)] : []),
  ].join('\n');
  io.out(`\n${summary}\n`);
  ml.routers.forEach((r, k) => {
    const flow = lab.flows[k]!;
    const who = k === 0 ? '' : ` [${r.label}]`;
    if (o.connections) {
      io.out(`\n/ip firewall connection print${who} (at the capture clock's end)\n`);
      io.out(flow.firewall !== null && flow.firewall.tracking ? formatConnections(flow.firewall, flow.state.now, { markNames: r.gen.firewall.markNames }) : 'connection tracking is off for this config (no firewall rules, enabled=auto)\n');
    }
    if (o.queueStats) io.out(`\n${who ? `${who.trim()} ` : ''}${flow.formatQueueStats()}\n`);
    if (o.ruleStats) io.out(`\n${who ? `${who.trim()}\n` : ''}${flow.firewall !== null ? formatRuleStats(flow.firewall) : 'no firewall rules in this config\n'}`);
    if (o.log) io.out(`\n/log print${who}\n${r.router.log.format()}\n`);
  });
  if (outDir !== undefined && tally.perOut.size > 0) io.out(`captures: ${tally.outputs(byName).map((p) => rel(path.join(outDir, `${p}.pcap`))).join(', ')}\n`);
  if (trace !== null) io.out(`trace: ${rel(o.trace!)}${o.traceFormat === 'json' ? ' (JSON Lines)' : ''}\n`);
  reportFaults(faults, io);
  return { code: faults.length > 0 ? 1 : 0, frames: n, summary, faults };
}
