/**
 * The model download, started by the function's entry before the rest of its code is loaded.
 *
 * Light on purpose: it imports only the configuration, the model locator and the signed S3 client,
 * not the pickle VM, the schema or Powertools, so that the download is on the network while those
 * compile (`entry.ts`).
 */
import { DEFAULT_REGION, type HandlerConfig } from './config.js';
import { fetchModel, fetchModelSidecarFirst, parseModelLocation, sidecarPinnedAlone, type PrefetchedModel } from './model/locate.js';
import { SignedS3Client } from './signed-s3-client.js';

/**
 * The function's own signed S3 client for this configuration (the model, the dead letters), when the
 * role's credentials are in the environment; `undefined` otherwise (the SDK's provider chain must be
 * used then).
 */
export function signedS3ClientFor(config: HandlerConfig): SignedS3Client | undefined {
  const credentials = config.environmentCredentials;
  if (credentials === undefined) return undefined;
  return new SignedS3Client({ region: config.region ?? DEFAULT_REGION, credentials, endpoint: config.s3EndpointUrl });
}

/** The configuration's pins of the model's bytes, as the loader takes them (`MODEL_SHA256`, `MODEL_COMPILED_SHA256`). */
export function modelPins(config: HandlerConfig): { readonly expectedSha256?: string; readonly expectedCompiledSha256?: string } {
  return {
    ...(config.modelSha256 !== undefined ? { expectedSha256: config.modelSha256 } : {}),
    ...(config.modelCompiledSha256 !== undefined ? { expectedCompiledSha256: config.modelCompiledSha256 } : {}),
  };
}

/**
 * Starts fetching the configured model's bytes through `s3` ({@link signedS3ClientFor}), or returns
 * `undefined` when there is nothing to start here: no model configured, or an S3 model and no signed
 * client (no credentials in the environment: the handler then reads it through the SDK's provider
 * chain). A failure rejects the returned promise, which the handler's first load then reports;
 * nothing is retried here.
 */
export function prefetchModel(config: HandlerConfig, s3: SignedS3Client | undefined): Promise<PrefetchedModel> | undefined {
  if (config.modelLocation === undefined) return undefined;
  let where;
  try {
    where = parseModelLocation(config.modelLocation);
  } catch {
    return undefined; // the handler's own load reports the location error
  }
  if (where.kind === 'file') return fetchModel(where);
  if (s3 === undefined) return undefined;
  // Then only the sidecar is downloaded, the pickle matched by its ETag (see fetchModelSidecarFirst).
  return sidecarPinnedAlone(modelPins(config)) ? fetchModelSidecarFirst(where, { s3 }) : fetchModel(where, { s3 });
}
