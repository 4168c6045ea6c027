/**
 * Loading a model: fetch (`locate.ts`), verify, and read it into a {@link Predictor}: a pickle with
 * the allow-listing reader (`pickle-model.ts`), our JSON artifact with `native.ts`.
 */
import type { S3Client } from '@aws-sdk/client-s3';
import { sha256Hex } from './digest.js';
import { quote } from '../quote.js';
import { ModelContractError, ModelIntegrityError, ModelLoadError, UnsupportedModelError } from './errors.js';
import { PickleError } from './pickle/errors.js';
import { fetchModel, formatModelSource, parseModelLocation } from './locate.js';
import type { FetchedRecipe, ModelSource } from './locate.js';
import type { MlflowModelInfo } from './mlmodel.js';
import { DEFAULT_RECIPE, deriveContract, parseRecipe, RIDE_START_FIELDS, withSignatureFields } from './contract/index.js';
import { nativeToPredictor } from './native.js';
import { readPickleModel } from './pickle-model.js';
import type { PickleLimits } from './pickle/limits.js';
import type { RideContract } from './contract/index.js';
import type { LoadedModel, ModelDescription, Predictor } from './types.js';

export interface LoadModelOptions {
  /** Reads `s3://` sources: `createS3Client()` (`lambda/aws-clients.ts`). */
  readonly s3?: S3Client;
  /** Expected sha256 (hex) of the model bytes (`MODEL_SHA256`); a mismatch fails the load. */
  readonly expectedSha256?: string;
  /** Overrides of the pickle reader's resource limits. */
  readonly limits?: Partial<PickleLimits>;
}

/** What is known about model bytes besides the bytes themselves. */
export interface ModelBytesMeta {
  /** Path or URI the bytes came from. */
  readonly source: string;
  readonly mlflow?: MlflowModelInfo;
  readonly s3VersionId?: string;
  readonly s3ETag?: string;
  readonly expectedSha256?: string;
  readonly limits?: Partial<PickleLimits>;
  /**
   * The model's recipe (`<model>.recipe.json`), parsed JSON, when it has one (`contract/recipe.ts`),
   * and the sha256 of its bytes, which joins the model's version.
   */
  readonly recipe?: { readonly json: unknown; readonly source: string; readonly sha256?: string };
}

/**
 * A model's contract from its features, the recipe that came with it, if any, and the columns of its
 * MLflow signature, which declare fields the function does not know.
 */
function contractOf(predictor: Predictor, meta: Pick<ModelBytesMeta, 'source' | 'recipe' | 'mlflow'>, inside?: ModelBytesMeta['recipe']): RideContract {
  return inModel(meta.source, () => {
    const given = meta.recipe ?? inside;
    let recipe = given === undefined ? DEFAULT_RECIPE : parseRecipe(given.json, given.source);
    const columns = meta.mlflow?.signatureInputs;
    if (columns !== undefined) recipe = withSignatureFields(recipe, columns, new Set(RIDE_START_FIELDS.map((field) => field.name)));
    return deriveContract(predictor.features, recipe);
  });
}

/** The parts of a model read from a pickle that its description names. */
export interface PickledModel {
  readonly predictor: Predictor;
  /** `pickle-tuple` or `pickle-pipeline`. */
  readonly layout: string;
  readonly regressor: string;
  readonly featureCount: number;
  readonly sklearnVersion?: string | undefined;
}

/** Reads a pickle's model (`readPickleModel` in `pickle-model.ts`). */
export type PickleReader = (bytes: Uint8Array, limits: Partial<PickleLimits> | undefined) => PickledModel;

const PICKLE_PROTO = 0x80;

/**
 * Loads a model from a local path or S3 (object, or MLflow folder/prefix).
 *
 * @example
 * ```ts
 * const { predictor } = await loadModel('s3://models/lin_reg.bin', { s3: createS3Client() });
 * ```
 * @throws {ModelLoadError} (a subclass naming the cause) when the model cannot be fetched, verified or read
 */
export async function loadModel(source: ModelSource | string, options: LoadModelOptions = {}): Promise<LoadedModel> {
  const where = typeof source === 'string' ? parseModelLocation(source) : source;
  const fetched = await fetchModel(where, options.s3 ? { s3: options.s3 } : {});
  return loadModelFromBytes(fetched.bytes, {
    source: fetched.mlflow ? formatModelSource(where) : fetched.uri,
    ...(fetched.mlflow ? { mlflow: fetched.mlflow } : {}),
    ...(fetched.s3VersionId ? { s3VersionId: fetched.s3VersionId } : {}),
    ...(fetched.s3ETag ? { s3ETag: fetched.s3ETag } : {}),
    ...(options.expectedSha256 ? { expectedSha256: options.expectedSha256 } : {}),
    ...(options.limits ? { limits: options.limits } : {}),
    ...(fetched.recipe ? { recipe: readRecipe(fetched.recipe) } : {}),
  });
}

