/**
 * `flowplane console` as users run it: a script of console lines on piped stdin, and one session in a
 * pseudo-terminal (util-linux `script`) for the prompt and Tab completion.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

const ROOT = path.resolve(__dirname, '../..');
const BIN = path.join(ROOT, 'bin', 'flowplane');

function consoleRun(input: string, args: string[] = []) {
  const r = spawnSync(process.execPath, [BIN, 'console', ...args], { cwd: ROOT, input, encoding: 'utf8', timeout: 60_000, env: { ...process.env, SOURCE_DATE_EPOCH: '1767261600' } });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

beforeAll(() => {
  if (!fs.existsSync(path.join(ROOT, 'dist', 'bin', 'cli.js'))) throw new Error('dist/ is not built: run `npm run build` (npm test does it)');
});

test('piped stdin: add a rule, print it (flags, numbers), move it, disable it, export', () => {
  const script = [
    '/ip firewall filter',
    'add chain=input action=drop protocol=icmp comment="no ping"',
    'add chain=forward action=accept',
    'print',
    'move 1 0',
    'disable 0',
    'print',
    'export',
    'add chain=input action=nope',
    'quit',
    'print',
  ].join('\n');
  const r = consoleRun(script + '\n');
  expect(r.err).toBe('');
  expect(r.code).toBe(0);
  expect(r.out).toBe(
    [
      'Flags: X - disabled, I - invalid; D - dynamic',
      ' 0    ;;; no ping',
      '      chain=input action=drop protocol=icmp',
      ' 1    chain=forward action=accept',
      'Flags: X - disabled, I - invalid; D - dynamic',
      ' 0 X  chain=forward action=accept',
      ' 1    ;;; no ping',
      '      chain=input action=drop protocol=icmp',
      '# 2026-01-01 10:00:00 by flowplane 0.1.0 (RouterOS 7.19 syntax)',
      '# software id = ',
      '#',
      '/ip firewall filter',
      'add action=accept chain=forward disabled=yes',
      'add action=drop chain=input comment="no ping" protocol=icmp',
      'input does not match any value of action (line 1 column 24)',
      '',
    ].join('\n'),
  );
});

test('console FILE loads it first; a file with errors is reported and the console does not start', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fp-console-'));
  try {
    const good = path.join(dir, 'good.rsc');
    fs.writeFileSync(good, '/system identity set name=edge\n/ip address add address=10.0.0.1/24 interface=ether1\n');
    const r = consoleRun(':put [/system identity get name]\n/ip address print count-only\n', [good]);
    expect(r.code).toBe(0);
    expect(r.out).toBe('edge\n1\n');
    const bad = path.join(dir, 'bad.rsc');
    fs.writeFileSync(bad, '/ip address add address=10.0.0.300/24 interface=ether1\n');
    const b = consoleRun('print\n', [bad]);
    expect(b.code).toBe(1);
    expect(b.out).toBe('');
    expect(b.err).toMatch(/bad\.rsc:1:\d+: error: address: /);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

const hasScript = spawnSync('script', ['--version'], { encoding: 'utf8' }).status === 0;

(hasScript ? test : test.skip)('pseudo-terminal: prompt with the menu, Tab completes a property name, ? shows help', () => {
  // Keystrokes with pauses so readline sees them as typed; `script` gives the console a terminal.
  const keys = [
    ['/ip firewall filter\r', 0.6],
    ['add chain=input act\t', 0.4],
    ['drop protocol=icmp\r', 0.4],
    ['add ?', 0.4],
    ['\\025print\r', 0.4],
    ['quit\r', 0.4],
  ] as const;
  // printf's format turns \r and \t into the keys (Enter, Tab).
  const feed = keys.map(([k, d]) => `sleep ${d}; printf '${k.replace(/\r/g, '\\r').replace(/\t/g, '\\t')}'`).join('; ');
  const sh = `(${feed}; sleep 0.5) | script -qfec "${process.execPath} ${BIN} console" /dev/null`;
  const r = spawnSync('sh', ['-c', sh], { cwd: ROOT, encoding: 'utf8', timeout: 30_000, env: { ...process.env, COLUMNS: '100', LINES: '40' } });
  // eslint-disable-next-line no-control-regex
  const plain = r.stdout.replace(/\x1b\[[0-9;]*[A-Za-z]/g, '').replace(/\r/g, '');
  expect(plain).toContain('[admin@MikroTik] > ');
  expect(plain).toContain('[admin@MikroTik] /ip firewall filter> ');
  // Tab turned `act` into `action=`, so the rule has action=drop.
  expect(plain).toContain('add chain=input action=drop protocol=icmp');
  expect(plain).toContain(' 0    chain=input action=drop protocol=icmp');
  // `?` answered at once (no Enter) with the arguments of add; Ctrl-U then cleared the line.
  expect(plain).toMatch(/add -- create a new item\n/);
  expect(plain).toMatch(/\nplace-before +-- /);
});
