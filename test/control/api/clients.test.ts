/**
 * Unchanged third-party clients against flowplane's servers: node-routeros (npm), Debian's
 * python3-librouteros, curl for REST (HTTP and HTTPS with a certificate made by openssl at test time).
 */
import { execFile, execFileSync } from 'node:child_process';
import { promisify } from 'node:util';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { RouterOSAPI } from 'node-routeros';
import { RestServer } from '../../../control/api/rest';
import type { ApiServer } from '../../../control/api/server';
import type { RouterInstance } from '../../../control/instance/router';
import { apiServer, router } from './helpers';
import { haveTool, librouterosPython, withTool } from './tools';

let r: RouterInstance;
let api: ApiServer;
let apiPort: number;
let rest: RestServer;
let restPort: number;

beforeEach(async () => {
  r = router();
  ({ server: api, port: apiPort } = await apiServer(r, { emptyReply: false }));
  rest = new RestServer(r);
  restPort = (await rest.listen(0, '127.0.0.1')).port;
});
afterEach(async () => {
  await api.close();
  await rest.close();
});

describe('node-routeros', () => {
  test('logs in, prints, adds, sets, removes, queries and uses concurrent tagged commands', async () => {
    const conn = new RouterOSAPI({ host: '127.0.0.1', port: apiPort, user: 'api', password: 'secret', timeout: 5 });
    await conn.connect();
    try {
      const all = await conn.write('/ip/firewall/address-list/print');
      expect(all.map((x: Record<string, string>) => x['address'])).toEqual(['10.0.0.1', '10.0.0.2', '192.168.1.0/24']);
      const added = await conn.write('/ip/firewall/address-list/add', ['=list=fromnode', '=address=172.16.0.1']);
      expect(added).toEqual([{ ret: '*4' }]);
      await conn.write('/ip/firewall/address-list/set', ['=.id=*4', '=comment=via node']);
      const q = await conn.write('/ip/firewall/address-list/print', ['?list=fromnode']);
      expect(q).toHaveLength(1);
      expect(q[0]['comment']).toBe('via node');
      // Concurrent commands on one connection: node-routeros tags each one.
      const [a, b] = await Promise.all([conn.write('/ip/firewall/address-list/print', ['?list=blocked']), conn.write('/user/print', ['=.proplist=name'])]);
      expect(a).toHaveLength(2);
      expect(b.map((x: Record<string, string>) => x['name'])).toEqual(['admin', 'api', 'viewer']);
      await conn.write('/ip/firewall/address-list/remove', ['=.id=*4']);
      expect(r.store.table('/ip firewall address-list')!.items).toHaveLength(3);
      await expect(conn.write('/ip/firewall/address-list/add', ['=list=x', '=address=nonsense!'])).rejects.toThrow(/address/);
    } finally {
      await conn.close();
    }
  });

  test('falls back to the MD5 challenge when the server answers like RouterOS before 6.43', async () => {
    const old = await apiServer(r, { emptyReply: false, challengeOnly: true });
    try {
      const conn = new RouterOSAPI({ host: '127.0.0.1', port: old.port, user: 'api', password: 'secret', timeout: 5 });
      await conn.connect();
      const users = await conn.write('/user/print', ['=.proplist=name']);
      expect(users.map((x: Record<string, string>) => x['name'])).toEqual(['admin', 'api', 'viewer']);
      await conn.close();
      const bad = new RouterOSAPI({ host: '127.0.0.1', port: old.port, user: 'api', password: 'wrong', timeout: 5 });
      await expect(bad.connect()).rejects.toThrow(/invalid|CANTLOGIN/i);
    } finally {
      await old.server.close();
    }
  });

  test('a wrong password is refused', async () => {
    const conn = new RouterOSAPI({ host: '127.0.0.1', port: apiPort, user: 'api', password: 'wrong', timeout: 5 });
    await expect(conn.connect()).rejects.toThrow(/invalid/i);
  });
});

