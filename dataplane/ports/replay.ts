/**
 * Replay port: feeds frames from capture files into packet slots, merged across inputs on the capture
 * clock.
 *
 * Each input is a capture bound to a port (an interface of the router). `fill` takes the earliest pending
 * record among all inputs (ties: input order, then file order, so the merge is deterministic), copies it
 * into a free slot (the one copy: the reader's page buffer → the slot) and sets the metadata a port owns:
 * length, wire length, in-port, link type, timestamp. Parsing is the pipeline's job.
 *
 * A truncated or corrupt capture stops only that input; its error (with the byte offset) is kept in
 * `errors`, and every record before it has been delivered.
 *
 * **Linux cooked captures** (`tcpdump -i any`: LINKTYPE_LINUX_SLL 113, LINUX_SLL2 276) carry no Ethernet
 * header, so a router port could not take them. Once the source knows the ports' own MACs
 * (`setPortMacs`, which replayThroughFlow calls), it rewrites such a record into an Ethernet frame in the
 * slot, in place (the 14-byte Ethernet header is written over the tail of the 16/20-byte cooked header; the
 * frame gets 2/6 bytes shorter, on the wire too, and the headroom grows by as much):
 * - destination: the port's own MAC for PACKET_HOST and PACKET_OUTGOING (the capturing host's own traffic,
 *   replayed as if sent to the router), ff:ff:ff:ff:ff:ff for PACKET_BROADCAST, for PACKET_MULTICAST the
 *   group MAC of the IPv4 (01:00:5e + low 23 bits) or IPv6 (33:33 + low 32 bits) destination (01:00:5e:00:00:01
 *   when there is none), and the placeholder `SLL_OTHERHOST_MAC` for PACKET_OTHERHOST (the real one is
 *   not in the capture; any unicast MAC not the router's behaves the same);
 * - source: the SLL address when it is 6 bytes long, else the placeholder `SLL_NO_ADDRESS_MAC` (e.g. PPP
 *   and tunnel devices, ARPHRD_NONE, have no link-layer address);
 * - ethertype: the SLL protocol field; for ETH_P_802_3 (1) and ETH_P_802_2 (4), whose payload is an 802.3
 *   frame body, the 802.3 length instead.
 * A record shorter than the cooked header is dropped at the port as `sll-truncated`. The conversion is
 * remembered per slot (`cookedFrom`, `cookedType`) so the replay can trace it. Without port MACs (a replay
 * that only describes frames) cooked records are left as they are. These choices are flowplane's (a router
 * never receives cooked frames); the group MACs follow RFC 1112 / RFC 2464. Not converted yet: raw IP
 * captures (LINKTYPE_RAW 101), which ethernet-input drops as `unsupported-link-type`.
 */
import type { PacketPool } from '../buf/pool';
import type { PacketVector } from '../buf/vector';
import { PktFlag } from '../buf/meta';
import { Drop } from '../drop';
import { traceEvent } from '../trace';
import { LinkType, SllPacketType, SLL_HEADER_LEN, SLL2_HEADER_LEN } from '../wire/sll';
import type { CaptureReader, CaptureError } from '../../pcap/reader';

const PACKET_TYPES = ['host', 'broadcast', 'multicast', 'otherhost', 'outgoing'];
const packetTypeName = (t: number): string => PACKET_TYPES[t] ?? `type ${t}`;

/** Trace step the replay records for a converted cooked record: a = its link type, b = its SLL packet type. */
export const EV_SLL_CONVERTED = traceEvent(
  'sll-converted',
  (a, b) => `Linux cooked capture (${a === LinkType.LINUX_SLL2 ? 'SLL2' : 'SLL'}, packet type ${packetTypeName(b)}) converted to Ethernet`,
  { a: ['linkType', 'int'], b: ['packetType', (v) => packetTypeName(v)] },
);

/** Source MAC of a converted cooked record whose device has no 6-byte link-layer address (locally administered). */
export const SLL_NO_ADDRESS_MAC = '02:00:00:00:00:00';
/** Destination MAC of a converted PACKET_OTHERHOST record (locally administered; not the router's). */
export const SLL_OTHERHOST_MAC = '02:00:00:ff:ff:ff';

