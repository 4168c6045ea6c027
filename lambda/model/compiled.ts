/**
 * A pickle's compiled sidecar: the same linear model as JSON, stored next to the pickle
 * (`lin_reg.bin` → `lin_reg.bin.compiled.json`), so that a cold start reads it with `JSON.parse`,
 * one `split` and one base64 decode instead of running the pickle VM over 53,000 opcodes (about 30
 * of the ~150 ms of a cold start on Node 20, which has no mid-tier compiler for that interpreted loop).
 *
 * The pickle stays the model. The sidecar records the sha256 and length of the pickle it was compiled
 * from, and the loader uses it only when both match the pickle bytes it has just fetched: a stale,
 * foreign or damaged sidecar is ignored (and the reason logged), never trusted. So the version id
 * (`sha256:` of the pickle), `MODEL_SHA256` and `MODEL_LOCATION` keep their meaning; when
 * `MODEL_SHA256` pins the pickle, a sidecar is used only if `MODEL_COMPILED_SHA256` pins it too.
 *
 * Only DictVectorizer + linear models compile (LinearRegression, Ridge, Lasso, ElasticNet): a tree
 * ensemble is read from its pickle.
 *
 * This file is the format and its reader, which a cold start runs; `compile.ts` writes sidecars
 * (it runs the pickle reader, which the reader here must not load).
 */
import { LITTLE_ENDIAN_HOST } from './endian.js';
import { linearFrom, type LinearParts } from './native.js';

export const COMPILED_MODEL_FORMAT = 'ride-duration-compiled/v1';

/** The pickle a sidecar was compiled from, and what the pickle said about itself. */
export interface CompiledModelSource {
  /** sha256 (hex) of the pickle's bytes. */
  readonly sha256: string;
  /** The pickle's length in bytes. */
  readonly bytes: number;
  /** `pickle-tuple` or `pickle-pipeline`. */
  readonly layout: string;
  readonly sklearnVersion?: string;
  /**
   * MD5 (hex) of the pickle's bytes: S3's ETag of an object uploaded in one part without KMS, so
   * that a loader with this sidecar pinned can match the pickle by a HEAD instead of downloading it.
   */
  readonly md5?: string;
}

/**
 * The sidecar's fields. Names and coefficients are one string each rather than arrays of 13,221
 * values: `JSON.parse` then builds two strings instead of 26,000 values, and the loader splits the
 * names and decodes the coefficients natively, running no JavaScript per feature (the arrays took
 * ~8 of the sidecar's ~10 ms at cold start).
 */
export interface CompiledModel {
  readonly format: typeof COMPILED_MODEL_FORMAT;
  readonly source: CompiledModelSource;
  readonly regressor: string;
  /** DictVectorizer feature names in column order, one per line (`\n`-separated). */
  readonly featureNames: string;
  readonly separator: string;
  /** The coefficients in column order: base64 of their float64 bits, little-endian (exact). */
  readonly coef: string;
  readonly intercept: number;
  /**
   * The names are strictly ascending (`DictVectorizer(sort=True)`, the default). Believed only when
   * `MODEL_COMPILED_SHA256` pins the sidecar, whose bytes `compile` then checked in that reading;
   * otherwise the names are compared at load.
   */
  readonly sortedNames?: boolean;
}

/** Between two feature names in {@link CompiledModel.featureNames}. */
export const NAME_SEPARATOR = '\n';
/**
 * `text` decoded as strict base64, or undefined. Node's decoder skips characters outside the
 * alphabet (and an early "="), which always leaves fewer bytes than the text's length promises, so
 * that count is the check; only the URL-safe "-" and "_", which it decodes too, need looking for.
 * Why not a pattern: testing the 141 KB of the course model's coefficients with one took a
 * millisecond of each cold start.
 */
function strictBase64(text: string): Buffer | undefined {
  if (text.length % 4 !== 0 || text.includes('-') || text.includes('_')) return undefined;
  const padding = text.endsWith('==') ? 2 : text.endsWith('=') ? 1 : 0;
  const bytes = Buffer.from(text, 'base64');
  return bytes.length === (text.length / 4) * 3 - padding ? bytes : undefined;
}

function float64FromBytes(bytes: Uint8Array): Float64Array {
  // A copy (`Buffer#slice` would be a view, of a pooled buffer perhaps): aligned, and exactly these bytes.
  if (LITTLE_ENDIAN_HOST) return new Float64Array(new Uint8Array(bytes).buffer);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return Float64Array.from({ length: bytes.length / 8 }, (_, i) => view.getFloat64(i * 8, true));
}

