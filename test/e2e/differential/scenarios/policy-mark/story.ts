/**
 * policy-mark: routing marks from mangle decide the WAN.
 *   0 ms    A: SYN to WEB:80                  -> main table: out WAN1 as 203.0.113.2
 *   100     B: SYN to WEB:80                  -> marked to-isp2: out WAN2 as 198.18.0.2
 *   200     VISITOR on WAN2: SYN to :8080     -> connection marked from-isp2, dst-nat to S:80
 *   300     S: SYN/ACK                        -> connection mark -> routing mark: out WAN2 (main would say WAN1)
 *   400     WEB on WAN1: SYN/ACK to A's       -> to A
 *   500     WEB on WAN2: SYN/ACK to B's       -> to B
 *   600     B: ping WEB                       -> marked: out WAN2 as 198.18.0.2, echo id kept
 *   700     A: UDP to DNS                     -> out WAN1
 */
import { Story, tx, type Scenario } from '../../harness/story';
import { A, B, B_MAC, DNS, ISP, ISP2, R1, R3, S, S_MAC, VISITOR, WAN_IP, WEB, fromLan, SYN_OPTS, SYNACK_OPTS } from '../common';
import { frame } from '../../../../../pcap/fixture';

const WAN2 = '198.18.0.2';

export function scenario(): Scenario {
  const s = new Story();
  const wan1 = () => frame().eth({ src: ISP, dst: R1 });
  const wan2 = () => frame().eth({ src: ISP2, dst: R3 });
  s.at(0, 'ether2', fromLan().ipv4({ src: A, dst: WEB, id: 101 }).tcp({ sport: 51000, dport: 80, flags: 'S', seq: 1, options: SYN_OPTS }).build(),
    tx('ether1', `> ${ISP}`, `${WAN_IP}.51000 > ${WEB}.80: Flags [S]`));
  s.at(100, 'ether2', fromLan(B_MAC).ipv4({ src: B, dst: WEB, id: 201 }).tcp({ sport: 52000, dport: 80, flags: 'S', seq: 1, options: SYN_OPTS }).build(),
    tx('ether3', `> ${ISP2}`, `${WAN2}.52000 > ${WEB}.80: Flags [S]`), 'B: routing mark');
  s.at(200, 'ether3', wan2().ipv4({ src: VISITOR, dst: WAN2, id: 301 }).tcp({ sport: 40001, dport: 8080, flags: 'S', seq: 3000, options: SYN_OPTS }).build(),
    tx('ether2', `> ${S_MAC}`, `${VISITOR}.40001 > ${S}.80: Flags [S]`), 'port forward on WAN2');
  s.at(300, 'ether2', fromLan(S_MAC).ipv4({ src: S, dst: VISITOR, id: 501 }).tcp({ sport: 80, dport: 40001, flags: 'SA', seq: 9000, ack: 3001, options: SYNACK_OPTS }).build(),
    tx('ether3', `> ${ISP2}`, `${WAN2}.8080 > ${VISITOR}.40001: Flags [S.]`), 'answer through WAN2');
  s.at(400, 'ether1', wan1().ipv4({ src: WEB, dst: WAN_IP, id: 601 }).tcp({ sport: 80, dport: 51000, flags: 'SA', seq: 7000, ack: 2, options: SYNACK_OPTS }).build(),
    tx('ether2', `${WEB}.80 > ${A}.51000: Flags [S.]`));
  s.at(500, 'ether3', wan2().ipv4({ src: WEB, dst: WAN2, id: 602 }).tcp({ sport: 80, dport: 52000, flags: 'SA', seq: 8000, ack: 2, options: SYNACK_OPTS }).build(),
    tx('ether2', `> ${B_MAC}`, `${WEB}.80 > ${B}.52000: Flags [S.]`));
  s.at(600, 'ether2', fromLan(B_MAC).ipv4({ src: B, dst: WEB, id: 202 }).icmp({ type: 'echo-request', id: 77, seq: 1 }).payload('ping').build(),
    tx('ether3', `${WAN2} > ${WEB}: ICMP echo request, id 77, seq 1`));
  s.at(700, 'ether2', fromLan().ipv4({ src: A, dst: DNS, id: 102 }).udp({ sport: 40000, dport: 53 }).payload('q').build(), tx('ether1', `${WAN_IP}.40000 > ${DNS}.53: UDP`));
  return { name: 'policy-mark', ports: ['ether1', 'ether2', 'ether3'], frames: s.frames, differences: [] };
}
