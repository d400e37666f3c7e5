/**
 * What the scenario tests share: checking that a scenario's committed input captures are what its
 * captures.ts builds, and reading transmitted frames back (Ethernet fields, the IPv4 and ICMP headers,
 * tcpdump-style lines) so expectations are written as facts about frames, not as recorded bytes.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseIpv4 } from '../../dataplane/wire/ipv4';
import { parseIcmp } from '../../dataplane/wire/icmp';
import { macToString } from '../../dataplane/wire/ethernet';
import { isWireError } from '../../dataplane/wire/error';
import { describeFrame } from '../../dataplane/wire/describe';

/** Expect each `in-<iface>.pcap` in `dir` to equal the bytes captures.ts builds for it. */
export function expectCommittedCaptures(dir: string, built: Record<string, Uint8Array>, fileOf: (iface: string) => string): void {
  for (const [iface, bytes] of Object.entries(built)) {
    const file = fs.readFileSync(path.join(dir, fileOf(iface)));
    expect({ iface, same: Buffer.compare(file, Buffer.from(bytes)) === 0 }).toEqual({ iface, same: true });
  }
}

/** The untagged Ethernet header of a frame. */
export function eth(f: Uint8Array): { dst: string; src: string; type: number } {
  return { dst: macToString(f, 0), src: macToString(f, 6), type: (f[12]! << 8) | f[13]! };
}

/** The IPv4 header of an untagged frame (throws on a malformed one: a test failure). */
export function ip(f: Uint8Array) {
  const r = parseIpv4(f, 14, f.length - 14, true);
  if (isWireError(r)) throw new Error(r.message);
  return r;
}

/** The ICMP message of an untagged frame with a 20-byte IPv4 header. */
export function icmp(f: Uint8Array) {
  const r = parseIcmp(f, 34, ip(f).payloadLen, true);
  if (isWireError(r)) throw new Error(r.message);
  return r;
}

/** The frame as one tcpdump -n line. */
export function line(f: Uint8Array): string {
  return describeFrame(f, 0, f.length, 1);
}
