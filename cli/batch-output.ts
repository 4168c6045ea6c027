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
import { basename } from 'node:path';
import { ByteWriter, ParquetWriter } from 'hyparquet-writer';
import type { SchemaElement } from 'hyparquet';

import { formatCsvLine } from '../io/format.js';
import { parseNaiveTimestamp } from '../io/timestamps.js';
import { RIDE_COLUMNS } from '../io/values.js';
import type { ByteSink } from '../io/sink.js';
import type { RideField, RideRow } from '../io/types.js';
import { ENV } from '../lambda/config.js';
// The trainer's data preparation is the course's `read_dataframe`; batch scoring filters the same way.
import { durationMinutes, MAX_DURATION_MINUTES, MIN_DURATION_MINUTES } from '../train/data.js';
import type { ScoreCell, ScoreContext, ScoreLayout, ScoreLayoutRun, ScoreOutput } from './commands/score.js';

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

/** Parquet column kinds of `score` outputs (the CSV cells are converted to these); `id` is text unique per row. */
export type ParquetColumnKind = 'string' | 'id' | 'int64' | 'double' | 'timestamp';

// PULocationID/DOLocationID as text: the course's prepare_dictionaries turns them into str in the
// very frame it then writes, so its parquet holds them as strings.
const COURSE_PARQUET_KINDS: readonly ParquetColumnKind[] = ['id', 'timestamp', 'string', 'string', 'double', 'double', 'double', 'string'];

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
  /** `undefined` over no rides: a report never prints NaN. */
  value(): number | undefined {
    return this.count === 0 ? undefined : Math.sqrt(this.sum / this.count);
  }
}

/** `score --layout course`: the course batch output and its RMSE. */
export const COURSE_LAYOUT: ScoreLayout = {
  // The durations it keeps come from the pickup and dropoff times: a file without them has nothing to score.
  requiredColumns: [RIDE_COLUMNS.pickup, RIDE_COLUMNS.dropoff],
  description: 'course batch output: ride_id,lpep_pickup_datetime,PULocationID,DOLocationID,actual_duration,predicted_duration,diff,model_version (rides of 1–60 min)',
  start(context: ScoreContext): ScoreLayoutRun {
    const version = process.env[ENV.runId]?.trim() || context.model.version;
    let prefix: string | undefined;
    const rmse = new RmseAccumulator();
    let dropped = 0;
    return {
      header: COURSE_BATCH_COLUMNS,
      kinds: COURSE_PARQUET_KINDS,
      keptWhat: `rides of ${MIN_DURATION_MINUTES}–${MAX_DURATION_MINUTES} min with pickup and dropoff times`,
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
      cells(ride: RideRow, prediction: number): readonly ScoreCell[] {
        // keep() guarantees both timestamps.
        const pickup = ride.pickup as number;
        prefix ??= rideIdPrefix(context.input, pickup) ?? '';
        const actual = durationMinutes(pickup, ride.dropoff as number);
        const diff = actual - prediction;
        rmse.add(diff);
        return [
          ride.rideId === null ? `${prefix}${ride.rowIndex}` : String(ride.rideId),
          { naiveMs: pickup },
          ride.PULocationID === null ? null : String(ride.PULocationID),
          ride.DOLocationID === null ? null : String(ride.DOLocationID),
          actual,
          prediction,
          diff,
          version,
        ];
      },
      summary(): readonly string[] {
        const value = rmse.value();
        return [
          `course layout: ${dropped} ride(s) left out (no timestamps, or duration outside ${MIN_DURATION_MINUTES}–${MAX_DURATION_MINUTES} min, as the course's read_dataframe)`,
          value === undefined
            ? `RMSE predicted vs actual duration: none (no ride kept) (model_version ${version})`
            : `RMSE predicted vs actual duration: ${value} min over ${rmse.count} ride(s) (model_version ${version})`,
        ];
      },
    };
  },
};

/**
 * Rows buffered per parquet row group. Small enough that a group's cells die young: with 65,536 they
 * outlived the young generation, and V8 let the old one grow to 412 MB peak RSS on 3 million rides
 * (live data ~40 MB); with 8,192 the peak is 246 MB and a month's CPU time drops too.
 */
export const PARQUET_ROW_GROUP_SIZE = 8_192;

