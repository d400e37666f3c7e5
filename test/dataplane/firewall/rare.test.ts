/**
 * The rare matchers (rules.ts R, behind M.RARE) through the compiler and FwWalker with hand-built field
 * vectors; connection matchers with a real ConnTable and ConnExtra; payload matchers with bytes in FwState.pkt.
 * Expected verdicts are reasoned from ROUTEROS-FLOW.md §2 and the Linux modules named in match.ts.
 */
import fc from 'fast-check';


import { type CompiledFirewall } from '../../../control/compile/firewall';
import { M, PF, R, matcherName } from '../../../dataplane/firewall/rules';
import { FwState, globMatch, timeMatch, findSni } from '../../../dataplane/firewall/match';
import { FwWalker, type FwEffects, type FwTracer } from '../../../dataplane/firewall/walk';
import { ConnTable } from '../../../dataplane/conntrack/table';
import { ConnExtra, l7RegExp } from '../../../dataplane/firewall/conn-extra';
import { KeyTable } from '../../../dataplane/firewall/key-table';
import { clientHello } from './tls-hello';
import { compileFirewallText, fieldVector, ip, type Pkt } from './helpers';

const IFACES = `/interface bridge
add name=bridge
/interface list
add name=WAN
add name=PORTS
/interface list member
add interface=ether1 list=WAN
add interface=ether3 list=PORTS
/interface bridge port
add bridge=bridge interface=ether2
add bridge=bridge interface=ether3
`;

const compile = (rules: string) => compileFirewallText(IFACES, rules);

/** Rare-matcher packets default to a SYN. */
const fields = (p: Pkt): Int32Array => fieldVector({ flags: 0x02, ...p });

const NOFX: FwEffects = { effect: () => undefined };

/** A walker over the filter table's forward chain; `decide` answers the deciding rule's comment or "end". */
function forward(fw: CompiledFirewall, s?: FwState) {
  const t = fw.filter;
  const st = s ?? new FwState(t);
  const w = new FwWalker(t, st, fw.ifLists, fw.ifCount);
  const chain = t.chainNames.indexOf('forward');
  return {
    st,
    w,
    decide(f: Int32Array, now = 0): string {
      w.walk(chain, f, null, now, NOFX, null);
      return w.rule < 0 ? 'end' : t.comments[w.rule]!;
    },
    /** The failed matcher of each rule tested (tracer path). */
    why(f: Int32Array, now = 0): string[] {
      const seen: string[] = [];
      const tr: FwTracer = { rule: (r, failed) => seen.push(`${t.comments[r]}: ${failed === 0 ? 'matched' : matcherName(failed)}`) };
      w.walk(chain, f, null, now, NOFX, tr);
      return seen;
    },
  };
}

