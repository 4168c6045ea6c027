/**
 * Where the model lives and how its bytes are fetched: a local file or folder, or an S3 object or
 * prefix. MLflow model folders (`MLmodel` + pickled model) are followed to their sklearn pickle.
 * S3 is read with the SDK's `GetObject` through the client the caller made (`lambda/aws-clients.ts`),
 * the body counted as it streams so that no object beyond {@link MAX_MODEL_BYTES} is held, whatever
 * its `Content-Length` said.
 */
import { readFile, realpath, stat } from 'node:fs/promises';
import type { S3Client } from '@aws-sdk/client-s3';
import { isAbsolute, join, relative, sep } from 'node:path';
import { awsFailureWords } from '../aws-failure.js';
import { quote } from '../quote.js';
import { MlflowModelError, ModelFetchError, ModelLocationError } from './errors.js';
import type { MlflowModelInfo } from './mlmodel.js';

/**
 * `parseMlmodel`, imported when an MLflow folder is read: its YAML parser is a quarter of a
 * megabyte that a single-file model (`lin_reg.bin`) never needs at start-up.
 */
async function parseMlmodel(text: string, where: string): Promise<MlflowModelInfo> {
  return (await import('./mlmodel.js')).parseMlmodel(text, where);
}

/** A model location: an S3 object/prefix or a local file/folder. */
export type ModelSource =
  | { readonly kind: 's3'; readonly bucket: string; readonly key: string }
  | { readonly kind: 'file'; readonly path: string };

/** The model bytes and what is known about where they came from. */
export interface FetchedModel {
  readonly bytes: Uint8Array;
  /** URI or path of the model file itself (`…/model.pkl` for an MLflow folder). */
  readonly uri: string;
  /** Present when the location was an MLflow model folder. */
  readonly mlflow?: MlflowModelInfo;
  readonly s3VersionId?: string;
  readonly s3ETag?: string;
  /** The model's recipe, when one sits next to it (see {@link recipeLocation}). */
  readonly recipe?: FetchedRecipe;
}

/** A model's recipe as fetched: its bytes and where they came from (`contract/recipe.ts` reads them). */
export interface FetchedRecipe {
  readonly bytes: Uint8Array;
  readonly uri: string;
}

/** Suffix of a model file's recipe (`lin_reg.bin` → `lin_reg.bin.recipe.json`). */
export const RECIPE_SUFFIX = '.recipe.json';
/** A recipe's name inside an MLflow model folder. */
export const MLFLOW_RECIPE = 'recipe.json';
/**
 * Largest MLmodel read into memory: a bound on the read itself, well above what the parser takes
 * (`MAX_MLMODEL_CHARS` in `mlmodel.ts`, refused by name there), not a second limit to keep in step with it.
 */
const MAX_MLMODEL_BYTES = 16 * 1024 * 1024;
/** Largest recipe read: a recipe is a few hand-written lines. */
export const MAX_RECIPE_BYTES = 64 * 1024;

/** Extensions that mark a location as the model file itself rather than an MLflow folder. */
export const MODEL_FILE_EXTENSIONS = ['.bin', '.pkl', '.pickle', '.json'] as const;
const MLMODEL = 'MLmodel';
/** Largest model file accepted: checked before reading (file size, `Content-Length`) and while an S3 body streams. */
export const MAX_MODEL_BYTES = 256 * 1024 * 1024;

/**
 * Parses `s3://bucket/key` or a local path.
 *
 * @example
 * ```ts
 * parseModelLocation('s3://models/1/abc/artifacts/model'); // { kind: 's3', bucket: 'models', key: '1/abc/artifacts/model' }
 * parseModelLocation('model-artifacts/lin_reg.bin');       // { kind: 'file', path: 'model-artifacts/lin_reg.bin' }
 * ```
 */
export function parseModelLocation(location: string): ModelSource {
  const trimmed = location.trim();
  if (trimmed === '') throw new ModelLocationError('model location is empty');
  const m = /^s3:\/\/([^/]+)\/(.*)$/i.exec(trimmed);
  if (m) {
    const bucket = m[1] ?? '';
    const key = m[2] ?? '';
    if (!/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/.test(bucket)) throw new ModelLocationError(`invalid S3 bucket name in ${JSON.stringify(location)}`);
    if (key === '' || key === '/') throw new ModelLocationError(`S3 model location ${JSON.stringify(location)} has no key`);
    return { kind: 's3', bucket, key };
  }
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(trimmed)) {
    throw new ModelLocationError(`unsupported model location scheme in ${JSON.stringify(location)} (use s3:// or a local path)`);
  }
  return { kind: 'file', path: trimmed };
}

