/**
 * `/log print` in the console (control/console/console.ts logPrint) over the router's memory log
 * (control/instance/log.ts): config-load lines, script `:log` from a load and from a console line, a firewall
 * line as the flow's sink writes it, `where topics~"..."`, `print` inside `/log`, and the bounded ring.
 */
import { Console } from '../../../control/console/console';
import { RouterInstance } from '../../../control/instance/router';
import { RouterLog } from '../../../control/instance/log';

const T = 1_767_261_600; // 2026-01-01 10:00:00 UTC

function session() {
  const router = new RouterInstance({ ethernetPorts: 2 });
  const con = new Console(router, { now: () => new Date(T * 1000), version: '0.1.0' });
  return { router, con, run: (line: string): string => con.execute(line).text };
}

test('/log print: TIME TOPICS MESSAGE, oldest first, from loads, :log and the flow', () => {
  const { router, run } = session();
  router.logTime = T;
  const r = router.load(':log info "config starting"\n/ip address add address=10.0.0.1/24 interface=ether1\n', 'boot.rsc');
  expect(r.ok).toBe(true);
  router.log.log(T + 5, 'firewall,info', 'forward: in:ether1 out:ether2, proto UDP, 10.0.0.2:1->10.0.1.2:2, len 29');
  run(':log warning "from the console"');
  expect(run('/log print')).toBe(
    [
      ' TIME                 TOPICS          MESSAGE',
      ' 2026-01-01 10:00:00  script,info     config starting',
      ' 2026-01-01 10:00:00  system,info     configuration boot.rsc loaded',
      ' 2026-01-01 10:00:05  firewall,info   forward: in:ether1 out:ether2, proto UDP, 10.0.0.2:1->10.0.1.2:2, len 29',
      ' 2026-01-01 10:00:00  script,warning  from the console',
      '',
    ].join('\n'),
  );
  expect(run('/log print where topics~"firewall"')).toBe(
    [' TIME                 TOPICS         MESSAGE', ' 2026-01-01 10:00:05  firewall,info  forward: in:ether1 out:ether2, proto UDP, 10.0.0.2:1->10.0.1.2:2, len 29', ''].join('\n'),
  );
  run('/log');
  expect(run('print where topics~"^script"').split('\n').slice(1, -1).map((l) => l.trim().split(/\s+/)[2])).toEqual(['script,info', 'script,warning']);
  expect(run('print where topics~"("')).toMatch(/^invalid regular expression/);
});

test('load warnings are logged as system,warning with their position', () => {
  const { router, run } = session();
  router.load('/ip address add address=10.0.0.1/24 interface=ether1\n/ip hotspot add name=x\n', 'w.rsc');
  const out = run('/log print where topics~"warning"');
  expect(out.split('\n')).toHaveLength(3);
  expect(out).toMatch(/system,warning +w\.rsc:2:\d+: /);
});

test('the memory log keeps the newest lines (memory-lines)', () => {
  const log = new RouterLog(3);
  for (let i = 0; i < 5; i++) log.log(T + i, 'firewall,info', `line ${i}`);
  expect(log.entries().map((e) => e.message)).toEqual(['line 2', 'line 3', 'line 4']);
  log.setLines(2);
  expect(log.entries().map((e) => e.message)).toEqual(['line 3', 'line 4']);
  log.log(T, 'x', 'line 5');
  expect(log.entries().map((e) => e.message)).toEqual(['line 4', 'line 5']);
});
