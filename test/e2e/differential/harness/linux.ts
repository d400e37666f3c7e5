/**
 * The Linux reference router: a network namespace per scenario, configured with the scenario's `linux.sh`
 * (iproute2: MACs, addresses, routes, static neighbours, policy rules) and `linux.nft` (the nftables ruleset
 * equivalent to config.rsc), one veth pair per router port whose other end lives in a "wire" namespace.
 *
 * Frames are injected one at a time with tcpreplay on the wire end of their port, at the story's relative
 * times (never earlier; a late start is not caught up on, so keep timeouts in stories far from frame
 * times); what the router sends is captured with `tcpdump -Q in` on every wire end. An output is
 * attributed to the last input injected before it (inputs are at least MIN_GAP_MS apart and Linux forwards
 * in microseconds).
 *
 * Names are `fpd<pid>-<n>r` / `fpd<pid>-<n>w`: unique per test process; `destroy()` removes both (and the
 * veths with them), an exit hook removes whatever is left, and namespaces of dead processes are removed at
 * start. The router namespace is set to RouterOS defaults where Linux's differ (sysctls below).
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { writeFixture } from '../../../../pcap/fixture';
import { openCapture } from '../../../../pcap/reader';
import type { StoryFrame } from './story';

/** Minimum real time between two injected frames. */
export const MIN_GAP_MS = 40;
/** How long to wait after the last frame before the captures are closed. */
const SETTLE_MS = 250;

export interface CapturedFrame {
  iface: string;
  /** Realtime clock, ms. */
  ms: number;
  frame: Uint8Array;
}

export interface LinuxRun {
  /** Per input index, the frames the router sent after it (before the next input). */
  outputs: CapturedFrame[][];
  /** Frames captured before the first input (should be none). */
  stray: CapturedFrame[];
  /** Real start time of each injection relative to the first (ms): how late the Linux timeline ran. */
  lateness: number[];
}

const PREFIX = 'fpd';
let counter = 0;
const live = new Set<string>();
let exitHook = false;

function sh(cmd: string, args: string[], input?: string): string {
  try {
    return execFileSync(cmd, args, { encoding: 'utf8', input, stdio: ['pipe', 'pipe', 'pipe'] });
  } catch (e) {
    const err = e as { stderr?: string; stdout?: string; message: string };
    throw new Error(`${cmd} ${args.join(' ')} failed: ${(err.stderr || err.stdout || err.message).trim()}`);
  }
}

function delNs(name: string): void {
  try {
    execFileSync('ip', ['netns', 'del', name], { stdio: 'ignore' });
  } catch {
    /* already gone */
  }
  live.delete(name);
}

/** Remove namespaces left by test processes that no longer exist. */
function removeStale(): void {
  let list = '';
  try {
    list = execFileSync('ip', ['netns', 'list'], { encoding: 'utf8' });
  } catch {
    return;
  }
  for (const line of list.split('\n')) {
    const m = /^(fpd(\d+)-\d+[rw])\b/.exec(line);
    if (!m) continue;
    const pid = Number(m[2]);
    let alive = true;
    try {
      process.kill(pid, 0);
    } catch {
      alive = false;
    }
    if (!alive) delNs(m[1]!);
  }
}

/**
 * Why namespaces cannot be used here (null when they can). Only this is a reason to skip; missing tools
 * (ip, nft, tcpreplay, tcpdump, ethtool) fail the suite instead (bin/setup installs them).
 */
export function netnsUnavailable(): string | null {
  if (process.platform !== 'linux') return `not Linux (${process.platform})`;
  if (typeof process.getuid === 'function' && process.getuid() !== 0) return 'not running as root (network namespaces need CAP_SYS_ADMIN)';
  const probe = `${PREFIX}${process.pid}-probe`;
  try {
    execFileSync('ip', ['netns', 'add', probe], { stdio: 'pipe' });
  } catch (e) {
    const msg = (e as { stderr?: Buffer }).stderr?.toString().trim() ?? String(e);
    if (/ENOENT|not found/i.test(String(e))) throw new Error('iproute2 (ip) is missing: run bin/setup');
    return `cannot create a network namespace: ${msg}`;
  }
  execFileSync('ip', ['netns', 'del', probe], { stdio: 'ignore' });
  return null;
}

