/**
 * LiveRouter's counters on a running router (in-memory ports): `/queue simple` and `/queue tree` print stats
 * read the running schedulers, as the console and the APIs show them; a console edit to a queue applies at once.
 */
import { frame } from '../../../pcap/fixture';
import { printRows } from '../../../control/api/commands';
import type { MemPort } from '../../dataplane/ports/mem-port';
import { memRouter, twoPortRouter } from './mem-router';

const CONFIG = `${twoPortRouter()}/ip arp
add address=10.2.0.2 interface=ether2 mac-address=02:00:00:00:22:02
/ip firewall mangle
add chain=forward action=mark-packet new-packet-mark=all passthrough=no
/queue simple
add name=host target=10.1.0.2/32 max-limit=1M/2M
/queue tree
add name=up parent=ether2 packet-mark=all max-limit=5M
`;
const udp = (i: number) =>
  frame().eth({ src: '02:00:00:00:11:02', dst: '02:00:00:00:01:01' }).ipv4({ src: '10.1.0.2', dst: '10.2.0.2', id: i, ttl: 64 }).udp({ sport: 4000, dport: 9 }).payload(new Uint8Array(100)).build();

function setup() {
  const { router, live, ports, clock } = memRouter(CONFIG);
  const [p1, p2] = ports as [MemPort, MemPort];
  return { router, live, p1, p2, advance: (s: number) => (clock.now += s) };
}

test('queue print stats read the running schedulers (console columns and API attributes)', () => {
  const { router, live, p1, p2, advance } = setup();
  try {
    for (let i = 0; i < 5; i++) p1.inbox.push(udp(i));
    p1.ready!();
    advance(1);
    live.driver.tick();
    expect(p2.sent.length).toBe(5);
    const src = live.counterSource();
    expect(src.statColumns!('/queue simple')).toEqual(['rate', 'bytes', 'packets', 'dropped', 'queued-packets']);
    const sq = router.store.table('/queue simple')!.items[0]!;
    const vals = src.statValues!('/queue simple', sq.id)!;
    // 5 uploads of 142-byte frames, nothing downloaded; the rate is the last whole second's: 5 × 142 × 8 bits
    expect(vals.slice(1)).toEqual(['710/0', '5/0', '0/0', '0/0']);
    expect(vals[0]).toBe('5.7kbps/0bps');
    const tq = router.store.table('/queue tree')!.items[0]!;
    expect(src.statValues!('/queue tree', tq.id)!.slice(1)).toEqual([710, 5, 0, 0]);
    // the API's print of the same items carries them as attributes
    const api = printRows(router, ['queue', 'simple'], undefined, undefined, undefined);
    expect(api.ok && api.rows![0]!.get('packets')).toBe('5/0');
  } finally {
    live.driver.stop();
  }
});
