/**
 * The rare matchers and the newer actions with real frames through the whole flow: payload matchers
 * (content, tls-host, layer7 over a connection's first packets), per-connection ones (connection-limit,
 * connection-bytes), priority set in mangle prerouting and matched in filter forward, strip-ipv4-options,
 * tarpit's SYN/ACK. Expected fates and frames are worked out from the config by hand.
 */
import { generationFrom, harness } from './helpers';
import { frame } from '../../../pcap/fixture';
import { describeFrame } from '../../../dataplane/wire/describe';
import { ipv4ChecksumOk, l4ChecksumOk4 } from '../../../dataplane/wire/checksum';
import { clientHello } from '../firewall/tls-hello';

const R1 = '02:f1:00:00:00:01';
const R2 = '02:f1:00:00:00:02';
const GW = '02:00:00:00:01:01';
const PC = '02:00:00:00:02:10';
const PC2 = '02:00:00:00:02:11';

const BASE = `/interface ethernet
set [ find default-name=ether1 ] mac-address=02:F1:00:00:00:01
set [ find default-name=ether2 ] mac-address=02:F1:00:00:00:02
/ip address
add address=203.0.113.2/30 interface=ether1
add address=192.168.88.1/24 interface=ether2
/ip route
add dst-address=0.0.0.0/0 gateway=203.0.113.1
/ip arp
add address=203.0.113.1 interface=ether1 mac-address=02:00:00:00:01:01
add address=192.168.88.10 interface=ether2 mac-address=02:00:00:00:02:10
add address=192.168.88.11 interface=ether2 mac-address=02:00:00:00:02:11
`;

const fromPc = (mac = PC) => frame().eth({ src: mac, dst: R2 });
const fromWan = () => frame().eth({ src: GW, dst: R1 });

describe('payload matchers on real frames', () => {
  const gen = generationFrom(`${BASE}/ip firewall layer7-protocol
add name=http regexp="^(get|head) /[!-~]* http/1"
/ip firewall filter
add chain=forward action=drop content=forbidden protocol=udp comment=content
add chain=forward action=drop tls-host=*.blocked.example protocol=tcp comment=tls
add chain=forward action=drop layer7-protocol=http protocol=tcp comment=l7
`);

  test('compiles without problems', () => {
    expect(gen.firewall.problems).toEqual([]);
  });

  test('content: only datagrams whose payload holds the text are dropped', () => {
    const h = harness(gen);
    const ok = fromPc().ipv4({ src: '192.168.88.10', dst: '198.51.100.5' }).udp({ sport: 5000, dport: 9 }).payload('all fine').build();
    const bad = fromPc().ipv4({ src: '192.168.88.10', dst: '198.51.100.5' }).udp({ sport: 5000, dport: 9 }).payload('this is forbidden text').build();
    expect([h.feed('ether2', ok, 0), h.feed('ether2', bad, 1)]).toEqual(['tx ether1', 'drop firewall-drop']);
  });

  test('tls-host: the ClientHello to a blocked name is dropped, another name passes', () => {
    const h = harness(gen);
    const syn = (sport: number) => fromPc().ipv4({ src: '192.168.88.10', dst: '198.51.100.5' }).tcp({ sport, dport: 443, flags: 'S', seq: 1 }).build();
    const hello = (sport: number, host: string) =>
      fromPc().ipv4({ src: '192.168.88.10', dst: '198.51.100.5' }).tcp({ sport, dport: 443, flags: 'PA', seq: 2, ack: 1 }).payload(clientHello(host)).build();
    expect(h.feed('ether2', syn(40001), 0)).toBe('tx ether1');
    expect(h.feed('ether2', hello(40001, 'www.blocked.example'), 1)).toBe('drop firewall-drop');
    expect(h.feed('ether2', syn(40002), 2)).toBe('tx ether1');
    expect(h.feed('ether2', hello(40002, 'www.example.org'), 3)).toBe('tx ether1');
  });

  test('layer7: the request is seen over the handshake packets of both directions; then the connection matches', () => {
    const h = harness(gen);
    const c = () => fromPc().ipv4({ src: '192.168.88.10', dst: '198.51.100.5' });
    const s = () => fromWan().ipv4({ src: '198.51.100.5', dst: '192.168.88.10' });
    expect(h.feed('ether2', c().tcp({ sport: 40000, dport: 80, flags: 'S', seq: 100 }).build(), 0)).toBe('tx ether1');
    expect(h.feed('ether1', s().tcp({ sport: 80, dport: 40000, flags: 'SA', seq: 900, ack: 101 }).build(), 1)).toBe('tx ether2');
    expect(h.feed('ether2', c().tcp({ sport: 40000, dport: 80, flags: 'A', seq: 101, ack: 901 }).build(), 2)).toBe('tx ether1');
    // The GET itself is the packet that completes the pattern: dropped, and so is the server's next packet.
    expect(h.feed('ether2', c().tcp({ sport: 40000, dport: 80, flags: 'PA', seq: 101, ack: 901 }).payload('GET /index.html HTTP/1.1\r\nHost: x\r\n\r\n').build(), 3)).toBe('drop firewall-drop');
    expect(h.feed('ether1', s().tcp({ sport: 80, dport: 40000, flags: 'A', seq: 901, ack: 101 }).build(), 4)).toBe('drop firewall-drop');
    // Another connection with non-HTTP data is untouched.
    expect(h.feed('ether2', c().tcp({ sport: 40010, dport: 80, flags: 'S', seq: 100 }).build(), 5)).toBe('tx ether1');
    expect(h.feed('ether2', c().tcp({ sport: 40010, dport: 80, flags: 'PA', seq: 101, ack: 1 }).payload('HELLO').build(), 6)).toBe('tx ether1');
  });
});

