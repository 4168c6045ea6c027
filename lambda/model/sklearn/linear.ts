/**
 * LinearRegression, Ridge, Lasso, ElasticNet: `X @ coef_ + intercept_`, computed exactly as
 * scikit-learn does on DictVectorizer's sparse rows: the sum of `value * coef` over present columns
 * in ascending column order, starting from 0, and the intercept added last.
 */
import { UnsupportedModelError } from '../errors.js';
import type { SparseRegressor } from './regressor.js';

export const LINEAR_REGRESSORS = ['LinearRegression', 'Ridge', 'Lasso', 'ElasticNet'] as const;

export class LinearModel implements SparseRegressor {
  readonly featureCount: number;
  /**
   * @throws {UnsupportedModelError} when a coefficient or the intercept is not finite: scikit-learn
   *   would return NaN or infinity for every ride that touches it, so the model is refused at load
   *   rather than draining the stream into dead letters.
   */
  constructor(
    readonly name: string,
    readonly coef: Float64Array,
    readonly intercept: number,
  ) {
    this.featureCount = coef.length;
    if (!Number.isFinite(intercept)) throw new UnsupportedModelError(`${name}.intercept_ is ${intercept}, not a finite number`);
    const bad = coef.findIndex((c) => !Number.isFinite(c));
    if (bad >= 0) throw new UnsupportedModelError(`${name}.coef_[${bad}] is ${coef[bad]}, not a finite number`);
  }

  score(cols: Int32Array, vals: Float64Array, n: number): number {
    const { coef } = this;
    let sum = 0;
    for (let i = 0; i < n; i++) sum += (vals[i] as number) * (coef[cols[i] as number] as number);
    return sum + this.intercept;
  }
}
