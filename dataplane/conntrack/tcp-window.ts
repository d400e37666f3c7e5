/**
 * TCP connection tracking per segment: Linux nf_conntrack_proto_tcp's `nf_conntrack_tcp_packet` and
 * `tcp_in_window`, which RouterOS runs. tcp-state.ts has the state table; this file adds what decides
 * whether a segment fits the connection (window tracking), the special cases around the table (reopening a
 * closed connection, the SYN/ACK of an ignored SYN, challenge ACKs, RST validity), the timeout a segment
 * leaves the connection with, and the retransmission counter.
 *
 * ## Per-connection words (`ConnTable.track`, TRACK_WORDS per entry)
 * Per direction d (0 original, 1 reply) at `id * TRACK_WORDS + d * 5` — Linux `struct ip_ct_tcp_state`:
 *   +0 td_end    highest sequence number sent + length,
 *   +1 td_maxend highest sequence number the other side allowed (its ack + window),
 *   +2 td_maxwin largest window seen (scaled),
 *   +3 td_maxack highest ack sent,
 *   +4 td_scale (bits 0-7) | the "seen" flags (bits 8-15, TF below).
 * Then per connection (Linux `struct ip_ct_tcp` last_*): +10 last_seq, +11 last_ack, +12 last_end,
 * +13 last_win (bits 0-15) | last_dir (bit 16) | last_index (bits 17-19) | retrans (bits 20-27),
 * +14 last_wscale (bits 0-7) | last_flags (bits 8-15), +15 unused.
 *
 * ## Window tracking (tcp_in_window, as in Linux 6.x)
 * A segment [seq, end) with ack/sack and window is in window when
 *   I.   seq <= sender.td_maxend          (not beyond what the receiver allowed),
 *   II.  sack <= receiver.td_end          (does not ack data never sent),
 *   III. end > sender.td_end - receiver.td_maxwin (not older than one window: else ignored, not invalid),
 *   IV.  sack > receiver.td_end - max(sender.td_maxwin, 66000) (ack not too old: else ignored).
 * I failing with the rest fine and at most a window too much is "more bytes than allowed" — ignored, and
 * td_end moves so the peer's ack of it is accepted later. Failing I (otherwise) or II is invalid; III or IV
 * ignored (the segment passes as part of the connection but changes nothing). Window scale comes from the
 * SYN and SYN/ACK (both must carry the option, RFC 1323); SACK blocks count as acks when the receiver
 * offered SACK-permitted. Acks are corrected by the sequence adjustment NAT helpers made (seqadj.ts).
 *
 * `liberal-tcp-tracking=yes` (Linux `nf_conntrack_tcp_be_liberal`) and connections picked up mid-stream
 * (loose-tcp-tracking; Linux sets the per-direction BE_LIBERAL flag for them, and so does this) accept every
 * segment the window checks would refuse, without updating the window. The RST check below is outside the
 * window checks, so an out-of-window RST stays invalid in liberal mode — RouterOS's "only out-of-window RST
 * is invalid".
 *
 * ## RST
 * A RST whose sequence number is below the highest ack the other side sent (td_maxack) is invalid
 * (Linux's "invalid rst"); one that is in window but not exactly at td_maxack keeps an established
 * connection's state (a challenge ACK may follow); a RST answering a SYN we let through closes.
 *
 * ## Timeouts
 * After an accepted segment the connection's timeout is the state's, except: after `TCP_MAX_RETRANS` (3)
 * identical retransmissions, or while the last window was 0, at most tcp-max-retrans-timeout; while a
 * direction has data not yet acknowledged, at most tcp-unacked-timeout; a RST gives tcp-close-timeout;
 * a connection that never saw a reply is capped at tcp-unacked-timeout in ESTABLISHED (a picked-up one),
 * keeps its timeout on a SYN retransmission, and is removed at once by a RST.
 */
import { CtStatus, TRACK_WORDS, type ConnTable } from './table';
import { Tcp, TcpIn, tcpInput, tcpNext } from './tcp-state';
import { seqOffset } from './seqadj';
import { optFirst, optNext } from '../wire/tcp';

