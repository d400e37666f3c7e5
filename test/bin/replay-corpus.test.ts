/**
 * Corpus sweep through `flowplane replay`'s own code path (bin/commands/replay-run.ts executeReplay, with
 * --out-dir and --trace-format json): every capture of the third-party corpus (read in place from
 * shared/corpus/pcap) replayed into
 *   (a) a router: routing-two-port's config plus a default route (frames for the router's MAC are routed,
 *       the others end as not-for-router), and
 *   (b) a bridge: ether1..ether8 in one bridge with an address on the bridge (frames are learned, flooded,
 *       forwarded, or go up to the router),
 * one capture at a time on ether1, then (b) with all captures at once, capture i on ether(i mod 8 + 1)
 * (merged on their clocks, years apart). Every input frame must end with a final fate — sent out, delivered,
 * or dropped with a named reason — with no exception, exit status 0, readable output captures, and the trace,
 * the summary and the counters agreeing. test/dataplane/flow/corpus.test.ts sweeps the flow itself (also with
 * destination MACs rewritten to the router's); this one sweeps the command.
 *
 * The fate counts per capture are written to $FLOWPLANE_CORPUS_LOG when it is set.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { executeReplay, type ReplayPlan } from '../../bin/commands/replay-run';
import { countRecords, openCapture } from '../../pcap/reader';
import { DROP_NAMES } from '../../dataplane/drop';
import { CORPUS_PCAP } from '../corpus-path';

const ROOT = path.resolve(__dirname, '../..');
const CORPUS = CORPUS_PCAP;
const files = fs.existsSync(CORPUS) ? fs.readdirSync(CORPUS).filter((f) => /\.pcap(ng)?$/.test(f)).sort() : [];

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'fp-corpus-'));
const routerConfig = path.join(tmp, 'router.rsc');
fs.writeFileSync(
  routerConfig,
  fs.readFileSync(path.join(ROOT, 'test/scenarios/routing-two-port/config.rsc'), 'utf8') + '/ip route\nadd dst-address=0.0.0.0/0 gateway=10.0.2.254\n',
);
const bridgeConfig = path.join(tmp, 'bridge.rsc');
fs.writeFileSync(
  bridgeConfig,
  [
    '/interface bridge',
    'add name=bridge1 admin-mac=02:00:00:00:b0:01 auto-mac=no',
    '/interface bridge port',
    ...Array.from({ length: 8 }, (_, i) => `add bridge=bridge1 interface=ether${i + 1}`),
    '/ip address',
    'add address=192.168.1.1/24 interface=bridge1',
    '',
  ].join('\n'),
);

afterAll(() => {
  fs.rmSync(tmp, { recursive: true, force: true });
  if (process.env.FLOWPLANE_CORPUS_LOG) fs.writeFileSync(process.env.FLOWPLANE_CORPUS_LOG, report.join('\n') + '\n');
});

const report: string[] = [];
const FINAL_KINDS = new Set(['tx', 'local', 'drop']);

/** Replay a plan as the command does and check every invariant; returns the fate counts. */
function sweep(label: string, config: string, inputs: { iface: string; file: string }[]): Record<string, number> {
  const dir = fs.mkdtempSync(path.join(tmp, 'run-'));
  const plan: ReplayPlan = { title: label, config, inputs };
  let stderr = '';
  const tracePath = path.join(dir, 'trace.jsonl');
  const res = executeReplay(plan, { outDir: path.join(dir, 'out'), trace: tracePath, traceFormat: 'json', summary: true }, { out: () => {}, err: (s) => (stderr += s) });
  expect({ code: res.code, stderr }).toEqual({ code: 0, stderr: '' });
  const records = inputs.reduce((n, i) => n + countRecords(i.file).records, 0);
  expect(res.frames).toBe(records);

  // One trace line per input frame, in serial order, each with a final fate.
  const lines = fs.readFileSync(tracePath, 'utf8').trimEnd().split('\n').map((l) => JSON.parse(l));
  expect(lines.map((l) => l.serial)).toEqual(Array.from({ length: records }, (_, i) => i + 1));
  const counts: Record<string, number> = {};
  for (const l of lines) {
    expect(FINAL_KINDS.has(l.fate.kind)).toBe(true);
    if (l.fate.kind === 'drop') expect(DROP_NAMES.slice(1)).toContain(l.fate.reason);
    expect(l.steps.length).toBeGreaterThan(0);
    const k = l.fate.kind === 'drop' ? `drop ${l.fate.reason}` : l.fate.kind === 'tx' ? `tx ${l.fate.interface}` : 'local';
    counts[k] = (counts[k] ?? 0) + 1;
  }

  // The summary agrees with the trace.
  const tx = lines.filter((l) => l.fate.kind === 'tx').length;
  const local = lines.filter((l) => l.fate.kind === 'local').length;
  expect(res.summary).toContain(`fates: ${tx} sent out, ${local} delivered to the router, ${records - tx - local} dropped`);
  expect(res.summary).not.toContain('without a final fate');

  // Output captures read back whole, and hold what the summary says each interface transmitted.
  const outDir = path.join(dir, 'out');
  const written: string[] = [];
  for (const f of fs.existsSync(outDir) ? fs.readdirSync(outDir).sort() : []) {
    const c = openCapture(path.join(outDir, f));
    let n = 0;
    while (c.next()) n++;
    expect(c.error).toBeNull();
    c.close();
    written.push(`${f.replace(/\.pcap$/, '')} ${n}`);
  }
  expect(res.summary).toContain(`transmitted: ${written.join(', ') || 'nothing'}`);
  report.push(`${label}: ${records} frames: ${Object.entries(counts).sort().map(([k, v]) => `${k} ${v}`).join(', ')}`);
  fs.rmSync(dir, { recursive: true });
  return counts;
}

test('the corpus is there', () => {
  expect(files.length).toBeGreaterThan(10);
});

describe('router (routing-two-port + default route), each capture on ether1', () => {
  test.each(files)('%s', (f) => {
    const counts = sweep(`router ${f}`, routerConfig, [{ iface: 'ether1', file: path.join(CORPUS, f) }]);
    // Cooked captures are converted at the port, never dropped for their link type.
    expect(counts['drop unsupported-link-type']).toBeUndefined();
  });
});

describe('bridge (ether1..ether8, 192.168.1.1/24 on the bridge), each capture on ether1', () => {
  test.each(files)('%s', (f) => {
    const counts = sweep(`bridge ${f}`, bridgeConfig, [{ iface: 'ether1', file: path.join(CORPUS, f) }]);
    expect(counts['drop unsupported-link-type']).toBeUndefined();
    // A bridge port takes any well-formed frame: none is for another MAC or an unknown ethertype here.
    expect(counts['drop not-for-router']).toBeUndefined();
  });

  test('all captures at once, capture i on ether(i mod 8 + 1)', () => {
    const inputs = files.map((f, i) => ({ iface: `ether${(i % 8) + 1}`, file: path.join(CORPUS, f) }));
    const counts = sweep('bridge, all captures at once', bridgeConfig, inputs);
    expect(Object.values(counts).reduce((a, b) => a + b, 0)).toBe(inputs.reduce((n, i) => n + countRecords(i.file).records, 0));
  });
});
