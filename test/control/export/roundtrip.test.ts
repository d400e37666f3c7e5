/**
 * Round trip on the corpus: for every file that loads, export(load(export(load(f)))) === export(load(f)),
 * and the terse and verbose exports load back to the same configuration. Files that do not load are
 * listed with the loader's first reason (they are the loader's findings, not export's).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { RouterInstance } from '../../../control/instance/router';
import { exportConfig } from '../../../control/store/export';

const CORPUS = path.resolve(__dirname, '../../../../shared/corpus/rsc');
const DATE = new Date(Date.UTC(2026, 0, 1, 10, 0, 0));

function load(text: string, file: string) {
  const r = new RouterInstance();
  const res = r.load(text, file);
  return { router: r, res };
}

const files = fs.readdirSync(CORPUS).filter((f) => f.endsWith('.rsc')).sort();
const results = files.map((f) => {
  const { router, res } = load(fs.readFileSync(path.join(CORPUS, f), 'utf8'), f);
  return { f, router, res };
});
const loadable = results.filter((r) => r.res.ok);
const failing = results.filter((r) => !r.res.ok);

test('the corpus is there, and some of it loads', () => {
  expect(files.length).toBe(33);
  expect(loadable.length).toBeGreaterThanOrEqual(10);
});

describe.each(loadable.map((r) => [r.f, r] as const))('%s', (_name, r) => {
  const e1 = exportConfig(r.router.store, { date: DATE, version: 'test' });

  test('export(load(export(load(f)))) === export(load(f))', () => {
    const again = load(e1, 'export.rsc');
    expect(again.res.errors.map((e) => `${e.line}:${e.col}: ${e.message}`)).toEqual([]);
    expect(exportConfig(again.router.store, { date: DATE, version: 'test' })).toBe(e1);
  });

  test('terse and verbose exports load back to the same configuration', () => {
    for (const form of [{ terse: true }, { verbose: true }]) {
      const text = exportConfig(r.router.store, { date: DATE, version: 'test', ...form });
      const again = load(text, 'export.rsc');
      expect({ form, errors: again.res.errors.map((e) => `${e.line}:${e.col}: ${e.message}`) }).toEqual({ form, errors: [] });
      expect(exportConfig(again.router.store, { date: DATE, version: 'test' })).toBe(e1);
    }
  });

  test('exported lines: at most 80 columns unless a value cannot be cut, continuations indented', () => {
    const lines = e1.split('\n');
    for (let k = 0; k < lines.length; k++) {
      const l = lines[k]!;
      if (l.startsWith('#')) continue;
      if (lines[k - 1]?.endsWith('\\')) expect(l.startsWith('    ')).toBe(true);
      if (l.endsWith('\\')) expect([...l].length).toBeLessThanOrEqual(79);
    }
  });
});

test.each(failing.map((r) => [r.f, `${r.res.errors[0]!.line}:${r.res.errors[0]!.col}: ${r.res.errors[0]!.message}`] as const))(
  '%s does not load (%s): reported with positions, nothing applied',
  (f) => {
    const r = failing.find((x) => x.f === f)!;
    for (const e of r.res.errors) expect(e.line).toBeGreaterThan(0);
    expect(exportConfig(r.router.store, { date: DATE, header: false })).toBe('');
  },
);