const run = promisify(execFile);
const py = librouterosPython();
describe('python3-librouteros', () => {
  withTool(py !== undefined, 'python3-librouteros')('plain and token (MD5 challenge) login, print, add, set, remove, query', async () => {
    r.load('/user add name=legacy group=full', 'legacy.rsc');
    const script = `
import json, sys
from librouteros import connect
from librouteros.login import plain, token
from librouteros.query import Key
api = connect(host='127.0.0.1', port=${apiPort}, username='api', password='secret', login_method=plain)
out = {}
al = api.path('ip', 'firewall', 'address-list')
out['before'] = [x['address'] for x in al]
new = al.add(list='frompy', address='172.16.9.9')
out['ret'] = new
al.update(**{'.id': new, 'comment': 'from python'})
lst = Key('list')
out['query'] = [x['comment'] for x in al.select(Key('comment'), Key('address')).where(lst == 'frompy')]
al.remove(new)
out['after'] = len(list(al))
api.close()
old = connect(host='127.0.0.1', port=${apiPort}, username='legacy', password='', login_method=token)
out['legacy'] = len(list(old.path('user')))
old.close()
# The MD5 challenge login of a user with a password (the text the router was given, kept in memory).
old = connect(host='127.0.0.1', port=${apiPort}, username='api', password='secret', login_method=token)
out['legacy-password'] = [x['name'] for x in old.path('user').select(Key('name'))]
old.close()
try:
  connect(host='127.0.0.1', port=${apiPort}, username='api', password='wrong', login_method=token)
  out['legacy-wrong'] = 'logged in'
except Exception as e:
  out['legacy-wrong'] = str(e)
print(json.dumps(out))
`;
    // The server runs in this process: the client must run asynchronously.
    const res = await run(py!, ['-c', script]);
    expect(res.stderr).toBe('');
    const out = JSON.parse(res.stdout);
    expect(out).toMatchObject({ before: ['10.0.0.1', '10.0.0.2', '192.168.1.0/24'], ret: '*4', query: ['from python'], after: 3, legacy: 4 });
    expect(out['legacy-password']).toEqual(['admin', 'api', 'viewer', 'legacy']);
    expect(out['legacy-wrong']).toMatch(/invalid user name or password/);
  });
});