describe('header and packet matchers', () => {
  test('tos with and without mask, ipv4-options, priority, ingress-priority, ipsec-policy', () => {
    const { fw } = compile(`/ip firewall filter
add chain=forward action=drop tos=184 comment=ef-tos
add chain=forward action=drop tos=32/224 comment=prec1
add chain=forward action=drop ipv4-options=record-route comment=rr
add chain=forward action=drop ipv4-options=any protocol=udp comment=any-udp
add chain=forward action=drop priority=5 comment=prio5
add chain=forward action=drop ingress-priority=!0 protocol=icmp comment=pcp
add chain=forward action=drop ipsec-policy=in,ipsec comment=never
add chain=forward action=accept ipsec-policy=out,none dst-port=8443 protocol=tcp comment=no-ipsec
`);
    expect(fw.problems).toEqual([]);
    const d = forward(fw);
    expect(d.decide(fields({ tos: 184 }))).toBe('ef-tos');
    expect(d.decide(fields({ tos: 0x3f }))).toBe('prec1'); // 0x3f & 0xe0 = 0x20
    expect(d.decide(fields({ tos: 0x40 }))).toBe('end');
    expect(d.decide(fields({ opts: 1 | 8 }))).toBe('rr');
    expect(d.decide(fields({ opts: 1 | 16, proto: 17 }))).toBe('any-udp');
    expect(d.decide(fields({ opts: 1 | 16 }))).toBe('end');
    expect(d.decide(fields({ prio: 5 }))).toBe('prio5');
    expect(d.decide(fields({ ingress: 3, proto: 1 }))).toBe('pcp');
    expect(d.decide(fields({ ingress: 0, proto: 1 }))).toBe('end');
    expect(d.decide(fields({ dport: 8443 }))).toBe('no-ipsec');
    expect(d.why(fields({ dport: 8443 }))).toEqual([
      'ef-tos: tos',
      'prec1: tos',
      'rr: ipv4-options',
      'any-udp: protocol',
      'prio5: priority',
      'pcp: protocol',
      'never: ipsec-policy',
      'no-ipsec: matched',
    ]);
  });

  test('bridge ports and bridge port lists; a packet without a bridge port only matches negated ones', () => {
    const { fw, ifIndex } = compile(`/ip firewall filter
add chain=forward action=drop in-bridge-port=ether2 comment=from-e2
add chain=forward action=drop in-bridge-port-list=PORTS comment=from-ports
add chain=forward action=accept out-bridge-port=!ether2 comment=not-to-e2
`);
    expect(fw.problems).toEqual([]);
    const d = forward(fw);
    expect(d.decide(fields({ inBport: ifIndex('ether2') }))).toBe('from-e2');
    expect(d.decide(fields({ inBport: ifIndex('ether3') }))).toBe('from-ports');
    expect(d.decide(fields({ outBport: ifIndex('ether2') }))).toBe('end');
    expect(d.decide(fields({}))).toBe('not-to-e2');
  });

  test('time: UTC seconds of the day inclusive, weekdays, windows over midnight', () => {
    // 2023-11-14 (a Tuesday) 22:13:20 UTC.
    const tue = 1_700_000_000;
    expect(new Date(tue * 1000).toISOString()).toBe('2023-11-14T22:13:20.000Z');
    const at = (h: number, m = 0, s = 0) => tue - (22 * 3600 + 13 * 60 + 20) + h * 3600 + m * 60 + s;
    const all = 0x7f;
    expect(timeMatch(8 * 3600, 17 * 3600, all, at(8))).toBe(true);
    expect(timeMatch(8 * 3600, 17 * 3600, all, at(17, 0, 0))).toBe(true);
    expect(timeMatch(8 * 3600, 17 * 3600, all, at(17, 0, 1))).toBe(false);
    expect(timeMatch(8 * 3600, 17 * 3600, 1 << 2, at(12))).toBe(true); // tue
    expect(timeMatch(8 * 3600, 17 * 3600, 1 << 1, at(12))).toBe(false); // mon only
    expect(timeMatch(22 * 3600, 6 * 3600, all, at(23))).toBe(true);
    expect(timeMatch(22 * 3600, 6 * 3600, all, at(3))).toBe(true);
    expect(timeMatch(22 * 3600, 6 * 3600, all, at(12))).toBe(false);
    const { fw } = compile(`/ip firewall filter
add chain=forward action=drop time=8h-17h,mon,tue,wed,thu,fri comment=office-hours
`);
    expect(fw.problems).toEqual([]);
    const d = forward(fw);
    expect(d.decide(fields({}), at(9, 30))).toBe('office-hours');
    expect(d.decide(fields({}), at(18))).toBe('end');
    expect(d.decide(fields({}), at(9, 30) + 4 * 86400)).toBe('end'); // Saturday
  });

  test('bad values are problems and their rules never match', () => {
    const { fw } = compile(`/ip firewall filter
add chain=forward action=drop tos=300 comment=a
add chain=forward action=drop connection-rate=5M-1M protocol=tcp comment=b
add chain=forward action=drop connection-limit=3,40 comment=c
add chain=forward action=drop time=8h-2d comment=d
`);
    expect(fw.problems.map((p) => p.message)).toEqual([
      'tos=300: expected value[/mask], 0..255',
      'connection-rate=5M-1M: from is above to',
      'connection-limit=3,40: expected count,prefix-length (0..32)',
      'time=8h-2d: times are within one day (0s..1d)',
    ]);
    expect(forward(fw).decide(fields({ tos: 300 & 255 }))).toBe('end');
  });
});

