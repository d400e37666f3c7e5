/**
 * The FTP connection-tracking helper (`/ip firewall service-port ftp`, port 21, on by default): Linux
 * nf_conntrack_ftp and nf_nat_ftp, which RouterOS runs.
 *
 * A TCP connection whose server port (the reply tuple's source port, after dst-nat) is an ftp service port
 * gets the helper (flag h). On its established segments the helper looks at the payload when the segment
 * starts a line (the sequence number right after the last `\n` seen in that direction):
 * - client to server: `PORT h1,h2,h3,h4,p1,p2` (RFC 959) and `EPRT |1|a.b.c.d|port|` (RFC 2428);
 * - server to client: `227 ... (h1,h2,h3,h4,p1,p2)` (the first digits after "227 ", RFC 1123) and
 *   `229 ... (|||port|)`.
 * Keywords are matched case-insensitively at the start of the segment. The announced address must be the
 * sender's own (as the connection's tuple has it); otherwise nothing is expected (Linux `loose=0`). A found
 * command creates an expectation (expect.ts): from the other end (`tuple[!dir].src`) to the announced
 * address, any source port, the announced port — the data connection is then `related`.
 * A keyword cut short by the segment's end, or one not followed by a well-formed number list, drops the
 * segment (Linux does so to keep tracking exact): `conntrack-helper`.
 *
 * NAT (the control connection is NATed): the address written into the command becomes the one the other
 * end sees (`tuple[!dir].dst`), the port the same unless another expectation holds it (then the next free
 * one), the text is rewritten — `h1,h2,h3,h4,p1,p2`, `|1|a.b.c.d|port|`, `|||port|` — and the expectation
 * NATs the data connection back (nf_nat_follow_master). A text of another length changes the segment's
 * length: the IP total length and checksums are recomputed and the connection's sequence numbers adjusted
 * from then on (seqadj.ts), as Linux's nf_nat_mangle_tcp_packet does. A segment whose slot has no room to
 * grow is dropped (`conntrack-helper`).
 *
 * Simplification: Linux remembers the two latest "after newline" sequence numbers per direction; this keeps
 * the latest one. Other helpers (tftp, irc, sip, pptp, h323, rtsp) are not implemented yet: their
 * service-port rows are accepted and do nothing.
 */
import type { PacketPool } from '../buf/pool';
import { CtStatus, type ConnTable } from './table';
import { Expectations, FTP_EXPECT_TIMEOUT } from './expect';
import { seqadjSet } from './seqadj';
import { ipv4FillChecksum, l4FillChecksum4 } from '../wire/checksum';

/** Helper results. */
export const FtpResult = { OK: 0, DROP: 1 } as const;

const FTP_PORT = 0;
const FTP_EPRT = 1;
const FTP_PASV = 2;
const FTP_EPSV = 3;

function rd32(b: Uint8Array, o: number): number {
  return (b[o]! << 24) | (b[o + 1]! << 16) | (b[o + 2]! << 8) | b[o + 3]!;
}
function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}
/** ASCII case-insensitive compare of `pat` (upper case) with the bytes at `o`. */
function startsWithCi(b: Uint8Array, o: number, n: number, pat: string): boolean {
  for (let k = 0; k < n; k++) {
    let c = b[o + k]!;
    if (c >= 97 && c <= 122) c -= 32;
    if (c !== pat.charCodeAt(k)) return false;
  }
  return true;
}

/** The FTP helper of one router's connection tracking (scratch state only; no per-packet allocation). */
export class FtpHelper {
  /** Parsed command: address (int32), port, and where its text lies in the payload (absolute offset, length). */
  private addr = 0;
  private port = 0;
  private numOff = 0;
  private numLen = 0;
  /** Bytes of the replacement text. */
  private readonly text = new Uint8Array(64);
  /** Commands seen, expectations made, segments rewritten. */
  commands = 0;
  rewritten = 0;

  constructor(readonly expect: Expectations) {}

