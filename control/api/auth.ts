/**
 * Logins for the management APIs: users of `/user` with the policies of their `/user group`.
 *
 * - A login succeeds for an enabled user whose group has the service's policy (`api` for the binary API,
 *   `rest-api` for REST), from an address the user's `address=` allows, with the right password
 *   (control/store/password.ts). Verified credentials are remembered (keyed by a hash of the password and
 *   the stored hash), so REST's per-request Basic auth does not pay a key derivation per request.
 * - Failed logins are counted per source address: after `maxFailures` in a row the source is locked out
 *   for a time that doubles with each further failure (up to `maxLockMs`), and its attempts fail without a
 *   password check. A success clears the count. The table is bounded (oldest sources forgotten first).
 * - The old challenge login (MD5 of 0, password, challenge) needs the password itself: the store keeps
 *   only a hash, so it is checked against the text the router was given when the password was set, kept
 *   in memory only (control/instance/password-memory.ts). A user whose password was loaded as a hash
 *   (an `export show-sensitive` read back) has no text there and can use the current login only. The
 *   password is taken as UTF-8 bytes (UNCONFIRMED for non-ASCII passwords: clients send ASCII).
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import { BlockList, isIPv4, isIPv6 } from 'node:net';
import type { RouterInstance } from '../instance/router';
import { verifyPassword } from '../store/password';
import type { ApiUser } from './commands';

export interface AuthOptions {
  /** Failures in a row before a source is locked out (default 5). */
  maxFailures?: number;
  /** First lockout (default 1 s), doubled per further failure up to `maxLockMs` (default 60 s). */
  lockMs?: number;
  maxLockMs?: number;
  /** Clock in ms (tests pass their own). */
  now?: () => number;
}

export type LoginResult = { readonly ok: true; readonly user: ApiUser } | { readonly ok: false; readonly message: string };

const MAX_SOURCES = 10_000;
const MAX_CACHE = 1024;

/** A source address without the IPv4-mapped prefix (`::ffff:127.0.0.1` → `127.0.0.1`). */
export function plainAddress(a: string | undefined): string {
  if (a === undefined) return '';
  return a.startsWith('::ffff:') && isIPv4(a.slice(7)) ? a.slice(7) : a;
}

/** Is `addr` inside one of the comma-separated prefixes (empty list = anywhere)? */
export function addressAllowed(list: string | undefined, addr: string): boolean {
  if (list === undefined || list === '') return true;
  const bl = new BlockList();
  for (const p of list.split(',')) {
    const [net, len] = p.split('/');
    const type = isIPv6(net!) ? 'ipv6' : 'ipv4';
    try {
      if (len === undefined) bl.addAddress(net!, type);
      else bl.addSubnet(net!, Number(len), type);
    } catch {
      // A prefix the schema let through but the address parser refuses admits nobody.
    }
  }
  const type = isIPv6(addr) ? 'ipv6' : 'ipv4';
  try {
    return bl.check(addr, type);
  } catch {
    return false;
  }
}

/** MD5(0, password as UTF-8, challenge): what the old login's `=response=` carries after its `00`. */
export function challengeResponse(password: string, challenge: Buffer): Buffer {
  return createHash('md5').update(Buffer.from([0])).update(Buffer.from(password, 'utf8')).update(challenge).digest();
}

export class Authenticator {
  private readonly fails = new Map<string, { count: number; until: number }>();
  private readonly verified = new Set<string>();
  private readonly maxFailures: number;
  private readonly lockMs: number;
  private readonly maxLockMs: number;
  readonly now: () => number;

  constructor(
    private readonly router: RouterInstance,
    opts: AuthOptions = {},
  ) {
    this.maxFailures = opts.maxFailures ?? 5;
    this.lockMs = opts.lockMs ?? 1000;
    this.maxLockMs = opts.maxLockMs ?? 60_000;
    this.now = opts.now ?? Date.now;
  }

