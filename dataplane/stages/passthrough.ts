/**
 * Placeholder stages: RouterOS flow points that are present in the pipeline by name but do nothing yet
 * (raw-prerouting, conntrack, mangle-*, dstnat, filter-*, srcnat, nat-input/-output, queue-global,
 * simple-queues, interface-queue...). They pass every packet to their one next stage and say so
 * (`passThrough`), so the graph sends packets straight past them: they are in the flow by name at no cost
 * (and, doing nothing, show no rows in `formatRuntime()`); the [stateful] and [queues] issues replace them
 * with real stages of the same names. One factory, no per-name code.
 */
import type { Stage, StageContext } from '../graph';

export function passThrough(name: string, nextStage: string): Stage {
  return {
    name,
    next: [nextStage],
    passThrough: true,
    process(_slots: Uint32Array, n: number, next: Uint8Array, _ctx: StageContext): void {
      next.fill(0, 0, n);
    },
  };
}

/** A sink that keeps nothing: `arp-wait` — the slot stays queued in the ArpTable (arp-resolve.ts). */
export function holdSink(name: string): Stage {
  return {
    name,
    next: [],
    process(): void {
      /* the slots are held elsewhere (an ARP queue) */
    },
  };
}
