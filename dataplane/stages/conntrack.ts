/**
 * conntrack / conntrack-output: connection tracking (RouterOS flow (a)/(b) "connection tracking" after raw
 * prerouting, (c) after raw output). Linux nf_conntrack's behaviour, which RouterOS runs (ROUTEROS-FLOW.md §3):
 *
 * - raw `notrack` → state untracked, no entry.
 * - The packet's tuple (conntrack/tuple.ts) is looked up in both directions. Found: the entry's protocol
 *   state moves on (TCP: conntrack/tcp-state.ts; a SYN on a TIME_WAIT/CLOSE entry reopens it as a new
 *   connection), counters count, the timeout restarts from the state's timeout, a reply sets seen-reply.
 *   State: `established` once a reply has been seen or for any reply-direction packet, `new` for
 *   original-direction packets before that (Linux IP_CT_NEW), `invalid` for a TCP segment the state machine
 *   refuses (the entry is left as it was).
 * - ICMP errors: the quoted packet's connection, inverted, → `related` (and the error will be NAT-translated
 *   with it); no connection → `invalid`. A router-made error that already carries its connection
 *   (SF.CT_ATTACHED, stages/router-error.ts) keeps it: conntrack-output takes it as `related` without a lookup.
 * - Not found: a new unconfirmed entry (TCP only from a SYN, or from an ACK with loose-tcp-tracking=yes;
 *   ICMP only from a query such as echo request; anything else → `invalid`, no entry). It becomes visible to
 *   other packets when the packet reaches the confirm point (srcnat / nat-input); a packet dropped before
 *   that takes its entry with it. A full table that cannot evict drops the packet (`conntrack-full`).
 * - Assured (spared by eviction): TCP once the handshake completes both ways, UDP and ICMP once a reply was
 *   seen. UDP gets udp-stream-timeout once a reply was seen, udp-timeout before.
 *
 * - TCP segments go through window tracking (conntrack/tcp-window.ts, Linux tcp_in_window with
 *   loose-/liberal-tcp-tracking and the retransmission / unacknowledged-data timeouts): out of window →
 *   `invalid` (entry unchanged, never NATed); "ignored" segments pass as part of the connection without
 *   refreshing it; a SYN on a closed connection reopens it; a RST as the only reply removes the entry.
 * - A new connection a helper expects (an FTP data connection: conntrack/expect.ts) is `related`, takes its
 *   master, and is NATed as the expectation says; it stays `related` until a reply is seen.
 *
 * Not yet: conntrack zones, helpers other than FTP. Fragments: a later fragment carries no ports; its state
 * is `invalid` unless reassembly made it whole before (Linux defragments before conntrack: flowplane
 * reassembles only for local delivery).
 * A fasttracked connection's packets mostly never get here (stages/fasttrack.ts takes them past the slow
 * path); those that do (TCP SYN/FIN/RST, the periodic refresh) are tracked like any other packet.
 *
 */
import type { StageContext } from '../graph';
import { NEXT_DROP } from '../graph';
import { Drop } from '../drop';
import { CtStatus } from '../conntrack/table';
import { Tcp, tcpValidFlags, tcpOpens } from '../conntrack/tcp-state';
import { TcpTracker, TcpVerdict } from '../conntrack/tcp-window';
import { dnat, snat, NatChoice } from '../conntrack/nat';
import { tupleOf, quotedTuple, TupleKind, TU } from '../conntrack/tuple';
import { CS } from '../firewall/rules';
import { SF, type FirewallState } from '../firewall/state';
import { FW_EV } from '../firewall/events';
import { FlowStage, dropIn, rec, type FlowState } from './state';

export class Conntrack extends FlowStage {
  private readonly tcp = new TcpTracker();
  private readonly choice = new NatChoice();
  /**
   * `rawBefore`: a raw hook runs before this stage (only then can a packet carry `notrack`; without one the
   * slot's flags are whatever its previous packet left). `name`: `bridge-ip-conntrack` on the bridged path.
   */
  constructor(
    st: FlowState,
    private readonly fw: FirewallState,
    private readonly output: boolean,
    nextStage: string,
    private readonly rawBefore: boolean,
    name = output ? 'conntrack-output' : 'conntrack',
  ) {
    super(name, [nextStage], st);
  }

