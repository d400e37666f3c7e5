/**
 * parseFrame: classify one frame into the packet's metadata columns (the dataplane's first step).
 *
 * What it fills (buf/meta.ts): `etherType` (innermost, after tags), `vlanOuter` / `vlanInner`, `l3Off`,
 * `l3Len`, `l4Proto`, `l4Off`, `flags` (VLAN, QINQ, STAG, BROADCAST, MULTICAST, ARP, IPV4, IPV6, FRAGMENT,
 * LATER_FRAGMENT, IP_OPTIONS, L4) and `drop`. The SNAPPED and TRACE bits of `flags`, set by the port, are
 * kept; every other column is left alone. Offsets are relative to the frame's first byte.
 *
 * Returns 0, or a drop code (also stored in `m.drop[slot]`) for a frame that is malformed:
 * - link: shorter than its link header, unsupported link type;
 * - VLAN: a tag cut off, more than 4 tags;
 * - ARP: cut off, or not Ethernet/IPv4;
 * - IPv4: short, version, IHL < 5 or past the frame, total length < IHL or past the frame, bad header
 *   checksum (only when `verifyIpv4Csum`);
 * - IPv6: short, version, payload length past the frame, extension chain cut off or longer than 8;
 * - L4 (not for later fragments): TCP shorter than 20 bytes or data offset < 5 or past the packet, UDP
 *   shorter than 8 or length field < 8 or past the IP payload (except in a first fragment), ICMP/ICMPv6
 *   shorter than 8.
 * Frames longer than the IP packet (Ethernet padding) are fine: `l3Len` is the IP packet's own length.
 * Ethertypes other than IPv4/IPv6/ARP (PPPoE, LLDP, MPLS...) are not drops: only `etherType`, `l3Off`
 * and `l3Len` (the rest of the frame) are set. A type field below 0x0600 is an 802.3 length (LLC frames
 * such as STP BPDUs); it lands in `etherType` as it is, and the frame is not dropped either.
 *
 * Frames marked SNAPPED by their port (capture snaplen cut them) may end before the IP packet does: the
 * lengths are then checked against the bytes present, and a header that is itself cut off is
 * Drop.SNAPLEN_TRUNCATED. `l3Len` still says the length from the IP header.
 *
 * `l4Off` is set to the start of the IP payload (after IPv6 extension headers) for every protocol, so a
 * stage can look at GRE/ESP/SCTP bytes; it is a validated TCP/UDP/ICMP/ICMPv6 header only with PktFlag.L4.
 * For a later fragment it points at the fragment's data and `l4Proto` is the fragment's protocol.
 *
 * Link types: 1 Ethernet, 113 Linux SLL, 276 Linux SLL2, 101 raw IP; others Drop.UNSUPPORTED_LINK_TYPE.
 *
 * IPv6 jumbograms (payload length 0 + a hop-by-hop jumbo option) are not supported: they fail as a
 * truncated extension chain.
 *
 * Speed: this is the dataplane's hottest function (bench/micro/wire-parse.ts, target 50 M frames/s). It
 * reads bytes by direct indexing, keeps everything in int32 locals, has a single exit that writes each
 * column once, and uses numeric literals for flag bits and ethertypes (the tests check them against
 * PktFlag).
 */
import { Drop } from '../drop';
import type { MetaColumns } from '../buf/meta';
import { ipv4ChecksumOk } from './checksum';

// PktFlag bits as literals (test/dataplane/wire/parse.test.ts asserts they match buf/meta.ts).
// VLAN 0x1, QINQ 0x2, STAG 0x4, ARP 0x8, IPV4 0x10, IPV6 0x20, FRAGMENT 0x40, LATER_FRAGMENT 0x80,
// IP_OPTIONS 0x100, L4 0x200, BROADCAST 0x400, MULTICAST 0x800, SNAPPED 0x1000, TRACE 0x2000,
// GSO 0x8000.
/** Flag bits parseFrame leaves as the port set them (SNAPPED | TRACE | GSO). */
export const PARSE_KEEP_FLAGS = 0xb000;

