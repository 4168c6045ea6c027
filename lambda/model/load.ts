/**
 * Loading a model: fetch (`locate.ts`), verify, and read it into a {@link Predictor}, from its
 * compiled sidecar when one stands in for the pickle, else with the pickle reader, which is imported
 * only then (`pickle-model.ts`). The handler loads models through this file; `index.ts` adds the
 * synchronous `loadModelFromBytes` for callers that have the reader loaded anyway.
 */
import { isCompiledModel, readCompiledModel, type CompiledMatch, type PickleIdentity } from './compiled.js';
import { sha256Hex } from './digest.js';
import { ModelIntegrityError, UnsupportedModelError } from './errors.js';
import { COMPILED_MODEL_SUFFIX, fetchModel, formatModelSource, parseModelLocation, sidecarPinnedAlone } from './locate.js';
import type { FetchedSidecar, HeadedModel, ModelSource, PrefetchedModel, S3ObjectReader } from './locate.js';
import type { MlflowModelInfo } from './mlmodel.js';
import { deriveContract, parseRecipe } from './contract/index.js';
import { nativeToPredictor } from './native.js';
import type { PickleLimits } from './pickle/limits.js';
import type { RideContract } from './contract/index.js';
import type { LoadedModel, ModelDescription, Predictor } from './types.js';

export interface LoadModelOptions {
  /** Reads `s3://` sources: `sdkS3Reader(s3Client)` or the function's signed reader (`lambda/signed-s3-client.ts`). */
  readonly s3?: S3ObjectReader;
  /** Expected sha256 (hex) of the model bytes (`MODEL_SHA256`); a mismatch fails the load. */
  readonly expectedSha256?: string;
  /**
   * Expected sha256 (hex) of the pickle's compiled sidecar (`MODEL_COMPILED_SHA256`). A sidecar with
   * other bytes is ignored (the pickle is read instead); while `expectedSha256` pins the pickle, a
   * sidecar is used only when this pins it too.
   */
  readonly expectedCompiledSha256?: string;
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
  /** The pickle's compiled sidecar, as fetched next to it. */
  readonly compiled?: FetchedSidecar;
  readonly expectedCompiledSha256?: string;
  readonly limits?: Partial<PickleLimits>;
  /** The model's recipe (`<model>.recipe.json`), parsed JSON, when it has one (`contract/recipe.ts`). */
  readonly recipe?: { readonly json: unknown; readonly source: string };
}

/** A model's contract from its features and the recipe that came with it, if any. */
function contractOf(predictor: Predictor, recipe: ModelBytesMeta['recipe']): RideContract {
  return deriveContract(predictor.features, recipe === undefined ? undefined : parseRecipe(recipe.json, recipe.source));
}

/** The parts of a model read from a pickle (or from its sidecar) that its description names. */
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

/** {@link prepareModel}'s answer: the model, or a pickle still to be read. */
export type PreparedModel = { readonly loaded: LoadedModel } | { readonly pickle: (readPickle: PickleReader) => LoadedModel };

const PICKLE_PROTO = 0x80;

/**
 * Loads a model from a local path or S3 (object, or MLflow folder/prefix).
 *
 * @throws {ModelLoadError} (a subclass naming the cause) when the model cannot be fetched, verified or read
 */
export async function loadModel(source: ModelSource | string, options: LoadModelOptions = {}): Promise<LoadedModel> {
  const where = typeof source === 'string' ? parseModelLocation(source) : source;
  return loadFetchedModel(await fetchModel(where, options.s3 ? { s3: options.s3 } : {}), where, options);
}

/**
 * Reads a model that {@link fetchModel} already fetched from `where` (the handler starts the
 * download before the model runtime's own code is loaded).
 *
 * @throws {ModelLoadError} when the bytes cannot be verified or read
 */
