/**
 * Replay port: feeds frames from capture files into packet slots, merged across inputs on the capture
 * clock.
 *
 * Each input is a capture bound to a port (an interface of the router). `fill` takes the earliest pending
 * record among all inputs (ties: input order, then file order, so the merge is deterministic), copies it
 * into a free slot (the one copy: the reader's page buffer → the slot) and sets the metadata a port owns:
 * length, wire length, in-port, link type, timestamp. Parsing is the pipeline's job.
 *
 * A truncated or corrupt capture stops only that input; its error (with the byte offset) is kept in
 * `errors`, and every record before it has been delivered.
 */
import type { PacketPool } from '../buf/pool';
import type { PacketVector } from '../buf/vector';
import { PktFlag } from '../buf/meta';
import { Drop } from '../drop';
import type { CaptureReader, CaptureError } from '../../pcap/reader';

export interface ReplayInput {
  /** Port number the frames arrive on. */
  port: number;
  reader: CaptureReader;
}

export interface ReplayInputError {
  port: number;
  error: CaptureError;
}

export class ReplaySource {
  readonly errors: ReplayInputError[] = [];
  /** Records delivered per input, in input order. */
  readonly delivered: number[];
  private readonly inputs: ReplayInput[];
  /** Whether input i has a pending (read but not delivered) record. */
  private readonly pending: boolean[];
  private live: number;

  constructor(private readonly pool: PacketPool, inputs: ReplayInput[]) {
    this.inputs = inputs;
    this.delivered = inputs.map(() => 0);
    this.pending = inputs.map(() => false);
    this.live = inputs.length;
    for (let i = 0; i < inputs.length; i++) this.advance(i);
  }

  /** True when every input is exhausted. */
  get done(): boolean {
    return this.live === 0;
  }

  /**
   * Append up to the vector's free capacity of frames (fewer if the pool runs out of slots).
   * Returns how many were appended; 0 means the inputs are exhausted or no slot is free.
   */
  fill(vec: PacketVector): number {
    const pool = this.pool;
    const m = pool.meta;
    let n = 0;
    while (!vec.full && this.live > 0) {
      const i = this.earliest();
      if (i < 0) break;
      const slot = pool.alloc();
      if (slot < 0) break;
      const r = this.inputs[i]!.reader;
      const fits = pool.write(slot, r.data, r.dataOffset, r.capLen, r.origLen);
      if (!fits) {
        // Keep the record visible (counted, traced) but carry no bytes.
        m.len[slot] = 0;
        m.wireLen[slot] = r.origLen;
        m.drop[slot] = Drop.FRAME_TOO_LARGE;
      } else if (r.capLen < r.origLen) {
        m.flags[slot] |= PktFlag.SNAPPED;
      }
      m.inPort[slot] = this.inputs[i]!.port;
      m.linkType[slot] = r.linkType;
      m.tsSec[slot] = r.tsSec;
      m.tsNsec[slot] = r.tsNsec;
      vec.push(slot);
      this.delivered[i]!++;
      n++;
      this.advance(i);
    }
    return n;
  }

  private earliest(): number {
    let best = -1;
    let bs = 0;
    let bn = 0;
    for (let i = 0; i < this.inputs.length; i++) {
      if (!this.pending[i]) continue;
      const r = this.inputs[i]!.reader;
      if (best < 0 || r.tsSec < bs || (r.tsSec === bs && r.tsNsec < bn)) {
        best = i;
        bs = r.tsSec;
        bn = r.tsNsec;
      }
    }
    return best;
  }

  private advance(i: number): void {
    const inp = this.inputs[i]!;
    if (inp.reader.next()) {
      this.pending[i] = true;
      return;
    }
    this.pending[i] = false;
    this.live--;
    if (inp.reader.error) this.errors.push({ port: inp.port, error: inp.reader.error });
  }
}
