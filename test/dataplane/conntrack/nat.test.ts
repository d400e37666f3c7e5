/**
 * NAT choices and packet rewrites on connection entries, checked by parsing the rewritten frames back
 * (describeFrame, checksums) — the expected tuples are worked out by hand from ROUTEROS-FLOW.md §4.
 */
import { ConnTable, ctPorts } from '../../../dataplane/conntrack/table';
import { snat, dnat, rewriteDst, rewriteSrc, NatChoice, portClass, pickAddress } from '../../../dataplane/conntrack/nat';
import { tupleOf, quotedTuple, TupleKind, TU } from '../../../dataplane/conntrack/tuple';
import { frame } from '../../../pcap/fixture';
import { describeFrame } from '../../../dataplane/wire/describe';
import { ipv4ChecksumOk, l4ChecksumOk4 } from '../../../dataplane/wire/checksum';

const ip = (s: string): number => s.split('.').reduce((a, b) => a * 256 + Number(b), 0);
const A = '02:00:00:00:00:0a';
const R = '02:00:00:00:00:01';
const ETH = 14;

function tcp(src: string, dst: string, sport: number, dport: number, flags = 'S'): Uint8Array {
  return frame().eth({ src: A, dst: R }).ipv4({ src, dst, id: 1, ttl: 64 }).tcp({ sport, dport, flags, seq: 1000 }).payload('x').build();
}

function track(ct: ConnTable, f: Uint8Array): { ref: number; id: number } {
  const tu = new Int32Array(4);
  expect(tupleOf(f, ETH, ETH + 20, f.length - ETH - 20, tu)).toBe(TupleKind.OK);
  const ref = ct.lookup(tu[TU.SRC]!, tu[TU.DST]!, tu[TU.PORTS]!, tu[TU.PROTO]!, 0);
  if (ref >= 0) return { ref, id: ref >> 1 };
  const id = ct.alloc(tu[TU.SRC]!, tu[TU.DST]!, tu[TU.PORTS]!, tu[TU.PROTO]!, 0, 60);
  return { ref: id * 2, id };
}

function valid(f: Uint8Array): boolean {
  const len = (f[ETH + 2]! << 8) | f[ETH + 3]!;
  return ipv4ChecksumOk(f, ETH) && l4ChecksumOk4(f, ETH, ETH + 20, len - 20, f[ETH + 9]!);
}

const line = (f: Uint8Array): string => describeFrame(f, 0, f.length, 1);

