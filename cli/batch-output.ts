/**
 * The course's batch-scoring output (`04-deployment/batch/score.py`) as a `score` layout, and the
 * parquet writer `score` uses for `.parquet` outputs.
 *
 * Course recipe, kept exactly: rides are prepared like `read_dataframe` (duration = dropoff −
 * pickup in minutes, keep 1 ≤ duration ≤ 60); `ride_id = f'{year:04d}/{month:02d}_' + index`
 * where index is the ride's row in the input file (pandas keeps the index through the filter);
 * columns `ride_id, lpep_pickup_datetime, PULocationID, DOLocationID, actual_duration,
 * predicted_duration, diff, model_version`, with `diff = actual_duration − predicted_duration`.
 */
import { rename, rm } from 'node:fs/promises';
import { basename } from 'node:path';
import { ParquetWriter, fileWriter } from 'hyparquet-writer';
import type { SchemaElement } from 'hyparquet';

import { csvInt, formatNaiveTimestamp, parseNaiveTimestamp } from '../io/index.js';
import type { CsvInteger, CsvValue, RideField, RideRow } from '../io/index.js';
import { ENV } from '../lambda/config.js';
// The trainer's data preparation is the course's `read_dataframe`; batch scoring filters the same way.
import { durationMinutes, MAX_DURATION_MINUTES, MIN_DURATION_MINUTES } from '../train/index.js';
import type { ScoreContext, ScoreLayout, ScoreLayoutRun, ScoreOutput } from './commands/score.js';

/** The course's batch output columns, in order. */
export const COURSE_BATCH_COLUMNS = [
  'ride_id',
  'lpep_pickup_datetime',
  'PULocationID',
  'DOLocationID',
  'actual_duration',
  'predicted_duration',
  'diff',
  'model_version',
] as const;

/** Parquet column kinds of `score` outputs (the CSV cells are converted to these). */
export type ParquetColumnKind = 'string' | 'int64' | 'double' | 'timestamp';

const COURSE_PARQUET_KINDS: readonly ParquetColumnKind[] = ['string', 'timestamp', 'int64', 'int64', 'double', 'double', 'double', 'string'];

/** The parquet column of a ride field of each type (timestamps as naive TIMESTAMP micros, as the TLC files). */
export const FIELD_PARQUET_KINDS: Readonly<Record<RideField['type'], ParquetColumnKind>> = {
  integer: 'int64',
  number: 'double',
  text: 'string',
  timestamp: 'timestamp',
};

/**
 * The `{year:04d}/{month:02d}_` prefix of ride ids: from a TLC file name
 * (`green_tripdata_2021-02.parquet` → `2021/02_`), else from the first ride's pickup month.
 */
export function rideIdPrefix(input: string, firstPickupMs: number | null): string | undefined {
  const m = /(\d{4})-(\d{2})(?!.*\d{4}-\d{2})/.exec(basename(input));
  if (m) return `${m[1]}/${m[2]}_`;
  if (firstPickupMs === null) return undefined;
  const iso = new Date(firstPickupMs).toISOString();
  return `${iso.slice(0, 4)}/${iso.slice(5, 7)}_`;
}

/** Squared-error accumulator for the summary's RMSE. */
class RmseAccumulator {
  private sum = 0;
  count = 0;
  add(diff: number): void {
    this.sum += diff * diff;
    this.count++;
  }
  value(): number {
    return this.count === 0 ? Number.NaN : Math.sqrt(this.sum / this.count);
  }
}

