/**
 * A packet's connection-tracking tuple, read from its IPv4 header (table.ts explains the tuple layout).
 *
 * Ports: TCP, UDP, UDP-Lite, SCTP and DCCP put `sport << 16 | dport`; ICMP queries put their identifier in the
 * half where the inverse tuple will look for it — requests (echo 8, timestamp 13, information 15, address
 * mask 17) `id << 16`, replies (0, 14, 16, 18) `id` — so an answer's tuple equals the inverse of the question's
 * (Linux keys ICMP by id and type pairs the same way). Other protocols (GRE, ESP, ...) track by addresses
 * only (Linux's generic tracker).
 *
 * ICMP errors (destination unreachable, source quench, redirect, time exceeded, parameter problem) are not
 * connections: `tupleOf` returns TupleKind.ICMP_ERROR and `quotedTuple` reads the header they quote, inverted,
 * so the lookup finds the connection the error is about (state related).
 */

export const TupleKind = {
  /** A trackable packet: the tuple is in `out`. */
  OK: 0,
  /** An ICMP error: look up `quotedTuple` instead. */
  ICMP_ERROR: 1,
  /** Not trackable (a later fragment without ports, truncated L4): untracked by tuple, state invalid. */
  BAD: 2,
} as const;

/** Tuple words in an Int32Array scratch: src, dst, ports, proto. */
export const TU = { SRC: 0, DST: 1, PORTS: 2, PROTO: 3 } as const;

function rd32(b: Uint8Array, o: number): number {
  return (b[o]! << 24) | (b[o + 1]! << 16) | (b[o + 2]! << 8) | b[o + 3]!;
}

function portsProto(p: number): boolean {
  return p === 6 || p === 17 || p === 132 || p === 33 || p === 136;
}

/**
 * The tuple of the IPv4 packet at `ip` (absolute offset) whose L4 header is at `l4` (-1 when absent: a later
 * fragment), `l4Len` bytes available there. Fills `out` (TU layout) and returns a TupleKind.
 */
export function tupleOf(b: Uint8Array, ip: number, l4: number, l4Len: number, out: Int32Array): number {
  const proto = b[ip + 9]!;
  out[TU.SRC] = rd32(b, ip + 12);
  out[TU.DST] = rd32(b, ip + 16);
  out[TU.PROTO] = proto;
  out[TU.PORTS] = 0;
  if (portsProto(proto)) {
    if (l4 < 0 || l4Len < 4) return TupleKind.BAD;
    out[TU.PORTS] = (b[l4]! << 24) | (b[l4 + 1]! << 16) | (b[l4 + 2]! << 8) | b[l4 + 3]!;
    return TupleKind.OK;
  }
  if (proto === 1) {
    if (l4 < 0 || l4Len < 8) return TupleKind.BAD;
    const type = b[l4]!;
    const id = (b[l4 + 4]! << 8) | b[l4 + 5]!;
    switch (type) {
      case 8:
      case 13:
      case 15:
      case 17:
        out[TU.PORTS] = id << 16;
        return TupleKind.OK;
      case 0:
      case 14:
      case 16:
      case 18:
        out[TU.PORTS] = id;
        return TupleKind.OK;
      case 3:
      case 4:
      case 5:
      case 11:
      case 12:
        return TupleKind.ICMP_ERROR;
      default:
        // Other ICMP (router advertisement...): tracked by addresses, like Linux's generic handling of them.
        return TupleKind.OK;
    }
  }
  return TupleKind.OK;
}

/**
 * The tuple an ICMP error at `l4` (`l4Len` bytes) is about, as a packet going back would carry it: the quoted
 * header's tuple inverted. False when the quote is too short (8 bytes of L4 are needed for ports) or not IPv4.
 */
export function quotedTuple(b: Uint8Array, l4: number, l4Len: number, out: Int32Array): boolean {
  const q = l4 + 8;
  if (l4Len < 8 + 20 || b[q]! >> 4 !== 4) return false;
  const ihl = (b[q]! & 15) * 4;
  if (ihl < 20 || l4Len < 8 + ihl) return false;
  const proto = b[q + 9]!;
  const ql4 = q + ihl;
  const avail = l4Len - 8 - ihl;
  out[TU.SRC] = rd32(b, q + 16);
  out[TU.DST] = rd32(b, q + 12);
  out[TU.PROTO] = proto;
  out[TU.PORTS] = 0;
  if (portsProto(proto)) {
    if (avail < 4) return false;
    // Inverted: the quoted packet's dport becomes the sport.
    out[TU.PORTS] = (b[ql4 + 2]! << 24) | (b[ql4 + 3]! << 16) | (b[ql4]! << 8) | b[ql4 + 1]!;
  } else if (proto === 1) {
    if (avail < 8) return false;
    const type = b[ql4]!;
    const id = (b[ql4 + 4]! << 8) | b[ql4 + 5]!;
    // The inverse of a quoted request's tuple has the id in the low half; of a quoted reply, the high half.
    out[TU.PORTS] = type === 8 || type === 13 || type === 15 || type === 17 ? id : id << 16;
  }
  return true;
}
