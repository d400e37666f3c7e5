/**
 * The scenario runner: every folder `test/scenarios/<name>/` holding a config.rsc is replayed exactly as
 * `flowplane replay test/scenarios/<name> --out-dir D --trace F` does it (the same function,
 * bin/commands/replay-run.ts executeReplay), and what it produces is compared with the folder's golden files
 * in `expected/`:
 *   <iface>.pcap   what the interface transmitted, byte for byte (only interfaces that transmitted)
 *   <iface>.txt    the same capture read back: one line per frame, `time  describeFrame (with MACs)`
 *   trace.txt      the --trace file (text format): every input frame's steps and fate
 *   summary.txt    the closing summary: frames per interface, fates and drops by reason, what each interface
 *                  transmitted, per-interface rx/tx/drop counters, inputs that stopped early
 * `UPDATE_GOLDEN=1 npx jest test/scenarios/runner.test.ts` (re)writes them (and removes golden files a
 * scenario no longer produces); without it a missing, different or stale golden file fails with a diff.
 * Read what a regenerated golden says before committing it: goldens only pin behaviour down, the scenario's
 * own test (test/scenarios/<name>.test.ts) says why it is right.
 *
 * New scenario folders are picked up automatically. A second replay of each scenario must give identical
 * bytes (replay is deterministic).
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { executeReplay, planFromScenario, formatTime, type ReplayResult } from '../../bin/commands/replay-run';
import { openCapture } from '../../pcap/reader';
import { describeFrame } from '../../dataplane/wire/describe';

const SCENARIOS = __dirname;
const UPDATE = process.env.UPDATE_GOLDEN === '1';
const REGEN = 'UPDATE_GOLDEN=1 npx jest test/scenarios/runner.test.ts';

const scenarios = fs
  .readdirSync(SCENARIOS, { withFileTypes: true })
  .filter((d) => d.isDirectory() && fs.existsSync(path.join(SCENARIOS, d.name, 'config.rsc')))
  .map((d) => d.name)
  .sort();

interface Produced {
  result: ReplayResult;
  stderr: string;
  /** Golden file name → contents. */
  files: Map<string, Buffer>;
}

/** `time  frame` per record of a capture the replay wrote. */
export function captureText(file: string): string {
  const c = openCapture(file);
  const lines: string[] = [];
  while (c.next()) lines.push(`${formatTime(c.tsSec, c.tsNsec)}  ${describeFrame(c.data, c.dataOffset, c.capLen, c.linkType, { macs: true })}`);
  if (c.error) lines.push(`(capture error: ${c.error.message})`);
  c.close();
  return lines.join('\n') + '\n';
}

