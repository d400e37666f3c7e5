/**
 * The bridge firewall stages (bridge-dstnat, bridge-filter-input/-forward/-output, bridge-srcnat) and the
 * use-ip-firewall hooks, one frame at a time through a whole Flow: each rule kind is checked by what leaves
 * which port (or what is dropped, with which reason), rule counters and trace events.
 */
import { generationFrom, harness, replay } from './helpers';
import { frame, fixtureBytes } from '../../../pcap/fixture';
import { macToString } from '../../../dataplane/wire/ethernet';
import { parseArp } from '../../../dataplane/wire/arp';
import { isWireError } from '../../../dataplane/wire/error';
import { TraceBuffer } from '../../../dataplane/trace';

const BR = '02:00:00:00:bb:01';
const A = '02:00:00:0a:00:0a';
const B = '02:00:00:0b:00:0b';
const C = '02:00:00:0c:00:0c';
const BC = 'ff:ff:ff:ff:ff:ff';
const A_IP = '192.168.88.10';
const B_IP = '192.168.88.20';

const config = (rules: string, extra = '') => `/interface bridge
add name=br1 admin-mac=${BR} auto-mac=no
/interface bridge port
add bridge=br1 interface=ether2
add bridge=br1 interface=ether3
add bridge=br1 interface=ether4
/ip address
add address=192.168.88.1/24 interface=br1
${extra}${rules}`;
const udp = (src: string, dst: string, dport = 2000, ipSrc = A_IP, ipDst = B_IP) =>
  frame().eth({ src, dst }).ipv4({ src: ipSrc, dst: ipDst }).udp({ sport: 1000, dport }).payload('x').build();
const arpReq = (src: string, ip: string, tpa: string) => frame().eth({ src, dst: BC }).arp({ op: 'request', senderMac: src, senderIp: ip, targetIp: tpa }).pad().build();
const ping = (src: string, dst: string, ipDst = '192.168.88.1') =>
  frame().eth({ src, dst }).ipv4({ src: A_IP, dst: ipDst }).icmp({ type: 'echo-request', id: 7, seq: 1 }).payload('p').build();
const ports = (h: ReturnType<typeof harness>) => h.sent.map((s) => s.port).sort();
/** A harness where A is known on ether2 and B on ether3 (learned from two frames, then sent frames cleared). */
function learned(rules: string, extra = '') {
  const gen = generationFrom(config(rules, extra));
  const h = harness(gen);
  h.feed('ether2', udp(A, C, 1), 0);
  h.feed('ether3', udp(B, C, 1, B_IP, A_IP), 1);
  h.sent.length = 0;
  return { gen, h };
}