describe('payload matchers', () => {
  const text = (s: string) => new TextEncoder().encode(s);

  test('content: a case-sensitive substring of the payload bytes only', () => {
    const { fw } = compile(`/ip firewall filter
add chain=forward action=drop content=youtube.com comment=yt
`);
    const d = forward(fw);
    const bytes = text('xxxxGET / HTTP/1.1\r\nHost: www.youtube.com\r\n\r\n');
    d.st.pkt = bytes;
    expect(d.decide(fields({ payload: [4, bytes.length - 4] }))).toBe('yt');
    expect(d.decide(fields({ payload: [4, 20] }))).toBe('end'); // the name lies beyond this payload
    const upper = text('Host: WWW.YOUTUBE.COM');
    d.st.pkt = upper;
    expect(d.decide(fields({ payload: [0, upper.length] }))).toBe('end');
    expect(d.decide(fields({}))).toBe('end');
  });

  test('tls-host: the SNI of a ClientHello, glob and case-insensitive', () => {
    const hello = clientHello('WWW.YouTube.com');
    const f = fields({ payload: [0, hello.length] });
    findSni(hello, f);
    expect(new TextDecoder().decode(hello.subarray(f[PF.SNI]!, f[PF.SNI]! + f[PF.SNI_LEN]!))).toBe('WWW.YouTube.com');
    const { fw } = compile(`/ip firewall filter
add chain=forward action=drop tls-host=*.youtube.com comment=yt
add chain=forward action=drop tls-host=exact.example comment=exact
`);
    const d = forward(fw);
    d.st.pkt = hello;
    expect(d.decide(fields({ payload: [0, hello.length] }))).toBe('yt');
    const other = clientHello('exact.example');
    d.st.pkt = other;
    expect(d.decide(fields({ payload: [0, other.length] }))).toBe('exact');
    // Cut before the extension: no SNI, no match.
    expect(d.decide(fields({ payload: [0, 60] }))).toBe('end');
    const p = text('*.youtube.com');
    const n = (s: string) => globMatch(text(s), 0, s.length, p, 0, p.length);
    expect([n('a.youtube.com'), n('a.b.youtube.com'), n('youtube.com'), n('a.youtube.com.evil')]).toEqual([true, true, false, false]);
    const q = text('a?c');
    expect(globMatch(text('abc'), 0, 3, q, 0, 3)).toBe(true);
    expect(globMatch(text('abbc'), 0, 4, q, 0, 3)).toBe(false);
  });
});

