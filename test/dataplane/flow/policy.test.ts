/**
 * Policy routing in the routing stage (dataplane/stages/routing.ts): routing marks (set here directly in
 * meta.routingMark, as mangle mark-routing will), VRFs, local delivery, /routing rule actions, min-prefix,
 * ECMP hash policies, router-made packets in their VRF, and the traces that say which table or rule decided.
 * One frame at a time through a whole Flow; the expected fates follow RouterOS's decision order
 * (mangle, vrf-lookup, vrf-unreach, local, user, main).
 */
import { generationFrom, harness } from './helpers';
import { frame } from '../../../pcap/fixture';
import { describeFrame } from '../../../dataplane/wire/describe';
import { macToString } from '../../../dataplane/wire/ethernet';
import { routingMarkOf } from '../../../dataplane/stages/state';
import { ecmpHop } from '../../../dataplane/stages/routing';
import { TraceBuffer } from '../../../dataplane/trace';
import { PacketPool } from '../../../dataplane/buf/pool';
import type { Generation } from '../../../control/compile/generation';

const R1 = '02:00:00:00:01:01';
const R2 = '02:00:00:00:02:01';
const R3 = '02:00:00:00:03:01';
const R4 = '02:00:00:00:04:01';
const A = '02:00:00:0a:00:0a';
const GW1 = '02:00:00:00:02:54'; // 10.0.2.254, ISP1 on ether2
const GW2 = '02:00:00:00:03:54'; // 10.0.3.254, ISP2 on ether3

/** LAN on ether1, ISP1 on ether2 (main's default), ISP2 on ether3 (table isp2's default). */
const BASE = `/interface ethernet
set [ find default-name=ether1 ] mac-address=${R1}
set [ find default-name=ether2 ] mac-address=${R2}
set [ find default-name=ether3 ] mac-address=${R3}
set [ find default-name=ether4 ] mac-address=${R4}
/routing table
add name=isp2 fib
add name=nofib
/ip address
add address=10.0.1.1/24 interface=ether1
add address=10.0.2.1/24 interface=ether2
add address=10.0.3.1/24 interface=ether3
/ip route
add gateway=10.0.2.254
add gateway=10.0.3.254 routing-table=isp2
add dst-address=198.51.100.0/24 gateway=10.0.3.254 routing-table=nofib
/ip arp
add address=10.0.2.254 mac-address=${GW1} interface=ether2
add address=10.0.3.254 mac-address=${GW2} interface=ether3
add address=10.0.1.10 mac-address=${A} interface=ether1
add address=10.0.1.20 mac-address=${A} interface=ether1
`;

// Destination port 5678: MNDP, which the router listens on by default, so a datagram for the router is
// delivered (`local`) rather than answered with port unreachable.
const udp = (src: string, dst: string, sport = 1000, dport = 5678, dmac = R1) =>
  frame().eth({ src: A, dst: dmac }).ipv4({ src, dst }).udp({ sport, dport }).payload('x').build();
const ping = (src: string, dst: string, dmac = R1) =>
  frame().eth({ src: A, dst: dmac }).ipv4({ src, dst }).icmp({ type: 'echo-request', id: 7, seq: 1 }).payload('p').build();
const describe1 = (f: Uint8Array) => describeFrame(f, 0, f.length, 1);
const tableIndex = (gen: Generation, name: string) => {
  const i = gen.tableNames.indexOf(name);
  if (i < 0) throw new Error(`no table ${name}`);
  return i;
};

/**
 * A harness whose feed can set the routing mark (as mangle mark-routing will), and reports where a
 * forwarded frame went: `tx ether2 via 02:..:54` (the next hop's MAC), so the gateway is visible.
 */
function rig(gen: Generation, opts: { trace?: TraceBuffer } = {}) {
  const pool = new PacketPool({ slots: 256 });
  const h = harness(gen, { pool, ...(opts.trace ? { trace: opts.trace } : {}) });
  let serial = 1_000_000;
  const one = new Uint32Array(1);
  function feed(port: string, f: Uint8Array, mark = 0, ms = 0): string {
    const before = h.sent.length;
    const slot = pool.alloc();
    pool.write(slot, f, 0, f.length);
    pool.meta.inPort[slot] = gen.portNames.indexOf(port);
    pool.meta.linkType[slot] = 1;
    pool.meta.routingMark[slot] = mark;
    if (opts.trace) {
      pool.meta.flags[slot]! |= 0x2000;
      opts.trace.begin(slot);
    }
    h.flow.setClock(1_700_000_000 + Math.floor(ms / 1000), (ms % 1000) * 1e6);
    h.flow.state.serial[slot] = ++serial;
    one[0] = slot;
    h.flow.receive(one, 1);
    const fate = h.finals.get(serial) ?? 'queued';
    if (fate.startsWith('tx') && h.sent.length > before) return `${fate} via ${macToString(h.sent[h.sent.length - 1]!.frame, 0)}`;
    return fate;
  }
  return { ...h, feed };
}

