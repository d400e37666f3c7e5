/**
 * flowplane beside the Linux kernel as a router: the same two-namespace topology, routed once by the kernel
 * and once by `flowplane run` on TAPs, measured with the same tools in one run.
 *
 *   kernel:    client ── veth ══ [ns router: ip_forward, nftables filter + masquerade] ══ veth ── server
 *   flowplane: client ── tap  ══ [flowplane run: the same rules in RouterOS syntax]     ══ tap  ── server
 *
 * Both routers apply the same rules: forward accepts established/related, drops invalid, drops TCP port
 * 8081, accepts what comes from the LAN and drops the rest; the WAN side is masqueraded. Measured, in this
 * order: iperf3 TCP throughput, 64-byte frames per second (iperf3 UDP with 18-byte payloads: 14 + 20 + 8 +
 * 18 = 60 bytes + FCS) forwarded to the server's interface and read by the iperf3 server (on two shared
 * cores the server process is the bound of the latter), TCP connections per second (a client loop of connect / read to EOF /
 * close against a server that accepts and closes), ping round trip at light load. Each line prints both
 * numbers and flowplane/kernel (for latency: the ratio and the added microseconds).
 *
 * The kernel side keeps veth's default offloads (TSO/GRO: it forwards 64 KiB super-frames, which is what a
 * kernel router does); flowplane's TAPs carry what `flowplane run` is given after `--` (e.g. --tap-offload).
 * A benchmark, not a test: nothing is asserted. Needs root, iperf3, nft and a build (npm run bench:live).
 *
 *   node dist/bench/macro/vs-kernel.js [--seconds N] [--only kernel|flowplane] [-- RUN OPTIONS...]
 *
 * Without RUN OPTIONS flowplane runs with DEFAULT_RUN_ARGS (`-- ` alone: none).
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

const ROOT = path.resolve(__dirname, '../../..');
const P = `fpk${process.pid}`;

const sh = (cmd: string, args: string[], timeout = 30_000): string =>
  execFileSync(cmd, args, { encoding: 'utf8', timeout, stdio: ['ignore', 'pipe', 'pipe'] });
const inNs = (ns: string, args: string[], timeout = 60_000): string => sh('ip', ['netns', 'exec', ns, ...args], timeout);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface Topology {
  name: string;
  client: string;
  server: string;
  serverIp: string;
  /** The server's interface (frames the router delivered are counted on it). */
  serverDev: string;
  down(): Promise<void>;
}

const NFT = (lan: string, wan: string) => `
table ip fp {
  chain forward {
    type filter hook forward priority 0; policy accept;
    ct state established,related accept
    ct state invalid drop
    tcp dport 8081 drop
    iifname "${lan}" accept
    drop
  }
  chain post {
    type nat hook postrouting priority 100;
    oifname "${wan}" masquerade
  }
}
`;

const RSC = `/interface ethernet
set [ find default-name=ether1 ] mac-address=02:00:00:00:01:01
set [ find default-name=ether2 ] mac-address=02:00:00:00:02:01
/ip address
add address=192.168.88.1/24 interface=ether1 network=192.168.88.0
add address=203.0.113.2/24 interface=ether2 network=203.0.113.0
/ip firewall filter
add chain=forward action=accept connection-state=established,related
add chain=forward action=drop connection-state=invalid
add chain=forward action=drop protocol=tcp dst-port=8081
add chain=forward action=accept in-interface=ether1
add chain=forward action=drop
/ip firewall nat
add chain=srcnat action=masquerade out-interface=ether2
`;

function hosts(client: string, server: string, cdev: string, sdev: string): void {
  sh('ip', ['-n', client, 'addr', 'add', '192.168.88.10/24', 'dev', cdev]);
  sh('ip', ['-n', client, 'link', 'set', cdev, 'up']);
  sh('ip', ['-n', client, 'route', 'add', 'default', 'via', '192.168.88.1']);
  sh('ip', ['-n', server, 'addr', 'add', '203.0.113.1/24', 'dev', sdev]);
  sh('ip', ['-n', server, 'link', 'set', sdev, 'up']);
  for (const ns of [client, server]) sh('ip', ['-n', ns, 'link', 'set', 'lo', 'up']);
}

function delNs(names: string[]): void {
  for (const ns of names) {
    try {
      sh('ip', ['netns', 'del', ns]);
    } catch {
      /* not made */
    }
  }
}

async function kernelTopology(): Promise<Topology> {
  const [c, r, s] = [`${P}kc`, `${P}kr`, `${P}ks`];
  for (const ns of [c, r, s]) sh('ip', ['netns', 'add', ns]);
  sh('ip', ['-n', r, 'link', 'add', 'lan0', 'type', 'veth', 'peer', 'name', 'eth0', 'netns', c]);
  sh('ip', ['-n', r, 'link', 'add', 'wan0', 'type', 'veth', 'peer', 'name', 'eth0', 'netns', s]);
  sh('ip', ['-n', r, 'addr', 'add', '192.168.88.1/24', 'dev', 'lan0']);
  sh('ip', ['-n', r, 'addr', 'add', '203.0.113.2/24', 'dev', 'wan0']);
  for (const d of ['lan0', 'wan0', 'lo']) sh('ip', ['-n', r, 'link', 'set', d, 'up']);
  inNs(r, ['sysctl', '-qw', 'net.ipv4.ip_forward=1']);
  execFileSync('ip', ['netns', 'exec', r, 'nft', '-f', '-'], { input: NFT('lan0', 'wan0') });
  hosts(c, s, 'eth0', 'eth0');
  await sleep(300);
  return { name: 'kernel', client: c, server: s, serverIp: '203.0.113.1', serverDev: 'eth0', down: async () => delNs([c, r, s]) };
}

