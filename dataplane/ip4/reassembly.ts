/**
 * IPv4 reassembly for stages that need whole datagrams (local delivery, connection tracking), following
 * Linux net/ipv4/ip_fragment.c and inet_fragment.c (RouterOS documents nothing here: Linux-derived, and
 * the 30 s timeout is Linux's `ipfrag_time`, UNCONFIRMED for RouterOS).
 *
 * A datagram is identified by (source, destination, identification, protocol). Its fragments stay in
 * their own slots until the last missing one arrives; the datagram is then assembled in the slot of the
 * offset-0 fragment (its link and IP header are kept) and the other slots are freed.
 *
 * Linux's rules, in the order ip_frag_queue applies them:
 * - end = offset + data length. A non-last fragment (MF) is cut to a multiple of 8 bytes.
 * - A last fragment (MF clear) that ends before data already seen, or a second last fragment with another
 *   end, discards the whole datagram; so does a non-last fragment reaching past a known end, and an empty
 *   fragment (`reassembly-invalid`, Linux IPSTATS_MIB_REASMFAILS).
 * - A fragment lying wholly inside one "run" of data already held is a duplicate: it alone is dropped
 *   (`reassembly-duplicate`) and the datagram goes on (Linux IPFRAG_DUP). A run is what Linux's rbtree
 *   keeps as one: fragments appended in order right after the highest one so far; a fragment filling a
 *   hole earlier starts a run of its own.
 * - Any other overlap discards the whole datagram (`reassembly-overlap`; Linux since 4.19/2018, "ip:
 *   discard IPv4 datagrams with overlapping segments", the IPv4 twin of RFC 5722).
 * - Complete when the first and last fragments are in and the data adds up to the end. A datagram whose
 *   header + data exceeds 65535 bytes, or whose ECN code points mix not-ECT with ECT/CE, is discarded
 *   (`reassembly-invalid`); one that does not fit the first fragment's slot is discarded as
 *   `reassembly-too-large` (slots have a fixed size: use a pool with 65536+ byte slots to reassemble
 *   anything; Linux has no such limit).
 * - The reassembled header is the first fragment's (its options included) with the total length set,
 *   the fragment word 0 — or DF when the largest fragments all carried DF (Linux IPSKB_FRAG_PMTU) —, CE
 *   added to the TOS when a fragment carried CE, and the checksum recomputed. The packet takes the
 *   input port and timestamp of the fragment that completed it (Linux: the last skb's dev and tstamp) and
 *   the marks of the first fragment; parseFrame then classifies it again (`meta.drop` tells if its L4
 *   is malformed).
 * - Timeout: `timeoutSec` (30) after the datagram's first fragment arrived, never refreshed (Linux arms
 *   the timer once). `expire()` discards timed-out datagrams and can hand back their offset-0 fragments
 *   so the caller can send ICMP 11/1 (Linux ip_expire sends it only when the first fragment arrived, and
 *   not for conntrack defragmentation of forwarded traffic).
 * - Limits: when the memory held (one slot size per fragment, Linux's skb truesize) is above `memLimit`
 *   (Linux ipfrag_high_thresh, 4 MiB), every new fragment is refused (`reassembly-table-full`) until
 *   timeouts free memory, as Linux's inet_frag_find does; so is one that would need a queue beyond
 *   `maxQueues` or a fragment record beyond `maxFrags` (flowplane's fixed tables).
 * Not modelled: Linux's ipfrag_max_dist disorder check (per-source counters), the defrag "user"/zone and
 * VRF in the key.
 *
 * Results of `add`: the slot of a whole datagram (the input slot itself when it was not a fragment),
 * `REASM_HELD` (the reassembler keeps the slot), or `REASM_DROP` (the caller still owns the input slot and
 * drops it; the reason is in `meta.drop[slot]`). Fragments the reassembler itself discards (the rest of
 * a discarded or timed-out datagram) are freed to the pool and counted in `drops[code]`.
 *
 * Everything lives in typed arrays: a queue table (open addressing, backward-shift deletion), fragment
 * records in offset order per queue, and a FIFO of queues by deadline. `add` allocates nothing.
 */
