/**
 * Offloads at the ports: the virtio_net_hdr a TAP opened with IFF_VNET_HDR puts before every frame, and
 * TCP segmentation done in software for ports that cannot take super-frames.
 *
 * Why: with TUNSETOFFLOAD the kernel hands a TAP reader 64 KiB TCP "super-frames" (one header, many
 * segments' worth of payload, checksum left partial) instead of 45 wire-sized frames, and takes them back
 * the same way. A userspace router then pays its per-packet cost once per 64 KiB instead of per 1.5 KiB —
 * the difference between 1-2 and 10+ Gbit/s through a TAP pair.
 *
 * How a super-frame crosses flowplane:
 * - RX (native/tap readBatchV): the header is read beside the frame; a partial checksum (NEEDS_CSUM: the
 *   field holds the pseudo-header sum) is completed there in C, so the flow sees only complete checksums
 *   and its TTL/NAT rewrites stay the ordinary incremental updates (RFC 1624) without a partial-checksum
 *   case in every rewrite. A TCPV4 super-frame gets PktFlag.GSO and its gso_size in the driver's per-slot
 *   table (`gsoSize`, indexed by slot); the flow skips MTU checks for it.
 * - TX to a TAP with offloads: `fillVnetHdr` writes NEEDS_CSUM (csum_start = the TCP header, offset 16, the
 *   field set back to the pseudo-header sum the kernel expects) and gso_type/gso_size/hdr_len; the kernel
 *   segments it when its own path needs that.
 * - TX to a port without offloads (a pcap port, a TAP opened without them): `segmentTcp4` cuts it into
 *   MSS-sized segments in fresh slots, each a valid TCP segment: IP total length, id (+1 per segment, as
 *   Linux TSO does), header checksum, sequence number (+ payload offset), FIN/PSH only on the last, CWR only
 *   on the first, TCP checksum computed.
 *
 * The segment size is the frame's gso_size (what the sender's stack chose: its MSS) clamped to the egress
 * MTU, so a segment always fits the wire even when the size is unknown (a bridge flood copy of a super-
 * frame lands in a slot the driver never saw: its size falls back to the MTU's).
 *
 * Header layout (linux/virtio_net.h, host byte order for a TAP without TUNSETVNETLE): flags u8, gso_type u8,
 * hdr_len u16, gso_size u16, csum_start u16, csum_offset u16 = 10 bytes.
 */
import type { PacketPool } from '../buf/pool';
import { PktFlag } from '../buf/meta';
import { csumFold, ipv4FillChecksum, l4FillChecksum4, pseudoSum4 } from '../wire/checksum';

export const VNET_HDR_LEN = 10;
export const VnetFlag = { NEEDS_CSUM: 1, DATA_VALID: 2 } as const;
export const VnetGso = { NONE: 0, TCPV4: 1, UDP: 3, TCPV6: 4, ECN: 0x80 } as const;
/** TUNSETOFFLOAD bits (linux/if_tun.h). */
export const TunOffload = { CSUM: 0x01, TSO4: 0x02, TSO6: 0x04, TSO_ECN: 0x08 } as const;

/** Host byte order of the header's u16 fields (x86, arm64: little-endian). */
const LE = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;
const rd16 = (h: Uint8Array, o: number): number => (LE ? h[o]! | (h[o + 1]! << 8) : (h[o]! << 8) | h[o + 1]!);
const wr16 = (h: Uint8Array, o: number, v: number): void => {
  if (LE) {
    h[o] = v & 0xff;
    h[o + 1] = v >>> 8;
  } else {
    h[o] = v >>> 8;
    h[o + 1] = v & 0xff;
  }
};

/** The header's gso_type and gso_size at `h[o..o+10)`. */
export function vnetGsoType(h: Uint8Array, o: number): number {
  return h[o + 1]!;
}
export function vnetGsoSize(h: Uint8Array, o: number): number {
  return rd16(h, o + 4);
}

/**
 * Payload bytes per segment for the TCP/IPv4 super-frame in `slot`: `gsoSize` (0: unknown) clamped to what
 * an `mtu`-byte IP packet with this frame's IP and TCP headers carries. 0 when the frame is not TCP/IPv4.
 */
export function gsoSegmentSize(pool: PacketPool, slot: number, gsoSize: number, mtu: number): number {
  const m = pool.meta;
  if (m.etherType[slot] !== 0x0800 || m.l4Proto[slot] !== 6 || (m.flags[slot]! & PktFlag.L4) === 0) return 0;
  const b = pool.bytes;
  const f = pool.frameOffset(slot);
  const ip = f + m.l3Off[slot]!;
  const ihl = (b[ip]! & 15) << 2;
  const doff = (b[f + m.l4Off[slot]! + 12]! >>> 4) << 2;
  const max = mtu - ihl - doff;
  if (max <= 0) return 0;
  return gsoSize > 0 && gsoSize < max ? gsoSize : max;
}

