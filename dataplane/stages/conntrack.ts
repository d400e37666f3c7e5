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
 *   with it); no connection → `invalid`.
 * - Not found: a new unconfirmed entry (TCP only from a SYN, or from an ACK with loose-tcp-tracking=yes;
 *   ICMP only from a query such as echo request; anything else → `invalid`, no entry). It becomes visible to
 *   other packets when the packet reaches the confirm point (srcnat / nat-input); a packet dropped before
 *   that takes its entry with it. A full table that cannot evict drops the packet (`conntrack-full`).
 * - Assured (spared by eviction): TCP once the handshake completes both ways, UDP and ICMP once a reply was
 *   seen. UDP gets udp-stream-timeout once a reply was seen, udp-timeout before.
 *
 * A fasttracked connection's packets mostly never get here (stages/fasttrack.ts takes them past the slow
 * path); those that do (TCP SYN/FIN/RST, the periodic refresh) are tracked like any other packet.
 *
 * Not yet: TCP window tracking (sequence checks, liberal-tcp-tracking), helpers (FTP related connections),
 * conntrack zones. Fragments: a later fragment carries no ports; its state is `invalid` unless reassembly
 * made it whole before (Linux defragments before conntrack: flowplane reassembles only for local delivery).
 */
import type { StageContext } from '../graph';
import { NEXT_DROP } from '../graph';
import { Drop } from '../drop';
import { CtStatus } from '../conntrack/table';
import { Tcp, tcpNext, tcpOpens } from '../conntrack/tcp-state';
import { tupleOf, quotedTuple, TupleKind, TU } from '../conntrack/tuple';
import { CS } from '../firewall/rules';
import { SF, type FirewallState } from '../firewall/state';
import { FW_EV } from '../firewall/events';
import { FlowStage, dropIn, rec, type FlowState } from './state';

export class Conntrack extends FlowStage {
  /**
   * `rawBefore`: a raw hook runs before this stage (only then can a packet carry `notrack`; without one the
   * slot's flags are whatever its previous packet left).
   */
  constructor(
    st: FlowState,
    private readonly fw: FirewallState,
    output: boolean,
    nextStage: string,
    private readonly rawBefore: boolean,
  ) {
    super(output ? 'conntrack-output' : 'conntrack', [nextStage], st);
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
      return CS.RELATED;
    }
    const proto = tu[TU.PROTO]!;
    const tcpFlags = proto === 6 && l4 >= 0 ? b[l4 + 13]! : 0;
    let ref = ct.lookup(tu[TU.SRC]!, tu[TU.DST]!, tu[TU.PORTS]!, proto, now);
    if (ref >= 0) {
      const id = ref >> 1;
      const dir = ref & 1;
      let timeout: number;
      if (proto === 6) {
        const old = ct.pstate[id]!;
        const nx = tcpNext(dir, tcpFlags, old);
        if (nx === Tcp.IV) {
          fw.invalid++;
          fw.ctRef[slot] = ref;
          return CS.INVALID;
        }
        if (nx === Tcp.SYN_SENT && dir === 0 && (old === Tcp.TIME_WAIT || old === Tcp.CLOSE)) {
          // A new connection reusing the ports of a closed one (Linux: kill the old entry, start again).
          ct.remove(id);
          ref = -1;
        } else {
          if (nx !== Tcp.IG) {
            ct.pstate[id] = nx;
            if ((old === Tcp.SYN_RECV || old === Tcp.ESTABLISHED) && nx === Tcp.ESTABLISHED && ct.status[id]! & CtStatus.SEEN_REPLY) {
              ct.status[id] = ct.status[id]! | CtStatus.ASSURED;
            }
          }
          timeout = tcpFlags & 0x04 ? cs.tcpTimeouts[Tcp.CLOSE]! : cs.tcpTimeouts[ct.pstate[id]!]!;
          if (dir === 1) ct.status[id] = ct.status[id]! | CtStatus.SEEN_REPLY;
          this.account(id, ref, tl, now, timeout);
          fw.ctRef[slot] = ref;
          return dir === 1 || ct.status[id]! & CtStatus.SEEN_REPLY ? CS.ESTABLISHED : CS.NEW;
        }
      } else {
        if (dir === 1 && !(ct.status[id]! & CtStatus.SEEN_REPLY)) {
          ct.status[id] = ct.status[id]! | CtStatus.SEEN_REPLY | CtStatus.ASSURED;
        }
        const seen = (ct.status[id]! & CtStatus.SEEN_REPLY) !== 0;
        timeout = proto === 17 || proto === 136 ? (seen ? cs.udpStreamTimeout : cs.udpTimeout) : proto === 1 ? cs.icmpTimeout : cs.genericTimeout;
        this.account(id, ref, tl, now, timeout);
        fw.ctRef[slot] = ref;
        return dir === 1 || seen ? CS.ESTABLISHED : CS.NEW;
      }
    }
    // A new connection?
    let pstate = 0;
    let timeout: number;
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
    ct.pstate[id] = pstate;
    ct.packets[id * 2] = 1;
    ct.bytes[id * 2] = tl;
    fw.created++;
    fw.ctRef[slot] = id * 2;
    fw.slotFlags[slot] = SF.NEW_ENTRY;
    return CS.NEW;
  }

  private account(id: number, ref: number, bytes: number, now: number, timeout: number): void {
    const ct = this.fw.ct;
    ct.packets[ref] = ct.packets[ref]! + 1;
    ct.bytes[ref] = ct.bytes[ref]! + bytes;
    ct.expires[id] = now + timeout;
  }
}
