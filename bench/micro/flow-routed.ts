/**
 * Routed forwarding through the whole packet flow (dataplane/flow.ts), single thread, in memory:
 * 64-byte IPv4/UDP frames in vectors of 256 through ethernet-input → ip4-input → routing (a 1M-prefix
 * FIB, prefix lengths like the Internet's: bench/gen/internet-prefixes.ts) → ip4-forward → ip4-fragment
 * (fits: the fast path) → arp-resolve (hit: a static ARP entry for the gateway) → ip4-rewrite →
 * interface-tx (a transmit callback that keeps the slots for the next round).
 *
 * Three cases: the flow as built for routers (with the RouterOS placeholder stages — raw-prerouting,
 * conntrack, mangle-*, dstnat, filter-*, srcnat, queues — passing packets on), without them, and with four
 * `/routing rule` items that match nothing (the routing stage's general policy path; no target).
 * Frames are not copied between rounds: each round restores the three things the flow changed (TTL,
 * header checksum, destination MAC) with four stores per frame (DataView words), ~1 ns per packet
 * included in the rate.
 *
 * `node dist/bench/micro/flow-routed.js` runs both for ~2 s each and prints packets/s and the graph's
 * `show runtime` (ns per packet per stage); `npm run bench flow-routed` runs them under benchmark.js.
 */
import type { AddBench } from '../harness';
import { sink } from '../harness';
import { internetPrefixes, addressesInPrefixes } from '../gen/internet-prefixes';
import { compileBenchConfig, flowRig, timeRounds } from '../flow-harness';
import type { Flow } from '../../dataplane/flow';
import { PacketPool } from '../../dataplane/buf/pool';
import { frame } from '../../pcap/fixture';

const VECTOR = 256;
const FLOWS = 65536;

export const CONFIG = `/interface ethernet
set [ find default-name=ether1 ] mac-address=02:00:00:00:01:01
set [ find default-name=ether2 ] mac-address=02:00:00:00:02:01
/ip address
add address=10.0.1.1/24 interface=ether1
add address=10.0.2.1/24 interface=ether2
/ip route
add dst-address=0.0.0.0/0 gateway=10.0.2.254
/ip arp
add address=10.0.2.254 mac-address=02:00:00:00:02:54 interface=ether2
`;

export interface RoutedBench {
  flow: Flow;
  /** Run one vector of 256 frames through the flow. */
  round: () => void;
  prefixes: number;
}

/**
 * Policy routing's general path: four `/routing rule` items that match none of the bench's packets (from
 * 10.0.1.10 on ether1, unmarked), so every packet is checked against all four before main decides.
 */
export const POLICY_RULES = `/routing table
add fib name=isp2
/ip route
add gateway=10.0.2.254 routing-table=isp2
/routing rule
add action=lookup src-address=192.168.0.0/16 table=isp2
add action=drop dst-address=192.0.2.0/24
add action=lookup-only-in-table interface=ether3 table=isp2
add action=lookup routing-mark=isp2 table=isp2
`;

/**
 * Build the router (CONFIG plus `extra` config lines), its 1M-prefix FIB and 256 slots of frames cycling
 * through 64k destinations.
 */
