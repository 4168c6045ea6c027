/**
 * Streaming reader for TLC trip parquet files (hyparquet; GZIP through zlib, other codecs through
 * hyparquet-compressors). Reads only the ride columns (the course's, the times and the fields
 * asked for), one row group at a time, and no row group past the requested range, so memory stays
 * at one row group of those columns.
 */
import { parquetMetadataAsync, parquetRead, parquetSchema } from 'hyparquet';
import type { AsyncBuffer, ColumnData, Compressors, FileMetaData, SchemaElement } from 'hyparquet';
import { gunzipSync } from 'node:zlib';

import { MissingRideColumnError, RideFileError, rideFileError } from './errors.js';
import { fileSource, type RideSource } from './source.js';
import type { RideRange, RideRow } from './types.js';
import { fieldValues, plannedColumns, RIDE_COLUMNS, toRideRow } from './values.js';

/**
 * GZIP (the TLC files' codec) through Node's own zlib: the same bytes, in native code rather than
 * JavaScript (gunzip was ~6 % of scoring a month).
 */
const gunzip = (input: Uint8Array): Uint8Array => {
  const out = gunzipSync(input);
  return new Uint8Array(out.buffer, out.byteOffset, out.byteLength);
};

/** Codecs read without hyparquet-compressors: hyparquet's own (SNAPPY) and GZIP through zlib. */
const BUILT_IN_CODECS: ReadonlySet<string> = new Set(['UNCOMPRESSED', 'SNAPPY', 'GZIP']);

/**
 * The decompressors a file needs: hyparquet-compressors (BROTLI, ZSTD, LZ4) is imported only for a
 * file that uses one of its codecs, since loading it costs a month's run ~30 ms of start-up.
 */
async function compressorsFor(metadata: FileMetaData): Promise<Compressors> {
  const needsMore = metadata.row_groups.some((group) => group.columns.some((column) => !BUILT_IN_CODECS.has(column.meta_data?.codec ?? 'UNCOMPRESSED')));
  const more = needsMore ? (await import('hyparquet-compressors')).compressors : {};
  return { ...more, GZIP: gunzip };
}

/** Naive TLC timestamps become naive epoch ms (never a `Date` in some local zone). */
const NAIVE_PARSERS = {
  timestampFromMilliseconds: (millis: bigint): number => Number(millis),
  timestampFromMicroseconds: (micros: bigint): number => Number(micros / 1000n),
  timestampFromNanoseconds: (nanos: bigint): number => Number(nanos / 1_000_000n),
};

type OpenedParquet = { file: AsyncBuffer; metadata: FileMetaData };

/**
 * A given source's opened file and footer, shared by the calls that read it: `score` reads the
 * footer to plan (columns, rows) and again to read the rides, and over HTTP or S3 each open is a
 * HEAD and a range GET of up to 512 KB. The asynchronous buffers keep no state between reads.
 */
const openedSources = new WeakMap<RideSource, Promise<OpenedParquet>>();

function openParquet(path: string, source?: RideSource): Promise<OpenedParquet> {
  if (source === undefined) return openParquetSource(path, fileSource(path));
  let opened = openedSources.get(source);
  if (opened === undefined) {
    opened = openParquetSource(path, source);
    openedSources.set(source, opened);
  }
  return opened;
}

async function openParquetSource(path: string, source: RideSource): Promise<OpenedParquet> {
  try {
    const file = await source.asyncBuffer();
    const metadata = await parquetMetadataAsync(file);
    return { file, metadata };
  } catch (cause) {
    throw rideFileError(cause, path, 'not a readable parquet file');
  }
}

/** Row count and column names from a parquet file's footer (only the footer is read). */
export async function parquetFileInfo(path: string, source?: RideSource): Promise<{ rows: number; columns: string[] }> {
  const { metadata } = await openParquet(path, source);
  return { rows: Number(metadata.num_rows), columns: parquetSchema(metadata).children.map((child) => child.element.name) };
}

/** Whether a column holds instants (read as naive epoch ms by {@link NAIVE_PARSERS}). */
function isTimestampColumn(element: SchemaElement): boolean {
  return (
    element.type === 'INT96' ||
    element.logical_type?.type === 'TIMESTAMP' ||
    element.converted_type === 'TIMESTAMP_MILLIS' ||
    element.converted_type === 'TIMESTAMP_MICROS'
  );
}

