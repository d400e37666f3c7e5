/**
 * Bridging: generation (bridge tables), bridge-input (learn, local, forward, flood, drops) and bridge-output
 * (routed packets and ARP requests out of a bridge interface), one frame at a time through a whole Flow.
 */
import { generationFrom, harness } from './helpers';
import { frame } from '../../../pcap/fixture';
import { macToString } from '../../../dataplane/wire/ethernet';
import { ipv4ChecksumOk } from '../../../dataplane/wire/checksum';
import { BridgePortFlag } from '../../../dataplane/stages/state';

const R1 = '02:00:00:00:01:01';
const BR = '02:00:00:00:bb:01';
const A = '02:00:00:0a:00:0a';
const B = '02:00:00:0b:00:0b';
const C = '02:00:00:0c:00:0c';
const BC = 'ff:ff:ff:ff:ff:ff';

const config = (portExtra = '', bridgeExtra = ` admin-mac=${BR} auto-mac=no`) => `/interface ethernet
set [ find default-name=ether1 ] mac-address=${R1}
/interface bridge
add name=br1${bridgeExtra}
/interface bridge port
add bridge=br1 interface=ether2
add bridge=br1 interface=ether3${portExtra}
add bridge=br1 interface=ether4
/ip address
add address=10.0.1.1/24 interface=ether1
add address=192.168.88.1/24 interface=br1
`;
const udp = (src: string, dst: string, ipSrc = '192.168.88.10', ipDst = '192.168.88.20') =>
  frame().eth({ src, dst }).ipv4({ src: ipSrc, dst: ipDst }).udp({ sport: 1000, dport: 2000 }).payload('x').build();
const arpWhoHas = (src: string, ip: string, tpa: string) =>
  frame().eth({ src, dst: BC }).arp({ op: 'request', senderMac: src, senderIp: ip, targetIp: tpa }).build();
const ports = (h: ReturnType<typeof harness>) => h.sent.map((s) => s.port).sort();

describe('generation: bridges', () => {
  test('bridge number, virtual port, ports, switches, ageing, MAC', () => {
    const gen = generationFrom(config(' horizon=1 learn=no unknown-unicast-flood=no', ` admin-mac=${BR} auto-mac=no ageing-time=1m30s`));
    const bi = gen.routes.interfaces.byName.get('br1')!;
    expect(Array.from(gen.bridgeIf)).toEqual([bi]);
    expect(gen.ifPort[bi]).toBe(gen.portNames.length);
    expect(gen.ifMode[bi]).toBe(1);
    expect(gen.bridgeAgeing[0]).toBe(90);
    const p = (n: string) => gen.portNames.indexOf(n);
    expect(Array.from(gen.bridgePorts[0]!)).toEqual([p('ether2'), p('ether3'), p('ether4')]);
    expect(gen.portBridge[p('ether1')]).toBe(-1);
    expect(gen.portBridge[p('ether3')]).toBe(0);
    expect(gen.portHorizon[p('ether3')]).toBe(1);
    expect(gen.portHorizon[p('ether2')]).toBe(-1);
    expect(gen.portFlags[p('ether3')]).toBe(BridgePortFlag.UNKNOWN_MULTICAST_FLOOD | BridgePortFlag.BROADCAST_FLOOD);
    expect(gen.portFlags[p('ether2')]).toBe(15);
    expect(macToString(gen.macs, bi * 6)).toBe(BR);
  });
  test('auto-mac: the first port MAC; admin-mac ignored with auto-mac=yes; default ageing 5m', () => {
    const gen = generationFrom(`/interface ethernet\nset [ find default-name=ether2 ] mac-address=02:00:00:00:02:02\n` + config('', ` admin-mac=${BR}`));
    const bi = gen.routes.interfaces.byName.get('br1')!;
    expect(macToString(gen.macs, bi * 6)).toBe('02:00:00:00:02:02');
    expect(gen.bridgeAgeing[0]).toBe(300);
  });
});

