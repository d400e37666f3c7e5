/**
 * The routing-two-port scenario's input captures, built from typed fields with the fixture builder.
 *
 * The .pcap files beside this one are its output; `test/scenarios/routing-two-port.test.ts` checks they
 * still equal what this file builds. Regenerate them after editing with:
 *   npx tsc -p . && node dist/test/scenarios/routing-two-port/captures.js --write
 *
 * The story (times from 2026-01-01 10:00:00 UTC, milliseconds):
 *   0   ether1  A asks who-has 10.0.1.1 (the router answers; A's MAC is learned)
 *   10  ether1  A pings B 10.0.2.20 (TTL 64): the router queues it and ARPs for B out ether2
 *   20  ether2  B answers the router's ARP: the ping leaves ether2 with TTL 63
 *   30  ether2  B's echo reply: forwarded to A out ether1 with TTL 63
 *   40  ether1  A sends UDP to 10.0.9.9: no route (dropped, ICMP 3/0 to A)
 *   50  ether1  A sends UDP to B with TTL 1: dropped ttl-exceeded (ICMP 11/0 to A)
 *   60  ether1  A pings the router 10.0.1.1: echo reply out ether1
 *   70  ether1  A sends a packet with a bad IPv4 header checksum: dropped
 *   80  ether1  a frame for another MAC: dropped not-for-router
 */
import { frame, type FixtureFrame } from '../../../pcap/fixture';
import { T0, at, captureFile, storyBytes, writeStoryIfAsked } from '../story';
export { T0, captureFile };

export const R1 = '02:00:00:00:01:01';
export const R2 = '02:00:00:00:02:01';
export const A = '02:00:00:0a:00:0a';
export const B = '02:00:00:0b:00:14';
export const A_IP = '10.0.1.10';
export const B_IP = '10.0.2.20';
const BCAST = 'ff:ff:ff:ff:ff:ff';

export function routingCaptures(): Record<string, FixtureFrame[]> {
  const fromA = () => frame().eth({ src: A, dst: R1 });
  const ether1: FixtureFrame[] = [
    at(0, frame().eth({ src: A, dst: BCAST }).arp({ op: 'request', senderMac: A, senderIp: A_IP, targetIp: '10.0.1.1' }).pad().build()),
    at(10, fromA().ipv4({ src: A_IP, dst: B_IP, id: 1, ttl: 64 }).icmp({ type: 'echo-request', id: 0x77, seq: 1 }).payload('two-port ping').build()),
    at(40, fromA().ipv4({ src: A_IP, dst: '10.0.9.9', id: 3 }).udp({ sport: 5000, dport: 9 }).payload('nowhere').build()),
    at(50, fromA().ipv4({ src: A_IP, dst: B_IP, id: 4, ttl: 1 }).udp({ sport: 5000, dport: 33434 }).payload('ttl one').build()),
    at(60, fromA().ipv4({ src: A_IP, dst: '10.0.1.1', id: 5 }).icmp({ type: 'echo-request', id: 0x78, seq: 1 }).payload('router ping').build()),
    at(70, fromA().ipv4({ src: A_IP, dst: B_IP, id: 6, badChecksum: true }).udp({ sport: 5000, dport: 7 }).payload('bad sum').build()),
    at(80, frame().eth({ src: A, dst: '02:00:00:00:99:99' }).ipv4({ src: A_IP, dst: B_IP, id: 7 }).udp({ sport: 5000, dport: 7 }).payload('not us').build()),
  ];
  const ether2: FixtureFrame[] = [
    at(20, frame().eth({ src: B, dst: R2 }).arp({ op: 'reply', senderMac: B, senderIp: B_IP, targetMac: R2, targetIp: '10.0.2.1' }).pad().build()),
    at(30, frame().eth({ src: B, dst: R2 }).ipv4({ src: B_IP, dst: A_IP, id: 0x100, ttl: 64 }).icmp({ type: 'echo-reply', id: 0x77, seq: 1 }).payload('two-port ping').build()),
  ];
  return { ether1, ether2 };
}

/** The capture bytes this file builds, by interface. */
export function routingCaptureBytes(): Record<string, Uint8Array> {
  return storyBytes(routingCaptures());
}

writeStoryIfAsked(module, 'routing-two-port', routingCaptures);
