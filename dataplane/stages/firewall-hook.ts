/**
 * The firewall hooks of the packet flow: raw-prerouting, mangle-prerouting, mangle-forward, filter-forward,
 * mangle-input, filter-input, raw-output, mangle-output, filter-output, mangle-postrouting — one class, one
 * instance per hook (table + built-in chain). Each walks its chain (dataplane/firewall/walk.ts) for every
 * IPv4 packet and acts on the verdict:
 * - accept (by a rule or the chain's end): on to the next stage, with the marks the rules set written back
 *   (packet and routing mark to the metadata, connection mark to the connection entry);
 * - drop: dropped as `firewall-drop` (the trace names the rule);
 * - reject: the `reject-with` answer is sent (an ICMP error through icmp-gen with the router's rate limit,
 *   or a TCP reset for `tcp-reset`), then the packet is dropped as `firewall-reject`;
 * - tarpit: a TCP SYN is answered with a SYN/ACK advertising window 0 (firewall/tarpit.ts, as Linux
 *   xt_TARPIT) made from the packet in place and sent through routing-output; the SYN itself, and every other
 *   packet a tarpit rule takes, counts as dropped `firewall-tarpit`.
 * Packet effects of non-terminal actions happen here: change-ttl, change-dscp, change-mss (SYN's MSS option,
 * checksum patched), clear-df, fasttrack-connection (marks a TCP/UDP connection F: its later packets take
 * stages/fasttrack.ts's shortcut; this packet itself goes on through the slow path), notrack (raw: the packet
 * skips conntrack), log (a line in the firewall log: prefix, chain, in/out interface, addresses),
 * set-priority (the packet's priority, FirewallState.priority: a number, from-dscp = DSCP, from-dscp-high-3-bits
 * = DSCP >> 3, from-ingress = the VLAN PCP it arrived with), strip-ipv4-options (the header shrinks to 20
 * bytes, the rest of the packet moves up), sniff-tzsp / sniff-pc (counted in `sniffed`, nothing is sent: there
 * is no TZSP receiver or packet sniffer in flowplane), route (route-dst is recorded per slot in
 * FirewallState.routeDst with SF.ROUTE; the routing stage then sends the packet to that gateway when it is
 * directly reachable, stages/routing.ts `routeTo`).
 * Before the walk, when the table uses rare matchers (rules.ts R), their fields are filled (fields.ts
 * fillRareFields: the bridge ports only with `use-ip-firewall=yes`, as RouterOS's manual says) and the
 * connection's rate and layer7 buffers are brought up to date (firewall/conn-extra.ts).
 * Non-IPv4 packets do not reach these stages (IPv6 has its own firewall, not built yet).
 */
import type { StageContext } from '../graph';
import { NEXT_DROP, NEXT_CONSUMED } from '../graph';
import { Drop } from '../drop';
import { icmpError } from '../ip4/icmp-gen';
import { tcpResetInPlace } from '../ip4/tcp-reset';
import { ipv4RewriteTtl, ipv4RewriteDscp, csumReplace16, l4CsumReplace16, ipv4FillChecksum } from '../wire/checksum';
import { PktFlag } from '../buf/meta';
import { CtStatus, connectionType } from '../conntrack/table';
import { tcpBeLiberal } from '../conntrack/tcp-window';
import { optFirst, optNext } from '../wire/tcp';
import { A, AT, CN, M, PF, PRIO_FROM, R, TCP_RESET, type FwTable } from '../firewall/rules';
import { V, type FwEffects, type FwTracer, type FwWalker } from '../firewall/walk';
import { fillFields, fillRareFields, type AddressTyper } from '../firewall/fields';
import { FW_EV, ruleArg } from '../firewall/events';
import { firewallLogText } from '../firewall/log-text';
import { SF, rareUses, type FirewallState } from '../firewall/state';
import { tarpitSynAckInPlace } from '../firewall/tarpit';
import { NH, BridgeIpFirewall } from './state';
import { FlowStage, dropIn, rec, setFate, EV, Fate, type FlowState } from './state';

