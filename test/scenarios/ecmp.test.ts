/**
 * Scenario ecmp (test/scenarios/ecmp/: config.rsc, captures built by captures.ts): two equal-distance
 * default routes form one ECMP route; six flows, three rounds each. The gateway of each flow is worked out
 * here from the hash flowplane documents (dataplane/stages/routing.ts: hop = fmix32(src ^ dst) % hops,
 * murmur3's finaliser, l3 policy: ports ignored; hop 0 = the first route, uplink 1), written out below
 * independently of the dataplane's code; the outputs are parsed back and checked against that.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ecmpCaptureBytes, captureFile, FLOWS, ROUNDS, R2, R3, G1, G2 } from './ecmp/captures';
import { generationFrom, replay } from '../dataplane/flow/helpers';
import { Fate } from '../../dataplane/flow';
import { DROP_NAMES } from '../../dataplane/drop';
import { describeFrame } from '../../dataplane/wire/describe';
import { ipv4ChecksumOk, l4ChecksumOk4 } from '../../dataplane/wire/checksum';
import { macToString } from '../../dataplane/wire/ethernet';
import { routeFlags, immediateGateways } from '../../control/compile/routes';
import { TraceBuffer } from '../../dataplane/trace';
import { expectCommittedCaptures, ip } from './lib';

const DIR = path.join(__dirname, 'ecmp');
const config = fs.readFileSync(path.join(DIR, 'config.rsc'), 'utf8');

/** murmur3's 32-bit finaliser (fmix32), as the MurmurHash3 reference writes it. */
function fmix32(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}
const addr = (s: string) => s.split('.').reduce((a, o) => a * 256 + Number(o), 0);
/** Which gateway a flow must take: 0 = uplink 1 (ether2, G1), 1 = uplink 2 (ether3, G2). */
const hopOf = (src: string, dst: string) => fmix32((addr(src) ^ addr(dst)) | 0) % 2;
const OUT = [
  { port: 'ether2', gw: G1, router: R2 },
  { port: 'ether3', gw: G2, router: R3 },
];

const ipText = (n: number) => [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join('.');

test('committed captures equal what captures.ts builds', () => expectCommittedCaptures(DIR, ecmpCaptureBytes(), captureFile));

describe('ecmp', () => {
  const gen = generationFrom(config);
  const trace = new TraceBuffer(512);
  const run = replay(gen, { ether1: path.join(DIR, 'in-ether1.pcap') }, { trace });
  const hops = FLOWS.map(([, src, dst]) => hopOf(src, dst));

  test('the flows chosen spread over both gateways (so the test below means something)', () => {
    expect(new Set(hops)).toEqual(new Set([0, 1]));
  });

  test('the two default routes are one active ECMP route with two immediate gateways', () => {
    const main = gen.routes.byName.get('main')!;
    const defaults = main.routes.filter((r) => r.length === 0);
    expect(defaults.map((r) => [routeFlags(r), r.comment, immediateGateways(r, gen.routes.interfaces)])).toEqual([
      [' As+', 'uplink 1', '10.0.2.254%ether2'],
      [' As+', 'uplink 2', '10.0.3.254%ether3'],
    ]);
    const fib = gen.fibs[gen.mainTable]!;
    const g = fib.lookup(0x08080808);
    expect(gen.nextHops.hopCount[g]).toBe(2);
  });

  test('every packet is forwarded out the interface of its flow\'s gateway', () => {
    const fate = (serial: number) => {
      const [f, a] = run.finals.get(serial)!;
      return f === Fate.DROP ? `drop ${DROP_NAMES[a]}` : f === Fate.TX ? `tx ${gen.portNames[a]}` : `fate ${f}`;
    };
    const want: string[] = [];
    for (let r = 0; r < ROUNDS; r++) for (let k = 0; k < FLOWS.length; k++) want.push(`tx ${OUT[hops[k]!]!.port}`);
    expect(run.inputs.map((i) => fate(i.serial))).toEqual(want);
  });

  test('each flow always takes the same gateway; the frames are addressed to it, TTL 63, checksums valid', () => {
    const byFlow = new Map<string, Set<string>>();
    for (const o of run.outputs) {
      const f = o.frame;
      const h = ip(f);
      const key = `${ipText(h.src)} > ${ipText(h.dst)}`;
      const port = gen.portNames[o.port]!;
      const out = OUT.find((x) => x.port === port)!;
      expect({ key, dst: macToString(f, 0), src: macToString(f, 6) }).toEqual({ key, dst: out.gw, src: out.router });
      expect(h.ttl).toBe(63);
      expect(ipv4ChecksumOk(f, 14)).toBe(true);
      expect(l4ChecksumOk4(f, 14, 34, h.payloadLen, h.proto)).toBe(true);
      let s = byFlow.get(key);
      if (!s) byFlow.set(key, (s = new Set()));
      s.add(port);
    }
    expect(byFlow.size).toBe(FLOWS.length);
    FLOWS.forEach(([, src, dst], k) => expect([`${src} > ${dst}`, [...byFlow.get(`${src} > ${dst}`)!]]).toEqual([`${src} > ${dst}`, [OUT[hops[k]!]!.port]]));
  });

  test('ether2 and ether3 carry exactly their flows, in arrival order', () => {
    const line = (k: number, r: number): string => {
      const [, src, dst] = FLOWS[k]!;
      const len = `flow ${k} round ${r}`.length;
      switch (k) {
        case 0:
          return `IP ${src}.${4000 + r} > ${dst}.53: UDP, length ${len}`;
        case 1:
          return `IP ${src}.5000 > ${dst}.53: UDP, length ${len}`;
        case 2:
          return `IP ${src} > ${dst}: ICMP echo request, id 153, seq ${r}, length ${8 + len}`;
        case 3:
          return `IP ${src}.6000 > ${dst}.443: UDP, length ${len}`;
        case 4:
          return `IP ${src}.6001 > ${dst}.80: Flags [S], seq ${1000 + r}`;
        default:
          return `IP ${src}.6002 > ${dst}.123: UDP, length ${len}`;
      }
    };
    for (const [h, out] of OUT.entries()) {
      const want: string[] = [];
      for (let r = 0; r < ROUNDS; r++) for (let k = 0; k < FLOWS.length; k++) if (hops[k] === h) want.push(line(k, r));
      const got = run.outputs.filter((o) => gen.portNames[o.port] === out.port).map((o) => describeFrame(o.frame, 0, o.frame.length, 1));
      expect(got.map((g, i) => (want[i]?.includes('Flags [S]') ? g.slice(0, want[i]!.length) : g))).toEqual(want);
    }
    expect(run.outputs.filter((o) => gen.portNames[o.port] === 'ether1')).toEqual([]);
  });

  test('counters and trace: 18 in, 18 out, no drops; the route is the ECMP group', () => {
    const c = run.flow.state.counters;
    expect(Array.from(c.rxPackets.slice(0, 3))).toEqual([18, 0, 0]);
    const n2 = hops.filter((h) => h === 0).length * ROUNDS;
    expect(Array.from(c.txPackets.slice(0, 3))).toEqual([0, n2, 18 - n2]);
    expect(run.flow.dropCounts().size).toBe(0);
    const text = trace.format(run.flow.traceNames());
    expect(text).toContain('routing: route-table table main (main)');
    expect(text).toContain('routing: route next-hop group');
  });
});
