/**
 * `/interface monitor-traffic`: rates from two samples of the counters, RouterOS's bit units, the console's
 * column text, and the same through the binary API's command layer; without a dataplane, a plain answer.
 */
import { TrafficMonitor, Col } from '../../../control/instance/traffic-monitor';
import { bitsText, MONITOR_FIELDS, type TrafficSource } from '../../../control/console/monitor-traffic';
import { Console } from '../../../control/console/console';
import { RouterInstance } from '../../../control/instance/router';
import { runApiCommand } from '../../../control/api/commands';

const sample = (rxB: number, txB: number, rxP: number, txP: number) => {
  const v = new Float64Array(Col.COUNT);
  v[Col.RX_BYTES] = rxB;
  v[Col.TX_BYTES] = txB;
  v[Col.RX_PACKETS] = rxP;
  v[Col.TX_PACKETS] = txP;
  return v;
};

describe('TrafficMonitor', () => {
  test('rates are the last interval`s differences over its length; zeros before two samples', () => {
    const m = new TrafficMonitor();
    m.sample('ether1', 10, sample(0, 0, 0, 0));
    expect(m.rates('ether1').get('rx-packets-per-second')).toBe(0);
    m.sample('ether1', 12, sample(250_000, 1000, 2000, 10));
    const r = m.rates('ether1');
    expect(r.get('rx-packets-per-second')).toBe(1000);
    expect(r.get('rx-bits-per-second')).toBe(1_000_000);
    expect(r.get('tx-packets-per-second')).toBe(5);
    expect(r.get('fp-rx-packets-per-second')).toBe(1000);
    expect([...r.keys()]).toEqual(MONITOR_FIELDS);
    // counters that went back (rebuilt) show 0, never a negative rate
    m.sample('ether1', 13, sample(0, 0, 0, 0));
    expect(m.rates('ether1').get('rx-bits-per-second')).toBe(0);
  });

  test('bits per second in RouterOS units', () => {
    expect([0, 960, 10_600, 1_234_567, 9_400_000_000, 123_456_789].map(bitsText)).toEqual(['0bps', '960bps', '10.6kbps', '1.2Mbps', '9.4Gbps', '123Mbps']);
  });
});

describe('the console and the API', () => {
  const source = (): TrafficSource => {
    const m = new TrafficMonitor();
    m.sample('ether1', 0, sample(0, 0, 0, 0));
    m.sample('ether1', 1, sample(1325, 0, 12, 0));
    return { monitor: (names) => (names.every((n) => n === 'ether1' || n === 'ether2') ? { ok: true, rows: names.map((name) => ({ name, rates: m.rates(name) })) } : { ok: false, unknown: names.find((n) => n !== 'ether1' && n !== 'ether2')! }) };
  };

  test('console: name-aligned rows, one column per interface; unknown names and no dataplane answered', () => {
    const router = new RouterInstance();
    const con = new Console(router);
    expect(con.execute('/interface monitor-traffic ether1 once').text).toMatch(/^no traffic to monitor/);
    router.traffic = source();
    const text = con.execute('/interface monitor-traffic ether1,ether2 once').text;
    const lines = text.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^ +name: +ether1 +ether2$/);
    expect(lines.some((l) => /^ +rx-packets-per-second: +12 +0$/.test(l))).toBe(true);
    expect(lines.some((l) => /^ +rx-bits-per-second: +10\.6kbps +0bps$/.test(l))).toBe(true);
    // every label ends in the same column
    expect(new Set(lines.map((l) => l.indexOf(':'))).size).toBe(1);
    expect(con.execute('/interface monitor-traffic ether9 once').text).toBe('no such item (ether9)\n');
    con.execute('/interface');
    expect(con.execute('monitor-traffic ether1').text).toMatch(/rx-packets-per-second: +12/);
  });

  test('API: one row per interface with plain numbers; errors as traps', () => {
    const router = new RouterInstance();
    const user = { name: 'admin', policies: new Set(['read', 'write']) };
    const cmd = (attrs: [string, string][]) => runApiCommand(router, user, { path: ['interface'], verb: 'monitor-traffic', attrs, queries: [] });
    expect(cmd([['interface', 'ether1']])).toMatchObject({ ok: false, category: 0 });
    router.traffic = source();
    const r = cmd([
      ['interface', 'ether1'],
      ['once', ''],
    ]);
    expect(r.ok && r.rows.map((x) => [x.get('name'), x.get('rx-packets-per-second'), x.get('rx-bits-per-second')])).toEqual([['ether1', '12', '10600']]);
    expect(cmd([['once', '']])).toMatchObject({ ok: false, category: 1 });
    expect(cmd([['interface', 'ether7']])).toMatchObject({ ok: false, category: 0, message: 'no such item' });
  });
});
