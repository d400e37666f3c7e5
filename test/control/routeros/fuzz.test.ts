/**
 * The front end never throws and always points errors at real positions, whatever the input:
 * random text, token soup, and mutated corpus files (≥ 20,000 cases in total).
 */
import fc from 'fast-check';
import { listCommands } from '../../../control/routeros/ast';
import type { ConfigError } from '../../../control/routeros/errors';
import { tokenize } from '../../../control/routeros/lexer';
import { parseScript } from '../../../control/routeros/parser';
import { printCommand, wrapExportLine } from '../../../control/routeros/printer';
import { runScript } from '../../../control/routeros/script';
import { corpusFiles, readCorpus } from './corpus';
import { MiniHost } from './mini-host';

const SPECIAL = ['"', '\\', '$', '[', ']', '{', '}', '(', ')', ';', '#', '=', '!', ' ', '\t', '\n', '\r\n', '\r', ':', '/', '.', '-', ',', '?', '~', '&', '|', '<', '>', '*'];

function lineCount(text: string): number {
  return text.split(/\r\n|\n|\r/).length;
}

function checkErrors(text: string, errors: readonly ConfigError[]): void {
  const bytes = Buffer.byteLength(text, 'utf8');
  const lines = lineCount(text);
  for (const e of errors) {
    if (e.message.startsWith('internal')) throw new Error(`${e.toString()}\n--- input ---\n${JSON.stringify(text)}`);
    if (!(e.line >= 1 && e.line <= lines && e.col >= 1 && e.offset >= 0 && e.offset <= bytes)) {
      throw new Error(`bad position ${e.toString()} (offset ${e.offset}) for input ${JSON.stringify(text)}`);
    }
  }
}

/** Everything downstream of the parser must also survive: evaluation, printing, wrapping. */
function exercise(text: string): void {
  const t = tokenize(text);
  checkErrors(text, t.errors);
  const s = parseScript(text, 'fuzz.rsc');
  checkErrors(text, s.errors);
  checkErrors(text, s.warnings);
  const r = runScript(s, new MiniHost(), { maxSteps: 2000 });
  for (const e of r.errors) if (e.message.startsWith('internal')) throw new Error(`${e.toString()} for ${JSON.stringify(text)}`);
  for (const c of listCommands(s.statements)) {
    const line = printCommand(c);
    wrapExportLine(line);
    parseScript(line);
  }
}

function mutate(text: string, ops: readonly [number, number, number, number][]): string {
  let s = text;
  for (const [kind, a, b, c] of ops) {
    const i = s.length === 0 ? 0 : a % (s.length + 1);
    switch (kind % 5) {
      case 0:
        s = s.slice(0, i) + SPECIAL[b % SPECIAL.length]! + s.slice(i);
        break;
      case 1:
        s = s.slice(0, i) + s.slice(i + (b % 8) + 1);
        break;
      case 2: {
        const j = s.length === 0 ? 0 : b % s.length;
        s = s.slice(0, i) + s.slice(j, j + (c % 20)) + s.slice(i);
        break;
      }
      case 3:
        s = s.slice(0, i) + String.fromCodePoint(b % 0x110000 >= 0xd800 && b % 0x110000 <= 0xdfff ? 0xfffd : b % 0x110000) + s.slice(i);
        break;
      default:
        s = s.slice(0, i) + s.slice(i).replace(/[\n ]/, c % 2 === 0 ? '\\\n  ' : '');
        break;
    }
  }
  return s;
}

const corpus = corpusFiles().map((f) => readCorpus(f));
const op = fc.tuple(fc.nat(), fc.nat(), fc.nat(), fc.nat());

describe('fuzz: never throws, errors point at real positions', () => {
  test('random text (8,000 cases)', () => {
    const text = fc.string({
      unit: fc.oneof({ weight: 3, arbitrary: fc.constantFrom(...SPECIAL, 'a', 'z', '0', 'add', 'x=', '$a') }, { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 2 }) }),
      maxLength: 120,
    });
    fc.assert(fc.property(text, exercise), { numRuns: 8000 });
  });

  test('token soup of RouterOS fragments (6,000 cases)', () => {
    const frag = fc.constantFrom(
      '/ip firewall filter',
      '/ip/address/add',
      'add',
      'set',
      '[ find',
      '[find where',
      ']',
      '{',
      '}',
      '(',
      ')',
      'name=',
      'x="a b"',
      '"unterminated',
      '$v',
      '$"q v"',
      '$ISP-GW$',
      ':local v 1',
      ':global f do={',
      ':if ($v = 1) do={',
      '} else={',
      ':foreach i in=$l do={',
      ':for i from=1 to=3 do={',
      ':while ($v < 3) do={',
      ':set v ($v + 1)',
      'do {',
      '} on-error={',
      ':put',
      '$f 1 a=2',
      'where',
      'dynamic=no',
      '&&',
      '->0',
      '!comment',
      '..',
      '#',
      ';',
      '\n',
      '\\\n    ',
      '"a$(1+',
      '"$[:len "x"]"',
      '{1;2}',
      ' ',
    );
    fc.assert(
      fc.property(fc.array(frag, { maxLength: 40 }), (parts) => exercise(parts.join(' '))),
      { numRuns: 6000 },
    );
  });

  test('mutated corpus files (6,000 cases)', () => {
    const sample = fc.tuple(fc.nat({ max: corpus.length - 1 }), fc.nat(), fc.integer({ min: 1, max: 40 })).map(([f, start, n]) => {
      const lines = corpus[f]!.split('\n');
      const s = start % lines.length;
      return lines.slice(s, s + n).join('\n');
    });
    fc.assert(
      fc.property(sample, fc.array(op, { minLength: 1, maxLength: 8 }), (text, ops) => exercise(mutate(text, ops))),
      { numRuns: 6000 },
    );
  });

  test('whole corpus files, each mutated a few times (all files x 20)', () => {
    let n = 0;
    fc.assert(
      fc.property(fc.array(op, { minLength: 1, maxLength: 6 }), (ops) => {
        exercise(mutate(corpus[n++ % corpus.length]!, ops));
      }),
      { numRuns: corpus.length * 20 },
    );
  });

  test('pathological inputs stay fast', () => {
    const cases = [
      '['.repeat(100_000),
      '('.repeat(100_000),
      '{'.repeat(100_000),
      '"$('.repeat(20_000),
      `${'a=b '.repeat(50_000)}`,
      `:put ${'1+'.repeat(20_000)}1`,
      '\\\n'.repeat(50_000),
      `add comment="${'x'.repeat(200_000)}"`,
      '}'.repeat(100_000),
      `/ip address set ${'a[find] '.repeat(20_000)}`,
      `:put ${'{1} '.repeat(30_000)}`,
      `:put (${'1 + '.repeat(30_000)}1)`,
    ];
    for (const c of cases) {
      const t0 = Date.now();
      exercise(c);
      expect(Date.now() - t0).toBeLessThan(3000);
    }
  });
});
