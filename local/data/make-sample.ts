/**
 * Regenerates the bundled ride sample that `npm start` replays by default:
 * the first rides of NYC TLC green taxi February 2021, in file order, as a small CSV with the
 * columns the pipeline needs (plus the pickup/dropoff times, so the sample stays a real TLC extract).
 *
 * The rides are the same, in the same order, as the first rows of
 * `../shared/golden/official-lin_reg.green_2021-02.csv`, so the golden predictions apply row by row.
 *
 * ```sh
 * npx tsx local/data/make-sample.ts [--input ../shared/data/green_tripdata_2021-02.parquet] [--rows 3000]
 * ```
 */
import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { asyncBufferFromFile, parquetReadObjects } from 'hyparquet';
import { compressors } from 'hyparquet-compressors';

const here = dirname(fileURLToPath(import.meta.url));

/** Columns kept, in TLC order. */
const COLUMNS = [
  'VendorID',
  'lpep_pickup_datetime',
  'lpep_dropoff_datetime',
  'PULocationID',
  'DOLocationID',
  'trip_distance',
] as const;

const { values } = parseArgs({
  options: {
    input: { type: 'string', default: join(here, '../../../shared/data/green_tripdata_2021-02.parquet') },
    rows: { type: 'string', default: '3000' },
    output: { type: 'string', default: join(here, 'green_tripdata_2021-02.sample.csv') },
  },
});

/** TLC CSVs print naive wall-clock times as `YYYY-MM-DD HH:MM:SS`; hyparquet gives them as UTC Dates. */
function formatCell(value: unknown): string {
  if (value instanceof Date) return value.toISOString().slice(0, 19).replace('T', ' ');
  if (value === null || value === undefined) return '';
  // String(number) is the shortest round-trip form, like Python's repr, so distances survive exactly.
  return String(value);
}

const rowCount = Number(values.rows);
const file = await asyncBufferFromFile(values.input);
const rows = await parquetReadObjects({ file, compressors, columns: [...COLUMNS], rowStart: 0, rowEnd: rowCount });
const lines = [COLUMNS.join(',')];
for (const row of rows) lines.push(COLUMNS.map((column) => formatCell(row[column])).join(','));
writeFileSync(values.output, `${lines.join('\n')}\n`);
console.log(`wrote ${rows.length} rides to ${values.output}`);
