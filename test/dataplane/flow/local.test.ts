/**
 * ARP timeouts, ICMP settings and local delivery through a whole Flow, one frame at a time (the scenarios
 * arp-proxy, icmp-router and frag-needed tell the longer stories).
 */
import { generationFrom, harness } from './helpers';
import { frame } from '../../../pcap/fixture';
import { describeFrame } from '../../../dataplane/wire/describe';
import { parseIpv4 } from '../../../dataplane/wire/ipv4';
import { isWireError } from '../../../dataplane/wire/error';
import { ArpState } from '../../../dataplane/tables/arp-table';

const R1 = '02:00:00:00:01:01';
const R2 = '02:00:00:00:02:01';
const R3 = '02:00:00:00:03:01';
const A = '02:00:00:0a:00:0a';
const B = '02:00:00:0b:00:14';
const BASE = `/interface ethernet
set [ find default-name=ether1 ] mac-address=${R1}
set [ find default-name=ether2 ] mac-address=${R2}
set [ find default-name=ether3 ] mac-address=${R3}
/ip address
add address=10.0.1.1/24 interface=ether1
add address=10.0.2.1/24 interface=ether2
add address=10.0.3.1/24 interface=ether3
/ip arp
add address=10.0.1.10 interface=ether1 mac-address=${A}
`;
const describe1 = (f: Uint8Array) => describeFrame(f, 0, f.length, 1);
const udp = (dst: string, dport: number, o: { dmac?: string; ttl?: number; id?: number; badChecksum?: boolean } = {}) =>
  frame().eth({ src: A, dst: o.dmac ?? R1 }).ipv4({ src: '10.0.1.10', dst, ttl: o.ttl ?? 64, id: o.id ?? 1 }).udp({ sport: 1000, dport, ...(o.badChecksum ? { badChecksum: true } : {}) }).payload('x').build();
const ping = (dst: string, seq: number, dmac = R1) => frame().eth({ src: A, dst: dmac }).ipv4({ src: '10.0.1.10', dst }).icmp({ type: 'echo-request', id: 9, seq }).payload('p').build();

describe('ARP timeouts', () => {
  const cfg = BASE + '/ip settings\nset arp-timeout=10s\n/interface ethernet\nset [ find default-name=ether2 ] arp-timeout=1m\n';
  const learn = (h: ReturnType<typeof harness>) => {
    expect(h.feed('ether1', udp('10.0.2.20', 9), 0)).toBe('queued');
    h.feed('ether2', frame().eth({ src: B, dst: R2 }).arp({ op: 'reply', senderMac: B, senderIp: '10.0.2.20', targetMac: R2, targetIp: '10.0.2.1' }).pad().build(), 100);
    return h.flow.state.arp.lookup(0x0a000214, 1);
  };

  test('an entry stays reachable for the interface\'s arp-timeout t, drawn in [t/2, 3t/2); auto = /ip settings', () => {
    const h = harness(generationFrom(cfg));
    const e = learn(h);
    const arp = h.flow.state.arp;
    expect(arp.state(e)).toBe(ArpState.REACHABLE);
    const reach = arp.reachableFor(e);
    expect(reach).toBeGreaterThanOrEqual(30);
    expect(reach).toBeLessThan(90);
    // ether1 inherits /ip settings arp-timeout=10s
    const e1 = arp.confirm(0x0a00010b, 0, 0x0200, 0x0b, 0, h.flow.state.released) >= 0 ? arp.lastEntry : -1;
    expect(arp.reachableFor(e1)).toBeGreaterThanOrEqual(5);
    expect(arp.reachableFor(e1)).toBeLessThan(15);
    // the same config draws the same times (seeded): replays repeat
    const again = harness(generationFrom(cfg));
    expect(again.flow.state.arp.reachableFor(learn(again))).toBe(reach);
    // just before the time it is still reachable, just after it is not (STALE, or DELAY when used lately)
    h.feed('ether1', ping('10.0.1.1', 1), 100 + reach * 1000 - 10);
    expect(arp.state(e)).toBe(ArpState.REACHABLE);
    h.feed('ether1', ping('10.0.1.1', 2), 100 + reach * 1000 + 10);
    expect(arp.state(e)).toBe(ArpState.STALE);
  });

  test('reachable times are drawn again every 300 s of flow time (Linux neigh_periodic_work)', () => {
    const h = harness(generationFrom(cfg));
    const e = learn(h);
    const first = h.flow.state.arp.reachableFor(e);
    h.feed('ether1', ping('10.0.1.1', 1), 301_000);
    expect(h.flow.state.arp.reachableFor(e)).not.toBe(first);
  });
});

