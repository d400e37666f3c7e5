/**
 * The Internet checksum (RFC 1071) and its incremental update (RFC 1624).
 *
 * Conventions:
 * - Every offset here is absolute in `b` (the frame's offset plus the header's offset inside it).
 * - A "sum" is an unfolded, non-negative one's-complement accumulator (a plain number below 2^32); fold it
 *   with `csumFold` and complement it with `csumFinish`. The value written into a header is
 *   `csumFinish(sum)`: a 16-bit number.
 * - "Compute" functions treat the packet's checksum field as zero (they skip it), so they can run on a
 *   packet whose field holds anything. "Ok" functions verify in place.
 * - UDP over IPv4: a checksum field of 0 means "no checksum"; it verifies, and rewrites keep it 0. A UDP
 *   checksum that computes to 0 is sent as 0xffff (RFC 768). Over IPv6 a UDP checksum of 0 is invalid.
 *
 * Speed: bytes are summed as two int32 lanes (even bytes = high halves, odd bytes = low halves) unrolled
 * by eight, folding carries once per 32 KiB chunk, so the loop is plain int32 adds of byte loads.
 */

/** One's-complement sum of `len` bytes at `o` added to `sum` (odd length: the last byte is padded). */
export function csumAdd(b: Uint8Array, o: number, len: number, sum: number): number {
  let s = sum;
  let i = o;
  const end = o + (len > 0 ? len : 0);
  while (end - i >= 8) {
    let stop = end - ((end - i) & 7);
    if (stop - i > 32768) stop = i + 32768;
    let hi = 0;
    let lo = 0;
    for (; i < stop; i += 8) {
      hi += b[i]! + b[i + 2]! + b[i + 4]! + b[i + 6]!;
      lo += b[i + 1]! + b[i + 3]! + b[i + 5]! + b[i + 7]!;
    }
    s += hi * 256 + lo;
    s = (s % 65536) + Math.floor(s / 65536);
  }
  for (; i + 1 < end; i += 2) s += (b[i]! << 8) | b[i + 1]!;
  if (i < end) s += b[i]! << 8;
  return s;
}

/** Fold a sum to 16 bits (one's complement; a non-zero sum never folds to 0). */
export function csumFold(sum: number): number {
  let s = sum;
  if (s > 0xffffffff) s = (s % 65536) + Math.floor(s / 65536);
  s = (s & 0xffff) + (s >>> 16);
  s = (s & 0xffff) + (s >>> 16);
  return s;
}

/** Complement of the folded sum: the value for a checksum field. */
export function csumFinish(sum: number): number {
  return ~csumFold(sum) & 0xffff;
}

/** RFC 1071 checksum of a byte range (the value a header field holds when the range includes it as 0). */
export function inetChecksum(b: Uint8Array, o: number, len: number): number {
  return csumFinish(csumAdd(b, o, len, 0));
}

/** True when a range that includes its checksum field sums to 0xffff (the RFC 1071 verification). */
export function inetChecksumOk(b: Uint8Array, o: number, len: number): boolean {
  return csumFold(csumAdd(b, o, len, 0)) === 0xffff;
}

// ---- RFC 1624 incremental update ----------------------------------------------------------------

/**
 * New checksum after a 16-bit word covered by `csum` changed from `oldWord` to `newWord`
 * (RFC 1624 eqn. 3: HC' = ~(~HC + ~m + m')).
 */
export function csumReplace16(csum: number, oldWord: number, newWord: number): number {
  let s = (~csum & 0xffff) + (~oldWord & 0xffff) + (newWord & 0xffff);
  s = (s & 0xffff) + (s >>> 16);
  s = (s & 0xffff) + (s >>> 16);
  return ~s & 0xffff;
}

/** New checksum after a 32-bit value (an IPv4 address, a sequence number) changed. */
export function csumReplace32(csum: number, oldVal: number, newVal: number): number {
  let s = (~csum & 0xffff) + (~(oldVal >>> 16) & 0xffff) + (~oldVal & 0xffff) + (newVal >>> 16) + (newVal & 0xffff);
  s = (s & 0xffff) + (s >>> 16);
  s = (s & 0xffff) + (s >>> 16);
  return ~s & 0xffff;
}

// ---- IPv4 header --------------------------------------------------------------------------------

function rd16(b: Uint8Array, o: number): number {
  return (b[o]! << 8) | b[o + 1]!;
}
function wr16(b: Uint8Array, o: number, v: number): void {
  b[o] = v >>> 8;
  b[o + 1] = v;
}

