/**
 * Scenario metarouter-wisp (test/scenarios/metarouter-wisp/: config.rsc for the host, guest-mr1.rsc for the
 * guest, captures built by captures.ts): the MetaRouter manual's WISP example. Client traffic enters the
 * host's client port, crosses the guest (which NATs it) and leaves the uplink; the answer finds its way back.
 * Read from the replay's own outputs (frames, fates, trace, counters), not from recorded bytes.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { wispCaptureBytes, captureFile, C, U, G_PUBLIC, G_LOCAL, C_IP, G_PUBLIC_IP, DNS_IP } from './metarouter-wisp/captures';
import { executeReplay, planFromScenario } from '../../bin/commands/replay-run';
import { openCapture } from '../../pcap/reader';
import { describeFrame } from '../../dataplane/wire/describe';
import { ipv4ToString } from '../../dataplane/wire/ipv4';
import { expectCommittedCaptures, eth, ip } from './lib';

const DIR = path.join(__dirname, 'metarouter-wisp');

test('committed captures equal what captures.ts builds', () => expectCommittedCaptures(DIR, wispCaptureBytes(), captureFile));

function frames(file: string): { ms: number; frame: Uint8Array }[] {
  const c = openCapture(file);
  const out: { ms: number; frame: Uint8Array }[] = [];
  while (c.next()) out.push({ ms: Math.round((c.tsSec % 60) * 1000 + c.tsNsec / 1e6), frame: c.data.slice(c.dataOffset, c.dataOffset + c.capLen) });
  c.close();
  return out;
}

describe('metarouter-wisp', () => {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'fp-wisp-'));
  const plan = planFromScenario(DIR);
  if (typeof plan === 'string') throw new Error(plan);
  let stdout = '';
  const res = executeReplay(plan, { outDir: path.join(tmp, 'out'), trace: path.join(tmp, 'trace.txt'), connections: true }, { out: (s) => (stdout += s), err: (s) => (stdout += s) });
  const ether1 = frames(path.join(tmp, 'out', 'ether1.pcap'));
  const ether2 = frames(path.join(tmp, 'out', 'ether2.pcap'));
  const trace = fs.readFileSync(path.join(tmp, 'trace.txt'), 'utf8');
  afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

  test('the guest mr1 comes from guest-mr1.rsc and every frame ends with a fate', () => {
    expect(res.code).toBe(0);
    expect(plan.guests).toEqual([{ name: 'mr1', file: path.join(DIR, 'guest-mr1.rsc') }]);
    expect(res.summary).toContain('fates: 3 sent out, 1 delivered to a router, 1 dropped');
    expect(res.summary).not.toContain('without a final fate');
  });

  test('0 ms: the client\'s ARP crosses the host bridge into the guest, whose `local` answers out ether2', () => {
    const at0 = ether2.filter((f) => f.ms === 0);
    expect(at0).toHaveLength(1);
    expect(eth(at0[0]!.frame)).toEqual({ src: G_LOCAL, dst: C, type: 0x0806 });
    expect(trace).toMatch(/\[1\.1\] \[host\] interface-tx: tx out vif2\n {2}\[1\.1\] \[mr1\] ethernet-input: rx on local/);
  });

  test('10-20 ms: the query leaves ether1 from the guest\'s public address (masquerade), after the guest\'s ARP', () => {
    const arp = ether1.find((f) => f.ms === 10)!;
    expect(describeFrame(arp.frame, 0, arp.frame.length, 1)).toContain(`Request who-has 203.0.113.1 tell ${G_PUBLIC_IP}`);
    const q = ether1.find((f) => f.ms === 20 && eth(f.frame).type === 0x0800)!;
    expect(eth(q.frame)).toEqual({ src: G_PUBLIC, dst: U, type: 0x0800 });
    const h = ip(q.frame);
    expect([ipv4ToString(h.src), ipv4ToString(h.dst), h.ttl]).toEqual([G_PUBLIC_IP, DNS_IP, 63]);
    // The guest translated it; the host only bridged it.
    expect(trace).toContain('[mr1] srcnat: nat-rewrite source rewritten to 203.0.113.10');
    expect(trace).not.toMatch(/\[host\] (srcnat|dstnat|routing)/);
  });

  test('30 ms: the answer enters ether1, is un-NATed by the guest and leaves ether2 to the client', () => {
    const a = ether2.find((f) => f.ms === 30)!;
    expect(eth(a.frame)).toEqual({ src: G_LOCAL, dst: C, type: 0x0800 });
    const h = ip(a.frame);
    expect([ipv4ToString(h.src), ipv4ToString(h.dst), h.ttl]).toEqual([DNS_IP, C_IP, 59]);
    expect(describeFrame(a.frame, 0, a.frame.length, 1)).toBe(`IP ${DNS_IP}.53 > ${C_IP}.40000: UDP, length 6`);
  });

  test('40 ms: the host answers for its own address; the guest only sees the broadcast', () => {
    const r = ether1.find((f) => f.ms === 40)!;
    expect(describeFrame(r.frame, 0, r.frame.length, 1)).toContain('Reply 203.0.113.2 is-at');
    expect(trace).toContain('[5.1] [mr1] arp-input: drop arp-ignored');
  });

  test('the connection is the guest\'s alone: the host tracks nothing', () => {
    const host = stdout.slice(stdout.indexOf('/ip firewall connection print (at'), stdout.indexOf('/ip firewall connection print [mr1]'));
    const guest = stdout.slice(stdout.indexOf('/ip firewall connection print [mr1]'));
    expect(host).toContain('connection tracking is off');
    expect(guest).toContain(`${C_IP}:40000`);
    expect(guest).toContain(`${DNS_IP}:53`);
  });

  test('counters: each router counts its own ports, vifs included', () => {
    expect(res.summary).toMatch(/8 {2}vif1 +\d+ +\d+ +2 +3/);
    expect(res.summary).toMatch(/guest mr1 \(running\):\n#  NAME +RX-BYTE[^\n]*\n0  public +\d+ +\d+ +3 +2/);
  });
});
