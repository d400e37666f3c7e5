/**
 * Dispatch by shard (dataplane/worker/shard.ts): the flow hash is symmetric, and with sharded NAT the port a
 * masqueraded connection gets steers its replies back to the shard of its first packet.
 */
import { frame } from '../../../pcap/fixture';
import { frameShard, isArpReply, tupleHash, tupleShard, RouterAddrs, SHARDS, shardWorker } from '../../../dataplane/worker/shard';
import { generationFrom, harness } from '../flow/helpers';

const LAN = '02:00:00:00:02:01';
const WAN = '02:00:00:00:01:01';
const GW = '02:00:00:00:11:01';
const H = '02:00:00:00:88:0a';
const ip = (s: string) => s.split('.').reduce((a, x) => (a << 8) | Number(x), 0) >>> 0;

const CONFIG = `/interface ethernet
set [ find default-name=ether1 ] mac-address=${WAN}
set [ find default-name=ether2 ] mac-address=${LAN}
/ip address
add address=203.0.113.2/30 interface=ether1 network=203.0.113.0
add address=192.168.88.1/24 interface=ether2 network=192.168.88.0
/ip route
add dst-address=0.0.0.0/0 gateway=203.0.113.1
/ip arp
add address=203.0.113.1 interface=ether1 mac-address=${GW}
add address=192.168.88.10 interface=ether2 mac-address=${H}
/ip firewall nat
add chain=srcnat action=masquerade out-interface=ether1
`;

const udp = (src: string, sport: number, dst: string, dport: number, smac = H, dmac = LAN) =>
  frame().eth({ src: smac, dst: dmac }).ipv4({ src, dst }).udp({ sport, dport }).payload('x').build();

describe('flow hash', () => {
  test('is symmetric: both directions of a tuple hash alike, other tuples spread', () => {
    const seen = new Set<number>();
    for (let i = 0; i < 2000; i++) {
      const a = (0x0a000000 + i * 7919) | 0;
      const b = (0xc6336400 + i * 104729) | 0;
      const h = tupleHash(a, b, 1024 + i, 80, 6);
      expect(tupleHash(b, a, 80, 1024 + i, 6)).toBe(h);
      seen.add(h & (SHARDS - 1));
    }
    // 2000 tuples over 64 shards: every shard used
    expect(seen.size).toBe(SHARDS);
  });

  test('a frame and its reply land on one shard; the stored tuple gives the same shard', () => {
    for (let p = 1000; p < 1100; p++) {
      const out = udp('192.168.88.10', p, '198.51.100.7', 53);
      const back = udp('198.51.100.7', 53, '192.168.88.10', p, LAN, H);
      const s = frameShard(out, 0, out.length);
      expect(frameShard(back, 0, back.length)).toBe(s);
      expect(tupleShard(ip('192.168.88.10') | 0, ip('198.51.100.7') | 0, (p << 16) | 53, 17)).toBe(s);
    }
  });

  test('ICMP echo request and reply share a shard (by id); VLAN tags are skipped', () => {
    const req = frame().eth({ src: H, dst: LAN }).ipv4({ src: '192.168.88.10', dst: '198.51.100.7' }).icmp({ type: 8, id: 77, seq: 1 }).build();
    const rep = frame().eth({ src: LAN, dst: H }).ipv4({ src: '198.51.100.7', dst: '192.168.88.10' }).icmp({ type: 0, id: 77, seq: 1 }).build();
    expect(frameShard(rep, 0, rep.length)).toBe(frameShard(req, 0, req.length));
    expect(tupleShard(ip('192.168.88.10') | 0, ip('198.51.100.7') | 0, 77 << 16, 1)).toBe(frameShard(req, 0, req.length));
    const tagged = frame().eth({ src: H, dst: LAN }).vlan(5).ipv4({ src: '192.168.88.10', dst: '198.51.100.7' }).udp({ sport: 1, dport: 2 }).build();
    const plain = udp('192.168.88.10', 1, '198.51.100.7', 2);
    expect(frameShard(tagged, 0, tagged.length)).toBe(frameShard(plain, 0, plain.length));
  });

  test('short and non-IP frames get a stable shard without throwing', () => {
    expect(frameShard(new Uint8Array(3), 0, 3)).toBe(0);
    const arp = frame().eth({ src: H, dst: 'ff:ff:ff:ff:ff:ff' }).arp({ op: 'request', senderMac: H, senderIp: '192.168.88.10', targetIp: '192.168.88.1' }).build();
    const s = frameShard(arp, 0, arp.length);
    expect(s).toBeGreaterThanOrEqual(0);
    expect(s).toBeLessThan(SHARDS);
    const cut = udp('192.168.88.10', 1, '198.51.100.7', 2).subarray(0, 30);
    expect(frameShard(cut, 0, cut.length)).toBeLessThan(SHARDS);
  });

  test('shards are spread over workers by modulus', () => {
    expect([0, 1, 2, 3, 63].map((s) => shardWorker(s, 4))).toEqual([0, 1, 2, 3, 3]);
  });
});

