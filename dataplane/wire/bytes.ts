/**
 * Big-endian (network order) reads and writes over a byte array, shared by every protocol file.
 * Tiny on purpose: TurboFan inlines them at each call site, so they cost what hand-written indexing does.
 */

/** Unsigned 16-bit value at `o`. */
export function u16(b: Uint8Array, o: number): number {
  return (b[o]! << 8) | b[o + 1]!;
}

export function setU16(b: Uint8Array, o: number, v: number): void {
  b[o] = v >>> 8;
  b[o + 1] = v;
}

/** Unsigned 32-bit value at `o` (a uint32 number, `>>> 0`). */
export function u32(b: Uint8Array, o: number): number {
  return ((b[o]! << 24) | (b[o + 1]! << 16) | (b[o + 2]! << 8) | b[o + 3]!) >>> 0;
}

export function setU32(b: Uint8Array, o: number, v: number): void {
  b[o] = v >>> 24;
  b[o + 1] = v >>> 16;
  b[o + 2] = v >>> 8;
  b[o + 3] = v;
}