import type { PacketPool } from '../buf/pool';
import { DROP_COUNT, Drop } from '../drop';
import { ipv4FillChecksum } from '../wire/checksum';
import { parseFrame } from '../wire/parse';

/** `add` kept the fragment. */
export const REASM_HELD = -1;
/** `add` refused the input slot: the caller drops it, reason in `meta.drop[slot]`. */
export const REASM_DROP = -2;

export interface ReassemblyOptions {
  /** Seconds a datagram may take to complete (Linux `net.ipv4.ipfrag_time`, 30). */
  timeoutSec?: number;
  /** Bytes of slots held before fragments are refused (Linux `ipfrag_high_thresh`, 4 MiB). */
  memLimit?: number;
  /** Datagrams in reassembly at once (default 1024). */
  maxQueues?: number;
  /** Fragments held at once (default 4096). */
  maxFrags?: number;
}

const FIRST_IN = 1;
const LAST_IN = 2;

/**
 * Linux ip_frag_ecn_table, indexed by the OR of 1 << (tos & 3) over the fragments (NOT_ECT 1, ECT_1 2,
 * ECT_0 4, CE 8): CE with ECT_0/ECT_1 -> CE (3) is added to the TOS; not-ECT mixed with any other -> 0xff,
 * the datagram is discarded; everything else adds nothing.
 */
const ECN_TABLE = new Uint8Array(16);
for (let i = 0; i < 16; i++) {
  if ((i & 1) !== 0 && (i & 14) !== 0) ECN_TABLE[i] = 0xff;
  else if ((i & 8) !== 0 && (i & 6) !== 0) ECN_TABLE[i] = 3;
}

export class Ipv4Reassembly {
  readonly timeoutSec: number;
  readonly memLimit: number;
  readonly maxQueues: number;
  readonly maxFrags: number;

  /**
   * Told about every slot the reassembler frees itself, just before it is freed: `code` 0 (Drop.NONE) for a
   * fragment whose data went into a reassembled datagram, else the drop reason (the rest of a discarded or
   * timed-out datagram; `clear` passes 0 too). Set it once (a stage's bound method), never per packet:
   * the packet flow uses it to report those fragments' fates.
   */
  onRelease: ((slot: number, code: number) => void) | null = null;

  /** Fragments offered to `add` (Linux ReasmReqds). */
  fragments = 0;
  /** Datagrams reassembled (ReasmOKs). */
  reassembled = 0;
  /** Datagrams discarded as timed out (ReasmTimeout). */
  timeouts = 0;
  /** Slots freed by the reassembler itself, per drop reason (the caller counts what `add` returns). */
  readonly drops: Float64Array;
  /** Bytes held (one slot size per fragment). */
  memUsed = 0;
  /** Fragments held. */
  held = 0;
  /** Datagrams in progress. */
  queues = 0;
  /**
   * Largest fragment (IP bytes) of the datagram `add` last returned reassembled (Linux frag_max_size):
   * a forwarding path that reassembled for conntrack refragments to this size, as Linux does.
   */
  lastMaxFragSize = 0;

  // queue columns
  private readonly qSrc: Uint32Array;
  private readonly qDst: Uint32Array;
  private readonly qId: Uint16Array;
  private readonly qProto: Uint8Array;
  private readonly qHome: Int32Array;
  private readonly qHead: Int32Array; // first fragment record (lowest offset)
  private readonly qTail: Int32Array; // record with the highest end (Linux fragments_tail)
  private readonly qLastRun: Int32Array; // Linux last_run_head
  private readonly qLen: Int32Array; // Linux q.len: the known or assumed end
  private readonly qMeat: Int32Array;
  private readonly qFlags: Uint8Array;
  private readonly qEcn: Uint8Array;
  private readonly qMaxSize: Int32Array;
  private readonly qMaxDf: Int32Array;
  private readonly qDeadSec: Float64Array;
  private readonly qDeadNsec: Uint32Array;
  private readonly qPrev: Int32Array;
  private readonly qNext: Int32Array;
  private readonly qFree: Int32Array;
  private qFreeTop: number;
  private fifoHead = -1;
  private fifoTail = -1;
  private readonly table: Int32Array;
  private readonly tmask: number;
  // fragment records
  private readonly fSlot: Int32Array;
  private readonly fOff: Int32Array;
  private readonly fEnd: Int32Array;
  private readonly fNext: Int32Array;
  private readonly fRunEnd: Int32Array; // end of the run this record heads, -1 when it heads none
  private readonly fFree: Int32Array;
  private fFreeTop: number;