export function setup(placeholders: boolean, prefixes = 1_000_000, extra = ''): RoutedBench {
  const gen = compileBenchConfig(CONFIG + extra);
  const fib = gen.fibs[gen.mainTable]!;
  // The default route's group forwards via 10.0.2.254: give every generated prefix that group.
  const via = fib.lookup(0x08080808);
  const { nets, lens } = internetPrefixes(prefixes, 1);
  const hops = new Uint32Array(prefixes).fill(via);
  // Keep the connected/local entries on top (build replaces the contents).
  const keep: [number, number, number][] = [];
  fib.forEachRoute((net, len, hop) => keep.push([net, len, hop]));
  fib.build(nets, lens, hops);
  for (const [net, len, hop] of keep) fib.insert(net, len, hop);

  const pool = new PacketPool({ slots: VECTOR * 2, slotSize: 128, headroom: 0 });
  const slots = new Uint32Array(VECTOR);
  const dsts = addressesInPrefixes(nets, lens, FLOWS, 2);
  const template = frame()
    .eth({ src: '02:00:00:0a:00:0a', dst: '02:00:00:00:01:01' })
    .ipv4({ src: '10.0.1.10', dst: '1.1.1.1', ttl: 64 })
    .udp({ sport: 1000, dport: 2000 })
    .payload(new Uint8Array(18))
    .build(); // 14 + 20 + 8 + 18 = 60 bytes + FCS = a 64-byte frame on the wire
  for (let i = 0; i < VECTOR; i++) {
    const s = pool.alloc();
    pool.write(s, template, 0, template.length, 64);
    pool.meta.inPort[s] = 0;
    slots[i] = s;
  }
  const b = pool.bytes;
  const csum = new Uint16Array(VECTOR);
  const offs = new Uint32Array(VECTOR);
  let cursor = 0;
  const { flow, outCount, clearOut } = flowRig(gen, pool, placeholders, VECTOR);
  const rewriteDst = (): void => {
    // A new set of destinations each round (the FIB working set is 64k addresses), with their checksums.
    for (let i = 0; i < VECTOR; i++) {
      const o = pool.frameOffset(slots[i]!);
      offs[i] = o;
      const d = dsts[cursor++ & (FLOWS - 1)]!;
      b[o + 30] = d >>> 24;
      b[o + 31] = d >>> 16;
      b[o + 32] = d >>> 8;
      b[o + 33] = d;
      b[o + 22] = 64;
      b[o + 24] = 0;
      b[o + 25] = 0;
      let sum = 0;
      for (let k = 14; k < 34; k += 2) sum += (b[o + k]! << 8) | b[o + k + 1]!;
      while (sum > 0xffff) sum = (sum & 0xffff) + (sum >>> 16);
      csum[i] = ~sum & 0xffff;
    }
  };
  rewriteDst();
  const v = pool.view;
  const round = (): void => {
    for (let i = 0; i < VECTOR; i++) {
      const o = offs[i]!;
      v.setInt32(o, 0x02000000); // destination MAC back to the router's ether1 02:00:00:00:01:01
      v.setUint16(o + 4, 0x0101); // (ip4-rewrite changed it)
      b[o + 22] = 64; // TTL
      v.setUint16(o + 24, csum[i]!);
    }
    clearOut();
    flow.receive(slots, VECTOR);
    if (outCount() !== VECTOR) throw new Error(`only ${outCount()} of ${VECTOR} frames forwarded: ${[...flow.dropCounts()].join(', ')}`);
    sink.n += VECTOR;
  };
  // Several rounds over different destinations so the benchmark does not hit the same 256 addresses only.
  let r2 = 0;
  const rounds = (): void => {
    if ((++r2 & 63) === 0) rewriteDst();
    round();
  };
  return { flow, round: rounds, prefixes };
}

export function register(add: AddBench): void {
  for (const ph of [true, false]) {
    const b = setup(ph);
    add(`routed 64 B frames, 1M-prefix FIB, ${ph ? 'with' : 'without'} placeholder stages, vectors of 256`, b.round, VECTOR, 'packets', 10e6);
  }
  const p = setup(true, 1_000_000, POLICY_RULES);
  add('routed 64 B frames, 1M-prefix FIB, 4 /routing rule items (none match), vectors of 256', p.round, VECTOR, 'packets');
}

if (require.main === module) {
  const cases: [string, boolean, string][] = [
    ['with placeholder stages', true, ''],
    ['without placeholder stages', false, ''],
    ['with 4 /routing rule items (none match)', true, POLICY_RULES],
  ];
  for (const [name, ph, extra] of cases) {
    const t0 = performance.now();
    const b = setup(ph, 1_000_000, extra);
    const label = `flow-routed ${name} (${b.prefixes} prefixes, setup ${((performance.now() - t0) / 1000).toFixed(2)} s)`;
    timeRounds(label, b, VECTOR);
  }
}
