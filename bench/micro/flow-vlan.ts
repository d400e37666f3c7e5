/**
 * Routed forwarding between two VLANs on one port (router on a stick) through the whole packet flow
 * (dataplane/flow.ts), single thread, in memory: 64-byte IPv4/UDP frames tagged VID 10 (802.1Q) in vectors
 * of 256 arriving on ether1, through ethernet-input → vlan-input (match vlan10, pop the tag in place) →
 * ip4-input → routing → ip4-forward → ip4-fragment → arp-resolve (hit: a static ARP entry on vlan20) →
 * ip4-rewrite → vlan-output (push tag 20 in place) → interface-tx out ether1. 250 destinations in
 * 10.0.20.0/24 (.2-.251), each with a static ARP entry. Pop and push leave the frame where it started (start and
 * length); each round restores what the flow changed (MACs, VID, TTL, header checksum), ~2 ns per packet
 * included in the rate.
 *
 * `node dist/bench/micro/flow-vlan.js` runs for ~2 s with and without the placeholder stages and prints
 * packets/s and the graph's `show runtime` (ns per packet per stage); `npm run bench flow-vlan` runs it
 * under benchmark.js.
 */
import type { AddBench } from '../harness';
import { sink } from '../harness';
import { compileBenchConfig, flowRig, timeRounds } from '../flow-harness';
import type { Flow } from '../../dataplane/flow';
import { PacketPool } from '../../dataplane/buf/pool';
import { frame } from '../../pcap/fixture';

const VECTOR = 256;
const R1 = '02:00:00:00:01:01';
const A = '02:00:00:0a:00:0a';

function config(): string {
  const arp: string[] = [];
  for (let k = 2; k < 252; k++) arp.push(`add address=10.0.20.${k} mac-address=02:00:00:14:00:${k.toString(16).padStart(2, '0')} interface=vlan20`);
  return `/interface ethernet
set [ find default-name=ether1 ] mac-address=${R1}
/interface vlan
add interface=ether1 name=vlan10 vlan-id=10
add interface=ether1 name=vlan20 vlan-id=20
/ip address
add address=10.0.10.1/24 interface=vlan10
add address=10.0.20.1/24 interface=vlan20
/ip arp
${arp.join('\n')}
`;
}

export interface VlanBench {
  flow: Flow;
  round: () => void;
}

export function setup(placeholders = true): VlanBench {
  const gen = compileBenchConfig(config());
  const pool = new PacketPool({ slots: VECTOR * 2, slotSize: 256, headroom: 64 });
  const slots = new Uint32Array(VECTOR);
  const { flow, outCount, clearOut } = flowRig(gen, pool, placeholders, VECTOR);
  const e1 = gen.portNames.indexOf('ether1');
  const templates: Uint8Array[] = [];
  for (let i = 0; i < VECTOR; i++) {
    const t = frame()
      .eth({ src: A, dst: R1 })
      .vlan(10)
      .ipv4({ src: '10.0.10.10', dst: `10.0.20.${2 + (i % 250)}`, ttl: 64 })
      .udp({ sport: 1000, dport: 2000 })
      .payload(new Uint8Array(18))
      .build();
    if (t.length !== 64) throw new Error(`template is ${t.length} bytes`);
    templates.push(t);
    const s = pool.alloc();
    pool.write(s, t, 0, t.length, 64);
    pool.meta.inPort[s] = e1;
    pool.meta.linkType[s] = 1;
    slots[i] = s;
  }
  const b = pool.bytes;
  const start0 = pool.meta.start[slots[0]!]!;
  const round = (): void => {
    clearOut();
    flow.receive(slots, VECTOR);
    if (outCount() !== VECTOR) throw new Error(`only ${outCount()} of ${VECTOR} frames routed: ${[...flow.dropCounts()].join(', ')}`);
    for (let i = 0; i < VECTOR; i++) {
      const s = slots[i]!;
      const o = pool.frameOffset(s);
      if (pool.meta.start[s] !== start0 || pool.meta.len[s] !== 64 || b[o + 15] !== 20 || pool.meta.outPort[s] !== e1) throw new Error('frame not tagged 20 out ether1');
      // Restore MACs, VID, TTL and header checksum (bytes 0-11, 15, 26, 28-29).
      const t = templates[i]!;
      for (let k = 0; k < 12; k++) b[o + k] = t[k]!;
      b[o + 15] = 10;
      b[o + 26] = t[26]!;
      b[o + 28] = t[28]!;
      b[o + 29] = t[29]!;
    }
    sink.n += VECTOR;
  };
  return { flow, round };
}

export function register(add: AddBench): void {
  const b = setup();
  add('routed 64 B frames between two VLANs on one port (pop + push), vectors of 256', b.round, VECTOR, 'packets', 10e6);
}

if (require.main === module) {
  for (const ph of [true, false]) timeRounds(`flow-vlan (${ph ? 'with' : 'without'} placeholders)`, setup(ph), VECTOR);
}
