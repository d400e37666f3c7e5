/**
 * masquerade: the LAN's connections leave as 203.0.113.2 keeping their ports (free), replies are de-NATed,
 * nothing unsolicited gets in.
 *   0 ms    A: SYN 51000 -> WEB:80                 -> out as 203.0.113.2.51000
 *   100     WEB: SYN/ACK to 203.0.113.2.51000      -> de-NATed to A.51000
 *   200     A: ACK                                 -> out as 203.0.113.2.51000
 *   300     A: DNS query 40000 -> DNS:53           -> out as 203.0.113.2.40000
 *   400     DNS: answer                            -> to A.40000
 *   500     A: ping WEB id 0x1234                  -> out from 203.0.113.2, id kept
 *   600     WEB: echo reply                        -> to A
 *   700     B: UDP from port 700 (class 600-1023) -> DNS:53 -> out as 203.0.113.2.700 (kept)
 *   800     DNS: answer to 203.0.113.2.700         -> to B.700
 *   900     SCANNER: SYN to 203.0.113.2:51000      -> no connection: for the router, input drops it
 *   1000    SCANNER: UDP to 203.0.113.2:40000      -> same
 *   1100    DNS: port unreachable quoting 203.0.113.2.40000 -> DNS:53 (related) -> to A, the quote de-NATed too
 *   1200    WEB: RST to 203.0.113.2.51000          -> to A (established)
 */
import { frame } from '../../../../../pcap/fixture';
import { Story, tx, drop, type Scenario } from '../../harness/story';
import { A, B, B_MAC, DNS, SCANNER, WAN_IP, WEB, fromLan, fromWan, SYN_OPTS, SYNACK_OPTS } from '../common';

export function scenario(): Scenario {
  const s = new Story();
  s.at(0, 'ether2', fromLan().ipv4({ src: A, dst: WEB, id: 101, df: true }).tcp({ sport: 51000, dport: 80, flags: 'S', seq: 1000, window: 64240, options: SYN_OPTS }).build(),
    tx('ether1', `${WAN_IP}.51000 > ${WEB}.80: Flags [S], seq 1000`, '[ttl 63 id 101'));
  s.at(100, 'ether1', fromWan().ipv4({ src: WEB, dst: WAN_IP, id: 201, df: true }).tcp({ sport: 80, dport: 51000, flags: 'SA', seq: 5000, ack: 1001, window: 65160, options: SYNACK_OPTS }).build(),
    tx('ether2', `${WEB}.80 > ${A}.51000: Flags [S.], seq 5000, ack 1001`, '[ttl 63 id 201'));
  s.at(200, 'ether2', fromLan().ipv4({ src: A, dst: WEB, id: 102, df: true }).tcp({ sport: 51000, dport: 80, flags: 'A', seq: 1001, ack: 5001, window: 502 }).build(),
    tx('ether1', `${WAN_IP}.51000 > ${WEB}.80: Flags [.]`));
  s.at(300, 'ether2', fromLan().ipv4({ src: A, dst: DNS, id: 103 }).udp({ sport: 40000, dport: 53 }).payload('query').build(), tx('ether1', `${WAN_IP}.40000 > ${DNS}.53: UDP`));
  s.at(400, 'ether1', fromWan().ipv4({ src: DNS, dst: WAN_IP, id: 202 }).udp({ sport: 53, dport: 40000 }).payload('answer').build(), tx('ether2', `${DNS}.53 > ${A}.40000: UDP`));
  s.at(500, 'ether2', fromLan().ipv4({ src: A, dst: WEB, id: 104 }).icmp({ type: 'echo-request', id: 0x1234, seq: 1 }).payload('ping').build(), tx('ether1', `${WAN_IP} > ${WEB}: ICMP echo request, id 4660, seq 1`));
  s.at(600, 'ether1', fromWan().ipv4({ src: WEB, dst: WAN_IP, id: 203 }).icmp({ type: 'echo-reply', id: 0x1234, seq: 1 }).payload('ping').build(), tx('ether2', `${WEB} > ${A}: ICMP echo reply, id 4660, seq 1`));
  s.at(700, 'ether2', fromLan(B_MAC).ipv4({ src: B, dst: DNS, id: 105 }).udp({ sport: 700, dport: 53 }).payload('query').build(), tx('ether1', `${WAN_IP}.700 > ${DNS}.53: UDP`));
  s.at(800, 'ether1', fromWan().ipv4({ src: DNS, dst: WAN_IP, id: 204 }).udp({ sport: 53, dport: 700 }).payload('answer').build(), tx('ether2', `${DNS}.53 > ${B}.700: UDP`));
  s.at(900, 'ether1', fromWan().ipv4({ src: SCANNER, dst: WAN_IP, id: 301 }).tcp({ sport: 80, dport: 51000, flags: 'S', seq: 1 }).build(), drop('firewall-drop'), 'unsolicited TCP');
  s.at(1000, 'ether1', fromWan().ipv4({ src: SCANNER, dst: WAN_IP, id: 302 }).udp({ sport: 53, dport: 40000 }).payload('x').build(), drop('firewall-drop'), 'unsolicited UDP');
  const quoted = frame().ipv4({ src: WAN_IP, dst: DNS, id: 103, ttl: 63 }).udp({ sport: 40000, dport: 53 }).payload('query').build();
  s.at(1100, 'ether1', fromWan().ipv4({ src: DNS, dst: WAN_IP, id: 205 }).icmp({ type: 'dest-unreachable', code: 3, quote: quoted }).build(),
    tx('ether2', `${DNS} > ${A}: ICMP ${DNS} udp port 53 unreachable`), 'related error, NATed');
  s.at(1200, 'ether1', fromWan().ipv4({ src: WEB, dst: WAN_IP, id: 206, df: true }).tcp({ sport: 80, dport: 51000, flags: 'R', seq: 5001 }).build(), tx('ether2', `${WEB}.80 > ${A}.51000: Flags [R]`));
  return {
    name: 'masquerade',
    ports: ['ether1', 'ether2'],
    frames: s.frames,
    differences: [],
  };
}
