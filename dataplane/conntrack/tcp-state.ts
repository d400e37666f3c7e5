/**
 * The TCP connection-tracking state machine: Linux nf_conntrack_proto_tcp's transition table, which RouterOS
 * runs (its `tcp-state` column shows these states; its `/ip firewall connection tracking` timeouts are the
 * per-state timeouts below).
 *
 * A packet's TCP flags reduce to one of six inputs (`tcpInput`: syn, syn-ack, fin, ack, rst, none), and
 * `(direction, input, state)` gives the next state from two 6×10 tables. Two results are not states:
 * - `IV` invalid: the packet does not fit the connection (conntrack marks it `invalid`; the firewall decides —
 *   the default RouterOS rules drop it).
 * - `IG` ignored: the packet is let through without changing the state (e.g. a SYN on an established
 *   connection, which may be a new connection reusing the ports; Linux then waits to see which side is right).
 *
 * New connections (`tcpOpens`): a SYN opens SYN_SENT. With `loose-tcp-tracking=yes` (the default, Linux
 * `nf_conntrack_tcp_loose=1`) an ACK without SYN picks the connection up in ESTABLISHED (a router restarted
 * mid-stream keeps forwarding); with `no` such a packet is invalid. Anything else (SYN/ACK, FIN, RST, no flags)
 * never opens a connection.
 *
 * Window tracking (`tcp_in_window`: sequence/ack bounds, `liberal-tcp-tracking`) and the retransmission and
 * unacknowledged-data timeouts that depend on it are in tcp-window.ts, which drives this table.
 */

/** TCP conntrack states (Linux `enum tcp_conntrack` order). */
export const Tcp = {
  NONE: 0,
  SYN_SENT: 1,
  SYN_RECV: 2,
  ESTABLISHED: 3,
  FIN_WAIT: 4,
  CLOSE_WAIT: 5,
  LAST_ACK: 6,
  TIME_WAIT: 7,
  CLOSE: 8,
  /** Simultaneous open: a SYN answered by a SYN. */
  SYN_SENT2: 9,
  /** Not states: the packet is invalid / ignored. */
  IV: 10,
  IG: 11,
} as const;

/** `tcp-state` as `/ip firewall connection print` spells it, by state code. */
export const TCP_STATE_NAMES = ['none', 'syn-sent', 'syn-received', 'established', 'fin-wait', 'close-wait', 'last-ack', 'time-wait', 'close', 'syn-sent'] as const;

/** Inputs: what a segment's flags reduce to. */
export const TcpIn = { SYN: 0, SYNACK: 1, FIN: 2, ACK: 3, RST: 4, NONE: 5 } as const;

/** TCP header flag bits (byte 13). */
const FIN = 0x01;
const SYN = 0x02;
const RST = 0x04;
const ACK = 0x10;

/**
 * Linux `tcp_valid_flags`: the flag combinations (ignoring PSH, ECE and CWR) a segment may carry — SYN,
 * SYN|URG, SYN|ACK, RST, RST|ACK, FIN|ACK, FIN|ACK|URG, ACK, ACK|URG. Anything else (SYN+FIN, no flags, FIN
 * without ACK, ...) makes the segment invalid before the state machine sees it (nf_conntrack tcp_error).
 */
export function tcpValidFlags(flags: number): boolean {
  switch (flags & 0x37) {
    case 0x02:
    case 0x22:
    case 0x12:
    case 0x04:
    case 0x14:
    case 0x11:
    case 0x31:
    case 0x10:
    case 0x30:
      return true;
    default:
      return false;
  }
}

/** Linux `get_conntrack_index`: RST wins, then SYN (with or without ACK), FIN, ACK, none. */
export function tcpInput(flags: number): number {
  if (flags & RST) return TcpIn.RST;
  if (flags & SYN) return flags & ACK ? TcpIn.SYNACK : TcpIn.SYN;
  if (flags & FIN) return TcpIn.FIN;
  if (flags & ACK) return TcpIn.ACK;
  return TcpIn.NONE;
}

