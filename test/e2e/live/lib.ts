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