export { TRACK_WORDS };

/** Per-direction "seen" flags (bits of word +4 >> 8): Linux IP_CT_TCP_FLAG_*. */
export const TF = {
  WINDOW_SCALE: 0x01,
  SACK_PERM: 0x02,
  CLOSE_INIT: 0x04,
  BE_LIBERAL: 0x08,
  DATA_UNACKNOWLEDGED: 0x10,
  MAXACK_SET: 0x20,
} as const;
/** last_flags bits. */
const LF_CHALLENGE_ACK = 0x40;
const LF_SIMULTANEOUS_OPEN = 0x80;

/** Linux MAXACKWINCONST. */
const MAXACKWINCONST = 66000;
/** Linux nf_conntrack_tcp_max_retrans. */
export const TCP_MAX_RETRANS = 3;

/** What the segment does to its connection. */
export const TcpVerdict = {
  /** In window: state and timeout updated (`TcpTracker.timeout`). */
  ACCEPT: 0,
  /** Passes as part of the connection, changes nothing (no refresh, no counters). */
  IGNORE: 1,
  /** Does not fit: state invalid, entry unchanged. */
  INVALID: 2,
  /** Reopens a closed connection: remove the entry and track the segment as a new connection. */
  REOPEN: 3,
  /** The first reply is a RST: the entry is removed; the RST passes as established. */
  KILL: 4,
} as const;

/** Timeouts tcp-window uses besides the per-state ones (seconds). */
export interface TcpWindowSettings {
  readonly tcpTimeouts: Float64Array;
  readonly tcpMaxRetransTimeout: number;
  readonly tcpUnackedTimeout: number;
  readonly liberalTcp: boolean;
}

const before = (a: number, b: number): boolean => ((a - b) | 0) < 0;
const after = (a: number, b: number): boolean => ((b - a) | 0) < 0;

function rd32(b: Uint8Array, o: number): number {
  return ((b[o]! << 24) | (b[o + 1]! << 16) | (b[o + 2]! << 8) | b[o + 3]!) >>> 0;
}

/** Window scale (kind 3) and SACK-permitted (kind 4) of a SYN: `scale | flags << 8` (Linux tcp_options). */
export function tcpSynOptions(b: Uint8Array, l4: number, doff: number): number {
  let scale = 0;
  let flags = 0;
  const end = l4 + doff;
  for (let o = optFirst(b, l4 + 20, end); o >= 0; o = optNext(b, o, end)) {
    const kind = b[o]!;
    const len = b[o + 1]!;
    if (kind === 4 && len === 2) flags |= TF.SACK_PERM;
    else if (kind === 3 && len === 3) {
      scale = Math.min(b[o + 2]!, 14);
      flags |= TF.WINDOW_SCALE;
    }
  }
  return scale | (flags << 8);
}

/** The highest right edge among the SACK blocks (kind 5) of a segment, or `sack` (Linux tcp_sack). */
export function tcpSackEdge(b: Uint8Array, l4: number, doff: number, sack: number): number {
  const end = l4 + doff;
  for (let o = optFirst(b, l4 + 20, end); o >= 0; o = optNext(b, o, end)) {
    const kind = b[o]!;
    const len = b[o + 1]!;
    if (kind === 5 && len >= 10 && (len - 2) % 8 === 0) {
      for (let k = o + 2; k < o + len; k += 8) {
        const edge = rd32(b, k + 4);
        if (after(edge, sack)) sack = edge;
      }
    }
  }
  return sack;
}

/**
 * Tracks TCP segments against their connection. One per conntrack stage (holds the last result's timeout,
 * no per-packet allocation).
 */
export class TcpTracker {
  /** The timeout (seconds) an ACCEPT leaves the connection with; NaN: keep the current one. */
  timeout = 0;
  /** Why the last segment was invalid or ignored (Linux's log text, for traces and tests). */
  reason = '';

