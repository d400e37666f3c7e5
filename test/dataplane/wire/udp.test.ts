import { emitUdp, parseUdp, udpChecksumField, udpDstPort, udpLength, udpSetChecksum, udpSetDstPort, udpSetLength, udpSetSrcPort, udpSrcPort, type UdpRepr } from '../../../dataplane/wire/udp';
import { l4ChecksumOk4, l4ChecksumOk6 } from '../../../dataplane/wire/checksum';
import { isWireError } from '../../../dataplane/wire/error';
import { Drop } from '../../../dataplane/drop';
import { frame } from '../../../pcap/fixture';
import { framesOf } from './corpus';

describe('UDP', () => {
  test('accessors, Repr, checksums over IPv4 and IPv6', () => {
    const p = frame().ipv4({ src: '192.168.1.11', dst: '209.87.249.18' }).udp({ sport: 43966, dport: 53 }).payload(35).build();
    const u = p.subarray(20);
    expect([udpSrcPort(u, 0), udpDstPort(u, 0), udpLength(u, 0)]).toEqual([43966, 53, 43]);
    expect(l4ChecksumOk4(p, 0, 20, 43, 17)).toBe(true);
    const r = parseUdp(u, 0, u.length) as UdpRepr;
    expect(r).toEqual({ srcPort: 43966, dstPort: 53, length: 43, checksum: udpChecksumField(u, 0) });
    const out = new Uint8Array(8);
    expect(emitUdp(r, out, 0)).toBe(8);
    expect(out).toEqual(u.subarray(0, 8));
    const p6 = frame().ipv6({ src: '2001:db8::1', dst: '2001:db8::2' }).udp({ sport: 1, dport: 2 }).payload(3).build();
    expect(l4ChecksumOk6(p6, 0, 40, 11, 17)).toBe(true);
  });

  test('checksum 0 means none over IPv4, invalid over IPv6', () => {
    const p = frame().ipv4({ src: '1.1.1.1', dst: '2.2.2.2' }).udp({ sport: 1, dport: 2, checksum: 0 }).payload(3).build();
    expect(l4ChecksumOk4(p, 0, 20, 11, 17)).toBe(true);
    const p6 = frame().ipv6({ src: '::1', dst: '::2' }).udp({ sport: 1, dport: 2, checksum: 0 }).payload(3).build();
    expect(l4ChecksumOk6(p6, 0, 40, 11, 17)).toBe(false);
  });

  test('setters and errors', () => {
    const u = new Uint8Array(8);
    udpSetSrcPort(u, 0, 65535);
    udpSetDstPort(u, 0, 1);
    udpSetLength(u, 0, 8);
    udpSetChecksum(u, 0, 0xbeef);
    expect([udpSrcPort(u, 0), udpDstPort(u, 0), udpLength(u, 0), udpChecksumField(u, 0)]).toEqual([65535, 1, 8, 0xbeef]);
    expect((parseUdp(u, 0, 7) as { drop: number }).drop).toBe(Drop.UDP_TRUNCATED);
    udpSetLength(u, 0, 7);
    expect((parseUdp(u, 0, 8) as { drop: number }).drop).toBe(Drop.UDP_BAD_LENGTH);
    udpSetLength(u, 0, 9);
    expect((parseUdp(u, 0, 8) as { drop: number }).drop).toBe(Drop.UDP_BAD_LENGTH);
    expect(isWireError(parseUdp(u, 0, 8, true))).toBe(false); // a first fragment's datagram goes on
  });

  test('corpus DNS and DHCP datagrams round-trip', () => {
    for (const c of [...framesOf('tcpdump__dns_udp.pcap'), ...framesOf('tcpdump__dhcp-option-108.pcapng')]) {
      const o = 14 + 20;
      const r = parseUdp(c.frame, o, c.frame.length - o) as UdpRepr;
      expect(r.length).toBe(c.frame.length - o);
      const out = new Uint8Array(8);
      emitUdp(r, out, 0);
      expect(out).toEqual(c.frame.subarray(o, o + 8));
    }
  });
});