async function flowplaneTopology(runArgs: string[]): Promise<Topology> {
  const [c, s] = [`${P}fc`, `${P}fs`];
  const [tc, ts] = [`${P}ta`, `${P}tb`];
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fpk-'));
  const cfg = path.join(dir, 'router.rsc');
  fs.writeFileSync(cfg, RSC);
  const router: ChildProcess = spawn(process.execPath, [path.join(ROOT, 'bin/flowplane'), 'run', '--config', cfg, '--tap', `ether1=${tc}`, '--tap', `ether2=${ts}`, ...runArgs], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let log = '';
  router.stdout!.on('data', (d) => (log += d));
  router.stderr!.on('data', (d) => (log += d));
  const end = Date.now() + 10_000;
  while (!log.includes('router started')) {
    if (Date.now() > end || router.exitCode !== null) throw new Error(`flowplane did not start:\n${log}`);
    await sleep(25);
  }
  for (const ns of [c, s]) sh('ip', ['netns', 'add', ns]);
  sh('ip', ['link', 'set', tc, 'netns', c]);
  sh('ip', ['link', 'set', ts, 'netns', s]);
  hosts(c, s, tc, ts);
  await sleep(300);
  return {
    name: 'flowplane',
    client: c,
    server: s,
    serverIp: '203.0.113.1',
    serverDev: ts,
    down: async () => {
      router.kill('SIGTERM');
      await Promise.race([new Promise((r) => router.once('exit', r)), sleep(3000)]);
      if (router.exitCode === null) router.kill('SIGKILL');
      delNs([c, s]);
      fs.rmSync(dir, { recursive: true, force: true });
      if (process.env.FP_BENCH_LOG) process.stdout.write(log);
    },
  };
}

// ---- measurements ----

function background(ns: string, args: string[]): ChildProcess {
  return spawn('ip', ['netns', 'exec', ns, ...args], { stdio: 'ignore' });
}

async function iperfTcp(t: Topology, seconds: number): Promise<number> {
  const srv = background(t.server, ['iperf3', '-s', '-1', '-p', '5201']);
  await sleep(300);
  try {
    const r = JSON.parse(inNs(t.client, ['iperf3', '-c', t.serverIp, '-p', '5201', '-t', String(seconds), '-J'])) as {
      end: { sum_received: { bits_per_second: number } };
    };
    return r.end.sum_received.bits_per_second / 1e9;
  } finally {
    srv.kill('SIGKILL');
  }
}

/**
 * 64-byte frames per second: forwarded (counted on the server's interface: what the router delivered to
 * the host) and delivered (what the iperf3 server read: bounded by that process on a small machine).
 */
async function udpSmall(t: Topology, seconds: number): Promise<[number, number]> {
  const srv = background(t.server, ['iperf3', '-s', '-1', '-p', '5202']);
  await sleep(300);
  const rx = () => Number(inNs(t.server, ['cat', `/sys/class/net/${t.serverDev}/statistics/rx_packets`]));
  try {
    const before = rx();
    const r = JSON.parse(inNs(t.client, ['iperf3', '-c', t.serverIp, '-p', '5202', '-u', '-l', '18', '-b', '0', '-t', String(seconds), '-J'])) as {
      end: { sum: { packets: number; lost_packets: number; seconds: number } };
    };
    const s = r.end.sum;
    return [(rx() - before) / s.seconds, (s.packets - s.lost_packets) / s.seconds];
  } finally {
    srv.kill('SIGKILL');
  }
}

const CONN_SERVER = `
import socket
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(('0.0.0.0', 8090)); s.listen(1024)
while True:
    c, a = s.accept(); c.close()
`;
const CONN_CLIENT = (ip: string, seconds: number) => `
import socket, time
n = 0; fail = 0; end = time.time() + ${seconds}
while time.time() < end:
    try:
        c = socket.create_connection(('${ip}', 8090), 2)
        while c.recv(100): pass
        c.close(); n += 1
    except OSError:
        fail += 1
print(n / ${seconds}, fail)
`;

async function connRate(t: Topology, seconds: number): Promise<number> {
  const srv = background(t.server, ['python3', '-c', CONN_SERVER]);
  await sleep(400);
  try {
    const [rate, fail] = inNs(t.client, ['python3', '-c', CONN_CLIENT(t.serverIp, seconds)]).trim().split(' ');
    if (Number(fail) > 0) process.stderr.write(`  ${t.name}: ${fail} connections failed\n`);
    return Number(rate);
  } finally {
    srv.kill('SIGKILL');
  }
}

/** Average ping round trip in microseconds (100 pings, 10 ms apart). */
function pingRtt(t: Topology): number {
  inNs(t.client, ['ping', '-c', '3', '-i', '0.05', '-W', '2', t.serverIp]);
  const out = inNs(t.client, ['ping', '-q', '-c', '100', '-i', '0.01', '-W', '2', t.serverIp]);
  const m = /= [\d.]+\/([\d.]+)\//.exec(out);
  if (m === null) throw new Error(`ping: ${out}`);
  return Number(m[1]) * 1000;
}

interface Result {
  tcpGbps: number;
  udpFwdPps: number;
  udpPps: number;
  connPerSec: number;
  rttUs: number;
}

async function measure(t: Topology, seconds: number): Promise<Result> {
  process.stderr.write(`${t.name}: iperf3 TCP...\n`);
  const tcpGbps = await iperfTcp(t, seconds);
  process.stderr.write(`${t.name}: 64-byte UDP...\n`);
  const [udpFwdPps, udpPps] = await udpSmall(t, seconds);
  process.stderr.write(`${t.name}: TCP connections...\n`);
  const connPerSec = await connRate(t, seconds);
  process.stderr.write(`${t.name}: ping...\n`);
  const rttUs = pingRtt(t);
  return { tcpGbps, udpFwdPps, udpPps, connPerSec, rttUs };
}

/**
 * What flowplane runs with unless other options follow `--`: the issue's goals are set for TAPs with vnet
 * headers (TCP super-frames) and a router that keeps polling through light traffic (an idle process in a
 * VM takes ~100 us to wake, twice per round trip; `--busy-poll` spends a core to avoid it).
 */
const DEFAULT_RUN_ARGS = ['--tap-offload', '--busy-poll', '20000'];

async function main(): Promise<number> {
  const argv = process.argv.slice(2);
  const dd = argv.indexOf('--');
  const runArgs = dd >= 0 ? argv.slice(dd + 1) : DEFAULT_RUN_ARGS;
  const own = dd >= 0 ? argv.slice(0, dd) : argv;
  let seconds = 5;
  let only: string | null = null;
  for (let i = 0; i < own.length; i++) {
    if (own[i] === '--seconds') seconds = Number(own[++i]);
    else if (own[i] === '--only') only = own[++i] ?? null;
    else {
      process.stderr.write(`usage: vs-kernel [--seconds N] [--only kernel|flowplane] [-- flowplane run options]\n`);
      return 2;
    }
  }
  if (process.getuid?.() !== 0) {
    process.stderr.write('vs-kernel: needs root (network namespaces)\n');
    return 1;
  }
  const results: Record<string, Result> = {};
  for (const which of ['kernel', 'flowplane']) {
    if (only !== null && only !== which) continue;
    const t = which === 'kernel' ? await kernelTopology() : await flowplaneTopology(runArgs);
    try {
      results[which] = await measure(t, seconds);
    } finally {
      await t.down();
    }
  }
  const k = results.kernel;
  const f = results.flowplane;
  const rows: [string, (r: Result) => number, (x: number) => string, boolean][] = [
    ['iperf3 TCP (Gbit/s)', (r) => r.tcpGbps, (x) => x.toFixed(2), false],
    ['64-byte UDP forwarded (pkt/s)', (r) => r.udpFwdPps, (x) => Math.round(x).toLocaleString('en-US'), false],
    ['64-byte UDP read by iperf3 (pkt/s)', (r) => r.udpPps, (x) => Math.round(x).toLocaleString('en-US'), false],
    ['TCP connections/s', (r) => r.connPerSec, (x) => Math.round(x).toLocaleString('en-US'), false],
    ['ping round trip (us)', (r) => r.rttUs, (x) => x.toFixed(0), true],
  ];
  const line = (a: string, b: string, c: string, d: string) => `${a.padEnd(32)}${b.padStart(14)}${c.padStart(14)}${d.padStart(22)}\n`;
  process.stdout.write(`flowplane vs the Linux kernel router (${seconds} s per measure${runArgs.length > 0 ? `; run ${runArgs.join(' ')}` : ''})\n`);
  process.stdout.write(line('', 'kernel', 'flowplane', 'flowplane/kernel'));
  for (const [label, get, fmt, latency] of rows) {
    const kv = k !== undefined ? get(k) : NaN;
    const fv = f !== undefined ? get(f) : NaN;
    const ratio = Number.isFinite(kv) && Number.isFinite(fv) && kv > 0 ? `${(fv / kv).toFixed(2)}x${latency ? ` (+${(fv - kv).toFixed(0)} us)` : ''}` : '-';
    process.stdout.write(line(label, Number.isFinite(kv) ? fmt(kv) : '-', Number.isFinite(fv) ? fmt(fv) : '-', ratio));
  }
  return 0;
}

main().then(
  (code) => process.exit(code),
  (e: unknown) => {
    process.stderr.write(`vs-kernel: ${(e as Error).stack ?? String(e)}\n`);
    process.exit(1);
  },
);
