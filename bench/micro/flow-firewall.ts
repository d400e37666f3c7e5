/**
 * The firewall through the whole packet flow (dataplane/flow.ts), single thread, in memory: 64-byte
 * IPv4/UDP frames from the LAN (ether2) to the Internet (ether1) in vectors of 256, over 10,000 concurrent
 * connections (200 LAN hosts × 50 source ports, 250 servers), every one established before timing starts
 * (its first packet went out and the server's answer came back, de-NATed).
 *
 * Cases ([stateful] targets):
 * - `soho`: the RouterOS v7 default firewall (defconf input and forward chains, without the fasttrack rule) and
 *   masquerade — every packet: conntrack lookup and state, filter forward (accepted by "accept established"),
 *   srcnat rewrite from the stored mapping. Target 3 Mpps.
 * - `soho-fasttrack`: the same with defconf's fasttrack rule: the connections are fasttracked while being
 *   established, so every timed packet takes stages/fasttrack.ts's shortcut. Target 5 Mpps. (The flow's clock
 *   stands still in the bench, so the once-a-second slow-path refresh per connection never happens; live, at
 *   5 Mpps over 10k connections it would be 10k of 5M packets a second.)
 * - `rules1000`: 1,000 forward rules that match none of these packets ahead of an accept (TCP/UDP ports,
 *   /32 sources, another in-interface, as bench/micro/firewall.ts), no NAT. Target 1 Mpps.
 *
 * Between rounds each frame is restored from its template (60 bytes copied within the pool: the flow
 * rewrote MACs, TTL, source address and checksums), included in the rate.
 * `node dist/bench/micro/flow-firewall.js` prints packets/s and `show runtime` per case;
 * `npm run bench flow-firewall` runs them under benchmark.js.
 */
import type { AddBench } from '../harness';
import { nonMatchingRules } from '../gen/firewall-rules';
import { sink } from '../harness';
import { compileBenchConfig, flowRig, timeRounds } from '../flow-harness';
import type { Flow } from '../../dataplane/flow';
import { PacketPool } from '../../dataplane/buf/pool';
import { frame } from '../../pcap/fixture';

const VECTOR = 256;
export const FLOWS = 10_000;
const HOSTS = 200;
const FRAME = 60; // + FCS = 64 bytes on the wire

const R_WAN = '02:00:00:00:01:01';
const R_LAN = '02:00:00:00:02:01';
const GW = '02:00:00:00:01:fe';

export function hostIp(h: number): string {
  return `10.0.1.${10 + h}`;
}
export function hostMac(h: number): string {
  return `02:00:00:01:00:${(10 + h).toString(16).padStart(2, '0')}`;
}

export const BASE = `/interface ethernet
set [ find default-name=ether1 ] mac-address=${R_WAN}
set [ find default-name=ether2 ] mac-address=${R_LAN}
/interface list
add name=WAN
add name=LAN
/interface list member
add interface=ether1 list=WAN
add interface=ether2 list=LAN
/ip address
add address=203.0.113.2/24 interface=ether1
add address=10.0.1.1/24 interface=ether2
/ip route
add dst-address=0.0.0.0/0 gateway=203.0.113.1
/ip arp
add address=203.0.113.1 interface=ether1 mac-address=${GW}
${Array.from({ length: HOSTS }, (_, h) => `add address=${hostIp(h)} interface=ether2 mac-address=${hostMac(h)}`).join('\n')}
`;

/** RouterOS v7 defconf filter (ipsec-policy rules left out: flowplane has no IPsec) and masquerade. */
export function defconf(fasttrack: boolean): string {
  return `/ip firewall filter
add action=accept chain=input connection-state=established,related,untracked
add action=drop chain=input connection-state=invalid
add action=accept chain=input protocol=icmp
add action=accept chain=input dst-address=127.0.0.1
add action=drop chain=input in-interface-list=!LAN
${fasttrack ? 'add action=fasttrack-connection chain=forward connection-state=established,related hw-offload=yes\n' : ''}add action=accept chain=forward connection-state=established,related,untracked
add action=drop chain=forward connection-state=invalid
add action=drop chain=forward connection-nat-state=!dstnat connection-state=new in-interface-list=WAN
/ip firewall nat
add action=masquerade chain=srcnat out-interface-list=WAN
`;
}

/** 1,000 forward rules none of the bench's packets match, then accept. */
export function thousandRules(): string {
  return (
    '/interface ethernet\nset [ find default-name=ether3 ] disabled=no\n' +
    nonMatchingRules(1000, { srcPrefix: '198.18', udpIf: 'ether2', otherIf: 'ether3', otherProto: 'udp' })
  );
}

export type FwCase = 'soho' | 'soho-fasttrack' | 'rules1000';

export interface FwBench {
  flow: Flow;
  round: () => void;
}

