/**
 * The management API's command path: sentences decoded, run through the command layer (the console's
 * executor) and answered, on one connection. Targets from the [api] issue: ≥ 20k simple commands/s on one
 * connection; 100k address-list entries added through the API in ≤ 10 s (10k adds/s).
 *
 * The registered cases drive a server connection in process (a socket stand-in: no TCP, whose cost is the
 * kernel's); run this file directly for the same over real loopback TCP with pipelined commands:
 * `npm run build && node dist/bench/micro/api.js`. The same adds on a live router whose dataplane forwards
 * meanwhile: bench/macro/api-live-adds.ts (`npm run bench:api`).
 */
import { EventEmitter } from 'node:events';
import * as net from 'node:net';
import { sink, type AddBench } from '../harness';
import { ApiServer } from '../../control/api/server';
import { SentenceReader, encodeSentence } from '../../control/api/words';
import { RouterInstance } from '../../control/instance/router';

const SETUP = '/user add name=bench group=full password=bench\n';

/** A socket stand-in that counts reply sentences. */
class Sink extends EventEmitter {
  remoteAddress = '127.0.0.1';
  writableLength = 0;
  dones = 0;
  setNoDelay(): this {
    return this;
  }
  write(b: Buffer): boolean {
    // A reply sentence's first word is its type: count the `!done`s.
    if (b.length > 5 && b[0] === 5 && b[1] === 0x21 && b[2] === 0x64) this.dones++;
    return true;
  }
  end(): void {}
  destroy(): void {
    this.emit('close');
  }
}

function connected(): { router: RouterInstance; sock: Sink } {
  const router = new RouterInstance();
  router.load(SETUP, 'bench.rsc');
  const server = new ApiServer(router);
  const sock = new Sink();
  server.attach(sock as unknown as net.Socket);
  sock.emit('data', encodeSentence(['/login', '=name=bench', '=password=bench']));
  if (sock.dones !== 1) throw new Error('bench login failed');
  return { router, sock };
}

/** Adds `n` address-list entries through one connection; returns the entries the router then has. */
function addMany(n: number): number {
  const { router, sock } = connected();
  for (let k = 0; k < n; k++) {
    const a = `10.${(k >> 16) & 255}.${(k >> 8) & 255}.${k & 255}`;
    sock.emit('data', encodeSentence(['/ip/firewall/address-list/add', '=list=bench', `=address=${a}`]));
  }
  if (sock.dones !== n + 1) throw new Error(`adds failed: ${sock.dones - 1} of ${n}`);
  return router.store.table('/ip firewall address-list')!.items.length;
}

export function register(add: AddBench): void {
  const c = connected();
  const identity = encodeSentence(['/system/identity/print']);
  const query = encodeSentence(['/interface/print', '?name=ether3', '=.proplist=name,mtu', '.tag=q']);
  add('simple command (/system/identity/print), one connection', () => {
    c.sock.emit('data', identity);
    sink.n += c.sock.dones;
  }, 1, 'commands', 20e3);
  add('print with a query and .proplist, one connection', () => {
    c.sock.emit('data', query);
    sink.n += c.sock.dones;
  }, 1, 'commands', 20e3);
  add('100k address-list adds through one connection', () => {
    sink.n += addMany(100_000);
  }, 100_000, 'adds', 10e3, { minSamples: 1, maxTime: 5 });
}

/** Over real TCP: `count` commands pipelined on one connection, answered in order. */
async function tcp(port: number, sentences: (k: number) => Buffer, count: number): Promise<number> {
  const sock = net.connect(port, '127.0.0.1');
  await new Promise<void>((res) => sock.once('connect', () => res()));
  const reader = new SentenceReader({ maxWord: 1 << 20, maxSentence: 1 << 24, maxWords: 1 << 16 });
  let dones = 0;
  let need = 1;
  let wake: () => void = () => {};
  sock.on('data', (d) => {
    for (const ev of reader.push(d)) if (ev.kind === 'sentence' && ev.words[0] === '!done') dones++;
    if (dones >= need) wake();
  });
  const until = (n: number) =>
    new Promise<void>((res) => {
      need = n;
      wake = res;
      if (dones >= n) res();
    });
  sock.write(encodeSentence(['/login', '=name=bench', '=password=bench']));
  await until(1);
  const t0 = process.hrtime.bigint();
  const batch = 1000;
  for (let k = 0; k < count; k += batch) {
    const parts: Buffer[] = [];
    for (let j = k; j < Math.min(count, k + batch); j++) parts.push(sentences(j));
    sock.write(Buffer.concat(parts));
    await until(1 + Math.min(count, k + batch));
  }
  const s = Number(process.hrtime.bigint() - t0) / 1e9;
  sock.destroy();
  return s;
}

async function main(): Promise<void> {
  const router = new RouterInstance();
  router.load(SETUP, 'bench.rsc');
  const server = new ApiServer(router);
  const port = (await server.listen(0, '127.0.0.1')).port;
  const identity = encodeSentence(['/system/identity/print']);
  const n1 = 100_000;
  const s1 = await tcp(port, () => identity, n1);
  console.log(`TCP, one connection: ${n1} /system/identity/print in ${s1.toFixed(2)} s = ${Math.round(n1 / s1)} commands/s (target 20000)`);
  const n2 = 100_000;
  const s2 = await tcp(port, (k) => encodeSentence(['/ip/firewall/address-list/add', '=list=bench', `=address=10.${(k >> 16) & 255}.${(k >> 8) & 255}.${k & 255}`]), n2);
  console.log(`TCP, one connection: ${n2} address-list adds in ${s2.toFixed(2)} s (target 10 s); the list has ${router.store.table('/ip firewall address-list')!.items.length} entries`);
  console.log(`heap ${Math.round(process.memoryUsage().heapUsed / 1e6)} MB`);
  await server.close();
}

if (require.main === module) void main();
