/**
 * Deterministic poison records: inputs a broken or hostile producer could put on the stream.
 * The handler must dead-letter every one of them with a reason and never fail the batch.
 */
import type { KinesisRecordInput } from './kinesis-event.js';

/** The kinds of poison, each a different way a record can be unusable. */
export const POISON_KINDS = [
  /** `kinesis.data` is not base64 at all (only possible in a hand-made event, not over the wire). */
  'bad-base64',
  /** Bytes that are not UTF-8. */
  'invalid-utf8',
  /** Truncated JSON. */
  'not-json',
  /** `NaN` as Python's `json.dumps` writes it: not JSON to a strict parser. */
  'nan',
  /** Valid JSON whose top level is not an object. */
  'not-an-object',
  /** The `ride` object lacks `DOLocationID`. */
  'missing-field',
  /** `PULocationID` is a non-numeric string. */
  'wrong-type',
  /** `PULocationID` is not a whole number. */
  'non-integer-location',
  /** `trip_distance` is negative. */
  'negative-distance',
  /** `trip_distance` is `1e999`, i.e. Infinity once parsed. */
  'non-finite',
] as const;

export type PoisonKind = (typeof POISON_KINDS)[number];

/** Kinds that can travel through `PutRecords` (the SDK base64-encodes whatever bytes it gets). */
export const WIRE_POISON_KINDS: readonly PoisonKind[] = POISON_KINDS.filter((kind) => kind !== 'bad-base64');

/** One poison record, ready for a Kinesis event or `PutRecords`. */
export interface PoisonRecord extends KinesisRecordInput {
  readonly kind: PoisonKind;
  /** The record's bytes (for `bad-base64`, the bytes of the invalid `base64` text). */
  readonly data: Uint8Array;
  /** Its id, also inside the payload where the payload can carry one: `poison-<ordinal>`. */
  readonly id: string;
  /** What is wrong with it, for people. */
  readonly description: string;
}

const RIDE = '{"PULocationID": 130, "DOLocationID": 205, "trip_distance": 3.66}';

function payload(kind: PoisonKind, id: string): { text?: string; bytes?: Uint8Array; base64?: string; description: string } {
  const rideId = JSON.stringify(id);
  switch (kind) {
    case 'bad-base64':
      return { base64: `%%not*base64 ${id}%%`, description: 'kinesis.data is not base64' };
    case 'invalid-utf8':
      return {
        bytes: Uint8Array.from([0xff, 0xfe, 0xc3, 0x28, ...Buffer.from(` ${id}`, 'latin1')]),
        description: 'data is not UTF-8',
      };
    case 'not-json':
      return { text: `{"ride": {"PULocationID": 130, "DOLocationID": `, description: 'data is truncated JSON' };
    case 'nan':
      return {
        text: `{"ride": {"PULocationID": 130, "DOLocationID": 205, "trip_distance": NaN}, "ride_id": ${rideId}}`,
        description: 'trip_distance is NaN (not JSON)',
      };
    case 'not-an-object':
      return { text: `["ride", ${rideId}]`, description: 'JSON is an array, not an object' };
    case 'missing-field':
      return {
        text: `{"ride": {"PULocationID": 130, "trip_distance": 3.66}, "ride_id": ${rideId}}`,
        description: 'ride.DOLocationID is missing',
      };
    case 'wrong-type':
      return {
        text: `{"ride": {"PULocationID": "one-thirty", "DOLocationID": 205, "trip_distance": 3.66}, "ride_id": ${rideId}}`,
        description: 'ride.PULocationID is a string',
      };
    case 'non-integer-location':
      return {
        text: `{"ride": {"PULocationID": 130.5, "DOLocationID": 205, "trip_distance": 3.66}, "ride_id": ${rideId}}`,
        description: 'ride.PULocationID is not an integer',
      };
    case 'negative-distance':
      return {
        text: `{"ride": {"PULocationID": 130, "DOLocationID": 205, "trip_distance": -1.5}, "ride_id": ${rideId}}`,
        description: 'ride.trip_distance is negative',
      };
    case 'non-finite':
      return {
        text: `{"ride": {"PULocationID": 130, "DOLocationID": 205, "trip_distance": 1e999}, "ride_id": ${rideId}}`,
        description: 'ride.trip_distance is not finite (1e999)',
      };
  }
}

/**
 * One poison record of the given kind.
 *
 * @example
 * makePoison('negative-distance', 3).id; // 'poison-3'
 */
export function makePoison(kind: PoisonKind, ordinal: number): PoisonRecord {
  const id = `poison-${ordinal}`;
  const made = payload(kind, id);
  const data = made.bytes ?? Buffer.from(made.text ?? made.base64 ?? '', 'utf8');
  return {
    kind,
    id,
    data,
    partitionKey: id,
    description: made.description,
    ...(made.base64 === undefined ? {} : { base64: made.base64 }),
  };
}

/** A small, fast, seedable PRNG (mulberry32): same seed, same sequence, on every platform. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Options of {@link PoisonMixer}. */
export interface PoisonMixOptions {
  /** Share of slots that are poison, 0..1. */
  readonly fraction: number;
  /** Seed of the choice of slots; default 1. */
  readonly seed?: number;
  /** Kinds to cycle through, in order; default all ({@link WIRE_POISON_KINDS} for `PutRecords`). */
  readonly kinds?: readonly PoisonKind[];
}

/**
 * Decides, slot by slot, whether the next record is poison; deterministic for a seed, streaming
 * (no total needed). Poison kinds are cycled so that every kind appears.
 *
 * @example
 * const mixer = new PoisonMixer({ fraction: 0.1, seed: 7 });
 * for (const ride of rides) {
 *   const poison = mixer.next();
 *   if (poison) send(poison);
 *   send(ride);
 * }
 */
export class PoisonMixer {
  readonly #random: () => number;
  readonly #fraction: number;
  readonly #kinds: readonly PoisonKind[];
  #made = 0;

  constructor(options: PoisonMixOptions) {
    if (!(options.fraction >= 0 && options.fraction <= 1)) {
      throw new RangeError(`poison fraction must be between 0 and 1, got ${options.fraction}`);
    }
    const kinds = options.kinds ?? POISON_KINDS;
    if (kinds.length === 0) throw new RangeError('at least one poison kind is needed');
    this.#random = seededRandom(options.seed ?? 1);
    this.#fraction = options.fraction;
    this.#kinds = kinds;
  }

  /** Poison records made so far. */
  get count(): number {
    return this.#made;
  }

  /** A poison record for this slot, or `null` when the slot holds a valid ride. */
  next(): PoisonRecord | null {
    if (this.#fraction === 0 || this.#random() >= this.#fraction) return null;
    const kind = this.#kinds[this.#made % this.#kinds.length] as PoisonKind;
    return makePoison(kind, this.#made++);
  }
}
