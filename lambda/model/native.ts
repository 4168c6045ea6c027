/**
 * Reads our own JSON linear-model artifact ({@link NativeLinearModel}) into a {@link Predictor}
 * with the same arithmetic as the pickled linear models.
 */
import { UnsupportedModelError } from './errors.js';
import { NATIVE_MODEL_FORMAT } from './native-format.js';
import type { NativeLinearModel } from './native-format.js';
import { DictVectorizerModel } from './sklearn/dict-vectorizer.js';
import { LinearModel } from './sklearn/linear.js';
import { VectorizedPredictor } from './sklearn/predictor.js';
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

/** A linear model's fields once decoded, as every artifact of ours stores them in some form. */
export interface LinearFields {
  /** DictVectorizer feature names in column order. */
  readonly featureNames: readonly string[];
  readonly coef: Float64Array;
  readonly intercept: unknown;
  readonly separator: unknown;
  readonly regressor: unknown;
}

/**
 * Builds the predictor from decoded fields, checking the ones that are still plain JSON values
 * (`intercept`, `separator`, `regressor`) and that there is one coefficient per feature.
 *
 * @throws {UnsupportedModelError} naming the first field that is wrong
 */
export function linearFrom(fields: LinearFields, what: string): LinearParts {
  const { featureNames, coef, intercept, separator, regressor } = fields;
  if (coef.length !== featureNames.length) {
    throw new UnsupportedModelError(`${what}: ${coef.length} coefficients for ${featureNames.length} features`);
  }
  if (typeof intercept !== 'number' || !Number.isFinite(intercept)) throw new UnsupportedModelError(`${what}: intercept must be a finite number`);
  if (typeof separator !== 'string' || separator.length === 0) throw new UnsupportedModelError(`${what}: separator must be a non-empty string`);
  const name = typeof regressor === 'string' ? regressor : 'LinearRegression';
  const vectorizer = DictVectorizerModel.fromFeatureNames(featureNames, separator);
  return {
    predictor: new VectorizedPredictor(vectorizer, new LinearModel(name, coef, intercept)),
    regressor: name,
    featureCount: featureNames.length,
  };
}

/**
 * Validates our JSON linear artifact's fields (`featureNames` an array of strings, `coef` an array of
 * finite numbers, then as {@link linearFrom}) and builds the predictor.
 *
 * @throws {UnsupportedModelError} naming the first field that is wrong
 */
function linearPredictor(m: Readonly<Record<string, unknown>>, what: string): LinearParts {
  const { featureNames, coef } = m;
  if (!Array.isArray(featureNames) || !featureNames.every((name) => typeof name === 'string')) {
    throw new UnsupportedModelError(`${what}: featureNames must be an array of strings`);
  }
  // every(Number.isFinite), a builtin calling a builtin, and the typed array's own conversion: no
  // JavaScript runs per coefficient (13,221 of them in the course model).
  if (!Array.isArray(coef) || !coef.every(Number.isFinite)) {
    throw new UnsupportedModelError(`${what}: coef must be an array of finite numbers`);
  }
  return linearFrom({ featureNames: featureNames as string[], coef: new Float64Array(coef as number[]), intercept: m.intercept, separator: m.separator, regressor: m.regressor }, what);
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
