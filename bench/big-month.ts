/**
 * A ride file of 3 million rides for `score_3m_rides_peak_rss_mb`: February 2021 (64,572 rides)
 * repeated 47 times (3,034,884 rides), the ride columns only, one row group per copy, written to a
 * temporary folder (never committed).
 *
 * ```sh
 * npx tsx bench/big-month.ts /tmp/green_tripdata_2021-02_x47.parquet
 * ```
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { asyncBufferFromFile, parquetRead, type SchemaElement } from 'hyparquet';
import { compressors } from 'hyparquet-compressors';
import { ParquetWriter, fileWriter } from 'hyparquet-writer';
import { SHARED_FEBRUARY } from './rides.js';

/** Copies of February: just over 3 million rides. */
export const BIG_MONTH_COPIES = 47;

const COLUMNS = ['lpep_pickup_datetime', 'lpep_dropoff_datetime', 'PULocationID', 'DOLocationID', 'trip_distance'] as const;
const SCHEMA: SchemaElement[] = [
  { name: 'root', num_children: COLUMNS.length },
  ...COLUMNS.slice(0, 2).map((name): SchemaElement => ({
    name, type: 'INT64', repetition_type: 'OPTIONAL', logical_type: { type: 'TIMESTAMP', isAdjustedToUTC: false, unit: 'MICROS' },
  })),
  { name: 'PULocationID', type: 'INT64', repetition_type: 'OPTIONAL' },
  { name: 'DOLocationID', type: 'INT64', repetition_type: 'OPTIONAL' },
  { name: 'trip_distance', type: 'DOUBLE', repetition_type: 'OPTIONAL' },
];

/** Writes February × `copies` to `path` (TLC types: naive TIMESTAMP micros, INT64 ids); returns the ride count. */
export async function writeBigMonth(path: string, copies = BIG_MONTH_COPIES, source = SHARED_FEBRUARY): Promise<number> {
  if (!existsSync(source)) throw new Error(`${source} is missing (../shared)`);
  const data: unknown[][] = COLUMNS.map(() => []);
  await parquetRead({
    file: await asyncBufferFromFile(source),
    columns: [...COLUMNS],
    compressors,
    // Raw micros, kept as they are.
    parsers: { timestampFromMicroseconds: (micros: bigint) => micros, timestampFromMilliseconds: (ms: bigint) => ms * 1000n, timestampFromNanoseconds: (ns: bigint) => ns / 1000n },
    onComplete(rows: unknown[][]) {
      for (const row of rows) COLUMNS.forEach((_, i) => data[i]!.push(row[i] ?? null));
    },
  });
  const writer = new ParquetWriter({ writer: fileWriter(path), schema: SCHEMA, createdBy: 'ride-duration bench' });
  const columnData = COLUMNS.map((name, i) => ({ name, data: data[i]! }));
  const rows = data[0]!.length;
  for (let copy = 0; copy < copies; copy++) await writer.write({ columnData, rowGroupSize: rows });
  await writer.finish();
  return rows * copies;
}

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]) {
  const path = process.argv[2] ?? '/tmp/green_tripdata_2021-02_x47.parquet';
  const rides = await writeBigMonth(path);
  process.stdout.write(`${path}: ${rides} rides\n`);
}