  constructor(o: ReassemblyOptions = {}) {
    this.timeoutSec = o.timeoutSec ?? 30;
    this.memLimit = o.memLimit ?? 4 * 1024 * 1024;
    this.maxQueues = Math.max(1, Math.floor(o.maxQueues ?? 1024));
    this.maxFrags = Math.max(1, Math.floor(o.maxFrags ?? 4096));
    const nq = this.maxQueues;
    this.qSrc = new Uint32Array(nq);
    this.qDst = new Uint32Array(nq);
    this.qId = new Uint16Array(nq);
    this.qProto = new Uint8Array(nq);
    this.qHome = new Int32Array(nq);
    this.qHead = new Int32Array(nq);
    this.qTail = new Int32Array(nq);
    this.qLastRun = new Int32Array(nq);
    this.qLen = new Int32Array(nq);
    this.qMeat = new Int32Array(nq);
    this.qFlags = new Uint8Array(nq);
    this.qEcn = new Uint8Array(nq);
    this.qMaxSize = new Int32Array(nq);
    this.qMaxDf = new Int32Array(nq);
    this.qDeadSec = new Float64Array(nq);
    this.qDeadNsec = new Uint32Array(nq);
    this.qPrev = new Int32Array(nq);
    this.qNext = new Int32Array(nq);
    this.qFree = new Int32Array(nq);
    for (let i = 0; i < nq; i++) this.qFree[i] = nq - 1 - i;
    this.qFreeTop = nq;
    let cap = 8;
    while (cap < nq * 2) cap *= 2;
    this.table = new Int32Array(cap).fill(-1);
    this.tmask = cap - 1;
    const nf = this.maxFrags;
    this.fSlot = new Int32Array(nf);
    this.fOff = new Int32Array(nf);
    this.fEnd = new Int32Array(nf);
    this.fNext = new Int32Array(nf);
    this.fRunEnd = new Int32Array(nf);
    this.fFree = new Int32Array(nf);
    for (let i = 0; i < nf; i++) this.fFree[i] = nf - 1 - i;
    this.fFreeTop = nf;
    this.drops = new Float64Array(DROP_COUNT);
  }

