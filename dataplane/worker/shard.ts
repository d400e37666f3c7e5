/**
 * Which worker a frame belongs to: a symmetric flow hash, a fixed number of virtual shards, and NAT port
 * steering (docs/workers.md says why and what is left).
 *
 * - **Symmetric hash.** Both directions of a connection must reach the worker that holds its conntrack entry,
 *   so the hash orders the two endpoints (address, port) before mixing: (a:pa → b:pb) and (b:pb → a:pa) hash
 *   the same. ICMP queries hash by their identifier (request and reply carry the same one); fragments hash by
 *   addresses only (a later fragment has no ports: Linux RSS does the same 2-tuple fallback). Frames that are
 *   not IPv4 hash by their MAC pair, ordered the same way (ARP, bridged non-IP traffic).
 * - **Virtual shards.** The hash picks one of `SHARDS` (64) shards; worker k of N owns the shards s with
 *   s mod N = k. Everything that must not depend on the worker count (the NAT port a connection gets, so
 *   replays with 1, 2 or 4 workers translate alike) is a function of the shard, never of N.
 * - **NAT port steering** (VPP nat44-ed's port-per-thread idea, with congruence instead of ranges): with
 *   sharded NAT (ConnTable.natShards) a source-NATed connection gets a port p with p mod SHARDS = its shard,
 *   so a reply addressed to a router address is steered by its destination port alone — the dispatcher needs
 *   no shared session table, and any `to-ports` range wider than 64 ports works unchanged.
 *
 * All functions are allocation-free and take plain numbers or (bytes, offset) pairs: the dispatcher calls
 * them once per frame.
 */

/** Virtual shards: the most workers a router can use, and the modulus of NAT port steering. */
export const SHARDS = 64;
export const SHARD_MASK = SHARDS - 1;