describe('connection matchers', () => {
  function setup(rules: string, l7: string[] = []) {
    const { fw } = compile(rules);
    const ct = new ConnTable({ maxEntries: 64, matcherColumns: true });
    const lens: number[] = [];
    for (let r = 0; r < fw.filter.n; r++) if (fw.filter.has2[r]! & R.CONN_LIMIT) lens.push(fw.filter.climLen[r]!);
    const x = new ConnExtra(ct, lens, l7.map(l7RegExp));
    ct.listener = x;
    const d = forward(fw);
    d.st.extra = x;
    return { fw, ct, x, d };
  }
  const conn = (ct: ConnTable, src: string, sport: number, confirm = true): number => {
    const id = ct.alloc(ip(src) | 0, ip('8.8.8.8') | 0, (sport << 16) | 443, 6, 0, 100);
    if (confirm) expect(ct.confirm(id)).toBe(true);
    return id;
  };

  test('connection-bytes counts both directions, upper 0 = no limit', () => {
    const { ct, d } = setup(`/ip firewall filter
add chain=forward action=drop connection-bytes=0-999 comment=small
add chain=forward action=drop connection-bytes=2000-0 comment=big
`);
    const id = conn(ct, '10.0.0.1', 1000);
    ct.bytes[id * 2] = 600;
    ct.bytes[id * 2 + 1] = 300;
    expect(d.decide(fields({ ref: id * 2 }))).toBe('small');
    ct.bytes[id * 2 + 1] = 1000;
    expect(d.decide(fields({ ref: id * 2 + 1 }))).toBe('end');
    ct.bytes[id * 2] = 5_000_000;
    expect(d.decide(fields({ ref: id * 2 }))).toBe('big');
    expect(d.decide(fields({}))).toBe('end'); // untracked: connection-bytes never matches
  });

  test('connection-rate: bits in the last whole second, both directions', () => {
    const { ct, x, d } = setup(`/ip firewall filter
add chain=forward action=accept connection-rate=0-100k protocol=tcp comment=slow
add chain=forward action=accept connection-rate=100k-0 protocol=tcp comment=fast
`);
    const id = conn(ct, '10.0.0.1', 1000);
    // Second 10: 20 packets of 1000 bytes (160 kbit) — counted by conntrack, seen by the hook.
    for (let k = 0; k < 20; k++) {
      ct.bytes[id * 2 + (k & 1)] += 1000;
      x.updateRate(id, 1000, 10 + k * 0.04);
    }
    expect(x.rate(id, 10.9)).toBe(0); // the first whole second is still running
    ct.bytes[id * 2] += 100;
    x.updateRate(id, 100, 11.2);
    expect(x.rate(id, 11.2)).toBe(160_000);
    expect(d.decide(fields({ ref: id * 2 }), 11.2)).toBe('fast');
    // Second 11 carried only the 100-byte packet: 800 bit/s in second 12.
    ct.bytes[id * 2] += 100;
    x.updateRate(id, 100, 12.5);
    expect(x.rate(id, 12.5)).toBe(800);
    expect(d.decide(fields({ ref: id * 2 }), 12.5)).toBe('slow');
    // Silence for a whole second: rate 0.
    expect(x.rate(id, 14)).toBe(0);
  });

  test('connection-limit: counts per source block kept on confirm and free; the packet`s own new connection counts', () => {
    const { ct, x, d } = setup(`/ip firewall filter
add chain=forward action=drop connection-limit=3,32 protocol=tcp comment=per-host
add chain=forward action=drop connection-limit=5,24 protocol=tcp comment=per-24
`);
    const ids = [conn(ct, '10.0.0.1', 1), conn(ct, '10.0.0.1', 2), conn(ct, '10.0.0.2', 3)];
    expect(x.connections(ip('10.0.0.1') | 0, 32, ids[0]! * 2)).toBe(2);
    expect(x.connections(ip('10.0.0.9') | 0, 24, -1)).toBe(4);
    const third = conn(ct, '10.0.0.1', 4, false); // unconfirmed: its first packet
    expect(d.decide(fields({ src: '10.0.0.1', ref: third * 2 }))).toBe('end'); // 3 connections: not more than 3
    expect(ct.confirm(third)).toBe(true);
    const fourth = conn(ct, '10.0.0.1', 5, false);
    expect(d.decide(fields({ src: '10.0.0.1', ref: fourth * 2 }))).toBe('per-host'); // 4th > 3
    ct.release(fourth);
    ct.remove(ids[0]!);
    const again = conn(ct, '10.0.0.1', 6, false);
    expect(d.decide(fields({ src: '10.0.0.1', ref: again * 2 }))).toBe('end');
    expect(ct.confirm(again)).toBe(true);
    conn(ct, '10.0.0.3', 7);
    const sixth = conn(ct, '10.0.0.4', 8, false);
    // /24 holds 10.0.0.1 x3, .2, .3 confirmed + this one = 6 > 5.
    expect(d.decide(fields({ src: '10.0.0.4', ref: sixth * 2 }))).toBe('per-24');
    ct.flush();
    expect(x.limitKeys!.size).toBe(0);
  });

  test('layer7: first packets of both directions collected (NULs dropped, lower-cased); a found pattern sticks; nothing after 10 packets', () => {
    const { fw, ct, x, d } = setup(
      `/ip firewall layer7-protocol
add name=http regexp="^(get|post) [\\\\x09-\\\\x0d -~]* http/1"
add name=ssh regexp="^ssh-[12]"
/ip firewall filter
add chain=forward action=drop layer7-protocol=ssh comment=ssh
add chain=forward action=accept layer7-protocol=http comment=http
`,
      ['^(get|post) [\\x09-\\x0d -~]* http/1', '^ssh-[12]'],
    );
    expect(fw.problems).toEqual([]);
    expect(fw.layer7).toEqual(['^(get|post) [\\x09-\\x0d -~]* http/1', '^ssh-[12]']);
    const id = conn(ct, '10.0.0.1', 1000);
    const data = new TextEncoder().encode('G\0ET /index.html HTTP/1.1\r\n');
    const step = (dir: number, payload: Uint8Array) => {
      ct.packets[id * 2 + dir]++;
      x.updateL7(id, payload, 0, payload.length);
    };
    step(0, new Uint8Array(0));
    expect(d.decide(fields({ ref: id * 2 }))).toBe('end');
    step(0, data);
    x.updateL7(id, data, 0, data.length); // the same packet again (another hook): no second append
    expect(x.l7Len[ct.l7Buf[id]!]).toBe(data.length - 1);
    expect(d.decide(fields({ ref: id * 2 }))).toBe('http');
    expect(d.decide(fields({ ref: id * 2 + 1 }))).toBe('http');
    // A connection that says SSH only at its 11th packet is never classified.
    const late = conn(ct, '10.0.0.2', 1001);
    for (let k = 0; k < 10; k++) {
      ct.packets[late * 2]++;
      x.updateL7(late, new Uint8Array([0x20]), 0, 1);
    }
    ct.packets[late * 2]++;
    const ssh = new TextEncoder().encode('SSH-2.0-OpenSSH');
    x.updateL7(late, ssh, 0, ssh.length);
    expect(ct.l7Done[late]).toBe(1);
    expect(ct.l7Buf[late]).toBe(-1);
    expect(d.decide(fields({ ref: late * 2 }))).toBe('end');
    ct.remove(id);
    expect(ct.l7Buf[id]).toBe(-1);
  });
});

