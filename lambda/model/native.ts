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

/**
 * Validates the linear-model fields that our JSON artifacts share (`featureNames`, `coef`,
 * `intercept`, `separator`, `regressor`) and builds the predictor; `what` names the artifact in
 * error messages.
 *
 * @throws {UnsupportedModelError} naming the first field that is wrong
 */
export function linearPredictor(m: Readonly<Record<string, unknown>>, what: string): LinearParts {
  const { featureNames, coef, intercept, separator, regressor } = m;
  if (!Array.isArray(featureNames) || !featureNames.every((n): n is string => typeof n === 'string')) {
    throw new UnsupportedModelError(`${what}: featureNames must be an array of strings`);
  }
  if (!Array.isArray(coef) || !coef.every((c): c is number => typeof c === 'number' && Number.isFinite(c))) {
    throw new UnsupportedModelError(`${what}: coef must be an array of finite numbers`);
  }
  if (coef.length !== featureNames.length) {
    throw new UnsupportedModelError(`${what}: ${coef.length} coefficients for ${featureNames.length} features`);
  }
  if (typeof intercept !== 'number' || !Number.isFinite(intercept)) throw new UnsupportedModelError(`${what}: intercept must be a finite number`);
  if (typeof separator !== 'string' || separator.length === 0) throw new UnsupportedModelError(`${what}: separator must be a non-empty string`);
  const name = typeof regressor === 'string' ? regressor : 'LinearRegression';
  const vectorizer = DictVectorizerModel.fromFeatureNames(featureNames, separator);
  return {
    predictor: new VectorizedPredictor(vectorizer, new LinearModel(name, Float64Array.from(coef), intercept)),
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
