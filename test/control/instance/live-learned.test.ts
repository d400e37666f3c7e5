/**
 * What a running router learned, beside its configuration: `/ip arp` lists the neighbours it resolved (flag
 * D, with their status) after the static ones, and `/ip firewall address-list` the entries its rules added
 * (flag D, with the time they have left). `remove` of a learned row makes the dataplane forget it: the next
 * packet to that neighbour ARPs again; a removed list entry no longer matches. Nothing learned is exported.
 * In-memory ports, the flow in the port thread (worker-shared-state.test.ts covers workers' lists).
 */
import { frame } from '../../../pcap/fixture';
import type { RouterInstance } from '../../../control/instance/router';
import { Console } from '../../../control/console/console';
import { runApiCommand } from '../../../control/api/commands';
import { exportConfig } from '../../../control/store/export';
import type { MemPort } from '../../dataplane/ports/mem-port';
import { memRouter, twoPortRouter } from './mem-router';

const R1 = '02:00:00:00:01:01';
const R2 = '02:00:00:00:02:01';
const PC = '02:00:00:00:11:02';
const GW = '02:00:00:00:22:02';
const CONFIG = `${twoPortRouter('203.0.113.2/24')}/ip route
add gateway=203.0.113.1
/ip arp
add address=10.1.0.99 interface=ether1 mac-address=02:00:00:00:99:99
/ip firewall address-list
add list=static address=192.0.2.1
/ip firewall filter
add chain=forward action=add-src-to-address-list address-list=talked address-list-timeout=1h protocol=udp
add chain=forward action=drop src-address-list=talked protocol=tcp
`;
const USER = { name: 'api', policies: new Set(['read', 'write', 'api']) };

/** An ARP request from the PC for the router's address (the router learns the PC from it, STALE). */
const arpAsk = () => frame().eth({ src: PC, dst: 'ff:ff:ff:ff:ff:ff' }).arp({ op: 'request', senderMac: PC, senderIp: '10.1.0.2', targetIp: '10.1.0.1' }).build();
/** An ARP reply from `mac`/`ip` to the router on a port. */
const arpReply = (mac: string, ip: string, to: string, toIp: string) => frame().eth({ src: mac, dst: to }).arp({ op: 'reply', senderMac: mac, senderIp: ip, targetMac: to, targetIp: toIp }).build();
const udp = (sport: number) => frame().eth({ src: PC, dst: R1 }).ipv4({ src: '10.1.0.2', dst: '198.51.100.7' }).udp({ sport, dport: 9 }).payload('x').build();
const syn = (sport: number) => frame().eth({ src: PC, dst: R1 }).ipv4({ src: '10.1.0.2', dst: '198.51.100.7' }).tcp({ sport, dport: 22, flags: 'S', seq: 1 }).build();

function setup() {
  const { router, live, ports, feed: feedAt, clock } = memRouter(CONFIG);
  const [p1, p2] = ports as [MemPort, MemPort];
  const feed = (port: MemPort, f: Uint8Array) => feedAt(ports.indexOf(port), f);
  // the PC asks for the router (learned STALE, as Linux learns from a request for its address); the gateway
  // answers the router's own request (REACHABLE)
  feed(p1, arpAsk());
  feed(p1, udp(5000)); // routed out ether2: the router asks for 203.0.113.1
  feed(p2, arpReply(GW, '203.0.113.1', R2, '203.0.113.2'));
  return { router, live, p1, p2, feed, tick: (s: number) => (clock.now += s) };
}

const api = (router: RouterInstance, path: string[], verb = 'print', attrs: [string, string][] = []) => {
  const r = runApiCommand(router, USER, { path, verb, attrs, queries: [] });
  if (!r.ok) throw new Error(r.message);
  return r.rows.map((m) => Object.fromEntries(m));
};