/** Replay a scenario folder as the command does and collect what the goldens hold. */
function produce(name: string): Produced {
  const dir = path.join(SCENARIOS, name);
  const plan = planFromScenario(dir);
  if (typeof plan === 'string') throw new Error(plan);
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), `fp-scenario-${name}-`));
  try {
    const outDir = path.join(tmp, 'out');
    const tracePath = path.join(tmp, 'trace.txt');
    let stderr = '';
    const result = executeReplay(plan, { outDir, trace: tracePath }, { out: () => {}, err: (s) => (stderr += s) });
    const files = new Map<string, Buffer>();
    if (fs.existsSync(outDir)) {
      for (const f of fs.readdirSync(outDir).sort()) {
        if (!f.endsWith('.pcap')) continue;
        files.set(f, fs.readFileSync(path.join(outDir, f)));
        files.set(f.replace(/\.pcap$/, '.txt'), Buffer.from(captureText(path.join(outDir, f))));
      }
    }
    if (fs.existsSync(tracePath)) files.set('trace.txt', fs.readFileSync(tracePath));
    files.set('summary.txt', Buffer.from(result.summary + '\n'));
    return { result, stderr, files };
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

/** A readable line diff (`-` golden, `+` now) around the differences, at most `max` lines. */
export function lineDiff(want: string, got: string, max = 40): string {
  const a = want.split('\n');
  const b = got.split('\n');
  // Trim the common head and tail, then an LCS table over the middle (small in practice).
  let h = 0;
  while (h < a.length && h < b.length && a[h] === b[h]) h++;
  let t = 0;
  while (t < a.length - h && t < b.length - h && a[a.length - 1 - t] === b[b.length - 1 - t]) t++;
  const A = a.slice(h, a.length - t);
  const B = b.slice(h, b.length - t);
  const out: string[] = [];
  if (h > 0) out.push(`  ${a[h - 1]}`);
  if (A.length * B.length > 4_000_000) {
    for (const l of A) out.push(`- ${l}`);
    for (const l of B) out.push(`+ ${l}`);
  } else {
    const L = Array.from({ length: A.length + 1 }, () => new Uint32Array(B.length + 1));
    for (let i = A.length - 1; i >= 0; i--) for (let j = B.length - 1; j >= 0; j--) L[i]![j] = A[i] === B[j] ? L[i + 1]![j + 1]! + 1 : Math.max(L[i + 1]![j]!, L[i]![j + 1]!);
    let i = 0;
    let j = 0;
    while (i < A.length || j < B.length) {
      if (i < A.length && j < B.length && A[i] === B[j]) {
        out.push(`  ${A[i]}`);
        i++;
        j++;
      } else if (j < B.length && (i === A.length || L[i]![j + 1]! > L[i + 1]![j]!)) out.push(`+ ${B[j++]}`);
      else out.push(`- ${A[i++]}`);
    }
  }
  if (t > 0) out.push(`  ${a[a.length - t]}`);
  const shown = out.slice(0, max);
  if (out.length > max) shown.push(`  ... (${out.length - max} more lines)`);
  return `(line ${h + 1}; - golden, + now)\n${shown.join('\n')}`;
}

/** Where two captures first differ (record number and byte), for a pcap golden that does not match. */
function pcapDifference(want: Buffer, got: Buffer): string {
  const read = (b: Buffer) => {
    const c = openCapture(new Uint8Array(b));
    const recs: string[] = [];
    while (c.next()) recs.push(Buffer.from(c.data.subarray(c.dataOffset, c.dataOffset + c.capLen)).toString('hex') + `@${c.tsSec}.${c.tsNsec}/${c.origLen}`);
    return recs;
  };
  const a = read(want);
  const b = read(got);
  let k = 0;
  while (k < a.length && k < b.length && a[k] === b[k]) k++;
  let byte = 0;
  while (byte < want.length && byte < got.length && want[byte] === got[byte]) byte++;
  return `golden has ${a.length} records, now ${b.length}; first different record: #${k + 1}, first different file byte: ${byte}`;
}

/** Compare (or with UPDATE_GOLDEN write) a scenario's goldens; returns the problems found. */
function checkGoldens(name: string, files: Map<string, Buffer>): string[] {
  const dir = path.join(SCENARIOS, name, 'expected');
  const rel = path.relative(process.cwd(), dir) || dir;
  const existing = fs.existsSync(dir) ? fs.readdirSync(dir).filter((f) => /\.(pcap|txt)$/.test(f)) : [];
  if (UPDATE) {
    fs.mkdirSync(dir, { recursive: true });
    for (const f of existing) if (!files.has(f)) fs.rmSync(path.join(dir, f));
    for (const [f, data] of files) {
      const p = path.join(dir, f);
      if (!fs.existsSync(p) || !fs.readFileSync(p).equals(data)) fs.writeFileSync(p, data);
    }
    return [];
  }
  if (existing.length === 0) {
    return [`${rel}/: no golden files yet (the replay produces ${[...files.keys()].join(', ')}: review them, then run ${REGEN})`];
  }
  const problems: string[] = [];
  for (const [f, data] of files) {
    const p = path.join(dir, f);
    if (!fs.existsSync(p)) {
      problems.push(`${rel}/${f}: golden file missing (the replay produced it: review it, then run ${REGEN})`);
      continue;
    }
    const want = fs.readFileSync(p);
    if (want.equals(data)) continue;
    const what = f.endsWith('.pcap') ? pcapDifference(want, data) : lineDiff(want.toString('utf8'), data.toString('utf8'));
    problems.push(`${rel}/${f} differs from what the replay produces now: ${what}\n(if the change is intended, review it and run ${REGEN})`);
  }
  for (const f of existing) {
    if (!files.has(f)) problems.push(`${rel}/${f}: stale golden file (the replay no longer produces it; ${REGEN} removes it)`);
  }
  return problems;
}

test('the scenario folders are found', () => {
  expect(scenarios).toEqual(expect.arrayContaining(['bridge-lan', 'demo', 'router-on-a-stick', 'routing-two-port']));
});

describe.each(scenarios)('scenario %s', (name) => {
  let first: Produced;
  beforeAll(() => {
    first = produce(name);
  });

  test('replays (no usage error; every input read to its end)', () => {
    expect({ code: first.result.code, stderr: first.stderr }).toEqual({ code: 0, stderr: '' });
    expect(first.result.frames).toBeGreaterThan(0);
    expect(first.files.has('trace.txt')).toBe(true);
  });

  test('matches its golden files in expected/', () => {
    const problems = checkGoldens(name, first.files);
    if (problems.length > 0) throw new Error(`${problems.length} golden file problem(s) in scenario ${name}:\n\n${problems.join('\n\n')}`);
  });

  test('is deterministic: a second replay gives identical bytes', () => {
    const again = produce(name);
    expect([...again.files.keys()]).toEqual([...first.files.keys()]);
    for (const [f, data] of first.files) expect({ f, same: again.files.get(f)!.equals(data) }).toEqual({ f, same: true });
  });
});

describe('runner helpers', () => {
  test('lineDiff marks what was removed and added, with context', () => {
    expect(lineDiff('a\nb\nc\nd\n', 'a\nb\nX\nd\n')).toBe('(line 3; - golden, + now)\n  b\n- c\n+ X\n  d');
    expect(lineDiff('a\n', 'a\nb\n')).toBe('(line 2; - golden, + now)\n  a\n+ b\n  ');
  });

  test('a golden that differs, is missing or is stale is reported, and nothing is written without UPDATE_GOLDEN', () => {
    if (UPDATE) return; // this run writes goldens: the check below would write too
    const name = fs.mkdtempSync(path.join(SCENARIOS, '.runner-selftest-'));
    const base = path.basename(name);
    try {
      fs.mkdirSync(path.join(name, 'expected'));
      fs.writeFileSync(path.join(name, 'expected', 'summary.txt'), 'one\ntwo\n');
      fs.writeFileSync(path.join(name, 'expected', 'ether9.txt'), 'old\n');
      const problems = checkGoldens(base, new Map([['summary.txt', Buffer.from('one\nthree\n')], ['trace.txt', Buffer.from('t\n')]]));
      expect(problems).toHaveLength(3);
      expect(problems[0]).toContain('summary.txt differs');
      expect(problems[0]).toContain('- two\n+ three');
      expect(problems[1]).toContain('trace.txt: golden file missing');
      expect(problems[2]).toContain('ether9.txt: stale golden file');
      expect(fs.readdirSync(path.join(name, 'expected')).sort()).toEqual(['ether9.txt', 'summary.txt']);
    } finally {
      fs.rmSync(name, { recursive: true, force: true });
    }
  });
});
