/**
 * `reset-counters` on a running router's interfaces and queues (the firewall's are in counter-carry.test.ts):
 * what was counted until then is no longer shown, what comes after is; rates and queue lengths are not
 * counters and stay as they are. Interfaces are reset by name, so `/interface print stats` and
 * `/interface ethernet print stats` agree.
 */
import { frame } from '../../../pcap/fixture';
import { memRouter, twoPortRouter } from './mem-router';

const CONFIG = `${twoPortRouter('203.0.113.2/24')}/ip arp
add address=203.0.113.1 interface=ether2 mac-address=02:00:00:00:22:02
/queue simple
add name=lan target=10.1.0.0/24 max-limit=100M/100M
`;
const udp = (sport: number) =>
  frame().eth({ src: '02:00:00:00:11:02', dst: '02:00:00:00:01:01' }).ipv4({ src: '10.1.0.2', dst: '203.0.113.1' }).udp({ sport, dport: 9 }).payload(new Uint8Array(58)).build(); // 100 bytes

test('reset-counters zeroes an interface`s and a queue`s counted columns; later traffic counts from there', () => {
  const { router, live, feed, clock } = memRouter(CONFIG);
  const send = (n: number) => {
    feed(0, ...Array.from({ length: n }, (_, i) => udp(40000 + i)));
    clock.now += 1;
    live.driver.tick();
  };
  const src = live.counterSource();
  const ether1 = router.store.table('/interface ethernet')!.items[0]!.id;
  const lan = router.store.table('/queue simple')!.items[0]!.id;
  const ifStats = (menu: string) => Object.fromEntries(src.statColumns!(menu)!.map((c, i) => [c, src.statValues!(menu, ether1)![i]]));
  const qStats = () => Object.fromEntries(src.statColumns!('/queue simple')!.map((c, i) => [c, src.statValues!('/queue simple', lan)![i]]));
  try {
    send(3);
    expect(ifStats('/interface ethernet')['rx-packet']).toBe(3);
    expect(qStats()['packets']).toBe('3/0');
    const con = live.consoleBackend();
    expect(con.runConsoleLine('reset-counters ether1', ['interface', 'ethernet']).ok).toBe(true);
    expect(con.runConsoleLine('reset-counters lan', ['queue', 'simple']).ok).toBe(true);
    expect(ifStats('/interface ethernet')['rx-packet']).toBe(0);
    expect(ifStats('/interface')['rx-byte']).toBe(0);
    expect(ifStats('/interface ethernet')['tx-packet']).toBe(0);
    expect(qStats()['bytes']).toBe('0/0');
    send(2);
    expect(ifStats('/interface')['rx-packet']).toBe(2);
    expect(ifStats('/interface ethernet')['rx-byte']).toBe(200);
    expect(qStats()['packets']).toBe('2/0');
    // the other interface was not reset: it counts everything it sent
    const ether2 = router.store.table('/interface ethernet')!.items[1]!.id;
    expect(src.statValues!('/interface ethernet', ether2)![src.statColumns!('/interface ethernet')!.indexOf('tx-packet')]).toBe(5);
  } finally {
    live.driver.stop();
  }
});
