/**
 * The policy-rule scenario's input captures, built from typed fields with the fixture builder.
 *
 * The .pcap files beside this one are its output; `test/scenarios/policy-rule.test.ts` checks they still
 * equal what this file builds. Regenerate them after editing with:
 *   npx tsc -p . && node dist/test/scenarios/policy-rule/captures.js --write
 *
 * The story (times from 2026-01-01 10:00:00 UTC, milliseconds; UDP unless said):
 *   0   ether1  A -> 8.8.8.8: no rule matches, main: out ether2 to G1
 *   10  ether1  B -> 172.16.5.5: rule *3 finds it in partner: out ether3 to G2
 *   20  ether1  B -> 8.8.8.8: rule *3 misses in partner and falls through to main: out ether2 to G1
 *   30  ether1  D -> 172.16.5.5: rule *4 finds it in partner: out ether3 to G2
 *   40  ether1  D -> 8.8.8.8: rule *4 misses and fails: dropped rule-table-miss, ICMP net unreachable to D
 *   50  ether1  A -> 192.0.2.9: rule *1: dropped rule-drop, nothing sent back
 *   60  ether1  A -> 198.18.0.1: rule *2: dropped rule-unreachable, ICMP net unreachable to A
 *   70  ether1  D pings 10.0.1.1: local comes before rule *4: the router answers (echo reply out ether1)
 *   80  ether4  C -> 8.8.8.8: rule *5 (in-interface ether4) sends it to isp2: out ether3 to G2
 *   90  ether4  C -> 198.18.0.1: rule *2 comes before rule *5: ICMP net unreachable back to C on ether4
 */
import { frame, type FixtureFrame } from '../../../pcap/fixture';
import { T0, at, captureFile, storyBytes, writeStoryIfAsked } from '../story';
export { T0, captureFile };

export const R1 = '02:00:00:00:01:01';
export const R2 = '02:00:00:00:02:01';
export const R3 = '02:00:00:00:03:01';
export const R4 = '02:00:00:00:04:01';
export const A = '02:00:00:0a:00:0a';
export const B = '02:00:00:0b:00:14';
export const D = '02:00:00:0d:00:1e';
export const C = '02:00:00:0c:00:0a';
export const G1 = '02:00:00:00:02:54';
export const G2 = '02:00:00:00:03:54';

/** UDP from `mac`/`src` to `dst`; the payload names the frame (`t=<ms>`), 4 or 5 bytes. */
function udp(ms: number, mac: string, routerMac: string, src: string, dst: string): FixtureFrame {
  return at(ms, frame().eth({ src: mac, dst: routerMac }).ipv4({ src, dst, id: ms + 1, ttl: 64 }).udp({ sport: 7000 + ms, dport: 9 }).payload(`t=${ms}`).build());
}

export function policyCaptures(): Record<string, FixtureFrame[]> {
  const ether1: FixtureFrame[] = [
    udp(0, A, R1, '10.0.1.10', '8.8.8.8'),
    udp(10, B, R1, '10.0.1.20', '172.16.5.5'),
    udp(20, B, R1, '10.0.1.20', '8.8.8.8'),
    udp(30, D, R1, '10.0.1.30', '172.16.5.5'),
    udp(40, D, R1, '10.0.1.30', '8.8.8.8'),
    udp(50, A, R1, '10.0.1.10', '192.0.2.9'),
    udp(60, A, R1, '10.0.1.10', '198.18.0.1'),
    at(70, frame().eth({ src: D, dst: R1 }).ipv4({ src: '10.0.1.30', dst: '10.0.1.1', id: 71, ttl: 64 }).icmp({ type: 'echo-request', id: 0x30, seq: 1 }).payload('router?').build()),
  ];
  const ether4: FixtureFrame[] = [udp(80, C, R4, '10.0.4.10', '8.8.8.8'), udp(90, C, R4, '10.0.4.10', '198.18.0.1')];
  return { ether1, ether4 };
}

/** The capture bytes this file builds, by interface. */
export function policyCaptureBytes(): Record<string, Uint8Array> {
  return storyBytes(policyCaptures());
}

writeStoryIfAsked(module, 'policy-rule', policyCaptures);
