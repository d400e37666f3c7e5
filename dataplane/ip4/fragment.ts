/**
 * IPv4 fragmentation on egress (RFC 791), as Linux's ip_do_fragment (slow path) does it.
 *
 * RouterOS does not document its fragmentation; it is the Linux kernel's (UNCONFIRMED for RouterOS,
 * Linux-derived here):
 * - every fragment carries the original header's length; for the second and later fragments the options
 *   without the "copied" flag (type bit 0x80) are overwritten with NOPs (Linux ip_options_fragment), so
 *   all fragments have the same IHL. RFC 791 allows this as well as dropping the options.
 * - data per fragment = (mtu - header length) rounded down to a multiple of 8; the last takes the rest.
 * - identification, TOS, TTL, protocol and addresses are kept; MF is set on all but the last fragment,
 *   and on the last too when the packet was itself a non-last fragment; offsets add to the packet's own
 *   offset (fragments of fragments); the reserved flag bit is cleared.
 * - a packet with DF set that is larger than the MTU is not fragmented: the caller sends ICMP 3/4
 *   (`needsFragmentation` returns 2; `fragmentIpv4` returns `-Drop.FRAGMENTATION_NEEDED`).
 */
import type { PacketPool } from '../buf/pool';
import { PktFlag } from '../buf/meta';
import { Drop } from '../drop';
import { ipv4FillChecksum } from '../wire/checksum';

/** Metadata flag bits a later fragment keeps from the packet (the rest describe L4 or the capture). */
const LATER_KEEP = PktFlag.VLAN | PktFlag.QINQ | PktFlag.STAG | PktFlag.IPV4 | PktFlag.IP_OPTIONS | PktFlag.BROADCAST | PktFlag.MULTICAST | PktFlag.TRACE;

/**
 * What egress must do with the IPv4 packet in `slot` for an interface of `mtu` bytes (IP MTU):
 * 0 = it fits, 1 = fragment it, 2 = DF is set and it does not fit (drop + ICMP 3/4 with `mtu`; Linux
 * ip_exceeds_mtu). Uses `meta.l3Len` (the total length parseFrame read). A GSO super-frame (PktFlag.GSO)
 * always fits: it is segmented to the egress MTU at the port.
 */
export function needsFragmentation(pool: PacketPool, slot: number, mtu: number): 0 | 1 | 2 {
  if (!(slot >= 0 && slot < pool.slots)) return 0;
  if (pool.meta.l3Len[slot]! <= mtu) return 0;
  // A TSO super-frame leaves as segments that fit (its egress port or dataplane/ports/gso.ts cuts them).
  if ((pool.meta.flags[slot]! & PktFlag.GSO) !== 0) return 0;
  return (pool.bytes[pool.frameOffset(slot) + pool.meta.l3Off[slot]! + 6]! & 0x40) !== 0 ? 2 : 1;
}

/** How many fragments `fragmentIpv4` makes of an IP packet of `totalLen` bytes with `headerLen` bytes of header. */
export function fragmentCount(totalLen: number, headerLen: number, mtu: number): number {
  if (totalLen <= mtu) return 1;
  const step = (mtu - headerLen) & ~7;
  if (step < 8) return 0;
  return Math.ceil((totalLen - headerLen) / step);
}

/**
 * Split the IPv4 packet in `slot` into fragments of at most `mtu` bytes of IP each; `out[0 .. n)`
 * receives their slots in offset order and n is returned. The packet's own slot becomes the first
 * fragment (its frame is cut down in place); the others are new slots from `pool.alloc()`, each with the
 * link header (Ethernet + VLAN tags) copied. A packet that fits is left alone: `out[0] = slot`, 1.
 *
 * Metadata of every fragment: len/wireLen = the fragment's frame, l3Off, l3Len, etherType, VLAN columns,
 * l4Proto, inPort, outPort, marks, hash, timestamp and linkType copied; flags gain FRAGMENT (and
 * LATER_FRAGMENT for all but the first, which keep the VLAN/IPV4/IP_OPTIONS/broadcast/multicast/TRACE
 * bits and lose L4); later fragments' l4Off is their data, as parseFrame sets it. The first fragment
 * keeps L4 only when its L4 header still fits.
 *
 * Negative drop codes, the packet's slot then untouched and nothing allocated:
 * `-FRAGMENTATION_NEEDED` (DF set), `-FRAGMENTATION_FAILED` (mtu below header + 8, `out` shorter than
 * the fragment count, bytes of the packet missing from the slot — a snapped capture —, offset + length
 * beyond 65535, or a fragment that would not fit a fresh slot), `-POOL_EXHAUSTED` (slots taken so far
 * are freed again), `-IPV4_*` for a header that is not sound.
 */
