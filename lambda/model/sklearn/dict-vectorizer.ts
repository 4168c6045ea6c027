/**
 * scikit-learn's `DictVectorizer.transform` for one row, exactly: a string value `v` under key `k`
 * is the one-hot feature `k<separator>v` with value 1.0, a number is the feature `k` with that value,
 * features outside the vocabulary are ignored. The present (column, value) pairs come out in
 * ascending column order, the order of scipy's CSR dot product.
 *
 * A string feature is looked up once as `key + separator + value` in the vocabulary and the answer
 * (column or absent) is remembered per key and value, so steady-state scoring allocates nothing and
 * loading builds no second index (cold start matters more than the first lookup of each value).
 */
import { UnsupportedModelError } from '../errors.js';
import { DType, PyGlobal, PyInstance, describeValue } from '../pickle/index.js';
import type { PyKey, PyValue } from '../pickle/index.js';
import type { FeatureDict } from '../types.js';
import { dictAttr } from './attrs.js';

export class DictVectorizerModel {
  /** Columns of the last {@link vectorize} call (first `n` entries valid). */
  cols = new Int32Array(8);
  /** Values of the last {@link vectorize} call (first `n` entries valid). */
  vals = new Float64Array(8);
  private readonly numeric: ReadonlyMap<string, number>;
  /** key → string value → column, or -1 when `key + separator + value` is not a feature. */
  private oneHot = new Map<string, Map<string, number>>();
  private remembered = 0;
  private readonly maxRemembered: number;

  /**
   * @param vocabulary feature name → column, as `DictVectorizer.vocabulary_` (kept, not copied)
   * @param separator `DictVectorizer.separator` (`=`)
   */
  constructor(
    vocabulary: ReadonlyMap<string, number>,
    readonly separator: string,
  ) {
    this.featureCount = vocabulary.size;
    this.numeric = vocabulary;
    // Bounded so that a stream of never-seen values cannot grow the cache without limit.
    this.maxRemembered = Math.max(100_000, 4 * vocabulary.size);
    for (const [name, column] of vocabulary) {
      if (!Number.isSafeInteger(column) || column < 0 || column >= vocabulary.size) {
        throw new UnsupportedModelError(`DictVectorizer: feature ${JSON.stringify(name)} has column ${column} outside 0..${vocabulary.size - 1}`);
      }
    }
  }

  /** Column of the one-hot feature `key<separator>value`, or -1. */
  private oneHotColumn(key: string, value: string): number {
    let byValue = this.oneHot.get(key);
    if (byValue === undefined) this.oneHot.set(key, (byValue = new Map()));
    let column = byValue.get(value);
    if (column === undefined) {
      column = this.numeric.get(key + this.separator + value) ?? -1;
      if (++this.remembered > this.maxRemembered) {
        this.oneHot = new Map([[key, (byValue = new Map())]]);
        this.remembered = 1;
      }
      byValue.set(value, column);
    }
    return column;
  }

  readonly featureCount: number;

  /** From an unpickled `DictVectorizer` (its `vocabulary_` and `separator`). */
  static fromPickle(obj: PyInstance): DictVectorizerModel {
    const vocabulary = dictAttr(obj, 'vocabulary_').map;
    for (const [name, column] of vocabulary) {
      if (typeof name !== 'string' || typeof column !== 'number') {
        throw new UnsupportedModelError(`DictVectorizer.vocabulary_ entry ${describeValue(name)} → ${describeValue(column)} is not str → int`);
      }
    }
    const separator = obj.attr('separator') ?? '=';
    if (typeof separator !== 'string') throw new UnsupportedModelError('DictVectorizer.separator is not a str');
    const dtype = obj.attr('dtype');
    const isFloat64 =
      dtype === undefined ||
      (dtype instanceof PyGlobal && dtype.name === 'float64') ||
      (dtype instanceof DType && dtype.kind === 'f' && dtype.itemSize === 8);
    if (!isFloat64) throw new UnsupportedModelError(`DictVectorizer.dtype ${describeValue(dtype)} is not supported (float64 only)`);
    // Checked above: every key is a str and every value a number.
    return new DictVectorizerModel(vocabulary as Map<PyKey, PyValue> as ReadonlyMap<string, number>, separator);
  }

  /** From feature names in column order (our native artifact). */
  static fromFeatureNames(names: readonly string[], separator: string): DictVectorizerModel {
    const vocabulary = new Map<string, number>();
    names.forEach((name, column) => {
      if (vocabulary.has(name)) throw new UnsupportedModelError(`duplicate feature name ${JSON.stringify(name)}`);
      vocabulary.set(name, column);
    });
    return new DictVectorizerModel(vocabulary, separator);
  }

  /**
   * Vectorizes one row into {@link cols}/{@link vals}; returns how many entries are present.
   * Entries are sorted by column (stable), duplicates kept, as scipy would sum them.
   */
  vectorize(row: FeatureDict): number {
    let n = 0;
    for (const key in row) {
      const value = row[key];
      let column: number;
      let x: number;
      if (typeof value === 'string') {
        column = this.oneHotColumn(key, value);
        x = 1;
      } else if (typeof value === 'number') {
        column = this.numeric.get(key) ?? -1;
        x = value;
      } else if (typeof value === 'boolean') {
        column = this.numeric.get(key) ?? -1;
        x = value ? 1 : 0;
      } else {
        continue;
      }
      if (column < 0) continue;
      if (n === this.cols.length) this.grow();
      // insertion sort: rows have a handful of features
      let i = n++;
      while (i > 0 && (this.cols[i - 1] as number) > column) {
        this.cols[i] = this.cols[i - 1] as number;
        this.vals[i] = this.vals[i - 1] as number;
        i--;
      }
      this.cols[i] = column;
      this.vals[i] = x;
    }
    return n;
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
