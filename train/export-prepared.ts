/**
 * Writes a prepared month (after the course's duration filter) as CSV
 * `PULocationID,DOLocationID,trip_distance,duration`, for the scikit-learn cross-check in
 * `train/sklearn_reference.py` (Debian's python has numpy/scipy/sklearn but no parquet reader).
 *
 * Usage: npx tsx train/export-prepared.ts <in.parquet> <out.csv> [rowEnd]
 */
import { writeFile } from 'node:fs/promises';
import { readTrips } from './data.js';

const [input, output, rowEnd] = process.argv.slice(2);
if (input === undefined || output === undefined) {
  console.error('usage: npx tsx train/export-prepared.ts <in.parquet> <out.csv> [rowEnd]');
  process.exit(2);
}
const t = await readTrips(input, rowEnd === undefined ? {} : { rowEnd: Number(rowEnd) });
const lines = ['PULocationID,DOLocationID,trip_distance,duration'];
// String(x) is the shortest round-trip form, like Python's repr, so Python reads the same float64s.
for (let i = 0; i < t.duration.length; i++) lines.push(`${t.puLocationId[i]},${t.doLocationId[i]},${t.tripDistance[i]},${t.duration[i]}`);
await writeFile(output, `${lines.join('\n')}\n`);
console.error(`${output}: ${t.duration.length} rows (${t.rowsRead} read, ${t.rowsOutOfRange} outside 1–60 min)`);
