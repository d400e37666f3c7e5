/**
 * Dynamic address-list entries between workers: the journal ring (order, full, wrap-around), what an
 * AddressLists tells its peers (new entries, refreshes a second or more later, never what a peer told it),
 * and a reload taking over the dynamic entries rules added (by list name).
 */
import { ListJournal } from '../../../dataplane/worker/list-journal';
import { AddressLists, PUBLISH_STEP_S } from '../../../dataplane/tables/address-list';
import { generationFrom, harness, officeRouter } from '../flow/helpers';
import { frame } from '../../../pcap/fixture';

describe('ListJournal', () => {
  test('records come out in order; a full journal drops and counts; indexes wrap', () => {
    const j = new ListJournal(4);
    const peer = new ListJournal(4, j.sab); // the other thread's view
    const out = new Float64Array(4);
    for (let round = 0; round < 3; round++) {
      for (let i = 0; i < 4; i++) expect(j.push(i, 100 + i, 100 + i, 1e9 + round)).toBe(true);
      expect(j.push(9, 9, 9, 9)).toBe(false);
      for (let i = 0; i < 4; i++) {
        expect(peer.pop(out)).toBe(true);
        expect([...out]).toEqual([i, 100 + i, 100 + i, 1e9 + round]);
      }
      expect(peer.pop(out)).toBe(false);
    }
    expect(peer.lost).toBe(3);
  });
});

describe('AddressLists peers', () => {
  test('new dynamic entries and refreshes of a second or more are told; peers` entries and statics are not', () => {
    const told: number[][] = [];
    const a = new AddressLists();
    a.onDynamicAdd = (l, lo, _hi, e) => told.push([l, lo, e]);
    a.add(0, 5, 5, 100, false); // static: not told
    a.add(0, 7, 7, 100, true); // new
    a.add(0, 7, 7, 100.5, true); // refreshed by half a second: not yet
    a.add(0, 7, 7, 100 + PUBLISH_STEP_S, true); // a second past what was told
    a.addFromPeer(1, 8, 8, 200); // another worker's: applied, not told back
    a.add(1, 8, 8, 200.2, true); // barely later than the peer's: not told
    expect(told).toEqual([
      [0, 7, 100],
      [0, 7, 100 + PUBLISH_STEP_S],
    ]);
    expect(a.contains(1, 8, 150)).toBe(true);
    expect(a.contains(0, 7, 100.8)).toBe(true);
  });
});

describe('a reload keeps the dynamic entries rules added', () => {
  const cfg = (extra: string) => `${officeRouter()}/ip firewall address-list
${extra}
/ip firewall filter
add chain=forward action=add-src-to-address-list address-list=knocked address-list-timeout=1m protocol=udp dst-port=1111
add chain=forward action=accept protocol=tcp dst-port=22 src-address-list=knocked
add chain=forward action=drop protocol=tcp dst-port=22
`;
  const knock = frame().eth({ src: '02:00:00:00:02:10', dst: '02:F1:00:00:00:02' }).ipv4({ src: '192.168.88.10', dst: '198.51.100.5' }).udp({ sport: 4000, dport: 1111 }).build();
  const ssh = (sport: number) =>
    frame().eth({ src: '02:00:00:00:02:10', dst: '02:F1:00:00:00:02' }).ipv4({ src: '192.168.88.10', dst: '198.51.100.5' }).tcp({ sport, dport: 22, flags: 'S', seq: 1 }).build();

  test('knocked before the reload, let in after it; without the knock, still dropped', () => {
    // the new config names another list first: list ids move, names stay
    const before = generationFrom(cfg(''));
    const after = generationFrom(cfg('add list=other address=10.9.9.9'));
    const h1 = harness(before);
    expect(h1.feed('ether2', ssh(5000), 0)).toBe('drop firewall-drop');
    h1.feed('ether2', knock, 10);
    expect(h1.feed('ether2', ssh(5001), 20)).toBe('tx ether1');
    const h2 = harness(after, { replaces: h1.flow });
    expect(h2.feed('ether2', ssh(5002), 30)).toBe('tx ether1');
    // and a timeout still runs from when the rule added it: a minute later it is gone
    expect(h2.feed('ether2', ssh(5003), 61_000)).toBe('drop firewall-drop');
    const fresh = harness(after);
    expect(fresh.feed('ether2', ssh(5004), 30)).toBe('drop firewall-drop');
  });
});
