/** The console in-process on a RouterInstance: navigation, print, export, errors, `?` help, completion. */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { PassThrough } from 'node:stream';
import { Console, consoleError, runConsole } from '../../../control/console/console';
import { RouterInstance } from '../../../control/instance/router';

const DATE = new Date(Date.UTC(2026, 0, 1, 10, 0, 0));

function session(ports = 3) {
  const router = new RouterInstance({ ethernetPorts: ports });
  const con = new Console(router, { now: () => DATE, version: '0.1.0' });
  const run = (line: string): string => con.execute(line).text;
  return { router, con, run };
}

test('prompt: identity from /system identity, current menu; navigation with paths, .., / and abbreviations', () => {
  const { con, run } = session();
  expect(con.prompt()).toBe('[admin@MikroTik] > ');
  expect(run('/ip firewall filter')).toBe('');
  expect(con.prompt()).toBe('[admin@MikroTik] /ip firewall filter> ');
  expect(run('..')).toBe('');
  expect(con.menu).toEqual(['ip', 'firewall']);
  expect(run('/')).toBe('');
  expect(con.menu).toEqual([]);
  run('/ip/fire/filt');
  expect(con.menu).toEqual(['ip', 'firewall', 'filter']);
  run('/system identity set name=core-1');
  expect(con.prompt()).toBe('[admin@core-1] /ip firewall filter> ');
});

test('add, print with flags and numbers, move, disable (X flag), comment, export of the menu', () => {
  const { run } = session();
  run('/ip firewall filter');
  expect(run('add chain=input action=drop protocol=icmp comment="no ping"')).toBe('');
  expect(run('add chain=forward action=accept connection-state=established,related')).toBe('');
  expect(run('print')).toBe(
    [
      'Flags: X - disabled, I - invalid; D - dynamic',
      ' 0    ;;; no ping',
      '      chain=input action=drop protocol=icmp',
      ' 1    chain=forward action=accept connection-state=established,related',
      '',
    ].join('\n'),
  );
  expect(run('move 1 0')).toBe('');
  expect(run('disable 0')).toBe('');
  expect(run('print')).toBe(
    [
      'Flags: X - disabled, I - invalid; D - dynamic',
      ' 0 X  chain=forward action=accept connection-state=established,related',
      ' 1    ;;; no ping',
      '      chain=input action=drop protocol=icmp',
      '',
    ].join('\n'),
  );
  expect(run('print count-only')).toBe('2\n');
  expect(run('print count-only where disabled')).toBe('1\n');
  expect(run('print where chain=input')).toBe(['Flags: X - disabled, I - invalid; D - dynamic', ' 1    ;;; no ping', '      chain=input action=drop protocol=icmp', ''].join('\n'));
  expect(run('export')).toBe(
    [
      '# 2026-01-01 10:00:00 by flowplane 0.1.0 (RouterOS 7.19 syntax)',
      '# software id = ',
      '#',
      '/ip firewall filter',
      'add action=accept chain=forward connection-state=established,related \\',
      '    disabled=yes',
      'add action=drop chain=input comment="no ping" protocol=icmp',
      '',
    ].join('\n'),
  );
  expect(run('export terse')).toContain('\n/ip firewall filter add action=drop chain=input comment="no ping" protocol=icmp\n');
});

