/**
 * The management services of a router as its `/ip service` config says: `api` (binary API), `api-ssl` (the
 * same over TLS), `www` (REST over HTTP), `www-ssl` (REST over HTTPS), each with its port, `disabled` and
 * `address=` (the client prefixes allowed to connect).
 *
 * Safe by default: a service listens on loopback unless its `address=` lets other clients in (then on all
 * addresses, admitting only those prefixes) or the caller names a listen address. A listener that is not
 * loopback-only does not start while a full user (write and policy rights) has an empty password. TLS
 * `max-sessions` bounds the connections a service holds at once (further ones are closed at accept). TLS
 * services need a key and certificate from the caller (flowplane does not model `/certificate`); without
 * them they are skipped with a note.
 */
import * as net from 'node:net';
import type { RouterInstance } from '../instance/router';
import { Authenticator, addressAllowed, fullUsersWithoutPassword, plainAddress } from './auth';
import { ApiServer } from './server';
import { RestServer } from './rest';

export interface ManagementOptions {
  /** Listen address for every service (default: loopback, or all addresses where `address=` is set). */
  listen?: string;
  /** Port overrides by service name (`api`, `api-ssl`, `www`, `www-ssl`); 0 = any free port. */
  ports?: Partial<Record<ServiceName, number>>;
  /** Key and certificate (PEM) for api-ssl and www-ssl. */
  tls?: { key: string | Buffer; cert: string | Buffer };
  /** `!empty` replies (RouterOS 7.18+; default true). */
  emptyReply?: boolean;
  /** Start only these services (default: every enabled one). */
  only?: readonly ServiceName[];
}

export type ServiceName = 'api' | 'api-ssl' | 'www' | 'www-ssl';
const SERVICES: readonly ServiceName[] = ['api', 'api-ssl', 'www', 'www-ssl'];

export interface RunningService {
  readonly name: ServiceName;
  readonly host: string;
  readonly port: number;
  close(): Promise<void>;
}

export interface Management {
  readonly services: RunningService[];
  /** Services not started, and why. */
  readonly skipped: { name: ServiceName; why: string }[];
  close(): Promise<void>;
}

function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || /^127\./.test(host);
}

/** Start the enabled services; throws (starting nothing) when one may not or cannot start. */
export async function startManagement(router: RouterInstance, opts: ManagementOptions = {}): Promise<Management> {
  const table = router.store.table('/ip service');
  if (table === undefined) throw new Error('this router has no /ip service menu');
  const auth = new Authenticator(router);
  const plan: { name: ServiceName; host: string; port: number; allowed: string; maxSessions: number }[] = [];
  const skipped: { name: ServiceName; why: string }[] = [];
  for (const name of SERVICES) {
    if (opts.only !== undefined && !opts.only.includes(name)) continue;
    const item = table.byKey(name);
    if (item === undefined) continue;
    if (table.disabled(item)) {
      skipped.push({ name, why: 'disabled in /ip service' });
      continue;
    }
    if ((name === 'api-ssl' || name === 'www-ssl') && opts.tls === undefined) {
      skipped.push({ name, why: 'needs a TLS key and certificate (--tls-key, --tls-cert)' });
      continue;
    }
    const allowed = table.value(item, 'address') ?? '';
    const host = opts.listen ?? (allowed === '' ? '127.0.0.1' : '::');
    plan.push({ name, host, port: opts.ports?.[name] ?? Number(table.value(item, 'port')), allowed, maxSessions: Number(table.value(item, 'max-sessions') ?? 20) });
  }
  const open = plan.filter((p) => !isLoopback(p.host));
  const empty = fullUsersWithoutPassword(router);
  if (open.length > 0 && empty.length > 0) {
    throw new Error(`refusing to listen on ${open.map((p) => `${p.host} (${p.name})`).join(', ')}: full user${empty.length > 1 ? 's' : ''} ${empty.join(', ')} ha${empty.length > 1 ? 've' : 's'} no password (set one: /user set ${empty[0]} password=...)`);
  }
  const services: RunningService[] = [];
  try {
    for (const p of plan) {
      const admit = (sock: net.Socket) => addressAllowed(p.allowed, plainAddress(sock.remoteAddress));
      const tls = p.name.endsWith('-ssl') ? opts.tls : undefined;
      if (p.name.startsWith('api')) {
        const s = new ApiServer(router, { auth, ...(tls ? { tls } : {}), ...(opts.emptyReply !== undefined ? { emptyReply: opts.emptyReply } : {}) });
        s.server.prependListener('connection', (sock: net.Socket) => {
          if (!admit(sock)) sock.destroy();
        });
        s.server.maxConnections = p.maxSessions;
        const a = await s.listen(p.port, p.host);
        services.push({ name: p.name, host: p.host, port: a.port, close: () => s.close() });
      } else {
        const s = new RestServer(router, { auth, ...(tls ? { tls } : {}) });
        s.server.prependListener('connection', (sock: net.Socket) => {
          if (!admit(sock)) sock.destroy();
        });
        const a = await s.listen(p.port, p.host);
        services.push({ name: p.name, host: p.host, port: a.port, close: () => s.close() });
      }
    }
  } catch (e) {
    await Promise.all(services.map((s) => s.close()));
    throw e;
  }
  return { services, skipped, close: async () => void (await Promise.all(services.map((s) => s.close()))) };
}
