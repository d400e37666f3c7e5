/**
 * Link-layer header types (LINKTYPE_* values) as stored in a classic pcap header's LinkType field and in a
 * pcapng Interface Description Block. The registry is maintained by tcpdump.org (linktypes.html) and in
 * draft-ietf-opsawg-pcaplinktype; only the values flowplane meets are named here.
 */

/** IEEE 802.3 Ethernet (DLT_EN10MB). */
export const LINKTYPE_ETHERNET = 1;
/** Raw IPv4 or IPv6, no link header. */
export const LINKTYPE_RAW = 101;
/** Linux "cooked" capture, version 1: 16-byte pseudo-header (tcpdump -i any). */
export const LINKTYPE_LINUX_SLL = 113;
/** Linux "cooked" capture, version 2: 20-byte pseudo-header with interface index. */
export const LINKTYPE_LINUX_SLL2 = 276;

const NAMES: ReadonlyMap<number, string> = new Map([
  [0, 'NULL'],
  [1, 'ETHERNET'],
  [9, 'PPP'],
  [101, 'RAW'],
  [105, 'IEEE802_11'],
  [108, 'LOOP'],
  [113, 'LINUX_SLL'],
  [127, 'IEEE802_11_RADIOTAP'],
  [228, 'IPV4'],
  [229, 'IPV6'],
  [276, 'LINUX_SLL2'],
]);

/** The LINKTYPE_ name without its prefix ("ETHERNET", "LINUX_SLL"), or "LINKTYPE_<n>" for an unnamed value. */
export function linkTypeName(n: number): string {
  return NAMES.get(n) ?? `LINKTYPE_${n}`;
}