/** Header checksum the IPv4 header at `ip` should carry (its own field is skipped; IHL from the header). */
export function ipv4HeaderChecksum(b: Uint8Array, ip: number): number {
  const hl = (b[ip]! & 15) << 2;
  let s = 0;
  for (let i = ip; i < ip + hl; i += 2) s += (b[i]! << 8) | b[i + 1]!;
  s -= (b[ip + 10]! << 8) | b[ip + 11]!;
  return csumFinish(s);
}

/** Verify the IPv4 header checksum in place (IHL from the header; the caller has checked it fits). */
export function ipv4ChecksumOk(b: Uint8Array, ip: number): boolean {
  const hl = (b[ip]! & 15) << 2;
  // even bytes are the high halves of the words, odd bytes the low halves
  let hi = b[ip]! + b[ip + 2]! + b[ip + 4]! + b[ip + 6]! + b[ip + 8]! + b[ip + 10]! + b[ip + 12]! + b[ip + 14]! + b[ip + 16]! + b[ip + 18]!;
  let lo = b[ip + 1]! + b[ip + 3]! + b[ip + 5]! + b[ip + 7]! + b[ip + 9]! + b[ip + 11]! + b[ip + 13]! + b[ip + 15]! + b[ip + 17]! + b[ip + 19]!;
  for (let i = ip + 20; i < ip + hl; i += 2) {
    hi += b[i]!;
    lo += b[i + 1]!;
  }
  let s = (hi << 8) + lo;
  s = (s & 0xffff) + (s >>> 16);
  s = (s & 0xffff) + (s >>> 16);
  return s === 0xffff;
}

/** Compute and store the IPv4 header checksum. */
export function ipv4FillChecksum(b: Uint8Array, ip: number): void {
  wr16(b, ip + 10, ipv4HeaderChecksum(b, ip));
}

// ---- pseudo headers and L4 checksums ------------------------------------------------------------

/** Sum of the IPv4 pseudo header (src, dst, zero/proto, L4 length) taken from the header at `ip`. */
export function pseudoSum4(b: Uint8Array, ip: number, proto: number, l4Len: number): number {
  return (
    ((b[ip + 12]! << 8) | b[ip + 13]!) +
    ((b[ip + 14]! << 8) | b[ip + 15]!) +
    ((b[ip + 16]! << 8) | b[ip + 17]!) +
    ((b[ip + 18]! << 8) | b[ip + 19]!) +
    proto +
    l4Len
  );
}

/** Sum of the IPv6 pseudo header (src, dst, 32-bit L4 length, next header) from the header at `ip6`. */
export function pseudoSum6(b: Uint8Array, ip6: number, nextHeader: number, l4Len: number): number {
  let s = nextHeader + (l4Len >>> 16) + (l4Len & 0xffff);
  for (let i = ip6 + 8; i < ip6 + 40; i += 2) s += (b[i]! << 8) | b[i + 1]!;
  return s;
}

/** Offset of the checksum field inside a TCP (16), UDP (6), ICMP/ICMPv6 (2) header; -1 for others. */
export function l4ChecksumFieldOffset(proto: number): number {
  if (proto === 6 /* TCP */) return 16;
  if (proto === 17 /* UDP */) return 6;
  if (proto === 1 /* ICMP */ || proto === 58 /* ICMPv6 */) return 2;
  return -1;
}

/** Sum of `len` bytes at `o` leaving out the 16-bit field at `o + fieldOff`. */
function sumSkipping(b: Uint8Array, o: number, len: number, fieldOff: number, sum: number): number {
  const s = csumAdd(b, o, fieldOff, sum);
  return csumAdd(b, o + fieldOff + 2, len - fieldOff - 2, s);
}

/**
 * Checksum a TCP/UDP segment over IPv4 should carry (`l4Len` bytes at `l4`, pseudo header from the IPv4
 * header at `ip`). For ICMP (no pseudo header) it is the plain message checksum. -1 for other protocols.
 * UDP: a computed 0 is returned as 0xffff.
 */
export function l4Checksum4(b: Uint8Array, ip: number, l4: number, l4Len: number, proto: number): number {
  const f = l4ChecksumFieldOffset(proto);
  if (f < 0 || l4Len < f + 2) return -1;
  const ph = proto === 1 /* ICMP */ ? 0 : pseudoSum4(b, ip, proto, l4Len);
  const c = csumFinish(sumSkipping(b, l4, l4Len, f, ph));
  return c === 0 && proto === 17 /* UDP */ ? 0xffff : c;
}

/** As l4Checksum4 over IPv6 (`proto` is the upper-layer next header; TCP, UDP, ICMPv6). */
export function l4Checksum6(b: Uint8Array, ip6: number, l4: number, l4Len: number, proto: number): number {
  const f = l4ChecksumFieldOffset(proto);
  if (f < 0 || proto === 1 /* ICMP */ || l4Len < f + 2) return -1;
  const c = csumFinish(sumSkipping(b, l4, l4Len, f, pseudoSum6(b, ip6, proto, l4Len)));
  return c === 0 && proto === 17 /* UDP */ ? 0xffff : c;
}

