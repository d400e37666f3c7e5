/**
 * `npm run bench`: runs every micro-benchmark in bench/micro/ (or those whose file or case name contains
 * one of the command-line words) and prints a table of rates. Numbers, not assertions: targets are shown
 * next to the measured rate so a regression is visible, but nothing fails.
 */
import Benchmark from 'benchmark';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { sink, type BenchCase, type AddBench } from './harness';

export interface BenchResult {
  name: string;
  unit: string;
  perSecond: number;
  nsPerItem: number;
  rme: number;
  target?: number;
}

/** Run the given cases and return their results (used by `npm run bench` and `flowplane bench`). */
export function runCases(cases: BenchCase[], opts: { maxTime?: number } = {}): BenchResult[] {
  const results: BenchResult[] = [];
  for (const c of cases) {
    const b = new Benchmark(c.name, c.fn, { maxTime: c.sampling?.maxTime ?? opts.maxTime ?? 1.5, minSamples: c.sampling?.minSamples ?? 10 });
    b.run();
    if (b.error) throw b.error;
    const perSecond = b.hz * c.itemsPerCall;
    const r: BenchResult = { name: c.name, unit: c.unit, perSecond, nsPerItem: 1e9 / perSecond, rme: b.stats.rme };
    if (c.target !== undefined) r.target = c.target;
    results.push(r);
  }
  return results;
}

function human(n: number): string {
  if (n >= 1e9) return (n / 1e9).toFixed(2) + ' G';
  if (n >= 1e6) return (n / 1e6).toFixed(2) + ' M';
  if (n >= 1e3) return (n / 1e3).toFixed(2) + ' k';
  return n.toFixed(1) + ' ';
}

export function formatResults(results: BenchResult[]): string {
  const lines = [`${'case'.padEnd(48)} ${'rate'.padStart(18)} ${'ns/item'.padStart(9)} ${'±%'.padStart(6)}  target`];
  for (const r of results) {
    const rate = `${human(r.perSecond)}${r.unit}/s`;
    let t = '';
    if (r.target !== undefined) t = `${human(r.target)}${r.unit}/s ${r.perSecond >= r.target ? 'MET' : 'BELOW'}`;
    lines.push(`${r.name.padEnd(48)} ${rate.padStart(18)} ${r.nsPerItem.toFixed(1).padStart(9)} ${r.rme.toFixed(1).padStart(6)}  ${t}`);
  }
  return lines.join('\n');
}

/** Load cases from the compiled bench/micro folder, filtered by words in file or case names. */
export function loadMicroCases(filters: string[] = []): BenchCase[] {
  const dir = path.join(__dirname, 'micro');
  const cases: BenchCase[] = [];
  for (const f of fs.readdirSync(dir).filter((f) => f.endsWith('.js')).sort()) {
    const mod = require(path.join(dir, f)) as { register?: (add: AddBench) => void };
    if (typeof mod.register !== 'function') continue;
    const fileName = f.replace(/\.js$/, '');
    mod.register((name, fn, itemsPerCall, unit, target, sampling) => {
      const full = `${fileName}: ${name}`;
      if (filters.length && !filters.some((w) => full.includes(w))) return;
      const c: BenchCase = { name: full, fn, itemsPerCall, unit };
      if (target !== undefined) c.target = target;
      if (sampling !== undefined) c.sampling = sampling;
      cases.push(c);
    });
  }
  return cases;
}

if (require.main === module) {
  const cases = loadMicroCases(process.argv.slice(2));
  console.log(`node ${process.version}, ${cases.length} cases`);
  const results = runCases(cases);
  console.log(formatResults(results));
  if (sink.n === 0.5) console.log(''); // keep sink observable
}