/** The tools the suite runs; throws naming the missing one. */
export function checkTools(): void {
  for (const [tool, arg] of [['nft', '--version'], ['tcpreplay', '--version'], ['tcpdump', '--version'], ['ethtool', '--version']] as const) {
    try {
      execFileSync(tool, [arg], { stdio: 'ignore' });
    } catch {
      throw new Error(`${tool} is missing: run bin/setup (it installs nftables, tcpreplay, tcpdump, ethtool)`);
    }
  }
}

export class LinuxRouter {
  readonly r: string;
  readonly w: string;
  private readonly tmp: string;

  constructor(
    private readonly ports: string[],
    tmpDir: string,
  ) {
    const n = counter++;
    this.r = `${PREFIX}${process.pid}-${n}r`;
    this.w = `${PREFIX}${process.pid}-${n}w`;
    this.tmp = fs.mkdtempSync(path.join(tmpDir, `linux-${n}-`));
    if (!exitHook) {
      exitHook = true;
      process.on('exit', () => {
        for (const ns of [...live]) delNs(ns);
      });
    }
  }

  /** Create the namespaces and veths, apply RouterOS-default sysctls, run linux.sh and load linux.nft. */
  setup(scenarioDir: string): void {
    removeStale();
    for (const ns of [this.r, this.w]) {
      sh('ip', ['netns', 'add', ns]);
      live.add(ns);
      // No IPv6 at all: no router solicitations, DAD or MLD reports on the wires.
      this.sysctl(ns, 'net.ipv6.conf.all.disable_ipv6', '1');
      this.sysctl(ns, 'net.ipv6.conf.default.disable_ipv6', '1');
    }
    const r = this.r;
    // RouterOS defaults (ROUTEROS-FLOW.md §5) where Linux's differ, and what flowplane does not do:
    this.sysctl(r, 'net.ipv4.ip_forward', '1'); // ip-forward=yes
    for (const c of ['all', 'default']) {
      this.sysctl(r, `net.ipv4.conf.${c}.rp_filter`, '0'); // rp-filter=no
      // RouterOS has send-redirects=yes; flowplane sends no ICMP redirects yet (docs/differential.md).
      this.sysctl(r, `net.ipv4.conf.${c}.send_redirects`, '0');
      this.sysctl(r, `net.ipv4.conf.${c}.accept_redirects`, '0'); // accept-redirects=no
    }
    this.sysctl(r, 'net.ipv4.icmp_ratelimit', '10'); // /ip settings icmp-rate-limit=10 (Linux: 1000)
    for (const p of this.ports) {
      sh('ip', ['-n', r, 'link', 'add', p, 'type', 'veth', 'peer', 'name', p, 'netns', this.w]);
      sh('ip', ['-n', this.w, 'link', 'set', p, 'up']);
      // A veth leaves checksums of locally made packets (resets, ICMP) to an "offload" that never happens:
      // the wire would see partial checksums. Make the router compute them, as a real NIC's driver would.
      sh('ip', ['netns', 'exec', r, 'ethtool', '-K', p, 'tx', 'off']);
    }
    sh('ip', ['netns', 'exec', r, 'sh', '-eu', path.join(scenarioDir, 'linux.sh')]);
    sh('ip', ['netns', 'exec', r, 'nft', '-f', path.join(scenarioDir, 'linux.nft')]);
    // Conntrack timeouts as RouterOS sets them (ROUTEROS-FLOW.md §3); the module is loaded by now.
    this.sysctl(r, 'net.netfilter.nf_conntrack_udp_timeout', '30');
    this.sysctl(r, 'net.netfilter.nf_conntrack_udp_timeout_stream', '180');
    this.sysctl(r, 'net.netfilter.nf_conntrack_icmp_timeout', '10');
    this.sysctl(r, 'net.netfilter.nf_conntrack_tcp_loose', '1'); // loose-tcp-tracking=yes
  }