  /**
   * Offer the classified IPv4 packet in `slot` (time = its arrival). Returns the slot of a whole datagram
   * (`slot` itself when it is not a fragment), REASM_HELD, or REASM_DROP with `meta.drop[slot]` set
   * (see the file comment). Always pass the same pool.
   */
  add(pool: PacketPool, slot: number, nowSec: number, nowNsec: number): number {
    if (!(slot >= 0 && slot < pool.slots)) return REASM_DROP;
    const m = pool.meta;
    const b = pool.bytes;
    const f = pool.frameOffset(slot);
    const len = m.len[slot]!;
    const l3 = m.l3Off[slot]!;
    if (len > pool.slotSize - m.start[slot]! || l3 + 20 > len) return this.refuse(m.drop, slot, Drop.IPV4_TRUNCATED);
    const ip = f + l3;
    const v = b[ip]!;
    if ((v & 0xf0) !== 0x40) return this.refuse(m.drop, slot, Drop.IPV4_BAD_VERSION);
    const hl = (v & 15) << 2;
    if (hl < 20 || l3 + hl > len) return this.refuse(m.drop, slot, Drop.IPV4_BAD_IHL);
    const fw = (b[ip + 6]! << 8) | b[ip + 7]!;
    if ((fw & 0x3fff) === 0) return slot; // not a fragment
    this.fragments++;
    const tl = (b[ip + 2]! << 8) | b[ip + 3]!;
    if (tl < hl) return this.refuse(m.drop, slot, Drop.IPV4_BAD_TOTAL_LENGTH);
    if (l3 + tl > len) return this.refuse(m.drop, slot, (m.flags[slot]! & 0x1000) !== 0 ? Drop.SNAPLEN_TRUNCATED : Drop.IPV4_BAD_TOTAL_LENGTH);

    // find or create the queue (Linux inet_frag_find refuses everything above the memory limit)
    if (this.memUsed > this.memLimit || this.fFreeTop === 0) return this.refuse(m.drop, slot, Drop.REASSEMBLY_TABLE_FULL);
    const src = ((b[ip + 12]! << 24) | (b[ip + 13]! << 16) | (b[ip + 14]! << 8) | b[ip + 15]!) >>> 0;
    const dst = ((b[ip + 16]! << 24) | (b[ip + 17]! << 16) | (b[ip + 18]! << 8) | b[ip + 19]!) >>> 0;
    const id = (b[ip + 4]! << 8) | b[ip + 5]!;
    const proto = b[ip + 9]!;
    let q = this.find(src, dst, id, proto);
    if (q >= 0 && this.due(q, nowSec, nowNsec)) {
      this.timeouts++;
      this.kill(pool, q, Drop.REASSEMBLY_TIMEOUT);
      q = -1;
    }
    if (q < 0) {
      if (this.qFreeTop === 0) this.expire(pool, nowSec, nowNsec);
      if (this.qFreeTop === 0) return this.refuse(m.drop, slot, Drop.REASSEMBLY_TABLE_FULL);
      q = this.create(src, dst, id, proto, nowSec, nowNsec);
    }

    // position (Linux ip_frag_queue)
    const offset = (fw & 0x1fff) << 3;
    let end = offset + tl - hl;
    if ((fw & 0x2000) === 0) {
      if (end < this.qLen[q]! || ((this.qFlags[q]! & LAST_IN) !== 0 && end !== this.qLen[q])) return this.discard(pool, q, slot, Drop.REASSEMBLY_INVALID);
      this.qFlags[q] = this.qFlags[q]! | LAST_IN;
      this.qLen[q] = end;
    } else {
      end &= ~7;
      if (end > this.qLen[q]!) {
        if ((this.qFlags[q]! & LAST_IN) !== 0) return this.discard(pool, q, slot, Drop.REASSEMBLY_INVALID);
        this.qLen[q] = end;
      }
    }
    if (end === offset) return this.discard(pool, q, slot, Drop.REASSEMBLY_INVALID);

    // insert (Linux inet_frag_queue_insert)
    const r = this.insert(q, offset, end);
    if (r === -1) return this.refuse(m.drop, slot, Drop.REASSEMBLY_DUPLICATE);
    if (r === -2) return this.discard(pool, q, slot, Drop.REASSEMBLY_OVERLAP);
    this.fSlot[r] = slot;
    this.held++;
    this.memUsed += pool.slotSize;
    this.qMeat[q] = this.qMeat[q]! + (end - offset);
    this.qEcn[q] = this.qEcn[q]! | (1 << (b[ip + 1]! & 3));
    if (offset === 0) this.qFlags[q] = this.qFlags[q]! | FIRST_IN;
    const fragSize = end - offset + hl;
    if (fragSize > this.qMaxSize[q]!) this.qMaxSize[q] = fragSize;
    if ((fw & 0x4000) !== 0 && fragSize > this.qMaxDf[q]!) this.qMaxDf[q] = fragSize;
    if (this.qFlags[q] === (FIRST_IN | LAST_IN) && this.qMeat[q] === this.qLen[q]) return this.reassemble(pool, q, slot, r);
    return REASM_HELD;
  }

