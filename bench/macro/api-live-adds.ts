/**
 * 100k `/ip firewall address-list` entries added through the binary API while the dataplane forwards: the
 * [api] issue's "≤ 10 s while the dataplane forwards".
 *
 * One process, as `flowplane run` without workers: a LiveRouter (control/instance/live-router.ts) whose
 * driver reads a generator port on ether1 (a NIC that always has frames: UDP 10.1.0.2 → 10.2.0.2, forwarded
 * to ether2, whose port counts them), the router's ApiServer on loopback TCP, and API changes applied to
 * the running dataplane the way `flowplane run` applies them (bin/commands/run.ts: `onChange`, at most
 * every 50 ms). The event loop shares the thread between the generator, the driver and the API, so the
 * packets forwarded meanwhile show what the adds cost the dataplane.
 *
 * The client pipelines tagged `add`s on one connection (up to WINDOW unanswered, as librouteros or a
 * Terraform provider would with tags). Afterwards: every entry is in the store, and a packet from the
 * last address added is dropped by the rule `src-address-list=blocked` in the running flow (its counter
 * moves, nothing reaches ether2), while the generator's own traffic still passes.
 *
 * `npm run build && node dist/bench/macro/api-live-adds.js [count]` (count defaults to 100000). Numbers,
 * not assertions; exits 1 when the entries are not all there or do not match.
 */
import * as net from 'node:net';
import { ApiServer } from '../../control/api/server';
import { SentenceReader, encodeSentence } from '../../control/api/words';
import { LiveRouter } from '../../control/instance/live-router';
import { RouterInstance } from '../../control/instance/router';
import type { PacketPool } from '../../dataplane/buf/pool';
import type { LivePort } from '../../dataplane/ports/live';
import { frame } from '../../pcap/fixture';

const CONFIG = `/interface ethernet
set [ find default-name=ether1 ] mac-address=02:00:00:00:01:01
set [ find default-name=ether2 ] mac-address=02:00:00:00:02:01
/ip address
add address=10.1.0.1/24 interface=ether1
add address=10.2.0.1/24 interface=ether2
/ip arp
add address=10.2.0.2 interface=ether2 mac-address=02:00:00:00:22:02
/ip firewall address-list
add list=blocked address=192.0.2.1
/ip firewall filter
add chain=forward src-address-list=blocked action=drop
add chain=forward action=accept
/user
add name=bench group=full password=bench
`;

/** Unanswered adds the client keeps in flight. */
const WINDOW = 1000;

const udpFrom = (src: string): Uint8Array =>
  frame().eth({ src: '02:00:00:00:11:02', dst: '02:00:00:00:01:01' }).ipv4({ src, dst: '10.2.0.2', ttl: 64 }).udp({ sport: 4000, dport: 9 }).payload(new Uint8Array(18)).build();

/** A port that always has frames (a copy of `template` per read slot), `limit` per read call at most. */
class GeneratorPort implements LivePort {
  readonly kind = 'gen';
  lastError: string | null = null;
  generated = 0;
  template: Uint8Array;
  private ready: (() => void) | null = null;
  private closed = false;
  constructor(
    readonly device: string,
    template: Uint8Array,
  ) {
    this.template = template;
  }
  watch(ready: () => void): void {
    this.ready = ready;
    // The NIC never runs dry: ask to be read again each turn of the event loop.
    const again = (): void => {
      if (this.closed) return;
      this.ready?.();
      setImmediate(again);
    };
    setImmediate(again);
  }
  read(pool: PacketPool, out: Uint32Array, at: number, max: number): number {
    const t = this.template;
    let n = 0;
    while (n < max) {
      const s = pool.alloc();
      if (s < 0) break;
      pool.write(s, t, 0, t.length);
      out[at + n++] = s;
    }
    this.generated += n;
    return n;
  }
  write(_pool: PacketPool, _slots: Uint32Array, n: number): number {
    return n;
  }
  close(): void {
    this.closed = true;
  }
}

/** A port that takes whatever is sent and counts it. */
class CountingPort implements LivePort {
  readonly kind = 'count';
  lastError: string | null = null;
  sent = 0;
  constructor(readonly device: string) {}
  watch(): void {}
  read(): number {
    return 0;
  }
  write(_pool: PacketPool, _slots: Uint32Array, n: number): number {
    this.sent += n;
    return n;
  }
  close(): void {}
}

const addressOf = (k: number): string => `172.${16 + ((k >> 16) & 15)}.${(k >> 8) & 255}.${k & 255}`;
const sleep = (ms: number) => new Promise<void>((res) => setTimeout(res, ms));

