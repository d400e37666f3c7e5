/**
 * The RouterOS binary API server (`/ip service` api, TCP 8728; api-ssl over TLS, 8729): sentences in,
 * replies out, every command through the shared command layer (commands.ts → RouterInstance.runCommand).
 *
 * Per connection: a bounded sentence reader (words.ts; small limits and a login deadline before login, a
 * `!fatal` and close when they are passed or a reserved control byte arrives), `/login` (name and password,
 * or the old MD5 challenge, checked against the password text the router keeps in memory: auth.ts), then
 * commands. Each reply carries the request's `.tag`. Commands run one after
 * another as they arrive (each is synchronous and atomic); `listen` stays open and streams changes of its
 * menu (`!re` per changed item, `=.dead=yes` for a removed one) until `/cancel` (its tag, or all), which
 * ends it with `!trap =category=2 =message=interrupted` and `!done`. `!empty` answers a print that found
 * nothing (RouterOS 7.18+), unless the server is told to behave like an older RouterOS.
 *
 * UNCONFIRMED: a command before login gets `!trap =category=5 =message=not logged in` (the session stays
 * open until the login deadline); `/quit` answers `!fatal session terminated on request`; the limits before
 * and after login are flowplane's (RouterOS only says input before login is limited).
 *
 * Nothing a client sends can throw out of here: a bug in a command becomes a `!trap`, a protocol error a
 * `!fatal`; one connection's trouble never reaches another's.
 */
import { randomBytes } from 'node:crypto';
import * as net from 'node:net';
import * as tls from 'node:tls';
import type { RouterInstance, StoreChange } from '../instance/router';
import { type AuthOptions, Authenticator, plainAddress } from './auth';
import { type ApiRow, type ApiUser, parseProplist, printRows, runApiCommand, splitCommand } from './commands';
import { compileQuery } from './query';
import { type ReaderLimits, SentenceReader, encodeSentence } from './words';

export interface ApiServerOptions {
  /** Answer an empty print with `!empty` then `!done` (RouterOS 7.18+; default true). */
  emptyReply?: boolean;
  /**
   * Answer every `/login` without `=response=` with a challenge, as RouterOS before 6.43 did (clients that
   * send name and password first, like node-routeros, then fall back to the challenge; default false).
   */
  challengeOnly?: boolean;
  /** TLS (api-ssl): key and certificate, PEM. */
  tls?: { key: string | Buffer; cert: string | Buffer };
  /** Milliseconds a connection has to log in (default 10 s). */
  loginTimeoutMs?: number;
  /** Limits before login (default: words of 1 KiB, sentences of 4 KiB). */
  preLogin?: ReaderLimits;
  /** Limits after login (default: words of 1 MiB, sentences of 8 MiB). */
  postLogin?: ReaderLimits;
  /** Streaming `listen` commands per connection (default 64). */
  maxListeners?: number;
  /** Share failed-login counting with other servers of the router (the REST server). */
  auth?: Authenticator;
  authOptions?: AuthOptions;
}

const PRE_LOGIN: ReaderLimits = { maxWord: 1024, maxSentence: 4096, maxWords: 16 };
const POST_LOGIN: ReaderLimits = { maxWord: 1 << 20, maxSentence: 8 << 20, maxWords: 100_000 };
/** Bytes queued to a slow client before it is dropped. */
const MAX_QUEUED = 64 << 20;

interface Listen {
  readonly path: string[];
  readonly tag: string | undefined;
  readonly proplist: Set<string> | undefined;
  known: Map<string, string>;
  off: () => void;
}

class Connection {
  private readonly reader: SentenceReader;
  private user: ApiUser | undefined;
  private challenge: Buffer | undefined;
  private timer: NodeJS.Timeout | undefined;
  private readonly listens = new Set<Listen>();
  private closed = false;
  readonly source: string;

  constructor(
    private readonly server: ApiServer,
    private readonly socket: net.Socket,
  ) {
    this.source = plainAddress(socket.remoteAddress);
    this.reader = new SentenceReader(server.preLogin);
    this.timer = setTimeout(() => this.fatal('not logged in in time'), server.loginTimeoutMs);
    socket.setNoDelay(true);
    socket.on('data', (d: Buffer) => this.data(d));
    socket.on('error', () => this.close());
    socket.on('close', () => this.close());
  }

