/**
 * Shared pieces of the live end-to-end tests: running commands (in a namespace), captures, the tshark
 * checksum check, and whether this machine can run them at all (root, /dev/net/tun, a build).
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';

export const ROOT = path.resolve(__dirname, '../../..');

/** Root, a TUN device and dist/ from `npm run build`; in CI their absence is an error, elsewhere a skip. */
export function liveUsable(what: string): boolean {
  const ok = process.getuid?.() === 0 && fs.existsSync('/dev/net/tun') && fs.existsSync(path.join(ROOT, 'dist/bin/cli.js'));
  if (!ok) {
    if (process.env.CI) throw new Error('live e2e tests need root, /dev/net/tun and a build (npm run build) in CI');
    // eslint-disable-next-line no-console
    console.log(`live e2e (${what}): skipped (needs root, /dev/net/tun and dist/ from npm run build)`);
  }
  return ok;
}

/**
 * The names of a test's namespaces and devices, all starting with `prefix` (made unique by the caller: the
 * pid, and what tells its suites apart): hosts LAN and WAN with their TAPs, and a pcap host VH on a veth pair.
 */
export function labNames(prefix: string) {
  return {
    LAN: `${prefix}l`,
    WAN: `${prefix}w`,
    TAP_LAN: `${prefix}a`,
    TAP_WAN: `${prefix}b`,
    VH: `${prefix}v`,
    VETH_R: `${prefix}r`,
    VETH_H: `${prefix}h`,
  };
}

export const sh = (cmd: string, args: string[], timeout = 10_000): string =>
  execFileSync(cmd, args, { encoding: 'utf8', timeout, stdio: ['ignore', 'pipe', 'pipe'] });
export const inNs = (ns: string, args: string[], timeout = 10_000): string => sh('ip', ['netns', 'exec', ns, ...args], timeout);
/** unref: a race timer left pending does not hold jest open. */
export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms).unref());

/**
 * tcpdump writing the frames of `dev` in namespace `ns` to `file` (stop it with SIGINT to flush).
 * --immediate-mode: without it libpcap hands frames over a ring block at a time, and the frames of the
 * last block before SIGINT are lost (the capture then ends a second or so early).
 */
export function tcpdump(ns: string, dev: string, file: string, extra: string[] = []): ChildProcess {
  return spawn('ip', ['netns', 'exec', ns, 'tcpdump', '--immediate-mode', '-i', dev, '-U', '-w', file, '-s', '0', ...extra], { stdio: 'ignore' });
}

/** Frames of a capture and the ones tshark reports with a bad IP/TCP/UDP/ICMP checksum. */
export function checksums(file: string): { frames: number; bad: string[] } {
  const fields = sh('tshark', ['-r', file, '-o', 'ip.check_checksum:TRUE', '-o', 'tcp.check_checksum:TRUE', '-o', 'udp.check_checksum:TRUE', '-T', 'fields', '-e', 'frame.number', '-e', '_ws.expert.message'], 30_000);
  const frames = fields.trim().split('\n').filter((l) => l !== '');
  return { frames: frames.length, bad: frames.filter((l) => /checksum/i.test(l) && /bad|incorrect/i.test(l)) };
}

/** Remove namespaces (and a link left in this one), ignoring what was never made. */
export function cleanup(namespaces: string[], links: string[] = []): void {
  for (const ns of namespaces) {
    try {
      sh('ip', ['netns', 'del', ns]);
    } catch {
      /* not made */
    }
  }
  for (const l of links) {
    try {
      sh('ip', ['link', 'del', l]);
    } catch {
      /* gone with its peer */
    }
  }
}

/** iperf3 client in `ns` against `server`: received bits per second and bytes. */
export function iperf3(ns: string, server: string, port: number, seconds: number, extra: string[] = []): { mbps: number; bytes: number } {
  const out = inNs(ns, ['iperf3', '-c', server, '-p', String(port), '-t', String(seconds), '-J', ...extra], (seconds + 15) * 1000);
  const r = JSON.parse(out) as { end: { sum_received: { bits_per_second: number; bytes: number } } };
  return { mbps: r.end.sum_received.bits_per_second / 1e6, bytes: r.end.sum_received.bytes };
}

/** `flowplane run ARGS` as a child process; everything it prints goes to `onLog`. */
export function startRouter(args: string[], onLog: (text: string) => void): ChildProcess {
  const p = spawn(process.execPath, [path.join(ROOT, 'bin/flowplane'), 'run', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  p.stdout!.on('data', (d) => onLog(String(d)));
  p.stderr!.on('data', (d) => onLog(String(d)));
  return p;
}

/** Stop a router started by startRouter: SIGTERM, then SIGKILL if it has not exited after `ms`. */
export async function stopRouter(p: ChildProcess | null, ms = 3000): Promise<void> {
  if (p === null || p.exitCode !== null) return;
  p.kill('SIGTERM');
  await Promise.race([new Promise((r) => p.once('exit', r)), sleep(ms)]);
  if (p.exitCode === null) p.kill('SIGKILL');
}

/** Poll `what` every 25 ms for up to `ms`; on timeout fail with `label` and the router's log. */
export async function waitUntil(what: () => boolean, ms: number, label: string, log: () => string): Promise<void> {
  const end = Date.now() + ms;
  while (!what()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${label}; router log:\n${log()}`);
    await sleep(25);
  }
}

/** Make namespace `ns` a host on the router's TAP `tap`: the TAP moves in, gets `addr`, and `gw` as default route. */
export function tapHost(ns: string, tap: string, addr: string, gw: string): void {
  sh('ip', ['netns', 'add', ns]);
  sh('ip', ['link', 'set', tap, 'netns', ns]);
  sh('ip', ['-n', ns, 'addr', 'add', addr, 'dev', tap]);
  sh('ip', ['-n', ns, 'link', 'set', tap, 'up']);
  sh('ip', ['-n', ns, 'link', 'set', 'lo', 'up']);
  if (gw) sh('ip', ['-n', ns, 'route', 'add', 'default', 'via', gw]);
}

/**
 * A host behind a pcap port: a veth pair whose router end `vethR` stays in this namespace (libpcap opens it) and
 * whose other end is host `ns`'s interface with `addr` and default route `gw`. Offloads are off on both ends so
 * frames cross as they are on the wire; no IPv6 on the router end (this namespace's kernel would talk).
 */
export function pcapHost(ns: string, vethR: string, vethH: string, addr: string, gw: string): void {
  sh('ip', ['netns', 'add', ns]);
  sh('ip', ['link', 'add', vethR, 'type', 'veth', 'peer', 'name', vethH, 'netns', ns]);
  fs.writeFileSync(`/proc/sys/net/ipv6/conf/${vethR}/disable_ipv6`, '1');
  sh('ethtool', ['-K', vethR, 'gro', 'off', 'gso', 'off', 'tso', 'off', 'tx', 'off', 'rx', 'off']);
  inNs(ns, ['ethtool', '-K', vethH, 'gro', 'off', 'gso', 'off', 'tso', 'off', 'tx', 'off', 'rx', 'off']);
  sh('ip', ['link', 'set', vethR, 'up']);
  sh('ip', ['-n', ns, 'addr', 'add', addr, 'dev', vethH]);
  sh('ip', ['-n', ns, 'link', 'set', vethH, 'up']);
  sh('ip', ['-n', ns, 'link', 'set', 'lo', 'up']);
  sh('ip', ['-n', ns, 'route', 'add', 'default', 'via', gw]);
}
