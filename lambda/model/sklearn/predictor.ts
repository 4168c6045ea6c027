/** DictVectorizer → regressor, as one {@link Predictor}. */
import type { FeatureDict, FeatureSpace, Predictor } from '../types.js';
import type { DictVectorizerModel } from './dict-vectorizer.js';
import type { SparseRegressor } from './regressor.js';

export class VectorizedPredictor implements Predictor {
  constructor(
    readonly vectorizer: DictVectorizerModel,
    readonly regressor: SparseRegressor,
  ) {}

  get features(): FeatureSpace {
    return this.vectorizer;
  }

  predictOne(row: FeatureDict): number {
    const n = this.vectorizer.vectorize(row);
    return this.regressor.score(this.vectorizer.cols, this.vectorizer.vals, n);
  }

  score(cols: Int32Array, vals: Float64Array, n: number): number {
    return this.regressor.score(cols, vals, n);
  }

  predict(rows: readonly FeatureDict[]): Float64Array {
    const out = new Float64Array(rows.length);
    const { vectorizer, regressor } = this;
    for (let i = 0; i < rows.length; i++) {
      const n = vectorizer.vectorize(rows[i] as FeatureDict);
      out[i] = regressor.score(vectorizer.cols, vectorizer.vals, n);
    }
    return out;
  }
}
