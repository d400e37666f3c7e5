/**
 * MetaRouter isolation, end to end through a lab (control/instance/lab.ts, dataplane/lab.ts): a host that
 * routes and NATs its uplink, a guest behind a vif that NATs its clients, the client port handed to the
 * guest with a static link. The same address and MAC in host and guest do not interfere; each router's
 * connection table and counters hold only its own; a guest at its memory budget leaves the host intact.
 */
import { RouterInstance } from '../../../control/instance/router';
import { MetaLab } from '../../../control/instance/lab';
import { frame } from '../../../pcap/fixture';
import { formatConnections } from '../../../dataplane/firewall/report';
import { macToString } from '../../../dataplane/wire/ethernet';
import { ipv4ToString, parseIpv4 } from '../../../dataplane/wire/ipv4';
import { isWireError } from '../../../dataplane/wire/error';
import { Drop } from '../../../dataplane/drop';

const U = '02:00:00:0e:00:01';
const C = '02:00:00:0c:00:32';
const SAME_MAC = '02:4D:52:00:00:02';
const X = '02:00:00:0f:00:01';

const HOST = `/ip address
add address=198.18.0.2/24 interface=ether1
add address=100.64.0.1/30 interface=vif1
add address=192.168.10.1/24 interface=ether3
/interface ethernet set [find default-name=ether3] mac-address=${SAME_MAC}
/ip route add gateway=198.18.0.1
/ip arp add address=198.18.0.1 mac-address=${U} interface=ether1
/ip firewall nat add chain=srcnat out-interface=ether1 action=masquerade
/metarouter add name=mr1 memory-size=MEM
/metarouter interface
add virtual-machine=mr1 type=dynamic
add virtual-machine=mr1 type=static static-interface=ether2 vm-mac-address=${SAME_MAC}
`;
const GUEST = `/interface ethernet
set [ find default-name=ether1 ] name=public
set [ find default-name=ether2 ] name=local
/ip address
add address=100.64.0.2/30 interface=public
add address=192.168.10.1/24 interface=local
/ip route add gateway=100.64.0.1
/ip arp add address=192.168.10.50 mac-address=${C} interface=local
/ip firewall nat add chain=srcnat out-interface=public action=masquerade
`;

function setup(mem = 24) {
  const host = new RouterInstance();
  const r = host.load(HOST.replace('MEM', String(mem)), 'host.rsc');
  if (!r.ok) throw new Error(r.errors.map((e) => `${e.line}: ${e.message}`).join('\n'));
  const guest = host.metarouter.get('mr1')!.router as RouterInstance;
  const g = guest.load(GUEST, 'guest.rsc');
  if (!g.ok) throw new Error(g.errors.map((e) => `${e.line}: ${e.message}`).join('\n'));
  const ml = new MetaLab(host);
  const out: { name: string; router: number; frame: Uint8Array }[] = [];
  ml.lab.onOutput = (k, port, slot) => {
    const name = ml.outputName(k, port);
    if (name !== null) out.push({ name, router: k, frame: ml.pool.frameCopy(slot) });
    ml.pool.free(slot);
  };
  let ms = 0;
  const send = (iface: string, bytes: Uint8Array) => {
    const [k, port] = ml.inputs.get(iface)!;
    const slot = ml.pool.alloc();
    ml.pool.write(slot, bytes, 0, bytes.length);
    const m = ml.pool.meta;
    m.inPort[slot] = port;
    m.tsSec[slot] = 1_767_261_600;
    m.tsNsec[slot] = ms++ * 1_000_000;
    ml.lab.setClock(m.tsSec[slot]!, m.tsNsec[slot]!);
    ml.lab.inject(k, Uint32Array.of(slot), 1);
    ml.poll();
  };
  return { host, guest, ml, out, send };
}

const udp = (sport: number) => frame().eth({ src: C, dst: SAME_MAC }).ipv4({ src: '192.168.10.50', dst: '198.51.100.7', id: sport, ttl: 64 }).udp({ sport, dport: 53 }).payload('q').build();

function ipOf(f: Uint8Array) {
  const r = parseIpv4(f, 14, f.length - 14, true);
  if (isWireError(r)) throw new Error(r.message);
  return { src: ipv4ToString(r.src), dst: ipv4ToString(r.dst), ttl: r.ttl };
}

