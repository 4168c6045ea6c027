/**
 * The one shape every model format is adapted to: pickle tuple, MLflow folder, bare Pipeline,
 * or our own trained artifact all become a {@link Predictor}.
 */

import type { RideContract } from './contract/contract.js';

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
  /**
   * Stable id of this exact model: MLflow run id when known, else `sha256:<first 12 hex>`; with
   * `+recipe:<first 12 hex of its sha256>` when a recipe came beside it.
   */
  readonly version: string;
  /** Where it was loaded from (path or s3:// URI). */
  readonly source: string;
  /** sha256 (hex) of the model bytes (of `model.pkl` for an MLflow folder). */
  readonly sha256: string;
  /** sha256 (hex) of the recipe beside the model, when it has one. */
  readonly recipeSha256?: string;
  /** S3 object version id / ETag when loaded from S3. */
  readonly s3VersionId?: string;
  readonly s3ETag?: string;
}

/**
 * The columns a model's DictVectorizer produces: what the model reads, by name. The ride layer
 * derives the model's contract from it (`lambda/model/contract/`).
 */
export interface FeatureSpace {
  /** `DictVectorizer.separator`: a one-hot feature is named `key + separator + value`. */
  readonly separator: string;
  /** Number of columns. */
  readonly featureCount: number;
  /** The feature names in column order. */
  featureNames(): readonly string[];
  /** Column of a feature name, or -1 when the vectorizer never saw it. */
  column(name: string): number;
}

/** A loaded model that scores feature rows exactly as scikit-learn would (float64). */
export interface Predictor {
  /** What the model reads. */
  readonly features: FeatureSpace;
  /** Scores one row, as `DictVectorizer.transform` then `predict` would. */
  predictOne(row: FeatureDict): number;
  /**
   * Scores a row already vectorized: `n` present columns in ascending order with their values (the
   * CSR row `DictVectorizer.transform` gives). The ride layer encodes rides this way.
   *
   * @example
   * ```ts
   * const column = predictor.features.column('PU_DO=130_205');
   * predictor.score(Int32Array.of(column), Float64Array.of(1), 1);
   * ```
   */
  score(cols: Int32Array, vals: Float64Array, n: number): number;
  /** Scores a batch; element i belongs to rows[i]. */
  predict(rows: readonly FeatureDict[]): Float64Array;
}

export interface LoadedModel {
  readonly predictor: Predictor;
  readonly description: ModelDescription;
  /** What the model reads from a ride, checked at load (`contract/`). */
  readonly contract: RideContract;
}
