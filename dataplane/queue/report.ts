/**
 * Queue counters as text, like `/queue simple print stats` and `/queue tree print stats` (`flowplane replay
 * --queue-stats`): per simple queue the upload/download pairs RouterOS prints (rate over the last
 * whole second, bytes, packets, dropped, queued packets), then per tree queue its own counters. Off the hot path: it only reads the schedulers'
 * HtbStats columns.
 */
import type { HtbStats, QueueScheduler } from './spec';
import type { QueueTables, SchedulerSpec } from './tables';

type Col = keyof HtbStats;

function table(rows: string[][]): string {
  const w = rows[0]!.map((_, k) => Math.max(...rows.map((r) => r[k]!.length)));
  return rows.map((r) => r.map((v, k) => (k <= 1 ? v.padEnd(w[k]!) : v.padStart(w[k]!))).join('  ').trimEnd()).join('\n');
}

/**
 * `schedulers(code)` gives the scheduler built for a code (0 global tree, 1 simple queues, 2 + port an
 * interface HTB), null when none.
 */
/** A rate as RouterOS prints it in stats: `0bps`, `512.0kbps`, `9.8Mbps`. */
function bps(v: number): string {
  if (v < 1000) return `${v}bps`;
  if (v < 1e6) return `${(v / 1e3).toFixed(1)}kbps`;
  return `${(v / 1e6).toFixed(1)}Mbps`;
}

/** `now` is the schedulers' clock (for the RATE column: bits sent in the last whole second). */
export function formatQueueStats(q: QueueTables, portName: (p: number) => string, schedulers: (code: number) => QueueScheduler | null, now: number): string {
  const out: string[] = [];
  const cols: Col[] = ['bytes', 'packets', 'dropped', 'queuedPackets'];
  const simple = q.simple;
  const ss = schedulers(1);
  if (simple !== null && ss !== null) {
    out.push('/queue simple print stats');
    const rows = [['#', 'NAME', 'RATE', 'BYTES', 'PACKETS', 'DROPPED', 'QUEUED-PACKETS', 'BORROWS', 'LENDS']];
    // classes come in item order: [total,] upload, download per queue
    const cls = simple.sched.classes;
    let k = 0;
    for (let c = 0; c < cls.length; ) {
      let total = -1;
      if (cls[c]!.name.endsWith(' total')) total = c++;
      const up = c++;
      const down = c++;
      const name = cls[up]!.name.replace(/ upload$/, '');
      const pairOf = (col: Col): string => `${ss.stats[col][up]}/${ss.stats[col][down]}`;
      rows.push([String(k++), name, `${bps(ss.rateAt(up, now))}/${bps(ss.rateAt(down, now))}`, ...cols.map(pairOf), pairOf('borrows'), pairOf('lends')]);
      if (total >= 0) rows.push(['', `  total`, bps(ss.rateAt(total, now)), ...cols.map((col) => String(ss.stats[col][total])), String(ss.stats.borrows[total]), String(ss.stats.lends[total])]);
    }
    out.push(table(rows));
  }
  const trees: [string, SchedulerSpec, QueueScheduler][] = [];
  const g = schedulers(0);
  if (q.global !== null && g !== null) trees.push(['global', q.global.sched, g]);
  q.ports.forEach((p, k) => {
    const s = schedulers(2 + k);
    if (p !== null && s !== null) trees.push([portName(k), p.sched, s]);
  });
  if (trees.length > 0) {
    out.push('/queue tree print stats');
    const rows = [['NAME', 'PARENT', 'RATE', 'BYTES', 'PACKETS', 'DROPPED', 'QUEUED-PACKETS', 'BORROWS', 'LENDS']];
    for (const [root, spec, s] of trees) {
      spec.classes.forEach((c, i) => {
        const parent = c.parent < 0 ? root : spec.classes[c.parent]!.name;
        rows.push([c.name, parent, bps(s.rateAt(i, now)), ...cols.map((col) => String(s.stats[col][i])), String(s.stats.borrows[i]), String(s.stats.lends[i])]);
      });
    }
    out.push(table(rows));
  }
  return out.length === 0 ? 'no queues in this config' : out.join('\n');
}

/** Counter columns of `/queue simple print stats` and `/queue tree print stats` on a running router. */
export const QUEUE_STAT_COLUMNS: readonly string[] = ['rate', 'bytes', 'packets', 'dropped', 'queued-packets'];

/**
 * One `/queue simple` or `/queue tree` item's counters in QUEUE_STAT_COLUMNS order (the console's and the APIs'
 * print on a live router): a simple queue's as upload/download pairs, a tree queue's as numbers. Undefined
 * when the item has no class (disabled, left out by the compiler) or `menu` is neither.
 */
