/**
 * Fill the firewall's packet field vector (rules.ts PF) for one IPv4 packet in a slot: what every matcher
 * reads, taken once per packet per hook from the packet bytes, the metadata columns, the flow's per-slot
 * interface columns and the connection state conntrack found.
 *
 * `uses` (the OR of the table's matcher bits) decides the costly fields: the TCP MSS option is parsed only
 * when some rule matches `tcp-mss`, address types are looked up only when some rule matches them. It also
 * skips the fields only one matcher reads (TTL, DSCP, TOS, fragment, source MAC) when no rule has that
 * matcher: they keep whatever an earlier packet left, which nothing reads.
 *
 * The fields of the rare matchers (rules.ts R) get neutral values here (no connection, no payload, no
 * bridge port, priority 0, no options); `fillRareFields` fills them for real when the table uses one.
 */
import type { MetaColumns } from '../buf/meta';
import { AT, M, OPT_BIT, PF, biasIp } from './rules';
import { optFirst, optNext } from '../wire/tcp';

/** Address-type lookup the hook provides (FIB-based: local, broadcast, blackhole...). */
export interface AddressTyper {
  addressType(ip: number): number;
}

/** Router-independent part of the address type (multicast, limited broadcast); 0 when a FIB lookup is needed. */
export function staticAddressType(ip: number): number {
  if ((ip >>> 28) === 0xe) return AT.MULTICAST;
  if (ip === -1 || ip >>> 0 === 0xffffffff) return AT.BROADCAST;
  return 0;
}

function tcpMss(b: Uint8Array, l4: number, segLen: number): number {
  const doff = (b[l4 + 12]! >>> 4) << 2;
  if (doff <= 20 || doff > segLen) return -2;
  const end = l4 + doff;
  for (let o = optFirst(b, l4 + 20, end); o >= 0; o = optNext(b, o, end)) {
    const kind = b[o]!;
    const len = b[o + 1]!;
    if (kind === 2 && len === 4) return (b[o + 2]! << 8) | b[o + 3]!;
  }
  return -2;
}

/**
 * Fill `f` for the packet in `slot` (IPv4 header at absolute offset `ip`). inIf/outIf: interface indices
 * (-1 none); marks from the metadata; cstate/cnat from conntrack.
 */
export function fillFields(
  f: Int32Array,
  b: Uint8Array,
  m: MetaColumns,
  slot: number,
  frame: number,
  ip: number,
  inIf: number,
  outIf: number,
  cstate: number,
  cnat: number,
  uses: number,
  typer: AddressTyper | null,
): void {
  const src = (b[ip + 12]! << 24) | (b[ip + 13]! << 16) | (b[ip + 14]! << 8) | b[ip + 15]!;
  const dst = (b[ip + 16]! << 24) | (b[ip + 17]! << 16) | (b[ip + 18]! << 8) | b[ip + 19]!;
  const proto = b[ip + 9]!;
  const tl = (b[ip + 2]! << 8) | b[ip + 3]!;
  const ihl = (b[ip]! & 15) << 2;
  f[PF.SRC] = biasIp(src);
  f[PF.DST] = biasIp(dst);
  f[PF.PROTO] = proto;
  f[PF.SIZE] = tl;
  f[PF.BYTES] = tl;
  if ((uses & M.TTL) !== 0) f[PF.TTL] = b[ip + 8]!;
  if ((uses & M.DSCP) !== 0) f[PF.DSCP] = b[ip + 1]! >>> 2;
  // tos= is a rare matcher (rules.ts R.TOS).
  if ((uses & M.RARE) !== 0) f[PF.TOS] = b[ip + 1]!;
  f[PF.CT_REF] = -1;
  f[PF.IN_BPORT] = -1;
  f[PF.OUT_BPORT] = -1;
  f[PF.PRIORITY] = 0;
  f[PF.INGRESS_PRIO] = 0;
  f[PF.IPV4_OPTS] = 0;
  f[PF.PAYLOAD] = -1;
  f[PF.PAYLOAD_LEN] = 0;
  f[PF.SNI] = -2;
  f[PF.SNI_LEN] = 0;
  f[PF.IN_IF] = inIf;
  f[PF.OUT_IF] = outIf;
  f[PF.PMARK] = m.packetMark[slot]!;
  f[PF.CMARK] = m.connMark[slot]!;
  f[PF.RMARK] = m.routingMark[slot]!;
  f[PF.CSTATE] = cstate;
  f[PF.CNAT] = cnat;
  const fl = m.flags[slot]!;
  if ((uses & M.FRAGMENT) !== 0) f[PF.FRAGMENT] = (fl & 0x40) !== 0 ? 1 : 0;
  f[PF.SPORT] = -1;
  f[PF.DPORT] = -1;
  f[PF.TCP_FLAGS] = 0;
  f[PF.ICMP_TYPE] = -1;
  f[PF.ICMP_CODE] = -1;
  f[PF.MSS] = -2;
  // L4: present and not a later fragment.
  if ((fl & 0x200) !== 0 && (fl & 0x80) === 0) {
    const l4 = frame + m.l4Off[slot]!;
    if (proto === 6 || proto === 17 || proto === 132 || proto === 33 || proto === 136) {
      f[PF.SPORT] = (b[l4]! << 8) | b[l4 + 1]!;
      f[PF.DPORT] = (b[l4 + 2]! << 8) | b[l4 + 3]!;
      if (proto === 6) {
        f[PF.TCP_FLAGS] = b[l4 + 13]!;
        if ((uses & M.MSS) !== 0) f[PF.MSS] = tcpMss(b, l4, tl - ihl);
      }
    } else if (proto === 1) {
      f[PF.ICMP_TYPE] = b[l4]!;
      f[PF.ICMP_CODE] = b[l4 + 1]!;
    }
  }
  // Source MAC: only for frames that came in on an Ethernet port.
  if ((uses & M.SRC_MAC) === 0) {
    // No src-mac-address rule: nothing reads the MAC fields.
  } else if (m.inPort[slot]! >= 0 && m.linkType[slot] === 1 && inIf >= 0) {
    f[PF.MAC_HI] = (b[frame + 6]! << 8) | b[frame + 7]!;
    f[PF.MAC_LO] = (b[frame + 8]! << 24) | (b[frame + 9]! << 16) | (b[frame + 10]! << 8) | b[frame + 11]!;
  } else {
    f[PF.MAC_HI] = -1;
    f[PF.MAC_LO] = -1;
  }
  if ((uses & (M.SRC_TYPE | M.DST_TYPE)) !== 0 && typer !== null) {
    f[PF.SRC_TYPE] = staticAddressType(src) || typer.addressType(src);
    f[PF.DST_TYPE] = staticAddressType(dst) || typer.addressType(dst);
  }
}