  private data(d: Buffer): void {
    if (this.closed) return;
    for (const ev of this.reader.push(d)) {
      if (this.closed) return;
      if (ev.kind === 'fatal') return this.fatal(ev.message);
      try {
        this.sentence(ev.words);
      } catch (err) {
        // A flowplane bug must not end the server; the client learns of it.
        this.send('!trap', [['message', `internal error: ${err instanceof Error ? err.message : String(err)}`]], undefined);
        this.send('!done', [], undefined);
      }
    }
  }

  send(reply: string, attrs: Iterable<readonly [string, string]>, tag: string | undefined): void {
    if (this.closed) return;
    const words = [reply];
    for (const [k, v] of attrs) words.push(`=${k}=${v}`);
    if (tag !== undefined) words.push(`.tag=${tag}`);
    this.socket.write(encodeSentence(words));
    if (this.socket.writableLength > MAX_QUEUED) this.close();
  }

  private fatal(message: string): void {
    if (this.closed) return;
    this.socket.write(encodeSentence(['!fatal', message]));
    this.socket.end();
    this.close();
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    for (const l of this.listens) l.off();
    this.listens.clear();
    this.server.forget(this);
    this.socket.destroy();
  }

  private trap(category: number | undefined, message: string, tag: string | undefined): void {
    const attrs: [string, string][] = [];
    if (category !== undefined) attrs.push(['category', String(category)]);
    attrs.push(['message', message]);
    this.send('!trap', attrs, tag);
    this.send('!done', [], tag);
  }

  private sentence(words: string[]): void {
    const first = words[0]!;
    let tag: string | undefined;
    const attrs: [string, string][] = [];
    const queries: string[] = [];
    for (let i = 1; i < words.length; i++) {
      const w = words[i]!;
      if (w.startsWith('=')) {
        const eq = w.indexOf('=', 1);
        if (eq < 0) attrs.push([w.slice(1), '']);
        else attrs.push([w.slice(1, eq), w.slice(eq + 1)]);
      } else if (w.startsWith('.tag=')) tag = w.slice(5);
      else if (w.startsWith('?')) queries.push(w);
      else if (w.startsWith('.')) continue; // other API attributes: ignored
      else return this.trap(5, `unknown word ${w.length > 40 ? w.slice(0, 40) + '...' : w}`, tag);
    }
    const cmd = splitCommand(first);
    if (cmd === undefined) return this.trap(0, 'no such command', tag);
    const full = '/' + [...cmd.path, cmd.verb].join('/');
    if (full === '/login') return this.login(attrs, tag);
    if (full === '/quit') return this.fatal('session terminated on request');
    if (this.user === undefined) return this.trap(5, 'not logged in', tag);
    if (full === '/cancel') return this.cancel(attrs, tag);
    if (cmd.verb === 'listen') return this.listen(cmd.path, attrs, queries, tag);
    const r = runApiCommand(this.server.router, this.user, { path: cmd.path, verb: cmd.verb, attrs, queries });
    if (!r.ok) return this.trap(r.category, r.message, tag);
    for (const row of r.rows) this.send('!re', row, tag);
    if (r.listed && r.rows.length === 0 && this.server.emptyReply) this.send('!empty', [], tag);
    this.send('!done', r.ret !== undefined ? [['ret', r.ret]] : [], tag);
  }

  private login(attrs: readonly [string, string][], tag: string | undefined): void {
    if (this.user !== undefined) return this.trap(5, 'already logged in', tag);
    const get = (k: string) => attrs.find(([n]) => n === k)?.[1];
    const name = get('name');
    const password = get('password');
    const response = get('response');
    if (name === undefined || (response === undefined && this.server.challengeOnly)) {
      // The old form, first step: a challenge.
      this.challenge = randomBytes(16);
      this.send('!done', [['ret', this.challenge.toString('hex')]], tag);
      return;
    }
    const auth = this.server.auth;
    let r;
    if (response !== undefined) {
      if (this.challenge === undefined) return this.trap(undefined, 'cannot log in: no challenge was asked for', tag);
      r = auth.loginChallenge(name, response, this.challenge, this.source, 'api');
      this.challenge = undefined;
    } else r = auth.login(name, password ?? '', this.source, 'api');
    if (!r.ok) {
      this.trap(undefined, r.message, tag);
      return;
    }
    this.user = r.user;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.reader.limits = this.server.postLogin;
    this.send('!done', [], tag);
  }

