/**
 * MetaRouter live: the manual's WISP example (test/scenarios/metarouter-wisp: the host bridges its uplink
 * ether1 and its client port ether2 each with a vif to the guest mr1, which routes and masquerades) run by
 * `flowplane run --guest mr1=...` on two TAPs in namespaces:
 *
 *   client (192.168.10.50, gw 192.168.10.1 = the guest) ── tap ether2 ─[host bridge ─ vif ─ guest mr1 ─ vif ─
 *   host bridge]─ ether1 tap ── upstream (203.0.113.1)
 *
 * Checked: the client pings the upstream host across the guest; a UDP datagram reaches the upstream server
 * from 203.0.113.10 (the guest's masquerade, not the client's address); the reply finds its way back.
 * Names start with `fpm<pid>`; afterAll removes the namespaces and stops the router whatever happened.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';

const ROOT = path.resolve(__dirname, '../../..');
const WISP = path.join(ROOT, 'test/scenarios/metarouter-wisp');
const P = `fpm${process.pid}`;
const CL = `${P}c`;
const UP = `${P}u`;
const TAP_CL = `${P}a`;
const TAP_UP = `${P}b`;
const usable = process.getuid?.() === 0 && fs.existsSync('/dev/net/tun') && fs.existsSync(path.join(ROOT, 'dist/bin/cli.js'));
if (!usable) {
  if (process.env.CI) throw new Error('live e2e tests need root, /dev/net/tun and a build (npm run build) in CI');
  // eslint-disable-next-line no-console
  console.log('MetaRouter live e2e: skipped (needs root, /dev/net/tun and dist/ from npm run build)');
}
const maybe = usable ? describe : describe.skip;

const sh = (cmd: string, args: string[], timeout = 10_000): string =>
  execFileSync(cmd, args, { encoding: 'utf8', timeout, stdio: ['ignore', 'pipe', 'pipe'] });
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const UDP_SERVER = `
import socket
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(('0.0.0.0', 9999))
while True:
    d, a = s.recvfrom(100)
    print('from', a[0], flush=True)
    s.sendto(b'pong ' + d, a)
`;
const UDP_CLIENT = `
import socket
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.settimeout(3)
s.sendto(b'ping', ('203.0.113.1', 9999))
print(s.recvfrom(100)[0].decode(), flush=True)
`;

maybe('flowplane run --guest: the WISP example live', () => {
  let router: ChildProcess | null = null;
  let server: ChildProcess | null = null;
  let serverOut = '';
  let log = '';

  async function waitFor(what: () => boolean, ms: number, label: string): Promise<void> {
    const end = Date.now() + ms;
    while (!what()) {
      if (Date.now() > end) throw new Error(`timed out waiting for ${label}; router log:\n${log}`);
      await sleep(25);
    }
  }

  beforeAll(async () => {
    router = spawn(
      process.execPath,
      [path.join(ROOT, 'bin/flowplane'), 'run', '--config', path.join(WISP, 'config.rsc'), '--guest', `mr1=${path.join(WISP, 'guest-mr1.rsc')}`, '--tap', `ether1=${TAP_UP}`, '--tap', `ether2=${TAP_CL}`, '--api-port', '0', '--rest-port', '0'],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    router.stdout!.on('data', (d) => (log += d));
    router.stderr!.on('data', (d) => (log += d));
    await waitFor(() => log.includes('router started'), 10_000, 'the router to start');
    for (const [ns, tap, addr, gw] of [
      [CL, TAP_CL, '192.168.10.50/24', '192.168.10.1'],
      [UP, TAP_UP, '203.0.113.1/24', ''],
    ] as const) {
      sh('ip', ['netns', 'add', ns]);
      sh('ip', ['link', 'set', tap, 'netns', ns]);
      sh('ip', ['-n', ns, 'addr', 'add', addr, 'dev', tap]);
      sh('ip', ['-n', ns, 'link', 'set', tap, 'up']);
      sh('ip', ['-n', ns, 'link', 'set', 'lo', 'up']);
      if (gw) sh('ip', ['-n', ns, 'route', 'add', 'default', 'via', gw]);
    }
    server = spawn('ip', ['netns', 'exec', UP, 'python3', '-u', '-c', UDP_SERVER], { stdio: ['ignore', 'pipe', 'pipe'] });
    server.stdout!.on('data', (d) => (serverOut += d));
    await sleep(300);
  }, 30_000);

  afterAll(async () => {
    server?.kill('SIGKILL');
    if (router !== null && router.exitCode === null) {
      router.kill('SIGTERM');
      await Promise.race([new Promise((r) => router!.once('exit', r)), sleep(3000)]);
      if (router.exitCode === null) router.kill('SIGKILL');
    }
    for (const ns of [CL, UP]) {
      try {
        sh('ip', ['netns', 'del', ns]);
      } catch {
        /* not made */
      }
    }
  });

  test('the client pings the upstream host through the guest', () => {
    const out = sh('ip', ['netns', 'exec', CL, 'ping', '-c', '3', '-i', '0.2', '-W', '2', '203.0.113.1'], 15_000);
    expect(out).toMatch(/3 received/);
  });

  test('the upstream server sees the guest\'s masqueraded address, and the reply comes back', async () => {
    const reply = sh('ip', ['netns', 'exec', CL, 'python3', '-c', UDP_CLIENT], 10_000);
    expect(reply.trim()).toBe('pong ping');
    await waitFor(() => serverOut.includes('from '), 3000, "the server's line");
    expect(serverOut).toContain('from 203.0.113.10');
    expect(serverOut).not.toContain('192.168.10.50');
  });
});
