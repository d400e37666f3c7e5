/**
 * The RouterOS REST API (`/rest` on www, HTTP; www-ssl, HTTPS): HTTP Basic auth with `/user` accounts
 * (`rest-api` policy), JSON in and out, every command through the same command layer as the binary API
 * (commands.ts) and the console.
 *
 * | request | command | answer |
 * |---|---|---|
 * | GET `/rest/<menu>` (`?prop=v`, `?.proplist=a,b`) | print with equality queries | 200, array of objects |
 * | GET `/rest/<menu>/<*id or name>` | print of that item | 200 object, 404 |
 * | PUT `/rest/<menu>` + object | add | 201, the new object |
 * | PATCH `/rest/<menu>/<id>` + object | set | 200, the whole object |
 * | DELETE `/rest/<menu>/<id>` | remove | 204, 404 |
 * | POST `/rest/<menu>/<command>` + args, `.proplist`, `.query` | any command | 200: rows, `{ret}` or `[]` |
 *
 * Values are strings (booleans `"true"`/`"false"`, ids `*N`); errors are `{"detail","error","message"}` with
 * RouterOS's status codes (ROUTEROS-FLOW §9): 400 bad argument or unknown menu, 401, 404 unknown item, 406
 * a command the menu lacks, 501 HEAD. Bodies are bounded; the request must authenticate before its body is
 * read. Malformed JSON is a 400, never a crash.
 */
import * as http from 'node:http';
import * as https from 'node:https';
import type { RouterInstance } from '../instance/router';
import { type AuthOptions, Authenticator, plainAddress } from './auth';
import { type ApiResult, type ApiUser, runApiCommand } from './commands';

export interface RestServerOptions {
  tls?: { key: string | Buffer; cert: string | Buffer };
  /** Largest request body (default 8 MiB). */
  maxBody?: number;
  auth?: Authenticator;
  authOptions?: AuthOptions;
}

const STATUS_TEXT: Record<number, string> = { 400: 'Bad Request', 401: 'Unauthorized', 404: 'Not Found', 406: 'Not Acceptable', 413: 'Payload Too Large', 405: 'Method Not Allowed', 429: 'Too Many Requests', 500: 'Internal Server Error', 501: 'Not Implemented' };

/** Bytes of an unwanted body read before the connection is cut. */
const DRAIN_LIMIT = 64 << 10;

class RestError {
  constructor(
    readonly status: number,
    readonly detail?: string,
  ) {}
}

function errorBody(status: number, detail?: string): string {
  const o: Record<string, unknown> = {};
  if (detail !== undefined) o['detail'] = detail;
  o['error'] = status;
  o['message'] = STATUS_TEXT[status] ?? 'Error';
  return JSON.stringify(o);
}

/** JSON value → RouterOS text (booleans yes/no). */
function textOf(v: unknown): string {
  if (typeof v === 'string') return v;
  if (typeof v === 'boolean') return v ? 'yes' : 'no';
  if (typeof v === 'number' && Number.isFinite(v)) return String(v);
  if (Array.isArray(v)) return v.map(textOf).join(',');
  throw new RestError(400, 'values must be strings');
}

/** REST's `.proplist` always includes `.id` (ROUTEROS-FLOW §9). */
function withId(list: string): string {
  return list === '' || list.split(',').includes('.id') ? list : `.id,${list}`;
}

function decodeWord(w: string): string {
  try {
    return decodeURIComponent(w);
  } catch {
    throw new RestError(400, `malformed path word ${w}`);
  }
}

function obj(row: Map<string, string>): Record<string, string> {
  const o: Record<string, string> = {};
  for (const [k, v] of row) o[k] = v;
  return o;
}

export class RestServer {
  readonly server: http.Server;
  readonly auth: Authenticator;
  private readonly maxBody: number;

  constructor(
    readonly router: RouterInstance,
    opts: RestServerOptions = {},
  ) {
    this.auth = opts.auth ?? new Authenticator(router, opts.authOptions);
    this.maxBody = opts.maxBody ?? 8 << 20;
    const handler = (req: http.IncomingMessage, res: http.ServerResponse) => this.handle(req, res);
    this.server = opts.tls ? https.createServer({ key: opts.tls.key, cert: opts.tls.cert }, handler) : http.createServer(handler);
    this.server.headersTimeout = 10_000;
    this.server.requestTimeout = 30_000;
    this.server.maxHeadersCount = 100;
    this.server.on('clientError', (_e, socket) => {
      if (socket.writable) socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n');
      else socket.destroy();
    });
    this.server.on('error', () => {});
  }