/** Environment pieces that can name the model (names fixed by the config contract). */
export interface ModelLocationParts {
  readonly MODEL_LOCATION?: string | undefined;
  readonly MODEL_BUCKET?: string | undefined;
  readonly MODEL_KEY?: string | undefined;
  readonly MLFLOW_EXPERIMENT_ID?: string | undefined;
  readonly RUN_ID?: string | undefined;
}

/**
 * The model source from environment pieces: `MODEL_LOCATION`, else `MODEL_BUCKET` + `MODEL_KEY`,
 * else the course layout `s3://{MODEL_BUCKET}/{MLFLOW_EXPERIMENT_ID}/{RUN_ID}/artifacts/model`.
 * Returns undefined when nothing names a model.
 */
export function modelSourceFromParts(parts: ModelLocationParts): ModelSource | undefined {
  const nonEmpty = (v: string | undefined): string | undefined => (v !== undefined && v.trim() !== '' ? v.trim() : undefined);
  const location = nonEmpty(parts.MODEL_LOCATION);
  if (location) return parseModelLocation(location);
  const bucket = nonEmpty(parts.MODEL_BUCKET);
  const key = nonEmpty(parts.MODEL_KEY);
  const experiment = nonEmpty(parts.MLFLOW_EXPERIMENT_ID);
  const runId = nonEmpty(parts.RUN_ID);
  if (!bucket) {
    if (key) throw new ModelLocationError('MODEL_KEY is set but MODEL_BUCKET is not');
    return undefined;
  }
  if (key) return parseModelLocation(`s3://${bucket}/${key.replace(/^\/+/, '')}`);
  if (experiment && runId) return parseModelLocation(`s3://${bucket}/${experiment}/${runId}/artifacts/model`);
  throw new ModelLocationError('MODEL_BUCKET is set but neither MODEL_KEY nor MLFLOW_EXPERIMENT_ID + RUN_ID are');
}

/** `s3://bucket/key` or the path. */
export function formatModelSource(source: ModelSource): string {
  return source.kind === 's3' ? `s3://${source.bucket}/${source.key}` : source.path;
}

function isModelFileName(name: string): boolean {
  const lower = name.toLowerCase();
  return MODEL_FILE_EXTENSIONS.some((ext) => lower.endsWith(ext));
}

/**
 * Fetches the model bytes behind a source, following an MLflow folder to its pickled model.
 *
 * @throws {ModelFetchError} when nothing is found or S3/the file system fails
 * @throws {MlflowModelError} when an MLflow folder is incomplete or not an sklearn model
 */
export async function fetchModel(source: ModelSource, options: FetchModelOptions = {}): Promise<FetchedModel> {
  return source.kind === 'file' ? fetchLocal(source.path) : fetchS3(source.bucket, source.key, options.s3, options.maxS3Bytes ?? MAX_MODEL_BYTES);
}

export interface FetchModelOptions {
  /** Reads `s3://` sources (`createS3Client()`). */
  readonly s3?: S3Client | undefined;
  /** Largest S3 object read; lower than {@link MAX_MODEL_BYTES} only to test the cap without 256 MB. */
  readonly maxS3Bytes?: number;
}

