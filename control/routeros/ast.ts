/**
 * Syntax tree of a RouterOS script. Every node carries its source position (`pos`, `end`) so later layers
 * (menu schemas, config store, evaluator) can name file:line:column.
 *
 * Menu paths are resolved while parsing: a command's `path` is the absolute menu (`['ip','firewall','filter']`)
 * after applying `/` prefixes, relative words, `..`, menu-change lines and `/menu { ... }` blocks.
 */
import type { ConfigError } from './errors';
import type { Pos } from './source';

interface Node {
  readonly pos: Pos;
  readonly end: Pos;
}

// ---------------------------------------------------------------------------------------------------------
// Values (arguments of commands)

interface ValueNode extends Node {
  /** The value as written (continuations joined), e.g. `"a b"`, `!LAN`, `$x`, `[find]`, `("a" . $b)`. */
  readonly raw: string;
}

/** Unquoted text, e.g. `established,related`, `!dstnat`, `ether1`, `10.0.0.0/8`. */
export interface WordValue extends ValueNode {
  readonly kind: 'word';
  readonly text: string;
  /** The word starts with `!` (RouterOS negation, e.g. `in-interface-list=!LAN`). */
  readonly negated: boolean;
}

export type StringPiece =
  | { readonly kind: 'text'; readonly text: string }
  | { readonly kind: 'var'; readonly name: string; readonly pos: Pos }
  | { readonly kind: 'expr'; readonly expr: Expr }
  | { readonly kind: 'cmd'; readonly body: Statement[]; readonly pos: Pos }
  | { readonly kind: 'placeholder'; readonly name: string; readonly pos: Pos };

/** A quoted string; `text` is its decoded value when it has no interpolation (`$var`, `$(...)`, `$[...]`). */
export interface QuotedValue extends ValueNode {
  readonly kind: 'quoted';
  readonly pieces: readonly StringPiece[];
  readonly text: string | undefined;
}

/** `$name` or `$"name"`. */
export interface VarValue extends ValueNode {
  readonly kind: 'var';
  readonly name: string;
}

/** `[ command ]` command substitution. */
export interface SubstValue extends ValueNode {
  readonly kind: 'subst';
  readonly body: Statement[];
}

/** `( expression )`. */
export interface ExprValue extends ValueNode {
  readonly kind: 'expr';
  readonly expr: Expr;
}

/** `{ statements }` used as a value: code for `do=`, `else=`, `on-error=`. */
export interface BlockValue extends ValueNode {
  readonly kind: 'block';
  readonly body: Statement[];
}

export interface ArrayItem {
  readonly key: string | undefined;
  readonly value: Value;
  readonly pos: Pos;
}

/** `{ "a"; "b" }` or `{ k=v; k2=v2 }` used as a value. */
export interface ArrayValue extends ValueNode {
  readonly kind: 'array';
  readonly items: readonly ArrayItem[];
}

/** Adjacent pieces without blanks between them, e.g. `abc$x` or `"a"[:len $b]`. */
export interface ConcatValue extends ValueNode {
  readonly kind: 'concat';
  readonly parts: readonly Value[];
}

/** A template placeholder such as `$ISP1-GATEWAY$` (reported as an error). */
export interface PlaceholderValue extends ValueNode {
  readonly kind: 'placeholder';
  readonly name: string;
}

export type Value =
  | WordValue
  | QuotedValue
  | VarValue
  | SubstValue
  | ExprValue
  | BlockValue
  | ArrayValue
  | ConcatValue
  | PlaceholderValue;

/** Literal text of a value when it does not depend on evaluation (word, or quoted without interpolation). */
export function staticText(v: Value): string | undefined {
  if (v.kind === 'word') return v.text;
  if (v.kind === 'quoted') return v.text;
  return undefined;
}

// ---------------------------------------------------------------------------------------------------------
// Expressions (inside `( ... )` and after `where`)

export type UnaryOp = '!' | 'not' | '-' | '~';
export type BinaryOp =
  | '||'
  | 'or'
  | '&&'
  | 'and'
  | '|'
  | '^'
  | '&'
  | '='
  | '!='
  | '<'
  | '>'
  | '<='
  | '>='
  | '~'
  | 'in'
  | '<<'
  | '>>'
  | '.'
  | '+'
  | '-'
  | '*'
  | '/'
  | '%'
  | ','
  | '->';