  listen(port: number, host: string): Promise<import('node:net').AddressInfo> {
    return new Promise((resolve, reject) => {
      const onError = (e: Error) => reject(e);
      this.server.once('error', onError);
      this.server.listen(port, host, () => {
        this.server.off('error', onError);
        resolve(this.server.address() as import('node:net').AddressInfo);
      });
    });
  }

  close(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }

  private reply(res: http.ServerResponse, status: number, body?: string): void {
    if (res.headersSent) return;
    if (body === undefined) {
      res.writeHead(status);
      res.end();
      return;
    }
    res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
    res.end(body);
  }

  private handle(req: http.IncomingMessage, res: http.ServerResponse): void {
    const fail = (e: unknown) => {
      if (!req.complete && !res.headersSent) {
        // The body is not wanted (no credentials, refused method): read and drop it, a bounded amount, so the
        // connection stays usable; a client that sends more is cut off.
        let drained = 0;
        req.on('data', (d: Buffer) => {
          drained += d.length;
          if (drained > DRAIN_LIMIT) req.destroy();
        });
        req.on('error', () => {});
        req.resume();
      }
      if (e instanceof RestError) this.reply(res, e.status, errorBody(e.status, e.detail));
      else this.reply(res, 500, errorBody(500, e instanceof Error ? e.message : String(e)));
    };
    try {
      if (req.method === 'HEAD') return this.reply(res, 501);
      const url = new URL(req.url ?? '/', 'http://x');
      if (url.pathname !== '/rest' && !url.pathname.startsWith('/rest/')) throw new RestError(404);
      const user = this.authenticate(req);
      if (user === undefined) {
        res.setHeader('www-authenticate', 'Basic realm="flowplane"');
        throw new RestError(401);
      }
      const method = req.method ?? 'GET';
      if (method === 'GET' || method === 'DELETE') {
        req.resume();
        this.route(res, user, method, url, undefined);
        return;
      }
      if (method !== 'PUT' && method !== 'PATCH' && method !== 'POST') throw new RestError(405);
      const chunks: Buffer[] = [];
      let size = 0;
      req.on('data', (d: Buffer) => {
        size += d.length;
        if (size > this.maxBody) {
          if (!res.headersSent) fail(new RestError(413, 'request body too large'));
          return;
        }
        chunks.push(d);
      });
      req.on('error', () => {});
      req.on('end', () => {
        if (size > this.maxBody) return;
        try {
          const text = Buffer.concat(chunks).toString('utf8');
          let body: unknown = {};
          if (text.trim() !== '') {
            try {
              body = JSON.parse(text);
            } catch (e) {
              throw new RestError(400, `JSON: ${e instanceof Error ? e.message : 'malformed'}`);
            }
          }
          if (body === null || typeof body !== 'object' || Array.isArray(body)) throw new RestError(400, 'the body must be a JSON object');
          this.route(res, user, method, url, body as Record<string, unknown>);
        } catch (e) {
          fail(e);
        }
      });
    } catch (e) {
      fail(e);
    }
  }

  private authenticate(req: http.IncomingMessage): ApiUser | undefined {
    const h = req.headers.authorization;
    if (h === undefined || !/^Basic /i.test(h)) return undefined;
    const text = Buffer.from(h.slice(6).trim(), 'base64').toString('utf8');
    const colon = text.indexOf(':');
    if (colon < 0) return undefined;
    const r = this.auth.login(text.slice(0, colon), text.slice(colon + 1), plainAddress(req.socket.remoteAddress), 'rest-api');
    return r.ok ? r.user : undefined;
  }

  /** Is `/a/b` a menu (as opposed to a menu and an item or command)? */
  private isMenu(words: readonly string[]): boolean {
    const path = '/' + words.join(' ');
    return this.router.registry.spec(path) !== undefined || path === '/interface' || (words.length > 0 && this.router.registry.isUnsupported(path));
  }