/** Add `count` entries over one connection, WINDOW tagged adds in flight; resolves with the seconds taken. */
async function addAll(port: number, count: number): Promise<{ seconds: number; traps: number }> {
  const sock = net.connect(port, '127.0.0.1');
  sock.setNoDelay(true);
  await new Promise<void>((res) => sock.once('connect', () => res()));
  const reader = new SentenceReader({ maxWord: 1 << 20, maxSentence: 1 << 24, maxWords: 1 << 16 });
  let done = 0;
  let traps = 0;
  let wake: (() => void) | null = null;
  sock.on('data', (d) => {
    for (const ev of reader.push(d)) {
      if (ev.kind !== 'sentence') continue;
      if (ev.words[0] === '!done') done++;
      else if (ev.words[0] === '!trap') traps++;
    }
    const w = wake;
    wake = null;
    w?.();
  });
  const until = async (n: number): Promise<void> => {
    while (done < n) await new Promise<void>((res) => (wake = res));
  };
  sock.write(encodeSentence(['/login', '=name=bench', '=password=bench']));
  await until(1);
  const t0 = performance.now();
  let sent = 0;
  while (sent < count) {
    // Keep WINDOW adds unanswered: send what the window allows in one write, then wait for some answers.
    const room = Math.min(count - sent, WINDOW - (sent - (done - 1)));
    if (room > 0) {
      const parts: Buffer[] = [];
      for (let j = 0; j < room; j++, sent++) parts.push(encodeSentence(['/ip/firewall/address-list/add', '=list=blocked', `=address=${addressOf(sent)}`, `.tag=${sent}`]));
      sock.write(Buffer.concat(parts));
    }
    await until(Math.min(1 + count, done + 1 + (WINDOW >> 2)));
  }
  await until(1 + count);
  const seconds = (performance.now() - t0) / 1000;
  sock.destroy();
  return { seconds, traps };
}

async function main(): Promise<void> {
  const count = Number(process.argv[2] ?? 100_000);
  const router = new RouterInstance();
  const res = router.load(CONFIG, 'bench.rsc');
  if (!res.ok) throw new Error(res.errors.map((e) => e.message).join('\n'));
  const normal = udpFrom('10.1.0.2');
  const gen = new GeneratorPort('gen0', normal);
  const out = new CountingPort('count0');
  let applies = 0;
  let applyMs = 0;
  let applyMax = 0;
  const live = new LiveRouter(router, [{ iface: 'ether1', io: gen }, { iface: 'ether2', io: out }], {
    log: (topics, message) => {
      if (topics.includes('error')) console.log(`${topics}: ${message}`);
    },
  });
  // As bin/commands/run.ts: API changes reach the running dataplane (address-list adds in place, other
  // changes recompiled at most every 50 ms). The applies are timed by wrapping the live router's own.
  const apply = live.applyIfChanged.bind(live);
  live.applyIfChanged = (what: string) => {
    const t = performance.now();
    apply(what);
    const ms = performance.now() - t;
    applyMs += ms;
    applyMax = Math.max(applyMax, ms);
    applies++;
  };
  const unfollow = live.followChanges(50);
  const server = new ApiServer(router);
  const port = (await server.listen(0, '127.0.0.1')).port;
  live.driver.start();

  // The dataplane alone, for comparison.
  const idle0 = out.sent;
  await sleep(1000);
  const idleRate = out.sent - idle0;

  const before = out.sent;
  const { seconds, traps } = await addAll(port, count);
  const during = out.sent - before;
  // Let a last recompile (if any) reach the dataplane.
  await sleep(100);

  const t = router.store.table('/ip firewall address-list')!;
  const inStore = t.items.filter((i) => t.value(i, 'list') === 'blocked').length - 1;
  // A packet from the last address added: the running flow must drop it by the address-list rule.
  const fw = live.flow.firewall!;
  const dropId = router.store.table('/ip firewall filter')!.items[0]!.id;
  const dropRule = fw.tables.filter.ids.indexOf(`*${dropId.toString(16).toUpperCase()}`);
  if (dropRule < 0) throw new Error('the drop rule is not in the running flow');
  const dropped0 = fw.filter.packets[dropRule]!;
  const sent0 = out.sent;
  const gen0 = gen.generated;
  gen.template = udpFrom(addressOf(count - 1));
  await sleep(200);
  const lastGenerated = gen.generated - gen0;
  const lastDropped = fw.filter.packets[dropRule]! - dropped0;
  const lastPassed = out.sent - sent0;
  gen.template = normal;
  const s1 = out.sent;
  await sleep(200);
  const normalPassed = out.sent - s1;

  unfollow();
  live.driver.stop();
  await server.close();
  console.log(`dataplane alone: ${idleRate} packets/s forwarded (one thread, generator + flow + counting port)`);
  console.log(`${count} address-list adds over one API connection (${WINDOW} tagged adds in flight): ${seconds.toFixed(2)} s = ${Math.round(count / seconds)} adds/s (target: 100000 in 10 s)${traps > 0 ? `, ${traps} traps` : ''}`);
  console.log(`forwarded meanwhile: ${during} packets = ${Math.round(during / seconds)} packets/s; ${live.addedInPlace} entries added to the running flow in place, ${applies} recompiles, ${Math.round(applyMs)} ms in them, the longest ${Math.round(applyMax)} ms (forwarding stops meanwhile)`);
  console.log(`entries in the store: ${inStore} of ${count}; heap ${Math.round(process.memoryUsage().heapUsed / 1e6)} MB`);
  console.log(`packets from the last address added (${addressOf(count - 1)}): ${lastGenerated} sent, ${lastDropped} dropped by src-address-list=blocked, ${lastPassed} passed; normal traffic after: ${normalPassed} passed`);
  const ok = inStore === count && traps === 0 && lastGenerated > 0 && lastDropped === lastGenerated && lastPassed === 0 && normalPassed > 0;
  console.log(ok ? 'OK: all entries present and matching in the dataplane' : 'FAILED: entries missing or not matching in the dataplane');
  process.exit(ok ? 0 : 1);
}

if (require.main === module) void main();
