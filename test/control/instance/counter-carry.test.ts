/**
 * Counters kept across configuration changes on a live router (control/instance/counter-carry.ts,
 * dataplane/counter-carry.ts): a Flow replacing another takes the counters of the rules the maps pair; on a
 * LiveRouter (in-memory ports, in the port thread and with two workers) a console edit keeps every rule's
 * counters by id, a reload of the file keeps those of identical rules (paired in order) and zeroes changed
 * ones, queues keep theirs by name, bridge filter rules theirs, and `reset-counters` / `reset-counters-all`
 * zero them (console and API).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { frame } from '../../../pcap/fixture';
import { RouterInstance } from '../../../control/instance/router';
import { LiveRouter } from '../../../control/instance/live-router';
import { counterCarry, pairEqual } from '../../../control/instance/counter-carry';
import { compileGeneration } from '../../../control/compile/generation';
import { Flow } from '../../../dataplane/flow';
import { carryCounters } from '../../../dataplane/counter-carry';
import { MemPort } from '../../dataplane/ports/mem-port';
import type { ResolvedCommand } from '../../../control/routeros/script';

const POS = { line: 1, col: 1, offset: 0 };
/** An API command as the APIs resolve it (control/api). */
function cmd(path: string[], verb: string, items: string, props: Record<string, string> = {}): ResolvedCommand {
  return { file: '<api>', pos: POS, path, verb, args: [], props: Object.entries(props).map(([name, value]) => ({ name, value, pos: POS, valuePos: POS })), selector: { kind: 'items', value: items, pos: POS } };
}

const ROOT = path.resolve(__dirname, '../../..');
const LAN_MAC = '02:00:00:00:11:02';
const CONFIG = `/interface bridge
add name=br1
/interface bridge port
add bridge=br1 interface=ether3
add bridge=br1 interface=ether4
/interface bridge filter
add chain=forward action=accept mac-protocol=ip comment="bridged ip"
/interface ethernet
set [ find default-name=ether1 ] mac-address=02:00:00:00:01:01
set [ find default-name=ether2 ] mac-address=02:00:00:00:02:01
/ip address
add address=10.1.0.1/24 interface=ether1
add address=10.2.0.1/24 interface=ether2
/ip arp
add address=10.1.0.2 interface=ether1 mac-address=${LAN_MAC}
add address=10.2.0.2 interface=ether2 mac-address=02:00:00:00:22:02
/ip firewall filter
add chain=forward action=accept protocol=udp dst-port=9 comment=nine
add chain=forward action=accept protocol=udp dst-port=7 comment=seven
add chain=forward action=accept protocol=udp dst-port=7
/ip firewall mangle
add chain=forward action=mark-packet new-packet-mark=all passthrough=yes
/queue tree
add name=up parent=ether2 packet-mark=all max-limit=100M
`;
const udp = (dport: number) =>
  frame().eth({ src: LAN_MAC, dst: '02:00:00:00:01:01' }).ipv4({ src: '10.1.0.2', dst: '10.2.0.2', ttl: 64 }).udp({ sport: 4000, dport }).payload(new Uint8Array(58)).build();
const bridged = () =>
  frame().eth({ src: '02:00:00:00:33:03', dst: '02:00:00:00:44:04' }).ipv4({ src: '10.9.0.3', dst: '10.9.0.4', ttl: 64 }).udp({ sport: 1, dport: 2 }).payload(new Uint8Array(10)).build();

function load(text: string): RouterInstance {
  const r = new RouterInstance();
  const res = r.load(text, 'live.rsc');
  if (!res.ok) throw new Error(res.errors.map((e) => e.message).join('\n'));
  return r;
}

test('pairEqual pairs equal keys in order, each old one once, and never pairs a missing key', () => {
  expect(Array.from(pairEqual(['a', 'b', 'a', null], ['a', 'a', 'a', 'c', null, 'b']))).toEqual([0, 2, -1, -1, -1, 1]);
});

