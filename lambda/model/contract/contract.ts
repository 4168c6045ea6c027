/**
 * A model's contract: the keys its vectorizer reads, derived at load from its feature names (and its
 * recipe), each tied to the ride field or derivation that provides it. A model reading anything the
 * function cannot provide exactly is refused here, with one error naming every such key.
 *
 * The contract then does the per-ride work: it checks that a ride has every field the model needs,
 * with the right type ({@link RideContract.check}), and encodes the ride into the model's columns,
 * exactly as `DictVectorizer.transform` of the Python feature dict would
 * ({@link RideEncoder.encode}), noting values the model never saw (drift).
 */
import { quote } from '../../quote.js';
import { ModelContractError } from '../errors.js';
import { placeInColumnOrder } from '../sparse-row.js';
import type { FeatureSpace } from '../types.js';
import { fieldProblem, RIDE_START_FIELDS, wallClock } from './fields.js';
import { DEFAULT_RECIPE } from './recipe.js';
import type { ContractInput, ContractSummary, Derivation, FieldType, InputKind, KeyRead, Recipe, RideField } from './types.js';

/** A ride as parsed from its event: the `ride` object. */
export type RideObject = Readonly<Record<string, unknown>>;

/** Most problems an error or a rejection lists before summarising the rest. */
const MAX_LISTED = 5;
/** One-hot answers remembered per key before the memo starts over (a hostile stream of new values). */
const MAX_REMEMBERED_VALUES = 100_000;

/** One key the model reads, ready to compute from a checked ride. */
interface Input {
  readonly summary: ContractInput;
  readonly value: (ride: RideObject) => number | string;
  /** Numeric keys: the key's column. */
  readonly column: number;
  /** One-hot keys: `key + separator`. */
  readonly prefix: string;
  /** The ride fields the value is computed from. */
  readonly fields: readonly RideField[];
  /**
   * One-hot keys: value → column (-1 unseen), remembered for the model's life, since rides repeat
   * their values (a few thousand location pairs) batch after batch. Keyed by the value as computed
   * (an integer id is its number): one key's values are all of one type, so `130` and `"130"` never
   * meet in one memo, and a remembered value costs no text.
   */
  readonly memo: Map<number | string, number>;
}

/** Python's `str()` of a checked integer or text value: an integer's digits, a text itself. */
function pythonText(value: number | string): string {
  return typeof value === 'number' ? String(value) : value;
}

function listed(problems: readonly string[]): string {
  const shown = problems.slice(0, MAX_LISTED);
  if (problems.length > MAX_LISTED) shown.push(`and ${problems.length - MAX_LISTED} more`);
  return shown.join('; ');
}

/** Where a key's value comes from: a ride field or a derivation, its type, and the fields it needs. */
interface Source {
  readonly type: FieldType;
  readonly from: string;
  readonly fields: readonly RideField[];
  readonly value: (ride: RideObject) => number | string;
  /**
   * The texts this source can give a one-hot key, when they can be told: an integer's are Python's
   * `str()` of an int (`130`, never `130.0`); `undefined` for any text (a text field is any text).
   */
  readonly texts?: RegExp;
}

/** Python's `str()` of an int. */
const INTEGER_TEXT = '-?(?:0|[1-9][0-9]*)';

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&');
}

/** The texts of an integer source. */
const INTEGER_TEXTS = new RegExp(`^${INTEGER_TEXT}$`);

/** Resolves keys to sources for one model: the ride fields, the declared fields and the derived keys. */
class Sources {
  readonly fields = new Map<string, RideField>();

  constructor(readonly recipe: Recipe) {
    for (const field of RIDE_START_FIELDS) this.fields.set(field.name, field);
    for (const field of recipe.fields) this.fields.set(field.name, field);
  }

  /** Every key a ride can provide: a field name or a derived key. */
  keys(): Set<string> {
    return new Set([...this.fields.keys(), ...this.recipe.derived.keys()]);
  }

  /** What the function provides, for the refusal message. */
  describe(): string {
    const fields = [...this.fields.values()].map((field) => `${field.name} (${field.type})`);
    return `ride fields ${fields.join(', ')}; derived keys ${[...this.recipe.derived.keys()].join(', ')}`;
  }

  /** The source of `key`, or the problem with it. */
  resolve(key: string): Source | string {
    const derivation = this.recipe.derived.get(key);
    if (derivation !== undefined) return this.derived(key, derivation);
    const field = this.fields.get(key);
    if (field === undefined) return 'no ride field or derived key has this name';
    return fieldSource(field);
  }

