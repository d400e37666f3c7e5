/**
 * The bridge-vlan-filtering scenario's input captures, built from typed fields with the fixture builder.
 *
 * The .pcap files beside this one are its output; `test/scenarios/bridge-vlan-filtering.test.ts` checks they
 * still equal what this file builds. Regenerate them after editing with:
 *   npx tsc -p . && node dist/test/scenarios/bridge-vlan-filtering/captures.js --write
 *
 * The story (times from 2026-01-01 10:00:00 UTC, milliseconds; "VLAN n" = the VID the bridge gives it):
 *   0    ether2  A (untagged, VLAN 10) asks who-has 192.168.10.1: flooded in VLAN 10 only (ether1 tagged 10,
 *                not ether3); the bridge is a tagged member of 10, so vlan10 answers, untagged out ether2
 *   10   ether2  A pings the router 192.168.10.1: the echo reply leaves vlan10 tagged 10, the bridge strips the
 *                tag for the access port: out ether2 untagged
 *   20   ether2  A sends UDP to T1, not learned yet: flooded in VLAN 10 = ether1 only, tagged 10
 *   30   ether1  T1 answers A, tagged 10: A is known in VLAN 10 on ether2: out ether2 untagged
 *   40   ether2  A to T1 again, untagged: T1 is known in VLAN 10 on ether1: out ether1 tagged 10
 *   50   ether1  a frame tagged VLAN 30 (not carried by the trunk): dropped by ingress filtering
 *   60   ether1  an untagged frame on the trunk: dropped by frame-types (admit-only-vlan-tagged)
 *   70   ether3  B (VLAN 20) broadcasts UDP: flooded in VLAN 20 = ether1 tagged 20 only (not ether2, and not
 *                up to the router: the bridge is no member of VLAN 20)
 *   80   ether1  T2 (tagged 20) unicasts to B: B is known in VLAN 20 on ether3: out ether3 untagged
 *   90   ether1  T1 (tagged 10) unicasts to B's MAC: B is known only in VLAN 20, so in VLAN 10 it is unknown
 *                unicast: flooded in VLAN 10 = ether2 untagged
 *   100  ether2  A sends a priority-tagged frame (VID 0, PCP 5) to T1: admitted, VLAN 10 (pvid); out ether1
 *                tagged 10 with PCP 5 kept
 *   110  ether2  A sends a frame tagged VLAN 10 on the access port: dropped by frame-types
 *                (admit-only-untagged-and-priority-tagged)
 *   120  ether1  T1 (tagged 10) asks who-has 192.168.10.1: flooded to ether2 untagged; vlan10 answers,
 *                tagged 10 out ether1
 *   130  ether1  T1 (tagged 10) pings 192.168.10.1: the echo reply leaves tagged 10 out ether1
 */
import { frame, type FixtureFrame } from '../../../pcap/fixture';
import { T0, at, captureFile, storyBytes, writeStoryIfAsked } from '../story';
export { T0, captureFile };

export const BR = '02:00:00:00:b0:01';
export const A = '02:00:00:0a:00:0a';
export const B = '02:00:00:0b:00:0b';
export const T1 = '02:00:00:10:01:01';
export const T2 = '02:00:00:20:01:02';
export const T3 = '02:00:00:30:01:03';
export const A_IP = '192.168.10.10';
export const B_IP = '192.168.20.20';
export const T1_IP = '192.168.10.101';
export const T2_IP = '192.168.20.102';
export const ROUTER_IP = '192.168.10.1';
const BCAST = 'ff:ff:ff:ff:ff:ff';

const udp = (src: string, dst: string, srcIp: string, dstIp: string, id: number, text: string, vid?: number, pcp?: number) => {
  const f = frame().eth({ src, dst });
  if (vid !== undefined) f.vlan(vid, pcp !== undefined ? { pcp } : {});
  return f.ipv4({ src: srcIp, dst: dstIp, id }).udp({ sport: 4000, dport: 5000 }).payload(text).build();
};

export function vlanCaptures(): Record<string, FixtureFrame[]> {
  const ether2: FixtureFrame[] = [
    at(0, frame().eth({ src: A, dst: BCAST }).arp({ op: 'request', senderMac: A, senderIp: A_IP, targetIp: ROUTER_IP }).pad().build()),
    at(10, frame().eth({ src: A, dst: BR }).ipv4({ src: A_IP, dst: ROUTER_IP, id: 2 }).icmp({ type: 'echo-request', id: 0x10, seq: 1 }).payload('ping from A').build()),
    at(20, udp(A, T1, A_IP, T1_IP, 3, 'a to t1')),
    at(40, udp(A, T1, A_IP, T1_IP, 5, 'a to t1 again')),
    at(100, udp(A, T1, A_IP, T1_IP, 11, 'priority', 0, 5)),
    at(110, udp(A, T1, A_IP, T1_IP, 12, 'tagged on access', 10)),
  ];
  const ether1: FixtureFrame[] = [
    at(30, udp(T1, A, T1_IP, A_IP, 4, 't1 to a', 10)),
    at(50, udp(T3, A, '192.168.30.103', A_IP, 6, 'vlan 30', 30)),
    at(60, udp(T1, A, T1_IP, A_IP, 7, 'untagged on trunk')),
    at(80, udp(T2, B, T2_IP, B_IP, 9, 't2 to b', 20)),
    at(90, udp(T1, B, T1_IP, B_IP, 10, 't1 to b mac', 10)),
    at(120, frame().eth({ src: T1, dst: BCAST }).vlan(10).arp({ op: 'request', senderMac: T1, senderIp: T1_IP, targetIp: ROUTER_IP }).pad().build()),
    at(130, frame().eth({ src: T1, dst: BR }).vlan(10).ipv4({ src: T1_IP, dst: ROUTER_IP, id: 14 }).icmp({ type: 'echo-request', id: 0x11, seq: 1 }).payload('ping from T1').build()),
  ];
  const ether3: FixtureFrame[] = [at(70, udp(B, BCAST, B_IP, '192.168.20.255', 8, 'b broadcast'))];
  return { ether1, ether2, ether3 };
}

/** The capture bytes this file builds, by interface. */
export function vlanCaptureBytes(): Record<string, Uint8Array> {
  return storyBytes(vlanCaptures());
}

writeStoryIfAsked(module, 'bridge-vlan-filtering', vlanCaptures);