/** OPT_BIT bits of the options of the IPv4 header at `ip` (header length `ihl`). */
export function ipv4Options(b: Uint8Array, ip: number, ihl: number): number {
  if (ihl <= 20) return 0;
  let bits = OPT_BIT.ANY;
  const end = ip + ihl;
  let o = ip + 20;
  while (o < end) {
    const t = b[o]!;
    if (t === 0) break;
    if (t === 1) {
      o++;
      continue;
    }
    if (t === 137) bits |= OPT_BIT.SSRR;
    else if (t === 131) bits |= OPT_BIT.LSRR;
    else if (t === 7) bits |= OPT_BIT.RR;
    else if (t === 68) bits |= OPT_BIT.TS;
    else if (t === 148) bits |= OPT_BIT.RA;
    if (o + 1 >= end) break;
    const l = b[o + 1]!;
    if (l < 2) break;
    o += l;
  }
  return bits;
}

/**
 * The rare matchers' fields (after fillFields): connection ref, bridge ports (interface indices, -1 none),
 * packet priority, the ingress VLAN PCP (when the frame still carries its tag), IPv4 options, the L4
 * payload's place (TCP after its data offset, UDP/UDP-Lite/ICMP after 8 bytes, SCTP after 12, others and
 * later fragments after the IP header) and length (what the IP length and the slot both hold). The SNI is
 * left for the tls-host matcher to look for (-1).
 */
export function fillRareFields(f: Int32Array, b: Uint8Array, m: MetaColumns, slot: number, frame: number, ip: number, ctRef: number, inBport: number, outBport: number, priority: number): void {
  f[PF.CT_REF] = ctRef;
  f[PF.IN_BPORT] = inBport;
  f[PF.OUT_BPORT] = outBport;
  f[PF.PRIORITY] = priority;
  const et = (b[frame + 12]! << 8) | b[frame + 13]!;
  f[PF.INGRESS_PRIO] = m.inPort[slot]! >= 0 && (et === 0x8100 || et === 0x88a8) && m.l3Off[slot]! >= 18 ? b[frame + 14]! >>> 5 : 0;
  const ihl = (b[ip]! & 15) << 2;
  f[PF.IPV4_OPTS] = ipv4Options(b, ip, ihl);
  const tl = (b[ip + 2]! << 8) | b[ip + 3]!;
  const fl = m.flags[slot]!;
  const proto = b[ip + 9]!;
  let at = ip + ihl;
  if ((fl & 0x200) !== 0 && (fl & 0x80) === 0) {
    const l4 = frame + m.l4Off[slot]!;
    if (proto === 6) at = l4 + ((b[l4 + 12]! >>> 4) << 2);
    else if (proto === 17 || proto === 136 || proto === 1) at = l4 + 8;
    else if (proto === 132) at = l4 + 12;
    else at = l4;
  }
  const end = Math.min(ip + tl, frame + m.len[slot]!);
  f[PF.PAYLOAD] = at <= end ? at : -1;
  f[PF.PAYLOAD_LEN] = at <= end ? end - at : 0;
  f[PF.SNI] = -1;
}
