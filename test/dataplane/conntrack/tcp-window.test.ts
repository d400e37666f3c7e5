/**
 * TCP window tracking (conntrack/tcp-window.ts) with hand-made segments: the handshake with window scaling,
 * the window's edges (the last byte the receiver allows, one past it), acks of data never sent, an old
 * retransmission, retransmission counting and the timeouts it and unacknowledged data bring, SACK,
 * liberal mode (and the RST that stays invalid in it), picked-up connections, and RST sequence checks.
 * Expected values are worked out from Linux tcp_in_window by hand in the comments.
 */
import { ConnTable, CtStatus, TRACK_WORDS } from '../../../dataplane/conntrack/table';
import { Tcp, tcpOpens, tcpTimeoutTable, TCP_TIMEOUT_DEFAULTS } from '../../../dataplane/conntrack/tcp-state';
import { TcpTracker, TcpVerdict, TF, type TcpWindowSettings } from '../../../dataplane/conntrack/tcp-window';

const F = { FIN: 0x01, SYN: 0x02, RST: 0x04, PSH: 0x08, ACK: 0x10 };

interface Seg {
  seq: number;
  ack?: number;
  flags: number;
  win?: number;
  /** Data bytes. */
  len?: number;
  /** Window scale option value (SYNs). */
  wscale?: number;
  sackPerm?: boolean;
  /** SACK blocks [left, right). */
  sack?: [number, number][];
}

/** A TCP header (+ options + zero data) at offset 0; returns the bytes and segLen. */
function seg(s: Seg): { b: Uint8Array; len: number } {
  const opts: number[] = [];
  if (s.wscale !== undefined) opts.push(1, 3, 3, s.wscale);
  if (s.sackPerm) opts.push(1, 1, 4, 2);
  if (s.sack) {
    opts.push(1, 1, 5, 2 + 8 * s.sack.length);
    for (const [l, r] of s.sack) for (const v of [l, r]) opts.push(v >>> 24, (v >>> 16) & 255, (v >>> 8) & 255, v & 255);
  }
  while (opts.length % 4) opts.push(0);
  const doff = 20 + opts.length;
  const len = doff + (s.len ?? 0);
  const b = new Uint8Array(len);
  const dv = new DataView(b.buffer);
  dv.setUint16(0, 40000);
  dv.setUint16(2, 80);
  dv.setUint32(4, s.seq >>> 0);
  dv.setUint32(8, (s.ack ?? 0) >>> 0);
  b[12] = (doff / 4) << 4;
  b[13] = s.flags;
  dv.setUint16(14, s.win ?? 65535);
  b.set(opts, 20);
  return { b, len };
}

function settings(over: Partial<TcpWindowSettings> = {}): TcpWindowSettings {
  return { tcpTimeouts: tcpTimeoutTable(TCP_TIMEOUT_DEFAULTS), tcpMaxRetransTimeout: 300, tcpUnackedTimeout: 300, liberalTcp: false, ...over };
}

/** A connection and a tracker: `send(dir, seg)` returns [verdict, state name]. */
function conn(first: Seg, s = settings(), loose = true) {
  const ct = new ConnTable({ maxEntries: 4 });
  const tr = new TcpTracker();
  const id = ct.alloc(1, 2, (40000 << 16) | 80, 6, 0, 10);
  const f = seg(first);
  const st = tcpOpens(first.flags, loose);
  tr.open(ct, id, f.b, 0, f.len, st);
  const v0 = tr.segment(ct, id, 0, f.b, 0, f.len, s);
  const send = (dir: number, x: Seg): number => {
    const g = seg(x);
    const v = tr.segment(ct, id, dir, g.b, 0, g.len, s);
    if (dir === 1 && v === TcpVerdict.ACCEPT) ct.status[id] = ct.status[id]! | CtStatus.SEEN_REPLY;
    return v;
  };
  const w = (dir: number, k: number): number => ct.track[id * TRACK_WORDS + dir * 5 + k]!;
  return { ct, tr, id, v0, send, w, state: () => ct.pstate[id]! };
}

const C = 1000; // client ISN
const S = 5000; // server ISN

