/**
 * ip4-input: the checks Linux's ip_rcv and ip_route_input make before any firewall hook sees an IPv4
 * packet (RouterOS runs them too: a packet failing them never shows in firewall counters).
 * - Header sanity (version, IHL, total length) was checked by parseFrame in ethernet-input.
 * - Header checksum: a bad one is dropped (`ipv4-bad-checksum`, Linux ip_rcv_core).
 * - Martians (Linux ip_route_input_slow): source multicast, 255.255.255.255, 127.0.0.0/8, or 0.0.0.0/8
 *   unless sent to 255.255.255.255 (DHCP discovery) → `martian-source`; destination 0.0.0.0/8 or
 *   127.0.0.0/8 → `martian-destination`. A source that is one of the router's own addresses is checked by
 *   routing (it needs the FIB).
 * Then on to raw-prerouting; with use-ip-firewall, a frame that came up from a bridge after the bridged IP
 * prerouting hooks (PktFlag.BRIDGE_IP) goes straight to routing instead (Linux br_netfilter's
 * ip_sabotage_in: its connection is attached already, it is not tracked, mangled or NATed twice).
 *
 * Speed: the checksum of a 20-byte header at an even offset is summed as ten 16-bit words read through a
 * Uint16Array over the pool (host byte order: the one's complement sum is byte-order independent, RFC 1071
 * §2(B), and a valid header sums to 0xffff either way), half the loads of the byte-wise sum (five 32-bit
 * DataView reads measured slower); options or an odd offset take wire/checksum.ts's byte-wise ipv4ChecksumOk.
 */
import type { StageContext } from '../graph';
import { NEXT_DROP } from '../graph';
import { Drop } from '../drop';
import { ipv4ChecksumOk } from '../wire/checksum';
import { FlowStage, dropIn, type FlowState } from './state';

/** Host byte order is little-endian (x86, ARM as Node runs them). */
const LE = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

export class Ip4Input extends FlowStage {
  /** The pool's bytes as 16-bit words (host order), for the checksum. */
  private readonly w16: Uint16Array;

  /** Frames whose prerouting ran on the bridged path (PktFlag.BRIDGE_IP) go to next 1 (routing). */
  private readonly bridgedSkip: boolean;

  /**
   * `routing`: with use-ip-firewall, the stage frames go to whose IP prerouting already ran on the bridged
   * path (Linux br_netfilter's ip_sabotage_in: not tracked, mangled or NATed twice).
   */
  constructor(st: FlowState, nextStage: string, routing?: string) {
    super('ip4-input', routing !== undefined ? [nextStage, routing] : [nextStage], st);
    this.bridgedSkip = routing !== undefined;
    const b = st.pool.bytes;
    this.w16 = new Uint16Array(b.buffer, b.byteOffset, b.byteLength >>> 1);
  }

  process(slots: Uint32Array, n: number, next: Uint8Array, ctx: StageContext): void {
    const st = this.st;
    const pool = st.pool;
    const m = pool.meta;
    const b = pool.bytes;
    const w = this.w16;
    const trace = ctx.trace;
    const start = m.start;
    const l3Off = m.l3Off;
    const slotSize = pool.slotSize;
    const skip = this.bridgedSkip;
    const flags = m.flags;
    for (let i = 0; i < n; i++) {
      const slot = slots[i]!;
      const ip = slot * slotSize + start[slot]! + l3Off[slot]!;
      let ok: boolean;
      let s0: number;
      let d0: number;
      if ((ip & 1) === 0 && b[ip] === 0x45) {
        const k = ip >>> 1;
        const w6 = w[k + 6]!;
        const w8 = w[k + 8]!;
        let s = w[k]! + w[k + 1]! + w[k + 2]! + w[k + 3]! + w[k + 4]! + w[k + 5]! + w6 + w[k + 7]! + w8 + w[k + 9]!;
        s = (s & 0xffff) + (s >>> 16);
        s = (s & 0xffff) + (s >>> 16);
        ok = s === 0xffff;
        // first octets of source and destination from the words already read (host order: little-endian
        // here, the first byte is the low one; a big-endian host takes the byte loads)
        s0 = LE ? w6 & 0xff : b[ip + 12]!;
        d0 = LE ? w8 & 0xff : b[ip + 16]!;
      } else {
        ok = ipv4ChecksumOk(b, ip);
        s0 = b[ip + 12]!;
        d0 = b[ip + 16]!;
      }
      let drop = 0;
      if (!ok) drop = Drop.IPV4_BAD_CHECKSUM;
      else {
        // Fast path: first octets of ordinary unicast (1..126, 128..223) need no more checks.
        if (s0 === 0 || s0 === 127 || s0 >= 224 || d0 === 0 || d0 === 127) {
          const dstAll = (d0 & b[ip + 17]! & b[ip + 18]! & b[ip + 19]!) === 0xff;
          const srcAll = (s0 & b[ip + 13]! & b[ip + 14]! & b[ip + 15]!) === 0xff;
          if ((s0 & 0xf0) === 0xe0 || srcAll || s0 === 127 || (s0 === 0 && !dstAll)) drop = Drop.MARTIAN_SOURCE;
          else if (d0 === 0 || d0 === 127) drop = Drop.MARTIAN_DESTINATION;
        }
      }
      if (drop !== 0) {
        dropIn(st, slot, drop, this.index, trace);
        next[i] = NEXT_DROP;
      } else next[i] = skip && (flags[slot]! & 0x4000) !== 0 ? 1 : 0; // 0x4000: PktFlag.BRIDGE_IP
    }
  }
}
