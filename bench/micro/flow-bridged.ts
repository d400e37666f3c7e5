/**
 * Bridged forwarding through the whole packet flow (dataplane/flow.ts), single thread, in memory: 64-byte
 * IPv4/UDP frames in vectors of 256 arriving on ether2, a port of bridge br1 (ether2, ether3), through
 * ethernet-input → bridge-input (learn the source, FDB lookup of the destination: known unicast on ether3)
 * → interface-tx. The bridge's FDB holds 10k learned MACs (5k behind each port); the 256 frames of a vector
 * use 256 different source/destination pairs, moving through the 5k pairs round after round. Bridging does
 * not change the frames, so nothing is restored between rounds.
 *
 * `node dist/bench/micro/flow-bridged.js` runs for ~2 s and prints packets/s and the graph's `show runtime`
 * (ns per packet per stage); `npm run bench flow-bridged` runs it under benchmark.js. Target 10 M packets/s.
 */
import type { AddBench } from '../harness';
import { sink } from '../harness';
import { compileBenchConfig, flowRig, timeRounds } from '../flow-harness';
import type { Flow } from '../../dataplane/flow';
import { PacketPool } from '../../dataplane/buf/pool';
import { frame } from '../../pcap/fixture';

const VECTOR = 256;
const HOSTS = 5000; // per side: 10k learned MACs

export const CONFIG = `/interface bridge
add name=br1 admin-mac=02:00:00:00:bb:01 auto-mac=no
/interface bridge port
add bridge=br1 interface=ether2
add bridge=br1 interface=ether3
/ip address
add address=192.168.88.1/24 interface=br1
`;

export interface BridgedBench {
  flow: Flow;
  round: () => void;
}

export function setup(placeholders = true): BridgedBench {
  const gen = compileBenchConfig(CONFIG);
  const pool = new PacketPool({ slots: VECTOR * 2, slotSize: 128, headroom: 0 });
  const slots = new Uint32Array(VECTOR);
  const { flow, out, outCount, clearOut } = flowRig(gen, pool, placeholders, VECTOR);
  const e2 = gen.portNames.indexOf('ether2');
  const e3 = gen.portNames.indexOf('ether3');
  const fdb = flow.state.fdbs[0]!;
  // Host k: 02:aa:00:00:HH:LL behind ether2, 02:bb:00:00:HH:LL behind ether3.
  for (let k = 0; k < HOSTS; k++) {
    fdb.learn(0x02aa, k, 0, e2, 1000);
    fdb.learn(0x02bb, k, 0, e3, 1000);
  }
  if (fdb.learned !== 2 * HOSTS) throw new Error(`learned ${fdb.learned}`);
  const template = frame()
    .eth({ src: '02:aa:00:00:00:00', dst: '02:bb:00:00:00:00' })
    .ipv4({ src: '192.168.88.10', dst: '192.168.88.20', ttl: 64 })
    .udp({ sport: 1000, dport: 2000 })
    .payload(new Uint8Array(18))
    .build();
  for (let i = 0; i < VECTOR; i++) {
    const s = pool.alloc();
    pool.write(s, template, 0, template.length, 64);
    pool.meta.inPort[s] = e2;
    pool.meta.linkType[s] = 1;
    slots[i] = s;
  }
  const b = pool.bytes;
  let cursor = 0;
  const readdress = (): void => {
    for (let i = 0; i < VECTOR; i++) {
      const o = pool.frameOffset(slots[i]!);
      const k = cursor++ % HOSTS;
      b[o + 4] = k >>> 8; // dst 02:bb:00:00:k
      b[o + 5] = k;
      b[o + 10] = k >>> 8; // src 02:aa:00:00:k
      b[o + 11] = k;
    }
  };
  readdress();
  let n = 0;
  const round = (): void => {
    if ((++n & 15) === 0) readdress();
    clearOut();
    flow.receive(slots, VECTOR);
    if (outCount() !== VECTOR) throw new Error(`only ${outCount()} of ${VECTOR} frames bridged: ${[...flow.dropCounts()].join(', ')}`);
    for (let i = 0; i < VECTOR; i++) if (pool.meta.outPort[out[i]!] !== e3) throw new Error('wrong port');
    sink.n += VECTOR;
  };
  return { flow, round };
}

export function register(add: AddBench): void {
  const b = setup();
  add('bridged 64 B frames between two ports, 10k learned MACs, vectors of 256', b.round, VECTOR, 'packets', 10e6);
}

if (require.main === module) timeRounds('flow-bridged (10k learned MACs)', setup(), VECTOR);
