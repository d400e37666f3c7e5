/**
 * `flowplane bench`: how fast the dataplane runs a traffic profile in memory — Mpps, Gbit/s, ns per packet,
 * the per-stage clock table (VPP's `show runtime`: vectors, packets, ns per packet per stage), and with
 * `--workers N` a scaling table over the in-thread run and 1..N worker threads. bench/bench-run.ts runs the
 * measurements; this file parses the command line and prints (text, or one JSON document with `--json`).
 */
import * as fs from 'node:fs';
import { parseArgs } from 'node:util';
import type { Command, Io } from '../cli';
import { PROFILES } from '../../bench/profiles';
import { runInThread, runWorkers, type BenchOptions, type RunResult } from '../../bench/bench-run';
import { SHARDS } from '../../dataplane/worker/shard';
import { formatRuntime } from '../../dataplane/graph';
import * as os from 'node:os';

const USAGE = `usage: flowplane bench [options]

Measures the dataplane in memory: generated traffic of a profile (or frames of captures, replayed in
a loop) runs through the router's whole packet flow for a number of seconds, and the rates are
printed: packets per second, Gbit/s (frame bytes with FCS), ns per packet, and per stage of the flow
its calls, vectors, packets and ns per packet (like VPP's show runtime).

options:
  --profile NAME     the traffic and config (default soho):
                       l2              bridged between two ports, 10k learned MACs
                       l3              routed, default route
                       l3-1m-routes    routed through a 1M-prefix FIB (Internet-like lengths)
                       soho            RouterOS defconf firewall + masquerade, 10k connections
                       soho-fasttrack  the same with the defconf fasttrack rule
                       isp-queues      routed through 10k simple queues (100M each)
  --config FILE      use this RouterOS config instead of the profile's (its traffic must fit it)
  --pcap [IFACE=]FILE  replay the frames of a capture (arriving on IFACE, default ether1) instead
                     of the profile's traffic; repeatable
  --workers N        also run with 1..N worker threads (piscina) behind a dispatcher and print the
                     scaling table (default: the in-thread run only); N is at most ${SHARDS}
  --reload S         with workers: switch configuration generation every S seconds under load
                     (the config, then the config with one more filter rule that matches nothing,
                     and back); connections carry over, and the runs report reloads, the longest
                     pause and the connections carried
  --seconds S        timed seconds per run (default 3; a quarter of it, at most 1 s, warms up first)
  --json             print one JSON document (rates, stages, scaling) instead of text
  -h, --help         this help

Workers run the built JavaScript (dist/): build first (npm run build). The per-stage table of a run
with workers adds up the stages of all workers. Micro-benchmarks of single tables and stages: npm run bench.

exit status: 0 measured, 1 the config or capture could not be used, 2 usage error.
`;

function fmtRun(r: RunResult): string {
  const who = r.workers === 0 ? 'in-thread' : `${r.workers} worker${r.workers > 1 ? 's' : ''}`;
  return `${who}: ${r.mpps.toFixed(2)} Mpps, ${r.gbps.toFixed(2)} Gbit/s (${r.frameBytes.toFixed(0)} B frames), ${r.nsPerPacket.toFixed(1)} ns/packet`;
}


function scalingTable(rows: RunResult[]): string {
  const base = rows.find((r) => r.workers === 1) ?? rows[0]!;
  const single = rows.find((r) => r.workers === 0);
  const lines = [`${'run'.padEnd(10)}  ${'Mpps'.padStart(7)}  ${'Gbit/s'.padStart(7)}  ${'ns/pkt'.padStart(7)}  ${'Mpps/worker'.padStart(11)}  ${'vs 1 worker'.padStart(11)}  ${'per worker vs in-thread'.padStart(23)}`];
  for (const r of rows) {
    const name = r.workers === 0 ? 'in-thread' : `${r.workers} worker${r.workers > 1 ? 's' : ''}`;
    const vs1 = r.workers === 0 ? '' : `${(r.mpps / base.mpps).toFixed(2)}x`;
    const vsIn = r.workers === 0 || single === undefined ? '' : `${((r.perWorker / single.mpps) * 100).toFixed(0)}%`;
    lines.push(`${name.padEnd(10)}  ${r.mpps.toFixed(2).padStart(7)}  ${r.gbps.toFixed(2).padStart(7)}  ${r.nsPerPacket.toFixed(1).padStart(7)}  ${r.perWorker.toFixed(2).padStart(11)}  ${vs1.padStart(11)}  ${vsIn.padStart(23)}`);
  }
  return lines.join('\n');
}

