/**
 * wire/ micro-benchmarks: parseFrame over a vector of 256 prebuilt frames in a PacketPool (the dataplane's
 * first step for every packet), checksums over a 1500-byte packet, and incremental NAT/TTL rewrites.
 */
import { sink, type AddBench } from '../harness';
import { PacketPool } from '../../dataplane/buf/pool';
import { parseFrame } from '../../dataplane/wire/parse';
import { inetChecksum, ipv4DecTtl, ipv4RewriteSrc, l4RewriteSrcPort, l4ChecksumOk4 } from '../../dataplane/wire/checksum';
import { frame } from '../../pcap/fixture';

const N = 256;

function tcp4(i: number): Uint8Array {
  return frame()
    .eth({ src: '02:00:00:00:00:01', dst: '02:00:00:00:00:02' })
    .ipv4({ src: `10.0.${i >> 8}.${i & 255}`, dst: '192.168.1.1', ttl: 64, id: i, df: true })
    .tcp({ sport: 1024 + i, dport: 80, flags: 'PA', seq: i * 1000, ack: 1, options: { ts: [i, 0] } })
    .payload(64)
    .build();
}
function tcp4vlan(i: number): Uint8Array {
  return frame()
    .eth({ src: '02:00:00:00:00:01', dst: '02:00:00:00:00:02' })
    .vlan(100 + (i & 7))
    .ipv4({ src: `10.0.${i >> 8}.${i & 255}`, dst: '192.168.1.1', ttl: 64, id: i })
    .tcp({ sport: 1024 + i, dport: 443, flags: 'A', seq: i, ack: 1 })
    .payload(32)
    .build();
}
function tcp6(i: number): Uint8Array {
  return frame()
    .eth({ src: '02:00:00:00:00:01', dst: '02:00:00:00:00:02' })
    .ipv6({ src: `2001:db8::${(i + 1).toString(16)}`, dst: '2001:db8:1::1', hopLimit: 64 })
    .tcp({ sport: 1024 + i, dport: 80, flags: 'A', seq: i, ack: 1 })
    .payload(64)
    .build();
}

/** A pool holding 256 frames and the slot list. */
function vectorOf(make: (i: number) => Uint8Array): { pool: PacketPool; slots: Int32Array } {
  const pool = new PacketPool({ slots: N, slotSize: 2048 });
  const slots = new Int32Array(N);
  for (let i = 0; i < N; i++) {
    const s = pool.alloc();
    const f = make(i);
    pool.write(s, f, 0, f.length);
    slots[i] = s;
  }
  return { pool, slots };
}

function parseCase(make: (i: number) => Uint8Array, verify: boolean): () => void {
  const { pool, slots } = vectorOf(make);
  const b = pool.bytes;
  const m = pool.meta;
  const slotSize = pool.slotSize;
  return () => {
    // a stage hoists the columns it reads out of its per-packet loop
    const start = m.start;
    const lens = m.len;
    let bad = 0;
    for (let i = 0; i < N; i++) {
      const s = slots[i]!;
      bad += parseFrame(b, s * slotSize + start[s]!, lens[s]!, 1, m, s, verify);
    }
    sink.n += bad;
  };
}

export function register(add: AddBench): void {
  add('parseFrame eth+ipv4+tcp x256', parseCase(tcp4, false), N, 'frames', 50e6);
  add('parseFrame eth+ipv4+tcp x256, verify ipv4 csum', parseCase(tcp4, true), N, 'frames');
  add('parseFrame eth+vlan+ipv4+tcp x256', parseCase(tcp4vlan, false), N, 'frames');
  add('parseFrame eth+ipv6+tcp x256', parseCase(tcp6, false), N, 'frames');

  const big = frame()
    .eth({})
    .ipv4({ src: '10.0.0.1', dst: '10.0.0.2' })
    .tcp({ sport: 1, dport: 2, flags: 'A', seq: 1, ack: 1 })
    .payload(1500 - 40)
    .build();
  add('inetChecksum 1500-byte packet', () => {
    sink.n += inetChecksum(big, 14, 1500);
  }, 1500, 'bytes');
  add('tcp checksum verify (pseudo header) 1500-byte packet', () => {
    sink.n += l4ChecksumOk4(big, 14, 34, 1480, 6) ? 1 : 0;
  }, 1, 'packets');

  {
    const { pool, slots } = vectorOf(tcp4);
    const b = pool.bytes;
    const m = pool.meta;
    const slotSize = pool.slotSize;
    let k = 0;
    add('SNAT rewrite (ipv4 src + tcp sport, incremental) x256', () => {
      k = (k + 1) & 0xffff;
      const start = m.start;
      for (let i = 0; i < N; i++) {
        const s = slots[i]!;
        const o = s * slotSize + start[s]!;
        ipv4RewriteSrc(b, o + 14, o + 34, (0xcb007100 + k) >>> 0);
        l4RewriteSrcPort(b, o + 34, 6, 1024 + k);
      }
      sink.n += b[slots[0]! * slotSize + 64 + 26]!;
    }, N, 'packets');
    add('ipv4DecTtl (incremental csum) x256', () => {
      const start = m.start;
      for (let i = 0; i < N; i++) {
        const s = slots[i]!;
        const o = s * slotSize + start[s]! + 14;
        if (ipv4DecTtl(b, o) <= 1) b[o + 8] = 64;
      }
      sink.n += b[slots[0]! * slotSize + 64 + 22]!;
    }, N, 'packets');
  }
}
