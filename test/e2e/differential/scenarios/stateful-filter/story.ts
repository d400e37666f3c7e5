/**
 * stateful-filter: connection states decide (config.rsc: accept established/related, drop invalid, accept
 * new from the LAN, drop the rest).
 *   0 ms    A opens TCP to WEB:80 (SYN)                       new from LAN        -> forwarded, TTL 63
 *   100     WEB answers SYN/ACK                               established         -> forwarded to A
 *   200     A: ACK, 300 A: request, 400 WEB: response         established         -> forwarded
 *   500     SCANNER: SYN to A:22                              new from WAN        -> dropped
 *   600     WEB: ACK for a connection never seen              new (loose pickup, Linux ctinfo NEW) -> dropped
 *   700     A: ACK for a connection never seen                new (loose pickup)  -> forwarded
 *   800     A: SYN+FIN                                        invalid (bad flags) -> dropped
 *   900     A: RST for a connection never seen                invalid (RST opens nothing) -> dropped
 *   1000    A pings WEB, 1100 WEB echo reply                  new / established   -> forwarded
 *   1200    GW: ICMP host unreachable quoting A's TCP         related             -> forwarded to A
 *   1300    GW: ICMP port unreachable quoting unknown UDP     invalid             -> dropped
 *   1400    A: DNS query, 1500 answer                         new / established   -> forwarded
 *   1600    SCANNER: UDP to A                                 new from WAN        -> dropped
 *   1700    SCANNER: ping to A                                new from WAN        -> dropped
 *   1800    A pings the router                                (input: no rules)   -> echo reply to A (TTL 64)
 */
import { frame } from '../../../../../pcap/fixture';
import { Story, tx, drop, answered, type Scenario } from '../../harness/story';
import { A, A_MAC, DNS, GW, LAN_GW, R2, SCANNER, WEB, fromLan, fromWan, ipOf, SYN_OPTS, SYNACK_OPTS } from '../common';

