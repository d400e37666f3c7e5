import { describeFrame } from '../../../dataplane/wire/describe';
import { frame, fragmentIpv4, type FrameBuilder } from '../../../pcap/fixture';
import { corpusFrames, framesOf } from './corpus';

const d = (f: Uint8Array, link = 1, opts = {}): string => describeFrame(f, 0, f.length, link, opts);
const lines = (file: string): string[] => framesOf(file).map((c) => describeFrame(c.frame, 0, c.frame.length, c.linkType));
const eth = (): FrameBuilder => frame().eth({ src: '00:11:22:33:44:55', dst: 'ff:ff:ff:ff:ff:ff' });

describe('describeFrame on the corpus (tcpdump -n style)', () => {
  test('every frame gives one sensible line, none malformed', () => {
    for (const c of corpusFrames()) {
      const s = describeFrame(c.frame, 0, c.frame.length, c.linkType);
      expect(s).not.toMatch(/malformed|failed|undefined|NaN/);
      expect(s).not.toContain('\n');
      expect(s).toMatch(/^(vlan \d+, p \d, (ethertype 802.1Q, )?)*(IP |IP6 |ARP, |PPPoE )/);
    }
  });

  test('http_get: the handshake, data and FIN lines', () => {
    const l = lines('zeek__http_get.pcap');
    expect(l[0]).toBe(
      'IP 141.142.228.5.59856 > 192.150.187.43.80: Flags [S], seq 4263588410, win 65535, options [mss 1460,nop,wscale 4,nop,nop,TS val 374005024 ecr 0,sackOK,eol], length 0',
    );
    expect(l[1]).toContain('Flags [S.], seq 2779762238, ack 4263588411, win 14480, options [mss 1460,sackOK,TS val 797524569 ecr 374005024,nop,wscale 7], length 0');
    expect(l[3]).toContain('.80: Flags [P.], seq 4263588411:4263588547, ack 2779762239');
    expect(l[3]).toMatch(/length 136$/);
    expect(l[5]).toMatch(/Flags \[\.\], seq 2779762239:2779763687, .*length 1448$/);
    expect(l[11]).toContain('Flags [F.]');
  });

  test('SLL handshake, DNS, DHCP', () => {
    expect(lines('tcpdump__tcp-handshake-nano.pcap')[0]).toBe(
      'IP 131.155.215.69.46656 > 137.116.81.94.80: Flags [S], seq 797190859, win 27200, options [mss 1360,sackOK,TS val 1131021154 ecr 0,nop,wscale 7], length 0',
    );
    expect(lines('tcpdump__dns_udp.pcap')).toEqual([
      'IP 192.168.1.11.43966 > 209.87.249.18.53: UDP, length 56',
      'IP 209.87.249.18.53 > 192.168.1.11.43966: UDP, length 224',
    ]);
    expect(lines('tcpdump__dhcp-option-108.pcapng')).toEqual([
      'IP 0.0.0.0.68 > 255.255.255.255.67: UDP, length 300',
      'IP 10.56.0.2.67 > 10.56.42.232.68: UDP, length 323',
    ]);
  });

  test('ICMP echo, port unreachable, time exceeded', () => {
    expect(lines('zeek__icmp_5-pings.pcap').slice(0, 2)).toEqual([
      'IP 172.16.133.2 > 172.217.11.78: ICMP echo request, id 1226, seq 1, length 64',
      'IP 172.217.11.78 > 172.16.133.2: ICMP echo reply, id 1226, seq 1, length 64',
    ]);
    expect(lines('zeek__icmp-destunreach-udp.pcap')).toEqual(['IP 192.168.1.102 > 192.168.1.1: ICMP 192.168.1.102 udp port 59207 unreachable, length 156']);
    expect(lines('zeek__icmp-timeexceeded.pcap')).toEqual(['IP 10.0.0.1 > 10.0.0.2: ICMP time exceeded in-transit, length 40']);
  });

  test('ARP, 802.1Q, QinQ, PPPoE', () => {
    expect(lines('zeek__arp-who-has.pcap')).toEqual([
      'ARP, Request who-has 10.0.0.1 tell 10.0.0.2, length 28',
      'ARP, Reply 10.0.0.1 is-at f8:ed:a5:c0:a4:f1, length 46',
    ]);
    const q = lines('zeek__icmp_dot1q.pcap');
    expect(q[0]).toBe('vlan 123, p 0, ARP, Reply 192.168.123.1 is-at 00:19:06:ea:b8:c1, length 46');
    expect(q[3]).toContain('vlan 123, p 7, ');
    expect(q[4]).toBe('vlan 123, p 0, IP 192.168.123.2 > 192.168.123.1: ICMP echo request, id 1, seq 0, length 80');
    expect(lines('tcpdump__802.1ad_QinQ.pcap')[0]).toBe('vlan 200, p 0, ethertype 802.1Q, vlan 2001, p 0, ARP, Request who-has 172.21.79.100 tell 172.21.79.97, length 42');
    expect(lines('tcpdump__pppoes.pcap')).toEqual(['PPPoE [ses 0x17] LCP, Echo-Request (0x09), id 106, length 14', 'PPPoE [ses 0x3b] LCP, Echo-Request (0x09), id 103, length 14']);
  });

  test('IPv6: ND, MLD behind hop-by-hop, packet too big, fragments', () => {
    const nd = lines('zeek__icmp6-nd-options.pcap');
    expect(nd[0]).toBe('IP6 :: > ff02::1:fff5:0: ICMP6, neighbor solicitation, who has fe80::c000:54ff:fef5:0, length 24');
    expect(nd[1]).toBe('IP6 fe80::c000:54ff:fef5:0 > ff02::1: ICMP6, neighbor advertisement, tgt is fe80::c000:54ff:fef5:0, length 32');
    expect(nd[2]).toBe('IP6 fe80::c000:54ff:fef5:0 > ff02::1: ICMP6, router advertisement, length 64');
    expect(nd[3]).toBe('IP6 fe80::c000:54ff:fef5:0 > ff02::16: HBH ICMP6, multicast listener report v2, 1 group record(s), length 28');
    expect(nd[12]).toBe('IP6 :: > ff02::2: ICMP6, router solicitation, length 8');
    expect(lines('zeek__icmp6-toobig.pcap')).toEqual(['IP6 fe80::dead > fe80::beef: ICMP6, packet too big, mtu 1280, length 60']);
    const fr = lines('zeek__ipv6-fragmented-dns.pcap');
    expect(fr[0]).toBe('IP6 2001:470:1f11:81f:d138:5f55:6d4:1fe2.51850 > 2607:f740:b::f93.53: UDP, length 73');
    expect(fr[3]).toBe('IP6 2607:f740:b::f93 > 2001:470:1f11:81f:d138:5f55:6d4:1fe2: frag (2896|342)');
    expect(fr[5]).toBe('IP6 2607:f740:b::f93 > 2001:470:1f11:81f:d138:5f55:6d4:1fe2: frag (0|1432) 53 > 51851: UDP, length 3230');
  });

  test('IPv4 fragments', () => {
    expect(lines('zeek__ipv4_fragmented-1.pcap')).toEqual([
      'IP 164.1.123.163.123 > 164.1.123.61.137: UDP, length 10 (frag 242:18@0+)',
      'IP 164.1.123.163 > 164.1.123.61: ip-proto-17 (frag 242:116@48)',
      'IP 164.1.123.163.123 > 164.1.123.61.137: UDP, length 256 (frag 242:304@0+)',
    ]);
  });
});

