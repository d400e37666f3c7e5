/**
 * Per-stage behaviour of the packet flow, one frame at a time through a whole Flow (each stage's decision
 * shows as the frame's fate and the frames sent).
 */
import { generationFrom, harness } from './helpers';
import { derivedMac } from '../../../control/compile/generation';
import { frame } from '../../../pcap/fixture';
import { describeFrame } from '../../../dataplane/wire/describe';
import { macToString } from '../../../dataplane/wire/ethernet';
import { ipv4ChecksumOk } from '../../../dataplane/wire/checksum';

const R1 = '02:00:00:00:01:01';
const R2 = '02:00:00:00:02:01';
const A = '02:00:00:0a:00:0a';
const BASE = `/interface ethernet
set [ find default-name=ether1 ] mac-address=${R1}
set [ find default-name=ether2 ] mac-address=${R2}
/ip address
add address=10.0.1.1/24 interface=ether1
add address=10.0.2.1/24 interface=ether2
`;
const describe1 = (f: Uint8Array) => describeFrame(f, 0, f.length, 1);
const ping = (dst: string, o: { ttl?: number; src?: string; dmac?: string } = {}) =>
  frame().eth({ src: A, dst: o.dmac ?? R1 }).ipv4({ src: o.src ?? '10.0.1.10', dst, ttl: o.ttl ?? 64 }).icmp({ type: 'echo-request', id: 1, seq: 1 }).build();
const udp = (dst: string, o: { src?: string } = {}) =>
  frame().eth({ src: A, dst: R1 }).ipv4({ src: o.src ?? '10.0.1.10', dst }).udp({ sport: 1000, dport: 2000 }).payload('x').build();

describe('generation', () => {
  test('ports, MACs (configured, else derived from the name), addresses, FIB with locals', () => {
    const gen = generationFrom(BASE);
    expect(gen.portNames.slice(0, 3)).toEqual(['ether1', 'ether2', 'ether3']);
    expect(macToString(gen.macs, 0)).toBe(R1);
    const m3 = derivedMac('ether3');
    expect(macToString(gen.macs, 12)).toBe(macToString(m3));
    expect(m3[0]).toBe(0x02); // locally administered, unicast
    expect(macToString(derivedMac('ether3'))).toBe(macToString(m3)); // stable
    expect(macToString(derivedMac('ether4'))).not.toBe(macToString(m3));
    expect(gen.ifAddr[0]).toBe(0x0a000101);
    const fib = gen.fibs[gen.mainTable]!;
    expect(gen.nextHops.kind[fib.lookup(0x0a000101)]).toBe(5); // local
    expect(gen.nextHops.kind[fib.lookup(0x0a0001ff)]).toBe(6); // subnet broadcast
    expect(gen.nextHops.kind[fib.lookup(0x0a000105)]).toBe(1); // connected: forward on-link
  });

  test('bridge ports are marked, arp modes are read', () => {
    const gen = generationFrom(`/interface bridge\nadd name=br1\n/interface bridge port\nadd bridge=br1 interface=ether3\n/interface ethernet\nset [ find default-name=ether2 ] arp=reply-only\n`);
    expect(gen.ifMode[gen.routes.interfaces.byName.get('ether3')!]).toBe(2);
    expect(gen.ifMode[gen.routes.interfaces.byName.get('ether1')!]).toBe(1);
    expect(gen.arpMode[gen.routes.interfaces.byName.get('ether2')!]).toBe(3);
  });
});

describe('ethernet-input', () => {
  const gen = generationFrom(`${BASE}/interface bridge\nadd name=br1\n/interface bridge port\nadd bridge=br1 interface=ether3\n`);
  test.each([
    ['tagged frame', 'ether1', frame().eth({ src: A, dst: R1 }).vlan(10).ipv4({ src: '10.0.1.10', dst: '10.0.2.2' }).udp({ sport: 1, dport: 2 }).build(), 'drop vlan-unknown'],
    ['bridge port: unknown unicast, no other port to flood to', 'ether3', ping('10.0.2.2'), 'drop bridge-no-flood-port'],
    ['IPv6', 'ether1', frame().eth({ src: A, dst: R1 }).ipv6({ src: 'fe80::1', dst: 'fe80::2' }).udp({ sport: 1, dport: 2 }).build(), 'drop ipv6-not-implemented'],
    ['LLDP', 'ether1', frame().eth({ src: A, dst: '01:80:c2:00:00:0e', type: 0x88cc }).payload(new Uint8Array(46)).build(), 'drop unknown-ethertype'],
    ['other host', 'ether1', ping('10.0.2.2', { dmac: '02:00:00:00:00:99' }), 'drop not-for-router'],
    ['truncated', 'ether1', ping('10.0.2.2').slice(0, 20), 'drop ipv4-truncated'],
    ['limited broadcast', 'ether1', frame().eth({ src: A, dst: 'ff:ff:ff:ff:ff:ff' }).ipv4({ src: '0.0.0.0', dst: '255.255.255.255' }).udp({ sport: 68, dport: 67 }).payload('dhcp').build(), 'drop udp-port-unreachable'], // reaches local-in: no DHCP server, no ICMP to a broadcast
  ])('%s', (_what, port, f, fate) => {
    const h = harness(gen);
    expect(h.feed(port, f)).toBe(fate);
  });
});

