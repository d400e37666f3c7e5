/**
 * Linux cooked captures (SLL 113, SLL2 276) at the replay port: converted to Ethernet frames for the port
 * (dataplane/ports/replay.ts), so they go through the router instead of being dropped.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { PacketPool } from '../../../dataplane/buf/pool';
import { PacketVector } from '../../../dataplane/buf/vector';
import { Drop, DROP_NAMES } from '../../../dataplane/drop';
import { ReplaySource, SLL_NO_ADDRESS_MAC, SLL_OTHERHOST_MAC } from '../../../dataplane/ports/replay';
import { Fate } from '../../../dataplane/flow';
import { TraceBuffer } from '../../../dataplane/trace';
import { macToString } from '../../../dataplane/wire/ethernet';
import { parseIcmp } from '../../../dataplane/wire/icmp';
import { isWireError } from '../../../dataplane/wire/error';
import { openCapture } from '../../../pcap/reader';
import { frame, fixtureBytes, type FixtureFrame } from '../../../pcap/fixture';
import { generationFrom, replay } from '../flow/helpers';
import { CORPUS_PCAP } from '../../corpus-path';

const PORT_MAC = '02:00:00:00:01:01';
const A = '02:00:00:0a:00:0a';
const HOST = 0;
const BROADCAST = 1;
const MULTICAST = 2;
const OTHERHOST = 3;
const OUTGOING = 4;

function cooked(frames: Uint8Array[], version: 1 | 2): Uint8Array {
  const ff: FixtureFrame[] = frames.map((f, i) => ({ frame: f, tsSec: 1_767_261_600, tsNsec: i * 1_000_000 }));
  return fixtureBytes(ff, { linkType: version === 2 ? 276 : 113 });
}

interface Got {
  frame: Uint8Array;
  linkType: number;
  wireLen: number;
  drop: number;
  cookedFrom: number;
  cookedType: number;
}

/** Every record of `capture` as the port delivers it (with the port's MAC known, or not). */
function deliver(capture: Uint8Array, withMacs = true): Got[] {
  const pool = new PacketPool({ slots: 16 });
  const src = new ReplaySource(pool, [{ port: 0, reader: openCapture(capture) }]);
  const macs = new Uint8Array(12);
  macs.set([2, 0, 0, 0, 1, 1], 0);
  macs.set([2, 0, 0, 0, 2, 1], 6);
  if (withMacs) src.setPortMacs(macs, 2);
  const vec = new PacketVector(16);
  const out: Got[] = [];
  while (src.fill(vec) > 0) {
    for (let i = 0; i < vec.count; i++) {
      const s = vec.slots[i]!;
      out.push({
        frame: pool.frameCopy(s),
        linkType: pool.meta.linkType[s]!,
        wireLen: pool.meta.wireLen[s]!,
        drop: pool.meta.drop[s]!,
        cookedFrom: src.cookedFrom[s]!,
        cookedType: src.cookedType[s]!,
      });
      pool.free(s);
    }
    vec.clear();
  }
  expect(pool.available).toBe(pool.slots);
  return out;
}

const eth = (f: Uint8Array) => ({ dst: macToString(f, 0), src: macToString(f, 6), type: (f[12]! << 8) | f[13]! });

describe.each([1, 2] as const)('SLL%s records become Ethernet frames for the port', (version) => {
  const h = version === 2 ? 20 : 16;
  const sll = (packetType: number, addr?: string | Uint8Array) => frame().sll({ version, packetType, ...(addr !== undefined ? { addr } : {}) });
  const ping = (b: ReturnType<typeof sll>, dst = '10.0.1.1') => b.ipv4({ src: '10.0.1.10', dst, id: 1 }).icmp({ type: 'echo-request', id: 1, seq: 1 }).payload('cooked').build();

  test('destination by packet type, source from the SLL address, protocol as ethertype; 2/6 bytes shorter', () => {
    const frames = [
      ping(sll(HOST, A)),
      sll(BROADCAST, A).arp({ op: 'request', senderMac: A, senderIp: '10.0.1.10', targetIp: '10.0.1.1' }).build(),
      sll(MULTICAST, A).ipv4({ src: '10.0.1.10', dst: '239.129.2.3', id: 2 }).udp({ sport: 1, dport: 2 }).build(),
      ping(sll(OTHERHOST, A)),
      ping(sll(OUTGOING, new Uint8Array(0))), // a PPP-like device: no link-layer address
      sll(MULTICAST, A).ipv6({ src: 'fe80::1', dst: 'ff02::1:ff00:abcd' }).udp({ sport: 1, dport: 2 }).build(),
    ];
    const got = deliver(cooked(frames, version));
    expect(got.map((g) => eth(g.frame))).toEqual([
      { dst: PORT_MAC, src: A, type: 0x0800 },
      { dst: 'ff:ff:ff:ff:ff:ff', src: A, type: 0x0806 },
      { dst: '01:00:5e:01:02:03', src: A, type: 0x0800 }, // 239.129.2.3: the low 23 bits
      { dst: SLL_OTHERHOST_MAC, src: A, type: 0x0800 },
      { dst: PORT_MAC, src: SLL_NO_ADDRESS_MAC, type: 0x0800 },
      { dst: '33:33:ff:00:ab:cd', src: A, type: 0x86dd },
    ]);
    got.forEach((g, i) => {
      expect(g.linkType).toBe(1);
      expect(g.drop).toBe(0);
      expect(g.frame.length).toBe(frames[i]!.length - h + 14);
      expect(g.wireLen).toBe(frames[i]!.length - h + 14);
      // The payload is untouched.
      expect(Buffer.from(g.frame.subarray(14)).equals(Buffer.from(frames[i]!.subarray(h)))).toBe(true);
      expect(g.cookedFrom).toBe(version === 2 ? 276 : 113);
    });
    expect(got.map((g) => g.cookedType)).toEqual([HOST, BROADCAST, MULTICAST, OTHERHOST, OUTGOING, MULTICAST]);
  });

  test('an 802.2 (LLC) payload gets the 802.3 length; a record shorter than the header is sll-truncated', () => {
    const llc = frame().sll({ version, packetType: HOST, addr: A, protocol: 0x0004 }).payload(Uint8Array.from([0x42, 0x42, 0x03, 0, 0, 0, 0])).build();
    const short = frame().sll({ version, packetType: HOST, addr: A }).build().subarray(0, h - 2);
    const got = deliver(cooked([llc, short], version));
    expect(eth(got[0]!.frame)).toEqual({ dst: PORT_MAC, src: A, type: 7 });
    expect(got[1]!.drop).toBe(Drop.SLL_TRUNCATED);
    expect(got[1]!.cookedFrom).toBe(0);
  });

  test('without the ports\' MACs (a replay that only describes frames) records stay as captured', () => {
    const f = ping(sll(HOST, A));
    const got = deliver(cooked([f], version), false);
    expect(got[0]!.linkType).toBe(version === 2 ? 276 : 113);
    expect(Buffer.from(got[0]!.frame).equals(Buffer.from(f))).toBe(true);
    expect(got[0]!.cookedFrom).toBe(0);
  });
});

