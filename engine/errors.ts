/**
 * One error type for everything a user can get wrong.
 *
 * Every user-facing failure is an `SnnError`: a stable `code`, a one-line message that says what is
 * wrong, and a `hint` that says how to fix it. The CLI prints `error: <message> (<hint>)` and exits
 * with `exitCode` (2 for bad input), with no stack trace unless `--debug` is given.
 */
export type SnnErrorCode =
  | 'config.invalid'
  | 'config.parse'
  | 'config.reference'
  | 'io.missing'
  | 'io.corrupt'
  | 'io.truncated'
  | 'io.format'
  | 'dataset.missing'
  | 'dataset.corrupt'
  | 'resource.memory'
  | 'numeric.nonfinite'
  | 'usage'
  | 'internal';

export class SnnError extends Error {
  readonly code: SnnErrorCode;
  readonly hint: string | undefined;
  readonly exitCode: number;

  constructor(code: SnnErrorCode, message: string, hint?: string, exitCode = 2) {
    super(message);
    this.name = 'SnnError';
    this.code = code;
    this.hint = hint;
    this.exitCode = exitCode;
  }

  /** The single line shown to a user. */
  oneLine(): string {
    return this.hint ? `${this.message} (${this.hint})` : this.message;
  }
}

/** Throws an SnnError when `cond` is false; the message is built only on failure (tfjs idiom). */
export function check(
  cond: unknown,
  code: SnnErrorCode,
  message: () => string,
  hint?: string,
): asserts cond {
  if (!cond) throw new SnnError(code, message(), hint);
}