const curl = haveTool('curl', ['--version']);
describe('REST with curl', () => {
  const call = async (method: string, url: string, body?: unknown, user = 'api:secret', extra: string[] = []) => {
    const args = ['-s', '-k', '-u', user, '-X', method, '-w', '\\n%{http_code}', ...extra, url];
    if (body !== undefined) args.push('-H', 'content-type: application/json', '--data', JSON.stringify(body));
    const out = (await run('curl', args, { encoding: 'utf8' })).stdout;
    const nl = out.lastIndexOf('\n');
    const text = out.slice(0, nl);
    return { status: Number(out.slice(nl + 1)), json: text === '' ? undefined : JSON.parse(text) };
  };
  const base = () => `http://127.0.0.1:${restPort}/rest`;

  withTool(curl, 'curl')('list, item, add, patch, delete, POST print with .proplist/.query, errors', async () => {
    const list = await call('GET', `${base()}/ip/firewall/address-list`);
    expect(list.status).toBe(200);
    expect(list.json).toHaveLength(3);
    expect(list.json[0]).toEqual({ '.id': '*1', list: 'blocked', address: '10.0.0.1', disabled: 'false', comment: 'first', dynamic: 'false', invalid: 'false' });
    expect((await call('GET', `${base()}/ip/firewall/address-list?list=allowed&.proplist=address`)).json).toEqual([{ '.id': '*3', address: '192.168.1.0/24' }]);
    expect((await call('GET', `${base()}/ip/firewall/address-list/*2`)).json['address']).toBe('10.0.0.2');
    const put = await call('PUT', `${base()}/ip/firewall/address-list`, { list: 'rest', address: '8.8.8.8', disabled: 'yes' });
    expect(put.status).toBe(201);
    expect(put.json).toMatchObject({ '.id': '*4', list: 'rest', address: '8.8.8.8', disabled: 'true' });
    const patch = await call('PATCH', `${base()}/ip/firewall/address-list/*4`, { comment: 'patched', disabled: 'no' });
    expect(patch.status).toBe(200);
    expect(patch.json).toMatchObject({ '.id': '*4', comment: 'patched', disabled: 'false' });
    const post = await call('POST', `${base()}/ip/firewall/address-list/print`, { '.proplist': ['address'], '.query': ['list=blocked', 'list=rest', '#|'] });
    expect(post.json).toEqual([{ '.id': '*1', address: '10.0.0.1' }, { '.id': '*2', address: '10.0.0.2' }, { '.id': '*4', address: '8.8.8.8' }]);
    expect((await call('DELETE', `${base()}/ip/firewall/address-list/*4`)).status).toBe(204);
    expect(await call('DELETE', `${base()}/ip/firewall/address-list/*4`)).toEqual({ status: 404, json: { error: 404, message: 'Not Found' } });
    expect(await call('GET', `${base()}/ip/address`, undefined, 'api:wrong')).toEqual({ status: 401, json: { error: 401, message: 'Unauthorized' } });
    expect(await call('PUT', `${base()}/ip/firewall/address-list`, { list: 'x', address: '1.1.1.1', bogus: '1' })).toEqual({ status: 400, json: { detail: 'unknown parameter bogus', error: 400, message: 'Bad Request' } });
    expect((await call('GET', `${base()}/ip/nosuchmenu`)).status).toBe(400);
    expect((await call('DELETE', `${base()}/interface/ether1`)).status).toBe(406);
    const ro = await call('PUT', `${base()}/ip/firewall/address-list`, { list: 'x', address: '1.1.1.1' }, 'viewer:look');
    expect(ro.status).toBe(400);
    expect(ro.json.detail).toMatch(/permissions/);
    const bad = await run('curl', ['-s', '-u', 'api:secret', '-X', 'POST', '-H', 'content-type: application/json', '--data', '{not json', '-w', '\\n%{http_code}', `${base()}/ip/address/print`], { encoding: 'utf8' });
    expect(bad.stdout.endsWith('\n400')).toBe(true);
    expect(r.store.table('/ip firewall address-list')!.items).toHaveLength(3);
  });

  withTool(curl, 'curl')('POST /rest/execute: as-string waits for the output; without, a background job id', async () => {
    const exec = (body: unknown, user?: string) => call('POST', `${base()}/execute`, body, user);
    expect(await exec({ script: ':put hello', 'as-string': '' })).toEqual({ status: 200, json: { ret: 'hello' } });
    // Presence is what counts: even false waits.
    expect(await exec({ script: ':put a; :put [/ip firewall address-list print count-only]', 'as-string': false })).toEqual({ status: 200, json: { ret: 'a\n3' } });
    const printed = await exec({ script: '/ip firewall address-list print where list=allowed', 'as-string': 'yes' });
    expect(printed.json.ret).toMatch(/allowed\s+192\.168\.1\.0\/24/);
    expect(await exec({ script: '/ip firewall address-list add list=exec address=5.5.5.5', 'as-string': '' })).toEqual({ status: 200, json: { ret: '' } });
    expect(r.store.table('/ip firewall address-list')!.items.map((i) => r.store.table('/ip firewall address-list')!.value(i, 'address'))).toContain('5.5.5.5');
    // A failing script applies nothing and says why.
    const bad = await exec({ script: '/ip firewall address-list add list=exec address=6.6.6.6\n/nosuch thing', 'as-string': '' });
    expect(bad.status).toBe(400);
    expect(bad.json.detail).toMatch(/line 2/);
    expect(await exec({ 'as-string': '' })).toEqual({ status: 400, json: { detail: 'missing =script=', error: 400, message: 'Bad Request' } });
    // A read-only user may not run scripts.
    const ro = await exec({ script: '/ip firewall address-list add list=ro address=7.7.7.7', 'as-string': '' }, 'viewer:look');
    expect(ro.status).toBe(400);
    expect(ro.json.detail).toMatch(/permissions/);
    // Background: the answer is the job id; the job runs after it.
    const bg = await exec({ script: '/ip firewall address-list add list=bg address=8.8.4.4' });
    expect(bg.status).toBe(200);
    expect(bg.json.ret).toMatch(/^\*[0-9A-F]+$/);
    const addrs = () => r.store.table('/ip firewall address-list')!.items.map((i) => r.store.table('/ip firewall address-list')!.value(i, 'address'));
    for (let k = 0; k < 50 && !addrs().includes('8.8.4.4'); k++) await new Promise((res) => setTimeout(res, 20));
    expect(addrs()).toContain('8.8.4.4');
    expect(addrs()).not.toContain('6.6.6.6');
    expect(addrs()).not.toContain('7.7.7.7');
    const bg2 = await exec({ script: '/nosuch' });
    expect(bg2.json.ret).not.toBe(bg.json.ret);
    for (let k = 0; k < 50 && !/script,error/.test(r.log.format()); k++) await new Promise((res) => setTimeout(res, 20));
    expect(r.log.format()).toMatch(/script,error .*nosuch \(line 1 column 1\)/);
  });

  const openssl = haveTool('openssl', ['version']);
  withTool(curl && openssl, 'curl and openssl')('HTTPS (www-ssl) with a self-signed certificate made by openssl', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fp-tls-'));
    try {
      execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', path.join(dir, 'k.pem'), '-out', path.join(dir, 'c.pem'), '-days', '1', '-subj', '/CN=localhost'], { stdio: 'ignore' });
      const s = new RestServer(r, { tls: { key: fs.readFileSync(path.join(dir, 'k.pem')), cert: fs.readFileSync(path.join(dir, 'c.pem')) } });
      const port = (await s.listen(0, '127.0.0.1')).port;
      try {
        const { stdout: out } = await run('curl', ['-s', '--cacert', path.join(dir, 'c.pem'), '--resolve', `localhost:${port}:127.0.0.1`, '-u', 'api:secret', `https://localhost:${port}/rest/user?.proplist=name`], { encoding: 'utf8' });
        expect(JSON.parse(out)).toEqual([{ '.id': '*1', name: 'admin' }, { '.id': '*2', name: 'api' }, { '.id': '*3', name: 'viewer' }]);
      } finally {
        await s.close();
      }
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('api-ssl', () => {
  const openssl = haveTool('openssl', ['version']);
  withTool(openssl, 'openssl')('node-routeros over TLS with a certificate made by openssl', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fp-tls-'));
    try {
      execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', path.join(dir, 'k.pem'), '-out', path.join(dir, 'c.pem'), '-days', '1', '-subj', '/CN=localhost'], { stdio: 'ignore' });
      const { server, port } = await apiServer(r, { tls: { key: fs.readFileSync(path.join(dir, 'k.pem')), cert: fs.readFileSync(path.join(dir, 'c.pem')) } });
      try {
        const conn = new RouterOSAPI({ host: '127.0.0.1', port, user: 'api', password: 'secret', timeout: 5, // servername is passed on to tls.connect (node-routeros's types do not list it).
        tls: { ca: fs.readFileSync(path.join(dir, 'c.pem')), servername: 'localhost' } as never });
        await conn.connect();
        const rows = await conn.write('/ip/firewall/address-list/print', ['?list=allowed']);
        expect(rows.map((x: Record<string, string>) => x['address'])).toEqual(['192.168.1.0/24']);
        await conn.close();
      } finally {
        await server.close();
      }
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
