/**
 * Building the router's own ARP requests (used by arp-resolve). Not a stage: a helper that fills a new slot.
 */
import { ArpOp, emitArp } from '../wire/arp';
import { PktFlag } from '../buf/meta';
import type { FlowState } from './state';

const ZERO_MAC = new Uint8Array(6);
const scratchMac = new Uint8Array(6);

/**
 * A new slot holding an ARP request who-has `ip` tell (our MAC, primary address of `oif`), broadcast when
 * `hi < 0`, else unicast to hi/lo (a probe of a stale entry). Padded to 60 bytes like any Ethernet frame.
 * Returns the slot (outPort, outIf, length and metadata set) or -1 when the pool is exhausted.
 */
export function emitArpRequest(st: FlowState, oif: number, ip: number, hi: number, lo: number): number {
  const pool = st.pool;
  const s = pool.alloc();
  if (s < 0) return -1;
  const t = st.tables;
  const b = pool.bytes;
  const f = pool.frameOffset(s);
  if (hi < 0) b.fill(0xff, f, f + 6);
  else {
    b[f] = hi >>> 8;
    b[f + 1] = hi;
    b[f + 2] = lo >>> 24;
    b[f + 3] = lo >>> 16;
    b[f + 4] = lo >>> 8;
    b[f + 5] = lo;
  }
  b.set(t.macs.subarray(oif * 6, oif * 6 + 6), f + 6);
  b[f + 12] = 0x08;
  b[f + 13] = 0x06;
  scratchMac.set(t.macs.subarray(oif * 6, oif * 6 + 6));
  emitArp({ op: ArpOp.REQUEST, senderMac: scratchMac, senderIp: t.ifAddr[oif]!, targetMac: ZERO_MAC, targetIp: ip >>> 0 }, b, f + 14);
  b.fill(0, f + 42, f + 60);
  const m = pool.meta;
  m.len[s] = 60;
  m.wireLen[s] = 60;
  m.etherType[s] = 0x0806;
  m.l3Off[s] = 14;
  m.l3Len[s] = 28;
  m.flags[s] = PktFlag.ARP | (hi < 0 ? PktFlag.BROADCAST | PktFlag.MULTICAST : 0);
  m.tsSec[s] = st.ctx.nowSec;
  m.tsNsec[s] = st.ctx.nowNsec;
  m.outPort[s] = t.ifPort[oif]!;
  st.inIf[s] = -1;
  st.serial[s] = 0;
  st.outIf[s] = oif;
  return s;
}
