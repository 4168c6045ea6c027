/**
 * The pickle side of the vectorizer and the linear model: reading them from unpickled objects. Apart
 * from the classes themselves (`dict-vectorizer.ts`, `linear.ts`, `vocabulary.ts`), which our JSON
 * artifact (`../native.ts`) builds too.
 */
import { UnsupportedModelError } from '../errors.js';
import { DType, NdArray, PyDict, PyGlobal, PyInstance, describeValue } from '../pickle/index.js';
import type { PyValue } from '../pickle/index.js';
import { arrayAttr, attr, dictAttr } from './attrs.js';
import { DictVectorizerModel } from './dict-vectorizer.js';
import { LinearModel } from './linear.js';
import { MapVocabulary, SortedVocabulary, isStrictlySorted, type Vocabulary } from './vocabulary.js';

/** `vocabulary_` of an unpickled DictVectorizer, using `feature_names_` when they agree exactly. */
export function vocabularyFromPickle(vocabulary: PyDict, featureNames: PyValue | undefined): Vocabulary {
  const pairs = vocabulary.rawPairs();
  if (pairs && Array.isArray(featureNames) && pairs.length === 2 * featureNames.length && isStrictlySorted(featureNames)) {
    const seen = new Uint8Array(featureNames.length);
    let agree = true;
    for (let i = 0; i < pairs.length && agree; i += 2) {
      const name = pairs[i];
      const column = pairs[i + 1];
      // `(column | 0) === column` is Number.isInteger within these bounds (< 2^31), inline: a cold
      // start interprets this loop once per feature, and every call there costs.
      agree =
        typeof column === 'number' &&
        column >= 0 &&
        column < featureNames.length &&
        (column | 0) === column &&
        seen[column] === 0 &&
        featureNames[column] === name;
      if (agree) seen[column as number] = 1;
    }
    if (agree) return new SortedVocabulary(featureNames as string[]);
  }
  const map = vocabulary.map;
  for (const [name, column] of map) {
    if (typeof name !== 'string' || typeof column !== 'number' || !Number.isSafeInteger(column) || column < 0 || column >= map.size) {
      throw new UnsupportedModelError(
        `DictVectorizer.vocabulary_ entry ${describeValue(name)} → ${describeValue(column)} is not str → column in 0..${map.size - 1}`,
      );
    }
  }
  return new MapVocabulary(map as Map<unknown, unknown> as Map<string, number>);
}

/** A `DictVectorizerModel` from an unpickled `DictVectorizer` (its `vocabulary_`, `feature_names_` and `separator`). */
export function dictVectorizerFromPickle(obj: PyInstance): DictVectorizerModel {
  const separator = obj.attr('separator') ?? '=';
  if (typeof separator !== 'string') throw new UnsupportedModelError('DictVectorizer.separator is not a str');
  const dtype = obj.attr('dtype');
  const isFloat64 =
    dtype === undefined ||
    (dtype instanceof PyGlobal && dtype.name === 'float64') ||
    (dtype instanceof DType && dtype.kind === 'f' && dtype.itemSize === 8);
  if (!isFloat64) throw new UnsupportedModelError(`DictVectorizer.dtype ${describeValue(dtype)} is not supported (float64 only)`);
  return new DictVectorizerModel(vocabularyFromPickle(dictAttr(obj, 'vocabulary_'), obj.attr('feature_names_')), separator);
}

/** A `LinearModel` from an unpickled linear estimator: `coef_` 1-D or one row of 2-D, `intercept_` scalar or 1 element. */
export function linearModelFromPickle(obj: PyInstance): LinearModel {
  const coefArray = arrayAttr(obj, 'coef_');
  const { shape } = coefArray;
  if (!(shape.length === 1 || (shape.length === 2 && shape[0] === 1))) {
    throw new UnsupportedModelError(`${obj.className}.coef_ has shape (${shape.join(', ')}); only one target is supported`);
  }
  const interceptValue = attr(obj, 'intercept_');
  let intercept: number;
  if (typeof interceptValue === 'number') intercept = interceptValue;
  else if (interceptValue instanceof NdArray && interceptValue.size === 1) intercept = interceptValue.toFloat64()[0] as number;
  else throw new UnsupportedModelError(`${obj.className}.intercept_ is ${describeValue(interceptValue)}, expected one number`);
  return new LinearModel(obj.className, coefArray.toFloat64(), intercept);
}
