/**
 * `/interface monitor-traffic`: rates from two samples of the counters, RouterOS's bit units, the console's
 * column text, and the same through the binary API's command layer; without a dataplane, a plain answer.
 */
import { TrafficMonitor, Col } from '../../../control/instance/traffic-monitor';
import { bitsText, MONITOR_FIELDS, type TrafficSource } from '../../../control/console/monitor-traffic';
import { Console, runConsole } from '../../../control/console/console';
import { PassThrough } from 'node:stream';
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
    const again = con.execute('monitor-traffic ether1');
    expect(again.text).toMatch(/rx-packets-per-second: +12/);
    // without once it keeps showing (the terminal redraws from refresh); once is one sample
    expect(again.refresh?.()).toBe(again.text);
    expect(con.execute('monitor-traffic ether1 once').refresh).toBeUndefined();
  });

  test('on a terminal the sample is redrawn every second until a key is pressed; piped, printed once', async () => {
    const router = new RouterInstance();
    let n = 0;
    const m = new TrafficMonitor();
    router.traffic = {
      monitor: (names) => {
        // a new sample per read: 12 more packets each time
        m.sample('ether1', n, sample(0, 0, 12 * n, 0));
        n++;
        return { ok: true, rows: names.map((name) => ({ name, rates: m.rates(name) })) };
      },
    };
    const input = new PassThrough();
    const output = new PassThrough();
    let text = '';
    output.on('data', (d: Buffer) => (text += d.toString()));
    const done = runConsole(router, input, output, { terminal: true });
    input.write('/interface monitor-traffic ether1\r');
    await new Promise((r) => setTimeout(r, 2300));
    const draws = (text.match(/ rx-packets-per-second:/g) ?? []).length;
    expect(draws).toBeGreaterThanOrEqual(3); // the first sample and at least two redraws
    expect(text).toContain('\x1b[15A'); // back over the 14 lines and the footer
    input.write('q');
    await new Promise((r) => setTimeout(r, 1300));
    expect((text.match(/ rx-packets-per-second:/g) ?? []).length).toBe(draws); // stopped
    input.end();
    await done;
    // piped: one sample, no footer
    let piped = '';
    const out2 = new PassThrough();
    out2.on('data', (d: Buffer) => (piped += d.toString()));
    const in2 = new PassThrough();
    const done2 = runConsole(router, in2, out2, { terminal: false });
    in2.end('/interface monitor-traffic ether1\n');
    await done2;
    expect((piped.match(/ rx-packets-per-second:/g) ?? []).length).toBe(1);
    expect(piped).not.toContain('any key');
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
