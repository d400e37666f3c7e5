/**
 * Scenario bridge-flood-learn (test/scenarios/bridge-flood-learn/: config.rsc, captures built by
 * captures.ts): flooding of broadcast / multicast / unknown unicast, learning, a MAC moving port, ageing on
 * the capture clock, per-port flood switches, a horizon pair, a static host, a bridge filter rule dropping
 * one flooded copy and a bridge nat rule rewriting a destination MAC. Outputs are read back per story time
 * (which ports, which MACs), fates per input frame, rule counters and trace events.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { floodCaptureBytes, captureFile, A, B, C, S, X, MCAST } from './bridge-flood-learn/captures';
import { generationFrom, replay } from '../dataplane/flow/helpers';
import { Fate } from '../../dataplane/flow';
import { DROP_NAMES } from '../../dataplane/drop';
import { parseIpv4 } from '../../dataplane/wire/ipv4';
import { ipv4ChecksumOk, l4ChecksumOk4 } from '../../dataplane/wire/checksum';
import { isWireError } from '../../dataplane/wire/error';
import { TraceBuffer } from '../../dataplane/trace';
import { expectCommittedCaptures, eth } from './lib';

const DIR = path.join(__dirname, 'bridge-flood-learn');
const config = fs.readFileSync(path.join(DIR, 'config.rsc'), 'utf8');
const PORTS = ['ether1', 'ether2', 'ether3', 'ether5', 'ether6'];

const ms = (o: { tsSec: number; tsNsec: number }) => Math.round((o.tsSec % 60) * 1000 + o.tsNsec / 1e6);
const mac = (s: string) => [parseInt(s.slice(0, 5).replace(':', ''), 16), parseInt(s.slice(6).replace(/:/g, ''), 16)] as const;

test('committed captures equal what captures.ts builds', () => expectCommittedCaptures(DIR, floodCaptureBytes(), captureFile));

describe('bridge-flood-learn', () => {
  const gen = generationFrom(config);
  const trace = new TraceBuffer(512);
  const run = replay(gen, Object.fromEntries(PORTS.map((p) => [p, path.join(DIR, captureFile(p))])), { trace });
  const at = (t: number) => run.outputs.filter((o) => ms(o) === t).map((o) => ({ port: gen.portNames[o.port]!, frame: o.frame }));
  const portsAt = (t: number) => at(t).map((o) => o.port).sort();
  const p = (n: string) => gen.portNames.indexOf(n);

  test('bridged frames leave unchanged, checksums intact', () => {
    for (const o of run.outputs) {
      const f = o.frame;
      if (eth(f).type !== 0x0800) continue;
      expect(ipv4ChecksumOk(f, 14)).toBe(true);
      const r = parseIpv4(f, 14, f.length - 14, true);
      if (isWireError(r)) throw new Error(r.message);
      expect(r.ttl).toBe(64);
      expect(l4ChecksumOk4(f, 14, 34, r.payloadLen, r.proto)).toBe(true);
    }
  });

  test('0-20 ms: broadcast skips ether4 (broadcast-flood=no); multicast reaches ether4; unknown unicast skips ether4', () => {
    expect(portsAt(0)).toEqual(['ether2', 'ether3', 'ether5', 'ether6']);
    for (const o of at(0)) expect(eth(o.frame)).toEqual({ dst: 'ff:ff:ff:ff:ff:ff', src: A, type: 0x0806 });
    expect(portsAt(10)).toEqual(['ether2', 'ether3', 'ether4', 'ether5', 'ether6']);
    for (const o of at(10)) expect(eth(o.frame)).toEqual({ dst: MCAST, src: A, type: 0x88b5 });
    expect(portsAt(20)).toEqual(['ether2', 'ether3', 'ether5', 'ether6']);
    for (const o of at(20)) expect(eth(o.frame)).toEqual({ dst: B, src: A, type: 0x0800 });
  });

  test('30-70 ms: learned hosts get known unicast; C moves from ether3 to ether2', () => {
    expect(portsAt(30)).toEqual(['ether1']);
    expect(portsAt(40)).toEqual(['ether2']);
    expect(portsAt(50)).toEqual(['ether1']);
    expect(portsAt(60)).toEqual(['ether1']);
    expect(portsAt(70)).toEqual(['ether2']);
    expect(eth(at(70)[0]!.frame)).toEqual({ dst: C, src: A, type: 0x0800 });
  });

  test('80-90 ms: the horizon pair never reaches each other', () => {
    expect(portsAt(80)).toEqual(['ether1', 'ether2', 'ether3']); // not ether6 (horizon), not ether4 (no unknown unicast)
    expect(portsAt(90)).toEqual([]);
  });

  test('100-120 ms: the static host stays on ether3 even when its MAC shows up as a source on ether2', () => {
    expect(portsAt(100)).toEqual(['ether3']);
    expect(portsAt(110)).toEqual(['ether1']);
    expect(portsAt(120)).toEqual(['ether3']);
  });

  test('130 ms: bridge nat dst-nat rewrites the old server MAC to C and the frame goes where C is', () => {
    expect(portsAt(130)).toEqual(['ether2']);
    expect(eth(at(130)[0]!.frame)).toEqual({ dst: C, src: A, type: 0x0800 });
  });

  test('140 ms: the flooded UDP/9 copies go out, except the one the bridge filter drops on ether2', () => {
    expect(portsAt(140)).toEqual(['ether3', 'ether5', 'ether6']);
    for (const o of at(140)) expect(eth(o.frame)).toEqual({ dst: X, src: A, type: 0x0800 });
  });

  test('15 s: A aged out (last seen at 140 ms, ageing-time 10 s): flooded again; the static S did not age', () => {
    expect(portsAt(15000)).toEqual(['ether1', 'ether3', 'ether5', 'ether6']);
    expect(portsAt(15010)).toEqual(['ether3']);
  });

  test('every input frame ends with the fate the story says', () => {
    const fate = (serial: number) => {
      const [f, a] = run.finals.get(serial)!;
      return f === Fate.DROP ? `drop ${DROP_NAMES[a]}` : f === Fate.TX ? `tx ${gen.portNames[a]}` : f === Fate.LOCAL ? 'local' : `fate ${f}`;
    };
    expect(run.inputs.map((r) => `${ms(r)} ${gen.portNames[r.port]} ${fate(r.serial)}`)).toEqual([
      '0 ether1 drop arp-ignored', // the original went up: an ARP request for nobody the router is
      '10 ether1 drop unknown-ethertype', // the original went up: no handler for 0x88b5
      '20 ether1 tx ether6', // flooded: the original goes to the last port
      '30 ether2 tx ether1',
      '40 ether1 tx ether2',
      '50 ether3 tx ether1',
      '60 ether2 tx ether1',
      '70 ether1 tx ether2',
      '80 ether5 tx ether3',
      '90 ether6 drop bridge-horizon',
      '100 ether1 tx ether3',
      '110 ether2 tx ether1',
      '120 ether1 tx ether3',
      '130 ether1 tx ether2',
      '140 ether1 tx ether6',
      '15000 ether2 tx ether6',
      '15010 ether1 tx ether3',
    ]);
    expect(run.outputs).toHaveLength(33);
  });

  test('FDB after the story: static S on ether3, C on ether2, A re-learned; H1/H2 on their ports', () => {
    const fdb = run.flow.state.fdbs[0]!;
    expect(fdb.lookup(...mac(S), 0)).toBe(p('ether3'));
    expect(fdb.flags[fdb.find(...mac(S), 0)]).toBe(2); // STATIC
    expect(fdb.lookup(...mac(C), 0)).toBe(p('ether2'));
    expect(fdb.lookup(...mac(A), 0)).toBe(p('ether1'));
    expect(fdb.lookup(...mac('02:00:00:01:00:01'), 0)).toBe(p('ether5'));
    expect(fdb.lookup(...mac('02:00:00:01:00:02'), 0)).toBe(p('ether6'));
  });

  test('rule counters and trace: the filter rule dropped one copy, the nat rule rewrote one frame', () => {
    const w = run.flow.state.bridgeWalk;
    const R = gen.bridgeRules;
    const row = (text: string) => R.text.findIndex((t) => t.includes(text));
    const f = row('no discard traffic');
    const n = row('old server MAC');
    expect([w.packets[f], w.packets[n]]).toEqual([1, 1]);
    expect(w.bytes[f]).toBe(at(140)[0]!.frame.length);
    expect(run.flow.dropCounts().get('bridge-filter-drop')).toBe(1);
    const text = trace.format(run.flow.traceNames());
    expect(text).toContain('bridge-filter-forward: bridge-rule filter *');
    expect(text).toMatch(/bridge-filter-forward: bridge-rule filter \*[0-9A-F]+ "no discard traffic to ether2" matched: drop/);
    expect(text).toMatch(/bridge-dstnat: bridge-nat nat \*[0-9A-F]+ "old server MAC": destination MAC rewritten/);
    expect(text).toContain('bridge-input: bridge-learn source MAC moved on ether2');
    expect(text).toContain('bridge-input: bridge-learn source MAC not learned on ether2: a static or local entry holds it');
    expect(text).toContain('bridge-input: drop bridge-horizon');
  });
});
