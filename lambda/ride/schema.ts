/**
 * The ride event schema: what a record on the input stream must hold.
 *
 * ```json
 * {"ride": {"PULocationID": 130, "DOLocationID": 205, "trip_distance": 3.66}, "ride_id": 256}
 * ```
 * Unknown extra fields are ignored. The zod schema (`validation.ts`) is the definition and produces
 * the precise reason for a rejected record; {@link matchRideEvent} here is a hand-written check of
 * exactly the same rules for the hot path (zod costs several microseconds per record, the whole
 * budget is two), and a property test holds the two equal. This file imports no zod, so that a
 * cold start that meets no poison never loads it.
 */
/**
 * Longest string `ride_id`: it becomes the output record's partition key, which Kinesis limits to
 * 256 characters. A longer id would fail the write forever and block the shard, so it is poison.
 */
export const MAX_RIDE_ID_LENGTH = 256;

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
 * (then `explainRideEvent` in `validation.ts` says why). Reads own properties only, so `__proto__` or
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
