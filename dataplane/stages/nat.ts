/**
 * The NAT hooks: dstnat (prerouting, after mangle), srcnat (postrouting), nat-input (after filter input) and
 * nat-output (after mangle output) — ROUTEROS-FLOW.md §1 and §4.
 *
 * - Only a connection's first packet walks the nat chain (its entry is still unconfirmed); the translation a
 *   rule chooses is stored in the entry's reply tuple (conntrack/nat.ts) and applied to every later packet of
 *   the connection at the same positions: destinations are rewritten at dstnat / nat-output (this also
 *   de-NATs replies of source-NATed connections, before routing), sources at srcnat / nat-input.
 * - Untracked and invalid packets are never NATed.
 * - Actions: dstnat and output chains — dst-nat (to-addresses / to-ports), redirect (to the receiving
 *   interface's address, or 127.0.0.1 for router-made packets, port to-ports), netmap (destination prefix
 *   mapped keeping host bits); srcnat and input chains — src-nat, masquerade (the out-interface's primary
 *   address), netmap (source), same (an address per source). `accept` in a nat chain means "no translation".
 *   endpoint-independent-nat (UDP; conntrack/ein.ts): one public endpoint per internal one, for every
 *   remote, and in dstnat any remote admitted to a mapped endpoint. socksify is not applied (the rule
 *   matches and nothing is translated).
 * - srcnat and nat-input are the confirm points: the first packet's connection becomes visible there. A
 *   confirm that clashes with an equal connection made meanwhile joins it; a real clash drops the packet
 *   (`conntrack-clash`). No free port for a translation drops it (`nat-no-port`).
 *
 * - ICMP errors related to a NATed connection (from a remote router or host, or made by this router for a
 *   packet it could not deliver) are translated with their quoted header (conntrack/nat.ts icmpErrorNat,
 *   Linux nf_nat_icmp_reply_translation) instead of the plain rewrite.
 * - Helpers and sequence adjustment run at the confirm points, after the headers are NATed (Linux's
 *   ipv4_confirm order): a confirmed TCP connection to an ftp service port gets the FTP helper
 *   (conntrack/ftp.ts), which reads the control connection's commands, expects the data connection and
 *   rewrites the announced address when the control connection is NATed; a connection whose payload a helper
 *   resized has every segment's sequence/ack numbers adjusted (conntrack/seqadj.ts). A data connection
 *   NATed by its expectation does not walk the nat chains (its NAT is done, like Linux's nf_nat_initialized);
 *   other related connections do.
 *
 * - On the bridged path (`bridge-ip-dstnat`, `bridge-ip-srcnat`, use-ip-firewall) the same stage runs under
 *   the bridged name: a destination it changes re-decides the frame's way (stages/bridged-dnat.ts), and of
 *   a flooded frame's copies (which share the unconfirmed entry) the first to arrive walks the chain and
 *   confirms; the others take the translation it chose.
 *
 * - Router-made ICMP errors created after srcnat (fragmentation-needed from ip4-fragment, host-unreachable
 *   from arp-resolve) are made as Linux makes them and arrive here already related to their connection
 *   (stages/router-error.ts); the translation above finishes them.
 *
 * - TFTP (conntrack/tftp.ts): a UDP connection to a tftp service port gets the helper; a read or write
 *   request expects the server's answer from any port, related and NATed like the request's replies.
 *
 * Not yet: the helpers other than FTP and TFTP (irc, sip, pptp, h323, rtsp).
 */
import type { StageContext } from '../graph';
import { NEXT_DROP } from '../graph';
import { Drop } from '../drop';
import { CtStatus, Helper, connectionType } from '../conntrack/table';
import { snat, dnat, rewriteDst, rewriteSrc, icmpErrorNat, NatChoice } from '../conntrack/nat';
import { FtpHelper, FtpResult } from '../conntrack/ftp';
import { tftpHelp } from '../conntrack/tftp';
import { seqAdjust } from '../conntrack/seqadj';
import { A, CN, CS, M, PF } from '../firewall/rules';
import { V, type FwEffects } from '../firewall/walk';
import { fillFields, fillRareFields, type AddressTyper } from '../firewall/fields';
import { bridgePortOf, fibAddressType } from './firewall-hook';
import { bridgedDnat } from './bridged-dnat';
import { FW_EV, ruleArg, FwTableCode } from '../firewall/events';
import { SF, type FirewallState } from '../firewall/state';
import { BridgeIpFirewall, FlowStage, dropIn, rec, type FlowState } from './state';

