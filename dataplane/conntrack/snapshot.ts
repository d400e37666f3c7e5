/**
 * A snapshot of a connection table for `/ip firewall connection print` (and its `remove`): the confirmed,
 * unexpired connections as rows of numbers in one Float64Array, `CS.COUNT` numbers per connection. Numbers,
 * not text: a worker thread sends the snapshot to the port thread as it is (structured clone of one typed
 * array), and the control plane (control/instance/live-rows.ts) words it as RouterOS does.
 *
 * Off the hot path: a scan of the table per print (RouterOS's own print walks the kernel's table too).
 *
 * Row ids: a connection is named by its serial (ConnTable.serial), unique while it lives. With N workers each
 * holding its own table, worker k's connection with serial s is `s * N + k` (mod 2^32), so ids never clash
 * across workers and a `remove` can be sent to all of them: only the owner finds the id.
 */
import { type ConnTable, connectionType } from './table';

/** Numbers per connection in a snapshot, by position. */
export const CS = {
  /** The row id (`.id`): serial * workers + worker index, mod 2^32. */
  ID: 0,
  PROTO: 1,
  /** CtStatus bits. */
  STATUS: 2,
  /** TCP state code (tcp-state.ts Tcp). */
  PSTATE: 3,
  /** Connection mark index (0 = no mark; the generation's markNames). */
  MARK: 4,
  /** Seconds left before the entry times out. */
  TIMEOUT: 5,
  /** Original tuple: source, destination (uint32), ports (sport << 16 | dport, uint32). */
  O_SRC: 6,
  O_DST: 7,
  O_PORTS: 8,
  /** Reply tuple (what replies look like on the wire, after NAT). */
  R_SRC: 9,
  R_DST: 10,
  R_PORTS: 11,
  O_PACKETS: 12,
  O_BYTES: 13,
  R_PACKETS: 14,
  R_BYTES: 15,
  /** Helper code of the connection or its master (table.ts Helper; connection-type). */
  TYPE: 16,
  COUNT: 17,
} as const;

/** The `.id` of a connection with serial `serial` in worker `index` of `workers`. */
export function connRowId(serial: number, workers: number, index: number): number {
  return (serial * workers + index) % 0x1_0000_0000;
}

/** Every confirmed connection alive at `now`, in entry order, as CS rows. */
export function connSnapshot(ct: ConnTable, now: number, workers = 1, index = 0): Float64Array {
  const ids: number[] = [];
  ct.forEach((id) => {
    if (ct.expires[id]! > now) ids.push(id);
  });
  const out = new Float64Array(ids.length * CS.COUNT);
  const t = ct.tup;
  ids.forEach((id, k) => {
    const o = k * CS.COUNT;
    const q = id * 8;
    out[o + CS.ID] = connRowId(ct.serial[id]!, workers, index);
    out[o + CS.PROTO] = ct.proto[id]!;
    out[o + CS.STATUS] = ct.status[id]!;
    out[o + CS.PSTATE] = ct.pstate[id]!;
    out[o + CS.MARK] = ct.mark[id]!;
    out[o + CS.TIMEOUT] = ct.expires[id]! - now;
    out[o + CS.O_SRC] = t[q]! >>> 0;
    out[o + CS.O_DST] = t[q + 1]! >>> 0;
    out[o + CS.O_PORTS] = t[q + 2]! >>> 0;
    out[o + CS.R_SRC] = t[q + 4]! >>> 0;
    out[o + CS.R_DST] = t[q + 5]! >>> 0;
    out[o + CS.R_PORTS] = t[q + 6]! >>> 0;
    out[o + CS.O_PACKETS] = ct.packets[id * 2]!;
    out[o + CS.O_BYTES] = ct.bytes[id * 2]!;
    out[o + CS.R_PACKETS] = ct.packets[id * 2 + 1]!;
    out[o + CS.R_BYTES] = ct.bytes[id * 2 + 1]!;
    out[o + CS.TYPE] = connectionType(ct, id * 2) || ct.helper[id]!;
  });
  return out;
}

/**
 * Remove the connection whose row id is `rowId` (`/ip firewall connection remove`), as if it had timed out:
 * the next packet of the flow starts a new connection (or is invalid), as on RouterOS. Returns whether this
 * table held it.
 */
export function removeConnection(ct: ConnTable, rowId: number, workers = 1, index = 0): boolean {
  let found = -1;
  ct.forEach((id) => {
    if (found < 0 && connRowId(ct.serial[id]!, workers, index) === rowId) found = id;
  });
  if (found < 0) return false;
  ct.remove(found);
  return true;
}