describe('routing marks (policy step mangle)', () => {
  const gen = generationFrom(BASE);
  const isp2 = routingMarkOf(tableIndex(gen, 'isp2'));
  const main = routingMarkOf(gen.mainTable);

  test('the encoding: 0 is no mark, else 1 + table index', () => {
    expect(routingMarkOf(0)).toBe(1);
    expect(gen.tableNames[isp2 - 1]).toBe('isp2');
  });
  test('an unmarked packet takes main, a marked one its table', () => {
    const r = rig(gen);
    expect(r.feed('ether1', udp('10.0.1.10', '8.8.8.8'))).toBe(`tx ether2 via ${GW1}`);
    expect(r.feed('ether1', udp('10.0.1.10', '8.8.8.8'), isp2)).toBe(`tx ether3 via ${GW2}`);
    expect(r.feed('ether1', udp('10.0.1.10', '8.8.8.8'), main)).toBe(`tx ether2 via ${GW1}`);
  });
  test('a miss in the marked table falls through to main (Linux fwmark rule behaviour)', () => {
    const r = rig(gen);
    // table nofib has no FIB: nothing is found there, main's default route decides
    expect(r.feed('ether1', udp('10.0.1.10', '198.51.100.1'), routingMarkOf(tableIndex(gen, 'nofib')))).toBe(`tx ether2 via ${GW1}`);
  });
  test('mangle runs before local: marked traffic to the router is routed away by the marked table', () => {
    const r = rig(gen);
    expect(r.feed('ether1', udp('10.0.1.10', '10.0.2.1'))).toBe('local');
    expect(r.feed('ether1', udp('10.0.1.10', '10.0.2.1'), main)).toBe('local'); // main holds the locals
    expect(r.feed('ether1', udp('10.0.1.10', '10.0.2.1'), isp2)).toBe(`tx ether3 via ${GW2}`);
  });
  test('a mark naming no table is ignored', () => {
    const r = rig(gen);
    expect(r.feed('ether1', udp('10.0.1.10', '8.8.8.8'), 999)).toBe(`tx ether2 via ${GW1}`);
  });
  test('a table without fib gets no FIB; main, VRF and fib tables do', () => {
    expect(gen.fibs[tableIndex(gen, 'nofib')]).toBeNull();
    expect(gen.fibs[tableIndex(gen, 'isp2')]).not.toBeNull();
    expect(gen.fibs[gen.mainTable]).not.toBeNull();
  });
});

