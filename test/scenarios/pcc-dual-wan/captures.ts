/**
 * The pcc-dual-wan scenario's input captures (config.rsc says the topology and the rules).
 * `npx tsc -p . && node dist/test/scenarios/pcc-dual-wan/captures.js --write` rewrites them.
 *
 * The story (ms after 2026-01-01 10:00:00 UTC); the class of each connection is pccHash(both addresses) % 2
 * (test/scenarios/pcc-dual-wan.test.ts works it out; 0 -> ISP1, 1 -> ISP2):
 *    0  ether3  H1:5000 -> 8.8.8.8:53 UDP      new connection, classified
 *   10  ether3  H1:5001 -> 1.1.1.1:53 UDP      same host, other server: classified on its own
 *   20  ether3  H2:5002 -> 8.8.8.8:53 UDP
 *   30  ether3  H3:40000 -> 1.1.1.1:443 SYN
 *   50  ether2  8.8.8.8:53 -> 10.2.0.2:5000    answer to H1's first (if it went out ISP2): main routes it to H1
 *   60  ether1  1.1.1.1:53 -> 10.1.0.2:5001    answer to H1's second (if it went out ISP1)
 *   70  ether2  1.1.1.1:443 -> 10.2.0.2:40000 SYN/ACK   answer to H3 (if ISP2)
 *   80  ether3  H3 ACK                          same connection: same WAN, by its connection mark
 *   90  ether3  H1:5000 -> 8.8.8.8:53 again     same connection: same WAN
 */
import { frame, type FixtureFrame } from '../../../pcap/fixture';
import { at, captureBytes, writeCaptures } from '../fw-scenario';

export const R1 = '02:dd:00:00:00:01';
export const R2 = '02:dd:00:00:00:02';
export const R3 = '02:dd:00:00:00:03';
export const GW1 = '02:00:00:00:11:01';
export const GW2 = '02:00:00:00:22:01';
export const H = { h1: ['192.168.1.10', '02:00:00:00:01:10'], h2: ['192.168.1.20', '02:00:00:00:01:20'], h3: ['192.168.1.30', '02:00:00:00:01:30'] } as const;

export function pccCaptures(): Record<string, FixtureFrame[]> {
  const lan = (h: readonly [string, string], dst: string, id: number) => frame().eth({ src: h[1], dst: R3 }).ipv4({ src: h[0], dst, id });
  const ether3: FixtureFrame[] = [
    at(0, lan(H.h1, '8.8.8.8', 1).udp({ sport: 5000, dport: 53 }).payload('h1 q1').build()),
    at(10, lan(H.h1, '1.1.1.1', 2).udp({ sport: 5001, dport: 53 }).payload('h1 q2').build()),
    at(20, lan(H.h2, '8.8.8.8', 3).udp({ sport: 5002, dport: 53 }).payload('h2 q1').build()),
    at(30, lan(H.h3, '1.1.1.1', 4).tcp({ sport: 40000, dport: 443, flags: 'S', seq: 10, window: 64240 }).build()),
    at(80, lan(H.h3, '1.1.1.1', 5).tcp({ sport: 40000, dport: 443, flags: 'A', seq: 11, ack: 501, window: 502 }).build()),
    at(90, lan(H.h1, '8.8.8.8', 6).udp({ sport: 5000, dport: 53 }).payload('h1 q3').build()),
  ];
  const ether1: FixtureFrame[] = [
    at(60, frame().eth({ src: GW1, dst: R1 }).ipv4({ src: '1.1.1.1', dst: '10.1.0.2', id: 100 }).udp({ sport: 53, dport: 5001 }).payload('answer q2').build()),
  ];
  const ether2: FixtureFrame[] = [
    at(50, frame().eth({ src: GW2, dst: R2 }).ipv4({ src: '8.8.8.8', dst: '10.2.0.2', id: 200 }).udp({ sport: 53, dport: 5000 }).payload('answer q1').build()),
    at(70, frame().eth({ src: GW2, dst: R2 }).ipv4({ src: '1.1.1.1', dst: '10.2.0.2', id: 201 }).tcp({ sport: 443, dport: 40000, flags: 'SA', seq: 500, ack: 11, window: 65160 }).build()),
  ];
  return { ether1, ether2, ether3 };
}

export const pccCaptureBytes = (): Record<string, Uint8Array> => captureBytes(pccCaptures());

if (require.main === module && process.argv.includes('--write')) writeCaptures('pcc-dual-wan', pccCaptures());
