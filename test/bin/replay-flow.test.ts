/**
 * `flowplane replay` with a config: frames go through the packet flow; --out-dir writes one capture per
 * interface that transmitted, --trace the steps (text or --trace-format json); a truncated input keeps
 * everything before the fault. Runs the built command (dist/), as cli.test.ts does.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { openCapture } from '../../pcap/reader';
import { describeFrame } from '../../dataplane/wire/describe';
import { ipv4ChecksumOk } from '../../dataplane/wire/checksum';

const ROOT = path.resolve(__dirname, '../..');
const BIN = path.join(ROOT, 'bin', 'flowplane');
const SCENARIO = path.join(ROOT, 'test', 'scenarios', 'routing-two-port');

function flowplane(...args: string[]) {
  const r = spawnSync(process.execPath, [BIN, ...args], { cwd: ROOT, encoding: 'utf8', timeout: 60_000 });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

beforeAll(() => {
  if (!fs.existsSync(path.join(ROOT, 'dist', 'bin', 'cli.js'))) throw new Error('dist/ is not built: run `npm run build` (npm test does it)');
});

test('routing-two-port: fates per frame, output captures per interface, a trace', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fp-replay-'));
  const tracePath = path.join(dir, 'trace.txt');
  const r = flowplane('replay', SCENARIO, '--out-dir', path.join(dir, 'out'), '--trace', tracePath);
  expect(r.err).toBe('');
  expect(r.code).toBe(0);
  expect(r.out).toContain('=> waiting for ARP of 10.0.2.20');
  expect(r.out).toContain('=> dropped: no-route');
  expect(r.out).toContain('=> dropped: ttl-exceeded');
  expect(r.out).toContain('=> delivered to the router');
  expect(r.out).toMatch(/\n9 frames \(ether1 7, ether2 2\); 9 parsed, 0 malformed/);
  expect(r.out).toContain('fates: 4 sent out, 1 delivered to the router, 4 dropped');
  expect(fs.readdirSync(path.join(dir, 'out')).sort()).toEqual(['ether1.pcap', 'ether2.pcap']);
  const read = (f: string) => {
    const c = openCapture(path.join(dir, 'out', f));
    const lines: string[] = [];
    while (c.next()) {
      const fr = c.data.slice(c.dataOffset, c.dataOffset + c.capLen);
      if (fr[12] === 0x08 && fr[13] === 0) expect(ipv4ChecksumOk(fr, 14)).toBe(true);
      lines.push(`${c.tsNsec / 1e6} ${describeFrame(fr, 0, fr.length, 1, { macs: true })}`);
    }
    c.close();
    return lines;
  };
  expect(read('ether2.pcap')).toEqual([
    '10 02:00:00:00:02:01 > ff:ff:ff:ff:ff:ff, ethertype ARP (0x0806), length 60: ARP, Request who-has 10.0.2.20 tell 10.0.2.1, length 46',
    '20 02:00:00:00:02:01 > 02:00:00:0b:00:14, ethertype IPv4 (0x0800), length 55: IP 10.0.1.10 > 10.0.2.20: ICMP echo request, id 119, seq 1, length 21',
  ]);
  expect(read('ether1.pcap').length).toBe(5);
  const trace = fs.readFileSync(tracePath, 'utf8');
  expect(trace).toContain('arp-resolve: arp-queued waiting for ARP of 10.0.2.20');
  fs.rmSync(dir, { recursive: true });
});

test('--out-dir without a config is a usage error; an input on a non-port interface too', () => {
  const cap = path.join(SCENARIO, 'in-ether1.pcap');
  expect(flowplane('replay', cap, '--out-dir', '/tmp/x').code).toBe(2);
  const r = flowplane('replay', '--config', path.join(SCENARIO, 'config.rsc'), `--in=wlan9=${cap}`);
  expect(r.code).toBe(2);
  expect(r.err).toContain('wlan9: not an ethernet interface of the config');
});

const tmp = () => fs.mkdtempSync(path.join(os.tmpdir(), 'fp-replay-'));

interface JsonPacket {
  serial: number;
  time: string;
  tsSec: number;
  tsNsec: number;
  interface: string;
  length: number;
  ethSrc: string;
  ethDst: string;
  frame: string;
  steps: Record<string, unknown>[];
  fate: Record<string, unknown>;
}

test('--trace-format json: one object per input frame with its steps, router-made packets and fate', () => {
  const dir = tmp();
  const tracePath = path.join(dir, 'trace.jsonl');
  const r = flowplane('replay', SCENARIO, '--trace', tracePath, '--trace-format', 'json', '--summary');
  expect(r.err).toBe('');
  expect(r.code).toBe(0);
  expect(r.out).toContain('(JSON Lines)');
  const lines = fs.readFileSync(tracePath, 'utf8').trimEnd().split('\n');
  const pk: JsonPacket[] = lines.map((l) => JSON.parse(l));
  // The story of routing-two-port (captures.ts), frame by frame.
  expect(pk.map((p) => [p.serial, p.interface, p.fate])).toEqual([
    [1, 'ether1', { kind: 'tx', interface: 'ether1' }], // ARP request: answered in place
    [2, 'ether1', { kind: 'tx', interface: 'ether2' }], // ping to B: queued, released by B's ARP reply
    [3, 'ether2', { kind: 'local' }], // B's ARP reply
    [4, 'ether2', { kind: 'tx', interface: 'ether1' }],
    [5, 'ether1', { kind: 'drop', reason: 'no-route' }],
    [6, 'ether1', { kind: 'drop', reason: 'ttl-exceeded' }],
    [7, 'ether1', { kind: 'tx', interface: 'ether1' }], // echo reply from the router
    [8, 'ether1', { kind: 'drop', reason: 'ipv4-bad-checksum' }],
    [9, 'ether1', { kind: 'drop', reason: 'not-for-router' }],
  ]);
  const p2 = pk[1]!;
  expect(p2).toMatchObject({ time: '2026-01-01T10:00:00.010000000Z', tsNsec: 10_000_000, length: 55, ethSrc: '02:00:00:0a:00:0a', ethDst: '02:00:00:00:01:01' });
  expect(p2.frame).toBe('IP 10.0.1.10 > 10.0.2.20: ICMP echo request, id 119, seq 1, length 21');
  expect(p2.steps[0]).toEqual({ stage: 'ethernet-input', event: 'rx', detail: 'on ether1', interface: 'ether1' });
  expect(p2.steps).toContainEqual({ stage: 'routing', event: 'route', detail: 'next-hop group 2 via on-link', nextHopGroup: 2, gateway: null });
  expect(p2.steps).toContainEqual({ stage: 'ip4-forward', event: 'ttl', detail: 'decremented to 63', ttl: 63 });
  expect(p2.steps).toContainEqual({ stage: 'arp-resolve', event: 'arp-queued', detail: 'waiting for ARP of 10.0.2.20', nextHop: '10.0.2.20' });
  // The ARP request the router made for it is its packet 2.1, sent out ether2 while packet 2 was processed.
  expect(p2.steps).toContainEqual({ stage: 'interface-tx', event: 'tx', detail: 'out ether2', packet: '2.1', interface: 'ether2' });
  // Released while packet 3 (B's ARP reply) was processed.
  expect(p2.steps).toContainEqual({ stage: 'arp-input', event: 'arp-released', detail: 'resolved 10.0.2.20', during: 3, address: '10.0.2.20' });
  expect(p2.steps.at(-1)).toEqual({ stage: 'interface-tx', event: 'tx', detail: 'out ether2', during: 3, interface: 'ether2' });
  // The ICMP errors are traced under the packets that caused them.
  expect(pk[4]!.steps).toContainEqual({ stage: 'routing', event: 'icmp', detail: 'sent type 3 code 0', type: 3, code: 0 });
  expect(pk[4]!.steps).toContainEqual({ stage: 'interface-tx', event: 'tx', detail: 'out ether1', packet: '5.1', interface: 'ether1' });
  expect(pk[5]!.steps).toContainEqual({ stage: 'interface-tx', event: 'tx', detail: 'out ether1', packet: '6.1', interface: 'ether1' });
  expect(pk[8]!.steps.at(-1)).toEqual({ stage: 'ethernet-input', event: 'drop', detail: 'not-for-router', reason: 'not-for-router' });
  // Nothing is traced under a packet that did not cause it: only 2, 5 and 6 have router-made packets.
  expect(pk.filter((p) => p.steps.some((s) => 'packet' in s)).map((p) => p.serial)).toEqual([2, 5, 6]);
  fs.rmSync(dir, { recursive: true });
});

test('--trace-format must be text or json, and needs --trace', () => {
  const bad = flowplane('replay', SCENARIO, '--trace', '/tmp/x', '--trace-format', 'xml');
  expect(bad.code).toBe(2);
  expect(bad.err).toContain("--trace-format expects text or json, got 'xml'");
  const alone = flowplane('replay', SCENARIO, '--trace-format', 'json');
  expect(alone.code).toBe(2);
  expect(alone.err).toContain('--trace-format needs --trace FILE');
  expect(flowplane('replay', '--help').out).toContain('--trace-format F   text (default) or json: JSON Lines');
});

describe('a truncated capture: everything before the fault is replayed, written and traced; the byte offset is reported', () => {
  // routing-two-port's ether1 capture cut 10 bytes into its 5th record (the ping to the router at 60 ms,
  // whose record header starts at byte 301): ether1 delivers 4 frames (0, 10, 40, 50 ms), ether2 both.
  const full = fs.readFileSync(path.join(SCENARIO, 'in-ether1.pcap'));
  const cut = full.subarray(0, 311);
  const expected = {
    ether1: [
      'ARP, Reply 10.0.1.1 is-at 02:00:00:00:01:01, length 46',
      'IP 10.0.2.20 > 10.0.1.10: ICMP echo reply, id 119, seq 1, length 21',
      'IP 10.0.1.1 > 10.0.1.10: ICMP net 10.0.9.9 unreachable, length 43',
      'IP 10.0.1.1 > 10.0.1.10: ICMP time exceeded in-transit, length 43',
    ],
    ether2: ['ARP, Request who-has 10.0.2.20 tell 10.0.2.1, length 46', 'IP 10.0.1.10 > 10.0.2.20: ICMP echo request, id 119, seq 1, length 21'],
  };
  const lines = (f: string) => {
    const c = openCapture(f);
    const out: string[] = [];
    while (c.next()) out.push(describeFrame(c.data, c.dataOffset, c.capLen, 1));
    expect(c.error).toBeNull();
    c.close();
    return out;
  };

  test.each(['text', 'json'])('with --out-dir and --trace-format %s', (format) => {
    const dir = tmp();
    const trunc = path.join(dir, 'cut-ether1.pcap');
    fs.writeFileSync(trunc, cut);
    const tracePath = path.join(dir, 'trace');
    const r = flowplane(
      'replay', '--config', path.join(SCENARIO, 'config.rsc'), '--in', `ether1=${trunc}`, '--in', `ether2=${path.join(SCENARIO, 'in-ether2.pcap')}`,
      '--out-dir', path.join(dir, 'out'), '--trace', tracePath, '--trace-format', format,
    );
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/^flowplane replay: ether1: .*cut-ether1\.pcap: .*\b301\b.*\n$/);
    expect(r.out).toMatch(/\n6 frames \(ether1 4, ether2 2\); 6 parsed, 0 malformed\n/);
    expect(r.out).toContain('fates: 3 sent out, 1 delivered to the router, 2 dropped (no-route 1, ttl-exceeded 1)'); // tx: 1, 2, 4
    expect(r.out).toMatch(/\ninput stopped early: ether1 \(cut-ether1\.pcap\) at byte 301: /);
    expect(lines(path.join(dir, 'out', 'ether1.pcap'))).toEqual(expected.ether1);
    expect(lines(path.join(dir, 'out', 'ether2.pcap'))).toEqual(expected.ether2);
    const trace = fs.readFileSync(tracePath, 'utf8');
    if (format === 'json') {
      const pk = trace.trimEnd().split('\n').map((l) => JSON.parse(l) as JsonPacket);
      expect(pk.map((p) => `${p.serial} ${p.interface} ${p.fate.kind}`)).toEqual(['1 ether1 tx', '2 ether1 tx', '3 ether2 local', '4 ether2 tx', '5 ether1 drop', '6 ether1 drop']);
    } else {
      expect(trace.split('\n').filter((l) => l.startsWith('packet ')).length).toBe(6);
      expect(trace).toContain('  => dropped: ttl-exceeded\n');
    }
    fs.rmSync(dir, { recursive: true });
  });

  test('a file that is no capture at all: exit 1, byte 0, the other input still replayed', () => {
    const dir = tmp();
    const junk = path.join(dir, 'junk.pcap');
    fs.writeFileSync(junk, 'not a capture');
    const r = flowplane('replay', '--config', path.join(SCENARIO, 'config.rsc'), '--in', `ether1=${junk}`, '--in', `ether2=${path.join(SCENARIO, 'in-ether2.pcap')}`, '--out-dir', path.join(dir, 'out'));
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/\n2 frames \(ether1 0, ether2 2\)/);
    expect(r.out).toMatch(/input stopped early: ether1 \(junk\.pcap\) at byte 0: /);
    fs.rmSync(dir, { recursive: true });
  });
});