  /**
   * Discard datagrams whose time is up (deadline <= now). With `firstOut`, the offset-0 fragment of each
   * (when it arrived) is not freed but written there, up to its length, for an ICMP 11/1 (icmpError, then
   * free it); returns how many were written. The other fragments go back to the pool.
   */
  expire(pool: PacketPool, nowSec: number, nowNsec: number, firstOut: Uint32Array | null = null): number {
    let n = 0;
    while (this.fifoHead >= 0 && this.due(this.fifoHead, nowSec, nowNsec)) {
      const q = this.fifoHead;
      this.timeouts++;
      if (firstOut !== null && n < firstOut.length && (this.qFlags[q]! & FIRST_IN) !== 0) {
        const h = this.qHead[q]!;
        const s = this.fSlot[h]!;
        this.qHead[q] = this.fNext[h]!;
        this.releaseRecord(pool, h);
        pool.meta.drop[s] = Drop.REASSEMBLY_TIMEOUT;
        firstOut[n++] = s;
      }
      this.kill(pool, q, Drop.REASSEMBLY_TIMEOUT);
    }
    return n;
  }

  /** Time (float seconds) of the earliest timeout of a datagram in progress (Infinity: none). */
  get nextDeadline(): number {
    const q = this.fifoHead;
    return q < 0 ? Infinity : this.qDeadSec[q]! + this.qDeadNsec[q]! / 1e9;
  }

  /** The earliest timeout exactly, as (sec, nsec): -1 sec when nothing is in progress. */
  get nextDeadlineSec(): number {
    return this.fifoHead < 0 ? -1 : this.qDeadSec[this.fifoHead]!;
  }
  get nextDeadlineNsec(): number {
    return this.fifoHead < 0 ? 0 : this.qDeadNsec[this.fifoHead]!;
  }

  /** Free everything held (reconfiguration, shutdown). */
  clear(pool: PacketPool): void {
    while (this.fifoHead >= 0) this.kill(pool, this.fifoHead, Drop.NONE);
  }

  // ---- internals --------------------------------------------------------------------------------

  private refuse(drop: Uint8Array, slot: number, code: number): number {
    drop[slot] = code;
    return REASM_DROP;
  }

  /** Linux discard_qp: the whole datagram goes, the input slot is returned to the caller as dropped. */
  private discard(pool: PacketPool, q: number, slot: number, code: number): number {
    this.kill(pool, q, code);
    pool.meta.drop[slot] = code;
    return REASM_DROP;
  }

  private due(q: number, sec: number, nsec: number): boolean {
    const ds = this.qDeadSec[q]!;
    return ds < sec || (ds === sec && this.qDeadNsec[q]! <= nsec);
  }

  private hash(src: number, dst: number, id: number, proto: number): number {
    let h = Math.imul(src ^ 0x9e3779b9, 0x85ebca6b);
    h = Math.imul(h ^ (h >>> 15) ^ dst, 0xc2b2ae35);
    h = Math.imul(h ^ (h >>> 13) ^ ((id << 8) | proto), 0x27d4eb2f);
    return (h ^ (h >>> 16)) & this.tmask;
  }

  private find(src: number, dst: number, id: number, proto: number): number {
    const t = this.table;
    let i = this.hash(src, dst, id, proto);
    for (;;) {
      const q = t[i]!;
      if (q < 0) return -1;
      if (this.qSrc[q] === src && this.qDst[q] === dst && this.qId[q] === id && this.qProto[q] === proto) return q;
      i = (i + 1) & this.tmask;
    }
  }