  private cancel(attrs: readonly [string, string][], tag: string | undefined): void {
    const which = attrs.find(([n]) => n === 'tag')?.[1];
    for (const l of [...this.listens]) {
      if (which !== undefined && l.tag !== which) continue;
      this.listens.delete(l);
      l.off();
      this.trap(2, 'interrupted', l.tag);
    }
    this.send('!done', [], tag);
  }

  private listen(path: string[], attrs: readonly [string, string][], queries: string[], tag: string | undefined): void {
    if (!this.user!.policies.has('read')) return this.trap(4, 'not enough permissions (9)', tag);
    if (this.listens.size >= this.server.maxListeners) return this.trap(5, 'too many listen commands on this connection', tag);
    const proplist = parseProplist(attrs.find(([n]) => n === '.proplist')?.[1]);
    const q = queries.length > 0 ? compileQuery(queries) : undefined;
    if (typeof q === 'string') return this.trap(1, q, tag);
    const first = printRows(this.server.router, path, undefined, q, proplist);
    if (!first.ok) return this.trap(first.category, first.message, tag);
    const l: Listen = { path, tag, proplist, known: snapshot(first.rows), off: () => {} };
    const off = this.server.router.onChange((ch) => this.changed(l, ch, q));
    l.off = off;
    this.listens.add(l);
  }

  private changed(l: Listen, ch: StoreChange, q: ReturnType<typeof compileQuery> | undefined): void {
    if (this.closed || typeof q === 'string') return;
    const path = '/' + l.path.join(' ');
    if (ch.menus !== undefined && !ch.menus.some((m) => m === path || m.startsWith(path + ' ') || path === '/interface')) return;
    const r = printRows(this.server.router, l.path, undefined, q, l.proplist);
    if (!r.ok) return;
    const now = snapshot(r.rows);
    for (const row of r.rows) {
      const id = row.get('.id') ?? '';
      const text = rowText(row);
      if (l.known.get(id) !== text) this.send('!re', row, l.tag);
    }
    for (const id of l.known.keys()) if (!now.has(id)) this.send('!re', [['.id', id], ['.dead', 'yes']], l.tag);
    l.known = now;
  }
}

function rowText(row: ApiRow): string {
  let s = '';
  for (const [k, v] of row) s += `${k}\u0000${v}\u0001`;
  return s;
}

function snapshot(rows: readonly ApiRow[]): Map<string, string> {
  const m = new Map<string, string>();
  for (const r of rows) m.set(r.get('.id') ?? '', rowText(r));
  return m;
}

/** One API listener (plain or TLS) for one router. */
export class ApiServer {
  readonly server: net.Server;
  readonly auth: Authenticator;
  readonly emptyReply: boolean;
  readonly challengeOnly: boolean;
  readonly loginTimeoutMs: number;
  readonly preLogin: ReaderLimits;
  readonly postLogin: ReaderLimits;
  readonly maxListeners: number;
  private readonly conns = new Set<Connection>();

  constructor(
    readonly router: RouterInstance,
    opts: ApiServerOptions = {},
  ) {
    this.auth = opts.auth ?? new Authenticator(router, opts.authOptions);
    this.emptyReply = opts.emptyReply ?? true;
    this.challengeOnly = opts.challengeOnly ?? false;
    this.loginTimeoutMs = opts.loginTimeoutMs ?? 10_000;
    this.preLogin = opts.preLogin ?? PRE_LOGIN;
    this.postLogin = opts.postLogin ?? POST_LOGIN;
    this.maxListeners = opts.maxListeners ?? 64;
    const accept = (s: net.Socket) => this.attach(s);
    this.server = opts.tls ? tls.createServer({ key: opts.tls.key, cert: opts.tls.cert }, accept) : net.createServer(accept);
    this.server.on('error', () => {});
    if (opts.tls) this.server.on('tlsClientError', () => {});
  }

  /** Serve a connected socket (the listener does this; tests and fuzzers may hand in their own stream). */
  attach(s: net.Socket): void {
    this.conns.add(new Connection(this, s));
  }

  forget(c: Connection): void {
    this.conns.delete(c);
  }

  /** Connections open now. */
  get connections(): number {
    return this.conns.size;
  }

  listen(port: number, host: string): Promise<net.AddressInfo> {
    return new Promise((resolve, reject) => {
      const onError = (e: Error) => reject(e);
      this.server.once('error', onError);
      this.server.listen(port, host, () => {
        this.server.off('error', onError);
        resolve(this.server.address() as net.AddressInfo);
      });
    });
  }

  close(): Promise<void> {
    for (const c of [...this.conns]) c.close();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}