describe('connection matchers on real frames', () => {
  test('connection-limit=2,32: a host`s third concurrent connection is dropped, another host is not', () => {
    const gen = generationFrom(`${BASE}/ip firewall filter
add chain=forward action=drop connection-limit=2,32 connection-state=new protocol=tcp comment=limit
`);
    expect(gen.firewall.problems).toEqual([]);
    const h = harness(gen);
    const syn = (src: string, mac: string, sport: number) => fromPc(mac).ipv4({ src, dst: '198.51.100.5' }).tcp({ sport, dport: 80, flags: 'S', seq: 1 }).build();
    expect([1, 2, 3].map((k) => h.feed('ether2', syn('192.168.88.10', PC, 41000 + k), k))).toEqual(['tx ether1', 'tx ether1', 'drop firewall-drop']);
    expect(h.feed('ether2', syn('192.168.88.11', PC2, 41000), 4)).toBe('tx ether1');
  });

  test('connection-bytes=200-0: packets of a connection past 200 bytes (both directions) are marked and dropped', () => {
    const gen = generationFrom(`${BASE}/ip firewall filter
add chain=forward action=drop connection-bytes=200-0 protocol=udp comment=big
`);
    const h = harness(gen);
    const out = () => fromPc().ipv4({ src: '192.168.88.10', dst: '198.51.100.5' }).udp({ sport: 5000, dport: 53 }).payload(new Uint8Array(52)).build(); // IP length 80
    const back = () => fromWan().ipv4({ src: '198.51.100.5', dst: '192.168.88.10' }).udp({ sport: 53, dport: 5000 }).payload(new Uint8Array(52)).build();
    // 80, 160 pass; the reply makes 240 >= 200 (counted before the firewall sees it): dropped.
    expect([h.feed('ether2', out(), 0), h.feed('ether2', out(), 1), h.feed('ether1', back(), 2)]).toEqual(['tx ether1', 'tx ether1', 'drop firewall-drop']);
  });
});

