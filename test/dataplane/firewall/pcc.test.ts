/**
 * The per-connection-classifier matcher: flowplane's hash (match.ts pccHash, murmur3_32 over the chosen
 * fields) checked against a byte-wise murmur3 reference, the compile of every field name, and the matcher in
 * a rule walk: `both-addresses:2/0` and `:2/1` split packets in two classes, exactly one rule of the pair
 * matches each, and the class is the hash modulo 2 of the fields the rule names.
 */
import { RouterInstance } from '../../../control/instance/router';
import { indexInterfaces } from '../../../control/compile/interfaces';
import { compileFirewall } from '../../../control/compile/firewall';
import { CS, M, PF, PCC_F, R, biasIp, matcherName } from '../../../dataplane/firewall/rules';

/** What matchRule returns when the classifier does not match (a rare matcher: M.RARE | its R bit). */
const PCC_FAIL = M.RARE | R.PCC;
import { ip } from './helpers';
import { FwState, matchRule, pccHash } from '../../../dataplane/firewall/match';

/** murmur3_32 of `bytes` with seed 0, written out byte-wise as the reference algorithm reads its input. */
function murmur3(bytes: number[]): number {
  let h = 0;
  const n = bytes.length;
  for (let i = 0; i + 4 <= n; i += 4) {
    let k = bytes[i]! | (bytes[i + 1]! << 8) | (bytes[i + 2]! << 16) | (bytes[i + 3]! << 24);
    k = Math.imul(k, 0xcc9e2d51);
    k = (k << 15) | (k >>> 17);
    k = Math.imul(k, 0x1b873593);
    h ^= k;
    h = (h << 13) | (h >>> 19);
    h = (Math.imul(h, 5) + 0xe6546b64) | 0;
  }
  h ^= n;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}
/** A 32-bit value as the little-endian bytes murmur3 reads. */
const le = (v: number): number[] => [v & 255, (v >>> 8) & 255, (v >>> 16) & 255, (v >>> 24) & 255];

test('pccHash is murmur3_32 over the chosen fields, in the order src, dst, sport, dport', () => {
  const src = ip('192.168.88.10');
  const dst = ip('198.51.100.7');
  expect(pccHash(PCC_F.SRC_ADDR | PCC_F.DST_ADDR, src, dst, 1234, 80)).toBe(murmur3([...le(src), ...le(dst)]));
  expect(pccHash(PCC_F.SRC_ADDR, src, dst, 1234, 80)).toBe(murmur3(le(src)));
  expect(pccHash(PCC_F.DST_PORT, src, dst, 1234, 80)).toBe(murmur3(le(80)));
  expect(pccHash(15, src, dst, 1234, 80)).toBe(murmur3([...le(src), ...le(dst), ...le(1234), ...le(80)]));
  // a packet without ports hashes 0 for them
  expect(pccHash(PCC_F.SRC_PORT | PCC_F.DST_PORT, src, dst, -1, -1)).toBe(murmur3([...le(0), ...le(0)]));
  // int32 and unsigned forms of an address hash alike
  expect(pccHash(PCC_F.SRC_ADDR, src | 0, 0, 0, 0)).toBe(pccHash(PCC_F.SRC_ADDR, src >>> 0, 0, 0, 0));
  // murmur3 test vector: 4 zero bytes, seed 0
  expect(murmur3([0, 0, 0, 0])).toBe(0x2362f9de);
});

function compile(rules: string) {
  const r = new RouterInstance();
  const res = r.load(rules, 'test.rsc');
  if (!res.ok) throw new Error(res.errors.map((e) => e.message).join('\n'));
  return compileFirewall(r.store, indexInterfaces(r.store));
}

function pkt(src: number, dst: number, sport: number, dport: number): Int32Array {
  const f = new Int32Array(PF.COUNT);
  f[PF.SRC] = biasIp(src);
  f[PF.DST] = biasIp(dst);
  f[PF.PROTO] = 6;
  f[PF.SPORT] = sport;
  f[PF.DPORT] = dport;
  f[PF.IN_IF] = 0;
  f[PF.OUT_IF] = -1;
  f[PF.CSTATE] = CS.NEW;
  return f;
}

