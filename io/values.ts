/**
 * Normalisation of raw field values (parquet cells, CSV strings, JSON values) into the typed
 * fields of a {@link RideRow}. Anything missing or unusable becomes `null`.
 */
import { RIDE_START_FIELDS } from '../lambda/model/contract/index.js';
import type { RideField, RideFieldValue, RideRow } from './types.js';
import { formatNaiveTimestamp, toNaiveMs } from './timestamps.js';

/** Names readers look for; the first present wins (green taxi `lpep_`, yellow taxi `tpep_`). */
export const RIDE_COLUMNS = {
  pickupLocation: 'PULocationID',
  dropoffLocation: 'DOLocationID',
  distance: 'trip_distance',
  pickup: ['lpep_pickup_datetime', 'tpep_pickup_datetime', 'pickup_datetime'],
  dropoff: ['lpep_dropoff_datetime', 'tpep_dropoff_datetime', 'dropoff_datetime'],
} as const;

/** The columns a ride file must have when no fields are asked for (the course model's). */
export const REQUIRED_COLUMNS = [
  RIDE_COLUMNS.pickupLocation,
  RIDE_COLUMNS.dropoffLocation,
  RIDE_COLUMNS.distance,
] as const;

/**
 * The course model's ride fields (its contract's `requiredFields`, from the contract's own field
 * catalogue): the fields read when none are asked for.
 */
export const COURSE_RIDE_FIELDS: readonly RideField[] = RIDE_START_FIELDS.filter((field) =>
  (REQUIRED_COLUMNS as readonly string[]).includes(field.name),
);

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

/**
 * A requested field's value from what a reader found: `null` when absent or empty; the typed value
 * when it is one (`"130"` and `130.0` are the integer 130, `"3.66"` the number 3.66, a timestamp
 * text is trimmed); otherwise the raw string or number, unchanged, so that the model's contract
 * can say what is wrong with it (`expected an integer`) rather than call it missing. Text is taken
 * as written (a number is no text). Values of other kinds (booleans, objects) count as absent.
 *
 * @param naiveMs the reader's timestamp cells are naive epoch ms (a parquet TIMESTAMP column):
 *   a number is then printed back as `YYYY-MM-DD HH:MM:SS`, the wall clock the file holds
 * @example
 * toFieldValue({ name: 'PULocationID', type: 'integer' }, '130'); // 130
 * toFieldValue({ name: 'PULocationID', type: 'integer' }, 'abc'); // 'abc' (the contract rejects it)
 * toFieldValue({ name: 'lpep_pickup_datetime', type: 'timestamp' }, 1612139643000, true); // '2021-02-01 00:34:03'
 */
export function toFieldValue(field: RideField, value: unknown, naiveMs = false): RideFieldValue {
  if (value === null || value === undefined) return null;
  const raw = typeof value === 'bigint' ? (Number.isSafeInteger(Number(value)) ? Number(value) : String(value)) : value;
  if (typeof raw === 'string' && raw.trim() === '') return null;
  if (typeof raw !== 'string' && typeof raw !== 'number') {
    if (field.type === 'timestamp' && raw instanceof Date && !Number.isNaN(raw.getTime())) return formatNaiveTimestamp(raw.getTime());
    return null;
  }
  switch (field.type) {
    case 'integer': {
      const n = toNumber(raw);
      return n !== null && Number.isSafeInteger(n) ? n : raw;
    }
    case 'number':
      return toNumber(raw) ?? raw;
    case 'text':
      return raw;
    case 'timestamp':
      if (typeof raw === 'string') return raw.trim();
      return naiveMs && Number.isFinite(raw) ? formatNaiveTimestamp(raw) : raw;
  }
}

/** The subset of raw fields a row is built from. */
export interface RawRide {
  readonly PULocationID?: unknown;
  readonly DOLocationID?: unknown;
  readonly trip_distance?: unknown;
  readonly pickup?: unknown;
  readonly dropoff?: unknown;
  readonly rideId?: unknown;
  /** The requested fields' values by name (see {@link toFieldValue}). */
  readonly fields?: Readonly<Record<string, RideFieldValue>>;
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
    fields: raw.fields ?? {},
  };
}

/**
 * The requested fields of one ride, as an object with own properties only (a field named
 * `__proto__` stays a field), built from a cell getter.
 */
export function fieldValues(
  fields: readonly RideField[],
  cell: (name: string) => unknown,
  naiveMs: (name: string) => boolean = () => false,
): Readonly<Record<string, RideFieldValue>> {
  // A plain loop: this runs once per ride (Object.fromEntries over a mapped array cost ~5% of a month's scoring).
  const values: Record<string, RideFieldValue> = {};
  for (const field of fields) {
    const value = toFieldValue(field, cell(field.name), naiveMs(field.name));
    if (field.name === '__proto__') Object.defineProperty(values, field.name, { value, enumerable: true, writable: true, configurable: true });
    else values[field.name] = value;
  }
  return values;
}

/**
 * The columns a reader reads and requires: the requested fields (default: the course's) and the id
 * column are required (`missing` lists those absent); the course columns and pickup/dropoff times
 * are read when present. `columns` is everything to read.
 */
export function plannedColumns(
  available: ReadonlySet<string>,
  fields: readonly RideField[],
  idColumn: string | undefined,
): { missing: string[]; pickup: string | undefined; dropoff: string | undefined; columns: string[] } {
  const required = [...new Set([...fields.map((field) => field.name), ...(idColumn === undefined ? [] : [idColumn])])];
  const pickup = firstPresent(RIDE_COLUMNS.pickup, available);
  const dropoff = firstPresent(RIDE_COLUMNS.dropoff, available);
  const optional = [...REQUIRED_COLUMNS, pickup, dropoff].filter((name): name is string => name !== undefined && available.has(name));
  return { missing: required.filter((name) => !available.has(name)), pickup, dropoff, columns: [...new Set([...required, ...optional])] };
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
