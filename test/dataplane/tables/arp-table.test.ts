/**
 * ArpTable: every state-machine transition with explicit times and both sides of each timer boundary, the
 * resolution queue (bound, order, drop of the oldest), failure handing queued slots back, static/published
 * entries, the full-table policy, and a fast-check property test against a reference model written with Maps
 * and arrays (1000 sequences on tiny tables).
 */
import fc from 'fast-check';
import { ArpTable, ArpState, ArpEvents, ARP_DEFAULT_TIMEOUTS, ARP_DEFAULT_QUEUE_BYTES, skbTruesize, type ArpTimeouts, type ArpEntry } from '../../../dataplane/tables/arp-table';

const T: ArpTimeouts = { ...ARP_DEFAULT_TIMEOUTS };
const IP = 0xc0a80102; // 192.168.1.2
const IP2 = 0xffffffff;
const [MH, ML] = [0x0200, 0xaabbccdd];
const [MH2, ML2] = [0x0200, 0x11223344];

function fresh(maxEntries = 16, queueLen = 3): { arp: ArpTable; ev: ArpEvents; out: Uint32Array } {
  return { arp: new ArpTable({ maxEntries, queueLen }), ev: new ArpEvents(64), out: new Uint32Array(8) };
}
const drops = (ev: ArpEvents): number[] => Array.from(ev.drops.subarray(0, ev.dropCount));
const requests = (ev: ArpEvents): number[] => Array.from(ev.requests.subarray(0, ev.requestCount));
const list = (arp: ArpTable): ArpEntry[] => {
  const r: ArpEntry[] = [];
  arp.forEach((e) => r.push(e));
  return r;
};

