/**
 * The TFTP helper (Linux nf_conntrack_tftp + nf_nat_tftp; RouterOS `/ip firewall service-port tftp`, port
 * 69). RFC 1350: a client sends a read (opcode 1) or write (2) request to the server's port 69; the server
 * answers from a new port of its own to the client's port — a different UDP connection, which plain
 * conntrack would call new (and a NAT would not know where to send). On a request the helper expects that
 * connection: from the server (the reply tuple's source, any port) to the address and port the request
 * came from on this side (the reply tuple's destination and destination port), UDP. The first connection
 * that fits is `related`, its connection-type `tftp`. Data and acks (opcodes 3, 4) and errors pass as they are.
 *
 * NAT (nf_nat_tftp → nf_nat_follow_master): when the request's connection is NATed the expected connection
 * is translated like its master's replies — source to the address the client sent to, destination to the
 * client's own address and port. No payload to rewrite (TFTP carries no addresses).
 *
 * Bounds as Linux's tftp expect policy: one expectation per request connection (a newer request replaces it),
 * 5 minutes to live. Runs at the confirm points after the headers are NATed, like ipv4_confirm.
 */
import { CtStatus, type ConnTable } from './table';

/** Linux nf_conntrack_tftp exp_policy timeout: 5 minutes. */
export const TFTP_EXPECT_TIMEOUT = 300;

/** A packet of TFTP connection `id` (UDP payload at `data`, `len` bytes): expect the server's answer on a request. */
export function tftpHelp(ct: ConnTable, id: number, b: Uint8Array, data: number, len: number, now: number): void {
  if (len < 2) return;
  const opcode = (b[data]! << 8) | b[data + 1]!;
  if (opcode !== 1 && opcode !== 2) return;
  const t = ct.tup;
  const o = id * 8;
  const e = ct.expect.add(ct, id, t[o + 4]!, t[o + 5]!, t[o + 6]! & 0xffff, 17, now, TFTP_EXPECT_TIMEOUT);
  if (ct.status[id]! & (CtStatus.SRCNAT | CtStatus.DSTNAT)) {
    const ex = ct.expect;
    ex.nat[e] = 1;
    // nf_nat_follow_master with exp->dir = reply: source → where the master's original direction went,
    // destination → the master's original source, port the one it sent from.
    ex.natSrc[e] = t[o + 1]!;
    ex.natDst[e] = t[o]!;
    ex.natPort[e] = t[o + 2]! >>> 16;
  }
}
