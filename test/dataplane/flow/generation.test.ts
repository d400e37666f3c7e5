/**
 * Configuration generations (FlowOptions.carry): a reload builds a new flow from the new generation between
 * two vectors; the connection table survives, so established (masqueraded) connections go on — replies are
 * still de-NATed — and nothing the new configuration accepts is lost. Connection marks are renumbered to the
 * new generation's ids.
 */
import { frame } from '../../../pcap/fixture';
import { Flow } from '../../../dataplane/flow';
import { PacketPool } from '../../../dataplane/buf/pool';
import { generationFrom } from './helpers';

const WAN = '02:00:00:00:01:01';
const LAN = '02:00:00:00:02:01';
const GW = '02:00:00:00:11:01';
const HOSTS = 50;
const PER_HOST = 4; // 200 connections
const hostIp = (h: number) => `10.0.1.${10 + h}`;
const hostMac = (h: number) => `02:00:00:01:00:${(10 + h).toString(16).padStart(2, '0')}`;

const BASE = `/interface ethernet
set [ find default-name=ether1 ] mac-address=${WAN}
set [ find default-name=ether2 ] mac-address=${LAN}
/ip address
add address=203.0.113.2/24 interface=ether1
add address=10.0.1.1/24 interface=ether2
/ip route
add dst-address=0.0.0.0/0 gateway=203.0.113.1
/ip arp
add address=203.0.113.1 interface=ether1 mac-address=${GW}
${Array.from({ length: HOSTS }, (_, h) => `add address=${hostIp(h)} interface=ether2 mac-address=${hostMac(h)}`).join('\n')}
/ip firewall nat
add chain=srcnat action=masquerade out-interface=ether1
`;
const A = `${BASE}/ip firewall mangle
add chain=prerouting action=mark-connection new-connection-mark=lan connection-state=new in-interface=ether2
/ip firewall filter
add chain=forward action=accept connection-state=established,related
add chain=forward action=drop connection-state=invalid
add chain=forward action=drop connection-state=new in-interface=ether1
`;
// B: another mark interned first (so "lan" changes id), replies of connections not marked "lan" dropped,
// and what host 0 sends refused from now on.
const B = `${BASE}/ip firewall mangle
add chain=prerouting action=mark-connection new-connection-mark=guest connection-state=new in-interface=ether3
add chain=prerouting action=mark-connection new-connection-mark=lan connection-state=new in-interface=ether2
/ip firewall filter
add chain=forward action=accept in-interface=ether3 connection-mark=guest
add chain=forward action=drop in-interface=ether1 connection-mark=!lan
add chain=forward action=drop src-address=${hostIp(0)}
add chain=forward action=accept connection-state=established,related
add chain=forward action=drop connection-state=invalid
add chain=forward action=drop connection-state=new in-interface=ether1
`;