describe('ICMP settings', () => {
  // A packet from A (whose way back is ether1) arriving on ether3 with TTL 1.
  const fromA3 = frame().eth({ src: A, dst: R3 }).ipv4({ src: '10.0.1.10', dst: '10.0.2.20', ttl: 1 }).udp({ sport: 1, dport: 2 }).payload('x').build();

  test('errors come from the address of the interface they leave by (default)', () => {
    const h = harness(generationFrom(BASE));
    expect(h.feed('ether3', fromA3)).toBe('drop ttl-exceeded');
    expect(h.sent.map((s) => `${s.port} ${describe1(s.frame)}`)).toEqual(['ether1 IP 10.0.1.1 > 10.0.1.10: ICMP time exceeded in-transit, length 37']);
  });

  test('icmp-errors-use-inbound-interface-address=yes: from the receiving interface\'s address', () => {
    const h = harness(generationFrom(BASE + '/ip settings\nset icmp-errors-use-inbound-interface-address=yes\n'));
    expect(h.feed('ether3', fromA3)).toBe('drop ttl-exceeded');
    expect(h.sent.map((s) => `${s.port} ${describe1(s.frame)}`)).toEqual(['ether1 IP 10.0.3.1 > 10.0.1.10: ICMP time exceeded in-transit, length 37']);
  });

  test('icmp-rate-limit=0 turns the per-host limit off', () => {
    const limited = harness(generationFrom(BASE));
    const free = harness(generationFrom(BASE + '/ip settings\nset icmp-rate-limit=0\n'));
    for (let k = 0; k < 10; k++) {
      limited.feed('ether1', udp('10.0.1.1', 7000, { id: k }), 5);
      free.feed('ether1', udp('10.0.1.1', 7000, { id: k }), 5);
    }
    expect([limited.sent.length, free.sent.length]).toEqual([6, 10]);
  });

  test('icmp-rate-mask with bit 0 limits echo replies too (same per-host bucket)', () => {
    const h = harness(generationFrom(BASE + '/ip settings\nset icmp-rate-mask=0x1819\n'));
    const fates = Array.from({ length: 8 }, (_, k) => h.feed('ether1', ping('10.0.1.1', k), 5));
    expect(fates).toEqual([...Array(6).fill('tx ether1'), 'drop icmp-rate-limited', 'drop icmp-rate-limited']);
    const d = harness(generationFrom(BASE));
    expect(Array.from({ length: 8 }, (_, k) => d.feed('ether1', ping('10.0.1.1', k), 5))).toEqual(Array(8).fill('tx ether1'));
  });
});

describe('local delivery', () => {
  test('bad UDP/TCP checksums to the router are dropped without an answer', () => {
    const h = harness(generationFrom(BASE));
    expect(h.feed('ether1', udp('10.0.1.1', 9999, { badChecksum: true }))).toBe('drop l4-bad-checksum');
    const syn = frame().eth({ src: A, dst: R1 }).ipv4({ src: '10.0.1.10', dst: '10.0.1.1' }).tcp({ sport: 1, dport: 23, flags: 'S', seq: 1, badChecksum: true }).build();
    expect(h.feed('ether1', syn)).toBe('drop l4-bad-checksum');
    expect(h.sent.length).toBe(0);
  });

  test('echo to the subnet broadcast is ignored; UDP to it gets no port unreachable', () => {
    const h = harness(generationFrom(BASE));
    expect(h.feed('ether1', ping('10.0.1.255', 1, 'ff:ff:ff:ff:ff:ff'))).toBe('drop icmp-echo-ignored');
    expect(h.feed('ether1', ping('10.0.1.255', 2))).toBe('drop icmp-echo-ignored'); // unicast frame, broadcast IP
    expect(h.feed('ether1', udp('10.0.1.255', 9999))).toBe('drop udp-port-unreachable');
    expect(h.sent.length).toBe(0);
  });

  test('DNS with allow-remote-requests=yes listens on UDP and TCP 53; disabling www closes 80', () => {
    const h = harness(generationFrom(BASE + '/ip dns\nset allow-remote-requests=yes\n/ip service\nset www disabled=yes\n'));
    expect(h.feed('ether1', udp('10.0.1.1', 53))).toBe('local');
    const syn = (dport: number) => frame().eth({ src: A, dst: R1 }).ipv4({ src: '10.0.1.10', dst: '10.0.1.1' }).tcp({ sport: 1, dport, flags: 'S', seq: 10 }).build();
    expect(h.feed('ether1', syn(53))).toBe('local');
    expect(h.feed('ether1', syn(80))).toBe('tx ether1');
    const rst = h.sent[0]!.frame;
    const r = parseIpv4(rst, 14, rst.length - 14, true);
    if (isWireError(r)) throw new Error(r.message);
    expect(describe1(rst)).toBe('IP 10.0.1.1.80 > 10.0.1.10.1: Flags [R.], seq 0, ack 11, win 0, length 0');
  });

  test('a TCP segment to the router on a listening port from a broadcast frame is not taken', () => {
    const h = harness(generationFrom(BASE));
    const syn = frame().eth({ src: A, dst: 'ff:ff:ff:ff:ff:ff' }).ipv4({ src: '10.0.1.10', dst: '10.0.1.1' }).tcp({ sport: 1, dport: 22, flags: 'S', seq: 1 }).build();
    expect(h.feed('ether1', syn)).toBe('drop tcp-no-listener');
  });
});
