/**
 * Scenario icmp-router (test/scenarios/icmp-router/: config.rsc, the capture built by captures.ts): what the
 * router answers itself. Expected outputs are reasoned from the story in captures.ts (Linux behaviour where
 * RouterOS documents none, ROUTEROS-FLOW.md §5) and checked by parsing every transmitted frame back.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { icmpRouterCaptureBytes, captureFile, bigPing, bigPingData, R1, A } from './icmp-router/captures';
import { generationFrom, replay, harness } from '../dataplane/flow/helpers';
import { Fate } from '../../dataplane/flow';
import { DROP_NAMES } from '../../dataplane/drop';
import { describeFrame } from '../../dataplane/wire/describe';
import { parseTcp } from '../../dataplane/wire/tcp';
import { ipv4ChecksumOk, l4ChecksumOk4, inetChecksumOk } from '../../dataplane/wire/checksum';
import { isWireError } from '../../dataplane/wire/error';
import { TraceBuffer } from '../../dataplane/trace';
import { PacketPool } from '../../dataplane/buf/pool';
import { frame, fragmentIpv4 } from '../../pcap/fixture';
import type { TransmitRecord } from '../../dataplane/ports/flow-replay';
import { expectCommittedCaptures, ip, eth } from './lib';

const DIR = path.join(__dirname, 'icmp-router');
const config = fs.readFileSync(path.join(DIR, 'config.rsc'), 'utf8');
const describe1 = (f: Uint8Array) => describeFrame(f, 0, f.length, 1);
const ms = (o: { tsSec: number; tsNsec: number }) => Math.round((o.tsSec % 60) * 1000 + o.tsNsec / 1e6);

test('committed captures equal what captures.ts builds', () => expectCommittedCaptures(DIR, icmpRouterCaptureBytes(), captureFile));

describe('icmp-router', () => {
  const gen = generationFrom(config);
  const trace = new TraceBuffer(4096);
  const run = replay(gen, { ether1: path.join(DIR, 'in-ether1.pcap') }, { trace });
  const out: TransmitRecord[] = run.outputs.filter((o) => gen.portNames[o.port] === 'ether1');

  test('the config: telnet closed, www (80) listening, bandwidth-server (2000) listening, DNS not serving', () => {
    const bit = (bits: Uint8Array, p: number) => (bits[p >>> 3]! >> (p & 7)) & 1;
    expect([23, 21, 22, 80, 443, 8291, 8728, 8729, 2000].map((p) => bit(gen.listenTcp, p))).toEqual([0, 1, 1, 1, 0, 1, 1, 1, 1]);
    expect([53, 5678, 9999].map((p) => bit(gen.listenUdp, p))).toEqual([0, 1, 0]);
    expect([gen.icmpRateLimitMs, gen.icmpRateMask, gen.icmpErrorsUseInbound]).toEqual([10, 0x1818, false]);
  });

  test('ether1 output, in order (the router sends nothing out ether2)', () => {
    expect(run.outputs.length).toBe(out.length);
    const lines = out.map((o) => `${ms(o)} ${describe1(o.frame)}`);
    const unreach7000 = 'IP 10.0.1.1 > 10.0.1.10: ICMP 10.0.1.1 udp port 7000 unreachable, length 48';
    expect(lines).toEqual([
      '0 ARP, Reply 10.0.1.1 is-at 02:00:00:00:01:01, length 46',
      '10 IP 10.0.1.1 > 10.0.1.10: ICMP echo reply, id 153, seq 1, length 18',
      // the reassembled 1900-byte ping's reply, cut for MTU 1500: 1480 + 400 bytes of ICMP, same ID
      '21 IP 10.0.1.1 > 10.0.1.10: ICMP echo reply, id 153, seq 3, length 1480 (frag 768:1480@0+)',
      '21 IP 10.0.1.1 > 10.0.1.10: ip-proto-1 (frag 768:400@1480)',
      '30 IP 10.0.1.1 > 10.0.1.10: ICMP time exceeded in-transit, length 48',
      '40 IP 10.0.1.1 > 10.0.1.10: ICMP net 10.9.9.9 unreachable, length 48',
      '50 IP 10.0.1.1 > 10.0.1.10: ICMP 10.0.1.1 udp port 9999 unreachable, length 48',
      '60 IP 10.0.1.1.23 > 10.0.1.10.40000: Flags [R.], seq 0, ack 1001, win 0, length 0',
      '70 IP 10.0.1.1.23 > 10.0.1.10.40000: Flags [R], seq 7777, win 0, length 0',
      // 80 (SYN to www), 90 (broadcast), 100 (RST), 105 (an ICMP error): nothing
      ...Array(6).fill(`110 ${unreach7000}`),
      `130 ${unreach7000}`,
    ]);
    for (const o of out) expect(eth(o.frame)).toMatchObject({ src: R1, dst: A });
  });

  test('every IPv4 frame sent has valid checksums; ICMP errors come from 10.0.1.1 with TTL 64 and quote the packet', () => {
    const sent = out.filter((o) => eth(o.frame).type === 0x0800);
    expect(sent.length).toBe(out.length - 1);
    for (const o of sent) {
      expect(ipv4ChecksumOk(o.frame, 14)).toBe(true);
      const r = ip(o.frame);
      expect(r.src).toBe(0x0a000101);
      expect(r.ttl).toBe(64);
      if (!r.moreFrags && r.fragOffset === 0) expect(l4ChecksumOk4(o.frame, 14, 34, r.payloadLen, r.proto)).toBe(true);
    }
    // The port unreachable at 50 quotes the UDP datagram's IP header + 8 bytes and more (the whole 40 bytes).
    const input50 = run.inputs.find((i) => ms(i) === 50)!.frame;
    const pu = out.find((o) => ms(o) === 50)!.frame;
    expect(pu[34]).toBe(3);
    expect(pu[35]).toBe(3);
    expect(Buffer.from(pu.subarray(42, 42 + 40)).equals(Buffer.from(input50.subarray(14, 54)))).toBe(true);
    // Time exceeded quotes the packet as received: TTL 1.
    const te = out.find((o) => ms(o) === 30)!.frame;
    expect([te[34], te[35], te[42 + 8]]).toEqual([11, 0, 1]);
  });

  test('the fragmented ping: one reply, its fragments put back together give the ping\'s data', () => {
    const frags = out.filter((o) => ms(o) === 21);
    expect(frags.length).toBe(2);
    const h = frags.map((o) => ip(o.frame));
    expect(h.map((r) => [r.id, r.dontFrag, r.moreFrags, r.fragOffset, r.payloadLen])).toEqual([
      [0x300, false, true, 0, 1480],
      [0x300, false, false, 1480, 400],
    ]);
    for (const o of frags) expect(o.frame.length - 14).toBeLessThanOrEqual(1500);
    const icmp = new Uint8Array(1880);
    icmp.set(frags[0]!.frame.subarray(34, 34 + 1480), 0);
    icmp.set(frags[1]!.frame.subarray(34, 34 + 400), 1480);
    expect(inetChecksumOk(icmp, 0, icmp.length)).toBe(true);
    expect([icmp[0], icmp[1], (icmp[4]! << 8) | icmp[5]!, (icmp[6]! << 8) | icmp[7]!]).toEqual([0, 0, 0x99, 3]);
    expect(Buffer.from(icmp.subarray(8)).equals(Buffer.from(bigPingData()))).toBe(true);
    expect(bigPing().length).toBe(1900);
  });

  test('TCP resets: RST|ACK acking seq+1 for a SYN, RST with seq = ack for an ACK segment; DF, ID 0, padded to 60', () => {
    const rst = [60, 70].map((t) => out.find((o) => ms(o) === t)!.frame);
    for (const f of rst) {
      expect(f.length).toBe(60);
      const r = ip(f);
      expect([r.dontFrag, r.id, r.payloadLen, r.proto, r.dst]).toEqual([true, 0, 20, 6, 0x0a00010a]);
      const t = parseTcp(f, 34, 20);
      if (isWireError(t)) throw new Error(t.message);
      expect([t.srcPort, t.dstPort, t.window, t.urgent, t.options.length]).toEqual([23, 40000, 0, 0, 0]);
    }
    const syn = parseTcp(rst[0]!, 34, 20);
    const ack = parseTcp(rst[1]!, 34, 20);
    if (isWireError(syn) || isWireError(ack)) throw new Error('tcp');
    expect([syn.flags, syn.seq, syn.ack]).toEqual([0x14, 0, 1001]); // RST|ACK
    expect([ack.flags, ack.seq, ack.ack]).toEqual([0x04, 7777, 0]); // RST
  });

  test('every input frame ends with the fate the story says', () => {
    const fate = (serial: number) => {
      const [f, a] = run.finals.get(serial)!;
      return f === Fate.DROP ? `drop ${DROP_NAMES[a]}` : f === Fate.TX ? `tx ${gen.portNames[a]}` : f === Fate.LOCAL ? 'local' : `fate ${f}`;
    };
    expect(run.inputs.map((r) => `${ms(r)} ${fate(r.serial)}`)).toEqual([
      '0 tx ether1', // ARP request answered in place
      '10 tx ether1', // echo request -> echo reply
      '20 tx ether1', // first fragment: the datagram continues in its slot, becomes the reply
      '21 local', // second fragment: its data went into the datagram
      '30 drop ttl-exceeded',
      '40 drop no-route',
      '50 drop udp-port-unreachable',
      '60 tx ether1', // SYN to 23 -> reset in place
      '70 tx ether1',
      '80 local', // SYN to www
      '90 drop udp-port-unreachable', // broadcast: no ICMP
      '100 drop tcp-no-listener', // a reset is not answered
      '105 local', // an ICMP error is delivered, never answered
      ...Array(10).fill('110 drop udp-port-unreachable'),
      '130 drop udp-port-unreachable',
    ]);
    // The first fragment waited for the second.
    expect(run.inputs[2]!.fate).toBe(Fate.QUEUED);
  });

  test('the rate limit: 4 of the burst suppressed by the per-host bucket; nothing left held', () => {
    const st = run.flow.state;
    expect(st.icmpLimiter.limitedHost).toBe(4);
    expect(st.icmpLimiter.limitedGlobal).toBe(0);
    expect(st.reassembly.reassembled).toBe(1);
    expect([st.reassembly.queues, st.reassembly.held, st.waiting]).toEqual([0, 0, 0]);
    expect(run.flow.dropCounts().get('icmp-rate-limited')).toBeUndefined(); // the datagrams drop as udp-port-unreachable
  });

  test('trace', () => {
    const text = trace.format(run.flow.traceNames());
    expect(text).toContain('ip4-reassembly: reassembly fragment held (1 fragments held)');
    expect(text).toContain('ip4-reassembly: reassembled datagram of 1900 bytes');
    expect(text).toContain('local-in: tcp-reset TCP port 23 closed: reset sent');
    expect(text).toContain('local-in: listening TCP port 80 has a service');
    expect(text).toContain('local-in: icmp sent type 3 code 3');
  });
});

describe('reassembly limits', () => {
  // A static ARP entry for A: answers need no resolution here.
  const gen = generationFrom(config + `/ip arp\nadd address=10.0.1.10 interface=ether1 mac-address=${A}\n`);
  const A_IP = '10.0.1.10';
  const ping3000 = frame().ipv4({ src: A_IP, dst: '10.0.1.1', id: 0x777 }).icmp({ type: 'echo-request', id: 1, seq: 1 }).payload(new Uint8Array(2972)).build();
  const frags = fragmentIpv4(ping3000, 1480).map((f) => frame().eth({ src: A, dst: R1 }).ipPacket(f).build());

  test('a 3000-byte datagram does not fit a default 2 KiB slot: reassembly-too-large, no reply', () => {
    const h = harness(gen);
    expect(frags.map((f, k) => h.feed('ether1', f, k))).toEqual(['queued', 'queued', 'drop reassembly-too-large']);
    expect(h.finals.get(1)).toBe('drop reassembly-too-large');
    expect(h.finals.get(2)).toBe('drop reassembly-too-large');
    expect(h.sent.length).toBe(0);
  });

  test('with 8 KiB slots it is reassembled and answered with three fragments', () => {
    const h = harness(gen, { pool: new PacketPool({ slots: 64, slotSize: 8192 }) });
    expect(frags.map((f, k) => h.feed('ether1', f, k))).toEqual(['queued', 'queued', 'local']);
    expect([h.finals.get(1), h.finals.get(2), h.finals.get(3)]).toEqual(['tx ether1', 'local', 'local']);
    expect(h.sent.map((s) => /\((frag [^)]*)\)$/.exec(describe1(s.frame))?.[1])).toEqual([
      'frag 1911:1480@0+',
      'frag 1911:1480@1480+',
      'frag 1911:20@2960',
    ]);
  });

  test('fragments that never complete time out after 30 s (ipv4-fragment-time): ICMP 11/1 to the sender', () => {
    const h = harness(gen);
    expect(h.feed('ether1', frags[0]!, 0)).toBe('queued');
    expect(h.feed('ether1', frags[2]!, 10)).toBe('queued');
    h.feed('ether1', frame().eth({ src: A, dst: R1 }).ipv4({ src: A_IP, dst: '10.0.1.1' }).icmp({ type: 'echo-request', id: 2, seq: 2 }).payload('later').build(), 29_999);
    expect(h.finals.get(1)).toBeUndefined();
    h.feed('ether1', frame().eth({ src: A, dst: R1 }).ipv4({ src: A_IP, dst: '10.0.1.1' }).icmp({ type: 'echo-request', id: 2, seq: 3 }).payload('later').build(), 30_000);
    expect([h.finals.get(1), h.finals.get(2)]).toEqual(['drop reassembly-timeout', 'drop reassembly-timeout']);
    const te = h.sent.map((s) => describe1(s.frame)).filter((l) => l.includes('time exceeded'));
    expect(te).toEqual(['IP 10.0.1.1 > 10.0.1.10: ICMP ip reassembly time exceeded, length 556']);
  });

  test('ipv4-fragment-time from /ip settings sets the timeout', () => {
    const g5 = generationFrom(config + '/ip settings\nset ipv4-fragment-time=5\n');
    expect(gen.reassemblyTimeout).toBe(30);
    expect(g5.reassemblyTimeout).toBe(5);
    const h = harness(g5);
    h.feed('ether1', frags[0]!, 0);
    h.feed('ether1', frame().eth({ src: A, dst: R1 }).ipv4({ src: A_IP, dst: '10.0.1.1' }).icmp({ type: 'echo-request', id: 2, seq: 3 }).payload('x').build(), 5000);
    expect(h.finals.get(1)).toBe('drop reassembly-timeout');
  });
});