export function queueItemStats(
  q: QueueTables,
  schedulers: (code: number) => QueueCounters | null,
  now: number,
  menu: string,
  itemId: string,
): (string | number)[] | undefined {
  const of = (s: QueueCounters, c: number): (string | number)[] => [bps(s.rateAt(c, now)), s.stats.bytes[c]!, s.stats.packets[c]!, s.stats.dropped[c]!, s.stats.queuedPackets[c]!];
  if (menu === '/queue simple') {
    const s = schedulers(1);
    if (q.simple === null || s === null) return undefined;
    const spec = q.simple.sched;
    const up = spec.classes.findIndex((c, i) => spec.itemIds[i] === itemId && c.name.endsWith(' upload'));
    const down = spec.classes.findIndex((c, i) => spec.itemIds[i] === itemId && c.name.endsWith(' download'));
    if (up < 0 || down < 0) return undefined;
    const u = of(s, up);
    const d = of(s, down);
    return u.map((x, i) => `${x}/${d[i]}`);
  }
  if (menu === '/queue tree') {
    const trees: [SchedulerSpec | undefined, QueueCounters | null][] = [[q.global?.sched, schedulers(0)], ...q.ports.map((p, k): [SchedulerSpec | undefined, QueueCounters | null] => [p?.sched, schedulers(2 + k)])];
    for (const [spec, s] of trees) {
      const c = spec === undefined || s === null ? -1 : spec.itemIds.indexOf(itemId);
      if (c >= 0) return of(s!, c);
    }
  }
  return undefined;
}

/** What the stats of a scheduler show: its counter columns and its per-second rate (a scheduler is one). */
export type QueueCounters = Pick<QueueScheduler, 'stats' | 'rateAt'>;

/** One scheduler's counters copied out of a worker (plain typed arrays: they cross threads as they are). */
export interface QueueCounterCopy {
  /** Scheduler code: 0 global tree, 1 simple queues, 2 + port an interface HTB. */
  code: number;
  bytes: Float64Array;
  packets: Float64Array;
  dropped: Float64Array;
  queuedPackets: Float64Array;
  queuedBytes: Float64Array;
  borrows: Float64Array;
  lends: Float64Array;
  /** Bits per class in the last whole second (rateAt at the copy's clock). */
  rate: Float64Array;
}

/** Copies of the counters of every scheduler of codes 0..codes-1 that exists, at clock `now`. */
export function copyQueueCounters(schedulers: (code: number) => QueueScheduler | null, codes: number, now: number): QueueCounterCopy[] {
  const out: QueueCounterCopy[] = [];
  for (let code = 0; code < codes; code++) {
    const s = schedulers(code);
    if (s === null) continue;
    const st = s.stats;
    const n = st.bytes.length;
    const rate = new Float64Array(n);
    for (let c = 0; c < n; c++) rate[c] = s.rateAt(c, now);
    out.push({
      code,
      bytes: Float64Array.from(st.bytes),
      packets: Float64Array.from(st.packets),
      dropped: Float64Array.from(st.dropped),
      queuedPackets: Float64Array.from(st.queuedPackets),
      queuedBytes: Float64Array.from(st.queuedBytes),
      borrows: Float64Array.from(st.borrows),
      lends: Float64Array.from(st.lends),
      rate,
    });
  }
  return out;
}

/**
 * The counters of several workers' copies summed per scheduler code (each worker shapes its own copy of the
 * queues, docs/workers.md: the sum is what passed the router). Rates are summed too.
 */
export function sumQueueCounters(copies: readonly (readonly QueueCounterCopy[])[]): Map<number, QueueCounters> {
  const sums = new Map<number, QueueCounterCopy>();
  const cols = ['bytes', 'packets', 'dropped', 'queuedPackets', 'queuedBytes', 'borrows', 'lends', 'rate'] as const;
  for (const list of copies) {
    for (const c of list) {
      const s = sums.get(c.code);
      if (s === undefined) {
        sums.set(c.code, { ...c, ...Object.fromEntries(cols.map((k) => [k, Float64Array.from(c[k])])) } as QueueCounterCopy);
        continue;
      }
      for (const k of cols) {
        const a = s[k];
        const b = c[k];
        for (let i = 0; i < a.length && i < b.length; i++) a[i] = a[i]! + b[i]!;
      }
    }
  }
  const out = new Map<number, QueueCounters>();
  for (const [code, s] of sums) {
    const stats = { bytes: s.bytes, packets: s.packets, dropped: s.dropped, queuedPackets: Uint32Array.from(s.queuedPackets), queuedBytes: s.queuedBytes, borrows: s.borrows, lends: s.lends };
    out.set(code, { stats, rateAt: (cls: number) => s.rate[cls] ?? 0 });
  }
  return out;
}