describe('bridge-input', () => {
  const gen = generationFrom(config());
  test('unknown unicast floods to the other ports, then known unicast goes to one port', () => {
    const h = harness(gen);
    expect(h.feed('ether2', udp(A, B))).toMatch(/^tx ether/);
    expect(ports(h)).toEqual(['ether3', 'ether4']);
    h.sent.length = 0;
    // B answers from ether3: A is known on ether2
    expect(h.feed('ether3', udp(B, A, '192.168.88.20', '192.168.88.10'), 1)).toBe('tx ether2');
    expect(ports(h)).toEqual(['ether2']);
    h.sent.length = 0;
    // now B is known on ether3
    expect(h.feed('ether2', udp(A, B), 2)).toBe('tx ether3');
    expect(ports(h)).toEqual(['ether3']);
    // bridged frames are not changed (MACs, TTL)
    expect(Array.from(h.sent[0]!.frame)).toEqual(Array.from(udp(A, B)));
  });
  test('learned entries age out (lookupFresh): flooded again after ageing-time', () => {
    const h = harness(gen);
    h.feed('ether3', udp(B, A), 0);
    h.sent.length = 0;
    expect(h.feed('ether2', udp(A, B), 299_000)).toBe('tx ether3');
    h.sent.length = 0;
    h.feed('ether2', udp(A, B), 600_000);
    expect(ports(h)).toEqual(['ether3', 'ether4']);
  });
  test('destination on the ingress port: bridge-same-port', () => {
    const h = harness(gen);
    h.feed('ether2', udp(B, C));
    expect(h.feed('ether2', udp(A, B))).toBe('drop bridge-same-port');
  });
  test('ARP request for the bridge address: flooded and answered with the bridge MAC out the ingress port', () => {
    const h = harness(gen);
    expect(h.feed('ether2', arpWhoHas(A, '192.168.88.10', '192.168.88.1'))).toBe('tx ether2');
    expect(ports(h)).toEqual(['ether2', 'ether3', 'ether4']);
    const reply = h.sent.find((s) => s.port === 'ether2')!.frame;
    expect(macToString(reply, 0)).toBe(A);
    expect(macToString(reply, 6)).toBe(BR);
    expect(reply[21]).toBe(2); // ARP reply
  });
  test('ping to the bridge address is answered out the port the host is on', () => {
    const h = harness(gen);
    const ping = frame().eth({ src: A, dst: BR }).ipv4({ src: '192.168.88.10', dst: '192.168.88.1' }).icmp({ type: 'echo-request', id: 1, seq: 1 }).build();
    // first the ARP so the router knows A (and the FDB learns A on ether3)
    h.feed('ether3', arpWhoHas(A, '192.168.88.10', '192.168.88.1'));
    h.sent.length = 0;
    expect(h.feed('ether3', ping, 1)).toBe('tx ether3');
    expect(h.sent).toHaveLength(1);
    const r = h.sent[0]!.frame;
    expect(macToString(r, 0)).toBe(A);
    expect(macToString(r, 6)).toBe(BR);
    expect(r[34]).toBe(0); // echo reply
    expect(ipv4ChecksumOk(r, 14)).toBe(true);
  });
  test('horizon: no flooding or forwarding between ports of the same horizon', () => {
    const g = generationFrom(config(' horizon=1').replace('interface=ether4', 'interface=ether4 horizon=1'));
    const h = harness(g);
    h.feed('ether3', udp(A, B));
    expect(ports(h)).toEqual(['ether2']);
    h.sent.length = 0;
    h.feed('ether2', udp(B, C), 1);
    expect(h.feed('ether4', udp(C, A), 2)).toBe('drop bridge-horizon');
  });
  test('learn=no: the source is not learned; unknown-unicast-flood=no: no unknown unicast to that port', () => {
    const g = generationFrom(config(' learn=no unknown-unicast-flood=no'));
    const h = harness(g);
    h.feed('ether3', udp(B, A));
    expect(ports(h)).toEqual(['ether2', 'ether4']);
    h.sent.length = 0;
    h.feed('ether2', udp(A, B), 1);
    expect(ports(h)).toEqual(['ether4']); // B unknown (not learned), ether3 does not get unknown unicast
    h.sent.length = 0;
    h.feed('ether2', frame().eth({ src: A, dst: BC }).ipv4({ src: '192.168.88.10', dst: '192.168.88.255' }).udp({ sport: 1, dport: 2 }).build(), 2);
    expect(ports(h)).toEqual(['ether3', 'ether4']); // broadcast still floods there
  });
  test('LOCAL FDB entries: a frame to a port\'s MAC goes up too; a source claiming the bridge MAC is not learned', () => {
    const g = generationFrom('/interface ethernet\nset [ find default-name=ether3 ] mac-address=02:00:00:00:03:03\n' + config());
    const h = harness(g);
    h.feed('ether2', arpWhoHas(A, '192.168.88.10', '192.168.88.1'));
    h.sent.length = 0;
    const ping = frame().eth({ src: A, dst: '02:00:00:00:03:03' }).ipv4({ src: '192.168.88.10', dst: '192.168.88.1' }).icmp({ type: 'echo-request', id: 1, seq: 1 }).build();
    expect(h.feed('ether2', ping, 1)).toBe('tx ether2');
    expect(macToString(h.sent[0]!.frame, 6)).toBe(BR);
    h.feed('ether4', udp(BR, A), 2);
    const fdb = h.flow.state.fdbs[0]!;
    expect(fdb.lookup(0x0200, 0x0000bb01, 0)).toBe(g.portNames.length); // still the bridge's own (LOCAL)
    expect(fdb.learned).toBe(1); // only A
  });
  test('pool exhaustion while flooding is counted', () => {
    const h = harness(gen);
    h.flow.state.bridgeCopyFailed = 0;
    // take every free slot but one (the frame itself)
    const held: number[] = [];
    while (h.pool.available > 1) held.push(h.pool.alloc());
    h.feed('ether2', udp(A, B));
    expect(h.flow.state.bridgeCopyFailed).toBe(1);
    expect(h.flow.dropCounts().get('pool-exhausted')).toBe(1);
    expect(h.sent).toHaveLength(1);
  });
});

