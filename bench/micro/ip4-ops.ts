/**
 * dataplane/ip4: echo reply in place, ICMP error generation, fragmentation, reassembly, the ICMP rate
 * limiter. Cases that change a packet in place refill its slot first (a 98 / 1514-byte copy, ~10-20 ns
 * of the figure), since the operation cannot run twice on its own output.
 */
import type { AddBench } from '../harness';
import { sink } from '../harness';
import { PacketPool } from '../../dataplane/buf/pool';
import { parseFrame } from '../../dataplane/wire/parse';
import { IcmpRateLimiter, icmpEchoReplyInPlace, icmpError } from '../../dataplane/ip4/icmp-gen';
import { fragmentIpv4 } from '../../dataplane/ip4/fragment';
import { Ipv4Reassembly } from '../../dataplane/ip4/reassembly';
import { frame } from '../../pcap/fixture';

const VEC = 256;

function loaded(pool: PacketPool, f: Uint8Array, n: number): Uint32Array {
  const slots = new Uint32Array(n);
  for (let i = 0; i < n; i++) {
    const s = pool.alloc();
    pool.write(s, f, 0, f.length);
    parseFrame(pool.bytes, pool.frameOffset(s), f.length, 1, pool.meta, s);
    slots[i] = s;
  }
  return slots;
}

export function register(add: AddBench): void {
  const pool = new PacketPool({ slots: 4096 });
  const A = '02:00:00:00:00:0a';
  const R = '02:00:00:00:00:01';

  // echo reply: a 98-byte ping (56 bytes of data, as ping sends)
  const ping = frame().eth({ src: A, dst: R }).ipv4({ src: '10.0.0.1', dst: '10.0.0.254', id: 1, df: true }).icmp({ type: 'echo-request', id: 7, seq: 1 }).payload(56).build();
  const pings = loaded(pool, ping, VEC);
  add('echo reply in place (98 B ping, slot refilled)', () => {
    let r = 0;
    for (let i = 0; i < VEC; i++) {
      const s = pings[i]!;
      pool.write(s, ping, 0, ping.length);
      r += icmpEchoReplyInPlace(pool, s, 0x0200, 0x00000001);
    }
    sink.n += r;
  }, VEC, 'packets');

  // ICMP errors about a 1514-byte frame: time exceeded (quote 548 B) and, with the rate limiter, 3/4
  const full = frame().eth({ src: A, dst: R }).ipv4({ src: '10.0.0.1', dst: '198.51.100.1', ttl: 1, id: 2 }).udp({ sport: 1, dport: 2 }).payload(1472).build();
  const fulls = loaded(pool, full, VEC);
  const out = new Int32Array(VEC);
  add('ICMP time exceeded about a 1514 B frame (new slot, 590 B)', () => {
    for (let i = 0; i < VEC; i++) out[i] = icmpError(pool, fulls[i]!, 11, 0, 0x0a0000fe, 0, 1000, 0);
    for (let i = 0; i < VEC; i++) pool.free(out[i]!);
    sink.n += out[0]!;
  }, VEC, 'errors');
  const small = frame().eth({ src: A, dst: R }).ipv4({ src: '10.0.0.1', dst: '198.51.100.1', ttl: 1, id: 2 }).udp({ sport: 1, dport: 2 }).payload(32).build();
  const smalls = loaded(pool, small, VEC);
  const rlE = new IcmpRateLimiter({ rateLimitMs: 0, msgsBurst: 1 << 30, msgsPerSec: 1 << 30 });
  add('ICMP time exceeded about a 74 B frame, through the limiter', () => {
    for (let i = 0; i < VEC; i++) out[i] = icmpError(pool, smalls[i]!, 11, 0, 0x0a0000fe, 0, 1000, 0, rlE);
    for (let i = 0; i < VEC; i++) pool.free(out[i]!);
    sink.n += out[0]!;
  }, VEC, 'errors');

  // fragmentation: 1500 bytes of IP to MTU 576 (3 fragments)
  const pkt = frame().eth({ src: A, dst: R }).ipv4({ src: '10.0.0.1', dst: '198.51.100.1', id: 3 }).udp({ sport: 1, dport: 2 }).payload(1472).build();
  const pkts = loaded(pool, pkt, 64);
  const fr = new Uint32Array(8);
  add('fragment 1500 B to MTU 576 (slot refilled)', () => {
    let n = 0;
    for (let i = 0; i < 64; i++) {
      const s = pkts[i]!;
      pool.write(s, pkt, 0, pkt.length);
      pool.meta.l3Len[s] = 1500;
      const k = fragmentIpv4(pool, s, 576, fr);
      for (let j = 1; j < k; j++) pool.free(fr[j]!);
      n += k;
    }
    sink.n += n;
  }, 64, 'packets');

  // reassembly of those 3 fragments (fragmented again each time)
  const ra = new Ipv4Reassembly();
  const rs = loaded(pool, pkt, 1)[0]!;
  let t = 0;
  add('fragment 1500 B to 576 + reassemble (3 fragments)', () => {
    pool.write(rs, pkt, 0, pkt.length);
    pool.meta.l3Len[rs] = 1500;
    const k = fragmentIpv4(pool, rs, 576, fr);
    let r = -1;
    for (let j = k - 1; j >= 0; j--) r = ra.add(pool, fr[j]!, 1000 + (t >>> 10), 0);
    t++;
    sink.n += r;
  }, 1, 'datagrams');

  // the rate limiter over 10k destinations (host-wide limit opened so the per-destination table works)
  const rl = new IcmpRateLimiter({ msgsBurst: 1 << 30, msgsPerSec: 1 << 30 });
  const dsts = new Uint32Array(10000);
  for (let i = 0; i < dsts.length; i++) dsts[i] = (0x0a000000 + Math.imul(i, 2654435761)) >>> 0;
  let ms = 0;
  add('rate limiter allow(), 10k destinations', () => {
    let ok = 0;
    const sec = 1000 + Math.floor(ms / 1000);
    const nsec = (ms % 1000) * 1e6;
    for (let i = 0; i < dsts.length; i++) if (rl.allow(dsts[i]!, 11, 0, sec, nsec)) ok++;
    ms += 3;
    sink.n += ok;
  }, dsts.length, 'calls');
}
