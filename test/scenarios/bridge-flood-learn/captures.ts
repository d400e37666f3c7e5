/**
 * The bridge-flood-learn scenario's input captures, built from typed fields with the fixture builder.
 *
 * The .pcap files beside this one are its output; `test/scenarios/bridge-flood-learn.test.ts` checks they
 * still equal what this file builds. Regenerate them after editing with:
 *   npx tsc -p . && node dist/test/scenarios/bridge-flood-learn/captures.js --write
 *
 * The story (times from 2026-01-01 10:00:00 UTC, milliseconds; ageing-time is 10 s):
 *   0      ether1  A: ARP who-has 192.168.1.50 (broadcast): flooded to ether2, 3, 5, 6, not ether4
 *                  (broadcast-flood=no); the copy up to the router is ignored (.50 is not the router's)
 *   10     ether1  A: a frame of ethertype 0x88b5 (local experimental) to the multicast 03:00:00:00:00:01:
 *                  flooded to ether2..6, ether4 too (unknown-multicast-flood stays yes); the copy up finds
 *                  no handler (unknown-ethertype)
 *   20     ether1  A to B (not learned): unknown unicast, flooded to ether2, 3, 5, 6, not ether4
 *   30     ether2  B to A: A was learned on ether1: ether1 only
 *   40     ether1  A to B: B was learned on ether2: ether2 only
 *   50     ether3  C to A: ether1 (C learned on ether3)
 *   60     ether2  C to A from ether2: C moved to ether2
 *   70     ether1  A to C: ether2 only (where C moved)
 *   80     ether5  H1 to H2 (not learned): flooded to ether1, 2, 3; not ether6 (same horizon), not ether4
 *   90     ether6  H2 to H1: H1 is known on ether5, the same horizon: dropped
 *   100    ether1  A to S (static host on ether3): ether3 only
 *   110    ether2  a frame with S's MAC as source arrives on ether2: S stays on ether3 (static wins)
 *   120    ether1  A to S: still ether3
 *   130    ether1  A to 02:00:00:00:0e:0e: bridge nat dst-nat makes it C's MAC, C is on ether2: ether2
 *   140    ether1  A, UDP to port 9 of an unknown MAC: flooded to ether2, 3, 5, 6, but the bridge filter
 *                  drops the ether2 copy
 *   15000  ether2  B to A: A was last seen at 140 ms, gone after 10 s: flooded to ether1, 3, 5, 6
 *   15010  ether1  A to S: static entries never age: ether3 only
 */
import { frame, type FixtureFrame } from '../../../pcap/fixture';
import { T0, at, captureFile, storyBytes, writeStoryIfAsked } from '../story';
export { T0, captureFile };

export const BR = '02:00:00:00:b1:01';
export const A = '02:00:00:0a:00:0a';
export const B = '02:00:00:0b:00:0b';
export const C = '02:00:00:0c:00:0c';
export const S = '02:00:00:00:05:0a';
export const H1 = '02:00:00:01:00:01';
export const H2 = '02:00:00:01:00:02';
export const OLD = '02:00:00:00:0e:0e';
export const X = '02:00:00:99:99:99';
export const MCAST = '03:00:00:00:00:01';
const BCAST = 'ff:ff:ff:ff:ff:ff';
const ipOf: Record<string, string> = { [A]: '192.168.1.10', [B]: '192.168.1.20', [C]: '192.168.1.30', [S]: '192.168.1.40', [H1]: '192.168.1.51', [H2]: '192.168.1.52', [OLD]: '192.168.1.30', [X]: '192.168.1.99' };

/** UDP from `src` to `dst` (IP addresses follow the MACs), IP id = the story time / 10. */
export const udp = (src: string, dst: string, ms: number, dport = 5000) =>
  frame().eth({ src, dst }).ipv4({ src: ipOf[src]!, dst: ipOf[dst]!, id: ms / 10 }).udp({ sport: 4000, dport }).payload(`t=${ms}`).build();

export function floodCaptures(): Record<string, FixtureFrame[]> {
  const ether1: FixtureFrame[] = [
    at(0, frame().eth({ src: A, dst: BCAST }).arp({ op: 'request', senderMac: A, senderIp: ipOf[A]!, targetIp: '192.168.1.50' }).pad().build()),
    at(10, frame().eth({ src: A, dst: MCAST, type: 0x88b5 }).payload(new Uint8Array(46)).build()),
    at(20, udp(A, B, 20)),
    at(40, udp(A, B, 40)),
    at(70, udp(A, C, 70)),
    at(100, udp(A, S, 100)),
    at(120, udp(A, S, 120)),
    at(130, udp(A, OLD, 130)),
    at(140, udp(A, X, 140, 9)),
    at(15010, udp(A, S, 15010)),
  ];
  const ether2: FixtureFrame[] = [at(30, udp(B, A, 30)), at(60, udp(C, A, 60)), at(110, udp(S, A, 110)), at(15000, udp(B, A, 15000))];
  const ether3: FixtureFrame[] = [at(50, udp(C, A, 50))];
  const ether5: FixtureFrame[] = [at(80, udp(H1, H2, 80))];
  const ether6: FixtureFrame[] = [at(90, udp(H2, H1, 90))];
  return { ether1, ether2, ether3, ether5, ether6 };
}

/** The capture bytes this file builds, by interface. */
export function floodCaptureBytes(): Record<string, Uint8Array> {
  return storyBytes(floodCaptures());
}

writeStoryIfAsked(module, 'bridge-flood-learn', floodCaptures);
