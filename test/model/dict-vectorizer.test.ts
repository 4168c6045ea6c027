/**
 * DictVectorizer semantics and the linear sum order, against values scikit-learn 1.2.1 printed for
 * the same vocabulary and coefficients (script in the comment below).
 *
 * ```python
 * dv = DictVectorizer().fit([{'a': 'x', 'b': 1.0, 'c': 1.0, 'a=x': 1.0, 'z': 'q'}])
 * # feature_names_ ['a=x', 'b', 'c', 'z=q']
 * lr = LinearRegression(); lr.coef_ = np.array([0.1, 1e16, -1e16, 0.7]); lr.intercept_ = 0.25
 * [repr(v) for v in lr.predict(dv.transform(rows))]
 * ```
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { FeatureDict } from '../../lambda/model/index.js';
import { PyDict, unpickle } from '../../lambda/model/pickle/index.js';
import type { PyInstance, PyTuple, PyValue } from '../../lambda/model/pickle/index.js';
import { DictVectorizerModel, LinearModel, VectorizedPredictor } from '../../lambda/model/sklearn/index.js';
import { vocabularyFromPickle } from '../../lambda/model/sklearn/pickled.js';
import { MapVocabulary, SortedVocabulary } from '../../lambda/model/sklearn/vocabulary.js';
import { repoRoot } from './support.js';

const names = ['a=x', 'b', 'c', 'z=q'];
const vectorizer = (): DictVectorizerModel => DictVectorizerModel.fromFeatureNames(names, '=');
const entries = (dv: DictVectorizerModel, row: FeatureDict): [number, number][] => {
  const n = dv.vectorize(row);
  return Array.from({ length: n }, (_, i) => [dv.cols[i] as number, dv.vals[i] as number]);
};

describe('DictVectorizer.transform semantics', () => {
  it('a string value is the one-hot feature key=value with value 1', () => {
    expect(entries(vectorizer(), { a: 'x', z: 'q' })).toEqual([[0, 1], [3, 1]]);
  });

  it('a number is the feature named by its key, with its value', () => {
    expect(entries(vectorizer(), { b: 2.5, c: 0 })).toEqual([[1, 2.5], [2, 0]]);
  });

  it('unseen keys, unseen values, and a type that does not match the vocabulary are ignored', () => {
    expect(entries(vectorizer(), { zz: 'unseen', a: 'nope', b: 'str-for-numeric', z: 5 })).toEqual([]);
  });

  it('entries come out in ascending column order whatever the key order', () => {
    expect(entries(vectorizer(), { c: 1, b: 1, a: 'x' })).toEqual([[0, 1], [1, 1], [2, 1]]);
  });

  it('two keys naming the same feature both count, in insertion order', () => {
    expect(entries(vectorizer(), { 'a=x': 2, a: 'x' })).toEqual([[0, 2], [0, 1]]);
  });

  it('keys or values containing the separator match exactly as key + separator + value', () => {
    const dv = DictVectorizerModel.fromFeatureNames(['k=v=w', 'PU_DO=130_205'], '=');
    expect(entries(dv, { k: 'v=w' })).toEqual([[0, 1]]);
    expect(entries(dv, { 'k=v': 'w' })).toEqual([[0, 1]]);
    expect(entries(dv, { PU_DO: '130_205' })).toEqual([[1, 1]]);
    expect(entries(dv, { PU_DO: '130' })).toEqual([]);
  });

  it('the separator comes from the model', () => {
    const dv = DictVectorizerModel.fromFeatureNames(['PU_DO|130_205', 'trip_distance'], '|');
    expect(entries(dv, { PU_DO: '130_205', trip_distance: 3 })).toEqual([[0, 1], [1, 3]]);
    expect(entries(dv, { 'PU_DO=130_205': 1 })).toEqual([]);
  });

  it('rows with many keys grow the scratch buffers', () => {
    const many = Array.from({ length: 100 }, (_, i) => `f${String(i).padStart(3, '0')}`);
    const dv = DictVectorizerModel.fromFeatureNames(many, '=');
    const row = Object.fromEntries(many.map((n, i) => [n, i + 1]));
    expect(entries(dv, row)).toEqual(many.map((_, i) => [i, i + 1]));
  });

  it('one vectorizer fed rows of changing shapes, key orders and value types answers as a fresh one', () => {
    // The vectorizer remembers the last row's keys by position; any other row must still be read key by key.
    const shared = vectorizer();
    const rows: FeatureDict[] = [
      { a: 'x', b: 2 }, { a: 'x', b: 2 }, { b: 2, a: 'x' }, { a: 3, b: 'x' }, { z: 'q', a: 'x', c: 1 },
      { a: 'x' }, { 'a=x': 2, a: 'x' }, { b: 1, c: 'q', z: 'q' }, { a: 'x', b: 2 },
    ];
    for (let round = 0; round < 3; round++) {
      for (const row of rows) expect(entries(shared, row)).toEqual(entries(vectorizer(), row));
    }
  });

  it('hundreds of thousands of never-seen values do not break lookups (bounded memo)', () => {
    const dv = DictVectorizerModel.fromFeatureNames(['PU_DO=1_2', 'trip_distance'], '=');
    for (let i = 0; i < 250_000; i++) dv.vectorize({ PU_DO: `x${i}` });
    expect(entries(dv, { PU_DO: '1_2', trip_distance: 1 })).toEqual([[0, 1], [1, 1]]);
    expect(entries(dv, { PU_DO: 'x5' })).toEqual([]);
  });
});

describe('linear prediction order matches scikit-learn bit for bit', () => {
  const predictor = new VectorizedPredictor(vectorizer(), new LinearModel('LinearRegression', Float64Array.from([0.1, 1e16, -1e16, 0.7]), 0.25));
  const cases: [FeatureDict, number][] = [
    [{ c: 1.0, b: 1.0, a: 'x' }, 0.25], // insertion order would give 0.35
    [{ a: 'x', b: 1.0, c: 1.0 }, 0.25],
    [{ 'a=x': 2.0, a: 'x' }, 0.55],
    [{ b: 3.0, zz: 'unseen', z: 'q' }, 3e16],
    [{ a: 'nope', b: 'str-for-numeric' }, 0.25],
    [{ c: 0.1, b: 0.2, 'a=x': 0.3 }, 1000000000000000.2],
  ];
  for (const [row, expected] of cases) {
    it(`${JSON.stringify(row)} → ${expected}`, () => {
      expect(predictor.predictOne(row)).toBe(expected);
      expect(predictor.predict([row])[0]).toBe(expected);
    });
  }
});

describe('vocabulary forms', () => {
  const dict = (pairs: [string, number][]): PyDict => {
    const d = new PyDict();
    for (const [k, v] of pairs) d.set(k, v);
    return d;
  };

  it('vocabulary_ that is exactly {sorted feature_names_[i]: i} becomes a binary search', () => {
    const v = vocabularyFromPickle(dict([['b', 1], ['a', 0], ['c', 2]]), ['a', 'b', 'c']);
    expect(v).toBeInstanceOf(SortedVocabulary);
    expect(['a', 'b', 'c', 'x', ''].map((n) => v.column(n))).toEqual([0, 1, 2, -1, -1]);
  });

  it('when vocabulary_ and feature_names_ disagree, vocabulary_ wins (as in sklearn.transform)', () => {
    const cases: [PyDict, PyValue][] = [
      [dict([['a', 1], ['b', 0]]), ['a', 'b']], // swapped columns
      [dict([['a', 0], ['a', 0], ['b', 1]]), ['a', 'b', 'c']], // duplicate key, 'c' absent
      [dict([['b', 0], ['a', 1]]), ['b', 'a']], // unsorted names
      [dict([['a', 0], ['b', 1]]), null], // no feature_names_
    ];
    for (const [vocabulary, names] of cases) {
      const expected = new Map(vocabulary.rawPairs()?.reduce<[string, number][]>((acc, x, i, all) => (i % 2 === 0 ? [...acc, [x as string, all[i + 1] as number]] : acc), []));
      const v = vocabularyFromPickle(vocabulary, names);
      expect(v).toBeInstanceOf(MapVocabulary);
      for (const [name, column] of expected) expect(v.column(name)).toBe(column);
      expect(v.column('c')).toBe(-1);
    }
  });

  it('a vocabulary_ entry that is not str → column is refused', () => {
    expect(() => vocabularyFromPickle(dict([['a', 5]]), null)).toThrow(/is not str → column in 0\.\.0/);
  });

  it('the real course models use the binary search', () => {
    for (const file of ['model-artifacts/lin_reg.bin', 'test/fixtures/models/lasso-sklearn-1.5.0.bin']) {
      const tuple = unpickle(readFileSync(join(repoRoot, file)));
      const dv = (tuple as PyTuple).items[0] as PyInstance;
      const v = vocabularyFromPickle(dv.attr('vocabulary_') as PyDict, dv.attr('feature_names_'));
      expect(v).toBeInstanceOf(SortedVocabulary);
      expect(v.size).toBe(13221);
      expect(v.column('trip_distance')).toBe(13220);
    }
  });

  it('native feature names out of order fall back to a map', () => {
    const dv = DictVectorizerModel.fromFeatureNames(['trip_distance', 'PU_DO=1_2'], '=');
    expect(entries(dv, { PU_DO: '1_2', trip_distance: 2 })).toEqual([[0, 2], [1, 1]]);
  });
});
