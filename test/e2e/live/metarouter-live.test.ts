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
import { spawn, type ChildProcess } from 'node:child_process';
import * as path from 'node:path';
import { cleanup, liveUsable, ROOT, sh, sleep, startRouter, stopRouter, tapHost, waitUntil } from './lib';

const WISP = path.join(ROOT, 'test/scenarios/metarouter-wisp');
const P = `fpm${process.pid}`;
const CL = `${P}c`;
const UP = `${P}u`;
const TAP_CL = `${P}a`;
const TAP_UP = `${P}b`;
const usable = liveUsable('MetaRouter');
const maybe = usable ? describe : describe.skip;


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

  const waitFor = (what: () => boolean, ms: number, label: string): Promise<void> => waitUntil(what, ms, label, () => log);

  beforeAll(async () => {
    router = startRouter(
      ['--config', path.join(WISP, 'config.rsc'), '--guest', `mr1=${path.join(WISP, 'guest-mr1.rsc')}`, '--tap', `ether1=${TAP_UP}`, '--tap', `ether2=${TAP_CL}`, '--api-port', '0', '--rest-port', '0'],
      (d) => (log += d),
    );
    await waitFor(() => log.includes('router started'), 10_000, 'the router to start');
    tapHost(CL, TAP_CL, '192.168.10.50/24', '192.168.10.1');
    tapHost(UP, TAP_UP, '203.0.113.1/24', '');
    server = spawn('ip', ['netns', 'exec', UP, 'python3', '-u', '-c', UDP_SERVER], { stdio: ['ignore', 'pipe', 'pipe'] });
    server.stdout!.on('data', (d) => (serverOut += d));
    await sleep(300);
  }, 30_000);

  afterAll(async () => {
    server?.kill('SIGKILL');
    await stopRouter(router);
    cleanup([CL, UP]);
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
