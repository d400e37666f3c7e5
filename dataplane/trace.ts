/**
 * Packet traces: the steps each traced packet took, stage by stage, in typed-array columns.
 *
 * A port marks a packet for tracing (PktFlag.TRACE) and calls `begin(slot)`, which gives it a serial
 * number. Stages then `record(slot, stage, event, a, b)` the decisions that matter for the packet's fate:
 * the rule or table entry that matched (its id in `a`), rewrites, the next stage, the final fate. Events
 * are small integers declared once with a formatter (`traceEvent`), so recording is a few typed-array
 * stores and printing happens afterwards, off the hot path.
 *
 * When tracing is off the graph passes `trace: null` and stages test that once per vector: nothing else
 * is paid. When the buffer is full, later records are counted in `lost` and not kept (the printout says
 * how many), never an exception.
 */

/** How one event prints, given its two arguments and the names the trace is printed with. */
export type TraceFormatter = (a: number, b: number, names: TraceNames) => string;

/** Names a printed trace needs: stages by index, and whatever the event formatters look up. */
export interface TraceNames {
  stage(i: number): string;
  port(i: number): string;
}

interface EventSpec {
  readonly name: string;
  readonly format: TraceFormatter;
}

const EVENTS: EventSpec[] = [];

/**
 * Declare an event kind once, at module load (it is a constant, like an enum value); returns its code.
 * Declaring the same name twice returns the same code.
 */
export function traceEvent(name: string, format: TraceFormatter): number {
  const i = EVENTS.findIndex((e) => e.name === name);
  if (i >= 0) return i;
  if (EVENTS.length >= 0xffff) throw new Error('too many trace events');
  EVENTS.push({ name, format });
  return EVENTS.length - 1;
}

export function traceEventName(code: number): string {
  return EVENTS[code]?.name ?? `event-${code}`;
}

export class TraceBuffer {
  /** Packet serial of each record. */
  readonly packet: Uint32Array;
  /** Stage index of each record. */
  readonly stage: Uint16Array;
  /** Event code of each record. */
  readonly event: Uint16Array;
  /** Event arguments. */
  readonly a: Int32Array;
  readonly b: Int32Array;
  count = 0;
  /** Records that did not fit. */
  lost = 0;
  /** Serial of the packet now in each slot (index = slot); serials start at 1. */
  private readonly serialOf: Uint32Array;
  private nextSerial = 1;

  constructor(slots: number, capacity = 1 << 16) {
    this.packet = new Uint32Array(capacity);
    this.stage = new Uint16Array(capacity);
    this.event = new Uint16Array(capacity);
    this.a = new Int32Array(capacity);
    this.b = new Int32Array(capacity);
    this.serialOf = new Uint32Array(slots);
  }

  /** A traced packet entered the flow in `slot`: give it the next serial (returned). */
  begin(slot: number): number {
    const s = this.nextSerial++;
    this.serialOf[slot] = s;
    return s;
  }

  /** The serial of the packet in `slot`. */
  serial(slot: number): number {
    return this.serialOf[slot]!;
  }

  record(slot: number, stage: number, event: number, a = 0, b = 0): void {
    const i = this.count;
    if (i === this.packet.length) {
      this.lost++;
      return;
    }
    this.packet[i] = this.serialOf[slot]!;
    this.stage[i] = stage;
    this.event[i] = event;
    this.a[i] = a;
    this.b[i] = b;
    this.count = i + 1;
  }

  clear(): void {
    this.count = 0;
    this.lost = 0;
  }

  /** The trace as text: per packet (in serial order), one line per step `stage: event details`. */
  format(names: TraceNames): string {
    const byPacket = new Map<number, number[]>();
    for (let i = 0; i < this.count; i++) {
      const p = this.packet[i]!;
      let l = byPacket.get(p);
      if (!l) byPacket.set(p, (l = []));
      l.push(i);
    }
    const out: string[] = [];
    for (const p of [...byPacket.keys()].sort((x, y) => x - y)) {
      out.push(`packet ${p}`);
      for (const i of byPacket.get(p)!) {
        const e = EVENTS[this.event[i]!];
        const detail = e ? e.format(this.a[i]!, this.b[i]!, names) : `event ${this.event[i]} ${this.a[i]} ${this.b[i]}`;
        out.push(`  ${names.stage(this.stage[i]!)}: ${e ? e.name : '?'}${detail ? ' ' + detail : ''}`);
      }
    }
    if (this.lost > 0) out.push(`(${this.lost} trace records lost: the trace buffer was full)`);
    return out.join('\n');
  }
}
