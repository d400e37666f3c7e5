import { createHash } from 'node:crypto';
import { challengeResponse } from '../../../control/api/auth';
import type { ApiServer } from '../../../control/api/server';
import { exportConfig } from '../../../control/store/export';
import type { RouterInstance } from '../../../control/instance/router';
import { RawClient, apiServer, router } from './helpers';

let r: RouterInstance;
let server: ApiServer;
let port: number;
const clients: RawClient[] = [];

async function client(): Promise<RawClient> {
  const c = new RawClient(port);
  clients.push(c);
  await c.ready();
  return c;
}

beforeEach(async () => {
  r = router();
  ({ server, port } = await apiServer(r));
});
afterEach(async () => {
  for (const c of clients.splice(0)) c.close();
  await server.close();
});

describe('binary API server', () => {
  test('login, print with .proplist, !done', async () => {
    const c = await client();
    expect(await c.login()).toEqual([['!done']]);
    const rows = await c.call(['/ip/firewall/address-list/print', '=.proplist=.id,list,address']);
    expect(rows).toEqual([
      ['!re', '=.id=*1', '=list=blocked', '=address=10.0.0.1'],
      ['!re', '=.id=*2', '=list=blocked', '=address=10.0.0.2'],
      ['!re', '=.id=*3', '=list=allowed', '=address=192.168.1.0/24'],
      ['!done'],
    ]);
  });

  test('print gives booleans as true/false, no password, comment only when set', async () => {
    const c = await client();
    await c.login();
    const rows = await c.call(['/ip/firewall/address-list/print']);
    expect(rows[0]).toContain('=disabled=false');
    expect(rows[0]).toContain('=comment=first');
    expect(rows[1]!.some((w) => w.startsWith('=comment='))).toBe(false);
    const users = await c.call(['/user/print']);
    expect(users.flat().some((w) => w.includes('password') || w.includes('pbkdf2'))).toBe(false);
    expect(users.filter((s) => s[0] === '!re')).toHaveLength(3);
  });

  test('wrong password: !trap then !done; commands before login are refused', async () => {
    const c = await client();
    const bad = await c.login('api', 'nope');
    expect(bad[0]![0]).toBe('!trap');
    expect(bad[1]).toEqual(['!done']);
    const before = await c.call(['/ip/address/print']);
    expect(before[0]).toEqual(['!trap', '=category=5', '=message=not logged in']);
  });

  test('old MD5 challenge login (user without a password)', async () => {
    r.load('/user add name=nopw group=full', 'b.rsc');
    const c = await client();
    const ch = await c.call(['/login']);
    const ret = ch[0]!.find((w) => w.startsWith('=ret='))!.slice(5);
    expect(ret).toMatch(/^[0-9a-f]{32}$/);
    const md5 = createHash('md5').update(Buffer.concat([Buffer.from([0]), Buffer.from(''), Buffer.from(ret, 'hex')])).digest('hex');
    expect(await c.call(['/login', '=name=nopw', `=response=00${md5}`])).toEqual([['!done']]);
    expect((await c.call(['/ip/firewall/address-list/print', '=count-only=']))[0]).toEqual(['!done', '=ret=3']);
  });

  describe('old MD5 challenge login for users with passwords', () => {
    /** The challenge step, then the response made here (not by the server's code). */
    async function challengeLogin(c: RawClient, name: string, password: string): Promise<string[][]> {
      const ch = await c.call(['/login']);
      const ret = ch[0]!.find((w) => w.startsWith('=ret='))!.slice(5);
      const md5 = createHash('md5').update(Buffer.concat([Buffer.from([0]), Buffer.from(password, 'utf8'), Buffer.from(ret, 'hex')])).digest('hex');
      return c.call(['/login', `=name=${name}`, `=response=00${md5}`]);
    }

    test('the response is MD5(0, password, challenge) (known answers computed with Python hashlib)', () => {
      expect(challengeResponse('secret', Buffer.from('0123456789abcdef0123456789abcdef', 'hex')).toString('hex')).toBe('ebbe7c3df6b3d902bfd1f355c6e63289');
      expect(challengeResponse('pässword', Buffer.from('ffeeddccbbaa99887766554433221100', 'hex')).toString('hex')).toBe('9700e1d96cfbd933b14264d0f3b265e8');
    });

    test('a password from the config, the console and the API works; a wrong one fails', async () => {
      expect(await challengeLogin(await client(), 'api', 'secret')).toEqual([['!done']]);
      const wrong = await challengeLogin(await client(), 'api', 'secreT');
      expect(wrong[0]![0]).toBe('!trap');
      expect(r.runConsoleLine('set viewer password=fromconsole', ['user']).ok).toBe(true);
      expect(await challengeLogin(await client(), 'viewer', 'fromconsole')).toEqual([['!done']]);
      const c = await client();
      await c.login();
      expect(await c.call(['/user/add', '=name=apiuser', '=group=read', '=password=fromapi'])).toEqual([['!done', '=ret=*4']]);
      expect(await challengeLogin(await client(), 'apiuser', 'fromapi')).toEqual([['!done']]);
      expect(await c.call(['/user/set', '=.id=apiuser', '=password=changed'])).toEqual([['!done']]);
      expect(await challengeLogin(await client(), 'apiuser', 'changed')).toEqual([['!done']]);
    });

    test('the text is forgotten when the password changes or the user goes, and never exported', async () => {
      expect(r.passwords.size).toBe(2); // api, viewer
      expect(r.runConsoleLine('set api password=other', ['user']).ok).toBe(true);
      expect(r.passwords.size).toBe(2);
      expect((await challengeLogin(await client(), 'api', 'secret'))[0]![0]).toBe('!trap');
      expect(r.runConsoleLine('remove viewer', ['user']).ok).toBe(true);
      expect(r.passwords.size).toBe(1);
      const exported = exportConfig(r.store, { showSensitive: true });
      expect(exported).toMatch(/password=pbkdf2-sha256/);
      expect(exported).not.toMatch(/other|secret|look/);
      // A failed command that wrote a password remembers nothing.
      expect(r.runConsoleLine('add name=x group=nosuch password=neverkept', ['user']).ok).toBe(false);
      expect(r.passwords.size).toBe(1);
    });

    test('a password loaded as a hash has no text: the challenge login fails, the current one works', async () => {
      const hash = r.store.table('/user')!.value(r.store.table('/user')!.byKey('api')!, 'password')!;
      const r2 = router(`/user add name=hashed group=full password=${hash}`);
      const s2 = await apiServer(r2);
      try {
        const c = new RawClient(s2.port);
        clients.push(c);
        await c.ready();
        expect((await challengeLogin(c, 'hashed', 'secret'))[0]![0]).toBe('!trap');
        expect(await c.login('hashed', 'secret')).toEqual([['!done']]);
      } finally {
        await s2.server.close();
      }
    });
  });

  test('/execute: as-string answers the output in =ret=; a failing script traps (category 3); a read user may not', async () => {
    const c = await client();
    await c.login();
    expect(await c.call(['/execute', '=script=:local n [/ip firewall address-list print count-only]; :put "n=$n"', '=as-string='])).toEqual([['!done', '=ret=n=3']]);
    const bad = await c.call(['/execute', '=script=:put ok; /ip firewall address-list add list=x address=nonsense!', '=as-string=']);
    expect(bad[0]![0]).toBe('!trap');
    expect(bad[0]![1]).toBe('=category=3');
    expect(bad[0]![2]).toMatch(/address.*\(line 1 column \d+\)/);
    const bg = await c.call(['/execute', '=script=:put quiet']);
    expect(bg).toHaveLength(1);
    expect(bg[0]![1]).toMatch(/^=ret=\*[0-9A-F]+$/);
    const v = await client();
    await v.login('viewer', 'look');
    expect(await v.call(['/execute', '=script=:put hi', '=as-string='])).toEqual([['!trap', '=category=4', '=message=not enough permissions (9)'], ['!done']]);
  });

  test('add returns =ret=*id; set, disable, enable, remove; bad values trap and change nothing', async () => {
    const c = await client();
    await c.login();
    const add = await c.call(['/ip/firewall/address-list/add', '=list=new', '=address=1.2.3.4']);
    expect(add).toEqual([['!done', '=ret=*4']]);
    expect(await c.call(['/ip/firewall/address-list/set', '=.id=*4', '=comment=hello'])).toEqual([['!done']]);
    expect(await c.call(['/ip/firewall/address-list/disable', '=.id=*4'])).toEqual([['!done']]);
    // set/disable run on a clone swapped in: read the table afresh after each.
    const t = () => r.store.table('/ip firewall address-list')!;
    expect(t().byId(4)!.values.get('comment')).toBe('hello');
    expect(t().disabled(t().byId(4)!)).toBe(true);
    expect(await c.call(['/ip/firewall/address-list/enable', '=numbers=*4'])).toEqual([['!done']]);
    expect(t().disabled(t().byId(4)!)).toBe(false);
    const bad = await c.call(['/ip/firewall/address-list/add', '=list=x', '=address=not/an/address']);
    expect(bad[0]![0]).toBe('!trap');
    expect(bad[0]).toContain('=category=1');
    const unknown = await c.call(['/ip/firewall/address-list/add', '=list=x', '=address=1.1.1.1', '=bogus=1']);
    expect(unknown[0]).toEqual(['!trap', '=category=1', '=message=unknown parameter bogus']);
    expect(t().items).toHaveLength(4);
    expect(await c.call(['/ip/firewall/address-list/remove', '=.id=*4'])).toEqual([['!done']]);
    expect(t().items).toHaveLength(3);
    const gone = await c.call(['/ip/firewall/address-list/remove', '=.id=*4']);
    expect(gone[0]).toEqual(['!trap', '=category=0', '=message=no such item']);
  });

  test('an add whose reference dangles applies nothing', async () => {
    const c = await client();
    await c.login();
    const ids = r.store.table('/ip firewall filter')!.idSpace.next;
    const bad = await c.call(['/ip/firewall/filter/add', '=chain=forward', '=action=accept', '=in-interface=nosuch']);
    expect(bad[0]![0]).toBe('!trap');
    expect(r.store.table('/ip firewall filter')!.items).toHaveLength(0);
    expect(r.store.table('/ip firewall filter')!.idSpace.next).toBe(ids);
    const good = await c.call(['/ip/firewall/filter/add', '=chain=forward', '=action=accept', '=in-interface=ether1']);
    expect(good).toEqual([['!done', `=ret=*${ids.toString(16).toUpperCase()}`]]);
  });

  test('get returns one value as =ret=; a password cannot be read', async () => {
    const c = await client();
    await c.login();
    expect(await c.call(['/ip/firewall/address-list/get', '=number=*1', '=value-name=address'])).toEqual([['!done', '=ret=10.0.0.1']]);
    expect(await c.call(['/interface/ethernet/get', '=number=ether2', '=value-name=disabled'])).toEqual([['!done', '=ret=false']]);
    const pw = await c.call(['/user/get', '=number=api', '=value-name=password']);
    expect(pw[0]![0]).toBe('!trap');
    expect(pw.flat().some((w) => w.includes('pbkdf2'))).toBe(false);
  });

  test('move puts a rule before another', async () => {
    r.load('/ip firewall filter\nadd chain=input action=accept comment=a\nadd chain=input action=accept comment=b\nadd chain=input action=accept comment=c', 'f.rsc');
    const c = await client();
    await c.login();
    expect(await c.call(['/ip/firewall/filter/move', '=numbers=*3', '=destination=*1'])).toEqual([['!done']]);
    const rows = await c.call(['/ip/firewall/filter/print', '=.proplist=comment']);
    expect(rows.slice(0, 3).map((s) => s[1])).toEqual(['=comment=c', '=comment=a', '=comment=b']);
  });

  test('queries: ?name=, ?-name, ?name, ?< ?>, ?# or/not', async () => {
    const c = await client();
    await c.login();
    const ids = async (...q: string[]) => (await c.call(['/ip/firewall/address-list/print', '=.proplist=.id', ...q])).filter((s) => s[0] === '!re').map((s) => s[1]!.slice(5));
    expect(await ids('?list=blocked')).toEqual(['*1', '*2']);
    expect(await ids('?=list=allowed')).toEqual(['*3']);
    expect(await ids('?comment')).toEqual(['*1']);
    expect(await ids('?-comment')).toEqual(['*2', '*3']);
    expect(await ids('?list=allowed', '?list=nothing', '?#|')).toEqual(['*3']);
    expect(await ids('?list=blocked', '?#!')).toEqual(['*3']);
    expect(await ids('?>.id=*1')).toEqual(['*2', '*3']);
    expect(await ids('?disabled=no')).toEqual(['*1', '*2', '*3']);
    expect(await ids('?list=blocked', '?comment', '?#&')).toEqual(['*1']);
  });

  test('!empty then !done when a print finds nothing; tags on every reply', async () => {
    const c = await client();
    await c.login();
    c.write(['/ip/firewall/address-list/print', '?list=none', '.tag=t1']);
    expect(await c.until()).toEqual([['!empty', '.tag=t1'], ['!done', '.tag=t1']]);
  });

  test('listen streams adds, changes and removals (.dead) until /cancel', async () => {
    const c = await client();
    await c.login();
    c.write(['/ip/firewall/address-list/listen', '.tag=L']);
    const other = await client();
    await other.login();
    await other.call(['/ip/firewall/address-list/add', '=list=z', '=address=9.9.9.9']);
    const added = await c.next();
    expect(added).toEqual(expect.arrayContaining(['!re', '=.id=*4', '=list=z', '=address=9.9.9.9', '.tag=L']));
    r.runConsoleLine('/ip firewall address-list set [find address=9.9.9.9] comment=changed', []);
    expect(await c.next()).toEqual(expect.arrayContaining(['!re', '=.id=*4', '=comment=changed']));
    await other.call(['/ip/firewall/address-list/remove', '=.id=*4']);
    expect(await c.next()).toEqual(['!re', '=.id=*4', '=.dead=yes', '.tag=L']);
    c.write(['/cancel', '=tag=L', '.tag=C']);
    expect(await c.next()).toEqual(['!trap', '=category=2', '=message=interrupted', '.tag=L']);
    expect(await c.next()).toEqual(['!done', '.tag=L']);
    expect(await c.next()).toEqual(['!done', '.tag=C']);
  });

  test('a read-policy user cannot change anything', async () => {
    const c = await client();
    expect(await c.login('viewer', 'look')).toEqual([['!done']]);
    expect((await c.call(['/ip/firewall/address-list/print', '=count-only=']))[0]).toEqual(['!done', '=ret=3']);
    const w = await c.call(['/ip/firewall/address-list/add', '=list=x', '=address=1.1.1.1']);
    expect(w[0]![0]).toBe('!trap');
    expect(w[0]).toContain('=message=not enough permissions (9)');
    expect(r.store.table('/ip firewall address-list')!.items).toHaveLength(3);
  });

  test('reserved control byte and oversized pre-login input get !fatal and close; the server stays up', async () => {
    const c = await client();
    c.sock.write(Buffer.from([0xf8, 1, 2]));
    const f = await c.next();
    expect(f?.[0]).toBe('!fatal');
    expect(await c.next()).toBeUndefined();
    const big = await client();
    big.sock.write(Buffer.concat([Buffer.from([0x80 | 0x3f, 0xff])]));
    expect((await big.next())?.[0]).toBe('!fatal');
    const ok = await client();
    expect(await ok.login()).toEqual([['!done']]);
  });

  test('failed logins are rate-limited per source', async () => {
    const c = await client();
    for (let i = 0; i < 5; i++) expect((await c.login('api', 'wrong'))[0]![0]).toBe('!trap');
    const locked = await c.login('api', 'secret');
    expect(locked[0]).toEqual(['!trap', '=message=too many failed logins from this address, try again later']);
  });
});

describe('unauthenticated connections', () => {
  test('a connection that does not log in in time gets !fatal and is closed', async () => {
    const r2 = router();
    const s = await apiServer(r2, { loginTimeoutMs: 100 });
    const c = new RawClient(s.port);
    await c.ready();
    const f = await c.next();
    expect(f).toEqual(['!fatal', 'not logged in in time']);
    expect(await c.next()).toBeUndefined();
    expect(s.server.connections).toBe(0);
    await s.server.close();
  });
});
