/**
 * The firewall rule engine on its own: control/compile/firewall.ts compiles a config's rules, and
 * FwWalker walks them for hand-built field vectors. Verdicts are reasoned from RouterOS's rules (first match
 * acts, non-terminal actions go on, built-in chains accept at the end, user chains return).
 */
import fc from 'fast-check';


import { loadAddressLists, type CompiledFirewall } from '../../../control/compile/firewall';
import { A, CS, M, PF, matcherName, type FwTable } from '../../../dataplane/firewall/rules';
import { FwState } from '../../../dataplane/firewall/match';
import { FwWalker, V, type FwEffects, type FwTracer } from '../../../dataplane/firewall/walk';
import type { AddressLists } from '../../../dataplane/tables/address-list';
import { compileFirewallText, fieldVector, type Pkt } from './helpers';

const IFACES = `/interface ethernet
set [ find default-name=ether1 ] comment=wan
/interface bridge
add name=bridge
/interface list
add name=WAN
add name=LAN
/interface list member
add interface=ether1 list=WAN
add interface=bridge list=LAN
/interface bridge port
add bridge=bridge interface=ether2
add bridge=bridge interface=ether3
`;

const compile = (rules: string) => compileFirewallText(IFACES, rules);

const fields = fieldVector;

class Fx implements FwEffects {
  readonly seen: string[] = [];
  constructor(private readonly t: FwTable) {}
  effect(rule: number, action: number): void {
    this.seen.push(`${this.t.ids[rule]} ${action === A.LOG ? 'log' : action}`);
  }
}

function walker(fw: CompiledFirewall, table: 'filter' | 'mangle' | 'raw' | 'nat') {
  const t = fw[table];
  return { t, w: new FwWalker(t, new FwState(t), fw.ifLists, fw.ifCount) };
}

/** Walk and say "<verdict> by <comment or id>". */
function decide(fw: CompiledFirewall, table: 'filter' | 'mangle' | 'raw' | 'nat', chain: string, f: Int32Array, lists: AddressLists | null = null, now = 0): string {
  const { t, w } = walker(fw, table);
  const v = w.walk(t.chainNames.indexOf(chain), f, lists, now, new Fx(t), null);
  const who = w.rule < 0 ? 'chain end' : t.comments[w.rule] || t.ids[w.rule];
  return `${['accept', 'drop', 'reject', 'tarpit', 'nat'][v]} by ${who}`;
}

// The RouterOS v7 default firewall (defconf), as `/export` prints it.
const DEFCONF = `/ip firewall filter
add action=accept chain=input comment="defconf: accept established,related,untracked" connection-state=established,related,untracked
add action=drop chain=input comment="defconf: drop invalid" connection-state=invalid
add action=accept chain=input comment="defconf: accept ICMP" protocol=icmp
add action=accept chain=input comment="defconf: accept to local loopback (for CAPsMAN)" dst-address=127.0.0.1
add action=drop chain=input comment="defconf: drop all not coming from LAN" in-interface-list=!LAN
add action=accept chain=forward comment="defconf: accept in ipsec policy" disabled=yes
add action=fasttrack-connection chain=forward comment="defconf: fasttrack" connection-state=established,related hw-offload=yes
add action=accept chain=forward comment="defconf: accept established,related, untracked" connection-state=established,related,untracked
add action=drop chain=forward comment="defconf: drop invalid" connection-state=invalid
add action=drop chain=forward comment="defconf: drop all from WAN not DSTNATed" connection-nat-state=!dstnat connection-state=new in-interface-list=WAN
/ip firewall nat
add action=masquerade chain=srcnat comment="defconf: masquerade" out-interface-list=WAN
`;