describe('ip4-input', () => {
  const gen = generationFrom(BASE);
  test.each([
    ['127.0.0.1', '10.0.2.2', 'drop martian-source'],
    ['224.0.0.5', '10.0.2.2', 'drop martian-source'],
    ['0.0.0.0', '10.0.2.2', 'drop martian-source'],
    ['10.0.2.1', '10.0.2.2', 'drop martian-source'], // the router's own address, from outside
    ['10.0.1.10', '0.1.2.3', 'drop martian-destination'],
    ['10.0.1.10', '127.0.0.1', 'drop martian-destination'],
  ])('%s -> %s', (src, dst, fate) => {
    expect(harness(gen).feed('ether1', udp(dst, { src }))).toBe(fate);
  });
  test('bad header checksum', () => {
    const f = frame().eth({ src: A, dst: R1 }).ipv4({ src: '10.0.1.10', dst: '10.0.2.2', badChecksum: true }).udp({ sport: 1, dport: 2 }).build();
    expect(harness(gen).feed('ether1', f)).toBe('drop ipv4-bad-checksum');
  });
});

describe('arp-input', () => {
  const req = (tpa: string, spa = '10.0.1.10') => frame().eth({ src: A, dst: 'ff:ff:ff:ff:ff:ff' }).arp({ op: 'request', senderMac: A, senderIp: spa, targetIp: tpa }).pad().build();
  test('answers for its own address on the interface only', () => {
    const h = harness(generationFrom(BASE));
    expect(h.feed('ether1', req('10.0.1.1'))).toBe('tx ether1');
    expect(describe1(h.sent[0]!.frame)).toBe('ARP, Reply 10.0.1.1 is-at 02:00:00:00:01:01, length 46');
    expect(h.feed('ether1', req('10.0.2.1'))).toBe('drop arp-ignored'); // ether2's address asked on ether1
    expect(h.feed('ether1', req('10.0.1.77'))).toBe('drop arp-ignored');
  });
  test('arp=disabled ignores everything; reply-only answers but learns nothing', () => {
    const dis = harness(generationFrom(BASE + '/interface ethernet\nset [ find default-name=ether1 ] arp=disabled\n'));
    expect(dis.feed('ether1', req('10.0.1.1'))).toBe('drop arp-ignored');
    const ro = harness(generationFrom(BASE + '/interface ethernet\nset [ find default-name=ether1 ] arp=reply-only\n'));
    expect(ro.feed('ether1', req('10.0.1.1'))).toBe('tx ether1');
    expect(ro.flow.state.arp.lookup(0x0a00010a, 0)).toBe(-1);
    // ... and cannot resolve A dynamically:
    expect(ro.feed('ether2', frame().eth({ src: '02:00:00:0b:00:01', dst: R2 }).ipv4({ src: '10.0.2.20', dst: '10.0.1.10' }).udp({ sport: 1, dport: 2 }).build())).toBe('drop arp-resolve-disabled');
  });
  test('a published static entry is answered with the router MAC', () => {
    const h = harness(generationFrom(BASE + '/ip arp\nadd address=10.0.1.50 mac-address=02:00:00:00:00:50 interface=ether1 published=yes\n'));
    expect(h.feed('ether1', req('10.0.1.50'))).toBe('tx ether1');
    expect(describe1(h.sent[0]!.frame)).toBe('ARP, Reply 10.0.1.50 is-at 02:00:00:00:01:01, length 46');
  });
});

