import { type Expr, type MenuCommand, type ScriptCommand, type Statement, type Value, listCommands } from '../../../control/routeros/ast';
import { parseScript } from '../../../control/routeros/parser';

/** Drop positions and raw text so structures compare by meaning. */
function bare<T>(x: T): unknown {
  return JSON.parse(JSON.stringify(x, (k, v) => (k === 'pos' || k === 'end' || k === 'raw' ? undefined : v)));
}

function parseOk(text: string): Statement[] {
  const s = parseScript(text, 'test.rsc');
  expect(s.errors.map(String)).toEqual([]);
  return s.statements;
}

function cmds(text: string): MenuCommand[] {
  return listCommands(parseOk(text));
}

function one(text: string): MenuCommand {
  const c = cmds(text);
  expect(c).toHaveLength(1);
  return c[0]!;
}

function at(p: { line: number; col: number }): string {
  return `${p.line}:${p.col}`;
}

/** Compact summary of a command: path, verb, selector, args, props. */
function sum(c: MenuCommand): string {
  const v = (x: Value | null): string => (x === null ? '<unset>' : x.kind === 'word' || x.kind === 'quoted' ? (x.text ?? x.raw) : x.raw);
  const sel = c.selector === undefined ? '' : c.selector.kind === 'find' ? ` sel=find(${sum(c.selector.find)})` : c.selector.kind === 'where' ? ` sel=where(${c.selector.raw})` : ` sel=${v(c.selector.value)}`;
  const args = c.args.map((a) => ` ${v(a)}`).join('');
  const props = c.props.map((p) => ` ${p.unset ? `!${p.name}` : `${p.name}=${v(p.value)}`}`).join('');
  return `/${c.path.join('/')} ${c.verb}${sel}${args}${props}`;
}

describe('menu paths', () => {
  test('one-line absolute form, positions of command, properties and values', () => {
    const c = one('/ip firewall filter add chain=input action=accept comment="x y"');
    expect(sum(c)).toBe('/ip/firewall/filter add chain=input action=accept comment=x y');
    expect(at(c.pos)).toBe('1:1');
    expect(c.props.map((p) => [p.name, at(p.pos), at(p.value!.pos)])).toEqual([
      ['chain', '1:25', '1:31'],
      ['action', '1:37', '1:44'],
      ['comment', '1:51', '1:59'],
    ]);
  });

  test('a menu line changes the current menu for the following relative commands', () => {
    const s = parseOk('/ip firewall filter\nadd chain=input\n/ip address\nadd address=10.0.0.1/24 interface=ether1');
    expect(s.map((x) => x.kind)).toEqual(['menu', 'command', 'menu', 'command']);
    expect(listCommands(s).map(sum)).toEqual(['/ip/firewall/filter add chain=input', '/ip/address add address=10.0.0.1/24 interface=ether1']);
  });

  test('v7 slash paths, relative sub-menus and ..', () => {
    expect(cmds('/ip/firewall/filter/add chain=x').map(sum)).toEqual(['/ip/firewall/filter add chain=x']);
    expect(cmds('/ip firewall\nfilter add chain=x\n.. address print\nnat/add chain=srcnat').map(sum)).toEqual([
      '/ip/firewall/filter add chain=x',
      '/ip/address print',
      '/ip/firewall/nat add chain=srcnat',
    ]);
  });

  test('/menu { ... } runs its body in that menu and restores the outer menu after', () => {
    const s = parseOk('/interface bridge\n/ip address {\n  add address=1.1.1.1/32 interface=lo\n  /ip route\n  add gateway=1.1.1.2\n}\nadd name=br0');
    expect(s.map((x) => x.kind)).toEqual(['menu', 'menu-block', 'command']);
    expect(listCommands(s).map(sum)).toEqual([
      '/ip/address add address=1.1.1.1/32 interface=lo',
      '/ip/route add gateway=1.1.1.2',
      '/interface/bridge add name=br0',
    ]);
  });

  test('menus with several words and menus alone with trailing blanks', () => {
    const s = parseOk('/ip firewall connection tracking \nset udp-timeout=20s\n/ip dns\nset allow-remote-requests=yes');
    expect(listCommands(s).map(sum)).toEqual(['/ip/firewall/connection/tracking set udp-timeout=20s', '/ip/dns set allow-remote-requests=yes']);
  });

  test('verbs end the path; the last word is the verb when arguments follow an unknown one', () => {
    expect(cmds('/system backup save name=CE1\n/routing table add name=vpn-table fib\n/log info "hello"\n/quit').map(sum)).toEqual([
      '/system/backup save name=CE1',
      '/routing/table add fib name=vpn-table',
      '/log info hello',
      '/ quit',
    ]);
  });

  test('menu knowledge from schemas overrides the built-in verb list', () => {
    const s = parseScript('/system package update install', {
      isCommand: (menu, word) => (menu.join('/') === 'system/package' && word === 'update' ? false : undefined),
    });
    expect(listCommands(s.statements).map(sum)).toEqual(['/system/package/update install']);
  });
});

