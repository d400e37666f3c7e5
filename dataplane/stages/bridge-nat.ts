/**
 * bridge-dstnat and bridge-srcnat: the `/interface bridge nat` chains (ROUTEROS-FLOW.md §1 (d), §6; rule
 * walk, matchers and actions in bridge-rules.ts).
 * - **bridge-dstnat** (chain dstnat) sees every frame received on a bridge port first, before the bridging
 *   decision: in-interface = the receiving port, no out-interface (not decided yet). dst-nat and redirect
 *   rewrite the destination MAC, so bridge-input decides on the new one (redirect: the bridge's MAC, so the
 *   frame goes up to the router). arp-reply answers an ARP request with `to-arp-reply-mac-address`: the
 *   request is turned into the reply in place and leaves through the port it came in on (interface-tx).
 *   drop: `bridge-nat-drop`. With `use-ip-firewall=yes` this stage also decides which frames take the
 *   bridged IP firewall hooks (FlowState.bridgeIpfw = 1): IPv4 frames, untagged, or with one tag when
 *   `use-ip-firewall-for-vlan=yes` (PPPoE-encapsulated IPv4, `use-ip-firewall-for-pppoe`, is not
 *   implemented); a bad IPv4 header checksum is dropped here (`ipv4-bad-checksum`, Linux
 *   br_validate_ipv4). Those frames get in-/out-interface = the bridge and PktFlag.BRIDGE_IP, and go
 *   through the bridged IP prerouting hooks (`bridge-ip-raw-prerouting`, `bridge-ip-conntrack`,
 *   `bridge-ip-mangle-prerouting`, `bridge-ip-dstnat`: the routed path's stages, firewall-stages.ts)
 *   before bridge-input. Non-IP frames never reach IP facilities. UNCONFIRMED (RouterOS says nothing):
 *   a tagged frame's in-interface in those hooks is the bridge too; Linux br_netfilter names the
 *   `/interface vlan` of its VID on the bridge when there is one.
 *   Flooded copies carry the frame's connection (FirewallState.copySlot), so each copy passes the forward
 *   and postrouting hooks with the same connection state.
 * - **bridge-srcnat** (chain srcnat) sees every frame leaving a bridge port, after bridge-filter-forward
 *   (bridged frames: in-interface = the receiving port) or bridge-filter-output (router frames: no
 *   in-interface), out-interface = the sending port. src-nat rewrites the source MAC; drop:
 *   `bridge-nat-drop`. Bridged frames with FlowState.bridgeIpfw go through the bridged IP postrouting
 *   hooks (`bridge-ip-mangle-postrouting`, `bridge-ip-srcnat`, `bridge-ip-queue-global`,
 *   `bridge-ip-simple-queues`: the queue ones are placeholders) before leaving; router frames had their IP
 *   postrouting already.
 * A chain with no rules (and no IP hooks) makes its stage pass-through. Bridged frames do not pass an
 * interface queue stage yet ([queues]).
 */
import type { StageContext } from '../graph';
import { NEXT_DROP } from '../graph';
import { Drop } from '../drop';
import { ARP_THA, arpMakeReply } from '../wire/arp';
import { ipv4ChecksumOk } from '../wire/checksum';
import { PktFlag } from '../buf/meta';
import { BridgeIpFirewall, dropIn, type FlowState } from './state';
import { BrChain, BrVerdict, BR_EV, chainLength } from './bridge-rules';
import { BridgeRuleStage } from './bridge-filter';

export class BridgeDstNat extends BridgeRuleStage {
  private readonly txNext: number;
  private readonly ipNext: number;
  private readonly ipfw: number;

  /**
   * `ipfw`: use-ip-firewall is on (frames are sorted for the bridged IP hooks); `ipPrerouting`: the first
   * bridged IP prerouting stage in the graph (undefined when none is: qualifying frames go on to bridge-input).
   */
  constructor(st: FlowState, ipPrerouting?: string, ipfw = false) {
    const active = chainLength(st.tables.bridgeRules, BrChain.DSTNAT) > 0;
    const next = ['bridge-input'];
    if (active) next.push('interface-tx');
    if (ipPrerouting !== undefined) next.push(ipPrerouting);
    super('bridge-dstnat', next, st, BrChain.DSTNAT, next.length === 1 && !ipfw);
    this.txNext = active ? 1 : -1;
    this.ipNext = ipPrerouting !== undefined ? next.length - 1 : 0;
    this.ipfw = ipfw ? st.tables.bridgeIpFirewall : 0;
  }

