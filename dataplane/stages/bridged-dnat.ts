/**
 * Where a bridged frame goes after a dst-nat on the bridged path changed its destination address
 * (`/interface bridge settings use-ip-firewall=yes`; called by the `bridge-ip-dstnat` NAT stage). RouterOS
 * runs Linux's br_netfilter under its bridge; its br_nf_pre_routing_finish looks the new address up in the
 * routing table, as if the packet had been received on the bridge interface, and re-decides the frame's
 * destination MAC before the bridging decision (bridge-input) reads it:
 * - the route leaves by the bridge itself (the new destination, or its gateway, is a neighbour on the same
 *   bridge): the frame stays bridged, now to that neighbour's MAC from the ARP table, its source MAC kept
 *   (br_nf_pre_routing_finish_bridge). When the neighbour's MAC is not known Linux sends an ARP request
 *   and holds the frame until the answer; flowplane drops it (`bridge-dnat-unresolved`) — later frames
 *   pass once the router has learned the neighbour by any ARP exchange.
 * - anything else (one of the router's addresses, a subnet behind another interface, a blackhole...): the
 *   frame goes up to the router (its destination MAC becomes the bridge's, so bridge-input delivers it up)
 *   and routing decides: local delivery, forwarding out of another interface, or routing's own drop. The
 *   frame's prerouting is done (PktFlag.BRIDGE_IP): it is not tracked or NATed again.
 *   Linux drops a frame whose new address has no route here silently; flowplane lets routing drop it as
 *   `no-route` (and send its ICMP unreachable).
 * UNCONFIRMED: RouterOS documents none of this; it is Linux's behaviour (RouterOS's bridge IP firewall is
 * br_netfilter), with the two differences named above.
 * Not a stage: one function, off the hot path (only packets whose destination a NAT rewrite changed).
 */
import { Drop } from '../drop';
import { NH, type FlowState } from './state';

/**
 * Re-decide the destination MAC of the bridged frame in `slot` (IPv4 header at byte `ip`), which entered
 * the bridge whose interface is `st.inIf[slot]`. Returns 0, or a drop reason.
 */
export function bridgedDnat(st: FlowState, slot: number, ip: number): number {
  const t = st.tables;
  const bif = st.inIf[slot]!;
  if (bif < 0) return 0;
  const b = st.pool.bytes;
  const frame = st.pool.frameOffset(slot);
  const dst = ((b[ip + 16]! << 24) | (b[ip + 17]! << 16) | (b[ip + 18]! << 8) | b[ip + 19]!) >>> 0;
  const fib = t.fibs[t.fibOfIf[bif]!];
  const nh = t.nextHops;
  const g = fib ? fib.lookup(dst) : 0;
  if (g > 0 && nh.kind[g] === NH.FORWARD && nh.hopCount[g]! > 0) {
    const h = nh.hopStart[g]!;
    if (nh.hopIfIndex[h] === bif) {
      const gw = nh.hopGateway[h]!;
      const e = st.arp.lookup(gw === 0 ? dst : gw, bif);
      if (e < 0 || !st.arp.complete(e)) return Drop.BRIDGE_DNAT_UNRESOLVED;
      const hi = st.arp.macHi(e);
      const lo = st.arp.macLo(e);
      b[frame] = hi >>> 8;
      b[frame + 1] = hi;
      b[frame + 2] = lo >>> 24;
      b[frame + 3] = lo >>> 16;
      b[frame + 4] = lo >>> 8;
      b[frame + 5] = lo;
      st.pool.meta.flags[slot] = st.pool.meta.flags[slot]! & ~0xc00;
      return 0;
    }
  }
  // Up to the router: the bridge's own MAC (a LOCAL entry of its FDB).
  for (let k = 0; k < 6; k++) b[frame + k] = t.macs[bif * 6 + k]!;
  st.pool.meta.flags[slot] = st.pool.meta.flags[slot]! & ~0xc00;
  return 0;
}
