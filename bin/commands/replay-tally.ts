/**
 * What a replay counts for its summary, shared by the single-router replay (replay-run.ts) and the MetaRouter
 * lab replay (replay-lab.ts): input frames per interface and how many were malformed (each input is parsed
 * once more here, whatever the flow did with it: a frame dropped early is never parsed there), frames per
 * output, final fates with drops by reason, and each input's last and final fate for the trace file.
 */
import { PacketPool } from '../../dataplane/buf/pool';
import { parseFrame } from '../../dataplane/wire/parse';
import { DROP_NAMES, Drop } from '../../dataplane/drop';
import { Fate } from '../../dataplane/flow';

const list = (m: Iterable<[string, number]>): string => [...m].map(([k, v]) => `${k} ${v}`).join(', ');

export class ReplayTally {
  private readonly perIn = new Map<string, number>();
  /** Frames transmitted by output name. */
  readonly perOut = new Map<string, number>();
  readonly finals = { tx: 0, local: 0, drop: 0 };
  private readonly finalOf = new Map<number, [number, number]>();
  private readonly lastOf = new Map<number, [number, number]>();
  private readonly dropReasons = new Map<string, number>();
  private malformed = 0;
  private readonly malformedReasons = new Map<string, number>();
  private readonly scratch = new PacketPool({ slots: 1 });

  constructor() {
    this.scratch.alloc();
  }

  /** An input frame after its own run: counted on `iface`, its fate so far kept, checked for malformation. */
  input(iface: string, serial: number, fate: number, arg: number, frame: Uint8Array, linkType: number): void {
    this.perIn.set(iface, (this.perIn.get(iface) ?? 0) + 1);
    this.lastOf.set(serial, [fate, arg]);
    const bad = frame.length > 0 ? parseFrame(frame, 0, frame.length, linkType, this.scratch.meta, 0) : Drop.FRAME_TOO_LARGE;
    if (bad !== 0) {
      this.malformed++;
      const k = DROP_NAMES[bad]!;
      this.malformedReasons.set(k, (this.malformedReasons.get(k) ?? 0) + 1);
    }
  }

  /** A frame transmitted out of `name`. */
  output(name: string): void {
    this.perOut.set(name, (this.perOut.get(name) ?? 0) + 1);
  }

  /** A final fate (TX, LOCAL, DROP); a drop is counted under its reason name followed by `where`. */
  final(serial: number, fate: number, arg: number, where = ''): void {
    this.finalOf.set(serial, [fate, arg]);
    if (fate === Fate.TX) this.finals.tx++;
    else if (fate === Fate.LOCAL) this.finals.local++;
    else if (fate === Fate.DROP) {
      this.finals.drop++;
      const k = `${DROP_NAMES[arg] ?? String(arg)}${where}`;
      this.dropReasons.set(k, (this.dropReasons.get(k) ?? 0) + 1);
    }
  }

  /** An input's final fate, else its last one (still waiting), for the trace file. */
  fateOf(serial: number): [number, number] {
    return this.finalOf.get(serial) ?? this.lastOf.get(serial) ?? [Fate.NONE, 0];
  }

  /** Output names in `order`. */
  outputs(order: (a: string, b: string) => number): string[] {
    return [...this.perOut.keys()].sort(order);
  }

  /**
   * The summary's first lines: frames per input interface (`ifaces` in plan order) and malformed ones, fates
   * with drops by reason (most first; ties by name with `tiesByName`, else in the order first seen), and what
   * each output transmitted in `outOrder`. `toWhat` names where LOCAL frames went (`the router`, `a router`).
   */
  headLines(frames: number, ifaces: readonly string[], toWhat: string, outOrder: (a: string, b: string) => number, tiesByName: boolean): string[] {
    const per = ifaces.filter((v, i, a) => a.indexOf(v) === i).map((k) => `${k} ${this.perIn.get(k) ?? 0}`).join(', ');
    const malText = this.malformed ? ` (${list(this.malformedReasons)})` : '';
    const drops = [...this.dropReasons].sort((a, b) => b[1] - a[1] || (tiesByName ? (a[0] < b[0] ? -1 : 1) : 0));
    const dropText = this.finals.drop ? ` (${list(drops)})` : '';
    const outs = list(this.outputs(outOrder).map((k): [string, number] => [k, this.perOut.get(k)!]));
    const f = this.finals;
    const unfinished = frames - f.tx - f.local - f.drop;
    return [
      `${frames} frames (${per}); ${frames - this.malformed} parsed, ${this.malformed} malformed${malText}`,
      `fates: ${f.tx} sent out, ${f.local} delivered to ${toWhat}, ${f.drop} dropped${dropText}` + (unfinished !== 0 ? `, ${unfinished} without a final fate (a bug)` : ''),
      `transmitted: ${outs || 'nothing'}`,
    ];
  }
}