  /**
   * Initialise a new connection's tracking from its first segment (Linux tcp_new). `state` is what
   * tcpOpens decided (SYN_SENT or ESTABLISHED for a picked-up connection).
   */
  open(ct: ConnTable, id: number, b: Uint8Array, l4: number, segLen: number, state: number): void {
    const tr = ct.track;
    const base = id * TRACK_WORDS;
    tr.fill(0, base, base + TRACK_WORDS);
    const doff = (b[l4 + 12]! >>> 4) << 2;
    const seq = rd32(b, l4 + 4);
    const fl = b[l4 + 13]!;
    const end = (seq + segLen - doff + (fl & 0x02 ? 1 : 0) + (fl & 0x01 ? 1 : 0)) >>> 0;
    let win = (b[l4 + 14]! << 8) | b[l4 + 15]!;
    if (win === 0) win = 1;
    tr[base] = end;
    tr[base + 2] = win;
    if (state === Tcp.SYN_SENT) {
      tr[base + 1] = end;
      tr[base + 4] = doff > 20 && doff <= segLen ? tcpSynOptions(b, l4, doff) : 0;
    } else {
      tr[base + 1] = (end + win) >>> 0;
      // Picked up mid-stream: SACK assumed, liberal windows (the scale is unknown).
      tr[base + 4] = (TF.SACK_PERM | TF.BE_LIBERAL) << 8;
      tr[base + 5 + 4] = (TF.SACK_PERM | TF.BE_LIBERAL) << 8;
    }
    // last_index = none (TcpIn.NONE).
    tr[base + 13] = TcpIn.NONE << 17;
  }

