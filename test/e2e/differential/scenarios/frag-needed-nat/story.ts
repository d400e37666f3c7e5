/**
 * frag-needed-nat: the WAN link's MTU is 1400; packets with DF set that do not fit get ICMP 3/4 back — and
 * the connections are NATed. Linux checks the MTU in ip_forward, before the POSTROUTING hook: the error goes
 * to the real sender and quotes its packet as sent (before masquerade, TTL not yet decremented); RouterOS
 * runs the same code. flowplane checks after srcnat and undoes the translation (stages/router-error.ts).
 *   0 ms    A: SYN 51000 -> WEB:80                  -> out as 203.0.113.2.51000
 *   100     WEB: SYN/ACK                            -> to A.51000
 *   200     A: ACK                                  -> out
 *   300     A: 1500-byte segment, DF                -> dropped; ICMP 3/4 mtu 1400 from 192.168.88.1 to A,
 *                                                      quoting A.51000 > WEB.80 with TTL 64
 *   400     A: 1500-byte UDP 40000 -> DNS:53, DF (a connection's first packet) -> the same, quoting A.40000
 *   500     A: 1400-byte UDP, DF                    -> fits: out as 203.0.113.2.40000
 *   600     VISITOR: SYN -> 203.0.113.2:8080        -> port forward: to S:80
 *   700     S: SYN/ACK                              -> out as 203.0.113.2.8080
 *   800     S: 1500-byte segment, DF (the reply direction of a dst-nat) -> dropped; ICMP 3/4 to S quoting
 *                                                      S.80 > VISITOR as S sent it
 */
import { Story, tx, rejected, type Scenario } from '../../harness/story';
import { A, DNS, S, S_MAC, VISITOR, WAN_IP, WEB, fromLan, fromWan, SYN_OPTS, SYNACK_OPTS } from '../common';

const LAN_GW = '192.168.88.1';
const data = (n: number) => Uint8Array.from({ length: n }, (_, i) => (i * 7 + 3) & 0xff);

export function scenario(): Scenario {
  const s = new Story();
  s.at(0, 'ether2', fromLan().ipv4({ src: A, dst: WEB, id: 101, df: true }).tcp({ sport: 51000, dport: 80, flags: 'S', seq: 1000, window: 64240, options: SYN_OPTS }).build(),
    tx('ether1', `${WAN_IP}.51000 > ${WEB}.80: Flags [S], seq 1000`));
  s.at(100, 'ether1', fromWan().ipv4({ src: WEB, dst: WAN_IP, id: 201, df: true }).tcp({ sport: 80, dport: 51000, flags: 'SA', seq: 5000, ack: 1001, window: 65160, options: SYNACK_OPTS }).build(),
    tx('ether2', `${WEB}.80 > ${A}.51000: Flags [S.], seq 5000, ack 1001`));
  s.at(200, 'ether2', fromLan().ipv4({ src: A, dst: WEB, id: 102, df: true }).tcp({ sport: 51000, dport: 80, flags: 'A', seq: 1001, ack: 5001, window: 502 }).build(),
    tx('ether1', `${WAN_IP}.51000 > ${WEB}.80: Flags [.]`));
  s.at(300, 'ether2', fromLan().ipv4({ src: A, dst: WEB, id: 103, df: true }).tcp({ sport: 51000, dport: 80, flags: 'PA', seq: 1001, ack: 5001, window: 502 }).payload(data(1460)).build(),
    rejected('fragmentation-needed', 'ether2', `${LAN_GW} > ${A}: ICMP ${WEB} unreachable - need to frag (mtu 1400)`), 'too big, established TCP');
  s.at(400, 'ether2', fromLan().ipv4({ src: A, dst: DNS, id: 104, df: true }).udp({ sport: 40000, dport: 53 }).payload(data(1472)).build(),
    rejected('fragmentation-needed', 'ether2', `${LAN_GW} > ${A}: ICMP ${DNS} unreachable - need to frag (mtu 1400)`), 'too big, first packet');
  s.at(500, 'ether2', fromLan().ipv4({ src: A, dst: DNS, id: 105, df: true }).udp({ sport: 40000, dport: 53 }).payload(data(1372)).build(),
    tx('ether1', `${WAN_IP}.40000 > ${DNS}.53: UDP`));
  s.at(600, 'ether1', fromWan().ipv4({ src: VISITOR, dst: WAN_IP, id: 301, df: true }).tcp({ sport: 33000, dport: 8080, flags: 'S', seq: 7000, window: 64240, options: SYN_OPTS }).build(),
    tx('ether2', `${VISITOR}.33000 > ${S}.80: Flags [S], seq 7000`));
  s.at(700, 'ether2', fromLan(S_MAC).ipv4({ src: S, dst: VISITOR, id: 401, df: true }).tcp({ sport: 80, dport: 33000, flags: 'SA', seq: 9000, ack: 7001, window: 65160, options: SYNACK_OPTS }).build(),
    tx('ether1', `${WAN_IP}.8080 > ${VISITOR}.33000: Flags [S.], seq 9000, ack 7001`));
  s.at(800, 'ether2', fromLan(S_MAC).ipv4({ src: S, dst: VISITOR, id: 402, df: true }).tcp({ sport: 80, dport: 33000, flags: 'PA', seq: 9001, ack: 7001, window: 502 }).payload(data(1460)).build(),
    rejected('fragmentation-needed', 'ether2', `${LAN_GW} > ${S}: ICMP ${VISITOR} unreachable - need to frag (mtu 1400)`), 'too big, reply of a port forward');
  return {
    name: 'frag-needed-nat',
    ports: ['ether1', 'ether2'],
    frames: s.frames,
    differences: [],
  };
}
