/**
 * The shapes of a model's contract: what a model reads, where each key comes from in a ride, and
 * the recipe that declares keys the function cannot infer.
 */

/** How a ride field is written in a ride event, and so how it is checked and turned into a feature. */
export type FieldType = 'integer' | 'number' | 'text' | 'timestamp';

/** A field of the `ride` object of a ride event. */
export interface RideField {
  readonly name: string;
  readonly type: FieldType;
  /** Smallest value accepted (numbers only), e.g. 0 for `trip_distance`. */
  readonly min?: number;
}

/**
 * How a derived key is computed from ride fields:
 * - `join`: the fields' texts (as Python's `str()` writes them) joined by `separator` (the
 *   course's `PU_DO` is `join(PULocationID, DOLocationID)` with `_`); text.
 * - `hour`: the hour (0–23) of a timestamp field, as written (wall clock); integer.
 * - `weekday`: the day of the week of a timestamp field, Monday 0 … Sunday 6 (pandas'
 *   `dt.weekday`); integer.
 * - `field`: another field under a new name; the field's own type.
 */
export type Derivation =
  | { readonly op: 'join'; readonly fields: readonly string[]; readonly separator: string }
  | { readonly op: 'hour'; readonly field: string }
  | { readonly op: 'weekday'; readonly field: string }
  | { readonly op: 'field'; readonly field: string };

/** A model's declared recipe (see `recipe.ts`): extra ride fields and derived keys. */
export interface Recipe {
  /** Ride fields beyond the ride-start fields the function knows (`fields.ts`). */
  readonly fields: readonly RideField[];
  /** Derived key → how it is computed; the course's `PU_DO` is always available. */
  readonly derived: ReadonlyMap<string, Derivation>;
}

/**
 * How the model reads a key, as `DictVectorizer` does: a number under the bare key (`trip_distance`),
 * or a text value as the one-hot feature `key<separator>value` (`PULocationID=130`).
 */
export type InputKind = 'numeric' | 'one-hot';

/** One key the model reads, and where the function gets it from. */
export interface ContractInput {
  readonly key: string;
  readonly kind: InputKind;
  /** How many of the model's columns belong to this key (1 for a numeric key). */
  readonly columns: number;
  /** Where the value comes from, e.g. `ride.PULocationID (integer)` or `join(PULocationID, DOLocationID, "_")`. */
  readonly from: string;
}

/** The contract as logged at load and shown by `invoke -v`, `serve`'s `/model` and `npm start`. */
export interface ContractSummary {
  readonly separator: string;
  readonly inputs: readonly ContractInput[];
  /** The ride fields every ride must carry for this model, with their types. */
  readonly requiredFields: readonly RideField[];
}

/** What a model's feature names read, per key: how (numeric, one-hot), in how many columns, and its first name. */
export interface KeyRead {
  readonly kinds: Set<InputKind>;
  columns: number;
  readonly example: string;
}
