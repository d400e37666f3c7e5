/**
 * The ftp-nat scenario's input captures, built from typed fields with the fixture builder.
 *
 * The .pcap files beside this one are its output; `test/scenarios/ftp-nat.test.ts` checks they still equal
 * what this file builds. Regenerate them after editing with:
 *   npx tsc -p . && node dist/test/scenarios/ftp-nat/captures.js --write
 *
 * The story (ms after 2026-01-01 12:00:00 UTC; C = client 192.168.88.10, S = server 198.51.100.21,
 * W = the router's WAN address 203.0.113.2):
 *     0 ether2  C:50000 > S:21   SYN (seq 100, wscale 7, SACK)        control connection opens
 *    10 ether1  S:21 > W:50000   SYN/ACK (seq 9000, ack 101)
 *    11 ether2  C > S:21         ACK
 *    20 ether1  S:21 > W         "220 flowplane ftp" banner
 *    21 ether2  C > S:21         ACK
 *    30 ether2  C > S:21         "PASV"
 *    40 ether1  S:21 > W         "227 Entering Passive Mode (198,51,100,21,195,80)." (port 50000)
 *    50 ether2  C:50001 > S:50000 SYN                                  passive data connection (related)
 *    60 ether1  S:50000 > W:50001 SYN/ACK
 *    61 ether2  C:50001 > S:50000 ACK
 *    70 ether1  S:50000 > W:50001 "hello passive"
 *    71 ether2  C:50001 > S:50000 ACK
 *    80 ether2  C > S:21         "PORT 192,168,88,10,195,90" (port 50010; the router makes it 203,0,113,2)
 *    90 ether1  S:21 > W         "200 PORT command successful" (acks the 2-byte shorter command)
 *   100 ether1  S:20 > W:50010   SYN                                   active data connection (related)
 *   101 ether2  C:50010 > S:20   SYN/ACK
 *   110 ether1  S:20 > W:50010   ACK
 *   111 ether1  S:20 > W:50010   "hello active"
 *   120 ether2  C > S:21         "QUIT" (its sequence number moves back by 2 on the way out)
 */
import * as path from 'node:path';
import { frame, writeFixture, fixtureBytes, type FixtureFrame } from '../../../pcap/fixture';

const T0 = Date.UTC(2026, 0, 1, 12, 0, 0) / 1000;

export const R_WAN = '02:f1:00:00:00:01';
export const R_LAN = '02:f1:00:00:00:02';
export const ISP = '02:00:5e:00:00:01';
export const CLIENT_MAC = '02:00:00:00:88:0a';
export const CLIENT = '192.168.88.10';
export const SERVER = '198.51.100.21';
export const WAN_IP = '203.0.113.2';

export const BANNER = '220 flowplane ftp\r\n';
export const PASV = 'PASV\r\n';
export const PASV_REPLY = '227 Entering Passive Mode (198,51,100,21,195,80).\r\n';
export const PORT_CMD = 'PORT 192,168,88,10,195,90\r\n';
export const PORT_REPLY = '200 PORT command successful\r\n';
export const QUIT = 'QUIT\r\n';
export const HELLO_PASSIVE = 'hello passive\n';
export const HELLO_ACTIVE = 'hello active\n';

/** Sequence numbers of the control connection (client ISN 100, server ISN 9000). */
export const CSEQ = { syn: 100, pasv: 101, port: 107, quit: 107 + PORT_CMD.length };
export const SSEQ = { syn: 9000, banner: 9001, pasvReply: 9001 + BANNER.length, portReply: 9001 + BANNER.length + PASV_REPLY.length };
export const SERVER_END = SSEQ.portReply + PORT_REPLY.length;

function at(ms: number, f: Uint8Array): FixtureFrame {
  const t = T0 * 1000 + ms;
  return { frame: f, tsSec: Math.floor(t / 1000), tsNsec: (t % 1000) * 1_000_000 };
}

