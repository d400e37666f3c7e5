/**
 * TraceBuffer beyond the basics graph.test.ts covers: inputs numbered by their driver, router-made packets
 * traced under their cause, phases (`during`), machine-readable step objects.
 */
import { TraceBuffer, traceEvent, TRACE_PORT_STAGE } from '../../dataplane/trace';

const names = { stage: (i: number) => ['ethernet-input', 'arp-resolve', 'interface-tx'][i] ?? `stage ${i}`, port: (i: number) => `ether${i + 1}` };
const RX = traceEvent('rx', (a, _b, n) => `on ${n.port(a)}`); // declared by the flow too: same code, fields known
const REQ = traceEvent('test-trace-request', (a, _b, n) => `sent out ${n.port(a)}`, { a: ['interface', 'interface'] });
const Q = traceEvent('test-trace-queued', (a) => `waiting for ${a}`, { a: ['nextHop', 'ipv4'], b: ['urgent', 'bool'] });
const RAW = traceEvent('test-trace-raw', (a, b) => `${a}/${b}`);
const TX = traceEvent('test-trace-tx', (a, _b, n) => `out ${n.port(a)}`, { a: ['interface', 'interface'] });
const RULE = traceEvent('test-trace-rule', (a) => `rule *${a}`, { a: ['rule', (v) => `*${v.toString(16).toUpperCase()}`] });

test('a packet begun after inputs are numbered is a child of the packet recorded last; phases say when steps happened', () => {
  const t = new TraceBuffer(8);
  t.beginInput(0, 7); // input 7 in slot 0
  t.record(0, 0, RX, 0);
  t.record(0, 1, REQ, 1);
  t.begin(3); // the ARP request it caused, in slot 3
  t.record(0, 1, Q, 0x0a000214);
  t.record(3, 2, TX, 1);
  t.beginInput(1, 8); // input 8 in slot 1
  t.record(1, 0, RX, 1);
  t.record(0, 2, TX, 1); // input 7 released while 8 is processed
  t.begin(4); // caused by input 7 (its step was recorded last): its second child
  t.record(4, 2, TX, 0);
  t.phase(0);
  t.record(1, 2, TX, 0); // input 8 moves on after the last input
  expect(t.format(names).split('\n')).toEqual([
    'packet 7',
    '  ethernet-input: rx on ether1',
    '  arp-resolve: test-trace-request sent out ether2',
    '  arp-resolve: test-trace-queued waiting for 167772692',
    '  [7.1] interface-tx: test-trace-tx out ether2',
    '  interface-tx: test-trace-tx out ether2  (during packet 8)',
    '  [7.2] interface-tx: test-trace-tx out ether1  (during packet 8)',
    'packet 8',
    '  ethernet-input: rx on ether2',
    '  interface-tx: test-trace-tx out ether1  (after the last packet)',
  ]);
  const [p7] = t.packets();
  expect(p7!.steps.map((s) => t.stepObject(7, s, names))).toEqual([
    { stage: 'ethernet-input', event: 'rx', detail: 'on ether1', interface: 'ether1' },
    { stage: 'arp-resolve', event: 'test-trace-request', detail: 'sent out ether2', interface: 'ether2' },
    { stage: 'arp-resolve', event: 'test-trace-queued', detail: 'waiting for 167772692', nextHop: '10.0.2.20', urgent: false },
    { stage: 'interface-tx', event: 'test-trace-tx', detail: 'out ether2', packet: '7.1', interface: 'ether2' },
    { stage: 'interface-tx', event: 'test-trace-tx', detail: 'out ether2', during: 8, interface: 'ether2' },
    { stage: 'interface-tx', event: 'test-trace-tx', detail: 'out ether1', packet: '7.2', during: 8, interface: 'ether1' },
  ]);
});

test('beginChild names the cause explicitly; a child of a child belongs to the same input', () => {
  const t = new TraceBuffer(8);
  t.beginInput(0, 1);
  t.beginInput(1, 2);
  t.record(1, 0, RX, 0); // the last record is input 2's ...
  t.beginChild(5, 0); // ... but this packet is input 1's
  t.beginChild(6, 5); // and this one is made from that one
  t.record(5, 2, TX, 0);
  t.record(6, 2, TX, 1);
  const ps = t.packets();
  expect(ps.map((p) => [p.id, p.steps.map((s) => s.child)])).toEqual([
    [1, [1, 2]],
    [2, [0]],
  ]);
});

test('without beginInput, begin starts packets of their own (serial numbers), as simple drivers expect', () => {
  const t = new TraceBuffer(4);
  t.begin(0);
  t.record(0, 0, RX, 0);
  t.begin(1); // not a child: no driver numbered inputs
  t.record(1, 0, RX, 1);
  expect(t.format(names)).toBe(['packet 1', '  ethernet-input: rx on ether1', 'packet 2', '  ethernet-input: rx on ether2'].join('\n'));
});

test('steps a port records print as stage `port`; events without fields give their raw arguments; function fields', () => {
  const t = new TraceBuffer(2);
  t.beginInput(0, 1);
  t.record(0, TRACE_PORT_STAGE, RAW, 5, -1);
  t.record(0, 1, RULE, 0x1a);
  const steps = t.packets()[0]!.steps;
  expect(t.stepLine(1, steps[0]!, names)).toBe('port: test-trace-raw 5/-1');
  expect(t.stepObject(1, steps[0]!, names)).toEqual({ stage: 'port', event: 'test-trace-raw', detail: '5/-1', a: 5, b: -1 });
  expect(t.stepObject(1, steps[1]!, names)).toEqual({ stage: 'arp-resolve', event: 'test-trace-rule', detail: 'rule *26', rule: '*1A' });
});

test('a full buffer counts what it lost and says so', () => {
  const t = new TraceBuffer(4, 2);
  t.beginInput(0, 1);
  t.record(0, 0, RX, 0);
  t.record(0, 0, RX, 0);
  t.record(0, 1, REQ, 1);
  t.begin(2);
  t.record(2, 2, TX, 0);
  expect(t.count).toBe(2);
  expect(t.lost).toBe(2);
  expect(t.format(names)).toMatch(/\(2 trace records lost: the trace buffer was full\)$/);
});
