/**
 * The course's data preparation (`read_dataframe` in the MLOps Zoomcamp notebooks), column-wise:
 * duration = dropoff − pickup in minutes, keep 1 ≤ duration ≤ 60.
 */
import { asyncBufferFromFile, parquetMetadataAsync, parquetReadObjects } from 'hyparquet';
import { compressors } from 'hyparquet-compressors';
import { TrainingDataError } from './errors.js';
import type { TripTable } from './types.js';

/** Shortest ride kept, minutes (inclusive), as in the course. */
export const MIN_DURATION_MINUTES = 1;
/** Longest ride kept, minutes (inclusive), as in the course. */
export const MAX_DURATION_MINUTES = 60;

const PICKUP = 'lpep_pickup_datetime';
const DROPOFF = 'lpep_dropoff_datetime';
const COLUMNS = [PICKUP, DROPOFF, 'PULocationID', 'DOLocationID', 'trip_distance'] as const;

/** The five model columns of one ride as read, before filtering; null when the file has a null. */
export interface RawTrip {
  readonly pickup: Date | null;
  readonly dropoff: Date | null;
  readonly puLocationId: number | null;
  readonly doLocationId: number | null;
  readonly tripDistance: number | null;
}

/**
 * Ride duration in minutes from pickup to dropoff, as pandas' `td.total_seconds() / 60`.
 *
 * @example
 * durationMinutes(new Date('2021-01-01T00:15:56Z'), new Date('2021-01-01T00:19:52Z')); // 3.9333…
 */
export function durationMinutes(pickup: Date, dropoff: Date): number {
  return (dropoff.getTime() - pickup.getTime()) / 1000 / 60;
}

/** Applies the course filter and packs the kept rows into a {@link TripTable}. */
export function prepareTrips(source: string, raw: Iterable<RawTrip>): TripTable {
  const pu: number[] = [];
  const dO: number[] = [];
  const dist: number[] = [];
  const dur: number[] = [];
  let rowsRead = 0;
  let rowsWithNulls = 0;
  let rowsOutOfRange = 0;
  for (const r of raw) {
    rowsRead++;
    if (r.pickup === null || r.dropoff === null || r.puLocationId === null || r.doLocationId === null || r.tripDistance === null) {
      rowsWithNulls++;
      continue;
    }
    const d = durationMinutes(r.pickup, r.dropoff);
    if (!(d >= MIN_DURATION_MINUTES && d <= MAX_DURATION_MINUTES)) {
      rowsOutOfRange++;
      continue;
    }
    pu.push(r.puLocationId);
    dO.push(r.doLocationId);
    dist.push(r.tripDistance);
    dur.push(d);
  }
  if (dur.length === 0) {
    throw new TrainingDataError(`${source}: no ride left after keeping ${MIN_DURATION_MINUTES}–${MAX_DURATION_MINUTES} minute durations (${rowsRead} rows read)`);
  }
  return {
    source,
    puLocationId: Int32Array.from(pu),
    doLocationId: Int32Array.from(dO),
    tripDistance: Float64Array.from(dist),
    duration: Float64Array.from(dur),
    rowsRead,
    rowsWithNulls,
    rowsOutOfRange,
  };
}

function toNumber(v: unknown): number | null {
  if (typeof v === 'bigint') return Number(v);
  if (typeof v === 'number') return v;
  return null;
}

function toDate(v: unknown): Date | null {
  if (v instanceof Date) return v;
  return null;
}

/**
 * Reads the model columns of a TLC green-taxi parquet file and prepares them as the course does.
 *
 * @example
 * const jan = await readTrips('../shared/data/green_tripdata_2021-01.parquet');
 * jan.duration.length; // 73,908
 */
export async function readTrips(path: string, options: { rowEnd?: number } = {}): Promise<TripTable> {
  let file;
  try {
    file = await asyncBufferFromFile(path);
  } catch (err) {
    throw new TrainingDataError(`cannot open ${path}: ${(err as Error).message}`);
  }
  const metadata = await parquetMetadataAsync(file);
  const present = new Set(metadata.schema.map((s) => s.name));
  const missing = COLUMNS.filter((c) => !present.has(c));
  if (missing.length > 0) {
    throw new TrainingDataError(`${path}: missing column(s) ${missing.join(', ')}; expected a TLC green-taxi file`);
  }
  const rows = await parquetReadObjects({
    file,
    metadata,
    compressors,
    columns: [...COLUMNS],
    ...(options.rowEnd === undefined ? {} : { rowEnd: options.rowEnd }),
  });
  return prepareTrips(
    path,
    rows.map((r) => ({
      pickup: toDate(r[PICKUP]),
      dropoff: toDate(r[DROPOFF]),
      puLocationId: toNumber(r['PULocationID']),
      doLocationId: toNumber(r['DOLocationID']),
      tripDistance: toNumber(r['trip_distance']),
    })),
  );
}