export type HookTable = 'raw' | 'filter' | 'mangle';
const TABLE_CODE: Record<HookTable, number> = { raw: 0, filter: 1, mangle: 2 };

export class FirewallHook extends FlowStage implements FwEffects, FwTracer, AddressTyper {
  private readonly table: FwTable;
  private readonly walker: FwWalker;
  private readonly chain: number;
  private readonly code: number;
  private readonly uses: number;
  /** Whether the hook knows the out-interface (forward, output, postrouting). */
  private readonly hasOut: boolean;
  /** A raw hook: runs before conntrack (no connection state; may set notrack). */
  private readonly isRaw: boolean;
  /** R bits the table's rules use (0: the rare fields are never filled). */
  private readonly rare: number;
  /** Bridge ports are known to the IP firewall (`/interface bridge settings use-ip-firewall=yes`). */
  private readonly bridgePorts: boolean;
  // The packet being walked (for effects and the tracer).
  private slot = 0;
  private ip = 0;
  private ctx: StageContext | null = null;
  /** Packets a sniff-tzsp / sniff-pc rule took (counted, not sent anywhere). */
  sniffed = 0;
  /** Packets a route rule took whose route-dst the routing stage does not apply yet. */

  constructor(
    st: FlowState,
    private readonly fw: FirewallState,
    name: string,
    table: HookTable,
    chainName: string,
    nextStage: string,
    hasOut: boolean,
    /** A hook of the bridged path (`bridge-ip-*`, use-ip-firewall): fasttrack-connection marks nothing. */
    private readonly bridged = false,
  ) {
    super(name, [nextStage], st);
    this.table = fw.tables[table];
    this.walker = table === 'raw' ? fw.rawWalk : table === 'filter' ? fw.filterWalk : fw.mangleWalk;
    this.chain = this.table.chainNames.indexOf(chainName);
    this.code = TABLE_CODE[table];
    this.hasOut = hasOut;
    this.isRaw = table === 'raw';
    let uses = 0;
    for (const r of this.table.chainRules[this.chain] ?? []) uses |= this.table.has[r]!;
    // Rules in user chains may be reached by jumps: include every rule of the table.
    for (let r = 0; r < this.table.n; r++) uses |= this.table.has[r]!;
    this.uses = uses;
    this.rare = uses & M.RARE ? rareUses(this.table) : 0;
    this.bridgePorts = (st.tables.bridgeIpFirewall & BridgeIpFirewall.USE_IP_FIREWALL) !== 0;
    fw.attachBytes(st.pool.bytes);
  }

  /** The bridge port (interface index) of `port` when it belongs to the bridge interface `bridgeIf`, else -1. */
  private bridgePort(port: number, bridgeIf: number): number {
    return this.bridgePorts ? bridgePortOf(this.st.tables, port, bridgeIf) : -1;
  }

  /** Rules in this hook's chain (an empty chain makes the hook a pass-through). */
  get empty(): boolean {
    return (this.table.chainRules[this.chain]?.length ?? 0) === 0;
  }