  private field(name: string): RideField | string {
    return this.fields.get(name) ?? `its recipe reads ${quote(name)}, which is no ride field (declare it under "fields")`;
  }

  private derived(key: string, derivation: Derivation): Source | string {
    if (derivation.op === 'join') {
      const fields: RideField[] = [];
      for (const name of derivation.fields) {
        const field = this.field(name);
        if (typeof field === 'string') return field;
        // A float's text differs between Python (`3.0`) and JavaScript (`3`): joins take ids and texts.
        if (field.type !== 'integer' && field.type !== 'text') return `its recipe joins ${name}, a ${field.type} field (integer or text fields only)`;
        fields.push(field);
      }
      const names = derivation.fields;
      const { separator } = derivation;
      return {
        type: 'text',
        from: `join(${names.join(', ')}, ${JSON.stringify(separator)})`,
        fields,
        // Integers only: `130_205`; any text field makes any text possible.
        ...(fields.every((f) => f.type === 'integer')
          ? { texts: new RegExp(`^${fields.map(() => INTEGER_TEXT).join(escapeRegExp(separator))}$`) }
          : {}),
        value: (ride) => {
          // A loop, not map + join: this runs for every ride.
          let text = pythonText(ride[names[0]!] as number | string);
          for (let i = 1; i < names.length; i++) text += separator + pythonText(ride[names[i]!] as number | string);
          return text;
        },
      };
    }
    const field = this.field(derivation.field);
    if (typeof field === 'string') return field;
    if (derivation.op === 'field') return fieldSource(field);
    if (field.type !== 'timestamp') return `its recipe takes the ${derivation.op} of ${field.name}, a ${field.type} field (timestamps only)`;
    const name = field.name;
    const part = derivation.op;
    return {
      type: 'integer',
      from: `${part}(${name})`,
      fields: [field],
      texts: INTEGER_TEXTS,
      value: (ride) => wallClock(ride[name] as string)![part],
    };
  }
}

/** A ride field passed through. */
function fieldSource(field: RideField): Source {
  const { name, type } = field;
  return {
    type,
    from: `ride.${name} (${type})`,
    fields: [field],
    ...(type === 'integer' ? { texts: INTEGER_TEXTS } : {}),
    value: (ride) => ride[name] as number | string,
  };
}

/**
 * Why no value of a one-hot key can ever come from its source, or `undefined` when one can: a model
 * trained on float ids (`PULocationID=130.0`, as pandas writes an id column that holds a NaN)
 * would otherwise load and drop the key from every ride. Stops at the first value it can give.
 */
function unreachableProblem(kind: InputKind, source: Source, prefix: string, names: readonly string[]): string | undefined {
  const { texts } = source;
  if (kind !== 'one-hot' || texts === undefined) return undefined;
  if (names.some((name) => name.startsWith(prefix) && texts.test(name.slice(prefix.length)))) return undefined;
  return `none of its values is a text ${source.from} can give: the function writes an integer as Python's str() of an int ("130", never "130.0"); train on the ids as int or str(int)`;
}

/** Why a source cannot feed a key read as `kind`, or `undefined` when it can. */
function kindProblem(kind: InputKind, source: Source): string | undefined {
  if (kind === 'numeric') {
    return source.type === 'integer' || source.type === 'number' ? undefined : `read as a number, but ${source.from} is ${source.type}`;
  }
  if (source.type === 'integer' || source.type === 'text') return undefined;
  return source.type === 'number'
    ? `read as text, but ${source.from} is a non-integer number, whose text Python writes differently`
    : `read as text, but ${source.from} is a timestamp: declare a derived key (hour, weekday)`;
}

/** A feature name's key and kind, given the keys a ride can provide (a value may hold the separator). */
function splitFeature(name: string, separator: string, keys: ReadonlySet<string>): { key: string; kind: InputKind } {
  if (keys.has(name)) return { key: name, kind: 'numeric' };
  let found: string | undefined;
  let first = -1;
  // A key is never empty, so the search starts at 1 (a separator may also begin a key: "D" in
  // "DOLocationIDD10"); an empty separator fits between any two characters.
  for (let at = name.indexOf(separator, 1); at > 0 && at < name.length; at = name.indexOf(separator, at + 1)) {
    if (first < 0) first = at;
    const key = name.slice(0, at);
    if (keys.has(key)) found = key; // the longest key that fits wins
  }
  if (found !== undefined) return { key: found, kind: 'one-hot' };
  // For the refusal's message: the name up to its first separator (none to tell with an empty one).
  return first > 0 && separator !== '' ? { key: name.slice(0, first), kind: 'one-hot' } : { key: name, kind: 'numeric' };
}

