/**
 * The management API on a live router: `flowplane run` with two TAPs in namespaces and `--api-port 0`; a
 * firewall rule added through the RouterOS binary API stops pings across the router, and removing it through
 * the API lets them through again — changes through an API reach the running dataplane, and prints through
 * it carry the running flow's counters (issue [api] "Live").
 *
 *   lan (10.9.1.10) ── tap ether1 ─[flowplane]─ ether2 tap ── wan (10.9.2.10)
 *
 * Names start with `fpa<pid>`; afterAll removes the namespaces and stops the router whatever happened.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { cleanup, liveUsable, sh, sleep, startRouter, stopRouter, tapHost, waitUntil, labNames } from './lib';
import { RawClient } from '../../control/api/helpers';

const P = `fpa${process.pid}`;
const { LAN, WAN, TAP_LAN, TAP_WAN } = labNames(P);
const usable = liveUsable('live API');
const maybe = usable ? describe : describe.skip;

const CONFIG = `/ip address
add address=10.9.1.1/24 interface=ether1
add address=10.9.2.1/24 interface=ether2
/ip service
set www disabled=yes
set api-ssl disabled=yes
/user
add name=api group=full password=secret
`;

const pings = (): boolean => {
  try {
    sh('ip', ['netns', 'exec', LAN, 'ping', '-c', '2', '-i', '0.2', '-W', '1', '10.9.2.10']);
    return true;
  } catch {
    return false;
  }
};

maybe('flowplane run: the API changes the running dataplane', () => {
  let router: ChildProcess | null = null;
  let log = '';
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fpa-'));
  const cfg = path.join(dir, 'router.rsc');
  let api: RawClient | null = null;

  const waitFor = (what: () => boolean, ms: number, label: string): Promise<void> => waitUntil(what, ms, label, () => log);

  beforeAll(async () => {
    fs.writeFileSync(cfg, CONFIG);
    router = startRouter(['--config', cfg, '--tap', `ether1=${TAP_LAN}`, '--tap', `ether2=${TAP_WAN}`, '--api-port', '0'], (d) => (log += d));
    await waitFor(() => log.includes('router started'), 10_000, 'the router to start');
    tapHost(LAN, TAP_LAN, '10.9.1.10/24', '10.9.1.1');
    tapHost(WAN, TAP_WAN, '10.9.2.10/24', '10.9.2.1');
    const port = Number(/api listening on 127\.0\.0\.1:(\d+)/.exec(log)?.[1]);
    api = new RawClient(port);
    await api.ready();
  }, 30_000);

  afterAll(async () => {
    api?.close();
    await stopRouter(router);
    cleanup([LAN, WAN]);
    fs.rmSync(dir, { recursive: true, force: true });
  });

  test('an API login, a drop rule added through the API stops pings, removing it lets them through', async () => {
    expect(log).toMatch(/api listening on 127\.0\.0\.1:\d+/);
    expect(pings()).toBe(true);
    expect(await api!.login('api', 'secret')).toEqual([['!done']]);
    const added = await api!.call(['/ip/firewall/filter/add', '=chain=forward', '=action=drop', '=protocol=icmp']);
    expect(added[0]![0]).toBe('!done');
    const id = added[0]!.find((w) => w.startsWith('=ret='))!.slice(5);
    await waitFor(() => log.includes('configuration changed through the API'), 3000, 'the API change to apply');
    expect(pings()).toBe(false);
    // prints through the API carry the running flow's counters: the rule dropped the pings
    const rows = await api!.call(['/ip/firewall/filter/print', `?.id=${id}`]);
    const packets = Number(rows[0]!.find((w) => w.startsWith('=packets='))?.slice(9));
    expect(packets).toBeGreaterThanOrEqual(2);
    // and the interfaces their live rx/tx
    const ifs = await api!.call(['/interface/print', '?name=ether1']);
    expect(Number(ifs[0]!.find((w) => w.startsWith('=rx-packet='))?.slice(11))).toBeGreaterThan(0);
    expect((await api!.call(['/ip/firewall/filter/remove', `=.id=${id}`]))[0]![0]).toBe('!done');
    await sleep(300);
    expect(pings()).toBe(true);
  }, 30_000);

  test('monitor-traffic through the API and on SIGUSR1: the rates of the last second', async () => {
    // 50 pings a second for 3 s across the router (98-byte frames each way)
    const flood = spawn('ip', ['netns', 'exec', LAN, 'ping', '-q', '-c', '150', '-i', '0.02', '10.9.2.10'], { stdio: 'ignore' });
    try {
      await sleep(2300);
      const rows = await api!.call(['/interface/monitor-traffic', '=interface=ether1,ether2', '=once=']);
      expect(rows.map((r) => r[0])).toEqual(['!re', '!re', '!done']);
      const val = (r: string[], k: string) => Number(r.find((w) => w.startsWith(`=${k}=`))?.slice(k.length + 2));
      const [e1, e2] = [rows[0]!, rows[1]!];
      expect(e1).toContain('=name=ether1');
      expect(e2).toContain('=name=ether2');
      // requests in on ether1 and out on ether2, replies the other way: ~50 a second each way
      for (const [r, k] of [
        [e1, 'rx-packets-per-second'],
        [e1, 'tx-packets-per-second'],
        [e2, 'rx-packets-per-second'],
        [e2, 'tx-packets-per-second'],
      ] as const) {
        expect(val(r, k)).toBeGreaterThanOrEqual(35);
        expect(val(r, k)).toBeLessThanOrEqual(65);
      }
      expect(val(e1, 'rx-bits-per-second')).toBeCloseTo(val(e1, 'rx-packets-per-second') * 98 * 8, -3);
      const before = log.length;
      router!.kill('SIGUSR1');
      await waitFor(() => /tx-packets-per-second:/.test(log.slice(before)), 3000, 'the SIGUSR1 rates');
      expect(log.slice(before)).toMatch(/ +name: +ether1 +ether2/);
    } finally {
      flood.kill('SIGKILL');
    }
    // an unknown interface is the API's own error
    expect((await api!.call(['/interface/monitor-traffic', '=interface=nosuch', '=once=']))[0]).toEqual(['!trap', '=category=0', '=message=no such item']);
  }, 30_000);
});