  /**
   * A segment of connection `id` travelling in `dir`: update state and windows. `segLen` = IP payload
   * length (TCP header + data). Returns a TcpVerdict; on ACCEPT `this.timeout` is the new timeout.
   */
  segment(ct: ConnTable, id: number, dir: number, b: Uint8Array, l4: number, segLen: number, s: TcpWindowSettings): number {
    const tr = ct.track;
    const base = id * TRACK_WORDS;
    const fl = b[l4 + 13]!;
    const index = tcpInput(fl);
    const oldState = ct.pstate[id]!;
    let newState = tcpNext(dir, fl, oldState);
    const seqRaw = rd32(b, l4 + 4);
    const ackRaw = rd32(b, l4 + 8);
    const winRaw = (b[l4 + 14]! << 8) | b[l4 + 15]!;
    const doff = (b[l4 + 12]! >>> 4) << 2;
    const lw = tr[base + 13]!;
    const lastDir = (lw >>> 16) & 1;
    const lastIndex = (lw >>> 17) & 7;
    const status = ct.status[id]!;
    this.reason = '';
    let skipWindow = false;
    {
      switch (newState) {
        case Tcp.SYN_SENT:
          if (oldState < Tcp.TIME_WAIT) break;
          // Reopening a closed connection (or one the client aborted with a RST): start again.
          if (((tr[base + 4]! | tr[base + 9]!) >>> 8) & TF.CLOSE_INIT || (lastDir === dir && lastIndex === TcpIn.RST)) return TcpVerdict.REOPEN;
          if (this.ignored(tr, base, dir, index, b, l4, segLen, doff, seqRaw, ackRaw, winRaw, oldState, lw, lastDir, lastIndex)) return TcpVerdict.IGNORE;
          newState = Tcp.SYN_RECV;
          break;
        case Tcp.IG:
          if (this.ignored(tr, base, dir, index, b, l4, segLen, doff, seqRaw, ackRaw, winRaw, oldState, lw, lastDir, lastIndex)) return TcpVerdict.IGNORE;
          newState = Tcp.SYN_RECV;
          break;
        case Tcp.IV:
          this.reason = 'invalid in this state';
          return TcpVerdict.INVALID;
        case Tcp.TIME_WAIT:
          if (oldState === Tcp.LAST_ACK && index === TcpIn.ACK && lastDir !== dir && lastIndex === TcpIn.SYN && (tr[base + 14]! >>> 8) & LF_CHALLENGE_ACK) {
            tr[base + 14] = tr[base + 14]! & ~(LF_CHALLENGE_ACK << 8);
            this.reason = 'challenge ack ignored';
            return TcpVerdict.IGNORE;
          }
          break;
        case Tcp.SYN_SENT2:
          tr[base + 14] = tr[base + 14]! | (LF_SIMULTANEOUS_OPEN << 8);
          break;
        case Tcp.SYN_RECV:
          if (dir === 1 && index === TcpIn.ACK && (tr[base + 14]! >>> 8) & LF_SIMULTANEOUS_OPEN) newState = Tcp.ESTABLISHED;
          break;
        case Tcp.CLOSE: {
          if (index !== TcpIn.RST) break;
          const other = base + (dir ^ 1) * 5;
          if ((tr[other + 4]! >>> 8) & TF.MAXACK_SET && lastIndex !== TcpIn.SYN) {
            const established = oldState === Tcp.ESTABLISHED;
            if (!(seqRaw === 0 && !established)) {
              if (before(seqRaw, tr[other + 3]!)) {
                this.reason = 'invalid rst';
                return TcpVerdict.INVALID;
              }
              if (established && seqRaw !== tr[other + 3] && !(lastIndex === TcpIn.ACK && lastDir === dir && seqRaw === tr[base + 12])) {
                // In window but not exactly where expected: keep the state for a challenge ACK.
                newState = oldState;
              }
            }
          }
          if ((((status & CtStatus.SEEN_REPLY) !== 0 && lastIndex === TcpIn.SYN) || ((status & CtStatus.ASSURED) === 0 && lastIndex === TcpIn.ACK)) && ackRaw === tr[base + 12]) {
            // RST answering a SYN or ACK we let through: skip the window check.
            skipWindow = true;
          } else if (oldState === Tcp.SYN_SENT && lastIndex === TcpIn.ACK && lastDir === 1 && seqRaw === tr[base + 11]) {
            skipWindow = true;
          }
          break;
        }
        default:
          break;
      }
    }
    if (!skipWindow) {
      const v = this.inWindow(ct, id, dir, index, b, l4, segLen, doff, seqRaw, ackRaw, winRaw, oldState, s.liberalTcp);
      if (v !== TcpVerdict.ACCEPT) return v;
    }
    // In window.
    let w13 = tr[base + 13]!;
    w13 = (w13 & ~((1 << 16) | (7 << 17))) | (dir << 16) | (index << 17);
    tr[base + 13] = w13;
    ct.pstate[id] = newState;
    if (oldState !== newState && newState === Tcp.FIN_WAIT) tr[base + dir * 5 + 4] = tr[base + dir * 5 + 4]! | (TF.CLOSE_INIT << 8);
    const tt = s.tcpTimeouts;
    const retrans = (w13 >>> 20) & 0xff;
    let timeout: number;
    if (retrans >= TCP_MAX_RETRANS && tt[newState]! > s.tcpMaxRetransTimeout) timeout = s.tcpMaxRetransTimeout;
    else if (index === TcpIn.RST) timeout = tt[Tcp.CLOSE]!;
    else if (((tr[base + 4]! | tr[base + 9]!) >>> 8) & TF.DATA_UNACKNOWLEDGED && tt[newState]! > s.tcpUnackedTimeout) timeout = s.tcpUnackedTimeout;
    else if ((w13 & 0xffff) === 0 && tt[newState]! > s.tcpMaxRetransTimeout) timeout = s.tcpMaxRetransTimeout;
    else timeout = tt[newState]!;
    if (!(status & CtStatus.SEEN_REPLY)) {
      // (The conntrack stage sets seen-reply after this, as Linux does after the protocol handler.)
      if (index === TcpIn.RST) return TcpVerdict.KILL;
      if (index === TcpIn.SYN && oldState === Tcp.SYN_SENT) {
        this.timeout = NaN; // a SYN retransmission does not renew the timeout
        return TcpVerdict.ACCEPT;
      }
      // Picked up mid-stream and no reply yet: no long ESTABLISHED timeout.
      if (newState === Tcp.ESTABLISHED && timeout > s.tcpUnackedTimeout) timeout = s.tcpUnackedTimeout;
    } else if (!(status & CtStatus.ASSURED) && (oldState === Tcp.SYN_RECV || oldState === Tcp.ESTABLISHED) && newState === Tcp.ESTABLISHED) {
      ct.status[id] = status | CtStatus.ASSURED;
    }
    this.timeout = timeout;
    return TcpVerdict.ACCEPT;
  }

