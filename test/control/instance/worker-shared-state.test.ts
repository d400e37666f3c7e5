/**
 * `flowplane run --workers 2` without devices: frames handed to the WorkerEngine (as the live driver does)
 * reach two real worker threads by flow hash. State that must be the router's, not a worker's:
 * - a dynamic address-list entry added by a rule in one worker lets in a connection hashed to the other
 *   (a port knock);
 * - a `limit` rule passes the router's rate once, not once per worker, and so does a `dst-limit` rule for
 *   one source whose flows the workers share.
 * Needs dist/ (the workers run the built worker entry); skipped without it outside CI.
 */
import * as fs from 'node:fs';
import { WorkerEngine, liveWorkerFile } from '../../../control/instance/worker-engine';
import { compileConfig, routerAddrs } from '../../../control/instance/compile-text';
import { frameShard, shardWorker } from '../../../dataplane/worker/shard';
import { frame } from '../../../pcap/fixture';
import { officeRouter } from '../../dataplane/flow/helpers';

const built = fs.existsSync(liveWorkerFile());
if (!built && process.env.CI) throw new Error('dist/ missing: run npm run build');
const maybe = built ? describe : describe.skip;

const CFG = `${officeRouter()}/ip firewall filter
add chain=forward action=add-src-to-address-list address-list=knocked address-list-timeout=1m protocol=udp dst-port=1111
add chain=forward action=accept protocol=tcp dst-port=22 src-address-list=knocked
add chain=forward action=drop protocol=tcp dst-port=22
add chain=forward action=accept protocol=udp dst-port=7 limit=20/1s,10:packet
add chain=forward action=drop protocol=udp dst-port=7
add chain=forward action=accept protocol=udp dst-port=13 dst-limit=20/1s,10,src-address/1m
add chain=forward action=drop protocol=udp dst-port=13
`;

const PC = { src: '02:00:00:00:02:10', dst: '02:F1:00:00:00:02' };
const knock = (sport: number) => frame().eth(PC).ipv4({ src: '192.168.88.10', dst: '198.51.100.5' }).udp({ sport, dport: 1111 }).build();
const ssh = (sport: number) => frame().eth(PC).ipv4({ src: '192.168.88.10', dst: '198.51.100.5' }).tcp({ sport, dport: 22, flags: 'S', seq: 1 }).build();
const daytime = (sport: number) => frame().eth(PC).ipv4({ src: '192.168.88.10', dst: '198.51.100.5' }).udp({ sport, dport: 13 }).payload('x').build();
const echo = (sport: number) => frame().eth(PC).ipv4({ src: '192.168.88.10', dst: '198.51.100.5' }).udp({ sport, dport: 7 }).payload('x').build();
/** The port thread's slots (all free again once every frame is decided). */
const WORK = 1024;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

maybe('state shared by the workers of one router', () => {
  const gen = compileConfig(CFG, 'shared.rsc');
  const router = routerAddrs(gen);
  let engine: WorkerEngine;
  let sent: { port: number; sport: number }[] = [];

  beforeAll(async () => {
    engine = new WorkerEngine({ workers: 2, config: CFG, file: 'shared.rsc', ethernetPorts: 2, gen, fastClock: false, slots: WORK, log: () => {} });
    engine.setTransmit((slot, port) => {
      const p = engine.pool;
      const off = slot * p.slotSize + p.meta.start[slot]!;
      sent.push({ port, sport: (p.bytes[off + 34]! << 8) | p.bytes[off + 35]! });
      p.free(slot);
    });
    await engine.ready();
  });
  afterAll(async () => {
    await engine.close();
  });

  /** The worker a frame is hashed to. */
  const workerOf = (f: Uint8Array) => shardWorker(frameShard(f, 0, f.length, router), 2);
  /** A source port whose frame lands on worker `k`. */
  const portOn = (make: (sport: number) => Uint8Array, k: number, from: number) => {
    for (let p = from; ; p++) if (workerOf(make(p)) === k) return p;
  };

  /** Hand frames to the workers at clock `sec` (ether2 = port 1) and wait until they are all decided. */
  async function send(frames: Uint8Array[], sec: number): Promise<void> {
    const pool = engine.pool;
    engine.setClock(1_700_000_000 + sec, 0);
    const slots = new Uint32Array(frames.length);
    frames.forEach((f, i) => {
      const s = pool.alloc();
      pool.write(s, f, 0, f.length);
      pool.meta.inPort[s] = gen.portNames.indexOf('ether2');
      pool.meta.linkType[s] = 1;
      pool.meta.tsSec[s] = 1_700_000_000 + sec;
      pool.meta.tsNsec[s] = 0;
      slots[i] = s;
    });
    engine.receive(slots, frames.length);
    // every frame comes back (sent or dropped: the dispatcher's slot returns to its pool)
    const until = Date.now() + 5000;
    while (pool.available < WORK && Date.now() < until) {
      await sleep(5);
      engine.drainOut();
    }
    await sleep(20);
    engine.drainOut();
  }

  test('a knock seen by one worker opens the door in the other', async () => {
    const k1 = portOn(knock, 0, 40000);
    const blocked = portOn(ssh, 1, 41000);
    const after = portOn(ssh, 1, blocked + 1);
    expect(workerOf(knock(k1))).not.toBe(workerOf(ssh(after)));
    const told: number[][] = [];
    engine.onListAdd = (list, lo, hi, expires) => told.push([list, lo, hi, expires]);
    sent = [];
    await send([ssh(blocked)], 1);
    expect(sent.filter((s) => s.sport === blocked)).toEqual([]);
    await send([knock(k1)], 2);
    await sleep(30); // the relay runs on the next round
    engine.drainOut();
    await send([ssh(after)], 3);
    expect(sent.filter((s) => s.sport === after).length).toBe(1);
    // the router's own copy (what /ip firewall address-list prints) heard it once: 192.168.88.10 for 1m
    expect(told).toEqual([[0, 0xc0a8580a, 0xc0a8580a, 1_700_000_002 + 60]]);
  });

  test('limit=20/1s,10: both workers together pass the burst once', async () => {
    sent = [];
    const frames: Uint8Array[] = [];
    for (let p = 50000; frames.length < 60; p++) frames.push(echo(p));
    const perWorker = [0, 1].map((k) => frames.filter((f) => workerOf(f) === k).length);
    expect(Math.min(...perWorker)).toBeGreaterThan(15); // both workers get more than their share of the burst
    await send(frames, 10);
    const passed = sent.filter((s) => s.sport >= 50000 && s.sport < 50100).length;
    // one bucket of 10 at one instant (per worker it would be 20)
    expect(passed).toBe(10);
  });

  test('dst-limit=20/1s,10 per source: the workers share the source`s bucket (10 pass, not 20)', async () => {
    sent = [];
    const frames: Uint8Array[] = [];
    for (let p = 60000; frames.length < 60; p++) frames.push(daytime(p));
    expect(Math.min(...[0, 1].map((k) => frames.filter((f) => workerOf(f) === k).length))).toBeGreaterThan(15);
    await send(frames, 20);
    expect(sent.filter((s) => s.sport >= 60000 && s.sport < 60100).length).toBe(10);
  });
});
