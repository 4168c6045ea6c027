/**
 * Reads our own JSON linear-model artifact ({@link NativeLinearModel}) into a {@link Predictor}
 * with the same arithmetic as the pickled linear models.
 */
import { UnsupportedModelError } from './errors.js';
import { NATIVE_MODEL_FORMAT } from './native-format.js';
import type { NativeLinearModel } from './native-format.js';
import { DictVectorizerModel, LinearModel, VectorizedPredictor } from './sklearn/index.js';
import type { Predictor } from './types.js';

export interface NativeModel extends LinearParts {
  readonly model: NativeLinearModel;
}

/** True when the parsed JSON claims to be our artifact (its `format` field). */
export function isNativeModel(json: unknown): boolean {
  return typeof json === 'object' && json !== null && (json as { format?: unknown }).format === NATIVE_MODEL_FORMAT;
}

/** A linear model's predictor, regressor class and width, from the fields our artifacts store. */
export interface LinearParts {
  readonly predictor: Predictor;
  readonly regressor: string;
  readonly featureCount: number;
}

function allStrings(values: readonly unknown[]): values is string[] {
  for (let i = 0; i < values.length; i++) if (typeof values[i] !== 'string') return false;
  return true;
}

/** The values as float64, or undefined unless every one is a finite number. */
function finiteFloat64(values: readonly unknown[]): Float64Array | undefined {
  const out = new Float64Array(values.length);
  for (let i = 0; i < values.length; i++) {
    const value = values[i];
    // `value - value === 0` holds exactly for finite numbers (NaN and ±Infinity give NaN).
    if (typeof value !== 'number' || value - value !== 0) return undefined;
    out[i] = value;
  }
  return out;
}

/**
 * Validates the linear-model fields that our JSON artifacts share (`featureNames`, `coef`,
 * `intercept`, `separator`, `regressor`) and builds the predictor; `what` names the artifact in
 * error messages.
 *
 * @throws {UnsupportedModelError} naming the first field that is wrong
 */
export function linearPredictor(m: Readonly<Record<string, unknown>>, what: string): LinearParts {
  const { featureNames, coef, intercept, separator, regressor } = m;
  // Plain loops rather than every(): a cold start interprets them once per feature (13,221 for the
  // course model), and a callback per element is what costs there.
  if (!Array.isArray(featureNames) || !allStrings(featureNames)) {
    throw new UnsupportedModelError(`${what}: featureNames must be an array of strings`);
  }
  const weights = Array.isArray(coef) ? finiteFloat64(coef) : undefined;
  if (weights === undefined) {
    throw new UnsupportedModelError(`${what}: coef must be an array of finite numbers`);
  }
  if (weights.length !== featureNames.length) {
    throw new UnsupportedModelError(`${what}: ${weights.length} coefficients for ${featureNames.length} features`);
  }
  if (typeof intercept !== 'number' || !Number.isFinite(intercept)) throw new UnsupportedModelError(`${what}: intercept must be a finite number`);
  if (typeof separator !== 'string' || separator.length === 0) throw new UnsupportedModelError(`${what}: separator must be a non-empty string`);
  const name = typeof regressor === 'string' ? regressor : 'LinearRegression';
  const vectorizer = DictVectorizerModel.fromFeatureNames(featureNames, separator);
  return {
    predictor: new VectorizedPredictor(vectorizer, new LinearModel(name, weights, intercept)),
    regressor: name,
    featureCount: featureNames.length,
  };
}

/**
 * Validates and adapts a parsed native artifact.
 *
 * @example
 * ```ts
 * const { predictor } = nativeToPredictor(JSON.parse(readFileSync('model.json', 'utf8')));
 * ```
 */
export function nativeToPredictor(json: unknown): NativeModel {
  if (!isNativeModel(json)) {
    const format = typeof json === 'object' && json !== null ? (json as { format?: unknown }).format : undefined;
    throw new UnsupportedModelError(`JSON model has format ${JSON.stringify(format)}, expected ${JSON.stringify(NATIVE_MODEL_FORMAT)}`);
  }
  const linear = linearPredictor(json as Record<string, unknown>, 'native model');
  return {
    ...linear,
    model: json as NativeLinearModel,
  };
}
