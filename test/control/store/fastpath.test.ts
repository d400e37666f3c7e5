/**
 * The loader's fast path (plain text runs line by line, fastpath.ts) must give exactly what one parse of
 * the whole file gives: errors, warnings, statistics and the store, for every corpus file and for
 * generated text exercising the line forms it takes and the ones it hands to the parser.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { INTERFACE_KINDS, menuRegistry } from '../../../control/menus/registry';
import { isPlain } from '../../../control/store/fastpath';
import { loadConfig } from '../../../control/store/load';
import { ConfigStore } from '../../../control/store/store';
import { CORPUS_RSC } from '../../corpus-path';

const CORPUS = CORPUS_RSC;

function both(text: string, file = 't.rsc') {
  const mk = () => new ConfigStore(menuRegistry().specs, { sharedIds: [INTERFACE_KINDS], ethernetPorts: 8 });
  const a = mk();
  const b = mk();
  const fast = loadConfig(a, text, file, { fastPath: true });
  const slow = loadConfig(b, text, file, { fastPath: false });
  const snap = (s: ConfigStore) => [[...s.tables].map(([k, t]) => [k, t.items.map((i) => [i.id, [...i.values], i.origin, i.propOrigins ? [...i.propOrigins] : null])]), s.unsupported];
  return { fast, slow, fastStore: snap(a), slowStore: snap(b) };
}

test.each(fs.readdirSync(CORPUS).filter((f) => f.endsWith('.rsc')).sort())('%s: fast path = full parse', (f) => {
  const r = both(fs.readFileSync(path.join(CORPUS, f), 'utf8'), f);
  expect(r.fast.errors).toEqual(r.slow.errors);
  expect(r.fast.warnings).toEqual(r.slow.warnings);
  expect(r.fast.stats).toEqual(r.slow.stats);
  expect(r.fastStore).toEqual(r.slowStore);
});

test('mixed lines: continuations, quotes, unsets, selectors, menu changes, errors, CRLF, UTF-8', () => {
  const text = [
    '# comment \\',
    '/interface bridge',
    'add name=br1 comment="a b  c"',
    'add name=br2 \\',
    '    comment="wrapped"',
    '/interface vlan add name=v1 vlan-id=10 interface=br1',
    'add name=v2 vlan-id=5000 interface=br1',
    '/ip firewall filter',
    'add chain=input action=drop comment="é ü" in-interface-list=!LAN',
    'add chain=forward action=accept log=yes protocol=tcp',
    'set 1 !log protocol=udp',
    'set [ find chain=forward ] comment=x',
    'set numbers=0 disabled=yes',
    'remove 9',
    'add ch=input actoin=drop',
    '/ip firewal',
    '/ip dhcp-server add name=x interface=br1',
    '/system identity set name="r1"',
    '/interface list add name=LAN',
    '',
  ].join('\r\n');
  expect(isPlain(text)).toBe(true);
  const r = both(text);
  expect(r.fast.errors.length).toBeGreaterThan(3);
  expect(r.fast.errors).toEqual(r.slow.errors);
  expect(r.fast.warnings).toEqual(r.slow.warnings);
  expect(r.fast.stats).toEqual(r.slow.stats);
  const ok = both(text.split('\r\n').filter((l) => !/5000|remove 9|actoin|firewal$/.test(l)).join('\n'));
  expect(ok.fast.errors).toEqual([]);
  expect(ok.slow.errors).toEqual([]);
  expect(ok.fastStore).toEqual(ok.slowStore);
});

test('/quit ends the load in both paths', () => {
  const r = both('/interface bridge add name=a\n/quit\n/interface bridge add name=b\n');
  expect(r.fast.stats).toEqual({ file: 't.rsc', commands: 1, accepted: 1, warned: 0, errored: 0 });
  expect(r.fast.stats).toEqual(r.slow.stats);
  expect(r.fastStore).toEqual(r.slowStore);
});

test('scripting (blocks, :commands) is never plain', () => {
  expect(isPlain(':local x 1\n/ip address print\n')).toBe(false);
  expect(isPlain('/ip address { add address=1.1.1.1/24 interface=ether1 }\n')).toBe(false);
  expect(isPlain('/ip address add address=1.1.1.1/24 interface=ether1 comment="a\\\n  :b"\n')).toBe(true);
});

test('mutated corpus files: the fast path still equals the full parse (and never throws)', () => {
  const files = fs.readdirSync(CORPUS).filter((f) => f.endsWith('.rsc')).map((f) => fs.readFileSync(path.join(CORPUS, f), 'utf8'));
  let seed = 20251122;
  const rnd = (n: number) => {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    return seed % n;
  };
  const alphabet = ' =!"[]$\\\n/ab0.*,:;{}()#-\r\té';
  for (let it = 0; it < 300; it++) {
    let t = files[rnd(files.length)]!;
    for (let n = 1 + rnd(8); n > 0; n--) {
      const at = rnd(t.length + 1);
      const op = rnd(3);
      if (op === 0) t = t.slice(0, at) + alphabet[rnd(alphabet.length)] + t.slice(at);
      else if (op === 1) t = t.slice(0, at) + t.slice(at + 1 + rnd(5));
      else {
        const b = rnd(t.length + 1);
        t = t.slice(0, at) + t.slice(Math.min(at, b), Math.max(at, b)).slice(0, 200) + t.slice(at);
      }
    }
    const r = both(t);
    expect([r.fast.errors, r.fast.warnings, r.fast.stats]).toEqual([r.slow.errors, r.slow.warnings, r.slow.stats]);
    expect(r.fast.errors.filter((e) => e.message.startsWith('internal'))).toEqual([]);
  }
});