  process(slots: Uint32Array, n: number, next: Uint8Array, ctx: StageContext): void {
    const st = this.st;
    const fw = this.fw;
    const pool = st.pool;
    const m = pool.meta;
    const b = pool.bytes;
    const f = fw.f;
    const ct = fw.ct;
    const trace = ctx.trace;
    const now = st.now;
    const tracking = fw.tracking;
    this.ctx = ctx;
    for (let i = 0; i < n; i++) {
      const slot = slots[i]!;
      next[i] = 0;
      // Per-packet firewall columns are trusted only after conntrack wrote them; raw hooks run before it
      // and start the packet's flags afresh (a router-made error's connection, found when it was made, stays).
      if (this.isRaw) fw.slotFlags[slot] = fw.slotFlags[slot]! & SF.CT_ATTACHED;
      const frame = pool.frameOffset(slot);
      const ip = frame + m.l3Off[slot]!;
      this.slot = slot;
      this.ip = ip;
      const ref = tracking && !this.isRaw ? fw.ctRef[slot]! : -1;
      let cnat = 0;
      if (ref >= 0) {
        const s = ct.status[ref >> 1]!;
        cnat =
          (s & CtStatus.SRCNAT ? CN.SRCNAT : 0) | (s & CtStatus.DSTNAT ? CN.DSTNAT : 0) | (s & CtStatus.EIN_SNAT ? CN.EIN_SNAT : 0) | (s & CtStatus.EIN_DNAT ? CN.EIN_DNAT : 0);
      }
      const outIf = this.hasOut ? st.outIf[slot]! : -1;
      fillFields(f, b, m, slot, frame, ip, st.inIf[slot]!, outIf, tracking && !this.isRaw ? fw.ctInfo[slot]! : 0, cnat, this.uses, this);
      if (this.rare !== 0) {
        fillRareFields(f, b, m, slot, frame, ip, ref, this.bridgePort(m.inPort[slot]!, st.inIf[slot]!), this.bridgePort(m.outPort[slot]!, outIf), fw.priorityOf(slot));
        const x = fw.extra;
        if (ref >= 0 && x !== null) {
          if (this.rare & R.CONN_RATE) x.updateRate(ref >> 1, f[PF.BYTES]!, now);
          if (this.rare & R.LAYER7) x.updateL7(ref >> 1, b, f[PF.PAYLOAD]!, f[PF.PAYLOAD_LEN]!);
        }
      }
      f[PF.CTYPE] = connectionType(ct, ref);
      const traced = trace !== null && (m.flags[slot]! & 0x2000) !== 0;
      const v = this.walker.walk(this.chain, f, fw.lists, now, this, traced ? this : null);
      if (traced) rec(trace!, m.flags, slot, this.index, FW_EV.VERDICT, ruleArg(this.code, this.walker.rule), this.walker.rule < 0 ? A.ACCEPT : this.table.action[this.walker.rule]!);
      // Marks set by the rules.
      m.packetMark[slot] = f[PF.PMARK]!;
      m.routingMark[slot] = f[PF.RMARK]!;
      if (f[PF.CMARK] !== m.connMark[slot]) {
        m.connMark[slot] = f[PF.CMARK]!;
        if (ref >= 0) ct.mark[ref >> 1] = f[PF.CMARK]!;
      }
      if (v === V.ACCEPT) continue;
      if (v === V.REJECT && this.reject(slot, this.table.rejectWith[this.walker.rule]!, ctx)) {
        next[i] = NEXT_CONSUMED;
        continue;
      }
      if (v === V.TARPIT && this.tarpit(slot, ctx)) {
        next[i] = NEXT_CONSUMED;
        continue;
      }
      dropIn(st, slot, v === V.DROP ? Drop.FIREWALL_DROP : v === V.REJECT ? Drop.FIREWALL_REJECT : Drop.FIREWALL_TARPIT, this.index, trace);
      next[i] = NEXT_DROP;
    }
  }

  // ---- FwTracer ----
  rule(rule: number, failed: number): void {
    const t = this.ctx!.trace;
    if (t !== null) t.record(this.slot, this.index, FW_EV.RULE, ruleArg(this.code, rule), failed);
  }

  // ---- AddressTyper ----
  addressType(ip: number): number {
    return fibAddressType(this.st.tables, ip);
  }

