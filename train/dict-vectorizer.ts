/**
 * scikit-learn's `DictVectorizer(sparse=True, sort=True)` for training: string values become
 * one-hot `key=value` columns, numbers stay under `key`, names sorted, unseen features ignored on
 * transform. Output is a {@link CsrMatrix} with ascending column indices in every row.
 */
import type { FeatureDict } from '../lambda/model/types.js';
import type { CsrMatrix } from './types.js';

/** sklearn's default separator between a feature and its string value. */
export const DICT_VECTORIZER_SEPARATOR = '=';

/** A fitted vocabulary: names in column order and their indices. */
export interface Vocabulary {
  readonly featureNames: readonly string[];
  readonly index: ReadonlyMap<string, number>;
}

function columnName(key: string, value: string | number): string {
  return typeof value === 'string' ? `${key}${DICT_VECTORIZER_SEPARATOR}${value}` : key;
}

/**
 * Learns the sorted vocabulary of a set of feature rows (Python's string order; ours are ASCII,
 * where JavaScript's default sort agrees).
 *
 * @example
 * fitVocabulary([{ PU_DO: '1_2', trip_distance: 3 }]).featureNames; // ['PU_DO=1_2', 'trip_distance']
 */
export function fitVocabulary(rows: Iterable<FeatureDict>): Vocabulary {
  const names = new Set<string>();
  for (const row of rows) {
    for (const [key, value] of Object.entries(row)) names.add(columnName(key, value));
  }
  const featureNames = [...names].sort();
  return { featureNames, index: new Map(featureNames.map((n, i) => [n, i])) };
}

/**
 * Vectorises rows with a fitted vocabulary; features outside it are dropped, as sklearn does.
 *
 * @example
 * const v = fitVocabulary([{ PU_DO: '1_2', trip_distance: 3 }]);
 * transform(v, [{ PU_DO: '9_9', trip_distance: 5 }]); // one row: column 1 = 5
 */
export function transform(vocabulary: Vocabulary, rows: readonly FeatureDict[]): CsrMatrix {
  const indptr = new Int32Array(rows.length + 1);
  const indices: number[] = [];
  const data: number[] = [];
  const entries: Array<[number, number]> = [];
  rows.forEach((row, i) => {
    entries.length = 0;
    for (const [key, value] of Object.entries(row)) {
      const col = vocabulary.index.get(columnName(key, value));
      if (col !== undefined) entries.push([col, typeof value === 'string' ? 1 : value]);
    }
    entries.sort((a, b) => a[0] - b[0]);
    for (const [col, v] of entries) {
      indices.push(col);
      data.push(v);
    }
    indptr[i + 1] = indices.length;
  });
  return {
    rows: rows.length,
    cols: vocabulary.featureNames.length,
    indptr,
    indices: Int32Array.from(indices),
    data: Float64Array.from(data),
  };
}
