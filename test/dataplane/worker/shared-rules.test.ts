/**
 * `limit` and `nth` with workers: two flows of one router (as two workers hold them) given the same
 * SharedRules buffers count as one router — a rate is the router's, not twice it, and exactly one in every
 * `every` packets matches nth whichever flow sees it. Without the shared buffers each flow counts alone
 * (the control case, which shows what the sharing changes). Then the lock itself under real threads.
 */
import { Worker } from 'node:worker_threads';
import { generationFrom, harness, officeRouter } from '../flow/helpers';
import { frame } from '../../../pcap/fixture';
import { sharedRuleBuffers, sharedRules, sharedRulesBuffer } from '../../../dataplane/firewall/shared-rules';
import type { Generation } from '../../../control/compile/generation';

const CFG = `${officeRouter()}/ip firewall filter
add chain=forward action=accept protocol=udp dst-port=7 limit=10/1s,5:packet
add chain=forward action=drop protocol=udp dst-port=7
add chain=forward action=drop protocol=udp dst-port=9 nth=3,1
add chain=forward action=accept protocol=udp dst-port=11 dst-limit=10/1s,5,src-address/1m
add chain=forward action=drop protocol=udp dst-port=11
`;

const udp = (sport: number, dport: number) =>
  frame().eth({ src: '02:00:00:00:02:10', dst: '02:F1:00:00:00:02' }).ipv4({ src: '192.168.88.10', dst: '198.51.100.5' }).udp({ sport, dport }).payload('x').build();

function twoFlows(gen: Generation, shared: boolean) {
  const f = gen.firewall;
  // the dst-limit rule is the filter table's fourth
  const dst = { raw: [], filter: Array.from({ length: f.filter.n }, (_, r) => r === 3), mangle: [], nat: [] };
  const rules = shared ? sharedRuleBuffers({ raw: f.raw.n, filter: f.filter.n, mangle: f.mangle.n, nat: f.nat.n }, dst) : null;
  return [harness(gen, { sharedRules: rules }), harness(gen, { sharedRules: rules })];
}

describe('rule state shared between workers', () => {
  const gen = generationFrom(CFG);

  test('limit: two flows sharing the bucket pass burst + rate x time in all; apart, each passes its own', () => {
    for (const shared of [true, false]) {
      const flows = twoFlows(gen, shared);
      let passed = 0;
      // 400 packets over 2 s, alternating between the flows (distinct flows: the workers' shards)
      for (let i = 0; i < 400; i++) {
        const h = flows[i % 2]!;
        if (h.feed('ether2', udp(10000 + i, 7), i * 5) === 'tx ether1') passed++;
      }
      // one bucket: burst 5 then 10/s for ~2 s = 5 + 20 (±1 for the refill edge); two buckets: twice that
      if (shared) expect(Math.abs(passed - 25)).toBeLessThanOrEqual(1);
      else expect(Math.abs(passed - 50)).toBeLessThanOrEqual(2);
    }
  });

  test('dst-limit per source: two flows sharing its table pass one source`s burst + rate once; apart, twice', () => {
    const src2 = (sport: number) =>
      frame().eth({ src: '02:00:00:00:02:11', dst: '02:F1:00:00:00:02' }).ipv4({ src: '192.168.88.11', dst: '198.51.100.5' }).udp({ sport, dport: 11 }).payload('x').build();
    for (const shared of [true, false]) {
      const flows = twoFlows(gen, shared);
      let passed = 0;
      let other = 0;
      // 200 packets of one source over 1 s, alternating between the flows; a second source on the side
      for (let i = 0; i < 200; i++) {
        if (flows[i % 2]!.feed('ether2', udp(12000 + i, 11), i * 5) === 'tx ether1') passed++;
        if (i % 20 === 0 && flows[0]!.feed('ether2', src2(13000 + i), i * 5) === 'tx ether1') other++;
      }
      // one bucket for the source: 5 + 10/s over ~1 s = 15 (±1); a bucket per flow: twice that
      if (shared) expect(Math.abs(passed - 15)).toBeLessThanOrEqual(1);
      else expect(Math.abs(passed - 30)).toBeLessThanOrEqual(2);
      expect(other).toBe(10); // the other source has its own bucket (10 packets, within its burst + rate)
    }
  });

  test('nth=3,1: exactly every third packet of the router matches, wherever it is counted', () => {
    const flows = twoFlows(gen, true);
    const fates: string[] = [];
    // an irregular split between the two flows
    const who = [0, 0, 1, 0, 1, 1, 1, 0, 0, 1, 0, 1];
    for (let i = 0; i < who.length; i++) fates.push(flows[who[i]!]!.feed('ether2', udp(20000 + i, 9), i));
    expect(fates.map((f) => (f === 'tx ether1' ? '.' : 'D')).join('')).toBe('D..D..D..D..');
    const apart = twoFlows(gen, false);
    const f2 = who.map((w, i) => apart[w]!.feed('ether2', udp(30000 + i, 9), i));
    // counted apart, each flow drops its own 1st, 4th, ... packet: not every third of the router's
    expect(f2.map((f) => (f === 'tx ether1' ? '.' : 'D')).join('')).not.toBe('D..D..D..D..');
  });

  test('the spin lock loses no update when real threads take it at once', async () => {
    const sab = sharedRulesBuffer(1);
    const code = `
      const { workerData } = require('node:worker_threads');
      const lock = new Int32Array(workerData, 16, 1);
      const tokens = new Float64Array(workerData, 0, 1);
      for (let i = 0; i < 200000; i++) {
        while (Atomics.compareExchange(lock, 0, 0, 1) !== 0);
        tokens[0] = tokens[0] + 1;
        Atomics.store(lock, 0, 0);
      }`;
    const run = () =>
      new Promise<void>((resolve, reject) => {
        const w = new Worker(code, { eval: true, workerData: sab });
        w.on('error', reject);
        w.on('exit', (c) => (c === 0 ? resolve() : reject(new Error(`exit ${c}`))));
      });
    await Promise.all([run(), run()]);
    // the layout the workers used by hand is the module's
    expect(sharedRules(sab, 1).tokens[0]).toBe(400000);
  });
});
