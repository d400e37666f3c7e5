/**
 * Queues in the packet flow (stages/queue.ts): replays of generated floods through simple queues, global
 * and interface queue trees, measured from the departure times of the transmitted frames — the capture
 * clock is the scheduler's clock, so rates are read off the output like off a real capture.
 */
import { frame, fixtureBytes, type FixtureFrame } from '../../../pcap/fixture';
import { generationFrom, replay, type ReplayOutcome } from './helpers';
import { Fate } from '../../../dataplane/flow';
import { TraceBuffer } from '../../../dataplane/trace';
import { PacketPool } from '../../../dataplane/buf/pool';

const T0 = 1_767_261_600; // 2026-01-01 10:00:00 UTC
const A = '02:00:00:0a:00:0a';
const B = '02:00:00:0b:00:14';

const BASE = `/ip address
add address=10.0.1.1/24 interface=ether1
add address=10.0.2.1/24 interface=ether2
add address=203.0.113.1/24 interface=ether3
/ip arp
add address=10.0.1.10 mac-address=${A} interface=ether1
add address=10.0.1.11 mac-address=02:00:00:0a:00:0b interface=ether1
add address=10.0.2.20 mac-address=${B} interface=ether2
add address=203.0.113.9 mac-address=02:00:00:0c:00:09 interface=ether3
`;

interface Flood {
  src: string;
  dst: string;
  /** bit/s of IP+Ethernet frames offered */
  rate: number;
  seconds: number;
  /** IP packet length */
  size?: number;
  sport?: number;
  dport?: number;
  tos?: number;
  startMs?: number;
  /** source/destination MACs (default: A to the router's ether1) */
  from?: string;
  to?: Uint8Array | string;
}

let routerMacs: (port: number) => Uint8Array = () => new Uint8Array(6);

/** Frames of UDP floods on one interface, merged in time order. */
function floods(fs: Flood[]): FixtureFrame[] {
  const out: FixtureFrame[] = [];
  fs.forEach((f, k) => {
    const size = f.size ?? 1500;
    const frameBits = (size + 14) * 8;
    const gap = frameBits / f.rate; // seconds between frames
    const n = Math.floor(f.seconds / gap);
    const payload = new Uint8Array(size - 28);
    for (let i = 0; i < n; i++) {
      const t = (f.startMs ?? 0) / 1000 + i * gap + k * 1e-6;
      const sec = Math.floor(t);
      const fr = frame()
        .eth({ src: f.from ?? A, dst: f.to ?? routerMacs(0) })
        .ipv4({ src: f.src, dst: f.dst, id: i & 0xffff, ttl: 64, ...(f.tos !== undefined ? { tos: f.tos } : {}) })
        .udp({ sport: f.sport ?? 5000 + k, dport: f.dport ?? 9 })
        .payload(payload)
        .build();
      out.push({ frame: fr, tsSec: T0 + sec, tsNsec: Math.round((t - sec) * 1e9) });
    }
  });
  return out.sort((a, b) => a.tsSec! - b.tsSec! || a.tsNsec! - b.tsNsec!);
}

/** Bits transmitted out `port` per 1 s window from T0, optionally only frames matching `pick`. */
function bitsPerSecond(r: ReplayOutcome, port: string, seconds: number, pick: (f: Uint8Array) => boolean = () => true): number[] {
  const w = new Array<number>(seconds).fill(0);
  const p = r.flow.tables.portNames.indexOf(port);
  for (const o of r.outputs) {
    if (o.port !== p || !pick(o.frame)) continue;
    const k = o.tsSec - T0;
    if (k >= 0 && k < seconds) w[k]! += o.frame.length * 8;
  }
  return w;
}

const srcIs = (last: number) => (f: Uint8Array): boolean => f[29] === last;
const sportIs = (port: number) => (f: Uint8Array): boolean => ((f[34]! << 8) | f[35]!) === port;

/** A generation whose port MACs the floods address. */
function gen(config: string) {
  const g = generationFrom(config);
  routerMacs = (port) => g.macs.slice(g.portIf[port]! * 6, g.portIf[port]! * 6 + 6);
  return g;
}