test('both-addresses:2/0 and :2/1 split packets by the hash of the two addresses; ports do not matter', () => {
  const fw = compile(`/ip firewall mangle
add chain=prerouting action=mark-connection new-connection-mark=A per-connection-classifier=both-addresses:2/0
add chain=prerouting action=mark-connection new-connection-mark=B per-connection-classifier=both-addresses:2/1
add chain=prerouting action=accept per-connection-classifier=!both-addresses:2/1
`);
  expect(fw.problems).toEqual([]);
  const t = fw.mangle;
  expect(t.has2[0]! & R.PCC).not.toBe(0);
  expect([t.pccFields[0], t.pccDen[0], t.pccRem[0], t.pccRem[1]]).toEqual([3, 2, 0, 1]);
  const s = new FwState(t);
  const none = new Uint8Array(0);
  const classes = [0, 0];
  for (let k = 0; k < 64; k++) {
    const src = ip('192.168.88.0') + k;
    const dst = ip('198.51.100.0') + ((k * 37) & 255);
    const want = pccHash(3, src, dst, 0, 0) % 2;
    classes[want]!++;
    for (const sport of [1000 + k, 40000]) {
      const f = pkt(src, dst, sport, 443);
      expect([matchRule(t, s, 0, f, null, none, 0, 0), matchRule(t, s, 1, f, null, none, 0, 0)]).toEqual(want === 0 ? [0, PCC_FAIL] : [PCC_FAIL, 0]);
      // the negated rule matches exactly the packets of class 0
      expect(matchRule(t, s, 2, f, null, none, 0, 0)).toBe(want === 0 ? 0 : PCC_FAIL);
    }
  }
  // 64 address pairs land in both classes (a hash that ignored its input would put them all in one)
  expect(classes[0]).toBeGreaterThan(10);
  expect(classes[1]).toBeGreaterThan(10);
  expect(matcherName(PCC_FAIL)).toBe('per-connection-classifier');
});

test('every field name compiles to its fields; ports count when the rule names them', () => {
  const names: [string, number][] = [
    ['src-address', 1],
    ['dst-address', 2],
    ['both-addresses', 3],
    ['src-port', 4],
    ['dst-port', 8],
    ['both-ports', 12],
    ['src-address-and-port', 5],
    ['dst-address-and-port', 10],
    ['both-addresses-and-ports', 15],
  ];
  const fw = compile(`/ip firewall mangle\n${names.map(([n]) => `add chain=prerouting action=passthrough per-connection-classifier=${n}:3/2`).join('\n')}\n`);
  expect(fw.problems).toEqual([]);
  names.forEach(([, bits], r) => expect([fw.mangle.pccFields[r], fw.mangle.pccDen[r], fw.mangle.pccRem[r]]).toEqual([bits, 3, 2]));
  // src-port: two packets differing only in source port can fall in different classes, and do as the hash says
  const t = fw.mangle;
  const s = new FwState(t);
  for (let p = 1000; p < 1010; p++) {
    const f = pkt(ip('10.0.0.1'), ip('10.0.0.2'), p, 80);
    expect(matchRule(t, s, 3, f, null, new Uint8Array(0), 0, 0)).toBe(pccHash(4, 0, 0, p, 0) % 3 === 2 ? 0 : PCC_FAIL);
  }
});

test('a remainder not below the denominator is a problem, and that rule never matches', () => {
  const fw = compile(`/ip firewall mangle
add chain=prerouting action=accept per-connection-classifier=both-addresses:2/2
`);
  expect(fw.problems.map((p) => p.message)).toEqual([expect.stringContaining('per-connection-classifier=both-addresses:2/2')]);
  expect(fw.mangle.has[0]! & M.UNSUPPORTED).not.toBe(0);
});
