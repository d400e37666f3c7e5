/**
 * Packet traces: the steps each traced packet took, stage by stage, in typed-array columns.
 *
 * A port marks a packet for tracing (PktFlag.TRACE) and calls `begin(slot)` (or, for a driver that numbers
 * its inputs itself — the replay — `beginInput(slot, id)`), which gives it a serial number. Stages then
 * `record(slot, stage, event, a, b)` the decisions that matter for the packet's fate: the rule or table entry
 * that matched (its id in `a`), rewrites, the next stage, the final fate. Events are small integers declared
 * once with a formatter and, optionally, the meaning of their two arguments for machine-readable output
 * (`traceEvent`), so recording is a few typed-array stores and printing happens afterwards, off the hot path.
 *
 * Packets the router makes (ARP requests, ICMP errors, flooded copies, fragments) are traced **under the
 * packet that caused them**: once a driver has marked its inputs with `beginInput`, every other `begin(slot)`
 * (FlowState.injectNew, ip4-fragment) starts a *child* of the packet whose step was recorded last — the
 * stages record the cause's step (`arp-request`, `icmp`, `fragmented`...) right before they inject the new
 * packet, so that is its cause. A child is printed inside its root input as `[3.1]` (input 3's first
 * router-made packet). `beginChild(slot, parentSlot)` says the cause explicitly, for code that knows it.
 * A driver calls `phase(id)` when the clock moves on to input `id` (0: after the last input), so steps a
 * packet takes later — a queued packet released by another input's ARP reply — say when they happened.
 *
 * When tracing is off the graph passes `trace: null` and stages test that once per vector: nothing else
 * is paid. When the buffer is full, later records are counted in `lost` and not kept (the printout says
 * how many), never an exception.
 */
import { DROP_NAMES } from './drop';

/** How one event prints, given its two arguments and the names the trace is printed with. */
export type TraceFormatter = (a: number, b: number, names: TraceNames) => string;

/** Names a printed trace needs: stages by index, and whatever the event formatters look up. */
export interface TraceNames {
  stage(i: number): string;
  port(i: number): string;
  /** A firewall rule by table code (dataplane/firewall/events.ts) and rule index: its `.id` and comment. */
  fwRule?(table: number, rule: number): string;
  /** A queue class by scheduler (0 = queue tree global, 1 = simple queues, 2 + port = interface HTB) and class. */
  queueClass?(sched: number, cls: number): string;
  /**
   * Several routers in one trace (a MetaRouter lab, dataplane/lab.ts): the label and names of router `k`
   * (TraceStep.instance). Steps then print `[label] stage: ...` with that router's names.
   */
  instance?(k: number): { label: string; names: TraceNames };
}

/** A JSON value one event argument becomes in machine-readable traces. */
export type TraceFieldValue = string | number | boolean | null;

/**
 * How an event argument reads in machine-readable traces: `int` (as is), `interface` (a port number → its
 * interface name), `ipv4` (dotted quad), `gateway` (dotted quad, 0 → null: on-link), `reason` (a drop reason
 * code → its name), `ethertype` (`0x0800`), `bool` (non-zero), or a function.
 */
export type TraceFieldKind = 'int' | 'interface' | 'ipv4' | 'gateway' | 'reason' | 'ethertype' | 'bool' | ((v: number, names: TraceNames) => TraceFieldValue);

/** The JSON keys (and kinds) of an event's arguments `a` and `b`; an argument left out is not printed. */
export interface TraceFields {
  readonly a?: readonly [string, TraceFieldKind];
  readonly b?: readonly [string, TraceFieldKind];
}

interface EventSpec {
  readonly name: string;
  readonly format: TraceFormatter;
  readonly fields: TraceFields | undefined;
}

const EVENTS: EventSpec[] = [];

/**
 * Machine-readable fields of events declared (in dataplane/stages/state.ts) before `traceEvent` took a
 * `fields` argument. A declaration's own `fields` wins; events in neither print their raw `a` and `b`.
 */
