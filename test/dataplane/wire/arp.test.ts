import {
  ARP_LEN, ArpOp, arpHlen, arpHtype, arpIsEthIpv4, arpMakeReply, arpOper, arpPlen, arpPtype, arpSetSpa, arpSetTpa, arpSpa, arpTpa,
  emitArp, parseArp, type ArpRepr,
} from '../../../dataplane/wire/arp';
import { macToString } from '../../../dataplane/wire/ethernet';
import { ipv4ToString } from '../../../dataplane/wire/ipv4';
import { isWireError } from '../../../dataplane/wire/error';
import { Drop } from '../../../dataplane/drop';
import { frame, mac } from '../../../pcap/fixture';
import { corpusFrames } from './corpus';
import { ethPayloadOffset } from '../../../dataplane/wire/ethernet';

describe('ARP', () => {
  const req = frame().eth({}).arp({ op: 'request', senderMac: '00:11:22:33:44:55', senderIp: '10.0.0.1', targetIp: '10.0.0.2' }).build().subarray(14);

  test('accessors on a built request', () => {
    expect(req.length).toBe(ARP_LEN);
    expect([arpHtype(req, 0), arpPtype(req, 0), arpHlen(req, 0), arpPlen(req, 0)]).toEqual([1, 0x0800, 6, 4]);
    expect(arpIsEthIpv4(req, 0)).toBe(true);
    expect(arpOper(req, 0)).toBe(ArpOp.REQUEST);
    expect(ipv4ToString(arpSpa(req, 0))).toBe('10.0.0.1');
    expect(ipv4ToString(arpTpa(req, 0))).toBe('10.0.0.2');
    const g = req.slice();
    arpSetSpa(g, 0, 0xc0a80001);
    arpSetTpa(g, 0, 0xffffffff);
    expect([arpSpa(g, 0), arpTpa(g, 0)]).toEqual([0xc0a80001, 0xffffffff]);
  });

  test('parse asserts every field; emit(parse(x)) == x', () => {
    const r = parseArp(req, 0, req.length) as ArpRepr;
    expect(r.op).toBe(1);
    expect(macToString(r.senderMac)).toBe('00:11:22:33:44:55');
    expect(r.senderIp).toBe(0x0a000001);
    expect(macToString(r.targetMac)).toBe('00:00:00:00:00:00');
    expect(r.targetIp).toBe(0x0a000002);
    const out = new Uint8Array(28);
    expect(emitArp(r, out, 0)).toBe(28);
    expect(out).toEqual(req);
  });

  test('arpMakeReply answers a request in place', () => {
    const g = req.slice();
    arpMakeReply(g, 0, mac('02:aa:bb:cc:dd:ee'), 0);
    const r = parseArp(g, 0, g.length) as ArpRepr;
    expect(r.op).toBe(ArpOp.REPLY);
    expect(macToString(r.senderMac)).toBe('02:aa:bb:cc:dd:ee');
    expect(ipv4ToString(r.senderIp)).toBe('10.0.0.2');
    expect(macToString(r.targetMac)).toBe('00:11:22:33:44:55');
    expect(ipv4ToString(r.targetIp)).toBe('10.0.0.1');
  });

  test('errors: truncated, other hardware/protocol', () => {
    expect((parseArp(req, 0, 27) as { drop: number }).drop).toBe(Drop.ARP_TRUNCATED);
    expect((parseArp(req, 0, 4) as { drop: number }).drop).toBe(Drop.ARP_TRUNCATED);
    const g = req.slice();
    g[1] = 6; // IEEE 802 hardware
    expect((parseArp(g, 0, g.length) as { drop: number }).drop).toBe(Drop.ARP_UNSUPPORTED);
    expect(arpIsEthIpv4(g, 0)).toBe(false);
  });

  test('every corpus ARP packet round-trips', () => {
    let n = 0;
    for (const c of corpusFrames()) {
      if (c.linkType !== 1) continue;
      const p = ethPayloadOffset(c.frame, 0, c.frame.length);
      if (((c.frame[p - 2]! << 8) | c.frame[p - 1]!) !== 0x0806) continue;
      const r = parseArp(c.frame, p, c.frame.length - p);
      if (isWireError(r)) throw new Error(`${c.file}#${c.index}: ${r}`);
      const out = new Uint8Array(28);
      emitArp(r, out, 0);
      expect(out).toEqual(c.frame.subarray(p, p + 28));
      n++;
    }
    expect(n).toBe(2 + 2 + 6); // arp-who-has, QinQ, dot1q
  });
});