describe('the RouterOS default firewall', () => {
  const { fw, ifIndex } = compile(DEFCONF);
  const wan = ifIndex('ether1');
  const lan = ifIndex('bridge');

  test('compiles without problems; the disabled rule is left out', () => {
    expect(fw.problems).toEqual([]);
    expect(fw.filter.n).toBe(9);
    expect(fw.filter.chainNames.slice(0, 3)).toEqual(['input', 'forward', 'output']);
  });

  test('input: established accepted, invalid dropped, ICMP accepted, new from WAN dropped, new from LAN accepted by the chain end', () => {
    expect(decide(fw, 'filter', 'input', fields({ inIf: wan, state: CS.ESTABLISHED }))).toBe('accept by defconf: accept established,related,untracked');
    expect(decide(fw, 'filter', 'input', fields({ inIf: wan, state: CS.INVALID }))).toBe('drop by defconf: drop invalid');
    expect(decide(fw, 'filter', 'input', fields({ inIf: wan, proto: 1, icmp: [8, 0] }))).toBe('accept by defconf: accept ICMP');
    expect(decide(fw, 'filter', 'input', fields({ inIf: wan, dport: 22 }))).toBe('drop by defconf: drop all not coming from LAN');
    expect(decide(fw, 'filter', 'input', fields({ inIf: lan, dport: 22 }))).toBe('accept by chain end');
  });

  test('forward: established is fasttracked (effect) and accepted by the next rule; new from WAN not dst-natted dropped', () => {
    const { t, w } = walker(fw, 'filter');
    const fx = new Fx(t);
    const v = w.walk(1, fields({ inIf: wan, outIf: lan, state: CS.ESTABLISHED }), null, 0, fx, null);
    expect(v).toBe(V.ACCEPT);
    expect(t.comments[w.rule]).toBe('defconf: accept established,related, untracked');
    expect(fx.seen).toEqual([`${t.ids[w.rule - 1]} ${A.FASTTRACK}`]);
    expect(decide(fw, 'filter', 'forward', fields({ inIf: wan, outIf: lan }))).toBe('drop by defconf: drop all from WAN not DSTNATed');
    const dnat = fields({ inIf: wan, outIf: lan });
    dnat[PF.CNAT] = 2; // dstnat
    expect(decide(fw, 'filter', 'forward', dnat)).toBe('accept by chain end');
    expect(decide(fw, 'filter', 'forward', fields({ inIf: lan, outIf: wan }))).toBe('accept by chain end');
  });

  test('srcnat: masquerade for packets out the WAN list only', () => {
    expect(decide(fw, 'nat', 'srcnat', fields({ inIf: lan, outIf: wan }))).toBe('nat by defconf: masquerade');
    expect(decide(fw, 'nat', 'srcnat', fields({ inIf: wan, outIf: lan }))).toBe('accept by chain end');
  });

  test('counters count matched packets and their bytes', () => {
    const { t, w } = walker(fw, 'filter');
    for (let k = 0; k < 3; k++) w.walk(0, fields({ inIf: wan, state: CS.ESTABLISHED, size: 100 }), null, 0, new Fx(t), null);
    expect(w.s.packets[0]).toBe(3);
    expect(w.s.bytes[0]).toBe(300);
    expect(w.s.packets[1]).toBe(0);
  });
});

