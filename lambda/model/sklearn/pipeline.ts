/** scikit-learn `Pipeline`: the (vectorizer, regressor) pair it holds. */
import { UnsupportedModelError } from '../errors.js';
import { PyTuple, describeValue } from '../pickle/index.js';
import type { PyInstance, PyValue } from '../pickle/index.js';
import { attr } from './attrs.js';

/** The (vectorizer, regressor) of a Pipeline, skipping `None`/`'passthrough'` steps. */
export function pipelineSteps(pipeline: PyInstance): [PyValue | undefined, PyValue | undefined] {
  const steps = attr(pipeline, 'steps');
  if (!Array.isArray(steps)) throw new UnsupportedModelError(`Pipeline.steps is ${describeValue(steps)}`);
  const estimators: PyValue[] = [];
  for (const step of steps) {
    if (!(step instanceof PyTuple) || step.length < 2) throw new UnsupportedModelError(`Pipeline step is ${describeValue(step)}`);
    const est = step.items[1] as PyValue;
    if (est === null || est === 'passthrough') continue;
    estimators.push(est);
  }
  if (estimators.length !== 2) {
    throw new UnsupportedModelError(
      `expected a Pipeline of DictVectorizer and one regressor, got steps ${estimators.map((e) => describeValue(e)).join(', ') || 'none'}`,
    );
  }
  return [estimators[0], estimators[1]];
}