/** A cell as its parquet column's value (`null` for an empty cell). */
function toParquet(kind: ParquetColumnKind, cell: ScoreCell): unknown {
  if (cell === null || cell === undefined) return null;
  switch (kind) {
    case 'int64':
      return typeof cell === 'object' ? BigInt('int' in cell ? cell.int : cell.naiveMs) : BigInt(cell as number);
    case 'double':
      return typeof cell === 'object' ? Number('int' in cell ? cell.int : cell.naiveMs) : Number(cell);
    case 'timestamp': {
      // Naive ms straight from the reader; text only for a timestamp field of the features layout.
      const ms = typeof cell === 'object' && 'naiveMs' in cell ? cell.naiveMs : typeof cell === 'string' ? parseNaiveTimestamp(cell) : Number(cell);
      // ms × 1000 stays an exact double for any date before year 2255: one BigInt, not two.
      return ms === null ? null : BigInt(ms * 1000);
    }
    default:
      return typeof cell === 'object' ? formatCsvLine([cell]) : String(cell);
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
 * hyparquet-writer's growing buffer, handed to a {@link ByteSink} after each row group and at the
 * end (the writer awaits `flush`), so the sink's back-pressure reaches the scoring loop and memory
 * holds one encoded row group at most.
 */
class SinkWriter extends ByteWriter {
  constructor(private readonly sink: ByteSink) {
    super(1 << 20);
  }
  async flush(): Promise<void> {
    if (this.index === 0) return;
    const bytes = new Uint8Array(this.buffer, 0, this.index).slice();
    this.index = 0;
    await this.sink.write(bytes);
  }
  override finish(): Promise<void> {
    return this.flush();
  }
}

/**
 * A parquet {@link ScoreOutput}: rows are buffered into row groups of
 * {@link PARQUET_ROW_GROUP_SIZE} and written as each fills (memory stays bounded), SNAPPY
 * compressed, into `sink` (committed under the real name only at the end).
 */
export function openParquetOutput(
  sink: ByteSink,
  header: readonly string[],
  kinds: readonly ParquetColumnKind[],
  rowGroupSize: number = PARQUET_ROW_GROUP_SIZE,
): ScoreOutput {
  const writer = new ParquetWriter({ writer: new SinkWriter(sink), schema: schemaFor(header, kinds), createdBy: 'ride-duration score' });
  let columns: unknown[][] = header.map(() => []);
  let rows = 0;
  const flush = async (): Promise<void> => {
    if (rows === 0) return;
    await writer.write({
      columnData: header.map((name, i) =>
        // Unique per row: a dictionary never pays and min/max statistics say nothing (PLAIN, no statistics).
        kinds[i] === 'id' ? { name, data: columns[i] as unknown[], encoding: 'PLAIN' as const, statistics: false } : { name, data: columns[i] as unknown[] },
      ),
      rowGroupSize: rows,
    });
    columns = header.map(() => []);
    rows = 0;
  };
  const kind = header.map((_, i) => kinds[i] ?? 'string');
  return {
    write(cells) {
      for (let i = 0; i < kind.length; i++) (columns[i] as unknown[]).push(toParquet(kind[i]!, cells[i] ?? null));
      rows++;
      return rows >= rowGroupSize ? flush() : undefined;
    },
    async commit() {
      await flush();
      await writer.finish();
      await sink.commit();
    },
    abort: () => sink.abort(),
    abortSync: () => sink.abortSync(),
  };
}

/** Characters of CSV text gathered before they are handed to the sink. */
const CSV_CHUNK_CHARS = 1 << 18;

/** A CSV {@link ScoreOutput}: the header, then one line per ride, `\n` endings, into `sink`. */
export function openCsvOutput(sink: ByteSink, header: readonly string[]): ScoreOutput {
  let text = `${formatCsvLine(header)}\n`;
  const drain = async (): Promise<void> => {
    const chunk = Buffer.from(text, 'utf8');
    text = '';
    await sink.write(chunk);
  };
  return {
    write(cells) {
      text += `${formatCsvLine(cells)}\n`;
      return text.length >= CSV_CHUNK_CHARS ? drain() : undefined;
    },
    async commit() {
      if (text.length > 0) await drain();
      await sink.commit();
    },
    abort: () => sink.abort(),
    abortSync: () => sink.abortSync(),
  };
}

