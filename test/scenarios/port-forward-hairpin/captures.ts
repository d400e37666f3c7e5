/**
 * The port-forward-hairpin scenario's input captures (config.rsc says the topology and the rules).
 * `npx tsc -p . && node dist/test/scenarios/port-forward-hairpin/captures.js --write` rewrites them.
 *
 * The story (ms after 2026-01-01 10:00:00 UTC). V = visitor 198.51.100.23 on the Internet, S = server
 * 192.168.88.10, C = LAN client 192.168.88.20, P = the public address 203.0.113.2:
 *    0  ether1  V:40001 -> P:8080 SYN     dstnat to S:80; new but dstnat'ed: forwarded; no srcnat (V is not LAN)
 *   20  ether2  S:80 -> V:40001 SYN/ACK   reply: source back to P:8080; fasttrack marks the connection
 *   40  ether1  V ACK                     TCP state syn-received: slow path
 *   41  ether1  V request (20 bytes)      fast path: stored dst-nat applied
 *   60  ether2  S answer (30 bytes)       fast path: source back to P:8080
 *  100  ether2  C:50000 -> P:8080 SYN     dstnat to S:80, routed back out ether2, hairpin masquerade: source
 *                                         becomes the router's 192.168.88.1 (port kept)
 *  120  ether2  S:80 -> 192.168.88.1:50000 SYN/ACK   reply: destination back to C:50000, source back to P:8080
 *  121  ether2  C ACK                     slow path (syn-received), both translations
 *  122  ether2  C request (20 bytes)      fast path, both translations
 *  150  ether2  S answer (30 bytes)       fast path, both translations
 */
import { frame, type FixtureFrame } from '../../../pcap/fixture';
import { at, captureBytes, writeCaptures } from '../fw-scenario';

export const R1 = '02:cc:00:00:00:01';
export const R2 = '02:cc:00:00:00:02';
export const ISP = '02:00:5e:00:00:01';
export const S_MAC = '02:00:00:00:00:10';
export const C_MAC = '02:00:00:00:00:20';
const V = '198.51.100.23';
const P = '203.0.113.2';
const S = '192.168.88.10';
const C = '192.168.88.20';
const REQ = 'GET / HTTP/1.0\r\n\r\n'.padEnd(20, '.');
const ANS = 'HTTP/1.0 200 OK\r\n\r\nhello'.padEnd(30, '.');

export function hairpinCaptures(): Record<string, FixtureFrame[]> {
  const wan = () => frame().eth({ src: ISP, dst: R1 });
  const fromS = () => frame().eth({ src: S_MAC, dst: R2 });
  const fromC = () => frame().eth({ src: C_MAC, dst: R2 });
  const ether1: FixtureFrame[] = [
    at(0, wan().ipv4({ src: V, dst: P, id: 1 }).tcp({ sport: 40001, dport: 8080, flags: 'S', seq: 100, window: 64240 }).build()),
    at(40, wan().ipv4({ src: V, dst: P, id: 2 }).tcp({ sport: 40001, dport: 8080, flags: 'A', seq: 101, ack: 701, window: 502 }).build()),
    at(41, wan().ipv4({ src: V, dst: P, id: 3 }).tcp({ sport: 40001, dport: 8080, flags: 'PA', seq: 101, ack: 701, window: 502 }).payload(REQ).build()),
  ];
  const ether2: FixtureFrame[] = [
    at(20, fromS().ipv4({ src: S, dst: V, id: 11 }).tcp({ sport: 80, dport: 40001, flags: 'SA', seq: 700, ack: 101, window: 65160 }).build()),
    at(60, fromS().ipv4({ src: S, dst: V, id: 12 }).tcp({ sport: 80, dport: 40001, flags: 'PA', seq: 701, ack: 121, window: 509 }).payload(ANS).build()),
    at(100, fromC().ipv4({ src: C, dst: P, id: 21 }).tcp({ sport: 50000, dport: 8080, flags: 'S', seq: 300, window: 64240 }).build()),
    at(120, fromS().ipv4({ src: S, dst: '192.168.88.1', id: 13 }).tcp({ sport: 80, dport: 50000, flags: 'SA', seq: 900, ack: 301, window: 65160 }).build()),
    at(121, fromC().ipv4({ src: C, dst: P, id: 22 }).tcp({ sport: 50000, dport: 8080, flags: 'A', seq: 301, ack: 901, window: 502 }).build()),
    at(122, fromC().ipv4({ src: C, dst: P, id: 23 }).tcp({ sport: 50000, dport: 8080, flags: 'PA', seq: 301, ack: 901, window: 502 }).payload(REQ).build()),
    at(150, fromS().ipv4({ src: S, dst: '192.168.88.1', id: 14 }).tcp({ sport: 80, dport: 50000, flags: 'PA', seq: 901, ack: 321, window: 509 }).payload(ANS).build()),
  ];
  return { ether1, ether2 };
}

export const hairpinCaptureBytes = (): Record<string, Uint8Array> => captureBytes(hairpinCaptures());

if (require.main === module && process.argv.includes('--write')) writeCaptures('port-forward-hairpin', hairpinCaptures());