  private create(src: number, dst: number, id: number, proto: number, sec: number, nsec: number): number {
    const q = this.qFree[--this.qFreeTop]!;
    this.qSrc[q] = src;
    this.qDst[q] = dst;
    this.qId[q] = id;
    this.qProto[q] = proto;
    this.qHead[q] = -1;
    this.qTail[q] = -1;
    this.qLastRun[q] = -1;
    this.qLen[q] = 0;
    this.qMeat[q] = 0;
    this.qFlags[q] = 0;
    this.qEcn[q] = 0;
    this.qMaxSize[q] = 0;
    this.qMaxDf[q] = 0;
    let ds = sec + Math.floor(this.timeoutSec);
    let dn = nsec + Math.round((this.timeoutSec % 1) * 1e9);
    if (dn >= 1e9) {
      dn -= 1e9;
      ds++;
    }
    this.qDeadSec[q] = ds;
    this.qDeadNsec[q] = dn;
    // FIFO by deadline (all queues have the same timeout, so creation order)
    this.qPrev[q] = this.fifoTail;
    this.qNext[q] = -1;
    if (this.fifoTail >= 0) this.qNext[this.fifoTail] = q;
    else this.fifoHead = q;
    this.fifoTail = q;
    let i = this.hash(src, dst, id, proto);
    this.qHome[q] = i;
    while (this.table[i]! >= 0) i = (i + 1) & this.tmask;
    this.table[i] = q;
    this.queues++;
    return q;
  }

  /**
   * Place [offset, end) in queue q. Returns the new record, -1 for a duplicate, -2 for an overlap.
   * Mirrors inet_frag_queue_insert: the common case appends after the highest fragment (extending the
   * last run when adjacent); otherwise a fragment wholly inside one run is a duplicate, any other
   * intersection an overlap, and a fragment in a hole starts a run of its own.
   */
  private insert(q: number, offset: number, end: number): number {
    const tail = this.qTail[q]!;
    if (tail < 0) {
      const r = this.record(offset, end, end);
      this.qHead[q] = r;
      this.qTail[q] = r;
      this.qLastRun[q] = r;
      return r;
    }
    const tailEnd = this.fEnd[tail]!;
    if (tailEnd < end) {
      if (offset < tailEnd) return -2;
      let r: number;
      if (offset === tailEnd) {
        r = this.record(offset, end, -1);
        const lr = this.qLastRun[q]!;
        this.fRunEnd[lr] = end;
      } else {
        r = this.record(offset, end, end);
        this.qLastRun[q] = r;
      }
      this.fNext[tail] = r;
      this.qTail[q] = r;
      return r;
    }
    // somewhere before the highest fragment
    let prev = -1;
    let hits = 0;
    let contained = false;
    for (let i = this.qHead[q]!; i >= 0; i = this.fNext[i]!) {
      const off = this.fOff[i]!;
      const re = this.fRunEnd[i]!;
      if (re >= 0 && off < end && offset < re) {
        hits++;
        contained = offset >= off && end <= re;
      }
      if (off < offset) prev = i;
    }
    if (hits === 1 && contained) return -1;
    if (hits > 0) return -2;
    const r = this.record(offset, end, end);
    if (prev < 0) {
      this.fNext[r] = this.qHead[q]!;
      this.qHead[q] = r;
    } else {
      this.fNext[r] = this.fNext[prev]!;
      this.fNext[prev] = r;
    }
    return r;
  }

  private record(offset: number, end: number, runEnd: number): number {
    const r = this.fFree[--this.fFreeTop]!;
    this.fOff[r] = offset;
    this.fEnd[r] = end;
    this.fRunEnd[r] = runEnd;
    this.fNext[r] = -1;
    this.fSlot[r] = -1;
    return r;
  }

  private releaseRecord(pool: PacketPool, r: number): void {
    this.fFree[this.fFreeTop++] = r;
    this.held--;
    this.memUsed -= pool.slotSize;
  }

  /** Free queue q and every slot it holds (counted under `code`), and unlink it. */
  private kill(pool: PacketPool, q: number, code: number): void {
    for (let i = this.qHead[q]!; i >= 0; ) {
      const nx = this.fNext[i]!;
      const s = this.fSlot[i]!;
      if (s >= 0) {
        if (this.onRelease !== null) this.onRelease(s, code);
        pool.free(s);
        this.drops[code] = this.drops[code]! + 1;
      }
      this.releaseRecord(pool, i);
      i = nx;
    }
    this.unlink(q);
  }

