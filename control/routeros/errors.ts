/**
 * Configuration errors: every problem names file:line:column and says what was expected.
 * The front end never throws on input; it collects `ConfigError`s and recovers, so one file yields all of
 * its errors and the caller decides to apply nothing.
 */
import { type Pos, type SourceText, formatPos } from './source';

export type Severity = 'error' | 'warning';

export class ConfigError {
  constructor(
    readonly file: string,
    readonly line: number,
    readonly col: number,
    readonly message: string,
    readonly severity: Severity = 'error',
    /** 0-based UTF-8 byte offset of the position. */
    readonly offset: number = 0,
  ) {}

  static at(file: string, pos: Pos, message: string, severity: Severity = 'error'): ConfigError {
    return new ConfigError(file, pos.line, pos.col, message, severity, pos.offset);
  }

  get pos(): Pos {
    return { line: this.line, col: this.col, offset: this.offset };
  }

  toString(): string {
    return `${this.file}:${this.line}:${this.col}: ${this.severity === 'warning' ? 'warning: ' : ''}${this.message}`;
  }
}

/** Collects errors and warnings for one source, deduplicated, with a cap so hostile input stays cheap. */
export class Diagnostics {
  readonly errors: ConfigError[] = [];
  readonly warnings: ConfigError[] = [];
  private readonly seen = new Set<string>();
  private capped = false;

  constructor(
    readonly src: SourceText,
    readonly limit = 1000,
  ) {}

  /** Report an error at a UTF-16 index of the source. */
  error(index: number, message: string): void {
    this.add(this.src.pos(index), message, 'error');
  }

  warning(index: number, message: string): void {
    this.add(this.src.pos(index), message, 'warning');
  }

  errorAt(pos: Pos, message: string): void {
    this.add(pos, message, 'error');
  }

  warningAt(pos: Pos, message: string): void {
    this.add(pos, message, 'warning');
  }

  private add(pos: Pos, message: string, severity: Severity): void {
    const key = `${pos.offset}\u0000${severity}\u0000${message}`;
    if (this.seen.has(key)) return;
    const list = severity === 'error' ? this.errors : this.warnings;
    if (list.length >= this.limit) {
      if (!this.capped && severity === 'error') {
        this.capped = true;
        list.push(ConfigError.at(this.src.file, pos, `too many errors (more than ${this.limit}); stopped reporting`));
      }
      return;
    }
    this.seen.add(key);
    list.push(ConfigError.at(this.src.file, pos, message, severity));
  }
}

export { formatPos };