  /**
   * A segment the state table ignores (or a SYN on a closed connection): remember it (last_*), so a SYN/ACK
   * answering an ignored SYN can resynchronise. True: ignore it; false: it is that SYN/ACK (state SYN_RECV,
   * the SYN's values taken), go on to the window check.
   */
  private ignored(tr: Uint32Array, base: number, dir: number, index: number, b: Uint8Array, l4: number, segLen: number, doff: number, seqRaw: number, ackRaw: number, winRaw: number, oldState: number, lw: number, lastDir: number, lastIndex: number): boolean {
    const fl = b[l4 + 13]!;
    if (index === TcpIn.SYNACK && lastIndex === TcpIn.SYN && lastDir !== dir && ackRaw === tr[base + 12]) {
      // This SYN/ACK answers a SYN we ignored: the ends are in sync and we are not; take the SYN's values.
      const ld = lastDir * 5;
      const lastEnd = tr[base + 12]!;
      const lastWin = tr[base + 13]! & 0xffff;
      const lf = (tr[base + 14]! >>> 8) & ~LF_CHALLENGE_ACK & 0xff;
      tr[base + ld] = lastEnd;
      tr[base + ld + 1] = lastEnd;
      tr[base + ld + 2] = lastWin === 0 ? 1 : lastWin;
      tr[base + ld + 4] = (tr[base + 14]! & 0xff) | ((lf & (TF.WINDOW_SCALE | TF.SACK_PERM)) << 8);
      tr[base + 14] = (tr[base + 14]! & 0xff) | (lf << 8);
      return false;
    }
    const end = (seqRaw + segLen - doff + (fl & 0x02 ? 1 : 0) + (fl & 0x01 ? 1 : 0)) >>> 0;
    tr[base + 10] = seqRaw;
    tr[base + 12] = end;
    tr[base + 13] = (winRaw & 0xffff) | (dir << 16) | (index << 17) | (lw & 0x0ff00000);
    if (index === TcpIn.SYN && dir === 0) {
      const o = doff > 20 && doff <= segLen ? tcpSynOptions(b, l4, doff) : 0;
      let lf = (o >>> 8) & (TF.WINDOW_SCALE | TF.SACK_PERM);
      if (oldState === Tcp.LAST_ACK) lf |= LF_CHALLENGE_ACK;
      tr[base + 14] = (o & 0xff) | (lf << 8);
    }
    if (oldState === Tcp.SYN_SENT && index === TcpIn.ACK && dir === 1) tr[base + 11] = ackRaw;
    this.reason = 'ignored in this state';
    return true;
  }

