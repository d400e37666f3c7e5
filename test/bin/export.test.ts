/** `flowplane export` as users run it (the built dist/ code in a child process). */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { CORPUS_RSC } from '../corpus-path';

const ROOT = path.resolve(__dirname, '../..');
const BIN = path.join(ROOT, 'bin', 'flowplane');
const CORPUS = CORPUS_RSC;

function flowplane(args: string[], env: Record<string, string> = {}) {
  const r = spawnSync(process.execPath, [BIN, ...args], { cwd: ROOT, encoding: 'utf8', timeout: 60_000, env: { ...process.env, ...env } });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

let dir: string;
beforeAll(() => {
  if (!fs.existsSync(path.join(ROOT, 'dist', 'bin', 'cli.js'))) throw new Error('dist/ is not built: run `npm run build` (npm test does it)');
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fp-export-'));
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

const CONFIG = `/interface bridge add name=bridge1
/interface ethernet set [ find default-name=ether2 ] name=wan
/ip address
add address=192.168.88.1/24 interface=bridge1 comment=defconf network=192.168.88.0
/ip firewall filter
add chain=input action=accept connection-state=established,related,untracked comment="defconf: accept established,related,untracked"
add chain=input action=drop in-interface=wan disabled=yes
/ip dhcp-server add name=defconf interface=bridge1
/system identity set name=lab
`;

test('prints the RouterOS export layout; SOURCE_DATE_EPOCH fixes the header date', () => {
  const f = path.join(dir, 'ok.rsc');
  fs.writeFileSync(f, CONFIG);
  const r = flowplane(['export', f], { SOURCE_DATE_EPOCH: '1767261600' });
  expect(r.err).toBe('');
  expect(r.code).toBe(0);
  expect(r.out).toBe(
    [
      '# 2026-01-01 10:00:00 by flowplane 0.1.0 (RouterOS 7.19 syntax)',
      '# software id = ',
      '#',
      '/interface bridge',
      'add name=bridge1',
      '/interface ethernet',
      'set [ find default-name=ether2 ] name=wan',
      '/ip address',
      'add address=192.168.88.1/24 comment=defconf interface=bridge1 network=\\',
      '    192.168.88.0',
      '/ip firewall filter',
      'add action=accept chain=input comment=\\',
      '    "defconf: accept established,related,untracked" connection-state=\\',
      '    established,related,untracked',
      'add action=drop chain=input disabled=yes in-interface=wan',
      '/system identity',
      'set name=lab',
      '/ip dhcp-server',
      'add name=defconf interface=bridge1',
      '',
    ].join('\n'),
  );
});

test('--terse puts the menu on every line; --verbose adds defaults; the date defaults to the file mtime', () => {
  const f = path.join(dir, 'forms.rsc');
  fs.writeFileSync(f, CONFIG);
  fs.utimesSync(f, new Date('2025-05-31T13:46:45Z'), new Date('2025-05-31T13:46:45Z'));
  const env = { SOURCE_DATE_EPOCH: '' };
  const terse = flowplane(['export', f, '--terse'], env);
  expect(terse.code).toBe(0);
  expect(terse.out.split('\n')[0]).toBe('# 2025-05-31 13:46:45 by flowplane 0.1.0 (RouterOS 7.19 syntax)');
  expect(terse.out).toContain('\n/ip firewall filter add action=drop chain=input disabled=yes in-interface=wan\n');
  for (const l of terse.out.trimEnd().split('\n')) expect(l.startsWith('/') || l.startsWith('#')).toBe(true);
  const verbose = flowplane(['export', f, '--verbose'], env);
  expect(verbose.code).toBe(0);
  expect(verbose.out).toMatch(/\nadd action=drop address-list-timeout=none-dynamic chain=input disabled=yes \\\n    in-interface=wan log=no log-prefix="" /);
  expect(verbose.out).toContain('/ip settings\nset ');
});

test('a config with errors: file:line:col: error: ..., nothing printed, exit 1', () => {
  const f = path.join(dir, 'bad.rsc');
  fs.writeFileSync(f, '/ip address add address=10.0.0.1/24 interface=ether1\n/ip firewall filter add chain=input action=dorp\n');
  const r = flowplane(['export', f]);
  expect(r.code).toBe(1);
  expect(r.out).toBe('');
  expect(r.err).toMatch(new RegExp(`^${f.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:2:\\d+: error: action: `));
  expect(r.err).toContain('nothing exported');
});

test('usage errors exit 2', () => {
  expect(flowplane(['export']).code).toBe(2);
  expect(flowplane(['export', path.join(dir, 'missing.rsc')]).err).toContain('no such file');
  expect(flowplane(['export', 'a.rsc', '--frob']).code).toBe(2);
  expect(flowplane(['export', '--help']).out).toContain('usage: flowplane export FILE.rsc');
});

test('a corpus export (RouterOS 7.16) comes back out with the same layout', () => {
  const f = path.join(CORPUS, 'feichay10__Final-Degree-Project__config_devices_complete_network_CE1_complete.rsc');
  const r = flowplane(['export', f], { SOURCE_DATE_EPOCH: '0' });
  expect(r.code).toBe(0);
  const original = fs.readFileSync(f, 'utf8').replace(/\r/g, '');
  // Every line of the original's /interface vlan and /ip address sections is printed identically.
  for (const menu of ['/interface vlan', '/ip address', '/interface bridge port']) {
    const section = (text: string) => {
      const lines = text.split('\n');
      const at = lines.indexOf(menu);
      const end = lines.findIndex((l, k) => k > at && l.startsWith('/'));
      return lines.slice(at, end).join('\n');
    };
    expect(section(r.out)).toBe(section(original));
  }
});
