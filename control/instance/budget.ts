/**
 * A MetaRouter guest's `memory-size` as a budget its tables respect (ROUTEROS-FLOW.md §10). RouterOS does not
 * document how a guest's tables scale with its RAM; the guest is a Linux 2.6 kernel on 32-bit MIPS/PowerPC,
 * so flowplane takes the kernel's own rules where there is one (UNCONFIRMED, docs/unconfirmed.md):
 *
 * - **connection table**: Linux 2.6 `nf_conntrack_max` = 8 x the hash size, the hash = RAM / 16384 /
 *   sizeof(hlist_head) (4 bytes on 32-bit): RAM / 8192, i.e. 128 connections per MiB (3072 for 24 MiB). At
 *   the limit the table evicts a not-assured connection, else drops the new one (`conntrack-full`), as Linux.
 * - **ARP (neighbour) entries**: 32 per MiB, at most the host's default; at the limit new neighbours are not
 *   learned (Linux gc_thresh3 behaviour: the oldest unused entries go first, dataplane/tables/arp-table.ts).
 * - **bridge FDB**: 64 learned MACs per MiB; at the limit new MACs are not learned (Linux fdb_max_learned) and
 *   frames to them are flooded.
 *
 * The flow's other memory (FIB, packet pool) is the host process's and not counted against the guest.
 */
import { DEFAULT_MAX_NEIGHBOR_ENTRIES } from '../compile/ip-settings';

export interface MemoryBudget {
  readonly mib: number;
  readonly connections: number;
  readonly arpEntries: number;
  readonly fdbEntries: number;
  /** One line for the log: what the budget allows. */
  readonly text: string;
}

export function memoryBudget(mib: number): MemoryBudget {
  const m = Math.max(1, Math.floor(mib));
  const connections = m * 128;
  const arpEntries = Math.min(DEFAULT_MAX_NEIGHBOR_ENTRIES, m * 32);
  const fdbEntries = m * 64;
  return { mib: m, connections, arpEntries, fdbEntries, text: `connections ${connections}, ARP entries ${arpEntries}, bridge hosts ${fdbEntries}` };
}
