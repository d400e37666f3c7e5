/**
 * The routed-port fast path of ethernet-input: classify the most common frame on a routed port — untagged
 * IPv4 with a 20-byte header, unicast to the port's own MAC, not a fragment, carrying a well-formed UDP,
 * TCP or ICMP header — in a few loads, writing exactly the metadata columns wire/parse.ts parseFrame would
 * write for it (test/dataplane/flow/ethernet-routed.test.ts compares them frame by frame). Every other
 * frame (tags, options, fragments, other protocols, anything malformed, another MAC) is left to
 * parseFrame and the general checks: the function then returns false having written nothing.
 */
import type { MetaColumns } from '../buf/meta';

/**
 * Classify the frame at `b[off .. off+len)` (link type Ethernet) arriving on a routed port whose MAC is
 * `macHi`/`macLo` (16 + 32 bits). True: it is a plain IPv4 packet for the router's MAC; its columns are set
 * as parseFrame sets them (flags IPV4 | L4, SNAPPED/TRACE kept; etherType, VLAN IDs 0, l3Off 14, l3Len,
 * l4Proto, l4Off 34, drop 0). False: nothing written.
 */
export function routedIpv4(b: Uint8Array, v: DataView, off: number, len: number, macHi: number, macLo: number, m: MetaColumns, slot: number): boolean {
  // ethertype 0x0800 and version/IHL 0x45 in one read; our MAC (unicast: a router MAC never has the group bit)
  if (len < 34 || v.getInt32(off + 12) >>> 8 !== 0x080045 || v.getUint16(off) !== macHi || (v.getInt32(off + 2) | 0) !== (macLo | 0) || (macHi & 0x100) !== 0) return false;
  const tl = v.getUint16(off + 16);
  const l4len = tl - 20;
  // total length within the frame (padding allowed), not a fragment (MF and offset clear; DF may be set)
  if (l4len < 0 || tl > len - 14 || (v.getUint16(off + 20) & 0x3fff) !== 0) return false;
  const proto = b[off + 23]!;
  if (proto === 17) {
    if (l4len < 8) return false;
    const ul = v.getUint16(off + 38);
    if (ul < 8 || ul > l4len) return false;
  } else if (proto === 6) {
    if (l4len < 20) return false;
    const doff = (b[off + 46]! >>> 4) << 2;
    if (doff < 20 || doff > l4len) return false;
  } else if (proto !== 1 || l4len < 8) return false;
  // PktFlag.IPV4 0x10 | PktFlag.L4 0x200; SNAPPED | TRACE | GSO (0xb000) kept, as parseFrame does.
  m.flags[slot] = (m.flags[slot]! & 0xb000) | 0x210;
  m.etherType[slot] = 0x0800;
  m.vlanOuter[slot] = 0;
  m.vlanInner[slot] = 0;
  m.l3Off[slot] = 14;
  m.l3Len[slot] = tl;
  m.l4Proto[slot] = proto;
  m.l4Off[slot] = 34;
  m.drop[slot] = 0;
  return true;
}
