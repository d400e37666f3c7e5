import { tokenize, type Token } from '../../../control/routeros/lexer';

/** kind, text, line:col, byte offset, glued to the previous token (no blank before it). */
function toks(text: string, mode?: 'command' | 'expression'): [string, string, string, number, boolean][] {
  return tokenize(text, { mode }).tokens.map((t: Token) => [t.kind, t.text, `${t.pos.line}:${t.pos.col}`, t.pos.offset, !t.spaceBefore]);
}

function kinds(text: string, mode?: 'command' | 'expression'): string[] {
  return tokenize(text, { mode }).tokens.map((t) => (t.kind === 'word' || t.kind === 'op' || t.kind === 'path' || t.kind === 'prop' || t.kind === 'var' ? `${t.kind}:${t.text}` : t.kind));
}

describe('lexer: command mode', () => {
  test('path words, verb, name=value pairs with exact positions', () => {
    expect(toks('/ip firewall filter add chain=input action=accept')).toEqual([
      ['path', '/ip', '1:1', 0, false],
      ['word', 'firewall', '1:5', 4, false],
      ['word', 'filter', '1:14', 13, false],
      ['word', 'add', '1:21', 20, false],
      ['prop', 'chain', '1:25', 24, false],
      ['word', 'input', '1:31', 30, true],
      ['prop', 'action', '1:37', 36, false],
      ['word', 'accept', '1:44', 43, true],
      ['eof', '', '1:50', 49, true],
    ]);
  });

  test('v7 slash path is one path token; relative words and .. are words/paths', () => {
    expect(kinds('/ip/firewall/filter/add chain=x')).toEqual(['path:/ip/firewall/filter/add', 'prop:chain', 'word:x', 'eof']);
    expect(kinds('.. address print')).toEqual(['path:..', 'word:address', 'word:print', 'eof']);
  });

  test('only the first = splits; the value keeps later = and may contain ! , / : @ .', () => {
    expect(kinds('add regexp=a=b x=!10.0.0.0/8,1.2.3.4 gw=172.16.0.2@CE1 .role=ibgp local.address=1.1.1.1')).toEqual([
      'word:add',
      'prop:regexp',
      'word:a=b',
      'prop:x',
      'word:!10.0.0.0/8,1.2.3.4',
      'prop:gw',
      'word:172.16.0.2@CE1',
      'prop:.role',
      'word:ibgp',
      'prop:local.address',
      'word:1.1.1.1',
      'eof',
    ]);
  });

  test('empty value: name= followed by a blank', () => {
    const t = tokenize('set comment= disabled=no').tokens;
    expect(t[1]).toMatchObject({ kind: 'prop', text: 'comment' });
    expect(t[2]).toMatchObject({ kind: 'prop', text: 'disabled', spaceBefore: true });
  });

  test('!prop unset word', () => {
    expect(kinds('set ether1 !comment')).toEqual(['word:set', 'word:ether1', 'word:!comment', 'eof']);
  });

  test('brackets, braces, semicolons, $var and $"quoted var"', () => {
    expect(toks('set [ find default-name=ether1 ] name=$n; :put $"my var"')).toEqual([
      ['word', 'set', '1:1', 0, false],
      ['[', '[', '1:5', 4, false],
      ['word', 'find', '1:7', 6, false],
      ['prop', 'default-name', '1:12', 11, false],
      ['word', 'ether1', '1:25', 24, true],
      [']', ']', '1:32', 31, false],
      ['prop', 'name', '1:34', 33, false],
      ['var', 'n', '1:39', 38, true],
      [';', ';', '1:41', 40, true],
      ['word', ':put', '1:43', 42, false],
      ['var', 'my var', '1:48', 47, false],
      ['eof', '', '1:57', 56, true],
    ]);
  });

  test('quoted strings decode escapes: \\" \\\\ \\n \\t \\$ \\? \\_ and hex \\AB (UTF-8 bytes)', () => {
    const t = tokenize('x="a\\"b\\\\c\\nd\\te\\$f\\?g\\_h\\41\\C3\\A1"').tokens[1]!;
    expect(t.kind).toBe('string');
    expect(t.text).toBe('a"b\\c\nd\te$f?g hAá');
    expect(t.closed).toBe(true);
  });

  test('single bytes that are not UTF-8 decode as Latin-1', () => {
    expect(tokenize('"\\E1\\F0\\9F\\98\\80"').tokens[0]!.text).toBe('á😀');
  });

  test('unknown escape is a warning and keeps the character', () => {
    const r = tokenize('"a\\qb"');
    expect(r.tokens[0]!.text).toBe('aqb');
    expect(r.warnings.map(String)).toEqual([expect.stringContaining("<input>:1:3: warning: unknown escape '\\q'")]);
  });

  test('string interpolation parts: $name, $"name", $(expr), $[cmd]', () => {
    const t = tokenize('"a$x-$"y z"$(1+2)$[:len $s]b"').tokens[0]!;
    expect(t.parts!.map((p) => p.kind)).toEqual(['text', 'var', 'text', 'var', 'expr', 'cmd', 'text']);
    expect(t.parts![1]).toMatchObject({ kind: 'var', name: 'x' });
    expect(t.parts![3]).toMatchObject({ kind: 'var', name: 'y z', quoted: true });
    expect(t.text).toBe('a-b');
  });

  test('unterminated string: error at the line end naming where it started; lexing resumes on the next line', () => {
    const r = tokenize('add comment="abc\nadd x=1');
    expect(r.errors.map(String)).toEqual(["<input>:1:17: unterminated quoted string started at 1:13 (expected '\"' before the end of the line)"]);
    expect(r.tokens.map((t) => t.kind)).toEqual(['word', 'prop', 'string', 'newline', 'word', 'prop', 'word', 'eof']);
  });

  test('# is a comment only as the first non-blank character of a line', () => {
    expect(kinds('# top\n  # indented\nadd comment=#x\n:put 1; # not a comment')).toEqual([
      'comment',
      'newline',
      'comment',
      'newline',
      'word:add',
      'prop:comment',
      'word:#x',
      'newline',
      'word::put',
      'word:1',
      ';',
      'word:#',
      'word:not',
      'word:a',
      'word:comment',
      'eof',
    ]);
  });

  test('a trailing backslash does not continue a comment', () => {
    expect(kinds('# comment \\\nadd')).toEqual(['comment', 'newline', 'word:add', 'eof']);
  });

  test('template placeholders $NAME$ are their own token; $a$b is two variables', () => {
    expect(toks('gateway=$ISP1-GATEWAY$ x')[1]).toEqual(['placeholder', 'ISP1-GATEWAY', '1:9', 8, true]);
    expect(kinds(':put $a$b $A$b')).toEqual(['word::put', 'var:a', 'var:b', 'var:A', 'var:b', 'eof']);
    expect(kinds(':put $lower-case$')).toEqual(['word::put', 'var:lower', 'word:-case$', 'eof']);
    expect(tokenize('"$WAN-IF$"').tokens[0]!.parts).toEqual([{ kind: 'placeholder', name: 'WAN-IF', start: 1, end: 9 }]);
  });

  test('lone $ is an ordinary character in unquoted words, a warning in strings', () => {
    expect(kinds('regexp=^ab$ x')).toEqual(['prop:regexp', 'word:^ab$', 'word:x', 'eof']);
    expect(tokenize('"5$ "').warnings).toHaveLength(1);
  });
});