  process(slots: Uint32Array, n: number, next: Uint8Array, ctx: StageContext): void {
    const st = this.st;
    const fw = this.fw;
    const pool = st.pool;
    const m = pool.meta;
    const b = pool.bytes;
    const slotSize = pool.slotSize;
    const trace = ctx.trace;
    const now = st.now;
    for (let i = 0; i < n; i++) {
      const slot = slots[i]!;
      next[i] = 0;
      if (this.rawBefore && fw.slotFlags[slot]! & SF.NOTRACK) {
        fw.ctRef[slot] = -1;
        fw.ctInfo[slot] = CS.UNTRACKED;
        fw.slotFlags[slot] = SF.NOTRACK;
        continue;
      }
      if (this.output && fw.slotFlags[slot]! & SF.CT_ATTACHED) {
        // A router-made ICMP error whose connection was found when it was made (stages/router-error.ts).
        fw.ctInfo[slot] = CS.RELATED;
        fw.slotFlags[slot] = SF.ICMP_ERROR;
        const r = fw.ctRef[slot]!;
        m.connMark[slot] = fw.ct.mark[r >> 1]!;
        if (trace !== null) rec(trace, m.flags, slot, this.index, FW_EV.CT, CS.RELATED, r);
        continue;
      }
      const info = this.track(slot, slot * slotSize + m.start[slot]! + m.l3Off[slot]!, m, b, now);
      if (info === 0) {
        fw.full++;
        dropIn(st, slot, Drop.CONNTRACK_FULL, this.index, trace);
        next[i] = NEXT_DROP;
        continue;
      }
      fw.ctInfo[slot] = info;
      // The connection's mark travels with its packets (connection-mark= matchers, mark-connection).
      const ref = fw.ctRef[slot]!;
      m.connMark[slot] = ref >= 0 ? fw.ct.mark[ref >> 1]! : 0;
      if (trace !== null) rec(trace, m.flags, slot, this.index, FW_EV.CT, info, fw.ctRef[slot]!);
    }
  }

  /** Classify one packet; sets ctRef/slotFlags. Returns the CS bit, or 0 when the table is full. */
  private track(slot: number, ip: number, m: FlowState['pool']['meta'], b: Uint8Array, now: number): number {
    const fw = this.fw;
    const ct = fw.ct;
    const cs = fw.tables.conntrack;
    const tu = fw.tu;
    fw.slotFlags[slot] = 0;
    fw.ctRef[slot] = -1;
    const hasL4 = (m.flags[slot]! & 0x200) !== 0 && (m.flags[slot]! & 0x80) === 0;
    const l4 = hasL4 ? ip - m.l3Off[slot]! + m.l4Off[slot]! : -1;
    const ihl = (b[ip]! & 15) << 2;
    const tl = (b[ip + 2]! << 8) | b[ip + 3]!;
    const l4Len = hasL4 ? tl - ihl : 0;
    const kind = tupleOf(b, ip, l4, l4Len, tu);
    if (kind === TupleKind.BAD) {
      fw.invalid++;
      return CS.INVALID;
    }
    if (kind === TupleKind.ICMP_ERROR) {
      if (!quotedTuple(b, l4, l4Len, tu)) {
        fw.invalid++;
        return CS.INVALID;
      }
      const ref = ct.lookup(tu[TU.SRC]!, tu[TU.DST]!, tu[TU.PORTS]!, tu[TU.PROTO]!, now);
      if (ref < 0) {
        fw.invalid++;
        return CS.INVALID;
      }
      fw.ctRef[slot] = ref;
      fw.slotFlags[slot] = SF.ICMP_ERROR;
      return CS.RELATED;
    }
    const proto = tu[TU.PROTO]!;
    if (proto === 6 && (l4Len < 20 || ((b[l4 + 12]! >>> 4) << 2) < 20 || ((b[l4 + 12]! >>> 4) << 2) > l4Len)) {
      // Linux tcp_error: a truncated TCP header is invalid.
      fw.invalid++;
      return CS.INVALID;
    }
    if (proto === 6 && !tcpValidFlags(b[l4 + 13]!)) {
      // Linux tcp_error: a flag combination outside tcp_valid_flags (SYN+FIN, no flags, ...) is invalid.
      fw.invalid++;
      return CS.INVALID;
    }
    let ref = ct.lookup(tu[TU.SRC]!, tu[TU.DST]!, tu[TU.PORTS]!, proto, now);
    if (ref >= 0) {
      const id = ref >> 1;
      const dir = ref & 1;
      if (proto === 6) {
        const tcp = this.tcp;
        const v = tcp.segment(ct, id, dir, b, l4, l4Len, cs);
        if (v === TcpVerdict.INVALID) {
          fw.invalid++;
          return CS.INVALID;
        }
        if (v === TcpVerdict.REOPEN) {
          // A new connection reusing the ports of a closed one (Linux: kill the old entry, look up again).
          ct.remove(id);
          ref = -1;
        } else {
          if (v === TcpVerdict.ACCEPT || v === TcpVerdict.KILL) {
            const timeout = v === TcpVerdict.KILL ? 0 : tcp.timeout;
            this.account(id, ref, tl, now, timeout);
            if (v === TcpVerdict.KILL) ct.status[id] = ct.status[id]! | CtStatus.DYING;
          }
          const st = this.stateOf(id, dir);
          if (dir === 1 && v !== TcpVerdict.IGNORE) ct.status[id] = ct.status[id]! | CtStatus.SEEN_REPLY;
          fw.ctRef[slot] = ref;
          return st;
        }
      } else {
        if (dir === 1 && !(ct.status[id]! & CtStatus.SEEN_REPLY)) {
          ct.status[id] = ct.status[id]! | CtStatus.SEEN_REPLY | CtStatus.ASSURED;
        }
        const seen = (ct.status[id]! & CtStatus.SEEN_REPLY) !== 0;
        const timeout = proto === 17 || proto === 136 ? (seen ? cs.udpStreamTimeout : cs.udpTimeout) : proto === 1 ? cs.icmpTimeout : cs.genericTimeout;
        this.account(id, ref, tl, now, timeout);
        fw.ctRef[slot] = ref;
        return this.stateOf(id, dir);
      }
    }
    // A new connection?
    let pstate = 0;
    let timeout: number;
    const tcpFlags = proto === 6 ? b[l4 + 13]! : 0;
    if (proto === 6) {
      pstate = tcpOpens(tcpFlags, cs.looseTcp);
      if (pstate === Tcp.IV) {
        fw.invalid++;
        return CS.INVALID;
      }
      timeout = cs.tcpTimeouts[pstate]!;
    } else if (proto === 1) {
      // Only queries open ICMP connections (tuple.ts put their id in the high half).
      if (tu[TU.PORTS]! >>> 16 === 0 && l4 >= 0 && b[l4] !== 8 && b[l4] !== 13 && b[l4] !== 15 && b[l4] !== 17) {
        fw.invalid++;
        return CS.INVALID;
      }
      if (l4 >= 0 && (b[l4] === 0 || b[l4] === 14 || b[l4] === 16 || b[l4] === 18)) {
        fw.invalid++;
        return CS.INVALID;
      }
      timeout = cs.icmpTimeout;
    } else timeout = proto === 17 || proto === 136 ? cs.udpTimeout : cs.genericTimeout;
    const id = ct.alloc(tu[TU.SRC]!, tu[TU.DST]!, tu[TU.PORTS]!, proto, now, timeout);
    if (id < 0) return 0;
    if (proto === 6) {
      // Linux tcp_new, then the first segment through the window tracker (from state NONE).
      this.tcp.open(ct, id, b, l4, l4Len, pstate);
      const v = this.tcp.segment(ct, id, 0, b, l4, l4Len, cs);
      if (v !== TcpVerdict.ACCEPT) {
        ct.release(id);
        fw.invalid++;
        return CS.INVALID;
      }
      if (this.tcp.timeout === this.tcp.timeout) ct.expires[id] = now + this.tcp.timeout;
    }
    ct.packets[id * 2] = 1;
    ct.bytes[id * 2] = tl;
    fw.created++;
    fw.ctRef[slot] = id * 2;
    fw.slotFlags[slot] = SF.NEW_ENTRY;
    // A connection a helper expects (an FTP data connection): related to its master.
    if (ct.expect.count > 0) {
      const e = ct.expect.take(ct, tu[TU.SRC]!, tu[TU.DST]!, tu[TU.PORTS]! & 0xffff, proto, now);
      if (e >= 0) {
        this.related(id, e, now);
        return CS.RELATED;
      }
    }
    return CS.NEW;
  }

