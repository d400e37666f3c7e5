/**
 * The voip-priority scenario's input capture (config.rsc says the topology, marks and queues).
 * `npx tsc -p . && node dist/test/scenarios/voip-priority/captures.js --write` rewrites in-ether2.pcap.
 *
 * The story (ms after 2026-01-01 10:00:00 UTC), all from the LAN (ether2) to the Internet:
 *   every 50 ms from 0 to 950     the phone 192.168.88.20:10000 -> 198.51.100.10:16000, RTP-sized UDP (160 B
 *                                 IP): 20 packets, 25.6 kbit/s
 *   every 20 ms from 5 to 985     the PC 192.168.88.30:40000 -> 198.51.100.80:443, 500 B IP UDP (an upload):
 *                                 50 packets, 200 kbit/s — twice what the 100k uplink carries
 * The calls must all leave, each within a few ms; the upload gets the rest of the 100k and the queue drops
 * what does not fit (default-small: 10 packets).
 */
import { frame, type FixtureFrame } from '../../../pcap/fixture';
import { at, captureBytes, writeCaptures } from '../fw-scenario';

export const ROUTER_LAN = '02:aa:00:00:00:02';
export const PHONE = '02:00:00:88:00:14';
export const PC = '02:00:00:88:00:1e';

export function voipCaptures(): Record<string, FixtureFrame[]> {
  const frames: FixtureFrame[] = [];
  for (let i = 0; i < 20; i++) {
    const f = frame().eth({ src: PHONE, dst: ROUTER_LAN }).ipv4({ src: '192.168.88.20', dst: '198.51.100.10', id: 0x100 + i, ttl: 64, tos: 0xb8 }).udp({ sport: 10000, dport: 16000 }).payload(new Uint8Array(132).fill(0xd5)).build();
    frames.push(at(i * 50, f));
  }
  for (let i = 0; i < 50; i++) {
    const f = frame().eth({ src: PC, dst: ROUTER_LAN }).ipv4({ src: '192.168.88.30', dst: '198.51.100.80', id: 0x200 + i, ttl: 64 }).udp({ sport: 40000, dport: 443 }).payload(new Uint8Array(472).fill(0x42)).build();
    frames.push(at(5 + i * 20, f));
  }
  frames.sort((a, b) => a.tsSec! - b.tsSec! || a.tsNsec! - b.tsNsec!);
  return { ether2: frames };
}

export function voipCaptureBytes(): Record<string, Uint8Array> {
  return captureBytes(voipCaptures());
}

if (require.main === module && process.argv.includes('--write')) writeCaptures('voip-priority', voipCaptures());