/** Verify a TCP/UDP/ICMP checksum over IPv4 in place (UDP checksum 0 = none = ok). */
export function l4ChecksumOk4(b: Uint8Array, ip: number, l4: number, l4Len: number, proto: number): boolean {
  const f = l4ChecksumFieldOffset(proto);
  if (f < 0 || l4Len < f + 2) return false;
  if (proto === 17 /* UDP */ && b[l4 + 6] === 0 && b[l4 + 7] === 0) return true;
  const ph = proto === 1 /* ICMP */ ? 0 : pseudoSum4(b, ip, proto, l4Len);
  return csumFold(csumAdd(b, l4, l4Len, ph)) === 0xffff;
}

/** Verify a TCP/UDP/ICMPv6 checksum over IPv6 in place (UDP checksum 0 is invalid over IPv6). */
export function l4ChecksumOk6(b: Uint8Array, ip6: number, l4: number, l4Len: number, proto: number): boolean {
  const f = l4ChecksumFieldOffset(proto);
  if (f < 0 || proto === 1 /* ICMP */ || l4Len < f + 2) return false;
  if (proto === 17 /* UDP */ && b[l4 + 6] === 0 && b[l4 + 7] === 0) return false;
  return csumFold(csumAdd(b, l4, l4Len, pseudoSum6(b, ip6, proto, l4Len))) === 0xffff;
}

/** Compute and store the L4 checksum over IPv4; false for a protocol without one. */
export function l4FillChecksum4(b: Uint8Array, ip: number, l4: number, l4Len: number, proto: number): boolean {
  const c = l4Checksum4(b, ip, l4, l4Len, proto);
  if (c < 0) return false;
  wr16(b, l4 + l4ChecksumFieldOffset(proto), c);
  return true;
}

/** Compute and store the L4 checksum over IPv6; false for a protocol without one. */
export function l4FillChecksum6(b: Uint8Array, ip6: number, l4: number, l4Len: number, proto: number): boolean {
  const c = l4Checksum6(b, ip6, l4, l4Len, proto);
  if (c < 0) return false;
  wr16(b, l4 + l4ChecksumFieldOffset(proto), c);
  return true;
}

/** ICMPv4 checksum of a message (no pseudo header), field skipped. */
export function icmpChecksum(b: Uint8Array, l4: number, len: number): number {
  if (len < 4) return -1;
  return csumFinish(sumSkipping(b, l4, len, 2, 0));
}

// ---- rewrites that keep checksums right ---------------------------------------------------------

/**
 * Patch the L4 checksum of the segment at `l4` after a 16-bit word it covers (directly or through the
 * pseudo header) changed. TCP, UDP (0 stays 0, a result of 0 becomes 0xffff), ICMP, ICMPv6; others: no-op.
 */
export function l4CsumReplace16(b: Uint8Array, l4: number, proto: number, oldWord: number, newWord: number): void {
  const f = l4ChecksumFieldOffset(proto);
  if (f < 0) return;
  const p = l4 + f;
  const old = (b[p]! << 8) | b[p + 1]!;
  if (proto === 17 /* UDP */) {
    if (old === 0) return;
    const c = csumReplace16(old, oldWord, newWord);
    wr16(b, p, c === 0 ? 0xffff : c);
    return;
  }
  wr16(b, p, csumReplace16(old, oldWord, newWord));
}

/** As l4CsumReplace16 for a 32-bit value. */
export function l4CsumReplace32(b: Uint8Array, l4: number, proto: number, oldVal: number, newVal: number): void {
  const f = l4ChecksumFieldOffset(proto);
  if (f < 0) return;
  const p = l4 + f;
  const old = (b[p]! << 8) | b[p + 1]!;
  if (proto === 17 /* UDP */) {
    if (old === 0) return;
    const c = csumReplace32(old, oldVal, newVal);
    wr16(b, p, c === 0 ? 0xffff : c);
    return;
  }
  wr16(b, p, csumReplace32(old, oldVal, newVal));
}