test('/ip arp: the static entry, then the learned neighbours with their status; remove forgets one', () => {
  const { router, live, p2, feed } = setup();
  try {
    const rows = api(router, ['ip', 'arp']);
    expect(rows.map((r) => [r['address'], r['mac-address'], r['interface'], r['dynamic'] ?? 'false', r['status'] ?? ''])).toEqual([
      ['10.1.0.99', '02:00:00:00:99:99', 'ether1', 'false', ''],
      ['10.1.0.2', PC, 'ether1', 'true', 'stale'],
      ['203.0.113.1', GW, 'ether2', 'true', 'reachable'],
    ]);
    // the console shows them with the D flag
    const text = new Console(router).execute('/ip arp print').text;
    expect(text).toMatch(/D.*203\.0\.113\.1 +02:00:00:00:22:02 +ether2/);
    // forget the gateway: the next routed packet makes the router ask again
    const gw = rows.find((r) => r['address'] === '203.0.113.1')!['.id']!;
    api(router, ['ip', 'arp'], 'remove', [['.id', gw]]);
    expect(api(router, ['ip', 'arp']).map((r) => r['address'])).toEqual(['10.1.0.99', '10.1.0.2']);
    const before = p2.sent.length;
    feed(live.driver.bindings[0]!.io as MemPort, udp(5001));
    const asked = p2.sent.slice(before).filter((f) => f[12] === 0x08 && f[13] === 0x06);
    expect(asked.length).toBe(1);
    expect(exportConfig(router.store, { date: new Date(0) })).not.toMatch(/203\.0\.113\.1 .*mac-address/);
  } finally {
    live.driver.stop();
  }
});

test('/ip firewall address-list: entries rules added, with the time left; removing one stops its match', () => {
  const { router, live, p1, tick, feed } = setup();
  try {
    tick(60);
    feed(p1, syn(6000)); // dropped: 10.1.0.2 talked UDP
    const rows = api(router, ['ip', 'firewall', 'address-list']);
    expect(rows.map((r) => [r['list'], r['address'], r['dynamic'] ?? 'false', r['timeout'] ?? ''])).toEqual([
      ['static', '192.0.2.1', 'false', ''],
      ['talked', '10.1.0.2', 'true', '59m'],
    ]);
    expect(new Console(router).execute('/ip firewall address-list print where dynamic').text).toMatch(/talked +10\.1\.0\.2/);
    const sentBefore = live.driver.bindings[1]!.io as MemPort;
    const n = sentBefore.sent.length;
    feed(p1, syn(6001));
    expect(sentBefore.sent.length).toBe(n); // still dropped
    const id = rows[1]!['.id']!;
    api(router, ['ip', 'firewall', 'address-list'], 'remove', [['.id', id]]);
    expect(api(router, ['ip', 'firewall', 'address-list']).map((r) => r['list'])).toEqual(['static']);
    feed(p1, syn(6002));
    expect(sentBefore.sent.length).toBe(n + 1); // no longer listed: forwarded
    expect(exportConfig(router.store, { date: new Date(0) })).not.toMatch(/address=10\.1\.0\.2/);
  } finally {
    live.driver.stop();
  }
});

test('/interface bridge host: the bridge`s own MACs (local) and the learned hosts; remove makes it flood again', () => {
  const { router, live, ports, feed } = memRouter(
    `/interface bridge
add name=br1
/interface bridge port
add bridge=br1 interface=ether1
add bridge=br1 interface=ether2
add bridge=br1 interface=ether3
`,
    { ports: 3 },
  );
  const A = '02:00:00:00:AA:01';
  const B = '02:00:00:00:BB:02';
  const l2 = (src: string, dst: string) => frame().eth({ src, dst, type: 0x88b5 }).payload('hello').build();
  try {
    feed(0, l2(A, B)); // A on ether1: learned, flooded
    feed(1, l2(B, A)); // B on ether2: learned, unicast to ether1
    expect(ports[2]!.sent.length).toBe(1); // only the first frame was flooded to ether3
    const rows = api(router, ['interface', 'bridge', 'host']);
    const learned = rows.filter((r) => r['local'] === 'false');
    expect(learned.map((r) => [r['mac-address'], r['on-interface'], r['bridge'], r['dynamic']])).toEqual([
      [A, 'ether1', 'br1', 'true'],
      [B, 'ether2', 'br1', 'true'],
    ]);
    expect(rows.filter((r) => r['local'] === 'true').length).toBeGreaterThanOrEqual(1); // the bridge's own MAC
    api(router, ['interface', 'bridge', 'host'], 'remove', [['.id', learned[0]!['.id']!]]);
    feed(1, l2(B, A)); // A forgotten: flooded to ether3 as well
    expect(ports[2]!.sent.length).toBe(2);
    expect(api(router, ['interface', 'bridge', 'host']).filter((r) => r['local'] === 'false').map((r) => r['mac-address'])).toEqual([B]);
  } finally {
    live.driver.stop();
  }
});
