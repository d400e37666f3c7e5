/**
 * A deterministic, Internet-like IPv4 routing table for FIB benchmarks and tests.
 *
 * Prefix lengths follow the shape of today's default-free zone (about 60 % /24, 10 % /23, 12 % /22, the
 * /8–/16 range rare, and a few /25–/32 that some tables carry: ~0.4 %), addresses fall in public unicast
 * space (no 0/8, 10/8, 100.64/10, 127/8, 169.254/16, 172.16/12, 192.168/16, 198.18/15, 224/3), and about a
 * third of the prefixes are more-specifics of another prefix in the table (deaggregation), so nesting — the
 * case that makes longest-prefix match hard — is common. Output order is shuffled: it is the order a BGP feed
 * might deliver, not sorted.
 *
 * Same (n, seed) → same table, on every machine: the randomness is a seeded 32-bit PRNG, never Math.random.
 */

/** Share of each prefix length, in parts per million (lengths 8..32; they sum to 1e6). */
export const DFZ_LENGTH_PPM: Readonly<Record<number, number>> = {
  8: 30, 9: 40, 10: 80, 11: 150, 12: 300, 13: 500, 14: 1000, 15: 1500,
  16: 12_500, 17: 10_000, 18: 15_000, 19: 25_000, 20: 45_000, 21: 50_000, 22: 120_000, 23: 105_000,
  24: 610_000,
  25: 1000, 26: 800, 27: 600, 28: 400, 29: 400, 30: 300, 31: 100, 32: 300,
};

/** A small, fast, seeded PRNG (mulberry32): uint32 outputs, deterministic across platforms. */
export class Prng {
  private s: number;
  constructor(seed: number) {
    this.s = seed >>> 0;
  }
  /** Next uint32. */
  u32(): number {
    let t = (this.s = (this.s + 0x6d2b79f5) | 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  }
  /** Uniform integer in [0, n) for n ≤ 2^32. */
  below(n: number): number {
    return Math.floor((this.u32() / 4294967296) * n);
  }
}

/** Network mask for a prefix length 0..32, as uint32. */
function maskOf(len: number): number {
  return len === 0 ? 0 : (0xffffffff << (32 - len)) >>> 0;
}

/** Reserved and private blocks a DFZ table does not carry (besides 0/8, 10/8, 127/8 and 224/3). */
const RESERVED: ReadonlyArray<readonly [number, number]> = [
  [0x64400000, 10], // 100.64/10
  [0xa9fe0000, 16], // 169.254/16
  [0xac100000, 12], // 172.16/12
  [0xc0a80000, 16], // 192.168/16
  [0xc6120000, 15], // 198.18/15
];

function isPublic(net: number, len: number): boolean {
  const o = net >>> 24;
  if (o === 0 || o === 10 || o === 127 || o >= 224) return false;
  for (const [r, rl] of RESERVED) {
    const l = len < rl ? len : rl;
    const m = maskOf(l);
    if (((net & m) >>> 0) === ((r & m) >>> 0)) return false;
  }
  return true;
}

/**
 * `n` distinct prefixes (network addresses with host bits clear, and their lengths), shuffled.
 * About 0.3 s and 9 bytes per prefix of transient memory for n = 1M (plus the 5 bytes per prefix returned).
 */
export function internetPrefixes(n: number, seed: number): { nets: Uint32Array; lens: Uint8Array } {
  const rng = new Prng(seed);
  // cumulative length table
  const cumLen: number[] = [];
  const cumAt: number[] = [];
  let acc = 0;
  for (let l = 8; l <= 32; l++) {
    acc += DFZ_LENGTH_PPM[l] ?? 0;
    cumLen.push(l);
    cumAt.push(acc);
  }
  const total = acc;
  const nets = new Uint32Array(n);
  const lens = new Uint8Array(n);
  // (prefix, len) already taken: open addressing over typed arrays (a Set of 1M numbers is 4x slower)
  let cap = 1024;
  while (cap < n * 2) cap *= 2;
  const seenNet = new Int32Array(cap);
  const seenLen = new Uint8Array(cap); // 0 = empty
  const taken = (net: number, len: number): boolean => {
    let h = Math.imul(net ^ Math.imul(len, 0x9e3779b1), 0x85ebca6b);
    h ^= h >>> 15;
    for (let i = h & (cap - 1); ; i = (i + 1) & (cap - 1)) {
      if (seenLen[i] === 0) {
        seenNet[i] = net;
        seenLen[i] = len;
        return false;
      }
      if (seenLen[i] === len && seenNet[i] === (net | 0)) return true;
    }
  };
  let k = 0;
  while (k < n) {
    const r = rng.below(total);
    let li = 0;
    while (cumAt[li]! <= r) li++;
    const len = cumLen[li]!;
    let net: number;
    // a third of the time: a more-specific inside an earlier, shorter prefix
    const parent = k > 0 && rng.below(3) === 0 ? rng.below(k) : -1;
    if (parent >= 0 && lens[parent]! < len) {
      const pl = lens[parent]!;
      const hostBits = ((rng.u32() & ~maskOf(pl)) & maskOf(len)) >>> 0;
      net = (nets[parent]! | hostBits) >>> 0;
    } else {
      net = (rng.u32() & maskOf(len)) >>> 0;
      if (!isPublic(net, len)) continue;
    }
    if (taken(net, len)) continue;
    nets[k] = net;
    lens[k] = len;
    k++;
  }
  // Fisher–Yates shuffle: nested prefixes should not always follow their parents
  for (let i = n - 1; i > 0; i--) {
    const j = rng.below(i + 1);
    const tn = nets[i]!;
    nets[i] = nets[j]!;
    nets[j] = tn;
    const tl = lens[i]!;
    lens[i] = lens[j]!;
    lens[j] = tl;
  }
  return { nets, lens };
}

/**
 * `n` destination addresses that each fall inside a random prefix of the table (uniform over prefixes,
 * uniform host part): the traffic of a router whose every packet is routed.
 */
export function addressesInPrefixes(nets: Uint32Array, lens: Uint8Array, n: number, seed: number): Uint32Array {
  const rng = new Prng(seed);
  const out = new Uint32Array(n);
  const count = nets.length;
  for (let i = 0; i < n; i++) {
    const p = rng.below(count);
    out[i] = (nets[p]! | (rng.u32() & ~maskOf(lens[p]!))) >>> 0;
  }
  return out;
}

/** `n` uniformly random uint32 addresses (most miss an Internet table's long prefixes, some miss it entirely). */
export function randomAddresses(n: number, seed: number): Uint32Array {
  const rng = new Prng(seed);
  const out = new Uint32Array(n);
  for (let i = 0; i < n; i++) out[i] = rng.u32();
  return out;
}
