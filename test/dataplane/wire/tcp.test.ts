import {
  TcpFlag, TcpOpt, emitTcp, emitTcpOptions, parseTcp, parseTcpOptions, tcpAck, tcpChecksumField, tcpClampMss, tcpDstPort, tcpFindOption,
  tcpFlags, tcpFlags9, tcpHeaderLen, tcpMss, tcpOptionsLen, tcpReprHeaderLen, tcpSeq, tcpSetAck, tcpSetDstPort, tcpSetFlags, tcpSetSeq,
  tcpSetSrcPort, tcpSetWindow, tcpSrcPort, tcpUrgent, tcpWindow, type TcpOptionRepr, type TcpRepr,
} from '../../../dataplane/wire/tcp';
import { l4ChecksumOk4, l4Checksum4 } from '../../../dataplane/wire/checksum';
import { isWireError } from '../../../dataplane/wire/error';
import { Drop } from '../../../dataplane/drop';
import { frame } from '../../../pcap/fixture';
import { corpusFrames, framesOf } from './corpus';

describe('TCP', () => {
  const p = frame()
    .ipv4({ src: '10.0.0.1', dst: '10.0.0.2' })
    .tcp({ sport: 59856, dport: 80, flags: 'S', seq: 123, window: 65535, options: { mss: 1460, sackOk: true, ts: [1, 0], wscale: 7 } })
    .build();
  const t = p.subarray(20);

  test('accessors of a SYN with the Linux option set', () => {
    expect([tcpSrcPort(t, 0), tcpDstPort(t, 0), tcpSeq(t, 0), tcpAck(t, 0), tcpHeaderLen(t, 0), tcpFlags(t, 0), tcpWindow(t, 0), tcpUrgent(t, 0)]).toEqual([
      59856, 80, 123, 0, 40, TcpFlag.SYN, 65535, 0,
    ]);
    expect(l4ChecksumOk4(p, 0, 20, 40, 6)).toBe(true);
    expect(tcpMss(t, 0)).toBe(1460);
    expect(tcpFindOption(t, 0, TcpOpt.TIMESTAMP)).toBe(20 + 4 + 2);
    expect(tcpFindOption(t, 0, TcpOpt.SACK)).toBe(-1);
  });

  test('Repr: every field and option, emit equals input', () => {
    const r = parseTcp(t, 0, t.length) as TcpRepr;
    expect(r).toEqual({
      srcPort: 59856,
      dstPort: 80,
      seq: 123,
      ack: 0,
      flags: TcpFlag.SYN,
      reserved: 0,
      window: 65535,
      checksum: tcpChecksumField(t, 0),
      urgent: 0,
      options: [
        { kind: 'mss', value: 1460 },
        { kind: 'sack-permitted' },
        { kind: 'timestamp', val: 1, ecr: 0 },
        { kind: 'nop' },
        { kind: 'wscale', shift: 7 },
      ],
    });
    expect(tcpReprHeaderLen(r)).toBe(40);
    const out = new Uint8Array(40);
    expect(emitTcp(r, out, 0)).toBe(40);
    expect(out).toEqual(t);
  });

  test('all nine flags, SACK blocks, unknown options, EOL padding', () => {
    const q = frame()
      .ipv4({ src: '1.1.1.1', dst: '2.2.2.2' })
      .tcp({ sport: 1, dport: 2, flags: 'FSRPAUEWN', seq: 0xffffffff, ack: 0x80000000, urgent: 9, options: [{ kind: 'nop' }, { kind: 'nop' }, { kind: 'sack', blocks: [[1, 2], [0xfffffff0, 0xffffffff]] }, { kind: 'unknown', type: 34, data: Uint8Array.of(1, 2, 3) }, { kind: 'eol' }] })
      .build()
      .subarray(20);
    expect(tcpFlags9(q, 0)).toBe(0x1ff);
    const r = parseTcp(q, 0, q.length) as TcpRepr;
    expect(r.flags).toBe(0x1ff);
    expect([r.seq, r.ack, r.urgent]).toEqual([0xffffffff, 0x80000000, 9]);
    expect(r.options).toEqual([
      { kind: 'nop' },
      { kind: 'nop' },
      { kind: 'sack', blocks: [[1, 2], [0xfffffff0, 0xffffffff]] },
      { kind: 'unknown', type: 34, data: Uint8Array.of(1, 2, 3) },
      { kind: 'eol' },
    ]);
    expect(tcpOptionsLen(r.options)).toBe(2 + 18 + 5 + 1);
    const out = new Uint8Array(q.length);
    emitTcp(r, out, 0);
    expect(out).toEqual(q);
  });

  test('malformed options are errors, and the hot-path finder says -2', () => {
    const bad: number[][] = [
      [2, 4, 5], // MSS cut off by the end
      [2, 1, 0, 0], // length < 2
      [2, 5, 0, 0, 0, 1, 1, 1], // MSS with length 5
      [3, 2, 1, 1], // wscale length 2
      [5, 6, 0, 0, 0, 0, 1, 1], // SACK not 2 + 8n
      [8, 9, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1], // timestamps length 9
      [4, 3, 0, 1], // SACK-permitted length 3
      [1, 1, 1, 30], // unknown option without a length byte
    ];
    for (const opts of bad) {
      const raw = Uint8Array.from(opts);
      const r = parseTcpOptions(raw, 0, raw.length);
      expect(isWireError(r) && r.drop).toBe(Drop.TCP_BAD_OPTION);
    }
    const seg = frame().ipv4({ src: '1.1.1.1', dst: '2.2.2.2' }).tcp({ sport: 1, dport: 2, options: [{ kind: 'unknown', type: 30, data: Uint8Array.of(0) }] }).build().subarray(20);
    seg[21] = 40; // option length runs past the header
    expect(tcpFindOption(seg, 0, TcpOpt.MSS)).toBe(-2);
    expect(tcpMss(seg, 0)).toBe(-1);
    expect((parseTcp(seg, 0, seg.length) as { drop: number }).drop).toBe(Drop.TCP_BAD_OPTION);
  });

  test('checked parse errors', () => {
    expect((parseTcp(t, 0, 19) as { drop: number }).drop).toBe(Drop.TCP_TRUNCATED);
    expect((parseTcp(t, 0, 39) as { drop: number }).drop).toBe(Drop.TCP_TRUNCATED);
    const g = t.slice();
    g[12] = 4 << 4;
    expect((parseTcp(g, 0, g.length) as { drop: number }).drop).toBe(Drop.TCP_BAD_DATA_OFFSET);
  });

  test('setters and MSS clamping keep the checksum right (even and odd option offsets)', () => {
    for (const options of [{ mss: 1460 }, [{ kind: 'nop' }, { kind: 'mss', value: 1460 }] as TcpOptionRepr[]]) {
      const q = frame().ipv4({ src: '10.0.0.1', dst: '10.0.0.2' }).tcp({ sport: 1, dport: 2, options }).payload(7).build();
      const s = q.subarray(20);
      expect(tcpClampMss(s, 0, 1400)).toBe(true);
      expect(tcpMss(s, 0)).toBe(1400);
      expect(l4ChecksumOk4(q, 0, 20, q.length - 20, 6)).toBe(true);
      expect(tcpClampMss(s, 0, 1452)).toBe(false);
    }
    const q = p.slice();
    const s = q.subarray(20);
    tcpSetSrcPort(s, 0, 1);
    tcpSetDstPort(s, 0, 2);
    tcpSetSeq(s, 0, 3);
    tcpSetAck(s, 0, 4);
    tcpSetFlags(s, 0, TcpFlag.ACK | TcpFlag.PSH);
    tcpSetWindow(s, 0, 5);
    expect([tcpSrcPort(s, 0), tcpDstPort(s, 0), tcpSeq(s, 0), tcpAck(s, 0), tcpFlags(s, 0), tcpWindow(s, 0)]).toEqual([1, 2, 3, 4, 0x18, 5]);
    expect(l4Checksum4(q, 0, 20, 40, 6)).not.toBe(tcpChecksumField(s, 0));
  });

  test('every corpus TCP segment round-trips; the handshake options are what tcpdump prints', () => {
    let n = 0;
    for (const c of corpusFrames()) {
      const ipOff = c.linkType === 113 ? 16 : 14;
      if (c.frame[ipOff] !== 0x45 || c.frame[ipOff + 9] !== 6) continue;
      const o = ipOff + 20;
      const r = parseTcp(c.frame, o, c.frame.length - o);
      if (isWireError(r)) throw new Error(`${c.file}#${c.index}: ${r}`);
      const hl = tcpReprHeaderLen(r);
      const out = new Uint8Array(hl);
      emitTcp(r, out, 0);
      expect(out).toEqual(c.frame.subarray(o, o + hl));
      n++;
    }
    expect(n).toBe(14 + 3);
    const syn = framesOf('zeek__http_get.pcap')[0]!.frame;
    const r = parseTcp(syn, 34, syn.length - 34) as TcpRepr;
    expect(r.options).toEqual([
      { kind: 'mss', value: 1460 },
      { kind: 'nop' },
      { kind: 'wscale', shift: 4 },
      { kind: 'nop' },
      { kind: 'nop' },
      { kind: 'timestamp', val: 374005024, ecr: 0 },
      { kind: 'sack-permitted' },
      { kind: 'eol' },
    ]);
    const out = new Uint8Array(4);
    expect(emitTcpOptions([{ kind: 'mss', value: 536 }], out, 0)).toBe(4);
  });
});