describe('source NAT (masquerade / src-nat)', () => {
  test('keeps the source port when the reply tuple is free; the reply is de-NATed back', () => {
    const ct = new ConnTable({ maxEntries: 16 });
    const syn = tcp('192.168.88.10', '93.184.216.34', 40000, 443);
    const { id, ref } = track(ct, syn);
    const ch = new NatChoice();
    expect(snat(ct, id, ip('198.51.100.2'), ip('198.51.100.2'), 0, 0, false, 0, ch)).toBe(true);
    expect(ch.port).toBe(40000);
    ct.confirm(id);
    rewriteSrc(ct, ref, syn, ETH, ETH + 20);
    expect(line(syn)).toBe('IP 198.51.100.2.40000 > 93.184.216.34.443: Flags [S], seq 1000:1001, win 65535, length 1');
    expect(valid(syn)).toBe(true);
    // The SYN/ACK comes back to the public address and is found as the reply direction.
    const synack = tcp('93.184.216.34', '198.51.100.2', 443, 40000, 'SA');
    const back = track(ct, synack);
    expect(back.ref).toBe(id * 2 + 1);
    expect(rewriteDst(ct, back.ref, synack, ETH, ETH + 20)).toBe(true);
    expect(line(synack)).toBe('IP 93.184.216.34.443 > 192.168.88.10.40000: Flags [S.], seq 1000:1001, ack 0, win 65535, length 1');
    expect(valid(synack)).toBe(true);
  });

  test('a second host with the same source port gets another port from the same class', () => {
    const ct = new ConnTable({ maxEntries: 16 });
    const ch = new NatChoice();
    const a = track(ct, tcp('192.168.88.10', '93.184.216.34', 40000, 443));
    snat(ct, a.id, ip('198.51.100.2'), ip('198.51.100.2'), 0, 0, false, 0, ch);
    ct.confirm(a.id);
    const f = tcp('192.168.88.11', '93.184.216.34', 40000, 443);
    const b = track(ct, f);
    expect(snat(ct, b.id, ip('198.51.100.2'), ip('198.51.100.2'), 0, 0, false, 0, ch)).toBe(true);
    expect(ch.port).not.toBe(40000);
    expect(ch.port).toBeGreaterThanOrEqual(1024);
    ct.confirm(b.id);
    rewriteSrc(ct, b.ref, f, ETH, ETH + 20);
    expect(line(f)).toBe(`IP 198.51.100.2.${ch.port} > 93.184.216.34.443: Flags [S], seq 1000:1001, win 65535, length 1`);
    expect(valid(f)).toBe(true);
    // Port classes follow Linux.
    expect(portClass(53)).toEqual([1, 511]);
    expect(portClass(700)).toEqual([600, 1023]);
  });

  test('to-ports: a port outside the range is moved into it; a full range fails', () => {
    const ct = new ConnTable({ maxEntries: 16 });
    const ch = new NatChoice();
    const pub = ip('198.51.100.2');
    const used: number[] = [];
    for (let k = 0; k < 3; k++) {
      const e = track(ct, tcp(`192.168.88.${20 + k}`, '93.184.216.34', 50000, 80));
      expect(snat(ct, e.id, pub, pub, 2000, 2002, false, 0, ch)).toBe(true);
      ct.confirm(e.id);
      used.push(ch.port);
    }
    expect(used.sort()).toEqual([2000, 2001, 2002]);
    const e = track(ct, tcp('192.168.88.30', '93.184.216.34', 50000, 80));
    expect(snat(ct, e.id, pub, pub, 2000, 2002, false, 0, ch)).toBe(false);
    expect(ch.port).toBe(-1);
  });

  test('ping ids are translated like ports and replies find their connection', () => {
    const ct = new ConnTable({ maxEntries: 16 });
    const ch = new NatChoice();
    const pub = ip('198.51.100.2');
    const ping = (src: string) => frame().eth({ src: A, dst: R }).ipv4({ src, dst: '8.8.8.8', id: 1 }).icmp({ type: 'echo-request', id: 7, seq: 1 }).payload('p').build();
    const p1 = ping('192.168.88.10');
    const e1 = track(ct, p1);
    snat(ct, e1.id, pub, pub, 0, 0, false, 0, ch);
    ct.confirm(e1.id);
    expect(ch.port).toBe(7);
    const p2 = ping('192.168.88.11');
    const e2 = track(ct, p2);
    snat(ct, e2.id, pub, pub, 0, 0, false, 0, ch);
    ct.confirm(e2.id);
    expect(ch.port).not.toBe(7);
    rewriteSrc(ct, e2.ref, p2, ETH, ETH + 20);
    expect(line(p2)).toBe(`IP 198.51.100.2 > 8.8.8.8: ICMP echo request, id ${ch.port}, seq 1, length 9`);
    expect(valid(p2)).toBe(true);
    const reply = frame().eth({ src: R, dst: A }).ipv4({ src: '8.8.8.8', dst: '198.51.100.2', id: 2 }).icmp({ type: 'echo-reply', id: ch.port, seq: 1 }).payload('p').build();
    const back = track(ct, reply);
    expect(back.ref).toBe(e2.id * 2 + 1);
    rewriteDst(ct, back.ref, reply, ETH, ETH + 20);
    expect(line(reply)).toBe('IP 8.8.8.8 > 192.168.88.11: ICMP echo reply, id 7, seq 1, length 9');
    expect(valid(reply)).toBe(true);
  });
});

