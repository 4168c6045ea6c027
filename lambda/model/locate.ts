/**
 * Where the model lives and how its bytes are fetched: a local file or folder, or an S3 object or
 * prefix. MLflow model folders (`MLmodel` + pickled model) are followed to their sklearn pickle.
 * S3 is reached through an injected {@link S3ObjectReader}, so `lambda/model` imports no AWS SDK: the
 * function's cold start uses a signed GET of its own (`lambda/signed-s3-client.ts`), everything
 * else the SDK's `GetObject` (`lambda/sdk-s3-reader.ts`).
 */
import { readFile, realpath, stat } from 'node:fs/promises';
import { isAbsolute, join, relative, sep } from 'node:path';
import { MlflowModelError, ModelFetchError, ModelLocationError, quoteFileValue } from './errors.js';
import { parseMlmodel } from './mlmodel.js';
import type { MlflowModelInfo } from './mlmodel.js';

/** A model location: an S3 object/prefix or a local file/folder. */
export type ModelSource =
  | { readonly kind: 's3'; readonly bucket: string; readonly key: string }
  | { readonly kind: 'file'; readonly path: string };

/**
 * One S3 `GetObject`, as the model loader needs it.
 *
 * A failure rejects with an error shaped like the SDK's service exceptions: `name` is S3's error code
 * (`NoSuchKey`, `AccessDenied`, …) and `$metadata.httpStatusCode` the HTTP status, when known.
 */
export interface S3ObjectReader {
  getObject(bucket: string, key: string): Promise<S3ObjectResponse>;
  /**
   * `HeadObject`: the object's metadata without its body. Optional: without it, a pinned sidecar's
   * pickle is downloaded as always (see {@link fetchModelSidecarFirst}).
   */
  headObject?(bucket: string, key: string): Promise<S3ObjectHead>;
}

/** What `HeadObject` says of an object. */
export interface S3ObjectHead {
  readonly contentLength?: number | undefined;
  readonly versionId?: string | undefined;
  readonly eTag?: string | undefined;
}

/** An object's metadata, with its body still to be read. */
export interface S3ObjectResponse {
  readonly contentLength?: number | undefined;
  readonly versionId?: string | undefined;
  readonly eTag?: string | undefined;
  /** Reads the whole body (call once). */
  readBody(): Promise<Uint8Array>;
  /** Drops the body unread (the object was refused on its metadata). */
  discard(): void;
}

/**
 * Appended to a pickle's file name or S3 key to name its compiled sidecar (`model/compiled.ts`),
 * which is fetched with the pickle, in parallel, and used only if it was compiled from exactly it.
 */
export const COMPILED_MODEL_SUFFIX = '.compiled.json';

/** A compiled sidecar found next to the pickle. */
export interface FetchedSidecar {
  readonly uri: string;
  /** Its bytes; absent when it exists but could not be read, and then `problem` says why. */
  readonly bytes?: Uint8Array;
  readonly problem?: string;
}

/** The model bytes and what is known about where they came from. */
export interface FetchedModel {
  readonly bytes: Uint8Array;
  /** The pickle's compiled sidecar, when one exists next to it. */
  readonly compiled?: FetchedSidecar;
  /** URI or path of the model file itself (`…/model.pkl` for an MLflow folder). */
  readonly uri: string;
  /** Present when the location was an MLflow model folder. */
  readonly mlflow?: MlflowModelInfo;
  readonly s3VersionId?: string;
  readonly s3ETag?: string;
}

/**
 * A pickle on S3 known by its metadata only, beside its sidecar's bytes: what
 * {@link fetchModelSidecarFirst} answers when the sidecar may stand in, so that the pickle need not
 * be downloaded. The loader checks the sidecar (its pin, the pickle's MD5 and length) and calls
 * {@link HeadedModel.fetch} when it does not stand in.
 */
export interface HeadedModel {
  readonly uri: string;
  readonly compiled: FetchedSidecar & { readonly bytes: Uint8Array };
  /** The pickle's length, and its ETag as an MD5 (hex), which S3 gives an object uploaded in one part without KMS. */
  readonly head: { readonly contentLength: number; readonly md5: string; readonly eTag: string; readonly versionId?: string };
  /** Downloads the pickle after all. */
  fetch(): Promise<FetchedModel>;
}

/** What {@link fetchModelSidecarFirst} answers: the model's bytes, or a pickle HEADed beside its sidecar. */
export type PrefetchedModel = FetchedModel | HeadedModel;

