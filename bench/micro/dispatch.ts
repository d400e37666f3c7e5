/**
 * The worker dispatch path's tables (dataplane/worker/): the symmetric flow hash of a frame (what the
 * dispatcher computes per packet), and a vector of 256 slot indices through a VectorRing (push + pop in one
 * thread: the ring's own cost without the cross-core cache traffic; `flowplane bench --workers` measures
 * that end to end).
 */
import type { AddBench } from '../harness';
import { sink } from '../harness';
import { frame } from '../../pcap/fixture';
import { frameShard, RouterAddrs } from '../../dataplane/worker/shard';
import { VectorRing } from '../../dataplane/worker/ring';

export function register(add: AddBench): void {
  const N = 1024;
  const frames = new Uint8Array(N * 64);
  for (let i = 0; i < N; i++) {
    const f = frame()
      .eth({ src: '02:00:00:00:00:01', dst: '02:00:00:00:00:02' })
      .ipv4({ src: `10.0.${i >> 8}.${i & 255}`, dst: '198.51.100.7' })
      .udp({ sport: 1024 + i, dport: 443 })
      .payload(new Uint8Array(18))
      .build();
    frames.set(f, i * 64);
  }
  const router = RouterAddrs.of([0xcb007102, 0x0a000001]);
  add(
    'frameShard: symmetric hash of 1024 UDP frames',
    () => {
      let x = 0;
      for (let i = 0; i < N; i++) x += frameShard(frames, i * 64, 60, router);
      sink.n += x;
    },
    N,
    'frames',
  );
  const ring = new VectorRing(8, 256);
  const vec = Uint32Array.from({ length: 256 }, (_, i) => i);
  const out = new Uint32Array(256);
  add(
    'VectorRing: push + pop a vector of 256 slot indices',
    () => {
      ring.push(vec, 256);
      sink.n += ring.pop(out);
    },
    256,
    'slots',
  );
}