export async function loadFetchedModel(fetched: PrefetchedModel, where: ModelSource, options: Omit<LoadModelOptions, 's3'> = {}): Promise<LoadedModel> {
  if ('head' in fetched) return headedStandIn(fetched, options) ?? loadFetchedModel(await fetched.fetch(), where, options);
  return finishModel(prepareModel(fetched.bytes, {
    source: fetched.mlflow ? formatModelSource(where) : fetched.uri,
    ...(fetched.mlflow ? { mlflow: fetched.mlflow } : {}),
    ...(fetched.s3VersionId ? { s3VersionId: fetched.s3VersionId } : {}),
    ...(fetched.s3ETag ? { s3ETag: fetched.s3ETag } : {}),
    ...(fetched.compiled ? { compiled: fetched.compiled } : {}),
    ...(options.expectedSha256 ? { expectedSha256: options.expectedSha256 } : {}),
    ...(options.expectedCompiledSha256 ? { expectedCompiledSha256: options.expectedCompiledSha256 } : {}),
    ...(options.limits ? { limits: options.limits } : {}),
  }));
}

async function finishModel(prepared: PreparedModel): Promise<LoadedModel> {
  if ('loaded' in prepared) return prepared.loaded;
  const { readPickleModel } = await import('./pickle-model.js');
  return prepared.pickle(readPickleModel);
}

/**
 * What model bytes already in memory hold: a pickle (first byte 0x80, protocol 2–5) or our JSON
 * artifact, verified. A pickle's compiled sidecar in `meta.compiled` stands in for the pickle when it
 * was compiled from exactly these bytes (see `compiled.ts`); the description says whether it did, and
 * if not, why. Else the pickle is still to be read, by the reader handed to `pickle`
 * (`pickle-model.ts`), which this file does not load: a cold start that uses a sidecar never
 * compiles the pickle reader.
 *
 * @throws {ModelLoadError} when the bytes fail verification or are not a model
 */
export function prepareModel(bytes: Uint8Array, meta: ModelBytesMeta): PreparedModel {
  const sha256 = sha256Hex(bytes);
  if (meta.expectedSha256 !== undefined) {
    const expected = meta.expectedSha256.trim().toLowerCase();
    if (!/^[0-9a-f]{64}$/.test(expected)) throw new ModelIntegrityError(`expected sha256 ${JSON.stringify(meta.expectedSha256)} is not 64 hex digits`);
    if (expected !== sha256) throw new ModelIntegrityError(`model ${meta.source} has sha256 ${sha256}, expected ${expected}`);
  }
  const common = {
    version: meta.mlflow?.runId ?? `sha256:${sha256.slice(0, 12)}`,
    source: meta.source,
    sha256,
    ...(meta.s3VersionId ? { s3VersionId: meta.s3VersionId } : {}),
    ...(meta.s3ETag ? { s3ETag: meta.s3ETag } : {}),
  };
  if (bytes[0] === PICKLE_PROTO) {
    const sidecar = meta.compiled === undefined ? undefined : compiledStandIn(meta.compiled, { sha256, bytes: bytes.length }, meta);
    const describe = (model: PickledModel): LoadedModel => describePickled(model, meta, common, sidecar?.note);
    if (sidecar?.match !== undefined) return { loaded: describe(sidecar.match) };
    return { pickle: (readPickle) => describe(readPickle(bytes, meta.limits)) };
  }
  if (firstNonSpace(bytes) === 0x7b /* { */) {
    let json: unknown;
    try {
      json = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes));
    } catch (cause) {
      throw new UnsupportedModelError(`model ${meta.source} looks like JSON but does not parse: ${(cause as Error).message}`, { cause });
    }
    if (isCompiledModel(json)) {
      throw new UnsupportedModelError(
        `model ${meta.source} is the compiled sidecar of a pickle, not a model of its own: point the location at the pickle it was compiled from (its name without ${COMPILED_MODEL_SUFFIX})`,
      );
    }
    const model = nativeToPredictor(json);
    // Our artifact may carry its recipe inside; one next to it wins.
    const { recipe } = json as { recipe?: unknown };
    const inside = recipe === undefined ? undefined : { json: recipe, source: `in ${meta.source}` };
    return {
      loaded: {
        predictor: model.predictor,
        description: { format: 'native', regressor: model.regressor, featureCount: model.featureCount, ...common },
        contract: contractOf(model.predictor, meta.recipe ?? inside),
      },
    };
  }
  const head = Array.from(bytes.subarray(0, 4), (b) => b.toString(16).padStart(2, '0')).join(' ');
  throw new UnsupportedModelError(
    `model ${meta.source} is neither a pickle of protocol >= 2 (first byte 0x80) nor our JSON artifact (starts with ${head || 'nothing'})`,
  );
}

