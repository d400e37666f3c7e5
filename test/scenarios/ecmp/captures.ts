/**
 * The ecmp scenario's input capture, built from typed fields with the fixture builder.
 *
 * The .pcap file beside this one is its output; `test/scenarios/ecmp.test.ts` checks it still equals what
 * this file builds. Regenerate after editing with:
 *   npx tsc -p . && node dist/test/scenarios/ecmp/captures.js --write
 *
 * The story (times from 2026-01-01 10:00:00 UTC, milliseconds): six flows, three rounds, all on ether1.
 * Round r (r = 0, 1, 2) starts at 100 * r; flow k sends its packet at 100 * r + 10 * k:
 *   k = 0  A 10.0.1.10 -> 1.1.1.1  UDP, source port 4000 + r (a new port each round: l3 ignores ports)
 *   k = 1  A 10.0.1.10 -> 8.8.8.8  UDP 5000 -> 53
 *   k = 2  A 10.0.1.10 -> 9.9.9.9  ICMP echo request, seq r
 *   k = 3  B 10.0.1.11 -> 1.1.1.1  UDP 6000 -> 443
 *   k = 4  B 10.0.1.11 -> 8.8.8.8  TCP 6001 -> 80 (SYN)
 *   k = 5  B 10.0.1.11 -> 9.9.9.9  UDP 6002 -> 123
 * Every packet is forwarded (TTL 64 -> 63) out ether2 to G1 or ether3 to G2, as the hash says for its flow.
 */
import { frame, type FixtureFrame } from '../../../pcap/fixture';
import { T0, at, captureFile, storyBytes, writeStoryIfAsked } from '../story';
export { T0, captureFile };

export const R1 = '02:00:00:00:01:01';
export const R2 = '02:00:00:00:02:01';
export const R3 = '02:00:00:00:03:01';
export const A = '02:00:00:0a:00:0a';
export const B = '02:00:00:0b:00:0b';
export const G1 = '02:00:00:00:02:54';
export const G2 = '02:00:00:00:03:54';
export const A_IP = '10.0.1.10';
export const B_IP = '10.0.1.11';

/** The six flows: [source MAC, source IP, destination IP]. */
export const FLOWS: readonly (readonly [string, string, string])[] = [
  [A, A_IP, '1.1.1.1'],
  [A, A_IP, '8.8.8.8'],
  [A, A_IP, '9.9.9.9'],
  [B, B_IP, '1.1.1.1'],
  [B, B_IP, '8.8.8.8'],
  [B, B_IP, '9.9.9.9'],
];
export const ROUNDS = 3;

function packet(k: number, r: number): Uint8Array {
  const [mac, src, dst] = FLOWS[k]!;
  const ip = frame().eth({ src: mac, dst: R1 }).ipv4({ src, dst, id: 0x100 * (k + 1) + r, ttl: 64 });
  switch (k) {
    case 0:
      return ip.udp({ sport: 4000 + r, dport: 53 }).payload(`flow ${k} round ${r}`).build();
    case 1:
      return ip.udp({ sport: 5000, dport: 53 }).payload(`flow ${k} round ${r}`).build();
    case 2:
      return ip.icmp({ type: 'echo-request', id: 0x99, seq: r }).payload(`flow ${k} round ${r}`).build();
    case 3:
      return ip.udp({ sport: 6000, dport: 443 }).payload(`flow ${k} round ${r}`).build();
    case 4:
      return ip.tcp({ sport: 6001, dport: 80, seq: 1000 + r }).build();
    default:
      return ip.udp({ sport: 6002, dport: 123 }).payload(`flow ${k} round ${r}`).build();
  }
}

export function ecmpCaptures(): Record<string, FixtureFrame[]> {
  const ether1: FixtureFrame[] = [];
  for (let r = 0; r < ROUNDS; r++) for (let k = 0; k < FLOWS.length; k++) ether1.push(at(100 * r + 10 * k, packet(k, r)));
  return { ether1 };
}

/** The capture bytes this file builds, by interface. */
export function ecmpCaptureBytes(): Record<string, Uint8Array> {
  return storyBytes(ecmpCaptures());
}

writeStoryIfAsked(module, 'ecmp', ecmpCaptures);
