/**
 * A config reload on a live router keeps its connections: a Flow built with `replaces` takes over the old
 * flow's connection table (FirewallState carry), so a masqueraded TCP connection opened before the reload
 * gets its replies de-NATed and accepted as established after it, while a fresh flow drops them.
 */
import { frame } from '../../../pcap/fixture';
import { describeFrame } from '../../../dataplane/wire/describe';
import { CtStatus } from '../../../dataplane/conntrack/table';
import { generationFrom, harness } from './helpers';

const BASE = `/interface ethernet
set [ find default-name=ether1 ] mac-address=02:00:00:00:01:01
set [ find default-name=ether2 ] mac-address=02:00:00:00:02:01
/ip address
add address=203.0.113.2/30 interface=ether1 network=203.0.113.0
add address=192.168.88.1/24 interface=ether2 network=192.168.88.0
/ip route
add dst-address=0.0.0.0/0 gateway=203.0.113.1
/ip arp
add address=203.0.113.1 interface=ether1 mac-address=02:00:00:00:11:01
add address=192.168.88.10 interface=ether2 mac-address=02:00:00:00:88:0a
/ip firewall nat
add chain=srcnat action=masquerade out-interface=ether1
/ip firewall filter
add chain=forward action=accept connection-state=established,related
add chain=forward action=accept in-interface=ether2
add chain=forward action=drop
`;
const H = '02:00:00:00:88:0a';
const GW = '02:00:00:00:11:01';
const syn = () =>
  frame().eth({ src: H, dst: '02:00:00:00:02:01' }).ipv4({ src: '192.168.88.10', dst: '198.51.100.7' }).tcp({ sport: 40000, dport: 80, flags: 'S', seq: 1000 }).build();
const synAck = () =>
  frame().eth({ src: GW, dst: '02:00:00:00:01:01' }).ipv4({ src: '198.51.100.7', dst: '203.0.113.2' }).tcp({ sport: 80, dport: 40000, flags: 'SA', seq: 5000, ack: 1001 }).build();

describe('connections carried over a reload (Flow replaces)', () => {
  const gen1 = generationFrom(BASE);
  // The reload adds a rule; the connection must survive it.
  const gen2 = generationFrom(BASE + 'add chain=forward action=drop protocol=udp dst-port=53 place-before=0\n');

  test('the reply of a connection opened before the reload is de-NATed and accepted after it', () => {
    const h1 = harness(gen1);
    expect(h1.feed('ether2', syn(), 0)).toBe('tx ether1');
    const h2 = harness(gen2, { replaces: h1.flow });
    expect(h2.flow.firewall!.carried).toBe(true);
    expect(h2.flow.firewall!.carryRefused).toBeNull();
    expect(h2.flow.firewall!.ct.confirmed).toBe(1);
    expect(h2.feed('ether1', synAck(), 50)).toBe('tx ether2');
    const f = h2.sent[h2.sent.length - 1]!.frame;
    expect(describeFrame(f, 0, f.length, 1)).toBe('IP 198.51.100.7.80 > 192.168.88.10.40000: Flags [S.], seq 5000, ack 1001, win 65535, length 0');
  });

  test('without carrying, the same reply is dropped (the new flow does not know the connection)', () => {
    const h1 = harness(gen1);
    expect(h1.feed('ether2', syn(), 0)).toBe('tx ether1');
    const h2 = harness(gen2);
    expect(h2.flow.firewall!.carried).toBe(false);
    expect(h2.feed('ether1', synAck(), 50)).not.toBe('tx ether2');
  });

  test('an unconfirmed entry left by the old flow is released, confirmed ones stay', () => {
    const h1 = harness(gen1);
    h1.feed('ether2', syn(), 0);
    const ct = h1.flow.firewall!.ct;
    // An entry whose packet died with the old flow: allocated, never confirmed.
    const id = ct.alloc(0x0a000001, 0x0a000002, (1 << 16) | 2, 17, 0, 30);
    expect(ct.live(id)).toBe(true);
    const h2 = harness(gen2, { replaces: h1.flow });
    expect(ct.live(id)).toBe(false);
    let confirmed = 0;
    ct.forEach((c) => (confirmed += ct.status[c]! & CtStatus.CONFIRMED ? 1 : 0));
    expect(confirmed).toBe(1);
    expect(h2.flow.firewall!.ct).toBe(ct);
  });

  test('connection marks are renumbered by name for the new config', () => {
    const udp = 'add chain=prerouting action=mark-connection new-connection-mark=dns protocol=udp\n';
    const web = 'add chain=prerouting action=mark-connection new-connection-mark=web protocol=tcp connection-state=new\n';
    // The names are numbered in rule order: web is mark 2 before the reload, mark 1 after it.
    const a = generationFrom(BASE + '/ip firewall mangle\n' + udp + web);
    const b = generationFrom(BASE + '/ip firewall mangle\n' + web + udp);
    const h1 = harness(a);
    h1.feed('ether2', syn(), 0);
    const ct = h1.flow.firewall!.ct;
    const names = (g: typeof a) => (g.firewall as unknown as { markNames: string[] }).markNames;
    let id = -1;
    ct.forEach((c) => (id = c));
    expect(names(a)[ct.mark[id]!]).toBe('web');
    expect(names(a).indexOf('web')).not.toBe(names(b).indexOf('web'));
    const h2 = harness(b, { replaces: h1.flow });
    expect(h2.flow.firewall!.carried).toBe(true);
    expect(names(b)[ct.mark[id]!]).toBe('web');
  });

  test('not carried when tracking is turned off, with the reason', () => {
    const h1 = harness(gen1);
    h1.feed('ether2', syn(), 0);
    const off = generationFrom(BASE + '/ip firewall connection tracking\nset enabled=no\n');
    const h2 = harness(off, { replaces: h1.flow });
    expect(h2.flow.firewall!.carried).toBe(false);
    expect(h2.flow.firewall!.carryRefused).toBe('connection tracking is off in the new config');
  });
});