describe('routing', () => {
  test('blackhole, and forwarding via a gateway (ARP for the gateway, not the destination)', () => {
    const gen = generationFrom(BASE + '/ip route\nadd dst-address=192.0.2.0/24 blackhole\nadd dst-address=198.51.100.0/24 gateway=10.0.2.254\n');
    const h = harness(gen);
    expect(h.feed('ether1', udp('192.0.2.7'))).toBe('drop route-blackhole');
    expect(h.sent.length).toBe(0); // silent
    expect(h.feed('ether1', udp('198.51.100.7'))).toBe('queued');
    expect(describe1(h.sent[0]!.frame)).toBe('ARP, Request who-has 10.0.2.254 tell 10.0.2.1, length 46');
  });
  test('ECMP: two gateways both carry traffic, each flow sticks to one', () => {
    const gen = generationFrom(BASE + '/ip route\nadd dst-address=198.51.100.0/24 gateway=10.0.2.253,10.0.2.254\n/ip arp\nadd address=10.0.2.253 mac-address=02:00:00:00:02:53 interface=ether2\nadd address=10.0.2.254 mac-address=02:00:00:00:02:54 interface=ether2\n');
    const h = harness(gen);
    const dst = new Map<string, string>();
    for (let i = 0; i < 64; i++) {
      const d = `198.51.100.${i}`;
      expect(h.feed('ether1', udp(d))).toBe('tx ether2');
      dst.set(d, macToString(h.sent[h.sent.length - 1]!.frame, 0));
      h.feed('ether1', udp(d));
      expect(macToString(h.sent[h.sent.length - 1]!.frame, 0)).toBe(dst.get(d));
    }
    expect(new Set(dst.values())).toEqual(new Set(['02:00:00:00:02:53', '02:00:00:00:02:54']));
  });
  test('no route: ICMP net unreachable from the receiving interface', () => {
    const h = harness(generationFrom(BASE + '/ip arp\nadd address=10.0.1.10 mac-address=' + A + ' interface=ether1\n'));
    expect(h.feed('ether1', udp('203.0.113.9'))).toBe('drop no-route');
    expect(describe1(h.sent[0]!.frame)).toBe('IP 10.0.1.1 > 10.0.1.10: ICMP net 203.0.113.9 unreachable, length 37');
  });
});

describe('ip4-forward, arp-resolve, ip4-rewrite', () => {
  const gen = generationFrom(BASE + '/ip arp\nadd address=10.0.2.20 mac-address=02:00:00:0b:00:14 interface=ether2\n');
  test('TTL 2 is forwarded with TTL 1 and a valid checksum; TTL 1 and 0 are not', () => {
    const h = harness(gen, { icmp: false });
    expect(h.feed('ether1', ping('10.0.2.20', { ttl: 2 }))).toBe('tx ether2');
    const f = h.sent[0]!.frame;
    expect(f[14 + 8]).toBe(1);
    expect(ipv4ChecksumOk(f, 14)).toBe(true);
    expect(macToString(f, 0)).toBe('02:00:00:0b:00:14');
    expect(macToString(f, 6)).toBe(R2);
    expect(h.feed('ether1', ping('10.0.2.20', { ttl: 1 }))).toBe('drop ttl-exceeded');
    expect(h.feed('ether1', ping('10.0.2.20', { ttl: 0 }))).toBe('drop ttl-exceeded');
    expect(h.sent.length).toBe(1); // icmp: false
  });
  test('the ARP queue holds what fits in Linux unres_qlen_bytes (101 full-size frames); the next pushes the oldest out', () => {
    const h = harness(generationFrom(BASE));
    const big = frame().eth({ src: A, dst: R1 }).ipv4({ src: '10.0.1.10', dst: '10.0.2.30' }).udp({ sport: 1000, dport: 2000 }).payload(new Uint8Array(1472)).build();
    expect(big.length).toBe(1514);
    const fates = Array.from({ length: 102 }, (_, i) => h.feed('ether1', big, i));
    expect(fates.every((f) => f === 'queued')).toBe(true);
    expect(h.finals.get(1)).toBe('drop arp-queue-overflow');
    expect(h.finals.size).toBe(1);
    expect(h.flow.state.waiting).toBe(101);
    expect(h.sent.filter((s) => describe1(s.frame).startsWith('ARP')).length).toBe(1); // one request while in progress
    // The answer releases the 101 others in order.
    h.feed('ether2', frame().eth({ src: '02:00:00:0b:00:30', dst: R2 }).arp({ op: 'reply', senderMac: '02:00:00:0b:00:30', senderIp: '10.0.2.30', targetMac: R2, targetIp: '10.0.2.1' }).pad().build(), 500);
    expect(Array.from({ length: 101 }, (_, i) => h.finals.get(i + 2))).toEqual(Array(101).fill('tx ether2'));
    expect(h.flow.state.waiting).toBe(0);
  });
});

