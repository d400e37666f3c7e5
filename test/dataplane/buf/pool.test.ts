import { Worker } from 'node:worker_threads';
import { PacketPool } from '../../../dataplane/buf/pool';
import { META_BYTES_PER_SLOT, metaColumns, PktFlag } from '../../../dataplane/buf/meta';
import { PacketVector, VECTOR_SIZE } from '../../../dataplane/buf/vector';
import { DROP_COUNT, DROP_NAMES, DROP_HELP, Drop, dropCode } from '../../../dataplane/drop';

describe('PacketPool', () => {
  test('slots come out in order, each with reset metadata and headroom', () => {
    const p = new PacketPool({ slots: 4, slotSize: 256, headroom: 32 });
    expect(p.maxFrame).toBe(224);
    const a = p.alloc();
    const b = p.alloc();
    expect([a, b]).toEqual([0, 1]);
    expect(p.available).toBe(2);
    expect(p.frameOffset(b)).toBe(256 + 32);
    expect(p.meta.inPort[a]).toBe(-1);
    expect(p.meta.outPort[a]).toBe(-1);
    expect(p.meta.linkType[a]).toBe(1);
  });

  test('exhaustion returns -1 and freed slots are reused with their metadata cleared', () => {
    const p = new PacketPool({ slots: 2, slotSize: 128, headroom: 0 });
    const a = p.alloc();
    const b = p.alloc();
    expect(p.alloc()).toBe(-1);
    p.meta.flags[a] = PktFlag.IPV4;
    p.meta.drop[a] = Drop.IPV4_BAD_IHL;
    p.meta.packetMark[a] = 7;
    p.free(a);
    const c = p.alloc();
    expect(c).toBe(a);
    expect(p.meta.flags[c]).toBe(0);
    expect(p.meta.drop[c]).toBe(0);
    expect(p.meta.packetMark[c]).toBe(0);
    expect(b).toBe(1);
  });

  test('write copies a frame into the slot and refuses frames larger than a slot', () => {
    const p = new PacketPool({ slots: 2, slotSize: 64, headroom: 16 });
    const s = p.alloc();
    const src = Uint8Array.from({ length: 60 }, (_, i) => i);
    expect(p.write(s, src, 10, 40, 1500)).toBe(true);
    expect(p.meta.len[s]).toBe(40);
    expect(p.meta.wireLen[s]).toBe(1500);
    expect(Array.from(p.frameCopy(s))).toEqual(Array.from(src.subarray(10, 50)));
    expect(p.write(s, src, 0, 49)).toBe(false);
    expect(p.meta.len[s]).toBe(40); // untouched
  });

  test('rejects impossible geometry', () => {
    expect(() => new PacketPool({ slots: 0 })).toThrow(RangeError);
    expect(() => new PacketPool({ slotSize: 64, headroom: 64 })).toThrow(RangeError);
  });

  test('columns are naturally aligned views over one shared buffer', () => {
    const { sab, cols } = metaColumns(33);
    expect(sab.byteLength).toBe(33 * META_BYTES_PER_SLOT);
    const all = Object.values(cols) as Uint8Array[];
    expect(all.reduce((n, c) => n + c.byteLength, 0)).toBe(sab.byteLength); // columns tile the buffer exactly
    expect(Math.max(...all.map((c) => c.byteOffset + c.byteLength))).toBe(sab.byteLength);
    for (const [name, col] of Object.entries(cols)) {
      const v = col as unknown as { byteOffset: number; BYTES_PER_ELEMENT: number; length: number; buffer: ArrayBufferLike };
      expect({ name, aligned: v.byteOffset % v.BYTES_PER_ELEMENT }).toEqual({ name, aligned: 0 });
      expect(v.length).toBe(33);
      expect(v.buffer).toBe(sab);
    }
    // Writing one column never disturbs another.
    cols.len.fill(0xffffffff);
    cols.drop.fill(0xff);
    expect(Array.from(cols.inPort).every((x) => x === 0)).toBe(true);
    expect(Array.from(cols.l4Proto).every((x) => x === 0)).toBe(true);
  });

  test('another thread attached to shared() sees and writes the same frames and metadata', async () => {
    const p = new PacketPool({ slots: 8, slotSize: 128 });
    const s = p.alloc();
    p.write(s, new Uint8Array([1, 2, 3, 4]), 0, 4);
    p.meta.vlanOuter[s] = 123;
    // The worker runs plain JavaScript: it lays the same column order over the buffers it is given.
    const code = `
      const { parentPort, workerData } = require('node:worker_threads');
      const { frames, meta, slot, off, cols } = workerData;
      const bytes = new Uint8Array(frames);
      let o = 0; const views = {};
      for (const [name, size] of cols) { const T = size === 4 ? Uint32Array : size === 2 ? Uint16Array : Uint8Array; views[name] = new T(meta, o, 8); o += size * 8; }
      const sum = bytes[off] + bytes[off + 1] + bytes[off + 2] + bytes[off + 3];
      bytes[off] = 99; views.vlanInner[slot] = 456;
      parentPort.postMessage({ sum, vlan: views.vlanOuter[slot], len: views.len[slot] });`;
    const colOrder: [string, number][] = [];
    const sh = p.shared();
    // Recover the layout from byte offsets so the test does not restate it.
    for (const [name, col] of Object.entries(p.meta)) colOrder.push([name, (col as Uint8Array).BYTES_PER_ELEMENT]);
    colOrder.sort((a, b) => (p.meta as unknown as Record<string, Uint8Array>)[a[0]]!.byteOffset - (p.meta as unknown as Record<string, Uint8Array>)[b[0]]!.byteOffset);
    const w = new Worker(code, { eval: true, workerData: { frames: sh.frames, meta: sh.meta, slot: s, off: p.frameOffset(s), cols: colOrder } });
    const msg = await new Promise<{ sum: number; vlan: number; len: number }>((res, rej) => { w.once('message', res); w.once('error', rej); });
    await w.terminate();
    expect(msg).toEqual({ sum: 10, vlan: 123, len: 4 });
    expect(p.bytes[p.frameOffset(s)]).toBe(99);
    expect(p.meta.vlanInner[s]).toBe(456);
    const again = new PacketPool({ shared: sh });
    expect(again.frameCopy(s)[0]).toBe(99);
  });
});

