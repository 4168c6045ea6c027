/**
 * One entry point over every ride file format.
 */
import { readCsvRides } from './csv.js';
import { UnsupportedRideFormatError } from './errors.js';
import { readJsonlRides } from './jsonl.js';
import { parquetRowCount, readParquetRides } from './parquet.js';
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
export function readRides(path: string, options: ReadRidesOptions = {}): AsyncIterable<RideRow> {
  const format = options.format ?? detectRideFormat(path);
  const range: RideRange = {
    offset: Math.max(0, options.offset ?? 0),
    limit: options.limit ?? Number.POSITIVE_INFINITY,
    idColumn: options.idColumn,
    fields: options.fields ?? COURSE_RIDE_FIELDS,
  };
  switch (format) {
    case 'parquet':
      return readParquetRides(path, range);
    case 'csv':
      return readCsvRides(path, range);
    case 'jsonl':
      return readJsonlRides(path, range);
  }
}

/**
 * Format and (where the file records it, i.e. parquet) ride count, without reading rows.
 * Handy for sizing progress bars.
 */
export async function rideFileInfo(path: string, format: RideFormat = detectRideFormat(path)): Promise<RideFileInfo> {
  return { format, rows: format === 'parquet' ? await parquetRowCount(path) : undefined };
}