export type NatHook = 'dstnat' | 'srcnat' | 'nat-input' | 'nat-output';

const NATTED = CtStatus.SRCNAT | CtStatus.DSTNAT;

export class NatStage extends FlowStage implements FwEffects, AddressTyper {
  private readonly chain: number;
  /** Rewrites destinations (dstnat, nat-output) or sources (srcnat, nat-input). */
  private readonly dstSide: boolean;
  /** Confirms new connections (srcnat, nat-input). */
  private readonly confirms: boolean;
  private readonly choice = new NatChoice();
  /** The FTP helper (confirm points only). */
  readonly ftp: FtpHelper;

  constructor(
    st: FlowState,
    private readonly fw: FirewallState,
    readonly hook: NatHook,
    nextStage: string,
    /** The bridged path's hook (`bridge-ip-dstnat` / `bridge-ip-srcnat`, use-ip-firewall). */
    private readonly bridged = false,
  ) {
    super(bridged ? `bridge-ip-${hook}` : hook, [nextStage], st);
    this.bridgePorts = (st.tables.bridgeIpFirewall & BridgeIpFirewall.USE_IP_FIREWALL) !== 0;
    const chainName = hook === 'dstnat' ? 'dstnat' : hook === 'srcnat' ? 'srcnat' : hook === 'nat-input' ? 'input' : 'output';
    this.chain = fw.tables.nat.chainNames.indexOf(chainName);
    this.dstSide = hook === 'dstnat' || hook === 'nat-output';
    this.confirms = hook === 'srcnat' || hook === 'nat-input';
    this.ftp = new FtpHelper(fw.ct.expect);
    let uses = 0;
    const nat = fw.tables.nat;
    for (let r = 0; r < nat.n; r++) uses |= nat.has[r]!;
    this.uses = uses;
  }

  /** The matcher bits any nat rule uses: which fields the walk needs filled. */
  private readonly uses: number;
  /** Bridge ports are known to the IP firewall (use-ip-firewall=yes): in-/out-bridge-port match. */
  private readonly bridgePorts: boolean;

  /** AddressTyper for src-/dst-address-type in nat rules. */
  addressType(ip: number): number {
    return fibAddressType(this.st.tables, ip);
  }

  effect(): void {
    /* nat chains have no packet effects besides translation (log is recorded by the filter-side hooks) */
  }