/** A model read from a pickle (or its sidecar), described. */
function describePickled(
  model: PickledModel,
  { mlflow, recipe }: Pick<ModelBytesMeta, 'mlflow' | 'recipe'>,
  common: Pick<ModelDescription, 'version' | 'source' | 'sha256' | 's3VersionId' | 's3ETag'>,
  note: ModelDescription['compiled'],
): LoadedModel {
  const sklearnVersion = mlflow?.sklearnVersion ?? model.sklearnVersion;
  const description: ModelDescription = {
    format: mlflow ? 'mlflow' : model.layout,
    regressor: model.regressor,
    featureCount: model.featureCount,
    ...(sklearnVersion !== undefined ? { sklearnVersion } : {}),
    ...common,
    ...(note ? { compiled: note } : {}),
  };
  return { predictor: model.predictor, description, contract: contractOf(model.predictor, recipe) };
}

/**
 * The model from the sidecar of a pickle that was only HEADed, when the sidecar may stand in
 * without the pickle's bytes: pinned by `MODEL_COMPILED_SHA256` (so its bytes are those `compile`
 * wrote from the pickle and checked), no `MODEL_SHA256` (which asks for the pickle's own bytes to be
 * hashed), and compiled from a pickle of the MD5 that is its ETag and of its length. Undefined
 * otherwise: the pickle is then downloaded and read as usual, the sidecar judged again with it.
 */
function headedStandIn(fetched: HeadedModel, options: Omit<LoadModelOptions, 's3'>): LoadedModel | undefined {
  if (!sidecarPinnedAlone(options)) return undefined;
  const { compiled, head } = fetched;
  const read = compiledStandIn(compiled, { md5: head.md5, bytes: head.contentLength }, options).match;
  if (read === undefined) return undefined;
  const common = {
    version: `sha256:${read.pickleSha256.slice(0, 12)}`,
    source: fetched.uri,
    sha256: read.pickleSha256,
    ...(head.versionId ? { s3VersionId: head.versionId } : {}),
    s3ETag: head.eTag,
  };
  return describePickled(read, {}, common, { uri: compiled.uri, used: true, pickle: 'etag' });
}

/** A sidecar's verdict: the model when it may stand in for the pickle, and the note for the description. */
interface SidecarVerdict {
  readonly match?: CompiledMatch;
  readonly note: NonNullable<ModelDescription['compiled']>;
}

function compiledStandIn(
  sidecar: FetchedSidecar,
  pickle: PickleIdentity,
  meta: Pick<ModelBytesMeta, 'expectedSha256' | 'expectedCompiledSha256'>,
): SidecarVerdict {
  const { uri } = sidecar;
  const ignored = (reason: string): SidecarVerdict => ({ note: { uri, used: false, reason } });
  if (sidecar.bytes === undefined) return ignored(`unreadable: ${sidecar.problem ?? 'no bytes'}`);
  const pin = meta.expectedCompiledSha256?.trim().toLowerCase();
  if (pin === undefined && meta.expectedSha256 !== undefined) {
    return ignored('MODEL_SHA256 pins the pickle, and no MODEL_COMPILED_SHA256 pins the sidecar');
  }
  if (pin !== undefined) {
    const actual = sha256Hex(sidecar.bytes);
    if (actual !== pin) return ignored(`its sha256 ${actual} is not the expected ${pin}`);
  }
  const read = readCompiledModel(sidecar.bytes, pickle, { pinned: pin !== undefined });
  if ('rejected' in read) return ignored(read.rejected);
  return { match: read, note: { uri, used: true } };
}

function firstNonSpace(bytes: Uint8Array): number | undefined {
  for (const b of bytes) if (b !== 0x20 && b !== 0x0a && b !== 0x0d && b !== 0x09 && b !== 0xef && b !== 0xbb && b !== 0xbf) return b;
  return undefined;
}

