/**
 * NAT on connection-tracking entries (ROUTEROS-FLOW.md §4; the choices RouterOS leaves open follow Linux
 * nf_nat_core.c).
 *
 * A translation is decided once, for the first packet of a connection (its entry still unconfirmed), by
 * rewriting the entry's *reply* tuple: what replies will look like on the wire. Every later packet of the
 * connection is rewritten from the two tuples (`rewriteDst` in the dstnat position, `rewriteSrc` in the
 * srcnat position): a packet in the original direction is made the inverse of the reply tuple, a reply is
 * made the inverse of the original tuple — so de-NAT of replies needs no rule and no extra state.
 *
 * Choosing the source (`snat`):
 * 1. the address comes from `to-addresses` (one address, or a range chosen by a hash of source and
 *    destination address, source only for `same` — deterministic, Linux's `find_best_ips_proto`);
 * 2. the port: the original one if it is in the allowed range and the resulting reply tuple is not taken by
 *    another connection; else the first free port from a hash-chosen offset in the range — `to-ports`, or
 *    without it the original port's class (1-511, 600-1023, 1024-65535; Linux `nf_nat_l4proto_unique_tuple`).
 *    ICMP echo ids are translated the same way over 0-65535. No free port: the packet is dropped
 *    (`nat-no-port`), as Linux drops when no unique tuple exists.
 * Choosing the destination (`dnat`): address from `to-addresses` as above, port from `to-ports` (its first
 * port unless the original port falls in the range: Linux keeps in-range ports) — no uniqueness search,
 * which is what Linux does for DNAT in practice (the original source keeps the tuple unique).
 *
 * ICMP errors about a NATed connection (`icmpErrorNat`, Linux nf_nat_icmp_reply_translation): the quoted
 * header is translated back to what the error's receiver sent (addresses, ports or echo id, the quoted IP
 * checksum and the quoted TCP/UDP checksum when the quote holds it, incrementally), the ICMP checksum is
 * recomputed over the message, and the outer address of the side being translated follows — so a host
 * behind masquerade gets a port-unreachable, time-exceeded or fragmentation-needed that quotes its own packet.
 *
 * Sharded NAT (`ConnTable.natShards`, set when the router runs with workers; docs/workers.md): the port (or
 * echo id) chosen for a connection is congruent to its shard modulo SHARDS (worker/shard.ts), so a reply to a
 * router address is steered to the worker that owns the connection by its destination port alone, and
 * workers never pick the same port. The original port is kept only when it is congruent already; the search
 * walks the range's congruent ports from the same hash-chosen start. Ranges narrower than SHARDS ports fall
 * back to the whole range (steering then cannot be exact: docs/workers.md). Which worker owns a shard does
 * not change the choice, so the same capture translates alike with 1, 2 or 4 workers.
 */
import { ConnTable, CtStatus } from './table';
import { SHARDS, SHARD_MASK, tupleShard } from '../worker/shard';
import { ipv4RewriteDst, ipv4RewriteSrc, l4RewriteDstPort, l4RewriteSrcPort, icmpRewriteEchoId, icmpChecksum } from '../wire/checksum';

