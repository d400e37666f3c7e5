/**
 * The router-on-a-stick scenario's input capture (ether1, a trunk carrying VLAN 10 and VLAN 20), built from
 * typed fields with the fixture builder.
 *
 * The .pcap file beside this one is its output; `test/scenarios/router-on-a-stick.test.ts` checks it still
 * equals what this file builds. Regenerate it after editing with:
 *   npx tsc -p . && node dist/test/scenarios/router-on-a-stick/captures.js --write
 *
 * The story (times from 2026-01-01 10:00:00 UTC, milliseconds), everything on ether1:
 *   0   VID 10  A asks who-has 10.0.10.1 (the VLAN 10 gateway): the router answers tagged VID 10
 *   10  VID 10  A pings B 10.0.20.20: routed to vlan20; the router ARPs for B tagged VID 20
 *   20  VID 20  B answers the ARP: the ping leaves ether1 tagged VID 20, TTL 63
 *   30  VID 20  B's echo reply: routed back to A, tagged VID 10 (A was learned from its ARP request)
 *   40  VID 30  a frame for a VLAN the router has no interface for: vlan-unknown
 */
import { frame, type FixtureFrame } from '../../../pcap/fixture';
import { T0, at, captureFile, storyBytes, writeStoryIfAsked } from '../story';
export { T0, captureFile };

export const R1 = '02:00:00:00:01:01';
export const A = '02:00:00:0a:00:0a';
export const B = '02:00:00:0b:00:14';
export const A_IP = '10.0.10.10';
export const B_IP = '10.0.20.20';
const BCAST = 'ff:ff:ff:ff:ff:ff';

export function stickCaptures(): Record<string, FixtureFrame[]> {
  const ether1: FixtureFrame[] = [
    at(0, frame().eth({ src: A, dst: BCAST }).vlan(10).arp({ op: 'request', senderMac: A, senderIp: A_IP, targetIp: '10.0.10.1' }).pad().build()),
    at(10, frame().eth({ src: A, dst: R1 }).vlan(10).ipv4({ src: A_IP, dst: B_IP, id: 1, ttl: 64 }).icmp({ type: 'echo-request', id: 0x44, seq: 1 }).payload('a to b').build()),
    at(20, frame().eth({ src: B, dst: R1 }).vlan(20).arp({ op: 'reply', senderMac: B, senderIp: B_IP, targetMac: R1, targetIp: '10.0.20.1' }).pad().build()),
    at(30, frame().eth({ src: B, dst: R1 }).vlan(20).ipv4({ src: B_IP, dst: A_IP, id: 2, ttl: 64 }).icmp({ type: 'echo-reply', id: 0x44, seq: 1 }).payload('a to b').build()),
    at(40, frame().eth({ src: A, dst: R1 }).vlan(30).ipv4({ src: A_IP, dst: B_IP, id: 3, ttl: 64 }).udp({ sport: 1, dport: 2 }).build()),
  ];
  return { ether1 };
}

/** The capture bytes this file builds, by interface. */
export function stickCaptureBytes(): Record<string, Uint8Array> {
  return storyBytes(stickCaptures());
}

writeStoryIfAsked(module, 'router-on-a-stick', stickCaptures);
