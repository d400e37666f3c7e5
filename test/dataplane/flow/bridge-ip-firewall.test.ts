/**
 * The bridged IP firewall (`/interface bridge settings use-ip-firewall=yes`): bridged IPv4 frames through
 * the IP prerouting, forward and postrouting hooks (the routed path's stages under bridge-ip-* names), one
 * frame at a time through a whole Flow. Checked by fates, what leaves which port, rule and connection
 * counters.
 */
import { generationFrom, harness } from './helpers';
import { frame } from '../../../pcap/fixture';
import { CtStatus } from '../../../dataplane/conntrack/table';

const BR = '02:00:00:00:bb:01';
const A = '02:00:00:0a:00:0a';
const B = '02:00:00:0b:00:0b';
const C = '02:00:00:0c:00:0c';
const D = '02:00:00:0d:00:0d';
const BC = 'ff:ff:ff:ff:ff:ff';
const A_IP = '192.168.88.10';
const B_IP = '192.168.88.20';
const D_IP = '192.168.88.40';

const config = (rules: string, settings = 'use-ip-firewall=yes') => `/interface bridge
add name=br1 admin-mac=${BR} auto-mac=no
/interface bridge port
add bridge=br1 interface=ether2
add bridge=br1 interface=ether3
add bridge=br1 interface=ether4
/interface bridge settings
set ${settings}
/ip address
add address=192.168.88.1/24 interface=br1
${rules}`;

const udp = (src: string, dst: string, ipSrc = A_IP, ipDst = B_IP, dport = 2000) =>
  frame().eth({ src, dst }).ipv4({ src: ipSrc, dst: ipDst }).udp({ sport: 1000, dport }).payload('x').build();
const tcp = (src: string, dst: string, ipSrc: string, ipDst: string, sport: number, dport: number, flags: string, seq: number, ack?: number) =>
  frame()
    .eth({ src, dst })
    .ipv4({ src: ipSrc, dst: ipDst })
    .tcp({ sport, dport, flags, seq, ...(ack !== undefined ? { ack } : {}) })
    .build();
const arpReq = (src: string, ip: string, tpa: string) => frame().eth({ src, dst: BC }).arp({ op: 'request', senderMac: src, senderIp: ip, targetIp: tpa }).pad().build();
const ping = (src: string, dst: string, ipDst: string, seq = 1) =>
  frame().eth({ src, dst }).ipv4({ src: A_IP, dst: ipDst }).icmp({ type: 'echo-request', id: 7, seq }).payload('p').build();
const ports = (h: ReturnType<typeof harness>) => h.sent.map((s) => s.port).sort();
const ipDst = (f: Uint8Array) => `${f[30]}.${f[31]}.${f[32]}.${f[33]}`;
const ipSrc = (f: Uint8Array) => `${f[26]}.${f[27]}.${f[28]}.${f[29]}`;
const mac = (f: Uint8Array, at: number) => Array.from(f.subarray(at, at + 6), (x) => x.toString(16).padStart(2, '0')).join(':');

/** A harness where A is known on ether2, B on ether3 and D on ether4 (their frames' copies cleared). */
function learned(rules: string, settings?: string) {
  const gen = generationFrom(config(rules, settings));
  const h = harness(gen);
  h.feed('ether2', udp(A, C, A_IP, B_IP, 1), 0);
  h.feed('ether3', udp(B, C, B_IP, A_IP, 1), 1);
  h.feed('ether4', udp(D, C, D_IP, A_IP, 1), 2);
  h.sent.length = 0;
  const fw = h.flow.firewall!;
  return { gen, h, fw };
}