/** Hash for address and port choice (deterministic; murmur fmix32). */
function mix(a: number, b: number): number {
  let h = Math.imul(a ^ 0x5bd1e995, 0xcc9e2d51) ^ b;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

/** Pick an address in lo..hi (unsigned) by a hash of `key1`, `key2`. */
export function pickAddress(lo: number, hi: number, key1: number, key2: number): number {
  lo >>>= 0;
  hi >>>= 0;
  if (hi <= lo) return lo;
  return (lo + (mix(key1, key2) % (hi - lo + 1))) >>> 0;
}

/** The port class Linux keeps a source port in when no to-ports is given. */
export function portClass(port: number): [number, number] {
  if (port < 512) return [1, 511];
  if (port < 1024) return [600, 1023];
  return [1024, 65535];
}

/** Result of a choice: the new address and port, or -1 in `port` when nothing is free. */
export class NatChoice {
  addr = 0;
  port = 0;
}

/**
 * Choose the translated source for unconfirmed entry `id` (its original tuple already set) and write the
 * reply tuple. `toLo..toHi` are unsigned addresses; `portLo..portHi` the allowed ports (0, 0 = keep the port's
 * class). `bySrcOnly` for `same`. Returns false when no free port exists (the caller drops the packet).
 */
export function snat(ct: ConnTable, id: number, toLo: number, toHi: number, portLo: number, portHi: number, bySrcOnly: boolean, now: number, out: NatChoice): boolean {
  const t = ct.tup;
  const o = id * 8;
  const src = t[o]!;
  const dst = t[o + 1]!;
  const ports = t[o + 2]!;
  const proto = t[o + 3]!;
  const sport = ports >>> 16;
  // The reply side as it stands (a dst-nat decided earlier for this connection has already changed it):
  // replies come from `rsrc` port `dport`.
  const rsrc = t[o + 4]!;
  const dport = t[o + 6]! >>> 16;
  const addr = pickAddress(toLo, toHi, src, bySrcOnly ? 0 : dst) | 0;
  out.addr = addr >>> 0;
  const hasPorts = proto === 6 || proto === 17 || proto === 132 || proto === 33 || proto === 136;
  const isEcho = proto === 1 && sport !== 0;
  if (!hasPorts && !isEcho) {
    // Address-only translation (GRE, ESP, ICMP errors...): the reply tuple just carries the new address.
    out.port = sport;
    ct.setReply(id, rsrc, addr, t[o + 6]!);
    return true;
  }
  // The reply tuple for a candidate port p: (dst, addr, dport << 16 | p) — for ICMP echo, (dst, addr, p): an
  // echo reply's tuple carries the id in the low half (conntrack/tuple.ts).
  const replyPorts = (p: number): number => (isEcho ? p : ((dport << 16) | p) | 0);
  let lo = portLo;
  let hi = portHi;
  if (lo === 0 && hi === 0) [lo, hi] = isEcho ? [0, 65535] : portClass(sport);
  // Sharded: only ports congruent to the connection's shard (first one at or above lo, every SHARDS-th).
  const shard = ct.natShards && hi - lo + 1 >= SHARDS ? tupleShard(src, dst, ports, proto) : -1;
  const first = shard < 0 ? lo : lo + ((shard - (lo & SHARD_MASK) + SHARDS) & SHARD_MASK);
  const step = shard < 0 ? 1 : SHARDS;
  if (sport >= lo && sport <= hi && (shard < 0 || (sport & SHARD_MASK) === shard) && !ct.inUse(rsrc, addr, replyPorts(sport), proto, now, id)) {
    out.port = sport;
    ct.setReply(id, rsrc, addr, replyPorts(sport));
    return true;
  }
  const span = first > hi ? 0 : Math.floor((hi - first) / step) + 1;
  const start = span === 0 ? 0 : mix(src ^ dst, ports) % span;
  for (let k = 0; k < span; k++) {
    const p = first + ((start + k) % span) * step;
    if (!ct.inUse(rsrc, addr, replyPorts(p), proto, now, id)) {
      out.port = p;
      ct.setReply(id, rsrc, addr, replyPorts(p));
      return true;
    }
  }
  out.port = -1;
  return false;
}

/**
 * Choose the translated destination for unconfirmed entry `id` and write the reply tuple (`to-addresses`
 * lo..hi unsigned; `portLo..portHi`, 0..0 = keep the port).
 */
export function dnat(ct: ConnTable, id: number, toLo: number, toHi: number, portLo: number, portHi: number, out: NatChoice): void {
  const t = ct.tup;
  const o = id * 8;
  const src = t[o]!;
  const dst = t[o + 1]!;
  const ports = t[o + 2]!;
  const proto = t[o + 3]!;
  const sport = ports >>> 16;
  const dport = ports & 0xffff;
  const addr = pickAddress(toLo, toHi, src, dst) | 0;
  let p = dport;
  const hasPorts = proto === 6 || proto === 17 || proto === 132 || proto === 33 || proto === 136;
  if (hasPorts && !(portLo === 0 && portHi === 0) && !(dport >= portLo && dport <= portHi)) p = portLo;
  out.addr = addr >>> 0;
  out.port = p;
  // Reply: from the new destination back to the source. The reply tuple keeps the source side.
  ct.setReply(id, addr, src, hasPorts ? ((p << 16) | sport) | 0 : t[o + 6]!);
}

/**
 * Rewrite the destination of a packet of a NATed connection (the dstnat position): original direction →
 * the reply tuple's source; reply direction → the original tuple's source. `ip`/`l4` are absolute offsets
 * (l4 = -1: no L4 header, e.g. a later fragment). Returns true when something changed.
 */
export function rewriteDst(ct: ConnTable, ref: number, b: Uint8Array, ip: number, l4: number): boolean {
  const t = ct.tup;
  // The tuple whose inverse the packet must become.
  const q = (ref ^ 1) * 4;
  const wantDst = t[q]!;
  const wantPorts = t[q + 2]!;
  const proto = t[q + 3]!;
  let changed = false;
  const curDst = (b[ip + 16]! << 24) | (b[ip + 17]! << 16) | (b[ip + 18]! << 8) | b[ip + 19]!;
  if (curDst !== wantDst) {
    ipv4RewriteDst(b, ip, l4, wantDst >>> 0);
    changed = true;
  }
  if (l4 >= 0) {
    if (proto === 6 || proto === 17 || proto === 132 || proto === 33 || proto === 136) {
      const want = wantPorts >>> 16;
      if (((b[l4 + 2]! << 8) | b[l4 + 3]!) !== want) {
        l4RewriteDstPort(b, l4, proto, want);
        changed = true;
      }
    } else if (proto === 1 && rewriteEchoId(b, l4, wantPorts)) {
      changed = true;
    }
  }
  return changed;
}

/** Rewrite the source of a packet of a NATed connection (the srcnat position); see rewriteDst. */
export function rewriteSrc(ct: ConnTable, ref: number, b: Uint8Array, ip: number, l4: number): boolean {
  const t = ct.tup;
  const q = (ref ^ 1) * 4;
  const wantSrc = t[q + 1]!;
  const wantPorts = t[q + 2]!;
  const proto = t[q + 3]!;
  let changed = false;
  const curSrc = (b[ip + 12]! << 24) | (b[ip + 13]! << 16) | (b[ip + 14]! << 8) | b[ip + 15]!;
  if (curSrc !== wantSrc) {
    ipv4RewriteSrc(b, ip, l4, wantSrc >>> 0);
    changed = true;
  }
  if (l4 >= 0) {
    if (proto === 6 || proto === 17 || proto === 132 || proto === 33 || proto === 136) {
      const want = wantPorts & 0xffff;
      if (((b[l4]! << 8) | b[l4 + 1]!) !== want) {
        l4RewriteSrcPort(b, l4, proto, want);
        changed = true;
      }
    } else if (proto === 1 && rewriteEchoId(b, l4, wantPorts)) {
      changed = true;
    }
  }
  return changed;
}

/**
 * An ICMP echo's id to what the other tuple wants; true when it changed. The id is the high half of a
 * request's tuple and the low half of a reply's (conntrack/tuple.ts); the packet becomes the inverse of the
 * other tuple, whose halves are swapped. Other ICMP types are left alone.
 */
function rewriteEchoId(b: Uint8Array, l4: number, wantPorts: number): boolean {
  const type = b[l4]!;
  if (type !== 0 && type !== 8) return false;
  const want = type === 8 ? wantPorts & 0xffff : wantPorts >>> 16;
  if (((b[l4 + 4]! << 8) | b[l4 + 5]!) === want) return false;
  icmpRewriteEchoId(b, l4, 1, want);
  return true;
}

function rd32(b: Uint8Array, o: number): number {
  return (b[o]! << 24) | (b[o + 1]! << 16) | (b[o + 2]! << 8) | b[o + 3]!;
}

/**
 * Translate an ICMP error (outer IPv4 header at `ip`, ICMP at `l4`, `l4Len` bytes of it) related to connection
 * `ref` (its direction: the direction the error travels, as conntrack found it from the quoted header) at a
 * NAT point: `dstSide` for dstnat / nat-output (destination manipulation), else srcnat / nat-input.
 * Linux nf_nat_icmp_reply_translation: the NAT kind this point undoes is SRCNAT for a destination point and
 * DSTNAT for a source point when the error travels in the reply direction (the other way round in the
 * original direction); without it nothing changes. Then the quoted packet — which travels opposite to the
 * error — gets the other direction's tuple on the other side (source at a destination point), and the outer
 * header gets that tuple's inverse on this point's side. Returns true when the packet changed.
 */
export function icmpErrorNat(ct: ConnTable, ref: number, b: Uint8Array, ip: number, l4: number, l4Len: number, dstSide: boolean): boolean {
  const id = ref >> 1;
  const dir = ref & 1;
  let bit: number = dstSide ? CtStatus.DSTNAT : CtStatus.SRCNAT;
  if (dir === 1) bit = bit === CtStatus.DSTNAT ? CtStatus.SRCNAT : CtStatus.DSTNAT;
  if (!(ct.status[id]! & bit)) return false;
  const qi = l4 + 8;
  if (l4 < 0 || l4Len < 28 || b[qi]! >> 4 !== 4) return false;
  const ihl = (b[qi]! & 15) << 2;
  if (ihl < 20 || l4Len < 8 + ihl) return false;
  const avail = l4Len - 8 - ihl;
  const ql4 = qi + ihl;
  const t = ct.tup;
  const q = (ref ^ 1) * 4;
  const tSrc = t[q]!;
  const tDst = t[q + 1]!;
  const tPorts = t[q + 2]!;
  const proto = b[qi + 9]!;
  const ports = proto === 6 || proto === 17 || proto === 132 || proto === 33 || proto === 136;
  // The quoted L4 checksum is patched only when the quote holds it (TCP: 18 bytes, UDP: 8).
  const csumL4 = (proto === 6 && avail >= 18) || (proto === 17 && avail >= 8) ? ql4 : -1;
  if (dstSide) {
    // Quoted packet: its source becomes the other direction's source.
    if (rd32(b, qi + 12) !== tSrc) ipv4RewriteSrc(b, qi, csumL4, tSrc >>> 0);
    if (ports && avail >= 4) {
      const want = tPorts >>> 16;
      if (((b[ql4]! << 8) | b[ql4 + 1]!) !== want) {
        if (csumL4 >= 0) l4RewriteSrcPort(b, ql4, proto, want);
        else {
          b[ql4] = want >>> 8;
          b[ql4 + 1] = want;
        }
      }
    }
  } else {
    if (rd32(b, qi + 16) !== tDst) ipv4RewriteDst(b, qi, csumL4, tDst >>> 0);
    if (ports && avail >= 4) {
      const want = tPorts & 0xffff;
      if (((b[ql4 + 2]! << 8) | b[ql4 + 3]!) !== want) {
        if (csumL4 >= 0) l4RewriteDstPort(b, ql4, proto, want);
        else {
          b[ql4 + 2] = want >>> 8;
          b[ql4 + 3] = want;
        }
      }
    }
  }
  if (proto === 1 && avail >= 8) {
    // A quoted echo: its id is the other direction's (high half of a request's tuple, low of a reply's).
    const ty = b[ql4]!;
    const want = ty === 8 || ty === 13 || ty === 15 || ty === 17 ? tPorts >>> 16 : tPorts & 0xffff;
    if (((b[ql4 + 4]! << 8) | b[ql4 + 5]!) !== want) icmpRewriteEchoId(b, ql4, 1, want);
  }
  // The ICMP checksum covers the whole quote: recompute it.
  const c = icmpChecksum(b, l4, l4Len);
  b[l4 + 2] = c >>> 8;
  b[l4 + 3] = c;
  // The outer header: this point's side becomes the inverse of the other direction's tuple.
  if (dstSide) {
    if (rd32(b, ip + 16) !== tSrc) ipv4RewriteDst(b, ip, -1, tSrc >>> 0);
  } else if (rd32(b, ip + 12) !== tDst) ipv4RewriteSrc(b, ip, -1, tDst >>> 0);
  return true;
}

/**
 * Put back the source a packet of connection `ref` (its direction) had before srcnat: the address and port
 * (or echo id) of its own direction's tuple, checksums patched incrementally (the exact inverse of
 * rewriteSrc). Used for the quote of a fragmentation-needed error flowplane makes after srcnat, where Linux
 * (ip_forward's MTU check, before the POSTROUTING hook) quotes the packet not yet source-translated.
 * Returns true when something changed.
 */
export function restoreSource(ct: ConnTable, ref: number, b: Uint8Array, ip: number, l4: number): boolean {
  const t = ct.tup;
  const q = ref * 4;
  const src = t[q]!;
  const ports = t[q + 2]!;
  const proto = t[q + 3]!;
  let changed = false;
  if (rd32(b, ip + 12) !== src) {
    ipv4RewriteSrc(b, ip, l4, src >>> 0);
    changed = true;
  }
  if (l4 < 0) return changed;
  if (proto === 6 || proto === 17 || proto === 132 || proto === 33 || proto === 136) {
    const want = ports >>> 16;
    if (((b[l4]! << 8) | b[l4 + 1]!) !== want) {
      l4RewriteSrcPort(b, l4, proto, want);
      changed = true;
    }
  } else if (proto === 1 && (b[l4]! === 0 || b[l4]! === 8)) {
    // The packet's own tuple: a request has its id in the high half, a reply in the low half.
    const want = b[l4]! === 8 ? ports >>> 16 : ports & 0xffff;
    if (((b[l4 + 4]! << 8) | b[l4 + 5]!) !== want) {
      icmpRewriteEchoId(b, l4, 1, want);
      changed = true;
    }
  }
  return changed;
}
