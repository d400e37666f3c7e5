/**
 * The command as users run it: bin/flowplane (the built dist/ code) in a child process.
 * `npm test` builds first, so this exercises exactly what `npx flowplane` runs.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { CORPUS_PCAP } from '../corpus-path';

const ROOT = path.resolve(__dirname, '../..');
const BIN = path.join(ROOT, 'bin', 'flowplane');
const CORPUS = CORPUS_PCAP;

function flowplane(...args: string[]) {
  const r = spawnSync(process.execPath, [BIN, ...args], { cwd: ROOT, encoding: 'utf8', timeout: 60_000 });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

beforeAll(() => {
  if (!fs.existsSync(path.join(ROOT, 'dist', 'bin', 'cli.js'))) throw new Error('dist/ is not built: run `npm run build` (npm test does it)');
});

test('--help lists every command with one line each', () => {
  const r = flowplane('--help');
  expect(r.code).toBe(0);
  for (const c of ['replay', 'run', 'check', 'console', 'export', 'bench']) {
    const lines = r.out.split('\n').filter((l) => l.startsWith(`  ${c} `));
    expect({ c, n: lines.length }).toEqual({ c, n: 1 });
  }
});

test('no command prints the help and exits 2; an unknown command is named', () => {
  expect(flowplane().code).toBe(2);
  const r = flowplane('frobnicate');
  expect(r.code).toBe(2);
  expect(r.err).toContain("unknown command 'frobnicate'");
});

test('run without its options: a usage error naming what is missing, exit 2', () => {
  const r = flowplane('run');
  expect(r.code).toBe(2);
  expect(r.err).toContain('flowplane run: --config FILE is required');
  expect(r.err).toContain('--tap IF=DEV');
  const bad = flowplane('run', '--config', 'x.rsc', '--tap', 'ether1');
  expect(bad.code).toBe(2);
  expect(bad.err).toContain('--tap wants IF=DEV, got ether1');
});

test('replay with no inputs runs the bundled demo: one line per frame and a summary', () => {
  const r = flowplane('replay');
  expect(r.err).toBe('');
  expect(r.code).toBe(0);
  expect(r.out).toContain('bundled demo');
  const frames = r.out.split('\n').filter((l) => /^\s+\d+\s+\d\d:\d\d:\d\d\.\d{6}\s/.test(l));
  const summary = /(\d+) frames \(([^)]*)\); (\d+) parsed, (\d+) malformed/.exec(r.out);
  expect(summary).not.toBeNull();
  expect(frames.length).toBe(Number(summary![1]));
  expect(frames.length).toBeGreaterThan(10);
  // Merged on the capture clock: times never go backwards.
  const times = frames.map((l) => l.trim().split(/\s+/)[1]!);
  expect([...times].sort()).toEqual(times);
});

test('replay of every corpus capture: all records read, headers parsed, no input error', () => {
  const files = fs.readdirSync(CORPUS).filter((f) => /\.pcap(ng)?$/.test(f));
  expect(files.length).toBe(15);
  const r = flowplane('replay', '--summary', ...files.map((f) => `--in=${f.replace(/\..*$/, '')}=${path.join(CORPUS, f)}`));
  expect(r.err).toBe('');
  expect(r.code).toBe(0);
  // INDEX.tsv's packet counts: 14+3+2+10+1+1+20+1+2+15+2+3+8+2+2 = 86
  expect(r.out).toMatch(/\n86 frames \(/);
  expect(r.out).toMatch(/86 parsed, 0 malformed/);
});

test('a truncated capture: earlier frames printed, error names the byte offset, exit 1', () => {
  const src = fs.readFileSync(path.join(CORPUS, 'zeek__icmp_5-pings.pcap'));
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fp-cli-'));
  const cut = path.join(dir, 'cut.pcap');
  // 24-byte header, then 10 records of 16 + 98 bytes; cut inside the 4th record's data.
  fs.writeFileSync(cut, src.subarray(0, 24 + 3 * 114 + 16 + 20));
  const r = flowplane('replay', cut);
  fs.rmSync(dir, { recursive: true });
  expect(r.code).toBe(1);
  expect(r.out).toMatch(/\n3 frames \(ether1 3\)/);
  expect(r.out.split('\n').filter((l) => l.includes('ICMP echo')).length).toBe(3);
  expect(r.err).toContain(`byte ${24 + 3 * 114}`);
});

test('usage errors exit 2 with a clear message', () => {
  expect(flowplane('replay', '--in', 'nofile').err).toContain('--in expects IFACE=FILE');
  const r = flowplane('replay', '/nonexistent/x.pcap');
  expect(r.code).toBe(2);
  expect(r.err).toContain('no such file');
  expect(flowplane('replay', '--bogus').code).toBe(2);
});