  /** Linux tcp_in_window: ACCEPT (windows updated), IGNORE or INVALID. */
  private inWindow(ct: ConnTable, id: number, dir: number, index: number, b: Uint8Array, l4: number, segLen: number, doff: number, seq: number, ackRaw: number, winRaw: number, state: number, liberalAll: boolean): number {
    const tr = ct.track;
    const base = id * TRACK_WORDS;
    const snd = base + dir * 5;
    const rcv = base + (dir ^ 1) * 5;
    const fl = b[l4 + 13]!;
    const syn = (fl & 0x02) !== 0;
    const hasAck = (fl & 0x10) !== 0;
    const rst = (fl & 0x04) !== 0;
    let win = winRaw;
    let end = (seq + segLen - doff + (syn ? 1 : 0) + (fl & 0x01 ? 1 : 0)) >>> 0;
    let ack = ackRaw;
    let sack = ackRaw;
    const hasOpts = doff > 20 && doff <= segLen;
    if (hasOpts && (tr[rcv + 4]! >>> 8) & TF.SACK_PERM) sack = tcpSackEdge(b, l4, doff, sack);
    // NAT helpers' sequence adjustment of the other direction (acks refer to adjusted numbers).
    const off = seqOffset(ct, id, dir ^ 1, (ack - 1) >>> 0);
    ack = (ack - off) >>> 0;
    sack = (sack - off) >>> 0;

    if (tr[snd + 2] === 0) {
      if (syn) {
        // SYN/ACK answering a SYN, or a SYN from the reply side (simultaneous open).
        this.initSender(tr, snd, rcv, b, l4, doff, segLen, end, win, dir);
        if (!hasAck) return TcpVerdict.ACCEPT;
      } else {
        // Picked up: the history is lost, use what the segment says.
        tr[snd] = end;
        let swin = (win << (tr[snd + 4]! & 0xff)) >>> 0;
        if (swin === 0) swin = 1;
        tr[snd + 2] = swin;
        tr[snd + 1] = (end + swin) >>> 0;
        if (tr[rcv + 2] === 0) {
          tr[rcv] = sack;
          tr[rcv + 1] = sack;
        } else if (sack === ((tr[rcv]! + 1) >>> 0)) {
          tr[rcv] = sack; // likely a reply to a keepalive
        }
      }
    } else if (syn && after(end, tr[snd]!) && (state === Tcp.SYN_SENT || state === Tcp.SYN_RECV)) {
      // A SYN (or SYN/ACK) sent again with a new sequence number: start this direction again.
      this.initSender(tr, snd, rcv, b, l4, doff, segLen, end, win, dir);
      if (dir === 1 && !hasAck) return TcpVerdict.ACCEPT;
    }
    if (!hasAck) {
      ack = sack = tr[rcv]!;
    } else if (rst && ackRaw === 0) {
      ack = sack = tr[rcv]!; // broken stacks: RST with ACK set and ack 0
    }
    if (rst && seq === 0 && state === Tcp.SYN_SENT) {
      seq = end = tr[snd]!; // RST answering a SYN
    }
    const liberal = liberalAll || ((tr[snd + 4]! >>> 8) & TF.BE_LIBERAL) !== 0;
    const rcvMaxwin = tr[rcv + 2]!;
    const maxAckWin = tr[snd + 2]! > MAXACKWINCONST ? tr[snd + 2]! : MAXACKWINCONST;
    if (!before(seq, (tr[snd + 1]! + 1) >>> 0)) {
      const overshot = (end - tr[snd + 1]! + 1) >>> 0;
      const ackOk = after(sack, (tr[rcv]! - maxAckWin - 1) >>> 0);
      const inRecv = rcvMaxwin !== 0 && after(end, (tr[snd]! - rcvMaxwin - 1) >>> 0);
      if (inRecv && ackOk && overshot <= rcvMaxwin && before(sack, (tr[rcv]! + 1) >>> 0)) {
        tr[snd] = end;
        tr[snd + 4] = tr[snd + 4]! | (TF.DATA_UNACKNOWLEDGED << 8);
        this.reason = 'more bytes than the window allows';
        return liberal ? TcpVerdict.ACCEPT : TcpVerdict.IGNORE;
      }
      this.reason = 'SEQ is over the upper bound (over the window of the receiver)';
      return liberal ? TcpVerdict.ACCEPT : TcpVerdict.INVALID;
    }
    if (!before(sack, (tr[rcv]! + 1) >>> 0)) {
      this.reason = 'ACK is over the upper bound (ACKed data not seen yet)';
      return liberal ? TcpVerdict.ACCEPT : TcpVerdict.INVALID;
    }
    if (!(rcvMaxwin === 0 || after(end, (tr[snd]! - rcvMaxwin - 1) >>> 0))) {
      this.reason = 'SEQ is under the lower bound (already ACKed data retransmitted)';
      return liberal ? TcpVerdict.ACCEPT : TcpVerdict.IGNORE;
    }
    if (!after(sack, (tr[rcv]! - maxAckWin - 1) >>> 0)) {
      this.reason = 'ACK is under the lower bound (possibly overly delayed)';
      return liberal ? TcpVerdict.ACCEPT : TcpVerdict.IGNORE;
    }
    // Window scaling (RFC 1323): not on SYNs.
    if (!syn) win = (win << (tr[snd + 4]! & 0xff)) >>> 0;
    // Update the sender.
    const swin = (win + (sack - ack)) >>> 0;
    if (tr[snd + 2]! < swin) tr[snd + 2] = swin;
    if (after(end, tr[snd]!)) {
      tr[snd] = end;
      tr[snd + 4] = tr[snd + 4]! | (TF.DATA_UNACKNOWLEDGED << 8);
    }
    if (hasAck) {
      if (!((tr[snd + 4]! >>> 8) & TF.MAXACK_SET)) {
        tr[snd + 3] = ack;
        tr[snd + 4] = tr[snd + 4]! | (TF.MAXACK_SET << 8);
      } else if (after(ack, tr[snd + 3]!)) tr[snd + 3] = ack;
    }
    // Update the receiver.
    if (tr[rcv + 2] !== 0 && after(end, tr[snd + 1]!)) tr[rcv + 2] = (tr[rcv + 2]! + (end - tr[snd + 1]!)) >>> 0;
    if (after((sack + win) >>> 0, (tr[rcv + 1]! - 1) >>> 0)) {
      tr[rcv + 1] = (sack + win + (win === 0 ? 1 : 0)) >>> 0;
    }
    if (ack === tr[rcv]) tr[rcv + 4] = tr[rcv + 4]! & ~(TF.DATA_UNACKNOWLEDGED << 8);
    // Retransmissions (ACK segments only).
    if (index === TcpIn.ACK) {
      const w13 = tr[base + 13]!;
      if (((w13 >>> 16) & 1) === dir && tr[base + 10] === seq && tr[base + 11] === ack && tr[base + 12] === end && (w13 & 0xffff) === winRaw) {
        const r = Math.min(255, ((w13 >>> 20) & 0xff) + 1);
        tr[base + 13] = (w13 & ~(0xff << 20)) | (r << 20);
      } else {
        tr[base + 10] = seq;
        tr[base + 11] = ack;
        tr[base + 12] = end;
        tr[base + 13] = (winRaw & 0xffff) | (dir << 16) | (w13 & (7 << 17));
      }
    }
    return TcpVerdict.ACCEPT;
  }

