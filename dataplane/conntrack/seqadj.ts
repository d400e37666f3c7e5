/**
 * TCP sequence-number adjustment for connections whose payload a NAT helper resized (Linux nf_conntrack_seqadj,
 * used by nf_nat_ftp): when the FTP helper rewrites `PORT 192,168,88,10,4,1` into a text of another length,
 * every later segment of that direction must have its sequence number moved by the difference, and every
 * segment of the other direction its acknowledgement (and SACK blocks) moved back.
 *
 * Per direction, in the connection's helper extension (ConnTable.extOf, words 0-2 original, 3-5 reply):
 * `correction_pos` (the sequence number of the last resized segment), `offset_before` (the offset for
 * segments up to it) and `offset_after` (for segments after it), as Linux keeps them. The adjustment runs at
 * the confirm points (srcnat, nat-input), after the helper, on every segment of a connection with
 * CtStatus.SEQ_ADJUST — Linux's ipv4_confirm order. Window tracking (tcp-window.ts) corrects acks with
 * `seqOffset` because it sees segments before this adjustment.
 */
import { CtStatus, type ConnTable } from './table';
import { l4CsumReplace32 } from '../wire/checksum';
import { optFirst, optNext } from '../wire/tcp';

const after = (a: number, b: number): boolean => ((b - a) | 0) < 0;

function rd32(b: Uint8Array, o: number): number {
  return ((b[o]! << 24) | (b[o + 1]! << 16) | (b[o + 2]! << 8) | b[o + 3]!) >>> 0;
}
function wr32(b: Uint8Array, o: number, v: number): void {
  b[o] = v >>> 24;
  b[o + 1] = v >>> 16;
  b[o + 2] = v >>> 8;
  b[o + 3] = v;
}

/** The offset for a sequence number `seq` of direction `dir` (Linux nf_ct_seq_offset); 0 without seqadj. */
export function seqOffset(ct: ConnTable, id: number, dir: number, seq: number): number {
  if (!(ct.status[id]! & CtStatus.SEQ_ADJUST)) return 0;
  const w = ct.extWords;
  const x = ct.ext[id]! * 10 + dir * 3;
  return after(seq, w[x]! >>> 0) ? w[x + 2]! : w[x + 1]!;
}

/**
 * A segment of direction `dir` starting at `seq` grew by `off` bytes (negative: shrank): record it
 * (Linux nf_ct_seqadj_set).
 */
export function seqadjSet(ct: ConnTable, id: number, dir: number, seq: number, off: number): void {
  if (off === 0) return;
  const x = ct.extOf(id) + dir * 3;
  const w = ct.extWords;
  ct.status[id] = ct.status[id]! | CtStatus.SEQ_ADJUST;
  if (w[x + 1] === w[x + 2] || after(seq, w[x]! >>> 0)) {
    w[x] = seq | 0;
    w[x + 1] = w[x + 2]!;
    w[x + 2] = (w[x + 2]! + off) | 0;
  }
}

/**
 * Adjust the segment at `l4` (`segLen` bytes of TCP header and data) of direction `dir`: its sequence
 * number by this direction's offset, its ack and SACK blocks by the other's (Linux nf_ct_seq_adjust and
 * nf_ct_sack_adjust). The TCP checksum is patched incrementally.
 */
export function seqAdjust(ct: ConnTable, id: number, dir: number, b: Uint8Array, l4: number, segLen: number): void {
  const w = ct.extWords;
  const base = ct.ext[id]! * 10;
  if (base < 0) return;
  const me = base + dir * 3;
  const other = base + (dir ^ 1) * 3;
  const seq = rd32(b, l4 + 4);
  const seqoff = after(seq, w[me]! >>> 0) ? w[me + 2]! : w[me + 1]!;
  if (seqoff !== 0) {
    const ns = (seq + seqoff) >>> 0;
    wr32(b, l4 + 4, ns);
    l4CsumReplace32(b, l4, 6, seq, ns);
  }
  if (!(b[l4 + 13]! & 0x10)) return;
  const ack = rd32(b, l4 + 8);
  const ackoff = after((ack - w[other + 1]!) >>> 0, w[other]! >>> 0) ? w[other + 2]! : w[other + 1]!;
  if (ackoff !== 0) {
    const na = (ack - ackoff) >>> 0;
    wr32(b, l4 + 8, na);
    l4CsumReplace32(b, l4, 6, ack, na);
  }
  // SACK blocks acknowledge the other direction's (adjusted) numbers too.
  const doff = (b[l4 + 12]! >>> 4) << 2;
  if (doff <= 20 || doff > segLen) return;
  const end = l4 + doff;
  for (let o = optFirst(b, l4 + 20, end); o >= 0; o = optNext(b, o, end)) {
    const kind = b[o]!;
    const len = b[o + 1]!;
    if (kind === 5 && len >= 10 && (len - 2) % 8 === 0) {
      for (let k = o + 2; k < o + len; k += 4) {
        const v = rd32(b, k);
        const off = after((v - w[other + 1]!) >>> 0, w[other]! >>> 0) ? w[other + 2]! : w[other + 1]!;
        if (off !== 0) {
          const nv = (v - off) >>> 0;
          wr32(b, k, nv);
          l4CsumReplace32(b, l4, 6, v, nv);
        }
      }
    }
  }
}
