/**
 * Reads our own JSON linear-model artifact ({@link NativeLinearModel}, written by `train`) into a
 * {@link Predictor} with the same arithmetic as the pickled linear models.
 */
import { UnsupportedModelError } from './errors.js';
import { NATIVE_MODEL_FORMAT, type NativeLinearModel } from './native-format.js';
import { DictVectorizerModel } from './sklearn/dict-vectorizer.js';
import { LinearModel } from './sklearn/linear.js';
import { VectorizedPredictor } from './sklearn/predictor.js';
import type { Predictor } from './types.js';

/** A native artifact's predictor, regressor class and width. */
export interface NativeModel {
  readonly predictor: Predictor;
  readonly regressor: string;
  readonly featureCount: number;
}

const WHAT = 'native model';

/**
 * Validates a parsed native artifact (`format`, `featureNames` an array of strings, `coef` one finite
 * number per feature, a finite `intercept`, a non-empty `separator`) and builds its predictor.
 *
 * @throws {UnsupportedModelError} naming the first field that is wrong
 * @example
 * ```ts
 * const { predictor } = nativeToPredictor(JSON.parse(readFileSync('model.json', 'utf8')));
 * ```
 */
export function nativeToPredictor(json: unknown): NativeModel {
  const m = (typeof json === 'object' && json !== null ? json : {}) as Readonly<Partial<Record<keyof NativeLinearModel, unknown>>>;
  if (m.format !== NATIVE_MODEL_FORMAT) {
    throw new UnsupportedModelError(`JSON model has format ${JSON.stringify(m.format)}, expected ${JSON.stringify(NATIVE_MODEL_FORMAT)}`);
  }
  const { featureNames, coef, intercept, separator, regressor } = m;
  if (!Array.isArray(featureNames) || !featureNames.every((name) => typeof name === 'string')) {
    throw new UnsupportedModelError(`${WHAT}: featureNames must be an array of strings`);
  }
  // every(Number.isFinite), a builtin calling a builtin, and the typed array's own conversion: no
  // JavaScript runs per coefficient (13,221 of them in the course model).
  if (!Array.isArray(coef) || !coef.every(Number.isFinite)) throw new UnsupportedModelError(`${WHAT}: coef must be an array of finite numbers`);
  if (coef.length !== featureNames.length) throw new UnsupportedModelError(`${WHAT}: ${coef.length} coefficients for ${featureNames.length} features`);
  if (typeof intercept !== 'number' || !Number.isFinite(intercept)) throw new UnsupportedModelError(`${WHAT}: intercept must be a finite number`);
  if (typeof separator !== 'string' || separator.length === 0) throw new UnsupportedModelError(`${WHAT}: separator must be a non-empty string`);
  const name = typeof regressor === 'string' ? regressor : 'LinearRegression';
  const vectorizer = DictVectorizerModel.fromFeatureNames(featureNames as string[], separator);
  return {
    predictor: new VectorizedPredictor(vectorizer, new LinearModel(name, new Float64Array(coef as number[]), intercept)),
    regressor: name,
    featureCount: featureNames.length,
  };
}
