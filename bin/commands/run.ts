/**
 * `flowplane run --config router.rsc [--tap ether1=tapA] [--pcap-if ether2=veth0] [--console] [--persist]
 * [--api-port N] [--rest-port N] [--listen ADDR] ...`: a router running live on real Linux devices, serving its
 * management APIs (binary API, REST: control/api) as `/ip service` configures them, until SIGINT/SIGTERM.
 * Without --tap/--pcap-if the router's interfaces are unplugged: a router run for its APIs alone.
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
import { monitorText } from '../../control/console/monitor-traffic';
import type { LiveBinding } from '../../dataplane/ports/live';
import { TapPort } from '../../dataplane/ports/tap';
import { PcapPort } from '../../dataplane/ports/pcap-if';
import { formatConfigError } from './config-args';
import { packageVersion } from '../paths';
import { type Management, type ServiceName, startManagement } from '../../control/api/services';

const USAGE = `usage: flowplane run --config FILE.rsc [--tap IF=DEV ...] [--pcap-if IF=DEV ...] [--console] [--persist]
                     [--slots N] [--tap-offload] [--tap-queues N] [--busy-poll US] [--workers N] [--guest NAME=FILE ...]
                     [--api-port N] [--rest-port N] [--api-ssl-port N] [--rest-ssl-port N]
                     [--listen ADDR] [--tls-cert FILE --tls-key FILE] [--no-empty] [--strict] [--ethernet-ports N]

Runs the router of FILE.rsc live: each --tap makes (or attaches to) the TAP device DEV and uses it as the
router interface IF (ether1...); each --pcap-if uses an existing interface DEV (a veth end, a NIC)
through libpcap. Prints the interfaces and their addresses, then log lines like RouterOS /log. Without
--tap or --pcap-if the interfaces are unplugged (a router run for its APIs alone).

The management APIs run as /ip service configures them: api (RouterOS binary API, 8728), api-ssl (8729),
www (REST under /rest, 80), www-ssl (443). Every change through an API applies atomically and reaches the
running dataplane at once. Safe by default: services listen on loopback unless their /ip service address=
admits other clients or --listen names an address; a non-loopback listener refuses to start while a full
user has an empty password. With live ports, a service whose port is taken is logged and skipped.

options:
${'@OPTIONS@'}
signals: SIGHUP reloads FILE (kept as it was when FILE does not load, connections carried over);
         SIGUSR1 prints every interface's rates over the last second (/interface monitor-traffic);
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
  // management APIs (control/api)
  apiPorts: Partial<Record<ServiceName, number>>;
  listen?: string;
  tlsCert?: string;
  tlsKey?: string;
  noEmpty: boolean;
  /** MetaRouter guests' configurations: [name, file]. */
  guests: [string, string][];
  // loading
  strict: boolean;
  ethernetPorts?: number;
  tapOffload: boolean;
  tapQueues?: number;
  busyPollUs?: number;
  workers?: number;
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

