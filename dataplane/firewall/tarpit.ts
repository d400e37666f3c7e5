/**
 * action=tarpit (filter): "answer a SYN with a SYN/ACK and hold the connection" (ROUTEROS-FLOW.md §2). The
 * packet shape follows Linux xt_TARPIT (xtables-addons), which RouterOS's action mirrors; the details are
 * Linux-derived and UNCONFIRMED for RouterOS:
 *
 * - Only a SYN without ACK, RST or FIN is answered; every other TCP segment (and anything not TCP) is just
 *   dropped — so the client, whose handshake "succeeded", is left holding a connection that never moves.
 * - The answer is a SYN/ACK from the SYN's destination: ports swapped, sequence 0, acknowledgment = the
 *   SYN's sequence + 1 + its data length, window 0 (the original TARPIT; newer xt_TARPIT versions advertise a
 *   tiny non-zero window so stacks do not reset), no options, data offset 5.
 * - IP: 20-byte header, addresses swapped, TOS kept, DF set, identification = the SYN's negated + 1 (as
 *   xt_TARPIT writes it), TTL 64.
 * - Ethernet: MACs swapped, the router's MAC as source when given; padded to 60 bytes.
 *
 * Works in place (the slot becomes the SYN/ACK, router-originated metadata, ready for routing-output), like
 * ip4/tcp-reset.ts. Returns true when the answer was made; false (slot untouched) when the segment is not an
 * answerable SYN or is unsound (short, bad offsets, bad checksum). Allocates nothing.
 */
import type { PacketPool } from '../buf/pool';
import { ipv4InSlotBad } from '../ip4/icmp-gen';
import { tcpAnswerInPlace } from '../ip4/tcp-reset';
import { ipv4FillChecksum, l4ChecksumOk4 } from '../wire/checksum';

export function tarpitSynAckInPlace(pool: PacketPool, slot: number, routerMacHi = -1, routerMacLo = 0): boolean {
  const m = pool.meta;
  const b = pool.bytes;
  const f = pool.frameOffset(slot);
  if (ipv4InSlotBad(pool, slot) !== 0) return false;
  const l3 = m.l3Off[slot]!;
  const ip = f + l3;
  const hl = (b[ip]! & 15) << 2;
  const tl = (b[ip + 2]! << 8) | b[ip + 3]!;
  if (b[ip + 9] !== 6 || tl < hl + 20 || (((b[ip + 6]! & 0x3f) << 8) | b[ip + 7]!) !== 0) return false;
  const th = ip + hl;
  const segLen = tl - hl;
  const doff = (b[th + 12]! >>> 4) << 2;
  if (doff < 20 || doff > segLen) return false;
  if ((b[th + 13]! & 0x17) !== 0x02) return false; // SYN only (no ACK, RST, FIN)
  if (!l4ChecksumOk4(b, ip, th, segLen, 6)) return false;
  const sport = (b[th]! << 8) | b[th + 1]!;
  const dport = (b[th + 2]! << 8) | b[th + 3]!;
  const seq = ((b[th + 4]! << 24) | (b[th + 5]! << 16) | (b[th + 6]! << 8) | b[th + 7]!) >>> 0;
  const ack = (seq + 1 + (segLen - doff)) >>> 0;
  const id = (~((b[ip + 4]! << 8) | b[ip + 5]!) + 1) & 0xffff;
  for (let i = 0; i < 4; i++) {
    const x = b[ip + 12 + i]!;
    b[ip + 12 + i] = b[ip + 16 + i]!;
    b[ip + 16 + i] = x;
  }
  b[ip] = 0x45;
  b[ip + 2] = 0;
  b[ip + 3] = 40;
  b[ip + 4] = id >>> 8;
  b[ip + 5] = id;
  b[ip + 6] = 0x40;
  b[ip + 7] = 0;
  b[ip + 8] = 64;
  ipv4FillChecksum(b, ip);
  tcpAnswerInPlace(pool, slot, dport, sport, 0, ack, 0x12 /* SYN, ACK */, routerMacHi, routerMacLo);
  return true;
}
