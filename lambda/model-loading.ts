/**
 * The configured model, loaded through the model runtime (`lambda/model`).
 */
import { ConfigError, ENV, type HandlerConfig } from './config.js';
import { loadFetchedModel, loadModel } from './model/load.js';
import { parseModelLocation } from './model/locate.js';
import { modelPins } from './model-prefetch.js';
import type { PrefetchedModel, S3ObjectReader } from './model/locate.js';
import type { LoadedModel } from './model/types.js';

/**
 * Loads the model named by the configuration, checking `MODEL_SHA256` (and `MODEL_COMPILED_SHA256`) when set; from the bytes of
 * `prefetched` when given (see `entry.ts`), else fetched now through `s3`.
 *
 * @throws {ConfigError} when no location is configured; the model runtime's `ModelLoadError`s otherwise.
 */
export async function loadConfiguredModel(
  config: HandlerConfig,
  s3: S3ObjectReader,
  prefetched?: Promise<PrefetchedModel>,
): Promise<LoadedModel> {
  if (config.modelLocation === undefined) {
    throw new ConfigError(
      `no model configured: set ${ENV.modelLocation}, or ${ENV.modelBucket} + ${ENV.modelKey}, or ${ENV.modelBucket} + ${ENV.mlflowExperimentId} + ${ENV.runId}`,
    );
  }
  const where = parseModelLocation(config.modelLocation);
  const verify = modelPins(config);
  if (prefetched !== undefined) return loadFetchedModel(await prefetched, where, verify);
  return loadModel(where, { s3, ...verify });
}