const { NONE: sNO, SYN_SENT: sSS, SYN_RECV: sSR, ESTABLISHED: sES, FIN_WAIT: sFW, CLOSE_WAIT: sCW, LAST_ACK: sLA, TIME_WAIT: sTW, CLOSE: sCL, SYN_SENT2: sS2, IV: sIV, IG: sIG } = Tcp;
void sNO;

/**
 * `[dir][input][state]` flattened: index `dir * 60 + input * 10 + state`. Rows follow Linux's
 * `tcp_conntracks` (columns sNO sSS sSR sES sFW sCW sLA sTW sCL sS2).
 */
const TABLE = new Uint8Array([
  // ---- original direction ----
  /* syn    */ sSS, sSS, sIG, sIG, sIG, sIG, sIG, sSS, sSS, sS2,
  /* synack */ sIV, sIV, sSR, sIV, sIV, sIV, sIV, sIV, sIV, sSR,
  /* fin    */ sIV, sIV, sFW, sFW, sLA, sLA, sLA, sTW, sCL, sIV,
  /* ack    */ sES, sIV, sES, sES, sCW, sCW, sTW, sTW, sCL, sIV,
  /* rst    */ sIV, sCL, sCL, sCL, sCL, sCL, sCL, sCL, sCL, sCL,
  /* none   */ sIV, sIV, sIV, sIV, sIV, sIV, sIV, sIV, sIV, sIV,
  // ---- reply direction ----
  /* syn    */ sIV, sS2, sIV, sIV, sIV, sIV, sIV, sSS, sIV, sS2,
  /* synack */ sIV, sSR, sIG, sIG, sIG, sIG, sIG, sIG, sIG, sSR,
  /* fin    */ sIV, sIV, sFW, sFW, sLA, sLA, sLA, sTW, sCL, sIV,
  /* ack    */ sIV, sIG, sSR, sES, sCW, sCW, sTW, sTW, sCL, sIG,
  /* rst    */ sIV, sCL, sCL, sCL, sCL, sCL, sCL, sCL, sCL, sCL,
  /* none   */ sIV, sIV, sIV, sIV, sIV, sIV, sIV, sIV, sIV, sIV,
]);

/** Next state (or IV / IG) for a segment with `flags` in direction `dir` (0 original, 1 reply) in `state`. */
export function tcpNext(dir: number, flags: number, state: number): number {
  return TABLE[dir * 60 + tcpInput(flags) * 10 + state]!;
}

/** The state a first segment opens a connection in, or IV when it cannot open one. */
export function tcpOpens(flags: number, loose: boolean): number {
  const input = tcpInput(flags);
  if (input === TcpIn.SYN) return sSS;
  if (input === TcpIn.ACK && loose) return sES;
  return sIV;
}

/**
 * Per-state timeouts in seconds, RouterOS `/ip firewall connection tracking` defaults (tcp-syn-sent-timeout
 * 5s, tcp-syn-received-timeout 5s, tcp-established-timeout 1d, tcp-fin-wait / close-wait / last-ack /
 * time-wait / close-timeout 10s), indexed by state; SYN_SENT2 uses the syn-sent timeout.
 */
export interface TcpTimeouts {
  synSent: number;
  synReceived: number;
  established: number;
  finWait: number;
  closeWait: number;
  lastAck: number;
  timeWait: number;
  close: number;
}

export const TCP_TIMEOUT_DEFAULTS: TcpTimeouts = {
  synSent: 5,
  synReceived: 5,
  established: 86400,
  finWait: 10,
  closeWait: 10,
  lastAck: 10,
  timeWait: 10,
  close: 10,
};

/** The timeouts as an array indexed by state (what the conntrack stage reads per packet). */
export function tcpTimeoutTable(t: TcpTimeouts): Float64Array {
  return new Float64Array([t.close, t.synSent, t.synReceived, t.established, t.finWait, t.closeWait, t.lastAck, t.timeWait, t.close, t.synSent]);
}
