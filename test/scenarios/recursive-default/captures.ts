/**
 * The recursive-default scenario's input captures, built from typed fields with the fixture builder.
 *
 * The .pcap files beside this one are its output; `test/scenarios/recursive-default.test.ts` checks they
 * still equal what this file builds. Regenerate them after editing with:
 *   npx tsc -p . && node dist/test/scenarios/recursive-default/captures.js --write
 *
 * The story (times from 2026-01-01 10:00:00 UTC, milliseconds):
 *   0   ether1  A asks who-has 10.0.1.1 (the router answers and learns A)
 *   10  ether1  A sends UDP to 8.8.8.8: the default route, via 192.0.2.1 resolved to I; the router queues
 *               it and ARPs for 10.0.2.254 (I) out ether2
 *   20  ether2  I answers: the UDP packet leaves ether2 to I with TTL 63
 *   30  ether1  A pings 192.0.2.1 itself: the /32 route, out ether2 to I
 *   40  ether2  192.0.2.1's echo reply (TTL 60) arrives from I: forwarded to A with TTL 59
 *   50  ether1  A sends UDP to 203.0.113.9: its gateway route is inactive, the backup blackhole drops it
 *   60  ether1  A sends UDP to 198.51.100.7: its gateway route is inactive, the /16 blackhole drops it
 */
import { frame, type FixtureFrame } from '../../../pcap/fixture';
import { T0, at, captureFile, storyBytes, writeStoryIfAsked } from '../story';
export { T0, captureFile };

export const R1 = '02:00:00:00:01:01';
export const R2 = '02:00:00:00:02:01';
export const A = '02:00:00:0a:00:0a';
export const I = '02:00:00:00:02:54';
export const A_IP = '10.0.1.10';
export const I_IP = '10.0.2.254';
export const FAR = '192.0.2.1';
const BCAST = 'ff:ff:ff:ff:ff:ff';

export function recursiveCaptures(): Record<string, FixtureFrame[]> {
  const fromA = () => frame().eth({ src: A, dst: R1 });
  const ether1: FixtureFrame[] = [
    at(0, frame().eth({ src: A, dst: BCAST }).arp({ op: 'request', senderMac: A, senderIp: A_IP, targetIp: '10.0.1.1' }).pad().build()),
    at(10, fromA().ipv4({ src: A_IP, dst: '8.8.8.8', id: 1, ttl: 64 }).udp({ sport: 5353, dport: 53 }).payload('to the internet').build()),
    at(30, fromA().ipv4({ src: A_IP, dst: FAR, id: 2, ttl: 64 }).icmp({ type: 'echo-request', id: 0x42, seq: 1 }).payload('far gateway').build()),
    at(50, fromA().ipv4({ src: A_IP, dst: '203.0.113.9', id: 3, ttl: 64 }).udp({ sport: 5000, dport: 9 }).payload('backup').build()),
    at(60, fromA().ipv4({ src: A_IP, dst: '198.51.100.7', id: 4, ttl: 64 }).udp({ sport: 5000, dport: 9 }).payload('nowhere').build()),
  ];
  const ether2: FixtureFrame[] = [
    at(20, frame().eth({ src: I, dst: R2 }).arp({ op: 'reply', senderMac: I, senderIp: I_IP, targetMac: R2, targetIp: '10.0.2.1' }).pad().build()),
    at(40, frame().eth({ src: I, dst: R2 }).ipv4({ src: FAR, dst: A_IP, id: 0x200, ttl: 60 }).icmp({ type: 'echo-reply', id: 0x42, seq: 1 }).payload('far gateway').build()),
  ];
  return { ether1, ether2 };
}

/** The capture bytes this file builds, by interface. */
export function recursiveCaptureBytes(): Record<string, Uint8Array> {
  return storyBytes(recursiveCaptures());
}

writeStoryIfAsked(module, 'recursive-default', recursiveCaptures);