/** SYN (wscale 7 unless given), SYN/ACK, ACK; then established. */
function established(cw = 7, sw: number | null = 7, s = settings()) {
  const c = conn({ seq: C, flags: F.SYN, win: 64240, wscale: cw, sackPerm: true }, s);
  expect(c.v0).toBe(TcpVerdict.ACCEPT);
  expect(c.send(1, { seq: S, ack: C + 1, flags: F.SYN | F.ACK, win: 65160, wscale: sw ?? undefined, sackPerm: true })).toBe(TcpVerdict.ACCEPT);
  expect(c.send(0, { seq: C + 1, ack: S + 1, flags: F.ACK, win: 502 })).toBe(TcpVerdict.ACCEPT);
  expect(c.state()).toBe(Tcp.ESTABLISHED);
  return c;
}

test('handshake: both SYNs carry window scale 7, so windows after it are scaled; SACK-permitted is remembered', () => {
  const c = established();
  // Scale and flags per direction (word +4: scale | flags << 8).
  expect(c.w(0, 4) & 0xff).toBe(7);
  expect(c.w(1, 4) & 0xff).toBe(7);
  expect((c.w(0, 4) >>> 8) & TF.SACK_PERM).toBeTruthy();
  // td_end: client C+1 (SYN counts 1), server S+1.
  expect(c.w(0, 0)).toBe(C + 1);
  expect(c.w(1, 0)).toBe(S + 1);
  // The client's third segment: window 502 << 7 = 64256 from ack S+1: the server may send up to S+1+64256.
  expect(c.w(1, 1)).toBe(S + 1 + 502 * 128);
  // Handshake done both ways: assured.
  expect(c.ct.status[c.id]! & CtStatus.ASSURED).toBeTruthy();
});

test('without the option on both SYNs there is no scaling (RFC 1323): the SYN/ACK lacks it', () => {
  const c = established(7, null);
  expect(c.w(0, 4) & 0xff).toBe(0);
  expect(c.w(1, 4) & 0xff).toBe(0);
  // Window 502 is taken as 502 bytes.
  expect(c.w(1, 1)).toBe(S + 1 + 502);
});

test('window edges: the server may send up to td_maxend; past it by at most a window is ignored, further is invalid', () => {
  const c = established();
  const maxend = c.w(1, 1); // S+1+64256
  // A segment whose first byte is exactly at td_maxend passes (seq <= td_maxend: check I).
  expect(c.send(1, { seq: maxend, ack: C + 1, flags: F.ACK, win: 500 })).toBe(TcpVerdict.ACCEPT);
  // One byte past it, 10 bytes: overshoot 12 <= the client's window, so Linux lets it pass as "ignored" and
  // moves td_end so an ack of it is not refused later.
  expect(c.send(1, { seq: maxend + 1, ack: C + 1, flags: F.ACK, win: 500, len: 10 })).toBe(TcpVerdict.IGNORE);
  expect(c.tr.reason).toMatch(/more bytes than the window allows/);
  expect(c.w(1, 0)).toBe(maxend + 11);
  const before = Array.from(c.ct.track.slice(c.id * TRACK_WORDS, c.id * TRACK_WORDS + TRACK_WORDS));
  // 70000 past it: beyond the client's largest window (64256): invalid, entry unchanged.
  expect(c.send(1, { seq: maxend + 70000, ack: C + 1, flags: F.ACK, win: 500, len: 10 })).toBe(TcpVerdict.INVALID);
  expect(c.tr.reason).toMatch(/SEQ is over the upper bound/);
  expect(Array.from(c.ct.track.slice(c.id * TRACK_WORDS, c.id * TRACK_WORDS + TRACK_WORDS))).toEqual(before);
});

test('an ack of data never sent is invalid (check II)', () => {
  const c = established();
  // The client has sent up to C+1; the server acks C+101.
  expect(c.send(1, { seq: S + 1, ack: C + 101, flags: F.ACK, win: 500 })).toBe(TcpVerdict.INVALID);
  expect(c.tr.reason).toMatch(/ACK is over the upper bound/);
  // Once the client sent 100 bytes, the same ack is fine.
  expect(c.send(0, { seq: C + 1, ack: S + 1, flags: F.ACK | F.PSH, win: 502, len: 100 })).toBe(TcpVerdict.ACCEPT);
  expect(c.send(1, { seq: S + 1, ack: C + 101, flags: F.ACK, win: 500 })).toBe(TcpVerdict.ACCEPT);
});

