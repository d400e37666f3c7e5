/**
 * Third-party tools the API tests drive (curl, python3-librouteros, openssl). A missing tool fails the test
 * in CI (CI=true) and skips it with a printed reason elsewhere.
 */
import { spawnSync } from 'node:child_process';

export function haveTool(cmd: string, args: string[]): boolean {
  const r = spawnSync(cmd, args, { encoding: 'utf8' });
  return r.status === 0;
}

/** A python3 that can import librouteros (Debian's python3-librouteros lives with /usr/bin/python3). */
export function librouterosPython(): string | undefined {
  for (const p of ['/usr/bin/python3', 'python3']) if (haveTool(p, ['-c', 'import librouteros'])) return p;
  return undefined;
}

/** `test` when the tool is there; in CI a failing test when it is not; else a skip with the reason printed. */
export function withTool(present: boolean, what: string): jest.It {
  if (present) return test;
  if (process.env['CI'] === 'true') {
    return ((name: string) => test(name, () => {
      throw new Error(`${what} is missing (bin/setup installs it)`);
    })) as unknown as jest.It;
  }
  // eslint-disable-next-line no-console
  console.log(`skipping tests that need ${what}: not installed here (bin/setup installs it)`);
  return test.skip;
}
