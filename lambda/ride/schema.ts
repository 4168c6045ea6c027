/**
 * The ride event schema: what a record on the input stream must hold.
 *
 * ```json
 * {"ride": {"PULocationID": 130, "DOLocationID": 205, "trip_distance": 3.66}, "ride_id": 256}
 * ```
 * Unknown extra fields are ignored. The zod schema is the definition and produces the precise
 * reason for a rejected record; {@link matchRideEvent} is a hand-written check of exactly the same
 * rules for the hot path (zod costs several microseconds per record, the whole budget is two), and
 * a property test holds the two equal.
 */
import * as z from 'zod/mini';
import en from 'zod/v4/locales/en.js';

// zod/mini (not the classic API) keeps the bundle small: classic pulls in every locale and the
// JSON-schema code, 45 % of the deployed bundle and ~100 ms of a cold start. Mini ships no
// messages, so the English ones ("expected object, received array") are configured here.
z.config(en());

/**
 * Longest string `ride_id`: it becomes the output record's partition key, which Kinesis limits to
 * 256 characters. A longer id would fail the write forever and block the shard, so it is poison.
 */
export const MAX_RIDE_ID_LENGTH = 256;

export const rideSchema = z.object({
  PULocationID: z.int({ error: 'expected an integer' }),
  DOLocationID: z.int({ error: 'expected an integer' }),
  trip_distance: z.number({ error: 'expected a finite number' }).check(z.minimum(0, { error: 'expected a number >= 0' })),
});

const RIDE_ID_ERROR = `expected an integer or a string of 1 to ${MAX_RIDE_ID_LENGTH} characters`;

export const rideEventSchema = z.object({
  ride: rideSchema,
  ride_id: z.union(
    [
      z.int(),
      z
        .string()
        .check(
          z.minLength(1, { error: 'expected a non-empty string' }),
          z.maxLength(MAX_RIDE_ID_LENGTH, { error: `expected at most ${MAX_RIDE_ID_LENGTH} characters (it becomes the partition key)` }),
        ),
    ],
    { error: RIDE_ID_ERROR },
  ),
});

/** A ride's identity as the producer gave it; echoed in the output and used as partition key. */
export type RideId = number | string;

export interface Ride {
  readonly PULocationID: number;
  readonly DOLocationID: number;
  readonly trip_distance: number;
}

export interface RideEvent {
  readonly ride: Ride;
  readonly ride_id: RideId;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isRideId(value: unknown): value is RideId {
  return typeof value === 'string'
    ? value.length >= 1 && value.length <= MAX_RIDE_ID_LENGTH
    : Number.isSafeInteger(value);
}

/**
 * The fast path: returns `value` itself, typed, when it is a valid ride event, else `undefined`
 * (then {@link explainRideEvent} says why). Reads own properties only, so `__proto__` or
 * `constructor` keys in the payload can never stand in for a field.
 */
export function matchRideEvent(value: unknown): RideEvent | undefined {
  if (!isRecord(value) || !Object.hasOwn(value, 'ride') || !Object.hasOwn(value, 'ride_id')) return undefined;
  const ride = value.ride;
  if (!isRecord(ride) || !isRideId(value.ride_id)) return undefined;
  if (!Object.hasOwn(ride, 'PULocationID') || !Object.hasOwn(ride, 'DOLocationID') || !Object.hasOwn(ride, 'trip_distance')) {
    return undefined;
  }
  const distance = ride.trip_distance;
  if (
    !Number.isSafeInteger(ride.PULocationID) ||
    !Number.isSafeInteger(ride.DOLocationID) ||
    typeof distance !== 'number' ||
    !Number.isFinite(distance) ||
    distance < 0
  ) {
    return undefined;
  }
  return value as unknown as RideEvent;
}

/** Most issues a reason lists before summarising the rest. */
const MAX_LISTED_ISSUES = 3;

/**
 * Why `value` is not a ride event, as `path: problem` pairs, e.g.
 * `ride.trip_distance: expected a finite number`; `undefined` if it is one.
 */
export function explainRideEvent(value: unknown): string | undefined {
  const result = rideEventSchema.safeParse(value);
  if (result.success) return undefined;
  const issues = result.error.issues;
  const listed = issues.slice(0, MAX_LISTED_ISSUES).map((issue) => {
    const path = issue.path.length === 0 ? '(root)' : issue.path.map(String).join('.');
    return `${path}: ${issue.message.replace(/^Invalid input: /, '')}`;
  });
  if (issues.length > MAX_LISTED_ISSUES) listed.push(`and ${issues.length - MAX_LISTED_ISSUES} more`);
  return listed.join('; ');
}
