/**
 * Address-list membership ([stateful] target: 100k entries, >= 20 M lookups/s): 80k single addresses and 20k
 * prefixes (/16../28) in one list, probed with a pre-generated mix of hits and misses.
 */
import { sink, type AddBench } from '../harness';
import { AddressLists } from '../../dataplane/tables/address-list';

const Q = 1 << 16;
const VEC = 256;

export function register(add: AddBench): void {
  const al = new AddressLists(1 << 17);
  let x = 2024;
  const rnd = (): number => ((x = (Math.imul(x, 1103515245) + 12345) >>> 0), x);
  const hosts: number[] = [];
  for (let k = 0; k < 80_000; k++) {
    const a = rnd();
    al.add(0, a, a, Infinity, false);
    hosts.push(a);
  }
  for (let k = 0; k < 20_000; k++) {
    const size = 2 ** (4 + (rnd() % 13));
    const a = rnd();
    const lo = a - (a % size);
    al.add(0, lo, lo + size - 1, Infinity, false);
  }
  const qs = new Int32Array(Q);
  for (let k = 0; k < Q; k++) qs[k] = (k % 4 === 0 ? hosts[rnd() % hosts.length]! : rnd()) | 0;
  al.contains(0, 0, 0); // build the interval index before timing
  let q = 0;
  add(`contains, 100k entries (${(al.bytesUsed() / 1048576).toFixed(1)} MB) x${VEC}`, () => {
    let hit = 0;
    for (let k = 0; k < VEC; k++) {
      if (al.contains(0, qs[q]!, 1)) hit++;
      q = (q + 1) & (Q - 1);
    }
    sink.n += hit;
  }, VEC, 'lookups', 20e6);
}