describe('bridged IP filter forward', () => {
  test('in-bridge-port drops what one port sends; in-interface is the bridge, not the port', () => {
    const { h, fw } = learned(`/ip firewall filter
add chain=forward action=drop in-interface=ether2
add chain=forward action=drop in-bridge-port=ether4
add chain=forward action=accept in-interface=br1 out-interface=br1 out-bridge-port=ether3
`);
    expect(h.feed('ether4', udp(D, B, D_IP, B_IP), 10)).toBe('drop firewall-drop');
    expect(h.feed('ether2', udp(A, B), 11)).toBe('tx ether3');
    expect(ports(h)).toEqual(['ether3']);
    // the learning frames went through the hooks too, per flooded copy: rule 2 took both copies of D's frame,
    // rule 3 the copy of A's frame to ether3; in-interface=ether2 never matches (it is br1)
    expect(Array.from(fw.filter.packets)).toEqual([0, 3, 2]);
  });

  test('connection-state: established replies pass, new from the outside port and invalid are dropped', () => {
    const { h, fw } = learned(`/ip firewall filter
add chain=forward action=accept connection-state=established,related
add chain=forward action=drop connection-state=invalid
add chain=forward action=drop connection-state=new in-bridge-port=ether3
`);
    expect(h.feed('ether2', tcp(A, B, A_IP, B_IP, 40000, 80, 'S', 100), 10)).toBe('tx ether3');
    expect(h.feed('ether3', tcp(B, A, B_IP, A_IP, 80, 40000, 'SA', 900, 101), 11)).toBe('tx ether2');
    expect(h.feed('ether2', tcp(A, B, A_IP, B_IP, 40000, 80, 'A', 101, 901), 12)).toBe('tx ether3');
    expect(h.feed('ether3', tcp(B, A, B_IP, A_IP, 50000, 22, 'S', 5), 13)).toBe('drop firewall-drop');
    expect(h.feed('ether2', tcp(A, B, A_IP, B_IP, 40001, 80, 'SF', 7), 14)).toBe('drop firewall-drop');
    expect(fw.filter.packets[0]).toBe(2);
    expect(fw.filter.packets[1]).toBe(1);
    // both flooded copies of the ether3 learning frame (new UDP), and the SYN from ether3
    expect(fw.filter.packets[2]).toBe(3);
    // ether2's and ether4's learning frames (their flooded copies share one entry each), the TCP connection;
    // none for ether3's frames, dropped before the confirm point
    expect([fw.ct.confirmed, fw.ct.size]).toEqual([3, 3]);
  });

  test('fasttrack-connection marks no bridged connection', () => {
    const { h, fw } = learned(`/ip firewall filter
add chain=forward action=fasttrack-connection connection-state=established,related
add chain=forward action=accept connection-state=established,related
`);
    h.feed('ether2', tcp(A, B, A_IP, B_IP, 40000, 80, 'S', 100), 10);
    h.feed('ether3', tcp(B, A, B_IP, A_IP, 80, 40000, 'SA', 900, 101), 11);
    expect(h.feed('ether2', tcp(A, B, A_IP, B_IP, 40000, 80, 'A', 101, 901), 12)).toBe('tx ether3');
    expect(fw.filter.packets[0]).toBe(2);
    expect(fw.ftMarked).toBe(0);
    let f = 0;
    fw.ct.forEach((id) => (f |= fw.ct.status[id]! & CtStatus.FASTTRACK));
    expect(f).toBe(0);
  });
});

describe('tracking', () => {
  test('a flooded frame: the copies share one connection, confirmed once; all copies dropped leave none', () => {
    const gen = generationFrom(config('/ip firewall filter\nadd chain=forward action=drop out-bridge-port=ether4 protocol=udp dst-port=9\n'));
    const h = harness(gen);
    const fw = h.flow.firewall!;
    expect(h.feed('ether2', udp(A, C, A_IP, B_IP, 7), 0)).toBe('tx ether4'); // flooded: ether3 and ether4
    expect(ports(h)).toEqual(['ether3', 'ether4']);
    expect([fw.ct.size, fw.ct.confirmed]).toEqual([1, 1]);
    h.sent.length = 0;
    h.feed('ether2', udp(A, C, A_IP, B_IP, 9), 1); // the ether4 copy is dropped, the ether3 one leaves
    expect(ports(h)).toEqual(['ether3']);
    expect([fw.ct.size, fw.ct.confirmed]).toEqual([2, 2]);
    // one copy only: a unicast frame to D on ether4 is dropped, and its new connection with it
    h.feed('ether4', udp(D, C, D_IP, A_IP, 1), 2);
    h.sent.length = 0;
    expect(h.feed('ether2', udp(A, D, A_IP, D_IP, 9), 3)).toBe('drop firewall-drop');
    expect([fw.ct.size, fw.ct.confirmed]).toEqual([3, 3]); // the three before; none for the dropped one
  });

  test('a frame up to the router through the bridge is tracked once (prerouting on the bridged path)', () => {
    const gen = generationFrom(
      config(`/ip firewall mangle
add chain=prerouting action=passthrough
/ip firewall filter
add chain=input action=accept connection-state=new
add chain=input action=accept connection-state=established
`),
    );
    const h = harness(gen);
    const fw = h.flow.firewall!;
    h.feed('ether2', arpReq(A, A_IP, '192.168.88.1'), 0);
    h.sent.length = 0;
    expect(h.feed('ether2', ping(A, BR, '192.168.88.1', 1), 1)).toBe('tx ether2');
    expect(h.feed('ether2', ping(A, BR, '192.168.88.1', 2), 2)).toBe('tx ether2');
    expect([fw.ct.size, fw.ct.confirmed]).toEqual([1, 1]);
    let id = -1;
    fw.ct.forEach((i) => (id = i));
    expect([fw.ct.packets[id * 2], fw.ct.packets[id * 2 + 1]]).toEqual([2, 2]);
    expect(fw.mangle.packets[0]).toBe(2); // once per packet, not twice
    expect(Array.from(fw.filter.packets)).toEqual([1, 1]);
    // packets per stage: bridged prerouting saw both pings, the routed prerouting none (the echo replies are
    // tracked by conntrack-output)
    const seen = (name: string) => h.flow.graph.runtime[h.flow.graph.stageIndex(name)]!.packets;
    expect([seen('bridge-ip-conntrack'), seen('bridge-ip-mangle-prerouting'), seen('bridge-ip-dstnat')]).toEqual([2, 2, 2]);
    expect([seen('conntrack'), seen('mangle-prerouting'), seen('dstnat'), seen('routing')]).toEqual([0, 0, 0, 2]);
    expect([seen('filter-input'), seen('nat-input'), seen('conntrack-output')]).toEqual([2, 2, 2]);
  });
});

