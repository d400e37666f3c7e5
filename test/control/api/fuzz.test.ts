/**
 * Abuse: 100k malformed or hostile byte streams through the binary API's connection handling: 88k in
 * process on stand-in sockets (so they run in seconds), 12k over real loopback TCP connections to a
 * listening server, many at once, while a logged-in client keeps asking and getting answers; 10k malformed
 * HTTP requests to REST over real sockets, and raw garbage on real API sockets. The servers stay up, the
 * well-behaved client keeps getting answers, memory stays bounded and the router's config is only changed
 * by commands that were valid.
 */
import { EventEmitter } from 'node:events';
import * as http from 'node:http';
import * as net from 'node:net';
import fc from 'fast-check';
import { RestServer } from '../../../control/api/rest';
import { ApiServer } from '../../../control/api/server';
import { encodeSentence } from '../../../control/api/words';
import { RawClient, router } from './helpers';

/** A socket stand-in: collects what the server writes, closes when told. */
class FakeSocket extends EventEmitter {
  remoteAddress = '127.0.0.1';
  writableLength = 0;
  bytesOut = 0;
  ended = false;
  setNoDelay(): this {
    return this;
  }
  write(b: Buffer): boolean {
    this.bytesOut += b.length;
    return true;
  }
  end(): void {
    this.ended = true;
  }
  destroy(): void {
    if (!this.ended) this.ended = true;
    this.emit('close');
  }
}

const COMMANDS = ['/login', '/cancel', '/quit', '/ip/firewall/address-list/print', '/ip/firewall/address-list/add', '/ip/firewall/address-list/set', '/ip/firewall/address-list/remove', '/ip/firewall/address-list/listen', '/ip/firewall/filter/add', '/ip/firewall/filter/move', '/interface/print', '/user/print', '/nosuch/menu', '/', 'notacommand', ''];
const word = fc.oneof(
  fc.constantFrom(...COMMANDS),
  fc.constantFrom('=.id=*1', '=numbers=*99', '=list=x', '=address=1.2.3.4', '=address=bad', '=disabled=maybe', '=.proplist=', '?list=x', '?#|&!.0', '?<', '?', '=', '==', '.tag=', '.tag=a', '=name=api', '=password=secret', '=response=00zz', '=chain=forward', '=in-interface=nope'),
  fc.string({ maxLength: 40 }),
);
const sentence = fc.array(word, { maxLength: 8 });
const LOGIN = encodeSentence(['/login', '=name=api', '=password=secret']);
/** Hostile byte streams: garbage, fuzzed sentences, a login then fuzzed sentences and a torn tail, control bytes. */
const streams = fc.oneof(
  { weight: 4, arbitrary: fc.uint8Array({ maxLength: 64 }).map((a) => Buffer.from(a)) },
  { weight: 3, arbitrary: fc.array(sentence, { maxLength: 4 }).map((ss) => Buffer.concat(ss.map((s) => encodeSentence(s)))) },
  { weight: 3, arbitrary: fc.tuple(fc.array(sentence, { maxLength: 3 }), fc.uint8Array({ maxLength: 16 })).map(([ss, tail]) => Buffer.concat([LOGIN, ...ss.map((s) => encodeSentence(s)), Buffer.from(tail)])) },
  { weight: 1, arbitrary: fc.constantFrom(Buffer.from([0xf8]), Buffer.from([0xff, 0, 0]), Buffer.from([0xf0, 0xff, 0xff, 0xff, 0xff]), Buffer.from([0xe0, 0xff, 0xff, 0xff]), Buffer.from([0x7f])) },
);
/** Of the 100k streams, this many go over real TCP (the rest on stand-in sockets). */
const OVER_TCP = 12_000;