  process(slots: Uint32Array, n: number, next: Uint8Array, ctx: StageContext): void {
    const st = this.st;
    const fw = this.fw;
    const ct = fw.ct;
    const pool = st.pool;
    const m = pool.meta;
    const b = pool.bytes;
    const trace = ctx.trace;
    const nat = fw.tables.nat;
    const rules = nat.chainRules[this.chain]!;
    for (let i = 0; i < n; i++) {
      const slot = slots[i]!;
      next[i] = 0;
      const ref = fw.ctRef[slot]!;
      if (ref < 0) continue;
      const id = ref >> 1;
      const frame = pool.frameOffset(slot);
      const ip = frame + m.l3Off[slot]!;
      const fl = m.flags[slot]!;
      const l4 = (fl & 0x200) !== 0 && (fl & 0x80) === 0 ? frame + m.l4Off[slot]! : -1;
      const isNew = (fw.slotFlags[slot]! & SF.NEW_ENTRY) !== 0;
      const info = fw.ctInfo[slot]!;
      // New connections walk the chain; so do related ones whose NAT no expectation set up. A copy of the
      // first packet (a bridge flooded it) whose sibling confirmed the entry first takes the NAT decided then.
      if (
        isNew &&
        rules.length > 0 &&
        (info === CS.NEW || (info === CS.RELATED && !(ct.status[id]! & CtStatus.NAT_DONE))) &&
        !(ct.status[id]! & CtStatus.CONFIRMED)
      ) {
        const f = fw.f;
        const outIf = this.dstSide && this.hook === 'dstnat' ? -1 : st.outIf[slot]!;
        fillFields(f, b, m, slot, frame, ip, st.inIf[slot]!, outIf, info, 0, this.uses, this);
        // Rare matchers in nat chains (bridge ports only with use-ip-firewall, as in the filter hooks).
        if (this.uses & M.RARE) {
          const t = st.tables;
          const bp = this.bridgePorts;
          fillRareFields(f, b, m, slot, frame, ip, ref, bp ? bridgePortOf(t, m.inPort[slot]!, st.inIf[slot]!) : -1, bp ? bridgePortOf(t, m.outPort[slot]!, outIf) : -1, fw.priorityOf(slot));
        }
        f[PF.CTYPE] = connectionType(ct, ref);
        const traced = trace !== null && (fl & 0x2000) !== 0;
        const v = fw.natWalk.walk(this.chain, f, fw.lists, st.now, this, null);
        if (traced) rec(trace!, m.flags, slot, this.index, FW_EV.VERDICT, ruleArg(FwTableCode.NAT, fw.natWalk.rule), fw.natWalk.rule < 0 ? A.ACCEPT : nat.action[fw.natWalk.rule]!);
        m.packetMark[slot] = f[PF.PMARK]!;
        if (v === V.NAT && !this.translate(slot, id, fw.natWalk.rule)) {
          fw.forget(slot);
          dropIn(st, slot, Drop.NAT_NO_PORT, this.index, trace);
          next[i] = NEXT_DROP;
          continue;
        }
        if (v === V.NAT && traced) rec(trace!, m.flags, slot, this.index, FW_EV.NAT, nat.action[fw.natWalk.rule]!, this.choice.addr);
      }
      if (ct.status[id]! & NATTED) {
        let changed: boolean;
        if (fw.slotFlags[slot]! & SF.ICMP_ERROR) {
          const tl = (b[ip + 2]! << 8) | b[ip + 3]!;
          changed = l4 >= 0 && icmpErrorNat(ct, ref, b, ip, l4, tl - ((b[ip]! & 15) << 2), this.dstSide);
        } else changed = this.dstSide ? rewriteDst(ct, ref, b, ip, l4) : rewriteSrc(ct, ref, b, ip, l4);
        if (changed && trace !== null && (fl & 0x2000) !== 0) {
          const q = this.dstSide ? ip + 16 : ip + 12;
          rec(trace, m.flags, slot, this.index, FW_EV.NAT_REWRITE, this.dstSide ? 0 : 1, (b[q]! << 24) | (b[q + 1]! << 16) | (b[q + 2]! << 8) | b[q + 3]!);
        }
        // Bridged path: a new destination address re-decides where the frame goes (stages/bridged-dnat.ts).
        if (changed && this.bridged && this.dstSide) {
          const r = bridgedDnat(st, slot, ip);
          if (r !== 0) {
            dropIn(st, slot, r, this.index, trace);
            next[i] = NEXT_DROP;
            continue;
          }
        }
      }
      // Helpers, then sequence adjustment (confirm points; TCP segments of the connection itself).
      if (this.confirms && l4 >= 0 && b[ip + 9] === 6 && !(fw.slotFlags[slot]! & SF.ICMP_ERROR)) {
        if (ct.helper[id] === Helper.FTP && this.ftp.process(ct, id, ref & 1, info === CS.ESTABLISHED, pool, slot, ip, l4, st.now) === FtpResult.DROP) {
          dropIn(st, slot, Drop.CONNTRACK_HELPER, this.index, trace);
          next[i] = NEXT_DROP;
          continue;
        }
        if (ct.status[id]! & CtStatus.SEQ_ADJUST) {
          const tl = (b[ip + 2]! << 8) | b[ip + 3]!;
          seqAdjust(ct, id, ref & 1, b, l4, tl - ((b[ip]! & 15) << 2));
        }
      }
      // TFTP (a request repeated on a confirmed connection; the first one is seen right after its confirm).
      if (this.confirms && !isNew && l4 >= 0 && ct.helper[id] === Helper.TFTP && !(fw.slotFlags[slot]! & SF.ICMP_ERROR)) this.tftp(id, b, ip, l4);
      if (this.confirms && isNew) {
        const last = fw.disown(slot);
        if (ct.status[id]! & CtStatus.CONFIRMED) {
          // A copy of this packet (a bridge flooded it) confirmed the connection first: nothing to do.
        } else if (!ct.confirm(id)) {
          // An equal connection was confirmed meanwhile (two first packets in one vector): join it.
          const o = id * 8;
          const t = ct.tup;
          const other = ct.lookup(t[o]!, t[o + 1]!, t[o + 2]!, t[o + 3]!, st.now);
          const oid = other >> 1;
          if (other >= 0 && t[oid * 8 + 4] === t[o + 4] && t[oid * 8 + 5] === t[o + 5] && t[oid * 8 + 6] === t[o + 6]) {
            if (last) ct.release(id);
            fw.ctRef[slot] = other;
            fw.clashes++;
          } else {
            if (last) ct.release(id);
            fw.ctRef[slot] = -1;
            dropIn(st, slot, Drop.CONNTRACK_CLASH, this.index, trace);
            next[i] = NEXT_DROP;
            continue;
          }
        } else {
          if (trace !== null && (fl & 0x2000) !== 0) rec(trace, m.flags, slot, this.index, FW_EV.CONFIRM, id);
          this.assignHelper(id);
          if (l4 >= 0 && ct.helper[id] === Helper.TFTP) this.tftp(id, b, ip, l4);
        }
      }
    }
  }