test('SACK: a block acking beyond what was sent is invalid when the receiver offered SACK', () => {
  const c = established();
  expect(c.send(0, { seq: C + 1, ack: S + 1, flags: F.ACK, win: 502, len: 100 })).toBe(TcpVerdict.ACCEPT);
  // ack C+1 with a SACK block ending at C+101: the highest edge counts as the ack — fine.
  expect(c.send(1, { seq: S + 1, ack: C + 1, flags: F.ACK, win: 500, sack: [[C + 51, C + 101]] })).toBe(TcpVerdict.ACCEPT);
  // A block ending at C+201 acks unsent data.
  expect(c.send(1, { seq: S + 1, ack: C + 1, flags: F.ACK, win: 500, sack: [[C + 151, C + 201]] })).toBe(TcpVerdict.INVALID);
});

test('data already acknowledged a window ago is ignored, not invalid (check III)', () => {
  const c = established(0, 0); // no scaling: windows as sent
  // Client sends 3 x 30000 bytes, the server acks each and allows 40000.
  let seq = C + 1;
  for (let k = 0; k < 3; k++) {
    expect(c.send(0, { seq, ack: S + 1, flags: F.ACK, win: 40000, len: 30000 })).toBe(TcpVerdict.ACCEPT);
    seq += 30000;
    expect(c.send(1, { seq: S + 1, ack: seq, flags: F.ACK, win: 40000 })).toBe(TcpVerdict.ACCEPT);
  }
  // td_end(client) = C+90001, server's max window 40000: a segment ending at or before C+90001-40000 is old.
  expect(c.send(0, { seq: C + 1, ack: S + 1, flags: F.ACK, win: 40000, len: 100 })).toBe(TcpVerdict.IGNORE);
  expect(c.tr.reason).toMatch(/under the lower bound/);
});

test('retransmissions: after 3 identical segments the timeout drops to tcp-max-retrans-timeout; unacked data to tcp-unacked-timeout', () => {
  const s = settings({ tcpMaxRetransTimeout: 120, tcpUnackedTimeout: 200 });
  const c = established(7, 7, s);
  // Client sends 100 bytes: unacknowledged → the established timeout (1d) is capped at 200.
  expect(c.send(0, { seq: C + 1, ack: S + 1, flags: F.ACK | F.PSH, win: 502, len: 100 })).toBe(TcpVerdict.ACCEPT);
  expect(c.tr.timeout).toBe(200);
  // The server acks it: nothing unacknowledged, back to 1d.
  expect(c.send(1, { seq: S + 1, ack: C + 101, flags: F.ACK, win: 500 })).toBe(TcpVerdict.ACCEPT);
  expect(c.tr.timeout).toBe(86400);
  // The client sends a segment and retransmits it three times unchanged (ACK segments with data).
  const x = { seq: C + 101, ack: S + 1, flags: F.ACK, win: 502, len: 50 };
  expect(c.send(0, x)).toBe(TcpVerdict.ACCEPT);
  expect(c.tr.timeout).toBe(200); // unacked
  for (let k = 1; k <= 3; k++) expect(c.send(0, x)).toBe(TcpVerdict.ACCEPT);
  // retrans counter = 3 → max-retrans timeout (120) wins over unacked (200).
  expect((c.ct.track[c.id * TRACK_WORDS + 13]! >>> 20) & 0xff).toBe(3);
  expect(c.tr.timeout).toBe(120);
});

test('liberal-tcp-tracking=yes: out-of-window segments pass, an out-of-window RST stays invalid', () => {
  const c = established(7, 7, settings({ liberalTcp: true }));
  const maxend = c.w(1, 1);
  expect(c.send(1, { seq: maxend + 100000, ack: C + 1, flags: F.ACK, win: 500, len: 10 })).toBe(TcpVerdict.ACCEPT);
  expect(c.send(1, { seq: S + 1, ack: C + 100000, flags: F.ACK, win: 500 })).toBe(TcpVerdict.ACCEPT);
  // The client has acked up to S+1 (td_maxack); a RST from the server with seq below it is invalid.
  expect(c.send(1, { seq: S - 1000, flags: F.RST })).toBe(TcpVerdict.INVALID);
  expect(c.tr.reason).toBe('invalid rst');
  expect(c.state()).toBe(Tcp.ESTABLISHED);
  // A RST exactly at the acked point closes.
  expect(c.send(1, { seq: S + 1, flags: F.RST })).toBe(TcpVerdict.ACCEPT);
  expect(c.state()).toBe(Tcp.CLOSE);
});

