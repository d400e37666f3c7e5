/**
 * Per-connection state of the firewall's connection matchers, kept in the ConnTable's matcher columns
 * (conntrack/table.ts, the block "for the firewall's connection matchers") and here:
 *
 * - connection-rate: `updateRate` is called by the hooks for every packet of a tracked connection when a
 *   table uses the matcher (before the rule walk; idempotent for one packet). Windows are the whole seconds of
 *   the router clock; the rate is the connection's bytes (both directions, IP headers counted, as
 *   connection-bytes) counted in the last complete second, times 8 — no averaging, as the manual says. A
 *   connection younger than one whole second, or silent during the last one, has rate 0. Which second RouterOS
 *   reports (the last complete one or the running one) is UNCONFIRMED.
 *
 * - connection-limit=count,prefixlen: connections per source block. Counts are kept per (prefix length,
 *   masked original source) for the prefix lengths the configuration's rules use, raised when a connection is
 *   confirmed and lowered when it is freed, so a match is one hash lookup, never a scan. The packet's own
 *   connection counts too (Linux xt_connlimit adds it before comparing): unconfirmed ones add 1. The rule
 *   matches when the count exceeds `count`. Difference from Linux: xt_connlimit skips TCP connections already
 *   in TIME_WAIT/CLOSE; flowplane counts every entry until it leaves the table (at most the close timeouts).
 *
 * - layer7-protocol: as Linux l7-filter, which RouterOS's matcher follows: the payloads of a connection's first
 *   packets (both directions, up to the 10th packet of the connection or 2048 bytes) are collected — NUL bytes
 *   dropped, ASCII lower-cased — into a buffer from a bounded pool, and every configured pattern not yet found
 *   is tried against the buffer after each append. A found pattern sticks to the connection; when inspection
 *   ends the buffer goes back to the pool and unfound patterns never match. The patterns are POSIX regular
 *   expressions run by JavaScript's RegExp (case-insensitive, `.` matches newlines; `[[:class:]]` names are
 *   translated) on a latin1 string of the buffer: the one place the firewall makes strings per packet, bounded
 *   by 10 per connection and only while a layer7 rule exists. A connection that finds the pool exhausted is
 *   not inspected (counted in `l7NoBuffer`).
 */
import { CtStatus, type ConnListener, type ConnTable } from '../conntrack/table';
import { KeyTable } from './key-table';

export const L7_MAX_PACKETS = 10;
export const L7_MAX_BYTES = 2048;
/** Payload buffers in the pool (2 KB each). */
export const L7_BUFFERS = 1024;

/** Translate a POSIX regexp (l7-filter's dialect) to a JavaScript RegExp; throws on a bad pattern. */
export function l7RegExp(posix: string): RegExp {
  const classes: Record<string, string> = {
    alpha: 'a-zA-Z',
    digit: '0-9',
    alnum: 'a-zA-Z0-9',
    upper: 'A-Z',
    lower: 'a-z',
    space: ' \\t\\n\\r\\f\\v',
    blank: ' \\t',
    punct: '!-\\/:-@\\[-`{-~',
    xdigit: '0-9A-Fa-f',
    cntrl: '\\x00-\\x1f\\x7f',
    print: '\\x20-\\x7e',
    graph: '\\x21-\\x7e',
  };
  const src = posix.replace(/\[:([a-z]+):\]/g, (m, name: string) => classes[name] ?? m);
  return new RegExp(src, 'is');
}

export class ConnExtra implements ConnListener {
  /** connection-limit: prefix lengths used, and counts per (length, masked source). */
  readonly limitLens: Uint8Array;
  readonly limitKeys: KeyTable | null;
  readonly limitCount: Int32Array;
  /** layer7: the patterns, the buffer pool. */
  readonly l7: readonly RegExp[];
  readonly l7Bytes: Uint8Array;
  readonly l7Len: Int32Array;
  private readonly l7Free: Int32Array;
  private l7FreeTop: number;
  l7NoBuffer = 0;

  constructor(
    readonly ct: ConnTable,
    limitLens: readonly number[],
    l7: readonly RegExp[],
    buffers = L7_BUFFERS,
  ) {
    this.limitLens = Uint8Array.from(new Set(limitLens));
    const max = this.limitLens.length === 0 ? 0 : Math.min(ct.maxEntries * this.limitLens.length, 1 << 22);
    this.limitKeys = max > 0 ? new KeyTable(max) : null;
    this.limitCount = new Int32Array(max);
    this.l7 = l7;
    const nb = l7.length > 0 ? buffers : 0;
    this.l7Bytes = new Uint8Array(nb * L7_MAX_BYTES);
    this.l7Len = new Int32Array(nb);
    this.l7Free = new Int32Array(nb);
    for (let i = 0; i < nb; i++) this.l7Free[i] = nb - 1 - i;
    this.l7FreeTop = nb;
  }

  // ---- ConnListener ----

