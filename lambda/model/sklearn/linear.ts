/**
 * LinearRegression, Ridge, Lasso, ElasticNet: `X @ coef_ + intercept_`, computed exactly as
 * scikit-learn does on DictVectorizer's sparse rows: the sum of `value * coef` over present columns
 * in ascending column order, starting from 0, and the intercept added last.
 */
import { UnsupportedModelError } from '../errors.js';
import { NdArray, PyInstance, describeValue } from '../pickle/index.js';
import { arrayAttr, attr } from './attrs.js';
import type { SparseRegressor } from './regressor.js';

export const LINEAR_REGRESSORS = ['LinearRegression', 'Ridge', 'Lasso', 'ElasticNet'] as const;

export class LinearModel implements SparseRegressor {
  readonly featureCount: number;
  constructor(
    readonly name: string,
    readonly coef: Float64Array,
    readonly intercept: number,
  ) {
    this.featureCount = coef.length;
  }

  /** From an unpickled linear estimator: `coef_` 1-D or one row of 2-D, `intercept_` scalar or 1 element. */
  static fromPickle(obj: PyInstance): LinearModel {
    const coefArray = arrayAttr(obj, 'coef_');
    const { shape } = coefArray;
    if (!(shape.length === 1 || (shape.length === 2 && shape[0] === 1))) {
      throw new UnsupportedModelError(`${obj.className}.coef_ has shape (${shape.join(', ')}); only one target is supported`);
    }
    const interceptValue = attr(obj, 'intercept_');
    let intercept: number;
    if (typeof interceptValue === 'number') intercept = interceptValue;
    else if (interceptValue instanceof NdArray && interceptValue.size === 1) intercept = interceptValue.toFloat64()[0] as number;
    else throw new UnsupportedModelError(`${obj.className}.intercept_ is ${describeValue(interceptValue)}, expected one number`);
    return new LinearModel(obj.className, coefArray.toFloat64(), intercept);
  }

  score(cols: Int32Array, vals: Float64Array, n: number): number {
    const { coef } = this;
    let sum = 0;
    for (let i = 0; i < n; i++) sum += (vals[i] as number) * (coef[cols[i] as number] as number);
    return sum + this.intercept;
  }
}