test('without the placeholder stages the same packets get the same fates', () => {
  const gen = generationFrom(BASE + '/ip arp\nadd address=10.0.2.20 mac-address=02:00:00:0b:00:14 interface=ether2\nadd address=10.0.1.10 mac-address=' + A + ' interface=ether1\n');
  const a = harness(gen);
  const b = harness(gen, { placeholders: false });
  for (const f of [ping('10.0.2.20'), ping('10.0.1.1'), udp('10.9.9.9'), ping('10.0.2.20', { ttl: 1 })]) expect(b.feed('ether1', f)).toBe(a.feed('ether1', f));
  expect(b.sent.map((s) => describe1(s.frame))).toEqual(a.sent.map((s) => describe1(s.frame)));
  expect(b.flow.graph.stages.length).toBeLessThan(a.flow.graph.stages.length);
});

describe('ip4-fragment', () => {
  const gen = generationFrom(BASE + '/interface ethernet\nset [ find default-name=ether2 ] mtu=576\n/ip arp\nadd address=10.0.2.20 mac-address=02:00:00:0b:00:14 interface=ether2\nadd address=10.0.1.10 mac-address=' + A + ' interface=ether1\n');
  const big = (df: boolean) =>
    frame().eth({ src: A, dst: R1 }).ipv4({ src: '10.0.1.10', dst: '10.0.2.20', id: 0x4242, df }).udp({ sport: 1000, dport: 2000 }).payload(new Uint8Array(1000).fill(7)).build();
  test('DF clear: fragments out of ether2 in order, each with TTL 63 and a valid checksum', () => {
    const h = harness(gen);
    expect(h.feed('ether1', big(false))).toBe('tx ether2');
    expect(h.sent.map((s) => describe1(s.frame))).toEqual([
      'IP 10.0.1.10.1000 > 10.0.2.20.2000: UDP, length 1000 (frag 16962:552@0+)',
      'IP 10.0.1.10 > 10.0.2.20: ip-proto-17 (frag 16962:456@552)',
    ]);
    for (const s of h.sent) {
      expect(s.port).toBe('ether2');
      expect(ipv4ChecksumOk(s.frame, 14)).toBe(true);
      expect(s.frame[14 + 8]).toBe(63);
      expect(macToString(s.frame, 0)).toBe('02:00:00:0b:00:14');
      expect(s.frame.length - 14).toBeLessThanOrEqual(576);
    }
  });
  test('DF set: fragmentation-needed and ICMP 3/4 with the MTU back to the sender', () => {
    const h = harness(gen);
    expect(h.feed('ether1', big(true))).toBe('drop fragmentation-needed');
    expect(h.sent.length).toBe(1);
    expect(h.sent[0]!.port).toBe('ether1');
    expect(describe1(h.sent[0]!.frame)).toContain('ICMP 10.0.2.20 unreachable - need to frag (mtu 576)');
  });
});

describe('VRF', () => {
  const gen = generationFrom(
    BASE +
      '/ip vrf\nadd name=blue interfaces=ether3\n/ip address\nadd address=10.0.3.1/24 interface=ether3\n' +
      '/ip arp\nadd address=10.0.2.20 mac-address=02:00:00:0b:00:14 interface=ether2\n',
  );
  const mac3 = macToString(gen.macs, 12);
  const fromBlue = (dst: string) => frame().eth({ src: '02:00:00:0c:00:01', dst: mac3 }).ipv4({ src: '10.0.3.10', dst }).udp({ sport: 1, dport: 2 }).payload('v').build();
  test('an interface in a VRF routes in its table only: main\'s networks are not reachable', () => {
    const h = harness(gen, { icmp: false });
    expect(h.feed('ether3', fromBlue('10.0.2.20'))).toBe('drop no-route');
    expect(h.feed('ether3', fromBlue('10.0.3.1'))).toBe('drop udp-port-unreachable'); // local-in: delivered, no service on the port
    expect(h.feed('ether3', fromBlue('10.0.1.1'))).toBe('drop no-route'); // main's address is not local in blue
  });
  test('a route leaked into the VRF with gateway@main forwards', () => {
    const leak = generationFrom(
      BASE +
        '/ip vrf\nadd name=blue interfaces=ether3\n/ip address\nadd address=10.0.3.1/24 interface=ether3\n' +
        '/ip route\nadd dst-address=10.0.2.0/24 gateway=10.0.2.20@main routing-table=blue\n' +
        '/ip arp\nadd address=10.0.2.20 mac-address=02:00:00:0b:00:14 interface=ether2\n',
    );
    const h = harness(leak, { icmp: false });
    expect(h.feed('ether3', fromBlue('10.0.2.20'))).toBe('tx ether2');
  });
});