describe('bridge-output', () => {
  const gen = generationFrom(config());
  test('routed into the bridge: ARP request floods to all ports, then the packet goes to the learned port', () => {
    const h = harness(gen);
    const p = frame().eth({ src: '02:00:00:00:00:99', dst: R1 }).ipv4({ src: '10.0.1.10', dst: '192.168.88.20', ttl: 64 }).udp({ sport: 1, dport: 2 }).payload('hi').build();
    expect(h.feed('ether1', p)).toBe('queued');
    expect(ports(h)).toEqual(['ether2', 'ether3', 'ether4']);
    for (const s of h.sent) {
      expect(macToString(s.frame, 0)).toBe(BC);
      expect(macToString(s.frame, 6)).toBe(BR);
    }
    h.sent.length = 0;
    const reply = frame().eth({ src: C, dst: BR }).arp({ op: 'reply', senderMac: C, senderIp: '192.168.88.20', targetMac: BR, targetIp: '192.168.88.1' }).build();
    h.feed('ether4', reply, 1);
    expect(h.fateOf(1)).toBe('tx ether4');
    expect(ports(h)).toEqual(['ether4']);
    const f = h.sent[0]!.frame;
    expect(macToString(f, 0)).toBe(C);
    expect(macToString(f, 6)).toBe(BR);
    expect(f[22]).toBe(63);
    expect(ipv4ChecksumOk(f, 14)).toBe(true);
  });
  test('a bridge with no ports: bridge-no-flood-port for its ARP requests', () => {
    const g = generationFrom(`/interface bridge\nadd name=lo0\n/ip address\nadd address=10.0.1.1/24 interface=ether1\nadd address=172.16.0.1/24 interface=lo0\n`);
    const h = harness(g);
    const p = frame().eth({ src: A, dst: macToString(g.macs, 0) }).ipv4({ src: '10.0.1.10', dst: '172.16.0.5' }).udp({ sport: 1, dport: 2 }).build();
    expect(h.feed('ether1', p)).toBe('queued');
    expect(h.sent).toHaveLength(0);
    expect(h.flow.dropCounts().get('bridge-no-flood-port')).toBe(1);
  });
});
