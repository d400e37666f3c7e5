/**
 * `run --workers`: the live driver with in-memory ports over the worker engine (two piscina threads running
 * the built dist/control/instance/worker-entry.js). Checked: frames of many flows are spread over both
 * workers and come back out of the right port; masqueraded connections get ports congruent to their shard,
 * so replies to the router address are steered to the worker holding the binding and de-NATed; a console
 * change reloads every worker carrying the connections (replies still de-NATed, the new rule in force);
 * every slot returns to the pool; rule counters are the workers' summed; a clock tick reaches the workers (an ARP request for an unknown neighbour
 * is retried on the clock).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { frame } from '../../../pcap/fixture';
import { RouterInstance } from '../../../control/instance/router';
import { LiveRouter } from '../../../control/instance/live-router';
import { frameShard, SHARD_MASK } from '../../../dataplane/worker/shard';
import { compileGeneration } from '../../../control/compile/generation';
import { compileConfig } from '../../../control/instance/compile-text';
import { exportConfig } from '../../../control/store/export';
import { MemPort } from '../../dataplane/ports/mem-port';
import { twoPortRouter } from './mem-router';
import { runApiCommand } from '../../../control/api/commands';

const ROOT = path.resolve(__dirname, '../../..');
const LAN_MAC = '02:00:00:00:11:02';
const WAN_MAC = '02:00:00:00:22:02';
const CONFIG = `${twoPortRouter('203.0.113.2/24')}/ip arp
add address=10.1.0.2 interface=ether1 mac-address=${LAN_MAC}
add address=203.0.113.1 interface=ether2 mac-address=${WAN_MAC}
/ip firewall filter
add chain=forward action=accept connection-state=established,related
add chain=forward action=accept in-interface=ether1
add chain=forward action=drop
/ip firewall nat
add chain=srcnat action=masquerade out-interface=ether2
`;
const FLOWS = 64;
const out = (sport: number, dport = 53) =>
  frame().eth({ src: LAN_MAC, dst: '02:00:00:00:01:01' }).ipv4({ src: '10.1.0.2', dst: '203.0.113.1', ttl: 64 }).udp({ sport, dport }).payload(new Uint8Array(20)).build();
const reply = (dport: number) =>
  frame().eth({ src: WAN_MAC, dst: '02:00:00:00:02:01' }).ipv4({ src: '203.0.113.1', dst: '203.0.113.2', ttl: 64 }).udp({ sport: 53, dport }).payload(new Uint8Array(20)).build();
const ip = (f: Uint8Array, o: number) => `${f[o]}.${f[o + 1]}.${f[o + 2]}.${f[o + 3]}`;
const u16 = (f: Uint8Array, o: number) => (f[o]! << 8) | f[o + 1]!;

async function until(what: () => boolean, label: string, ms = 10_000): Promise<void> {
  const end = Date.now() + ms;
  while (!what()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${label}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

async function setup(config = CONFIG) {
  if (!fs.existsSync(path.join(ROOT, 'dist', 'control', 'instance', 'worker-entry.js'))) throw new Error('dist/ is not built: run `npm run build` (npm test does it)');
  const router = new RouterInstance();
  const res = router.load(config, 'live.rsc');
  if (!res.ok) throw new Error(res.errors.map((e) => e.message).join('\n'));
  const p1 = new MemPort('tapA');
  const p2 = new MemPort('tapB');
  let t = 1_700_000_000;
  const logs: string[] = [];
  const live = new LiveRouter(router, [{ iface: 'ether1', io: p1 }, { iface: 'ether2', io: p2 }], {
    log: (topics, msg) => logs.push(`${topics} ${msg}`),
    driver: { clock: () => [t, 0], tickMs: 1000 },
    workers: 2,
    slots: 1024,
  });
  await live.ready();
  live.driver.start();
  return { router, live, p1, p2, logs, advance: (s: number) => (t += s) };
}

test('workers compile the store\'s export: the same ports, MTUs, addresses and MACs as the port thread\'s compile', () => {
  const router = new RouterInstance({ ethernetPorts: 12 });
  const res = router.load(CONFIG + '/interface ethernet\nset [ find default-name=ether11 ] mtu=1400\n/ip address\nadd address=10.11.0.1/24 interface=ether11\n', 'live.rsc');
  expect(res.ok).toBe(true);
  router.runConsoleLine('add chain=forward action=drop protocol=udp dst-port=9999', ['/ip firewall filter'], {});
  const text = exportConfig(router.store, { verbose: true, showSensitive: true, date: new Date(0) });
  const mine = compileGeneration(router.store);
  const theirs = compileConfig(text, 'running.rsc', { ethernetPorts: router.store.table('/interface ethernet')!.items.length });
  expect(theirs.portNames).toEqual(mine.portNames);
  expect(theirs.portNames).toContain('ether12');
  expect(Array.from(theirs.mtu)).toEqual(Array.from(mine.mtu));
  expect(Array.from(theirs.localAddr)).toEqual(Array.from(mine.localAddr));
  expect(Array.from(theirs.macs)).toEqual(Array.from(mine.macs));
  expect(theirs.firewall.filter.ids).toEqual(mine.firewall.filter.ids);
  expect(theirs.firewall.filter.ids.length).toBe(4);
});

describe('the worker engine (run --workers 2)', () => {
  jest.setTimeout(30_000);

  test('spreads flows over the workers, masquerades with shard-congruent ports, steers replies back, returns every slot', async () => {
    const { router, live, p1, p2 } = await setup();
    try {
      const engine = live.workerEngine!;
      expect(engine.workers).toBe(2);
      for (let i = 0; i < FLOWS; i++) p1.inbox.push(out(20000 + i * 7));
      p1.ready!();
      await until(() => p2.sent.length === FLOWS, 'the masqueraded frames');
      expect(engine.dispatched[0]).toBeGreaterThan(0);
      expect(engine.dispatched[1]).toBeGreaterThan(0);
      expect(engine.dispatched[0]! + engine.dispatched[1]!).toBe(FLOWS);
      const natPorts: number[] = [];
      for (const f of p2.sent) {
        expect(ip(f, 26)).toBe('203.0.113.2');
        expect(f[22]).toBe(63);
        natPorts.push(u16(f, 34));
      }
      // every original flow's shard equals its translated port mod 64 (NAT steering: docs/workers.md)
      const shards = Array.from({ length: FLOWS }, (_, i) => {
        const o = out(20000 + i * 7);
        return frameShard(o, 0, o.length);
      }).sort((a, b) => a - b);
      expect(natPorts.map((p) => p & SHARD_MASK).sort((a, b) => a - b)).toEqual(shards);
      // replies to the router address: steered by port to the right worker, de-NATed back to the LAN host
      for (const p of natPorts) p2.inbox.push(reply(p));
      p2.ready!();
      await until(() => p1.sent.length === FLOWS, 'the de-NATed replies');
      const back = p1.sent.map((f) => `${ip(f, 30)}:${u16(f, 36)}`).sort();
      expect(back).toEqual(Array.from({ length: FLOWS }, (_, i) => `10.1.0.2:${20000 + i * 7}`).sort());
      expect(engine.ringDrops).toBe(0);
      // print stats: the rule counters of both workers, summed (64 out by rule 2, 64 replies by rule 1)
      const filter = router.store.table('/ip firewall filter')!.items;
      const nat = router.store.table('/ip firewall nat')!.items;
      const src = live.counterSource();
      expect(src.counters('/ip firewall filter', filter[0]!.id)).toEqual({ packets: FLOWS, bytes: FLOWS * 48 });
      expect(src.counters('/ip firewall filter', filter[1]!.id)).toEqual({ packets: FLOWS, bytes: FLOWS * 48 });
      expect(src.counters('/ip firewall filter', filter[2]!.id)).toEqual({ packets: 0, bytes: 0 });
      expect(src.counters('/ip firewall nat', nat[0]!.id)?.packets).toBe(FLOWS);
      // every port-thread slot is free again (the workers handed back all they transmitted)
      live.driver.tick();
      await until(() => engine.pool.available === 1024, 'every slot back');
    } finally {
      live.driver.stop();
      await live.close();
    }
  });

  test('a console change reloads every worker, carrying the masqueraded connections', async () => {
    const { live, p1, p2, logs } = await setup();
    try {
      for (let i = 0; i < FLOWS; i++) p1.inbox.push(out(30000 + i));
      p1.ready!();
      await until(() => p2.sent.length === FLOWS, 'the masqueraded frames');
      const natPorts = p2.sent.map((f) => u16(f, 34));
      // the reply makes the connections established (carried connections are confirmed ones)
      for (const p of natPorts) p2.inbox.push(reply(p));
      p2.ready!();
      await until(() => p1.sent.length === FLOWS, 'the first replies');
      const r = live.consoleBackend().runConsoleLine('add chain=forward action=drop protocol=udp dst-port=9999 place-before=0', ['/ip firewall filter']);
      expect(r.ok).toBe(true);
      expect(logs.join('\n')).toMatch(new RegExp(`configuration changed from the console, ${FLOWS} connections kept`));
      // replies after the reload are still de-NATed by the worker holding each connection
      for (const p of natPorts) p2.inbox.push(reply(p));
      p2.ready!();
      await until(() => p1.sent.length === 2 * FLOWS, 'the replies after the reload');
      // the new rule is in force in every worker: none of these leaves, while port 53 still does
      for (let i = 0; i < 16; i++) p1.inbox.push(out(40000 + i, 9999));
      p1.inbox.push(out(41000, 53));
      p1.ready!();
      await until(() => p2.sent.length === FLOWS + 1, 'the frame the new rule lets through');
      await new Promise((res) => setTimeout(res, 50));
      expect(p2.sent.length).toBe(FLOWS + 1);
      expect(u16(p2.sent[FLOWS]!, 36)).toBe(53);
    } finally {
      live.driver.stop();
      await live.close();
    }
  });

  test('the clock reaches the workers (ARP retried) and an ARP reply reaches every worker (all waiting frames leave)', async () => {
    const { live, p1, p2, advance } = await setup(CONFIG.replace(`add address=203.0.113.1 interface=ether2 mac-address=${WAN_MAC}\n`, ''));
    try {
      // flows on both workers, all waiting for the same neighbour
      for (let i = 0; i < 8; i++) p1.inbox.push(out(5000 + i));
      p1.ready!();
      const engine = live.workerEngine!;
      expect(engine.dispatched[0]).toBeGreaterThan(0);
      expect(engine.dispatched[1]).toBeGreaterThan(0);
      const arps = () => p2.sent.filter((f) => u16(f, 12) === 0x0806).length;
      await until(() => arps() === 2, 'an ARP request from each worker');
      advance(2);
      live.driver.tick();
      await until(() => arps() >= 4, 'the ARP requests retried on the clock');
      expect(p2.sent.every((f) => u16(f, 12) === 0x0806)).toBe(true);
      const arpReply = frame().eth({ src: WAN_MAC, dst: '02:00:00:00:02:01' }).arp({ op: 'reply', senderMac: WAN_MAC, senderIp: '203.0.113.1', targetMac: '02:00:00:00:02:01', targetIp: '203.0.113.2' }).build();
      p2.inbox.push(arpReply);
      p2.ready!();
      const udps = () => p2.sent.filter((f) => u16(f, 12) === 0x0800);
      await until(() => udps().length === 8, 'every waiting frame, from both workers');
      expect(udps().every((f) => ip(f, 30) === '203.0.113.1' && f[0] === 2 && f[5] === 2)).toBe(true);
    } finally {
      live.driver.stop();
      await live.close();
    }
  });

  test('live tables and counters from the workers: connections (unique ids, remove), log=yes lines, queue stats summed', async () => {
    const config = CONFIG.replace('add chain=forward action=accept in-interface=ether1\n', 'add chain=forward action=accept in-interface=ether1 log=yes log-prefix=LAN\n') + '/queue simple\nadd name=lan target=10.1.0.0/24\n';
    const { router, live, p1, p2, logs } = await setup(config);
    try {
      // the queue shapes per worker, and the router says so at start
      expect(logs.filter((l) => l.startsWith('system,warning queues: each of the 2 workers'))).toHaveLength(1);
      expect(logs.some((l) => l.includes('psd rules count per worker'))).toBe(false);
      const engine = live.workerEngine!;
      for (let i = 0; i < 16; i++) p1.inbox.push(out(50000 + i));
      p1.ready!();
      await until(() => p2.sent.length === 16, 'the masqueraded frames');
      expect(engine.dispatched[0]).toBeGreaterThan(0);
      expect(engine.dispatched[1]).toBeGreaterThan(0);
      const natPorts = p2.sent.map((f) => u16(f, 34));
      const user = { name: 't', policies: new Set(['read', 'write']) };
      const print = (queries: string[] = []) => {
        const r = runApiCommand(router, user, { path: ['ip', 'firewall', 'connection'], verb: 'print', attrs: [], queries });
        if (!r.ok) throw new Error(r.message);
        return r.rows.map((m) => Object.fromEntries(m));
      };
      const rows = print(['?protocol=udp']);
      expect(rows.length).toBe(16);
      expect(new Set(rows.map((r) => r['.id'])).size).toBe(16);
      expect(rows.map((r) => r['src-address']).sort()).toEqual(Array.from({ length: 16 }, (_, i) => `10.1.0.2:${50000 + i}`).sort());
      expect(rows.map((r) => r['reply-dst-address']).sort()).toEqual(natPorts.map((p) => `203.0.113.2:${p}`).sort());
      expect(rows.every((r) => r['srcnat'] === 'true' && r['seen-reply'] === 'false')).toBe(true);
      // the console's count and a remove through it: the worker holding each connection drops it
      const con = live.consoleBackend();
      const r = con.runConsoleLine('remove [find where src-address~":5000[0-7]"]', ['ip', 'firewall', 'connection']);
      expect(r.errors.map((e) => e.message)).toEqual([]);
      expect(print().map((x) => x['src-address']).sort()).toEqual(Array.from({ length: 8 }, (_, i) => `10.1.0.2:${50008 + i}`));
      // the log=yes rule's lines, from both workers, in the router's /log
      await until(() => router.log.entries().filter((e) => e.topics === 'firewall,info').length === 16, 'the workers\' log lines');
      expect(router.log.entries().find((e) => e.topics === 'firewall,info')!.message).toMatch(/^LAN forward: in:ether1 out:ether2, connection-state:new src-mac 02:00:00:00:11:02, proto UDP, 10\.1\.0\.2:500\d\d->203\.0\.113\.1:53, len 48$/);
      // simple queue counters: both workers' summed (16 uploads of 62-byte frames)
      const sq = router.store.table('/queue simple')!.items[0]!;
      const vals = live.counterSource().statValues!('/queue simple', sq.id)!;
      expect(vals.slice(1, 3)).toEqual(['992/0', '16/0']);
    } finally {
      live.driver.stop();
      await live.close();
    }
  });
});
