/**
 * Errors raised while reading or writing ride files. Each names the file and, where it
 * applies, the line, so a bad input gives a clear message and never a silent partial result.
 */

/** Base class: anything wrong with a ride file. */
export class RideFileError extends Error {
  override readonly name: string = 'RideFileError';
  constructor(
    message: string,
    /** The file concerned. */
    readonly path: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}

/**
 * `cause` as a {@link RideFileError} about `path`: one already (a source's own failure, S3's refusal
 * told in words) as it is, anything else as `<path>: <what> (<its message>)`.
 *
 * @example
 * throw rideFileError(cause, 'rides.csv', 'cannot read'); // RideFileError: rides.csv: cannot read (EACCES: permission denied …)
 */
export function rideFileError(cause: unknown, path: string, what: string): RideFileError {
  if (cause instanceof RideFileError) return cause;
  return new RideFileError(`${path}: ${what} (${(cause as Error).message})`, path, { cause });
}

/** The extension does not name a supported format and none was forced. */
export class UnsupportedRideFormatError extends RideFileError {
  override readonly name = 'UnsupportedRideFormatError';
  constructor(path: string) {
    super(`${path}: cannot tell the ride file format from the extension (use .parquet, .csv, .jsonl or .ndjson)`, path);
  }
}

/** A required column is missing (CSV header or parquet schema). */
export class MissingRideColumnError extends RideFileError {
  override readonly name = 'MissingRideColumnError';
  constructor(
    path: string,
    readonly columns: readonly string[],
  ) {
    super(`${path}: missing required column(s) ${columns.join(', ')}`, path);
  }
}

/** A line of a CSV or JSON-lines file cannot be parsed at all. */
export class RideLineError extends RideFileError {
  override readonly name = 'RideLineError';
  constructor(
    path: string,
    /** 1-based line number in the file. */
    readonly line: number,
    detail: string,
    options?: ErrorOptions,
  ) {
    super(`${path}:${line}: ${detail}`, path, options);
  }
}