  // ---- FwEffects ----
  effect(rule: number, action: number): void {
    const st = this.st;
    const fw = this.fw;
    const b = st.pool.bytes;
    const m = st.pool.meta;
    const slot = this.slot;
    const ip = this.ip;
    const t = this.table;
    switch (action) {
      case A.LOG: {
        const f = fw.f;
        const names = st.tables.ifNames;
        const inIf = f[PF.IN_IF]!;
        const outIf = f[PF.OUT_IF]!;
        const frame = st.pool.frameOffset(slot);
        const fl = m.flags[slot]!;
        fw.addLog(
          st.now,
          firewallLogText({
            b,
            ip,
            l4: (fl & 0x200) !== 0 && (fl & 0x80) === 0 ? frame + m.l4Off[slot]! : -1,
            eth: m.inPort[slot]! >= 0 && m.l3Off[slot]! >= 14 ? frame : -1,
            inName: inIf >= 0 ? names[inIf]! : '',
            outName: outIf >= 0 ? names[outIf]! : '',
            chain: t.chainNames[this.chain]!,
            prefix: t.logPrefix[rule] ?? '',
            info: fw.tracking ? fw.ctInfo[slot]! : 0,
            ct: fw.tracking ? fw.ct : null,
            ref: fw.ctRef[slot]!,
          }),
        );
        return;
      }
      case A.FASTTRACK: {
        // Bridged traffic is never fasttracked: RouterOS's FastTrack needs bridge FastPath, which needs
        // use-ip-firewall=no (ROUTEROS-FLOW.md §1); the rule counts the packet and marks nothing.
        if (this.bridged) return;
        const ref = fw.ctRef[slot]!;
        const proto = b[ip + 9];
        if (ref >= 0 && (proto === 6 || proto === 17)) {
          const st0 = fw.ct.status[ref >> 1]!;
          if ((st0 & CtStatus.FASTTRACK) === 0) fw.ftMarked++;
          fw.ct.status[ref >> 1] = st0 | CtStatus.FASTTRACK;
          if (proto === 6) tcpBeLiberal(fw.ct, ref >> 1);
          fw.slotFlags[slot] = fw.slotFlags[slot]! | SF.FASTTRACK;
        }
        return;
      }
      case A.NOTRACK:
        fw.slotFlags[slot] = fw.slotFlags[slot]! | SF.NOTRACK;
        return;
      case A.CHANGE_TTL: {
        const cur = b[ip + 8]!;
        const v = t.modVal[rule]!;
        const op = t.modOp[rule]!;
        const nt = op === 0 ? v : op === 1 ? Math.min(255, cur + v) : Math.max(0, cur - v);
        if (nt !== cur) ipv4RewriteTtl(b, ip, nt);
        fw.f[PF.TTL] = nt;
        return;
      }
      case A.CHANGE_DSCP:
        ipv4RewriteDscp(b, ip, t.modVal[rule]!);
        fw.f[PF.DSCP] = t.modVal[rule]!;
        return;
      case A.CLEAR_DF: {
        const old = (b[ip + 6]! << 8) | b[ip + 7]!;
        if (old & 0x4000) {
          b[ip + 6] = b[ip + 6]! & ~0x40;
          const c = csumReplace16((b[ip + 10]! << 8) | b[ip + 11]!, old, old & ~0x4000);
          b[ip + 10] = c >>> 8;
          b[ip + 11] = c;
        }
        return;
      }
      case A.CHANGE_MSS:
        this.changeMss(b, m.l4Off[slot]! + st.pool.frameOffset(slot), ip, t.modVal[rule]!);
        return;
      case A.SET_PRIORITY: {
        const v = t.modVal[rule]!;
        const f = fw.f;
        const p = v >= 0 ? v : v === PRIO_FROM.DSCP ? b[ip + 1]! >>> 2 : v === PRIO_FROM.DSCP_HIGH_3_BITS ? b[ip + 1]! >>> 5 : this.ingressPriority(slot);
        fw.priority[slot] = p;
        fw.slotFlags[slot] = fw.slotFlags[slot]! | SF.PRIORITY;
        f[PF.PRIORITY] = p;
        return;
      }
      case A.STRIP_IPV4_OPTIONS:
        this.stripOptions(slot, ip);
        return;
      case A.SNIFF:
        this.sniffed++;
        return;
      case A.ROUTE:
        fw.routeDst[slot] = t.modVal[rule]! >>> 0;
        fw.slotFlags[slot] = fw.slotFlags[slot]! | SF.ROUTE;
        return;
      default:
        return;
    }
  }

