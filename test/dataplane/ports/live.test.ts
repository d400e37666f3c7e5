/**
 * The live driver with in-memory ports (no devices): frames read in vectors land on the right interface,
 * what the flow transmits is written to the right port after the run, counters add up, refused frames are
 * counted as tx drops, the clock tick releases what waited for time, and a swap keeps the bindings by name.
 */
import { frame } from '../../../pcap/fixture';
import { describeFrame } from '../../../dataplane/wire/describe';
import { PacketPool } from '../../../dataplane/buf/pool';
import { Flow } from '../../../dataplane/flow';
import { LC, LiveDriver } from '../../../dataplane/ports/live';
import { MemPort } from './mem-port';
import { generationFrom } from '../flow/helpers';
import { PktFlag } from '../../../dataplane/buf/meta';
import { ipv4ChecksumOk, l4ChecksumOk4 } from '../../../dataplane/wire/checksum';

const CONFIG = `/interface ethernet
set [ find default-name=ether1 ] mac-address=02:00:00:00:01:01
set [ find default-name=ether2 ] mac-address=02:00:00:00:02:01
/ip address
add address=10.1.0.1/24 interface=ether1 network=10.1.0.0
add address=10.2.0.1/24 interface=ether2 network=10.2.0.0
/ip arp
add address=10.2.0.2 interface=ether2 mac-address=02:00:00:00:22:02
`;
const A = '02:00:00:00:11:02';
const ping = (seq: number) =>
  frame().eth({ src: A, dst: '02:00:00:00:01:01' }).ipv4({ src: '10.1.0.2', dst: '10.2.0.2', ttl: 64 }).icmp({ type: 'echo-request', id: 7, seq }).build();
const text = (f: Uint8Array) => describeFrame(f, 0, f.length, 1);

function setup(config = CONFIG) {
  const gen = generationFrom(config);
  const flow = new Flow(gen, { pool: new PacketPool({ slots: 256 }) });
  const p1 = new MemPort('tapA');
  const p2 = new MemPort('tapB');
  let t = 1_700_000_000;
  const logs: string[] = [];
  const drv = new LiveDriver(flow, [{ iface: 'ether1', io: p1 }, { iface: 'ether2', io: p2 }], {
    clock: () => [t, 0],
    tickMs: 1000,
    log: (topics, msg) => logs.push(`${topics} ${msg}`),
  });
  return { gen, flow, drv, p1, p2, logs, advance: (s: number) => (t += s) };
}