describe('bridge filter', () => {
  test('forward: drop by dst-port and out-interface applies per flooded copy; counters count the copy', () => {
    const { gen, h } = learned('/interface bridge filter\nadd chain=forward action=drop mac-protocol=ip ip-protocol=udp dst-port=9 out-interface=ether4\n');
    h.feed('ether2', udp(A, C, 9), 10);
    expect(ports(h)).toEqual(['ether3']);
    h.sent.length = 0;
    expect(h.feed('ether2', udp(A, C, 10), 11)).toBe('tx ether4'); // another port: both copies leave
    expect(ports(h)).toEqual(['ether3', 'ether4']);
    expect(h.feed('ether2', udp(A, B, 9), 12)).toBe('tx ether3'); // known unicast to ether3: not ether4
    expect(h.flow.state.bridgeWalk.packets[0]).toBe(1);
    expect(h.flow.dropCounts().get('bridge-filter-drop')).toBe(1);
    expect(gen.bridgeRules.count).toBe(1);
  });

  test('forward: negated in-interface, MAC mask, src-address prefix', () => {
    const { h } = learned(`/interface bridge filter
add chain=forward action=drop in-interface=!ether2 src-mac-address=02:00:00:0b:00:00/FF:FF:FF:FF:00:00
add chain=forward action=drop src-address=10.0.0.0/8
`);
    expect(h.feed('ether3', udp(B, A, 2000, B_IP, A_IP), 10)).toBe('drop bridge-filter-drop'); // from ether3: !ether2 holds
    expect(h.feed('ether2', udp(B, B, 2000), 11)).toBe('drop bridge-same-port'); // (B now learned on ether2, same port)
    expect(h.feed('ether4', udp(C, A, 2000, '10.1.2.3', A_IP), 12)).toBe('drop bridge-filter-drop');
    expect(h.feed('ether4', udp(C, A, 2000, '11.1.2.3', A_IP), 13)).toBe('tx ether2');
  });

  test('input: dropping ARP to the router stops the reply but not the flooded copies', () => {
    const { h } = learned('/interface bridge filter\nadd chain=input action=drop mac-protocol=arp arp-opcode=request arp-dst-address=192.168.88.1\n');
    expect(h.feed('ether2', arpReq(A, A_IP, '192.168.88.1'), 10)).toBe('drop bridge-filter-drop');
    expect(ports(h)).toEqual(['ether3', 'ether4']);
    h.sent.length = 0;
    // a request for another address passes the input chain and is ignored by the router as usual
    expect(h.feed('ether2', arpReq(A, A_IP, '192.168.88.77'), 11)).toBe('drop arp-ignored');
  });

  test('output: frames the router sends are filtered per port', () => {
    const { h } = learned('/interface bridge filter\nadd chain=output action=drop out-interface=ether3 mac-protocol=arp\n');
    // a ping from A to an unknown neighbour: the router's ARP request is flooded out of the bridge
    h.feed('ether2', ping(A, BR, '192.168.88.99'), 10);
    expect(ports(h)).toEqual(['ether2', 'ether4']);
    for (const s of h.sent) expect(macToString(s.frame, 6)).toBe(BR);
    expect(h.flow.state.bridgeWalk.packets[0]).toBe(1);
  });

  test('jump / return / passthrough / mark-packet, packet-mark matched in a later chain', () => {
    const { h } = learned(`/interface bridge nat
add chain=dstnat action=mark-packet new-packet-mark=from-c src-mac-address=${C}
/interface bridge filter
add chain=forward action=jump jump-target=marks
add chain=forward action=drop dst-port=7 mac-protocol=ip ip-protocol=udp
add chain=marks action=passthrough
add chain=marks action=return packet-mark=!from-c
add chain=marks action=drop
`);
    expect(h.feed('ether4', udp(C, A), 10)).toBe('drop bridge-filter-drop'); // marked: falls to drop in marks
    expect(h.feed('ether2', udp(A, B), 11)).toBe('tx ether3'); // unmarked: return, then forward rule 2 does not match
    expect(h.feed('ether2', udp(A, B, 7), 12)).toBe('drop bridge-filter-drop'); // return, then rule 2 drops
    const w = h.flow.state.bridgeWalk;
    // Rows by chain (input, forward, output, dstnat, srcnat, then user chains): forward [jump, drop dport 7],
    // dstnat [mark], marks [passthrough, return, drop]. Forward walks: 4 flooded copies while learning + 3.
    expect(Array.from(w.packets)).toEqual([7, 1, 1, 7, 6, 1]);
  });

  test('log: a bridge-log trace event names the rule by id and comment', () => {
    const gen = generationFrom(config('/interface bridge filter\nadd chain=forward action=log comment="watch B" dst-mac-address=' + B + '\n'));
    const trace = new TraceBuffer(256);
    const out = replay(gen, { ether2: fixtureBytes([{ frame: udp(A, B) }]) }, { trace });
    expect(out.outputs.map((o) => gen.portNames[o.port]).sort()).toEqual(['ether3', 'ether4']);
    const text = trace.format(out.flow.traceNames());
    expect(text).toMatch(/bridge-filter-forward: bridge-rule filter \*[0-9A-F]+ "watch B" matched: log/);
    expect(text).toMatch(/bridge-filter-forward: bridge-log logged by filter \*[0-9A-F]+ "watch B"/);
    expect(out.flow.state.bridgeWalk.packets[0]).toBe(2); // one per flooded copy
  });
});