describe('actions on real frames', () => {
  test('set-priority in mangle prerouting is seen by priority= in filter forward; from-dscp takes the DSCP', () => {
    const gen = generationFrom(`${BASE}/ip firewall mangle
add chain=prerouting action=set-priority new-priority=5 protocol=udp dst-port=5060 comment=voip
add chain=prerouting action=set-priority new-priority=from-dscp protocol=udp dst-port=5061 comment=dscp
/ip firewall filter
add chain=forward action=drop priority=5 comment=prio5
add chain=forward action=drop priority=46 comment=prio46
`);
    expect(gen.firewall.problems).toEqual([]);
    const h = harness(gen);
    const u = (dport: number, tos = 0) => fromPc().ipv4({ src: '192.168.88.10', dst: '198.51.100.5', tos }).udp({ sport: 5000, dport }).build();
    expect(h.feed('ether2', u(5060), 0)).toBe('drop firewall-drop');
    expect(h.feed('ether2', u(5061, 46 << 2), 1)).toBe('drop firewall-drop');
    expect(h.feed('ether2', u(5061, 10 << 2), 2)).toBe('tx ether1');
    // The priority belongs to the packet, not the slot: the next one starts at 0.
    expect(h.feed('ether2', u(9999), 3)).toBe('tx ether1');
  });

  test('strip-ipv4-options: the record-route option is removed, lengths and checksums follow', () => {
    const gen = generationFrom(`${BASE}/ip firewall mangle
add chain=prerouting action=strip-ipv4-options ipv4-options=any comment=strip
`);
    const h = harness(gen);
    const f = fromPc()
      .ipv4({ src: '192.168.88.10', dst: '198.51.100.5', options: [7, 7, 4, 0, 0, 0, 0, 0] })
      .udp({ sport: 5000, dport: 53 })
      .payload('abcd')
      .build();
    expect(f[14]).toBe(0x47);
    expect(h.feed('ether2', f, 0)).toBe('tx ether1');
    const o = h.sent[0]!.frame;
    expect(o[14]).toBe(0x45);
    expect((o[16]! << 8) | o[17]!).toBe(32);
    expect(ipv4ChecksumOk(o, 14)).toBe(true);
    expect(l4ChecksumOk4(o, 14, 34, 12, 17)).toBe(true);
    expect(describeFrame(o, 0, o.length, 1)).toBe('IP 192.168.88.10.5000 > 198.51.100.5.53: UDP, length 4');
  });

  test('tarpit: a SYN to the router is answered with a window-0 SYN/ACK; the ACK that follows is dropped', () => {
    const gen = generationFrom(`${BASE}/ip firewall filter
add chain=input action=tarpit protocol=tcp dst-port=23 comment=tarpit
`);
    expect(gen.firewall.problems).toEqual([]);
    const h = harness(gen);
    const syn = fromWan().ipv4({ src: '198.51.100.66', dst: '203.0.113.2', id: 0x1234 }).tcp({ sport: 51000, dport: 23, flags: 'S', seq: 5000 }).build();
    expect(h.feed('ether1', syn, 0)).toBe('drop firewall-tarpit');
    expect(h.sent.length).toBe(1);
    const o = h.sent[0]!;
    expect(o.port).toBe('ether1');
    expect(describeFrame(o.frame, 0, o.frame.length, 1)).toBe('IP 203.0.113.2.23 > 198.51.100.66.51000: Flags [S.], seq 0, ack 5001, win 0, length 0');
    expect(ipv4ChecksumOk(o.frame, 14)).toBe(true);
    expect(l4ChecksumOk4(o.frame, 14, 34, 20, 6)).toBe(true);
    const ack = fromWan().ipv4({ src: '198.51.100.66', dst: '203.0.113.2' }).tcp({ sport: 51000, dport: 23, flags: 'A', seq: 5001, ack: 1 }).build();
    expect(h.feed('ether1', ack, 1)).toBe('drop firewall-tarpit');
    expect(h.sent.length).toBe(1);
    expect(gen.firewall.filter.n).toBe(1);
    void R1;
  });
});
