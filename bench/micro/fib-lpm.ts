/**
 * FIB micro-benchmarks: longest-prefix match in a DIR-24-8 table holding 1M Internet-like prefixes
 * (bench/gen/internet-prefixes.ts), one lookup at a time and in vectors of 256, and the build of the table.
 *
 * Lookup addresses come from a pre-generated array of 64k: "routed" ones fall inside a random prefix of the
 * table (every packet has a route), "uniform" ones are random uint32s, "tbl8" ones all land on extended
 * entries (prefixes longer than /24: the two-read path). 64k addresses touch ≤ 64k tbl24 lines, which stay in a
 * large L3; the "cache-cold" case walks 4M random addresses so most tbl24 reads go to DRAM.
 *
 * Run alone (`node dist/bench/micro/fib-lpm.js`) it measures one build of 1M prefixes in a fresh process and
 * prints its time and the process's memory.
 */
import { sink, type AddBench } from '../harness';
import { Dir24Fib } from '../../dataplane/tables/lpm-dir24';
import { internetPrefixes, addressesInPrefixes, randomAddresses } from '../gen/internet-prefixes';

const PREFIXES = 1_000_000;
const SEED = 20240601;
const ADDRS = 1 << 16;
const VEC = 256;

let shared: { fib: Dir24Fib; nets: Uint32Array; lens: Uint8Array; hops: Uint32Array } | undefined;

/** The 1M-prefix table, built once and shared by the lookup cases. */
function table(): { fib: Dir24Fib; nets: Uint32Array; lens: Uint8Array; hops: Uint32Array } {
  if (shared) return shared;
  const { nets, lens } = internetPrefixes(PREFIXES, SEED);
  const hops = new Uint32Array(PREFIXES);
  for (let i = 0; i < PREFIXES; i++) hops[i] = i + 1; // one id per route, as a routing stage would give
  const fib = new Dir24Fib();
  fib.build(nets, lens, hops);
  shared = { fib, nets, lens, hops };
  return shared;
}

function lookupCase(fib: Dir24Fib, addrs: Uint32Array): () => void {
  let k = 0;
  const mask = addrs.length - 1;
  return () => {
    // 256 scalar lookups per call, walking the address array
    let acc = 0;
    const base = k;
    for (let i = 0; i < VEC; i++) acc += fib.lookup(addrs[(base + i) & mask]!);
    k = (base + VEC) & mask;
    sink.n += acc;
  };
}

function vectorCase(fib: Dir24Fib, addrs: Uint32Array): () => void {
  const out = new Uint32Array(VEC);
  const views: Uint32Array[] = [];
  for (let o = 0; o < addrs.length; o += VEC) views.push(addrs.subarray(o, o + VEC));
  let k = 0;
  return () => {
    fib.lookupVector(views[k]!, out, VEC);
    k = (k + 1) % views.length;
    sink.n += out[0]!;
  };
}

export function register(add: AddBench): void {
  const t = table();
  const routed = addressesInPrefixes(t.nets, t.lens, ADDRS, 1);
  const uniform = randomAddresses(ADDRS, 2);
  const longNets: number[] = [];
  const longLens: number[] = [];
  for (let i = 0; i < t.nets.length; i++) if (t.lens[i]! > 24) (longNets.push(t.nets[i]!), longLens.push(t.lens[i]!));
  const extended = addressesInPrefixes(Uint32Array.from(longNets), Uint8Array.from(longLens), ADDRS, 3);

  add('lookup 1M-prefix table, routed addrs', lookupCase(t.fib, routed), VEC, 'lookups', 50e6);
  add('lookupVector x256, routed addrs', vectorCase(t.fib, routed), VEC, 'lookups', 50e6);
  add('lookup, uniform random addrs', lookupCase(t.fib, uniform), VEC, 'lookups');
  add('lookupVector x256, uniform random addrs', vectorCase(t.fib, uniform), VEC, 'lookups');
  add('lookupVector x256, all tbl8 (> /24) addrs', vectorCase(t.fib, extended), VEC, 'lookups');
  // 4M distinct random addresses: tbl24 reads mostly miss the caches and the TLB (the DRAM-bound floor)
  add('lookupVector x256, uniform, 4M-addr set (cache-cold)', vectorCase(t.fib, randomAddresses(1 << 22, 4)), VEC, 'lookups');

  // build: one reusable table, rebuilt from the shuffled 1M list per call (target: 1M in ≤ 3 s)
  const fib = new Dir24Fib();
  add('build 1M prefixes (bulk build)', () => {
    fib.build(t.nets, t.lens, t.hops);
    sink.n += fib.size;
  }, PREFIXES, 'prefixes', PREFIXES / 3, { minSamples: 3, maxTime: 6 });
  add('insert 1M prefixes one by one, shuffled order', () => {
    fib.clear();
    const { nets, lens, hops } = t;
    for (let i = 0; i < PREFIXES; i++) fib.insert(nets[i]!, lens[i]!, hops[i]!);
    sink.n += fib.size;
  }, PREFIXES, 'prefixes', PREFIXES / 3, { minSamples: 3, maxTime: 6 });
}

/** One build of the 1M table in a fresh process: time and memory. */
function measureBuild(): void {
  const mb = (b: number) => (b / 1048576).toFixed(1) + ' MB';
  const before = process.memoryUsage().rss;
  let t0 = process.hrtime.bigint();
  const { nets, lens } = internetPrefixes(PREFIXES, SEED);
  const genMs = Number(process.hrtime.bigint() - t0) / 1e6;
  const hops = new Uint32Array(PREFIXES);
  for (let i = 0; i < PREFIXES; i++) hops[i] = i + 1;
  const mode = process.argv[2] === 'insert' ? 'insert' : 'build';
  t0 = process.hrtime.bigint();
  const fib = new Dir24Fib();
  if (mode === 'build') fib.build(nets, lens, hops);
  else for (let i = 0; i < PREFIXES; i++) fib.insert(nets[i]!, lens[i]!, hops[i]!);
  const buildMs = Number(process.hrtime.bigint() - t0) / 1e6;
  const m = process.memoryUsage();
  const hist = new Array<number>(33).fill(0);
  for (let i = 0; i < PREFIXES; i++) hist[lens[i]!]!++;
  console.log(`node ${process.version}; generator: ${PREFIXES} prefixes in ${genMs.toFixed(0)} ms`);
  console.log(`lengths: ${hist.map((c, l) => (c ? `/${l} ${((100 * c) / PREFIXES).toFixed(2)}%` : '')).filter(Boolean).join(', ')}`);
  console.log(`${mode} (new table + ${PREFIXES} prefixes): ${buildMs.toFixed(0)} ms; size ${fib.size}, tbl8 groups ${fib.tbl8GroupsInUse}`);
  console.log(`table memoryBytes ${mb(fib.memoryBytes())}; process rss ${mb(m.rss)} (at start ${mb(before)}), heapUsed ${mb(m.heapUsed)}, arrayBuffers ${mb(m.arrayBuffers)}`);
}

if (require.main === module) measureBuild();