/** Extensions that mark a location as the model file itself rather than an MLflow folder. */
export const MODEL_FILE_EXTENSIONS = ['.bin', '.pkl', '.pickle', '.json'] as const;
const MLMODEL = 'MLmodel';
/** Largest model file accepted (checked before reading, from the file size or ContentLength). */
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
export async function fetchModel(source: ModelSource, options: { s3?: S3ObjectReader } = {}): Promise<FetchedModel> {
  return source.kind === 'file' ? fetchLocal(source.path) : fetchS3(source.bucket, source.key, options.s3);
}

/**
 * Whether a sidecar may stand in for a pickle known only by a HEAD (`fetchModelSidecarFirst`):
 * `MODEL_COMPILED_SHA256` pins the sidecar and no `MODEL_SHA256` asks for the pickle's own bytes.
 */
export function sidecarPinnedAlone(pins: { readonly expectedSha256?: string | undefined; readonly expectedCompiledSha256?: string | undefined }): boolean {
  return pins.expectedCompiledSha256 !== undefined && pins.expectedSha256 === undefined;
}

/** An ETag that is an MD5 (hex, lower case), or undefined (multipart uploads, SSE-KMS, SSE-C). */
function md5OfETag(eTag: string | undefined): string | undefined {
  const value = eTag?.replace(/^"|"$/g, '').toLowerCase();
  return value !== undefined && /^[0-9a-f]{32}$/.test(value) ? value : undefined;
}

/**
 * {@link fetchModel}, except that a model file on S3 whose compiled sidecar is there is only HEADed
 * while the sidecar is downloaded: a {@link HeadedModel}, for a loader that has the sidecar pinned
 * (`MODEL_COMPILED_SHA256`) and so can match the pickle by its ETag. Half the bytes and one fewer
 * object to stream at cold start. Anything else (a local file, an MLflow folder, no sidecar, an
 * ETag that is no MD5, a reader without `headObject`) is fetched as {@link fetchModel} does.
 */
export async function fetchModelSidecarFirst(source: ModelSource, options: { s3?: S3ObjectReader } = {}): Promise<PrefetchedModel> {
  const { s3 } = options;
  const headOf = s3?.headObject?.bind(s3);
  if (s3 === undefined || headOf === undefined || source.kind !== 's3' || !isModelFileName(source.key) || !mayHaveSidecar(source.key)) return fetchModel(source, options);
  const { bucket, key } = source;
  const uri = `s3://${bucket}/${key}`;
  const head = headObject(headOf, bucket, key);
  const sidecar = s3Sidecar(s3, bucket, key);
  let metadata: S3ObjectHead | undefined;
  try {
    metadata = await head;
  } finally {
    await sidecar; // settles without rejecting; waited for so that no request outlives the load
  }
  if (metadata === undefined) throw new ModelFetchError(`model not found: ${uri} does not exist`);
  const compiled = await sidecar;
  const md5 = md5OfETag(metadata.eTag);
  const fetch = async (): Promise<FetchedModel> => modelFile(await getObject(s3, bucket, key), uri, compiled);
  if (compiled?.bytes === undefined || md5 === undefined || metadata.contentLength === undefined) return fetch();
  return {
    uri,
    compiled: { ...compiled, bytes: compiled.bytes },
    head: { contentLength: metadata.contentLength, md5, eTag: metadata.eTag!, ...(metadata.versionId ? { versionId: metadata.versionId } : {}) },
    fetch,
  };
}

