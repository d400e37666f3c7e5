/**
 * The queue part of a generation (FlowTables.queues): what control/compile/queues.ts makes of `/queue type`,
 * `/queue simple`, `/queue tree` and `/queue interface`, and what the flow's queue stages (stages/queue.ts)
 * read. Three kinds of scheduler, in the packet-flow order of ROUTEROS-FLOW.md §1:
 *
 * - `global`: queue trees with parent=global ("HTB global"), classified by packet mark (`globalMark`);
 * - `simple`: the simple queues, each an upload and a download class (and a `total` class above both when a
 *   total-* limit is set), classified by SimpleQueueSet (simple-classify.ts);
 * - `ports[p]`: interface HTB of egress port p: queue trees with parent=<interface>, classified by packet
 *   mark (`portMark[p]`). Packets no tree leaf takes leave unshaped (Linux HTB's direct queue; RouterOS
 *   shows active-queue=queue-tree).
 *
 * A null scheduler means nothing of that kind is configured: the stage is then a pass-through placeholder.
 */
import type { HtbClassSpec, QueueTypeSpec } from './spec';
import type { SimpleQueueSet } from './simple-classify';

export interface QueueWarning {
  /** `/queue simple` or `/queue tree`. */
  readonly menu: string;
  /** The item's id (`*1A`). */
  readonly id: string;
  readonly message: string;
}

export interface SchedulerSpec {
  /** Classes; the flow builds one HtbScheduler per SchedulerSpec. */
  readonly classes: readonly HtbClassSpec[];
  /** For stats: the `/queue simple` / `/queue tree` item id of each class (`*1`), or '' for made-up ones. */
  readonly itemIds: readonly string[];
}

export interface MarkClassifier {
  readonly sched: SchedulerSpec;
  /** packet-mark id → leaf class (-1: no leaf takes the mark; the packet leaves unshaped). */
  readonly leafOfMark: Int32Array;
  /** Class for packets whose mark no leaf takes (-1: they leave unshaped). */
  readonly defaultLeaf: number;
}

export interface QueueTables {
  /** Queue types by index (the classes' `queueType`). */
  readonly types: readonly QueueTypeSpec[];
  readonly global: MarkClassifier | null;
  readonly simple: SimpleQueueSet | null;
  /** By port number (real ports, then bridge and VLAN virtual ports): interface trees, null where none. */
  readonly ports: readonly (MarkClassifier | null)[];
  /** What the compiler could not apply (a tree parent that names nothing, a bad target...), by item. */
  readonly warnings: readonly QueueWarning[];
}