describe('PacketVector', () => {
  test('push until full, clear, and storage on a shared buffer', () => {
    const v = new PacketVector(3);
    expect(v.push(5) && v.push(6) && v.push(7)).toBe(true);
    expect(v.full).toBe(true);
    expect(v.push(8)).toBe(false);
    expect(Array.from(v.slots.subarray(0, v.count))).toEqual([5, 6, 7]);
    v.clear();
    expect(v.count).toBe(0);
    const sab = new SharedArrayBuffer(16 + 4 * VECTOR_SIZE);
    const w = new PacketVector(VECTOR_SIZE, sab, 16);
    w.push(42);
    expect(new Uint32Array(sab, 16, 1)[0]).toBe(42);
    expect(w.capacity).toBe(VECTOR_SIZE);
  });
});

describe('drop reasons', () => {
  test('every code has a unique kebab-case name and an explanation, and fits the Uint8 column', () => {
    expect(DROP_COUNT).toBeLessThanOrEqual(256);
    expect(new Set(DROP_NAMES).size).toBe(DROP_COUNT);
    for (let i = 0; i < DROP_COUNT; i++) {
      expect(DROP_NAMES[i]).toMatch(/^[a-z0-9]+(-[a-z0-9]+)*$/);
      expect(DROP_HELP[i]!.length).toBeGreaterThan(5);
    }
    for (const [k, code] of Object.entries(Drop)) {
      expect({ k, name: DROP_NAMES[code]!.replace(/-/g, '_').toUpperCase() }).toEqual({ k, name: k });
    }
    expect(dropCode('none')).toBe(0);
  });
});

describe('PacketPool own range (a worker attached to a shared pool)', () => {
  test('allocates only its own slots; foreign slots it frees go to onForeignFree', () => {
    const main = new PacketPool({ slots: 16, slotSize: 128 });
    const w = new PacketPool({ shared: main.shared(), own: [10, 14] });
    expect(w.available).toBe(4);
    const got = [w.alloc(), w.alloc(), w.alloc(), w.alloc(), w.alloc()];
    expect(got).toEqual([10, 11, 12, 13, -1]);
    const back: number[] = [];
    w.onForeignFree = (s) => back.push(s);
    w.free(3);
    w.free(12);
    w.free(15);
    expect(back).toEqual([3, 15]);
    expect(w.available).toBe(1);
    expect(w.alloc()).toBe(12);
    // the same bytes: a frame written by one is read by the other
    main.write(3, Uint8Array.from([1, 2, 3]), 0, 3);
    expect([...w.frameCopy(3)]).toEqual([1, 2, 3]);
    expect(() => new PacketPool({ slots: 8, own: [4, 9] })).toThrow(RangeError);
  });
});