describe('ArpTable state machine', () => {
  test('INCOMPLETE: a request per second, FAILED after 3, queued slots dropped in order, removed after the hold', () => {
    const { arp, ev } = fresh();
    const e = arp.resolveStart(IP, 1, 100);
    expect(e).toBeGreaterThanOrEqual(0);
    expect(arp.lookup(IP, 1)).toBe(e);
    expect(arp.lookup(IP, 2)).toBe(-1);
    expect(arp.state(e)).toBe(ArpState.INCOMPLETE);
    expect(arp.probes(e)).toBe(1);
    expect(arp.complete(e)).toBe(false);
    expect(arp.enqueue(e, 7)).toBe(0);
    expect(arp.enqueue(e, 8)).toBe(0);
    expect(arp.nextDeadline).toBe(101);

    expect(arp.expire(100.999, T, ev)).toBe(0);
    expect(requests(ev)).toEqual([]);
    arp.expire(101, T, ev);
    expect(requests(ev)).toEqual([e]);
    expect(arp.probes(e)).toBe(2);
    arp.expire(102, T, ev);
    expect(requests(ev)).toEqual([e]);
    expect(arp.probes(e)).toBe(3);
    arp.expire(102.5, T, ev);
    expect(requests(ev)).toEqual([]);
    arp.expire(103, T, ev);
    expect(requests(ev)).toEqual([]);
    expect(drops(ev)).toEqual([7, 8]);
    expect(arp.state(e)).toBe(ArpState.FAILED);
    expect(arp.queued(e)).toBe(0);
    expect(list(arp)[0]!.status).toBe('failed');

    expect(arp.expire(117.9, T, ev)).toBe(0);
    expect(arp.expire(118, T, ev)).toBe(1);
    expect(arp.lookup(IP, 1)).toBe(-1);
    expect(arp.size).toBe(0);
    expect(arp.nextDeadline).toBe(Infinity);
  });

  test('FAILED restarts as INCOMPLETE on the next packet (resolveStart)', () => {
    const { arp, ev } = fresh();
    const e = arp.resolveStart(IP, 1, 0);
    arp.expire(3, T, ev);
    expect(arp.state(e)).toBe(ArpState.FAILED);
    expect(arp.resolveStart(IP, 1, 4)).toBe(e);
    expect(arp.state(e)).toBe(ArpState.INCOMPLETE);
    expect(arp.probes(e)).toBe(1);
    arp.expire(5, T, ev);
    expect(requests(ev)).toEqual([e]);
    // resolveStart on a live entry changes nothing
    expect(arp.resolveStart(IP, 1, 5.5)).toBe(e);
    expect(arp.probes(e)).toBe(2);
  });

  test('queueLen 3: the 4th packet pushes out the oldest; confirm returns the rest in order', () => {
    const { arp, ev, out } = fresh();
    const e = arp.resolveStart(IP, 1, 0);
    expect([arp.enqueue(e, 1), arp.enqueue(e, 2), arp.enqueue(e, 3)]).toEqual([0, 0, 0]);
    expect(arp.enqueue(e, 4)).toBe(1);
    expect(arp.pushed[0]).toBe(1);
    expect(arp.enqueue(e, 5)).toBe(1);
    expect(arp.pushed[0]).toBe(2);
    expect(arp.queued(e)).toBe(3);
    expect(arp.confirm(IP, 1, MH, ML, 0.5, out)).toBe(3);
    expect(Array.from(out.subarray(0, 3))).toEqual([3, 4, 5]);
    expect(arp.lastEntry).toBe(e);
    expect(arp.state(e)).toBe(ArpState.REACHABLE);
    expect([arp.macHi(e), arp.macLo(e)]).toEqual([MH, ML]);
    expect(arp.queued(e)).toBe(0);
    // a complete entry does not queue: the slot is refused
    expect(arp.enqueue(e, 6)).toBe(-1);
    // no retransmissions after resolution
    arp.expire(10, T, ev);
    expect(requests(ev)).toEqual([]);
    expect(drops(ev)).toEqual([]);
  });

  test('queueLen 1 and 0', () => {
    const one = new ArpTable({ maxEntries: 4, queueLen: 1 });
    const e = one.resolveStart(IP, 0, 0);
    expect(one.enqueue(e, 10)).toBe(0);
    expect(one.enqueue(e, 11)).toBe(1);
    expect(one.pushed[0]).toBe(10);
    const zero = new ArpTable({ maxEntries: 4, queueLen: 0 });
    const z = zero.resolveStart(IP, 0, 0);
    expect(zero.enqueue(z, 10)).toBe(-1);
    // a slot number beyond the table's slot capacity cannot wait
    const small = new ArpTable({ maxEntries: 4, slots: 8 });
    expect(small.enqueue(small.resolveStart(IP, 0, 0), 8)).toBe(-1);
  });

  test('default bound is Linux unres_qlen_bytes (212992) of skb truesize: 101 full frames, oldest pushed out', () => {
    const arp = new ArpTable({ maxEntries: 4 });
    const e = arp.resolveStart(IP, 0, 0);
    const full = skbTruesize(1514);
    expect(full).toBe(2090);
    for (let s = 0; s < 101; s++) expect(arp.enqueue(e, s, full)).toBe(0);
    expect(arp.queuedBytes(e)).toBe(101 * 2090);
    // the 102nd does not fit: the oldest goes
    expect(arp.enqueue(e, 101, full)).toBe(1);
    expect(arp.pushed[0]).toBe(0);
    expect(arp.queued(e)).toBe(101);
    // a 64 KiB packet pushes out as many as it needs (and is queued even if alone over the bound)
    const big = skbTruesize(65535);
    const k = arp.enqueue(e, 200, big);
    expect(k).toBe(Math.ceil((101 * 2090 + big - ARP_DEFAULT_QUEUE_BYTES) / 2090));
    expect(Array.from(arp.pushed.subarray(0, 3))).toEqual([1, 2, 3]);
    expect(arp.queuedBytes(e)).toBeLessThanOrEqual(ARP_DEFAULT_QUEUE_BYTES);
    const huge = new ArpTable({ maxEntries: 4, queueBytes: 1000 });
    const h = huge.resolveStart(IP, 0, 0);
    expect(huge.enqueue(h, 1, 5000)).toBe(0);
    expect(huge.enqueue(h, 2, 5000)).toBe(1);
    expect(huge.queued(h)).toBe(1);
    const out = new Uint32Array(200);
    expect(huge.confirm(IP, 0, MH, ML, 1, out)).toBe(1);
    expect(out[0]).toBe(2);
  });

  test('per-interface reachable times override arp-timeout (Linux reachable_time per device)', () => {
    const { arp, ev, out } = fresh();
    arp.setReachableTimes(Float64Array.from([NaN, 7.5]));
    arp.confirm(IP, 1, MH, ML, 0, out);
    const a = arp.lastEntry;
    arp.confirm(IP, 0, MH, ML, 0, out);
    const b = arp.lastEntry;
    arp.confirm(IP, 5, MH, ML, 0, out);
    const c = arp.lastEntry;
    expect([arp.reachableFor(a, T), arp.reachableFor(b, T), arp.reachableFor(c, T)]).toEqual([7.5, T.reachable, T.reachable]);
    arp.expire(7.4, T, ev);
    expect(arp.state(a)).toBe(ArpState.REACHABLE);
    arp.expire(7.5, T, ev);
    expect(arp.state(a)).toBe(ArpState.STALE);
    expect(arp.state(b)).toBe(ArpState.REACHABLE);
    arp.expire(T.reachable, T, ev);
    expect(arp.state(b)).toBe(ArpState.STALE);
    expect(arp.state(c)).toBe(ArpState.STALE);
  });

  test('REACHABLE becomes STALE exactly arp-timeout after the confirmation; STALE is removed 60 s after last use', () => {
    const { arp, ev, out } = fresh();
    expect(arp.confirm(IP, 1, MH, ML, 10, out)).toBe(0);
    const e = arp.lastEntry;
    expect(arp.state(e)).toBe(ArpState.REACHABLE);
    expect(arp.nextDeadline).toBe(40);
    arp.expire(39.999, T, ev);
    expect(arp.state(e)).toBe(ArpState.REACHABLE);
    arp.confirm(IP, 1, MH, ML, 20, out); // refreshed
    arp.expire(49.999, T, ev);
    expect(arp.state(e)).toBe(ArpState.REACHABLE);
    arp.expire(50, T, ev);
    expect(arp.state(e)).toBe(ArpState.STALE);
    expect(arp.complete(e)).toBe(true);
    // used at creation (10): gc at 70
    expect(arp.expire(69.9, T, ev)).toBe(0);
    expect(arp.expire(70, T, ev)).toBe(1);
    expect(arp.size).toBe(0);
  });

  test('REACHABLE used lately -> DELAY -> PROBE (unicast requests) -> FAILED', () => {
    const { arp, ev, out } = fresh();
    arp.confirm(IP, 1, MH, ML, 0, out);
    const e = arp.lastEntry;
    arp.use(e, 26); // within delayFirstProbe (5 s) of the expiry at 30
    arp.expire(30, T, ev);
    expect(arp.state(e)).toBe(ArpState.DELAY);
    arp.expire(34.999, T, ev);
    expect(arp.state(e)).toBe(ArpState.DELAY);
    arp.expire(35, T, ev);
    expect(arp.state(e)).toBe(ArpState.PROBE);
    expect(requests(ev)).toEqual([e]);
    expect(arp.probes(e)).toBe(1);
    expect(arp.complete(e)).toBe(true); // PROBE still sends with the cached MAC
    arp.expire(36, T, ev);
    expect(requests(ev)).toEqual([e]);
    arp.expire(37, T, ev);
    expect(requests(ev)).toEqual([e]);
    expect(arp.probes(e)).toBe(3);
    arp.expire(37.999, T, ev);
    expect(arp.state(e)).toBe(ArpState.PROBE);
    arp.expire(38, T, ev);
    expect(arp.state(e)).toBe(ArpState.FAILED);
    expect(requests(ev)).toEqual([]);
  });

  test('REACHABLE not used within delayFirstProbe of expiry goes STALE; a use then starts DELAY', () => {
    const { arp, ev, out } = fresh();
    arp.confirm(IP, 1, MH, ML, 0, out);
    const e = arp.lastEntry;
    arp.use(e, 25); // exactly 5 s before: not "within" (the timer boundary is >=)
    arp.expire(30, T, ev);
    expect(arp.state(e)).toBe(ArpState.STALE);
    arp.use(e, 40);
    expect(arp.state(e)).toBe(ArpState.DELAY);
    expect(arp.nextDeadline).toBe(45);
    // a reply during DELAY confirms it
    arp.confirm(IP, 1, MH, ML, 42, out);
    expect(arp.state(e)).toBe(ArpState.REACHABLE);
    arp.expire(45, T, ev);
    expect(arp.state(e)).toBe(ArpState.REACHABLE);
    expect(requests(ev)).toEqual([]);
  });

  test('a reply during PROBE confirms the entry (new MAC taken)', () => {
    const { arp, ev, out } = fresh();
    arp.confirm(IP, 1, MH, ML, 0, out);
    const e = arp.lastEntry;
    arp.use(e, 29);
    arp.expire(35.5, T, ev);
    expect(arp.state(e)).toBe(ArpState.PROBE);
    arp.confirm(IP, 1, MH2, ML2, 36, out);
    expect(arp.state(e)).toBe(ArpState.REACHABLE);
    expect([arp.macHi(e), arp.macLo(e)]).toEqual([MH2, ML2]);
    expect(arp.probes(e)).toBe(0);
  });

  test('confirm(reachable=false) (request or gratuitous ARP): new -> STALE; same MAC keeps the state; new MAC -> STALE', () => {
    const { arp, ev, out } = fresh();
    arp.confirm(IP, 1, MH, ML, 0, out, false);
    const e = arp.lastEntry;
    expect(arp.state(e)).toBe(ArpState.STALE);
    arp.confirm(IP, 1, MH, ML, 1, out, true);
    expect(arp.state(e)).toBe(ArpState.REACHABLE);
    arp.confirm(IP, 1, MH, ML, 2, out, false);
    expect(arp.state(e)).toBe(ArpState.REACHABLE);
    expect(arp.confirmedAt(e)).toBe(1);
    arp.confirm(IP, 1, MH2, ML2, 3, out, false);
    expect(arp.state(e)).toBe(ArpState.STALE);
    expect(arp.macLo(e)).toBe(ML2);
    expect(arp.updatedAt(e)).toBe(3);
    // an INCOMPLETE entry learns the MAC from a request and hands back its queue
    const f = arp.resolveStart(IP2, 1, 5);
    arp.enqueue(f, 9);
    expect(arp.confirm(IP2, 1, MH, ML, 5.2, out, false)).toBe(1);
    expect(out[0]).toBe(9);
    expect(arp.state(f)).toBe(ArpState.STALE);
    arp.expire(10, T, ev);
    expect(requests(ev)).toEqual([]);
  });

  test('static and published entries never expire and ignore ARP traffic', () => {
    const { arp, ev, out } = fresh();
    const e = arp.addStatic(IP, 1, MH, ML, true);
    const g = arp.addStatic(IP2, 1, MH2, ML2);
    expect(arp.state(e)).toBe(ArpState.PERMANENT);
    expect(arp.published(e)).toBe(true);
    expect(arp.published(g)).toBe(false);
    expect(arp.nextDeadline).toBe(Infinity);
    arp.confirm(IP, 1, MH2, ML2, 5, out);
    arp.confirm(IP, 1, MH2, ML2, 6, out, false);
    expect(arp.state(e)).toBe(ArpState.PERMANENT);
    expect(arp.macLo(e)).toBe(ML);
    expect(arp.expire(1e9, T, ev)).toBe(0);
    expect(arp.resolveStart(IP, 1, 1e9)).toBe(e);
    expect(arp.state(e)).toBe(ArpState.PERMANENT);
    expect(list(arp).map((x) => [x.printFlags, x.status])).toEqual([
      ['PC', 'permanent'],
      ['C', 'permanent'],
    ]);
    expect(arp.remove(IP, 1)).toBe(0);
    expect(arp.remove(IP, 1)).toBe(-1);
    expect(arp.size).toBe(1);
  });

  test('a static entry over an INCOMPLETE one keeps its queue for takeQueued; remove hands queued slots back', () => {
    const { arp, out } = fresh();
    const e = arp.resolveStart(IP, 1, 0);
    arp.enqueue(e, 4);
    arp.enqueue(e, 5);
    expect(arp.addStatic(IP, 1, MH, ML)).toBe(e);
    expect(arp.takeQueued(e, out)).toBe(2);
    expect(Array.from(out.subarray(0, 2))).toEqual([4, 5]);
    const f = arp.resolveStart(IP2, 3, 0);
    arp.enqueue(f, 6);
    expect(arp.remove(IP2, 3, out)).toBe(1);
    expect(out[0]).toBe(6);
  });

  test('dynamic print flags and statuses', () => {
    const { arp, out } = fresh();
    arp.confirm(IP, 1, MH, ML, 0, out);
    arp.resolveStart(IP2, 1, 0);
    expect(list(arp).map((x) => [x.printFlags, x.status, x.ip, x.ifIndex])).toEqual([
      ['DC', 'reachable', IP, 1],
      ['D', 'incomplete', IP2, 1],
    ]);
  });

  test('the same events give the same result whether expire runs every 0.1 s or once', () => {
    const run = (step: number): string => {
      const { arp, ev, out } = fresh();
      const seen: string[] = [];
      arp.confirm(IP, 1, MH, ML, 0, out);
      arp.use(arp.lastEntry, 28);
      const f = arp.resolveStart(IP2, 2, 1);
      arp.enqueue(f, 3);
      for (let now = step; now <= 100 + 1e-9; now += step) {
        arp.expire(now, T, ev);
        seen.push(...drops(ev).map((d) => `drop ${d}`));
      }
      arp.expire(100, T, ev);
      return JSON.stringify([seen, list(arp)]);
    };
    expect(run(0.1)).toBe(run(100));
  });

  test('expire with a small ArpEvents stops before overflowing and resumes on the next call', () => {
    const { arp } = fresh(16);
    for (let i = 0; i < 5; i++) {
      const e = arp.resolveStart(i, 0, 0);
      arp.enqueue(e, 10 + i);
      arp.enqueue(e, 20 + i);
    }
    const small = new ArpEvents(4);
    const got: number[] = [];
    arp.expire(3, T, small);
    got.push(...drops(small));
    expect(small.dropCount).toBe(4);
    expect(arp.nextDeadline).toBe(-Infinity);
    for (let k = 0; k < 5; k++) {
      arp.expire(3, T, small);
      got.push(...drops(small));
    }
    expect(got.sort((a, b) => a - b)).toEqual([10, 11, 12, 13, 14, 20, 21, 22, 23, 24]);
    expect(arp.nextDeadline).toBe(18);
  });

  test('full table: creation fails unless a forced gc (at most once a second) can drop FAILED or old STALE entries', () => {
    const { arp, ev, out } = fresh(2);
    arp.resolveStart(1, 0, 0);
    arp.resolveStart(2, 0, 0);
    expect(arp.resolveStart(3, 0, 0.5)).toBe(-1); // gc ran, nothing removable (both INCOMPLETE)
    expect(arp.confirm(3, 0, MH, ML, 0.5, out)).toBe(0);
    expect(arp.lastEntry).toBe(-1);
    arp.expire(3, T, ev); // both FAILED
    expect(arp.resolveStart(3, 0, 3.2)).toBeGreaterThanOrEqual(0); // gc removed both FAILED entries
    expect(arp.lookup(1, 0)).toBe(-1);
    expect(arp.lookup(2, 0)).toBe(-1);
    expect(arp.size).toBe(1);
    arp.confirm(4, 0, MH, ML, 3.2, out, false); // STALE, updated at 3.2
    expect(arp.resolveStart(5, 0, 4)).toBe(-1); // gc ran at 3.2: not again before 4.2
    expect(arp.resolveStart(5, 0, 5)).toBe(-1); // gc runs, but the STALE entry is younger than 5 s
    expect(arp.resolveStart(5, 0, 8.2)).toBeGreaterThanOrEqual(0); // now it is not
    expect(arp.lookup(4, 0)).toBe(-1);
    expect(arp.lookup(3, 0)).toBeGreaterThanOrEqual(0); // INCOMPLETE entries are never collected
  });

  test('bad options and timeouts are refused', () => {
    expect(() => new ArpTable({ maxEntries: 0 })).toThrow(RangeError);
    expect(() => new ArpTable({ queueLen: 65536 })).toThrow(RangeError);
    expect(() => new ArpTable({ queueBytes: -1 })).toThrow(RangeError);
    expect(() => new ArpTable({ slots: 0 })).toThrow(RangeError);
    const { arp, ev } = fresh();
    expect(() => arp.expire(0, { ...T, retransmit: 0 }, ev)).toThrow(RangeError);
    expect(() => arp.expire(0, { ...T, maxProbes: 0 }, ev)).toThrow(RangeError);
  });
});

