/**
 * `flowplane check` as users run it: bin/flowplane (the built dist/ code) in a child process.
 * `npm test` builds first.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

const ROOT = path.resolve(__dirname, '../..');
const BIN = path.join(ROOT, 'bin', 'flowplane');
let dir: string;

function flowplane(...args: string[]) {
  const r = spawnSync(process.execPath, [BIN, ...args], { cwd: dir, encoding: 'utf8', timeout: 60_000 });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

function write(name: string, text: string): string {
  fs.writeFileSync(path.join(dir, name), text);
  return name;
}

beforeAll(() => {
  if (!fs.existsSync(path.join(ROOT, 'dist', 'bin', 'cli.js'))) throw new Error('dist/ is not built: run `npm run build` (npm test does it)');
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'flowplane-check-'));
});

afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

test('a good file: exit 0, warnings for unsupported menus, a summary line', () => {
  const f = write(
    'good.rsc',
    [
      '/interface bridge add name=br-lan',
      '/interface bridge port add bridge=br-lan interface=ether2',
      '/ip address add address=192.168.88.1/24 interface=br-lan',
      '/ip dhcp-server add name=dhcp1 interface=br-lan',
      '/ip firewall filter add chain=input action=accept connection-state=established,related',
      '',
    ].join('\n'),
  );
  const r = flowplane('check', f);
  expect(r.err).toBe('');
  expect(r.code).toBe(0);
  expect(r.out).toBe(
    'good.rsc:4:1: warning: menu /ip dhcp-server is not modelled by flowplane: kept, not applied\n' +
      '5 commands: 4 accepted, 1 warned (unsupported menu), 0 errors\n',
  );
});

test('a file with errors: exit 1, file:line:col for each, nothing applied', () => {
  const f = write('bad.rsc', '/ip firewall filter\nadd chain=input action=dorp\nadd chain=forward in-interface=ether99\n');
  const r = flowplane('check', f);
  expect(r.code).toBe(1);
  const lines = r.out.split('\n');
  expect(lines).toHaveLength(4);
  expect(lines[0]).toMatch(/^bad\.rsc:2:24: error: action: expected one of accept, .*, found 'dorp'$/);
  expect(lines[1]).toBe("bad.rsc:3:19: error: in-interface=ether99: no interface named 'ether99' (did you mean ether1?)");
  expect(lines[2]).toBe('2 commands: 0 accepted, 0 warned (unsupported menu), 2 errors (2 problems; nothing applied)');
  expect(lines[3]).toBe('');
});

test('--strict makes unsupported menus errors; --ethernet-ports sets the ports', () => {
  const f = write('strict.rsc', '/ip dhcp-client add interface=ether1\n/interface ethernet set ether12 mtu=1400\n');
  expect(flowplane('check', f, '--ethernet-ports', '12').code).toBe(0);
  const r = flowplane('check', '--strict', f, '--ethernet-ports', '12');
  expect(r.code).toBe(1);
  expect(r.out).toContain('strict.rsc:1:1: error: menu /ip dhcp-client is not modelled by flowplane (--strict)');
  expect(flowplane('check', f).out).toContain("strict.rsc:2:25: error: no such item 'ether12' in /interface ethernet");
});

test('usage errors exit 2', () => {
  expect(flowplane('check').code).toBe(2);
  expect(flowplane('check', 'a.rsc', 'b.rsc').code).toBe(2);
  expect(flowplane('check', '--bogus', 'a.rsc').code).toBe(2);
  expect(flowplane('check', 'missing.rsc').err).toContain('cannot read missing.rsc: no such file');
  expect(flowplane('check', '--ethernet-ports', 'x', 'a.rsc').code).toBe(2);
  const h = flowplane('check', '--help');
  expect(h.code).toBe(0);
  expect(h.out).toContain('usage: flowplane check FILE.rsc');
});

test('--fragment: names the snippet does not define are warnings at their position; other errors stay errors', () => {
  const f = write('snippet.rsc', [
    '/ip firewall filter',
    'add chain=input action=drop in-interface-list=WAN comment="drop from WAN"',
    'add chain=forward action=accept \\',
    '    out-interface=sfp-sfpplus1',
    '',
  ].join('\n'));
  const full = flowplane('check', f);
  expect(full.code).toBe(1);
  expect(full.out).toContain(`${f}:2:29: error: in-interface-list=WAN: no item of /interface list named 'WAN'`);
  expect(full.out).toContain(`${f}:4:5: error: out-interface=sfp-sfpplus1: no interface named 'sfp-sfpplus1'`);
  expect(full.out).toMatch(/2 commands: 0 accepted, 0 warned \(unsupported menu\), 2 errors/);
  const frag = flowplane('check', '--fragment', f);
  expect(frag.code).toBe(0);
  expect(frag.out).toContain(`${f}:2:29: warning: in-interface-list=WAN: no item of /interface list named 'WAN': assumed to exist on the router this fragment is for`);
  expect(frag.out).toMatch(/2 commands: 2 accepted, 0 warned \(unsupported menu\), 0 errors/);
  const bad = write('bad-snippet.rsc', '/ip firewall filter add chain=input action=dorp in-interface-list=WAN\n');
  const r = flowplane('check', '--fragment', bad);
  expect(r.code).toBe(1);
  expect(r.out).toMatch(/bad-snippet\.rsc:1:\d+: error: .*action/);
});

test('a config that loads is compiled: what the dataplane cannot apply is a warning at its line', () => {
  const f = write(
    'compile.rsc',
    [
      '/ip firewall filter',
      'add chain=forward action=accept connection-state=established',
      'add chain=forward hotspot=auth action=drop',
      '/queue tree',
      'add name=lost parent=nowhere packet-mark=a',
      '',
    ].join('\n'),
  );
  const r = flowplane('check', f);
  expect(r.code).toBe(0);
  expect(r.out).toContain('compile.rsc:3:1: warning: /ip firewall filter: hotspot is not evaluated');
  expect(r.out).toContain('compile.rsc:5:1: warning: /queue tree: lost: parent nowhere is not global');
  // the good rule is not reported
  expect(r.out).not.toContain('compile.rsc:2:');
  // --quiet keeps only errors
  expect(flowplane('check', '-q', f).out).not.toContain('warning');
});
