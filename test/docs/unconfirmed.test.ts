/** docs/unconfirmed.md lists every source file that says it relies on an UNCONFIRMED RouterOS detail. */
import * as fs from 'node:fs';
import * as path from 'node:path';

const ROOT = path.join(__dirname, '..', '..');

function sources(dir: string): string[] {
  const out: string[] = [];
  for (const e of fs.readdirSync(path.join(ROOT, dir), { withFileTypes: true })) {
    const rel = path.join(dir, e.name);
    if (e.isDirectory()) out.push(...sources(rel));
    else if (e.name.endsWith('.ts')) out.push(rel);
  }
  return out;
}

test('every source file mentioning UNCONFIRMED is listed in docs/unconfirmed.md', () => {
  const doc = fs.readFileSync(path.join(ROOT, 'docs', 'unconfirmed.md'), 'utf8');
  const files = ['dataplane', 'control', 'bin'].flatMap(sources).filter((f) => fs.readFileSync(path.join(ROOT, f), 'utf8').includes('UNCONFIRMED'));
  expect(files.length).toBeGreaterThan(5);
  expect(files.filter((f) => !doc.includes(`\`${f.split(path.sep).join('/')}\``))).toEqual([]);
});
