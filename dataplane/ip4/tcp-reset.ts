/**
 * The TCP reset the router sends for a segment to one of its addresses on a port nothing listens on, as
 * Linux's tcp_v4_send_reset builds it (RouterOS documents none of this: ROUTEROS-FLOW.md §5 "TCP gets RST",
 * the rest is Linux-derived and UNCONFIRMED for RouterOS).
 *
 * - Never in answer to a reset (RFC 793; Linux: `if (th->rst) return`).
 * - Ports swapped. If the segment had ACK: flags RST, sequence number = its acknowledgment number, no ACK.
 *   Otherwise: flags RST|ACK, sequence 0, acknowledgment = its sequence + SYN + FIN + data length (so a SYN
 *   is answered with ack = seq + 1). Window 0, no options, data offset 5.
 * - IP: 20-byte header, addresses swapped, TOS kept (Linux `arg.tos = ip_hdr(skb)->tos`), TTL 64
 *   (ip_default_ttl), DF set with identification 0 (the per-netns TCP control socket uses
 *   IP_PMTUDISC_DO and has no destination, so ip_select_ident leaves the ID 0).
 * - Ethernet: MACs swapped, the router's MAC (routerMacHi/Lo) as source when given; padded to 60 bytes
 *   (the NIC would pad the 54-byte frame).
 * The segment is checked first: a whole TCP header and a valid checksum (Linux drops a bad one silently,
 * TCP_MIB_CSUMERRORS). Broadcast/multicast destinations are the caller's business (Linux: no reset unless
 * the route is RTN_LOCAL).
 *
 * Works in place, like icmpEchoReplyInPlace: the slot becomes the reset (router-originated metadata:
 * inPort/outPort -1, marks 0), ready for routing-output. Returns 0, or a drop code with the slot untouched:
 * `tcp-truncated`, `tcp-bad-data-offset`, `l4-bad-checksum`, `tcp-no-listener` (it was a reset), or an
 * `ipv4-*` code for an unsound header. Allocates nothing.
 */
import type { PacketPool } from '../buf/pool';
import { PktFlag } from '../buf/meta';
import { Drop } from '../drop';
import { ipv4FillChecksum, l4ChecksumOk4, l4FillChecksum4 } from '../wire/checksum';
import { ICMP_TTL, answerEthernetInPlace, ipv4InSlotBad } from './icmp-gen';
import { setU32 } from '../wire/bytes';

/** TCP flag bits (byte 13 of the header). */
const FIN = 0x01;
const SYN = 0x02;
const RST = 0x04;
const ACK = 0x10;

