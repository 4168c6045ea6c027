/**
 * The pickle reader as the loader (`load.ts`) calls it: the allow-listing VM (`pickle/`), then the
 * scikit-learn objects it built turned into a predictor (`sklearn/`).
 */
import type { PickleReader } from './load.js';
import { unpickle } from './pickle/index.js';
import { toPredictor } from './sklearn/index.js';

export const readPickleModel: PickleReader = (bytes, limits) => toPredictor(unpickle(bytes, limits ? { limits } : {}));
