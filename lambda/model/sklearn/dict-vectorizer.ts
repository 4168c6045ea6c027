/**
 * scikit-learn's `DictVectorizer.transform` for one row, exactly: a string value `v` under key `k`
 * is the one-hot feature `k<separator>v` with value 1.0, a number is the feature `k` with that value,
 * features outside the vocabulary are ignored. The present (column, value) pairs come out in
 * ascending column order, the order of scipy's CSR dot product.
 *
 * A feature is looked up once in the vocabulary (`key`, or `key + separator + value` for strings) and
 * the answer (column or absent) is remembered per key and value, so steady-state scoring allocates
 * nothing and loading builds no index at all (cold start matters more than each first lookup).
 */
import type { FeatureDict, FeatureSpace } from '../types.js';
import { placeInColumnOrder } from '../sparse-row.js';
import { vocabularyFromNames } from './vocabulary.js';
import type { Vocabulary } from './vocabulary.js';

/** What the vectorizer remembers about one key: its numeric feature's column and its one-hot columns. */
interface KeyFeatures {
  /** Column of the feature `key` (for numbers and booleans), -1 if absent, {@link UNKNOWN} before the first lookup. */
  numeric: number;
  /** String value → column of `key + separator + value`, or -1. */
  readonly oneHot: Map<string, number>;
}

const UNKNOWN = -2;

export class DictVectorizerModel implements FeatureSpace {
  /** Columns of the last {@link vectorize} call (first `n` entries valid). */
  cols = new Int32Array(8);
  /** Values of the last {@link vectorize} call (first `n` entries valid). */
  vals = new Float64Array(8);
  readonly featureCount: number;
  private features = new Map<string, KeyFeatures>();
  /**
   * The keys of the last rows by position, with their {@link KeyFeatures}: rows of one shape (the
   * hot path refills one row object) find each key here by one identity comparison instead of a
   * map lookup. A cache only: a different key at a position is looked up and replaces it.
   */
  private recentKeys: string[] = [];
  private recentFeatures: KeyFeatures[] = [];
  private remembered = 0;
  private readonly maxRemembered: number;

  /**
   * @param vocabulary `DictVectorizer.vocabulary_`
   * @param separator `DictVectorizer.separator` (`=`)
   */
  constructor(
    private readonly vocabulary: Vocabulary,
    readonly separator: string,
  ) {
    this.featureCount = vocabulary.size;
    // Bounded so that a stream of never-seen keys or values cannot grow the memo without limit.
    this.maxRemembered = Math.max(100_000, 4 * vocabulary.size);
  }

  /** Counts one more remembered answer; past the bound, everything is forgotten (and `false`). */
  private remember(): boolean {
    if (++this.remembered > this.maxRemembered) {
      this.features = new Map();
      this.recentKeys = [];
      this.recentFeatures = [];
      this.remembered = 0;
      return false;
    }
    return true;
  }

  /** The remembered features of `key`, the `position`-th key of the row. */
  private featuresOf(key: string, position: number): KeyFeatures {
    if (this.recentKeys[position] === key) return this.recentFeatures[position]!;
    let features = this.features.get(key);
    if (features === undefined) {
      features = { numeric: UNKNOWN, oneHot: new Map() };
      if (this.remember()) this.features.set(key, features);
    }
    // Positions fill up in order (a row's keys come one by one), so these arrays stay dense.
    if (position <= this.recentKeys.length) {
      this.recentKeys[position] = key;
      this.recentFeatures[position] = features;
    }
    return features;
  }

  /** Column of the feature `key` (numbers), or -1. */
  private numericColumn(key: string, features: KeyFeatures): number {
    if (features.numeric === UNKNOWN) features.numeric = this.vocabulary.column(key);
    return features.numeric;
  }

  /** Column of the one-hot feature `key<separator>value`, or -1. */
  private oneHotColumn(key: string, value: string, features: KeyFeatures): number {
    let column = features.oneHot.get(value);
    if (column === undefined) {
      column = this.vocabulary.column(key + this.separator + value);
      if (this.remember()) features.oneHot.set(value, column);
    }
    return column;
  }

  /** Column of a feature name, or -1. */
  column(name: string): number {
    return this.vocabulary.column(name);
  }

  /** The feature names in column order (`vocabulary_` inverted). */
  featureNames(): readonly string[] {
    return this.vocabulary.names();
  }

  /** From feature names in column order (our native artifact). */
  static fromFeatureNames(names: readonly string[], separator: string): DictVectorizerModel {
    return new DictVectorizerModel(vocabularyFromNames(names), separator);
  }

  /**
   * Vectorizes one row into {@link cols}/{@link vals}; returns how many entries are present.
   * Entries are sorted by column (stable), duplicates kept, as scipy would sum them.
   */
  vectorize(row: FeatureDict): number {
    let n = 0;
    let position = 0;
    for (const key in row) {
      const value = row[key];
      let column: number;
      let x: number;
      if (typeof value === 'string') {
        column = this.oneHotColumn(key, value, this.featuresOf(key, position++));
        x = 1;
      } else if (typeof value === 'number') {
        column = this.numericColumn(key, this.featuresOf(key, position++));
        x = value;
      } else if (typeof value === 'boolean') {
        column = this.numericColumn(key, this.featuresOf(key, position++));
        x = value ? 1 : 0;
      } else {
        continue;
      }
      if (column >= 0) n = this.place(n, column, x);
    }
    return n;
  }

  private place(n: number, column: number, x: number): number {
    if (n === this.cols.length) this.grow();
    return placeInColumnOrder(this.cols, this.vals, n, column, x);
  }

  private grow(): void {
    const cols = new Int32Array(this.cols.length * 2);
    cols.set(this.cols);
    const vals = new Float64Array(this.vals.length * 2);
    vals.set(this.vals);
    this.cols = cols;
    this.vals = vals;
  }
}
