/**
 * Our own model artifact, written by `ride-duration train` and read by the runtime: a linear model
 * over DictVectorizer features, as plain JSON so that it diffs and audits well.
 *
 * Prediction = (sum over present features of coef[index] * value, in ascending index order) + intercept,
 * the same order scikit-learn's sparse dot product uses.
 */
export const NATIVE_MODEL_FORMAT = 'ride-duration-linear/v1';

export interface NativeLinearModel {
  readonly format: typeof NATIVE_MODEL_FORMAT;
  /** `LinearRegression` or `Ridge`. */
  readonly regressor: string;
  /** DictVectorizer feature names in column order (`PU_DO=130_205`, …, `trip_distance`). */
  readonly featureNames: readonly string[];
  /** DictVectorizer separator, `=` as in sklearn. */
  readonly separator: string;
  readonly coef: readonly number[];
  readonly intercept: number;
  readonly metadata: {
    readonly createdAt: string;
    readonly trainData?: string;
    readonly valData?: string;
    readonly alpha?: number;
    readonly solver?: string;
    readonly trainRmse?: number;
    readonly valRmse?: number;
    readonly [key: string]: unknown;
  };
}
