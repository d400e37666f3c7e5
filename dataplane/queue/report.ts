/**
 * Queue counters as text, like `/queue simple print stats` and `/queue tree print stats` (`flowplane replay
 * --queue-stats`): per simple queue the upload/download pairs RouterOS prints (bytes, packets, dropped,
 * queued packets), then per tree queue its own counters. Off the hot path: it only reads the schedulers'
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
export function formatQueueStats(q: QueueTables, portName: (p: number) => string, schedulers: (code: number) => QueueScheduler | null): string {
  const out: string[] = [];
  const cols: Col[] = ['bytes', 'packets', 'dropped', 'queuedPackets'];
  const simple = q.simple;
  const ss = schedulers(1);
  if (simple !== null && ss !== null) {
    out.push('/queue simple print stats');
    const rows = [['#', 'NAME', 'BYTES', 'PACKETS', 'DROPPED', 'QUEUED-PACKETS', 'BORROWS', 'LENDS']];
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
      rows.push([String(k++), name, ...cols.map(pairOf), pairOf('borrows'), pairOf('lends')]);
      if (total >= 0) rows.push(['', `  total`, ...cols.map((col) => String(ss.stats[col][total])), String(ss.stats.borrows[total]), String(ss.stats.lends[total])]);
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
    const rows = [['NAME', 'PARENT', 'BYTES', 'PACKETS', 'DROPPED', 'QUEUED-PACKETS', 'BORROWS', 'LENDS']];
    for (const [root, spec, s] of trees) {
      spec.classes.forEach((c, i) => {
        const parent = c.parent < 0 ? root : spec.classes[c.parent]!.name;
        rows.push([c.name, parent, ...cols.map((col) => String(s.stats[col][i])), String(s.stats.borrows[i]), String(s.stats.lends[i])]);
      });
    }
    out.push(table(rows));
  }
  return out.length === 0 ? 'no queues in this config' : out.join('\n');
}