describe('lexer: line continuation', () => {
  test('backslash-newline joins lines and drops the next line indentation (export wrapping)', () => {
    expect(toks('add a=b \\\n    c=d')).toEqual([
      ['word', 'add', '1:1', 0, false],
      ['prop', 'a', '1:5', 4, false],
      ['word', 'b', '1:7', 6, true],
      ['prop', 'c', '2:5', 14, false],
      ['word', 'd', '2:7', 16, true],
      ['eof', '', '2:8', 17, true],
    ]);
  });

  test('value continued on the next line after name=\\ (CRLF)', () => {
    expect(toks('add log=\\\r\n    yes')).toEqual([
      ['word', 'add', '1:1', 0, false],
      ['prop', 'log', '1:5', 4, false],
      ['word', 'yes', '2:5', 15, true],
      ['eof', '', '2:8', 18, true],
    ]);
  });

  test('an unindented continuation line still glues the value to name=', () => {
    expect(kinds('add log=\\\nyes x')).toEqual(['word:add', 'prop:log', 'word:yes', 'word:x', 'eof']);
    expect(tokenize('add log=\\\nyes').tokens[2]!.spaceBefore).toBe(false);
  });

  test('inside quoted strings the backslash, line break and indentation are removed', () => {
    const t = tokenize('x="Black Lis\\\n    t (SSH)"').tokens[1]!;
    expect(t.text).toBe('Black List (SSH)');
    expect(`${t.pos.line}:${t.pos.col}`).toBe('1:3');
  });

  test('blanks between the backslash and the line break are tolerated', () => {
    expect(kinds('add a=b \\  \t\n  c=d')).toEqual(['word:add', 'prop:a', 'word:b', 'prop:c', 'word:d', 'eof']);
  });

  test('a continuation line starting with # is not a comment', () => {
    expect(kinds('add \\\n  #x')).toEqual(['word:add', 'word:#x', 'eof']);
  });

  test('a stray backslash outside strings is an error', () => {
    expect(tokenize('add a=b\\c').errors.map(String)).toEqual([
      "<input>:1:8: unexpected '\\' outside a quoted string (a line continuation '\\' must end the line)",
    ]);
  });
});

