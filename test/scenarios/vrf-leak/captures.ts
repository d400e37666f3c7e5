/**
 * The vrf-leak scenario's input captures, built from typed fields with the fixture builder.
 *
 * The .pcap files beside this one are its output; `test/scenarios/vrf-leak.test.ts` checks they still equal
 * what this file builds. Regenerate them after editing with:
 *   npx tsc -p . && node dist/test/scenarios/vrf-leak/captures.js --write
 *
 * The story (times from 2026-01-01 10:00:00 UTC, milliseconds):
 *   0   ether3  C (cust) pings S 10.0.2.20 (main): cust's leaked 10.0.2.0/24 on ether2: out ether2 to S
 *   10  ether2  S's echo reply to C: main's leaked 10.3.0.0/24 on ether3: out ether3 to C
 *   20  ether3  C sends UDP to D 10.4.0.10: cust's own connected network: out ether4 to D
 *   30  ether3  C sends UDP to 198.51.100.5: cust's leak via 10.0.2.254@main: out ether2 to U
 *   40  ether3  C pings 10.3.0.1, its gateway: local in cust, the echo reply is routed in cust: out ether3
 *   50  ether3  C pings 10.4.0.1, cust's other address: local in cust too, echo reply out ether3
 *   60  ether3  C sends UDP to 10.0.1.1, main's address: not local in cust, no route there: dropped
 *               no-route, ICMP net unreachable from 10.3.0.1 out ether3
 *   70  ether1  A (main) sends UDP to 172.20.1.1: main's leak via 10.4.0.254@cust: out ether4 to R
 *   80  ether1  A pings 10.4.0.1, cust's address: not local in main, no route there: dropped no-route,
 *               ICMP net unreachable from 10.0.1.1 out ether1
 *   90  ether1  A pings 10.0.1.1, main's own address: echo reply out ether1
 */
import { frame, type FixtureFrame } from '../../../pcap/fixture';
import { T0, at, captureFile, storyBytes, writeStoryIfAsked } from '../story';
export { T0, captureFile };

export const R1 = '02:00:00:00:01:01';
export const R2 = '02:00:00:00:02:01';
export const R3 = '02:00:00:00:03:01';
export const R4 = '02:00:00:00:04:01';
export const A = '02:00:00:0a:00:0a';
export const S = '02:00:00:05:00:14';
export const U = '02:00:00:00:02:54';
export const C = '02:00:00:0c:00:0a';
export const D = '02:00:00:0d:00:0a';
export const R = '02:00:00:00:04:fe';

function udp(ms: number, mac: string, routerMac: string, src: string, dst: string): FixtureFrame {
  return at(ms, frame().eth({ src: mac, dst: routerMac }).ipv4({ src, dst, id: ms + 1, ttl: 64 }).udp({ sport: 7000 + ms, dport: 9 }).payload(`t=${ms}`).build());
}

function ping(ms: number, mac: string, routerMac: string, src: string, dst: string, type: 'echo-request' | 'echo-reply' = 'echo-request'): FixtureFrame {
  return at(ms, frame().eth({ src: mac, dst: routerMac }).ipv4({ src, dst, id: ms + 1, ttl: 64 }).icmp({ type, id: 0x77, seq: ms }).payload(`t=${ms}`).build());
}

export function vrfCaptures(): Record<string, FixtureFrame[]> {
  const ether3: FixtureFrame[] = [
    ping(0, C, R3, '10.3.0.10', '10.0.2.20'),
    udp(20, C, R3, '10.3.0.10', '10.4.0.10'),
    udp(30, C, R3, '10.3.0.10', '198.51.100.5'),
    ping(40, C, R3, '10.3.0.10', '10.3.0.1'),
    ping(50, C, R3, '10.3.0.10', '10.4.0.1'),
    udp(60, C, R3, '10.3.0.10', '10.0.1.1'),
  ];
  const ether2: FixtureFrame[] = [ping(10, S, R2, '10.0.2.20', '10.3.0.10', 'echo-reply')];
  const ether1: FixtureFrame[] = [
    udp(70, A, R1, '10.0.1.10', '172.20.1.1'),
    ping(80, A, R1, '10.0.1.10', '10.4.0.1'),
    ping(90, A, R1, '10.0.1.10', '10.0.1.1'),
  ];
  return { ether1, ether2, ether3 };
}

/** The capture bytes this file builds, by interface. */
export function vrfCaptureBytes(): Record<string, Uint8Array> {
  return storyBytes(vrfCaptures());
}

writeStoryIfAsked(module, 'vrf-leak', vrfCaptures);
