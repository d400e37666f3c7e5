/**
 * How an output frame is compared between Linux and flowplane.
 *
 * Each frame the router sends is reduced to a key:
 * - a frame that carries its input's IPv4 identification and protocol (and, for ICMP, its type; for TCP, its
 *   flags) is *forwarded* (possibly translated):
 *   its key is every byte up to the end of the IPv4 packet — addresses, ports, TTL, checksums, options, MSS,
 *   payload must all be equal;
 * - anything else is *router-made* (an ICMP error, a reset, an echo reply): the same, except the IPv4
 *   identification and header checksum, which each stack picks as it likes (Linux: a per-destination
 *   counter or 0; flowplane: its own counter).
 * Ethernet padding is cut off before comparing (a veth sends short frames as they are; flowplane pads some
 * router-made frames to 60 bytes as a NIC would).
 * A readable line (describeFrame with MACs and checksum verification, plus TTL/ID/TOS/DF) goes with each
 * key for the report.
 */
import { describeFrame } from '../../../../dataplane/wire/describe';
import type { Out } from './story';

export interface Shown {
  iface: string;
  /** For people: `ether1 02:.. > 02:.., ethertype IPv4 (0x0800), length 60: IP ... [ttl 63 id 7 tos 0x0]`. */
  line: string;
  /** For comparing (see the module comment). */
  key: string;
  forwarded: boolean;
}

const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');

function ipv4At(f: Uint8Array): number {
  if (f.length < 34) return -1;
  const et = (f[12]! << 8) | f[13]!;
  if (et !== 0x0800 || f[14]! >> 4 !== 4) return -1;
  return 14;
}

export function show(iface: string, frame: Uint8Array, input: Uint8Array): Shown {
  const ip = ipv4At(frame);
  if (ip < 0) {
    const line = `${iface} ${describeFrame(frame, 0, frame.length, 1, { macs: true })}`;
    return { iface, line, key: `${iface} ${hex(frame)}`, forwarded: false };
  }
  const total = (frame[ip + 2]! << 8) | frame[ip + 3]!;
  const f = frame.slice(0, Math.min(frame.length, ip + total));
  const id = (f[ip + 4]! << 8) | f[ip + 5]!;
  const ttl = f[ip + 8]!;
  const tos = f[ip + 1]!;
  const df = (f[ip + 6]! & 0x40) !== 0;
  const inIp = ipv4At(input);
  const proto = f[ip + 9]!;
  const l4 = ip + (f[ip]! & 15) * 4;
  const inL4 = inIp + (input[inIp]! & 15) * 4;
  const same = (o: number, io: number) => f.length > o && input.length > io && f[o] === input[io];
  const forwarded =
    inIp >= 0 &&
    ((input[inIp + 4]! << 8) | input[inIp + 5]!) === id &&
    input[inIp + 9] === proto &&
    (proto !== 1 || same(l4, inL4)) && // an echo reply made from a request keeps its ID in flowplane
    (proto !== 6 || same(l4 + 13, inL4 + 13)); // a reset made in place from the segment
  const line = `${iface} ${describeFrame(f, 0, f.length, 1, { macs: true, checksums: true })} [ttl ${ttl} id ${id} tos 0x${tos.toString(16)}${df ? ' DF' : ''}]`;
  let key: string;
  if (forwarded) key = `${iface} fwd ${hex(f)}`;
  else {
    const m = f.slice();
    m[ip + 4] = m[ip + 5] = 0;
    m[ip + 10] = m[ip + 11] = 0;
    key = `${iface} made ${hex(m)}`;
  }
  return { iface, line, key, forwarded };
}

/** Whether `shown` (one input's outputs) match `want` (story.ts Out). Returns the problems. */
export function matchesWant(shown: Shown[], want: Out): string[] {
  const problems: string[] = [];
  const ifaces = new Set([...Object.keys(want), ...shown.map((s) => s.iface)]);
  for (const i of ifaces) {
    const got = shown.filter((s) => s.iface === i);
    const w = want[i] ?? [];
    if (got.length !== w.length) {
      problems.push(`${i}: expected ${w.length} frame(s) [${w.join(' | ')}], got ${got.length}: ${got.map((g) => g.line).join(' || ') || '(none)'}`);
      continue;
    }
    got.forEach((g, k) => {
      const subs = w[k]!;
      for (const sub of typeof subs === 'string' ? [subs] : subs) if (!g.line.includes(sub)) problems.push(`${i}: frame ${k} should contain "${sub}": ${g.line}`);
    });
  }
  return problems;
}

/** Checksum complaints describeFrame found in the lines. */
export function badChecksums(shown: Shown[]): string[] {
  return shown.filter((s) => /\[bad [a-z0-9]+ cksum\]/.test(s.line)).map((s) => s.line);
}

/** Compare two output lists as multisets of keys. Null when equal. */
export function diffOutputs(linux: Shown[], fp: Shown[]): { linux: string[]; flowplane: string[] } | null {
  const a = linux.map((s) => s.key).sort();
  const b = fp.map((s) => s.key).sort();
  if (a.length === b.length && a.every((k, i) => k === b[i])) return null;
  return { linux: linux.map((s) => s.line), flowplane: fp.map((s) => s.line) };
}
