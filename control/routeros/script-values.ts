/**
 * Run-time values of the RouterOS scripting language and their conversions (`:tostr`, `:tonum`, `:typeof`,
 * comparisons, arithmetic). Used by the evaluator in script.ts.
 */
import type { Pos } from './source';
import type { Statement } from './ast';
import { parseIpv4, parseIpv4Prefix, parseIpv6, parseIpv6Prefix, parseTime } from './values';

export type TypedText = 'ip' | 'ip-prefix' | 'ip6' | 'ip6-prefix' | 'time' | 'id';

export type ScriptValue =
  | { readonly type: 'nothing' }
  | { readonly type: 'nil' }
  | { readonly type: 'str'; readonly value: string }
  | { readonly type: 'num'; readonly value: number }
  | { readonly type: 'bool'; readonly value: boolean }
  /** Addresses, prefixes, times and ids keep their text (that is also how they print). */
  | { readonly type: TypedText; readonly text: string }
  | { readonly type: 'array'; readonly items: readonly ArrayEntry[] }
  | { readonly type: 'code'; readonly body: readonly Statement[]; readonly pos: Pos };

export type ArrayEntry = readonly [key: string | undefined, value: ScriptValue];

export const NOTHING: ScriptValue = { type: 'nothing' };

export function str(value: string): ScriptValue {
  return { type: 'str', value };
}

export function num(value: number): ScriptValue {
  return { type: 'num', value };
}

export function bool(value: boolean): ScriptValue {
  return { type: 'bool', value };
}

export function array(values: readonly ScriptValue[]): ScriptValue {
  return { type: 'array', items: values.map((v) => [undefined, v] as const) };
}

/** Type a literal word the way RouterOS does: number, bool, IP/IPv6 address or prefix, time, id, else string. */
export function typedLiteral(text: string): ScriptValue {
  if (/^-?(0|[1-9]\d*)$/.test(text) && Number.isSafeInteger(Number(text))) return num(Number(text));
  if (text === 'true' || text === 'false') return bool(text === 'true');
  if (/^\d/.test(text)) {
    if (parseIpv4(text).ok) return { type: 'ip', text };
    if (parseIpv4Prefix(text).ok) return { type: 'ip-prefix', text };
    if (/^\d+(\.\d+)?(ms|us|w|d|h|m|s)/.test(text) || /^\d+:\d\d(:\d\d)?$/.test(text)) {
      if (parseTime(text).ok) return { type: 'time', text };
    }
  }
  if (text.includes(':')) {
    if (parseIpv6(text).ok) return { type: 'ip6', text };
    if (parseIpv6Prefix(text).ok) return { type: 'ip6-prefix', text };
  }
  if (/^\*[0-9A-Fa-f]+$/.test(text)) return { type: 'id', text };
  return str(text);
}

/** `:tostr`: arrays join with ';' (as `:put` prints them). */
export function toStr(v: ScriptValue): string {
  switch (v.type) {
    case 'nothing':
    case 'nil':
      return '';
    case 'str':
      return v.value;
    case 'num':
      return String(v.value);
    case 'bool':
      return v.value ? 'true' : 'false';
    case 'array':
      return v.items.map(([k, x]) => (k === undefined ? toStr(x) : `${k}=${toStr(x)}`)).join(';');
    case 'code':
      return '(code)';
    default:
      return v.text;
  }
}

/** Text given to a menu property: arrays become comma-separated lists. */
export function toPropText(v: ScriptValue): string {
  return v.type === 'array' ? v.items.map(([, x]) => toPropText(x)).join(',') : toStr(v);
}

/** `:typeof`. */
export function typeName(v: ScriptValue): string {
  return v.type;
}

/** `:tonum`: numbers from numeric text (decimal or 0x hex), else nothing. */
export function toNum(v: ScriptValue): ScriptValue {
  if (v.type === 'num') return v;
  if (v.type === 'bool') return num(v.value ? 1 : 0);
  const s = toStr(v).trim();
  if (/^[+-]?\d+$/.test(s) && Number.isSafeInteger(Number(s))) return num(Number(s));
  if (/^0x[0-9a-fA-F]+$/.test(s)) return num(parseInt(s.slice(2), 16));
  return NOTHING;
}

export function truthy(v: ScriptValue): boolean {
  switch (v.type) {
    case 'bool':
      return v.value;
    case 'num':
      return v.value !== 0;
    case 'str':
      return v.value === 'true' || v.value === 'yes';
    case 'array':
      return v.items.length > 0;
    case 'nothing':
    case 'nil':
      return false;
    default:
      return true;
  }
}

function isEmpty(v: ScriptValue): boolean {
  return v.type === 'nothing' || v.type === 'nil' || (v.type === 'str' && v.value === '') || (v.type === 'array' && v.items.length === 0);
}

/** Numeric view for comparisons and arithmetic (IPv4 as uint32, time in ms), or undefined. */
export function numericOf(v: ScriptValue): number | undefined {
  switch (v.type) {
    case 'num':
      return v.value;
    case 'ip': {
      const r = parseIpv4(v.text);
      return r.ok ? r.value : undefined;
    }
    case 'time': {
      const r = parseTime(v.text);
      return r.ok ? r.value : undefined;
    }
    case 'str':
      return /^-?\d+$/.test(v.value) ? Number(v.value) : undefined;
    default:
      return undefined;
  }
}

/** RouterOS `=`: numbers by value, empty things (nothing, "", empty array) equal each other, else by text. */
export function looseEquals(a: ScriptValue, b: ScriptValue): boolean {
  if (isEmpty(a) || isEmpty(b)) return isEmpty(a) && isEmpty(b);
  if (a.type === 'num' || b.type === 'num') {
    const x = numericOf(a);
    const y = numericOf(b);
    if (x !== undefined && y !== undefined) return x === y;
  }
  if (a.type === 'array' && b.type === 'array') {
    return a.items.length === b.items.length && a.items.every(([k, x], i) => k === b.items[i]![0] && looseEquals(x, b.items[i]![1]));
  }
  return toStr(a) === toStr(b);
}

/** Ordering for `< > <= >=`: numeric when both sides have a numeric view of the same kind, else text. */
export function compare(a: ScriptValue, b: ScriptValue): number {
  const x = numericOf(a);
  const y = numericOf(b);
  if (x !== undefined && y !== undefined && (a.type === b.type || a.type === 'str' || b.type === 'str' || a.type === 'num' || b.type === 'num')) {
    return x < y ? -1 : x > y ? 1 : 0;
  }
  const s = toStr(a);
  const t = toStr(b);
  return s < t ? -1 : s > t ? 1 : 0;
}

export function toArrayValue(v: ScriptValue): ScriptValue {
  if (v.type === 'array') return v;
  if (v.type === 'nothing' || v.type === 'nil') return { type: 'array', items: [] };
  if (v.type === 'str' && v.value.includes(',')) return array(v.value.split(',').map(typedLiteral));
  return array([v]);
}
