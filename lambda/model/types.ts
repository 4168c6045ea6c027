/**
 * The one shape every model format is adapted to: pickle tuple, MLflow folder, bare Pipeline,
 * or our own trained artifact all become a {@link Predictor}.
 */

/** One row of features, as sklearn's `DictVectorizer` takes it: strings one-hot, numbers as values. */
export type FeatureDict = Readonly<Record<string, string | number>>;

/** What a loaded model says about itself (logged at cold start, put in bench and CLI summaries). */
export interface ModelDescription {
  /** Container format: `pickle-tuple`, `pickle-pipeline`, `mlflow`, `native`. */
  readonly format: string;
  /** Regressor class, e.g. `LinearRegression`, `RandomForestRegressor`. */
  readonly regressor: string;
  /** scikit-learn version recorded in the pickle/MLmodel, when known. */
  readonly sklearnVersion?: string;
  /** Number of DictVectorizer features. */
  readonly featureCount: number;
  /** Stable id of this exact model: MLflow run id when known, else `sha256:<first 12 hex>`. */
  readonly version: string;
  /** Where it was loaded from (path or s3:// URI). */
  readonly source: string;
  /** sha256 (hex) of the model bytes (of `model.pkl` for an MLflow folder). */
  readonly sha256: string;
  /** S3 object version id / ETag when loaded from S3. */
  readonly s3VersionId?: string;
  readonly s3ETag?: string;
}

/** A loaded model that scores feature rows exactly as scikit-learn would (float64). */
export interface Predictor {
  /** Scores one row. */
  predictOne(row: FeatureDict): number;
  /**
   * The course's rows `{"PU_DO": puDo, "trip_distance": tripDistance}` without building them, in
   * two steps for a caller that meets the same `puDo` many times: `rideHandle(puDo)` once per
   * distinct value (an opaque number the caller keeps), then `predictRide(handle, tripDistance)`
   * per row, the same number as `predictOne` of the row. Optional: callers fall back to `predictOne`.
   *
   * @example
   * ```ts
   * const handle = predictor.rideHandle!('130_205');
   * predictor.predictRide!(handle, 3.66); // === predictor.predictOne({ PU_DO: '130_205', trip_distance: 3.66 })
   * ```
   */
  rideHandle?(puDo: string): number;
  predictRide?(handle: number, tripDistance: number): number;
  /** Scores a batch; element i belongs to rows[i]. */
  predict(rows: readonly FeatureDict[]): Float64Array;
}

export interface LoadedModel {
  readonly predictor: Predictor;
  readonly description: ModelDescription;
}
