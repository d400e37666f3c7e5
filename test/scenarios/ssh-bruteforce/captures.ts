/**
 * The ssh-bruteforce scenario's input captures (config.rsc says the topology and the rules).
 * `npx tsc -p . && node dist/test/scenarios/ssh-bruteforce/captures.js --write` rewrites in-ether2.pcap.
 *
 * The story (seconds after 2026-01-01 10:00:00 UTC); every packet is a TCP SYN to the router's SSH
 * (192.168.88.1:22) from a new source port, i.e. a new connection:
 *    0, 5, 10  A   stage 1, then 2, then 3: accepted (SSH listens: delivered)
 *    15        A   4th: on stage 3 -> bl_ssh (until 15 s + 4w2d); still accepted (the drop rule came first)
 *    20        A   5th: on bl_ssh -> dropped and logged "bl_ssh"
 *    30, 100, 170  B  a minute and more between tries: stage 1 has always expired, B never climbs: accepted
 *    40..44    admin  five quick logins: climbs to bl_ssh on the 4th like A, but its MAC is spared: accepted
 *    200       A   still blacklisted: dropped and logged
 */
import { frame, type FixtureFrame } from '../../../pcap/fixture';
import { at, captureBytes, writeCaptures } from '../fw-scenario';

export const R = '02:bb:00:00:00:02';
export const ROUTER = '192.168.88.1';
export const A = { ip: '192.168.88.66', mac: '02:00:00:00:00:66' };
export const B = { ip: '192.168.88.77', mac: '02:00:00:00:00:77' };
export const ADMIN = { ip: '192.168.88.2', mac: 'aa:bb:cc:ee:dd:ff' };

export function bruteCaptures(): Record<string, FixtureFrame[]> {
  let sport = 50000;
  const ssh = (s: number, h: { ip: string; mac: string }): FixtureFrame =>
    at(s * 1000, frame().eth({ src: h.mac, dst: R }).ipv4({ src: h.ip, dst: ROUTER, id: sport - 49999 }).tcp({ sport: sport++, dport: 22, flags: 'S', seq: 1, window: 64240 }).build());
  const ether2: FixtureFrame[] = [
    ssh(0, A),
    ssh(5, A),
    ssh(10, A),
    ssh(15, A),
    ssh(20, A),
    ssh(30, B),
    ssh(40, ADMIN),
    ssh(41, ADMIN),
    ssh(42, ADMIN),
    ssh(43, ADMIN),
    ssh(44, ADMIN),
    ssh(100, B),
    ssh(170, B),
    ssh(200, A),
  ];
  return { ether2 };
}

export const bruteCaptureBytes = (): Record<string, Uint8Array> => captureBytes(bruteCaptures());

if (require.main === module && process.argv.includes('--write')) writeCaptures('ssh-bruteforce', bruteCaptures());
