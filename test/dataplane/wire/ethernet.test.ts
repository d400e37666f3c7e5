import {
  ETH_HEADER_LEN, EtherType, MAX_VLAN_TAGS, emitEthernet, ethDstIsBroadcast, ethDstIsMulticast, ethEtherType, ethPayloadOffset,
  ethSetEtherType, ethSwapMacs, ethernetHeaderLen, isVlanTpid, macCopy, macEquals, macHi16, macLo32, macParse, macSet,
  macToString, parseEthernet, vlanDei, vlanPcp, vlanSetPcp, vlanSetVid, vlanTci, vlanTpid, vlanVid, type EthernetRepr,
} from '../../../dataplane/wire/ethernet';
import { isWireError } from '../../../dataplane/wire/error';
import { Drop } from '../../../dataplane/drop';
import { frame } from '../../../pcap/fixture';
import { corpusFrames, framesOf } from './corpus';

const SRC = '02:00:00:00:00:01';
const DST = '00:11:22:33:44:55';

describe('ethernet accessors', () => {
  const f = frame().eth({ src: SRC, dst: DST }).ipv4({ src: '10.0.0.1', dst: '10.0.0.2' }).udp({ sport: 1, dport: 2 }).build();

  test('fields', () => {
    expect(macToString(f, 0)).toBe(DST);
    expect(macToString(f, 6)).toBe(SRC);
    expect(ethEtherType(f, 0)).toBe(EtherType.IPV4);
    expect(ethDstIsMulticast(f, 0)).toBe(false);
    expect(ethDstIsBroadcast(f, 0)).toBe(false);
    expect(macHi16(f, 0)).toBe(0x0011);
    expect(macLo32(f, 0)).toBe(0x22334455);
    expect(macLo32(Uint8Array.of(0, 0, 0xff, 0xff, 0xff, 0xff), 0)).toBe(0xffffffff);
    expect(ethPayloadOffset(f, 0, f.length)).toBe(ETH_HEADER_LEN);
  });

  test('setters and MAC helpers', () => {
    const g = f.slice();
    ethSetEtherType(g, 0, 0x86dd);
    expect(ethEtherType(g, 0)).toBe(0x86dd);
    macSet(g, 0, 0xffff, 0xffffffff);
    expect(ethDstIsBroadcast(g, 0)).toBe(true);
    expect(ethDstIsMulticast(g, 0)).toBe(true);
    macSet(g, 0, 0x0100, 0x5e000001);
    expect(macToString(g, 0)).toBe('01:00:5e:00:00:01');
    expect(ethDstIsMulticast(g, 0)).toBe(true);
    expect(ethDstIsBroadcast(g, 0)).toBe(false);
    macCopy(g, 0, f, 6);
    expect(macEquals(g, 0, f, 6)).toBe(true);
    expect(macEquals(g, 0, f, 0)).toBe(false);
    const h = f.slice();
    ethSwapMacs(h, 0);
    expect(macToString(h, 0)).toBe(SRC);
    expect(macToString(h, 6)).toBe(DST);
  });

  test('macParse accepts the usual spellings and rejects junk', () => {
    for (const s of ['00:11:22:33:44:55', '00-11-22-33-44-55', '0011.2233.4455', '001122334455', ' 00:11:22:33:44:55 ']) {
      expect(macToString(macParse(s) as Uint8Array)).toBe(DST);
    }
    expect(macToString(macParse('2:0:0:0:0:1') as Uint8Array)).toBe(SRC);
    for (const s of ['', '00:11:22:33:44', '00:11:22:33:44:55:66', 'zz:11:22:33:44:55', '001122334455x']) expect(isWireError(macParse(s))).toBe(true);
  });
});