describe('chains and actions', () => {
  test('jump into a user chain, return from it, fall off it back into the caller', () => {
    const { fw } = compile(`/ip firewall filter
add chain=forward action=jump jump-target=tcp-checks protocol=tcp comment=to-checks
add chain=forward action=drop comment=after-checks dst-port=23 protocol=tcp
add chain=tcp-checks action=return comment=ret-ssh dst-port=22 protocol=tcp
add chain=tcp-checks action=drop comment=drop-telnet-early dst-port=2323 protocol=tcp
`);
    expect(decide(fw, 'filter', 'forward', fields({ dport: 22 }))).toBe('accept by chain end');
    expect(decide(fw, 'filter', 'forward', fields({ dport: 2323 }))).toBe('drop by drop-telnet-early');
    expect(decide(fw, 'filter', 'forward', fields({ dport: 23 }))).toBe('drop by after-checks');
    expect(decide(fw, 'filter', 'forward', fields({ proto: 17, dport: 23 }))).toBe('accept by chain end');
  });

  test('mangle: mark-packet with passthrough goes on and later rules see the mark; passthrough=no stops the table', () => {
    const { fw } = compile(`/routing table
add name=isp2 fib
/ip firewall mangle
add chain=prerouting action=mark-packet new-packet-mark=web dst-port=80,443 protocol=tcp comment=mark-web
add chain=prerouting action=mark-connection new-connection-mark=webconn packet-mark=web comment=conn-from-mark
add chain=prerouting action=mark-routing new-routing-mark=isp2 passthrough=no src-address=10.0.0.0/24 comment=policy
add chain=prerouting action=mark-packet new-packet-mark=never comment=after-stop
`);
    const { t, w } = walker(fw, 'mangle');
    const f = fields({ dport: 443 });
    expect(w.walk(0, f, null, 0, new Fx(t), null)).toBe(V.ACCEPT);
    expect(t.comments[w.rule]).toBe('policy');
    expect(fw.markNames[f[PF.PMARK]!]).toBe('web');
    expect(fw.markNames[f[PF.CMARK]!]).toBe('webconn');
    expect(f[PF.RMARK]).toBeGreaterThan(0);
    const g = fields({ src: '10.9.9.9', dport: 8080 });
    w.walk(0, g, null, 0, new Fx(t), null);
    expect(fw.markNames[g[PF.PMARK]!]).toBe('never');
  });

  test('address lists: a rule adds the source with a timeout, another matches the list until it expires', () => {
    const { fw } = compile(`/ip firewall address-list
add address=192.0.2.0/24 list=blocked
/ip firewall filter
add chain=input action=drop src-address-list=blocked comment=blocked
add chain=input action=drop src-address-list=knock comment=knocked-twice
add chain=input action=add-src-to-address-list address-list=knock address-list-timeout=10s dst-port=1234 protocol=tcp comment=knock
`);
    const lists = loadAddressLists(fw, 0);
    expect(decide(fw, 'filter', 'input', fields({ src: '192.0.2.77' }), lists)).toBe('drop by blocked');
    expect(decide(fw, 'filter', 'input', fields({ src: '198.51.100.1', dport: 1234 }), lists, 5)).toBe('accept by chain end');
    expect(decide(fw, 'filter', 'input', fields({ src: '198.51.100.1', dport: 80 }), lists, 14.9)).toBe('drop by knocked-twice');
    expect(decide(fw, 'filter', 'input', fields({ src: '198.51.100.1', dport: 80 }), lists, 15)).toBe('accept by chain end');
  });

  test('tcp-flags, icmp-options, packet-size, ttl and negation', () => {
    const { fw } = compile(`/ip firewall filter
add chain=forward action=drop protocol=tcp tcp-flags=syn,!ack comment=syn-only
add chain=forward action=drop protocol=icmp icmp-options=3:0-4 comment=unreach-0-4
add chain=forward action=drop packet-size=1000-1500 comment=big
add chain=forward action=drop ttl=less-than:2 comment=low-ttl
add chain=forward action=drop dst-address=!10.0.0.0/8 protocol=udp comment=udp-outside
`);
    expect(decide(fw, 'filter', 'forward', fields({ flags: 0x02 }))).toBe('drop by syn-only');
    expect(decide(fw, 'filter', 'forward', fields({ flags: 0x12 }))).toBe('accept by chain end');
    expect(decide(fw, 'filter', 'forward', fields({ proto: 1, icmp: [3, 4] }))).toBe('drop by unreach-0-4');
    expect(decide(fw, 'filter', 'forward', fields({ proto: 1, icmp: [3, 5] }))).toBe('accept by chain end');
    expect(decide(fw, 'filter', 'forward', fields({ size: 1200 }))).toBe('drop by big');
    expect(decide(fw, 'filter', 'forward', fields({ ttl: 1 }))).toBe('drop by low-ttl');
    expect(decide(fw, 'filter', 'forward', fields({ proto: 17, dst: '8.8.8.8' }))).toBe('drop by udp-outside');
    expect(decide(fw, 'filter', 'forward', fields({ proto: 17, dst: '10.1.1.1' }))).toBe('accept by chain end');
  });

  test('nth and limit are deterministic: nth=3,2 takes the 2nd of every 3; limit passes the burst then the rate', () => {
    const { fw } = compile(`/ip firewall filter
add chain=forward action=drop nth=3,2 protocol=udp comment=nth
add chain=forward action=accept limit=10,5:packet protocol=tcp comment=limited
add chain=forward action=drop protocol=tcp comment=over
`);
    const { t, w } = walker(fw, 'filter');
    const run = (p: Pkt, now: number) => {
      w.walk(1, fields(p), null, now, new Fx(t), null);
      return t.comments[w.rule] || 'end';
    };
    expect([1, 2, 3, 4, 5, 6].map(() => run({ proto: 17 }, 0))).toEqual(['end', 'nth', 'end', 'end', 'nth', 'end']);
    // 5 packets at t=0 use the burst; the 6th is over; 0.1 s later one token (10/s) has come back.
    expect([0, 0, 0, 0, 0, 0].map((tm) => run({}, tm))).toEqual(['limited', 'limited', 'limited', 'limited', 'limited', 'over']);
    expect(run({}, 0.1)).toBe('limited');
    expect(run({}, 0.1)).toBe('over');
  });

  test('a matcher that is not evaluated yet is reported and its rule never matches', () => {
    const { fw } = compile(`/ip firewall filter
add chain=forward action=drop hotspot=auth comment=content-rule
`);
    expect(fw.problems.map((p) => p.message)).toEqual(['hotspot is not evaluated by flowplane yet']);
    expect(decide(fw, 'filter', 'forward', fields({}))).toBe('accept by chain end');
    const { t, w } = walker(fw, 'filter');
    const seen: string[] = [];
    const tr: FwTracer = { rule: (r, failed) => seen.push(`${t.comments[r]} ${failed ? matcherName(failed) : 'matched'}`) };
    w.walk(1, fields({}), null, 0, new Fx(t), tr);
    expect(seen).toEqual(['content-rule unsupported matcher']);
    expect(M.UNSUPPORTED).toBeGreaterThan(0);
  });
});