export type Expr =
  /** A word (literal or, in `where`, a property name), string, variable, substitution, array or block. */
  | { readonly kind: 'value'; readonly value: Value; readonly pos: Pos; readonly end: Pos }
  | { readonly kind: 'unary'; readonly op: UnaryOp; readonly operand: Expr; readonly pos: Pos; readonly end: Pos }
  | { readonly kind: 'binary'; readonly op: BinaryOp; readonly left: Expr; readonly right: Expr; readonly pos: Pos; readonly end: Pos }
  /** Parenthesized sub-expression (kept so printing and positions stay faithful). */
  | { readonly kind: 'group'; readonly expr: Expr; readonly pos: Pos; readonly end: Pos }
  /** A constant produced by the evaluator when it binds variables of a `where` expression. */
  | { readonly kind: 'const'; readonly value: unknown; readonly text: string; readonly pos: Pos; readonly end: Pos };

// ---------------------------------------------------------------------------------------------------------
// Commands and statements

export interface Prop {
  readonly name: string;
  /** `null` for an unset (`!name` in set/add). An empty `name=` has a word value with text ''. */
  readonly value: Value | null;
  readonly unset: boolean;
  /** Position of the property name. */
  readonly pos: Pos;
  readonly end: Pos;
}

export type Selector =
  /** `[ find ... ]` / `[ /menu find ... ]` as the item argument. */
  | { readonly kind: 'find'; readonly find: MenuCommand; readonly pos: Pos; readonly end: Pos }
  /** Item names, numbers, ids or a variable: `ether1`, `0,1`, `*1A`, `$id`, `numbers=...`. */
  | { readonly kind: 'items'; readonly value: Value; readonly pos: Pos; readonly end: Pos }
  /** `where <expression>` (print, find, ...). */
  | { readonly kind: 'where'; readonly expr: Expr; readonly raw: string; readonly pos: Pos; readonly end: Pos };

/** A menu command: `/ip firewall filter add chain=input action=accept`, `set [ find ] disabled=yes`. */
export interface MenuCommand extends Node {
  readonly kind: 'command';
  /** Absolute menu path. */
  readonly path: readonly string[];
  readonly verb: string;
  /** Positional (unnamed) arguments, without the selector. */
  readonly args: readonly Value[];
  /** Named properties in source order, including unsets. */
  readonly props: readonly Prop[];
  readonly selector: Selector | undefined;
}

/** A line that only changes the current menu: `/ip firewall filter`, `..`. */
export interface MenuChange extends Node {
  readonly kind: 'menu';
  readonly path: readonly string[];
}

/** `/menu { ... }`: the body runs with the block's menu as current menu; the outer menu is restored after. */
export interface MenuBlock extends Node {
  readonly kind: 'menu-block';
  readonly path: readonly string[];
  readonly body: Statement[];
}

/** A global (scripting) command: `:local`, `:if`, `:foreach`, `:put`, `do { } on-error={ }`, ... */
export interface ScriptCommand extends Node {
  readonly kind: 'script';
  /** Command name without the `:`. */
  readonly name: string;
  readonly args: readonly Value[];
  readonly props: readonly Prop[];
}

/** `$function arg1 name=value`. */
export interface CallStatement extends Node {
  readonly kind: 'call';
  readonly callee: VarValue;
  readonly args: readonly Value[];
  readonly props: readonly Prop[];
}

/** `{ ... }` as a statement (its own local scope). */
export interface BlockStatement extends Node {
  readonly kind: 'block';
  readonly body: Statement[];
}

/** A value in statement position, e.g. `[/terminal style none]` or `("a")`. */
export interface ExprStatement extends Node {
  readonly kind: 'expr';
  readonly value: Value;
}

export type Statement = MenuCommand | MenuChange | MenuBlock | ScriptCommand | CallStatement | BlockStatement | ExprStatement;

export interface Comment {
  readonly text: string;
  readonly pos: Pos;
}

export interface Script {
  readonly file: string;
  readonly statements: Statement[];
  readonly comments: Comment[];
  /** Syntax errors (the parser recovered after each one). */
  readonly errors: ConfigError[];
  readonly warnings: ConfigError[];
}

/** Every menu command in statement position, in source order, at any block depth (not inside substitutions). */
export function listCommands(statements: readonly Statement[]): MenuCommand[] {
  const out: MenuCommand[] = [];
  const visitValue = (v: Value | null): void => {
    if (v === null) return;
    if (v.kind === 'block') walk(v.body);
  };
  const walk = (list: readonly Statement[]): void => {
    for (const s of list) {
      switch (s.kind) {
        case 'command':
          out.push(s);
          break;
        case 'menu-block':
        case 'block':
          walk(s.body);
          break;
        case 'script':
        case 'call':
          for (const a of s.args) visitValue(a);
          for (const p of s.props) visitValue(p.value);
          break;
        default:
          break;
      }
    }
  };
  walk(statements);
  return out;
}
