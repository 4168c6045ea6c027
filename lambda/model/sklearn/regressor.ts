/** The scoring interface every regressor adapter implements over DictVectorizer output. */
export interface SparseRegressor {
  /** Regressor class name, e.g. `LinearRegression`. */
  readonly name: string;
  /** Number of input columns the regressor expects. */
  readonly featureCount: number;
  /** Scores one row given its present columns/values (ascending column order), `n` of them. */
  score(cols: Int32Array, vals: Float64Array, n: number): number;
}
