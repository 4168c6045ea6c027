/**
 * One entry point over every ride file format.
 */
import { csvHeader, readCsvRides } from './csv.js';
import { UnsupportedRideFormatError } from './errors.js';
import { readJsonlRides } from './jsonl.js';
import { parquetFileInfo, readParquetRideBatches, readParquetRides } from './parquet.js';
import type { RideSource } from './source.js';
import type { ReadRidesOptions, RideFileInfo, RideFormat, RideRange, RideRow } from './types.js';
import { COURSE_RIDE_FIELDS } from './values.js';

const EXTENSIONS: ReadonlyArray<readonly [string, RideFormat]> = [
  ['.parquet', 'parquet'],
  ['.csv', 'csv'],
  ['.jsonl', 'jsonl'],
  ['.ndjson', 'jsonl'],
];

/**
 * The format named by a file's extension (case-insensitive).
 *
 * @example
 * detectRideFormat('green_tripdata_2021-02.parquet'); // 'parquet'
 * @throws {UnsupportedRideFormatError} for any other extension.
 */
export function detectRideFormat(path: string): RideFormat {
  const lower = path.toLowerCase();
  const hit = EXTENSIONS.find(([ext]) => lower.endsWith(ext));
  if (!hit) throw new UnsupportedRideFormatError(path);
  return hit[1];
}

/**
 * Streams the rides of a TLC parquet file, a CSV file or a JSON-lines file, in file order.
 *
 * Memory stays bounded: parquet is read one row group (ride columns only) at a time and stops at
 * the last row group the range needs; CSV and JSON-lines are read line by line.
 * A ride with a missing or invalid field is still yielded, with that field `null` (in
 * `ride.fields`: `null` when missing, the raw value when invalid).
 *
 * @example
 * for await (const ride of readRides('green_tripdata_2021-02.parquet', { limit: 100 })) {
 *   console.log(ride.PULocationID, ride.DOLocationID, ride.trip_distance);
 * }
 * // The fields a model needs (its contract's `requiredFields`), e.g. the homework model's:
 * for await (const ride of readRides(path, { fields: model.contract.requiredFields })) {
 *   ride.fields; // { PULocationID: 130, DOLocationID: 205 }
 * }
 * @throws {RideFileError} (or a subclass) when the file cannot be read, lacks a required column
 *   ({@link MissingRideColumnError} names every one, before the first ride), or has an
 *   unparseable line; the message names the file and line.
 */
export function readRides(path: string, options: ReadRidesOptions = {}, source?: RideSource): AsyncIterable<RideRow> {
  const format = options.format ?? detectRideFormat(path);
  const range = rideRange(options);
  switch (format) {
    case 'parquet':
      return readParquetRides(path, range, source);
    case 'csv':
      return readCsvRides(path, range, source);
    case 'jsonl':
      return readJsonlRides(path, range, source);
  }
}

/**
 * {@link readRides} in arrays of up to `batchSize` rides, in file order: for consumers that work a
 * batch at a time (parquet then costs one await per batch instead of one per ride).
 *
 * @example
 * for await (const rides of readRideBatches('green_tripdata_2021-02.parquet', { fields }, undefined, 4096)) score(rides);
 */
export async function* readRideBatches(path: string, options: ReadRidesOptions = {}, source?: RideSource, batchSize = 4096): AsyncGenerator<RideRow[]> {
  const format = options.format ?? detectRideFormat(path);
  if (format === 'parquet') {
    yield* readParquetRideBatches(path, rideRange(options), source, batchSize);
    return;
  }
  let batch: RideRow[] = [];
  for await (const ride of readRides(path, { ...options, format }, source)) {
    batch.push(ride);
    if (batch.length === batchSize) {
      yield batch;
      batch = [];
    }
  }
  if (batch.length > 0) yield batch;
}

/** The reader's range from the caller's options. */
function rideRange(options: ReadRidesOptions): RideRange {
  return {
    offset: Math.max(0, options.offset ?? 0),
    limit: options.limit ?? Number.POSITIVE_INFINITY,
    idColumn: options.idColumn,
    fields: options.fields ?? COURSE_RIDE_FIELDS,
  };
}

/**
 * Format, (where the file records it, i.e. parquet) ride count and (where the file has a header:
 * parquet, CSV) column names, without reading rows: parquet's footer or CSV's first line only.
 * Handy for sizing progress bars and for refusing a file before any work.
 *
 * @example
 * await rideFileInfo('green_tripdata_2021-02.parquet'); // { format: 'parquet', rows: 64572, columns: ['VendorID', …] }
 */
export async function rideFileInfo(path: string, format: RideFormat = detectRideFormat(path), source?: RideSource): Promise<RideFileInfo> {
  if (format === 'parquet') return { format, ...(await parquetFileInfo(path, source)) };
  if (format === 'csv') return { format, rows: undefined, columns: await csvHeader(path, source) };
  return { format, rows: undefined, columns: undefined };
}