describe('MetaRouter isolation', () => {
  test('a client on the port handed to the guest is NATed twice: by the guest, then by the host; the answer comes back', () => {
    const { ml, out, send } = setup();
    send('ether2', udp(40000));
    const q = out.filter((o) => o.name === 'ether1');
    expect(q).toHaveLength(1);
    expect(macToString(q[0]!.frame, 0)).toBe(U);
    expect(ipOf(q[0]!.frame)).toEqual({ src: '198.18.0.2', dst: '198.51.100.7', ttl: 62 });
    // The answer: the host un-NATs to the guest's public address, the guest to its client, out the static port.
    const port = (q[0]!.frame[34]! << 8) | q[0]!.frame[35]!;
    send('ether1', frame().eth({ src: U, dst: macToString(q[0]!.frame, 6) }).ipv4({ src: '198.51.100.7', dst: '198.18.0.2', id: 9, ttl: 60 }).udp({ sport: 53, dport: port }).payload('a').build());
    const a = out.filter((o) => o.name === 'ether2');
    expect(a).toHaveLength(1);
    expect(a[0]!.router).toBe(1); // sent by the guest, through the host port it was given
    expect(macToString(a[0]!.frame, 0)).toBe(C);
    expect(ipOf(a[0]!.frame)).toEqual({ src: '198.51.100.7', dst: '192.168.10.50', ttl: 58 });
    expect(ml.lab.crossed).toBeGreaterThanOrEqual(4);
  });

  test('each connection table holds only its own router\'s connection; counters are per router', () => {
    const { ml, send } = setup();
    send('ether2', udp(40000));
    const [hf, gf] = ml.lab.flows;
    const hostConns = formatConnections(hf!.firewall!, hf!.state.now);
    const guestConns = formatConnections(gf!.firewall!, gf!.state.now);
    expect(hostConns).toContain('100.64.0.2:');
    expect(hostConns).not.toContain('192.168.10.50');
    expect(guestConns).toContain('192.168.10.50:40000');
    expect(guestConns).not.toContain('198.18.0.2');
    expect(hf!.firewall!.ct.size).toBe(1);
    expect(gf!.firewall!.ct.size).toBe(1);
    // The host never received on ether2 (handed to the guest); the guest's `local` did.
    const hostPort = (n: string) => hf!.tables.portNames.indexOf(n);
    expect(hf!.state.counters.rxPackets[hostPort('ether2')]).toBe(0);
    expect(gf!.state.counters.rxPackets[gf!.tables.portNames.indexOf('local')]).toBe(1);
  });

  test('the same address and MAC in host (ether3) and guest (local) answer each on their own side', () => {
    const { ml, out, send } = setup();
    const who = (src: string) => frame().eth({ src, dst: 'ff:ff:ff:ff:ff:ff' }).arp({ op: 'request', senderMac: src, senderIp: src === C ? '192.168.10.50' : '192.168.10.60', targetIp: '192.168.10.1' }).pad().build();
    send('ether2', who(C));
    send('ether3', who(X));
    const replies = out.map((o) => [o.name, o.router, macToString(o.frame, 6), macToString(o.frame, 0)]);
    expect(replies).toEqual([
      ['ether2', 1, SAME_MAC.toLowerCase(), C],
      ['ether3', 0, SAME_MAC.toLowerCase(), X],
    ]);
    // Each learned only its own neighbour.
    const [hf, gf] = ml.lab.flows;
    expect(hf!.state.arp.size).toBe(2); // the static gateway and X
    expect(gf!.state.arp.size).toBe(1); // its static client only: nothing of X
  });

  test('a guest at its memory budget evicts its own connections and logs it; the host keeps all of its own', () => {
    const { host, guest, ml, out, send } = setup(1);
    expect(host.metarouter.get('mr1')!.budget.connections).toBe(128);
    for (let p = 0; p < 300; p++) send('ether2', udp(20000 + p));
    const [hf, gf] = ml.lab.flows;
    expect(gf!.firewall!.ct.maxEntries).toBe(128);
    expect(gf!.firewall!.ct.size).toBeLessThanOrEqual(128);
    expect(gf!.firewall!.ct.evicted).toBeGreaterThan(0);
    // Unreplied UDP is evictable: every query went through, and the host tracked each one.
    expect(out.filter((o) => o.name === 'ether1')).toHaveLength(300);
    expect(hf!.firewall!.ct.size).toBe(300);
    expect(hf!.firewall!.ct.maxEntries).toBeGreaterThan(128);
    expect(guest.log.entries().filter((e) => e.message.startsWith('connection table full'))).toHaveLength(1);
    expect(host.log.entries().some((e) => e.message.startsWith('metarouter mr1: connection table full (128 entries for memory-size 1MiB)'))).toBe(true);
  });

  test('a guest shut down drops what is sent to it (metarouter-down); started again it forwards with fresh tables', () => {
    const { host, ml, out, send } = setup();
    send('ether2', udp(40000));
    expect(ml.lab.flows[1]!.firewall!.ct.size).toBe(1);
    host.runConsoleLine('/metarouter shut-down mr1', []);
    ml.refresh();
    send('ether2', udp(40001));
    expect(ml.lab.drops[Drop.METAROUTER_DOWN]).toBe(1);
    expect(out.filter((o) => o.name === 'ether1')).toHaveLength(1);
    host.runConsoleLine('/metarouter start mr1', []);
    ml.refresh();
    expect(ml.lab.flows[1]!.firewall!.ct.size).toBe(0);
    send('ether2', udp(40002));
    expect(out.filter((o) => o.name === 'ether1')).toHaveLength(2);
  });
});