/**
 * The keys `names` read, split at `separator` given the keys a ride can provide (see
 * {@link splitFeature}); in the order of the names. Exported for its tests.
 *
 * @example
 * ```ts
 * readKeys(['PU_DO=1_2', 'PU_DO=1_3', 'trip_distance'], '=', new Set(['PU_DO', 'trip_distance']));
 * // Map { 'PU_DO' => { kinds: Set { 'one-hot' }, columns: 2, … }, 'trip_distance' => { kinds: Set { 'numeric' }, columns: 1, … } }
 * ```
 */
export function readKeys(names: readonly string[], separator: string, keys: ReadonlySet<string>): Map<string, KeyRead> {
  const read = new Map<string, KeyRead>();
  // A one-hot key's columns are consecutive in a vectorizer's sorted names (13,221 for PU_DO): a
  // name that starts with the last one-hot key K and the separator belongs to K too, provided no
  // other key starts with K. Any key splitFeature would take instead (the name itself, or a longer
  // fit) starts with K; with a separator that overlaps itself ('==') such a key can end inside the
  // separator ('a=' in 'a===x'), so the test is on K, not on K and the separator. So a run of
  // columns costs a prefix test each, not a split and two lookups.
  const extendable = new Set([...keys].filter((key) => [...keys].some((other) => other !== key && other.startsWith(key))));
  let run: { prefix: string; entry: KeyRead } | undefined;
  for (const name of names) {
    if (run !== undefined && name.startsWith(run.prefix)) {
      run.entry.columns++;
      continue;
    }
    const { key, kind } = splitFeature(name, separator, keys);
    const entry = read.get(key) ?? { kinds: new Set<InputKind>(), columns: 0, example: name };
    entry.kinds.add(kind);
    entry.columns++;
    read.set(key, entry);
    run = kind === 'one-hot' && separator !== '' && keys.has(key) && !extendable.has(key) ? { prefix: key + separator, entry } : undefined;
  }
  return read;
}

/**
 * Derives the contract of a model from what its vectorizer reads.
 *
 * @throws {ModelContractError} naming every key the function cannot provide as the model reads it,
 *   what the model expects and what the function provides
 * @example
 * ```ts
 * const contract = deriveContract(predictor.features);
 * contract.summary.inputs; // [{ key: 'PU_DO', kind: 'one-hot', columns: 13220, from: 'join(PULocationID, DOLocationID, "_")' }, …]
 * ```
 */
export function deriveContract(features: FeatureSpace, recipe: Recipe = DEFAULT_RECIPE): RideContract {
  const sources = new Sources(recipe);
  const keys = sources.keys();
  const { separator } = features;
  const names = features.featureNames();
  if (names.length === 0) throw new ModelContractError('the model reads no features: its DictVectorizer has an empty vocabulary');

  const read = readKeys(names, separator, keys);

  const problems: string[] = [];
  const inputs: Input[] = [];
  for (const [key, { kinds, columns, example }] of read) {
    if (kinds.size > 1) {
      const oneHot = names.find((name) => name !== key && name.startsWith(key + separator)) ?? example;
      problems.push(`${quote(key)}: read both as a number and as text (one-hot), as ${quote(key)} and ${quote(oneHot)}`);
      continue;
    }
    const kind = [...kinds][0]!;
    const source = sources.resolve(key);
    const what = `${kind}, ${columns} column${columns === 1 ? '' : 's'}${kind === 'one-hot' ? ` such as ${quote(example)}` : ''}`;
    const problem = typeof source === 'string' ? source : (kindProblem(kind, source) ?? unreachableProblem(kind, source, key + separator, names));
    if (problem !== undefined || typeof source === 'string') {
      problems.push(`${quote(key)} (${what}): ${problem}`);
      continue;
    }
    inputs.push({
      summary: { key, kind, columns, from: source.from },
      value: source.value,
      column: kind === 'numeric' ? features.column(key) : -1,
      prefix: key + separator,
      fields: source.fields,
      memo: new Map(),
    });
  }
  if (problems.length > 0) {
    throw new ModelContractError(
      `the model cannot be served: it reads ${listed(problems)}. The function provides ${sources.describe()}; declare other fields and derived keys in a recipe (README "Your own model")`,
    );
  }
  return new RideContract(features, separator, inputs);
}

/** A model's contract: see {@link deriveContract}. */
export class RideContract {
  readonly summary: ContractSummary;
  /** The fields a ride must carry, in the order of the ride-start fields, then declared ones. */
  readonly requiredFields: readonly RideField[];

