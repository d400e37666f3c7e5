/**
 * bridge-filter-input, bridge-filter-forward, bridge-filter-output: the `/interface bridge filter` chains
 * (ROUTEROS-FLOW.md §1 (d), §6; rule walk and matchers in bridge-rules.ts):
 * - **bridge-filter-forward**, per copy after the bridging decision (bridge-input), for frames going from a
 *   port to another port: in-interface = the receiving port, out-interface = the sending port. Accepted
 *   frames go on to bridge-srcnat, or, with use-ip-firewall and a frame that qualifies (FlowState.bridgeIpfw,
 *   set by bridge-dstnat), first through the bridged IP forward hooks (`bridge-ip-mangle-forward`,
 *   `bridge-ip-filter-forward`: the routed path's hook stages under bridged names, firewall-stages.ts).
 * - **bridge-filter-input**, for frames bridge-input sends up to the router (to the bridge's MAC, or the
 *   flooded copy of a broadcast/multicast): in-interface = the receiving port, no out-interface. Accepted
 *   frames enter the IP stack where bridge-input said (FlowState.bridgeUp: arp-input, ip4-input,
 *   vlan-input). Only reached when the chain has rules.
 * - **bridge-filter-output**, per copy after bridge-output for frames the router sends through a bridge:
 *   no in-interface, out-interface = the sending port. Accepted frames go on to bridge-srcnat.
 * Dropped frames: `bridge-filter-drop`. A chain with no rules (and, for forward, no IP hooks) makes its
 * stage pass-through: the graph sends packets straight past it at no cost.
 * Not implemented: set-priority (counted, passes through), limit and the STP / 802.3 / IPv6 matchers
 * (rules using them are compiled inactive).
 */
import type { StageContext } from '../graph';
import { NEXT_DROP } from '../graph';
import { Drop } from '../drop';
import { FlowStage, dropIn, type FlowState } from './state';
import { BrChain, BrVerdict, F_SIZE, chainLength, fillFields } from './bridge-rules';

/**
 * Base of the bridge firewall stages: fills the packet fields for the chain and walks it.
 * `walkFrame` returns a BrVerdict; the deciding rule is `st.bridgeWalk.row`.
 */
export abstract class BridgeRuleStage extends FlowStage {
  /** The graph sends packets straight past a stage with nothing to do. */
  readonly passThrough: boolean;
  protected readonly fields = new Int32Array(F_SIZE);
  /** Chain has rules. */
  protected readonly active: boolean;

  constructor(
    name: string,
    next: readonly string[],
    st: FlowState,
    protected readonly chain: number,
    passThrough: boolean,
  ) {
    super(name, next, st);
    this.active = chainLength(st.tables.bridgeRules, chain) > 0;
    this.passThrough = passThrough;
  }

  /**
   * Walk the chain for `slot`: `inPort`/`outPort` are the bridge ports the chain sees (-1: none), `br` the
   * bridge (its MAC is the redirect target, its FDB says whether the destination is `host`).
   */
  protected walkFrame(slot: number, inPort: number, outPort: number, br: number, ctx: StageContext): number {
    const st = this.st;
    const t = st.tables;
    const pool = st.pool;
    const m = pool.meta;
    const b = pool.bytes;
    const off = slot * pool.slotSize + m.start[slot]!;
    const len = m.len[slot]!;
    const nPorts = t.portNames.length;
    const R = t.bridgeRules;
    let host = false;
    if (R.usesPacketType && br >= 0) {
      const to = st.fdbs[br]!.lookup((b[off]! << 8) | b[off + 1]!, ((b[off + 2]! << 24) | (b[off + 3]! << 16) | (b[off + 4]! << 8) | b[off + 5]!) >>> 0, 0);
      host = to >= nPorts;
    }
    const inBr = inPort >= 0 && t.portBridge[inPort]! >= 0 ? nPorts + t.portBridge[inPort]! : -1;
    const outBr = outPort >= 0 && t.portBridge[outPort]! >= 0 ? nPorts + t.portBridge[outPort]! : -1;
    fillFields(this.fields, b, off, len, m.flags[slot]!, m.etherType[slot]!, m.l3Off[slot]!, m.l4Off[slot]!, m.l4Proto[slot]!, m.packetMark[slot]!, inPort, outPort, inBr, outBr, host, R.needs);
    const trace = ctx.trace;
    const traced = trace !== null && (m.flags[slot]! & 0x2000) !== 0;
    const bif = br >= 0 ? t.bridgeIf[br]! : 0;
    return st.bridgeWalk.walk(this.chain, this.fields, slot, b, off, len, m.packetMark, t.macs, bif * 6, trace, traced, this.index);
  }
}

/** Which built-in filter chain a BridgeFilter stage runs. */
export type BridgeFilterChain = 'input' | 'forward' | 'output';

export class BridgeFilter extends BridgeRuleStage {
  /** Next code for frames that take the bridged IP forward hooks (-1: none in the graph). */
  private readonly ipNext: number;

  /**
   * `ipForward`: the first bridged IP forward stage in the graph (forward chain only, when use-ip-firewall
   * is on), else undefined.
   */
  constructor(st: FlowState, which: BridgeFilterChain, ipForward?: string) {
    const chain = which === 'input' ? BrChain.INPUT : which === 'forward' ? BrChain.FORWARD : BrChain.OUTPUT;
    const next = which === 'input' ? ['arp-input', 'ip4-input', 'vlan-input'] : ipForward !== undefined ? ['bridge-srcnat', ipForward] : ['bridge-srcnat'];
    const active = chainLength(st.tables.bridgeRules, chain) > 0;
    super(`bridge-filter-${which}`, next, st, chain, which !== 'input' && !active && ipForward === undefined);
    this.ipNext = ipForward !== undefined ? 1 : -1;
  }

  process(slots: Uint32Array, n: number, next: Uint8Array, ctx: StageContext): void {
    const st = this.st;
    const m = st.pool.meta;
    const t = st.tables;
    const nPorts = t.portNames.length;
    const chain = this.chain;
    const active = this.active;
    const ipNext = this.ipNext;
    const isIn = chain === BrChain.INPUT;
    const isOut = chain === BrChain.OUTPUT;
    const DROP = BrVerdict.DROP;
    for (let i = 0; i < n; i++) {
      const slot = slots[i]!;
      const inPort = isOut ? -1 : m.inPort[slot]!;
      const outPort = isIn ? -1 : m.outPort[slot]!;
      if (active) {
        const p = inPort >= 0 && inPort < nPorts ? inPort : outPort;
        const br = p >= 0 && p < nPorts ? t.portBridge[p]! : -1;
        if (this.walkFrame(slot, inPort, outPort, br, ctx) === DROP) {
          dropIn(st, slot, Drop.BRIDGE_FILTER_DROP, this.index, ctx.trace);
          next[i] = NEXT_DROP;
          continue;
        }
      }
      if (isIn) next[i] = st.bridgeUp[slot]!;
      else next[i] = ipNext > 0 && st.bridgeIpfw[slot] === 1 ? ipNext : 0;
    }
  }
}