  /** The state a packet of a known connection has: established once a reply was seen, else new or related. */
  private stateOf(id: number, dir: number): number {
    const st = this.fw.ct.status[id]!;
    if (dir === 1 || st & CtStatus.SEEN_REPLY) return CS.ESTABLISHED;
    return st & CtStatus.RELATED ? CS.RELATED : CS.NEW;
  }

  /** New entry `id` fulfils expectation `e`: make it related to the master and NAT it as the master asks. */
  private related(id: number, e: number, now: number): void {
    const ct = this.fw.ct;
    const ex = ct.expect;
    const master = ex.master[e]!;
    ct.master[id] = master;
    ct.status[id] = ct.status[id]! | CtStatus.RELATED;
    if (!ex.nat[e]) return;
    // Linux nf_nat_follow_master: destination to where the master's other end is, source to where it sends.
    const o = id * 8;
    const t = ct.tup;
    const ch = this.choice;
    if (t[o + 1] !== ex.natDst[e] || (t[o + 2]! & 0xffff) !== ex.natPort[e]) {
      const a = ex.natDst[e]! >>> 0;
      dnat(ct, id, a, a, ex.natPort[e]!, ex.natPort[e]!, ch);
      ct.status[id] = ct.status[id]! | CtStatus.DSTNAT;
    }
    if (t[o] !== ex.natSrc[e]) {
      const a = ex.natSrc[e]! >>> 0;
      if (snat(ct, id, a, a, 0, 0, false, now, ch)) ct.status[id] = ct.status[id]! | CtStatus.SRCNAT;
    }
    ct.status[id] = ct.status[id]! | CtStatus.NAT_DONE;
  }

  /** Count the packet; `timeout` NaN keeps the current expiry (a SYN retransmission). */
  private account(id: number, ref: number, bytes: number, now: number, timeout: number): void {
    const ct = this.fw.ct;
    ct.packets[ref] = ct.packets[ref]! + 1;
    ct.bytes[ref] = ct.bytes[ref]! + bytes;
    if (timeout === timeout) ct.expires[id] = now + timeout;
  }
}
