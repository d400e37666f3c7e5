/**
 * Per-rule, per-flow state of two stateful matchers (one instance per rule that uses it, in FwState):
 *
 * - `dst-limit=rate[/time],burst,mode[/expire]` (DstLimit): a token bucket per flow, the flow keyed by the
 *   mode's fields (src-address, dst-address, src-and-dst-addresses, dst-address-and-port,
 *   addresses-and-dst-port). Linux xt_hashlimit `--hashlimit-upto` semantics: a new flow's bucket starts full
 *   (`burst` tokens), refills at `rate` per second up to `burst`, a packet takes one token and matches while
 *   one is there. An entry not seen for `expire` seconds is forgotten (its flow starts full again). The
 *   default expire when the rule gives none is UNCONFIRMED for RouterOS; Linux's 10 s is used. A full table
 *   evicts an expired entry found in a short scan, else the scanned-over entry (bounded work per packet).
 *
 * - `psd=WeightThreshold,DelayThreshold,LowPortWeight,HighPortWeight` (Psd): port-scan detection as Linux
 *   xt_psd (xtables-addons, from scanlogd). Per source address it remembers the destination ports hit (up to
 *   SCAN_MAX_COUNT = 21) and a total weight: each new port adds LowPortWeight (port < 1024) or HighPortWeight.
 *   A new port within DelayThreshold of the previous new port adds weight and restarts the timer; once the
 *   weight reaches WeightThreshold the packet matches, and so does every later packet to a new port while
 *   the source keeps scanning. Packets to ports already seen never match; a TCP ACK or RST to a new port does
 *   not count (likely an outgoing connection's answer); an entry older than the delay is started afresh; a
 *   source is only created by a packet that is not a TCP ACK. At most LIST_SIZE = 256 sources are tracked,
 *   replaced round robin as xt_psd does. Only TCP and UDP are looked at; source 0.0.0.0 never matches.
 *   xt_psd keeps one state for all rules; flowplane keeps one per rule (RouterOS's choice is UNCONFIRMED).
 */
import { KeyTable } from './key-table';

/** Entries each dst-limit rule keeps (Linux hashlimit's default htable-max for a 1024-bucket table is 8192). */
export const DST_LIMIT_MAX = 8192;
const EVICT_SCAN = 16;

export class DstLimit {
  readonly keys: KeyTable;
  readonly tokens: Float64Array;
  readonly last: Float64Array;
  /** A shared table's spin lock (workers of one router take turns: shared-rules.ts); null when not shared. */
  private readonly lock: Int32Array | null;
  private cursor = 0;
  /** Entries evicted because the table was full (by this thread). */
  evicted = 0;

  /** Bytes of a shared table of `max` entries: lock word (padded), tokens, last, the key table. */
  static bytes(max = DST_LIMIT_MAX): number {
    return 16 + 16 * max + KeyTable.bytes(max);
  }

  /** A table every worker of a router shares (made once, by the thread that owns the workers). */
  static sharedBuffer(max = DST_LIMIT_MAX): SharedArrayBuffer {
    const sab = new SharedArrayBuffer(DstLimit.bytes(max));
    new DstLimit(max, { sab, init: true });
    return sab;
  }

  constructor(max = DST_LIMIT_MAX, shared?: { sab: SharedArrayBuffer; init: boolean }) {
    if (shared === undefined) {
      this.keys = new KeyTable(max);
      this.tokens = new Float64Array(max);
      this.last = new Float64Array(max);
      this.lock = null;
    } else {
      this.lock = new Int32Array(shared.sab, 0, 1);
      this.tokens = new Float64Array(shared.sab, 16, max);
      this.last = new Float64Array(shared.sab, 16 + 8 * max, max);
      this.keys = KeyTable.shared(max, shared.sab, 16 + 16 * max, shared.init);
    }
  }

  /** One packet of flow (a, b, c) at `now`: true while the flow is under its rate (a token was taken). */
  take(a: number, b: number, c: number, now: number, rate: number, burst: number, expire: number): boolean {
    const lock = this.lock;
    if (lock === null) return this.take0(a, b, c, now, rate, burst, expire);
    while (Atomics.compareExchange(lock, 0, 0, 1) !== 0);
    const ok = this.take0(a, b, c, now, rate, burst, expire);
    Atomics.store(lock, 0, 0);
    return ok;
  }

