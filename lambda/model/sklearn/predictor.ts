/** DictVectorizer → regressor, as one {@link Predictor}. */
import type { FeatureDict, Predictor } from '../types.js';
import type { DictVectorizerModel } from './dict-vectorizer.js';
import type { SparseRegressor } from './regressor.js';

export class VectorizedPredictor implements Predictor {
  constructor(
    readonly vectorizer: DictVectorizerModel,
    readonly regressor: SparseRegressor,
  ) {}

  predictOne(row: FeatureDict): number {
    const n = this.vectorizer.vectorize(row);
    return this.regressor.score(this.vectorizer.cols, this.vectorizer.vals, n);
  }

  rideHandle(puDo: string): number {
    return this.vectorizer.puDoColumn(puDo);
  }

  predictRide(handle: number, tripDistance: number): number {
    const n = this.vectorizer.vectorizeRide(handle, tripDistance);
    return this.regressor.score(this.vectorizer.cols, this.vectorizer.vals, n);
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