/** A sidecar that matched its pickle: the model, ready to score, and what the pickle said about itself. */
export interface CompiledMatch extends LinearParts {
  /** `pickle-tuple` or `pickle-pipeline`, as the pickle's own load would report it. */
  readonly layout: string;
  readonly sklearnVersion?: string;
  /** sha256 of the pickle it was compiled from (equal to the pickle's, or matched by MD5). */
  readonly pickleSha256: string;
}

/**
 * The pickle a sidecar must have been compiled from: its sha256 and length, or, for a pickle only
 * HEADed (a pinned sidecar, see `load.ts`), the MD5 of its S3 ETag and its length.
 */
export type PickleIdentity =
  | { readonly sha256: string; readonly bytes: number }
  | { readonly md5: string; readonly bytes: number };

/**
 * Reads a sidecar for the pickle with this sha256 (or MD5) and length.
 *
 * @param options.pinned the caller checked the sidecar's bytes against `MODEL_COMPILED_SHA256`: they
 *   are those `ride-duration compile` wrote and checked score for score in this reading, so its
 *   `sortedNames` is believed and the names are not compared again (all other fields are checked)
 * @returns the model, or why the sidecar cannot stand in for the pickle (never throws for bad input)
 */
export function readCompiledModel(
  bytes: Uint8Array,
  pickle: PickleIdentity,
  options: { readonly pinned?: boolean } = {},
): CompiledMatch | { readonly rejected: string } {
  let json: unknown;
  try {
    json = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes));
  } catch (cause) {
    return { rejected: `not JSON: ${(cause as Error).message}` };
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json)) return { rejected: 'not a JSON object' };
  const m = json as Record<string, unknown>;
  if (m.format !== COMPILED_MODEL_FORMAT) return { rejected: `format ${JSON.stringify(m.format)}, expected ${JSON.stringify(COMPILED_MODEL_FORMAT)}` };
  const source = m.source as Record<string, unknown> | null | undefined;
  if (typeof source !== 'object' || source === null || typeof source.sha256 !== 'string' || typeof source.bytes !== 'number' || typeof source.layout !== 'string') {
    return { rejected: 'source must name the pickle (sha256, bytes, layout)' };
  }
  if ('sha256' in pickle) {
    if (source.sha256 !== pickle.sha256 || source.bytes !== pickle.bytes) {
      return { rejected: `stale: compiled from a pickle with sha256 ${source.sha256.slice(0, 12)}…, this one has ${pickle.sha256.slice(0, 12)}…` };
    }
  } else if (source.md5 !== pickle.md5 || source.bytes !== pickle.bytes) {
    return { rejected: `stale: compiled from a pickle with MD5 ${String(source.md5 ?? 'unrecorded').slice(0, 12)}…, this one's ETag is ${pickle.md5.slice(0, 12)}…` };
  }
  const { featureNames, coef } = m;
  if (typeof featureNames !== 'string') return { rejected: 'featureNames must be a string of names, one per line' };
  const weights = typeof coef === 'string' ? strictBase64(coef) : undefined;
  if (weights === undefined) return { rejected: 'coef must be base64 (the float64 coefficients, little-endian)' };
  const names = featureNames === '' ? [] : featureNames.split(NAME_SEPARATOR);
  if (weights.length !== names.length * 8) return { rejected: `coef holds ${weights.length} bytes for ${names.length} features (8 each)` };
  try {
    const linear = linearFrom(
      {
        featureNames: names,
        coef: float64FromBytes(weights),
        intercept: m.intercept,
        separator: m.separator,
        regressor: m.regressor,
        namesSorted: options.pinned === true && m.sortedNames === true,
      },
      'compiled model',
    );
    const sklearnVersion = typeof source.sklearnVersion === 'string' ? { sklearnVersion: source.sklearnVersion } : {};
    return { ...linear, layout: source.layout, ...sklearnVersion, pickleSha256: source.sha256 };
  } catch (err) {
    return { rejected: (err as Error).message };
  }
}

/** True when JSON model bytes are a sidecar rather than a model of their own. */
export function isCompiledModel(json: unknown): boolean {
  return typeof json === 'object' && json !== null && (json as { format?: unknown }).format === COMPILED_MODEL_FORMAT;
}
