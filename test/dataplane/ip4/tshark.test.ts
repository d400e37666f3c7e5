/**
 * Packets made by dataplane/ip4 read back by Wireshark's tshark: every checksum it can check is good,
 * nothing is malformed, and it decodes what we meant (echo reply, ICMP errors with their quote, fragments
 * it reassembles itself into a UDP datagram whose checksum verifies).
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { PacketPool } from '../../../dataplane/buf/pool';
import { icmpEchoReplyInPlace, icmpError } from '../../../dataplane/ip4/icmp-gen';
import { fragmentIpv4 } from '../../../dataplane/ip4/fragment';
import { Ipv4Reassembly } from '../../../dataplane/ip4/reassembly';
import { frame, ip4, writeFixture, type FixtureFrame } from '../../../pcap/fixture';
import { MAC_A, MAC_R, bytesOf, load, macNum } from './helpers';

function tshark(file: string, fields: string[], extra: string[] = []): string[][] {
  const out = execFileSync('tshark', ['-r', file, '-n', ...extra, '-T', 'fields', '-E', 'separator=|', ...fields.flatMap((f) => ['-e', f])], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'ignore'],
  });
  return out.split('\n').filter((l) => l.length > 0).map((l) => l.split('|'));
}

let tmp: string;
beforeAll(() => {
  execFileSync('tshark', ['--version'], { stdio: 'ignore' });
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'fp-ip4-'));
});
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

test('tshark accepts what icmp-gen, fragment and reassembly produce', () => {
  const pool = new PacketPool({ slots: 64 });
  const out: Uint8Array[] = [];
  const R = ip4('10.0.0.254');
  // 1. echo reply
  const req = load(pool, frame().eth({ src: MAC_A, dst: MAC_R }).ipv4({ src: '10.0.0.1', dst: '10.0.0.254', df: true, id: 3 }).icmp({ type: 'echo-request', id: 77, seq: 1 }).payload('0123456789abcdefghijklmnopqrstuvwxyz').build());
  expect(icmpEchoReplyInPlace(pool, req, ...macNum(MAC_R))).toBe(0);
  out.push(bytesOf(pool, req));
  // 2. time exceeded about a UDP probe
  const probe = load(pool, frame().eth({ src: MAC_A, dst: MAC_R }).ipv4({ src: '10.0.0.1', dst: '198.51.100.1', ttl: 1, id: 9 }).udp({ sport: 40000, dport: 33434 }).payload(32).build());
  out.push(bytesOf(pool, icmpError(pool, probe, 11, 0, R, 0, 1, 0)));
  // 3. fragmentation needed about a full-size TCP segment (quote cut at 548 bytes)
  const big = load(pool, frame().eth({ src: MAC_A, dst: MAC_R }).ipv4({ src: '10.0.0.1', dst: '198.51.100.1', df: true }).tcp({ sport: 40443, dport: 50000, flags: 'PA', seq: 1, ack: 1 }).payload(1460).build());
  out.push(bytesOf(pool, icmpError(pool, big, 3, 4, R, 1400, 1, 0)));
  // 4. port unreachable from the router's own address
  const udp = load(pool, frame().eth({ src: MAC_A, dst: MAC_R }).ipv4({ src: '10.0.0.1', dst: '10.0.0.254' }).udp({ sport: 40001, dport: 40009 }).payload('ping').build());
  out.push(bytesOf(pool, icmpError(pool, udp, 3, 3, R, 0, 1, 0)));
  // 5. fragments of a UDP datagram with options; tshark reassembles them
  const dg = frame().eth({ src: MAC_A, dst: MAC_R }).ipv4({ src: '10.0.0.1', dst: '198.51.100.1', id: 0x7777, options: [7, 7, 4, 0, 0, 0, 0, 0x94, 4, 0, 0, 1] })
    .udp({ sport: 40007, dport: 40008 }).payload(new Uint8Array(2000).map((_, i) => i)).build();
  const big2 = new PacketPool({ slots: 64, slotSize: 4096 });
  const d = load(big2, dg);
  const slots = new Uint32Array(16);
  const n = fragmentIpv4(big2, d, 576, slots);
  expect(n).toBe(4);
  for (let k = 0; k < n; k++) out.push(bytesOf(big2, slots[k]!));
  // 6. our own reassembly of those fragments, as one datagram
  const ra = new Ipv4Reassembly();
  let whole = -1;
  for (let k = n - 1; k >= 0; k--) whole = ra.add(big2, slots[k]!, 1, 0);
  expect(whole).toBeGreaterThanOrEqual(0);
  out.push(bytesOf(big2, whole));

  const file = path.join(tmp, 'ip4.pcap');
  const frames: FixtureFrame[] = out.map((f, i) => ({ frame: f, tsSec: 1_767_261_600 + i, tsNsec: 0 }));
  writeFixture(file, frames);
  const rows = tshark(
    file,
    ['frame.protocols', 'ip.checksum.status', 'icmp.checksum.status', 'udp.checksum.status', 'tcp.checksum.status', '_ws.malformed', 'icmp.type', 'icmp.code', 'icmp.mtu', 'ip.ttl', 'ip.flags.mf', 'ip.frag_offset', 'ip.dsfield'],
    ['-o', 'ip.check_checksum:TRUE', '-o', 'udp.check_checksum:TRUE', '-o', 'tcp.check_checksum:TRUE', '-o', 'ip.defragment:TRUE'],
  );
  expect(rows.length).toBe(out.length);
  const col = (i: number) => rows.map((r) => r[i]!);
  rows.forEach((r, i) => {
    // row 2 quotes 528 of 1480 TCP bytes: tshark sums what is there and calls the inner TCP checksum bad
    const statuses = r.slice(1, i === 2 ? 4 : 5).flatMap((s) => s.split(',')).filter((s) => s !== '');
    expect({ i, bad: statuses.filter((s) => s === '0') }).toEqual({ i, bad: [] });
    expect({ i, malformed: r[5] }).toEqual({ i, malformed: '' });
  });
  expect(col(0).slice(0, 4)).toEqual(['eth:ethertype:ip:icmp:data', 'eth:ethertype:ip:icmp:ip:udp:data', 'eth:ethertype:ip:icmp:ip:tcp:data', 'eth:ethertype:ip:icmp:ip:udp:data']);
  expect(col(6).slice(0, 4)).toEqual(['0', '11', '3', '3']);
  expect(col(7).slice(0, 4)).toEqual(['0', '0', '4', '3']);
  expect(col(8)[2]).toBe('1400');
  // ICMP errors: TTL 64 and TOS 0xc0 outside, the quoted header inside
  expect(col(9)[1]).toBe('64,1');
  expect(col(12)[1]!.split(',')[0]).toBe('0xc0');
  // the fragments: MF on all but the last, offsets; the last one carries tshark's reassembly
  expect(col(10).slice(4, 8)).toEqual(['1', '1', '1', '0']);
  expect(col(11).slice(4, 8)).toEqual(['0', '68', '136', '204']); // tshark shows 8-byte units: 0, 544, 1088, 1632 bytes
  expect(col(0)[7]).toBe('eth:ethertype:ip:udp:data');
  expect(col(3)[7]).toBe('1'); // UDP checksum of tshark's reassembled datagram: good
  expect(col(0)[8]).toBe('eth:ethertype:ip:udp:data');
  expect(col(3)[8]).toBe('1'); // and of ours
});