  /**
   * A segment of helper connection `id` travelling in `dir` at a confirm point (after its headers were
   * NATed). `established`: conntrack classified it established (the helper looks only at those). Returns an
   * FtpResult.
   */
  process(ct: ConnTable, id: number, dir: number, established: boolean, pool: PacketPool, slot: number, ip: number, l4: number, now: number): number {
    if (!established) return FtpResult.OK;
    const b = pool.bytes;
    const tl = (b[ip + 2]! << 8) | b[ip + 3]!;
    const ihl = (b[ip]! & 15) << 2;
    const segLen = tl - ihl;
    const doff = (b[l4 + 12]! >>> 4) << 2;
    const dataLen = segLen - doff;
    if (doff < 20 || dataLen <= 0) return FtpResult.OK;
    const data = l4 + doff;
    const seq = rd32(b, l4 + 4);
    const x = ct.extOf(id);
    const w = ct.extWords;
    const endsNl = b[data + dataLen - 1] === 10;
    const nlValid = (w[x + 8]! >>> dir) & 1;
    let result: number = FtpResult.OK;
    if (!nlValid || w[x + 6 + dir] === seq) {
      let found = 0;
      let type = 0;
      if (dir === 0) {
        found = this.find(b, data, dataLen, 'PORT', 32, 13, FTP_PORT);
        type = FTP_PORT;
        if (found === 0) {
          found = this.find(b, data, dataLen, 'EPRT', 32, 13, FTP_EPRT);
          type = FTP_EPRT;
        }
      } else {
        found = this.find(b, data, dataLen, '227 ', 0, 0, FTP_PASV);
        type = FTP_PASV;
        if (found === 0) {
          found = this.find(b, data, dataLen, '229 ', 40, 41, FTP_EPSV);
          type = FTP_EPSV;
        }
      }
      if (found < 0) result = FtpResult.DROP;
      else if (found > 0) result = this.announce(ct, id, dir, type, pool, slot, ip, l4, seq, now);
    }
    if (result === FtpResult.OK && endsNl) {
      // The next line starts after this segment (its number before any rewrite: the helper runs before the
      // sequence adjustment, as in Linux).
      const nl = (seq + dataLen) | 0;
      if (!nlValid || ((nl - w[x + 6 + dir]!) | 0) > 0) w[x + 6 + dir] = nl;
      w[x + 8] = w[x + 8]! | (1 << dir);
    }
    return result;
  }

  /**
   * Linux find_pattern: 1 found (fields set), 0 not this command, -1 cut short or malformed. `skip`: the
   * character after which the numbers start (0: right after the keyword); `term`: what ends them (0: any).
   */
  private find(b: Uint8Array, data: number, dlen: number, pat: string, skip: number, term: number, type: number): number {
    const plen = pat.length;
    if (dlen <= plen) return startsWithCi(b, data, dlen, pat) ? -1 : 0;
    if (!startsWithCi(b, data, plen, pat)) return 0;
    let i = plen;
    if (skip !== 0) {
      while (b[data + i] !== skip) {
        if (i === dlen - 1) return -1;
        i++;
      }
      i++;
    }
    // The default address is the sender's (EPSV carries none): set by announce from the tuple.
    this.addr = 0;
    this.port = 0;
    let n = 0;
    if (type === FTP_PASV) {
      // The first digit after "227 ".
      let k = i;
      while (k < dlen && !isDigit(b[data + k]!)) k++;
      if (k === dlen) return -1;
      i = k;
      n = this.rfc959(b, data + i, dlen - i, 0);
    } else if (type === FTP_PORT) n = this.rfc959(b, data + i, dlen - i, term);
    else if (type === FTP_EPRT) n = this.eprt(b, data + i, dlen - i);
    else n = this.epsv(b, data + i, dlen - i);
    if (n === 0) return -1;
    this.numOff = data + i;
    this.numLen = n;
    return 1;
  }

  /** `h1,h2,h3,h4,p1,p2` up to `term` (0: any other character): its length, or 0 (Linux try_rfc959). */
  private rfc959(b: Uint8Array, o: number, dlen: number, term: number): number {
    let a0 = 0;
    let a1 = 0;
    let a2 = 0;
    let a3 = 0;
    let p0 = 0;
    let p1 = 0;
    let idx = 0;
    for (let len = 0; len < dlen; len++) {
      const c = b[o + len]!;
      if (isDigit(c)) {
        const d = c - 48;
        if (idx === 0) a0 = (a0 * 10 + d) >>> 0;
        else if (idx === 1) a1 = (a1 * 10 + d) >>> 0;
        else if (idx === 2) a2 = (a2 * 10 + d) >>> 0;
        else if (idx === 3) a3 = (a3 * 10 + d) >>> 0;
        else if (idx === 4) p0 = (p0 * 10 + d) >>> 0;
        else p1 = (p1 * 10 + d) >>> 0;
      } else if (c === 44 /* , */) {
        idx++;
        if (idx >= 6) return 0;
      } else {
        if ((c === term || term === 0) && idx === 5) {
          this.addr = ((a0 & 255) << 24) | ((a1 & 255) << 16) | ((a2 & 255) << 8) | (a3 & 255);
          this.port = ((p0 << 8) | p1) & 0xffff;
          return len;
        }
        return 0;
      }
    }
    return 0;
  }

  /** `|1|a.b.c.d|port|` (Linux try_eprt): its length including the last delimiter, or 0. */
  private eprt(b: Uint8Array, o: number, dlen: number): number {
    if (dlen <= 3) return 0;
    const delim = b[o]!;
    if (isDigit(delim) || delim < 33 || delim > 126 || b[o + 2] !== delim || b[o + 1] !== 49 /* 1 */) return 0;
    let a = 0;
    let part = 0;
    let idx = 0;
    let len = 3;
    for (; len < dlen; len++) {
      const c = b[o + len]!;
      if (isDigit(c)) part = (part * 10 + c - 48) >>> 0;
      else if (c === 46 /* . */) {
        a = (a << 8) | (part & 255);
        part = 0;
        idx++;
        if (idx >= 4) return 0;
      } else if (c === delim && idx === 3) {
        a = (a << 8) | (part & 255);
        break;
      } else return 0;
    }
    if (len >= dlen) return 0;
    this.addr = a;
    return this.getPort(b, o, len + 1, dlen, delim);
  }

