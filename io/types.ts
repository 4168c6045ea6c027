/**
 * Shapes shared by every ride-file reader and writer in `io/`.
 */
import type { RideField } from '../lambda/model/contract/index.js';

export type { RideField };

/**
 * A requested field's value in a {@link RideRow}: the typed value, `null` when absent or empty,
 * or the raw text/number when it is not a valid value of the field's type (left for the model's
 * contract to name the problem).
 */
export type RideFieldValue = number | string | null;

/** File formats {@link readRides} understands, chosen by extension unless given. */
export type RideFormat = 'parquet' | 'csv' | 'jsonl';

/**
 * One ride as read from a TLC parquet file, a CSV file or a JSON-lines file.
 *
 * Fields absent from the file, empty, null or not a valid value are `null` (never dropped), so
 * callers can still emit a line for the ride (an empty prediction) and count it.
 * Location ids must be whole numbers; `trip_distance` must be a finite number.
 */
export interface RideRow {
  /** Zero-based position of the ride among the file's rides (data lines for CSV/JSONL). */
  readonly rowIndex: number;
  readonly PULocationID: number | null;
  readonly DOLocationID: number | null;
  readonly trip_distance: number | null;
  /**
   * Pickup time as a naive wall-clock instant: milliseconds since 1970-01-01T00:00:00 of the
   * local clock the file was written in, i.e. the wall-clock read *as if* it were UTC
   * (TLC timestamps are `TIMESTAMP(MICROS, isAdjustedToUTC=false)`). Differences are exact
   * durations; {@link formatNaiveTimestamp} prints it back unchanged. `null` when absent.
   */
  readonly pickup: number | null;
  /** Dropoff time, same convention as {@link RideRow.pickup}. */
  readonly dropoff: number | null;
  /**
   * The ride's id when the source names one: `ride_id` of a JSON-lines ride event, or the column
   * given as `idColumn`. `null` otherwise (callers usually fall back to {@link RideRow.rowIndex}).
   */
  readonly rideId: string | number | null;
  /**
   * The fields asked for with {@link ReadRidesOptions.fields} (by default the course's
   * `PULocationID`, `DOLocationID`, `trip_distance`), by name; see {@link RideFieldValue}.
   * Timestamps are texts `YYYY-MM-DD HH:MM:SS` (the naive wall clock).
   */
  readonly fields: Readonly<Record<string, RideFieldValue>>;
}

/** Options of {@link readRides}. */
export interface ReadRidesOptions {
  /** Stop after this many rides (the reader reads no further than needed). */
  readonly limit?: number;
  /** Skip this many rides first (parquet skips whole row groups without reading them). */
  readonly offset?: number;
  /** Force a format instead of guessing it from the extension. */
  readonly format?: RideFormat;
  /** Column (CSV/parquet) or top-level field (JSONL) holding the ride id. */
  readonly idColumn?: string;
  /**
   * The ride fields to read into {@link RideRow.fields}, typically a model contract's
   * `requiredFields`; their columns are required (CSV header, parquet schema). Default: the
   * course's three. The course columns and the pickup/dropoff times are read when present either way.
   */
  readonly fields?: readonly RideField[];
}

/** What a format's reader is asked for ({@link ReadRidesOptions} with defaults applied). */
export interface RideRange {
  readonly offset: number;
  readonly limit: number;
  readonly idColumn: string | undefined;
  readonly fields: readonly RideField[];
}

/** What is known about a ride file without reading its rows. */
export interface RideFileInfo {
  readonly format: RideFormat;
  /** Number of rides, when the format records it (parquet); `undefined` otherwise. */
  readonly rows: number | undefined;
  /** Column names (parquet schema, CSV header); `undefined` for JSON lines, which have none. */
  readonly columns: readonly string[] | undefined;
}