/** A fetched recipe's JSON, for {@link ModelBytesMeta.recipe}. */
function readRecipe(recipe: FetchedRecipe): NonNullable<ModelBytesMeta['recipe']> {
  try {
    const json = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(recipe.bytes)) as unknown;
    return { json, source: recipe.uri, sha256: sha256Hex(recipe.bytes) };
  } catch (cause) {
    throw new ModelContractError(`recipe ${recipe.uri} is not JSON: ${quote((cause as Error).message, { bare: true })}`, { cause });
  }
}

/**
 * Reads model bytes already in memory: a pickle (first byte 0x80, protocol 2–5) or our JSON
 * artifact, verified against `meta.expectedSha256` first.
 *
 * @example
 * ```ts
 * const model = loadModelFromBytes(readFileSync('lin_reg.bin'), { source: 'lin_reg.bin' });
 * ```
 * @throws {ModelLoadError} when the bytes fail verification or are not a model
 */
export function loadModelFromBytes(bytes: Uint8Array, meta: ModelBytesMeta): LoadedModel {
  const sha256 = sha256Hex(bytes);
  if (meta.expectedSha256 !== undefined) {
    const expected = meta.expectedSha256.trim().toLowerCase();
    if (!/^[0-9a-f]{64}$/.test(expected)) throw new ModelIntegrityError(`expected sha256 ${JSON.stringify(meta.expectedSha256)} is not 64 hex digits`);
    if (expected !== sha256) throw new ModelIntegrityError(`model ${meta.source} has sha256 ${sha256}, expected ${expected}`);
  }
  // A recipe beside the model changes what it predicts: its digest is part of the version.
  const recipeSha256 = meta.recipe?.sha256;
  const common = {
    version: `${meta.mlflow?.runId ?? `sha256:${sha256.slice(0, 12)}`}${recipeSha256 === undefined ? '' : `+recipe:${recipeSha256.slice(0, 12)}`}`,
    source: meta.source,
    sha256,
    ...(recipeSha256 === undefined ? {} : { recipeSha256 }),
    ...(meta.s3VersionId ? { s3VersionId: meta.s3VersionId } : {}),
    ...(meta.s3ETag ? { s3ETag: meta.s3ETag } : {}),
  };
  if (bytes[0] === PICKLE_PROTO) {
    const model = inModel(meta.source, () => readPickleModel(bytes, meta.limits));
    const sklearnVersion = meta.mlflow?.sklearnVersion ?? model.sklearnVersion;
    const description: ModelDescription = {
      format: meta.mlflow ? 'mlflow' : model.layout,
      regressor: model.regressor,
      featureCount: model.featureCount,
      ...(sklearnVersion !== undefined ? { sklearnVersion } : {}),
      ...common,
    };
    return { predictor: model.predictor, description, contract: contractOf(model.predictor, meta) };
  }
  if (firstNonSpace(bytes) === 0x7b /* { */) {
    let json: unknown;
    try {
      json = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes));
    } catch (cause) {
      throw new UnsupportedModelError(`model ${meta.source} looks like JSON but does not parse: ${quote((cause as Error).message, { bare: true })}`, { cause });
    }
    const model = inModel(meta.source, () => nativeToPredictor(json));
    // Our artifact may carry its recipe inside; one next to it wins.
    const { recipe } = json as { recipe?: unknown };
    const inside = recipe === undefined ? undefined : { json: recipe, source: `in ${meta.source}` };
    return {
      predictor: model.predictor,
      description: { format: 'native', regressor: model.regressor, featureCount: model.featureCount, ...common },
      contract: contractOf(model.predictor, meta, inside),
    };
  }
  const head = Array.from(bytes.subarray(0, 4), (b) => b.toString(16).padStart(2, '0')).join(' ');
  throw new UnsupportedModelError(
    `model ${meta.source} is neither a pickle of protocol >= 2 (first byte 0x80) nor our JSON artifact (starts with ${head || 'nothing'})`,
  );
}

/**
 * `read`'s result; its refusal said of the model at `source` (the readers see bytes only): bytes that
 * are no model are "not a readable model", a model that disagrees with itself "cannot be served"; a
 * contract's refusal already says "the model cannot be served" and is only located.
 */
function inModel<T>(source: string, read: () => T): T {
  try {
    return read();
  } catch (error) {
    if (!(error instanceof ModelLoadError)) throw error;
    throw error.locate(source, error instanceof PickleError ? 'not a readable model' : error instanceof ModelContractError ? undefined : 'cannot be served');
  }
}

function firstNonSpace(bytes: Uint8Array): number | undefined {
  for (const b of bytes) if (b !== 0x20 && b !== 0x0a && b !== 0x0d && b !== 0x09 && b !== 0xef && b !== 0xbb && b !== 0xbf) return b;
  return undefined;
}