/** Drop code for "runs past the bytes present": SNAPLEN_TRUNCATED when the capture cut the frame. */
function cut(m: MetaColumns, slot: number, code: number): number {
  return (m.flags[slot]! & 0x1000) !== 0 ? Drop.SNAPLEN_TRUNCATED : code;
}

/**
 * Classify the frame `b[off .. off+len)` of link type `linkType` into slot `slot` of `m`.
 * Returns 0 or a drop code (see the file comment). Never throws, never reads outside `b[off .. off+len)`.
 */
export function parseFrame(
  b: Uint8Array,
  off: number,
  len: number,
  linkType: number,
  m: MetaColumns,
  slot: number,
  verifyIpv4Csum: boolean = false,
): number {
  // Everything is gathered in locals and stored once at the end: one exit keeps the function small for
  // the JIT (a store helper inlined at forty return sites blew TurboFan's inlining budget).
  let flags = 0;
  let et = 0;
  let p = 0;
  let vo = 0;
  let vi = 0;
  let l3Len = 0;
  let proto = 0;
  let l4 = 0;
  let drop = 0;

  parse: {
    // ---- link header ----
    if (linkType === 1) {
      if (len < 14) {
        drop = cut(m, slot, Drop.ETHERNET_TRUNCATED);
        break parse;
      }
      const d0 = b[off]!;
      if ((d0 & 1) !== 0) {
        flags = 0x800;
        if ((d0 & b[off + 1]! & b[off + 2]! & b[off + 3]! & b[off + 4]! & b[off + 5]!) === 0xff) flags = 0xc00;
      }
      et = (b[off + 12]! << 8) | b[off + 13]!;
      p = 14;
    } else if (linkType === 113) {
      if (len < 16) {
        drop = cut(m, slot, Drop.SLL_TRUNCATED);
        break parse;
      }
      const pt = (b[off]! << 8) | b[off + 1]!;
      if (pt === 1) flags = 0xc00;
      else if (pt === 2) flags = 0x800;
      et = (b[off + 14]! << 8) | b[off + 15]!;
      p = 16;
    } else if (linkType === 276) {
      if (len < 20) {
        drop = cut(m, slot, Drop.SLL_TRUNCATED);
        break parse;
      }
      const pt = b[off + 10]!;
      if (pt === 1) flags = 0xc00;
      else if (pt === 2) flags = 0x800;
      et = (b[off]! << 8) | b[off + 1]!;
      p = 20;
    } else if (linkType === 101) {
      if (len < 1) {
        drop = cut(m, slot, Drop.IPV4_TRUNCATED);
        break parse;
      }
      et = b[off]! >>> 4 === 6 ? 0x86dd : 0x0800;
    } else {
      drop = Drop.UNSUPPORTED_LINK_TYPE;
      break parse;
    }

    // ---- VLAN tags: TCI at p, inner type at p + 2 ----
    if (et === 0x8100 || et === 0x88a8 || et === 0x9100) {
      flags |= et === 0x8100 ? 0x1 : 0x5;
      if (p + 4 > len) {
        drop = cut(m, slot, Drop.VLAN_TRUNCATED);
        break parse;
      }
      vo = ((b[off + p]! & 0x0f) << 8) | b[off + p + 1]!;
      et = (b[off + p + 2]! << 8) | b[off + p + 3]!;
      p += 4;
      if (et === 0x8100 || et === 0x88a8 || et === 0x9100) {
        flags |= 0x2;
        if (p + 4 > len) {
          drop = cut(m, slot, Drop.VLAN_TRUNCATED);
          break parse;
        }
        vi = ((b[off + p]! & 0x0f) << 8) | b[off + p + 1]!;
        et = (b[off + p + 2]! << 8) | b[off + p + 3]!;
        p += 4;
        let n = 2;
        while (et === 0x8100 || et === 0x88a8 || et === 0x9100) {
          if (++n > 4) {
            drop = Drop.VLAN_TOO_DEEP;
            break parse;
          }
          if (p + 4 > len) {
            drop = cut(m, slot, Drop.VLAN_TRUNCATED);
            break parse;
          }
          et = (b[off + p + 2]! << 8) | b[off + p + 3]!;
          p += 4;
        }
      }
    }

    const q = off + p;
    const avail = len - p;

    // ---- IPv4 ----
    if (et === 0x0800) {
      flags |= 0x10;
      if (avail < 20) {
        drop = cut(m, slot, Drop.IPV4_TRUNCATED);
        break parse;
      }
      const v = b[q]!;
      if ((v & 0xf0) !== 0x40) {
        drop = Drop.IPV4_BAD_VERSION;
        break parse;
      }
      const hl = (v & 15) << 2;
      if (hl < 20) {
        drop = Drop.IPV4_BAD_IHL;
        break parse;
      }
      if (hl > avail) {
        drop = cut(m, slot, Drop.IPV4_BAD_IHL);
        break parse;
      }
      const tl = (b[q + 2]! << 8) | b[q + 3]!;
      l3Len = tl;
      let lim = tl;
      if (tl < hl) {
        drop = Drop.IPV4_BAD_TOTAL_LENGTH;
        break parse;
      }
      if (tl > avail) {
        if ((m.flags[slot]! & 0x1000) === 0) {
          drop = Drop.IPV4_BAD_TOTAL_LENGTH;
          break parse;
        }
        lim = avail;
      }
      if (hl !== 20) flags |= 0x100;
      proto = b[q + 9]!;
      l4 = p + hl;
      if (verifyIpv4Csum && !ipv4ChecksumOk(b, q)) {
        drop = Drop.IPV4_BAD_CHECKSUM;
        break parse;
      }
      const fw = ((b[q + 6]! & 0x3f) << 8) | b[q + 7]!;
      if (fw !== 0) {
        flags |= 0x40;
        if ((fw & 0x1fff) !== 0) {
          flags |= 0x80;
          break parse;
        }
      }
      // The L4 checks below are written out again in the IPv6 branch on purpose: one shared checkL4()
      // was measured at -20 % on IPv6 and below target on IPv4 (TurboFan did not inline it at both sites).
      const r = q + hl;
      const l4Len = lim - hl;
      if (proto === 6) {
        if (l4Len < 20) {
          drop = cut(m, slot, Drop.TCP_TRUNCATED);
          break parse;
        }
        const doff = (b[r + 12]! >>> 4) << 2;
        if (doff < 20) {
          drop = Drop.TCP_BAD_DATA_OFFSET;
          break parse;
        }
        if (doff > l4Len) {
          drop = cut(m, slot, Drop.TCP_TRUNCATED);
          break parse;
        }
        flags |= 0x200;
      } else if (proto === 17) {
        if (l4Len < 8) {
          drop = cut(m, slot, Drop.UDP_TRUNCATED);
          break parse;
        }
        const ul = (b[r + 4]! << 8) | b[r + 5]!;
        if (ul < 8 || (ul > tl - hl && (flags & 0x40) === 0)) {
          drop = Drop.UDP_BAD_LENGTH;
          break parse;
        }
        flags |= 0x200;
      } else if (proto === 1) {
        if (l4Len < 8) {
          drop = cut(m, slot, Drop.ICMP_TRUNCATED);
          break parse;
        }
        flags |= 0x200;
      }
      break parse;
    }

    // ---- IPv6 ----
    if (et === 0x86dd) {
      flags |= 0x20;
      if (avail < 40) {
        drop = cut(m, slot, Drop.IPV6_TRUNCATED);
        break parse;
      }
      if ((b[q]! & 0xf0) !== 0x60) {
        drop = Drop.IPV6_BAD_VERSION;
        break parse;
      }
      const tl = 40 + ((b[q + 4]! << 8) | b[q + 5]!);
      l3Len = tl;
      let lim = tl;
      if (tl > avail) {
        if ((m.flags[slot]! & 0x1000) === 0) {
          drop = Drop.IPV6_BAD_PAYLOAD_LENGTH;
          break parse;
        }
        lim = avail;
      }
      const end = q + lim;
      let nh = b[q + 6]!;
      let h = q + 40;
      l4 = p + 40;
      if (nh === 0 || nh === 43 || nh === 60 || nh === 44 || nh === 51) {
        let n = 0;
        do {
          proto = nh;
          if (++n > 8) {
            drop = Drop.IPV6_EXT_TOO_MANY;
            break parse;
          }
          if (h + 8 > end) {
            drop = cut(m, slot, Drop.IPV6_EXT_TRUNCATED);
            break parse;
          }
          if (nh === 44) {
            flags |= 0x40;
            nh = b[h]!;
            const later = (((b[h + 2]! << 8) | b[h + 3]!) & 0xfff8) !== 0;
            h += 8;
            if (later) {
              flags |= 0x80;
              proto = nh;
              l4 = h - off;
              break parse;
            }
          } else {
            const l = nh === 51 ? (b[h + 1]! + 2) << 2 : (b[h + 1]! + 1) << 3;
            nh = b[h]!;
            h += l;
            if (h > end) {
              drop = cut(m, slot, Drop.IPV6_EXT_TRUNCATED);
              break parse;
            }
          }
          l4 = h - off;
        } while (nh === 0 || nh === 43 || nh === 60 || nh === 44 || nh === 51);
      }
      proto = nh;
      const l4Len = end - h;
      if (nh === 6) {
        if (l4Len < 20) {
          drop = cut(m, slot, Drop.TCP_TRUNCATED);
          break parse;
        }
        const doff = (b[h + 12]! >>> 4) << 2;
        if (doff < 20) {
          drop = Drop.TCP_BAD_DATA_OFFSET;
          break parse;
        }
        if (doff > l4Len) {
          drop = cut(m, slot, Drop.TCP_TRUNCATED);
          break parse;
        }
        flags |= 0x200;
      } else if (nh === 17) {
        if (l4Len < 8) {
          drop = cut(m, slot, Drop.UDP_TRUNCATED);
          break parse;
        }
        const ul = (b[h + 4]! << 8) | b[h + 5]!;
        if (ul < 8 || (ul > q + tl - h && (flags & 0x40) === 0)) {
          drop = Drop.UDP_BAD_LENGTH;
          break parse;
        }
        flags |= 0x200;
      } else if (nh === 58) {
        if (l4Len < 8) {
          drop = cut(m, slot, Drop.ICMPV6_TRUNCATED);
          break parse;
        }
        flags |= 0x200;
      }
      break parse;
    }

    // ---- ARP ----
    if (et === 0x0806) {
      flags |= 0x8;
      if (avail < 8) {
        drop = cut(m, slot, Drop.ARP_TRUNCATED);
        break parse;
      }
      if (b[q] !== 0 || b[q + 1] !== 1 || b[q + 2] !== 0x08 || b[q + 3] !== 0 || b[q + 4] !== 6 || b[q + 5] !== 4) {
        drop = Drop.ARP_UNSUPPORTED;
        break parse;
      }
      if (avail < 28) {
        drop = cut(m, slot, Drop.ARP_TRUNCATED);
        break parse;
      }
      l3Len = 28;
      break parse;
    }

    // ---- anything else: classified, not dropped ----
    l3Len = avail;
  }

  m.flags[slot] = (m.flags[slot]! & 0xb000) | flags;
  m.etherType[slot] = et;
  m.vlanOuter[slot] = vo;
  m.vlanInner[slot] = vi;
  m.l3Off[slot] = p;
  m.l3Len[slot] = l3Len > 0xffff ? 0xffff : l3Len;
  m.l4Proto[slot] = proto;
  m.l4Off[slot] = l4;
  m.drop[slot] = drop;
  return drop;
}