/** Reads rides from a parquet file; see {@link readRides}. */
export async function* readParquetRides(path: string, range: RideRange, source?: RideSource): AsyncGenerator<RideRow> {
  for await (const batch of readParquetRideBatches(path, range, source)) yield* batch;
}

/**
 * Reads rides from a parquet file in arrays of up to `batchSize` (within one row group): one
 * await per batch rather than per ride; see {@link readRideBatches}.
 */
export async function* readParquetRideBatches(path: string, range: RideRange, source?: RideSource, batchSize = 4096): AsyncGenerator<RideRow[]> {
  const { file, metadata } = await openParquet(path, source);
  const elements = new Map(parquetSchema(metadata).children.map((child) => [child.element.name, child.element]));
  const available = new Set(elements.keys());
  const plan = plannedColumns(available, range.fields, range.idColumn);
  if (plan.missing.length > 0) throw new MissingRideColumnError(path, plan.missing);
  const { columns } = plan;
  const compressors = await compressorsFor(metadata);
  const timestampColumns = new Set(columns.filter((name) => isTimestampColumn(elements.get(name)!)));
  const isNaiveMs = (name: string): boolean => timestampColumns.has(name);

  const totalRows = Number(metadata.num_rows);
  const end = Math.min(totalRows, range.offset + range.limit);
  let groupStart = 0;
  for (const group of metadata.row_groups) {
    const groupEnd = groupStart + Number(group.num_rows);
    const rowStart = Math.max(groupStart, range.offset);
    const rowEnd = Math.min(groupEnd, end);
    groupStart = groupEnd;
    if (rowStart >= rowEnd) {
      if (groupEnd >= end) break;
      continue;
    }
    const chunks = new Map<string, ColumnData[]>();
    try {
      await parquetRead({
        file,
        metadata,
        columns,
        rowStart,
        rowEnd,
        compressors,
        parsers: NAIVE_PARSERS,
        onChunk(chunk) {
          const list = chunks.get(chunk.columnName) ?? [];
          list.push(chunk);
          chunks.set(chunk.columnName, list);
        },
      });
    } catch (cause) {
      throw new RideFileError(`${path}: cannot read rows ${rowStart}-${rowEnd} (${(cause as Error).message})`, path, {
        cause,
      });
    }
    const cell = columnReader(chunks);
    let batch: RideRow[] = [];
    for (let row = rowStart; row < rowEnd; row++) {
      if (batch.length === batchSize) {
        yield batch;
        batch = [];
      }
      batch.push(toRideRow(row, {
        PULocationID: cell(RIDE_COLUMNS.pickupLocation, row),
        DOLocationID: cell(RIDE_COLUMNS.dropoffLocation, row),
        trip_distance: cell(RIDE_COLUMNS.distance, row),
        pickup: plan.pickup === undefined ? null : cell(plan.pickup, row),
        dropoff: plan.dropoff === undefined ? null : cell(plan.dropoff, row),
        rideId: range.idColumn === undefined ? null : cell(range.idColumn, row),
        fields: fieldValues(range.fields, (name) => cell(name, row), isNaiveMs),
      }));
    }
    if (batch.length > 0) yield batch;
  }
}

/**
 * Looks a cell up in the column chunks hyparquet handed over (chunks may overlap the range). Rows
 * are asked for in order, so each column remembers the chunk of its last hit and tries it first.
 */
function columnReader(chunks: ReadonlyMap<string, readonly ColumnData[]>): (column: string, row: number) => unknown {
  const last = new Map<string, ColumnData>();
  return (column, row) => {
    const hit = last.get(column);
    if (hit !== undefined && row >= hit.rowStart && row < hit.rowEnd) return hit.columnData[row - hit.rowStart] as unknown;
    for (const chunk of chunks.get(column) ?? []) {
      if (row >= chunk.rowStart && row < chunk.rowEnd) {
        last.set(column, chunk);
        return chunk.columnData[row - chunk.rowStart] as unknown;
      }
    }
    return null;
  };
}