export interface ReplayInput {
  /** Port number the frames arrive on. */
  port: number;
  reader: CaptureReader;
}

export interface ReplayInputError {
  port: number;
  error: CaptureError;
}

export class ReplaySource {
  readonly errors: ReplayInputError[] = [];
  /** Records delivered per input, in input order. */
  readonly delivered: number[];
  private readonly inputs: ReplayInput[];
  /** Whether input i has a pending (read but not delivered) record. */
  private readonly pending: boolean[];
  private live: number;
  /** Port number → its MAC as hi16/lo32 (set by setPortMacs; null: cooked records are not converted). */
  private macHi: Uint16Array | null = null;
  private macLo: Uint32Array | null = null;
  /**
   * Per slot: the link type the record had when it was converted to Ethernet at this port (113 / 276), else 0;
   * valid from `fill` until the slot is reused.
   */
  readonly cookedFrom: Uint16Array;
  /** Per slot: the SLL packet type of a converted record (SllPacketType). */
  readonly cookedType: Uint8Array;

  constructor(private readonly pool: PacketPool, inputs: ReplayInput[]) {
    this.cookedFrom = new Uint16Array(pool.slots);
    this.cookedType = new Uint8Array(pool.slots);
    this.inputs = inputs;
    this.delivered = inputs.map(() => 0);
    this.pending = inputs.map(() => false);
    this.live = inputs.length;
    for (let i = 0; i < inputs.length; i++) this.advance(i);
  }

  /**
   * The ports' own MACs, 6 bytes per port number (`ports` of them): from now on Linux cooked records are
   * converted to Ethernet frames for their port (module comment).
   */
  setPortMacs(macs: Uint8Array, ports: number): void {
    this.macHi = new Uint16Array(ports);
    this.macLo = new Uint32Array(ports);
    for (let p = 0; p < ports && p * 6 + 6 <= macs.length; p++) {
      const o = p * 6;
      this.macHi[p] = (macs[o]! << 8) | macs[o + 1]!;
      this.macLo[p] = ((macs[o + 2]! << 24) | (macs[o + 3]! << 16) | (macs[o + 4]! << 8) | macs[o + 5]!) >>> 0;
    }
  }

  /** True when every input is exhausted. */
  get done(): boolean {
    return this.live === 0;
  }

  /**
   * Append up to the vector's free capacity of frames (fewer if the pool runs out of slots).
   * Returns how many were appended; 0 means the inputs are exhausted or no slot is free.
   */
  fill(vec: PacketVector): number {
    const pool = this.pool;
    const m = pool.meta;
    let n = 0;
    while (!vec.full && this.live > 0) {
      const i = this.earliest();
      if (i < 0) break;
      const slot = pool.alloc();
      if (slot < 0) break;
      const r = this.inputs[i]!.reader;
      const fits = pool.write(slot, r.data, r.dataOffset, r.capLen, r.origLen);
      if (!fits) {
        // Keep the record visible (counted, traced) but carry no bytes.
        m.len[slot] = 0;
        m.wireLen[slot] = r.origLen;
        m.drop[slot] = Drop.FRAME_TOO_LARGE;
      } else if (r.capLen < r.origLen) {
        m.flags[slot] |= PktFlag.SNAPPED;
      }
      const port = this.inputs[i]!.port;
      m.inPort[slot] = port;
      m.linkType[slot] = r.linkType;
      this.cookedFrom[slot] = 0;
      if ((r.linkType === LinkType.LINUX_SLL || r.linkType === LinkType.LINUX_SLL2) && this.macHi !== null && fits) this.cook(slot, port);
      m.tsSec[slot] = r.tsSec;
      m.tsNsec[slot] = r.tsNsec;
      vec.push(slot);
      this.delivered[i]!++;
      n++;
      this.advance(i);
    }
    return n;
  }

