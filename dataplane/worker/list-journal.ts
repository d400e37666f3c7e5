/**
 * Dynamic address-list entries between the workers of one router (`flowplane run --workers N`): a rule in
 * worker k adds a host to a list (`add-src-to-address-list`), and a packet of another connection — hashed to
 * another worker — must find it there too (port knocking, brute-force lists). The port thread owns the
 * relay: each worker writes the entries its rules add (and timeouts they extend: AddressLists.onDynamicAdd)
 * into its outgoing journal; the port thread pops them, applies them to the router's own lists (what the
 * console shows) and pushes them into every other worker's incoming journal; each worker applies its
 * incoming journal before its next vector (AddressLists.addFromPeer). An entry reaches the other workers
 * within one dispatch round (microseconds under load, a few ms when idle), as an entry added by another core
 * of a Linux router becomes visible after its RCU grace period.
 *
 * A record whose expiry is REMOVED (negative) takes the entry out instead: the console or an API removed
 * it from the router's copy (the port thread writes those only into the workers' incoming journals).
 *
 * A journal is a single-producer single-consumer ring of records (list, lo, hi, expires) in a
 * SharedArrayBuffer: Float64 data and two Int32 indexes published with Atomics. Nothing allocates per record.
 * A full journal drops the record and counts it (`lost`): the port thread drains every round, so that needs
 * thousands of adds between two rounds.
 */

const REC = 4;
/** The expiry of a record that removes its entry. */
export const REMOVED = -1;
/** Header words: head (consumer), tail (producer), lost (producer). */
const HEAD = 0;
const TAIL = 1;
const LOST = 2;

export class ListJournal {
  readonly sab: SharedArrayBuffer;
  private readonly idx: Int32Array;
  private readonly data: Float64Array;
  private readonly cap: number;
  private readonly mask: number;

  /** A new journal of `capacity` records (rounded up to a power of two), or a view of `sab` made with it. */
  constructor(capacity: number, sab?: SharedArrayBuffer) {
    let cap = 1;
    while (cap < capacity) cap *= 2;
    this.cap = cap;
    this.mask = cap - 1;
    this.sab = sab ?? new SharedArrayBuffer(16 + cap * REC * 8);
    this.idx = new Int32Array(this.sab, 0, 4);
    this.data = new Float64Array(this.sab, 16, cap * REC);
  }

  /** Append a record (producer). False (and counted as lost) when full. */
  push(list: number, lo: number, hi: number, expires: number): boolean {
    const tail = Atomics.load(this.idx, TAIL);
    // indexes run on modulo 2^32; their difference is the fill
    if (((tail - Atomics.load(this.idx, HEAD)) | 0) >= this.cap) {
      Atomics.add(this.idx, LOST, 1);
      return false;
    }
    const at = (tail & this.mask) * REC;
    const d = this.data;
    d[at] = list;
    d[at + 1] = lo;
    d[at + 2] = hi;
    d[at + 3] = expires;
    Atomics.store(this.idx, TAIL, (tail + 1) | 0);
    return true;
  }

  /** Take the oldest record into out[0..3] (consumer). False when empty. */
  pop(out: Float64Array): boolean {
    const head = Atomics.load(this.idx, HEAD);
    if (head === Atomics.load(this.idx, TAIL)) return false;
    const at = (head & this.mask) * REC;
    const d = this.data;
    out[0] = d[at]!;
    out[1] = d[at + 1]!;
    out[2] = d[at + 2]!;
    out[3] = d[at + 3]!;
    Atomics.store(this.idx, HEAD, (head + 1) | 0);
    return true;
  }

  /** Records dropped because the journal was full. */
  get lost(): number {
    return Atomics.load(this.idx, LOST);
  }
}
