import { Tcp, tcpValidFlags, tcpNext, tcpOpens, tcpInput, TcpIn, TCP_STATE_NAMES, tcpTimeoutTable, TCP_TIMEOUT_DEFAULTS } from '../../../dataplane/conntrack/tcp-state';

const F = { FIN: 0x01, SYN: 0x02, RST: 0x04, PSH: 0x08, ACK: 0x10 };
const ORIG = 0;
const REPLY = 1;

/** Walk a list of [dir, flags] from a first segment; IG keeps the state; returns the state names seen. */
function walk(first: number, seq: [number, number][], loose = true): string[] {
  let s = tcpOpens(first, loose);
  const out = [s === Tcp.IV ? 'invalid' : TCP_STATE_NAMES[s]!];
  for (const [dir, flags] of seq) {
    const n = tcpNext(dir, flags, s);
    if (n === Tcp.IV) out.push('invalid');
    else if (n === Tcp.IG) out.push(`ignored(${TCP_STATE_NAMES[s]})`);
    else {
      s = n;
      out.push(TCP_STATE_NAMES[s]!);
    }
  }
  return out;
}

test('flag reduction follows Linux get_conntrack_index (RST first, SYN with/without ACK, FIN, ACK)', () => {
  expect(tcpInput(F.SYN)).toBe(TcpIn.SYN);
  expect(tcpInput(F.SYN | F.ACK)).toBe(TcpIn.SYNACK);
  expect(tcpInput(F.RST | F.ACK)).toBe(TcpIn.RST);
  expect(tcpInput(F.FIN | F.ACK | F.PSH)).toBe(TcpIn.FIN);
  expect(tcpInput(F.PSH | F.ACK)).toBe(TcpIn.ACK);
  expect(tcpInput(F.PSH)).toBe(TcpIn.NONE);
});

test('three-way handshake, data, and an orderly close initiated by the client', () => {
  expect(
    walk(F.SYN, [
      [REPLY, F.SYN | F.ACK],
      [ORIG, F.ACK],
      [ORIG, F.PSH | F.ACK],
      [REPLY, F.ACK],
      [ORIG, F.FIN | F.ACK],
      [REPLY, F.ACK],
      [REPLY, F.FIN | F.ACK],
      [ORIG, F.ACK],
    ]),
  ).toEqual(['syn-sent', 'syn-received', 'established', 'established', 'established', 'fin-wait', 'close-wait', 'last-ack', 'time-wait']);
});

test('a reset closes from any state; a SYN on an established connection is ignored; TIME_WAIT reopens on a SYN', () => {
  expect(walk(F.SYN, [[REPLY, F.RST | F.ACK]])).toEqual(['syn-sent', 'close']);
  expect(walk(F.SYN, [[REPLY, F.SYN | F.ACK], [ORIG, F.ACK], [ORIG, F.SYN]])).toEqual(['syn-sent', 'syn-received', 'established', 'ignored(established)']);
  expect(tcpNext(ORIG, F.SYN, Tcp.TIME_WAIT)).toBe(Tcp.SYN_SENT);
});

test('invalid: a SYN/ACK from the client side, an ACK answering a SYN, segments without flags', () => {
  expect(walk(F.SYN, [[ORIG, F.SYN | F.ACK]])).toEqual(['syn-sent', 'invalid']);
  expect(tcpNext(REPLY, F.ACK, Tcp.SYN_SENT)).toBe(Tcp.IG);
  expect(tcpNext(ORIG, 0, Tcp.ESTABLISHED)).toBe(Tcp.IV);
});

test('simultaneous open goes through SYN_SENT2', () => {
  expect(walk(F.SYN, [[REPLY, F.SYN], [REPLY, F.SYN | F.ACK]])).toEqual(['syn-sent', 'syn-sent', 'syn-received']);
  expect(tcpNext(REPLY, F.SYN, Tcp.SYN_SENT)).toBe(Tcp.SYN_SENT2);
});

test('loose tracking picks up mid-stream ACKs as established; strict tracking calls them invalid; nothing else opens', () => {
  expect(tcpOpens(F.PSH | F.ACK, true)).toBe(Tcp.ESTABLISHED);
  expect(tcpOpens(F.PSH | F.ACK, false)).toBe(Tcp.IV);
  for (const f of [F.SYN | F.ACK, F.FIN | F.ACK, F.RST, 0]) expect(tcpOpens(f, true)).toBe(Tcp.IV);
});

test('timeouts by state are RouterOS defaults', () => {
  const t = tcpTimeoutTable(TCP_TIMEOUT_DEFAULTS);
  expect(t[Tcp.SYN_SENT]).toBe(5);
  expect(t[Tcp.ESTABLISHED]).toBe(86400);
  expect(t[Tcp.TIME_WAIT]).toBe(10);
  expect(t[Tcp.SYN_SENT2]).toBe(5);
});

test('valid flag combinations are Linux tcp_valid_flags (PSH, ECE, CWR ignored)', () => {
  for (const f of [F.SYN, F.SYN | F.ACK, F.RST, F.RST | F.ACK, F.FIN | F.ACK, F.ACK, F.PSH | F.ACK, F.FIN | F.ACK | F.PSH, 0x02 | 0x20, 0x10 | 0x20 | 0xc0]) {
    expect([f, tcpValidFlags(f)]).toEqual([f, true]);
  }
  for (const f of [F.SYN | F.FIN, 0, F.FIN, F.PSH, F.SYN | F.RST, F.RST | F.FIN | F.ACK, F.SYN | F.FIN | F.ACK]) {
    expect([f, tcpValidFlags(f)]).toEqual([f, false]);
  }
});
