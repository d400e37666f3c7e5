/**
 * The bridge-lan scenario's input captures, built from typed fields with the fixture builder.
 *
 * The .pcap files beside this one are its output; `test/scenarios/bridge-lan.test.ts` checks they still
 * equal what this file builds. Regenerate them after editing with:
 *   npx tsc -p . && node dist/test/scenarios/bridge-lan/captures.js --write
 *
 * The story (times from 2026-01-01 10:00:00 UTC, milliseconds):
 *   0   ether2  A asks who-has 192.168.88.1 (broadcast: flooded to ether3 and ether4; the router answers)
 *   10  ether2  A sends UDP to B: B is not learned yet, flooded to ether3 and ether4
 *   20  ether3  B answers A: A was learned on ether2, so only ether2
 *   30  ether2  A sends UDP to B again: B was learned on ether3, so only ether3
 *   40  ether2  A pings the router 192.168.88.1: echo reply out ether2
 *   50  ether2  A pings D 10.0.1.50 behind ether1: the router ARPs for D out ether1
 *   60  ether1  D answers the ARP: the ping leaves ether1 with TTL 63
 *   70  ether1  D's echo reply: routed into the bridge, out ether2 only (A is in the FDB), TTL 63
 */
import { frame, type FixtureFrame } from '../../../pcap/fixture';
import { T0, at, captureFile, storyBytes, writeStoryIfAsked } from '../story';
export { T0, captureFile };

export const R1 = '02:00:00:00:01:01';
export const BR = '02:00:00:00:88:01';
export const A = '02:00:00:0a:00:0a';
export const B = '02:00:00:0b:00:14';
export const D = '02:00:00:0d:00:32';
export const A_IP = '192.168.88.10';
export const B_IP = '192.168.88.20';
export const D_IP = '10.0.1.50';
const BCAST = 'ff:ff:ff:ff:ff:ff';

export function bridgeCaptures(): Record<string, FixtureFrame[]> {
  const ab = (id: number) => frame().eth({ src: A, dst: B }).ipv4({ src: A_IP, dst: B_IP, id }).udp({ sport: 4000, dport: 5000 }).payload('a to b').build();
  const ether2: FixtureFrame[] = [
    at(0, frame().eth({ src: A, dst: BCAST }).arp({ op: 'request', senderMac: A, senderIp: A_IP, targetIp: '192.168.88.1' }).pad().build()),
    at(10, ab(1)),
    at(30, ab(2)),
    at(40, frame().eth({ src: A, dst: BR }).ipv4({ src: A_IP, dst: '192.168.88.1', id: 3 }).icmp({ type: 'echo-request', id: 0x42, seq: 1 }).payload('router ping').build()),
    at(50, frame().eth({ src: A, dst: BR }).ipv4({ src: A_IP, dst: D_IP, id: 4, ttl: 64 }).icmp({ type: 'echo-request', id: 0x43, seq: 1 }).payload('to d').build()),
  ];
  const ether3: FixtureFrame[] = [
    at(20, frame().eth({ src: B, dst: A }).ipv4({ src: B_IP, dst: A_IP, id: 0x100 }).udp({ sport: 5000, dport: 4000 }).payload('b to a').build()),
  ];
  const ether1: FixtureFrame[] = [
    at(60, frame().eth({ src: D, dst: R1 }).arp({ op: 'reply', senderMac: D, senderIp: D_IP, targetMac: R1, targetIp: '10.0.1.1' }).pad().build()),
    at(70, frame().eth({ src: D, dst: R1 }).ipv4({ src: D_IP, dst: A_IP, id: 0x200, ttl: 64 }).icmp({ type: 'echo-reply', id: 0x43, seq: 1 }).payload('to d').build()),
  ];
  return { ether1, ether2, ether3 };
}

/** The capture bytes this file builds, by interface. */
export function bridgeCaptureBytes(): Record<string, Uint8Array> {
  return storyBytes(bridgeCaptures());
}

writeStoryIfAsked(module, 'bridge-lan', bridgeCaptures);
