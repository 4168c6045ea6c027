/**
 * Errors of the command line itself, and option parsers that reject bad values up front.
 */
import { InvalidArgumentError } from 'commander';

/** Exit code of a failure: bad input file, unreachable service, model refused, empty input. */
export const EXIT_FAILURE = 1;
/** Exit code of a usage error: unknown command or option, missing or bad flag value. */
export const EXIT_USAGE = 2;

/**
 * A failure to report as one line without a stack (bad input file, unreachable endpoint);
 * `cli/main.ts` prints the message and exits with {@link CliError.exitCode}.
 */
export class CliError extends Error {
  override readonly name = 'CliError';
  constructor(
    message: string,
    /** Process exit code. */
    readonly exitCode: number = EXIT_FAILURE,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}

/** A bad flag value or combination found after parsing: exit code {@link EXIT_USAGE}. */
export class UsageError extends CliError {
  constructor(message: string, options?: ErrorOptions) {
    super(message, EXIT_USAGE, options);
  }
}

/**
 * The one line printed for an error: `ride-duration: <message>`, no class names (a message that is
 * empty falls back to the error's name, the only thing it says).
 *
 * @example
 * errorLine(new CliError('rides.csv: no rides')); // 'ride-duration: rides.csv: no rides'
 */
export function errorLine(error: unknown, program = 'ride-duration'): string {
  const message = error instanceof Error ? error.message.trim() || error.name : String(error);
  return `${program}: ${message}`;
}

/** The exit code for an error that ended a command. */
export function exitCodeOf(error: unknown): number {
  return error instanceof CliError ? error.exitCode : EXIT_FAILURE;
}

// Option parsers for commander's argParser: a bad value becomes commander's usage error
// ("option '--count <n>' argument 'x' is invalid. …", exit code 2) before the command runs.

/** The number a flag's text writes; a blank text is none (`Number('')` would read 0). */
function numberOf(value: string): number {
  return value.trim() === '' ? Number.NaN : Number(value);
}

/** A parser of the numbers `accepts` takes (finite ones only), refusing others with `message`. */
function numberParser(accepts: (n: number) => boolean, message: string): (value: string) => number {
  return (value) => {
    const n = numberOf(value);
    if (!Number.isFinite(n) || !accepts(n)) throw new InvalidArgumentError(message);
    return n;
  };
}

/**
 * A whole number from `min` to `max`: for flags with a range of their own (shards, batch size).
 * `message` replaces the default one (a port's range says what 0 means).
 *
 * @example
 * program.option('--shards <n>', 'shards', integerFrom(1, 50), 1);
 */
export function integerFrom(
  min: number,
  max: number = Number.MAX_SAFE_INTEGER,
  message = max === Number.MAX_SAFE_INTEGER ? `Expected a whole number >= ${min}.` : `Expected a whole number from ${min} to ${max}.`,
): (value: string) => number {
  return numberParser((n) => Number.isSafeInteger(n) && n >= min && n <= max, message);
}

/** A whole number >= 1. */
export const positiveInt = integerFrom(1);

/** A whole number >= 0. */
export const nonNegativeInt = integerFrom(0);

/** A finite number >= 0 (penalties). */
export const nonNegativeNumber = numberParser((n) => n >= 0, 'Expected a number >= 0.');

/** A finite number > 0 (rates, timeouts). */
export const positiveNumber = numberParser((n) => n > 0, 'Expected a number > 0.');

/** A fraction in [0, 1]. */
export const fraction = numberParser((n) => n >= 0 && n <= 1, 'Expected a number between 0 and 1.');