export function tcpResetInPlace(pool: PacketPool, slot: number, routerMacHi: number = -1, routerMacLo: number = 0): number {
  if (!(slot >= 0 && slot < pool.slots)) return Drop.TCP_TRUNCATED;
  const m = pool.meta;
  const b = pool.bytes;
  const f = pool.frameOffset(slot);
  const bad = ipv4InSlotBad(pool, slot);
  if (bad !== 0) return bad;
  const l3 = m.l3Off[slot]!;
  const ip = f + l3;
  const hl = (b[ip]! & 15) << 2;
  const tl = (b[ip + 2]! << 8) | b[ip + 3]!;
  if (b[ip + 9] !== 6 || (((b[ip + 6]! & 0x3f) << 8) | b[ip + 7]!) !== 0) return Drop.TCP_TRUNCATED;
  const segLen = tl - hl;
  if (segLen < 20) return Drop.TCP_TRUNCATED;
  const th = ip + hl;
  const doff = (b[th + 12]! >>> 4) << 2;
  if (doff < 20) return Drop.TCP_BAD_DATA_OFFSET;
  if (doff > segLen) return Drop.TCP_TRUNCATED;
  if (!l4ChecksumOk4(b, ip, th, segLen, 6)) return Drop.L4_BAD_CHECKSUM;
  const flags = b[th + 13]!;
  if ((flags & RST) !== 0) return Drop.TCP_NO_LISTENER;

  const sport = (b[th] << 8) | b[th + 1]!;
  const dport = (b[th + 2]! << 8) | b[th + 3]!;
  const seq = ((b[th + 4]! << 24) | (b[th + 5]! << 16) | (b[th + 6]! << 8) | b[th + 7]!) >>> 0;
  const ackIn = ((b[th + 8]! << 24) | (b[th + 9]! << 16) | (b[th + 10]! << 8) | b[th + 11]!) >>> 0;
  let rseq = 0;
  let rack = 0;
  let rflags = RST;
  if ((flags & ACK) !== 0) rseq = ackIn;
  else {
    rflags = RST | ACK;
    rack = (seq + ((flags & SYN) !== 0 ? 1 : 0) + ((flags & FIN) !== 0 ? 1 : 0) + (segLen - doff)) >>> 0;
  }

  // IP header: 20 bytes, addresses swapped, TOS kept, DF, ID 0, TTL 64
  const src0 = b[ip + 12]!;
  const src1 = b[ip + 13]!;
  const src2 = b[ip + 14]!;
  const src3 = b[ip + 15]!;
  b[ip] = 0x45;
  b[ip + 2] = 0;
  b[ip + 3] = 40;
  b[ip + 4] = 0;
  b[ip + 5] = 0;
  b[ip + 6] = 0x40;
  b[ip + 7] = 0;
  b[ip + 8] = ICMP_TTL;
  b[ip + 12] = b[ip + 16]!;
  b[ip + 13] = b[ip + 17]!;
  b[ip + 14] = b[ip + 18]!;
  b[ip + 15] = b[ip + 19]!;
  b[ip + 16] = src0;
  b[ip + 17] = src1;
  b[ip + 18] = src2;
  b[ip + 19] = src3;
  ipv4FillChecksum(b, ip);
  // TCP header right after it
  tcpAnswerInPlace(pool, slot, dport, sport, rseq, rack, rflags, routerMacHi, routerMacLo);
  return 0;
}

/**
 * Finish a router-made TCP answer built in the slot of the segment it answers (reset, tarpit SYN/ACK): the
 * 20-byte IPv4 header is in place at the frame's l3 offset; this writes a bare TCP header after it (ports,
 * sequence, acknowledgment, flags, window 0, no options) with its checksum, turns the Ethernet header
 * around, pads the frame to 60 bytes, and gives the slot router-originated metadata.
 */
export function tcpAnswerInPlace(pool: PacketPool, slot: number, sport: number, dport: number, seq: number, ack: number, flags: number, routerMacHi: number, routerMacLo: number): void {
  const m = pool.meta;
  const b = pool.bytes;
  const f = pool.frameOffset(slot);
  const l3 = m.l3Off[slot]!;
  const ip = f + l3;
  const t = ip + 20;
  b[t] = sport >>> 8;
  b[t + 1] = sport;
  b[t + 2] = dport >>> 8;
  b[t + 3] = dport;
  setU32(b, t + 4, seq);
  setU32(b, t + 8, ack);
  b[t + 12] = 5 << 4;
  b[t + 13] = flags;
  b.fill(0, t + 14, t + 20); // window 0, checksum, urgent pointer
  l4FillChecksum4(b, ip, t, 20, 6);
  answerEthernetInPlace(pool, slot, routerMacHi, routerMacLo);
  let flen = l3 + 40;
  if (flen < 60) {
    b.fill(0, f + flen, f + 60);
    flen = 60;
  }
  m.len[slot] = flen;
  m.wireLen[slot] = flen;
  m.l3Len[slot] = 40;
  m.l4Off[slot] = l3 + 20;
  m.l4Proto[slot] = 6;
  m.flags[slot] = (m.flags[slot]! & ~(PktFlag.IP_OPTIONS | PktFlag.BROADCAST | PktFlag.MULTICAST | PktFlag.SNAPPED | PktFlag.FRAGMENT | PktFlag.LATER_FRAGMENT | PktFlag.GSO)) | PktFlag.IPV4 | PktFlag.L4;
  m.inPort[slot] = -1;
  m.outPort[slot] = -1;
  m.packetMark[slot] = 0;
  m.connMark[slot] = 0;
  m.routingMark[slot] = 0;
  m.drop[slot] = 0;
}