const KNOWN_FIELDS: Record<string, TraceFields> = {
  rx: { a: ['interface', 'interface'] },
  drop: { a: ['reason', 'reason'] },
  route: { a: ['nextHopGroup', 'int'], b: ['gateway', 'gateway'] },
  local: { a: ['nextHopGroup', 'int'] },
  ttl: { a: ['ttl', 'int'] },
  'arp-hit': { a: ['neighbour', 'ipv4'] },
  'arp-queued': { a: ['nextHop', 'ipv4'] },
  'arp-request': { a: ['interface', 'interface'] },
  'arp-reply': { a: ['address', 'ipv4'] },
  'arp-learn': { a: ['address', 'ipv4'] },
  'arp-released': { a: ['address', 'ipv4'] },
  rewrite: { a: ['interface', 'interface'] },
  tx: { a: ['interface', 'interface'] },
  delivered: { a: ['protocol', 'int'], b: ['ethertype', 'ethertype'] },
  icmp: { a: ['type', 'int'], b: ['code', 'int'] },
  'echo-reply': {},
  fragmented: { a: ['fragments', 'int'], b: ['mtu', 'int'] },
  'bridge-learn': { a: ['interface', 'interface'], b: ['learn', (v) => (v === 1 ? 'learned' : v === 2 ? 'moved' : 'refreshed')] },
  'bridge-forward': { a: ['interface', 'interface'] },
  'bridge-flood': { a: ['copies', 'int'], b: ['up', 'bool'] },
  'bridge-copy': { a: ['interface', 'interface'] },
  'bridge-local': { a: ['interface', 'interface'] },
  'vlan-pop': { a: ['interface', 'interface'], b: ['vlanId', 'int'] },
  'vlan-push': { a: ['interface', 'interface'], b: ['vlanId', 'int'] },
};

/**
 * Declare an event kind once, at module load (it is a constant, like an enum value); returns its code.
 * `fields` names its arguments for machine-readable traces (`--trace-format json`). Declaring the same name
 * twice returns the same code (and keeps the first declaration).
 */
export function traceEvent(name: string, format: TraceFormatter, fields?: TraceFields): number {
  const i = EVENTS.findIndex((e) => e.name === name);
  if (i >= 0) return i;
  if (EVENTS.length >= 0xffff) throw new Error('too many trace events');
  EVENTS.push({ name, format, fields: fields ?? KNOWN_FIELDS[name] });
  return EVENTS.length - 1;
}

export function traceEventName(code: number): string {
  return EVENTS[code]?.name ?? `event-${code}`;
}

/**
 * Stage index for steps a port records before the packet enters the graph (e.g. a Linux cooked capture
 * converted to Ethernet at the replay port); prints as `port`.
 */
export const TRACE_PORT_STAGE = 0xffff;

/** One recorded step, as `TraceBuffer.packets()` returns it. */
export interface TraceStep {
  /** Index of the record in the buffer's columns. */
  readonly index: number;
  /** 0: the packet itself; k: its k-th router-made packet (printed `[id.k]`). */
  readonly child: number;
  /**
   * The input being processed when the step was recorded, when that is not this packet (a later input's
   * ARP reply released it; 0: after the last input, while the clock ran on), else -1.
   */
  readonly during: number;
  readonly stage: number;
  readonly event: number;
  readonly a: number;
  readonly b: number;
  /** The router the step happened in (TraceBuffer.instance when it was recorded; 0 with one router). */
  readonly instance: number;
}

export interface TracedPacket {
  /** The input's id (`beginInput`), or the packet's serial for packets started with `begin`. */
  readonly id: number;
  readonly steps: TraceStep[];
}

