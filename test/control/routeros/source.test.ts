import fc from 'fast-check';
import { SourceText } from '../../../control/routeros/source';

/** Straightforward reference: walk from the start of the text. */
function naive(text: string, index: number): { line: number; col: number; offset: number } {
  let line = 1;
  let col = 1;
  for (let j = 0; j < index; ) {
    const c = text.charCodeAt(j);
    if (c === 10 || (c === 13 && text.charCodeAt(j + 1) !== 10)) {
      line++;
      col = 1;
      j++;
      continue;
    }
    const pair = c >= 0xd800 && c <= 0xdbff && j + 1 < index && text.charCodeAt(j + 1) >= 0xdc00 && text.charCodeAt(j + 1) <= 0xdfff;
    j += pair ? 2 : 1;
    col++;
  }
  return { line, col, offset: Buffer.byteLength(text.slice(0, index), 'utf8') };
}

describe('SourceText positions', () => {
  test('line, code-point column and UTF-8 offset for CRLF, CR, tabs and astral characters', () => {
    const s = new SourceText('a\r\nb😀c\rd\té', 'f');
    expect(s.pos(0)).toEqual({ line: 1, col: 1, offset: 0 });
    expect(s.pos(3)).toEqual({ line: 2, col: 1, offset: 3 });
    expect(s.pos(6)).toEqual({ line: 2, col: 3, offset: 8 });
    expect(s.pos(8)).toEqual({ line: 3, col: 1, offset: 10 });
    expect(s.pos(10)).toEqual({ line: 3, col: 3, offset: 12 });
  });

  test('property: any order of queries on long lines matches a naive walk', () => {
    const unit = (breaks: string[]) => fc.oneof(fc.constantFrom('a', ' ', '\t', 'é', '😀', '→', ...breaks), fc.string({ unit: 'binary', maxLength: 1 }));
    const text = fc.oneof(fc.string({ unit: unit(['\n', '\r\n', '\r']), maxLength: 3000 }), fc.string({ unit: unit([]), maxLength: 3000 }));
    fc.assert(
      fc.property(text, fc.array(fc.nat(), { minLength: 1, maxLength: 40 }), (t, qs) => {
        const s = new SourceText(t, 'f');
        for (const q of qs) {
          let i = q % (t.length + 1);
          const c = t.charCodeAt(i - 1);
          if (c >= 0xd800 && c <= 0xdbff && t.charCodeAt(i) >= 0xdc00 && t.charCodeAt(i) <= 0xdfff) i--;
          expect(s.pos(i)).toEqual(naive(t, i));
        }
      }),
      { numRuns: 300 },
    );
  });
});
