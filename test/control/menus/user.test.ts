import { RouterInstance } from '../../../control/instance/router';
import { Console } from '../../../control/console/console';
import { exportConfig } from '../../../control/store/export';
import { hashPassword, isPasswordHash, verifyPassword } from '../../../control/store/password';

describe('/user and /user group', () => {
  test('passwords are stored hashed, checked by verifyPassword, never exported without show-sensitive', () => {
    const r = new RouterInstance();
    const res = r.load('/user group add name=ops policy=read,api,!write\n/user add name=bob group=ops password=s3cret\n', 'u.rsc');
    expect(res.errors).toEqual([]);
    const users = r.store.table('/user')!;
    const bob = users.byKey('bob')!;
    const stored = bob.values.get('password')!;
    expect(stored).not.toContain('s3cret');
    expect(isPasswordHash(stored)).toBe(true);
    expect(verifyPassword('s3cret', stored)).toBe(true);
    expect(verifyPassword('s3cret ', stored)).toBe(false);
    const plain = exportConfig(r.store, {});
    expect(plain).toContain('/user group\nadd name=ops policy=read,api,!write');
    expect(plain).toMatch(/\/user\nadd group=ops name=bob\n/);
    expect(plain).not.toContain('password');
    const sensitive = exportConfig(r.store, { showSensitive: true }).replace(/\\\n {4}/g, '');
    expect(sensitive).toContain(`password=${stored}`);
  });

  test('an exported hash loads back as the same hash (not hashed twice)', () => {
    const r = new RouterInstance();
    r.load('/user add name=bob group=read password=pw', 'a.rsc');
    const text = exportConfig(r.store, { showSensitive: true });
    const r2 = new RouterInstance();
    const res = r2.load(text, 'b.rsc');
    expect(res.errors).toEqual([]);
    expect(r2.store.table('/user')!.byKey('bob')!.values.get('password')).toBe(r.store.table('/user')!.byKey('bob')!.values.get('password'));
  });

  test('built-in groups and admin exist; unknown group and policy are errors', () => {
    const r = new RouterInstance();
    expect(r.store.table('/user group')!.items.map((i) => i.values.get('name'))).toEqual(['read', 'write', 'full']);
    expect(r.store.table('/user')!.byKey('admin')!.values.get('group')).toBe('full');
    const bad = r.load('/user add name=x group=nosuch\n', 'c.rsc');
    expect(bad.errors.map((e) => e.message).join('\n')).toMatch(/no item of \/user group named 'nosuch'/);
    const badPolicy = r.load('/user group add name=g policy=read,fly\n', 'd.rsc');
    expect(badPolicy.ok).toBe(false);
  });

  test('console print never shows the password', () => {
    const r = new RouterInstance();
    r.load('/user add name=bob group=read password=pw', 'a.rsc');
    const c = new Console(r);
    const detail = c.execute('/user print detail').text;
    expect(detail).toContain('bob');
    expect(detail).not.toMatch(/pbkdf2|password=/);
  });

  test('hashing: salted (two hashes differ), empty stays empty', () => {
    expect(hashPassword('')).toBe('');
    expect(hashPassword('a', 1000)).not.toBe(hashPassword('a', 1000));
    expect(verifyPassword('', '')).toBe(true);
    expect(verifyPassword('x', '')).toBe(false);
    expect(verifyPassword('x', 'garbage')).toBe(false);
  });

  test('/ip service keeps api/www props: port, address, disabled, certificate', () => {
    const r = new RouterInstance();
    const res = r.load('/ip service\nset api port=18728 address=127.0.0.0/8,10.0.0.0/24\nset www-ssl certificate=c1 disabled=no\nset api-ssl disabled=yes\n', 's.rsc');
    expect(res.errors).toEqual([]);
    const t = r.store.table('/ip service')!;
    expect(t.value(t.byKey('api')!, 'port')).toBe('18728');
    expect(t.value(t.byKey('api')!, 'address')).toBe('127.0.0.0/8,10.0.0.0/24');
    expect(t.value(t.byKey('www-ssl')!, 'certificate')).toBe('c1');
    expect(t.value(t.byKey('api-ssl')!, 'disabled')).toBe('yes');
    expect(r.load('/ip service set api port=70000\n', 't.rsc').ok).toBe(false);
  });
});

describe('passwords cannot be read back', () => {
  test('get of a password is an error; get and print as-value leave it out', () => {
    const r = new RouterInstance();
    r.load('/user add name=bob group=read password=pw', 'a.rsc');
    const direct = r.runLine(':put [/user get bob password]', []);
    expect(direct.ok).toBe(false);
    expect(direct.error).toContain('password cannot be read (it is stored hashed)');
    const all = r.runLine(':put [/user get bob]', []);
    expect(all.ok).toBe(true);
    expect(all.output).toContain('name=bob');
    expect(all.output).not.toMatch(/pbkdf2|password/);
    const asValue = r.runLine(':put [/user print as-value]', []);
    expect(asValue.output).toContain('bob');
    expect(asValue.output).not.toMatch(/pbkdf2|password/);
  });
});