describe('/routing rule', () => {
  const rules = (text: string) => generationFrom(BASE + '/routing rule\n' + text);

  test('src-address lookup to another table; other sources fall to main', () => {
    const gen = rules('add src-address=10.0.1.20/32 action=lookup table=isp2\n');
    const r = rig(gen);
    expect(r.feed('ether1', udp('10.0.1.20', '8.8.8.8'))).toBe(`tx ether3 via ${GW2}`);
    expect(r.feed('ether1', udp('10.0.1.10', '8.8.8.8'))).toBe(`tx ether2 via ${GW1}`);
  });
  test('local comes before user rules: the router\'s own address stays local', () => {
    const gen = rules('add src-address=10.0.1.0/24 action=lookup-only-in-table table=isp2\n');
    const r = rig(gen);
    expect(r.feed('ether1', udp('10.0.1.10', '10.0.1.1'))).toBe('local');
    expect(r.feed('ether1', udp('10.0.1.10', '10.0.2.1'))).toBe('local');
    expect(r.feed('ether1', udp('10.0.1.10', '10.0.1.255'))).toBe('local'); // subnet broadcast
  });
  test('lookup falls through on a miss, lookup-only-in-table fails', () => {
    // table isp3: only 203.0.113.0/24
    const text = BASE + '/routing table\nadd name=isp3 fib\n/ip route\nadd dst-address=203.0.113.0/24 gateway=10.0.3.254 routing-table=isp3\n/routing rule\n';
    const fall = rig(generationFrom(text + 'add src-address=10.0.1.10 action=lookup table=isp3\n'));
    expect(fall.feed('ether1', udp('10.0.1.10', '203.0.113.5'))).toBe(`tx ether3 via ${GW2}`);
    expect(fall.feed('ether1', udp('10.0.1.10', '8.8.8.8'))).toBe(`tx ether2 via ${GW1}`); // miss: on to main
    const only = rig(generationFrom(text + 'add src-address=10.0.1.10 action=lookup-only-in-table table=isp3\n'));
    expect(only.feed('ether1', udp('10.0.1.10', '203.0.113.5'))).toBe(`tx ether3 via ${GW2}`);
    expect(only.feed('ether1', udp('10.0.1.10', '8.8.8.8'))).toBe('drop rule-table-miss');
    expect(describe1(only.sent[only.sent.length - 1]!.frame)).toBe('IP 10.0.1.1 > 10.0.1.10: ICMP net 8.8.8.8 unreachable, length 37');
  });
  test('drop is silent; unreachable answers ICMP net unreachable; rules run in order', () => {
    const gen = rules(
      'add dst-address=192.0.2.0/24 action=drop\nadd dst-address=192.0.2.0/25 action=unreachable\nadd dst-address=198.18.0.0/15 action=unreachable\n',
    );
    const r = rig(gen);
    expect(r.feed('ether1', udp('10.0.1.10', '192.0.2.1'))).toBe('drop rule-drop'); // first rule wins over the /25
    expect(r.sent.length).toBe(0);
    expect(r.feed('ether1', udp('10.0.1.10', '198.18.5.5'))).toBe('drop rule-unreachable');
    expect(describe1(r.sent[0]!.frame)).toBe('IP 10.0.1.1 > 10.0.1.10: ICMP net 198.18.5.5 unreachable, length 37');
  });
  test('interface= matches the in-interface only', () => {
    const gen = rules('add interface=ether4 action=lookup-only-in-table table=isp2\n/ip address\nadd address=10.0.4.1/24 interface=ether4\n');
    const r = rig(gen);
    expect(r.feed('ether4', udp('10.0.4.10', '8.8.8.8', 1, 2, R4))).toBe(`tx ether3 via ${GW2}`);
    expect(r.feed('ether1', udp('10.0.1.10', '8.8.8.8'))).toBe(`tx ether2 via ${GW1}`);
  });
  test('routing-mark= matches only packets with that mark', () => {
    const gen = rules('add routing-mark=nofib action=lookup table=isp2\n');
    const r = rig(gen);
    expect(r.feed('ether1', udp('10.0.1.10', '8.8.8.8'), routingMarkOf(tableIndex(gen, 'nofib')))).toBe(`tx ether3 via ${GW2}`);
    expect(r.feed('ether1', udp('10.0.1.10', '8.8.8.8'))).toBe(`tx ether2 via ${GW1}`);
  });
  test('min-prefix=0 hides the default route: the lookup goes on to main; longer routes are kept', () => {
    const text =
      BASE +
      '/routing table\nadd name=t fib\n/ip route\nadd gateway=10.0.3.254 routing-table=t\nadd dst-address=203.0.113.0/24 gateway=10.0.3.254 routing-table=t\n' +
      '/routing rule\nadd action=lookup table=t min-prefix=0\n';
    const r = rig(generationFrom(text));
    expect(r.feed('ether1', udp('10.0.1.10', '8.8.8.8'))).toBe(`tx ether2 via ${GW1}`);
    expect(r.feed('ether1', udp('10.0.1.10', '203.0.113.9'))).toBe(`tx ether3 via ${GW2}`);
  });
  test('disabled rules and inactive ones (unknown table, custom chain) are skipped', () => {
    const gen = rules(
      'add dst-address=8.8.8.8 action=drop disabled=yes\nadd dst-address=8.8.8.8 action=drop chain=mine\n' +
        'add dst-address=8.8.8.8 action=lookup table=isp2\n',
    );
    expect(gen.rules.count).toBe(1);
    expect(gen.routes.rules.map((x) => [x.id, x.active])).toEqual([
      ['*2', false],
      ['*3', true],
    ]);
    expect(rig(gen).feed('ether1', udp('10.0.1.10', '8.8.8.8'))).toBe(`tx ether3 via ${GW2}`);
  });
  test('chain=main rules run after main missed', () => {
    const text =
      BASE.replace('add gateway=10.0.2.254\n', '') + '/routing rule\nadd chain=main action=lookup table=isp2\nadd dst-address=8.8.4.4 action=drop\n';
    const r = rig(generationFrom(text));
    expect(r.feed('ether1', udp('10.0.1.10', '10.0.2.9'))).toBe('queued'); // main's connected route: ARP
    expect(r.feed('ether1', udp('10.0.1.10', '8.8.8.8'))).toBe(`tx ether3 via ${GW2}`); // no default in main
    expect(r.feed('ether1', udp('10.0.1.10', '8.8.4.4'))).toBe('drop rule-drop'); // user chain first
  });
  test('the trace names the rule (.id and comment) and the table that decided', () => {
    const trace = new TraceBuffer(256);
    const gen = rules('add src-address=10.0.1.99 action=drop\nadd src-address=10.0.1.20 action=lookup table=isp2 comment="lab to isp2"\n');
    const r = rig(gen, { trace });
    r.feed('ether1', udp('10.0.1.20', '8.8.8.8'));
    r.feed('ether1', udp('10.0.1.10', '8.8.8.8'));
    const text = trace.format(r.flow.traceNames());
    expect(text).toContain('routing: route-rule rule *2 "lab to isp2" matched: lookup found a route');
    expect(text).toContain('routing: route-table table isp2 (user)');
    expect(text).toContain('routing: route-table table main (main)');
    expect(text).not.toContain('rule *1');
  });
});

