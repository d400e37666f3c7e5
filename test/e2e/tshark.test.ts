/**
 * Cross-checks against a reference implementation: Wireshark's tshark (installed by bin/setup).
 *  - our reader agrees with tshark on every corpus record's timestamp and lengths;
 *  - captures our writers and fixture builder produce are read by tshark with every checksum "good",
 *    nothing malformed, and the protocol stack we built.
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { openCapture } from '../../pcap/reader';
import { frame, writeFixture, fragmentIpv4, type FixtureFrame } from '../../pcap/fixture';
import { CORPUS_PCAP } from '../corpus-path';

const CORPUS = CORPUS_PCAP;

function tshark(file: string, fields: string[], extra: string[] = []): string[][] {
  const out = execFileSync(
    'tshark',
    ['-r', file, '-n', ...extra, '-T', 'fields', '-E', 'separator=|', ...fields.flatMap((f) => ['-e', f])],
    { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] },
  );
  return out.split('\n').filter((l) => l.length > 0).map((l) => l.split('|'));
}

let tmp: string;
beforeAll(() => {
  execFileSync('tshark', ['--version'], { stdio: 'ignore' }); // fails clearly if bin/setup did not install it
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'fp-tshark-'));
});
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

test.each(fs.readdirSync(CORPUS).filter((f) => /\.pcap(ng)?$/.test(f)))('reader agrees with tshark on %s', (f) => {
  const ref = tshark(path.join(CORPUS, f), ['frame.time_epoch', 'frame.len', 'frame.cap_len']);
  const r = openCapture(path.join(CORPUS, f));
  const ours: string[][] = [];
  while (r.next()) {
    const frac = String(r.tsNsec).padStart(9, '0');
    ours.push([`${r.tsSec}.${frac}`, String(r.origLen), String(r.capLen)]);
  }
  expect(r.error).toBeNull();
  expect(ours).toEqual(ref);
});

function buildSet(): FixtureFrame[] {
  const A = '02:00:00:00:00:0a';
  const B = '02:00:00:00:00:0b';
  const big = frame().ipv4({ src: '10.0.0.1', dst: '10.0.0.2', id: 77 }).udp({ sport: 5000, dport: 5001 }).payload(new Uint8Array(1200).fill(0x5a)).build();
  const frames = [
    frame().eth({ src: A, dst: 'ff:ff:ff:ff:ff:ff' }).arp({ op: 'request', senderMac: A, senderIp: '10.0.0.1', targetIp: '10.0.0.2' }).build(),
    frame().eth({ src: A, dst: B }).ipv4({ src: '10.0.0.1', dst: '10.0.0.2', ttl: 3 }).icmp({ type: 'echo-request', id: 9, seq: 1 }).payload('abcdefgh').build(),
    frame().eth({ src: A, dst: B }).ipv4({ src: '10.0.0.1', dst: '10.0.0.2', options: [0x94, 0x04, 0x00, 0x00] }).tcp({ sport: 40000, dport: 443, flags: 'S', options: { mss: 1460, sackOk: true, ts: [1, 0], wscale: 7 } }).build(),
    frame().eth({ src: A, dst: B }).vlan(10).ipv4({ src: '10.0.0.1', dst: '10.0.0.2' }).udp({ sport: 7000, dport: 7001 }).payload('hello').build(),
    frame().eth({ src: A, dst: B }).qinq(200, 2001).ipv4({ src: '10.0.0.1', dst: '10.0.0.2' }).tcp({ sport: 1, dport: 2, flags: 'PA', seq: 5, ack: 6 }).payload('x').build(),
    frame().eth({ src: B, dst: A }).ipv4({ src: '10.0.0.2', dst: '10.0.0.1' })
      .icmp({ type: 'dest-unreachable', code: 3, quote: frame().ipv4({ src: '10.0.0.1', dst: '10.0.0.2' }).udp({ sport: 1234, dport: 53 }).payload('q').build() }).build(),
    frame().eth({ src: A, dst: '33:33:ff:00:00:02' }).ipv6({ src: 'fe80::1', dst: 'ff02::1:ff00:2', hopLimit: 255 }).icmpv6({ type: 'ns', target: 'fe80::2' }).build(),
    frame().eth({ src: A, dst: B }).ipv6({ src: '2001:db8::1', dst: '2001:db8::2' }).hopByHop().tcp({ sport: 80, dport: 8080, flags: 'SA', seq: 1, ack: 2 }).build(),
    frame().eth({ src: A, dst: B }).ipv6({ src: '2001:db8::1', dst: '2001:db8::2' }).udp({ sport: 9, dport: 9 }).payload('v6').build(),
    frame().eth({ src: B, dst: A }).ipv6({ src: '2001:db8::2', dst: '2001:db8::1' })
      .icmpv6({ type: 'packet-too-big', mtu: 1280, quote: frame().ipv6({ src: '2001:db8::1', dst: '2001:db8::2' }).udp({ sport: 9, dport: 9 }).payload('v6').build() }).build(),
    ...fragmentIpv4(big, 512).map((p) => {
      const eth = frame().eth({ src: A, dst: B, type: 0x0800 }).build();
      const f = new Uint8Array(eth.length + p.length);
      f.set(eth);
      f.set(p, eth.length);
      return f;
    }),
  ];
  return frames.map((f, i) => ({ frame: f, tsSec: 1_767_261_600 + i, tsNsec: i * 1001 }));
}

const EXPECTED_STACKS = [
  'eth:ethertype:arp',
  'eth:ethertype:ip:icmp:data',
  'eth:ethertype:ip:tcp',
  'eth:ethertype:vlan:ethertype:ip:udp:data',
  'eth:ethertype:ieee8021ad:ethertype:vlan:ethertype:ip:tcp:data',
  'eth:ethertype:ip:icmp:ip:udp',
  'eth:ethertype:ipv6:icmpv6',
  'eth:ethertype:ipv6:ipv6.hopopts:tcp',
  'eth:ethertype:ipv6:udp:data',
  'eth:ethertype:ipv6:icmpv6:ipv6:udp:data',
];

const FORMATS: [string, { format: 'pcap' | 'pcapng'; nanosecond: boolean }][] = [
  ['pcap', { format: 'pcap', nanosecond: false }],
  ['pcap (nanosecond)', { format: 'pcap', nanosecond: true }],
  ['pcapng', { format: 'pcapng', nanosecond: false }],
  ['pcapng (nanosecond)', { format: 'pcapng', nanosecond: true }],
];

test.each(FORMATS)('tshark reads our %s with every checksum good and nothing malformed', (_name, opts) => {
  const frames = buildSet();
  const file = path.join(tmp, `set-${opts.format}-${opts.nanosecond ? 'ns' : 'us'}.${opts.format}`);
  writeFixture(file, frames, opts);
  const rows = tshark(
    file,
    ['frame.protocols', 'frame.time_epoch', 'ip.checksum.status', 'tcp.checksum.status', 'udp.checksum.status', 'icmp.checksum.status', 'icmpv6.checksum.status', '_ws.malformed', 'ip.flags.mf'],
    ['-o', 'ip.check_checksum:TRUE', '-o', 'tcp.check_checksum:TRUE', '-o', 'udp.check_checksum:TRUE', '-o', 'ip.defragment:FALSE'],
  );
  expect(rows.length).toBe(frames.length);
  expect(rows.slice(0, EXPECTED_STACKS.length).map((r) => r[0])).toEqual(EXPECTED_STACKS);
  rows.forEach((row, i) => {
    const [, epoch, ...rest] = row;
    const f = frames[i]!;
    // time: microsecond files keep microseconds
    const ns = opts.nanosecond ? f.tsNsec! : Math.floor(f.tsNsec! / 1000) * 1000;
    expect(epoch).toBe(`${f.tsSec}.${String(ns).padStart(9, '0')}`);
    const statuses = rest.slice(0, 5).flatMap((s) => s.split(',')).filter((s) => s !== '');
    // 0 = bad, 1 = good, 2 = unverified (a quoted header cut to 8 bytes inside an ICMP error cannot be)
    expect({ i, bad: statuses.filter((s) => s === '0') }).toEqual({ i, bad: [] });
    if (i > 0) expect({ i, good: statuses.includes('1') }).toEqual({ i, good: true }); // all but the ARP frame carry a checked header
    expect({ i, malformed: rest[5] }).toEqual({ i, malformed: '' });
  });
  // the fragments: more-fragments set on all but the last
  const mf = rows.slice(EXPECTED_STACKS.length).map((r) => r[8]);
  expect(mf).toEqual(['1', '1', '0']);
});
