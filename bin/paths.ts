/** Where the project's own files are, whether running from sources (tests) or from dist/ (the command). */
import * as fs from 'node:fs';
import * as path from 'node:path';

let root: string | undefined;

/** The folder holding flowplane's package.json. */
export function projectRoot(): string {
  if (root) return root;
  let dir = __dirname;
  for (;;) {
    const pj = path.join(dir, 'package.json');
    if (fs.existsSync(pj) && JSON.parse(fs.readFileSync(pj, 'utf8')).name === 'flowplane') return (root = dir);
    const up = path.dirname(dir);
    if (up === dir) throw new Error('flowplane: cannot find the project folder (package.json)');
    dir = up;
  }
}

/** The bundled demo scenario that `flowplane replay` runs when given no inputs. */
export function demoScenario(): string {
  return path.join(projectRoot(), 'test', 'scenarios', 'demo');
}

export function packageVersion(): string {
  return JSON.parse(fs.readFileSync(path.join(projectRoot(), 'package.json'), 'utf8')).version;
}
