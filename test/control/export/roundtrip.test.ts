/**
 * Round trip on the corpus: for every file that loads, export(load(export(load(f)))) === export(load(f)),
 * and the terse and verbose exports load back to the same configuration. Files that do not load as full
 * imports are loaded as fragments (`--fragment`: names they do not define are assumed to exist) and round
 * trip the same way; files that do not load even so are listed with the loader's first reason.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { RouterInstance } from '../../../control/instance/router';
import { exportConfig } from '../../../control/store/export';
import { CORPUS_RSC } from '../../corpus-path';

const CORPUS = CORPUS_RSC;
const DATE = new Date(Date.UTC(2026, 0, 1, 10, 0, 0));

function load(text: string, file: string, fragment = false) {
  const r = new RouterInstance();
  const res = r.load(text, file, fragment ? { fragment: true } : {});
  return { router: r, res, fragment };
}

const files = fs.readdirSync(CORPUS).filter((f) => f.endsWith('.rsc')).sort();
const results = files.map((f) => {
  const text = fs.readFileSync(path.join(CORPUS, f), 'utf8');
  const full = load(text, f);
  const { router, res, fragment } = full.res.ok ? full : load(text, f, true);
  return { f, router, res, fragment };
});
const loadable = results.filter((r) => r.res.ok);
const failing = results.filter((r) => !r.res.ok);

test('the corpus is there, and most of it loads (as a full import or as a fragment)', () => {
  expect(files.length).toBe(33);
  console.log(`round trip: ${loadable.filter((r) => !r.fragment).length} files as full imports, ${loadable.filter((r) => r.fragment).length} as fragments; ${failing.length} do not load: ${failing.map((r) => r.f).join(', ')}`);
  expect(loadable.length).toBeGreaterThanOrEqual(25);
});

describe.each(loadable.map((r) => [`${r.f}${r.fragment ? ' (as a fragment)' : ''}`, r] as const))('%s', (_name, r) => {
  const e1 = exportConfig(r.router.store, { date: DATE, version: 'test' });

  test('export(load(export(load(f)))) === export(load(f))', () => {
    const again = load(e1, 'export.rsc', r.fragment);
    expect(again.res.errors.map((e) => `${e.line}:${e.col}: ${e.message}`)).toEqual([]);
    expect(exportConfig(again.router.store, { date: DATE, version: 'test' })).toBe(e1);
  });

  test('terse and verbose exports load back to the same configuration', () => {
    for (const form of [{ terse: true }, { verbose: true }]) {
      const text = exportConfig(r.router.store, { date: DATE, version: 'test', ...form });
      const again = load(text, 'export.rsc', r.fragment);
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
