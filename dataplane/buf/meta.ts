/**
 * Per-packet metadata as struct-of-arrays: one typed-array column per field, indexed by slot number.
 *
 * All columns live in one SharedArrayBuffer so every worker sees the same metadata for a slot without
 * copying. Nothing here allocates per packet; a packet is just its slot index.
 *
 * Offsets (`l3Off`, `l4Off`, ...) are relative to the first byte of the frame (the frame starts at
 * `PacketPool.frameOffset(slot)`), so pushing or popping a VLAN tag moves `start` and adjusts them.
 */

/** Bits of the `flags` column. */
export const PktFlag = {
  /** Outer (or only) VLAN tag present; VID in `vlanOuter`. */
  VLAN: 1 << 0,
  /** Two or more tags (QinQ); inner VID in `vlanInner`. */
  QINQ: 1 << 1,
  /** Outer tag is an 802.1ad service tag (0x88a8). */
  STAG: 1 << 2,
  ARP: 1 << 3,
  IPV4: 1 << 4,
  IPV6: 1 << 5,
  /** Any fragment (IPv4 MF or offset, IPv6 fragment header). */
  FRAGMENT: 1 << 6,
  /** A non-first fragment: no L4 header in this packet. */
  LATER_FRAGMENT: 1 << 7,
  /** IPv4 options present (IHL > 5). */
  IP_OPTIONS: 1 << 8,
  /** The L4 header (TCP/UDP/ICMP/ICMPv6) was found and fits; `l4Off` is valid. */
  L4: 1 << 9,
  /** Destination MAC is broadcast. */
  BROADCAST: 1 << 10,
  /** Destination MAC is multicast (group bit), including broadcast. */
  MULTICAST: 1 << 11,
  /** Frame came from a capture whose snaplen cut it (len < wireLen). */
  SNAPPED: 1 << 12,
  /** Tracing is on for this packet. */
  TRACE: 1 << 13,
  /**
   * The IP prerouting hooks already ran on the bridged path (use-ip-firewall: bridge-dstnat set it): the
   * packet's connection (FirewallState.ctRef) is attached, so if it goes up to the router ip4-input sends it
   * straight to routing (Linux br_netfilter's ip_sabotage_in). Cleared when a frame is parsed (parse.ts and
   * ethernet-routed.ts keep only SNAPPED and TRACE), so it never outlives its packet.
   */
  BRIDGE_IP: 1 << 14,
  /**
   * A TCP/IPv4 super-frame (TSO/GSO) from a port with offloads (a TAP opened with vnet headers): one frame
   * holding many MSS-sized segments, its checksum complete. MTU checks do not apply to it (Linux checks
   * the segment size, skb_gso_validate_network_len); the egress port passes it on whole or segments it
   * (dataplane/ports/gso.ts). Kept by parseFrame like SNAPPED; packets the router makes never have it.
   */
  GSO: 1 << 15,
} as const;

export interface MetaColumns {
  /** Offset of the frame's first byte inside its slot (headroom lets tags be pushed without copying). */
  start: Uint16Array;
  /** Frame bytes present in the slot. */
  len: Uint32Array;
  /** Frame length on the wire (>= len when a capture was snapped). */
  wireLen: Uint32Array;
  /** Port the frame came in on (-1 for router-originated). */
  inPort: Int16Array;
  /** Port chosen for transmission (-1 = none yet). */
  outPort: Int16Array;
  /** Outer VLAN ID (valid with PktFlag.VLAN). */
  vlanOuter: Uint16Array;
  /** Inner VLAN ID (valid with PktFlag.QINQ). */
  vlanInner: Uint16Array;
  /** Innermost ethertype after tags (0x0800, 0x86dd, 0x0806, ...). */
  etherType: Uint16Array;
  /** Offset of the L3 header from the frame start. */
  l3Off: Uint16Array;
  /** Offset of the L4 header from the frame start (valid with PktFlag.L4). */
  l4Off: Uint16Array;
  /** Length of the L3 packet per its own header (IPv4 total length, IPv6 40 + payload length). */
  l3Len: Uint16Array;
  /** IP protocol / IPv6 upper-layer next header. */
  l4Proto: Uint8Array;
  /** PktFlag bits. */
  flags: Uint32Array;
  /** Packet, connection and routing marks as interned ids (0 = no-mark). */
  packetMark: Uint16Array;
  connMark: Uint16Array;
  routingMark: Uint16Array;
  /** Capture/arrival timestamp: whole seconds and nanoseconds (two columns; no BigInt). */
  tsSec: Uint32Array;
  tsNsec: Uint32Array;
  /** Flow hash (symmetric), filled by the dispatcher. */
  hash: Uint32Array;
  /** Link type of the frame as it arrived (pcap LINKTYPE_*: 1 Ethernet, 113 Linux SLL). */
  linkType: Uint16Array;
  /** Drop reason code (dataplane/drop.ts); 0 = alive. */
  drop: Uint8Array;
}

