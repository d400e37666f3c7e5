/**
 * Router-made ICMP errors about forwarded packets of NATed connections: what Linux does, done where
 * flowplane makes them (after srcnat: ip4-fragment's fragmentation-needed, arp-resolve's host-unreachable).
 *
 * Linux (net/ipv4/ip_forward.c, icmp.c, route.c, netfilter/nf_nat_proto.c):
 * - fragmentation-needed comes from ip_forward, which checks the MTU *before* the FORWARD and POSTROUTING
 *   hooks: the error quotes the packet destination-translated but not yet source-translated, and goes to its
 *   real sender. `quotePreSnat` undoes flowplane's srcnat on the dropped packet first (conntrack/nat.ts
 *   restoreSource), so the quote is that packet.
 * - host-unreachable after a failed neighbour resolution (arp_error_report → ipv4_link_failure → icmp_send)
 *   quotes the queued packet as it was, after POSTROUTING: behind masquerade its source is the router's own
 *   address, so the error is addressed to the router. Its source is that address too (the route to a local
 *   address takes it: stages/state.ts icmpErrorSource).
 * - Either error then passes LOCAL_OUT: conntrack looks the quote up (inverted) and finds the connection,
 *   `related`; NAT in the OUTPUT hook translates the error back (nf_nat_icmp_reply_translation: the quote's
 *   source, the outer destination — to the host behind masquerade) and ip_route_me_harder routes it again to
 *   its new destination; POSTROUTING's NAT translates what is left (a dst-nat: the quote's destination and
 *   the outer source become the address the sender used).
 *
 * flowplane routes router-made packets before its output NAT and has no second routing, so `relateRouterError`
 * does the lookup and the OUTPUT hook's translation when the error is made; the error then carries the
 * connection (SF.CT_ATTACHED: conntrack-output keeps it, as Linux's conntrack ran before NAT) and srcnat
 * does the POSTROUTING part as for any related error. An error that ends up addressed to the router itself
 * carries nothing (it is delivered, never reaching conntrack-output).
 */
import { quotedTuple, TU } from '../conntrack/tuple';
import { CtStatus } from '../conntrack/table';
import { icmpErrorNat, restoreSource } from '../conntrack/nat';
import { SF, type FirewallState } from '../firewall/state';
import type { FlowState } from './state';

const NATTED = CtStatus.SRCNAT | CtStatus.DSTNAT;

/** Before a fragmentation-needed error about `slot` is made: its source as it was before srcnat. */
export function quotePreSnat(st: FlowState, fw: FirewallState | null, slot: number): void {
  if (fw === null || !fw.tracking) return;
  const ref = fw.ctRef[slot]!;
  // A dst-nat translates the source of its replies at srcnat too: any NAT may have changed the source.
  if (ref < 0 || !(fw.ct.status[ref >> 1]! & NATTED)) return;
  const pool = st.pool;
  const m = pool.meta;
  const frame = pool.frameOffset(slot);
  const fl = m.flags[slot]!;
  const l4 = (fl & 0x200) !== 0 && (fl & 0x80) === 0 ? frame + m.l4Off[slot]! : -1;
  restoreSource(fw.ct, ref, pool.bytes, frame + m.l3Off[slot]!, l4);
}

/** True when `a` is one of the router's own addresses. */
function isLocal(st: FlowState, a: number): boolean {
  const la = st.tables.localAddr;
  for (let k = 0; k < la.length; k++) if (la[k] === a) return true;
  return false;
}

/**
 * The router made ICMP error `s` (not yet routed): find the connection its quote belongs to and apply the
 * OUTPUT hook's NAT translation now (see the module comment). Nothing without a firewall or a connection.
 */
export function relateRouterError(st: FlowState, fw: FirewallState | null, s: number): void {
  if (fw === null || !fw.tracking) return;
  fw.ctRef[s] = -1;
  fw.slotFlags[s] = 0;
  const pool = st.pool;
  const m = pool.meta;
  const b = pool.bytes;
  const frame = pool.frameOffset(s);
  const ip = frame + m.l3Off[s]!;
  const l4 = frame + m.l4Off[s]!;
  const l4Len = ((b[ip + 2]! << 8) | b[ip + 3]!) - ((b[ip]! & 15) << 2);
  const tu = fw.tu;
  if (!quotedTuple(b, l4, l4Len, tu)) return;
  const ref = fw.ct.lookup(tu[TU.SRC]!, tu[TU.DST]!, tu[TU.PORTS]!, tu[TU.PROTO]!, st.now);
  if (ref < 0) return;
  if (fw.ct.status[ref >> 1]! & NATTED) icmpErrorNat(fw.ct, ref, b, ip, l4, l4Len, true);
  const dst = (b[ip + 16]! << 24) | (b[ip + 17]! << 16) | (b[ip + 18]! << 8) | b[ip + 19]!;
  if (isLocal(st, dst)) return;
  fw.ctRef[s] = ref;
  fw.slotFlags[s] = SF.ICMP_ERROR | SF.CT_ATTACHED;
}