describe('API and REST under abuse', () => {
  test(`${100_000 - OVER_TCP} malformed and hostile byte streams on stand-in sockets: no crash, bounded memory, another client keeps working`, async () => {
    const r = router();
    const server = new ApiServer(r, { loginTimeoutMs: 60_000 });
    const port = (await server.listen(0, '127.0.0.1')).port;
    const witness = new RawClient(port);
    await witness.ready();
    expect(await witness.login()).toEqual([['!done']]);
    const samples = fc.sample(streams, { numRuns: 100_000 - OVER_TCP, seed: 4242 });
    const heapBefore = process.memoryUsage().heapUsed;
    let fatal = 0;
    for (let i = 0; i < samples.length; i++) {
      const s = new FakeSocket();
      server.attach(s as unknown as net.Socket);
      const b = samples[i]!;
      // Split at an arbitrary point: the reader must not care how TCP cut the bytes.
      const cut = b.length > 1 ? i % b.length : 0;
      s.emit('data', b.subarray(0, cut));
      s.emit('data', b.subarray(cut));
      if (s.ended) fatal++;
      s.emit('close');
      if (i % 20_000 === 0) expect((await witness.call(['/ip/firewall/address-list/print', '=count-only=']))[0]![0]).toBe('!done');
    }
    expect(fatal).toBeGreaterThan(1000); // the hostile streams did reach the fatal paths
    expect(server.connections).toBe(1); // every stand-in connection was forgotten: only the witness is left
    const grown = process.memoryUsage().heapUsed - heapBefore;
    expect(grown).toBeLessThan(200 << 20);
    // The fuzzed sessions logged in and sent valid commands too (removals among them): the witness is served.
    const after = await witness.call(['/ip/firewall/address-list/print', '=.proplist=.id']);
    expect(after[after.length - 1]![0]).toBe('!done');
    // Real sockets too: garbage, then a close in the middle of a word.
    for (let i = 0; i < 200; i++) {
      const c = new RawClient(port);
      await c.ready();
      c.sock.write(Buffer.from(fc.sample(fc.uint8Array({ minLength: 1, maxLength: 200 }), { numRuns: 1, seed: i })[0]!));
      c.close();
    }
    expect((await witness.call(['/user/print', '=count-only=']))[0]).toEqual(['!done', '=ret=3']);
    witness.close();
    await server.close();
  }, 120_000);

  test(`${OVER_TCP} hostile streams over real TCP, 32 connections at a time, while a client keeps being answered`, async () => {
    const r = router();
    const server = new ApiServer(r, { loginTimeoutMs: 1500 });
    const port = (await server.listen(0, '127.0.0.1')).port;
    const witness = new RawClient(port);
    await witness.ready();
    expect(await witness.login()).toEqual([['!done']]);
    const samples = fc.sample(streams, { numRuns: OVER_TCP, seed: 777 });
    let fatals = 0;
    let refused = 0;
    let closed = 0;
    const silent: net.Socket[] = [];
    /** One hostile connection: the bytes in two writes (cut anywhere), then a half-close, a reset, or silence. */
    const hostile = (i: number): Promise<void> =>
      new Promise<void>((resolve) => {
        const b = samples[i]!;
        const s = net.connect(port, '127.0.0.1');
        let seen = '';
        s.on('data', (d: Buffer) => {
          if (seen.length < 4096) seen += d.toString('latin1');
        });
        let connected = false;
        // A reset by the server (it closes with our bytes unread) is fine; failing to connect is not.
        s.on('error', () => {
          if (!connected) refused++;
        });
        s.on('close', () => {
          if (seen.includes('!fatal')) fatals++;
          closed++;
          resolve();
        });
        s.once('connect', () => {
          connected = true;
          const cut = b.length > 1 ? i % b.length : 0;
          s.write(b.subarray(0, cut));
          setImmediate(() => {
            s.write(b.subarray(cut));
            const how = i % 16;
            if (i % 128 === 127) {
              // silent: the server's login deadline (or a !fatal) ends it, unless the stream logged in; see below
              silent.push(s);
              resolve();
            }
            else if (how < 11) s.end(); // FIN: the server closes its side too
            else setImmediate(() => s.destroy()); // RST with replies possibly in flight
          });
        });
      });
    let next = 0;
    const flood = Promise.all(
      Array.from({ length: 32 }, async () => {
        while (next < samples.length) await hostile(next++);
      }),
    );
    // Meanwhile the well-behaved client asks again and again and must always be answered.
    let floodDone = false;
    void flood.then(() => (floodDone = true));
    let answers = 0;
    let slowest = 0;
    const heapBefore = process.memoryUsage().heapUsed;
    while (!floodDone) {
      const t0 = Date.now();
      const rep = await witness.call(['/user/print', '=count-only=']);
      slowest = Math.max(slowest, Date.now() - t0);
      expect(rep[0]).toEqual(['!done', '=ret=3']);
      answers++;
      await new Promise((res) => setTimeout(res, 5));
    }
    await flood;
    expect(refused).toBe(0); // every connection was accepted
    expect(answers).toBeGreaterThan(20);
    expect(slowest).toBeLessThan(5000);
    expect(fatals).toBeGreaterThan(300); // hostile bytes reached the fatal paths over TCP too
    // Every hostile connection is gone, from the server and here. The silent ones that did not log in are
    // closed by the login deadline; those that logged in are sessions the server keeps (as RouterOS does)
    // until the client goes.
    await new Promise((res) => setTimeout(res, 2000));
    const open = silent.filter((x) => !x.destroyed);
    expect(silent.length).toBeGreaterThan(50);
    expect(open.length).toBeLessThan(silent.length / 2);
    expect(server.connections).toBe(1 + open.length);
    for (const x of open) x.destroy();
    for (let k = 0; k < 100 && (server.connections > 1 || closed < OVER_TCP); k++) await new Promise((res) => setTimeout(res, 50));
    expect(closed).toBe(OVER_TCP);
    expect(server.connections).toBe(1);
    expect(process.memoryUsage().heapUsed - heapBefore).toBeLessThan(200 << 20);
    expect((await witness.call(['/ip/firewall/address-list/print', '=.proplist=.id'])).pop()![0]).toBe('!done');
    witness.close();
    await server.close();
  }, 60_000);

  test('10k malformed HTTP requests: every one answered with an HTTP error or a result, the server stays up', async () => {
    const r = router();
    let clock = 0;
    const rest = new RestServer(r, { authOptions: { now: () => clock } });
    const port = (await rest.listen(0, '127.0.0.1')).port;
    const agent = new http.Agent({ keepAlive: true, maxSockets: 8 });
    const auth = 'Basic ' + Buffer.from('api:secret').toString('base64');
    const req = fc.record({
      method: fc.constantFrom('GET', 'PUT', 'PATCH', 'DELETE', 'POST', 'HEAD', 'OPTIONS'),
      path: fc.oneof(fc.constantFrom('/rest/ip/firewall/address-list', '/rest/ip/firewall/address-list/*1', '/rest/ip/firewall/address-list/print', '/rest/interface/ether1', '/rest', '/rest/', '/rest/%', '/rest/*1/*2', '/x', '/rest/ip/firewall/address-list?list=%zz'), fc.string({ maxLength: 30 }).map((s) => '/rest/' + encodeURIComponent(s))),
      auth: fc.constantFrom(auth, auth, auth, 'Basic ' + Buffer.from('api:bad').toString('base64'), 'Basic !!!', 'Bearer x', ''),
      body: fc.oneof(fc.constant(''), fc.string({ maxLength: 60 }), fc.json({ maxDepth: 2 }), fc.constantFrom('{"list":"f","address":"9.9.9.9"}', '{".query":[1,2]}', '{".proplist":{}}', '{"address":null}', '[]', 'null')),
    });
    const samples = fc.sample(req, { numRuns: 10_000, seed: 7 });
    const statuses = new Map<number, number>();
    let i = 0;
    const one = (s: (typeof samples)[number]) =>
      new Promise<number>((resolve) => {
        const headers: Record<string, string> = { 'content-type': 'application/json' };
        if (s.auth !== '') headers['authorization'] = s.auth;
        const rq = http.request({ host: '127.0.0.1', port, method: s.method, path: s.path, agent, headers }, (res) => {
          res.resume();
          res.on('end', () => resolve(res.statusCode ?? 0));
        });
        rq.on('error', () => resolve(-1));
        if (s.method !== 'GET' && s.method !== 'HEAD') rq.end(s.body);
        else rq.end();
      });
    const workers = Array.from({ length: 8 }, async () => {
      while (i < samples.length) {
        const code = await one(samples[i++]!);
        statuses.set(code, (statuses.get(code) ?? 0) + 1);
      }
    });
    await Promise.all(workers);
    expect(statuses.get(500) ?? 0).toBe(0); // no internal errors
    expect(statuses.get(-1) ?? 0).toBe(0); // no dropped connections
    expect([...statuses.values()].reduce((a, b) => a + b, 0)).toBe(10_000);
    expect(statuses.get(401)).toBeGreaterThan(0);
    expect(statuses.get(400)).toBeGreaterThan(0);
    // Still serving: the bad credentials locked this source out (as they should); once the lockout is
    // over, good credentials work again.
    expect(await one({ method: 'GET', path: '/rest/user', auth, body: '' })).toBe(401);
    clock += 61_000;
    const ok = await one({ method: 'GET', path: '/rest/user?.proplist=name', auth, body: '' });
    expect(ok).toBe(200);
    agent.destroy();
    await rest.close();
  }, 120_000);
});
