/**
 * A packet crossing 8 routers chained through MetaRouter-style links (dataplane/lab.ts), single thread, in
 * memory: 64-byte IPv4/UDP frames in vectors of 256 arrive on router 1's ether1; every router bridges its
 * ether1 and ether2 (the destination MAC is learned behind ether2), and router k's ether2 is linked to router
 * k+1's ether1, so each frame goes through 8 flows and 7 link crossings before it leaves router 8's ether2.
 * All flows share one packet pool: a crossing moves the slot, the frame is never copied.
 *
 * `node dist/bench/micro/metarouter-chain.js` runs for ~2 s and prints packets/s (each packet counted once,
 * however many routers it crossed); `npm run bench metarouter-chain` runs it under benchmark.js. Target
 * 1 M packets/s through all 8 routers.
 */
import type { AddBench } from '../harness';
import { sink } from '../harness';
import { compileBenchConfig } from '../flow-harness';
import { Flow } from '../../dataplane/flow';
import { Lab } from '../../dataplane/lab';
import { PacketPool } from '../../dataplane/buf/pool';
import { frame } from '../../pcap/fixture';

const VECTOR = 256;
const ROUTERS = 8;

const CONFIG = `/interface bridge
add name=br1
/interface bridge port
add bridge=br1 interface=ether1
add bridge=br1 interface=ether2
`;

export interface ChainBench {
  lab: Lab;
  round: () => void;
}

export function setup(): ChainBench {
  const gen = compileBenchConfig(CONFIG);
  const pool = new PacketPool({ slots: VECTOR * 2, slotSize: 128, headroom: 0 });
  const lab = new Lab(pool);
  const e1 = gen.portNames.indexOf('ether1');
  const e2 = gen.portNames.indexOf('ether2');
  for (let k = 0; k < ROUTERS; k++) {
    const flow = new Flow(gen, { pool, placeholders: false });
    flow.setClock(1000, 0);
    flow.state.fdbs[0]!.learn(0x02bb, 1, 0, e2, 1000);
    lab.add(`r${k + 1}`, flow);
    if (k > 0) lab.link(k - 1, e2, k, e1);
  }
  const out = new Uint32Array(VECTOR);
  let n = 0;
  lab.onOutput = (k, port, slot) => {
    if (k !== ROUTERS - 1 || port !== e2) throw new Error(`left router ${k + 1} port ${port}`);
    out[n++] = slot;
  };
  const template = frame().eth({ src: '02:aa:00:00:00:01', dst: '02:bb:00:00:00:01' }).ipv4({ src: '10.0.0.1', dst: '10.0.0.2', ttl: 64 }).udp({ sport: 1000, dport: 2000 }).payload(new Uint8Array(18)).build();
  const slots = new Uint32Array(VECTOR);
  for (let i = 0; i < VECTOR; i++) {
    const s = pool.alloc();
    pool.write(s, template, 0, template.length, 64);
    slots[i] = s;
  }
  const m = pool.meta;
  const round = (): void => {
    n = 0;
    for (let i = 0; i < VECTOR; i++) {
      const s = slots[i]!;
      m.inPort[s] = e1;
      m.flags[s] = 0;
    }
    lab.inject(0, slots, VECTOR);
    if (n !== VECTOR) throw new Error(`only ${n} of ${VECTOR} frames crossed the chain: ${lab.flows.map((f) => [...f.dropCounts()].join(',')).join(' | ')}`);
    slots.set(out);
    sink.n += VECTOR;
  };
  return { lab, round };
}

export function register(add: AddBench): void {
  const b = setup();
  add(`64 B frames through ${ROUTERS} routers chained by links (bridged in each), vectors of 256`, b.round, VECTOR, 'packets', 1e6);
}

if (require.main === module) {
  const b = setup();
  for (let i = 0; i < 2000; i++) b.round();
  const start = performance.now();
  let n = 0;
  while (performance.now() - start < 2000) {
    for (let i = 0; i < 100; i++) b.round();
    n += 100 * VECTOR;
  }
  const secs = (performance.now() - start) / 1000;
  console.log(`metarouter-chain (${ROUTERS} routers): ${(n / secs / 1e6).toFixed(2)} M packets/s (${((secs * 1e9) / n).toFixed(1)} ns/packet, ${((secs * 1e9) / n / ROUTERS).toFixed(1)} ns per router) — target 1 M packets/s`);
  console.log(`crossings: ${b.lab.crossed}`);
}
