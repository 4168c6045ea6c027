/**
 * The `--model` option shared by the commands that score: the same loader as the Lambda, pointed
 * at a local path or an `s3://` location (S3 via `S3_ENDPOINT_URL` when set, else AWS).
 */
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

import { ENV } from '../lambda/config.js';
// Leaf modules, not the model barrel (which re-exports the MLmodel YAML parser): see locate.ts.
import { loadModel } from '../lambda/model/load.js';
import { parseModelLocation } from '../lambda/model/locate.js';
import type { LoadedModel } from '../lambda/model/types.js';
import { ModelLoadError } from '../lambda/model/errors.js';
import { describeFatalAwsError } from './aws-errors.js';
import { CliError, EXIT_FAILURE } from './errors.js';

/** The course model shipped in the repository, found from this file, not from the working directory. */
export const DEFAULT_MODEL_PATH = fileURLToPath(new URL('../model-artifacts/lin_reg.bin', import.meta.url));

/** Help text of every `--model` option. */
export const MODEL_OPTION_HELP =
  'model file or MLflow folder: local path, s3://bucket/key or s3://bucket/prefix/ (default: model-artifacts/lin_reg.bin)';

/**
 * The location to load: `s3://…` unchanged, a local path made absolute, nothing → the default model.
 *
 * @example
 * resolveModelLocation(undefined); // '/…/model-artifacts/lin_reg.bin'
 */
export function resolveModelLocation(model: string | undefined): string {
  if (model === undefined || model.trim() === '') return DEFAULT_MODEL_PATH;
  return /^s3:\/\//i.test(model) ? model : resolve(model);
}

/**
 * Loads a model with the Lambda's model runtime, from `model` or the default model. `s3://`
 * locations use `S3_ENDPOINT_URL` when set (dummy credentials unless the environment has some,
 * as for every local endpoint), else AWS and its default credential chain; `MODEL_SHA256`, when
 * set, is checked as in the Lambda (unless `pinned` is false: a model the Lambda's pin is not
 * about). The AWS SDK is imported only for an `s3://` model; its errors name `flag`.
 */
export async function loadCliModel(
  model: string | undefined,
  env: Readonly<Record<string, string | undefined>> = process.env,
  { flag = '--model', pinned = true }: { readonly flag?: string; readonly pinned?: boolean } = {},
): Promise<LoadedModel> {
  const location = resolveModelLocation(model);
  // The location as the user wrote it: `-m x.bin`, not the absolute path it resolves to.
  const given = model === undefined || model.trim() === '' ? location : model;
  const expectedSha256 = pinned ? env[ENV.modelSha256]?.trim() || undefined : undefined;
  const verify = expectedSha256 ? { expectedSha256 } : {};
  if (!location.toLowerCase().startsWith('s3://')) {
    return loadModel(parseModelLocation(location), verify).catch((error: unknown) => rethrowModelError(error, `${flag} ${given}`, location));
  }
  const { client: s3, endpoint } = (await import('./s3.js')).cliS3Client(env);
  try {
    return await loadModel(parseModelLocation(location), { s3, ...verify });
  } catch (error) {
    // No credentials, a refused connection: what is wrong is the endpoint or the environment.
    const fatal = describeFatalAwsError(error, `${flag} ${given}${endpoint === undefined ? '' : ` (S3 at ${endpoint})`}`);
    if (fatal !== undefined) throw new CliError(fatal, EXIT_FAILURE, { cause: error });
    return rethrowModelError(error, `${flag} ${given}`, location);
  } finally {
    s3.destroy();
  }
}

/**
 * A model's refusal as one line naming the flag: `-m x.bin: no such file or folder`. The loader's
 * message names the location itself (the function logs it); a failure about the location the flag
 * gave says only its detail after the flag, one about a file inside it (an MLflow folder's
 * `model.pkl`) its whole message.
 */
function rethrowModelError(error: unknown, named: string, location: string): never {
  if (!(error instanceof ModelLoadError)) throw error;
  const said = error.detail !== undefined && error.about === location ? error.detail : error.message;
  throw new CliError(`${named}: ${said}`, EXIT_FAILURE, { cause: error });
}
