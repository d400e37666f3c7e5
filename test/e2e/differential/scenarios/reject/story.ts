/**
 * reject: the answers reject sends (ICMP errors from the address of the interface the packet came in on,
 * quoting the packet as the filter saw it — TTL already decremented in forward; TCP resets) and a drop.
 *   0 ms    A: SYN to WEB:23            reject tcp-reset            -> RST/ACK from WEB:23 to A
 *   100     A: ACK to WEB:23 (mid-stream) reject tcp-reset          -> RST with seq = the ACK's ack
 *   200     A: UDP to WEB:69            icmp-port-unreachable       -> 3/3 from 192.168.88.1
 *   300     A: SYN to WEB:445           icmp-admin-prohibited       -> 3/13
 *   400     A: UDP to WEB:161           icmp-host-prohibited        -> 3/10
 *   500     A: SYN to WEB:25            default (network-unreachable) -> 3/0
 *   600     A: ping 198.51.100.99       icmp-host-unreachable       -> 3/1
 *   700     A: SYN to WEB:135           drop                        -> nothing
 *   800     A: SYN to WEB:80            (no rule)                   -> forwarded
 *   900     SCANNER: SYN to 203.0.113.2:22   input reject tcp-reset -> RST/ACK from the router
 *   1000    SCANNER: UDP to 203.0.113.2:53   input icmp-port-unreachable -> 3/3 from 203.0.113.2
 *   1100    SCANNER: SYN to 203.0.113.2:80   input drop             -> nothing
 */
import { Story, tx, drop, rejected, type Scenario } from '../../harness/story';
import { A, LAN_GW, SCANNER, WAN_IP, WEB, fromLan, fromWan, SYN_OPTS } from '../common';

export function scenario(): Scenario {
  const s = new Story();
  const lanSyn = (id: number, dport: number) => fromLan().ipv4({ src: A, dst: WEB, id }).tcp({ sport: 50000 + dport, dport, flags: 'S', seq: 1000, options: SYN_OPTS }).build();
  s.at(0, 'ether2', lanSyn(101, 23), rejected('firewall-reject', 'ether2', `${WEB}.23 > ${A}.50023: Flags [R.], seq 0, ack 1001`), 'tcp-reset');
  s.at(100, 'ether2', fromLan().ipv4({ src: A, dst: WEB, id: 102 }).tcp({ sport: 50024, dport: 23, flags: 'A', seq: 2000, ack: 3000 }).build(),
    rejected('firewall-reject', 'ether2', `${WEB}.23 > ${A}.50024: Flags [R], seq 3000`), 'tcp-reset to an ACK');
  s.at(200, 'ether2', fromLan().ipv4({ src: A, dst: WEB, id: 103 }).udp({ sport: 50069, dport: 69 }).payload('tftp').build(),
    rejected('firewall-reject', 'ether2', `${LAN_GW} > ${A}: ICMP ${WEB} udp port 69 unreachable`), 'port-unreachable');
  s.at(300, 'ether2', lanSyn(104, 445), rejected('firewall-reject', 'ether2', `${LAN_GW} > ${A}: ICMP host ${WEB} unreachable - admin prohibited filter`), 'admin-prohibited');
  s.at(400, 'ether2', fromLan().ipv4({ src: A, dst: WEB, id: 105 }).udp({ sport: 50161, dport: 161 }).payload('snmp').build(),
    rejected('firewall-reject', 'ether2', `${LAN_GW} > ${A}: ICMP host ${WEB} unreachable - admin prohibited,`), 'host-prohibited (tcpdump calls 3/10 admin prohibited)');
  s.at(500, 'ether2', lanSyn(106, 25), rejected('firewall-reject', 'ether2', `${LAN_GW} > ${A}: ICMP net ${WEB} unreachable`), 'default reject-with');
  s.at(600, 'ether2', fromLan().ipv4({ src: A, dst: '198.51.100.99', id: 107 }).icmp({ type: 'echo-request', id: 9, seq: 1 }).payload('ping').build(),
    rejected('firewall-reject', 'ether2', `${LAN_GW} > ${A}: ICMP host 198.51.100.99 unreachable`), 'host-unreachable');
  s.at(700, 'ether2', lanSyn(108, 135), drop('firewall-drop'));
  s.at(800, 'ether2', lanSyn(109, 80), tx('ether1', `${A}.50080 > ${WEB}.80: Flags [S]`));
  s.at(900, 'ether1', fromWan().ipv4({ src: SCANNER, dst: WAN_IP, id: 301 }).tcp({ sport: 40000, dport: 22, flags: 'S', seq: 77, options: SYN_OPTS }).build(),
    rejected('firewall-reject', 'ether1', `${WAN_IP}.22 > ${SCANNER}.40000: Flags [R.], seq 0, ack 78`), 'input tcp-reset');
  s.at(1000, 'ether1', fromWan().ipv4({ src: SCANNER, dst: WAN_IP, id: 302 }).udp({ sport: 40001, dport: 53 }).payload('q').build(),
    rejected('firewall-reject', 'ether1', `${WAN_IP} > ${SCANNER}: ICMP ${WAN_IP} udp port 53 unreachable`), 'input port-unreachable');
  s.at(1100, 'ether1', fromWan().ipv4({ src: SCANNER, dst: WAN_IP, id: 303 }).tcp({ sport: 40002, dport: 80, flags: 'S', seq: 1 }).build(), drop('firewall-drop'));
  return { name: 'reject', ports: ['ether1', 'ether2'], frames: s.frames, differences: [] };
}
