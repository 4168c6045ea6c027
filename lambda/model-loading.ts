/**
 * The configured model, loaded through the model runtime (`lambda/model`).
 */
import { ConfigError, ENV, type HandlerConfig } from './config.js';
import { loadModel, parseModelLocation } from './model/index.js';
import type { S3ObjectReader } from './model/locate.js';
import type { LoadedModel } from './model/types.js';

/**
 * Loads the model named by the configuration, checking `MODEL_SHA256` when set.
 *
 * @throws {ConfigError} when no location is configured; the model runtime's `ModelLoadError`s otherwise.
 */
export async function loadConfiguredModel(config: HandlerConfig, s3: S3ObjectReader): Promise<LoadedModel> {
  if (config.modelLocation === undefined) {
    throw new ConfigError(
      `no model configured: set ${ENV.modelLocation}, or ${ENV.modelBucket} + ${ENV.modelKey}, or ${ENV.modelBucket} + ${ENV.mlflowExperimentId} + ${ENV.runId}`,
    );
  }
  return loadModel(parseModelLocation(config.modelLocation), {
    s3,
    ...(config.modelSha256 !== undefined ? { expectedSha256: config.modelSha256 } : {}),
  });
}
