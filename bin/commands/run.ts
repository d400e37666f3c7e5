/**
 * `flowplane run --config FILE`: load a config into a router and serve its management APIs (binary API,
 * REST) until SIGINT or SIGTERM. Without `--tap` (which [live] adds) the router's interfaces are unplugged:
 * a router run for its APIs alone, as a test target for API clients, Ansible or Terraform.
 */
import * as fs from 'node:fs';
import type { Command, Io } from '../cli';
import { CONFIG_OPTIONS_HELP, loadRouter, parseConfigArgs, readConfigFile, reportLoadErrors } from './config-args';
import { type Management, type ServiceName, startManagement } from '../../control/api/services';

const USAGE = `usage: flowplane run --config FILE.rsc [--api-port N] [--rest-port N] [--api-ssl-port N] [--rest-ssl-port N]
                     [--listen ADDR] [--tls-cert FILE --tls-key FILE] [--no-empty] [--strict] [--ethernet-ports N]

Loads FILE.rsc into a router and serves its management APIs as /ip service configures them, until
SIGINT or SIGTERM:
  api      RouterOS binary API (default port 8728)    api-ssl   the same over TLS (8729)
  www      REST under /rest, HTTP Basic auth (80)     www-ssl   REST over HTTPS (443, disabled by default)
Every change through an API applies to the router atomically (one command, all of it or nothing).
Without --tap (coming with [live]) the router's interfaces are unplugged.

Safe by default: services listen on loopback (127.0.0.1) unless their /ip service address= admits
other clients or --listen names an address; a non-loopback listener refuses to start while a full user
has an empty password (/user set admin password=...). Failed logins are rate-limited per source.

options:
  --config FILE        the configuration to load (required)
  --api-port N         port of api (0 = any free port; the port used is printed)
  --rest-port N        port of www (REST over HTTP)
  --api-ssl-port N     port of api-ssl
  --rest-ssl-port N    port of www-ssl
  --listen ADDR        listen address of every service (default 127.0.0.1, or :: where address= is set)
  --tls-cert FILE      PEM certificate for api-ssl and www-ssl (skipped without one)
  --tls-key FILE       PEM private key for it
  --no-empty           answer empty prints with !done only, as RouterOS before 7.18 (some clients need it)
${CONFIG_OPTIONS_HELP}

exit status: 0 stopped by a signal, 1 FILE has errors or a service cannot start, 2 usage error.
`;

const PORT_OPTIONS: Record<string, ServiceName> = { 'api-port': 'api', 'rest-port': 'www', 'api-ssl-port': 'api-ssl', 'rest-ssl-port': 'www-ssl' };

async function run(args: string[], io: Io, until?: Promise<void>): Promise<number> {
  const a = parseConfigArgs('run', args, USAGE, io, {
    config: { type: 'string' },
    'api-port': { type: 'string' },
    'rest-port': { type: 'string' },
    'api-ssl-port': { type: 'string' },
    'rest-ssl-port': { type: 'string' },
    listen: { type: 'string' },
    'tls-cert': { type: 'string' },
    'tls-key': { type: 'string' },
    'no-empty': { type: 'boolean' },
  });
  if (typeof a === 'number') return a;
  const v = a.values;
  const file = typeof v['config'] === 'string' ? v['config'] : a.positionals[0];
  if (file === undefined || a.positionals.length > (v['config'] !== undefined ? 0 : 1)) {
    io.err(`flowplane run: --config FILE is required\n${USAGE}`);
    return 2;
  }
  const ports: Partial<Record<ServiceName, number>> = {};
  for (const [opt, svc] of Object.entries(PORT_OPTIONS)) {
    const p = v[opt];
    if (typeof p !== 'string') continue;
    if (!/^\d+$/.test(p) || Number(p) > 65535) {
      io.err(`flowplane run: --${opt} expects a port 0..65535, found '${p}'\n`);
      return 2;
    }
    ports[svc] = Number(p);
  }
  const certFile = v['tls-cert'];
  const keyFile = v['tls-key'];
  if ((certFile === undefined) !== (keyFile === undefined)) {
    io.err('flowplane run: --tls-cert and --tls-key go together\n');
    return 2;
  }
  let tls: { key: Buffer; cert: Buffer } | undefined;
  if (typeof certFile === 'string' && typeof keyFile === 'string') {
    try {
      tls = { cert: fs.readFileSync(certFile), key: fs.readFileSync(keyFile) };
    } catch (e) {
      io.err(`flowplane run: cannot read the TLS files: ${(e as Error).message}\n`);
      return 2;
    }
  }
  const text = readConfigFile('run', file, io);
  if (typeof text === 'number') return text;
  const loaded = loadRouter(a, text, file);
  if (!loaded.result.ok) return reportLoadErrors('run', file, loaded.result, 'not started', io);
  let m: Management;
  try {
    m = await startManagement(loaded.router, {
      ports,
      ...(typeof v['listen'] === 'string' ? { listen: v['listen'] } : {}),
      ...(tls ? { tls } : {}),
      ...(v['no-empty'] ? { emptyReply: false } : {}),
    });
  } catch (e) {
    io.err(`flowplane run: ${(e as Error).message}\n`);
    return 1;
  }
  for (const s of m.services) io.out(`${s.name} listening on ${s.host.includes(':') ? `[${s.host}]` : s.host}:${s.port}\n`);
  for (const s of m.skipped) io.out(`${s.name} not started: ${s.why}\n`);
  if (m.services.length === 0) io.out('no service is enabled: nothing to serve\n');
  await (until ??
    new Promise<void>((resolve) => {
      process.once('SIGINT', () => resolve());
      process.once('SIGTERM', () => resolve());
    }));
  await m.close();
  io.out('stopped\n');
  return 0;
}

export const runCommand: Command = {
  name: 'run',
  summary: 'run a router and serve its management APIs (binary API, REST); TAP ports come with [live]',
  usage: 'flowplane run --config FILE.rsc [--api-port N] [--rest-port N] [--listen ADDR] [--tls-cert F --tls-key F]',
  run: (args, io) => run(args, io),
};

/** For tests: the same command, stopped when `until` resolves instead of by a signal. */
export function runUntil(args: string[], io: Io, until: Promise<void>): Promise<number> {
  return run(args, io, until);
}
