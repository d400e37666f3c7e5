/**
 * The policy-mark scenario's input captures, built from typed fields with the fixture builder.
 *
 * The .pcap files beside this one are its output; `test/scenarios/policy-mark.test.ts` checks they still
 * equal what this file builds. Regenerate after editing with:
 *   npx tsc -p . && node dist/test/scenarios/policy-mark/captures.js --write
 *
 * The story (times from 2026-01-01 10:00:00 UTC, milliseconds):
 *   0   ether3  A 192.168.1.10:4000 -> 8.8.8.8:53 UDP     no mark: main, out ISP1 masqueraded to 10.1.0.2
 *   10  ether3  B 192.168.1.100:4001 -> 8.8.8.8:53 UDP    "B goes out ISP2": out ISP2 as 10.2.0.2
 *   20  ether3  B 192.168.1.100:4002 -> 192.168.1.10:7 UDP   the LAN is excluded (!dst-address): stays on ether3
 *   30  ether3  A 192.168.1.10:40000 -> 1.1.1.1:443 TCP SYN  "HTTPS goes out ISP2"
 *   40  ether3  A 192.168.1.10:40001 -> 1.1.1.1:80 TCP SYN   not HTTPS: main, out ISP1
 *   50  ether1  8.8.8.8:53 -> 10.1.0.2:4000 UDP           A's DNS answer: de-NATed back to A on ether3
 *   60  ether2  203.0.113.9:50000 -> 10.2.0.2:8080 TCP SYN   port forward on ISP2 to S 192.168.1.50:80; the
 *                                                             connection is marked from-isp2
 *   70  ether3  S 192.168.1.50:80 -> 203.0.113.9:50000 SYN/ACK   S's answer: marked to-isp2 by its connection
 *                                                             mark, so it leaves ISP2 (main would say ISP1),
 *                                                             its source translated back to 10.2.0.2:8080
 */
import { frame, type FixtureFrame } from '../../../pcap/fixture';
import { T0, at, captureFile, storyBytes, writeStoryIfAsked } from '../story';
export { T0, captureFile };

export const R1 = '02:00:00:00:01:01';
export const R2 = '02:00:00:00:02:01';
export const R3 = '02:00:00:00:03:01';
export const GW1 = '02:00:00:00:11:01';
export const GW2 = '02:00:00:00:22:01';
export const A = '02:00:00:0a:00:0a';
export const B = '02:00:00:0b:00:0b';
export const S = '02:00:00:0c:00:0c';

export function markCaptures(): Record<string, FixtureFrame[]> {
  const ether3: FixtureFrame[] = [
    at(0, frame().eth({ src: A, dst: R3 }).ipv4({ src: '192.168.1.10', dst: '8.8.8.8', id: 1 }).udp({ sport: 4000, dport: 53 }).payload('A asks').build()),
    at(10, frame().eth({ src: B, dst: R3 }).ipv4({ src: '192.168.1.100', dst: '8.8.8.8', id: 2 }).udp({ sport: 4001, dport: 53 }).payload('B asks').build()),
    at(20, frame().eth({ src: B, dst: R3 }).ipv4({ src: '192.168.1.100', dst: '192.168.1.10', id: 3 }).udp({ sport: 4002, dport: 7 }).payload('B to A').build()),
    at(30, frame().eth({ src: A, dst: R3 }).ipv4({ src: '192.168.1.10', dst: '1.1.1.1', id: 4 }).tcp({ sport: 40000, dport: 443, flags: 'S', seq: 100 }).build()),
    at(40, frame().eth({ src: A, dst: R3 }).ipv4({ src: '192.168.1.10', dst: '1.1.1.1', id: 5 }).tcp({ sport: 40001, dport: 80, flags: 'S', seq: 200 }).build()),
    at(70, frame().eth({ src: S, dst: R3 }).ipv4({ src: '192.168.1.50', dst: '203.0.113.9', id: 6 }).tcp({ sport: 80, dport: 50000, flags: 'SA', seq: 900, ack: 301 }).build()),
  ];
  const ether1: FixtureFrame[] = [
    at(50, frame().eth({ src: GW1, dst: R1 }).ipv4({ src: '8.8.8.8', dst: '10.1.0.2', id: 7 }).udp({ sport: 53, dport: 4000 }).payload('answer for A').build()),
  ];
  const ether2: FixtureFrame[] = [
    at(60, frame().eth({ src: GW2, dst: R2 }).ipv4({ src: '203.0.113.9', dst: '10.2.0.2', id: 8 }).tcp({ sport: 50000, dport: 8080, flags: 'S', seq: 300 }).build()),
  ];
  return { ether1, ether2, ether3 };
}

/** The capture bytes this file builds, by interface. */
export function markCaptureBytes(): Record<string, Uint8Array> {
  return storyBytes(markCaptures());
}

writeStoryIfAsked(module, 'policy-mark', markCaptures);