describe('a cooked capture through the router', () => {
  const config = fs.readFileSync(path.resolve(__dirname, '../../scenarios/routing-two-port/config.rsc'), 'utf8');
  const gen = generationFrom(config);

  test('ARP, a ping to the router and a frame for another host go where Ethernet ones would; the trace says what the port did', () => {
    const sll = (packetType: number) => frame().sll({ version: 2, packetType, addr: A });
    const capture = cooked(
      [
        sll(BROADCAST).arp({ op: 'request', senderMac: A, senderIp: '10.0.1.10', targetIp: '10.0.1.1' }).build(),
        sll(HOST).ipv4({ src: '10.0.1.10', dst: '10.0.1.1', id: 1 }).icmp({ type: 'echo-request', id: 9, seq: 1 }).payload('sll2').build(),
        sll(OTHERHOST).ipv4({ src: '10.0.1.10', dst: '10.0.1.1', id: 2 }).icmp({ type: 'echo-request', id: 9, seq: 2 }).build(),
      ],
      2,
    );
    const trace = new TraceBuffer(512);
    const run = replay(gen, { ether1: capture }, { trace });
    const fate = (s: number) => {
      const [f, a] = run.finals.get(s)!;
      return f === Fate.DROP ? `drop ${DROP_NAMES[a]}` : f === Fate.TX ? `tx ${gen.portNames[a]}` : 'local';
    };
    expect([1, 2, 3].map(fate)).toEqual(['tx ether1', 'tx ether1', 'drop not-for-router']);
    expect(run.inputs.map((r) => r.cookedFrom)).toEqual([276, 276, 276]);
    // The ARP reply and the echo reply go back to A's MAC from the port's MAC.
    expect(run.outputs.map((o) => eth(o.frame))).toEqual([
      { dst: A, src: PORT_MAC, type: 0x0806 },
      { dst: A, src: PORT_MAC, type: 0x0800 },
    ]);
    const reply = parseIcmp(run.outputs[1]!.frame, 34, run.outputs[1]!.frame.length - 34, true);
    if (isWireError(reply)) throw new Error(reply.message);
    expect(reply.kind).toBe('echo-reply');
    const text = trace.format(run.flow.traceNames());
    expect(text).toContain('packet 1\n  port: sll-converted Linux cooked capture (SLL2, packet type broadcast) converted to Ethernet\n  ethernet-input: rx on ether1');
    expect(text).toContain('port: sll-converted Linux cooked capture (SLL2, packet type host) converted to Ethernet');
    expect(text).toContain('port: sll-converted Linux cooked capture (SLL2, packet type otherhost) converted to Ethernet');
    expect(text).not.toContain('unsupported-link-type');
  });

  const CORPUS = CORPUS_PCAP;
  const sllFiles = fs.existsSync(CORPUS)
    ? fs.readdirSync(CORPUS).filter((f) => /\.pcap(ng)?$/.test(f) && [113, 276].includes(firstLinkType(path.join(CORPUS, f))))
    : [];

  test('the corpus\' cooked captures are found: tcpdump__tcp-handshake-nano.pcap (SLL, no SLL2 in the corpus)', () => {
    expect(sllFiles).toEqual(['tcpdump__tcp-handshake-nano.pcap']);
  });

  test.each(sllFiles)('%s: every frame is converted and routed (no unsupported-link-type)', (f) => {
    const run = replay(gen, { ether1: path.join(CORPUS, f) });
    expect(run.inputs.length).toBe(3);
    expect(run.inputs.every((r) => r.cookedFrom === 113 && r.linkType === 1)).toBe(true);
    // A TCP handshake between two Internet hosts: the two-port router has no route for them.
    expect([...run.finals.values()].map(([fa, a]) => `${fa} ${DROP_NAMES[a]}`)).toEqual(Array(3).fill(`${Fate.DROP} no-route`));
    // PPP device (no address): the source is the placeholder; outgoing and host both go to the port's MAC.
    expect(run.inputs.map((r) => eth(r.frame))).toEqual(Array(3).fill({ dst: PORT_MAC, src: SLL_NO_ADDRESS_MAC, type: 0x0800 }));
  });
});

function firstLinkType(file: string): number {
  const r = openCapture(file);
  const t = r.next() ? r.linkType : -1;
  r.close();
  return t;
}
