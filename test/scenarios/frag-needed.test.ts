/**
 * Scenario frag-needed (test/scenarios/frag-needed/: config.rsc, the capture built by captures.ts): the
 * egress MTU check. DF set and too big → ICMP 3/4 with the next-hop MTU, packet dropped; DF clear →
 * fragmented, and the fragments put back together give the packet as forwarded. Expected outputs are reasoned
 * from the story (Linux ip_forward / ip_do_fragment; RouterOS documents neither) and read back field by field.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fragCaptureBytes, captureFile, bigUdp, R1, R2, A, B } from './frag-needed/captures';
import { generationFrom, replay } from '../dataplane/flow/helpers';
import { Fate } from '../../dataplane/flow';
import { DROP_NAMES } from '../../dataplane/drop';
import { describeFrame } from '../../dataplane/wire/describe';
import { ipv4ChecksumOk, ipv4FillChecksum, l4ChecksumOk4, inetChecksumOk } from '../../dataplane/wire/checksum';


import { PacketPool } from '../../dataplane/buf/pool';
import { Ipv4Reassembly, REASM_HELD } from '../../dataplane/ip4/reassembly';
import { parseFrame } from '../../dataplane/wire/parse';
import type { TransmitRecord } from '../../dataplane/ports/flow-replay';
import { expectCommittedCaptures, ip, eth } from './lib';

const DIR = path.join(__dirname, 'frag-needed');
const config = fs.readFileSync(path.join(DIR, 'config.rsc'), 'utf8');
const describe1 = (f: Uint8Array) => describeFrame(f, 0, f.length, 1);
const ms = (o: { tsSec: number; tsNsec: number }) => Math.round((o.tsSec % 60) * 1000 + o.tsNsec / 1e6);

test('committed captures equal what captures.ts builds', () => expectCommittedCaptures(DIR, fragCaptureBytes(), captureFile));

describe('frag-needed', () => {
  const gen = generationFrom(config);
  const run = replay(gen, { ether1: path.join(DIR, 'in-ether1.pcap') });
  const out = (port: string): TransmitRecord[] => run.outputs.filter((o) => gen.portNames[o.port] === port);
  const e1 = out('ether1');
  const e2 = out('ether2');

  test('ether1 output: two "fragmentation needed" errors to A, MTU 1400', () => {
    expect(e1.map((o) => `${ms(o)} ${describe1(o.frame)}`)).toEqual([
      '0 IP 10.0.1.1 > 10.0.1.10: ICMP 10.0.2.20 unreachable - need to frag (mtu 1400), length 556',
      '30 IP 10.0.1.1 > 10.0.1.10: ICMP 10.0.2.20 unreachable - need to frag (mtu 1400), length 556',
    ]);
    for (const o of e1) {
      expect(eth(o.frame)).toMatchObject({ src: R1, dst: A });
      expect(ipv4ChecksumOk(o.frame, 14)).toBe(true);
      const r = ip(o.frame);
      expect([r.ttl, r.dontFrag, r.payloadLen]).toEqual([64, false, 556]);
      // type 3 code 4, next-hop MTU in bytes 6-7 of the ICMP header, checksum over the whole message
      expect([o.frame[34], o.frame[35], (o.frame[40]! << 8) | o.frame[41]!]).toEqual([3, 4, 1400]);
      expect(inetChecksumOk(o.frame, 34, 556)).toBe(true);
    }
  });

  test('the error quotes the packet as A sent it (TTL 64: Linux checks the MTU before decrementing the TTL)', () => {
    const sent = run.inputs[0]!.frame;
    const quote = e1[0]!.frame.subarray(42, 42 + 548);
    expect(Buffer.from(quote).equals(Buffer.from(sent.subarray(14, 14 + 548)))).toBe(true);
    expect(quote[8]).toBe(64);
  });

  test('ether2 output: the DF-clear packet in two fragments, then the 1400-byte DF packet whole', () => {
    expect(e2.map((o) => `${ms(o)} ${describe1(o.frame)}`)).toEqual([
      '10 IP 10.0.1.10.4000 > 10.0.2.20.5000: UDP, length 1472 (frag 4097:1376@0+)',
      '10 IP 10.0.1.10 > 10.0.2.20: ip-proto-17 (frag 4097:104@1376)',
      '20 IP 10.0.1.10.4000 > 10.0.2.20.5000: UDP, length 1372',
    ]);
    for (const o of e2) {
      expect(eth(o.frame)).toMatchObject({ src: R2, dst: B, type: 0x0800 });
      expect(ipv4ChecksumOk(o.frame, 14)).toBe(true);
      expect(o.frame.length - 14).toBeLessThanOrEqual(1400);
      expect(ip(o.frame).ttl).toBe(63);
    }
    expect(e2.map((o) => ip(o.frame)).map((r) => [r.id, r.dontFrag, r.moreFrags, r.fragOffset, r.payloadLen])).toEqual([
      [0x1001, false, true, 0, 1376],
      [0x1001, false, false, 1376, 104],
      [0x1002, true, false, 0, 1380],
    ]);
    const whole = e2[2]!.frame;
    expect(l4ChecksumOk4(whole, 14, 34, 1380, 17)).toBe(true);
  });

  test('the fragments reassemble to the packet A sent, with TTL 63', () => {
    const pool = new PacketPool({ slots: 8 });
    const ra = new Ipv4Reassembly();
    let whole = -1;
    for (const o of e2.slice(0, 2)) {
      const s = pool.alloc();
      pool.write(s, o.frame, 0, o.frame.length);
      pool.meta.linkType[s] = 1;
      expect(parseFrame(pool.bytes, pool.frameOffset(s), o.frame.length, 1, pool.meta, s)).toBe(0);
      const r = ra.add(pool, s, 0, 0);
      if (r !== REASM_HELD) whole = r;
    }
    expect(whole).toBeGreaterThanOrEqual(0);
    const got = pool.frameCopy(whole);
    const want = bigUdp(false, 0x1001);
    want[14 + 8] = 63;
    ipv4FillChecksum(want, 14);
    // Ethernet addresses differ (router → B); everything from the IP header on is the same.
    expect(got.length).toBe(want.length);
    expect(Buffer.from(got.subarray(14)).equals(Buffer.from(want.subarray(14)))).toBe(true);
    expect(l4ChecksumOk4(got, 14, 34, 1480, 17)).toBe(true);
  });

  test('every input frame ends with the fate the story says', () => {
    const fate = (serial: number) => {
      const [f, a] = run.finals.get(serial)!;
      return f === Fate.DROP ? `drop ${DROP_NAMES[a]}` : f === Fate.TX ? `tx ${gen.portNames[a]}` : `fate ${f}`;
    };
    expect(run.inputs.map((r) => `${ms(r)} ${fate(r.serial)}`)).toEqual(['0 drop fragmentation-needed', '10 tx ether2', '20 tx ether2', '30 drop fragmentation-needed']);
    expect(run.flow.state.icmpLimiter.limitedHost + run.flow.state.icmpLimiter.limitedGlobal).toBe(0);
  });
});
