/**
 * Offload micro-benchmarks (dataplane/ports/gso.ts): cutting a 64 KiB TCP super-frame into 1448-byte
 * segments in software (what a TAP with offloads costs when the egress port takes only wire-sized frames),
 * and writing the vnet header of a super-frame for a TAP that takes it whole.
 */
import { sink, type AddBench } from '../harness';
import { PacketPool } from '../../dataplane/buf/pool';
import { PktFlag } from '../../dataplane/buf/meta';
import { parseFrame } from '../../dataplane/wire/parse';
import { fillVnetHdr, segmentTcp4, VNET_HDR_LEN } from '../../dataplane/ports/gso';
import { frame } from '../../pcap/fixture';

function superFrame(pool: PacketPool): number {
  const f = frame()
    .eth({ src: '02:00:00:00:00:01', dst: '02:00:00:00:00:02' })
    .ipv4({ src: '10.0.0.1', dst: '192.168.1.1', ttl: 64, df: true })
    .tcp({ sport: 40000, dport: 5201, flags: 'PA', seq: 1, ack: 1, options: { ts: [1, 2] } })
    .payload(65535 - 20 - 32)
    .build();
  const s = pool.alloc();
  pool.write(s, f, 0, f.length);
  parseFrame(pool.bytes, pool.frameOffset(s), f.length, 1, pool.meta, s);
  pool.meta.flags[s] = pool.meta.flags[s]! | PktFlag.GSO;
  return s;
}

export function register(add: AddBench): void {
  {
    const pool = new PacketPool({ slots: 64, slotSize: 65536 + 512 });
    const s = superFrame(pool);
    const out = new Uint32Array(64);
    // 65483 bytes of payload / 1448 = 46 segments per call; bytes per second = items x 1448.
    add('segmentTcp4 64 KiB super-frame into 1448-byte segments', () => {
      const n = segmentTcp4(pool, s, 1448, out, 0);
      for (let i = 0; i < n; i++) pool.free(out[i]!);
      sink.n += n;
    }, 46, 'segments');
  }
  {
    const pool = new PacketPool({ slots: 4, slotSize: 65536 + 512 });
    const s = superFrame(pool);
    const h = new Uint8Array(VNET_HDR_LEN);
    add('fillVnetHdr of a 64 KiB super-frame', () => {
      fillVnetHdr(pool, s, 1448, h, 0);
      sink.n += h[1]!;
    }, 1, 'frames');
  }
}