/**
 * The columns, laid widest first so every column is naturally aligned. Fields are assigned one by one in
 * the constructor: V8 then gives every MetaColumns object the same fast shape. (Building the object with
 * keyed stores in a loop made each column load ~30x slower, measured in bench/micro/buf-pool.)
 */
class Columns implements MetaColumns {
  len: Uint32Array;
  wireLen: Uint32Array;
  flags: Uint32Array;
  tsSec: Uint32Array;
  tsNsec: Uint32Array;
  hash: Uint32Array;
  start: Uint16Array;
  inPort: Int16Array;
  outPort: Int16Array;
  vlanOuter: Uint16Array;
  vlanInner: Uint16Array;
  etherType: Uint16Array;
  l3Off: Uint16Array;
  l4Off: Uint16Array;
  l3Len: Uint16Array;
  packetMark: Uint16Array;
  connMark: Uint16Array;
  routingMark: Uint16Array;
  linkType: Uint16Array;
  l4Proto: Uint8Array;
  drop: Uint8Array;

  constructor(b: SharedArrayBuffer, n: number) {
    let o = 0;
    const u32 = () => { const a = new Uint32Array(b, o, n); o += 4 * n; return a; };
    const u16 = () => { const a = new Uint16Array(b, o, n); o += 2 * n; return a; };
    const i16 = () => { const a = new Int16Array(b, o, n); o += 2 * n; return a; };
    const u8 = () => { const a = new Uint8Array(b, o, n); o += n; return a; };
    this.len = u32();
    this.wireLen = u32();
    this.flags = u32();
    this.tsSec = u32();
    this.tsNsec = u32();
    this.hash = u32();
    this.start = u16();
    this.inPort = i16();
    this.outPort = i16();
    this.vlanOuter = u16();
    this.vlanInner = u16();
    this.etherType = u16();
    this.l3Off = u16();
    this.l4Off = u16();
    this.l3Len = u16();
    this.packetMark = u16();
    this.connMark = u16();
    this.routingMark = u16();
    this.linkType = u16();
    this.l4Proto = u8();
    this.drop = u8();
  }
}

/** Bytes of metadata per slot: the column widths above (6 x 4 + 13 x 2 + 2 x 1). */
export const META_BYTES_PER_SLOT = 6 * 4 + 13 * 2 + 2 * 1;

/**
 * Lay the columns for `slots` packets over `sab` (created when omitted). Another thread calls this with
 * the same buffer and count to get views of the same columns.
 */
export function metaColumns(slots: number, sab?: SharedArrayBuffer): { sab: SharedArrayBuffer; cols: MetaColumns } {
  const size = slots * META_BYTES_PER_SLOT;
  const buf = sab ?? new SharedArrayBuffer(size);
  if (buf.byteLength < size) throw new RangeError(`metadata buffer holds ${buf.byteLength} bytes, need ${size}`);
  return { sab: buf, cols: new Columns(buf, slots) };
}

/** Reset the per-packet fields of one slot before a new frame lands in it. */
export function resetMeta(m: MetaColumns, slot: number, start: number): void {
  m.start[slot] = start;
  m.len[slot] = 0;
  m.wireLen[slot] = 0;
  m.inPort[slot] = -1;
  m.outPort[slot] = -1;
  m.vlanOuter[slot] = 0;
  m.vlanInner[slot] = 0;
  m.etherType[slot] = 0;
  m.l3Off[slot] = 0;
  m.l4Off[slot] = 0;
  m.l3Len[slot] = 0;
  m.l4Proto[slot] = 0;
  m.flags[slot] = 0;
  m.packetMark[slot] = 0;
  m.connMark[slot] = 0;
  m.routingMark[slot] = 0;
  m.tsSec[slot] = 0;
  m.tsNsec[slot] = 0;
  m.hash[slot] = 0;
  m.linkType[slot] = 1;
  m.drop[slot] = 0;
}
