/**
 * The ride event schema in zod, the definition that {@link matchRideEvent} mirrors, and the
 * complete decoder {@link decodeRide}, which explains every rejection in words.
 *
 * Kept apart from `schema.ts` and `decode.ts` so that zod (a fifth of the handler's code and ~10 ms
 * of a cold start here) is loaded only where a rejection must be explained: the CLI, the local
 * tools, the web service, and the handler's first batch that holds a schema failure.
 */
import * as z from 'zod/mini';
import en from 'zod/v4/locales/en.js';
import { checkRideGeneral, RideRejection, SchemaMismatch } from './decode.js';
import { createRideSlot, decodeRideFast } from './fast-path.js';
import { MAX_RIDE_ID_LENGTH, type RideEvent } from './schema.js';

// zod/mini (not the classic API) keeps the bundle small: classic pulls in every locale and the
// JSON-schema code, 45 % of the deployed bundle and ~100 ms of a cold start. Mini ships no
// messages, so the English ones ("expected object, received array") are configured here.
z.config(en());

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

/** The rejection for a {@link SchemaMismatch}: `schema: <path>: <problem>; …`. */
export function explainMismatch(mismatch: SchemaMismatch): RideRejection {
  return new RideRejection('schema', `schema: ${explainRideEvent(mismatch.value) ?? 'rejected by the fast validator only (please report)'}`);
}

/**
 * The general path of {@link decodeRide}: decides every input and explains every rejection.
 */
export function decodeRideGeneral(data: string): RideEvent | RideRejection {
  const decoded = checkRideGeneral(data);
  return decoded instanceof SchemaMismatch ? explainMismatch(decoded) : decoded;
}

const decodeSlot = createRideSlot();

/**
 * Decodes and validates a record's base64 `data`.
 *
 * @returns the ride event (the parsed object itself; extra fields are left in place and ignored)
 *   or a {@link RideRejection}.
 * @example
 * ```ts
 * const data = Buffer.from('{"ride": {"PULocationID": 130, "DOLocationID": 205, "trip_distance": 3.66}, "ride_id": 256}').toString('base64');
 * decodeRide(data); // { ride: { PULocationID: 130, DOLocationID: 205, trip_distance: 3.66 }, ride_id: 256 }
 * decodeRide('not base64!'); // RideRejection { kind: 'base64', reason: 'invalid base64: length 11 is not a multiple of 4' }
 * ```
 */
export function decodeRide(data: string): RideEvent | RideRejection {
  if (decodeRideFast(data, decodeSlot)) {
    const { PULocationID, DOLocationID, trip_distance, ride_id } = decodeSlot;
    return { ride: { PULocationID, DOLocationID, trip_distance }, ride_id };
  }
  return decodeRideGeneral(data);
}
