/**
 * Expectations: connections a helper announced (Linux nf_conntrack_expect). The FTP helper (ftp.ts) reads
 * `PORT`/`227` and the like on a control connection and expects a data connection `src -> dst:dport` (any
 * source port, TCP); the first new connection that fits is `related` (connection-state=related), takes the
 * control connection as its master (`/ip firewall connection` shows it with the master's helper) and uses the
 * expectation up. When the control connection is NATed the expectation also says how to NAT the data
 * connection (Linux nf_nat_follow_master): source to `natSrc`, destination to `natDst:natPort`.
 *
 * Bounds (Linux's FTP expect policy): one expectation per master (a newer one replaces it), 5 minutes to
 * live, `EXPECT_MAX` in all (the oldest is dropped). Typed arrays, no object per expectation; finding one
 * scans the live expectations (there are few: one per FTP control connection with a transfer announced and
 * not started), and costs nothing when there are none.
 */
import type { ConnTable } from './table';

export const EXPECT_MAX = 256;
/** Linux nf_conntrack_ftp exp_policy timeout: 5 minutes. */
export const FTP_EXPECT_TIMEOUT = 300;

export class Expectations {
  readonly src = new Int32Array(EXPECT_MAX);
  readonly dst = new Int32Array(EXPECT_MAX);
  readonly dport = new Uint16Array(EXPECT_MAX);
  readonly proto = new Uint8Array(EXPECT_MAX);
  /** Master entry id and its creation time (an id reused by another connection is not the master). */
  readonly master = new Int32Array(EXPECT_MAX);
  readonly masterCreated = new Float64Array(EXPECT_MAX);
  readonly expires = new Float64Array(EXPECT_MAX);
  /** 1: NAT the data connection (natSrc, natDst:natPort). */
  readonly nat = new Uint8Array(EXPECT_MAX);
  readonly natSrc = new Int32Array(EXPECT_MAX);
  readonly natDst = new Int32Array(EXPECT_MAX);
  readonly natPort = new Uint16Array(EXPECT_MAX);
  readonly live = new Uint8Array(EXPECT_MAX);
  count = 0;
  /** Expectations created, used by a connection, and dropped (replaced, expired, table full). */
  created = 0;
  used = 0;

  /** Is there a live expectation for exactly this (src, dst, dport, proto)? */
  has(src: number, dst: number, dport: number, proto: number, now: number): boolean {
    for (let i = 0; i < EXPECT_MAX && this.count > 0; i++) {
      if (this.live[i] && this.expires[i]! > now && this.src[i] === src && this.dst[i] === dst && this.dport[i] === dport && this.proto[i] === proto) return true;
    }
    return false;
  }

  /** Add an expectation for master `master` (replacing its earlier one). Returns its index. */
  add(ct: ConnTable, master: number, src: number, dst: number, dport: number, proto: number, now: number, timeout: number): number {
    let free = -1;
    let oldest = 0;
    for (let i = 0; i < EXPECT_MAX; i++) {
      if (this.live[i] && (this.expires[i]! <= now || (this.master[i] === master && this.masterCreated[i] === ct.created[master]))) this.kill(i);
      if (!this.live[i] && free < 0) free = i;
      if (this.expires[i]! < this.expires[oldest]!) oldest = i;
    }
    if (free < 0) {
      this.kill(oldest);
      free = oldest;
    }
    const i = free;
    this.live[i] = 1;
    this.count++;
    this.created++;
    this.src[i] = src;
    this.dst[i] = dst;
    this.dport[i] = dport;
    this.proto[i] = proto;
    this.master[i] = master;
    this.masterCreated[i] = ct.created[master]!;
    this.expires[i] = now + timeout;
    this.nat[i] = 0;
    return i;
  }

  /**
   * The expectation a new connection `src:any -> dst:dport` (proto) fulfils, or -1. A match is used up (the
   * caller reads its fields first: they stay until the slot is reused).
   */
  take(ct: ConnTable, src: number, dst: number, dport: number, proto: number, now: number): number {
    if (this.count === 0) return -1;
    for (let i = 0; i < EXPECT_MAX; i++) {
      if (!this.live[i]) continue;
      if (this.expires[i]! <= now || !ct.live(this.master[i]!) || ct.created[this.master[i]!] !== this.masterCreated[i]) {
        this.kill(i);
        continue;
      }
      if (this.src[i] === src && this.dst[i] === dst && this.dport[i] === dport && this.proto[i] === proto) {
        this.kill(i);
        this.used++;
        return i;
      }
    }
    return -1;
  }

  private kill(i: number): void {
    if (!this.live[i]) return;
    this.live[i] = 0;
    this.count--;
  }
}