/** `score --layout course`: the course batch output and its RMSE. */
export const COURSE_LAYOUT: ScoreLayout = {
  description: 'course batch output: ride_id,lpep_pickup_datetime,PULocationID,DOLocationID,actual_duration,predicted_duration,diff,model_version (rides of 1–60 min)',
  start(context: ScoreContext): ScoreLayoutRun {
    const version = process.env[ENV.runId]?.trim() || context.model.version;
    let prefix: string | undefined;
    const rmse = new RmseAccumulator();
    let dropped = 0;
    return {
      header: COURSE_BATCH_COLUMNS,
      kinds: COURSE_PARQUET_KINDS,
      keep(ride: RideRow): boolean {
        if (ride.pickup === null || ride.dropoff === null) {
          dropped++;
          return false;
        }
        const d = durationMinutes(ride.pickup, ride.dropoff);
        const kept = d >= MIN_DURATION_MINUTES && d <= MAX_DURATION_MINUTES;
        if (!kept) dropped++;
        return kept;
      },
      cells(ride: RideRow, prediction: number): ReadonlyArray<CsvValue | CsvInteger> {
        // keep() guarantees both timestamps.
        const pickup = ride.pickup as number;
        prefix ??= rideIdPrefix(context.input, pickup) ?? '';
        const actual = durationMinutes(pickup, ride.dropoff as number);
        const diff = actual - prediction;
        rmse.add(diff);
        return [
          ride.rideId === null ? `${prefix}${ride.rowIndex}` : String(ride.rideId),
          formatNaiveTimestamp(pickup),
          csvInt(ride.PULocationID),
          csvInt(ride.DOLocationID),
          actual,
          prediction,
          diff,
          version,
        ];
      },
      summary(): readonly string[] {
        return [
          `course layout: ${dropped} ride(s) left out (no timestamps, or duration outside ${MIN_DURATION_MINUTES}–${MAX_DURATION_MINUTES} min, as the course's read_dataframe)`,
          `RMSE predicted vs actual duration: ${rmse.value()} min over ${rmse.count} ride(s) (model_version ${version})`,
        ];
      },
    };
  },
};

/** Rows buffered per parquet row group: bounded memory, few enough groups to read fast. */
export const PARQUET_ROW_GROUP_SIZE = 65_536;

function toParquet(kind: ParquetColumnKind, cell: CsvValue | CsvInteger): unknown {
  if (cell === null || cell === undefined) return null;
  switch (kind) {
    case 'int64':
      return typeof cell === 'object' ? BigInt(cell.int) : BigInt(cell as number);
    case 'double':
      return typeof cell === 'object' ? Number(cell.int) : Number(cell);
    case 'timestamp': {
      const ms = typeof cell === 'string' ? parseNaiveTimestamp(cell) : Number(cell);
      return ms === null ? null : BigInt(ms) * 1000n;
    }
    default:
      return typeof cell === 'object' ? String(cell.int) : String(cell);
  }
}

function schemaFor(header: readonly string[], kinds: readonly ParquetColumnKind[]): SchemaElement[] {
  const root: SchemaElement = { name: 'root', num_children: header.length };
  return [
    root,
    ...header.map((name, i): SchemaElement => {
      const kind = kinds[i] ?? 'string';
      const base = { name, repetition_type: 'OPTIONAL' as const };
      if (kind === 'int64') return { ...base, type: 'INT64' };
      if (kind === 'double') return { ...base, type: 'DOUBLE' };
      // Naive wall-clock micros, as the TLC files store them.
      if (kind === 'timestamp') return { ...base, type: 'INT64', logical_type: { type: 'TIMESTAMP', isAdjustedToUTC: false, unit: 'MICROS' } };
      return { ...base, type: 'BYTE_ARRAY', converted_type: 'UTF8', logical_type: { type: 'STRING' } };
    }),
  ];
}

/**
 * A parquet {@link ScoreOutput}: rows are buffered into row groups of
 * {@link PARQUET_ROW_GROUP_SIZE} and written as each fills (memory stays bounded), SNAPPY
 * compressed, under `<path>.partial` until `commit`.
 */
export function openParquetOutput(
  path: string,
  header: readonly string[],
  kinds: readonly ParquetColumnKind[],
  rowGroupSize: number = PARQUET_ROW_GROUP_SIZE,
): ScoreOutput {
  const partial = `${path}.partial`;
  const writer = new ParquetWriter({ writer: fileWriter(partial), schema: schemaFor(header, kinds), createdBy: 'ride-duration score' });
  let columns: unknown[][] = header.map(() => []);
  let rows = 0;
  const flush = async (): Promise<void> => {
    if (rows === 0) return;
    await writer.write({
      columnData: header.map((name, i) => ({ name, data: columns[i] as unknown[] })),
      rowGroupSize: rows,
    });
    columns = header.map(() => []);
    rows = 0;
  };
  return {
    async write(cells) {
      for (let i = 0; i < header.length; i++) (columns[i] as unknown[]).push(toParquet(kinds[i] ?? 'string', cells[i] ?? null));
      rows++;
      if (rows >= rowGroupSize) await flush();
    },
    async commit() {
      await flush();
      await writer.finish();
      await rename(partial, path);
    },
    async abort() {
      await rm(partial, { force: true });
    },
  };
}