describe('VLAN tags', () => {
  test('802.1Q tag fields', () => {
    const f = frame().eth({ src: SRC, dst: DST }).vlan(123, { pcp: 5, dei: 1 }).ipv4({ src: '1.1.1.1', dst: '2.2.2.2' }).build();
    expect(ethEtherType(f, 0)).toBe(0x8100);
    expect(vlanTpid(f, 12)).toBe(0x8100);
    expect(vlanVid(f, 12)).toBe(123);
    expect(vlanPcp(f, 12)).toBe(5);
    expect(vlanDei(f, 12)).toBe(1);
    expect(vlanTci(f, 12)).toBe((5 << 13) | (1 << 12) | 123);
    expect(ethPayloadOffset(f, 0, f.length)).toBe(18);
    vlanSetVid(f, 12, 4094);
    vlanSetPcp(f, 12, 2);
    expect([vlanVid(f, 12), vlanPcp(f, 12), vlanDei(f, 12)]).toEqual([4094, 2, 1]);
  });

  test('QinQ with 0x88a8 and 0x9100 outer tags, up to four tags', () => {
    expect([0x8100, 0x88a8, 0x9100, 0x0800].map(isVlanTpid)).toEqual([true, true, true, false]);
    const q = frame().eth({}).qinq(200, 2001).payload(4, 0x0800).build();
    const r = parseEthernet(q, 0, q.length) as EthernetRepr;
    expect(r.tags).toEqual([
      { tpid: 0x88a8, pcp: 0, dei: 0, vid: 200 },
      { tpid: 0x8100, pcp: 0, dei: 0, vid: 2001 },
    ]);
    expect(r.etherType).toBe(0x0800);
    expect(ethernetHeaderLen(r)).toBe(22);
    const four = frame().eth({}).vlan(1, { tpid: 0x9100 }).vlan(2, { tpid: 0x88a8 }).vlan(3).vlan(4).payload(2, 0x0806).build();
    expect(ethPayloadOffset(four, 0, four.length)).toBe(30);
    expect((parseEthernet(four, 0, four.length) as EthernetRepr).tags.map((t) => t.vid)).toEqual([1, 2, 3, 4]);
    const five = frame().eth({}).vlan(1).vlan(2).vlan(3).vlan(4).vlan(5).payload(2, 0x0800).build();
    expect(MAX_VLAN_TAGS).toBe(4);
    expect(ethPayloadOffset(five, 0, five.length)).toBe(-1);
    const e = parseEthernet(five, 0, five.length);
    expect(isWireError(e) && e.drop).toBe(Drop.VLAN_TOO_DEEP);
  });

  test('truncated header and tags are errors', () => {
    const f = frame().eth({}).vlan(7).ipv4({ src: '1.1.1.1', dst: '2.2.2.2' }).build();
    expect((parseEthernet(f, 0, 13) as { drop: number }).drop).toBe(Drop.ETHERNET_TRUNCATED);
    expect((parseEthernet(f, 0, 17) as { drop: number }).drop).toBe(Drop.VLAN_TRUNCATED);
    expect(ethPayloadOffset(f, 0, 17)).toBe(-1);
    expect(ethPayloadOffset(f, 0, 13)).toBe(-1);
    expect(isWireError(parseEthernet(f, 0, 18))).toBe(false);
  });
});

describe('EthernetRepr', () => {
  test('build, parse, assert every field, emit equals input', () => {
    const f = frame().eth({ src: SRC, dst: DST }).vlan(10, { pcp: 3 }).arp({ senderMac: SRC, senderIp: '10.0.0.1', targetIp: '10.0.0.2' }).build();
    const r = parseEthernet(f, 0, f.length) as EthernetRepr;
    expect(macToString(r.dst)).toBe(DST);
    expect(macToString(r.src)).toBe(SRC);
    expect(r.tags).toEqual([{ tpid: 0x8100, pcp: 3, dei: 0, vid: 10 }]);
    expect(r.etherType).toBe(EtherType.ARP);
    const out = new Uint8Array(ethernetHeaderLen(r));
    expect(emitEthernet(r, out, 0)).toBe(18);
    expect(out).toEqual(f.subarray(0, 18));
  });

  test('emit(parse(x)) == x for every Ethernet corpus frame header', () => {
    const eth = corpusFrames().filter((c) => c.linkType === 1);
    expect(eth.length).toBeGreaterThan(80);
    for (const c of eth) {
      const r = parseEthernet(c.frame, 0, c.frame.length);
      if (isWireError(r)) throw new Error(`${c.file}#${c.index}: ${r}`);
      const hl = ethernetHeaderLen(r);
      const out = new Uint8Array(hl);
      emitEthernet(r, out, 0);
      expect(out).toEqual(c.frame.subarray(0, hl));
    }
    const qinq = framesOf('tcpdump__802.1ad_QinQ.pcap')[0]!;
    expect((parseEthernet(qinq.frame, 0, qinq.frame.length) as EthernetRepr).tags.map((t) => [t.tpid, t.vid])).toEqual([
      [0x88a8, 200],
      [0x8100, 2001],
    ]);
  });
});
