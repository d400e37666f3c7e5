/**
 * The bogons scenario's input captures (config.rsc says the topology and the rules).
 * `npx tsc -p . && node dist/test/scenarios/bogons/captures.js --write` rewrites them.
 *
 * The story (ms after 2026-01-01 10:00:00 UTC):
 *    0  ether1  192.0.2.7 -> 100.64.0.2 ping        bogon source from the WAN: raw drop
 *   10  ether1  198.18.5.5 -> H:80 SYN              bogon source from the WAN (to the LAN): raw drop
 *   20  ether1  10.9.9.9:5000 -> H:6000 UDP         10.0.0.0/8 is disabled in the list: forwarded to H
 *   30  ether1  8.8.8.8 -> 100.64.0.2 ping          a real address: delivered, answered
 *   40  ether2  H:7000 -> 192.0.2.10:53 UDP         to a bogon destination: forward "Drop to bogon list"
 *   45  ether2  H:7001 -> 10.1.2.3:53 UDP           disabled entry: forwarded, masqueraded
 *   50  ether2  H:7002 -> 8.8.8.8:53 UDP            forwarded, masqueraded
 *   60  ether2  169.254.7.7 -> 192.168.88.1 ping    spoofed link-local source on the LAN (raw only guards the
 *                                                   WAN): input "drop bogon sources to the router"
 *   70  ether2  169.254.7.7:1 -> 8.8.8.8:53 UDP     forward "drop bogon sources"
 *   80  ether1  8.8.8.8:53 -> 100.64.0.2:7002 UDP   the answer to 50: de-NATed to H
 */
import { frame, type FixtureFrame } from '../../../pcap/fixture';
import { at, captureBytes, writeCaptures } from '../fw-scenario';

export const R1 = '02:bf:00:00:00:01';
export const R2 = '02:bf:00:00:00:02';
export const ISP = '02:00:5e:00:00:01';
export const H_MAC = '02:00:00:00:88:0a';
const H = '192.168.88.10';
const WAN = '100.64.0.2';

export function bogonCaptures(): Record<string, FixtureFrame[]> {
  const wan = () => frame().eth({ src: ISP, dst: R1 });
  const lan = () => frame().eth({ src: H_MAC, dst: R2 });
  const ether1: FixtureFrame[] = [
    at(0, wan().ipv4({ src: '192.0.2.7', dst: WAN, id: 1 }).icmp({ type: 'echo-request', id: 1, seq: 1 }).payload('bogon').build()),
    at(10, wan().ipv4({ src: '198.18.5.5', dst: H, id: 2 }).tcp({ sport: 1234, dport: 80, flags: 'S', seq: 1, window: 1024 }).build()),
    at(20, wan().ipv4({ src: '10.9.9.9', dst: H, id: 3 }).udp({ sport: 5000, dport: 6000 }).payload('private').build()),
    at(30, wan().ipv4({ src: '8.8.8.8', dst: WAN, id: 4 }).icmp({ type: 'echo-request', id: 2, seq: 1 }).payload('real').build()),
    at(80, wan().ipv4({ src: '8.8.8.8', dst: WAN, id: 5 }).udp({ sport: 53, dport: 7002 }).payload('answer').build()),
  ];
  const ether2: FixtureFrame[] = [
    at(40, lan().ipv4({ src: H, dst: '192.0.2.10', id: 11 }).udp({ sport: 7000, dport: 53 }).payload('q-bogon').build()),
    at(45, lan().ipv4({ src: H, dst: '10.1.2.3', id: 12 }).udp({ sport: 7001, dport: 53 }).payload('q-private').build()),
    at(50, lan().ipv4({ src: H, dst: '8.8.8.8', id: 13 }).udp({ sport: 7002, dport: 53 }).payload('q-real').build()),
    at(60, lan().ipv4({ src: '169.254.7.7', dst: '192.168.88.1', id: 14 }).icmp({ type: 'echo-request', id: 3, seq: 1 }).payload('spoof').build()),
    at(70, lan().ipv4({ src: '169.254.7.7', dst: '8.8.8.8', id: 15 }).udp({ sport: 1, dport: 53 }).payload('spoof').build()),
  ];
  return { ether1, ether2 };
}

export const bogonCaptureBytes = (): Record<string, Uint8Array> => captureBytes(bogonCaptures());

if (require.main === module && process.argv.includes('--write')) writeCaptures('bogons', bogonCaptures());