test('table menus print columns; where on a property; /interface lists every interface kind', () => {
  const { run } = session(2);
  run('/interface bridge add name=br1');
  run('/ip address add address=192.168.88.1/24 interface=br1 comment=lan');
  run('/ip address add address=10.0.0.2/30 interface=ether1');
  const out = run('/ip address print');
  expect(out).toMatch(/^Columns: ADDRESS, NETWORK, INTERFACE\n#  ADDRESS +NETWORK +INTERFACE\n;;; lan\n0  192\.168\.88\.1\/24 .*br1\n1  10\.0\.0\.2\/30 .*ether1\n$/);
  expect(run('/ip address print where interface=ether1')).not.toContain('br1');
  const ifs = run('/interface print');
  expect(ifs.split('\n').slice(2, 5).map((l) => l.split(/\s+/).slice(0, 3).join(' '))).toEqual(['0 ether1 ether', '1 ether2 ether', '2 br1 bridge']);
  expect(run('/system identity print')).toBe('  name: MikroTik\n');
});

test('each command applies whole or not at all; errors in RouterOS words with line and column', () => {
  const { router, run } = session();
  run('/ip firewall filter');
  expect(run('add chain=input action=foo')).toBe('input does not match any value of action (line 1 column 24)\n');
  expect(run('foo')).toBe('bad command name foo (line 1 column 1)\n');
  expect(run('print detial')).toBe('expected end of command (line 1 column 7)\n');
  // Two commands on one line, the second fails: neither applies.
  expect(run('add chain=input; add chain=input action=nope')).toBe('input does not match any value of action (line 1 column 41)\n');
  expect(router.store.table('/ip firewall filter')!.items.length).toBe(0);
  expect(consoleError({ message: "no command 'frob' in /ip address; commands: add", line: 1, col: 5 })).toBe('bad command name frob (line 1 column 5)');
});

test('print inside [ ] is a value, not output; :put prints', () => {
  const { run } = session();
  run('/ip address add address=10.0.0.1/24 interface=ether1');
  expect(run(':put [/ip address print count-only]')).toBe('1\n');
  expect(run(':put [/system identity get name]')).toBe('MikroTik\n');
});

test('print detail and stats forms reach the formatter', () => {
  const { run } = session();
  run('/ip firewall filter add chain=input action=accept');
  expect(run('/ip firewall filter print detail')).toContain(' 0    chain=input action=accept');
  expect(run('/ip firewall filter print stats')).toBe(['Columns: CHAIN, ACTION, BYTES, PACKETS', '#  CHAIN  ACTION  BYTES  PACKETS', '0  input  accept      0        0', ''].join('\n'));
});

test('unsupported menus: commands kept (and exported), print says it is not modelled', () => {
  const { run } = session();
  expect(run('/ip pool add name=dhcp ranges=192.168.88.10-192.168.88.254')).toBe('');
  expect(run('/ip pool print')).toContain('flowplane does not model /ip pool');
  expect(run('/export')).toContain('\n/ip pool\nadd name=dhcp ranges=192.168.88.10-192.168.88.254\n');
});

test('? lists submenus and commands of the menu, arguments of a command, what a property takes', () => {
  const { con, run } = session();
  const root = run('?');
  expect(root).toMatch(/^interface +-- /m);
  expect(root).toMatch(/^ip +-- /m);
  expect(root).toMatch(/^quit +-- leave the console$/m);
  run('/ip firewall filter');
  expect(con.execute('?').text).toMatch(/^\.\. +-- go up to firewall$/m);
  expect(con.execute('?').text).toMatch(/^add +-- create a new item$/m);
  const add = run('add ?');
  expect(add).toMatch(/^chain +-- .*$/m);
  expect(add).toMatch(/^place-before +-- /m);
  expect(run('add action=?')).toMatch(/^action -- accept \| .*drop/);
  expect(run('/ip settings set rp-filter=?')).toMatch(/^rp-filter -- .*loose.* \(default no\)/);
  expect(run('bogus ?')).toBe('bad command name bogus (line 1 column 1)\n');
  // A ? inside quotes is text: the line runs (and fails on its own terms).
  expect(run('add chain=input comment="why?"')).toBe('');
});

test('Tab completion: menus, commands, property names with =, values of enums and references', () => {
  const { con, run } = session();
  expect(con.complete('/ip fire')).toEqual([['firewall '], 'fire']);
  expect(con.complete('/ip/firewall/fi')).toEqual([['/ip/firewall/filter/'], '/ip/firewall/fi']);
  run('/ip firewall filter');
  expect(con.complete('ad')).toEqual([['add '], 'ad']);
  expect(con.complete('add chain=input act')).toEqual([['action='], 'act']);
  expect(con.complete('add action=dr')).toEqual([['action=drop '], 'action=dr']);
  expect(con.complete('add in-interface=eth')[0]).toEqual(['in-interface=ether1', 'in-interface=ether2', 'in-interface=ether3']);
  expect(con.complete('add in-interface-list=!al')).toEqual([['in-interface-list=!all '], 'in-interface-list=!al']);
  expect(con.complete('print co')).toEqual([['count-only'], 'co']);
  const [hits] = con.complete('');
  expect(hits).toEqual(expect.arrayContaining(['..', 'add', 'print', 'export']));
});

test('export file=NAME writes NAME.rsc instead of printing', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fp-con-'));
  try {
    const router = new RouterInstance();
    const con = new Console(router, { now: () => DATE, fileDir: dir });
    con.execute('/system identity set name=saved');
    expect(con.execute('/export file=backup').text).toBe('');
    expect(fs.readFileSync(path.join(dir, 'backup.rsc'), 'utf8')).toContain('/system identity\nset name=saved\n');
    expect(con.execute('/export file=../x').text).toBe('failure: the file name must not name a folder\n');
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('runConsole over streams: piped input, every output in order, quit ends it', async () => {
  const router = new RouterInstance({ ethernetPorts: 2 });
  const input = new PassThrough();
  const output = new PassThrough();
  let text = '';
  output.on('data', (d: Buffer) => (text += d.toString()));
  const done = runConsole(router, input, output, { terminal: false, now: () => DATE });
  input.end('/ip address add address=10.1.1.1/24 interface=ether2\n/ip address print count-only\nquit\n/ip address print\n');
  await done;
  expect(text).toBe('1\n');
});