  private take0(a: number, b: number, c: number, now: number, rate: number, burst: number, expire: number): boolean {
    const k = this.keys;
    let id = k.find(a, b, c);
    let tokens: number;
    if (id >= 0 && now - this.last[id]! < expire) {
      // (workers' clocks are read at slightly different moments: never refill backwards)
      const since = now - this.last[id]!;
      tokens = Math.min(burst, this.tokens[id]! + (since > 0 ? since : 0) * rate);
      if (since > 0) this.last[id] = now;
    } else {
      if (id < 0) {
        id = k.insert(a, b, c);
        if (id < 0) {
          this.evict(now, expire);
          id = k.insert(a, b, c);
          if (id < 0) return false;
        }
      }
      tokens = burst;
      this.last[id] = now;
    }
    if (tokens >= 1) {
      this.tokens[id] = tokens - 1;
      return true;
    }
    this.tokens[id] = tokens;
    return false;
  }

  private evict(now: number, expire: number): void {
    const k = this.keys;
    const max = k.max;
    let c = this.cursor;
    let victim = -1;
    for (let s = 0; s < EVICT_SCAN; s++) {
      if (k.live(c)) {
        if (victim < 0) victim = c;
        if (now - this.last[c]! >= expire) {
          victim = c;
          break;
        }
      }
      c = c + 1 === max ? 0 : c + 1;
    }
    this.cursor = c;
    if (victim < 0) {
      // Nothing live in the scanned stretch cannot happen when the table is full; be safe.
      for (let i = 0; i < max; i++) if (k.live(i)) return this.drop(i);
      return;
    }
    this.drop(victim);
  }

  private drop(id: number): void {
    this.keys.remove(id);
    this.evicted++;
  }
}

/** xt_psd constants. */
export const PSD_SCAN_MAX_COUNT = 21;
export const PSD_LIST_SIZE = 256;

export class Psd {
  readonly keys = new KeyTable(PSD_LIST_SIZE);
  /** Per source: time of the last new port, total weight, ports remembered, and the ports. */
  readonly timestamp = new Float64Array(PSD_LIST_SIZE);
  readonly weight = new Int32Array(PSD_LIST_SIZE);
  readonly count = new Int32Array(PSD_LIST_SIZE);
  readonly ports = new Int32Array(PSD_LIST_SIZE * PSD_SCAN_MAX_COUNT);
  /** Round-robin replacement cursor (xt_psd `state.index`). */
  private next = 0;

  /**
   * One packet: source `src` (unsigned bits), protocol, destination port, TCP flags. Returns true when it
   * belongs to a detected scan. `weightThreshold` etc. are the rule's parameters (delay in seconds).
   */
  seen(src: number, proto: number, dport: number, tcpFlags: number, now: number, weightThreshold: number, delay: number, lo: number, hi: number): boolean {
    if (src === 0 || (proto !== 6 && proto !== 17) || dport < 0) return false;
    const ackOrRst = proto === 6 && (tcpFlags & 0x14) !== 0;
    const k = this.keys;
    const key = src | 0;
    let id = k.find(key, 0, 0);
    if (id >= 0) {
      if (now - this.timestamp[id]! <= delay && now >= this.timestamp[id]!) {
        const base = id * PSD_SCAN_MAX_COUNT;
        const n = this.count[id]!;
        for (let i = 0; i < n; i++) if (this.ports[base + i] === dport) return false;
        if (ackOrRst) return false;
        this.timestamp[id] = now;
        if (this.weight[id]! >= weightThreshold) return true;
        this.weight[id] = this.weight[id]! + (dport < 1024 ? lo : hi);
        if (this.weight[id]! >= weightThreshold) return true;
        if (n < PSD_SCAN_MAX_COUNT) {
          this.ports[base + n] = dport;
          this.count[id] = n + 1;
        }
        return false;
      }
      // Known but outdated: forget it and start a new entry.
      k.remove(id);
    }
    if (proto === 6 && (tcpFlags & 0x10) !== 0) return false;
    if (k.size >= PSD_LIST_SIZE) {
      // Replace round robin (xt_psd reuses its list circularly).
      for (let s = 0; s < PSD_LIST_SIZE && !k.live(this.next); s++) this.next = (this.next + 1) % PSD_LIST_SIZE;
      k.remove(this.next);
      this.next = (this.next + 1) % PSD_LIST_SIZE;
    }
    id = k.insert(key, 0, 0);
    if (id < 0) return false;
    this.timestamp[id] = now;
    this.weight[id] = dport < 1024 ? lo : hi;
    this.count[id] = 1;
    this.ports[id * PSD_SCAN_MAX_COUNT] = dport;
    return false;
  }
}
