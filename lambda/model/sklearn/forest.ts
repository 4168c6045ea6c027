/**
 * RandomForestRegressor: its `estimators_` (DecisionTreeRegressors) in one {@link TreeEnsemble}.
 * scikit-learn's `predict` sums the tree outputs in float64 and divides by the number of trees; with
 * `n_jobs=1` the sum runs in `estimators_` order, which is the order used here.
 */
import { UnsupportedModelError } from '../errors.js';
import { describeValue } from '../pickle/index.js';
import type { PyInstance } from '../pickle/index.js';
import { attr, instanceOf } from './attrs.js';
import { TreeEnsemble } from './tree.js';

/** `width`: the DictVectorizer's, which every tree must read (refusals then name both). */
export function forestFromPickle(obj: PyInstance, width?: number): TreeEnsemble {
  const list = attr(obj, 'estimators_');
  if (!Array.isArray(list) || list.length === 0) throw new UnsupportedModelError(`${obj.className}.estimators_ is ${describeValue(list)}`);
  const estimators: PyInstance[] = [];
  for (const est of list) {
    if (!instanceOf(est, 'DecisionTreeRegressor')) throw new UnsupportedModelError(`${obj.className}.estimators_ holds ${describeValue(est)}`);
    estimators.push(est);
  }
  return TreeEnsemble.fromEstimators(obj.className, estimators, width);
}
