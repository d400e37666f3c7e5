/**
 * The passwords a router was given, as written, kept in memory only: what the API's old MD5 challenge
 * login (pre-6.43 `/login` → `=ret=<challenge>` → `=response=00<md5(0, password, challenge)>`) needs,
 * since the store keeps only a salted hash (control/store/password.ts) and MD5 of a challenge cannot be
 * checked against one. RouterOS 6 kept its passwords recoverable too, which is what made that login work.
 *
 * - Filled when a password is set and the change commits (config load, console line, API command: the
 *   executor's `password` hook), keyed by the stored hash that text became. A hash written as the value
 *   (an `export show-sensitive` loaded back) brings no text: such a user can use the current login only.
 * - Never in the store, so never in an export (not even `show-sensitive`), a clone or a file; nothing
 *   writes it anywhere. It dies with the process.
 * - `prune` forgets every text whose hash is no longer some user's stored password: a password that
 *   changed or a user that was removed takes its text along (the router calls it after each change that
 *   may have touched `/user`).
 *
 * The trade-off: whoever can read the process's memory (root, a core dump) gets the passwords set since
 * it started, as on RouterOS 6; the store, exports and files still hold only salted hashes. A router that
 * must not hold them in memory either can be given hashes (`password=pbkdf2-sha256:...`, as
 * `export show-sensitive` prints them): then its users log in with the current `/login` only.
 */
export class PasswordMemory {
  private readonly texts = new Map<string, string>();

  /** Remember `text` as the password that was stored as `stored`. */
  remember(text: string, stored: string): void {
    if (text === '' || text === stored) return;
    this.texts.set(stored, text);
  }

  /** The text that was stored as `stored`, if this router saw it written. */
  text(stored: string): string | undefined {
    return this.texts.get(stored);
  }

  /** Forget every text whose stored hash is not in `live` (the users' stored passwords now). */
  prune(live: ReadonlySet<string>): void {
    for (const h of this.texts.keys()) if (!live.has(h)) this.texts.delete(h);
  }

  get size(): number {
    return this.texts.size;
  }
}
