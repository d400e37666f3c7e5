/**
 * `flowplane bench` as users run it: bin/flowplane (the built dist/ code, whose worker threads start from
 * dist/bench/worker-entry.js) in a child process, short runs, output parsed. Rates are not asserted (the
 * machine is shared); what must hold is that every packet was counted, forwarded and steered right.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';

const ROOT = path.resolve(__dirname, '../..');
const BIN = path.join(ROOT, 'bin', 'flowplane');

function flowplane(...args: string[]) {
  const r = spawnSync(process.execPath, [BIN, 'bench', ...args], { cwd: ROOT, encoding: 'utf8', timeout: 120_000 });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

interface JsonRun {
  workers: number;
  packets: number;
  transmitted: number;
  mpps: number;
  gbps: number;
  nsPerPacket: number;
  mppsPerWorker: number;
  drops: Record<string, number>;
  misSteered: number;
  stages: { name: string; packets: number; vectors: number; nsPerPacket: number }[];
}

beforeAll(() => {
  if (!fs.existsSync(path.join(ROOT, 'dist', 'bench', 'worker-entry.js'))) throw new Error('dist/ is not built: run `npm run build` (npm test does it)');
});

test('--help names every profile; bad options are usage errors', () => {
  const h = flowplane('--help');
  expect(h.code).toBe(0);
  for (const p of ['l2', 'l3', 'l3-1m-routes', 'soho', 'soho-fasttrack', 'isp-queues']) expect(h.out).toMatch(new RegExp(`^ +${p} +`, 'm'));
  expect(flowplane('--profile', 'nope').code).toBe(2);
  expect(flowplane('--workers', 'x').code).toBe(2);
  expect(flowplane('--workers', '65').code).toBe(2);
  expect(flowplane('--seconds', '0').code).toBe(2);
});

test('in-thread text run: rates and a per-stage table that add up', () => {
  const r = flowplane('--profile', 'l3', '--seconds', '0.4');
  expect(r.code).toBe(0);
  const m = /^in-thread: ([\d.]+) Mpps, ([\d.]+) Gbit\/s \(64 B frames\), ([\d.]+) ns\/packet$/m.exec(r.out);
  expect(m).not.toBeNull();
  const mpps = Number(m![1]);
  expect(mpps).toBeGreaterThan(0);
  // 64-byte frames: Gbit/s = Mpps * 64 * 8 / 1000; ns/packet = 1000 / Mpps
  expect(Number(m![2])).toBeCloseTo((mpps * 512) / 1000, 1);
  expect(Number(m![3])).toBeCloseTo(1000 / mpps, 0);
  const rows = r.out.split('\n').filter((l) => /^(ethernet-input|routing|interface-tx) +\d/.test(l));
  expect(rows.map((l) => l.split(/ +/)[0])).toEqual(['ethernet-input', 'routing', 'interface-tx']);
  // every packet entered and left: the same count at the first and last stage
  const pk = rows.map((l) => Number(l.split(/ +/)[3]));
  expect(pk[0]).toBeGreaterThan(1000);
  expect(pk[2]).toBe(pk[0]);
  expect(r.out).not.toContain('scaling:');
});

test('soho with 2 workers, JSON: every packet forwarded, NAT answers steered to their worker, scaling rows', () => {
  const r = flowplane('--profile', 'soho', '--seconds', '0.5', '--workers', '2', '--json');
  expect(r.code).toBe(0);
  const doc = JSON.parse(r.out) as { profile: string; runs: JsonRun[] };
  expect(doc.profile).toBe('soho');
  expect(doc.runs.map((x) => x.workers)).toEqual([0, 1, 2]);
  for (const run of doc.runs) {
    expect(run.packets).toBeGreaterThan(10_000);
    expect(run.transmitted).toBe(run.packets);
    expect(run.drops).toEqual({});
    expect(run.misSteered).toBe(0);
    const names = run.stages.map((s) => s.name);
    expect(names).toEqual(expect.arrayContaining(['conntrack', 'filter-forward', 'srcnat', 'interface-tx']));
    const first = run.stages.find((s) => s.name === 'ethernet-input')!;
    expect(first.packets).toBe(run.packets);
    expect(run.mppsPerWorker).toBeCloseTo(run.mpps / Math.max(1, run.workers), 6);
  }
  // the summed table of 2 workers: vectors of 256 from the dispatcher
  const eth = doc.runs[2]!.stages.find((s) => s.name === 'ethernet-input')!;
  expect(eth.packets / eth.vectors).toBe(256);
});

test('--config and --pcap: a capture replayed in a loop through a given config', () => {
  const dir = path.join(ROOT, 'test', 'scenarios');
  const scen = fs.readdirSync(dir).find((d) => fs.existsSync(path.join(dir, d, 'in-ether1.pcap')) && fs.existsSync(path.join(dir, d, 'config.rsc')));
  expect(scen).toBeDefined();
  const r = flowplane('--config', path.join(dir, scen!, 'config.rsc'), '--pcap', `ether1=${path.join(dir, scen!, 'in-ether1.pcap')}`, '--seconds', '0.3', '--workers', '1', '--json');
  expect(r.err).toBe('');
  expect(r.code).toBe(0);
  const doc = JSON.parse(r.out) as { runs: JsonRun[] };
  expect(doc.runs).toHaveLength(2);
  for (const run of doc.runs) expect(run.packets).toBeGreaterThan(0);
});

test('a capture that does not exist is an error, not a crash', () => {
  const r = flowplane('--pcap', 'ether1=/nonexistent.pcap', '--seconds', '0.2');
  expect(r.code).toBe(1);
  expect(r.err).toContain('nonexistent.pcap');
});

test('--reload: workers switch configuration generation under load, carry every connection, lose nothing', () => {
  const r = flowplane('--profile', 'soho', '--seconds', '1', '--workers', '2', '--reload', '0.2', '--json');
  expect(r.code).toBe(0);
  const doc = JSON.parse(r.out) as { runs: (JsonRun & { reloads: number; reloadPauseMs: number; carriedConnections: number[] })[] };
  for (const run of doc.runs.slice(1)) {
    expect(run.reloads).toBeGreaterThanOrEqual(2);
    expect(run.carriedConnections).toHaveLength(run.reloads);
    // the 10,000 established connections, split over the workers, all carried into every new generation
    for (const c of run.carriedConnections) expect(c).toBe(10_000);
    expect(run.transmitted).toBe(run.packets);
    expect(run.drops).toEqual({});
  }
  expect(flowplane('--reload', '1').code).toBe(2); // needs --workers
});