  /** The VLAN PCP the frame in `slot` arrived with (0 when its tag is gone or it had none). */
  private ingressPriority(slot: number): number {
    const pool = this.st.pool;
    const fr = pool.frameOffset(slot);
    const b = pool.bytes;
    const et = (b[fr + 12]! << 8) | b[fr + 13]!;
    return pool.meta.inPort[slot]! >= 0 && (et === 0x8100 || et === 0x88a8) && pool.meta.l3Off[slot]! >= 18 ? b[fr + 14]! >>> 5 : 0;
  }

  /** strip-ipv4-options: the IPv4 header becomes 20 bytes; what follows it moves up; lengths and checksum follow. */
  private stripOptions(slot: number, ip: number): void {
    const pool = this.st.pool;
    const m = pool.meta;
    const b = pool.bytes;
    const ihl = (b[ip]! & 15) << 2;
    if (ihl <= 20) return;
    const d = ihl - 20;
    const frame = pool.frameOffset(slot);
    const end = frame + m.len[slot]!;
    b.copyWithin(ip + 20, ip + ihl, end);
    const tl = ((b[ip + 2]! << 8) | b[ip + 3]!) - d;
    b[ip] = 0x45;
    b[ip + 2] = tl >>> 8;
    b[ip + 3] = tl;
    b[ip + 10] = 0;
    b[ip + 11] = 0;
    ipv4FillChecksum(b, ip);
    m.len[slot] = m.len[slot]! - d;
    m.wireLen[slot] = Math.max(0, m.wireLen[slot]! - d);
    m.l3Len[slot] = m.l3Len[slot]! - d;
    if (m.l4Off[slot]! >= m.l3Off[slot]! + ihl) m.l4Off[slot] = m.l4Off[slot]! - d;
    m.flags[slot] = m.flags[slot]! & ~PktFlag.IP_OPTIONS;
    const f = this.fw.f;
    f[PF.SIZE] = tl;
    f[PF.IPV4_OPTS] = 0;
    if (f[PF.PAYLOAD]! >= 0) f[PF.PAYLOAD] = f[PF.PAYLOAD]! - d;
    if (f[PF.SNI]! >= 0) f[PF.SNI] = f[PF.SNI]! - d;
  }

  /**
   * tarpit: a SYN becomes the SYN/ACK that holds the connection (in place, sent through routing-output) and
   * true is returned with the SYN's fate recorded as `firewall-tarpit`; false for anything else (the caller
   * drops it).
   */
  private tarpit(slot: number, ctx: StageContext): boolean {
    const st = this.st;
    const pool = st.pool;
    const t = st.tables;
    const inIf = st.inIf[slot]!;
    const keepPort = pool.meta.inPort[slot]!;
    if (!tarpitSynAckInPlace(pool, slot, inIf >= 0 ? t.macHi[inIf]! : -1, inIf >= 0 ? t.macLo[inIf]! : 0)) return false;
    pool.meta.inPort[slot] = keepPort;
    setFate(st, slot, Fate.DROP, Drop.FIREWALL_TARPIT);
    st.graph.drops[Drop.FIREWALL_TARPIT]!++;
    if (ctx.trace !== null) rec(ctx.trace, pool.meta.flags, slot, this.index, EV.DROP, Drop.FIREWALL_TARPIT);
    this.fw.forget(slot);
    pool.meta.inPort[slot] = -1;
    st.inIf[slot] = -1;
    st.injectNew(st.at.routingOutput, slot, ctx.trace);
    return true;
  }

  /** Rewrite the MSS option of a TCP SYN (new-mss=N, or clamp-to-pmtu: the out-interface MTU - 40). */
  private changeMss(b: Uint8Array, l4: number, ip: number, value: number): void {
    if (b[ip + 9] !== 6 || !(b[l4 + 13]! & 0x02)) return;
    const doff = (b[l4 + 12]! >>> 4) << 2;
    let mss = value;
    if (mss === 0) {
      const out = this.st.outIf[this.slot]!;
      if (out < 0) return;
      mss = this.st.tables.mtu[out]! - 40;
    }
    const end = l4 + doff;
    for (let o = optFirst(b, l4 + 20, end); o >= 0; o = optNext(b, o, end)) {
      if (b[o] === 2 && b[o + 1] === 4) {
        const old = (b[o + 2]! << 8) | b[o + 3]!;
        // clamp-to-pmtu only lowers; an explicit new-mss sets (RouterOS: "change-mss" to the value).
        if (value === 0 && old <= mss) return;
        b[o + 2] = mss >>> 8;
        b[o + 3] = mss;
        l4CsumReplace16(b, l4, 6, old, mss & 0xffff);
        return;
      }
    }
  }