export function ftpNatCaptures(): Record<string, FixtureFrame[]> {
  const lan = (id: number) => frame().eth({ src: CLIENT_MAC, dst: R_LAN }).ipv4({ src: CLIENT, dst: SERVER, id, df: true });
  const wan = (id: number, src = SERVER) => frame().eth({ src: ISP, dst: R_WAN }).ipv4({ src, dst: WAN_IP, id, df: true });
  const syn = { mss: 1460, sackOk: true, wscale: 7 };
  const ether2: FixtureFrame[] = [
    at(0, lan(1).tcp({ sport: 50000, dport: 21, flags: 'S', seq: CSEQ.syn, window: 64240, options: syn }).build()),
    at(11, lan(2).tcp({ sport: 50000, dport: 21, flags: 'A', seq: CSEQ.pasv, ack: SSEQ.banner, window: 502 }).build()),
    at(21, lan(3).tcp({ sport: 50000, dport: 21, flags: 'A', seq: CSEQ.pasv, ack: SSEQ.pasvReply, window: 502 }).build()),
    at(30, lan(4).tcp({ sport: 50000, dport: 21, flags: 'PA', seq: CSEQ.pasv, ack: SSEQ.pasvReply, window: 502 }).payload(PASV).build()),
    at(50, lan(5).tcp({ sport: 50001, dport: 50000, flags: 'S', seq: 2000, window: 64240, options: syn }).build()),
    at(61, lan(6).tcp({ sport: 50001, dport: 50000, flags: 'A', seq: 2001, ack: 7001, window: 502 }).build()),
    at(71, lan(7).tcp({ sport: 50001, dport: 50000, flags: 'A', seq: 2001, ack: 7001 + HELLO_PASSIVE.length, window: 502 }).build()),
    at(80, lan(8).tcp({ sport: 50000, dport: 21, flags: 'PA', seq: CSEQ.port, ack: SSEQ.portReply, window: 502 }).payload(PORT_CMD).build()),
    at(101, frame().eth({ src: CLIENT_MAC, dst: R_LAN }).ipv4({ src: CLIENT, dst: SERVER, id: 9, df: true }).tcp({ sport: 50010, dport: 20, flags: 'SA', seq: 6000, ack: 3001, window: 64240, options: syn }).build()),
    at(120, lan(10).tcp({ sport: 50000, dport: 21, flags: 'PA', seq: CSEQ.quit, ack: SERVER_END, window: 502 }).payload(QUIT).build()),
  ];
  const ether1: FixtureFrame[] = [
    at(10, wan(100).tcp({ sport: 21, dport: 50000, flags: 'SA', seq: SSEQ.syn, ack: CSEQ.pasv, window: 65160, options: syn }).build()),
    at(20, wan(101).tcp({ sport: 21, dport: 50000, flags: 'PA', seq: SSEQ.banner, ack: CSEQ.pasv, window: 509 }).payload(BANNER).build()),
    at(40, wan(102).tcp({ sport: 21, dport: 50000, flags: 'PA', seq: SSEQ.pasvReply, ack: CSEQ.port, window: 509 }).payload(PASV_REPLY).build()),
    at(60, wan(103).tcp({ sport: 50000, dport: 50001, flags: 'SA', seq: 7000, ack: 2001, window: 65160, options: syn }).build()),
    at(70, wan(104).tcp({ sport: 50000, dport: 50001, flags: 'PA', seq: 7001, ack: 2001, window: 509 }).payload(HELLO_PASSIVE).build()),
    // The server saw the rewritten, two bytes shorter PORT command: it acks 107 + 25.
    at(90, wan(105).tcp({ sport: 21, dport: 50000, flags: 'PA', seq: SSEQ.portReply, ack: CSEQ.port + PORT_CMD.length - 2, window: 509 }).payload(PORT_REPLY).build()),
    at(100, wan(106).tcp({ sport: 20, dport: 50010, flags: 'S', seq: 3000, window: 65160, options: syn }).build()),
    at(110, wan(107).tcp({ sport: 20, dport: 50010, flags: 'A', seq: 3001, ack: 6001, window: 509 }).build()),
    at(111, wan(108).tcp({ sport: 20, dport: 50010, flags: 'PA', seq: 3001, ack: 6001, window: 509 }).payload(HELLO_ACTIVE).build()),
  ];
  return { ether1, ether2 };
}

export function captureFile(iface: string): string {
  return `in-${iface}.pcap`;
}

export function ftpNatCaptureBytes(): Record<string, Uint8Array> {
  const out: Record<string, Uint8Array> = {};
  for (const [iface, frames] of Object.entries(ftpNatCaptures())) out[iface] = fixtureBytes(frames);
  return out;
}

if (require.main === module && process.argv.includes('--write')) {
  const dir = path.resolve(__dirname, '../../../../test/scenarios/ftp-nat');
  for (const [iface, frames] of Object.entries(ftpNatCaptures())) {
    writeFixture(path.join(dir, captureFile(iface)), frames);
    console.log(`wrote ${path.join(dir, captureFile(iface))} (${frames.length} frames)`);
  }
}
