/**
 * The bridge-ip-firewall scenario's input captures, built from typed fields with the fixture builder.
 *
 * The .pcap files beside this one are its output; `test/scenarios/bridge-ip-firewall.test.ts` checks they
 * still equal what this file builds. Regenerate them after editing with:
 *   npx tsc -p . && node dist/test/scenarios/bridge-ip-firewall/captures.js --write
 *
 * The story (times from 2026-01-01 10:00:00 UTC, milliseconds):
 *   0   ether2  A asks who-has 192.168.88.1 (broadcast: flooded to ether3 — ARP takes no IP hook; the router answers)
 *   10  ether2  A sends UDP to S (S not learned yet: flooded, to ether3): a new connection from inside
 *   20  ether3  S answers A: established, out ether2
 *   30  ether3  S opens TCP to A port 22: new from outside, dropped
 *   40  ether2  A opens TCP to S port 80 (SYN): out ether3
 *   50  ether3  S's SYN/ACK: established, out ether2
 *   60  ether2  A's ACK: out ether3
 *   70  ether3  S sends a SYN+FIN segment: invalid, dropped
 *   80  ether2  A pings the router: allowed from the inside port, echo reply out ether2
 *   90  ether3  S pings the router: dropped by filter input (same in-interface br1, other bridge port)
 */
import { frame, type FixtureFrame } from '../../../pcap/fixture';
import { T0, at, captureFile, storyBytes, writeStoryIfAsked } from '../story';
export { T0, captureFile };

export const BR = '02:00:00:00:88:01';
export const A = '02:00:00:0a:00:0a';
export const S = '02:00:00:05:00:14';
export const A_IP = '192.168.88.10';
export const S_IP = '192.168.88.20';
export const ROUTER_IP = '192.168.88.1';
const BCAST = 'ff:ff:ff:ff:ff:ff';

export function bridgeIpFirewallCaptures(): Record<string, FixtureFrame[]> {
  const a = (dst: string, ipDst: string, id: number) => frame().eth({ src: A, dst }).ipv4({ src: A_IP, dst: ipDst, id });
  const s = (dst: string, ipDst: string, id: number) => frame().eth({ src: S, dst }).ipv4({ src: S_IP, dst: ipDst, id });
  const ether2: FixtureFrame[] = [
    at(0, frame().eth({ src: A, dst: BCAST }).arp({ op: 'request', senderMac: A, senderIp: A_IP, targetIp: ROUTER_IP }).pad().build()),
    at(10, a(S, S_IP, 1).udp({ sport: 4000, dport: 53 }).payload('query').build()),
    at(40, a(S, S_IP, 2).tcp({ sport: 40000, dport: 80, flags: 'S', seq: 1000, options: { mss: 1460 } }).build()),
    at(60, a(S, S_IP, 3).tcp({ sport: 40000, dport: 80, flags: 'A', seq: 1001, ack: 5001 }).build()),
    at(80, a(BR, ROUTER_IP, 4).icmp({ type: 'echo-request', id: 0x42, seq: 1 }).payload('inside ping').build()),
  ];
  const ether3: FixtureFrame[] = [
    at(20, s(A, A_IP, 0x100).udp({ sport: 53, dport: 4000 }).payload('answer').build()),
    at(30, s(A, A_IP, 0x101).tcp({ sport: 50000, dport: 22, flags: 'S', seq: 77 }).build()),
    at(50, s(A, A_IP, 0x102).tcp({ sport: 80, dport: 40000, flags: 'SA', seq: 5000, ack: 1001, options: { mss: 1460 } }).build()),
    at(70, s(A, A_IP, 0x103).tcp({ sport: 50001, dport: 23, flags: 'SF', seq: 9 }).build()),
    at(90, s(BR, ROUTER_IP, 0x104).icmp({ type: 'echo-request', id: 0x43, seq: 1 }).payload('outside ping').build()),
  ];
  return { ether2, ether3 };
}

/** The capture bytes this file builds, by interface. */
export function bridgeIpFirewallCaptureBytes(): Record<string, Uint8Array> {
  return storyBytes(bridgeIpFirewallCaptures());
}

writeStoryIfAsked(module, 'bridge-ip-firewall', bridgeIpFirewallCaptures);