  /** Remove q from the table and the FIFO, and return it to the free list (its records are released). */
  private unlink(q: number): void {
    // table: find q's position, then backward-shift deletion
    const t = this.table;
    const mask = this.tmask;
    let i = this.qHome[q]!;
    while (t[i] !== q) i = (i + 1) & mask;
    let j = i;
    for (;;) {
      j = (j + 1) & mask;
      const e = t[j]!;
      if (e < 0) break;
      const k = this.qHome[e]!;
      // move e into the hole at i unless its home lies cyclically in (i, j]
      const inRange = i <= j ? k > i && k <= j : k > i || k <= j;
      if (!inRange) {
        t[i] = e;
        i = j;
      }
    }
    t[i] = -1;
    const p = this.qPrev[q]!;
    const n = this.qNext[q]!;
    if (p >= 0) this.qNext[p] = n;
    else this.fifoHead = n;
    if (n >= 0) this.qPrev[n] = p;
    else this.fifoTail = p;
    this.qHead[q] = -1;
    this.qFree[this.qFreeTop++] = q;
    this.queues--;
  }

  /** Linux ip_frag_reasm into the offset-0 fragment's slot; `last` is the slot that completed it. */
  private reassemble(pool: PacketPool, q: number, last: number, lastRec: number): number {
    const m = pool.meta;
    const b = pool.bytes;
    const h = this.qHead[q]!;
    const hs = this.fSlot[h]!;
    const hf = pool.frameOffset(hs);
    const hl3 = m.l3Off[hs]!;
    const hip = hf + hl3;
    const hhl = (b[hip]! & 15) << 2;
    const total = hhl + this.qLen[q]!;
    const ecn = ECN_TABLE[this.qEcn[q]!]!;
    let bad = 0;
    if (total > 65535 || ecn === 0xff) bad = Drop.REASSEMBLY_INVALID;
    else if (hl3 + total > pool.slotSize - m.start[hs]!) bad = Drop.REASSEMBLY_TOO_LARGE;
    if (bad !== 0) {
      this.fSlot[lastRec] = -1; // the completing slot goes back to the caller as dropped, not to the pool
      return this.discard(pool, q, last, bad);
    }
    // copy every other fragment's data into place; free its slot
    for (let i = this.fNext[h]!; i >= 0; ) {
      const nx = this.fNext[i]!;
      const s = this.fSlot[i]!;
      const sip = pool.frameOffset(s) + m.l3Off[s]!;
      const shl = (b[sip]! & 15) << 2;
      const off = this.fOff[i]!;
      b.copyWithin(hip + hhl + off, sip + shl, sip + shl + (this.fEnd[i]! - off));
      if (s !== hs) {
        if (this.onRelease !== null) this.onRelease(s, Drop.NONE);
        pool.free(s);
      }
      this.releaseRecord(pool, i);
      i = nx;
    }
    this.fNext[h] = -1;
    this.releaseRecord(pool, h);
    this.qHead[q] = -1;
    this.lastMaxFragSize = this.qMaxSize[q]!;
    const df = this.qMaxDf[q] === this.qMaxSize[q];
    const inPort = m.inPort[last]!;
    const tsSec = m.tsSec[last]!;
    const tsNsec = m.tsNsec[last]!;
    this.unlink(q);
    b[hip + 1] = b[hip + 1]! | ecn;
    b[hip + 2] = total >>> 8;
    b[hip + 3] = total;
    b[hip + 6] = df ? 0x40 : 0;
    b[hip + 7] = 0;
    ipv4FillChecksum(b, hip);
    const flen = hl3 + total;
    m.len[hs] = flen;
    m.wireLen[hs] = flen;
    m.inPort[hs] = inPort;
    m.tsSec[hs] = tsSec;
    m.tsNsec[hs] = tsNsec;
    m.flags[hs] = m.flags[hs]! & ~0x1000; // no longer a snapped capture record
    parseFrame(b, hf, flen, m.linkType[hs]!, m, hs);
    this.reassembled++;
    return hs;
  }
}
