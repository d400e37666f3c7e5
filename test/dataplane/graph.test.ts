import { PacketPool } from '../../dataplane/buf/pool';
import { StageGraph, NEXT_DROP, type Stage, type StageContext } from '../../dataplane/graph';
import { TraceBuffer, traceEvent } from '../../dataplane/trace';
import { Drop, DROP_NAMES } from '../../dataplane/drop';

/** A stage deciding by a function of the slot. */
function decide(name: string, next: string[], pick: (slot: number) => number): Stage {
  return {
    name,
    next,
    process(slots, n, out) {
      for (let i = 0; i < n; i++) out[i] = pick(slots[i]!);
    },
  };
}

/** A sink that remembers what reached it, in order, and frees the slots. */
function sink(name: string, pool: PacketPool, got: number[]): Stage {
  return {
    name,
    next: [],
    process(slots, n) {
      for (let i = 0; i < n; i++) {
        got.push(slots[i]!);
        pool.free(slots[i]!);
      }
    },
  };
}

function ctx(pool: PacketPool, trace: TraceBuffer | null = null): StageContext {
  return { pool, nowSec: 0, nowNsec: 0, trace };
}

function take(pool: PacketPool, n: number): Uint32Array {
  const s = new Uint32Array(n);
  for (let i = 0; i < n; i++) s[i] = pool.alloc();
  return s;
}

test('packets follow their next codes; drops are counted by reason and freed; order is kept per path', () => {
  const pool = new PacketPool({ slots: 1000 });
  const outA: number[] = [];
  const outB: number[] = [];
  const g = new StageGraph(
    [
      {
        name: 'classify',
        next: ['a', 'b'],
        process(slots, n, out, c) {
          for (let i = 0; i < n; i++) {
            const s = slots[i]!;
            if (s % 5 === 0) {
              c.pool.meta.drop[s] = Drop.IPV4_BAD_IHL;
              out[i] = NEXT_DROP;
            } else out[i] = s % 2;
          }
        },
      },
      decide('a', ['out-a'], () => 0),
      decide('b', ['out-b'], () => 0),
      sink('out-a', pool, outA),
      sink('out-b', pool, outB),
    ],
    pool,
    { vectorSize: 64 },
  );
  const slots = take(pool, 1000); // 1000 packets: more than a vector, exercises chunking
  g.inject(g.stageIndex('classify'), slots, 1000);
  g.run(ctx(pool));
  const expectA = [...slots].filter((s) => s % 5 !== 0 && s % 2 === 0);
  const expectB = [...slots].filter((s) => s % 5 !== 0 && s % 2 === 1);
  expect(outA).toEqual(expectA);
  expect(outB).toEqual(expectB);
  expect(g.drops[Drop.IPV4_BAD_IHL]).toBe(200);
  expect(pool.available).toBe(1000); // every slot came back
  expect(g.inFlight).toBe(0);
  const rt = Object.fromEntries(g.runtime.map((r) => [r.name, r]));
  expect(rt.classify!.packets).toBe(1000);
  expect(rt.classify!.vectors).toBe(Math.ceil(1000 / 64));
  expect(rt.a!.packets).toBe(expectA.length);
  expect(g.formatRuntime()).toMatch(/^stage\s+calls\s+vectors\s+packets\s+pkts\/vec\s+ns\/pkt\nclassify\s+16\s+16\s+1000\s+62\.5/);
});

test('a packet handed to an earlier stage (a reply re-entering the output path) is processed in a later sweep', () => {
  const pool = new PacketPool({ slots: 8 });
  const got: number[] = [];
  const seen: string[] = [];
  let bounced = false;
  const g = new StageGraph(
    [
      { name: 'output', next: ['tx'], process(slots, n, out) { for (let i = 0; i < n; i++) { seen.push(`output:${slots[i]}`); out[i] = 0; } } },
      { name: 'input', next: ['output', 'tx'], process(slots, n, out) { for (let i = 0; i < n; i++) { seen.push(`input:${slots[i]}`); out[i] = bounced ? 1 : 0; } bounced = true; } },
      sink('tx', pool, got),
    ],
    pool,
  );
  g.inject(g.stageIndex('input'), take(pool, 2), 2);
  g.run(ctx(pool));
  expect(seen).toEqual(['input:0', 'input:1', 'output:0', 'output:1']);
  expect(got).toEqual([0, 1]);
});

