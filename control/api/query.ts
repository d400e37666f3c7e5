/**
 * API queries (`?` words of print; REST `.query`): a small stack machine over an item's printed attributes.
 *
 * Each word pushes one truth value: `?name` (the item has the property), `?-name` (it lacks it),
 * `?name=x` / `?=name=x` (equal), `?<name=x`, `?>name=x` (less, greater: numerically when both sides are
 * numbers, else as text). `?#ops` works on the stack: `!` negates the top, `&` and `|` pop two and push
 * their and/or, `.` pushes a copy of the top, a digit pushes a copy of the value at that index (0 = the
 * bottom). The stack starts as endless `true` (a pop on an empty stack gives true); an item passes when
 * no false value is left. Booleans compare as RouterOS prints them (`yes`/`no` are read as `true`/`false`).
 *
 * Queries are compiled once per command and run per item without allocating.
 */

type Op =
  | { readonly k: 'has'; readonly name: string; readonly neg: boolean }
  | { readonly k: 'cmp'; readonly name: string; readonly op: '=' | '<' | '>'; readonly value: string; readonly num: number }
  | { readonly k: 'ops'; readonly ops: string };

export type Attrs = ReadonlyMap<string, string>;

export interface Query {
  readonly ops: readonly Op[];
}

function normBool(v: string): string {
  return v === 'yes' ? 'true' : v === 'no' ? 'false' : v;
}

/** Compile query words (with or without the leading `?`); returns an error message for a malformed one. */
export function compileQuery(words: readonly string[]): Query | string {
  const ops: Op[] = [];
  for (const raw of words) {
    const w = raw.startsWith('?') ? raw.slice(1) : raw;
    if (w.startsWith('#')) {
      const o = w.slice(1);
      if (!/^[0-9!&|.]*$/.test(o)) return `bad query operation ${raw}`;
      ops.push({ k: 'ops', ops: o });
      continue;
    }
    const c = w.charAt(0);
    if (c === '-') {
      if (w.length < 2) return `bad query ${raw}`;
      ops.push({ k: 'has', name: w.slice(1), neg: true });
      continue;
    }
    let op: '=' | '<' | '>' = '=';
    let rest = w;
    if (c === '<' || c === '>' || c === '=') {
      op = c === '=' ? '=' : c;
      rest = w.slice(1);
    }
    const eq = rest.indexOf('=');
    if (eq < 0) {
      if (op !== '=' || rest === '' || c === '=') return `bad query ${raw}`;
      ops.push({ k: 'has', name: rest, neg: false });
      continue;
    }
    const name = rest.slice(0, eq);
    if (name === '') return `bad query ${raw}`;
    const value = normBool(rest.slice(eq + 1));
    ops.push({ k: 'cmp', name, op, value, num: /^-?\d+(\.\d+)?$/.test(value) ? Number(value) : NaN });
  }
  return { ops };
}

/** Does an item (its printed attributes) pass? `stack` is scratch space the caller may reuse. */
export function queryMatches(q: Query, attrs: Attrs, stack: boolean[] = []): boolean {
  if (q.ops.length === 0) return true;
  stack.length = 0;
  const pop = (): boolean => (stack.length === 0 ? true : stack.pop()!);
  for (const o of q.ops) {
    switch (o.k) {
      case 'has':
        stack.push(attrs.has(o.name) !== o.neg);
        break;
      case 'cmp': {
        const v = attrs.get(o.name);
        if (v === undefined) {
          stack.push(o.op === '=' && o.value === '');
          break;
        }
        const have = normBool(v);
        if (o.op === '=') stack.push(have === o.value);
        else {
          const n = Number.isNaN(o.num) || !/^-?\d+(\.\d+)?$/.test(have) ? NaN : Number(have);
          const d = Number.isNaN(n) ? (have < o.value ? -1 : have > o.value ? 1 : 0) : n - o.num;
          stack.push(o.op === '<' ? d < 0 : d > 0);
        }
        break;
      }
      case 'ops':
        for (let i = 0; i < o.ops.length; i++) {
          const ch = o.ops.charCodeAt(i);
          if (ch >= 48 && ch <= 57) {
            const idx = ch - 48;
            stack.push(idx < stack.length ? stack[idx]! : true);
          } else if (ch === 33) stack.push(!pop());
          else if (ch === 38) {
            const a = pop();
            const b = pop();
            stack.push(a && b);
          } else if (ch === 124) {
            const a = pop();
            const b = pop();
            stack.push(a || b);
          } else if (ch === 46) {
            const a = pop();
            stack.push(a, a);
          }
        }
        break;
    }
  }
  for (const v of stack) if (!v) return false;
  return true;
}
