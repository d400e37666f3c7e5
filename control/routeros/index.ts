/**
 * RouterOS script front end: lexer, parser, printer, value kinds and the scripting evaluator.
 * See README.md in this folder.
 */
export { type Pos, SourceText, formatPos } from './source';
export { ConfigError, Diagnostics, type Severity } from './errors';
export { Lexer, tokenize, type LexMode, type Token, type TokenKind, type StrPart, type TokenizeResult } from './lexer';
export * from './ast';
export { parseScript, describeToken, type ParseOptions } from './parser';
export { printCommand, printResolvedCommand, printExpr, printValue, quoteValue, quoteString, escapeString, wrapExportLine, type PrintOptions } from './printer';
export {
  runScript,
  type ScriptHost,
  type ExecResult,
  type EvalOptions,
  type EvalResult,
  type ResolvedCommand,
  type ResolvedProp,
  type ResolvedArg,
  type ResolvedSelector,
} from './script';
export { type ScriptValue, type ArrayEntry, typedLiteral, toStr, toPropText, NOTHING } from './script-values';
export * as values from './values';
export { DEFAULT_VERBS, ITEM_VERBS, UNSET_VERBS, SCRIPT_COMMANDS } from './vocabulary';
