/**
 * The vector ring (dataplane/worker/ring.ts): entries in order, full and empty, close; and across a real
 * thread (the built dist/ copy in a worker), every vector arrives whole and in order.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Worker } from 'node:worker_threads';
import { VectorRing } from '../../../dataplane/worker/ring';

describe('VectorRing', () => {
  test('FIFO of vectors; full refuses, empty says -1', () => {
    const r = new VectorRing(4, 8);
    const out = new Uint32Array(8);
    expect(r.pop(out)).toBe(-1);
    for (let k = 0; k < 4; k++) expect(r.push(Uint32Array.from([k, k + 10, k + 20]), 1 + (k % 3))).toBe(true);
    expect(r.push(new Uint32Array(1), 1)).toBe(false);
    expect(r.size).toBe(4);
    for (let k = 0; k < 4; k++) {
      const n = r.pop(out);
      expect(n).toBe(1 + (k % 3));
      expect([...out.subarray(0, n)]).toEqual([k, k + 10, k + 20].slice(0, n));
    }
    expect(r.pop(out)).toBe(-1);
    // wraps around many times
    for (let k = 0; k < 100; k++) {
      expect(r.push(Uint32Array.from([k]), 1, 0)).toBe(true);
      expect(r.pop(out)).toBe(1);
      expect(out[0]).toBe(k);
    }
  });

  test('push from an offset; oversized vectors and bad shapes are refused', () => {
    const r = new VectorRing(2, 4);
    const out = new Uint32Array(4);
    r.push(Uint32Array.from([9, 8, 7, 6, 5]), 2, 3);
    expect(r.pop(out)).toBe(2);
    expect([...out.subarray(0, 2)]).toEqual([6, 5]);
    expect(() => r.push(new Uint32Array(5), 5)).toThrow(RangeError);
    expect(() => new VectorRing(3, 4)).toThrow(RangeError);
    expect(() => new VectorRing(4, 0)).toThrow(RangeError);
  });

  test('close: a waiting consumer drains what is left, then gets -1', () => {
    const r = new VectorRing(4, 2);
    const out = new Uint32Array(2);
    r.push(Uint32Array.from([1, 2]), 2);
    r.close();
    expect(r.popWait(out, 1)).toBe(2);
    expect(r.popWait(out, 1)).toBe(-1);
    expect(r.pushWait(new Uint32Array(1), 1, 1)).toBe(true);
    const full = new VectorRing(2, 1);
    full.push(new Uint32Array(1), 1);
    full.push(new Uint32Array(1), 1);
    full.close();
    expect(full.pushWait(new Uint32Array(1), 1, 1)).toBe(false);
  });

  test('across threads: 20,000 vectors arrive whole and in order', async () => {
    const built = path.resolve(__dirname, '../../../dist/dataplane/worker/ring.js');
    if (!fs.existsSync(built)) throw new Error('dist/ is not built: run `npm run build` (npm test does it)');
    const r = new VectorRing(8, 64);
    const w = new Worker(
      `const { parentPort, workerData } = require('node:worker_threads');
       const { VectorRing } = require(workerData.built);
       const r = new VectorRing(8, 64, workerData.sab);
       const out = new Uint32Array(64);
       let expect = 0, bad = 0, vectors = 0;
       for (;;) {
         const n = r.popWait(out, 5);
         if (n < 0) break;
         vectors++;
         if (n !== 1 + (out[0] % 64)) bad++;
         for (let i = 0; i < n; i++) if (out[i] !== expect + i) bad++;
         expect += n;
       }
       parentPort.postMessage({ vectors, bad, total: expect });`,
      { eval: true, workerData: { sab: r.sab, built } },
    );
    const done = new Promise<{ vectors: number; bad: number; total: number }>((res, rej) => {
      w.on('message', res);
      w.on('error', rej);
    });
    const v = new Uint32Array(64);
    let next = 0;
    for (let k = 0; k < 20_000; k++) {
      const n = 1 + (next % 64);
      for (let i = 0; i < n; i++) v[i] = next + i;
      expect(r.pushWait(v, n, 5)).toBe(true);
      next += n;
    }
    r.close();
    const got = await done;
    await w.terminate();
    expect(got).toEqual({ vectors: 20_000, bad: 0, total: next });
  });
});