  /**
   * A connection just confirmed: a TCP connection whose server port (the reply tuple's source port, after
   * dst-nat) is an ftp service port gets the FTP helper, a UDP one on a tftp port the TFTP helper (Linux
   * assigns helpers by the reply tuple).
   */
  private assignHelper(id: number): void {
    const ct = this.fw.ct;
    const proto = ct.proto[id];
    if ((proto !== 6 && proto !== 17) || ct.status[id]! & CtStatus.RELATED) return;
    const ports = proto === 6 ? this.fw.tables.conntrack.ftpPorts : this.fw.tables.conntrack.tftpPorts;
    if (ports === undefined || ports.length === 0) return;
    const p = ct.tup[id * 8 + 6]! >>> 16;
    for (let k = 0; k < ports.length; k += 2) {
      if (p >= ports[k]! && p <= ports[k + 1]!) {
        ct.helper[id] = proto === 6 ? Helper.FTP : Helper.TFTP;
        ct.status[id] = ct.status[id]! | CtStatus.HELPER;
        return;
      }
    }
  }

  /** The TFTP helper on a UDP packet of connection `id` (conntrack/tftp.ts). */
  private tftp(id: number, b: Uint8Array, ip: number, l4: number): void {
    if (b[ip + 9] !== 17) return;
    const len = ((b[ip + 2]! << 8) | b[ip + 3]!) - ((b[ip]! & 15) << 2) - 8;
    tftpHelp(this.fw.ct, id, b, l4 + 8, len, this.st.now);
  }