async function fetchLocal(path: string): Promise<FetchedModel> {
  let isDirectory: boolean;
  try {
    const info = await stat(path);
    isDirectory = info.isDirectory();
    if (!isDirectory && info.size > MAX_MODEL_BYTES) {
      const detail = `has ${info.size} bytes, more than the ${MAX_MODEL_BYTES}-byte limit`;
      throw new ModelFetchError(`model file ${path} ${detail}`, { detail, about: path });
    }
  } catch (cause) {
    if (cause instanceof ModelFetchError) throw cause;
    const detail = fileProblem(cause);
    throw new ModelFetchError(`model not found at ${path}: ${detail}`, { cause, detail, about: path });
  }
  if (!isDirectory) {
    if (path.endsWith(MLMODEL)) return fetchLocal(path.slice(0, -MLMODEL.length) || '.');
    const [bytes, recipe] = await Promise.all([readLocal(path, 'model file'), readLocalRecipe(`${path}${RECIPE_SUFFIX}`)]);
    return { bytes, uri: path, ...(recipe ? { recipe } : {}) };
  }
  const mlmodelPath = join(path, MLMODEL);
  let text: string;
  try {
    const { size } = await stat(mlmodelPath);
    if (size > MAX_MLMODEL_BYTES) throw new MlflowModelError(`${mlmodelPath} has ${size} bytes, more than any MLmodel (${MAX_MLMODEL_BYTES})`);
    text = await readFile(mlmodelPath, 'utf8');
  } catch (cause) {
    if (cause instanceof MlflowModelError) throw cause;
    const detail = 'a folder without an MLmodel file; expected an MLflow model folder or a model file';
    throw new MlflowModelError(`${path} is ${detail}`, { cause, detail, about: path });
  }
  const mlflow = await parseMlmodel(text, mlmodelPath);
  const modelPath = join(path, mlflow.pickledModel);
  const named = `${mlmodelPath} names pickled_model ${quote(mlflow.pickledModel)}`;
  let bytes: Uint8Array;
  try {
    // parseMlmodel already refused `..` and absolute names; a symlink can still lead out, so the
    // real path must stay inside the folder's real path.
    const [realFolder, realModel] = await Promise.all([realpath(path), realpath(modelPath)]);
    const inside = relative(realFolder, realModel);
    if (inside === '..' || inside.startsWith(`..${sep}`) || isAbsolute(inside)) {
      throw new MlflowModelError(`${named}, which resolves to ${quote(realModel)}, outside the model folder ${realFolder} (a symlink?)`);
    }
    const { size } = await stat(realModel);
    if (size > MAX_MODEL_BYTES) throw new ModelFetchError(`model file ${modelPath} has ${size} bytes, more than the ${MAX_MODEL_BYTES}-byte limit`);
    bytes = await readFile(realModel);
  } catch (cause) {
    if (cause instanceof ModelFetchError || cause instanceof MlflowModelError) throw cause;
    const name = quote(mlflow.pickledModel, { bare: true });
    if ((cause as NodeJS.ErrnoException).code === 'ENOENT') {
      throw new MlflowModelError(`${named}, but the folder ${path} has no such file`, {
        cause,
        detail: `MLflow folder has no ${name} (MLmodel names ${name})`,
        about: path,
      });
    }
    const problem = fileProblem(cause);
    throw new MlflowModelError(`${named}, but it cannot be read: ${problem}`, { cause, detail: `MLmodel names ${name}, which cannot be read: ${problem}`, about: path });
  }
  const recipe = await readLocalRecipe(join(path, MLFLOW_RECIPE));
  return { bytes, uri: modelPath, mlflow, ...(recipe ? { recipe } : {}) };
}

/** A local recipe file, or undefined when there is none. */
async function readLocalRecipe(path: string): Promise<FetchedRecipe | undefined> {
  let size: number;
  try {
    ({ size } = await stat(path));
  } catch {
    return undefined;
  }
  if (size > MAX_RECIPE_BYTES) throw new ModelFetchError(`recipe ${path} has ${size} bytes, more than the ${MAX_RECIPE_BYTES}-byte limit`);
  return { bytes: await readLocal(path, 'recipe'), uri: path };
}

async function readLocal(path: string, what: string): Promise<Uint8Array> {
  try {
    return await readFile(path);
  } catch (cause) {
    const detail = fileProblem(cause);
    throw new ModelFetchError(`cannot read ${what} ${path}: ${detail}`, { cause, ...(what === 'model file' ? { detail, about: path } : {}) });
  }
}

/** Node's file-system error codes, in words: its messages repeat the code, the call and the path. */
const FILE_PROBLEMS: Readonly<Record<string, string>> = {
  ENOENT: 'no such file or folder',
  EACCES: 'permission denied',
  EPERM: 'permission denied',
  EISDIR: 'a folder, not a file',
  ENOTDIR: 'a part of the path is a file, not a folder',
  ENAMETOOLONG: 'the name is too long',
  ELOOP: 'too many levels of symbolic links',
};