async function run(args: string[], io: Io): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args,
      options: {
        profile: { type: 'string' },
        config: { type: 'string' },
        pcap: { type: 'string', multiple: true },
        workers: { type: 'string' },
        seconds: { type: 'string' },
        reload: { type: 'string' },
        json: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (e) {
    io.err(`flowplane bench: ${(e as Error).message}\n\n${USAGE}`);
    return 2;
  }
  const o = parsed.values;
  if (o.help) {
    io.out(USAGE);
    return 0;
  }
  const profile = o.profile ?? 'soho';
  if (!(PROFILES as readonly string[]).includes(profile)) {
    io.err(`flowplane bench: unknown profile '${profile}' (one of ${PROFILES.join(', ')})\n`);
    return 2;
  }
  const workers = o.workers === undefined ? 0 : Number(o.workers);
  if (!Number.isInteger(workers) || workers < 0 || workers > SHARDS) {
    io.err(`flowplane bench: --workers expects 0..${SHARDS}, got '${o.workers}'\n`);
    return 2;
  }
  const seconds = o.seconds === undefined ? 3 : Number(o.seconds);
  if (!Number.isFinite(seconds) || seconds <= 0 || seconds > 3600) {
    io.err(`flowplane bench: --seconds expects a number of seconds (0 < S <= 3600), got '${o.seconds}'\n`);
    return 2;
  }
  const opts: BenchOptions = { profile, seconds };
  if (o.reload !== undefined) {
    const r = Number(o.reload);
    if (!Number.isFinite(r) || r <= 0 || workers === 0) {
      io.err(`flowplane bench: --reload expects seconds > 0 and --workers N, got '${o.reload}'\n`);
      return 2;
    }
    opts.reloadEvery = r;
  }
  try {
    if (o.config !== undefined) opts.config = fs.readFileSync(o.config, 'utf8');
  } catch (e) {
    io.err(`flowplane bench: ${(e as Error).message}\n`);
    return 1;
  }
  if (o.pcap !== undefined) {
    opts.pcaps = o.pcap.map((spec) => {
      const eq = spec.indexOf('=');
      return eq > 0 ? { port: spec.slice(0, eq), file: spec.slice(eq + 1) } : { port: 'ether1', file: spec };
    });
  }
  const json = o.json === true;
  let lastLen = 0;
  if (!json) {
    opts.progress = (line) => {
      io.err(`\r${line.padEnd(lastLen)}`);
      lastLen = line.length;
    };
  }
  const clearProgress = () => {
    if (lastLen > 0) io.err(`\r${' '.repeat(lastLen)}\r`);
    lastLen = 0;
  };
  const rows: RunResult[] = [];
  try {
    rows.push(runInThread(opts));
    clearProgress();
    for (let n = 1; n <= workers; n++) {
      rows.push(await runWorkers(opts, n));
      clearProgress();
    }
  } catch (e) {
    clearProgress();
    io.err(`flowplane bench: ${(e as Error).message}\n`);
    return 1;
  }
  const machine = `${os.cpus().length} x ${os.cpus()[0]?.model ?? 'cpu'}, node ${process.version}`;
  if (json) {
    io.out(
      JSON.stringify(
        {
          profile,
          config: o.config ?? null,
          pcaps: opts.pcaps ?? null,
          seconds,
          machine,
          runs: rows.map((r) => ({
            workers: r.workers,
            packets: r.packets,
            transmitted: r.sent,
            seconds: r.seconds,
            mpps: r.mpps,
            gbps: r.gbps,
            nsPerPacket: r.nsPerPacket,
            mppsPerWorker: r.perWorker,
            frameBytes: r.frameBytes,
            drops: r.drops,
            misSteered: r.misSteered,
            reloads: r.reloads,
            reloadPauseMs: r.reloadPauseMs,
            carriedConnections: r.carried,
            stages: r.runtime.filter((s) => s.calls > 0).map((s) => ({ name: s.name, calls: s.calls, vectors: s.vectors, packets: s.packets, nsPerPacket: s.packets ? s.ns / s.packets : 0 })),
          })),
        },
        null,
        2,
      ) + '\n',
    );
    return 0;
  }
  const out: string[] = [`flowplane bench: profile ${profile}${o.config ? ` with ${o.config}` : ''}${opts.pcaps ? `, frames of ${opts.pcaps.map((p) => p.file).join(', ')}` : ''}; ${machine}`, ''];
  const main = rows[rows.length - 1]!;
  for (const r of rows) out.push(fmtRun(r));
  const lost = main.packets - main.sent;
  if (lost !== 0 || Object.keys(main.drops).length > 0) {
    out.push(`  transmitted ${main.sent} of ${main.packets}${Object.keys(main.drops).length ? `; drops: ${Object.entries(main.drops).map(([k, v]) => `${k} ${v}`).join(', ')}` : ''}`);
  }
  if (main.reloads > 0) out.push(`  ${main.reloads} configuration reloads under load, longest pause ${main.reloadPauseMs.toFixed(1)} ms; connections carried: ${main.carried.join(', ')}`);
  if (main.misSteered > 0) out.push(`  ${main.misSteered} answers would have been steered to another worker`);
  out.push('', `per stage (${main.workers === 0 ? 'in-thread' : `${main.workers} workers, summed`}):`, formatRuntime(main.runtime));
  if (rows.length > 1) out.push('', 'scaling:', scalingTable(rows));
  io.out(out.join('\n') + '\n');
  return 0;
}

export const benchCommand: Command = {
  name: 'bench',
  summary: 'measure dataplane throughput (Mpps, Gbit/s, ns per packet per stage, scaling over workers)',
  usage: USAGE,
  run,
};