  /** Apply nat rule `r` to the unconfirmed entry `id`: set its reply tuple. False when no port is free. */
  private translate(slot: number, id: number, r: number): boolean {
    const st = this.st;
    const fw = this.fw;
    const ct = fw.ct;
    const t = fw.tables.nat;
    const act = t.action[r]!;
    const ch = this.choice;
    const lo = (t.toAddrLo[r]! ^ 0x80000000) >>> 0;
    const hi = (t.toAddrHi[r]! ^ 0x80000000) >>> 0;
    const hasTo = t.toAddrLo[r] !== 0 || t.toAddrHi[r] !== 0;
    const pLo = t.toPortLo[r]!;
    const pHi = t.toPortHi[r]!;
    const o = id * 8;
    const tup = ct.tup;
    switch (act) {
      case A.DST_NAT:
      case A.REDIRECT:
      case A.NETMAP: {
        if (this.dstSide) {
          let a0 = lo;
          let a1 = hi;
          if (act === A.REDIRECT) {
            const inIf = st.inIf[slot]!;
            a0 = a1 = inIf >= 0 ? st.tables.ifAddr[inIf]! : 0x7f000001;
          } else if (act === A.NETMAP) {
            a0 = a1 = netmap(tup[o + 1]! >>> 0, lo, hi);
          } else if (!hasTo) {
            a0 = a1 = tup[o + 1]! >>> 0; // dst-nat with only to-ports
          }
          dnat(ct, id, a0, a1, pLo, pHi, ch);
          ct.status[id] = ct.status[id]! | CtStatus.DSTNAT;
          return true;
        }
        if (act === A.NETMAP) {
          const a = netmap(tup[o]! >>> 0, lo, hi);
          if (!snat(ct, id, a, a, pLo, pHi, false, st.now, ch)) return false;
          ct.status[id] = ct.status[id]! | CtStatus.SRCNAT;
        }
        return true;
      }
      case A.SRC_NAT:
      case A.MASQUERADE:
      case A.SAME: {
        if (this.dstSide) return true;
        let a0 = lo;
        let a1 = hi;
        if (act === A.MASQUERADE) {
          const out = st.outIf[slot]!;
          a0 = a1 = out >= 0 ? st.tables.ifAddr[out]! : 0;
          if (a0 === 0) return true; // no address on the out-interface: nothing to masquerade to (Linux drops; RouterOS UNCONFIRMED)
        } else if (!hasTo) {
          a0 = a1 = tup[o]! >>> 0; // src-nat with only to-ports
        }
        if (!snat(ct, id, a0, a1, pLo, pHi, act === A.SAME, st.now, ch)) return false;
        ct.status[id] = ct.status[id]! | CtStatus.SRCNAT;
        return true;
      }
      case A.ENDPOINT_INDEPENDENT_NAT:
        return this.ein(slot, id, lo, hi, hasTo, pLo, pHi);
      default:
        return true;
    }
  }

  /**
   * endpoint-independent-nat (UDP only; other protocols pass untranslated): in srcnat, reuse the internal
   * endpoint's mapping or make one (address from to-addresses, else the out-interface's, port chosen as
   * src-nat does); in dstnat, send a new connection to a mapped external endpoint to its internal one.
   */
  private ein(slot: number, id: number, lo: number, hi: number, hasTo: boolean, pLo: number, pHi: number): boolean {
    const st = this.st;
    const fw = this.fw;
    const ct = fw.ct;
    const o = id * 8;
    const tup = ct.tup;
    if (tup[o + 3] !== 17) return true;
    const ein = fw.ein;
    const life = fw.tables.conntrack.udpStreamTimeout;
    const ch = this.choice;
    if (this.dstSide) {
      if (!ein.lookupExternal(tup[o + 1]! >>> 0, tup[o + 2]! & 0xffff, st.now, life)) return true;
      dnat(ct, id, ein.addr, ein.addr, ein.port, ein.port, ch);
      ct.status[id] = ct.status[id]! | CtStatus.DSTNAT | CtStatus.EIN_DNAT;
      return true;
    }
    const src = tup[o]! >>> 0;
    const sport = tup[o + 2]! >>> 16;
    if (ein.lookupInternal(src, sport, st.now, life)) {
      if (!snat(ct, id, ein.addr, ein.addr, ein.port, ein.port, false, st.now, ch)) return false;
    } else {
      let a0 = lo;
      let a1 = hi;
      if (!hasTo) {
        const out = st.outIf[slot]!;
        a0 = a1 = out >= 0 ? st.tables.ifAddr[out]! : 0;
        if (a0 === 0) return true;
      }
      if (!snat(ct, id, a0, a1, pLo, pHi, false, st.now, ch)) return false;
      ein.add(src, sport, ch.addr, ch.port, st.now, life);
    }
    ct.status[id] = ct.status[id]! | CtStatus.SRCNAT | CtStatus.EIN_SNAT;
    return true;
  }
}

/** netmap: the address with its network bits replaced by those of lo..hi (a prefix). */
function netmap(addr: number, lo: number, hi: number): number {
  const size = hi - lo + 1;
  const hostMask = size >= 0x100000000 ? 0xffffffff : size - 1;
  return ((lo & ~hostMask) | (addr & hostMask)) >>> 0;
}

/** For tests: the CN bits a connection status shows. */
export function natStateBits(status: number): number {
  return (status & CtStatus.SRCNAT ? CN.SRCNAT : 0) | (status & CtStatus.DSTNAT ? CN.DSTNAT : 0);
}
