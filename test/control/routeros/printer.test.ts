import fc from 'fast-check';
import { listCommands } from '../../../control/routeros/ast';
import { parseScript } from '../../../control/routeros/parser';
import { printCommand, quoteValue, wrapExportLine } from '../../../control/routeros/printer';
import { EXPORT_WRAPPED, continuationGroups, readCorpus } from './corpus';
import { commandSpec, meaning, normalize, spellCommand } from './gen';

function parseOne(text: string) {
  const s = parseScript(text);
  expect(s.errors.map(String)).toEqual([]);
  const c = listCommands(s.statements);
  expect(c).toHaveLength(1);
  return c[0]!;
}

describe('quoteValue', () => {
  test.each([
    ['ether1', 'ether1'],
    ['!LAN', '!LAN'],
    ['10.0.0.0/8', '10.0.0.0/8'],
    ['established,related', 'established,related'],
    ['4C:5E:0C:33:B0:56', '4C:5E:0C:33:B0:56'],
    ['', '""'],
    ['defconf: accept ICMP', '"defconf: accept ICMP"'],
    ['# Block "Layer-7"', '"# Block \\"Layer-7\\""'],
    ['^.+(youtube.com).*$ ', '"^.+(youtube.com).*\\$ "'],
    ['a?b', '"a\\?b"'],
    ['back\\slash', '"back\\\\slash"'],
    ['line\nbreak\ttab\r', '"line\\nbreak\\ttab\\r"'],
    ['\x01\x7f', '"\\01\\7F"'],
    ['a=b', '"a=b"'],
    ["'quoted'", '"\'quoted\'"'],
    ['Voz → DMZ', '"Voz → DMZ"'],
  ])('%j -> %s', (text, printed) => {
    expect(quoteValue(text)).toBe(printed);
  });

  test('asciiOnly escapes UTF-8 bytes as RouterOS /export does', () => {
    expect(quoteValue('tráfico', { asciiOnly: true })).toBe('"tr\\C3\\A1fico"');
  });
});

describe('printCommand', () => {
  test('export-style selector, unsets, computed values kept as written', () => {
    const c = parseOne('/interface ethernet\nset [ find default-name=ether1 ] !comment name="WAN 1" mtu=$m');
    expect(printCommand(c)).toBe('/interface ethernet set [ find default-name=ether1 ] !comment name="WAN 1" mtu=$m');
  });

  test('where selectors, absolute finds, positional args, empty values', () => {
    expect(printCommand(parseOne('/ip address print detail where interface="ether1" && !disabled'))).toBe(
      '/ip address print detail where interface="ether1" && !disabled',
    );
    expect(printCommand(parseOne('/ip route set [/ip address find interface=x] comment='))).toBe('/ip route set [ /ip address find interface=x ] comment=""');
    expect(printCommand(parseOne('/routing table add name=vpn fib'))).toBe('/routing table add fib name=vpn');
    expect(printCommand(parseOne('/quit'))).toBe('/quit');
  });

  test('a quoted "!x" stays quoted (it is text, not a negation); a quoted "where" item stays quoted', () => {
    expect(printCommand(parseOne('/ip firewall filter add comment="!important"'))).toBe('/ip firewall filter add comment="!important"');
    expect(printCommand(parseOne('/interface set "where" mtu=1500'))).toBe('/interface set "where" mtu=1500');
    expect(printCommand(parseOne('/interface set "!x" mtu=1500'))).toBe('/interface set "!x" mtu=1500');
  });

  test('property: parse(print(parse(x))) == parse(x), and parse(x) means what was written', () => {
    fc.assert(
      fc.property(commandSpec, fc.integer(), (spec, seed) => {
        const src = spellCommand(spec, seed);
        const s1 = parseScript(src);
        expect(s1.errors.map(String)).toEqual([]);
        const c1 = listCommands(s1.statements);
        expect(c1).toHaveLength(1);
        expect(meaning(c1[0]!)).toEqual(spec);
        const printed = printCommand(c1[0]!);
        const s2 = parseScript(printed);
        expect(s2.errors.map(String)).toEqual([]);
        const c2 = listCommands(s2.statements);
        expect(normalize(c2)).toEqual(normalize(c1));
      }),
      { numRuns: 1500 },
    );
  });

  test('property: printing the corpus commands round-trips', () => {
    for (const name of EXPORT_WRAPPED) {
      for (const c of listCommands(parseScript(readCorpus(name)).statements)) {
        const again = listCommands(parseScript(printCommand(c)).statements);
        expect(normalize(again)).toEqual(normalize([c]));
      }
    }
  });
});

describe('wrapExportLine', () => {
  test('reproduces the 80-column wrapping of every RouterOS-exported line in the corpus', () => {
    let n = 0;
    for (const name of EXPORT_WRAPPED) {
      for (const g of continuationGroups(readCorpus(name))) {
        expect({ name, line: g.line, wrapped: wrapExportLine(g.logical) }).toEqual({ name, line: g.line, wrapped: g.physical.join('\n') });
        n++;
      }
    }
    expect(n).toBe(142);
  });

  test('short lines, comments and menu lines are left alone', () => {
    expect(wrapExportLine('add name=x')).toBe('add name=x');
    const long = `# ${'x'.repeat(100)}`;
    expect(wrapExportLine(long)).toBe(long);
  });

  test('a value longer than a line is cut mid-string, never before a quoted blank or inside an escape', () => {
    const line = `add comment="${'a'.repeat(70)}   \\"${'b'.repeat(40)}\\C3\\A1${'c'.repeat(60)}" x=1`;
    const wrapped = wrapExportLine(line);
    for (const l of wrapped.split('\n').slice(1)) expect(l).toMatch(/^ {4}[^ ]/);
    expect(wrapped).not.toMatch(/\\\\\n/);
    const a = parseOne(line);
    const b = parseOne(wrapped);
    expect(normalize(b)).toEqual(normalize(a));
  });

  test('property: wrapped lines stay within 79 columns and parse to the same command', () => {
    fc.assert(
      fc.property(commandSpec, fc.integer(), (spec, seed) => {
        const line = printCommand(parseOne(spellCommand(spec, seed)));
        const wrapped = wrapExportLine(line);
        const lines = wrapped.split('\n');
        for (const l of lines) expect([...l].length).toBeLessThanOrEqual(79);
        for (const l of lines.slice(0, -1)) expect(l.endsWith('\\')).toBe(true);
        expect(normalize(parseOne(wrapped))).toEqual(normalize(parseOne(line)));
      }),
      { numRuns: 1500 },
    );
  });
});