describe('LiveDriver', () => {
  test('routes a vector of pings from one port to the other, TTL decremented, counters per port', () => {
    const { drv, p1, p2 } = setup();
    drv.start();
    try {
      for (let i = 1; i <= 100; i++) p1.inbox.push(ping(i));
      p1.ready!();
      expect(p2.sent.length).toBe(100);
      expect(text(p2.sent[0]!)).toBe('IP 10.1.0.2 > 10.2.0.2: ICMP echo request, id 7, seq 1, length 8');
      expect(p2.sent[99]![14 + 8]).toBe(63);
      const c = drv.counters;
      expect(c[0 * LC.COUNT + LC.RX_PACKETS]).toBe(100);
      expect(c[0 * LC.COUNT + LC.RX_BYTES]).toBe(100 * ping(1).length);
      expect(c[1 * LC.COUNT + LC.TX_PACKETS]).toBe(100);
      expect(c[1 * LC.COUNT + LC.TX_BYTES]).toBe(100 * ping(1).length);
      // every slot went back to the pool
      expect(drv.engine.pool.available).toBe(256);
    } finally {
      drv.stop();
    }
    expect(p1.closed && p2.closed).toBe(true);
  });

  test('frames the device refuses are tx drops, logged once; their slots are freed', () => {
    const { drv, p1, p2, logs } = setup();
    drv.start();
    try {
      p2.room = 3;
      for (let i = 1; i <= 10; i++) p1.inbox.push(ping(i));
      p1.ready!();
      expect(p2.sent.length).toBe(3);
      expect(drv.counters[1 * LC.COUNT + LC.TX_DROPS]).toBe(7);
      expect(logs.filter((l) => l.includes('write failed')).length).toBe(1);
      expect(drv.engine.pool.available).toBe(256);
    } finally {
      drv.stop();
    }
  });

  test('a packet waiting for ARP is released by the clock tick (ARP retry), without traffic', () => {
    // 10.2.0.3 has no static ARP entry: the ping waits, the router asks.
    const { drv, p1, p2, advance } = setup();
    drv.start();
    try {
    p1.inbox.push(frame().eth({ src: A, dst: '02:00:00:00:01:01' }).ipv4({ src: '10.1.0.2', dst: '10.2.0.3' }).icmp({ type: 'echo-request', id: 1, seq: 1 }).build());
    p1.ready!();
    expect(p2.sent.map(text)).toEqual(['ARP, Request who-has 10.2.0.3 tell 10.2.0.1, length 46']);
    advance(2);
    drv.tick();
    expect(p2.sent.length).toBeGreaterThan(1);
    expect(text(p2.sent[1]!)).toBe('ARP, Request who-has 10.2.0.3 tell 10.2.0.1, length 46');
    } finally {
      drv.stop();
    }
  });

  test('busy-poll: after a readiness callback the other ports are polled too, without their own callback', () => {
    const gen = generationFrom(CONFIG);
    const flow = new Flow(gen, { pool: new PacketPool({ slots: 256 }) });
    const p1 = new MemPort('tapA');
    const p2 = new MemPort('tapB');
    const drv = new LiveDriver(flow, [{ iface: 'ether1', io: p1 }, { iface: 'ether2', io: p2 }], { clock: () => [1_700_000_000, 0], tickMs: 1000, busyPollUs: 2000 });
    drv.start();
    try {
      p1.inbox.push(ping(1));
      // A frame waiting on ether2 whose port never signals: only polling finds it (an echo reply to 10.1.0.2).
      p2.inbox.push(frame().eth({ src: '02:00:00:00:22:02', dst: '02:00:00:00:02:01' }).ipv4({ src: '10.2.0.2', dst: '10.1.0.2' }).icmp({ type: 'echo-reply', id: 7, seq: 1 }).build());
      p1.ready!();
      expect(p2.sent.length).toBe(1);
      expect(drv.counters[1 * LC.COUNT + LC.RX_PACKETS]).toBe(1);
    } finally {
      drv.stop();
    }
    // Without busy-poll the waiting frame stays where it is.
    const { drv: d2, p1: q1, p2: q2 } = setup();
    d2.start();
    try {
      q2.inbox.push(ping(9));
      q1.inbox.push(ping(1));
      q1.ready!();
      expect(q2.inbox.length).toBe(1);
    } finally {
      d2.stop();
    }
  });

  test('swap: the new flow serves the same ports by name; an interface the new config lacks is reported', () => {
    const { drv, p1, p2, gen, flow } = setup();
    drv.start();
    try {
    const next = new Flow(generationFrom(CONFIG.replace('10.2.0.2 interface', '10.2.0.2 interface')), { pool: new PacketPool({ slots: 128 }), replaces: flow });
    drv.swap(next);
    expect(drv.engine.pool).toBe(next.pool);
    p1.inbox.push(ping(1));
    p1.ready!();
    expect(p2.sent.length).toBe(1);
    expect(drv.unboundInterfaces()).toEqual([]);
    // A config whose ports are renamed: ether2 no longer exists.
    const renamed = new Flow(generationFrom(CONFIG.replace('set [ find default-name=ether2 ] mac-address=02:00:00:00:02:01', 'set [ find default-name=ether2 ] mac-address=02:00:00:00:02:01 name=lan').replace(/interface=ether2/g, 'interface=lan')), { replaces: next });
    drv.swap(renamed);
    expect(drv.unboundInterfaces()).toEqual(['ether2']);
    p2.inbox.push(ping(2));
    p2.ready!();
    expect(drv.counters[1 * LC.COUNT + LC.RX_PACKETS]).toBe(1);
    expect(gen.portNames).toContain('ether2');
    } finally {
      drv.stop();
    }
  });
});