  /**
   * Send the reject-with answer. An ICMP error is a new packet (the original is then dropped by the caller);
   * a TCP reset is made from the packet itself, in place: the original's fate is recorded as rejected here and
   * true is returned (the slot now carries the reset to routing-output).
   */
  private reject(slot: number, code: number, ctx: StageContext): boolean {
    const st = this.st;
    const pool = st.pool;
    const t = st.tables;
    const inIf = st.inIf[slot]!;
    if (code === TCP_RESET) {
      if (pool.bytes[this.ip + 9] !== 6) return false;
      const keepMeta = pool.meta.inPort[slot]!;
      if (tcpResetInPlace(pool, slot, inIf >= 0 ? t.macHi[inIf]! : -1, inIf >= 0 ? t.macLo[inIf]! : 0) !== 0) return false;
      // The rejected segment's fate, counted as a drop of the port it came in on.
      pool.meta.inPort[slot] = keepMeta;
      setFate(st, slot, Fate.DROP, Drop.FIREWALL_REJECT);
      st.graph.drops[Drop.FIREWALL_REJECT]!++;
      if (ctx.trace !== null) rec(ctx.trace, pool.meta.flags, slot, this.index, EV.DROP, Drop.FIREWALL_REJECT);
      this.fw.forget(slot);
      pool.meta.inPort[slot] = -1;
      st.inIf[slot] = -1;
      st.injectNew(st.at.routingOutput, slot, ctx.trace);
      return true;
    }
    const src = inIf >= 0 ? t.ifAddr[inIf]! : 0;
    const e = icmpError(pool, slot, code >>> 8, code & 0xff, src, 0, ctx.nowSec, ctx.nowNsec, st.icmpLimiter);
    if (e >= 0) {
      st.inIf[e] = -1;
      st.injectNew(st.at.routingOutput, e, ctx.trace);
    }
    return false;
  }
}

/**
 * The bridge port (interface index) of port number `port` when it is a port of the bridge whose interface is
 * `bridgeIf` (in-/out-bridge-port of a packet that entered or leaves by that bridge), else -1.
 */
export function bridgePortOf(t: FlowState['tables'], port: number, bridgeIf: number): number {
  if (port < 0 || bridgeIf < 0 || port >= t.portBridge.length) return -1;
  const br = t.portBridge[port]!;
  return br >= 0 && t.bridgeIf[br] === bridgeIf ? t.portIf[port]! : -1;
}

/** Matcher bits that make a hook read fields it otherwise skips (exported for tests). */
export const COSTLY_MATCHERS = M.MSS | M.SRC_TYPE | M.DST_TYPE;

/**
 * `src-/dst-address-type` of an address the fields.ts static check left open: the kind of its route in the
 * main table (local, broadcast, blackhole, unreachable, prohibit; anything else unicast) — Linux xt_addrtype
 * asks the FIB the same way. Returns AT bits (rules.ts).
 */
export function fibAddressType(t: FlowState['tables'], ip: number): number {
  const fib = t.fibs[t.mainTable];
  if (!fib) return AT.UNICAST;
  const g = fib.lookup(ip >>> 0);
  const k = g >= 0 ? t.nextHops.kind[g]! : NH.NONE;
  return k === NH.LOCAL ? AT.LOCAL : k === NH.BROADCAST ? AT.BROADCAST : k === NH.BLACKHOLE ? AT.BLACKHOLE : k === NH.UNREACHABLE ? AT.UNREACHABLE : k === NH.PROHIBIT ? AT.PROHIBIT : AT.UNICAST;
}
