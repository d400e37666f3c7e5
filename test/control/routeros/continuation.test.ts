import fc from 'fast-check';
import { parseScript } from '../../../control/routeros/parser';
import { commandSpec, spellCommand } from './gen';

function strip(x: unknown): unknown {
  return JSON.parse(JSON.stringify(x, (k, v) => (k === 'pos' || k === 'end' ? undefined : v)));
}

/**
 * Indices where a continuation may be inserted without changing the meaning: not before a blank (the
 * continuation line's indentation, and that blank with it, is removed) and not inside an escape sequence.
 */
function splitPoints(line: string): number[] {
  const bad = new Set<number>();
  let quoted = false;
  for (let k = 0; k < line.length; k++) {
    const ch = line[k]!;
    if (quoted && ch === '\\') {
      const len = /^[0-9A-F]{2}/.test(line.slice(k + 1, k + 3)) ? 3 : 2;
      for (let j = k + 1; j < k + len; j++) bad.add(j);
      k += len - 1;
      continue;
    }
    if (ch === '"') quoted = !quoted;
    if (ch === ' ' || ch === '\t') bad.add(k);
    const c = line.charCodeAt(k);
    if (c >= 0xdc00 && c <= 0xdfff) bad.add(k);
  }
  const out: number[] = [];
  for (let k = 1; k <= line.length; k++) if (!bad.has(k)) out.push(k);
  return out;
}

function insertContinuations(line: string, at: readonly number[], breaks: readonly string[]): string {
  const points = [...new Set(at)].sort((a, b) => b - a);
  let s = line;
  points.forEach((p, k) => {
    s = `${s.slice(0, p)}\\${breaks[k % breaks.length]}${s.slice(p)}`;
  });
  return s;
}

describe('line continuation', () => {
  test('an export-wrapped command equals the unsplit one, also when the split is inside a quoted string', () => {
    const one = 'add action=add-src-to-address-list address-list=bl_ssh address-list-timeout=4w2d chain=bl_ssh_chain comment="Transfer repeated attempts from Black List (SSH) Stage 3 to Black List (SSH)." connection-state=new src-address-list=bl_ssh_stage3';
    const wrapped = [
      'add action=add-src-to-address-list address-list=bl_ssh address-list-timeout=\\',
      '    4w2d chain=bl_ssh_chain comment="Transfer repeated attempts from Black Lis\\',
      '    t (SSH) Stage 3 to Black List (SSH)." connection-state=new \\',
      '    src-address-list=bl_ssh_stage3',
    ].join('\r\n');
    const a = parseScript(one);
    const b = parseScript(wrapped);
    expect(a.errors).toEqual([]);
    expect(b.errors).toEqual([]);
    expect(strip(b.statements)).toEqual(strip(a.statements));
  });

  test('continuations inside expressions, substitutions and script blocks', () => {
    const one = ':if ($a = 1 && [:len $b] > 2) do={ :put ("x" . $a) } else={ /ip address add address=1.1.1.1/32 interface=lo }';
    const split = ':if ($a = 1 \\\n  && [:len \\\n $b] > 2) do={ :put ("x" . \\\n$a) } else={ /ip address \\\n add address=1.1.1.1/32 interface=lo }';
    expect(strip(parseScript(split).statements)).toEqual(strip(parseScript(one).statements));
  });

  test('property: any valid split of a generated command parses to the same tree', () => {
    const breaks = fc.array(fc.tuple(fc.constantFrom('\n', '\r\n'), fc.constantFrom('', '    ', '\t', '  \t  ')).map(([nl, ind]) => nl + ind), {
      minLength: 1,
      maxLength: 4,
    });
    fc.assert(
      fc.property(commandSpec, fc.integer(), fc.array(fc.nat(), { maxLength: 8 }), breaks, (spec, seed, picks, brk) => {
        const text = spellCommand(spec, seed);
        const nl = text.indexOf('\n');
        const head = nl < 0 ? '' : text.slice(0, nl + 1);
        const line = nl < 0 ? text : text.slice(nl + 1);
        const points = splitPoints(line);
        const at = picks.map((p) => points[p % points.length]!).filter((p) => p !== undefined);
        const split = head + insertContinuations(line, at, brk);
        const a = parseScript(text);
        const b = parseScript(split);
        expect(b.errors.map(String)).toEqual(a.errors.map(String).map(() => expect.any(String)));
        expect(strip(b.statements)).toEqual(strip(a.statements));
      }),
      { numRuns: 1500 },
    );
  });
});
