import {
  Arphrd, LinkType, SLL2_HEADER_LEN, SLL_HEADER_LEN, SllPacketType, emitSll, parseSll, parseSll2, sll2HaType, sll2IfIndex, sll2PacketType,
  sll2Protocol, sllHaLen, sllHaType, sllHeaderLen, sllPacketType, sllProtocol, type SllRepr,
} from '../../../dataplane/wire/sll';
import { isWireError } from '../../../dataplane/wire/error';
import { Drop } from '../../../dataplane/drop';
import { frame } from '../../../pcap/fixture';
import { framesOf } from './corpus';

describe('Linux cooked capture', () => {
  test('the corpus SLL handshake', () => {
    const fs = framesOf('tcpdump__tcp-handshake-nano.pcap');
    expect(fs.length).toBe(3);
    for (const f of fs) {
      expect(f.linkType).toBe(LinkType.LINUX_SLL);
      const r = parseSll(f.frame, 0, f.frame.length) as SllRepr;
      expect(r.version).toBe(1);
      expect(r.protocol).toBe(0x0800);
      // captured on a PPP link: ARPHRD_PPP, no link-layer address
      expect(r.haType).toBe(Arphrd.PPP);
      expect(r.addrLen).toBe(0);
      expect(r.addr.length).toBe(0);
      expect(sllProtocol(f.frame, 0)).toBe(0x0800);
      expect(sllHaType(f.frame, 0)).toBe(512);
      const out = new Uint8Array(SLL_HEADER_LEN);
      emitSll(r, out, 0);
      expect(out).toEqual(f.frame.subarray(0, 16));
    }
    // first packet was sent by the capturing host, the reply came in
    expect(sllPacketType(fs[0]!.frame, 0)).toBe(SllPacketType.OUTGOING);
    expect(sllPacketType(fs[1]!.frame, 0)).toBe(SllPacketType.HOST);
  });

  test('SLL v1 built, parsed, every field', () => {
    const f = frame().sll({ packetType: 1, addr: '00:11:22:33:44:55' }).ipv4({ src: '1.1.1.1', dst: '2.2.2.2' }).build();
    expect(sllPacketType(f, 0)).toBe(1);
    expect(sllHaLen(f, 0)).toBe(6);
    const r = parseSll(f, 0, f.length) as SllRepr;
    expect(r).toEqual({ version: 1, packetType: 1, haType: 1, addrLen: 6, addr: Uint8Array.of(0, 0x11, 0x22, 0x33, 0x44, 0x55), protocol: 0x0800, ifIndex: 0 });
    expect(sllHeaderLen(r)).toBe(16);
    expect((parseSll(f, 0, 15) as { drop: number }).drop).toBe(Drop.SLL_TRUNCATED);
  });

  test('SLL2 built, parsed, emitted', () => {
    const f = frame().sll({ version: 2, packetType: 4, ifIndex: 7, addr: '02:00:00:00:00:09' }).ipv6({ src: '::1', dst: '::2' }).build();
    expect(sll2Protocol(f, 0)).toBe(0x86dd);
    expect(sll2IfIndex(f, 0)).toBe(7);
    expect(sll2HaType(f, 0)).toBe(1);
    expect(sll2PacketType(f, 0)).toBe(4);
    const r = parseSll2(f, 0, f.length) as SllRepr;
    expect(r.version).toBe(2);
    expect(r.ifIndex).toBe(7);
    expect(r.protocol).toBe(0x86dd);
    expect(sllHeaderLen(r)).toBe(SLL2_HEADER_LEN);
    const out = new Uint8Array(20);
    emitSll(r, out, 0);
    expect(out).toEqual(f.subarray(0, 20));
    expect(isWireError(parseSll2(f, 0, 19))).toBe(true);
  });
});
