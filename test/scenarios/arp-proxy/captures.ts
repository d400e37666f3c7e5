/**
 * The arp-proxy scenario's input captures, built from typed fields with the fixture builder.
 *
 * The .pcap files beside this one are its output; `test/scenarios/arp-proxy.test.ts` checks they still equal
 * what this file builds. Regenerate after editing with:
 *   npx tsc -p . && node dist/test/scenarios/arp-proxy/captures.js --write
 *
 * The story (times from 2026-01-01 10:00:00 UTC, milliseconds):
 *   0    ether1  A asks who-has 10.0.1.1: answered (A is learned)
 *   10   ether1  A asks who-has 10.0.1.200 (C, routed out ether2): proxy-arp answers with ether1's MAC
 *   20   ether1  A asks who-has 10.0.1.50 (on ether1's own segment): not answered (proxy-arp is only for
 *                hosts behind other interfaces)
 *   30   ether1  A sends C a UDP datagram (to the router's MAC, as the proxy answer said): the router has no
 *                MAC for C, queues it and asks who-has 10.0.1.200 out ether2
 *   40   ether2  C answers: the queued datagram leaves ether2 to C's MAC, TTL 63
 *   50   ether1  A sends F 10.0.4.40: ether4 is reply-only, the static entry resolves it: out at once, no ARP
 *   60   ether1  A sends G 10.0.4.50: no static entry, and reply-only never asks: dropped
 *   70   ether1  A sends 10.0.2.77, a host that is not there: queued, who-has out ether2 at 70, 1070, 2070
 *                (3 requests 1 s apart); at 3070 the resolution fails: the datagram is dropped and ICMP 3/1
 *                host unreachable goes to A
 *   80   ether2  B asks who-has 10.0.2.99 (published): answered with ether2's MAC
 *   90   ether3  D asks who-has 10.0.3.20 (E, same segment): local-proxy-arp answers with ether3's MAC
 *   100  ether3  D asks who-has 10.0.3.10, its own address (a duplicate-address check): not answered
 *   110  ether4  F asks who-has 10.0.4.1: answered (reply-only answers; it learns nothing)
 *   120  ether4  G asks who-has 10.0.4.1: answered as well
 */
import { frame, type FixtureFrame } from '../../../pcap/fixture';
import { T0, captureFile, storyBytes, writeStoryIfAsked } from '../story';
export { T0, captureFile };

export const R = ['02:00:00:00:01:01', '02:00:00:00:02:01', '02:00:00:00:03:01', '02:00:00:00:04:01'] as const;
export const A = '02:00:00:0a:00:0a';
export const B = '02:00:00:0b:00:14';
export const C = '02:00:00:0c:00:c8';
export const D = '02:00:00:0d:00:0a';
export const F = '02:00:00:0f:00:28';
export const G = '02:00:00:0f:00:32';
const BCAST = 'ff:ff:ff:ff:ff:ff';

function at(ms: number, f: Uint8Array): FixtureFrame {
  const t = T0 * 1000 + ms;
  return { frame: f, tsSec: Math.floor(t / 1000), tsNsec: Math.round((t % 1000) * 1_000_000) };
}

const whoHas = (mac: string, ip: string, target: string) => frame().eth({ src: mac, dst: BCAST }).arp({ op: 'request', senderMac: mac, senderIp: ip, targetIp: target }).pad().build();
const fromA = (dst: string, id: number) =>
  frame().eth({ src: A, dst: R[0] }).ipv4({ src: '10.0.1.10', dst, id, ttl: 64 }).udp({ sport: 6000, dport: 7000 }).payload(`to ${dst}`).build();

export function arpCaptures(): Record<string, FixtureFrame[]> {
  return {
    ether1: [
      at(0, whoHas(A, '10.0.1.10', '10.0.1.1')),
      at(10, whoHas(A, '10.0.1.10', '10.0.1.200')),
      at(20, whoHas(A, '10.0.1.10', '10.0.1.50')),
      at(30, fromA('10.0.1.200', 0x30)),
      at(50, fromA('10.0.4.40', 0x50)),
      at(60, fromA('10.0.4.50', 0x60)),
      at(70, fromA('10.0.2.77', 0x70)),
    ],
    ether2: [
      at(40, frame().eth({ src: C, dst: R[1] }).arp({ op: 'reply', senderMac: C, senderIp: '10.0.1.200', targetMac: R[1], targetIp: '10.0.2.1' }).pad().build()),
      at(80, whoHas(B, '10.0.2.20', '10.0.2.99')),
    ],
    ether3: [at(90, whoHas(D, '10.0.3.10', '10.0.3.20')), at(100, whoHas(D, '10.0.3.10', '10.0.3.10'))],
    ether4: [at(110, whoHas(F, '10.0.4.40', '10.0.4.1')), at(120, whoHas(G, '10.0.4.50', '10.0.4.1'))],
  };
}

/** The capture bytes this file builds, by interface. */
export function arpCaptureBytes(): Record<string, Uint8Array> {
  return storyBytes(arpCaptures());
}

writeStoryIfAsked(module, 'arp-proxy', arpCaptures);
