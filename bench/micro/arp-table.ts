/**
 * ARP table micro-benchmarks: 10k resolved (REACHABLE) neighbours spread over 4 interfaces.
 *
 * - lookup: (next-hop IP, interface) → entry, in random order from a pre-generated array of 64k queries (the
 *   routing stage's per-packet neighbour lookup).
 * - lookup + complete + MAC + use: everything the stage does per forwarded packet.
 * - expire: the per-vector call when no timer is due (O(1)), and a full scan of 10k entries.
 */
import { sink, type AddBench } from '../harness';
import { ArpTable, ArpEvents, ARP_DEFAULT_TIMEOUTS, type ArpTimeouts } from '../../dataplane/tables/arp-table';

const ENTRIES = 10_000;
const QUERIES = 1 << 16;
const VEC = 256;

function prng(seed: number): () => number {
  let x = seed | 0 || 1;
  return () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return x >>> 0;
  };
}

export function register(add: AddBench): void {
  const arp = new ArpTable({ maxEntries: 16384 });
  const ips = new Uint32Array(ENTRIES);
  const ifs = new Int32Array(ENTRIES);
  const out = new Uint32Array(4);
  const r = prng(0xa49);
  for (let i = 0; i < ENTRIES; i++) {
    ifs[i] = i & 3;
    ips[i] = (0x0a000000 | ((i & 3) << 16) | (i >> 2)) >>> 0; // 10.<if>.x.y: /16 per interface
    arp.confirm(ips[i]!, ifs[i]!, 0x0200, r(), 0, out);
  }
  const qIp = new Uint32Array(QUERIES);
  const qIf = new Int32Array(QUERIES);
  for (let i = 0; i < QUERIES; i++) {
    const k = r() % ENTRIES;
    qIp[i] = ips[k]!;
    qIf[i] = ifs[k]!;
  }
  const mask = QUERIES - 1;
  {
    let k = 0;
    add(`lookup, ${ENTRIES / 1000}k resolved entries x${VEC}`, () => {
      let acc = 0;
      const base = k;
      for (let i = 0; i < VEC; i++) {
        const j = (base + i) & mask;
        acc += arp.lookup(qIp[j]!, qIf[j]!);
      }
      k = (base + VEC) & mask;
      sink.n += acc;
    }, VEC, 'lookups', 50e6);
  }
  {
    let k = 0;
    let now = 1;
    add(`lookup + complete + mac + use, ${ENTRIES / 1000}k entries x${VEC}`, () => {
      let acc = 0;
      const base = k;
      now += 1e-4;
      for (let i = 0; i < VEC; i++) {
        const j = (base + i) & mask;
        const e = arp.lookup(qIp[j]!, qIf[j]!);
        if (e >= 0 && arp.complete(e)) {
          acc += arp.macLo(e) + arp.macHi(e);
          arp.use(e, now);
        }
      }
      k = (base + VEC) & mask;
      sink.n += acc;
    }, VEC, 'packets');
  }
  {
    const ev = new ArpEvents(1024);
    const t: ArpTimeouts = { ...ARP_DEFAULT_TIMEOUTS, reachable: 1e9 };
    arp.expire(2, t, ev);
    add('expire, nothing due (per-vector call)', () => {
      sink.n += arp.expire(3, t, ev);
    }, 1, 'calls');
    const t2: ArpTimeouts = { ...t };
    let flip = false;
    add(`expire, full scan of ${ENTRIES / 1000}k entries (timeouts changed), nothing due`, () => {
      flip = !flip;
      t2.reachable = flip ? 1e9 : 1e9 + 1; // a change of timeouts forces a scan
      sink.n += arp.expire(3, t2, ev);
    }, 1, 'scans');
  }
}
