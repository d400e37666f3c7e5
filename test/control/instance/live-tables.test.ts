/**
 * `/ip firewall connection` on a running router (in-memory ports, the flow in the port thread): its rows are
 * the dataplane's connection table, not the store's — the console's print (table, detail, where, count-only),
 * the binary API (node-routeros, with a query) and REST read them; `remove` drops the connection in the
 * dataplane. Without a dataplane the menu is empty. A `log=yes` rule's line reaches the router's `/log`.
 */
import { RouterOSAPI } from 'node-routeros';
import { frame } from '../../../pcap/fixture';
import { RouterInstance } from '../../../control/instance/router';
import { Console } from '../../../control/console/console';
import { runApiCommand } from '../../../control/api/commands';
import { ApiServer } from '../../../control/api/server';
import { RestServer } from '../../../control/api/rest';
import { exportConfig } from '../../../control/store/export';
import { MemPort } from '../../dataplane/ports/mem-port';
import { memRouter, twoPortRouter } from './mem-router';

const LAN_MAC = '02:00:00:00:11:02';
const WAN_MAC = '02:00:00:00:22:02';
const CONFIG = `${twoPortRouter('203.0.113.2/24')}/ip arp
add address=10.1.0.2 interface=ether1 mac-address=${LAN_MAC}
add address=203.0.113.1 interface=ether2 mac-address=${WAN_MAC}
/ip firewall filter
add chain=forward action=accept connection-state=established,related
add chain=forward action=accept in-interface=ether1 protocol=tcp log=yes log-prefix=OUT
add chain=forward action=accept in-interface=ether1
add chain=forward action=drop
/ip firewall nat
add chain=srcnat action=masquerade out-interface=ether2
/user
add name=api group=full password=secret
`;
const udpOut = (sport: number) =>
  frame().eth({ src: LAN_MAC, dst: '02:00:00:00:01:01' }).ipv4({ src: '10.1.0.2', dst: '203.0.113.1', ttl: 64 }).udp({ sport, dport: 53 }).payload(new Uint8Array(20)).build();
const udpBack = (dport: number) =>
  frame().eth({ src: WAN_MAC, dst: '02:00:00:00:02:01' }).ipv4({ src: '203.0.113.1', dst: '203.0.113.2', ttl: 64 }).udp({ sport: 53, dport }).payload(new Uint8Array(20)).build();
const syn = (sport: number) =>
  frame().eth({ src: LAN_MAC, dst: '02:00:00:00:01:01' }).ipv4({ src: '10.1.0.2', dst: '203.0.113.1', ttl: 64 }).tcp({ sport, dport: 80, flags: 'S', seq: 1000 }).build();
const u16 = (f: Uint8Array, o: number) => (f[o]! << 8) | f[o + 1]!;
const USER = { name: 'api', policies: new Set(['read', 'write', 'api', 'rest-api']) };

function setup() {
  const logs: string[] = [];
  const { router, live, ports } = memRouter(CONFIG, { log: (topics, msg) => logs.push(`${topics} ${msg}`) });
  const [p1, p2] = ports as [MemPort, MemPort];
  // a UDP exchange (seen both ways) and a TCP SYN (one way)
  p1.inbox.push(udpOut(40000), syn(41000));
  p1.ready!();
  const natPort = u16(p2.sent[0]!, 34);
  p2.inbox.push(udpBack(natPort));
  p2.ready!();
  return { router, live, p1, p2, logs, natPort };
}

const print = (router: RouterInstance, query: string[] = []) => {
  const r = runApiCommand(router, USER, { path: ['ip', 'firewall', 'connection'], verb: 'print', attrs: [], queries: query });
  if (!r.ok) throw new Error(r.message);
  return r.rows.map((m) => Object.fromEntries(m));
};