export function fragmentIpv4(pool: PacketPool, slot: number, mtu: number, out: Uint32Array): number {
  if (!(slot >= 0 && slot < pool.slots)) return -Drop.FRAGMENTATION_FAILED;
  const m = pool.meta;
  const b = pool.bytes;
  const f = pool.frameOffset(slot);
  const len = m.len[slot]!;
  const l3 = m.l3Off[slot]!;
  if (len > pool.slotSize - m.start[slot]! || l3 + 20 > len) return -Drop.IPV4_TRUNCATED;
  const ip = f + l3;
  const hl = (b[ip]! & 15) << 2;
  if (hl < 20 || l3 + hl > len) return -Drop.IPV4_BAD_IHL;
  const tl = (b[ip + 2]! << 8) | b[ip + 3]!;
  if (tl < hl) return -Drop.IPV4_BAD_TOTAL_LENGTH;
  if (tl <= mtu) {
    if (out.length < 1) return -Drop.FRAGMENTATION_FAILED;
    out[0] = slot;
    return 1;
  }
  const fw = (b[ip + 6]! << 8) | b[ip + 7]!;
  if ((fw & 0x4000) !== 0) return -Drop.FRAGMENTATION_NEEDED;
  if (l3 + tl > len) return -Drop.FRAGMENTATION_FAILED;
  const step = (mtu - hl) & ~7;
  if (step < 8 || l3 + hl + step > pool.maxFrame) return -Drop.FRAGMENTATION_FAILED;
  const payload = tl - hl;
  const baseOff = (fw & 0x1fff) << 3;
  if (baseOff + payload > 65535) return -Drop.FRAGMENTATION_FAILED;
  const baseMf = fw & 0x2000;
  const n = ((payload + step - 1) / step) | 0;
  if (n > out.length) return -Drop.FRAGMENTATION_FAILED;

  out[0] = slot;
  for (let k = 1; k < n; k++) {
    const s = pool.alloc();
    if (s < 0) {
      for (let j = 1; j < k; j++) pool.free(out[j]!);
      return -Drop.POOL_EXHAUSTED;
    }
    out[k] = s;
  }

  // Later fragments, built from the packet's bytes before its own slot is cut down.
  const flags = m.flags[slot]!;
  const laterFlags = (flags & LATER_KEEP) | PktFlag.FRAGMENT | PktFlag.LATER_FRAGMENT;
  const hdrEnd = l3 + hl;
  let tmpl = f; // frame whose link + IP header the next fragment copies (the second fragment's, once made)
  for (let k = 1; k < n; k++) {
    const s = out[k]!;
    const nf = pool.frameOffset(s);
    const dOff = k * step;
    const chunk = k < n - 1 ? step : payload - dOff;
    b.copyWithin(nf, tmpl, tmpl + hdrEnd);
    const nip = nf + l3;
    if (k === 1) {
      if (hl > 20) nopUncopiedOptions(b, nip + 20, hl - 20);
      tmpl = nf;
    }
    b.copyWithin(nip + hl, ip + hl + dOff, ip + hl + dOff + chunk);
    const ntl = hl + chunk;
    b[nip + 2] = ntl >>> 8;
    b[nip + 3] = ntl;
    const w = ((baseOff + dOff) >>> 3) | (k < n - 1 || baseMf !== 0 ? 0x2000 : 0);
    b[nip + 6] = w >>> 8;
    b[nip + 7] = w;
    ipv4FillChecksum(b, nip);
    const flen = hdrEnd + chunk;
    m.len[s] = flen;
    m.wireLen[s] = flen;
    m.inPort[s] = m.inPort[slot]!;
    m.outPort[s] = m.outPort[slot]!;
    m.vlanOuter[s] = m.vlanOuter[slot]!;
    m.vlanInner[s] = m.vlanInner[slot]!;
    m.etherType[s] = m.etherType[slot]!;
    m.l3Off[s] = l3;
    m.l4Off[s] = hdrEnd;
    m.l3Len[s] = ntl;
    m.l4Proto[s] = m.l4Proto[slot]!;
    m.flags[s] = laterFlags;
    m.packetMark[s] = m.packetMark[slot]!;
    m.connMark[s] = m.connMark[slot]!;
    m.routingMark[s] = m.routingMark[slot]!;
    m.tsSec[s] = m.tsSec[slot]!;
    m.tsNsec[s] = m.tsNsec[slot]!;
    m.hash[s] = m.hash[slot]!;
    m.linkType[s] = m.linkType[slot]!;
  }

  // The packet's slot becomes the first fragment.
  const ftl = hl + step;
  b[ip + 2] = ftl >>> 8;
  b[ip + 3] = ftl;
  const w0 = (baseOff >>> 3) | 0x2000;
  b[ip + 6] = w0 >>> 8;
  b[ip + 7] = w0;
  ipv4FillChecksum(b, ip);
  m.len[slot] = hdrEnd + step;
  m.wireLen[slot] = hdrEnd + step;
  m.l3Len[slot] = ftl;
  let ff = (flags & ~PktFlag.SNAPPED) | PktFlag.FRAGMENT;
  if ((ff & PktFlag.L4) !== 0 && baseOff === 0) {
    const proto = b[ip + 9]!;
    const need = proto === 6 ? (b[ip + hl + 12]! >>> 4) << 2 : 8;
    if (need > step) ff &= ~PktFlag.L4;
  }
  m.flags[slot] = ff;
  return n;
}

/**
 * Overwrite options without the copied flag with NOPs (Linux ip_options_fragment): walks `len` option
 * bytes at `o`, stops at EOL or at a malformed option (leaving the rest as it is, as Linux does).
 */
export function nopUncopiedOptions(b: Uint8Array, o: number, len: number): void {
  let i = 0;
  while (i < len) {
    const t = b[o + i]!;
    if (t === 0) return;
    if (t === 1) {
      i++;
      continue;
    }
    if (i + 1 >= len) return;
    const l = b[o + i + 1]!;
    if (l < 2 || l > len - i) return;
    if ((t & 0x80) === 0) b.fill(1, o + i, o + i + l);
    i += l;
  }
}