describe('selectors, unsets and values', () => {
  test('[ find ... ] selector (export style) keeps the inner command', () => {
    const c = one('/interface ethernet\nset [ find default-name=ether1 ] name=wan');
    expect(sum(c)).toBe('/interface/ethernet set sel=find(/interface/ethernet find default-name=ether1) name=wan');
    expect(at(c.selector!.pos)).toBe('2:5');
  });

  test('[find where ...] and print where ...', () => {
    expect(sum(one('/ip address\nremove [find where interface="ether1" && !dynamic]'))).toBe(
      '/ip/address remove sel=find(/ip/address find sel=where(interface="ether1" && !dynamic))',
    );
    const p = one('/ip address print where interface=ether1 or disabled');
    expect(sum(p)).toBe('/ip/address print sel=where(interface=ether1 or disabled)');
    const w = p.selector as Extract<MenuCommand['selector'], { kind: 'where' }>;
    expect(bare(w.expr)).toMatchObject({ kind: 'binary', op: 'or', left: { kind: 'binary', op: '=' } });
  });

  test('item names, numbers and numbers=', () => {
    expect(cmds('/ip neighbor discovery\nset ether1 discover=no\n/port\nset 0 name=serial0\nset numbers=1,2 name=x').map(sum)).toEqual([
      '/ip/neighbor/discovery set sel=ether1 discover=no',
      '/port set sel=0 name=serial0',
      '/port set sel=1,2 name=x',
    ]);
    expect(sum(one('/interface ethernet enable [find]'))).toBe('/interface/ethernet enable sel=find(/interface/ethernet find)');
  });

  test('!name unsets a property in set/add, in source order', () => {
    const c = one('/interface\nset ether1 !comment mtu=1500 !l2mtu');
    expect(c.props.map((p) => [p.name, p.unset, at(p.pos)])).toEqual([
      ['comment', true, '2:12'],
      ['mtu', false, '2:21'],
      ['l2mtu', true, '2:30'],
    ]);
  });

  test('negated, empty, quoted and computed values', () => {
    const c = one('/ip firewall filter add in-interface-list=!LAN comment= src-address="!1.2.3.4" x=$v y=("a" . $b) z=[:len $c] w=ab$c');
    const kinds = c.props.map((p) => [p.name, p.value!.kind, p.value!.kind === 'word' ? p.value!.negated : undefined]);
    expect(kinds).toEqual([
      ['in-interface-list', 'word', true],
      ['comment', 'word', false],
      ['src-address', 'quoted', undefined],
      ['x', 'var', undefined],
      ['y', 'expr', undefined],
      ['z', 'subst', undefined],
      ['w', 'concat', undefined],
    ]);
    expect(c.props[1]!.value).toMatchObject({ kind: 'word', text: '' });
    expect(c.props[4]!.value!.raw).toBe('("a" . $b)');
  });

  test('dotted v7 property names and abbreviations stay as written', () => {
    expect(sum(one('/routing bgp connection add local.address=1.1.1.11 .role=ibgp .as=65000'))).toBe(
      '/routing/bgp/connection add local.address=1.1.1.11 .role=ibgp .as=65000',
    );
  });
});

