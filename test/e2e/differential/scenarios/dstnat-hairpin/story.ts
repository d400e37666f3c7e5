/**
 * dstnat-hairpin: port forwards from the WAN and from the LAN (hairpin).
 *   0 ms    VISITOR: SYN 40001 -> 203.0.113.2:8080      -> dst-nat to S:80 (source kept)
 *   100     S: SYN/ACK                                  -> back out as 203.0.113.2.8080
 *   200     VISITOR: ACK                                -> to S:80
 *   300     VISITOR: SYN to 203.0.113.2:8081 (no forward, no listener) -> the router answers RST/ACK
 *   400     A: SYN 51000 -> 203.0.113.2:8080 (hairpin)  -> dst-nat to S:80 and masquerade to 192.168.88.1.51000
 *   500     S: SYN/ACK to 192.168.88.1.51000            -> back to A as 203.0.113.2.8080
 *   600     A: ACK                                      -> to S as 192.168.88.1.51000
 *   700     VISITOR: UDP 40002 -> 203.0.113.2:5000      -> dst-nat to S:5000
 *   800     S: UDP reply                                -> out as 203.0.113.2.5000
 *   900     SCANNER: SYN straight to S:80               -> new from WAN, not dstnat: dropped
 *   1000    S: SYN to WEB:443                           -> masqueraded out of the WAN
 */
import { Story, tx, drop, answered, type Scenario } from '../../harness/story';
import { A, LAN_GW, S, S_MAC, SCANNER, VISITOR, WAN_IP, WEB, fromLan, fromWan, SYN_OPTS, SYNACK_OPTS } from '../common';

export function scenario(): Scenario {
  const s = new Story();
  s.at(0, 'ether1', fromWan().ipv4({ src: VISITOR, dst: WAN_IP, id: 201 }).tcp({ sport: 40001, dport: 8080, flags: 'S', seq: 3000, options: SYN_OPTS }).build(),
    tx('ether2', `> ${S_MAC}`, `${VISITOR}.40001 > ${S}.80: Flags [S], seq 3000`, '[ttl 63 id 201'));
  s.at(100, 'ether2', fromLan(S_MAC).ipv4({ src: S, dst: VISITOR, id: 501 }).tcp({ sport: 80, dport: 40001, flags: 'SA', seq: 9000, ack: 3001, options: SYNACK_OPTS }).build(),
    tx('ether1', `${WAN_IP}.8080 > ${VISITOR}.40001: Flags [S.], seq 9000, ack 3001`));
  s.at(200, 'ether1', fromWan().ipv4({ src: VISITOR, dst: WAN_IP, id: 202 }).tcp({ sport: 40001, dport: 8080, flags: 'A', seq: 3001, ack: 9001 }).build(),
    tx('ether2', `${VISITOR}.40001 > ${S}.80: Flags [.]`));
  s.at(300, 'ether1', fromWan().ipv4({ src: VISITOR, dst: WAN_IP, id: 203 }).tcp({ sport: 40002, dport: 8081, flags: 'S', seq: 4000, options: SYN_OPTS }).build(),
    answered('ether1', `${WAN_IP}.8081 > ${VISITOR}.40002: Flags [R.], seq 0, ack 4001`, '[ttl 64'), 'closed port on the router');
  s.at(400, 'ether2', fromLan().ipv4({ src: A, dst: WAN_IP, id: 101 }).tcp({ sport: 51000, dport: 8080, flags: 'S', seq: 1000, options: SYN_OPTS }).build(),
    tx('ether2', `> ${S_MAC}`, `${LAN_GW}.51000 > ${S}.80: Flags [S], seq 1000`, '[ttl 63 id 101'), 'hairpin');
  s.at(500, 'ether2', fromLan(S_MAC).ipv4({ src: S, dst: LAN_GW, id: 502 }).tcp({ sport: 80, dport: 51000, flags: 'SA', seq: 7000, ack: 1001, options: SYNACK_OPTS }).build(),
    tx('ether2', `${WAN_IP}.8080 > ${A}.51000: Flags [S.], seq 7000, ack 1001`), 'hairpin reply');
  s.at(600, 'ether2', fromLan().ipv4({ src: A, dst: WAN_IP, id: 102 }).tcp({ sport: 51000, dport: 8080, flags: 'A', seq: 1001, ack: 7001 }).build(),
    tx('ether2', `${LAN_GW}.51000 > ${S}.80: Flags [.]`));
  s.at(700, 'ether1', fromWan().ipv4({ src: VISITOR, dst: WAN_IP, id: 204 }).udp({ sport: 40002, dport: 5000 }).payload('hello').build(), tx('ether2', `${VISITOR}.40002 > ${S}.5000: UDP`));
  s.at(800, 'ether2', fromLan(S_MAC).ipv4({ src: S, dst: VISITOR, id: 503 }).udp({ sport: 5000, dport: 40002 }).payload('hello back').build(), tx('ether1', `${WAN_IP}.5000 > ${VISITOR}.40002: UDP`));
  s.at(900, 'ether1', fromWan().ipv4({ src: SCANNER, dst: S, id: 301 }).tcp({ sport: 40003, dport: 80, flags: 'S', seq: 1 }).build(), drop('firewall-drop'), 'not port-forwarded');
  s.at(1000, 'ether2', fromLan(S_MAC).ipv4({ src: S, dst: WEB, id: 504 }).tcp({ sport: 45000, dport: 443, flags: 'S', seq: 1, options: SYN_OPTS }).build(), tx('ether1', `${WAN_IP}.45000 > ${WEB}.443: Flags [S]`));
  return { name: 'dstnat-hairpin', ports: ['ether1', 'ether2'], frames: s.frames, differences: [] };
}
