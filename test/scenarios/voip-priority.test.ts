/**
 * Scenario voip-priority (test/scenarios/voip-priority/): a 100 kbit/s uplink shaped by an interface queue
 * tree, calls in a priority-1 leaf with limit-at, an upload in a priority-8 leaf. What the output capture
 * must show, worked out from config.rsc and the story in voip-priority/captures.ts.
 */
import * as path from 'node:path';
import { voipCaptureBytes } from './voip-priority/captures';
import { badChecksums, committedCapturesMatch, replayScenario, T0 } from './fw-scenario';

const DIR = path.join(__dirname, 'voip-priority');

test('committed captures equal what captures.ts builds', () => {
  expect(committedCapturesMatch(DIR, voipCaptureBytes())).toEqual({ files: ['in-ether2.pcap'], same: { ether2: true } });
});

describe('voip-priority', () => {
  const s = replayScenario(DIR, { trace: true });
  const sentAt = new Map<number, number>(); // IPv4 id -> input time
  for (const i of s.run.inputs) sentAt.set((i.frame[18]! << 8) | i.frame[19]!, i.tsSec - T0 + i.tsNsec / 1e9);
  const out = s.out('ether1').map((o) => ({ id: (o.frame[18]! << 8) | o.frame[19]!, t: o.tsSec - T0 + o.tsNsec / 1e9, len: o.frame.length, call: o.frame[37] === 0x80 && o.frame[36] === 0x3e }));
  const calls = out.filter((o) => o.call);
  const bulk = out.filter((o) => !o.call);

  test('every call packet leaves, masqueraded, and waits less than any upload packet that was queued', () => {
    expect(calls.length).toBe(20);
    const callDelay = calls.map((c) => c.t - sentAt.get(c.id)!);
    const bulkDelay = bulk.map((b) => b.t - sentAt.get(b.id)!);
    // a call waits at most for the uplink to pay off the packet in flight: one 514-byte frame at 100k
    expect(Math.max(...callDelay)).toBeLessThan((514 * 8) / 100e3 + 0.015);
    expect(Math.max(...bulkDelay)).toBeGreaterThan(0.3); // the upload stands in a queue of 10
    for (const o of s.out('ether1')) expect([...o.frame.subarray(26, 30)]).toEqual([203, 0, 113, 2]);
    expect(badChecksums(s.out('ether1'))).toEqual([]);
  });

  test('the uplink never carries more than 100 kbit/s plus what its bucket held', () => {
    // over any 500 ms window after the first, bits sent <= 100k * 0.5 s + one bucket (0.1 x 100k) + a frame
    for (let start = 0.2; start < 1.2; start += 0.05) {
      const bits = out.filter((o) => o.t >= start && o.t < start + 0.5).reduce((a, o) => a + o.len * 8, 0);
      expect({ start, over: bits > 100e3 * 0.5 + 10e3 + 514 * 8 }).toEqual({ start, over: false });
    }
  });

  test('the upload is what the queue drops: queue-full, and only bulk packets', () => {
    const drops = s.fates().filter((f) => f.includes('drop'));
    expect(drops.length).toBeGreaterThan(10);
    expect(drops.every((f) => f.endsWith('drop queue-full'))).toBe(true);
    const stats = s.run.flow.formatQueueStats();
    expect(stats).toMatch(/^voip\s+up\s+\S+bps\s+\d+\s+20\s+0\s/m);
    expect(stats).toMatch(new RegExp(`^bulk\\s+up\\s+\\S+bps\\s+\\d+\\s+${bulk.length}\\s+${drops.length}\\s`, 'm'));
  });

  test('the trace names the queue that held each packet', () => {
    expect(s.traceText()).toMatch(/interface-queue: queue held by queue tree voip/);
    expect(s.traceText()).toMatch(/interface-queue: queue held by queue tree bulk/);
  });
});
