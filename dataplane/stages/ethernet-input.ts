/**
 * ethernet-input: the first stage of the flow (RouterOS "in-interface"). Per frame:
 * - the port must carry an enabled ethernet interface (`no-interface`); frames on a bridge port (ifMode 2) go
 *   to the bridged path once parsed (bridge-dstnat, the bridge nat dstnat chain; pass-through without rules,
 *   then bridge-input), tagged or not (no own-MAC check: the bridge decides; without vlan-filtering
 *   it forwards tagged frames unchanged), except a tagged frame whose outer tag matches a VLAN interface on
 *   the port itself (Linux: vlan_do_receive runs before the bridge's rx_handler), which goes to vlan-input as
 *   on a routed port; tagged frames on a routed port go to vlan-input (which matches
 *   them to `/interface vlan` items, checks the MAC and pops the tags); only Ethernet link type
 *   (`unsupported-link-type`);
 * - parseFrame classifies it (malformed frames are dropped with parseFrame's reason);
 * - a unicast frame for another MAC is `not-for-router` (Linux PACKET_OTHERHOST: ip_rcv and arp_rcv drop it);
 * - by ethertype: ARP → arp-input, IPv4 → ip4-input, IPv6 → `ipv6-not-implemented`, anything else
 *   (LLDP, 802.3/LLC, MPLS...) → `unknown-ethertype`.
 * Counts rx packets/bytes per port.
 */
import type { StageContext } from '../graph';
import { NEXT_DROP } from '../graph';
import { Drop } from '../drop';
import { parseFrame } from '../wire/parse';
import { routedIpv4 } from './ethernet-routed';
import { FlowStage, dropIn, rec, EV, type FlowState } from './state';

export const NEXT_ARP = 0;
export const NEXT_IP4 = 1;
export const NEXT_BRIDGE = 2;
export const NEXT_VLAN = 3;

export class EthernetInput extends FlowStage {
  constructor(st: FlowState) {
    super('ethernet-input', ['arp-input', 'ip4-input', 'bridge-dstnat', 'vlan-input'], st);
  }

  /** Does the outer tag of the frame at `off` match a VLAN interface on (bridge port) interface `ifi`? */
  private vlanOnPort(b: Uint8Array, off: number, ifi: number, vid: number): boolean {
    const t = this.st.tables;
    const tpid = (b[off + 12]! << 8) | b[off + 13]!;
    for (let k = 0; k < t.vlanIf.length; k++) if (t.vlanParent[k] === ifi && t.vlanId[k] === vid && t.vlanTpid[k] === tpid) return true;
    return false;
  }

  process(slots: Uint32Array, n: number, next: Uint8Array, ctx: StageContext): void {
    const st = this.st;
    const pool = st.pool;
    const m = pool.meta;
    const b = pool.bytes;
    const view = pool.view;
    const routed = routedIpv4;
    const t = st.tables;
    const trace = ctx.trace;
    const c = st.counters;
    // Columns in locals: V8 does not hoist property loads across the typed-array stores in the loop.
    const inPort = m.inPort;
    const lenCol = m.len;
    const dropCol = m.drop;
    const flags = m.flags;
    const etherType = m.etherType;
    const linkType = m.linkType;
    const wireLen = m.wireLen;
    const start = m.start;
    const slotSize = pool.slotSize;
    const rxPackets = c.rxPackets;
    const rxBytes = c.rxBytes;
    const portIf = t.portIf;
    const ports = portIf.length;
    const ifMode = t.ifMode;
    const macHi = t.macHi;
    const macLo = t.macLo;
    const inIf = st.inIf;
    const hasVlan = st.ifHasVlan;
    // rx counters are summed in locals while the port stays the same (a vector usually comes from one
    // port): no load-add-store chain on the same Float64Array cell per packet.
    let cPort = -1;
    let cPk = 0;
    let cBy = 0;
    for (let i = 0; i < n; i++) {
      const slot = slots[i]!;
      const port = inPort[slot]!;
      let drop = dropCol[slot]!;
      let code = NEXT_DROP;
      let ifi = -1;
      if (trace !== null) rec(trace, flags, slot, this.index, EV.RX, port);
      if (port >= 0 && port < ports) {
        if (port !== cPort) {
          if (cPort >= 0) {
            rxPackets[cPort]! += cPk;
            rxBytes[cPort]! += cBy;
          }
          cPort = port;
          cPk = 0;
          cBy = 0;
        }
        cPk++;
        cBy += wireLen[slot]!;
        ifi = portIf[port]!;
      }
      inIf[slot] = ifi;
      if (drop === 0) {
        if (ifi < 0) drop = Drop.NO_INTERFACE;
        else if (ifMode[ifi] === 0) drop = Drop.BRIDGE_NOT_IMPLEMENTED;
        else if (linkType[slot] !== 1) drop = Drop.UNSUPPORTED_LINK_TYPE;
      }
      if (drop === 0) {
        const off = slot * slotSize + start[slot]!;
        // Routed port, plain IPv4 for our MAC: the fast path (stages/ethernet-routed.ts), else parseFrame.
        if (ifMode[ifi] === 1 && routed(b, view, off, lenCol[slot]!, macHi[ifi]!, macLo[ifi]!, m, slot)) {
          next[i] = 1; // NEXT_IP4 (a literal: an exported const is a property load per packet in CommonJS)
          continue;
        }
        drop = parseFrame(b, off, lenCol[slot]!, 1, m, slot, false);
        if (drop === 0) {
          const f = flags[slot]!;
          if (ifMode[ifi] === 2) code = (f & 0x1) !== 0 && hasVlan[ifi] === 1 && this.vlanOnPort(b, off, ifi, m.vlanOuter[slot]!) ? NEXT_VLAN : NEXT_BRIDGE;
          else if ((f & 0x1) !== 0) code = NEXT_VLAN;
          else if (
            (f & 0x800) === 0 &&
            (((b[off]! << 8) | b[off + 1]!) !== macHi[ifi] ||
              (((b[off + 2]! << 24) | (b[off + 3]! << 16) | (b[off + 4]! << 8) | b[off + 5]!) >>> 0) !== macLo[ifi])
          )
            drop = Drop.NOT_FOR_ROUTER;
          else {
            const et = etherType[slot]!;
            if (et === 0x0800) code = NEXT_IP4;
            else if (et === 0x0806) code = NEXT_ARP;
            else if (et === 0x86dd) drop = Drop.IPV6_NOT_IMPLEMENTED;
            else drop = Drop.UNKNOWN_ETHERTYPE;
          }
        }
      }
      if (drop !== 0) {
        dropIn(st, slot, drop, this.index, trace);
        code = NEXT_DROP;
      }
      next[i] = code;
    }
    if (cPort >= 0) {
      rxPackets[cPort]! += cPk;
      rxBytes[cPort]! += cBy;
    }
  }
}