describe('destination NAT (port forward)', () => {
  test('dst-nat to-addresses/to-ports rewrites the first packet and every later one; replies come from the public address', () => {
    const ct = new ConnTable({ maxEntries: 16 });
    const ch = new NatChoice();
    const f = tcp('203.0.113.9', '198.51.100.2', 51000, 8080);
    const e = track(ct, f);
    dnat(ct, e.id, ip('192.168.88.5'), ip('192.168.88.5'), 80, 80, ch);
    ct.confirm(e.id);
    rewriteDst(ct, e.ref, f, ETH, ETH + 20);
    expect(line(f)).toBe('IP 203.0.113.9.51000 > 192.168.88.5.80: Flags [S], seq 1000:1001, win 65535, length 1');
    expect(valid(f)).toBe(true);
    const r = tcp('192.168.88.5', '203.0.113.9', 80, 51000, 'SA');
    const back = track(ct, r);
    expect(back.ref).toBe(e.id * 2 + 1);
    rewriteSrc(ct, back.ref, r, ETH, ETH + 20);
    expect(line(r)).toBe('IP 198.51.100.2.8080 > 203.0.113.9.51000: Flags [S.], seq 1000:1001, ack 0, win 65535, length 1');
    expect(valid(r)).toBe(true);
  });

  test('an address range is chosen by a hash of the addresses: the same pair always gets the same address', () => {
    const lo = ip('10.0.0.10');
    const hi = ip('10.0.0.13');
    const a = pickAddress(lo, hi, ip('1.2.3.4'), ip('5.6.7.8'));
    expect(a).toBeGreaterThanOrEqual(lo);
    expect(a).toBeLessThanOrEqual(hi);
    expect(pickAddress(lo, hi, ip('1.2.3.4'), ip('5.6.7.8'))).toBe(a);
    const spread = new Set(Array.from({ length: 64 }, (_, k) => pickAddress(lo, hi, ip('1.2.3.4') + k, ip('5.6.7.8'))));
    expect(spread.size).toBe(4);
  });
});

test('an ICMP error quoting a packet yields the tuple of the connection it is about, inverted', () => {
  const inner = frame().ipv4({ src: '198.51.100.2', dst: '93.184.216.34', id: 9 }).udp({ sport: 5353, dport: 53 }).payload('q').build();
  const err = frame().eth({ src: R, dst: A }).ipv4({ src: '10.9.9.9', dst: '198.51.100.2', id: 3 }).icmp({ type: 'dest-unreachable', code: 3, quote: inner }).build();
  const tu = new Int32Array(4);
  expect(tupleOf(err, ETH, ETH + 20, err.length - ETH - 20, tu)).toBe(TupleKind.ICMP_ERROR);
  expect(quotedTuple(err, ETH + 20, err.length - ETH - 20, tu)).toBe(true);
  expect([tu[TU.SRC]! >>> 0, tu[TU.DST]! >>> 0, tu[TU.PORTS], tu[TU.PROTO]]).toEqual([ip('93.184.216.34'), ip('198.51.100.2'), ctPorts(53, 5353), 17]);
});

test('hairpin: dst-nat then src-nat on one connection compose; the reply is translated back on both sides', () => {
  const ct = new ConnTable({ maxEntries: 16 });
  const ch = new NatChoice();
  const f = tcp('192.168.88.20', '198.51.100.2', 50000, 8080);
  const e = track(ct, f);
  dnat(ct, e.id, ip('192.168.88.5'), ip('192.168.88.5'), 80, 80, ch);
  rewriteDst(ct, e.ref, f, ETH, ETH + 20);
  expect(snat(ct, e.id, ip('192.168.88.1'), ip('192.168.88.1'), 0, 0, false, 0, ch)).toBe(true);
  ct.confirm(e.id);
  rewriteSrc(ct, e.ref, f, ETH, ETH + 20);
  expect(line(f)).toBe('IP 192.168.88.1.50000 > 192.168.88.5.80: Flags [S], seq 1000:1001, win 65535, length 1');
  expect(valid(f)).toBe(true);
  // The server answers the router; the reply goes back to the client from the public address.
  const r = tcp('192.168.88.5', '192.168.88.1', 80, 50000, 'SA');
  const back = track(ct, r);
  expect(back.ref).toBe(e.id * 2 + 1);
  rewriteDst(ct, back.ref, r, ETH, ETH + 20);
  rewriteSrc(ct, back.ref, r, ETH, ETH + 20);
  expect(line(r)).toBe('IP 198.51.100.2.8080 > 192.168.88.20.50000: Flags [S.], seq 1000:1001, ack 0, win 65535, length 1');
  expect(valid(r)).toBe(true);
});
