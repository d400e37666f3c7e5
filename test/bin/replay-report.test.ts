/**
 * `flowplane replay --connections --rule-stats` (bin/commands/replay.ts options, printed by
 * dataplane/firewall/report.ts) on the ftp-nat scenario: the connection table as `/ip firewall connection
 * print` shows it and the per-rule counters as `print stats` does, with values worked out from the story
 * (three connections: the FTP control connection and its two related data connections; rule 0 of filter
 * counts the 9 data-connection packets).
 */
import * as path from 'node:path';
import { executeReplay, planFromScenario, type ReplayPlan } from '../../bin/commands/replay-run';
import { replayCommand } from '../../bin/commands/replay';
import { formatDuration } from '../../dataplane/firewall/report';

const DIR = path.join(__dirname, '..', 'scenarios', 'ftp-nat');

function runWith(o: { connections?: boolean; ruleStats?: boolean }): string {
  const plan = planFromScenario(DIR) as ReplayPlan;
  let out = '';
  const res = executeReplay(plan, { summary: true, ...o }, { out: (s) => (out += s), err: () => {} });
  expect(res.code).toBe(0);
  return out;
}

test('--connections prints the flags line, one row per connection and the detail form', () => {
  const out = runWith({ connections: true });
  const at = out.indexOf('/ip firewall connection print');
  expect(at).toBeGreaterThan(0);
  const text = out.slice(at);
  expect(text).toContain('Flags: E - expected, S - seen-reply, A - assured, C - confirmed, D - dying, F - fasttrack, H - hw-offload, s - srcnat, d - dstnat, h - uses-helper');
  expect(text).toMatch(/#\s+PROTOCOL\s+SRC-ADDRESS\s+DST-ADDRESS\s+TCP-STATE\s+TIMEOUT/);
  // The control connection: seen-reply, assured, confirmed, srcnat, helper; it has unacknowledged data (QUIT)
  // so its established timeout is capped at tcp-unacked-timeout 5m.
  expect(text).toMatch(/ 0 SACsh tcp +192\.168\.88\.10:50000 +198\.51\.100\.21:21 +established 5m\n/);
  // The passive data connection: everything acknowledged, 1d.
  expect(text).toMatch(/ 1 SACs +tcp +192\.168\.88\.10:50001 +198\.51\.100\.21:50000 +established 1d\n/);
  expect(text).toMatch(/reply-dst-address=203\.0\.113\.2:50000 tcp-state=established timeout=5m connection-type=ftp orig-packets=6 orig-bytes=\d+ repl-packets=4/);
  expect(out).not.toContain('print stats');
});

test('--rule-stats prints the four tables with chain, action, comment, bytes and packets', () => {
  const out = runWith({ ruleStats: true });
  for (const t of ['raw', 'filter', 'mangle', 'nat']) expect(out).toContain(`/ip firewall ${t} print stats`);
  expect(out).toMatch(/\/ip firewall raw print stats\n \(no rules\)/);
  expect(out).toMatch(/#\s+CHAIN\s+ACTION\s+BYTES\s+PACKETS/);
  expect(out).toMatch(/;;; FTP data connections\n +0 +forward accept +\d+ +9\n/);
  expect(out).toMatch(/;;; nothing else\n +4 +forward drop +0 +0\n/);
  // masquerade counted once: only the control connection's first packet walked srcnat (the data
  // connections were NATed by their expectation).
  expect(out).toMatch(/ 0 +srcnat masquerade +\d+ +1\n/);
});

test('the usage text documents both options', () => {
  expect(replayCommand.usage).toContain('--connections');
  expect(replayCommand.usage).toContain('--rule-stats');
});

test('durations print as RouterOS does', () => {
  expect(formatDuration(86400)).toBe('1d');
  expect(formatDuration(86399)).toBe('23h59m59s');
  expect(formatDuration(299.5)).toBe('5m');
  expect(formatDuration(0)).toBe('0s');
  expect(formatDuration(-3)).toBe('0s');
});

test('--log prints /log print after the summary: the config load, then each firewall log line at the capture clock', () => {
  const plan = planFromScenario(path.join(__dirname, '..', 'scenarios', 'ssh-bruteforce')) as ReplayPlan;
  let out = '';
  const res = executeReplay(plan, { summary: true, log: true }, { out: (s) => (out += s), err: () => {} });
  expect(res.code).toBe(0);
  const at = out.indexOf('\n/log print\n');
  expect(at).toBeGreaterThan(0);
  const rows = out.slice(at).split('\n').slice(2).filter((l) => l !== '');
  expect(rows[0]).toMatch(/^ TIME +TOPICS +MESSAGE$/);
  expect(rows[1]).toMatch(/ system,info +configuration .*config\.rsc loaded$/);
  // The scenario's two logged drops (test/scenarios/ssh-bruteforce.test.ts), with the rule's prefix.
  const fw = rows.filter((l) => / firewall,info /.test(l));
  expect(fw).toHaveLength(2);
  for (const l of fw) expect(l).toMatch(/^ \d{4}-\d\d-\d\d \d\d:\d\d:\d\d  firewall,info +bl_ssh input: in:\S+ out:\(unknown 0\), connection-state:new src-mac [0-9a-f:]{17}, proto TCP \(SYN\), 192\.168\.88\.66:\d+->\S+:22, len \d+$/);
  expect(replayCommand.usage).toContain('--log');
});

test('without --log nothing of the log is printed', () => {
  expect(runWith({})).not.toContain('/log print');
});
