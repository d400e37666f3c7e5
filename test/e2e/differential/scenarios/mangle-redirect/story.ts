/**
 * mangle-redirect: change-mss, change-ttl, change-dscp, redirect.
 *   0 ms    A: SYN to WEB:443, MSS 1460        -> forwarded with MSS 1360 (checksum patched)
 *   100     A: SYN to WEB:443, MSS 1200        -> forwarded, MSS untouched
 *   200     WEB: SYN/ACK for #0, MSS 1460      -> forwarded with MSS 1360 (tcp-flags=syn matches SYN/ACK)
 *   300     A: UDP to DNS:5000                 -> out the WAN with TTL 32
 *   400     A: UDP to WEB:5060 (SIP)           -> TTL 32 and DSCP 46 (TOS 0xb8)
 *   500     WEB: UDP to A                      -> TTL 63 (the TTL rule is for the WAN only)
 *   600     A: SYN to WEB:80                   -> redirected to 192.168.88.1:3128, closed: the router's
 *                                                 RST/ACK goes back de-NATed, from WEB:80
 *   700     A: UDP to DNS:53                   -> redirected to 192.168.88.1:5353, closed: port unreachable,
 *                                                 de-NATed (outer source DNS, quote to DNS:53)
 */
import { Story, tx, answered, type Scenario } from '../../harness/story';
import { A, DNS, WEB, fromLan, fromWan, SYN_OPTS } from '../common';

export function scenario(): Scenario {
  const s = new Story();
  s.at(0, 'ether2', fromLan().ipv4({ src: A, dst: WEB, id: 101, df: true }).tcp({ sport: 51000, dport: 443, flags: 'S', seq: 1, options: SYN_OPTS }).build(),
    tx('ether1', `${A}.51000 > ${WEB}.443: Flags [S]`, 'options [mss 1360,'));
  s.at(100, 'ether2', fromLan().ipv4({ src: A, dst: WEB, id: 102, df: true }).tcp({ sport: 51001, dport: 443, flags: 'S', seq: 1, options: { ...SYN_OPTS, mss: 1200 } }).build(),
    tx('ether1', `${A}.51001 > ${WEB}.443: Flags [S]`, 'options [mss 1200,'));
  s.at(200, 'ether1', fromWan().ipv4({ src: WEB, dst: A, id: 201, df: true }).tcp({ sport: 443, dport: 51000, flags: 'SA', seq: 5000, ack: 2, options: { mss: 1460, sackOk: true, wscale: 7 } }).build(),
    tx('ether2', `${WEB}.443 > ${A}.51000: Flags [S.]`, 'options [mss 1360,'));
  s.at(300, 'ether2', fromLan().ipv4({ src: A, dst: DNS, id: 103 }).udp({ sport: 40000, dport: 5000 }).payload('data').build(), tx('ether1', `${A}.40000 > ${DNS}.5000: UDP`, '[ttl 32 id 103 tos 0x0]'));
  s.at(400, 'ether2', fromLan().ipv4({ src: A, dst: WEB, id: 104 }).udp({ sport: 5060, dport: 5060 }).payload('INVITE').build(), tx('ether1', `${A}.5060 > ${WEB}.5060: UDP`, '[ttl 32 id 104 tos 0xb8]'));
  s.at(500, 'ether1', fromWan().ipv4({ src: WEB, dst: A, id: 202 }).udp({ sport: 5000, dport: 40001 }).payload('data').build(), tx('ether2', `${WEB}.5000 > ${A}.40001: UDP`, '[ttl 63 id 202'));
  s.at(600, 'ether2', fromLan().ipv4({ src: A, dst: WEB, id: 105 }).tcp({ sport: 51002, dport: 80, flags: 'S', seq: 100, options: SYN_OPTS }).build(),
    answered('ether2', `${WEB}.80 > ${A}.51002: Flags [R.], seq 0, ack 101`), 'redirect to a closed port');
  s.at(700, 'ether2', fromLan().ipv4({ src: A, dst: DNS, id: 106 }).udp({ sport: 40002, dport: 53 }).payload('query').build(),
    // flowplane's fate for a datagram to a closed port names why it ended (the error goes out meanwhile).
    { fate: 'drop udp-port-unreachable', out: { ether2: [`${DNS} > ${A}: ICMP ${DNS} udp port 53 unreachable`] } }, 'redirect to a closed UDP port');
  return {
    name: 'mangle-redirect',
    ports: ['ether1', 'ether2'],
    frames: s.frames,
    differences: [],
  };
}
