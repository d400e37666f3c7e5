/**
 * The metarouter-wisp scenario's input captures (the MetaRouter manual's WISP example: a client behind the
 * host's ether2 reaches the internet through the guest mr1, which NATs it out of the host's ether1).
 *
 * Regenerate after editing with:
 *   npx tsc -p . && node dist/test/scenarios/metarouter-wisp/captures.js --write
 *
 * The story (times from 2026-01-01 10:00:00 UTC, milliseconds):
 *   0   ether2  client C asks who-has 192.168.10.1 (broadcast): the host bridges it to vif2, the guest's
 *               `local` answers, the answer comes back out ether2
 *   10  ether2  C sends a UDP query to 198.51.100.7:53 via the guest: the guest ARPs for its gateway
 *               203.0.113.1 out `public` (vif1, bridged by the host out ether1)
 *   20  ether1  the gateway U answers the guest's ARP: the query leaves ether1 from 203.0.113.10 (masquerade)
 *   30  ether1  the answer to 203.0.113.10 enters ether1: bridged to vif1, un-NATed by the guest, out `local`
 *               (vif2), bridged out ether2 to C
 *   40  ether1  U pings the host's own address 203.0.113.2: answered by the host, never seen by the guest
 */
import { frame, type FixtureFrame } from '../../../pcap/fixture';
import { T0, at, captureFile, storyBytes, writeStoryIfAsked } from '../story';
export { T0, captureFile };

export const C = '02:00:00:0c:00:32';
export const U = '02:00:00:0e:00:01';
export const G_PUBLIC = '02:4d:52:00:00:01';
export const G_LOCAL = '02:4d:52:00:00:02';
export const C_IP = '192.168.10.50';
export const G_LOCAL_IP = '192.168.10.1';
export const G_PUBLIC_IP = '203.0.113.10';
export const U_IP = '203.0.113.1';
export const HOST_IP = '203.0.113.2';
export const DNS_IP = '198.51.100.7';
const BCAST = 'ff:ff:ff:ff:ff:ff';

export function wispCaptures(): Record<string, FixtureFrame[]> {
  const ether2: FixtureFrame[] = [
    at(0, frame().eth({ src: C, dst: BCAST }).arp({ op: 'request', senderMac: C, senderIp: C_IP, targetIp: G_LOCAL_IP }).pad().build()),
    at(10, frame().eth({ src: C, dst: G_LOCAL }).ipv4({ src: C_IP, dst: DNS_IP, id: 1, ttl: 64 }).udp({ sport: 40000, dport: 53 }).payload('query').build()),
  ];
  const ether1: FixtureFrame[] = [
    at(20, frame().eth({ src: U, dst: G_PUBLIC }).arp({ op: 'reply', senderMac: U, senderIp: U_IP, targetMac: G_PUBLIC, targetIp: G_PUBLIC_IP }).pad().build()),
    at(30, frame().eth({ src: U, dst: G_PUBLIC }).ipv4({ src: DNS_IP, dst: G_PUBLIC_IP, id: 0x200, ttl: 60 }).udp({ sport: 53, dport: 40000 }).payload('answer').build()),
    at(40, frame().eth({ src: U, dst: BCAST }).arp({ op: 'request', senderMac: U, senderIp: U_IP, targetIp: HOST_IP }).pad().build()),
  ];
  return { ether1, ether2 };
}

export function wispCaptureBytes(): Record<string, Uint8Array> {
  return storyBytes(wispCaptures());
}

writeStoryIfAsked(module, 'metarouter-wisp', wispCaptures);
