/**
 * A model's recipe: the JSON a model carries next to it to declare what the function cannot infer
 * from its vectorizer, namely ride fields beyond the ride-start fields and derived keys.
 *
 * ```json
 * {
 *   "format": "ride-duration-recipe/v1",
 *   "fields": { "zone": "text" },
 *   "derived": {
 *     "PU_DO": { "join": ["PULocationID", "DOLocationID"], "separator": "_" },
 *     "pickup_hour": { "hour": "lpep_pickup_datetime" },
 *     "pickup_weekday": { "weekday": "lpep_pickup_datetime" },
 *     "pickup_zone": { "field": "zone" }
 *   }
 * }
 * ```
 * Both sections are optional. README "Your own model" is the user's guide.
 */
import { quote } from '../../quote.js';
import { ModelContractError } from '../errors.js';
import { RIDE_START_FIELDS } from './fields.js';
import type { Derivation, FieldType, Recipe, RideField } from './types.js';

export const RECIPE_FORMAT = 'ride-duration-recipe/v1';

/** The course's derived key, available to every model: `PU_DO = "<PULocationID>_<DOLocationID>"`. */
export const COURSE_DERIVED: ReadonlyMap<string, Derivation> = new Map([
  ['PU_DO', { op: 'join', fields: ['PULocationID', 'DOLocationID'], separator: '_' }],
]);

/** A model without a recipe: the ride-start fields and `PU_DO`. */
export const DEFAULT_RECIPE: Recipe = { fields: [], derived: COURSE_DERIVED };

const FIELD_TYPES: readonly FieldType[] = ['integer', 'number', 'text', 'timestamp'];

/** MLflow's column types as the ride field types they are written in (others have no ride form). */
const SIGNATURE_TYPES: Readonly<Record<string, FieldType>> = {
  string: 'text',
  integer: 'integer',
  long: 'integer',
  float: 'number',
  double: 'number',
  datetime: 'timestamp',
};

/**
 * The recipe with the columns of an MLflow signature declared as ride fields: a column the function
 * does not know (not a ride-start field, not already declared) becomes a field of its MLflow type.
 * The ride-start fields keep their own types, which are how rides carry them.
 *
 * @example
 * ```ts
 * withSignatureFields(DEFAULT_RECIPE, [{ name: 'zone', type: 'string' }], new Set(['PULocationID'])).fields; // [{ name: 'zone', type: 'text' }]
 * ```
 */
export function withSignatureFields(recipe: Recipe, columns: readonly { readonly name: string; readonly type: string }[], known: ReadonlySet<string>): Recipe {
  const declared = new Set(recipe.fields.map((field) => field.name));
  const added: RideField[] = [];
  for (const { name, type } of columns) {
    const fieldType = SIGNATURE_TYPES[type];
    if (fieldType === undefined || known.has(name) || declared.has(name) || recipe.derived.has(name)) continue;
    declared.add(name);
    added.push({ name, type: fieldType });
  }
  return added.length === 0 ? recipe : { ...recipe, fields: [...recipe.fields, ...added] };
}
/** Most derived keys and declared fields a recipe may hold: a recipe is written by hand. */
const MAX_ENTRIES = 100;

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function entries(value: unknown, section: string, where: string): Array<[string, unknown]> {
  if (value === undefined) return [];
  if (!isObject(value)) throw new ModelContractError(`recipe ${where}: "${section}" must be an object`);
  const list = Object.entries(value);
  if (list.length > MAX_ENTRIES) throw new ModelContractError(`recipe ${where}: "${section}" has more than ${MAX_ENTRIES} entries`);
  return list;
}

function derivation(key: string, spec: unknown, where: string): Derivation {
  const fail = (problem: string): never => {
    throw new ModelContractError(`recipe ${where}: derived key ${quote(key)} ${problem}`);
  };
  if (!isObject(spec)) return fail('must be an object such as {"hour": "lpep_pickup_datetime"}');
  const ops = Object.keys(spec).filter((name) => name !== 'separator');
  if (ops.length !== 1) return fail(`must name one of join, hour, weekday, field (got ${ops.map((op) => quote(op)).join(', ') || 'none'})`);
  const op = ops[0]!;
  const argument = spec[op];
  if (op === 'join') {
    const separator = spec.separator ?? '_';
    if (!Array.isArray(argument) || argument.length < 2 || !argument.every((field) => typeof field === 'string')) {
      return fail('"join" must list two or more field names');
    }
    if (typeof separator !== 'string') return fail('"separator" must be a string');
    return { op, fields: argument as string[], separator };
  }
  if (spec.separator !== undefined) return fail('"separator" goes with "join" only');
  if (op !== 'hour' && op !== 'weekday' && op !== 'field') return fail(`has an unknown operation ${quote(op)} (known: join, hour, weekday, field)`);
  if (typeof argument !== 'string') return fail(`"${op}" must name a field`);
  return { op, field: argument };
}

/**
 * Reads a recipe's JSON (already parsed). Field references are checked later, against the model
 * (`contract.ts`), because only the keys the model reads matter.
 *
 * @param where names the recipe in errors (its path or URI)
 * @throws {ModelContractError} naming what is wrong
 * @example
 * ```ts
 * const recipe = parseRecipe({ format: RECIPE_FORMAT, derived: { hour: { hour: 'lpep_pickup_datetime' } } }, 'model.bin.recipe.json');
 * recipe.derived.get('hour'); // { op: 'hour', field: 'lpep_pickup_datetime' }
 * ```
 */
export function parseRecipe(json: unknown, where: string): Recipe {
  if (!isObject(json)) throw new ModelContractError(`recipe ${where}: expected a JSON object`);
  if (json.format !== RECIPE_FORMAT) {
    const given = json.format === undefined ? 'missing' : `${quote(String(json.format))}`;
    throw new ModelContractError(`recipe ${where}: "format" is ${given}, expected "${RECIPE_FORMAT}"`);
  }
  const unknown = Object.keys(json).filter((name) => !['format', 'fields', 'derived'].includes(name));
  if (unknown.length > 0) throw new ModelContractError(`recipe ${where}: unknown section ${quote(unknown[0]!)} (known: format, fields, derived)`);
  const fields: RideField[] = entries(json.fields, 'fields', where).map(([name, type]) => {
    // The ride-start fields keep their rules (an integer id, a distance >= 0): a recipe adds fields.
    if (RIDE_START_FIELDS.some((field) => field.name === name)) {
      throw new ModelContractError(`recipe ${where}: field ${quote(name)} is a ride-start field already; declare only fields the function does not know`);
    }
    if (typeof type !== 'string' || !(FIELD_TYPES as readonly string[]).includes(type)) {
      throw new ModelContractError(`recipe ${where}: field ${quote(name)} has type ${quote(String(type))} (known: ${FIELD_TYPES.join(', ')})`);
    }
    return { name, type: type as FieldType };
  });
  const derived = new Map(COURSE_DERIVED);
  for (const [key, spec] of entries(json.derived, 'derived', where)) derived.set(key, derivation(key, spec, where));
  return { fields, derived };
}