describe('sharded NAT', () => {
  const gen = generationFrom(CONFIG);
  const router = RouterAddrs.of([ip('203.0.113.2'), ip('192.168.88.1')]);

  test('masquerade picks a port of the connection shard; the reply to it is steered there and de-NATed', () => {
    const h = harness(gen, { natShards: true });
    let moved = 0;
    for (let p = 40000; p < 40064; p++) {
      const out = udp('192.168.88.10', p, '198.51.100.7', 53);
      const shard = frameShard(out, 0, out.length, router);
      expect(h.feed('ether2', out, p - 40000)).toBe('tx ether1');
      const f = h.sent[h.sent.length - 1]!.frame;
      const nport = (f[34]! << 8) | f[35]!;
      expect(nport & (SHARDS - 1)).toBe(shard);
      if (nport !== p) moved++;
      const back = udp('198.51.100.7', 53, '203.0.113.2', nport, GW, WAN);
      expect(frameShard(back, 0, back.length, router)).toBe(shard);
      expect(h.feed('ether1', back, 100 + p - 40000)).toBe('tx ether2');
      const d = h.sent[h.sent.length - 1]!.frame;
      expect((d[36]! << 8) | d[37]!).toBe(p);
    }
    // most original ports are not congruent to their shard and had to move
    expect(moved).toBeGreaterThan(32);
  });

  test('without sharding the original port is kept (Linux behaviour)', () => {
    const h = harness(gen);
    for (let p = 40000; p < 40016; p++) {
      expect(h.feed('ether2', udp('192.168.88.10', p, '198.51.100.7', 53), 0)).toBe('tx ether1');
      const f = h.sent[h.sent.length - 1]!.frame;
      expect((f[34]! << 8) | f[35]!).toBe(p);
    }
  });
});

describe('ARP replies (copied to every worker live)', () => {
  const arp = (op: 'request' | 'reply') => frame().eth({ src: H, dst: LAN }).arp({ op, senderMac: H, senderIp: '192.168.88.10', targetMac: LAN, targetIp: '192.168.88.1' });
  test('a reply is one, tagged or not; a request, an IP frame and a short frame are not', () => {
    const reply = arp('reply').build();
    expect(isArpReply(reply, 0, reply.length)).toBe(true);
    const tagged = frame().eth({ src: H, dst: LAN }).vlan(10).arp({ op: 'reply', senderMac: H, senderIp: '192.168.88.10', targetMac: LAN, targetIp: '192.168.88.1' }).build();
    expect(isArpReply(tagged, 0, tagged.length)).toBe(true);
    const req = arp('request').build();
    expect(isArpReply(req, 0, req.length)).toBe(false);
    const ipf = frame().eth({ src: H, dst: LAN }).ipv4({ src: '192.168.88.10', dst: '192.168.88.1' }).udp({ sport: 1, dport: 2 }).build();
    expect(isArpReply(ipf, 0, ipf.length)).toBe(false);
    expect(isArpReply(reply, 0, 20)).toBe(false);
    expect(isArpReply(reply, 0, 10)).toBe(false);
  });
});