describe('describeFrame on built frames', () => {
  test('the shapes the dataplane traces show', () => {
    expect(d(eth().ipv4({ src: '10.0.0.1', dst: '10.0.0.2' }).tcp({ sport: 59856, dport: 80, flags: 'S', seq: 123, options: { mss: 1460, sackOk: true, ts: [1, 0], wscale: 7 } }).build())).toBe(
      'IP 10.0.0.1.59856 > 10.0.0.2.80: Flags [S], seq 123, win 65535, options [mss 1460,sackOK,TS val 1 ecr 0,nop,wscale 7], length 0',
    );
    expect(d(eth().ipv4({ src: '1.2.3.4', dst: '5.6.7.8' }).icmp({ type: 'echo-request', id: 1, seq: 2 }).payload(56).build())).toBe('IP 1.2.3.4 > 5.6.7.8: ICMP echo request, id 1, seq 2, length 64');
    const q = frame().ipv4({ src: '192.168.1.11', dst: '192.168.1.1' }).udp({ sport: 43966, dport: 53 }).payload(35).build();
    expect(d(frame().ipv4({ src: '192.168.1.11', dst: '192.168.1.1' }).udp({ sport: 43966, dport: 53 }).payload(35).build(), 101)).toBe('IP 192.168.1.11.43966 > 192.168.1.1.53: UDP, length 35');
    expect(d(eth().ipv4({ src: '192.168.1.1', dst: '192.168.1.11' }).icmp({ type: 'dest-unreachable', code: 3, quote: q }).build())).toBe('IP 192.168.1.1 > 192.168.1.11: ICMP 192.168.1.1 udp port 53 unreachable, length 36');
    expect(d(eth().ipv4({ src: '192.168.1.1', dst: '192.168.1.11' }).icmp({ type: 'dest-unreachable', code: 4, mtu: 1400, quote: q }).build())).toContain('ICMP 192.168.1.1 unreachable - need to frag (mtu 1400), length 36');
    expect(d(eth().ipv4({ src: '10.0.0.254', dst: '10.0.0.1' }).icmp({ type: 'time-exceeded', quote: q }).build())).toBe('IP 10.0.0.254 > 10.0.0.1: ICMP time exceeded in-transit, length 36');
    expect(d(eth().arp({ op: 'request', senderMac: '00:11:22:33:44:55', senderIp: '10.0.0.1', targetIp: '10.0.0.2' }).build())).toBe('ARP, Request who-has 10.0.0.2 tell 10.0.0.1, length 28');
    expect(d(eth().arp({ op: 'reply', senderMac: '00:11:22:33:44:55', senderIp: '10.0.0.2', targetMac: '00:11:22:33:44:66', targetIp: '10.0.0.1' }).build())).toBe(
      'ARP, Reply 10.0.0.2 is-at 00:11:22:33:44:55, length 28',
    );
    expect(d(eth().ipv6({ src: 'fe80::1', dst: 'ff02::1' }).icmpv6({ type: 'ns', target: 'fe80::2', sourceLL: '00:11:22:33:44:55' }).build())).toBe(
      'IP6 fe80::1 > ff02::1: ICMP6, neighbor solicitation, who has fe80::2, length 32',
    );
    expect(d(eth().ipv6({ src: 'fe80::1', dst: 'fe80::2' }).icmpv6({ type: 'packet-too-big', mtu: 1280, quote: frame().ipv6({ src: 'fe80::2', dst: 'fe80::1' }).payload(60).build() }).build())).toBe(
      'IP6 fe80::1 > fe80::2: ICMP6, packet too big, mtu 1280, length 108',
    );
    expect(d(eth().ipv6({ src: '2001:db8::1', dst: '2001:db8::2' }).icmpv6({ type: 'echo-reply', id: 5, seq: 6 }).build())).toBe('IP6 2001:db8::1 > 2001:db8::2: ICMP6, echo reply, id 5, seq 6, length 8');
    expect(d(eth().ipv6({ src: '::1', dst: '::2' }).tcp({ sport: 1, dport: 2, flags: 'RA', seq: 5, ack: 6 }).build())).toBe('IP6 ::1.1 > ::2.2: Flags [R.], seq 5, ack 6, win 65535, length 0');
    const frags = fragmentIpv4(frame().ipv4({ src: '1.2.3.4', dst: '5.6.7.8', id: 1234 }).udp({ sport: 7, dport: 9 }).payload(100).build(), 48);
    expect(d(eth().ipPacket(frags[0]!).build())).toBe('IP 1.2.3.4.7 > 5.6.7.8.9: UDP, length 100 (frag 1234:48@0+)');
    expect(d(eth().ipPacket(frags[1]!).build())).toBe('IP 1.2.3.4 > 5.6.7.8: ip-proto-17 (frag 1234:48@48+)');
    expect(d(eth().ipPacket(frags[2]!).build())).toBe('IP 1.2.3.4 > 5.6.7.8: ip-proto-17 (frag 1234:12@96)');
    expect(d(eth().qinq(200, 2001).ipv4({ src: '1.1.1.1', dst: '2.2.2.2' }).udp({ sport: 1, dport: 2 }).payload(3).build())).toBe(
      'vlan 200, p 0, ethertype 802.1Q, vlan 2001, p 0, IP 1.1.1.1.1 > 2.2.2.2.2: UDP, length 3',
    );
    expect(d(eth().pppoe(0x17, 0x0021).ipv4({ src: '1.1.1.1', dst: '2.2.2.2' }).udp({ sport: 1, dport: 2 }).build())).toBe('PPPoE [ses 0x17] IP 1.1.1.1.1 > 2.2.2.2.2: UDP, length 0');
    expect(d(frame().eth({ type: 0x88cc }).payload(46).build())).toBe('ethertype 0x88cc, length 60');
    expect(d(frame().eth({ dst: '01:80:c2:00:00:00', type: 38 }).payload(Uint8Array.of(0x42, 0x42, 3)).pad().build())).toBe('802.3 LLC dsap 0x42 ssap 0x42, length 38');
    expect(d(eth().ipv4({ src: '1.1.1.1', dst: '2.2.2.2' }).payload(Uint8Array.of(0x30, 0, 0, 0), 47).build())).toBe('IP 1.1.1.1 > 2.2.2.2: GREv0, length 4');
  });

  test('MAC prefix like tcpdump -e', () => {
    const f = eth().ipv4({ src: '1.2.3.4', dst: '5.6.7.8' }).icmp({ type: 'echo-request', id: 1, seq: 2 }).payload(56).build();
    expect(d(f, 1, { macs: true })).toBe('00:11:22:33:44:55 > ff:ff:ff:ff:ff:ff, ethertype IPv4 (0x0800), length 98: IP 1.2.3.4 > 5.6.7.8: ICMP echo request, id 1, seq 2, length 64');
    const v = eth().vlan(10).arp({ senderMac: '00:11:22:33:44:55', senderIp: '1.1.1.1', targetIp: '1.1.1.2' }).build();
    expect(d(v, 1, { macs: true })).toBe('00:11:22:33:44:55 > ff:ff:ff:ff:ff:ff, ethertype 802.1Q (0x8100), length 46: vlan 10, p 0, ARP, Request who-has 1.1.1.2 tell 1.1.1.1, length 28');
    const s = frame().sll({ packetType: 4 }).ipv4({ src: '1.2.3.4', dst: '5.6.7.8' }).build();
    expect(d(s, 113, { macs: true })).toBe('Out ethertype IPv4 (0x0800), length 36: IP 1.2.3.4 > 5.6.7.8: ip-proto-253, length 0');
  });

  test('malformed frames name the drop reason', () => {
    expect(d(new Uint8Array(10))).toBe('[malformed: ethernet-truncated]');
    expect(d(eth().ipv4({ src: '1.1.1.1', dst: '2.2.2.2', ihl: 4 }).payload(8).build())).toBe('IP [malformed: ipv4-bad-ihl]');
    expect(d(eth().ipv4({ src: '1.1.1.1', dst: '2.2.2.2' }).tcp({ sport: 1, dport: 2, dataOffset: 3 }).build())).toBe('IP 1.1.1.1 > 2.2.2.2: [malformed: tcp-bad-data-offset]');
    expect(d(eth().vlan(1).vlan(2).vlan(3).vlan(4).vlan(5).build())).toContain('[malformed: vlan-too-deep]');
    expect(d(eth().ipv6({ src: '::1', dst: '::2', payloadLen: 100 }).build())).toBe('IP6 [malformed: ipv6-bad-payload-length]');
    expect(d(eth().ipv6({ src: '::1', dst: '::2', nextHeader: 58 }).payload(4).build())).toBe('IP6 ::1 > ::2: [malformed: icmpv6-truncated]');
    expect(d(eth().arp({ senderMac: '00:11:22:33:44:55', senderIp: '1.1.1.1', targetIp: '1.1.1.2' }).build().subarray(0, 30))).toBe('ARP, [malformed: arp-truncated]');
    expect(d(new Uint8Array(40), 147)).toContain('[malformed: unsupported-link-type]');
  });

  test('checksum check on request, snapped frames described as far as they go', () => {
    const bad = eth().ipv4({ src: '1.1.1.1', dst: '2.2.2.2', badChecksum: true }).tcp({ sport: 1, dport: 2, badChecksum: true }).build();
    expect(d(bad, 1, { checksums: true })).toMatch(/length 0 \[bad ip cksum\] \[bad tcp cksum\]$/);
    expect(d(bad)).not.toContain('bad');
    const big = eth().ipv4({ src: '1.1.1.1', dst: '2.2.2.2' }).tcp({ sport: 1, dport: 2, seq: 1, ack: 1, flags: 'PA' }).payload(1000).build();
    expect(describeFrame(big, 0, 80, 1, { wireLen: big.length })).toBe('IP 1.1.1.1.1 > 2.2.2.2.2: Flags [P.], seq 1:1001, ack 1, win 65535, length 1000');
    expect(describeFrame(big, 0, 80, 1)).toBe('IP [malformed: ipv4-bad-total-length]');
  });
});