/** Why a file could not be read, in words; an unknown failure's message, quoted capped (it repeats a path, which may hold a file-provided name). */
function fileProblem(cause: unknown): string {
  const code = (cause as NodeJS.ErrnoException | undefined)?.code;
  return (code !== undefined ? FILE_PROBLEMS[code] : undefined) ?? quote((cause as Error).message, { bare: true });
}

interface S3Object {
  readonly bytes: Uint8Array;
  readonly versionId?: string;
  readonly eTag?: string;
}

function errorName(err: unknown): string | undefined {
  const e = err as { name?: string; Code?: string };
  return e?.name ?? e?.Code;
}

function isNotFound(err: unknown): boolean {
  const name = errorName(err);
  if (name === 'NoSuchKey' || name === 'NotFound') return true;
  return name !== 'NoSuchBucket' && (err as { $metadata?: { httpStatusCode?: number } })?.$metadata?.httpStatusCode === 404;
}

/** A GetObject body as the SDK gives it in Node (an `IncomingMessage`): chunks, and a way to drop the rest. */
type StreamedBody = AsyncIterable<Uint8Array> & { destroy?: (error?: Error) => void };

/**
 * Gets an object; undefined when it does not exist, ModelFetchError for any other failure.
 * `deniedMeansAbsent`: S3 answers AccessDenied instead of NoSuchKey when the caller may not list the
 * bucket, so a probe for an optional `MLmodel` treats a denial as "not there".
 *
 * The body is refused beyond {@link MAX_MODEL_BYTES} twice: on its `Content-Length` before a byte is
 * read, and by counting the bytes as they stream, whatever the header said.
 */
async function getObject(s3: S3Client, bucket: string, key: string, maxBytes: number, deniedMeansAbsent = false): Promise<S3Object | undefined> {
  const uri = objectUri(bucket, key);
  // The command's module is loaded by the first S3 read: a model read from a file (invoke, score,
  // serve on a local model) loads none of the SDK.
  const { GetObjectCommand } = await import('./s3-commands.js');
  const out = await askS3(uri, () => s3.send(new GetObjectCommand({ Bucket: bucket, Key: key })), deniedMeansAbsent);
  if (out === undefined) return undefined;
  const body = out.Body as StreamedBody | undefined;
  const tooLarge = sizeError(uri, out.ContentLength, maxBytes);
  if (tooLarge !== undefined) {
    body?.destroy?.(); // frees the socket without reading the body
    throw tooLarge;
  }
  if (body === undefined) throw new ModelFetchError(`reading ${uri} failed: the response has no body`);
  const chunks: Uint8Array[] = [];
  let length = 0;
  try {
    for await (const chunk of body) {
      length += chunk.byteLength;
      if (length > maxBytes) {
        body.destroy?.();
        throw new ModelFetchError(`${uri} streams more than the ${maxBytes}-byte limit (Content-Length said ${out.ContentLength ?? 'nothing'})`);
      }
      chunks.push(chunk);
    }
  } catch (cause) {
    if (cause instanceof ModelFetchError) throw cause;
    throw new ModelFetchError(`reading ${uri} failed: ${(cause as Error).message}`, { cause });
  }
  return {
    bytes: Buffer.concat(chunks, length),
    ...(out.VersionId ? { versionId: out.VersionId } : {}),
    ...(out.ETag ? { eTag: out.ETag } : {}),
  };
}

/** An object's URI for messages: the key may end in a name read from an MLmodel file, so it is quoted capped. */
function objectUri(bucket: string, key: string): string {
  return `s3://${bucket}/${quote(key, { bare: true })}`;
}

/**
 * S3's answer to `call`; undefined when the object does not exist (or, with `deniedMeansAbsent`,
 * may not be read), a ModelFetchError naming `uri` for any other failure.
 */
async function askS3<T>(uri: string, call: () => Promise<T>, deniedMeansAbsent = false): Promise<T | undefined> {
  try {
    return await call();
  } catch (err) {
    if (isNotFound(err) || (deniedMeansAbsent && errorName(err) === 'AccessDenied')) return undefined;
    const bucket = /^s3:\/\/([^/]+)/.exec(uri)?.[1] ?? '';
    const detail = errorName(err) === 'NoSuchBucket' ? `no such bucket ${quote(bucket)}` : awsFailureWords(err, 'S3');
    throw new ModelFetchError(`cannot get ${uri}: ${detail}`, { cause: err, detail, about: uri });
  }
}

