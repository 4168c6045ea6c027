/**
 * Shapes shared by every ride-file reader and writer in `io/`.
 */

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
}

/** What is known about a ride file without reading its rows. */
export interface RideFileInfo {
  readonly format: RideFormat;
  /** Number of rides, when the format records it (parquet); `undefined` otherwise. */
  readonly rows: number | undefined;
}
