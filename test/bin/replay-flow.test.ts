/**
 * `flowplane replay` with a config: frames go through the packet flow; --out-dir writes one capture per
 * interface that transmitted, --trace the steps. Runs the built command (dist/), as cli.test.ts does.
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
