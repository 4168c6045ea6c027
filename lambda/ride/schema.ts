/**
 * The ride event envelope: what a record on the input stream must hold around the ride.
 *
 * ```json
 * {"ride": {"PULocationID": 130, "DOLocationID": 205, "trip_distance": 3.66}, "ride_id": 256}
 * ```
 * The fields the `ride` object must carry are the model's business: its contract
 * (`lambda/model/contract`) checks them. Unknown extra fields are ignored.
 */
import type { RideObject } from '../model/contract/index.js';

/**
 * Longest string `ride_id`: it becomes the output record's partition key, which Kinesis limits to
 * 256 characters. A longer id would fail the write forever and block the shard, so it is poison.
 */
export const MAX_RIDE_ID_LENGTH = 256;

/** A ride's identity as the producer gave it; echoed in the output and used as partition key. */
export type RideId = number | string;

export interface RideEvent {
  readonly ride: RideObject;
  readonly ride_id: RideId;
}

/** C0 and C1 control characters: no partition key (nor log line) should carry them. */
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;

/**
 * What is wrong with a `ride_id`, or `undefined`. A string id becomes the output's partition key as
 * it is, so it must be one Kinesis takes: well-formed Unicode (no lone surrogate) of 1 to
 * {@link MAX_RIDE_ID_LENGTH} characters without control characters; a number must be a safe integer.
 */
export function rideIdProblem(value: unknown): string | undefined {
  if (typeof value === 'number') return Number.isSafeInteger(value) ? undefined : 'expected an integer or a string';
  if (typeof value !== 'string') return 'expected an integer or a string';
  if (value.length < 1 || value.length > MAX_RIDE_ID_LENGTH) {
    return `expected 1 to ${MAX_RIDE_ID_LENGTH} characters (it becomes the partition key), got ${value.length}`;
  }
  if (!value.isWellFormed()) return 'expected well-formed Unicode (it has a lone surrogate)';
  if (CONTROL.test(value)) return 'expected no control characters (it becomes the partition key)';
  return undefined;
}
