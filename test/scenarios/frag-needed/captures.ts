/**
 * The frag-needed scenario's input capture (ether1 only), built from typed fields with the fixture builder.
 *
 * The .pcap file beside this one is its output; `test/scenarios/frag-needed.test.ts` checks it still equals
 * what this file builds. Regenerate after editing with:
 *   npx tsc -p . && node dist/test/scenarios/frag-needed/captures.js --write
 *
 * The story (ether1, times from 2026-01-01 10:00:00 UTC, milliseconds):
 *   0    A sends B a 1500-byte UDP packet (1472 bytes of data) with DF set: ether2's MTU is 1400, so it is
 *        dropped (fragmentation-needed) and ICMP 3/4 with next-hop MTU 1400 goes to A from 10.0.1.1
 *   10   the same packet with DF clear: forwarded as two fragments of 1396 and 124 bytes of IP (1376 + 104
 *        bytes of data: (1400 - 20) rounded down to 8), TTL 63, same ID
 *   20   a 1400-byte packet with DF set: it fits exactly, forwarded whole
 *   30   a 1500-byte TCP segment with DF set (what a host doing PMTU discovery sends): ICMP 3/4 again — not rate
 *        limited (Linux never limits "fragmentation needed")
 */
import { frame, type FixtureFrame } from '../../../pcap/fixture';
import { T0, captureFile, storyBytes, writeStoryIfAsked } from '../story';
export { T0, captureFile };

export const R1 = '02:00:00:00:01:01';
export const R2 = '02:00:00:00:02:01';
export const A = '02:00:00:0a:00:0a';
export const B = '02:00:00:0b:00:14';
export const A_IP = '10.0.1.10';
export const B_IP = '10.0.2.20';

function at(ms: number, f: Uint8Array): FixtureFrame {
  const t = T0 * 1000 + ms;
  return { frame: f, tsSec: Math.floor(t / 1000), tsNsec: Math.round((t % 1000) * 1_000_000) };
}

/** Data bytes with a pattern, so a reassembled packet can be compared byte for byte. */
export function data(n: number, seed: number): Uint8Array {
  return Uint8Array.from({ length: n }, (_, i) => (i * 13 + seed) & 0xff);
}

/** The UDP packet A sends at 0 (df) and 10 (no df), as a whole Ethernet frame. */
export function bigUdp(df: boolean, id: number): Uint8Array {
  return frame().eth({ src: A, dst: R1 }).ipv4({ src: A_IP, dst: B_IP, id, df, ttl: 64 }).udp({ sport: 4000, dport: 5000 }).payload(data(1472, id)).build();
}

export function fragCaptures(): Record<string, FixtureFrame[]> {
  const ether1: FixtureFrame[] = [
    at(0, bigUdp(true, 0x1000)),
    at(10, bigUdp(false, 0x1001)),
    at(20, frame().eth({ src: A, dst: R1 }).ipv4({ src: A_IP, dst: B_IP, id: 0x1002, df: true }).udp({ sport: 4000, dport: 5000 }).payload(data(1372, 2)).build()),
    at(30, frame().eth({ src: A, dst: R1 }).ipv4({ src: A_IP, dst: B_IP, id: 0x1003, df: true }).tcp({ sport: 40000, dport: 80, seq: 1, ack: 1, flags: 'PA', window: 502 }).payload(data(1460, 3)).build()),
  ];
  return { ether1 };
}

/** The capture bytes this file builds, by interface. */
export function fragCaptureBytes(): Record<string, Uint8Array> {
  return storyBytes(fragCaptures());
}

writeStoryIfAsked(module, 'frag-needed', fragCaptures);
