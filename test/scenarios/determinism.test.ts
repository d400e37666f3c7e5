/**
 * Determinism across worker counts: every scenario replayed as `flowplane replay <scenario> --workers N
 * --out-dir D --trace F` for N = 1, 2 and 4 gives byte-identical output captures, traces, printed lines and
 * summaries (docs/workers.md: replay runs the causal schedule, and what workers change in the router — NAT
 * ports chosen by connection shard — does not depend on N).
 *
 * The comparison is of everything the replay writes, so a worker-count dependence anywhere (a port range
 * per worker instead of per shard, a table split by worker) fails here. That the worker mode is really on is
 * checked too: some scenario's NAT picks other ports with workers than without.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { executeReplay, planFromScenario } from '../../bin/commands/replay-run';

const SCENARIOS = __dirname;
const scenarios = fs
  .readdirSync(SCENARIOS, { withFileTypes: true })
  .filter((d) => d.isDirectory() && fs.existsSync(path.join(SCENARIOS, d.name, 'config.rsc')))
  .map((d) => d.name)
  .sort();

/** Everything one replay writes: file name → bytes (stdout and stderr included). */
function replay(name: string, workers: number | undefined): Map<string, Buffer> {
  const plan = planFromScenario(path.join(SCENARIOS, name));
  if (typeof plan === 'string') throw new Error(plan);
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), `fp-det-${name}-`));
  try {
    const outDir = path.join(tmp, 'out');
    const trace = path.join(tmp, 'trace.txt');
    let out = '';
    let err = '';
    const r = executeReplay(plan, { outDir, trace, workers, connections: true, ruleStats: true }, { out: (s) => (out += s), err: (s) => (err += s) });
    // the printed text names the temporary output folder: the only expected difference
    const fix = (t: string) => t.split(tmp).join('<tmp>');
    const files = new Map<string, Buffer>([
      ['stdout', Buffer.from(fix(out))],
      ['stderr', Buffer.from(fix(err))],
      ['summary', Buffer.from(r.summary)],
      ['code', Buffer.from(String(r.code))],
    ]);
    if (fs.existsSync(outDir)) for (const f of fs.readdirSync(outDir).sort()) files.set(f, fs.readFileSync(path.join(outDir, f)));
    if (fs.existsSync(trace)) files.set('trace.txt', fs.readFileSync(trace));
    return files;
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

function firstDifference(a: Map<string, Buffer>, b: Map<string, Buffer>): string | null {
  const names = [...new Set([...a.keys(), ...b.keys()])].sort();
  for (const n of names) {
    const x = a.get(n);
    const y = b.get(n);
    if (x === undefined || y === undefined) return `${n}: only in one run`;
    if (!x.equals(y)) {
      let i = 0;
      while (i < x.length && i < y.length && x[i] === y[i]) i++;
      return `${n}: differs at byte ${i} (${x.length} vs ${y.length} bytes)`;
    }
  }
  return null;
}

let changedByWorkers = 0;

test.each(scenarios)('%s: --workers 1, 2 and 4 write the same bytes', (name) => {
  const one = replay(name, 1);
  expect(one.get('code')!.toString()).not.toBe('2');
  expect(one.size).toBeGreaterThan(4); // at least one output capture or a trace besides the printed text
  for (const n of [2, 4]) expect({ workers: n, diff: firstDifference(one, replay(name, n)) }).toEqual({ workers: n, diff: null });
  if (firstDifference(one, replay(name, undefined)) !== null) changedByWorkers++;
});

test('the worker mode is on: some scenario translates to other ports with workers than without', () => {
  expect(scenarios.length).toBeGreaterThan(10);
  expect(changedByWorkers).toBeGreaterThan(0);
});
