/**
 * Simple queues through the whole packet flow (dataplane/flow.ts), single thread, in memory ([queues] target:
 * the full routed path with 10k simple queues ≥ 2 Mpps): 64-byte IPv4/UDP frames from 10,000 LAN hosts
 * (ether2) to the Internet (ether1) in vectors of 256, each host with its own simple queue (target its /32,
 * max-limit 100M/100M, the ISP shape), no firewall.
 *
 * The flow clock advances 1 µs per vector of 256, so each host offers about 13 Mbit/s: under its limit.
 * Every packet is classified (SimpleQueueSet), enqueued in its leaf of the simple-queue HTB and released in
 * the same vector — the cost of shaping without the drops. `node dist/bench/micro/flow-queues.js` prints
 * packets/s and `show runtime`; `npm run bench flow-queues` runs it under benchmark.js.
 */
import { sink, type AddBench } from '../harness';
import { compileBenchConfig, flowRig, timeRounds } from '../flow-harness';
import { PacketPool } from '../../dataplane/buf/pool';
import { frame } from '../../pcap/fixture';

const VECTOR = 256;
const HOSTS = 10_000;
const FRAME = 60;
const R_LAN = '02:00:00:00:02:01';
const GW = '02:00:00:00:01:fe';

export const hostIp = (h: number): string => `10.1.${h >> 8}.${h & 255}`;

export function config(queues: number): string {
  const q: string[] = ['/queue simple'];
  for (let h = 0; h < queues; h++) q.push(`add name=sub${h} target=${hostIp(h + 2)}/32 max-limit=100M/100M`);
  return `/interface ethernet
set [ find default-name=ether2 ] mac-address=${R_LAN}
/ip address
add address=203.0.113.2/24 interface=ether1
add address=10.1.0.1/16 interface=ether2
/ip route
add dst-address=0.0.0.0/0 gateway=203.0.113.1
/ip arp
add address=203.0.113.1 interface=ether1 mac-address=${GW}
${q.join('\n')}
`;
}

export function setup(queues: number): { flow: ReturnType<typeof flowRig>['flow']; round: () => void } {
  const gen = compileBenchConfig(config(queues));
  const pool = new PacketPool({ slots: HOSTS + VECTOR * 8, slotSize: 128, headroom: 0 });
  const tmplOff = new Uint32Array(HOSTS);
  const payload = new Uint8Array(FRAME - 42);
  for (let i = 0; i < HOSTS; i++) {
    const f = frame().eth({ src: '02:00:00:01:00:01', dst: R_LAN }).ipv4({ src: hostIp(i + 2), dst: `198.51.100.${1 + (i % 250)}`, id: i, ttl: 64 }).udp({ sport: 10000, dport: 5000 }).payload(payload).build();
    const s = pool.alloc();
    pool.write(s, f, 0, f.length, 64);
    tmplOff[i] = pool.frameOffset(s);
  }
  const work = new Uint32Array(VECTOR);
  const rig = flowRig(gen, pool, true, VECTOR * 4);
  const flow = rig.flow;
  const ether2 = gen.portNames.indexOf('ether2');
  const b = pool.bytes;
  let cursor = 0;
  let usec = 0;
  const round = (): void => {
    // the flow owned last round's slots until it transmitted them: take fresh ones
    for (let k = 0; k < VECTOR; k++) {
      const s = pool.alloc();
      if (s < 0) throw new Error('pool exhausted: a queue kept packets');
      work[k] = s;
      pool.write(s, b, tmplOff[cursor]!, FRAME, 64);
      pool.meta.inPort[s] = ether2;
      cursor = cursor + 1 === HOSTS ? 0 : cursor + 1;
    }
    usec++;
    flow.setClock(1000 + Math.floor(usec / 1e6), (usec % 1e6) * 1000);
    rig.clearOut();
    flow.receive(work, VECTOR);
    const n = rig.outCount();
    if (n !== VECTOR) throw new Error(`only ${n} of ${VECTOR} frames forwarded: ${[...flow.dropCounts()].join(', ')}`);
    for (let k = 0; k < n; k++) pool.free(rig.out[k]!);
    sink.n += n;
  };
  return { flow, round };
}

export function register(add: AddBench): void {
  const b = setup(HOSTS);
  add(`routed path, ${HOSTS / 1000}k simple queues (100M each), 64 B frames, vectors of 256`, b.round, VECTOR, 'packets', 2e6);
}

if (require.main === module) {
  for (const q of [0, HOSTS]) {
    const b = setup(q);
    timeRounds(`flow-queues: routed, ${q} simple queues (target 2 Mpps with 10k)`, b, VECTOR);
  }
}
