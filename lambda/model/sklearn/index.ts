/**
 * Unpickled scikit-learn objects → one {@link Predictor}. Accepted shapes:
 * - the course tuple `(DictVectorizer, regressor)`;
 * - `Pipeline([(name, DictVectorizer), (name, regressor)])` (bare, or the `model.pkl` of an MLflow folder).
 *
 * Regressors: LinearRegression, Ridge, Lasso, ElasticNet, DecisionTreeRegressor, RandomForestRegressor.
 */
import { UnsupportedModelError } from '../errors.js';
import { PyInstance, PyTuple, describeValue } from '../pickle/index.js';
import type { PyValue } from '../pickle/index.js';
import type { Predictor } from '../types.js';
import { instanceOf, sklearnVersionOf } from './attrs.js';
import { DictVectorizerModel } from './dict-vectorizer.js';
import { forestFromPickle } from './forest.js';
import { LINEAR_REGRESSORS } from './linear.js';
import { pipelineSteps } from './pipeline.js';
import { dictVectorizerFromPickle, linearModelFromPickle } from './pickled.js';
import { VectorizedPredictor } from './predictor.js';
import type { SparseRegressor } from './regressor.js';
import { TreeEnsemble } from './tree.js';

export { DictVectorizerModel } from './dict-vectorizer.js';
export { LinearModel } from './linear.js';
export { TreeEnsemble } from './tree.js';
export { forestFromPickle } from './forest.js';
export { pipelineSteps } from './pipeline.js';
export { VectorizedPredictor } from './predictor.js';
export type { SparseRegressor } from './regressor.js';

export interface SklearnModel {
  readonly predictor: Predictor;
  /** `pickle-tuple` or `pickle-pipeline`. */
  readonly layout: 'pickle-tuple' | 'pickle-pipeline';
  readonly regressor: string;
  readonly featureCount: number;
  readonly sklearnVersion?: string;
}

export const SUPPORTED_REGRESSORS = [...LINEAR_REGRESSORS, 'DecisionTreeRegressor', 'RandomForestRegressor'] as const;

/**
 * Adapts an unpickled object graph to a predictor.
 *
 * @example
 * ```ts
 * const model = toPredictor(unpickle(bytes));
 * model.predictor.predictOne({ PU_DO: '130_205', trip_distance: 3.66 }); // 12.78553032985699
 * ```
 */
export function toPredictor(obj: PyValue): SklearnModel {
  let vectorizer: PyValue | undefined;
  let regressor: PyValue | undefined;
  let layout: SklearnModel['layout'];
  let versionSource: PyInstance | undefined;
  if (obj instanceof PyTuple) {
    if (obj.length !== 2) throw new UnsupportedModelError(`expected a (DictVectorizer, regressor) tuple, got ${describeValue(obj)}`);
    [vectorizer, regressor] = obj.items;
    layout = 'pickle-tuple';
  } else if (instanceOf(obj, 'Pipeline')) {
    [vectorizer, regressor] = pipelineSteps(obj);
    layout = 'pickle-pipeline';
    versionSource = obj;
  } else {
    throw new UnsupportedModelError(
      `expected a (DictVectorizer, regressor) tuple or a Pipeline, got ${describeValue(obj)}`,
    );
  }
  if (!instanceOf(vectorizer, 'DictVectorizer')) {
    throw new UnsupportedModelError(`the first step must be a DictVectorizer, got ${describeValue(vectorizer)}`);
  }
  if (!(regressor instanceof PyInstance)) throw new UnsupportedModelError(`the regressor is ${describeValue(regressor)}`);
  const dv = dictVectorizerFromPickle(vectorizer);
  const reg = regressorFrom(regressor, dv.featureCount);
  // scikit-learn refuses to predict when the widths disagree ("X has N features, but … is
  // expecting M"); so do we, at load.
  const declared = regressor.attr('n_features_in_');
  if (typeof declared === 'number' && declared !== dv.featureCount) {
    throw new UnsupportedModelError(`${reg.name}.n_features_in_ is ${declared}, the DictVectorizer produces ${dv.featureCount} features`);
  }
  if (reg.featureCount !== dv.featureCount) {
    throw new UnsupportedModelError(`${reg.name} reads ${reg.featureCount} features, the DictVectorizer produces ${dv.featureCount}`);
  }
  const sklearnVersion = sklearnVersionOf(regressor) ?? (versionSource && sklearnVersionOf(versionSource)) ?? sklearnVersionOf(vectorizer);
  return {
    predictor: new VectorizedPredictor(dv, reg),
    layout,
    regressor: reg.name,
    featureCount: dv.featureCount,
    ...(sklearnVersion !== undefined ? { sklearnVersion } : {}),
  };
}

function regressorFrom(obj: PyInstance, width: number): SparseRegressor {
  if ((LINEAR_REGRESSORS as readonly string[]).includes(obj.className)) return linearModelFromPickle(obj);
  if (obj.className === 'DecisionTreeRegressor') return TreeEnsemble.fromPickle(obj);
  if (obj.className === 'RandomForestRegressor') return forestFromPickle(obj, width);
  throw new UnsupportedModelError(`regressor ${obj.className} is not supported (supported: ${SUPPORTED_REGRESSORS.join(', ')})`);
}