  private route(res: http.ServerResponse, user: ApiUser, method: string, url: URL, body: Record<string, unknown> | undefined): void {
    const words = url.pathname.split('/').filter((w) => w !== '').slice(1).map(decodeWord);
    const run = (path: readonly string[], verb: string, attrs: [string, string][], queries: string[] = []): ApiResult => runApiCommand(this.router, user, { path, verb, attrs, queries });
    const check = (r: ApiResult, verb: string): Extract<ApiResult, { ok: true }> => {
      if (r.ok) return r;
      if (r.message === 'not enough permissions (9)') throw new RestError(400, r.message);
      if (r.notFound) throw new RestError(404);
      if (r.message === 'no such command prefix') throw new RestError(400, `no such command or directory (${words[words.length - 1] ?? ''})`);
      if (r.message === 'no such command') throw new RestError(406, `no such command or directory (${verb})`);
      throw new RestError(400, r.message);
    };
    const itemOf = (path: readonly string[], id: string): Record<string, string> => {
      const r = check(run(path, 'print', [['.id', id]]), 'print');
      if (r.rows.length === 0) throw new RestError(404);
      return obj(r.rows[0]!);
    };
    const args = (b: Record<string, unknown>, skip: readonly string[]): [string, string][] =>
      Object.entries(b)
        .filter(([k]) => !skip.includes(k))
        .map(([k, v]) => [k, textOf(v)]);
    switch (method) {
      case 'GET': {
        if (this.isMenu(words)) {
          const attrs: [string, string][] = [];
          const queries: string[] = [];
          for (const [k, v] of url.searchParams) {
            if (k === '.proplist') attrs.push(['.proplist', withId(v)]);
            else queries.push(`?${k}=${v}`);
          }
          const r = check(run(words, 'print', attrs, queries), 'print');
          return this.reply(res, 200, JSON.stringify(r.rows.map(obj)));
        }
        if (words.length < 2 || !this.isMenu(words.slice(0, -1))) throw new RestError(400, `no such command or directory (${words[words.length - 1] ?? ''})`);
        return this.reply(res, 200, JSON.stringify(itemOf(words.slice(0, -1), words[words.length - 1]!)));
      }
      case 'PUT': {
        if (!this.isMenu(words)) throw new RestError(400, `no such command or directory (${words[words.length - 1] ?? ''})`);
        const r = check(run(words, 'add', args(body!, ['.proplist'])), 'add');
        return this.reply(res, 201, JSON.stringify(r.ret !== undefined ? itemOf(words, r.ret) : {}));
      }
      case 'PATCH':
      case 'DELETE': {
        if (words.length < 2 || !this.isMenu(words.slice(0, -1))) throw new RestError(400, `no such command or directory (${words[words.length - 1] ?? ''})`);
        const path = words.slice(0, -1);
        const id = words[words.length - 1]!;
        if (method === 'DELETE') {
          check(run(path, 'remove', [['.id', id]]), 'remove');
          return this.reply(res, 204);
        }
        check(run(path, 'set', [['.id', id], ...args(body!, ['.id'])]), 'set');
        return this.reply(res, 200, JSON.stringify(itemOf(path, id)));
      }
      case 'POST': {
        if (words.length < 1) throw new RestError(400, 'no such command or directory ()');
        const path = words.slice(0, -1);
        const verb = words[words.length - 1]!;
        if (!this.isMenu(path) && !(path.length === 0 && verb === 'execute')) throw new RestError(400, `no such command or directory (${path[path.length - 1] ?? verb})`);
        const b = body!;
        const attrs = args(b, ['.proplist', '.query']);
        if (b['.proplist'] !== undefined) attrs.push(['.proplist', withId(textOf(b['.proplist']))]);
        let queries: string[] = [];
        if (b['.query'] !== undefined) {
          if (!Array.isArray(b['.query']) || !b['.query'].every((q) => typeof q === 'string')) throw new RestError(400, '.query must be an array of strings');
          queries = (b['.query'] as string[]).map((q) => (q.startsWith('?') ? q : `?${q}`));
        }
        const r = check(run(path, verb, attrs, queries), verb);
        if (r.rows.length > 0) return this.reply(res, 200, JSON.stringify(r.rows.map(obj)));
        if (r.ret !== undefined) return this.reply(res, 200, JSON.stringify({ ret: r.ret }));
        return this.reply(res, 200, '[]');
      }
    }
  }
}
