/**
 * Deterministic poison records: inputs a broken or hostile producer could put on the stream.
 * The handler must dead-letter every one of them with a reason and never fail the batch.
 */
import type { KinesisRecordInput } from './kinesis-event.js';
import type { FieldType } from '../lambda/model/contract/index.js';
import type { RideField } from './types.js';

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

/** The fields poison is shaped for when no model says otherwise: the course's. */
export const COURSE_POISON_FIELDS: readonly RideField[] = [
  { name: 'PULocationID', type: 'integer' },
  { name: 'DOLocationID', type: 'integer' },
  { name: 'trip_distance', type: 'number', min: 0 },
];

/** The course ride's values: poison for the course model is the course's ride with one flaw. */
const COURSE_VALUES: Readonly<Record<string, string>> = { PULocationID: '130', DOLocationID: '205', trip_distance: '3.66' };

/** A valid value of each type, as JSON text. */
const GOOD_VALUES: Readonly<Record<FieldType, string>> = { integer: '1', number: '1.5', text: '"poison"', timestamp: '"2021-02-01 00:40:47"' };

/**
 * The field a kind breaks, and how: the course's field when the model reads it (so that the
 * course's poison stays what it always was), else the model's first field the flaw applies to.
 */
interface Flaw {
  readonly prefers: string;
  readonly applies: (field: RideField) => boolean;
  /** The flawed value as JSON text (or not JSON), or `undefined` to leave the field out. */
  readonly value: (field: RideField) => string | undefined;
  readonly describe: (name: string) => string;
}

const isNumeric = (field: RideField): boolean => field.type === 'integer' || field.type === 'number';

const FLAWS: Partial<Record<PoisonKind, Flaw>> = {
  'missing-field': { prefers: 'DOLocationID', applies: () => true, value: () => undefined, describe: (name) => `ride.${name} is missing` },
  'wrong-type': {
    prefers: 'PULocationID',
    applies: () => true,
    value: (field) => (isNumeric(field) ? '"one-thirty"' : '130'),
    describe: (name) => `ride.${name} has the wrong type`,
  },
  'non-integer-location': { prefers: 'PULocationID', applies: (field) => field.type === 'integer', value: () => '130.5', describe: (name) => `ride.${name} is not an integer` },
  'negative-distance': { prefers: 'trip_distance', applies: (field) => field.min !== undefined && field.min >= 0, value: (field) => (field.type === 'integer' ? '-1' : '-1.5'), describe: (name) => `ride.${name} is negative` },
  'non-finite': { prefers: 'trip_distance', applies: (field) => field.type === 'number', value: () => '1e999', describe: (name) => `ride.${name} is not finite (1e999)` },
  nan: { prefers: 'trip_distance', applies: isNumeric, value: () => 'NaN', describe: (name) => `ride.${name} is NaN (not JSON)` },
};

function flawedField(flaw: Flaw, fields: readonly RideField[]): RideField | undefined {
  return fields.find((field) => field.name === flaw.prefers) ?? fields.find(flaw.applies);
}

/**
 * Whether `kind` can be made for a model reading `fields`: a flaw needs a field to break (no
 * negative distance for a model that reads no number with a bound).
 *
 * @example
 * canPoison('negative-distance', [{ name: 'PULocationID', type: 'integer' }]); // false
 */
export function canPoison(kind: PoisonKind, fields: readonly RideField[]): boolean {
  const flaw = FLAWS[kind];
  return flaw === undefined || (fields.length > 0 && flawedField(flaw, fields) !== undefined);
}

/** The `ride` object's JSON text, every field valid but `flawed`, written as `json.dumps` spaces it. */
function rideText(fields: readonly RideField[], flawed?: { readonly name: string; readonly value: string | undefined }): string {
  const members: string[] = [];
  for (const field of fields) {
    const value = field.name === flawed?.name ? flawed.value : (COURSE_VALUES[field.name] ?? GOOD_VALUES[field.type]);
    if (value !== undefined) members.push(`${JSON.stringify(field.name)}: ${value}`);
  }
  return `{${members.join(', ')}}`;
}

function payload(kind: PoisonKind, id: string, fields: readonly RideField[]): { text?: string; bytes?: Uint8Array; base64?: string; description: string } {
  const rideId = JSON.stringify(id);
  const flaw = FLAWS[kind];
  if (flaw !== undefined) {
    const field = flawedField(flaw, fields);
    if (field === undefined) throw new RangeError(`no poison of kind ${kind} for a ride of ${fields.map((f) => f.name).join(', ')}`);
    return {
      text: `{"ride": ${rideText(fields, { name: field.name, value: flaw.value(field) })}, "ride_id": ${rideId}}`,
      description: flaw.describe(field.name),
    };
  }
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
    case 'not-an-object':
      return { text: `["ride", ${rideId}]`, description: 'JSON is an array, not an object' };
    default:
      throw new RangeError(`unknown poison kind ${kind}`);
  }
}

/**
 * One poison record of the given kind, shaped for a model reading `fields` (default: the
 * course's): a valid ride of those fields with one flaw (see {@link canPoison}), or bytes no model
 * can read.
 *
 * @throws {RangeError} for a kind that cannot be made for those fields
 * @example
 * makePoison('negative-distance', 3).id; // 'poison-3'
 */
export function makePoison(kind: PoisonKind, ordinal: number, fields: readonly RideField[] = COURSE_POISON_FIELDS): PoisonRecord {
  const id = `poison-${ordinal}`;
  const made = payload(kind, id, fields);
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
  /** The ride fields the model reads, which poison is shaped for; default the course's. */
  readonly fields?: readonly RideField[];
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
  readonly #fields: readonly RideField[];
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
    this.#fields = options.fields ?? COURSE_POISON_FIELDS;
  }

  /** Poison records made so far. */
  get count(): number {
    return this.#made;
  }

  /** A poison record for this slot, or `null` when the slot holds a valid ride. */
  next(): PoisonRecord | null {
    if (this.#fraction === 0 || this.#random() >= this.#fraction) return null;
    const kind = this.#kinds[this.#made % this.#kinds.length] as PoisonKind;
    return makePoison(kind, this.#made++, this.#fields);
  }
}