  constructor(
    readonly features: FeatureSpace,
    readonly separator: string,
    private readonly inputs: readonly Input[],
  ) {
    const required = new Set<RideField>();
    for (const input of inputs) for (const field of input.fields) required.add(field);
    // In the order of the ride-start fields (the TLC's column order), then declared ones.
    const rank = (field: RideField): number => {
      const at = RIDE_START_FIELDS.findIndex((known) => known.name === field.name);
      return at < 0 ? RIDE_START_FIELDS.length : at;
    };
    this.requiredFields = [...required].sort((a, b) => rank(a) - rank(b));
    this.summary = { separator, inputs: inputs.map((input) => input.summary), requiredFields: this.requiredFields };
  }

  /**
   * What is wrong with a ride for this model, each problem naming its field (`ride.trip_distance:
   * expected a finite number >= 0`), or `undefined` when the model can score it. Fields the model
   * does not read are ignored. Own properties only: `__proto__` never stands in for a field.
   *
   * @param path what the problems call the ride (`ride.` in an event, nothing for a bare ride)
   * @param fields the fields to check: all the model reads, or fewer that another check has not
   *   made already ({@link fieldsBeyond})
   */
  check(ride: RideObject, path = 'ride.', fields: readonly RideField[] = this.requiredFields): string | undefined {
    let problems: string[] | undefined;
    for (const field of fields) {
      const problem = Object.hasOwn(ride, field.name) ? fieldProblem(field, ride[field.name]) : 'missing';
      if (problem !== undefined) (problems ??= []).push(`${path}${field.name}: ${problem}`);
    }
    return problems === undefined ? undefined : listed(problems);
  }

  /**
   * The fields of this contract whose check `other`'s check does not already make: the others
   * (same name, same type, a bound at least as tight) are known good in a ride `other` accepted.
   * A shadow model checks only these in the rides the production model accepted.
   *
   * @example
   * ```ts
   * shadow.contract.fieldsBeyond(main.contract); // [] when the shadow reads the same fields
   * ```
   */
  fieldsBeyond(other: RideContract): readonly RideField[] {
    const covers = (known: RideField, field: RideField): boolean =>
      known.name === field.name && known.type === field.type && (field.min === undefined || (known.min !== undefined && known.min >= field.min));
    return this.requiredFields.filter((field) => !other.requiredFields.some((known) => covers(known, field)));
  }

  /** A new encoder of rides into this model's columns (one per caller: it holds scratch rows). */
  encoder(): RideEncoder {
    return new RideEncoder(this.features, this.inputs);
  }

  /** One line for logs and summaries: {@link describeInputs} of this contract. */
  describe(): string {
    return describeInputs(this.summary);
  }
}

/**
 * A contract's inputs on one line, e.g. `PU_DO (one-hot) ← join(PULocationID, DOLocationID, "_");
 * trip_distance (numeric) ← ride.trip_distance (number)`.
 */
export function describeInputs(summary: Pick<ContractSummary, 'inputs'>): string {
  return summary.inputs.map((input) => `${input.key} (${input.kind}) ← ${input.from}`).join('; ');
}

/**
 * Encodes checked rides into a model's columns: the present (column, value) pairs in ascending
 * column order, as `DictVectorizer.transform` lays out the CSR row of the feature dict.
 */
export class RideEncoder {
  readonly cols: Int32Array;
  readonly vals: Float64Array;
  /** One-hot values of the last ride that the model never saw (`key<separator>value`), if any. */
  unseen: string[] = [];
  constructor(
    private readonly features: FeatureSpace,
    private readonly inputs: readonly Input[],
  ) {
    this.cols = new Int32Array(inputs.length);
    this.vals = new Float64Array(inputs.length);
  }

  /** Fills {@link cols}/{@link vals} for a ride that passed `check`; returns how many are present. */
  encode(ride: RideObject): number {
    if (this.unseen.length > 0) this.unseen = [];
    let n = 0;
    for (let i = 0; i < this.inputs.length; i++) {
      const input = this.inputs[i]!;
      const value = input.value(ride);
      let column: number;
      let x: number;
      if (input.column >= 0) {
        column = input.column;
        x = value as number;
      } else {
        const { memo } = input;
        let found = memo.get(value);
        if (found === undefined) {
          found = this.features.column(input.prefix + pythonText(value));
          if (memo.size >= MAX_REMEMBERED_VALUES) memo.clear();
          memo.set(value, found);
        }
        if (found < 0) {
          this.unseen.push(input.prefix + pythonText(value));
          continue; // as DictVectorizer: a feature it never saw is dropped
        }
        column = found;
        x = 1;
      }
      n = placeInColumnOrder(this.cols, this.vals, n, column, x);
    }
    return n;
  }
}
