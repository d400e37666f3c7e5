/** Shared by the API tests: a router with users, an API server on a free loopback port, a raw client. */
import * as net from 'node:net';
import { RouterInstance } from '../../../control/instance/router';
import { ApiServer, type ApiServerOptions } from '../../../control/api/server';
import { SentenceReader, encodeSentence } from '../../../control/api/words';

export const USERS = [
  '/user group add name=ro policy=read,api,rest-api',
  '/user add name=api group=full password=secret',
  '/user add name=viewer group=ro password=look',
  '/ip firewall address-list add list=blocked address=10.0.0.1 comment=first',
  '/ip firewall address-list add list=blocked address=10.0.0.2',
  '/ip firewall address-list add list=allowed address=192.168.1.0/24',
].join('\n');

export function router(extra = ''): RouterInstance {
  const r = new RouterInstance();
  const res = r.load(USERS + '\n' + extra, 'test.rsc');
  if (!res.ok) throw new Error(res.errors.map((e) => e.message).join('\n'));
  return r;
}

export async function apiServer(r: RouterInstance, opts: ApiServerOptions = {}): Promise<{ server: ApiServer; port: number }> {
  const server = new ApiServer(r, opts);
  const a = await server.listen(0, '127.0.0.1');
  return { server, port: a.port };
}

/** A minimal client over raw sentences (for what libraries do not send). */
export class RawClient {
  readonly sock: net.Socket;
  private readonly reader = new SentenceReader({ maxWord: 1 << 24, maxSentence: 1 << 26, maxWords: 1 << 20 });
  private readonly queue: string[][] = [];
  private waiters: (() => void)[] = [];
  closed = false;

  constructor(port: number) {
    this.sock = net.connect(port, '127.0.0.1');
    this.sock.on('data', (d) => {
      for (const ev of this.reader.push(d)) if (ev.kind === 'sentence') this.queue.push(ev.words);
      this.wake();
    });
    this.sock.on('close', () => {
      this.closed = true;
      this.wake();
    });
    this.sock.on('error', () => {});
  }

  private wake(): void {
    const w = this.waiters;
    this.waiters = [];
    for (const f of w) f();
  }

  ready(): Promise<void> {
    return new Promise((res) => this.sock.once('connect', () => res()));
  }

  write(words: string[]): void {
    this.sock.write(encodeSentence(words));
  }

  /** The next sentence (undefined when the connection closed first). */
  async next(timeoutMs = 3000): Promise<string[] | undefined> {
    const end = Date.now() + timeoutMs;
    while (this.queue.length === 0) {
      if (this.closed) return undefined;
      if (Date.now() > end) throw new Error('timeout waiting for a reply');
      await new Promise<void>((res) => {
        this.waiters.push(res);
        setTimeout(res, 50);
      });
    }
    return this.queue.shift();
  }

  /** Sentences up to and including the `!done` of a command (untagged use). */
  async until(reply = '!done'): Promise<string[][]> {
    const out: string[][] = [];
    for (;;) {
      const s = await this.next();
      if (s === undefined) return out;
      out.push(s);
      if (s[0] === reply || s[0] === '!fatal') return out;
    }
  }

  async call(words: string[]): Promise<string[][]> {
    this.write(words);
    return this.until();
  }

  async login(name = 'api', password = 'secret'): Promise<string[][]> {
    return this.call(['/login', `=name=${name}`, `=password=${password}`]);
  }

  close(): void {
    this.sock.destroy();
  }
}
