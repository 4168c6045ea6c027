/**
 * The ride fields the function knows without being told: the TLC trip-record columns that are
 * known when a ride starts (a ride-start event cannot carry its drop-off time or fare), with the
 * type each is written in. A model that reads any other field must declare it in a recipe.
 */
import type { FieldType, RideField } from './types.js';

export const RIDE_START_FIELDS: readonly RideField[] = [
  { name: 'VendorID', type: 'integer' },
  { name: 'lpep_pickup_datetime', type: 'timestamp' },
  { name: 'tpep_pickup_datetime', type: 'timestamp' },
  { name: 'store_and_fwd_flag', type: 'text' },
  { name: 'RatecodeID', type: 'integer' },
  { name: 'PULocationID', type: 'integer' },
  { name: 'DOLocationID', type: 'integer' },
  { name: 'passenger_count', type: 'integer', min: 0 },
  { name: 'trip_distance', type: 'number', min: 0 },
  { name: 'trip_type', type: 'integer' },
];

/** Longest text value accepted: longer values are no category a model was trained on. */
export const MAX_TEXT_LENGTH = 256;

/**
 * A timestamp as producers write one: `YYYY-MM-DD HH:MM[:SS[.fraction]]`, `T` allowed for the
 * space, an optional `Z` or UTC offset. The hour and weekday are those written (the wall clock),
 * as pandas reads a naive TLC timestamp. Anchored and without nested quantifiers: linear time.
 */
const TIMESTAMP = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}:?\d{2})?$/;

/** The wall-clock parts of a timestamp a derivation needs. */
export interface WallClock {
  readonly hour: number;
  /** Monday 0 … Sunday 6, as Python's `datetime.weekday()`. */
  readonly weekday: number;
}

/**
 * The wall clock of a timestamp text, or `undefined` when it is not one.
 *
 * @example
 * ```ts
 * wallClock('2021-02-01 00:40:47'); // { hour: 0, weekday: 0 } (a Monday)
 * ```
 */
export function wallClock(text: string): WallClock | undefined {
  // A ride's timestamp is read by its check, then by each derivation on it (hour, weekday): the
  // last text's answer serves the calls after the first.
  if (text === last.text) return last.clock;
  const clock = parseWallClock(text);
  last = { text, clock };
  return clock;
}

/** The last text {@link wallClock} read, and its answer. */
let last: { readonly text: string | undefined; readonly clock: WallClock | undefined } = { text: undefined, clock: undefined };

function parseWallClock(text: string): WallClock | undefined {
  const m = TIMESTAMP.exec(text);
  if (m === null) return undefined;
  const [year, month, day, hour, minute, second] = m.slice(1, 7).map((part) => (part === undefined ? 0 : Number(part))) as number[];
  const date = new Date(Date.UTC(year!, month! - 1, day!));
  const valid =
    date.getUTCFullYear() === year && date.getUTCMonth() === month! - 1 && date.getUTCDate() === day && hour! < 24 && minute! < 60 && second! < 60;
  return valid ? { hour: hour!, weekday: (date.getUTCDay() + 6) % 7 } : undefined;
}

const EXPECTED: Readonly<Record<FieldType, string>> = {
  integer: 'an integer',
  number: 'a finite number',
  text: `a string of 1 to ${MAX_TEXT_LENGTH} characters`,
  timestamp: 'a timestamp "YYYY-MM-DD HH:MM:SS"',
};

/**
 * What is wrong with a field's value, or `undefined` when it is a valid value of the field.
 *
 * @example
 * ```ts
 * fieldProblem({ name: 'trip_distance', type: 'number', min: 0 }, -1); // 'expected a finite number >= 0'
 * ```
 */
export function fieldProblem(field: RideField, value: unknown): string | undefined {
  let ok: boolean;
  switch (field.type) {
    case 'integer':
      ok = Number.isSafeInteger(value);
      break;
    case 'number':
      ok = typeof value === 'number' && Number.isFinite(value);
      break;
    case 'text':
      ok = typeof value === 'string' && value.length >= 1 && value.length <= MAX_TEXT_LENGTH;
      break;
    case 'timestamp':
      ok = typeof value === 'string' && value.length <= 64 && wallClock(value) !== undefined;
      break;
  }
  if (ok && field.min !== undefined && (value as number) < field.min) ok = false;
  if (ok) return undefined;
  return `expected ${EXPECTED[field.type]}${field.min === undefined ? '' : ` >= ${field.min}`}`;
}
