/**
 * Fill the firewall's packet field vector (rules.ts PF) for one IPv4 packet in a slot: what every matcher
 * reads, taken once per packet per hook from the packet bytes, the metadata columns, the flow's per-slot
 * interface columns and the connection state conntrack found.
 *
 * `uses` (the OR of the table's matcher bits) decides the costly fields: the TCP MSS option is parsed only
 * when some rule matches `tcp-mss`, address types are looked up only when some rule matches them.
 */
import type { MetaColumns } from '../buf/meta';
import { AT, M, PF, biasIp } from './rules';

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
  let o = l4 + 20;
  const end = l4 + doff;
  while (o < end) {
    const kind = b[o]!;
    if (kind === 0) break;
    if (kind === 1) {
      o++;
      continue;
    }
    if (o + 1 >= end) break;
    const len = b[o + 1]!;
    if (len < 2 || o + len > end) break;
    if (kind === 2 && len === 4) return (b[o + 2]! << 8) | b[o + 3]!;
    o += len;
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
  f[PF.TTL] = b[ip + 8]!;
  f[PF.DSCP] = b[ip + 1]! >>> 2;
  f[PF.IN_IF] = inIf;
  f[PF.OUT_IF] = outIf;
  f[PF.PMARK] = m.packetMark[slot]!;
  f[PF.CMARK] = m.connMark[slot]!;
  f[PF.RMARK] = m.routingMark[slot]!;
  f[PF.CSTATE] = cstate;
  f[PF.CNAT] = cnat;
  const fl = m.flags[slot]!;
  f[PF.FRAGMENT] = (fl & 0x40) !== 0 ? 1 : 0;
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
  if (m.inPort[slot]! >= 0 && m.linkType[slot] === 1 && inIf >= 0) {
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
