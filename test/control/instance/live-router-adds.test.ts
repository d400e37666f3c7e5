/**
 * LiveRouter.followChanges: address-list entries added through the API reach the running flow in place
 * (no recompile: the same Flow object keeps running), and match at once; what cannot be added in place
 * (a list the running generation does not know, a removal) is applied whole after the burst delay.
 */
import { frame } from '../../../pcap/fixture';
import { runApiCommand, type ApiUser } from '../../../control/api/commands';
import type { MemPort } from '../../dataplane/ports/mem-port';
import { memRouter, twoPortRouter } from './mem-router';

const CONFIG = `${twoPortRouter()}/ip arp
add address=10.2.0.2 interface=ether2 mac-address=02:00:00:00:22:02
/ip firewall address-list
add list=blocked address=192.0.2.1
/ip firewall filter
add chain=forward src-address-list=blocked action=drop
add chain=forward src-address-list=other action=drop
`;
const USER: ApiUser = { name: 'admin', policies: new Set(['read', 'write']) };
const udpFrom = (src: string) =>
  frame().eth({ src: '02:00:00:00:11:02', dst: '02:00:00:00:01:01' }).ipv4({ src, dst: '10.2.0.2', ttl: 64 }).udp({ sport: 4000, dport: 9 }).payload(new Uint8Array(20)).build();
const sleep = (ms: number) => new Promise<void>((res) => setTimeout(res, ms));

function setup() {
  const { router, live, ports } = memRouter(CONFIG);
  const [p1, p2] = ports as [MemPort, MemPort];
  /** Frames from `src` that reach ether2. */
  const passes = (src: string): number => {
    const before = p2.sent.length;
    for (let i = 0; i < 3; i++) p1.inbox.push(udpFrom(src));
    p1.ready!();
    return p2.sent.length - before;
  };
  const add = (list: string, address: string, extra: [string, string][] = []) => {
    const r = runApiCommand(router, USER, { path: ['ip', 'firewall', 'address-list'], verb: 'add', attrs: [['list', list], ['address', address], ...extra], queries: [] });
    if (!r.ok) throw new Error(r.message);
    return r.ret!;
  };
  return { router, live, passes, add };
}

test('API adds to a known list go into the running flow in place and match at once', () => {
  const { live, passes, add } = setup();
  const off = live.followChanges(50, 20);
  try {
    const flow = live.flow;
    expect(passes('203.0.113.9')).toBe(3);
    for (let k = 0; k < 500; k++) add('blocked', `198.51.${100 + (k >> 8)}.${k & 255}`);
    add('blocked', '203.0.113.0/28');
    add('blocked', '203.0.113.200', [['disabled', 'yes']]);
    expect(live.flow).toBe(flow); // no recompile
    expect(live.addedInPlace).toBe(501);
    expect(passes('198.51.100.255')).toBe(0);
    expect(passes('198.51.101.243')).toBe(0); // the last one added
    expect(passes('198.51.101.244')).toBe(3);
    expect(passes('203.0.113.9')).toBe(0); // inside the /28
    expect(passes('203.0.113.200')).toBe(3); // disabled: not in the list
    expect(passes('203.0.113.99')).toBe(3);
  } finally {
    off();
    live.driver.stop();
  }
});

test('what cannot go in place is applied whole after the burst; the export is taken again once adds pause', async () => {
  const { router, live, passes, add } = setup();
  const off = live.followChanges(10, 20);
  try {
    const flow = live.flow;
    add('newlist', '203.0.113.5'); // a list the running generation does not know: recompiled
    expect(live.flow).toBe(flow);
    await sleep(40);
    expect(live.flow).not.toBe(flow);
    expect(live.addedInPlace).toBe(0);
    const flow2 = live.flow;
    const id = add('other', '203.0.113.6'); // known (a rule names it): in place
    expect(live.flow).toBe(flow2);
    expect(passes('203.0.113.6')).toBe(0);
    await sleep(40); // adds paused: what runs is known again, so nothing is recompiled without a change
    live.applyIfChanged('test');
    expect(live.flow).toBe(flow2);
    runApiCommand(router, USER, { path: ['ip', 'firewall', 'address-list'], verb: 'set', attrs: [['.id', id], ['comment', 'x']], queries: [] });
    await sleep(40);
    const flow3 = live.flow;
    expect(flow3).not.toBe(flow2); // a real change (comment) is applied whole
    runApiCommand(router, USER, { path: ['ip', 'firewall', 'address-list'], verb: 'remove', attrs: [['.id', id]], queries: [] });
    await sleep(40);
    expect(live.flow).not.toBe(flow3);
    expect(passes('203.0.113.6')).toBe(3);
  } finally {
    off();
    live.driver.stop();
  }
});
