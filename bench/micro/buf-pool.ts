/** Packet slots: the cost of landing a frame in a slot (alloc + copy + free) and of a vector round. */
import type { AddBench } from '../harness';
import { sink } from '../harness';
import { PacketPool } from '../../dataplane/buf/pool';
import { PacketVector } from '../../dataplane/buf/vector';

export function register(add: AddBench): void {
  const pool = new PacketPool({ slots: 4096 });
  const vec = new PacketVector();
  const frame64 = new Uint8Array(64).fill(0xab);
  const frame1500 = new Uint8Array(1500).fill(0xcd);

  const land = (frame: Uint8Array) => () => {
    for (let i = 0; i < 256; i++) {
      const s = pool.alloc();
      pool.write(s, frame, 0, frame.length);
      vec.push(s);
    }
    for (let i = 0; i < vec.count; i++) pool.free(vec.slots[i]!);
    sink.n += vec.count;
    vec.clear();
  };
  add('alloc + write 64 B + free (vector of 256)', land(frame64), 256, 'frames');
  add('alloc + write 1500 B + free (vector of 256)', land(frame1500), 256, 'frames');
}
