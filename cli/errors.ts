/**
 * Errors of the command line itself, and option parsers that reject bad values up front.
 */
import { InvalidArgumentError } from 'commander';

/**
 * A failure to report as one line without a stack (bad input file, unreachable endpoint);
 * `cli/main.ts` prints the message and exits with {@link CliError.exitCode}.
 */
export class CliError extends Error {
  override readonly name = 'CliError';
  constructor(
    message: string,
    /** Process exit code. */
    readonly exitCode = 1,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}

// Option parsers for commander's argParser: a bad value becomes commander's usage error
// ("option '--count <n>' argument 'x' is invalid. …", exit code 1) before the command runs.

/** A whole number >= 1. */
export function positiveInt(value: string): number {
  const n = Number(value);
  if (!Number.isSafeInteger(n) || n < 1) throw new InvalidArgumentError('Expected a whole number >= 1.');
  return n;
}

/** A whole number >= 0. */
export function nonNegativeInt(value: string): number {
  const n = Number(value);
  if (!Number.isSafeInteger(n) || n < 0) throw new InvalidArgumentError('Expected a whole number >= 0.');
  return n;
}

/** A finite number > 0 (rates, timeouts). */
export function positiveNumber(value: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0) throw new InvalidArgumentError('Expected a number > 0.');
  return n;
}

/** A fraction in [0, 1]. */
export function fraction(value: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n < 0 || n > 1) throw new InvalidArgumentError('Expected a number between 0 and 1.');
  return n;
}