describe('bridge nat', () => {
  test('srcnat src-nat rewrites the source MAC of bridged frames leaving', () => {
    const { h } = learned(`/interface bridge nat\nadd chain=srcnat action=src-nat to-src-mac-address=02:00:00:00:99:99 out-interface=ether3\n`);
    expect(h.feed('ether2', udp(A, B), 10)).toBe('tx ether3');
    expect(macToString(h.sent[0]!.frame, 6)).toBe('02:00:00:00:99:99');
    expect(macToString(h.sent[0]!.frame, 0)).toBe(B);
  });

  test('dstnat redirect sends the frame up to the router: a ping to another MAC is answered', () => {
    const { h } = learned(`/interface bridge nat\nadd chain=dstnat action=redirect mac-protocol=ip ip-protocol=icmp\n`);
    h.feed('ether2', arpReq(A, A_IP, '192.168.88.1'), 5);
    h.sent.length = 0;
    expect(h.feed('ether2', ping(A, B), 10)).toBe('tx ether2');
    expect(h.sent).toHaveLength(1);
    expect(macToString(h.sent[0]!.frame, 6)).toBe(BR);
    expect(h.sent[0]!.frame[34]).toBe(0); // echo reply
  });

  test('dstnat arp-reply answers an ARP request with the configured MAC, out of the port it came in on', () => {
    const { h } = learned(`/interface bridge nat\nadd chain=dstnat action=arp-reply to-arp-reply-mac-address=02:00:00:00:77:77 arp-dst-address=192.168.88.77\n`);
    expect(h.feed('ether2', arpReq(A, A_IP, '192.168.88.77'), 10)).toBe('tx ether2');
    expect(h.sent).toHaveLength(1);
    const f = h.sent[0]!.frame;
    expect([macToString(f, 0), macToString(f, 6)]).toEqual([A, '02:00:00:00:77:77']);
    const arp = parseArp(f, 14, 28);
    if (isWireError(arp)) throw new Error(arp.message);
    expect([arp.op, macToString(arp.senderMac), macToString(arp.targetMac)]).toEqual([2, '02:00:00:00:77:77', A]);
    // a request for another address is untouched: flooded and ignored by the router
    h.sent.length = 0;
    expect(h.feed('ether2', arpReq(A, A_IP, '192.168.88.78'), 11)).toBe('drop arp-ignored');
    expect(ports(h)).toEqual(['ether3', 'ether4']);
  });

  test('dstnat drop: bridge-nat-drop; vlan-id and packet-type matchers', () => {
    const { h } = learned(`/interface bridge nat
add chain=dstnat action=drop vlan-id=30
add chain=dstnat action=drop packet-type=host mac-protocol=ip ip-protocol=udp
`);
    const tagged = frame().eth({ src: A, dst: B }).vlan(30).ipv4({ src: A_IP, dst: B_IP }).udp({ sport: 1, dport: 2 }).build();
    expect(h.feed('ether2', tagged, 10)).toBe('drop bridge-nat-drop');
    const tagged31 = frame().eth({ src: A, dst: B }).vlan(31).ipv4({ src: A_IP, dst: B_IP }).udp({ sport: 1, dport: 2 }).build();
    expect(h.feed('ether2', tagged31, 11)).toBe('tx ether3');
    expect(h.feed('ether2', udp(A, BR, 2000, A_IP, '192.168.88.1'), 12)).toBe('drop bridge-nat-drop'); // to the bridge MAC: host
    expect(h.feed('ether2', udp(A, B), 13)).toBe('tx ether3'); // other-host
  });
});

describe('use-ip-firewall', () => {
  const names = (on: boolean) => {
    const g = generationFrom(config('', on ? '/interface bridge settings\nset use-ip-firewall=yes\n' : ''));
    return harness(g).flow.graph.stages.map((s) => s.name);
  };
  test('the bridged IP hook stages are in the graph only with use-ip-firewall=yes, in packet-flow order', () => {
    const on = names(true);
    const hooks = on.filter((n) => n.startsWith('bridge'));
    expect(hooks).toEqual([
      'bridge-dstnat',
      'bridge-ip-raw-prerouting',
      'bridge-ip-conntrack',
      'bridge-ip-mangle-prerouting',
      'bridge-ip-dstnat',
      'bridge-input',
      'bridge-filter-input',
      'bridge-filter-forward',
      'bridge-ip-mangle-forward',
      'bridge-ip-filter-forward',
      'bridge-srcnat',
      'bridge-ip-mangle-postrouting',
      'bridge-ip-srcnat',
      'bridge-ip-queue-global',
      'bridge-ip-simple-queues',
      'bridge-output',
      'bridge-filter-output',
    ]);
    expect(names(false).filter((n) => n.startsWith('bridge-ip'))).toEqual([]);
  });

  test('which frames take the hooks: untagged IPv4; tagged only with use-ip-firewall-for-vlan; never ARP or router frames', () => {
    const run = (settings: string) => {
      const g = generationFrom(config('', `/interface bridge settings\nset ${settings}\n`));
      const h = harness(g);
      h.feed('ether2', arpReq(A, A_IP, '192.168.88.1'), 0); // the router learns A
      h.sent.length = 0;
      const flags: number[] = [];
      const orig = h.flow.state.transmit;
      h.flow.state.transmit = (slot, port) => {
        flags.push(h.flow.state.bridgeIpfw[slot]!);
        orig(slot, port);
      };
      h.feed('ether2', udp(A, C), 0);
      const tagged = frame().eth({ src: A, dst: C }).vlan(5).ipv4({ src: A_IP, dst: B_IP }).udp({ sport: 1, dport: 2 }).build();
      h.feed('ether2', tagged, 1);
      h.feed('ether2', frame().eth({ src: A, dst: C }).arp({ op: 'reply', senderMac: A, senderIp: A_IP, targetMac: C, targetIp: B_IP }).build(), 2);
      h.feed('ether2', ping(A, BR, '192.168.88.1'), 3); // the echo reply leaves through bridge-output
      return { flags, sent: h.sent.length };
    };
    // ports ether3 and ether4 get a copy of each flooded frame; the echo reply goes to ether2
    expect(run('use-ip-firewall=yes')).toEqual({ flags: [1, 1, 0, 0, 0, 0, 0], sent: 7 });
    expect(run('use-ip-firewall=yes use-ip-firewall-for-vlan=yes')).toEqual({ flags: [1, 1, 1, 1, 0, 0, 0], sent: 7 });
  });
});
