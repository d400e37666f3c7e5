import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { runUntil } from '../../bin/commands/run';
import { startManagement } from '../../control/api/services';
import { RouterInstance } from '../../control/instance/router';
import { RawClient } from '../control/api/helpers';

function io() {
  const out: string[] = [];
  const err: string[] = [];
  return { io: { out: (s: string) => void out.push(s), err: (s: string) => void err.push(s) }, out, err };
}

describe('flowplane run', () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fp-run-'));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  test('serves the API on loopback, prints where, stops when told; a change through the API applies', async () => {
    const file = path.join(dir, 'r.rsc');
    fs.writeFileSync(file, '/user add name=api group=full password=pw\n/ip service set www disabled=yes\n');
    const { io: o, out } = io();
    let stop!: () => void;
    const until = new Promise<void>((res) => (stop = res));
    const done = runUntil(['--config', file, '--api-port', '0'], o, until);
    for (let i = 0; i < 100 && !out.join('').includes('api listening'); i++) await new Promise((r) => setTimeout(r, 20));
    const text = out.join('');
    const m = /api listening on 127\.0\.0\.1:(\d+)/.exec(text);
    expect(m).not.toBeNull();
    expect(text).toContain('www not started: disabled in /ip service');
    expect(text).toContain('api-ssl not started: needs a TLS key and certificate');
    const c = new RawClient(Number(m![1]));
    await c.ready();
    expect(await c.login('api', 'pw')).toEqual([['!done']]);
    expect(await c.call(['/ip/firewall/address-list/add', '=list=l', '=address=1.2.3.4'])).toEqual([['!done', '=ret=*1']]);
    expect(await c.call(['/ip/firewall/address-list/print', '=count-only='])).toEqual([['!done', '=ret=1']]);
    c.close();
    stop();
    expect(await done).toBe(0);
    expect(out.join('')).toContain('stopped');
  });

  test('refuses a non-loopback listener while a full user has no password', async () => {
    const file = path.join(dir, 'r.rsc');
    fs.writeFileSync(file, '/ip service set www disabled=yes\n');
    const { io: o, err } = io();
    const code = await runUntil(['--config', file, '--api-port', '0', '--listen', '0.0.0.0'], o, Promise.resolve());
    expect(code).toBe(1);
    expect(err.join('')).toMatch(/refusing to listen on 0\.0\.0\.0 \(api\): full user admin has no password/);
  });

  test('a config with errors does not start', async () => {
    const file = path.join(dir, 'bad.rsc');
    fs.writeFileSync(file, '/user add name=x group=nosuch\n');
    const { io: o, err } = io();
    expect(await runUntil(['--config', file], o, Promise.resolve())).toBe(1);
    expect(err.join('')).toContain('nosuch');
  });
});

describe('services from /ip service', () => {
  test('address= opens the listener to those prefixes; loopback clients outside them are turned away', async () => {
    const r = new RouterInstance();
    r.load('/user set admin password=x\n/ip service set api address=10.0.0.0/8\n', 'a.rsc');
    const m = await startManagement(r, { only: ['api'], ports: { api: 0 } });
    try {
      expect(m.services.map((s) => [s.name, s.host])).toEqual([['api', '::']]);
      const c = new RawClient(m.services[0]!.port);
      c.write(['/login', '=name=admin', '=password=x']);
      expect(await c.next()).toBeUndefined(); // 127.0.0.1 is not in 10.0.0.0/8: closed at once
    } finally {
      await m.close();
    }
  });
});

describe('max-sessions', () => {
  test('connections beyond /ip service max-sessions are closed at once', async () => {
    const r = new RouterInstance();
    r.load('/ip service set api max-sessions=2\n', 'a.rsc');
    const m = await startManagement(r, { only: ['api'], ports: { api: 0 } });
    try {
      const port = m.services[0]!.port;
      const a = new RawClient(port);
      const b = new RawClient(port);
      await a.ready();
      await b.ready();
      expect(await a.login('admin', '')).toEqual([['!done']]);
      const c = new RawClient(port);
      c.write(['/login', '=name=admin', '=password=']);
      expect(await c.next()).toBeUndefined();
      expect(await b.login('admin', '')).toEqual([['!done']]);
      a.close();
      b.close();
    } finally {
      await m.close();
    }
  });
});
