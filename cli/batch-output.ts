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
import { gzipSync } from 'node:zlib';
import { ByteWriter, ParquetWriter } from 'hyparquet-writer';
import type { SchemaElement } from 'hyparquet';

import { formatCsvLine } from '../io/format.js';
import { parseNaiveTimestamp } from '../io/timestamps.js';
import { RIDE_COLUMNS } from '../io/values.js';
import type { ByteSink } from '../io/sink.js';
import type { RideField, RideRow } from '../io/types.js';
import { ENV } from '../lambda/config.js';
// The trainer's data preparation is the course's `read_dataframe`; batch scoring filters the same way.
import { actualDurationMinutes, durationMinutes, inCourseRange, MAX_DURATION_MINUTES, MIN_DURATION_MINUTES } from '../train/data.js';
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
// Never empty: a kept ride has both times, an id (its own or its row's), a prediction and a version.
// The location ids stay OPTIONAL: a model that reads neither lets a ride without them through.
const COURSE_REQUIRED: readonly boolean[] = [true, true, false, false, true, true, true, true];

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
    // A few hundred location ids: one text each, not one per ride.
    const idTexts = new Map<number, string>();
    const idText = (id: number | null): string | null => {
      if (id === null) return null;
      let text = idTexts.get(id);
      if (text === undefined) idTexts.set(id, (text = String(id)));
      return text;
    };
    return {
      header: COURSE_BATCH_COLUMNS,
      kinds: COURSE_PARQUET_KINDS,
      required: COURSE_REQUIRED,
      keptWhat: `rides of ${MIN_DURATION_MINUTES}–${MAX_DURATION_MINUTES} min with pickup and dropoff times`,
      keep(ride: RideRow): boolean {
        const d = actualDurationMinutes(ride.pickup, ride.dropoff);
        const kept = d !== undefined && inCourseRange(d);
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
          idText(ride.PULocationID),
          idText(ride.DOLocationID),
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

/**
 * One output column of a row group being filled. Numbers go into typed arrays (no boxed value per
 * cell, nothing for the garbage collector), texts into a plain array; `take` hands hyparquet-writer
 * the filled part, which it encodes before `write` returns, so the buffers are reused group after group.
 */
interface ColumnBuffer {
  push(row: number, cell: ScoreCell): void;
  take(rows: number): unknown[] | Float64Array | BigInt64Array;
}

/**
 * The output's codec. pandas (pyarrow) writes SNAPPY, which is native code there; hyparquet-writer's
 * SNAPPY is JavaScript and was the largest cost of writing a month (~150 ms of a 1.2 s run, a
 * third of the writer). GZIP through Node's zlib is native, and at level 1 both cheaper and smaller
 * (February 2021, lin_reg: 1.51 MB vs 1.88 MB SNAPPY); every parquet reader reads it (the TLC files
 * are GZIP).
 */
const PARQUET_CODEC = 'GZIP';
const GZIP_LEVEL = 1;

/**
 * The one column kind given min/max statistics: rides are in pickup order, so each row group covers
 * a stretch of time a reader can skip by. Every other column spans about its whole range in each
 * group of February 2021 (location ids '1'-'98' as text, actual_duration 1.0-59.8, diff -41-54), so
 * its statistics would let a reader skip nothing, and computing them cost ~50-60 ms of a month.
 */
const STATISTICS_KIND: ParquetColumnKind = 'timestamp';

function gzipFast(input: Uint8Array): Uint8Array {
  const out = gzipSync(input, { level: GZIP_LEVEL });
  return new Uint8Array(out.buffer, out.byteOffset, out.byteLength);
}

/** A cell's naive ms: `{ naiveMs }` straight from the reader; text only for a timestamp field of the features layout. */
function cellMs(cell: NonNullable<ScoreCell>): number | null {
  return typeof cell === 'object' && 'naiveMs' in cell ? cell.naiveMs : typeof cell === 'string' ? parseNaiveTimestamp(cell) : Number(cell);
}

/**
 * A numeric column in a typed array, with a null mask: a group without nulls is handed over as is,
 * one with nulls as an array holding `null`s (rare: a field's empty cell).
 */
function typedColumn<T extends Float64Array | BigInt64Array>(values: T, value: (cell: NonNullable<ScoreCell>) => T[number] | null): ColumnBuffer {
  const isNull = new Uint8Array(values.length);
  let nulls = 0;
  return {
    push(row, cell) {
      const v = cell === null || cell === undefined ? null : value(cell);
      isNull[row] = v === null ? 1 : 0;
      if (v === null) nulls++;
      else values[row] = v;
    },
    take(rows) {
      const filled = values.subarray(0, rows) as T;
      if (nulls === 0) return filled;
      nulls = 0;
      return Array.from(filled as ArrayLike<T[number]>, (v, i) => (isNull[i] === 1 ? null : v));
    },
  };
}

/** A column of texts (or their UTF-8 bytes), `null` for an empty cell. */
interface TextBuffer {
  push: ColumnBuffer['push'];
  take(rows: number): unknown[];
}

/** A text column: CSV cells as their text (`{ int }` as digits). */
function textColumn(size: number): TextBuffer {
  let values: unknown[] = new Array<unknown>(size);
  return {
    push(row, cell) {
      values[row] = cell === null || cell === undefined ? null : typeof cell === 'object' ? formatCsvLine([cell]) : String(cell);
    },
    take(rows) {
      const filled = rows === values.length ? values : values.slice(0, rows);
      values = new Array<unknown>(size);
      return filled;
    },
  };
}

const utf8 = new TextEncoder();

/**
 * An `id` column (a text per row, e.g. `2021/02_17`) as UTF-8 bytes: the group's texts are encoded
 * in one call and handed over as views of that one buffer. hyparquet-writer would otherwise encode
 * each text on its own, which was the writer's largest cost (~60,000 small encodes a month).
 */
function idColumn(size: number): ColumnBuffer {
  const texts = textColumn(size);
  return {
    push: texts.push,
    take(rows) {
      const values = texts.take(rows);
      if (values.some((v) => v === null)) return values;
      const joined = values.join('');
      const bytes = utf8.encode(joined);
      // Offsets by UTF-16 length hold only for ASCII texts; any other leaves the writer to encode them.
      if (bytes.length !== joined.length) return values;
      let at = 0;
      return values.map((v) => bytes.subarray(at, (at += (v as string).length)));
    },
  };
}

/** `value` if an INT64 holds it: a BigInt64Array would wrap it silently (hyparquet-writer refused it). */
function int64(value: bigint): bigint {
  if (BigInt.asIntN(64, value) !== value) throw new RangeError(`parquet INT64 value out of range: ${value}`);
  return value;
}

function columnBuffer(kind: ParquetColumnKind, size: number): ColumnBuffer {
  switch (kind) {
    case 'double':
      return typedColumn(new Float64Array(size), (cell) => (typeof cell === 'object' ? Number('int' in cell ? cell.int : cell.naiveMs) : Number(cell)));
    case 'int64':
      return typedColumn(new BigInt64Array(size), (cell) => int64(typeof cell === 'object' ? BigInt('int' in cell ? cell.int : cell.naiveMs) : BigInt(cell as number)));
    case 'timestamp':
      // Micros as exact doubles (ms × 1000 stays exact before year 2255): hyparquet-writer makes
      // the INT64 of a TIMESTAMP column itself.
      return typedColumn(new Float64Array(size), (cell) => {
        const ms = cellMs(cell);
        return ms === null ? null : ms * 1000;
      });
    case 'id':
      return idColumn(size);
    default:
      return textColumn(size);
  }
}

function schemaFor(header: readonly string[], kinds: readonly ParquetColumnKind[], required: readonly boolean[]): SchemaElement[] {
  const root: SchemaElement = { name: 'root', num_children: header.length };
  return [
    root,
    ...header.map((name, i): SchemaElement => {
      const kind = kinds[i] ?? 'string';
      const base = { name, repetition_type: required[i] === true ? ('REQUIRED' as const) : ('OPTIONAL' as const) };
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
 * {@link PARQUET_ROW_GROUP_SIZE} and written as each fills (memory stays bounded), GZIP
 * compressed ({@link PARQUET_CODEC}), into `sink` (committed under the real name only at the end).
 *
 * @param required columns that are never empty, written REQUIRED: no definition levels to build,
 *   encode and count for them (~120 ms of a month's course output as OPTIONAL); an empty cell in
 *   one is a bug in the layout and fails the write
 * @example
 * const out = openParquetOutput(fileSink('out.parquet'), ['ride_id', 'prediction'], ['id', 'double'], undefined, [true, true]);
 */
export function openParquetOutput(
  sink: ByteSink,
  header: readonly string[],
  kinds: readonly ParquetColumnKind[],
  rowGroupSize: number = PARQUET_ROW_GROUP_SIZE,
  required: readonly boolean[] = [],
): ScoreOutput {
  const writer = new ParquetWriter({
    writer: new SinkWriter(sink),
    schema: schemaFor(header, kinds, required),
    createdBy: 'ride-duration score',
    codec: PARQUET_CODEC,
    compressors: { GZIP: gzipFast },
  });
  const kind = header.map((_, i) => kinds[i] ?? 'string');
  const columns = kind.map((k) => columnBuffer(k, rowGroupSize));
  let rows = 0;
  const flush = async (): Promise<void> => {
    if (rows === 0) return;
    const n = rows;
    rows = 0;
    await writer.write({
      columnData: header.map((name, i) => {
        const data = columns[i]!.take(n) as unknown[];
        // Unique per row: a dictionary never pays (PLAIN).
        if (kind[i] === 'id') return { name, data, encoding: 'PLAIN' as const, statistics: false };
        return { name, data, statistics: kind[i] === STATISTICS_KIND };
      }),
      rowGroupSize: n,
      // One data page per column chunk: a row group of 8,192 rows is far below any page size worth
      // splitting at, and hyparquet-writer sizes pages by estimating every value (~20 % of a
      // cold write of February 2021, 590-970 ms -> 500-590 ms interleaved).
      pageSize: 0,
    });
  };
  return {
    write(cells) {
      for (let i = 0; i < columns.length; i++) {
        const cell = cells[i] ?? null;
        if (cell === null && required[i] === true) throw new Error(`parquet output: column ${header[i]} is never empty, yet a row left it empty`);
        columns[i]!.push(rows, cell);
      }
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

