/**
 * `/execute`: run a script sent through an API (REST `POST /rest/execute {"script": ..., "as-string": ""}`,
 * the binary API's `/execute =script=... =as-string=`), as RouterOS 7 does (ROUTEROS-FLOW §9).
 *
 * - With `as-string` (any value, even `false`: it is its presence that counts) the call waits and answers
 *   what the script printed (`:put`, `print`, `export`, as the console shows them) as `ret`, lines joined
 *   by a newline, the last one without it.
 * - Without it the script runs in the background as a `/system script job` (control/instance/script-jobs.ts)
 *   and the answer is the job's id (`ret=*1`); what it prints goes nowhere, its errors go to the log
 *   (`script,error`).
 *
 * The script runs as a console line does (RouterInstance.runConsoleLine, formatted by the Console): one
 * step, all of it or nothing. That differs from RouterOS, whose scripts apply command by command up to an
 * error. A script's error answers `as-string` with a trap (category 3, scripting) whose message is the
 * console's error text (`bad command name foo (line 1 column 1)`).
 *
 * Rights: the user needs `read`, `write` and `test` (the policies RouterOS's default `write` group has).
 * RouterOS checks each command of a script against the user's policies as it runs; flowplane's executor
 * does not know policies, so it asks for all that a script could need up front.
 *
 * UNCONFIRMED: the error of a failed `as-string` script (trap category 3, the console's message), the
 * newline between output lines, the policies asked for up front.
 */
import { Console, type ConsoleBackend, consoleError } from '../console/console';
import type { RouterInstance } from '../instance/router';
import type { ApiResult, ApiUser } from './commands';

/** Policies `/execute` asks for. */
export const EXECUTE_POLICIES = ['read', 'write', 'test'] as const;

/** What a script run said: its output, and the console's error text when it failed. */
export interface ScriptRun {
  readonly ok: boolean;
  readonly output: string;
  readonly error?: string;
}

/** Run `script` as `user` on the router now (as the console would) and say what it printed. */
export function runScriptText(router: RouterInstance, user: ApiUser, script: string): ScriptRun {
  let failed: readonly { message: string; line: number; col: number }[] = [];
  // The console formats print/export and words errors; this backend notes whether the script applied.
  const backend: ConsoleBackend = {
    store: router.store,
    log: router.log,
    runConsoleLine: (line, menu, opts) => {
      const r = router.runConsoleLine(line, menu, opts);
      failed = r.ok ? [] : r.errors;
      return r;
    },
  };
  const out = new Console(backend, { user: user.name, registry: router.registry, ...(router.counters ? { counters: router.counters } : {}) }).execute(script);
  const text = out.text.endsWith('\n') ? out.text.slice(0, -1) : out.text;
  if (failed.length === 0) return { ok: true, output: text };
  return { ok: false, output: text, error: consoleError(failed[0]!) };
}

/** The `/execute` command: `script=` (required), `as-string` (present = wait for the output). */
export function executeCommand(router: RouterInstance, user: ApiUser, attrs: ReadonlyArray<readonly [string, string]>): ApiResult {
  if (!EXECUTE_POLICIES.every((p) => user.policies.has(p))) return { ok: false, category: 4, message: 'not enough permissions (9)' };
  let script: string | undefined;
  let asString = false;
  for (const [k, v] of attrs) {
    if (k === 'script') script = v;
    else if (k === 'as-string') asString = true;
    else if (k.startsWith('.')) continue;
    else return { ok: false, category: 1, message: `unknown parameter ${k}` };
  }
  if (script === undefined) return { ok: false, category: 1, message: 'missing =script=' };
  if (asString) {
    const r = runScriptText(router, user, script);
    if (!r.ok) return { ok: false, category: 3, message: r.error! };
    return { ok: true, rows: [], ret: r.output, listed: false };
  }
  const source = script;
  const id = router.jobs.start(user.name, source, () => {
    const r = runScriptText(router, user, source);
    if (!r.ok) router.log.log(router.logTime, 'script,error', `executing script from ${user.name} failed: ${r.error}`);
  });
  return { ok: true, rows: [], ret: id, listed: false };
}