describe('scripting', () => {
  const script = (text: string): ScriptCommand => {
    const s = parseOk(text);
    expect(s[0]!.kind).toBe('script');
    return s[0] as ScriptCommand;
  };

  test(':local, :global with code, :set', () => {
    expect(bare(script(':local count 0'))).toMatchObject({ name: 'local', args: [{ kind: 'word', text: 'count' }, { kind: 'word', text: '0' }] });
    const g = script(':global f do={\n  :put $1\n}');
    expect(g.props[0]).toMatchObject({ name: 'do', value: { kind: 'block' } });
    expect(script(':set count ($count + 1)').args[1]!.kind).toBe('expr');
  });

  test(':if / :foreach / :for / :while / do-on-error structure', () => {
    const i = script(':if ($a = 1) do={ :put yes } else={ :put no }');
    expect(i.props.map((p) => [p.name, p.value!.kind])).toEqual([
      ['do', 'block'],
      ['else', 'block'],
    ]);
    expect(script(':foreach i in=[/ip address find] do={ :put $i }').props.map((p) => p.name)).toEqual(['in', 'do']);
    expect(script(':for i from=1 to=10 step=2 do={ :put $i }').props.map((p) => p.name)).toEqual(['from', 'to', 'step', 'do']);
    expect(script(':while ($i < 3) do={ :set i ($i + 1) }').args[0]!.kind).toBe('expr');
    const d = script('do {\n  /ip address add address=1.1.1.1/32 interface=lo\n} on-error={\n  :log error "failed"\n}');
    expect(d.name).toBe('do');
    expect(d.args[0]!.kind).toBe('block');
    expect(d.props[0]!.name).toBe('on-error');
  });

  test(':delay, :log, :put and function calls', () => {
    const s = parseOk(':delay 1s\n:log info "x"\n$f ("a" . $b) info name=$c\n{ [/terminal style none]; :put 1 }');
    expect(s.map((x) => x.kind)).toEqual(['script', 'script', 'call', 'block']);
    expect(bare(s[2])).toMatchObject({ kind: 'call', callee: { name: 'f' }, args: [{ kind: 'expr' }, { kind: 'word', text: 'info' }], props: [{ name: 'name' }] });
    const block = s[3] as Extract<Statement, { kind: 'block' }>;
    expect(block.body.map((x) => x.kind)).toEqual(['expr', 'script']);
  });

  test('arrays in value position', () => {
    const c = script(':local a {"x"; "y"; 3}');
    expect(bare(c.args[1])).toMatchObject({ kind: 'array', items: [{ value: { text: 'x' } }, { value: { text: 'y' } }, { value: { text: '3' } }] });
    const k = script(':local m {a=1; b="two"}');
    expect(bare(k.args[1])).toMatchObject({ kind: 'array', items: [{ key: 'a' }, { key: 'b', value: { text: 'two' } }] });
  });

  test('expression precedence: * over +, + over ., comparisons over &&, && over ||, unary and ->', () => {
    const e = (text: string): unknown => {
      const c = script(`:put (${text})`);
      const show = (x: Expr): string => {
        switch (x.kind) {
          case 'value':
            return x.value.kind === 'word' || x.value.kind === 'quoted' ? (x.value.text ?? '?') : x.value.raw;
          case 'binary':
            return `(${show(x.left)} ${x.op} ${show(x.right)})`;
          case 'unary':
            return `(${x.op}${show(x.operand)})`;
          case 'group':
            return show(x.expr);
          default:
            return '?';
        }
      };
      return show((c.args[0] as Extract<Value, { kind: 'expr' }>).expr);
    };
    expect(e('1 + 2 * 3')).toBe('(1 + (2 * 3))');
    expect(e('"a" . 1 + 2 . "b"')).toBe('((a . (1 + 2)) . b)');
    expect(e('$a = 1 && $b != 2 || !$c')).toBe('((($a = 1) && ($b != 2)) || (!$c))');
    expect(e('[find where dynamic=no]->0')).toBe('([find where dynamic=no] -> 0)');
    expect(e('-$x < 3 and not $y')).toBe('(((-$x) < 3) and (not$y))');
    expect(e('$ip in 10.0.0.0/8')).toBe('($ip in 10.0.0.0/8)');
  });

  test('substitutions of global and menu commands', () => {
    const c = script(':local n [:len [/ip address find where interface=ether1]]');
    const sub = c.args[1] as Extract<Value, { kind: 'subst' }>;
    expect(sub.body[0]).toMatchObject({ kind: 'script', name: 'len' });
    expect(script(':put [:pick "abc" 0 2]').args[0]!.kind).toBe('subst');
    expect(script(':put [:typeof [:tostr 5]]').args[0]!.kind).toBe('subst');
  });

  test('a multi-line parenthesized expression continues when the next line starts with an operator', () => {
    const c = script(':if ($a = 1\n    || $b = 2) do={ :put x }');
    expect(c.args[0]!.kind).toBe('expr');
  });
});