  /** `|||port|` (Linux try_epsv_response). */
  private epsv(b: Uint8Array, o: number, dlen: number): number {
    if (dlen <= 3) return 0;
    const delim = b[o]!;
    if (isDigit(delim) || delim < 33 || delim > 126 || b[o + 1] !== delim || b[o + 2] !== delim) return 0;
    return this.getPort(b, o, 3, dlen, delim);
  }

  private getPort(b: Uint8Array, o: number, start: number, dlen: number, delim: number): number {
    let p = 0;
    for (let i = start; i < dlen; i++) {
      const c = b[o + i]!;
      if (c === delim) {
        if (p === 0) return 0;
        this.port = p & 0xffff;
        return i + 1;
      }
      if (!isDigit(c)) return 0;
      p = p * 10 + c - 48;
    }
    return 0;
  }

  /** A command was found: expect the data connection, rewriting the command when the connection is NATed. */
  private announce(ct: ConnTable, id: number, dir: number, type: number, pool: PacketPool, slot: number, ip: number, l4: number, seq: number, now: number): number {
    const t = ct.tup;
    const me = (id * 2 + dir) * 4;
    const other = (id * 2 + (dir ^ 1)) * 4;
    // EPSV has no address: it is the sender's.
    if (type === FTP_EPSV) this.addr = t[me]!;
    this.commands++;
    // The sender must announce its own address (Linux loose=0): else no expectation.
    if (this.addr !== t[me]) return FtpResult.OK;
    const src = t[other]!;
    const dst = t[other + 1]!;
    const ex = this.expect;
    if (!(ct.status[id]! & (CtStatus.SRCNAT | CtStatus.DSTNAT))) {
      ex.add(ct, id, src, dst, this.port, 6, now, FTP_EXPECT_TIMEOUT);
      return FtpResult.OK;
    }
    // NAT: the other end will connect to what it sees of us (tuple[!dir].dst), on a free port near ours.
    let port = this.port;
    while (port <= 65535 && ex.has(src, dst, port, 6, now)) port++;
    if (port > 65535) return FtpResult.DROP;
    const n = this.format(type, dst, port);
    if (!this.mangle(ct, id, dir, pool, slot, ip, l4, seq, n)) return FtpResult.DROP;
    const e = ex.add(ct, id, src, dst, port, 6, now, FTP_EXPECT_TIMEOUT);
    // The data connection comes in direction !dir of the master: NAT its source to where the master's
    // packets in that direction go, its destination to where they come from (our side before NAT).
    ex.nat[e] = 1;
    ex.natSrc[e] = t[me + 1]!;
    ex.natDst[e] = t[me]!;
    ex.natPort[e] = this.port;
    return FtpResult.OK;
  }

  /** The replacement text into `this.text`; returns its length (Linux nf_nat_ftp_fmt_cmd). */
  private format(type: number, addr: number, port: number): number {
    let s: string;
    if (type === FTP_PORT || type === FTP_PASV) s = `${addr >>> 24},${(addr >>> 16) & 255},${(addr >>> 8) & 255},${addr & 255},${port >>> 8},${port & 255}`;
    else if (type === FTP_EPRT) s = `|1|${addr >>> 24}.${(addr >>> 16) & 255}.${(addr >>> 8) & 255}.${addr & 255}|${port}|`;
    else s = `|||${port}|`;
    for (let k = 0; k < s.length; k++) this.text[k] = s.charCodeAt(k);
    return s.length;
  }

  /** Replace the command's numbers with `this.text[0..n)`, resizing the packet (nf_nat_mangle_tcp_packet). */
  private mangle(ct: ConnTable, id: number, dir: number, pool: PacketPool, slot: number, ip: number, l4: number, seq: number, n: number): boolean {
    const b = pool.bytes;
    const m = pool.meta;
    const at = this.numOff;
    const old = this.numLen;
    const delta = n - old;
    const tl = (b[ip + 2]! << 8) | b[ip + 3]!;
    const ipEnd = ip + tl;
    const frame = pool.frameOffset(slot);
    if (delta !== 0) {
      if (ipEnd + delta > slot * pool.slotSize + pool.slotSize || tl + delta > 65535) return false;
      b.copyWithin(at + n, at + old, ipEnd);
    }
    let same = delta === 0;
    for (let k = 0; k < n; k++) {
      if (b[at + k] !== this.text[k]) same = false;
      b[at + k] = this.text[k]!;
    }
    if (same) return true;
    const ntl = tl + delta;
    b[ip + 2] = ntl >>> 8;
    b[ip + 3] = ntl;
    ipv4FillChecksum(b, ip);
    const ihl = (b[ip]! & 15) << 2;
    l4FillChecksum4(b, ip, l4, ntl - ihl, 6);
    if (delta !== 0) {
      const len = ipEnd + delta - frame;
      m.len[slot] = len;
      m.wireLen[slot] = len;
      m.l3Len[slot] = ntl;
      seqadjSet(ct, id, dir, seq, delta);
    }
    this.rewritten++;
    return true;
  }
}