describe('stateful rare matchers', () => {
  test('dst-limit: a bucket per flow of the mode, starting full, refilling at the rate, forgotten after expire', () => {
    const { fw } = compile(`/ip firewall filter
add chain=forward action=accept dst-limit=2,3,src-address/10s protocol=tcp comment=ok
add chain=forward action=drop protocol=tcp comment=over
`);
    expect(fw.problems).toEqual([]);
    const d = forward(fw);
    const a = (now: number) => d.decide(fields({ src: '10.0.0.1' }), now);
    const b = (now: number) => d.decide(fields({ src: '10.0.0.2' }), now);
    expect([a(0), a(0), a(0), a(0)]).toEqual(['ok', 'ok', 'ok', 'over']);
    expect(b(0)).toBe('ok'); // its own bucket
    expect([a(0.5), a(0.5)]).toEqual(['ok', 'over']); // 0.5 s at 2/s = one token
    expect([a(20), a(20), a(20), a(20)]).toEqual(['ok', 'ok', 'ok', 'over']); // expired: full again
  });

  test('dst-limit modes key by their fields', () => {
    const { fw } = compile(`/ip firewall filter
add chain=forward action=accept dst-limit=1/1m,1,dst-address-and-port protocol=tcp comment=ok
add chain=forward action=drop comment=over
`);
    const d = forward(fw);
    expect(d.decide(fields({ src: '1.1.1.1', dport: 80 }))).toBe('ok');
    expect(d.decide(fields({ src: '2.2.2.2', dport: 80 }))).toBe('over'); // same dst and port
    expect(d.decide(fields({ src: '2.2.2.2', dport: 81 }))).toBe('ok');
  });

  test('psd=21,3s,3,1: seven privileged ports in a row within 3 s each are a scan; seen ports and ACKs are not', () => {
    const { fw } = compile(`/ip firewall filter
add chain=input action=drop psd=21,3s,3,1 protocol=tcp comment=scan
`);
    expect(fw.problems).toEqual([]);
    const t = fw.filter;
    const w = new FwWalker(t, new FwState(t), fw.ifLists, fw.ifCount);
    const hit = (dport: number, now: number, flags = 0x02, src = '198.51.100.7') => {
      w.walk(0, fields({ src, dport, flags }), null, now, NOFX, null);
      return w.rule >= 0;
    };
    // Weights 3 each: after the 6th port the weight is 18, the 7th makes 21.
    const seq = [21, 22, 23, 25, 53, 80].map((p, k) => hit(p, k * 2));
    expect(seq).toEqual([false, false, false, false, false, false]);
    expect(hit(80, 12)).toBe(false); // a port already seen
    expect(hit(110, 13, 0x10)).toBe(false); // an ACK to a new port
    expect(hit(110, 13)).toBe(true);
    expect(hit(143, 14)).toBe(true); // still scanning: every new port matches
    // Another source, slow: more than 3 s between ports restarts it.
    expect([1, 2, 3, 4, 5, 6, 7, 8].map((k) => hit(1000 + k, k * 4, 0x02, '198.51.100.8'))).toEqual(new Array(8).fill(false));
    // High ports weigh 1: 21 of them are needed.
    const highs = Array.from({ length: 21 }, (_, k) => hit(2000 + k, 100 + k * 0.1, 0x02, '198.51.100.9'));
    expect(highs.indexOf(true)).toBe(20);
  });
});