  private initSender(tr: Uint32Array, snd: number, rcv: number, b: Uint8Array, l4: number, doff: number, segLen: number, end: number, win: number, dir: number): void {
    tr[snd] = end;
    tr[snd + 1] = end;
    tr[snd + 2] = win === 0 ? 1 : win;
    const keep = (tr[snd + 4]! >>> 8) & TF.BE_LIBERAL;
    const o = doff > 20 && doff <= segLen ? tcpSynOptions(b, l4, doff) : 0;
    tr[snd + 4] = (o & 0xff) | (((o >>> 8) | keep) << 8);
    if (dir === 1 && !((o >>> 8) & TF.WINDOW_SCALE && (tr[rcv + 4]! >>> 8) & TF.WINDOW_SCALE)) {
      tr[snd + 4] = tr[snd + 4]! & ~0xff;
      tr[rcv + 4] = tr[rcv + 4]! & ~0xff;
    }
  }
}

/**
 * Stop checking a connection's windows, both directions (Linux `flow_offload_fixup_tcp` / the flowtable sets
 * IP_CT_TCP_FLAG_BE_LIBERAL when a connection is offloaded): FastTrack moves the connection's packets past
 * conntrack, so the window state goes stale and the packets that still take the slow path (FIN, RST, the
 * periodic refresh) must not be judged against it.
 */
export function tcpBeLiberal(ct: ConnTable, id: number): void {
  const tr = ct.track;
  const base = id * TRACK_WORDS;
  tr[base + 4] = tr[base + 4]! | (TF.BE_LIBERAL << 8);
  tr[base + 5 + 4] = tr[base + 5 + 4]! | (TF.BE_LIBERAL << 8);
}
