/**
 * Stored passwords: `/user password=` is kept as a salted PBKDF2-SHA256 hash, never as the text written.
 *
 * The canonical form of a password value (canonical.ts) is the hash, so the plain text never reaches the
 * store, an export (`export show-sensitive` prints the hash, which loads back unchanged) or a clone. The
 * API and REST servers check a login with `verifyPassword`.
 *
 * Format: `pbkdf2-sha256:<iterations>:<salt, base64url>:<hash, base64url>` (no `$`, which RouterOS strings
 * would read as a variable). An empty password is stored empty: there is nothing to hide, and the servers
 * must see at a glance that a full user has none (they refuse a non-loopback listener then).
 *
 * The salt comes from the operating system's random source, not from a seeded generator: a salt is a
 * security value, and a predictable one would defeat it. Nothing in the packet flow depends on it.
 */
import { pbkdf2Sync, randomBytes, timingSafeEqual } from 'node:crypto';

const SCHEME = 'pbkdf2-sha256';
/** Iterations of new hashes (a login costs one derivation; the servers cache verified credentials). */
export const PASSWORD_ITERATIONS = 100_000;
const STORED = /^pbkdf2-sha256:(\d{1,7}):([A-Za-z0-9_-]{16,64}):([A-Za-z0-9_-]{43})$/;

/** Is `text` a stored hash (as canonical() produced it)? */
export function isPasswordHash(text: string): boolean {
  return STORED.test(text);
}

/** The stored form of a password written by a user: a hash with a fresh salt; empty stays empty; a hash stays. */
export function hashPassword(text: string, iterations = PASSWORD_ITERATIONS): string {
  if (text === '' || isPasswordHash(text)) return text;
  const salt = randomBytes(16);
  const hash = pbkdf2Sync(Buffer.from(text, 'utf8'), salt, iterations, 32, 'sha256');
  return `${SCHEME}:${iterations}:${salt.toString('base64url')}:${hash.toString('base64url')}`;
}

/** Does `password` match the stored value (`''` = no password)? Constant time in the hash comparison. */
export function verifyPassword(password: string, stored: string): boolean {
  if (stored === '') return password === '';
  const m = STORED.exec(stored);
  if (m === null) return false;
  const iterations = Number(m[1]);
  if (iterations < 1) return false;
  const want = Buffer.from(m[3]!, 'base64url');
  const got = pbkdf2Sync(Buffer.from(password, 'utf8'), Buffer.from(m[2]!, 'base64url'), iterations, want.length, 'sha256');
  return timingSafeEqual(want, got);
}