describe('VRF', () => {
  // ether4 is in VRF blue with 10.0.4.1/24 and a second address; blue's default leaks to ISP1 via @main.
  const VRF =
    BASE +
    '/ip vrf\nadd name=blue interfaces=ether4\n/ip address\nadd address=10.0.4.1/24 interface=ether4\n' +
    '/ip arp\nadd address=10.0.4.10 mac-address=' + A + ' interface=ether4\n';
  const fromBlue = (dst: string, src = '10.0.4.10') => udp(src, dst, 1, 5678, R4);

  test('a VRF address is local only in its VRF', () => {
    const r = rig(generationFrom(VRF));
    expect(r.feed('ether4', fromBlue('10.0.4.1'))).toBe('local');
    expect(r.feed('ether1', udp('10.0.1.10', '10.0.4.1'))).toBe(`tx ether2 via ${GW1}`); // main: the default route
    expect(r.feed('ether4', fromBlue('10.0.1.1'))).toBe('drop no-route'); // main's address from blue: vrf-unreach
  });
  test('vrf-unreach: a miss in the VRF is rejected before user rules and main', () => {
    const r = rig(generationFrom(VRF + '/routing rule\nadd action=lookup table=isp2\n'));
    expect(r.feed('ether4', fromBlue('8.8.8.8'))).toBe('drop no-route');
    expect(describe1(r.sent[r.sent.length - 1]!.frame)).toBe('IP 10.0.4.1 > 10.0.4.10: ICMP net 8.8.8.8 unreachable, length 37');
    expect(r.sent[r.sent.length - 1]!.port).toBe('ether4'); // the ICMP error is routed in blue
  });
  test('an echo reply from a VRF address is routed in the VRF', () => {
    const r = rig(generationFrom(VRF));
    expect(r.feed('ether4', ping('10.0.4.10', '10.0.4.1', R4))).toBe('tx ether4 via 02:00:00:0a:00:0a');
    expect(describe1(r.sent[0]!.frame)).toContain('IP 10.0.4.1 > 10.0.4.10: ICMP echo reply');
  });
  test('overlapping networks: the same address in main and in a VRF, each answered in its own table', () => {
    const text =
      BASE +
      '/ip vrf\nadd name=blue interfaces=ether4\n/ip address\nadd address=10.0.1.1/24 interface=ether4\n' +
      '/ip arp\nadd address=10.0.1.10 mac-address=02:00:00:0b:0b:0b interface=ether4\n';
    const r = rig(generationFrom(text));
    expect(r.feed('ether1', ping('10.0.1.10', '10.0.1.1'))).toBe(`tx ether1 via ${A}`);
    expect(r.feed('ether4', ping('10.0.1.10', '10.0.1.1', R4))).toBe('tx ether4 via 02:00:00:0b:0b:0b');
    // a TTL-expired packet from blue: time exceeded goes back into blue, not out of main's ether1
    const ttl1 = frame().eth({ src: A, dst: R4 }).ipv4({ src: '10.0.1.10', dst: '10.0.1.77', ttl: 1 }).udp({ sport: 1, dport: 2 }).build();
    expect(r.feed('ether4', ttl1)).toBe('drop ttl-exceeded');
    expect(r.sent[r.sent.length - 1]!.port).toBe('ether4');
    expect(describe1(r.sent[r.sent.length - 1]!.frame)).toContain('ICMP time exceeded in-transit');
  });
  test('overlapping networks: fragmentation-needed for a packet from the VRF goes back into the VRF', () => {
    const text =
      BASE +
      '/interface ethernet\nset [ find default-name=ether5 ] mtu=576\n' +
      '/ip vrf\nadd name=blue interfaces=ether4,ether5\n/ip address\nadd address=10.0.1.1/24 interface=ether4\nadd address=10.0.5.1/24 interface=ether5\n' +
      '/ip arp\nadd address=10.0.1.10 mac-address=02:00:00:0b:0b:0b interface=ether4\nadd address=10.0.5.9 mac-address=02:00:00:05:05:09 interface=ether5\n';
    const r = rig(generationFrom(text));
    const big = frame().eth({ src: A, dst: R4 }).ipv4({ src: '10.0.1.10', dst: '10.0.5.9', df: true }).udp({ sport: 1, dport: 2 }).payload(new Uint8Array(1000)).build();
    expect(r.feed('ether4', big)).toBe('drop fragmentation-needed');
    expect(r.sent[r.sent.length - 1]!.port).toBe('ether4'); // not ether1, where main's 10.0.1.10 lives
    expect(describe1(r.sent[r.sent.length - 1]!.frame)).toContain('IP 10.0.1.1 > 10.0.1.10: ICMP 10.0.5.9 unreachable - need to frag (mtu 576)');
  });
  test('a mark naming a VRF steers into it; a miss there is rejected, not passed to main', () => {
    const gen = generationFrom(VRF);
    const blue = routingMarkOf(tableIndex(gen, 'blue'));
    const r = rig(gen);
    expect(r.feed('ether1', udp('10.0.1.10', '10.0.4.10'), blue)).toBe('tx ether4 via 02:00:00:0a:00:0a');
    expect(r.feed('ether1', udp('10.0.1.10', '8.8.8.8'), blue)).toBe('drop no-route');
  });
  test('the source check is per VRF: a main address as source from blue is not martian there', () => {
    const r = rig(generationFrom(VRF + '/ip route\nadd gateway=10.0.2.254@main routing-table=blue\n'));
    expect(r.feed('ether4', fromBlue('8.8.8.8', '10.0.2.1'))).toBe(`tx ether2 via ${GW1}`);
    expect(r.feed('ether4', fromBlue('8.8.8.8', '10.0.4.1'))).toBe('drop martian-source');
    expect(r.feed('ether1', udp('10.0.2.1', '8.8.8.8'))).toBe('drop martian-source');
  });
});