/** The error for an object longer than `maxBytes`, else undefined. */
function sizeError(uri: string, contentLength: number | undefined, maxBytes: number): ModelFetchError | undefined {
  return contentLength !== undefined && contentLength > maxBytes
    ? new ModelFetchError(`${uri} has ${contentLength} bytes, more than the ${maxBytes}-byte limit`)
    : undefined;
}

function fromS3(object: S3Object, uri: string, recipe: FetchedRecipe | undefined, mlflow?: MlflowModelInfo): FetchedModel {
  return {
    bytes: object.bytes,
    uri,
    ...(mlflow ? { mlflow } : {}),
    ...(object.versionId ? { s3VersionId: object.versionId } : {}),
    ...(object.eTag ? { s3ETag: object.eTag } : {}),
    ...(recipe ? { recipe } : {}),
  };
}

/**
 * The recipe object at `key`, or undefined when there is none. A denial is an error, not "none":
 * a recipe may redefine a key the function also knows (`PU_DO` with another separator), and
 * without it such a model would load and predict wrong. The stack grants the recipe's key.
 */
async function getRecipe(s3: S3Client, bucket: string, key: string): Promise<FetchedRecipe | undefined> {
  const object = await getObject(s3, bucket, key, MAX_RECIPE_BYTES);
  return object === undefined ? undefined : { bytes: object.bytes, uri: `s3://${bucket}/${key}` };
}

/** A model object and its recipe, fetched together; when both fail, the model's failure is the one reported. */
async function withRecipe<T>(model: Promise<T>, recipe: Promise<FetchedRecipe | undefined>): Promise<[T, FetchedRecipe | undefined]> {
  const [object, extra] = await Promise.allSettled([model, recipe]);
  if (object.status === 'rejected') throw object.reason;
  if (extra.status === 'rejected') throw extra.reason;
  return [object.value, extra.value];
}

async function fetchS3(bucket: string, key: string, s3: S3Client | undefined, maxBytes: number): Promise<FetchedModel> {
  if (!s3) throw new ModelLocationError(`model location s3://${bucket}/${key} needs an S3 client`);
  const uri = `s3://${bucket}/${key}`;
  const notFound = (): never => {
    throw new ModelFetchError(`model not found: ${uri} does not exist`);
  };
  if (isModelFileName(key)) {
    // The recipe's GET (usually a 404) runs beside the model's: no extra round trip.
    const [object, recipe] = await withRecipe(getObject(s3, bucket, key, maxBytes), getRecipe(s3, bucket, `${key}${RECIPE_SUFFIX}`));
    return fromS3(object ?? notFound(), uri, recipe);
  }
  const prefix = key.endsWith(MLMODEL) ? key.slice(0, -MLMODEL.length) : key.endsWith('/') ? key : `${key}/`;
  const mlmodelKey = `${prefix}${MLMODEL}`;
  const mlmodelObject = await getObject(s3, bucket, mlmodelKey, Math.min(maxBytes, MAX_MLMODEL_BYTES), !key.endsWith('/') && !key.endsWith(MLMODEL));
  if (!mlmodelObject) {
    // Not a folder: maybe an object without a recognised extension.
    const [object, recipe] = key.endsWith('/')
      ? [undefined, undefined]
      : await withRecipe(getObject(s3, bucket, key, maxBytes), getRecipe(s3, bucket, `${key}${RECIPE_SUFFIX}`));
    if (!object) {
      throw new MlflowModelError(`model not found: neither the object ${uri} nor an MLflow folder (s3://${bucket}/${mlmodelKey}) exists`);
    }
    return fromS3(object, uri, recipe);
  }
  const mlmodelUri = `s3://${bucket}/${mlmodelKey}`;
  const mlflow = await parseMlmodel(new TextDecoder().decode(mlmodelObject.bytes), mlmodelUri);
  const modelKey = `${prefix}${mlflow.pickledModel}`;
  const [model, recipe] = await withRecipe(getObject(s3, bucket, modelKey, maxBytes), getRecipe(s3, bucket, `${prefix}${MLFLOW_RECIPE}`));
  if (!model) {
    throw new MlflowModelError(`${mlmodelUri} names pickled_model ${quote(mlflow.pickledModel)}, but that object does not exist under s3://${bucket}/${prefix}`);
  }
  return fromS3(model, `s3://${bucket}/${modelKey}`, recipe, mlflow);
}