test('the same out-of-window segment is invalid without liberal mode', () => {
  const c = established();
  expect(c.send(1, { seq: c.w(1, 1) + 100000, ack: C + 1, flags: F.ACK, win: 500, len: 10 })).toBe(TcpVerdict.INVALID);
});

test('a connection picked up mid-stream (loose) is liberal both ways and gets at most tcp-unacked-timeout until a reply', () => {
  const c = conn({ seq: 77777, ack: 99999, flags: F.ACK, win: 1000, len: 10 });
  expect(c.v0).toBe(TcpVerdict.ACCEPT);
  expect(c.state()).toBe(Tcp.ESTABLISHED);
  expect(c.tr.timeout).toBe(300);
  expect((c.w(0, 4) >>> 8) & TF.BE_LIBERAL).toBeTruthy();
  expect((c.w(1, 4) >>> 8) & TF.BE_LIBERAL).toBeTruthy();
  // Anything in the reply direction passes while liberal.
  expect(c.send(1, { seq: 12345, ack: 77787, flags: F.ACK, win: 1000 })).toBe(TcpVerdict.ACCEPT);
  // With loose-tcp-tracking=no such a first segment opens nothing.
  expect(tcpOpens(F.ACK, false)).toBe(Tcp.IV);
});

test('a RST below the last ack is invalid; an in-window RST not exactly at it keeps the state (challenge ACK)', () => {
  const c = established();
  expect(c.send(0, { seq: C + 1, ack: S + 1, flags: F.ACK, win: 502, len: 100 })).toBe(TcpVerdict.ACCEPT);
  expect(c.send(1, { seq: S + 1, ack: C + 101, flags: F.ACK | F.PSH, win: 500, len: 10 })).toBe(TcpVerdict.ACCEPT);
  // The server acked C+101 (its td_maxack). A client RST at C+50 is invalid.
  expect(c.send(0, { seq: C + 50, flags: F.RST })).toBe(TcpVerdict.INVALID);
  // At C+150 (in window, not exactly at C+101): accepted, state kept established.
  expect(c.send(0, { seq: C + 150, flags: F.RST })).toBe(TcpVerdict.ACCEPT);
  expect(c.state()).toBe(Tcp.ESTABLISHED);
  // Exactly at C+101: closes.
  expect(c.send(0, { seq: C + 101, flags: F.RST })).toBe(TcpVerdict.ACCEPT);
  expect(c.state()).toBe(Tcp.CLOSE);
});

test('a SYN retransmission keeps the timeout; the only reply being a RST kills the connection', () => {
  const c = conn({ seq: C, flags: F.SYN, win: 64240 });
  expect(c.tr.timeout).toBe(5);
  expect(c.send(0, { seq: C, flags: F.SYN, win: 64240 })).toBe(TcpVerdict.ACCEPT);
  expect(Number.isNaN(c.tr.timeout)).toBe(true);
  expect(c.send(1, { seq: 0, ack: C + 1, flags: F.RST | F.ACK, win: 0 })).toBe(TcpVerdict.KILL);
});

test('closing: FIN from the client marks CLOSE_INIT; a new SYN after TIME_WAIT reopens', () => {
  const c = established();
  expect(c.send(0, { seq: C + 1, ack: S + 1, flags: F.FIN | F.ACK, win: 502 })).toBe(TcpVerdict.ACCEPT);
  expect(c.state()).toBe(Tcp.FIN_WAIT);
  expect((c.w(0, 4) >>> 8) & TF.CLOSE_INIT).toBeTruthy();
  expect(c.send(1, { seq: S + 1, ack: C + 2, flags: F.FIN | F.ACK, win: 500 })).toBe(TcpVerdict.ACCEPT);
  expect(c.send(0, { seq: C + 2, ack: S + 2, flags: F.ACK, win: 502 })).toBe(TcpVerdict.ACCEPT);
  expect(c.state()).toBe(Tcp.TIME_WAIT);
  expect(c.send(0, { seq: C + 100000, flags: F.SYN, win: 64240 })).toBe(TcpVerdict.REOPEN);
});