describe('bridged dst-nat', () => {
  const rules = (to: string) => `/ip firewall nat
add chain=dstnat action=dst-nat dst-address=192.168.88.99 protocol=udp to-addresses=${to}
`;
  test('to a neighbour on the same bridge: stays bridged, to its MAC; the reply is un-NATed', () => {
    const { h } = learned(rules(B_IP));
    h.feed('ether3', arpReq(B, B_IP, '192.168.88.1'), 5); // the router learns B's MAC
    h.sent.length = 0;
    expect(h.feed('ether2', udp(A, C, A_IP, '192.168.88.99'), 10)).toBe('tx ether3'); // unicast to B, not flooded
    expect(h.sent.length).toBe(1);
    const out = h.sent[0]!.frame;
    expect([mac(out, 0), mac(out, 6), ipDst(out)]).toEqual([B, A, B_IP]);
    h.sent.length = 0;
    const back = frame().eth({ src: B, dst: A }).ipv4({ src: B_IP, dst: A_IP }).udp({ sport: 2000, dport: 1000 }).payload('y').build();
    expect(h.feed('ether3', back, 11)).toBe('tx ether2');
    expect(ipSrc(h.sent[0]!.frame)).toBe('192.168.88.99');
  });

  test('to a neighbour whose MAC the router does not know: dropped bridge-dnat-unresolved', () => {
    const { h } = learned(rules(B_IP));
    expect(h.feed('ether2', udp(A, C, A_IP, '192.168.88.99'), 10)).toBe('drop bridge-dnat-unresolved');
    expect(h.flow.firewall!.ct.size).toBe(3); // the learning frames' connections; the dropped one's is released
  });

  test('to the router: the frame goes up and is delivered once, its connection tracked once', () => {
    const { h, fw } = learned(rules('192.168.88.1'));
    expect(h.feed('ether2', udp(A, C, A_IP, '192.168.88.99', 7777), 10)).toBe('drop udp-port-unreachable');
    expect(fw.ct.size).toBe(4);
    expect(fw.ct.confirmed).toBe(4);
  });
});

describe('tagged frames', () => {
  const tagged = (dport: number) => frame().eth({ src: A, dst: B }).vlan(5).ipv4({ src: A_IP, dst: B_IP }).udp({ sport: 1, dport }).build();
  const rules = '/ip firewall filter\nadd chain=forward action=drop protocol=udp dst-port=2000\n';
  test('take the IP hooks only with use-ip-firewall-for-vlan', () => {
    const off = learned(rules);
    expect(off.h.feed('ether2', udp(A, B), 10)).toBe('drop firewall-drop');
    expect(off.h.feed('ether2', tagged(2000), 11)).toBe('tx ether3');
    const on = learned(rules, 'use-ip-firewall=yes use-ip-firewall-for-vlan=yes');
    expect(on.h.feed('ether2', tagged(2000), 11)).toBe('drop firewall-drop');
    expect(on.h.feed('ether2', tagged(2001), 12)).toBe('tx ether3');
  });

  test('a bad IPv4 header checksum never reaches the hooks', () => {
    const { h, fw } = learned('/ip firewall filter\nadd chain=forward action=accept\n');
    const bad = frame().eth({ src: A, dst: B }).ipv4({ src: A_IP, dst: B_IP, badChecksum: true }).udp({ sport: 1, dport: 2 }).build();
    const before = fw.filter.packets[0]!;
    expect(h.feed('ether2', bad, 10)).toBe('drop ipv4-bad-checksum');
    expect(fw.filter.packets[0]).toBe(before);
  });
});
