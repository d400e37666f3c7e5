/**
 * Every frame of every corpus capture (read in place from shared/corpus/pcap) replayed into the two-port
 * router ends with a fate (forwarded, delivered, dropped with a reason) and no exception — once as
 * captured (most frames are for other MACs: not-for-router), once with unicast destination MACs rewritten to
 * the router's port so the frames go deeper into the flow.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { generationFrom } from './helpers';
import { Flow, Fate } from '../../../dataplane/flow';
import { PacketPool } from '../../../dataplane/buf/pool';
import { ReplaySource } from '../../../dataplane/ports/replay';
import { replayThroughFlow } from '../../../dataplane/ports/flow-replay';
import { DROP_NAMES } from '../../../dataplane/drop';
import { openCapture } from '../../../pcap/reader';
import { CORPUS_PCAP } from '../../corpus-path';

const CORPUS = CORPUS_PCAP;
const files = fs.existsSync(CORPUS) ? fs.readdirSync(CORPUS).filter((f) => /\.pcap(ng)?$/.test(f)).sort() : [];
const config = fs.readFileSync(path.resolve(__dirname, '../../scenarios/routing-two-port/config.rsc'), 'utf8');

test('the corpus is there', () => {
  expect(files.length).toBeGreaterThan(10);
});

// The two-port router, and the same with a default route (so rewritten frames are forwarded: their ARP
// resolution of 10.0.2.254 fails, as nobody answers, and they end as arp-failed).
const withDefault = config + '/ip route\nadd dst-address=0.0.0.0/0 gateway=10.0.2.254\n';
describe.each([
  [false, false],
  [true, false],
  [true, true],
])('corpus through the two-port router (dst MAC rewritten: %s, default route: %s)', (rewrite, dflt) => {
  const gen = generationFrom(dflt ? withDefault : config);
  test.each(files)('%s', (file) => {
    const pool = new PacketPool({ slots: 256 });
    const flow = new Flow(gen, { pool });
    const reader = openCapture(path.join(CORPUS, file));
    const src = new ReplaySource(pool, [{ port: 0, reader }]);
    const finals = new Map<number, string>();
    const n = replayThroughFlow(flow, src, {
      prepare: rewrite
        ? (slot) => {
            const off = pool.frameOffset(slot);
            if (pool.meta.len[slot]! >= 6 && pool.meta.linkType[slot] === 1 && (pool.bytes[off]! & 1) === 0) pool.bytes.set(gen.macs.subarray(0, 6), off);
          }
        : undefined,
      onFinal: (s, f, a) => {
        expect(finals.has(s)).toBe(false);
        finals.set(s, f === Fate.DROP ? `drop ${DROP_NAMES[a]}` : f === Fate.TX ? `tx ${gen.portNames[a]}` : 'local');
      },
    });
    reader.close();
    expect(n).toBeGreaterThan(0);
    expect(finals.size).toBe(n);
    expect(flow.state.waiting).toBe(0);
    expect(pool.available).toBe(pool.slots); // every slot came back
    const counts: Record<string, number> = {};
    for (const v of finals.values()) counts[v] = (counts[v] ?? 0) + 1;
    // The counts per fate are printed for the report (jest --verbose shows them on failure only).
    expect(Object.values(counts).reduce((a, b) => a + b, 0)).toBe(n);
    fateLog.push(`${rewrite ? 'rewritten' : 'as captured'}${dflt ? ' +default' : ''} ${file}: ${n} frames: ${Object.entries(counts).map(([k, v]) => `${k} ${v}`).join(', ')}`);
  });
});

const fateLog: string[] = [];
afterAll(() => {
  if (process.env.FLOWPLANE_CORPUS_LOG) fs.writeFileSync(process.env.FLOWPLANE_CORPUS_LOG, fateLog.join('\n') + '\n');
});