describe('the bit-vector classifier', () => {
  test('a long chain of non-matching rules gets a classifier over the fields its rules restrict', () => {
    const rules = Array.from({ length: 100 }, (_, k) => `add chain=forward action=drop protocol=tcp dst-port=${1000 + k} comment=r${k}`).join('\n');
    const { fw } = compile(`/ip firewall filter\n${rules}\nadd chain=forward action=accept comment=last\n`);
    const ix = fw.filter.chainIndex[1]!;
    expect(ix).not.toBeNull();
    expect(ix.words).toBe(4);
    expect(decide(fw, 'filter', 'forward', fields({ dport: 1050 }))).toBe('drop by r50');
    expect(decide(fw, 'filter', 'forward', fields({ dport: 80 }))).toBe('accept by last');
  });

  test('property: walking with the classifier decides exactly as testing every rule in order', () => {
    const ruleArb = fc.record({
      proto: fc.constantFrom(undefined, 'tcp', 'udp', '!tcp', 'icmp'),
      src: fc.constantFrom(undefined, '10.0.0.0/8', '10.1.0.0/16', '!10.0.0.0/8', '10.0.0.5', '10.0.0.1-10.0.0.9'),
      dst: fc.constantFrom(undefined, '8.8.8.8', '8.8.0.0/16', '!8.8.8.8'),
      dport: fc.constantFrom(undefined, '53', '80,443', '1000-2000', '!53'),
      inList: fc.constantFrom(undefined, 'WAN', '!WAN', 'LAN'),
      action: fc.constantFrom('accept', 'drop', 'passthrough', 'jump'),
    });
    const pktArb = fc.record({
      proto: fc.constantFrom(6, 17, 1),
      src: fc.constantFrom('10.0.0.1', '10.0.0.5', '10.1.2.3', '192.168.1.1'),
      dst: fc.constantFrom('8.8.8.8', '8.8.4.4', '1.1.1.1'),
      dport: fc.constantFrom(53, 80, 443, 1500, 9999),
      inIf: fc.constantFrom('ether1', 'bridge', 'ether2'),
    });
    fc.assert(
      fc.property(fc.array(ruleArb, { minLength: 16, maxLength: 60 }), fc.array(pktArb, { minLength: 10, maxLength: 10 }), (rs, pkts) => {
        const lines = rs.map((r, k) => {
          const parts = [`chain=${k % 5 === 4 ? 'sub' : 'forward'}`, `comment=r${k}`];
          const proto = r.dport !== undefined ? (r.proto === 'udp' ? 'udp' : 'tcp') : r.proto;
          if (proto !== undefined) parts.push(`protocol=${proto}`);
          if (r.src !== undefined) parts.push(`src-address=${r.src}`);
          if (r.dst !== undefined) parts.push(`dst-address=${r.dst}`);
          if (r.dport !== undefined) parts.push(`dst-port=${r.dport}`);
          if (r.inList !== undefined) parts.push(`in-interface-list=${r.inList}`);
          parts.push(r.action === 'jump' ? 'action=jump jump-target=sub' : `action=${r.action}`);
          return `add ${parts.join(' ')}`;
        });
        const { fw, ifIndex } = compile(`/ip firewall filter\n${lines.join('\n')}\n`);
        const t = fw.filter;
        const fast = new FwWalker(t, new FwState(t), fw.ifLists, fw.ifCount);
        const slow = new FwWalker(t, new FwState(t), fw.ifLists, fw.ifCount);
        const tr: FwTracer = { rule: () => undefined };
        for (const p of pkts) {
          const f1 = fields({ ...p, inIf: ifIndex(p.inIf), proto: p.proto });
          const f2 = f1.slice();
          const v1 = fast.walk(1, f1, null, 0, new Fx(t), null);
          const v2 = slow.walk(1, f2, null, 0, new Fx(t), tr);
          if (v1 !== v2 || fast.rule !== slow.rule) return false;
        }
        return t.chainIndex[1] !== null || t.chainRules[1]!.length < 16;
      }),
      { numRuns: 120 },
    );
  });
});