export function scenario(): Scenario {
  const s = new Story();
  const syn = fromLan().ipv4({ src: A, dst: WEB, id: 101, df: true }).tcp({ sport: 51000, dport: 80, flags: 'S', seq: 1000, window: 64240, options: SYN_OPTS }).build();
  s.at(0, 'ether2', syn, tx('ether1', `${A}.51000 > ${WEB}.80: Flags [S], seq 1000`, '[ttl 63 id 101'));
  s.at(100, 'ether1', fromWan().ipv4({ src: WEB, dst: A, id: 201, df: true }).tcp({ sport: 80, dport: 51000, flags: 'SA', seq: 5000, ack: 1001, window: 65160, options: SYNACK_OPTS }).build(),
    tx('ether2', `${WEB}.80 > ${A}.51000: Flags [S.], seq 5000, ack 1001`));
  s.at(200, 'ether2', fromLan().ipv4({ src: A, dst: WEB, id: 102, df: true }).tcp({ sport: 51000, dport: 80, flags: 'A', seq: 1001, ack: 5001, window: 502 }).build(), tx('ether1', 'Flags [.]'));
  s.at(300, 'ether2', fromLan().ipv4({ src: A, dst: WEB, id: 103, df: true }).tcp({ sport: 51000, dport: 80, flags: 'PA', seq: 1001, ack: 5001, window: 502 }).payload('GET / HTTP/1.0\r\n\r\n').build(), tx('ether1', 'Flags [P.]'));
  s.at(400, 'ether1', fromWan().ipv4({ src: WEB, dst: A, id: 202, df: true }).tcp({ sport: 80, dport: 51000, flags: 'PA', seq: 5001, ack: 1019, window: 509 }).payload('HTTP/1.0 200 OK\r\n\r\nhi\n').build(), tx('ether2', 'Flags [P.]'));
  s.at(500, 'ether1', fromWan().ipv4({ src: SCANNER, dst: A, id: 301 }).tcp({ sport: 40002, dport: 22, flags: 'S', seq: 1, window: 1024 }).build(), drop('firewall-drop'), 'new from WAN');
  s.at(600, 'ether1', fromWan().ipv4({ src: WEB, dst: A, id: 203 }).tcp({ sport: 80, dport: 51999, flags: 'A', seq: 7000, ack: 8000 }).build(), drop('firewall-drop'), 'mid-stream ACK from WAN: new');
  s.at(700, 'ether2', fromLan().ipv4({ src: A, dst: WEB, id: 104 }).tcp({ sport: 51998, dport: 80, flags: 'A', seq: 8000, ack: 7000 }).build(), tx('ether1', `${A}.51998 > ${WEB}.80: Flags [.]`), 'mid-stream ACK from LAN: new');
  s.at(800, 'ether2', fromLan().ipv4({ src: A, dst: WEB, id: 105 }).tcp({ sport: 51997, dport: 80, flags: 'SF', seq: 1 }).build(), drop('firewall-drop'), 'SYN+FIN: invalid');
  s.at(900, 'ether2', fromLan().ipv4({ src: A, dst: WEB, id: 106 }).tcp({ sport: 51996, dport: 80, flags: 'R', seq: 1 }).build(), drop('firewall-drop'), 'stray RST: invalid');
  s.at(1000, 'ether2', fromLan().ipv4({ src: A, dst: WEB, id: 107 }).icmp({ type: 'echo-request', id: 0x77, seq: 1 }).payload('ping').build(), tx('ether1', `${A} > ${WEB}: ICMP echo request, id 119, seq 1`));
  s.at(1100, 'ether1', fromWan().ipv4({ src: WEB, dst: A, id: 204 }).icmp({ type: 'echo-reply', id: 0x77, seq: 1 }).payload('ping').build(), tx('ether2', `${WEB} > ${A}: ICMP echo reply, id 119, seq 1`));
  s.at(1200, 'ether1', fromWan().ipv4({ src: GW, dst: A, id: 401 }).icmp({ type: 'dest-unreachable', code: 1, quote: ipOf(syn) }).build(), tx('ether2', `${GW} > ${A}: ICMP host ${WEB} unreachable`), 'related');
  const unknown = frame().ipv4({ src: A, dst: DNS, id: 99 }).udp({ sport: 40404, dport: 53 }).payload('q').build();
  s.at(1300, 'ether1', fromWan().ipv4({ src: GW, dst: A, id: 402 }).icmp({ type: 'dest-unreachable', code: 3, quote: unknown }).build(), drop('firewall-drop'), 'error about no connection: invalid');
  s.at(1400, 'ether2', fromLan().ipv4({ src: A, dst: DNS, id: 108 }).udp({ sport: 40000, dport: 53 }).payload('query').build(), tx('ether1', `${A}.40000 > ${DNS}.53: UDP`));
  s.at(1500, 'ether1', fromWan().ipv4({ src: DNS, dst: A, id: 205 }).udp({ sport: 53, dport: 40000 }).payload('answer').build(), tx('ether2', `${DNS}.53 > ${A}.40000: UDP`));
  s.at(1600, 'ether1', fromWan().ipv4({ src: SCANNER, dst: A, id: 302 }).udp({ sport: 53, dport: 40001 }).payload('x').build(), drop('firewall-drop'));
  s.at(1700, 'ether1', fromWan().ipv4({ src: SCANNER, dst: A, id: 303 }).icmp({ type: 'echo-request', id: 5, seq: 1 }).build(), drop('firewall-drop'));
  s.at(1800, 'ether2', frame().eth({ src: A_MAC, dst: R2 }).ipv4({ src: A, dst: LAN_GW, id: 109 }).icmp({ type: 'echo-request', id: 0x78, seq: 1 }).payload('hi router').build(),
    answered('ether2', `${LAN_GW} > ${A}: ICMP echo reply, id 120, seq 1`, '[ttl 64'));
  return {
    name: 'stateful-filter',
    ports: ['ether1', 'ether2'],
    frames: s.frames,
    differences: [],
  };
}