test('a Flow replacing another takes the counters the maps pair (identical rules after a reload, moved or not)', () => {
  const a = load(CONFIG);
  const ga = compileGeneration(a.store);
  const fa = new Flow(ga);
  const ports = ga.portNames;
  const inject = (f: Flow, bytes: Uint8Array) => {
    const s = f.pool.alloc();
    f.pool.write(s, bytes, 0, bytes.length);
    f.pool.meta.inPort[s] = ports.indexOf('ether1');
    f.receive(Uint32Array.of(s), 1);
  };
  for (let i = 0; i < 3; i++) inject(fa, udp(9));
  inject(fa, udp(7));
  expect(Array.from(fa.firewall!.filter.packets)).toEqual([3, 1, 0]);
  fa.finish(); // the queue tree lets every packet leave
  expect(fa.queueScheduler(2 + ports.indexOf('ether2'))!.stats.packets[0]).toBe(4);
  // the file again with a new rule first and rule "seven" changed: nine keeps 3, the changed one starts at 0,
  // the third (identical) keeps its 0, the mangle rule its 4
  const b = load(CONFIG.replace('add chain=forward action=accept protocol=udp dst-port=9 comment=nine', 'add chain=forward action=accept protocol=tcp\nadd chain=forward action=accept protocol=udp dst-port=9 comment="renamed: comments do not count"').replace('dst-port=7 comment=seven', 'dst-port=7 comment=seven src-port=4000'));
  const gb = compileGeneration(b.store);
  const fb = new Flow(gb, { replaces: fa });
  carryCounters(fa, fb, counterCarry({ gen: ga, store: a.store }, { gen: gb, store: b.store }, 'rule'));
  expect(Array.from(fb.firewall!.filter.packets)).toEqual([0, 3, 0, 0]);
  expect(Array.from(fb.firewall!.filter.bytes)).toEqual([0, 3 * 86, 0, 0]);
  expect(Array.from(fb.firewall!.mangle.packets)).toEqual([4]);
  // the queue by name: 4 packets of 100 bytes on the wire went through tree `up`
  const q = fb.queueScheduler(2 + gb.portNames.indexOf('ether2'))!;
  expect(q.stats.packets[0]).toBe(4);
  // by id instead (the same store, no edit): every rule continues itself
  const fc = new Flow(gb, { replaces: fb });
  carryCounters(fb, fc, counterCarry({ gen: gb, store: b.store }, { gen: gb, store: b.store }, 'id'));
  expect(Array.from(fc.firewall!.filter.packets)).toEqual([0, 3, 0, 0]);
});