// ---- property test against a reference model -----------------------------------------------------------

/** The reference: entries in a Map keyed by "ip/if", queues as arrays, expire as a global event loop. */
interface MEntry {
  ip: number;
  ifx: number;
  state: number;
  hi: number;
  lo: number;
  published: boolean;
  confirmed: number;
  updated: number;
  used: number;
  timerAt: number;
  probes: number;
  queue: number[];
}
const S = ArpState;
const COMPLETE = new Set<number>([S.REACHABLE, S.STALE, S.DELAY, S.PROBE, S.PERMANENT]);

class Model {
  readonly m = new Map<string, MEntry>();
  lastGc = -Infinity;
  constructor(
    readonly max: number,
    readonly qlen: number,
  ) {}
  get(ip: number, ifx: number): MEntry | undefined {
    return this.m.get(`${ip}/${ifx}`);
  }
  create(ip: number, ifx: number, now: number): MEntry | null {
    if (this.m.size >= this.max && now >= this.lastGc + 1) {
      this.lastGc = now;
      for (const [k, e] of this.m) if (e.state === S.FAILED || (e.state === S.STALE && e.updated + 5 <= now)) this.m.delete(k);
    }
    if (this.m.size >= this.max) return null;
    const e: MEntry = { ip, ifx, state: 0, hi: 0, lo: 0, published: false, confirmed: -Infinity, updated: now, used: now, timerAt: now, probes: 0, queue: [] };
    this.m.set(`${ip}/${ifx}`, e);
    return e;
  }
  /** The stage's per-packet procedure; returns what happened to the packet. */
  packet(ip: number, ifx: number, slot: number, now: number): string {
    let e = this.get(ip, ifx);
    if (!e || e.state === S.FAILED) {
      if (!e) {
        const c = this.create(ip, ifx, now);
        if (!c) return 'full';
        e = c;
      }
      Object.assign(e, { state: S.INCOMPLETE, probes: 1, timerAt: now, updated: now, used: now, hi: 0, lo: 0 });
    }
    if (e.state === S.INCOMPLETE) {
      if (this.qlen === 0) return `drop ${slot}`;
      e.queue.push(slot);
      return e.queue.length > this.qlen ? `drop ${e.queue.shift()}` : 'queued';
    }
    e.used = now;
    if (e.state === S.STALE) Object.assign(e, { state: S.DELAY, timerAt: now, updated: now });
    return 'sent';
  }
  confirm(ip: number, ifx: number, hi: number, lo: number, now: number, reachable: boolean): number[] | null {
    const e = this.get(ip, ifx) ?? this.create(ip, ifx, now);
    if (!e) return null;
    if (e.state === S.PERMANENT) return [];
    const was = COMPLETE.has(e.state);
    const same = was && e.hi === hi && e.lo === lo;
    const ns = reachable ? S.REACHABLE : same ? e.state : S.STALE;
    if (reachable) e.confirmed = now;
    if (ns !== e.state || !same) e.updated = now;
    if (ns !== e.state) e.probes = 0;
    Object.assign(e, { state: ns, hi, lo });
    if (was) return [];
    const q = e.queue;
    e.queue = [];
    return q;
  }
  addStatic(ip: number, ifx: number, hi: number, lo: number, published: boolean, now: number): boolean {
    const e = this.get(ip, ifx) ?? this.create(ip, ifx, now);
    if (!e) return false;
    Object.assign(e, { state: S.PERMANENT, published, hi, lo, probes: 0, updated: now });
    return true;
  }
  deadline(e: MEntry, t: ArpTimeouts): number {
    switch (e.state) {
      case S.INCOMPLETE:
      case S.PROBE:
        return e.timerAt + t.retransmit;
      case S.REACHABLE:
        return e.confirmed + t.reachable;
      case S.DELAY:
        return e.timerAt + t.delayFirstProbe;
      case S.STALE:
        return e.used + t.staleTime;
      case S.FAILED:
        return e.timerAt + t.failedHold;
    }
    return Infinity;
  }
  /** All events due by `now`, earliest first across the table; returns [drops, requested keys, removed]. */
  expire(now: number, t: ArpTimeouts): [number[], string[], number] {
    const drops: number[] = [];
    const requested = new Set<string>();
    const last = new Map<MEntry, number>();
    let removed = 0;
    for (;;) {
      let best: [string, MEntry] | null = null;
      let bestD = Infinity;
      for (const [k, e] of this.m) {
        const d = this.deadline(e, t);
        if (d <= now && d < bestD) [best, bestD] = [[k, e], d];
      }
      if (!best) break;
      const [k, e] = best;
      const at = Math.max(bestD, last.get(e) ?? -Infinity);
      last.set(e, at);
      switch (e.state) {
        case S.INCOMPLETE:
        case S.PROBE:
          if (e.probes >= (e.state === S.INCOMPLETE ? t.maxRequests : t.maxProbes)) {
            drops.push(...e.queue);
            Object.assign(e, { state: S.FAILED, timerAt: at, updated: at, probes: 0, queue: [] });
          } else {
            e.probes++;
            e.timerAt = at;
            requested.add(k);
          }
          break;
        case S.REACHABLE:
          Object.assign(e, { state: at < e.used + t.delayFirstProbe ? S.DELAY : S.STALE, timerAt: at, updated: at });
          break;
        case S.DELAY:
          if (at < e.confirmed + t.delayFirstProbe) Object.assign(e, { state: S.REACHABLE, updated: at });
          else {
            Object.assign(e, { state: S.PROBE, probes: 1, timerAt: at, updated: at });
            requested.add(k);
          }
          break;
        default:
          this.m.delete(k);
          removed++;
      }
    }
    const req = [...requested].filter((k) => {
      const e = this.m.get(k);
      return e !== undefined && (e.state === S.INCOMPLETE || e.state === S.PROBE);
    });
    return [drops, req, removed];
  }
}

