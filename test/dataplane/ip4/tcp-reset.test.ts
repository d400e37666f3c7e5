/**
 * tcpResetInPlace (Linux tcp_v4_send_reset): sequence/ack arithmetic for each kind of segment, the header
 * fields, refusals with the slot untouched, and no throw on arbitrary bytes.
 */
import fc from 'fast-check';
import { PacketPool } from '../../../dataplane/buf/pool';
import { tcpResetInPlace } from '../../../dataplane/ip4/tcp-reset';
import { DROP_NAMES } from '../../../dataplane/drop';
import { parseIpv4 } from '../../../dataplane/wire/ipv4';
import { parseTcp } from '../../../dataplane/wire/tcp';
import { ipv4ChecksumOk, l4ChecksumOk4 } from '../../../dataplane/wire/checksum';
import { macToString } from '../../../dataplane/wire/ethernet';
import { isWireError } from '../../../dataplane/wire/error';
import { frame } from '../../../pcap/fixture';
import { load, bytesOf, MAC_A, MAC_R, macNum } from './helpers';

const seg = (o: { flags: string; seq: number; ack?: number; data?: number; tos?: number; options?: boolean }) => {
  const b = frame()
    .eth({ src: MAC_A, dst: MAC_R })
    .ipv4({ src: '192.0.2.10', dst: '192.0.2.1', tos: o.tos ?? 0, id: 77, ttl: 50, ...(o.options ? { options: [1, 1, 1, 0] } : {}) })
    .tcp({ sport: 33333, dport: 23, seq: o.seq, ack: o.ack ?? 0, flags: o.flags, window: 1000, options: { mss: 1460 } });
  return (o.data ? b.payload(new Uint8Array(o.data).fill(0x61)) : b).build();
};

function reset(f: Uint8Array) {
  const pool = new PacketPool({ slots: 4 });
  const s = load(pool, f);
  const [hi, lo] = macNum(MAC_R);
  const r = tcpResetInPlace(pool, s, hi, lo);
  return { r, out: bytesOf(pool, s), pool, s };
}

test.each([
  ['SYN', { flags: 'S', seq: 1000 }, { flags: 0x14, seq: 0, ack: 1001 }],
  ['SYN with 5 data bytes', { flags: 'S', seq: 1000, data: 5 }, { flags: 0x14, seq: 0, ack: 1006 }],
  ['FIN without ACK', { flags: 'F', seq: 0xffffffff }, { flags: 0x14, seq: 0, ack: 0 }], // wraps
  ['data with ACK', { flags: 'PA', seq: 5, ack: 0x80000001, data: 100 }, { flags: 0x04, seq: 0x80000001, ack: 0 }],
  ['FIN|ACK', { flags: 'FA', seq: 5, ack: 9 }, { flags: 0x04, seq: 9, ack: 0 }],
] as const)('%s', (_what, o, want) => {
  const { r, out } = reset(seg({ ...o, tos: 0x28, options: true }));
  expect(r).toBe(0);
  expect(out.length).toBe(60);
  expect(macToString(out, 0)).toBe(MAC_A);
  expect(macToString(out, 6)).toBe(MAC_R);
  expect(ipv4ChecksumOk(out, 14)).toBe(true);
  const ip = parseIpv4(out, 14, 46, true);
  if (isWireError(ip)) throw new Error(ip.message);
  expect([ip.src, ip.dst, ip.ttl, ip.tos, ip.id, ip.dontFrag, ip.payloadLen, ip.options.length]).toEqual([0xc0000201, 0xc000020a, 64, 0x28, 0, true, 20, 0]);
  const t = parseTcp(out, 34, 20);
  if (isWireError(t)) throw new Error(t.message);
  expect({ flags: t.flags, seq: t.seq, ack: t.ack }).toEqual(want);
  expect([t.srcPort, t.dstPort, t.window, t.options.length]).toEqual([23, 33333, 0, 0]);
  expect(l4ChecksumOk4(out, 14, 34, 20, 6)).toBe(true);
});

test('refused, slot untouched: a reset, a bad checksum, a cut header, not TCP', () => {
  const cases: [Uint8Array, string][] = [
    [seg({ flags: 'R', seq: 1 }), 'tcp-no-listener'],
    [frame().eth({ src: MAC_A, dst: MAC_R }).ipv4({ src: '192.0.2.10', dst: '192.0.2.1' }).tcp({ sport: 1, dport: 2, flags: 'S', badChecksum: true }).build(), 'l4-bad-checksum'],
    [frame().eth({ src: MAC_A, dst: MAC_R }).ipv4({ src: '192.0.2.10', dst: '192.0.2.1', proto: 6 }).payload(new Uint8Array(10)).build(), 'tcp-truncated'],
    [frame().eth({ src: MAC_A, dst: MAC_R }).ipv4({ src: '192.0.2.10', dst: '192.0.2.1' }).udp({ sport: 1, dport: 2 }).build(), 'tcp-truncated'],
  ];
  for (const [f, why] of cases) {
    const { r, out } = reset(f);
    expect(DROP_NAMES[r]).toBe(why);
    expect(Buffer.from(out).equals(Buffer.from(f))).toBe(true);
  }
});

test('never throws, whatever the bytes', () => {
  fc.assert(
    fc.property(fc.uint8Array({ minLength: 0, maxLength: 120 }), (bytes) => {
      const pool = new PacketPool({ slots: 2 });
      const f = new Uint8Array(14 + bytes.length);
      f.set([2, 0, 0, 0, 0, 1, 2, 0, 0, 0, 0, 10, 8, 0]);
      f.set(bytes, 14);
      if (bytes.length > 0) f[14] = 0x45;
      if (bytes.length > 9) f[14 + 9] = 6;
      const s = load(pool, f);
      const r = tcpResetInPlace(pool, s);
      expect(r === 0 || (r > 0 && r < DROP_NAMES.length)).toBe(true);
    }),
    { numRuns: 500 },
  );
});