describe('key table', () => {
  test('insert, find, remove keep every other key findable (backward shift)', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.integer({ min: 0, max: 50 }), fc.boolean()), { maxLength: 300 }), (ops) => {
        const k = new KeyTable(64);
        const ids = new Map<number, number>();
        for (const [key, add] of ops) {
          const id = k.find(key, key * 3, 7);
          if (add && id < 0 && k.size < 64) ids.set(key, k.insert(key, key * 3, 7));
          if (!add && id >= 0) {
            k.remove(id);
            ids.delete(key);
          }
          for (const [kk, v] of ids) if (k.find(kk, kk * 3, 7) !== v) return false;
        }
        return k.size === ids.size;
      }),
      { numRuns: 100 },
    );
  });
});

describe('the bit-vector classifier with rare matchers', () => {
  test('property: classifier walk decides as the plain walk when rules mix rare matchers in', () => {
    const ruleArb = fc.record({
      proto: fc.constantFrom(undefined, 'tcp', 'udp'),
      dst: fc.constantFrom(undefined, '8.8.8.8', '!8.8.0.0/16'),
      dport: fc.constantFrom(undefined, '53', '80,443'),
      rare: fc.constantFrom(undefined, 'tos=16', 'tos=!0', 'priority=3', 'ipv4-options=any', 'ipsec-policy=in,none', 'in-bridge-port=ether2', 'content=abc', 'time=0s-12h'),
      action: fc.constantFrom('accept', 'drop', 'passthrough'),
    });
    const pktArb = fc.record({
      proto: fc.constantFrom(6, 17),
      dst: fc.constantFrom('8.8.8.8', '8.8.4.4', '1.1.1.1'),
      dport: fc.constantFrom(53, 80, 443, 9999),
      tos: fc.constantFrom(0, 16),
      prio: fc.constantFrom(0, 3),
      opts: fc.constantFrom(0, 1),
      inBport: fc.constantFrom(-1, 2),
      payload: fc.boolean(),
      now: fc.integer({ min: 0, max: 86399 }),
    });
    const bytes = new TextEncoder().encode('..abc..');
    fc.assert(
      fc.property(fc.array(ruleArb, { minLength: 16, maxLength: 40 }), fc.array(pktArb, { minLength: 8, maxLength: 8 }), (rs, pkts) => {
        const lines = rs.map((r, k) => {
          const parts = ['chain=forward', `comment=r${k}`, `action=${r.action}`];
          const proto = r.dport !== undefined ? (r.proto ?? 'tcp') : r.proto;
          if (proto !== undefined) parts.push(`protocol=${proto}`);
          if (r.dst !== undefined) parts.push(`dst-address=${r.dst}`);
          if (r.dport !== undefined) parts.push(`dst-port=${r.dport}`);
          if (r.rare !== undefined) parts.push(r.rare);
          return `add ${parts.join(' ')}`;
        });
        const { fw, ifIndex } = compile(`/ip firewall filter\n${lines.join('\n')}\n`);
        if (fw.problems.length > 0) return false;
        const t = fw.filter;
        const s1 = new FwState(t);
        const s2 = new FwState(t);
        s1.pkt = bytes;
        s2.pkt = bytes;
        const fast = new FwWalker(t, s1, fw.ifLists, fw.ifCount);
        const slow = new FwWalker(t, s2, fw.ifLists, fw.ifCount);
        const tr: FwTracer = { rule: () => undefined };
        for (const p of pkts) {
          const f1 = fields({ ...p, inBport: p.inBport < 0 ? -1 : ifIndex('ether2'), payload: p.payload ? [0, bytes.length] : undefined });
          const f2 = f1.slice();
          const v1 = fast.walk(1, f1, null, p.now, NOFX, null);
          const v2 = slow.walk(1, f2, null, p.now, NOFX, tr);
          if (v1 !== v2 || fast.rule !== slow.rule) return false;
        }
        return t.chainIndex[1] !== null;
      }),
      { numRuns: 80 },
    );
  });

  test('a rule without rare matchers does not carry the summary bit', () => {
    const { fw } = compile(`/ip firewall filter
add chain=forward action=drop protocol=tcp dst-port=22
add chain=forward action=drop protocol=tcp tos=4
`);
    expect(fw.filter.has[0]! & M.RARE).toBe(0);
    expect(fw.filter.has[1]! & M.RARE).not.toBe(0);
    expect(fw.filter.has2[1]).toBe(R.TOS);
  });
});