  private sysctl(ns: string, key: string, value: string): void {
    sh('ip', ['netns', 'exec', ns, 'sysctl', '-q', '-w', `${key}=${value}`]);
  }

  /** Inject the story's frames at their relative times and collect what the router sends. */
  async run(frames: readonly StoryFrame[]): Promise<LinuxRun> {
    const files = frames.map((f, i) => {
      const file = path.join(this.tmp, `in-${i}.pcap`);
      writeFixture(file, [{ frame: f.frame, tsSec: 1_767_261_600, tsNsec: 0 }]);
      return file;
    });
    const caps = this.ports.map((p) => ({ iface: p, file: path.join(this.tmp, `out-${p}.pcap`), proc: null as ChildProcess | null }));
    try {
      for (const c of caps) c.proc = await startTcpdump(this.w, c.iface, c.file);
      const starts: number[] = [];
      const lateness: number[] = [];
      const t0 = Date.now() + 50;
      for (let i = 0; i < frames.length; i++) {
        const f = frames[i]!;
        const due = Math.max(t0 + (f.ms - frames[0]!.ms), i > 0 ? starts[i - 1]! + MIN_GAP_MS : 0);
        const wait = due - Date.now();
        if (wait > 0) await sleep(wait);
        const now = Date.now();
        starts.push(now);
        lateness.push(now - (t0 + (f.ms - frames[0]!.ms)));
        sh('ip', ['netns', 'exec', this.w, 'tcpreplay', '-q', '-i', f.iface, files[i]!]);
      }
      await sleep(SETTLE_MS);
      for (const c of caps) await stopTcpdump(c.proc!);
      const outputs: CapturedFrame[][] = frames.map(() => []);
      const stray: CapturedFrame[] = [];
      const all: CapturedFrame[] = [];
      for (const c of caps) {
        const rd = openCapture(fs.readFileSync(c.file));
        while (rd.next()) {
          all.push({ iface: c.iface, ms: rd.tsSec * 1000 + rd.tsNsec / 1e6, frame: rd.data.slice(rd.dataOffset, rd.dataOffset + rd.capLen) });
        }
        if (rd.error) throw new Error(`capture on ${c.iface}: ${rd.error.message}`);
      }
      all.sort((a, b) => a.ms - b.ms);
      for (const o of all) {
        let k = -1;
        while (k + 1 < starts.length && starts[k + 1]! <= o.ms) k++;
        (k < 0 ? stray : outputs[k]!).push(o);
      }
      return { outputs, stray, lateness };
    } finally {
      for (const c of caps) if (c.proc && c.proc.exitCode === null) c.proc.kill('SIGKILL');
    }
  }

  destroy(): void {
    delNs(this.r);
    delNs(this.w);
    fs.rmSync(this.tmp, { recursive: true, force: true });
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/** Start `tcpdump -Q in` on `iface` in namespace `ns`; resolves once it listens. */
function startTcpdump(ns: string, iface: string, file: string): Promise<ChildProcess> {
  return new Promise((resolve, reject) => {
    const p = spawn('ip', ['netns', 'exec', ns, 'tcpdump', '-i', iface, '-Q', 'in', '-U', '--immediate-mode', '-n', '-s', '0', '-w', file], {
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let err = '';
    const timer = setTimeout(() => {
      p.kill('SIGKILL');
      reject(new Error(`tcpdump on ${iface} did not start: ${err}`));
    }, 5000);
    p.stderr!.on('data', (d: Buffer) => {
      err += d.toString();
      if (err.includes('listening on')) {
        clearTimeout(timer);
        resolve(p);
      }
    });
    p.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`tcpdump on ${iface} exited (${code}): ${err}`));
    });
    p.on('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
  });
}

function stopTcpdump(p: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (p.exitCode !== null) return resolve();
    p.removeAllListeners('exit');
    p.on('exit', () => resolve());
    p.kill('SIGINT');
  });
}
