/**
 * scikit-learn's `DictVectorizer.transform` for one row, exactly: a string value `v` under key `k`
 * is the one-hot feature `k<separator>v` with value 1.0, a number is the feature `k` with that value,
 * features outside the vocabulary are ignored. The present (column, value) pairs come out in
 * ascending column order, the order of scipy's CSR dot product.
 *
 * Lookups are precomputed per key (`key → column` for numbers, `key → value → column` for strings),
 * so scoring a row allocates nothing and never concatenates strings.
 */
import { UnsupportedModelError } from '../errors.js';
import { DType, PyGlobal, PyInstance, describeValue } from '../pickle/index.js';
import type { FeatureDict } from '../types.js';
import { dictAttr } from './attrs.js';

export class DictVectorizerModel {
  /** Columns of the last {@link vectorize} call (first `n` entries valid). */
  cols = new Int32Array(8);
  /** Values of the last {@link vectorize} call (first `n` entries valid). */
  vals = new Float64Array(8);
  private readonly numeric = new Map<string, number>();
  private readonly oneHot = new Map<string, Map<string, number>>();

  /**
   * @param vocabulary feature name → column, as `DictVectorizer.vocabulary_`
   * @param separator `DictVectorizer.separator` (`=`)
   */
  constructor(
    vocabulary: ReadonlyMap<string, number>,
    readonly separator: string,
  ) {
    this.featureCount = vocabulary.size;
    for (const [name, column] of vocabulary) {
      if (!Number.isSafeInteger(column) || column < 0 || column >= vocabulary.size) {
        throw new UnsupportedModelError(`DictVectorizer: feature ${JSON.stringify(name)} has column ${column} outside 0..${vocabulary.size - 1}`);
      }
      this.numeric.set(name, column);
      // A name `k=v` can come from key `k` and string `v`; register every split so keys or values
      // that themselves contain the separator still match exactly as `k + sep + v` would.
      if (separator.length === 0) continue;
      for (let at = name.indexOf(separator); at >= 0; at = name.indexOf(separator, at + 1)) {
        const key = name.slice(0, at);
        const value = name.slice(at + separator.length);
        let byValue = this.oneHot.get(key);
        if (!byValue) this.oneHot.set(key, (byValue = new Map()));
        byValue.set(value, column);
      }
    }
  }

  readonly featureCount: number;

  /** From an unpickled `DictVectorizer` (its `vocabulary_` and `separator`). */
  static fromPickle(obj: PyInstance): DictVectorizerModel {
    const vocabulary = new Map<string, number>();
    for (const [name, column] of dictAttr(obj, 'vocabulary_').map) {
      if (typeof name !== 'string' || typeof column !== 'number') {
        throw new UnsupportedModelError(`DictVectorizer.vocabulary_ entry ${describeValue(name)} → ${describeValue(column)} is not str → int`);
      }
      vocabulary.set(name, column);
    }
    const separator = obj.attr('separator') ?? '=';
    if (typeof separator !== 'string') throw new UnsupportedModelError('DictVectorizer.separator is not a str');
    const dtype = obj.attr('dtype');
    const isFloat64 =
      dtype === undefined ||
      (dtype instanceof PyGlobal && dtype.name === 'float64') ||
      (dtype instanceof DType && dtype.kind === 'f' && dtype.itemSize === 8);
    if (!isFloat64) throw new UnsupportedModelError(`DictVectorizer.dtype ${describeValue(dtype)} is not supported (float64 only)`);
    return new DictVectorizerModel(vocabulary, separator);
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
      let column: number | undefined;
      let x: number;
      if (typeof value === 'string') {
        column = this.oneHot.get(key)?.get(value);
        x = 1;
      } else if (typeof value === 'number') {
        column = this.numeric.get(key);
        x = value;
      } else if (typeof value === 'boolean') {
        column = this.numeric.get(key);
        x = value ? 1 : 0;
      } else {
        continue;
      }
      if (column === undefined) continue;
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
