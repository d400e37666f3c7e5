/**
 * Seeded randomness for the dataplane (the firewall's `random` matcher, RED's early drops, sfq perturbation,
 * hash salts): xorshift32 per instance, so two routers in one process, or two runs of one capture, draw the
 * same numbers.
 */
export class Rng {
  private x: number;
  constructor(seed: number) {
    this.x = seed | 0 || 0x9e3779b9 | 0;
  }
  /** uint32 */
  next(): number {
    let x = this.x;
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    this.x = x;
    return x >>> 0;
  }
  /** [0, 1) */
  unit(): number {
    return this.next() / 4294967296;
  }
}

/** A 32-bit mix of a packet's addresses and ports with a salt (sfq, fq-codel buckets). */
export function flowHash(src: number, dst: number, sport: number, dport: number, salt: number): number {
  let h = Math.imul(src ^ salt, 0xcc9e2d51);
  h = Math.imul((h << 15) | (h >>> 17), 0x1b873593);
  h ^= Math.imul(dst ^ (salt >>> 7), 0x85ebca6b);
  h = Math.imul((h << 13) | (h >>> 19), 5) + 0xe6546b64;
  h ^= Math.imul(((sport & 0xffff) << 16) | (dport & 0xffff), 0xc2b2ae35);
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}