async function until(what: () => boolean, label: string, ms = 10_000): Promise<void> {
  const end = Date.now() + ms;
  while (!what()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${label}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

for (const workers of [0, 2]) {
  describe(`a live router ${workers > 0 ? `with ${workers} workers` : 'in the port thread'}`, () => {
    jest.setTimeout(30_000);

    test('keeps counters across a console edit, an API edit and a reload of the file; reset-counters zeroes them', async () => {
      if (workers > 0 && !fs.existsSync(path.join(ROOT, 'dist', 'control', 'instance', 'worker-entry.js'))) throw new Error('dist/ is not built: run `npm run build`');
      const router = load(CONFIG);
      const ports = ['ether1', 'ether2', 'ether3', 'ether4'].map((n) => new MemPort(`tap-${n}`));
      let t = 1_700_000_000;
      const live = new LiveRouter(
        router,
        ports.map((io, i) => ({ iface: `ether${i + 1}`, io })),
        { log: () => {}, driver: { clock: () => [t, 0], tickMs: 1000 }, ...(workers > 0 ? { workers, slots: 1024 } : {}) },
      );
      await live.ready();
      live.driver.start();
      const [p1, p2, p3, p4] = ports as [MemPort, MemPort, MemPort, MemPort];
      const con = live.consoleBackend();
      const send = async (frames: Uint8Array[], from: MemPort, to: MemPort) => {
        const want = to.sent.length + frames.length;
        from.inbox.push(...frames);
        from.ready!();
        // the queue tree releases on the clock: move it on
        await until(() => {
          t += 0.01;
          live.driver.tick();
          return to.sent.length >= want;
        }, 'the frames through the router');
      };
      /** `print stats` packets of every rule of a menu, in order (through the router's counter source). */
      // (with workers a collection of their counters serves reads for 100 ms: wait that out)
      const stats = async (menu: string) => {
        if (workers > 0) await new Promise((r) => setTimeout(r, 110));
        const table = live.router.store.table(menu)!;
        return table.items.map((it) => live.router.counters!.counters(menu, it.id)?.packets ?? 0);
      };
      try {
        await send([udp(9), udp(9), udp(9), udp(7)], p1, p2);
        await send([bridged(), bridged()], p3, p4);
        expect(await stats('/ip firewall filter')).toEqual([3, 1, 0]);
        expect(await stats('/interface bridge filter')).toEqual([2]);
        // console: a rule added on top; the others keep theirs by id
        expect(con.runConsoleLine('add chain=forward action=accept protocol=tcp place-before=0', ['ip', 'firewall', 'filter']).ok).toBe(true);
        expect(await stats('/ip firewall filter')).toEqual([0, 3, 1, 0]);
        // an edit of rule "seven" in place keeps its counters (by id), and counting goes on
        expect(con.runConsoleLine('set [ find comment=seven ] src-port=4000', ['ip', 'firewall', 'filter']).ok).toBe(true);
        await send([udp(9)], p1, p2);
        expect(await stats('/ip firewall filter')).toEqual([0, 4, 1, 0]);
        expect(await stats('/ip firewall mangle')).toEqual([5]);
        expect(await stats('/interface bridge filter')).toEqual([2]);
        // the API: a change through runCommand (a clone), then apply as `run` does for API changes
        const mangleId = `*${live.router.store.table('/ip firewall mangle')!.items[0]!.id.toString(16)}`;
        expect(live.router.runCommand(cmd(['ip', 'firewall', 'mangle'], 'set', mangleId, { 'log-prefix': 'm' })).ok).toBe(true);
        live.applyIfChanged('configuration changed through the API');
        expect(live.router.store.table('/ip firewall mangle')!.items[0]!.values.get('log-prefix')).toBe('m');
        expect(await stats('/ip firewall mangle')).toEqual([5]);
        if (workers === 0) {
          // the queue tree keeps its counters by name across the edits (the workers' queues are not shown yet)
          const tree = live.router.store.table('/queue tree')!.items[0]!;
          expect(live.router.counters!.statValues!('/queue tree', tree.id)![2]).toBe(5);
        }
        // SIGHUP: the file again (new ids), rule "nine" unchanged, "seven" as in the file (differs from the
        // edited one: zero), the third identical: kept; the tcp rule is gone; mangle differs by its log-prefix
        // interface counters are the driver's: the same before and after the reload
        const rxOf = () => live.router.counters!.statValues!('/interface ethernet', live.router.store.table('/interface ethernet')!.items[0]!.id)![2];
        const rx = rxOf();
        expect(rx).toBe(5);
        expect(live.reload(CONFIG, 'live.rsc')).toBe(true);
        expect(rxOf()).toBe(rx);
        expect(await stats('/ip firewall filter')).toEqual([4, 0, 0]);
        expect(await stats('/ip firewall mangle')).toEqual([0]);
        expect(await stats('/interface bridge filter')).toEqual([2]);
        if (workers === 0) {
          const tree2 = live.router.store.table('/queue tree')!.items[0]!;
          expect(live.router.counters!.statValues!('/queue tree', tree2.id)![2]).toBe(5);
        }
        await send([udp(7)], p1, p2);
        expect(await stats('/ip firewall filter')).toEqual([4, 1, 0]);
        // reset-counters on one rule, then reset-counters-all (console), and on the bridge menu
        expect(con.runConsoleLine('reset-counters 0', ['ip', 'firewall', 'filter']).ok).toBe(true);
        expect(await stats('/ip firewall filter')).toEqual([0, 1, 0]);
        await send([udp(9), udp(7)], p1, p2);
        expect(await stats('/ip firewall filter')).toEqual([1, 2, 0]);
        // a reset rule's zero survives a reload too (the baseline moves with the rule)
        expect(con.runConsoleLine('add chain=forward action=drop protocol=tcp dst-port=1', ['ip', 'firewall', 'filter']).ok).toBe(true);
        expect(await stats('/ip firewall filter')).toEqual([1, 2, 0, 0]);
        expect(con.runConsoleLine('reset-counters-all', ['ip', 'firewall', 'filter']).ok).toBe(true);
        expect(await stats('/ip firewall filter')).toEqual([0, 0, 0, 0]);
        expect(await stats('/ip firewall mangle')).toEqual([3]);
        expect(con.runConsoleLine('/interface bridge filter reset-counters-all', []).ok).toBe(true);
        expect(await stats('/interface bridge filter')).toEqual([0]);
        // through the API's command path: reset one mangle rule by id
        const id = live.router.store.table('/ip firewall mangle')!.items[0]!.id;
        const rc = live.router.runCommand(cmd(['ip', 'firewall', 'mangle'], 'reset-counters', `*${id.toString(16)}`));
        expect(rc.ok).toBe(true);
        expect(await stats('/ip firewall mangle')).toEqual([0]);
        await send([udp(9)], p1, p2);
        expect(await stats('/ip firewall filter')).toEqual([1, 0, 0, 0]);
        expect(await stats('/ip firewall mangle')).toEqual([1]);
      } finally {
        live.driver.stop();
        await live.close();
      }
    });
  });
}