const IPS = [1, 2, 0x80000000, 0xffffffff];
const IFS = [0, 1, 7];
const MACS: [number, number][] = [
  [0x0200, 1],
  [0x0200, 0xfffffffe],
  [0xffff, 0x80000000],
];
type AOp =
  | { op: 'packet'; k: number; dt: number }
  | { op: 'confirm'; k: number; mac: number; reachable: boolean; dt: number }
  | { op: 'static'; k: number; mac: number; published: boolean }
  | { op: 'remove'; k: number }
  | { op: 'expire'; dt: number }
  | { op: 'expireAtDeadline' }
  | { op: 'retime'; which: number };

const timeoutsArb = fc.record({
  reachable: fc.constantFrom(0, 0.5, 2, 30),
  retransmit: fc.constantFrom(0.5, 1),
  maxRequests: fc.integer({ min: 1, max: 3 }),
  delayFirstProbe: fc.constantFrom(0, 1, 5),
  maxProbes: fc.integer({ min: 1, max: 3 }),
  staleTime: fc.constantFrom(0, 3, 60),
  failedHold: fc.constantFrom(0, 2, 15),
});
const adt = fc.oneof(fc.constantFrom(0, 0.5, 1, 3, 5, 30), fc.double({ min: 0, max: 2, noNaN: true }));
const akey = fc.integer({ min: 0, max: IPS.length * IFS.length - 1 });
const aopArb: fc.Arbitrary<AOp> = fc.oneof(
  { weight: 6, arbitrary: fc.record({ op: fc.constant('packet' as const), k: akey, dt: adt }) },
  { weight: 4, arbitrary: fc.record({ op: fc.constant('confirm' as const), k: akey, mac: fc.integer({ min: 0, max: 2 }), reachable: fc.boolean(), dt: adt }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('static' as const), k: akey, mac: fc.integer({ min: 0, max: 2 }), published: fc.boolean() }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('remove' as const), k: akey }) },
  { weight: 4, arbitrary: fc.record({ op: fc.constant('expire' as const), dt: adt }) },
  { weight: 2, arbitrary: fc.constant({ op: 'expireAtDeadline' as const }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('retime' as const), which: fc.integer({ min: 0, max: 1 }) }) },
);