test('the API prints the running connection table: addresses, reply addresses after NAT, flags, counters', () => {
  const { router, live, p1, natPort } = setup();
  try {
    expect(p1.sent.length).toBe(1); // the UDP answer came back
    const rows = print(router);
    expect(rows.length).toBe(2);
    const udp = rows.find((r) => r['protocol'] === 'udp')!;
    expect(udp).toMatchObject({
      'src-address': '10.1.0.2:40000',
      'dst-address': '203.0.113.1:53',
      'reply-src-address': '203.0.113.1:53',
      'reply-dst-address': `203.0.113.2:${natPort}`,
      'orig-packets': '1',
      'repl-packets': '1',
      'seen-reply': 'true',
      assured: 'true',
      confirmed: 'true',
      srcnat: 'true',
      dstnat: 'false',
      expected: 'false',
      fasttrack: 'false',
    });
    expect(udp['.id']).toMatch(/^\*[0-9A-F]+$/);
    expect(udp['tcp-state']).toBeUndefined();
    expect(udp['dynamic']).toBeUndefined(); // a live table prints no dynamic/invalid
    expect(udp['orig-bytes']).toBe('48');
    const tcp = rows.find((r) => r['protocol'] === 'tcp')!;
    expect(tcp).toMatchObject({ 'src-address': '10.1.0.2:41000', 'dst-address': '203.0.113.1:80', 'tcp-state': 'syn-sent', 'seen-reply': 'false', srcnat: 'true' });
    // tcp-syn-sent-timeout is 5s, udp-stream-timeout 3m; no time passed
    expect(tcp['timeout']).toBe('5s');
    expect(udp['timeout']).toBe('3m');
    expect(tcp['.id']).not.toBe(udp['.id']);
    // queries through the API's query layer
    expect(print(router, ['?protocol=tcp']).map((r) => r['src-address'])).toEqual(['10.1.0.2:41000']);
    expect(print(router, ['?dst-address=203.0.113.1:53']).map((r) => r['protocol'])).toEqual(['udp']);
    expect(print(router, ['?seen-reply=true', '?srcnat=true', '?#&']).length).toBe(1);
    // get through the executor: one item by id
    const one = runApiCommand(router, USER, { path: ['ip', 'firewall', 'connection'], verb: 'print', attrs: [['.id', tcp['.id']!]], queries: [] });
    expect(one.ok && one.rows.length).toBe(1);
    // not configuration: no add, nothing exported, nothing left in the store
    const add = runApiCommand(router, USER, { path: ['ip', 'firewall', 'connection'], verb: 'add', attrs: [['protocol', 'tcp']], queries: [] });
    expect(add.ok).toBe(false);
    expect(exportConfig(router.store)).not.toMatch(/firewall connection\n/);
    expect(router.store.table('/ip firewall connection')!.items.length).toBe(0);
  } finally {
    live.driver.stop();
  }
});