  confirmed(id: number): void {
    const k = this.limitKeys;
    if (k === null) return;
    const src = this.ct.tup[id * 8]!;
    const lens = this.limitLens;
    for (let i = 0; i < lens.length; i++) {
      const len = lens[i]!;
      const net = len === 0 ? 0 : src & (-1 << (32 - len));
      let e = k.find(net, len, 0);
      if (e < 0) {
        e = k.insert(net, len, 0);
        if (e < 0) continue;
        this.limitCount[e] = 0;
      }
      this.limitCount[e] = this.limitCount[e]! + 1;
    }
  }

  freed(id: number, confirmed: boolean): void {
    const ct = this.ct;
    const b = ct.l7Buf[id]!;
    if (b >= 0) {
      ct.l7Buf[id] = -1;
      this.l7Free[this.l7FreeTop++] = b;
    }
    const k = this.limitKeys;
    if (!confirmed || k === null) return;
    const src = ct.tup[id * 8]!;
    const lens = this.limitLens;
    for (let i = 0; i < lens.length; i++) {
      const len = lens[i]!;
      const net = len === 0 ? 0 : src & (-1 << (32 - len));
      const e = k.find(net, len, 0);
      if (e < 0) continue;
      const c = this.limitCount[e]! - 1;
      if (c <= 0) k.remove(e);
      else this.limitCount[e] = c;
    }
  }

  /** Connections from the block of `src` (int32 bits) with prefix length `len`, plus 1 for an unconfirmed `ref`. */
  connections(src: number, len: number, ref: number): number {
    const k = this.limitKeys;
    let n = 0;
    if (k !== null) {
      const net = len === 0 ? 0 : src & (-1 << (32 - len));
      const e = k.find(net, len, 0);
      if (e >= 0) n = this.limitCount[e]!;
    }
    if (ref < 0 || (this.ct.status[ref >> 1]! & CtStatus.CONFIRMED) === 0) n++;
    return n;
  }

  /** connection-rate bookkeeping for one packet of connection `id` (`bytes`: its IP length) at `now`. */
  updateRate(id: number, bytes: number, now: number): void {
    const ct = this.ct;
    const sec = Math.floor(now);
    const start = ct.rateSec[id]!;
    if (sec === start) return;
    const total = ct.bytes[id * 2]! + ct.bytes[id * 2 + 1]!;
    // Bytes before this packet (conntrack counted it already).
    const before = total - bytes;
    if (start >= 0) ct.rateBits[id] = sec === start + 1 ? (before - ct.rateBase[id]!) * 8 : 0;
    ct.rateSec[id] = sec;
    ct.rateBase[id] = before;
  }

  /** The connection's rate in bits per second at `now` (0 when the last whole second saw nothing). */
  rate(id: number, now: number): number {
    const ct = this.ct;
    const start = ct.rateSec[id]!;
    const sec = Math.floor(now);
    if (start < 0 || sec > start + 1) return 0;
    if (sec === start + 1) return (ct.bytes[id * 2]! + ct.bytes[id * 2 + 1]! - ct.rateBase[id]!) * 8;
    return ct.rateBits[id]!;
  }

  /**
   * layer7 bookkeeping for one packet of connection `id`: append its payload (`b[at, at + len)`) while the
   * connection is still inspected, then try the patterns not found yet.
   */
  updateL7(id: number, b: Uint8Array, at: number, len: number): void {
    const ct = this.ct;
    if (ct.l7Done[id] !== 0 || this.l7.length === 0) return;
    const pkts = ct.packets[id * 2]! + ct.packets[id * 2 + 1]!;
    if (pkts === ct.l7Seen[id]) return;
    ct.l7Seen[id] = pkts;
    if (pkts > L7_MAX_PACKETS) return this.endL7(id);
    let buf = ct.l7Buf[id]!;
    if (buf < 0) {
      if (this.l7FreeTop === 0) {
        this.l7NoBuffer++;
        ct.l7Done[id] = 1;
        return;
      }
      buf = this.l7Free[--this.l7FreeTop]!;
      ct.l7Buf[id] = buf;
      this.l7Len[buf] = 0;
    }
    if (len <= 0 || at < 0) return;
    const base = buf * L7_MAX_BYTES;
    const out = this.l7Bytes;
    let n = this.l7Len[buf]!;
    const start = n;
    for (let i = 0; i < len && n < L7_MAX_BYTES; i++) {
      const c = b[at + i]!;
      if (c === 0) continue;
      out[base + n++] = c >= 0x41 && c <= 0x5a ? c | 0x20 : c;
    }
    this.l7Len[buf] = n;
    if (n > start) {
      const text = Buffer.from(out.buffer, out.byteOffset + base, n).toString('latin1');
      let m = ct.l7Match[id]!;
      for (let p = 0; p < this.l7.length; p++) if ((m & (1 << p)) === 0 && this.l7[p]!.test(text)) m |= 1 << p;
      ct.l7Match[id] = m;
    }
    if (n >= L7_MAX_BYTES) this.endL7(id);
  }

  private endL7(id: number): void {
    const ct = this.ct;
    ct.l7Done[id] = 1;
    const b = ct.l7Buf[id]!;
    if (b >= 0) {
      ct.l7Buf[id] = -1;
      this.l7Free[this.l7FreeTop++] = b;
    }
  }
}