const port = (svc: ServiceName, opt: string) => (o: RunOptions, v: string): string | null => {
  if (!/^\d+$/.test(v) || Number(v) > 65535) return `${opt} expects a port 0..65535, found '${v}'`;
  o.apiPorts[svc] = Number(v);
  return null;
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
  {
    name: '--guest',
    arg: 'NAME=FILE',
    help: 'the config of MetaRouter guest NAME (a /metarouter item of FILE.rsc; repeatable): host and guests run as one lab',
    set: (o, v) => {
      const p = pair(v);
      if (p === null) return `--guest wants NAME=FILE, got ${v}`;
      o.guests.push(p);
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
    name: '--tap-queues',
    arg: 'N',
    help: 'open each TAP as N queues (IFF_MULTI_QUEUE, 1..16; default 1): all are read, a flow is sent on the queue of its hash',
    set: (o, v) => {
      const n = Number(v);
      if (!/^\d+$/.test(v) || n < 1 || n > 16) return `--tap-queues wants 1..16, got ${v}`;
      o.tapQueues = n;
      return null;
    },
  },
  {
    name: '--busy-poll',
    arg: 'US',
    help: 'keep polling the ports until US microseconds pass without a frame (lower latency for a busy core; default 0)',
    set: (o, v) => {
      const n = Number(v);
      if (!Number.isInteger(n) || n < 0 || n > 10_000_000) return `--busy-poll wants microseconds 0..10000000, got ${v}`;
      o.busyPollUs = n;
      return null;
    },
  },
  {
    name: '--workers',
    arg: 'N',
    help: 'run the packet flow in N worker threads (1..64; default: none, in the port thread), steered by flow hash',
    set: (o, v) => {
      const n = Number(v);
      if (!/^\d+$/.test(v) || n < 1 || n > 64) return `--workers wants 1..64, got ${v}`;
      o.workers = n;
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
  { name: '--api-port', arg: 'N', help: 'port of api, the RouterOS binary API (0 = any free port; the port used is printed)', set: port('api', '--api-port') },
  { name: '--rest-port', arg: 'N', help: 'port of www (REST over HTTP)', set: port('www', '--rest-port') },
  { name: '--api-ssl-port', arg: 'N', help: 'port of api-ssl', set: port('api-ssl', '--api-ssl-port') },
  { name: '--rest-ssl-port', arg: 'N', help: 'port of www-ssl', set: port('www-ssl', '--rest-ssl-port') },
  { name: '--listen', arg: 'ADDR', help: 'listen address of every service (default 127.0.0.1, or :: where address= is set)', set: (o, v) => ((o.listen = v), null) },
  { name: '--tls-cert', arg: 'FILE', help: 'PEM certificate for api-ssl and www-ssl (they are skipped without one)', set: (o, v) => ((o.tlsCert = v), null) },
  { name: '--tls-key', arg: 'FILE', help: 'PEM private key for it', set: (o, v) => ((o.tlsKey = v), null) },
  { name: '--no-empty', help: 'answer empty API prints with !done only, as RouterOS before 7.18 (some clients need it)', set: (o) => ((o.noEmpty = true), null) },
  { name: '--strict', help: 'menus flowplane does not model are errors, not warnings', set: (o) => ((o.strict = true), null) },
  {
    name: '--ethernet-ports',
    arg: 'N',
    help: 'ethernet ports the router has (ether1..N, default 8)',
    set: (o, v) => {
      const n = Number(v);
      if (!Number.isInteger(n) || n < 1 || n > 64) return `--ethernet-ports wants 1..64, got ${v}`;
      o.ethernetPorts = n;
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
  const o: RunOptions = { taps: [], pcapIfs: [], console: false, persist: false, tapOffload: false, apiPorts: {}, noEmpty: false, strict: false, guests: [] };
  for (let i = 0; i < args.length; i++) {
    let a = args[i]!;
    if (!a.startsWith('-') && o.config === undefined) {
      o.config = a; // `flowplane run FILE.rsc`
      continue;
    }
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
  if ((o.tlsCert === undefined) !== (o.tlsKey === undefined)) return '--tls-cert and --tls-key go together';
  const ifs = [...o.taps, ...o.pcapIfs].map((p) => p[0]);
  const dup = ifs.find((x, i) => ifs.indexOf(x) !== i);
  if (dup !== undefined) return `interface ${dup} is given twice`;
  if (o.workers !== undefined && o.guests.length > 0) return '--workers and --guest do not go together (a MetaRouter lab runs in the port thread)';
  return o;
}

// ---- startup steps ----

/** RouterOS /log style: `HH:MM:SS topics message` (local time as the router shows it: UTC here). */
export function logLine(d: Date, topics: string, message: string): string {
  return `${d.toISOString().slice(11, 19)} ${topics} ${message}\n`;
}

function loadRouter(o: RunOptions, file: string, io: Io): RouterInstance | null {
  if (!fs.existsSync(file)) {
    io.err(`flowplane run: ${file}: no such file\n`);
    return null;
  }
  const router = new RouterInstance(o.ethernetPorts !== undefined ? { ethernetPorts: o.ethernetPorts } : {});
  const res = router.load(fs.readFileSync(file, 'utf8'), file, o.strict ? { strict: true } : {});
  if (!res.ok) {
    for (const e of res.errors) io.err(formatConfigError(e));
    io.err(`flowplane run: ${file}: the config does not load; nothing started\n`);
    return null;
  }
  // MetaRouter guests' own configurations
  for (const [name, gfile] of o.guests) {
    const guest = router.guestConsole(name);
    if (guest === undefined) {
      io.err(`flowplane run: --guest ${name}: ${file} has no /metarouter item named ${name}\n`);
      return null;
    }
    if (!fs.existsSync(gfile)) {
      io.err(`flowplane run: ${gfile}: no such file\n`);
      return null;
    }
    const g = guest.load(fs.readFileSync(gfile, 'utf8'), gfile);
    if (!g.ok) {
      for (const e of g.errors) io.err(formatConfigError(e));
      io.err(`flowplane run: ${gfile} (guest ${name}) does not load; nothing started\n`);
      return null;
    }
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
    for (const [iface, dev] of o.taps) bindings.push({ iface, io: new TapPort(dev, { persist: o.persist, offload: o.tapOffload, ...(o.tapQueues !== undefined ? { queues: o.tapQueues } : {}) }) });
    for (const [iface, dev] of o.pcapIfs) bindings.push({ iface, io: new PcapPort(dev) });
    return bindings;
  } catch (e) {
    for (const b of bindings) b.io.close();
    io.err(`flowplane run: ${(e as Error).message}\n`);
    return null;
  }
}

/**
 * Start the management services of `router`. Returns null after printing why when they may not start (a
 * non-loopback listener with a passwordless full user, unreadable TLS files); with live ports a port that is
 * taken only skips the APIs (the router still forwards), and the log says so.
 */
async function startApis(o: RunOptions, router: RouterInstance, live: boolean, io: Io): Promise<Management | null | 'skipped'> {
  let tls: { key: Buffer; cert: Buffer } | undefined;
  if (o.tlsCert !== undefined && o.tlsKey !== undefined) {
    try {
      tls = { cert: fs.readFileSync(o.tlsCert), key: fs.readFileSync(o.tlsKey) };
    } catch (e) {
      io.err(`flowplane run: cannot read the TLS files: ${(e as Error).message}\n`);
      return null;
    }
  }
  try {
    const m = await startManagement(router, {
      ports: o.apiPorts,
      ...(o.listen !== undefined ? { listen: o.listen } : {}),
      ...(tls ? { tls } : {}),
      ...(o.noEmpty ? { emptyReply: false } : {}),
    });
    for (const s of m.services) io.out(`${s.name} listening on ${s.host.includes(':') ? `[${s.host}]` : s.host}:${s.port}\n`);
    for (const s of m.skipped) io.out(`${s.name} not started: ${s.why}\n`);
    if (m.services.length === 0 && !live) io.out('no service is enabled: nothing to serve\n');
    return m;
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (live && (code === 'EADDRINUSE' || code === 'EACCES')) {
      io.out(`management APIs not started: ${(e as Error).message}\n`);
      return 'skipped';
    }
    io.err(`flowplane run: ${(e as Error).message}\n`);
    return null;
  }
}

function installSignals(live: LiveRouter, file: string, guestFiles: readonly [string, string][], stop: () => void, reloaded: () => void): () => void {
  const hup = (): void => {
    let text: string;
    let guests: { name: string; text: string; file: string }[];
    try {
      text = fs.readFileSync(file, 'utf8');
      guests = guestFiles.map(([name, f]) => ({ name, file: f, text: fs.readFileSync(f, 'utf8') }));
    } catch (e) {
      log('system,error', `configuration not read: ${(e as Error).message}; the running one is kept`);
      return;
    }
    if (live.reload(text, file, guests)) reloaded();
  };
  // SIGUSR1: every bound interface's rates over the last second, as /interface monitor-traffic shows them
  const usr1 = (): void => {
    const r = live.monitor(live.driver.bindings.map((b) => b.iface));
    if (r.ok) process.stdout.write(monitorText(r.rows));
  };
  process.on('SIGHUP', hup);
  process.on('SIGUSR1', usr1);
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  return () => {
    process.off('SIGHUP', hup);
    process.off('SIGUSR1', usr1);
    process.off('SIGINT', stop);
    process.off('SIGTERM', stop);
  };
}

let log: (topics: string, message: string) => void = () => {};

async function run(args: string[], io: Io, until?: Promise<void>): Promise<number> {
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
  const router = loadRouter(o, file, io);
  if (router === null) return 1;
  const plugged = o.taps.length + o.pcapIfs.length > 0;
  if (!plugged) return runApisOnly(o, router, io, until);
  const bindings = openPorts(o, router, io);
  if (bindings === null) return 1;
  log = (topics, message) => io.out(logLine(new Date(), topics, message));
  // Super-frames need 64 KiB slots (+ headroom): fewer of them, unless --slots says otherwise.
  const pool = o.tapOffload ? { slotSize: 65536 + 512, slots: o.slots ?? 1024 } : o.slots !== undefined ? { slots: o.slots } : {};
  const live = new LiveRouter(router, bindings, {
    log,
    ...pool,
    ...(o.busyPollUs ? { driver: { busyPollUs: o.busyPollUs } } : {}),
    ...(o.workers !== undefined ? { workers: o.workers } : {}),
  });
  io.out(`flowplane ${packageVersion()} run: ${file}\n${live.describe()}`);
  try {
    await live.ready();
  } catch (e) {
    for (const b of bindings) b.io.close();
    await live.close().catch(() => {});
    io.err(`flowplane run: the workers did not start: ${(e as Error).message}\n`);
    return 1;
  }
  if (o.workers !== undefined) log('system,info', `packet flow in ${o.workers} worker thread${o.workers > 1 ? 's' : ''}`);
  let apis = await startApis(o, live.router, true, io);
  if (apis === null) {
    for (const b of bindings) b.io.close();
    await live.close();
    return 1;
  }
  // Changes through the APIs reach the running dataplane (the console's own lines do already): address-list
  // adds straight into the running flow, anything else recompiled once per burst of API commands (50 ms).
  const watch = (): (() => void) => live.followChanges(50);
  let unwatch = watch();
  live.driver.start();
  live.startSampling();
  log('system,info', `router started on ${bindings.map((b) => `${b.iface}=${b.io.device}`).join(', ')}`);

  return new Promise<number>((resolve) => {
    let done = false;
    const stop = (): void => {
      if (done) return;
      done = true;
      uninstall();
      unwatch();
      live.driver.stop();
      live.stopSampling();
      log('system,info', `router stopped${o.persist ? ' (TAP devices kept)' : ''}`);
      void Promise.all([live.close(), apis !== 'skipped' && apis !== null ? apis.close() : Promise.resolve()]).then(() => resolve(0));
    };
    // SIGHUP makes a new router object: the APIs move to it.
    const reloaded = (): void => {
      unwatch();
      unwatch = watch();
      if (apis === 'skipped' || apis === null) return;
      const old = apis;
      void old.close().then(async () => {
        apis = await startApis(o, live.router, true, io);
      });
    };
    const uninstall = installSignals(live, file, o.guests, stop, reloaded);
    if (o.console) {
      const terminal = Boolean(process.stdin.isTTY && process.stdout.isTTY);
      void runConsole(live.consoleBackend(), process.stdin, process.stdout, { terminal, counters: live.counterSource(), version: packageVersion() }).then(stop);
    }
    void until?.then(stop);
  });
}

/** No live ports: serve the APIs of a router with unplugged interfaces until a signal (or `until`). */
async function runApisOnly(o: RunOptions, router: RouterInstance, io: Io, until?: Promise<void>): Promise<number> {
  const m = await startApis(o, router, false, io);
  if (m === null || m === 'skipped') return 1;
  await (until ??
    new Promise<void>((resolve) => {
      process.once('SIGINT', () => resolve());
      process.once('SIGTERM', () => resolve());
    }));
  await m.close();
  io.out('stopped\n');
  return 0;
}

export const runCommand: Command = {
  name: 'run',
  summary: 'run a router live on TAP devices and existing interfaces, serving its management APIs',
  usage: 'flowplane run --config FILE.rsc [--tap ether1=tapA] [--pcap-if ether2=veth0] [--console] [--api-port N] [--rest-port N]',
  run: (args, io) => run(args, io),
};

/** `run` that stops when `until` settles instead of on a signal (tests). */
export function runUntil(args: string[], io: Io, until: Promise<void>): Promise<number> {
  return run(args, io, until);
}