  /** Is this source locked out now? */
  locked(source: string): boolean {
    const f = this.fails.get(source);
    return f !== undefined && f.until > this.now();
  }

  /** Log in with a name and password. */
  login(name: string, password: string, source: string, policy: string): LoginResult {
    if (this.locked(source)) return { ok: false, message: 'too many failed logins from this address, try again later' };
    const u = this.lookup(name, source, policy);
    let good = false;
    if (u !== undefined) {
      const key = createHash('sha256').update(name).update('\0').update(password).update('\0').update(u.stored).digest('base64');
      if (this.verified.has(key)) good = true;
      else if (verifyPassword(password, u.stored)) {
        good = true;
        if (this.verified.size >= MAX_CACHE) this.verified.clear();
        this.verified.add(key);
      }
    }
    return this.outcome(good ? u : undefined, source);
  }

  /** The old challenge login: `response` is `00` + hex MD5(0, password, challenge). */
  loginChallenge(name: string, response: string, challenge: Buffer, source: string, policy: string): LoginResult {
    if (this.locked(source)) return { ok: false, message: 'too many failed logins from this address, try again later' };
    const u = this.lookup(name, source, policy);
    let good = false;
    const text = u === undefined ? undefined : u.stored === '' ? '' : this.router.passwords.text(u.stored);
    if (text !== undefined && /^00[0-9a-fA-F]{32}$/.test(response)) {
      good = timingSafeEqual(challengeResponse(text, challenge), Buffer.from(response.slice(2), 'hex'));
    }
    return this.outcome(good ? u : undefined, source);
  }

  private outcome(u: { user: ApiUser } | undefined, source: string): LoginResult {
    if (u !== undefined) {
      this.fails.delete(source);
      return { ok: true, user: u.user };
    }
    let f = this.fails.get(source);
    if (f === undefined) {
      if (this.fails.size >= MAX_SOURCES) this.fails.delete(this.fails.keys().next().value!);
      this.fails.set(source, (f = { count: 0, until: 0 }));
    }
    f.count++;
    if (f.count >= this.maxFailures) f.until = this.now() + Math.min(this.maxLockMs, this.lockMs * 2 ** Math.min(20, f.count - this.maxFailures));
    return { ok: false, message: 'invalid user name or password (6)' };
  }

  /** The user if it may use this service from this source (password not checked yet). */
  private lookup(name: string, source: string, policy: string): { user: ApiUser; stored: string } | undefined {
    const users = this.router.store.table('/user');
    const groups = this.router.store.table('/user group');
    if (users === undefined || groups === undefined) return undefined;
    const item = users.byKey(name);
    if (item === undefined || users.disabled(item)) return undefined;
    const g = groups.byKey(users.value(item, 'group') ?? '');
    if (g === undefined) return undefined;
    const policies = new Set((groups.value(g, 'policy') ?? '').split(',').filter((p) => p !== '' && !p.startsWith('!')));
    if (!policies.has(policy)) return undefined;
    if (!addressAllowed(users.value(item, 'address'), source)) return undefined;
    return { user: { name, policies }, stored: users.value(item, 'password') ?? '' };
  }
}

/** Users of a group with the `full`-like write+policy rights and no password (a non-loopback listener refuses to start). */
export function fullUsersWithoutPassword(router: RouterInstance): string[] {
  const users = router.store.table('/user');
  const groups = router.store.table('/user group');
  if (users === undefined || groups === undefined) return [];
  const out: string[] = [];
  for (const u of users.items) {
    if (users.disabled(u) || (users.value(u, 'password') ?? '') !== '') continue;
    const g = groups.byKey(users.value(u, 'group') ?? '');
    const pol = g === undefined ? [] : (groups.value(g, 'policy') ?? '').split(',');
    if (pol.includes('write') && pol.includes('policy')) out.push(users.value(u, 'name') ?? '');
  }
  return out;
}
