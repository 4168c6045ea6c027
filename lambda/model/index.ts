/**
 * The model runtime's public surface: load a scikit-learn model (course `lin_reg.bin` tuple, bare
 * Pipeline, MLflow sklearn folder) or our JSON artifact from a local path or S3, verify it, and get
 * a {@link Predictor} that scores exactly as scikit-learn does. No Python, and nothing from the
 * file is ever executed: pickles are read by the allow-listing VM in `pickle/`.
 *
 * @example
 * ```ts
 * import { loadModel, parseModelLocation } from './model/index.js';
 * const { predictor, description } = await loadModel(parseModelLocation('model-artifacts/lin_reg.bin'));
 * predictor.predictOne({ PU_DO: '130_205', trip_distance: 3.66 }); // 12.78553032985699
 * description.version; // 'sha256:b51a38fd7db9'
 * ```
 */
import { ModelLoadError } from './errors.js';

export type { FeatureDict, LoadedModel, ModelDescription, Predictor } from './types.js';
export {
  MlflowModelError,
  ModelContractError,
  ModelFetchError,
  ModelIntegrityError,
  ModelLoadError,
  ModelLocationError,
  UnsupportedModelError,
} from './errors.js';
export { ForbiddenGlobalError, PickleError, PickleLimitError, TruncatedPickleError } from './pickle/index.js';
export { fetchModel, formatModelSource, modelSourceFromParts, parseModelLocation, MAX_MODEL_BYTES, MODEL_FILE_EXTENSIONS } from './locate.js';
export type { FetchedModel, FetchModelOptions, ModelLocationParts, ModelSource } from './locate.js';
export { loadModel, loadModelFromBytes } from './load.js';
export type { LoadModelOptions, ModelBytesMeta, PickledModel, PickleReader } from './load.js';
export { readPickleModel } from './pickle-model.js';
export { parseMlmodel } from './mlmodel.js';
export type { MlflowModelInfo } from './mlmodel.js';
export { NATIVE_MODEL_FORMAT } from './native-format.js';
export type { NativeLinearModel } from './native-format.js';

/** Type guard for errors of this module. */
export function isModelLoadError(err: unknown): err is ModelLoadError {
  return err instanceof ModelLoadError;
}