function setup() {
  const genA = generationFrom(A);
  const genB = generationFrom(B);
  const pool = new PacketPool({ slots: 2048 });
  const sent: { port: number; f: Uint8Array }[] = [];
  const transmit = (slot: number, port: number) => {
    sent.push({ port, f: pool.frameCopy(slot) });
    pool.free(slot);
  };
  let flow = new Flow(genA, { pool, transmit });
  const vec = new Uint32Array(256);
  let ms = 0;
  const run = (frames: { port: number; f: Uint8Array }[]) => {
    ms += 10;
    flow.setClock(1_700_000_000 + Math.floor(ms / 1000), (ms % 1000) * 1e6);
    for (let i = 0; i < frames.length; i += 256) {
      const n = Math.min(256, frames.length - i);
      for (let k = 0; k < n; k++) {
        const s = pool.alloc();
        pool.write(s, frames[i + k]!.f, 0, frames[i + k]!.f.length);
        pool.meta.inPort[s] = frames[i + k]!.port;
        vec[k] = s;
      }
      flow.receive(vec, n);
    }
  };
  const out = (c: number) =>
    frame().eth({ src: hostMac(c % HOSTS), dst: LAN }).ipv4({ src: hostIp(c % HOSTS), dst: `198.51.100.${1 + (c % 7)}` }).udp({ sport: 20000 + c, dport: 5000 }).payload('q').build();
  // the connections' public ports, learned from the first round
  const pub = new Map<number, number>();
  const reply = (c: number) =>
    frame().eth({ src: GW, dst: WAN }).ipv4({ src: `198.51.100.${1 + (c % 7)}`, dst: '203.0.113.2' }).udp({ sport: 5000, dport: pub.get(c)! }).payload('r').build();
  const e1 = genA.portNames.indexOf('ether1');
  const e2 = genA.portNames.indexOf('ether2');
  const conns = HOSTS * PER_HOST;
  // establish: every connection out, then its reply back
  run(Array.from({ length: conns }, (_, c) => ({ port: e2, f: out(c) })));
  // masquerade keeps a free source port (Linux): connection c went out from public port 20000 + c
  for (const s of sent) {
    const p = (s.f[34]! << 8) | s.f[35]!;
    pub.set(p - 20000, p);
  }
  expect(pub.size).toBe(conns);
  sent.length = 0;
  run(Array.from({ length: conns }, (_, c) => ({ port: e1, f: reply(c) })));
  const established = sent.length;
  sent.length = 0;
  /** One round under load: every connection's next packet out and a reply in, mixed in one stream. */
  const round = () => {
    const frames: { port: number; f: Uint8Array }[] = [];
    for (let c = 0; c < conns; c++) frames.push({ port: e2, f: out(c) }, { port: e1, f: reply(c) });
    sent.length = 0;
    run(frames);
    const toLan = sent.filter((s) => s.port === e2);
    const toWan = sent.filter((s) => s.port === e1);
    return { toLan, toWan, drops: flow.dropCounts() };
  };
  const reload = (carry: boolean) => {
    expect(flow.quiescent).toBe(true);
    const old = flow;
    flow = new Flow(genB, carry ? { pool, transmit, replaces: old } : { pool, transmit });
    if (!carry) flow.setClock(old.ctx.nowSec, old.ctx.nowNsec);
  };
  return { round, reload, established, conns, flow: () => flow, genA, genB };
}

describe('configuration generations', () => {
  test('a reload under load keeps every connection: replies still de-NATed, nothing the new config accepts is lost', () => {
    const t = setup();
    expect(t.genB.firewall.markNames.indexOf('lan')).not.toBe(t.genA.firewall.markNames.indexOf('lan'));
    expect(t.established).toBe(t.conns);
    for (let r = 0; r < 3; r++) {
      const x = t.round();
      expect([x.toWan.length, x.toLan.length]).toEqual([t.conns, t.conns]);
    }
    t.reload(true);
    expect(t.flow().firewall!.ct.confirmed).toBeGreaterThanOrEqual(t.conns);
    for (let r = 0; r < 3; r++) {
      const x = t.round();
      // what host 0 sends (PER_HOST connections) is refused by B; everything else passes, replies included
      const host0 = t.conns / HOSTS;
      expect([x.toWan.length, x.toLan.length]).toEqual([t.conns - host0, t.conns]);
      expect(x.drops.get('filter-drop') ?? x.drops.size).toBeGreaterThan(0);
      // replies reach the right host and port (de-NATed from the carried bindings)
      for (const s of x.toLan) {
        const dport = (s.f[36]! << 8) | s.f[37]!;
        const c = dport - 20000;
        expect(`${s.f[30]}.${s.f[31]}.${s.f[32]}.${s.f[33]}`).toBe(hostIp(c % HOSTS));
      }
    }
  });

  test('without carrying the table the same reload loses the replies (the test can tell)', () => {
    const t = setup();
    t.round();
    t.reload(false);
    const x = t.round();
    expect(x.toLan.length).toBeLessThan(t.conns / 2);
  });
});
