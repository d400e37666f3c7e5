/**
 * `flowplane run --config router.rsc --tap ether1=tapA [--pcap-if ether2=veth0] [--console] [--persist]`:
 * a router running live on real Linux devices until SIGINT/SIGTERM.
 *
 * The startup is a chain of small steps (parse the options table, load the config, open the ports, start
 * the live router, install signals, open the console): each one is a function below, so other ways to serve
 * the router (the RouterOS API/REST options) can be added beside them. Logs go to stdout as RouterOS `/log`
 * lines (`HH:MM:SS topics message`). SIGHUP reloads the config file (a config that does not load is not
 * applied; the running one stays and the log says why); established connections are carried over.
 * SIGINT/SIGTERM close the ports (TAPs this run created go away unless --persist) and exit 0.
 */
import * as fs from 'node:fs';
import type { Command, Io } from '../cli';
import { RouterInstance } from '../../control/instance/router';
import { LiveRouter } from '../../control/instance/live-router';
import { runConsole } from '../../control/console/console';
import type { LiveBinding } from '../../dataplane/ports/live';
import { TapPort } from '../../dataplane/ports/tap';
import { PcapPort } from '../../dataplane/ports/pcap-if';
import { formatConfigError } from './config-args';
import { packageVersion } from '../paths';

const USAGE = `usage: flowplane run --config FILE.rsc --tap IF=DEV [--tap IF=DEV ...] [--pcap-if IF=DEV ...]
                     [--console] [--persist] [--slots N] [--tap-offload] [--busy-poll US]

Runs the router of FILE.rsc live: each --tap makes (or attaches to) the TAP device DEV and uses it as the
router interface IF (ether1...); each --pcap-if uses an existing interface DEV (a veth end, a NIC)
through libpcap. Prints the interfaces and their addresses, then log lines like RouterOS /log.

options:
${'@OPTIONS@'}
signals: SIGHUP reloads FILE (kept as it was when FILE does not load, connections carried over);
         SIGINT, SIGTERM stop (TAP devices removed unless --persist).

exit status: 0 stopped by a signal or by quitting the console, 1 FILE has errors or a device could not
be opened, 2 usage error.
`;

// ---- the options table (one row per option; merged by hand with other run options) ----

interface RunOptions {
  config?: string;
  taps: [string, string][];
  pcapIfs: [string, string][];
  console: boolean;
  persist: boolean;
  slots?: number;
  tapOffload: boolean;
  busyPollUs?: number;
}

interface OptionRow {
  name: string;
  arg?: string;
  help: string;
  set: (o: RunOptions, v: string) => string | null;
}

const pair = (v: string): [string, string] | null => {
  const m = /^([^=]+)=([^=]+)$/.exec(v);
  return m ? [m[1]!, m[2]!] : null;
};

const OPTIONS: OptionRow[] = [
  { name: '--config', arg: 'FILE', help: 'the RouterOS configuration (.rsc) to run', set: (o, v) => ((o.config = v), null) },
  {
    name: '--tap',
    arg: 'IF=DEV',
    help: 'router interface IF on the TAP device DEV (created when missing; repeatable)',
    set: (o, v) => {
      const p = pair(v);
      if (p === null) return `--tap wants IF=DEV, got ${v}`;
      if (p[1].length > 15) return `--tap ${v}: device names have at most 15 characters`;
      o.taps.push(p);
      return null;
    },
  },
  {
    name: '--pcap-if',
    arg: 'IF=DEV',
    help: 'router interface IF on the existing interface DEV, through libpcap (repeatable)',
    set: (o, v) => {
      const p = pair(v);
      if (p === null) return `--pcap-if wants IF=DEV, got ${v}`;
      o.pcapIfs.push(p);
      return null;
    },
  },
  { name: '--console', help: 'open a RouterOS console on the running router (print stats shows live counters)', set: (o) => ((o.console = true), null) },
  { name: '--persist', help: 'keep the TAP devices when the router stops', set: (o) => ((o.persist = true), null) },
  {
    name: '--tap-offload',
    help: 'open TAPs with vnet headers and TSO/checksum offloads (64 KiB TCP super-frames; default 1024 slots of 64 KiB)',
    set: (o) => ((o.tapOffload = true), null),
  },
  {
    name: '--busy-poll',
    arg: 'US',
    help: 'after each burst keep polling the ports for US microseconds (lower latency for CPU; default 0)',
    set: (o, v) => {
      const n = Number(v);
      if (!Number.isInteger(n) || n < 0 || n > 100_000) return `--busy-poll wants microseconds 0..100000, got ${v}`;
      o.busyPollUs = n;
      return null;
    },
  },
  {
    name: '--slots',
    arg: 'N',
    help: 'packet slots of the flow (default 8192)',
    set: (o, v) => {
      const n = Number(v);
      if (!Number.isInteger(n) || n < 256 || n > 1 << 20) return `--slots wants an integer 256..1048576, got ${v}`;
      o.slots = n;
      return null;
    },
  },
];

function optionsHelp(): string {
  const left = OPTIONS.map((r) => `  ${r.name}${r.arg ? ' ' + r.arg : ''}`);
  const w = Math.max(...left.map((l) => l.length));
  return OPTIONS.map((r, i) => `${left[i]!.padEnd(w)}  ${r.help}`).join('\n') + '\n';
}