describe('errors: positions, messages and recovery', () => {
  const errs = (text: string): string[] => parseScript(text, 'f.rsc').errors.map(String);

  test('unbalanced and unclosed brackets', () => {
    expect(errs('add a=1\n}\nadd b=2')).toEqual(["f.rsc:2:1: unbalanced '}' (no matching opening bracket)"]);
    expect(errs('/ip address {\n add a=1')).toEqual(["f.rsc:1:13: '{' is never closed: expected '}' before the end of input"]);
    expect(errs(':put (1 + 2\n:put 3')).toEqual(["f.rsc:1:12: expected ')' to close '(' opened at 1:6, found end of line"]);
    expect(errs('add a=[find\nadd b=1')).toEqual(["f.rsc:1:7: '[' is never closed: expected ']' before the end of input"]);
  });

  test('one file yields all its errors; good commands around them still parse', () => {
    const s = parseScript('/ip address\nadd address="1.1.1.1\nadd address=2.2.2.2/32 interface=x\n:frobnicate 1\nadd =x\n:if ($a) els={}\nadd ok=yes', 'f.rsc');
    expect(s.errors.map(String)).toEqual([
      "f.rsc:2:21: unterminated quoted string started at 2:13 (expected '\"' before the end of the line)",
      "f.rsc:4:1: unknown script command ':frobnicate'",
      "f.rsc:5:5: expected a property name before '='",
      "f.rsc:6:10: unknown argument 'els' for ':if' (expected do, else)",
      "f.rsc:6:1: ':if' needs do=, e.g. :if ($a = 1) do={ :put yes }",
    ]);
    expect(listCommands(s.statements).map(sum)).toEqual([
      '/ip/address add address=1.1.1.1',
      '/ip/address add address=2.2.2.2/32 interface=x',
      '/ip/address add ok=yes',
    ]);
  });

  test('comments only at line start; a # after ; is reported', () => {
    expect(errs(':global a; # bad comment')).toEqual(["f.rsc:1:12: '#' starts a comment only at the beginning of a line (not after other text or ';')"]);
  });

  test('template placeholders are errors at their position (unquoted, quoted, in expressions)', () => {
    expect(errs('/ip route\nadd gateway=$ISP1-GATEWAY$ comment="via $ISP1-NAME$"\n:put ($WAN$)')).toEqual([
      "f.rsc:2:13: template placeholder '$ISP1-GATEWAY$' is not a RouterOS variable: substitute it before loading this file",
      "f.rsc:2:41: template placeholder '$ISP1-NAME$' is not a RouterOS variable: substitute it before loading this file",
      "f.rsc:3:7: template placeholder '$WAN$' is not a RouterOS variable: substitute it before loading this file",
    ]);
  });

  test('misplaced things at command start', () => {
    expect(errs('chain=input action=drop')).toEqual(["f.rsc:1:1: expected a command, found property 'chain='"]);
    expect(errs('"abc"')).toEqual(['f.rsc:1:1: expected a command, found a quoted string']);
    expect(errs(':put )')).toEqual(["f.rsc:1:6: unbalanced ')' (no matching '(')"]);
    expect(errs(':local')).toEqual(["f.rsc:1:1: ':local' needs a variable name, e.g. :local count 0"]);
  });

  test('bad expressions name what was expected', () => {
    expect(errs(':put (1 +)')).toEqual(["f.rsc:1:10: expected a value (word, number, \"string\", $variable, [command] or (expression)), found ')'"]);
    expect(errs('/ip address print where')).toEqual(["f.rsc:1:24: expected an expression after 'where', found end of input"]);
  });

  test('deep nesting is reported, not a crash', () => {
    const deep = `:put ${'['.repeat(200)}${']'.repeat(200)}`;
    const s = parseScript(deep);
    expect(s.errors[0]!.message).toContain('nesting too deep');
    const deepParens = `:put ${'('.repeat(5000)}1${')'.repeat(5000)}`;
    expect(parseScript(deepParens).errors[0]!.message).toContain('nesting too deep');
  });

  test('operator chains that would nest the tree too deep are reported (long real chains are fine)', () => {
    expect(parseScript(`:put (${'1 + '.repeat(500)}1)`).errors).toEqual([]);
    expect(parseScript(`:put (${'1 + '.repeat(5000)}1)\n:put ok`, 'f.rsc').errors.map(String)).toEqual([
      'f.rsc:1:1: statement too complex (its syntax tree is nested more than 1000 levels deep)',
    ]);
  });
});