describe('queues in the flow', () => {
  it('a simple queue max-limit of 10M holds within ±2% over each 1 s window of a 10 s 20 Mbit/s flood', () => {
    const g = gen(`${BASE}/queue simple\nadd name=a target=10.0.1.10/32 max-limit=10M/10M\n`);
    const r = replay(g, { ether1: fixtureBytes(floods([{ src: '10.0.1.10', dst: '10.0.2.20', rate: 20e6, seconds: 10 }])) });
    const w = bitsPerSecond(r, 'ether2', 11);
    // window 0 also carries the full bucket (bucket-size 0.1 × max-limit = 1 Mbit) the queue starts with
    expect(w[0]!).toBeGreaterThan(10e6 * 0.98);
    expect(w[0]!).toBeLessThan(11e6 * 1.02);
    for (let k = 1; k < 10; k++) {
      expect({ k, ok: Math.abs(w[k]! / 10e6 - 1) <= 0.02 }).toEqual({ k, ok: true });
    }
    // the excess was dropped by the queue (default-small: pfifo 10), never lost
    const drops = r.flow.dropCounts();
    expect(drops.get('queue-full')!).toBeGreaterThan(r.inputs.length * 0.4);
    expect([...r.finals.values()].filter(([f]) => f === Fate.TX).length + drops.get('queue-full')!).toBe(r.inputs.length);
    // departures are never before arrivals, and leave in order
    let last = 0;
    for (const o of r.outputs) {
      const t = o.tsSec + o.tsNsec / 1e9;
      expect(t).toBeGreaterThanOrEqual(last);
      last = t;
    }
    // RATE: what left in the last whole second of the capture clock (9..10 s): the 10M, upload only
    expect(r.flow.formatQueueStats()).toMatch(/\/queue simple print stats\n#\s+NAME\s+RATE\s+BYTES.*\n0\s+a\s+(9\.9|10\.0|10\.1)Mbps\/0bps\s/);
  });

  it('upload and download are limited separately; the other direction of another host is not limited', () => {
    const g = gen(`${BASE}/queue simple\nadd name=a target=10.0.1.10/32 max-limit=2M/4M\n`);
    const up = floods([
      { src: '10.0.1.10', dst: '10.0.2.20', rate: 8e6, seconds: 4 },
      { src: '10.0.1.11', dst: '10.0.2.20', rate: 8e6, seconds: 4 },
    ]);
    const down = floods([{ src: '10.0.2.20', dst: '10.0.1.10', rate: 8e6, seconds: 4, from: B, to: routerMacs(1) }]);
    const r = replay(g, { ether1: fixtureBytes(up), ether2: fixtureBytes(down) });
    const upA = bitsPerSecond(r, 'ether2', 4, srcIs(10));
    const upOther = bitsPerSecond(r, 'ether2', 4, srcIs(11));
    const downA = bitsPerSecond(r, 'ether1', 4);
    for (let k = 1; k < 4; k++) {
      expect(upA[k]! / 2e6).toBeCloseTo(1, 1);
      expect(downA[k]! / 4e6).toBeCloseTo(1, 1);
      expect(upOther[k]! / 8e6).toBeGreaterThan(0.97); // no queue: all of it
    }
  });

  it('masquerade: the LAN host target still matches its uploads after src-nat (the view filter forward has)', () => {
    const g = gen(`${BASE}/ip route\nadd gateway=203.0.113.9\n/ip firewall nat\nadd chain=srcnat out-interface=ether3 action=masquerade\n/queue simple\nadd name=a target=10.0.1.10/32 max-limit=2M/2M\n`);
    const r = replay(g, { ether1: fixtureBytes(floods([{ src: '10.0.1.10', dst: '198.51.100.7', rate: 8e6, seconds: 3 }])) });
    const w = bitsPerSecond(r, 'ether3', 3);
    expect(w[1]! / 2e6).toBeCloseTo(1, 1);
    expect(w[2]! / 2e6).toBeCloseTo(1, 1);
    // and the frames did leave masqueraded
    const out = r.outputs.find((o) => o.port === 2)!;
    expect([...out.frame.subarray(26, 30)]).toEqual([203, 0, 113, 1]);
  });

  it('queue tree: priority 1 takes the spare capacity over priority 8; limit-at is kept for the low one', () => {
    const g = gen(`${BASE}/ip firewall mangle
add chain=forward protocol=udp dst-port=5060 action=mark-packet new-packet-mark=voip passthrough=no
add chain=forward action=mark-packet new-packet-mark=bulk passthrough=no
/queue tree
add name=up parent=global max-limit=10M
add name=voip parent=up packet-mark=voip priority=1 limit-at=1M max-limit=10M queue=default
add name=bulk parent=up packet-mark=bulk priority=8 limit-at=2M max-limit=10M queue=default
`);
    const r = replay(g, {
      ether1: fixtureBytes(floods([
        { src: '10.0.1.10', dst: '10.0.2.20', rate: 12e6, seconds: 5, dport: 5060, sport: 7000 },
        { src: '10.0.1.11', dst: '10.0.2.20', rate: 12e6, seconds: 5, dport: 80, sport: 7001 },
      ])),
    });
    const voip = bitsPerSecond(r, 'ether2', 5, sportIs(7000));
    const bulk = bitsPerSecond(r, 'ether2', 5, sportIs(7001));
    for (let k = 1; k < 5; k++) {
      // bulk keeps its CIR of 2M, voip (priority 1) gets the rest: 8M
      expect({ k, bulk: Math.round(bulk[k]! / 1e5) / 10 }).toEqual({ k, bulk: expect.closeTo(2, 0) });
      expect(voip[k]! / 8e6).toBeGreaterThan(0.95);
      expect((voip[k]! + bulk[k]!) / 10e6).toBeLessThan(1.02);
    }
    expect(r.flow.formatQueueStats()).toMatch(/voip\s+up\s+\S+bps\s+\d+/);
  });

  it('an interface tree (parent=ether2) shapes what leaves that port only', () => {
    const g = gen(`${BASE}/ip firewall mangle
add chain=postrouting action=mark-packet new-packet-mark=all passthrough=no
/queue tree
add name=e2 parent=ether2 packet-mark=all max-limit=3M
`);
    const r = replay(g, {
      ether1: fixtureBytes(floods([
        { src: '10.0.1.10', dst: '10.0.2.20', rate: 6e6, seconds: 3 },
        { src: '10.0.1.10', dst: '203.0.113.9', rate: 6e6, seconds: 3 },
      ])),
    });
    const e2 = bitsPerSecond(r, 'ether2', 3);
    const e3 = bitsPerSecond(r, 'ether3', 3);
    expect(e2[1]! / 3e6).toBeCloseTo(1, 1);
    expect(e2[2]! / 3e6).toBeCloseTo(1, 1);
    expect(e3[1]! / 6e6).toBeGreaterThan(0.97);
  });

  it('FastTrack skips simple queues (RouterOS: fasttracked packets bypass simple queues and global trees)', () => {
    const cfg = `${BASE}/ip firewall filter
add chain=forward action=fasttrack-connection connection-state=established,related
add chain=forward action=accept connection-state=established,related
/queue simple
add name=a target=10.0.1.10/32 max-limit=1M/1M
`;
    const g = gen(cfg);
    // A floods B at 8 Mbit/s; B answers on the same ports from 0.5 s on, so the connection becomes established
    // and the filter fasttracks it: from then on nothing limits A's flood.
    const flood = floods([{ src: '10.0.1.10', dst: '10.0.2.20', rate: 8e6, seconds: 3, sport: 4000, dport: 4001 }]);
    const replies = floods([{ src: '10.0.2.20', dst: '10.0.1.10', rate: 1e5, seconds: 2.5, startMs: 500, size: 100, sport: 4001, dport: 4000, from: B, to: routerMacs(1) }]);
    const r = replay(g, { ether1: fixtureBytes(flood), ether2: fixtureBytes(replies) });
    const w = bitsPerSecond(r, 'ether2', 3);
    // limited to 1M (plus its 0.1 Mbit bucket) until the reply at 0.5 s, then all 8M
    expect(w[0]! / 1e6).toBeCloseTo(0.5 + 0.1 + 4, 0);
    expect(w[1]! / 8e6).toBeGreaterThan(0.97); // fasttracked: not limited
    expect(w[2]! / 8e6).toBeGreaterThan(0.97);
    // without the fasttrack rule the same traffic stays at 1M
    const r2 = replay(gen(cfg.replace(/add chain=forward action=fasttrack-connection.*\n/, '')), { ether1: fixtureBytes(flood), ether2: fixtureBytes(replies) });
    expect(bitsPerSecond(r2, 'ether2', 3)[2]! / 1e6).toBeCloseTo(1, 1);
  });

  it('is deterministic: the same flood gives the same output bytes and timestamps', () => {
    const cfg = `${BASE}/queue type\nadd name=sfq1 kind=sfq\n/queue simple\nadd name=a target=10.0.1.0/24 max-limit=5M/5M queue=sfq1/sfq1\n`;
    const input = fixtureBytes(floods([
      { src: '10.0.1.10', dst: '10.0.2.20', rate: 6e6, seconds: 2 },
      { src: '10.0.1.11', dst: '10.0.2.20', rate: 3e6, seconds: 2, size: 400 },
    ]));
    const run = (): string[] => replay(gen(cfg), { ether1: input }).outputs.map((o) => `${o.tsSec}.${o.tsNsec} ${Buffer.from(o.frame).toString('hex')}`);
    const a = run();
    expect(a.length).toBeGreaterThan(1000);
    expect(run()).toEqual(a);
  });

  it('traces say which queue held a packet and how long it waited', () => {
    const g = gen(`${BASE}/queue simple\nadd name=slow target=10.0.1.10/32 max-limit=1M/1M\n`);
    const trace = new TraceBuffer(1 << 14);
    const r = replay(g, { ether1: fixtureBytes(floods([{ src: '10.0.1.10', dst: '10.0.2.20', rate: 2e6, seconds: 1 }])) }, { trace, pool: new PacketPool({ slots: 512 }) });
    const text = trace.format(r.flow.traceNames());
    // the first packet finds tokens and leaves during its own run; later ones wait for theirs
    expect(text).toMatch(/packet 1\n(.*\n)*?\s+simple-queues: queue held by simple queue slow upload\n\s+simple-queues: queue-left left after 0 µs \(0 packets still queued\)\n\s+arp-resolve/);
    expect(text).toMatch(/simple-queues: queue-left left after [1-9]\d+ µs/);
  });
});

describe('queue types through the flow, read off the output', () => {
  it('pcq: 4 users share a simple queue equally (±5%); a fifth joining takes its share', () => {
    // The target is 10.0.2.0/24 (behind ether2): traffic from 10.0.1.10 to 10.0.2.20+k is the target's
    // download, queued by pcq-download-default (dst-address): one substream per destination host.
    const users = [20, 21, 22, 23, 24];
    const arp = users.map((u) => `add address=10.0.2.${u} mac-address=02:00:00:0b:00:${u.toString(16)} interface=ether2`).join('\n');
    const g2 = gen(`${BASE}/ip arp\n${arp}\n/queue simple\nadd name=office target=10.0.2.0/24 max-limit=10M/10M queue=pcq-upload-default/pcq-download-default\n`);
    const fl = users.map((u, k) => ({ src: '10.0.1.10', dst: `10.0.2.${u}`, rate: 6e6, seconds: k === 4 ? 2 : 4, startMs: k === 4 ? 2000 : 0, sport: 6000 + k }));
    const r = replay(g2, { ether1: fixtureBytes(floods(fl)) });
    const per = users.map((u) => bitsPerSecond(r, 'ether2', 4, (f) => f[33] === u));
    // seconds 1: four users, 2.5M each; second 3: five users, 2M each
    for (let k = 0; k < 4; k++) expect({ user: k, off: Math.abs(per[k]![1]! / 2.5e6 - 1) <= 0.05 }).toEqual({ user: k, off: true });
    expect(per[4]![1]).toBe(0);
    for (let k = 0; k < 5; k++) expect({ user: k, off: Math.abs(per[k]![3]! / 2e6 - 1) <= 0.05 }).toEqual({ user: k, off: true });
  });

  it('fq-codel keeps a light flow fast next to a heavy one; a plain FIFO does not', () => {
    const light = (f: Uint8Array): boolean => ((f[34]! << 8) | f[35]!) === 7777;
    const delays = (queue: string): number[] => {
      const g = gen(`${BASE}/queue type\nadd name=fq kind=fq-codel\n/queue simple\nadd name=up target=10.0.1.0/24 max-limit=5M/5M queue=${queue}/${queue}\n`);
      const input = floods([
        { src: '10.0.1.10', dst: '10.0.2.20', rate: 10e6, seconds: 2, sport: 5555 },
        { src: '10.0.1.11', dst: '10.0.2.20', rate: 1e5, seconds: 2, size: 100, sport: 7777, startMs: 1 },
      ]);
      const sent = new Map<number, number>();
      for (const f of input) if (light(f.frame)) sent.set((f.frame[18]! << 8) | f.frame[19]!, f.tsSec! + f.tsNsec! / 1e9);
      const r = replay(g, { ether1: fixtureBytes(input) });
      return r.outputs.filter((o) => light(o.frame)).map((o) => o.tsSec + o.tsNsec / 1e9 - sent.get((o.frame[18]! << 8) | o.frame[19]!)!);
    };
    const fq = delays('fq');
    const fifo = delays('default');
    const p95 = (d: number[]) => [...d].sort((a, b) => a - b)[Math.floor(d.length * 0.95)]!;
    expect(fq.length).toBeGreaterThan(100);
    expect(p95(fq)).toBeLessThan(0.01); // under 10 ms
    expect(p95(fifo)).toBeGreaterThan(0.05); // behind a standing queue of the heavy flow
  });
});

describe('bridged traffic and queues', () => {
  const cfg = (ipfw: boolean) => `/interface bridge
add name=br1
/interface bridge port
add bridge=br1 interface=ether1
add bridge=br1 interface=ether2
/interface bridge settings
set use-ip-firewall=${ipfw ? 'yes' : 'no'}
/ip address
add address=10.0.0.1/24 interface=br1
/queue simple
add name=a target=10.0.0.10/32 max-limit=2M/2M
`;
  const story = () => {
    // B speaks first, so the bridge learns where it is; then A floods B at 6 Mbit/s
    const hello = floods([{ src: '10.0.0.20', dst: '10.0.0.10', rate: 1e4, seconds: 0.1, size: 100, from: B, to: A }]);
    const flood = floods([{ src: '10.0.0.10', dst: '10.0.0.20', rate: 6e6, seconds: 3, startMs: 100, from: A, to: B }]);
    return { ether1: fixtureBytes(flood), ether2: fixtureBytes(hello) };
  };
  it('with use-ip-firewall, bridged IP traffic goes through the simple queues (one global HTB)', () => {
    const r = replay(gen(cfg(true)), story());
    const w = bitsPerSecond(r, 'ether2', 3);
    expect(w[1]! / 2e6).toBeCloseTo(1, 1);
    expect(w[2]! / 2e6).toBeCloseTo(1, 1);
    expect(r.flow.dropCounts().get('queue-full')!).toBeGreaterThan(0);
  });
  it('without it, bridged traffic never reaches simple queues (ROUTEROS-FLOW.md §1 edge cases)', () => {
    const r = replay(gen(cfg(false)), story());
    const w = bitsPerSecond(r, 'ether2', 3);
    expect(w[1]! / 6e6).toBeGreaterThan(0.97);
  });
});

describe('the manual\'s HTB examples, read off replayed output', () => {
  it('oversubscribed limit-at 6M:2M:12M under a 10M parent ends up 3:1:6 (±5%)', () => {
    const g = gen(`${BASE}/ip firewall mangle
add chain=forward protocol=udp dst-port=1001 action=mark-packet new-packet-mark=q1 passthrough=no
add chain=forward protocol=udp dst-port=1002 action=mark-packet new-packet-mark=q2 passthrough=no
add chain=forward protocol=udp dst-port=1003 action=mark-packet new-packet-mark=q3 passthrough=no
/queue tree
add name=parent parent=global max-limit=10M
add name=q1 parent=parent packet-mark=q1 limit-at=6M max-limit=10M
add name=q2 parent=parent packet-mark=q2 limit-at=2M max-limit=10M
add name=q3 parent=parent packet-mark=q3 limit-at=12M max-limit=12M
`);
    const r = replay(g, {
      ether1: fixtureBytes(floods([1, 2, 3].map((k) => ({ src: '10.0.1.10', dst: '10.0.2.20', rate: 14e6, seconds: 4, dport: 1000 + k, sport: 2000 + k })))),
    });
    const per = [1, 2, 3].map((k) => bitsPerSecond(r, 'ether2', 4, (f) => ((f[36]! << 8) | f[37]!) === 1000 + k));
    for (const t of [1, 2, 3]) {
      const got = per.map((w) => w[t]!);
      const want = [3e6, 1e6, 6e6];
      got.forEach((v, k) => expect({ t, queue: k + 1, off: Math.abs(v / want[k]! - 1) <= 0.05 }).toEqual({ t, queue: k + 1, off: true }));
    }
  });

  it('burst: burst-limit 4M while the average stays under burst-threshold 1M, for threshold x burst-time / burst-limit = 2 s', () => {
    const g = gen(`${BASE}/queue simple\nadd name=b target=10.0.1.10/32 max-limit=2M/2M burst-limit=4M/4M burst-threshold=1M/1M burst-time=8s/8s\n`);
    const r = replay(g, { ether1: fixtureBytes(floods([{ src: '10.0.1.10', dst: '10.0.2.20', rate: 8e6, seconds: 6 }])) });
    // rate per 100 ms window
    const p = r.flow.tables.portNames.indexOf('ether2');
    const w = new Array<number>(60).fill(0);
    for (const o of r.outputs) {
      const k = Math.floor((o.tsSec - T0 + o.tsNsec / 1e9) * 10);
      if (o.port === p && k >= 0 && k < 60) w[k]! += o.frame.length * 80;
    }
    expect(w[5]! / 4e6).toBeCloseTo(1, 1); // bursting at 4M
    const end = w.findIndex((v, k) => k > 2 && v < 3e6) / 10; // first window back near 2M
    expect(end).toBeGreaterThan(2 * 0.9);
    expect(end).toBeLessThan(2 * 1.1);
    expect(w[40]! / 2e6).toBeCloseTo(1, 1); // then max-limit
  });
});