/** Parse the command line with OPTIONS; a string is a usage error. */
export function parseRunArgs(args: string[]): RunOptions | string {
  const o: RunOptions = { taps: [], pcapIfs: [], console: false, persist: false, tapOffload: false };
  for (let i = 0; i < args.length; i++) {
    let a = args[i]!;
    let v: string | undefined;
    const eq = a.indexOf('=');
    if (a.startsWith('--') && eq > 0) {
      v = a.slice(eq + 1);
      a = a.slice(0, eq);
    }
    const row = OPTIONS.find((r) => r.name === a);
    if (row === undefined) return `unknown option ${args[i]}`;
    if (row.arg !== undefined && v === undefined) {
      v = args[++i];
      if (v === undefined) return `${a} needs ${row.arg}`;
    }
    const err = row.set(o, v ?? '');
    if (err !== null) return err;
  }
  if (o.config === undefined) return '--config FILE is required';
  if (o.taps.length + o.pcapIfs.length === 0) return 'at least one --tap or --pcap-if is required';
  const ifs = [...o.taps, ...o.pcapIfs].map((p) => p[0]);
  const dup = ifs.find((x, i) => ifs.indexOf(x) !== i);
  if (dup !== undefined) return `interface ${dup} is given twice`;
  return o;
}

// ---- startup steps ----

/** RouterOS /log style: `HH:MM:SS topics message` (local time as the router shows it: UTC here). */
export function logLine(d: Date, topics: string, message: string): string {
  return `${d.toISOString().slice(11, 19)} ${topics} ${message}\n`;
}

function loadRouter(file: string, io: Io): RouterInstance | null {
  if (!fs.existsSync(file)) {
    io.err(`flowplane run: ${file}: no such file\n`);
    return null;
  }
  const router = new RouterInstance();
  const res = router.load(fs.readFileSync(file, 'utf8'), file);
  if (!res.ok) {
    for (const e of res.errors) io.err(formatConfigError(e));
    io.err(`flowplane run: ${file}: the config does not load; nothing started\n`);
    return null;
  }
  return router;
}

function openPorts(o: RunOptions, router: RouterInstance, io: Io): LiveBinding[] | null {
  const bindings: LiveBinding[] = [];
  const eth = router.store.table('/interface ethernet');
  const names = new Set(eth?.items.map((it) => eth.value(it, 'name')) ?? []);
  try {
    for (const [iface] of [...o.taps, ...o.pcapIfs]) {
      if (!names.has(iface)) throw new Error(`${iface}: not an ethernet interface of the config (${[...names].join(', ')})`);
    }
    for (const [iface, dev] of o.taps) bindings.push({ iface, io: new TapPort(dev, { persist: o.persist, offload: o.tapOffload }) });
    for (const [iface, dev] of o.pcapIfs) bindings.push({ iface, io: new PcapPort(dev) });
    return bindings;
  } catch (e) {
    for (const b of bindings) b.io.close();
    io.err(`flowplane run: ${(e as Error).message}\n`);
    return null;
  }
}

function installSignals(live: LiveRouter, file: string, stop: () => void): () => void {
  const hup = (): void => {
    let text: string;
    try {
      text = fs.readFileSync(file, 'utf8');
    } catch (e) {
      log('system,error', `configuration ${file} not read: ${(e as Error).message}; the running one is kept`);
      return;
    }
    live.reload(text, file);
  };
  process.on('SIGHUP', hup);
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  return () => {
    process.off('SIGHUP', hup);
    process.off('SIGINT', stop);
    process.off('SIGTERM', stop);
  };
}

let log: (topics: string, message: string) => void = () => {};

async function run(args: string[], io: Io): Promise<number> {
  if (args.includes('--help') || args.includes('-h')) {
    io.out(USAGE.replace('@OPTIONS@\n', optionsHelp()));
    return 0;
  }
  const o = parseRunArgs(args);
  if (typeof o === 'string') {
    io.err(`flowplane run: ${o}\n${USAGE.replace('@OPTIONS@\n', optionsHelp())}`);
    return 2;
  }
  const file = o.config!;
  const router = loadRouter(file, io);
  if (router === null) return 1;
  const bindings = openPorts(o, router, io);
  if (bindings === null) return 1;
  log = (topics, message) => io.out(logLine(new Date(), topics, message));
  // Super-frames need 64 KiB slots (+ headroom): fewer of them, unless --slots says otherwise.
  const pool = o.tapOffload ? { slotSize: 65536 + 512, slots: o.slots ?? 1024 } : o.slots !== undefined ? { slots: o.slots } : {};
  const live = new LiveRouter(router, bindings, { log, ...pool, ...(o.busyPollUs ? { driver: { busyPollUs: o.busyPollUs } } : {}) });
  io.out(`flowplane ${packageVersion()} run: ${file}\n${live.describe()}`);
  live.driver.start();
  log('system,info', `router started on ${bindings.map((b) => `${b.iface}=${b.io.device}`).join(', ')}`);

  return new Promise<number>((resolve) => {
    let done = false;
    const stop = (): void => {
      if (done) return;
      done = true;
      uninstall();
      live.driver.stop();
      log('system,info', `router stopped${o.persist ? ' (TAP devices kept)' : ''}`);
      resolve(0);
    };
    const uninstall = installSignals(live, file, stop);
    if (o.console) {
      const terminal = Boolean(process.stdin.isTTY && process.stdout.isTTY);
      void runConsole(live.consoleBackend(), process.stdin, process.stdout, { terminal, counters: live.counterSource(), version: packageVersion() }).then(stop);
    }
  });
}

export const runCommand: Command = {
  name: 'run',
  summary: 'run a router live on TAP devices and existing interfaces',
  usage: 'flowplane run --config FILE.rsc --tap ether1=tapA [--pcap-if ether2=veth0] [--console] [--persist]',
  run,
};