function rewriteAddr4(b: Uint8Array, ip: number, l4: number, at: number, addr: number): void {
  const p = ip + at;
  const old = ((b[p]! << 24) | (b[p + 1]! << 16) | (b[p + 2]! << 8) | b[p + 3]!) >>> 0;
  const nv = addr >>> 0;
  b[p] = nv >>> 24;
  b[p + 1] = nv >>> 16;
  b[p + 2] = nv >>> 8;
  b[p + 3] = nv;
  wr16(b, ip + 10, csumReplace32(rd16(b, ip + 10), old, nv));
  // ICMP has no pseudo header: its checksum does not cover the addresses.
  const proto = b[ip + 9]!;
  if (l4 >= 0 && (proto === 6 /* TCP */ || proto === 17 /* UDP */)) l4CsumReplace32(b, l4, proto, old, nv);
}

/**
 * Rewrite the IPv4 source address (SNAT), patching the header checksum and, when `l4` >= 0 (absolute
 * offset of the TCP/UDP header; pass -1 for a non-first fragment), the TCP/UDP checksum.
 */
export function ipv4RewriteSrc(b: Uint8Array, ip: number, l4: number, addr: number): void {
  rewriteAddr4(b, ip, l4, 12, addr);
}

/** Rewrite the IPv4 destination address (DNAT); as ipv4RewriteSrc. */
export function ipv4RewriteDst(b: Uint8Array, ip: number, l4: number, addr: number): void {
  rewriteAddr4(b, ip, l4, 16, addr);
}

/** Set the TTL, patching the header checksum. */
export function ipv4RewriteTtl(b: Uint8Array, ip: number, ttl: number): void {
  const old = (b[ip + 8]! << 8) | b[ip + 9]!;
  b[ip + 8] = ttl;
  wr16(b, ip + 10, csumReplace16(rd16(b, ip + 10), old, ((ttl & 0xff) << 8) | b[ip + 9]!));
}

/** Decrement the TTL (forwarding), patching the header checksum; returns the new TTL, or -1 if it was 0. */
export function ipv4DecTtl(b: Uint8Array, ip: number): number {
  const ttl = b[ip + 8]!;
  if (ttl === 0) return -1;
  ipv4RewriteTtl(b, ip, ttl - 1);
  return ttl - 1;
}

/** Set the TOS byte (DSCP << 2 | ECN), patching the header checksum. */
export function ipv4RewriteTos(b: Uint8Array, ip: number, tos: number): void {
  const old = (b[ip]! << 8) | b[ip + 1]!;
  b[ip + 1] = tos;
  wr16(b, ip + 10, csumReplace16(rd16(b, ip + 10), old, (b[ip]! << 8) | (tos & 0xff)));
}

/** Set the DSCP (upper six bits of TOS), keeping ECN; patches the header checksum. */
export function ipv4RewriteDscp(b: Uint8Array, ip: number, dscp: number): void {
  ipv4RewriteTos(b, ip, ((dscp & 63) << 2) | (b[ip + 1]! & 3));
}

function rewriteWord(b: Uint8Array, l4: number, proto: number, at: number, v: number): void {
  const p = l4 + at;
  const old = (b[p]! << 8) | b[p + 1]!;
  b[p] = v >>> 8;
  b[p + 1] = v;
  l4CsumReplace16(b, l4, proto, old, v & 0xffff);
}

/** Rewrite the TCP/UDP source port at `l4`, patching its checksum (UDP 0 stays 0). */
export function l4RewriteSrcPort(b: Uint8Array, l4: number, proto: number, port: number): void {
  rewriteWord(b, l4, proto, 0, port);
}

/** Rewrite the TCP/UDP destination port at `l4`, patching its checksum (UDP 0 stays 0). */
export function l4RewriteDstPort(b: Uint8Array, l4: number, proto: number, port: number): void {
  rewriteWord(b, l4, proto, 2, port);
}

/** Rewrite the ICMP/ICMPv6 echo identifier (NAT of pings), patching the checksum. */
export function icmpRewriteEchoId(b: Uint8Array, l4: number, proto: number, id: number): void {
  rewriteWord(b, l4, proto, 4, id);
}

/**
 * Rewrite a 16-byte IPv6 address (source at `ip6 + 8` or destination at `ip6 + 24`, chosen by `at`) from
 * `addr[aOff..]`, patching the TCP/UDP/ICMPv6 checksum at `l4` (pass -1 when there is none). IPv6 has no
 * header checksum.
 */
export function ipv6RewriteAddr(b: Uint8Array, ip6: number, at: 8 | 24, l4: number, proto: number, addr: Uint8Array, aOff: number): void {
  const p = ip6 + at;
  for (let i = 0; i < 16; i += 2) {
    const old = (b[p + i]! << 8) | b[p + i + 1]!;
    const nv = (addr[aOff + i]! << 8) | addr[aOff + i + 1]!;
    b[p + i] = nv >>> 8;
    b[p + i + 1] = nv;
    if (l4 >= 0) l4CsumReplace16(b, l4, proto, old, nv);
  }
}