test('a next code the stage does not declare is counted (reason none) and the slot freed, not lost', () => {
  const pool = new PacketPool({ slots: 4 });
  const g = new StageGraph([decide('s', ['t'], () => 7), sink('t', pool, [])], pool);
  g.inject(0, take(pool, 3), 3);
  g.run(ctx(pool));
  expect(g.drops[0]).toBe(3);
  expect(DROP_NAMES[0]).toBe('none');
  expect(pool.available).toBe(4);
});

test('graphs with unknown next names, duplicate names or self-loops are refused', () => {
  const pool = new PacketPool({ slots: 4 });
  expect(() => new StageGraph([decide('s', ['nowhere'], () => 0)], pool)).toThrow(/next stage nowhere is not in the graph/);
  expect(() => new StageGraph([decide('s', [], () => 0), decide('s', [], () => 0)], pool)).toThrow(/two stages named s/);
  expect(() => new StageGraph([decide('s', ['s'], () => 0)], pool)).toThrow(/cannot be its own next stage/);
});

describe('trace', () => {
  const HIT = traceEvent('test-rule-hit', (a, b) => `rule *${a.toString(16).toUpperCase()} (${b} bytes)`);
  const TX = traceEvent('test-tx', (a, _b, names) => `out ${names.port(a)}`);
  const names = { stage: (i: number) => ['filter-forward', 'tx'][i]!, port: (i: number) => `ether${i + 1}` };

  test('records print per packet in serial order, with stage names and event details', () => {
    const t = new TraceBuffer(8);
    t.begin(5); // serial 1 in slot 5
    t.begin(2); // serial 2 in slot 2
    t.record(2, 0, HIT, 0x1a, 60);
    t.record(5, 0, HIT, 3, 1500);
    t.record(2, 1, TX, 1);
    expect(t.format(names)).toBe(
      ['packet 1', '  filter-forward: test-rule-hit rule *3 (1500 bytes)', 'packet 2', '  filter-forward: test-rule-hit rule *1A (60 bytes)', '  tx: test-tx out ether2'].join('\n'),
    );
    expect(traceEvent('test-rule-hit', () => '')).toBe(HIT); // declaring again returns the same code
  });

  test('a full buffer counts what it could not keep and says so', () => {
    const t = new TraceBuffer(2, 2);
    t.begin(0);
    for (let i = 0; i < 5; i++) t.record(0, 1, TX, 0);
    expect(t.count).toBe(2);
    expect(t.lost).toBe(3);
    expect(t.format(names)).toMatch(/\(3 trace records lost: the trace buffer was full\)$/);
  });

  test('stages see the trace buffer through the context, and null when tracing is off', () => {
    const pool = new PacketPool({ slots: 4 });
    const seen: (TraceBuffer | null)[] = [];
    const g = new StageGraph([{ name: 's', next: [], process(slots, n, _o, c) { seen.push(c.trace); for (let i = 0; i < n; i++) pool.free(slots[i]!); } }], pool);
    const t = new TraceBuffer(4);
    g.inject(0, take(pool, 1), 1);
    g.run(ctx(pool, t));
    g.inject(0, take(pool, 1), 1);
    g.run(ctx(pool));
    expect(seen).toEqual([t, null]);
  });
});

test('pass-through stages are skipped: packets go where they would send them, they are never called', () => {
  const pool = new PacketPool({ slots: 8 });
  const got: number[] = [];
  let called = 0;
  const pt = (name: string, to: string): Stage => ({ name, next: [to], passThrough: true, process: () => { called++; } });
  const g = new StageGraph([decide('in', ['p1'], () => 0), pt('p1', 'p2'), pt('p2', 'out'), sink('out', pool, got)], pool);
  g.inject(g.stageIndex('in'), take(pool, 3), 3);
  g.inject(g.stageIndex('p1'), take(pool, 2), 2); // injecting into a pass-through stage goes past it too
  g.run(ctx(pool));
  expect(got).toEqual([3, 4, 0, 1, 2]);
  expect(called).toBe(0);
  expect(g.runtime.find((r) => r.name === 'p1')!.packets).toBe(0);
  expect(() => new StageGraph([pt('a', 'b'), pt('b', 'a')], pool)).toThrow(/pass-through stages form a loop/);
});
