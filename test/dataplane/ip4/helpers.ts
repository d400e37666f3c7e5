/** Test helpers for dataplane/ip4: frames into pool slots (classified by parseFrame) and back. */
import { PacketPool } from '../../../dataplane/buf/pool';
import { parseFrame } from '../../../dataplane/wire/parse';

/** Copy `frame` into a new slot of `pool`, classify it, and return the slot. */
export function load(pool: PacketPool, frame: Uint8Array, o: { linkType?: number; wireLen?: number; inPort?: number; tsSec?: number; tsNsec?: number } = {}): number {
  const s = pool.alloc();
  if (s < 0) throw new Error('test pool exhausted');
  if (!pool.write(s, frame, 0, frame.length, o.wireLen ?? frame.length)) throw new Error('frame too large for the test pool');
  const m = pool.meta;
  m.linkType[s] = o.linkType ?? 1;
  if ((o.wireLen ?? frame.length) > frame.length) m.flags[s] = 0x1000; // SNAPPED, as a port would set it
  m.inPort[s] = o.inPort ?? 1;
  m.tsSec[s] = o.tsSec ?? 1_700_000_000;
  m.tsNsec[s] = o.tsNsec ?? 0;
  parseFrame(pool.bytes, pool.frameOffset(s), frame.length, m.linkType[s]!, m, s);
  return s;
}

/** The frame in `slot` (a copy). */
export function bytesOf(pool: PacketPool, slot: number): Uint8Array {
  return pool.frameCopy(slot);
}

/** The IP packet in `slot` (a copy from l3Off over l3Len bytes). */
export function ipOf(pool: PacketPool, slot: number): Uint8Array {
  const o = pool.frameOffset(slot) + pool.meta.l3Off[slot]!;
  return pool.bytes.slice(o, o + pool.meta.l3Len[slot]!);
}

export const MAC_A = '02:00:00:00:00:0a';
export const MAC_R = '02:00:00:00:00:01';

/** macHi16 / macLo32 of a MAC given as text. */
export function macNum(s: string): [number, number] {
  const b = s.split(':').map((x) => parseInt(x, 16));
  return [(b[0]! << 8) | b[1]!, ((b[2]! << 24) | (b[3]! << 16) | (b[4]! << 8) | b[5]!) >>> 0];
}