/**
 * Write the virtio_net_hdr for the frame in `slot` at `h[o..o+10)`: all zero for an ordinary frame; for a
 * GSO super-frame with segment size `mss`, NEEDS_CSUM + TCPV4 (ECN when CWR is set) and the TCP checksum
 * field turned back into the pseudo-header sum (what csum_start/csum_offset promise the kernel).
 */
export function fillVnetHdr(pool: PacketPool, slot: number, mss: number, h: Uint8Array, o: number): void {
  h.fill(0, o, o + VNET_HDR_LEN);
  const m = pool.meta;
  if ((m.flags[slot]! & PktFlag.GSO) === 0 || mss <= 0) return;
  const b = pool.bytes;
  const f = pool.frameOffset(slot);
  const l3 = m.l3Off[slot]!;
  const l4 = m.l4Off[slot]!;
  const ip = f + l3;
  const tl = (b[ip + 2]! << 8) | b[ip + 3]!;
  const doff = (b[f + l4 + 12]! >>> 4) << 2;
  const l4Len = tl - (l4 - l3);
  if (l4Len <= doff) return; // no payload: an ordinary frame after all
  const ps = csumFold(pseudoSum4(b, ip, 6, l4Len));
  b[f + l4 + 16] = ps >>> 8;
  b[f + l4 + 17] = ps & 0xff;
  h[o] = VnetFlag.NEEDS_CSUM;
  h[o + 1] = VnetGso.TCPV4 | ((b[f + l4 + 13]! & 0x80) !== 0 ? VnetGso.ECN : 0);
  wr16(h, o + 2, l4 + doff);
  wr16(h, o + 4, mss);
  wr16(h, o + 6, l4);
  wr16(h, o + 8, 16);
}

/**
 * Cut the TCP/IPv4 super-frame in `slot` into segments of at most `mss` payload bytes, each in a fresh slot
 * written to `out[at..]` (len/wireLen/outPort set; the super-frame's slot stays the caller's). Returns the
 * number of segments; 0 when the frame is not a TCP/IPv4 segment with payload (send it as it is); -1 when
 * the pool has fewer free slots than segments (nothing allocated).
 */
export function segmentTcp4(pool: PacketPool, slot: number, mss: number, out: Uint32Array, at: number): number {
  const m = pool.meta;
  if (mss <= 0 || m.etherType[slot] !== 0x0800 || m.l4Proto[slot] !== 6 || (m.flags[slot]! & PktFlag.L4) === 0) return 0;
  const b = pool.bytes;
  const f = pool.frameOffset(slot);
  const l3 = m.l3Off[slot]!;
  const l4 = m.l4Off[slot]!;
  const ip = f + l3;
  const tl = (b[ip + 2]! << 8) | b[ip + 3]!;
  const doff = (b[f + l4 + 12]! >>> 4) << 2;
  const hdr = l4 + doff; // Ethernet (and tags) + IP + TCP header bytes
  const payload = tl - (hdr - l3);
  if (payload <= 0 || f + l3 + tl > f + m.len[slot]!) return 0;
  const n = Math.ceil(payload / mss);
  if (n > pool.available || at + n > out.length) return -1;
  const id0 = (b[ip + 4]! << 8) | b[ip + 5]!;
  const tcp0 = f + l4;
  const seq0 = ((b[tcp0 + 4]! << 24) | (b[tcp0 + 5]! << 16) | (b[tcp0 + 6]! << 8) | b[tcp0 + 7]!) >>> 0;
  const tflags = b[tcp0 + 13]!;
  for (let i = 0; i < n; i++) {
    const s = pool.alloc();
    const d = pool.frameOffset(s);
    const chunk = i === n - 1 ? payload - i * mss : mss;
    b.copyWithin(d, f, f + hdr);
    b.copyWithin(d + hdr, f + hdr + i * mss, f + hdr + i * mss + chunk);
    const len = hdr + chunk;
    m.len[s] = len;
    m.wireLen[s] = len;
    m.outPort[s] = m.outPort[slot]!;
    const dip = d + l3;
    const segTl = hdr - l3 + chunk;
    b[dip + 2] = segTl >>> 8;
    b[dip + 3] = segTl & 0xff;
    const id = (id0 + i) & 0xffff;
    b[dip + 4] = id >>> 8;
    b[dip + 5] = id & 0xff;
    ipv4FillChecksum(b, dip);
    const t = d + l4;
    const seq = (seq0 + i * mss) >>> 0;
    b[t + 4] = seq >>> 24;
    b[t + 5] = (seq >>> 16) & 0xff;
    b[t + 6] = (seq >>> 8) & 0xff;
    b[t + 7] = seq & 0xff;
    let fl = tflags;
    if (i < n - 1) fl &= ~0x09; // FIN, PSH: last segment only
    if (i > 0) fl &= ~0x80; // CWR: first segment only
    b[t + 13] = fl;
    l4FillChecksum4(b, dip, t, doff + chunk, 6);
    out[at + i] = s;
  }
  return n;
}
