/**
 * `/interface monitor-traffic`: per-interface rates of a running router, as RouterOS shows them — packets
 * and bits per second received and sent, drops and errors per second — in the console, through the APIs and
 * on SIGUSR1 of `flowplane run`.
 *
 * The live router samples its interface counters (the driver's rx/tx bytes, packets, drops, errors) once a
 * second into a TrafficMonitor; a rate is the difference between the last two samples over their interval,
 * so what is shown is the last whole second, as on RouterOS (which refreshes once a second). Before the
 * second sample every rate is 0. flowplane has no fast path apart from the flow, so the `fp-` rates are the
 * same as the plain ones (RouterOS counts the packets its fast path carried there; UNCONFIRMED which of
 * flowplane's packets a RouterOS user would expect in them: all are shown).
 *
 * The text and the fields are control/console/monitor-traffic.ts's.
 */
import { Col, FIELDS, type TrafficRates } from '../console/monitor-traffic';

export { Col, type TrafficRates, type TrafficSource } from '../console/monitor-traffic';

export class TrafficMonitor {
  private prev = new Map<string, { t: number; v: Float64Array }>();
  private last = new Map<string, { t: number; v: Float64Array }>();

  /** Counters of interface `name` at time `t` (seconds, any monotonic clock). */
  sample(name: string, t: number, values: ArrayLike<number>): void {
    const v = new Float64Array(Col.COUNT);
    for (let i = 0; i < Col.COUNT && i < values.length; i++) v[i] = values[i]!;
    const last = this.last.get(name);
    if (last !== undefined) this.prev.set(name, last);
    this.last.set(name, { t, v });
  }

  /** The rates of the last interval of `name` (all 0 before two samples). */
  rates(name: string): TrafficRates {
    const a = this.prev.get(name);
    const b = this.last.get(name);
    const d = new Float64Array(Col.COUNT);
    let secs = 1;
    if (a !== undefined && b !== undefined && b.t > a.t) {
      secs = b.t - a.t;
      // a counter that went back (a reload rebuilt it) shows 0, not a negative rate
      for (let i = 0; i < Col.COUNT; i++) d[i] = Math.max(0, b.v[i]! - a.v[i]!);
    }
    return new Map(FIELDS.map(([n, f]) => [n, Math.round(f(d, secs))]));
  }
}

