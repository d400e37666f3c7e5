/**
 * The soho-default scenario's input captures (config.rsc says the topology), built from typed fields.
 * `npx tsc -p . && node dist/test/scenarios/soho-default/captures.js --write` rewrites the .pcap files;
 * test/scenarios/soho-default.test.ts checks the committed ones equal what this file builds.
 *
 * The story (ms after 2026-01-01 10:00:00 UTC). H = 192.168.88.10 on ether2 (a bridge port), D = resolver
 * 198.51.100.53, W = web server 198.51.100.80, S = scanner 192.0.2.66, all on the WAN side (ether1):
 *    0  ether2  H:40000 -> D:53 DNS query            new; forward falls off the chain (accept); masqueraded
 *   20  ether1  D:53 -> 203.0.113.2:40000 answer     established (reply); de-NATed to H; the fasttrack rule
 *                                                    marks the UDP connection F (this packet: slow path)
 *  100  ether2  H:51000 -> W:80 SYN                  new; masqueraded
 *  130  ether1  W -> 203.0.113.2:51000 SYN/ACK       established; fasttrack marks the TCP connection F
 *  131  ether2  H ACK                                F, but TCP state is syn-received: slow path (-> established)
 *  132  ether2  H GET (40 bytes)                     fast path: stored NAT, main table, no firewall
 *  160  ether1  W response (100 bytes)               fast path, de-NATed
 *  161  ether2  H ACK                                fast path
 *  300  ether2  H FIN                                FIN: slow path (fin-wait)
 *  330  ether1  W FIN                                FIN: slow path (last-ack)
 *  331  ether2  H last ACK                           state not established: slow path (time-wait)
 *  400  ether2  H -> W ping (id 77)                  new; masqueraded (ICMP is never fasttracked)
 *  420  ether1  W echo reply                         established; de-NATed; fasttrack matches but cannot mark ICMP
 *  500  ether1  S:40002 -> 203.0.113.2:22 SYN        input: "drop all not coming from LAN"
 *  510  ether1  S:40003 -> H:80 SYN                  forward: "drop all from WAN not DSTNATed"
 *  600  ether2  H:51001 -> W:80 stray SYN/ACK        no connection: invalid; forward "drop invalid"
 * 1200  ether2  H:40000 -> D:53 second query         F, but conntrack last refreshed it 1.18 s ago: slow path
 * 1210  ether1  D answer                             fast path (refreshed 10 ms ago)
 */
import { frame, type FixtureFrame } from '../../../pcap/fixture';
import { at, captureBytes, writeCaptures } from '../fw-scenario';

export const R_WAN = '02:ee:00:00:00:01';
export const R_LAN = '02:ee:00:00:00:02';
export const ISP = '02:00:5e:00:00:01';
export const H_MAC = '02:00:00:00:88:0a';
export const H = '192.168.88.10';
export const WAN_IP = '203.0.113.2';
export const D = '198.51.100.53';
export const W = '198.51.100.80';
export const S = '192.0.2.66';

export const GET = 'GET / HTTP/1.1\r\nHost: w\r\n\r\n'.padEnd(40, 'x');
export const PAGE = 'HTTP/1.1 200 OK\r\n\r\n'.padEnd(100, 'p');

export function sohoCaptures(): Record<string, FixtureFrame[]> {
  const lan = () => frame().eth({ src: H_MAC, dst: R_LAN });
  const wan = () => frame().eth({ src: ISP, dst: R_WAN });
  const ether2: FixtureFrame[] = [
    at(0, lan().ipv4({ src: H, dst: D, id: 1 }).udp({ sport: 40000, dport: 53 }).payload('query example.org A').build()),
    at(100, lan().ipv4({ src: H, dst: W, id: 2, df: true }).tcp({ sport: 51000, dport: 80, flags: 'S', seq: 1000, window: 64240 }).build()),
    at(131, lan().ipv4({ src: H, dst: W, id: 3, df: true }).tcp({ sport: 51000, dport: 80, flags: 'A', seq: 1001, ack: 5001, window: 502 }).build()),
    at(132, lan().ipv4({ src: H, dst: W, id: 4, df: true }).tcp({ sport: 51000, dport: 80, flags: 'PA', seq: 1001, ack: 5001, window: 502 }).payload(GET).build()),
    at(161, lan().ipv4({ src: H, dst: W, id: 5, df: true }).tcp({ sport: 51000, dport: 80, flags: 'A', seq: 1041, ack: 5101, window: 502 }).build()),
    at(300, lan().ipv4({ src: H, dst: W, id: 6, df: true }).tcp({ sport: 51000, dport: 80, flags: 'FA', seq: 1041, ack: 5101, window: 502 }).build()),
    at(331, lan().ipv4({ src: H, dst: W, id: 7, df: true }).tcp({ sport: 51000, dport: 80, flags: 'A', seq: 1042, ack: 5102, window: 502 }).build()),
    at(400, lan().ipv4({ src: H, dst: W, id: 8 }).icmp({ type: 'echo-request', id: 77, seq: 1 }).payload('ping from H').build()),
    at(600, lan().ipv4({ src: H, dst: W, id: 9 }).tcp({ sport: 51001, dport: 80, flags: 'SA', seq: 7, ack: 9, window: 502 }).build()),
    at(1200, lan().ipv4({ src: H, dst: D, id: 10 }).udp({ sport: 40000, dport: 53 }).payload('query example.net A').build()),
  ];
  const ether1: FixtureFrame[] = [
    at(20, wan().ipv4({ src: D, dst: WAN_IP, id: 100 }).udp({ sport: 53, dport: 40000 }).payload('answer example.org A 198.51.100.80').build()),
    at(130, wan().ipv4({ src: W, dst: WAN_IP, id: 101, df: true }).tcp({ sport: 80, dport: 51000, flags: 'SA', seq: 5000, ack: 1001, window: 65160 }).build()),
    at(160, wan().ipv4({ src: W, dst: WAN_IP, id: 102, df: true }).tcp({ sport: 80, dport: 51000, flags: 'PA', seq: 5001, ack: 1041, window: 509 }).payload(PAGE).build()),
    at(330, wan().ipv4({ src: W, dst: WAN_IP, id: 103, df: true }).tcp({ sport: 80, dport: 51000, flags: 'FA', seq: 5101, ack: 1042, window: 509 }).build()),
    at(420, wan().ipv4({ src: W, dst: WAN_IP, id: 104 }).icmp({ type: 'echo-reply', id: 77, seq: 1 }).payload('ping from H').build()),
    at(500, wan().ipv4({ src: S, dst: WAN_IP, id: 105 }).tcp({ sport: 40002, dport: 22, flags: 'S', seq: 1, window: 1024 }).build()),
    at(510, wan().ipv4({ src: S, dst: H, id: 106 }).tcp({ sport: 40003, dport: 80, flags: 'S', seq: 1, window: 1024 }).build()),
    at(1210, wan().ipv4({ src: D, dst: WAN_IP, id: 107 }).udp({ sport: 53, dport: 40000 }).payload('answer example.net A 198.51.100.81').build()),
  ];
  return { ether1, ether2 };
}

export const sohoCaptureBytes = (): Record<string, Uint8Array> => captureBytes(sohoCaptures());

if (require.main === module && process.argv.includes('--write')) writeCaptures('soho-default', sohoCaptures());