describe('lexer: positions', () => {
  test('columns count code points; offsets count UTF-8 bytes; tabs are one column', () => {
    expect(toks('c="Voz → DMZ"\tx=😀 y')).toEqual([
      ['prop', 'c', '1:1', 0, false],
      ['string', 'Voz → DMZ', '1:3', 2, true],
      ['prop', 'x', '1:15', 16, false],
      ['word', '😀', '1:17', 18, true],
      ['word', 'y', '1:19', 23, false],
      ['eof', '', '1:20', 24, true],
    ]);
  });

  test('CRLF, lone CR and missing final newline', () => {
    expect(toks('a\r\nb\rc')).toEqual([
      ['word', 'a', '1:1', 0, false],
      ['newline', '\n', '1:2', 1, true],
      ['word', 'b', '2:1', 3, false],
      ['newline', '\n', '2:2', 4, true],
      ['word', 'c', '3:1', 5, false],
      ['eof', '', '3:2', 6, true],
    ]);
  });

  test('a byte-order mark is skipped as a blank', () => {
    expect(kinds('\uFEFF/ip address')).toEqual(['path:/ip', 'word:address', 'eof']);
  });
});

describe('lexer: expression mode', () => {
  test('operators split words; values keep dots, colons, slashes and dashes', () => {
    expect(kinds('$a=1&&name~"x"||!(b!=10.0.0.0/8)', 'expression')).toEqual([
      'var:a',
      'op:=',
      'word:1',
      'op:&&',
      'word:name',
      'op:~',
      'string',
      'op:||',
      'op:!',
      '(',
      'word:b',
      'op:!=',
      'word:10.0.0.0/8',
      ')',
      'eof',
    ]);
    expect(kinds('default-name=ether1 and x in 2001:db8::/32', 'expression')).toEqual([
      'word:default-name',
      'op:=',
      'word:ether1',
      'word:and',
      'word:x',
      'word:in',
      'word:2001:db8::/32',
      'eof',
    ]);
  });

  test('operators glued to the next value: "a"."b", $count +1, 10-$x, [find]->0', () => {
    expect(kinds('"a"."b"', 'expression')).toEqual(['string', 'op:.', 'string', 'eof']);
    expect(kinds('$count +1', 'expression')).toEqual(['var:count', 'op:+', 'word:1', 'eof']);
    expect(kinds('10.0.-$x', 'expression')).toEqual(['word:10.0.', 'op:-', 'var:x', 'eof']);
    expect(kinds('x->0 <= >= << >> -> != ,', 'expression')).toEqual([
      'word:x',
      'op:->',
      'word:0',
      'op:<=',
      'op:>=',
      'op:<<',
      'op:>>',
      'op:->',
      'op:!=',
      'op:,',
      'eof',
    ]);
  });

  test('tokenize() follows brackets and where between modes', () => {
    expect(kinds('set [find where dynamic=no] x=(1+2)')).toEqual([
      'word:set',
      '[',
      'word:find',
      'word:where',
      'word:dynamic',
      'op:=',
      'word:no',
      ']',
      'prop:x',
      '(',
      'word:1',
      'op:+',
      'word:2',
      ')',
      'eof',
    ]);
  });
});
