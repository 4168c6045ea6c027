/**
 * The course's data preparation (`read_dataframe` in the MLOps Zoomcamp notebooks), column-wise:
 * duration = dropoff − pickup in minutes, keep 1 ≤ duration ≤ 60.
 */
import { RideFileError } from '../io/errors.js';
import { readRides } from '../io/read.js';
import { TrainingDataError } from './errors.js';
import type { TripTable } from './types.js';

/** Shortest ride kept, minutes (inclusive), as in the course. */
export const MIN_DURATION_MINUTES = 1;
/** Longest ride kept, minutes (inclusive), as in the course. */
export const MAX_DURATION_MINUTES = 60;

const PICKUP = 'lpep_pickup_datetime';
const DROPOFF = 'lpep_dropoff_datetime';

/**
 * The five model columns of one ride as read, before filtering; null when absent. Times are naive
 * wall-clock milliseconds (see `io/`'s `RideRow.pickup`).
 */
export interface RawTrip {
  readonly pickup: number | null;
  readonly dropoff: number | null;
  readonly puLocationId: number | null;
  readonly doLocationId: number | null;
  readonly tripDistance: number | null;
}

/**
 * Ride duration in minutes from pickup to dropoff (ms), as pandas' `td.total_seconds() / 60`.
 *
 * @example
 * durationMinutes(Date.UTC(2021, 0, 1, 0, 15, 56), Date.UTC(2021, 0, 1, 0, 19, 52)); // 3.9333…
 */
export function durationMinutes(pickupMs: number, dropoffMs: number): number {
  return (dropoffMs - pickupMs) / 1000 / 60;
}

/** A ride's duration in minutes ({@link durationMinutes}), or `undefined` when either time is missing. */
export function actualDurationMinutes(pickupMs: number | null, dropoffMs: number | null): number | undefined {
  return pickupMs === null || dropoffMs === null ? undefined : durationMinutes(pickupMs, dropoffMs);
}

/** Whether a duration is one the course trains and evaluates on (1–60 minutes, inclusive). */
export function inCourseRange(minutes: number): boolean {
  return minutes >= MIN_DURATION_MINUTES && minutes <= MAX_DURATION_MINUTES;
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
    if (!inCourseRange(d)) {
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

/**
 * Reads a ride file (TLC parquet, CSV or JSON lines, through the shared `io/` readers, streamed)
 * and prepares it as the course does. Pickup and dropoff times are required.
 *
 * @example
 * const jan = await readTrips('../shared/data/green_tripdata_2021-01.parquet');
 * jan.duration.length; // 73,908
 */
export async function readTrips(path: string, options: { rowEnd?: number } = {}): Promise<TripTable> {
  const raw: RawTrip[] = [];
  try {
    for await (const ride of readRides(path, options.rowEnd === undefined ? {} : { limit: options.rowEnd })) {
      raw.push({
        pickup: ride.pickup,
        dropoff: ride.dropoff,
        puLocationId: ride.PULocationID,
        doLocationId: ride.DOLocationID,
        tripDistance: ride.trip_distance,
      });
    }
  } catch (err) {
    // The readers' errors name the file (and line) already.
    const message = err instanceof RideFileError ? err.message : `cannot read ${path}: ${(err as Error).message}`;
    throw new TrainingDataError(message, { cause: err });
  }
  if (raw.length > 0 && raw.every((r) => r.pickup === null || r.dropoff === null)) {
    throw new TrainingDataError(`${path}: no ${PICKUP}/${DROPOFF} times; training needs them to compute durations`);
  }
  return prepareTrips(path, raw);
}