async function fetchLocal(path: string): Promise<FetchedModel> {
  let isDirectory: boolean;
  try {
    const info = await stat(path);
    isDirectory = info.isDirectory();
    if (!isDirectory && info.size > MAX_MODEL_BYTES) throw new ModelFetchError(`model file ${path} has ${info.size} bytes, more than the ${MAX_MODEL_BYTES}-byte limit`);
  } catch (cause) {
    if (cause instanceof ModelFetchError) throw cause;
    throw new ModelFetchError(`model not found at ${path}: ${(cause as Error).message}`, { cause });
  }
  if (!isDirectory) {
    if (path.endsWith(MLMODEL)) return fetchLocal(path.slice(0, -MLMODEL.length) || '.');
    const [bytes, compiled] = await Promise.all([readLocal(path, 'model file'), localSidecar(path)]);
    return { bytes, uri: path, ...(compiled ? { compiled } : {}) };
  }
  const mlmodelPath = join(path, MLMODEL);
  let text: string;
  try {
    text = await readFile(mlmodelPath, 'utf8');
  } catch (cause) {
    throw new MlflowModelError(`${path} is a folder without an MLmodel file; expected an MLflow model folder or a model file`, { cause });
  }
  const mlflow = parseMlmodel(text, mlmodelPath);
  const modelPath = join(path, mlflow.pickledModel);
  const named = `${mlmodelPath} names pickled_model ${quoteFileValue(mlflow.pickledModel)}`;
  let bytes: Uint8Array;
  try {
    // parseMlmodel already refused `..` and absolute names; a symlink can still lead out, so the
    // real path must stay inside the folder's real path.
    const [realFolder, realModel] = await Promise.all([realpath(path), realpath(modelPath)]);
    const inside = relative(realFolder, realModel);
    if (inside === '..' || inside.startsWith(`..${sep}`) || isAbsolute(inside)) {
      throw new MlflowModelError(`${named}, which resolves to ${quoteFileValue(realModel)}, outside the model folder ${realFolder} (a symlink?)`);
    }
    const { size } = await stat(realModel);
    if (size > MAX_MODEL_BYTES) throw new ModelFetchError(`model file ${modelPath} has ${size} bytes, more than the ${MAX_MODEL_BYTES}-byte limit`);
    bytes = await readFile(realModel);
  } catch (cause) {
    if (cause instanceof ModelFetchError || cause instanceof MlflowModelError) throw cause;
    // The file-system message repeats the path, which holds the file-provided name: quote it capped.
    throw new MlflowModelError(`${named}, but it cannot be read: ${quoteFileValue((cause as Error).message, { bare: true })}`, { cause });
  }
  // No containment check for the sidecar: it is data, used only if it was compiled from these bytes.
  const compiled = await localSidecar(modelPath);
  return { bytes, uri: modelPath, mlflow, ...(compiled ? { compiled } : {}) };
}

/** Whether a model file may have a compiled sidecar: a pickle, not one of our JSON files. */
function mayHaveSidecar(name: string): boolean {
  return !name.toLowerCase().endsWith('.json');
}

