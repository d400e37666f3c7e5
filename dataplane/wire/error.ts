/**
 * Errors as values for the off-hot-path `parseXxx` functions.
 *
 * A checked parse never throws: on bad input it returns a `WireError` carrying the drop reason a stage
 * would count (dataplane/drop.ts) and a short message. Test with `isWireError(x)`.
 */
import { DROP_NAMES } from '../drop';

export class WireError {
  /** Drop code (dataplane/drop.ts). */
  readonly drop: number;
  /** What exactly was wrong, for humans. */
  readonly message: string;
  constructor(drop: number, message: string) {
    this.drop = drop;
    this.message = message;
  }
  /** The drop reason's printable name, e.g. `ipv4-bad-ihl`. */
  get name(): string {
    return DROP_NAMES[this.drop] ?? `drop-${this.drop}`;
  }
  toString(): string {
    return `${this.name}: ${this.message}`;
  }
}

export function isWireError(x: unknown): x is WireError {
  return x instanceof WireError;
}

/** Shorthand used by the parsers. */
export function wireError(drop: number, message: string): WireError {
  return new WireError(drop, message);
}