/** murmur3 fmix32 of a ^ b (int32 arithmetic, unsigned result). */
function fmix(a: number, b: number): number {
  let h = Math.imul(a ^ 0x5bd1e995, 0xcc9e2d51) ^ b;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

function hasPorts(proto: number): boolean {
  return proto === 6 || proto === 17 || proto === 132 || proto === 33 || proto === 136;
}

/**
 * Symmetric hash of an IPv4 5-tuple: addresses `a`, `b` (any sign), ports `pa` (with a) and `pb` (with b).
 * Swapping (a, pa) with (b, pb) gives the same value.
 */
export function tupleHash(a: number, b: number, pa: number, pb: number, proto: number): number {
  const ua = a >>> 0;
  const ub = b >>> 0;
  let lo = ua;
  let hi = ub;
  let plo = pa;
  let phi = pb;
  if (ua > ub || (ua === ub && pa > pb)) {
    lo = ub;
    hi = ua;
    plo = pb;
    phi = pa;
  }
  return fmix(fmix(lo, hi), ((plo << 16) | phi) ^ (proto << 8));
}

/**
 * The shard of a conntrack tuple as stored (conntrack/tuple.ts layout: `ports` = sport << 16 | dport, ICMP
 * queries their id in one half): the same shard `frameShard` gives the frame the tuple was read from.
 */
export function tupleShard(src: number, dst: number, ports: number, proto: number): number {
  if (hasPorts(proto)) return tupleHash(src, dst, ports >>> 16, ports & 0xffff, proto) & SHARD_MASK;
  if (proto === 1) {
    const id = (ports >>> 16) | (ports & 0xffff);
    return tupleHash(src, dst, id, id, proto) & SHARD_MASK;
  }
  return tupleHash(src, dst, 0, 0, proto) & SHARD_MASK;
}

/** The shard of a port chosen under sharded NAT (the steering key of replies to router addresses). */
export function portShard(port: number): number {
  return port & SHARD_MASK;
}

/** The worker (of `workers`) that owns shard `shard`. */
export function shardWorker(shard: number, workers: number): number {
  return shard % workers;
}

/**
 * Steering for frames addressed to the router: `isRouterAddr(dst)` tells the dispatcher when a frame's IPv4
 * destination is one of the router's own addresses (where translated connections' replies arrive). A
 * sorted Uint32Array of the addresses is enough; `routerAddrs` builds the check from one.
 */
export class RouterAddrs {
  constructor(private readonly sorted: Uint32Array) {}

  has(addr: number): boolean {
    const a = this.sorted;
    const x = addr >>> 0;
    let lo = 0;
    let hi = a.length - 1;
    while (lo <= hi) {
      const m = (lo + hi) >> 1;
      const v = a[m]!;
      if (v === x) return true;
      if (v < x) lo = m + 1;
      else hi = m - 1;
    }
    return false;
  }

  static of(addrs: ArrayLike<number>): RouterAddrs {
    return new RouterAddrs(Uint32Array.from(addrs, (x) => x >>> 0).sort());
  }
}

const EMPTY = RouterAddrs.of([]);

/**
 * The shard of the Ethernet frame at `bytes[off .. off + len)` (VLAN/QinQ tags skipped). A TCP/UDP/ICMP-query
 * packet to a router address is steered by its destination port (or echo id) — the NAT port congruence —
 * everything else by the symmetric hash. A frame too short to parse hashes by what is there (it will be
 * dropped by the flow under its own reason; the dispatcher only needs a stable answer).
 */
export function frameShard(bytes: Uint8Array, off: number, len: number, router: RouterAddrs = EMPTY): number {
  if (len < 14) return 0;
  let et = (bytes[off + 12]! << 8) | bytes[off + 13]!;
  let l3 = off + 14;
  for (let tags = 0; (et === 0x8100 || et === 0x88a8) && tags < 2 && l3 + 4 <= off + len; tags++) {
    et = (bytes[l3 + 2]! << 8) | bytes[l3 + 3]!;
    l3 += 4;
  }
  if (et !== 0x0800 || l3 + 20 > off + len) {
    // MAC pair, ordered: both directions of an L2 conversation on one shard.
    const a = (bytes[off + 2]! << 24) | (bytes[off + 3]! << 16) | (bytes[off + 4]! << 8) | bytes[off + 5]!;
    const b = (bytes[off + 8]! << 24) | (bytes[off + 9]! << 16) | (bytes[off + 10]! << 8) | bytes[off + 11]!;
    return tupleHash(a, b, (bytes[off]! << 8) | bytes[off + 1]!, (bytes[off + 6]! << 8) | bytes[off + 7]!, 0) & SHARD_MASK;
  }
  const src = (bytes[l3 + 12]! << 24) | (bytes[l3 + 13]! << 16) | (bytes[l3 + 14]! << 8) | bytes[l3 + 15]!;
  const dst = (bytes[l3 + 16]! << 24) | (bytes[l3 + 17]! << 16) | (bytes[l3 + 18]! << 8) | bytes[l3 + 19]!;
  const proto = bytes[l3 + 9]!;
  const frag = ((bytes[l3 + 6]! << 8) | bytes[l3 + 7]!) & 0x3fff;
  const l4 = l3 + (bytes[l3]! & 15) * 4;
  if (frag !== 0 || l4 + 8 > off + len) return tupleHash(src, dst, 0, 0, proto) & SHARD_MASK;
  if (hasPorts(proto)) {
    const sp = (bytes[l4]! << 8) | bytes[l4 + 1]!;
    const dp = (bytes[l4 + 2]! << 8) | bytes[l4 + 3]!;
    if (router.has(dst)) return dp & SHARD_MASK;
    return tupleHash(src, dst, sp, dp, proto) & SHARD_MASK;
  }
  if (proto === 1) {
    const type = bytes[l4]!;
    if (type === 0 || type === 8 || (type >= 13 && type <= 18)) {
      const id = (bytes[l4 + 4]! << 8) | bytes[l4 + 5]!;
      // a query's answer to a router address comes back on the translated id
      if (router.has(dst) && (type === 0 || type === 14 || type === 16 || type === 18)) return id & SHARD_MASK;
      return tupleHash(src, dst, id, id, proto) & SHARD_MASK;
    }
  }
  return tupleHash(src, dst, 0, 0, proto) & SHARD_MASK;
}

/**
 * An ARP reply (VLAN/QinQ tags skipped)? Neighbour tables are per worker (docs/workers.md): the worker
 * that asked is not necessarily the one the reply hashes to, so the live dispatcher gives every worker a
 * copy of each reply (requests go to one worker, which answers once).
 */
export function isArpReply(bytes: Uint8Array, off: number, len: number): boolean {
  if (len < 14) return false;
  let et = (bytes[off + 12]! << 8) | bytes[off + 13]!;
  let l3 = off + 14;
  for (let tags = 0; (et === 0x8100 || et === 0x88a8) && tags < 2 && l3 + 4 <= off + len; tags++) {
    et = (bytes[l3 + 2]! << 8) | bytes[l3 + 3]!;
    l3 += 4;
  }
  return et === 0x0806 && l3 + 8 <= off + len && bytes[l3 + 6] === 0 && bytes[l3 + 7] === 2;
}
