/**
 * `flowplane replay`: push captured frames through a router and say what happened to each one.
 *
 * It merges the input captures on the capture clock and prints one tcpdump-like line per frame. With a
 * config (`--config`, or a scenario folder's config.rsc) every frame goes through the router's packet flow
 * (dataplane/flow.ts, one frame at a time on the capture clock: dataplane/ports/flow-replay.ts) and the
 * line ends with its fate — sent out an interface, delivered to the router, dropped with a reason, or
 * waiting for ARP — followed by the frames the router sent meanwhile (`-> ether2 ...`). `--out-dir` writes
 * one capture per interface that transmitted, `--trace` the steps of every packet (text, or JSON Lines with
 * `--trace-format json`). Without a config frames are only parsed and described, as before.
 *
 * This file parses the command line into a plan; bin/commands/replay-run.ts runs it (`executeReplay`), and
 * the scenario runner (test/scenarios/runner.test.ts) calls the same function, so its golden files are what
 * this command writes.
 *
 * Implemented in the flow so far: routed ethernet ports, bridges (VLAN filtering, bridge filter/nat),
 * /interface vlan (802.1Q, 802.1ad, QinQ), ARP, IPv4 routing (policy rules, VRFs, ECMP), ICMP, reassembly
 * for the router, fragmentation, the IPv4 firewall (raw, mangle, filter), connection tracking and NAT, queues
 * (trees, simple queues, interface HTB; departures on the capture clock). IPv6 is not applied yet: IPv6
 * frames are dropped with a named reason (ipv6-not-implemented).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import type { Command, Io } from '../cli';
import { demoScenario, projectRoot } from '../paths';
import { executeReplay, planFromScenario, rel, type ReplayInputSpec, type ReplayPlan } from './replay-run';

export { formatTime } from './replay-run';

const USAGE = `usage: flowplane replay [SCENARIO_DIR | CAPTURE...] [options]

Replays captures through a router and prints what happened to each frame. With no inputs it runs
the bundled demo scenario (test/scenarios/demo). A scenario folder holds config.rsc and one input
capture per interface, named in-<interface>.pcap or in-<interface>.pcapng.

options:
  --in IFACE=FILE    a capture arriving on interface IFACE (repeatable; plain CAPTURE arguments
                     arrive on ether1, ether2, ... in order)
  --config FILE      the RouterOS config (.rsc) of the router (default: the scenario's config.rsc)
  --guest NAME=FILE  the config of MetaRouter guest NAME (a /metarouter item of the config; repeatable;
                     a scenario folder's guest-NAME.rsc files are loaded by themselves). The host and
                     its guests run as one lab: frames cross the vif links, the trace names the router
                     at every step ([host] ..., [NAME] ...), captures are written per host port
  --out-dir DIR      write what each interface transmitted to DIR/<interface>.pcap (with a config);
                     timestamps are the capture clock (a forwarded frame leaves at its arrival time)
  --trace FILE       write the steps every packet took (stage: decision) to FILE (with a config):
                     per input frame its steps, those of the packets the router made because of it
                     (ARP requests, ICMP errors, flooded copies, fragments: marked [N.k]) and its fate
  --trace-format F   text (default) or json: JSON Lines, one object per input frame:
                       {"serial", "time" (ISO, ns), "tsSec", "tsNsec", "interface", "length",
                        "ethSrc", "ethDst", "frame" (summary),
                        "steps": [{"stage", "event", "detail", "packet" ("N.k": a router-made
                                   packet), "during" (the input being processed when the step
                                   happened, if another one; 0 = after the last), and the event's
                                   fields: "interface", "reason", "address", "nextHop", "vlanId",...}],
                        "fate": {"kind": "tx"|"local"|"drop"|"queued", "interface"|"reason"|...}}
                     and, if the trace buffer overflowed, a last line {"lostRecords": N}
  --macs             print link-level headers (MAC addresses, ethertype), like tcpdump -e
  --summary          print only the closing summary
  --connections      after the summary, print the connection table as /ip firewall connection print
                     shows it at the end of the captures (flags, PROTOCOL, SRC-ADDRESS, DST-ADDRESS
                     as ip:port, TCP-STATE, TIMEOUT), then each connection in detail: reply tuple,
                     connection-mark, connection-type, master, orig-/repl-packets and -bytes
  --rule-stats       after the summary, print per-rule counters as /ip firewall <table> print stats
                     does, for raw, filter, mangle and nat (chain, action, comment, bytes, packets)
  --queue-stats      after the summary, print queue counters as /queue simple print stats and
                     /queue tree print stats do (bytes, packets, dropped, queued, borrows, lends)
  --log              after the summary, print the router's log as /log print shows it (TIME, TOPICS,
                     MESSAGE): firewall log=yes / action=log lines at the capture clock's time, and the
                     config load's messages (script :log, warnings)
  --workers N        replay as a router run with N worker threads (1..64): NAT picks ports by
                     connection shard (as workers must, so replies can be steered by port); the
                     outputs are byte-identical for every N (docs/workers.md: the causal schedule)
  -h, --help         this help

With a config, frames go through the router: ethernet ports, bridges (VLAN filtering, bridge filter
and nat), VLAN interfaces, ARP, IPv4 routing (policy rules, VRFs, ECMP), ICMP, fragmentation, the
IPv4 firewall (raw, mangle, filter), connection tracking and NAT, and the queues (queue trees, simple
queues, interface HTB: shaped packets leave at their departure time on the capture clock, so output
captures show the rates) are applied; IPv6 is not yet (IPv6 frames are dropped with a named reason).
Without a config frames are parsed and described only.

Linux cooked captures (tcpdump -i any; link types SLL 113 and SLL2 276) are turned into Ethernet
frames at the port: destination the port's own MAC (packets to or from the capturing host),
ff:ff:ff:ff:ff:ff (broadcast) or the group MAC (multicast); source the captured link-layer
address (02:00:00:00:00:00 when the device has none, e.g. PPP); the trace says so.

exit status: 0 all inputs read, 1 an input is truncated or corrupt (frames before the fault are still
replayed, printed, written to --out-dir and --trace; the summary names the byte offset), 2 usage error.
`;

async function run(args: string[], io: Io): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args,
      allowPositionals: true,
      options: {
        in: { type: 'string', multiple: true },
        config: { type: 'string' },
        guest: { type: 'string', multiple: true },
        macs: { type: 'boolean' },
        summary: { type: 'boolean' },
        connections: { type: 'boolean' },
        'rule-stats': { type: 'boolean' },
        'queue-stats': { type: 'boolean' },
        log: { type: 'boolean' },
        'out-dir': { type: 'string' },
        trace: { type: 'string' },
        'trace-format': { type: 'string' },
        workers: { type: 'string' },
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
  const traceFormat = o['trace-format'] ?? 'text';
  if (traceFormat !== 'text' && traceFormat !== 'json') {
    io.err(`flowplane replay: --trace-format expects text or json, got '${traceFormat}'\n`);
    return 2;
  }
  if (o['trace-format'] !== undefined && o.trace === undefined) {
    io.err('flowplane replay: --trace-format needs --trace FILE\n');
    return 2;
  }

  const workers = o.workers === undefined ? undefined : Number(o.workers);
  if (workers !== undefined && (!Number.isInteger(workers) || workers < 1 || workers > 64)) {
    io.err(`flowplane replay: --workers expects 1..64, got '${o.workers}'\n`);
    return 2;
  }

  // Work out the inputs: explicit --in, positional captures, a scenario folder, or the demo.
  let plan: ReplayPlan;
  const pos = parsed.positionals;
  const explicit: ReplayInputSpec[] = [];
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
  for (const spec of o.guest ?? []) {
    const eq = spec.indexOf('=');
    if (eq <= 0 || eq === spec.length - 1) {
      io.err(`flowplane replay: --guest expects NAME=FILE, got '${spec}'\n`);
      return 2;
    }
    const name = spec.slice(0, eq);
    plan.guests = [...(plan.guests ?? []).filter((g) => g.name !== name), { name, file: spec.slice(eq + 1) }];
  }

  return executeReplay(plan, { macs: o.macs, summary: o.summary, outDir: o['out-dir'], trace: o.trace, traceFormat, connections: o.connections, ruleStats: o['rule-stats'], queueStats: o['queue-stats'], log: o.log, workers }, io).code;
}

export const replayCommand: Command = {
  name: 'replay',
  summary: 'replay captures through a router config and print what happened to each packet',
  usage: USAGE,
  run,
};
