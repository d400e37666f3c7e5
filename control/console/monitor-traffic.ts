/**
 * `/interface monitor-traffic NAME[,NAME...] [once]`: what the console prints and the APIs return for a
 * running router's interface rates (the samples are taken by control/instance/traffic-monitor.ts).
 *
 * The console prints RouterOS's `name: value` form, one column per interface, bits per second in RouterOS
 * units (`0bps`, `960bps`, `10.6kbps`, `1.2Mbps`, `9.4Gbps`); the APIs return plain numbers.
 */

/** Sample columns a rate is computed from (control/instance/traffic-monitor.ts fills them in this order). */
export const Col = { RX_BYTES: 0, TX_BYTES: 1, RX_PACKETS: 2, TX_PACKETS: 3, TX_DROPS: 4, RX_ERRORS: 5, RX_DROPS: 6, COUNT: 7 } as const;

/** The rates, in RouterOS's order; the value is computed from the sample columns. */
export const FIELDS: readonly [string, (d: ArrayLike<number>, s: number) => number][] = [
  ['rx-packets-per-second', (d, s) => d[Col.RX_PACKETS]! / s],
  ['rx-bits-per-second', (d, s) => (d[Col.RX_BYTES]! * 8) / s],
  ['fp-rx-packets-per-second', (d, s) => d[Col.RX_PACKETS]! / s],
  ['fp-rx-bits-per-second', (d, s) => (d[Col.RX_BYTES]! * 8) / s],
  ['rx-drops-per-second', (d, s) => d[Col.RX_DROPS]! / s],
  ['rx-errors-per-second', (d, s) => d[Col.RX_ERRORS]! / s],
  ['tx-packets-per-second', (d, s) => d[Col.TX_PACKETS]! / s],
  ['tx-bits-per-second', (d, s) => (d[Col.TX_BYTES]! * 8) / s],
  ['fp-tx-packets-per-second', (d, s) => d[Col.TX_PACKETS]! / s],
  ['fp-tx-bits-per-second', (d, s) => (d[Col.TX_BYTES]! * 8) / s],
  ['tx-drops-per-second', (d, s) => d[Col.TX_DROPS]! / s],
  ['tx-queue-drops-per-second', () => 0],
  ['tx-errors-per-second', () => 0],
];

export const MONITOR_FIELDS: readonly string[] = FIELDS.map(([n]) => n);

/** One interface's rates: field name → value (whole numbers, as RouterOS rounds them). */
export type TrafficRates = Map<string, number>;

/** What the console and the APIs ask a running router. */
export interface TrafficSource {
  /** Rates of the named interfaces, or the first name that is not one of the router's interfaces. */
  monitor(names: readonly string[]): { ok: true; rows: { name: string; rates: TrafficRates }[] } | { ok: false; unknown: string };
}

/** Bits per second in RouterOS's units: `0bps`, `960bps`, `10.6kbps`, `1.2Mbps`, `9.4Gbps`. */
export function bitsText(bps: number): string {
  const units: [number, string][] = [
    [1e9, 'Gbps'],
    [1e6, 'Mbps'],
    [1e3, 'kbps'],
  ];
  for (const [u, name] of units) if (bps >= u) return `${trim1(bps / u)}${name}`;
  return `${Math.round(bps)}bps`;
}

function trim1(x: number): string {
  const s = x >= 100 ? x.toFixed(0) : x.toFixed(1);
  return s.endsWith('.0') ? s.slice(0, -2) : s;
}

/** The console's `monitor-traffic` text: `name:` rows right-aligned, one column per interface. */
export function monitorText(rows: readonly { name: string; rates: TrafficRates }[]): string {
  const labels = ['name', ...MONITOR_FIELDS];
  const w = Math.max(...labels.map((l) => l.length)) + 1;
  const cell = (field: string, r: { name: string; rates: TrafficRates }): string => {
    if (field === 'name') return r.name;
    const v = r.rates.get(field) ?? 0;
    return field.endsWith('bits-per-second') ? bitsText(v) : String(v);
  };
  const colW = rows.map((r) => Math.max(...labels.map((l) => cell(l, r).length)));
  return labels.map((l) => `${`${l}:`.padStart(w)} ${rows.map((r, i) => cell(l, r).padStart(colW[i]!)).join('  ')}`.trimEnd()).join('\n') + '\n';
}
