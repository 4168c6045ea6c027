/**
 * Normalisation of raw field values (parquet cells, CSV strings, JSON values) into the typed
 * fields of a {@link RideRow}. Anything missing or unusable becomes `null`.
 */
import type { RideRow } from './types.js';
import { toNaiveMs } from './timestamps.js';

/** Names readers look for; the first present wins (green taxi `lpep_`, yellow taxi `tpep_`). */
export const RIDE_COLUMNS = {
  pickupLocation: 'PULocationID',
  dropoffLocation: 'DOLocationID',
  distance: 'trip_distance',
  pickup: ['lpep_pickup_datetime', 'tpep_pickup_datetime', 'pickup_datetime'],
  dropoff: ['lpep_dropoff_datetime', 'tpep_dropoff_datetime', 'dropoff_datetime'],
} as const;

/** The columns a ride file must have. */
export const REQUIRED_COLUMNS = [
  RIDE_COLUMNS.pickupLocation,
  RIDE_COLUMNS.dropoffLocation,
  RIDE_COLUMNS.distance,
] as const;

function toNumber(value: unknown): number | null {
  if (typeof value === 'number') return Number.isFinite(value) ? value : null;
  if (typeof value === 'bigint') return Number(value);
  if (typeof value === 'string') {
    const text = value.trim();
    if (text === '') return null;
    const parsed = Number(text);
    return Number.isFinite(parsed) ? parsed : null;
  }
  return null;
}

/** A location id: a whole number (`130`, `130n`, `"130"`, `"130.0"`), else `null`. */
export function toLocationId(value: unknown): number | null {
  const n = toNumber(value);
  return n !== null && Number.isSafeInteger(n) ? n : null;
}

/** A trip distance: any finite number, else `null`. */
export function toDistance(value: unknown): number | null {
  return toNumber(value);
}

/** A ride id: a string or a safe integer as given, else `null`. */
export function toRideId(value: unknown): string | number | null {
  if (typeof value === 'string') return value;
  if (typeof value === 'number') return Number.isFinite(value) ? value : null;
  if (typeof value === 'bigint') return Number.isSafeInteger(Number(value)) ? Number(value) : String(value);
  return null;
}

/** The subset of raw fields a row is built from. */
export interface RawRide {
  readonly PULocationID?: unknown;
  readonly DOLocationID?: unknown;
  readonly trip_distance?: unknown;
  readonly pickup?: unknown;
  readonly dropoff?: unknown;
  readonly rideId?: unknown;
}

/** Builds a {@link RideRow} from raw values. */
export function toRideRow(rowIndex: number, raw: RawRide): RideRow {
  return {
    rowIndex,
    PULocationID: toLocationId(raw.PULocationID),
    DOLocationID: toLocationId(raw.DOLocationID),
    trip_distance: toDistance(raw.trip_distance),
    pickup: toNaiveMs(raw.pickup),
    dropoff: toNaiveMs(raw.dropoff),
    rideId: toRideId(raw.rideId),
  };
}

/** First of `names` present in `available`, or `undefined`. */
export function firstPresent(names: readonly string[], available: ReadonlySet<string>): string | undefined {
  return names.find((name) => available.has(name));
}

/** True when the row has everything a prediction needs. */
export function isComplete(
  row: RideRow,
): row is RideRow & { PULocationID: number; DOLocationID: number; trip_distance: number } {
  return row.PULocationID !== null && row.DOLocationID !== null && row.trip_distance !== null;
}