  /** Rewrite the cooked record in `slot` as an Ethernet frame for `port` (module comment). */
  private cook(slot: number, port: number): void {
    const pool = this.pool;
    const m = pool.meta;
    const b = pool.bytes;
    const v2 = m.linkType[slot] === LinkType.LINUX_SLL2;
    const h = v2 ? SLL2_HEADER_LEN : SLL_HEADER_LEN;
    const len = m.len[slot]!;
    if (len < h) {
      m.drop[slot] = Drop.SLL_TRUNCATED;
      return;
    }
    const o = pool.frameOffset(slot);
    const ptype = v2 ? b[o + 10]! : (b[o]! << 8) | b[o + 1]!;
    const halen = v2 ? b[o + 11]! : (b[o + 4]! << 8) | b[o + 5]!;
    const ao = o + (v2 ? 12 : 6);
    let proto = v2 ? (b[o]! << 8) | b[o + 1]! : (b[o + 14]! << 8) | b[o + 15]!;
    // Read everything before writing: the Ethernet header overlaps the cooked one.
    let sHi = 0x0200;
    let sLo = 0;
    if (halen === 6) {
      sHi = (b[ao]! << 8) | b[ao + 1]!;
      sLo = ((b[ao + 2]! << 24) | (b[ao + 3]! << 16) | (b[ao + 4]! << 8) | b[ao + 5]!) >>> 0;
    }
    const pay = o + h;
    const payLen = len - h;
    let dHi: number;
    let dLo: number;
    if (ptype === SllPacketType.BROADCAST) {
      dHi = 0xffff;
      dLo = 0xffffffff;
    } else if (ptype === SllPacketType.MULTICAST) {
      if (proto === 0x0800 && payLen >= 20) {
        dHi = 0x0100;
        dLo = (0x5e000000 | ((b[pay + 17]! & 0x7f) << 16) | (b[pay + 18]! << 8) | b[pay + 19]!) >>> 0;
      } else if (proto === 0x86dd && payLen >= 40) {
        dHi = 0x3333;
        dLo = ((b[pay + 36]! << 24) | (b[pay + 37]! << 16) | (b[pay + 38]! << 8) | b[pay + 39]!) >>> 0;
      } else {
        dHi = 0x0100;
        dLo = 0x5e000001;
      }
    } else if (ptype === SllPacketType.OTHERHOST) {
      dHi = 0x0200;
      dLo = 0x00ffffff;
    } else {
      dHi = this.macHi![port] ?? 0;
      dLo = this.macLo![port] ?? 0;
    }
    if (proto === 0x0001 || proto === 0x0004) proto = payLen; // an 802.3 frame body: the length field
    const e = o + h - 14;
    b[e] = dHi >>> 8;
    b[e + 1] = dHi;
    b[e + 2] = dLo >>> 24;
    b[e + 3] = dLo >>> 16;
    b[e + 4] = dLo >>> 8;
    b[e + 5] = dLo;
    b[e + 6] = sHi >>> 8;
    b[e + 7] = sHi;
    b[e + 8] = sLo >>> 24;
    b[e + 9] = sLo >>> 16;
    b[e + 10] = sLo >>> 8;
    b[e + 11] = sLo;
    b[e + 12] = proto >>> 8;
    b[e + 13] = proto;
    const shrink = h - 14;
    m.start[slot]! += shrink;
    m.len[slot] = len - shrink;
    m.wireLen[slot] = m.wireLen[slot]! > shrink ? m.wireLen[slot]! - shrink : 0;
    m.linkType[slot] = LinkType.ETHERNET;
    this.cookedFrom[slot] = v2 ? LinkType.LINUX_SLL2 : LinkType.LINUX_SLL;
    this.cookedType[slot] = ptype > 255 ? 255 : ptype;
  }

  private earliest(): number {
    let best = -1;
    let bs = 0;
    let bn = 0;
    for (let i = 0; i < this.inputs.length; i++) {
      if (!this.pending[i]) continue;
      const r = this.inputs[i]!.reader;
      if (best < 0 || r.tsSec < bs || (r.tsSec === bs && r.tsNsec < bn)) {
        best = i;
        bs = r.tsSec;
        bn = r.tsNsec;
      }
    }
    return best;
  }

  private advance(i: number): void {
    const inp = this.inputs[i]!;
    if (inp.reader.next()) {
      this.pending[i] = true;
      return;
    }
    this.pending[i] = false;
    this.live--;
    if (inp.reader.error) this.errors.push({ port: inp.port, error: inp.reader.error });
  }
}
