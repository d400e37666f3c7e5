/**
 * Rule counters on a live router survive configuration changes (issue [live] "rule counters kept across
 * reloads"): `flowplane run` with two TAPs in namespaces and `--api-port 0`; pings across the router are
 * counted by an accept rule; a rule added through the binary API, then a SIGHUP reload of the (unchanged)
 * file, leave `print stats` counts where they were (and counting goes on); `reset-counters` through the API
 * zeroes one rule. Run in the port thread and with `--workers 2`.
 *
 *   lan (10.9.3.10) ── tap ether1 ─[flowplane]─ ether2 tap ── wan (10.9.4.10)
 *
 * Names start with `fpc<pid>` (`fpc<pid>x` with workers); afterAll removes the namespaces and stops the
 * router whatever happened.
 */
import type { ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { cleanup, liveUsable, sh, startRouter, stopRouter, tapHost, waitUntil, labNames } from './lib';
import { RawClient } from '../../control/api/helpers';

const maybe = liveUsable('live counters') ? describe : describe.skip;

const CONFIG = `/ip address
add address=10.9.3.1/24 interface=ether1
add address=10.9.4.1/24 interface=ether2
/ip firewall filter
add chain=forward action=accept protocol=icmp comment=pings
add chain=forward action=accept
/ip service
set www disabled=yes
set api-ssl disabled=yes
/user
add name=api group=full password=secret
`;

function suite(workers: number): void {
  const P = `fpc${process.pid}${workers > 0 ? 'x' : ''}`;
  const { LAN, WAN, TAP_LAN, TAP_WAN } = labNames(P);

  maybe(`flowplane run keeps rule counters across changes${workers > 0 ? ` (--workers ${workers})` : ''}`, () => {
    let router: ChildProcess | null = null;
    let log = '';
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fpc-'));
    const cfg = path.join(dir, 'router.rsc');
    let api: RawClient | null = null;
    const waitFor = (what: () => boolean, ms: number, label: string): Promise<void> => waitUntil(what, ms, label, () => log);
    const ping = (n: number): void => {
      expect(sh('ip', ['netns', 'exec', LAN, 'ping', '-c', String(n), '-i', '0.1', '-W', '2', '10.9.4.10'])).toMatch(new RegExp(`${n} received`));
    };
    /** `print stats` packets of the rule commented `pings`, through the API (after the workers' 100 ms cache). */
    const counted = async (): Promise<number> => {
      await new Promise((r) => setTimeout(r, 150));
      const rows = await api!.call(['/ip/firewall/filter/print', '?comment=pings']);
      if (rows[0]?.[0] !== '!re') throw new Error(`print: ${JSON.stringify(rows)}; router log:\n${log}`);
      return Number(rows[0]!.find((w) => w.startsWith('=packets='))?.slice(9));
    };
    const ruleId = async (): Promise<string> => {
      const rows = await api!.call(['/ip/firewall/filter/print', '?comment=pings']);
      return rows[0]!.find((w) => w.startsWith('=.id='))!.slice(5);
    };

    beforeAll(async () => {
      fs.writeFileSync(cfg, CONFIG);
      router = startRouter(['--config', cfg, '--tap', `ether1=${TAP_LAN}`, '--tap', `ether2=${TAP_WAN}`, '--api-port', '0', ...(workers > 0 ? ['--workers', String(workers)] : [])], (d) => (log += d));
      await waitFor(() => log.includes('router started'), 10_000, 'the router to start');
      tapHost(LAN, TAP_LAN, '10.9.3.10/24', '10.9.3.1');
      tapHost(WAN, TAP_WAN, '10.9.4.10/24', '10.9.4.1');
      await connect();
    }, 30_000);

    /** Log in to the API on the port the router last said it listens on (a reload restarts the service). */
    const connect = async (): Promise<void> => {
      api?.close();
      const ports = [...log.matchAll(/api listening on 127\.0\.0\.1:(\d+)/g)];
      api = new RawClient(Number(ports[ports.length - 1]![1]));
      await api.ready();
      expect(await api.login('api', 'secret')).toEqual([['!done']]);
    };

    afterAll(async () => {
      api?.close();
      await stopRouter(router);
      cleanup([LAN, WAN]);
      fs.rmSync(dir, { recursive: true, force: true });
    });

    test('an API edit and a SIGHUP keep the counts; reset-counters zeroes them', async () => {
      ping(3);
      // requests and replies: 6 packets
      expect(await counted()).toBe(6);
      const added = await api!.call(['/ip/firewall/filter/add', '=chain=forward', '=action=drop', '=protocol=udp', '=dst-port=9999', '=place-before=0']);
      expect(added[0]![0]).toBe('!done');
      await waitFor(() => log.includes('configuration changed through the API'), 3000, 'the API change to apply');
      expect(await counted()).toBe(6);
      ping(1);
      expect(await counted()).toBe(8);
      // the file again: the added rule goes, the pings rule is identical and keeps its 8
      const reloads = (log.match(/configuration reloaded/g) ?? []).length;
      const listening = (log.match(/api listening/g) ?? []).length;
      router!.kill('SIGHUP');
      await waitFor(() => (log.match(/configuration reloaded/g) ?? []).length > reloads, 5000, 'the reload');
      // (`--api-port 0`: the reloaded /ip service listens on a new port)
      await waitFor(() => (log.match(/api listening/g) ?? []).length > listening, 5000, 'the API after the reload');
      await connect();
      expect(await counted()).toBe(8);
      ping(1);
      expect(await counted()).toBe(10);
      const reset = await api!.call(['/ip/firewall/filter/reset-counters', `=.id=${await ruleId()}`]);
      expect(reset[0]![0]).toBe('!done');
      expect(await counted()).toBe(0);
      ping(1);
      expect(await counted()).toBe(2);
    }, 40_000);
  });
}

suite(0);
suite(2);