function grow(a: Uint32Array<ArrayBuffer>, need: number): Uint32Array<ArrayBuffer> {
  if (need < a.length) return a;
  const b = new Uint32Array(Math.max(need + 1, a.length * 2));
  b.set(a);
  return b;
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
  /** The router each record was made in (`instance` at the time). */
  readonly inst: Uint8Array;
  /** The router whose flow is running now: a lab of several flows sets it before running each (0..255). */
  instance = 0;
  count = 0;
  /** Records that did not fit. */
  lost = 0;
  /** Serial of the packet now in each slot (index = slot); serials start at 1. */
  private readonly serialOf: Uint32Array;
  private nextSerial = 1;
  /** Serial of the packet of the last `record` call (kept or lost): the cause of a router-made packet. */
  private lastSerial = 0;
  /** Set once a driver marks inputs with `beginInput`: from then on `begin` starts router-made packets. */
  private inputsMarked = false;
  // Per serial (grown as packets begin; only while tracing): its root's serial, its child number under the
  // root, and (roots) the id it prints with and how many children it has.
  private rootOf = new Uint32Array(64);
  private childNo = new Uint32Array(64);
  private idOf = new Uint32Array(64);
  private children = new Uint32Array(64);
  // Phases: from record index phaseAt[k] on, input phaseId[k] was being processed.
  private phaseAt = new Uint32Array(64);
  private phaseId = new Uint32Array(64);
  private phases = 0;

  constructor(slots: number, capacity = 1 << 16) {
    this.packet = new Uint32Array(capacity);
    this.stage = new Uint16Array(capacity);
    this.event = new Uint16Array(capacity);
    this.a = new Int32Array(capacity);
    this.b = new Int32Array(capacity);
    this.inst = new Uint8Array(capacity);
    this.serialOf = new Uint32Array(slots);
  }

  private newSerial(slot: number, root: number, id: number): number {
    const s = this.nextSerial++;
    if (s >= this.rootOf.length) {
      this.rootOf = grow(this.rootOf, s);
      this.childNo = grow(this.childNo, s);
      this.idOf = grow(this.idOf, s);
      this.children = grow(this.children, s);
    }
    this.serialOf[slot] = s;
    if (root === 0) {
      this.rootOf[s] = s;
      this.childNo[s] = 0;
      this.idOf[s] = id === 0 ? s : id;
    } else {
      this.rootOf[s] = root;
      this.childNo[s] = ++this.children[root]!;
    }
    return s;
  }

  /**
   * A traced packet entered the flow in `slot`: give it the next serial (returned). After `beginInput` has
   * been used, a packet begun this way is a router-made child of the packet recorded last (module comment).
   */
  begin(slot: number): number {
    const cause = this.inputsMarked ? this.lastSerial : 0;
    return this.newSerial(slot, cause === 0 ? 0 : this.rootOf[cause]!, 0);
  }

  /** A router-made packet in `slot`, caused by the (traced) packet in `parentSlot`. */
  beginChild(slot: number, parentSlot: number): number {
    const p = this.serialOf[parentSlot]!;
    return this.newSerial(slot, p === 0 ? 0 : this.rootOf[p]!, 0);
  }

  /**
   * An input packet the driver numbers itself (`id` > 0, e.g. the replay's frame serial) entered in `slot`;
   * also starts its phase (`phase(id)`). Returns the internal serial.
   */
  beginInput(slot: number, id: number): number {
    this.inputsMarked = true;
    this.phase(id);
    return this.newSerial(slot, 0, id);
  }

  /** From now on input `id` is being processed (0: none; after the last input). */
  phase(id: number): void {
    const k = this.phases;
    if (k > 0 && this.phaseId[k - 1] === id) return;
    if (k >= this.phaseAt.length) {
      this.phaseAt = grow(this.phaseAt, k);
      this.phaseId = grow(this.phaseId, k);
    }
    this.phaseAt[k] = this.count;
    this.phaseId[k] = id;
    this.phases = k + 1;
  }

  /** The serial of the packet in `slot`. */
  serial(slot: number): number {
    return this.serialOf[slot]!;
  }

  record(slot: number, stage: number, event: number, a = 0, b = 0): void {
    const s = this.serialOf[slot]!;
    this.lastSerial = s;
    const i = this.count;
    if (i === this.packet.length) {
      this.lost++;
      return;
    }
    this.packet[i] = s;
    this.stage[i] = stage;
    this.event[i] = event;
    this.a[i] = a;
    this.b[i] = b;
    this.inst[i] = this.instance;
    this.count = i + 1;
  }

  clear(): void {
    this.count = 0;
    this.lost = 0;
    this.phases = 0;
  }

  /** The input being processed at record `i` (-1 when no phases were marked). */
  private phaseOf(i: number): number {
    let lo = 0;
    let hi = this.phases - 1;
    if (hi < 0 || this.phaseAt[0]! > i) return -1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.phaseAt[mid]! <= i) lo = mid;
      else hi = mid - 1;
    }
    return this.phaseId[lo]!;
  }

  /** The recorded steps grouped by root packet (inputs, with their router-made children), in id order. */
  packets(): TracedPacket[] {
    const byRoot = new Map<number, TraceStep[]>();
    for (let i = 0; i < this.count; i++) {
      const s = this.packet[i]!;
      const root = this.rootOf[s]! || s;
      const id = this.idOf[root]! || root;
      let l = byRoot.get(id);
      if (!l) byRoot.set(id, (l = []));
      const ph = this.phaseOf(i);
      l.push({
        index: i,
        child: this.childNo[s]!,
        during: ph === -1 || ph === id ? -1 : ph,
        stage: this.stage[i]!,
        event: this.event[i]!,
        a: this.a[i]!,
        b: this.b[i]!,
        instance: this.inst[i]!,
      });
    }
    return [...byRoot.keys()].sort((x, y) => x - y).map((id) => ({ id, steps: byRoot.get(id)! }));
  }

  /** `stage: event details` of one step (no child prefix, no phase suffix). */
  stepText(step: TraceStep, outer: TraceNames): string {
    const inst = outer.instance?.(step.instance);
    const names = inst?.names ?? outer;
    const e = EVENTS[step.event];
    const stage = step.stage === TRACE_PORT_STAGE ? 'port' : names.stage(step.stage);
    const detail = e ? e.format(step.a, step.b, names) : `event ${step.event} ${step.a} ${step.b}`;
    return `${inst !== undefined ? `[${inst.label}] ` : ''}${stage}: ${e ? e.name : '?'}${detail ? ' ' + detail : ''}`;
  }

  /** The step as one text line: `[3.1] stage: event details  (during packet 5)`. */
  stepLine(id: number, step: TraceStep, names: TraceNames): string {
    const who = step.child > 0 ? `[${id}.${step.child}] ` : '';
    const when = step.during < 0 ? '' : step.during === 0 ? '  (after the last packet)' : `  (during packet ${step.during})`;
    return `${who}${this.stepText(step, names)}${when}`;
  }

  /**
   * The step as a JSON-ready object: `stage`, `event`, `detail` (the text), `packet` (`"3.1"` for a
   * router-made packet), `during` (see TraceStep), and the event's named arguments (`traceEvent` fields;
   * raw `a`/`b` for events that declare none).
   */
  stepObject(id: number, step: TraceStep, outer: TraceNames): Record<string, TraceFieldValue> {
    const inst = outer.instance?.(step.instance);
    const names = inst?.names ?? outer;
    const e = EVENTS[step.event];
    const o: Record<string, TraceFieldValue> = {
      ...(inst !== undefined ? { router: inst.label } : {}),
      stage: step.stage === TRACE_PORT_STAGE ? 'port' : names.stage(step.stage),
      event: e ? e.name : `event-${step.event}`,
      detail: e ? e.format(step.a, step.b, names) : '',
    };
    if (step.child > 0) o.packet = `${id}.${step.child}`;
    if (step.during >= 0) o.during = step.during;
    const f = e?.fields;
    if (!f) {
      o.a = step.a;
      o.b = step.b;
      return o;
    }
    if (f.a) o[f.a[0]] = fieldValue(f.a[1], step.a, names);
    if (f.b) o[f.b[0]] = fieldValue(f.b[1], step.b, names);
    return o;
  }

  /**
   * The trace as text: per packet (in id order), one line per step `stage: event details`; steps of the
   * packets the router made because of it are prefixed `[id.k]`, steps taken while a later input was being
   * processed end with `(during packet N)`.
   */
  format(names: TraceNames): string {
    const out: string[] = [];
    for (const p of this.packets()) {
      out.push(`packet ${p.id}`);
      for (const s of p.steps) out.push(`  ${this.stepLine(p.id, s, names)}`);
    }
    if (this.lost > 0) out.push(`(${this.lost} trace records lost: the trace buffer was full)`);
    return out.join('\n');
  }
}

function fieldValue(kind: TraceFieldKind, v: number, names: TraceNames): TraceFieldValue {
  switch (kind) {
    case 'int':
      return v;
    case 'interface':
      return names.port(v);
    case 'ipv4':
      return ipv4(v);
    case 'gateway':
      return v === 0 ? null : ipv4(v);
    case 'reason':
      return DROP_NAMES[v] ?? `reason-${v}`;
    case 'ethertype':
      return `0x${(v & 0xffff).toString(16).padStart(4, '0')}`;
    case 'bool':
      return v !== 0;
    default:
      return kind(v, names);
  }
}

function ipv4(v: number): string {
  return `${(v >>> 24) & 255}.${(v >>> 16) & 255}.${(v >>> 8) & 255}.${v & 255}`;
}