test('property: random packet/confirm/static/remove/expire sequences agree with the reference model (1000 sequences)', () => {
  fc.assert(
    fc.property(
      fc.integer({ min: 1, max: 6 }),
      fc.integer({ min: 0, max: 3 }),
      fc.integer(),
      fc.tuple(timeoutsArb, timeoutsArb),
      fc.array(aopArb, { minLength: 1, maxLength: 60 }),
      (maxEntries, queueLen, seed, tos, ops) => {
        const arp = new ArpTable({ maxEntries, queueLen, seed });
        const model = new Model(maxEntries, queueLen);
        const ev = new ArpEvents(256);
        const out = new Uint32Array(4);
        let t = tos[0];
        let now = 50;
        let slot = 0;
        const keyOf = (k: number): [number, number] => [IPS[k % IPS.length]!, IFS[Math.floor(k / IPS.length)]!];
        const expireBoth = (): void => {
          const removed = arp.expire(now, t, ev);
          const [mDrops, mReq, mRemoved] = model.expire(now, t);
          expect(removed).toBe(mRemoved);
          expect(drops(ev).sort((a, b) => a - b)).toEqual(mDrops.sort((a, b) => a - b));
          expect(requests(ev).map((e) => `${arp.ip(e)}/${arp.ifIndex(e)}`).sort()).toEqual(mReq.sort());
        };
        for (const o of ops) {
          switch (o.op) {
            case 'packet': {
              now += o.dt;
              const [ip, ifx] = keyOf(o.k);
              const s = slot++;
              const want = model.packet(ip, ifx, s, now);
              let got: string;
              let e = arp.lookup(ip, ifx);
              if (e < 0 || arp.state(e) === S.FAILED) e = arp.resolveStart(ip, ifx, now);
              if (e < 0) got = 'full';
              else if (arp.state(e) === S.INCOMPLETE) {
                const d = arp.enqueue(e, s);
                got = d < 0 ? `drop ${s}` : d === 0 ? 'queued' : `drop ${arp.pushed[0]}`;
                expect(d).toBeLessThanOrEqual(1);
              } else {
                expect(arp.complete(e)).toBe(true);
                arp.use(e, now);
                got = 'sent';
              }
              expect(got).toBe(want);
              break;
            }
            case 'confirm': {
              now += o.dt;
              const [ip, ifx] = keyOf(o.k);
              const [hi, lo] = MACS[o.mac]!;
              const want = model.confirm(ip, ifx, hi, lo, now, o.reachable);
              const n = arp.confirm(ip, ifx, hi, lo, now, out, o.reachable);
              if (want === null) expect(arp.lastEntry).toBe(-1);
              else expect(Array.from(out.subarray(0, n))).toEqual(want);
              break;
            }
            case 'static': {
              const [ip, ifx] = keyOf(o.k);
              const [hi, lo] = MACS[o.mac]!;
              const ok = model.addStatic(ip, ifx, hi, lo, o.published, now);
              const e = arp.addStatic(ip, ifx, hi, lo, o.published, now);
              expect(e >= 0).toBe(ok);
              if (ok) {
                const q = model.get(ip, ifx)!.queue;
                model.get(ip, ifx)!.queue = [];
                const n = arp.takeQueued(e, out);
                expect(Array.from(out.subarray(0, n))).toEqual(q);
              }
              break;
            }
            case 'remove': {
              const [ip, ifx] = keyOf(o.k);
              const me = model.get(ip, ifx);
              model.m.delete(`${ip}/${ifx}`);
              const n = arp.remove(ip, ifx, out);
              if (!me) expect(n).toBe(-1);
              else expect(Array.from(out.subarray(0, n))).toEqual(me.queue);
              break;
            }
            case 'expire':
              now += o.dt;
              expireBoth();
              break;
            case 'expireAtDeadline':
              if (arp.nextDeadline > now && arp.nextDeadline < Infinity) now = arp.nextDeadline;
              expireBoth();
              break;
            case 'retime':
              t = tos[o.which]!;
              break;
          }
          // compare every key (plain compares: expect() per field is slow at this volume)
          const bad: string[] = [];
          if (arp.size !== model.m.size) bad.push(`size ${arp.size} != ${model.m.size}`);
          for (let k = 0; k < IPS.length * IFS.length; k++) {
            const [ip, ifx] = keyOf(k);
            const me = model.get(ip, ifx);
            const e = arp.lookup(ip, ifx);
            if (!me) {
              if (e >= 0) bad.push(`${ip}/${ifx}: unexpected entry`);
              continue;
            }
            if (e < 0) {
              bad.push(`${ip}/${ifx}: missing`);
              continue;
            }
            const got = [arp.state(e), arp.probes(e), arp.queued(e), arp.published(e), arp.confirmedAt(e), arp.updatedAt(e), arp.usedAt(e)];
            const want = [me.state, me.probes, me.queue.length, me.published, me.confirmed, me.updated, me.used];
            if (COMPLETE.has(me.state)) {
              got.push(arp.macHi(e), arp.macLo(e));
              want.push(me.hi, me.lo);
            }
            if (JSON.stringify(got) !== JSON.stringify(want)) bad.push(`${ip}/${ifx}: ${JSON.stringify(got)} != ${JSON.stringify(want)}`);
          }
          expect(bad).toEqual([]);
        }
      },
    ),
    { numRuns: 1000 },
  );
});
