/**
 * The icmp-router scenario's input capture (ether1 only), built from typed fields with the fixture builder.
 *
 * The .pcap file beside this one is its output; `test/scenarios/icmp-router.test.ts` checks it still equals
 * what this file builds. Regenerate after editing with:
 *   npx tsc -p . && node dist/test/scenarios/icmp-router/captures.js --write
 *
 * The story (ether1, times from 2026-01-01 10:00:00 UTC, milliseconds):
 *   0    A asks who-has 10.0.1.1: answered (A is learned, so nothing else needs ARP)
 *   10   A pings 10.0.1.1: echo reply
 *   20   A pings 10.0.1.1 with 1872 bytes of data (IP 1900 bytes), sent as 2 fragments at 20 and 21 ms
 *        (1480 + 400 bytes of data): reassembled when the second arrives, one echo reply of 1900 bytes,
 *        fragmented again for ether1's MTU 1500 into the same two pieces (1900 bytes fit the default 2 KiB
 *        packet slot; a datagram that does not is dropped as reassembly-too-large)
 *   30   A sends UDP to 10.0.2.20 with TTL 1: time exceeded 11/0 from 10.0.1.1
 *   40   A sends UDP to 10.9.9.9 (no route): net unreachable 3/0 from 10.0.1.1
 *   50   A sends UDP to 10.0.1.1 port 9999 (closed): port unreachable 3/3 from 10.0.1.1
 *   60   A sends a TCP SYN (seq 1000) to 10.0.1.1 port 23 (telnet disabled): RST|ACK, seq 0, ack 1001
 *   70   A sends a TCP ACK segment (seq 5000, ack 7777, 1 byte of data) to port 23: RST, seq 7777
 *   80   A sends a TCP SYN to 10.0.1.1 port 80 (www listens): delivered, no answer
 *   90   A sends UDP to the subnet broadcast 10.0.1.255 port 9999 (broadcast frame): dropped, no ICMP
 *   100  A sends a TCP RST to port 23: dropped, a reset is never answered
 *   105  A sends an ICMP port unreachable to 10.0.1.1 (an error about some packet of the router's): delivered,
 *        never answered with an error
 *   110  A sends 10 UDP datagrams to 10.0.1.1 port 7000 at once: 6 port unreachables (the burst of the
 *        per-host bucket, whose 60 ms of tokens are full again by then), 4 suppressed by icmp-rate-limit
 *   130  one more to port 7000: 20 ms of tokens refilled, answered
 */
import { frame, fragmentIpv4, type FixtureFrame } from '../../../pcap/fixture';
import { T0, captureFile, storyBytes, writeStoryIfAsked } from '../story';
export { T0, captureFile };

export const R1 = '02:00:00:00:01:01';
export const A = '02:00:00:0a:00:0a';
export const A_IP = '10.0.1.10';
export const R1_IP = '10.0.1.1';
const BCAST = 'ff:ff:ff:ff:ff:ff';

function at(ms: number, f: Uint8Array): FixtureFrame {
  const t = T0 * 1000 + ms;
  return { frame: f, tsSec: Math.floor(t / 1000), tsNsec: Math.round((t % 1000) * 1_000_000) };
}

/** The 1872 data bytes of the big ping: a recognisable pattern. */
export function bigPingData(): Uint8Array {
  return Uint8Array.from({ length: 1872 }, (_, i) => (i * 7 + 3) & 0xff);
}

/** The big ping as a bare IPv4 packet (1900 bytes), before fragmentation. */
export function bigPing(): Uint8Array {
  return frame().ipv4({ src: A_IP, dst: R1_IP, id: 0x300 }).icmp({ type: 'echo-request', id: 0x99, seq: 3 }).payload(bigPingData()).build();
}

export function icmpRouterCaptures(): Record<string, FixtureFrame[]> {
  const fromA = () => frame().eth({ src: A, dst: R1 });
  const frags = fragmentIpv4(bigPing(), 1480);
  const udpTo = (dst: string, dport: number, id: number, o: { ttl?: number; dmac?: string } = {}) =>
    frame().eth({ src: A, dst: o.dmac ?? R1 }).ipv4({ src: A_IP, dst, id, ttl: o.ttl ?? 64 }).udp({ sport: 5000, dport }).payload('hello router').build();
  const tcpTo = (dport: number, id: number, o: { seq: number; ack?: number; flags: string; data?: string }) => {
    const b = fromA().ipv4({ src: A_IP, dst: R1_IP, id }).tcp({ sport: 40000, dport, seq: o.seq, ack: o.ack ?? 0, flags: o.flags, window: 64240 });
    return (o.data !== undefined ? b.payload(o.data) : b).pad().build();
  };
  const ether1: FixtureFrame[] = [
    at(0, frame().eth({ src: A, dst: BCAST }).arp({ op: 'request', senderMac: A, senderIp: A_IP, targetIp: R1_IP }).pad().build()),
    at(10, fromA().ipv4({ src: A_IP, dst: R1_IP, id: 0x100 }).icmp({ type: 'echo-request', id: 0x99, seq: 1 }).payload('small ping').build()),
    ...frags.map((f, k) => at(20 + k, fromA().ipPacket(f).build())),
    at(30, udpTo('10.0.2.20', 33434, 0x400, { ttl: 1 })),
    at(40, udpTo('10.9.9.9', 9, 0x401)),
    at(50, udpTo(R1_IP, 9999, 0x402)),
    at(60, tcpTo(23, 0x500, { seq: 1000, flags: 'S' })),
    at(70, tcpTo(23, 0x501, { seq: 5000, ack: 7777, flags: 'PA', data: 'x' })),
    at(80, tcpTo(80, 0x502, { seq: 2000, flags: 'S' })),
    at(90, udpTo('10.0.1.255', 9999, 0x403, { dmac: BCAST })),
    at(100, tcpTo(23, 0x503, { seq: 5001, flags: 'R' })),
    at(105, fromA().ipv4({ src: A_IP, dst: R1_IP, id: 0x404 }).icmp({ type: 'dest-unreachable', code: 3, quote: udpTo('10.0.1.10', 5000, 0x9).subarray(14, 14 + 28) }).build()),
    ...Array.from({ length: 10 }, (_, k) => at(110, udpTo(R1_IP, 7000, 0x600 + k))),
    at(130, udpTo(R1_IP, 7000, 0x60a)),
  ];
  return { ether1 };
}

/** The capture bytes this file builds, by interface. */
export function icmpRouterCaptureBytes(): Record<string, Uint8Array> {
  return storyBytes(icmpRouterCaptures());
}

writeStoryIfAsked(module, 'icmp-router', icmpRouterCaptures);