describe('ECMP hash policy', () => {
  const ECMP =
    BASE +
    '/ip route\nadd dst-address=203.0.113.0/24 gateway=10.0.2.254,10.0.3.254\n';
  const ip = (s: string) => s.split('.').reduce((a, o) => ((a << 8) | Number(o)) >>> 0, 0) | 0;
  const macOfHop = [GW1, GW2];

  test('l3 (default): the hop is fmix32(src ^ dst) % 2; ports do not matter', () => {
    const r = rig(generationFrom(ECMP));
    for (let k = 0; k < 16; k++) {
      const dst = `203.0.113.${k}`;
      const want = macOfHop[ecmpHop(ip('10.0.1.10'), ip(dst), 0, 2)]!;
      expect(r.feed('ether1', udp('10.0.1.10', dst, 1000 + k, 53))).toContain(want);
      expect(r.feed('ether1', udp('10.0.1.10', dst, 5000 + k, 80))).toContain(want);
    }
  });
  test('l4: protocol and ports join the hash, so flows to one host spread over both gateways', () => {
    const r = rig(generationFrom(ECMP + '/ip settings\nset ipv4-multipath-hash-policy=l4\n'));
    const seen = new Set<string>();
    for (let k = 0; k < 16; k++) {
      const sport = 40000 + k;
      const want = macOfHop[ecmpHop(ip('10.0.1.10'), ip('203.0.113.1'), ((sport << 16) | 443) ^ 17, 2)]!;
      const got = r.feed('ether1', udp('10.0.1.10', '203.0.113.1', sport, 443));
      expect(got).toContain(want);
      seen.add(got);
    }
    expect(seen.size).toBe(2);
  });
  test('the hash function: murmur3 fmix32 of the xor (a fixed value pins it down)', () => {
    // fmix32(0x0a00010a ^ 0xcb007101): worked out with the murmur3 constants
    let h = (0x0a00010a ^ 0xcb007101) | 0;
    h ^= h >>> 16;
    h = Math.imul(h, 0x85ebca6b);
    h ^= h >>> 13;
    h = Math.imul(h, 0xc2b2ae35);
    h ^= h >>> 16;
    expect(ecmpHop(0x0a00010a, 0xcb007101 | 0, 0, 7)).toBe((h >>> 0) % 7);
    expect(ecmpHop(1, 2, 0, 1)).toBe(0);
  });
});