test('the console prints connections in RouterOS form and removes them from the dataplane', () => {
  const { router, live } = setup();
  try {
    const con = new Console(live.consoleBackend(), { width: () => 120 });
    const table = con.execute('/ip firewall connection print').text;
    const lines = table.split('\n');
    expect(lines[0]).toBe('Flags: S - SEEN-REPLY; A - ASSURED; C - CONFIRMED; s - SRCNAT');
    expect(lines[1]).toBe('Columns: PROTOCOL, SRC-ADDRESS, DST-ADDRESS, TCP-STATE, TIMEOUT');
    expect(lines[2]).toMatch(/^#\s+PROTOCOL\s+SRC-ADDRESS\s+DST-ADDRESS\s+TCP-STATE\s+TIMEOUT$/);
    expect(table).toMatch(/\n0 SACs\s+udp\s+10\.1\.0\.2:40000\s+203\.0\.113\.1:53\s+3m\n/);
    expect(table).toMatch(/\n1 Cs\s+tcp\s+10\.1\.0\.2:41000\s+203\.0\.113\.1:80\s+syn-sent\s+5s\n/);
    expect(con.execute('/ip firewall connection print count-only').text).toBe('2\n');
    expect(con.execute('/ip firewall connection print count-only where protocol=tcp').text).toBe('1\n');
    const detail = con.execute('/ip firewall connection print detail where protocol=udp').text;
    expect(detail).toMatch(/reply-dst-address=203\.0\.113\.2:\d+/);
    expect(detail).toMatch(/seen-reply=yes/);
    expect(detail).not.toMatch(/tcp/);
    expect(con.execute('/ip firewall connection add protocol=tcp').text).toMatch(/bad command name add|no command/);
    // remove: the dataplane forgets the connection; the console line applies nothing to the configuration
    const before = exportConfig(router.store);
    const ct = live.flow.firewall!.ct;
    expect(ct.confirmed).toBe(2);
    expect(con.execute('/ip firewall connection remove [find protocol=tcp]').text).toBe('');
    expect(ct.confirmed).toBe(1);
    expect(con.execute('/ip firewall connection print count-only').text).toBe('1\n');
    expect(exportConfig(router.store)).toBe(before);
    // and through the API by id
    const id = print(router)[0]!['.id']!;
    const r = runApiCommand(router, USER, { path: ['ip', 'firewall', 'connection'], verb: 'remove', attrs: [['.id', id]], queries: [] });
    expect(r.ok).toBe(true);
    expect(ct.confirmed).toBe(0);
    expect(print(router)).toEqual([]);
  } finally {
    live.driver.stop();
  }
});

test('a log=yes rule writes its line to the router log and the run log', () => {
  const { router, live, logs } = setup();
  try {
    const fw = router.log.entries().filter((e) => e.topics === 'firewall,info');
    expect(fw.length).toBe(1);
    expect(fw[0]!.message).toMatch(/^OUT forward: in:ether1 out:ether2, .*proto TCP \(SYN\), 10\.1\.0\.2:41000->203\.0\.113\.1:80/);
    expect(logs.some((l) => l.startsWith('firewall,info OUT forward:'))).toBe(true);
  } finally {
    live.driver.stop();
  }
});

test('without a dataplane (flowplane console) the menu is empty', () => {
  const router = new RouterInstance();
  expect(router.load(CONFIG, 'c.rsc').ok).toBe(true);
  expect(print(router)).toEqual([]);
  const con = new Console(router, { width: () => 120 });
  expect(con.execute('/ip firewall connection print count-only').text).toBe('0\n');
});

describe('through the servers', () => {
  let ctx: ReturnType<typeof setup>;
  let api: ApiServer;
  let rest: RestServer;
  beforeEach(() => {
    ctx = setup();
  });
  afterEach(async () => {
    ctx.live.driver.stop();
    await api?.close();
    await rest?.close();
  });

  test('node-routeros prints /ip/firewall/connection with a query', async () => {
    api = new ApiServer(ctx.router, { emptyReply: false });
    const port = (await api.listen(0, '127.0.0.1')).port;
    const conn = new RouterOSAPI({ host: '127.0.0.1', port, user: 'api', password: 'secret', timeout: 5 });
    await conn.connect();
    try {
      const rows = (await conn.write('/ip/firewall/connection/print', ['?protocol=udp'])) as Record<string, string>[];
      expect(rows.length).toBe(1);
      expect(rows[0]!['src-address']).toBe('10.1.0.2:40000');
      expect(rows[0]!['reply-dst-address']).toBe(`203.0.113.2:${ctx.natPort}`);
      expect(rows[0]!['srcnat']).toBe('true');
    } finally {
      await conn.close();
    }
  });

  test('REST GET /rest/ip/firewall/connection (and ?protocol=tcp)', async () => {
    rest = new RestServer(ctx.router);
    const port = (await rest.listen(0, '127.0.0.1')).port;
    const auth = { authorization: `Basic ${Buffer.from('api:secret').toString('base64')}` };
    const all = (await (await fetch(`http://127.0.0.1:${port}/rest/ip/firewall/connection`, { headers: auth })).json()) as Record<string, string>[];
    expect(all.map((r) => r['protocol']).sort()).toEqual(['tcp', 'udp']);
    const tcp = (await (await fetch(`http://127.0.0.1:${port}/rest/ip/firewall/connection?protocol=tcp`, { headers: auth })).json()) as Record<string, string>[];
    expect(tcp.length).toBe(1);
    expect(tcp[0]).toMatchObject({ 'tcp-state': 'syn-sent', 'reply-src-address': '203.0.113.1:80', srcnat: 'true' });
    const one = await fetch(`http://127.0.0.1:${port}/rest/ip/firewall/connection/${encodeURIComponent(tcp[0]!['.id']!)}`, { headers: auth });
    expect(one.status).toBe(200);
    const del = await fetch(`http://127.0.0.1:${port}/rest/ip/firewall/connection/${encodeURIComponent(tcp[0]!['.id']!)}`, { headers: auth, method: 'DELETE' });
    expect(del.status).toBe(204);
    expect(ctx.live.flow.firewall!.ct.confirmed).toBe(1);
  });
});