/** Build the router, prime 10,000 established connections, and return the timed round. */
export function setup(kind: FwCase): FwBench {
  const gen = compileBenchConfig(BASE + (kind === 'rules1000' ? thousandRules() : defconf(kind === 'soho-fasttrack')));
  if (gen.firewall.problems.length > 0) throw new Error(gen.firewall.problems.map((p) => p.message).join('; '));
  const pool = new PacketPool({ slots: FLOWS + VECTOR * 4, slotSize: 128, headroom: 0 });
  // Templates: one frame per connection in a slot of its own (never fed), copied into the work slots.
  const tmplOff = new Uint32Array(FLOWS);
  const payload = new Uint8Array(FRAME - 42);
  for (let i = 0; i < FLOWS; i++) {
    const h = i % HOSTS;
    const f = frame()
      .eth({ src: hostMac(h), dst: R_LAN })
      .ipv4({ src: hostIp(h), dst: `198.51.100.${1 + (i % 250)}`, id: i, ttl: 64 })
      .udp({ sport: 10000 + Math.floor(i / HOSTS), dport: 5000 })
      .payload(payload)
      .build();
    const s = pool.alloc();
    pool.write(s, f, 0, f.length, 64);
    tmplOff[i] = pool.frameOffset(s);
  }
  const work = new Uint32Array(VECTOR);
  const workOff = new Uint32Array(VECTOR);
  for (let k = 0; k < VECTOR; k++) {
    const s = pool.alloc();
    pool.write(s, new Uint8Array(FRAME), 0, FRAME, 64);
    pool.meta.inPort[s] = 1; // ether2
    work[k] = s;
    workOff[k] = pool.frameOffset(s);
  }
  const b = pool.bytes;
  const rig = flowRig(gen, pool, true, VECTOR);
  const flow = rig.flow;
  const ether1 = gen.portNames.indexOf('ether1');
  const ether2 = gen.portNames.indexOf('ether2');
  let cursor = 0;
  const load = (port: number): void => {
    for (let k = 0; k < VECTOR; k++) {
      const o = tmplOff[cursor]!;
      b.copyWithin(workOff[k]!, o, o + FRAME);
      pool.meta.inPort[work[k]!] = port;
      cursor = cursor + 1 === FLOWS ? 0 : cursor + 1;
    }
  };
  // Priming: every connection's first packet out (masqueraded), then the server's answer back.
  const answers: Uint8Array[] = [];
  const prime = flow.state.transmit;
  flow.state.transmit = (slot) => {
    const f = pool.frameCopy(slot);
    if (f[12] === 0x08 && f[13] === 0x00 && (f[26]! << 24 | f[27]! << 16 | f[28]! << 8 | f[29]!) >>> 0 === 0xcb007102) {
      answers.push(frame().eth({ src: GW, dst: R_WAN }).ipv4({ src: `${f[30]}.${f[31]}.${f[32]}.${f[33]}`, dst: '203.0.113.2', id: 1 }).udp({ sport: 5000, dport: (f[34]! << 8) | f[35]! }).payload(payload).build());
    }
  };
  for (let r = 0; r < FLOWS / VECTOR; r++) {
    load(ether2);
    flow.receive(work, VECTOR);
  }
  if (kind !== 'rules1000') {
    if (answers.length < FLOWS - VECTOR) throw new Error(`priming: only ${answers.length} connections went out`);
    for (let a = 0; a < answers.length; a += VECTOR) {
      const n = Math.min(VECTOR, answers.length - a);
      for (let k = 0; k < n; k++) {
        b.set(answers[a + k]!, workOff[k]!);
        pool.meta.inPort[work[k]!] = ether1;
      }
      flow.receive(work, n);
    }
  }
  flow.state.transmit = prime;
  cursor = 0;
  const round = (): void => {
    load(ether2);
    rig.clearOut();
    flow.receive(work, VECTOR);
    if (rig.outCount() !== VECTOR) throw new Error(`${kind}: only ${rig.outCount()} of ${VECTOR} frames forwarded: ${[...flow.dropCounts()].join(', ')}`);
    sink.n += VECTOR;
  };
  return { flow, round };
}

const TARGETS: Record<FwCase, number> = { soho: 3e6, 'soho-fasttrack': 5e6, rules1000: 1e6 };
const LABELS: Record<FwCase, string> = {
  soho: 'SOHO defconf + masquerade, 10k flows, no FastTrack',
  'soho-fasttrack': 'SOHO defconf + masquerade, 10k flows, FastTrack',
  rules1000: '1,000 non-matching rules then accept, 10k flows',
};

export function register(add: AddBench): void {
  for (const k of ['soho', 'soho-fasttrack', 'rules1000'] as const) {
    const b = setup(k);
    add(`${LABELS[k]}, 64 B frames, vectors of 256`, b.round, VECTOR, 'packets', TARGETS[k]);
  }
}

if (require.main === module) {
  const only = process.argv.slice(2);
  for (const k of ['soho', 'soho-fasttrack', 'rules1000'] as const) {
    if (only.length > 0 && !only.includes(k)) continue;
    const b = setup(k);
    timeRounds(`flow-firewall ${k}: ${LABELS[k]} (target ${TARGETS[k] / 1e6} Mpps)`, b, VECTOR);
  }
}
