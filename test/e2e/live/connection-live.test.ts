/**
 * The live connection table and firewall log on a running router, with the flow in the port thread and in
 * two workers: `flowplane run` with two TAPs in namespaces and `--api-port 0`; after pings and a TCP exchange
 * across the masquerading router, `/ip/firewall/connection/print` through the binary API shows the
 * connections with srcnat and the reply address the router translated to; `remove` drops one; a `log=yes`
 * rule's line (made in a worker with `--workers 2`) appears in the router's log output.
 *
 *   lan (10.9.1.10) ── tap ether1 ─[flowplane]─ ether2 tap ── wan (10.9.2.10)
 *
 * Names start with `fpc<pid>`; afterAll removes the namespaces and stops the router whatever happened.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { cleanup, inNs, liveUsable, sh, sleep, startRouter, stopRouter, tapHost, waitUntil, labNames } from './lib';
import { RawClient } from '../../control/api/helpers';

const usable = liveUsable('live connection table');
const maybe = usable ? describe : describe.skip;

const CONFIG = `/ip address
add address=10.9.1.1/24 interface=ether1
add address=10.9.2.1/24 interface=ether2
/ip firewall filter
add chain=forward action=accept protocol=icmp in-interface=ether1 log=yes log-prefix=PING
/ip firewall nat
add chain=srcnat action=masquerade out-interface=ether2
/ip service
set www disabled=yes
set api-ssl disabled=yes
/user
add name=api group=full password=secret
`;

/** `=name=value` words of a reply sentence as an object. */
const attrs = (s: string[]): Record<string, string> => Object.fromEntries(s.filter((w) => w.startsWith('=')).map((w) => [w.slice(1, w.indexOf('=', 1)), w.slice(w.indexOf('=', 1) + 1)]));

for (const workers of [0, 2]) {
  maybe(`flowplane run${workers > 0 ? ` --workers ${workers}` : ''}: the connection table and firewall log are live`, () => {
    const P = `fpc${process.pid}${workers}`;
    const { LAN, WAN, TAP_LAN, TAP_WAN } = labNames(P);
    let router: ChildProcess | null = null;
    let log = '';
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fpc-'));
    const cfg = path.join(dir, 'router.rsc');
    let api: RawClient | null = null;
    const waitFor = (what: () => boolean, ms: number, label: string): Promise<void> => waitUntil(what, ms, label, () => log);

    beforeAll(async () => {
      fs.writeFileSync(cfg, CONFIG);
      const extra = workers > 0 ? ['--workers', String(workers)] : [];
      router = startRouter(['--config', cfg, '--tap', `ether1=${TAP_LAN}`, '--tap', `ether2=${TAP_WAN}`, '--api-port', '0', ...extra], (d) => (log += d));
      await waitFor(() => log.includes('router started'), 15_000, 'the router to start');
      tapHost(LAN, TAP_LAN, '10.9.1.10/24', '10.9.1.1');
      tapHost(WAN, TAP_WAN, '10.9.2.10/24', '10.9.2.1');
      const port = Number(/api listening on 127\.0\.0\.1:(\d+)/.exec(log)?.[1]);
      api = new RawClient(port);
      await api.ready();
      expect(await api.login('api', 'secret')).toEqual([['!done']]);
    }, 40_000);

    afterAll(async () => {
      api?.close();
      await stopRouter(router);
      cleanup([LAN, WAN]);
      fs.rmSync(dir, { recursive: true, force: true });
    });

    test('pings and a TCP exchange show as srcnat connections with the translated reply address; remove drops one; the log=yes line is logged', async () => {
      sh('ip', ['netns', 'exec', LAN, 'ping', '-c', '2', '-i', '0.2', '-W', '1', '10.9.2.10']);
      // a TCP connection to a listener on the WAN side, closed after a line (OpenBSD nc)
      const server = spawn('ip', ['netns', 'exec', WAN, 'nc', '-l', '-p', '4444'], { stdio: 'ignore' });
      try {
        await sleep(300);
        inNs(LAN, ['sh', '-c', 'echo hello | nc -N -w 2 10.9.2.10 4444'], 5000);
      } finally {
        server.kill('SIGKILL');
      }
      const icmp = (await api!.call(['/ip/firewall/connection/print', '?protocol=icmp'])).filter((s) => s[0] === '!re').map(attrs);
      expect(icmp.length).toBe(1);
      expect(icmp[0]).toMatchObject({ 'src-address': '10.9.1.10', 'dst-address': '10.9.2.10', 'reply-src-address': '10.9.2.10', 'reply-dst-address': '10.9.2.1', srcnat: 'true', 'seen-reply': 'true' });
      expect(Number(icmp[0]!['orig-packets'])).toBe(2);
      const tcp = (await api!.call(['/ip/firewall/connection/print', '?protocol=tcp', '?dst-address=10.9.2.10:4444'])).filter((s) => s[0] === '!re').map(attrs);
      expect(tcp.length).toBe(1);
      expect(tcp[0]!['src-address']).toMatch(/^10\.9\.1\.10:\d+$/);
      expect(tcp[0]!['reply-dst-address']).toMatch(/^10\.9\.2\.1:\d+$/);
      expect(tcp[0]!['srcnat']).toBe('true');
      expect(tcp[0]!['tcp-state']).toMatch(/^(fin-wait|close-wait|last-ack|time-wait|close)$/);
      expect((await api!.call(['/ip/firewall/connection/remove', `=.id=${icmp[0]!['.id']}`]))[0]![0]).toBe('!done');
      const left = (await api!.call(['/ip/firewall/connection/print', '?protocol=icmp'])).filter((s) => s[0] === '!re');
      expect(left.length).toBe(0);
      // the firewall's log line for each echo request, in the run's log (RouterOS /log form)
      await waitFor(() => (log.match(/firewall,info PING forward: in:ether1 out:ether2/g) ?? []).length >= 2, 3000, 'the log=yes lines');
      expect(log).toMatch(/PING forward: in:ether1 out:ether2, connection-state:new src-mac [0-9a-f:]+, proto ICMP \(type 8, code 0\), 10\.9\.1\.10->10\.9\.2\.10, len 84/);
    }, 30_000);
  });
}
