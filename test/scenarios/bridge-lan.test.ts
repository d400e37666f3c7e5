/**
 * Scenario bridge-lan (test/scenarios/bridge-lan/: config.rsc, captures built by captures.ts): a bridge with
 * three ports plus a routed uplink. Outputs are read back (ports, MACs, TTL, checksums), not compared with
 * recorded bytes.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { bridgeCaptureBytes, captureFile, R1, BR, A, B, D, A_IP, D_IP } from './bridge-lan/captures';
import { generationFrom, replay } from '../dataplane/flow/helpers';
import { Fate } from '../../dataplane/flow';
import { DROP_NAMES } from '../../dataplane/drop';
import { describeFrame } from '../../dataplane/wire/describe';
import { parseArp } from '../../dataplane/wire/arp';
import { ipv4Parse } from '../../dataplane/wire/ipv4';
import { ipv4ChecksumOk, l4ChecksumOk4 } from '../../dataplane/wire/checksum';
import { macToString } from '../../dataplane/wire/ethernet';
import { isWireError } from '../../dataplane/wire/error';
import { TraceBuffer } from '../../dataplane/trace';
import { expectCommittedCaptures, ip, eth } from './lib';

const DIR = path.join(__dirname, 'bridge-lan');
const config = fs.readFileSync(path.join(DIR, 'config.rsc'), 'utf8');

const ms = (o: { tsSec: number; tsNsec: number }) => Math.round((o.tsSec % 60) * 1000 + o.tsNsec / 1e6);

test('committed captures equal what captures.ts builds', () => expectCommittedCaptures(DIR, bridgeCaptureBytes(), captureFile));

describe('bridge-lan', () => {
  const gen = generationFrom(config);
  const trace = new TraceBuffer(512);
  const files = Object.fromEntries(['ether1', 'ether2', 'ether3'].map((p) => [p, path.join(DIR, captureFile(p))]));
  const run = replay(gen, files, { trace });
  const at = (t: number) => run.outputs.filter((o) => ms(o) === t).map((o) => ({ port: gen.portNames[o.port]!, frame: o.frame }));
  const portsAt = (t: number) => at(t).map((o) => o.port).sort();

  test('every IPv4 frame transmitted has valid IPv4 and L4 checksums', () => {
    for (const o of run.outputs) {
      if (eth(o.frame).type !== 0x0800) continue;
      expect(ipv4ChecksumOk(o.frame, 14)).toBe(true);
      const r = ip(o.frame);
      expect(l4ChecksumOk4(o.frame, 14, 34, r.payloadLen, r.proto)).toBe(true);
    }
  });

  test('0 ms: A\'s ARP broadcast is flooded to ether3 and ether4 unchanged, the router answers out ether2 with the bridge MAC', () => {
    expect(portsAt(0)).toEqual(['ether2', 'ether3', 'ether4']);
    for (const o of at(0).filter((o) => o.port !== 'ether2')) expect(eth(o.frame)).toEqual({ src: A, dst: 'ff:ff:ff:ff:ff:ff', type: 0x0806 });
    const reply = at(0).find((o) => o.port === 'ether2')!.frame;
    expect(eth(reply)).toEqual({ src: BR, dst: A, type: 0x0806 });
    const arp = parseArp(reply, 14, 28);
    if (isWireError(arp)) throw new Error(arp.message);
    expect(arp.op).toBe(2);
    expect(macToString(arp.senderMac)).toBe(BR);
    expect(arp.senderIp >>> 0).toBe(ipv4Parse('192.168.88.1') >>> 0);
  });

  test('10 ms: unicast to the unknown B is flooded; 20 ms: B\'s answer goes to ether2 only; 30 ms: A to B goes to ether3 only', () => {
    expect(portsAt(10)).toEqual(['ether3', 'ether4']);
    expect(portsAt(20)).toEqual(['ether2']);
    expect(portsAt(30)).toEqual(['ether3']);
    // bridged, not routed: MACs and TTL as sent
    const f = at(30)[0]!.frame;
    expect(eth(f)).toEqual({ src: A, dst: B, type: 0x0800 });
    expect(ip(f).ttl).toBe(64);
    expect(eth(at(20)[0]!.frame)).toEqual({ src: B, dst: A, type: 0x0800 });
  });

  test('40 ms: the ping to the router via the bridge is answered out ether2', () => {
    const out = at(40);
    expect(out.map((o) => o.port)).toEqual(['ether2']);
    expect(eth(out[0]!.frame)).toEqual({ src: BR, dst: A, type: 0x0800 });
    expect(describeFrame(out[0]!.frame, 0, out[0]!.frame.length, 1)).toBe('IP 192.168.88.1 > 192.168.88.10: ICMP echo reply, id 66, seq 1, length 19');
  });

  test('50-70 ms: A pings D behind ether1 (routed out ether1, TTL 63), the reply is routed into the bridge and out ether2 only', () => {
    expect(portsAt(50)).toEqual(['ether1']); // the router's ARP request for D
    expect(describeFrame(at(50)[0]!.frame, 0, 60, 1)).toContain(`Request who-has ${D_IP} tell 10.0.1.1`);
    const fwd = at(60);
    expect(fwd.map((o) => o.port)).toEqual(['ether1']);
    expect(eth(fwd[0]!.frame)).toEqual({ src: R1, dst: D, type: 0x0800 });
    expect(ip(fwd[0]!.frame)).toMatchObject({ ttl: 63, src: ipv4Parse(A_IP) >>> 0, dst: ipv4Parse(D_IP) >>> 0 });
    const back = at(70);
    expect(back.map((o) => o.port)).toEqual(['ether2']);
    expect(eth(back[0]!.frame)).toEqual({ src: BR, dst: A, type: 0x0800 });
    expect(ip(back[0]!.frame)).toMatchObject({ ttl: 63, src: ipv4Parse(D_IP) >>> 0, dst: ipv4Parse(A_IP) >>> 0 });
  });

  test('every input frame ends with the fate the story says', () => {
    const fate = (serial: number) => {
      const [f, a] = run.finals.get(serial)!;
      return f === Fate.DROP ? `drop ${DROP_NAMES[a]}` : f === Fate.TX ? `tx ${gen.portNames[a]}` : f === Fate.LOCAL ? 'local' : `fate ${f}`;
    };
    expect(run.inputs.map((r) => `${ms(r)} ${gen.portNames[r.port]} ${fate(r.serial)}`)).toEqual([
      '0 ether2 tx ether2', // ARP request: copies flooded, the original answered in place
      '10 ether2 tx ether4', // flooded: the original goes to the last port
      '20 ether3 tx ether2',
      '30 ether2 tx ether3',
      '40 ether2 tx ether2', // echo reply
      '50 ether2 tx ether1', // queued for ARP, then released
      '60 ether1 local', // D's ARP reply consumed
      '70 ether1 tx ether2',
    ]);
    expect(run.flow.state.waiting).toBe(0);
  });

  test('FDB, counters and trace', () => {
    const fdb = run.flow.state.fdbs[0]!;
    expect(fdb.lookup(0x0200, 0x000a000a, 0)).toBe(gen.portNames.indexOf('ether2'));
    expect(fdb.lookup(0x0200, 0x000b0014, 0)).toBe(gen.portNames.indexOf('ether3'));
    expect(fdb.learned).toBe(2);
    const c = run.flow.state.counters;
    const p = (n: string) => gen.portNames.indexOf(n);
    expect([c.txPackets[p('ether1')], c.txPackets[p('ether2')], c.txPackets[p('ether3')], c.txPackets[p('ether4')]]).toEqual([2, 4, 3, 2]);
    const text = trace.format(run.flow.traceNames());
    expect(text).toContain('bridge-input: bridge-learn source MAC learned on ether2');
    expect(text).toContain('bridge-input: bridge-flood flooded 2 copies and up to the bridge');
    expect(text).toContain('bridge-input: bridge-forward known unicast to ether3');
    expect(text).toContain('bridge-input: bridge-copy flooded copy for ether3');
    expect(text).toContain('bridge-input: bridge-local to the router on ether2');
    expect(text).toContain('bridge-output: bridge-forward known unicast to ether2');
  });
});
