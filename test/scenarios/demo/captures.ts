/**
 * The demo scenario's input captures, built from typed fields with the fixture builder.
 *
 * The .pcap files beside this one are its output; `test/scenarios/demo.test.ts` checks they still equal
 * what this file builds. Regenerate them after editing with:
 *   npm run build && node dist/test/scenarios/demo/captures.js --write
 *
 * The story (all times UTC on 2026-01-01, addresses from the documentation ranges):
 *   ether2 (bridge-lan port)  host 192.168.88.10 resolves the router, pings it, looks up a name on a public
 *                      resolver, fetches a web page; then pings with TTL 1, and sends two broken frames.
 *   ether3 (bridge-lan port)  a guest on VLAN 20 tries to reach the LAN web server (the config forbids it).
 *   ether1 (WAN)       the upstream answers the LAN's DNS and web requests; a visitor uses the port
 *                      forward 8080 -> 192.168.88.10:80; a known scanner and an SSH probe knock.
 */
import { frame, type FixtureFrame } from '../../../pcap/fixture';
import { at, captureFile, storyBytes, writeStoryIfAsked } from '../story';
export { captureFile };

// Router MACs (config.rsc pins them; R_LAN is bridge-lan's admin-mac, the LAN and guest VLAN MAC) and hosts.
const R_WAN = '02:f1:00:00:00:01';
const R_LAN = '02:f1:00:00:00:02';
const ISP = '02:00:5e:00:00:01';
const HOST = '02:00:00:00:88:0a';
const GUEST = '02:00:00:00:20:32';
const BCAST = 'ff:ff:ff:ff:ff:ff';

const LAN_IP = '192.168.88.10';
const WAN_IP = '203.0.113.2';
const WEB = '198.51.100.80';
const DNS = '198.51.100.53';
const VISITOR = '198.51.100.23';
const SCANNER = '198.51.100.66';

const dnsQuery = Uint8Array.from([
  0x4a, 0x21, 0x01, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
  7, ...Buffer.from('example'), 3, ...Buffer.from('org'), 0, 0x00, 0x01, 0x00, 0x01,
]);
const dnsAnswer = Uint8Array.from([
  0x4a, 0x21, 0x81, 0x80, 0x00, 0x01, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00,
  7, ...Buffer.from('example'), 3, ...Buffer.from('org'), 0, 0x00, 0x01, 0x00, 0x01,
  0xc0, 0x0c, 0x00, 0x01, 0x00, 0x01, 0x00, 0x00, 0x0e, 0x10, 0x00, 0x04, 198, 51, 100, 80,
]);
const GET = 'GET / HTTP/1.1\r\nHost: www.example.org\r\nUser-Agent: curl/8.5.0\r\nAccept: */*\r\n\r\n';
const OK = 'HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 6\r\n\r\nhello\n';

export function demoCaptures(): Record<string, FixtureFrame[]> {
  const lan = () => frame().eth({ src: HOST, dst: R_LAN });
  const wan = () => frame().eth({ src: ISP, dst: R_WAN });
  const syn = { mss: 1460, sackOk: true, ts: [1000, 0] as const, wscale: 7 };

  const ether2: FixtureFrame[] = [
    at(0, frame().eth({ src: HOST, dst: BCAST }).arp({ op: 'request', senderMac: HOST, senderIp: LAN_IP, targetIp: '192.168.88.1' }).build()),
    at(10, lan().ipv4({ src: LAN_IP, dst: '192.168.88.1', id: 1 }).icmp({ type: 'echo-request', id: 0x1234, seq: 1 }).payload('flowplane demo ping').build()),
    at(100, lan().ipv4({ src: LAN_IP, dst: DNS, id: 2 }).udp({ sport: 40000, dport: 53 }).payload(dnsQuery).build()),
    at(200, lan().ipv4({ src: LAN_IP, dst: WEB, id: 3, df: true }).tcp({ sport: 51000, dport: 80, flags: 'S', seq: 1000, window: 64240, options: syn }).build()),
    at(231, lan().ipv4({ src: LAN_IP, dst: WEB, id: 4, df: true }).tcp({ sport: 51000, dport: 80, flags: 'A', seq: 1001, ack: 5001, window: 502 }).build()),
    at(232, lan().ipv4({ src: LAN_IP, dst: WEB, id: 5, df: true }).tcp({ sport: 51000, dport: 80, flags: 'PA', seq: 1001, ack: 5001, window: 502 }).payload(GET).build()),
    at(400, lan().ipv4({ src: LAN_IP, dst: WEB, id: 6, ttl: 1 }).icmp({ type: 'echo-request', id: 0x1234, seq: 2 }).payload('ttl 1').build()),
    // A frame whose IPv4 header length field says 12 bytes: malformed, dropped with a named reason.
    at(500, lan().ipv4({ src: LAN_IP, dst: WEB, ihl: 3 }).udp({ sport: 1, dport: 2 }).build()),
    // A TCP segment cut off inside its header (the IPv4 total length matches the cut frame).
    at(510, lan().ipv4({ src: LAN_IP, dst: WEB, id: 7, totalLen: 30 }).tcp({ sport: 51001, dport: 80 }).truncate(14 + 30).build()),
  ];

  const ether3: FixtureFrame[] = [
    at(300, frame().eth({ src: GUEST, dst: R_LAN }).vlan(20).ipv4({ src: '192.168.20.50', dst: LAN_IP, id: 1 }).tcp({ sport: 42000, dport: 80, flags: 'S', seq: 77, options: syn }).build()),
  ];

  const ether1: FixtureFrame[] = [
    at(5, frame().eth({ src: ISP, dst: BCAST }).arp({ op: 'request', senderMac: ISP, senderIp: '203.0.113.1', targetIp: WAN_IP }).build()),
    at(130, wan().ipv4({ src: DNS, dst: WAN_IP, id: 100 }).udp({ sport: 53, dport: 40000 }).payload(dnsAnswer).build()),
    at(230, wan().ipv4({ src: WEB, dst: WAN_IP, id: 0, df: true }).tcp({ sport: 80, dport: 51000, flags: 'SA', seq: 5000, ack: 1001, window: 65160, options: { mss: 1460, sackOk: true, ts: [9000, 1000], wscale: 7 } }).build()),
    at(260, wan().ipv4({ src: WEB, dst: WAN_IP, id: 101, df: true }).tcp({ sport: 80, dport: 51000, flags: 'PA', seq: 5001, ack: 1001 + GET.length, window: 509 }).payload(OK).build()),
    at(600, wan().ipv4({ src: VISITOR, dst: WAN_IP, id: 200 }).tcp({ sport: 40001, dport: 8080, flags: 'S', seq: 3000, options: syn }).build()),
    at(700, wan().ipv4({ src: SCANNER, dst: WAN_IP, id: 300 }).tcp({ sport: 40002, dport: 8080, flags: 'S', seq: 1, window: 1024 }).build()),
    at(710, wan().ipv4({ src: SCANNER, dst: WAN_IP, id: 301 }).tcp({ sport: 40002, dport: 22, flags: 'S', seq: 1, window: 1024 }).build()),
  ];
  return { ether1, ether2, ether3 };
}

/** The capture bytes this file builds, by interface. */
export function demoCaptureBytes(): Record<string, Uint8Array> {
  return storyBytes(demoCaptures());
}

writeStoryIfAsked(module, 'demo', demoCaptures);
