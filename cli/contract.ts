/**
 * What the commands say and do about a model's contract: the lines that show it (`score`, `serve`,
 * `invoke -v`), the drift count of `score`, and the poison kinds that are poison for the chosen
 * model (`events`, `produce`).
 */
import { Buffer } from 'node:buffer';
import { quote } from '../lambda/quote.js';

// From io's own files, not io/index.ts: that would load the parquet reader into every command that
// only describes a model (invoke, serve).
import { canPoison, makePoison, type PoisonKind } from '../io/poison.js';
import type { RideField, RideFieldValue } from '../io/types.js';
import { UnseenTally, type RideContract } from '../lambda/model/contract/index.js';
import type { ModelDescription } from '../lambda/model/types.js';
import { decodeRide, RideRejection } from '../lambda/ride/decode.js';

/**
 * A row's values of `fields` without the missing ones (`null`: an empty cell, an absent column
 * value), so that the contract calls them missing: in a ride event, a `null` is a present value of
 * the wrong type. Own properties only, so a field named `__proto__` stays a field; a per-ride hot
 * path, hence the plain loop.
 */
export function presentValues(fields: readonly RideField[], values: Readonly<Record<string, RideFieldValue>>): Record<string, number | string> {
  const present: Record<string, number | string> = {};
  for (const { name } of fields) {
    const value = values[name];
    if (value === null || value === undefined) continue;
    if (name === '__proto__') Object.defineProperty(present, name, { value, enumerable: true });
    else present[name] = value;
  }
  return present;
}

/** Unseen values a summary quotes. */
const DRIFT_EXAMPLES = 5;
/** Longest unseen value quoted: a text field may hold 256 characters of anything. */
const EXAMPLE_CHARS = 80;

/**
 * The lines that present a loaded model: what it is, what it reads and where each key comes from,
 * and the ride fields every ride must carry.
 *
 * @example
 * describeModel(model.description, model.contract);
 * // ['model: LinearRegression (pickle-tuple, 13221 features, version sha256:b51a38fd7db9) from …/lin_reg.bin',
 * //  'contract: PU_DO (one-hot) ← join(PULocationID, DOLocationID, "_"); trip_distance (numeric) ← ride.trip_distance (number)',
 * //  'ride fields: PULocationID (integer), DOLocationID (integer), trip_distance (number >= 0)']
 */
export function describeModel(description: ModelDescription, contract: RideContract): string[] {
  const d = description;
  const fields = contract.requiredFields.map((field) => `${field.name} (${field.type}${field.min === undefined ? '' : ` >= ${field.min}`})`);
  return [
    `model: ${d.regressor} (${d.format}, ${d.featureCount} features, version ${d.version}) from ${d.source}`,
    `contract: ${contract.describe()}`,
    `ride fields: ${fields.join(', ')}`,
  ];
}

/** An unseen value as a summary quotes it: JSON-escaped (no control characters reach the terminal), cut. */
function quoted(value: string): string {
  return quote(value, { maxChars: EXAMPLE_CHARS });
}

/**
 * Counts the rides scored with a one-hot value the model never saw (the encoder's `unseen` after
 * each ride), keeping the first few distinct values as examples.
 *
 * @example
 * const drift = new DriftCounter();
 * drift.add(encoder.unseen); // after each encoder.encode(ride)
 * drift.describe(2000); // 'drift: 3 of 2000 ride(s) (0.15%) had a one-hot value the model never saw …'
 */
export class DriftCounter extends UnseenTally {
  constructor() {
    super(DRIFT_EXAMPLES);
  }

  /** The summary line over `total` rides scored. */
  describe(total: number): string {
    if (this.rides === 0) return `drift: none of ${total} ride(s) had a one-hot value the model never saw`;
    const share = ((100 * this.rides) / total).toFixed(2);
    const more = this.rides > this.sample.length ? ', …' : '';
    return (
      `drift: ${this.rides} of ${total} ride(s) (${share}%) had a one-hot value the model never saw, scored without it as scikit-learn does: ` +
      `${this.sample.map(quoted).join(', ')}${more}`
    );
  }
}

/**
 * The poison kinds that can be made for the model (shaped for its fields) and that it rejects: a
 * flaw needs a field to break (the homework model reads no distance, so none can be negative).
 *
 * @example
 * poisonKindsFor(homework.contract, POISON_KINDS); // without 'negative-distance' and 'non-finite' (it reads no number with a bound, no float)
 */
export function poisonKindsFor(contract: RideContract, kinds: readonly PoisonKind[]): PoisonKind[] {
  const fields = contract.requiredFields;
  return kinds.filter((kind) => {
    if (!canPoison(kind, fields)) return false;
    const record = makePoison(kind, 0, fields);
    return decodeRide(record.base64 ?? Buffer.from(record.data).toString('base64'), contract) instanceof RideRejection;
  });
}
