/**
 * vlan-input: tagged frames for the router's `/interface vlan` interfaces (Linux vlan_do_receive; RouterOS
 * ROUTEROS-FLOW.md: a VLAN interface on an ethernet port or on a bridge). It gets tagged frames from
 * ethernet-input (a routed port) and from bridge-input (tagged frames that go up to the bridge's own
 * interface: addressed to it, or broadcast/multicast). Per frame, starting at the interface it arrived on:
 * - the outer tag (TPID + VLAN ID) must match a VLAN interface on that interface (`use-service-tag=yes`:
 *   TPID 0x88a8, else 0x8100); the VLAN becomes the current interface and the next tag is matched against
 *   VLANs on it (QinQ: a VLAN on a VLAN), until the frame has no more tags. A tag with no VLAN interface →
 *   `vlan-unknown` (Linux drops frames for VLANs it has no device for), except an 802.1Q priority tag
 *   (VID 0), which leaves the current interface as it is (Linux accepts VID 0 on every device). Each match
 *   is a `vlan-pop` event;
 * - the frame then counts as received on the innermost VLAN (in-interface = the VLAN). From a routed port
 *   its destination must be the VLAN's MAC (its parent's) or a group address (`not-for-router`);
 * - IPv4: the tags are popped in place (the 12 MAC bytes move forward over them, `start` advances; offsets,
 *   VLAN columns and flags follow) and it goes to ip4-input;
 * - ARP: goes to arp-input with its tags left in place: arp-input answers a request in place and sends it
 *   back out the port it came in, so the reply carries the same tags (what popping and pushing them again
 *   would give); anything else about ARP reads the packet from `l3Off`, after the tags;
 * - IPv6 → `ipv6-not-implemented`, anything else → `unknown-ethertype`.
 * Priority (PCP) and DEI bits of popped tags are not kept.
 */
import type { StageContext } from '../graph';
import { NEXT_DROP } from '../graph';
import { Drop } from '../drop';
import { FlowStage, dropIn, rec, EV, type FlowState } from './state';

export const VLAN_NEXT_ARP = 0;
export const VLAN_NEXT_IP4 = 1;

export class VlanInput extends FlowStage {
  constructor(st: FlowState) {
    super('vlan-input', ['arp-input', 'ip4-input'], st);
  }

  process(slots: Uint32Array, n: number, next: Uint8Array, ctx: StageContext): void {
    const st = this.st;
    const pool = st.pool;
    const m = pool.meta;
    const b = pool.bytes;
    const t = st.tables;
    const trace = ctx.trace;
    const start = m.start;
    const lenCol = m.len;
    const flags = m.flags;
    const l3Off = m.l3Off;
    const l4Off = m.l4Off;
    const etherType = m.etherType;
    const vlanOuter = m.vlanOuter;
    const vlanInner = m.vlanInner;
    const dv = pool.view;
    const slotSize = pool.slotSize;
    const inIf = st.inIf;
    const vlanIf = t.vlanIf;
    const vlanParent = t.vlanParent;
    const vlanId = t.vlanId;
    const vlanTpid = t.vlanTpid;
    const nVlans = vlanIf.length;
    const ifPort = t.ifPort;
    const nPorts = t.portNames.length;
    const macHi = t.macHi;
    const macLo = t.macLo;
    for (let i = 0; i < n; i++) {
      const slot = slots[i]!;
      const off = slot * slotSize + start[slot]!;
      const len = lenCol[slot]!;
      let cur = inIf[slot]!;
      const fromBridge = cur >= 0 && ifPort[cur]! >= nPorts;
      let p = 12;
      let drop = 0;
      for (;;) {
        if (p + 4 > len) break;
        const tpid = (b[off + p]! << 8) | b[off + p + 1]!;
        if (tpid !== 0x8100 && tpid !== 0x88a8 && tpid !== 0x9100) break;
        const vid = ((b[off + p + 2]! & 0x0f) << 8) | b[off + p + 3]!;
        let v = -1;
        for (let k = 0; k < nVlans; k++) {
          if (vlanParent[k] === cur && vlanId[k] === vid && vlanTpid[k] === tpid) {
            v = k;
            break;
          }
        }
        if (v < 0) {
          // A priority tag (802.1Q, VID 0) with no VLAN 0 interface: the frame counts as untagged on `cur`
          // (Linux: the 8021q module accepts VID 0 on every device).
          if (vid === 0 && tpid === 0x8100) {
            p += 4;
            continue;
          }
          drop = Drop.VLAN_UNKNOWN;
          break;
        }
        cur = vlanIf[v]!;
        p += 4;
        if (trace !== null) rec(trace, flags, slot, this.index, EV.VLAN_POP, ifPort[cur]!, vid);
      }
      let code = NEXT_DROP;
      if (drop === 0) {
        inIf[slot] = cur;
        const f = flags[slot]!;
        if (
          !fromBridge &&
          (f & 0x800) === 0 &&
          (((b[off]! << 8) | b[off + 1]!) !== macHi[cur] ||
            (((b[off + 2]! << 24) | (b[off + 3]! << 16) | (b[off + 4]! << 8) | b[off + 5]!) >>> 0) !== macLo[cur])
        )
          drop = Drop.NOT_FOR_ROUTER;
        else {
          const et = etherType[slot]!;
          if (et === 0x0806) code = VLAN_NEXT_ARP;
          else if (et === 0x0800) {
            // Pop in place: the MAC addresses move forward over the tags.
            const k = p - 12;
            // (three 32-bit loads, then three stores: copyWithin costs ~20 ns per call here)
            const w0 = dv.getUint32(off);
            const w1 = dv.getUint32(off + 4);
            const w2 = dv.getUint32(off + 8);
            dv.setUint32(off + k, w0);
            dv.setUint32(off + k + 4, w1);
            dv.setUint32(off + k + 8, w2);
            start[slot] = start[slot]! + k;
            lenCol[slot] = len - k;
            l3Off[slot] = l3Off[slot]! - k;
            l4Off[slot] = l4Off[slot]! - k;
            flags[slot] = f & ~0x7;
            vlanOuter[slot] = 0;
            vlanInner[slot] = 0;
            code = VLAN_NEXT_IP4;
          } else drop = et === 0x86dd ? Drop.IPV6_NOT_IMPLEMENTED : Drop.UNKNOWN_ETHERTYPE;
        }
      }
      if (drop !== 0) {
        dropIn(st, slot, drop, this.index, trace);
        code = NEXT_DROP;
      }
      next[i] = code;
    }
  }
}
