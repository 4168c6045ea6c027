/**
 * Ride rows turned into stream records, with poison mixed in: what `events` and `produce` put in
 * an event file or on a stream, in the same order for the same seed.
 */
import { encodeRideEvent, rideEvent } from './ride-event.js';
import { PoisonMixer, type PoisonKind, type PoisonRecord } from './poison.js';
import { readRides } from './read.js';
import type { RideField } from './types.js';

/** A ride's record (course input shape, partition key = ride id) or a poison record. */
export type RideStreamRecord =
  | { readonly data: Uint8Array; readonly partitionKey: string; readonly kind?: undefined }
  | PoisonRecord;

/** Options of {@link rideStreamRecords}. */
export interface RideStreamRecordsOptions {
  /** Rides to skip first. */
  readonly offset?: number | undefined;
  /** Column (CSV/parquet) or field (JSONL) holding the ride id; default: the row index. */
  readonly idColumn?: string | undefined;
  /** Share of poison records, 0..1 (default 0). */
  readonly poison?: number | undefined;
  /** Seed of the poison placement (default 1). */
  readonly seed?: number | undefined;
  /** Poison kinds to cycle through. */
  readonly kinds: readonly PoisonKind[];
  /**
   * The ride fields each event carries, typically the chosen model's `contract.requiredFields`
   * (default: the course model's); the file must have their columns.
   */
  readonly fields?: readonly RideField[] | undefined;
}

/**
 * Streams the file's rides as records, deciding before each record whether a poison record comes
 * instead; ends with the rides. Stop iterating when you have enough: the file is closed then.
 *
 * @example
 * ```ts
 * for await (const record of rideStreamRecords('rides.csv', { poison: 0.05, kinds: WIRE_POISON_KINDS })) {
 *   send(record.data, record.partitionKey); // record.kind is set on poison
 * }
 * ```
 */
export async function* rideStreamRecords(path: string, options: RideStreamRecordsOptions): AsyncGenerator<RideStreamRecord> {
  const mixer = new PoisonMixer({
    fraction: options.poison ?? 0,
    seed: options.seed ?? 1,
    kinds: options.kinds,
    ...(options.fields === undefined ? {} : { fields: options.fields }),
  });
  const rides = readRides(path, {
    offset: options.offset ?? 0,
    ...(options.idColumn === undefined ? {} : { idColumn: options.idColumn }),
    ...(options.fields === undefined ? {} : { fields: options.fields }),
  })[Symbol.asyncIterator]();
  try {
    for (;;) {
      const poison = mixer.next();
      if (poison !== null) {
        yield poison;
        continue;
      }
      const next = await rides.next();
      if (next.done === true) return;
      const event = rideEvent(next.value, undefined, options.fields);
      yield { data: encodeRideEvent(event, options.fields), partitionKey: String(event.ride_id) };
    }
  } finally {
    await rides.return?.();
  }
}
