/**
 * ip4-reassembly: fragments addressed to the router are put back together before the input chains
 * (Linux ip_local_deliver → ip_defrag, which runs before the LOCAL_IN hook; RouterOS flow (b) "to the
 * router": the input chains and local processes see whole datagrams). Routing sends packets here when the
 * destination is local.
 *
 * Per packet: not a fragment → on to the input path (next 0), untouched. A fragment goes to the flow's
 * Ipv4Reassembly (dataplane/ip4/reassembly.ts, Linux ip_fragment.c rules, `/ip settings ipv4-fragment-time`
 * and `ipv4-high-fragment-thresh`, defaults 30 s and 4 MiB):
 * - held → it waits in the reassembler (next 1: `reassembly-wait`, a sink that keeps nothing); its fate is
 *   QUEUED until the datagram completes or fails;
 * - the datagram completes → it continues in the slot of the offset-0 fragment (reparsed), which replaces
 *   this packet in the vector; every other fragment's slot is freed, its fate `local` (its data was
 *   delivered inside the datagram);
 * - refused or the datagram discarded → dropped with the reassembler's reason (reassembly-overlap,
 *   -invalid, -duplicate, -too-large, -table-full...); fragments already held for a discarded datagram are
 *   dropped with the same reason.
 * Timeouts run on the flow clock (`timers`, called by flow.ts as the clock advances): a datagram not
 * complete `ipv4-fragment-time` after its first fragment arrived is discarded (`reassembly-timeout`) and, when
 * its first fragment had arrived, ICMP 11/1 "fragment reassembly time exceeded" goes to the sender (Linux
 * ip_expire; from the fragment's destination address, the router's own).
 *
 * Not here: conntrack's defragmentation of forwarded traffic (Linux nf_defrag_ipv4 at prerouting, when
 * connection tracking is on) belongs to the [stateful] conntrack stage; forwarded fragments pass untouched.
 */
import type { StageContext } from '../graph';
import { NEXT_DROP } from '../graph';
import { DROP_COUNT, Drop } from '../drop';
import { PktFlag } from '../buf/meta';
import { REASM_DROP, REASM_HELD } from '../ip4/reassembly';
import { icmpError } from '../ip4/icmp-gen';
import { FlowStage, dropIn, rec, setFate, EV, Fate, type FlowState } from './state';

const NEXT_INPUT = 0;
const NEXT_HELD = 1;

export class Ip4Reassembly extends FlowStage {
  /** Offset-0 fragments of timed-out datagrams (for ICMP 11/1). */
  private readonly firsts = new Uint32Array(64);
  private ctx: StageContext | null = null;

  constructor(st: FlowState, inputStage: string) {
    super('ip4-reassembly', [inputStage, 'reassembly-wait'], st);
    st.reassembly.onRelease = this.released.bind(this);
  }

  /** A slot the reassembler frees: merged into a datagram (code 0: `local`) or dropped with `code`. */
  private released(slot: number, code: number): void {
    const st = this.st;
    const trace = this.ctx?.trace ?? null;
    if (code === Drop.NONE) {
      setFate(st, slot, Fate.LOCAL, st.pool.meta.l4Proto[slot]!);
      return;
    }
    st.pool.meta.drop[slot] = code;
    if (trace !== null) rec(trace, st.pool.meta.flags, slot, this.index, EV.DROP, code);
    setFate(st, slot, Fate.DROP, code);
    if (code < DROP_COUNT) st.graph.drops[code]!++;
  }

  process(slots: Uint32Array, n: number, next: Uint8Array, ctx: StageContext): void {
    const st = this.st;
    const pool = st.pool;
    const m = pool.meta;
    const flags = m.flags;
    const trace = ctx.trace;
    this.ctx = ctx;
    for (let i = 0; i < n; i++) {
      const slot = slots[i]!;
      if ((flags[slot]! & PktFlag.FRAGMENT) === 0) {
        next[i] = NEXT_INPUT;
        continue;
      }
      const r = st.reassembly.add(pool, slot, ctx.nowSec, ctx.nowNsec);
      if (r === REASM_HELD) {
        setFate(st, slot, Fate.QUEUED, 0);
        if (trace !== null) rec(trace, flags, slot, this.index, EV.REASM_HELD, st.reassembly.held);
        next[i] = NEXT_HELD;
      } else if (r === REASM_DROP) {
        dropIn(st, slot, m.drop[slot]! || Drop.REASSEMBLY_INVALID, this.index, trace);
        next[i] = NEXT_DROP;
      } else {
        // The datagram continues in its first fragment's slot (the one reported QUEUED until now).
        slots[i] = r;
        if (r !== slot) st.fate[r] = Fate.NONE;
        st.inIf[r] = st.inIf[slot]!; // Linux: the datagram takes the device of the fragment that completed it
        if (trace !== null) rec(trace, flags, r, this.index, EV.REASSEMBLED, m.l3Len[r]!);
        if (m.drop[r] !== 0) {
          // reparsing found the L4 header malformed
          dropIn(st, r, m.drop[r]!, this.index, trace);
          next[i] = NEXT_DROP;
        } else next[i] = NEXT_INPUT;
      }
    }
  }

  /**
   * Discard datagrams whose time is up by the flow clock; ICMP 11/1 to the sender of each whose first
   * fragment had arrived (rate limited: type 11 is in the default icmp-rate-mask).
   */
  timers(ctx: StageContext): void {
    const st = this.st;
    const ra = st.reassembly;
    if (ra.queues === 0 || st.now < ra.nextDeadline) return;
    this.ctx = ctx;
    const pool = st.pool;
    const b = pool.bytes;
    for (;;) {
      const k = ra.expire(pool, ctx.nowSec, ctx.nowNsec, this.firsts);
      for (let j = 0; j < k; j++) {
        const s = this.firsts[j]!;
        if (st.icmp && st.inIf[s]! >= 0) {
          const ip = pool.frameOffset(s) + pool.meta.l3Off[s]!;
          const dst = ((b[ip + 16]! << 24) | (b[ip + 17]! << 16) | (b[ip + 18]! << 8) | b[ip + 19]!) >>> 0;
          const e = icmpError(pool, s, 11, 1, dst, 0, ctx.nowSec, ctx.nowNsec, st.icmpLimiter);
          if (e >= 0) {
            st.inIf[e] = -1;
            if (ctx.trace !== null) rec(ctx.trace, pool.meta.flags, s, this.index, EV.ICMP, 11, 1);
            st.injectNew(st.at.routingOutput, e, ctx.trace);
          }
        }
        st.dropSlot(s, Drop.REASSEMBLY_TIMEOUT, this.index, ctx.trace);
      }
      if (k < this.firsts.length) break;
    }
  }
}