  process(slots: Uint32Array, n: number, next: Uint8Array, ctx: StageContext): void {
    const st = this.st;
    const pool = st.pool;
    const m = pool.meta;
    const t = st.tables;
    const active = this.active;
    const ipfw = this.ipfw;
    for (let i = 0; i < n; i++) {
      const slot = slots[i]!;
      const port = m.inPort[slot]!;
      if (active) {
        const br = port >= 0 && port < t.portBridge.length ? t.portBridge[port]! : -1;
        const v = this.walkFrame(slot, port, -1, br, ctx);
        if (v === BrVerdict.DROP) {
          dropIn(st, slot, Drop.BRIDGE_NAT_DROP, this.index, ctx.trace);
          next[i] = NEXT_DROP;
          continue;
        }
        if (v === BrVerdict.ARP_REPLY) {
          this.arpReply(slot, st.bridgeWalk.row, ctx);
          next[i] = this.txNext;
          continue;
        }
      }
      if (ipfw !== 0) {
        const f = m.flags[slot]!;
        const ok = m.etherType[slot] === 0x0800 && ((f & 0x1) === 0 || ((ipfw & BridgeIpFirewall.FOR_VLAN) !== 0 && (f & 0x2) === 0));
        st.bridgeIpfw[slot] = ok ? 1 : 0;
        if (ok) {
          // Linux br_validate_ipv4: a bad header checksum never reaches the IP hooks (parseFrame checked the rest).
          const ip = pool.frameOffset(slot) + m.l3Off[slot]!;
          if (!ipv4ChecksumOk(pool.bytes, ip)) {
            dropIn(st, slot, Drop.IPV4_BAD_CHECKSUM, this.index, ctx.trace);
            next[i] = NEXT_DROP;
            continue;
          }
          // In the IP hooks in-/out-interface is the bridge (in-/out-bridge-port the ports); BRIDGE_IP
          // tells ip4-input that the prerouting hooks ran if the frame goes up to the router.
          const bif = t.bridgeIf[t.portBridge[port]!]!;
          st.inIf[slot] = bif;
          st.outIf[slot] = bif;
          m.flags[slot] = f | PktFlag.BRIDGE_IP;
        }
        next[i] = ok ? this.ipNext : 0;
      } else next[i] = 0;
    }
  }

  /** arp-reply: answer the ARP request in `slot` in place with rule `row`'s MAC, back out of its port. */
  private arpReply(slot: number, row: number, ctx: StageContext): void {
    const st = this.st;
    const pool = st.pool;
    const m = pool.meta;
    const b = pool.bytes;
    const R = st.tables.bridgeRules;
    const f = pool.frameOffset(slot);
    const a = f + m.l3Off[slot]!;
    arpMakeReply(b, a, R.toMac, row * 6);
    // Ethernet: to the asker (the request's sender hardware address, now the reply's target), from the MAC.
    for (let k = 0; k < 6; k++) {
      b[f + k] = b[a + ARP_THA + k]!;
      b[f + 6 + k] = R.toMac[row * 6 + k]!;
    }
    m.flags[slot] = m.flags[slot]! & ~0xc00;
    m.outPort[slot] = m.inPort[slot]!;
    if (ctx.trace !== null && (m.flags[slot]! & 0x2000) !== 0) ctx.trace.record(slot, this.index, BR_EV.NAT, row, 2);
  }
}

export class BridgeSrcNat extends BridgeRuleStage {
  private readonly ipNext: number;

  /** `ipPostrouting`: the first bridged IP postrouting stage in the graph when use-ip-firewall is on, else undefined. */
  constructor(st: FlowState, ipPostrouting?: string) {
    const active = chainLength(st.tables.bridgeRules, BrChain.SRCNAT) > 0;
    const next = ipPostrouting !== undefined ? ['interface-tx', ipPostrouting] : ['interface-tx'];
    super('bridge-srcnat', next, st, BrChain.SRCNAT, !active && ipPostrouting === undefined);
    this.ipNext = ipPostrouting !== undefined ? 1 : -1;
  }

  process(slots: Uint32Array, n: number, next: Uint8Array, ctx: StageContext): void {
    const st = this.st;
    const m = st.pool.meta;
    const t = st.tables;
    const active = this.active;
    const ipNext = this.ipNext;
    for (let i = 0; i < n; i++) {
      const slot = slots[i]!;
      const outPort = m.outPort[slot]!;
      if (active) {
        const inPort = st.bridgeOut[slot] === 1 ? -1 : m.inPort[slot]!;
        const br = outPort >= 0 && outPort < t.portBridge.length ? t.portBridge[outPort]! : -1;
        if (this.walkFrame(slot, inPort, outPort, br, ctx) === BrVerdict.DROP) {
          dropIn(st, slot, Drop.BRIDGE_NAT_DROP, this.index, ctx.trace);
          next[i] = NEXT_DROP;
          continue;
        }
      }
      next[i] = ipNext > 0 && st.bridgeIpfw[slot] === 1 ? ipNext : 0;
    }
  }
}