/** A port with offloads: frames it reads are TCP super-frames of segment size 1448, as a vnet-header TAP marks them. */
class OffloadMemPort extends MemPort {
  readonly offload = true;
  gsoTable: Uint16Array | null = null;
  override read(pool: PacketPool, out: Uint32Array, at: number, max: number): number {
    const n = super.read(pool, out, at, max);
    for (let i = 0; i < n; i++) {
      const s = out[at + i]!;
      pool.meta.flags[s] = pool.meta.flags[s]! | PktFlag.GSO;
      this.gsoTable![s] = 1448;
    }
    return n;
  }
}

describe('LiveDriver with offloads', () => {
  const NAT_CONFIG = CONFIG + '/ip firewall nat\nadd chain=srcnat action=masquerade out-interface=ether2\n';
  const PAYLOAD = Uint8Array.from({ length: 20000 }, (_, i) => (i * 13) & 0xff);
  const superFrame = () =>
    frame()
      .eth({ src: A, dst: '02:00:00:00:01:01' })
      .ipv4({ src: '10.1.0.2', dst: '10.2.0.2', ttl: 64, df: true })
      .tcp({ sport: 40000, dport: 5201, flags: 'PA', seq: 1000, ack: 1 })
      .payload(PAYLOAD)
      .build();

  function setupOffload(outOffload: boolean) {
    const flow = new Flow(generationFrom(NAT_CONFIG), { pool: new PacketPool({ slots: 128, slotSize: 65536 + 512 }) });
    const p1 = new OffloadMemPort('tapA');
    const p2 = outOffload ? new OffloadMemPort('tapB') : new MemPort('pcapB');
    const drv = new LiveDriver(flow, [{ iface: 'ether1', io: p1 }, { iface: 'ether2', io: p2 }], { clock: () => [1_700_000_000, 0], tickMs: 1000 });
    return { drv, p1, p2 };
  }

  test('a 20 kB super-frame with DF crosses a 1500 MTU routed and NATed: segmented for a port without offloads', () => {
    const { drv, p1, p2 } = setupOffload(false);
    drv.start();
    try {
      // Picked up mid-stream (loose TCP tracking), as after a reload: conntrack and masquerade apply.
      p1.inbox.push(superFrame());
      p1.ready!();
      const segs = p2.sent;
      expect(segs.length).toBe(Math.ceil(20000 / 1448));
      const got: number[] = [];
      for (const f of segs) {
        expect(f.length).toBeLessThanOrEqual(14 + 1500);
        expect(f[14 + 8]).toBe(63); // TTL
        expect(Array.from(f.subarray(14 + 12, 14 + 16))).toEqual([10, 2, 0, 1]); // masqueraded source
        expect(ipv4ChecksumOk(f, 14)).toBe(true);
        expect(l4ChecksumOk4(f, 14, 34, f.length - 34, 6)).toBe(true);
        got.push(...f.subarray(54));
      }
      expect(Uint8Array.from(got)).toEqual(PAYLOAD);
      expect(drv.segmented).toBe(1);
      expect(drv.engine.pool.available).toBe(128);
    } finally {
      drv.stop();
    }
  });

  test('to a port with offloads the super-frame leaves whole, its full checksum kept right through TTL and NAT', () => {
    const { drv, p1, p2 } = setupOffload(true);
    drv.start();
    try {
      p1.inbox.push(superFrame());
      p1.ready!();
      expect(p2.sent.length).toBe(1);
      const f = p2.sent[0]!;
      expect(f.length).toBe(14 + 20 + 20 + 20000);
      expect(f[14 + 8]).toBe(63);
      expect(Array.from(f.subarray(14 + 12, 14 + 16))).toEqual([10, 2, 0, 1]);
      expect(ipv4ChecksumOk(f, 14)).toBe(true);
      expect(l4ChecksumOk4(f, 14, 34, f.length - 34, 6)).toBe(true);
      expect(drv.segmented).toBe(0);
    } finally {
      drv.stop();
    }
  });
});