/** The sidecar next to a local model file: undefined when there is none, never a rejection. */
async function localSidecar(path: string): Promise<FetchedSidecar | undefined> {
  if (!mayHaveSidecar(path)) return undefined;
  const uri = `${path}${COMPILED_MODEL_SUFFIX}`;
  try {
    const info = await stat(uri);
    if (!info.isFile()) return undefined;
    if (info.size > MAX_MODEL_BYTES) return { uri, problem: `${info.size} bytes, more than the ${MAX_MODEL_BYTES}-byte limit` };
    return { uri, bytes: await readFile(uri) };
  } catch (cause) {
    if ((cause as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    return { uri, problem: (cause as Error).message };
  }
}

async function readLocal(path: string, what: string): Promise<Uint8Array> {
  try {
    return await readFile(path);
  } catch (cause) {
    throw new ModelFetchError(`cannot read ${what} ${path}: ${(cause as Error).message}`, { cause });
  }
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

/**
 * Gets an object; undefined when it does not exist, ModelFetchError for any other failure.
 * `deniedMeansAbsent`: S3 answers AccessDenied instead of NoSuchKey when the caller may not list the
 * bucket, so a probe for an optional `MLmodel` treats a denial as "not there".
 */
async function getObject(s3: S3ObjectReader, bucket: string, key: string, deniedMeansAbsent = false): Promise<S3Object | undefined> {
  const uri = objectUri(bucket, key);
  const out = await askS3(uri, () => s3.getObject(bucket, key), deniedMeansAbsent);
  if (out === undefined) return undefined;
  const tooLarge = sizeError(uri, out.contentLength);
  if (tooLarge !== undefined) {
    out.discard();
    throw tooLarge;
  }
  let bytes: Uint8Array;
  try {
    bytes = await out.readBody();
  } catch (cause) {
    throw new ModelFetchError(`reading ${uri} failed: ${(cause as Error).message}`, { cause });
  }
  return {
    bytes,
    ...(out.versionId ? { versionId: out.versionId } : {}),
    ...(out.eTag ? { eTag: out.eTag } : {}),
  };
}

/** HEADs an object; undefined when it does not exist, ModelFetchError for any other failure (as {@link getObject}). */
async function headObject(headOf: (bucket: string, key: string) => Promise<S3ObjectHead>, bucket: string, key: string): Promise<S3ObjectHead | undefined> {
  const uri = objectUri(bucket, key);
  const head = await askS3(uri, () => headOf(bucket, key));
  const tooLarge = sizeError(uri, head?.contentLength);
  if (tooLarge !== undefined) throw tooLarge;
  return head;
}

/** An object's URI for messages: the key may end in a name read from an MLmodel file, so it is quoted capped. */
function objectUri(bucket: string, key: string): string {
  return `s3://${bucket}/${quoteFileValue(key, { bare: true })}`;
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
    throw new ModelFetchError(`cannot get ${uri}: ${errorName(err) ?? 'Error'}: ${quoteFileValue((err as Error).message, { bare: true })}`, { cause: err });
  }
}

/** The error for an object longer than {@link MAX_MODEL_BYTES}, else undefined. */
function sizeError(uri: string, contentLength: number | undefined): ModelFetchError | undefined {
  return contentLength !== undefined && contentLength > MAX_MODEL_BYTES
    ? new ModelFetchError(`${uri} has ${contentLength} bytes, more than the ${MAX_MODEL_BYTES}-byte limit`)
    : undefined;
}

/** The model file fetched from `uri`, or the error that it does not exist. */
function modelFile(object: S3Object | undefined, uri: string, compiled: FetchedSidecar | undefined): FetchedModel {
  if (!object) throw new ModelFetchError(`model not found: ${uri} does not exist`);
  return fromS3(object, uri, undefined, compiled);
}

/**
 * The sidecar of the S3 object `key`: undefined when there is none (or the role may not read it),
 * never a rejection, so that no sidecar failure can fail or delay a model load beyond its own GET.
 */
async function s3Sidecar(s3: S3ObjectReader, bucket: string, key: string): Promise<FetchedSidecar | undefined> {
  if (!mayHaveSidecar(key)) return undefined;
  const sidecarKey = `${key}${COMPILED_MODEL_SUFFIX}`;
  const uri = objectUri(bucket, sidecarKey);
  try {
    const object = await getObject(s3, bucket, sidecarKey, true);
    return object === undefined ? undefined : { uri, bytes: object.bytes };
  } catch (err) {
    return { uri, problem: (err as Error).message };
  }
}

/** The pickle and its sidecar, requested together. */
async function getWithSidecar(s3: S3ObjectReader, bucket: string, key: string): Promise<[S3Object | undefined, FetchedSidecar | undefined]> {
  const object = getObject(s3, bucket, key);
  const sidecar = s3Sidecar(s3, bucket, key);
  try {
    return [await object, await sidecar];
  } catch (err) {
    await sidecar; // settles without rejecting; waited for so that no request outlives the load
    throw err;
  }
}

function fromS3(object: S3Object, uri: string, mlflow?: MlflowModelInfo, compiled?: FetchedSidecar): FetchedModel {
  return {
    bytes: object.bytes,
    uri,
    ...(mlflow ? { mlflow } : {}),
    ...(compiled ? { compiled } : {}),
    ...(object.versionId ? { s3VersionId: object.versionId } : {}),
    ...(object.eTag ? { s3ETag: object.eTag } : {}),
  };
}

async function fetchS3(bucket: string, key: string, s3: S3ObjectReader | undefined): Promise<FetchedModel> {
  if (!s3) throw new ModelLocationError(`model location s3://${bucket}/${key} needs an S3 client`);
  const uri = `s3://${bucket}/${key}`;
  if (isModelFileName(key)) {
    const [object, compiled] = await getWithSidecar(s3, bucket, key);
    return modelFile(object, uri, compiled);
  }
  const prefix = key.endsWith(MLMODEL) ? key.slice(0, -MLMODEL.length) : key.endsWith('/') ? key : `${key}/`;
  const mlmodelKey = `${prefix}${MLMODEL}`;
  const mlmodelObject = await getObject(s3, bucket, mlmodelKey, !key.endsWith('/') && !key.endsWith(MLMODEL));
  if (!mlmodelObject) {
    // Not a folder: maybe an object without a recognised extension.
    const [object, compiled] = key.endsWith('/') ? [undefined, undefined] : await getWithSidecar(s3, bucket, key);
    if (!object) {
      throw new MlflowModelError(`model not found: neither the object ${uri} nor an MLflow folder (s3://${bucket}/${mlmodelKey}) exists`);
    }
    return fromS3(object, uri, undefined, compiled);
  }
  const mlmodelUri = `s3://${bucket}/${mlmodelKey}`;
  const mlflow = parseMlmodel(new TextDecoder().decode(mlmodelObject.bytes), mlmodelUri);
  const modelKey = `${prefix}${mlflow.pickledModel}`;
  const [model, compiled] = await getWithSidecar(s3, bucket, modelKey);
  if (!model) {
    throw new MlflowModelError(`${mlmodelUri} names pickled_model ${quoteFileValue(mlflow.pickledModel)}, but that object does not exist under s3://${bucket}/${prefix}`);
  }
  return fromS3(model, `s3://${bucket}/${modelKey}`, mlflow, compiled);
}
