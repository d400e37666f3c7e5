/**
 * fast-check generators of RouterOS command lines, written in varied but valid spellings (quoted or not,
 * escapes, hex bytes, `\_`, relative or absolute paths, line continuations), with the meaning they must
 * parse to.
 */
import fc from 'fast-check';
import type { MenuCommand, Value } from '../../../control/routeros/ast';

export interface PropSpec {
  name: string;
  /** null: unset (`!name`). */
  value: string | null;
}

export interface CommandSpec {
  path: string[];
  verb: string;
  /** An item name for item verbs. */
  item: string | undefined;
  /** `[ find name=value ]` selector instead of an item. */
  findProp: PropSpec | undefined;
  props: PropSpec[];
}

const MENUS = [['ip', 'firewall', 'filter'], ['ip', 'address'], ['interface', 'bridge', 'port'], ['queue', 'tree'], ['routing', 'bgp', 'connection'], ['system', 'identity']];
const SAFE_WORD = /^[A-Za-z0-9_][A-Za-z0-9_.,:/@*+%-]{0,15}$/;

/** Text a value may hold: anything, with RouterOS specials and non-ASCII over-represented. */
export const valueText = fc.string({
  unit: fc.oneof(
    { weight: 6, arbitrary: fc.constantFrom('a', 'Z', '0', '9', '.', ',', '/', ':', '-', '!', '@', '*') },
    { weight: 3, arbitrary: fc.constantFrom(' ', '"', '\\', '$', '?', '=', ';', '[', ']', '{', '}', '(', ')', '#', '\t', '\n', '\r', "'", '_') },
    { weight: 1, arbitrary: fc.constantFrom('á', 'ü', '→', '😀', '\x01', '\x7f', '\u00a0') },
  ),
  maxLength: 24,
});

export const propName = fc.stringMatching(/^[a-z][a-z0-9-]{0,11}(\.[a-z]{1,5})?$/).filter((n) => n !== 'numbers');
export const itemWord = fc.stringMatching(SAFE_WORD).filter((w) => w !== 'where');

export const commandSpec: fc.Arbitrary<CommandSpec> = fc
  .record({
    path: fc.constantFrom(...MENUS),
    verb: fc.constantFrom('add', 'set', 'remove', 'print', 'disable', 'export'),
    item: itemWord,
    useFind: fc.boolean(),
    findProp: fc.record({ name: propName, value: valueText as fc.Arbitrary<string | null> }),
    props: fc.uniqueArray(fc.record({ name: propName, value: fc.option(valueText, { freq: 6 }) }), { selector: (p) => p.name, maxLength: 6 }),
  })
  .map(({ path, verb, item, useFind, findProp, props }) => {
    const itemVerb = verb === 'set' || verb === 'remove' || verb === 'disable';
    const unsetOk = verb === 'set' || verb === 'add';
    return {
      path,
      verb,
      item: itemVerb && !useFind ? item : undefined,
      findProp: itemVerb && useFind ? findProp : undefined,
      props: props.map((p) => ({ name: p.name, value: unsetOk ? p.value : (p.value ?? '') })),
    };
  });

/** Spell a value: unquoted when safe and the coin says so, else quoted with a random choice of escapes. */
export function spellValue(text: string, coin: () => boolean): string {
  if (SAFE_WORD.test(text) && !text.startsWith('!') && coin()) return text;
  let out = '"';
  for (const ch of text) {
    const c = ch.codePointAt(0)!;
    if (ch === '"' || ch === '\\' || ch === '$' || ch === '?') out += `\\${ch}`;
    else if (ch === '\n') out += coin() ? '\\n' : '\\0A';
    else if (ch === '\r') out += '\\r';
    else if (ch === '\t') out += coin() ? '\\t' : '\\09';
    else if (ch === ' ' && coin()) out += '\\_';
    else if (c < 0x20 || c === 0x7f) out += `\\${c.toString(16).toUpperCase().padStart(2, '0')}`;
    else if (c > 0x7f && coin()) for (const b of Buffer.from(ch, 'utf8')) out += `\\${b.toString(16).toUpperCase().padStart(2, '0')}`;
    else out += ch;
  }
  return `${out}"`;
}

/** A source text for the spec: a menu line then a relative command, or the one-line absolute form. */
export function spellCommand(spec: CommandSpec, seed: number): string {
  let s = seed >>> 0 || 1;
  const coin = (): boolean => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return (s >>> 0) % 2 === 0;
  };
  const parts: string[] = [];
  const oneLine = coin();
  parts.push(oneLine ? `/${spec.path.join(coin() ? ' ' : '/')} ${spec.verb}` : spec.verb);
  if (spec.item !== undefined) parts.push(spec.item);
  if (spec.findProp !== undefined) parts.push(`[ find ${spec.findProp.name}=${spellValue(spec.findProp.value ?? '', coin)} ]`);
  for (const p of spec.props) parts.push(p.value === null ? `!${p.name}` : `${p.name}=${spellValue(p.value, coin)}`);
  const line = parts.join(coin() ? ' ' : '  ');
  return oneLine ? line : `/${spec.path.join(' ')}\n${line}`;
}

/** Static text of a value (word or quoted without interpolation). */
function text(v: Value | null): string | null {
  if (v === null) return null;
  if (v.kind === 'word') return v.text;
  if (v.kind === 'quoted' && v.text !== undefined) return v.text;
  return `<${v.kind}:${v.raw}>`;
}

/** The meaning of a parsed command in spec form, for comparison. */
export function meaning(c: MenuCommand): CommandSpec {
  const sel = c.selector;
  return {
    path: [...c.path],
    verb: c.verb,
    item: sel?.kind === 'items' ? (text(sel.value) ?? undefined) : undefined,
    findProp: sel?.kind === 'find' ? { name: sel.find.props[0]!.name, value: text(sel.find.props[0]!.value) } : undefined,
    props: c.props.map((p) => ({ name: p.name, value: p.unset ? null : text(p.value) })),
  };
}

/** Structure without positions and without the quoted/unquoted spelling of static values. */
export function normalize(x: unknown): unknown {
  return JSON.parse(
    JSON.stringify(x, (k, v: unknown) => {
      if (k === 'pos' || k === 'end') return undefined;
      if (v !== null && typeof v === 'object' && 'kind' in v) {
        const o = v as { kind: string; text?: string; negated?: boolean };
        if (o.kind === 'word') return { static: o.text, negated: o.negated };
        if (o.kind === 'quoted' && o.text !== undefined) return { static: o.text, negated: false };
      }
      if (k === 'raw') return undefined;
      return v;
    }),
  );
}
